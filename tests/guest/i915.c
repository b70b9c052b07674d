// SPDX-License-Identifier: GPL-2.0
/*
 * vmed_guest for vmed_i915 (8086:1912): one render context driven the way
 * Linux's i915 drives a GVT-g vGPU, as vendors/i915/README describes it.
 *
 * Ballooning: PVINFO gives the guest its slice of mappable graphics memory
 * and nothing outside it may be used, so every GGTT address here is the
 * slice base plus a page: GGTT slot n maps page n of the DMA block (enum
 * i915_page) for the pages below PG_GGTT_END. The pages after them are
 * reached only through a 4-level PPGTT built in guest RAM and announced
 * through PVINFO g2v_notify.
 *
 * The context image (LRCA = slot 0, register state page = slot 1) holds the
 * ring registers and the PML4 address; the ring (slot 2) is one page. Work
 * is submitted as element 0 of the ELSP; the model queues it on its render
 * engine, says so at once with an IDLE_ACTIVE CSB entry and, when the
 * engine has run it, with a COMPLETE one, each with a context-switch
 * interrupt, plus the user interrupt if the ring has MI_USER_INTERRUPT: the
 * driver waits for the completion. A workload the
 * command scanner refuses gets the CSB error bit (31) and EXECLIST_STATUS
 * bit 31 instead, the ring is consumed, and nothing of it runs; the model
 * has no separate error interrupt: the context switch is the interrupt.
 *
 * Ring commands address the GGTT, commands of a batch started with the
 * PPGTT bit the PPGTT: the fill runs from the ring into a GGTT surface, the
 * copy from a PPGTT batch between PPGTT surfaces, so both paths are used.
 */
#define pr_fmt(fmt) "vmed_guest: " fmt

#include <linux/bitops.h>
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/jiffies.h>
#include <linux/kernel.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <asm/hypervisor.h>
#include "guest.h"

/* Interrupts: GT0 group under the GEN8 master register */
#define VGI_MASTER_IRQ		0x44200
#define   VGI_MASTER_ENABLE	BIT(31)
#define   VGI_MASTER_GT0	BIT(0)
#define VGI_GT0_IMR		0x44304
#define VGI_GT0_IIR		0x44308
#define VGI_GT0_IER		0x4430c
#define   VGI_GT_USER		BIT(0)
#define   VGI_GT_CTX_SWITCH	BIT(8)
#define   VGI_GT_EVENTS		(VGI_GT_USER | VGI_GT_CTX_SWITCH)

/* Execlists of the render engine */
#define VGI_ELSP		0x2230
#define VGI_EXECLIST_STATUS_LO	0x2234
#define   VGI_EXECLIST_ERROR	BIT(31)
#define VGI_CSB(i)		(0x2370 + (i) * 8)	/* status; ctx ID at +4 */
#define VGI_CSB_PTR		0x23a0
#define   VGI_CSB_ENTRIES	6
#define   VGI_CSB_WRITE		GENMASK(3, 0)
#define   VGI_CSB_READ_SHIFT	8
#define   VGI_CSB_READ		GENMASK(11, 8)
#define   VGI_CSB_IDLE_ACTIVE	BIT(0)
#define   VGI_CSB_ACTIVE_IDLE	BIT(3)
#define   VGI_CSB_COMPLETE	BIT(4)
#define   VGI_CSB_ERROR		BIT(31)
#define VGI_MASKED(mask, val)	((mask) << 16 | (val))

/* PVINFO */
#define VGI_PV			0x78000
#define VGI_PV_MAGIC		(VGI_PV + 0x00)
#define   VGI_VGT_MAGIC		0x4776544776544776ULL	/* "vGTvGTvG" */
#define VGI_PV_VERSION		(VGI_PV + 0x08)		/* major 15:0 */
#define VGI_PV_CAPS		(VGI_PV + 0x10)
#define   VGI_CAPS_FULL_PPGTT	BIT(2)
#define VGI_PV_GM_BASE		(VGI_PV + 0x40)		/* mappable slice */
#define VGI_PV_GM_SIZE		(VGI_PV + 0x44)
#define VGI_PV_G2V_NOTIFY	(VGI_PV + 0x818)
#define   VGI_G2V_PPGTT_L4_CREATE	4
#define   VGI_G2V_PPGTT_L4_DESTROY	5
#define VGI_PV_PDP0_LO		(VGI_PV + 0x838)
#define VGI_PV_PDP0_HI		(VGI_PV + 0x83c)

/* GGTT and PPGTT entries (gen8) */
#define VGI_GGTT		SZ_8M
#define VGI_PTE_PRESENT		BIT_ULL(0)
#define VGI_PTE_RW		BIT_ULL(1)
#define VGI_PTE(addr)		((u64)(addr) | VGI_PTE_PRESENT | VGI_PTE_RW)

/* Context descriptor and the register state page of the context image */
#define VGI_CTX_VALID		BIT_ULL(0)
#define VGI_CTX_LEGACY_64	(3ULL << 3)	/* 4-level PPGTT */
#define VGI_CTX_ID		0x17
#define VGI_LRI_RING_HEAD	0x05
#define VGI_LRI_RING_TAIL	0x07
#define VGI_LRI_RING_START	0x09
#define VGI_LRI_RING_CTL	0x0b
#define VGI_LRI_PDP0_UDW	0x31
#define VGI_LRI_PDP0_LDW	0x33
#define   VGI_RING_CTL_VALID	BIT(0)		/* pages - 1 in 20:12: 0 */

/* Commands */
#define VGI_MI(op, len)		((u32)(op) << 23 | (len))
#define VGI_MI_NOOP		0
#define VGI_MI_USER_INTERRUPT	VGI_MI(0x02, 0)
#define VGI_MI_BB_END		VGI_MI(0x0a, 0)
#define VGI_MI_SDI		VGI_MI(0x20, 2)		/* dword store */
#define   VGI_MI_USE_GGTT	BIT(22)
#define VGI_MI_BB_START		VGI_MI(0x31, 1)
#define   VGI_MI_BB_PPGTT	BIT(8)
#define VGI_MI_FLUSH_DW		VGI_MI(0x26, 1)		/* outside the subset */
#define VGI_2D(op, len)		(2u << 29 | (u32)(op) << 22 | 3u << 20 | ((len) - 2))
#define VGI_XY_COLOR_BLT	VGI_2D(0x50, 7)		/* RGBA write */
#define VGI_XY_SRC_COPY_BLT	VGI_2D(0x53, 10)
#define   VGI_BLT_32BPP		(3u << 24)
#define   VGI_ROP_COLOR		(0xf0u << 16)
#define   VGI_ROP_SRC		(0xccu << 16)

/* Surfaces: 64 x 16 pixels of 32 bits, one page */
#define SURF_PITCH		256
#define SURF_W			64
#define SURF_H			16

enum i915_page {
	/* GGTT slot n maps page n */
	PG_HWSP,		/* LRCA: per-process status page */
	PG_STATE,		/* register state page of the context image */
	PG_RING,
	PG_MARK,		/* stores that must (not) land */
	PG_FILL,		/* colour fill target */
	PG_HDST,		/* hostile copies land here */
	PG_GGTT_END,
	/* PPGTT only */
	PG_BATCH = PG_GGTT_END,
	PG_DATA,
	PG_SRC,
	PG_DST,
	PG_DECOY,		/* what VA_DST maps before the tracked update */
	PG_PML4,
	PG_PDP,
	PG_PD,
	PG_PT,
	PG_NR
};

/* GGTT slot hostile mode points beyond guest RAM */
#define SLOT_HOSTILE		PG_GGTT_END

/* PPGTT addresses: all in the first page table */
#define VA_BATCH		0x0000
#define VA_DATA			0x1000
#define VA_SRC			0x2000
#define VA_DST			0x3000
#define VA_HOSTILE		0x4000

/**
 * struct vg_i915 - the sequence's view of the vGPU
 * @gm_base: first address of the mappable slice
 * @gm_size: its size
 * @tail: ring offset the next command goes to
 * @batch: batch dwords written for the next submission
 * @csb_read: CSB entry last consumed
 * @root: the PML4 announced through PVINFO, 0 if none
 * @ggtt_slots: GGTT slots written (cleared again on quiesce)
 * @irqs: the device's interrupts are enabled
 */
struct vg_i915 {
	u64 gm_base;
	u64 gm_size;
	u32 tail;
	unsigned int batch;
	u32 csb_read;
	u64 root;
	unsigned long ggtt_slots;
	bool irqs;
};

/**
 * struct i915_result - what one submission produced
 * @irqs: GT0 IIR bits the interrupt handler saw
 * @csb_new: CSB entries written by it
 * @csb_first: status dword of the first of them
 * @csb: status dword of the last of them
 * @csb_ctx: its context ID
 * @execlist: EXECLIST_STATUS_LO afterwards
 * @text: all of it, for failure details
 */
struct i915_result {
	u32 irqs;
	u32 csb_new;
	u32 csb_first;
	u32 csb;
	u32 csb_ctx;
	u32 execlist;
	char text[128];
};

static struct vg_i915 *gi_of(struct vg_dev *vg)
{
	return vg->priv;
}

static u64 gm(struct vg_dev *vg, unsigned int slot)
{
	return gi_of(vg)->gm_base + slot * VG_PAGE;
}

static void __iomem *ggtt_entry(struct vg_dev *vg, unsigned int slot)
{
	return vg->mmio + VGI_GGTT + (gm(vg, slot) / VG_PAGE) * 8;
}

/* @split: as two 32-bit halves, which the core must put back together */
static void ggtt_set(struct vg_dev *vg, unsigned int slot, u64 pte, bool split)
{
	void __iomem *entry = ggtt_entry(vg, slot);

	if (split) {
		writel(lower_32_bits(pte), entry);
		writel(upper_32_bits(pte), entry + 4);
	} else {
		writeq(pte, entry);
	}
	gi_of(vg)->ggtt_slots |= BIT(slot);
}

/* A plain CPU store: after the announcement the host write-tracks it. */
static void pte_store(struct vg_dev *vg, unsigned int table, unsigned int i,
		      u64 pte)
{
	__le64 *t = vg_page(vg, table);

	WRITE_ONCE(t[i], cpu_to_le64(pte));
}

static void emit(struct vg_dev *vg, u32 dw)
{
	struct vg_i915 *gi = gi_of(vg);
	__le32 *ring = vg_page(vg, PG_RING);

	ring[gi->tail / 4] = cpu_to_le32(dw);
	gi->tail = (gi->tail + 4) % VG_PAGE;
}

static void bemit(struct vg_dev *vg, u32 dw)
{
	__le32 *batch = vg_page(vg, PG_BATCH);

	batch[gi_of(vg)->batch++] = cpu_to_le32(dw);
}

static void emit_sdi_ggtt(struct vg_dev *vg, u64 addr, u32 val)
{
	emit(vg, VGI_MI_SDI | VGI_MI_USE_GGTT);
	emit(vg, lower_32_bits(addr));
	emit(vg, upper_32_bits(addr));
	emit(vg, val);
}

static void emit_bb_start_ppgtt(struct vg_dev *vg, u64 va)
{
	emit(vg, VGI_MI_BB_START | VGI_MI_BB_PPGTT);
	emit(vg, lower_32_bits(va));
	emit(vg, upper_32_bits(va));
}

/* Blits go to the ring (GGTT) with @ring, else to the batch (PPGTT). */
static void blit_fill(struct vg_dev *vg, bool ring, u64 dst, u32 x1, u32 y1,
		      u32 x2, u32 y2, u32 color)
{
	void (*out)(struct vg_dev *vg, u32 dw) = ring ? emit : bemit;

	out(vg, VGI_XY_COLOR_BLT);
	out(vg, VGI_BLT_32BPP | VGI_ROP_COLOR | SURF_PITCH);
	out(vg, y1 << 16 | x1);
	out(vg, y2 << 16 | x2);
	out(vg, lower_32_bits(dst));
	out(vg, upper_32_bits(dst));
	out(vg, color);
}

static void blit_copy(struct vg_dev *vg, bool ring, u64 dst, u32 dx, u32 dy,
		      u64 src, u32 sx, u32 sy, u32 w, u32 h)
{
	void (*out)(struct vg_dev *vg, u32 dw) = ring ? emit : bemit;

	out(vg, VGI_XY_SRC_COPY_BLT);
	out(vg, VGI_BLT_32BPP | VGI_ROP_SRC | SURF_PITCH);
	out(vg, dy << 16 | dx);
	out(vg, (dy + h) << 16 | (dx + w));
	out(vg, lower_32_bits(dst));
	out(vg, upper_32_bits(dst));
	out(vg, sy << 16 | sx);
	out(vg, SURF_PITCH);
	out(vg, lower_32_bits(src));
	out(vg, upper_32_bits(src));
}

/* The CSB write pointer, once the entry it points at is a completion. */
static u32 csb_completed(struct vg_dev *vg)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(vg->timeout_ms);
	u32 wp;

	for (;;) {
		wp = readl(vg->mmio + VGI_CSB_PTR) & VGI_CSB_WRITE;
		if ((wp < VGI_CSB_ENTRIES &&
		     (readl(vg->mmio + VGI_CSB(wp)) & VGI_CSB_COMPLETE)) ||
		    time_after(jiffies, deadline))
			return wp;
		usleep_range(100, 200);
	}
}

/*
 * Submit what was emitted since the last submission and wait for the
 * context to complete (and for @want). A list of one context on an idle
 * engine gets two CSB entries: its start, then its completion.
 */
static void submit(struct vg_dev *vg, u32 want, struct i915_result *res)
{
	struct vg_i915 *gi = gi_of(vg);
	__le32 *state = vg_page(vg, PG_STATE);
	u64 desc = gm(vg, PG_HWSP) | VGI_CTX_VALID | VGI_CTX_LEGACY_64 |
		   (u64)VGI_CTX_ID << 32;
	u32 wp;

	/* Hardware wants qword-aligned tails; keep to that. */
	if (gi->tail & 7)
		emit(vg, VGI_MI_NOOP);
	gi->batch = 0;
	state[VGI_LRI_RING_TAIL] = cpu_to_le32(gi->tail);

	vg_irq_arm(vg);
	writel(0, vg->mmio + VGI_ELSP);		/* element 1: none */
	writel(0, vg->mmio + VGI_ELSP);
	writel(upper_32_bits(desc), vg->mmio + VGI_ELSP);
	writel(lower_32_bits(desc), vg->mmio + VGI_ELSP);
	vg_irq_wait(vg, VGI_GT_CTX_SWITCH);
	wp = csb_completed(vg);
	/* Every event has come by now (they precede the completion). */
	res->irqs = vg_irq_wait(vg, want | VGI_GT_CTX_SWITCH);

	res->csb_new = 0;
	res->csb_first = 0;
	res->csb = 0;
	res->csb_ctx = 0;
	if (wp < VGI_CSB_ENTRIES) {
		res->csb_new = (wp + VGI_CSB_ENTRIES - gi->csb_read) %
			       VGI_CSB_ENTRIES;
		res->csb_first = readl(vg->mmio +
				       VGI_CSB((gi->csb_read + 1) %
					       VGI_CSB_ENTRIES));
		res->csb = readl(vg->mmio + VGI_CSB(wp));
		res->csb_ctx = readl(vg->mmio + VGI_CSB(wp) + 4);
		gi->csb_read = wp;
		writel(VGI_MASKED(VGI_CSB_READ, wp << VGI_CSB_READ_SHIFT),
		       vg->mmio + VGI_CSB_PTR);
	}
	res->execlist = readl(vg->mmio + VGI_EXECLIST_STATUS_LO);
	snprintf(res->text, sizeof(res->text),
		 "irq %#x, %u CSB entries, %#x .. %#x ctx %#x, EXECLIST_STATUS %#x",
		 res->irqs, res->csb_new, res->csb_first, res->csb,
		 res->csb_ctx, res->execlist);
}

static bool answered(const struct i915_result *res)
{
	return (res->irqs & VGI_GT_CTX_SWITCH) && res->csb_new == 2 &&
	       res->csb_first == VGI_CSB_IDLE_ACTIVE &&
	       (res->csb & VGI_CSB_COMPLETE) && res->csb_ctx == VGI_CTX_ID;
}

static bool ran(const struct i915_result *res, u32 want)
{
	return answered(res) && (res->irqs & want) == want &&
	       !(res->csb & VGI_CSB_ERROR) &&
	       !(res->execlist & VGI_EXECLIST_ERROR);
}

static bool refused(const struct i915_result *res)
{
	return answered(res) && (res->csb & VGI_CSB_ERROR) &&
	       (res->execlist & VGI_EXECLIST_ERROR);
}

static u32 irq_ack(struct vg_dev *vg)
{
	u32 master = readl(vg->mmio + VGI_MASTER_IRQ);
	u32 iir;

	if (master == ~0u || !(master & VGI_MASTER_GT0))
		return 0;
	/* As i915 does: master off, ack, master on, so a new event edges. */
	writel(0, vg->mmio + VGI_MASTER_IRQ);
	iir = readl(vg->mmio + VGI_GT0_IIR);
	if (iir)
		writel(iir, vg->mmio + VGI_GT0_IIR);
	writel(VGI_MASTER_ENABLE, vg->mmio + VGI_MASTER_IRQ);
	return iir;
}

static bool identify(struct vg_dev *vg)
{
	u64 magic = readq(vg->mmio + VGI_PV_MAGIC);
	u32 version = readl(vg->mmio + VGI_PV_VERSION);
	u32 caps = readl(vg->mmio + VGI_PV_CAPS);

	return vg_check(vg, magic == VGI_VGT_MAGIC && (version & 0xffff) == 1 &&
			(caps & VGI_CAPS_FULL_PPGTT), "PVINFO magic readable",
			"magic %#llx, version %u.%u, caps %#x", magic,
			version & 0xffff, version >> 16, caps);
}

static bool find_slice(struct vg_dev *vg)
{
	struct vg_i915 *gi = gi_of(vg);

	gi->gm_base = readl(vg->mmio + VGI_PV_GM_BASE);
	gi->gm_size = readl(vg->mmio + VGI_PV_GM_SIZE);
	/* The LRCA field of a descriptor holds 32-bit addresses only. */
	return vg_check(vg, IS_ALIGNED(gi->gm_base, VG_PAGE) &&
			gi->gm_size >= (SLOT_HOSTILE + 1) * VG_PAGE &&
			gi->gm_base + gi->gm_size <= SZ_4G,
			"graphics memory slice",
			"PVINFO mappable slice %#llx + %#llx", gi->gm_base,
			gi->gm_size);
}

/*
 * Interrupts on, and the CSB read pointer taken from the write pointer:
 * entries up to it, if any, are not ours.
 */
static void engine_init(struct vg_dev *vg)
{
	struct vg_i915 *gi = gi_of(vg);

	gi->csb_read = readl(vg->mmio + VGI_CSB_PTR) & VGI_CSB_WRITE;
	writel((u32)~VGI_GT_EVENTS, vg->mmio + VGI_GT0_IMR);
	writel(VGI_GT_EVENTS, vg->mmio + VGI_GT0_IER);
	writel(VGI_MASTER_ENABLE, vg->mmio + VGI_MASTER_IRQ);
	gi->irqs = true;
}

/*
 * The context image as i915 lays out a gen8 one: each value after its
 * register's offset, as MI_LOAD_REGISTER_IMM pairs. The model reads only
 * the values.
 */
static void context_init(struct vg_dev *vg)
{
	__le32 *state = vg_page(vg, PG_STATE);
	u64 pml4 = vg_page_dma(vg, PG_PML4);

	state[VGI_LRI_RING_HEAD - 1] = cpu_to_le32(0x2034);
	state[VGI_LRI_RING_HEAD] = 0;
	state[VGI_LRI_RING_TAIL - 1] = cpu_to_le32(0x2030);
	state[VGI_LRI_RING_TAIL] = 0;
	state[VGI_LRI_RING_START - 1] = cpu_to_le32(0x2038);
	state[VGI_LRI_RING_START] = cpu_to_le32(gm(vg, PG_RING));
	state[VGI_LRI_RING_CTL - 1] = cpu_to_le32(0x203c);
	state[VGI_LRI_RING_CTL] = cpu_to_le32(VGI_RING_CTL_VALID);
	state[VGI_LRI_PDP0_UDW - 1] = cpu_to_le32(0x2274);
	state[VGI_LRI_PDP0_UDW] = cpu_to_le32(upper_32_bits(pml4));
	state[VGI_LRI_PDP0_LDW - 1] = cpu_to_le32(0x2270);
	state[VGI_LRI_PDP0_LDW] = cpu_to_le32(lower_32_bits(pml4));
}

static bool ggtt_setup(struct vg_dev *vg)
{
	unsigned int slot;
	u64 want, got;

	context_init(vg);
	for (slot = 0; slot < PG_GGTT_END; slot++)
		ggtt_set(vg, slot, VGI_PTE(vg_page_dma(vg, slot)),
			 slot == PG_FILL);
	for (slot = 0; slot < PG_GGTT_END; slot++) {
		void __iomem *entry = ggtt_entry(vg, slot);

		want = VGI_PTE(vg_page_dma(vg, slot));
		if (slot == PG_FILL)
			got = readl(entry) | (u64)readl(entry + 4) << 32;
		else
			got = readq(entry);
		if (got != want)
			break;
	}
	return vg_check(vg, slot == PG_GGTT_END, "GGTT programmed (read back)",
			"slot %u at %#llx reads %#llx, wrote %#llx", slot,
			gm(vg, slot), got, want);
}

/*
 * The aperture (BAR2) is graphics memory seen by the CPU: a store through it
 * lands in the page the GGTT maps there, and that page reads back through
 * it. Past the vGPU's mappable slice nothing answers (reads all ones).
 */
static void aperture_check(struct vg_dev *vg)
{
	struct vg_i915 *gi = gi_of(vg);
	__le32 *mark = vg_page(vg, PG_MARK);
	void __iomem *ap, *past = NULL;
	u32 back = 0, beyond = 0;
	bool ok;

	ap = pci_iomap_range(vg->pdev, 2, gm(vg, PG_MARK), VG_PAGE);
	if (gi->gm_base + gi->gm_size < pci_resource_len(vg->pdev, 2))
		past = pci_iomap_range(vg->pdev, 2, gi->gm_base + gi->gm_size,
				       VG_PAGE);
	if (!ap || !past) {
		vg_check(vg, false, "aperture (BAR2) read/write",
			 "cannot map BAR2 (%pR)", &vg->pdev->resource[2]);
		goto out;
	}
	writel(0x0a9e0a9e, ap + 0x40);
	mark[0x11] = cpu_to_le32(0x1234abcd);
	wmb();	/* the device reads guest memory, not our cache */
	back = readl(ap + 0x44);
	ok = le32_to_cpu(mark[0x10]) == 0x0a9e0a9e && back == 0x1234abcd;
	vg_check(vg, ok, "aperture (BAR2) read/write",
		 "store through BAR2 reads %#x in memory, memory reads %#x through BAR2",
		 le32_to_cpu(mark[0x10]), back);
	beyond = readl(past);
	vg_check(vg, beyond == ~0u, "aperture beyond the slice refused",
		 "BAR2 at %#llx reads %#x", gi->gm_base + gi->gm_size, beyond);
out:
	if (past)
		pci_iounmap(vg->pdev, past);
	if (ap)
		pci_iounmap(vg->pdev, ap);
}

/*
 * Build the PPGTT (VA_DST still on the decoy page), announce it and prove
 * the device walks it: a PPGTT batch stores a value through it.
 */
static void ppgtt_setup(struct vg_dev *vg)
{
	struct vg_i915 *gi = gi_of(vg);
	__le32 *data = vg_page(vg, PG_DATA);
	u64 root = vg_page_dma(vg, PG_PML4);
	struct i915_result res;

	pte_store(vg, PG_PML4, 0, VGI_PTE(vg_page_dma(vg, PG_PDP)));
	pte_store(vg, PG_PDP, 0, VGI_PTE(vg_page_dma(vg, PG_PD)));
	pte_store(vg, PG_PD, 0, VGI_PTE(vg_page_dma(vg, PG_PT)));
	pte_store(vg, PG_PT, VA_BATCH / VG_PAGE, VGI_PTE(vg_page_dma(vg, PG_BATCH)));
	pte_store(vg, PG_PT, VA_DATA / VG_PAGE, VGI_PTE(vg_page_dma(vg, PG_DATA)));
	pte_store(vg, PG_PT, VA_SRC / VG_PAGE, VGI_PTE(vg_page_dma(vg, PG_SRC)));
	pte_store(vg, PG_PT, VA_DST / VG_PAGE, VGI_PTE(vg_page_dma(vg, PG_DECOY)));

	writel(lower_32_bits(root), vg->mmio + VGI_PV_PDP0_LO);
	writel(upper_32_bits(root), vg->mmio + VGI_PV_PDP0_HI);
	writel(VGI_G2V_PPGTT_L4_CREATE, vg->mmio + VGI_PV_G2V_NOTIFY);
	gi->root = root;

	bemit(vg, VGI_MI_SDI);
	bemit(vg, VA_DATA + 0x40);
	bemit(vg, 0);
	bemit(vg, 0x600df00d);
	bemit(vg, VGI_MI_BB_END);
	emit_bb_start_ppgtt(vg, VA_BATCH);
	emit(vg, VGI_MI_USER_INTERRUPT);
	submit(vg, VGI_GT_USER, &res);
	vg_check(vg, ran(&res, VGI_GT_USER) &&
		 le32_to_cpu(data[0x10]) == 0x600df00d, "page tables announced",
		 "PPGTT store read back %#x; %s", le32_to_cpu(data[0x10]),
		 res.text);
}

static void expect_fill(u8 *want, u32 x1, u32 y1, u32 x2, u32 y2, u32 color)
{
	__le32 *px = (__le32 *)want;
	u32 x, y;

	memset(want, 0, VG_PAGE);
	for (y = y1; y < y2; y++)
		for (x = x1; x < x2; x++)
			px[y * SURF_W + x] = cpu_to_le32(color);
}

static void expect_copy(u8 *want, const u8 *src, u32 dx, u32 dy, u32 sx,
			u32 sy, u32 w, u32 h)
{
	u32 y;

	memset(want, 0, VG_PAGE);
	for (y = 0; y < h; y++)
		memcpy(want + (dy + y) * SURF_PITCH + dx * 4,
		       src + (sy + y) * SURF_PITCH + sx * 4, w * 4);
}

/*
 * One workload: a fill from the ring into a GGTT surface, then a PPGTT
 * batch copying between PPGTT surfaces, then MI_USER_INTERRUPT. Before it,
 * VA_DST is moved from the decoy to the real destination by a CPU store
 * into the announced page table: only write tracking can tell the host.
 */
static void fill_and_copy(struct vg_dev *vg, u8 *want)
{
	u8 *src = vg_page(vg, PG_SRC), *dst = vg_page(vg, PG_DST);
	__le32 *s = (__le32 *)src;
	struct i915_result res;
	bool copied;
	long at;
	u32 i;

	for (i = 0; i < VG_PAGE / 4; i++)
		s[i] = cpu_to_le32(0xa5000000 | i << 8 | (~i & 0xff));
	pte_store(vg, PG_PT, VA_DST / VG_PAGE, VGI_PTE(vg_page_dma(vg, PG_DST)));

	blit_fill(vg, true, gm(vg, PG_FILL), 8, 2, 56, 14, 0x11223344);
	blit_copy(vg, false, VA_DST, 4, 2, VA_SRC, 2, 1, 56, 12);
	bemit(vg, VGI_MI_BB_END);
	emit_bb_start_ppgtt(vg, VA_BATCH);
	emit(vg, VGI_MI_USER_INTERRUPT);
	submit(vg, VGI_GT_USER, &res);

	vg_check(vg, (res.irqs & VGI_GT_EVENTS) == VGI_GT_EVENTS,
		 "interrupt received", "%s, %u interrupts handled so far",
		 res.text, vg->irq_count);

	expect_fill(want, 8, 2, 56, 14, 0x11223344);
	at = vg_first_diff(vg_page(vg, PG_FILL), want, VG_PAGE);
	vg_check(vg, ran(&res, VGI_GT_USER) && at < 0, "fill verified",
		 "first wrong byte at %ld; %s", at, res.text);

	expect_copy(want, src, 4, 2, 2, 1, 56, 12);
	at = vg_first_diff(dst, want, VG_PAGE);
	copied = ran(&res, VGI_GT_USER) && at < 0;
	vg_check(vg, copied, "copy verified", "first wrong byte at %ld; %s",
		 at, res.text);

	at = vg_first_not(vg_page(vg, PG_DECOY), 0, VG_PAGE);
	vg_check(vg, copied && at < 0, "tracked PTE update",
		 "copy %s the new mapping; old page changed at byte %ld",
		 copied ? "used" : "did not use", at);
}

/* Unmapping the destination (another tracked store) must refuse the copy. */
static void tracked_unmap(struct vg_dev *vg)
{
	struct i915_result res;

	pte_store(vg, PG_PT, VA_DST / VG_PAGE, 0);
	blit_copy(vg, false, VA_DST, 0, 0, VA_SRC, 0, 0, SURF_W, SURF_H);
	bemit(vg, VGI_MI_BB_END);
	emit_bb_start_ppgtt(vg, VA_BATCH);
	emit(vg, VGI_MI_USER_INTERRUPT);
	submit(vg, 0, &res);
	vg_check(vg, refused(&res) && !(res.irqs & VGI_GT_USER),
		 "tracked PTE unmap", "copy to an unmapped page not refused: %s",
		 res.text);
	pte_store(vg, PG_PT, VA_DST / VG_PAGE, VGI_PTE(vg_page_dma(vg, PG_DST)));
}

/* General purpose registers of the render engine: plain read/write. */
#define VGI_CS_GPR(i)		(0x2600 + (i) * 4)

/* rep movsl from the vGPU's registers into guest memory. */
static void movs_from_io(void *dst, const void __iomem *src,
			 unsigned long dwords)
{
	const void *from = (__force const void *)src;

	asm volatile("rep movsl"
		     : "+D" (dst), "+S" (from), "+c" (dwords) : : "memory");
}

/*
 * A page-table entry written by a string move from the vGPU (rep movs
 * from two GPRs into the PT): the hypervisor performs or forwards that
 * write itself (Xen leaves it to the ioreq server), and the shadow must
 * see it like a plain store. The copy must land in the new page.
 */
static void string_move_pte(struct vg_dev *vg)
{
	__le64 *pt = vg_page(vg, PG_PT);
	u64 pte = VGI_PTE(vg_page_dma(vg, PG_DST));
	struct i915_result res;
	long at;

	pte_store(vg, PG_PT, VA_DST / VG_PAGE, VGI_PTE(vg_page_dma(vg, PG_DECOY)));
	memset(vg_page(vg, PG_DECOY), 0, VG_PAGE);
	memset(vg_page(vg, PG_DST), 0, VG_PAGE);
	writel(lower_32_bits(pte), vg->mmio + VGI_CS_GPR(0));
	writel(upper_32_bits(pte), vg->mmio + VGI_CS_GPR(1));
	movs_from_io(&pt[VA_DST / VG_PAGE], vg->mmio + VGI_CS_GPR(0), 2);

	blit_copy(vg, false, VA_DST, 0, 0, VA_SRC, 0, 0, SURF_W, SURF_H);
	bemit(vg, VGI_MI_BB_END);
	emit_bb_start_ppgtt(vg, VA_BATCH);
	emit(vg, VGI_MI_USER_INTERRUPT);
	submit(vg, VGI_GT_USER, &res);
	at = vg_first_not(vg_page(vg, PG_DECOY), 0, VG_PAGE);
	vg_check(vg, ran(&res, VGI_GT_USER) && le64_to_cpu(pt[VA_DST / VG_PAGE]) == pte &&
		 !memcmp(vg_page(vg, PG_DST), vg_page(vg, PG_SRC), VG_PAGE) &&
		 at < 0, "PTE written by rep movs from the vGPU",
		 "PTE %#llx; old page changed at byte %ld; %s",
		 le64_to_cpu(pt[VA_DST / VG_PAGE]), at, res.text);
}

/*
 * The i440FX's PAM registers route 16 KiB segments of 0xc0000-0xfffff to
 * RAM or to the PCI bus. QEMU under KVM implements a change by deleting
 * the memory slot and creating it again: KVM forgets its write tracking
 * there, and the host must notice on its own that a page table in the
 * segment changed. 0xdc000 is in the option-ROM area, which Linux leaves
 * alone after boot; its contents and the PAM setting are put back.
 */
#define VGI_I440FX_ID		0x1237
#define VGI_PAM_PAGE		0xdc000
#define VGI_PAM_REG		0x5d		/* PAM4: 0xd8000, 0xdc000 */
#define VGI_PAM_SHIFT		4		/* the 0xdc000 segment */
#define VGI_PAM_MASK		(3u << VGI_PAM_SHIFT)
#define VGI_PAM_RAM		(3u << VGI_PAM_SHIFT)	/* read/write RAM */
#define VGI_PAM_PCI		0			/* to the PCI bus */
#define VA_PAM			0x200000	/* PD entry 1: the PAM table */

static void pam_set(struct pci_dev *host, u8 old, u8 mode)
{
	pci_write_config_byte(host, VGI_PAM_REG, (old & ~VGI_PAM_MASK) | mode);
}

/*
 * Point VA_PAM at @page with a plain store into the table in the PAM
 * segment, copy PG_SRC there: it must land in @page and nowhere in @other.
 */
static void pam_remap(struct vg_dev *vg, __le64 *pt, unsigned int page,
		      unsigned int other, const char *what)
{
	struct i915_result res;
	bool ok;
	long at;

	WRITE_ONCE(pt[0], cpu_to_le64(VGI_PTE(vg_page_dma(vg, page))));
	memset(vg_page(vg, page), 0, VG_PAGE);
	memset(vg_page(vg, other), 0, VG_PAGE);
	blit_copy(vg, false, VA_PAM, 0, 0, VA_SRC, 0, 0, SURF_W, SURF_H);
	bemit(vg, VGI_MI_BB_END);
	emit_bb_start_ppgtt(vg, VA_BATCH);
	emit(vg, VGI_MI_USER_INTERRUPT);
	submit(vg, VGI_GT_USER, &res);
	ok = ran(&res, VGI_GT_USER) &&
	     !memcmp(vg_page(vg, page), vg_page(vg, PG_SRC), VG_PAGE);
	at = vg_first_not(vg_page(vg, other), 0, VG_PAGE);
	vg_check(vg, ok && at < 0, what,
		 "copy did not use the entry (the other page changed at byte %ld); %s",
		 at, res.text);
}

/*
 * A page table in a PAM segment, shadowed; the segment taken away from RAM
 * and given back; then a PTE changed there by a plain store, which KVM no
 * longer reports: the copy must still use the new entry. Only under KVM
 * (Xen's device model maps the segments differently) on QEMU's i440FX.
 */
static void pam_toggle(struct vg_dev *vg)
{
	struct pci_dev *host;
	__le64 *pt, *saved;
	u8 pam;

	if (!hypervisor_is_type(X86_HYPER_KVM))
		return;
	host = pci_get_domain_bus_and_slot(0, 0, PCI_DEVFN(0, 0));
	if (!host)
		return;
	if (host->vendor != PCI_VENDOR_ID_INTEL || host->device != VGI_I440FX_ID)
		goto put;
	saved = kmalloc(VG_PAGE, GFP_KERNEL);
	pt = memremap(VGI_PAM_PAGE, VG_PAGE, MEMREMAP_WB);
	if (!saved || !pt) {
		vg_check(vg, false, "PAM: table in a PAM segment shadowed",
			 "cannot map %#x or save it", VGI_PAM_PAGE);
		goto out;
	}
	pci_read_config_byte(host, VGI_PAM_REG, &pam);
	pam_set(host, pam, VGI_PAM_RAM);
	memcpy(saved, pt, VG_PAGE);

	memset(pt, 0, VG_PAGE);
	pte_store(vg, PG_PD, VA_PAM >> 21, VGI_PTE(VGI_PAM_PAGE));
	pam_remap(vg, pt, PG_DECOY, PG_DST, "PAM: table in a PAM segment shadowed");

	/* The memory slot goes and comes back: KVM tracks nothing there now. */
	pam_set(host, pam, VGI_PAM_PCI);
	pam_set(host, pam, VGI_PAM_RAM);
	pam_remap(vg, pt, PG_DST, PG_DECOY, "PAM: PTE stored after the slot came back");
	/* From then on the frame is tracked again. */
	pam_remap(vg, pt, PG_DECOY, PG_DST, "PAM: PTE stored once more");

	pte_store(vg, PG_PD, VA_PAM >> 21, 0);
	memcpy(pt, saved, VG_PAGE);
	pci_write_config_byte(host, VGI_PAM_REG, pam);
out:
	if (pt)
		memunmap(pt);
	kfree(saved);
put:
	pci_dev_put(host);
}

/* A command outside the subset refuses the whole workload; the next runs. */
static void error_path(struct vg_dev *vg)
{
	__le32 *mark = vg_page(vg, PG_MARK);
	struct i915_result res;

	emit_sdi_ggtt(vg, gm(vg, PG_MARK), 0xbad0bad0);
	emit(vg, VGI_MI_FLUSH_DW);
	emit(vg, 0);
	emit(vg, 0);
	submit(vg, 0, &res);
	vg_check(vg, refused(&res) && !mark[0], "error path reported",
		 "marker %#x; %s", le32_to_cpu(mark[0]), res.text);
	vg_check(vg, res.irqs & VGI_GT_CTX_SWITCH, "error path interrupt",
		 "no context-switch interrupt: %s", res.text);

	emit_sdi_ggtt(vg, gm(vg, PG_MARK), 0x900d900d);
	emit(vg, VGI_MI_USER_INTERRUPT);
	submit(vg, VGI_GT_USER, &res);
	vg_check(vg, ran(&res, VGI_GT_USER) &&
		 le32_to_cpu(mark[0]) == 0x900d900d, "error path recovery",
		 "marker %#x; %s", le32_to_cpu(mark[0]), res.text);
}

/* A read through a hostile mapping: zeroes, or refused and untouched. */
static void hostile_read_check(struct vg_dev *vg, const char *what,
			       const struct i915_result *res, const u8 *dst)
{
	long zero = vg_first_not(dst, 0, VG_PAGE);
	long kept = vg_first_not(dst, 0x5a, VG_PAGE);

	vg_check(vg, (ran(res, 0) && zero < 0) ||
		 (refused(res) && kept < 0), what,
		 "destination byte %ld is %#x; %s", zero, zero < 0 ? 0 : dst[zero],
		 res->text);
}

static void hostile_ggtt(struct vg_dev *vg)
{
	u8 *hdst = vg_page(vg, PG_HDST);
	u64 pte = VGI_PTE(VG_HOSTILE_GPA), got;
	struct i915_result res;

	ggtt_set(vg, SLOT_HOSTILE, pte, false);
	got = readq(ggtt_entry(vg, SLOT_HOSTILE));
	vg_check(vg, got == pte, "hostile: GGTT entry beyond RAM read back",
		 "reads %#llx, wrote %#llx", got, pte);

	blit_fill(vg, true, gm(vg, SLOT_HOSTILE), 0, 0, SURF_W, SURF_H,
		  0xdeadbeef);
	emit(vg, VGI_MI_USER_INTERRUPT);
	submit(vg, 0, &res);
	vg_check(vg, ran(&res, 0) || refused(&res),
		 "hostile: write through GGTT beyond RAM", "%s", res.text);

	memset(hdst, 0x5a, VG_PAGE);
	blit_copy(vg, true, gm(vg, PG_HDST), 0, 0, gm(vg, SLOT_HOSTILE), 0, 0,
		  SURF_W, SURF_H);
	emit(vg, VGI_MI_USER_INTERRUPT);
	submit(vg, 0, &res);
	hostile_read_check(vg, "hostile: read through GGTT beyond RAM", &res,
			   hdst);
}

static void hostile_ppgtt(struct vg_dev *vg)
{
	u8 *dst = vg_page(vg, PG_SRC);
	struct i915_result res;

	pte_store(vg, PG_PT, VA_HOSTILE / VG_PAGE, VGI_PTE(VG_HOSTILE_GPA));

	blit_fill(vg, false, VA_HOSTILE, 0, 0, SURF_W, SURF_H, 0xdeadbeef);
	bemit(vg, VGI_MI_BB_END);
	emit_bb_start_ppgtt(vg, VA_BATCH);
	emit(vg, VGI_MI_USER_INTERRUPT);
	submit(vg, 0, &res);
	vg_check(vg, ran(&res, 0) || refused(&res),
		 "hostile: write through PPGTT PTE beyond RAM", "%s", res.text);

	/* The source page is the destination here: it is mapped writable. */
	memset(dst, 0x5a, VG_PAGE);
	blit_copy(vg, false, VA_SRC, 0, 0, VA_HOSTILE, 0, 0, SURF_W, SURF_H);
	bemit(vg, VGI_MI_BB_END);
	emit_bb_start_ppgtt(vg, VA_BATCH);
	emit(vg, VGI_MI_USER_INTERRUPT);
	submit(vg, 0, &res);
	hostile_read_check(vg, "hostile: read through PPGTT PTE beyond RAM",
			   &res, dst);
}

/* A PML4 beyond RAM: the announcement cannot take, the context is refused. */
static void hostile_root(struct vg_dev *vg)
{
	struct vg_i915 *gi = gi_of(vg);
	__le32 *state = vg_page(vg, PG_STATE);
	__le32 *data = vg_page(vg, PG_DATA);
	struct i915_result res;

	writel(lower_32_bits(VG_HOSTILE_GPA), vg->mmio + VGI_PV_PDP0_LO);
	writel(upper_32_bits(VG_HOSTILE_GPA), vg->mmio + VGI_PV_PDP0_HI);
	writel(VGI_G2V_PPGTT_L4_CREATE, vg->mmio + VGI_PV_G2V_NOTIFY);
	state[VGI_LRI_PDP0_UDW] = cpu_to_le32(upper_32_bits(VG_HOSTILE_GPA));
	state[VGI_LRI_PDP0_LDW] = cpu_to_le32(lower_32_bits(VG_HOSTILE_GPA));

	data[0] = 0;
	bemit(vg, VGI_MI_SDI);
	bemit(vg, VA_DATA);
	bemit(vg, 0);
	bemit(vg, 0xbad0bad0);
	bemit(vg, VGI_MI_BB_END);
	emit_bb_start_ppgtt(vg, VA_BATCH);
	emit(vg, VGI_MI_USER_INTERRUPT);
	submit(vg, 0, &res);
	vg_check(vg, refused(&res) && !data[0], "hostile: PML4 beyond RAM",
		 "data %#x; %s", le32_to_cpu(data[0]), res.text);

	/* Back to the real tables (and to them for the destroy on remove). */
	state[VGI_LRI_PDP0_UDW] = cpu_to_le32(upper_32_bits(gi->root));
	state[VGI_LRI_PDP0_LDW] = cpu_to_le32(lower_32_bits(gi->root));
	writel(lower_32_bits(gi->root), vg->mmio + VGI_PV_PDP0_LO);
	writel(upper_32_bits(gi->root), vg->mmio + VGI_PV_PDP0_HI);
}

static void hostile_alive(struct vg_dev *vg)
{
	__le32 *mark = vg_page(vg, PG_MARK);
	struct i915_result res;
	u64 magic;

	emit_sdi_ggtt(vg, gm(vg, PG_MARK), 0x900d900d);
	emit(vg, VGI_MI_USER_INTERRUPT);
	submit(vg, VGI_GT_USER, &res);
	magic = readq(vg->mmio + VGI_PV_MAGIC);
	vg_check(vg, ran(&res, VGI_GT_USER) &&
		 le32_to_cpu(mark[0]) == 0x900d900d && magic == VGI_VGT_MAGIC,
		 "hostile: device alive after", "marker %#x, PVINFO magic %#llx; %s",
		 le32_to_cpu(mark[0]), magic, res.text);
}

static void i915_run(struct vg_dev *vg)
{
	u8 *want;

	if (!identify(vg) || !find_slice(vg))
		return;
	engine_init(vg);
	if (!ggtt_setup(vg))
		return;
	if (!vg->hostile)
		aperture_check(vg);
	ppgtt_setup(vg);
	if (vg->hostile) {
		hostile_ggtt(vg);
		hostile_ppgtt(vg);
		hostile_root(vg);
		hostile_alive(vg);
		return;
	}
	want = kmalloc(VG_PAGE, GFP_KERNEL);
	if (!want) {
		vg_check(vg, false, "fill verified",
			 "no memory for the expected image");
		return;
	}
	fill_and_copy(vg, want);
	kfree(want);
	tracked_unmap(vg);
	string_move_pte(vg);
	pam_toggle(vg);
	error_path(vg);
}

static bool i915_soak(struct vg_dev *vg, u32 marker)
{
	__le32 *mark = vg_page(vg, PG_MARK);
	struct i915_result res;

	emit_sdi_ggtt(vg, gm(vg, PG_MARK), marker);
	emit(vg, VGI_MI_USER_INTERRUPT);
	submit(vg, VGI_GT_USER, &res);
	return ran(&res, VGI_GT_USER) && le32_to_cpu(mark[0]) == marker;
}

/*
 * A noisy neighbour: a batch of colour fills run many times over, several
 * time slices of engine work per submission.
 */
#define HOG_FILLS	128
#define HOG_RUNS	2

static bool i915_hog(struct vg_dev *vg, u32 marker)
{
	__le32 *mark = vg_page(vg, PG_MARK);
	struct i915_result res;
	unsigned int i;

	for (i = 0; i < HOG_FILLS; i++)
		blit_fill(vg, false, VA_DST, 0, 0, SURF_W, SURF_H, marker + i);
	bemit(vg, VGI_MI_BB_END);
	for (i = 0; i < HOG_RUNS; i++)
		emit_bb_start_ppgtt(vg, VA_BATCH);
	emit_sdi_ggtt(vg, gm(vg, PG_MARK), marker);
	emit(vg, VGI_MI_USER_INTERRUPT);
	submit(vg, VGI_GT_USER, &res);
	return ran(&res, VGI_GT_USER) && le32_to_cpu(mark[0]) == marker;
}

static void i915_quiesce(struct vg_dev *vg)
{
	struct vg_i915 *gi = gi_of(vg);
	unsigned int slot;

	if (gi->irqs) {
		writel(0, vg->mmio + VGI_MASTER_IRQ);
		writel(0, vg->mmio + VGI_GT0_IER);
		writel(~0u, vg->mmio + VGI_GT0_IMR);
	}
	if (gi->root) {
		writel(lower_32_bits(gi->root), vg->mmio + VGI_PV_PDP0_LO);
		writel(upper_32_bits(gi->root), vg->mmio + VGI_PV_PDP0_HI);
		writel(VGI_G2V_PPGTT_L4_DESTROY, vg->mmio + VGI_PV_G2V_NOTIFY);
	}
	for_each_set_bit(slot, &gi->ggtt_slots, BITS_PER_LONG)
		writeq(0, ggtt_entry(vg, slot));
}

const struct vg_vendor vg_i915 = {
	.name = "i915",
	.class = 0x030000,
	.msi_cap = 0xd0,
	.dma_bits = 46,		/* gen8 PTE address bits 45:12 */
	.pages = PG_NR,
	.state_size = sizeof(struct vg_i915),
	.irq_ack = irq_ack,
	.run = i915_run,
	.soak = i915_soak,
	.hog = i915_hog,
	.quiesce = i915_quiesce,
};
