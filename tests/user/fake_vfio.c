// SPDX-License-Identifier: GPL-2.0
/*
 * The VFIO container of fake_vfio.h: one per process, as the KVM shim's
 * memory code only ever sees one device at a time here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include "fake_vfio.h"

static struct fake_vfio *container;

static struct fake_vfio *to_fake(struct vfio_device *vdev)
{
	if (!container || container->vdev != vdev) {
		fprintf(stderr, "fake_vfio: unknown vfio_device\n");
		abort();
	}
	return container;
}

struct fake_vfio *fake_vfio_create(struct vfio_device *vdev, u64 nr_frames)
{
	struct fake_vfio *fv = calloc(1, sizeof(*fv));
	u64 i;

	if (!fv || container)
		abort();
	fv->vdev = vdev;
	fv->nr_frames = nr_frames;
	fv->frames = calloc(nr_frames, sizeof(*fv->frames));
	if (!fv->frames)
		abort();
	for (i = 0; i < nr_frames; i++) {
		fv->frames[i] = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
		if (!fv->frames[i])
			abort();
		memset(fv->frames[i], 0, PAGE_SIZE);
	}
	container = fv;
	return fv;
}

void fake_vfio_destroy(struct fake_vfio *fv)
{
	u64 i;

	for (i = 0; i < fv->nr_frames; i++)
		free(fv->frames[i]);
	free(fv->frames);
	free(fv->pins);
	container = NULL;
	free(fv);
}

static bool mapped(struct fake_vfio *fv, u64 gfn)
{
	unsigned int i;

	for (i = 0; i < FAKE_VFIO_MAX_WINDOWS; i++)
		if (gfn >= fv->windows[i].first &&
		    gfn - fv->windows[i].first < fv->windows[i].nr)
			return true;
	return false;
}

int fake_vfio_map(struct fake_vfio *fv, u64 first, u64 nr)
{
	unsigned int i;

	if (!nr || first + nr > fv->nr_frames)
		return -EINVAL;
	for (i = 0; i < FAKE_VFIO_MAX_WINDOWS; i++) {
		if (!fv->windows[i].nr) {
			fv->windows[i].first = first;
			fv->windows[i].nr = nr;
			return 0;
		}
	}
	return -ENOSPC;
}

unsigned long fake_vfio_pinned(struct fake_vfio *fv, u64 first, u64 nr)
{
	unsigned long n = 0;
	unsigned int i;
	u64 gfn;

	for (i = 0; i < fv->nr_pins; i++)
		for (gfn = fv->pins[i].gfn;
		     gfn < fv->pins[i].gfn + fv->pins[i].npage; gfn++)
			n += gfn >= first && gfn - first < nr;
	return n;
}

/* Only a whole window goes, as VFIO_IOMMU_UNMAP_DMA of one mapping. */
int fake_vfio_unmap(struct fake_vfio *fv, u64 first, u64 nr)
{
	unsigned int i;

	for (i = 0; i < FAKE_VFIO_MAX_WINDOWS; i++)
		if (fv->windows[i].first == first && fv->windows[i].nr == nr)
			break;
	if (i == FAKE_VFIO_MAX_WINDOWS)
		return -ENOENT;
	vmed_kvm_dma_unmap(fv->vdev, first << PAGE_SHIFT, nr << PAGE_SHIFT);
	if (fake_vfio_pinned(fv, first, nr)) {
		fv->busy_unmaps++;
		return -EBUSY;
	}
	fv->windows[i].nr = 0;
	return 0;
}

int vfio_pin_pages(struct vfio_device *vdev, dma_addr_t iova, int npage,
		   int prot, struct page **pages)
{
	struct fake_vfio *fv = to_fake(vdev);
	u64 gfn = iova >> PAGE_SHIFT;
	int i;

	if (npage <= 0 || offset_in_page(iova) || !prot)
		return -EINVAL;
	for (i = 0; i < npage; i++)
		if (!mapped(fv, gfn + i))
			return -EINVAL;
	if (fv->nr_pins == fv->max_pins) {
		fv->max_pins = fv->max_pins ? fv->max_pins * 2 : 64;
		fv->pins = realloc(fv->pins, fv->max_pins * sizeof(*fv->pins));
		if (!fv->pins)
			abort();
	}
	fv->pins[fv->nr_pins].gfn = gfn;
	fv->pins[fv->nr_pins].npage = npage;
	fv->nr_pins++;
	fv->pin_calls++;
	for (i = 0; i < npage; i++)
		pages[i] = fv->frames[gfn + i];
	return npage;
}

void vfio_unpin_pages(struct vfio_device *vdev, dma_addr_t iova, int npage)
{
	struct fake_vfio *fv = to_fake(vdev);
	u64 gfn = iova >> PAGE_SHIFT;
	unsigned int i;

	for (i = 0; i < fv->nr_pins; i++) {
		if (fv->pins[i].gfn == gfn && fv->pins[i].npage == npage) {
			fv->pins[i] = fv->pins[--fv->nr_pins];
			return;
		}
	}
	fv->bad_unpins++;
}

int vfio_dma_rw(struct vfio_device *vdev, dma_addr_t iova, void *data,
		size_t len, bool write)
{
	struct fake_vfio *fv = to_fake(vdev);

	while (len) {
		u64 gfn = iova >> PAGE_SHIFT;
		size_t off = offset_in_page(iova);
		size_t n = min_t(size_t, len, PAGE_SIZE - off);

		if (!mapped(fv, gfn))
			return -EFAULT;
		if (write)
			memcpy(fv->frames[gfn] + off, data, n);
		else
			memcpy(data, fv->frames[gfn] + off, n);
		iova += n;
		data += n;
		len -= n;
	}
	return 0;
}
