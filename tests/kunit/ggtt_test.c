// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for core/ggtt.c: guest GGTT writes through the register BAR
 * become host GGTT entries pointing at DMA addresses of guest frames. Slices
 * (only the vGPU's own graphics memory is writable), 32-bit halves in either
 * order, scratch for bad frames and non-present entries, release of replaced
 * frames, invalidation, reset, refused access sizes, and a 4-byte entry
 * format whose address field cannot hold every DMA address.
 */
#include <kunit/test.h>
#include <linux/dma-mapping.h>
#include "fake_hv.h"
#include "../../core/internal.h"

#define PTE(gfn)	(((u64)(gfn) << PAGE_SHIFT) | TV_PTE_PRESENT | TV_PTE_RW)
/* First GGTT index of the hidden slice of the first vGPU. */
#define HIDDEN0		(TV_GM_MAPPABLE >> PAGE_SHIFT)

static u32 ggtt_off(u32 index)
{
	return TV_GGTT_OFFSET + index * 8;
}

static u64 host(struct fake_env *env, u32 index)
{
	return env->dev->ggtt_host[index];
}

static u64 scratch(struct fake_env *env, bool present)
{
	return env->vgpu->scratch_dma | (present ? TV_PTE_PRESENT : 0);
}

static void ggtt_entry_shadowed(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	unsigned long updates = env->tv.ggtt_updates;

	/* Slices start out pointing at scratch, not present. */
	KUNIT_EXPECT_EQ(test, host(env, 5), scratch(env, false));
	tv_write64(test, env->vgpu, ggtt_off(5), PTE(50) | TV_PTE_CACHE);
	KUNIT_EXPECT_EQ(test, host(env, 5), fake_dma_of(&env->hv, 50) |
			TV_PTE_PRESENT | TV_PTE_RW | TV_PTE_CACHE);
	KUNIT_EXPECT_EQ(test, env->tv.ggtt_updates, updates + 1);
	KUNIT_EXPECT_EQ(test, tv_read64(test, env->vgpu, ggtt_off(5)),
			PTE(50) | TV_PTE_CACHE);
	KUNIT_EXPECT_EQ(test, tv_read32(test, env->vgpu, ggtt_off(5) + 4), 0);
	KUNIT_EXPECT_EQ(test, env->hv.pins[50], 1);

	/* Read-only guest entry stays read-only in the host. */
	tv_write64(test, env->vgpu, ggtt_off(6), PTE(51) & ~TV_PTE_RW);
	KUNIT_EXPECT_EQ(test, host(env, 6), fake_dma_of(&env->hv, 51) |
			TV_PTE_PRESENT);

	/* The hidden slice works the same. */
	tv_write64(test, env->vgpu, ggtt_off(HIDDEN0 + 7), PTE(52));
	KUNIT_EXPECT_EQ(test, host(env, HIDDEN0 + 7), fake_dma_of(&env->hv, 52) |
			TV_PTE_PRESENT | TV_PTE_RW);
	KUNIT_EXPECT_EQ(test, env->vgpu->stats.ggtt_writes, 3);
}

static void ggtt_outside_slice_ignored(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *second;
	u32 first_index = (4 << 20) >> PAGE_SHIFT;	/* end of slice 0 */

	tv_write64(test, env->vgpu, ggtt_off(first_index), PTE(60));
	KUNIT_EXPECT_EQ(test, env->vgpu->stats.ggtt_ignored, 1);
	KUNIT_EXPECT_EQ(test, tv_read64(test, env->vgpu, ggtt_off(first_index)), 0);
	KUNIT_EXPECT_EQ(test, host(env, first_index), 0);
	KUNIT_EXPECT_EQ(test, env->hv.pins[60], 0);

	/* A second vGPU owns the next slice and cannot touch the first. */
	second = vmed_vgpu_create(env->dev, TV_TYPE_SMALL, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(second));
	KUNIT_ASSERT_EQ(test, vmed_vgpu_attach(second, &fake_frontend, &fake_hv_ops, &env->hv), 0);
	KUNIT_EXPECT_EQ(test, second->ggtt.first[VMED_GM_MAPPABLE], first_index);
	tv_write64(test, env->vgpu, ggtt_off(3), PTE(61));
	tv_write64(test, second, ggtt_off(3), PTE(62));
	tv_write64(test, second, ggtt_off(first_index), PTE(63));
	KUNIT_EXPECT_EQ(test, host(env, 3), fake_dma_of(&env->hv, 61) |
			TV_PTE_PRESENT | TV_PTE_RW);
	KUNIT_EXPECT_EQ(test, host(env, first_index), fake_dma_of(&env->hv, 63) |
			TV_PTE_PRESENT | TV_PTE_RW);
	KUNIT_EXPECT_EQ(test, tv_read64(test, second, ggtt_off(3)), 0);
	KUNIT_EXPECT_EQ(test, env->hv.pins[62], 0);
	/* Each vGPU's scratch page is its own. */
	KUNIT_EXPECT_NE(test, second->scratch_dma, env->vgpu->scratch_dma);
	KUNIT_EXPECT_NE(test, second->scratch_dma, env->dev->scratch_dma);
	vmed_vgpu_destroy(second);
	/*
	 * Destroying it pointed its slice at the device's scratch page (its
	 * own went with it) and released 63.
	 */
	KUNIT_EXPECT_EQ(test, host(env, first_index), env->dev->scratch_dma);
	KUNIT_EXPECT_EQ(test, env->hv.pins[63], 0);
	KUNIT_EXPECT_EQ(test, env->hv.pins[61], 1);
}

/*
 * Two guest frames backed by one host page get one DMA address (legal: a
 * VMM's alias of video RAM). The cache keeps one owner per address, so
 * the second frame is refused quietly (scratch, no WARN) and releasing
 * either entry drops the reference of its own frame only.
 */
static void ggtt_aliased_frames(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);

	env->hv.alias_gfn = 70;
	env->hv.alias_of = 71;
	tv_write64(test, env->vgpu, ggtt_off(2), PTE(71));
	tv_write64(test, env->vgpu, ggtt_off(3), PTE(70));
	KUNIT_EXPECT_EQ(test, host(env, 2), fake_dma_of(&env->hv, 71) |
			TV_PTE_PRESENT | TV_PTE_RW);
	KUNIT_EXPECT_EQ(test, host(env, 3), scratch(env, true));
	KUNIT_EXPECT_EQ(test, env->vgpu->stats.ggtt_scratch, 1);
	KUNIT_EXPECT_EQ(test, env->hv.pins[70], 0);
	KUNIT_EXPECT_EQ(test, env->hv.pins[71], 1);
	/* Releasing the refused one takes nothing from frame 71. */
	tv_write64(test, env->vgpu, ggtt_off(3), 0);
	KUNIT_EXPECT_EQ(test, env->hv.pins[71], 1);
	tv_write64(test, env->vgpu, ggtt_off(2), 0);
	KUNIT_EXPECT_EQ(test, env->hv.pins[71], 0);
	KUNIT_EXPECT_EQ(test, env->hv.errors, 0);
}

static void ggtt_bad_frames_and_not_present(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);

	tv_write64(test, env->vgpu, ggtt_off(1), PTE(FAKE_GUEST_FRAMES + 3));
	KUNIT_EXPECT_EQ(test, host(env, 1), scratch(env, true));
	KUNIT_EXPECT_EQ(test, env->vgpu->stats.ggtt_scratch, 1);

	tv_write64(test, env->vgpu, ggtt_off(2), PTE(70));
	tv_write64(test, env->vgpu, ggtt_off(2), PTE(70) & ~TV_PTE_PRESENT);
	KUNIT_EXPECT_EQ(test, host(env, 2), scratch(env, false));
	KUNIT_EXPECT_EQ(test, env->hv.pins[70], 0);
	/* The guest reads back what it wrote, present or not. */
	KUNIT_EXPECT_EQ(test, tv_read64(test, env->vgpu, ggtt_off(2)),
			PTE(70) & ~TV_PTE_PRESENT);
}

static void ggtt_replace_releases_old_frame(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);

	tv_write64(test, env->vgpu, ggtt_off(1), PTE(80));
	tv_write64(test, env->vgpu, ggtt_off(2), PTE(80));
	KUNIT_EXPECT_EQ(test, env->hv.pins[80], 1);
	KUNIT_EXPECT_EQ(test, env->hv.dma_map_calls, 1);
	tv_write64(test, env->vgpu, ggtt_off(1), PTE(81));
	KUNIT_EXPECT_EQ(test, env->hv.pins[80], 1);
	tv_write64(test, env->vgpu, ggtt_off(2), PTE(82));
	KUNIT_EXPECT_EQ(test, env->hv.pins[80], 0);
	/* Rewriting the same value keeps one mapping. */
	tv_write64(test, env->vgpu, ggtt_off(2), PTE(82));
	KUNIT_EXPECT_EQ(test, env->hv.pins[82], 1);
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 2);
}

static void ggtt_halves(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	u64 val = PTE(90) | BIT_ULL(35);	/* frame 90 + 2^23: not RAM */
	u64 good = PTE(91);

	tv_write64(test, env->vgpu, ggtt_off(4), PTE(89));
	/* Low half alone: the host keeps the old translation. */
	tv_write32(test, env->vgpu, ggtt_off(4), (u32)good);
	KUNIT_EXPECT_EQ(test, host(env, 4), fake_dma_of(&env->hv, 89) |
			TV_PTE_PRESENT | TV_PTE_RW);
	KUNIT_EXPECT_EQ(test, tv_read32(test, env->vgpu, ggtt_off(4)), (u32)good);
	tv_write32(test, env->vgpu, ggtt_off(4) + 4, good >> 32);
	KUNIT_EXPECT_EQ(test, host(env, 4), fake_dma_of(&env->hv, 91) |
			TV_PTE_PRESENT | TV_PTE_RW);
	KUNIT_EXPECT_EQ(test, env->hv.pins[89], 0);

	/* High half first, then low. */
	tv_write32(test, env->vgpu, ggtt_off(4) + 4, val >> 32);
	KUNIT_EXPECT_EQ(test, env->hv.pins[91], 1);
	tv_write32(test, env->vgpu, ggtt_off(4), (u32)val);
	KUNIT_EXPECT_EQ(test, host(env, 4), scratch(env, true));
	KUNIT_EXPECT_EQ(test, env->hv.pins[91], 0);
	KUNIT_EXPECT_EQ(test, tv_read64(test, env->vgpu, ggtt_off(4)), val);

	/* The same half twice does not complete an entry. */
	tv_write32(test, env->vgpu, ggtt_off(4), (u32)good);
	tv_write32(test, env->vgpu, ggtt_off(4), (u32)good);
	KUNIT_EXPECT_EQ(test, host(env, 4), scratch(env, true));
	/* A full write completes it and clears the half state. */
	tv_write64(test, env->vgpu, ggtt_off(4), good);
	KUNIT_EXPECT_EQ(test, host(env, 4), fake_dma_of(&env->hv, 91) |
			TV_PTE_PRESENT | TV_PTE_RW);
	tv_write32(test, env->vgpu, ggtt_off(4) + 4, 0);
	KUNIT_EXPECT_EQ(test, env->hv.pins[91], 1);
}

static void ggtt_refused_accesses(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	u8 buf[8] = { 0xff, 0xff, 0xff, 0xff };
	struct vmed_vgpu *vgpu = env->vgpu;

	KUNIT_EXPECT_EQ(test, vmed_mmio_write(vgpu, 0, ggtt_off(1), buf, 2),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vmed_mmio_write(vgpu, 0, ggtt_off(1), buf, 1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vmed_mmio_read(vgpu, 0, ggtt_off(1), buf, 2),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vmed_mmio_write(vgpu, 0, ggtt_off(1) + 4, buf, 8),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vgpu->stats.mmio_rejected, 4);
	KUNIT_EXPECT_EQ(test, host(env, 1), scratch(env, false));
	KUNIT_EXPECT_EQ(test, vgpu->stats.ggtt_writes, 0);
}

static void ggtt_invalidate_and_reset(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);

	tv_write64(test, env->vgpu, ggtt_off(1), PTE(100));
	tv_write64(test, env->vgpu, ggtt_off(2), PTE(101));
	tv_write64(test, env->vgpu, ggtt_off(3), PTE(200));
	/* Half of entry 3 rewritten: invalidation must use the host view. */
	tv_write32(test, env->vgpu, ggtt_off(3), (u32)PTE(300));

	vmed_dma_invalidate(env->vgpu, 100, 2);
	KUNIT_EXPECT_EQ(test, host(env, 1), scratch(env, true));
	KUNIT_EXPECT_EQ(test, host(env, 2), scratch(env, true));
	KUNIT_EXPECT_EQ(test, env->hv.pins[100], 0);
	KUNIT_EXPECT_EQ(test, env->hv.pins[101], 0);
	KUNIT_EXPECT_EQ(test, tv_read64(test, env->vgpu, ggtt_off(1)), PTE(100));

	vmed_dma_invalidate(env->vgpu, 200, 1);
	KUNIT_EXPECT_EQ(test, env->hv.pins[200], 0);
	KUNIT_EXPECT_EQ(test, host(env, 3), scratch(env, true));

	tv_write64(test, env->vgpu, ggtt_off(1), PTE(100));
	KUNIT_EXPECT_EQ(test, env->hv.pins[100], 1);
	vmed_vgpu_reset(env->vgpu);
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 0);
	KUNIT_EXPECT_EQ(test, host(env, 1), scratch(env, false));
	KUNIT_EXPECT_EQ(test, tv_read64(test, env->vgpu, ggtt_off(1)), 0);
}

static void ggtt_detached_writes_ignored(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);

	vmed_vgpu_detach(env->vgpu, &fake_frontend);
	tv_write64(test, env->vgpu, ggtt_off(1), PTE(100));
	KUNIT_EXPECT_EQ(test, env->hv.dma_map_calls, 0);
	KUNIT_EXPECT_EQ(test, host(env, 1), scratch(env, false));
}

static void ggtt_narrow_format(struct kunit *test)
{
	struct vmed_vendor v = tvendor;
	struct fake_env *env;

	/* 4-byte entries with a 32-bit address field. */
	v.ggtt_format.entry_size = 4;
	v.ggtt_format.addr_mask = GENMASK_ULL(31, 12);
	v.ppgtt_format.levels = 0;
	env = fake_env_create_vendor(test, &v, TV_TYPE_SMALL);

	/* Two entries in one 8-byte write; the fake's DMA addresses do not fit. */
	tv_write64(test, env->vgpu, TV_GGTT_OFFSET + 8,
		   (u64)(u32)PTE(10) << 32 | (u32)PTE(11));
	KUNIT_EXPECT_EQ(test, env->vgpu->stats.ggtt_writes, 2);
	KUNIT_EXPECT_EQ(test, env->vgpu->stats.ggtt_scratch, 2);
	KUNIT_EXPECT_EQ(test, host(env, 2), scratch(env, true));
	KUNIT_EXPECT_EQ(test, host(env, 3), scratch(env, true));
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 0);
	KUNIT_EXPECT_EQ(test, tv_read32(test, env->vgpu, TV_GGTT_OFFSET + 12),
			(u32)PTE(10));
}

static struct kunit_case ggtt_cases[] = {
	KUNIT_CASE(ggtt_aliased_frames),
	KUNIT_CASE(ggtt_entry_shadowed),
	KUNIT_CASE(ggtt_outside_slice_ignored),
	KUNIT_CASE(ggtt_bad_frames_and_not_present),
	KUNIT_CASE(ggtt_replace_releases_old_frame),
	KUNIT_CASE(ggtt_halves),
	KUNIT_CASE(ggtt_refused_accesses),
	KUNIT_CASE(ggtt_invalidate_and_reset),
	KUNIT_CASE(ggtt_detached_writes_ignored),
	KUNIT_CASE(ggtt_narrow_format),
	{}
};

static struct kunit_suite ggtt_suite = {
	.name = "vmed_ggtt",
	.test_cases = ggtt_cases,
};

kunit_test_suite(ggtt_suite);
