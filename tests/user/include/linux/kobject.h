/* SPDX-License-Identifier: GPL-2.0 */
/* No udev in userspace: uevents are counted, nothing else. */
#ifndef _VMED_USER_LINUX_KOBJECT_H
#define _VMED_USER_LINUX_KOBJECT_H

struct kobject {
	unsigned long uevents;
};

enum kobject_action {
	KOBJ_CHANGE,
};

static inline int kobject_uevent(struct kobject *kobj,
				 enum kobject_action action)
{
	kobj->uevents++;
	return 0;
}

#endif /* _VMED_USER_LINUX_KOBJECT_H */
