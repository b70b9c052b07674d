/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmed object model: a physical device registered by a vendor, and the
 * vGPUs carved out of it.
 *
 * Locking: each vGPU has one mutex, vmed_vgpu.lock, that serialises
 * everything the guest can drive (config, MMIO, tracked page writes,
 * invalidations, interrupts). The physical device's mutex, vmed_device.lock,
 * protects the resource partition and the vGPU list; it is never taken while
 * a vGPU lock is held.
 */
#ifndef _VMED_VGPU_H
#define _VMED_VGPU_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/pci_regs.h>
#include <linux/types.h>
#include <linux/xarray.h>
#include <vmed/hv.h>
#include <vmed/vendor.h>

struct page;
struct device;
struct dentry;
struct vmed_spt;

/**
 * struct vmed_reg_slot - a register as the MMIO dispatcher sees it
 * @reg: the vendor's (or the core's interrupt) register description
 * @irq_group: for interrupt registers, the group index
 * @irq_kind: 0 for vendor registers, else an interrupt register kind
 *	(see core/irq.h)
 */
struct vmed_reg_slot {
	const struct vmed_mmio_reg *reg;
	u8 irq_group;
	u8 irq_kind;
};

/**
 * struct vmed_device - a physical GPU (or a vendor's software model of one)
 * @vendor: the vendor's description; must outlive the device
 * @dma_dev: device used to DMA-map shadow page tables and the scratch page
 * @name: device name used in logs and sysfs
 * @vendor_data: free for the vendor
 * @lock: protects the partition, @vgpus and @nr_vgpus
 * @vgpus: list of vGPUs, linked by &vmed_vgpu.node
 * @nr_vgpus: number of vGPUs
 * @vgpu_ids: allocator of vGPU ids
 * @gm_map: per &enum vmed_gm_kind, a bitmap of graphics memory granules in use
 * @fence_map: bitmap of fences in use
 * @ggtt_entries: number of GGTT entries of the physical device
 * @ggtt_host: the physical GGTT as programmed (one u64 per entry); a
 *	software engine reads it, real hardware also gets
 *	&vmed_vendor_ops.ggtt_update
 * @reg_pages: register lookup: one array of slot numbers (1-based, 0 = not
 *	a table register) per 4 KiB of the register window, NULL if the page
 *	has no table registers
 * @nr_reg_pages: number of entries in @reg_pages
 * @slots: register slots; vendor registers then interrupt registers
 * @nr_slots: number of entries in @slots
 * @irq_regs: the register descriptions the core adds for interrupt registers
 * @unknown_seen: one bit per dword of the register window: a guest touched
 *	it without a table entry (each such offset is logged once per device)
 * @scratch_page: the page unmapped or invalid guest frames are pointed at
 * @scratch_dma: its DMA address
 * @registry_node: link in the core's list of devices (core/registry.c)
 * @debugfs: its directory in vmed's debugfs root (or an error pointer)
 */
struct vmed_device {
	const struct vmed_vendor *vendor;
	struct device *dma_dev;
	const char *name;
	void *vendor_data;

	struct mutex lock;	/* partition and vGPU list */
	struct list_head vgpus;
	unsigned int nr_vgpus;
	struct xarray vgpu_ids;
	unsigned long *gm_map[VMED_GM_KINDS];
	unsigned long *fence_map;

	u32 ggtt_entries;
	u64 *ggtt_host;

	u16 **reg_pages;
	unsigned int nr_reg_pages;
	struct vmed_reg_slot *slots;
	unsigned int nr_slots;
	struct vmed_mmio_reg *irq_regs;
	unsigned long *unknown_seen;

	struct page *scratch_page;
	dma_addr_t scratch_dma;
	struct list_head registry_node;
	struct dentry *debugfs;
};

/**
 * struct vmed_device_listener - a hypervisor shim hearing of physical devices
 * @name: the shim's name, for logs
 * @add: a device is available (registered now, or before the listener).
 *	Called with the registry lock held: must not register or unregister
 *	devices or listeners. Returns 0 or a negative errno.
 * @remove: the device is going away: destroy every vGPU of it the shim
 *	created before returning. Same locking as @add. Must not fail. Also
 *	called for a device whose @add failed when it was registered, so it
 *	must cope with devices it never took.
 * @node: core-private link
 */
struct vmed_device_listener {
	const char *name;
	int (*add)(struct vmed_device_listener *l, struct vmed_device *dev);
	void (*remove)(struct vmed_device_listener *l, struct vmed_device *dev);
	struct list_head node;
};

int vmed_listener_register(struct vmed_device_listener *l);
void vmed_listener_unregister(struct vmed_device_listener *l);

/**
 * struct vmed_cfg - emulated PCI configuration space
 * @space: the 256 bytes of standard config space, little endian
 * @wmask: per byte, the bits a guest write may change
 * @w1cmask: per byte, the bits a guest write of 1 clears
 * @trapped: per BAR, whether its range is currently trapped
 * @trap_base: per BAR, the guest address it is trapped at
 */
struct vmed_cfg {
	u8 space[PCI_CFG_SPACE_SIZE];
	u8 wmask[PCI_CFG_SPACE_SIZE];
	u8 w1cmask[PCI_CFG_SPACE_SIZE];
	bool trapped[VMED_MAX_BARS];
	u64 trap_base[VMED_MAX_BARS];
};

/**
 * struct vmed_vregs - the virtual register file, allocated a page at a time
 * @pages: one pointer per 4 KiB of the register window, NULL until needed
 * @nr_pages: number of entries in @pages
 */
struct vmed_vregs {
	void **pages;
	unsigned int nr_pages;
};

/**
 * struct vmed_ggtt - a vGPU's view of the GGTT
 * @first: per &enum vmed_gm_kind, the first GGTT index of the vGPU's slice
 * @count: per kind, the number of entries in the slice
 * @guest: guest-written entries, slice by slice (mappable first)
 * @halves: two bits per slot: which 32-bit halves were written since the
 *	entry was last complete
 * @mapped: one bit per slot: the host entry holds a DMA reference for the
 *	frame in @guest
 * @nr_slots: total entries in the slices
 */
struct vmed_ggtt {
	u32 first[VMED_GM_KINDS];
	u32 count[VMED_GM_KINDS];
	u64 *guest;
	unsigned long *halves;
	unsigned long *mapped;
	u32 nr_slots;
};

/** VMED_DMA_BATCH - frames handed to the hypervisor in one call at most */
#define VMED_DMA_BATCH	512

/**
 * struct vmed_dma_cache - guest frame <-> DMA address translations of a vGPU
 * @by_gfn: gfn -> struct vmed_dma_entry, for frames cached one by one
 * @by_dma: DMA page number -> the same entry
 * @huge_by_gfn: gfn >> 9 -> the entry caching that 2 MiB run of frames
 *	whole (see core/dma.c); no frame is in both @by_gfn and here
 * @huge_by_dma: DMA address >> 21 -> the same entry
 * @nr_huge: number of entries in @huge_by_gfn
 * @nr_entries: frames currently mapped (each holds one hypervisor mapping)
 * @release_gfn: frames whose last reference went, awaiting one batched unmap
 * @release_dma: their DMA addresses
 * @nr_release: number of frames awaiting unmap
 * @batch_gfn: scratch space for one batched map
 * @batch_dma: scratch space for one batched map
 * @batch_entry: scratch space for one batched map
 */
struct vmed_dma_cache {
	struct xarray by_gfn;
	struct xarray by_dma;
	struct xarray huge_by_gfn;
	struct xarray huge_by_dma;
	unsigned long nr_huge;
	unsigned long nr_entries;
	u64 release_gfn[VMED_DMA_BATCH];
	dma_addr_t release_dma[VMED_DMA_BATCH];
	unsigned int nr_release;
	u64 batch_gfn[VMED_DMA_BATCH];
	dma_addr_t batch_dma[VMED_DMA_BATCH];
	struct vmed_dma_entry *batch_entry[VMED_DMA_BATCH];
};

/**
 * struct vmed_ppgtt - a vGPU's shadowed per-process page tables
 * @spts: (gfn, level) -> struct vmed_spt for guest-backed shadow tables
 * @tracked: gfn -> number of shadow tables on that frame (xa value)
 * @mms: list of struct vmed_ppgtt_mm
 * @pending: shadow tables with partially written entries
 * @track: frames being collected for one batched track_add
 * @untrack: frames awaiting one batched track_remove
 * @nr_untrack: number of entries in @untrack
 * @run_gfn: the frames of one huge page being shadowed (up to 2 MiB)
 * @run_dma: their DMA addresses
 * @nr_spts: shadow tables allocated (guest-backed and split)
 * @max_spts: limit on @nr_spts; a guest needing more fails its vGPU
 */
struct vmed_ppgtt {
	struct xarray spts;
	struct xarray tracked;
	struct list_head mms;
	struct list_head pending;
	u64 track[VMED_DMA_BATCH];
	u64 untrack[VMED_DMA_BATCH];
	u64 run_gfn[VMED_DMA_BATCH];
	dma_addr_t run_dma[VMED_DMA_BATCH];
	unsigned int nr_untrack;
	unsigned int nr_spts;
	unsigned int max_spts;
};

/**
 * struct vmed_msi - the guest's MSI programming, as the interrupt path needs it
 * @enabled: MSI enable bit of the capability
 * @addr: message address
 * @data: message data
 */
struct vmed_msi {
	bool enabled;
	u64 addr;
	u32 data;
};

/**
 * struct vmed_vgpu_stats - counters; read under the vGPU lock
 * @mmio_reads: trapped MMIO reads handled
 * @mmio_writes: trapped MMIO writes handled
 * @mmio_rejected: accesses refused (size, alignment, range)
 * @cfg_writes: config space writes
 * @ggtt_writes: GGTT entry writes
 * @ggtt_ignored: GGTT writes outside the vGPU's slices
 * @ggtt_scratch: GGTT entries pointed at scratch because the frame was bad
 * @ppgtt_scratch: PPGTT entries pointed at scratch or cleared because the
 *	guest entry was bad
 * @shadowed_tables: guest page tables shadowed, since creation
 * @tracked_writes: writes to write-tracked pages
 * @stale_writes: tracked writes to frames no longer shadowed
 * @dma_maps: frames mapped through the hypervisor
 * @dma_unmaps: frames unmapped through the hypervisor
 * @dma_invalidated: frames released by vmed_dma_invalidate()
 * @irq_events: events raised
 * @irq_masked: events dropped by IMR
 * @msi_injected: MSIs delivered
 * @msi_suppressed: interrupts not delivered because MSI was disabled or
 *	the vGPU was not attached
 * @intx_asserted: times the legacy interrupt line was raised
 * @revalidated: guest page tables re-read at submission (shims without
 *	write tracking)
 * @failures: times the vGPU entered the failed state
 * @workloads: workloads handed to vmed_vgpu_submit() on a live vGPU
 * @workload_errors: of those, the ones the sync or the engine refused
 *	(last code in &vmed_vgpu.last_workload_error)
 */
struct vmed_vgpu_stats {
	u64 mmio_reads;
	u64 mmio_writes;
	u64 mmio_rejected;
	u64 cfg_writes;
	u64 ggtt_writes;
	u64 ggtt_ignored;
	u64 ggtt_scratch;
	u64 ppgtt_scratch;
	u64 shadowed_tables;
	u64 tracked_writes;
	u64 stale_writes;
	u64 dma_maps;
	u64 dma_unmaps;
	u64 dma_invalidated;
	u64 irq_events;
	u64 irq_masked;
	u64 msi_injected;
	u64 msi_suppressed;
	u64 intx_asserted;
	u64 revalidated;
	u64 failures;
	u64 workloads;
	u64 workload_errors;
};

/**
 * struct vmed_vgpu - one virtual GPU
 * @dev: the physical device it is carved from
 * @type: its type (an entry of the vendor's type table)
 * @id: small number unique per device
 * @name: name used in logs; a shim may overwrite it (e.g. with a UUID)
 * @node: link in &vmed_device.vgpus
 * @lock: serialises all guest-driven state; see the top of this file
 * @failed: the guest made the vGPU unusable; it reads as a dead device
 *	until reset
 * @fail_reason: why, for logs and sysfs
 * @hv: hypervisor ops while attached, else NULL
 * @hv_data: the shim's state while attached
 * @vendor_data: free for the vendor
 * @gm_base: per kind, graphics memory address of the vGPU's slice
 * @gm_size: per kind, size of the slice
 * @fence_base: first fence of the vGPU's range
 * @fences: number of fences
 * @cfg: PCI config space
 * @vregs: virtual register file
 * @ggtt: GGTT slice state
 * @dma: DMA translation cache
 * @ppgtt: shadow page tables
 * @msi: MSI programming
 * @irq_asserted: the virtual interrupt line is asserted (enabled and
 *	pending), used to detect edges
 * @intx_level: the level last given to &vmed_hv_ops.set_intx
 * @stats: counters
 * @last_workload_error: what the last refused workload returned: a negative
 *	errno from the core, or the vendor engine's own error code
 * @debugfs: its directory under the device's in debugfs (or an error
 *	pointer; debugfs is best effort)
 */
struct vmed_vgpu {
	struct vmed_device *dev;
	const struct vmed_vgpu_type *type;
	unsigned int id;
	char name[48];
	struct list_head node;

	struct mutex lock;	/* all guest-driven state */
	bool failed;
	const char *fail_reason;
	const struct vmed_hv_ops *hv;
	void *hv_data;
	void *vendor_data;

	u64 gm_base[VMED_GM_KINDS];
	u64 gm_size[VMED_GM_KINDS];
	u32 fence_base;
	u32 fences;

	struct vmed_cfg cfg;
	struct vmed_vregs vregs;
	struct vmed_ggtt ggtt;
	struct vmed_dma_cache dma;
	struct vmed_ppgtt ppgtt;
	struct vmed_msi msi;
	bool irq_asserted;
	bool intx_level;
	struct vmed_vgpu_stats stats;
	int last_workload_error;
	struct dentry *debugfs;
};

/**
 * vmed_vgpu_hv_data() - the shim's state of an attached vGPU
 * @vgpu: the vGPU
 *
 * Return: the pointer passed to vmed_vgpu_attach().
 */
static inline void *vmed_vgpu_hv_data(struct vmed_vgpu *vgpu)
{
	return vgpu->hv_data;
}

struct vmed_ppgtt_mm;

int vmed_device_register(struct vmed_device *dev);
void vmed_device_unregister(struct vmed_device *dev);
unsigned int vmed_type_available(struct vmed_device *dev, unsigned int type);
struct vmed_vgpu *vmed_vgpu_create(struct vmed_device *dev, unsigned int type);
void vmed_vgpu_destroy(struct vmed_vgpu *vgpu);
void vmed_vgpu_fail(struct vmed_vgpu *vgpu, const char *reason);
int vmed_vgpu_submit(struct vmed_vgpu *vgpu, u64 desc);

u64 vmed_vreg_read(struct vmed_vgpu *vgpu, u32 offset, unsigned int size);
int vmed_vreg_write(struct vmed_vgpu *vgpu, u32 offset, unsigned int size,
		    u64 val);

void vmed_irq_raise(struct vmed_vgpu *vgpu, unsigned int event);

struct vmed_ppgtt_mm *vmed_ppgtt_get(struct vmed_vgpu *vgpu, u64 root_gpa);
void vmed_ppgtt_put(struct vmed_vgpu *vgpu, struct vmed_ppgtt_mm *mm);
dma_addr_t vmed_ppgtt_root_dma(const struct vmed_ppgtt_mm *mm);
int vmed_ppgtt_translate(struct vmed_vgpu *vgpu, struct vmed_ppgtt_mm *mm,
			 u64 gva, dma_addr_t *dma, bool *writable);

int vmed_dma_lookup(struct vmed_vgpu *vgpu, u64 gfn, dma_addr_t *dma);
int vmed_dma_to_gfn(struct vmed_vgpu *vgpu, dma_addr_t dma, u64 *gfn);

/* Device-side memory access for software engines (core/engine.c). */
int vmed_ggtt_translate(struct vmed_vgpu *vgpu, u64 gm_addr, dma_addr_t *dma);
int vmed_dma_rw(struct vmed_vgpu *vgpu, dma_addr_t dma, void *buf, size_t len,
		bool write);
int vmed_gm_rw(struct vmed_vgpu *vgpu, u64 gm_addr, void *buf, size_t len,
	       bool write);
int vmed_ppgtt_rw(struct vmed_vgpu *vgpu, struct vmed_ppgtt_mm *mm, u64 gva,
		  void *buf, size_t len, bool write);

#endif /* _VMED_VGPU_H */
