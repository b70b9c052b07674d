/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmed_i915: a Gen9-class Intel virtual GPU with a software render engine.
 *
 * Shared between the files of the backend and its KUnit suite: the device
 * model's constants (register offsets, PVINFO layout, context image layout,
 * command encodings), the per-vGPU state and the functions the files call
 * in each other.
 */
#ifndef _VMED_I915_H
#define _VMED_I915_H

#include <linux/bits.h>
#include <linux/sizes.h>
#include <linux/types.h>
#include <vmed/sched.h>
#include <vmed/vendor.h>
#include <vmed/vgpu.h>

/* ---------------------------------------------------------------- device */
#define I915_PCI_VENDOR		0x8086
#define I915_PCI_DEVICE		0x1912		/* Skylake GT2 (HD 530) */
#define I915_BAR0_SIZE		SZ_16M		/* registers + GGTT */
#define I915_MMIO_SIZE		SZ_2M		/* register window */
#define I915_GGTT_OFFSET	SZ_8M		/* GGTT entries in BAR0 */
#define I915_BAR2_SIZE		SZ_512M		/* aperture */
#define I915_MSI_CAP		0xd0
/* Graphics control (config 0x50): GGTT size 4 MiB (2 GiB), no stolen */
#define I915_GGC		0x50
#define   I915_GGC_GGMS_4M		(2 << 6)
#define I915_GM_MAPPABLE	SZ_512M
#define I915_GM_HIDDEN		(SZ_1G + SZ_512M)
#define I915_FENCES		32

/* Types, index into the type table: the name is how many fit the device. */
enum { I915_TYPE_8, I915_TYPE_4, I915_TYPE_2, I915_TYPE_1, I915_NR_TYPES };

/* Events, index into the interrupt map: a user and a context switch each. */
enum {
	I915_EV_RCS_USER, I915_EV_RCS_CTX_SWITCH,
	I915_EV_BCS_USER, I915_EV_BCS_CTX_SWITCH,
	I915_EV_VCS_USER, I915_EV_VCS_CTX_SWITCH,
	I915_EV_VECS_USER, I915_EV_VECS_CTX_SWITCH,
	I915_NR_EVENTS
};

/* Engines, index into the core's engines and vmed_i915_engines[]. */
enum { I915_RCS, I915_BCS, I915_VCS, I915_VECS, I915_NR_ENGINES };

/* gen8 page-table entries (GGTT and PPGTT) */
#define I915_PTE_PRESENT	BIT_ULL(0)
#define I915_PTE_RW		BIT_ULL(1)
#define I915_PTE_PWT		BIT_ULL(3)
#define I915_PTE_PCD		BIT_ULL(4)
#define I915_PTE_PS		BIT_ULL(7)
#define I915_PTE_ADDR		GENMASK_ULL(45, 12)
#define I915_PPGTT_VA_BITS	48

/* ---------------------------------------------------------------- registers */
#define I915_MASTER_IRQ		0x44200
#define   I915_MASTER_IRQ_CONTROL	BIT(31)
#define   I915_MASTER_GT0		BIT(0)	/* render, blitter */
#define   I915_MASTER_GT1		BIT(2)	/* video */
#define   I915_MASTER_GT2		BIT(4)	/* power management */
#define   I915_MASTER_GT3		BIT(6)	/* video enhancement */
/* GT interrupt banks 0..3: ISR, IMR, IIR, IER each */
#define I915_GT_ISR(n)		(0x44300 + (n) * 0x10)
#define I915_GT_IMR(n)		(0x44304 + (n) * 0x10)
#define I915_GT_IIR(n)		(0x44308 + (n) * 0x10)
#define I915_GT_IER(n)		(0x4430c + (n) * 0x10)
#define I915_GT0_ISR		I915_GT_ISR(0)
#define I915_GT0_IMR		I915_GT_IMR(0)
#define I915_GT0_IIR		I915_GT_IIR(0)
#define I915_GT0_IER		I915_GT_IER(0)
#define   I915_GT_RCS_USER		BIT(0)	/* bank 0 */
#define   I915_GT_RCS_CTX_SWITCH	BIT(8)
#define   I915_GT_BCS_USER		BIT(16)	/* bank 0 */
#define   I915_GT_BCS_CTX_SWITCH	BIT(24)
#define   I915_GT_XCS_USER		BIT(0)	/* video: bank 1; enhancement: 3 */
#define   I915_GT_XCS_CTX_SWITCH	BIT(8)

/* Engines: render, blitter, video, video enhancement */
#define I915_RCS_BASE		0x2000
#define I915_BCS_BASE		0x22000
#define I915_VCS_BASE		0x12000
#define I915_VECS_BASE		0x1a000
/* Every engine's registers, relative to its base */
#define I915_ENG_RING_TAIL	0x30
#define I915_ENG_RING_HEAD	0x34
#define I915_ENG_RING_START	0x38
#define I915_ENG_RING_CTL	0x3c
#define I915_ENG_HWS_PGA	0x80
#define I915_ENG_HWSTAM		0x98
#define I915_ENG_MI_MODE	0x9c
#define   I915_MI_MODE_STOP_RING	BIT(8)
#define   I915_MI_MODE_IDLE		BIT(9)
#define I915_ENG_IMR		0xa8
#define I915_ENG_EIR		0xb0
#define I915_ENG_EMR		0xb4
#define I915_ENG_ESR		0xb8
#define I915_ENG_RESET_CTL	0xd0
#define   I915_RESET_CTL_REQUEST	BIT(0)
#define   I915_RESET_CTL_READY		BIT(1)
#define I915_ENG_ELSP		0x230
#define I915_ENG_EXECLIST_STATUS_LO 0x234
#define I915_ENG_EXECLIST_STATUS_HI 0x238
#define I915_ENG_RING_MODE	0x29c
#define I915_ENG_CSB(i)		(0x370 + (i) * 8)	/* lo; hi at +4 */
#define I915_ENG_CSB_PTR	0x3a0
/* Registers i915 lets unprivileged batches write; nothing reads them here */
#define I915_ENG_NONPRIV(i)	(0x4d0 + (i) * 4)
#define   I915_NONPRIV_COUNT		12
/* The command streamer's general purpose registers, 16 of 64 bits */
#define I915_ENG_GPR(i)		(0x600 + (i) * 4)
#define   I915_GPR_DWORDS		32
#define I915_RING_HWSTAM(base)	((base) + I915_ENG_HWSTAM)
#define I915_RING_RESET_CTL(base) ((base) + I915_ENG_RESET_CTL)
#define I915_GDRST		0x941c
#define   I915_GDRST_FULL		BIT(0)
#define   I915_GDRST_RENDER		BIT(1)
#define   I915_GDRST_MEDIA		BIT(2)
#define   I915_GDRST_BLT		BIT(3)
#define   I915_GDRST_VECS		BIT(4)
/* The render engine's, by their absolute offsets */
#define I915_RING_TAIL		(I915_RCS_BASE + I915_ENG_RING_TAIL)
#define I915_RING_HEAD		(I915_RCS_BASE + I915_ENG_RING_HEAD)
#define I915_RING_START		(I915_RCS_BASE + I915_ENG_RING_START)
#define I915_RING_CTL		(I915_RCS_BASE + I915_ENG_RING_CTL)
#define I915_HWS_PGA		(I915_RCS_BASE + I915_ENG_HWS_PGA)
#define I915_ELSP		(I915_RCS_BASE + I915_ENG_ELSP)
#define I915_EXECLIST_STATUS_LO	(I915_RCS_BASE + I915_ENG_EXECLIST_STATUS_LO)
#define I915_EXECLIST_STATUS_HI	(I915_RCS_BASE + I915_ENG_EXECLIST_STATUS_HI)
#define I915_RING_MODE		(I915_RCS_BASE + I915_ENG_RING_MODE)
#define I915_CSB(i)		(I915_RCS_BASE + I915_ENG_CSB(i))
#define I915_CSB_PTR		(I915_RCS_BASE + I915_ENG_CSB_PTR)
#define   I915_CSB_ENTRIES		6
#define   I915_CSB_WRITE_MASK		GENMASK(3, 0)
#define   I915_CSB_READ_SHIFT		8

/* CSB status dword (gen8) plus vmed's error bit, see execlist.c */
#define I915_CSB_IDLE_ACTIVE	BIT(0)
#define I915_CSB_PREEMPTED	BIT(1)
#define I915_CSB_ELEMENT_SWITCH	BIT(2)
#define I915_CSB_ACTIVE_IDLE	BIT(3)
#define I915_CSB_COMPLETE	BIT(4)
#define I915_CSB_ERROR		BIT(31)

/* EXECLIST_STATUS_LO as modelled, see execlist.c */
#define I915_EXECLIST_ERROR	BIT(31)
#define I915_EXECLIST_ACTIVE	BIT(0)	/* vmed: an element list is submitted */

/* HWSP slots the CSB is mirrored to (gen9 i915 reads them there) */
#define I915_HWS_CSB_BUF0	0x10
#define I915_HWS_CSB_WRITE	0x1f

/* LRI-writable registers: the render engine's general purpose registers */
#define I915_CS_GPR(i)		(I915_RCS_BASE + I915_ENG_GPR(i))
#define I915_CS_GPR_COUNT	I915_GPR_DWORDS
/*
 * and the masked chicken registers i915's context workarounds load: they
 * tune units a software engine does not have, so they are only stored.
 */
#define I915_CS_CHICKEN1	0x2580
#define I915_CACHE_MODE_1	0x7004
#define I915_COMMON_SLICE_CHICKEN2 0x7014
#define I915_HDC_CHICKEN0	0x7300
#define I915_HALF_SLICE_CHICKEN2 0xe180
#define I915_HALF_SLICE_CHICKEN3 0xe184
#define I915_HALF_SLICE_CHICKEN5 0xe188
#define I915_HALF_SLICE_CHICKEN7 0xe194
#define I915_ROW_CHICKEN	0xe4f0
#define I915_GT_MODE		0x7008

#define I915_FORCEWAKE_RENDER	0xa278
#define I915_FORCEWAKE_MEDIA	0xa270
#define I915_FORCEWAKE_GT	0xa188
#define I915_FORCEWAKE_ACK_RENDER 0x0d84
#define I915_FORCEWAKE_ACK_MEDIA 0x0d88
#define I915_FORCEWAKE_ACK_GT	0x130044

#define I915_FENCE(i)		(0x100000 + (i) * 8)

/* Device information: GT2, one slice of three subslices of 8 EUs */
#define I915_FUSE2		0x9120
#define   I915_FUSE2_GT2		(BIT(25) | (0x8 << 20))
#define I915_EU_DISABLE(i)	(0x9134 + (i) * 4)
#define I915_RP_STATE_CAP	0x145998
#define I915_RP_STATE_CAP_VAL	0x000b0b18
/* Command streamer timestamps from the crystal, 24 MHz >> 1 */
#define I915_CTC_MODE		0xa26c
#define   I915_CTC_CRYSTAL_HALF		(2 << 1)
/* Display fuses: pipes A, B and C off, so there is no display */
#define I915_SKL_DFSM		0x51000
#define   I915_DFSM_NO_PIPES		(BIT(30) | BIT(28) | BIT(21))
#define I915_EDRAM_CAP		0x120010	/* 0: no eDRAM */
/* No GuC runs: its microcontroller reads as held in reset */
#define I915_GUC_STATUS		0xc000
#define   I915_GUC_MIA_IN_RESET		BIT(0)
/* ... and its memory partition was never set up (nor locked) */
#define I915_GUC_WOPCM_SIZE	0xc050
#define I915_GUC_WOPCM_OFFSET	0xc340
/* The memory controller's clock (DCLK): not reported */
#define I915_MCH_DCLK		0x145e04

/*
 * The PCU's mailbox: the guest writes a command with READY set and polls
 * for READY to clear; the status is then in the low byte, data in DATA.
 */
#define I915_PCODE_MAILBOX	0x138124
#define   I915_PCODE_READY		BIT(31)
#define   I915_PCODE_CMD		GENMASK(7, 0)	/* status, once done */
#define   I915_PCODE_SUCCESS		0x0
#define   I915_PCODE_ILLEGAL_CMD	0x1
#define   I915_PCODE_WRITE_MIN_FREQ_TABLE 0x8
#define   I915_PCODE_DUTY_CYCLE_CONTROL	0x1a
#define I915_PCODE_DATA		0x138128
#define I915_PCODE_DATA1	0x13812c

/*
 * Memory object control states: the cache attributes i915 programs for
 * each engine (64 entries each; the second video engine is absent) and for
 * the L3 (32 dwords of two entries). A software engine has no caches: they
 * are stored per vGPU.
 */
#define I915_MOCS_RCS		0xc800
#define I915_MOCS_VCS		0xc900
#define I915_MOCS_VECS		0xcb00
#define I915_MOCS_BCS		0xcc00
#define   I915_MOCS_ENTRIES		64
#define I915_LNCF_MOCS		0xb020
#define   I915_LNCF_MOCS_DWORDS		32

/*
 * TLB invalidation, per engine: the guest writes 1 and polls for 0. The
 * engines translate through the core's shadow tables afresh at each
 * access, so there is no TLB: done at once.
 */
#define I915_RTCR		0x4260	/* render */
#define I915_M1TCR		0x4264	/* video */
#define I915_M2TCR		0x4268
#define I915_BTCR		0x426c	/* blitter */
#define I915_VTCR		0x4270	/* video enhancement */

/* Error and fault reporting, all clear on this device */
#define I915_PGTBL_ER		0x2024
#define I915_IPEIR		0x2064
#define I915_EIR		0x20b0
#define I915_RING_FAULT		0x4094
#define I915_FPGA_DBG		0x42300

/*
 * Written by i915 and otherwise without effect here: interrupt registers
 * of units this device lacks (PCU, south display), memory attributes,
 * flushes and clock gating.
 */
#define I915_PCU_IMR		0x444e4
#define I915_PCU_IIR		0x444e8
#define I915_PCU_IER		0x444ec
#define I915_SDE_IMR		0xc4004
#define I915_SDE_IIR		0xc4008
#define I915_SDE_IER		0xc400c
#define I915_PRIVATE_PAT_LO	0x40e0
#define I915_PRIVATE_PAT_HI	0x40e4
#define I915_GFX_FLSH_CNTL	0x101008
#define I915_CHICKEN_PAR1_1	0x42080
#define I915_CHICKEN_DCPR_1	0x46430
#define I915_DISP_ARB_CTL	0x45000
#define I915_MISCCPCTL		0x9424
#define I915_FBC_LLC_READ_CTRL	0x9044
/*
 * ... and the GT workarounds i915 applies (and reads back to verify):
 * steering, arbitration, clock gating, L3 and GTT cache tuning, power
 * management thresholds. Two of them, on the render engine, are masked.
 */
#define I915_MCR_SELECTOR	0xfdc
#define I915_CSFE_CHICKEN1_RCS	0x20d4	/* masked */
#define I915_FF_SLICE_CS_CHICKEN1 0x20e0 /* masked */
#define I915_GTT_CACHE_EN	0x4024
#define I915_GAMW_ECO_DEV_RW_IA	0x4080
#define I915_GAM_ECOCHK		0x4090
#define I915_L3_LRA_1_GPGPU	0x4dd4
#define I915_MMCD_MISC_CTRL	0x4ddc
#define I915_UCGCTL4		0x940c
#define I915_GARBCNTL		0xb004
#define I915_SCRATCH_LNCF1	0xb008
#define I915_L3SQCREG4		0xb118
#define I915_SCRATCH1		0xb11c
#define I915_RPNSWREQ		0xa008
#define I915_RC_VIDEO_FREQ	0xa00c
#define I915_RP_CONTROL		0xa024
#define I915_RP_UP_THRESHOLD	0xa02c
#define I915_RP_DOWN_THRESHOLD	0xa030
#define I915_RP_UP_EI		0xa068
#define I915_RP_DOWN_EI		0xa06c
#define I915_RP_IDLE_HYSTERESIS	0xa070
#define I915_PMINTRMSK		0xa168

/* ---------------------------------------------------------------- PVINFO */
#define I915_PVINFO		0x78000
#define I915_PV_MAGIC		(I915_PVINFO + 0x00)
#define   I915_VGT_MAGIC		0x4776544776544776ULL	/* "vGTvGTvG" */
#define I915_PV_VERSION		(I915_PVINFO + 0x08)	/* major, minor u16 */
#define I915_PV_VGT_ID		(I915_PVINFO + 0x0c)
#define I915_PV_CAPS		(I915_PVINFO + 0x10)
#define   I915_VGT_CAPS_FULL_PPGTT	BIT(2)
#define   I915_VGT_CAPS_HWSP_EMULATION	BIT(3)
#define   I915_VGT_CAPS_HUGE_GTT	BIT(4)
#define I915_PV_MAPPABLE_BASE	(I915_PVINFO + 0x40)
#define I915_PV_MAPPABLE_SIZE	(I915_PVINFO + 0x44)
#define I915_PV_HIDDEN_BASE	(I915_PVINFO + 0x48)
#define I915_PV_HIDDEN_SIZE	(I915_PVINFO + 0x4c)
#define I915_PV_FENCE_NUM	(I915_PVINFO + 0x50)
#define I915_PV_DISPLAY_READY	(I915_PVINFO + 0x804)
#define I915_PV_G2V_NOTIFY	(I915_PVINFO + 0x818)
#define I915_PV_CURSOR_X_HOT	(I915_PVINFO + 0x830)
#define I915_PV_CURSOR_Y_HOT	(I915_PVINFO + 0x834)
#define I915_PV_PDP_LO(i)	(I915_PVINFO + 0x838 + (i) * 8)
#define I915_PV_PDP_HI(i)	(I915_PVINFO + 0x83c + (i) * 8)
#define I915_PV_EXECLIST_DESC_LO (I915_PVINFO + 0x858)
#define I915_PV_EXECLIST_DESC_HI (I915_PVINFO + 0x85c)

/* g2v_notify values */
#define I915_G2V_PPGTT_L3_CREATE	2
#define I915_G2V_PPGTT_L3_DESTROY	3
#define I915_G2V_PPGTT_L4_CREATE	4
#define I915_G2V_PPGTT_L4_DESTROY	5
#define I915_G2V_EXECLIST_CTX_CREATE	6
#define I915_G2V_EXECLIST_CTX_DESTROY	7

/* ---------------------------------------------------------------- contexts */
/* Context descriptor (the 64-bit value written to ELSP) */
#define I915_CTX_VALID		BIT_ULL(0)
#define I915_CTX_MODE_SHIFT	3
#define I915_CTX_MODE_MASK	GENMASK_ULL(4, 3)
#define I915_CTX_MODE_LEGACY_64	3	/* 4-level PPGTT */
#define I915_CTX_LRCA_MASK	GENMASK_ULL(31, 12)

/*
 * Context image: the register state page follows the per-process status
 * page (LRCA + 4 KiB). Values sit at the gen8 LRC dword indices (each after
 * its register offset in the image's MI_LOAD_REGISTER_IMM list); only these
 * are read, and only the ring head is written back.
 */
#define I915_CTX_STATE_PAGE	1
#define I915_CTX_RING_HEAD	0x05
#define I915_CTX_RING_TAIL	0x07
#define I915_CTX_RING_START	0x09
#define I915_CTX_RING_CTL	0x0b
#define I915_CTX_PDP0_UDW	0x31	/* PML4 address, high dword */
#define I915_CTX_PDP0_LDW	0x33	/* PML4 address, low dword */
#define I915_CTX_STATE_DWORDS	0x34
#define I915_RING_CTL_VALID	BIT(0)
#define I915_RING_CTL_PAGES(ctl) ((((ctl) >> 12) & 0x1ff) + 1)
#define I915_RING_OFFSET_MASK	GENMASK(20, 2)

/* ---------------------------------------------------------------- commands */
#define I915_CLIENT(dw)		((dw) >> 29)
#define I915_CLIENT_MI		0
#define I915_CLIENT_2D		2
#define I915_CLIENT_3D		3
#define I915_MI_OP(dw)		(((dw) >> 23) & 0x3f)
#define I915_2D_OP(dw)		(((dw) >> 22) & 0x7f)
#define I915_MI(op, flags)	(((u32)(op) << 23) | (flags))

#define I915_MI_NOOP			0x00
#define I915_MI_USER_INTERRUPT		0x02
#define I915_MI_ARB_CHECK		0x05
#define I915_MI_ARB_ON_OFF		0x08
#define I915_MI_BATCH_BUFFER_END	0x0a
#define I915_MI_STORE_DATA_IMM		0x20
#define   I915_MI_USE_GGTT		BIT(22)
#define   I915_MI_SDI_QWORD		BIT(21)
#define I915_MI_LOAD_REGISTER_IMM	0x22
/* MI_FLUSH_DW (not on the render engine): a post-sync store, or nothing */
#define I915_MI_FLUSH_DW		0x26
#define   I915_FLUSH_POST_SYNC_MASK	(3 << 14)
#define   I915_FLUSH_WRITE_IMM		BIT(14)
#define   I915_FLUSH_STORE_INDEX	BIT(21)
#define   I915_FLUSH_NOTIFY		BIT(8)
#define   I915_FLUSH_USE_GTT		BIT(2)	/* in the address dword */
#define I915_MI_BATCH_BUFFER_START	0x31
#define   I915_MI_BB_SECOND_LEVEL	BIT(22)
#define   I915_MI_BB_PPGTT		BIT(8)

/*
 * PIPE_CONTROL (render engine): flushes and stalls, which a software
 * engine has nothing to do for, and a post-sync write of an immediate
 * qword to a GGTT or PPGTT address, or to an offset in the context's
 * status page (STORE_DATA_INDEX).
 */
#define I915_PIPE_CONTROL		0x7a000004
#define   I915_PC_POST_SYNC_MASK	(3 << 14)
#define   I915_PC_WRITE_IMM		BIT(14)
#define   I915_PC_NOTIFY		BIT(8)
#define   I915_PC_STORE_INDEX		BIT(21)
#define   I915_PC_MMIO_WRITE		BIT(23)
#define   I915_PC_GLOBAL_GTT		BIT(24)
#define I915_3D_SINGLE_DWORD		1	/* pipeline type (bits 28:27) */
#define I915_3D_MEDIA			2

#define I915_XY_COLOR_BLT		0x50
#define I915_XY_SRC_COPY_BLT		0x53
#define I915_2D(op, len)	((2u << 29) | ((u32)(op) << 22) | ((len) - 2))
#define   I915_BLT_WRITE_RGBA		(3 << 20)
#define   I915_BLT_DEPTH_32		(3 << 24)
#define   I915_BLT_DEPTH_MASK		(3 << 24)
#define   I915_BLT_ROP_MASK		(0xff << 16)
#define   I915_BLT_ROP_SRC_COPY		(0xcc << 16)
#define   I915_BLT_ROP_COLOR_COPY	(0xf0 << 16)

/* ---------------------------------------------------------------- limits */
#define I915_MAX_PPGTTS		16	/* announced PML4s per vGPU */
#define I915_MAX_LISTS		2	/* element lists per engine: running, next */
#define I915_MAX_ELEMENTS	(2 * I915_MAX_LISTS)
#define I915_MAX_SCAN_DWORDS	16384	/* dwords fetched per workload */
#define I915_MAX_CMDS		4096	/* commands per workload */
#define I915_MAX_CHAIN		8	/* batch starts inside one batch */
#define I915_MAX_BLIT_BYTES	SZ_16M	/* per blit */
#define I915_MAX_BLIT_TOTAL	SZ_64M	/* per workload */
#define I915_CMD_BUF_DWORDS	I915_MAX_SCAN_DWORDS
#define I915_STEP_BYTES		SZ_64K	/* blitted per engine step */

/* Why a workload was refused; the last one is kept for the guest's sake. */
enum i915_wl_error {
	I915_WL_OK,
	I915_WL_BAD_CONTEXT,	/* LRCA or context image unreachable */
	I915_WL_BAD_RING,	/* ring geometry or ring memory */
	I915_WL_BAD_OPCODE,	/* command outside the subset */
	I915_WL_BAD_LRI,	/* LRI to a register not whitelisted */
	I915_WL_BAD_LENGTH,	/* length field wrong or beyond the ring */
	I915_WL_BAD_ADDRESS,	/* memory outside the vGPU's mappings */
	I915_WL_BAD_BLIT,	/* blit format, ROP or geometry */
	I915_WL_TOO_BIG,	/* command, chain or byte budget exceeded */
	I915_WL_NO_PPGTT,	/* PPGTT access without an announced PML4 */
	I915_WL_EXEC_FAULT,	/* memory fault while executing */
	I915_WL_NR_ERRORS,
};

/**
 * struct i915_stats - per-vGPU counters of the backend; read under the
 *	vGPU lock
 * @workloads: contexts submitted through ELSP
 * @workload_errors: contexts refused by the scanner or failed executing
 * @cmds: commands executed
 * @g2v_errors: PVINFO notifications refused (bad root, list full, ...)
 * @elsp_refused: element lists refused because two were in flight
 * @aperture_errors: aperture accesses refused
 * @by_error: per &enum i915_wl_error, how often
 */
struct i915_stats {
	u64 workloads;
	u64 workload_errors;
	u64 cmds;
	u64 g2v_errors;
	u64 elsp_refused;
	u64 aperture_errors;
	u64 by_error[I915_WL_NR_ERRORS];
};

/**
 * struct i915_ppgtt - an address space the guest announced through PVINFO
 * @root: guest physical address of its PML4
 * @mm: the core's shadow of it
 */
struct i915_ppgtt {
	u64 root;
	struct vmed_ppgtt_mm *mm;
};

struct i915_wl;

/**
 * struct i915_element - an element of a submitted list, queued on its engine
 * @lrca: its context
 * @tail: where its ring will stop: the head of the next run of @lrca
 */
struct i915_element {
	u64 lrca;
	u32 tail;
};

/**
 * struct i915_engine - an engine's execlists, as the guest drives them
 * @elsp: the ELSP dwords written so far, in write order
 * @elsp_count: how many of the four were written
 * @lists: element lists submitted and not yet run to their end: 0 (the
 *	engine is idle), 1 (one runs) or 2 (one waits behind it)
 * @queued: the elements of those lists in submission order, @first the
 *	oldest; @nr of them
 * @first: see @queued
 * @nr: see @queued
 */
struct i915_engine {
	u32 elsp[4];
	unsigned int elsp_count;
	unsigned int lists;
	struct i915_element queued[I915_MAX_ELEMENTS];
	unsigned int first;
	unsigned int nr;
};

/**
 * struct i915_vgpu - the backend's per-vGPU state (vmed_vgpu_vendor_data())
 * @engine: each engine's execlists
 * @ppgtt: announced address spaces
 * @nr_ppgtt: entries used in @ppgtt
 * @scan: where a submission is loaded and scanned, with room for
 *	%I915_CMD_BUF_DWORDS; the workload queued gets a copy of what it
 *	needs
 * @bounce: one page for blits
 * @last_error: &enum i915_wl_error of the last refused workload
 * @stats: counters
 */
struct i915_vgpu {
	struct i915_engine engine[I915_NR_ENGINES];
	struct i915_ppgtt ppgtt[I915_MAX_PPGTTS];
	unsigned int nr_ppgtt;
	struct i915_wl *scan;
	void *bounce;
	enum i915_wl_error last_error;
	struct i915_stats stats;
};

/**
 * struct i915_ctx - one context being run
 * @desc: its descriptor
 * @lrca: graphics memory address of the context image
 * @ring_start: graphics memory address of the ring
 * @ring_size: ring bytes
 * @head: ring offset execution starts at
 * @tail: ring offset execution stops at
 * @mm: the context's PPGTT, NULL if it has none the guest announced
 */
struct i915_ctx {
	u64 desc;
	u64 lrca;
	u64 ring_start;
	u32 ring_size;
	u32 head;
	u32 tail;
	struct vmed_ppgtt_mm *mm;
};

/**
 * struct i915_wl - one context submitted through ELSP, as a workload of its
 *	engine
 * @ctx: the context as loaded at submission; @ctx.mm is looked up afresh
 *	at each step (the guest may withdraw the PPGTT meanwhile)
 * @engine: which engine it runs on
 * @pdp: root of the context's PPGTT (PDP0 of its image)
 * @has_ppgtt: the context runs in a 4-level PPGTT
 * @err: why it is refused, I915_WL_OK while it is fine
 * @last: the last element of its list (CSB ACTIVE_IDLE when it completes,
 *	else ELEMENT_SWITCH)
 * @checked: every address its commands touch was checked (its first
 *	steps; @pos is the check's until then)
 * @pos: next record of @cmd to execute
 * @row: blit at @pos: rows done
 * @row_done: blit at @pos: bytes of the current row done
 * @cmd_len: dwords in @cmd
 * @cmd: the scanned commands (records, see cmd.c)
 */
struct i915_wl {
	struct i915_ctx ctx;
	unsigned int engine;
	u64 pdp;
	bool has_ppgtt;
	enum i915_wl_error err;
	bool last;
	bool checked;
	unsigned int pos;
	u32 row;
	u32 row_done;
	unsigned int cmd_len;
	u32 cmd[];
};

/**
 * struct i915_engine_desc - an engine of the device
 * @base: its register base
 * @ev_user: its user interrupt event
 * @ev_ctx_switch: its context-switch interrupt event
 * @reset_domain: its GDRST bit
 * @blitter: it runs the 2D blits (XY_*_BLT)
 * @render: it is the render engine (PIPE_CONTROL, 3D state, the context
 *	workaround registers)
 */
struct i915_engine_desc {
	u32 base;
	unsigned int ev_user;
	unsigned int ev_ctx_switch;
	u32 reset_domain;
	bool blitter;
	bool render;
};

extern const struct i915_engine_desc vmed_i915_engines[I915_NR_ENGINES];

static inline struct i915_vgpu *i915_of(struct vmed_vgpu *vgpu)
{
	return vmed_vgpu_vendor_data(vgpu);
}

extern const struct vmed_vendor vmed_i915_vendor;
extern const struct vmed_vendor_ops vmed_i915_ops;

/* pvinfo.c */
u64 vmed_i915_pvinfo_read(struct vmed_vgpu *vgpu, const struct vmed_mmio_reg *reg);
int vmed_i915_g2v_notify(struct vmed_vgpu *vgpu, const struct vmed_mmio_reg *reg,
			 u64 old, u64 val);
void vmed_i915_ppgtt_release_all(struct vmed_vgpu *vgpu);
struct vmed_ppgtt_mm *vmed_i915_ppgtt_find(struct vmed_vgpu *vgpu, u64 root);

/* execlist.c */
int vmed_i915_elsp_write(struct vmed_vgpu *vgpu, const struct vmed_mmio_reg *reg,
			 u64 old, u64 val);
int vmed_i915_wl_step(struct vmed_vgpu *vgpu, struct vmed_workload *wl);
void vmed_i915_wl_complete(struct vmed_vgpu *vgpu, struct vmed_workload *wl,
			   int status);
void vmed_i915_engine_reset(struct vmed_vgpu *vgpu);
void vmed_i915_engine_restart(struct vmed_vgpu *vgpu, unsigned int engine);

/* regs.c */
unsigned int vmed_i915_engine_of(u32 offset);

/* cmd.c */
enum i915_wl_error vmed_i915_cmd_scan(struct vmed_vgpu *vgpu,
				      const struct i915_ctx *ctx,
				      struct i915_wl *w);
enum i915_wl_error vmed_i915_cmd_check(struct vmed_vgpu *vgpu,
				       struct i915_wl *w, bool *more);

/* engine.c */
int vmed_i915_mem_rw(struct vmed_vgpu *vgpu, const struct i915_ctx *ctx,
		     bool ppgtt, u64 addr, void *buf, size_t len, bool write);
enum i915_wl_error vmed_i915_mem_check(struct vmed_vgpu *vgpu,
				       const struct i915_ctx *ctx, bool ppgtt,
				  u64 addr, u64 len, bool write);
bool vmed_i915_lri_allowed(u32 offset);
int vmed_i915_cmd_step(struct vmed_vgpu *vgpu, struct i915_wl *w);
int vmed_i915_bar_rw(struct vmed_vgpu *vgpu, unsigned int bar, u64 offset,
		     void *buf, unsigned int len, bool write);

#endif /* _VMED_I915_H */
