// SPDX-License-Identifier: GPL-2.0
/*
 * Work items without threads; see linux/workqueue.h. One list holds every
 * pending item in queueing order; running an item takes it off the list
 * first, so it may queue itself again.
 */
#include <stdarg.h>
#include <linux/bug.h>
#include <linux/kernel.h>
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
	list_add_tail(&work->entry, &pending);
	return true;
}

/* The first pending item of @wq (any queue if NULL), or NULL. */
static struct work_struct *first_pending(struct workqueue_struct *wq)
{
	struct work_struct *work;

	list_for_each_entry(work, &pending, entry)
		if (!wq || work->wq == wq)
			return work;
	return NULL;
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
