/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmed_guest: what the PCI driver (main.c) shares with the two vendor test
 * sequences (i915.c, nvstub.c).
 *
 * main.c owns the PCI device: it enables it, maps BAR0, sets up MSI and the
 * interrupt handler, allocates one coherent DMA block and runs the vendor's
 * sequence from a work item. A vendor sequence sees the device through
 * struct vg_dev: BAR0, the DMA block as numbered 4 KiB pages, interrupt
 * events its irq_ack() reported, and vg_check() to report each check.
 */
#ifndef _VMED_GUEST_H
#define _VMED_GUEST_H

#include <linux/completion.h>
#include <linux/pci.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

/* The page size of both devices' tables, whatever the guest's is. */
#define VG_PAGE		SZ_4K

/*
 * A guest physical address far beyond any test guest's RAM, yet encodable
 * in both devices' page-table entries (44 bits): hostile mode points GGTT,
 * APT and page-table entries at it.
 */
#define VG_HOSTILE_GPA	0xfff00000000ULL

struct vg_dev;

/**
 * struct vg_vendor - one vGPU model the driver knows
 * @name: vendor name in the report lines
 * @class: PCI class code (24 bits) the model reports
 * @msi_cap: config-space offset of the model's MSI capability
 * @dma_bits: how many address bits the model's page-table entries hold
 * @pages: 4 KiB pages of coherent DMA memory the sequence uses
 * @state_size: bytes of per-device state for the sequence (&vg_dev.priv)
 * @irq_ack: from the interrupt handler: acknowledge what the device raised;
 *	returns the events (vendor encoding), 0 if the interrupt was not ours
 * @run: the test sequence, in process context
 * @soak: after a successful @run, one small good workload (a marker store
 *	and an interrupt); returns whether it ran and landed
 * @hog: after a successful @run, one workload of several time slices of
 *	engine work, and its completion; returns whether it ran and landed
 * @quiesce: stop the device using guest memory before it is freed; must
 *	cope with any point @run may have stopped at, including not started
 */
struct vg_vendor {
	const char *name;
	u32 class;
	u8 msi_cap;
	unsigned int dma_bits;
	unsigned int pages;
	size_t state_size;
	u32 (*irq_ack)(struct vg_dev *vg);
	void (*run)(struct vg_dev *vg);
	bool (*soak)(struct vg_dev *vg, u32 marker);
	bool (*hog)(struct vg_dev *vg, u32 marker);
	void (*quiesce)(struct vg_dev *vg);
};

/**
 * struct vg_dev - one bound device
 * @pdev: the PCI device
 * @vendor: its model
 * @mmio: BAR0
 * @irq: Linux interrupt number of the MSI vector, -1 before request_irq()
 * @irq_lock: protects @irq_seen and @irq_count against the handler
 * @irq_seen: events acknowledged since vg_irq_arm()
 * @irq_count: interrupts handled since probe
 * @irq_done: completed by the handler on every event
 * @mem: the coherent DMA block (kernel address)
 * @mem_dma: its DMA address, what the device is given
 * @hostile: run the hostile sequence instead of the functional one
 * @timeout_ms: how long to wait for the device each time
 * @passed: checks that passed
 * @failed: checks that failed
 * @work: runs the vendor sequence
 * @priv: the vendor sequence's state, @vendor->state_size bytes
 */
struct vg_dev {
	struct pci_dev *pdev;
	const struct vg_vendor *vendor;
	void __iomem *mmio;
	int irq;
	spinlock_t irq_lock;	/* the handler against vg_irq_arm/wait() */
	u32 irq_seen;
	unsigned int irq_count;
	struct completion irq_done;
	void *mem;
	dma_addr_t mem_dma;
	bool hostile;
	unsigned int timeout_ms;
	unsigned int passed;
	unsigned int failed;
	struct work_struct work;
	void *priv;
};

extern const struct vg_vendor vg_i915;
extern const struct vg_vendor vg_nvstub;

static inline void *vg_page(struct vg_dev *vg, unsigned int page)
{
	return vg->mem + page * VG_PAGE;
}

static inline dma_addr_t vg_page_dma(struct vg_dev *vg, unsigned int page)
{
	return vg->mem_dma + page * VG_PAGE;
}

__printf(4, 5)
bool vg_check(struct vg_dev *vg, bool ok, const char *what,
	      const char *fmt, ...);
void vg_irq_arm(struct vg_dev *vg);
u32 vg_irq_wait(struct vg_dev *vg, u32 want);
long vg_first_diff(const void *got, const void *want, size_t len);
long vg_first_not(const void *got, u8 byte, size_t len);

#endif /* _VMED_GUEST_H */
