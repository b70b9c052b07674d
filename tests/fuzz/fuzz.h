/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the libFuzzer targets of tests/fuzz share (harness.c): reading the
 * input, a vGPU per input on the fake hypervisor of tests/user, guest
 * operations built from input bytes, and the invariants checked after
 * every input. A broken invariant aborts with "vmed-fuzz: invariant: ...",
 * which libFuzzer reports as a crash. See README for the encodings.
 */
#ifndef _VMED_FUZZ_H
#define _VMED_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#include <vmed/vgpu.h>
#include "../../core/internal.h"
#include "../user/fake_hv.h"

/* Guest RAM of every input: 4 MiB, so two 2 MiB pages fit. */
#define FZ_FRAMES		1024
/* Frame numbers from the input range a little beyond guest RAM. */
#define FZ_GFN_RANGE		(FZ_FRAMES + 64)
#define FZ_BAR0_GPA		0xf0000000ULL
#define FZ_MSI_ADDR		0xfee00000ULL

enum fz_vendor { FZ_I915, FZ_NVSTUB, FZ_NR_VENDORS };

/* The input, consumed front to back; reads past its end give zeros. */
struct fz_in {
	const u8 *p;
	size_t left;
};

u8 fz_u8(struct fz_in *in);
u16 fz_u16(struct fz_in *in);
u32 fz_u32(struct fz_in *in);
u64 fz_u64(struct fz_in *in);
/* Copy up to @len bytes into @buf; returns how many there were. */
size_t fz_bytes(struct fz_in *in, void *buf, size_t len);

/* Whether DMA address @dma, @nr frames long, is guest memory the vGPU holds. */
typedef bool (*fz_pinned_fn)(struct vmed_vgpu *vgpu, u64 dma, u64 nr);

/*
 * One input's vGPU. @hv is NULL when another shim (the Xen target's
 * binding) is attached instead of the fake hypervisor; @ram and @pinned
 * then come from the caller.
 */
struct fz {
	enum fz_vendor vendor;
	struct vmed_device *dev;
	struct vmed_vgpu *vgpu;
	struct fake_hv *hv;
	struct fake_hv *ram;		/* guest RAM: @hv's, or the caller's */
	fz_pinned_fn pinned;
	struct vmed_ppgtt_mm *mm;	/* a shadow the harness holds */
	long mem_before, allocs_before;
	unsigned long dma_before;
};

/* Once per process: quiet logs, fatal warnings, both vendors loaded. */
void fz_init(void);
struct vmed_device *fz_device(enum fz_vendor vendor);

/*
 * A vGPU of the vendor's smallest type on a fresh fake hypervisor
 * (@scatter: DMA addresses of neighbouring frames not contiguous), or with
 * @attach false only created, for a shim of the caller's to attach.
 */
void fz_begin(struct fz *f, enum fz_vendor vendor, bool scatter,
	      bool attach);
/* Invariants of a live vGPU (see README). */
void fz_check(struct fz *f);
/* Destroy the vGPU and check that it left nothing behind. */
void fz_end(struct fz *f);

__printf(1, 2) __noreturn
void fz_fail(const char *fmt, ...);

/* Guest side, as a guest driver would do it. */
void fz_mmio_write(struct fz *f, u64 offset, u64 val, unsigned int len);
/* The same, leaving what it queued on the engines for later. */
void fz_mmio_write_queued(struct fz *f, u64 offset, u64 val, unsigned int len);
u64 fz_mmio_read(struct fz *f, u64 offset, unsigned int len);
void fz_cfg_write(struct fz *f, unsigned int offset, u32 val,
		  unsigned int len);
void fz_enable(struct fz *f);
void fz_write64(struct fz *f, u64 gpa, u64 val);
u64 fz_pte(const struct vmed_pte_format *fmt, u64 gfn, bool writable);
/* An entry of @fmt from input bytes: mostly well formed, sometimes raw. */
u64 fz_in_pte(struct fz_in *in, const struct vmed_pte_format *fmt, int level);
u64 fz_in_gfn(struct fz_in *in);

/* Announce (i915) or bind (nvidia-stub) a PPGTT rooted at @root_gfn. */
void fz_ppgtt_announce(struct fz *f, u64 root_gfn, unsigned int which);

/* The generic guest: one operation from the input; false at its end. */
enum {
	FZ_OPS_REGS = BIT(0),	/* MMIO, config, reset */
	FZ_OPS_MEM = BIT(1),	/* guest memory, GGTT, PPGTT, tracking */
};

bool fz_op(struct fz *f, struct fz_in *in, unsigned int allowed);

/*
 * libFuzzer's entry points, under the names it calls them by: each target
 * defines fz_test_one_input(); harness.c defines fz_initialize().
 */
int fz_test_one_input(const u8 *data, size_t size)
	__asm__("LLVMFuzzerTestOneInput");
int fz_initialize(int *argc, char ***argv) __asm__("LLVMFuzzerInitialize");

#endif /* _VMED_FUZZ_H */
