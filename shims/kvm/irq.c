// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts of a vGPU as vfio-pci presents them: one MSI vector, the INTx
 * line (automasked, unmasked by userspace directly or through an eventfd
 * KVM signals when the guest acknowledges), and a request eventfd through
 * which we ask the VMM to let go of a device being removed. MSI-X and the
 * error interrupt do not exist.
 *
 * The core decides when an interrupt is due (guest-programmed registers,
 * MSI enable, INTx Disable); here it only becomes an eventfd signal.
 */
#include <linux/eventfd.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "kvm.h"

/**
 * vmed_kvm_irq_init() - no triggers, INTx unmasked and low
 * @kv: the vGPU
 */
void vmed_kvm_irq_init(struct vmed_kvm_vgpu *kv)
{
	spin_lock_init(&kv->irq_lock);
	spin_lock_init(&kv->trigger_lock);
}

static unsigned int vectors_of(unsigned int index)
{
	switch (index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
	case VFIO_PCI_MSI_IRQ_INDEX:
	case VFIO_PCI_REQ_IRQ_INDEX:
		return 1;
	}
	return 0;
}

/**
 * vmed_kvm_get_irq_info() - VFIO_DEVICE_GET_IRQ_INFO
 * @kv: the vGPU
 * @arg: user pointer to struct vfio_irq_info
 *
 * Return: 0 or a negative errno.
 */
int vmed_kvm_get_irq_info(struct vmed_kvm_vgpu *kv, void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_info, count);
	struct vfio_irq_info info;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz || info.index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;
	info.count = vectors_of(info.index);
	info.flags = info.count ? VFIO_IRQ_INFO_EVENTFD : 0;
	if (info.index == VFIO_PCI_INTX_IRQ_INDEX)
		info.flags |= VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED;
	else if (info.count)
		info.flags |= VFIO_IRQ_INFO_NORESIZE;
	return copy_to_user(arg, &info, minsz) ? -EFAULT : 0;
}

/*
 * Signal the eventfd in @slot, if there is one, and count it in @count.
 * Under trigger_lock, which no eventfd wakeup takes: the unmask virqfd's
 * handler runs inside its eventfd's wakeup and takes irq_lock, so a signal
 * under irq_lock would close a cycle, and deadlock at once on a VMM that
 * gives the same eventfd as trigger and unmask.
 */
static bool trigger_signal(struct vmed_kvm_vgpu *kv, struct eventfd_ctx **slot,
			   u64 *count)
{
	unsigned long flags;
	bool sent = false;

	spin_lock_irqsave(&kv->trigger_lock, flags);
	if (*slot) {
		eventfd_signal(*slot);
		if (count)
			(*count)++;
		sent = true;
	}
	spin_unlock_irqrestore(&kv->trigger_lock, flags);
	return sent;
}

/*
 * With irq_lock held: the line is up and unmasked, so it is to be
 * signalled, and masks itself (automasking).
 */
static bool intx_due_locked(struct vmed_kvm_vgpu *kv)
{
	if (!kv->intx_level || kv->intx_masked || !READ_ONCE(kv->intx_trigger))
		return false;
	kv->intx_masked = true;
	return true;
}

/* Unmask; a line still asserted fires again at once (level-triggered). */
static void intx_unmask(struct vmed_kvm_vgpu *kv)
{
	unsigned long flags;
	bool due;

	spin_lock_irqsave(&kv->irq_lock, flags);
	kv->intx_masked = false;
	due = intx_due_locked(kv);
	spin_unlock_irqrestore(&kv->irq_lock, flags);
	if (due)
		trigger_signal(kv, &kv->intx_trigger, &kv->intx_signals);
}

/*
 * The unmask eventfd's wakeup runs inside that eventfd's signal, where
 * signalling is not allowed: unmask there, signal from the virqfd's
 * worker if the line is still up.
 */
static int intx_unmask_handler(void *opaque, void *unused)
{
	struct vmed_kvm_vgpu *kv = opaque;
	unsigned long flags;
	bool fire;

	spin_lock_irqsave(&kv->irq_lock, flags);
	kv->intx_masked = false;
	fire = kv->intx_level && READ_ONCE(kv->intx_trigger);
	spin_unlock_irqrestore(&kv->irq_lock, flags);
	return fire;
}

static void intx_unmask_thread(void *opaque, void *unused)
{
	struct vmed_kvm_vgpu *kv = opaque;
	unsigned long flags;
	bool due;

	spin_lock_irqsave(&kv->irq_lock, flags);
	due = intx_due_locked(kv);
	spin_unlock_irqrestore(&kv->irq_lock, flags);
	if (due)
		trigger_signal(kv, &kv->intx_trigger, &kv->intx_signals);
}

/**
 * vmed_kvm_set_intx() - &vmed_hv_ops.set_intx: the INTx line changed level
 * @vgpu: the vGPU; its lock held
 * @asserted: new level
 */
void vmed_kvm_set_intx(struct vmed_vgpu *vgpu, bool asserted)
{
	struct vmed_kvm_vgpu *kv = vmed_vgpu_hv_data(vgpu);
	unsigned long flags;
	bool due;

	spin_lock_irqsave(&kv->irq_lock, flags);
	kv->intx_level = asserted;
	due = intx_due_locked(kv);
	spin_unlock_irqrestore(&kv->irq_lock, flags);
	if (due)
		trigger_signal(kv, &kv->intx_trigger, &kv->intx_signals);
}

/**
 * vmed_kvm_inject_msi() - &vmed_hv_ops.inject_msi
 * @vgpu: the vGPU
 * @addr: guest-programmed message address (the VMM routes the eventfd)
 * @data: guest-programmed message data
 *
 * Return: 0, or -ENODEV if userspace has not set up the MSI eventfd.
 */
int vmed_kvm_inject_msi(struct vmed_vgpu *vgpu, u64 addr, u32 data)
{
	struct vmed_kvm_vgpu *kv = vmed_vgpu_hv_data(vgpu);

	return trigger_signal(kv, &kv->msi_trigger, &kv->msi_signals) ?
	       0 : -ENODEV;
}

/* Swap the trigger in @slot for eventfd @fd (-1: none). */
static int set_trigger(struct vmed_kvm_vgpu *kv, struct eventfd_ctx **slot,
		       int fd)
{
	struct eventfd_ctx *new = NULL, *old;
	unsigned long flags;

	if (fd >= 0) {
		new = eventfd_ctx_fdget(fd);
		if (IS_ERR(new))
			return PTR_ERR(new);
	}
	spin_lock_irqsave(&kv->trigger_lock, flags);
	old = *slot;
	WRITE_ONCE(*slot, new);
	spin_unlock_irqrestore(&kv->trigger_lock, flags);
	/* No signaller holds @old now: they signal under trigger_lock. */
	if (old)
		eventfd_ctx_put(old);
	if (slot == &kv->intx_trigger)
		intx_unmask(kv);
	return 0;
}

static int set_trigger_action(struct vmed_kvm_vgpu *kv,
			      struct eventfd_ctx **slot, u32 flags, void *data)
{
	switch (flags & VFIO_IRQ_SET_DATA_TYPE_MASK) {
	case VFIO_IRQ_SET_DATA_EVENTFD:
		return set_trigger(kv, slot, *(s32 *)data);
	case VFIO_IRQ_SET_DATA_BOOL:
		if (!*(u8 *)data)
			return 0;
		fallthrough;
	case VFIO_IRQ_SET_DATA_NONE:
		/* Loopback test of the trigger, as vfio-pci offers. */
		trigger_signal(kv, slot, NULL);
		return 0;
	}
	return -EINVAL;
}

static int set_intx_mask(struct vmed_kvm_vgpu *kv, u32 action, u32 flags,
			 void *data)
{
	unsigned long irqflags;

	switch (flags & VFIO_IRQ_SET_DATA_TYPE_MASK) {
	case VFIO_IRQ_SET_DATA_EVENTFD:
		if (action != VFIO_IRQ_SET_ACTION_UNMASK)
			return -EINVAL;
		if (*(s32 *)data < 0) {
			vfio_virqfd_disable(&kv->intx_unmask);
			return 0;
		}
		return vfio_virqfd_enable(kv, intx_unmask_handler,
					  intx_unmask_thread, NULL,
					  &kv->intx_unmask, *(s32 *)data);
	case VFIO_IRQ_SET_DATA_BOOL:
		if (!*(u8 *)data)
			return 0;
		fallthrough;
	case VFIO_IRQ_SET_DATA_NONE:
		if (action == VFIO_IRQ_SET_ACTION_UNMASK) {
			intx_unmask(kv);
		} else {
			spin_lock_irqsave(&kv->irq_lock, irqflags);
			kv->intx_masked = true;
			spin_unlock_irqrestore(&kv->irq_lock, irqflags);
		}
		return 0;
	}
	return -EINVAL;
}

/**
 * vmed_kvm_set_irqs() - VFIO_DEVICE_SET_IRQS
 * @kv: the vGPU
 * @arg: user pointer to struct vfio_irq_set and its data
 *
 * Return: 0 or a negative errno.
 */
int vmed_kvm_set_irqs(struct vmed_kvm_vgpu *kv, void __user *arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_set, count);
	u32 action;
	struct vfio_irq_set hdr;
	size_t data_size = 0;
	struct eventfd_ctx **slot;
	u8 data[sizeof(s32)] = {};
	int ret;

	if (copy_from_user(&hdr, arg, minsz))
		return -EFAULT;
	ret = vfio_set_irqs_validate_and_prepare(&hdr,
						 hdr.index < VFIO_PCI_NUM_IRQS ?
						 vectors_of(hdr.index) : 0,
						 VFIO_PCI_NUM_IRQS, &data_size);
	if (ret)
		return ret;
	/* One vector per index: at most one s32 or one bool of data. */
	if (data_size > sizeof(data))
		return -EINVAL;
	if (data_size && copy_from_user(data, arg + minsz, data_size))
		return -EFAULT;

	action = hdr.flags & VFIO_IRQ_SET_ACTION_TYPE_MASK;
	switch (hdr.index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
		slot = &kv->intx_trigger;
		break;
	case VFIO_PCI_MSI_IRQ_INDEX:
		slot = &kv->msi_trigger;
		break;
	case VFIO_PCI_REQ_IRQ_INDEX:
		slot = &kv->req_trigger;
		break;
	default:
		return -EINVAL;
	}
	/* count 0 with no data: tear the interrupt down. */
	if (!hdr.count) {
		if (action != VFIO_IRQ_SET_ACTION_TRIGGER)
			return -EINVAL;
		if (hdr.index == VFIO_PCI_INTX_IRQ_INDEX)
			vfio_virqfd_disable(&kv->intx_unmask);
		return set_trigger(kv, slot, -1);
	}
	if (action == VFIO_IRQ_SET_ACTION_TRIGGER)
		return set_trigger_action(kv, slot, hdr.flags, data);
	if (hdr.index != VFIO_PCI_INTX_IRQ_INDEX)
		return -EINVAL;
	return set_intx_mask(kv, action, hdr.flags, data);
}

/**
 * vmed_kvm_irq_release() - drop every trigger (close)
 * @kv: the vGPU, already detached from the core
 */
void vmed_kvm_irq_release(struct vmed_kvm_vgpu *kv)
{
	vfio_virqfd_disable(&kv->intx_unmask);
	set_trigger(kv, &kv->intx_trigger, -1);
	set_trigger(kv, &kv->msi_trigger, -1);
	set_trigger(kv, &kv->req_trigger, -1);
	kv->intx_level = false;
	kv->intx_masked = false;
}

/**
 * vmed_kvm_request() - VFIO wants the device back (mdev removal)
 * @vdev: the VFIO device
 * @count: how many times it has asked
 *
 * Signals the request eventfd if the VMM set one (QEMU then unplugs the
 * device); removal waits until the VMM closes the device either way.
 */
void vmed_kvm_request(struct vfio_device *vdev, unsigned int count)
{
	struct vmed_kvm_vgpu *kv = vdev_to_kv(vdev);

	if (trigger_signal(kv, &kv->req_trigger, NULL)) {
		if (!(count % 10))
			dev_notice_ratelimited(vdev->dev, "asking the VMM to release the vGPU (%u)\n",
					       count);
	} else if (!count) {
		dev_notice(vdev->dev, "vGPU removal waits for the VMM to close it\n");
	}
}
