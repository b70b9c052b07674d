/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Work items and workqueues (env/workqueue.c), single threaded: queueing
 * only records the item; it runs when someone flushes it, flushes or
 * destroys its queue, or the program calls vmed_user_run_work(), which
 * plays the kernel's worker threads. So work never runs inside the code
 * that queued it, as in the kernel, and a program decides when it runs.
 * Queueing an item already pending does nothing and returns false.
 * Ordered and unordered queues are the same: items run in queueing order.
 * A workqueue is kernel memory (counted, see slab.h).
 *
 * Delayed work is pending from the moment it is queued but runs only once
 * its delay (jiffies of 1 ms, linux/ktime.h) has passed on the monotonic
 * clock: vmed_user_run_work() and flushes leave it pending until then, and
 * vmed_user_next_work_ns() says when that is.
 */
#ifndef _VMED_USER_LINUX_WORKQUEUE_H
#define _VMED_USER_LINUX_WORKQUEUE_H

#include <linux/compiler.h>
#include <linux/list.h>
#include <linux/types.h>

struct work_struct;
struct workqueue_struct;
typedef void (*work_func_t)(struct work_struct *work);

struct work_struct {
	struct list_head entry;		/* in the pending list while queued */
	work_func_t func;
	struct workqueue_struct *wq;	/* the queue it was last queued on */
	bool pending;
	unsigned long long due_ns;	/* delayed work: not before this */
};

#define INIT_WORK(w, f) do {				\
	INIT_LIST_HEAD(&(w)->entry);			\
	(w)->func = (f);				\
	(w)->wq = NULL;					\
	(w)->pending = false;				\
	(w)->due_ns = 0;				\
} while (0)

struct delayed_work {
	struct work_struct work;
};

#define INIT_DELAYED_WORK(w, f)	INIT_WORK(&(w)->work, f)

static inline struct delayed_work *to_delayed_work(struct work_struct *work)
{
	return container_of(work, struct delayed_work, work);
}

#define WQ_UNBOUND	(1 << 1)

#define DECLARE_WORK(n, f)					\
	struct work_struct n = {				\
		.entry = LIST_HEAD_INIT((n).entry),		\
		.func = (f),					\
	}

extern struct workqueue_struct *system_wq;
/* One thread runs all work: every system queue is the same queue. */
#define system_unbound_wq	system_wq

__printf(1, 3)
struct workqueue_struct *alloc_ordered_workqueue(const char *fmt,
						 unsigned int flags, ...);
/* One thread runs everything: max_active has nothing to limit. */
#define alloc_workqueue(fmt, flags, max_active, args...)		\
	((void)(max_active), alloc_ordered_workqueue(fmt, flags, ##args))
void destroy_workqueue(struct workqueue_struct *wq);
bool queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork,
			unsigned long delay);
bool mod_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork,
		      unsigned long delay);
bool cancel_delayed_work_sync(struct delayed_work *dwork);
bool queue_work(struct workqueue_struct *wq, struct work_struct *work);
void flush_workqueue(struct workqueue_struct *wq);
bool flush_work(struct work_struct *work);
bool cancel_work_sync(struct work_struct *work);

static inline bool schedule_work(struct work_struct *work)
{
	return queue_work(system_wq, work);
}

/* The environment's worker: run pending work until none is due. */
unsigned long vmed_user_run_work(void);
/* Run one due item, if there is one. */
bool vmed_user_run_work_once(void);
/* When the next delayed item is due (monotonic ns), 0 if none is pending. */
unsigned long long vmed_user_next_work_ns(void);

#endif /* _VMED_USER_LINUX_WORKQUEUE_H */
