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
 */
#include <linux/dma-mapping.h>
#include <linux/slab.h>
#include <linux/xarray.h>
#include "internal.h"

/**
 * struct vmed_dma_entry - one mapped guest frame
 * @gfn: guest frame number
 * @dma: its DMA address (page aligned)
 * @refs: shadow entries (and other users) pointing at it
 */
struct vmed_dma_entry {
	u64 gfn;
	dma_addr_t dma;
	unsigned int refs;
};

void vmed_dma_init(struct vmed_vgpu *vgpu)
{
	xa_init(&vgpu->dma.by_gfn);
	xa_init(&vgpu->dma.by_dma);
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
	vgpu->hv->dma_unmap(vgpu, cache->release_gfn, cache->release_dma,
			    cache->nr_release);
	vgpu->stats.dma_unmaps += cache->nr_release;
	cache->nr_release = 0;
}

static void vmed_dma_entry_release(struct vmed_vgpu *vgpu,
				   struct vmed_dma_entry *entry)
{
	struct vmed_dma_cache *cache = &vgpu->dma;

	xa_erase(&cache->by_gfn, entry->gfn);
	xa_erase(&cache->by_dma, entry->dma >> PAGE_SHIFT);
	cache->nr_entries--;
	if (cache->nr_release == VMED_DMA_BATCH)
		vmed_dma_flush(vgpu);
	cache->release_gfn[cache->nr_release] = entry->gfn;
	cache->release_dma[cache->nr_release] = entry->dma;
	cache->nr_release++;
	kfree(entry);
}

/* Map up to VMED_DMA_BATCH frames; see vmed_dma_map(). */
static int vmed_dma_map_batch(struct vmed_vgpu *vgpu, const u64 *gfns,
			      unsigned int nr, dma_addr_t *dma)
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
		entry = xa_load(&cache->by_gfn, gfns[i]);
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
		entry->refs++;
		cache->batch_entry[i] = entry;
	}

	/* Pass 2: one hypervisor call for all misses. */
	if (!ret && misses) {
		for (i = 0; i < misses; i++)
			cache->batch_dma[i] = DMA_MAPPING_ERROR;
		ret = vgpu->hv->dma_map(vgpu, cache->batch_gfn, misses,
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
			if (!PAGE_ALIGNED(entry->dma) ||
			    xa_insert(&cache->by_dma, entry->dma >> PAGE_SHIFT,
				      entry, GFP_KERNEL_ACCOUNT)) {
				/*
				 * A shim returning an unaligned or duplicate
				 * address is a bug; refuse to use the frame
				 * rather than corrupt the reverse map.
				 */
				WARN_ONCE(1, "vmed: bad DMA address from hypervisor\n");
				vgpu->hv->dma_unmap(vgpu, &entry->gfn,
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
			dma[i] = entry->dma;
			continue;
		}
		dma[i] = DMA_MAPPING_ERROR;
		if (entry->dma != DMA_MAPPING_ERROR) {
			/* Failed batch: drop the refs on cache hits too. */
			vmed_dma_put(vgpu, entry->gfn);
			continue;
		}
		if (--entry->refs == 0) {
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
		ret = vmed_dma_map_batch(vgpu, gfns + done, chunk, dma + done);
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
	entry = xa_load(&vgpu->dma.by_gfn, gfn);
	if (entry && entry->dma != DMA_MAPPING_ERROR) {
		entry->refs++;
		*dma = entry->dma;
		return 0;
	}
	return vmed_dma_map(vgpu, &gfn, 1, dma);
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
	entry = xa_load(&vgpu->dma.by_gfn, gfn);
	if (WARN_ON_ONCE(!entry || !entry->refs))
		return;
	if (--entry->refs == 0)
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
	entry = xa_load(&vgpu->dma.by_dma, dma >> PAGE_SHIFT);
	if (!entry)
		return -ENOENT;
	if (WARN_ON_ONCE(!entry->refs))
		return 0;
	if (--entry->refs == 0)
		vmed_dma_entry_release(vgpu, entry);
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
	entry = xa_load(&vgpu->dma.by_gfn, gfn);
	if (!entry || entry->dma == DMA_MAPPING_ERROR)
		return -ENOENT;
	*dma = entry->dma;
	return 0;
}
EXPORT_SYMBOL_GPL(vmed_dma_lookup);

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
	entry = xa_load(&vgpu->dma.by_dma, dma >> PAGE_SHIFT);
	if (!entry)
		return -ENOENT;
	*gfn = entry->gfn;
	return 0;
}
EXPORT_SYMBOL_GPL(vmed_dma_to_gfn);

/**
 * vmed_dma_release_range() - force-release every frame in a range
 * @vgpu: the vGPU; its lock held
 * @gfn: first frame
 * @nr: number of frames
 *
 * Called after the GGTT and PPGTT have pointed their entries for the range
 * at scratch, so normally nothing is left; anything that is (a reference
 * an engine still holds) is released anyway, because the hypervisor's
 * contract (VFIO's dma_unmap) does not allow the mapping to survive.
 */
void vmed_dma_release_range(struct vmed_vgpu *vgpu, u64 gfn, u64 nr)
{
	struct vmed_dma_entry *entry;
	unsigned long index, last;

	lockdep_assert_held(&vgpu->lock);
	if (!nr)
		return;
	last = gfn + nr - 1 < gfn ? ULONG_MAX : gfn + nr - 1;
	xa_for_each_range(&vgpu->dma.by_gfn, index, entry, gfn, last) {
		vgpu->stats.dma_invalidated++;
		vmed_dma_entry_release(vgpu, entry);
	}
	vmed_dma_flush(vgpu);
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
	unsigned long first = gfn;

	if (!nr || gfn + nr < gfn)
		return;
	mutex_lock(&vgpu->lock);
	/*
	 * Every frame a shadow entry points at holds a cache entry: a range
	 * without one needs no look at the shadow tables.
	 */
	if (vgpu->hv && xa_find(&vgpu->dma.by_gfn, &first, gfn + nr - 1,
				XA_PRESENT)) {
		vmed_ggtt_invalidate(vgpu, gfn, nr);
		vmed_ppgtt_invalidate(vgpu, gfn, nr);
		vmed_dma_release_range(vgpu, gfn, nr);
	}
	mutex_unlock(&vgpu->lock);
}
EXPORT_SYMBOL_GPL(vmed_dma_invalidate);

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
	vmed_dma_flush(vgpu);
}
