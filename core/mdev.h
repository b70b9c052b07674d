/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmed_mdev internals: the vmed/ attribute groups of an mdev-created vGPU
 * and of an mdev parent.
 */
#ifndef _VMED_MDEV_H
#define _VMED_MDEV_H

struct device;
struct vmed_device;

void vmed_mdev_sysfs_init(void);
int vmed_mdev_sysfs_add(struct device *dev);
void vmed_mdev_sysfs_remove(struct device *dev);
int vmed_mdev_parent_sysfs_add(struct device *parent_dev);
void vmed_mdev_parent_sysfs_remove(struct device *parent_dev);
struct vmed_device *vmed_mdev_parent_device(struct device *parent_dev);

#endif /* _VMED_MDEV_H */
