// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the seed corpus of the fuzz targets: the scenarios of the
 * userspace self-test and the KUnit suites, encoded as each target reads
 * its input (README). Plain C, no kernel code: the constants it needs are
 * repeated here from the vendors' headers.
 *
 *   gen_corpus <dir>	writes <dir>/<target>/<name> for every seed
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define BIT(n)			(1u << (n))
#define BIT_ULL(n)		(1ull << (n))

/* Generic operations (harness.c) */
enum {
	OP_MMIO_REG_W, OP_MMIO_REG_R, OP_MMIO_RAW_W, OP_MMIO_RAW_R, OP_CFG_W,
	OP_CFG_R, OP_RESET, OP_ENABLE, OP_GGTT_W, OP_MEM_W, OP_PT_FILL,
	OP_TRACKED_W, OP_INVALIDATE, OP_ANNOUNCE, OP_GET_PUT, OP_TRANSLATE,
	OP_MEM_BYTES,
};

/* i915 (vendors/i915/i915.h) */
#define I_GGTT			0x800000u
#define I_PV			0x78000u
#define I_PV_MAGIC		I_PV
#define I_PV_PDP_LO		(I_PV + 0x838)
#define I_PV_PDP_HI		(I_PV + 0x83c)
#define I_PV_G2V		(I_PV + 0x818)
#define I_RING_MODE		0x229c
#define I_RP_STATE_CAP		0x145998
#define I_ELSP			0x2230
#define I_MASTER_IRQ		0x44200
#define I_GT0_IMR		0x44304
#define I_GT0_IER		0x4430c
#define I_GT0_IIR		0x44308
#define I_CSB0			0x2370
#define I_PTE(gfn)		((unsigned long long)(gfn) << 12 | 3)
#define I_PS			BIT_ULL(7)
#define MI(op, fl)		((unsigned int)(op) << 23 | (fl))
#define MI_NOOP			0x00
#define MI_USER_INTERRUPT	0x02
#define MI_BB_END		0x0a
#define MI_SDI			0x20
#define MI_USE_GGTT		BIT(22)
#define MI_LRI			0x22
#define MI_BB_START		0x31
#define MI_BB_PPGTT		BIT(8)
#define XY_COLOR_BLT		0x50
#define XY_SRC_COPY_BLT		0x53
#define BLT(op, len)		(2u << 29 | (unsigned int)(op) << 22 | ((len) - 2))
#define BLT_RGBA		(3u << 20)
#define BLT_32			(3u << 24)

/* nvidia-stub (vendors/nvidia-stub/nvstub.h) */
#define N_BOOT0			0x0
#define N_INTR_MASTER		0x100
#define N_NONSTALL		0x120
#define N_CH0			0x2000
#define N_CH_GPFIFO_BASE	0x00
#define N_CH_GPFIFO_ENTRIES	0x08
#define N_CH_GP_GET		0x0c
#define N_CH_GP_PUT		0x10
#define N_CH_CTRL		0x14
#define N_CH_PDB		0x18
#define N_CH_DOORBELL		0x20
#define N_APT			0x800000u
#define N_PTE(gfn)		((unsigned long long)(gfn) << 8 | 3)
#define N_PDE_BIG		BIT_ULL(3)
#define N_PTE_BIG		BIT_ULL(3)
#define N_MTHD(m, n)		((unsigned int)(m) | (unsigned int)(n) << 8)
enum { M_NOP, M_SET_SRC, M_SET_DST, M_SET_LENGTH, M_LAUNCH_COPY,
	M_SEM_ADDRESS, M_SEM_RELEASE, M_NONSTALL_INTR };
#define GP_ENTRY(va, dw)	((unsigned long long)(va) | (unsigned long long)(dw) << 40)

/* Config space */
#define CFG_VENDOR		0x00
#define CFG_COMMAND		0x04
#define CFG_BAR0		0x10
#define FRAMES			1024
#define BAR0_GPA		0xf0000000u
#define XEN_SBDF		(8u << 3)

struct buf {
	unsigned char b[65536];
	size_t n;
};

static void put(struct buf *b, unsigned long long v, int bytes)
{
	int i;

	for (i = 0; i < bytes; i++)
		b->b[b->n++] = v >> (8 * i);
}

static void u8(struct buf *b, unsigned long long v) { put(b, v, 1); }
static void u16(struct buf *b, unsigned long long v) { put(b, v, 2); }
static void u32(struct buf *b, unsigned long long v) { put(b, v, 4); }
static void u64(struct buf *b, unsigned long long v) { put(b, v, 8); }

static const char *outdir;

static void save(const char *target, const char *name, const struct buf *b)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", outdir, target);
	if (mkdir(path, 0755) && errno != EEXIST) {
		perror(path);
		exit(1);
	}
	snprintf(path, sizeof(path), "%s/%s/%s", outdir, target, name);
	f = fopen(path, "w");
	if (!f || fwrite(b->b, 1, b->n, f) != b->n || fclose(f)) {
		perror(path);
		exit(1);
	}
}

static int size_code(int size)
{
	return size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3;
}

static void mmio_w(struct buf *b, unsigned int off, unsigned long long val, int size)
{
	u8(b, OP_MMIO_RAW_W);
	u8(b, 0);
	u32(b, off);
	u8(b, size_code(size));
	u64(b, val);
}

static void mmio_r(struct buf *b, unsigned int off, int size)
{
	u8(b, OP_MMIO_RAW_R);
	u8(b, 0);
	u32(b, off);
	u8(b, size_code(size));
}

static void cfg_w(struct buf *b, int off, unsigned int val, int size)
{
	u8(b, OP_CFG_W);
	u8(b, off);
	u8(b, size_code(size));
	u32(b, val);
}

static void cfg_r(struct buf *b, int off, int size)
{
	u8(b, OP_CFG_R);
	u8(b, off);
	u8(b, size_code(size));
}

/* A GGTT write of a raw entry to slot @slot of the vGPU (bit 7: absolute). */
static void ggtt_w(struct buf *b, unsigned int slot, int how, unsigned long long pte)
{
	u8(b, OP_GGTT_W);
	u16(b, slot);
	u8(b, how);
	u8(b, 0x80);
	u64(b, pte);
}

static void mem_w(struct buf *b, unsigned int gfn, unsigned int idx,
		  unsigned long long val)
{
	u8(b, OP_MEM_W);
	u16(b, gfn);
	u16(b, idx);
	u64(b, val);
}

static void tracked_w(struct buf *b, unsigned int gfn, unsigned int off,
		      int size, unsigned long long pte)
{
	u8(b, OP_TRACKED_W);
	u16(b, gfn);
	u16(b, off);
	u8(b, size_code(size));
	u8(b, 0);
	u8(b, 0x80);
	u64(b, pte);
}

static void op2(struct buf *b, int op, unsigned int gfn, int arg)
{
	u8(b, op);
	u16(b, gfn);
	u8(b, arg);
}

/* ---- mmio ----------------------------------------------------------------- */

static void seeds_mmio(void)
{
	struct buf b = {};

	/* selftest, i915: config identity, PVINFO, masked and RO registers */
	u8(&b, 0x02);
	cfg_r(&b, CFG_VENDOR, 2);
	cfg_w(&b, CFG_VENDOR, 0x1234, 2);
	mmio_r(&b, I_PV_MAGIC, 8);
	mmio_w(&b, I_RING_MODE, 0x00010001, 4);
	mmio_w(&b, I_RING_MODE, 0, 4);
	mmio_r(&b, I_RING_MODE, 4);
	mmio_w(&b, I_RP_STATE_CAP, 0, 4);
	mmio_r(&b, 2, 4);		/* unaligned: refused */
	mmio_w(&b, I_GT0_IMR, ~0x101u, 4);
	mmio_w(&b, I_GT0_IER, 0x101, 4);
	mmio_w(&b, I_MASTER_IRQ, 1u << 31, 4);
	mmio_w(&b, I_GT0_IIR, ~0u, 4);
	mmio_r(&b, I_CSB0 + 4, 4);
	save("mmio", "i915-selftest-regs", &b);

	/* i915: ELSP with an empty context, PVINFO announcements */
	b.n = 0;
	u8(&b, 0x02);
	mmio_w(&b, I_PV_PDP_LO, 200 << 12, 4);
	mmio_w(&b, I_PV_PDP_HI, 0, 4);
	mmio_w(&b, I_PV_G2V, 4, 4);
	mmio_w(&b, I_PV_G2V, 5, 4);
	mmio_w(&b, I_PV_G2V, 3, 4);
	mmio_w(&b, I_ELSP, 0, 4);
	mmio_w(&b, I_ELSP, 0, 4);
	mmio_w(&b, I_ELSP, 0x42, 4);
	mmio_w(&b, I_ELSP, 0x10019, 4);
	u8(&b, OP_RESET);
	mmio_r(&b, I_ELSP + 4, 4);
	save("mmio", "i915-elsp-g2v", &b);

	/* BAR moves with memory decoding on, 64-bit BAR halves */
	b.n = 0;
	u8(&b, 0x00);
	cfg_w(&b, CFG_BAR0, BAR0_GPA, 4);
	cfg_w(&b, CFG_BAR0 + 4, 0, 4);
	cfg_w(&b, CFG_COMMAND, 0x6, 2);
	cfg_w(&b, CFG_BAR0, 0xe0000000, 4);
	cfg_w(&b, CFG_BAR0, ~0u, 4);
	cfg_r(&b, CFG_BAR0, 4);
	cfg_w(&b, CFG_COMMAND, 0x400, 2);
	cfg_w(&b, 0xd0 + 2, 1, 2);	/* MSI enable */
	save("mmio", "i915-config-bars", &b);

	/* selftest, nvidia-stub: BOOT0, plain registers, a channel */
	b.n = 0;
	u8(&b, 0x03);
	mmio_r(&b, N_BOOT0, 4);
	mmio_w(&b, N_BOOT0, 0, 4);
	mmio_w(&b, N_CH0 + N_CH_GPFIFO_ENTRIES, 8, 4);
	mmio_r(&b, N_CH0 + N_CH_GPFIFO_ENTRIES, 4);
	mmio_w(&b, N_CH0 + N_CH_GPFIFO_BASE, 2 << 12, 8);
	mmio_w(&b, N_CH0 + N_CH_PDB, 20 << 12, 8);
	mmio_w(&b, N_CH0 + N_CH_CTRL, 1, 4);
	mmio_w(&b, N_NONSTALL + 4, ~1u, 4);
	mmio_w(&b, N_NONSTALL + 0xc, 1, 4);
	mmio_w(&b, N_INTR_MASTER, 1u << 31, 4);
	mmio_w(&b, N_CH0 + N_CH_GP_PUT, 1, 4);
	mmio_w(&b, N_CH0 + N_CH_DOORBELL, 1, 4);
	mmio_r(&b, N_CH0 + N_CH_GP_GET, 4);
	save("mmio", "nvstub-selftest-regs", &b);
}

/* ---- gtt ------------------------------------------------------------------ */

static void seeds_gtt(void)
{
	struct buf b = {};

	/*
	 * selftest, i915: GGTT entries in guest RAM, outside it and outside
	 * the slices; a 4-level PPGTT with a 4 KiB and a 2 MiB page,
	 * announced, translated, a tracked write, invalidation.
	 */
	u8(&b, 0x04);
	ggtt_w(&b, 0, 0, I_PTE(120));
	ggtt_w(&b, 1, 0, I_PTE(FRAMES + 16));
	ggtt_w(&b, 0xffff, 0x80, I_PTE(120));
	mem_w(&b, 200, 0, I_PTE(201));
	mem_w(&b, 201, 0, I_PTE(202));
	mem_w(&b, 202, 0, I_PTE(203));
	mem_w(&b, 202, 1, I_PTE(512) | I_PS);
	mem_w(&b, 203, 1, I_PTE(210));
	op2(&b, OP_ANNOUNCE, 200, 0);
	op2(&b, OP_GET_PUT, 200, 0);
	u8(&b, OP_TRANSLATE);
	u64(&b, 0x1040);
	u8(&b, OP_TRANSLATE);
	u64(&b, 0x203000);
	tracked_w(&b, 203, 8, 8, I_PTE(211));
	tracked_w(&b, 203, 16, 4, I_PTE(212));
	tracked_w(&b, 203, 20, 4, 0);
	op2(&b, OP_INVALIDATE, 120, 0);
	op2(&b, OP_INVALIDATE, 211, 3);
	ggtt_w(&b, 0, 0, I_PTE(120));
	ggtt_w(&b, 2, 2, I_PTE(121));
	ggtt_w(&b, 2, 3, I_PTE(121));
	op2(&b, OP_ANNOUNCE, 200, 1);
	save("gtt", "i915-selftest-tables", &b);

	/* the same tree reached twice, a shared table and a self loop */
	b.n = 0;
	u8(&b, 0x06);
	mem_w(&b, 300, 0, I_PTE(300));
	mem_w(&b, 300, 1, I_PTE(301));
	mem_w(&b, 300, 2, I_PTE(301));
	mem_w(&b, 301, 0, I_PTE(301));
	mem_w(&b, 301, 5, I_PTE(512) | I_PS);
	op2(&b, OP_ANNOUNCE, 300, 0);
	op2(&b, OP_GET_PUT, 301, 0);
	tracked_w(&b, 301, 0, 8, I_PTE(FRAMES + 5));
	tracked_w(&b, 300, 8, 8, 0);
	u8(&b, OP_RESET);
	save("gtt", "i915-shared-loop", &b);

	/*
	 * selftest, nvidia-stub: APT entries, a page directory with a 2 MiB
	 * page and a page table with 4 KiB and 64 KiB pages, a channel bound
	 * to it, a tracked write.
	 */
	b.n = 0;
	u8(&b, 0x05);
	ggtt_w(&b, 0, 0, N_PTE(40));
	ggtt_w(&b, 1, 0, N_PTE(FRAMES + 16));
	ggtt_w(&b, 2, 0, N_PTE(10));
	mem_w(&b, 20, 0, N_PTE(21));
	mem_w(&b, 20, 1, N_PTE(512) | N_PDE_BIG);
	mem_w(&b, 21, 1, N_PTE(30));
	mem_w(&b, 21, 4, N_PTE(50));
	mem_w(&b, 21, 16, N_PTE(64) | N_PTE_BIG);
	mem_w(&b, 21, 17, N_PTE(99));
	op2(&b, OP_ANNOUNCE, 20, 0);
	op2(&b, OP_GET_PUT, 20, 0);
	u8(&b, OP_TRANSLATE);
	u64(&b, 0x4020);
	u8(&b, OP_TRANSLATE);
	u64(&b, 0x205000);
	tracked_w(&b, 21, 32, 8, N_PTE(51));
	tracked_w(&b, 21, 128, 8, 0);
	tracked_w(&b, 20, 8, 8, 0);
	op2(&b, OP_INVALIDATE, 40, 0);
	op2(&b, OP_ANNOUNCE, 20, 2);
	save("gtt", "nvstub-selftest-tables", &b);

	/* scatter DMA: a huge page that must be split */
	b.n = 0;
	u8(&b, 0x07);
	mem_w(&b, 20, 1, N_PTE(512) | N_PDE_BIG);
	op2(&b, OP_GET_PUT, 20, 0);
	u8(&b, OP_TRANSLATE);
	u64(&b, 0x201000);
	op2(&b, OP_INVALIDATE, 515, 2);
	save("gtt", "nvstub-scatter-split", &b);
}

/* ---- cmd ------------------------------------------------------------------ */

struct dws {
	unsigned int d[1024];
	unsigned int n;
};

static void dw(struct dws *r, unsigned int v)
{
	r->d[r->n++] = v;
}

/* flags, head, tail, ring bytes, buffer bytes, ring, buffers, PPGTT data */
static void cmd_seed(const char *name, unsigned char flags, const struct dws *ring,
		     const struct dws *buf, const struct dws *data)
{
	struct buf b = {};
	unsigned int i;

	u8(&b, flags);
	u16(&b, 0);
	u16(&b, ring->n * 4);
	u16(&b, ring->n * 4);
	u16(&b, buf->n * 4);
	for (i = 0; i < ring->n; i++)
		u32(&b, ring->d[i]);
	for (i = 0; i < buf->n; i++)
		u32(&b, buf->d[i]);
	for (i = 0; data && i < data->n; i++)
		u32(&b, data->d[i]);
	save("cmd", name, &b);
}

#define BUF_GM		0x30000u
#define DATA_VA		0x10000u

static void seeds_cmd(void)
{
	struct dws ring = {}, buf = {}, data = {};

	/* selftest: MI_STORE_DATA_IMM through the GGTT, user interrupt */
	dw(&ring, MI(MI_SDI, 2) | MI_USE_GGTT);
	dw(&ring, BUF_GM + 8);
	dw(&ring, 0);
	dw(&ring, 0xdeadbeef);
	dw(&ring, MI(MI_USER_INTERRUPT, 0));
	dw(&ring, MI(MI_NOOP, 0));
	cmd_seed("selftest-sdi-ggtt", 0x01, &ring, &buf, NULL);

	/* a GGTT batch: LRI to a GPR, SDI, end */
	ring.n = 0;
	dw(&ring, MI(MI_BB_START, 1));
	dw(&ring, BUF_GM + 0x100);
	dw(&ring, 0);
	dw(&ring, MI(MI_USER_INTERRUPT, 0));
	for (buf.n = 0; buf.n < 0x40; )
		dw(&buf, 0);
	dw(&buf, MI(MI_LRI, 1));
	dw(&buf, 0x2600);
	dw(&buf, 7);
	dw(&buf, MI(MI_SDI, 2) | MI_USE_GGTT);
	dw(&buf, BUF_GM + 0x800);
	dw(&buf, 0);
	dw(&buf, 1);
	dw(&buf, MI(MI_BB_END, 0));
	cmd_seed("ggtt-batch-lri", 0x01, &ring, &buf, NULL);

	/* a PPGTT batch: SDI in the PPGTT, a colour fill and a copy blit */
	ring.n = 0;
	buf.n = 0;
	dw(&ring, MI(MI_BB_START, 1) | MI_BB_PPGTT);
	dw(&ring, DATA_VA);
	dw(&ring, 0);
	dw(&ring, MI(MI_NOOP, 0));
	dw(&data, MI(MI_SDI, 2));
	dw(&data, DATA_VA + 0x1000);
	dw(&data, 0);
	dw(&data, 0x600dcafe);
	dw(&data, BLT(XY_COLOR_BLT, 7) | BLT_RGBA);
	dw(&data, BLT_32 | 0xf0u << 16 | 256);		/* pitch */
	dw(&data, 0);					/* y1x1 */
	dw(&data, 4 << 16 | 16);			/* y2x2 */
	dw(&data, DATA_VA + 0x2000);
	dw(&data, 0);
	dw(&data, 0x11223344);
	dw(&data, BLT(XY_SRC_COPY_BLT, 10) | BLT_RGBA);
	dw(&data, BLT_32 | 0xccu << 16 | 256);
	dw(&data, 0);
	dw(&data, 4 << 16 | 16);
	dw(&data, DATA_VA + 0x3000);
	dw(&data, 0);
	dw(&data, 0);
	dw(&data, 256);
	dw(&data, DATA_VA + 0x2000);
	dw(&data, 0);
	dw(&data, MI(MI_USER_INTERRUPT, 0));
	dw(&data, MI(MI_BB_END, 0));
	cmd_seed("ppgtt-batch-blits", 0x01, &ring, &buf, &data);

	/* the same without an announced PPGTT, run twice */
	cmd_seed("ppgtt-not-announced", 0x20, &ring, &buf, &data);
}

/* ---- gpfifo --------------------------------------------------------------- */

static void gp_seed(const char *name, unsigned char flags, const unsigned long long *va_len,
		    unsigned int nr, const struct dws *pb)
{
	struct buf b = {};
	unsigned int i;

	u8(&b, flags);
	u8(&b, nr);
	for (i = 0; i < nr; i++) {
		u8(&b, va_len[3 * i]);		/* VA table index */
		u16(&b, va_len[3 * i + 1]);	/* offset */
		u16(&b, va_len[3 * i + 2]);	/* dwords */
	}
	for (i = 0; i < pb->n; i++)
		u32(&b, pb->d[i]);
	save("gpfifo", name, &b);
}

static void seeds_gpfifo(void)
{
	struct dws pb = {};
	unsigned long long e[3 * 4];

	/* selftest: semaphore release and non-stall interrupt */
	dw(&pb, N_MTHD(M_SEM_ADDRESS, 2));
	dw(&pb, 0x20008);
	dw(&pb, 0);
	dw(&pb, N_MTHD(M_SEM_RELEASE, 1));
	dw(&pb, 0xcafe0001);
	dw(&pb, N_MTHD(M_NONSTALL_INTR, 0));
	e[0] = 0;
	e[1] = 0;
	e[2] = pb.n;
	gp_seed("selftest-semaphore", 0x01, e, 1, &pb);

	/* KUnit: a copy between data pages, then one into the read-only page */
	pb.n = 0;
	dw(&pb, N_MTHD(M_SET_SRC, 2));
	dw(&pb, 0x8000);
	dw(&pb, 0);
	dw(&pb, N_MTHD(M_SET_DST, 2));
	dw(&pb, 0x9000);
	dw(&pb, 0);
	dw(&pb, N_MTHD(M_SET_LENGTH, 1));
	dw(&pb, 0x1800);
	dw(&pb, N_MTHD(M_LAUNCH_COPY, 0));
	dw(&pb, N_MTHD(M_NOP, 0));
	dw(&pb, N_MTHD(M_SET_DST, 2));	/* second entry starts at dword 10 */
	dw(&pb, 0xf000);
	dw(&pb, 0);
	dw(&pb, N_MTHD(M_SET_SRC, 2));
	dw(&pb, 0x40000);
	dw(&pb, 0);
	dw(&pb, N_MTHD(M_SET_LENGTH, 1));
	dw(&pb, 0x100);
	dw(&pb, N_MTHD(M_LAUNCH_COPY, 0));
	e[0] = 0;
	e[1] = 0;
	e[2] = 10;
	e[3] = 0;
	e[4] = 40;
	e[5] = 9;
	gp_seed("copy-and-readonly", 0x02, e, 2, &pb);

	/* copies from a 64 KiB and a 2 MiB page, the ring wrapped twice */
	pb.n = 0;
	dw(&pb, N_MTHD(M_SET_SRC, 2));
	dw(&pb, 0x200000);
	dw(&pb, 0);
	dw(&pb, N_MTHD(M_SET_DST, 2));
	dw(&pb, 0x8000);
	dw(&pb, 0);
	dw(&pb, N_MTHD(M_SET_LENGTH, 1));
	dw(&pb, 0x4000);
	dw(&pb, N_MTHD(M_LAUNCH_COPY, 0));
	e[0] = 0;
	e[1] = 0;
	e[2] = 9;
	e[3] = 0;
	e[4] = 0;
	e[5] = 9;
	e[6] = 3;
	e[7] = 0;
	e[8] = 0;
	gp_seed("big-pages-wrap", 0x21, e, 3, &pb);

	/* segments of the largest length and one dword more, from data */
	pb.n = 0;
	e[0] = 1;
	e[1] = 0;
	e[2] = 4096;
	e[3] = 1;
	e[4] = 0x1000;
	e[5] = 4097;
	gp_seed("segment-lengths", 0x01, e, 2, &pb);
}

/* ---- xen ------------------------------------------------------------------ */

/* A synchronous request: vCPU, type, address, data, count, size, flags. */
static void xreq(struct buf *b, int vcpu, int type, int addr_kind,
		 unsigned long long addr, unsigned long long data, int count, int size, int dir)
{
	u8(b, 0);
	u8(b, vcpu);
	u8(b, type);
	u8(b, addr_kind);
	switch (addr_kind) {
	case 0:
		u32(b, addr);
		break;
	case 1:
		u8(b, addr);
		break;
	case 2:
		u16(b, addr >> 12);
		u16(b, addr & 0xfff);
		break;
	default:
		u64(b, addr);
	}
	u64(b, data);
	u8(b, count);
	u8(b, size_code(size));
	u8(b, dir);
}

static void seeds_xen(void)
{
	struct buf b = {};

	/*
	 * KUnit vmed_xen: config reads and writes through PCI_CONFIG ioreqs,
	 * memory decoding on, MMIO through COPY ioreqs, a rep read into
	 * guest memory, port I/O, TIMEOFFSET and INVALIDATE.
	 */
	u8(&b, 0x04);			/* i915, 2 vCPUs */
	xreq(&b, 0, 2, 1, 0x00, 0, 1, 4, 1);
	xreq(&b, 1, 2, 1, CFG_BAR0, BAR0_GPA, 1, 4, 0);
	xreq(&b, 0, 2, 1, CFG_BAR0 + 4, 0, 1, 4, 0);
	xreq(&b, 0, 2, 1, CFG_COMMAND, 0x6, 1, 2, 0);
	xreq(&b, 1, 1, 0, I_PV_MAGIC, 0, 1, 8, 1);
	xreq(&b, 0, 1, 0, I_RING_MODE, 0x00010001, 1, 4, 0);
	xreq(&b, 0, 1, 0, I_GGTT, I_PTE(120), 1, 8, 0);
	xreq(&b, 0, 1, 0, I_GGTT + 8, I_PTE(121), 4, 8, 4);	/* ptr */
	xreq(&b, 1, 0, 3, 0xcf8, 0, 1, 4, 1);
	xreq(&b, 0, 3, 3, 0, 0, 1, 4, 0);
	xreq(&b, 0, 4, 3, 0, 0, 1, 4, 0);
	save("xen", "i915-config-mmio", &b);

	/* tracked page-table writes arrive as COPY ioreqs to guest RAM */
	b.n = 0;
	u8(&b, 0x15);			/* nvstub, enabled */
	u8(&b, 2);			/* generic: page tables and a channel */
	mem_w(&b, 20, 0, N_PTE(21));
	u8(&b, 2);
	mem_w(&b, 21, 4, N_PTE(50));
	u8(&b, 2);
	op2(&b, OP_ANNOUNCE, 20, 0);
	xreq(&b, 0, 1, 2, (21 << 12) + 32, N_PTE(51), 1, 8, 0);
	xreq(&b, 0, 1, 2, (21 << 12) + 40, N_PTE(52), 1, 4, 0);
	xreq(&b, 0, 1, 2, (21 << 12) + 44, 0, 1, 4, 0);
	xreq(&b, 0, 1, 2, (20 << 12), 0, 1, 8, 0);
	xreq(&b, 0, 1, 0, N_CH0 + N_CH_CTRL, 0, 1, 4, 0);
	save("xen", "nvstub-tracked-writes", &b);

	/* buffered ring: writes, an 8-byte one in two slots; then death */
	b.n = 0;
	u8(&b, 0x02);			/* i915, buffered, 1 vCPU */
	u8(&b, 1);
	u8(&b, 3);			/* 3 slots */
	u8(&b, 0);
	u8(&b, 0x01); u8(&b, 2); u16(&b, 5); u16(&b, 0x10); u32(&b, 1);
	u8(&b, 0x01); u8(&b, 3); u16(&b, 5); u16(&b, 0x18); u32(&b, 2);
	u8(&b, 0x01); u8(&b, 0); u16(&b, 5); u16(&b, 0x18); u32(&b, 3);
	u8(&b, 4);
	u8(&b, 0);			/* spurious kick */
	u8(&b, 3);			/* the domain dies */
	xreq(&b, 0, 2, 1, 0, 0, 1, 4, 1);
	save("xen", "i915-buffered-death", &b);

	/* hostile: bad sizes, counts, states, pointers */
	b.n = 0;
	u8(&b, 0x10);
	xreq(&b, 0, 1, 0, 0, 0, 1, 3, 1);
	xreq(&b, 0, 1, 0, 0x100, 0, 0x7f, 8, 1 | 2);
	xreq(&b, 0, 1, 0, 0x100, (unsigned long long)FRAMES << 12, 2, 4, 1 | 4);
	xreq(&b, 0, 9, 3, 0, 0, 1, 4, 0);
	xreq(&b, 0, 1, 0, 0, 0, 1, 4, 0x30);	/* state 3 */
	save("xen", "hostile", &b);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s <corpus dir>\n", argv[0]);
		return 2;
	}
	outdir = argv[1];
	if (mkdir(outdir, 0755) && errno != EEXIST) {
		perror(outdir);
		return 1;
	}
	seeds_mmio();
	seeds_gtt();
	seeds_cmd();
	seeds_gpfifo();
	seeds_xen();
	return 0;
}
