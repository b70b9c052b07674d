// SPDX-License-Identifier: GPL-2.0
/*
 * Frontends: the ways guests reach vGPUs (VFIO for KVM and other VMMs, an
 * ioreq server for Xen), and which vGPUs they are told of.
 *
 * A vGPU's lifecycle belongs to the core, not to any frontend: a creator
 * (vmed_mdev) publishes it, every registered frontend hears of it and may
 * offer it to its guests, and at most one of them holds it at a time
 * (vmed_vgpu_attach() in vgpu.c decides). Shims therefore never call each
 * other; each talks to the core alone, and a Xen dom0 needs no VFIO.
 *
 * Pairs. Each (vGPU, frontend) pair is in one of four states, kept in two
 * bits of the vGPU per frontend slot: untold; pending (a callback for the
 * pair is running); taken (vgpu_added succeeded, vgpu_removed not yet
 * called); refused (vgpu_added failed). Whoever finds a pair untold or
 * taken marks it pending, drops the lock and calls the frontend; whoever
 * finds it pending and must see it end (the vGPU's unpublish, the
 * frontend's unregister) waits for it. So each pair is added and removed
 * at most once, whichever of publish, unpublish, register and unregister
 * run concurrently, and no lock is held while a frontend works: a VFIO
 * frontend waiting for a VMM to close one vGPU holds up nothing but that
 * vGPU's removal and its own unregistration.
 *
 * Locking: fe_lock protects the frontend slots, the published list and
 * every vGPU's pair bits; it is taken inside the registry lock (a device
 * going away destroys its vGPUs) and outside the vGPU lock, and never held
 * across a frontend callback.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/device.h>
#include <linux/kobject.h>
#include <linux/mutex.h>
#include <linux/wait.h>
#include "internal.h"

static DEFINE_MUTEX(fe_lock);
static struct vmed_frontend *fe_slots[VMED_MAX_FRONTENDS];
static LIST_HEAD(published);
/* A pair stopped being pending. */
static DECLARE_WAIT_QUEUE_HEAD(fe_wait);

static bool pair_pending(struct vmed_vgpu *vgpu, unsigned int slot)
{
	return test_bit(slot, &vgpu->fe_pending);
}

/* With fe_lock held: wait until no callback runs for the pair. */
static void pair_wait_locked(struct vmed_vgpu *vgpu, unsigned int slot)
{
	lockdep_assert_held(&fe_lock);
	while (pair_pending(vgpu, slot)) {
		mutex_unlock(&fe_lock);
		wait_event(fe_wait, !pair_pending(vgpu, slot));
		mutex_lock(&fe_lock);
	}
}

static void pair_done_locked(struct vmed_vgpu *vgpu, unsigned int slot)
{
	clear_bit(slot, &vgpu->fe_pending);
	wake_up_all(&fe_wait);
}

/* Tell @fe of @vgpu; with fe_lock held (dropped around the callback). */
static void pair_add_locked(struct vmed_frontend *fe, struct vmed_vgpu *vgpu,
			    bool announce)
{
	unsigned int slot = fe->slot;
	void *data = NULL;
	int ret = 0;

	set_bit(slot, &vgpu->fe_pending);
	mutex_unlock(&fe_lock);
	if (fe->vgpu_added)
		ret = fe->vgpu_added(fe, vgpu, &data);
	if (ret)
		pr_err("%s: %s could not take the vGPU (%pe)\n", vgpu->name,
		       fe->name, ERR_PTR(ret));
	else if (announce && vgpu->sysfs_dev)
		/* Its files appeared on a device udev has seen already. */
		kobject_uevent(&vgpu->sysfs_dev->kobj, KOBJ_CHANGE);
	mutex_lock(&fe_lock);
	if (ret) {
		set_bit(slot, &vgpu->fe_refused);
	} else {
		vgpu->fe_data[slot] = data;
		set_bit(slot, &vgpu->fe_taken);
	}
	pair_done_locked(vgpu, slot);
}

/* @fe lets go of @vgpu; with fe_lock held (dropped around the callback). */
static void pair_remove_locked(struct vmed_frontend *fe,
			       struct vmed_vgpu *vgpu, bool announce)
{
	unsigned int slot = fe->slot;
	bool held;

	pair_wait_locked(vgpu, slot);
	if (!test_and_clear_bit(slot, &vgpu->fe_taken))
		return;
	set_bit(slot, &vgpu->fe_pending);
	mutex_unlock(&fe_lock);
	if (fe->vgpu_removed)
		fe->vgpu_removed(fe, vgpu, vgpu->fe_data[slot]);
	mutex_lock(&vgpu->lock);
	held = vgpu->holder == fe;
	mutex_unlock(&vgpu->lock);
	if (held) {
		/* A frontend bug, not the guest's: say so, then clean up. */
		pr_err("%s: %s did not let go of the vGPU; detached\n",
		       vgpu->name, fe->name);
		vmed_vgpu_detach(vgpu, fe);
	}
	if (announce && vgpu->sysfs_dev)
		kobject_uevent(&vgpu->sysfs_dev->kobj, KOBJ_CHANGE);
	mutex_lock(&fe_lock);
	vgpu->fe_data[slot] = NULL;
	pair_done_locked(vgpu, slot);
}

/* A published vGPU @fe has not been told of yet, or NULL. */
static struct vmed_vgpu *next_untold_locked(struct vmed_frontend *fe)
{
	struct vmed_vgpu *vgpu;
	unsigned long told;

	list_for_each_entry(vgpu, &published, fe_node) {
		told = vgpu->fe_taken | vgpu->fe_pending | vgpu->fe_refused;
		if (vgpu->published && !test_bit(fe->slot, &told))
			return vgpu;
	}
	return NULL;
}

/* A published vGPU @fe took (or is being told of), or NULL. */
static struct vmed_vgpu *next_taken_locked(struct vmed_frontend *fe)
{
	struct vmed_vgpu *vgpu;

	list_for_each_entry(vgpu, &published, fe_node)
		if (test_bit(fe->slot, &vgpu->fe_taken) ||
		    pair_pending(vgpu, fe->slot))
			return vgpu;
	return NULL;
}

/**
 * vmed_frontend_register() - offer vGPUs to guests through a new frontend
 * @fe: the frontend, with @name and @held_state set; not registered
 *
 * &vmed_frontend.vgpu_added is called for every vGPU published so far
 * before this returns, and later for every vGPU published.
 *
 * Context: process context; sleeps.
 * Return: 0, -EINVAL for an incomplete frontend, -EBUSY if it is
 * registered already or %VMED_MAX_FRONTENDS are.
 */
int vmed_frontend_register(struct vmed_frontend *fe)
{
	struct vmed_vgpu *vgpu;
	unsigned int slot;

	if (!fe->name || !fe->held_state)
		return -EINVAL;
	mutex_lock(&fe_lock);
	for (slot = 0; slot < VMED_MAX_FRONTENDS; slot++)
		if (fe_slots[slot] == fe)
			break;
	if (slot < VMED_MAX_FRONTENDS) {
		mutex_unlock(&fe_lock);
		return -EBUSY;
	}
	for (slot = 0; slot < VMED_MAX_FRONTENDS && fe_slots[slot]; slot++)
		;
	if (slot == VMED_MAX_FRONTENDS) {
		mutex_unlock(&fe_lock);
		return -EBUSY;
	}
	fe->slot = slot;
	fe->live = true;
	fe_slots[slot] = fe;
	/*
	 * Restart from the head after each callback: the list may have
	 * changed meanwhile. A vGPU published meanwhile is told by its
	 * publisher or here, whoever marks the pair first.
	 */
	while ((vgpu = next_untold_locked(fe))) {
		vmed_vgpu_get(vgpu);
		pair_add_locked(fe, vgpu, true);
		mutex_unlock(&fe_lock);
		vmed_vgpu_put(vgpu);
		mutex_lock(&fe_lock);
	}
	mutex_unlock(&fe_lock);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(vmed_frontend_register, VMED);

/**
 * vmed_frontend_unregister() - the frontend goes
 * @fe: a registered frontend
 *
 * &vmed_frontend.vgpu_removed is called for every vGPU the frontend took;
 * when this returns, the frontend holds no vGPU and is called no more.
 *
 * Context: process context; sleeps for as long as the callbacks do.
 */
void vmed_frontend_unregister(struct vmed_frontend *fe)
{
	struct vmed_vgpu *vgpu;

	mutex_lock(&fe_lock);
	if (fe->slot >= VMED_MAX_FRONTENDS || fe_slots[fe->slot] != fe) {
		mutex_unlock(&fe_lock);
		return;
	}
	fe->live = false;
	while ((vgpu = next_taken_locked(fe))) {
		vmed_vgpu_get(vgpu);
		pair_remove_locked(fe, vgpu, true);
		mutex_unlock(&fe_lock);
		vmed_vgpu_put(vgpu);
		mutex_lock(&fe_lock);
	}
	/* The slot's next owner starts from untold everywhere. */
	list_for_each_entry(vgpu, &published, fe_node)
		clear_bit(fe->slot, &vgpu->fe_refused);
	fe_slots[fe->slot] = NULL;
	fe->slot = VMED_MAX_FRONTENDS;
	mutex_unlock(&fe_lock);
}
EXPORT_SYMBOL_NS_GPL(vmed_frontend_unregister, VMED);

/**
 * vmed_vgpu_frontend_data() - what a frontend stored for a vGPU
 * @vgpu: the vGPU
 * @fe: the frontend
 *
 * For the frontend's own use, between its &vmed_frontend.vgpu_added and
 * &vmed_frontend.vgpu_removed for @vgpu (the core does not change it
 * meanwhile).
 *
 * Return: the pointer &vmed_frontend.vgpu_added stored, NULL if @fe is not
 * registered or did not take the vGPU.
 */
void *vmed_vgpu_frontend_data(struct vmed_vgpu *vgpu,
			      const struct vmed_frontend *fe)
{
	void *data = NULL;

	mutex_lock(&fe_lock);
	if (fe->slot < VMED_MAX_FRONTENDS && fe_slots[fe->slot] == fe &&
	    test_bit(fe->slot, &vgpu->fe_taken))
		data = vgpu->fe_data[fe->slot];
	mutex_unlock(&fe_lock);
	return data;
}
EXPORT_SYMBOL_NS_GPL(vmed_vgpu_frontend_data, VMED);

/**
 * vmed_vgpu_publish() - offer a new vGPU to the frontends
 * @vgpu: a vGPU from vmed_vgpu_create(), never published
 * @sysfs_dev: the device representing it in sysfs, bound to the creator's
 *	driver, with an attribute group named %VMED_SYSFS_GROUP where
 *	frontends add their files; NULL if it has none (then no frontend that
 *	needs one offers it)
 *
 * Every registered frontend's &vmed_frontend.vgpu_added is called before
 * this returns (unless a frontend registering at the same time does it). A
 * frontend that fails to take the vGPU is logged and skipped; the others
 * still offer it. Does nothing for a vGPU being destroyed.
 *
 * Context: process context; sleeps. Not with any vGPU lock held.
 */
void vmed_vgpu_publish(struct vmed_vgpu *vgpu, struct device *sysfs_dev)
{
	struct vmed_frontend *fe;
	unsigned long told;
	unsigned int slot;

	mutex_lock(&fe_lock);
	if (vgpu->published || vgpu->removed) {
		mutex_unlock(&fe_lock);
		return;
	}
	vgpu->sysfs_dev = sysfs_dev;
	vgpu->published = true;
	list_add_tail(&vgpu->fe_node, &published);
	for (slot = 0; slot < VMED_MAX_FRONTENDS; slot++) {
		fe = fe_slots[slot];
		told = vgpu->fe_taken | vgpu->fe_pending | vgpu->fe_refused;
		if (fe && fe->live && vgpu->published && !test_bit(slot, &told))
			pair_add_locked(fe, vgpu, false);
	}
	mutex_unlock(&fe_lock);
}
EXPORT_SYMBOL_NS_GPL(vmed_vgpu_publish, VMED);

/**
 * vmed_vgpu_unpublish() - withdraw a vGPU from every frontend, for good
 * @vgpu: the vGPU
 *
 * From the moment this is called no frontend can attach the vGPU
 * (vmed_vgpu_attach() fails with -ENODEV) and none is told of it; every
 * frontend that took it lets go of it (detaching it if it held it) before
 * this returns. vmed_vgpu_destroy() does this itself; a creator calls it
 * first when something the frontends use (the sysfs group) must outlive
 * them. Also for a vGPU never published: it can then never be.
 *
 * Context: process context; sleeps until the holder lets go (a VMM closing
 * its device). Not with any vGPU lock held.
 */
void vmed_vgpu_unpublish(struct vmed_vgpu *vgpu)
{
	unsigned int slot;

	mutex_lock(&fe_lock);
	mutex_lock(&vgpu->lock);
	vgpu->removed = true;
	mutex_unlock(&vgpu->lock);
	if (!vgpu->published) {
		mutex_unlock(&fe_lock);
		return;
	}
	vgpu->published = false;
	/* Stays on the list until every pair is gone: unregister sees it. */
	for (slot = 0; slot < VMED_MAX_FRONTENDS; slot++) {
		pair_wait_locked(vgpu, slot);
		if (test_bit(slot, &vgpu->fe_taken))
			pair_remove_locked(fe_slots[slot], vgpu, false);
	}
	list_del_init(&vgpu->fe_node);
	vgpu->sysfs_dev = NULL;
	mutex_unlock(&fe_lock);
}
EXPORT_SYMBOL_NS_GPL(vmed_vgpu_unpublish, VMED);
