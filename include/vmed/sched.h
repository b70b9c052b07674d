/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmed scheduling interface: the engines of a physical device, the
 * workloads vendors queue on them, and the policy that shares them between
 * vGPUs.
 *
 * A vendor's register handler prepares a workload at submission time (scans
 * and copies what the guest asked for into the workload's data, so that
 * later guest writes change nothing), queues it and returns: the guest sees
 * its engine busy until the vendor's &vmed_vendor_ops.wl_complete reports
 * the result. The core runs workloads in its own worker per physical
 * engine, one step (&vmed_vendor_ops.wl_step) at a time with the vGPU lock
 * held and released in between, so register accesses of the guest are
 * served while its workload runs. Between steps (the safe points) the core
 * preempts a workload whose time slice is used up, and cancels the work of
 * a vGPU that is reset, detached, destroyed or failed.
 */
#ifndef _VMED_SCHED_H
#define _VMED_SCHED_H

#include <linux/sizes.h>
#include <linux/types.h>

struct vmed_vgpu;
struct vmed_device;
struct vmed_workload;

/** VMED_MAX_ENGINES - engines a device may have at most */
#define VMED_MAX_ENGINES	4

/**
 * VMED_WL_MORE - &vmed_vendor_ops.wl_step's return for "stopped at a safe
 * point, more to do"
 */
#define VMED_WL_MORE		1

/** VMED_WORKLOAD_MAX_DATA - vendor data one workload may carry, in bytes */
#define VMED_WORKLOAD_MAX_DATA	SZ_1M

/** VMED_SCHED_MAX_QUEUED - workloads one vGPU may have queued per engine */
#define VMED_SCHED_MAX_QUEUED	64

/**
 * enum vmed_sched_policy - how a device's engines are shared
 * @VMED_SCHED_BEST_EFFORT: weighted and work-conserving: each busy vGPU
 *	gets engine time in proportion to its weight, and an idle vGPU's
 *	share goes to the busy ones
 * @VMED_SCHED_FIXED_SHARE: each vGPU gets at most its weight's share of
 *	all the device's vGPUs' weights, per period, even when the others
 *	are idle
 * @VMED_SCHED_NR_POLICIES: number of policies
 */
enum vmed_sched_policy {
	VMED_SCHED_BEST_EFFORT,
	VMED_SCHED_FIXED_SHARE,
	VMED_SCHED_NR_POLICIES,
};

/** VMED_SCHED_WEIGHT_MAX - largest weight a vGPU can be given */
#define VMED_SCHED_WEIGHT_MAX	1024
/** VMED_SCHED_WEIGHT_DEFAULT - weight of a vGPU whose type names none */
#define VMED_SCHED_WEIGHT_DEFAULT	16

/* Workloads (vendors) */
struct vmed_workload *vmed_workload_alloc(struct vmed_vgpu *vgpu,
					  unsigned int engine, size_t size);
void *vmed_workload_data(struct vmed_workload *wl);
void vmed_workload_discard(struct vmed_workload *wl);
int vmed_workload_queue(struct vmed_workload *wl);
bool vmed_engine_busy(struct vmed_vgpu *vgpu, unsigned int engine);
void vmed_engine_cancel(struct vmed_vgpu *vgpu, unsigned long engines);

/* Waiting for work to drain (frontends, tests) */
void vmed_sched_wait_idle(struct vmed_vgpu *vgpu);

/* Policy knobs (the mdev frontend's sysfs files) */
int vmed_vgpu_set_sched_weight(struct vmed_vgpu *vgpu, unsigned int weight);
unsigned int vmed_vgpu_sched_weight(struct vmed_vgpu *vgpu);
int vmed_device_set_sched_policy(struct vmed_device *dev,
				 enum vmed_sched_policy policy);
enum vmed_sched_policy vmed_device_sched_policy(struct vmed_device *dev);
int vmed_device_set_timeslice_us(struct vmed_device *dev, unsigned int us);
unsigned int vmed_device_timeslice_us(struct vmed_device *dev);
int vmed_device_set_watchdog_ms(struct vmed_device *dev, unsigned int ms);
unsigned int vmed_device_watchdog_ms(struct vmed_device *dev);

#endif /* _VMED_SCHED_H */
