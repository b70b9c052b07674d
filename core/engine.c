// SPDX-License-Identifier: GPL-2.0
/*
 * What a device sees: memory access for vendors' software engines.
 *
 * A real GPU reaches memory through the addresses the core programmed: the
 * host GGTT, the shadow page tables and the DMA addresses in them. A
 * software engine must see exactly the same and nothing more, so this file
 * gives it device-side accesses only:
 *
 *   GGTT address --(host GGTT, vGPU's slices only)--> DMA address
 *   PPGTT address --(shadow tables)-----------------> DMA address
 *   DMA address --(DMA cache: mapped frames only)---> the frame's contents
 *
 * A DMA address that is not a frame the hypervisor mapped for this vGPU
 * faults (-EFAULT); the scratch page reads as zeroes and swallows writes.
 * Once the vGPU has failed every access fails (-EIO), also in the middle of
 * one: its engine touches nothing of the guest's any more.
 * Device writes into frames holding guest page tables update the shadows,
 * as tracked guest CPU writes do.
 * No guest physical address supplied by the guest is ever used directly.
 */
#include <linux/dma-mapping.h>
#include "internal.h"
#include "ops.h"

/**
 * vmed_ggtt_translate() - GGTT address to DMA address, as the device walks it
 * @vgpu: the vGPU; its lock held
 * @gm_addr: graphics memory address
 * @dma: out: the DMA address
 *
 * Only the vGPU's own slices of graphics memory are reachable.
 *
 * Return: 0, -EFAULT if the address is outside the vGPU's slices or its
 * GGTT entry is not present, or -EIO once the vGPU has failed.
 */
int vmed_ggtt_translate(struct vmed_vgpu *vgpu, u64 gm_addr, dma_addr_t *dma)
{
	const struct vmed_pte_format *fmt = &vgpu->dev->vendor->ggtt_format;
	const struct vmed_ggtt *ggtt = &vgpu->ggtt;
	u64 index = gm_addr >> PAGE_SHIFT, pte;
	bool inside = false;
	int kind;

	lockdep_assert_held(&vgpu->lock);
	if (vgpu->failed)
		return -EIO;
	for (kind = 0; kind < VMED_GM_KINDS; kind++)
		inside |= index >= ggtt->first[kind] &&
			  index - ggtt->first[kind] < ggtt->count[kind];
	if (!inside)
		return -EFAULT;
	pte = vgpu->dev->ggtt_host[index];
	if (!vmed_pte_present(fmt, pte))
		return -EFAULT;
	*dma = vmed_pte_addr(fmt, pte) + offset_in_page(gm_addr);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(vmed_ggtt_translate, VMED);

/**
 * vmed_dma_rw() - the device reads or writes memory at a DMA address
 * @vgpu: the vGPU; its lock held and a hypervisor attached
 * @dma: DMA address taken from a host GGTT or shadow page-table entry
 * @buf: data
 * @len: bytes; may cross pages (each page is checked on its own)
 * @write: direction
 *
 * Return: 0, -EFAULT if any page is not mapped for this vGPU, -EIO once
 * the vGPU has failed, or the hypervisor's error.
 */
int vmed_dma_rw(struct vmed_vgpu *vgpu, dma_addr_t dma, void *buf, size_t len,
		bool write)
{
	dma_addr_t scratch = vgpu->scratch_dma;
	size_t done, chunk;
	u64 gfn;
	int ret;

	lockdep_assert_held(&vgpu->lock);
	if (!vgpu->hv)
		return -ENODEV;
	for (done = 0; done < len; done += chunk) {
		dma_addr_t pos = dma + done;
		u64 gpa;

		/* A tracked write below may have failed the vGPU. */
		if (vgpu->failed)
			return -EIO;

		chunk = min_t(size_t, len - done, PAGE_SIZE - offset_in_page(pos));
		if ((pos & PAGE_MASK) == scratch) {
			if (!write)
				memset(buf + done, 0, chunk);
			continue;
		}
		if (vmed_dma_to_gfn(vgpu, pos, &gfn))
			return -EFAULT;
		gpa = (gfn << PAGE_SHIFT) + offset_in_page(pos);
		ret = write ? vmed_hv_write_gpa(vgpu, gpa, buf + done, chunk) :
			      vmed_hv_read_gpa(vgpu, gpa, buf + done, chunk);
		if (ret)
			return ret;
		/*
		 * No hypervisor tracks the device's own writes: a write into
		 * a guest page table must update its shadow here.
		 */
		if (write && xa_load(&vgpu->ppgtt.tracked, gfn))
			vmed_ppgtt_page_written(vgpu, gpa, buf + done, chunk);
	}
	return 0;
}

/**
 * vmed_gm_rw() - the device accesses graphics memory through the GGTT
 * @vgpu: the vGPU; its lock held and a hypervisor attached
 * @gm_addr: graphics memory address
 * @buf: data
 * @len: bytes; may cross pages
 * @write: direction
 *
 * Return: 0, or -EFAULT if any page is outside the vGPU's slices, not
 * present or not mapped.
 */
int vmed_gm_rw(struct vmed_vgpu *vgpu, u64 gm_addr, void *buf, size_t len,
	       bool write)
{
	size_t done, chunk;
	dma_addr_t dma;
	int ret;

	for (done = 0; done < len; done += chunk) {
		chunk = min_t(size_t, len - done,
			      PAGE_SIZE - offset_in_page(gm_addr + done));
		ret = vmed_ggtt_translate(vgpu, gm_addr + done, &dma) ?:
		      vmed_dma_rw(vgpu, dma, buf + done, chunk, write);
		if (ret)
			return ret;
	}
	return 0;
}
EXPORT_SYMBOL_NS_GPL(vmed_gm_rw, VMED);

/**
 * vmed_ppgtt_rw() - the device accesses memory through a shadow PPGTT
 * @vgpu: the vGPU; its lock held and a hypervisor attached
 * @mm: the address space (from vmed_ppgtt_get())
 * @gva: GPU virtual address
 * @buf: data
 * @len: bytes; may cross pages
 * @write: direction; a write through a read-only mapping faults
 *
 * Return: 0, or -EFAULT if any page is unmapped, read-only for a write, or
 * not a frame mapped for this vGPU.
 */
int vmed_ppgtt_rw(struct vmed_vgpu *vgpu, struct vmed_ppgtt_mm *mm, u64 gva,
		  void *buf, size_t len, bool write)
{
	size_t done, chunk;
	dma_addr_t dma;
	bool writable;
	int ret;

	for (done = 0; done < len; done += chunk) {
		chunk = min_t(size_t, len - done,
			      PAGE_SIZE - offset_in_page(gva + done));
		ret = vmed_ppgtt_translate(vgpu, mm, gva + done, &dma, &writable);
		if (!ret && write && !writable)
			ret = -EFAULT;
		if (!ret)
			ret = vmed_dma_rw(vgpu, dma, buf + done, chunk, write);
		if (ret)
			return ret;
	}
	return 0;
}
EXPORT_SYMBOL_NS_GPL(vmed_ppgtt_rw, VMED);
