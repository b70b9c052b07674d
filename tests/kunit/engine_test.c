// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for core/engine.c: the device-side view a software engine gets.
 * GGTT addresses resolve only inside the vGPU's slices and through present
 * host entries; DMA addresses only for frames mapped for this vGPU; the
 * scratch page reads zero and swallows writes; PPGTT accesses honour the
 * shadow's write permission; accesses crossing pages check every page.
 */
#include <kunit/test.h>
#include <linux/dma-mapping.h>
#include "fake_hv.h"
#include "../../core/internal.h"

#define PTE(gfn)	(((u64)(gfn) << PAGE_SHIFT) | TV_PTE_PRESENT | TV_PTE_RW)

static void ggtt_set(struct kunit *test, struct fake_env *env, u32 index,
		     u64 pte)
{
	tv_write64(test, env->vgpu, TV_GGTT_OFFSET + index * 8, pte);
}

static void engine_ggtt_translate(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	dma_addr_t dma;

	ggtt_set(test, env, 3, PTE(40));
	mutex_lock(&env->vgpu->lock);
	KUNIT_EXPECT_EQ(test, vmed_ggtt_translate(env->vgpu, 3 * PAGE_SIZE + 0x10,
						  &dma), 0);
	KUNIT_EXPECT_EQ(test, dma, fake_dma_of(&env->hv, 40) + 0x10);
	/* Not present, and outside the vGPU's slices. */
	KUNIT_EXPECT_EQ(test, vmed_ggtt_translate(env->vgpu, 4 * PAGE_SIZE, &dma),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, vmed_ggtt_translate(env->vgpu, 4 << 20, &dma),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, vmed_ggtt_translate(env->vgpu, U64_MAX, &dma),
			-EFAULT);
	mutex_unlock(&env->vgpu->lock);
}

static void engine_gm_rw(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	u8 *a = fake_frame(&env->hv, 40), *b = fake_frame(&env->hv, 41);
	char src[] = "abcdefgh", buf[16];

	ggtt_set(test, env, 3, PTE(40));
	ggtt_set(test, env, 4, PTE(41));
	ggtt_set(test, env, 5, PTE(FAKE_GUEST_FRAMES + 1));	/* scratch */
	memset(fake_frame(&env->hv, 42), 0x5a, PAGE_SIZE);

	mutex_lock(&env->vgpu->lock);
	/* A write across the page boundary lands in both frames. */
	KUNIT_EXPECT_EQ(test, vmed_gm_rw(env->vgpu, 4 * PAGE_SIZE - 4, src, 8,
					 true), 0);
	KUNIT_EXPECT_MEMEQ(test, a + PAGE_SIZE - 4, "abcd", 4);
	KUNIT_EXPECT_MEMEQ(test, b, "efgh", 4);
	KUNIT_EXPECT_EQ(test, vmed_gm_rw(env->vgpu, 4 * PAGE_SIZE - 4, buf, 8,
					 false), 0);
	KUNIT_EXPECT_MEMEQ(test, buf, "abcdefgh", 8);

	/* Scratch reads as zeroes and writes go nowhere. */
	memset(buf, 0xff, sizeof(buf));
	KUNIT_EXPECT_EQ(test, vmed_gm_rw(env->vgpu, 5 * PAGE_SIZE, buf, 16,
					 false), 0);
	KUNIT_EXPECT_NULL(test, memchr_inv(buf, 0, 16));
	KUNIT_EXPECT_EQ(test, vmed_gm_rw(env->vgpu, 5 * PAGE_SIZE, buf, 16,
					 true), 0);
	KUNIT_EXPECT_NULL(test, memchr_inv(page_address(env->vgpu->scratch_page),
					   0, PAGE_SIZE));

	/* A fault part-way stops the access. */
	KUNIT_EXPECT_EQ(test, vmed_gm_rw(env->vgpu, 6 * PAGE_SIZE - 4, buf, 8,
					 false), -EFAULT);
	mutex_unlock(&env->vgpu->lock);
}

static void engine_dma_rw_only_mapped_frames(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	u64 val = 0;

	mutex_lock(&env->vgpu->lock);
	/* Frame 42 exists in the guest, but nothing mapped it for the device. */
	KUNIT_EXPECT_EQ(test, vmed_dma_rw(env->vgpu, fake_dma_of(&env->hv, 42),
					  &val, 8, false), -EFAULT);
	KUNIT_EXPECT_EQ(test, vmed_dma_rw(env->vgpu, 0x1000, &val, 8, true),
			-EFAULT);
	mutex_unlock(&env->vgpu->lock);

	vmed_vgpu_detach(env->vgpu, &fake_frontend);
	mutex_lock(&env->vgpu->lock);
	KUNIT_EXPECT_EQ(test, vmed_dma_rw(env->vgpu, env->vgpu->scratch_dma, &val,
					  8, false), -ENODEV);
	mutex_unlock(&env->vgpu->lock);
}

static void engine_ppgtt_rw(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_ppgtt_mm *mm;
	u32 val = 0x12345678, got = 0;

	fake_write_entry(&env->hv, 1 << PAGE_SHIFT, PTE(2));
	fake_write_entry(&env->hv, 2 << PAGE_SHIFT, PTE(3));
	fake_write_entry(&env->hv, 3 << PAGE_SHIFT, PTE(4));
	fake_write_entry(&env->hv, 4 << PAGE_SHIFT, PTE(60));
	fake_write_entry(&env->hv, (4 << PAGE_SHIFT) + 8, PTE(61) & ~TV_PTE_RW);

	mutex_lock(&env->vgpu->lock);
	mm = vmed_ppgtt_get(env->vgpu, 1 << PAGE_SHIFT);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mm));
	KUNIT_EXPECT_EQ(test, vmed_ppgtt_rw(env->vgpu, mm, 0x100, &val, 4, true),
			0);
	KUNIT_EXPECT_EQ(test, *(u32 *)(fake_frame(&env->hv, 60) + 0x100), val);
	KUNIT_EXPECT_EQ(test, vmed_ppgtt_rw(env->vgpu, mm, 0x100, &got, 4, false),
			0);
	KUNIT_EXPECT_EQ(test, got, val);
	/* Read-only mapping: reads work, writes fault and change nothing. */
	KUNIT_EXPECT_EQ(test, vmed_ppgtt_rw(env->vgpu, mm, PAGE_SIZE, &got, 4,
					    false), 0);
	KUNIT_EXPECT_EQ(test, vmed_ppgtt_rw(env->vgpu, mm, PAGE_SIZE, &val, 4,
					    true), -EFAULT);
	KUNIT_EXPECT_EQ(test, *(u32 *)fake_frame(&env->hv, 61), 0);
	/* Unmapped. */
	KUNIT_EXPECT_EQ(test, vmed_ppgtt_rw(env->vgpu, mm, 2 * PAGE_SIZE, &got, 4,
					    false), -EFAULT);
	vmed_ppgtt_put(env->vgpu, mm);
	mutex_unlock(&env->vgpu->lock);
}

static void engine_device_writes_page_tables(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_ppgtt_mm *mm;
	u64 pte = PTE(70);
	dma_addr_t dma;
	bool rw;

	fake_write_entry(&env->hv, 1 << PAGE_SHIFT, PTE(2));
	fake_write_entry(&env->hv, 2 << PAGE_SHIFT, PTE(3));
	fake_write_entry(&env->hv, 3 << PAGE_SHIFT, PTE(4));
	fake_write_entry(&env->hv, 4 << PAGE_SHIFT, PTE(60));
	/* The page table itself is also mapped in the GGTT. */
	ggtt_set(test, env, 7, PTE(4));

	mutex_lock(&env->vgpu->lock);
	mm = vmed_ppgtt_get(env->vgpu, 1 << PAGE_SHIFT);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mm));
	/* The device rewrites PTE 0: no hypervisor tracks that write. */
	KUNIT_EXPECT_EQ(test, vmed_gm_rw(env->vgpu, 7 * PAGE_SIZE, &pte, 8, true),
			0);
	KUNIT_EXPECT_EQ(test, vmed_ppgtt_translate(env->vgpu, mm, 0, &dma, &rw),
			0);
	KUNIT_EXPECT_EQ(test, dma, fake_dma_of(&env->hv, 70));
	KUNIT_EXPECT_EQ(test, env->hv.pins[60], 0);
	vmed_ppgtt_put(env->vgpu, mm);
	mutex_unlock(&env->vgpu->lock);
}

static struct kunit_case engine_cases[] = {
	KUNIT_CASE(engine_ggtt_translate),
	KUNIT_CASE(engine_gm_rw),
	KUNIT_CASE(engine_dma_rw_only_mapped_frames),
	KUNIT_CASE(engine_ppgtt_rw),
	KUNIT_CASE(engine_device_writes_page_tables),
	{}
};

static struct kunit_suite engine_suite = {
	.name = "vmed_engine",
	.test_cases = engine_cases,
};

kunit_test_suite(engine_suite);
