// SPDX-License-Identifier: GPL-2.0
/*
 * mdev parents and types: every vmed physical device becomes an mdev parent
 * whose types are the vendor's vGPU types, so operators create vGPUs the
 * way they do for any mediated device (sysfs "create", mdevctl, libvirt).
 *
 * The core tells us of devices through a listener; the vendor's driver owns
 * the device, we only hang the mdev parent off it. Creating an mdev creates
 * the vmed vGPU and its VFIO device; removing it (or the device going away)
 * destroys both, waiting for the VFIO device to be closed first.
 */
#include <linux/list.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/vfio.h>
#include "kvm.h"

/* Parents by device; changed only from listener callbacks (registry lock). */
static LIST_HEAD(parents);

static struct vmed_kvm_type *to_kvm_type(struct mdev_type *mtype)
{
	return container_of(mtype, struct vmed_kvm_type, type);
}

static unsigned int vmed_kvm_get_available(struct mdev_type *mtype)
{
	struct vmed_kvm_type *t = to_kvm_type(mtype);

	return vmed_type_available(t->parent->dev, t->index);
}

static ssize_t vmed_kvm_show_description(struct mdev_type *mtype, char *buf)
{
	struct vmed_kvm_type *t = to_kvm_type(mtype);
	const struct vmed_vgpu_type *vt = &t->parent->dev->vendor->types[t->index];

	return sysfs_emit(buf, "%s\n", vt->description ?: vt->name);
}

static int vmed_kvm_probe(struct mdev_device *mdev)
{
	struct vmed_kvm_vgpu *kv;
	int ret;

	kv = vfio_alloc_device(vmed_kvm_vgpu, vdev, &mdev->dev,
			       &vmed_kvm_vfio_ops);
	if (IS_ERR(kv))
		return PTR_ERR(kv);
	ret = vfio_register_emulated_iommu_dev(&kv->vdev);
	if (ret) {
		vfio_put_device(&kv->vdev);
		return ret;
	}
	dev_set_drvdata(&mdev->dev, kv);
	return 0;
}

static void vmed_kvm_remove(struct mdev_device *mdev)
{
	struct vmed_kvm_vgpu *kv = dev_get_drvdata(&mdev->dev);

	/* Waits for the VMM to close the device (asking it through req). */
	vfio_unregister_group_dev(&kv->vdev);
	vfio_put_device(&kv->vdev);
}

static struct mdev_driver vmed_kvm_mdev_driver = {
	.device_api = VFIO_DEVICE_API_PCI_STRING,
	.driver = {
		.name = "vmed_kvm",
		.owner = THIS_MODULE,
		.mod_name = KBUILD_MODNAME,
		.dev_groups = vmed_kvm_vgpu_groups,
	},
	.probe = vmed_kvm_probe,
	.remove = vmed_kvm_remove,
	.get_available = vmed_kvm_get_available,
	.show_description = vmed_kvm_show_description,
};

static void parent_free(struct vmed_kvm_parent *p)
{
	unsigned int i;

	for (i = 0; p->types && i < p->dev->vendor->nr_types; i++)
		kfree(p->types[i].type.pretty_name);
	kfree(p->type_ptrs);
	kfree(p->types);
	kfree(p);
}

static int parent_add(struct vmed_device_listener *l, struct vmed_device *dev)
{
	const struct vmed_vendor *vendor = dev->vendor;
	unsigned int i, n = vendor->nr_types;
	struct vmed_kvm_parent *p;
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
		struct vmed_kvm_type *t = &p->types[i];

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
	ret = mdev_register_parent(&p->mdev, dev->dma_dev, &vmed_kvm_mdev_driver,
				   p->type_ptrs, n);
	if (ret)
		goto err;
	list_add_tail(&p->node, &parents);
	dev_info(dev->dma_dev, "vmed_kvm: %u vGPU type(s) offered as mediated devices\n",
		 n);
	return 0;
err:
	parent_free(p);
	return ret;
}

static void parent_remove(struct vmed_device_listener *l,
			  struct vmed_device *dev)
{
	struct vmed_kvm_parent *p;

	list_for_each_entry(p, &parents, node) {
		if (p->dev != dev)
			continue;
		/* Removes every mdev of the parent, waiting for open ones. */
		mdev_unregister_parent(&p->mdev);
		list_del(&p->node);
		parent_free(p);
		return;
	}
}

static struct vmed_device_listener vmed_kvm_listener = {
	.name = "vmed_kvm",
	.add = parent_add,
	.remove = parent_remove,
};

/**
 * vmed_kvm_parents_init() - register the mdev driver and the device listener
 *
 * Return: 0 or a negative errno.
 */
int vmed_kvm_parents_init(void)
{
	int ret;

	ret = mdev_register_driver(&vmed_kvm_mdev_driver);
	if (ret)
		return ret;
	ret = vmed_listener_register(&vmed_kvm_listener);
	if (ret)
		mdev_unregister_driver(&vmed_kvm_mdev_driver);
	return ret;
}

/**
 * vmed_kvm_parents_exit() - remove every parent (and vGPU), then the driver
 */
void vmed_kvm_parents_exit(void)
{
	vmed_listener_unregister(&vmed_kvm_listener);
	mdev_unregister_driver(&vmed_kvm_mdev_driver);
}
