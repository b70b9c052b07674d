// SPDX-License-Identifier: GPL-2.0
/*
 * Devices, DMA mappings and the platform bus for kernel code under
 * tests/user.
 *
 * A device hands out DMA addresses from its own window starting at
 * VMED_USER_DMA_BASE, one 4 KiB slot per mapped page, lowest free slot
 * first: made up, page aligned, inside the device's DMA mask, stable while
 * mapped and reused after unmap. The slots are an xarray, so unmapping an
 * address that is not mapped is caught, and a device that goes away still
 * holding mappings is reported.
 */
#include <stdlib.h>
#include <linux/bug.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/platform_device.h>
#include <user_env.h>

void vmed_user_device_init(struct device *dev, const char *name, u64 mask)
{
	dev->init_name = name;
	dev->dma_mask = &dev->dma_mask_storage;
	dev->dma_mask_storage = mask;
	dev->coherent_dma_mask = mask;
	dev->nr_mapped = 0;
	xa_init_flags(&dev->dma_pages, XA_FLAGS_ALLOC);
}

unsigned long vmed_user_device_mapped(struct device *dev)
{
	return dev->nr_mapped;
}

void vmed_user_device_fini(struct device *dev)
{
	WARN(dev->nr_mapped, "%s: %lu pages still DMA-mapped\n",
	     dev_name(dev), dev->nr_mapped);
	xa_destroy(&dev->dma_pages);
}

int dma_set_mask_and_coherent(struct device *dev, u64 mask)
{
	/* Any mask: the window is placed inside it at map time. */
	*dev->dma_mask = mask;
	dev->coherent_dma_mask = mask;
	return 0;
}

dma_addr_t dma_map_page(struct device *dev, struct page *page, size_t offset,
			size_t size, enum dma_data_direction dir)
{
	u64 mask = *dev->dma_mask;
	u64 slots;
	u32 slot;

	if (WARN(offset + size > PAGE_SIZE, "%s beyond the page\n", __func__) ||
	    mask < VMED_USER_DMA_BASE + PAGE_SIZE - 1)
		return DMA_MAPPING_ERROR;
	slots = min_t(u64, (mask - VMED_USER_DMA_BASE + 1) >> PAGE_SHIFT,
		      U32_MAX);
	if (xa_alloc(&dev->dma_pages, &slot, page, XA_LIMIT(0, slots - 1),
		     GFP_KERNEL))
		return DMA_MAPPING_ERROR;
	dev->nr_mapped++;
	return VMED_USER_DMA_BASE + ((u64)slot << PAGE_SHIFT) + offset;
}

void dma_unmap_page(struct device *dev, dma_addr_t addr, size_t size,
		    enum dma_data_direction dir)
{
	u64 slot = (addr - VMED_USER_DMA_BASE) >> PAGE_SHIFT;

	if (WARN(addr < VMED_USER_DMA_BASE || slot > U32_MAX ||
		 !xa_erase(&dev->dma_pages, slot),
		 "%s: %s(%#llx): not mapped\n", dev_name(dev), __func__,
		 (unsigned long long)addr))
		return;
	dev->nr_mapped--;
}

struct platform_device *
platform_create_bundle(struct platform_driver *driver,
		       int (*probe)(struct platform_device *pdev),
		       struct resource *res, unsigned int n_res,
		       const void *data, size_t size)
{
	struct platform_device *pdev = calloc(1, sizeof(*pdev));
	int ret;

	if (!pdev)
		return ERR_PTR(-ENOMEM);
	/* A platform device starts with the 32-bit mask the driver raises. */
	vmed_user_device_init(&pdev->dev, driver->driver.name,
			      DMA_BIT_MASK(32));
	driver->probe = probe;
	ret = probe(pdev);
	if (ret) {
		vmed_user_device_fini(&pdev->dev);
		free(pdev);
		return ERR_PTR(ret);
	}
	pdev->driver = driver;
	return pdev;
}

void platform_device_unregister(struct platform_device *pdev)
{
	if (IS_ERR_OR_NULL(pdev))
		return;
	if (pdev->driver && pdev->driver->remove)
		pdev->driver->remove(pdev);
	vmed_user_device_fini(&pdev->dev);
	free(pdev);
}

void platform_driver_unregister(struct platform_driver *driver)
{
	driver->probe = NULL;
}
