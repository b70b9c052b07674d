// SPDX-License-Identifier: GPL-2.0
/*
 * Trapped MMIO dispatch.
 *
 * The register BAR holds the register window [0, mmio_size) and the GGTT
 * [ggtt_offset, ggtt_offset + entries * entry_size). Accesses are 1, 2, 4 or
 * 8 bytes, naturally aligned; anything else is refused.
 *
 * Register lookup is O(1) without allocation: the device keeps, per 4 KiB of
 * the register window that holds table registers, an array of 1024 slot
 * numbers (one per dword). A dword with no slot is a plain virtual register.
 *
 * The virtual register file is allocated a page at a time: pages holding
 * table registers at vGPU creation, other pages on the first guest write to
 * them. A guest can therefore make the core allocate at most mmio_size bytes
 * per vGPU, once; reads of never-written pages return zero.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/unaligned.h>
#include "internal.h"
#include "ops.h"
#include "trace.h"

/*
 * 1, 2, 4 or 8 bytes at an offset aligned to them. Every trapped access
 * passes here: masks, not divisions (the size is not a constant).
 */
static bool access_size_ok(u64 offset, unsigned int size)
{
	/* Bits 1, 2, 4 and 8 of the constant name the sizes. */
	return size <= 8 && (0x116u >> size) & 1 && !(offset & (size - 1));
}

static u64 size_mask(unsigned int size)
{
	return ~0ull >> (64 - 8 * size);
}

static u32 ggtt_bytes(const struct vmed_device *dev)
{
	return dev->ggtt_entries * dev->vendor->ggtt_format.entry_size;
}

static int regs_add(struct vmed_device *dev, const struct vmed_mmio_reg *reg,
		    u8 irq_kind, u8 irq_group)
{
	unsigned int slot = dev->nr_slots, dw;

	if ((reg->size != 4 && reg->size != 8) || reg->offset % reg->size ||
	    reg->size > dev->vendor->mmio_size ||
	    reg->offset > dev->vendor->mmio_size - reg->size ||
	    ((reg->flags & VMED_REG_MASKED) && reg->size != 4) ||
	    slot >= U16_MAX)
		return -EINVAL;
	for (dw = reg->offset >> 2; dw < (reg->offset + reg->size) >> 2; dw++) {
		u16 **page = &dev->reg_pages[dw / VMED_REG_PAGE_SLOTS];

		if (!*page) {
			*page = kcalloc(VMED_REG_PAGE_SLOTS, sizeof(u16),
					GFP_KERNEL);
			if (!*page)
				return -ENOMEM;
		}
		if ((*page)[dw % VMED_REG_PAGE_SLOTS])
			return -EEXIST;
		(*page)[dw % VMED_REG_PAGE_SLOTS] = slot + 1;
	}
	dev->slots[slot].reg = reg;
	dev->slots[slot].irq_kind = irq_kind;
	dev->slots[slot].irq_group = irq_group;
	dev->slots[slot].plain = !irq_kind && !reg->flags && !reg->ro_mask &&
				 !reg->read && !reg->write;
	dev->nr_slots++;
	return 0;
}

static unsigned int reg_run(const struct vmed_mmio_reg *reg)
{
	return reg->count ?: 1;
}

/*
 * Adds @reg moved to @base, as copies in @copies (room for its run) when it
 * moves or describes a run: a hook must see the register's own offset.
 * Returns the number of copies used, or an error with the offending
 * register's offset in @bad.
 */
static int regs_add_placed(struct vmed_device *dev,
			   const struct vmed_mmio_reg *reg, u32 base,
			   struct vmed_mmio_reg *copies, u64 *bad)
{
	unsigned int i;
	int ret;

	*bad = (u64)reg->offset + base;
	if (!base && reg_run(reg) == 1)
		return regs_add(dev, reg, VMED_IRQ_REG_NONE, 0);
	for (i = 0; i < reg_run(reg); i++) {
		u64 offset = (u64)reg->offset + base + (u64)i * reg->size;

		copies[i] = *reg;
		copies[i].count = 1;
		/* Past 4 GiB: refused below as out of the window. */
		copies[i].offset = offset > U32_MAX ? U32_MAX & ~7u : offset;
		ret = regs_add(dev, &copies[i], VMED_IRQ_REG_NONE, 0);
		if (ret) {
			*bad = offset;
			return ret;
		}
	}
	return i;
}

static void irq_reg_init(struct vmed_mmio_reg *reg, u32 offset, u8 flags,
			 u64 ro_mask)
{
	reg->offset = offset;
	reg->size = 4;
	reg->flags = flags;
	reg->ro_mask = ro_mask;
}

/**
 * vmed_regs_build() - build the O(1) register lookup of a device
 * @dev: the device; vendor set
 *
 * Adds the vendor's registers (every register of a run), each bank's copy
 * of its bank registers and the interrupt registers of the interrupt map,
 * which the core implements itself.
 *
 * Return: 0, -EINVAL for a malformed table or more registers than the
 * lookup can number (U16_MAX), -EEXIST for overlapping registers, -ENOMEM.
 */
int vmed_regs_build(struct vmed_device *dev)
{
	const struct vmed_vendor *vendor = dev->vendor;
	const struct vmed_irq_map *irq = &vendor->irq;
	unsigned int i, nr_irq_regs = 1 + 4 * irq->nr_groups;
	u64 nr_table = 0, nr_copies = 0, nr_bank = 0, bad;
	struct vmed_mmio_reg *copy;
	int ret;

	for (i = 0; i < vendor->nr_regs; i++) {
		nr_table += reg_run(&vendor->regs[i]);
		if (reg_run(&vendor->regs[i]) > 1)
			nr_copies += reg_run(&vendor->regs[i]);
	}
	for (i = 0; i < vendor->nr_bank_regs; i++)
		nr_bank += reg_run(&vendor->bank_regs[i]);
	nr_bank *= vendor->nr_banks;
	nr_copies += nr_bank;
	/* Slot numbers are 16 bits, 0 meaning none. */
	if (nr_table + nr_bank + nr_irq_regs > U16_MAX) {
		pr_err("%s: too many registers\n", vendor->name);
		return -EINVAL;
	}

	dev->nr_reg_pages = DIV_ROUND_UP(vendor->mmio_size,
					 1u << VMED_REG_PAGE_SHIFT);
	dev->reg_pages = kcalloc(dev->nr_reg_pages, sizeof(*dev->reg_pages),
				 GFP_KERNEL);
	dev->slots = kcalloc(nr_table + nr_bank + nr_irq_regs,
			     sizeof(*dev->slots), GFP_KERNEL);
	dev->reg_copies = kcalloc(nr_copies, sizeof(*dev->reg_copies),
				  GFP_KERNEL);
	dev->irq_regs = kcalloc(nr_irq_regs, sizeof(*dev->irq_regs),
				GFP_KERNEL);
	dev->unknown_seen = bitmap_zalloc(vendor->mmio_size / 4, GFP_KERNEL);
	if (!dev->reg_pages || !dev->slots || !dev->irq_regs ||
	    !dev->unknown_seen || (nr_copies && !dev->reg_copies)) {
		ret = -ENOMEM;
		goto err;
	}

	copy = dev->reg_copies;
	for (i = 0; i < vendor->nr_regs; i++) {
		ret = regs_add_placed(dev, &vendor->regs[i], 0, copy, &bad);
		if (ret < 0) {
			pr_err("%s: register %#llx: bad or duplicate entry\n",
			       vendor->name, bad);
			goto err;
		}
		copy += ret;
	}
	for (i = 0; i < vendor->nr_banks * vendor->nr_bank_regs; i++) {
		const struct vmed_mmio_reg *r =
			&vendor->bank_regs[i % vendor->nr_bank_regs];
		u32 base = vendor->bank_base[i / vendor->nr_bank_regs];

		ret = regs_add_placed(dev, r, base, copy, &bad);
		if (ret < 0) {
			pr_err("%s: bank register %#llx: bad or duplicate entry\n",
			       vendor->name, bad);
			goto err;
		}
		copy += ret;
	}

	irq_reg_init(&dev->irq_regs[0], irq->master, 0, ~(u64)irq->master_enable);
	ret = regs_add(dev, &dev->irq_regs[0], VMED_IRQ_REG_MASTER, 0);
	for (i = 0; !ret && i < irq->nr_groups; i++) {
		const struct vmed_irq_group *g = &irq->groups[i];
		struct vmed_mmio_reg *r = &dev->irq_regs[1 + 4 * i];

		irq_reg_init(&r[0], g->isr, VMED_REG_RO, ~0ull);
		irq_reg_init(&r[1], g->imr, 0, 0);
		irq_reg_init(&r[2], g->iir, VMED_REG_W1C, 0);
		irq_reg_init(&r[3], g->ier, 0, 0);
		r[1].reset = ~0u;
		ret = regs_add(dev, &r[0], VMED_IRQ_REG_ISR, i) ?:
		      regs_add(dev, &r[1], VMED_IRQ_REG_IMR, i) ?:
		      regs_add(dev, &r[2], VMED_IRQ_REG_IIR, i) ?:
		      regs_add(dev, &r[3], VMED_IRQ_REG_IER, i);
	}
	if (ret) {
		pr_err("%s: interrupt registers overlap or are bad\n",
		       vendor->name);
		goto err;
	}
	return 0;
err:
	vmed_regs_free(dev);
	return ret;
}

/**
 * vmed_regs_free() - free the register lookup
 * @dev: the device
 */
void vmed_regs_free(struct vmed_device *dev)
{
	unsigned int i;

	for (i = 0; dev->reg_pages && i < dev->nr_reg_pages; i++)
		kfree(dev->reg_pages[i]);
	kfree(dev->reg_pages);
	kfree(dev->slots);
	kfree(dev->reg_copies);
	kfree(dev->irq_regs);
	bitmap_free(dev->unknown_seen);
	dev->unknown_seen = NULL;
	dev->reg_pages = NULL;
	dev->reg_copies = NULL;
	dev->slots = NULL;
	dev->irq_regs = NULL;
	dev->nr_slots = 0;
}

static const struct vmed_reg_slot *reg_lookup(const struct vmed_device *dev,
					      u32 offset)
{
	u32 dw = offset >> 2;
	const u16 *page = dev->reg_pages[dw / VMED_REG_PAGE_SLOTS];
	u16 slot;

	if (!page)
		return NULL;
	slot = page[dw % VMED_REG_PAGE_SLOTS];
	return slot ? &dev->slots[slot - 1] : NULL;
}

/**
 * vmed_vreg_slot() - where the virtual register at @offset is stored
 * @vgpu: the vGPU
 * @offset: 8-byte aligned offset in the register window
 * @alloc: allocate the backing page if it does not exist
 *
 * Return: the storage, or NULL if the page does not exist (and @alloc is
 * false or the allocation failed).
 */
u64 *vmed_vreg_slot(struct vmed_vgpu *vgpu, u32 offset, bool alloc)
{
	void **page = &vgpu->vregs.pages[offset >> VMED_REG_PAGE_SHIFT];

	if (!*page && alloc)
		*page = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!*page)
		return NULL;
	return *page + (offset & (BIT(VMED_REG_PAGE_SHIFT) - 1));
}

/**
 * vmed_vreg_read() - read the virtual register file
 * @vgpu: the vGPU; its lock held
 * @offset: offset in the register window, aligned to @size
 * @size: 1, 2, 4 or 8
 *
 * Return: the stored value, 0 for registers never written or out of range.
 */
u64 vmed_vreg_read(struct vmed_vgpu *vgpu, u32 offset, unsigned int size)
{
	u64 *slot;

	if (!access_size_ok(offset, size) ||
	    offset >= vgpu->dev->vendor->mmio_size)
		return 0;
	slot = vmed_vreg_slot(vgpu, offset & ~7u, false);
	if (!slot)
		return 0;
	return (*slot >> (8 * (offset & 7))) & size_mask(size);
}
EXPORT_SYMBOL_NS_GPL(vmed_vreg_read, VMED);

/* Store @val in the register file: the core's own writes (resets, guests). */
static int vreg_store(struct vmed_vgpu *vgpu, u32 offset, unsigned int size,
		      u64 val)
{
	unsigned int shift = 8 * (offset & 7);
	u64 *slot, mask;

	slot = vmed_vreg_slot(vgpu, offset & ~7u, true);
	if (!slot)
		return -ENOMEM;
	mask = size_mask(size) << shift;
	*slot = (*slot & ~mask) | ((val << shift) & mask);
	return 0;
}

static bool slot_is_latch(const struct vmed_reg_slot *slot)
{
	return slot && (slot->irq_kind == VMED_IRQ_REG_IIR ||
			slot->irq_kind == VMED_IRQ_REG_IER);
}

/*
 * Do the @size bytes at @offset touch an IIR or IER, whose values the
 * interrupt state follows (irq.c)?
 */
static bool vreg_is_latch(const struct vmed_device *dev, u32 offset,
			  unsigned int size)
{
	return slot_is_latch(reg_lookup(dev, offset)) ||
	       (size == 8 && slot_is_latch(reg_lookup(dev, offset + 4)));
}

/**
 * vmed_vreg_write() - write the virtual register file, bypassing guest rules
 * @vgpu: the vGPU; its lock held
 * @offset: offset in the register window, aligned to @size
 * @size: 1, 2, 4 or 8
 * @val: the value
 *
 * For vendors: hardware-side updates such as status registers (an
 * interrupt group's ISR too). The interrupt identity and enable registers
 * (IIR, IER) are the core's, whose interrupt state follows them: events go
 * through vmed_irq_raise(), and a write here that touches one is refused.
 *
 * Return: 0, -EINVAL for a bad offset or size or an IIR or IER, -ENOMEM.
 */
int vmed_vreg_write(struct vmed_vgpu *vgpu, u32 offset, unsigned int size,
		    u64 val)
{
	if (!access_size_ok(offset, size) ||
	    offset >= vgpu->dev->vendor->mmio_size ||
	    vreg_is_latch(vgpu->dev, offset, size))
		return -EINVAL;
	return vreg_store(vgpu, offset, size, val);
}
EXPORT_SYMBOL_NS_GPL(vmed_vreg_write, VMED);

static u64 *table_reg_storage(struct vmed_vgpu *vgpu,
			      const struct vmed_mmio_reg *reg)
{
	return vmed_table_reg_qword(vgpu, reg->offset);
}

static u64 table_reg_load(struct vmed_vgpu *vgpu,
			  const struct vmed_mmio_reg *reg)
{
	return (*table_reg_storage(vgpu, reg) >> (8 * (reg->offset & 7))) &
	       size_mask(reg->size);
}

static void table_reg_store(struct vmed_vgpu *vgpu,
			    const struct vmed_mmio_reg *reg, u64 val)
{
	unsigned int shift = 8 * (reg->offset & 7);
	u64 mask = size_mask(reg->size) << shift;
	u64 *storage = table_reg_storage(vgpu, reg);

	*storage = (*storage & ~mask) | ((val << shift) & mask);
}

/**
 * vmed_vregs_init() - allocate the virtual register file
 * @vgpu: the vGPU
 *
 * Return: 0 or -ENOMEM.
 */
int vmed_vregs_init(struct vmed_vgpu *vgpu)
{
	struct vmed_device *dev = vgpu->dev;
	unsigned int i;

	vgpu->vregs.nr_pages = dev->nr_reg_pages;
	vgpu->vregs.pages = kcalloc(dev->nr_reg_pages, sizeof(void *),
				    GFP_KERNEL_ACCOUNT);
	if (!vgpu->vregs.pages)
		return -ENOMEM;
	/* Table registers never allocate on the access path. */
	for (i = 0; i < dev->nr_reg_pages; i++) {
		if (dev->reg_pages[i] &&
		    !vmed_vreg_slot(vgpu, i << VMED_REG_PAGE_SHIFT, true)) {
			vmed_vregs_fini(vgpu);
			return -ENOMEM;
		}
	}
	vmed_vregs_reset(vgpu);
	return 0;
}

/**
 * vmed_vregs_reset() - all registers back to their reset values
 * @vgpu: the vGPU
 */
void vmed_vregs_reset(struct vmed_vgpu *vgpu)
{
	struct vmed_device *dev = vgpu->dev;
	unsigned int i;

	for (i = 0; i < vgpu->vregs.nr_pages; i++) {
		if (!vgpu->vregs.pages[i])
			continue;
		/* Pages the guest made up are given back. */
		if (!dev->reg_pages[i]) {
			free_page((unsigned long)vgpu->vregs.pages[i]);
			vgpu->vregs.pages[i] = NULL;
			continue;
		}
		clear_page(vgpu->vregs.pages[i]);
	}
	for (i = 0; i < dev->nr_slots; i++) {
		const struct vmed_mmio_reg *reg = dev->slots[i].reg;

		vreg_store(vgpu, reg->offset, reg->size, reg->reset);
	}
}

/**
 * vmed_vregs_fini() - free the virtual register file
 * @vgpu: the vGPU
 */
void vmed_vregs_fini(struct vmed_vgpu *vgpu)
{
	unsigned int i;

	for (i = 0; vgpu->vregs.pages && i < vgpu->vregs.nr_pages; i++)
		free_page((unsigned long)vgpu->vregs.pages[i]);
	kfree(vgpu->vregs.pages);
	vgpu->vregs.pages = NULL;
}

/**
 * vmed_reg_apply() - the value a register holds after a guest write
 * @reg: the register
 * @old: its value before
 * @val: the written bits, aligned to the register
 * @wmask: which bits the access covered
 *
 * Return: the new value, with read-only, masked-write and write-1-to-clear
 * rules applied.
 */
u64 vmed_reg_apply(const struct vmed_mmio_reg *reg, u64 old, u64 val, u64 wmask)
{
	u64 new;

	if (reg->flags & VMED_REG_RO)
		return old;
	if (reg->flags & VMED_REG_MASKED) {
		u64 enable = (val >> 16) & 0xffff & wmask;

		new = (old & ~enable) | (val & enable);
		new &= 0xffff;
	} else if (reg->flags & VMED_REG_W1C) {
		new = old & ~(val & wmask);
	} else {
		new = (old & ~wmask) | (val & wmask);
	}
	return (new & ~reg->ro_mask) | (old & reg->ro_mask);
}

/*
 * A register the vendor did not describe: it works as plain storage, and is
 * logged the first time any vGPU of the device touches it, which is how
 * a port finds the registers its guests need.
 */
static void reg_unknown(struct vmed_vgpu *vgpu, u32 offset, unsigned int len,
			bool write)
{
	u32 dw, last = (offset + len - 1) / 4;
	bool seen = true;

	/* Read first: the atomic update is for the first touch only. */
	for (dw = offset / 4; dw <= last; dw++)
		seen &= test_bit(dw, vgpu->dev->unknown_seen) ||
			test_and_set_bit(dw, vgpu->dev->unknown_seen);
	if (seen)
		return;
	pr_info_ratelimited("%s: untracked register %#x (%u bytes) %s\n",
			    vgpu->name, offset, len, write ? "written" : "read");
}

/*
 * A qword access that is not exactly one 8-byte table register is split in
 * two dword accesses, so that each half gets its own register's rules.
 */
static bool regs_split(const struct vmed_device *dev,
		       const struct vmed_reg_slot *slot, u32 offset,
		       unsigned int len)
{
	const struct vmed_reg_slot *high;

	if (len != 8)
		return false;
	high = reg_lookup(dev, offset + 4);
	return (slot || high) && slot != high;
}

/*
 * An access that regs_split() keeps whole lies inside one register, which is
 * naturally aligned and at most 8 bytes: its bytes sit at their own offsets
 * in the register's qword of storage.
 */
static __always_inline u64 reg_read(struct vmed_vgpu *vgpu,
				    const struct vmed_reg_slot *slot,
				    u32 offset, unsigned int len)
{
	const struct vmed_mmio_reg *reg;

	if (!slot) {
		reg_unknown(vgpu, offset, len, false);
		return vmed_vreg_read(vgpu, offset, len);
	}
	reg = slot->reg;
	if (!slot->plain && reg->read)
		return (vmed_vendor_reg_read(vgpu, reg) >>
			(8 * (offset - reg->offset))) & size_mask(len);
	return (*vmed_table_reg_qword(vgpu, offset) >> (8 * (offset & 7))) &
	       size_mask(len);
}

static __always_inline int reg_write(struct vmed_vgpu *vgpu,
				     const struct vmed_reg_slot *slot,
				     u32 offset, unsigned int len, u64 val)
{
	const struct vmed_mmio_reg *reg;
	unsigned int shift;
	u64 old, new, wmask;
	int ret;

	if (!slot) {
		reg_unknown(vgpu, offset, len, true);
		return vreg_store(vgpu, offset, len, val);
	}
	/*
	 * Sub-dword writes to table registers would tear masked and
	 * write-1-to-clear semantics; hardware does not accept them either.
	 */
	if (len < 4)
		return -EINVAL;
	if (slot->plain) {
		u64 *qword = vmed_table_reg_qword(vgpu, offset);

		shift = 8 * (offset & 7);
		wmask = size_mask(len) << shift;
		*qword = (*qword & ~wmask) | ((val << shift) & wmask);
		return 0;
	}
	reg = slot->reg;
	shift = 8 * (offset - reg->offset);
	wmask = (len == 8 ? ~0ull : GENMASK_ULL(31, 0)) << shift;
	if (slot->irq_kind) {
		vmed_irq_reg_write(vgpu, slot, val << shift, wmask);
		return 0;
	}
	old = table_reg_load(vgpu, reg);
	new = vmed_reg_apply(reg, old, val << shift, wmask);
	table_reg_store(vgpu, reg, new);
	if (reg->write) {
		ret = vmed_vendor_reg_write(vgpu, reg, old, new);
		if (ret < 0)
			vmed_vgpu_fail(vgpu, "register handler refused a write");
	}
	return 0;
}

static noinline u64 regs_read_split(struct vmed_vgpu *vgpu, u32 offset)
{
	const struct vmed_device *dev = vgpu->dev;

	return reg_read(vgpu, reg_lookup(dev, offset), offset, 4) |
	       reg_read(vgpu, reg_lookup(dev, offset + 4), offset + 4, 4) << 32;
}

static noinline int regs_write_split(struct vmed_vgpu *vgpu, u32 offset,
				     u64 val)
{
	const struct vmed_device *dev = vgpu->dev;

	return reg_write(vgpu, reg_lookup(dev, offset), offset, 4, (u32)val) ?:
	       reg_write(vgpu, reg_lookup(dev, offset + 4), offset + 4, 4,
			 val >> 32);
}

static u64 regs_read(struct vmed_vgpu *vgpu, u32 offset, unsigned int len)
{
	const struct vmed_reg_slot *slot = reg_lookup(vgpu->dev, offset);

	if (regs_split(vgpu->dev, slot, offset, len))
		return regs_read_split(vgpu, offset);
	return reg_read(vgpu, slot, offset, len);
}

static int regs_write(struct vmed_vgpu *vgpu, u32 offset, unsigned int len,
		      u64 val)
{
	const struct vmed_reg_slot *slot = reg_lookup(vgpu->dev, offset);

	if (regs_split(vgpu->dev, slot, offset, len))
		return regs_write_split(vgpu, offset, val);
	return reg_write(vgpu, slot, offset, len, val);
}

/* Outside every BAR: refused without touching any state. */
static bool mmio_in_bar(struct vmed_vgpu *vgpu, unsigned int bar, u64 offset,
			unsigned int len)
{
	const struct vmed_pci_desc *pci = &vgpu->dev->vendor->pci;

	return bar < VMED_MAX_BARS && offset < pci->bars[bar].size &&
	       len <= pci->bars[bar].size - offset;
}

static noinline int mmio_reject(struct vmed_vgpu *vgpu, unsigned int bar,
				u64 offset, void *buf, unsigned int len,
				bool write)
{
	mutex_lock(&vgpu->lock);
	vgpu->stats.mmio_rejected++;
	trace_vmed_mmio(vgpu, bar, offset, buf, len, write,
			VMED_TRACE_MMIO_REJECT, -EINVAL);
	mutex_unlock(&vgpu->lock);
	vmed_vgpu_log_reject(vgpu, write ? "MMIO write" : "MMIO read", offset,
			     len);
	return -EINVAL;
}

/* Dword accesses are by far the most common: they go first. */
static u64 buf_load(const void *buf, unsigned int len)
{
	if (likely(len == 4))
		return get_unaligned_le32(buf);
	switch (len) {
	case 1:
		return *(const u8 *)buf;
	case 2:
		return get_unaligned_le16(buf);
	default:
		return get_unaligned_le64(buf);
	}
}

static void buf_store(void *buf, unsigned int len, u64 val)
{
	if (likely(len == 4)) {
		put_unaligned_le32(val, buf);
		return;
	}
	switch (len) {
	case 1:
		*(u8 *)buf = val;
		break;
	case 2:
		put_unaligned_le16(val, buf);
		break;
	default:
		put_unaligned_le64(val, buf);
		break;
	}
}

/* A failed vGPU, or a BAR other than the register BAR. Sets @kind. */
static noinline int mmio_rw_other(struct vmed_vgpu *vgpu, unsigned int bar,
				  u64 offset, void *buf, unsigned int len,
				  bool write, int *kind)
{
	const struct vmed_vendor *vendor = vgpu->dev->vendor;

	if (vgpu->failed) {
		/* A dead device: reads float high, writes go nowhere. */
		*kind = VMED_TRACE_MMIO_DEAD;
		if (!write)
			memset(buf, 0xff, len);
		return 0;
	}
	*kind = VMED_TRACE_MMIO_BAR;
	return vendor->ops->bar_rw ?
	       vmed_vendor_bar_rw(vgpu, bar, offset, buf, len, write) : -EINVAL;
}

/*
 * Inlined into both entry points, so that each keeps only its direction.
 * The register window is qword aligned and lies below the GGTT in the
 * register BAR (vmed_device_register() checks): an aligned access that
 * starts in it ends in it, and is recognised before anything else. The
 * GGTT comes next; above both is a hole.
 */
static __always_inline int mmio_rw(struct vmed_vgpu *vgpu, unsigned int bar,
				   u64 offset, void *buf, unsigned int len,
				   bool write)
{
	const struct vmed_vendor *vendor = vgpu->dev->vendor;
	bool reg_bar = bar == vendor->reg_bar;
	int kind = VMED_TRACE_MMIO_REG;
	int ret = 0;

	if (unlikely(!access_size_ok(offset, len) ||
		     ((!reg_bar || offset >= vendor->mmio_size) &&
		      !mmio_in_bar(vgpu, bar, offset, len))))
		return mmio_reject(vgpu, bar, offset, buf, len, write);

	mutex_lock(&vgpu->lock);
	if (write)
		vgpu->stats.mmio_writes++;
	else
		vgpu->stats.mmio_reads++;
	if (unlikely(!reg_bar || vgpu->failed)) {
		ret = mmio_rw_other(vgpu, bar, offset, buf, len, write, &kind);
	} else if (likely(offset < vendor->mmio_size)) {
		if (write)
			ret = regs_write(vgpu, offset, len, buf_load(buf, len));
		else
			buf_store(buf, len, regs_read(vgpu, offset, len));
	} else if (offset - vendor->ggtt_offset < ggtt_bytes(vgpu->dev)) {
		/* (Below the GGTT, the subtraction wraps: not taken.) */
		kind = VMED_TRACE_MMIO_GGTT;
		ret = write ?
		      vmed_ggtt_write(vgpu, offset - vendor->ggtt_offset, buf,
				      len) :
		      vmed_ggtt_read(vgpu, offset - vendor->ggtt_offset, buf,
				     len);
	} else {
		kind = VMED_TRACE_MMIO_HOLE;
		if (!write)
			memset(buf, 0, len);
	}
	if (unlikely(ret == -EINVAL))
		vgpu->stats.mmio_rejected++;
	trace_vmed_mmio(vgpu, bar, offset, buf, len, write, kind, ret);
	mutex_unlock(&vgpu->lock);
	if (unlikely(ret == -EINVAL))
		vmed_vgpu_log_reject(vgpu, write ? "MMIO write" : "MMIO read",
				     offset, len);
	return ret;
}

/**
 * vmed_mmio_read() - a trapped guest read of a BAR
 * @vgpu: the vGPU
 * @bar: BAR index as in &vmed_pci_desc.bars
 * @offset: offset in the BAR
 * @buf: out: @len bytes, little endian
 * @len: 1, 2, 4 or 8, with @offset aligned to it
 *
 * A failed vGPU reads as all ones.
 *
 * Return: 0, or -EINVAL for an access of bad size, alignment or range
 * (counted and logged, rate limited).
 */
int vmed_mmio_read(struct vmed_vgpu *vgpu, unsigned int bar, u64 offset,
		   void *buf, unsigned int len)
{
	return mmio_rw(vgpu, bar, offset, buf, len, false);
}
EXPORT_SYMBOL_NS_GPL(vmed_mmio_read, VMED);

/**
 * vmed_mmio_write() - a trapped guest write to a BAR
 * @vgpu: the vGPU
 * @bar: BAR index as in &vmed_pci_desc.bars
 * @offset: offset in the BAR
 * @buf: @len bytes, little endian
 * @len: 1, 2, 4 or 8, with @offset aligned to it
 *
 * Writes to a failed vGPU are dropped.
 *
 * Return: 0, -EINVAL for an access of bad size, alignment or range (counted
 * and logged, rate limited), -ENOMEM if a register page could not be
 * allocated.
 */
int vmed_mmio_write(struct vmed_vgpu *vgpu, unsigned int bar, u64 offset,
		    const void *buf, unsigned int len)
{
	return mmio_rw(vgpu, bar, offset, (void *)buf, len, true);
}
EXPORT_SYMBOL_NS_GPL(vmed_mmio_write, VMED);
