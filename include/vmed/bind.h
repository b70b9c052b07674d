/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Binding mdev-created vGPUs to guests of other hypervisors.
 *
 * vmed_kvm creates every vGPU as a mediated device, for VFIO users and for
 * everyone else: a shim for a hypervisor whose guests do not reach devices
 * through VFIO (vmed_xen) registers a binder, and the operator binds a vGPU
 * to one of its guests through the vGPU's sysfs (vmed/xen_domid). A bound
 * vGPU refuses VFIO opens, and an open one refuses binding.
 */
#ifndef _VMED_BIND_H
#define _VMED_BIND_H

#include <linux/list.h>
#include <linux/types.h>

struct vmed_vgpu;

/**
 * struct vmed_kvm_binder - a hypervisor shim that binds vGPUs to its guests
 * @name: the hypervisor, as logs name it ("xen")
 * @bind: attach @vgpu to guest @domid (vmed_vgpu_attach() with the shim's
 *	ops and whatever the hypervisor needs). May store the shim's state for
 *	this binding in @data. Called in process context, without the vGPU
 *	lock; may sleep. Returns 0, or a negative errno and the vGPU stays
 *	unbound.
 * @unbind: undo @bind, also after the guest died; must not fail. When it
 *	returns, the vGPU is detached and the shim holds nothing of the guest.
 * @node: vmed_kvm's link
 */
struct vmed_kvm_binder {
	const char *name;
	int (*bind)(struct vmed_vgpu *vgpu, u32 domid, void **data);
	void (*unbind)(struct vmed_vgpu *vgpu, void *data);
	struct list_head node;
};

int vmed_kvm_register_binder(struct vmed_kvm_binder *b);
void vmed_kvm_unregister_binder(struct vmed_kvm_binder *b);
void vmed_kvm_unbind_async(struct vmed_vgpu *vgpu);

#endif /* _VMED_BIND_H */
