// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for vendors/nvidia-stub: drives the model as a guest driver
 * would, through MMIO, config space and fake guest memory only. The guest
 * builds a two-level channel address space (4 KiB pages and one 2 MiB big
 * page), puts the GPFIFO ring in graphics memory through the aperture page
 * table, writes pushbuffers and rings the doorbell; the tests check copied
 * bytes, semaphore payloads, GP_GET, status registers and MSIs, and that
 * hostile submissions execute nothing.
 */
#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/pci_regs.h>
#include <linux/sizes.h>
#include <linux/unaligned.h>
#include "fake_hv.h"
#include "../../vendors/nvidia-stub/nvstub.h"

/* Guest frames */
#define RING_GFN	10
#define PD_GFN		20
#define PT_GFN		21
#define PB_GFN		30	/* pushbuffer at PB_VA */
#define SRC_GFN		40	/* SRC_VA; SRC_VA + 4K is SRC2_GFN */
#define SRC2_GFN	45
#define DST_GFN		50	/* DST_VA; DST_VA + 4K is DST2_GFN */
#define DST2_GFN	51
#define SEM_GFN		60
#define RO_GFN		70	/* mapped without write enable */
#define BIG_GFN		512	/* 2 MiB page at BIG_VA */
#define NOTRAM_GFN	(FAKE_GUEST_FRAMES + 16)

/* Channel virtual addresses */
#define PB_VA		0x1000ULL
#define SRC_VA		0x4000ULL
#define DST_VA		0x8000ULL
#define SEM_VA		0x10000ULL
#define RO_VA		0x20000ULL
#define UNMAPPED_VA	0x30000ULL
#define BIG_VA		SZ_2M

#define RING_ENTRIES	8
#define MSI_ADDR	0xfee00000ULL
#define MSI_DATA	0x4041
#define CH0		NVS_CHAN(0)

struct nvt {
	struct kunit *test;
	struct fake_env *env;
	struct vmed_vgpu *vgpu;
	u32 put;
	__le32 *pb;	/* next free dword of the pushbuffer page */
	__le32 *seg;	/* start of the segment being written */
};

static void pte_set(struct nvt *t, u64 table_gfn, unsigned int i, u64 val)
{
	fake_write_entry(&t->env->hv, (table_gfn << PAGE_SHIFT) + i * 8, val);
}

static void irq_setup(struct nvt *t)
{
	struct kunit *test = t->test;
	struct vmed_vgpu *vgpu = t->vgpu;

	tv_cfg_write32(test, vgpu, NVS_MSI_CAP + PCI_MSI_ADDRESS_LO,
		       lower_32_bits(MSI_ADDR));
	tv_cfg_write32(test, vgpu, NVS_MSI_CAP + PCI_MSI_ADDRESS_HI, 0);
	tv_cfg_write16(test, vgpu, NVS_MSI_CAP + PCI_MSI_DATA_64, MSI_DATA);
	tv_cfg_write16(test, vgpu, NVS_MSI_CAP + PCI_MSI_FLAGS,
		       PCI_MSI_FLAGS_ENABLE);
	/* Everything resets masked: unmask, then enable. */
	tv_write32(test, vgpu, NVS_INTR_STALL + NVS_INTR_IMR,
		   (u32)~(NVS_STALL_COPY_DONE | NVS_STALL_ERROR));
	tv_write32(test, vgpu, NVS_INTR_NONSTALL + NVS_INTR_IMR,
		   (u32)~NVS_NONSTALL_SEMA);
	tv_write32(test, vgpu, NVS_INTR_STALL + NVS_INTR_IER,
		   NVS_STALL_COPY_DONE | NVS_STALL_ERROR);
	tv_write32(test, vgpu, NVS_INTR_NONSTALL + NVS_INTR_IER,
		   NVS_NONSTALL_SEMA);
	tv_write32(test, vgpu, NVS_INTR_MASTER, NVS_INTR_MASTER_ENABLE);
}

/* The guest driver's bring-up: APT entry for the ring, page tables, channel 0. */
static struct nvt *nvt_create(struct kunit *test, unsigned int type)
{
	struct nvt *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);
	u64 ring_gm;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, t);
	t->test = test;
	t->env = fake_env_create_vendor(test, &vmed_nvs_vendor, type);
	t->vgpu = t->env->vgpu;
	ring_gm = t->vgpu->gm_base[VMED_GM_MAPPABLE];
	tv_write64(test, t->vgpu, NVS_APT_OFFSET + (ring_gm >> PAGE_SHIFT) * 8,
		   NVS_PTE(RING_GFN));

	pte_set(t, PD_GFN, 0, NVS_PTE(PT_GFN));
	pte_set(t, PD_GFN, 1, NVS_PTE(BIG_GFN) | NVS_PDE_BIG);
	pte_set(t, PT_GFN, PB_VA >> 12, NVS_PTE(PB_GFN));
	pte_set(t, PT_GFN, SRC_VA >> 12, NVS_PTE(SRC_GFN));
	pte_set(t, PT_GFN, (SRC_VA >> 12) + 1, NVS_PTE(SRC2_GFN));
	pte_set(t, PT_GFN, DST_VA >> 12, NVS_PTE(DST_GFN) | NVS_PTE_VOL);
	pte_set(t, PT_GFN, (DST_VA >> 12) + 1, NVS_PTE(DST2_GFN));
	pte_set(t, PT_GFN, SEM_VA >> 12, NVS_PTE(SEM_GFN));
	pte_set(t, PT_GFN, RO_VA >> 12, NVS_PTE(RO_GFN) & ~NVS_PTE_WRITE);

	for (i = 0; i < PAGE_SIZE; i++) {
		((u8 *)fake_frame(&t->env->hv, SRC_GFN))[i] = i;
		((u8 *)fake_frame(&t->env->hv, SRC2_GFN))[i] = 0x80 ^ i;
	}
	t->pb = fake_frame(&t->env->hv, PB_GFN);
	t->seg = t->pb;

	tv_write64(test, t->vgpu, CH0 + NVS_CH_GPFIFO_BASE, ring_gm);
	tv_write32(test, t->vgpu, CH0 + NVS_CH_GPFIFO_ENTRIES, RING_ENTRIES);
	tv_write64(test, t->vgpu, CH0 + NVS_CH_PDB, (u64)PD_GFN << PAGE_SHIFT);
	tv_write32(test, t->vgpu, CH0 + NVS_CH_CTRL, NVS_CH_CTRL_ENABLE);
	KUNIT_ASSERT_EQ(test, tv_read32(test, t->vgpu, CH0 + NVS_CH_CTRL),
			NVS_CH_CTRL_ENABLE);
	KUNIT_ASSERT_EQ(test, tv_read32(test, t->vgpu, CH0 + NVS_CH_ERROR), 0);
	irq_setup(t);
	return t;
}

static u8 *frame(struct nvt *t, u64 gfn)
{
	return fake_frame(&t->env->hv, gfn);
}

static u32 rd(struct nvt *t, u32 offset)
{
	return tv_read32(t->test, t->vgpu, offset);
}

static void wr(struct nvt *t, u32 offset, u32 val)
{
	tv_write32(t->test, t->vgpu, offset, val);
}

/* Pushbuffer writers: one method with its data. */
static void mthd(struct nvt *t, u32 method, unsigned int n, u32 a0, u32 a1)
{
	*t->pb++ = cpu_to_le32(NVS_MTHD(method, n));
	if (n > 0)
		*t->pb++ = cpu_to_le32(a0);
	if (n > 1)
		*t->pb++ = cpu_to_le32(a1);
}

static void m_copy(struct nvt *t, u64 dst, u64 src, u32 len)
{
	mthd(t, NVS_M_SET_SRC, 2, lower_32_bits(src), upper_32_bits(src));
	mthd(t, NVS_M_SET_DST, 2, lower_32_bits(dst), upper_32_bits(dst));
	mthd(t, NVS_M_SET_LENGTH, 1, len, 0);
	mthd(t, NVS_M_LAUNCH_COPY, 0, 0, 0);
}

static void m_release(struct nvt *t, u64 va, u32 payload)
{
	mthd(t, NVS_M_SEMAPHORE_ADDRESS, 2, lower_32_bits(va), upper_32_bits(va));
	mthd(t, NVS_M_SEMAPHORE_RELEASE, 1, payload, 0);
}

/* Put a raw GPFIFO entry in the ring and advance GP_PUT (no doorbell). */
static void gp_push(struct nvt *t, u64 entry)
{
	put_unaligned_le64(entry, frame(t, RING_GFN) + t->put * 8);
	t->put = (t->put + 1) % RING_ENTRIES;
	wr(t, CH0 + NVS_CH_GP_PUT, t->put);
}

/* Close the segment written since the last call and queue it. */
static void gp_segment(struct nvt *t)
{
	u64 va = PB_VA + ((u8 *)t->seg - frame(t, PB_GFN));

	gp_push(t, NVS_GP_ENTRY(va, t->pb - t->seg));
	t->seg = t->pb;
}

/* Ring channel @c's doorbell and wait for the engine to be done. */
static void doorbell_ch(struct nvt *t, unsigned int c)
{
	wr(t, NVS_CHAN(c) + NVS_CH_DOORBELL, 1);
	vmed_sched_wait_idle(t->vgpu);
}

static void doorbell(struct nvt *t)
{
	doorbell_ch(t, 0);
}

static u32 sem(struct nvt *t)
{
	return get_unaligned_le32(frame(t, SEM_GFN));
}

static void expect_untouched(struct nvt *t)
{
	struct kunit *test = t->test;

	KUNIT_EXPECT_PTR_EQ(test, memchr_inv(frame(t, DST_GFN), 0, PAGE_SIZE),
			    NULL);
	KUNIT_EXPECT_PTR_EQ(test, memchr_inv(frame(t, DST2_GFN), 0, PAGE_SIZE),
			    NULL);
	KUNIT_EXPECT_EQ(test, sem(t), 0);
	KUNIT_EXPECT_EQ(test, nvs_vgpu(t->vgpu)->copies, 0);
	KUNIT_EXPECT_EQ(test, nvs_vgpu(t->vgpu)->releases, 0);
}

/* One failed entry: its error bit, index, the counter, ERROR raised. */
static void expect_error(struct nvt *t, u32 err, u32 entry, u32 count)
{
	struct kunit *test = t->test;

	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_ERROR), err);
	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_ERR_ENTRY), entry);
	KUNIT_EXPECT_EQ(test, rd(t, NVS_ERR_COUNT), count);
	KUNIT_EXPECT_TRUE(test, rd(t, NVS_INTR_STALL + NVS_INTR_IIR) &
			  NVS_STALL_ERROR);
}

static void nvstub_identity(struct kunit *test)
{
	struct nvt *t = nvt_create(test, NVS_TYPE_1C);
	struct vmed_vgpu *vgpu = t->vgpu;
	u8 buf[4];

	KUNIT_EXPECT_EQ(test, tv_cfg_read16(test, vgpu, PCI_VENDOR_ID),
			NVS_PCI_VENDOR);
	KUNIT_EXPECT_EQ(test, tv_cfg_read16(test, vgpu, PCI_DEVICE_ID),
			NVS_PCI_DEVICE);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, PCI_CLASS_REVISION) >> 8,
			NVS_PCI_CLASS);
	KUNIT_EXPECT_EQ(test, tv_cfg_read16(test, vgpu, NVS_MSI_CAP) & 0xff,
			PCI_CAP_ID_MSI);
	KUNIT_EXPECT_EQ(test, rd(t, NVS_BOOT0), NVS_BOOT0_VALUE);
	wr(t, NVS_BOOT0, 0);
	KUNIT_EXPECT_EQ(test, rd(t, NVS_BOOT0), NVS_BOOT0_VALUE);
	/* The VRAM window (BAR2) is not emulated. */
	KUNIT_EXPECT_EQ(test, vmed_mmio_read(vgpu, 1, 0, buf, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, vgpu->fences, 1);
}

static void nvstub_copy_release_nonstall(struct kunit *test)
{
	struct nvt *t = nvt_create(test, NVS_TYPE_1C);
	u8 *dst = frame(t, DST_GFN), *dst2 = frame(t, DST2_GFN);
	int i;

	/* 0x100 bytes from the end of one source page into the next, to the
	 * end of one destination page and into the next.
	 */
	m_copy(t, DST_VA + 0xfc0, SRC_VA + 0xf80, 0x100);
	m_release(t, SEM_VA + 8, 0xcafe0001);
	mthd(t, NVS_M_NOP, 0, 0, 0);
	mthd(t, NVS_M_NONSTALL_INTERRUPT, 0, 0, 0);
	gp_segment(t);
	KUNIT_EXPECT_EQ(test, t->env->hv.msis, 0);
	doorbell(t);

	for (i = 0; i < 0x40; i++) {
		KUNIT_EXPECT_EQ(test, dst[0xfc0 + i], (u8)(0xf80 + i));
		KUNIT_EXPECT_EQ(test, dst2[i], (u8)(0xfc0 + i));
	}
	for (i = 0; i < 0x80; i++)
		KUNIT_EXPECT_EQ(test, dst2[0x40 + i], (u8)(0x80 ^ i));
	KUNIT_EXPECT_EQ(test, dst2[0xc0], 0);
	KUNIT_EXPECT_EQ(test, dst[0xfbf], 0);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(frame(t, SEM_GFN) + 8),
			0xcafe0001);

	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_GP_GET), 1);
	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_ERROR), 0);
	KUNIT_EXPECT_EQ(test, rd(t, NVS_ERR_COUNT), 0);
	KUNIT_EXPECT_EQ(test, rd(t, NVS_INTR_STALL + NVS_INTR_IIR),
			NVS_STALL_COPY_DONE);
	KUNIT_EXPECT_EQ(test, rd(t, NVS_INTR_NONSTALL + NVS_INTR_IIR),
			NVS_NONSTALL_SEMA);
	KUNIT_EXPECT_EQ(test, rd(t, NVS_INTR_MASTER),
			NVS_INTR_MASTER_ENABLE | BIT(0) | BIT(1));
	/* NONSTALL asserts the line, COPY_DONE is a new event on top. */
	KUNIT_EXPECT_EQ(test, t->env->hv.msis, 2);
	KUNIT_EXPECT_EQ(test, t->env->hv.msi_addr, MSI_ADDR);
	KUNIT_EXPECT_EQ(test, t->env->hv.msi_data, MSI_DATA);
	KUNIT_EXPECT_EQ(test, nvs_vgpu(t->vgpu)->copy_bytes, 0x100);

	/* Acknowledge; a doorbell with GET == PUT does nothing. */
	wr(t, NVS_INTR_STALL + NVS_INTR_IIR, ~0u);
	wr(t, NVS_INTR_NONSTALL + NVS_INTR_IIR, ~0u);
	KUNIT_EXPECT_EQ(test, rd(t, NVS_INTR_MASTER), NVS_INTR_MASTER_ENABLE);
	doorbell(t);
	KUNIT_EXPECT_EQ(test, t->env->hv.msis, 2);
	KUNIT_EXPECT_EQ(test, nvs_vgpu(t->vgpu)->copies, 1);
}

static void nvstub_big_page(struct kunit *test)
{
	struct nvt *t = nvt_create(test, NVS_TYPE_1C);
	u8 *a = frame(t, BIG_GFN + 5), *b = frame(t, BIG_GFN + 6);
	u8 *c = frame(t, BIG_GFN + 300), *d = frame(t, BIG_GFN + 301);
	int i;

	/* 4 KiB pages into the 2 MiB page, crossing one of its 4 KiB frames. */
	m_copy(t, BIG_VA + 6 * PAGE_SIZE - 0x20, SRC_VA, 0x40);
	/* Within the 2 MiB page, crossing frames on both sides. */
	m_copy(t, BIG_VA + 301 * PAGE_SIZE - 0x10, BIG_VA + 6 * PAGE_SIZE - 0x20,
	       0x40);
	m_release(t, BIG_VA + SZ_1M, 7);
	gp_segment(t);
	doorbell(t);

	for (i = 0; i < 0x20; i++) {
		KUNIT_EXPECT_EQ(test, a[PAGE_SIZE - 0x20 + i], (u8)i);
		KUNIT_EXPECT_EQ(test, b[i], (u8)(0x20 + i));
	}
	for (i = 0; i < 0x10; i++)
		KUNIT_EXPECT_EQ(test, c[PAGE_SIZE - 0x10 + i], (u8)i);
	for (i = 0; i < 0x30; i++)
		KUNIT_EXPECT_EQ(test, d[i], (u8)(0x10 + i));
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(frame(t, BIG_GFN + 256)), 7);
	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_ERROR), 0);
	KUNIT_EXPECT_EQ(test, nvs_vgpu(t->vgpu)->copies, 2);
}

static void nvstub_64k_page(struct kunit *test)
{
	struct nvt *t = nvt_create(test, NVS_TYPE_1C);
	u64 va = 0x40000, bad_va = 0x51000;	/* PT index 64 and 81 */
	int i;

	/* Frames 96..111 as one 64 KiB page; index 81 is not 16-aligned. */
	pte_set(t, PT_GFN, va >> 12, NVS_PTE(96) | NVS_PTE_BIG);
	pte_set(t, PT_GFN, (va >> 12) + 3, NVS_PTE(SRC_GFN));	/* ignored */
	pte_set(t, PT_GFN, bad_va >> 12, NVS_PTE(128) | NVS_PTE_BIG);
	/* Rebind so the channel shadows the new entries. */
	tv_write32(test, t->vgpu, CH0 + NVS_CH_CTRL, 0);
	tv_write32(test, t->vgpu, CH0 + NVS_CH_CTRL, NVS_CH_CTRL_ENABLE);
	t->put = 0;

	/* Across frames 2 and 3 of the big page, then into its last frame. */
	m_copy(t, va + 3 * PAGE_SIZE - 0x10, SRC_VA, 0x20);
	m_release(t, va + 15 * PAGE_SIZE + 0x100, 0x64);
	gp_segment(t);
	m_copy(t, bad_va, SRC_VA, 4);
	gp_segment(t);
	doorbell(t);

	for (i = 0; i < 0x10; i++) {
		KUNIT_EXPECT_EQ(test, frame(t, 98)[PAGE_SIZE - 0x10 + i], (u8)i);
		KUNIT_EXPECT_EQ(test, frame(t, 99)[i], (u8)(0x10 + i));
	}
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(frame(t, 111) + 0x100), 0x64);
	/* The entry the big page covers was not used. */
	KUNIT_EXPECT_EQ(test, frame(t, SRC_GFN)[0], 0);
	expect_error(t, NVS_ERR_FAULT, 1, 1);
	KUNIT_EXPECT_EQ(test, t->env->vgpu->stats.ppgtt_scratch, 1);
}

static void nvstub_ring_wraps(struct kunit *test)
{
	struct nvt *t = nvt_create(test, NVS_TYPE_1C);
	int i;

	/* Three doorbells of five, three and four entries: GET wraps. */
	for (i = 1; i <= 12; i++) {
		m_release(t, SEM_VA, i);
		gp_segment(t);
		if (i == 5 || i == 8 || i == 12) {
			doorbell(t);
			KUNIT_EXPECT_EQ(test, sem(t), i);
			KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_GP_GET),
					i % RING_ENTRIES);
		}
	}
	KUNIT_EXPECT_EQ(test, nvs_vgpu(t->vgpu)->entries, 12);
	KUNIT_EXPECT_EQ(test, nvs_vgpu(t->vgpu)->releases, 12);
	KUNIT_EXPECT_EQ(test, rd(t, NVS_ERR_COUNT), 0);
}

static void nvstub_unknown_method(struct kunit *test)
{
	struct nvt *t = nvt_create(test, NVS_TYPE_1C);

	/* A valid copy and release, then garbage: nothing may run. */
	m_copy(t, DST_VA, SRC_VA, 0x10);
	m_release(t, SEM_VA, 1);
	mthd(t, 0x55, 0, 0, 0);
	gp_segment(t);
	doorbell(t);
	expect_untouched(t);
	expect_error(t, NVS_ERR_METHOD, 0, 1);
	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_GP_GET), 1);
	KUNIT_EXPECT_EQ(test, t->env->hv.msis, 1);

	/* Wrong data count, and a launch without a length. */
	mthd(t, NVS_M_SET_LENGTH, 2, 4, 4);
	gp_segment(t);
	mthd(t, NVS_M_SET_SRC, 2, SRC_VA, 0);
	mthd(t, NVS_M_SET_DST, 2, DST_VA, 0);
	mthd(t, NVS_M_LAUNCH_COPY, 0, 0, 0);
	gp_segment(t);
	/* Truncated: the header promises data past the segment's end. */
	mthd(t, NVS_M_SEMAPHORE_RELEASE, 1, 1, 0);
	t->pb--;
	gp_segment(t);
	doorbell(t);
	expect_untouched(t);
	expect_error(t, NVS_ERR_METHOD, 3, 4);
	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_GP_GET), 4);

	/* The channel still works; ERROR is write-one-to-clear. */
	wr(t, CH0 + NVS_CH_ERROR, NVS_ERR_METHOD);
	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_ERROR), 0);
	m_release(t, SEM_VA, 2);
	gp_segment(t);
	doorbell(t);
	KUNIT_EXPECT_EQ(test, sem(t), 2);
	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_ERROR), 0);
	KUNIT_EXPECT_EQ(test, rd(t, NVS_ERR_COUNT), 4);
}

static void nvstub_copy_fault(struct kunit *test)
{
	struct nvt *t = nvt_create(test, NVS_TYPE_1C);

	/* Destination runs from a mapped page into an unmapped one. */
	m_release(t, SEM_VA, 1);
	m_copy(t, DST_VA + PAGE_SIZE, SRC_VA, PAGE_SIZE + 1);
	gp_segment(t);
	/* Wholly unmapped destination; unmapped source. */
	m_copy(t, UNMAPPED_VA, SRC_VA, 4);
	gp_segment(t);
	m_copy(t, DST_VA, UNMAPPED_VA, 5);
	gp_segment(t);
	/* Beyond the 1 GiB address space (would alias VA 0x4000). */
	m_copy(t, DST_VA, BIT_ULL(NVS_VA_BITS) + SRC_VA, 4);
	gp_segment(t);
	/* Semaphore unmapped, and misaligned. */
	m_release(t, UNMAPPED_VA, 1);
	gp_segment(t);
	m_release(t, SEM_VA + 2, 1);
	gp_segment(t);
	doorbell(t);
	expect_untouched(t);
	expect_error(t, NVS_ERR_FAULT, 5, 6);
	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_GP_GET), 6);
}

static void nvstub_read_only(struct kunit *test)
{
	struct nvt *t = nvt_create(test, NVS_TYPE_1C);

	memset(frame(t, RO_GFN), 0xa5, PAGE_SIZE);
	m_copy(t, RO_VA, SRC_VA, 8);
	gp_segment(t);
	m_release(t, RO_VA + 0x100, 1);
	gp_segment(t);
	/* Reading a read-only page is fine. */
	m_copy(t, DST_VA, RO_VA, 8);
	gp_segment(t);
	doorbell(t);
	KUNIT_EXPECT_PTR_EQ(test, memchr_inv(frame(t, RO_GFN), 0xa5, PAGE_SIZE),
			    NULL);
	expect_error(t, NVS_ERR_FAULT, 1, 2);
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(frame(t, DST_GFN)),
			0xa5a5a5a5a5a5a5a5ULL);
	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_GP_GET), 3);
}

static void nvstub_oversize(struct kunit *test)
{
	struct nvt *t = nvt_create(test, NVS_TYPE_1C);

	m_copy(t, DST_VA, SRC_VA, NVS_COPY_MAX + 1);
	gp_segment(t);
	m_copy(t, DST_VA, SRC_VA, U32_MAX);
	gp_segment(t);
	/* A segment longer than the engine takes. */
	m_release(t, SEM_VA, 1);
	gp_push(t, NVS_GP_ENTRY(PB_VA, NVS_PB_MAX_DWORDS + 1));
	doorbell(t);
	expect_untouched(t);
	expect_error(t, NVS_ERR_LENGTH, 2, 3);
	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_GP_GET), 3);
}

static void nvstub_bad_gpfifo_entry(struct kunit *test)
{
	struct nvt *t = nvt_create(test, NVS_TYPE_1C);

	m_release(t, SEM_VA, 1);	/* 5 dwords at PB_VA */
	/* Segment outside the address space, unmapped, reserved bits set,
	 * misaligned.
	 */
	gp_push(t, NVS_GP_ENTRY(BIT_ULL(NVS_VA_BITS) + PB_VA, 5));
	gp_push(t, NVS_GP_ENTRY(UNMAPPED_VA, 5));
	gp_push(t, NVS_GP_ENTRY(PB_VA, 5) | BIT_ULL(63));
	gp_push(t, NVS_GP_ENTRY(PB_VA + 2, 5));
	/* Segment running off the end of its mapping. */
	gp_push(t, NVS_GP_ENTRY(PB_VA + PAGE_SIZE - 8, 5));
	doorbell(t);
	expect_untouched(t);
	expect_error(t, NVS_ERR_GPFIFO, 4, 5);
	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_GP_GET), 5);

	/* A ring outside the vGPU's graphics memory. */
	wr(t, CH0 + NVS_CH_GP_PUT, 6);
	tv_write64(test, t->vgpu, CH0 + NVS_CH_GPFIFO_BASE, 0);
	if (t->vgpu->gm_base[VMED_GM_MAPPABLE] == 0)
		tv_write64(test, t->vgpu, CH0 + NVS_CH_GPFIFO_BASE,
			   t->vgpu->gm_size[VMED_GM_MAPPABLE]);
	doorbell(t);
	expect_untouched(t);
	expect_error(t, NVS_ERR_GPFIFO, 5, 6);
	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_GP_GET), 6);
}

static void nvstub_put_outside_ring(struct kunit *test)
{
	struct nvt *t = nvt_create(test, NVS_TYPE_1C);

	m_release(t, SEM_VA, 1);
	gp_segment(t);
	wr(t, CH0 + NVS_CH_GP_PUT, RING_ENTRIES);
	doorbell(t);
	wr(t, CH0 + NVS_CH_GP_PUT, U32_MAX);
	doorbell(t);
	expect_untouched(t);
	expect_error(t, NVS_ERR_PUT, 0, 2);
	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_GP_GET), 0);
	/* GP_GET is the engine's. */
	wr(t, CH0 + NVS_CH_GP_GET, 5);
	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_GP_GET), 0);

	/* A ring size that is not a power of two stops the channel too. */
	wr(t, CH0 + NVS_CH_GP_PUT, 1);
	wr(t, CH0 + NVS_CH_GPFIFO_ENTRIES, 6);
	doorbell(t);
	expect_untouched(t);
	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_ERROR),
			NVS_ERR_PUT | NVS_ERR_GPFIFO);
	KUNIT_EXPECT_EQ(test, rd(t, NVS_ERR_COUNT), 3);
}

static void nvstub_bad_pdb(struct kunit *test)
{
	struct nvt *t = nvt_create(test, NVS_TYPE_1C);
	struct vmed_vgpu *vgpu = t->vgpu;

	wr(t, CH0 + NVS_CH_CTRL, 0);
	KUNIT_EXPECT_NULL(test, nvs_vgpu(vgpu)->chan[0].mm);
	/* Not guest memory; and zero. */
	tv_write64(test, vgpu, CH0 + NVS_CH_PDB, (u64)NOTRAM_GFN << PAGE_SHIFT);
	wr(t, CH0 + NVS_CH_CTRL, NVS_CH_CTRL_ENABLE);
	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_CTRL), 0);
	expect_error(t, NVS_ERR_BIND, 0, 1);
	tv_write64(test, vgpu, CH0 + NVS_CH_PDB, 0);
	wr(t, CH0 + NVS_CH_CTRL, NVS_CH_CTRL_ENABLE);
	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_CTRL), 0);
	KUNIT_EXPECT_EQ(test, rd(t, NVS_ERR_COUNT), 2);
	KUNIT_EXPECT_NULL(test, nvs_vgpu(vgpu)->chan[0].mm);

	/* The low bits of PDB cannot be set: it is always page aligned. */
	tv_write64(test, vgpu, CH0 + NVS_CH_PDB,
		   ((u64)PD_GFN << PAGE_SHIFT) | 0x123);
	KUNIT_EXPECT_EQ(test, tv_read64(test, vgpu, CH0 + NVS_CH_PDB),
			(u64)PD_GFN << PAGE_SHIFT);

	/* The doorbell of an unbound channel consumes nothing. */
	m_release(t, SEM_VA, 1);
	gp_segment(t);
	doorbell(t);
	expect_untouched(t);
	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_ERROR),
			NVS_ERR_BIND | NVS_ERR_DISABLED);
	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_GP_GET), 0);
	KUNIT_EXPECT_EQ(test, rd(t, NVS_ERR_COUNT), 3);
}

static void nvstub_pdb_change_unbinds(struct kunit *test)
{
	struct nvt *t = nvt_create(test, NVS_TYPE_1C);
	struct vmed_vgpu *vgpu = t->vgpu;

	KUNIT_EXPECT_NOT_NULL(test, nvs_vgpu(vgpu)->chan[0].mm);
	KUNIT_EXPECT_GT(test, t->env->hv.tracked_frames, 0);
	/* Changing the high half alone is a change. */
	wr(t, CH0 + NVS_CH_PDB + 4, 1);
	KUNIT_EXPECT_NULL(test, nvs_vgpu(vgpu)->chan[0].mm);
	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_CTRL), 0);
	KUNIT_EXPECT_EQ(test, t->env->hv.tracked_frames, 0);
	m_release(t, SEM_VA, 1);
	gp_segment(t);
	doorbell(t);
	expect_untouched(t);
	expect_error(t, NVS_ERR_DISABLED, 0, 1);

	/* Rebinding to the right tables resumes at GP_GET 0. */
	wr(t, CH0 + NVS_CH_PDB + 4, 0);
	wr(t, CH0 + NVS_CH_CTRL, NVS_CH_CTRL_ENABLE);
	doorbell(t);
	KUNIT_EXPECT_EQ(test, sem(t), 1);
	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_GP_GET), 1);
}

static void nvstub_masked_interrupt(struct kunit *test)
{
	struct nvt *t = nvt_create(test, NVS_TYPE_1C);

	wr(t, NVS_INTR_NONSTALL + NVS_INTR_IMR, NVS_NONSTALL_SEMA);
	wr(t, NVS_INTR_STALL + NVS_INTR_IMR, NVS_STALL_COPY_DONE);
	m_copy(t, DST_VA, SRC_VA, 4);
	m_release(t, SEM_VA, 3);
	mthd(t, NVS_M_NONSTALL_INTERRUPT, 0, 0, 0);
	gp_segment(t);
	doorbell(t);
	KUNIT_EXPECT_EQ(test, sem(t), 3);
	KUNIT_EXPECT_EQ(test, rd(t, NVS_INTR_NONSTALL + NVS_INTR_IIR), 0);
	KUNIT_EXPECT_EQ(test, rd(t, NVS_INTR_STALL + NVS_INTR_IIR), 0);
	KUNIT_EXPECT_EQ(test, t->env->hv.msis, 0);
	KUNIT_EXPECT_EQ(test, t->vgpu->stats.irq_masked, 2);

	/* Unmasked but master disabled: latched, no MSI until enabled. */
	wr(t, NVS_INTR_NONSTALL + NVS_INTR_IMR, 0);
	wr(t, NVS_INTR_MASTER, 0);
	mthd(t, NVS_M_NONSTALL_INTERRUPT, 0, 0, 0);
	gp_segment(t);
	doorbell(t);
	KUNIT_EXPECT_EQ(test, rd(t, NVS_INTR_NONSTALL + NVS_INTR_IIR),
			NVS_NONSTALL_SEMA);
	KUNIT_EXPECT_EQ(test, t->env->hv.msis, 0);
	wr(t, NVS_INTR_MASTER, NVS_INTR_MASTER_ENABLE);
	KUNIT_EXPECT_EQ(test, t->env->hv.msis, 1);
}

static void nvstub_reset_mid_use(struct kunit *test)
{
	struct nvt *t = nvt_create(test, NVS_TYPE_1C);
	struct vmed_vgpu *vgpu = t->vgpu;

	m_release(t, SEM_VA, 1);
	gp_segment(t);
	doorbell(t);
	KUNIT_EXPECT_EQ(test, sem(t), 1);
	/* Queued but not rung when the reset comes. */
	m_copy(t, DST_VA, SRC_VA, 16);
	gp_segment(t);

	vmed_vgpu_reset(vgpu);
	KUNIT_EXPECT_NULL(test, nvs_vgpu(vgpu)->chan[0].mm);
	KUNIT_EXPECT_EQ(test, t->env->hv.mapped, 0);
	KUNIT_EXPECT_EQ(test, t->env->hv.tracked_frames, 0);
	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_CTRL), 0);
	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_GP_GET), 0);
	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_GP_PUT), 0);
	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_PDB), 0);

	/* The old PUT written again: the channel is gone, nothing runs. */
	wr(t, CH0 + NVS_CH_GP_PUT, 2);
	doorbell(t);
	KUNIT_EXPECT_PTR_EQ(test, memchr_inv(frame(t, DST_GFN), 0, PAGE_SIZE),
			    NULL);
	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_ERROR), NVS_ERR_DISABLED);
	KUNIT_EXPECT_EQ(test, nvs_vgpu(vgpu)->copies, 0);
}

static void nvstub_channels_per_type(struct kunit *test)
{
	struct nvt *t = nvt_create(test, NVS_TYPE_1C);
	u32 ch1 = NVS_CHAN(1);

	/* A 1-channel vGPU cannot bind or ring channel 1. */
	tv_write64(test, t->vgpu, ch1 + NVS_CH_GPFIFO_BASE,
		   t->vgpu->gm_base[VMED_GM_MAPPABLE]);
	wr(t, ch1 + NVS_CH_GPFIFO_ENTRIES, RING_ENTRIES);
	tv_write64(test, t->vgpu, ch1 + NVS_CH_PDB, (u64)PD_GFN << PAGE_SHIFT);
	wr(t, ch1 + NVS_CH_CTRL, NVS_CH_CTRL_ENABLE);
	KUNIT_EXPECT_EQ(test, rd(t, ch1 + NVS_CH_CTRL), 0);
	KUNIT_EXPECT_EQ(test, rd(t, ch1 + NVS_CH_ERROR), NVS_ERR_BIND);
	wr(t, ch1 + NVS_CH_GP_PUT, 1);
	doorbell_ch(t, 1);
	KUNIT_EXPECT_EQ(test, rd(t, ch1 + NVS_CH_ERROR),
			NVS_ERR_BIND | NVS_ERR_DISABLED);
	KUNIT_EXPECT_EQ(test, rd(t, NVS_ERR_COUNT), 2);
	expect_untouched(t);
}

static void nvstub_two_channels_share_tables(struct kunit *test)
{
	struct nvt *t = nvt_create(test, NVS_TYPE_2C);
	u32 ch1 = NVS_CHAN(1);
	u64 ring1 = t->vgpu->gm_base[VMED_GM_MAPPABLE] + PAGE_SIZE;

	/* Channel 1: its own ring page, the same address space. */
	tv_write64(test, t->vgpu,
		   NVS_APT_OFFSET + (ring1 >> PAGE_SHIFT) * 8, NVS_PTE(11));
	tv_write64(test, t->vgpu, ch1 + NVS_CH_GPFIFO_BASE, ring1);
	wr(t, ch1 + NVS_CH_GPFIFO_ENTRIES, 2);
	tv_write64(test, t->vgpu, ch1 + NVS_CH_PDB, (u64)PD_GFN << PAGE_SHIFT);
	wr(t, ch1 + NVS_CH_CTRL, NVS_CH_CTRL_ENABLE);
	KUNIT_EXPECT_PTR_EQ(test, nvs_vgpu(t->vgpu)->chan[0].mm,
			    nvs_vgpu(t->vgpu)->chan[1].mm);

	m_release(t, SEM_VA + 4, 0x11);
	put_unaligned_le64(NVS_GP_ENTRY(PB_VA, 5), frame(t, 11));
	wr(t, ch1 + NVS_CH_GP_PUT, 1);
	doorbell_ch(t, 1);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(frame(t, SEM_GFN) + 4), 0x11);
	KUNIT_EXPECT_EQ(test, rd(t, ch1 + NVS_CH_GP_GET), 1);
	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_GP_GET), 0);

	/* Channel 0 unbinding keeps channel 1's tables alive. */
	wr(t, CH0 + NVS_CH_CTRL, 0);
	KUNIT_EXPECT_GT(test, t->env->hv.tracked_frames, 0);
	wr(t, ch1 + NVS_CH_CTRL, 0);
	KUNIT_EXPECT_EQ(test, t->env->hv.tracked_frames, 0);
	KUNIT_EXPECT_EQ(test, rd(t, NVS_ERR_COUNT), 0);
}

static void nvstub_doorbell_budget(struct kunit *test)
{
	struct nvt *t = nvt_create(test, NVS_TYPE_1C);
	u64 va = 2 * SZ_2M;
	int i;

	/* 16 MiB of address space, every 2 MiB of it the same big page. */
	for (i = 2; i < 10; i++)
		pte_set(t, PD_GFN, i, NVS_PTE(BIG_GFN) | NVS_PDE_BIG);
	wr(t, CH0 + NVS_CH_CTRL, 0);
	wr(t, CH0 + NVS_CH_CTRL, NVS_CH_CTRL_ENABLE);

	/* More than a doorbell's worth in one entry: refused. */
	for (i = 0; i < 5; i++)
		m_copy(t, va, va, NVS_COPY_MAX);
	gp_segment(t);
	/* Exactly a doorbell's worth, then a small entry that must wait. */
	for (i = 0; i < 4; i++)
		m_copy(t, va, va, NVS_COPY_MAX);
	gp_segment(t);
	m_copy(t, DST_VA, SRC_VA, 16);
	m_release(t, SEM_VA, 9);
	gp_segment(t);
	/* The refused entry had 64 MiB checked: that is this doorbell's. */
	doorbell(t);
	expect_error(t, NVS_ERR_LENGTH, 0, 1);
	KUNIT_EXPECT_EQ(test, nvs_vgpu(t->vgpu)->copies, 0);
	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_GP_GET), 1);
	doorbell(t);
	KUNIT_EXPECT_EQ(test, nvs_vgpu(t->vgpu)->copies, 4);
	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_GP_GET), 2);
	KUNIT_EXPECT_EQ(test, sem(t), 0);
	doorbell(t);
	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_GP_GET), 3);
	KUNIT_EXPECT_EQ(test, sem(t), 9);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(frame(t, DST_GFN)), 0x03020100);
	KUNIT_EXPECT_EQ(test, rd(t, NVS_ERR_COUNT), 1);
}

/* 16 MiB of address space at 4 MiB, every 2 MiB of it the same big page. */
static u64 big_space(struct nvt *t)
{
	int i;

	for (i = 2; i < 10; i++)
		pte_set(t, PD_GFN, i, NVS_PTE(BIG_GFN) | NVS_PDE_BIG);
	wr(t, CH0 + NVS_CH_CTRL, 0);
	wr(t, CH0 + NVS_CH_CTRL, NVS_CH_CTRL_ENABLE);
	return 2 * SZ_2M;
}

/* The doorbell queues the work and returns; GP_GET follows the engine. */
static void nvstub_doorbell_is_async(struct kunit *test)
{
	struct nvt *t = nvt_create(test, NVS_TYPE_1C);
	u64 va = big_space(t);

	m_copy(t, va, va, NVS_COPY_MAX);
	m_release(t, SEM_VA, 3);
	gp_segment(t);
	wr(t, CH0 + NVS_CH_DOORBELL, 1);
	/* 256 steps of copying to go: the guest reads the engine busy. */
	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_GP_GET), 0);
	KUNIT_EXPECT_EQ(test, sem(t), 0);
	vmed_sched_wait_idle(t->vgpu);
	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_GP_GET), 1);
	KUNIT_EXPECT_EQ(test, sem(t), 3);
	KUNIT_EXPECT_EQ(test, nvs_vgpu(t->vgpu)->copy_bytes, NVS_COPY_MAX);
	KUNIT_EXPECT_TRUE(test, rd(t, NVS_INTR_STALL + NVS_INTR_IIR) &
			  NVS_STALL_COPY_DONE);
	KUNIT_EXPECT_EQ(test, rd(t, NVS_ERR_COUNT), 0);
}

/* Unbinding with entries queued drops them, without an error. */
static void nvstub_unbind_drops_queued(struct kunit *test)
{
	struct nvt *t = nvt_create(test, NVS_TYPE_1C);
	u64 va = big_space(t);
	struct vmed_vgpu_stats s;

	m_copy(t, va, va, NVS_COPY_MAX);
	m_release(t, SEM_VA, 4);
	gp_segment(t);
	m_release(t, SEM_VA, 5);
	gp_segment(t);
	wr(t, CH0 + NVS_CH_DOORBELL, 1);
	wr(t, CH0 + NVS_CH_CTRL, 0);
	vmed_sched_wait_idle(t->vgpu);
	KUNIT_EXPECT_EQ(test, sem(t), 0);
	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_ERROR), 0);
	KUNIT_EXPECT_EQ(test, rd(t, NVS_ERR_COUNT), 0);
	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_GP_GET), 0);
	vmed_vgpu_get_stats(t->vgpu, &s);
	KUNIT_EXPECT_EQ(test, s.workloads, 2);
	/* Bound again: GP_GET restarts at 0, the ring runs from there. */
	wr(t, CH0 + NVS_CH_CTRL, NVS_CH_CTRL_ENABLE);
	doorbell(t);
	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_GP_GET), 2);
	KUNIT_EXPECT_EQ(test, sem(t), 5);
	KUNIT_EXPECT_EQ(test, rd(t, NVS_ERR_COUNT), 0);
}

/* Past the watchdog: the entry and the one behind it fail, the channel lives. */
static void nvstub_watchdog(struct kunit *test)
{
	struct nvt *t = nvt_create(test, NVS_TYPE_1C);
	u64 va = big_space(t);
	struct vmed_vgpu_stats s;
	int i;

	KUNIT_ASSERT_EQ(test, vmed_device_set_watchdog_ms(t->env->dev, 1), 0);
	/* 48 MiB: the entry behind it still fits the doorbell's budget. */
	for (i = 0; i < 3; i++)
		m_copy(t, va, va, NVS_COPY_MAX);
	gp_segment(t);
	m_release(t, SEM_VA, 6);
	gp_segment(t);
	doorbell(t);
	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_ERROR), NVS_ERR_TIMEOUT);
	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_ERR_ENTRY), 1);
	KUNIT_EXPECT_EQ(test, rd(t, NVS_ERR_COUNT), 2);
	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_GP_GET), 2);
	KUNIT_EXPECT_EQ(test, sem(t), 0);
	KUNIT_EXPECT_FALSE(test, t->vgpu->failed);
	vmed_vgpu_get_stats(t->vgpu, &s);
	KUNIT_EXPECT_EQ(test, s.wl_timeouts, 1);
	KUNIT_EXPECT_EQ(test, s.wl_cancelled, 1);
	/* The channel takes work again. */
	wr(t, CH0 + NVS_CH_ERROR, NVS_ERR_TIMEOUT);
	m_release(t, SEM_VA, 7);
	gp_segment(t);
	doorbell(t);
	KUNIT_EXPECT_EQ(test, sem(t), 7);
	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_ERROR), 0);
}

static void nvstub_guest_remaps(struct kunit *test)
{
	struct nvt *t = nvt_create(test, NVS_TYPE_1C);
	u64 gpa = ((u64)PT_GFN << PAGE_SHIFT) + (DST_VA >> 12) * 8;
	__le32 lo;
	__le64 val = 0;

	/* The guest unmaps the destination (a trapped 8-byte write). */
	fake_write_entry(&t->env->hv, gpa, 0);
	KUNIT_EXPECT_EQ(test, vmed_page_write(t->vgpu, gpa, &val, 8), 0);
	m_copy(t, DST_VA, SRC_VA, 16);
	gp_segment(t);
	doorbell(t);
	expect_untouched(t);
	expect_error(t, NVS_ERR_FAULT, 0, 1);

	/*
	 * It maps it again with one 4-byte write (the high half stays 0):
	 * the doorbell's shadow sync applies it before the engine runs.
	 */
	lo = cpu_to_le32(lower_32_bits(NVS_PTE(DST_GFN)));
	put_unaligned_le32(lower_32_bits(NVS_PTE(DST_GFN)),
			   frame(t, PT_GFN) + offset_in_page(gpa));
	KUNIT_EXPECT_EQ(test, vmed_page_write(t->vgpu, gpa, &lo, 4), 0);
	m_copy(t, DST_VA, SRC_VA, 16);
	gp_segment(t);
	doorbell(t);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(frame(t, DST_GFN) + 12),
			0x0f0e0d0c);
	KUNIT_EXPECT_EQ(test, rd(t, NVS_ERR_COUNT), 1);
	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_GP_GET), 2);
}

static void nvstub_page_table_writes(struct kunit *test)
{
	struct nvt *t = nvt_create(test, NVS_TYPE_1C);
	u64 pt_va = 0x40000;
	u8 *snap;

	/* The guest maps its own page table, writable, and rebinds. */
	pte_set(t, PT_GFN, pt_va >> 12, NVS_PTE(PT_GFN));
	wr(t, CH0 + NVS_CH_CTRL, 0);
	wr(t, CH0 + NVS_CH_CTRL, NVS_CH_CTRL_ENABLE);
	snap = kunit_kmalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, snap);
	memcpy(snap, frame(t, PT_GFN), PAGE_SIZE);

	/* Writes would bypass write tracking: refused. Reads are fine. */
	m_copy(t, pt_va + (DST_VA >> 12) * 8, SRC_VA, 8);
	gp_segment(t);
	m_release(t, pt_va + (UNMAPPED_VA >> 12) * 8, 0x3001);
	gp_segment(t);
	m_copy(t, DST_VA, pt_va + (SRC_VA >> 12) * 8, 8);
	gp_segment(t);
	doorbell(t);
	KUNIT_EXPECT_MEMEQ(test, frame(t, PT_GFN), snap, PAGE_SIZE);
	expect_error(t, NVS_ERR_FAULT, 1, 2);
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(frame(t, DST_GFN)),
			NVS_PTE(SRC_GFN));
	KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_GP_GET), 3);
}

/*
 * A failure at every step of a doorbell's work: new page tables and new
 * entries written by the guest (each reported as a trapped write, which
 * shadows 8 new tables and maps 40 new frames), then a doorbell for 40
 * copies through them and a semaphore release. The shadow-table limit at
 * the n-th new table, the hypervisor's
 * write tracking refusing its n-th call or its n-th DMA mapping call:
 * whatever the step, the vGPU ends with the work done (or reported
 * through the channel's error registers) or failed cleanly: nothing of the
 * guest's memory touched after the failure, the channel's address space
 * released, nothing left mapped or tracked after a reset.
 */
#define FAIL_NEW_PTS	8
#define FAIL_NEW_PTES	32
#define FAIL_PT_GFN	100	/* the new page tables */
#define FAIL_LEAF_GFN	1100	/* their frames, then PT_GFN's new ones */
#define FAIL_SEM	0x5eed

enum nvs_fail_kind { NVS_FAIL_LIMIT, NVS_FAIL_TRACK, NVS_FAIL_DMA_MAP };

struct nvs_fail_step {
	enum nvs_fail_kind kind;
	unsigned int at;
};

static const struct nvs_fail_step nvs_fail_steps[] = {
	{ NVS_FAIL_LIMIT, 0 }, { NVS_FAIL_LIMIT, 1 }, { NVS_FAIL_LIMIT, 4 },
	{ NVS_FAIL_LIMIT, 7 }, { NVS_FAIL_LIMIT, 8 },
	{ NVS_FAIL_TRACK, 0 }, { NVS_FAIL_TRACK, 1 }, { NVS_FAIL_TRACK, 4 },
	{ NVS_FAIL_TRACK, 7 }, { NVS_FAIL_TRACK, 8 },
	{ NVS_FAIL_DMA_MAP, 0 }, { NVS_FAIL_DMA_MAP, 1 },
	{ NVS_FAIL_DMA_MAP, 2 }, { NVS_FAIL_DMA_MAP, 5 },
	{ NVS_FAIL_DMA_MAP, 8 }, { NVS_FAIL_DMA_MAP, 40 },
};

static void nvs_fail_step_desc(const struct nvs_fail_step *f, char *desc)
{
	static const char * const what[] = {
		[NVS_FAIL_LIMIT] = "shadow-table limit",
		[NVS_FAIL_TRACK] = "track_add refused",
		[NVS_FAIL_DMA_MAP] = "dma_map refused",
	};

	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s at %u", what[f->kind], f->at);
}

KUNIT_ARRAY_PARAM(nvs_fail_step, nvs_fail_steps, nvs_fail_step_desc);

/* A page-table write of the guest's, reported as the hypervisor would. */
static void pte_write_trapped(struct nvt *t, u64 table_gfn, unsigned int i,
			      u64 val)
{
	u64 gpa = (table_gfn << PAGE_SHIFT) + i * 8;
	__le64 le = cpu_to_le64(val);

	pte_set(t, table_gfn, i, val);
	KUNIT_EXPECT_EQ(t->test, vmed_page_write(t->vgpu, gpa, &le, 8), 0);
}

static u64 fail_leaf_va(unsigned int i)
{
	if (i < FAIL_NEW_PTS)
		return (u64)(2 + i) * SZ_2M;
	return 0x100000 + (u64)(i - FAIL_NEW_PTS) * PAGE_SIZE;
}

static void nvstub_fail_at_every_step(struct kunit *test)
{
	const struct nvs_fail_step *f = test->param_value;
	struct nvt *t = nvt_create(test, NVS_TYPE_1C);
	struct fake_hv *hv = &t->env->hv;
	unsigned int i, n = FAIL_NEW_PTS + FAIL_NEW_PTES, touched = 0;

	switch (f->kind) {
	case NVS_FAIL_LIMIT:
		t->vgpu->ppgtt.max_spts = t->vgpu->ppgtt.nr_spts + f->at;
		break;
	case NVS_FAIL_TRACK:
		hv->fail_track = -ENOMEM;
		hv->fail_track_after = f->at;
		break;
	case NVS_FAIL_DMA_MAP:
		hv->fail_dma_map = -ENOMEM;
		hv->fail_dma_map_after = f->at;
		break;
	}
	for (i = 0; i < FAIL_NEW_PTS; i++) {
		pte_set(t, FAIL_PT_GFN + i, 0, NVS_PTE(FAIL_LEAF_GFN + i));
		pte_write_trapped(t, PD_GFN, 2 + i, NVS_PTE(FAIL_PT_GFN + i));
	}
	for (i = FAIL_NEW_PTS; i < n; i++)
		pte_write_trapped(t, PT_GFN, fail_leaf_va(i) >> PAGE_SHIFT,
				  NVS_PTE(FAIL_LEAF_GFN + i));
	for (i = 0; i < n; i++)
		m_copy(t, fail_leaf_va(i), SRC_VA, 16);
	m_release(t, SEM_VA, FAIL_SEM);
	gp_segment(t);

	doorbell(t);

	for (i = 0; i < n; i++)
		touched += !!memchr_inv(frame(t, FAIL_LEAF_GFN + i), 0, PAGE_SIZE);
	if (t->vgpu->failed) {
		KUNIT_EXPECT_EQ(test, touched, 0);
		KUNIT_EXPECT_EQ(test, sem(t), 0);
		KUNIT_EXPECT_NULL(test, nvs_vgpu(t->vgpu)->chan[0].mm);
	} else if (sem(t) == FAIL_SEM) {
		KUNIT_EXPECT_EQ(test, touched, n);
		KUNIT_EXPECT_EQ(test, rd(t, CH0 + NVS_CH_ERROR), 0);
	} else {
		/* Refused, and said so; the release after it never ran. */
		KUNIT_EXPECT_NE(test, rd(t, CH0 + NVS_CH_ERROR), 0);
	}
	/* The early steps are all inside this doorbell's work. */
	if (f->at < FAIL_NEW_PTS) {
		KUNIT_EXPECT_EQ(test, hv->fail_track, 0);
		KUNIT_EXPECT_EQ(test, hv->fail_dma_map, 0);
		KUNIT_EXPECT_NE(test, sem(t), FAIL_SEM);
	}

	vmed_vgpu_reset(t->vgpu);
	KUNIT_EXPECT_FALSE(test, t->vgpu->failed);
	KUNIT_EXPECT_EQ(test, hv->mapped, 0);
	KUNIT_EXPECT_EQ(test, hv->tracked_frames, 0);
}

static struct kunit_case nvstub_cases[] = {
	KUNIT_CASE(nvstub_identity),
	KUNIT_CASE(nvstub_copy_release_nonstall),
	KUNIT_CASE(nvstub_big_page),
	KUNIT_CASE(nvstub_64k_page),
	KUNIT_CASE(nvstub_ring_wraps),
	KUNIT_CASE(nvstub_unknown_method),
	KUNIT_CASE(nvstub_copy_fault),
	KUNIT_CASE(nvstub_read_only),
	KUNIT_CASE(nvstub_oversize),
	KUNIT_CASE(nvstub_bad_gpfifo_entry),
	KUNIT_CASE(nvstub_put_outside_ring),
	KUNIT_CASE(nvstub_bad_pdb),
	KUNIT_CASE(nvstub_pdb_change_unbinds),
	KUNIT_CASE(nvstub_masked_interrupt),
	KUNIT_CASE(nvstub_reset_mid_use),
	KUNIT_CASE(nvstub_channels_per_type),
	KUNIT_CASE(nvstub_two_channels_share_tables),
	KUNIT_CASE(nvstub_doorbell_budget),
	KUNIT_CASE(nvstub_doorbell_is_async),
	KUNIT_CASE(nvstub_unbind_drops_queued),
	KUNIT_CASE(nvstub_watchdog),
	KUNIT_CASE(nvstub_guest_remaps),
	KUNIT_CASE(nvstub_page_table_writes),
	KUNIT_CASE_PARAM(nvstub_fail_at_every_step, nvs_fail_step_gen_params),
	{}
};

static struct kunit_suite nvstub_suite = {
	.name = "vmed_nvstub",
	.test_cases = nvstub_cases,
};

kunit_test_suite(nvstub_suite);
