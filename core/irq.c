// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupt virtualisation.
 *
 * The vendor describes its interrupt topology as data (struct vmed_irq_map):
 * groups of ISR/IMR/IIR/IER registers, each driving one bit of a master
 * register that also holds the guest's global enable. An event:
 *
 *   event -> IIR bit (dropped if masked in IMR)
 *         -> group pending if IIR & IER -> master pending bit
 *         -> asserted if master enabled and any group pending
 *         -> MSI with the guest's address/data, if MSI is enabled
 *
 * An MSI is sent on every change that newly asserts the line and on every
 * new enabled event while it stays asserted (drivers clear the master enable
 * while they handle an interrupt, so a real edge follows their re-enable).
 * All of it runs under the vGPU lock; the registers live in the virtual
 * register file like any other register. Which groups have an event both
 * latched and enabled is kept beside them, updated by the only paths that
 * change an IIR or IER (an event, a guest write, a reset; vendors cannot
 * write those two, vmed_vreg_write() refuses), so that an event costs the
 * same however many groups the vendor has.
 */
#include <linux/unaligned.h>
#include "internal.h"
#include "ops.h"
#include "trace.h"

/**
 * vmed_irq_check() - validate a vendor's interrupt map
 * @vendor: the vendor
 *
 * Return: 0 or -EINVAL.
 */
int vmed_irq_check(const struct vmed_vendor *vendor)
{
	const struct vmed_irq_map *irq = &vendor->irq;
	unsigned int i;

	if (irq->nr_groups > VMED_MAX_IRQ_GROUPS || !irq->master_enable ||
	    (irq->nr_groups && !irq->groups) || (irq->nr_events && !irq->events))
		return -EINVAL;
	for (i = 0; i < irq->nr_groups; i++) {
		if (irq->groups[i].master_bit >= 32 ||
		    (BIT(irq->groups[i].master_bit) & irq->master_enable))
			return -EINVAL;
	}
	for (i = 0; i < irq->nr_events; i++) {
		if (irq->events[i].group >= irq->nr_groups ||
		    irq->events[i].bit >= 32)
			return -EINVAL;
	}
	return 0;
}

static_assert(VMED_MAX_IRQ_GROUPS <=
	      BITS_PER_BYTE * sizeof_field(struct vmed_vgpu, irq_groups_pending),
	      "a bit per interrupt group");

/* Interrupt registers are table registers (vmed_regs_build()). */
static u32 irq_reg(struct vmed_vgpu *vgpu, u32 offset)
{
	return vmed_table_reg32(vgpu, offset);
}

static void irq_set_reg(struct vmed_vgpu *vgpu, u32 offset, u32 val)
{
	vmed_table_reg32_set(vgpu, offset, val);
}

/* After group @i's IIR or IER changed: is an event latched and enabled? */
static void irq_group_update(struct vmed_vgpu *vgpu, unsigned int i)
{
	const struct vmed_irq_group *g = &vgpu->dev->vendor->irq.groups[i];

	if (irq_reg(vgpu, g->iir) & irq_reg(vgpu, g->ier))
		vgpu->irq_groups_pending |= BIT(i);
	else
		vgpu->irq_groups_pending &= ~BIT(i);
}

static void irq_inject(struct vmed_vgpu *vgpu)
{
	int ret;

	if (!vgpu->hv || !vgpu->msi.enabled) {
		vgpu->stats.msi_suppressed++;
		return;
	}
	ret = vmed_hv_inject_msi(vgpu, vgpu->msi.addr, vgpu->msi.data);
	trace_vmed_msi_inject(vgpu, vgpu->msi.addr, vgpu->msi.data, ret);
	if (ret)
		vgpu->stats.msi_suppressed++;
	else
		vgpu->stats.msi_injected++;
}

/**
 * vmed_irq_update() - recompute the master register and deliver an MSI
 * @vgpu: the vGPU; its lock held
 * @new_event: a new enabled event arrived (deliver even if already asserted)
 */
void vmed_irq_update(struct vmed_vgpu *vgpu, bool new_event)
{
	const struct vmed_irq_map *irq = &vgpu->dev->vendor->irq;
	u32 master = irq_reg(vgpu, irq->master) & irq->master_enable;
	unsigned long groups = vgpu->irq_groups_pending;
	u32 pending = 0;
	bool asserted, was_asserted = vgpu->irq_asserted;

	lockdep_assert_held(&vgpu->lock);
	for (; groups; groups &= groups - 1)
		pending |= BIT(irq->groups[__ffs(groups)].master_bit);
	irq_set_reg(vgpu, irq->master, master | pending);
	asserted = master && pending;
	vgpu->irq_asserted = asserted;
	if (asserted && (!was_asserted || new_event))
		irq_inject(vgpu);
	vmed_irq_update_intx(vgpu);
}

/**
 * vmed_irq_update_intx() - recompute the legacy interrupt line
 * @vgpu: the vGPU; its lock held
 *
 * Called whenever the interrupt state, MSI enable or the command register
 * may have changed. The Interrupt Status bit follows the pending interrupt
 * whatever INTx Disable says, as PCI defines it; the line to the shim also
 * obeys INTx Disable, and carries nothing while MSI is on.
 */
void vmed_irq_update_intx(struct vmed_vgpu *vgpu)
{
	u8 *space = vgpu->cfg.space;
	u16 cmd = get_unaligned_le16(space + PCI_COMMAND);
	u16 status = get_unaligned_le16(space + PCI_STATUS);
	bool pending = vgpu->irq_asserted && !vgpu->msi.enabled;
	bool level = pending && !(cmd & PCI_COMMAND_INTX_DISABLE);

	lockdep_assert_held(&vgpu->lock);
	if (pending)
		status |= PCI_STATUS_INTERRUPT;
	else
		status &= ~PCI_STATUS_INTERRUPT;
	put_unaligned_le16(status, space + PCI_STATUS);
	if (level == vgpu->intx_level)
		return;
	vgpu->intx_level = level;
	if (!vgpu->hv || !vgpu->hv->set_intx)
		return;
	if (level)
		vgpu->stats.intx_asserted++;
	vmed_hv_set_intx(vgpu, level);
}

/**
 * vmed_irq_raise() - the (virtual) hardware signals an event
 * @vgpu: the vGPU; its lock held
 * @event: the vendor's event number (index into &vmed_irq_map.events)
 *
 * Out-of-range events are ignored with a warning: they are vendor bugs, not
 * guest input.
 */
void vmed_irq_raise(struct vmed_vgpu *vgpu, unsigned int event)
{
	const struct vmed_irq_map *irq = &vgpu->dev->vendor->irq;
	const struct vmed_irq_group *g;
	unsigned int group;
	bool enabled;
	u32 bit;

	lockdep_assert_held(&vgpu->lock);
	if (WARN_ON_ONCE(event >= irq->nr_events) || vgpu->failed)
		return;
	group = irq->events[event].group;
	g = &irq->groups[group];
	bit = BIT(irq->events[event].bit);
	vgpu->stats.irq_events++;
	if (irq_reg(vgpu, g->imr) & bit) {
		vgpu->stats.irq_masked++;
		trace_vmed_irq_raise(vgpu, event, true);
		return;
	}
	trace_vmed_irq_raise(vgpu, event, false);
	irq_set_reg(vgpu, g->iir, irq_reg(vgpu, g->iir) | bit);
	enabled = irq_reg(vgpu, g->ier) & bit;
	if (enabled)
		vgpu->irq_groups_pending |= BIT(group);
	vmed_irq_update(vgpu, enabled);
}
EXPORT_SYMBOL_NS_GPL(vmed_irq_raise, VMED);

/**
 * vmed_irq_reg_write() - a guest write to an interrupt register
 * @vgpu: the vGPU; its lock held
 * @slot: the register's slot
 * @val: written bits, aligned to the register
 * @wmask: bits the access covered
 */
void vmed_irq_reg_write(struct vmed_vgpu *vgpu, const struct vmed_reg_slot *slot,
			u64 val, u64 wmask)
{
	const struct vmed_mmio_reg *reg = slot->reg;
	u32 old = irq_reg(vgpu, reg->offset);

	irq_set_reg(vgpu, reg->offset, vmed_reg_apply(reg, old, val, wmask));
	if (slot->irq_kind == VMED_IRQ_REG_IIR ||
	    slot->irq_kind == VMED_IRQ_REG_IER)
		irq_group_update(vgpu, slot->irq_group);
	vmed_irq_update(vgpu, false);
}

/**
 * vmed_irq_reset() - deassert the line after the registers were reset
 * @vgpu: the vGPU; its lock held
 *
 * Called after vmed_vregs_reset(): the pending state is rebuilt from the
 * registers' reset values.
 */
void vmed_irq_reset(struct vmed_vgpu *vgpu)
{
	unsigned int i;

	for (i = 0; i < vgpu->dev->vendor->irq.nr_groups; i++)
		irq_group_update(vgpu, i);
	vgpu->irq_asserted = false;
	vmed_irq_update_intx(vgpu);
}
