/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fake hypervisor shim for programs linking the vmed core in userspace
 * (self-test, benchmarks, fuzzers).
 *
 * Guest RAM is frames [0, nr_frames), each a page allocated on first use
 * with plain calloc (hypervisor memory, not counted as the kernel's). DMA
 * addresses of guest frames are made up, stable and page aligned
 * (FAKE_DMA_BASE + gfn * 4 KiB, or neighbours swapped in scatter mode).
 * Pins, write tracking, MSIs, the INTx line and BAR traps are counted;
 * every misuse a real shim would suffer (unmapping what was never mapped,
 * tracking a frame twice, reporting the same INTx level twice, untrapping
 * what was not trapped) adds to @errors, which must stay 0.
 *
 * The shim also listens for devices (as vmed_kvm does): a vendor module's
 * init registers its device, and fake_hv_device() finds it by name.
 */
#ifndef _VMED_USER_FAKE_HV_H
#define _VMED_USER_FAKE_HV_H

#include <linux/bits.h>
#include <linux/types.h>
#include <vmed/hv.h>
#include <vmed/vgpu.h>

/* Guest DMA window: above the devices' own (VMED_USER_DMA_BASE). */
#define FAKE_DMA_BASE		BIT_ULL(40)

struct fake_hv {
	u64 nr_frames;
	void **frames;
	unsigned int *pins;
	unsigned int *tracked;
	bool scatter;		/* DMA addresses of neighbours not contiguous */
	int fail_dma_map;	/* next dma_map call fails with this errno */
	int fail_track;		/* next track_add call fails with this errno */
	bool fail_read;		/* read_gpa fails */
	unsigned long dma_map_calls, dma_unmap_calls;
	unsigned long track_calls, untrack_calls;
	unsigned long mapped, tracked_frames;
	unsigned long msis;
	u64 msi_addr;
	u32 msi_data;
	int msi_ret;
	bool intx;
	unsigned long intx_raised;
	unsigned long traps_mapped, traps_unmapped;
	u64 trap_gpa[VMED_MAX_BARS];
	bool trap_on[VMED_MAX_BARS];
	unsigned long errors;
};

extern struct vmed_frontend fake_frontend;
extern const struct vmed_hv_ops fake_hv_ops;
extern const struct vmed_hv_ops fake_hv_untracked_ops;

struct fake_hv *fake_hv_create(u64 nr_frames);
/* Frees guest RAM; anything still pinned, tracked or trapped is an error. */
unsigned long fake_hv_destroy(struct fake_hv *hv);
void *fake_frame(struct fake_hv *hv, u64 gfn);
u64 fake_dma_of(struct fake_hv *hv, u64 gfn);
void fake_write64(struct fake_hv *hv, u64 gpa, u64 val);
u64 fake_read64(struct fake_hv *hv, u64 gpa);

/* Device discovery through the core's listener interface. */
int fake_hv_listen(void);
void fake_hv_unlisten(void);
struct vmed_device *fake_hv_device(const char *name);

/*
 * A vGPU of @dev attached to @hv; the listener destroys it if the device
 * goes first. fake_vgpu_destroy() detaches and destroys it.
 */
struct vmed_vgpu *fake_vgpu_create(struct vmed_device *dev, unsigned int type,
				   struct fake_hv *hv,
				   const struct vmed_hv_ops *ops);
void fake_vgpu_destroy(struct vmed_vgpu *vgpu);

#endif /* _VMED_USER_FAKE_HV_H */
