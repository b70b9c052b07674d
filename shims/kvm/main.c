// SPDX-License-Identifier: GPL-2.0
/*
 * vmed_kvm: vmed vGPUs for KVM guests, as VFIO mediated devices.
 *
 * See kvm.h for the object model and locking. Loading the module offers
 * every vmed device's vGPU types under /sys/class/mdev_bus/<device>/;
 * unloading removes every vGPU (waiting for VMMs to close them) and checks
 * that no guest page is left pinned.
 */
#include <linux/module.h>
#include "kvm.h"

atomic_long_t vmed_kvm_pinned_total = ATOMIC_LONG_INIT(0);
atomic_long_t vmed_kvm_mapped_total = ATOMIC_LONG_INIT(0);

static int __init vmed_kvm_init(void)
{
	vmed_kvm_sysfs_init();
	return vmed_kvm_parents_init();
}

static void __exit vmed_kvm_exit(void)
{
	long pinned, mapped;

	vmed_kvm_parents_exit();
	pinned = atomic_long_read(&vmed_kvm_pinned_total);
	mapped = atomic_long_read(&vmed_kvm_mapped_total);
	if (pinned || mapped)
		pr_err("vmed_kvm: unloaded with %ld guest pages pinned, %ld DMA mappings left\n",
		       pinned, mapped);
	else
		pr_info("vmed_kvm: unloaded, 0 guest pages pinned, 0 DMA mappings\n");
}

module_init(vmed_kvm_init);
module_exit(vmed_kvm_exit);

MODULE_DESCRIPTION("vmed KVM/VFIO shim: vGPUs as mediated devices");
MODULE_LICENSE("GPL");
MODULE_SOFTDEP("pre: vfio_iommu_type1");
