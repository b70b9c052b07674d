// SPDX-License-Identifier: GPL-2.0
/*
 * Work items without threads; see linux/workqueue.h. One list holds every
 * pending item in queueing order; running an item takes it off the list
 * first, so it may queue itself again.
 */
#include <stdarg.h>
#include <linux/bug.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

struct workqueue_struct {
	char name[32];
	unsigned int running;	/* items of this queue running now */
};

static struct workqueue_struct system_queue = { .name = "events" };
struct workqueue_struct *system_wq = &system_queue;
static LIST_HEAD(pending);

struct workqueue_struct *alloc_ordered_workqueue(const char *fmt,
						 unsigned int flags, ...)
{
	struct workqueue_struct *wq = kzalloc(sizeof(*wq), GFP_KERNEL);
	va_list ap;

	if (!wq)
		return NULL;
	va_start(ap, flags);
	vsnprintf(wq->name, sizeof(wq->name), fmt, ap);
	va_end(ap);
	return wq;
}

static void run_one(struct work_struct *work)
{
	struct workqueue_struct *wq = work->wq;

	list_del_init(&work->entry);
	work->pending = false;
	wq->running++;
	work->func(work);
	wq->running--;
}

bool queue_work(struct workqueue_struct *wq, struct work_struct *work)
{
	if (work->pending)
		return false;
	work->pending = true;
	work->wq = wq;
	work->due_ns = 0;
	list_add_tail(&work->entry, &pending);
	return true;
}

bool queue_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork,
			unsigned long delay)
{
	if (!queue_work(wq, &dwork->work))
		return false;
	if (delay)
		dwork->work.due_ns = ktime_get_ns() + delay * NSEC_PER_MSEC;
	return true;
}

bool mod_delayed_work(struct workqueue_struct *wq, struct delayed_work *dwork,
		      unsigned long delay)
{
	bool was = cancel_work_sync(&dwork->work);

	queue_delayed_work(wq, dwork, delay);
	return was;
}

bool cancel_delayed_work_sync(struct delayed_work *dwork)
{
	return cancel_work_sync(&dwork->work);
}

/* The first due item of @wq (any queue if NULL), or NULL. */
static struct work_struct *first_pending(struct workqueue_struct *wq)
{
	unsigned long long now = ktime_get_ns();
	struct work_struct *work;

	list_for_each_entry(work, &pending, entry)
		if ((!wq || work->wq == wq) && work->due_ns <= now)
			return work;
	return NULL;
}

unsigned long long vmed_user_next_work_ns(void)
{
	unsigned long long next = 0;
	struct work_struct *work;

	list_for_each_entry(work, &pending, entry)
		if (!next || work->due_ns < next)
			next = work->due_ns ?: 1;
	return next;
}

void flush_workqueue(struct workqueue_struct *wq)
{
	struct work_struct *work;

	/* From one of its own items this would deadlock in the kernel. */
	if (WARN(wq->running, "%s: flushing %s from its own work\n", __func__,
		 wq->name))
		return;
	while ((work = first_pending(wq)))
		run_one(work);
}

bool flush_work(struct work_struct *work)
{
	if (!work->pending)
		return false;
	if (WARN(work->wq->running, "%s: from work of the same queue\n",
		 __func__))
		return false;
	run_one(work);
	return true;
}

bool cancel_work_sync(struct work_struct *work)
{
	if (!work->pending)
		return false;
	list_del_init(&work->entry);
	work->pending = false;
	return true;
}

void destroy_workqueue(struct workqueue_struct *wq)
{
	/* The kernel drains the queue first. */
	flush_workqueue(wq);
	kfree(wq);
}

bool vmed_user_run_work_once(void)
{
	struct work_struct *work = first_pending(NULL);

	if (!work)
		return false;
	run_one(work);
	return true;
}

unsigned long vmed_user_run_work(void)
{
	struct work_struct *work;
	unsigned long n = 0;

	while ((work = first_pending(NULL))) {
		run_one(work);
		n++;
	}
	return n;
}
