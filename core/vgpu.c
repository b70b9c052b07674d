// SPDX-License-Identifier: GPL-2.0
/*
 * vGPU lifecycle: create, attach to a hypervisor, reset, detach, destroy,
 * and the failed state.
 *
 *   create ──► idle ──attach──► active ──detach──► idle ──► destroy
 *                                  │ guest misbehaves
 *                                  ▼
 *                                failed (reads ~0, writes dropped) ──reset──► active
 *
 * Detach and destroy cannot fail and allocate nothing: they point every
 * shadow entry at scratch, untrack every page and release every frame, in
 * that order, before the hypervisor's ops go away.
 */
#include <linux/slab.h>
#include "internal.h"
#include "trace.h"

/**
 * vmed_vgpu_log_reject() - note a refused guest access, rate limited
 * @vgpu: the vGPU
 * @what: what was refused
 * @offset: where
 * @len: access size, 0 if not applicable
 */
void vmed_vgpu_log_reject(struct vmed_vgpu *vgpu, const char *what, u64 offset,
			  unsigned int len)
{
	pr_info_ratelimited("vmed: %s: refused %s at %#llx (%u bytes)\n",
			    vgpu->name, what, offset, len);
}

/**
 * vmed_vgpu_fail() - the guest made the vGPU unusable
 * @vgpu: the vGPU; its lock held
 * @reason: a short static string, shown in logs (and sysfs)
 *
 * The vGPU then reads as a dead device until it is reset. Its engines are
 * stopped; shadow state stays until reset or detach, so nothing the device
 * might still reference is released early.
 */
void vmed_vgpu_fail(struct vmed_vgpu *vgpu, const char *reason)
{
	const struct vmed_vendor_ops *ops = vgpu->dev->vendor->ops;

	lockdep_assert_held(&vgpu->lock);
	vgpu->stats.failures++;
	if (vgpu->failed)
		return;
	vgpu->failed = true;
	vgpu->fail_reason = reason;
	trace_vmed_vgpu_fail(vgpu, reason);
	/* The one line an operator gets: which vGPU (UUID) and why. */
	pr_err_ratelimited("vmed: %s: vGPU failed: %s\n", vgpu->name, reason);
	if (ops->engine_reset)
		ops->engine_reset(vgpu);
}
EXPORT_SYMBOL_GPL(vmed_vgpu_fail);

/* Drop everything that needs the hypervisor; leaves registers alone. */
static void vgpu_release_guest_state(struct vmed_vgpu *vgpu)
{
	const struct vmed_vendor_ops *ops = vgpu->dev->vendor->ops;

	lockdep_assert_held(&vgpu->lock);
	if (ops->engine_reset)
		ops->engine_reset(vgpu);
	vmed_ppgtt_destroy_all(vgpu);
	vmed_ggtt_clear(vgpu);
	vmed_dma_fini(vgpu);
}

/**
 * vmed_vgpu_create() - create a vGPU of a type
 * @dev: the physical device
 * @type: index into the vendor's type table
 *
 * Return: the vGPU, or ERR_PTR(-EINVAL) for an unknown type, -ENOSPC when
 * the device has no room for the type, -ENOMEM, or the vendor's error.
 */
struct vmed_vgpu *vmed_vgpu_create(struct vmed_device *dev, unsigned int type)
{
	const struct vmed_vendor *v = dev->vendor;
	struct vmed_vgpu *vgpu;
	u32 id;
	int ret;

	if (type >= v->nr_types)
		return ERR_PTR(-EINVAL);
	vgpu = kvzalloc(sizeof(*vgpu), GFP_KERNEL_ACCOUNT);
	if (!vgpu)
		return ERR_PTR(-ENOMEM);
	vgpu->dev = dev;
	vgpu->type = &v->types[type];
	mutex_init(&vgpu->lock);
	vmed_dma_init(vgpu);
	vmed_ppgtt_init(vgpu);

	mutex_lock(&dev->lock);
	ret = vmed_partition_take(vgpu);
	if (!ret) {
		ret = xa_alloc(&dev->vgpu_ids, &id, vgpu,
			       XA_LIMIT(0, VMED_MAX_VGPUS - 1), GFP_KERNEL);
		if (ret)
			vmed_partition_give(vgpu);
	}
	if (!ret) {
		vgpu->id = id;
		dev->nr_vgpus++;
	}
	mutex_unlock(&dev->lock);
	if (ret)
		goto err_free;
	snprintf(vgpu->name, sizeof(vgpu->name), "%s:%u", dev->name, vgpu->id);

	ret = vmed_vregs_init(vgpu);
	if (ret)
		goto err_partition;
	ret = vmed_ggtt_init(vgpu);
	if (ret)
		goto err_vregs;
	mutex_lock(&vgpu->lock);
	vmed_cfg_init(vgpu);
	mutex_unlock(&vgpu->lock);
	if (v->ops->vgpu_init) {
		ret = v->ops->vgpu_init(vgpu);
		if (ret)
			goto err_ggtt;
	}

	mutex_lock(&dev->lock);
	list_add_tail(&vgpu->node, &dev->vgpus);
	mutex_unlock(&dev->lock);
	vmed_debugfs_vgpu_add(vgpu);
	trace_vmed_vgpu_state(vgpu, "created");
	return vgpu;

err_ggtt:
	vmed_ggtt_fini(vgpu);
err_vregs:
	vmed_vregs_fini(vgpu);
err_partition:
	mutex_lock(&dev->lock);
	xa_erase(&dev->vgpu_ids, vgpu->id);
	vmed_partition_give(vgpu);
	dev->nr_vgpus--;
	mutex_unlock(&dev->lock);
err_free:
	mutex_destroy(&vgpu->lock);
	kvfree(vgpu);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_GPL(vmed_vgpu_create);

/**
 * vmed_vgpu_destroy() - destroy a vGPU; detaches it first if needed
 * @vgpu: the vGPU
 */
void vmed_vgpu_destroy(struct vmed_vgpu *vgpu)
{
	struct vmed_device *dev = vgpu->dev;
	const struct vmed_vendor_ops *ops = dev->vendor->ops;

	/* Waits for readers of its files: nothing below is freed under them. */
	vmed_debugfs_vgpu_remove(vgpu);
	vmed_vgpu_detach(vgpu);
	trace_vmed_vgpu_state(vgpu, "destroyed");
	if (ops->vgpu_fini)
		ops->vgpu_fini(vgpu);
	mutex_lock(&vgpu->lock);
	vmed_ggtt_clear(vgpu);
	mutex_unlock(&vgpu->lock);
	vmed_ggtt_fini(vgpu);
	vmed_vregs_fini(vgpu);

	mutex_lock(&dev->lock);
	list_del(&vgpu->node);
	xa_erase(&dev->vgpu_ids, vgpu->id);
	vmed_partition_give(vgpu);
	dev->nr_vgpus--;
	mutex_unlock(&dev->lock);

	xa_destroy(&vgpu->dma.by_gfn);
	xa_destroy(&vgpu->dma.by_dma);
	xa_destroy(&vgpu->ppgtt.spts);
	xa_destroy(&vgpu->ppgtt.tracked);
	mutex_destroy(&vgpu->lock);
	kvfree(vgpu);
}
EXPORT_SYMBOL_GPL(vmed_vgpu_destroy);

/**
 * vmed_vgpu_attach() - connect a vGPU to a hypervisor shim
 * @vgpu: the vGPU
 * @ops: the shim's hypervisor ops; every member except set_trap_area is
 *	required
 * @hv_data: the shim's state, returned by vmed_vgpu_hv_data()
 *
 * Return: 0, -EINVAL for incomplete ops, -EBUSY if already attached.
 */
int vmed_vgpu_attach(struct vmed_vgpu *vgpu, const struct vmed_hv_ops *ops,
		     void *hv_data)
{
	int ret = 0;

	if (!ops || !ops->read_gpa || !ops->write_gpa || !ops->dma_map ||
	    !ops->dma_unmap || !ops->inject_msi || !ops->is_guest_memory ||
	    !ops->track_add != !ops->track_remove)
		return -EINVAL;
	mutex_lock(&vgpu->lock);
	if (vgpu->hv) {
		ret = -EBUSY;
	} else {
		vgpu->hv = ops;
		vgpu->hv_data = hv_data;
		/* The guest may have enabled decoding while detached. */
		vmed_cfg_update_traps(vgpu);
		/* A new shim's line starts low. */
		vgpu->intx_level = false;
		vmed_irq_update_intx(vgpu);
		trace_vmed_vgpu_state(vgpu, "attached");
	}
	mutex_unlock(&vgpu->lock);
	return ret;
}
EXPORT_SYMBOL_GPL(vmed_vgpu_attach);

/**
 * vmed_vgpu_detach() - disconnect from the hypervisor shim
 * @vgpu: the vGPU
 *
 * Stops the engines, tears down shadow tables, untracks and releases every
 * guest frame and removes traps, so that when this returns the core holds
 * nothing of the guest's. Does nothing if not attached.
 */
void vmed_vgpu_detach(struct vmed_vgpu *vgpu)
{
	mutex_lock(&vgpu->lock);
	if (vgpu->hv) {
		vgpu_release_guest_state(vgpu);
		vmed_cfg_untrap_all(vgpu);
		vgpu->hv = NULL;
		vgpu->hv_data = NULL;
		trace_vmed_vgpu_state(vgpu, "detached");
	}
	mutex_unlock(&vgpu->lock);
}
EXPORT_SYMBOL_GPL(vmed_vgpu_detach);

/**
 * vmed_vgpu_reset() - function-level reset
 * @vgpu: the vGPU
 *
 * Everything the guest programmed is forgotten: engines, shadow tables,
 * GGTT entries, registers, config space (memory decoding off) and the
 * failed state. The vGPU stays attached.
 */
void vmed_vgpu_reset(struct vmed_vgpu *vgpu)
{
	mutex_lock(&vgpu->lock);
	vgpu_release_guest_state(vgpu);
	vmed_vregs_reset(vgpu);
	vmed_cfg_init(vgpu);
	vmed_irq_reset(vgpu);
	vgpu->failed = false;
	vgpu->fail_reason = NULL;
	trace_vmed_vgpu_state(vgpu, "reset");
	mutex_unlock(&vgpu->lock);
}
EXPORT_SYMBOL_GPL(vmed_vgpu_reset);

/**
 * vmed_vgpu_submit() - hand a workload to the vendor's engine
 * @vgpu: the vGPU; its lock held (vendors call this from register handlers)
 * @desc: vendor-defined descriptor of the workload
 *
 * Brings partially written page-table entries up to date first, so the
 * engine runs on the tables the guest wrote.
 *
 * Return: 0, -EIO if the vGPU has failed, -EOPNOTSUPP without an engine, or
 * the engine's error.
 */
int vmed_vgpu_submit(struct vmed_vgpu *vgpu, u64 desc)
{
	const struct vmed_vendor_ops *ops = vgpu->dev->vendor->ops;
	int ret;

	lockdep_assert_held(&vgpu->lock);
	if (vgpu->failed)
		return -EIO;
	if (!ops->submit)
		return -EOPNOTSUPP;
	vgpu->stats.workloads++;
	trace_vmed_workload_submit(vgpu, desc);
	ret = 0;
	if (vgpu->dev->vendor->ppgtt_format.levels && vgpu->hv)
		ret = vmed_ppgtt_sync(vgpu);
	/* Engines run to completion inside the hook (see vendor.h). */
	if (!ret)
		ret = ops->submit(vgpu, desc);
	if (ret) {
		vgpu->stats.workload_errors++;
		vgpu->last_workload_error = ret;
	}
	trace_vmed_workload_complete(vgpu, desc, ret);
	return ret;
}
EXPORT_SYMBOL_GPL(vmed_vgpu_submit);
