// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target "gpfifo": the nvidia-stub GPFIFO parser and copy engine. A
 * fixed scene (channel 0 bound to a page directory mapping pushbuffer,
 * data and semaphore pages, 64 KiB and 2 MiB pages; the GPFIFO ring in the
 * aperture; interrupts enabled) is set up; the input gives the GPFIFO
 * entries, GP_PUT and the pushbuffer contents, then rings the doorbell.
 * Encoding: README.
 */
#include "../../vendors/nvidia-stub/nvstub.h"
#include "fuzz.h"

/* Guest frames of the scene */
enum {
	G_RING = 10, G_PD = 20, G_PT = 21,
	G_PB = 30,		/* pushbuffer: 4 pages at PB_VA */
	G_DATA = 40,		/* data: 8 pages at DATA_VA, the last read-only */
	G_SEM = 60,
	G_BIGP = 64,		/* 64 KiB page at BIGP_VA (16 frames) */
	G_HUGE = 512,		/* 2 MiB page at 2 MiB */
};

#define PB_PAGES	4
#define DATA_PAGES	8
#define PB_VA		0x1000ULL
#define DATA_VA		0x8000ULL
#define SEM_VA		0x20000ULL
#define BIGP_VA		0x40000ULL
#define CH0		NVS_CHAN(0)

static void pt_map(struct fz *f, u64 va, u64 gfn, bool writable)
{
	u64 pte = NVS_PTE(gfn);

	if (!writable)
		pte &= ~NVS_PTE_WRITE;
	fz_write64(f, (G_PT << PAGE_SHIFT) + (va >> 12) * 8, pte);
}

static const u64 va_table[8] = {
	PB_VA, DATA_VA, SEM_VA, BIGP_VA, SZ_2M, DATA_VA + 7 * PAGE_SIZE,
	0x3f000, 0x100000,
};

int fz_test_one_input(const u8 *data, size_t size)
{
	const struct vmed_pte_format *apt = &vmed_nvs_vendor.ggtt_format;
	struct fz_in in = { data, size };
	struct fz f;
	u8 flags = fz_u8(&in), order = flags % 4, nr = fz_u8(&in);
	u32 entries = 1U << (order + 1), put, i, index;
	u64 *ring;

	fz_begin(&f, FZ_NVSTUB, false, true);
	fz_enable(&f);
	index = f.vgpu->ggtt.first[VMED_GM_MAPPABLE];
	fz_mmio_write(&f, NVS_APT_OFFSET + index * 8ULL,
		      fz_pte(apt, G_RING, true), 8);
	fz_write64(&f, G_PD << PAGE_SHIFT, NVS_PTE(G_PT));
	fz_write64(&f, (G_PD << PAGE_SHIFT) + 8, NVS_PTE(G_HUGE) | NVS_PDE_BIG);
	for (i = 0; i < PB_PAGES; i++)
		pt_map(&f, PB_VA + i * PAGE_SIZE, G_PB + i, true);
	for (i = 0; i < DATA_PAGES; i++)
		pt_map(&f, DATA_VA + i * PAGE_SIZE, G_DATA + i,
		       i != DATA_PAGES - 1);
	pt_map(&f, SEM_VA, G_SEM, true);
	fz_write64(&f, (G_PT << PAGE_SHIFT) + (BIGP_VA >> 12) * 8,
		   NVS_PTE(G_BIGP) | NVS_PTE_BIG);
	fz_mmio_write(&f, NVS_INTR_STALL + NVS_INTR_IMR, 0, 4);
	fz_mmio_write(&f, NVS_INTR_STALL + NVS_INTR_IER, ~0u, 4);
	fz_mmio_write(&f, NVS_INTR_NONSTALL + NVS_INTR_IMR, 0, 4);
	fz_mmio_write(&f, NVS_INTR_NONSTALL + NVS_INTR_IER, ~0u, 4);
	fz_mmio_write(&f, NVS_INTR_MASTER, NVS_INTR_MASTER_ENABLE, 4);
	fz_mmio_write(&f, CH0 + NVS_CH_GPFIFO_BASE, (u64)index << PAGE_SHIFT, 8);
	fz_mmio_write(&f, CH0 + NVS_CH_GPFIFO_ENTRIES, entries, 4);
	fz_mmio_write(&f, CH0 + NVS_CH_PDB, G_PD << PAGE_SHIFT, 8);
	fz_mmio_write(&f, CH0 + NVS_CH_CTRL, NVS_CH_CTRL_ENABLE, 4);

	/* Entries: a VA from the table plus an offset, or raw. */
	ring = fake_frame(f.ram, G_RING);
	for (i = 0; i < nr % (entries + 1); i++) {
		u8 kind = fz_u8(&in);

		u64 va;

		if (kind & 0x80) {
			ring[i] = fz_u64(&in);
			continue;
		}
		va = va_table[kind % 8] + (fz_u16(&in) & ~3u);
		ring[i] = NVS_GP_ENTRY(va, fz_u16(&in) % (NVS_PB_MAX_DWORDS + 2));
	}
	put = flags & 0x40 ? fz_u32(&in) : nr % (entries + 1) % entries;
	for (i = 0; i < PB_PAGES && in.left; i++)
		fz_bytes(&in, fake_frame(f.ram, G_PB + i), PAGE_SIZE);
	fz_mmio_write(&f, CH0 + NVS_CH_GP_PUT, put, 4);
	fz_mmio_write(&f, CH0 + NVS_CH_DOORBELL, 1, 4);
	fz_check(&f);
	if (flags & 0x20) {
		/* Once round the ring again, with what it left in memory. */
		fz_mmio_write(&f, CH0 + NVS_CH_GP_PUT, 0, 4);
		fz_mmio_write(&f, CH0 + NVS_CH_DOORBELL, 1, 4);
	}
	if (flags & 0x10) {
		/* Unbound with entries still queued: the engine drops them. */
		if (flags & 0x08)
			fz_mmio_write_queued(&f, CH0 + NVS_CH_DOORBELL, 1, 4);
		fz_mmio_write(&f, CH0 + NVS_CH_CTRL, 0, 4);
	}
	fz_end(&f);
	return 0;
}
