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
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include "internal.h"
#include "ops.h"
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
	pr_info_ratelimited("%s: refused %s at %#llx (%u bytes)\n",
			    vgpu->name, what, offset, len);
}

/**
 * vmed_vgpu_fail() - the guest made the vGPU unusable
 * @vgpu: the vGPU; its lock held
 * @reason: a short static string, shown in logs (and sysfs)
 *
 * The vGPU then reads as a dead device until it is reset. Its engines are
 * stopped (its queued and running work cancelled, vendor engine reset);
 * shadow state stays until reset or detach, so nothing the device might
 * still reference is released early. A failure in the middle of an engine
 * step (a tracked write by the engine itself) stops the engines only when
 * the step has returned: the engine's accesses fail with -EIO from the
 * failure on, and the address spaces it walks stay valid until then.
 */
void vmed_vgpu_fail(struct vmed_vgpu *vgpu, const char *reason)
{
	lockdep_assert_held(&vgpu->lock);
	vgpu->stats.failures++;
	if (vgpu->failed)
		return;
	vgpu->failed = true;
	snprintf(vgpu->fail_reason, sizeof(vgpu->fail_reason), "%s", reason);
	trace_vmed_vgpu_fail(vgpu, reason);
	/* The one line an operator gets: which vGPU (UUID) and why. */
	pr_err_ratelimited("%s: vGPU failed: %s\n", vgpu->name, reason);
	if (vgpu->in_submit)
		vgpu->reset_pending = true;
	else
		vmed_sched_stop_vgpu(vgpu);
}

/**
 * vmed_vgpu_fail_guest() - a frontend caught its guest misbehaving
 * @vgpu: the vGPU
 * @reason: a short static string, shown in logs (and sysfs)
 *
 * As vmed_vgpu_fail(), for callers that do not hold the vGPU lock (a
 * shim's request decoder).
 *
 * Context: process context; takes the vGPU lock.
 */
void vmed_vgpu_fail_guest(struct vmed_vgpu *vgpu, const char *reason)
{
	mutex_lock(&vgpu->lock);
	vmed_vgpu_fail(vgpu, reason);
	mutex_unlock(&vgpu->lock);
}
EXPORT_SYMBOL_NS_GPL(vmed_vgpu_fail_guest, VMED);

/* Drop everything that needs the hypervisor; leaves registers alone. */
static void vgpu_release_guest_state(struct vmed_vgpu *vgpu)
{
	lockdep_assert_held(&vgpu->lock);
	vmed_sched_stop_vgpu(vgpu);
	vmed_ppgtt_destroy_all(vgpu);
	vmed_ggtt_clear(vgpu);
	vmed_dma_fini(vgpu);
}

/* Registers, config space, interrupts and the failed state as at power-on. */
static void vgpu_reset_registers_locked(struct vmed_vgpu *vgpu)
{
	lockdep_assert_held(&vgpu->lock);
	vmed_vregs_reset(vgpu);
	vmed_cfg_init(vgpu);
	vmed_irq_reset(vgpu);
	vgpu->failed = false;
	vgpu->fail_reason[0] = '\0';
	trace_vmed_vgpu_state(vgpu, "reset");
}

static void vgpu_reset_locked(struct vmed_vgpu *vgpu)
{
	vgpu_release_guest_state(vgpu);
	vgpu_reset_registers_locked(vgpu);
}

/* Whoever holds the vGPU loses it; nothing of the guest's stays. */
static void vgpu_detach_locked(struct vmed_vgpu *vgpu)
{
	lockdep_assert_held(&vgpu->lock);
	vgpu_release_guest_state(vgpu);
	vmed_cfg_untrap_all(vgpu);
	vgpu->holder = NULL;
	vgpu->hv = NULL;
	vgpu->hv_data = NULL;
	trace_vmed_vgpu_state(vgpu, "detached");
}

/**
 * vmed_vgpu_create() - create a vGPU of a type
 * @dev: the physical device
 * @type: index into the vendor's type table
 * @name: the name logs and traces give it (an mdev UUID), at most 47
 *	characters; NULL for "<device>:<id>"
 *
 * The vGPU holds its slice of the device but no frontend knows of it until
 * vmed_vgpu_publish(). The caller owns one reference, which
 * vmed_vgpu_destroy() drops.
 *
 * Context: process context; sleeps.
 * Return: the vGPU, or ERR_PTR(-EINVAL) for an unknown type, -ENOSPC when
 * the device has no room for the type, -ENOMEM, or the vendor's error.
 */
struct vmed_vgpu *vmed_vgpu_create(struct vmed_device *dev, unsigned int type,
				   const char *name)
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
	kref_init(&vgpu->ref);
	INIT_LIST_HEAD(&vgpu->node);
	INIT_LIST_HEAD(&vgpu->fe_node);
	mutex_init(&vgpu->lock);
	vmed_dma_init(vgpu);
	vmed_ppgtt_init(vgpu);
	vmed_sched_vgpu_init(vgpu);

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
	if (name)
		snprintf(vgpu->name, sizeof(vgpu->name), "%s", name);
	else
		snprintf(vgpu->name, sizeof(vgpu->name), "%s:%u", dev->name,
			 vgpu->id);

	ret = vmed_scratch_alloc(dev, &vgpu->scratch_page, &vgpu->scratch_dma);
	if (ret)
		goto err_partition;
	ret = vmed_vregs_init(vgpu);
	if (ret)
		goto err_scratch;
	ret = vmed_ggtt_init(vgpu);
	if (ret)
		goto err_vregs;
	mutex_lock(&vgpu->lock);
	vmed_cfg_init(vgpu);
	mutex_unlock(&vgpu->lock);
	if (v->ops->vgpu_init) {
		ret = vmed_vendor_vgpu_init(vgpu);
		if (ret)
			goto err_ggtt;
	}

	mutex_lock(&dev->lock);
	list_add_tail(&vgpu->node, &dev->vgpus);
	WRITE_ONCE(dev->total_weight, dev->total_weight + vgpu->weight);
	mutex_unlock(&dev->lock);
	vmed_debugfs_vgpu_add(vgpu);
	trace_vmed_vgpu_state(vgpu, "created");
	return vgpu;

err_ggtt:
	mutex_lock(&vgpu->lock);
	vmed_ggtt_release(vgpu);
	mutex_unlock(&vgpu->lock);
	vmed_ggtt_fini(vgpu);
err_vregs:
	vmed_vregs_fini(vgpu);
err_scratch:
	vmed_scratch_free(dev, vgpu->scratch_page, vgpu->scratch_dma);
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
EXPORT_SYMBOL_NS_GPL(vmed_vgpu_create, VMED);

static void vgpu_free(struct kref *ref)
{
	struct vmed_vgpu *vgpu = container_of(ref, struct vmed_vgpu, ref);

	mutex_destroy(&vgpu->lock);
	kvfree(vgpu);
}

/**
 * vmed_vgpu_get() - take a reference on a vGPU
 * @vgpu: the vGPU
 *
 * A reference keeps the object, not its state: after vmed_vgpu_destroy()
 * only vmed_vgpu_name(), vmed_vgpu_attach() (which fails with -ENODEV),
 * vmed_vgpu_detach() (which does nothing), vmed_vgpu_publish() (which does
 * nothing) and vmed_vgpu_put() may be called on it.
 *
 * Return: @vgpu.
 */
struct vmed_vgpu *vmed_vgpu_get(struct vmed_vgpu *vgpu)
{
	kref_get(&vgpu->ref);
	return vgpu;
}
EXPORT_SYMBOL_NS_GPL(vmed_vgpu_get, VMED);

/**
 * vmed_vgpu_put() - drop a reference taken with vmed_vgpu_get()
 * @vgpu: the vGPU
 *
 * The last reference (the creator's goes in vmed_vgpu_destroy()) frees it.
 */
void vmed_vgpu_put(struct vmed_vgpu *vgpu)
{
	kref_put(&vgpu->ref, vgpu_free);
}
EXPORT_SYMBOL_NS_GPL(vmed_vgpu_put, VMED);

/**
 * vmed_vgpu_destroy() - destroy a vGPU
 * @vgpu: a vGPU from vmed_vgpu_create()
 *
 * Every frontend lets go of it first (vmed_vgpu_unpublish(): a VMM that has
 * it open is asked to close it, a bound guest loses it), then everything it
 * holds is released and its slice returned to the device. The creator's
 * reference is dropped; the memory goes with the last one.
 *
 * Context: process context; sleeps until the holder lets go. Not with any
 * vGPU lock held.
 */
void vmed_vgpu_destroy(struct vmed_vgpu *vgpu)
{
	struct vmed_device *dev = vgpu->dev;
	const struct vmed_vendor_ops *ops = dev->vendor->ops;

	vmed_vgpu_unpublish(vgpu);
	/* Waits for readers of its files: nothing below is freed under them. */
	vmed_debugfs_vgpu_remove(vgpu);
	/* Frontends let go in unpublish; a direct attach (tests) goes here. */
	mutex_lock(&vgpu->lock);
	if (vgpu->hv)
		vgpu_detach_locked(vgpu);
	mutex_unlock(&vgpu->lock);
	/* No engine worker holds any of its work when the vendor lets go. */
	vmed_sched_vgpu_fini(vgpu);
	trace_vmed_vgpu_state(vgpu, "destroyed");
	if (ops->vgpu_fini)
		vmed_vendor_vgpu_fini(vgpu);
	/* The slices go back to the device's scratch before ours goes. */
	mutex_lock(&vgpu->lock);
	vmed_ggtt_release(vgpu);
	mutex_unlock(&vgpu->lock);
	vmed_ggtt_fini(vgpu);
	vmed_vregs_fini(vgpu);
	vmed_scratch_free(dev, vgpu->scratch_page, vgpu->scratch_dma);

	mutex_lock(&dev->lock);
	list_del_init(&vgpu->node);
	WRITE_ONCE(dev->total_weight, dev->total_weight - vgpu->weight);
	xa_erase(&dev->vgpu_ids, vgpu->id);
	vmed_partition_give(vgpu);
	dev->nr_vgpus--;
	mutex_unlock(&dev->lock);

	xa_destroy(&vgpu->dma.by_gfn);
	xa_destroy(&vgpu->dma.by_dma);
	xa_destroy(&vgpu->ppgtt.spts);
	xa_destroy(&vgpu->ppgtt.tracked);
	xa_destroy(&vgpu->ppgtt.lost);
	vmed_vgpu_put(vgpu);
}
EXPORT_SYMBOL_NS_GPL(vmed_vgpu_destroy, VMED);

/**
 * vmed_vgpu_attach() - a frontend takes a vGPU for one of its guests
 * @vgpu: the vGPU
 * @fe: the frontend (normally one the core told of @vgpu; the core only
 *	compares it with the holder)
 * @ops: the shim's hypervisor ops; @read_gpa, @write_gpa, @dma_map,
 *	@dma_unmap, @inject_msi and @is_guest_memory are required,
 *	@track_add and @track_remove come together or not at all, @set_intx
 *	and @set_trap_area are optional
 * @hv_data: the shim's state, returned by vmed_vgpu_hv_data()
 *
 * The one place that decides who holds a vGPU: at most one frontend at a
 * time. A refusal because another frontend holds it is logged once, naming
 * the vGPU and both frontends. The new guest gets the vGPU as after a
 * function-level reset: nothing a previous guest programmed (registers,
 * config space, GTT entries, a failed state) carries over.
 *
 * Context: process context; takes the vGPU lock.
 * Return: 0, -EINVAL for incomplete ops, -EBUSY if a frontend holds the
 * vGPU, -ENODEV once it is being destroyed.
 */
int vmed_vgpu_attach(struct vmed_vgpu *vgpu, const struct vmed_frontend *fe,
		     const struct vmed_hv_ops *ops, void *hv_data)
{
	int ret = 0;

	if (!fe || !ops || !ops->read_gpa || !ops->write_gpa ||
	    !ops->dma_map || !ops->dma_unmap || !ops->inject_msi ||
	    !ops->is_guest_memory || !ops->track_add != !ops->track_remove)
		return -EINVAL;
	mutex_lock(&vgpu->lock);
	if (vgpu->removed) {
		ret = -ENODEV;
	} else if (vgpu->holder) {
		pr_warn_ratelimited("%s: refused to %s: %s through %s\n",
				    vgpu->name, fe->name,
				    vgpu->holder->held_state,
				    vgpu->holder->name);
		ret = -EBUSY;
	} else {
		/* Detach released the rest; engines and tables are idle. */
		vgpu_reset_registers_locked(vgpu);
		vgpu->holder = fe;
		vgpu->hv = ops;
		vgpu->hv_data = hv_data;
		/* A new shim's line starts low. */
		vgpu->intx_level = false;
		vmed_irq_update_intx(vgpu);
		trace_vmed_vgpu_state(vgpu, "attached");
	}
	mutex_unlock(&vgpu->lock);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(vmed_vgpu_attach, VMED);

/**
 * vmed_vgpu_detach() - the frontend lets go of a vGPU
 * @vgpu: the vGPU
 * @fe: the frontend that attached it
 *
 * Stops the engines, tears down shadow tables, untracks and releases every
 * guest frame and removes traps, so that when this returns the core holds
 * nothing of the guest's and will call none of the shim's ops. Does
 * nothing unless @fe holds the vGPU.
 *
 * Context: process context; takes the vGPU lock.
 */
void vmed_vgpu_detach(struct vmed_vgpu *vgpu, const struct vmed_frontend *fe)
{
	mutex_lock(&vgpu->lock);
	if (vgpu->holder && vgpu->holder == fe)
		vgpu_detach_locked(vgpu);
	mutex_unlock(&vgpu->lock);
}
EXPORT_SYMBOL_NS_GPL(vmed_vgpu_detach, VMED);

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
	vgpu_reset_locked(vgpu);
	mutex_unlock(&vgpu->lock);
}
EXPORT_SYMBOL_NS_GPL(vmed_vgpu_reset, VMED);

/**
 * vmed_vgpu_name() - the name logs give a vGPU
 * @vgpu: the vGPU
 *
 * Return: what vmed_vgpu_create() was given (an mdev UUID), or
 * "<device>:<id>". Valid as long as a reference is held.
 */
const char *vmed_vgpu_name(const struct vmed_vgpu *vgpu)
{
	return vgpu->name;
}
EXPORT_SYMBOL_NS_GPL(vmed_vgpu_name, VMED);

/**
 * vmed_vgpu_id() - a vGPU's number, unique among its device's vGPUs
 * @vgpu: the vGPU
 *
 * Return: the id, below 128.
 */
unsigned int vmed_vgpu_id(const struct vmed_vgpu *vgpu)
{
	return vgpu->id;
}
EXPORT_SYMBOL_NS_GPL(vmed_vgpu_id, VMED);

/**
 * vmed_vgpu_device() - the physical device a vGPU is carved from
 * @vgpu: the vGPU
 *
 * Return: the device.
 */
struct vmed_device *vmed_vgpu_device(const struct vmed_vgpu *vgpu)
{
	return vgpu->dev;
}
EXPORT_SYMBOL_NS_GPL(vmed_vgpu_device, VMED);

/**
 * vmed_vgpu_sysfs_dev() - the device representing a vGPU in sysfs
 * @vgpu: the vGPU
 *
 * For frontends, from &vmed_frontend.vgpu_added to &vmed_frontend.vgpu_removed:
 * the device carries the %VMED_SYSFS_GROUP attribute group, and a VFIO
 * device or binding file hangs off it.
 *
 * Return: the device vmed_vgpu_publish() was given, or NULL.
 */
struct device *vmed_vgpu_sysfs_dev(const struct vmed_vgpu *vgpu)
{
	return vgpu->sysfs_dev;
}
EXPORT_SYMBOL_NS_GPL(vmed_vgpu_sysfs_dev, VMED);

/**
 * vmed_vgpu_gm_base() - where a vGPU's graphics memory of a kind starts
 * @vgpu: the vGPU
 * @kind: mappable or hidden
 *
 * Return: the graphics memory address of the vGPU's slice of @kind; fixed
 * for the vGPU's life.
 */
u64 vmed_vgpu_gm_base(const struct vmed_vgpu *vgpu, enum vmed_gm_kind kind)
{
	return vgpu->gm_base[kind];
}
EXPORT_SYMBOL_NS_GPL(vmed_vgpu_gm_base, VMED);

/**
 * vmed_vgpu_gm_size() - the size of a vGPU's graphics memory of a kind
 * @vgpu: the vGPU
 * @kind: mappable or hidden
 *
 * Return: the size of the slice in bytes, as its type says.
 */
u64 vmed_vgpu_gm_size(const struct vmed_vgpu *vgpu, enum vmed_gm_kind kind)
{
	return vgpu->gm_size[kind];
}
EXPORT_SYMBOL_NS_GPL(vmed_vgpu_gm_size, VMED);

/**
 * vmed_vgpu_fences() - how many fences (channels) a vGPU owns
 * @vgpu: the vGPU
 *
 * Return: the number, as its type says.
 */
u32 vmed_vgpu_fences(const struct vmed_vgpu *vgpu)
{
	return vgpu->fences;
}
EXPORT_SYMBOL_NS_GPL(vmed_vgpu_fences, VMED);

/**
 * vmed_vgpu_get_stats() - copy a vGPU's counters
 * @vgpu: the vGPU
 * @st: filled with a consistent snapshot
 *
 * Context: takes the vGPU lock.
 */
void vmed_vgpu_get_stats(struct vmed_vgpu *vgpu, struct vmed_vgpu_stats *st)
{
	mutex_lock(&vgpu->lock);
	*st = vgpu->stats;
	mutex_unlock(&vgpu->lock);
}
EXPORT_SYMBOL_NS_GPL(vmed_vgpu_get_stats, VMED);

/**
 * vmed_vgpu_get_status() - what a vGPU is doing now
 * @vgpu: the vGPU
 * @s: filled with a consistent snapshot
 *
 * Context: takes the vGPU lock.
 */
void vmed_vgpu_get_status(struct vmed_vgpu *vgpu, struct vmed_vgpu_status *s)
{
	mutex_lock(&vgpu->lock);
	s->failed = vgpu->failed;
	snprintf(s->fail_reason, sizeof(s->fail_reason), "%s",
		 vgpu->failed ? vgpu->fail_reason : "");
	snprintf(s->holder, sizeof(s->holder), "%s",
		 vgpu->holder ? vgpu->holder->name : "");
	snprintf(s->held_state, sizeof(s->held_state), "%s",
		 vgpu->holder ? vgpu->holder->held_state : "");
	s->shadow_tables = vgpu->ppgtt.nr_spts;
	s->dma_mapped = vgpu->dma.nr_entries;
	mutex_unlock(&vgpu->lock);
}
EXPORT_SYMBOL_NS_GPL(vmed_vgpu_get_status, VMED);

/**
 * vmed_vgpu_set_vendor_data() - attach the vendor's state to a vGPU
 * @vgpu: the vGPU
 * @data: the vendor's state
 *
 * Called from &vmed_vendor_ops.vgpu_init (before any guest can reach the
 * vGPU) and &vmed_vendor_ops.vgpu_fini (with NULL).
 */
void vmed_vgpu_set_vendor_data(struct vmed_vgpu *vgpu, void *data)
{
	vgpu->vendor_data = data;
}
EXPORT_SYMBOL_NS_GPL(vmed_vgpu_set_vendor_data, VMED);

/**
 * vmed_vgpu_vendor_data() - the vendor's state of a vGPU
 * @vgpu: the vGPU
 *
 * Return: what vmed_vgpu_set_vendor_data() stored.
 */
void *vmed_vgpu_vendor_data(const struct vmed_vgpu *vgpu)
{
	return vgpu->vendor_data;
}
EXPORT_SYMBOL_NS_GPL(vmed_vgpu_vendor_data, VMED);

/**
 * vmed_vgpu_failed() - is the vGPU in the failed state?
 * @vgpu: the vGPU; its lock held
 *
 * An engine checks this between steps of a workload: after a failure it
 * must touch nothing of the guest's.
 *
 * Return: true once vmed_vgpu_fail() was called, until a reset.
 */
bool vmed_vgpu_failed(struct vmed_vgpu *vgpu)
{
	lockdep_assert_held(&vgpu->lock);
	return vgpu->failed;
}
EXPORT_SYMBOL_NS_GPL(vmed_vgpu_failed, VMED);

/**
 * vmed_vgpu_attached() - does a frontend hold the vGPU for a guest?
 * @vgpu: the vGPU; its lock held
 *
 * Return: true between vmed_vgpu_attach() and vmed_vgpu_detach(); only
 * then can the core reach guest memory.
 */
bool vmed_vgpu_attached(struct vmed_vgpu *vgpu)
{
	lockdep_assert_held(&vgpu->lock);
	return vgpu->hv;
}
EXPORT_SYMBOL_NS_GPL(vmed_vgpu_attached, VMED);

/**
 * vmed_vgpu_hv_data() - the shim's state of an attached vGPU
 * @vgpu: the vGPU; attached, its lock held (hypervisor ops are called so)
 *
 * Return: the pointer passed to vmed_vgpu_attach().
 */
void *vmed_vgpu_hv_data(struct vmed_vgpu *vgpu)
{
	return vgpu->hv_data;
}
EXPORT_SYMBOL_NS_GPL(vmed_vgpu_hv_data, VMED);
