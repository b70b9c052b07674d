// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for core/ppgtt.c: shadowing 4-level guest page tables built in
 * the fake guest's memory, keeping them current through tracked writes
 * (whole entries, 32-bit halves, unaligned bytes), sharing and refcounting
 * of tables, 2 MiB pages (kept whole or split), hostile trees (bad frames,
 * cycles, too many tables) and teardown. Every test ends with the fake
 * hypervisor checking nothing stays mapped or tracked.
 */
#include <kunit/test.h>
#include <linux/dma-mapping.h>
#include <linux/moduleparam.h>
#include "fake_hv.h"
#include "../../core/internal.h"

/* Guest frames used for tables and data. */
#define G_PML4		1
#define G_PDP		2
#define G_PD		3
#define G_PT		4
#define G_PT2		5
#define G_DATA		100
#define G_HUGE		512	/* 2 MiB aligned */

#define PTE(gfn)	(((u64)(gfn) << PAGE_SHIFT) | TV_PTE_PRESENT | TV_PTE_RW)

static u64 gpa_of(u64 gfn, unsigned int index)
{
	return (gfn << PAGE_SHIFT) + index * 8;
}

/* Guest stores an entry the way a guest CPU would: tracked afterwards. */
static void guest_set(struct kunit *test, struct fake_env *env, u64 gfn,
		      unsigned int index, u64 val)
{
	fake_write_entry(&env->hv, gpa_of(gfn, index), val);
	KUNIT_EXPECT_EQ(test, vmed_page_write(env->vgpu, gpa_of(gfn, index),
					      &val, 8), 0);
}

/* PML4[0] -> PDP[0] -> PD[0] -> PT, PT[i] -> G_DATA + i for i < 4. */
static void build_tree(struct fake_env *env)
{
	unsigned int i;

	fake_write_entry(&env->hv, gpa_of(G_PML4, 0), PTE(G_PDP));
	fake_write_entry(&env->hv, gpa_of(G_PDP, 0), PTE(G_PD));
	fake_write_entry(&env->hv, gpa_of(G_PD, 0), PTE(G_PT));
	for (i = 0; i < 4; i++)
		fake_write_entry(&env->hv, gpa_of(G_PT, i), PTE(G_DATA + i));
}

static struct vmed_ppgtt_mm *get_mm(struct fake_env *env, u64 root_gfn)
{
	struct vmed_ppgtt_mm *mm;

	mutex_lock(&env->vgpu->lock);
	mm = vmed_ppgtt_get(env->vgpu, root_gfn << PAGE_SHIFT);
	mutex_unlock(&env->vgpu->lock);
	return mm;
}

static void put_mm(struct fake_env *env, struct vmed_ppgtt_mm *mm)
{
	mutex_lock(&env->vgpu->lock);
	vmed_ppgtt_put(env->vgpu, mm);
	mutex_unlock(&env->vgpu->lock);
}

static int translate(struct fake_env *env, struct vmed_ppgtt_mm *mm, u64 gva,
		     dma_addr_t *dma)
{
	bool writable;
	int ret;

	mutex_lock(&env->vgpu->lock);
	ret = vmed_ppgtt_translate(env->vgpu, mm, gva, dma, &writable);
	mutex_unlock(&env->vgpu->lock);
	return ret;
}

static void expect_maps(struct kunit *test, struct fake_env *env,
			struct vmed_ppgtt_mm *mm, u64 gva, u64 gfn)
{
	dma_addr_t dma = 0;

	KUNIT_EXPECT_EQ(test, translate(env, mm, gva, &dma), 0);
	KUNIT_EXPECT_EQ(test, dma, fake_dma_of(&env->hv, gfn) +
				   (gva & (PAGE_SIZE - 1)));
}

static void ppgtt_shadow_and_translate(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_ppgtt_mm *mm;
	dma_addr_t dma;
	bool writable;
	unsigned int i;

	build_tree(env);
	mm = get_mm(env, G_PML4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mm));

	for (i = 0; i < 4; i++)
		expect_maps(test, env, mm, i * PAGE_SIZE + 0x123, G_DATA + i);
	KUNIT_EXPECT_EQ(test, translate(env, mm, 4 * PAGE_SIZE, &dma), -EFAULT);
	KUNIT_EXPECT_EQ(test, translate(env, mm, 1ULL << 39, &dma), -EFAULT);
	/* Beyond the 48 bits four levels resolve: no aliasing onto gva 0. */
	KUNIT_EXPECT_EQ(test, translate(env, mm, 1ULL << 48, &dma), -EFAULT);

	/* Four tables tracked; four frames mapped; one hv call per level. */
	KUNIT_EXPECT_EQ(test, env->hv.tracked_frames, 4);
	KUNIT_EXPECT_EQ(test, env->hv.track_calls, 4);
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 4);
	KUNIT_EXPECT_EQ(test, env->hv.dma_map_calls, 1);
	KUNIT_EXPECT_EQ(test, env->vgpu->ppgtt.nr_spts, 4);
	KUNIT_EXPECT_EQ(test, env->vgpu->stats.shadowed_tables, 4);
	KUNIT_EXPECT_NE(test, vmed_ppgtt_root_dma(mm), 0);

	mutex_lock(&env->vgpu->lock);
	KUNIT_EXPECT_EQ(test, vmed_ppgtt_translate(env->vgpu, mm, 0, &dma,
						   &writable), 0);
	KUNIT_EXPECT_TRUE(test, writable);
	mutex_unlock(&env->vgpu->lock);

	put_mm(env, mm);
	KUNIT_EXPECT_EQ(test, env->hv.tracked_frames, 0);
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 0);
	KUNIT_EXPECT_EQ(test, env->vgpu->ppgtt.nr_spts, 0);
}

static void ppgtt_read_only_entry(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_ppgtt_mm *mm;
	dma_addr_t dma;
	bool writable = true;

	build_tree(env);
	fake_write_entry(&env->hv, gpa_of(G_PT, 0), PTE(G_DATA) & ~TV_PTE_RW);
	mm = get_mm(env, G_PML4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mm));
	mutex_lock(&env->vgpu->lock);
	KUNIT_EXPECT_EQ(test, vmed_ppgtt_translate(env->vgpu, mm, 0, &dma,
						   &writable), 0);
	mutex_unlock(&env->vgpu->lock);
	KUNIT_EXPECT_FALSE(test, writable);
	put_mm(env, mm);
}

/*
 * A writable guest entry naming a frame that is not guest RAM points at
 * the vGPU's scratch page, read-only: on real hardware a shared, writable
 * scratch page would let vGPUs pass data to each other.
 */
static void ppgtt_scratch_read_only(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_ppgtt_mm *mm;
	dma_addr_t dma;
	bool writable = true;
	u64 shadow;

	build_tree(env);
	fake_write_entry(&env->hv, gpa_of(G_PT, 1), PTE(FAKE_GUEST_FRAMES + 9));
	mm = get_mm(env, G_PML4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mm));
	mutex_lock(&env->vgpu->lock);
	KUNIT_EXPECT_EQ(test, vmed_ppgtt_translate(env->vgpu, mm, PAGE_SIZE,
						   &dma, &writable), 0);
	mutex_unlock(&env->vgpu->lock);
	KUNIT_EXPECT_EQ(test, dma, env->vgpu->scratch_dma);
	KUNIT_EXPECT_NE(test, dma, env->dev->scratch_dma);
	KUNIT_EXPECT_FALSE(test, writable);
	/* The same after the guest rewrites the entry (tracked write). */
	shadow = PTE(FAKE_GUEST_FRAMES + 10);
	KUNIT_ASSERT_EQ(test, vmed_page_write(env->vgpu, gpa_of(G_PT, 1),
					      &shadow, 8), 0);
	writable = true;
	mutex_lock(&env->vgpu->lock);
	KUNIT_EXPECT_EQ(test, vmed_ppgtt_translate(env->vgpu, mm, PAGE_SIZE,
						   &dma, &writable), 0);
	mutex_unlock(&env->vgpu->lock);
	KUNIT_EXPECT_EQ(test, dma, env->vgpu->scratch_dma);
	KUNIT_EXPECT_FALSE(test, writable);
	put_mm(env, mm);
}

static int ppgtt_sync_locked(struct fake_env *env)
{
	int ret;

	mutex_lock(&env->vgpu->lock);
	ret = vmed_ppgtt_sync(env->vgpu);
	mutex_unlock(&env->vgpu->lock);
	return ret;
}

/*
 * KVM deletes the memslot under a shadowed page table (a guest toggling
 * PAM, or moving a RAM-backed BAR) and creates it again: its write
 * tracking is gone with it. The guest's writes meanwhile are not
 * reported, so the table is re-read before each submission and tracked
 * again once the slot is back; the core never untracks what KVM forgot
 * (the fake counts that as misuse, as KVM warns).
 */
static void ppgtt_memslot_deleted_and_back(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_ppgtt_mm *mm;

	build_tree(env);
	mm = get_mm(env, G_PML4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mm));
	KUNIT_EXPECT_EQ(test, env->hv.tracked[G_PT], 1);

	fake_slot_delete(env, G_PT, 1);
	/* An unreported guest write, while the slot is gone. */
	fake_write_entry(&env->hv, gpa_of(G_PT, 1), PTE(G_DATA + 9));
	KUNIT_EXPECT_EQ(test, ppgtt_sync_locked(env), 0);
	expect_maps(test, env, mm, PAGE_SIZE, G_DATA + 9);
	KUNIT_EXPECT_EQ(test, env->hv.tracked[G_PT], 0);

	/* The slot is back: tracked again at the next submission. */
	fake_slot_create(env, G_PT, 1);
	fake_write_entry(&env->hv, gpa_of(G_PT, 2), PTE(G_DATA + 10));
	KUNIT_EXPECT_EQ(test, ppgtt_sync_locked(env), 0);
	expect_maps(test, env, mm, 2 * PAGE_SIZE, G_DATA + 10);
	KUNIT_EXPECT_EQ(test, env->hv.tracked[G_PT], 1);
	KUNIT_EXPECT_TRUE(test, xa_empty(&env->vgpu->ppgtt.lost));

	/* Gone again, and torn down while gone: nothing untracked twice. */
	fake_slot_delete(env, G_PT, 1);
	put_mm(env, mm);
	KUNIT_EXPECT_TRUE(test, xa_empty(&env->vgpu->ppgtt.lost));
	KUNIT_EXPECT_EQ(test, env->hv.errors, 0);
}

static void ppgtt_batched_tracking(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_ppgtt_mm *mm;
	unsigned int i;

	build_tree(env);
	/* 64 page tables under one PD: tracked with one call. */
	for (i = 0; i < 64; i++) {
		fake_write_entry(&env->hv, gpa_of(G_PD, i), PTE(200 + i));
		fake_write_entry(&env->hv, gpa_of(200 + i, 0), PTE(G_DATA));
	}
	mm = get_mm(env, G_PML4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mm));
	KUNIT_EXPECT_EQ(test, env->hv.tracked_frames, 3 + 64);
	KUNIT_EXPECT_EQ(test, env->hv.track_calls, 4);
	/* G_DATA is shared by 64 entries: mapped once. */
	KUNIT_EXPECT_EQ(test, env->hv.pins[G_DATA], 1);
	expect_maps(test, env, mm, 63ULL << 21, G_DATA);
	put_mm(env, mm);
	KUNIT_EXPECT_EQ(test, env->hv.untrack_calls, 1);
}

/*
 * Which frames are guest RAM is asked once per table, for all the tables
 * its entries point at: here the root, then PML4, PDP and a full PD of 512
 * page tables, the last one the same as the second.
 */
static void ppgtt_guest_memory_batched(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_ppgtt_mm *mm;
	unsigned int i;

	build_tree(env);
	for (i = 1; i < 511; i++)
		fake_write_entry(&env->hv, gpa_of(G_PD, i), PTE(200 + i));
	fake_write_entry(&env->hv, gpa_of(G_PD, 511), PTE(201));
	fake_write_entry(&env->hv, gpa_of(201, 0), PTE(G_DATA + 1));
	mm = get_mm(env, G_PML4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mm));
	KUNIT_EXPECT_EQ(test, env->hv.ram_queries, 4);
	KUNIT_EXPECT_EQ(test, env->hv.ram_queried, 1 + 1 + 1 + 512);
	KUNIT_EXPECT_EQ(test, env->hv.tracked_frames, 3 + 511);
	expect_maps(test, env, mm, 511ULL << 21, G_DATA + 1);

	/* A table linked in later: one query for it, one for its children. */
	for (i = 0; i < 8; i++)
		fake_write_entry(&env->hv, gpa_of(1000, i), PTE(1010 + i));
	guest_set(test, env, G_PDP, 1, PTE(1000));
	KUNIT_EXPECT_EQ(test, env->hv.ram_queries, 4 + 2);
	KUNIT_EXPECT_EQ(test, env->hv.ram_queried, 515 + 1 + 8);
	KUNIT_EXPECT_EQ(test, env->hv.tracked_frames, 3 + 511 + 1 + 8);
	put_mm(env, mm);
}

/*
 * Frames the hypervisor does not report as RAM (a hole in guest memory, a
 * frame beyond it) are neither tracked nor read: the entries pointing at
 * them point nowhere, whether found while shadowing or written later.
 */
static void ppgtt_guest_memory_holes(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_ppgtt_mm *mm;
	dma_addr_t dma;

	build_tree(env);
	fake_write_entry(&env->hv, gpa_of(G_PT2, 0), PTE(G_DATA + 20));
	__set_bit(G_PT2, env->hv.holes);
	fake_write_entry(&env->hv, gpa_of(G_PD, 1), PTE(G_PT2));
	fake_write_entry(&env->hv, gpa_of(G_PD, 2), PTE(FAKE_GUEST_FRAMES + 7));
	mm = get_mm(env, G_PML4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mm));
	KUNIT_EXPECT_EQ(test, env->hv.ram_queries, 4);
	KUNIT_EXPECT_EQ(test, translate(env, mm, 1ULL << 21, &dma), -EFAULT);
	KUNIT_EXPECT_EQ(test, translate(env, mm, 2ULL << 21, &dma), -EFAULT);
	expect_maps(test, env, mm, 0, G_DATA);
	KUNIT_EXPECT_EQ(test, env->hv.tracked[G_PT2], 0);
	KUNIT_EXPECT_EQ(test, env->hv.tracked_frames, 4);
	KUNIT_EXPECT_EQ(test, env->hv.pins[G_DATA + 20], 0);
	KUNIT_EXPECT_EQ(test, env->vgpu->ppgtt.nr_spts, 4);
	KUNIT_EXPECT_EQ(test, env->vgpu->stats.ppgtt_scratch, 2);

	/* Linked in by a guest write, as a page directory this time. */
	guest_set(test, env, G_PDP, 1, PTE(G_PT2));
	KUNIT_EXPECT_EQ(test, env->hv.ram_queries, 5);
	KUNIT_EXPECT_EQ(test, translate(env, mm, 1ULL << 30, &dma), -EFAULT);
	KUNIT_EXPECT_EQ(test, env->hv.tracked[G_PT2], 0);
	KUNIT_EXPECT_EQ(test, env->vgpu->stats.ppgtt_scratch, 3);
	KUNIT_EXPECT_FALSE(test, env->vgpu->failed);
	put_mm(env, mm);
}

/* A query that fails as a whole fails the shadowing of the root... */
static void ppgtt_guest_memory_query_fails(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_ppgtt_mm *mm;

	build_tree(env);
	env->hv.fail_ram_query = -ENOMEM;
	mm = get_mm(env, G_PML4);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(mm), -ENOMEM);
	KUNIT_EXPECT_TRUE(test, env->vgpu->failed);
	KUNIT_EXPECT_STREQ(test, env->vgpu->fail_reason,
			   "out of memory shadowing guest page tables");
	KUNIT_EXPECT_EQ(test, env->vgpu->ppgtt.nr_spts, 0);
	KUNIT_EXPECT_EQ(test, env->hv.tracked_frames, 0);
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 0);
}

/* ... and of a table whose children it was asked about. */
static void ppgtt_guest_memory_batch_query_fails(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_ppgtt_mm *mm;

	build_tree(env);
	mm = get_mm(env, G_PML4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mm));
	fake_write_entry(&env->hv, gpa_of(300, 0), PTE(G_PT2));
	fake_write_entry(&env->hv, gpa_of(G_PT2, 0), PTE(G_DATA));
	/* The new directory's own query succeeds, its children's fails. */
	env->hv.fail_ram_query = -ENOMEM;
	env->hv.ram_query_skip = 1;
	guest_set(test, env, G_PDP, 1, PTE(300));
	KUNIT_EXPECT_EQ(test, env->hv.ram_queries, 4 + 2);
	KUNIT_EXPECT_TRUE(test, env->vgpu->failed);
	KUNIT_EXPECT_EQ(test, env->hv.tracked[300], 0);
	KUNIT_EXPECT_EQ(test, env->hv.tracked[G_PT2], 0);
	KUNIT_EXPECT_EQ(test, env->vgpu->ppgtt.nr_spts, 4);
	put_mm(env, mm);
	KUNIT_EXPECT_EQ(test, env->hv.tracked_frames, 0);
}

static void ppgtt_write_full_entry(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_ppgtt_mm *mm;
	dma_addr_t dma;

	build_tree(env);
	mm = get_mm(env, G_PML4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mm));

	guest_set(test, env, G_PT, 0, PTE(G_DATA + 50));
	expect_maps(test, env, mm, 0, G_DATA + 50);
	KUNIT_EXPECT_EQ(test, env->hv.pins[G_DATA], 0);
	KUNIT_EXPECT_EQ(test, env->hv.pins[G_DATA + 50], 1);

	/* Clearing an entry unmaps; a new entry beyond maps. */
	guest_set(test, env, G_PT, 1, 0);
	KUNIT_EXPECT_EQ(test, translate(env, mm, PAGE_SIZE, &dma), -EFAULT);
	KUNIT_EXPECT_EQ(test, env->hv.pins[G_DATA + 1], 0);
	guest_set(test, env, G_PT, 300, PTE(G_DATA + 60));
	expect_maps(test, env, mm, 300 * PAGE_SIZE, G_DATA + 60);

	/* A new page table hooked in is shadowed and tracked. */
	fake_write_entry(&env->hv, gpa_of(G_PT2, 7), PTE(G_DATA + 70));
	guest_set(test, env, G_PD, 1, PTE(G_PT2));
	expect_maps(test, env, mm, (1ULL << 21) + 7 * PAGE_SIZE, G_DATA + 70);
	KUNIT_EXPECT_EQ(test, env->hv.tracked[G_PT2], 1);

	/* ... and unhooking it untracks and unmaps its frames. */
	guest_set(test, env, G_PD, 1, 0);
	KUNIT_EXPECT_EQ(test, env->hv.tracked[G_PT2], 0);
	KUNIT_EXPECT_EQ(test, env->hv.pins[G_DATA + 70], 0);
	KUNIT_EXPECT_EQ(test, env->vgpu->stats.tracked_writes, 5);
	put_mm(env, mm);
}

static void ppgtt_write_halves(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_ppgtt_mm *mm;
	u64 val = PTE(G_DATA + 9) | (1ULL << 40);
	u32 lo = val, hi = val >> 32;

	build_tree(env);
	fake_write_entry(&env->hv, gpa_of(G_PT, 0), PTE(G_DATA));
	mm = get_mm(env, G_PML4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mm));

	/* Low half alone: the old translation stays. */
	fake_write_entry(&env->hv, gpa_of(G_PT, 0),
			 (PTE(G_DATA) & GENMASK_ULL(63, 32)) | lo);
	KUNIT_EXPECT_EQ(test, vmed_page_write(env->vgpu, gpa_of(G_PT, 0), &lo, 4),
			0);
	expect_maps(test, env, mm, 0, G_DATA);
	/* High half completes it. */
	fake_write_entry(&env->hv, gpa_of(G_PT, 0), val);
	KUNIT_EXPECT_EQ(test, vmed_page_write(env->vgpu, gpa_of(G_PT, 0) + 4, &hi,
					      4), 0);
	/* Frame 2^28 + ... is beyond guest RAM: the entry goes to scratch. */
	KUNIT_EXPECT_EQ(test, env->hv.pins[G_DATA], 0);
	KUNIT_EXPECT_GT(test, env->vgpu->stats.ppgtt_scratch, 0);

	/* High then low works the same, with a valid frame. */
	val = PTE(G_DATA + 11);
	lo = val;
	hi = val >> 32;
	fake_write_entry(&env->hv, gpa_of(G_PT, 0), val);
	KUNIT_EXPECT_EQ(test, vmed_page_write(env->vgpu, gpa_of(G_PT, 0) + 4, &hi,
					      4), 0);
	KUNIT_EXPECT_EQ(test, vmed_page_write(env->vgpu, gpa_of(G_PT, 0), &lo, 4),
			0);
	expect_maps(test, env, mm, 0, G_DATA + 11);
	KUNIT_EXPECT_TRUE(test, list_empty(&env->vgpu->ppgtt.pending));
	put_mm(env, mm);
}

static void ppgtt_partial_write_synced_at_submit(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_ppgtt_mm *mm;
	u32 lo = PTE(G_DATA + 20);
	u16 two = PTE(G_DATA + 30) & 0xffff;

	build_tree(env);
	mm = get_mm(env, G_PML4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mm));

	/* Only the low half arrives (high half unchanged: 0). */
	fake_write_entry(&env->hv, gpa_of(G_PT, 2), PTE(G_DATA + 20));
	KUNIT_EXPECT_EQ(test, vmed_page_write(env->vgpu, gpa_of(G_PT, 2), &lo, 4),
			0);
	/* A 2-byte write somewhere else: pending too. */
	fake_write_entry(&env->hv, gpa_of(G_PT, 3), PTE(G_DATA + 30));
	KUNIT_EXPECT_EQ(test, vmed_page_write(env->vgpu, gpa_of(G_PT, 3) + 1,
					      &two, 2), 0);
	expect_maps(test, env, mm, 2 * PAGE_SIZE, G_DATA + 2);
	expect_maps(test, env, mm, 3 * PAGE_SIZE, G_DATA + 3);
	KUNIT_EXPECT_FALSE(test, list_empty(&env->vgpu->ppgtt.pending));

	/* Submission syncs them before the engine runs. */
	tv_ring(test, env->vgpu, 0x77);
	KUNIT_EXPECT_EQ(test, env->tv.steps, 1);
	KUNIT_EXPECT_EQ(test, env->tv.last_desc, 0x77);
	expect_maps(test, env, mm, 2 * PAGE_SIZE, G_DATA + 20);
	expect_maps(test, env, mm, 3 * PAGE_SIZE, G_DATA + 30);
	KUNIT_EXPECT_TRUE(test, list_empty(&env->vgpu->ppgtt.pending));
	put_mm(env, mm);
}

/*
 * A written frame's shadow tables are remembered from one write to the
 * next: a table that appears on the frame, or goes, must be seen, also
 * when no write to another frame came in between.
 */
static void ppgtt_written_frame_tables_change(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;
	struct vmed_ppgtt_mm *mm, *mm2;

	build_tree(env);
	mm = get_mm(env, G_PML4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mm));

	/* Not a table yet: a stale write. */
	guest_set(test, env, G_PT2, 0, 0);
	KUNIT_EXPECT_EQ(test, vgpu->stats.stale_writes, 1);

	/* A second address space rooted there makes it one. */
	mm2 = get_mm(env, G_PT2);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mm2));
	guest_set(test, env, G_PT2, 0, PTE(G_PDP));
	KUNIT_EXPECT_EQ(test, vgpu->stats.stale_writes, 1);
	expect_maps(test, env, mm2, 0, G_DATA);
	guest_set(test, env, G_PT2, 1, PTE(G_PDP));
	expect_maps(test, env, mm2, SZ_512G + 3 * PAGE_SIZE, G_DATA + 3);

	/* When it goes, writes there are stale again. */
	put_mm(env, mm2);
	guest_set(test, env, G_PT2, 0, 0);
	KUNIT_EXPECT_EQ(test, vgpu->stats.stale_writes, 2);
	expect_maps(test, env, mm, 0, G_DATA);
	put_mm(env, mm);
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 0);
}

static void ppgtt_bad_page_writes(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	u64 val = 0;

	KUNIT_EXPECT_EQ(test, vmed_page_write(env->vgpu, 0x1000, &val, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vmed_page_write(env->vgpu, 0x1ffc, &val, 8),
			-EINVAL);
	/* Not a shadowed frame: counted as stale, nothing else. */
	KUNIT_EXPECT_EQ(test, vmed_page_write(env->vgpu, 0x1000, &val, 8), 0);
	KUNIT_EXPECT_EQ(test, env->vgpu->stats.stale_writes, 1);
	/* Frames beyond any guest are ignored without lookup trouble. */
	KUNIT_EXPECT_EQ(test, vmed_page_write(env->vgpu, U64_MAX & PAGE_MASK,
					      &val, 8), 0);
}

static void ppgtt_shared_tables(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_ppgtt_mm *mm;

	build_tree(env);
	fake_write_entry(&env->hv, gpa_of(G_PD, 5), PTE(G_PT));
	mm = get_mm(env, G_PML4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mm));
	KUNIT_EXPECT_EQ(test, env->vgpu->ppgtt.nr_spts, 4);
	expect_maps(test, env, mm, 5ULL << 21, G_DATA);

	guest_set(test, env, G_PD, 0, 0);
	KUNIT_EXPECT_EQ(test, env->hv.tracked[G_PT], 1);
	expect_maps(test, env, mm, (5ULL << 21) + PAGE_SIZE, G_DATA + 1);
	guest_set(test, env, G_PD, 5, 0);
	KUNIT_EXPECT_EQ(test, env->hv.tracked[G_PT], 0);
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 0);
	KUNIT_EXPECT_EQ(test, env->vgpu->ppgtt.nr_spts, 3);
	put_mm(env, mm);
}

static void ppgtt_two_address_spaces(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_ppgtt_mm *a, *b, *again;

	build_tree(env);
	/* A second root sharing the PDP subtree. */
	fake_write_entry(&env->hv, gpa_of(10, 3), PTE(G_PDP));
	a = get_mm(env, G_PML4);
	b = get_mm(env, 10);
	KUNIT_ASSERT_FALSE(test, IS_ERR(a));
	KUNIT_ASSERT_FALSE(test, IS_ERR(b));
	KUNIT_EXPECT_PTR_NE(test, a, b);
	KUNIT_EXPECT_EQ(test, env->vgpu->ppgtt.nr_spts, 5);

	again = get_mm(env, G_PML4);
	KUNIT_EXPECT_PTR_EQ(test, again, a);
	put_mm(env, again);

	put_mm(env, a);
	expect_maps(test, env, b, (3ULL << 39) + PAGE_SIZE, G_DATA + 1);
	KUNIT_EXPECT_EQ(test, env->hv.tracked[G_PML4], 0);
	KUNIT_EXPECT_EQ(test, env->hv.tracked[G_PDP], 1);
	put_mm(env, b);
	KUNIT_EXPECT_EQ(test, env->vgpu->ppgtt.nr_spts, 0);
}

static void build_huge(struct fake_env *env)
{
	fake_write_entry(&env->hv, gpa_of(G_PML4, 0), PTE(G_PDP));
	fake_write_entry(&env->hv, gpa_of(G_PDP, 0), PTE(G_PD));
	fake_write_entry(&env->hv, gpa_of(G_PD, 1), PTE(G_HUGE) | TV_PTE_PS);
}

static void ppgtt_huge_page_contiguous(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_ppgtt_mm *mm;
	unsigned long calls;

	build_huge(env);
	calls = env->hv.dma_map_calls;
	mm = get_mm(env, G_PML4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mm));
	KUNIT_EXPECT_EQ(test, env->hv.dma_map_calls - calls, 1);
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 512);
	/* Kept as one 2 MiB entry: no split table. */
	KUNIT_EXPECT_EQ(test, env->vgpu->ppgtt.nr_spts, 3);
	expect_maps(test, env, mm, (1ULL << 21) + 0x1234, G_HUGE + 1);
	expect_maps(test, env, mm, (2ULL << 21) - 1, G_HUGE + 511);
	put_mm(env, mm);
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 0);
}

/* Map/put one frame through the core's DMA cache, as a GGTT entry would. */
static int frame_get(struct fake_env *env, u64 gfn, dma_addr_t *dma)
{
	int ret;

	mutex_lock(&env->vgpu->lock);
	ret = vmed_dma_map_one(env->vgpu, gfn, dma);
	mutex_unlock(&env->vgpu->lock);
	return ret;
}

static void frame_put(struct fake_env *env, u64 gfn)
{
	mutex_lock(&env->vgpu->lock);
	vmed_dma_put(env->vgpu, gfn);
	vmed_dma_flush(env->vgpu);
	mutex_unlock(&env->vgpu->lock);
}

/*
 * A contiguous 2 MiB page is one DMA-cache entry; a 4 KiB user of one of
 * its frames shares it and keeps the run mapped after the huge page goes.
 */
static void ppgtt_huge_page_one_cache_entry(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_ppgtt_mm *mm;
	unsigned long calls;
	dma_addr_t dma = 0;

	build_huge(env);
	mm = get_mm(env, G_PML4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mm));
	KUNIT_EXPECT_EQ(test, env->vgpu->dma.nr_huge, 1);
	KUNIT_EXPECT_EQ(test, env->vgpu->dma.nr_entries, 512);
	KUNIT_EXPECT_EQ(test, env->vgpu->stats.dma_maps, 512);

	calls = env->hv.dma_map_calls;
	KUNIT_EXPECT_EQ(test, frame_get(env, G_HUGE + 5, &dma), 0);
	KUNIT_EXPECT_EQ(test, dma, fake_dma_of(&env->hv, G_HUGE + 5));
	KUNIT_EXPECT_EQ(test, env->hv.dma_map_calls, calls);
	KUNIT_EXPECT_EQ(test, env->hv.pins[G_HUGE + 5], 1);

	/* The huge page goes; the run stays for the frame still used. */
	guest_set(test, env, G_PD, 1, 0);
	KUNIT_EXPECT_EQ(test, env->vgpu->dma.nr_huge, 1);
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 512);
	frame_put(env, G_HUGE + 5);
	KUNIT_EXPECT_EQ(test, env->vgpu->dma.nr_huge, 0);
	KUNIT_EXPECT_EQ(test, env->vgpu->dma.nr_entries, 0);
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 0);

	/* Mapped again, and shared by two huge entries of two tables. */
	guest_set(test, env, G_PD, 1, PTE(G_HUGE) | TV_PTE_PS);
	guest_set(test, env, G_PD, 2, PTE(G_HUGE) | TV_PTE_PS);
	KUNIT_EXPECT_EQ(test, env->vgpu->dma.nr_huge, 1);
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 512);
	expect_maps(test, env, mm, (2ULL << 21) + 0x2345, G_HUGE + 2);
	guest_set(test, env, G_PD, 1, 0);
	expect_maps(test, env, mm, (2ULL << 21) + 0x2345, G_HUGE + 2);
	put_mm(env, mm);
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 0);
	KUNIT_EXPECT_EQ(test, env->vgpu->stats.dma_unmaps,
			env->vgpu->stats.dma_maps);
}

/*
 * A single frame aliasing one of a 2 MiB run's host pages (same DMA
 * address) is cached first: the run is then adopted frame by frame, its
 * aliased frame refused (scratch, no WARN), and each release drops the
 * reference of its own frame only.
 */
static void ppgtt_huge_page_with_alias(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_ppgtt_mm *mm;
	dma_addr_t dma = 0;

	env->hv.alias_gfn = 40;
	env->hv.alias_of = G_HUGE + 7;
	KUNIT_ASSERT_EQ(test, frame_get(env, 40, &dma), 0);
	KUNIT_EXPECT_EQ(test, dma, fake_dma_of(&env->hv, G_HUGE + 7));

	build_huge(env);
	mm = get_mm(env, G_PML4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mm));
	KUNIT_EXPECT_EQ(test, env->vgpu->dma.nr_huge, 0);
	/* The run is in splits: every frame but the aliased one maps. */
	expect_maps(test, env, mm, (1ULL << 21) + 6 * PAGE_SIZE, G_HUGE + 6);
	KUNIT_EXPECT_EQ(test, translate(env, mm, (1ULL << 21) + 7 * PAGE_SIZE,
					&dma), 0);
	KUNIT_EXPECT_EQ(test, dma, env->vgpu->scratch_dma);
	KUNIT_EXPECT_EQ(test, env->hv.pins[G_HUGE + 7], 0);
	KUNIT_EXPECT_EQ(test, env->hv.pins[40], 1);

	/* The huge page goes: frame 40 keeps its one reference. */
	guest_set(test, env, G_PD, 1, 0);
	KUNIT_EXPECT_EQ(test, env->hv.pins[G_HUGE + 6], 0);
	KUNIT_EXPECT_EQ(test, env->hv.pins[40], 1);
	frame_put(env, 40);
	KUNIT_EXPECT_EQ(test, env->hv.pins[40], 0);
	put_mm(env, mm);
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 0);
	KUNIT_EXPECT_EQ(test, env->hv.errors, 0);
}

/*
 * Withdrawing half of a 2 MiB run: the huge page goes, the run becomes
 * 4 KiB entries for the frames still in use, the rest is unmapped.
 */
static void ppgtt_huge_page_partly_withdrawn(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_ppgtt_mm *mm;
	dma_addr_t dma = 0, back = 0;

	build_huge(env);
	mm = get_mm(env, G_PML4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mm));
	KUNIT_EXPECT_EQ(test, frame_get(env, G_HUGE + 300, &dma), 0);
	KUNIT_EXPECT_EQ(test, frame_get(env, G_HUGE + 10, &back), 0);

	vmed_dma_invalidate(env->vgpu, G_HUGE, 256);
	KUNIT_EXPECT_EQ(test, translate(env, mm, 1ULL << 21, &back), -EFAULT);
	KUNIT_EXPECT_EQ(test, env->vgpu->dma.nr_huge, 0);
	/* The frame outside the range is still mapped, at the same address. */
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 1);
	KUNIT_EXPECT_EQ(test, env->vgpu->dma.nr_entries, 1);
	KUNIT_EXPECT_EQ(test, env->hv.pins[G_HUGE + 300], 1);
	KUNIT_EXPECT_EQ(test, env->hv.pins[G_HUGE + 10], 0);
	mutex_lock(&env->vgpu->lock);
	KUNIT_EXPECT_EQ(test, vmed_dma_lookup(env->vgpu, G_HUGE + 300, &back), 0);
	KUNIT_EXPECT_EQ(test, back, dma);
	KUNIT_EXPECT_EQ(test, vmed_dma_lookup(env->vgpu, G_HUGE + 10, &back),
			-ENOENT);
	mutex_unlock(&env->vgpu->lock);
	/* The withdrawn frame's user was an engine: forced off, counted. */
	KUNIT_EXPECT_EQ(test, env->vgpu->stats.dma_invalidated, 1);

	frame_put(env, G_HUGE + 300);
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 0);
	put_mm(env, mm);
}

static void ppgtt_huge_page_split(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_ppgtt_mm *mm;
	unsigned int i;

	env->hv.scatter = true;
	build_huge(env);
	mm = get_mm(env, G_PML4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mm));
	KUNIT_EXPECT_EQ(test, env->vgpu->ppgtt.nr_spts, 4);
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 512);
	for (i = 0; i < 512; i += 51)
		expect_maps(test, env, mm, (1ULL << 21) + i * PAGE_SIZE + 8,
			    G_HUGE + i);
	/* Replacing the huge entry releases the split table and frames. */
	guest_set(test, env, G_PD, 1, 0);
	KUNIT_EXPECT_EQ(test, env->vgpu->ppgtt.nr_spts, 3);
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 0);
	put_mm(env, mm);
}

static void ppgtt_huge_page_partly_outside_guest(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_ppgtt_mm *mm;
	dma_addr_t dma;
	u64 last = FAKE_GUEST_FRAMES - 512;	/* 2 MiB aligned, last in RAM */

	/* A huge page just past the end of RAM, and the last one inside. */
	build_huge(env);
	fake_write_entry(&env->hv, gpa_of(G_PD, 2),
			 PTE(last + 512) | TV_PTE_PS);
	fake_write_entry(&env->hv, gpa_of(G_PD, 3), PTE(last) | TV_PTE_PS);
	mm = get_mm(env, G_PML4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mm));
	/* Entirely outside: every frame goes to scratch through a split. */
	KUNIT_EXPECT_EQ(test, translate(env, mm, 2ULL << 21, &dma), 0);
	KUNIT_EXPECT_EQ(test, dma, env->vgpu->scratch_dma);
	expect_maps(test, env, mm, (3ULL << 21) + PAGE_SIZE, last + 1);
	KUNIT_EXPECT_GE(test, env->vgpu->stats.ppgtt_scratch, 512);
	put_mm(env, mm);
}

static void ppgtt_misaligned_huge_page(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_ppgtt_mm *mm;
	dma_addr_t dma;

	build_huge(env);
	fake_write_entry(&env->hv, gpa_of(G_PD, 1),
			 PTE(G_HUGE + 1) | TV_PTE_PS);
	mm = get_mm(env, G_PML4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mm));
	KUNIT_EXPECT_EQ(test, translate(env, mm, 1ULL << 21, &dma), -EFAULT);
	KUNIT_EXPECT_EQ(test, env->vgpu->stats.ppgtt_scratch, 1);
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 0);
	put_mm(env, mm);
}

static void ppgtt_bad_frames(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_ppgtt_mm *mm;
	dma_addr_t dma;

	build_tree(env);
	/* A page table beyond guest RAM, and a data frame beyond it. */
	fake_write_entry(&env->hv, gpa_of(G_PD, 1), PTE(FAKE_GUEST_FRAMES + 5));
	fake_write_entry(&env->hv, gpa_of(G_PT, 1), PTE(FAKE_GUEST_FRAMES + 9));
	fake_write_entry(&env->hv, gpa_of(G_PT, 2), PTE(1ULL << 33));
	mm = get_mm(env, G_PML4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mm));
	KUNIT_EXPECT_EQ(test, translate(env, mm, 1ULL << 21, &dma), -EFAULT);
	KUNIT_EXPECT_EQ(test, translate(env, mm, PAGE_SIZE, &dma), 0);
	KUNIT_EXPECT_EQ(test, dma, env->vgpu->scratch_dma);
	KUNIT_EXPECT_EQ(test, translate(env, mm, 2 * PAGE_SIZE, &dma), 0);
	KUNIT_EXPECT_EQ(test, dma, env->vgpu->scratch_dma);
	KUNIT_EXPECT_EQ(test, env->vgpu->stats.ppgtt_scratch, 3);
	KUNIT_EXPECT_EQ(test, env->hv.tracked_frames, 4);
	put_mm(env, mm);
}

static void ppgtt_self_referencing_tables(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_ppgtt_mm *mm;

	/* Every entry 0 of the one table points back at the table itself. */
	fake_write_entry(&env->hv, gpa_of(G_PML4, 0), PTE(G_PML4));
	mm = get_mm(env, G_PML4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mm));
	/* One shadow per level, and the frame tracked once. */
	KUNIT_EXPECT_EQ(test, env->vgpu->ppgtt.nr_spts, 4);
	KUNIT_EXPECT_EQ(test, env->hv.tracked[G_PML4], 1);
	/* The leaf reading maps the table page itself as data. */
	expect_maps(test, env, mm, 0, G_PML4);

	/* A write to the page updates all four shadows. */
	guest_set(test, env, G_PML4, 0, 0);
	KUNIT_EXPECT_EQ(test, env->vgpu->ppgtt.nr_spts, 1);
	put_mm(env, mm);
	KUNIT_EXPECT_EQ(test, env->hv.tracked[G_PML4], 0);
}

static void ppgtt_table_limit_fails_vgpu(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_ppgtt_mm *mm;

	build_tree(env);
	env->vgpu->ppgtt.max_spts = 3;
	mm = get_mm(env, G_PML4);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(mm), -ENOSPC);
	KUNIT_EXPECT_TRUE(test, env->vgpu->failed);
	KUNIT_EXPECT_EQ(test, env->vgpu->ppgtt.nr_spts, 0);
	KUNIT_EXPECT_EQ(test, env->hv.tracked_frames, 0);
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 0);
	/* A failed vGPU shadows nothing more. */
	env->vgpu->ppgtt.max_spts = 100;
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(get_mm(env, G_PML4)), -EIO);
}

static void ppgtt_table_limit_on_write(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_ppgtt_mm *mm;

	build_tree(env);
	mm = get_mm(env, G_PML4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mm));
	env->vgpu->ppgtt.max_spts = 4;
	guest_set(test, env, G_PD, 1, PTE(G_PT2));
	KUNIT_EXPECT_TRUE(test, env->vgpu->failed);
	KUNIT_EXPECT_EQ(test, env->hv.tracked[G_PT2], 0);
	put_mm(env, mm);
}

static void ppgtt_bad_roots(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_ppgtt_mm *mm;

	mutex_lock(&env->vgpu->lock);
	mm = vmed_ppgtt_get(env->vgpu, (G_PML4 << PAGE_SHIFT) + 8);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(mm), -EINVAL);
	mm = vmed_ppgtt_get(env->vgpu, (u64)FAKE_GUEST_FRAMES << PAGE_SHIFT);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(mm), -EINVAL);
	mm = vmed_ppgtt_get(env->vgpu, U64_MAX & PAGE_MASK);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(mm), -EINVAL);
	mutex_unlock(&env->vgpu->lock);
	KUNIT_EXPECT_FALSE(test, env->vgpu->failed);

	/* Unreadable guest memory: the root cannot be shadowed. */
	env->hv.fail_read = true;
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(get_mm(env, G_PML4)), -EFAULT);
	env->hv.fail_read = false;
	/* The hypervisor refusing to track it. */
	env->hv.fail_track = -EINVAL;
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(get_mm(env, G_PML4)), -EINVAL);
	KUNIT_EXPECT_EQ(test, env->hv.tracked_frames, 0);

	vmed_vgpu_detach(env->vgpu, &fake_frontend);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(get_mm(env, G_PML4)), -ENODEV);
}

static void ppgtt_child_tracking_refused(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_ppgtt_mm *mm;

	build_tree(env);
	mm = get_mm(env, G_PML4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mm));
	/* The hypervisor runs out of memory tracking a new table. */
	env->hv.fail_track = -ENOMEM;
	fake_write_entry(&env->hv, gpa_of(G_PT2, 0), PTE(G_DATA));
	guest_set(test, env, G_PD, 1, PTE(G_PT2));
	KUNIT_EXPECT_TRUE(test, env->vgpu->failed);
	KUNIT_EXPECT_EQ(test, env->hv.tracked[G_PT2], 0);
	put_mm(env, mm);
}

static void ppgtt_dma_map_failure(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_ppgtt_mm *mm;

	build_tree(env);
	env->hv.fail_dma_map = -ENOMEM;
	mm = get_mm(env, G_PML4);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(mm), -ENOMEM);
	KUNIT_EXPECT_TRUE(test, env->vgpu->failed);
	KUNIT_EXPECT_STREQ(test, env->vgpu->fail_reason,
			   "out of memory shadowing guest page tables");
	KUNIT_EXPECT_EQ(test, env->vgpu->ppgtt.nr_spts, 0);
}

/* A hypervisor failing a whole map call (not single frames) fails too. */
static void ppgtt_dma_map_call_fails(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_ppgtt_mm *mm;

	build_tree(env);
	env->hv.fail_dma_map = -EIO;
	mm = get_mm(env, G_PML4);
	KUNIT_EXPECT_TRUE(test, IS_ERR(mm));
	KUNIT_EXPECT_TRUE(test, env->vgpu->failed);
	KUNIT_EXPECT_STREQ(test, env->vgpu->fail_reason,
			   "hypervisor could not map guest memory for shadowing");
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 0);
}

static void ppgtt_invalidate_range(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_ppgtt_mm *mm;
	dma_addr_t dma;

	build_tree(env);
	env->hv.scatter = true;
	fake_write_entry(&env->hv, gpa_of(G_PD, 1), PTE(G_HUGE) | TV_PTE_PS);
	mm = get_mm(env, G_PML4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mm));

	/* Withdraw frames G_DATA+1..+2 and half of the huge page. */
	vmed_dma_invalidate(env->vgpu, G_DATA + 1, 2);
	vmed_dma_invalidate(env->vgpu, G_HUGE, 256);
	KUNIT_EXPECT_EQ(test, env->hv.pins[G_DATA + 1], 0);
	KUNIT_EXPECT_EQ(test, env->hv.pins[G_DATA + 2], 0);
	KUNIT_EXPECT_EQ(test, env->hv.pins[G_DATA + 3], 1);
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 2 + 256);
	KUNIT_EXPECT_EQ(test, translate(env, mm, PAGE_SIZE, &dma), 0);
	KUNIT_EXPECT_EQ(test, dma, env->vgpu->scratch_dma);
	expect_maps(test, env, mm, 3 * PAGE_SIZE, G_DATA + 3);
	KUNIT_EXPECT_EQ(test, translate(env, mm, 1ULL << 21, &dma), 0);
	KUNIT_EXPECT_EQ(test, dma, env->vgpu->scratch_dma);
	expect_maps(test, env, mm, (1ULL << 21) + 300 * PAGE_SIZE, G_HUGE + 300);
	KUNIT_EXPECT_EQ(test, env->vgpu->stats.dma_invalidated, 0);
	/* Tables themselves stay shadowed and tracked. */
	KUNIT_EXPECT_EQ(test, env->hv.tracked_frames, 4);

	/* A later guest write maps the frame again. */
	guest_set(test, env, G_PT, 1, PTE(G_DATA + 1));
	expect_maps(test, env, mm, PAGE_SIZE, G_DATA + 1);
	put_mm(env, mm);
}

/*
 * Invalidation skips tables by the bound of the frames they reference: the
 * bound must follow entries that move far away, and disjoint ranges must
 * leave the table alone.
 */
static void ppgtt_invalidate_follows_moved_entries(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_ppgtt_mm *mm;
	dma_addr_t dma;

	build_tree(env);
	mm = get_mm(env, G_PML4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mm));

	vmed_dma_invalidate(env->vgpu, G_DATA + 3, 1);
	KUNIT_EXPECT_EQ(test, env->hv.pins[G_DATA + 3], 0);
	/* Far beyond the frames the table referenced so far. */
	guest_set(test, env, G_PT, 3, PTE(G_DATA + 300));
	expect_maps(test, env, mm, 3 * PAGE_SIZE, G_DATA + 300);

	/* Between the old and the new frames: nothing to do. */
	vmed_dma_invalidate(env->vgpu, G_DATA + 4, 200);
	expect_maps(test, env, mm, 0, G_DATA);
	expect_maps(test, env, mm, 3 * PAGE_SIZE, G_DATA + 300);

	vmed_dma_invalidate(env->vgpu, G_DATA + 300, 1);
	KUNIT_EXPECT_EQ(test, env->hv.pins[G_DATA + 300], 0);
	KUNIT_EXPECT_EQ(test, translate(env, mm, 3 * PAGE_SIZE, &dma), 0);
	KUNIT_EXPECT_EQ(test, dma, env->vgpu->scratch_dma);

	vmed_dma_invalidate(env->vgpu, G_DATA, 1);
	KUNIT_EXPECT_EQ(test, env->hv.pins[G_DATA], 0);
	KUNIT_EXPECT_EQ(test, translate(env, mm, 0, &dma), 0);
	KUNIT_EXPECT_EQ(test, dma, env->vgpu->scratch_dma);
	expect_maps(test, env, mm, PAGE_SIZE, G_DATA + 1);
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 2);
	KUNIT_EXPECT_EQ(test, env->vgpu->stats.dma_invalidated, 0);
	put_mm(env, mm);
}

static void ppgtt_detach_releases_everything(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_ppgtt_mm *mm;

	build_tree(env);
	mm = get_mm(env, G_PML4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mm));
	vmed_vgpu_detach(env->vgpu, &fake_frontend);
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 0);
	KUNIT_EXPECT_EQ(test, env->hv.tracked_frames, 0);
	KUNIT_EXPECT_EQ(test, env->vgpu->ppgtt.nr_spts, 0);
	KUNIT_EXPECT_EQ(test, env->tv.engine_resets, 1);
	/* Tracked-write notifications racing with detach are harmless. */
	KUNIT_EXPECT_EQ(test, vmed_page_write(env->vgpu, gpa_of(G_PT, 0),
					      &mm, 8), 0);
}

static void ppgtt_reset_releases_everything(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_ppgtt_mm *mm;

	build_tree(env);
	mm = get_mm(env, G_PML4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mm));
	vmed_vgpu_reset(env->vgpu);
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 0);
	KUNIT_EXPECT_EQ(test, env->hv.tracked_frames, 0);
	/* Still attached: shadowing works again. */
	mm = get_mm(env, G_PML4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mm));
	expect_maps(test, env, mm, 0, G_DATA);
	put_mm(env, mm);
}

/* A hypervisor without write tracking: revalidation at every submission. */
static struct fake_env *untracked_env(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);

	vmed_vgpu_detach(env->vgpu, &fake_frontend);
	KUNIT_ASSERT_EQ(test, vmed_vgpu_attach(env->vgpu, &fake_frontend, &fake_hv_untracked_ops,
					       &env->hv), 0);
	return env;
}

static void ppgtt_untracked_revalidated_at_submit(struct kunit *test)
{
	struct fake_env *env = untracked_env(test);
	struct vmed_ppgtt_mm *mm;
	dma_addr_t dma;

	build_tree(env);
	mm = get_mm(env, G_PML4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mm));
	expect_maps(test, env, mm, 0, G_DATA);
	KUNIT_EXPECT_EQ(test, env->hv.track_calls, 0);

	/* Guest stores nobody reports: a remap, an unmap, a new table. */
	fake_write_entry(&env->hv, gpa_of(G_PT, 0), PTE(G_DATA + 40));
	fake_write_entry(&env->hv, gpa_of(G_PT, 1), 0);
	fake_write_entry(&env->hv, gpa_of(G_PD, 1), PTE(G_PT2));
	fake_write_entry(&env->hv, gpa_of(G_PT2, 0), PTE(G_DATA + 50));
	expect_maps(test, env, mm, 0, G_DATA);

	tv_ring(test, env->vgpu, 1);
	KUNIT_EXPECT_EQ(test, env->tv.steps, 1);
	expect_maps(test, env, mm, 0, G_DATA + 40);
	KUNIT_EXPECT_EQ(test, translate(env, mm, PAGE_SIZE, &dma), -EFAULT);
	expect_maps(test, env, mm, SZ_2M, G_DATA + 50);
	expect_maps(test, env, mm, 2 * PAGE_SIZE, G_DATA + 2);
	/*
	 * The four tables were read, and the new one, built on the way, is
	 * visited too (its key sorts after its parent's).
	 */
	KUNIT_EXPECT_EQ(test, env->vgpu->stats.revalidated, 5);
	KUNIT_EXPECT_EQ(test, env->vgpu->ppgtt.nr_spts, 5);
	KUNIT_EXPECT_EQ(test, env->hv.track_calls, 0);
	KUNIT_EXPECT_EQ(test, env->hv.untrack_calls, 0);

	/* Dropping a table the guest unlinked frees its shadow. */
	fake_write_entry(&env->hv, gpa_of(G_PD, 1), 0);
	tv_ring(test, env->vgpu, 2);
	KUNIT_EXPECT_EQ(test, env->vgpu->ppgtt.nr_spts, 4);
	KUNIT_EXPECT_EQ(test, translate(env, mm, SZ_2M, &dma), -EFAULT);
	put_mm(env, mm);
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 0);
}

static void ppgtt_untracked_table_gone(struct kunit *test)
{
	struct fake_env *env = untracked_env(test);
	struct vmed_ppgtt_mm *mm;
	dma_addr_t dma;

	build_tree(env);
	mm = get_mm(env, G_PML4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mm));
	/* The guest's memory becomes unreadable: everything unmaps. */
	env->hv.fail_read = true;
	tv_ring(test, env->vgpu, 1);
	KUNIT_EXPECT_EQ(test, translate(env, mm, 0, &dma), -EFAULT);
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 0);
	KUNIT_EXPECT_FALSE(test, env->vgpu->failed);
	env->hv.fail_read = false;
	put_mm(env, mm);
}

static void ppgtt_track_ops_both_or_none(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_hv_ops half = fake_hv_ops;

	vmed_vgpu_detach(env->vgpu, &fake_frontend);
	half.track_remove = NULL;
	KUNIT_EXPECT_EQ(test, vmed_vgpu_attach(env->vgpu, &fake_frontend, &half, &env->hv),
			-EINVAL);
	half = fake_hv_ops;
	half.track_add = NULL;
	KUNIT_EXPECT_EQ(test, vmed_vgpu_attach(env->vgpu, &fake_frontend, &half, &env->hv),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vmed_vgpu_attach(env->vgpu, &fake_frontend, &fake_hv_ops, &env->hv),
			0);
}

static void ppgtt_no_ppgtt_vendor(struct kunit *test)
{
	struct vmed_vendor v = tvendor;
	struct fake_env *env;
	u64 val = 0;

	v.ppgtt_format.levels = 0;
	env = fake_env_create_vendor(test, &v, TV_TYPE_SMALL);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(get_mm(env, G_PML4)), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, vmed_page_write(env->vgpu, 0x1000, &val, 8), 0);
	KUNIT_EXPECT_EQ(test, env->vgpu->stats.stale_writes, 1);
}

/* The test vendor with 64 KiB pages: bit 11 at level 0 (like gen9's IPS). */
#define TV_PTE_64K	BIT_ULL(11)

static struct fake_env *env_64k(struct kunit *test)
{
	struct vmed_vendor v = tvendor;

	v.ppgtt_format.level[0].big_mask = TV_PTE_64K;
	v.ppgtt_format.level[0].big_shift = 16;
	return fake_env_create_vendor(test, &v, TV_TYPE_SMALL);
}

static void ppgtt_64k_pages(struct kunit *test)
{
	struct fake_env *env = env_64k(test);
	struct vmed_ppgtt_mm *mm;
	unsigned int k;
	dma_addr_t dma;

	build_tree(env);
	/* PT[16] maps 64 KiB at frames 32..47; PT[17..31] hold junk. */
	fake_write_entry(&env->hv, gpa_of(G_PT, 16), PTE(32) | TV_PTE_64K);
	for (k = 17; k < 32; k++)
		fake_write_entry(&env->hv, gpa_of(G_PT, k), PTE(FAKE_GUEST_FRAMES + k));
	/* Misaligned: a big entry at index 3, and one with an odd frame. */
	fake_write_entry(&env->hv, gpa_of(G_PT, 3), PTE(64) | TV_PTE_64K);
	fake_write_entry(&env->hv, gpa_of(G_PT, 32), PTE(65) | TV_PTE_64K);
	mm = get_mm(env, G_PML4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mm));

	for (k = 0; k < 16; k++)
		expect_maps(test, env, mm, (16 + k) * PAGE_SIZE + 4, 32 + k);
	KUNIT_EXPECT_EQ(test, translate(env, mm, 3 * PAGE_SIZE, &dma), -EFAULT);
	KUNIT_EXPECT_EQ(test, translate(env, mm, 32 * PAGE_SIZE, &dma), -EFAULT);
	KUNIT_EXPECT_EQ(test, env->vgpu->stats.ppgtt_scratch, 2);
	/* 3 small frames (0..2) + 16 of the big page. */
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 3 + 16);

	/* Writes to covered slots are ignored, like the device ignores them. */
	guest_set(test, env, G_PT, 20, PTE(G_DATA + 40));
	expect_maps(test, env, mm, 20 * PAGE_SIZE, 36);
	KUNIT_EXPECT_EQ(test, env->hv.pins[G_DATA + 40], 0);

	/* The big page goes: covered slots come back from guest memory. */
	guest_set(test, env, G_PT, 16, PTE(G_DATA + 41));
	expect_maps(test, env, mm, 16 * PAGE_SIZE, G_DATA + 41);
	expect_maps(test, env, mm, 20 * PAGE_SIZE, G_DATA + 40);
	KUNIT_EXPECT_EQ(test, translate(env, mm, 21 * PAGE_SIZE, &dma), 0);
	KUNIT_EXPECT_EQ(test, dma, env->vgpu->scratch_dma);
	for (k = 0; k < 16; k++)
		KUNIT_EXPECT_EQ(test, env->hv.pins[32 + k], 0);

	/* A big page over small ones releases them. */
	guest_set(test, env, G_PT, 16, PTE(48) | TV_PTE_64K);
	KUNIT_EXPECT_EQ(test, env->hv.pins[G_DATA + 40], 0);
	KUNIT_EXPECT_EQ(test, env->hv.pins[G_DATA + 41], 0);
	expect_maps(test, env, mm, 31 * PAGE_SIZE, 63);
	put_mm(env, mm);
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 0);
}

static void ppgtt_64k_page_invalidated_and_scattered(struct kunit *test)
{
	struct fake_env *env = env_64k(test);
	struct vmed_ppgtt_mm *mm;
	dma_addr_t dma;

	env->hv.scatter = true;
	build_tree(env);
	fake_write_entry(&env->hv, gpa_of(G_PT, 16), PTE(32) | TV_PTE_64K);
	mm = get_mm(env, G_PML4);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mm));
	expect_maps(test, env, mm, 17 * PAGE_SIZE, 33);
	vmed_dma_invalidate(env->vgpu, 33, 1);
	KUNIT_EXPECT_EQ(test, translate(env, mm, 17 * PAGE_SIZE, &dma), 0);
	KUNIT_EXPECT_EQ(test, dma, env->vgpu->scratch_dma);
	expect_maps(test, env, mm, 18 * PAGE_SIZE, 34);
	/* Replacing the big entry releases the frames still mapped. */
	guest_set(test, env, G_PT, 16, 0);
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 4);
	put_mm(env, mm);
}

/*
 * max_shadow_tables is writable, and 2 MiB runs count 512 references per
 * huge entry in 32 bits: values that could wrap the count are refused.
 */
static void ppgtt_max_shadow_tables_bounded(struct kunit *test)
{
	unsigned int v = 7;
	struct kernel_param kp = { .arg = &v };

	KUNIT_EXPECT_EQ(test, vmed_max_shadow_tables_set("16001", &kp), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmed_max_shadow_tables_set("4294967295", &kp),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vmed_max_shadow_tables_set("0", &kp), -EINVAL);
	KUNIT_EXPECT_EQ(test, v, 7);
	KUNIT_EXPECT_EQ(test, vmed_max_shadow_tables_set("16000", &kp), 0);
	KUNIT_EXPECT_EQ(test, v, VMED_MAX_SHADOW_TABLES);
}

static void ppgtt_64k_format_checked(struct kunit *test)
{
	struct vmed_pte_format f = tvendor.ppgtt_format;

	f.level[0].big_mask = TV_PTE_64K;
	f.level[0].big_shift = 16;
	KUNIT_EXPECT_EQ(test, vmed_format_check(&f, true), 0);
	f.level[0].big_shift = 12;
	KUNIT_EXPECT_EQ(test, vmed_format_check(&f, true), -EINVAL);
	f.level[0].big_shift = 17;		/* 32 frames: too many */
	KUNIT_EXPECT_EQ(test, vmed_format_check(&f, true), -EINVAL);
	f.level[0].big_shift = 16;
	f.level[0].big_mask = BIT_ULL(13);	/* inside the address */
	KUNIT_EXPECT_EQ(test, vmed_format_check(&f, true), -EINVAL);
	f = tvendor.ppgtt_format;
	f.level[1].big_mask = TV_PTE_64K;	/* level 0 only */
	f.level[1].big_shift = 16;
	KUNIT_EXPECT_EQ(test, vmed_format_check(&f, true), -EINVAL);
}

static struct kunit_case ppgtt_cases[] = {
	KUNIT_CASE(ppgtt_shadow_and_translate),
	KUNIT_CASE(ppgtt_read_only_entry),
	KUNIT_CASE(ppgtt_batched_tracking),
	KUNIT_CASE(ppgtt_guest_memory_batched),
	KUNIT_CASE(ppgtt_guest_memory_holes),
	KUNIT_CASE(ppgtt_guest_memory_query_fails),
	KUNIT_CASE(ppgtt_guest_memory_batch_query_fails),
	KUNIT_CASE(ppgtt_write_full_entry),
	KUNIT_CASE(ppgtt_write_halves),
	KUNIT_CASE(ppgtt_partial_write_synced_at_submit),
	KUNIT_CASE(ppgtt_written_frame_tables_change),
	KUNIT_CASE(ppgtt_bad_page_writes),
	KUNIT_CASE(ppgtt_shared_tables),
	KUNIT_CASE(ppgtt_two_address_spaces),
	KUNIT_CASE(ppgtt_huge_page_contiguous),
	KUNIT_CASE(ppgtt_huge_page_one_cache_entry),
	KUNIT_CASE(ppgtt_huge_page_partly_withdrawn),
	KUNIT_CASE(ppgtt_huge_page_split),
	KUNIT_CASE(ppgtt_huge_page_partly_outside_guest),
	KUNIT_CASE(ppgtt_misaligned_huge_page),
	KUNIT_CASE(ppgtt_bad_frames),
	KUNIT_CASE(ppgtt_self_referencing_tables),
	KUNIT_CASE(ppgtt_table_limit_fails_vgpu),
	KUNIT_CASE(ppgtt_table_limit_on_write),
	KUNIT_CASE(ppgtt_bad_roots),
	KUNIT_CASE(ppgtt_child_tracking_refused),
	KUNIT_CASE(ppgtt_dma_map_failure),
	KUNIT_CASE(ppgtt_dma_map_call_fails),
	KUNIT_CASE(ppgtt_invalidate_range),
	KUNIT_CASE(ppgtt_invalidate_follows_moved_entries),
	KUNIT_CASE(ppgtt_detach_releases_everything),
	KUNIT_CASE(ppgtt_reset_releases_everything),
	KUNIT_CASE(ppgtt_untracked_revalidated_at_submit),
	KUNIT_CASE(ppgtt_untracked_table_gone),
	KUNIT_CASE(ppgtt_track_ops_both_or_none),
	KUNIT_CASE(ppgtt_no_ppgtt_vendor),
	KUNIT_CASE(ppgtt_64k_pages),
	KUNIT_CASE(ppgtt_64k_page_invalidated_and_scattered),
	KUNIT_CASE(ppgtt_64k_format_checked),
	KUNIT_CASE(ppgtt_max_shadow_tables_bounded),
	KUNIT_CASE(ppgtt_scratch_read_only),
	KUNIT_CASE(ppgtt_huge_page_with_alias),
	KUNIT_CASE(ppgtt_memslot_deleted_and_back),
	{}
};

static struct kunit_suite ppgtt_suite = {
	.name = "vmed_ppgtt",
	.test_cases = ppgtt_cases,
};

kunit_test_suite(ppgtt_suite);
