// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs: what the core knows about devices and vGPUs, for operators.
 *
 *   /sys/kernel/debug/vmed/<device>/partition   graphics memory and fences
 *                                               in use, per type available
 *   /sys/kernel/debug/vmed/<device>/instances   one line per vGPU
 *   /sys/kernel/debug/vmed/<device>/vgpu<id>/state       active, idle or
 *                                                         failed: <reason>
 *                                        .../counters    name value lines
 *                                        .../shadow      shadow tables
 *                                        .../registers   virtual registers
 *
 * Every file is read-only and printed in one go (seq_file single_open)
 * under the lock that protects what it shows, so a reader sees one
 * consistent snapshot. Lifetime: a vGPU's directory is removed first thing
 * in vmed_vgpu_destroy() and a device's after its vGPUs are gone;
 * debugfs_remove() waits for readers inside a show function and makes later
 * reads of an open file fail, so no show function runs on a freed object.
 *
 * debugfs is best effort: a failed creation leaves an error pointer, which
 * the other debugfs calls ignore, and the vGPU works without its files.
 * The printers are separate functions so KUnit can check them without
 * debugfs.
 */
#include <linux/bitmap.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include "internal.h"

static struct dentry *vmed_debugfs_root;

static const char *const gm_kind_names[VMED_GM_KINDS] = {
	[VMED_GM_MAPPABLE] = "mappable",
	[VMED_GM_HIDDEN] = "hidden",
};

/**
 * vmed_debugfs_show_state() - print a vGPU's state
 * @m: the output
 * @vgpu: the vGPU
 *
 * "failed: <reason>" while failed, else "active" while a hypervisor shim is
 * attached and "idle" when none is.
 */
void vmed_debugfs_show_state(struct seq_file *m, struct vmed_vgpu *vgpu)
{
	mutex_lock(&vgpu->lock);
	if (vgpu->failed)
		seq_printf(m, "failed: %s\n", vgpu->fail_reason);
	else
		seq_puts(m, vgpu->hv ? "active\n" : "idle\n");
	mutex_unlock(&vgpu->lock);
}

#define VMED_STAT(field)	{ #field, offsetof(struct vmed_vgpu_stats, field) }

static const struct {
	const char *name;
	size_t offset;
} vmed_stat_fields[] = {
	VMED_STAT(mmio_reads),
	VMED_STAT(mmio_writes),
	VMED_STAT(mmio_rejected),
	VMED_STAT(cfg_writes),
	VMED_STAT(ggtt_writes),
	VMED_STAT(ggtt_ignored),
	VMED_STAT(ggtt_scratch),
	VMED_STAT(ppgtt_scratch),
	VMED_STAT(shadowed_tables),
	VMED_STAT(tracked_writes),
	VMED_STAT(stale_writes),
	VMED_STAT(dma_maps),
	VMED_STAT(dma_unmaps),
	VMED_STAT(dma_invalidated),
	VMED_STAT(irq_events),
	VMED_STAT(irq_masked),
	VMED_STAT(msi_injected),
	VMED_STAT(msi_suppressed),
	VMED_STAT(intx_asserted),
	VMED_STAT(revalidated),
	VMED_STAT(failures),
	VMED_STAT(workloads),
	VMED_STAT(workload_errors),
	VMED_STAT(wl_completed),
	VMED_STAT(wl_preempted),
	VMED_STAT(wl_cancelled),
	VMED_STAT(wl_timeouts),
	VMED_STAT(engine_time_ns),
};

/**
 * vmed_debugfs_show_counters() - print a vGPU's counters, "name value" lines
 * @m: the output
 * @vgpu: the vGPU
 *
 * The counters of &struct vmed_vgpu_stats under their field names, then
 * what is held now: frames mapped through the hypervisor (each one pinned
 * or foreign-mapped by the shim), shadow tables, the last workload error.
 */
void vmed_debugfs_show_counters(struct seq_file *m, struct vmed_vgpu *vgpu)
{
	const u8 *stats = (const u8 *)&vgpu->stats;
	unsigned int i;

	mutex_lock(&vgpu->lock);
	for (i = 0; i < ARRAY_SIZE(vmed_stat_fields); i++)
		seq_printf(m, "%s %llu\n", vmed_stat_fields[i].name,
			   *(const u64 *)(stats + vmed_stat_fields[i].offset));
	seq_printf(m, "dma_mapped %lu\n", vgpu->dma.nr_entries);
	seq_printf(m, "shadow_tables %u\n", vgpu->ppgtt.nr_spts);
	seq_printf(m, "last_workload_error %d\n", vgpu->last_workload_error);
	mutex_unlock(&vgpu->lock);
}

/**
 * vmed_debugfs_show_shadow() - print a summary of a vGPU's shadow tables
 * @m: the output
 * @vgpu: the vGPU
 */
void vmed_debugfs_show_shadow(struct seq_file *m, struct vmed_vgpu *vgpu)
{
	const struct vmed_pte_format *fmt = &vgpu->dev->vendor->ppgtt_format;
	struct vmed_ppgtt_summary pp;
	u32 mapped, scratch;
	unsigned int l;

	mutex_lock(&vgpu->lock);
	vmed_ggtt_summary(vgpu, &mapped, &scratch);
	vmed_ppgtt_summary(vgpu, &pp);
	mutex_unlock(&vgpu->lock);

	seq_printf(m, "ggtt_slots %u\n", vgpu->ggtt.nr_slots);
	seq_printf(m, "ggtt_mapped %u\n", mapped);
	seq_printf(m, "ggtt_scratch %u\n", scratch);
	seq_printf(m, "ppgtt_roots %u\n", pp.roots);
	for (l = fmt->levels; l-- > 0;)
		seq_printf(m, "ppgtt_tables_level%u %u\n", l, pp.tables[l]);
	seq_printf(m, "ppgtt_split_tables %u\n", pp.split);
	seq_printf(m, "ppgtt_mapped_entries %lu\n", pp.mapped);
	seq_printf(m, "ppgtt_empty_entries %lu\n", pp.empty);
	seq_printf(m, "ppgtt_pending_tables %u\n", pp.pending);
	seq_printf(m, "tracked_frames %lu\n", pp.tracked);
}

/**
 * vmed_debugfs_show_registers() - print a vGPU's virtual register file
 * @m: the output
 * @vgpu: the vGPU
 *
 * One "offset value" line per dword that is a table register or holds a
 * value other than zero; dwords never written read as zero and are left
 * out. Table registers are marked "reg", others "plain".
 */
void vmed_debugfs_show_registers(struct seq_file *m, struct vmed_vgpu *vgpu)
{
	const struct vmed_device *dev = vgpu->dev;
	u32 size = dev->vendor->mmio_size, off;
	unsigned int p, dw;

	mutex_lock(&vgpu->lock);
	for (p = 0; p < vgpu->vregs.nr_pages; p++) {
		if (!vgpu->vregs.pages[p])
			continue;
		for (dw = 0; dw < VMED_REG_PAGE_SLOTS; dw++) {
			bool table = dev->reg_pages[p] && dev->reg_pages[p][dw];
			u32 val;

			off = (p << VMED_REG_PAGE_SHIFT) + dw * 4;
			if (off >= size)
				break;
			val = vmed_vreg_read(vgpu, off, 4);
			if (val || table)
				seq_printf(m, "%#07x %#010x %s\n", off, val,
					   table ? "reg" : "plain");
		}
	}
	mutex_unlock(&vgpu->lock);
}

/**
 * vmed_debugfs_show_partition() - print a device's resource partition
 * @m: the output
 * @dev: the device
 *
 * Per kind of graphics memory its granules (of %VMED_GM_GRANULE) in total,
 * used and free, the same for fences, the number of vGPUs, then per type
 * the further vGPUs that fit.
 */
void vmed_debugfs_show_partition(struct seq_file *m, struct vmed_device *dev)
{
	const struct vmed_vendor *v = dev->vendor;
	unsigned int k, i, total, used;

	mutex_lock(&dev->lock);
	seq_printf(m, "granule %llu\n", (u64)VMED_GM_GRANULE);
	for (k = 0; k < VMED_GM_KINDS; k++) {
		total = v->gm_total[k] / VMED_GM_GRANULE;
		used = bitmap_weight(dev->gm_map[k], total);
		seq_printf(m, "%s_granules %u\n%s_used %u\n%s_free %u\n",
			   gm_kind_names[k], total, gm_kind_names[k], used,
			   gm_kind_names[k], total - used);
	}
	used = bitmap_weight(dev->fence_map, v->fences);
	seq_printf(m, "fences %u\nfences_used %u\nfences_free %u\n", v->fences,
		   used, v->fences - used);
	seq_printf(m, "vgpus %u\n", dev->nr_vgpus);
	mutex_unlock(&dev->lock);
	/* vmed_type_available() takes the device lock itself. */
	for (i = 0; i < v->nr_types; i++)
		seq_printf(m, "available %s %u\n", v->types[i].name,
			   vmed_type_available(dev, i));
}

/**
 * vmed_debugfs_show_instances() - print one line per vGPU of a device
 * @m: the output
 * @dev: the device
 *
 * "vgpu<id> <name> type=<type> mappable=<base>+<size> hidden=<base>+<size>
 * fences=<first>+<count>": the directory of the vGPU, the name it is
 * logged under (its UUID under the shims) and its slice of the device.
 */
void vmed_debugfs_show_instances(struct seq_file *m, struct vmed_device *dev)
{
	struct vmed_vgpu *vgpu;

	mutex_lock(&dev->lock);
	list_for_each_entry(vgpu, &dev->vgpus, node)
		seq_printf(m, "vgpu%u %s type=%s mappable=%#llx+%#llx hidden=%#llx+%#llx fences=%u+%u\n",
			   vgpu->id, vgpu->name, vgpu->type->name,
			   vgpu->gm_base[VMED_GM_MAPPABLE],
			   vgpu->gm_size[VMED_GM_MAPPABLE],
			   vgpu->gm_base[VMED_GM_HIDDEN],
			   vgpu->gm_size[VMED_GM_HIDDEN],
			   vgpu->fence_base, vgpu->fences);
	mutex_unlock(&dev->lock);
}

/**
 * vmed_debugfs_show_untracked() - print the registers no table describes
 * @m: the output
 * @dev: the device
 *
 * One line per dword of the register BAR that a guest of @dev read or
 * wrote although the vendor's register table has no entry for it, in
 * order: all of them, where the "untracked register" log lines are
 * rate-limited. Where a device model falls short of what guests use.
 */
void vmed_debugfs_show_untracked(struct seq_file *m, struct vmed_device *dev)
{
	unsigned long dw;

	for_each_set_bit(dw, dev->unknown_seen, dev->vendor->mmio_size / 4)
		seq_printf(m, "%#lx\n", dw * 4);
}

static int state_show(struct seq_file *m, void *unused)
{
	vmed_debugfs_show_state(m, m->private);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(state);

static int counters_show(struct seq_file *m, void *unused)
{
	vmed_debugfs_show_counters(m, m->private);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(counters);

static int shadow_show(struct seq_file *m, void *unused)
{
	vmed_debugfs_show_shadow(m, m->private);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(shadow);

static int registers_show(struct seq_file *m, void *unused)
{
	vmed_debugfs_show_registers(m, m->private);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(registers);

static int partition_show(struct seq_file *m, void *unused)
{
	vmed_debugfs_show_partition(m, m->private);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(partition);

static int instances_show(struct seq_file *m, void *unused)
{
	vmed_debugfs_show_instances(m, m->private);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(instances);

static int untracked_show(struct seq_file *m, void *unused)
{
	vmed_debugfs_show_untracked(m, m->private);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(untracked);

/**
 * vmed_debugfs_init() - create the "vmed" directory (module load)
 */
void vmed_debugfs_init(void)
{
	vmed_debugfs_root = debugfs_create_dir("vmed", NULL);
}

/**
 * vmed_debugfs_exit() - remove it (module unload; no devices are left)
 */
void vmed_debugfs_exit(void)
{
	debugfs_remove(vmed_debugfs_root);
	vmed_debugfs_root = NULL;
}

/**
 * vmed_debugfs_device_add() - a device's directory, partition and instances
 * @dev: the device, registered up to its listeners
 */
void vmed_debugfs_device_add(struct vmed_device *dev)
{
	/* Without the root (no debugfs, or a failed load) there is nothing. */
	if (IS_ERR_OR_NULL(vmed_debugfs_root)) {
		dev->debugfs = ERR_PTR(-ENODEV);
		return;
	}
	dev->debugfs = debugfs_create_dir(dev->name, vmed_debugfs_root);
	debugfs_create_file("partition", 0444, dev->debugfs, dev,
			    &partition_fops);
	debugfs_create_file("instances", 0444, dev->debugfs, dev,
			    &instances_fops);
	debugfs_create_file("untracked", 0444, dev->debugfs, dev,
			    &untracked_fops);
}

/**
 * vmed_debugfs_device_remove() - remove the device's directory
 * @dev: the device, with no vGPUs left
 */
void vmed_debugfs_device_remove(struct vmed_device *dev)
{
	debugfs_remove(dev->debugfs);
	dev->debugfs = NULL;
}

/**
 * vmed_debugfs_vgpu_add() - the vGPU's directory and files
 * @vgpu: the vGPU, fully created
 */
void vmed_debugfs_vgpu_add(struct vmed_vgpu *vgpu)
{
	char name[16];

	if (IS_ERR_OR_NULL(vgpu->dev->debugfs)) {
		vgpu->debugfs = ERR_PTR(-ENODEV);
		return;
	}
	snprintf(name, sizeof(name), "vgpu%u", vgpu->id);
	vgpu->debugfs = debugfs_create_dir(name, vgpu->dev->debugfs);
	debugfs_create_file("state", 0444, vgpu->debugfs, vgpu, &state_fops);
	debugfs_create_file("counters", 0444, vgpu->debugfs, vgpu,
			    &counters_fops);
	debugfs_create_file("shadow", 0444, vgpu->debugfs, vgpu, &shadow_fops);
	debugfs_create_file("registers", 0444, vgpu->debugfs, vgpu,
			    &registers_fops);
}

/**
 * vmed_debugfs_vgpu_remove() - remove the vGPU's directory
 * @vgpu: the vGPU; not locked (readers take its lock, and this waits
 *	for them)
 */
void vmed_debugfs_vgpu_remove(struct vmed_vgpu *vgpu)
{
	debugfs_remove(vgpu->debugfs);
	vgpu->debugfs = NULL;
}
