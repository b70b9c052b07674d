// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for core/irq.c, interrupt virtualisation. It covers the
 * interrupt registers the core adds for the vendor's map (IMR resetting to
 * all masked, read-only ISR, write-1-to-clear IIR that the guest cannot set,
 * a master register whose pending bits the guest cannot write, no sub-dword
 * writes), the path event -> IIR -> IER -> master -> MSI with the
 * guest-programmed address and data, the edge rules (an MSI when the line
 * becomes asserted, on every new enabled event while it stays asserted, and
 * none for register writes that leave it asserted), late delivery when IER,
 * the master enable or the MSI enable arrives after the event, events
 * dropped by IMR, suppressed MSIs (MSI disabled, hypervisor refusal,
 * detached), a failed vGPU raising nothing, reset deasserting the line, and
 * the validation of interrupt maps by vmed_irq_check() and at registration.
 */
#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/dma-mapping.h>
#include <linux/pci_regs.h>
#include <linux/string.h>
#include "fake_hv.h"
#include "../../core/internal.h"

#define G0_ISR		(TV_IRQ_G0 + 0)
#define G0_IMR		(TV_IRQ_G0 + 4)
#define G0_IIR		(TV_IRQ_G0 + 8)
#define G0_IER		(TV_IRQ_G0 + 12)
#define G1_ISR		(TV_IRQ_G1 + 0)
#define G1_IMR		(TV_IRQ_G1 + 4)
#define G1_IIR		(TV_IRQ_G1 + 8)
#define G1_IER		(TV_IRQ_G1 + 12)

/* 32-bit, so that ~EV_USER_BIT is a register value. */
#define EV_USER_BIT	((u32)BIT(0))	/* TV_EV_USER: group 0, bit 0 */
#define EV_CTX_BIT	((u32)BIT(8))	/* TV_EV_CTX: group 0, bit 8 */
#define EV_OTHER_BIT	((u32)BIT(3))	/* TV_EV_OTHER: group 1, bit 3 */
#define PENDING_G0	((u32)BIT(0))	/* master bit of group 0 */
#define PENDING_G1	((u32)BIT(1))	/* master bit of group 1 */

#define MSI_ADDR	0x00000001fee01000ULL
#define MSI_DATA	0x4025

static void irq_raise(struct fake_env *env, unsigned int event)
{
	mutex_lock(&env->vgpu->lock);
	vmed_irq_raise(env->vgpu, event);
	mutex_unlock(&env->vgpu->lock);
}

/* Register file contents, bypassing the failed-vGPU read path. */
static u32 irq_vreg(struct fake_env *env, u32 offset)
{
	u32 val;

	mutex_lock(&env->vgpu->lock);
	val = vmed_vreg_read(env->vgpu, offset, 4);
	mutex_unlock(&env->vgpu->lock);
	return val;
}

static void irq_msi_program(struct kunit *test, struct fake_env *env)
{
	struct vmed_vgpu *vgpu = env->vgpu;

	tv_cfg_write32(test, vgpu, TV_MSI_CAP + PCI_MSI_ADDRESS_LO,
		       lower_32_bits(MSI_ADDR));
	tv_cfg_write32(test, vgpu, TV_MSI_CAP + PCI_MSI_ADDRESS_HI,
		       upper_32_bits(MSI_ADDR));
	tv_cfg_write16(test, vgpu, TV_MSI_CAP + PCI_MSI_DATA_64, MSI_DATA);
}

static void irq_msi_enable(struct kunit *test, struct fake_env *env, bool on)
{
	tv_cfg_write16(test, env->vgpu, TV_MSI_CAP + PCI_MSI_FLAGS,
		       on ? PCI_MSI_FLAGS_ENABLE : 0);
}

/* The guest driver's setup: MSI on, USER unmasked and enabled, master on. */
static struct fake_env *irq_env(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;

	irq_msi_program(test, env);
	irq_msi_enable(test, env, true);
	KUNIT_ASSERT_TRUE(test, vgpu->msi.enabled);
	tv_write32(test, vgpu, G0_IMR, ~EV_USER_BIT);
	tv_write32(test, vgpu, G0_IER, EV_USER_BIT);
	tv_write32(test, vgpu, TV_IRQ_MASTER, TV_IRQ_MASTER_ENABLE);
	/* Setting up alone delivers nothing. */
	KUNIT_ASSERT_EQ(test, env->hv.msis, 0);
	return env;
}

static void irq_register_reset_values(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;

	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, G0_IMR), 0xffffffff);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, G1_IMR), 0xffffffff);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, G0_ISR), 0);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, G0_IIR), 0);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, G0_IER), 0);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, G1_IIR), 0);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, G1_IER), 0);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_IRQ_MASTER), 0);
	KUNIT_EXPECT_FALSE(test, vgpu->irq_asserted);

	/* IMR and IER are plain read/write. */
	tv_write32(test, vgpu, G0_IMR, 0x12345678);
	tv_write32(test, vgpu, G0_IER, 0x9abcdef0);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, G0_IMR), 0x12345678);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, G0_IER), 0x9abcdef0);

	/* And reset puts them back. */
	vmed_vgpu_reset(vgpu);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, G0_IMR), 0xffffffff);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, G0_IER), 0);
}

static void irq_event_delivers_msi(struct kunit *test)
{
	struct fake_env *env = irq_env(test);
	struct vmed_vgpu *vgpu = env->vgpu;

	irq_raise(env, TV_EV_USER);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, G0_IIR), EV_USER_BIT);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_IRQ_MASTER),
			TV_IRQ_MASTER_ENABLE | PENDING_G0);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, G1_IIR), 0);
	KUNIT_EXPECT_TRUE(test, vgpu->irq_asserted);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 1);
	KUNIT_EXPECT_EQ(test, env->hv.msi_addr, MSI_ADDR);
	KUNIT_EXPECT_EQ(test, env->hv.msi_data, MSI_DATA);
	KUNIT_EXPECT_EQ(test, vgpu->stats.irq_events, 1);
	KUNIT_EXPECT_EQ(test, vgpu->stats.msi_injected, 1);
	KUNIT_EXPECT_EQ(test, vgpu->stats.msi_suppressed, 0);
	KUNIT_EXPECT_EQ(test, vgpu->stats.irq_masked, 0);
}

static void irq_masked_event(struct kunit *test)
{
	struct fake_env *env = irq_env(test);
	struct vmed_vgpu *vgpu = env->vgpu;

	/* TV_EV_CTX is still masked by IMR (only bit 0 is unmasked). */
	tv_write32(test, vgpu, G0_IER, EV_USER_BIT | EV_CTX_BIT);
	irq_raise(env, TV_EV_CTX);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, G0_IIR), 0);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_IRQ_MASTER),
			TV_IRQ_MASTER_ENABLE);
	KUNIT_EXPECT_EQ(test, vgpu->stats.irq_masked, 1);
	KUNIT_EXPECT_EQ(test, vgpu->stats.irq_events, 1);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 0);
	KUNIT_EXPECT_FALSE(test, vgpu->irq_asserted);

	/* Unmasking later does not bring a dropped event back. */
	tv_write32(test, vgpu, G0_IMR, 0);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, G0_IIR), 0);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 0);

	/* Once unmasked, it latches. */
	irq_raise(env, TV_EV_CTX);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, G0_IIR), EV_CTX_BIT);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 1);
	KUNIT_EXPECT_EQ(test, vgpu->stats.irq_masked, 1);
}

static void irq_reset_imr_masks_everything(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;

	/* Everything else enabled, IMR at its reset value. */
	irq_msi_program(test, env);
	irq_msi_enable(test, env, true);
	tv_write32(test, vgpu, G0_IER, 0xffffffff);
	tv_write32(test, vgpu, G1_IER, 0xffffffff);
	tv_write32(test, vgpu, TV_IRQ_MASTER, TV_IRQ_MASTER_ENABLE);
	irq_raise(env, TV_EV_USER);
	irq_raise(env, TV_EV_CTX);
	irq_raise(env, TV_EV_OTHER);
	KUNIT_EXPECT_EQ(test, vgpu->stats.irq_masked, 3);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, G0_IIR), 0);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, G1_IIR), 0);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 0);
}

static void irq_ier_disabled_then_enabled(struct kunit *test)
{
	struct fake_env *env = irq_env(test);
	struct vmed_vgpu *vgpu = env->vgpu;

	tv_write32(test, vgpu, G0_IER, 0);
	irq_raise(env, TV_EV_USER);
	/* Latched, but not pending in the master register, no MSI. */
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, G0_IIR), EV_USER_BIT);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_IRQ_MASTER),
			TV_IRQ_MASTER_ENABLE);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 0);
	KUNIT_EXPECT_FALSE(test, vgpu->irq_asserted);

	/* Enabling a different bit changes nothing. */
	tv_write32(test, vgpu, G0_IER, EV_CTX_BIT);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 0);

	/* Enabling the latched one delivers exactly one MSI. */
	tv_write32(test, vgpu, G0_IER, EV_USER_BIT);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 1);
	KUNIT_EXPECT_EQ(test, env->hv.msi_addr, MSI_ADDR);
	KUNIT_EXPECT_EQ(test, env->hv.msi_data, MSI_DATA);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_IRQ_MASTER),
			TV_IRQ_MASTER_ENABLE | PENDING_G0);

	/* Rewriting IER while asserted is no new edge. */
	tv_write32(test, vgpu, G0_IER, EV_USER_BIT);
	tv_write32(test, vgpu, G0_IMR, 0);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 1);

	/* Disabling it again drops the group, though the event stays latched. */
	tv_write32(test, vgpu, G0_IER, 0);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, G0_IIR), EV_USER_BIT);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_IRQ_MASTER),
			TV_IRQ_MASTER_ENABLE);
	KUNIT_EXPECT_FALSE(test, vgpu->irq_asserted);
	/* A qword write reaches IER through its upper half (IIR's W1C no-op). */
	tv_write64(test, vgpu, G0_IIR, (u64)EV_USER_BIT << 32);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_IRQ_MASTER),
			TV_IRQ_MASTER_ENABLE | PENDING_G0);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 2);
}

static void irq_master_disabled_then_enabled(struct kunit *test)
{
	struct fake_env *env = irq_env(test);
	struct vmed_vgpu *vgpu = env->vgpu;

	tv_write32(test, vgpu, TV_IRQ_MASTER, 0);
	irq_raise(env, TV_EV_USER);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, G0_IIR), EV_USER_BIT);
	/* The group is pending even with the master enable off. */
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_IRQ_MASTER), PENDING_G0);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 0);
	KUNIT_EXPECT_FALSE(test, vgpu->irq_asserted);

	/* Another event while disabled: still nothing. */
	irq_raise(env, TV_EV_USER);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 0);

	tv_write32(test, vgpu, TV_IRQ_MASTER, TV_IRQ_MASTER_ENABLE);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 1);
	KUNIT_EXPECT_TRUE(test, vgpu->irq_asserted);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_IRQ_MASTER),
			TV_IRQ_MASTER_ENABLE | PENDING_G0);

	/* The driver's handler pattern: disable, ack, re-enable. */
	tv_write32(test, vgpu, TV_IRQ_MASTER, 0);
	tv_write32(test, vgpu, G0_IIR, EV_USER_BIT);
	tv_write32(test, vgpu, TV_IRQ_MASTER, TV_IRQ_MASTER_ENABLE);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 1);
	/* An event arriving while the handler runs fires on re-enable. */
	tv_write32(test, vgpu, TV_IRQ_MASTER, 0);
	irq_raise(env, TV_EV_USER);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 1);
	tv_write32(test, vgpu, TV_IRQ_MASTER, TV_IRQ_MASTER_ENABLE);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 2);
}

static void irq_new_event_while_asserted(struct kunit *test)
{
	struct fake_env *env = irq_env(test);
	struct vmed_vgpu *vgpu = env->vgpu;

	irq_raise(env, TV_EV_USER);
	KUNIT_ASSERT_EQ(test, env->hv.msis, 1);
	KUNIT_ASSERT_TRUE(test, vgpu->irq_asserted);

	irq_raise(env, TV_EV_USER);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 2);
	KUNIT_EXPECT_EQ(test, vgpu->stats.msi_injected, 2);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, G0_IIR), EV_USER_BIT);

	/* A latched but not enabled event is no new enabled event. */
	tv_write32(test, vgpu, G0_IMR, 0);
	irq_raise(env, TV_EV_CTX);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, G0_IIR),
			EV_USER_BIT | EV_CTX_BIT);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 2);
}

static void irq_iir_clear(struct kunit *test)
{
	struct fake_env *env = irq_env(test);
	struct vmed_vgpu *vgpu = env->vgpu;

	irq_raise(env, TV_EV_USER);
	KUNIT_ASSERT_EQ(test, env->hv.msis, 1);

	/* Writing 0 clears nothing. */
	tv_write32(test, vgpu, G0_IIR, 0);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, G0_IIR), EV_USER_BIT);
	KUNIT_EXPECT_TRUE(test, vgpu->irq_asserted);

	tv_write32(test, vgpu, G0_IIR, EV_USER_BIT);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, G0_IIR), 0);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_IRQ_MASTER),
			TV_IRQ_MASTER_ENABLE);
	KUNIT_EXPECT_FALSE(test, vgpu->irq_asserted);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 1);

	/* Cleared, a new event is a new edge. */
	irq_raise(env, TV_EV_USER);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 2);
	KUNIT_EXPECT_TRUE(test, vgpu->irq_asserted);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_IRQ_MASTER),
			TV_IRQ_MASTER_ENABLE | PENDING_G0);
}

/*
 * IIR and IER are the core's: a vendor's direct write of one, which would
 * bypass the pending state, is refused, also inside a qword or a byte.
 */
static void irq_registers_not_vendor_writable(struct kunit *test)
{
	struct fake_env *env = irq_env(test);
	struct vmed_vgpu *vgpu = env->vgpu;

	irq_raise(env, TV_EV_USER);
	KUNIT_ASSERT_TRUE(test, vgpu->irq_asserted);
	mutex_lock(&vgpu->lock);
	KUNIT_EXPECT_EQ(test, vmed_vreg_write(vgpu, G0_IIR, 4, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmed_vreg_write(vgpu, G0_IER, 4, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmed_vreg_write(vgpu, G0_IIR, 8, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmed_vreg_write(vgpu, G1_IER + 3, 1, 0), -EINVAL);
	/* The status (ISR) is the hardware side's; other registers too. */
	KUNIT_EXPECT_EQ(test, vmed_vreg_write(vgpu, G0_ISR, 4, 0), 0);
	KUNIT_EXPECT_EQ(test, vmed_vreg_write(vgpu, TV_REG_PLAIN, 4, 5), 0);
	mutex_unlock(&vgpu->lock);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, G0_IIR), EV_USER_BIT);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_IRQ_MASTER),
			TV_IRQ_MASTER_ENABLE | PENDING_G0);
	KUNIT_EXPECT_TRUE(test, vgpu->irq_asserted);
	/* The guest's own clearing still works. */
	tv_write32(test, vgpu, G0_IIR, EV_USER_BIT);
	KUNIT_EXPECT_FALSE(test, vgpu->irq_asserted);
}

static void irq_iir_not_settable(struct kunit *test)
{
	struct fake_env *env = irq_env(test);
	struct vmed_vgpu *vgpu = env->vgpu;

	/* A guest cannot fabricate an interrupt by writing IIR. */
	tv_write32(test, vgpu, G0_IIR, 0xffffffff);
	tv_write64(test, vgpu, G0_IIR, ~0ULL);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, G0_IIR), 0);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_IRQ_MASTER),
			TV_IRQ_MASTER_ENABLE);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 0);
	/* The qword wrote IER through its upper half. */
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, G0_IER), 0xffffffff);
}

static void irq_isr_read_only(struct kunit *test)
{
	struct fake_env *env = irq_env(test);
	struct vmed_vgpu *vgpu = env->vgpu;

	tv_write32(test, vgpu, G0_ISR, 0xffffffff);
	tv_write32(test, vgpu, G1_ISR, 0xffffffff);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, G0_ISR), 0);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, G1_ISR), 0);

	/* A value the hardware side put there survives guest writes. */
	mutex_lock(&vgpu->lock);
	vmed_vreg_write(vgpu, G0_ISR, 4, 0x101);
	mutex_unlock(&vgpu->lock);
	tv_write32(test, vgpu, G0_ISR, 0);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, G0_ISR), 0x101);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 0);
}

static void irq_master_pending_not_writable(struct kunit *test)
{
	struct fake_env *env = irq_env(test);
	struct vmed_vgpu *vgpu = env->vgpu;

	/* Setting pending bits does not make anything pending. */
	tv_write32(test, vgpu, TV_IRQ_MASTER, 0xffffffff);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_IRQ_MASTER),
			TV_IRQ_MASTER_ENABLE);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 0);
	KUNIT_EXPECT_FALSE(test, vgpu->irq_asserted);

	/* Clearing them does not hide a pending group. */
	irq_raise(env, TV_EV_USER);
	KUNIT_ASSERT_EQ(test, env->hv.msis, 1);
	tv_write32(test, vgpu, TV_IRQ_MASTER, TV_IRQ_MASTER_ENABLE);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_IRQ_MASTER),
			TV_IRQ_MASTER_ENABLE | PENDING_G0);
	KUNIT_EXPECT_TRUE(test, vgpu->irq_asserted);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 1);
	tv_write32(test, vgpu, TV_IRQ_MASTER, 0);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_IRQ_MASTER), PENDING_G0);
}

static void irq_subdword_writes_refused(struct kunit *test)
{
	struct fake_env *env = irq_env(test);
	struct vmed_vgpu *vgpu = env->vgpu;
	u8 byte = 0xff;
	u16 half = 0xffff;

	irq_raise(env, TV_EV_USER);
	KUNIT_EXPECT_EQ(test, vmed_mmio_write(vgpu, 0, G0_IIR, &byte, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmed_mmio_write(vgpu, 0, G0_IMR + 2, &half, 2),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vmed_mmio_write(vgpu, 0, TV_IRQ_MASTER + 3, &byte, 1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, G0_IIR), EV_USER_BIT);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, G0_IMR), ~EV_USER_BIT);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_IRQ_MASTER),
			TV_IRQ_MASTER_ENABLE | PENDING_G0);
	KUNIT_EXPECT_EQ(test, vgpu->stats.mmio_rejected, 3);
	/* Sub-dword reads are fine. */
	KUNIT_EXPECT_EQ(test, vmed_mmio_read(vgpu, 0, TV_IRQ_MASTER + 3, &byte, 1),
			0);
	KUNIT_EXPECT_EQ(test, byte, TV_IRQ_MASTER_ENABLE >> 24);
}

static void irq_msi_disabled_then_enabled(struct kunit *test)
{
	struct fake_env *env = irq_env(test);
	struct vmed_vgpu *vgpu = env->vgpu;

	irq_msi_enable(test, env, false);
	KUNIT_ASSERT_FALSE(test, vgpu->msi.enabled);
	irq_raise(env, TV_EV_USER);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 0);
	KUNIT_EXPECT_EQ(test, vgpu->stats.msi_suppressed, 1);
	KUNIT_EXPECT_EQ(test, vgpu->stats.msi_injected, 0);
	/* The line is asserted all the same. */
	KUNIT_EXPECT_TRUE(test, vgpu->irq_asserted);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_IRQ_MASTER),
			TV_IRQ_MASTER_ENABLE | PENDING_G0);

	/* Rewriting the address while disabled delivers nothing. */
	irq_msi_program(test, env);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 0);

	/* Enabling MSI with the line asserted delivers it. */
	irq_msi_enable(test, env, true);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 1);
	KUNIT_EXPECT_EQ(test, env->hv.msi_addr, MSI_ADDR);
	KUNIT_EXPECT_EQ(test, env->hv.msi_data, MSI_DATA);
	KUNIT_EXPECT_EQ(test, vgpu->stats.msi_injected, 1);

	/* Re-writing the enable bit is not another edge. */
	irq_msi_enable(test, env, true);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 1);
}

static void irq_msi_enable_when_idle(struct kunit *test)
{
	struct fake_env *env = irq_env(test);
	struct vmed_vgpu *vgpu = env->vgpu;

	/* Event handled and cleared while MSI was off: nothing to deliver. */
	irq_msi_enable(test, env, false);
	irq_raise(env, TV_EV_USER);
	tv_write32(test, vgpu, G0_IIR, EV_USER_BIT);
	KUNIT_ASSERT_FALSE(test, vgpu->irq_asserted);
	irq_msi_enable(test, env, true);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 0);
}

static void irq_msi_follows_config(struct kunit *test)
{
	struct fake_env *env = irq_env(test);

	irq_raise(env, TV_EV_USER);
	tv_write32(test, env->vgpu, G0_IIR, EV_USER_BIT);
	/* The guest retargets the vector. */
	tv_cfg_write32(test, env->vgpu, TV_MSI_CAP + PCI_MSI_ADDRESS_LO, 0xfee02000);
	tv_cfg_write32(test, env->vgpu, TV_MSI_CAP + PCI_MSI_ADDRESS_HI, 0);
	tv_cfg_write16(test, env->vgpu, TV_MSI_CAP + PCI_MSI_DATA_64, 0x4031);
	irq_raise(env, TV_EV_USER);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 2);
	KUNIT_EXPECT_EQ(test, env->hv.msi_addr, 0xfee02000);
	KUNIT_EXPECT_EQ(test, env->hv.msi_data, 0x4031);
}

static void irq_group1_event(struct kunit *test)
{
	struct fake_env *env = irq_env(test);
	struct vmed_vgpu *vgpu = env->vgpu;

	tv_write32(test, vgpu, G1_IMR, ~EV_OTHER_BIT);
	tv_write32(test, vgpu, G1_IER, EV_OTHER_BIT);
	irq_raise(env, TV_EV_OTHER);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, G1_IIR), EV_OTHER_BIT);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, G0_IIR), 0);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_IRQ_MASTER),
			TV_IRQ_MASTER_ENABLE | PENDING_G1);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 1);

	/* Both groups pending; clearing one keeps the line up. */
	irq_raise(env, TV_EV_USER);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 2);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_IRQ_MASTER),
			TV_IRQ_MASTER_ENABLE | PENDING_G0 | PENDING_G1);
	tv_write32(test, vgpu, G1_IIR, EV_OTHER_BIT);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_IRQ_MASTER),
			TV_IRQ_MASTER_ENABLE | PENDING_G0);
	KUNIT_EXPECT_TRUE(test, vgpu->irq_asserted);
	tv_write32(test, vgpu, G0_IIR, EV_USER_BIT);
	KUNIT_EXPECT_FALSE(test, vgpu->irq_asserted);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 2);
}

static void irq_inject_failure(struct kunit *test)
{
	struct fake_env *env = irq_env(test);
	struct vmed_vgpu *vgpu = env->vgpu;

	env->hv.msi_ret = -EIO;
	irq_raise(env, TV_EV_USER);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 0);
	KUNIT_EXPECT_EQ(test, vgpu->stats.msi_suppressed, 1);
	KUNIT_EXPECT_EQ(test, vgpu->stats.msi_injected, 0);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, G0_IIR), EV_USER_BIT);

	/* The hypervisor recovers: the next event gets through. */
	env->hv.msi_ret = 0;
	irq_raise(env, TV_EV_USER);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 1);
	KUNIT_EXPECT_EQ(test, vgpu->stats.msi_injected, 1);
	KUNIT_EXPECT_EQ(test, vgpu->stats.msi_suppressed, 1);
}

static void irq_failed_vgpu(struct kunit *test)
{
	struct fake_env *env = irq_env(test);
	struct vmed_vgpu *vgpu = env->vgpu;

	vgpu->failed = true;
	irq_raise(env, TV_EV_USER);
	irq_raise(env, TV_EV_OTHER);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 0);
	KUNIT_EXPECT_EQ(test, vgpu->stats.msi_injected, 0);
	KUNIT_EXPECT_EQ(test, vgpu->stats.msi_suppressed, 0);
	KUNIT_EXPECT_EQ(test, irq_vreg(env, G0_IIR), 0);
	KUNIT_EXPECT_EQ(test, irq_vreg(env, G1_IIR), 0);
	KUNIT_EXPECT_EQ(test, irq_vreg(env, TV_IRQ_MASTER), TV_IRQ_MASTER_ENABLE);
	KUNIT_EXPECT_FALSE(test, vgpu->irq_asserted);
	/* Its registers read as a dead device's. */
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, G0_IIR), 0xffffffff);

	/* After a reset and a new setup it raises again. */
	vmed_vgpu_reset(vgpu);
	KUNIT_ASSERT_FALSE(test, vgpu->failed);
	irq_msi_program(test, env);
	irq_msi_enable(test, env, true);
	tv_write32(test, vgpu, G0_IMR, ~EV_USER_BIT);
	tv_write32(test, vgpu, G0_IER, EV_USER_BIT);
	tv_write32(test, vgpu, TV_IRQ_MASTER, TV_IRQ_MASTER_ENABLE);
	irq_raise(env, TV_EV_USER);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 1);
}

static void irq_reset_deasserts(struct kunit *test)
{
	struct fake_env *env = irq_env(test);
	struct vmed_vgpu *vgpu = env->vgpu;

	irq_raise(env, TV_EV_USER);
	KUNIT_ASSERT_TRUE(test, vgpu->irq_asserted);
	vmed_vgpu_reset(vgpu);
	KUNIT_EXPECT_FALSE(test, vgpu->irq_asserted);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, G0_IIR), 0);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_IRQ_MASTER), 0);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, G0_IMR), 0xffffffff);
	KUNIT_EXPECT_FALSE(test, vgpu->msi.enabled);

	/* Reset state: the event is masked again, nothing is delivered. */
	irq_raise(env, TV_EV_USER);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 1);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, G0_IIR), 0);

	/* Set up again, the first event is a fresh edge. */
	irq_msi_program(test, env);
	irq_msi_enable(test, env, true);
	tv_write32(test, vgpu, G0_IMR, ~EV_USER_BIT);
	tv_write32(test, vgpu, G0_IER, EV_USER_BIT);
	tv_write32(test, vgpu, TV_IRQ_MASTER, TV_IRQ_MASTER_ENABLE);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 1);
	irq_raise(env, TV_EV_USER);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 2);
}

static void irq_detached_suppressed(struct kunit *test)
{
	struct fake_env *env = irq_env(test);
	struct vmed_vgpu *vgpu = env->vgpu;

	vmed_vgpu_detach(vgpu, &fake_frontend);
	irq_raise(env, TV_EV_USER);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 0);
	KUNIT_EXPECT_EQ(test, vgpu->stats.msi_suppressed, 1);
	KUNIT_EXPECT_EQ(test, irq_vreg(env, G0_IIR), EV_USER_BIT);
}

/* ---- interrupt map validation ----------------------------------------- */

static const struct vmed_irq_group irq_groups9[] = {
	{ .isr = 0x4100, .imr = 0x4104, .iir = 0x4108, .ier = 0x410c, .master_bit = 0 },
	{ .isr = 0x4110, .imr = 0x4114, .iir = 0x4118, .ier = 0x411c, .master_bit = 1 },
	{ .isr = 0x4120, .imr = 0x4124, .iir = 0x4128, .ier = 0x412c, .master_bit = 2 },
	{ .isr = 0x4130, .imr = 0x4134, .iir = 0x4138, .ier = 0x413c, .master_bit = 3 },
	{ .isr = 0x4140, .imr = 0x4144, .iir = 0x4148, .ier = 0x414c, .master_bit = 4 },
	{ .isr = 0x4150, .imr = 0x4154, .iir = 0x4158, .ier = 0x415c, .master_bit = 5 },
	{ .isr = 0x4160, .imr = 0x4164, .iir = 0x4168, .ier = 0x416c, .master_bit = 6 },
	{ .isr = 0x4170, .imr = 0x4174, .iir = 0x4178, .ier = 0x417c, .master_bit = 7 },
	{ .isr = 0x4180, .imr = 0x4184, .iir = 0x4188, .ier = 0x418c, .master_bit = 8 },
};

/* @v becomes tvendor, with its interrupt map in @groups and @events. */
static void irq_map_fresh(struct vmed_vendor *v, struct vmed_irq_group *groups,
			  struct vmed_irq_event *events)
{
	*v = tvendor;
	memcpy(groups, tvendor.irq.groups,
	       tvendor.irq.nr_groups * sizeof(*groups));
	memcpy(events, tvendor.irq.events,
	       tvendor.irq.nr_events * sizeof(*events));
	v->irq.groups = groups;
	v->irq.events = events;
}

static void irq_check_map(struct kunit *test)
{
	struct vmed_irq_group g[2];
	struct vmed_irq_event e[TV_NR_EVENTS];
	struct vmed_vendor v;

	KUNIT_ASSERT_EQ(test, tvendor.irq.nr_groups, ARRAY_SIZE(g));
	KUNIT_ASSERT_EQ(test, tvendor.irq.nr_events, ARRAY_SIZE(e));

	/* The map as it is, through local copies: valid. */
	irq_map_fresh(&v, g, e);
	KUNIT_ASSERT_EQ(test, vmed_irq_check(&v), 0);

	/* A master bit colliding with the enable bit. */
	irq_map_fresh(&v, g, e);
	g[1].master_bit = 31;
	KUNIT_EXPECT_EQ(test, vmed_irq_check(&v), -EINVAL);
	irq_map_fresh(&v, g, e);
	v.irq.master_enable = TV_IRQ_MASTER_ENABLE | BIT(1);
	KUNIT_EXPECT_EQ(test, vmed_irq_check(&v), -EINVAL);

	/* Master bits that do not exist. */
	irq_map_fresh(&v, g, e);
	g[0].master_bit = 32;
	KUNIT_EXPECT_EQ(test, vmed_irq_check(&v), -EINVAL);
	irq_map_fresh(&v, g, e);
	g[0].master_bit = 255;
	KUNIT_EXPECT_EQ(test, vmed_irq_check(&v), -EINVAL);

	/* No enable bit at all. */
	irq_map_fresh(&v, g, e);
	v.irq.master_enable = 0;
	KUNIT_EXPECT_EQ(test, vmed_irq_check(&v), -EINVAL);

	/* Events pointing at a missing group or bit. */
	irq_map_fresh(&v, g, e);
	e[TV_EV_OTHER].group = 2;
	KUNIT_EXPECT_EQ(test, vmed_irq_check(&v), -EINVAL);
	irq_map_fresh(&v, g, e);
	e[TV_EV_USER].group = 255;
	KUNIT_EXPECT_EQ(test, vmed_irq_check(&v), -EINVAL);
	irq_map_fresh(&v, g, e);
	e[TV_EV_CTX].bit = 32;
	KUNIT_EXPECT_EQ(test, vmed_irq_check(&v), -EINVAL);
	irq_map_fresh(&v, g, e);
	e[TV_EV_CTX].bit = 255;
	KUNIT_EXPECT_EQ(test, vmed_irq_check(&v), -EINVAL);
	irq_map_fresh(&v, g, e);
	v.irq.nr_groups = 1;	/* TV_EV_OTHER is in group 1 */
	KUNIT_EXPECT_EQ(test, vmed_irq_check(&v), -EINVAL);

	/* Missing arrays. */
	irq_map_fresh(&v, g, e);
	v.irq.groups = NULL;
	KUNIT_EXPECT_EQ(test, vmed_irq_check(&v), -EINVAL);
	irq_map_fresh(&v, g, e);
	v.irq.events = NULL;
	KUNIT_EXPECT_EQ(test, vmed_irq_check(&v), -EINVAL);

	/* Too many groups; the maximum is fine. */
	irq_map_fresh(&v, g, e);
	v.irq.groups = irq_groups9;
	v.irq.nr_groups = ARRAY_SIZE(irq_groups9);
	KUNIT_EXPECT_EQ(test, vmed_irq_check(&v), -EINVAL);
	v.irq.nr_groups = VMED_MAX_IRQ_GROUPS;
	KUNIT_EXPECT_EQ(test, vmed_irq_check(&v), 0);

	/* Edges that are valid. */
	irq_map_fresh(&v, g, e);
	e[TV_EV_CTX].bit = 31;
	g[1].master_bit = 30;
	KUNIT_EXPECT_EQ(test, vmed_irq_check(&v), 0);
	irq_map_fresh(&v, g, e);
	v.irq.nr_events = 0;
	v.irq.events = NULL;
	KUNIT_EXPECT_EQ(test, vmed_irq_check(&v), 0);
}

/* Register a device whose vendor is @v; unregisters it again on success. */
static int irq_register(struct kunit *test, struct device *dmadev,
			const struct vmed_vendor *v)
{
	struct vmed_device *dev;

	dev = vmed_device_register(v, dmadev, "tdev-irq");
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	vmed_device_unregister(dev);
	return 0;
}

static void irq_map_registration(struct kunit *test)
{
	struct device *dmadev = fake_dma_device(test);
	struct vmed_vendor *v = kunit_kzalloc(test, sizeof(*v), GFP_KERNEL);
	struct vmed_irq_group groups[2];

	KUNIT_ASSERT_NOT_NULL(test, v);

	*v = tvendor;
	memcpy(groups, tvendor.irq.groups, sizeof(groups));
	v->irq.groups = groups;
	KUNIT_ASSERT_EQ(test, irq_register(test, dmadev, v), 0);

	/* A bad map is refused before anything is built. */
	groups[1].master_bit = 31;
	KUNIT_EXPECT_EQ(test, irq_register(test, dmadev, v), -EINVAL);
	groups[1].master_bit = 1;

	/* Two groups sharing an IIR. */
	groups[1].iir = groups[0].iir;
	KUNIT_EXPECT_EQ(test, irq_register(test, dmadev, v), -EEXIST);
	groups[1].iir = TV_IRQ_G1 + 8;

	/* The master register over a group register. */
	v->irq.master = TV_IRQ_G0 + 12;
	KUNIT_EXPECT_EQ(test, irq_register(test, dmadev, v), -EEXIST);
	v->irq.master = TV_IRQ_MASTER;

	/* Misaligned and out-of-window interrupt registers. */
	groups[0].imr = TV_IRQ_G0 + 6;
	KUNIT_EXPECT_EQ(test, irq_register(test, dmadev, v), -EINVAL);
	groups[0].imr = TV_IRQ_G0 + 4;
	v->irq.master = TV_MMIO_SIZE;
	KUNIT_EXPECT_EQ(test, irq_register(test, dmadev, v), -EINVAL);
	v->irq.master = TV_IRQ_MASTER;

	/* Everything restored: fine again. */
	KUNIT_EXPECT_EQ(test, irq_register(test, dmadev, v), 0);
}

/* As irq_env(), but the guest leaves MSI off and relies on INTx. */
static struct fake_env *intx_env(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;

	tv_write32(test, vgpu, G0_IMR, ~EV_USER_BIT);
	tv_write32(test, vgpu, G0_IER, EV_USER_BIT);
	tv_write32(test, vgpu, TV_IRQ_MASTER, TV_IRQ_MASTER_ENABLE);
	KUNIT_ASSERT_FALSE(test, env->hv.intx);
	return env;
}

static bool intx_status(struct kunit *test, struct fake_env *env)
{
	return tv_cfg_read16(test, env->vgpu, PCI_STATUS) & PCI_STATUS_INTERRUPT;
}

static void irq_intx_follows_line(struct kunit *test)
{
	struct fake_env *env = intx_env(test);
	struct vmed_vgpu *vgpu = env->vgpu;

	/* INTA#: the pin byte above the line byte. */
	KUNIT_EXPECT_EQ(test, tv_cfg_read16(test, vgpu, PCI_INTERRUPT_LINE) >> 8,
			1);
	irq_raise(env, TV_EV_USER);
	KUNIT_EXPECT_TRUE(test, env->hv.intx);
	KUNIT_EXPECT_TRUE(test, intx_status(test, env));
	KUNIT_EXPECT_EQ(test, env->hv.msis, 0);
	KUNIT_EXPECT_EQ(test, vgpu->stats.intx_asserted, 1);

	/* A second event while asserted is no new edge for a level line. */
	irq_raise(env, TV_EV_USER);
	KUNIT_EXPECT_EQ(test, env->hv.intx_raised, 1);

	/* The handler acknowledges: the line drops. */
	tv_write32(test, vgpu, G0_IIR, EV_USER_BIT);
	KUNIT_EXPECT_FALSE(test, env->hv.intx);
	KUNIT_EXPECT_FALSE(test, intx_status(test, env));

	/* Master off while pending drops it too; back on raises it again. */
	irq_raise(env, TV_EV_USER);
	tv_write32(test, vgpu, TV_IRQ_MASTER, 0);
	KUNIT_EXPECT_FALSE(test, env->hv.intx);
	tv_write32(test, vgpu, TV_IRQ_MASTER, TV_IRQ_MASTER_ENABLE);
	KUNIT_EXPECT_TRUE(test, env->hv.intx);
	KUNIT_EXPECT_EQ(test, env->hv.intx_raised, 3);
}

static void irq_intx_disable_bit(struct kunit *test)
{
	struct fake_env *env = intx_env(test);
	struct vmed_vgpu *vgpu = env->vgpu;
	u16 cmd = tv_cfg_read16(test, vgpu, PCI_COMMAND);

	tv_cfg_write16(test, vgpu, PCI_COMMAND, cmd | PCI_COMMAND_INTX_DISABLE);
	irq_raise(env, TV_EV_USER);
	/* Status still shows the interrupt; the line stays low. */
	KUNIT_EXPECT_FALSE(test, env->hv.intx);
	KUNIT_EXPECT_TRUE(test, intx_status(test, env));

	tv_cfg_write16(test, vgpu, PCI_COMMAND, cmd);
	KUNIT_EXPECT_TRUE(test, env->hv.intx);
	tv_cfg_write16(test, vgpu, PCI_COMMAND, cmd | PCI_COMMAND_INTX_DISABLE);
	KUNIT_EXPECT_FALSE(test, env->hv.intx);
	KUNIT_EXPECT_EQ(test, env->hv.intx_raised, 1);
}

static void irq_intx_off_while_msi(struct kunit *test)
{
	struct fake_env *env = intx_env(test);
	struct vmed_vgpu *vgpu = env->vgpu;

	irq_raise(env, TV_EV_USER);
	KUNIT_ASSERT_TRUE(test, env->hv.intx);

	/* Enabling MSI takes the interrupt off the line and sends it. */
	irq_msi_program(test, env);
	irq_msi_enable(test, env, true);
	KUNIT_EXPECT_FALSE(test, env->hv.intx);
	KUNIT_EXPECT_FALSE(test, intx_status(test, env));
	KUNIT_EXPECT_EQ(test, env->hv.msis, 1);

	irq_raise(env, TV_EV_USER);
	KUNIT_EXPECT_FALSE(test, env->hv.intx);
	KUNIT_EXPECT_EQ(test, env->hv.msis, 2);

	/* And back: still pending, so the line rises. */
	irq_msi_enable(test, env, false);
	KUNIT_EXPECT_TRUE(test, env->hv.intx);
	KUNIT_EXPECT_EQ(test, vgpu->stats.intx_asserted, 2);
}

static void irq_intx_reset_and_reattach(struct kunit *test)
{
	struct fake_env *env = intx_env(test);
	struct vmed_vgpu *vgpu = env->vgpu;

	irq_raise(env, TV_EV_USER);
	KUNIT_ASSERT_TRUE(test, env->hv.intx);
	vmed_vgpu_reset(vgpu);
	KUNIT_EXPECT_FALSE(test, env->hv.intx);
	KUNIT_EXPECT_FALSE(test, intx_status(test, env));

	/*
	 * An interrupt pending when the frontend lets go is not the next
	 * guest's: attaching resets, so its line starts low and stays low.
	 */
	tv_write32(test, vgpu, G0_IMR, ~EV_USER_BIT);
	tv_write32(test, vgpu, G0_IER, EV_USER_BIT);
	tv_write32(test, vgpu, TV_IRQ_MASTER, TV_IRQ_MASTER_ENABLE);
	irq_raise(env, TV_EV_USER);
	KUNIT_EXPECT_EQ(test, env->hv.intx_raised, 2);
	vmed_vgpu_detach(vgpu, &fake_frontend);
	env->hv.intx = false;
	KUNIT_ASSERT_EQ(test, vmed_vgpu_attach(vgpu, &fake_frontend,
					       &fake_hv_ops, &env->hv), 0);
	KUNIT_EXPECT_FALSE(test, env->hv.intx);
	KUNIT_EXPECT_FALSE(test, intx_status(test, env));
	KUNIT_EXPECT_EQ(test, env->hv.intx_raised, 2);
}

static struct kunit_case irq_cases[] = {
	KUNIT_CASE(irq_register_reset_values),
	KUNIT_CASE(irq_event_delivers_msi),
	KUNIT_CASE(irq_masked_event),
	KUNIT_CASE(irq_reset_imr_masks_everything),
	KUNIT_CASE(irq_ier_disabled_then_enabled),
	KUNIT_CASE(irq_master_disabled_then_enabled),
	KUNIT_CASE(irq_new_event_while_asserted),
	KUNIT_CASE(irq_iir_clear),
	KUNIT_CASE(irq_registers_not_vendor_writable),
	KUNIT_CASE(irq_iir_not_settable),
	KUNIT_CASE(irq_isr_read_only),
	KUNIT_CASE(irq_master_pending_not_writable),
	KUNIT_CASE(irq_subdword_writes_refused),
	KUNIT_CASE(irq_msi_disabled_then_enabled),
	KUNIT_CASE(irq_msi_enable_when_idle),
	KUNIT_CASE(irq_msi_follows_config),
	KUNIT_CASE(irq_group1_event),
	KUNIT_CASE(irq_inject_failure),
	KUNIT_CASE(irq_failed_vgpu),
	KUNIT_CASE(irq_reset_deasserts),
	KUNIT_CASE(irq_detached_suppressed),
	KUNIT_CASE(irq_intx_follows_line),
	KUNIT_CASE(irq_intx_disable_bit),
	KUNIT_CASE(irq_intx_off_while_msi),
	KUNIT_CASE(irq_intx_reset_and_reattach),
	KUNIT_CASE(irq_check_map),
	KUNIT_CASE(irq_map_registration),
	{}
};

static struct kunit_suite irq_suite = {
	.name = "vmed_irq",
	.test_cases = irq_cases,
};

kunit_test_suite(irq_suite);
