/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fake hypervisor for the core's KUnit suites: guest memory is a set of
 * kernel pages, DMA addresses are made up (but stable and page aligned),
 * write tracking and MSIs are counted. Every misuse the real shims would
 * suffer from (unmapping what was never mapped, untracking what was never
 * tracked) is recorded in @errors, which every test checks stays 0.
 *
 * Also here: a small vendor description ("tvendor") exercising every kind of
 * descriptor the core interprets, and helpers to set up a device + vGPU.
 */
#ifndef _VMED_TEST_FAKE_HV_H
#define _VMED_TEST_FAKE_HV_H

#include <kunit/test.h>
#include "../../core/internal.h"

/*
 * Guest RAM: frames [0, FAKE_GUEST_FRAMES), except the frames a test marks
 * in @holes; anything else is not RAM.
 */
#define FAKE_GUEST_FRAMES	2048
/* Made-up DMA window, far from anything real. */
#define FAKE_DMA_BASE		BIT_ULL(40)

/* tvendor layout */
#define TV_MMIO_SIZE		0x10000
#define TV_GGTT_OFFSET		0x800000
#define TV_BAR0_SIZE		0x1000000
#define TV_BAR2_SIZE		0x2000000
#define TV_GM_MAPPABLE		(16ULL << 20)
#define TV_GM_HIDDEN		(32ULL << 20)
#define TV_FENCES		8
#define TV_MSI_CAP		0x90

/* tvendor registers */
#define TV_REG_PLAIN		0x2000	/* RW, reset 0x1234 */
#define TV_REG_RO		0x2004	/* RO, reset 0xcafe */
#define TV_REG_ROMASK		0x2008	/* low byte read-only */
#define TV_REG_W1C		0x200c	/* W1C status */
#define TV_REG_MASKED		0x2010	/* masked (mode) register */
#define TV_REG_QWORD		0x2018	/* 8-byte RW */
#define TV_REG_DOORBELL		0x2020	/* handler: queues a workload */
#define TV_REG_FAIL		0x2024	/* handler refuses non-zero writes */
#define TV_REG_COUNTER		0x2028	/* read handler: counts reads */

/* tvendor interrupts */
#define TV_IRQ_MASTER		0x4000
#define TV_IRQ_MASTER_ENABLE	BIT(31)
#define TV_IRQ_G0		0x4100	/* ISR/IMR/IIR/IER at +0/+4/+8/+0xc */
#define TV_IRQ_G1		0x4110
enum { TV_EV_USER, TV_EV_CTX, TV_EV_OTHER, TV_NR_EVENTS };

/* tvendor page-table formats (gen8-like) */
#define TV_PTE_PRESENT		BIT_ULL(0)
#define TV_PTE_RW		BIT_ULL(1)
#define TV_PTE_PS		BIT_ULL(7)
#define TV_PTE_CACHE		BIT_ULL(3)
#define TV_PTE_ADDR		GENMASK_ULL(45, 12)

enum { TV_TYPE_SMALL, TV_TYPE_BIG, TV_TYPE_NOFENCE, TV_NR_TYPES };

struct fake_hv {
	void *frames[FAKE_GUEST_FRAMES];
	unsigned int pins[FAKE_GUEST_FRAMES];
	unsigned int tracked[FAKE_GUEST_FRAMES];
	/* In a memslot deleted (KVM): tracking refused, counts forgotten. */
	bool slot_gone[FAKE_GUEST_FRAMES];
	bool scatter;		/* DMA addresses of neighbours not contiguous */
	/*
	 * Frame @alias_gfn is the same memory as @alias_of (QEMU's VGA window
	 * over video RAM is such a pair): same contents, same DMA address.
	 * 0 when there is none.
	 */
	u64 alias_gfn, alias_of;
	int fail_dma_map;	/* next dma_map call fails with this errno */
	int fail_dma_map_after;	/* with fail_dma_map: after this many calls */
	int fail_track;		/* next track_add call fails with this errno */
	int fail_track_after;	/* with fail_track: after this many more calls */
	bool fail_read;		/* read_gpa fails */
	int fail_ram_query;	/* an is_guest_memory call fails with this */
	unsigned int ram_query_skip;	/* ... after this many more succeed */
	DECLARE_BITMAP(holes, FAKE_GUEST_FRAMES);	/* frames not RAM */
	unsigned long dma_map_calls, dma_unmap_calls;
	unsigned long track_calls, untrack_calls;
	unsigned long ram_queries, ram_queried;	/* calls, frames asked */
	unsigned long mapped, tracked_frames;
	unsigned long msis;
	u64 msi_addr;
	u32 msi_data;
	int msi_ret;
	bool intx;		/* level of the legacy interrupt line */
	unsigned long intx_raised;
	unsigned int traps_mapped, traps_unmapped;
	u64 trap_gpa[VMED_MAX_BARS];
	bool trap_on[VMED_MAX_BARS];
	unsigned long errors;
};

/* What the test vendor's engine saw, and what its step returns. */
struct tv_state {
	unsigned long steps;		/* workloads run: one step each */
	u64 last_desc;
	int step_ret;
	unsigned long completions;
	int last_status;
	unsigned long engine_resets;
	unsigned long counter_reads;
	unsigned long ggtt_updates;
};

struct fake_env {
	struct kunit *test;
	struct vmed_device *dev;
	struct vmed_vendor vendor;
	struct fake_hv hv;
	struct tv_state tv;
	struct vmed_vgpu *vgpu;
};

extern struct vmed_frontend fake_frontend;
extern const struct vmed_hv_ops fake_hv_ops;
extern const struct vmed_hv_ops fake_hv_untracked_ops;
extern const struct vmed_vendor tvendor;

struct device *fake_dma_device(struct kunit *test);
struct fake_env *fake_env_create(struct kunit *test, unsigned int type);
struct fake_env *fake_env_create_device(struct kunit *test,
					const struct vmed_vendor *vendor);
struct fake_env *fake_env_create_vendor(struct kunit *test,
					const struct vmed_vendor *vendor,
					unsigned int type);
u64 fake_dma_of(struct fake_hv *hv, u64 gfn);
void *fake_frame(struct fake_hv *hv, u64 gfn);
void fake_write_entry(struct fake_hv *hv, u64 gpa, u64 val);
void fake_slot_delete(struct fake_env *env, u64 gfn, u64 nr);
void fake_slot_create(struct fake_env *env, u64 gfn, u64 nr);

/* Guest-side accessors through the core's entry points. */
u32 tv_read32(struct kunit *test, struct vmed_vgpu *vgpu, u32 offset);
void tv_write32(struct kunit *test, struct vmed_vgpu *vgpu, u32 offset, u32 val);
u64 tv_read64(struct kunit *test, struct vmed_vgpu *vgpu, u32 offset);
void tv_write64(struct kunit *test, struct vmed_vgpu *vgpu, u32 offset, u64 val);
void tv_ring(struct kunit *test, struct vmed_vgpu *vgpu, u32 desc);
u32 tv_cfg_read32(struct kunit *test, struct vmed_vgpu *vgpu, u32 offset);
void tv_cfg_write32(struct kunit *test, struct vmed_vgpu *vgpu, u32 offset,
		    u32 val);
u16 tv_cfg_read16(struct kunit *test, struct vmed_vgpu *vgpu, u32 offset);
void tv_cfg_write16(struct kunit *test, struct vmed_vgpu *vgpu, u32 offset,
		    u16 val);

#endif /* _VMED_TEST_FAKE_HV_H */
