// SPDX-License-Identifier: GPL-2.0
/*
 * GGTT shadowing.
 *
 * The guest sees the whole GGTT but owns only its slices of graphics memory
 * (one per &enum vmed_gm_kind). Writes outside the slices are ignored and
 * read back as zero, which is how a ballooning guest driver expects space it
 * does not own to behave.
 *
 * For an entry in a slice the core keeps the guest's value and programs the
 * host GGTT entry: present guest entries point at the DMA address of the
 * guest frame; non-present ones, and frames that are not guest memory, at
 * the scratch page (present only in the first case, so the device never
 * faults on a mapping the guest believes valid). The new host entry is
 * installed before the reference on the old frame is dropped, so the device
 * never sees an entry pointing at a released frame.
 *
 * An 8-byte entry may be written as two 4-byte halves; the shadow follows
 * only once both halves have been written (in either order) since the entry
 * was last complete. Until then the host keeps the previous translation.
 */
#include <linux/bitmap.h>
#include <linux/dma-mapping.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/unaligned.h>
#include <linux/vmalloc.h>
#include "internal.h"
#include "ops.h"
#include "trace.h"

static const struct vmed_pte_format *ggtt_fmt(struct vmed_vgpu *vgpu)
{
	return &vgpu->dev->vendor->ggtt_format;
}

/* Slot of GGTT entry @index in the vGPU's slices, or -1 if not its own. */
static long ggtt_slot(const struct vmed_ggtt *ggtt, u32 index)
{
	u32 base = 0;
	int kind;

	for (kind = 0; kind < VMED_GM_KINDS; kind++) {
		if (index >= ggtt->first[kind] &&
		    index - ggtt->first[kind] < ggtt->count[kind])
			return base + index - ggtt->first[kind];
		base += ggtt->count[kind];
	}
	return -1;
}

static u32 ggtt_index(const struct vmed_ggtt *ggtt, u32 slot)
{
	return slot < ggtt->count[0] ? ggtt->first[0] + slot :
	       ggtt->first[1] + slot - ggtt->count[0];
}

static void ggtt_set_host(struct vmed_vgpu *vgpu, u32 index, u64 pte)
{
	struct vmed_device *dev = vgpu->dev;

	dev->ggtt_host[index] = pte;
	if (dev->vendor->ops->ggtt_update)
		vmed_vendor_ggtt_update(vgpu, index, pte);
}

static u64 ggtt_scratch_pte_of(struct vmed_vgpu *vgpu, dma_addr_t scratch,
			       bool present)
{
	const struct vmed_pte_format *fmt = ggtt_fmt(vgpu);
	u64 pte = 0;

	/* Scratch pages were checked to be encodable when allocated. */
	vmed_pte_encode(fmt, scratch, &pte);
	return present ? pte | fmt->present_mask : pte;
}

/* The vGPU's own scratch page, never shared with another vGPU. */
static u64 ggtt_scratch_pte(struct vmed_vgpu *vgpu, bool present)
{
	return ggtt_scratch_pte_of(vgpu, vgpu->scratch_dma, present);
}

/* Drop the frame reference a host entry holds. */
static void ggtt_put_pte(struct vmed_vgpu *vgpu, u64 pte)
{
	WARN_ON_ONCE(vmed_dma_put_addr(vgpu, vmed_pte_addr(ggtt_fmt(vgpu), pte)));
}

/*
 * Shadow a complete guest entry into the host GGTT. The old host entry tells
 * which frame to release: the guest's copy may already hold half of the new
 * value.
 */
static void ggtt_shadow(struct vmed_vgpu *vgpu, u32 slot, u64 entry)
{
	const struct vmed_pte_format *fmt = ggtt_fmt(vgpu);
	u32 index = ggtt_index(&vgpu->ggtt, slot);
	bool was_mapped = __test_and_clear_bit(slot, vgpu->ggtt.mapped);
	u64 old_pte = vgpu->dev->ggtt_host[index];
	bool mapped = false;
	u64 gfn, pte;
	dma_addr_t dma;

	if (!vmed_pte_present(fmt, entry)) {
		pte = ggtt_scratch_pte(vgpu, false);
		goto install;
	}
	gfn = vmed_pte_addr(fmt, entry) >> PAGE_SHIFT;
	if (vmed_dma_map_one(vgpu, gfn, &dma) || dma == DMA_MAPPING_ERROR) {
		vgpu->stats.ggtt_scratch++;
		pte = ggtt_scratch_pte(vgpu, true);
		goto install;
	}
	if (!vmed_pte_encode(fmt, dma, &pte)) {
		/* The device cannot address the frame: use scratch. */
		vmed_dma_put(vgpu, gfn);
		vgpu->stats.ggtt_scratch++;
		pte = ggtt_scratch_pte(vgpu, true);
		goto install;
	}
	pte |= fmt->present_mask | (entry & (fmt->writable_mask | fmt->keep_mask));
	__set_bit(slot, vgpu->ggtt.mapped);
	mapped = true;
install:
	ggtt_set_host(vgpu, index, pte);
	trace_vmed_ggtt_update(vgpu, index, entry, pte, mapped);
	if (was_mapped)
		ggtt_put_pte(vgpu, old_pte);
	vmed_dma_flush(vgpu);
}

/**
 * vmed_ggtt_write() - guest write to the GGTT range of the register BAR
 * @vgpu: the vGPU; its lock held
 * @offset: offset from the start of the GGTT
 * @buf: the data, little endian
 * @len: 1, 2, 4 or 8, with @offset aligned to it; sub-dword accesses are
 *	refused
 *
 * Return: 0 (also for writes outside the vGPU's slices, which are ignored),
 * or -EINVAL for sub-dword or unaligned accesses.
 */
int vmed_ggtt_write(struct vmed_vgpu *vgpu, u64 offset, const void *buf,
		    unsigned int len)
{
	const struct vmed_pte_format *fmt = ggtt_fmt(vgpu);
	struct vmed_ggtt *ggtt = &vgpu->ggtt;
	unsigned int esz = fmt->entry_size, done;
	/* Entries are 4 or 8 bytes (vmed_format_check()): shifts, not divisions. */
	unsigned int esz_shift = esz == 8 ? 3 : 2;
	u64 entry;
	long slot;

	if (len < 4 || offset & (len - 1))
		return -EINVAL;
	if (!vgpu->hv)
		return 0;
	for (done = 0; done < len; done += min(esz, len)) {
		u64 pos = offset + done;
		unsigned int half = (pos & (esz - 1)) >> 2;

		vgpu->stats.ggtt_writes++;
		slot = ggtt_slot(ggtt, pos >> esz_shift);
		if (slot < 0) {
			vgpu->stats.ggtt_ignored++;
			continue;
		}
		if (esz == 4) {
			entry = get_unaligned_le32(buf + done);
		} else if (len == 8) {
			entry = get_unaligned_le64(buf);
		} else {
			/* One 32-bit half of an 8-byte entry. */
			entry = ggtt->guest[slot] &
				~GENMASK_ULL(32 * half + 31, 32 * half);
			entry |= (u64)get_unaligned_le32(buf) << (32 * half);
			ggtt->guest[slot] = entry;
			__set_bit(2 * slot + half, ggtt->halves);
			if (!test_bit(2 * slot + !half, ggtt->halves))
				continue;
		}
		__clear_bit(2 * slot, ggtt->halves);
		__clear_bit(2 * slot + 1, ggtt->halves);
		ggtt->guest[slot] = entry;
		ggtt_shadow(vgpu, slot, entry);
	}
	return 0;
}

/**
 * vmed_ggtt_invalidate() - point entries for a withdrawn range at scratch
 * @vgpu: the vGPU; its lock held
 * @gfn: first frame
 * @nr: number of frames
 *
 * The guest's values are kept: the guest still believes in them, and a
 * later write of the entry shadows it afresh.
 */
void vmed_ggtt_invalidate(struct vmed_vgpu *vgpu, u64 gfn, u64 nr)
{
	const struct vmed_pte_format *fmt = ggtt_fmt(vgpu);
	struct vmed_ggtt *ggtt = &vgpu->ggtt;
	unsigned long slot;
	u32 index;
	u64 frame;

	for_each_set_bit(slot, ggtt->mapped, ggtt->nr_slots) {
		index = ggtt_index(ggtt, slot);
		if (vmed_dma_to_gfn(vgpu, vmed_pte_addr(fmt,
							vgpu->dev->ggtt_host[index]),
				    &frame) || frame - gfn >= nr)
			continue;
		__clear_bit(slot, ggtt->mapped);
		ggtt_set_host(vgpu, index, ggtt_scratch_pte(vgpu, true));
		vmed_dma_put(vgpu, frame);
	}
}

/**
 * vmed_ggtt_summary() - count the vGPU's GGTT entries, for debugfs
 * @vgpu: the vGPU; its lock held
 * @mapped: out: entries pointing at a guest frame
 * @scratch: out: entries the guest made present that point at the scratch
 *	page (frame not guest memory, or not addressable by the device)
 */
void vmed_ggtt_summary(struct vmed_vgpu *vgpu, u32 *mapped, u32 *scratch)
{
	const struct vmed_pte_format *fmt = ggtt_fmt(vgpu);
	const struct vmed_ggtt *ggtt = &vgpu->ggtt;
	u32 slot;

	lockdep_assert_held(&vgpu->lock);
	*mapped = bitmap_weight(ggtt->mapped, ggtt->nr_slots);
	*scratch = 0;
	for (slot = 0; slot < ggtt->nr_slots; slot++)
		if (!test_bit(slot, ggtt->mapped) &&
		    vmed_pte_present(fmt, vgpu->dev->ggtt_host[ggtt_index(ggtt, slot)]))
			(*scratch)++;
}

static void ggtt_clear_to(struct vmed_vgpu *vgpu, dma_addr_t scratch_dma)
{
	struct vmed_device *dev = vgpu->dev;
	bool update = dev->vendor->ops->ggtt_update;
	struct vmed_ggtt *ggtt = &vgpu->ggtt;
	u64 scratch = ggtt_scratch_pte_of(vgpu, scratch_dma, false);
	unsigned long slot;
	u32 index, end;
	int kind;

	lockdep_assert_held(&vgpu->lock);
	/* Entries holding a frame: scratch first, then the frame released. */
	for_each_set_bit(slot, ggtt->mapped, ggtt->nr_slots) {
		u64 old_pte;

		index = ggtt_index(ggtt, slot);
		old_pte = dev->ggtt_host[index];
		ggtt_set_host(vgpu, index, scratch);
		ggtt_put_pte(vgpu, old_pte);
	}
	bitmap_zero(ggtt->mapped, ggtt->nr_slots);
	/* Then every entry of the slices, without per-slot lookups. */
	for (kind = 0; kind < VMED_GM_KINDS; kind++) {
		end = ggtt->first[kind] + ggtt->count[kind];
		for (index = ggtt->first[kind]; index < end; index++)
			dev->ggtt_host[index] = scratch;
		for (index = ggtt->first[kind]; update && index < end; index++)
			vmed_vendor_ggtt_update(vgpu, index, scratch);
	}
	memset(ggtt->guest, 0, ggtt->nr_slots * sizeof(*ggtt->guest));
	bitmap_zero(ggtt->halves, 2 * ggtt->nr_slots);
	if (vgpu->hv)
		vmed_dma_flush(vgpu);
}

/**
 * vmed_ggtt_clear() - forget every guest entry and release every frame
 * @vgpu: the vGPU; its lock held
 *
 * For reset and detach; leaves the slices pointing at scratch, not present.
 */
void vmed_ggtt_clear(struct vmed_vgpu *vgpu)
{
	ggtt_clear_to(vgpu, vgpu->scratch_dma);
}

/**
 * vmed_ggtt_release() - vmed_ggtt_clear() for good: the vGPU's slices
 *	point at the device's scratch page, as entries of no vGPU do
 * @vgpu: the vGPU, about to go with its own scratch page; its lock held
 */
void vmed_ggtt_release(struct vmed_vgpu *vgpu)
{
	ggtt_clear_to(vgpu, vgpu->dev->scratch_dma);
}

/**
 * vmed_ggtt_init() - set up the vGPU's view of its GGTT slices
 * @vgpu: the vGPU; its graphics memory slices assigned, its lock not held
 *
 * Return: 0 or -ENOMEM.
 */
int vmed_ggtt_init(struct vmed_vgpu *vgpu)
{
	struct vmed_ggtt *ggtt = &vgpu->ggtt;
	unsigned int shift = ggtt_fmt(vgpu)->level[0].shift;
	int kind;

	ggtt->nr_slots = 0;
	for (kind = 0; kind < VMED_GM_KINDS; kind++) {
		ggtt->first[kind] = vgpu->gm_base[kind] >> shift;
		ggtt->count[kind] = vgpu->gm_size[kind] >> shift;
		ggtt->nr_slots += ggtt->count[kind];
	}
	ggtt->guest = kvcalloc(ggtt->nr_slots, sizeof(u64), GFP_KERNEL_ACCOUNT);
	ggtt->halves = bitmap_zalloc(2 * ggtt->nr_slots, GFP_KERNEL_ACCOUNT);
	ggtt->mapped = bitmap_zalloc(ggtt->nr_slots, GFP_KERNEL_ACCOUNT);
	if (!ggtt->guest || !ggtt->halves || !ggtt->mapped) {
		vmed_ggtt_fini(vgpu);
		return -ENOMEM;
	}
	/*
	 * Nobody else can reach the vGPU yet, but ggtt_update is promised
	 * the lock of the vGPU whose entries it writes.
	 */
	mutex_lock(&vgpu->lock);
	vmed_ggtt_clear(vgpu);
	mutex_unlock(&vgpu->lock);
	return 0;
}

/**
 * vmed_ggtt_fini() - free the GGTT view; vmed_ggtt_clear() ran before
 * @vgpu: the vGPU
 */
void vmed_ggtt_fini(struct vmed_vgpu *vgpu)
{
	kvfree(vgpu->ggtt.guest);
	bitmap_free(vgpu->ggtt.halves);
	bitmap_free(vgpu->ggtt.mapped);
	vgpu->ggtt.guest = NULL;
	vgpu->ggtt.halves = NULL;
	vgpu->ggtt.mapped = NULL;
}

/**
 * vmed_ggtt_read() - guest read of the GGTT range
 * @vgpu: the vGPU; its lock held
 * @offset: offset from the start of the GGTT
 * @buf: out: the data, little endian
 * @len: 1, 2, 4 or 8, with @offset aligned to it; sub-dword accesses are
 *	refused
 *
 * Return: 0, or -EINVAL for sub-dword or unaligned accesses.
 */
int vmed_ggtt_read(struct vmed_vgpu *vgpu, u64 offset, void *buf,
		   unsigned int len)
{
	unsigned int esz = ggtt_fmt(vgpu)->entry_size, done;
	unsigned int esz_shift = esz == 8 ? 3 : 2;
	long slot;

	if (len < 4 || offset & (len - 1))
		return -EINVAL;
	for (done = 0; done < len; done += 4) {
		u64 pos = offset + done;
		u64 entry = 0;

		slot = ggtt_slot(&vgpu->ggtt, pos >> esz_shift);
		if (slot >= 0)
			entry = vgpu->ggtt.guest[slot];
		put_unaligned_le32(entry >> (8 * (pos & (esz - 1))), buf + done);
	}
	return 0;
}
