/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Streaming DMA of whole pages. A device maps a page at an address of its
 * own made-up window (VMED_USER_DMA_BASE upwards, inside its DMA mask),
 * stable while it is mapped; unmapping checks that the address was mapped,
 * and a device must end with nothing mapped (env/dma.c).
 */
#ifndef _VMED_USER_LINUX_DMA_MAPPING_H
#define _VMED_USER_LINUX_DMA_MAPPING_H

#include <linux/device.h>
#include <linux/mm.h>
#include <linux/types.h>

#define DMA_MAPPING_ERROR	(~(dma_addr_t)0)
#define DMA_BIT_MASK(n)		(((n) == 64) ? ~0ULL : ((1ULL << (n)) - 1))

enum dma_data_direction {
	DMA_BIDIRECTIONAL = 0,
	DMA_TO_DEVICE = 1,
	DMA_FROM_DEVICE = 2,
	DMA_NONE = 3,
};

dma_addr_t dma_map_page(struct device *dev, struct page *page, size_t offset,
			size_t size, enum dma_data_direction dir);
void dma_unmap_page(struct device *dev, dma_addr_t addr, size_t size,
		    enum dma_data_direction dir);
int dma_set_mask_and_coherent(struct device *dev, u64 mask);

static inline int dma_mapping_error(struct device *dev, dma_addr_t addr)
{
	return addr == DMA_MAPPING_ERROR ? -ENOMEM : 0;
}

#endif /* _VMED_USER_LINUX_DMA_MAPPING_H */
