// SPDX-License-Identifier: GPL-2.0
/*
 * The core's hypervisor ops on Xen.
 *
 * Guest memory is reached through foreign mappings of guest frames into
 * dom0. Frames the core maps for the device stay mapped until it unmaps
 * them (@frames: gfn -> struct xen_frame) and double as a small map cache
 * for guest memory accesses; any other frame is mapped for the one access
 * and unmapped again. The core may map a frame again before the unmap of
 * its previous mapping (queued for a batch) reaches us: Xen maps a frame
 * once, so a second map takes a reference on the first mapping and each
 * unmap drops one.
 *
 * Write tracking is Xen's p2m_ioreq_server type: frames set to it with
 * XEN_DMOP_set_mem_type send every guest write to our server as an ioreq
 * (ioreq.c performs the write, Xen does not). MSIs go out with
 * XEN_DMOP_inject_msi, the INTA# line with XEN_DMOP_set_pci_intx_level;
 * BAR traps are MMIO ranges of the server.
 */
#include <linux/dma-mapping.h>
#include <linux/slab.h>
#include "xen.h"

/* Frames probed per call by is_guest_memory. */
#define PROBE_CHUNK	16

/**
 * struct xen_frame - a guest frame mapped into dom0 for the device
 * @va: its kernel address
 * @bus: the address the device uses (the core's DMA address)
 * @maps: dma_map calls not yet matched by dma_unmap
 */
struct xen_frame {
	void *va;
	u64 bus;
	unsigned int maps;
};

static struct vmed_xen_vgpu *xv_of(struct vmed_vgpu *vgpu)
{
	return vmed_vgpu_hv_data(vgpu);
}

static const struct vmed_xen_hyp_ops *ops_of(struct vmed_xen_vgpu *xv)
{
	return xv->hyp->ops;
}

/* Copy within one frame, through its cached mapping or a temporary one. */
static int frame_rw(struct vmed_xen_vgpu *xv, u64 gfn, unsigned int off,
		    void *buf, size_t len, bool write)
{
	struct xen_frame *frame;
	void *tmp;
	u64 bus;
	int err = 0, ret;

	mutex_lock(&xv->frames_lock);
	frame = xa_load(&xv->frames, gfn);
	if (frame) {
		if (write)
			memcpy(frame->va + off, buf, len);
		else
			memcpy(buf, frame->va + off, len);
		mutex_unlock(&xv->frames_lock);
		return 0;
	}
	mutex_unlock(&xv->frames_lock);

	ret = ops_of(xv)->map_frames(xv->hyp, xv->domid, &gfn, 1, &tmp, &bus,
				     &err);
	vmed_xen_domain_gone(xv, ret ?: err);
	if (ret)
		return ret;
	if (err)
		return err;
	if (write)
		memcpy(tmp + off, buf, len);
	else
		memcpy(buf, tmp + off, len);
	ops_of(xv)->unmap_frames(xv->hyp, &tmp, 1);
	return 0;
}

/**
 * vmed_xen_gpa_rw() - read or write guest physical memory
 * @xv: the binding
 * @gpa: guest physical address
 * @buf: data
 * @len: bytes
 * @write: direction
 *
 * Return: 0, or a negative errno if part of the range is not guest memory
 * (what was before it may have been copied).
 */
int vmed_xen_gpa_rw(struct vmed_xen_vgpu *xv, u64 gpa, void *buf, size_t len,
		    bool write)
{
	size_t done, chunk;
	int ret;

	if (!len || gpa + len - 1 < gpa)
		return -EFAULT;
	for (done = 0; done < len; done += chunk) {
		u64 pos = gpa + done;

		chunk = min_t(size_t, len - done, PAGE_SIZE - offset_in_page(pos));
		ret = frame_rw(xv, pos >> PAGE_SHIFT, offset_in_page(pos),
			       buf + done, chunk, write);
		if (ret)
			return -EFAULT;
	}
	return 0;
}

static int xen_read_gpa(struct vmed_vgpu *vgpu, u64 gpa, void *buf, size_t len)
{
	return vmed_xen_gpa_rw(xv_of(vgpu), gpa, buf, len, false);
}

static int xen_write_gpa(struct vmed_vgpu *vgpu, u64 gpa, const void *buf,
			 size_t len)
{
	return vmed_xen_gpa_rw(xv_of(vgpu), gpa, (void *)buf, len, true);
}

static void frame_free(struct vmed_xen_vgpu *xv, struct xen_frame *frame)
{
	ops_of(xv)->unmap_frames(xv->hyp, &frame->va, 1);
	xv->stats.mapped--;
	kfree(frame);
}

/*
 * With frames_lock held: keep the fresh mapping @va of @gfn for the device,
 * or, if the frame is mapped already, drop @va and take a reference on the
 * existing mapping. Returns the device's address, or DMA_MAPPING_ERROR.
 */
static dma_addr_t frame_get(struct vmed_xen_vgpu *xv, u64 gfn, void *va,
			    u64 bus)
{
	struct xen_frame *frame = xa_load(&xv->frames, gfn);

	if (frame) {
		ops_of(xv)->unmap_frames(xv->hyp, &va, 1);
		frame->maps++;
		return frame->bus;
	}
	frame = kmalloc(sizeof(*frame), GFP_KERNEL);
	if (!frame)
		goto drop;
	frame->va = va;
	frame->bus = bus;
	frame->maps = 1;
	if (xa_insert(&xv->frames, gfn, frame, GFP_KERNEL)) {
		kfree(frame);
		goto drop;
	}
	xv->stats.mapped++;
	return bus;
drop:
	ops_of(xv)->unmap_frames(xv->hyp, &va, 1);
	return DMA_MAPPING_ERROR;
}

static int xen_dma_map(struct vmed_vgpu *vgpu, const u64 *gfns,
		       unsigned int nr, dma_addr_t *dma)
{
	struct vmed_xen_vgpu *xv = xv_of(vgpu);
	void **va;
	u64 *bus;
	int *err;
	unsigned int i;
	int ret;

	va = kcalloc(nr, sizeof(*va), GFP_KERNEL);
	bus = kcalloc(nr, sizeof(*bus), GFP_KERNEL);
	err = kcalloc(nr, sizeof(*err), GFP_KERNEL);
	ret = -ENOMEM;
	if (!va || !bus || !err)
		goto out;
	ret = ops_of(xv)->map_frames(xv->hyp, xv->domid, gfns, nr, va, bus,
				     err);
	vmed_xen_domain_gone(xv, ret);
	if (ret)
		goto out;
	mutex_lock(&xv->frames_lock);
	for (i = 0; i < nr; i++) {
		dma[i] = DMA_MAPPING_ERROR;
		if (err[i]) {
			vmed_xen_domain_gone(xv, err[i]);
			continue;
		}
		dma[i] = frame_get(xv, gfns[i], va[i], bus[i]);
	}
	mutex_unlock(&xv->frames_lock);
out:
	kfree(err);
	kfree(bus);
	kfree(va);
	return ret;
}

static void xen_dma_unmap(struct vmed_vgpu *vgpu, const u64 *gfns,
			  const dma_addr_t *dma, unsigned int nr)
{
	struct vmed_xen_vgpu *xv = xv_of(vgpu);
	struct xen_frame *frame;
	unsigned int i;

	mutex_lock(&xv->frames_lock);
	for (i = 0; i < nr; i++) {
		frame = xa_load(&xv->frames, gfns[i]);
		/* The core unmaps only what it mapped: a shim bug otherwise. */
		if (WARN_ON_ONCE(!frame))
			continue;
		if (--frame->maps)
			continue;
		xa_erase(&xv->frames, gfns[i]);
		frame_free(xv, frame);
	}
	mutex_unlock(&xv->frames_lock);
}

/**
 * vmed_xen_frames_release() - unmap whatever the core left mapped
 * @xv: the binding, detached from the core
 */
void vmed_xen_frames_release(struct vmed_xen_vgpu *xv)
{
	struct xen_frame *frame;
	unsigned long gfn;

	mutex_lock(&xv->frames_lock);
	xa_for_each(&xv->frames, gfn, frame) {
		xa_erase(&xv->frames, gfn);
		frame_free(xv, frame);
	}
	mutex_unlock(&xv->frames_lock);
}

/**
 * vmed_xen_set_type() - set the memory type of @nr frames, a call per run
 * @xv: the binding
 * @type: HVMMEM_ioreq_server or HVMMEM_ram_rw
 * @gfns: the frames, any order
 * @nr: number of frames
 *
 * Runs of consecutive frames go to Xen in one call each. On error the runs
 * before the failing one keep the new type; the caller undoes.
 *
 * Return: 0 or the first error.
 */
int vmed_xen_set_type(struct vmed_xen_vgpu *xv, u16 type, const u64 *gfns,
		      unsigned int nr)
{
	unsigned int i, run;
	int ret;

	for (i = 0; i < nr; i += run) {
		for (run = 1; i + run < nr && gfns[i + run] == gfns[i] + run;
		     run++)
			;
		ret = ops_of(xv)->set_mem_type(xv->hyp, xv->domid, type,
					       gfns[i], run);
		vmed_xen_domain_gone(xv, ret);
		if (ret)
			return ret;
	}
	return 0;
}

static int xen_track_add(struct vmed_vgpu *vgpu, const u64 *gfns,
			 unsigned int nr)
{
	struct vmed_xen_vgpu *xv = xv_of(vgpu);
	unsigned int i = 0;
	int ret;

	ret = vmed_xen_set_type(xv, HVMMEM_ioreq_server, gfns, nr);
	for (; !ret && i < nr; i++) {
		ret = xa_insert(&xv->track, gfns[i], xa_mk_value(1), GFP_KERNEL);
		if (ret)
			break;
	}
	if (ret) {
		/* Back to ram_rw, which Xen accepts from either type. */
		vmed_xen_set_type(xv, HVMMEM_ram_rw, gfns, nr);
		while (i--)
			xa_erase(&xv->track, gfns[i]);
		return ret;
	}
	xv->stats.tracked += nr;
	return 0;
}

static void xen_track_remove(struct vmed_vgpu *vgpu, const u64 *gfns,
			     unsigned int nr)
{
	struct vmed_xen_vgpu *xv = xv_of(vgpu);
	unsigned int i;

	/* Fails only for a dying domain, whose p2m goes away anyway. */
	vmed_xen_set_type(xv, HVMMEM_ram_rw, gfns, nr);
	for (i = 0; i < nr; i++)
		if (xa_erase(&xv->track, gfns[i]))
			xv->stats.tracked--;
}

static int xen_inject_msi(struct vmed_vgpu *vgpu, u64 addr, u32 data)
{
	struct vmed_xen_vgpu *xv = xv_of(vgpu);
	int ret;

	ret = ops_of(xv)->inject_msi(xv->hyp, xv->domid, addr, data);
	vmed_xen_domain_gone(xv, ret);
	if (!ret)
		xv->stats.msis++;
	return ret;
}

/* The vGPU has one pin, INTA# (intx 0 in Xen's numbering). */
static void xen_set_intx(struct vmed_vgpu *vgpu, bool asserted)
{
	struct vmed_xen_vgpu *xv = xv_of(vgpu);
	int ret;

	/* Only a dead domain refuses; there is nobody left to tell. */
	ret = ops_of(xv)->set_intx(xv->hyp, xv->domid, xv->opts.sbdf, 0,
				   asserted);
	vmed_xen_domain_gone(xv, ret);
	if (!ret)
		xv->stats.intx++;
}

static int xen_set_trap_area(struct vmed_vgpu *vgpu, unsigned int bar, u64 gpa,
			     u64 size, bool map)
{
	struct vmed_xen_vgpu *xv = xv_of(vgpu);
	u64 end = gpa + size - 1;
	int ret;

	if (bar >= VMED_MAX_BARS || !size || end < gpa)
		return -EINVAL;
	if (!map) {
		if (!xv->bar_mapped[bar])
			return 0;
		/* Fails only if the domain or the range is gone already. */
		ops_of(xv)->map_range(xv->hyp, xv->domid, xv->server,
				      XEN_DMOP_IO_RANGE_MEMORY, xv->bar_start[bar],
				      xv->bar_end[bar], false);
		spin_lock(&xv->bars_lock);
		xv->bar_mapped[bar] = false;
		spin_unlock(&xv->bars_lock);
		return 0;
	}
	if (xv->bar_mapped[bar])
		xen_set_trap_area(vgpu, bar, xv->bar_start[bar], 1, false);
	ret = ops_of(xv)->map_range(xv->hyp, xv->domid, xv->server,
				    XEN_DMOP_IO_RANGE_MEMORY, gpa, end, true);
	vmed_xen_domain_gone(xv, ret);
	if (ret)
		return ret;
	spin_lock(&xv->bars_lock);
	xv->bar_start[bar] = gpa;
	xv->bar_end[bar] = end;
	xv->bar_mapped[bar] = true;
	spin_unlock(&xv->bars_lock);
	return 0;
}

/* A frame is guest RAM if it maps. */
static int xen_is_guest_memory(struct vmed_vgpu *vgpu, const u64 *gfns,
			       unsigned int nr, unsigned long *ram)
{
	struct vmed_xen_vgpu *xv = xv_of(vgpu);
	u64 bus[PROBE_CHUNK];
	void *va[PROBE_CHUNK];
	int err[PROBE_CHUNK];
	unsigned int i, n, k;
	int ret;

	for (i = 0; i < nr; i += n) {
		n = min_t(unsigned int, nr - i, PROBE_CHUNK);
		ret = ops_of(xv)->map_frames(xv->hyp, xv->domid, gfns + i, n, va,
					     bus, err);
		vmed_xen_domain_gone(xv, ret);
		if (ret)
			return ret;
		for (k = 0; k < n; k++) {
			if (err[k])
				continue;
			__set_bit(i + k, ram);
			ops_of(xv)->unmap_frames(xv->hyp, &va[k], 1);
		}
	}
	return 0;
}

const struct vmed_hv_ops vmed_xen_hv_ops = {
	.read_gpa = xen_read_gpa,
	.write_gpa = xen_write_gpa,
	.dma_map = xen_dma_map,
	.dma_unmap = xen_dma_unmap,
	.track_add = xen_track_add,
	.track_remove = xen_track_remove,
	.inject_msi = xen_inject_msi,
	.set_intx = xen_set_intx,
	.set_trap_area = xen_set_trap_area,
	.is_guest_memory = xen_is_guest_memory,
};

/* Without the ioreq_server memory type (no HAP, or claimed by another). */
const struct vmed_hv_ops vmed_xen_untracked_hv_ops = {
	.read_gpa = xen_read_gpa,
	.write_gpa = xen_write_gpa,
	.dma_map = xen_dma_map,
	.dma_unmap = xen_dma_unmap,
	.inject_msi = xen_inject_msi,
	.set_intx = xen_set_intx,
	.set_trap_area = xen_set_trap_area,
	.is_guest_memory = xen_is_guest_memory,
};
