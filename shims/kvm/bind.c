// SPDX-License-Identifier: GPL-2.0
/*
 * One vGPU lifecycle for every hypervisor: vGPUs are created and removed
 * through mdev whatever guest will use them, and a vGPU is either opened
 * through VFIO (a KVM guest, or any VFIO VMM) or bound to a guest of another
 * hypervisor by that hypervisor's shim, never both.
 *
 * Such a shim registers a binder (vmed_xen registers "xen"); the operator
 * binds a vGPU by writing the guest's domain id to the vGPU's
 * vmed/xen_domid attribute and unbinds it by writing "none". Binding an
 * open vGPU and opening a bound one are refused, each with a log line that
 * says why. Unregistering a binder, or removing the vGPU, unbinds.
 *
 * Locking: vmed_kvm_vgpu.state_lock orders open/close against bind/unbind;
 * binders_lock protects the binder list and every vGPU's binder pointer is
 * only changed with both held (binders_lock first), so a binder going away
 * finds every vGPU bound through it.
 */
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/sysfs.h>
#include <linux/workqueue.h>
#include "kvm.h"

static DEFINE_MUTEX(binders_lock);
static LIST_HEAD(binders);
static LIST_HEAD(all_vgpus);	/* every vmed_kvm_vgpu, for unregistering */

static struct vmed_kvm_binder *binder_find(const char *name)
{
	struct vmed_kvm_binder *b;

	list_for_each_entry(b, &binders, node)
		if (!strcmp(b->name, name))
			return b;
	return NULL;
}

/**
 * vmed_kvm_register_binder() - another hypervisor's shim offers binding
 * @b: the binder, with @name, @bind and @unbind set
 *
 * Return: 0, -EINVAL for an incomplete binder, -EEXIST for a taken name.
 */
int vmed_kvm_register_binder(struct vmed_kvm_binder *b)
{
	int ret = 0;

	if (!b->name || !b->bind || !b->unbind)
		return -EINVAL;
	mutex_lock(&binders_lock);
	if (binder_find(b->name))
		ret = -EEXIST;
	else
		list_add_tail(&b->node, &binders);
	mutex_unlock(&binders_lock);
	return ret;
}
EXPORT_SYMBOL_GPL(vmed_kvm_register_binder);

/* With binders_lock held: undo one vGPU's binding. */
static void unbind_locked(struct vmed_kvm_vgpu *kv)
{
	mutex_lock(&kv->state_lock);
	if (kv->binder) {
		kv->binder->unbind(kv->vgpu, kv->bind_data);
		kv->binder = NULL;
		kv->bind_data = NULL;
	}
	mutex_unlock(&kv->state_lock);
}

/**
 * vmed_kvm_unregister_binder() - the shim goes: unbind its vGPUs first
 * @b: a binder registered with vmed_kvm_register_binder()
 */
void vmed_kvm_unregister_binder(struct vmed_kvm_binder *b)
{
	struct vmed_kvm_vgpu *kv;

	mutex_lock(&binders_lock);
	list_for_each_entry(kv, &all_vgpus, node)
		if (kv->binder == b)
			unbind_locked(kv);
	list_del(&b->node);
	mutex_unlock(&binders_lock);
}
EXPORT_SYMBOL_GPL(vmed_kvm_unregister_binder);

static void unbind_work_fn(struct work_struct *work)
{
	struct vmed_kvm_vgpu *kv = container_of(work, struct vmed_kvm_vgpu,
						unbind_work);

	mutex_lock(&binders_lock);
	unbind_locked(kv);
	mutex_unlock(&binders_lock);
}

/**
 * vmed_kvm_unbind_async() - a binder's guest is gone: unbind its vGPU
 * @vgpu: a vGPU bound through a binder
 *
 * For a shim that learns of its guest's death on its own (vmed_xen's
 * domain watch): the binder's @unbind runs soon after, from a work item,
 * so the caller may hold its own locks. Does nothing for a vGPU that is
 * not bound (or not vmed_kvm's).
 */
void vmed_kvm_unbind_async(struct vmed_vgpu *vgpu)
{
	struct vmed_kvm_vgpu *kv;

	mutex_lock(&binders_lock);
	list_for_each_entry(kv, &all_vgpus, node)
		if (kv->vgpu == vgpu && kv->binder)
			schedule_work(&kv->unbind_work);
	mutex_unlock(&binders_lock);
}
EXPORT_SYMBOL_GPL(vmed_kvm_unbind_async);

/**
 * vmed_kvm_bind_add() - a new vGPU, unbound
 * @kv: the vGPU
 */
void vmed_kvm_bind_add(struct vmed_kvm_vgpu *kv)
{
	mutex_init(&kv->state_lock);
	INIT_WORK(&kv->unbind_work, unbind_work_fn);
	mutex_lock(&binders_lock);
	list_add_tail(&kv->node, &all_vgpus);
	mutex_unlock(&binders_lock);
}

/**
 * vmed_kvm_bind_remove() - a vGPU goes: unbind it and forget it
 * @kv: the vGPU
 */
void vmed_kvm_bind_remove(struct vmed_kvm_vgpu *kv)
{
	mutex_lock(&binders_lock);
	list_del(&kv->node);
	mutex_unlock(&binders_lock);
	cancel_work_sync(&kv->unbind_work);
	mutex_lock(&binders_lock);
	unbind_locked(kv);
	mutex_unlock(&binders_lock);
	mutex_destroy(&kv->state_lock);
}

/**
 * vmed_kvm_bind_open() - may VFIO open the vGPU?
 * @kv: the vGPU; called with its state_lock held
 *
 * Return: 0, or -EBUSY if another hypervisor's shim has it.
 */
int vmed_kvm_bind_open(struct vmed_kvm_vgpu *kv)
{
	lockdep_assert_held(&kv->state_lock);
	if (!kv->binder)
		return 0;
	dev_warn_ratelimited(kv->vdev.dev, "VFIO open refused: the vGPU is bound to %s domain %u; unbind it first\n",
			     kv->binder->name, kv->bound_domid);
	return -EBUSY;
}

static ssize_t xen_domid_show(struct device *dev, struct device_attribute *attr,
			      char *buf)
{
	struct vmed_kvm_vgpu *kv = dev_get_drvdata(dev);
	ssize_t len;

	mutex_lock(&kv->state_lock);
	if (kv->binder)
		len = sysfs_emit(buf, "%u\n", kv->bound_domid);
	else
		len = sysfs_emit(buf, "none\n");
	mutex_unlock(&kv->state_lock);
	return len;
}

static int bind_to(struct vmed_kvm_vgpu *kv, struct vmed_kvm_binder *b,
		   u32 domid)
{
	void *data = NULL;
	int ret;

	mutex_lock(&kv->state_lock);
	if (kv->open) {
		dev_warn_ratelimited(kv->vdev.dev, "bind to %s domain %u refused: the vGPU is open through VFIO\n",
				     b->name, domid);
		ret = -EBUSY;
	} else if (kv->binder) {
		dev_warn_ratelimited(kv->vdev.dev, "bind to %s domain %u refused: already bound to domain %u\n",
				     b->name, domid, kv->bound_domid);
		ret = -EBUSY;
	} else {
		ret = b->bind(kv->vgpu, domid, &data);
		if (!ret) {
			kv->binder = b;
			kv->bind_data = data;
			kv->bound_domid = domid;
		} else {
			dev_warn_ratelimited(kv->vdev.dev, "bind to %s domain %u failed: %d\n",
					     b->name, domid, ret);
		}
	}
	mutex_unlock(&kv->state_lock);
	return ret;
}

static ssize_t xen_domid_store(struct device *dev,
			       struct device_attribute *attr, const char *buf,
			       size_t count)
{
	struct vmed_kvm_vgpu *kv = dev_get_drvdata(dev);
	struct vmed_kvm_binder *b;
	u32 domid;
	int ret;

	mutex_lock(&binders_lock);
	if (sysfs_streq(buf, "none")) {
		unbind_locked(kv);
		ret = 0;
	} else if (kstrtou32(buf, 0, &domid)) {
		ret = -EINVAL;
	} else {
		b = binder_find("xen");
		ret = b ? bind_to(kv, b, domid) : -ENODEV;
	}
	mutex_unlock(&binders_lock);
	return ret ?: count;
}
DEVICE_ATTR_RW(xen_domid);
