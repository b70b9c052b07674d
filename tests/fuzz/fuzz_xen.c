// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzz target "xen": the Xen shim's ioreq decoding (shims/xen/ioreq.c,
 * with bind.c and memory.c as they are) against a fake Xen. A vGPU of
 * either vendor is bound to a domain; the input fills ioreq slots and the
 * buffered ring and signals their event channels, drives the guest
 * directly (generic operations, reaching the shim's hv ops), or kills
 * the domain. Every READY slot must be answered. Encoding: README.
 */
#include <string.h>
#include <linux/err.h>
#include <linux/workqueue.h>
#include <user_env.h>
#include "fake_xen.h"

#define MAX_OPS		1024

static struct fake_xen ux;
static struct vmed_xen_vgpu *cur;
static unsigned int lost;

/* Held: mapped by Xen for the shim, in its frame table and the DMA cache. */
static bool xen_pinned(struct vmed_vgpu *vgpu, u64 dma, u64 nr)
{
	u64 k, back;

	if (!cur || !fake_xen_holds(&ux, dma, nr))
		return false;
	for (k = 0; k < nr; k++, dma += PAGE_SIZE) {
		u64 gfn = (dma - FAKE_DMA_BASE) >> PAGE_SHIFT;

		if (!xa_load(&cur->frames, gfn) ||
		    vmed_dma_to_gfn(vgpu, dma, &back) || back != gfn)
			return false;
	}
	return true;
}

/*
 * The shim's frontend (frontend.c, sysfs glue this target leaves out): what
 * bind.c attaches the vGPU as.
 */
struct vmed_frontend vmed_xen_frontend = {
	.name = "xen",
	.held_state = "bound",
};

static void on_lost(void *data)
{
	lost++;
}

static const u8 req_types[8] = {
	IOREQ_TYPE_PIO, IOREQ_TYPE_COPY, IOREQ_TYPE_PCI_CONFIG,
	IOREQ_TYPE_TIMEOFFSET, IOREQ_TYPE_INVALIDATE, IOREQ_TYPE_COPY,
	IOREQ_TYPE_COPY, IOREQ_TYPE_PCI_CONFIG,
};

static u64 req_addr(struct fz *f, struct fz_in *in)
{
	u8 kind = fz_u8(in);
	u32 sbdf;
	u64 gfn;
	u64 bar_size = f->dev->vendor->pci.bars[f->dev->vendor->reg_bar].size;

	switch (kind % 4) {
	case 0:		/* the register BAR, where fz_enable puts it */
		return FZ_BAR0_GPA + (fz_u32(in) & (bar_size - 1));
	case 1:		/* config space of our function, or another */
		sbdf = kind & 4 ? fz_u16(in) : UX_SBDF;
		return (u64)sbdf << 32 | fz_u8(in);
	case 2:		/* guest RAM (tracked page tables live there) */
		gfn = fz_in_gfn(in);
		return gfn << PAGE_SHIFT | (fz_u16(in) & 0xfff);
	default:
		return fz_u64(in);
	}
}

static const u32 sizes[8] = { 1, 2, 4, 8, 4, 4, 3, 16 };

static void sync_req(struct fz *f, struct fz_in *in)
{
	unsigned int vcpu = fz_u8(in) % (ux.nr_vcpus + 1);
	struct ioreq req = {};
	u8 t = fz_u8(in), fl, state;
	u8 *flags;

	req.type = t < 0xf8 ? req_types[t % 8] : t;
	req.addr = req_addr(f, in);
	req.data = fz_u64(in);
	t = fz_u8(in);
	req.count = t & 0x80 ? fz_u32(in) : t;
	t = fz_u8(in);
	req.size = t & 0x80 ? fz_u32(in) : sizes[t % 8];
	fl = fz_u8(in);
	req.dir = fl & 1;
	req.df = !!(fl & 2);
	req.data_is_ptr = !!(fl & 4);
	state = fl & 0x18 ? fl >> 4 : STATE_IOREQ_READY;
	if (vcpu == ux.nr_vcpus)
		return;
	req.vp_eport = ux.sync->vcpu_ioreq[vcpu].vp_eport;
	memcpy(&ux.sync->vcpu_ioreq[vcpu], &req, sizeof(req));
	flags = vmed_ioreq_flags(&ux.sync->vcpu_ioreq[vcpu]);
	*flags = (*flags & ~VMED_IOREQ_STATE_MASK) | (state & 0xf);
	fake_xen_kick(&ux, vcpu);
	vmed_user_run_work();
	/* A vCPU never waits for ever. */
	if (state == STATE_IOREQ_READY && !ux.dead &&
	    (*flags & VMED_IOREQ_STATE_MASK) != STATE_IORESP_READY)
		fz_fail("ioreq on vCPU %u not answered (state %u)", vcpu,
			*flags & VMED_IOREQ_STATE_MASK);
}

static void buffered(struct fz *f, struct fz_in *in)
{
	struct buffered_iopage *bp = ux.buf;
	unsigned int i, n = fz_u8(in) % 16;
	u8 how = fz_u8(in);
	u64 gfn;

	for (i = 0; i < n; i++) {
		struct buf_ioreq *s = &bp->buf_ioreq[(bp->write_pointer + i) %
						     IOREQ_BUFFER_SLOT_NUM];
		u8 t = fz_u8(in);

		s->type = t < 0xf8 ? req_types[t % 8] : t;
		s->dir = !!(t & 0x10) && (t & 0x20);
		s->size = fz_u8(in) & 3;
		gfn = fz_in_gfn(in);
		s->addr = (gfn << PAGE_SHIFT | (fz_u16(in) & 0xfff)) & 0xfffff;
		s->data = fz_u32(in);
	}
	if (how & 1)
		bp->write_pointer = fz_u32(in);
	else
		bp->write_pointer += n;
	if (how & 2)
		bp->read_pointer = fz_u32(in);
	fake_xen_kick(&ux, VMED_XEN_BUF_SLOT);
	vmed_user_run_work();
}

static void check_xen(struct fz *f)
{
	unsigned long tracked = 0, frames = 0, index;
	void *entry;

	if (ux.errors)
		fz_fail("fake Xen misused %lu times", ux.errors);
	xa_for_each(&cur->frames, index, entry)
		frames++;
	if (ux.mapped != frames || frames != f->vgpu->dma.nr_entries)
		fz_fail("Xen maps %ld frames, the shim holds %lu, the core %lu",
			ux.mapped, frames, f->vgpu->dma.nr_entries);
	if (ux.dead)
		return;
	xa_for_each(&cur->track, index, entry)
		tracked++;
	if (ux.tracked != tracked)
		fz_fail("Xen has %ld frames of type ioreq_server, the shim %lu",
			ux.tracked, tracked);
	tracked = 0;
	xa_for_each(&f->vgpu->ppgtt.tracked, index, entry)
		tracked++;
	if (ux.tracked != tracked)
		fz_fail("Xen tracks %ld frames, the core %lu", ux.tracked,
			tracked);
}

static bool never(struct vmed_vgpu *vgpu, u64 dma, u64 nr)
{
	return false;
}

int fz_test_one_input(const u8 *data, size_t size)
{
	struct fz_in in = { data, size };
	struct vmed_xen_opts opts = {
		.sbdf = UX_SBDF,
		.lost = on_lost,
	};
	unsigned int ops = 0, i;
	struct fake_hv *ram;
	struct fz f;
	u8 hdr = fz_u8(&in);

	fz_begin(&f, hdr & 1 ? FZ_NVSTUB : FZ_I915, false, false);
	ram = fake_hv_create(FZ_FRAMES);
	if (!ram)
		abort();
	fake_xen_init(&ux, ram, (hdr >> 2) % 4 + 1);
	opts.buffered = hdr & 2;
	f.ram = ram;
	f.pinned = xen_pinned;
	lost = 0;
	cur = vmed_xen_setup(&ux.hyp, f.vgpu, UX_DOMID, &opts);
	if (IS_ERR(cur))
		fz_fail("binding failed: %ld", PTR_ERR(cur));
	vmed_user_run_work();
	if (hdr & 0x10)
		fz_enable(&f);

	while (ops++ < MAX_OPS && in.left) {
		switch (fz_u8(&in) % 5) {
		case 0:
			sync_req(&f, &in);
			break;
		case 1:
			if (opts.buffered)
				buffered(&f, &in);
			break;
		case 2:
			fz_op(&f, &in, FZ_OPS_REGS | FZ_OPS_MEM);
			break;
		case 3:
			ux.dead = true;
			vmed_xen_check_domains();
			vmed_user_run_work();
			if (lost != 1)
				fz_fail("dead domain reported lost %u times",
					lost);
			break;
		default:
			fake_xen_kick(&ux, fz_u8(&in) % (VMED_XEN_BUF_SLOT + 1));
			vmed_user_run_work();
			break;
		}
		check_xen(&f);
		fz_check(&f);
	}

	/* Detaching destroys every shadow, the harness's too. */
	if (f.mm) {
		mutex_lock(&f.vgpu->lock);
		vmed_ppgtt_put(f.vgpu, f.mm);
		mutex_unlock(&f.vgpu->lock);
		f.mm = NULL;
	}
	vmed_xen_teardown(cur);
	vmed_user_run_work();
	cur = NULL;
	f.pinned = never;
	if (ux.errors || ux.mapped || ux.bound || ux.pages)
		fz_fail("teardown left: %lu errors, %ld mapped, %d ports, %d pages",
			ux.errors, ux.mapped, ux.bound, ux.pages);
	if (!ux.dead && (ux.servers || ux.nr_ranges || ux.tracked ||
			 ux.claimed || ux.enabled))
		fz_fail("teardown left: %d servers, %d ranges, %ld tracked, claim %d, enabled %d",
			ux.servers, ux.nr_ranges, ux.tracked, ux.claimed,
			ux.enabled);
	for (i = 0; i < ux.nr_vcpus && !ux.dead; i++)
		if ((*vmed_ioreq_flags(&ux.sync->vcpu_ioreq[i]) &
		     VMED_IOREQ_STATE_MASK) == STATE_IOREQ_READY)
			fz_fail("vCPU %u left waiting after teardown", i);
	fz_end(&f);
	fake_hv_destroy(ram);
	fake_xen_fini(&ux);
	return 0;
}
