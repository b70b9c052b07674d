// SPDX-License-Identifier: GPL-2.0
/*
 * vmed_mdev: vGPUs are created and removed through mdev, whichever
 * hypervisor's guest will use them.
 *
 * Every vmed device becomes an mdev parent whose types are the vendor's
 * vGPU types, so operators create vGPUs as for any mediated device (sysfs
 * "create", mdevctl, libvirt): /sys/class/mdev_bus/<device>/
 * mdev_supported_types/<driver>-<type>/. This module is the mdev driver of
 * those devices; it creates the vmed vGPU in probe, gives it its vmed/
 * attribute group (sysfs.c) and publishes it to the frontends, which offer
 * it to guests: vmed_kvm registers a VFIO device on the mdev device,
 * vmed_xen adds vmed/xen_domid. Neither frontend owns the vGPU: the core
 * does, and removal has both let go before the vGPU goes.
 *
 * mdev is only the creation interface here, and it needs no VFIO: a Xen
 * dom0 loads mdev.ko, vmed_mdev and vmed_xen, without vfio or vmed_kvm.
 *
 * Locking: probe and remove run under the mdev device's lock; parent_add
 * and parent_remove under the core's registry lock (they are a device
 * listener). Removing a parent removes its mdevs, each remove waiting for
 * the vGPU's holder to let go.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/list.h>
#include <linux/mdev.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/vfio.h>
#include <vmed/hv.h>
#include <vmed/vgpu.h>
#include "mdev.h"

/**
 * struct vmed_mdev_type - one vendor vGPU type as an mdev type
 * @type: the mdev type (sysfs directory "<driver>-<name>")
 * @parent: the parent it belongs to
 * @index: index in the vendor's type table
 */
struct vmed_mdev_type {
	struct mdev_type type;
	struct vmed_mdev_parent *parent;
	unsigned int index;
};

/**
 * struct vmed_mdev_parent - a vmed physical device as an mdev parent
 * @mdev: the mdev parent
 * @dev: the vmed device
 * @types: one per vendor type
 * @type_ptrs: @types as mdev_register_parent() wants them
 * @node: link in the list of parents
 * @has_sysfs: the parent device got its vmed/ group
 */
struct vmed_mdev_parent {
	struct mdev_parent mdev;
	struct vmed_device *dev;
	struct vmed_mdev_type *types;
	struct mdev_type **type_ptrs;
	struct list_head node;
	bool has_sysfs;
};

/* Parents by device; changed only from listener callbacks (registry lock). */
static LIST_HEAD(parents);
/* The list, for the parents' sysfs files (the listener ops hold more). */
static DEFINE_MUTEX(parents_lock);

/**
 * vmed_mdev_parent_device() - the vmed device an mdev parent stands for
 * @parent_dev: the parent's struct device
 *
 * Context: takes the parents lock; the answer stays valid while the
 * caller is inside one of the parent's sysfs callbacks (removing the
 * parent waits for them).
 * Return: the device, or NULL if @parent_dev is no parent of ours.
 */
struct vmed_device *vmed_mdev_parent_device(struct device *parent_dev)
{
	struct vmed_device *dev = NULL;
	struct vmed_mdev_parent *p;

	mutex_lock(&parents_lock);
	list_for_each_entry(p, &parents, node)
		if (vmed_device_dma_dev(p->dev) == parent_dev)
			dev = p->dev;
	mutex_unlock(&parents_lock);
	return dev;
}

static struct vmed_mdev_type *to_vmed_type(struct mdev_type *mtype)
{
	return container_of(mtype, struct vmed_mdev_type, type);
}

static const struct vmed_vgpu_type *vgpu_type_of(struct vmed_mdev_type *t)
{
	return &vmed_device_vendor(t->parent->dev)->types[t->index];
}

static unsigned int vmed_mdev_get_available(struct mdev_type *mtype)
{
	struct vmed_mdev_type *t = to_vmed_type(mtype);

	return vmed_type_available(t->parent->dev, t->index);
}

static ssize_t vmed_mdev_show_description(struct mdev_type *mtype, char *buf)
{
	const struct vmed_vgpu_type *vt = vgpu_type_of(to_vmed_type(mtype));

	return sysfs_emit(buf, "%s\n", vt->description ?: vt->name);
}

static int vmed_mdev_probe(struct mdev_device *mdev)
{
	struct vmed_mdev_type *t = to_vmed_type(mdev->type);
	struct vmed_vgpu *vgpu;
	char name[UUID_STRING_LEN + 1];
	int ret;

	/* Logs and traces name the vGPU by its mdev UUID. */
	snprintf(name, sizeof(name), "%pUl", &mdev->uuid);
	vgpu = vmed_vgpu_create(t->parent->dev, t->index, name);
	if (IS_ERR(vgpu)) {
		/*
		 * One line an operator can act on: the UUID being created and
		 * the type as mdev names it in sysfs (vmed_i915-8, not 8).
		 */
		pr_err_ratelimited("vGPU %s of type %s refused: %s (%pe)\n",
				   name, kobject_name(&mdev->type->kobj),
				   PTR_ERR(vgpu) == -ENOSPC ?
				   "no resources left on the device" :
				   "could not create it", vgpu);
		return PTR_ERR(vgpu);
	}
	dev_set_drvdata(&mdev->dev, vgpu);
	/* Before publishing: frontends add their files to this group. */
	ret = vmed_mdev_sysfs_add(&mdev->dev);
	if (ret) {
		pr_err_ratelimited("vGPU %s: no sysfs group (%pe)\n", name,
				   ERR_PTR(ret));
		vmed_vgpu_destroy(vgpu);
		return ret;
	}
	vmed_vgpu_publish(vgpu, &mdev->dev);
	return 0;
}

static void vmed_mdev_remove(struct mdev_device *mdev)
{
	struct vmed_vgpu *vgpu = dev_get_drvdata(&mdev->dev);

	/*
	 * The frontends let go first (a VMM is asked to close the VFIO
	 * device and waited for, a Xen guest is unbound); their files go
	 * with them, ours after, and then the vGPU.
	 */
	vmed_vgpu_unpublish(vgpu);
	vmed_mdev_sysfs_remove(&mdev->dev);
	vmed_vgpu_destroy(vgpu);
}

static struct mdev_driver vmed_mdev_driver = {
	/* What libvirt and mdevctl read: the vGPU is a PCI device to guests. */
	.device_api = VFIO_DEVICE_API_PCI_STRING,
	.driver = {
		.name = "vmed_mdev",
		.owner = THIS_MODULE,
		.mod_name = KBUILD_MODNAME,
	},
	.probe = vmed_mdev_probe,
	.remove = vmed_mdev_remove,
	.get_available = vmed_mdev_get_available,
	.show_description = vmed_mdev_show_description,
};

static void parent_free(struct vmed_mdev_parent *p)
{
	unsigned int i;

	for (i = 0; p->types && i < vmed_device_vendor(p->dev)->nr_types; i++)
		kfree(p->types[i].type.pretty_name);
	kfree(p->type_ptrs);
	kfree(p->types);
	kfree(p);
}

static int parent_add(struct vmed_device_listener *l, struct vmed_device *dev)
{
	const struct vmed_vendor *vendor = vmed_device_vendor(dev);
	struct device *parent_dev = vmed_device_dma_dev(dev);
	unsigned int i, n = vendor->nr_types;
	struct vmed_mdev_parent *p;
	int ret = -ENOMEM;

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	p->dev = dev;
	p->types = kcalloc(n, sizeof(*p->types), GFP_KERNEL);
	p->type_ptrs = kcalloc(n, sizeof(*p->type_ptrs), GFP_KERNEL);
	if (!p->types || !p->type_ptrs)
		goto err;
	for (i = 0; i < n; i++) {
		struct vmed_mdev_type *t = &p->types[i];

		t->parent = p;
		t->index = i;
		t->type.sysfs_name = vendor->types[i].name;
		t->type.pretty_name = kasprintf(GFP_KERNEL, "%s-%s",
						vendor->name,
						vendor->types[i].name);
		if (!t->type.pretty_name)
			goto err;
		p->type_ptrs[i] = &t->type;
	}
	ret = mdev_register_parent(&p->mdev, parent_dev, &vmed_mdev_driver,
				   p->type_ptrs, n);
	if (ret)
		goto err;
	mutex_lock(&parents_lock);
	list_add_tail(&p->node, &parents);
	mutex_unlock(&parents_lock);
	/* The scheduler's knobs; the parent works without them. */
	ret = vmed_mdev_parent_sysfs_add(parent_dev);
	p->has_sysfs = !ret;
	if (ret)
		dev_warn(parent_dev, "no vmed/ scheduler files (%pe)\n",
			 ERR_PTR(ret));
	dev_info(parent_dev, "%u vGPU type(s) offered as mediated devices\n", n);
	return 0;
err:
	parent_free(p);
	return ret;
}

static void parent_remove(struct vmed_device_listener *l,
			  struct vmed_device *dev)
{
	struct vmed_mdev_parent *p;

	list_for_each_entry(p, &parents, node) {
		if (p->dev != dev)
			continue;
		/* Waits for the files' readers, who look the parent up. */
		if (p->has_sysfs)
			vmed_mdev_parent_sysfs_remove(vmed_device_dma_dev(dev));
		/* Removes every mdev of the parent, waiting for holders. */
		mdev_unregister_parent(&p->mdev);
		mutex_lock(&parents_lock);
		list_del(&p->node);
		mutex_unlock(&parents_lock);
		parent_free(p);
		return;
	}
}

static struct vmed_device_listener vmed_mdev_listener = {
	.name = KBUILD_MODNAME,
	.add = parent_add,
	.remove = parent_remove,
};

static int __init vmed_mdev_init(void)
{
	int ret;

	vmed_mdev_sysfs_init();
	ret = mdev_register_driver(&vmed_mdev_driver);
	if (ret)
		return ret;
	ret = vmed_listener_register(&vmed_mdev_listener);
	if (ret)
		mdev_unregister_driver(&vmed_mdev_driver);
	return ret;
}

static void __exit vmed_mdev_exit(void)
{
	vmed_listener_unregister(&vmed_mdev_listener);
	mdev_unregister_driver(&vmed_mdev_driver);
}

module_init(vmed_mdev_init);
module_exit(vmed_mdev_exit);

MODULE_DESCRIPTION("vmed: vGPUs created and removed as mediated devices, for every frontend");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(VMED);
