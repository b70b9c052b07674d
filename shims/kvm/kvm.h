/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmed_kvm internals: vmed vGPUs as VFIO devices, for KVM guests (or any
 * VFIO VMM).
 *
 * Objects. vmed_kvm is the "vfio" frontend of the core: for every published
 * vGPU that has a sysfs device (an mdev created through vmed_mdev) it
 * registers a VFIO device on that device (struct vmed_kvm_vgpu), which
 * QEMU's vfio-pci,sysfsdev= opens like any mdev's. Opening it attaches the
 * vGPU to the core with this shim's hypervisor ops; refused while another
 * frontend (a Xen binding) holds it. Closing it detaches. While open:
 *  - guest memory is the VFIO container's view: vfio_dma_rw() for reads and
 *    writes, vfio_pin_pages() + dma_map_page() for device access (memory.c),
 *    with the QEMU convention that IOVA == guest physical address;
 *  - page-table writes reach the core through KVM's external write tracking
 *    when the VFIO group was added to a KVM (track.c), and through
 *    revalidation at submission otherwise;
 *  - interrupts leave through eventfds (irq.c).
 * When the vGPU is destroyed (mdev removal) or this module unloads, the
 * VFIO device is unregistered, which asks the VMM to close it and waits.
 *
 * Locking. The VFIO core serialises open_device/close_device. The vGPU lock
 * (core) serialises guest-driven work; hypervisor ops run under it, which is
 * what protects @pin_pages. Interrupt triggers are swapped and signalled
 * under @trigger_lock, the INTx state changes under @irq_lock; the two are
 * never nested, and nothing is signalled under @irq_lock, which the unmask
 * virqfd takes inside an eventfd's wakeup (spinlocks: MSIs and INTx changes
 * come under the vGPU lock or from a virqfd, and must not sleep). KVM's
 * notifier list is changed without
 * the vGPU lock held, because unregistering waits for running notifiers,
 * which take it.
 */
#ifndef _VMED_KVM_H
#define _VMED_KVM_H

#include <linux/atomic.h>
#include <linux/device.h>
#include <linux/spinlock.h>
#include <linux/vfio.h>
#include <asm/kvm_page_track.h>
#include <vmed/hv.h>
#include <vmed/vgpu.h>

struct eventfd_ctx;
struct virqfd;

/**
 * struct vmed_kvm_attrs - the shim's files in a vGPU's vmed/ directory
 * @kvm: whether the last VMM session used KVM write tracking
 * @pinned_pages: guest pages pinned now
 * @msi_signals: MSIs signalled
 * @intx_signals: INTx assertions signalled
 * @list: the four, NULL-terminated
 * @group: @list as an attribute group merged into vmed/
 */
struct vmed_kvm_attrs {
	struct device_attribute kvm;
	struct device_attribute pinned_pages;
	struct device_attribute msi_signals;
	struct device_attribute intx_signals;
	struct attribute *list[5];
	struct attribute_group group;
};

/**
 * struct vmed_kvm_vgpu - a vGPU as a VFIO device
 * @vdev: the VFIO device; first member, as vfio_alloc_device() requires
 * @vgpu: the core's vGPU; a counted reference
 * @attrs: this shim's files in the vGPU's vmed/ directory (sysfs.c)
 * @kvm: the KVM whose write tracking is in use while open, else NULL
 * @had_kvm: the last open used KVM write tracking (for sysfs)
 * @track_node: KVM write-tracking notifier
 * @kvm_fns: KVM's write-tracking functions, looked up while @kvm is set
 * @pin_pages: scratch array for one batch of vfio_pin_pages()
 * @pinned: guest pages pinned now
 * @irq_lock: protects the INTx state
 * @trigger_lock: protects the triggers and the signal counters; held while
 *	signalling
 * @msi_trigger: eventfd signalled for an MSI
 * @intx_trigger: eventfd signalled when the INTx line rises
 * @req_trigger: eventfd asking userspace to release the device
 * @intx_unmask: virqfd through which userspace unmasks INTx
 * @intx_level: the core's INTx line
 * @intx_masked: INTx masked (automatically on each signal, or by userspace)
 * @msi_signals: MSIs signalled
 * @intx_signals: INTx assertions signalled
 */
struct vmed_kvm_vgpu {
	struct vfio_device vdev;
	struct vmed_vgpu *vgpu;
	struct vmed_kvm_attrs attrs;
	struct kvm *kvm;
	bool had_kvm;
#if IS_ENABLED(CONFIG_KVM_EXTERNAL_WRITE_TRACKING)
	struct kvm_page_track_notifier_node track_node;
	struct {
		int (*reg)(struct kvm *kvm,
			   struct kvm_page_track_notifier_node *n);
		void (*unreg)(struct kvm *kvm,
			      struct kvm_page_track_notifier_node *n);
		int (*add)(struct kvm *kvm, gfn_t gfn);
		int (*remove)(struct kvm *kvm, gfn_t gfn);
	} kvm_fns;
#endif
	struct page *pin_pages[VMED_DMA_BATCH];
	atomic_long_t pinned;

	spinlock_t irq_lock;	/* INTx state */
	spinlock_t trigger_lock;	/* triggers, signal counters */
	struct eventfd_ctx *msi_trigger;
	struct eventfd_ctx *intx_trigger;
	struct eventfd_ctx *req_trigger;
	struct virqfd *intx_unmask;
	bool intx_level;
	bool intx_masked;
	u64 msi_signals;
	u64 intx_signals;
};

static inline struct vmed_kvm_vgpu *vdev_to_kv(struct vfio_device *vdev)
{
	return container_of(vdev, struct vmed_kvm_vgpu, vdev);
}

/* main.c */
extern atomic_long_t vmed_kvm_pinned_total;
extern atomic_long_t vmed_kvm_mapped_total;
extern struct vmed_frontend vmed_kvm_frontend;

/* vfio.c */
int vmed_kvm_vgpu_added(struct vmed_frontend *fe, struct vmed_vgpu *vgpu,
			void **data);
void vmed_kvm_vgpu_removed(struct vmed_frontend *fe, struct vmed_vgpu *vgpu,
			   void *data);

/* memory.c */
extern const struct vmed_hv_ops vmed_kvm_tracked_ops;
extern const struct vmed_hv_ops vmed_kvm_untracked_ops;
void vmed_kvm_dma_unmap(struct vfio_device *vdev, u64 iova, u64 length);

/* track.c */
int vmed_kvm_track_start(struct vmed_kvm_vgpu *kv);
void vmed_kvm_track_stop(struct vmed_kvm_vgpu *kv);
int vmed_kvm_track_add(struct vmed_vgpu *vgpu, const u64 *gfns,
		       unsigned int nr);
void vmed_kvm_track_remove(struct vmed_vgpu *vgpu, const u64 *gfns,
			   unsigned int nr);

/* irq.c */
void vmed_kvm_irq_init(struct vmed_kvm_vgpu *kv);
int vmed_kvm_get_irq_info(struct vmed_kvm_vgpu *kv, void __user *arg);
int vmed_kvm_set_irqs(struct vmed_kvm_vgpu *kv, void __user *arg);
void vmed_kvm_irq_release(struct vmed_kvm_vgpu *kv);
void vmed_kvm_request(struct vfio_device *vdev, unsigned int count);
int vmed_kvm_inject_msi(struct vmed_vgpu *vgpu, u64 addr, u32 data);
void vmed_kvm_set_intx(struct vmed_vgpu *vgpu, bool asserted);

/* sysfs.c */
int vmed_kvm_sysfs_add(struct vmed_kvm_vgpu *kv);
void vmed_kvm_sysfs_remove(struct vmed_kvm_vgpu *kv);

#endif /* _VMED_KVM_H */
