/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nvidia-stub: internal interfaces between the files of the vendor backend
 * and its KUnit suite. The device model itself is described at the top of
 * main.c and in README.
 */
#ifndef _VMED_NVSTUB_H
#define _VMED_NVSTUB_H

#include <linux/bits.h>
#include <linux/sizes.h>
#include <linux/types.h>
#include <vmed/sched.h>
#include <vmed/vgpu.h>

/* PCI identity and BARs */
#define NVS_PCI_VENDOR		0x10de
#define NVS_PCI_DEVICE		0x0f5b	/* not a real product ID: a model */
#define NVS_PCI_CLASS		0x030200	/* 3D controller */
#define NVS_MSI_CAP		0x68
#define NVS_BAR0_SIZE		SZ_16M
#define NVS_BAR2_SIZE		SZ_256M
#define NVS_MMIO_SIZE		SZ_1M
/* Aperture page table (APT): flat GGTT-like table in BAR0 */
#define NVS_APT_OFFSET		0x800000
#define NVS_GM_MAPPABLE		SZ_128M
#define NVS_GM_HIDDEN		(SZ_256M + SZ_128M)

/* Global registers */
#define NVS_BOOT0		0x000000	/* RO: model id */
#define NVS_BOOT0_VALUE		0x5b0000a1
#define NVS_ERR_COUNT		0x000004	/* RO: entries failed on this vGPU */
#define NVS_INTR_MASTER		0x000100
#define NVS_INTR_MASTER_ENABLE	BIT(31)
#define NVS_INTR_STALL		0x000110	/* ISR/IMR/IIR/IER at +0/4/8/c */
#define NVS_INTR_NONSTALL	0x000120
#define NVS_INTR_ISR		0x0
#define NVS_INTR_IMR		0x4
#define NVS_INTR_IIR		0x8
#define NVS_INTR_IER		0xc

/* Stall group bits */
#define NVS_STALL_COPY_DONE	BIT(0)
#define NVS_STALL_ERROR		BIT(1)
/* Non-stall group bits */
#define NVS_NONSTALL_SEMA	BIT(0)

/* vendor event numbers */
enum nvs_event {
	NVS_EV_COPY_DONE,
	NVS_EV_ERROR,
	NVS_EV_NONSTALL,
	NVS_NR_EVENTS,
};

/* Channels: one register block of 0x40 bytes each */
#define NVS_MAX_CHANNELS	4
#define NVS_CHAN_BASE		0x002000
#define NVS_CHAN_STRIDE		0x40
#define NVS_CHAN(c)		(NVS_CHAN_BASE + (c) * NVS_CHAN_STRIDE)
#define NVS_CH_GPFIFO_BASE	0x00	/* 8 bytes: graphics memory address */
#define NVS_CH_GPFIFO_ENTRIES	0x08	/* power of two, 1..NVS_GPFIFO_MAX */
#define NVS_CH_GP_GET		0x0c	/* RO: next entry the engine reads */
#define NVS_CH_GP_PUT		0x10	/* guest: one past the last entry */
#define NVS_CH_CTRL		0x14	/* bit 0: enable (bind) */
#define NVS_CH_PDB		0x18	/* 8 bytes: GPA of the page directory */
#define NVS_CH_DOORBELL		0x20	/* write: consume GET..PUT */
#define NVS_CH_ERROR		0x24	/* W1C: NVS_ERR_* seen */
#define NVS_CH_ERR_ENTRY	0x28	/* RO: GPFIFO index of the last failure */
#define NVS_CH_CTRL_ENABLE	BIT(0)

/* NVS_CH_ERROR bits */
#define NVS_ERR_METHOD		BIT(0)	/* unknown method, bad count, no state */
#define NVS_ERR_LENGTH		BIT(1)	/* copy or segment length out of bounds */
#define NVS_ERR_FAULT		BIT(2)	/* address unmapped or read-only */
#define NVS_ERR_GPFIFO		BIT(3)	/* ring entry unreadable or malformed */
#define NVS_ERR_PUT		BIT(4)	/* GP_PUT outside the ring */
#define NVS_ERR_BIND		BIT(5)	/* enable refused */
#define NVS_ERR_DISABLED	BIT(6)	/* doorbell on an unbound channel */
#define NVS_ERR_TIMEOUT		BIT(7)	/* stopped by the device's watchdog */

#define NVS_GPFIFO_MAX		1024
/* GPFIFO entry: VA in bits 39:0 (dword aligned), dwords in bits 61:40 */
#define NVS_GP_VA		GENMASK_ULL(39, 0)
#define NVS_GP_LEN		GENMASK_ULL(61, 40)
#define NVS_GP_RSVD		GENMASK_ULL(63, 62)
#define NVS_GP_ENTRY(va, dw)	((u64)(va) | (u64)(dw) << 40)
#define NVS_PB_MAX_DWORDS	4096	/* one segment: 16 KiB */

/* Method header: method in bits 7:0, data dwords in bits 15:8, rest 0 */
#define NVS_MTHD(m, n)		((u32)(m) | (u32)(n) << 8)
enum nvs_method {
	NVS_M_NOP,
	NVS_M_SET_SRC,		/* 2: VA low, high */
	NVS_M_SET_DST,		/* 2: VA low, high */
	NVS_M_SET_LENGTH,	/* 1: bytes */
	NVS_M_LAUNCH_COPY,	/* 0 */
	NVS_M_SEMAPHORE_ADDRESS,	/* 2: VA low, high; dword aligned */
	NVS_M_SEMAPHORE_RELEASE,	/* 1: payload */
	NVS_M_NONSTALL_INTERRUPT,	/* 0 */
	NVS_NR_METHODS,
};

#define NVS_COPY_MAX		SZ_16M		/* one LAUNCH_COPY */
#define NVS_DOORBELL_BUDGET	SZ_64M		/* copy bytes per doorbell */
#define NVS_STEP_BYTES		SZ_64K		/* copied per engine step */
#define NVS_STEP_METHODS	64		/* methods per engine step */
#define NVS_VA_BITS		30		/* two levels of 9 bits + 12 */

/* Page-table entries (APT and channel page tables) */
#define NVS_PTE_VALID		BIT_ULL(0)
#define NVS_PTE_WRITE		BIT_ULL(1)
#define NVS_PTE_VOL		BIT_ULL(2)	/* volatile (uncached), kept */
#define NVS_PDE_BIG		BIT_ULL(3)	/* page directory: maps 2 MiB */
#define NVS_PTE_BIG		BIT_ULL(3)	/* page table: maps 64 KiB */
#define NVS_BIG_PAGE_SHIFT	16
#define NVS_PTE_FRAME		GENMASK_ULL(39, 8)
#define NVS_PTE(gfn)		((u64)(gfn) << 8 | NVS_PTE_VALID | NVS_PTE_WRITE)

enum nvs_type { NVS_TYPE_1C, NVS_TYPE_2C, NVS_TYPE_4C, NVS_NR_TYPES };

/**
 * struct nvs_channel - engine-side state of one channel
 * @mm: the bound address space, NULL while the channel is not bound
 * @gen: changes with every bind and unbind: work queued under an older
 *	binding is dropped without a word (its GP_GET is not the channel's
 *	any more)
 * @fetch: the next GPFIFO entry a doorbell queues (GP_GET when idle)
 * @inflight: entries queued and not completed
 * @copied: an entry of the current doorbell executed a copy: COPY_DONE is
 *	raised when the doorbell's last entry completes
 */
struct nvs_channel {
	struct vmed_ppgtt_mm *mm;
	u32 gen;
	u32 fetch;
	unsigned int inflight;
	bool copied;
};

/**
 * struct nvs_vgpu - per-vGPU vendor state (vmed_vgpu_vendor_data())
 * @chan: channels
 * @bounce: copy buffer, one page
 * @errors: GPFIFO entries and doorbells that failed (NVS_ERR_COUNT)
 * @entries: GPFIFO entries executed
 * @copies: copies executed
 * @copy_bytes: bytes copied
 * @releases: semaphore releases executed
 */
struct nvs_vgpu {
	struct nvs_channel chan[NVS_MAX_CHANNELS];
	void *bounce;
	u64 errors;
	u64 entries;
	u64 copies;
	u64 copy_bytes;
	u64 releases;
};

static inline struct nvs_vgpu *nvs_vgpu(struct vmed_vgpu *vgpu)
{
	return vmed_vgpu_vendor_data(vgpu);
}

extern const struct vmed_vendor vmed_nvs_vendor;
extern const struct vmed_vendor_ops vmed_nvs_ops;

/* channel.c */
int vmed_nvs_channel_bind(struct vmed_vgpu *vgpu, unsigned int c);
void vmed_nvs_channel_unbind(struct vmed_vgpu *vgpu, unsigned int c);
void vmed_nvs_channel_reset(struct vmed_vgpu *vgpu, unsigned int c);
int vmed_nvs_doorbell(struct vmed_vgpu *vgpu, unsigned int c);
int vmed_nvs_wl_step(struct vmed_vgpu *vgpu, struct vmed_workload *wl);
void vmed_nvs_wl_complete(struct vmed_vgpu *vgpu, struct vmed_workload *wl,
			  int status);
void vmed_nvs_channel_error(struct vmed_vgpu *vgpu, unsigned int c, u32 err,
			    u32 entry);

/* copy.c */
int vmed_nvs_copy_check(struct vmed_vgpu *vgpu, struct vmed_ppgtt_mm *mm, u64 va,
			u64 len, bool write);
int vmed_nvs_copy(struct vmed_vgpu *vgpu, struct vmed_ppgtt_mm *mm, u64 dst,
		  u64 src, u64 len);

#endif /* _VMED_NVSTUB_H */
