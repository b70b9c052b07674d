// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory for the core: the VFIO container's view of it.
 *
 * Addresses. VFIO knows IO virtual addresses, not guest physical ones; like
 * every VFIO VMM we rely on QEMU's convention of mapping guest RAM at
 * IOVA == GPA, so guest frame g is IOVA g << PAGE_SHIFT. A frame outside
 * every VFIO_IOMMU_MAP_DMA mapping is not guest memory: reads fail and the
 * core points the device at its scratch page instead.
 *
 * Pinning. Each frame the core maps is pinned once with vfio_pin_pages()
 * (batched over runs of consecutive frames) and DMA-mapped for the vmed
 * device; the core's DMA cache guarantees one map per frame, so a pin is
 * released by exactly one dma_unmap. When userspace unmaps IOVA that has
 * pins, VFIO calls vmed_kvm_dma_unmap() and requires every pin in the range
 * gone before it returns: the core's invalidation first points shadow
 * entries at scratch, then releases the frames through our dma_unmap.
 */
#include <linux/bitmap.h>
#include <linux/dma-mapping.h>
#include <linux/iommu.h>
#include "kvm.h"

/* Frames whose IOVA would not fit in 64 bits are never guest memory. */
#define VMED_KVM_MAX_GFN	(U64_MAX >> PAGE_SHIFT)

static int vmed_kvm_read_gpa(struct vmed_vgpu *vgpu, u64 gpa, void *buf,
			     size_t len)
{
	struct vmed_kvm_vgpu *kv = vmed_vgpu_hv_data(vgpu);

	return vfio_dma_rw(&kv->vdev, gpa, buf, len, false);
}

static int vmed_kvm_write_gpa(struct vmed_vgpu *vgpu, u64 gpa,
			      const void *buf, size_t len)
{
	struct vmed_kvm_vgpu *kv = vmed_vgpu_hv_data(vgpu);

	return vfio_dma_rw(&kv->vdev, gpa, (void *)buf, len, true);
}

static int vmed_kvm_is_guest_memory(struct vmed_vgpu *vgpu, const u64 *gfns,
				    unsigned int nr, unsigned long *ram)
{
	struct vmed_kvm_vgpu *kv = vmed_vgpu_hv_data(vgpu);
	unsigned int i;
	u8 byte;

	/* VFIO has no query: a one-byte read finds the mapping or fails. */
	for (i = 0; i < nr; i++)
		if (gfns[i] <= VMED_KVM_MAX_GFN &&
		    !vfio_dma_rw(&kv->vdev, gfns[i] << PAGE_SHIFT, &byte, 1,
				 false))
			__set_bit(i, ram);
	return 0;
}

static void unpin(struct vmed_kvm_vgpu *kv, u64 gfn, unsigned int nr)
{
	vfio_unpin_pages(&kv->vdev, gfn << PAGE_SHIFT, nr);
	atomic_long_sub(nr, &kv->pinned);
	atomic_long_sub(nr, &vmed_kvm_pinned_total);
}

/* Pin frame @gfn into kv->pin_pages[@at]. */
static int pin_one(struct vmed_kvm_vgpu *kv, u64 gfn, unsigned int at)
{
	int ret;

	ret = vfio_pin_pages(&kv->vdev, gfn << PAGE_SHIFT, 1,
			     IOMMU_READ | IOMMU_WRITE, kv->pin_pages + at);
	if (ret < 0)
		return ret;
	if (WARN_ON_ONCE(ret != 1))
		return -EFAULT;
	atomic_long_inc(&kv->pinned);
	atomic_long_inc(&vmed_kvm_pinned_total);
	return 0;
}

/*
 * One pin per frame, because frames come back one by one: the core drops
 * them as the guest's entries go, in any grouping. iommufd unpins only
 * exactly the ranges it pinned (anything else warns, leaks the pin and
 * makes the later unmap fail), so a pin may cover nothing but what a
 * single unpin will release. Only the bad frames fail.
 */
static void pin_frames(struct vmed_kvm_vgpu *kv, const u64 *gfns,
		       unsigned int nr, unsigned long *pinned)
{
	unsigned int i;

	bitmap_zero(pinned, nr);
	for (i = 0; i < nr; i++)
		if (gfns[i] <= VMED_KVM_MAX_GFN && !pin_one(kv, gfns[i], i))
			__set_bit(i, pinned);
}

/* Every frame gets an address or DMA_MAPPING_ERROR: nothing fails whole. */
static int vmed_kvm_dma_map(struct vmed_vgpu *vgpu, const u64 *gfns,
			    unsigned int nr, dma_addr_t *dma)
{
	struct vmed_kvm_vgpu *kv = vmed_vgpu_hv_data(vgpu);
	struct device *dev = vmed_device_dma_dev(vmed_vgpu_device(vgpu));
	DECLARE_BITMAP(pinned, VMED_DMA_BATCH);
	unsigned int done, chunk, i;

	for (done = 0; done < nr; done += chunk) {
		chunk = min_t(unsigned int, nr - done, VMED_DMA_BATCH);
		pin_frames(kv, gfns + done, chunk, pinned);
		for (i = 0; i < chunk; i++) {
			dma_addr_t addr = DMA_MAPPING_ERROR;

			if (test_bit(i, pinned)) {
				addr = dma_map_page(dev, kv->pin_pages[i], 0,
						    PAGE_SIZE, DMA_BIDIRECTIONAL);
				if (dma_mapping_error(dev, addr)) {
					unpin(kv, gfns[done + i], 1);
					addr = DMA_MAPPING_ERROR;
				} else {
					atomic_long_inc(&vmed_kvm_mapped_total);
				}
			}
			dma[done + i] = addr;
		}
	}
	return 0;
}

static void vmed_kvm_dma_unmap_frames(struct vmed_vgpu *vgpu, const u64 *gfns,
				      const dma_addr_t *dma, unsigned int nr)
{
	struct vmed_kvm_vgpu *kv = vmed_vgpu_hv_data(vgpu);
	struct device *dev = vmed_device_dma_dev(vmed_vgpu_device(vgpu));
	unsigned int i;

	for (i = 0; i < nr; i++)
		dma_unmap_page(dev, dma[i], PAGE_SIZE, DMA_BIDIRECTIONAL);
	atomic_long_sub(nr, &vmed_kvm_mapped_total);
	/* Exactly as pinned: one frame each. */
	for (i = 0; i < nr; i++)
		unpin(kv, gfns[i], 1);
}

/**
 * vmed_kvm_dma_unmap() - VFIO's notice that IOVA is being unmapped
 * @vdev: the VFIO device
 * @iova: start of the range
 * @length: its length in bytes
 *
 * Everything pinned in the range is released before this returns, as VFIO
 * requires; shadow entries that pointed there now point at scratch. Called
 * only while the device is open (legacy container), but copes otherwise.
 */
void vmed_kvm_dma_unmap(struct vfio_device *vdev, u64 iova, u64 length)
{
	struct vmed_kvm_vgpu *kv = vdev_to_kv(vdev);
	u64 first = iova >> PAGE_SHIFT;
	u64 last = (iova + length - 1) >> PAGE_SHIFT;

	if (!length || iova + length - 1 < iova)
		return;
	vmed_dma_invalidate(kv->vgpu, first, last - first + 1);
}

/* With KVM: tables are kept current by write tracking. */
const struct vmed_hv_ops vmed_kvm_tracked_ops = {
	.read_gpa = vmed_kvm_read_gpa,
	.write_gpa = vmed_kvm_write_gpa,
	.dma_map = vmed_kvm_dma_map,
	.dma_unmap = vmed_kvm_dma_unmap_frames,
	.track_add = vmed_kvm_track_add,
	.track_remove = vmed_kvm_track_remove,
	.inject_msi = vmed_kvm_inject_msi,
	.set_intx = vmed_kvm_set_intx,
	.is_guest_memory = vmed_kvm_is_guest_memory,
};

/* Without: the core revalidates the tables before every submission. */
const struct vmed_hv_ops vmed_kvm_untracked_ops = {
	.read_gpa = vmed_kvm_read_gpa,
	.write_gpa = vmed_kvm_write_gpa,
	.dma_map = vmed_kvm_dma_map,
	.dma_unmap = vmed_kvm_dma_unmap_frames,
	.inject_msi = vmed_kvm_inject_msi,
	.set_intx = vmed_kvm_set_intx,
	.is_guest_memory = vmed_kvm_is_guest_memory,
};
