// SPDX-License-Identifier: GPL-2.0
/*
 * Per-vGPU state and counters in sysfs, under the mdev device:
 * /sys/bus/mdev/devices/<uuid>/vmed/. One value per file, so scripts and
 * tests read them without parsing; they outlive a VMM session, so what a
 * guest did can be read after it exits.
 */
#include <linux/device.h>
#include <linux/sysfs.h>
#include "kvm.h"

static struct vmed_kvm_vgpu *dev_to_kv(struct device *dev)
{
	return dev_get_drvdata(dev);
}

/* Counters of the core's struct vmed_vgpu_stats, one file each. */
struct vgpu_stat_attr {
	struct device_attribute attr;
	size_t offset;
};

static ssize_t stat_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct vmed_vgpu *vgpu = dev_to_kv(dev)->vgpu;
	size_t offset = container_of(attr, struct vgpu_stat_attr, attr)->offset;
	u64 val;

	mutex_lock(&vgpu->lock);
	val = *(u64 *)((u8 *)&vgpu->stats + offset);
	mutex_unlock(&vgpu->lock);
	return sysfs_emit(buf, "%llu\n", val);
}

#define VGPU_STAT(field) {						\
	.attr = { .attr = { .name = #field, .mode = 0444 },		\
		  .show = stat_show },					\
	.offset = offsetof(struct vmed_vgpu_stats, field),		\
}

static struct vgpu_stat_attr stat_attrs[] = {
	VGPU_STAT(mmio_reads),
	VGPU_STAT(mmio_writes),
	VGPU_STAT(mmio_rejected),
	VGPU_STAT(cfg_writes),
	VGPU_STAT(ggtt_writes),
	VGPU_STAT(ggtt_scratch),
	VGPU_STAT(ppgtt_scratch),
	VGPU_STAT(shadowed_tables),
	VGPU_STAT(tracked_writes),
	VGPU_STAT(stale_writes),
	VGPU_STAT(dma_maps),
	VGPU_STAT(dma_unmaps),
	VGPU_STAT(dma_invalidated),
	VGPU_STAT(irq_events),
	VGPU_STAT(msi_injected),
	VGPU_STAT(msi_suppressed),
	VGPU_STAT(intx_asserted),
	VGPU_STAT(revalidated),
	VGPU_STAT(failures),
	VGPU_STAT(workloads),
	VGPU_STAT(workload_errors),
};

static ssize_t state_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct vmed_kvm_vgpu *kv = dev_to_kv(dev);
	struct vmed_vgpu *vgpu = kv->vgpu;
	const char *use;
	ssize_t len;

	mutex_lock(&kv->state_lock);
	use = kv->open ? "open" : kv->binder ? "bound" : "closed";
	mutex_unlock(&kv->state_lock);
	mutex_lock(&vgpu->lock);
	if (vgpu->failed)
		len = sysfs_emit(buf, "failed: %s\n", vgpu->fail_reason ?: "?");
	else
		len = sysfs_emit(buf, "%s\n", use);
	mutex_unlock(&vgpu->lock);
	return len;
}
static DEVICE_ATTR_RO(state);

/* 1 if the current (or last) VMM session used KVM write tracking. */
static ssize_t kvm_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	return sysfs_emit(buf, "%d\n", dev_to_kv(dev)->had_kvm);
}
static DEVICE_ATTR_RO(kvm);

static ssize_t pinned_pages_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%ld\n", atomic_long_read(&dev_to_kv(dev)->pinned));
}
static DEVICE_ATTR_RO(pinned_pages);

static ssize_t shadow_tables_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	struct vmed_vgpu *vgpu = dev_to_kv(dev)->vgpu;
	unsigned int n;

	mutex_lock(&vgpu->lock);
	n = vgpu->ppgtt.nr_spts;
	mutex_unlock(&vgpu->lock);
	return sysfs_emit(buf, "%u\n", n);
}
static DEVICE_ATTR_RO(shadow_tables);

static ssize_t dma_mapped_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct vmed_vgpu *vgpu = dev_to_kv(dev)->vgpu;
	unsigned long n;

	mutex_lock(&vgpu->lock);
	n = vgpu->dma.nr_entries;
	mutex_unlock(&vgpu->lock);
	return sysfs_emit(buf, "%lu\n", n);
}
static DEVICE_ATTR_RO(dma_mapped);

/* Signal counters change under irq_lock (interrupt context included). */
static ssize_t signals_show(struct device *dev, char *buf, bool intx)
{
	struct vmed_kvm_vgpu *kv = dev_to_kv(dev);
	unsigned long flags;
	u64 n;

	spin_lock_irqsave(&kv->irq_lock, flags);
	n = intx ? kv->intx_signals : kv->msi_signals;
	spin_unlock_irqrestore(&kv->irq_lock, flags);
	return sysfs_emit(buf, "%llu\n", n);
}

static ssize_t msi_signals_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	return signals_show(dev, buf, false);
}
static DEVICE_ATTR_RO(msi_signals);

static ssize_t intx_signals_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return signals_show(dev, buf, true);
}
static DEVICE_ATTR_RO(intx_signals);

static struct attribute *shim_attrs[] = {
	&dev_attr_state.attr,
	&dev_attr_kvm.attr,
	&dev_attr_pinned_pages.attr,
	&dev_attr_shadow_tables.attr,
	&dev_attr_dma_mapped.attr,
	&dev_attr_msi_signals.attr,
	&dev_attr_intx_signals.attr,
	&dev_attr_xen_domid.attr,
};

/* The shim's files, then the core's counters; filled in at load. */
static struct attribute *vmed_kvm_vgpu_attrs[ARRAY_SIZE(shim_attrs) +
					      ARRAY_SIZE(stat_attrs) + 1];

/**
 * vmed_kvm_sysfs_init() - assemble the per-vGPU attribute list
 */
void vmed_kvm_sysfs_init(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(shim_attrs); i++)
		vmed_kvm_vgpu_attrs[n++] = shim_attrs[i];
	for (i = 0; i < ARRAY_SIZE(stat_attrs); i++)
		vmed_kvm_vgpu_attrs[n++] = &stat_attrs[i].attr.attr;
}

static const struct attribute_group vmed_kvm_vgpu_group = {
	.name = "vmed",
	.attrs = vmed_kvm_vgpu_attrs,
};

const struct attribute_group *vmed_kvm_vgpu_groups[] = {
	&vmed_kvm_vgpu_group,
	NULL
};
