/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmed vendor interface: what a GPU vendor backend describes and provides.
 *
 * A vendor describes its device mostly as data: PCI identity and BARs,
 * where the GGTT sits, page-table formats, its register table and its
 * interrupt map. The core interprets the data on the hot paths, so that no
 * indirect call is made per page-table entry or per plain register access.
 * The few things that need vendor code (an engine, a handful of register
 * side effects) are function pointers in struct vmed_vendor_ops.
 */
#ifndef _VMED_VENDOR_H
#define _VMED_VENDOR_H

#include <linux/bits.h>
#include <linux/types.h>

struct vmed_vgpu;
struct vmed_device;
struct vmed_workload;

#define VMED_MAX_BARS		3	/* BAR0, BAR2, BAR4 (all 64-bit memory) */
#define VMED_MAX_PT_LEVELS	4
#define VMED_MAX_IRQ_GROUPS	8
#define VMED_MAX_CFG_FIELDS	4
#define VMED_MAX_REG_BANKS	8

/**
 * struct vmed_bar_desc - one memory BAR of the virtual device
 * @size: size in bytes, a power of two of at least 4 KiB; 0 if absent
 * @is_64bit: the BAR takes two config dwords (64-bit memory BAR)
 * @prefetchable: the prefetchable bit in the BAR
 */
struct vmed_bar_desc {
	u64 size;
	bool is_64bit;
	bool prefetchable;
};

/**
 * struct vmed_cfg_field - a device-specific register in config space
 * @offset: its config offset: past the standard header, below 0x100,
 *	aligned to @size and clear of the MSI capability
 * @size: 1, 2 or 4 bytes; 0 marks an unused slot
 * @value: what the guest reads; guest writes are ignored
 *
 * For what a device's own driver reads there, such as the graphics control
 * word of an Intel GPU that gives the size of its GGTT.
 */
struct vmed_cfg_field {
	u8 offset;
	u8 size;
	u32 value;
};

/**
 * struct vmed_pci_desc - PCI identity and config layout of the virtual device
 * @vendor: PCI vendor ID
 * @device: PCI device ID
 * @subsystem_vendor: PCI subsystem vendor ID
 * @subsystem_device: PCI subsystem ID
 * @revision: revision ID
 * @class_code: 24-bit class code (base class, sub class, programming interface)
 * @bars: memory BARs; index i describes config BAR slot 2*i (BAR0, BAR2, BAR4)
 * @rom_size: expansion ROM size (power of two), 0 for no ROM
 * @msi_cap_offset: config offset of the MSI capability (64-bit, one vector);
 *	must be dword aligned, in 0x40..0xf0
 * @fields: read-only device-specific registers, see &struct vmed_cfg_field
 */
struct vmed_pci_desc {
	u16 vendor;
	u16 device;
	u16 subsystem_vendor;
	u16 subsystem_device;
	u8 revision;
	u32 class_code;
	struct vmed_bar_desc bars[VMED_MAX_BARS];
	u32 rom_size;
	u8 msi_cap_offset;
	struct vmed_cfg_field fields[VMED_MAX_CFG_FIELDS];
};

/**
 * struct vmed_pt_level - one level of a page-table format
 * @shift: log2 of the address span one entry of this level covers
 *	(12 for a 4 KiB PTE, 21 for a PDE covering 2 MiB, ...)
 * @bits: number of index bits this level resolves; a table of this level
 *	has 1 << @bits entries
 * @leaf_mask: bits which, when set in an entry of this level, make it map a
 *	page of 1 << @shift bytes directly (a huge page); 0 if this level has
 *	no huge pages. Ignored at level 0, whose entries always map pages.
 * @big_mask: level 0 only: bits which make an entry map a "big" page of
 *	1 << @big_shift bytes (e.g. 64 KiB). Such an entry sits at an index
 *	aligned to the number of 4 KiB pages it covers, and the device ignores
 *	the entries it covers after it. 0 if the format has none.
 * @big_shift: level 0 only: log2 of the big page size, at most 16
 */
struct vmed_pt_level {
	u8 shift;
	u8 bits;
	u64 leaf_mask;
	u64 big_mask;
	u8 big_shift;
};

/** VMED_MAX_BIG_FRAMES - 4 KiB frames one big page may cover at most */
#define VMED_MAX_BIG_FRAMES	16

/**
 * struct vmed_pte_format - a GPU page-table entry format, described as data
 * @entry_size: bytes per entry: 4 or 8
 * @levels: number of levels, 1 (a flat table such as a GGTT) to
 *	%VMED_MAX_PT_LEVELS
 * @level: per level, index 0 being the leaf level (the one holding PTEs)
 *	and index @levels - 1 the root
 * @present_mask: bits that must all be set for an entry to be present
 * @writable_mask: bits granting write access (kept from the guest entry)
 * @addr_mask: bits of the entry holding the (shifted) frame address
 * @addr_shift: the frame address is (entry & @addr_mask) << @addr_shift
 * @keep_mask: attribute bits copied from the guest entry into the shadow
 *	entry (cache attributes, ...); present, writable and address bits are
 *	always rebuilt by the core and need not be listed
 *
 * Tables of every level must fit in one 4 KiB page
 * ((1 << bits) * entry_size <= 4096) and be naturally aligned in guest
 * memory; the core checks both when the format is registered.
 */
struct vmed_pte_format {
	u8 entry_size;
	u8 levels;
	struct vmed_pt_level level[VMED_MAX_PT_LEVELS];
	u64 present_mask;
	u64 writable_mask;
	u64 addr_mask;
	u8 addr_shift;
	u64 keep_mask;
};

/**
 * enum vmed_reg_flags - how the core treats writes to a register
 * @VMED_REG_RO: the register is read-only; guest writes are dropped
 * @VMED_REG_W1C: writing 1 to a bit clears it (status registers)
 * @VMED_REG_MASKED: the upper 16 bits of a write select which of the lower
 *	16 bits change ("masked" or "mode" registers); the upper half reads 0
 */
enum vmed_reg_flags {
	VMED_REG_RO = 1 << 0,
	VMED_REG_W1C = 1 << 1,
	VMED_REG_MASKED = 1 << 2,
};

/**
 * struct vmed_mmio_reg - one entry of a vendor's register table
 * @offset: offset in the register BAR; aligned to @size
 * @size: 4 or 8
 * @flags: a combination of &enum vmed_reg_flags
 * @count: how many registers the entry describes: @count registers, @size
 *	bytes apart from @offset, alike in all but their offset (an array, a
 *	table of cache attributes). 0 and 1 both mean one. Hooks see each
 *	register's own offset.
 * @ro_mask: bits a guest write cannot change (applied after @flags)
 * @reset: value after vGPU creation and reset
 * @read: optional; produces the value of the whole register for a guest
 *	read (the core returns the bytes the access covers and stores
 *	nothing). May read the virtual register file.
 * @write: optional; called after the core has computed and stored the new
 *	value (@flags and @ro_mask applied) with the old and new value of the
 *	whole register, also when the access covered half of it. May queue
 *	work (vmed_workload_queue()). A negative return fails the vGPU; the new
 *	value stays stored.
 *
 * Registers not in the table are backed by the virtual register file: reads
 * return the last value written (initially 0).
 *
 * The hooks run for guest accesses (vmed_mmio_read(), vmed_mmio_write()) to
 * a vGPU that has not failed, in process context with the vGPU lock held,
 * and may sleep. A qword access spanning two registers reaches each
 * register's hook separately.
 */
struct vmed_mmio_reg {
	u32 offset;
	u8 size;
	u8 flags;
	u16 count;
	u64 ro_mask;
	u64 reset;
	u64 (*read)(struct vmed_vgpu *vgpu, const struct vmed_mmio_reg *reg);
	int (*write)(struct vmed_vgpu *vgpu, const struct vmed_mmio_reg *reg,
		     u64 old, u64 val);
};

/**
 * struct vmed_irq_group - one interrupt register group
 * @isr: offset of the status register (live level, read-only to the guest)
 * @imr: offset of the mask register; a set bit stops the event latching
 * @iir: offset of the identity register; latched events, write 1 to clear
 * @ier: offset of the enable register; a latched and enabled event asserts
 *	the group's bit in the master register
 * @master_bit: bit of the master register this group drives
 */
struct vmed_irq_group {
	u32 isr;
	u32 imr;
	u32 iir;
	u32 ier;
	u8 master_bit;
};

/**
 * struct vmed_irq_event - where one vendor event lands
 * @group: index into &vmed_irq_map.groups
 * @bit: bit in that group's registers
 */
struct vmed_irq_event {
	u8 group;
	u8 bit;
};

/**
 * struct vmed_irq_map - interrupt topology: event -> group bit -> master bit
 * @master: offset of the master interrupt register
 * @master_enable: the guest-writable enable bit(s) of the master register;
 *	the remaining bits report which groups have pending interrupts
 * @nr_groups: number of entries in @groups, at most %VMED_MAX_IRQ_GROUPS
 * @groups: the register groups
 * @nr_events: number of entries in @events
 * @events: indexed by the vendor's event number
 */
struct vmed_irq_map {
	u32 master;
	u32 master_enable;
	unsigned int nr_groups;
	const struct vmed_irq_group *groups;
	unsigned int nr_events;
	const struct vmed_irq_event *events;
};

/**
 * enum vmed_gm_kind - kinds of graphics memory (GGTT address space)
 * @VMED_GM_MAPPABLE: reachable through the CPU aperture
 * @VMED_GM_HIDDEN: GGTT space outside the aperture
 * @VMED_GM_KINDS: number of kinds
 */
enum vmed_gm_kind {
	VMED_GM_MAPPABLE,
	VMED_GM_HIDDEN,
	VMED_GM_KINDS,
};

/**
 * struct vmed_vgpu_type - a vGPU type: the slice of the physical device
 *	one vGPU of this type gets
 * @name: short name, unique per device ("1", "small", ...); used in sysfs
 * @description: one human-readable line
 * @gm_size: graphics memory per kind, in bytes; multiples of
 *	%VMED_GM_GRANULE
 * @fences: number of fence-like resources (fence registers, channels)
 * @weight: the scheduling weight of a new vGPU of this type, 1 to
 *	%VMED_SCHED_WEIGHT_MAX (include/vmed/sched.h); 0 for
 *	%VMED_SCHED_WEIGHT_DEFAULT
 */
struct vmed_vgpu_type {
	const char *name;
	const char *description;
	u64 gm_size[VMED_GM_KINDS];
	u32 fences;
	u32 weight;
};

/** VMED_GM_GRANULE - unit in which graphics memory is partitioned */
#define VMED_GM_GRANULE		BIT_ULL(20)

/**
 * struct vmed_vendor_ops - code a vendor provides
 *
 * Every op is optional. Unless noted, an op is called in process context
 * with the vGPU lock held and may sleep.
 *
 * @vgpu_init: called once from vmed_vgpu_create(), after the core state
 *	(registers, GGTT slices, config space) exists and before the vGPU is
 *	handed to the shim, without the vGPU lock held. Vendor state goes in
 *	the vGPU's vendor_data. A negative return fails the creation, and
 *	@vgpu_fini is not called.
 * @vgpu_fini: undoes @vgpu_init; called once from vmed_vgpu_destroy() after
 *	it has detached the vGPU (so no shadow state is left), without the
 *	vGPU lock held. Must not fail.
 * @ggtt_update: called when the host GGTT entry @index (relative to the
 *	start of the GGTT) changes to @host_pte, which is already stored in
 *	&vmed_device.ggtt_host, for real hardware to write the entry to the
 *	device: for guest GGTT writes and withdrawn frames, and for every
 *	entry of a vGPU's slices when it is created, reset, detached and
 *	destroyed. Called with the lock of the vGPU whose slice holds @index,
 *	so calls for different vGPUs of @dev may run concurrently.
 * @engine_reset: stops the vGPU's engines, forgets the vendor's own
 *	bookkeeping of queued work and lets go of shadow page tables
 *	(vmed_ppgtt_put()). The core has already cancelled the vGPU's queued
 *	and running workloads (include/vmed/sched.h), with the vGPU lock
 *	held, so no step is running. Called on vGPU reset and detach, before
 *	the core tears down shadow tables, GGTT entries and DMA mappings, and
 *	when the vGPU fails (the shadow state then stays until reset or
 *	detach; a failure inside a step stops the engines once that
 *	returns); so it may run again with no work in between, and from
 *	inside the vendor's own hooks when a core call they make
 *	(vmed_ppgtt_get(), a device write through vmed_ppgtt_rw() into a
 *	page table, ...) fails the vGPU. Must not fail.
 * @wl_step: runs one bounded step of a queued workload (include/vmed/sched.h):
 *	at most one command, or one part of a large copy or fill (about
 *	64 KiB of memory traffic), so that the core can preempt the workload
 *	between steps. Called by the core's engine worker, never in a
 *	guest's trapping context, with the vGPU lock held; the lock is
 *	released between steps and guest register accesses run in between,
 *	so the step must keep its progress in the workload's data and look up
 *	guest-programmed state (address spaces, rings) afresh. It reaches
 *	memory only through vmed_gm_rw(), vmed_ppgtt_rw() and friends, which
 *	fail once the vGPU has failed. Shadow page tables are brought up to
 *	date before a workload's first step. Returns %VMED_WL_MORE to be
 *	called again, 0 when the workload is complete, or a negative errno
 *	when it faulted (a workload error: the vGPU is not failed).
 * @wl_complete: delivers the result of a workload to the guest (status
 *	registers, completion records in guest memory, interrupts) and
 *	updates what the guest sees of the engine (idle or busy with the next
 *	workload). @status is 0, the negative errno @wl_step returned,
 *	-ETIMEDOUT when the workload ran past the device's watchdog, or
 *	-ECANCELED for work queued behind it that was dropped with it. Called
 *	by the engine worker with the vGPU lock held, once per workload that
 *	ran or was dropped by the watchdog; never for work cancelled by a
 *	reset, a detach, a destroy or the vGPU failing (the vendor's
 *	@engine_reset forgets such work), and never on a failed vGPU. The
 *	workload is freed when it returns.
 * @bar_rw: accesses to BARs other than the register BAR (e.g. an
 *	aperture), from vmed_mmio_read() and vmed_mmio_write() on a vGPU that
 *	has not failed. @offset and @len are checked: the access lies inside
 *	the BAR, @len is 1, 2, 4 or 8 and @offset aligned to it. Returns 0 or
 *	a negative errno, handed to the shim; -EINVAL is also counted and
 *	logged as a refused access. Without @bar_rw such accesses are refused
 *	with -EINVAL.
 */
struct vmed_vendor_ops {
	int (*vgpu_init)(struct vmed_vgpu *vgpu);
	void (*vgpu_fini)(struct vmed_vgpu *vgpu);
	void (*ggtt_update)(struct vmed_device *dev, u32 index, u64 host_pte);
	void (*engine_reset)(struct vmed_vgpu *vgpu);
	int (*wl_step)(struct vmed_vgpu *vgpu, struct vmed_workload *wl);
	void (*wl_complete)(struct vmed_vgpu *vgpu, struct vmed_workload *wl,
			    int status);
	int (*bar_rw)(struct vmed_vgpu *vgpu, unsigned int bar, u64 offset,
		      void *buf, unsigned int len, bool write);
};

/**
 * struct vmed_vendor - everything a vendor hands the core for one device model
 * @name: vendor backend name ("i915", "nvstub")
 * @pci: PCI identity and BAR layout
 * @reg_bar: index into @pci.bars of the register BAR (trapped)
 * @mmio_size: size of the register window at the start of @reg_bar, a
 *	multiple of 8 bytes, at most @ggtt_offset
 * @ggtt_offset: where the GGTT entries start in @reg_bar
 * @ggtt_format: format of a GGTT entry (a 1-level table)
 * @gm_total: graphics memory of the physical device per &enum vmed_gm_kind;
 *	the GGTT maps [0, mappable + hidden) with the mappable range first
 * @fences: number of fence-like resources on the physical device
 * @ppgtt_format: format of per-process page tables; levels 0 if none
 * @regs: register table, sorted or not; no register (of a run, or of
 *	a bank's copy) may overlap another
 * @nr_regs: number of entries in @regs
 * @bank_regs: registers a device has once per bank (an engine's, say),
 *	offsets relative to the bank's base; the hooks see the register at
 *	its absolute offset, by which they tell the banks apart
 * @nr_bank_regs: number of entries in @bank_regs
 * @bank_base: where each bank starts in the register window; with @regs,
 *	no two registers of any bank may overlap
 * @nr_banks: number of entries in @bank_base, at most %VMED_MAX_REG_BANKS
 * @irq: interrupt topology
 * @types: vGPU types offered
 * @nr_types: number of entries in @types
 * @nr_engines: physical engines the core schedules workloads on
 *	(include/vmed/sched.h), at most %VMED_MAX_ENGINES; 0 if the vendor
 *	queues no workloads
 * @ops: vendor code
 */
struct vmed_vendor {
	const char *name;
	struct vmed_pci_desc pci;
	unsigned int reg_bar;
	u32 mmio_size;
	u32 ggtt_offset;
	struct vmed_pte_format ggtt_format;
	u64 gm_total[VMED_GM_KINDS];
	u32 fences;
	struct vmed_pte_format ppgtt_format;
	const struct vmed_mmio_reg *regs;
	unsigned int nr_regs;
	const struct vmed_mmio_reg *bank_regs;
	unsigned int nr_bank_regs;
	u32 bank_base[VMED_MAX_REG_BANKS];
	unsigned int nr_banks;
	struct vmed_irq_map irq;
	const struct vmed_vgpu_type *types;
	unsigned int nr_types;
	unsigned int nr_engines;
	const struct vmed_vendor_ops *ops;
};

#endif /* _VMED_VENDOR_H */
