// SPDX-License-Identifier: GPL-2.0
/*
 * vmed_i915: module entry, per-vGPU state and the vendor ops.
 *
 * There is no hardware behind this backend: the engine is software, so the
 * module creates a software physical device (a platform device bound to
 * this module's driver) and hands the core the Gen9 description from regs.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include "i915.h"

static int i915_vgpu_init(struct vmed_vgpu *vgpu)
{
	struct i915_vgpu *iv;

	iv = kzalloc(sizeof(*iv), GFP_KERNEL_ACCOUNT);
	if (!iv)
		return -ENOMEM;
	/* The scanner's room: a workload then takes only what it needs. */
	iv->scan = kvmalloc(struct_size(iv->scan, cmd, I915_CMD_BUF_DWORDS),
			    GFP_KERNEL_ACCOUNT);
	iv->bounce = (void *)__get_free_page(GFP_KERNEL_ACCOUNT);
	if (!iv->scan || !iv->bounce) {
		free_page((unsigned long)iv->bounce);
		kvfree(iv->scan);
		kfree(iv);
		return -ENOMEM;
	}
	vmed_vgpu_set_vendor_data(vgpu, iv);
	return 0;
}

static void i915_vgpu_fini(struct vmed_vgpu *vgpu)
{
	struct i915_vgpu *iv;

	iv = i915_of(vgpu);
	vmed_vgpu_set_vendor_data(vgpu, NULL);
	if (!iv)
		return;
	/* Detach (before fini) already released the announced PPGTTs. */
	WARN_ON_ONCE(iv->nr_ppgtt);
	free_page((unsigned long)iv->bounce);
	kvfree(iv->scan);
	kfree(iv);
}

const struct vmed_vendor_ops vmed_i915_ops = {
	.vgpu_init = i915_vgpu_init,
	.vgpu_fini = i915_vgpu_fini,
	.engine_reset = vmed_i915_engine_reset,
	.wl_step = vmed_i915_wl_step,
	.wl_complete = vmed_i915_wl_complete,
	.bar_rw = vmed_i915_bar_rw,
};

static struct platform_device *i915_pdev;
static struct vmed_device *i915_dev;

/*
 * A software device bound to a driver of this module's name, as a real GPU
 * is bound to its PCI driver: shims name the vGPU types after the driver
 * ("vmed_i915-8"), and the device can DMA-map pages for the core's shadow
 * tables and scratch page.
 */
static int __init i915_probe(struct platform_device *pdev)
{
	int ret;

	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		return ret;
	i915_dev = vmed_device_register(&vmed_i915_vendor, &pdev->dev,
					"vmed_i915");
	return PTR_ERR_OR_ZERO(i915_dev);
}

static void i915_remove(struct platform_device *pdev)
{
	vmed_device_unregister(i915_dev);
}

static struct platform_driver i915_driver = {
	.driver.name = "vmed_i915",
	.remove = i915_remove,
};

static int __init vmed_i915_init(void)
{
	i915_pdev = platform_create_bundle(&i915_driver, i915_probe, NULL, 0,
					   NULL, 0);
	if (IS_ERR(i915_pdev)) {
		pr_err("cannot register the software device: %ld\n",
		       PTR_ERR(i915_pdev));
		return PTR_ERR(i915_pdev);
	}
	return 0;
}

static void __exit vmed_i915_exit(void)
{
	platform_device_unregister(i915_pdev);
	platform_driver_unregister(&i915_driver);
}

module_init(vmed_i915_init);
module_exit(vmed_i915_exit);

MODULE_DESCRIPTION("vmed vendor backend: Gen9-class Intel vGPU with a software render engine");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(VMED);
MODULE_SOFTDEP("post: vmed_mdev");
