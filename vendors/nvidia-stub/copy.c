// SPDX-License-Identifier: GPL-2.0
/*
 * nvidia-stub copy engine: moves bytes between two GPU virtual addresses of
 * a channel's address space, through the shadow page tables only.
 *
 * Every range is checked page by page before anything is written
 * (vmed_nvs_copy_check()), so a copy either runs in full or not at all. The
 * addresses are checked against the model's 1 GiB address space first:
 * the shadow walk indexes each level with the address bits of that level
 * only, so a larger address would silently alias a lower one.
 *
 * The engine refuses to write frames that hold shadowed page tables: its
 * writes reach guest memory directly, not through write tracking, so the
 * shadow would silently go stale (routing such writes through the core's
 * page-table update path would lift the restriction).
 */
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/xarray.h>
#include "nvstub.h"

static bool nvs_page_table_frame(struct vmed_vgpu *vgpu, dma_addr_t dma)
{
	u64 gfn;

	/* Not a guest frame (the scratch page): nothing to keep in sync. */
	if (vmed_dma_to_gfn(vgpu, dma, &gfn))
		return false;
	return vmed_ppgtt_is_table_frame(vgpu, gfn);
}

/**
 * vmed_nvs_copy_check() - can the engine access [@va, @va + @len)?
 * @vgpu: the vGPU; its lock held
 * @mm: the channel's address space
 * @va: GPU virtual address
 * @len: bytes, at most %NVS_COPY_MAX
 * @write: the engine writes the range (needs write permission)
 *
 * Return: 0, or -EFAULT if any page is outside the address space,
 * unmapped, or read-only or a shadowed page table for a write.
 */
int vmed_nvs_copy_check(struct vmed_vgpu *vgpu, struct vmed_ppgtt_mm *mm, u64 va,
			u64 len, bool write)
{
	u64 end = va + len, pos;
	dma_addr_t dma;
	bool writable;

	if (end < va || end > BIT_ULL(NVS_VA_BITS))
		return -EFAULT;
	if (!len)
		return 0;
	for (pos = va & PAGE_MASK; pos < end; pos += PAGE_SIZE) {
		if (vmed_ppgtt_translate(vgpu, mm, pos, &dma, &writable) ||
		    (write && (!writable || nvs_page_table_frame(vgpu, dma))))
			return -EFAULT;
	}
	return 0;
}

/**
 * vmed_nvs_copy() - copy @len bytes from @src to @dst in one address space
 * @vgpu: the vGPU; its lock held
 * @mm: the channel's address space
 * @dst: destination GPU virtual address
 * @src: source GPU virtual address
 * @len: bytes; both ranges already passed vmed_nvs_copy_check()
 *
 * Copies forward a page at a time through a bounce buffer; overlapping
 * ranges give what a forward copy gives (as on the modelled engine).
 *
 * Return: 0, or the error of the first failed access.
 */
int vmed_nvs_copy(struct vmed_vgpu *vgpu, struct vmed_ppgtt_mm *mm, u64 dst,
		  u64 src, u64 len)
{
	void *buf = nvs_vgpu(vgpu)->bounce;
	u64 done, chunk;
	int ret;

	for (done = 0; done < len; done += chunk) {
		chunk = min_t(u64, len - done, PAGE_SIZE);
		ret = vmed_ppgtt_rw(vgpu, mm, src + done, buf, chunk, false) ?:
		      vmed_ppgtt_rw(vgpu, mm, dst + done, buf, chunk, true);
		if (ret)
			return ret;
	}
	return 0;
}
