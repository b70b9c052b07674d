// SPDX-License-Identifier: GPL-2.0
/*
 * vmed_kvm: vmed vGPUs for KVM guests, as VFIO devices.
 *
 * See kvm.h for the object model and locking. Loading the module registers
 * the "vfio" frontend with the core: every vGPU created through mdev
 * (vmed_mdev) gets a VFIO device. Unloading withdraws them (waiting for
 * VMMs to close them) and checks that no guest page is left pinned.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include "kvm.h"

atomic_long_t vmed_kvm_pinned_total = ATOMIC_LONG_INIT(0);
atomic_long_t vmed_kvm_mapped_total = ATOMIC_LONG_INIT(0);

struct vmed_frontend vmed_kvm_frontend = {
	.name = "vfio",
	.held_state = "open",
	.vgpu_added = vmed_kvm_vgpu_added,
	.vgpu_removed = vmed_kvm_vgpu_removed,
};

static int __init vmed_kvm_init(void)
{
	return vmed_frontend_register(&vmed_kvm_frontend);
}

static void __exit vmed_kvm_exit(void)
{
	long pinned, mapped;

	vmed_frontend_unregister(&vmed_kvm_frontend);
	pinned = atomic_long_read(&vmed_kvm_pinned_total);
	mapped = atomic_long_read(&vmed_kvm_mapped_total);
	if (pinned || mapped)
		pr_err("unloaded with %ld guest pages pinned, %ld DMA mappings left\n",
		       pinned, mapped);
	else
		pr_info("unloaded, 0 guest pages pinned, 0 DMA mappings\n");
}

module_init(vmed_kvm_init);
module_exit(vmed_kvm_exit);

MODULE_DESCRIPTION("vmed KVM/VFIO shim: vGPUs as VFIO devices for KVM guests");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(VMED);
MODULE_SOFTDEP("pre: vfio_iommu_type1");
