// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target "cmd": the i915 command scanner and engine. A fixed scene
 * (context image, ring and batch pages in the GGTT, a 4-level PPGTT with
 * data pages, MSI and the render interrupts enabled) is set up; the input
 * gives the ring's geometry, its contents and the contents of the batch
 * pages, then the context is submitted through ELSP. Encoding: README.
 */
#include <string.h>
#include "../../vendors/i915/i915.h"
#include "fuzz.h"

/* Guest frames of the scene */
enum {
	C_HWSP = 100, C_STATE, C_RING = 110,	/* ring: up to 4 pages */
	C_BUF = 120,				/* GGTT batch/data: 4 pages */
	C_PML4 = 200, C_PDP, C_PD, C_PT,
	C_DATA = 210,				/* PPGTT pages: 8 */
	C_HUGE = 512,				/* a 2 MiB page at 2 MiB */
};

#define RING_PAGES	4
#define BUF_PAGES	4
#define DATA_PAGES	8
#define DATA_VA		0x10000ULL		/* PPGTT VA of C_DATA */
#define CTX_ID		0x17
/* Graphics memory offsets in the vGPU's mappable slice */
#define LRCA		0x10000ULL		/* C_HWSP, then C_STATE */
#define RING_GM		0x20000ULL
#define BUF_GM		0x30000ULL

static void ggtt_map(struct fz *f, u64 gm, u64 gfn)
{
	fz_mmio_write(f, I915_GGTT_OFFSET + (gm >> PAGE_SHIFT) * 8,
		      fz_pte(&vmed_i915_vendor.ggtt_format, gfn, true), 8);
}

static void scene(struct fz *f, u64 gm, bool announce)
{
	const struct vmed_pte_format *fmt = &vmed_i915_vendor.ppgtt_format;
	unsigned int i;

	fz_enable(f);
	ggtt_map(f, gm + LRCA, C_HWSP);
	ggtt_map(f, gm + LRCA + PAGE_SIZE, C_STATE);
	for (i = 0; i < RING_PAGES; i++)
		ggtt_map(f, gm + RING_GM + i * PAGE_SIZE, C_RING + i);
	for (i = 0; i < BUF_PAGES; i++)
		ggtt_map(f, gm + BUF_GM + i * PAGE_SIZE, C_BUF + i);
	fz_write64(f, C_PML4 << PAGE_SHIFT, fz_pte(fmt, C_PDP, true));
	fz_write64(f, C_PDP << PAGE_SHIFT, fz_pte(fmt, C_PD, true));
	fz_write64(f, C_PD << PAGE_SHIFT, fz_pte(fmt, C_PT, true));
	fz_write64(f, (C_PD << PAGE_SHIFT) + 8,
		   fz_pte(fmt, C_HUGE, true) | I915_PTE_PS);
	for (i = 0; i < DATA_PAGES; i++)
		fz_write64(f, (C_PT << PAGE_SHIFT) + (DATA_VA >> 12) * 8 + i * 8,
			   fz_pte(fmt, C_DATA + i, i != DATA_PAGES - 1));
	if (announce)
		fz_ppgtt_announce(f, C_PML4, 0);
	fz_mmio_write(f, I915_GT0_IMR, 0, 4);
	fz_mmio_write(f, I915_GT0_IER, I915_GT_RCS_USER | I915_GT_RCS_CTX_SWITCH,
		      4);
	fz_mmio_write(f, I915_MASTER_IRQ, I915_MASTER_IRQ_CONTROL, 4);
}

static void fill(struct fz *f, struct fz_in *in, u64 first_gfn,
		 unsigned int pages, size_t len)
{
	unsigned int i;

	for (i = 0; i < pages && len; i++) {
		size_t n = min_t(size_t, len, PAGE_SIZE);

		fz_bytes(in, fake_frame(f->ram, first_gfn + i), n);
		len -= n;
	}
}

int fz_test_one_input(const u8 *data, size_t size)
{
	struct fz_in in = { data, size };
	struct fz f;
	u8 flags = fz_u8(&in), pages = (flags >> 1) % RING_PAGES + 1;
	u16 head = fz_u16(&in), tail = fz_u16(&in);
	u16 ring_len = fz_u16(&in), buf_len = fz_u16(&in);
	u32 *state;
	u64 gm, lrca, desc;

	fz_begin(&f, FZ_I915, false, true);
	gm = f.vgpu->gm_base[VMED_GM_MAPPABLE];
	lrca = gm + LRCA;
	scene(&f, gm, flags & 1);
	state = fake_frame(f.ram, C_STATE);
	state[I915_CTX_RING_START] = gm + RING_GM;
	state[I915_CTX_RING_CTL] = I915_RING_CTL_VALID |
				   ((pages - 1) << 12);
	state[I915_CTX_PDP0_LDW] = C_PML4 << PAGE_SHIFT;
	state[I915_CTX_RING_HEAD] = head;
	state[I915_CTX_RING_TAIL] = tail;
	if (flags & 0x80)
		/* The rest of the context image too. */
		fz_bytes(&in, state, I915_CTX_STATE_DWORDS * 4);
	fill(&f, &in, C_RING, pages, ring_len);
	fill(&f, &in, C_BUF, BUF_PAGES, buf_len);
	fill(&f, &in, C_DATA, DATA_PAGES, in.left);

	desc = lrca | I915_CTX_VALID | (u64)CTX_ID << 32 |
	       ((flags & 0x40 ? 0 : I915_CTX_MODE_LEGACY_64)
		<< I915_CTX_MODE_SHIFT);
	fz_mmio_write(&f, I915_ELSP, 0, 4);
	fz_mmio_write(&f, I915_ELSP, 0, 4);
	fz_mmio_write(&f, I915_ELSP, upper_32_bits(desc), 4);
	fz_mmio_write(&f, I915_ELSP, lower_32_bits(desc), 4);
	fz_check(&f);
	if (flags & 0x20) {
		/* Again, with whatever the first run left in memory. */
		fz_mmio_write(&f, I915_ELSP, upper_32_bits(desc), 4);
		fz_mmio_write(&f, I915_ELSP, lower_32_bits(desc), 4);
	}
	fz_end(&f);
	return 0;
}
