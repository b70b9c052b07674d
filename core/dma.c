// SPDX-License-Identifier: GPL-2.0
/*
 * DMA translation cache: guest frame <-> DMA address.
 *
 * Every shadow entry (GGTT or PPGTT) that points the device at a guest frame
 * holds one reference on that frame's cache entry. The first reference maps
 * the frame through the hypervisor (KVM: pin + dma_map_page; Xen: foreign
 * mapping); the last one queues it for a batched unmap. Lookups go both ways
 * without a scan: by gfn for shadowing, by DMA page number for finding the
 * frame a shadow entry points at when the entry is replaced.
 *
 * Vocabulary: "nr" counts frames, ranges are [gfn, gfn + nr).
 *
 * Invariants, all under the vGPU lock:
 *  - an entry is in both xarrays, or in neither (then it is queued for
 *    unmap or freed);
 *  - nr_entries == number of entries in by_gfn == frames mapped through the
 *    hypervisor and not yet unmapped, minus those queued in release_*;
 *  - vmed_dma_flush() empties the release queue; every entry point that can
 *    drop references flushes before it returns, so a shim never sees a
 *    mapping outlive the operation that released it.
 *
 * A hostile guest can only make the cache grow to the number of frames it
 * owns: frames that are not guest memory are refused by the hypervisor and
 * never enter the cache.
 *
 * Lookup memos. Guest page-table and GGTT writes come in streams that reuse
 * a few frames (an entry rewritten, its neighbour, the frame it held).
 * Their lookups (vmed_dma_map_one(), vmed_dma_put_addr()) first try a small
 * direct-mapped memo of the entries they found last (hot_gfn by gfn,
 * hot_dma by DMA page number), keyed by what was looked up; other lookups,
 * which come in no such streams, go to the index directly. Every entry
 * leaves both memos when it leaves the index (dma_forget()), so a memo
 * never answers what the index would not.
 *
 * 2 MiB runs. A guest huge page (vmed_dma_map_range()) whose 512 frames the
 * hypervisor maps to one aligned, contiguous DMA range is cached as a single
 * entry in huge_by_gfn/huge_by_dma, with a reference count per frame, so a
 * 2 MiB page costs one allocation and two index updates instead of 512 of
 * each. Hypervisor mappings stay per frame. Every lookup, reference and
 * release works on frames, whichever kind of entry holds them; no frame is
 * ever held by both kinds. An invalidation that cuts through a 2 MiB entry
 * first turns it into 4 KiB entries for its referenced frames (or, if that
 * cannot allocate, widens the invalidation to the whole run).
 */
#include <linux/dma-mapping.h>
#include <linux/slab.h>
#include <linux/xarray.h>
#include "internal.h"
#include "ops.h"
#include "trace.h"

#define VMED_DMA_HUGE_ORDER	9
#define VMED_DMA_HUGE_FRAMES	BIT(VMED_DMA_HUGE_ORDER)
#define VMED_DMA_HUGE_SHIFT	(PAGE_SHIFT + VMED_DMA_HUGE_ORDER)
/* Entries a range release collects per walk of the index (on the stack) */
#define VMED_DMA_RELEASE_WALK	16

/**
 * struct vmed_dma_entry - one mapped guest frame, or a 2 MiB run of them
 * @gfn: (first) guest frame number
 * @dma: its DMA address (page aligned; 2 MiB aligned for a run)
 * @refs: references (shadow entries and other users); for a run, the sum
 *	over its frames
 * @run_refs: a run: references every frame of it holds (huge shadow
 *	entries, taken and dropped for the whole run)
 * @huge: this is a run
 * @frame_refs: a run: further references per frame (4 KiB users of single
 *	frames), allocated on the first one; NULL until then
 *
 * 32 bytes either way: a single frame costs one small slab object.
 */
struct vmed_dma_entry {
	u64 gfn;
	dma_addr_t dma;
	unsigned int refs;
	unsigned int run_refs : 31;
	unsigned int huge : 1;
	unsigned int *frame_refs;
};

/*
 * A run's @refs counts 512 per huge shadow entry; every entry of every
 * shadow table may be one, and every GGTT entry may use a frame of the run.
 */
static_assert((u64)VMED_MAX_SHADOW_TABLES * PAGE_SIZE / sizeof(u64) *
	      VMED_DMA_HUGE_FRAMES + VMED_MAX_GGTT_ENTRIES < U32_MAX,
	      "a 2 MiB run's reference count could wrap");

void vmed_dma_init(struct vmed_vgpu *vgpu)
{
	xa_init(&vgpu->dma.by_gfn);
	xa_init(&vgpu->dma.by_dma);
	xa_init(&vgpu->dma.huge_by_gfn);
	xa_init(&vgpu->dma.huge_by_dma);
	memset(vgpu->dma.hot_gfn, 0, sizeof(vgpu->dma.hot_gfn));
	memset(vgpu->dma.hot_dma, 0, sizeof(vgpu->dma.hot_dma));
}

static unsigned int entry_frames(const struct vmed_dma_entry *entry)
{
	return entry->huge ? VMED_DMA_HUGE_FRAMES : 1;
}

static struct vmed_dma_memo *hot_gfn_slot(struct vmed_dma_cache *cache,
					  u64 gfn)
{
	return &cache->hot_gfn[gfn % VMED_DMA_HOT];
}

static struct vmed_dma_memo *hot_dma_slot(struct vmed_dma_cache *cache,
					  dma_addr_t dma)
{
	return &cache->hot_dma[(dma >> PAGE_SHIFT) % VMED_DMA_HOT];
}

/* @entry leaves the index: it must leave the memos too. */
static void dma_forget(struct vmed_dma_cache *cache,
		       struct vmed_dma_entry *entry)
{
	struct vmed_dma_memo *slot;
	unsigned int i;

	if (entry->huge) {
		/* Any of its frames may have taken any slot. */
		for (i = 0; i < VMED_DMA_HOT; i++) {
			if (cache->hot_gfn[i].entry == entry)
				cache->hot_gfn[i].entry = NULL;
			if (cache->hot_dma[i].entry == entry)
				cache->hot_dma[i].entry = NULL;
		}
		return;
	}
	slot = hot_gfn_slot(cache, entry->gfn);
	if (slot->entry == entry)
		slot->entry = NULL;
	if (entry->dma == DMA_MAPPING_ERROR)
		return;
	slot = hot_dma_slot(cache, entry->dma);
	if (slot->entry == entry)
		slot->entry = NULL;
}

static struct vmed_dma_entry *entry_by_gfn(struct vmed_dma_cache *cache,
					   u64 gfn)
{
	struct vmed_dma_entry *entry = xa_load(&cache->by_gfn, gfn);

	if (entry || !cache->nr_huge)
		return entry;
	return xa_load(&cache->huge_by_gfn, gfn >> VMED_DMA_HUGE_ORDER);
}

static struct vmed_dma_entry *entry_by_dma(struct vmed_dma_cache *cache,
					   dma_addr_t dma)
{
	struct vmed_dma_entry *entry = xa_load(&cache->by_dma,
					       dma >> PAGE_SHIFT);

	if (entry || !cache->nr_huge)
		return entry;
	return xa_load(&cache->huge_by_dma, dma >> VMED_DMA_HUGE_SHIFT);
}

/*
 * The lookups of the paths that come in streams reusing frames (a shadow
 * entry's new frame, and the frame it held) go through the memos first.
 */
static noinline struct vmed_dma_entry *
entry_by_gfn_remembered(struct vmed_dma_cache *cache, u64 gfn)
{
	struct vmed_dma_entry *entry = entry_by_gfn(cache, gfn);
	struct vmed_dma_memo *slot = hot_gfn_slot(cache, gfn);

	if (entry) {
		slot->key = gfn;
		slot->entry = entry;
	}
	return entry;
}

static struct vmed_dma_entry *entry_by_gfn_memo(struct vmed_dma_cache *cache,
						u64 gfn)
{
	struct vmed_dma_memo *slot = hot_gfn_slot(cache, gfn);

	if (slot->entry && slot->key == gfn)
		return slot->entry;
	return entry_by_gfn_remembered(cache, gfn);
}

static noinline struct vmed_dma_entry *
entry_by_dma_remembered(struct vmed_dma_cache *cache, dma_addr_t dma)
{
	struct vmed_dma_entry *entry = entry_by_dma(cache, dma);
	struct vmed_dma_memo *slot = hot_dma_slot(cache, dma);

	if (entry) {
		slot->key = dma >> PAGE_SHIFT;
		slot->entry = entry;
	}
	return entry;
}

static struct vmed_dma_entry *entry_by_dma_memo(struct vmed_dma_cache *cache,
						dma_addr_t dma)
{
	struct vmed_dma_memo *slot = hot_dma_slot(cache, dma);

	if (slot->entry && slot->key == dma >> PAGE_SHIFT)
		return slot->entry;
	return entry_by_dma_remembered(cache, dma);
}

/* Frame of @entry that @dma (found by its DMA address) lies in. */
static u64 entry_gfn_at(const struct vmed_dma_entry *entry, dma_addr_t dma)
{
	return entry->gfn + ((dma - entry->dma) >> PAGE_SHIFT);
}

static dma_addr_t entry_dma_of(const struct vmed_dma_entry *entry, u64 gfn)
{
	return entry->dma + ((gfn - entry->gfn) << PAGE_SHIFT);
}

/* References frame @gfn of @entry holds. */
static unsigned int entry_frame_refs(const struct vmed_dma_entry *entry,
				     u64 gfn)
{
	if (!entry->huge)
		return entry->refs;
	return entry->run_refs +
	       (entry->frame_refs ? entry->frame_refs[gfn - entry->gfn] : 0);
}

/* Take a reference on frame @gfn of @entry. Return: 0 or -ENOMEM. */
static int entry_get(struct vmed_dma_entry *entry, u64 gfn)
{
	if (entry->huge) {
		if (!entry->frame_refs) {
			entry->frame_refs = kcalloc(VMED_DMA_HUGE_FRAMES,
						    sizeof(*entry->frame_refs),
						    GFP_KERNEL_ACCOUNT);
			if (!entry->frame_refs)
				return -ENOMEM;
		}
		entry->frame_refs[gfn - entry->gfn]++;
	}
	entry->refs++;
	return 0;
}

/**
 * vmed_dma_flush() - hand queued unmaps to the hypervisor in one call
 * @vgpu: the vGPU; its lock held
 */
void vmed_dma_flush(struct vmed_vgpu *vgpu)
{
	struct vmed_dma_cache *cache = &vgpu->dma;

	lockdep_assert_held(&vgpu->lock);
	if (!cache->nr_release)
		return;
	vmed_hv_dma_unmap(vgpu, cache->release_gfn, cache->release_dma,
			  cache->nr_release);
	vgpu->stats.dma_unmaps += cache->nr_release;
	trace_vmed_dma_unmap(vgpu, cache->release_gfn[0], cache->nr_release);
	cache->nr_release = 0;
}

/* Queue one frame's hypervisor mapping for the next batched unmap. */
static void dma_frame_release(struct vmed_vgpu *vgpu, u64 gfn, dma_addr_t dma)
{
	struct vmed_dma_cache *cache = &vgpu->dma;

	if (cache->nr_release == VMED_DMA_BATCH)
		vmed_dma_flush(vgpu);
	cache->release_gfn[cache->nr_release] = gfn;
	cache->release_dma[cache->nr_release] = dma;
	cache->nr_release++;
}

static void vmed_dma_entry_release(struct vmed_vgpu *vgpu,
				   struct vmed_dma_entry *entry)
{
	struct vmed_dma_cache *cache = &vgpu->dma;
	unsigned int k;

	dma_forget(cache, entry);
	if (entry->huge) {
		xa_erase(&cache->huge_by_gfn, entry->gfn >> VMED_DMA_HUGE_ORDER);
		xa_erase(&cache->huge_by_dma, entry->dma >> VMED_DMA_HUGE_SHIFT);
		cache->nr_huge--;
	} else {
		xa_erase(&cache->by_gfn, entry->gfn);
		xa_erase(&cache->by_dma, entry->dma >> PAGE_SHIFT);
	}
	cache->nr_entries -= entry_frames(entry);
	for (k = 0; k < entry_frames(entry); k++)
		dma_frame_release(vgpu, entry->gfn + k,
				  entry->dma + ((u64)k << PAGE_SHIFT));
	kfree(entry->frame_refs);
	kfree(entry);
}

/*
 * Enter @entry in the reverse map: 0, -ENOMEM, or -EEXIST if another entry
 * owns its DMA address already. Two guest frames may be one host page (a
 * VMM's alias, such as QEMU's VGA window over video RAM), and the
 * hypervisor then gives both one address. The reverse map keeps one owner
 * per address, so that a release by address (vmed_dma_put_addr()) drops
 * the reference of the right frame: the later frame is not mapped and its
 * entries point at scratch.
 */
static int dma_reverse_enter(struct vmed_vgpu *vgpu,
			     struct vmed_dma_entry *entry)
{
	struct vmed_dma_cache *cache = &vgpu->dma;
	struct vmed_dma_entry *owner = NULL;
	int ret;

	if (cache->nr_huge)
		owner = xa_load(&cache->huge_by_dma,
				entry->dma >> VMED_DMA_HUGE_SHIFT);
	if (!owner) {
		ret = xa_insert(&cache->by_dma, entry->dma >> PAGE_SHIFT, entry,
				GFP_KERNEL_ACCOUNT);
		if (ret != -EBUSY)
			return ret;
		owner = xa_load(&cache->by_dma, entry->dma >> PAGE_SHIFT);
	}
	pr_info_ratelimited("%s: guest frame %#llx is the memory of frame %#llx: not mapped\n",
			    vgpu->name, entry->gfn,
			    entry_gfn_at(owner, entry->dma));
	return -EEXIST;
}

/*
 * Drop a reference entry_get() took on frame @gfn of @entry. References
 * taken for a whole run are dropped with vmed_dma_put_range().
 */
static void entry_put(struct vmed_vgpu *vgpu, struct vmed_dma_entry *entry,
		      u64 gfn)
{
	if (entry->huge) {
		unsigned int *refs = entry->frame_refs ?
				     &entry->frame_refs[gfn - entry->gfn] : NULL;

		if (WARN_ON_ONCE(!refs || !*refs))
			return;
		(*refs)--;
	}
	if (--entry->refs == 0)
		vmed_dma_entry_release(vgpu, entry);
}

/*
 * Map up to VMED_DMA_BATCH frames; see vmed_dma_map(). With @premapped,
 * every frame is known to be uncached and listed once, and the hypervisor
 * has mapped them already: @premapped holds its results, which the cache
 * adopts (or hands back, if the batch fails) instead of calling it again.
 * @premapped may be @dma.
 */
static int vmed_dma_map_batch(struct vmed_vgpu *vgpu, const u64 *gfns,
			      unsigned int nr, dma_addr_t *dma,
			      const dma_addr_t *premapped)
{
	struct vmed_dma_cache *cache = &vgpu->dma;
	struct vmed_dma_entry *entry;
	unsigned int i, m, misses = 0;
	int ret = 0;

	/*
	 * Pass 1: take a reference on every frame, creating unmapped entries
	 * for misses so that a frame listed twice is mapped once.
	 */
	for (i = 0; i < nr; i++) {
		entry = entry_by_gfn(cache, gfns[i]);
		if (!entry) {
			entry = kzalloc(sizeof(*entry), GFP_KERNEL_ACCOUNT);
			if (!entry) {
				ret = -ENOMEM;
				break;
			}
			entry->gfn = gfns[i];
			entry->dma = DMA_MAPPING_ERROR;
			ret = xa_err(xa_store(&cache->by_gfn, gfns[i], entry,
					      GFP_KERNEL_ACCOUNT));
			if (ret) {
				kfree(entry);
				break;
			}
			cache->batch_gfn[misses++] = gfns[i];
		}
		ret = entry_get(entry, gfns[i]);
		if (ret)
			break;
		cache->batch_entry[i] = entry;
	}

	if (premapped && ret) {
		for (i = 0; i < nr; i++)
			if (premapped[i] != DMA_MAPPING_ERROR) {
				vgpu->stats.dma_maps++;
				dma_frame_release(vgpu, gfns[i], premapped[i]);
			}
		vmed_dma_flush(vgpu);
	}

	/* Pass 2: one hypervisor call for all misses. */
	if (!ret && misses) {
		for (i = 0; i < misses; i++)
			cache->batch_dma[i] = premapped ? premapped[i] :
						       DMA_MAPPING_ERROR;
		if (!premapped)
			ret = vmed_hv_dma_map(vgpu, cache->batch_gfn, misses,
					      cache->batch_dma);
		/*
		 * Walk the slots for the first one of each miss (a frame
		 * listed twice shares its entry) rather than look each up.
		 */
		for (i = 0, m = 0; !ret && m < misses; i++) {
			entry = cache->batch_entry[i];
			if (entry->gfn != cache->batch_gfn[m])
				continue;
			entry->dma = cache->batch_dma[m++];
			if (entry->dma == DMA_MAPPING_ERROR)
				continue;
			vgpu->stats.dma_maps++;
			trace_vmed_dma_map(vgpu, entry->gfn, entry->dma);
			/* An unaligned address is a shim bug, not the guest's. */
			WARN_ON_ONCE(!PAGE_ALIGNED(entry->dma));
			if (!PAGE_ALIGNED(entry->dma) ||
			    dma_reverse_enter(vgpu, entry)) {
				vmed_hv_dma_unmap(vgpu, &entry->gfn,
						  &entry->dma, 1);
				vgpu->stats.dma_unmaps++;
				entry->dma = DMA_MAPPING_ERROR;
				continue;
			}
			cache->nr_entries++;
		}
	}

	/*
	 * Pass 3: report results. Frames that did not map lose the reference
	 * taken in pass 1; entries left without a mapping are dropped.
	 */
	for (i = 0; i < nr; i++) {
		entry = cache->batch_entry[i];
		if (!entry)
			break;
		cache->batch_entry[i] = NULL;
		if (!ret && entry->dma != DMA_MAPPING_ERROR) {
			dma[i] = entry_dma_of(entry, gfns[i]);
			continue;
		}
		dma[i] = DMA_MAPPING_ERROR;
		if (entry->dma != DMA_MAPPING_ERROR) {
			/* Failed batch: drop the refs on cache hits too. */
			entry_put(vgpu, entry, gfns[i]);
			continue;
		}
		if (--entry->refs == 0) {
			/* (Not filled from unmapped entries; kept in step all the same.) */
			dma_forget(cache, entry);
			xa_erase(&cache->by_gfn, entry->gfn);
			kfree(entry);
		}
	}
	for (; i < nr; i++)
		dma[i] = DMA_MAPPING_ERROR;
	return ret;
}

/**
 * vmed_dma_map() - map guest frames for device access, taking references
 * @vgpu: the vGPU; its lock held and a hypervisor attached
 * @gfns: frames to map (may repeat)
 * @nr: number of frames
 * @dma: out: per frame, its DMA address, or %DMA_MAPPING_ERROR if the frame
 *	is not guest memory or could not be mapped
 *
 * Each slot that received an address holds one reference, dropped with
 * vmed_dma_put(). Cache misses are mapped with one hypervisor call per
 * %VMED_DMA_BATCH frames.
 *
 * Return: 0, or a negative errno (then no slot holds a reference).
 */
int vmed_dma_map(struct vmed_vgpu *vgpu, const u64 *gfns, unsigned int nr,
		 dma_addr_t *dma)
{
	unsigned int done, chunk, i;
	int ret;

	lockdep_assert_held(&vgpu->lock);
	for (done = 0; done < nr; done += chunk) {
		chunk = min_t(unsigned int, nr - done, VMED_DMA_BATCH);
		ret = vmed_dma_map_batch(vgpu, gfns + done, chunk, dma + done,
					 NULL);
		if (ret) {
			for (i = 0; i < done; i++)
				if (dma[i] != DMA_MAPPING_ERROR)
					vmed_dma_put(vgpu, gfns[i]);
			for (i = 0; i < nr; i++)
				dma[i] = DMA_MAPPING_ERROR;
			return ret;
		}
	}
	return 0;
}

/**
 * vmed_dma_map_one() - vmed_dma_map() for a single frame
 * @vgpu: the vGPU; its lock held and a hypervisor attached
 * @gfn: the frame
 * @dma: out: its DMA address, or %DMA_MAPPING_ERROR
 *
 * A GGTT write or a tracked page-table write maps one frame, and usually
 * one the cache holds already: that case takes the reference with a single
 * lookup, without the batch machinery.
 *
 * Return: as vmed_dma_map().
 */
int vmed_dma_map_one(struct vmed_vgpu *vgpu, u64 gfn, dma_addr_t *dma)
{
	struct vmed_dma_entry *entry;

	lockdep_assert_held(&vgpu->lock);
	entry = entry_by_gfn_memo(&vgpu->dma, gfn);
	if (entry && entry->dma != DMA_MAPPING_ERROR) {
		*dma = entry_get(entry, gfn) ? DMA_MAPPING_ERROR :
		       entry_dma_of(entry, gfn);
		return *dma == DMA_MAPPING_ERROR ? -ENOMEM : 0;
	}
	return vmed_dma_map(vgpu, &gfn, 1, dma);
}

/* Cache the hypervisor's contiguous mapping of a 2 MiB run as one entry. */
static int dma_huge_insert(struct vmed_vgpu *vgpu, u64 gfn, dma_addr_t dma)
{
	struct vmed_dma_cache *cache = &vgpu->dma;
	unsigned long first = dma >> PAGE_SHIFT;
	struct vmed_dma_entry *entry;

	/* A single frame owns an address of the run: one owner each. */
	if (xa_find(&cache->by_dma, &first, first + VMED_DMA_HUGE_FRAMES - 1,
		    XA_PRESENT))
		return -EEXIST;
	entry = kzalloc(sizeof(*entry), GFP_KERNEL_ACCOUNT);
	if (!entry)
		return -ENOMEM;
	entry->huge = 1;
	entry->run_refs = 1;
	entry->gfn = gfn;
	entry->dma = dma;
	entry->refs = VMED_DMA_HUGE_FRAMES;
	if (xa_insert(&cache->huge_by_gfn, gfn >> VMED_DMA_HUGE_ORDER, entry,
		      GFP_KERNEL_ACCOUNT))
		goto err;
	if (xa_insert(&cache->huge_by_dma, dma >> VMED_DMA_HUGE_SHIFT, entry,
		      GFP_KERNEL_ACCOUNT)) {
		xa_erase(&cache->huge_by_gfn, gfn >> VMED_DMA_HUGE_ORDER);
		goto err;
	}
	cache->nr_huge++;
	cache->nr_entries += VMED_DMA_HUGE_FRAMES;
	vgpu->stats.dma_maps += VMED_DMA_HUGE_FRAMES;
	/* One event per frame, as for frames mapped one by one. */
	if (trace_vmed_dma_map_enabled()) {
		unsigned int k;

		for (k = 0; k < VMED_DMA_HUGE_FRAMES; k++)
			trace_vmed_dma_map(vgpu, gfn + k,
					   dma + ((u64)k << PAGE_SHIFT));
	}
	return 0;
err:
	kfree(entry);
	return -ENOMEM;
}

/**
 * vmed_dma_map_range() - vmed_dma_map() for consecutive frames
 * @vgpu: the vGPU; its lock held and a hypervisor attached
 * @gfns: the frames, gfns[k] == gfns[0] + k
 * @nr: number of frames
 * @dma: out: as for vmed_dma_map()
 *
 * A 2 MiB aligned run of 512 frames, none of them cached yet, that the
 * hypervisor maps to one 2 MiB aligned, contiguous DMA range is cached as
 * one entry. Anything else is cached frame by frame, without mapping any
 * frame twice. When every frame got an address, the references are for
 * the whole range and go back with vmed_dma_put_range(), never frame by
 * frame.
 *
 * Return: as vmed_dma_map().
 */
int vmed_dma_map_range(struct vmed_vgpu *vgpu, const u64 *gfns,
		       unsigned int nr, dma_addr_t *dma)
{
	struct vmed_dma_cache *cache = &vgpu->dma;
	struct vmed_dma_entry *entry;
	unsigned long index = gfns[0];
	bool contiguous;
	unsigned int k;
	int ret;

	lockdep_assert_held(&vgpu->lock);
	if (nr != VMED_DMA_HUGE_FRAMES ||
	    !IS_ALIGNED(gfns[0], VMED_DMA_HUGE_FRAMES))
		return vmed_dma_map(vgpu, gfns, nr, dma);
	entry = xa_load(&cache->huge_by_gfn, gfns[0] >> VMED_DMA_HUGE_ORDER);
	if (entry) {
		entry->run_refs++;
		entry->refs += nr;
		for (k = 0; k < nr; k++)
			dma[k] = entry_dma_of(entry, gfns[k]);
		return 0;
	}
	if (xa_find(&cache->by_gfn, &index, gfns[0] + nr - 1, XA_PRESENT))
		return vmed_dma_map(vgpu, gfns, nr, dma);

	for (k = 0; k < nr; k++)
		dma[k] = DMA_MAPPING_ERROR;
	ret = vmed_hv_dma_map(vgpu, gfns, nr, dma);
	if (ret) {
		for (k = 0; k < nr; k++)
			dma[k] = DMA_MAPPING_ERROR;
		return ret;
	}
	contiguous = IS_ALIGNED(dma[0], BIT_ULL(VMED_DMA_HUGE_SHIFT));
	for (k = 1; contiguous && k < nr; k++)
		contiguous = dma[k] == dma[0] + ((u64)k << PAGE_SHIFT);
	if (contiguous && !dma_huge_insert(vgpu, gfns[0], dma[0]))
		return 0;
	/*
	 * Scattered, partly owned by single frames already (aliases), or no
	 * memory for the run: adopt frame by frame.
	 */
	return vmed_dma_map_batch(vgpu, gfns, nr, dma, dma);
}

/**
 * vmed_dma_put() - drop a reference taken by vmed_dma_map()
 * @vgpu: the vGPU; its lock held
 * @gfn: the frame
 *
 * The last reference queues the frame for unmapping; vmed_dma_flush()
 * performs it.
 */
void vmed_dma_put(struct vmed_vgpu *vgpu, u64 gfn)
{
	struct vmed_dma_entry *entry;

	lockdep_assert_held(&vgpu->lock);
	entry = entry_by_gfn(&vgpu->dma, gfn);
	if (WARN_ON_ONCE(!entry || !entry->refs))
		return;
	entry_put(vgpu, entry, gfn);
}

/**
 * vmed_dma_put_range() - drop the references of vmed_dma_map_range()
 * @vgpu: the vGPU; its lock held
 * @gfn: first frame
 * @nr: number of frames
 *
 * A run cached as one entry is released with one lookup.
 */
void vmed_dma_put_range(struct vmed_vgpu *vgpu, u64 gfn, unsigned int nr)
{
	struct vmed_dma_entry *entry;
	unsigned int k;

	lockdep_assert_held(&vgpu->lock);
	entry = nr == VMED_DMA_HUGE_FRAMES ? entry_by_gfn(&vgpu->dma, gfn) :
					     NULL;
	if (!entry || !entry->huge) {
		for (k = 0; k < nr; k++)
			vmed_dma_put(vgpu, gfn + k);
		return;
	}
	if (WARN_ON_ONCE(entry->gfn != gfn || !entry->run_refs))
		return;
	entry->run_refs--;
	entry->refs -= nr;
	if (!entry->refs)
		vmed_dma_entry_release(vgpu, entry);
}

/**
 * vmed_dma_put_addr() - drop a reference, the frame known by its DMA address
 * @vgpu: the vGPU; its lock held
 * @dma: a DMA address inside the frame, as a shadow entry holds it
 *
 * vmed_dma_put() for callers that hold the address, not the frame: the
 * entry is found with one lookup instead of two.
 *
 * Return: 0, or -ENOENT if no frame of this vGPU is mapped there.
 */
int vmed_dma_put_addr(struct vmed_vgpu *vgpu, dma_addr_t dma)
{
	struct vmed_dma_entry *entry;

	lockdep_assert_held(&vgpu->lock);
	entry = entry_by_dma_memo(&vgpu->dma, dma);
	if (!entry)
		return -ENOENT;
	if (WARN_ON_ONCE(!entry->refs))
		return 0;
	entry_put(vgpu, entry, entry_gfn_at(entry, dma));
	return 0;
}

/**
 * vmed_dma_lookup() - DMA address of a mapped guest frame
 * @vgpu: the vGPU; its lock held
 * @gfn: the frame
 * @dma: out: its DMA address
 *
 * Return: 0, or -ENOENT if the frame is not mapped.
 */
int vmed_dma_lookup(struct vmed_vgpu *vgpu, u64 gfn, dma_addr_t *dma)
{
	struct vmed_dma_entry *entry;

	lockdep_assert_held(&vgpu->lock);
	entry = entry_by_gfn(&vgpu->dma, gfn);
	if (!entry || entry->dma == DMA_MAPPING_ERROR)
		return -ENOENT;
	*dma = entry_dma_of(entry, gfn);
	return 0;
}

/**
 * vmed_dma_to_gfn() - guest frame behind a DMA address
 * @vgpu: the vGPU; its lock held
 * @dma: a DMA address inside a mapped frame
 * @gfn: out: the frame
 *
 * An engine uses this to reach guest memory through the addresses the core
 * put in shadow entries, never through guest physical addresses.
 *
 * Return: 0, or -ENOENT if no frame of this vGPU is mapped there.
 */
int vmed_dma_to_gfn(struct vmed_vgpu *vgpu, dma_addr_t dma, u64 *gfn)
{
	struct vmed_dma_entry *entry;

	lockdep_assert_held(&vgpu->lock);
	entry = entry_by_dma(&vgpu->dma, dma);
	if (!entry)
		return -ENOENT;
	*gfn = entry_gfn_at(entry, dma);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(vmed_dma_to_gfn, VMED);

/*
 * Turn a 2 MiB entry into one 4 KiB entry per referenced frame, each
 * keeping its frame's references; unreferenced frames are released.
 * Return: 0, or -ENOMEM with nothing changed.
 */
static int dma_huge_demote(struct vmed_vgpu *vgpu, struct vmed_dma_entry *huge)
{
	struct vmed_dma_cache *cache = &vgpu->dma;
	struct vmed_dma_entry **parts, *part;
	unsigned int k;

	parts = kcalloc(VMED_DMA_HUGE_FRAMES, sizeof(*parts), GFP_KERNEL);
	if (!parts)
		return -ENOMEM;
	for (k = 0; k < VMED_DMA_HUGE_FRAMES; k++) {
		if (!entry_frame_refs(huge, huge->gfn + k))
			continue;
		part = kzalloc(sizeof(*part), GFP_KERNEL_ACCOUNT);
		if (!part)
			goto err;
		part->gfn = huge->gfn + k;
		part->dma = entry_dma_of(huge, part->gfn);
		part->refs = entry_frame_refs(huge, part->gfn);
		if (xa_insert(&cache->by_gfn, part->gfn, part,
			      GFP_KERNEL_ACCOUNT)) {
			kfree(part);
			goto err;
		}
		if (xa_insert(&cache->by_dma, part->dma >> PAGE_SHIFT, part,
			      GFP_KERNEL_ACCOUNT)) {
			xa_erase(&cache->by_gfn, part->gfn);
			kfree(part);
			goto err;
		}
		parts[k] = part;
	}
	dma_forget(cache, huge);
	xa_erase(&cache->huge_by_gfn, huge->gfn >> VMED_DMA_HUGE_ORDER);
	xa_erase(&cache->huge_by_dma, huge->dma >> VMED_DMA_HUGE_SHIFT);
	cache->nr_huge--;
	for (k = 0; k < VMED_DMA_HUGE_FRAMES; k++) {
		if (parts[k])
			continue;
		dma_frame_release(vgpu, huge->gfn + k,
				  entry_dma_of(huge, huge->gfn + k));
		cache->nr_entries--;
	}
	kfree(parts);
	kfree(huge->frame_refs);
	kfree(huge);
	return 0;
err:
	for (k = 0; k < VMED_DMA_HUGE_FRAMES; k++) {
		if (!parts[k])
			continue;
		xa_erase(&cache->by_gfn, parts[k]->gfn);
		xa_erase(&cache->by_dma, parts[k]->dma >> PAGE_SHIFT);
		kfree(parts[k]);
	}
	kfree(parts);
	return -ENOMEM;
}

/*
 * Make [*@gfn, *@gfn + *@nr) cut no 2 MiB entry: a run it only partly
 * covers is demoted to 4 KiB entries, or, if that cannot allocate, the
 * range grows to cover the whole run (its frames are then withdrawn from
 * the device too, which is safe, only not necessary). Returns whether the
 * range grew.
 */
static bool dma_range_align(struct vmed_vgpu *vgpu, u64 *gfn, u64 *nr)
{
	struct vmed_dma_cache *cache = &vgpu->dma;
	u64 first = *gfn, end = *gfn + *nr, edges[2] = { first, end - 1 };
	struct vmed_dma_entry *huge;
	unsigned int i;

	for (i = 0; cache->nr_huge && i < ARRAY_SIZE(edges); i++) {
		huge = xa_load(&cache->huge_by_gfn,
			       edges[i] >> VMED_DMA_HUGE_ORDER);
		if (!huge || (huge->gfn >= first &&
			      huge->gfn + VMED_DMA_HUGE_FRAMES <= end))
			continue;
		if (!dma_huge_demote(vgpu, huge))
			continue;
		first = min(first, huge->gfn);
		end = max(end, huge->gfn + VMED_DMA_HUGE_FRAMES);
	}
	if (first == *gfn && end - first == *nr)
		return false;
	*gfn = first;
	*nr = end - first;
	return true;
}

/*
 * Release the 4 KiB entries of [*@index, @last], VMED_DMA_RELEASE_WALK at a
 * time: found in one walk of the index, then released (which erases them
 * from it; erasing inside the walk would make each of its steps start from
 * the top). Returns whether entries may remain, *@index then being where to
 * go on.
 */
static bool dma_release_some(struct vmed_vgpu *vgpu, unsigned long *index,
			     unsigned long last)
{
	struct vmed_dma_entry *found[VMED_DMA_RELEASE_WALK], *entry;
	XA_STATE(xas, &vgpu->dma.by_gfn, *index);
	unsigned int n = 0, i;

	rcu_read_lock();
	xas_for_each(&xas, entry, last) {
		if (xas_retry(&xas, entry))
			continue;
		found[n++] = entry;
		if (n == ARRAY_SIZE(found))
			break;
	}
	rcu_read_unlock();
	for (i = 0; i < n; i++) {
		vgpu->stats.dma_invalidated++;
		vmed_dma_entry_release(vgpu, found[i]);
	}
	if (n < ARRAY_SIZE(found) || xas.xa_index >= last)
		return false;
	*index = xas.xa_index + 1;
	return true;
}

/**
 * vmed_dma_release_range() - force-release every frame in a range
 * @vgpu: the vGPU; its lock held
 * @gfn: first frame
 * @nr: number of frames
 *
 * Called after the GGTT and PPGTT have pointed their entries for the range
 * at scratch, so normally nothing is left; anything that is (a reference
 * an engine still holds) is released anyway, because the hypervisor's
 * contract (VFIO's dma_unmap) does not allow the mapping to survive. A
 * 2 MiB entry the range cuts goes whole: callers align the range first
 * (vmed_dma_invalidate() does).
 */
void vmed_dma_release_range(struct vmed_vgpu *vgpu, u64 gfn, u64 nr)
{
	struct vmed_dma_entry *entry;
	unsigned long index, last;

	lockdep_assert_held(&vgpu->lock);
	if (!nr)
		return;
	last = gfn + nr - 1 < gfn ? ULONG_MAX : gfn + nr - 1;
	for (index = gfn; dma_release_some(vgpu, &index, last);)
		;
	xa_for_each_range(&vgpu->dma.huge_by_gfn, index, entry,
			  gfn >> VMED_DMA_HUGE_ORDER,
			  last >> VMED_DMA_HUGE_ORDER) {
		WARN_ON_ONCE(entry->gfn < gfn ||
			     entry->gfn + VMED_DMA_HUGE_FRAMES - 1 > last);
		vgpu->stats.dma_invalidated += VMED_DMA_HUGE_FRAMES;
		vmed_dma_entry_release(vgpu, entry);
	}
	vmed_dma_flush(vgpu);
}

/* Whether the cache holds any frame of [gfn, gfn + nr); nr > 0. */
static bool dma_range_cached(struct vmed_dma_cache *cache, u64 gfn, u64 nr)
{
	unsigned long first = gfn, huge = gfn >> VMED_DMA_HUGE_ORDER;

	return xa_find(&cache->by_gfn, &first, gfn + nr - 1, XA_PRESENT) ||
	       (cache->nr_huge &&
		xa_find(&cache->huge_by_gfn, &huge,
			(gfn + nr - 1) >> VMED_DMA_HUGE_ORDER, XA_PRESENT));
}

/**
 * vmed_dma_invalidate() - the guest range is going away: stop using it
 * @vgpu: the vGPU
 * @gfn: first frame
 * @nr: number of frames
 *
 * Called by a shim when the hypervisor withdraws guest memory (VFIO
 * dma_unmap, a memslot removal, a Xen unmap). Shadow entries pointing into
 * the range are redirected to the scratch page first, so the device never
 * sees a released frame; then every mapping in the range is released. When
 * this returns, nothing in the range is mapped.
 */
void vmed_dma_invalidate(struct vmed_vgpu *vgpu, u64 gfn, u64 nr)
{
	if (!nr || gfn + nr < gfn)
		return;
	mutex_lock(&vgpu->lock);
	trace_vmed_dma_invalidate(vgpu, gfn, nr);
	/*
	 * Every frame a shadow entry points at holds a cache entry: a range
	 * without one needs no look at the shadow tables.
	 */
	if (vgpu->hv && dma_range_cached(&vgpu->dma, gfn, nr)) {
		vmed_ggtt_invalidate(vgpu, gfn, nr);
		vmed_ppgtt_invalidate(vgpu, gfn, nr);
		/*
		 * Huge shadow entries into the range are gone now, so a 2 MiB
		 * run the range cuts keeps few referenced frames to demote.
		 */
		if (dma_range_align(vgpu, &gfn, &nr)) {
			vmed_ggtt_invalidate(vgpu, gfn, nr);
			vmed_ppgtt_invalidate(vgpu, gfn, nr);
		}
		vmed_dma_release_range(vgpu, gfn, nr);
	}
	mutex_unlock(&vgpu->lock);
}
EXPORT_SYMBOL_NS_GPL(vmed_dma_invalidate, VMED);

/**
 * vmed_dma_fini() - release every mapping (teardown)
 * @vgpu: the vGPU; its lock held
 */
void vmed_dma_fini(struct vmed_vgpu *vgpu)
{
	struct vmed_dma_entry *entry;
	unsigned long index;

	lockdep_assert_held(&vgpu->lock);
	if (!vgpu->hv)
		return;
	/* Shadow tables were torn down first: anything left is a leak. */
	xa_for_each(&vgpu->dma.by_gfn, index, entry) {
		WARN_ONCE(1, "vmed: frame %#llx still referenced at teardown\n",
			  entry->gfn);
		vmed_dma_entry_release(vgpu, entry);
	}
	xa_for_each(&vgpu->dma.huge_by_gfn, index, entry) {
		WARN_ONCE(1, "vmed: frames %#llx+512 still referenced at teardown\n",
			  entry->gfn);
		vmed_dma_entry_release(vgpu, entry);
	}
	vmed_dma_flush(vgpu);
}
