// SPDX-License-Identifier: GPL-2.0
/*
 * Self-test of the userspace build: both vendor backends loaded as their
 * modules would be, driven as a shim and a guest driver drive them, through
 * the core's public entry points only. One PASS or FAIL line per check,
 * then "N passed, N failed"; the exit status is 1 if anything failed.
 *
 *   selftest [-v]	-v: show the kernel code's log lines
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/workqueue.h>
#include <linux/pci_regs.h>
#include <linux/seq_file.h>
#include <user_env.h>
#include "../../core/internal.h"
#include "../../vendors/i915/i915.h"
#include "../../vendors/nvidia-stub/nvstub.h"
#include "check.h"
#include "fake_hv.h"

#define GUEST_FRAMES	4096		/* 16 MiB of guest RAM */
#define NOT_RAM_GFN	(GUEST_FRAMES + 16)
#define BAR0_GPA	0xf0000000ULL	/* above guest RAM */
#define MSI_ADDR	0xfee01000ULL
#define MSI_DATA	0x4031

/* ---- the guest's accesses ------------------------------------------------ */

static u32 rd32(struct vmed_vgpu *vgpu, u64 offset)
{
	u32 val = ~0u;

	if (vmed_mmio_read(vgpu, 0, offset, &val, 4))
		check(false, "MMIO read at %#llx refused", offset);
	return val;
}

/* A guest write; then the engines run what it queued, as they soon would. */
static void wr32(struct vmed_vgpu *vgpu, u64 offset, u32 val)
{
	if (vmed_mmio_write(vgpu, 0, offset, &val, 4))
		check(false, "MMIO write at %#llx refused", offset);
	vmed_user_run_work();
}

static u64 rd64(struct vmed_vgpu *vgpu, u64 offset)
{
	u64 val = ~0ull;

	if (vmed_mmio_read(vgpu, 0, offset, &val, 8))
		check(false, "MMIO read at %#llx refused", offset);
	return val;
}

static void wr64(struct vmed_vgpu *vgpu, u64 offset, u64 val)
{
	if (vmed_mmio_write(vgpu, 0, offset, &val, 8))
		check(false, "MMIO write at %#llx refused", offset);
}

static u32 cfg_rd(struct vmed_vgpu *vgpu, unsigned int offset,
		  unsigned int len)
{
	u32 val = 0;

	if (vmed_cfg_read(vgpu, offset, &val, len))
		check(false, "config read at %#x refused", offset);
	return val;
}

static void cfg_wr(struct vmed_vgpu *vgpu, unsigned int offset, u32 val,
		   unsigned int len)
{
	if (vmed_cfg_write(vgpu, offset, &val, len))
		check(false, "config write at %#x refused", offset);
}

static void msi_setup(struct vmed_vgpu *vgpu)
{
	unsigned int cap = vgpu->dev->vendor->pci.msi_cap_offset;

	cfg_wr(vgpu, cap + PCI_MSI_ADDRESS_LO, lower_32_bits(MSI_ADDR), 4);
	cfg_wr(vgpu, cap + PCI_MSI_ADDRESS_HI, upper_32_bits(MSI_ADDR), 4);
	cfg_wr(vgpu, cap + PCI_MSI_DATA_64, MSI_DATA, 2);
	cfg_wr(vgpu, cap + PCI_MSI_FLAGS, PCI_MSI_FLAGS_ENABLE, 2);
}

/* A guest entry of @fmt mapping @gfn, present and writable. */
static u64 guest_pte(const struct vmed_pte_format *fmt, u64 gfn)
{
	u64 pte = 0;

	vmed_pte_encode(fmt, gfn << PAGE_SHIFT, &pte);
	return pte | fmt->present_mask | fmt->writable_mask;
}

/* The host entry the core should make of a guest entry for DMA address @dma. */
static u64 host_pte(const struct vmed_pte_format *fmt, u64 dma, u64 guest)
{
	u64 pte = 0;

	vmed_pte_encode(fmt, dma, &pte);
	return pte | fmt->present_mask |
	       (guest & (fmt->writable_mask | fmt->keep_mask));
}

/* ---- checks common to both vendors --------------------------------------- */

static void check_config(struct vmed_vgpu *vgpu, struct fake_hv *hv)
{
	const struct vmed_pci_desc *pci = &vgpu->dev->vendor->pci;
	unsigned int bar = vgpu->dev->vendor->reg_bar;

	check(cfg_rd(vgpu, PCI_VENDOR_ID, 2) == pci->vendor &&
	      cfg_rd(vgpu, PCI_DEVICE_ID, 2) == pci->device,
	      "config space identity %04x:%04x", pci->vendor, pci->device);
	cfg_wr(vgpu, PCI_VENDOR_ID, 0x1234, 2);
	check(cfg_rd(vgpu, PCI_VENDOR_ID, 2) == pci->vendor,
	      "vendor ID is read-only");
	cfg_wr(vgpu, PCI_BASE_ADDRESS_0 + 8 * bar, lower_32_bits(BAR0_GPA), 4);
	cfg_wr(vgpu, PCI_BASE_ADDRESS_0 + 8 * bar + 4,
	       upper_32_bits(BAR0_GPA), 4);
	check(!hv->trap_on[bar], "no trap before memory decoding");
	cfg_wr(vgpu, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, 2);
	check(hv->trap_on[bar] && hv->trap_gpa[bar] == BAR0_GPA,
	      "memory decoding traps the register BAR at %#llx", BAR0_GPA);
	check(vmed_mmio_read(vgpu, 0, 2, &(u32){ 0 }, 4) == -EINVAL &&
	      vgpu->stats.mmio_rejected == 1,
	      "unaligned MMIO access refused and counted");
}

/*
 * GGTT: an entry of the vGPU's slice pointing into guest RAM is shadowed
 * with the frame's DMA address, one outside guest RAM with scratch, one
 * outside the slice is ignored. Returns the slot index of the first.
 */
static u32 check_ggtt(struct vmed_vgpu *vgpu, struct fake_hv *hv, u64 gfn)
{
	struct vmed_device *dev = vgpu->dev;
	const struct vmed_vendor *v = dev->vendor;
	const struct vmed_pte_format *fmt = &v->ggtt_format;
	u32 index = vgpu->gm_base[VMED_GM_MAPPABLE] >> PAGE_SHIFT;
	u32 foreign = dev->ggtt_entries - 1;
	u64 entry = guest_pte(fmt, gfn), bad = guest_pte(fmt, NOT_RAM_GFN);

	wr64(vgpu, v->ggtt_offset + index * 8ull, entry);
	check(dev->ggtt_host[index] ==
	      host_pte(fmt, fake_dma_of(hv, gfn), entry) &&
	      hv->pins[gfn] == 1,
	      "GGTT entry in guest RAM shadowed to its DMA address");
	check(rd64(vgpu, v->ggtt_offset + index * 8ull) == entry,
	      "GGTT entry reads back as the guest wrote it");
	wr64(vgpu, v->ggtt_offset + (index + 1) * 8ull, bad);
	check(dev->ggtt_host[index + 1] ==
	      host_pte(fmt, vgpu->scratch_dma, 0) &&
	      vgpu->stats.ggtt_scratch == 1,
	      "GGTT entry outside guest RAM points at scratch");
	wr64(vgpu, v->ggtt_offset + foreign * 8ull, entry);
	check(vgpu->stats.ggtt_ignored == 1 && !dev->ggtt_host[foreign] &&
	      !rd64(vgpu, v->ggtt_offset + foreign * 8ull),
	      "GGTT entry outside the vGPU's slices ignored, reads 0");
	return index;
}

static void check_translate(struct vmed_vgpu *vgpu, struct vmed_ppgtt_mm *mm,
			    struct fake_hv *hv, u64 va, u64 gfn,
			    const char *what)
{
	dma_addr_t dma = 0;
	bool writable = false;
	int ret;

	mutex_lock(&vgpu->lock);
	ret = vmed_ppgtt_translate(vgpu, mm, va, &dma, &writable);
	mutex_unlock(&vgpu->lock);
	check(!ret && dma == fake_dma_of(hv, gfn) + offset_in_page(va) &&
	      writable, "PPGTT %s: %#llx -> DMA of frame %llu", what, va, gfn);
}

/* Shadow of a tree, through the core's entry point (as the vendor does). */
static struct vmed_ppgtt_mm *ppgtt_get(struct vmed_vgpu *vgpu, u64 root_gpa)
{
	struct vmed_ppgtt_mm *mm;

	mutex_lock(&vgpu->lock);
	mm = vmed_ppgtt_get(vgpu, root_gpa);
	mutex_unlock(&vgpu->lock);
	check(!IS_ERR(mm), "PPGTT rooted at %#llx shadowed", root_gpa);
	return IS_ERR(mm) ? NULL : mm;
}

static void ppgtt_put(struct vmed_vgpu *vgpu, struct vmed_ppgtt_mm *mm)
{
	mutex_lock(&vgpu->lock);
	vmed_ppgtt_put(vgpu, mm);
	mutex_unlock(&vgpu->lock);
}

/* A guest store to a tracked page table, reported as a shim reports it. */
static void check_tracked_write(struct vmed_vgpu *vgpu,
				struct vmed_ppgtt_mm *mm, struct fake_hv *hv,
				u64 pte_gpa, u64 va, u64 old_gfn, u64 new_gfn)
{
	const struct vmed_pte_format *fmt = &vgpu->dev->vendor->ppgtt_format;
	u64 entry = guest_pte(fmt, new_gfn);

	check(hv->tracked[pte_gpa >> PAGE_SHIFT] == 1,
	      "page-table frame %llu write-tracked", pte_gpa >> PAGE_SHIFT);
	fake_write64(hv, pte_gpa, entry);
	check(!vmed_page_write(vgpu, pte_gpa, &entry, 8) &&
	      vgpu->stats.tracked_writes == 1, "tracked write accepted");
	check_translate(vgpu, mm, hv, va, new_gfn, "after the tracked write");
	check(!hv->pins[old_gfn], "frame %llu released by the tracked write",
	      old_gfn);
}

/*
 * A 2 MiB page is one DMA-cache entry. Withdrawing half of it while a
 * frame of the other half is held must turn the run into 4 KiB entries;
 * when that cannot allocate (at the first allocation, or half-way), the
 * whole run is withdrawn instead, leaking nothing. @pd_gpa is the
 * directory entry mapping the page, so that it can be mapped again.
 */
static void check_huge_invalidate(struct vmed_vgpu *vgpu,
				  struct vmed_ppgtt_mm *mm, struct fake_hv *hv,
				  u64 gfn, u64 va, u64 pd_gpa, u64 pd_entry)
{
	static const long fail_at[] = { -1, 0, 3 };
	dma_addr_t dma = 0;
	bool writable;
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(fail_at); i++) {
		check(vgpu->dma.nr_huge == 1,
		      "2 MiB page cached as one DMA entry (%lu)",
		      vgpu->dma.nr_huge);
		mutex_lock(&vgpu->lock);
		ret = vmed_dma_map_one(vgpu, gfn + 300, &dma) ?:
		      vmed_dma_map_one(vgpu, gfn + 301, &dma);
		mutex_unlock(&vgpu->lock);
		check(!ret && dma == fake_dma_of(hv, gfn + 301),
		      "a frame of the run mapped on its own shares the entry");
		vmed_user_fail_after = fail_at[i];
		vmed_dma_invalidate(vgpu, gfn, 256);
		vmed_user_fail_after = -1;
		mutex_lock(&vgpu->lock);
		ret = vmed_ppgtt_translate(vgpu, mm, va, &dma, &writable);
		mutex_unlock(&vgpu->lock);
		check(ret == -EFAULT && !hv->pins[gfn] && !vgpu->dma.nr_huge,
		      "half-withdrawn 2 MiB page unmapped (allocations fail at %ld)",
		      fail_at[i]);
		if (fail_at[i] < 0) {
			check(hv->pins[gfn + 300] && hv->pins[gfn + 301] &&
			      hv->mapped == vgpu->dma.nr_entries,
			      "frames held outside the range stay mapped");
			mutex_lock(&vgpu->lock);
			vmed_dma_put(vgpu, gfn + 300);
			vmed_dma_put(vgpu, gfn + 301);
			vmed_dma_flush(vgpu);
			mutex_unlock(&vgpu->lock);
		}
		check(!hv->pins[gfn + 300] && !hv->pins[gfn + 301] &&
		      hv->mapped == vgpu->dma.nr_entries,
		      "nothing of the run left mapped");
		/* The guest maps the page again. */
		fake_write64(hv, pd_gpa, pd_entry);
		check(!vmed_page_write(vgpu, pd_gpa, &pd_entry, 8),
		      "2 MiB page mapped again");
	}

	/* A single frame of a run needs the run's per-frame counts. */
	for (i = 0; i < 2; i++) {
		u64 one = gfn + 7;

		vmed_user_fail_after = 0;
		vmed_user_fail_times = 1;
		mutex_lock(&vgpu->lock);
		ret = i ? vmed_dma_map(vgpu, &one, 1, &dma) :
			  vmed_dma_map_one(vgpu, one, &dma);
		mutex_unlock(&vgpu->lock);
		check(ret == -ENOMEM && dma == DMA_MAPPING_ERROR &&
		      vmed_user_fail_after < 0 && hv->pins[one] == 1 &&
		      vgpu->dma.nr_huge == 1,
		      "no memory to count a single frame of a run: refused, run intact");
	}
}

static void i915_ppgtt_tables(struct fake_hv *hv);

/*
 * No memory for a 2 MiB entry: the run is cached frame by frame from the
 * hypervisor's results. No memory for that either: the frames go back to
 * the hypervisor and the vGPU fails (checked on a second vGPU of @vgpu's
 * device and guest).
 */
static void check_huge_nomem(struct vmed_vgpu *vgpu, struct vmed_ppgtt_mm *mm,
			     struct fake_hv *hv, u64 root_gpa, u64 gfn, u64 va,
			     u64 pd_gpa, u64 pd_entry)
{
	struct vmed_ppgtt_mm *mm2;
	struct vmed_vgpu *vgpu2;
	struct fake_hv *hv2;
	unsigned long calls;
	u64 none = 0;

	fake_write64(hv, pd_gpa, 0);
	vmed_page_write(vgpu, pd_gpa, &none, 8);
	check(!hv->pins[gfn] && !vgpu->dma.nr_huge, "2 MiB page unmapped");
	fake_write64(hv, pd_gpa, pd_entry);
	calls = hv->dma_map_calls;
	/* The run's entry is the first allocation. */
	vmed_user_fail_after = 0;
	vmed_user_fail_times = 1;
	vmed_page_write(vgpu, pd_gpa, &pd_entry, 8);
	check(vmed_user_fail_after < 0 && !vgpu->failed && !vgpu->dma.nr_huge &&
	      hv->dma_map_calls == calls + 1 &&
	      hv->mapped == vgpu->dma.nr_entries,
	      "2 MiB page without memory for one entry: cached per frame, mapped once");
	check_translate(vgpu, mm, hv, va + 7 * PAGE_SIZE, gfn + 7,
			"2 MiB page cached per frame");

	/* A second guest with the same tables, the 2 MiB page not yet mapped. */
	hv2 = fake_hv_create(hv->nr_frames);
	i915_ppgtt_tables(hv2);
	fake_write64(hv2, pd_gpa, 0);
	vgpu2 = fake_vgpu_create(vgpu->dev, I915_TYPE_8, hv2, &fake_hv_ops);
	if (!check(!IS_ERR(vgpu2), "second vGPU created")) {
		fake_hv_destroy(hv2);
		return;
	}
	mm2 = ppgtt_get(vgpu2, root_gpa);
	fake_write64(hv2, pd_gpa, pd_entry);
	vmed_user_fail_after = 0;
	vmed_user_fail_times = 2;
	vmed_page_write(vgpu2, pd_gpa, &pd_entry, 8);
	vmed_user_fail_after = -1;
	vmed_user_fail_times = 0;
	check(mm2 && vgpu2->failed && !hv2->pins[gfn] &&
	      hv2->mapped == vgpu2->dma.nr_entries,
	      "no memory for the run at all: vGPU failed, frames handed back");
	if (mm2)
		ppgtt_put(vgpu2, mm2);
	fake_vgpu_destroy(vgpu2);
	check(!hv2->errors && !fake_hv_destroy(hv2),
	      "second guest: hypervisor ops used correctly, nothing left");
}

/* DMA cache both ways, then the guest withdraws the frame. */
static void check_dma(struct vmed_vgpu *vgpu, struct fake_hv *hv, u64 gfn,
		      u32 ggtt_index)
{
	struct vmed_device *dev = vgpu->dev;
	const struct vmed_pte_format *fmt = &dev->vendor->ggtt_format;
	dma_addr_t dma = 0;
	u64 back = ~0ull;
	int ret, ret2;

	mutex_lock(&vgpu->lock);
	ret = vmed_dma_lookup(vgpu, gfn, &dma);
	ret2 = vmed_dma_to_gfn(vgpu, dma + 0x10, &back);
	mutex_unlock(&vgpu->lock);
	check(!ret && dma == fake_dma_of(hv, gfn), "DMA lookup by frame");
	check(!ret2 && back == gfn, "DMA lookup by address");
	vmed_dma_invalidate(vgpu, gfn, 1);
	mutex_lock(&vgpu->lock);
	ret = vmed_dma_lookup(vgpu, gfn, &dma);
	mutex_unlock(&vgpu->lock);
	check(ret == -ENOENT && !hv->pins[gfn],
	      "invalidated frame unmapped and gone from the cache");
	check(dev->ggtt_host[ggtt_index] == host_pte(fmt, vgpu->scratch_dma, 0),
	      "GGTT entry of the invalidated frame points at scratch");
	/* The guest maps it again. */
	wr64(vgpu, dev->vendor->ggtt_offset + ggtt_index * 8ull,
	     guest_pte(fmt, gfn));
	check(dev->ggtt_host[ggtt_index] ==
	      host_pte(fmt, fake_dma_of(hv, gfn), guest_pte(fmt, gfn)),
	      "GGTT entry rewritten after invalidation shadowed again");
}

static void check_teardown(struct vmed_vgpu *vgpu, struct fake_hv *hv)
{
	unsigned int bar = vgpu->dev->vendor->reg_bar;

	check(!vgpu->failed, "vGPU not failed by the test");
	fake_vgpu_destroy(vgpu);
	check(!hv->mapped && !hv->tracked_frames && !hv->trap_on[bar],
	      "destroy leaves nothing mapped, tracked or trapped");
}

static void check_unload(const char *name, struct fake_hv *hv,
			 long mem_before, long allocs_before)
{
	check(!fake_hv_device(name), "device %s gone after module exit",
	      name);
	check(!hv->errors, "hypervisor ops used correctly (%lu misuses)",
	      hv->errors);
	check(!fake_hv_destroy(hv), "nothing left with the hypervisor");
	check(vmed_user_mem_total() == mem_before &&
	      vmed_user_mem.allocs == allocs_before,
	      "kernel memory back to where it was (%ld bytes, %ld allocations)",
	      vmed_user_mem_total() - mem_before,
	      vmed_user_mem.allocs - allocs_before);
}

/* ---- i915 ----------------------------------------------------------------- */

enum {
	I_HWSP = 100, I_STATE, I_RING = 110, I_BUF = 120,
	I_PML4 = 200, I_PDP, I_PD, I_PT, I_DATA = 210, I_NEW = 211,
	I_HUGE = 512,
};

#define I_VA_DATA	0x1000ULL
#define I_VA_HUGE	0x200000ULL
#define I_CTX_ID	0x42

static void i915_ppgtt_tables(struct fake_hv *hv)
{
	const struct vmed_pte_format *fmt = &vmed_i915_vendor.ppgtt_format;

	fake_write64(hv, I_PML4 << PAGE_SHIFT, guest_pte(fmt, I_PDP));
	fake_write64(hv, I_PDP << PAGE_SHIFT, guest_pte(fmt, I_PD));
	fake_write64(hv, I_PD << PAGE_SHIFT, guest_pte(fmt, I_PT));
	fake_write64(hv, (I_PD << PAGE_SHIFT) + 8,
		     guest_pte(fmt, I_HUGE) | I915_PTE_PS);
	fake_write64(hv, (I_PT << PAGE_SHIFT) + 8, guest_pte(fmt, I_DATA));
}

static void i915_workload(struct vmed_vgpu *vgpu, struct fake_hv *hv)
{
	const struct vmed_pte_format *fmt = &vmed_i915_vendor.ggtt_format;
	u64 gm = vgpu->gm_base[VMED_GM_MAPPABLE];
	u64 lrca = gm + 0x10000, ring_gm = gm + 0x20000, buf_gm = gm + 0x30000;
	u32 *ring = fake_frame(hv, I_RING), *state = fake_frame(hv, I_STATE);
	u32 *buf = fake_frame(hv, I_BUF);
	u64 desc = lrca | I915_CTX_VALID |
		   (I915_CTX_MODE_LEGACY_64 << I915_CTX_MODE_SHIFT) |
		   (u64)I_CTX_ID << 32;
	unsigned long msis = hv->msis;
	unsigned int n = 0;

	wr64(vgpu, I915_GGTT_OFFSET + (lrca >> PAGE_SHIFT) * 8,
	     guest_pte(fmt, I_HWSP));
	wr64(vgpu, I915_GGTT_OFFSET + ((lrca >> PAGE_SHIFT) + 1) * 8,
	     guest_pte(fmt, I_STATE));
	wr64(vgpu, I915_GGTT_OFFSET + (ring_gm >> PAGE_SHIFT) * 8,
	     guest_pte(fmt, I_RING));
	wr64(vgpu, I915_GGTT_OFFSET + (buf_gm >> PAGE_SHIFT) * 8,
	     guest_pte(fmt, I_BUF));
	ring[n++] = I915_MI(I915_MI_STORE_DATA_IMM, 2) | I915_MI_USE_GGTT;
	ring[n++] = lower_32_bits(buf_gm + 8);
	ring[n++] = upper_32_bits(buf_gm + 8);
	ring[n++] = 0xdeadbeef;
	ring[n++] = I915_MI(I915_MI_USER_INTERRUPT, 0);
	ring[n++] = I915_MI(I915_MI_NOOP, 0);
	state[I915_CTX_RING_START] = ring_gm;
	state[I915_CTX_RING_CTL] = I915_RING_CTL_VALID;
	state[I915_CTX_PDP0_LDW] = I_PML4 << PAGE_SHIFT;
	state[I915_CTX_RING_HEAD] = 0;
	state[I915_CTX_RING_TAIL] = n * 4;

	msi_setup(vgpu);
	wr32(vgpu, I915_GT0_IMR, ~(u32)(I915_GT_RCS_USER |
					 I915_GT_RCS_CTX_SWITCH));
	wr32(vgpu, I915_GT0_IER, I915_GT_RCS_USER | I915_GT_RCS_CTX_SWITCH);
	wr32(vgpu, I915_MASTER_IRQ, I915_MASTER_IRQ_CONTROL);

	wr32(vgpu, I915_ELSP, 0);
	wr32(vgpu, I915_ELSP, 0);
	wr32(vgpu, I915_ELSP, upper_32_bits(desc));
	wr32(vgpu, I915_ELSP, lower_32_bits(desc));

	check(i915_of(vgpu)->stats.workloads == 1 &&
	      !i915_of(vgpu)->stats.workload_errors,
	      "ELSP submission ran one workload without error");
	check(buf[2] == 0xdeadbeef, "MI_STORE_DATA_IMM landed in guest memory");
	check(rd32(vgpu, I915_GT0_IIR) & I915_GT_RCS_USER,
	      "user interrupt latched in GT0 IIR");
	check(hv->msis > msis && hv->msi_addr == MSI_ADDR &&
	      hv->msi_data == MSI_DATA,
	      "MSI delivered with the guest's address and data");
	check(rd32(vgpu, I915_CSB(0)) == I915_CSB_IDLE_ACTIVE &&
	      rd32(vgpu, I915_CSB(1)) == (I915_CSB_COMPLETE |
					  I915_CSB_ACTIVE_IDLE) &&
	      rd32(vgpu, I915_CSB(1) + 4) == I_CTX_ID,
	      "start and completion reported in the CSB");
}

/*
 * The core's debugfs printers on a live vGPU (there is no debugfs here:
 * they are called directly, as the files' show functions call them).
 */
static const char *seq_value(const char *buf, const char *name)
{
	size_t len = strlen(name);
	const char *p;

	for (p = buf; p; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (!strncmp(p, name, len) && p[len] == ' ')
			return p + len + 1;
	}
	return NULL;
}

static void check_debugfs(struct vmed_vgpu *vgpu)
{
	static char buf[65536];
	struct seq_file m = { .buf = buf, .size = sizeof(buf) - 1 };
	unsigned long long n = ~0ull;
	const char *v;
	char line[32];

	vmed_debugfs_show_state(&m, vgpu);
	buf[m.count] = 0;
	check(!strcmp(buf, "active\n"), "debugfs state reads \"active\"");

	m.count = 0;
	vmed_debugfs_show_counters(&m, vgpu);
	buf[m.count] = 0;
	v = seq_value(buf, "mmio_writes");
	if (v)
		sscanf(v, "%llu", &n);
	check(n == vgpu->stats.mmio_writes && n > 0,
	      "debugfs counters: mmio_writes %llu, the vGPU counted %llu", n,
	      vgpu->stats.mmio_writes);
	v = seq_value(buf, "workloads");
	check(v && strtoull(v, NULL, 10) == vgpu->stats.workloads &&
	      vgpu->stats.workloads > 0, "debugfs counters: workloads %llu",
	      vgpu->stats.workloads);

	m.count = 0;
	vmed_debugfs_show_shadow(&m, vgpu);
	buf[m.count] = 0;
	v = seq_value(buf, "ppgtt_tables_level3");
	check(v && strtoul(v, NULL, 10) >= 1, "debugfs shadow: a PML4 is shadowed");

	m.count = 0;
	vmed_debugfs_show_registers(&m, vgpu);
	buf[m.count] = 0;
	snprintf(line, sizeof(line), "%#07x ", I915_PV_MAGIC);
	check(m.count < m.size && strstr(buf, line),
	      "debugfs registers: PVINFO magic listed");

	m.count = 0;
	vmed_debugfs_show_instances(&m, vgpu->dev);
	buf[m.count] = 0;
	check(strstr(buf, vgpu->name), "debugfs instances name %s",
	      vgpu->name);
	m.count = 0;
	vmed_debugfs_show_partition(&m, vgpu->dev);
	buf[m.count] = 0;
	v = seq_value(buf, "vgpus");
	check(v && *v == '1', "debugfs partition: one vGPU");
}

static void test_i915(void)
{
	long mem = vmed_user_mem_total(), allocs = vmed_user_mem.allocs;
	struct vmed_ppgtt_mm *mm;
	struct vmed_device *dev;
	struct vmed_vgpu *vgpu;
	struct fake_hv *hv;
	unsigned int avail;
	u32 index;

	check_group = "i915";
	hv = fake_hv_create(GUEST_FRAMES);
	if (!check(!vmed_user_i915_init(), "module init registers the device"))
		return;
	dev = fake_hv_device("vmed_i915");
	if (!check(dev, "the listener heard of the device"))
		goto out;
	avail = vmed_type_available(dev, I915_TYPE_8);
	check(avail == 8, "8 vGPUs of type \"8\" available (%u)", avail);
	vgpu = fake_vgpu_create(dev, I915_TYPE_8, hv, &fake_hv_ops);
	if (!check(!IS_ERR(vgpu), "vGPU created and attached"))
		goto out;
	check(vmed_type_available(dev, I915_TYPE_8) == 7,
	      "one fewer available after creation");

	check_config(vgpu, hv);
	check(rd64(vgpu, I915_PV_MAGIC) == I915_VGT_MAGIC, "PVINFO magic");
	wr32(vgpu, I915_RING_MODE, 0x00010001);
	wr32(vgpu, I915_RING_MODE, 0x00000000);
	check(rd32(vgpu, I915_RING_MODE) == 1,
	      "masked register: only enabled bits change");
	wr32(vgpu, I915_RP_STATE_CAP, 0);
	check(rd32(vgpu, I915_RP_STATE_CAP) == I915_RP_STATE_CAP_VAL,
	      "read-only register keeps its value");

	index = check_ggtt(vgpu, hv, I_BUF);

	i915_ppgtt_tables(hv);
	wr32(vgpu, I915_PV_PDP_LO(0), I_PML4 << PAGE_SHIFT);
	wr32(vgpu, I915_PV_PDP_HI(0), 0);
	wr32(vgpu, I915_PV_G2V_NOTIFY, I915_G2V_PPGTT_L4_CREATE);
	check(i915_of(vgpu)->nr_ppgtt == 1 && !i915_of(vgpu)->stats.g2v_errors,
	      "PVINFO announces a 4-level PPGTT");
	mm = ppgtt_get(vgpu, I_PML4 << PAGE_SHIFT);
	if (mm) {
		check(mm == vmed_i915_ppgtt_find(vgpu, I_PML4 << PAGE_SHIFT),
		      "one shadow per guest tree");
		check_translate(vgpu, mm, hv, I_VA_DATA + 0x40, I_DATA,
				"4 KiB page");
		check_translate(vgpu, mm, hv, I_VA_HUGE + 3 * PAGE_SIZE,
				I_HUGE + 3, "2 MiB page");
		check_tracked_write(vgpu, mm, hv, (I_PT << PAGE_SHIFT) + 8,
				    I_VA_DATA, I_DATA, I_NEW);
		check_huge_invalidate(vgpu, mm, hv, I_HUGE, I_VA_HUGE,
				      (I_PD << PAGE_SHIFT) + 8,
				      guest_pte(&vmed_i915_vendor.ppgtt_format,
						I_HUGE) | I915_PTE_PS);
		check_translate(vgpu, mm, hv, I_VA_HUGE + 5 * PAGE_SIZE,
				I_HUGE + 5, "2 MiB page mapped again");
		check_huge_nomem(vgpu, mm, hv, I_PML4 << PAGE_SHIFT, I_HUGE,
				 I_VA_HUGE,
				 (I_PD << PAGE_SHIFT) + 8,
				 guest_pte(&vmed_i915_vendor.ppgtt_format,
					   I_HUGE) | I915_PTE_PS);
		ppgtt_put(vgpu, mm);
	}

	check_dma(vgpu, hv, I_BUF, index);
	i915_workload(vgpu, hv);
	check_debugfs(vgpu);
	check_teardown(vgpu, hv);
out:
	vmed_user_i915_exit();
	check_unload("vmed_i915", hv, mem, allocs);
}

/* ---- nvidia-stub ---------------------------------------------------------- */

enum {
	N_RING = 10, N_PD = 20, N_PT = 21, N_PB = 30, N_BUF = 40,
	N_DATA = 50, N_NEW = 51, N_SEM = 60, N_BIG = 512,
};

#define N_PB_VA		0x1000ULL
#define N_DATA_VA	0x4000ULL
#define N_SEM_VA	0x10000ULL
#define N_BIG_VA	SZ_2M
#define CH0		NVS_CHAN(0)

static void nvstub_tables(struct fake_hv *hv)
{
	fake_write64(hv, N_PD << PAGE_SHIFT, NVS_PTE(N_PT));
	fake_write64(hv, (N_PD << PAGE_SHIFT) + 8,
		     NVS_PTE(N_BIG) | NVS_PDE_BIG);
	fake_write64(hv, (N_PT << PAGE_SHIFT) + (N_PB_VA >> 12) * 8,
		     NVS_PTE(N_PB));
	fake_write64(hv, (N_PT << PAGE_SHIFT) + (N_DATA_VA >> 12) * 8,
		     NVS_PTE(N_DATA));
	fake_write64(hv, (N_PT << PAGE_SHIFT) + (N_SEM_VA >> 12) * 8,
		     NVS_PTE(N_SEM));
}

static void nvstub_workload(struct vmed_vgpu *vgpu, struct fake_hv *hv)
{
	u32 *pb = fake_frame(hv, N_PB), *sem = fake_frame(hv, N_SEM);
	unsigned long msis = hv->msis;
	unsigned int n = 0;

	msi_setup(vgpu);
	wr32(vgpu, NVS_INTR_NONSTALL + NVS_INTR_IMR, ~(u32)NVS_NONSTALL_SEMA);
	wr32(vgpu, NVS_INTR_NONSTALL + NVS_INTR_IER, NVS_NONSTALL_SEMA);
	wr32(vgpu, NVS_INTR_MASTER, NVS_INTR_MASTER_ENABLE);

	pb[n++] = NVS_MTHD(NVS_M_SEMAPHORE_ADDRESS, 2);
	pb[n++] = lower_32_bits(N_SEM_VA + 8);
	pb[n++] = upper_32_bits(N_SEM_VA + 8);
	pb[n++] = NVS_MTHD(NVS_M_SEMAPHORE_RELEASE, 1);
	pb[n++] = 0xcafe0001;
	pb[n++] = NVS_MTHD(NVS_M_NONSTALL_INTERRUPT, 0);
	fake_write64(hv, N_RING << PAGE_SHIFT, NVS_GP_ENTRY(N_PB_VA, n));
	wr32(vgpu, CH0 + NVS_CH_GP_PUT, 1);
	wr32(vgpu, CH0 + NVS_CH_DOORBELL, 1);

	check(rd32(vgpu, CH0 + NVS_CH_GP_GET) == 1 &&
	      !rd32(vgpu, CH0 + NVS_CH_ERROR) && !rd32(vgpu, NVS_ERR_COUNT),
	      "GPFIFO entry consumed without error");
	check(sem[2] == 0xcafe0001, "semaphore release landed in guest memory");
	check(rd32(vgpu, NVS_INTR_NONSTALL + NVS_INTR_IIR) & NVS_NONSTALL_SEMA,
	      "non-stall interrupt latched");
	check(hv->msis == msis + 1 && hv->msi_addr == MSI_ADDR &&
	      hv->msi_data == MSI_DATA,
	      "MSI delivered with the guest's address and data");
}

static void test_nvstub(void)
{
	long mem = vmed_user_mem_total(), allocs = vmed_user_mem.allocs;
	const struct vmed_pte_format *apt = &vmed_nvs_vendor.ggtt_format;
	struct vmed_ppgtt_mm *mm;
	struct vmed_device *dev;
	struct vmed_vgpu *vgpu;
	struct fake_hv *hv;
	u32 index;

	check_group = "nvstub";
	hv = fake_hv_create(GUEST_FRAMES);
	if (!check(!vmed_user_nvstub_init(), "module init registers the device"))
		return;
	dev = fake_hv_device("vmed_nvstub");
	if (!check(dev, "the listener heard of the device"))
		goto out;
	vgpu = fake_vgpu_create(dev, NVS_TYPE_1C, hv, &fake_hv_ops);
	if (!check(!IS_ERR(vgpu), "vGPU created and attached"))
		goto out;

	check_config(vgpu, hv);
	check(rd32(vgpu, NVS_BOOT0) == NVS_BOOT0_VALUE, "BOOT0 identifies the model");
	wr32(vgpu, NVS_BOOT0, 0);
	check(rd32(vgpu, NVS_BOOT0) == NVS_BOOT0_VALUE,
	      "read-only register keeps its value");
	wr32(vgpu, CH0 + NVS_CH_GPFIFO_ENTRIES, 8);
	check(rd32(vgpu, CH0 + NVS_CH_GPFIFO_ENTRIES) == 8,
	      "plain register keeps what the guest wrote");

	index = check_ggtt(vgpu, hv, N_BUF);

	/* Ring in the first APT page of the slice, tables, channel 0 bound. */
	wr64(vgpu, NVS_APT_OFFSET + (index + 2) * 8ull, guest_pte(apt, N_RING));
	nvstub_tables(hv);
	wr64(vgpu, CH0 + NVS_CH_GPFIFO_BASE, (u64)(index + 2) << PAGE_SHIFT);
	wr64(vgpu, CH0 + NVS_CH_PDB, N_PD << PAGE_SHIFT);
	wr32(vgpu, CH0 + NVS_CH_CTRL, NVS_CH_CTRL_ENABLE);
	check(rd32(vgpu, CH0 + NVS_CH_CTRL) == NVS_CH_CTRL_ENABLE &&
	      !rd32(vgpu, CH0 + NVS_CH_ERROR),
	      "channel bound to the guest's page directory");
	mm = ppgtt_get(vgpu, N_PD << PAGE_SHIFT);
	if (mm) {
		check_translate(vgpu, mm, hv, N_DATA_VA + 0x20, N_DATA,
				"4 KiB page");
		check_translate(vgpu, mm, hv, N_BIG_VA + 5 * PAGE_SIZE,
				N_BIG + 5, "2 MiB page");
		check_tracked_write(vgpu, mm, hv,
				    (N_PT << PAGE_SHIFT) + (N_DATA_VA >> 12) * 8,
				    N_DATA_VA, N_DATA, N_NEW);
		ppgtt_put(vgpu, mm);
	}

	check_dma(vgpu, hv, N_BUF, index);
	nvstub_workload(vgpu, hv);
	check_teardown(vgpu, hv);
out:
	vmed_user_nvstub_exit();
	check_unload("vmed_nvstub", hv, mem, allocs);
}

int main(int argc, char **argv)
{
	check_start(argc, argv);
	check_group = "core";
	check(!fake_hv_listen(), "shim listener registered");
	test_i915();
	test_nvstub();
	check_group = "core";
	fake_hv_unlisten();
	return check_finish();
}
