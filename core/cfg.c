// SPDX-License-Identifier: GPL-2.0
/*
 * PCI configuration space emulation.
 *
 * The space is built from the vendor's descriptor: a type 0 header, memory
 * BARs, an optional expansion ROM, one MSI capability (64-bit address,
 * one vector) and a few read-only device-specific registers. Guest writes
 * are applied through two per-byte masks: wmask (bits the guest may set)
 * and w1cmask (status bits a written 1 clears).
 * BAR sizing falls out of the masks: the low bits of a BAR are not writable,
 * so writing all ones reads back as ~(size - 1) plus the read-only flags.
 *
 * After every write the core compares the memory-decode state of each BAR
 * with what is trapped and asks the hypervisor to move the trap; a BAR that
 * holds the sizing pattern is never trapped.
 */
#include <linux/pci_regs.h>
#include <linux/string.h>
#include <linux/unaligned.h>
#include "internal.h"
#include "ops.h"
#include "trace.h"

#define VMED_MSI_CTRL(o)	((o) + PCI_MSI_FLAGS)
#define VMED_MSI_ADDR_LO(o)	((o) + PCI_MSI_ADDRESS_LO)
#define VMED_MSI_ADDR_HI(o)	((o) + PCI_MSI_ADDRESS_HI)
#define VMED_MSI_DATA(o)	((o) + PCI_MSI_DATA_64)
#define VMED_MSI_END(o)		((o) + PCI_MSI_DATA_64 + 2)

static void cfg_set_mask(u8 *mask, unsigned int offset, unsigned int len,
			 u32 bits)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		mask[offset + i] = bits >> (8 * i);
}

static unsigned int cfg_bar_offset(unsigned int bar)
{
	return PCI_BASE_ADDRESS_0 + bar * 8;
}

/* The BAR's current base, as the guest programmed it. */
u64 vmed_cfg_bar_base(struct vmed_vgpu *vgpu, unsigned int bar)
{
	const struct vmed_bar_desc *desc = &vgpu->dev->vendor->pci.bars[bar];
	const u8 *reg = &vgpu->cfg.space[cfg_bar_offset(bar)];
	u64 base = get_unaligned_le32(reg) & PCI_BASE_ADDRESS_MEM_MASK;

	if (desc->is_64bit)
		base |= (u64)get_unaligned_le32(reg + 4) << 32;
	return base;
}

static u64 cfg_bar_sizing_pattern(const struct vmed_bar_desc *desc)
{
	u64 mask = ~(desc->size - 1);

	return desc->is_64bit ? mask : (u32)mask;
}

/**
 * vmed_cfg_init() - build config space from the vendor descriptor
 * @vgpu: the vGPU
 *
 * Also used on reset: memory decoding ends up disabled and traps removed.
 */
void vmed_cfg_init(struct vmed_vgpu *vgpu)
{
	const struct vmed_pci_desc *pci = &vgpu->dev->vendor->pci;
	struct vmed_cfg *cfg = &vgpu->cfg;
	u8 *space = cfg->space;
	unsigned int i, msi = pci->msi_cap_offset;

	vmed_cfg_untrap_all(vgpu);
	memset(cfg->space, 0, sizeof(cfg->space));
	memset(cfg->wmask, 0, sizeof(cfg->wmask));
	memset(cfg->w1cmask, 0, sizeof(cfg->w1cmask));

	put_unaligned_le16(pci->vendor, space + PCI_VENDOR_ID);
	put_unaligned_le16(pci->device, space + PCI_DEVICE_ID);
	put_unaligned_le16(PCI_STATUS_CAP_LIST, space + PCI_STATUS);
	space[PCI_REVISION_ID] = pci->revision;
	space[PCI_CLASS_PROG] = pci->class_code;
	put_unaligned_le16(pci->class_code >> 8, space + PCI_CLASS_DEVICE);
	space[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_NORMAL;
	put_unaligned_le16(pci->subsystem_vendor,
			   space + PCI_SUBSYSTEM_VENDOR_ID);
	put_unaligned_le16(pci->subsystem_device, space + PCI_SUBSYSTEM_ID);
	space[PCI_CAPABILITY_LIST] = msi;
	space[PCI_INTERRUPT_PIN] = 1;

	cfg_set_mask(cfg->wmask, PCI_COMMAND, 2,
		     PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
		     PCI_COMMAND_PARITY | PCI_COMMAND_SERR |
		     PCI_COMMAND_INTX_DISABLE);
	cfg_set_mask(cfg->w1cmask, PCI_STATUS, 2,
		     PCI_STATUS_PARITY | PCI_STATUS_SIG_TARGET_ABORT |
		     PCI_STATUS_REC_TARGET_ABORT | PCI_STATUS_REC_MASTER_ABORT |
		     PCI_STATUS_SIG_SYSTEM_ERROR | PCI_STATUS_DETECTED_PARITY);
	cfg->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
	cfg->wmask[PCI_LATENCY_TIMER] = 0xff;
	cfg->wmask[PCI_INTERRUPT_LINE] = 0xff;

	for (i = 0; i < VMED_MAX_BARS; i++) {
		const struct vmed_bar_desc *bar = &pci->bars[i];
		unsigned int off = cfg_bar_offset(i);
		u32 flags = PCI_BASE_ADDRESS_SPACE_MEMORY;
		u64 mask;

		if (!bar->size)
			continue;
		if (bar->is_64bit)
			flags |= PCI_BASE_ADDRESS_MEM_TYPE_64;
		if (bar->prefetchable)
			flags |= PCI_BASE_ADDRESS_MEM_PREFETCH;
		put_unaligned_le32(flags, space + off);
		mask = cfg_bar_sizing_pattern(bar);
		cfg_set_mask(cfg->wmask, off, 4, (u32)mask);
		if (bar->is_64bit)
			cfg_set_mask(cfg->wmask, off + 4, 4, mask >> 32);
	}
	if (pci->rom_size)
		cfg_set_mask(cfg->wmask, PCI_ROM_ADDRESS, 4,
			     ~(pci->rom_size - 1) | PCI_ROM_ADDRESS_ENABLE);

	space[msi + PCI_CAP_LIST_ID] = PCI_CAP_ID_MSI;
	space[msi + PCI_CAP_LIST_NEXT] = 0;
	put_unaligned_le16(PCI_MSI_FLAGS_64BIT, space + VMED_MSI_CTRL(msi));
	/* One vector: only the enable bit of the control word is writable. */
	cfg_set_mask(cfg->wmask, VMED_MSI_CTRL(msi), 2, PCI_MSI_FLAGS_ENABLE);
	cfg_set_mask(cfg->wmask, VMED_MSI_ADDR_LO(msi), 4, ~3u);
	cfg_set_mask(cfg->wmask, VMED_MSI_ADDR_HI(msi), 4, ~0u);
	cfg_set_mask(cfg->wmask, VMED_MSI_DATA(msi), 2, 0xffff);

	/* Device-specific registers: read-only (wmask stays 0). */
	for (i = 0; i < VMED_MAX_CFG_FIELDS; i++) {
		const struct vmed_cfg_field *f = &pci->fields[i];
		unsigned int b;

		for (b = 0; b < f->size; b++)
			space[f->offset + b] = f->value >> (8 * b);
	}

	memset(&vgpu->msi, 0, sizeof(vgpu->msi));
}

static bool cfg_bar_decodes(struct vmed_vgpu *vgpu, unsigned int bar)
{
	const struct vmed_bar_desc *desc = &vgpu->dev->vendor->pci.bars[bar];
	u16 cmd = get_unaligned_le16(vgpu->cfg.space + PCI_COMMAND);
	u64 base = vmed_cfg_bar_base(vgpu, bar);

	return (cmd & PCI_COMMAND_MEMORY) && desc->size &&
	       base != cfg_bar_sizing_pattern(desc);
}

static void cfg_set_trap(struct vmed_vgpu *vgpu, unsigned int bar, bool map,
			 u64 base)
{
	u64 size = vgpu->dev->vendor->pci.bars[bar].size;
	int ret;

	/*
	 * Nothing to place without a hypervisor, or with one that routes BAR
	 * accesses itself; vmed_cfg_update_traps() catches up on attach.
	 */
	if (!vgpu->hv || !vgpu->hv->set_trap_area)
		return;
	ret = vmed_hv_set_trap_area(vgpu, bar, base, size, map);
	if (ret) {
		/* The guest put the BAR somewhere the hypervisor refuses. */
		vmed_vgpu_log_reject(vgpu, "BAR placement", base, 0);
		return;
	}
	vgpu->cfg.trapped[bar] = map;
	vgpu->cfg.trap_base[bar] = base;
}

/**
 * vmed_cfg_update_traps() - make the hypervisor's traps follow the BARs
 * @vgpu: the vGPU; its lock held
 */
void vmed_cfg_update_traps(struct vmed_vgpu *vgpu)
{
	struct vmed_cfg *cfg = &vgpu->cfg;
	unsigned int bar;

	for (bar = 0; bar < VMED_MAX_BARS; bar++) {
		bool want = cfg_bar_decodes(vgpu, bar);
		u64 base = vmed_cfg_bar_base(vgpu, bar);

		if (cfg->trapped[bar] && (!want || base != cfg->trap_base[bar]))
			cfg_set_trap(vgpu, bar, false, cfg->trap_base[bar]);
		if (want && !cfg->trapped[bar])
			cfg_set_trap(vgpu, bar, true, base);
	}
}

/**
 * vmed_cfg_untrap_all() - stop trapping every BAR
 * @vgpu: the vGPU
 */
void vmed_cfg_untrap_all(struct vmed_vgpu *vgpu)
{
	unsigned int bar;

	for (bar = 0; bar < VMED_MAX_BARS; bar++)
		if (vgpu->cfg.trapped[bar])
			cfg_set_trap(vgpu, bar, false, vgpu->cfg.trap_base[bar]);
	/* Whatever the hypervisor said, the core holds no trap any more. */
	memset(vgpu->cfg.trapped, 0, sizeof(vgpu->cfg.trapped));
}

static void cfg_update_msi(struct vmed_vgpu *vgpu)
{
	const u8 *space = vgpu->cfg.space;
	unsigned int msi = vgpu->dev->vendor->pci.msi_cap_offset;
	bool was_enabled = vgpu->msi.enabled;

	vgpu->msi.enabled = get_unaligned_le16(space + VMED_MSI_CTRL(msi)) &
			    PCI_MSI_FLAGS_ENABLE;
	vgpu->msi.addr = get_unaligned_le32(space + VMED_MSI_ADDR_LO(msi)) |
			 (u64)get_unaligned_le32(space + VMED_MSI_ADDR_HI(msi)) << 32;
	vgpu->msi.data = get_unaligned_le16(space + VMED_MSI_DATA(msi));
	/* An interrupt pending while MSI was off is delivered on enable. */
	if (vgpu->msi.enabled && !was_enabled && vgpu->irq_asserted)
		vmed_irq_update(vgpu, true);
}

static int cfg_check_access(struct vmed_vgpu *vgpu, unsigned int offset,
			    unsigned int len)
{
	if ((len != 1 && len != 2 && len != 4) || offset % len ||
	    offset > PCI_CFG_SPACE_EXP_SIZE - len) {
		vgpu->stats.mmio_rejected++;
		vmed_vgpu_log_reject(vgpu, "config access", offset, len);
		return -EINVAL;
	}
	return 0;
}

/**
 * vmed_cfg_read() - a guest config space read
 * @vgpu: the vGPU
 * @offset: offset in config space
 * @buf: out: @len bytes, little endian
 * @len: 1, 2 or 4, with @offset aligned to it
 *
 * The extended config space (256..4095) reads as zeroes.
 *
 * Return: 0, or -EINVAL for an access of bad size, alignment or range.
 */
int vmed_cfg_read(struct vmed_vgpu *vgpu, unsigned int offset, void *buf,
		  unsigned int len)
{
	int ret;

	mutex_lock(&vgpu->lock);
	ret = cfg_check_access(vgpu, offset, len);
	if (!ret) {
		if (offset < PCI_CFG_SPACE_SIZE)
			memcpy(buf, vgpu->cfg.space + offset, len);
		else
			memset(buf, 0, len);
	}
	mutex_unlock(&vgpu->lock);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(vmed_cfg_read, VMED);

/**
 * vmed_cfg_write() - a guest config space write
 * @vgpu: the vGPU
 * @offset: offset in config space
 * @buf: @len bytes, little endian
 * @len: 1, 2 or 4, with @offset aligned to it
 *
 * Read-only bits keep their value, RW1C status bits are cleared by ones,
 * memory-decode and BAR changes move the hypervisor's traps and MSI changes
 * reach the interrupt path. Writes to the extended space are ignored.
 *
 * Return: 0, or -EINVAL for an access of bad size, alignment or range.
 */
int vmed_cfg_write(struct vmed_vgpu *vgpu, unsigned int offset,
		   const void *buf, unsigned int len)
{
	struct vmed_cfg *cfg = &vgpu->cfg;
	unsigned int msi = vgpu->dev->vendor->pci.msi_cap_offset;
	const u8 *val = buf;
	unsigned int i;
	int ret;

	mutex_lock(&vgpu->lock);
	ret = cfg_check_access(vgpu, offset, len);
	if (ret || offset >= PCI_CFG_SPACE_SIZE || vgpu->failed)
		goto out;
	vgpu->stats.cfg_writes++;
	for (i = 0; i < len; i++) {
		unsigned int pos = offset + i;
		u8 old = cfg->space[pos];

		cfg->space[pos] = ((old & ~cfg->wmask[pos]) |
				   (val[i] & cfg->wmask[pos])) &
				  ~(val[i] & cfg->w1cmask[pos]);
	}
	if (offset < PCI_COMMAND + 2 ||
	    (offset < PCI_ROM_ADDRESS + 4 && offset + len > PCI_BASE_ADDRESS_0))
		vmed_cfg_update_traps(vgpu);
	if (offset < VMED_MSI_END(msi) && offset + len > VMED_MSI_CTRL(msi))
		cfg_update_msi(vgpu);
	if (offset < PCI_COMMAND + 2 ||
	    (offset < VMED_MSI_END(msi) && offset + len > VMED_MSI_CTRL(msi)))
		vmed_irq_update_intx(vgpu);
out:
	trace_vmed_cfg_write(vgpu, offset, buf, len, ret);
	mutex_unlock(&vgpu->lock);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(vmed_cfg_write, VMED);
