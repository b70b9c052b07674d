/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The part of VFIO an mdev vendor driver uses for guest memory: pinning,
 * unpinning and copying through the container's IOVA space. fake_vfio.c
 * implements it with iommufd's rules (see fake_vfio.h).
 */
#ifndef _VMED_USER_LINUX_VFIO_H
#define _VMED_USER_LINUX_VFIO_H

#include <linux/device.h>
#include <linux/types.h>

struct vfio_device {
	struct device device;
};

int vfio_pin_pages(struct vfio_device *device, dma_addr_t iova, int npage,
		   int prot, struct page **pages);
void vfio_unpin_pages(struct vfio_device *device, dma_addr_t iova, int npage);
int vfio_dma_rw(struct vfio_device *device, dma_addr_t iova, void *data,
		size_t len, bool write);

#endif /* _VMED_USER_LINUX_VFIO_H */
