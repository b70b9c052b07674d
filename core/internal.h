/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interfaces between the files of the vmed core. Not for shims or vendors.
 */
#ifndef _VMED_CORE_INTERNAL_H
#define _VMED_CORE_INTERNAL_H

#include <linux/bits.h>
#include <linux/mm.h>
#include "state.h"

#define VMED_MAX_VGPUS		128

/* The register lookup and the register file go by 4 KiB pages of dwords. */
#define VMED_REG_PAGE_SHIFT	12
#define VMED_REG_PAGE_SLOTS	(1u << (VMED_REG_PAGE_SHIFT - 2))

struct seq_file;

/* Interrupt register kinds in struct vmed_reg_slot.irq_kind */
enum vmed_irq_reg_kind {
	VMED_IRQ_REG_NONE,
	VMED_IRQ_REG_MASTER,
	VMED_IRQ_REG_ISR,
	VMED_IRQ_REG_IMR,
	VMED_IRQ_REG_IIR,
	VMED_IRQ_REG_IER,
};

/* Frame address held by a page-table entry. */
static inline u64 vmed_pte_addr(const struct vmed_pte_format *fmt, u64 pte)
{
	return (pte & fmt->addr_mask) << fmt->addr_shift;
}

static inline bool vmed_pte_present(const struct vmed_pte_format *fmt, u64 pte)
{
	return (pte & fmt->present_mask) == fmt->present_mask;
}

/*
 * Encode @addr into an entry. Returns false when the address does not fit
 * the format (too many bits, or low bits the format cannot hold), in which
 * case the caller must not use it.
 */
static inline bool vmed_pte_encode(const struct vmed_pte_format *fmt, u64 addr,
				   u64 *pte)
{
	u64 field = addr >> fmt->addr_shift;

	if ((field & fmt->addr_mask) != field ||
	    vmed_pte_addr(fmt, field) != addr)
		return false;
	*pte = field;
	return true;
}

int vmed_format_check(const struct vmed_pte_format *fmt, bool ppgtt);

/* registry.c */
void vmed_registry_add(struct vmed_device *dev);
void vmed_registry_remove(struct vmed_device *dev);

/* device.c */
int vmed_scratch_alloc(struct vmed_device *dev, struct page **page,
		       dma_addr_t *dma);
void vmed_scratch_free(struct vmed_device *dev, struct page *page,
		       dma_addr_t dma);
int vmed_partition_take(struct vmed_vgpu *vgpu);
void vmed_partition_give(struct vmed_vgpu *vgpu);

/* vgpu.c */
void vmed_vgpu_fail(struct vmed_vgpu *vgpu, const char *reason);
void vmed_vgpu_log_reject(struct vmed_vgpu *vgpu, const char *what, u64 offset,
			  unsigned int len);

/* cfg.c */
void vmed_cfg_init(struct vmed_vgpu *vgpu);
void vmed_cfg_untrap_all(struct vmed_vgpu *vgpu);
void vmed_cfg_update_traps(struct vmed_vgpu *vgpu);
u64 vmed_cfg_bar_base(struct vmed_vgpu *vgpu, unsigned int bar);

/* mmio.c */
int vmed_regs_build(struct vmed_device *dev);
void vmed_regs_free(struct vmed_device *dev);
int vmed_vregs_init(struct vmed_vgpu *vgpu);
void vmed_vregs_reset(struct vmed_vgpu *vgpu);
void vmed_vregs_fini(struct vmed_vgpu *vgpu);
u64 vmed_reg_apply(const struct vmed_mmio_reg *reg, u64 old, u64 val, u64 wmask);
u64 *vmed_vreg_slot(struct vmed_vgpu *vgpu, u32 offset, bool alloc);

/*
 * The qword holding the table register at @offset. A table register's page
 * exists from vGPU creation on and survives resets (vmed_vregs_init(),
 * vmed_vregs_reset()), so the access paths neither check nor allocate.
 */
static inline u64 *vmed_table_reg_qword(struct vmed_vgpu *vgpu, u32 offset)
{
	return (u64 *)vgpu->vregs.pages[offset >> VMED_REG_PAGE_SHIFT] +
	       (offset & (BIT(VMED_REG_PAGE_SHIFT) - 8)) / 8;
}

/* The dword table register at @offset (4-byte aligned). */
static inline u32 vmed_table_reg32(struct vmed_vgpu *vgpu, u32 offset)
{
	return *vmed_table_reg_qword(vgpu, offset) >> (8 * (offset & 4));
}

static inline void vmed_table_reg32_set(struct vmed_vgpu *vgpu, u32 offset,
					u32 val)
{
	u64 *qword = vmed_table_reg_qword(vgpu, offset);
	unsigned int shift = 8 * (offset & 4);

	*qword = (*qword & ~((u64)U32_MAX << shift)) | (u64)val << shift;
}

/* ggtt.c */
int vmed_ggtt_init(struct vmed_vgpu *vgpu);
void vmed_ggtt_clear(struct vmed_vgpu *vgpu);
void vmed_ggtt_release(struct vmed_vgpu *vgpu);
void vmed_ggtt_fini(struct vmed_vgpu *vgpu);
int vmed_ggtt_read(struct vmed_vgpu *vgpu, u64 offset, void *buf,
		   unsigned int len);
int vmed_ggtt_write(struct vmed_vgpu *vgpu, u64 offset, const void *buf,
		    unsigned int len);
void vmed_ggtt_invalidate(struct vmed_vgpu *vgpu, u64 gfn, u64 nr);
void vmed_ggtt_summary(struct vmed_vgpu *vgpu, u32 *mapped, u32 *scratch);

/* ppgtt.c */

/*
 * Largest max_shadow_tables: 16000 tables of 512 huge entries, each worth
 * 512 references to one 2 MiB run, plus a GGTT full of references to it,
 * stay below 2^32 (struct vmed_dma_entry counts in 32 bits).
 */
#define VMED_MAX_SHADOW_TABLES	16000

/* At most 16 GiB of graphics memory: 4M GGTT entries. */
#define VMED_MAX_GGTT_ENTRIES	BIT(22)

struct kernel_param;
int vmed_max_shadow_tables_set(const char *val, const struct kernel_param *kp);
dma_addr_t vmed_ppgtt_root_dma(const struct vmed_ppgtt_mm *mm);

/**
 * struct vmed_ppgtt_summary - a vGPU's shadow page tables, counted
 * @roots: address spaces (vmed_ppgtt_get() roots) shadowed
 * @tables: guest-backed shadow tables per level
 * @split: shadow tables of split huge pages (no guest table behind them)
 * @mapped: entries of guest-backed tables holding frame references
 * @empty: entries of guest-backed tables that point nowhere: the guest
 *	entry is not present, or was bad and was refused
 * @pending: tables with partially written entries awaiting a sync
 * @tracked: guest frames write-tracked for shadow tables
 */
struct vmed_ppgtt_summary {
	unsigned int roots;
	unsigned int tables[VMED_MAX_PT_LEVELS];
	unsigned int split;
	unsigned long mapped;
	unsigned long empty;
	unsigned int pending;
	unsigned long tracked;
};

void vmed_ppgtt_summary(struct vmed_vgpu *vgpu, struct vmed_ppgtt_summary *s);
void vmed_ppgtt_init(struct vmed_vgpu *vgpu);
void vmed_ppgtt_destroy_all(struct vmed_vgpu *vgpu);
int vmed_ppgtt_sync(struct vmed_vgpu *vgpu);
void vmed_ppgtt_invalidate(struct vmed_vgpu *vgpu, u64 gfn, u64 nr);
void vmed_ppgtt_page_written(struct vmed_vgpu *vgpu, u64 gpa, const void *buf,
			     unsigned int len);

/* dma.c */
int vmed_dma_lookup(struct vmed_vgpu *vgpu, u64 gfn, dma_addr_t *dma);
void vmed_dma_init(struct vmed_vgpu *vgpu);
int vmed_dma_map(struct vmed_vgpu *vgpu, const u64 *gfns, unsigned int nr,
		 dma_addr_t *dma);
int vmed_dma_map_one(struct vmed_vgpu *vgpu, u64 gfn, dma_addr_t *dma);
int vmed_dma_map_range(struct vmed_vgpu *vgpu, const u64 *gfns,
		       unsigned int nr, dma_addr_t *dma);
void vmed_dma_put(struct vmed_vgpu *vgpu, u64 gfn);
void vmed_dma_put_range(struct vmed_vgpu *vgpu, u64 gfn, unsigned int nr);
int vmed_dma_put_addr(struct vmed_vgpu *vgpu, dma_addr_t dma);
void vmed_dma_flush(struct vmed_vgpu *vgpu);
void vmed_dma_release_range(struct vmed_vgpu *vgpu, u64 gfn, u64 nr);
void vmed_dma_fini(struct vmed_vgpu *vgpu);

/* engine.c */
int vmed_dma_rw(struct vmed_vgpu *vgpu, dma_addr_t dma, void *buf, size_t len,
		bool write);

/* irq.c */
int vmed_irq_check(const struct vmed_vendor *vendor);
void vmed_irq_reset(struct vmed_vgpu *vgpu);
void vmed_irq_reg_write(struct vmed_vgpu *vgpu, const struct vmed_reg_slot *slot,
			u64 val, u64 wmask);
void vmed_irq_update(struct vmed_vgpu *vgpu, bool new_event);
void vmed_irq_update_intx(struct vmed_vgpu *vgpu);

/* sched.c */
void vmed_sched_device_init(struct vmed_device *dev);
void vmed_sched_device_fini(struct vmed_device *dev);
void vmed_sched_vgpu_init(struct vmed_vgpu *vgpu);
void vmed_sched_vgpu_fini(struct vmed_vgpu *vgpu);
void vmed_sched_cancel(struct vmed_vgpu *vgpu);
void vmed_sched_stop_vgpu(struct vmed_vgpu *vgpu);

/* debugfs.c */
void vmed_debugfs_init(void);
void vmed_debugfs_exit(void);
void vmed_debugfs_device_add(struct vmed_device *dev);
void vmed_debugfs_device_remove(struct vmed_device *dev);
void vmed_debugfs_vgpu_add(struct vmed_vgpu *vgpu);
void vmed_debugfs_vgpu_remove(struct vmed_vgpu *vgpu);
void vmed_debugfs_show_state(struct seq_file *m, struct vmed_vgpu *vgpu);
void vmed_debugfs_show_counters(struct seq_file *m, struct vmed_vgpu *vgpu);
void vmed_debugfs_show_shadow(struct seq_file *m, struct vmed_vgpu *vgpu);
void vmed_debugfs_show_registers(struct seq_file *m, struct vmed_vgpu *vgpu);
void vmed_debugfs_show_partition(struct seq_file *m, struct vmed_device *dev);
void vmed_debugfs_show_instances(struct seq_file *m, struct vmed_device *dev);
void vmed_debugfs_show_untracked(struct seq_file *m, struct vmed_device *dev);

#endif /* _VMED_CORE_INTERNAL_H */
