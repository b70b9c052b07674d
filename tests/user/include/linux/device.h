/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A device is a name, a DMA mask and the pages it has DMA-mapped (see
 * dma-mapping.h and env/dma.c): enough for a vendor's software device.
 */
#ifndef _VMED_USER_LINUX_DEVICE_H
#define _VMED_USER_LINUX_DEVICE_H

#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/types.h>
#include <linux/xarray.h>

struct device {
	struct kobject kobj;
	const char *init_name;
	u64 *dma_mask;
	u64 coherent_dma_mask;
	u64 dma_mask_storage;
	struct xarray dma_pages;	/* DMA page index -> struct page */
	unsigned long nr_mapped;
};

/* sysfs files: declared so that drivers can embed them, never shown. */
struct attribute {
	const char *name;
	unsigned short mode;
};

struct device_attribute {
	struct attribute attr;
};

struct attribute_group {
	const char *name;
	struct attribute **attrs;
};

static inline const char *dev_name(const struct device *dev)
{
	return dev->init_name;
}

#endif /* _VMED_USER_LINUX_DEVICE_H */
