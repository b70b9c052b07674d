/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmed objects as their users see them: a physical device registered by a
 * vendor, and the vGPUs carved out of it.
 *
 * Both are opaque: the core allocates them and keeps their state to itself
 * (core/state.h). This file declares what creators, vendors and hypervisor
 * frontends may do with them.
 *
 * Life of a vGPU. A creator (the mdev interface, vmed_mdev) creates it with
 * vmed_vgpu_create(), gives it a place in sysfs and publishes it with
 * vmed_vgpu_publish(): every registered frontend (include/vmed/hv.h) is then
 * told of it. One frontend at a time may attach it (vmed_vgpu_attach(), the
 * only exclusion point). vmed_vgpu_destroy() first has every frontend let go
 * of it, then frees its state. The object itself is reference counted:
 * whoever keeps a vGPU pointer beyond the frontend callbacks that handed it
 * over takes a reference with vmed_vgpu_get().
 *
 * Locking: each vGPU has one mutex that serialises everything the guest can
 * drive (config, MMIO, tracked page writes, invalidations, interrupts).
 * Vendor register hooks, engine hooks and hypervisor ops are called with it
 * held; functions below say when their caller must hold it.
 */
#ifndef _VMED_VGPU_H
#define _VMED_VGPU_H

#include <linux/list.h>
#include <linux/types.h>
#include <vmed/vendor.h>

struct device;
struct vmed_device;
struct vmed_vgpu;
struct vmed_ppgtt_mm;

/*
 * Creators give a published vGPU's sysfs device an attribute group of this
 * name (vmed_mdev: /sys/bus/mdev/devices/<uuid>/vmed/); frontends add their
 * own files to it.
 */
#define VMED_SYSFS_GROUP	"vmed"

/**
 * struct vmed_device_listener - something that offers a device's vGPU types
 * @name: the listener's name, for logs
 * @add: a device is available (registered now, or before the listener).
 *	Called with the registry lock held: must not register or unregister
 *	devices or listeners. Returns 0 or a negative errno.
 * @remove: the device is going away: destroy every vGPU of it the listener
 *	created before returning. Same locking as @add. Must not fail. Also
 *	called for a device whose @add failed when it was registered, so it
 *	must cope with devices it never took.
 * @node: core-private link
 */
struct vmed_device_listener {
	const char *name;
	int (*add)(struct vmed_device_listener *l, struct vmed_device *dev);
	void (*remove)(struct vmed_device_listener *l, struct vmed_device *dev);
	struct list_head node;
};

/**
 * struct vmed_vgpu_stats - a vGPU's counters, as vmed_vgpu_get_stats()
 *	copies them
 * @mmio_reads: trapped MMIO reads handled
 * @mmio_writes: trapped MMIO writes handled
 * @mmio_rejected: accesses refused (size, alignment, range)
 * @cfg_writes: config space writes
 * @ggtt_writes: GGTT entry writes
 * @ggtt_ignored: GGTT writes outside the vGPU's slices
 * @ggtt_scratch: GGTT entries pointed at scratch because the frame was bad
 * @ppgtt_scratch: PPGTT entries pointed at scratch or cleared because the
 *	guest entry was bad
 * @shadowed_tables: guest page tables shadowed, since creation
 * @tracked_writes: writes to write-tracked pages
 * @stale_writes: tracked writes to frames no longer shadowed
 * @dma_maps: frames mapped through the hypervisor
 * @dma_unmaps: frames unmapped through the hypervisor
 * @dma_invalidated: frames released by vmed_dma_invalidate()
 * @irq_events: events raised
 * @irq_masked: events dropped by IMR
 * @msi_injected: MSIs delivered
 * @msi_suppressed: interrupts not delivered because MSI was disabled or
 *	the vGPU was not attached
 * @intx_asserted: times the legacy interrupt line was raised
 * @revalidated: guest page tables re-read at submission (shims without
 *	write tracking)
 * @failures: times the vGPU entered the failed state
 * @workloads: workloads queued on an engine of a live vGPU
 *	(vmed_workload_queue())
 * @workload_errors: workloads the sync or the engine refused, including
 *	queued ones that faulted or were stopped by the watchdog
 * @wl_completed: of the queued ones, those whose end the guest was told of:
 *	completed, faulted or stopped by the watchdog
 * @wl_preempted: times a workload was stopped at a safe point because its
 *	time slice was used up while another vGPU had work queued (whether
 *	or not the policy then let that one run)
 * @wl_cancelled: queued or running workloads dropped by a reset, detach,
 *	destroy, failure or the watchdog
 * @wl_timeouts: workloads stopped by the watchdog
 * @engine_time_ns: time the device's engines spent on the vGPU's workloads
 */
struct vmed_vgpu_stats {
	u64 mmio_reads;
	u64 mmio_writes;
	u64 mmio_rejected;
	u64 cfg_writes;
	u64 ggtt_writes;
	u64 ggtt_ignored;
	u64 ggtt_scratch;
	u64 ppgtt_scratch;
	u64 shadowed_tables;
	u64 tracked_writes;
	u64 stale_writes;
	u64 dma_maps;
	u64 dma_unmaps;
	u64 dma_invalidated;
	u64 irq_events;
	u64 irq_masked;
	u64 msi_injected;
	u64 msi_suppressed;
	u64 intx_asserted;
	u64 revalidated;
	u64 failures;
	u64 workloads;
	u64 workload_errors;
	u64 wl_completed;
	u64 wl_preempted;
	u64 wl_cancelled;
	u64 wl_timeouts;
	u64 engine_time_ns;
};

/**
 * struct vmed_vgpu_status - what a vGPU is doing now, as
 *	vmed_vgpu_get_status() reports it
 * @failed: the vGPU is in the failed state
 * @fail_reason: why, or "" (copies, valid after a frontend module is gone)
 * @holder: the name of the frontend attached to it, or ""
 * @held_state: that frontend's word for holding it ("open", "bound"), or ""
 * @shadow_tables: shadow page tables allocated now
 * @dma_mapped: guest frames mapped for the device now
 */
struct vmed_vgpu_status {
	bool failed;
	char fail_reason[64];
	char holder[16];
	char held_state[16];
	unsigned int shadow_tables;
	unsigned long dma_mapped;
};

/* Devices (vendors) */
struct vmed_device *vmed_device_register(const struct vmed_vendor *vendor,
					 struct device *dma_dev, const char *name);
void vmed_device_unregister(struct vmed_device *dev);
const struct vmed_vendor *vmed_device_vendor(const struct vmed_device *dev);
struct device *vmed_device_dma_dev(const struct vmed_device *dev);
unsigned int vmed_type_available(struct vmed_device *dev, unsigned int type);

int vmed_listener_register(struct vmed_device_listener *l);
void vmed_listener_unregister(struct vmed_device_listener *l);

/* vGPU lifecycle (creators) */
struct vmed_vgpu *vmed_vgpu_create(struct vmed_device *dev, unsigned int type,
				   const char *name);
void vmed_vgpu_publish(struct vmed_vgpu *vgpu, struct device *sysfs_dev);
void vmed_vgpu_unpublish(struct vmed_vgpu *vgpu);
void vmed_vgpu_destroy(struct vmed_vgpu *vgpu);
struct vmed_vgpu *vmed_vgpu_get(struct vmed_vgpu *vgpu);
void vmed_vgpu_put(struct vmed_vgpu *vgpu);

/* vGPU properties and state (everyone) */
const char *vmed_vgpu_name(const struct vmed_vgpu *vgpu);
unsigned int vmed_vgpu_id(const struct vmed_vgpu *vgpu);
struct vmed_device *vmed_vgpu_device(const struct vmed_vgpu *vgpu);
struct device *vmed_vgpu_sysfs_dev(const struct vmed_vgpu *vgpu);
u64 vmed_vgpu_gm_base(const struct vmed_vgpu *vgpu, enum vmed_gm_kind kind);
u64 vmed_vgpu_gm_size(const struct vmed_vgpu *vgpu, enum vmed_gm_kind kind);
u32 vmed_vgpu_fences(const struct vmed_vgpu *vgpu);
void vmed_vgpu_get_stats(struct vmed_vgpu *vgpu, struct vmed_vgpu_stats *st);
void vmed_vgpu_get_status(struct vmed_vgpu *vgpu, struct vmed_vgpu_status *s);

/* Vendor state and the engine's view of the vGPU (vendors) */
void vmed_vgpu_set_vendor_data(struct vmed_vgpu *vgpu, void *data);
void *vmed_vgpu_vendor_data(const struct vmed_vgpu *vgpu);
bool vmed_vgpu_failed(struct vmed_vgpu *vgpu);
bool vmed_vgpu_attached(struct vmed_vgpu *vgpu);

u64 vmed_vreg_read(struct vmed_vgpu *vgpu, u32 offset, unsigned int size);
int vmed_vreg_write(struct vmed_vgpu *vgpu, u32 offset, unsigned int size,
		    u64 val);

void vmed_irq_raise(struct vmed_vgpu *vgpu, unsigned int event);

struct vmed_ppgtt_mm *vmed_ppgtt_get(struct vmed_vgpu *vgpu, u64 root_gpa);
void vmed_ppgtt_put(struct vmed_vgpu *vgpu, struct vmed_ppgtt_mm *mm);
int vmed_ppgtt_translate(struct vmed_vgpu *vgpu, struct vmed_ppgtt_mm *mm,
			 u64 gva, dma_addr_t *dma, bool *writable);
bool vmed_ppgtt_is_table_frame(struct vmed_vgpu *vgpu, u64 gfn);

int vmed_dma_to_gfn(struct vmed_vgpu *vgpu, dma_addr_t dma, u64 *gfn);

/* Device-side memory access for software engines (core/engine.c). */
int vmed_ggtt_translate(struct vmed_vgpu *vgpu, u64 gm_addr, dma_addr_t *dma);
int vmed_gm_rw(struct vmed_vgpu *vgpu, u64 gm_addr, void *buf, size_t len,
	       bool write);
int vmed_ppgtt_rw(struct vmed_vgpu *vgpu, struct vmed_ppgtt_mm *mm, u64 gva,
		  void *buf, size_t len, bool write);

#endif /* _VMED_VGPU_H */
