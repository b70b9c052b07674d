// SPDX-License-Identifier: GPL-2.0
/*
 * Engines and their scheduler: workloads vendors queue, run in the core's
 * own workers, shared between vGPUs by the device's policy.
 *
 * Each physical engine has one worker (a work item on the system's unbound
 * workqueue). It picks a vGPU with queued work, runs the head
 * workload of that vGPU for one time slice and charges the time used, then
 * picks again. A slice is a series of vendor steps (&vmed_vendor_ops.wl_step)
 * with the vGPU lock held across each step and dropped between them: the
 * guest's register accesses, tracked page-table writes and invalidations
 * get in between steps, never in the middle of one, so between steps the
 * engine is at a safe point and holds nothing a reset could free.
 *
 * Policies (per device, include/vmed/sched.h):
 *   best effort: the busy vGPU with the least engine time per unit of
 *	weight runs next (its "vruntime"); a vGPU that becomes busy starts
 *	half a slice before the vruntime of the one last picked, so it runs
 *	next without having banked its idle time;
 *   fixed share: as best effort among the vGPUs that have not used their
 *	share of the current period (VMED_SCHED_PERIOD_NS): weight over the
 *	sum of the weights of all of the device's vGPUs, busy or not. The
 *	engine idles rather than give a vGPU more.
 *
 * Work leaves the engine in one of three ways: it completes (the vendor's
 * wl_complete tells the guest), the watchdog stops it (it has had more
 * than the device's watchdog of engine time: completed with -ETIMEDOUT,
 * and what its vGPU queued behind it on that engine with -ECANCELED), or it
 * is cancelled because its vGPU is reset, detached, destroyed or failed
 * (freed without a word to the guest, whose state goes with it). A
 * cancelled workload that the worker holds is freed by the worker, which
 * sees the cancellation as soon as it has the vGPU lock again and then
 * touches nothing but the workload itself.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ktime.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include "internal.h"
#include "ops.h"
#include "trace.h"

/* Fixed-share accounting period. */
#define VMED_SCHED_PERIOD_NS		(100 * NSEC_PER_MSEC)

#define VMED_TIMESLICE_US_DEFAULT	2000
#define VMED_TIMESLICE_US_MIN		100
#define VMED_TIMESLICE_US_MAX		100000
#define VMED_WATCHDOG_MS_DEFAULT	10000
#define VMED_WATCHDOG_MS_MIN		1
#define VMED_WATCHDOG_MS_MAX		600000

static struct vmed_sched_entity *entity_of(struct vmed_workload *wl)
{
	return &wl->vgpu->sched[wl->engine];
}

/* Under the engine lock: @ent has no more queued work. */
static void entity_dequeue(struct vmed_sched_entity *ent,
			   struct vmed_workload *wl)
{
	list_del_init(&wl->node);
	if (!--ent->nr_queued)
		list_del_init(&ent->run_node);
}

/* Fixed share: @ent's engine time per period. */
static u64 share_of(struct vmed_engine *e, struct vmed_sched_entity *ent)
{
	u32 total = READ_ONCE(e->dev->total_weight);

	if (!total)
		return 0;
	return div_u64((u64)VMED_SCHED_PERIOD_NS * READ_ONCE(ent->vgpu->weight),
		       total);
}

/*
 * Under the engine lock: bring @ent's use to the current period. Under
 * fixed share, what it ran over its share in the period before (a slice
 * ends at a safe point, after its limit) is owed to this one, up to one
 * share: a step longer than that is not paid for over many periods. Under
 * best effort nothing is owed, so a device switched to fixed share gives
 * a vGPU that was saturating it its share from the next period on.
 */
static void entity_sync_period(struct vmed_engine *e,
			       struct vmed_sched_entity *ent)
{
	u64 share;

	if (ent->period == e->period)
		return;
	share = share_of(e, ent);
	if (ent->period + 1 == e->period && ent->period_used > share &&
	    READ_ONCE(e->dev->policy) == VMED_SCHED_FIXED_SHARE)
		ent->period_used = min(ent->period_used - share, share);
	else
		ent->period_used = 0;
	ent->period = e->period;
}

/* Fixed share: engine time @ent may still use in the current period. */
static u64 share_left(struct vmed_engine *e, struct vmed_sched_entity *ent)
{
	u64 share = share_of(e, ent);

	entity_sync_period(e, ent);
	return share > ent->period_used ? share - ent->period_used : 0;
}

/*
 * Choose the next workload and hand it to the worker (e->running), with a
 * reference on its vGPU, and how long it may run (*slice_ns). NULL if
 * nothing may run; *wait_ns is then how long until a throttled vGPU may
 * run again (0: nothing queued).
 */
static struct vmed_workload *engine_pick(struct vmed_engine *e, u64 *slice_ns,
					 u64 *wait_ns)
{
	bool fixed = READ_ONCE(e->dev->policy) == VMED_SCHED_FIXED_SHARE;
	struct vmed_sched_entity *ent, *best = NULL;
	unsigned int runnable = 0, throttled = 0;
	struct vmed_workload *wl;
	u64 now = ktime_get_ns();

	*wait_ns = 0;
	spin_lock(&e->lock);
	if (now - e->period_start >= VMED_SCHED_PERIOD_NS) {
		u64 periods = div64_u64(now - e->period_start,
					VMED_SCHED_PERIOD_NS);

		/* Periods stay aligned, so a late pick does not stretch one. */
		e->period += periods;
		e->period_start += periods * VMED_SCHED_PERIOD_NS;
	}
	list_for_each_entry(ent, &e->runnable, run_node) {
		runnable++;
		if (fixed && !share_left(e, ent)) {
			throttled++;
			continue;
		}
		if (!best || ent->vruntime < best->vruntime)
			best = ent;
	}
	if (!best) {
		if (throttled)
			*wait_ns = e->period_start + VMED_SCHED_PERIOD_NS - now;
		spin_unlock(&e->lock);
		return NULL;
	}
	e->min_vruntime = max(e->min_vruntime, best->vruntime);
	*slice_ns = READ_ONCE(e->dev->timeslice_ns);
	if (fixed)
		*slice_ns = min(*slice_ns, share_left(e, best));
	wl = list_first_entry(&best->queue, struct vmed_workload, node);
	e->running = wl;
	e->decisions++;
	vmed_vgpu_get(wl->vgpu);
	trace_vmed_sched_pick(wl->vgpu, e->index, best->vruntime,
			      best->period_used, runnable, throttled);
	spin_unlock(&e->lock);
	return wl;
}

/*
 * Stop the vGPU's engines: drop the core's queued work and let the vendor
 * forget its own. The vGPU lock is held, so no step is running.
 */
void vmed_sched_stop_vgpu(struct vmed_vgpu *vgpu)
{
	const struct vmed_vendor_ops *ops = vgpu->dev->vendor->ops;

	lockdep_assert_held(&vgpu->lock);
	vmed_sched_cancel(vgpu);
	if (ops->engine_reset)
		vmed_vendor_engine_reset(vgpu);
}

/*
 * One vendor step, with what the core does around it. @sync: the first
 * step of a slice. The lock was dropped since the last one: the engine
 * runs on the tables as the guest has written them since.
 */
static int engine_step(struct vmed_vgpu *vgpu, struct vmed_workload *wl,
		       bool sync)
{
	const struct vmed_vendor *v = vgpu->dev->vendor;
	int ret = 0;

	vgpu->in_submit = true;
	if (sync && v->ppgtt_format.levels && vgpu->hv)
		ret = vmed_ppgtt_sync(vgpu);
	if (!ret)
		ret = vmed_vendor_wl_step(vgpu, wl);
	vgpu->in_submit = false;
	/* The step failed the vGPU (a tracked write it made, a sync). */
	if (vgpu->reset_pending) {
		vgpu->reset_pending = false;
		vmed_sched_stop_vgpu(vgpu);
		return -EIO;
	}
	/* The contract is errno, 0 or VMED_WL_MORE; anything else is a bug. */
	if (ret > VMED_WL_MORE)
		ret = -EIO;
	return ret;
}

/* Under the vGPU lock: @wl is done with @status; tell the guest. */
static void engine_complete(struct vmed_engine *e, struct vmed_workload *wl,
			    int status)
{
	struct vmed_vgpu *vgpu = wl->vgpu;

	spin_lock(&e->lock);
	entity_dequeue(entity_of(wl), wl);
	spin_unlock(&e->lock);
	vgpu->stats.wl_completed++;
	if (status) {
		vgpu->stats.workload_errors++;
		vgpu->last_workload_error = status;
	}
	trace_vmed_wl_done(vgpu, e->index, status, wl->runtime_ns);
	if (!vgpu->failed)
		vmed_vendor_wl_complete(vgpu, wl, status);
}

/*
 * Under the vGPU lock: @wl has had more than the watchdog allows. It and
 * what its vGPU queued behind it on this engine end with an error the
 * guest sees; the other vGPUs' work is untouched.
 */
static void engine_watchdog(struct vmed_engine *e, struct vmed_workload *wl)
{
	struct vmed_vgpu *vgpu = wl->vgpu;
	struct vmed_sched_entity *ent = entity_of(wl);
	struct vmed_workload *next;

	vgpu->stats.wl_timeouts++;
	pr_warn_ratelimited("%s: workload stopped on engine %u after %llu ms of engine time\n",
			    vgpu->name, e->index,
			    div_u64(wl->runtime_ns, NSEC_PER_MSEC));
	engine_complete(e, wl, -ETIMEDOUT);
	for (;;) {
		spin_lock(&e->lock);
		next = list_first_entry_or_null(&ent->queue,
						struct vmed_workload, node);
		if (next)
			entity_dequeue(ent, next);
		spin_unlock(&e->lock);
		/* wl_complete may have failed the vGPU: that cancelled them. */
		if (!next)
			break;
		vgpu->stats.wl_cancelled++;
		trace_vmed_wl_done(vgpu, e->index, -ECANCELED, 0);
		if (!vgpu->failed)
			vmed_vendor_wl_complete(vgpu, next, -ECANCELED);
		kvfree(next);
	}
}

/*
 * Under the vGPU lock: charge @ns of engine time to @wl's vGPU, also when
 * the slice ended in a cancellation (a guest that fails or resets its vGPU
 * at the end of each slice still pays for the slices).
 */
static void engine_account(struct vmed_engine *e, struct vmed_workload *wl,
			   u64 ns)
{
	struct vmed_sched_entity *ent = entity_of(wl);
	struct vmed_vgpu *vgpu = wl->vgpu;

	wl->runtime_ns += ns;
	vgpu->stats.engine_time_ns += ns;
	spin_lock(&e->lock);
	ent->vruntime += div_u64(ns * VMED_SCHED_WEIGHT_DEFAULT,
				 READ_ONCE(vgpu->weight));
	entity_sync_period(e, ent);
	ent->period_used += ns;
	spin_unlock(&e->lock);
}

/* Under the vGPU lock: is another vGPU waiting for this engine? */
static bool engine_contended(struct vmed_engine *e, struct vmed_workload *wl)
{
	struct vmed_sched_entity *ent;
	bool others = false;

	spin_lock(&e->lock);
	list_for_each_entry(ent, &e->runnable, run_node)
		others |= ent != entity_of(wl);
	spin_unlock(&e->lock);
	return others;
}

/* Run @wl (from engine_pick()) for at most @slice ns. */
static void engine_run_slice(struct vmed_engine *e, struct vmed_workload *wl,
			     u64 slice)
{
	struct vmed_vgpu *vgpu = wl->vgpu;
	struct vmed_device *dev = vgpu->dev;
	int ret = VMED_WL_MORE;
	bool gone, sync = true;
	u64 start, now;

	mutex_lock(&vgpu->lock);
	start = ktime_get_ns();
	now = start;
	while (!wl->cancelled) {
		ret = engine_step(vgpu, wl, sync);
		sync = false;
		now = ktime_get_ns();
		if (ret != VMED_WL_MORE || wl->cancelled || now - start >= slice)
			break;
		/* A safe point: the guest's accesses get the vGPU here. */
		mutex_unlock(&vgpu->lock);
		cond_resched();
		mutex_lock(&vgpu->lock);
		/* Partial page-table writes may have come in meanwhile. */
		sync = !list_empty(&vgpu->ppgtt.pending) ||
		       !xa_empty(&vgpu->ppgtt.lost);
	}
	engine_account(e, wl, now - start);
	if (!wl->cancelled) {
		if (ret != VMED_WL_MORE)
			engine_complete(e, wl, ret);
		else if (wl->runtime_ns >= READ_ONCE(dev->watchdog_ns))
			engine_watchdog(e, wl);
		else if (engine_contended(e, wl))
			vgpu->stats.wl_preempted++;
	}
	spin_lock(&e->lock);
	/* Completed, stopped or cancelled: off every queue, ours to free. */
	gone = wl->cancelled || list_empty(&wl->node);
	e->running = NULL;
	spin_unlock(&e->lock);
	mutex_unlock(&vgpu->lock);
	if (gone)
		kvfree(wl);
	wake_up_all(&e->idle);
	vmed_vgpu_put(vgpu);
}

static void engine_work(struct work_struct *work)
{
	struct vmed_engine *e = container_of(to_delayed_work(work),
					     struct vmed_engine, work);
	u64 slice_ns, wait_ns;
	struct vmed_workload *wl;

	wl = engine_pick(e, &slice_ns, &wait_ns);
	if (!wl) {
		if (wait_ns)
			queue_delayed_work(system_unbound_wq, &e->work,
					   max(nsecs_to_jiffies(wait_ns), 1UL));
		return;
	}
	engine_run_slice(e, wl, slice_ns);
	/* One slice per run: the next decision is the next run's. */
	queue_delayed_work(system_unbound_wq, &e->work, 0);
}

/**
 * vmed_workload_alloc() - a new workload for one of the device's engines
 * @vgpu: the vGPU it is for
 * @engine: engine index, below &vmed_vendor.nr_engines
 * @size: bytes of vendor data (vmed_workload_data()), zeroed; at most
 *	%VMED_WORKLOAD_MAX_DATA
 *
 * The caller owns the workload until vmed_workload_queue() accepts it; if
 * it is not queued, vmed_workload_discard() frees it.
 *
 * Context: process context; sleeps.
 * Return: the workload, ERR_PTR(-EINVAL) for an engine the device does not
 * have, -E2BIG for too much data, or ERR_PTR(-ENOMEM).
 */
struct vmed_workload *vmed_workload_alloc(struct vmed_vgpu *vgpu,
					  unsigned int engine, size_t size)
{
	struct vmed_workload *wl;

	if (engine >= vgpu->dev->vendor->nr_engines)
		return ERR_PTR(-EINVAL);
	if (size > VMED_WORKLOAD_MAX_DATA)
		return ERR_PTR(-E2BIG);
	wl = kvzalloc(struct_size(wl, data, size), GFP_KERNEL_ACCOUNT);
	if (!wl)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&wl->node);
	wl->vgpu = vgpu;
	wl->engine = engine;
	return wl;
}
EXPORT_SYMBOL_NS_GPL(vmed_workload_alloc, VMED);

/**
 * vmed_workload_data() - the vendor's part of a workload
 * @wl: the workload
 *
 * Return: the @size bytes given to vmed_workload_alloc().
 */
void *vmed_workload_data(struct vmed_workload *wl)
{
	return wl->data;
}
EXPORT_SYMBOL_NS_GPL(vmed_workload_data, VMED);

/**
 * vmed_workload_discard() - free a workload that was never queued
 * @wl: the workload, or NULL
 */
void vmed_workload_discard(struct vmed_workload *wl)
{
	kvfree(wl);
}
EXPORT_SYMBOL_NS_GPL(vmed_workload_discard, VMED);

/**
 * vmed_workload_queue() - hand a prepared workload to its engine
 * @wl: the workload; from then on the core's
 *
 * The workload runs after the ones its vGPU queued on the engine before
 * it, when the device's policy gives the vGPU the engine. Returns at once.
 *
 * Context: the vGPU lock held (a vendor's register handler).
 * Return: 0; -EIO if the vGPU has failed or -EBUSY if it already has
 * %VMED_SCHED_MAX_QUEUED workloads on the engine, and the caller still
 * owns @wl.
 */
int vmed_workload_queue(struct vmed_workload *wl)
{
	struct vmed_vgpu *vgpu = wl->vgpu;
	struct vmed_engine *e = &vgpu->dev->engines[wl->engine];
	struct vmed_sched_entity *ent = entity_of(wl);
	unsigned int queued;

	lockdep_assert_held(&vgpu->lock);
	if (vgpu->failed)
		return -EIO;
	spin_lock(&e->lock);
	if (ent->nr_queued >= VMED_SCHED_MAX_QUEUED) {
		spin_unlock(&e->lock);
		return -EBUSY;
	}
	queued = ++ent->nr_queued;
	list_add_tail(&wl->node, &ent->queue);
	if (queued == 1) {
		u64 bonus = div_u64(READ_ONCE(vgpu->dev->timeslice_ns) *
				    VMED_SCHED_WEIGHT_DEFAULT,
				    2 * READ_ONCE(vgpu->weight));

		ent->vruntime = max(ent->vruntime,
				    e->min_vruntime - min(bonus, e->min_vruntime));
		list_add_tail(&ent->run_node, &e->runnable);
	}
	spin_unlock(&e->lock);
	vgpu->stats.workloads++;
	trace_vmed_wl_queue(vgpu, wl->engine, queued);
	/* Also cuts short a wait for a fixed-share period to end. */
	mod_delayed_work(system_unbound_wq, &e->work, 0);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(vmed_workload_queue, VMED);

/**
 * vmed_engine_busy() - does a vGPU have work queued or running on an engine?
 * @vgpu: the vGPU; its lock held
 * @engine: engine index
 *
 * Return: true until the last workload it queued there is completed,
 * stopped or cancelled.
 */
bool vmed_engine_busy(struct vmed_vgpu *vgpu, unsigned int engine)
{
	struct vmed_engine *e;
	bool busy;

	lockdep_assert_held(&vgpu->lock);
	if (engine >= vgpu->dev->vendor->nr_engines)
		return false;
	e = &vgpu->dev->engines[engine];
	spin_lock(&e->lock);
	busy = vgpu->sched[engine].nr_queued;
	spin_unlock(&e->lock);
	return busy;
}
EXPORT_SYMBOL_NS_GPL(vmed_engine_busy, VMED);

/* Drop what @vgpu has queued or running on the engines in @engines. */
static void sched_cancel(struct vmed_vgpu *vgpu, unsigned long engines)
{
	struct vmed_device *dev = vgpu->dev;
	struct vmed_workload *wl, *tmp;
	LIST_HEAD(dropped);
	unsigned int i, n, total = 0;

	lockdep_assert_held(&vgpu->lock);
	for (i = 0; i < dev->vendor->nr_engines; i++) {
		struct vmed_engine *e = &dev->engines[i];
		struct vmed_sched_entity *ent = &vgpu->sched[i];

		if (!(engines & BIT(i)))
			continue;
		n = 0;
		spin_lock(&e->lock);
		list_for_each_entry_safe(wl, tmp, &ent->queue, node) {
			entity_dequeue(ent, wl);
			if (wl == e->running)
				wl->cancelled = true;
			else
				list_add_tail(&wl->node, &dropped);
			n++;
		}
		spin_unlock(&e->lock);
		if (n)
			wake_up_all(&e->idle);
		total += n;
	}
	vgpu->stats.wl_cancelled += total;
	list_for_each_entry_safe(wl, tmp, &dropped, node)
		kvfree(wl);
}

/**
 * vmed_sched_cancel() - drop everything a vGPU has queued or running
 * @vgpu: the vGPU; its lock held
 *
 * Nothing is reported to the guest. A workload the engine worker holds is
 * freed by the worker, which runs no more of it: with the vGPU lock held
 * it is between two steps.
 */
void vmed_sched_cancel(struct vmed_vgpu *vgpu)
{
	sched_cancel(vgpu, ~0UL);
}

/**
 * vmed_engine_cancel() - the guest reset some of its engines
 * @vgpu: the vGPU; its lock held (a register handler)
 * @engines: one bit per engine index
 *
 * What the vGPU has queued or running on those engines is dropped, as a
 * hardware engine reset drops it: counted as cancelled, never completed
 * (&vmed_vendor_ops.wl_complete is not called for it). The vendor then
 * resets what the guest sees of those engines (status registers, its own
 * bookkeeping of queued work) itself. Work on other engines, and every
 * other vGPU's, goes on.
 */
void vmed_engine_cancel(struct vmed_vgpu *vgpu, unsigned long engines)
{
	sched_cancel(vgpu, engines);
}
EXPORT_SYMBOL_NS_GPL(vmed_engine_cancel, VMED);

static bool vgpu_idle_on(struct vmed_engine *e, struct vmed_vgpu *vgpu)
{
	bool idle;

	spin_lock(&e->lock);
	idle = !vgpu->sched[e->index].nr_queued &&
	       !(e->running && e->running->vgpu == vgpu);
	spin_unlock(&e->lock);
	return idle;
}

/**
 * vmed_sched_wait_idle() - wait until a vGPU has no work on any engine
 * @vgpu: the vGPU
 *
 * Returns when everything it queued has completed, been stopped or been
 * cancelled, and no engine worker holds any of it.
 *
 * Context: process context; sleeps. Not with the vGPU lock held.
 */
void vmed_sched_wait_idle(struct vmed_vgpu *vgpu)
{
	struct vmed_device *dev = vgpu->dev;
	unsigned int i;

	for (i = 0; i < dev->vendor->nr_engines; i++)
		wait_event(dev->engines[i].idle,
			   vgpu_idle_on(&dev->engines[i], vgpu));
}
EXPORT_SYMBOL_NS_GPL(vmed_sched_wait_idle, VMED);

/**
 * vmed_sched_vgpu_init() - a new vGPU's scheduling state
 * @vgpu: the vGPU, not yet on its device's list
 */
void vmed_sched_vgpu_init(struct vmed_vgpu *vgpu)
{
	unsigned int i;

	for (i = 0; i < VMED_MAX_ENGINES; i++) {
		vgpu->sched[i].vgpu = vgpu;
		INIT_LIST_HEAD(&vgpu->sched[i].queue);
		INIT_LIST_HEAD(&vgpu->sched[i].run_node);
	}
	vgpu->weight = vgpu->type->weight ?: VMED_SCHED_WEIGHT_DEFAULT;
}

/**
 * vmed_sched_vgpu_fini() - a vGPU being destroyed leaves the engines
 * @vgpu: the vGPU
 *
 * Cancels its work and waits until no engine worker holds any of it.
 *
 * Context: process context; sleeps. Not with the vGPU lock held.
 */
void vmed_sched_vgpu_fini(struct vmed_vgpu *vgpu)
{
	mutex_lock(&vgpu->lock);
	vmed_sched_cancel(vgpu);
	mutex_unlock(&vgpu->lock);
	vmed_sched_wait_idle(vgpu);
}

/**
 * vmed_sched_device_init() - a new device's engines, with the defaults
 * @dev: the device
 */
void vmed_sched_device_init(struct vmed_device *dev)
{
	unsigned int i;

	for (i = 0; i < VMED_MAX_ENGINES; i++) {
		struct vmed_engine *e = &dev->engines[i];

		e->dev = dev;
		e->index = i;
		spin_lock_init(&e->lock);
		INIT_LIST_HEAD(&e->runnable);
		INIT_DELAYED_WORK(&e->work, engine_work);
		init_waitqueue_head(&e->idle);
	}
	dev->policy = VMED_SCHED_BEST_EFFORT;
	dev->timeslice_ns = (u64)VMED_TIMESLICE_US_DEFAULT * NSEC_PER_USEC;
	dev->watchdog_ns = (u64)VMED_WATCHDOG_MS_DEFAULT * NSEC_PER_MSEC;
}

/**
 * vmed_sched_device_fini() - stop a device's engine workers
 * @dev: the device; it has no vGPUs left
 */
void vmed_sched_device_fini(struct vmed_device *dev)
{
	unsigned int i;

	for (i = 0; i < VMED_MAX_ENGINES; i++)
		cancel_delayed_work_sync(&dev->engines[i].work);
}

/**
 * vmed_vgpu_set_sched_weight() - set a vGPU's scheduling weight
 * @vgpu: the vGPU
 * @weight: 1 to %VMED_SCHED_WEIGHT_MAX
 *
 * Takes effect from the next time slice.
 *
 * Context: process context; takes the device lock.
 * Return: 0 or -EINVAL for a weight out of range.
 */
int vmed_vgpu_set_sched_weight(struct vmed_vgpu *vgpu, unsigned int weight)
{
	struct vmed_device *dev = vgpu->dev;

	if (!weight || weight > VMED_SCHED_WEIGHT_MAX)
		return -EINVAL;
	mutex_lock(&dev->lock);
	/* A vGPU on the device's list counts towards the fixed shares. */
	if (!list_empty(&vgpu->node))
		WRITE_ONCE(dev->total_weight,
			   dev->total_weight - vgpu->weight + weight);
	WRITE_ONCE(vgpu->weight, weight);
	mutex_unlock(&dev->lock);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(vmed_vgpu_set_sched_weight, VMED);

/**
 * vmed_vgpu_sched_weight() - a vGPU's scheduling weight
 * @vgpu: the vGPU
 *
 * Return: the weight.
 */
unsigned int vmed_vgpu_sched_weight(struct vmed_vgpu *vgpu)
{
	return READ_ONCE(vgpu->weight);
}
EXPORT_SYMBOL_NS_GPL(vmed_vgpu_sched_weight, VMED);

/**
 * vmed_device_set_sched_policy() - choose how a device's engines are shared
 * @dev: the device
 * @policy: the policy
 *
 * Takes effect from the next scheduling decision.
 *
 * Return: 0 or -EINVAL for an unknown policy.
 */
int vmed_device_set_sched_policy(struct vmed_device *dev,
				 enum vmed_sched_policy policy)
{
	if ((unsigned int)policy >= VMED_SCHED_NR_POLICIES)
		return -EINVAL;
	WRITE_ONCE(dev->policy, policy);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(vmed_device_set_sched_policy, VMED);

/**
 * vmed_device_sched_policy() - how a device's engines are shared
 * @dev: the device
 *
 * Return: the policy.
 */
enum vmed_sched_policy vmed_device_sched_policy(struct vmed_device *dev)
{
	return READ_ONCE(dev->policy);
}
EXPORT_SYMBOL_NS_GPL(vmed_device_sched_policy, VMED);

/**
 * vmed_device_set_timeslice_us() - set a device's time slice
 * @dev: the device
 * @us: microseconds, 100 to 100000 (default 2000)
 *
 * Return: 0 or -EINVAL out of range.
 */
int vmed_device_set_timeslice_us(struct vmed_device *dev, unsigned int us)
{
	if (us < VMED_TIMESLICE_US_MIN || us > VMED_TIMESLICE_US_MAX)
		return -EINVAL;
	WRITE_ONCE(dev->timeslice_ns, (u64)us * NSEC_PER_USEC);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(vmed_device_set_timeslice_us, VMED);

/**
 * vmed_device_timeslice_us() - a device's time slice
 * @dev: the device
 *
 * Return: microseconds.
 */
unsigned int vmed_device_timeslice_us(struct vmed_device *dev)
{
	return div_u64(READ_ONCE(dev->timeslice_ns), NSEC_PER_USEC);
}
EXPORT_SYMBOL_NS_GPL(vmed_device_timeslice_us, VMED);

/**
 * vmed_device_set_watchdog_ms() - set the engine time a workload may have
 * @dev: the device
 * @ms: milliseconds, 1 to 600000 (default 10000)
 *
 * Return: 0 or -EINVAL out of range.
 */
int vmed_device_set_watchdog_ms(struct vmed_device *dev, unsigned int ms)
{
	if (ms < VMED_WATCHDOG_MS_MIN || ms > VMED_WATCHDOG_MS_MAX)
		return -EINVAL;
	WRITE_ONCE(dev->watchdog_ns, (u64)ms * NSEC_PER_MSEC);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(vmed_device_set_watchdog_ms, VMED);

/**
 * vmed_device_watchdog_ms() - the engine time a workload may have
 * @dev: the device
 *
 * Return: milliseconds.
 */
unsigned int vmed_device_watchdog_ms(struct vmed_device *dev)
{
	return div_u64(READ_ONCE(dev->watchdog_ns), NSEC_PER_MSEC);
}
EXPORT_SYMBOL_NS_GPL(vmed_device_watchdog_ms, VMED);
