// SPDX-License-Identifier: GPL-2.0
/*
 * The shared part of the libFuzzer targets; see fuzz.h and README.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/device.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/pci_regs.h>
#include <linux/unaligned.h>
#include <linux/workqueue.h>
#include <user_env.h>
#include "../../core/internal.h"
#include "../../vendors/i915/i915.h"
#include "../../vendors/nvidia-stub/nvstub.h"
#include "fuzz.h"

static const char * const vendor_names[FZ_NR_VENDORS] = {
	[FZ_I915] = "vmed_i915",
	[FZ_NVSTUB] = "vmed_nvstub",
};

void fz_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("vmed-fuzz: invariant: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

/* ---- input ---------------------------------------------------------------- */

size_t fz_bytes(struct fz_in *in, void *buf, size_t len)
{
	size_t n = min(len, in->left);

	memcpy(buf, in->p, n);
	memset((u8 *)buf + n, 0, len - n);
	in->p += n;
	in->left -= n;
	return n;
}

u8 fz_u8(struct fz_in *in)
{
	u8 v;

	fz_bytes(in, &v, 1);
	return v;
}

u16 fz_u16(struct fz_in *in)
{
	u8 b[2];

	fz_bytes(in, b, 2);
	return get_unaligned_le16(b);
}

u32 fz_u32(struct fz_in *in)
{
	u8 b[4];

	fz_bytes(in, b, 4);
	return get_unaligned_le32(b);
}

u64 fz_u64(struct fz_in *in)
{
	u8 b[8];

	fz_bytes(in, b, 8);
	return get_unaligned_le64(b);
}

/* ---- set-up and teardown --------------------------------------------------- */

void fz_init(void)
{
	static bool done;

	if (done)
		return;
	done = true;
	vmed_user_loglevel = getenv("VMED_FUZZ_LOG") ? 7 : 0;
	vmed_user_warn_fatal = true;
	if (fake_hv_listen() || vmed_user_i915_init() ||
	    vmed_user_nvstub_init())
		fz_fail("set-up: vendors did not load");
	if (!fz_device(FZ_I915) || !fz_device(FZ_NVSTUB))
		fz_fail("set-up: devices not registered");
}

int fz_initialize(int *argc, char ***argv)
{
	fz_init();
	return 0;
}

struct vmed_device *fz_device(enum fz_vendor vendor)
{
	return fake_hv_device(vendor_names[vendor]);
}

/* DMA addresses of the fake hypervisor: pinned and in the vGPU's cache. */
static bool fake_pinned(struct vmed_vgpu *vgpu, u64 dma, u64 nr)
{
	struct fake_hv *hv = vmed_vgpu_hv_data(vgpu);
	u64 k, gfn, back;

	for (k = 0; k < nr; k++, dma += PAGE_SIZE) {
		if (dma < FAKE_DMA_BASE || offset_in_page(dma))
			return false;
		gfn = (dma - FAKE_DMA_BASE) >> PAGE_SHIFT;
		if (hv->scatter)
			gfn ^= 1;
		if (gfn >= hv->nr_frames || !hv->pins[gfn] ||
		    fake_dma_of(hv, gfn) != dma)
			return false;
		if (vmed_dma_to_gfn(vgpu, dma, &back) || back != gfn)
			return false;
	}
	return true;
}

void fz_begin(struct fz *f, enum fz_vendor vendor, bool scatter, bool attach)
{
	memset(f, 0, sizeof(*f));
	f->vendor = vendor;
	f->dev = fz_device(vendor);
	f->mem_before = vmed_user_mem_total();
	f->allocs_before = vmed_user_mem.allocs;
	f->dma_before = vmed_user_device_mapped(f->dev->dma_dev);
	if (!attach) {
		f->vgpu = vmed_vgpu_create(f->dev, 0, NULL);
		if (IS_ERR(f->vgpu))
			fz_fail("set-up: vGPU not created: %ld", PTR_ERR(f->vgpu));
		return;
	}
	f->hv = fake_hv_create(FZ_FRAMES);
	if (!f->hv)
		abort();
	f->hv->scatter = scatter;
	f->ram = f->hv;
	f->pinned = fake_pinned;
	f->vgpu = fake_vgpu_create(f->dev, 0, f->hv, &fake_hv_ops);
	if (IS_ERR(f->vgpu))
		fz_fail("set-up: vGPU not created: %ld", PTR_ERR(f->vgpu));
}

/* ---- invariants ----------------------------------------------------------- */

static u32 ggtt_index(const struct vmed_ggtt *ggtt, u32 slot)
{
	return slot < ggtt->count[0] ? ggtt->first[0] + slot :
	       ggtt->first[1] + slot - ggtt->count[0];
}

/*
 * Every host GGTT entry of the vGPU's slices is empty, scratch, or a frame
 * the vGPU holds; the device's entries outside them are not the vGPU's
 * (empty or scratch: no other vGPU exists).
 */
static void check_ggtt(struct fz *f)
{
	struct vmed_vgpu *vgpu = f->vgpu;
	struct vmed_device *dev = f->dev;
	const struct vmed_pte_format *fmt = &dev->vendor->ggtt_format;
	const struct vmed_ggtt *ggtt = &vgpu->ggtt;
	u32 slot, index, nr = ggtt->count[0] + ggtt->count[1];
	u64 pte, addr;

	for (slot = 0; slot < nr; slot++) {
		index = ggtt_index(ggtt, slot);
		pte = dev->ggtt_host[index];
		addr = vmed_pte_addr(fmt, pte);
		if (!pte || addr == vgpu->scratch_dma) {
			if (test_bit(slot, ggtt->mapped))
				fz_fail("GGTT slot %u marked mapped but holds %#llx",
					slot, pte);
			continue;
		}
		if (!vmed_pte_present(fmt, pte) || !test_bit(slot, ggtt->mapped) ||
		    !f->pinned(vgpu, addr, 1))
			fz_fail("GGTT entry %u = %#llx: not scratch nor a frame the vGPU holds",
				index, pte);
	}
}

static void check_ggtt_foreign(struct fz *f, bool all)
{
	struct vmed_device *dev = f->dev;
	const struct vmed_pte_format *fmt = &dev->vendor->ggtt_format;
	const struct vmed_ggtt *ggtt = &f->vgpu->ggtt;
	u32 index;
	u64 pte;

	for (index = 0; index < dev->ggtt_entries; index++) {
		pte = dev->ggtt_host[index];
		if (!all && ((index >= ggtt->first[0] &&
			      index - ggtt->first[0] < ggtt->count[0]) ||
			     (index >= ggtt->first[1] &&
			      index - ggtt->first[1] < ggtt->count[1])))
			continue;
		if (pte && vmed_pte_addr(fmt, pte) != dev->scratch_dma)
			fz_fail("GGTT entry %u = %#llx outside the live vGPU's slices",
				index, pte);
	}
}

/* Shadow tables visited in one walk: (DMA slot, level). */
#define VISIT_SLOTS	65536
static u8 visited[VISIT_SLOTS];
static u32 visit_list[VISIT_SLOTS];
static unsigned int nr_visited;
static unsigned long walk_entries;

static void *shadow_table(struct fz *f, u64 dma)
{
	struct device *d = f->dev->dma_dev;
	u64 slot;

	if (dma < VMED_USER_DMA_BASE || offset_in_page(dma))
		return NULL;
	slot = (dma - VMED_USER_DMA_BASE) >> PAGE_SHIFT;
	if (slot > U32_MAX || dma == f->dev->scratch_dma ||
	    dma == f->vgpu->scratch_dma)
		return NULL;
	return xa_load(&d->dma_pages, slot);
}

/*
 * Walk a shadow tree as the device would: every entry that is present
 * leads to a shadow table (non-leaf) or to the vGPU's own scratch page,
 * read-only, or frames the vGPU holds (leaf).
 */
static void walk(struct fz *f, u64 table_dma, int level)
{
	const struct vmed_pte_format *fmt = &f->dev->vendor->ppgtt_format;
	const struct vmed_pt_level *lv = &fmt->level[level];
	u64 slot = (table_dma - VMED_USER_DMA_BASE) >> PAGE_SHIFT;
	unsigned int i, n = 1U << lv->bits;
	void *table = shadow_table(f, table_dma);
	u8 bit = BIT(level);

	if (!table)
		fz_fail("shadow level %d table at %#llx is not a shadow table",
			level, table_dma);
	if (slot >= VISIT_SLOTS)
		fz_fail("shadow table DMA slot %llu: too many to check", slot);
	if (visited[slot] & bit)
		return;
	if (!visited[slot])
		visit_list[nr_visited++] = slot;
	visited[slot] |= bit;
	for (i = 0; i < n; i++) {
		u64 e = fmt->entry_size == 8 ? ((u64 *)table)[i] :
						((u32 *)table)[i];
		u64 addr = vmed_pte_addr(fmt, e), frames = 1;

		walk_entries++;
		if (!vmed_pte_present(fmt, e))
			continue;
		if (level && !(e & lv->leaf_mask)) {
			walk(f, addr, level - 1);
			continue;
		}
		if (addr == f->vgpu->scratch_dma) {
			/* Nothing written there may be read back. */
			if (fmt->writable_mask &&
			    (e & fmt->writable_mask) == fmt->writable_mask)
				fz_fail("shadow L%d[%u] = %#llx: writable scratch",
					level, i, e);
			continue;
		}
		if (level)
			frames = BIT_ULL(lv->shift - PAGE_SHIFT);
		else if (lv->big_mask && (e & lv->big_mask) == lv->big_mask)
			frames = BIT_ULL(lv->big_shift - PAGE_SHIFT);
		if (!f->pinned(f->vgpu, addr, frames))
			fz_fail("shadow L%d[%u] = %#llx (%llu frames): not scratch, not held",
				level, i, e, frames);
	}
}

static void check_tree(struct fz *f, struct vmed_ppgtt_mm *mm)
{
	const struct vmed_pte_format *fmt = &f->dev->vendor->ppgtt_format;

	if (!mm)
		return;
	walk(f, vmed_ppgtt_root_dma(mm), fmt->levels - 1);
}

static void check_ppgtt(struct fz *f)
{
	unsigned int i;

	nr_visited = 0;
	check_tree(f, f->mm);
	if (f->vendor == FZ_I915) {
		struct i915_vgpu *iv = i915_of(f->vgpu);

		for (i = 0; i < iv->nr_ppgtt; i++)
			check_tree(f, iv->ppgtt[i].mm);
	} else {
		struct nvs_vgpu *nv = nvs_vgpu(f->vgpu);

		for (i = 0; i < NVS_MAX_CHANNELS; i++)
			check_tree(f, nv->chan[i].mm);
	}
	for (i = 0; i < nr_visited; i++)
		visited[visit_list[i]] = 0;
}

void fz_check(struct fz *f)
{
	struct vmed_vgpu *vgpu = f->vgpu;
	unsigned long tracked = 0, index;
	void *entry;

	mutex_lock(&vgpu->lock);
	if (f->hv) {
		if (f->hv->errors)
			fz_fail("fake hypervisor misused %lu times", f->hv->errors);
		if (f->hv->mapped != vgpu->dma.nr_entries)
			fz_fail("hypervisor holds %lu mappings, DMA cache %lu",
				f->hv->mapped, vgpu->dma.nr_entries);
		xa_for_each(&vgpu->ppgtt.tracked, index, entry)
			tracked++;
		if (f->hv->tracked_frames != tracked)
			fz_fail("hypervisor tracks %lu frames, the core %lu",
				f->hv->tracked_frames, tracked);
	}
	if (vgpu->dma.nr_release)
		fz_fail("%u DMA releases left unflushed", vgpu->dma.nr_release);
	check_ggtt(f);
	check_ppgtt(f);
	mutex_unlock(&vgpu->lock);
}

void fz_end(struct fz *f)
{
	struct vmed_device *dev = f->dev;
	unsigned int bar = dev->vendor->reg_bar;
	unsigned long errors;

	fz_check(f);
	if (f->mm) {
		mutex_lock(&f->vgpu->lock);
		vmed_ppgtt_put(f->vgpu, f->mm);
		mutex_unlock(&f->vgpu->lock);
		f->mm = NULL;
	}
	if (f->hv) {
		fake_vgpu_destroy(f->vgpu);
		if (f->hv->mapped || f->hv->tracked_frames || f->hv->trap_on[bar])
			fz_fail("destroy left %lu mapped, %lu tracked, trap %d",
				f->hv->mapped, f->hv->tracked_frames,
				f->hv->trap_on[bar]);
		errors = fake_hv_destroy(f->hv);
		if (errors)
			fz_fail("fake hypervisor misused %lu times", errors);
	} else {
		vmed_vgpu_destroy(f->vgpu);
	}
	f->vgpu = NULL;
	/* Nothing of the vGPU in the device's GGTT any more. */
	{
		struct fz g = *f;
		struct vmed_vgpu none = {};

		g.vgpu = &none;
		check_ggtt_foreign(&g, true);
	}
	if (vmed_user_device_mapped(dev->dma_dev) != f->dma_before)
		fz_fail("device DMA mappings %lu, %lu before the vGPU",
			vmed_user_device_mapped(dev->dma_dev), f->dma_before);
	if (vmed_user_mem_total() != f->mem_before ||
	    vmed_user_mem.allocs != f->allocs_before)
		fz_fail("kernel memory leaked: %ld bytes, %ld allocations",
			vmed_user_mem_total() - f->mem_before,
			vmed_user_mem.allocs - f->allocs_before);
	if (vmed_user_warnings)
		fz_fail("%lu kernel warnings", vmed_user_warnings);
}

/* ---- the guest's side ------------------------------------------------------ */

void fz_mmio_write(struct fz *f, u64 offset, u64 val, unsigned int len)
{
	fz_mmio_write_queued(f, offset, val, len);
	/* The engines run what the write queued, before the next access. */
	vmed_user_run_work();
}

void fz_mmio_write_queued(struct fz *f, u64 offset, u64 val, unsigned int len)
{
	__le64 buf = cpu_to_le64(val);

	vmed_mmio_write(f->vgpu, f->dev->vendor->reg_bar, offset, &buf, len);
}

u64 fz_mmio_read(struct fz *f, u64 offset, unsigned int len)
{
	__le64 buf = 0;

	vmed_mmio_read(f->vgpu, f->dev->vendor->reg_bar, offset, &buf, len);
	return le64_to_cpu(buf);
}

void fz_cfg_write(struct fz *f, unsigned int offset, u32 val,
		  unsigned int len)
{
	__le32 buf = cpu_to_le32(val);

	vmed_cfg_write(f->vgpu, offset, &buf, len);
}

/* BAR placed above guest RAM, memory decoding on, MSI enabled. */
void fz_enable(struct fz *f)
{
	unsigned int bar = f->dev->vendor->reg_bar;
	unsigned int cap = f->dev->vendor->pci.msi_cap_offset;

	fz_cfg_write(f, PCI_BASE_ADDRESS_0 + 8 * bar,
		     lower_32_bits(FZ_BAR0_GPA), 4);
	fz_cfg_write(f, PCI_BASE_ADDRESS_0 + 8 * bar + 4,
		     upper_32_bits(FZ_BAR0_GPA), 4);
	fz_cfg_write(f, PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER,
		     2);
	fz_cfg_write(f, cap + PCI_MSI_ADDRESS_LO, lower_32_bits(FZ_MSI_ADDR),
		     4);
	fz_cfg_write(f, cap + PCI_MSI_ADDRESS_HI, 0, 4);
	fz_cfg_write(f, cap + PCI_MSI_DATA_64, 0x4021, 2);
	fz_cfg_write(f, cap + PCI_MSI_FLAGS, PCI_MSI_FLAGS_ENABLE, 2);
}

void fz_write64(struct fz *f, u64 gpa, u64 val)
{
	__le64 buf = cpu_to_le64(val);

	if (f->ram && gpa < FZ_FRAMES << PAGE_SHIFT)
		memcpy(fake_frame(f->ram, gpa >> PAGE_SHIFT) + offset_in_page(gpa),
		       &buf, 8);
}

u64 fz_pte(const struct vmed_pte_format *fmt, u64 gfn, bool writable)
{
	u64 pte = 0;

	vmed_pte_encode(fmt, gfn << PAGE_SHIFT, &pte);
	return pte | fmt->present_mask | (writable ? fmt->writable_mask : 0);
}

u64 fz_in_gfn(struct fz_in *in)
{
	return fz_u16(in) % FZ_GFN_RANGE;
}

/*
 * Flags byte: bit 0 not present, bit 1 writable, bit 2 huge (leaf_mask of
 * @level, or big at level 0), bit 3 keep bits, bit 4-5 2 MiB-align the
 * frame, bit 7 a raw 64-bit entry follows instead.
 */
u64 fz_in_pte(struct fz_in *in, const struct vmed_pte_format *fmt, int level)
{
	u8 flags = fz_u8(in);
	u64 gfn, pte;

	if (flags & BIT(7))
		return fz_u64(in);
	gfn = fz_in_gfn(in);
	if (flags & BIT(4))
		gfn &= ~511ULL;
	pte = fz_pte(fmt, gfn, flags & BIT(1));
	if (flags & BIT(0))
		pte &= ~fmt->present_mask;
	if ((flags & BIT(2)) && level >= 0 && level < fmt->levels)
		pte |= level ? fmt->level[level].leaf_mask :
			       fmt->level[0].big_mask;
	if (flags & BIT(3))
		pte |= fmt->keep_mask;
	return pte;
}

void fz_ppgtt_announce(struct fz *f, u64 root_gfn, unsigned int which)
{
	u64 root = root_gfn << PAGE_SHIFT;

	if (f->vendor == FZ_I915) {
		fz_mmio_write(f, I915_PV_PDP_LO(0), lower_32_bits(root), 4);
		fz_mmio_write(f, I915_PV_PDP_HI(0), upper_32_bits(root), 4);
		fz_mmio_write(f, I915_PV_G2V_NOTIFY,
			      which & 1 ? I915_G2V_PPGTT_L4_DESTROY :
					  I915_G2V_PPGTT_L4_CREATE, 4);
		return;
	}
	which %= NVS_MAX_CHANNELS;
	fz_mmio_write(f, NVS_CHAN(which) + NVS_CH_PDB, root, 8);
	fz_mmio_write(f, NVS_CHAN(which) + NVS_CH_GPFIFO_ENTRIES, 8, 4);
	fz_mmio_write(f, NVS_CHAN(which) + NVS_CH_CTRL, NVS_CH_CTRL_ENABLE, 4);
}

/* ---- the generic guest ------------------------------------------------------ */

enum {
	OP_MMIO_REG_W,		/* u16 reg, u8 delta/size, u64 value */
	OP_MMIO_REG_R,		/* u16 reg, u8 delta/size */
	OP_MMIO_RAW_W,		/* u8 bar, u32 offset, u8 size, u64 value */
	OP_MMIO_RAW_R,		/* u8 bar, u32 offset, u8 size */
	OP_CFG_W,		/* u8 offset, u8 size, u32 value */
	OP_CFG_R,		/* u8 offset, u8 size */
	OP_RESET,
	OP_ENABLE,
	OP_GGTT_W,		/* u16 slot, u8 half, pte */
	OP_MEM_W,		/* gfn, u16 offset, u64 value */
	OP_PT_FILL,		/* gfn, u8 level, u8 count, pte... */
	OP_TRACKED_W,		/* gfn, u16 offset, u8 size, pte */
	OP_INVALIDATE,		/* gfn, u8 nr */
	OP_ANNOUNCE,		/* gfn, u8 which */
	OP_GET_PUT,		/* gfn, u8 get/put */
	OP_TRANSLATE,		/* u64 va */
	OP_MEM_BYTES,		/* gfn, u8 len, bytes */
	OP_NR,
};

static const unsigned int op_class[OP_NR] = {
	[OP_MMIO_REG_W ... OP_ENABLE] = FZ_OPS_REGS,
	[OP_GGTT_W ... OP_MEM_BYTES] = FZ_OPS_MEM,
};

static unsigned int in_size(struct fz_in *in)
{
	return 1U << (fz_u8(in) & 3);
}

/* Some register the vendor describes: in its table or a bank, any of a run. */
static u64 described_reg(const struct vmed_vendor *v, struct fz_in *in)
{
	unsigned int nr = v->nr_regs + v->nr_banks * v->nr_bank_regs;
	unsigned int pick = fz_u16(in) % nr;
	const struct vmed_mmio_reg *reg;
	u32 base = 0;

	if (pick < v->nr_regs) {
		reg = &v->regs[pick];
	} else {
		pick -= v->nr_regs;
		reg = &v->bank_regs[pick % v->nr_bank_regs];
		base = v->bank_base[pick / v->nr_bank_regs];
	}
	return base + reg->offset +
	       (u64)(fz_u16(in) % (reg->count ?: 1)) * reg->size;
}

static void op_mmio(struct fz *f, struct fz_in *in, unsigned int op)
{
	const struct vmed_vendor *v = f->dev->vendor;
	unsigned int bar = v->reg_bar, size;
	u64 offset;

	if (op == OP_MMIO_REG_W || op == OP_MMIO_REG_R) {
		u64 reg = described_reg(v, in);
		u8 d = fz_u8(in);

		size = 1U << (d & 3);
		offset = reg + (d >> 2) % 8;
	} else {
		bar = fz_u8(in) % VMED_MAX_BARS;
		offset = fz_u32(in);
		size = in_size(in);
		if (bar == v->reg_bar && (offset & BIT(31)))
			/* Half the raw accesses land in the GGTT. */
			offset = v->ggtt_offset + (offset & 0xfffff);
	}
	if (op == OP_MMIO_REG_W || op == OP_MMIO_RAW_W) {
		__le64 val = cpu_to_le64(fz_u64(in));

		vmed_mmio_write(f->vgpu, bar, offset, &val, size);
	} else {
		__le64 val = 0;

		vmed_mmio_read(f->vgpu, bar, offset, &val, size);
	}
}

static void op_ggtt(struct fz *f, struct fz_in *in)
{
	const struct vmed_vendor *v = f->dev->vendor;
	const struct vmed_ggtt *ggtt = &f->vgpu->ggtt;
	u32 nr = ggtt->count[0] + ggtt->count[1];
	u32 slot = fz_u16(in);
	u8 how = fz_u8(in);
	u64 pte = fz_in_pte(in, &v->ggtt_format, 0);
	u64 offset;

	/* Mostly the vGPU's own slots; bit 7: anywhere in the GGTT. */
	if (how & BIT(7))
		offset = v->ggtt_offset + (u64)(slot % f->dev->ggtt_entries) * 8;
	else
		offset = v->ggtt_offset +
			 (u64)ggtt_index(ggtt, slot % nr) * 8;
	switch (how & 3) {
	case 0:
	case 1:
		fz_mmio_write(f, offset, pte, 8);
		break;
	case 2:
		fz_mmio_write(f, offset, lower_32_bits(pte), 4);
		break;
	case 3:
		fz_mmio_write(f, offset + 4, upper_32_bits(pte), 4);
		break;
	}
}

/* A page-table page: @count entries from @first, the rest left alone. */
static void op_pt_fill(struct fz *f, struct fz_in *in)
{
	const struct vmed_pte_format *fmt = &f->dev->vendor->ppgtt_format;
	u64 gfn = fz_in_gfn(in);
	u8 level = fz_u8(in), count = fz_u8(in), first = fz_u8(in);
	unsigned int i;

	for (i = 0; i < count && in->left; i++)
		fz_write64(f, (gfn << PAGE_SHIFT) + ((first + i) % 512) * 8ULL,
			   fz_in_pte(in, fmt, level % fmt->levels));
}

static void op_tracked(struct fz *f, struct fz_in *in)
{
	const struct vmed_pte_format *fmt = &f->dev->vendor->ppgtt_format;
	u64 gfn = fz_in_gfn(in);
	u16 off = fz_u16(in) % PAGE_SIZE;
	unsigned int size = 1U << (fz_u8(in) & 3);
	__le64 val = cpu_to_le64(fz_in_pte(in, fmt, fz_u8(in) % fmt->levels));
	u64 gpa = (gfn << PAGE_SHIFT) + off;

	/* The shim performs the write, then tells the core. */
	if (gfn < FZ_FRAMES && off + size <= PAGE_SIZE)
		memcpy(fake_frame(f->ram, gfn) + off, &val, size);
	vmed_page_write(f->vgpu, gpa, &val, size);
}

static void op_get_put(struct fz *f, struct fz_in *in)
{
	u64 gfn = fz_in_gfn(in);
	u8 how = fz_u8(in);
	struct vmed_ppgtt_mm *mm;

	mutex_lock(&f->vgpu->lock);
	if (f->mm) {
		vmed_ppgtt_put(f->vgpu, f->mm);
		f->mm = NULL;
	}
	if (!(how & 1)) {
		mm = vmed_ppgtt_get(f->vgpu, gfn << PAGE_SHIFT);
		if (!IS_ERR(mm))
			f->mm = mm;
	}
	mutex_unlock(&f->vgpu->lock);
}

static void op_translate(struct fz *f, struct fz_in *in)
{
	u64 va = fz_u64(in) & (BIT_ULL(48) - 1);
	dma_addr_t dma;
	bool writable;
	u8 buf[16];

	if (!f->mm)
		return;
	mutex_lock(&f->vgpu->lock);
	if (!vmed_ppgtt_translate(f->vgpu, f->mm, va, &dma, &writable) &&
	    dma != f->vgpu->scratch_dma + offset_in_page(va) &&
	    !f->pinned(f->vgpu, dma & PAGE_MASK, 1))
		fz_fail("translation of %#llx gave %#llx, not a frame held",
			va, (u64)dma);
	vmed_ppgtt_rw(f->vgpu, f->mm, va, buf, sizeof(buf), false);
	mutex_unlock(&f->vgpu->lock);
}

bool fz_op(struct fz *f, struct fz_in *in, unsigned int allowed)
{
	unsigned int op, size;
	u8 offset;
	u64 gfn;

	if (!in->left)
		return false;
	op = fz_u8(in) % OP_NR;
	if (!(op_class[op] & allowed) ||
	    (!f->ram && (op_class[op] & FZ_OPS_MEM)))
		return true;
	switch (op) {
	case OP_MMIO_REG_W:
	case OP_MMIO_REG_R:
	case OP_MMIO_RAW_W:
	case OP_MMIO_RAW_R:
		op_mmio(f, in, op);
		break;
	case OP_CFG_W:
		offset = fz_u8(in);
		size = in_size(in);
		fz_cfg_write(f, offset, fz_u32(in), size);
		break;
	case OP_CFG_R: {
		__le32 val = 0;

		offset = fz_u8(in);
		size = in_size(in);
		vmed_cfg_read(f->vgpu, offset, &val, size);
		break;
	}
	case OP_RESET:
		if (f->mm) {
			mutex_lock(&f->vgpu->lock);
			vmed_ppgtt_put(f->vgpu, f->mm);
			f->mm = NULL;
			mutex_unlock(&f->vgpu->lock);
		}
		vmed_vgpu_reset(f->vgpu);
		break;
	case OP_ENABLE:
		fz_enable(f);
		break;
	case OP_GGTT_W:
		op_ggtt(f, in);
		break;
	case OP_MEM_W: {
		u64 gpa;

		gfn = fz_in_gfn(in);
		gpa = (gfn << PAGE_SHIFT) + (fz_u16(in) % 512) * 8;
		fz_write64(f, gpa, fz_u64(in));
		break;
	}
	case OP_PT_FILL:
		op_pt_fill(f, in);
		break;
	case OP_TRACKED_W:
		op_tracked(f, in);
		break;
	case OP_INVALIDATE:
		gfn = fz_in_gfn(in);
		vmed_dma_invalidate(f->vgpu, gfn, fz_u8(in) % 8 + 1);
		break;
	case OP_ANNOUNCE:
		gfn = fz_in_gfn(in);
		fz_ppgtt_announce(f, gfn, fz_u8(in));
		break;
	case OP_GET_PUT:
		op_get_put(f, in);
		break;
	case OP_TRANSLATE:
		op_translate(f, in);
		break;
	case OP_MEM_BYTES: {
		u8 buf[256];
		size_t n;

		gfn = fz_in_gfn(in);
		offset = fz_u8(in);
		n = fz_bytes(in, buf, fz_u8(in));
		if (gfn < FZ_FRAMES)
			memcpy(fake_frame(f->ram, gfn) + offset * 8, buf,
			       min_t(size_t, n, PAGE_SIZE - offset * 8));
		break;
	}
	}
	return true;
}
