// SPDX-License-Identifier: GPL-2.0
/*
 * nvidia-stub device description as data: register table, interrupt map,
 * page-table formats and vGPU types (the model is documented in main.c).
 * Plain registers are data; only the channel control, page-directory and
 * doorbell registers and the error counter have handlers. Interrupt
 * registers are implemented by the core from the interrupt map.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include "nvstub.h"

static unsigned int reg_chan(const struct vmed_mmio_reg *reg)
{
	return (reg->offset - NVS_CHAN_BASE) / NVS_CHAN_STRIDE;
}

static u64 nvs_err_count_read(struct vmed_vgpu *vgpu,
			      const struct vmed_mmio_reg *reg)
{
	return lower_32_bits(nvs_vgpu(vgpu)->errors);
}

/* CTRL: a rising enable binds the channel, a falling one unbinds it. */
static int nvs_ctrl_write(struct vmed_vgpu *vgpu,
			  const struct vmed_mmio_reg *reg, u64 old, u64 val)
{
	unsigned int c = reg_chan(reg);

	if ((val & NVS_CH_CTRL_ENABLE) && !(old & NVS_CH_CTRL_ENABLE))
		return vmed_nvs_channel_bind(vgpu, c);
	if (!(val & NVS_CH_CTRL_ENABLE))
		vmed_nvs_channel_unbind(vgpu, c);
	return 0;
}

/*
 * PDB: changing it under a bound channel unbinds the channel (the guest
 * re-enables it to bind the new tables). Either 32-bit half changing
 * counts, so a split 64-bit write never leaves a half-old binding.
 */
static int nvs_pdb_write(struct vmed_vgpu *vgpu,
			 const struct vmed_mmio_reg *reg, u64 old, u64 val)
{
	unsigned int c = reg_chan(reg);

	if (old != val && nvs_vgpu(vgpu)->chan[c].mm) {
		vmed_nvs_channel_unbind(vgpu, c);
		vmed_vreg_write(vgpu, NVS_CHAN(c) + NVS_CH_CTRL, 4, 0);
	}
	return 0;
}

static int nvs_doorbell_write(struct vmed_vgpu *vgpu,
			      const struct vmed_mmio_reg *reg, u64 old, u64 val)
{
	return vmed_nvs_doorbell(vgpu, reg_chan(reg));
}

#define NVS_CREG(c, r, sz)	.offset = NVS_CHAN(c) + (r), .size = (sz)
#define NVS_CTRL_RO		(~(u64)NVS_CH_CTRL_ENABLE)
#define NVS_PDB_RO		((u64)~PAGE_MASK)

static const struct vmed_mmio_reg nvs_regs[] = {
	{ .offset = NVS_BOOT0, .size = 4, .flags = VMED_REG_RO,
	  .reset = NVS_BOOT0_VALUE },
	{ .offset = NVS_ERR_COUNT, .size = 4, .flags = VMED_REG_RO,
	  .read = nvs_err_count_read },
	{ NVS_CREG(0, NVS_CH_GPFIFO_BASE, 8) },
	{ NVS_CREG(0, NVS_CH_GPFIFO_ENTRIES, 4) },
	{ NVS_CREG(0, NVS_CH_GP_GET, 4), .flags = VMED_REG_RO },
	{ NVS_CREG(0, NVS_CH_GP_PUT, 4) },
	{ NVS_CREG(0, NVS_CH_CTRL, 4), .ro_mask = NVS_CTRL_RO,
	  .write = nvs_ctrl_write },
	{ NVS_CREG(0, NVS_CH_PDB, 8), .ro_mask = NVS_PDB_RO,
	  .write = nvs_pdb_write },
	{ NVS_CREG(0, NVS_CH_DOORBELL, 4), .write = nvs_doorbell_write },
	{ NVS_CREG(0, NVS_CH_ERROR, 4), .flags = VMED_REG_W1C },
	{ NVS_CREG(0, NVS_CH_ERR_ENTRY, 4), .flags = VMED_REG_RO },
	{ NVS_CREG(1, NVS_CH_GPFIFO_BASE, 8) },
	{ NVS_CREG(1, NVS_CH_GPFIFO_ENTRIES, 4) },
	{ NVS_CREG(1, NVS_CH_GP_GET, 4), .flags = VMED_REG_RO },
	{ NVS_CREG(1, NVS_CH_GP_PUT, 4) },
	{ NVS_CREG(1, NVS_CH_CTRL, 4), .ro_mask = NVS_CTRL_RO,
	  .write = nvs_ctrl_write },
	{ NVS_CREG(1, NVS_CH_PDB, 8), .ro_mask = NVS_PDB_RO,
	  .write = nvs_pdb_write },
	{ NVS_CREG(1, NVS_CH_DOORBELL, 4), .write = nvs_doorbell_write },
	{ NVS_CREG(1, NVS_CH_ERROR, 4), .flags = VMED_REG_W1C },
	{ NVS_CREG(1, NVS_CH_ERR_ENTRY, 4), .flags = VMED_REG_RO },
	{ NVS_CREG(2, NVS_CH_GPFIFO_BASE, 8) },
	{ NVS_CREG(2, NVS_CH_GPFIFO_ENTRIES, 4) },
	{ NVS_CREG(2, NVS_CH_GP_GET, 4), .flags = VMED_REG_RO },
	{ NVS_CREG(2, NVS_CH_GP_PUT, 4) },
	{ NVS_CREG(2, NVS_CH_CTRL, 4), .ro_mask = NVS_CTRL_RO,
	  .write = nvs_ctrl_write },
	{ NVS_CREG(2, NVS_CH_PDB, 8), .ro_mask = NVS_PDB_RO,
	  .write = nvs_pdb_write },
	{ NVS_CREG(2, NVS_CH_DOORBELL, 4), .write = nvs_doorbell_write },
	{ NVS_CREG(2, NVS_CH_ERROR, 4), .flags = VMED_REG_W1C },
	{ NVS_CREG(2, NVS_CH_ERR_ENTRY, 4), .flags = VMED_REG_RO },
	{ NVS_CREG(3, NVS_CH_GPFIFO_BASE, 8) },
	{ NVS_CREG(3, NVS_CH_GPFIFO_ENTRIES, 4) },
	{ NVS_CREG(3, NVS_CH_GP_GET, 4), .flags = VMED_REG_RO },
	{ NVS_CREG(3, NVS_CH_GP_PUT, 4) },
	{ NVS_CREG(3, NVS_CH_CTRL, 4), .ro_mask = NVS_CTRL_RO,
	  .write = nvs_ctrl_write },
	{ NVS_CREG(3, NVS_CH_PDB, 8), .ro_mask = NVS_PDB_RO,
	  .write = nvs_pdb_write },
	{ NVS_CREG(3, NVS_CH_DOORBELL, 4), .write = nvs_doorbell_write },
	{ NVS_CREG(3, NVS_CH_ERROR, 4), .flags = VMED_REG_W1C },
	{ NVS_CREG(3, NVS_CH_ERR_ENTRY, 4), .flags = VMED_REG_RO },
};

static const struct vmed_irq_group nvs_irq_groups[] = {
	{ .isr = NVS_INTR_STALL + NVS_INTR_ISR,
	  .imr = NVS_INTR_STALL + NVS_INTR_IMR,
	  .iir = NVS_INTR_STALL + NVS_INTR_IIR,
	  .ier = NVS_INTR_STALL + NVS_INTR_IER, .master_bit = 0 },
	{ .isr = NVS_INTR_NONSTALL + NVS_INTR_ISR,
	  .imr = NVS_INTR_NONSTALL + NVS_INTR_IMR,
	  .iir = NVS_INTR_NONSTALL + NVS_INTR_IIR,
	  .ier = NVS_INTR_NONSTALL + NVS_INTR_IER, .master_bit = 1 },
};

static const struct vmed_irq_event nvs_irq_events[NVS_NR_EVENTS] = {
	[NVS_EV_COPY_DONE] = { .group = 0, .bit = 0 },
	[NVS_EV_ERROR] = { .group = 0, .bit = 1 },
	[NVS_EV_NONSTALL] = { .group = 1, .bit = 0 },
};

/* Channels are the core's "fences": each vGPU owns a range of them. */
static const struct vmed_vgpu_type nvs_types[NVS_NR_TYPES] = {
	[NVS_TYPE_1C] = { .name = "1c", .weight = 1, .fences = 1,
			  .description = "1 channel, 32 MiB + 64 MiB",
			  .gm_size = { SZ_32M, SZ_64M } },
	[NVS_TYPE_2C] = { .name = "2c", .weight = 2, .fences = 2,
			  .description = "2 channels, 64 MiB + 128 MiB",
			  .gm_size = { SZ_64M, SZ_128M } },
	[NVS_TYPE_4C] = { .name = "4c", .weight = 4, .fences = 4,
			  .description = "4 channels, 128 MiB + 384 MiB",
			  .gm_size = { SZ_128M, SZ_256M + SZ_128M } },
};

/*
 * The nvidia-stub device model, as the core reads it.
 *
 * Both page-table formats share one entry layout: valid bit 0, write-enable
 * bit 1, volatile bit 2 (kept in shadows), frame number in bits 39:8. The
 * channel format has two levels: a page directory of 512 entries each
 * covering 2 MiB (NVS_PDE_BIG maps the 2 MiB directly) and page tables of
 * 512 4 KiB entries (NVS_PTE_BIG, the same bit, makes an entry at an index
 * aligned to 16 map 64 KiB; the device ignores the 15 entries after it): a
 * 1 GiB address space per channel.
 */
const struct vmed_vendor vmed_nvs_vendor = {
	.name = "nvstub",
	.pci = {
		.vendor = NVS_PCI_VENDOR,
		.device = NVS_PCI_DEVICE,
		.subsystem_vendor = NVS_PCI_VENDOR,
		.subsystem_device = NVS_PCI_DEVICE,
		.revision = 0xa1,
		.class_code = NVS_PCI_CLASS,
		.bars = {
			{ .size = NVS_BAR0_SIZE, .is_64bit = true },
			{ .size = NVS_BAR2_SIZE, .is_64bit = true,
			  .prefetchable = true },
		},
		.msi_cap_offset = NVS_MSI_CAP,
	},
	.reg_bar = 0,
	.mmio_size = NVS_MMIO_SIZE,
	.ggtt_offset = NVS_APT_OFFSET,
	.ggtt_format = {
		.entry_size = 8,
		.levels = 1,
		.level = { { .shift = 12, .bits = 9 } },
		.present_mask = NVS_PTE_VALID,
		.writable_mask = NVS_PTE_WRITE,
		.addr_mask = NVS_PTE_FRAME,
		.addr_shift = 4,
		.keep_mask = NVS_PTE_VOL,
	},
	.gm_total = { NVS_GM_MAPPABLE, NVS_GM_HIDDEN },
	.fences = NVS_MAX_CHANNELS,
	.ppgtt_format = {
		.entry_size = 8,
		.levels = 2,
		.level = {
			{ .shift = 12, .bits = 9, .big_mask = NVS_PTE_BIG,
			  .big_shift = NVS_BIG_PAGE_SHIFT },
			{ .shift = 21, .bits = 9, .leaf_mask = NVS_PDE_BIG },
		},
		.present_mask = NVS_PTE_VALID,
		.writable_mask = NVS_PTE_WRITE,
		.addr_mask = NVS_PTE_FRAME,
		.addr_shift = 4,
		.keep_mask = NVS_PTE_VOL,
	},
	.regs = nvs_regs,
	.nr_regs = ARRAY_SIZE(nvs_regs),
	.irq = {
		.master = NVS_INTR_MASTER,
		.master_enable = NVS_INTR_MASTER_ENABLE,
		.nr_groups = ARRAY_SIZE(nvs_irq_groups),
		.groups = nvs_irq_groups,
		.nr_events = ARRAY_SIZE(nvs_irq_events),
		.events = nvs_irq_events,
	},
	.types = nvs_types,
	.nr_types = ARRAY_SIZE(nvs_types),
	.nr_engines = 1,	/* the copy engine, shared by the channels */
	.ops = &vmed_nvs_ops,
};
