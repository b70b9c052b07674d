// SPDX-License-Identifier: GPL-2.0
/*
 * Physical devices: registration, descriptor validation and the partition
 * of graphics memory and fences among vGPUs.
 *
 * Graphics memory is handed out in VMED_GM_GRANULE units, contiguous per
 * kind, first fit; fences likewise. The number of further vGPUs of a type
 * that fit ("available instances") is computed exactly from the free runs,
 * so what sysfs promises is what creation delivers.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include "internal.h"

/**
 * vmed_format_check() - validate a page-table format descriptor
 * @fmt: the format
 * @ppgtt: a multi-level PPGTT format (else a flat GGTT format)
 *
 * Return: 0 or -EINVAL.
 */
int vmed_format_check(const struct vmed_pte_format *fmt, bool ppgtt)
{
	unsigned int l;

	if ((fmt->entry_size != 4 && fmt->entry_size != 8) || !fmt->levels ||
	    fmt->levels > VMED_MAX_PT_LEVELS || !fmt->present_mask ||
	    !fmt->addr_mask || fmt->addr_shift > PAGE_SHIFT ||
	    fmt->level[0].shift != PAGE_SHIFT ||
	    (fmt->addr_mask & (fmt->present_mask | fmt->writable_mask |
			       fmt->keep_mask)))
		return -EINVAL;
	if (fmt->entry_size == 4 &&
	    ((fmt->present_mask | fmt->writable_mask | fmt->addr_mask |
	      fmt->keep_mask) >> 32))
		return -EINVAL;
	/* The address field must be able to hold a page-aligned address. */
	if ((((u64)1 << PAGE_SHIFT) >> fmt->addr_shift) & ~fmt->addr_mask)
		return -EINVAL;
	if (!ppgtt)
		return fmt->levels == 1 ? 0 : -EINVAL;
	for (l = 0; l < fmt->levels; l++) {
		const struct vmed_pt_level *lvl = &fmt->level[l];

		/* One table per page; huge pages only above the leaf level. */
		if ((lvl->big_mask && (l || lvl->big_shift <= PAGE_SHIFT ||
				       lvl->big_shift - PAGE_SHIFT > 4 ||
				       (lvl->big_mask & (fmt->addr_mask |
							 fmt->present_mask |
							 fmt->writable_mask)))) ||
		    BIT(lvl->bits) * fmt->entry_size != PAGE_SIZE ||
		    (l && lvl->shift != fmt->level[l - 1].shift +
					fmt->level[l - 1].bits) ||
		    lvl->shift + lvl->bits > 64 ||
		    (lvl->leaf_mask && l != 1) ||
		    (lvl->leaf_mask & (fmt->addr_mask | fmt->present_mask)))
			return -EINVAL;
	}
	return 0;
}

/* A device-specific config register: in the device's own part, alone. */
static int cfg_field_check(const struct vmed_pci_desc *pci,
			   const struct vmed_cfg_field *f)
{
	unsigned int msi_end = pci->msi_cap_offset + PCI_MSI_DATA_64 + 2;

	if (!f->size)
		return 0;
	if ((f->size != 1 && f->size != 2 && f->size != 4) ||
	    f->offset % f->size || f->offset < PCI_STD_HEADER_SIZEOF ||
	    f->offset + f->size > PCI_CFG_SPACE_SIZE ||
	    (f->offset < msi_end && f->offset + f->size > pci->msi_cap_offset) ||
	    (f->size < 4 && f->value >> (8 * f->size)))
		return -EINVAL;
	return 0;
}

static int vendor_check(const struct vmed_vendor *v)
{
	const struct vmed_pci_desc *pci = &v->pci;
	u64 gm = v->gm_total[VMED_GM_MAPPABLE] + v->gm_total[VMED_GM_HIDDEN];
	unsigned int i, k;

	if (!v->name || !v->ops || !v->nr_types || !v->types ||
	    v->reg_bar >= VMED_MAX_BARS || !pci->bars[v->reg_bar].size)
		return -EINVAL;
	for (i = 0; i < VMED_MAX_BARS; i++) {
		u64 size = pci->bars[i].size;

		if (size && (!is_power_of_2(size) || size < PAGE_SIZE ||
			     (!pci->bars[i].is_64bit && size > SZ_2G)))
			return -EINVAL;
	}
	if (v->nr_banks > VMED_MAX_REG_BANKS ||
	    (v->nr_banks && (!v->bank_regs || !v->nr_bank_regs)))
		return -EINVAL;
	/* Engines need both halves of the execution contract. */
	if (v->nr_engines > VMED_MAX_ENGINES ||
	    (v->nr_engines && (!v->ops->wl_step || !v->ops->wl_complete)))
		return -EINVAL;
	if ((pci->rom_size && !is_power_of_2(pci->rom_size)) ||
	    pci->msi_cap_offset < PCI_STD_HEADER_SIZEOF ||
	    pci->msi_cap_offset > PCI_CFG_SPACE_SIZE - (PCI_MSI_DATA_64 + 4) ||
	    pci->msi_cap_offset % 4)
		return -EINVAL;
	for (i = 0; i < VMED_MAX_CFG_FIELDS; i++)
		if (cfg_field_check(pci, &pci->fields[i]))
			return -EINVAL;
	if (vmed_format_check(&v->ggtt_format, false) ||
	    (v->ppgtt_format.levels && vmed_format_check(&v->ppgtt_format, true)))
		return -EINVAL;
	for (k = 0; k < VMED_GM_KINDS; k++)
		if (!IS_ALIGNED(v->gm_total[k], VMED_GM_GRANULE))
			return -EINVAL;
	if (!gm || (gm >> PAGE_SHIFT) > VMED_MAX_GGTT_ENTRIES ||
	    !v->mmio_size || !IS_ALIGNED(v->mmio_size, 8) ||
	    v->mmio_size > v->ggtt_offset ||
	    v->ggtt_offset + (gm >> PAGE_SHIFT) * v->ggtt_format.entry_size >
	    pci->bars[v->reg_bar].size)
		return -EINVAL;
	for (i = 0; i < v->nr_types; i++) {
		const struct vmed_vgpu_type *t = &v->types[i];

		if (!t->name || t->fences > v->fences ||
		    t->weight > VMED_SCHED_WEIGHT_MAX)
			return -EINVAL;
		for (k = 0; k < VMED_GM_KINDS; k++)
			if (!IS_ALIGNED(t->gm_size[k], VMED_GM_GRANULE) ||
			    t->gm_size[k] > v->gm_total[k])
				return -EINVAL;
	}
	return vmed_irq_check(v);
}

/**
 * vmed_scratch_alloc() - a zeroed page the device can reach, for entries
 *	that must point somewhere harmless
 * @dev: the device; its vendor's formats must be able to hold the address
 * @page: out: the page
 * @dma: out: its DMA address
 *
 * Return: 0, -ENOMEM, or -EIO if the formats cannot encode the address.
 */
int vmed_scratch_alloc(struct vmed_device *dev, struct page **page,
		       dma_addr_t *dma)
{
	const struct vmed_vendor *v = dev->vendor;
	u64 pte;

	*page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
	if (!*page)
		return -ENOMEM;
	*dma = dma_map_page(dev->dma_dev, *page, 0, PAGE_SIZE,
			    DMA_BIDIRECTIONAL);
	if (dma_mapping_error(dev->dma_dev, *dma)) {
		__free_page(*page);
		return -ENOMEM;
	}
	if (!vmed_pte_encode(&v->ggtt_format, *dma, &pte) ||
	    (v->ppgtt_format.levels &&
	     !vmed_pte_encode(&v->ppgtt_format, *dma, &pte))) {
		vmed_scratch_free(dev, *page, *dma);
		return -EIO;
	}
	return 0;
}

/**
 * vmed_scratch_free() - undo vmed_scratch_alloc()
 * @dev: the device
 * @page: the page
 * @dma: its DMA address
 */
void vmed_scratch_free(struct vmed_device *dev, struct page *page,
		       dma_addr_t dma)
{
	dma_unmap_page(dev->dma_dev, dma, PAGE_SIZE, DMA_BIDIRECTIONAL);
	__free_page(page);
}

static void device_free_maps(struct vmed_device *dev)
{
	int k;

	for (k = 0; k < VMED_GM_KINDS; k++) {
		bitmap_free(dev->gm_map[k]);
		dev->gm_map[k] = NULL;
	}
	bitmap_free(dev->fence_map);
	dev->fence_map = NULL;
	vfree(dev->ggtt_host);
	dev->ggtt_host = NULL;
}

/**
 * vmed_device_register() - make a physical device available for vGPUs
 * @vendor: the vendor's description; must outlive the device
 * @dma_dev: the device that DMA-maps shadow page tables and the scratch page
 * @name: the device's name in logs and debugfs; must outlive the device
 *
 * Validates the vendor's descriptors, builds the register lookup and sets
 * up the partition and the scratch page; then the device is announced to
 * the listeners (vmed_mdev offers its vGPU types).
 *
 * Context: process context; sleeps.
 * Return: the device, or ERR_PTR(-EINVAL) for missing arguments or
 * inconsistent descriptors (logged), -ENOMEM, or -EIO if the scratch page
 * is not addressable by the formats.
 */
struct vmed_device *vmed_device_register(const struct vmed_vendor *vendor,
					 struct device *dma_dev, const char *name)
{
	struct vmed_device *dev;
	u64 gm;
	int k, ret;

	if (!vendor || !dma_dev || !name)
		return ERR_PTR(-EINVAL);
	ret = vendor_check(vendor);
	if (ret) {
		pr_err("%s: inconsistent vendor description\n",
		       vendor->name ?: "?");
		return ERR_PTR(ret);
	}
	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	dev->vendor = vendor;
	dev->dma_dev = dma_dev;
	dev->name = name;
	mutex_init(&dev->lock);
	INIT_LIST_HEAD(&dev->vgpus);
	xa_init_flags(&dev->vgpu_ids, XA_FLAGS_ALLOC);
	gm = vendor->gm_total[VMED_GM_MAPPABLE] + vendor->gm_total[VMED_GM_HIDDEN];
	dev->ggtt_entries = gm >> PAGE_SHIFT;
	vmed_sched_device_init(dev);

	ret = -ENOMEM;
	for (k = 0; k < VMED_GM_KINDS; k++) {
		dev->gm_map[k] = bitmap_zalloc(vendor->gm_total[k] / VMED_GM_GRANULE,
					       GFP_KERNEL);
		if (!dev->gm_map[k])
			goto err_maps;
	}
	dev->fence_map = bitmap_zalloc(vendor->fences, GFP_KERNEL);
	dev->ggtt_host = vcalloc(dev->ggtt_entries, sizeof(u64));
	if (!dev->fence_map || !dev->ggtt_host)
		goto err_maps;
	ret = vmed_regs_build(dev);
	if (ret)
		goto err_maps;
	ret = vmed_scratch_alloc(dev, &dev->scratch_page, &dev->scratch_dma);
	if (ret)
		goto err_regs;
	vmed_debugfs_device_add(dev);
	vmed_registry_add(dev);
	return dev;

err_regs:
	vmed_regs_free(dev);
err_maps:
	device_free_maps(dev);
	mutex_destroy(&dev->lock);
	kfree(dev);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_NS_GPL(vmed_device_register, VMED);

/**
 * vmed_device_unregister() - undo vmed_device_register()
 * @dev: the device; freed
 *
 * The listeners are told first and destroy the vGPUs they created (which
 * waits for their holders to let go); any other vGPU must have been
 * destroyed already.
 *
 * Context: process context; sleeps.
 */
void vmed_device_unregister(struct vmed_device *dev)
{
	vmed_registry_remove(dev);
	WARN_ON(!list_empty(&dev->vgpus));
	vmed_sched_device_fini(dev);
	vmed_debugfs_device_remove(dev);
	vmed_scratch_free(dev, dev->scratch_page, dev->scratch_dma);
	vmed_regs_free(dev);
	device_free_maps(dev);
	xa_destroy(&dev->vgpu_ids);
	mutex_destroy(&dev->lock);
	kfree(dev);
}
EXPORT_SYMBOL_NS_GPL(vmed_device_unregister, VMED);

/**
 * vmed_device_vendor() - the description a device was registered with
 * @dev: the device
 *
 * Return: the vendor description (types, PCI identity, ...).
 */
const struct vmed_vendor *vmed_device_vendor(const struct vmed_device *dev)
{
	return dev->vendor;
}
EXPORT_SYMBOL_NS_GPL(vmed_device_vendor, VMED);

/**
 * vmed_device_dma_dev() - the struct device behind a vmed device
 * @dev: the device
 *
 * Return: the device given to vmed_device_register(): the parent of the
 * device's mdev types.
 */
struct device *vmed_device_dma_dev(const struct vmed_device *dev)
{
	return dev->dma_dev;
}
EXPORT_SYMBOL_NS_GPL(vmed_device_dma_dev, VMED);

/* How many runs of @need consecutive free bits fit in the bitmap. */
static unsigned int free_runs(const unsigned long *map, unsigned int size,
			      unsigned int need)
{
	unsigned int start, end, fits = 0;

	if (!need)
		return UINT_MAX;
	for_each_clear_bitrange(start, end, map, size)
		fits += (end - start) / need;
	return fits;
}

static unsigned int type_available_locked(struct vmed_device *dev,
					  const struct vmed_vgpu_type *t)
{
	const struct vmed_vendor *v = dev->vendor;
	unsigned int n = VMED_MAX_VGPUS - dev->nr_vgpus;
	int k;

	for (k = 0; k < VMED_GM_KINDS; k++)
		n = min(n, free_runs(dev->gm_map[k],
				     v->gm_total[k] / VMED_GM_GRANULE,
				     t->gm_size[k] / VMED_GM_GRANULE));
	return min(n, free_runs(dev->fence_map, v->fences, t->fences));
}

/**
 * vmed_type_available() - how many more vGPUs of a type can be created
 * @dev: the device
 * @type: index into the vendor's type table
 *
 * Return: the number, 0 for an unknown type.
 */
unsigned int vmed_type_available(struct vmed_device *dev, unsigned int type)
{
	unsigned int n;

	if (type >= dev->vendor->nr_types)
		return 0;
	mutex_lock(&dev->lock);
	n = type_available_locked(dev, &dev->vendor->types[type]);
	mutex_unlock(&dev->lock);
	return n;
}
EXPORT_SYMBOL_NS_GPL(vmed_type_available, VMED);

static int take_range(unsigned long *map, unsigned int size, unsigned int need,
		      unsigned int *start)
{
	unsigned long pos;

	if (!need) {
		*start = 0;
		return 0;
	}
	pos = bitmap_find_next_zero_area(map, size, 0, need, 0);
	if (pos >= size)
		return -ENOSPC;
	bitmap_set(map, pos, need);
	*start = pos;
	return 0;
}

/**
 * vmed_partition_take() - reserve a vGPU's slices of the device
 * @vgpu: the vGPU, with @dev and @type set
 *
 * Called with the device lock held.
 *
 * Return: 0 or -ENOSPC.
 */
int vmed_partition_take(struct vmed_vgpu *vgpu)
{
	struct vmed_device *dev = vgpu->dev;
	const struct vmed_vendor *v = dev->vendor;
	const struct vmed_vgpu_type *t = vgpu->type;
	unsigned int start;
	int k, ret = 0;

	lockdep_assert_held(&dev->lock);
	if (!type_available_locked(dev, t))
		return -ENOSPC;
	/* Availability guarantees every reservation below succeeds. */
	for (k = 0; !ret && k < VMED_GM_KINDS; k++) {
		ret = take_range(dev->gm_map[k], v->gm_total[k] / VMED_GM_GRANULE,
				 t->gm_size[k] / VMED_GM_GRANULE, &start);
		vgpu->gm_base[k] = (k ? v->gm_total[VMED_GM_MAPPABLE] : 0) +
				   (u64)start * VMED_GM_GRANULE;
		vgpu->gm_size[k] = t->gm_size[k];
	}
	if (!ret)
		ret = take_range(dev->fence_map, v->fences, t->fences, &start);
	if (WARN_ON(ret))
		return ret;
	vgpu->fence_base = start;
	vgpu->fences = t->fences;
	return 0;
}

/**
 * vmed_partition_give() - return a vGPU's slices
 * @vgpu: the vGPU
 *
 * Called with the device lock held.
 */
void vmed_partition_give(struct vmed_vgpu *vgpu)
{
	struct vmed_device *dev = vgpu->dev;
	const struct vmed_vendor *v = dev->vendor;
	int k;

	lockdep_assert_held(&dev->lock);
	for (k = 0; k < VMED_GM_KINDS; k++) {
		u64 base = vgpu->gm_base[k] -
			   (k ? v->gm_total[VMED_GM_MAPPABLE] : 0);

		bitmap_clear(dev->gm_map[k], base / VMED_GM_GRANULE,
			     vgpu->gm_size[k] / VMED_GM_GRANULE);
	}
	bitmap_clear(dev->fence_map, vgpu->fence_base, vgpu->fences);
}
