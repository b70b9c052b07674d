// SPDX-License-Identifier: GPL-2.0
/*
 * vmed_guest: the guest half of vmed's end-to-end tests.
 *
 * A test guest loads this module; it binds to a vmed vGPU (vmed_i915 or
 * vmed_nvstub, exposed to the guest through VFIO) and drives it the way a
 * real driver would, from PCI bring-up to submitted work checked byte for
 * byte. Every check prints one line on the console, which is all the
 * harness outside the guest gets to see:
 *
 *   vmed_guest: PASS <vendor>: <case>
 *   vmed_guest: FAIL <vendor>: <case> (<detail>)
 *   vmed_guest: DONE <vendor> passed=<n> failed=<m>
 *
 * Probe does the PCI work itself (a device that cannot be mapped or get an
 * MSI has nothing more to test, and probe then fails like any driver's);
 * the vendor sequence runs from a work item so that loading the module
 * does not wait for a slow nested-emulation run. Remove waits for that work,
 * stops the device using guest memory, then undoes probe.
 *
 * The register constants in i915.c and nvstub.c are the guest's own reading
 * of the vendors' documentation, not the host's headers: a guest module is
 * built without the host tree, and a second reading of the specification
 * is what notices a model that differs from its documentation.
 */
#define pr_fmt(fmt) "vmed_guest: " fmt

#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "guest.h"

static bool hostile;
module_param(hostile, bool, 0444);
MODULE_PARM_DESC(hostile,
		 "Instead of the functional tests, point GGTT/APT and page-table entries beyond guest RAM and check the device hands back no host data");

static unsigned int soak_ms;
module_param(soak_ms, uint, 0444);
MODULE_PARM_DESC(soak_ms,
		 "After the functional tests, keep submitting small workloads for this long, in ms (default 0), so a test can kill the VM mid-workload");

static unsigned int hog_ms;
module_param(hog_ms, uint, 0444);
MODULE_PARM_DESC(hog_ms,
		 "After the functional tests, keep the engine saturated with long workloads for this long, in ms (default 0): the noisy neighbour of a scheduling test");

static unsigned int timeout_ms = 10000;
module_param(timeout_ms, uint, 0444);
MODULE_PARM_DESC(timeout_ms,
		 "How long to wait for the device each time, in ms (default 10000: nested emulation is slow)");

/**
 * vg_check() - report one check
 * @vg: the device
 * @ok: the check's outcome
 * @what: the case, as printed
 * @fmt: printf format of the detail printed on failure
 *
 * Return: @ok.
 */
bool vg_check(struct vg_dev *vg, bool ok, const char *what,
	      const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	if (ok) {
		vg->passed++;
		pr_info("PASS %s: %s\n", vg->vendor->name, what);
		return true;
	}
	vg->failed++;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_info("FAIL %s: %s (%pV)\n", vg->vendor->name, what, &vaf);
	va_end(args);
	return false;
}

/**
 * vg_irq_arm() - forget the events seen so far, before submitting work
 * @vg: the device
 */
void vg_irq_arm(struct vg_dev *vg)
{
	spin_lock_irq(&vg->irq_lock);
	vg->irq_seen = 0;
	reinit_completion(&vg->irq_done);
	spin_unlock_irq(&vg->irq_lock);
}

/**
 * vg_irq_wait() - wait until the handler has seen every event in @want
 * @vg: the device
 * @want: events (vendor encoding)
 *
 * Gives up after the timeout_ms module parameter.
 *
 * Return: the events seen since vg_irq_arm(); the caller compares.
 */
u32 vg_irq_wait(struct vg_dev *vg, u32 want)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(vg->timeout_ms);
	long left;
	u32 seen;

	for (;;) {
		spin_lock_irq(&vg->irq_lock);
		seen = vg->irq_seen;
		spin_unlock_irq(&vg->irq_lock);
		left = (long)(deadline - jiffies);
		if ((seen & want) == want || left <= 0)
			return seen;
		/* Each event completes once: loop until all have come. */
		wait_for_completion_timeout(&vg->irq_done, left);
	}
}

/**
 * vg_first_diff() - where two buffers first differ
 * @got: what the device produced
 * @want: what it should have produced
 * @len: bytes
 *
 * Return: the offset of the first differing byte, or -1 if none.
 */
long vg_first_diff(const void *got, const void *want, size_t len)
{
	const u8 *a = got, *b = want;
	size_t i;

	for (i = 0; i < len; i++)
		if (a[i] != b[i])
			return i;
	return -1;
}

/**
 * vg_first_not() - where a buffer first holds something other than @byte
 * @got: the buffer
 * @byte: the value every byte should have
 * @len: bytes
 *
 * Return: the offset of the first other byte, or -1 if none.
 */
long vg_first_not(const void *got, u8 byte, size_t len)
{
	const u8 *p = memchr_inv(got, byte, len);

	return p ? p - (const u8 *)got : -1;
}

static irqreturn_t vg_interrupt(int irq, void *data)
{
	struct vg_dev *vg = data;
	u32 events = vg->vendor->irq_ack(vg);

	if (!events)
		return IRQ_NONE;
	spin_lock(&vg->irq_lock);
	vg->irq_seen |= events;
	vg->irq_count++;
	complete(&vg->irq_done);
	spin_unlock(&vg->irq_lock);
	return IRQ_HANDLED;
}

static void vg_done(struct vg_dev *vg)
{
	pr_info("DONE %s passed=%u failed=%u\n", vg->vendor->name, vg->passed,
		vg->failed);
}

/* Workloads back to back until soak_ms has passed (or one goes wrong). */
static void vg_soak(struct vg_dev *vg)
{
	unsigned long end = jiffies + msecs_to_jiffies(soak_ms);
	u32 n = 0;
	bool ok = true;

	pr_info("soak %s: submitting for %u ms\n", vg->vendor->name, soak_ms);
	while (ok && time_before(jiffies, end)) {
		ok = vg->vendor->soak(vg, 0x50a50000 + n);
		n++;
		/* Completions arrive at once: without a pause this never sleeps. */
		usleep_range(1000, 2000);
	}
	vg_check(vg, ok, "soak workloads", "workload %u of the soak failed", n);
}

/*
 * Long workloads back to back until hog_ms has passed. Each must still
 * complete: the scheduler shares the engine, it does not stop a guest
 * that only uses it a lot.
 */
static void vg_hog(struct vg_dev *vg)
{
	unsigned long end = jiffies + msecs_to_jiffies(hog_ms);
	unsigned int n = 0, bad = 0;

	pr_info("hog %s: saturating the engine for %u ms\n", vg->vendor->name,
		hog_ms);
	while (time_before(jiffies, end)) {
		if (!vg->vendor->hog(vg, 0x40900000 + n))
			bad++;
		n++;
		if (!(n % 8))
			pr_info("hog %s: %u workloads\n", vg->vendor->name, n);
	}
	vg_check(vg, n && !bad, "hog workloads",
		 "%u of %u long workloads did not complete", bad, n);
}

static void vg_work(struct work_struct *work)
{
	struct vg_dev *vg = container_of(work, struct vg_dev, work);

	vg->vendor->run(vg);
	if (soak_ms && !vg->failed && !vg->hostile)
		vg_soak(vg);
	if (hog_ms && !vg->failed && !vg->hostile)
		vg_hog(vg);
	vg_done(vg);
}

/* Config space as the guest sees it, against what the model documents. */
static void vg_check_ids(struct vg_dev *vg, const struct pci_device_id *id)
{
	struct pci_dev *pdev = vg->pdev;
	u16 vendor = 0, device = 0;
	u32 class = 0;

	pci_read_config_word(pdev, PCI_VENDOR_ID, &vendor);
	pci_read_config_word(pdev, PCI_DEVICE_ID, &device);
	pci_read_config_dword(pdev, PCI_CLASS_REVISION, &class);
	class >>= 8;
	vg_check(vg, vendor == id->vendor && device == id->device &&
		 class == vg->vendor->class, "PCI IDs",
		 "config space says %04x:%04x class %06x, expected %04x:%04x class %06x",
		 vendor, device, class, id->vendor, id->device,
		 vg->vendor->class);
}

static int vg_map(struct vg_dev *vg)
{
	struct pci_dev *pdev = vg->pdev;
	int ret;

	ret = pci_enable_device(pdev);
	if (ret) {
		vg_check(vg, false, "probe/BAR0 map", "pci_enable_device: %d", ret);
		return ret;
	}
	ret = pci_request_regions(pdev, KBUILD_MODNAME);
	if (ret) {
		vg_check(vg, false, "probe/BAR0 map", "pci_request_regions: %d", ret);
		goto err_disable;
	}
	pci_set_master(pdev);
	/* The device can reach what its page-table entries can encode. */
	ret = dma_set_mask_and_coherent(&pdev->dev,
					DMA_BIT_MASK(vg->vendor->dma_bits));
	if (ret) {
		vg_check(vg, false, "probe/BAR0 map", "DMA mask of %u bits: %d",
			 vg->vendor->dma_bits, ret);
		goto err_release;
	}
	/* Registers and the GGTT/APT both live in BAR0: map all 16 MiB. */
	if (!(pci_resource_flags(pdev, 0) & IORESOURCE_MEM) ||
	    pci_resource_len(pdev, 0) < SZ_16M) {
		vg_check(vg, false, "probe/BAR0 map", "BAR0 is %pR, expected 16 MiB of memory",
			 &pdev->resource[0]);
		ret = -ENODEV;
		goto err_release;
	}
	vg->mmio = pci_iomap(pdev, 0, 0);
	if (!vg->mmio) {
		vg_check(vg, false, "probe/BAR0 map", "pci_iomap failed");
		ret = -ENOMEM;
		goto err_release;
	}
	vg_check(vg, true, "probe/BAR0 map", "mapped");
	return 0;

err_release:
	pci_clear_master(pdev);
	pci_release_regions(pdev);
err_disable:
	pci_disable_device(pdev);
	return ret;
}

static void vg_unmap(struct vg_dev *vg)
{
	pci_iounmap(vg->pdev, vg->mmio);
	pci_clear_master(vg->pdev);
	pci_release_regions(vg->pdev);
	pci_disable_device(vg->pdev);
}

static int vg_setup_msi(struct vg_dev *vg)
{
	struct pci_dev *pdev = vg->pdev;
	u16 flags = 0;
	int ret;

	ret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI);
	if (ret < 0) {
		vg_check(vg, false, "MSI enabled", "pci_alloc_irq_vectors: %d", ret);
		return ret;
	}
	ret = request_irq(pci_irq_vector(pdev, 0), vg_interrupt, 0,
			  KBUILD_MODNAME, vg);
	if (ret) {
		vg_check(vg, false, "MSI enabled", "request_irq: %d", ret);
		pci_free_irq_vectors(pdev);
		return ret;
	}
	vg->irq = pci_irq_vector(pdev, 0);
	if (pdev->msi_cap)
		pci_read_config_word(pdev, pdev->msi_cap + PCI_MSI_FLAGS, &flags);
	vg_check(vg, pdev->msi_enabled && pdev->msi_cap == vg->vendor->msi_cap &&
		 (flags & PCI_MSI_FLAGS_ENABLE), "MSI enabled",
		 "msi_enabled %u, capability at %#x (expected %#x), flags %#x",
		 pdev->msi_enabled, pdev->msi_cap, vg->vendor->msi_cap, flags);
	return 0;
}

static void vg_teardown_msi(struct vg_dev *vg)
{
	free_irq(vg->irq, vg);
	pci_free_irq_vectors(vg->pdev);
}

static int vg_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	const struct vg_vendor *vendor = (const void *)id->driver_data;
	struct vg_dev *vg;
	int ret;

	vg = kzalloc(sizeof(*vg), GFP_KERNEL);
	if (!vg)
		return -ENOMEM;
	vg->priv = kzalloc(vendor->state_size, GFP_KERNEL);
	if (!vg->priv) {
		kfree(vg);
		return -ENOMEM;
	}
	vg->pdev = pdev;
	vg->vendor = vendor;
	vg->irq = -1;
	vg->hostile = hostile;
	vg->timeout_ms = timeout_ms;
	spin_lock_init(&vg->irq_lock);
	init_completion(&vg->irq_done);
	INIT_WORK(&vg->work, vg_work);

	ret = vg_map(vg);
	if (ret)
		goto err_free;
	vg_check_ids(vg, id);
	ret = vg_setup_msi(vg);
	if (ret)
		goto err_unmap;
	vg->mem = dma_alloc_coherent(&pdev->dev, vendor->pages * VG_PAGE,
				     &vg->mem_dma, GFP_KERNEL);
	if (!vg->mem) {
		vg_check(vg, false, "DMA memory", "dma_alloc_coherent of %u pages failed",
			 vendor->pages);
		ret = -ENOMEM;
		goto err_msi;
	}
	pci_set_drvdata(pdev, vg);
	/* Long-running: a whole test sequence under nested emulation. */
	queue_work(system_long_wq, &vg->work);
	return 0;

err_msi:
	vg_teardown_msi(vg);
err_unmap:
	vg_unmap(vg);
err_free:
	vg_done(vg);
	kfree(vg->priv);
	kfree(vg);
	return ret;
}

static void vg_remove(struct pci_dev *pdev)
{
	struct vg_dev *vg = pci_get_drvdata(pdev);

	cancel_work_sync(&vg->work);
	/* The device must let go of guest memory before it is freed. */
	vg->vendor->quiesce(vg);
	vg_teardown_msi(vg);
	dma_free_coherent(&pdev->dev, vg->vendor->pages * VG_PAGE, vg->mem,
			  vg->mem_dma);
	vg_unmap(vg);
	kfree(vg->priv);
	kfree(vg);
}

static const struct pci_device_id vg_ids[] = {
	{ PCI_DEVICE(0x8086, 0x1912), .driver_data = (kernel_ulong_t)&vg_i915 },
	{ PCI_DEVICE(0x10de, 0x0f5b), .driver_data = (kernel_ulong_t)&vg_nvstub },
	{ }
};
MODULE_DEVICE_TABLE(pci, vg_ids);

static struct pci_driver vg_driver = {
	.name = KBUILD_MODNAME,
	.id_table = vg_ids,
	.probe = vg_probe,
	.remove = vg_remove,
};
module_pci_driver(vg_driver);

MODULE_DESCRIPTION("vmed end-to-end test driver for vmed vGPUs (guest side)");
MODULE_LICENSE("GPL");
