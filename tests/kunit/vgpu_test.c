// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for core/vgpu.c: attaching and detaching hypervisor ops, the
 * failed state (a dead device to the guest, nothing executed, recoverable by
 * reset), submission, reset and destroy of a busy vGPU.
 */
#include <kunit/test.h>
#include "fake_hv.h"
#include "../../core/internal.h"

static void vgpu_attach_checks_ops(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_hv_ops ops = fake_hv_ops;

	KUNIT_EXPECT_EQ(test, vmed_vgpu_attach(env->vgpu, &fake_frontend, &fake_hv_ops, &env->hv),
			-EBUSY);
	vmed_vgpu_detach(env->vgpu, &fake_frontend);
	KUNIT_EXPECT_NULL(test, env->vgpu->hv);
	/* Detaching twice is harmless. */
	vmed_vgpu_detach(env->vgpu, &fake_frontend);

	KUNIT_EXPECT_EQ(test, vmed_vgpu_attach(env->vgpu, &fake_frontend, NULL, NULL), -EINVAL);
	ops.dma_map = NULL;
	KUNIT_EXPECT_EQ(test, vmed_vgpu_attach(env->vgpu, &fake_frontend, &ops, &env->hv),
			-EINVAL);
	ops = fake_hv_ops;
	ops.inject_msi = NULL;
	KUNIT_EXPECT_EQ(test, vmed_vgpu_attach(env->vgpu, &fake_frontend, &ops, &env->hv),
			-EINVAL);
	/* set_trap_area is optional (VFIO routes BARs itself). */
	ops = fake_hv_ops;
	ops.set_trap_area = NULL;
	KUNIT_EXPECT_EQ(test, vmed_vgpu_attach(env->vgpu, &fake_frontend, &ops, &env->hv), 0);
	KUNIT_EXPECT_PTR_EQ(test, vmed_vgpu_hv_data(env->vgpu),
			    (void *)&env->hv);
	/* Memory decode with no trap op: nothing to call, no crash. */
	tv_cfg_write32(test, env->vgpu, PCI_BASE_ADDRESS_0, 0xe0000000);
	tv_cfg_write16(test, env->vgpu, PCI_COMMAND, PCI_COMMAND_MEMORY);
	KUNIT_EXPECT_EQ(test, env->hv.traps_mapped, 0);
	vmed_vgpu_detach(env->vgpu, &fake_frontend);
}

static void vgpu_failed_is_dead_device(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;
	u8 buf[4];

	tv_write32(test, vgpu, TV_REG_PLAIN, 0x55);
	tv_write32(test, vgpu, TV_REG_FAIL, 1);
	KUNIT_EXPECT_TRUE(test, vgpu->failed);
	KUNIT_EXPECT_NE(test, vgpu->fail_reason[0], '\0');
	KUNIT_EXPECT_EQ(test, vgpu->stats.failures, 1);
	KUNIT_EXPECT_EQ(test, env->tv.engine_resets, 1);

	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_PLAIN), 0xffffffff);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_GGTT_OFFSET), 0xffffffff);
	tv_ring(test, vgpu, 1);
	KUNIT_EXPECT_EQ(test, env->tv.steps, 0);
	tv_write32(test, vgpu, TV_REG_PLAIN, 0x66);
	/* Config writes dropped too; config reads still work (for the VMM). */
	tv_cfg_write16(test, vgpu, PCI_COMMAND, PCI_COMMAND_MEMORY);
	KUNIT_EXPECT_EQ(test, tv_cfg_read16(test, vgpu, PCI_COMMAND), 0);
	KUNIT_EXPECT_EQ(test, tv_cfg_read16(test, vgpu, PCI_VENDOR_ID), 0x1af4);
	/* Still refuses malformed accesses. */
	KUNIT_EXPECT_EQ(test, vmed_mmio_read(vgpu, 0, 1, buf, 4), -EINVAL);

	mutex_lock(&vgpu->lock);
	vmed_irq_raise(vgpu, TV_EV_USER);
	KUNIT_EXPECT_EQ(test, vgpu->stats.irq_events, 0);
	/* Failing again counts, keeps the first reason. */
	vmed_vgpu_fail(vgpu, "second");
	KUNIT_EXPECT_EQ(test, vgpu->stats.failures, 2);
	KUNIT_EXPECT_STRNEQ(test, vgpu->fail_reason, "second");
	mutex_unlock(&vgpu->lock);

	/* Reset brings it back with reset values. */
	vmed_vgpu_reset(vgpu);
	KUNIT_EXPECT_FALSE(test, vgpu->failed);
	KUNIT_EXPECT_STREQ(test, vgpu->fail_reason, "");
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_PLAIN), 0x1234);
	tv_ring(test, vgpu, 9);
	KUNIT_EXPECT_EQ(test, env->tv.steps, 1);
}

static void vgpu_workload_error_keeps_vgpu(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;

	/* A faulting workload is the guest's error, not a broken vGPU. */
	env->tv.step_ret = -EFAULT;
	tv_ring(test, vgpu, 3);
	KUNIT_EXPECT_EQ(test, env->tv.steps, 1);
	KUNIT_EXPECT_EQ(test, env->tv.completions, 1);
	KUNIT_EXPECT_EQ(test, env->tv.last_status, -EFAULT);
	KUNIT_EXPECT_EQ(test, vgpu->stats.workload_errors, 1);
	KUNIT_EXPECT_EQ(test, vgpu->last_workload_error, -EFAULT);
	KUNIT_EXPECT_FALSE(test, vgpu->failed);

	env->tv.step_ret = 0;
	tv_ring(test, vgpu, 4);
	KUNIT_EXPECT_EQ(test, env->tv.completions, 2);
	KUNIT_EXPECT_EQ(test, env->tv.last_status, 0);
	KUNIT_EXPECT_EQ(test, vgpu->stats.workload_errors, 1);
}

static void vgpu_destroy_busy(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_ppgtt_mm *mm;
	u64 pte = (50ULL << PAGE_SHIFT) | TV_PTE_PRESENT;

	/* GGTT entries, a shadow tree, traps and an asserted interrupt. */
	tv_write64(test, env->vgpu, TV_GGTT_OFFSET, pte);
	fake_write_entry(&env->hv, 1 << PAGE_SHIFT, (2 << PAGE_SHIFT) | 1);
	mutex_lock(&env->vgpu->lock);
	mm = vmed_ppgtt_get(env->vgpu, 1 << PAGE_SHIFT);
	mutex_unlock(&env->vgpu->lock);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mm));
	tv_cfg_write32(test, env->vgpu, PCI_BASE_ADDRESS_0, 0xe0000000);
	tv_cfg_write16(test, env->vgpu, PCI_COMMAND, PCI_COMMAND_MEMORY);
	KUNIT_EXPECT_TRUE(test, env->hv.trap_on[0]);
	KUNIT_EXPECT_GT(test, env->hv.mapped, 0);
	KUNIT_EXPECT_GT(test, env->hv.tracked_frames, 0);

	vmed_vgpu_destroy(env->vgpu);
	env->vgpu = NULL;
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 0);
	KUNIT_EXPECT_EQ(test, env->hv.tracked_frames, 0);
	KUNIT_EXPECT_FALSE(test, env->hv.trap_on[0]);
	KUNIT_EXPECT_EQ(test, env->dev->nr_vgpus, 0);
}

static void vgpu_reset_keeps_attachment(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);

	tv_cfg_write32(test, env->vgpu, PCI_BASE_ADDRESS_0, 0xe0000000);
	tv_cfg_write16(test, env->vgpu, PCI_COMMAND, PCI_COMMAND_MEMORY);
	tv_write32(test, env->vgpu, 0x8000, 0xabcd);
	vmed_vgpu_reset(env->vgpu);
	KUNIT_EXPECT_PTR_EQ(test, env->vgpu->hv, &fake_hv_ops);
	KUNIT_EXPECT_FALSE(test, env->hv.trap_on[0]);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, env->vgpu, PCI_BASE_ADDRESS_0),
			PCI_BASE_ADDRESS_MEM_TYPE_64);
	KUNIT_EXPECT_EQ(test, tv_read32(test, env->vgpu, 0x8000), 0);
	KUNIT_EXPECT_EQ(test, env->tv.engine_resets, 1);
}

static struct kunit_case vgpu_cases[] = {
	KUNIT_CASE(vgpu_attach_checks_ops),
	KUNIT_CASE(vgpu_failed_is_dead_device),
	KUNIT_CASE(vgpu_workload_error_keeps_vgpu),
	KUNIT_CASE(vgpu_destroy_busy),
	KUNIT_CASE(vgpu_reset_keeps_attachment),
	{}
};

static struct kunit_suite vgpu_suite = {
	.name = "vmed_vgpu",
	.test_cases = vgpu_cases,
};

kunit_test_suite(vgpu_suite);
