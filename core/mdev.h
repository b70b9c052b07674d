/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmed_mdev internals: the vmed/ attribute group of an mdev-created vGPU.
 */
#ifndef _VMED_MDEV_H
#define _VMED_MDEV_H

struct device;

void vmed_mdev_sysfs_init(void);
int vmed_mdev_sysfs_add(struct device *dev);
void vmed_mdev_sysfs_remove(struct device *dev);

#endif /* _VMED_MDEV_H */
