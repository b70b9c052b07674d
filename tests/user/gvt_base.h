/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Baselines for tests/user's benchmarks: straightforward implementations,
 * written for the benchmark, of the designs GVT-g (drivers/gpu/drm/i915/gvt)
 * publishes for the operations vmed mediates. They are NOT GVT-g's code and
 * not a port of it; they follow its data structures and call structure:
 *
 *  - MMIO: a 2048-bucket hash of per-register entries (offset, flags,
 *    ro_mask, read and write handlers), a flat virtual register file the
 *    size of the register window, the default handlers copying to and from
 *    it, and the read-only mask applied after the write handler;
 *  - page tables: one indirect call per entry for every format access
 *    (get_entry, set_entry, test_present, test_pse, get_pfn, set_pfn),
 *    guest entries read one at a time through the hypervisor, shadow page
 *    tables found through a hash by guest frame, one track call per table;
 *  - DMA cache: two rb-trees (gfn -> entry and DMA address -> entry) of
 *    reference-counted entries, a 2 MiB page being one entry; unmap
 *    by DMA address; range invalidation walks the range frame by frame;
 *  - interrupts: a handler per event through a function pointer, the
 *    upstream (master) state recomputed from every group, the pending check
 *    through an ops pointer, the MSI address and data parsed from config
 *    space for every interrupt.
 *
 * The rb-tree is the kernel's (tools/lib/rbtree.c). The hypervisor behind
 * the baseline is the same fake one vmed runs on (fake_hv.c), reached
 * through the same struct vmed_hv_ops of a vGPU created for the purpose,
 * one batched call where GVT-g's kvmgt would pin page by page; and indirect
 * calls cost no retpoline here. Both favour the baseline.
 */
#ifndef _VMED_USER_GVT_BASE_H
#define _VMED_USER_GVT_BASE_H

#include <linux/mutex.h>
#include <linux/rbtree.h>
#include <linux/types.h>
#include <vmed/vgpu.h>

#define GVT_MMIO_HASH_BITS	11	/* 2048 buckets, as GVT-g */
#define GVT_SPT_HASH_BITS	10

struct gvt_vgpu;

/* A page-table entry being worked on, as GVT-g's intel_gvt_gtt_entry. */
struct gvt_entry {
	u64 val64;
};

/* Format access: one indirect call per operation on an entry. */
struct gvt_pte_ops {
	int (*get_entry)(struct gvt_vgpu *g, void *pt, struct gvt_entry *e,
			 unsigned long index, bool guest, u64 gpa);
	int (*set_entry)(void *pt, struct gvt_entry *e, unsigned long index);
	bool (*test_present)(struct gvt_entry *e);
	bool (*test_pse)(struct gvt_entry *e);
	u64 (*get_pfn)(struct gvt_entry *e);
	void (*set_pfn)(struct gvt_entry *e, u64 pfn);
};

/* One register, as GVT-g's intel_gvt_mmio_info. */
struct gvt_mmio_info {
	struct gvt_mmio_info *next;	/* hash chain */
	u32 offset;
	u32 size;
	u8 flags;			/* VMED_REG_* */
	u64 ro_mask;
	int (*read)(struct gvt_vgpu *g, u32 offset, void *p, unsigned int len);
	int (*write)(struct gvt_vgpu *g, u32 offset, const void *p,
		     unsigned int len);
};

/* One DMA cache entry, as GVT-g's struct gvt_dma. */
struct gvt_dma {
	struct rb_node gfn_node;
	struct rb_node dma_node;
	u64 gfn;
	dma_addr_t dma;
	unsigned long size;
	unsigned int ref;
};

/* A shadow page table, as GVT-g's intel_vgpu_ppgtt_spt. */
struct gvt_spt {
	struct gvt_spt *hash_next;
	u64 gfn;
	unsigned int level;
	unsigned int refs;
	struct page *page;
	void *shadow;
	dma_addr_t dma;
	struct gvt_spt **child;
};

/* Interrupts: a virtual-event handler per event, as GVT-g's irq table. */
struct gvt_irq_event {
	void (*v_handler)(struct gvt_vgpu *g, unsigned int event);
};

struct gvt_irq_ops {
	bool (*check_pending)(struct gvt_vgpu *g);
};

struct gvt_dev {
	const struct vmed_vendor *vendor;
	struct device *dma_dev;
	dma_addr_t scratch_dma;
	const struct gvt_pte_ops *ops;
	struct gvt_mmio_info *mmio_hash[1 << GVT_MMIO_HASH_BITS];
	struct gvt_mmio_info *infos;
	unsigned int nr_infos;
	u64 *ggtt_host;
	struct gvt_irq_event *events;
	const struct gvt_irq_ops *irq_ops;
};

struct gvt_vgpu {
	struct gvt_dev *dev;
	struct vmed_vgpu *hvv;		/* carries the hypervisor ops and data */
	struct mutex lock;
	u8 *vreg;			/* flat, mmio_size bytes */
	u8 cfg[256];
	u32 ggtt_first, ggtt_count;
	u64 *ggtt_guest;
	struct rb_root gfn_cache;
	struct rb_root dma_cache;
	unsigned long nr_cache;
	struct gvt_spt *spt_hash[1 << GVT_SPT_HASH_BITS];
	unsigned long nr_spts;
	u64 batch_gfn[512];
	dma_addr_t batch_dma[512];
	unsigned long msis;
};

int gvt_dev_init(struct gvt_dev *dev, const struct vmed_vendor *vendor,
		 struct device *dma_dev, dma_addr_t scratch_dma);
void gvt_dev_fini(struct gvt_dev *dev);
/* @hvv: an attached vmed vGPU whose hypervisor ops and data are used. */
int gvt_vgpu_init(struct gvt_vgpu *g, struct gvt_dev *dev,
		  struct vmed_vgpu *hvv, u32 ggtt_first, u32 ggtt_count);
void gvt_vgpu_fini(struct gvt_vgpu *g);

int gvt_mmio_read(struct gvt_vgpu *g, u64 offset, void *buf, unsigned int len);
int gvt_mmio_write(struct gvt_vgpu *g, u64 offset, const void *buf,
		   unsigned int len);

/* DMA cache; the caller holds g->lock. */
int gvt_dma_map(struct gvt_vgpu *g, u64 gfn, unsigned long size,
		dma_addr_t *dma);
void gvt_dma_unmap(struct gvt_vgpu *g, dma_addr_t dma);
int gvt_dma_lookup(struct gvt_vgpu *g, u64 gfn, dma_addr_t *dma);
int gvt_dma_to_gfn(struct gvt_vgpu *g, dma_addr_t dma, u64 *gfn);
void gvt_dma_invalidate(struct gvt_vgpu *g, u64 gfn, u64 nr);

/* PPGTT; the caller holds g->lock. */
struct gvt_spt *gvt_ppgtt_shadow(struct gvt_vgpu *g, u64 root_gfn,
				 unsigned int levels);
void gvt_ppgtt_put(struct gvt_vgpu *g, struct gvt_spt *spt);
int gvt_ppgtt_translate(struct gvt_vgpu *g, struct gvt_spt *root, u64 va,
			dma_addr_t *dma);
/* A tracked guest write; takes g->lock like vmed_page_write(). */
int gvt_page_write(struct gvt_vgpu *g, u64 gpa, const void *buf,
		   unsigned int len);

/* Interrupts; the caller holds g->lock. */
void gvt_irq_setup(struct gvt_vgpu *g, u64 msi_addr, u32 msi_data);
void gvt_irq_raise(struct gvt_vgpu *g, unsigned int event);

#endif /* _VMED_USER_GVT_BASE_H */
