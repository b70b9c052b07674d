/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A read-write semaphore is a pthread rwlock: readers share it, a writer
 * excludes everyone, as in the kernel.
 */
#ifndef _VMED_USER_LINUX_RWSEM_H
#define _VMED_USER_LINUX_RWSEM_H

#include <pthread.h>

struct rw_semaphore {
	pthread_rwlock_t lock;
};

#define DECLARE_RWSEM(name) \
	struct rw_semaphore name = { .lock = PTHREAD_RWLOCK_INITIALIZER }

static inline void down_read(struct rw_semaphore *sem)
{
	pthread_rwlock_rdlock(&sem->lock);
}

static inline void up_read(struct rw_semaphore *sem)
{
	pthread_rwlock_unlock(&sem->lock);
}

static inline void down_write(struct rw_semaphore *sem)
{
	pthread_rwlock_wrlock(&sem->lock);
}

static inline void up_write(struct rw_semaphore *sem)
{
	pthread_rwlock_unlock(&sem->lock);
}

#endif /* _VMED_USER_LINUX_RWSEM_H */
