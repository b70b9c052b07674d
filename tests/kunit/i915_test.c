// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for vendors/i915: the Gen9 vGPU driven as a guest driver
 * would, through trapped MMIO and config accesses and fake guest memory.
 * The guest reads PVINFO, programs GGTT entries for a context image, a ring
 * and buffers, builds a 4-level PPGTT and announces it, enables interrupts
 * and MSI, and submits through ELSP; then the tests look at interrupts, the
 * CSB, the context image and the bytes in guest frames. The hostile cases
 * check that a refused workload writes nothing, is counted and reported,
 * and leaves the vGPU usable.
 */
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/pci_regs.h>
#include "fake_hv.h"
#include "../../vendors/i915/i915.h"

#define PTE(gfn)	(((u64)(gfn) << PAGE_SHIFT) | I915_PTE_PRESENT | I915_PTE_RW)

/* Guest frames */
#define GFN_HWSP	100
#define GFN_STATE	101
#define GFN_RING	110
#define GFN_BUF		120
#define GFN_SRC		121
#define GFN_DST		122
#define GFN_PML4	200
#define GFN_PDP		201
#define GFN_PD		202
#define GFN_PT		203
#define GFN_BATCH	210
#define GFN_PDATA	211
#define GFN_HUGE	512	/* 2 MiB aligned: 512 frames */

/* Graphics memory (the first vGPU's mappable slice starts at 0) */
#define GM_LRCA		0x10000
#define GM_RING		0x20000
#define GM_BUF		0x30000
#define GM_SRC		0x31000
#define GM_DST		0x32000

/* PPGTT addresses */
#define VA_BATCH	0x0
#define VA_DATA		0x1000
#define VA_HUGE		0x200000

#define CTX_ID		0x42
#define MSI_ADDR	0x00000000fee01000ULL
#define MSI_DATA	0x4031
#define EVENTS		((u32)(I915_GT_RCS_USER | I915_GT_RCS_CTX_SWITCH))

struct guest {
	struct kunit *test;
	struct fake_env *env;
	struct vmed_vgpu *vgpu;
	u32 *ring;
	u32 *state;
	u32 *batch;
	unsigned int len;	/* ring dwords */
	unsigned int blen;	/* batch dwords */
};

static u32 rd(struct guest *g, u32 offset)
{
	return tv_read32(g->test, g->vgpu, offset);
}

static void wr(struct guest *g, u32 offset, u32 val)
{
	tv_write32(g->test, g->vgpu, offset, val);
}

static void ggtt_set(struct guest *g, u64 gm, u64 gfn)
{
	tv_write64(g->test, g->vgpu, I915_GGTT_OFFSET + (gm >> PAGE_SHIFT) * 8,
		   PTE(gfn));
}

static u32 *frame(struct guest *g, u64 gfn)
{
	return fake_frame(&g->env->hv, gfn);
}

static struct i915_vgpu *iv(struct guest *g)
{
	return g->vgpu->vendor_data;
}

static void emit(struct guest *g, u32 dw)
{
	g->ring[g->len++] = dw;
}

static void bemit(struct guest *g, u32 dw)
{
	g->batch[g->blen++] = dw;
}

/* Context image, ring and GGTT buffers, as a guest driver sets them up. */
static void guest_ggtt(struct guest *g)
{
	ggtt_set(g, GM_LRCA, GFN_HWSP);
	ggtt_set(g, GM_LRCA + PAGE_SIZE, GFN_STATE);
	ggtt_set(g, GM_RING, GFN_RING);
	ggtt_set(g, GM_BUF, GFN_BUF);
	ggtt_set(g, GM_SRC, GFN_SRC);
	ggtt_set(g, GM_DST, GFN_DST);
	g->state[I915_CTX_RING_START] = GM_RING;
	g->state[I915_CTX_RING_CTL] = I915_RING_CTL_VALID;	/* one page */
	g->state[I915_CTX_PDP0_LDW] = GFN_PML4 << PAGE_SHIFT;
	g->state[I915_CTX_PDP0_UDW] = 0;
}

/* A 4-level PPGTT: batch and data pages, and one 2 MiB page. */
static void guest_ppgtt(struct guest *g, u64 root)
{
	struct fake_hv *hv = &g->env->hv;

	fake_write_entry(hv, GFN_PML4 << PAGE_SHIFT, PTE(GFN_PDP));
	fake_write_entry(hv, GFN_PDP << PAGE_SHIFT, PTE(GFN_PD));
	fake_write_entry(hv, GFN_PD << PAGE_SHIFT, PTE(GFN_PT));
	fake_write_entry(hv, (GFN_PD << PAGE_SHIFT) + 8,
			 PTE(GFN_HUGE) | I915_PTE_PS);
	fake_write_entry(hv, GFN_PT << PAGE_SHIFT, PTE(GFN_BATCH));
	fake_write_entry(hv, (GFN_PT << PAGE_SHIFT) + 8, PTE(GFN_PDATA));
	wr(g, I915_PV_PDP_LO(0), lower_32_bits(root));
	wr(g, I915_PV_PDP_HI(0), upper_32_bits(root));
	wr(g, I915_PV_G2V_NOTIFY, I915_G2V_PPGTT_L4_CREATE);
}

static void guest_irqs(struct guest *g, u32 imr)
{
	struct vmed_vgpu *vgpu = g->vgpu;

	tv_cfg_write32(g->test, vgpu, I915_MSI_CAP + PCI_MSI_ADDRESS_LO,
		       lower_32_bits(MSI_ADDR));
	tv_cfg_write32(g->test, vgpu, I915_MSI_CAP + PCI_MSI_ADDRESS_HI,
		       upper_32_bits(MSI_ADDR));
	tv_cfg_write16(g->test, vgpu, I915_MSI_CAP + PCI_MSI_DATA_64, MSI_DATA);
	tv_cfg_write16(g->test, vgpu, I915_MSI_CAP + PCI_MSI_FLAGS,
		       PCI_MSI_FLAGS_ENABLE);
	wr(g, I915_GT0_IMR, imr);
	wr(g, I915_GT0_IER, EVENTS);
	wr(g, I915_MASTER_IRQ, I915_MASTER_IRQ_CONTROL);
}

static struct guest *guest_create(struct kunit *test)
{
	struct guest *g = kunit_kzalloc(test, sizeof(*g), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, g);
	g->test = test;
	g->env = fake_env_create_vendor(test, &vmed_i915_vendor, I915_TYPE_8);
	g->vgpu = g->env->vgpu;
	g->ring = frame(g, GFN_RING);
	g->state = frame(g, GFN_STATE);
	g->batch = frame(g, GFN_BATCH);
	guest_ggtt(g);
	guest_ppgtt(g, GFN_PML4 << PAGE_SHIFT);
	guest_irqs(g, ~EVENTS);
	return g;
}

static u64 desc_of(u64 lrca)
{
	return lrca | I915_CTX_VALID |
	       (I915_CTX_MODE_LEGACY_64 << I915_CTX_MODE_SHIFT) |
	       (u64)CTX_ID << 32;
}

/* Submit element 0 and wait for the engine to be done with it. */
/* Element 0 of a new list (element 1 invalid), as i915 writes it. */
static void elsp_write(struct guest *g, u64 desc)
{
	wr(g, I915_ELSP, 0);
	wr(g, I915_ELSP, 0);
	wr(g, I915_ELSP, upper_32_bits(desc));
	wr(g, I915_ELSP, lower_32_bits(desc));
}

/* ... and wait for it to be done. */
static void elsp_submit(struct guest *g, u64 desc)
{
	elsp_write(g, desc);
	vmed_sched_wait_idle(g->vgpu);
}

static void submit(struct guest *g)
{
	g->state[I915_CTX_RING_HEAD] = 0;
	g->state[I915_CTX_RING_TAIL] = g->len * 4;
	elsp_submit(g, desc_of(GM_LRCA));
}

static void sdi(u32 *buf, unsigned int *n, bool ggtt, u64 addr, u32 val)
{
	buf[(*n)++] = I915_MI(I915_MI_STORE_DATA_IMM, 2) |
		      (ggtt ? I915_MI_USE_GGTT : 0);
	buf[(*n)++] = lower_32_bits(addr);
	buf[(*n)++] = upper_32_bits(addr);
	buf[(*n)++] = val;
}

static void color_blt(struct guest *g, u64 dst, u32 pitch, u32 x1, u32 y1,
		      u32 x2, u32 y2, u32 color)
{
	emit(g, I915_2D(I915_XY_COLOR_BLT, 7) | I915_BLT_WRITE_RGBA);
	emit(g, I915_BLT_DEPTH_32 | I915_BLT_ROP_COLOR_COPY | pitch);
	emit(g, y1 << 16 | x1);
	emit(g, y2 << 16 | x2);
	emit(g, lower_32_bits(dst));
	emit(g, upper_32_bits(dst));
	emit(g, color);
}

static void bb_start(u32 *buf, unsigned int *n, bool ppgtt, u64 addr)
{
	buf[(*n)++] = I915_MI(I915_MI_BATCH_BUFFER_START, 1) |
		      (ppgtt ? I915_MI_BB_PPGTT : 0);
	buf[(*n)++] = lower_32_bits(addr);
	buf[(*n)++] = upper_32_bits(addr);
}

/* The marker store every hostile ring starts with: it must not land. */
static void marker(struct guest *g)
{
	sdi(g->ring, &g->len, true, GM_BUF, 0x5a5a5a5a);
}

static void expect_refused(struct guest *g, enum i915_wl_error err)
{
	struct kunit *test = g->test;
	u32 wp = rd(g, I915_CSB_PTR) & I915_CSB_WRITE_MASK;

	KUNIT_EXPECT_EQ(test, iv(g)->stats.by_error[err], 1);
	KUNIT_EXPECT_EQ(test, iv(g)->stats.workload_errors, 1);
	KUNIT_EXPECT_EQ(test, iv(g)->last_error, err);
	KUNIT_EXPECT_EQ(test, iv(g)->stats.cmds, 0);
	KUNIT_EXPECT_TRUE(test, rd(g, I915_CSB(wp)) & I915_CSB_ERROR);
	KUNIT_EXPECT_TRUE(test, rd(g, I915_EXECLIST_STATUS_LO) &
				I915_EXECLIST_ERROR);
	/* Nothing executed; the guest is told and the vGPU lives on. */
	KUNIT_EXPECT_EQ(test, frame(g, GFN_BUF)[0], 0);
	KUNIT_EXPECT_FALSE(test, g->vgpu->failed);
	KUNIT_EXPECT_EQ(test, g->vgpu->stats.failures, 0);
}

static void i915_pci_identity(struct kunit *test)
{
	struct guest *g = guest_create(test);

	KUNIT_EXPECT_EQ(test, tv_cfg_read16(test, g->vgpu, PCI_VENDOR_ID), 0x8086);
	KUNIT_EXPECT_EQ(test, tv_cfg_read16(test, g->vgpu, PCI_DEVICE_ID), 0x1912);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, g->vgpu, PCI_CLASS_REVISION) >> 8,
			0x030000);
	KUNIT_EXPECT_TRUE(test, g->vgpu->msi.enabled);
}

static void i915_pvinfo(struct kunit *test)
{
	struct guest *g = guest_create(test);
	struct vmed_vgpu *vgpu = g->vgpu;
	unsigned int i;

	KUNIT_EXPECT_EQ(test, tv_read64(test, vgpu, I915_PV_MAGIC), I915_VGT_MAGIC);
	KUNIT_EXPECT_EQ(test, rd(g, I915_PV_VERSION) & 0xffff, 1);
	KUNIT_EXPECT_EQ(test, rd(g, I915_PV_VERSION) >> 16, 0);
	KUNIT_EXPECT_TRUE(test, rd(g, I915_PV_CAPS) & I915_VGT_CAPS_FULL_PPGTT);
	KUNIT_EXPECT_EQ(test, rd(g, I915_PV_VGT_ID), vgpu->id + 1);
	KUNIT_EXPECT_EQ(test, rd(g, I915_PV_MAPPABLE_BASE),
			vgpu->gm_base[VMED_GM_MAPPABLE]);
	KUNIT_EXPECT_EQ(test, rd(g, I915_PV_MAPPABLE_SIZE), SZ_64M);
	KUNIT_EXPECT_EQ(test, rd(g, I915_PV_HIDDEN_BASE),
			vgpu->gm_base[VMED_GM_HIDDEN]);
	KUNIT_EXPECT_GE(test, rd(g, I915_PV_HIDDEN_BASE), I915_GM_MAPPABLE);
	KUNIT_EXPECT_EQ(test, rd(g, I915_PV_HIDDEN_SIZE), SZ_128M + SZ_64M);
	KUNIT_EXPECT_EQ(test, rd(g, I915_PV_FENCE_NUM), 4);
	/* The host half is read-only. */
	tv_write64(test, vgpu, I915_PV_MAGIC, 0);
	wr(g, I915_PV_MAPPABLE_SIZE, 0);
	KUNIT_EXPECT_EQ(test, tv_read64(test, vgpu, I915_PV_MAGIC), I915_VGT_MAGIC);
	KUNIT_EXPECT_EQ(test, rd(g, I915_PV_MAPPABLE_SIZE), SZ_64M);
	/* The guest half keeps what the guest wrote. */
	wr(g, I915_PV_DISPLAY_READY, 1);
	KUNIT_EXPECT_EQ(test, rd(g, I915_PV_DISPLAY_READY), 1);
	KUNIT_EXPECT_EQ(test, iv(g)->nr_ppgtt, 1);
	KUNIT_EXPECT_EQ(test, iv(g)->stats.g2v_errors, 0);
	/* Destroy drops it; a second destroy is refused, not fatal. */
	wr(g, I915_PV_G2V_NOTIFY, I915_G2V_PPGTT_L4_DESTROY);
	KUNIT_EXPECT_EQ(test, iv(g)->nr_ppgtt, 0);
	wr(g, I915_PV_G2V_NOTIFY, I915_G2V_PPGTT_L4_DESTROY);
	KUNIT_EXPECT_EQ(test, iv(g)->stats.g2v_errors, 1);
	wr(g, I915_PV_G2V_NOTIFY, I915_G2V_EXECLIST_CTX_CREATE);
	KUNIT_EXPECT_EQ(test, iv(g)->stats.g2v_errors, 1);
	/* The list is bounded; teardown releases what is left on it. */
	for (i = 0; i <= I915_MAX_PPGTTS; i++)
		wr(g, I915_PV_G2V_NOTIFY, I915_G2V_PPGTT_L4_CREATE);
	KUNIT_EXPECT_EQ(test, iv(g)->nr_ppgtt, I915_MAX_PPGTTS);
	KUNIT_EXPECT_EQ(test, iv(g)->stats.g2v_errors, 2);
	KUNIT_EXPECT_FALSE(test, vgpu->failed);
}

static void i915_misc_registers(struct kunit *test)
{
	struct guest *g = guest_create(test);

	/* Forcewake: the ack follows the masked request. */
	KUNIT_EXPECT_EQ(test, rd(g, I915_FORCEWAKE_ACK_RENDER), 0);
	wr(g, I915_FORCEWAKE_RENDER, 0x00010001);
	KUNIT_EXPECT_EQ(test, rd(g, I915_FORCEWAKE_ACK_RENDER), 1);
	wr(g, I915_FORCEWAKE_GT, 0x00010001);
	KUNIT_EXPECT_EQ(test, rd(g, I915_FORCEWAKE_ACK_GT), 1);
	KUNIT_EXPECT_EQ(test, rd(g, I915_FORCEWAKE_ACK_MEDIA), 0);
	wr(g, I915_FORCEWAKE_RENDER, 0x00010000);
	KUNIT_EXPECT_EQ(test, rd(g, I915_FORCEWAKE_ACK_RENDER), 0);
	/* Fences: 4 of them for this type; the rest read 0. */
	tv_write64(test, g->vgpu, I915_FENCE(3), 0x12345000abcde001ULL);
	KUNIT_EXPECT_EQ(test, tv_read64(test, g->vgpu, I915_FENCE(3)),
			0x12345000abcde001ULL);
	tv_write64(test, g->vgpu, I915_FENCE(4), 0x12345000abcde001ULL);
	wr(g, I915_FENCE(31) + 4, 0x1234);
	KUNIT_EXPECT_EQ(test, tv_read64(test, g->vgpu, I915_FENCE(4)), 0);
	KUNIT_EXPECT_EQ(test, tv_read64(test, g->vgpu, I915_FENCE(31)), 0);
	/* Device information is read-only. */
	wr(g, I915_RP_STATE_CAP, 0);
	KUNIT_EXPECT_EQ(test, rd(g, I915_RP_STATE_CAP), I915_RP_STATE_CAP_VAL);
}

static void i915_aperture(struct kunit *test)
{
	struct guest *g = guest_create(test);
	u32 val = 0x600dcafe, got = 0;

	KUNIT_EXPECT_EQ(test, vmed_mmio_write(g->vgpu, 1, GM_BUF + 8, &val, 4), 0);
	KUNIT_EXPECT_EQ(test, frame(g, GFN_BUF)[2], val);
	KUNIT_EXPECT_EQ(test, vmed_mmio_read(g->vgpu, 1, GM_BUF + 8, &got, 4), 0);
	KUNIT_EXPECT_EQ(test, got, val);
	/* Beyond the slice, and a slice page the guest never mapped. */
	KUNIT_EXPECT_EQ(test, vmed_mmio_write(g->vgpu, 1, SZ_64M, &val, 4),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vmed_mmio_read(g->vgpu, 1, GM_BUF + SZ_1M, &got, 4),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, iv(g)->stats.aperture_errors, 2);
}

/* The whole guest flow: every command of the subset, interrupts, CSB. */
static void i915_workload(struct kunit *test)
{
	struct guest *g = guest_create(test);
	u32 *buf = frame(g, GFN_BUF), *src = frame(g, GFN_SRC);
	u32 *dst = frame(g, GFN_DST), *huge = frame(g, GFN_HUGE + 3);
	unsigned int x, y, i;

	for (i = 0; i < PAGE_SIZE / 4; i++)
		src[i] = 0x1000 + i;
	wr(g, I915_HWS_PGA, GM_LRCA);

	sdi(g->ring, &g->len, true, GM_BUF, 0xdeadbeef);
	emit(g, I915_MI(I915_MI_LOAD_REGISTER_IMM, 1));
	emit(g, I915_CS_GPR(2));
	emit(g, 0x77);
	color_blt(g, GM_BUF + 0x100, 64, 2, 1, 6, 3, 0x11223344);
	emit(g, I915_2D(I915_XY_SRC_COPY_BLT, 10) | I915_BLT_WRITE_RGBA);
	emit(g, I915_BLT_DEPTH_32 | I915_BLT_ROP_SRC_COPY | 128);
	emit(g, 0);			/* dst (0, 0) .. (3, 2) */
	emit(g, 2 << 16 | 3);
	emit(g, GM_DST);
	emit(g, 0);
	emit(g, 1 << 16 | 1);		/* src (1, 1) */
	emit(g, 128);
	emit(g, GM_SRC);
	emit(g, 0);
	bb_start(g->ring, &g->len, true, VA_BATCH);
	emit(g, I915_MI(I915_MI_USER_INTERRUPT, 0));
	emit(g, I915_MI(I915_MI_NOOP, 0));

	sdi(g->batch, &g->blen, false, VA_DATA + 0x40, 0xcafef00d);
	bemit(g, I915_MI(I915_MI_STORE_DATA_IMM, 3) | I915_MI_SDI_QWORD);
	bemit(g, VA_HUGE + 3 * PAGE_SIZE + 8);
	bemit(g, 0);
	bemit(g, 0x11111111);
	bemit(g, 0x22222222);
	bemit(g, I915_MI(I915_MI_BATCH_BUFFER_END, 0));

	KUNIT_ASSERT_EQ(test, g->env->hv.msis, 0);
	submit(g);

	KUNIT_EXPECT_EQ(test, iv(g)->stats.workloads, 1);
	KUNIT_EXPECT_EQ(test, iv(g)->stats.workload_errors, 0);
	KUNIT_EXPECT_EQ(test, iv(g)->stats.cmds, 7);
	/* Stores: GGTT, PPGTT through a 4 KiB and a 2 MiB page. */
	KUNIT_EXPECT_EQ(test, buf[0], 0xdeadbeef);
	KUNIT_EXPECT_EQ(test, frame(g, GFN_PDATA)[0x10], 0xcafef00d);
	KUNIT_EXPECT_EQ(test, huge[2], 0x11111111);
	KUNIT_EXPECT_EQ(test, huge[3], 0x22222222);
	KUNIT_EXPECT_EQ(test, rd(g, I915_CS_GPR(2)), 0x77);
	/* Colour fill: rows 1-2, columns 2-5 of a 64-byte pitch surface. */
	for (y = 0; y < 4; y++)
		for (x = 0; x < 16; x++)
			KUNIT_EXPECT_EQ(test, buf[(0x100 + y * 64) / 4 + x],
					(y >= 1 && y < 3 && x >= 2 && x < 6) ?
					0x11223344 : 0);
	/* Copy: 3x2 pixels from (1, 1) to (0, 0), pitch 128. */
	for (y = 0; y < 3; y++)
		for (x = 0; x < 4; x++)
			KUNIT_EXPECT_EQ(test, dst[y * 32 + x],
					(y < 2 && x < 3) ?
					src[(y + 1) * 32 + x + 1] : 0);
	/* Interrupts, CSB (MMIO and HWSP mirror), context image. */
	KUNIT_EXPECT_EQ(test, rd(g, I915_GT0_IIR), EVENTS);
	/* One MSI per event: the list's start, the user interrupt, its end. */
	KUNIT_EXPECT_EQ(test, g->env->hv.msis, 3);
	KUNIT_EXPECT_EQ(test, g->env->hv.msi_addr, MSI_ADDR);
	KUNIT_EXPECT_EQ(test, g->env->hv.msi_data, MSI_DATA);
	/* The list started (IDLE_ACTIVE, no context), then it ended. */
	KUNIT_EXPECT_EQ(test, rd(g, I915_CSB_PTR) & I915_CSB_WRITE_MASK, 1);
	KUNIT_EXPECT_EQ(test, rd(g, I915_CSB(0)), I915_CSB_IDLE_ACTIVE);
	KUNIT_EXPECT_EQ(test, rd(g, I915_CSB(0) + 4), 0);
	KUNIT_EXPECT_EQ(test, rd(g, I915_CSB(1)),
			I915_CSB_COMPLETE | I915_CSB_ACTIVE_IDLE);
	KUNIT_EXPECT_EQ(test, rd(g, I915_CSB(1) + 4), CTX_ID);
	KUNIT_EXPECT_EQ(test, frame(g, GFN_HWSP)[I915_HWS_CSB_BUF0],
			I915_CSB_IDLE_ACTIVE);
	KUNIT_EXPECT_EQ(test, frame(g, GFN_HWSP)[I915_HWS_CSB_BUF0 + 2],
			I915_CSB_COMPLETE | I915_CSB_ACTIVE_IDLE);
	KUNIT_EXPECT_EQ(test, frame(g, GFN_HWSP)[I915_HWS_CSB_BUF0 + 3], CTX_ID);
	KUNIT_EXPECT_EQ(test, frame(g, GFN_HWSP)[I915_HWS_CSB_WRITE], 1);
	KUNIT_EXPECT_EQ(test, rd(g, I915_EXECLIST_STATUS_LO), 0);
	KUNIT_EXPECT_EQ(test, rd(g, I915_EXECLIST_STATUS_HI), CTX_ID);
	KUNIT_EXPECT_EQ(test, g->state[I915_CTX_RING_HEAD], g->len * 4);
	KUNIT_EXPECT_EQ(test, rd(g, I915_RING_HEAD), g->len * 4);

	/* The guest acknowledges; a second workload lands in entries 2, 3. */
	wr(g, I915_GT0_IIR, EVENTS);
	g->len = 0;
	emit(g, I915_MI(I915_MI_USER_INTERRUPT, 0));
	emit(g, I915_MI(I915_MI_NOOP, 0));
	g->state[I915_CTX_RING_HEAD] = 0;
	g->state[I915_CTX_RING_TAIL] = 8;
	elsp_submit(g, desc_of(GM_LRCA));
	KUNIT_EXPECT_EQ(test, rd(g, I915_CSB_PTR) & I915_CSB_WRITE_MASK, 3);
	KUNIT_EXPECT_EQ(test, rd(g, I915_CSB(2)), I915_CSB_IDLE_ACTIVE);
	KUNIT_EXPECT_EQ(test, rd(g, I915_CSB(3)),
			I915_CSB_COMPLETE | I915_CSB_ACTIVE_IDLE);
	KUNIT_EXPECT_EQ(test, rd(g, I915_GT0_IIR), EVENTS);
	KUNIT_EXPECT_EQ(test, g->env->hv.msis, 6);
}

static void i915_two_elements(struct kunit *test)
{
	struct guest *g = guest_create(test);
	u64 desc = desc_of(GM_LRCA);

	sdi(g->ring, &g->len, true, GM_BUF, 1);
	g->state[I915_CTX_RING_TAIL] = g->len * 4;
	/* Element 1 is the same context: its ring is empty by then. */
	wr(g, I915_ELSP, upper_32_bits(desc));
	wr(g, I915_ELSP, lower_32_bits(desc));
	wr(g, I915_ELSP, upper_32_bits(desc));
	wr(g, I915_ELSP, lower_32_bits(desc));
	vmed_sched_wait_idle(g->vgpu);
	KUNIT_EXPECT_EQ(test, iv(g)->stats.workloads, 2);
	KUNIT_EXPECT_EQ(test, rd(g, I915_CSB(0)), I915_CSB_IDLE_ACTIVE);
	KUNIT_EXPECT_EQ(test, rd(g, I915_CSB(1)),
			I915_CSB_COMPLETE | I915_CSB_ELEMENT_SWITCH);
	KUNIT_EXPECT_EQ(test, rd(g, I915_CSB(2)),
			I915_CSB_COMPLETE | I915_CSB_ACTIVE_IDLE);
	KUNIT_EXPECT_EQ(test, frame(g, GFN_BUF)[0], 1);
	/* A context switch per CSB entry. */
	KUNIT_EXPECT_EQ(test, g->env->hv.msis, 3);
}

static void i915_bad_opcode(struct kunit *test)
{
	struct guest *g = guest_create(test);

	marker(g);
	emit(g, I915_MI(0x26, 1));	/* MI_FLUSH_DW: not in the subset */
	emit(g, 0);
	emit(g, 0);
	submit(g);
	expect_refused(g, I915_WL_BAD_OPCODE);
	/* The ring was consumed, the guest can go on. */
	KUNIT_EXPECT_EQ(test, g->state[I915_CTX_RING_HEAD], g->len * 4);
	KUNIT_EXPECT_EQ(test, rd(g, I915_GT0_IIR), I915_GT_RCS_CTX_SWITCH);
	KUNIT_EXPECT_EQ(test, g->env->hv.msis, 2);
}

static void i915_bad_lri(struct kunit *test)
{
	struct guest *g = guest_create(test);

	marker(g);
	emit(g, I915_MI(I915_MI_LOAD_REGISTER_IMM, 3));
	emit(g, I915_CS_GPR(0));
	emit(g, 1);
	emit(g, I915_GT0_IMR);		/* privileged */
	emit(g, 0);
	emit(g, I915_MI(I915_MI_NOOP, 0));
	submit(g);
	expect_refused(g, I915_WL_BAD_LRI);
	KUNIT_EXPECT_EQ(test, rd(g, I915_CS_GPR(0)), 0);
	KUNIT_EXPECT_EQ(test, rd(g, I915_GT0_IMR), ~EVENTS);
}

static void pipe_control(struct guest *g, u32 flags, u64 addr, u64 data)
{
	emit(g, I915_PIPE_CONTROL);
	emit(g, flags);
	emit(g, lower_32_bits(addr));
	emit(g, upper_32_bits(addr));
	emit(g, lower_32_bits(data));
	emit(g, upper_32_bits(data));
}

/*
 * i915's flushes and breadcrumbs: flush-only PIPE_CONTROLs do nothing,
 * a post-sync immediate write stores a qword (GGTT, the context's status
 * page, or the PPGTT), notify raises the user interrupt.
 */
static void i915_pipe_control(struct kunit *test)
{
	struct guest *g = guest_create(test);
	u64 *buf = (u64 *)frame(g, GFN_BUF), *pphwsp = (u64 *)frame(g, GFN_HWSP);

	/* i915's own: the null one, then a flush with a scratch write. */
	pipe_control(g, 0, 0, 0);
	pipe_control(g, 0x00344c1c, 0xd0, 0);
	pipe_control(g, I915_PC_WRITE_IMM | I915_PC_GLOBAL_GTT, GM_BUF + 8,
		     0x1122334455667788ULL);
	pipe_control(g, I915_PC_WRITE_IMM | I915_PC_STORE_INDEX, 0x100,
		     0x99);
	emit(g, I915_MI(I915_MI_ARB_ON_OFF, 0));
	bb_start(g->ring, &g->len, true, VA_BATCH);
	emit(g, I915_MI(I915_MI_ARB_ON_OFF, 1));
	emit(g, I915_MI(I915_MI_ARB_CHECK, 0));
	/* In a PPGTT batch, without GLOBAL_GTT: a PPGTT address; notify. */
	g->batch[g->blen++] = I915_PIPE_CONTROL;
	g->batch[g->blen++] = I915_PC_WRITE_IMM | I915_PC_NOTIFY;
	g->batch[g->blen++] = VA_DATA + 0x80;
	g->batch[g->blen++] = 0;
	g->batch[g->blen++] = 0xabcd;
	g->batch[g->blen++] = 0;
	bemit(g, I915_MI(I915_MI_BATCH_BUFFER_END, 0));
	submit(g);

	KUNIT_EXPECT_EQ(test, iv(g)->stats.workload_errors, 0);
	KUNIT_EXPECT_EQ(test, buf[1], 0x1122334455667788ULL);
	KUNIT_EXPECT_EQ(test, pphwsp[0x100 / 8], 0x99);
	/* The scratch write is a store-index write too, of 0. */
	KUNIT_EXPECT_EQ(test, pphwsp[0xd0 / 8], 0);
	KUNIT_EXPECT_EQ(test, ((u64 *)frame(g, GFN_PDATA))[0x10], 0xabcd);
	KUNIT_EXPECT_EQ(test, rd(g, I915_GT0_IIR), EVENTS);
	/* Only the writes and the notify ran. */
	KUNIT_EXPECT_EQ(test, iv(g)->stats.cmds, 4);
}

/* What a PIPE_CONTROL may not do here. */
static void i915_pipe_control_refused(struct kunit *test)
{
	static const struct {
		u32 flags;
		u64 addr;
		enum i915_wl_error err;
	} bad[] = {
		{ I915_PC_MMIO_WRITE, 0x2600, I915_WL_BAD_OPCODE },
		{ 2 << 14 /* depth count */, GM_BUF, I915_WL_BAD_OPCODE },
		{ 3 << 14 /* timestamp */, GM_BUF, I915_WL_BAD_OPCODE },
		{ I915_PC_WRITE_IMM | I915_PC_GLOBAL_GTT, GM_BUF + 4,
		  I915_WL_BAD_ADDRESS },
		{ I915_PC_WRITE_IMM | I915_PC_STORE_INDEX, PAGE_SIZE,
		  I915_WL_BAD_ADDRESS },
		{ I915_PC_WRITE_IMM | I915_PC_GLOBAL_GTT, SZ_64M,
		  I915_WL_BAD_ADDRESS },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct guest *g = guest_create(test);

		marker(g);
		pipe_control(g, bad[i].flags, bad[i].addr, 7);
		submit(g);
		expect_refused(g, bad[i].err);
	}
}

/*
 * 3D and media commands are skipped by their length fields: the scan
 * stays in step through all of their encodings and lands on the store
 * after them. LRI loads i915's masked chicken registers.
 */
/* emit() for a ring longer than a page: frames GFN_RING onwards. */
static void emit_long(struct guest *g, u32 dw)
{
	frame(g, GFN_RING + g->len / (PAGE_SIZE / 4))[g->len % (PAGE_SIZE / 4)] = dw;
	g->len++;
}

static void emit_n(struct guest *g, unsigned int n, u32 dw)
{
	while (n--)
		emit_long(g, dw);
}

static void i915_3d_skipped(struct kunit *test)
{
	struct guest *g = guest_create(test);
	unsigned int i;

	emit_long(g, 0x69040300);		/* PIPELINE_SELECT: 1 dword */
	emit_long(g, 0x680b0001);		/* 3DSTATE_VF_STATISTICS */
	emit_long(g, 0x61010011);		/* STATE_BASE_ADDRESS: 19 */
	emit_n(g, 18, 0x5a5a5a5a);
	emit_long(g, 0x79170000 | 0x101);	/* SO_DECL_LIST: 9 bits, 259 */
	emit_n(g, 258, I915_MI(I915_MI_USER_INTERRUPT, 0));
	emit_long(g, 0x78390000 | 0x201);	/* DX9_CONSTANTF: 11 bits */
	emit_n(g, 0x202, 0);
	emit_long(g, 0x70000000 | 0x103);	/* media: 16 bits */
	emit_n(g, 0x104, 0xffffffff);
	emit_long(g, 0x7b000005);		/* 3DPRIMITIVE */
	emit_n(g, 6, 0);
	emit_long(g, I915_MI(I915_MI_LOAD_REGISTER_IMM, 3));
	emit_long(g, I915_CACHE_MODE_1);
	emit_long(g, 0x00420042);
	emit_long(g, I915_HDC_CHICKEN0);
	emit_long(g, 0x80308030);
	emit_long(g, I915_MI(I915_MI_STORE_DATA_IMM, 2) | I915_MI_USE_GGTT);
	emit_long(g, GM_BUF);
	emit_long(g, 0);
	emit_long(g, 0x5a5a5a5a);
	emit_long(g, I915_MI(I915_MI_LOAD_REGISTER_IMM, 1));
	emit_long(g, I915_CACHE_MODE_1);
	emit_long(g, 0x00400000);		/* bit 6 off, bit 1 kept */
	emit_long(g, I915_MI(I915_MI_NOOP, 0));
	/* A ring of four pages for all of it. */
	g->state[I915_CTX_RING_CTL] = I915_RING_CTL_VALID | 3 << 12;
	for (i = 1; i < 4; i++)
		ggtt_set(g, GM_RING + i * PAGE_SIZE, GFN_RING + i);
	KUNIT_ASSERT_LT(test, g->len, 4 * PAGE_SIZE / 4);
	submit(g);

	KUNIT_EXPECT_EQ(test, iv(g)->stats.workload_errors, 0);
	KUNIT_EXPECT_EQ(test, frame(g, GFN_BUF)[0], 0x5a5a5a5a);
	KUNIT_EXPECT_EQ(test, rd(g, I915_HDC_CHICKEN0), 0x8030);
	KUNIT_EXPECT_EQ(test, rd(g, I915_CACHE_MODE_1), 0x0002);
	/* The user interrupts inside SO_DECL_LIST were data, not commands. */
	KUNIT_EXPECT_EQ(test, rd(g, I915_GT0_IIR), I915_GT_RCS_CTX_SWITCH);
	KUNIT_EXPECT_EQ(test, iv(g)->stats.cmds, 3);
}

static void i915_bad_length(struct kunit *test)
{
	struct guest *g = guest_create(test);

	marker(g);
	emit(g, I915_MI(I915_MI_STORE_DATA_IMM, 2) | I915_MI_USE_GGTT);
	emit(g, GM_BUF);		/* two dwords short of the tail */
	submit(g);
	expect_refused(g, I915_WL_BAD_LENGTH);
}

static void i915_blit_outside_slice(struct kunit *test)
{
	struct guest *g = guest_create(test);

	marker(g);
	/* The last row runs past the vGPU's 64 MiB of mappable memory. */
	color_blt(g, SZ_64M - 2 * PAGE_SIZE, 4096, 0, 0, 16, 3, 0xffffffff);
	ggtt_set(g, SZ_64M - 2 * PAGE_SIZE, GFN_DST);
	ggtt_set(g, SZ_64M - PAGE_SIZE, GFN_DST);
	emit(g, I915_MI(I915_MI_NOOP, 0));
	submit(g);
	expect_refused(g, I915_WL_BAD_ADDRESS);
	KUNIT_EXPECT_EQ(test, frame(g, GFN_DST)[0], 0);
}

static void i915_ppgtt_unmapped(struct kunit *test)
{
	struct guest *g = guest_create(test);

	marker(g);
	bb_start(g->ring, &g->len, true, VA_BATCH);
	emit(g, I915_MI(I915_MI_NOOP, 0));
	sdi(g->batch, &g->blen, false, VA_DATA, 1);
	sdi(g->batch, &g->blen, false, 5 * PAGE_SIZE, 2);	/* no PTE */
	bemit(g, I915_MI(I915_MI_BATCH_BUFFER_END, 0));
	submit(g);
	expect_refused(g, I915_WL_BAD_ADDRESS);
	KUNIT_EXPECT_EQ(test, frame(g, GFN_PDATA)[0], 0);
}

static void i915_runaway_chain(struct kunit *test)
{
	struct guest *g = guest_create(test);

	marker(g);
	bb_start(g->ring, &g->len, true, VA_BATCH);
	emit(g, I915_MI(I915_MI_NOOP, 0));
	sdi(g->batch, &g->blen, true, GM_BUF, 3);
	bb_start(g->batch, &g->blen, true, VA_BATCH);	/* jumps to itself */
	submit(g);
	expect_refused(g, I915_WL_TOO_BIG);
}

/*
 * i915 merges a context's queued requests into one element: a ring that
 * starts more batches than one batch may chain runs them all.
 */
static void i915_merged_requests(struct kunit *test)
{
	struct guest *g = guest_create(test);
	unsigned int i, n = 2 * I915_MAX_CHAIN, len;

	for (i = 0; i < n; i++) {
		u32 *batch = frame(g, GFN_SRC) + i * 8;

		len = 0;
		sdi(batch, &len, true, GM_BUF + 4 * i, i + 1);
		batch[len] = I915_MI(I915_MI_BATCH_BUFFER_END, 0);
		bb_start(g->ring, &g->len, false, GM_SRC + i * 32);
		emit(g, I915_MI(I915_MI_NOOP, 0));
	}
	submit(g);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, frame(g, GFN_BUF)[i], i + 1);
	KUNIT_EXPECT_EQ(test, iv(g)->stats.by_error[I915_WL_TOO_BIG], 0);
	KUNIT_EXPECT_FALSE(test, g->vgpu->failed);
}

static void i915_runaway_batch(struct kunit *test)
{
	struct guest *g = guest_create(test);
	unsigned int i;

	/* A batch of nothing but no-ops that never ends. */
	marker(g);
	bb_start(g->ring, &g->len, false, GM_SRC);
	emit(g, I915_MI(I915_MI_NOOP, 0));
	for (i = 0; i < PAGE_SIZE / 4 - 3; i++)
		frame(g, GFN_SRC)[i] = I915_MI(I915_MI_NOOP, 0);
	bb_start(frame(g, GFN_SRC), &i, false, GM_SRC);
	submit(g);
	expect_refused(g, I915_WL_TOO_BIG);
}

static void i915_fetch_budget(struct kunit *test)
{
	struct guest *g = guest_create(test);
	unsigned int pages = I915_MAX_SCAN_DWORDS * 4 / PAGE_SIZE + 1, p, i;

	/* One batch, longer than the fetch budget, with no end. */
	for (p = 0; p < pages; p++) {
		ggtt_set(g, SZ_1M + p * PAGE_SIZE, 300 + p);
		for (i = 0; i < PAGE_SIZE / 4; i++)
			frame(g, 300 + p)[i] = I915_MI(I915_MI_NOOP, 0);
	}
	marker(g);
	bb_start(g->ring, &g->len, false, SZ_1M);
	emit(g, I915_MI(I915_MI_NOOP, 0));
	submit(g);
	expect_refused(g, I915_WL_TOO_BIG);
}

static void i915_ppgtt_read_only(struct kunit *test)
{
	struct guest *g = guest_create(test);

	/* The guest maps the data page read-only, then stores to it. */
	fake_write_entry(&g->env->hv, (GFN_PT << PAGE_SHIFT) + 8,
			 PTE(GFN_PDATA) & ~I915_PTE_RW);
	wr(g, I915_PV_G2V_NOTIFY, I915_G2V_PPGTT_L4_DESTROY);
	wr(g, I915_PV_G2V_NOTIFY, I915_G2V_PPGTT_L4_CREATE);
	marker(g);
	bb_start(g->ring, &g->len, true, VA_BATCH);
	emit(g, I915_MI(I915_MI_NOOP, 0));
	sdi(g->batch, &g->blen, false, VA_DATA, 1);
	bemit(g, I915_MI(I915_MI_BATCH_BUFFER_END, 0));
	submit(g);
	expect_refused(g, I915_WL_BAD_ADDRESS);
	KUNIT_EXPECT_EQ(test, frame(g, GFN_PDATA)[0], 0);
}

static void i915_oversize_blit(struct kunit *test)
{
	struct guest *g = guest_create(test);

	marker(g);
	color_blt(g, GM_BUF, 16384, 0, 0, 4096, 1025, 0xffffffff);
	emit(g, I915_MI(I915_MI_NOOP, 0));
	submit(g);
	expect_refused(g, I915_WL_TOO_BIG);
}

static void i915_bad_lrca(struct kunit *test)
{
	struct guest *g = guest_create(test);

	marker(g);
	g->state[I915_CTX_RING_TAIL] = g->len * 4;
	/* Inside the hidden range, but beyond this vGPU's slice of it. */
	elsp_submit(g, desc_of(I915_GM_MAPPABLE + SZ_1G));
	expect_refused(g, I915_WL_BAD_CONTEXT);
	KUNIT_EXPECT_EQ(test, g->state[I915_CTX_RING_HEAD], 0);
	KUNIT_EXPECT_EQ(test, rd(g, I915_CSB(1) + 4), CTX_ID);
}

static void i915_bad_ppgtt_root(struct kunit *test)
{
	struct guest *g = guest_create(test);

	wr(g, I915_PV_G2V_NOTIFY, I915_G2V_PPGTT_L4_DESTROY);
	KUNIT_ASSERT_EQ(test, iv(g)->nr_ppgtt, 0);
	/* Not guest memory, then not page aligned. */
	guest_ppgtt(g, (u64)(FAKE_GUEST_FRAMES + 5) << PAGE_SHIFT);
	guest_ppgtt(g, (GFN_PML4 << PAGE_SHIFT) + 8);
	KUNIT_EXPECT_EQ(test, iv(g)->nr_ppgtt, 0);
	KUNIT_EXPECT_EQ(test, iv(g)->stats.g2v_errors, 2);
	KUNIT_EXPECT_FALSE(test, g->vgpu->failed);

	marker(g);
	bb_start(g->ring, &g->len, true, VA_BATCH);
	emit(g, I915_MI(I915_MI_NOOP, 0));
	bemit(g, I915_MI(I915_MI_BATCH_BUFFER_END, 0));
	submit(g);
	expect_refused(g, I915_WL_NO_PPGTT);
}

static void i915_masked_interrupt(struct kunit *test)
{
	struct guest *g = guest_create(test);

	wr(g, I915_GT0_IMR, ~0u);
	emit(g, I915_MI(I915_MI_USER_INTERRUPT, 0));
	emit(g, I915_MI(I915_MI_NOOP, 0));
	submit(g);
	KUNIT_EXPECT_EQ(test, iv(g)->stats.workload_errors, 0);
	KUNIT_EXPECT_EQ(test, iv(g)->stats.cmds, 1);
	KUNIT_EXPECT_EQ(test, rd(g, I915_GT0_IIR), 0);
	KUNIT_EXPECT_EQ(test, g->env->hv.msis, 0);
	KUNIT_EXPECT_EQ(test, g->vgpu->stats.irq_masked, 3);
	KUNIT_EXPECT_EQ(test, rd(g, I915_CSB(1)),
			I915_CSB_COMPLETE | I915_CSB_ACTIVE_IDLE);
}

static void i915_reset_mid_submission(struct kunit *test)
{
	struct guest *g = guest_create(test);
	u64 desc = desc_of(GM_LRCA);

	sdi(g->ring, &g->len, true, GM_BUF, 9);
	g->state[I915_CTX_RING_TAIL] = g->len * 4;
	/* Half the port written, then a function-level reset. */
	wr(g, I915_ELSP, 0);
	wr(g, I915_ELSP, 0);
	vmed_vgpu_reset(g->vgpu);
	KUNIT_EXPECT_EQ(test, iv(g)->engine[I915_RCS].elsp_count, 0);
	KUNIT_EXPECT_EQ(test, iv(g)->nr_ppgtt, 0);
	KUNIT_EXPECT_EQ(test, g->env->hv.tracked_frames, 0);
	/* The rest of the port alone submits nothing... */
	wr(g, I915_ELSP, upper_32_bits(desc));
	wr(g, I915_ELSP, lower_32_bits(desc));
	KUNIT_EXPECT_EQ(test, iv(g)->stats.workloads, 0);
	KUNIT_EXPECT_EQ(test, frame(g, GFN_BUF)[0], 0);
	/* ... it was element 1; an invalid element 0 runs nothing. */
	wr(g, I915_ELSP, 0);
	wr(g, I915_ELSP, 0);
	KUNIT_EXPECT_EQ(test, iv(g)->stats.workloads, 0);
	/* Reset forgot the GGTT: the same context is now unreachable. */
	elsp_submit(g, desc);
	KUNIT_EXPECT_EQ(test, iv(g)->stats.by_error[I915_WL_BAD_CONTEXT], 1);
	KUNIT_EXPECT_EQ(test, frame(g, GFN_BUF)[0], 0);
	/* Set up again, it runs. */
	guest_ggtt(g);
	guest_ppgtt(g, GFN_PML4 << PAGE_SHIFT);
	elsp_submit(g, desc);
	KUNIT_EXPECT_EQ(test, frame(g, GFN_BUF)[0], 9);
	KUNIT_EXPECT_FALSE(test, g->vgpu->failed);
}

/*
 * The guest maps one of its own page directories writable and copies PDEs
 * over it, two rows of them: the first row's tracked write needs more
 * shadow tables than the vGPU may have, which fails the vGPU in the middle
 * of the blit. The engine must stop there: the PPGTT it walks stays valid
 * until the workload has returned (KASAN watches), and nothing more of the
 * guest's memory is touched, not the second row, the CSB mirror or the
 * ring head.
 */
#define PDE_ROWS	2
#define PDE_PER_ROW	32

/*
 * Map a page table of the guest's writable at VA 0x2000 and prepare a
 * batch that copies two rows of 32 entries over it, from entry 3 on (entry
 * 2 of the PT maps VA 0x2000 itself): over the page directory (@table
 * GFN_PD) each is a new page table to shadow, over the PT (GFN_PT) a new
 * page to map; all of it done by the engine's own writes. Submit with
 * submit().
 */
static void pde_copy_workload(struct guest *g, u64 table)
{
	u64 *src = (u64 *)frame(g, GFN_PDATA);
	unsigned int i;

	fake_write_entry(&g->env->hv, (GFN_PT << PAGE_SHIFT) + 16, PTE(table));
	wr(g, I915_PV_G2V_NOTIFY, I915_G2V_PPGTT_L4_DESTROY);
	wr(g, I915_PV_G2V_NOTIFY, I915_G2V_PPGTT_L4_CREATE);
	wr(g, I915_HWS_PGA, GM_LRCA);
	for (i = 0; i < PDE_ROWS * PDE_PER_ROW; i++)
		src[i] = PTE(300 + i);

	bb_start(g->ring, &g->len, true, VA_BATCH);
	bemit(g, I915_2D(I915_XY_SRC_COPY_BLT, 10) | I915_BLT_WRITE_RGBA);
	bemit(g, I915_BLT_DEPTH_32 | I915_BLT_ROP_SRC_COPY | PDE_PER_ROW * 8);
	bemit(g, 0);
	bemit(g, PDE_ROWS << 16 | PDE_PER_ROW * 2);
	bemit(g, 0x2000 + 24);
	bemit(g, 0);
	bemit(g, 0);
	bemit(g, PDE_PER_ROW * 8);
	bemit(g, VA_DATA);
	bemit(g, 0);
	bemit(g, I915_MI(I915_MI_BATCH_BUFFER_END, 0));
}

static void i915_fail_mid_blit(struct kunit *test)
{
	struct guest *g = guest_create(test);
	u32 *hwsp = frame(g, GFN_HWSP);
	unsigned int i;

	pde_copy_workload(g, GFN_PD);
	g->vgpu->ppgtt.max_spts = g->vgpu->ppgtt.nr_spts + 2;
	submit(g);

	KUNIT_EXPECT_TRUE(test, g->vgpu->failed);
	KUNIT_EXPECT_STREQ(test, g->vgpu->fail_reason,
			   "guest page tables exceed the shadow table limit");
	/* The second row never reached the directory. */
	for (i = 3 + PDE_PER_ROW; i < 3 + PDE_ROWS * PDE_PER_ROW; i++)
		KUNIT_EXPECT_EQ(test, ((u64 *)frame(g, GFN_PD))[i], 0);
	/* The list's start, but no completion, reached guest memory. */
	KUNIT_EXPECT_EQ(test, hwsp[I915_HWS_CSB_BUF0], I915_CSB_IDLE_ACTIVE);
	KUNIT_EXPECT_EQ(test, hwsp[I915_HWS_CSB_BUF0 + 2], 0);
	KUNIT_EXPECT_EQ(test, hwsp[I915_HWS_CSB_WRITE], 0);
	KUNIT_EXPECT_EQ(test, g->state[I915_CTX_RING_HEAD], 0);
	/* The engine was reset once the workload returned. */
	KUNIT_EXPECT_EQ(test, iv(g)->nr_ppgtt, 0);
}

/* 1 MiB of graphics memory from GM_BIG, every page of it the same frame. */
#define GM_BIG		0x100000

static void big_blits(struct guest *g, unsigned int n, u32 color)
{
	unsigned int i;

	for (i = 0; i < SZ_1M / PAGE_SIZE; i++)
		ggtt_set(g, GM_BIG + i * PAGE_SIZE, GFN_BUF);
	for (i = 0; i < n; i++)
		color_blt(g, GM_BIG, PAGE_SIZE, 0, 0, PAGE_SIZE / 4,
			  SZ_1M / PAGE_SIZE, color);
	g->state[I915_CTX_RING_HEAD] = 0;
	g->state[I915_CTX_RING_TAIL] = g->len * 4;
}

/* A register write, and what the register then reads. */
static void wr_reads(struct guest *g, u32 reg, u32 val, u32 want)
{
	wr(g, reg, val);
	KUNIT_EXPECT_EQ_MSG(g->test, rd(g, reg), want, "register %#x", reg);
}

/* What Linux's i915 reads while it probes a Gen9 GVT-g vGPU. */
static void i915_probe_registers(struct kunit *test)
{
	struct guest *g = guest_create(test);
	unsigned int n;

	/* A 4 MiB GGTT (2 GiB of graphics memory), no stolen memory. */
	KUNIT_EXPECT_EQ(test, tv_cfg_read16(test, g->vgpu, I915_GGC),
			I915_GGC_GGMS_4M);
	tv_cfg_write16(test, g->vgpu, I915_GGC, 0xffff);
	KUNIT_EXPECT_EQ(test, tv_cfg_read16(test, g->vgpu, I915_GGC),
			I915_GGC_GGMS_4M);
	/* GT2: slice 0 with subslices 0-2; no display; 12 MHz timestamps. */
	KUNIT_EXPECT_EQ(test, rd(g, I915_FUSE2), 0x02800000);
	KUNIT_EXPECT_EQ(test, rd(g, I915_SKL_DFSM), 0x50200000);
	KUNIT_EXPECT_EQ(test, rd(g, I915_CTC_MODE), 0x4);
	KUNIT_EXPECT_EQ(test, rd(g, I915_EDRAM_CAP), 0);
	KUNIT_EXPECT_EQ(test, rd(g, I915_GUC_STATUS), I915_GUC_MIA_IN_RESET);
	/* TLB invalidations complete at once. */
	wr_reads(g, I915_RTCR, 1, 0);
	wr_reads(g, I915_BTCR, 1, 0);
	/* Error registers read clear whatever is written. */
	wr_reads(g, I915_EIR, 0xffffffff, 0);
	wr_reads(g, I915_FPGA_DBG, 0x80000000, 0);
	wr_reads(g, I915_RING_FAULT, 1, 0);
	/* All four GT banks clear their IIR as i915's reset does. */
	for (n = 0; n < 4; n++) {
		wr(g, I915_GT_IMR(n), 0xffffffff);
		wr(g, I915_GT_IER(n), 0);
		wr(g, I915_GT_IIR(n), 0xffffffff);
		KUNIT_EXPECT_EQ(test, rd(g, I915_GT_IIR(n)), 0);
		KUNIT_EXPECT_EQ(test, rd(g, I915_GT_IMR(n)), 0xffffffff);
	}
	KUNIT_EXPECT_FALSE(test, g->vgpu->failed);
}

/*
 * Every register Linux's i915 reads or writes while it binds the vGPU and
 * initialises the GT is one the model describes: none is left to the
 * untracked register file.
 */
static void i915_described_registers(struct kunit *test)
{
	static const u32 regs[] = {
		I915_MCR_SELECTOR, I915_CSFE_CHICKEN1_RCS,
		I915_FF_SLICE_CS_CHICKEN1, I915_GTT_CACHE_EN,
		I915_GAMW_ECO_DEV_RW_IA, I915_GAM_ECOCHK,
		I915_L3_LRA_1_GPGPU, I915_MMCD_MISC_CTRL, I915_UCGCTL4,
		I915_GARBCNTL, I915_SCRATCH_LNCF1, I915_L3SQCREG4,
		I915_SCRATCH1, I915_RPNSWREQ, I915_RC_VIDEO_FREQ,
		I915_RP_CONTROL, I915_RP_UP_THRESHOLD, I915_RP_DOWN_THRESHOLD,
		I915_RP_UP_EI, I915_RP_DOWN_EI, I915_RP_IDLE_HYSTERESIS,
		I915_PMINTRMSK, I915_GUC_WOPCM_SIZE, I915_GUC_WOPCM_OFFSET,
		I915_MCH_DCLK, I915_PCODE_MAILBOX, I915_PCODE_DATA,
		I915_PCODE_DATA1,
	};
	static const u32 mocs[] = {
		I915_MOCS_RCS, I915_MOCS_VCS, I915_MOCS_VECS, I915_MOCS_BCS,
	};
	struct guest *g = guest_create(test);
	unsigned long *seen = g->env->dev->unknown_seen;
	unsigned int i, e;

	bitmap_zero(seen, I915_MMIO_SIZE / sizeof(u32));
	for (i = 0; i < ARRAY_SIZE(regs); i++)
		rd(g, regs[i]);
	for (i = 0; i < ARRAY_SIZE(mocs); i++)
		for (e = 0; e < I915_MOCS_ENTRIES; e++)
			wr_reads(g, mocs[i] + 4 * e, e, e);
	for (i = 0; i < I915_LNCF_MOCS_DWORDS; i++)
		wr_reads(g, I915_LNCF_MOCS + 4 * i, ~i, ~i);
	for (e = 0; e < I915_NR_ENGINES; e++) {
		u32 base = vmed_i915_engines[e].base;

		for (i = 0; i < I915_NONPRIV_COUNT; i++)
			wr_reads(g, base + I915_ENG_NONPRIV(i), 0x2000 + i,
				 0x2000 + i);
		for (i = 0; i < I915_GPR_DWORDS; i++)
			wr_reads(g, base + I915_ENG_GPR(i), e << 8 | i,
				 e << 8 | i);
	}
	KUNIT_EXPECT_TRUE(test, bitmap_empty(seen,
					     I915_MMIO_SIZE / sizeof(u32)));

	/* The render engine's chicken registers are masked. */
	wr_reads(g, I915_CSFE_CHICKEN1_RCS, 0x00020002, 0x2);
	wr_reads(g, I915_CSFE_CHICKEN1_RCS, 0x00000001, 0x2);
	wr_reads(g, I915_FF_SLICE_CS_CHICKEN1, 0x40004000, 0x4000);
	/* No GuC: its memory partition reads unset whatever is written. */
	wr_reads(g, I915_GUC_WOPCM_SIZE, 0xffffffff, 0);
	wr_reads(g, I915_GUC_WOPCM_OFFSET, 0xffffffff, 0);
	KUNIT_EXPECT_FALSE(test, g->vgpu->failed);
}

/* The PCU answers at once; a command it does not know is refused. */
static void i915_pcode_mailbox(struct kunit *test)
{
	struct guest *g = guest_create(test);
	u32 rp1 = (rd(g, I915_RP_STATE_CAP) >> 8) & 0xff;

	/* Without READY nothing is asked: stored as written. */
	wr_reads(g, I915_PCODE_MAILBOX, I915_PCODE_DUTY_CYCLE_CONTROL,
		 I915_PCODE_DUTY_CYCLE_CONTROL);
	KUNIT_EXPECT_EQ(test, rd(g, I915_PCODE_DATA), 0);

	/* The efficient frequency is RP1, in bits 15:8 of DATA. */
	wr_reads(g, I915_PCODE_MAILBOX,
		 I915_PCODE_READY | I915_PCODE_DUTY_CYCLE_CONTROL,
		 I915_PCODE_SUCCESS);
	KUNIT_EXPECT_EQ(test, rd(g, I915_PCODE_DATA), rp1 << 8);

	/* The ring frequency table is taken; the parameters stay. */
	wr(g, I915_PCODE_DATA, 0x0b000b);
	wr_reads(g, I915_PCODE_MAILBOX, I915_PCODE_READY | 0x00030000 |
		 I915_PCODE_WRITE_MIN_FREQ_TABLE,
		 0x00030000 | I915_PCODE_SUCCESS);
	KUNIT_EXPECT_EQ(test, rd(g, I915_PCODE_DATA), 0x0b000b);

	/* Reading the table back, or anything else, is refused. */
	wr_reads(g, I915_PCODE_MAILBOX, I915_PCODE_READY | 0x9,
		 I915_PCODE_ILLEGAL_CMD);
	wr_reads(g, I915_PCODE_MAILBOX, I915_PCODE_READY | 0xff,
		 I915_PCODE_ILLEGAL_CMD);
	KUNIT_EXPECT_FALSE(test, g->vgpu->failed);
}

/* Each engine acks a reset request at once, and takes the ack back. */
static void i915_reset_handshake(struct kunit *test)
{
	static const u32 bases[] = {
		I915_RCS_BASE, I915_BCS_BASE, I915_VCS_BASE, I915_VECS_BASE,
	};
	struct guest *g = guest_create(test);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bases); i++) {
		u32 reg = I915_RING_RESET_CTL(bases[i]);

		KUNIT_EXPECT_EQ(test, rd(g, reg), 0);
		wr_reads(g, reg, 0x00010001, 0x3);	/* masked: request */
		/* The ack is the device's: the guest cannot clear it... */
		wr_reads(g, reg, 0x00020000, 0x3);
		/* ...but withdrawing the request withdraws it. */
		wr_reads(g, reg, 0x00010000, 0);
		/* Nor can it raise it on its own. */
		wr_reads(g, reg, 0x00060006, 0);
	}
}

/*
 * A full GT reset drops the running context without a completion entry,
 * puts the CSB pointer and the execlist status back and reads back done;
 * the engine then takes new work. A reset of another domain leaves the
 * render engine alone.
 */
static void i915_gdrst(struct kunit *test)
{
	struct guest *g = guest_create(test);
	u64 desc = desc_of(GM_LRCA);
	u32 ptr = rd(g, I915_CSB_PTR);
	struct vmed_vgpu_stats s;

	wr(g, I915_GDRST, BIT(3));		/* the blitter's domain */
	KUNIT_EXPECT_EQ(test, rd(g, I915_GDRST), 0);

	big_blits(g, 4, 0x77);
	elsp_write(g, desc);
	KUNIT_EXPECT_TRUE(test, rd(g, I915_EXECLIST_STATUS_LO) &
				I915_EXECLIST_ACTIVE);
	wr(g, I915_GDRST, BIT(3));
	KUNIT_EXPECT_TRUE(test, rd(g, I915_EXECLIST_STATUS_LO) &
				I915_EXECLIST_ACTIVE);
	wr(g, I915_GDRST, I915_GDRST_FULL);
	KUNIT_EXPECT_EQ(test, rd(g, I915_GDRST), 0);
	vmed_sched_wait_idle(g->vgpu);
	KUNIT_EXPECT_EQ(test, rd(g, I915_EXECLIST_STATUS_LO), 0);
	KUNIT_EXPECT_EQ(test, rd(g, I915_CSB_PTR), ptr);
	/* The list's start was the only event. */
	KUNIT_EXPECT_EQ(test, rd(g, I915_GT0_IIR), I915_GT_RCS_CTX_SWITCH);
	KUNIT_EXPECT_EQ(test, rd(g, I915_CSB(0)), I915_CSB_IDLE_ACTIVE);
	KUNIT_EXPECT_EQ(test, rd(g, I915_CSB(1)), 0);
	vmed_vgpu_get_stats(g->vgpu, &s);
	KUNIT_EXPECT_EQ(test, s.wl_cancelled, 1);
	KUNIT_EXPECT_EQ(test, s.wl_completed, 0);
	/* The guest's PPGTT is still announced; the engine runs again. */
	KUNIT_EXPECT_EQ(test, iv(g)->nr_ppgtt, 1);
	g->len = 0;
	color_blt(g, GM_BUF, PAGE_SIZE, 0, 0, 16, 1, 0x5a);
	emit(g, I915_MI(I915_MI_NOOP, 0));
	submit(g);
	KUNIT_EXPECT_EQ(test, frame(g, GFN_BUF)[0], 0x5a);
	KUNIT_EXPECT_EQ(test, rd(g, I915_CSB(1)),
			I915_CSB_COMPLETE | I915_CSB_ACTIVE_IDLE);
	KUNIT_EXPECT_FALSE(test, g->vgpu->failed);
}

/* ELSP queues the context and returns; the guest reads the engine busy. */
static void i915_elsp_is_async(struct kunit *test)
{
	struct guest *g = guest_create(test);
	u64 desc = desc_of(GM_LRCA);
	u32 ptr = rd(g, I915_CSB_PTR);

	big_blits(g, 4, 0x77);
	elsp_write(g, desc);
	/* 64 steps of blitting to go; the list has started. */
	KUNIT_EXPECT_TRUE(test, rd(g, I915_EXECLIST_STATUS_LO) &
				I915_EXECLIST_ACTIVE);
	KUNIT_EXPECT_EQ(test, rd(g, I915_CSB_PTR),
			(ptr & ~I915_CSB_WRITE_MASK) | 0);
	KUNIT_EXPECT_EQ(test, rd(g, I915_CSB(0)), I915_CSB_IDLE_ACTIVE);
	KUNIT_EXPECT_EQ(test, frame(g, GFN_BUF)[0], 0);
	vmed_sched_wait_idle(g->vgpu);
	KUNIT_EXPECT_EQ(test, rd(g, I915_EXECLIST_STATUS_LO), 0);
	KUNIT_EXPECT_EQ(test, rd(g, I915_CSB(1)),
			I915_CSB_COMPLETE | I915_CSB_ACTIVE_IDLE);
	KUNIT_EXPECT_EQ(test, frame(g, GFN_BUF)[PAGE_SIZE / 4 - 1], 0x77);
	KUNIT_EXPECT_EQ(test, g->state[I915_CTX_RING_HEAD], g->len * 4);
	KUNIT_EXPECT_EQ(test, rd(g, I915_GT0_IIR), EVENTS & ~I915_GT_RCS_USER);
}

/* Second context: its own image and ring, the same address space. */
#define GM_LRCA2	0x40000
#define GFN_STATE2	130
#define GFN_RING2	131
#define GM_RING2	0x50000
#define CTX_ID2		0x43

/*
 * A list submitted while another runs waits behind it: it starts (its
 * IDLE_ACTIVE entry) when the running list ends, right after that list's
 * ACTIVE_IDLE. A third list while two are in flight is refused.
 */
static void i915_list_waits_behind(struct kunit *test)
{
	struct guest *g = guest_create(test);
	u32 *state2 = frame(g, GFN_STATE2), *ring2 = frame(g, GFN_RING2);
	u64 desc2 = GM_LRCA2 | I915_CTX_VALID |
		    (I915_CTX_MODE_LEGACY_64 << I915_CTX_MODE_SHIFT) |
		    (u64)CTX_ID2 << 32;
	unsigned int n = 0;

	ggtt_set(g, GM_LRCA2, GFN_HWSP);
	ggtt_set(g, GM_LRCA2 + PAGE_SIZE, GFN_STATE2);
	ggtt_set(g, GM_RING2, GFN_RING2);
	sdi(ring2, &n, true, GM_BUF + 8, 0x22);
	ring2[n++] = I915_MI(I915_MI_NOOP, 0);
	state2[I915_CTX_RING_START] = GM_RING2;
	state2[I915_CTX_RING_CTL] = I915_RING_CTL_VALID;
	state2[I915_CTX_RING_TAIL] = n * 4;

	big_blits(g, 4, 0x77);
	elsp_write(g, desc_of(GM_LRCA));
	elsp_write(g, desc2);
	/* Only the first list's start so far. */
	KUNIT_EXPECT_EQ(test, rd(g, I915_CSB_PTR) & I915_CSB_WRITE_MASK, 0);
	/* A third list has nowhere to go. */
	elsp_write(g, desc2);
	KUNIT_EXPECT_EQ(test, iv(g)->stats.elsp_refused, 1);
	KUNIT_EXPECT_EQ(test, iv(g)->stats.workloads, 2);
	vmed_sched_wait_idle(g->vgpu);

	KUNIT_EXPECT_EQ(test, rd(g, I915_CSB_PTR) & I915_CSB_WRITE_MASK, 3);
	KUNIT_EXPECT_EQ(test, rd(g, I915_CSB(0)), I915_CSB_IDLE_ACTIVE);
	KUNIT_EXPECT_EQ(test, rd(g, I915_CSB(1)),
			I915_CSB_COMPLETE | I915_CSB_ACTIVE_IDLE);
	KUNIT_EXPECT_EQ(test, rd(g, I915_CSB(1) + 4), CTX_ID);
	KUNIT_EXPECT_EQ(test, rd(g, I915_CSB(2)), I915_CSB_IDLE_ACTIVE);
	KUNIT_EXPECT_EQ(test, rd(g, I915_CSB(3)),
			I915_CSB_COMPLETE | I915_CSB_ACTIVE_IDLE);
	KUNIT_EXPECT_EQ(test, rd(g, I915_CSB(3) + 4), CTX_ID2);
	KUNIT_EXPECT_EQ(test, frame(g, GFN_BUF)[2], 0x22);
	KUNIT_EXPECT_EQ(test, state2[I915_CTX_RING_HEAD], n * 4);
	KUNIT_EXPECT_EQ(test, rd(g, I915_EXECLIST_STATUS_LO), 0);
	/* Idle again: the next list starts at once. */
	elsp_write(g, desc2);
	KUNIT_EXPECT_EQ(test, rd(g, I915_CSB(4)), I915_CSB_IDLE_ACTIVE);
	vmed_sched_wait_idle(g->vgpu);
	KUNIT_EXPECT_EQ(test, iv(g)->stats.elsp_refused, 1);
	KUNIT_EXPECT_FALSE(test, g->vgpu->failed);
}

/*
 * The running context submitted again with a longer ring (a lite
 * restore) runs only what was added: from where its queued run stops.
 */
static void i915_lite_restore(struct kunit *test)
{
	struct guest *g = guest_create(test);
	u32 first;

	big_blits(g, 2, 0x77);
	elsp_write(g, desc_of(GM_LRCA));
	first = g->len * 4;
	sdi(g->ring, &g->len, true, GM_BUF + 4, 0x33);
	emit(g, I915_MI(I915_MI_NOOP, 0));
	/* i915 writes the new tail into the image and resubmits. */
	g->state[I915_CTX_RING_TAIL] = g->len * 4;
	elsp_write(g, desc_of(GM_LRCA));
	vmed_sched_wait_idle(g->vgpu);

	KUNIT_EXPECT_EQ(test, iv(g)->stats.workload_errors, 0);
	KUNIT_EXPECT_EQ(test, frame(g, GFN_BUF)[1], 0x33);
	/* The blits ran once: two per workload would be four commands. */
	KUNIT_EXPECT_EQ(test, iv(g)->stats.cmds, 3);
	KUNIT_EXPECT_EQ(test, g->state[I915_CTX_RING_HEAD], g->len * 4);
	KUNIT_EXPECT_NE(test, first, g->len * 4);
	KUNIT_EXPECT_EQ(test, rd(g, I915_CSB(3)),
			I915_CSB_COMPLETE | I915_CSB_ACTIVE_IDLE);
}

/* Submit the guest's context on engine @e and wait for it. */
static void submit_on(struct guest *g, unsigned int e)
{
	u32 elsp = vmed_i915_engines[e].base + I915_ENG_ELSP;
	u64 desc = desc_of(GM_LRCA);

	g->state[I915_CTX_RING_HEAD] = 0;
	g->state[I915_CTX_RING_TAIL] = g->len * 4;
	wr(g, elsp, 0);
	wr(g, elsp, 0);
	wr(g, elsp, upper_32_bits(desc));
	wr(g, elsp, lower_32_bits(desc));
	vmed_sched_wait_idle(g->vgpu);
}

static void flush_dw(struct guest *g, u32 flags, u32 addr, u32 val)
{
	emit(g, I915_MI(I915_MI_FLUSH_DW, 2) | flags);
	emit(g, addr);
	emit(g, 0);
	emit(g, val);
}

/*
 * The blitter, video and enhancement engines: each with its own ELSP,
 * CSB, status registers and interrupts; i915's flush and breadcrumb
 * (MI_FLUSH_DW post-sync stores) run on them, the render pipe does not,
 * and blits only on the blitter.
 */
static void i915_other_engines(struct kunit *test)
{
	static const struct {
		unsigned int e;
		unsigned int bank;
		u32 user, ctx;
	} eng[] = {
		{ I915_BCS, 0, I915_GT_BCS_USER, I915_GT_BCS_CTX_SWITCH },
		{ I915_VCS, 1, I915_GT_XCS_USER, I915_GT_XCS_CTX_SWITCH },
		{ I915_VECS, 3, I915_GT_XCS_USER, I915_GT_XCS_CTX_SWITCH },
	};
	struct guest *g = guest_create(test);
	u32 *buf = frame(g, GFN_BUF), *pphwsp = frame(g, GFN_HWSP);
	unsigned int i;

	for (i = 1; i < 4; i++) {
		wr(g, I915_GT_IMR(i), 0);
		wr(g, I915_GT_IER(i), ~0u);
	}
	wr(g, I915_GT_IMR(0), 0);
	wr(g, I915_GT_IER(0), ~0u);
	for (i = 0; i < ARRAY_SIZE(eng); i++) {
		u32 base = vmed_i915_engines[eng[i].e].base;

		g->len = 0;
		/* i915's flush: store-index scratch write, then breadcrumb. */
		flush_dw(g, I915_FLUSH_WRITE_IMM | I915_FLUSH_STORE_INDEX |
			 BIT(18), 0x100 + 8 * i, 0x70 + i);
		flush_dw(g, I915_FLUSH_WRITE_IMM, (GM_BUF + 8 * i) |
			 I915_FLUSH_USE_GTT, 0x80 + i);
		emit(g, I915_MI(I915_MI_USER_INTERRUPT, 0));
		emit(g, I915_MI(I915_MI_ARB_ON_OFF, 1));
		submit_on(g, eng[i].e);
		KUNIT_EXPECT_EQ(test, buf[2 * i], 0x80 + i);
		KUNIT_EXPECT_EQ(test, pphwsp[(0x100 + 8 * i) / 4], 0x70 + i);
		KUNIT_EXPECT_EQ(test, rd(g, base + I915_ENG_CSB(0)),
				I915_CSB_IDLE_ACTIVE);
		KUNIT_EXPECT_EQ(test, rd(g, base + I915_ENG_CSB(1)),
				I915_CSB_COMPLETE | I915_CSB_ACTIVE_IDLE);
		KUNIT_EXPECT_EQ(test, rd(g, base + I915_ENG_CSB(1) + 4), CTX_ID);
		KUNIT_EXPECT_EQ(test, rd(g, base + I915_ENG_RING_HEAD), g->len * 4);
		KUNIT_EXPECT_EQ(test, rd(g, I915_GT_IIR(eng[i].bank)) &
				(eng[i].user | eng[i].ctx),
				eng[i].user | eng[i].ctx);
		wr(g, I915_GT_IIR(eng[i].bank), ~0u);
		/* The render engine's CSB saw none of it. */
		KUNIT_EXPECT_EQ(test, rd(g, I915_CSB(0)), 0);
	}
	KUNIT_EXPECT_EQ(test, iv(g)->stats.workload_errors, 0);
	KUNIT_EXPECT_EQ(test, rd(g, I915_GT0_IIR) & EVENTS, 0);

	/* A blit on the video engine, PIPE_CONTROL on the blitter: refused. */
	g->len = 0;
	color_blt(g, GM_BUF, PAGE_SIZE, 0, 0, 16, 1, 0x5a);
	emit(g, I915_MI(I915_MI_NOOP, 0));
	submit_on(g, I915_VCS);
	KUNIT_EXPECT_EQ(test, iv(g)->stats.by_error[I915_WL_BAD_OPCODE], 1);
	g->len = 0;
	pipe_control(g, 0, 0, 0);
	submit_on(g, I915_BCS);
	KUNIT_EXPECT_EQ(test, iv(g)->stats.by_error[I915_WL_BAD_OPCODE], 2);
	/* A blit on the blitter runs. */
	g->len = 0;
	color_blt(g, GM_BUF, PAGE_SIZE, 0, 0, 16, 1, 0x5a);
	emit(g, I915_MI(I915_MI_NOOP, 0));
	submit_on(g, I915_BCS);
	KUNIT_EXPECT_EQ(test, buf[0], 0x5a);
	KUNIT_EXPECT_EQ(test, iv(g)->stats.workload_errors, 2);
	KUNIT_EXPECT_FALSE(test, g->vgpu->failed);
}

/*
 * A domain reset restarts its engine only; a stop request or an idle
 * engine reads MODE_IDLE.
 */
static void i915_engine_reset_domains(struct kunit *test)
{
	struct guest *g = guest_create(test);
	u32 bcs_mode = I915_BCS_BASE + I915_ENG_MI_MODE;
	struct vmed_vgpu_stats s;

	KUNIT_EXPECT_TRUE(test, rd(g, bcs_mode) & I915_MI_MODE_IDLE);
	big_blits(g, 4, 0x77);
	submit_on(g, I915_RCS);			/* runs to its end */
	g->len = 0;
	big_blits(g, 4, 0x66);
	/* Queue on both; the blitter's first. */
	g->state[I915_CTX_RING_TAIL] = g->len * 4;
	wr(g, I915_BCS_BASE + I915_ENG_ELSP, 0);
	wr(g, I915_BCS_BASE + I915_ENG_ELSP, 0);
	wr(g, I915_BCS_BASE + I915_ENG_ELSP, CTX_ID);
	wr(g, I915_BCS_BASE + I915_ENG_ELSP, lower_32_bits(desc_of(GM_LRCA)));
	KUNIT_EXPECT_FALSE(test, rd(g, bcs_mode) & I915_MI_MODE_IDLE);
	wr(g, bcs_mode, (I915_MI_MODE_STOP_RING << 16) | I915_MI_MODE_STOP_RING);
	KUNIT_EXPECT_TRUE(test, rd(g, bcs_mode) & I915_MI_MODE_IDLE);
	/* The guest cannot set the idle bit itself. */
	wr(g, bcs_mode, (I915_MI_MODE_STOP_RING << 16));
	wr(g, bcs_mode, (I915_MI_MODE_IDLE << 16) | I915_MI_MODE_IDLE);
	KUNIT_EXPECT_FALSE(test, rd(g, bcs_mode) & I915_MI_MODE_IDLE);
	/* The render engine's reset leaves the blitter's work alone. */
	wr(g, I915_GDRST, I915_GDRST_RENDER);
	KUNIT_EXPECT_TRUE(test, rd(g, I915_BCS_BASE +
				   I915_ENG_EXECLIST_STATUS_LO) &
			  I915_EXECLIST_ACTIVE);
	wr(g, I915_GDRST, I915_GDRST_BLT);
	vmed_sched_wait_idle(g->vgpu);
	vmed_vgpu_get_stats(g->vgpu, &s);
	KUNIT_EXPECT_EQ(test, s.wl_cancelled, 1);
	KUNIT_EXPECT_EQ(test, s.wl_completed, 1);
	KUNIT_EXPECT_EQ(test, rd(g, I915_BCS_BASE + I915_ENG_EXECLIST_STATUS_LO),
			0);
	KUNIT_EXPECT_TRUE(test, rd(g, bcs_mode) & I915_MI_MODE_IDLE);
	KUNIT_EXPECT_EQ(test, frame(g, GFN_BUF)[0], 0x77);
}

/* Past the watchdog: the context fails with an error, the vGPU lives on. */
static void i915_watchdog(struct kunit *test)
{
	struct guest *g = guest_create(test);
	struct vmed_vgpu_stats s;
	u32 wp;

	KUNIT_ASSERT_EQ(test, vmed_device_set_watchdog_ms(g->env->dev, 1), 0);
	big_blits(g, 64, 0x66);
	elsp_submit(g, desc_of(GM_LRCA));
	wp = rd(g, I915_CSB_PTR) & I915_CSB_WRITE_MASK;
	KUNIT_EXPECT_TRUE(test, rd(g, I915_CSB(wp)) & I915_CSB_ERROR);
	KUNIT_EXPECT_TRUE(test, rd(g, I915_EXECLIST_STATUS_LO) &
				I915_EXECLIST_ERROR);
	KUNIT_EXPECT_FALSE(test, g->vgpu->failed);
	vmed_vgpu_get_stats(g->vgpu, &s);
	KUNIT_EXPECT_EQ(test, s.wl_timeouts, 1);
	/* The ring was consumed: the next submission starts clean. */
	KUNIT_EXPECT_EQ(test, g->state[I915_CTX_RING_HEAD], g->len * 4);
	KUNIT_ASSERT_EQ(test, vmed_device_set_watchdog_ms(g->env->dev, 10000), 0);
	sdi(g->ring, &g->len, true, GM_DST, 0x1234);
	g->state[I915_CTX_RING_TAIL] = g->len * 4;
	elsp_submit(g, desc_of(GM_LRCA));
	KUNIT_EXPECT_EQ(test, frame(g, GFN_DST)[0], 0x1234);
	KUNIT_EXPECT_FALSE(test, rd(g, I915_EXECLIST_STATUS_LO) &
				 I915_EXECLIST_ERROR);
}

/*
 * The same workload with a failure injected at every step of it: the
 * shadow-table limit reached at the n-th new table, KVM's (the fake's)
 * write tracking refusing its n-th call, or, copying over a page table,
 * the hypervisor refusing its n-th frame mapping. Whatever the step, the
 * vGPU ends either with the workload completed or failed cleanly: nothing
 * reported through guest memory after a failure, the engine reset once
 * the workload returned, nothing left mapped or tracked at teardown, no
 * sanitizer report.
 */
enum fail_kind { FAIL_LIMIT, FAIL_TRACK, FAIL_DMA_MAP };

struct fail_step {
	enum fail_kind kind;
	unsigned int at;
};

static const struct fail_step fail_steps[] = {
	{ FAIL_LIMIT, 0 }, { FAIL_LIMIT, 1 }, { FAIL_LIMIT, 5 },
	{ FAIL_LIMIT, 16 }, { FAIL_LIMIT, 31 }, { FAIL_LIMIT, 32 },
	{ FAIL_LIMIT, 33 }, { FAIL_LIMIT, 63 }, { FAIL_LIMIT, 64 },
	{ FAIL_TRACK, 0 }, { FAIL_TRACK, 1 }, { FAIL_TRACK, 2 },
	{ FAIL_TRACK, 16 }, { FAIL_TRACK, 32 }, { FAIL_TRACK, 63 },
	{ FAIL_TRACK, 64 }, { FAIL_DMA_MAP, 0 }, { FAIL_DMA_MAP, 1 },
	{ FAIL_DMA_MAP, 2 }, { FAIL_DMA_MAP, 16 }, { FAIL_DMA_MAP, 32 },
	{ FAIL_DMA_MAP, 64 },
};

static void fail_step_desc(const struct fail_step *f, char *desc)
{
	static const char * const what[] = {
		[FAIL_LIMIT] = "shadow-table limit",
		[FAIL_TRACK] = "track_add refused",
		[FAIL_DMA_MAP] = "dma_map refused",
	};

	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s at %u", what[f->kind], f->at);
}

KUNIT_ARRAY_PARAM(fail_step, fail_steps, fail_step_desc);

static void i915_fail_at_every_step(struct kunit *test)
{
	const struct fail_step *f = test->param_value;
	struct guest *g = guest_create(test);
	u32 *hwsp = frame(g, GFN_HWSP);

	switch (f->kind) {
	case FAIL_LIMIT:
		pde_copy_workload(g, GFN_PD);
		g->vgpu->ppgtt.max_spts = g->vgpu->ppgtt.nr_spts + f->at;
		break;
	case FAIL_TRACK:
		pde_copy_workload(g, GFN_PD);
		g->env->hv.fail_track = -ENOMEM;
		g->env->hv.fail_track_after = f->at;
		break;
	case FAIL_DMA_MAP:
		/* New leaf entries: each needs its frame mapped. */
		pde_copy_workload(g, GFN_PT);
		g->env->hv.fail_dma_map = -ENOMEM;
		g->env->hv.fail_dma_map_after = f->at;
		break;
	}
	submit(g);

	/* Every step inside the workload's 64 new entries was reached. */
	if (f->at < PDE_ROWS * PDE_PER_ROW) {
		KUNIT_EXPECT_EQ(test, g->env->hv.fail_track, 0);
		KUNIT_EXPECT_EQ(test, g->env->hv.fail_dma_map, 0);
	}
	/* The list started either way. */
	KUNIT_EXPECT_EQ(test, hwsp[I915_HWS_CSB_BUF0], I915_CSB_IDLE_ACTIVE);
	if (g->vgpu->failed) {
		KUNIT_EXPECT_EQ(test, hwsp[I915_HWS_CSB_BUF0 + 2], 0);
		KUNIT_EXPECT_EQ(test, g->state[I915_CTX_RING_HEAD], 0);
		KUNIT_EXPECT_EQ(test, iv(g)->nr_ppgtt, 0);
	} else {
		/* Completed (or refused and reported): the CSB says so. */
		KUNIT_EXPECT_TRUE(test, hwsp[I915_HWS_CSB_BUF0 + 2] &
					I915_CSB_COMPLETE);
	}
	/* A reset afterwards brings the vGPU back, as a guest would. */
	vmed_vgpu_reset(g->vgpu);
	KUNIT_EXPECT_FALSE(test, g->vgpu->failed);
	KUNIT_EXPECT_EQ(test, g->env->hv.mapped, 0);
	KUNIT_EXPECT_EQ(test, g->env->hv.tracked_frames, 0);
}

static void i915_bad_then_good(struct kunit *test)
{
	struct guest *g = guest_create(test);
	unsigned int i;

	for (i = 0; i < 3; i++) {
		g->len = 0;
		emit(g, I915_MI(0x3f, 0));
		emit(g, I915_MI(I915_MI_NOOP, 0));
		submit(g);
	}
	KUNIT_EXPECT_EQ(test, iv(g)->stats.by_error[I915_WL_BAD_OPCODE], 3);
	g->len = 0;
	sdi(g->ring, &g->len, true, GM_BUF, 7);
	submit(g);
	KUNIT_EXPECT_EQ(test, frame(g, GFN_BUF)[0], 7);
	KUNIT_EXPECT_EQ(test, rd(g, I915_EXECLIST_STATUS_LO), 0);
	KUNIT_EXPECT_FALSE(test, g->vgpu->failed);
}

static struct kunit_case i915_cases[] = {
	KUNIT_CASE(i915_pci_identity),
	KUNIT_CASE(i915_pvinfo),
	KUNIT_CASE(i915_misc_registers),
	KUNIT_CASE(i915_probe_registers),
	KUNIT_CASE(i915_described_registers),
	KUNIT_CASE(i915_pcode_mailbox),
	KUNIT_CASE(i915_reset_handshake),
	KUNIT_CASE(i915_gdrst),
	KUNIT_CASE(i915_aperture),
	KUNIT_CASE(i915_workload),
	KUNIT_CASE(i915_two_elements),
	KUNIT_CASE(i915_bad_opcode),
	KUNIT_CASE(i915_bad_lri),
	KUNIT_CASE(i915_pipe_control),
	KUNIT_CASE(i915_pipe_control_refused),
	KUNIT_CASE(i915_3d_skipped),
	KUNIT_CASE(i915_bad_length),
	KUNIT_CASE(i915_blit_outside_slice),
	KUNIT_CASE(i915_ppgtt_unmapped),
	KUNIT_CASE(i915_runaway_chain),
	KUNIT_CASE(i915_merged_requests),
	KUNIT_CASE(i915_runaway_batch),
	KUNIT_CASE(i915_fetch_budget),
	KUNIT_CASE(i915_ppgtt_read_only),
	KUNIT_CASE(i915_oversize_blit),
	KUNIT_CASE(i915_bad_lrca),
	KUNIT_CASE(i915_bad_ppgtt_root),
	KUNIT_CASE(i915_masked_interrupt),
	KUNIT_CASE(i915_reset_mid_submission),
	KUNIT_CASE(i915_bad_then_good),
	KUNIT_CASE(i915_fail_mid_blit),
	KUNIT_CASE(i915_elsp_is_async),
	KUNIT_CASE(i915_list_waits_behind),
	KUNIT_CASE(i915_lite_restore),
	KUNIT_CASE(i915_other_engines),
	KUNIT_CASE(i915_engine_reset_domains),
	KUNIT_CASE(i915_watchdog),
	KUNIT_CASE_PARAM(i915_fail_at_every_step, fail_step_gen_params),
	{}
};

static struct kunit_suite i915_suite = {
	.name = "vmed_i915",
	.test_cases = i915_cases,
};

kunit_test_suite(i915_suite);
