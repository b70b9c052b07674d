// SPDX-License-Identifier: GPL-2.0
/*
 * vmed_guest for vmed_nvstub (10de:0f5b), the channel-based model described
 * at the top of vendors/nvidia-stub/main.c: one channel, its GPFIFO ring in
 * graphics memory through the aperture page table (APT), its address space
 * a page directory and a page table in guest RAM, pushbuffer segments of
 * methods, a copy engine.
 *
 * The model has no register telling the guest where its slice of graphics
 * memory is (nothing like i915's PVINFO). The core ignores APT writes
 * outside the slice and reads them back as zero, so the guest finds its
 * slice by writing an entry at each 1 MiB granule of the mappable range
 * (the core's partitioning unit) and keeping the first that reads back.
 *
 * The model has no fill command: the "fill" is a run of SEMAPHORE_RELEASE
 * methods, each writing one dword of the pattern. Completion is signalled
 * by NONSTALL_INTERRUPT at the end of each segment and COPY_DONE after a
 * doorbell that copied; a failed GPFIFO entry sets its bit in the channel's
 * ERROR register and raises the ERROR interrupt.
 *
 * Memory: one coherent block of pages (enum nvs_page); APT slot 0 of the
 * slice maps the ring, everything else is reached through the channel's
 * page tables at the VA_* addresses.
 */
#define pr_fmt(fmt) "vmed_guest: " fmt

#include <linux/bitops.h>
#include <linux/io.h>
#include <linux/iopoll.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include "guest.h"

#define VGN_BOOT0		0x000000
#define   VGN_BOOT0_VALUE	0x5b0000a1
#define VGN_ERR_COUNT		0x000004

/* Interrupts: a master over a stall and a non-stall group */
#define VGN_INTR_MASTER		0x000100
#define   VGN_MASTER_ENABLE	BIT(31)
#define   VGN_MASTER_STALL	BIT(0)
#define   VGN_MASTER_NONSTALL	BIT(1)
#define VGN_INTR_STALL		0x000110
#define VGN_INTR_NONSTALL	0x000120
#define   VGN_IMR		0x4
#define   VGN_IIR		0x8
#define   VGN_IER		0xc
#define   VGN_STALL_COPY_DONE	BIT(0)
#define   VGN_STALL_ERROR	BIT(1)
#define   VGN_NONSTALL_SEMA	BIT(0)
/* Events as irq_ack() reports them: stall group low, non-stall high */
#define EV_COPY_DONE		VGN_STALL_COPY_DONE
#define EV_ERROR		VGN_STALL_ERROR
#define EV_NONSTALL		(VGN_NONSTALL_SEMA << 16)

/* Channel 0 */
#define VGN_CH0			0x002000
#define   VGN_CH_GPFIFO_BASE	0x00
#define   VGN_CH_GPFIFO_ENTRIES	0x08
#define   VGN_CH_GP_GET		0x0c
#define   VGN_CH_GP_PUT		0x10
#define   VGN_CH_CTRL		0x14
#define     VGN_CH_CTRL_ENABLE	BIT(0)
#define   VGN_CH_PDB		0x18
#define   VGN_CH_DOORBELL	0x20
#define   VGN_CH_ERROR		0x24
#define   VGN_CH_ERR_ENTRY	0x28
#define VGN_ERR_METHOD		BIT(0)
#define VGN_ERR_FAULT		BIT(2)
#define VGN_ERR_GPFIFO		BIT(3)
#define VGN_ERR_BIND		BIT(5)

/* APT and channel page-table entries: frame number in bits 39:8 */
#define VGN_APT			0x800000
#define VGN_GM_MAPPABLE		SZ_128M
#define VGN_GM_GRANULE		SZ_1M
#define VGN_PTE_VALID		BIT_ULL(0)
#define VGN_PTE_WRITE		BIT_ULL(1)
#define VGN_PDE_BIG		BIT_ULL(3)	/* maps 2 MiB */
#define VGN_PTE(addr)		(((u64)(addr) >> 12) << 8 | VGN_PTE_VALID | \
				 VGN_PTE_WRITE)

/* GPFIFO entries and methods */
#define RING_ENTRIES		8
#define GP_ENTRY(va, dwords)	((u64)(va) | (u64)(dwords) << 40)
#define MTHD(m, n)		((u32)(m) | (u32)(n) << 8)
enum nvs_method {
	M_NOP,
	M_SET_SRC,
	M_SET_DST,
	M_SET_LENGTH,
	M_LAUNCH_COPY,
	M_SEMAPHORE_ADDRESS,
	M_SEMAPHORE_RELEASE,
	M_NONSTALL_INTERRUPT,
};

#define M_UNKNOWN		0x55

enum nvs_page {
	PG_RING,		/* APT slot 0 */
	PG_PD,
	PG_PT,
	PG_PB,
	PG_SRC,
	PG_DST,
	PG_DECOY,		/* what VA_DST maps before the tracked update */
	PG_FILL,
	PG_HDST,		/* hostile reads land here */
	PG_NR
};

/* APT slot hostile mode points beyond guest RAM */
#define SLOT_HOSTILE		1

/* Channel addresses; 0x0 .. 2 MiB through the page table */
#define VA_PB			0x01000
#define VA_SRC			0x04000
#define VA_DST			0x08000
#define VA_FILL			0x10000
#define VA_HOSTILE		0x20000
#define VA_HDST			0x30000
#define VA_UNMAPPED		0x40000
#define VA_HOSTILE_PT		SZ_2M		/* PDE 1 */
#define VA_HOSTILE_BIG		SZ_4M		/* PDE 2, a 2 MiB page */

#define FILL_OFFSET		0x100
#define FILL_DWORDS		64

/**
 * struct vg_nvstub - the sequence's view of the vGPU
 * @gm_base: first address of the vGPU's APT slice, as found by probing
 * @apt_slots: slots of the slice written (cleared again on quiesce)
 * @put: GPFIFO entries queued (GP_PUT to be)
 * @pb: next free pushbuffer dword
 * @seg: first dword of the segment being written
 * @err_count: NVS_ERR_COUNT as last read
 * @irqs: the device's interrupts are enabled
 * @bound: channel 0 is bound
 */
struct vg_nvstub {
	u64 gm_base;
	unsigned long apt_slots;
	u32 put;
	unsigned int pb;
	unsigned int seg;
	u32 err_count;
	bool irqs;
	bool bound;
};

/**
 * struct nvs_result - what one doorbell produced
 * @irqs: events the interrupt handler saw
 * @get: GP_GET afterwards
 * @put: GP_PUT rung
 * @error: channel ERROR bits it set (cleared again)
 * @err_entry: ERR_ENTRY afterwards
 * @new_errors: how much NVS_ERR_COUNT grew
 * @text: all of it, for failure details
 */
struct nvs_result {
	u32 irqs;
	u32 get;
	u32 put;
	u32 error;
	u32 err_entry;
	u32 new_errors;
	char text[112];
};

static struct vg_nvstub *gn_of(struct vg_dev *vg)
{
	return vg->priv;
}

static void __iomem *ch(struct vg_dev *vg, u32 reg)
{
	return vg->mmio + VGN_CH0 + reg;
}

static void __iomem *apt_entry(struct vg_dev *vg, unsigned int slot)
{
	return vg->mmio + VGN_APT +
	       (gn_of(vg)->gm_base / VG_PAGE + slot) * 8;
}

/* @split: as two 32-bit halves, which the core must put back together */
static void apt_set(struct vg_dev *vg, unsigned int slot, u64 pte, bool split)
{
	void __iomem *entry = apt_entry(vg, slot);

	if (split) {
		writel(lower_32_bits(pte), entry);
		writel(upper_32_bits(pte), entry + 4);
	} else {
		writeq(pte, entry);
	}
	gn_of(vg)->apt_slots |= BIT(slot);
}

/* A plain CPU store: once the channel is bound the host write-tracks it. */
static void pte_store(struct vg_dev *vg, unsigned int table, unsigned int i,
		      u64 pte)
{
	__le64 *t = vg_page(vg, table);

	WRITE_ONCE(t[i], cpu_to_le64(pte));
}

static void mthd(struct vg_dev *vg, u32 m, unsigned int n, u32 a0, u32 a1)
{
	struct vg_nvstub *gn = gn_of(vg);
	__le32 *pb = vg_page(vg, PG_PB);

	pb[gn->pb++] = cpu_to_le32(MTHD(m, n));
	if (n > 0)
		pb[gn->pb++] = cpu_to_le32(a0);
	if (n > 1)
		pb[gn->pb++] = cpu_to_le32(a1);
}

static void m_release(struct vg_dev *vg, u64 va, u32 payload)
{
	mthd(vg, M_SEMAPHORE_ADDRESS, 2, lower_32_bits(va), upper_32_bits(va));
	mthd(vg, M_SEMAPHORE_RELEASE, 1, payload, 0);
}

static void m_copy(struct vg_dev *vg, u64 dst, u64 src, u32 len)
{
	mthd(vg, M_SET_SRC, 2, lower_32_bits(src), upper_32_bits(src));
	mthd(vg, M_SET_DST, 2, lower_32_bits(dst), upper_32_bits(dst));
	mthd(vg, M_SET_LENGTH, 1, len, 0);
	mthd(vg, M_LAUNCH_COPY, 0, 0, 0);
}

/* Queue a raw GPFIFO entry; returns its index. */
static u32 gp_push(struct vg_dev *vg, u64 entry)
{
	struct vg_nvstub *gn = gn_of(vg);
	__le64 *ring = vg_page(vg, PG_RING);
	u32 index = gn->put;

	ring[index] = cpu_to_le64(entry);
	gn->put = (gn->put + 1) % RING_ENTRIES;
	return index;
}

/* Queue the methods written since the last segment as one segment. */
static u32 gp_segment(struct vg_dev *vg)
{
	struct vg_nvstub *gn = gn_of(vg);
	u32 index = gp_push(vg, GP_ENTRY(VA_PB + gn->seg * 4, gn->pb - gn->seg));

	gn->seg = gn->pb;
	return index;
}

/*
 * Ring the doorbell for everything queued and wait for @want and for the
 * engine to have consumed it all. Errors are read and cleared, so each
 * result holds its own.
 */
static void submit(struct vg_dev *vg, u32 want, struct nvs_result *res)
{
	struct vg_nvstub *gn = gn_of(vg);
	u32 count;

	vg_irq_arm(vg);
	writel(gn->put, ch(vg, VGN_CH_GP_PUT));
	writel(1, ch(vg, VGN_CH_DOORBELL));
	res->irqs = want ? vg_irq_wait(vg, want) : 0;
	res->put = gn->put;
	readl_poll_timeout(ch(vg, VGN_CH_GP_GET), res->get, res->get == gn->put,
			   1000, vg->timeout_ms * 1000);
	res->error = readl(ch(vg, VGN_CH_ERROR));
	res->err_entry = readl(ch(vg, VGN_CH_ERR_ENTRY));
	count = readl(vg->mmio + VGN_ERR_COUNT);
	res->new_errors = count - gn->err_count;
	gn->err_count = count;
	if (res->error)
		writel(res->error, ch(vg, VGN_CH_ERROR));
	/* The engine has copied every segment: the pushbuffer is free. */
	gn->pb = 0;
	gn->seg = 0;
	snprintf(res->text, sizeof(res->text),
		 "irq %#x, GP_GET %u of %u, ERROR %#x at entry %u, %u new errors",
		 res->irqs, res->get, res->put, res->error, res->err_entry,
		 res->new_errors);
}

static bool ran(const struct nvs_result *res, u32 want)
{
	return (res->irqs & want) == want && res->get == res->put &&
	       !res->error && !res->new_errors;
}

static bool refused(const struct nvs_result *res, u32 error, u32 errors)
{
	return res->get == res->put && res->error == error &&
	       res->new_errors == errors;
}

static u32 irq_ack(struct vg_dev *vg)
{
	u32 master = readl(vg->mmio + VGN_INTR_MASTER);
	u32 stall, nonstall;

	if (master == ~0u ||
	    !(master & (VGN_MASTER_STALL | VGN_MASTER_NONSTALL)))
		return 0;
	/* Master off while acking, so an event arriving meanwhile edges. */
	writel(0, vg->mmio + VGN_INTR_MASTER);
	stall = readl(vg->mmio + VGN_INTR_STALL + VGN_IIR);
	if (stall)
		writel(stall, vg->mmio + VGN_INTR_STALL + VGN_IIR);
	nonstall = readl(vg->mmio + VGN_INTR_NONSTALL + VGN_IIR);
	if (nonstall)
		writel(nonstall, vg->mmio + VGN_INTR_NONSTALL + VGN_IIR);
	writel(VGN_MASTER_ENABLE, vg->mmio + VGN_INTR_MASTER);
	return (stall & 0xffff) | nonstall << 16;
}

static bool identify(struct vg_dev *vg)
{
	u32 boot0 = readl(vg->mmio + VGN_BOOT0);

	gn_of(vg)->err_count = readl(vg->mmio + VGN_ERR_COUNT);
	return vg_check(vg, boot0 == VGN_BOOT0_VALUE, "BOOT0 readable",
			"BOOT0 %#x, expected %#x", boot0, VGN_BOOT0_VALUE);
}

/* See the top of the file: the slice is where an APT write sticks. */
static bool find_slice(struct vg_dev *vg)
{
	struct vg_nvstub *gn = gn_of(vg);
	u64 pte = VGN_PTE(vg_page_dma(vg, PG_RING));
	u64 base;

	for (base = 0; base < VGN_GM_MAPPABLE; base += VGN_GM_GRANULE) {
		gn->gm_base = base;
		writeq(pte, apt_entry(vg, 0));
		if (readq(apt_entry(vg, 0)) == pte)
			break;
	}
	if (base < VGN_GM_MAPPABLE)
		gn->apt_slots |= BIT(0);
	return vg_check(vg, base < VGN_GM_MAPPABLE, "graphics memory slice",
			"no APT entry of the mappable range kept a write; the model has no register naming the slice");
}

static void irqs_enable(struct vg_dev *vg)
{
	/* Everything resets masked. */
	writel((u32)~(VGN_STALL_COPY_DONE | VGN_STALL_ERROR),
	       vg->mmio + VGN_INTR_STALL + VGN_IMR);
	writel((u32)~VGN_NONSTALL_SEMA, vg->mmio + VGN_INTR_NONSTALL + VGN_IMR);
	writel(VGN_STALL_COPY_DONE | VGN_STALL_ERROR,
	       vg->mmio + VGN_INTR_STALL + VGN_IER);
	writel(VGN_NONSTALL_SEMA, vg->mmio + VGN_INTR_NONSTALL + VGN_IER);
	writel(VGN_MASTER_ENABLE, vg->mmio + VGN_INTR_MASTER);
	gn_of(vg)->irqs = true;
}

/* Slot 0 again, now as two halves, and read back both ways. */
static bool apt_setup(struct vg_dev *vg)
{
	u64 pte = VGN_PTE(vg_page_dma(vg, PG_RING)), whole, halves;
	void __iomem *entry = apt_entry(vg, 0);

	apt_set(vg, 0, pte, true);
	whole = readq(entry);
	halves = readl(entry) | (u64)readl(entry + 4) << 32;
	return vg_check(vg, whole == pte && halves == pte,
			"APT programmed (read back)",
			"slot 0 at %#llx reads %#llx (halves %#llx), wrote %#llx",
			gn_of(vg)->gm_base, whole, halves, pte);
}

static bool bind(struct vg_dev *vg, u64 pdb)
{
	struct vg_nvstub *gn = gn_of(vg);

	writel(0, ch(vg, VGN_CH_CTRL));
	writeq(gn->gm_base, ch(vg, VGN_CH_GPFIFO_BASE));
	writel(RING_ENTRIES, ch(vg, VGN_CH_GPFIFO_ENTRIES));
	/* Binding restarts GP_GET at 0: so must the guest. */
	gn->put = 0;
	writel(0, ch(vg, VGN_CH_GP_PUT));
	writeq(pdb, ch(vg, VGN_CH_PDB));
	writel(VGN_CH_CTRL_ENABLE, ch(vg, VGN_CH_CTRL));
	gn->bound = readl(ch(vg, VGN_CH_CTRL)) == VGN_CH_CTRL_ENABLE;
	return gn->bound;
}

/*
 * The address space: pushbuffer, source, the decoy where the destination
 * will be, the hostile destination. The fill page and the real destination
 * are mapped only after binding.
 */
static void channel_setup(struct vg_dev *vg)
{
	u32 error, get;
	bool bound;

	pte_store(vg, PG_PD, 0, VGN_PTE(vg_page_dma(vg, PG_PT)));
	pte_store(vg, PG_PT, VA_PB / VG_PAGE, VGN_PTE(vg_page_dma(vg, PG_PB)));
	pte_store(vg, PG_PT, VA_SRC / VG_PAGE, VGN_PTE(vg_page_dma(vg, PG_SRC)));
	pte_store(vg, PG_PT, VA_DST / VG_PAGE, VGN_PTE(vg_page_dma(vg, PG_DECOY)));
	pte_store(vg, PG_PT, VA_HDST / VG_PAGE, VGN_PTE(vg_page_dma(vg, PG_HDST)));

	bound = bind(vg, vg_page_dma(vg, PG_PD));
	error = readl(ch(vg, VGN_CH_ERROR));
	get = readl(ch(vg, VGN_CH_GP_GET));
	vg_check(vg, bound && !error && !get, "page tables announced",
		 "channel bind: CTRL %s, ERROR %#x, GP_GET %u",
		 bound ? "enabled" : "refused", error, get);
}

/*
 * One doorbell, two entries: the fill (semaphore releases) and a copy.
 * Before it, a CPU store maps the fill page where nothing was mapped and
 * another moves VA_DST from the decoy to the destination.
 */
static void fill_and_copy(struct vg_dev *vg)
{
	u8 *src = vg_page(vg, PG_SRC), *dst = vg_page(vg, PG_DST);
	u8 *fill = vg_page(vg, PG_FILL);
	__le32 *fill32 = (__le32 *)(fill + FILL_OFFSET);
	struct nvs_result res;
	long at, decoy;
	bool filled, copied;
	unsigned int i;

	for (i = 0; i < VG_PAGE; i++)
		src[i] = i * 37 + 11;
	pte_store(vg, PG_PT, VA_FILL / VG_PAGE, VGN_PTE(vg_page_dma(vg, PG_FILL)));
	pte_store(vg, PG_PT, VA_DST / VG_PAGE, VGN_PTE(vg_page_dma(vg, PG_DST)));

	for (i = 0; i < FILL_DWORDS; i++)
		m_release(vg, VA_FILL + FILL_OFFSET + i * 4, 0xf1110000 | i);
	mthd(vg, M_NONSTALL_INTERRUPT, 0, 0, 0);
	gp_segment(vg);
	m_copy(vg, VA_DST + 0x20, VA_SRC + 0x10, 0xf00);
	mthd(vg, M_NONSTALL_INTERRUPT, 0, 0, 0);
	gp_segment(vg);
	submit(vg, EV_COPY_DONE | EV_NONSTALL, &res);

	vg_check(vg, (res.irqs & (EV_COPY_DONE | EV_NONSTALL)) ==
		 (EV_COPY_DONE | EV_NONSTALL), "interrupt received",
		 "%s, %u interrupts handled so far", res.text, vg->irq_count);

	at = -1;
	for (i = 0; i < FILL_DWORDS && at < 0; i++)
		if (le32_to_cpu(fill32[i]) != (0xf1110000 | i))
			at = FILL_OFFSET + i * 4;
	if (at < 0)
		at = vg_first_not(fill, 0, FILL_OFFSET);
	if (at < 0) {
		at = vg_first_not(fill + FILL_OFFSET + FILL_DWORDS * 4, 0,
				  VG_PAGE - FILL_OFFSET - FILL_DWORDS * 4);
		if (at >= 0)
			at += FILL_OFFSET + FILL_DWORDS * 4;
	}
	filled = ran(&res, EV_NONSTALL) && at < 0;
	vg_check(vg, filled, "fill verified",
		 "semaphore-release fill: first wrong byte at %ld; %s", at,
		 res.text);

	at = vg_first_diff(dst + 0x20, src + 0x10, 0xf00);
	if (at >= 0)
		at += 0x20;
	else if (vg_first_not(dst, 0, 0x20) >= 0)
		at = vg_first_not(dst, 0, 0x20);
	else if (vg_first_not(dst + 0xf20, 0, VG_PAGE - 0xf20) >= 0)
		at = 0xf20 + vg_first_not(dst + 0xf20, 0, VG_PAGE - 0xf20);
	copied = ran(&res, EV_COPY_DONE) && at < 0;
	vg_check(vg, copied, "copy verified", "first wrong byte at %ld; %s",
		 at, res.text);

	decoy = vg_first_not(vg_page(vg, PG_DECOY), 0, VG_PAGE);
	vg_check(vg, filled && copied && decoy < 0, "tracked PTE update",
		 "fill %s the new mapping, copy %s the changed one; old page changed at byte %ld",
		 filled ? "used" : "did not use", copied ? "used" : "did not use",
		 decoy);
}

/* Unmapping the destination (another tracked store) must refuse a copy. */
static void tracked_unmap(struct vg_dev *vg)
{
	struct nvs_result res;

	pte_store(vg, PG_PT, VA_DST / VG_PAGE, 0);
	m_copy(vg, VA_DST, VA_SRC, VG_PAGE);
	gp_segment(vg);
	submit(vg, EV_ERROR, &res);
	vg_check(vg, refused(&res, VGN_ERR_FAULT, 1), "tracked PTE unmap",
		 "copy to an unmapped page not refused: %s", res.text);
	pte_store(vg, PG_PT, VA_DST / VG_PAGE, VGN_PTE(vg_page_dma(vg, PG_DST)));
}

/*
 * An unknown method after a valid release (nothing of the entry may run),
 * and an entry whose segment is unmapped; then a good entry.
 */
static void error_path(struct vg_dev *vg)
{
	__le32 *mark = vg_page(vg, PG_FILL) + 0x800;
	struct nvs_result res;
	u32 bad;

	m_release(vg, VA_FILL + 0x800, 0xbad0bad0);
	mthd(vg, M_UNKNOWN, 0, 0, 0);
	gp_segment(vg);
	bad = gp_push(vg, GP_ENTRY(VA_UNMAPPED, 5));
	submit(vg, EV_ERROR, &res);
	vg_check(vg, refused(&res, VGN_ERR_METHOD | VGN_ERR_GPFIFO, 2) &&
		 res.err_entry == bad && !mark[0], "error path reported",
		 "expected ERROR %#lx at entry %u, marker %#x; %s",
		 VGN_ERR_METHOD | VGN_ERR_GPFIFO, bad, le32_to_cpu(mark[0]),
		 res.text);
	vg_check(vg, res.irqs & EV_ERROR, "error path interrupt",
		 "no ERROR interrupt: %s", res.text);

	m_release(vg, VA_FILL + 0x800, 0x900d900d);
	mthd(vg, M_NONSTALL_INTERRUPT, 0, 0, 0);
	gp_segment(vg);
	submit(vg, EV_NONSTALL, &res);
	vg_check(vg, ran(&res, EV_NONSTALL) &&
		 le32_to_cpu(mark[0]) == 0x900d900d, "error path recovery",
		 "marker %#x; %s", le32_to_cpu(mark[0]), res.text);
}

/* The ring itself through an APT entry beyond RAM. */
static void hostile_apt(struct vg_dev *vg)
{
	struct vg_nvstub *gn = gn_of(vg);
	__le32 *hdst = vg_page(vg, PG_HDST);
	u64 pte = VGN_PTE(VG_HOSTILE_GPA), got;
	struct nvs_result res;

	apt_set(vg, SLOT_HOSTILE, pte, false);
	got = readq(apt_entry(vg, SLOT_HOSTILE));
	vg_check(vg, got == pte, "hostile: APT entry beyond RAM read back",
		 "reads %#llx, wrote %#llx", got, pte);

	/* A real entry in the real ring: it must not be what the device reads. */
	hdst[0] = 0;
	m_release(vg, VA_HDST, 0xbad0bad0);
	gp_segment(vg);
	writeq(gn->gm_base + SLOT_HOSTILE * VG_PAGE, ch(vg, VGN_CH_GPFIFO_BASE));
	submit(vg, 0, &res);
	writeq(gn->gm_base, ch(vg, VGN_CH_GPFIFO_BASE));
	vg_check(vg, res.get == res.put && !(res.error & ~VGN_ERR_GPFIFO) &&
		 !hdst[0], "hostile: GPFIFO read through APT beyond RAM",
		 "marker %#x; %s", le32_to_cpu(hdst[0]), res.text);
}

/* A read through a hostile mapping: zeroes, or refused and untouched. */
static void hostile_read(struct vg_dev *vg, const char *what, u64 va)
{
	u8 *hdst = vg_page(vg, PG_HDST);
	struct nvs_result res;
	long zero, kept;

	memset(hdst, 0x5a, VG_PAGE);
	m_copy(vg, VA_HDST, va, VG_PAGE);
	gp_segment(vg);
	submit(vg, 0, &res);
	zero = vg_first_not(hdst, 0, VG_PAGE);
	kept = vg_first_not(hdst, 0x5a, VG_PAGE);
	vg_check(vg, (ran(&res, 0) && zero < 0) ||
		 (refused(&res, VGN_ERR_FAULT, 1) && kept < 0), what,
		 "destination byte %ld is %#x; %s", zero,
		 zero < 0 ? 0 : hdst[zero], res.text);
}

static void hostile_tables(struct vg_dev *vg)
{
	struct nvs_result res;

	pte_store(vg, PG_PT, VA_HOSTILE / VG_PAGE, VGN_PTE(VG_HOSTILE_GPA));
	pte_store(vg, PG_PD, VA_HOSTILE_PT / SZ_2M, VGN_PTE(VG_HOSTILE_GPA));
	pte_store(vg, PG_PD, VA_HOSTILE_BIG / SZ_2M,
		  VGN_PTE(VG_HOSTILE_GPA) | VGN_PDE_BIG);

	m_release(vg, VA_HOSTILE, 0xdeadbeef);
	gp_segment(vg);
	m_copy(vg, VA_HOSTILE + 0x100, VA_SRC, 0x100);
	gp_segment(vg);
	submit(vg, 0, &res);
	vg_check(vg, res.get == res.put && !(res.error & ~VGN_ERR_FAULT),
		 "hostile: write through PTE beyond RAM", "%s", res.text);

	hostile_read(vg, "hostile: read through PTE beyond RAM", VA_HOSTILE);
	hostile_read(vg, "hostile: read through PDE beyond RAM", VA_HOSTILE_PT);
	hostile_read(vg, "hostile: read through big PDE beyond RAM",
		     VA_HOSTILE_BIG);
}

static void hostile_pdb(struct vg_dev *vg)
{
	u32 error;
	bool bound;

	bound = bind(vg, VG_HOSTILE_GPA);
	error = readl(ch(vg, VGN_CH_ERROR));
	if (error)
		writel(error, ch(vg, VGN_CH_ERROR));
	gn_of(vg)->err_count = readl(vg->mmio + VGN_ERR_COUNT);
	vg_check(vg, !bound && (error & VGN_ERR_BIND), "hostile: PDB beyond RAM",
		 "bind %s, ERROR %#x", bound ? "accepted" : "refused", error);
}

static void hostile_alive(struct vg_dev *vg)
{
	__le32 *hdst = vg_page(vg, PG_HDST);
	struct nvs_result res;
	u32 boot0;
	bool bound;

	bound = bind(vg, vg_page_dma(vg, PG_PD));
	m_release(vg, VA_HDST, 0x900d900d);
	mthd(vg, M_NONSTALL_INTERRUPT, 0, 0, 0);
	gp_segment(vg);
	submit(vg, EV_NONSTALL, &res);
	boot0 = readl(vg->mmio + VGN_BOOT0);
	vg_check(vg, bound && ran(&res, EV_NONSTALL) &&
		 le32_to_cpu(hdst[0]) == 0x900d900d && boot0 == VGN_BOOT0_VALUE,
		 "hostile: device alive after",
		 "rebind %s, marker %#x, BOOT0 %#x; %s",
		 bound ? "ok" : "refused", le32_to_cpu(hdst[0]), boot0,
		 res.text);
}

static void nvstub_run(struct vg_dev *vg)
{
	if (!identify(vg) || !find_slice(vg))
		return;
	irqs_enable(vg);
	if (!apt_setup(vg))
		return;
	channel_setup(vg);
	if (vg->hostile) {
		hostile_apt(vg);
		hostile_tables(vg);
		hostile_pdb(vg);
		hostile_alive(vg);
		return;
	}
	fill_and_copy(vg);
	tracked_unmap(vg);
	error_path(vg);
}

static bool nvstub_soak(struct vg_dev *vg, u32 marker)
{
	__le32 *mark = vg_page(vg, PG_FILL) + 0x800;
	struct nvs_result res;

	m_release(vg, VA_FILL + 0x800, marker);
	mthd(vg, M_NONSTALL_INTERRUPT, 0, 0, 0);
	gp_segment(vg);
	submit(vg, EV_NONSTALL, &res);
	return ran(&res, EV_NONSTALL) && le32_to_cpu(mark[0]) == marker;
}

/*
 * A noisy neighbour: GPFIFO entries of page copies that keep the engine
 * queue full, several time slices of work per doorbell.
 */
#define HOG_COPIES	64
#define HOG_ENTRIES	4

static bool nvstub_hog(struct vg_dev *vg, u32 marker)
{
	__le32 *mark = vg_page(vg, PG_FILL) + 0x800;
	struct vg_nvstub *gn = gn_of(vg);
	struct nvs_result res;
	unsigned int i;
	u32 len;

	for (i = 0; i < HOG_COPIES; i++)
		m_copy(vg, VA_DST, VA_SRC, VG_PAGE);
	len = gn->pb;
	for (i = 0; i < HOG_ENTRIES; i++)
		gp_push(vg, GP_ENTRY(VA_PB, len));
	gn->seg = gn->pb;
	m_release(vg, VA_FILL + 0x800, marker);
	mthd(vg, M_NONSTALL_INTERRUPT, 0, 0, 0);
	gp_segment(vg);
	submit(vg, EV_NONSTALL, &res);
	return ran(&res, EV_NONSTALL) && le32_to_cpu(mark[0]) == marker;
}

static void nvstub_quiesce(struct vg_dev *vg)
{
	struct vg_nvstub *gn = gn_of(vg);
	unsigned int slot;

	if (gn->irqs) {
		writel(0, vg->mmio + VGN_INTR_MASTER);
		writel(0, vg->mmio + VGN_INTR_STALL + VGN_IER);
		writel(0, vg->mmio + VGN_INTR_NONSTALL + VGN_IER);
		writel(~0u, vg->mmio + VGN_INTR_STALL + VGN_IMR);
		writel(~0u, vg->mmio + VGN_INTR_NONSTALL + VGN_IMR);
	}
	/* Unbinding makes the host stop tracking the page-table pages. */
	if (gn->bound)
		writel(0, ch(vg, VGN_CH_CTRL));
	for_each_set_bit(slot, &gn->apt_slots, BITS_PER_LONG)
		writeq(0, apt_entry(vg, slot));
}

const struct vg_vendor vg_nvstub = {
	.name = "nvstub",
	.class = 0x030200,
	.msi_cap = 0x68,
	.dma_bits = 44,		/* frame number in PTE bits 39:8 */
	.pages = PG_NR,
	.state_size = sizeof(struct vg_nvstub),
	.irq_ack = irq_ack,
	.run = nvstub_run,
	.soak = nvstub_soak,
	.hog = nvstub_hog,
	.quiesce = nvstub_quiesce,
};
