/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A VFIO container for the KVM shim's memory code, with iommufd's rules,
 * the strictest a vendor driver meets (drivers/iommu/iommufd/device.c):
 *  - pinning fails unless every page lies in an IOVA mapping;
 *  - an unpin must name exactly a range one earlier pin covered: any other
 *    range warns, releases nothing and leaves the pins in place;
 *  - unmapping IOVA first asks the driver to unpin the range
 *    (vmed_kvm_dma_unmap()); a pin left inside it then fails the unmap.
 * Guest RAM is IOVA == GPA, as QEMU maps it.
 */
#ifndef _VMED_USER_FAKE_VFIO_H
#define _VMED_USER_FAKE_VFIO_H

#include <linux/vfio.h>

#define FAKE_VFIO_MAX_WINDOWS	8

struct fake_vfio_pin {
	u64 gfn;
	unsigned int npage;
};

struct fake_vfio {
	struct vfio_device *vdev;
	u64 nr_frames;
	void **frames;
	struct {
		u64 first, nr;
	} windows[FAKE_VFIO_MAX_WINDOWS];
	struct fake_vfio_pin *pins;
	unsigned int nr_pins, max_pins;
	unsigned long pin_calls;	/* vfio_pin_pages() calls that pinned */
	unsigned long bad_unpins;	/* unpins matching no pin: iommufd WARNs */
	unsigned long busy_unmaps;	/* unmaps refused for pins left inside */
};

struct fake_vfio *fake_vfio_create(struct vfio_device *vdev, u64 nr_frames);
void fake_vfio_destroy(struct fake_vfio *fv);
int fake_vfio_map(struct fake_vfio *fv, u64 first, u64 nr);
int fake_vfio_unmap(struct fake_vfio *fv, u64 first, u64 nr);
unsigned long fake_vfio_pinned(struct fake_vfio *fv, u64 first, u64 nr);

/* The shim's callback for an IOVA unmap (shims/kvm/memory.c). */
void vmed_kvm_dma_unmap(struct vfio_device *vdev, u64 iova, u64 length);

#endif /* _VMED_USER_FAKE_VFIO_H */
