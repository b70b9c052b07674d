/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The core's objects: physical devices, vGPUs and everything they hold.
 * Shims and vendors see neither structure's contents; they go through the
 * functions of include/vmed/.
 *
 * Locking, outermost first:
 *   registry_lock (registry.c): the device and listener lists
 *   fe_lock (frontend.c): the frontend slots, the published vGPUs and
 *	which frontend took which; never held across a frontend callback
 *   vmed_device.lock: the partition and the device's vGPU list
 *   vmed_vgpu.lock: everything a guest can drive: config, MMIO, tracked
 *	page writes, invalidations, interrupts, and which frontend holds the
 *	vGPU. Hypervisor and vendor ops are called with it held (see their
 *	kernel-doc); a frontend's callbacks never are.
 *   vmed_engine.lock (sched.c): an engine's run list, the vGPUs' queues
 *	on it and the workload it runs; a spinlock, taken inside a vGPU lock
 *	and never around one
 * vmed_device.lock is never taken while a vGPU lock is held.
 */
#ifndef _VMED_CORE_STATE_H
#define _VMED_CORE_STATE_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/pci_regs.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <vmed/hv.h>
#include <vmed/sched.h>
#include <vmed/vendor.h>
#include <vmed/vgpu.h>

struct page;
struct device;
struct dentry;
struct vmed_spt;

/* Longest failure reason kept, with its NUL. */
#define VMED_REASON_LEN		64

/* Slots of each of a DMA cache's two lookup memos (a power of two) */
#define VMED_DMA_HOT		64

/* Frontends registered at once, at most (one bit each in fe_taken). */
#define VMED_MAX_FRONTENDS	8

/**
 * struct vmed_reg_slot - a register as the MMIO dispatcher sees it
 * @reg: the vendor's (or the core's interrupt) register description
 * @irq_group: for interrupt registers, the group index
 * @irq_kind: 0 for vendor registers, else an interrupt register kind
 *	(&enum vmed_irq_reg_kind)
 * @plain: a vendor register without flags, read-only bits or hooks: a
 *	guest write stores its bytes and does nothing else
 */
struct vmed_reg_slot {
	const struct vmed_mmio_reg *reg;
	u8 irq_group;
	u8 irq_kind;
	bool plain;
};

/**
 * struct vmed_workload - one unit of work queued on an engine (sched.c)
 * @node: link in its vGPU's queue on the engine
 * @vgpu: the vGPU it belongs to
 * @engine: index of the engine
 * @runtime_ns: engine time it has had
 * @cancelled: dropped while the engine worker held it; the worker frees it
 *	without running anything more
 * @data: the vendor's part (vmed_workload_data()), zeroed at allocation
 */
struct vmed_workload {
	struct list_head node;
	struct vmed_vgpu *vgpu;
	unsigned int engine;
	u64 runtime_ns;
	bool cancelled;
	u8 data[] __aligned(8);
};

/**
 * struct vmed_sched_entity - a vGPU as one engine's scheduler sees it
 * @vgpu: the vGPU
 * @queue: its queued workloads, oldest first; the head is the one that
 *	runs (or is running)
 * @run_node: link in &vmed_engine.runnable while @queue is not empty
 * @nr_queued: entries in @queue
 * @vruntime: engine time used, scaled by the inverse of the weight: the
 *	best-effort policy runs the smallest
 * @period: the fixed-share period @period_used belongs to
 * @period_used: engine time used in that period (ns), including what it
 *	ran over its share in the period before
 */
struct vmed_sched_entity {
	struct vmed_vgpu *vgpu;
	struct list_head queue;
	struct list_head run_node;
	unsigned int nr_queued;
	u64 vruntime;
	u64 period;
	u64 period_used;
};

/**
 * struct vmed_engine - one physical engine and its scheduler (sched.c)
 * @dev: the device
 * @index: the engine's number
 * @lock: protects @runnable, every vGPU's entity on this engine,
 *	@running and the policy state below
 * @runnable: entities with queued work
 * @running: the workload the worker has taken, NULL between slices
 * @min_vruntime: the vruntime of the last entity picked (the least of the
 *	runnable ones then), never decreasing: an entity that becomes
 *	runnable starts half a slice before it, so that it runs next without
 *	banking its idle time
 * @period: number of the current fixed-share period
 * @period_start: when it began (ns)
 * @work: the worker; runs on the system's unbound workqueue
 * @idle: woken when @running is released
 * @decisions: slices handed out
 */
struct vmed_engine {
	struct vmed_device *dev;
	unsigned int index;
	spinlock_t lock;	/* run list, queues, running */
	struct list_head runnable;
	struct vmed_workload *running;
	u64 min_vruntime;
	u64 period;
	u64 period_start;
	struct delayed_work work;
	wait_queue_head_t idle;
	u64 decisions;
};

/**
 * struct vmed_device - a physical GPU (or a vendor's software model of one)
 * @vendor: the vendor's description; must outlive the device
 * @dma_dev: device used to DMA-map shadow page tables and the scratch page
 * @name: device name used in logs and sysfs
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
 * @slots: register slots; vendor registers, bank registers, then
 *	interrupt registers
 * @nr_slots: number of entries in @slots
 * @reg_copies: the register descriptions the core places itself, at their
 *	absolute offsets: each bank's copy of the vendor's bank registers and
 *	one per register of a run (&vmed_mmio_reg.count)
 * @irq_regs: the register descriptions the core adds for interrupt registers
 * @unknown_seen: one bit per dword of the register window: a guest touched
 *	it without a table entry (each such offset is logged once per device)
 * @scratch_page: what GGTT entries of no vGPU point at (each vGPU has its own)
 * @scratch_dma: its DMA address
 * @registry_node: link in the core's list of devices (core/registry.c)
 * @debugfs: its directory in vmed's debugfs root (or an error pointer)
 * @engines: the engines workloads are queued on (sched.c)
 * @policy: how they are shared (&enum vmed_sched_policy)
 * @timeslice_ns: engine time a vGPU gets before another may run
 * @watchdog_ns: engine time after which a workload is stopped
 * @total_weight: sum of the weights of the device's vGPUs (fixed share)
 *
 * Allocated by vmed_device_register(), freed by vmed_device_unregister().
 */
struct vmed_device {
	const struct vmed_vendor *vendor;
	struct device *dma_dev;
	const char *name;

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
	struct vmed_mmio_reg *reg_copies;
	struct vmed_mmio_reg *irq_regs;
	unsigned long *unknown_seen;

	struct page *scratch_page;
	dma_addr_t scratch_dma;
	struct list_head registry_node;
	struct dentry *debugfs;

	struct vmed_engine engines[VMED_MAX_ENGINES];
	enum vmed_sched_policy policy;
	u64 timeslice_ns;
	u64 watchdog_ns;
	u32 total_weight;
};

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

/**
 * struct vmed_dma_memo - a lookup the DMA cache remembers
 * @key: the gfn, or DMA page number, looked up
 * @entry: the entry found, or NULL for an empty slot
 */
struct vmed_dma_memo {
	u64 key;
	struct vmed_dma_entry *entry;
};

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
 * @hot_gfn: entries last found by gfn, one slot per gfn modulo
 *	%VMED_DMA_HOT; every entry leaving the index leaves these too
 * @hot_dma: entries last found by DMA page number, likewise
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
	struct vmed_dma_memo hot_gfn[VMED_DMA_HOT];
	struct vmed_dma_memo hot_dma[VMED_DMA_HOT];
};

/**
 * struct vmed_ppgtt - a vGPU's shadowed per-process page tables
 * @fmt: the vendor's page-table format
 * @spts: (gfn, level) -> struct vmed_spt for guest-backed shadow tables
 * @tracked: gfn -> number of shadow tables on that frame (xa value)
 * @lost: frames of @tracked the hypervisor stopped tracking on its own (a
 *	KVM memslot went away): re-read before each submission, tracked
 *	again when possible, never untracked
 * @mms: list of struct vmed_ppgtt_mm
 * @pending: shadow tables with partially written entries
 * @tables: every shadow table in @spts, for walks that free none
 * @track: frames being collected for one batched track_add
 * @untrack: frames awaiting one batched track_remove
 * @nr_untrack: number of entries in @untrack
 * @run_gfn: the frames of one huge page being shadowed (up to 2 MiB)
 * @run_dma: their DMA addresses
 * @nr_spts: shadow tables allocated (guest-backed and split)
 * @max_spts: limit on @nr_spts; a guest needing more fails its vGPU
 * @written_gfn: the frame whose shadow tables @written lists, if
 *	@written_known; forgotten when a table on it enters or leaves @spts
 * @written: those tables, lowest level first
 * @nr_written: how many
 * @written_known: @written is current
 */
struct vmed_ppgtt {
	const struct vmed_pte_format *fmt;
	struct xarray spts;
	struct xarray tracked;
	struct xarray lost;
	struct list_head mms;
	struct list_head pending;
	struct list_head tables;
	u64 track[VMED_DMA_BATCH];
	u64 untrack[VMED_DMA_BATCH];
	u64 run_gfn[VMED_DMA_BATCH];
	dma_addr_t run_dma[VMED_DMA_BATCH];
	unsigned int nr_untrack;
	unsigned int nr_spts;
	unsigned int max_spts;
	u64 written_gfn;
	struct vmed_spt *written[VMED_MAX_PT_LEVELS];
	unsigned int nr_written;
	bool written_known;
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
 * struct vmed_vgpu - one virtual GPU
 * @dev: the physical device it is carved from
 * @type: its type (an entry of the vendor's type table)
 * @id: small number unique per device
 * @name: name used in logs (the creator's, e.g. an mdev UUID, or
 *	"<device>:<id>")
 * @node: link in &vmed_device.vgpus
 * @ref: references; the memory goes with the last (vmed_vgpu_put())
 * @sysfs_dev: the device representing the vGPU in sysfs, from
 *	vmed_vgpu_publish(); NULL while unpublished
 * @published: frontends are told of the vGPU (from vmed_vgpu_publish() until
 *	vmed_vgpu_unpublish())
 * @removed: vmed_vgpu_unpublish() has begun; nothing may attach any more
 * @fe_node: link in the core's list of published vGPUs (core/frontend.c)
 * @fe_taken: bit per frontend slot: that frontend took the vGPU
 * @fe_pending: bit per frontend slot: a callback of that frontend for this
 *	vGPU is running
 * @fe_refused: bit per frontend slot: that frontend failed to take it
 * @fe_data: per frontend slot, what its &vmed_frontend.vgpu_added stored
 * @lock: serialises all guest-driven state; see the top of this file
 * @failed: the guest made the vGPU unusable; it reads as a dead device
 *	until reset
 * @fail_reason: why, for logs and sysfs; a copy, as the reason may come
 *	from a shim that is unloaded before the vGPU is reset
 * @in_submit: the vendor's engine is running a step of a workload
 *	(sched.c)
 * @reset_pending: the vGPU failed during that workload; its engine is
 *	reset when the workload returns
 * @holder: the frontend attached, else NULL
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
 * @scratch_page: where this vGPU's bad or withdrawn entries point: its own,
 *	so nothing one vGPU's device writes there reaches another
 * @scratch_dma: its DMA address
 * @dma: DMA translation cache
 * @ppgtt: shadow page tables
 * @msi: MSI programming
 * @irq_groups_pending: bit per interrupt group whose IIR and IER share a
 *	set bit (irq.c)
 * @irq_asserted: the virtual interrupt line is asserted (enabled and
 *	pending), used to detect edges
 * @intx_level: the level last given to &vmed_hv_ops.set_intx
 * @stats: counters
 * @last_workload_error: the negative errno of the last refused workload
 * @debugfs: its directory under the device's in debugfs (or an error
 *	pointer; debugfs is best effort)
 * @sched: per engine, its queue and scheduling state (under the engine's
 *	lock)
 * @weight: scheduling weight, 1 to %VMED_SCHED_WEIGHT_MAX (device lock)
 */
struct vmed_vgpu {
	struct vmed_device *dev;
	const struct vmed_vgpu_type *type;
	unsigned int id;
	char name[48];
	struct list_head node;
	struct kref ref;
	struct device *sysfs_dev;
	bool published;
	bool removed;
	struct list_head fe_node;
	unsigned long fe_taken;
	unsigned long fe_pending;
	unsigned long fe_refused;
	void *fe_data[VMED_MAX_FRONTENDS];

	struct mutex lock;	/* all guest-driven state */
	bool failed;
	char fail_reason[VMED_REASON_LEN];
	bool in_submit;
	bool reset_pending;
	const struct vmed_frontend *holder;
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
	struct page *scratch_page;
	dma_addr_t scratch_dma;
	struct vmed_dma_cache dma;
	struct vmed_ppgtt ppgtt;
	struct vmed_msi msi;
	u8 irq_groups_pending;
	bool irq_asserted;
	bool intx_level;
	struct vmed_vgpu_stats stats;
	int last_workload_error;
	struct dentry *debugfs;
	struct vmed_sched_entity sched[VMED_MAX_ENGINES];
	unsigned int weight;
};

#endif /* _VMED_CORE_STATE_H */
