// SPDX-License-Identifier: GPL-2.0
/*
 * nvidia-stub: a software GPU device MODEL for vmed. It is not NVIDIA
 * hardware and does not follow any NVIDIA register manual; it borrows the
 * shape (channels, GPFIFO, pushbuffer methods, a copy engine, stall and
 * non-stall interrupts) to exercise the vmed core with a device that differs
 * from the Intel one in every descriptor: PCI identity, BAR layout, page
 * table format, register and interrupt layout.
 *
 * PCI: 10de:0f5b (a made-up device ID), class 0x030200 (3D controller),
 * MSI capability at 0x68. BAR0 (16 MiB) holds the registers in its first
 * 1 MiB and, at 0x800000, the aperture page table (APT): a flat table of
 * 8-byte entries, entry i mapping graphics memory page i (the vmed "GGTT";
 * 128 MiB mappable + 384 MiB hidden). BAR2 (256 MiB, prefetchable) is the
 * VRAM window of the model; accesses to it are rejected.
 *
 * Page-table entries (APT and channel tables): bit 0 valid, bit 1 write
 * enable, bit 2 volatile (kept), bit 3 big page (channel tables only),
 * bits 39:8 frame number. A channel's address space is 1 GiB: a page
 * directory (512 entries of 2 MiB; with the big-page bit an entry maps
 * 2 MiB directly) over page tables (512 entries of 4 KiB; with the
 * big-page bit an entry at an index aligned to 16 maps 64 KiB, and the
 * device ignores the 15 entries after it). Write access needs the
 * write-enable bit at both levels.
 *
 * Registers: NVS_BOOT0 (0x0, RO), NVS_ERR_COUNT (0x4, RO: failed GPFIFO
 * entries and refused channel operations of this vGPU, since creation),
 * interrupt master 0x100 (bit 31 enable, bit 0 stall group pending, bit 1
 * non-stall group pending), stall group ISR/IMR/IIR/IER at 0x110 (bit 0
 * COPY_DONE, bit 1 ERROR), non-stall group at 0x120 (bit 0 NONSTALL);
 * IMR resets to all ones (masked), IER to 0.
 * Channel c (vGPU type: 1, 2 or 4 channels) at 0x2000 + 0x40 * c:
 *   +0x00 GPFIFO_BASE (64-bit) graphics memory address of the ring, which
 *         is read through the APT (so it lives in the vGPU's slice)
 *   +0x08 GPFIFO_ENTRIES  ring size: a power of two, 1..1024
 *   +0x0c GP_GET (RO)     next entry the engine reads; 0 after binding
 *   +0x10 GP_PUT          one past the last entry the guest wrote
 *   +0x14 CTRL            bit 0 enable: setting it binds the channel
 *                         (shadows the tables at PDB); clearing unbinds
 *   +0x18 PDB (64-bit)    guest physical address of the page directory;
 *                         changing it unbinds the channel (CTRL reads 0)
 *   +0x20 DOORBELL        any write: consume GP_GET..GP_PUT
 *   +0x24 ERROR (W1C)     error bits seen (NVS_ERR_* in nvstub.h)
 *   +0x28 ERR_ENTRY (RO)  GPFIFO index of the last failure
 *
 * GPFIFO entry (8 bytes, little endian): bits 39:0 GPU VA of a pushbuffer
 * segment (dword aligned), bits 61:40 its length in dwords (at most 4096),
 * bits 63:62 reserved (0). A segment is a stream of methods: a header
 * dword (method in bits 7:0, number of data dwords in bits 15:8, other bits
 * 0) followed by its data: NOP (0), SET_SRC (2: VA low/high), SET_DST (2),
 * SET_LENGTH (1: bytes, at most 16 MiB), LAUNCH_COPY (0), SEMAPHORE_ADDRESS
 * (2), SEMAPHORE_RELEASE (1: writes the 32-bit payload at the semaphore
 * address), NONSTALL_INTERRUPT (0: raises NONSTALL). Method state does not
 * carry from one segment to the next.
 *
 * Execution: a doorbell queues the entries from where the last doorbell
 * stopped (GP_GET when nothing is in flight) up to GP_PUT on the device's
 * copy engine and returns; the engine runs them later, in the core's
 * scheduler (core/sched.c), so GP_GET reads behind GP_PUT until they are
 * done. The doorbell copies each entry's segment (the guest may change it
 * afterwards) and checks its methods; the engine checks every address an
 * entry touches before running any of it.
 *
 * Errors: an unknown method, a wrong data count, missing state, a length
 * out of bounds or an address that is unmapped (or read-only for a write)
 * fails the entry: nothing of it executes, its error bit is set in ERROR,
 * ERR_ENTRY names it, NVS_ERR_COUNT counts it, ERROR is raised, one
 * rate-limited line is logged, and GP_GET moves past it. Pages taken away
 * while the entry runs stop it where the fault is, with the same report.
 * An entry that runs past the device's watchdog (vmed/watchdog_ms of the
 * parent) fails with NVS_ERR_TIMEOUT, and so do the entries queued behind
 * it. GP_PUT or GP_GET outside the ring (ERR_PUT) and a doorbell on an
 * unbound channel (ERR_DISABLED) queue nothing. Writes to a frame holding a
 * shadowed page table fail like writes to a read-only page. A doorbell
 * queues at most the whole ring, 64 in flight per vGPU, and 64 MiB of
 * copies (failed entries are charged what their methods named); an entry
 * beyond that waits for the next doorbell. Unbinding a channel (or binding
 * it again) drops what it had queued.
 * COPY_DONE is raised once per doorbell that executed a copy, when its
 * last entry completes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include "nvstub.h"

static int nvs_vgpu_init(struct vmed_vgpu *vgpu)
{
	struct nvs_vgpu *nv;

	nv = kzalloc(sizeof(*nv), GFP_KERNEL_ACCOUNT);
	if (!nv)
		return -ENOMEM;
	nv->bounce = kmalloc(PAGE_SIZE, GFP_KERNEL_ACCOUNT);
	if (!nv->bounce) {
		kfree(nv);
		return -ENOMEM;
	}
	vmed_vgpu_set_vendor_data(vgpu, nv);
	return 0;
}

static void nvs_vgpu_fini(struct vmed_vgpu *vgpu)
{
	struct nvs_vgpu *nv = nvs_vgpu(vgpu);

	kfree(nv->bounce);
	kfree(nv);
	vmed_vgpu_set_vendor_data(vgpu, NULL);
}

/*
 * Reset, detach, destroy and a failing vGPU all come here, after the core
 * dropped the queued entries: the channels forget them and let go of their
 * address spaces, so the core can tear the shadows down.
 */
static void nvs_engine_reset(struct vmed_vgpu *vgpu)
{
	unsigned int c;

	if (!nvs_vgpu(vgpu))
		return;
	for (c = 0; c < NVS_MAX_CHANNELS; c++)
		vmed_nvs_channel_reset(vgpu, c);
}

/* A software engine: the APT lives only in the core's host copy. */
static void nvs_ggtt_update(struct vmed_device *dev, u32 index, u64 host_pte)
{
}

const struct vmed_vendor_ops vmed_nvs_ops = {
	.vgpu_init = nvs_vgpu_init,
	.vgpu_fini = nvs_vgpu_fini,
	.ggtt_update = nvs_ggtt_update,
	.engine_reset = nvs_engine_reset,
	.wl_step = vmed_nvs_wl_step,
	.wl_complete = vmed_nvs_wl_complete,
};

static struct platform_device *nvs_pdev;
static struct vmed_device *nvs_dev;

/* As in vmed_i915: a software device bound to a driver named after us. */
static int __init nvs_probe(struct platform_device *pdev)
{
	int ret;

	/*
	 * Page-table entries hold frame numbers in bits 39:8, so the model
	 * addresses 44 bits: DMA addresses above that could not be encoded.
	 */
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(44));
	if (ret)
		return ret;
	nvs_dev = vmed_device_register(&vmed_nvs_vendor, &pdev->dev,
				       "vmed_nvstub");
	return PTR_ERR_OR_ZERO(nvs_dev);
}

static void nvs_remove(struct platform_device *pdev)
{
	vmed_device_unregister(nvs_dev);
}

static struct platform_driver nvs_driver = {
	.driver.name = "vmed_nvstub",
	.remove = nvs_remove,
};

static int __init nvs_init(void)
{
	nvs_pdev = platform_create_bundle(&nvs_driver, nvs_probe, NULL, 0,
					  NULL, 0);
	if (IS_ERR(nvs_pdev)) {
		pr_err("cannot register the software device: %ld\n",
		       PTR_ERR(nvs_pdev));
		return PTR_ERR(nvs_pdev);
	}
	return 0;
}

static void __exit nvs_exit(void)
{
	platform_device_unregister(nvs_pdev);
	platform_driver_unregister(&nvs_driver);
}

module_init(nvs_init);
module_exit(nvs_exit);
MODULE_DESCRIPTION("vmed vendor backend: nvidia-stub software device model");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(VMED);
MODULE_SOFTDEP("post: vmed_mdev");
