// SPDX-License-Identifier: GPL-2.0
/*
 * The "xen" frontend: which vGPU serves which domain.
 *
 * The core tells the shim of every published vGPU; the shim keeps a slot
 * for each (struct vmed_xen_slot) with the binding, if any, and a file in
 * the vGPU's vmed/ directory: writing a domain id to vmed/xen_domid binds
 * the vGPU to that HVM domain (bind.c sets up the ioreq server), "none"
 * unbinds, reading says which. The core's vmed_vgpu_attach() is what keeps
 * a bound vGPU from being opened through VFIO and an open one from being
 * bound; this file only decides what the operator asked for.
 *
 * Three things end a binding, in any order and concurrently: the operator
 * ("none"), the domain's death (bind.c reports it through the binding's
 * lost callback; the unbind runs from the slot's work item) and the vGPU's
 * removal (the core calls vgpu_removed, which unbinds and drops the slot).
 * The slot lock serialises them. A queued work item holds a reference on
 * the slot, and the slot one on the vGPU; the file needs none, as removing
 * it waits for a running read or write. So none of them can reach freed
 * memory or a reused pointer.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/kref.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/workqueue.h>
#include "xen.h"

/**
 * struct vmed_xen_slot - a published vGPU as this frontend sees it
 * @vgpu: the vGPU; a counted reference
 * @ref: references: the frontend's (until vgpu_removed), a queued @lost_work
 * @lock: serialises binding and unbinding; protects @xv and @domid
 * @xv: the binding, or NULL when unbound
 * @domid: the domain bound to, while @xv is set
 * @removed: the vGPU is going: nothing binds it any more
 * @lost_work: unbinds after the bound domain died
 * @attr: vmed/xen_domid
 * @has_attr: @attr was added to the vGPU's vmed/ directory
 */
struct vmed_xen_slot {
	struct vmed_vgpu *vgpu;
	struct kref ref;
	struct mutex lock;	/* the binding */
	struct vmed_xen_vgpu *xv;
	u32 domid;
	bool removed;
	struct work_struct lost_work;
	struct device_attribute attr;
	bool has_attr;
};

/* What bindings are made with; set at registration. */
static struct workqueue_struct *fe_wq;
static struct vmed_xen_hyp *fe_hyp;
static u32 fe_sbdf;
static bool fe_buffered;

static void slot_free(struct kref *ref)
{
	struct vmed_xen_slot *slot = container_of(ref, struct vmed_xen_slot,
						  ref);

	mutex_destroy(&slot->lock);
	vmed_vgpu_put(slot->vgpu);
	kfree(slot);
}

static void slot_put(struct vmed_xen_slot *slot)
{
	kref_put(&slot->ref, slot_free);
}

/* The binding's domain died; called under bind.c's bindings lock. */
static void slot_lost(void *data)
{
	struct vmed_xen_slot *slot = data;

	kref_get(&slot->ref);
	if (!queue_work(fe_wq, &slot->lost_work))
		slot_put(slot);
}

static void slot_unbind_locked(struct vmed_xen_slot *slot)
{
	lockdep_assert_held(&slot->lock);
	if (!slot->xv)
		return;
	vmed_xen_teardown(slot->xv);
	slot->xv = NULL;
}

static void lost_work_fn(struct work_struct *work)
{
	struct vmed_xen_slot *slot = container_of(work, struct vmed_xen_slot,
						  lost_work);

	mutex_lock(&slot->lock);
	/* A binding made since then serves a live domain: leave it. */
	if (slot->xv && READ_ONCE(slot->xv->gone))
		slot_unbind_locked(slot);
	mutex_unlock(&slot->lock);
	slot_put(slot);
}

static int slot_bind(struct vmed_xen_slot *slot, u32 domid)
{
	struct vmed_xen_opts opts = {
		.sbdf = fe_sbdf,
		.buffered = fe_buffered,
		.lost = slot_lost,
		.lost_data = slot,
	};
	struct vmed_xen_vgpu *xv;
	int ret = 0;

	if (domid >= DOMID_FIRST_RESERVED)
		return -EINVAL;
	mutex_lock(&slot->lock);
	if (slot->removed) {
		ret = -ENODEV;
	} else if (slot->xv) {
		pr_warn_ratelimited("%s: bind to dom %u refused: already bound to dom %u\n",
				    vmed_vgpu_name(slot->vgpu), domid,
				    slot->domid);
		ret = -EBUSY;
	} else {
		/* Logs its one line if refused, naming the vGPU and why. */
		xv = vmed_xen_setup(fe_hyp, slot->vgpu, domid, &opts);
		if (IS_ERR(xv)) {
			ret = PTR_ERR(xv);
		} else {
			slot->xv = xv;
			slot->domid = domid;
		}
	}
	mutex_unlock(&slot->lock);
	return ret;
}

static void slot_unbind(struct vmed_xen_slot *slot)
{
	mutex_lock(&slot->lock);
	slot_unbind_locked(slot);
	mutex_unlock(&slot->lock);
}

static ssize_t xen_domid_show(struct device *dev, struct device_attribute *attr,
			      char *buf)
{
	struct vmed_xen_slot *slot = container_of(attr, struct vmed_xen_slot,
						  attr);
	ssize_t len;

	mutex_lock(&slot->lock);
	if (slot->xv)
		len = sysfs_emit(buf, "%u\n", slot->domid);
	else
		len = sysfs_emit(buf, "none\n");
	mutex_unlock(&slot->lock);
	return len;
}

static ssize_t xen_domid_store(struct device *dev,
			       struct device_attribute *attr, const char *buf,
			       size_t count)
{
	struct vmed_xen_slot *slot = container_of(attr, struct vmed_xen_slot,
						  attr);
	u32 domid;
	int ret;

	if (sysfs_streq(buf, "none")) {
		slot_unbind(slot);
		return count;
	}
	if (kstrtou32(buf, 0, &domid))
		return -EINVAL;
	ret = slot_bind(slot, domid);
	return ret ?: count;
}

static int xen_vgpu_added(struct vmed_frontend *fe, struct vmed_vgpu *vgpu,
			  void **data)
{
	struct device *dev = vmed_vgpu_sysfs_dev(vgpu);
	struct vmed_xen_slot *slot;
	int ret;

	slot = kzalloc(sizeof(*slot), GFP_KERNEL);
	if (!slot)
		return -ENOMEM;
	slot->vgpu = vmed_vgpu_get(vgpu);
	kref_init(&slot->ref);
	mutex_init(&slot->lock);
	INIT_WORK(&slot->lost_work, lost_work_fn);
	if (dev) {
		sysfs_attr_init(&slot->attr.attr);
		slot->attr.attr.name = "xen_domid";
		slot->attr.attr.mode = 0644;
		slot->attr.show = xen_domid_show;
		slot->attr.store = xen_domid_store;
		ret = sysfs_add_file_to_group(&dev->kobj, &slot->attr.attr,
					      VMED_SYSFS_GROUP);
		if (ret) {
			slot_put(slot);
			return ret;
		}
		slot->has_attr = true;
	}
	*data = slot;
	return 0;
}

static void xen_vgpu_removed(struct vmed_frontend *fe, struct vmed_vgpu *vgpu,
			     void *data)
{
	struct vmed_xen_slot *slot = data;

	/* Waits for a running read or write of the file. */
	if (slot->has_attr)
		sysfs_remove_file_from_group(&vmed_vgpu_sysfs_dev(vgpu)->kobj,
					     &slot->attr.attr,
					     VMED_SYSFS_GROUP);
	mutex_lock(&slot->lock);
	slot->removed = true;
	if (slot->xv)
		pr_info("%s: removed while bound to dom %u: the domain loses it\n",
			vmed_vgpu_name(vgpu), slot->domid);
	slot_unbind_locked(slot);
	mutex_unlock(&slot->lock);
	if (cancel_work_sync(&slot->lost_work))
		slot_put(slot);
	slot_put(slot);
}

struct vmed_frontend vmed_xen_frontend = {
	.name = "xen",
	.held_state = "bound",
	.vgpu_added = xen_vgpu_added,
	.vgpu_removed = xen_vgpu_removed,
};

/**
 * vmed_xen_frontend_register() - offer vGPUs to Xen domains
 * @hyp: the hypervisor calls bindings use (real Xen, or a fake in tests)
 * @sbdf: the guest PCI address a bound vGPU appears at
 * @buffered: ask Xen for a buffered ioreq ring
 *
 * Return: 0 or the core's error.
 */
int vmed_xen_frontend_register(struct vmed_xen_hyp *hyp, u32 sbdf,
			       bool buffered)
{
	int ret;

	/* Ordered: unbinds after deaths are rare, and tests can hold them. */
	fe_wq = alloc_ordered_workqueue("vmed_xen_unbind", 0);
	if (!fe_wq)
		return -ENOMEM;
	fe_hyp = hyp;
	fe_sbdf = sbdf;
	fe_buffered = buffered;
	ret = vmed_frontend_register(&vmed_xen_frontend);
	if (ret)
		destroy_workqueue(fe_wq);
	return ret;
}

/**
 * vmed_xen_frontend_unregister() - unbind every vGPU and stop offering them
 */
void vmed_xen_frontend_unregister(void)
{
	vmed_frontend_unregister(&vmed_xen_frontend);
	/* Every slot's work was cancelled with the slot. */
	destroy_workqueue(fe_wq);
}

/**
 * vmed_xen_frontend_flush() - wait for unbinds queued after domain deaths
 */
void vmed_xen_frontend_flush(void)
{
	flush_workqueue(fe_wq);
}

/* Only the KUnit suite needs to hold the queue. */
#if IS_ENABLED(CONFIG_VMED_KUNIT_TEST)
/**
 * vmed_xen_frontend_queue() - queue @work before later unbinds (tests)
 * @work: run on the ordered queue of the unbinds after domain deaths
 */
void vmed_xen_frontend_queue(struct work_struct *work)
{
	queue_work(fe_wq, work);
}
#endif

/**
 * vmed_xen_bind() - bind a vGPU to a domain, as writing vmed/xen_domid does
 * @vgpu: a vGPU the frontend was told of
 * @domid: the HVM domain
 *
 * Return: 0; -ENODEV if the frontend does not offer the vGPU (or it is
 * being removed), -EBUSY if it is bound or another frontend holds it,
 * -EINVAL for a reserved domain id, or Xen's refusal.
 */
int vmed_xen_bind(struct vmed_vgpu *vgpu, u32 domid)
{
	struct vmed_xen_slot *slot = vmed_vgpu_frontend_data(vgpu,
							     &vmed_xen_frontend);

	return slot ? slot_bind(slot, domid) : -ENODEV;
}

/**
 * vmed_xen_unbind() - unbind a vGPU, as writing "none" does
 * @vgpu: a vGPU the frontend was told of
 *
 * Return: 0, or -ENODEV if the frontend does not offer the vGPU.
 */
int vmed_xen_unbind(struct vmed_vgpu *vgpu)
{
	struct vmed_xen_slot *slot = vmed_vgpu_frontend_data(vgpu,
							     &vmed_xen_frontend);

	if (!slot)
		return -ENODEV;
	slot_unbind(slot);
	return 0;
}
