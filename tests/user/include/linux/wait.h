/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A wait queue is a pthread condition variable. The waker changes the
 * condition before wake_up_all(), as in the kernel; the waiter re-checks
 * it under the queue's mutex, so no wake-up is lost.
 */
#ifndef _VMED_USER_LINUX_WAIT_H
#define _VMED_USER_LINUX_WAIT_H

#include <pthread.h>

struct wait_queue_head {
	pthread_mutex_t lock;
	pthread_cond_t cond;
};

typedef struct wait_queue_head wait_queue_head_t;

static inline void init_waitqueue_head(struct wait_queue_head *wq)
{
	pthread_mutex_init(&wq->lock, NULL);
	pthread_cond_init(&wq->cond, NULL);
}

#define DECLARE_WAIT_QUEUE_HEAD(name)					\
	struct wait_queue_head name = {					\
		.lock = PTHREAD_MUTEX_INITIALIZER,			\
		.cond = PTHREAD_COND_INITIALIZER,			\
	}

#define wait_event(wq, condition)					\
	do {								\
		pthread_mutex_lock(&(wq).lock);				\
		while (!(condition))					\
			pthread_cond_wait(&(wq).cond, &(wq).lock);	\
		pthread_mutex_unlock(&(wq).lock);			\
	} while (0)

static inline void wake_up_all(struct wait_queue_head *wq)
{
	pthread_mutex_lock(&wq->lock);
	pthread_cond_broadcast(&wq->cond);
	pthread_mutex_unlock(&wq->lock);
}

#endif /* _VMED_USER_LINUX_WAIT_H */
