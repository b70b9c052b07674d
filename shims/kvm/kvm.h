/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmed_kvm internals: a vmed vGPU as a VFIO mediated device.
 *
 * Objects. Every vmed physical device gets an mdev parent (parent.c) whose
 * types are the vendor's vGPU types. Creating an mdev creates a vmed vGPU
 * and a VFIO device around it (struct vmed_kvm_vgpu). Opening the VFIO
 * device attaches the vGPU to the core with this shim's hypervisor ops;
 * closing it detaches. While open:
 *  - guest memory is the VFIO container's view: vfio_dma_rw() for reads and
 *    writes, vfio_pin_pages() + dma_map_page() for device access (memory.c),
 *    with the QEMU convention that IOVA == guest physical address;
 *  - page-table writes reach the core through KVM's external write tracking
 *    when the VFIO group was added to a KVM (track.c), and through
 *    revalidation at submission otherwise;
 *  - interrupts leave through eventfds (irq.c).
 *
 * Locking. The VFIO core serialises open_device/close_device. The vGPU lock
 * (core) serialises guest-driven work; hypervisor ops run under it, which is
 * what protects @pin_pages. Interrupt triggers are swapped under @irq_lock
 * (a spinlock: MSIs and INTx changes are signalled under the vGPU lock or
 * from a virqfd, and must not sleep). KVM's notifier list is changed without
 * the vGPU lock held, because unregistering waits for running notifiers,
 * which take it.
 */
#ifndef _VMED_KVM_H
#define _VMED_KVM_H

#include <linux/atomic.h>
#include <linux/mdev.h>
#include <linux/spinlock.h>
#include <linux/vfio.h>
#include <linux/workqueue.h>
#include <asm/kvm_page_track.h>
#include <vmed/bind.h>
#include <vmed/vgpu.h>

struct eventfd_ctx;
struct virqfd;

/**
 * struct vmed_kvm_type - one vendor vGPU type as an mdev type
 * @type: the mdev type (sysfs directory "<driver>-<name>")
 * @parent: the parent it belongs to
 * @index: index in the vendor's type table
 */
struct vmed_kvm_type {
	struct mdev_type type;
	struct vmed_kvm_parent *parent;
	unsigned int index;
};

/**
 * struct vmed_kvm_parent - a vmed physical device as an mdev parent
 * @mdev: the mdev parent
 * @dev: the vmed device
 * @types: one per vendor type
 * @type_ptrs: @types as mdev_register_parent() wants them
 * @node: link in the list of parents (parent.c)
 */
struct vmed_kvm_parent {
	struct mdev_parent mdev;
	struct vmed_device *dev;
	struct vmed_kvm_type *types;
	struct mdev_type **type_ptrs;
	struct list_head node;
};

/**
 * struct vmed_kvm_vgpu - a vGPU as a VFIO device
 * @vdev: the VFIO device; first member, as vfio_alloc_device() requires
 * @vgpu: the core's vGPU
 * @type: its mdev type
 * @state_lock: orders VFIO open/close against binding (bind.c)
 * @node: link in bind.c's list of every vGPU
 * @open: the VFIO device is open and the vGPU attached
 * @binder: the other hypervisor's shim the vGPU is bound to, else NULL
 * @bind_data: that shim's state for the binding
 * @bound_domid: the guest it is bound to
 * @unbind_work: unbinds when the binder reports its guest gone
 * @kvm: the KVM whose write tracking is in use while open, else NULL
 * @had_kvm: the last open used KVM write tracking (for sysfs)
 * @track_node: KVM write-tracking notifier
 * @kvm_fns: KVM's write-tracking functions, looked up while @kvm is set
 * @pin_pages: scratch array for one batch of vfio_pin_pages()
 * @pinned: guest pages pinned now
 * @irq_lock: protects the triggers and the INTx state
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
	struct vmed_kvm_type *type;

	struct mutex state_lock;	/* open vs. binding */
	struct list_head node;
	bool open;
	struct vmed_kvm_binder *binder;
	void *bind_data;
	u32 bound_domid;
	struct work_struct unbind_work;
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

	spinlock_t irq_lock;	/* triggers, INTx state */
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

/* main.c: pages pinned and DMA mappings of all vGPUs, checked at unload */
extern atomic_long_t vmed_kvm_pinned_total;
extern atomic_long_t vmed_kvm_mapped_total;

/* parent.c */
int vmed_kvm_parents_init(void);
void vmed_kvm_parents_exit(void);

/* vfio.c */
extern const struct vfio_device_ops vmed_kvm_vfio_ops;

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

/* bind.c */
void vmed_kvm_bind_add(struct vmed_kvm_vgpu *kv);
void vmed_kvm_bind_remove(struct vmed_kvm_vgpu *kv);
int vmed_kvm_bind_open(struct vmed_kvm_vgpu *kv);
extern struct device_attribute dev_attr_xen_domid;

/* sysfs.c */
extern const struct attribute_group *vmed_kvm_vgpu_groups[];
void vmed_kvm_sysfs_init(void);

#endif /* _VMED_KVM_H */
