// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for core/dma.c: the guest frame <-> DMA address cache.
 * Batched mapping (one hypervisor call per batch of misses, duplicates mapped
 * once), reference counting, both lookups, frames that are not guest memory,
 * hypervisor failures leaving nothing held, batched release, forced release
 * by invalidation, and large batches split into several calls.
 */
#include <kunit/test.h>
#include <linux/dma-mapping.h>
#include <linux/slab.h>
#include "fake_hv.h"
#include "../../core/internal.h"

static void dma_batch_maps_misses_once(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;
	u64 gfns[] = { 10, 11, 10, 12, 11 };
	dma_addr_t dma[ARRAY_SIZE(gfns)];
	unsigned int i;

	mutex_lock(&vgpu->lock);
	KUNIT_EXPECT_EQ(test, vmed_dma_map(vgpu, gfns, ARRAY_SIZE(gfns), dma), 0);
	for (i = 0; i < ARRAY_SIZE(gfns); i++)
		KUNIT_EXPECT_EQ(test, dma[i], fake_dma_of(&env->hv, gfns[i]));
	KUNIT_EXPECT_EQ(test, env->hv.dma_map_calls, 1);
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 3);
	KUNIT_EXPECT_EQ(test, vgpu->dma.nr_entries, 3);
	KUNIT_EXPECT_EQ(test, vgpu->stats.dma_maps, 3);

	/* All hits: no hypervisor call. */
	KUNIT_EXPECT_EQ(test, vmed_dma_map(vgpu, gfns, 2, dma), 0);
	KUNIT_EXPECT_EQ(test, env->hv.dma_map_calls, 1);

	/* 10 has 3 references now, 11 has 3, 12 has 1. */
	vmed_dma_put(vgpu, 12);
	vmed_dma_flush(vgpu);
	KUNIT_EXPECT_EQ(test, env->hv.pins[12], 0);
	for (i = 0; i < 3; i++) {
		vmed_dma_put(vgpu, 10);
		vmed_dma_put(vgpu, 11);
	}
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 2);	/* queued, not flushed */
	vmed_dma_flush(vgpu);
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 0);
	/* Both frames released in one call. */
	KUNIT_EXPECT_EQ(test, env->hv.dma_unmap_calls, 2);
	KUNIT_EXPECT_EQ(test, vgpu->dma.nr_entries, 0);
	KUNIT_EXPECT_EQ(test, vgpu->stats.dma_unmaps, 3);
	mutex_unlock(&vgpu->lock);
}

static void dma_lookups_both_ways(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;
	u64 gfn = 42, found;
	dma_addr_t dma, looked;

	mutex_lock(&vgpu->lock);
	KUNIT_EXPECT_EQ(test, vmed_dma_lookup(vgpu, gfn, &looked), -ENOENT);
	KUNIT_EXPECT_EQ(test, vmed_dma_map(vgpu, &gfn, 1, &dma), 0);
	KUNIT_EXPECT_EQ(test, vmed_dma_lookup(vgpu, gfn, &looked), 0);
	KUNIT_EXPECT_EQ(test, looked, dma);
	KUNIT_EXPECT_EQ(test, vmed_dma_to_gfn(vgpu, dma + 0x123, &found), 0);
	KUNIT_EXPECT_EQ(test, found, gfn);
	KUNIT_EXPECT_EQ(test, vmed_dma_to_gfn(vgpu, dma + PAGE_SIZE, &found),
			-ENOENT);
	vmed_dma_put(vgpu, gfn);
	vmed_dma_flush(vgpu);
	KUNIT_EXPECT_EQ(test, vmed_dma_lookup(vgpu, gfn, &looked), -ENOENT);
	KUNIT_EXPECT_EQ(test, vmed_dma_to_gfn(vgpu, dma, &found), -ENOENT);
	mutex_unlock(&vgpu->lock);
}

static void dma_non_guest_frames(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;
	u64 gfns[] = { 7, FAKE_GUEST_FRAMES, 8, FAKE_GUEST_FRAMES, U64_MAX };
	dma_addr_t dma[ARRAY_SIZE(gfns)];

	mutex_lock(&vgpu->lock);
	KUNIT_EXPECT_EQ(test, vmed_dma_map(vgpu, gfns, ARRAY_SIZE(gfns), dma), 0);
	KUNIT_EXPECT_EQ(test, dma[0], fake_dma_of(&env->hv, 7));
	KUNIT_EXPECT_EQ(test, dma[1], DMA_MAPPING_ERROR);
	KUNIT_EXPECT_EQ(test, dma[2], fake_dma_of(&env->hv, 8));
	KUNIT_EXPECT_EQ(test, dma[3], DMA_MAPPING_ERROR);
	KUNIT_EXPECT_EQ(test, dma[4], DMA_MAPPING_ERROR);
	/* Refused frames leave no entry behind. */
	KUNIT_EXPECT_EQ(test, vgpu->dma.nr_entries, 2);
	KUNIT_EXPECT_NULL(test, xa_load(&vgpu->dma.by_gfn, FAKE_GUEST_FRAMES));
	vmed_dma_put(vgpu, 7);
	vmed_dma_put(vgpu, 8);
	vmed_dma_flush(vgpu);
	mutex_unlock(&vgpu->lock);
}

static void dma_hypervisor_failure_holds_nothing(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;
	u64 gfns[] = { 20, 21, 22, 21 };
	dma_addr_t dma[ARRAY_SIZE(gfns)], looked;

	mutex_lock(&vgpu->lock);
	/* 20 is already mapped; the batch with misses 21, 22 fails. */
	KUNIT_EXPECT_EQ(test, vmed_dma_map(vgpu, gfns, 1, dma), 0);
	env->hv.fail_dma_map = -ENOMEM;
	KUNIT_EXPECT_EQ(test, vmed_dma_map(vgpu, gfns, 4, dma), -ENOMEM);
	KUNIT_EXPECT_EQ(test, dma[0], DMA_MAPPING_ERROR);
	KUNIT_EXPECT_EQ(test, dma[1], DMA_MAPPING_ERROR);
	KUNIT_EXPECT_EQ(test, dma[2], DMA_MAPPING_ERROR);
	KUNIT_EXPECT_EQ(test, dma[3], DMA_MAPPING_ERROR);
	KUNIT_EXPECT_EQ(test, vgpu->dma.nr_entries, 1);
	KUNIT_EXPECT_NULL(test, xa_load(&vgpu->dma.by_gfn, 21));
	KUNIT_EXPECT_EQ(test, vmed_dma_lookup(vgpu, 21, &looked), -ENOENT);
	/* The hypervisor recovers: 21 maps afresh. */
	env->hv.fail_dma_map = 0;
	KUNIT_EXPECT_EQ(test, vmed_dma_map(vgpu, &gfns[1], 1, dma), 0);
	KUNIT_EXPECT_EQ(test, vmed_dma_lookup(vgpu, 21, &looked), 0);
	KUNIT_EXPECT_EQ(test, looked, fake_dma_of(&env->hv, 21));
	vmed_dma_put(vgpu, 21);
	/* 20 kept only its first reference: one put releases it. */
	vmed_dma_put(vgpu, 20);
	vmed_dma_flush(vgpu);
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 0);
	KUNIT_EXPECT_EQ(test, vgpu->dma.nr_entries, 0);
	mutex_unlock(&vgpu->lock);
}

static void dma_large_batches(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;
	unsigned int i, nr = 3 * VMED_DMA_BATCH / 2;
	dma_addr_t *dma;
	u64 *gfns;

	gfns = kunit_kmalloc_array(test, nr, sizeof(*gfns), GFP_KERNEL);
	dma = kunit_kmalloc_array(test, nr, sizeof(*dma), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, gfns);
	KUNIT_ASSERT_NOT_NULL(test, dma);
	for (i = 0; i < nr; i++)
		gfns[i] = i;
	mutex_lock(&vgpu->lock);
	KUNIT_EXPECT_EQ(test, vmed_dma_map(vgpu, gfns, nr, dma), 0);
	KUNIT_EXPECT_EQ(test, env->hv.dma_map_calls, 2);
	KUNIT_EXPECT_EQ(test, env->hv.mapped, nr);
	KUNIT_EXPECT_EQ(test, dma[nr - 1], fake_dma_of(&env->hv, nr - 1));

	/* A failure in the second chunk drops the first chunk's refs too. */
	for (i = 0; i < nr; i++)
		gfns[i] = 1000 + i % 700;
	KUNIT_EXPECT_EQ(test, vmed_dma_map(vgpu, gfns, VMED_DMA_BATCH, dma), 0);
	env->hv.fail_dma_map = -EIO;
	KUNIT_EXPECT_EQ(test, vmed_dma_map(vgpu, gfns, nr, dma), -EIO);
	KUNIT_EXPECT_EQ(test, dma[0], DMA_MAPPING_ERROR);

	for (i = 0; i < VMED_DMA_BATCH; i++)
		vmed_dma_put(vgpu, 1000 + i);
	for (i = 0; i < nr; i++)
		vmed_dma_put(vgpu, i);
	vmed_dma_flush(vgpu);
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 0);
	/* 768 + 512 releases, at most 512 per call. */
	KUNIT_EXPECT_EQ(test, env->hv.dma_unmap_calls, 3);
	mutex_unlock(&vgpu->lock);
}

static void dma_invalidate_forces_release(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;
	u64 gfns[] = { 30, 31, 32, 40 };
	dma_addr_t dma[ARRAY_SIZE(gfns)];

	mutex_lock(&vgpu->lock);
	KUNIT_EXPECT_EQ(test, vmed_dma_map(vgpu, gfns, ARRAY_SIZE(gfns), dma), 0);
	mutex_unlock(&vgpu->lock);

	/*
	 * References held outside shadow tables (an engine's) do not keep a
	 * withdrawn frame mapped.
	 */
	vmed_dma_invalidate(vgpu, 31, 2);
	KUNIT_EXPECT_EQ(test, env->hv.pins[30], 1);
	KUNIT_EXPECT_EQ(test, env->hv.pins[31], 0);
	KUNIT_EXPECT_EQ(test, env->hv.pins[32], 0);
	KUNIT_EXPECT_EQ(test, vgpu->stats.dma_invalidated, 2);

	/* Empty and wrapping ranges are no-ops. */
	vmed_dma_invalidate(vgpu, 30, 0);
	vmed_dma_invalidate(vgpu, U64_MAX, 2);
	KUNIT_EXPECT_EQ(test, env->hv.pins[30], 1);

	/* Everything up to the end of the address space. */
	vmed_dma_invalidate(vgpu, 35, U64_MAX - 35);
	KUNIT_EXPECT_EQ(test, env->hv.pins[40], 0);

	mutex_lock(&vgpu->lock);
	vmed_dma_put(vgpu, 30);
	vmed_dma_flush(vgpu);
	mutex_unlock(&vgpu->lock);
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 0);
}

#define MANY_FRAMES	300

/* A range holding more frames than one walk of the index collects. */
static void dma_invalidate_many_frames(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;
	u64 *gfns = kunit_kcalloc(test, MANY_FRAMES, sizeof(*gfns), GFP_KERNEL);
	dma_addr_t *dma = kunit_kcalloc(test, MANY_FRAMES, sizeof(*dma),
					GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, gfns);
	KUNIT_ASSERT_NOT_NULL(test, dma);

	/* Every other frame of [100, 700), so that gaps fall inside walks. */
	for (i = 0; i < MANY_FRAMES; i++)
		gfns[i] = 100 + 2 * i;
	mutex_lock(&vgpu->lock);
	KUNIT_ASSERT_EQ(test, vmed_dma_map(vgpu, gfns, MANY_FRAMES, dma), 0);
	mutex_unlock(&vgpu->lock);

	/* 256 frames: [110, 622) holds 110, 112, ..., 620. */
	vmed_dma_invalidate(vgpu, 110, 512);
	KUNIT_EXPECT_EQ(test, vgpu->stats.dma_invalidated, 256);
	KUNIT_EXPECT_EQ(test, vgpu->dma.nr_entries, MANY_FRAMES - 256);
	for (i = 0; i < MANY_FRAMES; i++)
		KUNIT_EXPECT_EQ_MSG(test, env->hv.pins[gfns[i]],
				    gfns[i] >= 110 && gfns[i] < 622 ? 0 : 1,
				    "frame %llu", gfns[i]);

	mutex_lock(&vgpu->lock);
	for (i = 0; i < MANY_FRAMES; i++)
		if (gfns[i] < 110 || gfns[i] >= 622)
			vmed_dma_put(vgpu, gfns[i]);
	vmed_dma_flush(vgpu);
	mutex_unlock(&vgpu->lock);
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 0);
}

#define RUN_GFN		1024	/* a 2 MiB run of frames */

/* Map [RUN_GFN, RUN_GFN + 512) as one 2 MiB entry; the vGPU lock held. */
static void map_run(struct kunit *test, struct vmed_vgpu *vgpu, u64 *run,
		    dma_addr_t *runs)
{
	unsigned int k;

	for (k = 0; k < 512; k++)
		run[k] = RUN_GFN + k;
	KUNIT_ASSERT_EQ(test, vmed_dma_map_range(vgpu, run, 512, runs), 0);
	KUNIT_ASSERT_EQ(test, vgpu->dma.nr_huge, 1);
}

/*
 * Drop the run's own references and invalidate its first frames: with a
 * frame still referenced on its own, the run is demoted to 4 KiB entries.
 * Called and returns with the vGPU lock held.
 */
static void demote_run(struct kunit *test, struct vmed_vgpu *vgpu)
{
	vmed_dma_put_range(vgpu, RUN_GFN, 512);
	vmed_dma_flush(vgpu);
	mutex_unlock(&vgpu->lock);
	vmed_dma_invalidate(vgpu, RUN_GFN, 8);
	mutex_lock(&vgpu->lock);
	KUNIT_EXPECT_EQ(test, vgpu->dma.nr_huge, 0);
}

/*
 * Frames that share a memo slot, and a 2 MiB entry that an invalidation
 * turns into 4 KiB ones, get the index's answers from every lookup.
 */
static void dma_lookups_follow_changes(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;
	u64 gfns[] = { 7, 7 + VMED_DMA_HOT, 7 + 2 * VMED_DMA_HOT };
	u64 *run = kunit_kcalloc(test, 512, sizeof(*run), GFP_KERNEL);
	dma_addr_t *runs = kunit_kcalloc(test, 512, sizeof(*runs), GFP_KERNEL);
	dma_addr_t dma[ARRAY_SIZE(gfns)], looked;
	unsigned int i, k;
	u64 found;

	KUNIT_ASSERT_NOT_NULL(test, run);
	KUNIT_ASSERT_NOT_NULL(test, runs);
	mutex_lock(&vgpu->lock);
	KUNIT_ASSERT_EQ(test, vmed_dma_map(vgpu, gfns, 2, dma), 0);
	for (k = 0; k < 3; k++) {
		for (i = 0; i < 2; i++) {
			KUNIT_EXPECT_EQ(test, vmed_dma_lookup(vgpu, gfns[i], &looked), 0);
			KUNIT_EXPECT_EQ(test, looked, dma[i]);
			KUNIT_EXPECT_EQ(test, vmed_dma_to_gfn(vgpu, dma[i], &found), 0);
			KUNIT_EXPECT_EQ(test, found, gfns[i]);
		}
	}
	/* The third frame shares the slot, and was never mapped. */
	KUNIT_EXPECT_EQ(test, vmed_dma_lookup(vgpu, gfns[2], &looked), -ENOENT);
	vmed_dma_put(vgpu, gfns[0]);
	vmed_dma_flush(vgpu);
	KUNIT_EXPECT_EQ(test, vmed_dma_lookup(vgpu, gfns[0], &looked), -ENOENT);
	KUNIT_EXPECT_EQ(test, vmed_dma_to_gfn(vgpu, dma[0], &found), -ENOENT);
	KUNIT_EXPECT_EQ(test, vmed_dma_lookup(vgpu, gfns[1], &looked), 0);

	/* A 2 MiB run, cached as one entry, looked up through many slots. */
	map_run(test, vgpu, run, runs);
	for (k = 0; k < 512; k += 7) {
		KUNIT_EXPECT_EQ(test, vmed_dma_lookup(vgpu, run[k], &looked), 0);
		KUNIT_EXPECT_EQ(test, looked, runs[k]);
		KUNIT_EXPECT_EQ(test, vmed_dma_to_gfn(vgpu, runs[k], &found), 0);
	}
	KUNIT_ASSERT_EQ(test, vmed_dma_map(vgpu, &run[300], 1, &looked), 0);
	demote_run(test, vgpu);
	for (k = 0; k < 512; k += 7) {
		int want = k == 300 ? 0 : -ENOENT;

		KUNIT_EXPECT_EQ(test, vmed_dma_lookup(vgpu, run[k], &looked), want);
		KUNIT_EXPECT_EQ(test, vmed_dma_to_gfn(vgpu, runs[k], &found), want);
	}
	KUNIT_EXPECT_EQ(test, vmed_dma_lookup(vgpu, run[300], &looked), 0);
	KUNIT_EXPECT_EQ(test, looked, runs[300]);
	vmed_dma_put(vgpu, run[300]);
	vmed_dma_put(vgpu, gfns[1]);
	vmed_dma_flush(vgpu);
	mutex_unlock(&vgpu->lock);
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 0);
}

/*
 * The lookups of shadow-entry updates (vmed_dma_map_one() by gfn,
 * vmed_dma_put_addr() by address) go through a memo of their last answers
 * first: an entry released, or a 2 MiB entry demoted, must not be found
 * there afterwards.
 */
static void dma_lookup_memo_follows_the_index(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;
	u64 *run = kunit_kcalloc(test, 512, sizeof(*run), GFP_KERNEL);
	dma_addr_t *runs = kunit_kcalloc(test, 512, sizeof(*runs), GFP_KERNEL);
	u64 g0 = 7, g1 = 7 + VMED_DMA_HOT;
	dma_addr_t d0, d1, d;
	unsigned int k, calls;

	KUNIT_ASSERT_NOT_NULL(test, run);
	KUNIT_ASSERT_NOT_NULL(test, runs);
	mutex_lock(&vgpu->lock);
	/* Two frames sharing both memos' slots, g0 held twice. */
	KUNIT_ASSERT_EQ(test, vmed_dma_map_one(vgpu, g0, &d0), 0);
	KUNIT_EXPECT_EQ(test, d0, fake_dma_of(&env->hv, g0));
	KUNIT_ASSERT_EQ(test, vmed_dma_map_one(vgpu, g1, &d1), 0);
	KUNIT_ASSERT_EQ(test, vmed_dma_map_one(vgpu, g0, &d), 0);
	KUNIT_EXPECT_EQ(test, d, d0);
	KUNIT_EXPECT_EQ(test, vmed_dma_put_addr(vgpu, d1), 0);
	KUNIT_EXPECT_EQ(test, vmed_dma_put_addr(vgpu, d0), 0);
	KUNIT_EXPECT_EQ(test, vmed_dma_put_addr(vgpu, d0), 0);
	vmed_dma_flush(vgpu);
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 0);
	/* Released: neither memo may still name them. */
	KUNIT_EXPECT_EQ(test, vmed_dma_put_addr(vgpu, d0), -ENOENT);
	KUNIT_EXPECT_EQ(test, vmed_dma_put_addr(vgpu, d1), -ENOENT);
	calls = env->hv.dma_map_calls;
	KUNIT_ASSERT_EQ(test, vmed_dma_map_one(vgpu, g0, &d), 0);
	KUNIT_EXPECT_EQ(test, d, d0);
	KUNIT_EXPECT_EQ(test, env->hv.dma_map_calls, calls + 1);
	KUNIT_EXPECT_EQ(test, vmed_dma_put_addr(vgpu, d0), 0);

	/* A 2 MiB run, its frames found through many slots of both memos. */
	map_run(test, vgpu, run, runs);
	for (k = 0; k < 512; k += 5) {
		KUNIT_ASSERT_EQ(test, vmed_dma_map_one(vgpu, run[k], &d), 0);
		KUNIT_EXPECT_EQ(test, d, runs[k]);
		KUNIT_EXPECT_EQ(test, vmed_dma_put_addr(vgpu, runs[k]), 0);
	}
	KUNIT_ASSERT_EQ(test, vmed_dma_map_one(vgpu, run[300], &d), 0);
	demote_run(test, vgpu);
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 1);
	for (k = 0; k < 512; k += 5)
		if (k != 300)
			KUNIT_EXPECT_EQ_MSG(test, vmed_dma_put_addr(vgpu, runs[k]),
					    -ENOENT, "frame %u", k);
	KUNIT_ASSERT_EQ(test, vmed_dma_map_one(vgpu, run[300], &d), 0);
	KUNIT_EXPECT_EQ(test, d, runs[300]);
	KUNIT_EXPECT_EQ(test, vmed_dma_put_addr(vgpu, runs[300]), 0);
	KUNIT_EXPECT_EQ(test, vmed_dma_put_addr(vgpu, runs[300]), 0);
	vmed_dma_flush(vgpu);
	mutex_unlock(&vgpu->lock);
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 0);
}

static void dma_invalidate_detached_is_noop(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);

	vmed_vgpu_detach(env->vgpu, &fake_frontend);
	vmed_dma_invalidate(env->vgpu, 0, 100);
	KUNIT_EXPECT_EQ(test, env->hv.dma_unmap_calls, 0);
}

static struct kunit_case dma_cases[] = {
	KUNIT_CASE(dma_batch_maps_misses_once),
	KUNIT_CASE(dma_lookups_both_ways),
	KUNIT_CASE(dma_non_guest_frames),
	KUNIT_CASE(dma_hypervisor_failure_holds_nothing),
	KUNIT_CASE(dma_large_batches),
	KUNIT_CASE(dma_invalidate_forces_release),
	KUNIT_CASE(dma_invalidate_many_frames),
	KUNIT_CASE(dma_lookups_follow_changes),
	KUNIT_CASE(dma_lookup_memo_follows_the_index),
	KUNIT_CASE(dma_invalidate_detached_is_noop),
	{}
};

static struct kunit_suite dma_suite = {
	.name = "vmed_dma",
	.test_cases = dma_cases,
};

kunit_test_suite(dma_suite);
