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
 *
 * Writable: sched_weight, the vGPU's share of its device's engines; it can
 * be set at any time, and mdevctl sets it at start from a definition's
 * attributes ("vmed/sched_weight"), before a guest runs. The parent device
 * has the device-wide scheduler knobs in its own vmed/ group:
 * sched_policy ("best_effort" or "fixed_share"; reads show the choices
 * with the current one in brackets), timeslice_us and watchdog_ms. A
 * refused value fails the write with -EINVAL and one log line saying what
 * is accepted.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/kstrtox.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <vmed/sched.h>
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
	VGPU_STAT(wl_completed),
	VGPU_STAT(wl_preempted),
	VGPU_STAT(wl_cancelled),
	VGPU_STAT(wl_timeouts),
	VGPU_STAT(engine_time_ns),
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

static ssize_t sched_weight_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", vmed_vgpu_sched_weight(dev_to_vgpu(dev)));
}

static ssize_t sched_weight_store(struct device *dev,
				  struct device_attribute *attr,
				  const char *buf, size_t count)
{
	struct vmed_vgpu *vgpu = dev_to_vgpu(dev);
	unsigned int weight;

	if (kstrtouint(buf, 0, &weight) ||
	    vmed_vgpu_set_sched_weight(vgpu, weight)) {
		pr_info_ratelimited("%s: sched_weight refused: a number from 1 to %u\n",
				    vmed_vgpu_name(vgpu), VMED_SCHED_WEIGHT_MAX);
		return -EINVAL;
	}
	return count;
}
static DEVICE_ATTR_RW(sched_weight);

static struct attribute *own_attrs[] = {
	&dev_attr_state.attr,
	&dev_attr_holder.attr,
	&dev_attr_shadow_tables.attr,
	&dev_attr_dma_mapped.attr,
	&dev_attr_sched_weight.attr,
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

/* ---- the parent's scheduler knobs ------------------------------------- */

static const char *const policy_names[VMED_SCHED_NR_POLICIES] = {
	[VMED_SCHED_BEST_EFFORT] = "best_effort",
	[VMED_SCHED_FIXED_SHARE] = "fixed_share",
};

static ssize_t sched_policy_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	struct vmed_device *vdev = vmed_mdev_parent_device(dev);
	enum vmed_sched_policy cur;
	ssize_t n = 0;
	unsigned int i;

	if (!vdev)
		return -ENODEV;
	cur = vmed_device_sched_policy(vdev);
	for (i = 0; i < ARRAY_SIZE(policy_names); i++)
		n += sysfs_emit_at(buf, n, i == cur ? "%s[%s]" : "%s%s",
				   i ? " " : "", policy_names[i]);
	return n + sysfs_emit_at(buf, n, "\n");
}

static ssize_t sched_policy_store(struct device *dev,
				  struct device_attribute *attr,
				  const char *buf, size_t count)
{
	struct vmed_device *vdev = vmed_mdev_parent_device(dev);
	int policy;

	if (!vdev)
		return -ENODEV;
	policy = sysfs_match_string(policy_names, buf);
	if (policy < 0) {
		dev_info_ratelimited(dev, "sched_policy refused: best_effort or fixed_share\n");
		return -EINVAL;
	}
	vmed_device_set_sched_policy(vdev, policy);
	return count;
}
static DEVICE_ATTR_RW(sched_policy);

static ssize_t timeslice_us_show(struct device *dev,
				 struct device_attribute *attr, char *buf)
{
	struct vmed_device *vdev = vmed_mdev_parent_device(dev);

	if (!vdev)
		return -ENODEV;
	return sysfs_emit(buf, "%u\n", vmed_device_timeslice_us(vdev));
}

static ssize_t timeslice_us_store(struct device *dev,
				  struct device_attribute *attr,
				  const char *buf, size_t count)
{
	struct vmed_device *vdev = vmed_mdev_parent_device(dev);
	unsigned int us;

	if (!vdev)
		return -ENODEV;
	if (kstrtouint(buf, 0, &us) || vmed_device_set_timeslice_us(vdev, us)) {
		dev_info_ratelimited(dev, "timeslice_us refused: 100 to 100000\n");
		return -EINVAL;
	}
	return count;
}
static DEVICE_ATTR_RW(timeslice_us);

static ssize_t watchdog_ms_show(struct device *dev,
				struct device_attribute *attr, char *buf)
{
	struct vmed_device *vdev = vmed_mdev_parent_device(dev);

	if (!vdev)
		return -ENODEV;
	return sysfs_emit(buf, "%u\n", vmed_device_watchdog_ms(vdev));
}

static ssize_t watchdog_ms_store(struct device *dev,
				 struct device_attribute *attr,
				 const char *buf, size_t count)
{
	struct vmed_device *vdev = vmed_mdev_parent_device(dev);
	unsigned int ms;

	if (!vdev)
		return -ENODEV;
	if (kstrtouint(buf, 0, &ms) || vmed_device_set_watchdog_ms(vdev, ms)) {
		dev_info_ratelimited(dev, "watchdog_ms refused: 1 to 600000\n");
		return -EINVAL;
	}
	return count;
}
static DEVICE_ATTR_RW(watchdog_ms);

static struct attribute *parent_attrs[] = {
	&dev_attr_sched_policy.attr,
	&dev_attr_timeslice_us.attr,
	&dev_attr_watchdog_ms.attr,
	NULL
};

static const struct attribute_group parent_group = {
	.name = VMED_SYSFS_GROUP,
	.attrs = parent_attrs,
};

/**
 * vmed_mdev_parent_sysfs_add() - give an mdev parent its vmed/ group
 * @parent_dev: the parent's device
 *
 * Return: 0 or a negative errno.
 */
int vmed_mdev_parent_sysfs_add(struct device *parent_dev)
{
	return sysfs_create_group(&parent_dev->kobj, &parent_group);
}

/**
 * vmed_mdev_parent_sysfs_remove() - remove it, waiting for its callers
 * @parent_dev: the parent's device
 */
void vmed_mdev_parent_sysfs_remove(struct device *parent_dev)
{
	sysfs_remove_group(&parent_dev->kobj, &parent_group);
}
