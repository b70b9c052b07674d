// SPDX-License-Identifier: GPL-2.0
/*
 * PPGTT shadowing: per-process GPU page tables.
 *
 * Data model. A guest page table of level L at guest frame G is shadowed by
 * one struct vmed_spt, found by the key (G, L) in ppgtt.spts. Keying by level
 * as well as frame means a hostile guest that uses one page as tables of two
 * levels gets two independent shadows, and any cycle in the guest's tables
 * ends at level 0. A shadow table is shared by every parent entry (and every
 * mm root) that points at it and counts them in refs.
 *
 * Every entry of a shadow table holds exactly one of:
 *  - nothing (shadow entry 0): the guest entry is not present, or is bad
 *    (frame not guest memory, misaligned huge page): counted in
 *    stats.ppgtt_scratch;
 *  - a child shadow table (child[i]), guest-backed or a "split" table;
 *  - frame references (bit set in mapped): one DMA-cache reference for a
 *    4 KiB leaf, 1 << (shift - 12) for a huge leaf mapped as one.
 * A guest huge page whose frames are not DMA-contiguous is shadowed by a
 * split table: a level-0 shadow table with no guest table behind it, built
 * from the frames of the huge page. A "big" level-0 entry (e.g. 64 KiB) is
 * always split in place: the slots it covers get one 4 KiB shadow entry
 * each, and guest writes to those slots are ignored, as the device ignores
 * them, until the big entry goes; then they are shadowed from guest memory.
 *
 * When shadowed. A tree is shadowed in full when a vendor first asks for it
 * (vmed_ppgtt_get(), typically when the guest announces or submits a
 * context), and kept current afterwards through write tracking: every frame
 * holding a guest-backed shadow table is tracked, and vmed_page_write()
 * updates the entries a guest write touched. Frames are tracked before they
 * are read, so no guest write is missed; the child tables of a table are
 * checked to be guest RAM and tracked with one hypervisor call each for all
 * of them (spt_track_children()). A write that covers whole entries
 * applies at once; a partial write (a 32-bit half) applies when both halves
 * have arrived or at the next vmed_ppgtt_sync(), which runs before every
 * submission. Until then the old translation stays, which is safe: its frame
 * is still referenced. A hypervisor that cannot track writes (no track ops)
 * gets the same result later: vmed_ppgtt_sync() re-reads every shadowed
 * guest table before each submission, so the device never runs on tables
 * older than the submission.
 *
 * Replacing an entry installs the new shadow entry before dropping what the
 * old one held. Frame references and tracking are released in batches
 * (vmed_dma_flush(), ppgtt_flush_untrack()) before an entry point returns.
 *
 * Locking: everything here runs under the vGPU lock.
 *
 * What a hostile guest can do: make the core shadow at most max_spts tables
 * (then its vGPU fails), make entries point at the scratch page or nowhere;
 * it cannot make a shadow entry hold an address other than a shadow table,
 * the scratch page or a frame the hypervisor mapped for this guest.
 */
#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/stringify.h>
#include "internal.h"
#include "ops.h"
#include "trace.h"

#define VMED_SPT_SPLIT		U64_MAX
#define VMED_PT_MAX_ENTRIES	(PAGE_SIZE / 4)
/* Guest frames beyond this are never guest memory; keeps keys in range. */
#define VMED_MAX_GFN		(BIT_ULL(52) - 1)

/**
 * struct vmed_spt - a shadow page table
 * @gfn: guest frame of the table, %VMED_SPT_SPLIT for a split table
 * @level: format level, 0 being the leaf level
 * @refs: parent entries and mm roots pointing here
 * @page: the shadow table the device walks
 * @shadow: its kernel address
 * @dma: its DMA address
 * @child: non-leaf levels: child table per entry
 * @mapped: entries holding frame references
 * @halves: two bits per entry: 32-bit halves written since the entry was
 *	last complete
 * @pending: entries written partially, to be re-read by vmed_ppgtt_sync()
 * @big: level 0: entries heading a big page, shadowed as 4 KiB entries in
 *	the slots the big page covers
 * @covered: level 0: slots covered by a big page; the device ignores the
 *	guest's values there, and so does the shadow
 * @pending_node: link in &vmed_ppgtt.pending while any @pending bit is set
 * @table_node: guest-backed tables: link in &vmed_ppgtt.tables
 * @frames_lo: lowest guest frame any entry (or split child) ever referenced
 * @frames_hi: one past the highest; with @frames_lo a bound that lets an
 *	invalidation skip the table without looking at its entries
 */
struct vmed_spt {
	u64 gfn;
	u64 frames_lo;
	u64 frames_hi;
	u8 level;
	unsigned int refs;
	struct page *page;
	void *shadow;
	dma_addr_t dma;
	struct vmed_spt **child;
	DECLARE_BITMAP(mapped, VMED_PT_MAX_ENTRIES);
	DECLARE_BITMAP(halves, 2 * VMED_PT_MAX_ENTRIES);
	DECLARE_BITMAP(pending, VMED_PT_MAX_ENTRIES);
	DECLARE_BITMAP(big, VMED_PT_MAX_ENTRIES);
	DECLARE_BITMAP(covered, VMED_PT_MAX_ENTRIES);
	struct list_head pending_node;
	struct list_head table_node;
};

/**
 * struct vmed_ppgtt_mm - a shadowed page-table tree (one guest address space)
 * @node: link in &vmed_ppgtt.mms
 * @root_gfn: guest frame of the root table
 * @root: its shadow
 * @refs: vmed_ppgtt_get() calls not yet matched by vmed_ppgtt_put()
 */
struct vmed_ppgtt_mm {
	struct list_head node;
	u64 root_gfn;
	struct vmed_spt *root;
	unsigned int refs;
};

static unsigned int max_shadow_tables = 8192;

/**
 * vmed_max_shadow_tables_set() - set the max_shadow_tables parameter
 * @val: the value written
 * @kp: the parameter
 *
 * Bounded by %VMED_MAX_SHADOW_TABLES: every huge entry of every shadow
 * table may reference the same 2 MiB run, which counts 512 references per
 * entry in 32 bits (core/dma.c), next to the GGTT's references.
 *
 * Return: 0, or -EINVAL for a value outside 1..%VMED_MAX_SHADOW_TABLES.
 */
int vmed_max_shadow_tables_set(const char *val, const struct kernel_param *kp)
{
	return param_set_uint_minmax(val, kp, 1, VMED_MAX_SHADOW_TABLES);
}

static const struct kernel_param_ops max_shadow_tables_ops = {
	.set = vmed_max_shadow_tables_set,
	.get = param_get_uint,
};

module_param_cb(max_shadow_tables, &max_shadow_tables_ops, &max_shadow_tables,
		0644);
MODULE_PARM_DESC(max_shadow_tables,
		 "Shadow page tables one vGPU may use before it is failed (default 8192: 32 MiB of shadow tables; at most "
		 __stringify(VMED_MAX_SHADOW_TABLES) ")");

static const struct vmed_pte_format *ppgtt_fmt(struct vmed_vgpu *vgpu)
{
	return vgpu->ppgtt.fmt;
}

/*
 * An entry pointing at the vGPU's scratch page, with the attribute bits of
 * @flags but never writable: scratch reads as zeroes for the device, and
 * nothing a vGPU writes can be read back, by it or by another.
 */
static u64 spt_scratch_entry(struct vmed_vgpu *vgpu, u64 flags)
{
	const struct vmed_pte_format *fmt = ppgtt_fmt(vgpu);
	u64 pte = 0;

	/* The scratch page was checked to be encodable when allocated. */
	vmed_pte_encode(fmt, vgpu->scratch_dma, &pte);
	return pte | (flags & ~fmt->writable_mask);
}

static unsigned long spt_key(u64 gfn, unsigned int level)
{
	return (unsigned long)gfn << 2 | level;
}

/* A shadow table on @gfn enters or leaves ppgtt.spts. */
static void spts_memo_forget(struct vmed_ppgtt *ppgtt, u64 gfn)
{
	if (ppgtt->written_gfn == gfn)
		ppgtt->written_known = false;
}

static unsigned int spt_entries(const struct vmed_pte_format *fmt)
{
	return PAGE_SIZE / fmt->entry_size;
}

static u64 spt_get_entry(const struct vmed_pte_format *fmt,
			 const struct vmed_spt *spt, unsigned int i)
{
	if (fmt->entry_size == 8)
		return ((u64 *)spt->shadow)[i];
	return ((u32 *)spt->shadow)[i];
}

static void spt_set_entry(const struct vmed_pte_format *fmt,
			  struct vmed_spt *spt, unsigned int i, u64 val)
{
	if (fmt->entry_size == 8)
		WRITE_ONCE(((u64 *)spt->shadow)[i], val);
	else
		WRITE_ONCE(((u32 *)spt->shadow)[i], val);
}

static u64 guest_entry_from(const struct vmed_pte_format *fmt, const void *raw)
{
	return fmt->entry_size == 8 ? *(const u64 *)raw : *(const u32 *)raw;
}

/* Frames a leaf entry of @level maps. */
static unsigned int leaf_frames(const struct vmed_pte_format *fmt,
				unsigned int level)
{
	return 1u << (fmt->level[level].shift - PAGE_SHIFT);
}

static bool entry_is_leaf(const struct vmed_pte_format *fmt,
			  unsigned int level, u64 entry)
{
	return !level || (entry & fmt->level[level].leaf_mask);
}

/* 4 KiB frames a big level-0 page covers; 1 if the format has none. */
static unsigned int big_frames(const struct vmed_pte_format *fmt)
{
	if (!fmt->level[0].big_mask)
		return 1;
	return 1u << (fmt->level[0].big_shift - PAGE_SHIFT);
}

static bool entry_is_big(const struct vmed_pte_format *fmt, unsigned int level,
			 u64 entry)
{
	return !level && (entry & fmt->level[0].big_mask) &&
	       vmed_pte_present(fmt, entry);
}

/*
 * Widen the table's frame bound to cover [@gfn, @gfn + @nr). The bound only
 * grows here; spt_invalidate() tightens it when it scans the table anyway.
 */
static void spt_note_frames(struct vmed_spt *spt, u64 gfn, u64 nr)
{
	spt->frames_lo = min(spt->frames_lo, gfn);
	spt->frames_hi = max(spt->frames_hi, gfn + nr);
}

/* ---- write tracking ---------------------------------------------------- */

static void ppgtt_flush_untrack(struct vmed_vgpu *vgpu)
{
	struct vmed_ppgtt *ppgtt = &vgpu->ppgtt;

	if (!ppgtt->nr_untrack)
		return;
	if (vgpu->hv->track_remove)
		vmed_hv_track_remove(vgpu, ppgtt->untrack, ppgtt->nr_untrack);
	ppgtt->nr_untrack = 0;
}

/*
 * Start tracking @nr frames not tracked yet. They are entered with a count
 * of zero; spt_create() counts the shadow tables on them.
 */
static int ppgtt_track(struct vmed_vgpu *vgpu, const u64 *gfns, unsigned int nr)
{
	struct vmed_ppgtt *ppgtt = &vgpu->ppgtt;
	unsigned int i;
	int ret;

	if (!nr)
		return 0;
	/* A queued untrack of one of these frames must not land after. */
	ppgtt_flush_untrack(vgpu);
	ret = vgpu->hv->track_add ? vmed_hv_track_add(vgpu, gfns, nr) : 0;
	for (i = 0; i < nr; i++) {
		if (ret)
			xa_erase(&ppgtt->tracked, gfns[i]);
		else
			xa_store(&ppgtt->tracked, gfns[i], xa_mk_value(0),
				 GFP_KERNEL_ACCOUNT);
	}
	return ret;
}

/* Reserve a tracked-frame entry so that a batch lists each frame once. */
static int ppgtt_track_reserve(struct vmed_vgpu *vgpu, u64 gfn)
{
	return xa_err(xa_store(&vgpu->ppgtt.tracked, gfn, xa_mk_value(0),
			       GFP_KERNEL_ACCOUNT));
}

static void ppgtt_track_count(struct vmed_vgpu *vgpu, u64 gfn, int delta)
{
	struct vmed_ppgtt *ppgtt = &vgpu->ppgtt;
	unsigned long count = xa_to_value(xa_load(&ppgtt->tracked, gfn)) + delta;

	if (count) {
		/* Replacing an existing entry does not allocate. */
		xa_store(&ppgtt->tracked, gfn, xa_mk_value(count), GFP_NOWAIT);
		return;
	}
	xa_erase(&ppgtt->tracked, gfn);
	/* The hypervisor forgot it already: untracking it again would not. */
	if (xa_erase(&ppgtt->lost, gfn))
		return;
	if (ppgtt->nr_untrack == VMED_DMA_BATCH)
		ppgtt_flush_untrack(vgpu);
	ppgtt->untrack[ppgtt->nr_untrack++] = gfn;
}

/**
 * vmed_track_lost() - the hypervisor stopped tracking guest frames itself
 * @vgpu: the vGPU
 * @gfn: first frame
 * @nr: number of frames
 *
 * For a shim whose hypervisor drops write tracking with the memory (a KVM
 * memslot deleted, perhaps to be created again: PAM or SMRAM toggles, a
 * RAM-backed BAR moved). Shadow tables on those frames stay, but no write
 * to them is reported any more: they are re-read before each submission
 * until they can be tracked again, and the core will not untrack what the
 * hypervisor no longer counts.
 *
 * Context: process context; takes the vGPU lock. Not from the hypervisor
 * op calls (the lock is held there).
 */
void vmed_track_lost(struct vmed_vgpu *vgpu, u64 gfn, u64 nr)
{
	struct vmed_ppgtt *ppgtt = &vgpu->ppgtt;
	unsigned long index = gfn;
	unsigned int i, kept = 0;
	void *entry;

	if (!nr || gfn + nr < gfn)
		return;
	mutex_lock(&vgpu->lock);
	/* A queued untrack of such a frame must not reach the hypervisor. */
	for (i = 0; i < ppgtt->nr_untrack; i++)
		if (ppgtt->untrack[i] < gfn || ppgtt->untrack[i] >= gfn + nr)
			ppgtt->untrack[kept++] = ppgtt->untrack[i];
	ppgtt->nr_untrack = kept;
	xa_for_each_range(&ppgtt->tracked, index, entry, gfn, gfn + nr - 1)
		/* Without memory the frame stays lost: re-read each time. */
		xa_store(&ppgtt->lost, index, xa_mk_value(1), GFP_KERNEL_ACCOUNT);
	mutex_unlock(&vgpu->lock);
}
EXPORT_SYMBOL_NS_GPL(vmed_track_lost, VMED);

/* ---- shadow tables ----------------------------------------------------- */

static int spt_populate(struct vmed_vgpu *vgpu, struct vmed_spt *spt);
static void spt_put(struct vmed_vgpu *vgpu, struct vmed_spt *spt);

static struct vmed_spt *spt_alloc(struct vmed_vgpu *vgpu, u64 gfn,
				  unsigned int level)
{
	struct vmed_device *dev = vgpu->dev;
	struct vmed_spt *spt;

	if (vgpu->ppgtt.nr_spts >= vgpu->ppgtt.max_spts)
		return ERR_PTR(-ENOSPC);
	spt = kzalloc(sizeof(*spt), GFP_KERNEL_ACCOUNT);
	if (!spt)
		return ERR_PTR(-ENOMEM);
	spt->gfn = gfn;
	spt->frames_lo = U64_MAX;
	spt->level = level;
	spt->refs = 1;
	INIT_LIST_HEAD(&spt->pending_node);
	INIT_LIST_HEAD(&spt->table_node);
	spt->page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (level)
		spt->child = kcalloc(spt_entries(ppgtt_fmt(vgpu)),
				     sizeof(*spt->child), GFP_KERNEL_ACCOUNT);
	if (!spt->page || (level && !spt->child))
		goto err;
	spt->shadow = page_address(spt->page);
	spt->dma = dma_map_page(dev->dma_dev, spt->page, 0, PAGE_SIZE,
				DMA_BIDIRECTIONAL);
	if (dma_mapping_error(dev->dma_dev, spt->dma))
		goto err;
	vgpu->ppgtt.nr_spts++;
	return spt;
err:
	if (spt->page)
		__free_page(spt->page);
	kfree(spt->child);
	kfree(spt);
	return ERR_PTR(-ENOMEM);
}

static void spt_free(struct vmed_vgpu *vgpu, struct vmed_spt *spt)
{
	dma_unmap_page(vgpu->dev->dma_dev, spt->dma, PAGE_SIZE,
		       DMA_BIDIRECTIONAL);
	__free_page(spt->page);
	kfree(spt->child);
	kfree(spt);
	vgpu->ppgtt.nr_spts--;
}

/* A huge leaf's frames go back together. */
static noinline void spt_drop_huge(struct vmed_vgpu *vgpu,
				   const struct vmed_spt *spt, u64 old)
{
	const struct vmed_pte_format *fmt = ppgtt_fmt(vgpu);
	u64 gfn;

	if (WARN_ON_ONCE(vmed_dma_to_gfn(vgpu, vmed_pte_addr(fmt, old), &gfn)))
		return;
	vmed_dma_put_range(vgpu, gfn, leaf_frames(fmt, spt->level));
}

/* Release what an old shadow entry held; the new one is already in place. */
static __always_inline void spt_drop(struct vmed_vgpu *vgpu,
				     const struct vmed_spt *spt, u64 old,
				     struct vmed_spt *old_child,
				     bool old_mapped)
{
	if (old_child)
		spt_put(vgpu, old_child);
	if (!old_mapped)
		return;
	/* A 4 KiB leaf: the entry is found by its address alone. */
	if (!spt->level) {
		WARN_ON_ONCE(vmed_dma_put_addr(vgpu,
					       vmed_pte_addr(ppgtt_fmt(vgpu), old)));
		return;
	}
	spt_drop_huge(vgpu, spt, old);
}

static u64 leaf_flags(const struct vmed_pte_format *fmt, u64 entry)
{
	return fmt->present_mask | (entry & (fmt->writable_mask | fmt->keep_mask));
}

/*
 * Shadow a huge guest page: as one entry if its frames are DMA-contiguous
 * and aligned, else through a split table. Returns 0 or a fatal errno.
 */
static int spt_shadow_huge(struct vmed_vgpu *vgpu, struct vmed_spt *spt,
			   unsigned int i, u64 entry, u64 gfn0)
{
	const struct vmed_pte_format *fmt = ppgtt_fmt(vgpu);
	unsigned int k, frames = leaf_frames(fmt, spt->level);
	u64 leaf_mask = fmt->level[spt->level].leaf_mask;
	u64 *gfns, pte, flags = leaf_flags(fmt, entry) & ~leaf_mask;
	struct vmed_spt *split;
	dma_addr_t *dma;
	bool contiguous;
	int ret = 0;

	/* 2 MiB pages, the common huge page, need no allocation here. */
	if (frames <= VMED_DMA_BATCH) {
		gfns = vgpu->ppgtt.run_gfn;
		dma = vgpu->ppgtt.run_dma;
	} else {
		gfns = kmalloc_array(frames, sizeof(*gfns), GFP_KERNEL);
		dma = kmalloc_array(frames, sizeof(*dma), GFP_KERNEL);
		if (!gfns || !dma) {
			ret = -ENOMEM;
			goto out;
		}
	}
	for (k = 0; k < frames; k++)
		gfns[k] = gfn0 + k;
	ret = vmed_dma_map_range(vgpu, gfns, frames, dma);
	if (ret)
		goto out;

	contiguous = IS_ALIGNED(dma[0], (u64)frames << PAGE_SHIFT);
	for (k = 0; contiguous && k < frames; k++)
		contiguous = dma[k] == dma[0] + ((u64)k << PAGE_SHIFT);
	if (contiguous && vmed_pte_encode(fmt, dma[0], &pte)) {
		spt_set_entry(fmt, spt, i, pte | flags | leaf_mask);
		__set_bit(i, spt->mapped);
		spt_note_frames(spt, gfn0, frames);
		goto out;
	}
	if (contiguous) {
		/*
		 * The device cannot address the run, so no frame of it: the
		 * references go back as they were taken, for the whole run.
		 */
		vmed_dma_put_range(vgpu, gfn0, frames);
		for (k = 0; k < frames; k++)
			dma[k] = DMA_MAPPING_ERROR;
	}

	split = spt_alloc(vgpu, VMED_SPT_SPLIT, 0);
	if (IS_ERR(split)) {
		ret = PTR_ERR(split);
		for (k = 0; k < frames; k++)
			if (dma[k] != DMA_MAPPING_ERROR)
				vmed_dma_put(vgpu, gfns[k]);
		goto out;
	}
	/* Invalidations reach split tables through their parent. */
	spt_note_frames(spt, gfn0, frames);
	for (k = 0; k < frames; k++) {
		if (dma[k] == DMA_MAPPING_ERROR ||
		    !vmed_pte_encode(fmt, dma[k], &pte)) {
			if (dma[k] != DMA_MAPPING_ERROR)
				vmed_dma_put(vgpu, gfns[k]);
			pte = spt_scratch_entry(vgpu, flags);
			vgpu->stats.ppgtt_scratch++;
		} else {
			__set_bit(k, split->mapped);
			spt_note_frames(split, gfns[k], 1);
			pte |= flags;
		}
		spt_set_entry(fmt, split, k, pte);
	}
	vmed_pte_encode(fmt, split->dma, &pte);
	spt->child[i] = split;
	spt_set_entry(fmt, spt, i, pte | flags);
out:
	if (gfns != vgpu->ppgtt.run_gfn) {
		kfree(gfns);
		kfree(dma);
	}
	return ret;
}

static struct vmed_spt *spt_get(struct vmed_vgpu *vgpu, u64 gfn,
				unsigned int level);

/*
 * Shadow a big level-0 entry at @i as one 4 KiB entry per covered slot; the
 * slots hold nothing on entry. A misaligned big entry is bad and left empty.
 * Returns 0 or a fatal errno.
 */
static int spt_shadow_big(struct vmed_vgpu *vgpu, struct vmed_spt *spt,
			  unsigned int i, u64 entry)
{
	const struct vmed_pte_format *fmt = ppgtt_fmt(vgpu);
	unsigned int k, n = big_frames(fmt);
	u64 gfn = vmed_pte_addr(fmt, entry) >> PAGE_SHIFT;
	u64 flags = leaf_flags(fmt, entry) & ~fmt->level[0].big_mask;
	u64 gfns[VMED_MAX_BIG_FRAMES], pte;
	dma_addr_t dma[VMED_MAX_BIG_FRAMES];
	int ret;

	if (!IS_ALIGNED(i, n) || !IS_ALIGNED(gfn, n)) {
		vgpu->stats.ppgtt_scratch++;
		return 0;
	}
	for (k = 0; k < n; k++)
		gfns[k] = gfn + k;
	ret = vmed_dma_map(vgpu, gfns, n, dma);
	if (ret)
		return ret;
	for (k = 0; k < n; k++) {
		if (dma[k] != DMA_MAPPING_ERROR &&
		    vmed_pte_encode(fmt, dma[k], &pte)) {
			__set_bit(i + k, spt->mapped);
			spt_note_frames(spt, gfn + k, 1);
			pte |= flags;
		} else {
			if (dma[k] != DMA_MAPPING_ERROR)
				vmed_dma_put(vgpu, gfns[k]);
			pte = spt_scratch_entry(vgpu, flags);
			vgpu->stats.ppgtt_scratch++;
		}
		spt_set_entry(fmt, spt, i + k, pte);
		if (k)
			__set_bit(i + k, spt->covered);
	}
	__set_bit(i, spt->big);
	return 0;
}

/*
 * Build shadow entry @i of @spt from guest entry @entry. The slot holds
 * nothing on entry. Returns 0 (also when the entry was bad and left empty)
 * or a fatal errno (-ENOMEM, -ENOSPC, or the hypervisor's failed map call).
 */
static int spt_shadow_entry(struct vmed_vgpu *vgpu, struct vmed_spt *spt,
			    unsigned int i, u64 entry)
{
	const struct vmed_pte_format *fmt = ppgtt_fmt(vgpu);
	u64 gfn = vmed_pte_addr(fmt, entry) >> PAGE_SHIFT;
	struct vmed_spt *child;
	dma_addr_t dma;
	u64 pte;
	int ret;

	spt_set_entry(fmt, spt, i, 0);
	if (!vmed_pte_present(fmt, entry))
		return 0;
	if (entry_is_big(fmt, spt->level, entry))
		return spt_shadow_big(vgpu, spt, i, entry);

	if (entry_is_leaf(fmt, spt->level, entry)) {
		if (spt->level) {
			if (!IS_ALIGNED(gfn, leaf_frames(fmt, spt->level)))
				goto bad;
			return spt_shadow_huge(vgpu, spt, i, entry, gfn);
		}
		ret = vmed_dma_map_one(vgpu, gfn, &dma);
		if (ret)
			return ret;
		if (dma == DMA_MAPPING_ERROR)
			goto scratch;
		if (!vmed_pte_encode(fmt, dma, &pte)) {
			vmed_dma_put(vgpu, gfn);
			goto scratch;
		}
		spt_set_entry(fmt, spt, i, pte | leaf_flags(fmt, entry));
		__set_bit(i, spt->mapped);
		spt_note_frames(spt, gfn, 1);
		return 0;
	}

	child = spt_get(vgpu, gfn, spt->level - 1);
	if (IS_ERR(child)) {
		ret = PTR_ERR(child);
		/* A bad or unreadable guest frame is the guest's business. */
		if (ret != -EINVAL && ret != -EFAULT)
			return ret;
		goto bad;
	}
	vmed_pte_encode(fmt, child->dma, &pte);
	spt->child[i] = child;
	spt_set_entry(fmt, spt, i, pte | leaf_flags(fmt, entry));
	return 0;

scratch:
	spt_set_entry(fmt, spt, i, spt_scratch_entry(vgpu,
						     leaf_flags(fmt, entry)));
bad:
	vgpu->stats.ppgtt_scratch++;
	return 0;
}

/* After a big entry went: shadow the slots it covered from the guest. */
static int spt_reshadow_slots(struct vmed_vgpu *vgpu, struct vmed_spt *spt,
			      unsigned int first, unsigned int nr)
{
	const struct vmed_pte_format *fmt = ppgtt_fmt(vgpu);
	u64 raw[VMED_MAX_BIG_FRAMES] = {};
	unsigned int k;
	int ret = 0;

	if (vmed_hv_read_gpa(vgpu, (spt->gfn << PAGE_SHIFT) +
			     first * fmt->entry_size, raw,
			     nr * fmt->entry_size))
		memset(raw, 0, sizeof(raw));	/* table gone: unmap */
	for (k = 0; !ret && k < nr; k++)
		ret = spt_shadow_entry(vgpu, spt, first + k,
				       guest_entry_from(fmt, (u8 *)raw +
							k * fmt->entry_size));
	return ret;
}

/*
 * Replace shadow entry @i for a new guest value. When a big level-0 entry
 * comes or goes, the slots it covers are replaced with it.
 */
static int spt_update_entry(struct vmed_vgpu *vgpu, struct vmed_spt *spt,
			    unsigned int i, u64 entry)
{
	const struct vmed_pte_format *fmt = ppgtt_fmt(vgpu);
	unsigned int k, span = 1, n = big_frames(fmt);
	u64 old[VMED_MAX_BIG_FRAMES];
	bool old_mapped[VMED_MAX_BIG_FRAMES];
	struct vmed_spt *old_child = spt->child ? spt->child[i] : NULL;
	int ret;

	/* The device ignores slots under a big page; so do we. */
	if (test_bit(i, spt->covered))
		return 0;
	if (n > 1 && IS_ALIGNED(i, n) &&
	    (test_bit(i, spt->big) || entry_is_big(fmt, spt->level, entry)))
		span = n;
	for (k = 0; k < span; k++) {
		old[k] = spt_get_entry(fmt, spt, i + k);
		old_mapped[k] = __test_and_clear_bit(i + k, spt->mapped);
		if (k)
			__clear_bit(i + k, spt->covered);
	}
	__clear_bit(i, spt->big);
	if (old_child)
		spt->child[i] = NULL;

	ret = spt_shadow_entry(vgpu, spt, i, entry);
	if (!ret && span > 1 && !test_bit(i, spt->big))
		ret = spt_reshadow_slots(vgpu, spt, i + 1, span - 1);
	for (k = 0; k < span; k++)
		spt_drop(vgpu, spt, old[k], k ? NULL : old_child, old_mapped[k]);
	return ret;
}

/* Entry @i points at a frame that cannot hold a table: it points nowhere. */
static void spt_refuse_entry(struct vmed_vgpu *vgpu, struct vmed_spt *spt,
			     unsigned int i)
{
	spt_set_entry(ppgtt_fmt(vgpu), spt, i, 0);
	vgpu->stats.ppgtt_scratch++;
}

/*
 * Ask the hypervisor in one call which of the @nr frames collected in
 * ppgtt.track, for the entries marked in @asked within [@first, @end), are
 * guest RAM. Entries whose frame is not are refused; the other frames are
 * reserved and tracked, each once.
 */
static int spt_track_batch(struct vmed_vgpu *vgpu, struct vmed_spt *spt,
			   const unsigned long *asked, unsigned int first,
			   unsigned int end, unsigned int nr)
{
	DECLARE_BITMAP(ram, VMED_DMA_BATCH);
	u64 *gfns = vgpu->ppgtt.track;
	unsigned int i, k = 0, m = 0;
	int ret;

	ret = vmed_hv_is_guest_memory(vgpu, gfns, nr, ram);
	if (ret)
		return ret;
	/* The frames to track are compacted in place: m never passes k. */
	for (i = first; i < end; i++) {
		u64 gfn;

		if (!test_bit(i, asked))
			continue;
		gfn = gfns[k];
		if (!test_bit(k++, ram)) {
			spt_refuse_entry(vgpu, spt, i);
			continue;
		}
		/* Listed twice: reserved already. */
		if (xa_load(&vgpu->ppgtt.tracked, gfn))
			continue;
		ret = ppgtt_track_reserve(vgpu, gfn);
		if (ret)
			goto err;
		gfns[m++] = gfn;
	}
	return ppgtt_track(vgpu, gfns, m);
err:
	while (m--)
		xa_erase(&vgpu->ppgtt.tracked, gfns[m]);
	return ret;
}

/*
 * Before any child table of @spt is read, find the frames its entries point
 * at as next-level tables that no shadow table covers yet, and check and
 * track them in batches: a table of up to %VMED_DMA_BATCH entries costs one
 * call of each kind. Entries whose frame cannot hold a table are refused
 * here, so shadowing them later asks the hypervisor nothing.
 */
static int spt_track_children(struct vmed_vgpu *vgpu, struct vmed_spt *spt)
{
	const struct vmed_pte_format *fmt = ppgtt_fmt(vgpu);
	unsigned int i, first = 0, nr = 0, n = spt_entries(fmt);
	DECLARE_BITMAP(asked, VMED_PT_MAX_ENTRIES);
	int ret;

	if (!spt->level)
		return 0;
	bitmap_zero(asked, n);
	for (i = 0; i < n; i++) {
		u64 entry = spt_get_entry(fmt, spt, i);
		u64 gfn = vmed_pte_addr(fmt, entry) >> PAGE_SHIFT;

		if (!vmed_pte_present(fmt, entry) ||
		    entry_is_leaf(fmt, spt->level, entry) ||
		    xa_load(&vgpu->ppgtt.tracked, gfn))
			continue;
		if (gfn > VMED_MAX_GFN) {
			spt_refuse_entry(vgpu, spt, i);
			continue;
		}
		__set_bit(i, asked);
		vgpu->ppgtt.track[nr++] = gfn;
		if (nr < VMED_DMA_BATCH)
			continue;
		ret = spt_track_batch(vgpu, spt, asked, first, i + 1, nr);
		if (ret)
			return ret;
		first = i + 1;
		nr = 0;
	}
	return nr ? spt_track_batch(vgpu, spt, asked, first, n, nr) : 0;
}

/*
 * Map the frames of every present entry of a leaf table with one batched
 * vmed_dma_map() (one hypervisor call for all misses), then build the
 * entries from the results.
 */
static int spt_populate_leaves(struct vmed_vgpu *vgpu, struct vmed_spt *spt)
{
	const struct vmed_pte_format *fmt = ppgtt_fmt(vgpu);
	unsigned int i, nr = 0, n = spt_entries(fmt);
	dma_addr_t *dma;
	u64 *gfns, pte;
	int ret;

	gfns = kmalloc_array(n, sizeof(*gfns), GFP_KERNEL);
	dma = kmalloc_array(n, sizeof(*dma), GFP_KERNEL);
	if (!gfns || !dma) {
		/* Never leave guest values where the device looks. */
		memset(spt->shadow, 0, PAGE_SIZE);
		ret = -ENOMEM;
		goto out;
	}
	/* Big pages and the slots they cover are shadowed after the batch. */
	for (i = 0; i < n; i++) {
		u64 entry = spt_get_entry(fmt, spt, i);

		if (entry_is_big(fmt, 0, entry) && IS_ALIGNED(i, big_frames(fmt))) {
			bitmap_set(spt->covered, i + 1, big_frames(fmt) - 1);
			__set_bit(i, spt->big);
			i += big_frames(fmt) - 1;
			continue;
		}
		if (vmed_pte_present(fmt, entry) && !entry_is_big(fmt, 0, entry))
			gfns[nr++] = vmed_pte_addr(fmt, entry) >> PAGE_SHIFT;
	}
	ret = vmed_dma_map(vgpu, gfns, nr, dma);
	for (i = 0, nr = 0; i < n; i++) {
		u64 entry = spt_get_entry(fmt, spt, i);

		if (test_bit(i, spt->big) || test_bit(i, spt->covered))
			continue;
		if (ret || !vmed_pte_present(fmt, entry) ||
		    entry_is_big(fmt, 0, entry)) {
			/* Misaligned big entries are bad. */
			if (!ret && vmed_pte_present(fmt, entry))
				vgpu->stats.ppgtt_scratch++;
			spt_set_entry(fmt, spt, i, 0);
			continue;
		}
		if (dma[nr] != DMA_MAPPING_ERROR &&
		    vmed_pte_encode(fmt, dma[nr], &pte)) {
			__set_bit(i, spt->mapped);
			spt_note_frames(spt, gfns[nr], 1);
			pte |= leaf_flags(fmt, entry);
		} else {
			if (dma[nr] != DMA_MAPPING_ERROR)
				vmed_dma_put(vgpu, gfns[nr]);
			pte = spt_scratch_entry(vgpu, leaf_flags(fmt, entry));
			vgpu->stats.ppgtt_scratch++;
		}
		spt_set_entry(fmt, spt, i, pte);
		nr++;
	}
	for_each_set_bit(i, spt->big, n) {
		u64 entry = spt_get_entry(fmt, spt, i);

		/* Never leave the guest's values in the covered slots. */
		__clear_bit(i, spt->big);
		bitmap_clear(spt->covered, i + 1, big_frames(fmt) - 1);
		memset(spt->shadow + i * fmt->entry_size, 0,
		       big_frames(fmt) * fmt->entry_size);
		if (!ret)
			ret = spt_shadow_big(vgpu, spt, i, entry);
	}
out:
	kfree(gfns);
	kfree(dma);
	return ret;
}

/* Convert a table holding the guest's entries into its shadow, in place. */
static int spt_populate(struct vmed_vgpu *vgpu, struct vmed_spt *spt)
{
	const struct vmed_pte_format *fmt = ppgtt_fmt(vgpu);
	unsigned int i, n = spt_entries(fmt);
	int ret;

	if (!spt->level)
		return spt_populate_leaves(vgpu, spt);
	ret = spt_track_children(vgpu, spt);
	for (i = 0; i < n; i++) {
		u64 entry = spt_get_entry(fmt, spt, i);

		if (ret)
			spt_set_entry(fmt, spt, i, 0);
		else
			ret = spt_shadow_entry(vgpu, spt, i, entry);
	}
	return ret;
}

/*
 * Create the shadow of guest table (@gfn, @level); the frame is tracked
 * (counted or reserved) already.
 */
static struct vmed_spt *spt_create(struct vmed_vgpu *vgpu, u64 gfn,
				   unsigned int level)
{
	struct vmed_spt *spt;
	int ret;

	spt = spt_alloc(vgpu, gfn, level);
	if (IS_ERR(spt))
		return spt;
	ret = vmed_hv_read_gpa(vgpu, gfn << PAGE_SHIFT, spt->shadow,
			       PAGE_SIZE);
	if (ret) {
		spt_free(vgpu, spt);
		return ERR_PTR(-EFAULT);
	}
	spts_memo_forget(&vgpu->ppgtt, gfn);
	ret = xa_err(xa_store(&vgpu->ppgtt.spts, spt_key(gfn, level), spt,
			      GFP_KERNEL_ACCOUNT));
	if (ret) {
		spt_free(vgpu, spt);
		return ERR_PTR(ret);
	}
	list_add_tail(&spt->table_node, &vgpu->ppgtt.tables);
	ppgtt_track_count(vgpu, gfn, 1);
	vgpu->stats.shadowed_tables++;
	trace_vmed_ppgtt_shadow(vgpu, gfn, level, vgpu->ppgtt.nr_spts);
	ret = spt_populate(vgpu, spt);
	if (ret) {
		spt_put(vgpu, spt);
		return ERR_PTR(ret);
	}
	return spt;
}

/* Find or create the shadow of guest table (@gfn, @level), with a reference. */
static struct vmed_spt *spt_get(struct vmed_vgpu *vgpu, u64 gfn,
				unsigned int level)
{
	struct vmed_spt *spt;

	spt = xa_load(&vgpu->ppgtt.spts, spt_key(gfn, level));
	if (spt) {
		spt->refs++;
		return spt;
	}
	if (!xa_load(&vgpu->ppgtt.tracked, gfn)) {
		DECLARE_BITMAP(ram, 1);
		int err;

		if (gfn > VMED_MAX_GFN)
			return ERR_PTR(-EINVAL);
		err = vmed_hv_is_guest_memory(vgpu, &gfn, 1, ram);
		if (!err && !test_bit(0, ram))
			return ERR_PTR(-EINVAL);
		if (!err)
			err = ppgtt_track_reserve(vgpu, gfn) ?:
			      ppgtt_track(vgpu, &gfn, 1);
		if (err)
			return ERR_PTR(err == -ENOMEM ? err : -EINVAL);
	}
	spt = spt_create(vgpu, gfn, level);
	if (IS_ERR(spt)) {
		void *count = xa_load(&vgpu->ppgtt.tracked, gfn);

		/* Tracked, but no table on the frame after all: untrack it. */
		if (count && !xa_to_value(count))
			ppgtt_track_count(vgpu, gfn, 0);
	}
	return spt;
}

/* The last reference went: drop the table's entries and the table. */
static void spt_release(struct vmed_vgpu *vgpu, struct vmed_spt *spt)
{
	const struct vmed_pte_format *fmt = ppgtt_fmt(vgpu);
	unsigned int i;

	for (i = 0; i < spt_entries(fmt); i++) {
		struct vmed_spt *child = spt->child ? spt->child[i] : NULL;

		spt_drop(vgpu, spt, spt_get_entry(fmt, spt, i), child,
			 test_bit(i, spt->mapped));
	}
	if (spt->gfn != VMED_SPT_SPLIT) {
		spts_memo_forget(&vgpu->ppgtt, spt->gfn);
		xa_erase(&vgpu->ppgtt.spts, spt_key(spt->gfn, spt->level));
		list_del(&spt->table_node);
		ppgtt_track_count(vgpu, spt->gfn, -1);
	}
	list_del(&spt->pending_node);
	spt_free(vgpu, spt);
}

static void spt_put(struct vmed_vgpu *vgpu, struct vmed_spt *spt)
{
	if (!--spt->refs)
		spt_release(vgpu, spt);
}

/* ---- entry points ------------------------------------------------------ */

static void ppgtt_flush(struct vmed_vgpu *vgpu)
{
	vmed_dma_flush(vgpu);
	ppgtt_flush_untrack(vgpu);
}

static void ppgtt_fatal(struct vmed_vgpu *vgpu, int err)
{
	if (err == -ENOSPC)
		vmed_vgpu_fail(vgpu, "guest page tables exceed the shadow table limit");
	else if (err == -ENOMEM)
		vmed_vgpu_fail(vgpu, "out of memory shadowing guest page tables");
	else
		vmed_vgpu_fail(vgpu, "hypervisor could not map guest memory for shadowing");
}

/**
 * vmed_ppgtt_get() - shadow the page-table tree rooted at @root_gpa
 * @vgpu: the vGPU; its lock held (vendors call this from register handlers)
 * @root_gpa: guest physical address of the root table, page aligned
 *
 * Shadows the whole tree on first use and takes a reference on it.
 *
 * Return: the tree; ERR_PTR(-EINVAL) for a bad root (not aligned, not guest
 * memory, not trackable), -EFAULT if it cannot be read, -ENODEV if no
 * hypervisor is attached, -EIO if the vGPU failed, -EOPNOTSUPP if the vendor
 * has no PPGTT, or -ENOMEM / -ENOSPC, which also fail the vGPU.
 */
struct vmed_ppgtt_mm *vmed_ppgtt_get(struct vmed_vgpu *vgpu, u64 root_gpa)
{
	const struct vmed_pte_format *fmt = ppgtt_fmt(vgpu);
	u64 gfn = root_gpa >> PAGE_SHIFT;
	struct vmed_ppgtt_mm *mm;
	struct vmed_spt *root;

	lockdep_assert_held(&vgpu->lock);
	if (!fmt->levels)
		return ERR_PTR(-EOPNOTSUPP);
	if (!vgpu->hv)
		return ERR_PTR(-ENODEV);
	if (vgpu->failed)
		return ERR_PTR(-EIO);
	if (!PAGE_ALIGNED(root_gpa))
		return ERR_PTR(-EINVAL);
	list_for_each_entry(mm, &vgpu->ppgtt.mms, node) {
		if (mm->root_gfn == gfn) {
			mm->refs++;
			return mm;
		}
	}
	mm = kzalloc(sizeof(*mm), GFP_KERNEL_ACCOUNT);
	if (!mm) {
		ppgtt_fatal(vgpu, -ENOMEM);
		return ERR_PTR(-ENOMEM);
	}
	root = spt_get(vgpu, gfn, fmt->levels - 1);
	ppgtt_flush(vgpu);
	if (IS_ERR(root)) {
		kfree(mm);
		if (PTR_ERR(root) != -EINVAL && PTR_ERR(root) != -EFAULT)
			ppgtt_fatal(vgpu, PTR_ERR(root));
		return ERR_CAST(root);
	}
	mm->root_gfn = gfn;
	mm->root = root;
	mm->refs = 1;
	list_add(&mm->node, &vgpu->ppgtt.mms);
	return mm;
}
EXPORT_SYMBOL_NS_GPL(vmed_ppgtt_get, VMED);

static void ppgtt_mm_destroy(struct vmed_vgpu *vgpu, struct vmed_ppgtt_mm *mm)
{
	list_del(&mm->node);
	spt_put(vgpu, mm->root);
	kfree(mm);
}

/**
 * vmed_ppgtt_put() - drop a reference taken by vmed_ppgtt_get()
 * @vgpu: the vGPU; its lock held
 * @mm: the tree
 *
 * The last reference tears the shadow down: tables untracked, frames
 * released.
 */
void vmed_ppgtt_put(struct vmed_vgpu *vgpu, struct vmed_ppgtt_mm *mm)
{
	lockdep_assert_held(&vgpu->lock);
	if (--mm->refs)
		return;
	ppgtt_mm_destroy(vgpu, mm);
	ppgtt_flush(vgpu);
}
EXPORT_SYMBOL_NS_GPL(vmed_ppgtt_put, VMED);

/**
 * vmed_ppgtt_root_dma() - DMA address of the shadow root, for the engine
 * @mm: the tree
 *
 * Return: the address the device walks.
 */
dma_addr_t vmed_ppgtt_root_dma(const struct vmed_ppgtt_mm *mm)
{
	return mm->root->dma;
}

/**
 * vmed_ppgtt_translate() - walk the shadow tree as the device would
 * @vgpu: the vGPU; its lock held
 * @mm: the tree
 * @gva: GPU virtual address
 * @dma: out: the DMA address it reaches
 * @writable: out: whether every level grants write access
 *
 * Return: 0, -EFAULT if the address is not mapped or beyond what the
 * tables can address, or -EIO once the vGPU has failed.
 */
int vmed_ppgtt_translate(struct vmed_vgpu *vgpu, struct vmed_ppgtt_mm *mm,
			 u64 gva, dma_addr_t *dma, bool *writable)
{
	const struct vmed_pte_format *fmt = ppgtt_fmt(vgpu);
	struct vmed_spt *spt = mm->root;
	unsigned int root_span;
	bool rw = true;

	lockdep_assert_held(&vgpu->lock);
	if (vgpu->failed)
		return -EIO;
	root_span = fmt->level[fmt->levels - 1].shift +
		    fmt->level[fmt->levels - 1].bits;
	/* No aliasing: bits above what the root resolves must be clear. */
	if (root_span < 64 && gva >> root_span)
		return -EFAULT;
	for (;;) {
		const struct vmed_pt_level *lvl = &fmt->level[spt->level];
		unsigned int i = (gva >> lvl->shift) & (BIT(lvl->bits) - 1);
		u64 entry = spt_get_entry(fmt, spt, i);

		if (!vmed_pte_present(fmt, entry))
			return -EFAULT;
		rw &= (entry & fmt->writable_mask) == fmt->writable_mask;
		if (spt->child && spt->child[i]) {
			spt = spt->child[i];
			continue;
		}
		if (!entry_is_leaf(fmt, spt->level, entry))
			return -EFAULT;
		*dma = vmed_pte_addr(fmt, entry) + (gva & (BIT_ULL(lvl->shift) - 1));
		*writable = rw;
		return 0;
	}
}
EXPORT_SYMBOL_NS_GPL(vmed_ppgtt_translate, VMED);

static void spt_mark_pending(struct vmed_vgpu *vgpu, struct vmed_spt *spt,
			     unsigned int i)
{
	__set_bit(i, spt->pending);
	if (list_empty(&spt->pending_node))
		list_add_tail(&spt->pending_node, &vgpu->ppgtt.pending);
}

static void spt_clear_pending(struct vmed_spt *spt, unsigned int i)
{
	__clear_bit(i, spt->pending);
	__clear_bit(2 * i, spt->halves);
	__clear_bit(2 * i + 1, spt->halves);
	if (bitmap_empty(spt->pending, VMED_PT_MAX_ENTRIES))
		list_del_init(&spt->pending_node);
}

/* Re-read entry @i from the guest table and shadow it. */
static int spt_resync_entry(struct vmed_vgpu *vgpu, struct vmed_spt *spt,
			    unsigned int i)
{
	const struct vmed_pte_format *fmt = ppgtt_fmt(vgpu);
	u64 raw = 0;

	spt_clear_pending(spt, i);
	if (vmed_hv_read_gpa(vgpu, (spt->gfn << PAGE_SHIFT) + i * fmt->entry_size,
			     &raw, fmt->entry_size))
		raw = 0;	/* the table's memory is gone: unmap */
	return spt_update_entry(vgpu, spt, i, guest_entry_from(fmt, &raw));
}

/*
 * Apply a guest write of @len bytes at @offset of the table's frame. The
 * caller holds a reference on @spt, so that nothing the update drops can
 * take the table with it.
 */
static __always_inline int spt_write(struct vmed_vgpu *vgpu,
				     struct vmed_spt *spt, unsigned int offset,
				     const u8 *data, unsigned int len)
{
	const struct vmed_pte_format *fmt = ppgtt_fmt(vgpu);
	unsigned int esz = fmt->entry_size, esz_shift = esz == 8 ? 3 : 2;
	unsigned int i, first = offset >> esz_shift;
	unsigned int last = (offset + len - 1) >> esz_shift;
	int ret = 0;

	for (i = first; !ret && i <= last; i++) {
		unsigned int start = i * esz;

		if (test_bit(i, spt->covered))
			continue;
		if (offset <= start && offset + len >= start + esz) {
			u64 entry = guest_entry_from(fmt, data + start - offset);

			if (test_bit(i, spt->pending))
				spt_clear_pending(spt, i);
			ret = spt_update_entry(vgpu, spt, i, entry);
			trace_vmed_ppgtt_update(vgpu, spt->gfn, spt->level, i,
						entry, ret);
		} else if (esz == 8 && len == 4 && !(offset % 4)) {
			unsigned int half = (offset % 8) / 4;

			__set_bit(2 * i + half, spt->halves);
			spt_mark_pending(vgpu, spt, i);
			if (test_bit(2 * i + !half, spt->halves))
				ret = spt_resync_entry(vgpu, spt, i);
		} else {
			spt_mark_pending(vgpu, spt, i);
		}
	}
	return ret;
}

/**
 * vmed_page_write() - the guest wrote to a write-tracked frame
 * @vgpu: the vGPU
 * @gpa: guest physical address written
 * @buf: the bytes written (already in guest memory)
 * @len: number of bytes; the write must not cross a page
 *
 * Updates every shadow table on the frame. Writes to frames no longer
 * shadowed (a notification racing with untracking) are counted and ignored.
 *
 * Return: 0, or -EINVAL for an empty or page-crossing write.
 */
int vmed_page_write(struct vmed_vgpu *vgpu, u64 gpa, const void *buf,
		    unsigned int len)
{
	if (!len || len > PAGE_SIZE - offset_in_page(gpa))
		return -EINVAL;
	mutex_lock(&vgpu->lock);
	vgpu->stats.tracked_writes++;
	vmed_ppgtt_page_written(vgpu, gpa, buf, len);
	mutex_unlock(&vgpu->lock);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(vmed_page_write, VMED);

/*
 * The shadow tables on frame @gfn, lowest level first, each with a
 * reference held: updating one may drop the last other reference to
 * another (a guest page used as tables of two levels). Their keys are
 * adjacent, so one walk of the index finds them all; and as a guest
 * writes a table entry by entry, the last frame's answer is kept
 * (ppgtt.written) until a table on that frame enters or leaves the index.
 */
static noinline void spts_on_frame_indexed(struct vmed_vgpu *vgpu, u64 gfn)
{
	unsigned int levels = ppgtt_fmt(vgpu)->levels;
	struct vmed_ppgtt *ppgtt = &vgpu->ppgtt;
	XA_STATE(xas, &ppgtt->spts, spt_key(gfn, 0));
	struct vmed_spt *spt;

	ppgtt->nr_written = 0;
	rcu_read_lock();
	/* (No PPGTT, no levels: then the walk ends where it starts.) */
	xas_for_each(&xas, spt, spt_key(gfn, levels ? levels - 1 : 0)) {
		if (xas_retry(&xas, spt))
			continue;
		ppgtt->written[ppgtt->nr_written++] = spt;
	}
	rcu_read_unlock();
	ppgtt->written_gfn = gfn;
	ppgtt->written_known = true;
}

static unsigned int spts_on_frame(struct vmed_vgpu *vgpu, u64 gfn,
				  struct vmed_spt **spts)
{
	struct vmed_ppgtt *ppgtt = &vgpu->ppgtt;
	unsigned int i;

	if (!ppgtt->written_known || ppgtt->written_gfn != gfn)
		spts_on_frame_indexed(vgpu, gfn);
	for (i = 0; i < ppgtt->nr_written; i++) {
		spts[i] = ppgtt->written[i];
		spts[i]->refs++;
	}
	return ppgtt->nr_written;
}

/**
 * vmed_ppgtt_page_written() - bring shadows on a frame up to date after a write
 * @vgpu: the vGPU; its lock held
 * @gpa: guest physical address written
 * @buf: the bytes, already in guest memory
 * @len: number of bytes, within one page
 *
 * For tracked guest writes (vmed_page_write()) and for writes the device
 * itself makes to guest memory (vmed_dma_rw()), which no hypervisor tracks.
 */
void vmed_ppgtt_page_written(struct vmed_vgpu *vgpu, u64 gpa, const void *buf,
			     unsigned int len)
{
	struct vmed_spt *spts[VMED_MAX_PT_LEVELS];
	unsigned int i, nr, offset = offset_in_page(gpa);
	u64 gfn = gpa >> PAGE_SHIFT;
	int ret = 0;

	lockdep_assert_held(&vgpu->lock);
	if (!vgpu->hv || vgpu->failed || gfn > VMED_MAX_GFN)
		return;
	nr = spts_on_frame(vgpu, gfn, spts);
	for (i = 0; i < nr; i++) {
		if (!ret)
			ret = spt_write(vgpu, spts[i], offset, buf, len);
		spt_put(vgpu, spts[i]);
	}
	if (!nr)
		vgpu->stats.stale_writes++;
	trace_vmed_page_write(vgpu, gpa, len, nr > 0);
	if (ret)
		ppgtt_fatal(vgpu, ret);
	ppgtt_flush(vgpu);
}

/* Re-read a guest table whose writes went unseen, as one whole write. */
static int spt_reread(struct vmed_vgpu *vgpu, struct vmed_spt *spt, void *buf)
{
	int ret;

	if (vmed_hv_read_gpa(vgpu, spt->gfn << PAGE_SHIFT, buf, PAGE_SIZE))
		memset(buf, 0, PAGE_SIZE);	/* table gone: unmap */
	vgpu->stats.revalidated++;
	spt->refs++;
	ret = spt_write(vgpu, spt, 0, buf, PAGE_SIZE);
	spt_put(vgpu, spt);
	return ret;
}

/*
 * Without write tracking nothing reported the guest's page-table writes:
 * re-read every shadowed guest table and apply it as one whole-table write.
 * Updating a table only ever drops its children, never the table itself, and
 * xa_for_each() looks each index up afresh, so tables freed on the way are
 * simply not visited.
 */
static int ppgtt_revalidate(struct vmed_vgpu *vgpu)
{
	struct vmed_spt *spt;
	unsigned long index;
	void *buf;
	int ret = 0;

	if (xa_empty(&vgpu->ppgtt.spts))
		return 0;
	buf = kmalloc(PAGE_SIZE, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	xa_for_each(&vgpu->ppgtt.spts, index, spt) {
		ret = spt_reread(vgpu, spt, buf);
		if (ret)
			break;
	}
	kfree(buf);
	return ret;
}

/*
 * Before a submission: re-read the shadow tables on frames whose tracking
 * was lost (their writes went unseen), and track the frames again where
 * the hypervisor lets us (the memory is back).
 */
static int ppgtt_recover_lost(struct vmed_vgpu *vgpu)
{
	struct vmed_ppgtt *ppgtt = &vgpu->ppgtt;
	unsigned int level, levels = ppgtt_fmt(vgpu)->levels;
	struct vmed_spt *spt;
	unsigned long gfn;
	void *entry, *buf;
	int ret = 0;

	if (xa_empty(&ppgtt->lost))
		return 0;
	buf = kmalloc(PAGE_SIZE, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	xa_for_each(&ppgtt->lost, gfn, entry) {
		u64 frame = gfn;

		if (vgpu->hv->track_add && !vmed_hv_track_add(vgpu, &frame, 1))
			xa_erase(&ppgtt->lost, gfn);
		for (level = 0; !ret && level < levels; level++) {
			spt = xa_load(&ppgtt->spts, spt_key(gfn, level));
			if (spt)
				ret = spt_reread(vgpu, spt, buf);
		}
		if (ret)
			break;
	}
	kfree(buf);
	return ret;
}

/**
 * vmed_ppgtt_sync() - apply partially written entries before a submission
 * @vgpu: the vGPU; its lock held
 *
 * Return: 0, or a fatal errno (the vGPU has been failed).
 */
int vmed_ppgtt_sync(struct vmed_vgpu *vgpu)
{
	const struct vmed_pte_format *fmt = ppgtt_fmt(vgpu);
	struct vmed_spt *spt;
	int ret = 0;

	lockdep_assert_held(&vgpu->lock);
	if (!vgpu->hv->track_add)
		ret = ppgtt_revalidate(vgpu);
	else
		ret = ppgtt_recover_lost(vgpu);
	while (!ret && !list_empty(&vgpu->ppgtt.pending)) {
		unsigned int i;

		spt = list_first_entry(&vgpu->ppgtt.pending, struct vmed_spt,
				       pending_node);
		spt->refs++;
		i = find_first_bit(spt->pending, spt_entries(fmt));
		ret = spt_resync_entry(vgpu, spt, i);
		spt_put(vgpu, spt);
	}
	ppgtt_flush(vgpu);
	if (ret)
		ppgtt_fatal(vgpu, ret);
	return ret;
}

/*
 * Redirect the entries of @spt (and of its split children) that reference
 * frames in [@gfn, @gfn + @nr). Tables whose frame bound misses the range
 * are skipped unseen, so an invalidation costs a look at every table, not
 * at every entry. A table that is scanned gets its bound recomputed from
 * the references it keeps.
 */
static void spt_invalidate(struct vmed_vgpu *vgpu, struct vmed_spt *spt,
			   u64 gfn, u64 nr)
{
	const struct vmed_pte_format *fmt = ppgtt_fmt(vgpu);
	unsigned int i, frames = spt->level ? leaf_frames(fmt, spt->level) : 1;
	u64 frame, lo = U64_MAX, hi = 0;

	if (spt->frames_hi <= gfn || spt->frames_lo >= gfn + nr)
		return;
	for (i = 0; i < spt_entries(fmt); i++) {
		struct vmed_spt *split = spt->child ? spt->child[i] : NULL;
		u64 old = spt_get_entry(fmt, spt, i);

		if (split && split->gfn == VMED_SPT_SPLIT) {
			spt_invalidate(vgpu, split, gfn, nr);
			lo = min(lo, split->frames_lo);
			hi = max(hi, split->frames_hi);
		}
		if (!test_bit(i, spt->mapped) ||
		    vmed_dma_to_gfn(vgpu, vmed_pte_addr(fmt, old), &frame))
			continue;
		if (frame + frames <= gfn || frame >= gfn + nr) {
			lo = min(lo, frame);
			hi = max(hi, frame + frames);
			continue;
		}
		/* A 4 KiB leaf keeps working on scratch; a huge one goes. */
		spt_set_entry(fmt, spt, i, spt->level ? 0 :
			      spt_scratch_entry(vgpu, old & ~fmt->addr_mask));
		__clear_bit(i, spt->mapped);
		spt_drop(vgpu, spt, old, NULL, true);
	}
	spt->frames_lo = lo;
	spt->frames_hi = hi;
}

/**
 * vmed_ppgtt_invalidate() - point shadow entries into a range at scratch
 * @vgpu: the vGPU; its lock held
 * @gfn: first frame
 * @nr: number of frames
 */
void vmed_ppgtt_invalidate(struct vmed_vgpu *vgpu, u64 gfn, u64 nr)
{
	struct vmed_spt *spt;

	lockdep_assert_held(&vgpu->lock);
	/* Dropping frame references frees no table: a plain list walk. */
	list_for_each_entry(spt, &vgpu->ppgtt.tables, table_node)
		spt_invalidate(vgpu, spt, gfn, nr);
}

/**
 * vmed_ppgtt_destroy_all() - tear down every shadow tree (detach, reset)
 * @vgpu: the vGPU; its lock held
 */
void vmed_ppgtt_destroy_all(struct vmed_vgpu *vgpu)
{
	struct vmed_ppgtt_mm *mm, *tmp;
	unsigned long index;
	void *entry;

	lockdep_assert_held(&vgpu->lock);
	list_for_each_entry_safe(mm, tmp, &vgpu->ppgtt.mms, node)
		ppgtt_mm_destroy(vgpu, mm);
	WARN_ON(vgpu->ppgtt.nr_spts);
	/* Frames reserved for tables a failed build never created. */
	xa_for_each(&vgpu->ppgtt.tracked, index, entry)
		ppgtt_track_count(vgpu, index, 0);
	if (vgpu->hv)
		ppgtt_flush(vgpu);
}

/**
 * vmed_ppgtt_summary() - count the vGPU's shadow page tables, for debugfs
 * @vgpu: the vGPU; its lock held
 * @s: out: the counts
 */
void vmed_ppgtt_summary(struct vmed_vgpu *vgpu, struct vmed_ppgtt_summary *s)
{
	const struct vmed_pte_format *fmt = ppgtt_fmt(vgpu);
	unsigned int n = fmt->levels ? spt_entries(fmt) : 0, guest = 0, i;
	struct vmed_ppgtt_mm *mm;
	struct vmed_spt *spt;
	unsigned long index;
	void *entry;

	lockdep_assert_held(&vgpu->lock);
	memset(s, 0, sizeof(*s));
	list_for_each_entry(mm, &vgpu->ppgtt.mms, node)
		s->roots++;
	xa_for_each(&vgpu->ppgtt.spts, index, spt) {
		guest++;
		if (spt->level < VMED_MAX_PT_LEVELS)
			s->tables[spt->level]++;
		s->mapped += bitmap_weight(spt->mapped, n);
		if (!list_empty(&spt->pending_node))
			s->pending++;
		for (i = 0; i < n; i++)
			if (!spt_get_entry(fmt, spt, i))
				s->empty++;
	}
	s->split = vgpu->ppgtt.nr_spts - guest;
	xa_for_each(&vgpu->ppgtt.tracked, index, entry)
		s->tracked++;
}

/**
 * vmed_ppgtt_init() - empty PPGTT state
 * @vgpu: the vGPU
 */
void vmed_ppgtt_init(struct vmed_vgpu *vgpu)
{
	xa_init(&vgpu->ppgtt.spts);
	xa_init(&vgpu->ppgtt.tracked);
	xa_init(&vgpu->ppgtt.lost);
	INIT_LIST_HEAD(&vgpu->ppgtt.mms);
	INIT_LIST_HEAD(&vgpu->ppgtt.pending);
	INIT_LIST_HEAD(&vgpu->ppgtt.tables);
	vgpu->ppgtt.fmt = &vgpu->dev->vendor->ppgtt_format;
	vgpu->ppgtt.max_spts = max_shadow_tables;
	vgpu->ppgtt.written_known = false;
}

/**
 * vmed_ppgtt_is_table_frame() - does a guest frame hold a shadowed table?
 * @vgpu: the vGPU; its lock held
 * @gfn: the guest frame
 *
 * An engine that writes guest memory directly (not through write tracking)
 * asks this first: a write to such a frame would leave the shadow stale.
 *
 * Return: true if a shadow page table is built from @gfn now.
 */
bool vmed_ppgtt_is_table_frame(struct vmed_vgpu *vgpu, u64 gfn)
{
	lockdep_assert_held(&vgpu->lock);
	return xa_load(&vgpu->ppgtt.tracked, gfn);
}
EXPORT_SYMBOL_NS_GPL(vmed_ppgtt_is_table_frame, VMED);
