/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmed hypervisor interface.
 *
 * struct vmed_hv_ops holds only what genuinely differs between hypervisors:
 * how guest memory is read and written, how guest frames become DMA
 * addresses, how guest page-table pages are write-protected, how an MSI
 * reaches the guest and how trapped ranges follow the guest's BARs. KVM's
 * shim implements it on VFIO; Xen's on dm_op and foreign mappings. Calls
 * that scale with guest data are batched, so a 512-entry page table costs one
 * call, not 512.
 *
 * The second half of this file is the other direction: the core entry points
 * a shim calls when the guest touches the vGPU.
 */
#ifndef _VMED_HV_H
#define _VMED_HV_H

#include <linux/types.h>

struct vmed_vgpu;

/** VMED_DMA_BATCH - frames the core hands to one hypervisor op at most */
#define VMED_DMA_BATCH	512

/**
 * struct vmed_hv_ops - what a hypervisor shim provides to the core
 *
 * Every op receives the vGPU and may recover the shim's own state with
 * vmed_vgpu_hv_data(). The core calls the ops only while the vGPU is
 * attached (from vmed_vgpu_attach() until vmed_vgpu_detach() returns), in
 * process context, with the vGPU lock held; every op may sleep. An op must
 * not call the entry points declared below: they take that lock. Batches of
 * frames hold at most %VMED_DMA_BATCH frames.
 *
 * @read_gpa: copy @len bytes of guest physical memory at @gpa into @buf,
 *	for shadowing guest page tables and for a software engine's reads of
 *	frames mapped with @dma_map. Returns 0 or a negative errno;
 *	a range that is not guest RAM fails.
 * @write_gpa: copy @len bytes from @buf to guest physical memory at @gpa,
 *	for a software engine's writes to frames mapped with @dma_map.
 *	Returns 0 or a negative errno.
 * @dma_map: make @nr guest frames @gfns reachable by the device and store
 *	each frame's DMA address in @dma; called when a GGTT or PPGTT entry
 *	is shadowed and its frame is not mapped yet. A frame that is not guest
 *	memory, or that cannot be mapped, gets %DMA_MAPPING_ERROR in its slot;
 *	the other frames are still mapped, and the call returns 0: bad frames
 *	are the guest's doing and end up pointing at scratch. A negative errno
 *	means the call itself failed (-ENOMEM): nothing was mapped, every slot
 *	is ignored, and the core fails the operation. Each successfully mapped
 *	frame is released by exactly one later @dma_unmap. A frame may be
 *	asked for again while an earlier mapping of it is still to be
 *	released (the core batches unmaps): that map must succeed as well,
 *	and the frame stays mapped until its last mapping is released.
 * @dma_unmap: release @nr frames previously mapped by @dma_map; @gfns and
 *	@dma are pairs as @dma_map returned them. Called once no shadow entry
 *	uses a frame any more, before the core entry point that dropped the
 *	last use returns (vmed_dma_invalidate() included). Must not fail.
 * @track_add: write-protect @nr guest frames so that guest writes to them
 *	reach vmed_page_write(); called for the frames of guest page tables
 *	before they are read for shadowing. Returns 0 or a negative errno; on
 *	error no frame of the batch is tracked. Optional, together with
 *	@track_remove: a shim that cannot track writes leaves both NULL, and
 *	the core then re-reads every shadowed guest page table
 *	before a workload's engine time slice begins (correct, but each slice
 *	costs a read of every shadowed table).
 * @track_remove: undo @track_add for @nr frames that no longer hold a
 *	shadowed guest page table. Must not fail.
 * @inject_msi: deliver an MSI with the guest-programmed @addr and @data.
 *	Called while MSI is enabled, when the vGPU's interrupt newly asserts or
 *	a new enabled event arrives while it is asserted: from vmed_irq_raise()
 *	(a vendor's engine) and from guest config and register writes. Returns
 *	0, or a negative errno if the MSI was not delivered; the core counts it
 *	as suppressed and does not retry.
 * @set_intx: the legacy interrupt line changed level: @asserted while an
 *	enabled interrupt is pending, MSI is off and the guest has not set
 *	INTx Disable in the command register. Called on changes only; the
 *	line of a newly attached shim starts low. Optional: without it the
 *	vGPU has MSI only.
 * @set_trap_area: start (@map true) or stop trapping guest accesses to
 *	[@gpa, @gpa + @size) as BAR @bar of the vGPU; called when the guest
 *	enables memory decoding or moves a BAR, and to stop every trap on
 *	reset and detach (attach resets the vGPU: nothing is trapped then). Returns 0
 *	or a negative errno: the core logs the refusal and keeps its record of
 *	the trap, except on reset and detach, after which it assumes none.
 *	Optional: a shim whose VMM routes BAR accesses itself (VFIO) leaves it
 *	NULL.
 * @is_guest_memory: say which of @nr guest frames @gfns (frames may repeat)
 *	are guest RAM, by setting bit i of @ram, which arrives cleared, when
 *	@gfns[i] is. The core asks before it tracks and reads a frame as a
 *	guest page table: for a root (vmed_ppgtt_get()) or a table a guest
 *	write links in, one frame; and once per shadowed table (per
 *	%VMED_DMA_BATCH of its entries), for all the frames its entries point
 *	at as next-level tables that are not tracked yet, if there are any.
 *	A frame that is not RAM is neither tracked nor read, and the entry
 *	pointing at it points nowhere. Returns 0, or a negative errno if the
 *	query itself failed: @ram is ignored and the table is not shadowed
 *	(-ENOMEM also fails the vGPU).
 */
struct vmed_hv_ops {
	int (*read_gpa)(struct vmed_vgpu *vgpu, u64 gpa, void *buf, size_t len);
	int (*write_gpa)(struct vmed_vgpu *vgpu, u64 gpa, const void *buf,
			 size_t len);
	int (*dma_map)(struct vmed_vgpu *vgpu, const u64 *gfns,
		       unsigned int nr, dma_addr_t *dma);
	void (*dma_unmap)(struct vmed_vgpu *vgpu, const u64 *gfns,
			  const dma_addr_t *dma, unsigned int nr);
	int (*track_add)(struct vmed_vgpu *vgpu, const u64 *gfns,
			 unsigned int nr);
	void (*track_remove)(struct vmed_vgpu *vgpu, const u64 *gfns,
			     unsigned int nr);
	int (*inject_msi)(struct vmed_vgpu *vgpu, u64 addr, u32 data);
	void (*set_intx)(struct vmed_vgpu *vgpu, bool asserted);
	int (*set_trap_area)(struct vmed_vgpu *vgpu, unsigned int bar, u64 gpa,
			     u64 size, bool map);
	int (*is_guest_memory)(struct vmed_vgpu *vgpu, const u64 *gfns,
			       unsigned int nr, unsigned long *ram);
};

/**
 * struct vmed_frontend - a way for guests to reach vGPUs (VFIO, a Xen
 *	ioreq server, ...), registered by a hypervisor shim
 * @name: the frontend's name in logs and in &vmed_vgpu_status.holder
 *	("vfio", "xen")
 * @held_state: the word vmed/state shows while this frontend holds a vGPU
 *	("open", "bound")
 * @vgpu_added: optional; a vGPU was published (now, or before the
 *	frontend registered): offer it to guests (a VFIO device, a binding
 *	file). May store the frontend's state for the vGPU in @data, which
 *	vmed_vgpu_frontend_data() returns and @vgpu_removed gets. Returns 0,
 *	or a negative errno: the failure is logged, the vGPU is not offered
 *	through this frontend and @vgpu_removed is not called for it.
 * @vgpu_removed: the vGPU is being destroyed, or the frontend is being
 *	unregistered: stop offering it and, if the frontend holds it, detach
 *	it before returning (VFIO waits for the VMM to close the device). Must
 *	not fail. A reference taken with vmed_vgpu_get() keeps the object, not
 *	its state: once this returns the frontend calls nothing on the vGPU
 *	but what vmed_vgpu_get() allows after destruction.
 *
 * Both callbacks run in process context, may sleep, and are called with
 * no lock of the core held: a callback for one vGPU holds up nothing but
 * that vGPU's publication or removal and the frontend's own registration
 * or unregistration. The core never runs two callbacks for the same
 * (vGPU, frontend) pair at once.
 */
struct vmed_frontend {
	const char *name;
	const char *held_state;
	int (*vgpu_added)(struct vmed_frontend *fe, struct vmed_vgpu *vgpu,
			  void **data);
	void (*vgpu_removed)(struct vmed_frontend *fe, struct vmed_vgpu *vgpu,
			     void *data);
	/* private: core state */
	unsigned int slot;
	bool live;
};

int vmed_frontend_register(struct vmed_frontend *fe);
void vmed_frontend_unregister(struct vmed_frontend *fe);
void *vmed_vgpu_frontend_data(struct vmed_vgpu *vgpu,
			      const struct vmed_frontend *fe);

/* Entry points a shim calls. All take the vGPU lock themselves. */
int vmed_vgpu_attach(struct vmed_vgpu *vgpu, const struct vmed_frontend *fe,
		     const struct vmed_hv_ops *ops, void *hv_data);
void vmed_vgpu_detach(struct vmed_vgpu *vgpu, const struct vmed_frontend *fe);
void vmed_vgpu_reset(struct vmed_vgpu *vgpu);
void vmed_vgpu_fail_guest(struct vmed_vgpu *vgpu, const char *reason);
void *vmed_vgpu_hv_data(struct vmed_vgpu *vgpu);

int vmed_cfg_read(struct vmed_vgpu *vgpu, unsigned int offset, void *buf,
		  unsigned int len);
int vmed_cfg_write(struct vmed_vgpu *vgpu, unsigned int offset,
		   const void *buf, unsigned int len);
int vmed_mmio_read(struct vmed_vgpu *vgpu, unsigned int bar, u64 offset,
		   void *buf, unsigned int len);
int vmed_mmio_write(struct vmed_vgpu *vgpu, unsigned int bar, u64 offset,
		    const void *buf, unsigned int len);
int vmed_page_write(struct vmed_vgpu *vgpu, u64 gpa, const void *buf,
		    unsigned int len);
void vmed_dma_invalidate(struct vmed_vgpu *vgpu, u64 gfn, u64 nr);
void vmed_track_lost(struct vmed_vgpu *vgpu, u64 gfn, u64 nr);

#endif /* _VMED_HV_H */
