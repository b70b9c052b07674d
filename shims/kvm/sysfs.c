// SPDX-License-Identifier: GPL-2.0
/*
 * The shim's files in a vGPU's vmed/ directory
 * (/sys/bus/mdev/devices/<uuid>/vmed/), next to the core's state and
 * counters, for as long as the shim offers the vGPU: kvm, pinned_pages,
 * msi_signals and intx_signals. They outlive a VMM session, so what a guest
 * did can be read after it exits.
 *
 * The attributes are embedded in each VFIO device's state, so a file finds
 * its vGPU without a lookup; removing them waits for running readers.
 */
#include <linux/device.h>
#include <linux/sysfs.h>
#include "kvm.h"

#define attrs_to_kv(ptr, member) \
	container_of(ptr, struct vmed_kvm_vgpu, attrs.member)

/* 1 if the current (or last) VMM session used KVM write tracking. */
static ssize_t kvm_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	return sysfs_emit(buf, "%d\n", attrs_to_kv(attr, kvm)->had_kvm);
}

static ssize_t pinned_pages_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	struct vmed_kvm_vgpu *kv = attrs_to_kv(attr, pinned_pages);

	return sysfs_emit(buf, "%ld\n", atomic_long_read(&kv->pinned));
}

/* Signal counters change under trigger_lock (interrupt context included). */
static ssize_t signals_show(struct vmed_kvm_vgpu *kv, char *buf, bool intx)
{
	unsigned long flags;
	u64 n;

	spin_lock_irqsave(&kv->trigger_lock, flags);
	n = intx ? kv->intx_signals : kv->msi_signals;
	spin_unlock_irqrestore(&kv->trigger_lock, flags);
	return sysfs_emit(buf, "%llu\n", n);
}

static ssize_t msi_signals_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return signals_show(attrs_to_kv(attr, msi_signals), buf, false);
}

static ssize_t intx_signals_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return signals_show(attrs_to_kv(attr, intx_signals), buf, true);
}

static void attr_init(struct device_attribute *attr, const char *name,
		      ssize_t (*show)(struct device *dev,
				      struct device_attribute *attr, char *buf))
{
	sysfs_attr_init(&attr->attr);
	attr->attr.name = name;
	attr->attr.mode = 0444;
	attr->show = show;
}

/**
 * vmed_kvm_sysfs_add() - add the shim's files to the vGPU's vmed/ directory
 * @kv: the VFIO device's state
 *
 * Return: 0 or a negative errno (no vmed/ group on the device: -ENOENT).
 */
int vmed_kvm_sysfs_add(struct vmed_kvm_vgpu *kv)
{
	struct vmed_kvm_attrs *a = &kv->attrs;

	attr_init(&a->kvm, "kvm", kvm_show);
	attr_init(&a->pinned_pages, "pinned_pages", pinned_pages_show);
	attr_init(&a->msi_signals, "msi_signals", msi_signals_show);
	attr_init(&a->intx_signals, "intx_signals", intx_signals_show);
	a->list[0] = &a->kvm.attr;
	a->list[1] = &a->pinned_pages.attr;
	a->list[2] = &a->msi_signals.attr;
	a->list[3] = &a->intx_signals.attr;
	a->list[4] = NULL;
	a->group.name = VMED_SYSFS_GROUP;
	a->group.attrs = a->list;
	return sysfs_merge_group(&kv->vdev.dev->kobj, &a->group);
}

/**
 * vmed_kvm_sysfs_remove() - remove them, waiting for running readers
 * @kv: the VFIO device's state
 */
void vmed_kvm_sysfs_remove(struct vmed_kvm_vgpu *kv)
{
	sysfs_unmerge_group(&kv->vdev.dev->kobj, &kv->attrs.group);
}
