// SPDX-License-Identifier: GPL-2.0
/*
 * GVT-g-style baselines for the benchmarks; see gvt_base.h for what is
 * modelled and how. Only the i915 (gen8) entry format is implemented.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/rbtree.h>
#include <linux/slab.h>
#include <linux/unaligned.h>
#include <linux/vmalloc.h>
#include "../../core/internal.h"
#include "../../vendors/i915/i915.h"
#include "gvt_base.h"

#define GVT_PT_ENTRIES	512

/* ---- gen8 entry format, one function per access ------------------------ */

static int gen8_get_entry(struct gvt_vgpu *g, void *pt, struct gvt_entry *e,
			  unsigned long index, bool guest, u64 gpa)
{
	/* Guest entries are read one by one through the hypervisor. */
	if (guest)
		return g->hvv->hv->read_gpa(g->hvv, gpa + index * 8,
					    &e->val64, 8);
	e->val64 = ((u64 *)pt)[index];
	return 0;
}

static int gen8_set_entry(void *pt, struct gvt_entry *e, unsigned long index)
{
	WRITE_ONCE(((u64 *)pt)[index], e->val64);
	return 0;
}

static bool gen8_test_present(struct gvt_entry *e)
{
	return e->val64 & I915_PTE_PRESENT;
}

static bool gen8_test_pse(struct gvt_entry *e)
{
	return e->val64 & I915_PTE_PS;
}

static u64 gen8_get_pfn(struct gvt_entry *e)
{
	return (e->val64 & I915_PTE_ADDR) >> PAGE_SHIFT;
}

static void gen8_set_pfn(struct gvt_entry *e, u64 pfn)
{
	e->val64 = (e->val64 & ~I915_PTE_ADDR) |
		   ((pfn << PAGE_SHIFT) & I915_PTE_ADDR);
}

static const struct gvt_pte_ops gen8_pte_ops = {
	.get_entry = gen8_get_entry,
	.set_entry = gen8_set_entry,
	.test_present = gen8_test_present,
	.test_pse = gen8_test_pse,
	.get_pfn = gen8_get_pfn,
	.set_pfn = gen8_set_pfn,
};

/* ---- MMIO: a hash of per-register entries ------------------------------ */

static u32 mmio_hash(u32 offset)
{
	return (offset * 0x61c88647u) >> (32 - GVT_MMIO_HASH_BITS);
}

static struct gvt_mmio_info *find_mmio_info(struct gvt_dev *dev, u32 offset)
{
	struct gvt_mmio_info *info;

	for (info = dev->mmio_hash[mmio_hash(offset)]; info; info = info->next)
		if (info->offset == offset)
			return info;
	return NULL;
}

static int default_read(struct gvt_vgpu *g, u32 offset, void *p,
			unsigned int len)
{
	memcpy(p, g->vreg + offset, len);
	return 0;
}

static int default_write(struct gvt_vgpu *g, u32 offset, const void *p,
			 unsigned int len)
{
	memcpy(g->vreg + offset, p, len);
	return 0;
}

static int ro_write(struct gvt_vgpu *g, u32 offset, const void *p,
		    unsigned int len)
{
	return 0;
}

static int masked_write(struct gvt_vgpu *g, u32 offset, const void *p,
			unsigned int len)
{
	u32 val = get_unaligned_le32(p), old = get_unaligned_le32(g->vreg + offset);
	u32 enable = val >> 16;

	put_unaligned_le32(((old & ~enable) | (val & enable)) & 0xffff,
			   g->vreg + offset);
	return 0;
}

static int w1c_write(struct gvt_vgpu *g, u32 offset, const void *p,
		     unsigned int len)
{
	u32 old = get_unaligned_le32(g->vreg + offset);

	put_unaligned_le32(old & ~get_unaligned_le32(p), g->vreg + offset);
	return 0;
}

static void mmio_info_add(struct gvt_dev *dev, u32 offset, u8 flags,
			  u64 ro_mask)
{
	struct gvt_mmio_info *info = &dev->infos[dev->nr_infos++];
	u32 h = mmio_hash(offset);

	info->offset = offset;
	info->size = 4;
	info->flags = flags;
	info->ro_mask = ro_mask;
	info->read = default_read;
	if (flags & VMED_REG_RO)
		info->write = ro_write;
	else if (flags & VMED_REG_MASKED)
		info->write = masked_write;
	else if (flags & VMED_REG_W1C)
		info->write = w1c_write;
	else
		info->write = default_write;
	info->next = dev->mmio_hash[h];
	dev->mmio_hash[h] = info;
}

/* ---- interrupts -------------------------------------------------------- */

static u32 vreg32(struct gvt_vgpu *g, u32 offset)
{
	return get_unaligned_le32(g->vreg + offset);
}

static void set_vreg32(struct gvt_vgpu *g, u32 offset, u32 val)
{
	put_unaligned_le32(val, g->vreg + offset);
}

static void update_upstream_irq(struct gvt_vgpu *g,
				const struct vmed_irq_group *grp)
{
	const struct vmed_irq_map *irq = &g->dev->vendor->irq;
	u32 master = vreg32(g, irq->master);

	if (vreg32(g, grp->iir) & vreg32(g, grp->ier))
		master |= BIT(grp->master_bit);
	else
		master &= ~BIT(grp->master_bit);
	set_vreg32(g, irq->master, master);
}

static void default_event_virt(struct gvt_vgpu *g, unsigned int event)
{
	const struct vmed_irq_map *irq = &g->dev->vendor->irq;
	const struct vmed_irq_group *grp = &irq->groups[irq->events[event].group];
	u32 bit = BIT(irq->events[event].bit);

	if (!(vreg32(g, grp->imr) & bit))
		set_vreg32(g, grp->iir, vreg32(g, grp->iir) | bit);
	update_upstream_irq(g, grp);
}

static bool gen8_check_pending(struct gvt_vgpu *g)
{
	const struct vmed_irq_map *irq = &g->dev->vendor->irq;
	bool pending = false;
	unsigned int i;

	if (!(vreg32(g, irq->master) & irq->master_enable))
		return false;
	for (i = 0; i < irq->nr_groups; i++) {
		const struct vmed_irq_group *grp = &irq->groups[i];

		if (vreg32(g, grp->iir) & vreg32(g, grp->ier)) {
			update_upstream_irq(g, grp);
			pending = true;
		}
	}
	return pending;
}

static const struct gvt_irq_ops gen8_irq_ops = {
	.check_pending = gen8_check_pending,
};

static void inject_msi(struct gvt_vgpu *g)
{
	unsigned int cap = g->dev->vendor->pci.msi_cap_offset;
	u16 control = get_unaligned_le16(g->cfg + cap + PCI_MSI_FLAGS);
	u64 addr;
	u16 data;

	if (!(control & PCI_MSI_FLAGS_ENABLE))
		return;
	addr = get_unaligned_le32(g->cfg + cap + PCI_MSI_ADDRESS_LO);
	if (control & PCI_MSI_FLAGS_64BIT) {
		addr |= (u64)get_unaligned_le32(g->cfg + cap +
						PCI_MSI_ADDRESS_HI) << 32;
		data = get_unaligned_le16(g->cfg + cap + PCI_MSI_DATA_64);
	} else {
		data = get_unaligned_le16(g->cfg + cap + PCI_MSI_DATA_32);
	}
	if (!g->hvv->hv->inject_msi(g->hvv, addr, data))
		g->msis++;
}

void gvt_irq_raise(struct gvt_vgpu *g, unsigned int event)
{
	g->dev->events[event].v_handler(g, event);
	if (g->dev->irq_ops->check_pending(g))
		inject_msi(g);
}

void gvt_irq_setup(struct gvt_vgpu *g, u64 msi_addr, u32 msi_data)
{
	const struct vmed_irq_map *irq = &g->dev->vendor->irq;
	unsigned int cap = g->dev->vendor->pci.msi_cap_offset, i;

	put_unaligned_le16(PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_64BIT,
			   g->cfg + cap + PCI_MSI_FLAGS);
	put_unaligned_le32(lower_32_bits(msi_addr),
			   g->cfg + cap + PCI_MSI_ADDRESS_LO);
	put_unaligned_le32(upper_32_bits(msi_addr),
			   g->cfg + cap + PCI_MSI_ADDRESS_HI);
	put_unaligned_le16(msi_data, g->cfg + cap + PCI_MSI_DATA_64);
	set_vreg32(g, irq->master, irq->master_enable);
	for (i = 0; i < irq->nr_events; i++) {
		const struct vmed_irq_group *grp =
			&irq->groups[irq->events[i].group];

		set_vreg32(g, grp->imr, vreg32(g, grp->imr) &
			   ~BIT(irq->events[i].bit));
		set_vreg32(g, grp->ier, vreg32(g, grp->ier) |
			   BIT(irq->events[i].bit));
	}
}

/* ---- device and vGPU --------------------------------------------------- */

/*
 * Each register of a table entry at @base (a run has several), one info
 * per dword as GVT-g registers them; with @dev NULL only counts them.
 */
static unsigned int reg_infos_add(struct gvt_dev *dev,
				  const struct vmed_mmio_reg *reg, u32 base)
{
	unsigned int i, dw, n = 0;

	for (i = 0; i < (reg->count ?: 1); i++) {
		for (dw = 0; dw < reg->size / 4; dw++, n++) {
			if (dev)
				mmio_info_add(dev, base + reg->offset +
					      i * reg->size + 4 * dw,
					      reg->flags,
					      reg->ro_mask >> (32 * dw));
		}
	}
	return n;
}

/* Every register of the vendor's table and of each bank. */
static unsigned int vendor_infos_add(struct gvt_dev *dev,
				     const struct vmed_vendor *vendor)
{
	unsigned int i, n = 0;

	for (i = 0; i < vendor->nr_regs; i++)
		n += reg_infos_add(dev, &vendor->regs[i], 0);
	for (i = 0; i < vendor->nr_banks * vendor->nr_bank_regs; i++)
		n += reg_infos_add(dev,
				   &vendor->bank_regs[i % vendor->nr_bank_regs],
				   vendor->bank_base[i / vendor->nr_bank_regs]);
	return n;
}

int gvt_dev_init(struct gvt_dev *dev, const struct vmed_vendor *vendor,
		 struct device *dma_dev, dma_addr_t scratch_dma)
{
	const struct vmed_irq_map *irq = &vendor->irq;
	unsigned int i, n = 1 + 4 * irq->nr_groups;

	memset(dev, 0, sizeof(*dev));
	dev->vendor = vendor;
	dev->dma_dev = dma_dev;
	dev->scratch_dma = scratch_dma;
	dev->ops = &gen8_pte_ops;
	dev->irq_ops = &gen8_irq_ops;
	n += vendor_infos_add(NULL, vendor);
	dev->infos = kcalloc(n, sizeof(*dev->infos), GFP_KERNEL);
	dev->events = kcalloc(irq->nr_events, sizeof(*dev->events),
			      GFP_KERNEL);
	dev->ggtt_host = vzalloc((vendor->gm_total[0] + vendor->gm_total[1]) >>
				 PAGE_SHIFT << 3);
	if (!dev->infos || !dev->events || !dev->ggtt_host) {
		gvt_dev_fini(dev);
		return -ENOMEM;
	}
	vendor_infos_add(dev, vendor);
	mmio_info_add(dev, irq->master, 0, ~(u64)irq->master_enable);
	for (i = 0; i < irq->nr_groups; i++) {
		mmio_info_add(dev, irq->groups[i].isr, VMED_REG_RO, 0);
		mmio_info_add(dev, irq->groups[i].imr, 0, 0);
		mmio_info_add(dev, irq->groups[i].iir, VMED_REG_W1C, 0);
		mmio_info_add(dev, irq->groups[i].ier, 0, 0);
	}
	for (i = 0; i < irq->nr_events; i++)
		dev->events[i].v_handler = default_event_virt;
	return 0;
}

void gvt_dev_fini(struct gvt_dev *dev)
{
	kfree(dev->infos);
	kfree(dev->events);
	vfree(dev->ggtt_host);
	dev->infos = NULL;
	dev->events = NULL;
	dev->ggtt_host = NULL;
}

int gvt_vgpu_init(struct gvt_vgpu *g, struct gvt_dev *dev,
		  struct vmed_vgpu *hvv, u32 ggtt_first, u32 ggtt_count)
{
	memset(g, 0, sizeof(*g));
	g->dev = dev;
	g->hvv = hvv;
	mutex_init(&g->lock);
	g->gfn_cache = RB_ROOT;
	g->dma_cache = RB_ROOT;
	g->ggtt_first = ggtt_first;
	g->ggtt_count = ggtt_count;
	/* The flat virtual register file, as GVT-g's vreg. */
	g->vreg = vzalloc(dev->vendor->mmio_size);
	g->ggtt_guest = vzalloc((size_t)ggtt_count * 8);
	if (!g->vreg || !g->ggtt_guest) {
		gvt_vgpu_fini(g);
		return -ENOMEM;
	}
	return 0;
}

static void gvt_ggtt_clear(struct gvt_vgpu *g);

void gvt_vgpu_fini(struct gvt_vgpu *g)
{
	if (g->ggtt_guest)
		gvt_ggtt_clear(g);
	vfree(g->vreg);
	vfree(g->ggtt_guest);
	g->vreg = NULL;
	g->ggtt_guest = NULL;
	mutex_destroy(&g->lock);
}

/* ---- DMA cache: two rb-trees ------------------------------------------- */

static struct gvt_dma *cache_find_gfn(struct gvt_vgpu *g, u64 gfn)
{
	struct rb_node *node = g->gfn_cache.rb_node;

	while (node) {
		struct gvt_dma *itr = rb_entry(node, struct gvt_dma, gfn_node);

		if (gfn < itr->gfn)
			node = node->rb_left;
		else if (gfn > itr->gfn)
			node = node->rb_right;
		else
			return itr;
	}
	return NULL;
}

static struct gvt_dma *cache_find_dma(struct gvt_vgpu *g, dma_addr_t dma)
{
	struct rb_node *node = g->dma_cache.rb_node;

	while (node) {
		struct gvt_dma *itr = rb_entry(node, struct gvt_dma, dma_node);

		if (dma < itr->dma)
			node = node->rb_left;
		else if (dma > itr->dma)
			node = node->rb_right;
		else
			return itr;
	}
	return NULL;
}

static int cache_add(struct gvt_vgpu *g, u64 gfn, dma_addr_t dma,
		     unsigned long size)
{
	struct gvt_dma *new, *itr;
	struct rb_node **link, *parent = NULL;

	new = kzalloc(sizeof(*new), GFP_KERNEL);
	if (!new)
		return -ENOMEM;
	new->gfn = gfn;
	new->dma = dma;
	new->size = size;
	new->ref = 1;

	link = &g->gfn_cache.rb_node;
	while (*link) {
		parent = *link;
		itr = rb_entry(parent, struct gvt_dma, gfn_node);
		link = gfn < itr->gfn ? &parent->rb_left : &parent->rb_right;
	}
	rb_link_node(&new->gfn_node, parent, link);
	rb_insert_color(&new->gfn_node, &g->gfn_cache);

	parent = NULL;
	link = &g->dma_cache.rb_node;
	while (*link) {
		parent = *link;
		itr = rb_entry(parent, struct gvt_dma, dma_node);
		link = dma < itr->dma ? &parent->rb_left : &parent->rb_right;
	}
	rb_link_node(&new->dma_node, parent, link);
	rb_insert_color(&new->dma_node, &g->dma_cache);
	g->nr_cache++;
	return 0;
}

static void cache_unmap_remove(struct gvt_vgpu *g, struct gvt_dma *entry)
{
	unsigned int k, n = entry->size >> PAGE_SHIFT;

	for (k = 0; k < n; k++) {
		g->batch_gfn[k] = entry->gfn + k;
		g->batch_dma[k] = entry->dma + ((u64)k << PAGE_SHIFT);
	}
	g->hvv->hv->dma_unmap(g->hvv, g->batch_gfn, g->batch_dma, n);
	rb_erase(&entry->gfn_node, &g->gfn_cache);
	rb_erase(&entry->dma_node, &g->dma_cache);
	g->nr_cache--;
	kfree(entry);
}

int gvt_dma_map(struct gvt_vgpu *g, u64 gfn, unsigned long size,
		dma_addr_t *dma)
{
	unsigned int k, n = size >> PAGE_SHIFT;
	struct gvt_dma *entry;
	bool ok = true;
	int ret;

	entry = cache_find_gfn(g, gfn);
	if (entry && entry->size == size) {
		entry->ref++;
		*dma = entry->dma;
		return 0;
	}
	/* A cached page of another size is dropped and mapped again. */
	if (entry)
		cache_unmap_remove(g, entry);
	if (n > ARRAY_SIZE(g->batch_gfn))
		return -EINVAL;
	for (k = 0; k < n; k++)
		g->batch_gfn[k] = gfn + k;
	ret = g->hvv->hv->dma_map(g->hvv, g->batch_gfn, n, g->batch_dma);
	if (ret)
		return ret;
	for (k = 0; k < n; k++)
		ok &= g->batch_dma[k] == g->batch_dma[0] + ((u64)k << PAGE_SHIFT);
	if (!ok || cache_add(g, gfn, g->batch_dma[0], size)) {
		for (k = 0; k < n; k++)
			if (g->batch_dma[k] == DMA_MAPPING_ERROR)
				break;
		g->hvv->hv->dma_unmap(g->hvv, g->batch_gfn, g->batch_dma, k);
		return -EINVAL;
	}
	*dma = g->batch_dma[0];
	return 0;
}

void gvt_dma_unmap(struct gvt_vgpu *g, dma_addr_t dma)
{
	struct gvt_dma *entry = cache_find_dma(g, dma);

	if (entry && !--entry->ref)
		cache_unmap_remove(g, entry);
}

int gvt_dma_lookup(struct gvt_vgpu *g, u64 gfn, dma_addr_t *dma)
{
	struct gvt_dma *entry = cache_find_gfn(g, gfn);

	if (!entry)
		return -ENOENT;
	*dma = entry->dma;
	return 0;
}

int gvt_dma_to_gfn(struct gvt_vgpu *g, dma_addr_t dma, u64 *gfn)
{
	struct gvt_dma *entry = cache_find_dma(g, dma);

	if (!entry)
		return -ENOENT;
	*gfn = entry->gfn;
	return 0;
}

void gvt_dma_invalidate(struct gvt_vgpu *g, u64 gfn, u64 nr)
{
	struct gvt_dma *entry;
	u64 k;

	for (k = 0; k < nr; k++) {
		entry = cache_find_gfn(g, gfn + k);
		if (entry)
			cache_unmap_remove(g, entry);
	}
}

/* ---- GGTT -------------------------------------------------------------- */

static int gvt_ggtt_write(struct gvt_vgpu *g, u64 offset, const void *buf,
			  unsigned int len)
{
	const struct gvt_pte_ops *ops = g->dev->ops;
	u32 index = offset / 8, slot = index - g->ggtt_first;
	struct gvt_entry e, m, old;
	dma_addr_t dma;

	if (len != 4 && len != 8)
		return -EINVAL;
	if (slot >= g->ggtt_count)
		return 0;
	memcpy((u8 *)&g->ggtt_guest[slot] + offset % 8, buf, len);
	e.val64 = g->ggtt_guest[slot];
	m = e;
	if (ops->test_present(&e) &&
	    !gvt_dma_map(g, ops->get_pfn(&e), PAGE_SIZE, &dma)) {
		ops->set_pfn(&m, dma >> PAGE_SHIFT);
	} else {
		ops->set_pfn(&m, g->dev->scratch_dma >> PAGE_SHIFT);
	}
	ops->get_entry(g, g->dev->ggtt_host, &old, index, false, 0);
	ops->set_entry(g->dev->ggtt_host, &m, index);
	if (ops->test_present(&old) &&
	    ops->get_pfn(&old) != g->dev->scratch_dma >> PAGE_SHIFT)
		gvt_dma_unmap(g, ops->get_pfn(&old) << PAGE_SHIFT);
	return 0;
}

/* Every entry of the slice back to nothing, its frame released. */
static void gvt_ggtt_clear(struct gvt_vgpu *g)
{
	const struct gvt_pte_ops *ops = g->dev->ops;
	struct gvt_entry old, none = { 0 };
	u32 slot;

	for (slot = 0; slot < g->ggtt_count; slot++) {
		u32 index = g->ggtt_first + slot;

		ops->get_entry(g, g->dev->ggtt_host, &old, index, false, 0);
		ops->set_entry(g->dev->ggtt_host, &none, index);
		if (ops->test_present(&old) &&
		    ops->get_pfn(&old) != g->dev->scratch_dma >> PAGE_SHIFT)
			gvt_dma_unmap(g, ops->get_pfn(&old) << PAGE_SHIFT);
		g->ggtt_guest[slot] = 0;
	}
}

static int gvt_ggtt_read(struct gvt_vgpu *g, u64 offset, void *buf,
			 unsigned int len)
{
	u32 slot = offset / 8 - g->ggtt_first;
	u64 val = slot < g->ggtt_count ? g->ggtt_guest[slot] : 0;

	if (len != 4 && len != 8)
		return -EINVAL;
	val >>= 8 * (offset % 8);
	memcpy(buf, &val, len);
	return 0;
}

/* ---- MMIO entry points ------------------------------------------------- */

static bool gvt_in_ggtt(struct gvt_vgpu *g, u64 offset)
{
	const struct vmed_vendor *v = g->dev->vendor;
	u64 bytes = (v->gm_total[0] + v->gm_total[1]) >> PAGE_SHIFT << 3;

	return offset >= v->ggtt_offset && offset - v->ggtt_offset < bytes;
}

int gvt_mmio_read(struct gvt_vgpu *g, u64 offset, void *buf, unsigned int len)
{
	const struct vmed_vendor *v = g->dev->vendor;
	struct gvt_mmio_info *info;
	int ret = -EINVAL;

	mutex_lock(&g->lock);
	if (len > 8 || !len || (offset & (len - 1)))
		goto out;
	if (gvt_in_ggtt(g, offset)) {
		ret = gvt_ggtt_read(g, offset - v->ggtt_offset, buf, len);
		goto out;
	}
	if (offset >= v->mmio_size)
		goto out;
	info = find_mmio_info(g->dev, offset & ~3u);
	ret = info ? info->read(g, offset, buf, len) :
		     default_read(g, offset, buf, len);
out:
	mutex_unlock(&g->lock);
	return ret;
}

int gvt_mmio_write(struct gvt_vgpu *g, u64 offset, const void *buf,
		   unsigned int len)
{
	const struct vmed_vendor *v = g->dev->vendor;
	struct gvt_mmio_info *info;
	u64 old = 0, new = 0;
	int ret = -EINVAL;

	mutex_lock(&g->lock);
	if (len > 8 || !len || (offset & (len - 1)))
		goto out;
	if (gvt_in_ggtt(g, offset)) {
		ret = gvt_ggtt_write(g, offset - v->ggtt_offset, buf, len);
		goto out;
	}
	if (offset >= v->mmio_size)
		goto out;
	info = find_mmio_info(g->dev, offset & ~3u);
	if (!info) {
		ret = default_write(g, offset, buf, len);
		goto out;
	}
	if (info->ro_mask)
		memcpy(&old, g->vreg + offset, len);
	ret = info->write(g, offset, buf, len);
	if (info->ro_mask) {
		memcpy(&new, g->vreg + offset, len);
		new = (old & info->ro_mask) | (new & ~info->ro_mask);
		memcpy(g->vreg + offset, &new, len);
	}
out:
	mutex_unlock(&g->lock);
	return ret;
}

/* ---- PPGTT ------------------------------------------------------------- */

static u32 spt_hash(u64 gfn)
{
	return (gfn * 0x61c8864680b583ebull) >> (64 - GVT_SPT_HASH_BITS);
}

static struct gvt_spt *spt_find(struct gvt_vgpu *g, u64 gfn,
				unsigned int level)
{
	struct gvt_spt *spt;

	for (spt = g->spt_hash[spt_hash(gfn)]; spt; spt = spt->hash_next)
		if (spt->gfn == gfn && spt->level == level)
			return spt;
	return NULL;
}

static void spt_free(struct gvt_vgpu *g, struct gvt_spt *spt)
{
	struct gvt_spt **pos = &g->spt_hash[spt_hash(spt->gfn)];

	while (*pos != spt)
		pos = &(*pos)->hash_next;
	*pos = spt->hash_next;
	if (g->hvv->hv->track_remove)
		g->hvv->hv->track_remove(g->hvv, &spt->gfn, 1);
	dma_unmap_page(g->dev->dma_dev, spt->dma, PAGE_SIZE, DMA_BIDIRECTIONAL);
	__free_page(spt->page);
	kfree(spt->child);
	kfree(spt);
	g->nr_spts--;
}

static struct gvt_spt *spt_alloc(struct gvt_vgpu *g, u64 gfn,
				 unsigned int level)
{
	struct gvt_spt *spt = kzalloc(sizeof(*spt), GFP_KERNEL);
	u32 h = spt_hash(gfn);

	if (!spt)
		return ERR_PTR(-ENOMEM);
	spt->gfn = gfn;
	spt->level = level;
	spt->refs = 1;
	spt->page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (level)
		spt->child = kcalloc(GVT_PT_ENTRIES, sizeof(*spt->child),
				     GFP_KERNEL);
	if (!spt->page || (level && !spt->child))
		goto err;
	spt->shadow = page_address(spt->page);
	spt->dma = dma_map_page(g->dev->dma_dev, spt->page, 0, PAGE_SIZE,
				DMA_BIDIRECTIONAL);
	if (dma_mapping_error(g->dev->dma_dev, spt->dma))
		goto err;
	/* One track call per table. */
	if (g->hvv->hv->track_add && g->hvv->hv->track_add(g->hvv, &gfn, 1)) {
		dma_unmap_page(g->dev->dma_dev, spt->dma, PAGE_SIZE,
			       DMA_BIDIRECTIONAL);
		goto err;
	}
	spt->hash_next = g->spt_hash[h];
	g->spt_hash[h] = spt;
	g->nr_spts++;
	return spt;
err:
	if (spt->page)
		__free_page(spt->page);
	kfree(spt->child);
	kfree(spt);
	return ERR_PTR(-ENOMEM);
}

static struct gvt_spt *spt_get(struct gvt_vgpu *g, u64 gfn,
			       unsigned int level);

/* Build shadow entry @i of @spt from guest entry @ge into @se. */
static void spt_shadow_one(struct gvt_vgpu *g, struct gvt_spt *spt,
			   unsigned int i, struct gvt_entry *ge,
			   struct gvt_entry *se)
{
	const struct gvt_pte_ops *ops = g->dev->ops;
	struct gvt_spt *child;
	dma_addr_t dma;

	*se = *ge;
	if (!ops->test_present(ge)) {
		se->val64 = 0;
		return;
	}
	if (!spt->level || (spt->level == 1 && ops->test_pse(ge))) {
		unsigned long size = spt->level ? SZ_2M : PAGE_SIZE;

		if (gvt_dma_map(g, ops->get_pfn(ge), size, &dma))
			ops->set_pfn(se, g->dev->scratch_dma >> PAGE_SHIFT);
		else
			ops->set_pfn(se, dma >> PAGE_SHIFT);
		return;
	}
	child = spt_get(g, ops->get_pfn(ge), spt->level - 1);
	if (IS_ERR(child)) {
		se->val64 = 0;
		return;
	}
	spt->child[i] = child;
	ops->set_pfn(se, child->dma >> PAGE_SHIFT);
}

static struct gvt_spt *spt_get(struct gvt_vgpu *g, u64 gfn,
			       unsigned int level)
{
	const struct gvt_pte_ops *ops = g->dev->ops;
	struct gvt_entry ge, se;
	struct gvt_spt *spt;
	unsigned int i;

	spt = spt_find(g, gfn, level);
	if (spt) {
		spt->refs++;
		return spt;
	}
	spt = spt_alloc(g, gfn, level);
	if (IS_ERR(spt))
		return spt;
	for (i = 0; i < GVT_PT_ENTRIES; i++) {
		if (ops->get_entry(g, NULL, &ge, i, true, gfn << PAGE_SHIFT) ||
		    !ops->test_present(&ge))
			continue;
		spt_shadow_one(g, spt, i, &ge, &se);
		ops->set_entry(spt->shadow, &se, i);
	}
	return spt;
}

struct gvt_spt *gvt_ppgtt_shadow(struct gvt_vgpu *g, u64 root_gfn,
				 unsigned int levels)
{
	return spt_get(g, root_gfn, levels - 1);
}

/* Release what shadow entry @se of @spt (child @child) holds. */
static void spt_drop_entry(struct gvt_vgpu *g, struct gvt_entry *se,
			   struct gvt_spt *child)
{
	const struct gvt_pte_ops *ops = g->dev->ops;

	if (!ops->test_present(se))
		return;
	if (child)
		gvt_ppgtt_put(g, child);
	else
		gvt_dma_unmap(g, ops->get_pfn(se) << PAGE_SHIFT);
}

void gvt_ppgtt_put(struct gvt_vgpu *g, struct gvt_spt *spt)
{
	const struct gvt_pte_ops *ops = g->dev->ops;
	struct gvt_entry se;
	unsigned int i;

	if (--spt->refs)
		return;
	for (i = 0; i < GVT_PT_ENTRIES; i++) {
		ops->get_entry(g, spt->shadow, &se, i, false, 0);
		spt_drop_entry(g, &se, spt->child ? spt->child[i] : NULL);
	}
	spt_free(g, spt);
}

int gvt_ppgtt_translate(struct gvt_vgpu *g, struct gvt_spt *spt, u64 va,
			dma_addr_t *dma)
{
	const struct gvt_pte_ops *ops = g->dev->ops;
	struct gvt_entry se;

	for (;;) {
		unsigned int shift = PAGE_SHIFT + 9 * spt->level;

		ops->get_entry(g, spt->shadow, &se, (va >> shift) & 511, false, 0);
		if (!ops->test_present(&se))
			return -EFAULT;
		if (spt->child && spt->child[(va >> shift) & 511]) {
			spt = spt->child[(va >> shift) & 511];
			continue;
		}
		*dma = (ops->get_pfn(&se) << PAGE_SHIFT) +
		       (va & (BIT_ULL(shift) - 1));
		return 0;
	}
}

int gvt_page_write(struct gvt_vgpu *g, u64 gpa, const void *buf,
		   unsigned int len)
{
	const struct gvt_pte_ops *ops = g->dev->ops;
	unsigned int level, index = offset_in_page(gpa) / 8;
	u64 gfn = gpa >> PAGE_SHIFT;
	struct gvt_entry we, se, old;
	struct gvt_spt *spt = NULL, *old_child;

	if (len != 8 || gpa % 8)
		return -EINVAL;
	mutex_lock(&g->lock);
	for (level = 0; !spt && level < 4; level++)
		spt = spt_find(g, gfn, level);
	if (!spt)
		goto out;
	/* The new guest entry is read back through the hypervisor. */
	if (ops->get_entry(g, NULL, &we, index, true, gfn << PAGE_SHIFT))
		goto out;
	ops->get_entry(g, spt->shadow, &old, index, false, 0);
	old_child = spt->child ? spt->child[index] : NULL;
	if (old_child)
		spt->child[index] = NULL;
	spt_shadow_one(g, spt, index, &we, &se);
	ops->set_entry(spt->shadow, &se, index);
	spt_drop_entry(g, &old, old_child);
out:
	mutex_unlock(&g->lock);
	return 0;
}
