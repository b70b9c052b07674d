// SPDX-License-Identifier: GPL-2.0
/*
 * The register table of the virtual Gen9 GPU.
 *
 * Everything here is data the core interprets: plain registers live in the
 * virtual register file, and only a few have handlers (forcewake acks that
 * mirror their requests, fences beyond the vGPU's share, PVINFO, ELSP, the
 * engines' reset handshake and the reset itself, the PCU's mailbox).
 * Registers a driver only
 * writes, or must read as 0 on this device, are listed too: the table is
 * the record of what the model knows (debugfs "untracked" lists the rest).
 * The interrupt registers (GEN8 master, GT banks 0-3 ISR/IMR/IIR/IER) are
 * not listed: the core adds them from the interrupt map below.
 *
 * Registers not in the table fall to the core's virtual register file.
 * Also here: the rest of the device description (interrupt map, vGPU types,
 * page-table formats), all of it data.
 */
#include <linux/kernel.h>
#include "i915.h"

/* The guest polls the ack until it equals the (masked) request. */
static u64 forcewake_ack_read(struct vmed_vgpu *vgpu,
			      const struct vmed_mmio_reg *reg)
{
	u32 req;

	switch (reg->offset) {
	case I915_FORCEWAKE_ACK_RENDER:
		req = I915_FORCEWAKE_RENDER;
		break;
	case I915_FORCEWAKE_ACK_MEDIA:
		req = I915_FORCEWAKE_MEDIA;
		break;
	default:
		req = I915_FORCEWAKE_GT;
		break;
	}
	return vmed_vreg_read(vgpu, req, 4);
}

/*
 * Fence registers past the vGPU's share do not exist for it: a write is
 * undone so that they keep reading 0.
 */
static int fence_write(struct vmed_vgpu *vgpu, const struct vmed_mmio_reg *reg,
		       u64 old, u64 val)
{
	unsigned int index = (reg->offset - I915_FENCE(0)) / 8;

	if (index >= vmed_vgpu_fences(vgpu))
		vmed_vreg_write(vgpu, reg->offset, 8, 0);
	return 0;
}

/*
 * An engine asked to get ready for a reset is ready at once: its work can
 * be dropped at any point. Withdrawing the request withdraws the ack.
 */
static int reset_ctl_write(struct vmed_vgpu *vgpu,
			   const struct vmed_mmio_reg *reg, u64 old, u64 val)
{
	if (val & I915_RESET_CTL_REQUEST)
		val |= I915_RESET_CTL_READY;
	else
		val &= ~(u64)I915_RESET_CTL_READY;
	vmed_vreg_write(vgpu, reg->offset, 4, val);
	return 0;
}

/*
 * A reset of the whole GT, or of engines' domains, restarts those
 * engines; the domain bits then read 0: reset done.
 */
static int gdrst_write(struct vmed_vgpu *vgpu, const struct vmed_mmio_reg *reg,
		       u64 old, u64 val)
{
	unsigned int i;

	for (i = 0; i < I915_NR_ENGINES; i++)
		if (val & (I915_GDRST_FULL | vmed_i915_engines[i].reset_domain))
			vmed_i915_engine_restart(vgpu, i);
	vmed_vreg_write(vgpu, I915_GDRST, 4, 0);
	return 0;
}

/*
 * The engine reads idle once asked to stop, or with no list to run: it
 * stops at once (a reset, which follows, drops its work).
 */
static u64 mi_mode_read(struct vmed_vgpu *vgpu, const struct vmed_mmio_reg *reg)
{
	u32 val = vmed_vreg_read(vgpu, reg->offset, 4);
	unsigned int e = vmed_i915_engine_of(reg->offset);

	if ((val & I915_MI_MODE_STOP_RING) || !i915_of(vgpu)->engine[e].lists)
		val |= I915_MI_MODE_IDLE;
	return val;
}

/* Nothing to invalidate: the request completes at once (i915.h). */
static int tlb_inval_write(struct vmed_vgpu *vgpu,
			   const struct vmed_mmio_reg *reg, u64 old, u64 val)
{
	vmed_vreg_write(vgpu, reg->offset, 4, 0);
	return 0;
}

/*
 * The PCU answers at once. It takes the ring frequency table (there is no
 * ring clock to set) and reports RP1 as the efficient frequency; any other
 * command is refused as the PCU refuses one it does not implement.
 */
static int pcode_mailbox_write(struct vmed_vgpu *vgpu,
			       const struct vmed_mmio_reg *reg, u64 old,
			       u64 val)
{
	u32 status = I915_PCODE_SUCCESS;

	if (!(val & I915_PCODE_READY))
		return 0;
	switch (val & I915_PCODE_CMD) {
	case I915_PCODE_WRITE_MIN_FREQ_TABLE:
		break;
	case I915_PCODE_DUTY_CYCLE_CONTROL:
		vmed_vreg_write(vgpu, I915_PCODE_DATA, 4,
				I915_RP_STATE_CAP_VAL & GENMASK(15, 8));
		break;
	default:
		status = I915_PCODE_ILLEGAL_CMD;
		break;
	}
	vmed_vreg_write(vgpu, reg->offset, 4,
			(val & ~(u64)(I915_PCODE_READY | I915_PCODE_CMD)) | status);
	return 0;
}

#define REG(off)		{ .offset = (off), .size = 4 }
#define REGS(off, n)		{ .offset = (off), .size = 4, .count = (n) }
#define REG_RO(off, val)	{ .offset = (off), .size = 4,		\
				  .flags = VMED_REG_RO, .reset = (val) }
#define REG_MASKED(off)		{ .offset = (off), .size = 4,		\
				  .flags = VMED_REG_MASKED }
#define REG_W1C(off)		{ .offset = (off), .size = 4,		\
				  .flags = VMED_REG_W1C }
#define TLB_INVAL(off)		{ .offset = (off), .size = 4,		\
				  .write = tlb_inval_write }
#define FW_ACK(off)		{ .offset = (off), .size = 4,		\
				  .flags = VMED_REG_RO,			\
				  .read = forcewake_ack_read }
#define PV_RO(off, val)		{ .offset = (off), .size = 4,		\
				  .flags = VMED_REG_RO, .reset = (val) }
#define PV_INFO(off)		{ .offset = (off), .size = 4,		\
				  .flags = VMED_REG_RO,			\
				  .read = vmed_i915_pvinfo_read }

static const struct vmed_mmio_reg i915_regs[] = {
	{ .offset = I915_GDRST, .size = 4, .write = gdrst_write },
	TLB_INVAL(I915_RTCR), TLB_INVAL(I915_M1TCR), TLB_INVAL(I915_M2TCR),
	TLB_INVAL(I915_BTCR), TLB_INVAL(I915_VTCR),

	/* Forcewake: request (masked) and the ack the guest polls */
	REG_MASKED(I915_FORCEWAKE_RENDER),
	REG_MASKED(I915_FORCEWAKE_MEDIA),
	REG_MASKED(I915_FORCEWAKE_GT),
	FW_ACK(I915_FORCEWAKE_ACK_RENDER),
	FW_ACK(I915_FORCEWAKE_ACK_MEDIA),
	FW_ACK(I915_FORCEWAKE_ACK_GT),

	/* Fences: the vGPU's share is fences 0 .. fences - 1 */
	{ .offset = I915_FENCE(0), .size = 8, .count = I915_FENCES,
	  .write = fence_write },

	/* Device information: a GT2 without display or eDRAM */
	REG_RO(I915_FUSE2, I915_FUSE2_GT2),
	REG_RO(I915_EU_DISABLE(0), 0),
	REG_RO(I915_EU_DISABLE(1), 0),
	REG_RO(I915_EU_DISABLE(2), 0),
	REG_RO(I915_RP_STATE_CAP, I915_RP_STATE_CAP_VAL),
	REG_RO(I915_CTC_MODE, I915_CTC_CRYSTAL_HALF),
	REG_RO(I915_SKL_DFSM, I915_DFSM_NO_PIPES),
	REG_RO(I915_EDRAM_CAP, 0),
	REG_RO(I915_GUC_STATUS, I915_GUC_MIA_IN_RESET),
	REG_RO(I915_GUC_WOPCM_SIZE, 0),
	REG_RO(I915_GUC_WOPCM_OFFSET, 0),
	REG_RO(I915_MCH_DCLK, 0),

	/* The PCU's mailbox */
	{ .offset = I915_PCODE_MAILBOX, .size = 4,
	  .write = pcode_mailbox_write },
	REG(I915_PCODE_DATA), REG(I915_PCODE_DATA1),

	/* Errors and faults: none happen */
	REG(I915_PGTBL_ER),
	REG(I915_IPEIR),
	REG_RO(I915_RING_FAULT, 0),
	REG_W1C(I915_FPGA_DBG),

	/* Stored, without effect (see i915.h) */
	REG(I915_PCU_IMR), REG(I915_PCU_IIR), REG(I915_PCU_IER),
	REG(I915_SDE_IMR), REG(I915_SDE_IIR), REG(I915_SDE_IER),
	REG(I915_PRIVATE_PAT_LO), REG(I915_PRIVATE_PAT_HI),
	REG(I915_GFX_FLSH_CNTL),
	REG(I915_CHICKEN_PAR1_1), REG(I915_CHICKEN_DCPR_1),
	REG(I915_DISP_ARB_CTL), REG(I915_MISCCPCTL),
	REG(I915_FBC_LLC_READ_CTRL),
	REG(I915_MCR_SELECTOR),
	REG_MASKED(I915_CSFE_CHICKEN1_RCS),
	REG_MASKED(I915_FF_SLICE_CS_CHICKEN1),
	REG(I915_GTT_CACHE_EN), REG(I915_GAMW_ECO_DEV_RW_IA),
	REG(I915_GAM_ECOCHK), REG(I915_L3_LRA_1_GPGPU),
	REG(I915_MMCD_MISC_CTRL), REG(I915_UCGCTL4),
	REG(I915_GARBCNTL), REG(I915_SCRATCH_LNCF1),
	REG(I915_L3SQCREG4), REG(I915_SCRATCH1),
	REG(I915_RPNSWREQ), REG(I915_RC_VIDEO_FREQ), REG(I915_RP_CONTROL),
	REG(I915_RP_UP_THRESHOLD), REG(I915_RP_DOWN_THRESHOLD),
	REG(I915_RP_UP_EI), REG(I915_RP_DOWN_EI),
	REG(I915_RP_IDLE_HYSTERESIS), REG(I915_PMINTRMSK),

	/* Cache attributes, per engine and for the L3 */
	REGS(I915_MOCS_RCS, I915_MOCS_ENTRIES),
	REGS(I915_MOCS_VCS, I915_MOCS_ENTRIES),
	REGS(I915_MOCS_VECS, I915_MOCS_ENTRIES),
	REGS(I915_MOCS_BCS, I915_MOCS_ENTRIES),
	REGS(I915_LNCF_MOCS, I915_LNCF_MOCS_DWORDS),

	/* PVINFO: what the host tells the guest */
	{ .offset = I915_PV_MAGIC, .size = 8, .flags = VMED_REG_RO,
	  .reset = I915_VGT_MAGIC },
	PV_RO(I915_PV_VERSION, 1),	/* major 1, minor 0 */
	PV_INFO(I915_PV_VGT_ID),
	PV_RO(I915_PV_CAPS, I915_VGT_CAPS_FULL_PPGTT |
	      I915_VGT_CAPS_HWSP_EMULATION | I915_VGT_CAPS_HUGE_GTT),
	PV_INFO(I915_PV_MAPPABLE_BASE),
	PV_INFO(I915_PV_MAPPABLE_SIZE),
	PV_INFO(I915_PV_HIDDEN_BASE),
	PV_INFO(I915_PV_HIDDEN_SIZE),
	PV_INFO(I915_PV_FENCE_NUM),
	/* PVINFO: what the guest tells the host */
	REG(I915_PV_DISPLAY_READY),
	{ .offset = I915_PV_G2V_NOTIFY, .size = 4, .write = vmed_i915_g2v_notify },
	REG(I915_PV_CURSOR_X_HOT),
	REG(I915_PV_CURSOR_Y_HOT),
	REG(I915_PV_PDP_LO(0)), REG(I915_PV_PDP_HI(0)),
	REG(I915_PV_PDP_LO(1)), REG(I915_PV_PDP_HI(1)),
	REG(I915_PV_PDP_LO(2)), REG(I915_PV_PDP_HI(2)),
	REG(I915_PV_PDP_LO(3)), REG(I915_PV_PDP_HI(3)),
	REG(I915_PV_EXECLIST_DESC_LO),
	REG(I915_PV_EXECLIST_DESC_HI),
};

/* Bank 0: render and blitter; 1: video; 2: power management; 3: VECS. */
/*
 * Every engine's registers, at each engine's base (the vendor's register
 * banks): the ring (execlists keep it in the context), the status page,
 * error and interrupt masks, the reset handshake, the submit port, the
 * context status buffer, the registers unprivileged batches may write and
 * the general purpose registers.
 */
static const struct vmed_mmio_reg i915_engine_regs[] = {
	REG(I915_ENG_RING_TAIL),
	REG(I915_ENG_RING_HEAD),
	REG(I915_ENG_RING_START),
	REG(I915_ENG_RING_CTL),
	REG(I915_ENG_HWS_PGA),
	REG(I915_ENG_HWSTAM),
	{ .offset = I915_ENG_MI_MODE, .size = 4, .flags = VMED_REG_MASKED,
	  .ro_mask = I915_MI_MODE_IDLE, .read = mi_mode_read },
	REG(I915_ENG_IMR),
	REG_W1C(I915_ENG_EIR),
	REG(I915_ENG_EMR),
	REG_RO(I915_ENG_ESR, 0),
	{ .offset = I915_ENG_RESET_CTL, .size = 4, .flags = VMED_REG_MASKED,
	  .ro_mask = ~(u64)I915_RESET_CTL_REQUEST, .write = reset_ctl_write },
	{ .offset = I915_ENG_ELSP, .size = 4, .write = vmed_i915_elsp_write },
	REG_RO(I915_ENG_EXECLIST_STATUS_LO, 0),
	REG_RO(I915_ENG_EXECLIST_STATUS_HI, 0),
	REG_MASKED(I915_ENG_RING_MODE),
	/* Each entry two dwords; the engine writes them */
	{ .offset = I915_ENG_CSB(0), .size = 4, .flags = VMED_REG_RO,
	  .count = 2 * I915_CSB_ENTRIES },
	/* Read pointer 11:8 (guest), write pointer 3:0 (engine, or reset). */
	{ .offset = I915_ENG_CSB_PTR, .size = 4, .flags = VMED_REG_MASKED,
	  .reset = ((I915_CSB_ENTRIES - 1) << I915_CSB_READ_SHIFT) |
		   (I915_CSB_ENTRIES - 1) },
	REGS(I915_ENG_NONPRIV(0), I915_NONPRIV_COUNT),
	REGS(I915_ENG_GPR(0), I915_GPR_DWORDS),
};

const struct i915_engine_desc vmed_i915_engines[I915_NR_ENGINES] = {
	[I915_RCS] = { .base = I915_RCS_BASE, .ev_user = I915_EV_RCS_USER,
		       .ev_ctx_switch = I915_EV_RCS_CTX_SWITCH,
		       .reset_domain = I915_GDRST_RENDER, .blitter = true,
		       .render = true },
	[I915_BCS] = { .base = I915_BCS_BASE, .ev_user = I915_EV_BCS_USER,
		       .ev_ctx_switch = I915_EV_BCS_CTX_SWITCH,
		       .reset_domain = I915_GDRST_BLT, .blitter = true },
	[I915_VCS] = { .base = I915_VCS_BASE, .ev_user = I915_EV_VCS_USER,
		       .ev_ctx_switch = I915_EV_VCS_CTX_SWITCH,
		       .reset_domain = I915_GDRST_MEDIA },
	[I915_VECS] = { .base = I915_VECS_BASE, .ev_user = I915_EV_VECS_USER,
		       .ev_ctx_switch = I915_EV_VECS_CTX_SWITCH,
		       .reset_domain = I915_GDRST_VECS },
};

/**
 * vmed_i915_engine_of() - the engine a register of an engine bank is of
 * @offset: the register's offset
 *
 * Return: its index in vmed_i915_engines[].
 */
unsigned int vmed_i915_engine_of(u32 offset)
{
	unsigned int i;

	for (i = 1; i < I915_NR_ENGINES; i++)
		if ((offset & ~0xfffu) == vmed_i915_engines[i].base)
			return i;
	return I915_RCS;
}

static const struct vmed_irq_group i915_irq_groups[] = {
	{ .isr = I915_GT_ISR(0), .imr = I915_GT_IMR(0), .iir = I915_GT_IIR(0),
	  .ier = I915_GT_IER(0), .master_bit = 0 /* I915_MASTER_GT0 */ },
	{ .isr = I915_GT_ISR(1), .imr = I915_GT_IMR(1), .iir = I915_GT_IIR(1),
	  .ier = I915_GT_IER(1), .master_bit = 2 /* I915_MASTER_GT1 */ },
	{ .isr = I915_GT_ISR(2), .imr = I915_GT_IMR(2), .iir = I915_GT_IIR(2),
	  .ier = I915_GT_IER(2), .master_bit = 4 /* I915_MASTER_GT2 */ },
	{ .isr = I915_GT_ISR(3), .imr = I915_GT_IMR(3), .iir = I915_GT_IIR(3),
	  .ier = I915_GT_IER(3), .master_bit = 6 /* I915_MASTER_GT3 */ },
};

static const struct vmed_irq_event i915_irq_events[I915_NR_EVENTS] = {
	[I915_EV_RCS_USER] = { .group = 0, .bit = 0 },
	[I915_EV_RCS_CTX_SWITCH] = { .group = 0, .bit = 8 },
	[I915_EV_BCS_USER] = { .group = 0, .bit = 16 },
	[I915_EV_BCS_CTX_SWITCH] = { .group = 0, .bit = 24 },
	[I915_EV_VCS_USER] = { .group = 1, .bit = 0 },
	[I915_EV_VCS_CTX_SWITCH] = { .group = 1, .bit = 8 },
	[I915_EV_VECS_USER] = { .group = 3, .bit = 0 },
	[I915_EV_VECS_CTX_SWITCH] = { .group = 3, .bit = 8 },
};

/*
 * Shares of 512 MiB aperture + 1.5 GiB hidden graphics memory and 32 fences,
 * as GVT-g splits a Skylake: the name says how many vGPUs fit.
 */
static const struct vmed_vgpu_type i915_types[I915_NR_TYPES] = {
	[I915_TYPE_8] = { .name = "8", .description = "64M aperture, 192M hidden, 4 fences",
			  .gm_size = { SZ_64M, SZ_128M + SZ_64M }, .fences = 4,
			  .weight = 2 },
	[I915_TYPE_4] = { .name = "4", .description = "128M aperture, 384M hidden, 8 fences",
			  .gm_size = { SZ_128M, SZ_256M + SZ_128M }, .fences = 8,
			  .weight = 4 },
	[I915_TYPE_2] = { .name = "2", .description = "256M aperture, 768M hidden, 16 fences",
			  .gm_size = { SZ_256M, SZ_512M + SZ_256M }, .fences = 16,
			  .weight = 8 },
	[I915_TYPE_1] = { .name = "1", .description = "512M aperture, 1536M hidden, 32 fences",
			  .gm_size = { SZ_512M, SZ_1G + SZ_512M }, .fences = 32,
			  .weight = 16 },
};

#define I915_GEN8_PTE							\
	.entry_size = 8,						\
	.present_mask = I915_PTE_PRESENT,				\
	.writable_mask = I915_PTE_RW,					\
	.addr_mask = I915_PTE_ADDR,					\
	.keep_mask = I915_PTE_PWT | I915_PTE_PCD

const struct vmed_vendor vmed_i915_vendor = {
	.name = "i915",
	.pci = {
		.vendor = I915_PCI_VENDOR,
		.device = I915_PCI_DEVICE,
		.subsystem_vendor = I915_PCI_VENDOR,
		.subsystem_device = I915_PCI_DEVICE,
		.revision = 7,
		.class_code = 0x030000,
		.bars = {
			{ .size = I915_BAR0_SIZE, .is_64bit = true },
			{ .size = I915_BAR2_SIZE, .is_64bit = true,
			  .prefetchable = true },
		},
		.msi_cap_offset = I915_MSI_CAP,
		.fields = {
			{ .offset = I915_GGC, .size = 2,
			  .value = I915_GGC_GGMS_4M },
		},
	},
	.reg_bar = 0,
	.mmio_size = I915_MMIO_SIZE,
	.ggtt_offset = I915_GGTT_OFFSET,
	.ggtt_format = {
		I915_GEN8_PTE,
		.levels = 1,
		.level = { { .shift = 12, .bits = 20 } },
	},
	.gm_total = { I915_GM_MAPPABLE, I915_GM_HIDDEN },
	.fences = I915_FENCES,
	.ppgtt_format = {
		I915_GEN8_PTE,
		.levels = 4,
		.level = {
			{ .shift = 12, .bits = 9 },
			{ .shift = 21, .bits = 9, .leaf_mask = I915_PTE_PS },
			{ .shift = 30, .bits = 9 },
			{ .shift = 39, .bits = 9 },
		},
	},
	.regs = i915_regs,
	.nr_regs = ARRAY_SIZE(i915_regs),
	.bank_regs = i915_engine_regs,
	.nr_bank_regs = ARRAY_SIZE(i915_engine_regs),
	.bank_base = { I915_RCS_BASE, I915_BCS_BASE, I915_VCS_BASE,
		       I915_VECS_BASE },
	.nr_banks = I915_NR_ENGINES,
	.irq = {
		.master = I915_MASTER_IRQ,
		.master_enable = I915_MASTER_IRQ_CONTROL,
		.nr_groups = ARRAY_SIZE(i915_irq_groups),
		.groups = i915_irq_groups,
		.nr_events = ARRAY_SIZE(i915_irq_events),
		.events = i915_irq_events,
	},
	.types = i915_types,
	.nr_types = ARRAY_SIZE(i915_types),
	.nr_engines = I915_NR_ENGINES,
	.ops = &vmed_i915_ops,
};
