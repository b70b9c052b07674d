/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A mutex is a pthread mutex that knows its owner, so that
 * lockdep_assert_held() can check it and so that taking a mutex the thread
 * already holds, or releasing one it does not, is reported as a warning
 * (in the kernel: a deadlock, or a lockdep splat) instead of hanging.
 */
#ifndef _VMED_USER_LINUX_MUTEX_H
#define _VMED_USER_LINUX_MUTEX_H

#include <pthread.h>
#include <stdbool.h>
#include <linux/lockdep.h>

struct mutex {
	pthread_mutex_t lock;
	pthread_t owner;
	bool held;
};

#define DEFINE_MUTEX(name) \
	struct mutex name = { .lock = PTHREAD_MUTEX_INITIALIZER }

void mutex_init(struct mutex *lock);
void mutex_destroy(struct mutex *lock);
void mutex_lock(struct mutex *lock);
void mutex_unlock(struct mutex *lock);
bool mutex_is_locked(struct mutex *lock);

#endif /* _VMED_USER_LINUX_MUTEX_H */
