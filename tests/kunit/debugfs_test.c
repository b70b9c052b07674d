// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for core/debugfs.c: the printers behind the debugfs files,
 * called on a seq_file over a test buffer, checked against the state the
 * core holds (the files themselves are thin single_open wrappers).
 */
#include <kunit/test.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include "fake_hv.h"
#include "../../core/internal.h"

#define PTE(gfn)	(((u64)(gfn) << PAGE_SHIFT) | TV_PTE_PRESENT | TV_PTE_RW)
#define BUF_SIZE	16384

static struct seq_file *seq_new(struct kunit *test)
{
	struct seq_file *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, m);
	m->buf = kunit_kzalloc(test, BUF_SIZE + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m->buf);
	m->size = BUF_SIZE;
	return m;
}

/* The output so far as a string; the buffer must not have overflowed. */
static const char *seq_text(struct kunit *test, struct seq_file *m)
{
	KUNIT_ASSERT_LT(test, m->count, m->size);
	m->buf[m->count] = 0;
	return m->buf;
}

/* The value of line "<name> <value>", or -1 if there is no such line. */
static long long seq_value(struct kunit *test, struct seq_file *m,
			   const char *name)
{
	const char *p = seq_text(test, m);
	size_t len = strlen(name);
	long long val;

	for (; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, name, len) && p[len] == ' ' &&
		    sscanf(p + len + 1, "%lld", &val) == 1)
			return val;
	return -1;
}

static void debugfs_state_follows_vgpu(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct seq_file *m = seq_new(test);

	vmed_debugfs_show_state(m, env->vgpu);
	KUNIT_EXPECT_STREQ(test, seq_text(test, m), "active\n");

	tv_write32(test, env->vgpu, TV_REG_FAIL, 1);
	m->count = 0;
	vmed_debugfs_show_state(m, env->vgpu);
	KUNIT_EXPECT_STREQ(test, seq_text(test, m),
			   "failed: register handler refused a write\n");

	vmed_vgpu_reset(env->vgpu);
	vmed_vgpu_detach(env->vgpu, &fake_frontend);
	m->count = 0;
	vmed_debugfs_show_state(m, env->vgpu);
	KUNIT_EXPECT_STREQ(test, seq_text(test, m), "idle\n");
}

static void debugfs_counters_match_stats(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;
	struct seq_file *m = seq_new(test);

	tv_write32(test, vgpu, TV_REG_PLAIN, 1);
	tv_read32(test, vgpu, TV_REG_PLAIN);
	tv_ring(test, vgpu, 1);
	/* A faulting workload: counted, the errno kept, the vGPU alive. */
	env->tv.step_ret = -EINVAL;
	tv_ring(test, vgpu, 2);
	tv_write64(test, vgpu, TV_GGTT_OFFSET, PTE(40));

	vmed_debugfs_show_counters(m, vgpu);
	KUNIT_EXPECT_EQ(test, seq_value(test, m, "mmio_writes"),
			(long long)vgpu->stats.mmio_writes);
	KUNIT_EXPECT_EQ(test, seq_value(test, m, "mmio_writes"), 4);
	KUNIT_EXPECT_EQ(test, seq_value(test, m, "mmio_reads"), 1);
	KUNIT_EXPECT_EQ(test, seq_value(test, m, "workloads"), 2);
	KUNIT_EXPECT_EQ(test, seq_value(test, m, "workload_errors"), 1);
	KUNIT_EXPECT_EQ(test, seq_value(test, m, "last_workload_error"), -EINVAL);
	KUNIT_EXPECT_EQ(test, seq_value(test, m, "dma_maps"), 1);
	KUNIT_EXPECT_EQ(test, seq_value(test, m, "dma_mapped"), 1);
	KUNIT_EXPECT_EQ(test, seq_value(test, m, "failures"), 0);
	KUNIT_EXPECT_FALSE(test, vgpu->failed);
}

static void debugfs_shadow_counts_entries(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;
	struct seq_file *m = seq_new(test);

	tv_write64(test, vgpu, TV_GGTT_OFFSET, PTE(40));
	tv_write64(test, vgpu, TV_GGTT_OFFSET + 8, PTE(41));
	/* Not guest RAM: present, pointing at scratch. */
	tv_write64(test, vgpu, TV_GGTT_OFFSET + 16, PTE(FAKE_GUEST_FRAMES + 5));

	vmed_debugfs_show_shadow(m, vgpu);
	KUNIT_EXPECT_EQ(test, seq_value(test, m, "ggtt_slots"),
			(long long)vgpu->ggtt.nr_slots);
	KUNIT_EXPECT_EQ(test, seq_value(test, m, "ggtt_mapped"), 2);
	KUNIT_EXPECT_EQ(test, seq_value(test, m, "ggtt_scratch"), 1);
	KUNIT_EXPECT_EQ(test, seq_value(test, m, "ppgtt_roots"), 0);
	KUNIT_EXPECT_EQ(test, seq_value(test, m, "ppgtt_split_tables"), 0);
}

static void debugfs_registers_listed(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct seq_file *m = seq_new(test);
	const char *text;

	tv_write32(test, env->vgpu, 0x3000, 0xabcd);	/* no table entry */
	vmed_debugfs_show_registers(m, env->vgpu);
	text = seq_text(test, m);
	KUNIT_EXPECT_NOT_NULL(test, strstr(text, "0x02000 0x00001234 reg\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(text, "0x02004 0x0000cafe reg\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(text, "0x03000 0x0000abcd plain\n"));
	/* Zero dwords without a table entry are left out. */
	KUNIT_EXPECT_NULL(test, strstr(text, "0x03004 "));
}

static void debugfs_partition_follows_vgpus(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct seq_file *m = seq_new(test);
	struct vmed_vgpu *second;
	long long avail;

	vmed_debugfs_show_partition(m, env->dev);
	KUNIT_EXPECT_EQ(test, seq_value(test, m, "vgpus"), 1);
	KUNIT_EXPECT_EQ(test, seq_value(test, m, "mappable_granules"),
			(long long)(TV_GM_MAPPABLE / VMED_GM_GRANULE));
	KUNIT_EXPECT_EQ(test, seq_value(test, m, "mappable_used"), 4);
	KUNIT_EXPECT_EQ(test, seq_value(test, m, "hidden_used"), 8);
	KUNIT_EXPECT_EQ(test, seq_value(test, m, "fences_used"), 2);
	KUNIT_EXPECT_EQ(test, seq_value(test, m, "fences_free"), TV_FENCES - 2);
	avail = seq_value(test, m, "available small");
	KUNIT_EXPECT_EQ(test, avail,
			(long long)vmed_type_available(env->dev, TV_TYPE_SMALL));

	second = vmed_vgpu_create(env->dev, TV_TYPE_BIG, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(second));
	m->count = 0;
	vmed_debugfs_show_partition(m, env->dev);
	KUNIT_EXPECT_EQ(test, seq_value(test, m, "vgpus"), 2);
	KUNIT_EXPECT_EQ(test, seq_value(test, m, "mappable_used"), 4 + 8);
	KUNIT_EXPECT_EQ(test, seq_value(test, m, "fences_used"), 2 + 4);
	m->count = 0;
	vmed_debugfs_show_instances(m, env->dev);
	KUNIT_EXPECT_NOT_NULL(test, strstr(seq_text(test, m), " type=big "));
	KUNIT_EXPECT_NOT_NULL(test, strstr(seq_text(test, m), env->vgpu->name));

	vmed_vgpu_destroy(second);
	m->count = 0;
	vmed_debugfs_show_partition(m, env->dev);
	KUNIT_EXPECT_EQ(test, seq_value(test, m, "vgpus"), 1);
	KUNIT_EXPECT_EQ(test, seq_value(test, m, "mappable_used"), 4);
	KUNIT_EXPECT_EQ(test, seq_value(test, m, "available small"), avail);
}

static void debugfs_untracked_lists_unknown_registers(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct seq_file *m = seq_new(test);

	vmed_debugfs_show_untracked(m, env->dev);
	KUNIT_EXPECT_STREQ(test, seq_text(test, m), "");

	/* Table registers are not listed; a qword covers two dwords. */
	tv_write32(test, env->vgpu, TV_REG_PLAIN, 1);
	tv_read32(test, env->vgpu, TV_REG_COUNTER);
	tv_read32(test, env->vgpu, 0x3100);
	tv_write64(test, env->vgpu, 0x3008, 5);
	tv_write32(test, env->vgpu, 0x3100, 7);
	m->count = 0;
	vmed_debugfs_show_untracked(m, env->dev);
	KUNIT_EXPECT_STREQ(test, seq_text(test, m), "0x3008\n0x300c\n0x3100\n");
}

static struct kunit_case debugfs_cases[] = {
	KUNIT_CASE(debugfs_state_follows_vgpu),
	KUNIT_CASE(debugfs_counters_match_stats),
	KUNIT_CASE(debugfs_shadow_counts_entries),
	KUNIT_CASE(debugfs_registers_listed),
	KUNIT_CASE(debugfs_partition_follows_vgpus),
	KUNIT_CASE(debugfs_untracked_lists_unknown_registers),
	{}
};

static struct kunit_suite debugfs_suite = {
	.name = "vmed_debugfs",
	.test_cases = debugfs_cases,
};

kunit_test_suite(debugfs_suite);
