// SPDX-License-Identifier: GPL-2.0
/*
 * Per-vGPU state and counters in sysfs, under the mdev device:
 * /sys/bus/mdev/devices/<uuid>/vmed/. One value per file, so scripts and
 * tests read them without parsing; they outlive a guest, so what a guest did
 * can be read after it is gone. Frontends add their own files to the same
 * directory while they offer the vGPU (vmed_kvm: kvm, pinned_pages, ...;
 * vmed_xen: xen_domid).
 *
 * Every file reads the core through vmed_vgpu_get_stats() and
 * vmed_vgpu_get_status(): consistent snapshots taken under the vGPU lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/sysfs.h>
#include <vmed/vgpu.h>
#include "mdev.h"

static struct vmed_vgpu *dev_to_vgpu(struct device *dev)
{
	return dev_get_drvdata(dev);
}

/* Counters of struct vmed_vgpu_stats, one file each. */
struct vgpu_stat_attr {
	struct device_attribute attr;
	size_t offset;
};

static ssize_t stat_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	size_t offset = container_of(attr, struct vgpu_stat_attr, attr)->offset;
	struct vmed_vgpu_stats st;

	vmed_vgpu_get_stats(dev_to_vgpu(dev), &st);
	return sysfs_emit(buf, "%llu\n", *(u64 *)((u8 *)&st + offset));
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

/* "failed: <reason>", else the holder's word ("open", "bound"), else closed. */
static ssize_t state_show(struct device *dev, struct device_attribute *attr,
			  char *buf)
{
	struct vmed_vgpu_status s;

	vmed_vgpu_get_status(dev_to_vgpu(dev), &s);
	if (s.failed)
		return sysfs_emit(buf, "failed: %s\n", s.fail_reason);
	return sysfs_emit(buf, "%s\n", s.held_state[0] ? s.held_state : "closed");
}
static DEVICE_ATTR_RO(state);

/* The frontend holding the vGPU ("vfio", "xen"), or "none". */
static ssize_t holder_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct vmed_vgpu_status s;

	vmed_vgpu_get_status(dev_to_vgpu(dev), &s);
	return sysfs_emit(buf, "%s\n", s.holder[0] ? s.holder : "none");
}
static DEVICE_ATTR_RO(holder);

static ssize_t shadow_tables_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	struct vmed_vgpu_status s;

	vmed_vgpu_get_status(dev_to_vgpu(dev), &s);
	return sysfs_emit(buf, "%u\n", s.shadow_tables);
}
static DEVICE_ATTR_RO(shadow_tables);

static ssize_t dma_mapped_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct vmed_vgpu_status s;

	vmed_vgpu_get_status(dev_to_vgpu(dev), &s);
	return sysfs_emit(buf, "%lu\n", s.dma_mapped);
}
static DEVICE_ATTR_RO(dma_mapped);

static struct attribute *own_attrs[] = {
	&dev_attr_state.attr,
	&dev_attr_holder.attr,
	&dev_attr_shadow_tables.attr,
	&dev_attr_dma_mapped.attr,
};

/* Ours, then the counters; NULL-terminated. */
static struct attribute *vgpu_attrs[ARRAY_SIZE(own_attrs) +
				    ARRAY_SIZE(stat_attrs) + 1];

static const struct attribute_group vgpu_group = {
	.name = VMED_SYSFS_GROUP,
	.attrs = vgpu_attrs,
};

/**
 * vmed_mdev_sysfs_init() - assemble the vmed/ attribute list, at load
 */
void vmed_mdev_sysfs_init(void)
{
	unsigned int i, n = 0;

	for (i = 0; i < ARRAY_SIZE(own_attrs); i++)
		vgpu_attrs[n++] = own_attrs[i];
	for (i = 0; i < ARRAY_SIZE(stat_attrs); i++)
		vgpu_attrs[n++] = &stat_attrs[i].attr.attr;
}

/**
 * vmed_mdev_sysfs_add() - give an mdev-created vGPU its vmed/ group
 * @dev: the mdev device; its driver data is the vGPU
 *
 * Return: 0 or a negative errno.
 */
int vmed_mdev_sysfs_add(struct device *dev)
{
	return sysfs_create_group(&dev->kobj, &vgpu_group);
}

/**
 * vmed_mdev_sysfs_remove() - remove the vmed/ group, waiting for readers
 * @dev: the mdev device
 */
void vmed_mdev_sysfs_remove(struct device *dev)
{
	sysfs_remove_group(&dev->kobj, &vgpu_group);
}
