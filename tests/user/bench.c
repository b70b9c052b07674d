// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmarks of the mediation hot paths (make bench): the core and the i915
 * backend as tests/user builds them, driven through the core's entry points
 * with the fake hypervisor, next to GVT-g-style baselines (gvt_base.c) and
 * the memory limit (a plain memcpy of the bytes the operation moves).
 *
 *   bench [-o report] [-i counts]	wall clock: per operation, the median
 *					over SAMPLES samples of many
 *					iterations; -i merges instruction
 *					counts from a callgrind run
 *   valgrind --tool=callgrind --instr-atstart=no --collect-atstart=no \
 *	bench -c			instruction counts: each measured
 *					region is dumped as "<key>@<ops>"
 *
 * Every benchmark checks that the work was done (entries shadowed, frames
 * mapped, MSIs delivered, ...); the exit status is 1 if a check failed.
 * Targets are reported as MET or MISSED, never asserted.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/workqueue.h>
#include <linux/pci_regs.h>
#include <user_env.h>
#include "../../core/internal.h"
#include "../../vendors/i915/i915.h"
#include "../../vendors/nvidia-stub/nvstub.h"
#include "fake_hv.h"
#include "gvt_base.h"

/* The Makefile says whether valgrind's client requests are installed. */
#if BENCH_CALLGRIND
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_START_INSTRUMENTATION do { } while (0)
#define CALLGRIND_STOP_INSTRUMENTATION do { } while (0)
#define CALLGRIND_ZERO_STATS do { } while (0)
#define CALLGRIND_TOGGLE_COLLECT do { } while (0)
#define CALLGRIND_DUMP_STATS_AT(s) ((void)(s))
#endif

#define SAMPLES		11
#define GUEST_FRAMES	BIT_ULL(22)	/* 16 GiB of guest frames */
#define BAR0_GPA	0xf000000000ULL	/* above guest RAM */
#define MSI_ADDR	0xfee01000ULL
#define MSI_DATA	0x4031

/* Guest frames of the layouts below */
#define GGTT_HOLD_GFN	1000		/* two frames kept mapped (warm) */
#define GGTT_COLD_GFN	0x10000		/* 64K frames cycled through (cold) */
#define GGTT_POP_GFN	0x20000		/* 64K frames filling the DMA cache */
#define GGTT_POP	0x10000
#define PML4_4K		0x200		/* 4K tree: PML4, PDP, PD, 512 PTs */
#define PML4_2M		0x600		/* 2M tree: PML4, PDP, PD */
#define LEAF_GFN	0x40000		/* the 1 GiB both trees map */
#define PPGTT_FRAMES	BIT(18)	/* 262,144 */
#define PPGTT_TABLES	515
#define DMA_GFN		0x100000	/* DMA cache: up to 1M frames */
#define DMA_MISS_GFN	0x300000	/* frames mapped by the miss benchmark */
#define DMA_RANGE	256		/* frames per range invalidation */
#define SCALE_VGPUS	64
#define SCALE_FRAMES	1024

static bool cg_mode;
static const char *groups;	/* -g: only these benchmark groups */
static unsigned int failures;
static u64 sink;		/* results go here, so that work is done */

/* ---- results ----------------------------------------------------------- */

struct meas {
	char key[40];
	double ns;	/* median ns per op, NAN if not measured */
	double ir;	/* instructions per op, NAN if not counted */
};

static struct meas meas[160];
static unsigned int nr_meas;

static struct meas *meas_get(const char *key)
{
	unsigned int i;

	for (i = 0; i < nr_meas; i++)
		if (!strcmp(meas[i].key, key))
			return &meas[i];
	if (nr_meas == ARRAY_SIZE(meas)) {
		fprintf(stderr, "bench: too many measurements\n");
		exit(2);
	}
	snprintf(meas[nr_meas].key, sizeof(meas[0].key), "%s", key);
	meas[nr_meas].ns = NAN;
	meas[nr_meas].ir = NAN;
	return &meas[nr_meas++];
}

static double ns_of(const char *key)
{
	return meas_get(key)->ns;
}

static double ir_of(const char *key)
{
	return meas_get(key)->ir;
}

static void set_value(const char *key, double v)
{
	meas_get(key)->ns = v;
	meas_get(key)->ir = v;
}

__printf(2, 3)
static bool check(bool ok, const char *fmt, ...)
{
	va_list ap;

	if (ok)
		return true;
	failures++;
	fprintf(stderr, "bench: CHECK FAILED: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return false;
}

/* ---- measurement ------------------------------------------------------- */

typedef void (*bench_fn)(void *ctx, unsigned long n);

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * Run @fn(@ctx, @n) SAMPLES times and record the median ns per operation
 * under @key; under callgrind, run it once with @cg_n operations inside an
 * instrumented region dumped as "<key>@<cg_n>". @reset, if given, brings
 * the state back to where @fn starts (before every run and at the end).
 */
/*
 * glibc defers merging freed small chunks until a large allocation needs
 * them: the first page-sized allocation after a benchmark that freed
 * millions of entries pays for all of them (18 M instructions once, in
 * whichever operation comes next). The kernel's allocators have no such
 * debt, so it is settled before every measured region.
 */
static void settle_malloc(void)
{
	/* A large request consolidates (malloc_trim() would also unmap). */
	void *p = malloc(PAGE_SIZE);

	WRITE_ONCE(sink, (uintptr_t)p);	/* not elided with the free */
	free(p);
}

static void measure(const char *key, bench_fn fn, void (*reset)(void *ctx),
		    void *ctx, unsigned long n, unsigned long cg_n)
{
	double v[SAMPLES], t0;
	char name[64];
	unsigned int s;

	if (reset)
		reset(ctx);
	if (cg_mode) {
		if (cg_n > 1) {
			fn(ctx, cg_n);	/* warm */
			if (reset)
				reset(ctx);
		}
		snprintf(name, sizeof(name), "%s@%lu", key, cg_n);
		settle_malloc();
		CALLGRIND_START_INSTRUMENTATION;
		CALLGRIND_ZERO_STATS;
		CALLGRIND_TOGGLE_COLLECT;
		fn(ctx, cg_n);
		CALLGRIND_TOGGLE_COLLECT;
		CALLGRIND_DUMP_STATS_AT(name);
		CALLGRIND_STOP_INSTRUMENTATION;
	} else {
		if (n > 1) {
			fn(ctx, n / 4 + 1);	/* warm */
			if (reset)
				reset(ctx);
		}
		for (s = 0; s < SAMPLES; s++) {
			if (s && reset)
				reset(ctx);
			settle_malloc();
			t0 = now_ns();
			fn(ctx, n);
			v[s] = (now_ns() - t0) / n;
		}
		meas_get(key)->ns = median(v, SAMPLES);
	}
	if (reset)
		reset(ctx);
	fprintf(stderr, "  %-28s %s\n", key, cg_mode ? "counted" : "timed");
}

/* Merge "<key> <ops> <instructions>" lines from a callgrind run. */
static void read_counts(const char *path)
{
	char key[64];
	double ops, ir;
	FILE *f = fopen(path, "r");

	if (!f) {
		perror(path);
		return;
	}
	while (fscanf(f, "%63s %lf %lf", key, &ops, &ir) == 3)
		if (ops > 0)
			meas_get(key)->ir = ir / ops;
	fclose(f);
}

/* ---- the memory limit: a plain copy of the same bytes ------------------ */

static u8 *copy_src, *copy_dst;
static size_t copy_len;

static void b_copy(void *ctx, unsigned long n)
{
	size_t len = READ_ONCE(copy_len);
	unsigned long i;

	for (i = 0; i < n; i++) {
		memcpy(copy_dst, copy_src, len);
		asm volatile("" : : "r"(copy_dst) : "memory");
	}
}

static void limit(const char *key, size_t bytes, unsigned long n)
{
	copy_len = bytes;
	measure(key, b_copy, NULL, NULL, n, n > 100 ? 100 : n);
}

/* ---- environment ------------------------------------------------------- */

static struct vmed_device *dev;
static struct fake_hv *hv, *hvb;
static struct vmed_vgpu *vgpu;	/* what vmed is measured on */
static struct vmed_vgpu *vb;	/* carries the baseline's hypervisor */
static struct gvt_dev gdev;
static struct gvt_vgpu g;
static unsigned int scale_type, scale_fits;	/* on the i915 device */
static u64 rnd_state = 0x9e3779b97f4a7c15ull;

static inline u64 rnd(void)
{
	u64 x = rnd_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	rnd_state = x;
	return x;
}

/* A present, writable guest entry (i915 gen8 format) mapping @gfn. */
static u64 gpte(u64 gfn)
{
	return (gfn << PAGE_SHIFT) | I915_PTE_PRESENT | I915_PTE_RW;
}

static void cfg_wr(struct vmed_vgpu *v, unsigned int offset, u32 val,
		   unsigned int len)
{
	check(!vmed_cfg_write(v, offset, &val, len), "config write %#x", offset);
}

static void wr32(struct vmed_vgpu *v, u64 offset, u32 val)
{
	check(!vmed_mmio_write(v, 0, offset, &val, 4), "MMIO write %#llx",
	      offset);
}

static void wr64(struct vmed_vgpu *v, u64 offset, u64 val)
{
	check(!vmed_mmio_write(v, 0, offset, &val, 8), "MMIO write %#llx",
	      offset);
}

static u64 ggtt_index(struct vmed_vgpu *v)
{
	return v->gm_base[VMED_GM_MAPPABLE] >> PAGE_SHIFT;
}

/* ---- calibration: what the userspace stand-ins cost -------------------- */

static void b_mutex(void *ctx, unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		mutex_lock(&vgpu->lock);
		mutex_unlock(&vgpu->lock);
	}
}

/* ---- MMIO -------------------------------------------------------------- */

static void b_mmio_read(void *ctx, unsigned long n)
{
	unsigned long i;
	u32 val = 0, sum = 0;

	for (i = 0; i < n; i++) {
		vmed_mmio_read(vgpu, 0, I915_RING_TAIL, &val, 4);
		sum += val;
	}
	WRITE_ONCE(sink, sum);
}

static void b_mmio_write(void *ctx, unsigned long n)
{
	unsigned long i;
	u32 val;

	for (i = 0; i < n; i++) {
		val = i;
		vmed_mmio_write(vgpu, 0, I915_RING_TAIL, &val, 4);
	}
}

static void g_mmio_read(void *ctx, unsigned long n)
{
	unsigned long i;
	u32 val = 0, sum = 0;

	for (i = 0; i < n; i++) {
		gvt_mmio_read(&g, I915_RING_TAIL, &val, 4);
		sum += val;
	}
	WRITE_ONCE(sink, sum);
}

static void g_mmio_write(void *ctx, unsigned long n)
{
	unsigned long i;
	u32 val;

	for (i = 0; i < n; i++) {
		val = i;
		gvt_mmio_write(&g, I915_RING_TAIL, &val, 4);
	}
}

static void bench_mmio(void)
{
	u64 reads = vgpu->stats.mmio_reads, writes = vgpu->stats.mmio_writes;
	u32 val = 0x1234, back = 0;

	fprintf(stderr, "MMIO dispatch\n");
	measure("mmio_read", b_mmio_read, NULL, NULL, 200000, 1000);
	measure("mmio_write", b_mmio_write, NULL, NULL, 200000, 1000);
	measure("gvt_mmio_read", g_mmio_read, NULL, NULL, 200000, 1000);
	measure("gvt_mmio_write", g_mmio_write, NULL, NULL, 200000, 1000);
	limit("copy_mmio", 4, 200000);

	check(vgpu->stats.mmio_reads > reads && vgpu->stats.mmio_writes > writes &&
	      !vgpu->stats.mmio_rejected, "MMIO accesses counted, none refused");
	vmed_mmio_write(vgpu, 0, I915_RING_TAIL, &val, 4);
	vmed_mmio_read(vgpu, 0, I915_RING_TAIL, &back, 4);
	check(back == val, "vmed MMIO register reads back what was written");
	back = 0;
	gvt_mmio_write(&g, I915_RING_TAIL, &val, 4);
	gvt_mmio_read(&g, I915_RING_TAIL, &back, 4);
	check(back == val, "baseline MMIO register reads back what was written");
}

/* ---- GGTT -------------------------------------------------------------- */

static unsigned long cold_next;

/* As the baseline's loops: the results are checked once, after the loop. */
static void b_ggtt_warm(void *ctx, unsigned long n)
{
	u64 off = I915_GGTT_OFFSET + ggtt_index(vgpu) * 8, e;
	unsigned long i;
	int err = 0;

	for (i = 0; i < n; i++) {
		e = gpte(GGTT_HOLD_GFN + (i & 1));
		err |= vmed_mmio_write(vgpu, 0, off, &e, 8);
	}
	check(!err, "warm GGTT writes accepted");
}

static void b_ggtt_cold(void *ctx, unsigned long n)
{
	u64 off = I915_GGTT_OFFSET + ggtt_index(vgpu) * 8, e;
	unsigned long i;
	int err = 0;

	for (i = 0; i < n; i++) {
		e = gpte(GGTT_COLD_GFN + (cold_next++ & 0xffff));
		err |= vmed_mmio_write(vgpu, 0, off, &e, 8);
	}
	check(!err, "cold GGTT writes accepted");
}

static void g_ggtt_warm(void *ctx, unsigned long n)
{
	u64 off = I915_GGTT_OFFSET + g.ggtt_first * 8ull;
	unsigned long i;
	u64 e;

	for (i = 0; i < n; i++) {
		e = gpte(GGTT_HOLD_GFN + (i & 1));
		gvt_mmio_write(&g, off, &e, 8);
	}
}

static void g_ggtt_cold(void *ctx, unsigned long n)
{
	u64 off = I915_GGTT_OFFSET + g.ggtt_first * 8ull;
	unsigned long i;
	u64 e;

	for (i = 0; i < n; i++) {
		e = gpte(GGTT_COLD_GFN + (cold_next++ & 0xffff));
		gvt_mmio_write(&g, off, &e, 8);
	}
}

/* Map (or release) @nr frames from @gfn in both DMA caches. */
static void populate(u64 gfn, unsigned long nr, bool map)
{
	dma_addr_t dma[512];
	unsigned long i, k;
	u64 gfns[512];

	mutex_lock(&vgpu->lock);
	mutex_lock(&g.lock);
	for (i = 0; i < nr; i += 512) {
		for (k = 0; k < 512; k++)
			gfns[k] = gfn + i + k;
		if (map) {
			check(!vmed_dma_map(vgpu, gfns, 512, dma), "vmed DMA cache filled");
			for (k = 0; k < 512; k++)
				check(!gvt_dma_map(&g, gfns[k], PAGE_SIZE, &dma[k]),
				      "baseline DMA cache filled");
		} else {
			for (k = 0; k < 512; k++) {
				vmed_dma_put(vgpu, gfns[k]);
				gvt_dma_unmap(&g, fake_dma_of(hvb, gfns[k]));
			}
		}
	}
	vmed_dma_flush(vgpu);
	mutex_unlock(&g.lock);
	mutex_unlock(&vgpu->lock);
}

static void bench_ggtt(void)
{
	u64 base = I915_GGTT_OFFSET + ggtt_index(vgpu) * 8, e, maps;
	u64 gbase = I915_GGTT_OFFSET + g.ggtt_first * 8ull;
	unsigned long gmapped;

	fprintf(stderr, "GGTT entry writes\n");
	/* Two frames held by other slots: rewriting slot 0 only hits. */
	wr64(vgpu, base + 8, gpte(GGTT_HOLD_GFN));
	wr64(vgpu, base + 16, gpte(GGTT_HOLD_GFN + 1));
	e = gpte(GGTT_HOLD_GFN);
	gvt_mmio_write(&g, gbase + 8, &e, 8);
	e = gpte(GGTT_HOLD_GFN + 1);
	gvt_mmio_write(&g, gbase + 16, &e, 8);

	b_ggtt_warm(NULL, 2);
	maps = vgpu->stats.dma_maps;
	gmapped = hvb->dma_map_calls;
	measure("ggtt_warm", b_ggtt_warm, NULL, NULL, 200000, 1000);
	check(vgpu->stats.dma_maps == maps,
	      "warm GGTT writes mapped nothing new (%llu maps)",
	      vgpu->stats.dma_maps - maps);
	measure("gvt_ggtt_warm", g_ggtt_warm, NULL, NULL, 200000, 1000);
	check(hvb->dma_map_calls == gmapped,
	      "warm baseline GGTT writes mapped nothing new");
	maps = vgpu->stats.dma_maps;
	measure("ggtt_cold", b_ggtt_cold, NULL, NULL, 50000, 1000);
	check(vgpu->stats.dma_maps - maps >= (cg_mode ? 1000 : 50000) &&
	      vgpu->dma.nr_entries == 3 && hv->mapped == 3,
	      "cold GGTT writes mapped one frame each, released the old one (%lu cached)",
	      vgpu->dma.nr_entries);
	measure("gvt_ggtt_cold", g_ggtt_cold, NULL, NULL, 50000, 1000);
	check(g.nr_cache == 3 && hvb->mapped == 3,
	      "cold baseline GGTT writes released the old frame");
	limit("copy_ggtt", 8, 200000);

	/*
	 * The same with 64K other frames in the DMA caches (as many as the
	 * vGPU's GGTT slice can map): a cache the size a guest has.
	 */
	populate(GGTT_POP_GFN, GGTT_POP, true);
	maps = vgpu->stats.dma_maps;
	measure("ggtt_warm_64k", b_ggtt_warm, NULL, NULL, 200000, 1000);
	check(vgpu->stats.dma_maps == maps,
	      "warm GGTT writes mapped nothing new");
	measure("gvt_ggtt_warm_64k", g_ggtt_warm, NULL, NULL, 200000, 1000);
	measure("ggtt_cold_64k", b_ggtt_cold, NULL, NULL, 50000, 1000);
	measure("gvt_ggtt_cold_64k", g_ggtt_cold, NULL, NULL, 50000, 1000);
	check(vgpu->dma.nr_entries == 3 + GGTT_POP &&
	      g.nr_cache == 3 + GGTT_POP,
	      "populated caches: one cold frame at a time");
	populate(GGTT_POP_GFN, GGTT_POP, false);

	/* The last write is shadowed with its frame's DMA address. */
	wr64(vgpu, base, gpte(GGTT_HOLD_GFN));
	check(dev->ggtt_host[ggtt_index(vgpu)] ==
	      (fake_dma_of(hv, GGTT_HOLD_GFN) | I915_PTE_PRESENT | I915_PTE_RW),
	      "GGTT entry shadowed to the frame's DMA address");
}

/* ---- PPGTT ------------------------------------------------------------- */

static void guest_tables(struct fake_hv *h)
{
	unsigned int i, j;

	fake_write64(h, PML4_4K << PAGE_SHIFT, gpte(PML4_4K + 1));
	fake_write64(h, (PML4_4K + 1) << PAGE_SHIFT, gpte(PML4_4K + 2));
	for (i = 0; i < 512; i++) {
		u64 pt = PML4_4K + 3 + i;

		fake_write64(h, ((PML4_4K + 2) << PAGE_SHIFT) + i * 8, gpte(pt));
		for (j = 0; j < 512; j++)
			fake_write64(h, (pt << PAGE_SHIFT) + j * 8,
				     gpte(LEAF_GFN + i * 512 + j));
	}
	fake_write64(h, PML4_2M << PAGE_SHIFT, gpte(PML4_2M + 1));
	fake_write64(h, (PML4_2M + 1) << PAGE_SHIFT, gpte(PML4_2M + 2));
	for (i = 0; i < 512; i++)
		fake_write64(h, ((PML4_2M + 2) << PAGE_SHIFT) + i * 8,
			     gpte(LEAF_GFN + i * 512) | I915_PTE_PS);
}

struct shadow_ctx {
	u64 root;
	struct vmed_ppgtt_mm *mm;
	struct gvt_spt *spt;
};

static void b_shadow(void *ctx, unsigned long n)
{
	struct shadow_ctx *c = ctx;

	mutex_lock(&vgpu->lock);
	c->mm = vmed_ppgtt_get(vgpu, c->root << PAGE_SHIFT);
	mutex_unlock(&vgpu->lock);
}

static void b_shadow_reset(void *ctx)
{
	struct shadow_ctx *c = ctx;

	if (IS_ERR_OR_NULL(c->mm))
		return;
	mutex_lock(&vgpu->lock);
	vmed_ppgtt_put(vgpu, c->mm);
	mutex_unlock(&vgpu->lock);
	c->mm = NULL;
}

static void g_shadow(void *ctx, unsigned long n)
{
	struct shadow_ctx *c = ctx;

	mutex_lock(&g.lock);
	c->spt = gvt_ppgtt_shadow(&g, c->root, 4);
	mutex_unlock(&g.lock);
}

static void g_shadow_reset(void *ctx)
{
	struct shadow_ctx *c = ctx;

	if (IS_ERR_OR_NULL(c->spt))
		return;
	mutex_lock(&g.lock);
	gvt_ppgtt_put(&g, c->spt);
	mutex_unlock(&g.lock);
	c->spt = NULL;
}

/* Teardown measured on its own: build untimed, put timed. */
static void b_teardown(void *ctx, unsigned long n)
{
	b_shadow_reset(ctx);
}

static void b_teardown_reset(void *ctx)
{
	b_shadow_reset(ctx);
	b_shadow(ctx, 1);
}

static void g_teardown(void *ctx, unsigned long n)
{
	g_shadow_reset(ctx);
}

static void g_teardown_reset(void *ctx)
{
	g_shadow_reset(ctx);
	g_shadow(ctx, 1);
}

/* Spot checks of a shadow: where the device would land. */
static void check_shadow(struct shadow_ctx *c, unsigned long cached,
			 unsigned long gcached, const char *what)
{
	static const u64 pages[] = { 0, 1, 511, 512, 100000, PPGTT_FRAMES - 1 };
	dma_addr_t dma = 0, gdma = 0;
	bool writable, ok = true, gok = true;
	unsigned int k;

	mutex_lock(&vgpu->lock);
	c->mm = vmed_ppgtt_get(vgpu, c->root << PAGE_SHIFT);
	if (!check(!IS_ERR(c->mm), "%s: shadowed", what)) {
		mutex_unlock(&vgpu->lock);
		c->mm = NULL;
		return;
	}
	check(vgpu->dma.nr_entries - cached == PPGTT_FRAMES &&
	      hv->pins[LEAF_GFN] && hv->pins[LEAF_GFN + PPGTT_FRAMES - 1],
	      "%s: vmed shadow maps %lu frames (%lu)", what, PPGTT_FRAMES,
	      vgpu->dma.nr_entries - cached);
	for (k = 0; k < ARRAY_SIZE(pages); k++) {
		u64 va = (pages[k] << PAGE_SHIFT) + 0x18;

		ok &= !vmed_ppgtt_translate(vgpu, c->mm, va, &dma, &writable) &&
		      dma == fake_dma_of(hv, LEAF_GFN + pages[k]) + 0x18;
	}
	check(ok, "%s: vmed shadow translates to the frames' DMA addresses",
	      what);
	mutex_unlock(&vgpu->lock);
	b_shadow_reset(c);
	check(vgpu->dma.nr_entries == cached && !vgpu->ppgtt.nr_spts,
	      "%s: vmed teardown released every frame and table", what);

	mutex_lock(&g.lock);
	c->spt = gvt_ppgtt_shadow(&g, c->root, 4);
	if (check(!IS_ERR(c->spt), "%s: baseline shadowed", what)) {
		for (k = 0; k < ARRAY_SIZE(pages); k++) {
			u64 va = (pages[k] << PAGE_SHIFT) + 0x18;

			gok &= !gvt_ppgtt_translate(&g, c->spt, va, &gdma) &&
			       gdma == fake_dma_of(hvb, LEAF_GFN + pages[k]) + 0x18;
		}
		check(gok && g.nr_cache > gcached && hvb->mapped >= PPGTT_FRAMES,
		      "%s: baseline shadow translates to the frames' DMA addresses",
		      what);
	}
	mutex_unlock(&g.lock);
	g_shadow_reset(c);
	check(g.nr_cache == gcached && !g.nr_spts,
	      "%s: baseline teardown released every frame and table", what);
}

struct tw_ctx {
	struct vmed_ppgtt_mm *mm;
	struct gvt_spt *spt;
};

/* Entry 0 of the first page table alternates between two mapped frames. */
static void b_tracked(void *ctx, unsigned long n)
{
	u64 gpa = (PML4_4K + 3ull) << PAGE_SHIFT, e;
	unsigned long i;

	for (i = 0; i < n; i++) {
		e = gpte(LEAF_GFN + 1 + (i & 1));
		fake_write64(hv, gpa, e);
		vmed_page_write(vgpu, gpa, &e, 8);
	}
}

static void g_tracked(void *ctx, unsigned long n)
{
	u64 gpa = (PML4_4K + 3ull) << PAGE_SHIFT, e;
	unsigned long i;

	for (i = 0; i < n; i++) {
		e = gpte(LEAF_GFN + 1 + (i & 1));
		fake_write64(hvb, gpa, e);
		gvt_page_write(&g, gpa, &e, 8);
	}
}

static void bench_tracked(void)
{
	u64 gpa = (PML4_4K + 3ull) << PAGE_SHIFT, e = gpte(LEAF_GFN);
	u64 writes = vgpu->stats.tracked_writes, maps;
	struct shadow_ctx c = { .root = PML4_4K };
	dma_addr_t dma = 0;
	bool writable;

	b_shadow(&c, 1);
	g_shadow(&c, 1);
	b_tracked(NULL, 2);
	g_tracked(NULL, 2);
	maps = vgpu->stats.dma_maps;
	measure("tracked_write", b_tracked, NULL, NULL, 100000, 1000);
	check(vgpu->stats.dma_maps == maps &&
	      vgpu->stats.tracked_writes - writes >= (cg_mode ? 1000 : 100000),
	      "tracked writes applied without new mappings");
	measure("gvt_tracked_write", g_tracked, NULL, NULL, 100000, 1000);
	limit("copy_tracked", 8, 200000);

	mutex_lock(&vgpu->lock);
	check(!vmed_ppgtt_translate(vgpu, c.mm, 0, &dma, &writable) &&
	      (dma == fake_dma_of(hv, LEAF_GFN + 1) ||
	       dma == fake_dma_of(hv, LEAF_GFN + 2)),
	      "tracked write reached the shadow");
	mutex_unlock(&vgpu->lock);
	/* Back to the guest tables as they were. */
	fake_write64(hv, gpa, e);
	vmed_page_write(vgpu, gpa, &e, 8);
	fake_write64(hvb, gpa, e);
	gvt_page_write(&g, gpa, &e, 8);
	b_shadow_reset(&c);
	g_shadow_reset(&c);
}

static void bench_ppgtt(void)
{
	struct shadow_ctx c4 = { .root = PML4_4K }, c2 = { .root = PML4_2M };
	unsigned long cached = vgpu->dma.nr_entries, gcached = g.nr_cache;

	fprintf(stderr, "PPGTT shadowing (1 GiB)\n");
	guest_tables(hv);
	guest_tables(hvb);
	check_shadow(&c4, cached, gcached, "4K pages");
	check_shadow(&c2, cached, gcached, "2M pages");

	measure("shadow_4k", b_shadow, b_shadow_reset, &c4, 1, 1);
	measure("gvt_shadow_4k", g_shadow, g_shadow_reset, &c4, 1, 1);
	measure("teardown_4k", b_teardown, b_teardown_reset, &c4, 1, 1);
	b_shadow_reset(&c4);
	measure("gvt_teardown_4k", g_teardown, g_teardown_reset, &c4, 1, 1);
	g_shadow_reset(&c4);
	limit("copy_shadow_4k", PPGTT_TABLES * PAGE_SIZE, 20);

	measure("shadow_2m", b_shadow, b_shadow_reset, &c2, 1, 1);
	measure("gvt_shadow_2m", g_shadow, g_shadow_reset, &c2, 1, 1);
	limit("copy_shadow_2m", 3 * PAGE_SIZE, 10000);

	populate(LEAF_GFN, PPGTT_FRAMES, true);
	measure("shadow_4k_warm", b_shadow, b_shadow_reset, &c4, 1, 1);
	measure("gvt_shadow_4k_warm", g_shadow, g_shadow_reset, &c4, 1, 1);
	populate(LEAF_GFN, PPGTT_FRAMES, false);
	check(vgpu->dma.nr_entries == cached && g.nr_cache == gcached,
	      "pre-mapped frames released");

	fprintf(stderr, "tracked page-table write\n");
	bench_tracked();
}

/* ---- DMA cache --------------------------------------------------------- */

struct dma_ctx {
	unsigned long size;	/* frames in the cache */
	unsigned long mapped;	/* extra frames the miss benchmark mapped */
	unsigned long ranges;	/* ranges the invalidation benchmark dropped */
	unsigned long bad;
};

static void b_lookup(void *ctx, unsigned long n)
{
	struct dma_ctx *c = ctx;
	u64 mask = c->size - 1, sum = 0;
	unsigned long i, bad = 0;
	dma_addr_t dma = 0;

	mutex_lock(&vgpu->lock);
	for (i = 0; i < n; i++) {
		bad += !!vmed_dma_lookup(vgpu, DMA_GFN + (rnd() & mask), &dma);
		sum += dma;
	}
	mutex_unlock(&vgpu->lock);
	WRITE_ONCE(sink, sum);
	c->bad += bad;
}

static void g_lookup(void *ctx, unsigned long n)
{
	struct dma_ctx *c = ctx;
	u64 mask = c->size - 1, sum = 0;
	unsigned long i, bad = 0;
	dma_addr_t dma = 0;

	mutex_lock(&g.lock);
	for (i = 0; i < n; i++) {
		bad += !!gvt_dma_lookup(&g, DMA_GFN + (rnd() & mask), &dma);
		sum += dma;
	}
	mutex_unlock(&g.lock);
	WRITE_ONCE(sink, sum);
	c->bad += bad;
}

static void b_lookup_seq(void *ctx, unsigned long n)
{
	struct dma_ctx *c = ctx;
	u64 mask = c->size - 1, sum = 0;
	unsigned long i, bad = 0;
	dma_addr_t dma = 0;

	mutex_lock(&vgpu->lock);
	for (i = 0; i < n; i++) {
		bad += !!vmed_dma_lookup(vgpu, DMA_GFN + (i & mask), &dma);
		sum += dma;
	}
	mutex_unlock(&vgpu->lock);
	WRITE_ONCE(sink, sum);
	c->bad += bad;
}

static void g_lookup_seq(void *ctx, unsigned long n)
{
	struct dma_ctx *c = ctx;
	u64 mask = c->size - 1, sum = 0;
	unsigned long i, bad = 0;
	dma_addr_t dma = 0;

	mutex_lock(&g.lock);
	for (i = 0; i < n; i++) {
		bad += !!gvt_dma_lookup(&g, DMA_GFN + (i & mask), &dma);
		sum += dma;
	}
	mutex_unlock(&g.lock);
	WRITE_ONCE(sink, sum);
	c->bad += bad;
}

static void b_to_gfn(void *ctx, unsigned long n)
{
	struct dma_ctx *c = ctx;
	u64 mask = c->size - 1, sum = 0, gfn = 0;
	unsigned long i, bad = 0;

	mutex_lock(&vgpu->lock);
	for (i = 0; i < n; i++) {
		u64 want = DMA_GFN + (rnd() & mask);

		bad += vmed_dma_to_gfn(vgpu, fake_dma_of(hv, want), &gfn) ||
		       gfn != want;
		sum += gfn;
	}
	mutex_unlock(&vgpu->lock);
	WRITE_ONCE(sink, sum);
	c->bad += bad;
}

static void g_to_gfn(void *ctx, unsigned long n)
{
	struct dma_ctx *c = ctx;
	u64 mask = c->size - 1, sum = 0, gfn = 0;
	unsigned long i, bad = 0;

	mutex_lock(&g.lock);
	for (i = 0; i < n; i++) {
		u64 want = DMA_GFN + (rnd() & mask);

		bad += gvt_dma_to_gfn(&g, fake_dma_of(hvb, want), &gfn) ||
		       gfn != want;
		sum += gfn;
	}
	mutex_unlock(&g.lock);
	WRITE_ONCE(sink, sum);
	c->bad += bad;
}

/* A frame mapped once more and released again: a cache hit. */
static void b_hit(void *ctx, unsigned long n)
{
	struct dma_ctx *c = ctx;
	u64 mask = c->size - 1, gfn;
	unsigned long i, bad = 0;
	dma_addr_t dma;

	mutex_lock(&vgpu->lock);
	for (i = 0; i < n; i++) {
		gfn = DMA_GFN + (rnd() & mask);
		bad += vmed_dma_map(vgpu, &gfn, 1, &dma) ||
		       dma == DMA_MAPPING_ERROR;
		vmed_dma_put(vgpu, gfn);
	}
	vmed_dma_flush(vgpu);
	mutex_unlock(&vgpu->lock);
	c->bad += bad;
}

static void g_hit(void *ctx, unsigned long n)
{
	struct dma_ctx *c = ctx;
	u64 mask = c->size - 1, gfn;
	unsigned long i, bad = 0;
	dma_addr_t dma;

	mutex_lock(&g.lock);
	for (i = 0; i < n; i++) {
		gfn = DMA_GFN + (rnd() & mask);
		bad += !!gvt_dma_map(&g, gfn, PAGE_SIZE, &dma);
		gvt_dma_unmap(&g, dma);
	}
	mutex_unlock(&g.lock);
	c->bad += bad;
}

/* A frame not in the cache, mapped through the hypervisor. */
static void b_miss(void *ctx, unsigned long n)
{
	struct dma_ctx *c = ctx;
	unsigned long i, bad = 0;
	dma_addr_t dma;
	u64 gfn;

	mutex_lock(&vgpu->lock);
	for (i = 0; i < n; i++) {
		gfn = DMA_MISS_GFN + c->mapped++;
		bad += vmed_dma_map(vgpu, &gfn, 1, &dma) ||
		       dma == DMA_MAPPING_ERROR;
	}
	mutex_unlock(&vgpu->lock);
	c->bad += bad;
}

static void b_miss_reset(void *ctx)
{
	struct dma_ctx *c = ctx;

	mutex_lock(&vgpu->lock);
	while (c->mapped)
		vmed_dma_put(vgpu, DMA_MISS_GFN + --c->mapped);
	vmed_dma_flush(vgpu);
	mutex_unlock(&vgpu->lock);
}

static void g_miss(void *ctx, unsigned long n)
{
	struct dma_ctx *c = ctx;
	unsigned long i, bad = 0;
	dma_addr_t dma;

	mutex_lock(&g.lock);
	for (i = 0; i < n; i++)
		bad += !!gvt_dma_map(&g, DMA_MISS_GFN + c->mapped++, PAGE_SIZE,
				     &dma);
	mutex_unlock(&g.lock);
	c->bad += bad;
}

static void g_miss_reset(void *ctx)
{
	struct dma_ctx *c = ctx;

	mutex_lock(&g.lock);
	gvt_dma_invalidate(&g, DMA_MISS_GFN, c->mapped);
	c->mapped = 0;
	mutex_unlock(&g.lock);
}

/* Fill the caches up to @size frames from DMA_GFN. */
static void dma_fill(unsigned long from, unsigned long size, bool vmed)
{
	dma_addr_t dma[512];
	unsigned long i, k, n;
	u64 gfns[512];

	for (i = from; i < size; i += n) {
		n = min(512ul, size - i);
		for (k = 0; k < n; k++)
			gfns[k] = DMA_GFN + i + k;
		if (vmed) {
			mutex_lock(&vgpu->lock);
			check(!vmed_dma_map(vgpu, gfns, n, dma), "fill");
			mutex_unlock(&vgpu->lock);
			continue;
		}
		mutex_lock(&g.lock);
		for (k = 0; k < n; k++)
			check(!gvt_dma_map(&g, gfns[k], PAGE_SIZE, &dma[k]),
			      "baseline fill");
		mutex_unlock(&g.lock);
	}
}

static void b_inval(void *ctx, unsigned long n)
{
	struct dma_ctx *c = ctx;
	unsigned long i;

	for (i = 0; i < n; i++)
		vmed_dma_invalidate(vgpu, DMA_GFN + c->ranges++ * DMA_RANGE,
				    DMA_RANGE);
}

static void b_inval_reset(void *ctx)
{
	struct dma_ctx *c = ctx;
	unsigned long r;

	for (r = 0; r < c->ranges; r++) {
		mutex_lock(&vgpu->lock);
		c->bad += vmed_dma_lookup(vgpu, DMA_GFN + r * DMA_RANGE,
					  &(dma_addr_t){ 0 }) != -ENOENT;
		mutex_unlock(&vgpu->lock);
		dma_fill(r * DMA_RANGE, (r + 1) * DMA_RANGE, true);
	}
	c->ranges = 0;
}

static void g_inval(void *ctx, unsigned long n)
{
	struct dma_ctx *c = ctx;
	unsigned long i;

	for (i = 0; i < n; i++) {
		mutex_lock(&g.lock);
		gvt_dma_invalidate(&g, DMA_GFN + c->ranges++ * DMA_RANGE,
				   DMA_RANGE);
		mutex_unlock(&g.lock);
	}
}

static void g_inval_reset(void *ctx)
{
	struct dma_ctx *c = ctx;
	unsigned long r;

	for (r = 0; r < c->ranges; r++) {
		mutex_lock(&g.lock);
		c->bad += gvt_dma_lookup(&g, DMA_GFN + r * DMA_RANGE,
					 &(dma_addr_t){ 0 }) != -ENOENT;
		mutex_unlock(&g.lock);
		dma_fill(r * DMA_RANGE, (r + 1) * DMA_RANGE, false);
	}
	c->ranges = 0;
}

static void bench_dma(void)
{
	static const unsigned long sizes[] = { 1ul << 10, 1ul << 16, 1ul << 20 };
	static const char *const names[] = { "1k", "64k", "1m" };
	long mem0 = vmed_user_mem_total(), mem1;
	unsigned long cached = vgpu->dma.nr_entries, gcached = g.nr_cache;
	struct shadow_ctx shadow = { .root = PML4_4K };
	unsigned long from = 0;
	struct dma_ctx c = {};
	unsigned int s;
	char key[40];

	fprintf(stderr, "DMA cache\n");
	/*
	 * Invalidation of ranges outside a shadowed 1 GiB PPGTT: what the
	 * shadow adds to every invalidation.
	 */
	guest_tables(hv);
	guest_tables(hvb);
	b_shadow(&shadow, 1);
	g_shadow(&shadow, 1);
	dma_fill(0, 4 * DMA_RANGE, true);
	dma_fill(0, 4 * DMA_RANGE, false);
	measure("dma_inval_ppgtt", b_inval, b_inval_reset, &c, 4, 1);
	measure("gvt_dma_inval_ppgtt", g_inval, g_inval_reset, &c, 4, 1);
	check(!c.bad && vgpu->dma.nr_entries == cached + PPGTT_FRAMES + 4 * DMA_RANGE,
	      "ranges invalidated beside a shadowed PPGTT, the shadow kept");
	mutex_lock(&vgpu->lock);
	vmed_dma_release_range(vgpu, DMA_GFN, 4 * DMA_RANGE);
	mutex_unlock(&vgpu->lock);
	mutex_lock(&g.lock);
	gvt_dma_invalidate(&g, DMA_GFN, 4 * DMA_RANGE);
	mutex_unlock(&g.lock);
	b_shadow_reset(&shadow);
	g_shadow_reset(&shadow);

	for (s = 0; s < ARRAY_SIZE(sizes); s++) {
		unsigned long size = sizes[s], ranges;

		c.size = size;
		mem0 = vmed_user_mem_total();
		dma_fill(from, size, true);
		mem1 = vmed_user_mem_total();
		snprintf(key, sizeof(key), "dma_bytes_%s", names[s]);
		/* Bytes per entry of the whole cache, incremental fill. */
		set_value(key, (double)(mem1 - mem0) / (size - from));
		dma_fill(from, size, false);
		snprintf(key, sizeof(key), "gvt_dma_bytes_%s", names[s]);
		set_value(key, (double)(vmed_user_mem_total() - mem1) /
			       (size - from));
		from = size;
		check(vgpu->dma.nr_entries == cached + size &&
		      g.nr_cache == gcached + size,
		      "caches hold %lu entries (%lu, %lu)", size,
		      vgpu->dma.nr_entries - cached, g.nr_cache - gcached);

		snprintf(key, sizeof(key), "dma_lookup_%s", names[s]);
		measure(key, b_lookup, NULL, &c, 500000, 2000);
		snprintf(key, sizeof(key), "gvt_dma_lookup_%s", names[s]);
		measure(key, g_lookup, NULL, &c, 500000, 2000);
		snprintf(key, sizeof(key), "dma_lookup_seq_%s", names[s]);
		measure(key, b_lookup_seq, NULL, &c, 500000, 2000);
		snprintf(key, sizeof(key), "gvt_dma_lookup_seq_%s", names[s]);
		measure(key, g_lookup_seq, NULL, &c, 500000, 2000);
		snprintf(key, sizeof(key), "dma_to_gfn_%s", names[s]);
		measure(key, b_to_gfn, NULL, &c, 500000, 2000);
		snprintf(key, sizeof(key), "gvt_dma_to_gfn_%s", names[s]);
		measure(key, g_to_gfn, NULL, &c, 500000, 2000);
		snprintf(key, sizeof(key), "dma_hit_%s", names[s]);
		measure(key, b_hit, NULL, &c, 200000, 2000);
		snprintf(key, sizeof(key), "gvt_dma_hit_%s", names[s]);
		measure(key, g_hit, NULL, &c, 200000, 2000);
		snprintf(key, sizeof(key), "dma_miss_%s", names[s]);
		measure(key, b_miss, b_miss_reset, &c, 20000, 1000);
		snprintf(key, sizeof(key), "gvt_dma_miss_%s", names[s]);
		measure(key, g_miss, g_miss_reset, &c, 20000, 1000);
		ranges = min(64ul, size / DMA_RANGE);
		snprintf(key, sizeof(key), "dma_inval_%s", names[s]);
		measure(key, b_inval, b_inval_reset, &c, ranges, 2);
		snprintf(key, sizeof(key), "gvt_dma_inval_%s", names[s]);
		measure(key, g_inval, g_inval_reset, &c, ranges, 2);
		check(!c.bad, "%lu entries: lookups and maps right (%lu bad)",
		      size, c.bad);
		check(vgpu->dma.nr_entries == cached + size &&
		      g.nr_cache == gcached + size,
		      "caches back to %lu entries after the benchmarks", size);
	}
	snprintf(key, sizeof(key), "copy_dma_entry");
	limit(key, 16, 200000);
	limit("copy_dma_range", DMA_RANGE * 16, 20000);

	mutex_lock(&vgpu->lock);
	vmed_dma_release_range(vgpu, DMA_GFN, from);
	mutex_unlock(&vgpu->lock);
	mutex_lock(&g.lock);
	gvt_dma_invalidate(&g, DMA_GFN, from);
	mutex_unlock(&g.lock);
	check(vgpu->dma.nr_entries == cached && g.nr_cache == gcached,
	      "DMA caches emptied");
}

/* ---- interrupts -------------------------------------------------------- */

static void msi_setup(struct vmed_vgpu *v)
{
	unsigned int cap = v->dev->vendor->pci.msi_cap_offset;

	cfg_wr(v, cap + PCI_MSI_ADDRESS_LO, lower_32_bits(MSI_ADDR), 4);
	cfg_wr(v, cap + PCI_MSI_ADDRESS_HI, upper_32_bits(MSI_ADDR), 4);
	cfg_wr(v, cap + PCI_MSI_DATA_64, MSI_DATA, 2);
	cfg_wr(v, cap + PCI_MSI_FLAGS, PCI_MSI_FLAGS_ENABLE, 2);
	wr32(v, I915_GT0_IMR, ~(u32)(I915_GT_RCS_USER | I915_GT_RCS_CTX_SWITCH));
	wr32(v, I915_GT0_IER, I915_GT_RCS_USER | I915_GT_RCS_CTX_SWITCH);
	wr32(v, I915_MASTER_IRQ, I915_MASTER_IRQ_CONTROL);
}

static void b_irq(void *ctx, unsigned long n)
{
	unsigned long i;

	mutex_lock(&vgpu->lock);
	for (i = 0; i < n; i++)
		vmed_irq_raise(vgpu, I915_EV_RCS_USER);
	mutex_unlock(&vgpu->lock);
}

static void g_irq(void *ctx, unsigned long n)
{
	unsigned long i;

	mutex_lock(&g.lock);
	for (i = 0; i < n; i++)
		gvt_irq_raise(&g, I915_EV_RCS_USER);
	mutex_unlock(&g.lock);
}

static void bench_irq(void)
{
	unsigned long msis, gmsis = g.msis;

	fprintf(stderr, "interrupts\n");
	msi_setup(vgpu);
	gvt_irq_setup(&g, MSI_ADDR, MSI_DATA);
	msis = hv->msis;
	measure("irq", b_irq, NULL, NULL, 200000, 1000);
	check(hv->msis > msis && hv->msi_addr == MSI_ADDR &&
	      hv->msi_data == MSI_DATA &&
	      hv->msis - msis == vgpu->stats.msi_injected,
	      "every raised event delivered an MSI with the guest's address and data");
	measure("gvt_irq", g_irq, NULL, NULL, 200000, 1000);
	check(g.msis > gmsis && hvb->msis == g.msis,
	      "baseline delivered an MSI per event");
	limit("copy_irq", 12, 200000);
}

/* ---- scale: 64 vGPUs on one device ------------------------------------- */

static struct vmed_vendor x64_vendor;
static struct vmed_device *x64_dev;
static struct device x64_dma;

/*
 * The i915 device holds 8 vGPUs of its smallest type. A device of the same
 * description with 64 times that type's graphics memory and fences is
 * registered for the scale run (its GGTT then needs a 64 MiB BAR 0).
 */
static struct vmed_device *x64_register(unsigned int type)
{
	const struct vmed_vgpu_type *t = &vmed_i915_vendor.types[type];
	u64 gm;
	int k;

	x64_vendor = vmed_i915_vendor;
	for (k = 0; k < VMED_GM_KINDS; k++)
		x64_vendor.gm_total[k] = SCALE_VGPUS * t->gm_size[k];
	x64_vendor.fences = SCALE_VGPUS * t->fences;
	gm = x64_vendor.gm_total[0] + x64_vendor.gm_total[1];
	x64_vendor.pci.bars[0].size =
		roundup_pow_of_two(I915_GGTT_OFFSET + (gm >> PAGE_SHIFT) * 8);
	x64_vendor.pci.bars[1].size = roundup_pow_of_two(x64_vendor.gm_total[0]);
	vmed_user_device_init(&x64_dma, "vmed_i915_x64", DMA_BIT_MASK(64));
	x64_dev = vmed_device_register(&x64_vendor, &x64_dma, "vmed_i915_x64");
	if (!check(!IS_ERR(x64_dev), "64-vGPU device registered"))
		return NULL;
	return fake_hv_device("vmed_i915_x64");
}

/* One workload: MI_STORE_DATA_IMM through the GGTT, then a user interrupt. */
static void workload(struct vmed_vgpu *v, struct fake_hv *h, u32 value)
{
	u64 gm = v->gm_base[VMED_GM_MAPPABLE], lrca = gm + 0x10000;
	u64 ring_gm = gm + 0x20000, buf_gm = gm + 0x30000, desc;
	u32 *ring = fake_frame(h, 110), *state = fake_frame(h, 101);
	u32 *buf = fake_frame(h, 120);
	unsigned long msis = h->msis;
	unsigned int n = 0;

	cfg_wr(v, PCI_BASE_ADDRESS_0, lower_32_bits(BAR0_GPA), 4);
	cfg_wr(v, PCI_BASE_ADDRESS_0 + 4, upper_32_bits(BAR0_GPA), 4);
	cfg_wr(v, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
	msi_setup(v);
	wr64(v, I915_GGTT_OFFSET + (lrca >> PAGE_SHIFT) * 8, gpte(100));
	wr64(v, I915_GGTT_OFFSET + ((lrca >> PAGE_SHIFT) + 1) * 8, gpte(101));
	wr64(v, I915_GGTT_OFFSET + (ring_gm >> PAGE_SHIFT) * 8, gpte(110));
	wr64(v, I915_GGTT_OFFSET + (buf_gm >> PAGE_SHIFT) * 8, gpte(120));
	ring[n++] = I915_MI(I915_MI_STORE_DATA_IMM, 2) | I915_MI_USE_GGTT;
	ring[n++] = lower_32_bits(buf_gm + 8);
	ring[n++] = upper_32_bits(buf_gm + 8);
	ring[n++] = value;
	ring[n++] = I915_MI(I915_MI_USER_INTERRUPT, 0);
	ring[n++] = I915_MI(I915_MI_NOOP, 0);
	state[I915_CTX_RING_START] = ring_gm;
	state[I915_CTX_RING_CTL] = I915_RING_CTL_VALID;
	state[I915_CTX_PDP0_LDW] = 200 << PAGE_SHIFT;
	state[I915_CTX_RING_HEAD] = 0;
	state[I915_CTX_RING_TAIL] = n * 4;
	desc = lrca | I915_CTX_VALID |
	       (I915_CTX_MODE_LEGACY_64 << I915_CTX_MODE_SHIFT) | 1ull << 32;
	wr32(v, I915_ELSP, 0);
	wr32(v, I915_ELSP, 0);
	wr32(v, I915_ELSP, upper_32_bits(desc));
	wr32(v, I915_ELSP, lower_32_bits(desc));
	/* The engine's worker runs the context. */
	vmed_user_run_work();
	check(buf[2] == value && h->msis > msis &&
	      !i915_of(v)->stats.workload_errors && !v->failed,
	      "%s: ran its commands, MSI raised", v->name);
}

static void bench_scale(void)
{
	unsigned int type = scale_type, i, cycle, cycles = cg_mode ? 1 : 3;
	static double create_ns[3 * SCALE_VGPUS], destroy_ns[3 * SCALE_VGPUS];
	struct vmed_vgpu *v[SCALE_VGPUS];
	struct fake_hv *h[SCALE_VGPUS];
	struct vmed_device *xd;
	long mem0, mem_dev;
	double t0, sum_c = 0, sum_d = 0, max_c = 0, max_d = 0;
	unsigned int nc = 0;

	fprintf(stderr, "scale: %u vGPUs on one device\n", SCALE_VGPUS);
	mem0 = vmed_user_mem_total();
	xd = x64_register(type);
	if (!xd)
		return;
	mem_dev = vmed_user_mem_total() - mem0;
	set_value("scale_device_bytes", mem_dev);
	check(vmed_type_available(xd, type) == SCALE_VGPUS,
	      "the device holds %u vGPUs of type \"%s\" (%u)", SCALE_VGPUS,
	      vmed_i915_vendor.types[type].name, vmed_type_available(xd, type));
	for (i = 0; i < SCALE_VGPUS; i++)
		h[i] = fake_hv_create(SCALE_FRAMES);

	for (cycle = 0; cycle < cycles; cycle++) {
		long before = vmed_user_mem_total();

		if (cg_mode) {
			CALLGRIND_START_INSTRUMENTATION;
			CALLGRIND_ZERO_STATS;
			CALLGRIND_TOGGLE_COLLECT;
		}
		for (i = 0; i < SCALE_VGPUS; i++) {
			t0 = now_ns();
			v[i] = fake_vgpu_create(xd, type, h[i], &fake_hv_ops);
			create_ns[nc + i] = now_ns() - t0;
			if (!check(!IS_ERR(v[i]), "vGPU %u of %u created", i,
				   SCALE_VGPUS))
				break;
		}
		if (cg_mode) {
			CALLGRIND_TOGGLE_COLLECT;
			CALLGRIND_DUMP_STATS_AT("vgpu_create@64");
			CALLGRIND_STOP_INSTRUMENTATION;
		}
		if (i < SCALE_VGPUS) {
			while (i--)
				fake_vgpu_destroy(v[i]);
			break;
		}
		if (!cycle)
			set_value("vgpu_bytes",
				  (double)(vmed_user_mem_total() - before) /
				  SCALE_VGPUS);
		check(!vmed_type_available(xd, type),
		      "the device is full with %u vGPUs", SCALE_VGPUS);

		if (cg_mode) {
			CALLGRIND_START_INSTRUMENTATION;
			CALLGRIND_ZERO_STATS;
			CALLGRIND_TOGGLE_COLLECT;
		}
		t0 = now_ns();
		for (i = 0; i < SCALE_VGPUS; i++)
			workload(v[i], h[i], 0x5ca1e000 + i + cycle * 256);
		if (cg_mode) {
			CALLGRIND_TOGGLE_COLLECT;
			CALLGRIND_DUMP_STATS_AT("vgpu_workload@64");
			CALLGRIND_STOP_INSTRUMENTATION;
		} else if (!cycle) {
			meas_get("vgpu_workload")->ns =
				(now_ns() - t0) / SCALE_VGPUS;
		}
		if (!cycle)
			set_value("vgpu_bytes_busy",
				  (double)(vmed_user_mem_total() - before) /
				  SCALE_VGPUS);

		if (cg_mode) {
			CALLGRIND_START_INSTRUMENTATION;
			CALLGRIND_ZERO_STATS;
			CALLGRIND_TOGGLE_COLLECT;
		}
		for (i = 0; i < SCALE_VGPUS; i++) {
			t0 = now_ns();
			fake_vgpu_destroy(v[i]);
			destroy_ns[nc + i] = now_ns() - t0;
		}
		if (cg_mode) {
			CALLGRIND_TOGGLE_COLLECT;
			CALLGRIND_DUMP_STATS_AT("vgpu_destroy@64");
			CALLGRIND_STOP_INSTRUMENTATION;
		}
		check(vmed_user_mem_total() == before,
		      "destroying the vGPUs gave back all their memory (%ld bytes left)",
		      vmed_user_mem_total() - before);
		for (i = 0; i < SCALE_VGPUS; i++)
			check(!h[i]->mapped && !h[i]->tracked_frames,
			      "vGPU %u left nothing mapped or tracked", i);
		nc += SCALE_VGPUS;
	}
	for (i = 0; i < nc; i++) {
		sum_c += create_ns[i];
		sum_d += destroy_ns[i];
		max_c = max(max_c, create_ns[i]);
		max_d = max(max_d, destroy_ns[i]);
	}
	if (nc > SCALE_VGPUS && !cg_mode) {
		/* The first cycle may fault memory in; later ones reuse it. */
		meas_get("vgpu_create_first")->ns = median(create_ns, SCALE_VGPUS);
		meas_get("vgpu_destroy_first")->ns =
			median(destroy_ns, SCALE_VGPUS);
		meas_get("vgpu_create_later")->ns =
			median(create_ns + SCALE_VGPUS, nc - SCALE_VGPUS);
		meas_get("vgpu_destroy_later")->ns =
			median(destroy_ns + SCALE_VGPUS, nc - SCALE_VGPUS);
	}
	if (nc && !cg_mode) {
		meas_get("vgpu_create")->ns = sum_c / nc;
		meas_get("vgpu_destroy")->ns = sum_d / nc;
		meas_get("vgpu_create_max")->ns = max_c;
		meas_get("vgpu_destroy_max")->ns = max_d;
		meas_get("vgpu_create_median")->ns = median(create_ns, nc);
		meas_get("vgpu_destroy_median")->ns = median(destroy_ns, nc);
	}
	for (i = 0; i < SCALE_VGPUS; i++)
		check(!fake_hv_destroy(h[i]), "scale hypervisor %u clean", i);
	vmed_device_unregister(x64_dev);
	check(!vmed_user_device_mapped(&x64_dma), "64-vGPU device unmapped");
	vmed_user_device_fini(&x64_dma);
	check(vmed_user_mem_total() == mem0, "64-vGPU device freed");
}

/* ---- report ------------------------------------------------------------ */

struct row {
	const char *label;
	const char *key;	/* vmed's; the baseline's is "gvt_" key */
	const char *copy;	/* the memory limit's */
	double per;		/* operations are divided by this */
	bool gvt;
};

#define ROW(label, key, copy, per)	{ label, key, copy, per, true }
#define ROW_VMED(label, key)		{ label, key, NULL, 1, false }

static const struct row rows[] = {
	ROW("MMIO read, plain register", "mmio_read", "copy_mmio", 1),
	ROW("MMIO write, plain register", "mmio_write", "copy_mmio", 1),
	ROW("GGTT write, warm, 3-entry cache", "ggtt_warm", "copy_ggtt", 1),
	ROW("GGTT write, warm, 64K-entry cache", "ggtt_warm_64k", "copy_ggtt", 1),
	ROW("GGTT write, cold, 3-entry cache", "ggtt_cold", "copy_ggtt", 1),
	ROW("GGTT write, cold, 64K-entry cache", "ggtt_cold_64k", "copy_ggtt", 1),
	ROW("PPGTT 1G/4K shadow, per entry", "shadow_4k", "copy_shadow_4k",
	    PPGTT_FRAMES),
	ROW("  same, frames already mapped", "shadow_4k_warm",
	    "copy_shadow_4k", PPGTT_FRAMES),
	ROW("  teardown, per entry", "teardown_4k", NULL, PPGTT_FRAMES),
	ROW("PPGTT 1G/2M shadow, per 2M entry", "shadow_2m", "copy_shadow_2m",
	    512),
	ROW("tracked page-table write", "tracked_write", "copy_tracked", 1),
	ROW("DMA lookup random, 1K", "dma_lookup_1k", "copy_dma_entry", 1),
	ROW("DMA lookup random, 64K", "dma_lookup_64k", "copy_dma_entry", 1),
	ROW("DMA lookup random, 1M", "dma_lookup_1m", "copy_dma_entry", 1),
	ROW("DMA lookup sequential, 1K", "dma_lookup_seq_1k", "copy_dma_entry", 1),
	ROW("DMA lookup sequential, 64K", "dma_lookup_seq_64k", "copy_dma_entry",
	    1),
	ROW("DMA lookup sequential, 1M", "dma_lookup_seq_1m", "copy_dma_entry", 1),
	ROW("DMA addr -> gfn random, 1K", "dma_to_gfn_1k", "copy_dma_entry", 1),
	ROW("DMA addr -> gfn random, 64K", "dma_to_gfn_64k", "copy_dma_entry", 1),
	ROW("DMA addr -> gfn random, 1M", "dma_to_gfn_1m", "copy_dma_entry", 1),
	ROW("DMA map hit + put, 1K", "dma_hit_1k", "copy_dma_entry", 1),
	ROW("DMA map hit + put, 64K", "dma_hit_64k", "copy_dma_entry", 1),
	ROW("DMA map hit + put, 1M", "dma_hit_1m", "copy_dma_entry", 1),
	ROW("DMA map miss (new frame), 1K", "dma_miss_1k", "copy_dma_entry", 1),
	ROW("DMA map miss (new frame), 64K", "dma_miss_64k", "copy_dma_entry", 1),
	ROW("DMA map miss (new frame), 1M", "dma_miss_1m", "copy_dma_entry", 1),
	ROW("DMA invalidate 1M range, 1K", "dma_inval_1k", "copy_dma_range", 1),
	ROW("DMA invalidate 1M range, 64K", "dma_inval_64k", "copy_dma_range", 1),
	ROW("DMA invalidate 1M range, 1M", "dma_inval_1m", "copy_dma_range", 1),
	ROW("  same, 1G PPGTT shadowed", "dma_inval_ppgtt", "copy_dma_range", 1),
	ROW("interrupt raise -> MSI", "irq", "copy_irq", 1),
	ROW_VMED("vGPU create + attach (mean)", "vgpu_create"),
	ROW_VMED("vGPU detach + destroy (mean)", "vgpu_destroy"),
	ROW_VMED("vGPU workload (ELSP..MSI)", "vgpu_workload"),
	ROW_VMED("stand-in mutex lock+unlock", "mutex_pair"),
};

static void fmt_num(char *buf, size_t len, double v)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else if (v >= 1e7)
		snprintf(buf, len, "%.3g", v);
	else if (v >= 100)
		snprintf(buf, len, "%.0f", v);
	else
		snprintf(buf, len, "%.1f", v);
}

static void fmt_ratio(char *buf, size_t len, double a, double b)
{
	if (isnan(a) || isnan(b) || !b)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.2f", a / b);
}

static unsigned int nr_met, nr_missed;
static char load_start[16] = "?", load_end[16] = "?";

/* The 1-minute load average: how busy the machine was. */
static void read_load(char *buf, size_t len)
{
	FILE *f = fopen("/proc/loadavg", "r");

	if (f) {
		if (fscanf(f, "%15s", buf) != 1)
			snprintf(buf, len, "?");
		fclose(f);
	}
}

__printf(3, 4)
static void target(FILE *out, bool met, const char *fmt, ...)
{
	va_list ap;

	fprintf(out, "%-7s ", met ? "MET" : "MISSED");
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
	if (met)
		nr_met++;
	else
		nr_missed++;
}

static void ratio_target(FILE *out, const char *what, const char *vkey,
			 const char *gkey)
{
	double r = ns_of(vkey) / ns_of(gkey);

	target(out, r <= 0.5,
	       "%s: >= 2x ahead of the GVT-style baseline (vmed/GVT: ns %.2f, Ir %.2f)",
	       what, r, ir_of(vkey) / ir_of(gkey));
}

/*
 * A hot path: vmed's instructions per operation at most the baseline's
 * (the time ratio beside them), and, if @ns_limit is set, its time at most
 * that.
 */
static void hot_target(FILE *out, const char *what, const char *key,
		       double ns_limit)
{
	double ir, ns;
	char gkey[64];

	snprintf(gkey, sizeof(gkey), "gvt_%s", key);
	ir = ir_of(key) / ir_of(gkey);
	ns = ns_of(key) / ns_of(gkey);
	target(out, ir <= 1.0, "%s: vmed/GVT instructions <= 1.00 (Ir %.2f; ns %.2f)",
	       what, ir, ns);
	if (ns_limit)
		target(out, ns_of(key) <= ns_limit, "%s <= %.0f ns (%.1f ns)",
		       what, ns_limit, ns_of(key));
}

/* The scheduler's figures, as "sched: <name>: <value> (target ...) MET". */
static void sched_line(FILE *out, bool met, const char *fmt, ...)
{
	va_list ap;

	fprintf(out, "sched: ");
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fprintf(out, " %s\n", met ? "MET" : "MISSED");
	if (met)
		nr_met++;
	else
		nr_missed++;
}

/* The policy figures of one vendor's engine (keys "sched_<prefix>..."). */
static void report_policies(FILE *out, const char *prefix, const char *engine,
			    const char *small)
{
	char k[4][40];
	double fair, fixed;

	snprintf(k[0], sizeof(k[0]), "sched_%sfair_error", prefix);
	snprintf(k[1], sizeof(k[1]), "sched_%sfixed_used", prefix);
	snprintf(k[2], sizeof(k[2]), "sched_%snoisy_p99_slices", prefix);
	snprintf(k[3], sizeof(k[3]), "sched_%snoisy_p99_ns", prefix);
	fair = ns_of(k[0]);
	fixed = ns_of(k[1]);
	sched_line(out, fair <= 0.05,
		   "fairness (%s), weights 1:2:4 saturating for 2 s, worst share error: %.1f%% (target <= 5%%)",
		   engine, fair * 100);
	sched_line(out, fixed <= 1.05,
		   "fixed share (%s), one vGPU alone for 3 s, engine time / its share: %.2f (target <= 1.05)",
		   engine, fixed);
	snprintf(k[0], sizeof(k[0]), "sched_%snoisy_samples", prefix);
	sched_line(out, ns_of(k[2]) <= 2,
		   "noisy neighbour (%s), p99 completion latency of %s beside a saturating vGPU: %.0f slices, %.2f ms of wall time (this machine's own scheduling included) over %.0f samples (target <= 2 slices)",
		   engine, small, ns_of(k[2]), ns_of(k[3]) / 1e6, ns_of(k[0]));
}

static void report_sched(FILE *out)
{
	double sub = ns_of("sched_submit_64m") / ns_of("sched_submit_4k");
	double isub = ns_of("sched_i915_submit_64m") /
		      ns_of("sched_i915_submit_4k");

	fprintf(out, "\nscheduler (core/sched.c; 2 ms slices): %s\n",
		"the nvidia-stub copy engine and the i915 render engine");
	sched_line(out, sub <= 1.2,
		   "submission, 64 MiB / 4 KiB workload: %.2f (%.0f / %.0f ns) (target <= 1.20)",
		   sub, ns_of("sched_submit_64m"), ns_of("sched_submit_4k"));
	sched_line(out, isub <= 1.2,
		   "submission (i915 ELSP), 4 blits of 16 MiB / 4 blits of 1 KiB: %.2f (%.0f / %.0f ns) (target <= 1.20)",
		   isub, ns_of("sched_i915_submit_64m"),
		   ns_of("sched_i915_submit_4k"));
	report_policies(out, "", "nvidia-stub", "4 KiB copies");
	report_policies(out, "i915_", "i915", "four 1 KiB blits");
	sched_line(out, ns_of("sched_64_progressed") == 64,
		   "64 vGPUs: %.0f progressed, %.0f decisions, %.1f us per decision (target: all progress)",
		   ns_of("sched_64_progressed"), ns_of("sched_64_decisions"),
		   ns_of("sched_64_overhead_ns") / 1e3);
}

static void report(FILE *out)
{
	double shadow4 = PPGTT_FRAMES / ns_of("shadow_4k") * 1e3;
	double shadow2 = PPGTT_FRAMES / ns_of("shadow_2m") * 1e3;
	char a[16], b[16], c[16], d[16], e[16], f[16], gg[16], h[16];
	unsigned int i;

	nr_met = 0;
	nr_missed = 0;
	fprintf(out, "vmed benchmarks (make bench): core + i915 backend in userspace\n");
	fprintf(out, "(tests/user, gcc -O2) on the fake hypervisor\n");
	fprintf(out, "ns: median of %u samples; Ir: instructions per operation\n",
		SAMPLES);
	fprintf(out, "(callgrind); GVT: GVT-g-style baseline (gvt_base.c);\n");
	fprintf(out, "vmed/GVT < 1: vmed faster; memcpy: the same bytes copied\n");
	fprintf(out, "load average (1 min) at start %s, at end %s, %ld CPUs\n\n",
		load_start, load_end, sysconf(_SC_NPROCESSORS_ONLN));
	fprintf(out, "%-34s %9s %9s | %9s %9s | %7s %7s | %9s %8s\n",
		"operation", "vmed ns", "vmed Ir", "GVT ns", "GVT Ir",
		"ns", "Ir", "memcpy ns", "/memcpy");
	fprintf(out, "%-34s %9s %9s | %9s %9s | %7s %7s | %9s %8s\n", "", "",
		"", "", "", "vmed/GVT", "", "", "");
	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		const struct row *r = &rows[i];
		double vn = ns_of(r->key) / r->per, vi = ir_of(r->key) / r->per;
		double gn = NAN, gi = NAN;
		double cn = r->copy ? ns_of(r->copy) / r->per : NAN;
		char gkey[48];

		if (r->gvt) {
			snprintf(gkey, sizeof(gkey), "gvt_%s", r->key);
			gn = ns_of(gkey) / r->per;
			gi = ir_of(gkey) / r->per;
		}

		fmt_num(a, sizeof(a), vn);
		fmt_num(b, sizeof(b), vi);
		fmt_num(c, sizeof(c), gn);
		fmt_num(d, sizeof(d), gi);
		fmt_ratio(e, sizeof(e), vn, gn);
		fmt_ratio(f, sizeof(f), vi, gi);
		fmt_num(gg, sizeof(gg), cn);
		fmt_ratio(h, sizeof(h), vn, cn);
		fprintf(out, "%-34s %9s %9s | %9s %9s | %7s %7s | %9s %8s\n",
			r->label, a, b, c, d, e, f, gg, h);
	}
	fprintf(out, "\nDMA range invalidation: %u frames per call\n", DMA_RANGE);
	fprintf(out, "PPGTT 1G: %lu 4K entries in %u tables, or 512 2M entries\n",
		PPGTT_FRAMES, PPGTT_TABLES);
	fprintf(out, "PPGTT shadowing, M 4K frames/s: 4K pages %.1f (GVT-style %.1f),",
		shadow4, PPGTT_FRAMES / ns_of("gvt_shadow_4k") * 1e3);
	fprintf(out, " 2M pages %.1f (GVT-style %.1f)\n", shadow2,
		PPGTT_FRAMES / ns_of("gvt_shadow_2m") * 1e3);
	fprintf(out, "bytes per DMA-cache entry: vmed %.1f at 1K, %.1f at 64K, %.1f at 1M;",
		ns_of("dma_bytes_1k"), ns_of("dma_bytes_64k"),
		ns_of("dma_bytes_1m"));
	fprintf(out, " GVT-style %.1f, %.1f, %.1f\n", ns_of("gvt_dma_bytes_1k"),
		ns_of("gvt_dma_bytes_64k"), ns_of("gvt_dma_bytes_1m"));
	fprintf(out, "scale: 64 vGPUs of i915 type \"%s\" (the i915 device fits %u)",
		vmed_i915_vendor.types[scale_type].name, scale_fits);
	fprintf(out, " on one i915 device sized for 64 (%.1f MiB of device state)\n",
		ns_of("scale_device_bytes") / 1048576);
	fprintf(out, "  memory per vGPU: idle %.1f KiB, after its workload %.1f KiB\n",
		ns_of("vgpu_bytes") / 1024, ns_of("vgpu_bytes_busy") / 1024);
	fprintf(out, "  create + attach: median %.1f us, mean %.1f us, max %.1f us\n",
		ns_of("vgpu_create_median") / 1e3, ns_of("vgpu_create") / 1e3,
		ns_of("vgpu_create_max") / 1e3);
	fprintf(out, "  detach + destroy: median %.1f us, mean %.1f us, max %.1f us\n",
		ns_of("vgpu_destroy_median") / 1e3, ns_of("vgpu_destroy") / 1e3,
		ns_of("vgpu_destroy_max") / 1e3);
	fprintf(out, "  medians of the first cycle of 64 and of the 2 later:");
	fprintf(out, " create %.1f / %.1f us, destroy %.1f / %.1f us\n",
		ns_of("vgpu_create_first") / 1e3,
		ns_of("vgpu_create_later") / 1e3,
		ns_of("vgpu_destroy_first") / 1e3,
		ns_of("vgpu_destroy_later") / 1e3);
	fprintf(out, "  instructions per vGPU: create %.0f, workload %.0f, destroy %.0f\n",
		ir_of("vgpu_create"), ir_of("vgpu_workload"),
		ir_of("vgpu_destroy"));

	fprintf(out, "\ntargets (issue 7)\n");
	target(out, ns_of("mmio_read") <= 25 && ns_of("mmio_write") <= 25,
	       "MMIO dispatch <= 25 ns (read %.1f ns, write %.1f ns)",
	       ns_of("mmio_read"), ns_of("mmio_write"));
	fprintf(out, "        (both pay the stand-in lock pair, %.0f Ir: less it, read/write",
		ir_of("mutex_pair"));
	fprintf(out, " vmed %.0f / %.0f Ir, GVT-style %.0f / %.0f Ir)\n",
		ir_of("mmio_read") - ir_of("mutex_pair"),
		ir_of("mmio_write") - ir_of("mutex_pair"),
		ir_of("gvt_mmio_read") - ir_of("mutex_pair"),
		ir_of("gvt_mmio_write") - ir_of("mutex_pair"));
	ratio_target(out, "MMIO read", "mmio_read", "gvt_mmio_read");
	ratio_target(out, "MMIO write", "mmio_write", "gvt_mmio_write");
	target(out, ns_of("ggtt_warm") <= 60 && ns_of("ggtt_warm_64k") <= 60,
	       "warm GGTT write <= 60 ns (%.1f ns with 3 cached frames, %.1f ns with 64K)",
	       ns_of("ggtt_warm"), ns_of("ggtt_warm_64k"));
	ratio_target(out, "warm GGTT write, 3 cached frames", "ggtt_warm",
		     "gvt_ggtt_warm");
	ratio_target(out, "warm GGTT write, 64K cached frames", "ggtt_warm_64k",
		     "gvt_ggtt_warm_64k");
	target(out, shadow4 >= 20,
	       "PPGTT shadowing 4K >= 20 M entries/s (%.1f M/s, cold DMA cache)",
	       shadow4);
	ratio_target(out, "PPGTT shadowing 4K", "shadow_4k", "gvt_shadow_4k");
	target(out, shadow2 >= 20,
	       "PPGTT shadowing 2M >= 20 M 4K frames/s, the 4K GiB/s (%.1f M/s)",
	       shadow2);
	ratio_target(out, "PPGTT shadowing 2M", "shadow_2m", "gvt_shadow_2m");
	target(out, ns_of("dma_lookup_1m") <= 30,
	       "DMA lookup <= 30 ns at 1M entries (random gfns %.1f ns; sequential %.1f ns)",
	       ns_of("dma_lookup_1m"), ns_of("dma_lookup_seq_1m"));
	target(out, ns_of("dma_bytes_1m") <= 64,
	       "DMA cache <= 64 bytes per entry (%.1f at 1M)",
	       ns_of("dma_bytes_1m"));
	ratio_target(out, "DMA lookup at 1M", "dma_lookup_1m", "gvt_dma_lookup_1m");
	target(out, ns_of("vgpu_bytes") <= 1048576,
	       "host kernel memory per idle vGPU <= 1 MiB (%.1f KiB)",
	       ns_of("vgpu_bytes") / 1024);
	target(out, ns_of("vgpu_create_median") <= 1e6,
	       "vGPU create <= 1 ms (median %.1f us; mean %.1f us, max %.1f us)",
	       ns_of("vgpu_create_median") / 1e3, ns_of("vgpu_create") / 1e3,
	       ns_of("vgpu_create_max") / 1e3);
	target(out, ns_of("vgpu_destroy_median") <= 1e6,
	       "vGPU destroy <= 1 ms (median %.1f us; mean %.1f us, max %.1f us)",
	       ns_of("vgpu_destroy_median") / 1e3, ns_of("vgpu_destroy") / 1e3,
	       ns_of("vgpu_destroy_max") / 1e3);

	fprintf(out, "\ntargets: the hot paths at or ahead of the GVT-style baseline %s\n",
		"in instructions");
	hot_target(out, "MMIO read", "mmio_read", 20);
	hot_target(out, "MMIO write", "mmio_write", 20);
	hot_target(out, "GGTT write, warm, 64K-entry cache", "ggtt_warm_64k", 20);
	hot_target(out, "GGTT write, cold, 64K-entry cache", "ggtt_cold_64k", 0);
	hot_target(out, "tracked page-table write", "tracked_write", 0);
	hot_target(out, "interrupt raise -> MSI", "irq", 20);
	hot_target(out, "DMA invalidate, 1M-entry cache, 1G PPGTT shadowed",
		   "dma_inval_ppgtt", 0);
	hot_target(out, "PPGTT teardown", "teardown_4k", 0);
	if (!isnan(ns_of("sched_submit_4k")))
		report_sched(out);
	fprintf(out, "%u met, %u missed\n", nr_met, nr_missed);
}

/* ---- scheduling: core/sched.c driving both vendors' engines ----------- */

/*
 * Each vGPU gets its own small guest: a GPFIFO ring, a page directory whose
 * entries from 2 MiB on are all the same 2 MiB big page (so copies of any
 * size touch few frames), and a pushbuffer page holding three segments:
 * one 4 KiB copy, four 16 MiB copies (64 MiB, the doorbell's budget) and
 * one 1 MiB copy. Work is made of GPFIFO entries naming those segments.
 * The engines' worker is played by this thread (vmed_user_run_work*()).
 */
#define S_FRAMES	2048
enum { S_RING = 10, S_PD = 20, S_PT = 21, S_PB = 30, S_BIG = 512 };
#define S_PB_VA		0x1000ULL
#define S_BIG_VA	SZ_2M
#define S_BIG_PDES	40		/* VA [2 MiB, 82 MiB) */
#define S_ENTRIES	64
#define S_CH0		NVS_CHAN(0)
enum { S_SEG_4K, S_SEG_64M, S_SEG_1M, S_NR_SEGS };
#define S_VGPUS		64

struct s_vgpu {
	struct vmed_vgpu *v;
	struct fake_hv *h;
	u32 put;
	u64 seg_va[S_NR_SEGS];
	u32 seg_dwords[S_NR_SEGS];
};

static struct vmed_vendor s64_vendor;
static struct device s64_dma;

static u32 rd32_nvs(struct vmed_vgpu *v, u64 offset)
{
	u32 val = ~0u;

	check(!vmed_mmio_read(v, 0, offset, &val, 4), "MMIO read %#llx", offset);
	return val;
}

static void s_copy(u32 *pb, unsigned int *n, u64 dst, u64 src, u32 len)
{
	pb[(*n)++] = NVS_MTHD(NVS_M_SET_SRC, 2);
	pb[(*n)++] = lower_32_bits(src);
	pb[(*n)++] = upper_32_bits(src);
	pb[(*n)++] = NVS_MTHD(NVS_M_SET_DST, 2);
	pb[(*n)++] = lower_32_bits(dst);
	pb[(*n)++] = upper_32_bits(dst);
	pb[(*n)++] = NVS_MTHD(NVS_M_SET_LENGTH, 1);
	pb[(*n)++] = len;
	pb[(*n)++] = NVS_MTHD(NVS_M_LAUNCH_COPY, 0);
}

static bool s_setup(struct s_vgpu *s, struct vmed_device *d, unsigned int type,
		    unsigned int weight)
{
	u32 *pb;
	unsigned int i, n = 0, seg;
	u64 index;

	s->h = fake_hv_create(S_FRAMES);
	if (!s->h)
		return false;
	s->v = fake_vgpu_create(d, type, s->h, &fake_hv_ops);
	if (IS_ERR(s->v))
		return false;
	cfg_wr(s->v, PCI_BASE_ADDRESS_0, lower_32_bits(BAR0_GPA), 4);
	cfg_wr(s->v, PCI_BASE_ADDRESS_0 + 4, upper_32_bits(BAR0_GPA), 4);
	cfg_wr(s->v, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
	fake_write64(s->h, S_PD << PAGE_SHIFT, NVS_PTE(S_PT));
	for (i = 1; i <= S_BIG_PDES; i++)
		fake_write64(s->h, (S_PD << PAGE_SHIFT) + i * 8,
			     NVS_PTE(S_BIG) | NVS_PDE_BIG);
	fake_write64(s->h, (S_PT << PAGE_SHIFT) + (S_PB_VA >> PAGE_SHIFT) * 8,
		     NVS_PTE(S_PB));
	pb = fake_frame(s->h, S_PB);
	for (seg = 0; seg < S_NR_SEGS; seg++) {
		unsigned int start = n;

		if (seg == S_SEG_64M)
			for (i = 0; i < 4; i++)
				s_copy(pb, &n, S_BIG_VA + SZ_16M, S_BIG_VA,
				       NVS_COPY_MAX);
		else
			s_copy(pb, &n, S_BIG_VA + SZ_16M, S_BIG_VA,
			       seg == S_SEG_4K ? SZ_4K : SZ_1M);
		s->seg_va[seg] = S_PB_VA + start * 4;
		s->seg_dwords[seg] = n - start;
	}
	index = s->v->gm_base[VMED_GM_MAPPABLE] >> PAGE_SHIFT;
	wr64(s->v, NVS_APT_OFFSET + index * 8, NVS_PTE(S_RING));
	wr64(s->v, S_CH0 + NVS_CH_GPFIFO_BASE, index << PAGE_SHIFT);
	wr32(s->v, S_CH0 + NVS_CH_GPFIFO_ENTRIES, S_ENTRIES);
	wr64(s->v, S_CH0 + NVS_CH_PDB, S_PD << PAGE_SHIFT);
	wr32(s->v, S_CH0 + NVS_CH_CTRL, NVS_CH_CTRL_ENABLE);
	s->put = 0;
	return !vmed_vgpu_set_sched_weight(s->v, weight) &&
	       !rd32_nvs(s->v, S_CH0 + NVS_CH_ERROR);
}

static void s_teardown(struct s_vgpu *s)
{
	if (s->v && !IS_ERR(s->v))
		fake_vgpu_destroy(s->v);
	if (s->h)
		fake_hv_destroy(s->h);
	memset(s, 0, sizeof(*s));
}

/* Put @n entries of segment @seg in the ring (no doorbell). */
static void s_put(struct s_vgpu *s, unsigned int seg, unsigned int n)
{
	u64 *ring = fake_frame(s->h, S_RING);

	while (n--) {
		ring[s->put] = NVS_GP_ENTRY(s->seg_va[seg], s->seg_dwords[seg]);
		s->put = (s->put + 1) % S_ENTRIES;
	}
	wr32(s->v, S_CH0 + NVS_CH_GP_PUT, s->put);
}

static void s_doorbell(struct s_vgpu *s)
{
	wr32(s->v, S_CH0 + NVS_CH_DOORBELL, 1);
}

static unsigned int s_inflight(struct s_vgpu *s)
{
	return (s->put + S_ENTRIES - rd32_nvs(s->v, S_CH0 + NVS_CH_GP_GET)) %
	       S_ENTRIES;
}

/* Play the engines' worker for @ns of wall time, idling as they would. */
static void s_run_for(double ns)
{
	double end = now_ns() + ns;
	struct timespec nap = { 0, 100000 };

	while (now_ns() < end)
		if (!vmed_user_run_work_once())
			nanosleep(&nap, NULL);
}

/*
 * Median cost of the doorbell write that queues one entry of @seg, with
 * the engine busy elsewhere (it runs after the samples, as on another
 * CPU): what the guest's vCPU pays.
 */
static double s_submit_ns(struct s_vgpu *s, unsigned int seg)
{
	double v[31], t0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(v); i++) {
		s_put(s, seg, 1);
		t0 = now_ns();
		s_doorbell(s);
		v[i] = now_ns() - t0;
	}
	vmed_user_run_work();
	return median(v, ARRAY_SIZE(v));
}

/*
 * i915: a big workload is a context whose ring holds four colour blits of
 * 16 MiB each (over 16 MiB of graphics memory all mapped to one frame), a
 * small one a context whose ring holds four of 1 KiB. Contexts rotate over
 * SI_CTXS images, more than are ever in flight at once, so that each is
 * loaded from its image (ring head put back to 0) and not resumed where a
 * queued run of it will end. As i915 does, at most two lists (of one or
 * two contexts) are in flight.
 */
#define SI_CTXS		64
enum {
	SI_RING_BIG = 110, SI_RING_SMALL = 111, SI_BUF = 120, SI_CTX = 199,
	SI_STATE = 200,
};

struct si_vgpu {
	struct vmed_vgpu *v;
	struct fake_hv *h;
	unsigned int next;	/* context image to use next */
	u32 tail[2];		/* bytes of commands: small ring, big ring */
};

static u64 si_gm(struct si_vgpu *si)
{
	return si->v->gm_base[VMED_GM_MAPPABLE];
}

static u32 si_ring(struct si_vgpu *si, bool big)
{
	u64 buf_gm = si_gm(si) + SZ_16M;
	u32 *ring = fake_frame(si->h, big ? SI_RING_BIG : SI_RING_SMALL);
	unsigned int i, n = 0;

	for (i = 0; i < 4; i++) {
		ring[n++] = I915_2D(I915_XY_COLOR_BLT, 7) | I915_BLT_WRITE_RGBA;
		ring[n++] = I915_BLT_DEPTH_32 | I915_BLT_ROP_COLOR_COPY | PAGE_SIZE;
		ring[n++] = 0;
		/* 16 MiB: 4096 rows of 4 KiB; 1 KiB: one row of 256 pixels. */
		ring[n++] = big ? (SZ_16M / PAGE_SIZE) << 16 | PAGE_SIZE / 4 :
				  1 << 16 | 256;
		ring[n++] = lower_32_bits(buf_gm);
		ring[n++] = upper_32_bits(buf_gm);
		ring[n++] = 0x5a5a5a5a;
	}
	ring[n++] = I915_MI(I915_MI_NOOP, 0);
	return n * 4;
}

static bool si_setup(struct si_vgpu *si, unsigned int weight)
{
	u64 gm, buf_gm, lrca;
	unsigned int i;

	si->h = fake_hv_create(S_FRAMES);
	if (!si->h)
		return false;
	si->v = fake_vgpu_create(dev, I915_TYPE_8, si->h, &fake_hv_ops);
	if (IS_ERR(si->v))
		return false;
	cfg_wr(si->v, PCI_BASE_ADDRESS_0, lower_32_bits(BAR0_GPA), 4);
	cfg_wr(si->v, PCI_BASE_ADDRESS_0 + 4, upper_32_bits(BAR0_GPA), 4);
	cfg_wr(si->v, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
	gm = si_gm(si);
	buf_gm = gm + SZ_16M;
	for (i = 0; i < SZ_16M / PAGE_SIZE; i++)
		wr64(si->v, I915_GGTT_OFFSET + ((buf_gm >> PAGE_SHIFT) + i) * 8,
		     gpte(SI_BUF));
	wr64(si->v, I915_GGTT_OFFSET + (gm >> PAGE_SHIFT) * 8, gpte(SI_RING_SMALL));
	wr64(si->v, I915_GGTT_OFFSET + ((gm >> PAGE_SHIFT) + 1) * 8,
	     gpte(SI_RING_BIG));
	for (i = 0; i < SI_CTXS; i++) {
		lrca = gm + SZ_2M + i * 2 * PAGE_SIZE;
		wr64(si->v, I915_GGTT_OFFSET + (lrca >> PAGE_SHIFT) * 8,
		     gpte(SI_CTX));
		wr64(si->v, I915_GGTT_OFFSET + ((lrca >> PAGE_SHIFT) + 1) * 8,
		     gpte(SI_STATE + i));
	}
	si->tail[0] = si_ring(si, false);
	si->tail[1] = si_ring(si, true);
	si->next = 0;
	return !vmed_vgpu_set_sched_weight(si->v, weight);
}

static void si_teardown(struct si_vgpu *si)
{
	if (si->v && !IS_ERR(si->v))
		fake_vgpu_destroy(si->v);
	if (si->h)
		fake_hv_destroy(si->h);
	memset(si, 0, sizeof(*si));
}

/* Load the next context image with the big or the small ring. */
static u64 si_context(struct si_vgpu *si, bool big)
{
	unsigned int i = si->next;
	u64 gm = si_gm(si), lrca = gm + SZ_2M + i * 2 * PAGE_SIZE;
	u32 *state = fake_frame(si->h, SI_STATE + i);

	si->next = (i + 1) % SI_CTXS;
	state[I915_CTX_RING_START] = big ? gm + PAGE_SIZE : gm;
	state[I915_CTX_RING_CTL] = I915_RING_CTL_VALID;
	state[I915_CTX_RING_HEAD] = 0;
	state[I915_CTX_RING_TAIL] = si->tail[big];
	return lrca | I915_CTX_VALID | (u64)(i + 1) << 32;
}

/*
 * Write all but the last ELSP dword of a list of one context (or two);
 * the caller's write of the returned dword submits it.
 */
static u32 si_prepare(struct si_vgpu *si, bool big, bool two)
{
	u64 desc1 = two ? si_context(si, big) : 0, desc0 = si_context(si, big);

	wr32(si->v, I915_ELSP, upper_32_bits(desc1));
	wr32(si->v, I915_ELSP, lower_32_bits(desc1));
	wr32(si->v, I915_ELSP, upper_32_bits(desc0));
	return lower_32_bits(desc0);
}

/* Queue a list: two big contexts, or one small one; not past two lists. */
static bool si_queue(struct si_vgpu *si, bool big)
{
	if (i915_of(si->v)->engine[I915_RCS].lists == I915_MAX_LISTS)
		return false;
	wr32(si->v, I915_ELSP, si_prepare(si, big, big));
	return true;
}

static bool si_ran_clean(struct si_vgpu *si)
{
	return !i915_of(si->v)->stats.workload_errors && !si->v->failed &&
	       ((u32 *)fake_frame(si->h, SI_BUF))[255] == 0x5a5a5a5a;
}

/* The ELSP write that submits a list of one context, timed. */
static double si_submit_one(struct si_vgpu *si, bool big)
{
	u32 last = si_prepare(si, big, false);
	double t0 = now_ns();

	wr32(si->v, I915_ELSP, last);
	return now_ns() - t0;
}

/*
 * The same for i915: the ELSP write that queues a context of four blits,
 * of 1 KiB each (@t[0]) or of 16 MiB each (@t[1]). i915 has at most two
 * lists in flight, so the engine runs them between pairs of samples: a
 * pair is one list of each size, the big one first every other time, so
 * that both see the same engine (idle, or busy with the other) and the
 * same caches after the engine's run.
 */
static void si_submit_ns(struct si_vgpu *si, double *t)
{
	double v[2][SI_CTXS - 1];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(v[0]); i++) {
		vmed_user_run_work();
		v[i & 1][i] = si_submit_one(si, i & 1);
		v[!(i & 1)][i] = si_submit_one(si, !(i & 1));
	}
	vmed_user_run_work();
	check(si_ran_clean(si), "sched: i915 contexts ran their blits");
	t[0] = median(v[0], ARRAY_SIZE(v[0]));
	t[1] = median(v[1], ARRAY_SIZE(v[1]));
}

/*
 * The policy figures drive three vGPUs of one device through their
 * vendor's registers: each can queue a big workload (64 MiB of copies or
 * blits) or a small one (4 KiB), and says how many it has in flight.
 */
#define SB_DEPTH	4	/* big workloads a saturating vGPU keeps queued */
static const unsigned int sb_weights[3] = { 1, 2, 4 };

struct sb_ops {
	const char *name;	/* of the engine, in progress lines */
	const char *prefix;	/* of its figures' keys */
	bool (*queue)(void *s, bool big);	/* false: no room for more */
	unsigned int (*inflight)(void *s);
	struct vmed_vgpu *(*vgpu)(void *s);
};

static bool nvs_sb_queue(void *s, bool big)
{
	s_put(s, big ? S_SEG_64M : S_SEG_4K, 1);
	s_doorbell(s);
	return true;
}

static unsigned int nvs_sb_inflight(void *s)
{
	return s_inflight(s);
}

static struct vmed_vgpu *nvs_sb_vgpu(void *s)
{
	return ((struct s_vgpu *)s)->v;
}

static const struct sb_ops nvs_sb = {
	.name = "nvidia-stub copy engine", .prefix = "",
	.queue = nvs_sb_queue, .inflight = nvs_sb_inflight, .vgpu = nvs_sb_vgpu,
};

static bool i915_sb_queue(void *s, bool big)
{
	return si_queue(s, big);
}

static unsigned int i915_sb_inflight(void *s)
{
	return i915_of(((struct si_vgpu *)s)->v)->engine[I915_RCS].nr;
}

static struct vmed_vgpu *i915_sb_vgpu(void *s)
{
	return ((struct si_vgpu *)s)->v;
}

static const struct sb_ops i915_sb = {
	.name = "i915 render engine", .prefix = "i915_",
	.queue = i915_sb_queue, .inflight = i915_sb_inflight, .vgpu = i915_sb_vgpu,
};

static void sb_set(const struct sb_ops *o, const char *name, double v)
{
	char key[40];

	snprintf(key, sizeof(key), "sched_%s%s", o->prefix, name);
	set_value(key, v);
}

static void sb_saturate(const struct sb_ops *o, void *s)
{
	while (o->inflight(s) < SB_DEPTH && o->queue(s, true))
		;
}

static u64 sb_time(const struct sb_ops *o, void *s)
{
	return o->vgpu(s)->stats.engine_time_ns;
}

/* Fairness: the three saturate the engine for 2 s with weights 1:2:4. */
static void sb_fairness(const struct sb_ops *o, void *s[3])
{
	double start = now_ns(), worst = 0;
	u64 t0[3], dt[3], sum = 0;
	unsigned int i;

	for (i = 0; i < 3; i++)
		t0[i] = sb_time(o, s[i]);
	while (now_ns() - start < 2.1e9) {
		for (i = 0; i < 3; i++)
			sb_saturate(o, s[i]);
		/* The first 100 ms settle the queues; then measure. */
		if (now_ns() - start < 1e8)
			for (i = 0; i < 3; i++)
				t0[i] = sb_time(o, s[i]);
		s_run_for(2e6);
	}
	for (i = 0; i < 3; i++) {
		dt[i] = sb_time(o, s[i]) - t0[i];
		sum += dt[i];
	}
	for (i = 0; i < 3 && sum; i++) {
		double want = sb_weights[i] / 7.0, got = (double)dt[i] / sum;

		worst = max(worst, fabs(got - want) / want);
		fprintf(stderr, "  weight %u: %.1f%% of engine time (%.1f%% due)\n",
			sb_weights[i], got * 100, want * 100);
	}
	sb_set(o, "fair_error", sum ? worst : NAN);
	vmed_user_run_work();
}

/*
 * Noisy neighbour: s[2] saturates, s[1] queues one small workload at a
 * time, equal weights. Each run of the worker is one scheduling decision
 * and slice, and s[1]'s completion is seen at the end of the slice it
 * completed in: the latency is never under-measured. The first 20 samples
 * are left out: they carry the vruntimes of the weights the fairness run
 * had.
 */
static void sb_noisy(const struct sb_ops *o, void *s[3])
{
	static double lat[400], slices[400];
	unsigned int n = 0, gap = 0, warm = 0, ran = 0;
	double start = now_ns(), t_sub = 0;
	bool waiting = false;

	vmed_vgpu_set_sched_weight(o->vgpu(s[1]), 16);
	vmed_vgpu_set_sched_weight(o->vgpu(s[2]), 16);
	while (n < ARRAY_SIZE(lat) && now_ns() - start < 20e9) {
		sb_saturate(o, s[2]);
		if (!waiting && ++gap >= 3) {
			t_sub = now_ns();
			o->queue(s[1], false);
			waiting = true;
			gap = 0;
			ran = 0;
		}
		ran += vmed_user_run_work_once();
		if (waiting && !o->inflight(s[1])) {
			if (warm < 20) {
				warm++;
			} else {
				slices[n] = ran;
				lat[n++] = now_ns() - t_sub;
			}
			waiting = false;
		}
	}
	qsort(lat, n, sizeof(lat[0]), cmp_double);
	qsort(slices, n, sizeof(slices[0]), cmp_double);
	sb_set(o, "noisy_p99_ns", n ? lat[n * 99 / 100] : NAN);
	sb_set(o, "noisy_p99_slices", n ? slices[n * 99 / 100] : NAN);
	sb_set(o, "noisy_samples", n);
	vmed_vgpu_set_sched_weight(o->vgpu(s[1]), sb_weights[1]);
	vmed_vgpu_set_sched_weight(o->vgpu(s[2]), sb_weights[2]);
	vmed_user_run_work();
}

/*
 * Fixed share: the weight-1 vGPU alone for 3 s (30 periods, so the
 * window's edges weigh little). Its share is its weight over that of all
 * the device's vGPUs.
 */
static void sb_fixed_share(const struct sb_ops *o, void *s[3])
{
	struct vmed_vgpu *v = o->vgpu(s[0]);
	struct vmed_device *d = v->dev;
	double share = (double)v->weight / d->total_weight, start, wall;
	u64 t0;

	vmed_device_set_sched_policy(d, VMED_SCHED_FIXED_SHARE);
	fprintf(stderr, "  fixed share: weight-1 vGPU alone for 3 s, share %.1f%%\n",
		share * 100);
	start = now_ns();
	t0 = sb_time(o, s[0]);
	while (now_ns() - start < 3e9) {
		sb_saturate(o, s[0]);
		s_run_for(2e6);
	}
	wall = now_ns() - start;
	fprintf(stderr, "  fixed share: %.1f ms of engine time in %.1f ms\n",
		(sb_time(o, s[0]) - t0) / 1e6, wall / 1e6);
	sb_set(o, "fixed_used", (sb_time(o, s[0]) - t0) / wall / share);
	vmed_device_set_sched_policy(d, VMED_SCHED_BEST_EFFORT);
	vmed_user_run_work();
}

static void sb_policies(const struct sb_ops *o, void *s[3])
{
	fprintf(stderr, "sched: %s\n", o->name);
	sb_fairness(o, s);
	sb_noisy(o, s);
	sb_fixed_share(o, s);
}

static u64 s_time(struct s_vgpu *s)
{
	return s->v->stats.engine_time_ns;
}

static void bench_sched(void)
{
	struct s_vgpu s[3] = {}, *x;
	struct si_vgpu si[3] = {};
	double isub[2];
	void *subject[3];
	struct vmed_device *nd, *xd;
	u64 decisions = 0, engine = 0;
	double start, wall;
	unsigned int i, progressed = 0;

	if (cg_mode)
		return;
	fprintf(stderr, "sched: submission\n");
	if (!check(!vmed_user_nvstub_init(), "nvidia-stub device registered"))
		return;
	nd = fake_hv_device("vmed_nvstub");
	for (i = 0; i < 3; i++)
		if (!check(nd && s_setup(&s[i], nd, NVS_TYPE_1C, sb_weights[i]),
			   "sched: vGPU %u set up", i))
			goto out;
	for (i = 0; i < 3; i++)
		if (!check(si_setup(&si[i], sb_weights[i]),
			   "sched: i915 vGPU %u set up", i))
			goto out;

	/* Submission: the trapped doorbell, 64 MiB of copies or 4 KiB. */
	set_value("sched_submit_4k", s_submit_ns(&s[0], S_SEG_4K));
	set_value("sched_submit_64m", s_submit_ns(&s[0], S_SEG_64M));
	check(!rd32_nvs(s[0].v, S_CH0 + NVS_CH_ERROR) &&
	      s_inflight(&s[0]) == 0, "sched: submitted work ran without error");
	/* And the ELSP write of an i915 context. */
	si_submit_ns(&si[0], isub);
	set_value("sched_i915_submit_4k", isub[0]);
	set_value("sched_i915_submit_64m", isub[1]);

	for (i = 0; i < 3; i++)
		subject[i] = &s[i];
	sb_policies(&nvs_sb, subject);
	check(!rd32_nvs(s[0].v, S_CH0 + NVS_CH_ERROR) &&
	      !rd32_nvs(s[1].v, S_CH0 + NVS_CH_ERROR) &&
	      !rd32_nvs(s[2].v, S_CH0 + NVS_CH_ERROR),
	      "sched: nvidia-stub work ran without error");
	for (i = 0; i < 3; i++)
		subject[i] = &si[i];
	sb_policies(&i915_sb, subject);
	for (i = 0; i < 3; i++)
		check(si_ran_clean(&si[i]), "sched: i915 vGPU %u ran its blits", i);
	for (i = 0; i < 3; i++) {
		s_teardown(&s[i]);
		si_teardown(&si[i]);
	}

	/* 64 vGPUs on a device sized for them, each with 4 small entries. */
	s64_vendor = vmed_nvs_vendor;
	for (i = 0; i < VMED_GM_KINDS; i++)
		s64_vendor.gm_total[i] = S_VGPUS *
			vmed_nvs_vendor.types[NVS_TYPE_1C].gm_size[i];
	s64_vendor.fences = S_VGPUS;
	s64_vendor.pci.bars[0].size = roundup_pow_of_two(NVS_APT_OFFSET +
		((s64_vendor.gm_total[0] + s64_vendor.gm_total[1]) >> PAGE_SHIFT) * 8);
	vmed_user_device_init(&s64_dma, "vmed_nvstub_x64", DMA_BIT_MASK(44));
	xd = vmed_device_register(&s64_vendor, &s64_dma, "vmed_nvstub_x64");
	if (!check(!IS_ERR(xd), "sched: 64-vGPU nvidia-stub device registered"))
		goto out;
	x = calloc(S_VGPUS, sizeof(*x));
	for (i = 0; x && i < S_VGPUS; i++)
		if (!check(s_setup(&x[i], xd, NVS_TYPE_1C, 16),
			   "sched: vGPU %u of 64 set up", i))
			break;
	if (x && i == S_VGPUS) {
		for (i = 0; i < S_VGPUS; i++) {
			s_put(&x[i], S_SEG_4K, 4);
			s_doorbell(&x[i]);
		}
		start = now_ns();
		vmed_user_run_work();
		wall = now_ns() - start;
		for (i = 0; i < S_VGPUS; i++) {
			engine += s_time(&x[i]);
			progressed += s_inflight(&x[i]) == 0 &&
				      x[i].v->stats.wl_completed == 4;
		}
		decisions = xd->engines[0].decisions;
		set_value("sched_64_progressed", progressed);
		set_value("sched_64_decisions", decisions);
		set_value("sched_64_overhead_ns",
			  decisions ? (wall - engine) / decisions : NAN);
	}
	for (i = 0; x && i < S_VGPUS; i++)
		s_teardown(&x[i]);
	free(x);
	vmed_device_unregister(xd);
	vmed_user_device_fini(&s64_dma);
out:
	for (i = 0; i < 3; i++) {
		s_teardown(&s[i]);
		si_teardown(&si[i]);
	}
	vmed_user_nvstub_exit();
}

/* ---- main -------------------------------------------------------------- */

static bool want(const char *group)
{
	return !groups || strstr(groups, group);
}

static int setup(void)
{
	unsigned int first, t;

	if (fake_hv_listen() || vmed_user_i915_init())
		return -1;
	dev = fake_hv_device("vmed_i915");
	hv = fake_hv_create(GUEST_FRAMES);
	hvb = fake_hv_create(GUEST_FRAMES);
	if (!dev || !hv || !hvb)
		return -1;
	/* The type of which the (empty) i915 device holds the most. */
	for (t = 0; t < vmed_i915_vendor.nr_types; t++) {
		if (vmed_type_available(dev, t) > scale_fits) {
			scale_fits = vmed_type_available(dev, t);
			scale_type = t;
		}
	}
	vgpu = fake_vgpu_create(dev, I915_TYPE_8, hv, &fake_hv_ops);
	vb = fake_vgpu_create(dev, I915_TYPE_8, hvb, &fake_hv_ops);
	if (IS_ERR(vgpu) || IS_ERR(vb))
		return -1;
	first = ggtt_index(vb);
	if (gvt_dev_init(&gdev, &vmed_i915_vendor, dev->dma_dev,
			 dev->scratch_dma) ||
	    gvt_vgpu_init(&g, &gdev, vb, first,
			  vb->gm_size[VMED_GM_MAPPABLE] >> PAGE_SHIFT))
		return -1;
	copy_src = aligned_alloc(PAGE_SIZE, PPGTT_TABLES * PAGE_SIZE);
	copy_dst = aligned_alloc(PAGE_SIZE, PPGTT_TABLES * PAGE_SIZE);
	if (!copy_src || !copy_dst)
		return -1;
	memset(copy_src, 1, PPGTT_TABLES * PAGE_SIZE);
	memset(copy_dst, 2, PPGTT_TABLES * PAGE_SIZE);
	return 0;
}

static void teardown(long mem0)
{
	/* The baseline first: it unmaps through vb's hypervisor. */
	gvt_vgpu_fini(&g);
	gvt_dev_fini(&gdev);
	fake_vgpu_destroy(vgpu);
	fake_vgpu_destroy(vb);
	vmed_user_i915_exit();
	fake_hv_unlisten();
	check(!hv->mapped && !hv->tracked_frames && !hvb->mapped &&
	      !hvb->tracked_frames,
	      "nothing left mapped (%lu, %lu) or tracked (%lu, %lu)",
	      hv->mapped, hvb->mapped, hv->tracked_frames, hvb->tracked_frames);
	check(!fake_hv_destroy(hv) && !fake_hv_destroy(hvb),
	      "hypervisors used correctly");
	check(!vmed_user_warnings, "no kernel warnings (%lu)",
	      vmed_user_warnings);
	check(vmed_user_mem_total() == mem0, "all kernel memory freed (%ld)",
	      vmed_user_mem_total() - mem0);
	free(copy_src);
	free(copy_dst);
}

int main(int argc, char **argv)
{
	const char *out_path = NULL, *counts = NULL;
	long mem0 = vmed_user_mem_total();
	int opt;

	while ((opt = getopt(argc, argv, "cg:i:o:")) != -1) {
		switch (opt) {
		case 'g':
			groups = optarg;
			break;
		case 'c':
			cg_mode = true;
			break;
		case 'i':
			counts = optarg;
			break;
		case 'o':
			out_path = optarg;
			break;
		default:
			fprintf(stderr, "usage: %s [-c] [-g groups] [-i counts] [-o report]\n",
				argv[0]);
			return 2;
		}
	}
	if (cg_mode && !BENCH_CALLGRIND) {
		fprintf(stderr, "bench: built without valgrind/callgrind.h\n");
		return 2;
	}
	vmed_user_loglevel = 3;
	read_load(load_start, sizeof(load_start));
	if (setup()) {
		fprintf(stderr, "bench: setting up the environment failed\n");
		return 1;
	}
	fprintf(stderr, "calibration\n");
	measure("mutex_pair", b_mutex, NULL, NULL, 1000000, 1000);
	if (want("mmio"))
		bench_mmio();
	if (want("ggtt"))
		bench_ggtt();
	if (want("ppgtt"))
		bench_ppgtt();
	if (want("dma"))
		bench_dma();
	if (want("irq"))
		bench_irq();
	if (want("scale"))
		bench_scale();
	if (want("sched"))
		bench_sched();
	teardown(mem0);
	read_load(load_end, sizeof(load_end));

	if (!cg_mode) {
		if (counts)
			read_counts(counts);
		report(stdout);
		if (out_path) {
			FILE *f = fopen(out_path, "w");

			if (!f) {
				perror(out_path);
				return 1;
			}
			report(f);
			if (failures)
				fprintf(f, "\n%u sanity check(s) FAILED: invalid numbers\n",
					failures);
			fclose(f);
		}
	}
	if (failures) {
		fprintf(stderr, "bench: %u sanity check(s) failed\n", failures);
		return 1;
	}
	return 0;
}
