/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The core's calls into struct vmed_hv_ops and struct vmed_vendor_ops.
 *
 * Every call from the core into a hypervisor shim or a vendor backend goes
 * through one of these wrappers, so that the calling context the ops'
 * kernel-doc promises (include/vmed/hv.h, include/vmed/vendor.h) is checked
 * where it is made: lockdep checks the vGPU lock, might_sleep() (with
 * CONFIG_DEBUG_ATOMIC_SLEEP) that the caller may sleep. A promise broken here
 * is a core bug that every shim and vendor would otherwise have to find on
 * its own.
 *
 * Optional ops: what the absence of an op means differs (no INTx line, no
 * write tracking, an access refused), so the caller checks for the op and
 * decides; the wrapper warns if it did not, and then does nothing.
 */
#ifndef _VMED_CORE_OPS_H
#define _VMED_CORE_OPS_H

#include <linux/bitmap.h>
#include <linux/bug.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/lockdep.h>
#include "internal.h"

/* ---- hypervisor ops ---------------------------------------------------- */

/*
 * Every hypervisor op runs with the vGPU lock held (which also keeps
 * vgpu->hv from changing under the call), in process context.
 */
static inline void vmed_hv_context(struct vmed_vgpu *vgpu)
{
	lockdep_assert_held(&vgpu->lock);
	might_sleep();
}

/**
 * vmed_hv_read_gpa() - &vmed_hv_ops.read_gpa
 * @vgpu: the vGPU; its lock held and a hypervisor attached
 * @gpa: guest physical address
 * @buf: out: the bytes
 * @len: number of bytes
 *
 * Return: 0 or the shim's negative errno.
 */
static inline int vmed_hv_read_gpa(struct vmed_vgpu *vgpu, u64 gpa, void *buf,
				   size_t len)
{
	vmed_hv_context(vgpu);
	return vgpu->hv->read_gpa(vgpu, gpa, buf, len);
}

/**
 * vmed_hv_write_gpa() - &vmed_hv_ops.write_gpa
 * @vgpu: the vGPU; its lock held and a hypervisor attached
 * @gpa: guest physical address
 * @buf: the bytes
 * @len: number of bytes
 *
 * Return: 0 or the shim's negative errno.
 */
static inline int vmed_hv_write_gpa(struct vmed_vgpu *vgpu, u64 gpa,
				    const void *buf, size_t len)
{
	vmed_hv_context(vgpu);
	return vgpu->hv->write_gpa(vgpu, gpa, buf, len);
}

/**
 * vmed_hv_dma_map() - &vmed_hv_ops.dma_map
 * @vgpu: the vGPU; its lock held and a hypervisor attached
 * @gfns: guest frames
 * @nr: number of frames, at most %VMED_DMA_BATCH
 * @dma: out: per frame, its DMA address or %DMA_MAPPING_ERROR
 *
 * Return: 0, or a negative errno if the call itself failed (then no frame
 * is mapped).
 */
static inline int vmed_hv_dma_map(struct vmed_vgpu *vgpu, const u64 *gfns,
				  unsigned int nr, dma_addr_t *dma)
{
	vmed_hv_context(vgpu);
	return vgpu->hv->dma_map(vgpu, gfns, nr, dma);
}

/**
 * vmed_hv_dma_unmap() - &vmed_hv_ops.dma_unmap
 * @vgpu: the vGPU; its lock held and a hypervisor attached
 * @gfns: frames mapped by vmed_hv_dma_map()
 * @dma: their DMA addresses
 * @nr: number of frames, at most %VMED_DMA_BATCH
 */
static inline void vmed_hv_dma_unmap(struct vmed_vgpu *vgpu, const u64 *gfns,
				     const dma_addr_t *dma, unsigned int nr)
{
	vmed_hv_context(vgpu);
	vgpu->hv->dma_unmap(vgpu, gfns, dma, nr);
}

/**
 * vmed_hv_track_add() - &vmed_hv_ops.track_add
 * @vgpu: the vGPU; its lock held, a hypervisor with write tracking attached
 * @gfns: guest frames
 * @nr: number of frames, at most %VMED_DMA_BATCH
 *
 * Return: 0 or the shim's negative errno (then no frame is tracked);
 * -EOPNOTSUPP if the caller forgot to check that the shim tracks writes.
 */
static inline int vmed_hv_track_add(struct vmed_vgpu *vgpu, const u64 *gfns,
				    unsigned int nr)
{
	vmed_hv_context(vgpu);
	if (WARN_ON_ONCE(!vgpu->hv->track_add))
		return -EOPNOTSUPP;
	return vgpu->hv->track_add(vgpu, gfns, nr);
}

/**
 * vmed_hv_track_remove() - &vmed_hv_ops.track_remove
 * @vgpu: the vGPU; its lock held, a hypervisor with write tracking attached
 * @gfns: frames tracked by vmed_hv_track_add()
 * @nr: number of frames, at most %VMED_DMA_BATCH
 */
static inline void vmed_hv_track_remove(struct vmed_vgpu *vgpu,
					const u64 *gfns, unsigned int nr)
{
	vmed_hv_context(vgpu);
	if (WARN_ON_ONCE(!vgpu->hv->track_remove))
		return;
	vgpu->hv->track_remove(vgpu, gfns, nr);
}

/**
 * vmed_hv_inject_msi() - &vmed_hv_ops.inject_msi
 * @vgpu: the vGPU; its lock held and a hypervisor attached
 * @addr: the guest's MSI address
 * @data: the guest's MSI data
 *
 * Return: 0, or the shim's negative errno (the MSI was not delivered).
 */
static inline int vmed_hv_inject_msi(struct vmed_vgpu *vgpu, u64 addr,
				     u32 data)
{
	vmed_hv_context(vgpu);
	return vgpu->hv->inject_msi(vgpu, addr, data);
}

/**
 * vmed_hv_set_intx() - &vmed_hv_ops.set_intx
 * @vgpu: the vGPU; its lock held, a hypervisor with an INTx line attached
 * @asserted: the new level of the line
 */
static inline void vmed_hv_set_intx(struct vmed_vgpu *vgpu, bool asserted)
{
	vmed_hv_context(vgpu);
	if (WARN_ON_ONCE(!vgpu->hv->set_intx))
		return;
	vgpu->hv->set_intx(vgpu, asserted);
}

/**
 * vmed_hv_set_trap_area() - &vmed_hv_ops.set_trap_area
 * @vgpu: the vGPU; its lock held, a hypervisor that places traps attached
 * @bar: BAR index
 * @gpa: guest physical address of the BAR
 * @size: its size
 * @map: start (true) or stop trapping
 *
 * Return: 0, or the shim's negative errno (nothing changed); -EOPNOTSUPP if
 * the caller forgot to check that the shim places traps.
 */
static inline int vmed_hv_set_trap_area(struct vmed_vgpu *vgpu,
					unsigned int bar, u64 gpa, u64 size,
					bool map)
{
	vmed_hv_context(vgpu);
	if (WARN_ON_ONCE(!vgpu->hv->set_trap_area))
		return -EOPNOTSUPP;
	return vgpu->hv->set_trap_area(vgpu, bar, gpa, size, map);
}

/**
 * vmed_hv_is_guest_memory() - &vmed_hv_ops.is_guest_memory
 * @vgpu: the vGPU; its lock held and a hypervisor attached
 * @gfns: guest frames, possibly repeated
 * @nr: number of frames, at most %VMED_DMA_BATCH
 * @ram: out: bit i set if @gfns[i] is guest RAM; the shim only sets bits,
 *	so it is cleared here first
 *
 * Return: 0, or the shim's negative errno (then @ram says nothing).
 */
static inline int vmed_hv_is_guest_memory(struct vmed_vgpu *vgpu,
					  const u64 *gfns, unsigned int nr,
					  unsigned long *ram)
{
	vmed_hv_context(vgpu);
	bitmap_zero(ram, nr);
	return vgpu->hv->is_guest_memory(vgpu, gfns, nr, ram);
}

/* ---- vendor ops -------------------------------------------------------- */

static inline const struct vmed_vendor_ops *
vmed_vgpu_vendor_ops(const struct vmed_vgpu *vgpu)
{
	return vgpu->dev->vendor->ops;
}

/**
 * vmed_vendor_vgpu_init() - &vmed_vendor_ops.vgpu_init
 * @vgpu: the vGPU being created; its lock not held
 *
 * Return: 0 or the vendor's negative errno.
 */
static inline int vmed_vendor_vgpu_init(struct vmed_vgpu *vgpu)
{
	const struct vmed_vendor_ops *ops = vmed_vgpu_vendor_ops(vgpu);

	lockdep_assert_not_held(&vgpu->lock);
	might_sleep();
	if (WARN_ON_ONCE(!ops->vgpu_init))
		return 0;
	return ops->vgpu_init(vgpu);
}

/**
 * vmed_vendor_vgpu_fini() - &vmed_vendor_ops.vgpu_fini
 * @vgpu: the vGPU being destroyed, detached; its lock not held
 */
static inline void vmed_vendor_vgpu_fini(struct vmed_vgpu *vgpu)
{
	const struct vmed_vendor_ops *ops = vmed_vgpu_vendor_ops(vgpu);

	lockdep_assert_not_held(&vgpu->lock);
	might_sleep();
	if (WARN_ON_ONCE(!ops->vgpu_fini))
		return;
	ops->vgpu_fini(vgpu);
}

/*
 * Every other vendor op, and the register hooks, run with the vGPU lock
 * held, in process context.
 */
static inline void vmed_vendor_context(struct vmed_vgpu *vgpu)
{
	lockdep_assert_held(&vgpu->lock);
	might_sleep();
}

/**
 * vmed_vendor_ggtt_update() - &vmed_vendor_ops.ggtt_update
 * @vgpu: the vGPU whose slice holds @index; its lock held
 * @index: GGTT entry, from the start of the GGTT
 * @host_pte: its new value, already in &vmed_device.ggtt_host
 */
static inline void vmed_vendor_ggtt_update(struct vmed_vgpu *vgpu, u32 index,
					   u64 host_pte)
{
	const struct vmed_vendor_ops *ops = vmed_vgpu_vendor_ops(vgpu);

	vmed_vendor_context(vgpu);
	if (WARN_ON_ONCE(!ops->ggtt_update))
		return;
	ops->ggtt_update(vgpu->dev, index, host_pte);
}

/**
 * vmed_vendor_wl_step() - &vmed_vendor_ops.wl_step
 * @vgpu: the vGPU, not failed; its lock held
 * @wl: the workload
 *
 * Return: %VMED_WL_MORE, 0 or a negative errno; -EOPNOTSUPP if the device
 * was registered with engines but without the op (refused at register).
 */
static inline int vmed_vendor_wl_step(struct vmed_vgpu *vgpu,
				      struct vmed_workload *wl)
{
	const struct vmed_vendor_ops *ops = vmed_vgpu_vendor_ops(vgpu);

	vmed_vendor_context(vgpu);
	if (WARN_ON_ONCE(!ops->wl_step))
		return -EOPNOTSUPP;
	return ops->wl_step(vgpu, wl);
}

/**
 * vmed_vendor_wl_complete() - &vmed_vendor_ops.wl_complete
 * @vgpu: the vGPU, not failed; its lock held
 * @wl: the workload
 * @status: 0 or a negative errno
 */
static inline void vmed_vendor_wl_complete(struct vmed_vgpu *vgpu,
					   struct vmed_workload *wl, int status)
{
	const struct vmed_vendor_ops *ops = vmed_vgpu_vendor_ops(vgpu);

	vmed_vendor_context(vgpu);
	if (WARN_ON_ONCE(!ops->wl_complete))
		return;
	ops->wl_complete(vgpu, wl, status);
}

/**
 * vmed_vendor_engine_reset() - &vmed_vendor_ops.engine_reset
 * @vgpu: the vGPU; its lock held
 */
static inline void vmed_vendor_engine_reset(struct vmed_vgpu *vgpu)
{
	const struct vmed_vendor_ops *ops = vmed_vgpu_vendor_ops(vgpu);

	vmed_vendor_context(vgpu);
	if (WARN_ON_ONCE(!ops->engine_reset))
		return;
	ops->engine_reset(vgpu);
}

/**
 * vmed_vendor_bar_rw() - &vmed_vendor_ops.bar_rw
 * @vgpu: the vGPU, not failed; its lock held
 * @bar: a BAR other than the register BAR
 * @offset: offset in the BAR, the access inside it
 * @buf: data
 * @len: 1, 2, 4 or 8, with @offset aligned to it
 * @write: direction
 *
 * Return: 0 or the vendor's negative errno; -EINVAL if the caller forgot to
 * check that the vendor serves other BARs.
 */
static inline int vmed_vendor_bar_rw(struct vmed_vgpu *vgpu, unsigned int bar,
				     u64 offset, void *buf, unsigned int len,
				     bool write)
{
	const struct vmed_vendor_ops *ops = vmed_vgpu_vendor_ops(vgpu);

	vmed_vendor_context(vgpu);
	if (WARN_ON_ONCE(!ops->bar_rw))
		return -EINVAL;
	return ops->bar_rw(vgpu, bar, offset, buf, len, write);
}

/**
 * vmed_vendor_reg_read() - &vmed_mmio_reg.read
 * @vgpu: the vGPU, not failed; its lock held
 * @reg: a register with a read hook
 *
 * Return: the register's value; 0 if the caller forgot to check for the hook.
 */
static inline u64 vmed_vendor_reg_read(struct vmed_vgpu *vgpu,
				       const struct vmed_mmio_reg *reg)
{
	vmed_vendor_context(vgpu);
	if (WARN_ON_ONCE(!reg->read))
		return 0;
	return reg->read(vgpu, reg);
}

/**
 * vmed_vendor_reg_write() - &vmed_mmio_reg.write
 * @vgpu: the vGPU, not failed; its lock held
 * @reg: a register with a write hook
 * @old: its value before the write
 * @val: its value now, already stored
 *
 * Return: 0, or a negative errno for which the caller fails the vGPU; 0 if
 * the caller forgot to check for the hook.
 */
static inline int vmed_vendor_reg_write(struct vmed_vgpu *vgpu,
					const struct vmed_mmio_reg *reg,
					u64 old, u64 val)
{
	vmed_vendor_context(vgpu);
	if (WARN_ON_ONCE(!reg->write))
		return 0;
	return reg->write(vgpu, reg, old, val);
}

#endif /* _VMED_CORE_OPS_H */
