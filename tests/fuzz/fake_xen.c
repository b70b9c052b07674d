// SPDX-License-Identifier: GPL-2.0
/*
 * The fake Xen of the "xen" fuzz target; see fake_xen.h.
 */
#include <stdlib.h>
#include <string.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include "fake_xen.h"

static struct fake_xen *to_ux(struct vmed_xen_hyp *h)
{
	return container_of(h, struct fake_xen, hyp);
}

static int ux_nr_vcpus(struct vmed_xen_hyp *h, domid_t dom, unsigned int *nr)
{
	struct fake_xen *ux = to_ux(h);

	if (ux->dead || dom != UX_DOMID)
		return -ESRCH;
	*nr = ux->nr_vcpus;
	return 0;
}

static int ux_create(struct vmed_xen_hyp *h, domid_t dom, u8 bufioreq,
		     ioservid_t *id)
{
	struct fake_xen *ux = to_ux(h);

	if (ux->dead)
		return -ESRCH;
	if (ux->servers++)
		ux->errors++;
	*id = 1;
	return 0;
}

static int ux_destroy(struct vmed_xen_hyp *h, domid_t dom, ioservid_t id)
{
	struct fake_xen *ux = to_ux(h);

	if (ux->dead)
		return -ESRCH;
	if (id != 1 || !ux->servers) {
		ux->errors++;
		return -ENOENT;
	}
	/* Xen would drop these with the server; the shim releases them. */
	if (ux->nr_ranges || ux->claimed || ux->enabled)
		ux->errors++;
	ux->servers--;
	return 0;
}

static int ux_map_iopages(struct vmed_xen_hyp *h, domid_t dom, ioservid_t id,
			  bool buffered, struct vmed_xen_iopages *pages,
			  evtchn_port_t *buf_port)
{
	struct fake_xen *ux = to_ux(h);

	if (ux->dead)
		return -ESRCH;
	pages->sync = ux->sync;
	pages->buf = buffered ? ux->buf : NULL;
	*buf_port = UX_BUF_PORT;
	ux->pages++;
	return 0;
}

static void ux_unmap_iopages(struct vmed_xen_hyp *h,
			     struct vmed_xen_iopages *pages)
{
	struct fake_xen *ux = to_ux(h);

	if (ux->pages-- != 1 || pages->sync != ux->sync)
		ux->errors++;
}

static int ux_map_range(struct vmed_xen_hyp *h, domid_t dom, ioservid_t id,
			u32 type, u64 start, u64 end, bool map)
{
	struct fake_xen *ux = to_ux(h);
	int i;

	if (ux->dead)
		return -ESRCH;
	if (start > end || !ux->servers)
		return -EINVAL;
	for (i = 0; i < UX_MAX_RANGES; i++) {
		struct ux_range *r = &ux->ranges[i];

		if (map && !r->used) {
			r->used = true;
			r->type = type;
			r->start = start;
			r->end = end;
			ux->nr_ranges++;
			return 0;
		}
		if (!map && r->used && r->type == type && r->start == start &&
		    r->end == end) {
			r->used = false;
			ux->nr_ranges--;
			return 0;
		}
	}
	if (!map)
		ux->errors++;	/* unmapping a range never mapped */
	return map ? -ENOSPC : -ENOENT;
}

static int ux_map_mem_type(struct vmed_xen_hyp *h, domid_t dom, ioservid_t id,
			   u32 flags)
{
	struct fake_xen *ux = to_ux(h);

	if (ux->dead)
		return -ESRCH;
	/* Releasing the type resets every frame of it to ram_rw. */
	if (!flags && ux->tracked)
		ux->errors++;
	ux->claimed = flags;
	return 0;
}

static int ux_set_mem_type(struct vmed_xen_hyp *h, domid_t dom, u16 type,
			   u64 first_gfn, u32 nr)
{
	struct fake_xen *ux = to_ux(h);
	u64 gfn;

	if (ux->dead)
		return -ESRCH;
	if (type != HVMMEM_ram_rw && type != HVMMEM_ioreq_server)
		return -EINVAL;
	if (type == HVMMEM_ioreq_server && !ux->claimed)
		return -EINVAL;
	if (!nr || first_gfn >= FZ_FRAMES || nr > FZ_FRAMES - first_gfn)
		return -EINVAL;
	for (gfn = first_gfn; gfn < first_gfn + nr; gfn++) {
		if (ux->memtype[gfn] == type) {
			/* The core tracks a frame once. */
			if (type == HVMMEM_ioreq_server)
				ux->errors++;
			continue;
		}
		ux->tracked += type == HVMMEM_ioreq_server ? 1 : -1;
		ux->memtype[gfn] = type;
	}
	return 0;
}

static int ux_set_state(struct vmed_xen_hyp *h, domid_t dom, ioservid_t id,
			bool enabled)
{
	struct fake_xen *ux = to_ux(h);
	unsigned int i;

	if (ux->dead)
		return -ESRCH;
	if (!ux->servers || !ux->pages)
		ux->errors++;
	ux->enabled = enabled;
	for (i = 0; enabled && i < ux->nr_vcpus; i++)
		ux->sync->vcpu_ioreq[i].vp_eport = UX_PORT_BASE + i;
	return 0;
}

static int ux_inject_msi(struct vmed_xen_hyp *h, domid_t dom, u64 addr,
			 u32 data)
{
	struct fake_xen *ux = to_ux(h);

	if (ux->dead)
		return -ESRCH;
	ux->msis++;
	return 0;
}

static int ux_set_intx(struct vmed_xen_hyp *h, domid_t dom, u32 sbdf, u8 intx,
		       bool level)
{
	return to_ux(h)->dead ? -ESRCH : 0;
}

static int ux_check_server(struct vmed_xen_hyp *h, domid_t dom, ioservid_t id)
{
	return to_ux(h)->dead ? -ESRCH : 0;
}

static int ux_bind(struct vmed_xen_hyp *h, domid_t dom,
		   evtchn_port_t remote_port, irq_handler_t handler,
		   void *dev_id, const char *name)
{
	struct fake_xen *ux = to_ux(h);
	unsigned int index;

	if (ux->dead)
		return -ESRCH;
	if (remote_port == UX_BUF_PORT)
		index = VMED_XEN_BUF_SLOT;
	else if (remote_port >= UX_PORT_BASE &&
		 remote_port - UX_PORT_BASE < ux->nr_vcpus)
		index = remote_port - UX_PORT_BASE;
	else
		return -EINVAL;
	if (ux->ports[index].bound)
		ux->errors++;
	ux->ports[index] = (struct ux_port){ true, remote_port, handler,
					     dev_id };
	ux->bound++;
	return index;
}

static void ux_unbind(struct vmed_xen_hyp *h, int handle, void *dev_id)
{
	struct fake_xen *ux = to_ux(h);

	if (handle < 0 || handle > VMED_XEN_BUF_SLOT ||
	    !ux->ports[handle].bound || ux->ports[handle].dev_id != dev_id) {
		ux->errors++;
		return;
	}
	ux->ports[handle].bound = false;
	ux->bound--;
}

static void ux_notify(struct vmed_xen_hyp *h, int handle)
{
	struct fake_xen *ux = to_ux(h);

	if (handle < 0 || handle > VMED_XEN_BUF_SLOT || !ux->ports[handle].bound)
		ux->errors++;
	ux->notifies++;
}

static void ux_eoi(struct vmed_xen_hyp *h, int handle, bool spurious)
{
	struct fake_xen *ux = to_ux(h);

	if (handle < 0 || handle > VMED_XEN_BUF_SLOT || !ux->ports[handle].bound)
		ux->errors++;
	ux->eois++;
}

static int ux_map_frames(struct vmed_xen_hyp *h, domid_t dom, const u64 *gfns,
			 unsigned int nr, void **va, u64 *bus, int *err)
{
	struct fake_xen *ux = to_ux(h);
	unsigned int i;

	if (ux->dead)
		return -ESRCH;
	for (i = 0; i < nr; i++) {
		if (gfns[i] >= FZ_FRAMES) {
			va[i] = NULL;
			err[i] = -EINVAL;
			continue;
		}
		va[i] = fake_frame(ux->ram, gfns[i]);
		bus[i] = fake_dma_of(ux->ram, gfns[i]);
		err[i] = 0;
		ux->map_count[gfns[i]]++;
		ux->mapped++;
	}
	return 0;
}

static void ux_unmap_frames(struct vmed_xen_hyp *h, void * const *va,
			    unsigned int nr)
{
	struct fake_xen *ux = to_ux(h);
	unsigned int i;
	u64 gfn;

	for (i = 0; i < nr; i++) {
		for (gfn = 0; gfn < FZ_FRAMES; gfn++)
			if (ux->ram->frames[gfn] == va[i])
				break;
		if (!va[i] || gfn == FZ_FRAMES || !ux->map_count[gfn]) {
			ux->errors++;
			continue;
		}
		ux->map_count[gfn]--;
		ux->mapped--;
	}
}

static const struct vmed_xen_hyp_ops ux_ops = {
	.create_server = ux_create,
	.destroy_server = ux_destroy,
	.map_iopages = ux_map_iopages,
	.unmap_iopages = ux_unmap_iopages,
	.map_range = ux_map_range,
	.map_mem_type = ux_map_mem_type,
	.set_mem_type = ux_set_mem_type,
	.set_state = ux_set_state,
	.inject_msi = ux_inject_msi,
	.set_intx = ux_set_intx,
	.nr_vcpus = ux_nr_vcpus,
	.check_server = ux_check_server,
	.bind = ux_bind,
	.unbind = ux_unbind,
	.notify = ux_notify,
	.eoi = ux_eoi,
	.map_frames = ux_map_frames,
	.unmap_frames = ux_unmap_frames,
};

void fake_xen_init(struct fake_xen *ux, struct fake_hv *ram,
		   unsigned int nr_vcpus)
{
	memset(ux, 0, sizeof(*ux));
	ux->hyp.ops = &ux_ops;
	ux->ram = ram;
	ux->nr_vcpus = nr_vcpus;
	ux->sync = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
	ux->buf = aligned_alloc(PAGE_SIZE, PAGE_SIZE);
	if (!ux->sync || !ux->buf)
		abort();
	memset(ux->sync, 0, PAGE_SIZE);
	memset(ux->buf, 0, PAGE_SIZE);
}

void fake_xen_fini(struct fake_xen *ux)
{
	free(ux->sync);
	free(ux->buf);
}

void fake_xen_kick(struct fake_xen *ux, unsigned int index)
{
	struct ux_port *p = &ux->ports[index];

	if (index <= VMED_XEN_BUF_SLOT && p->bound)
		p->handler(0, p->dev_id);
}

bool fake_xen_holds(struct fake_xen *ux, u64 bus, u64 nr)
{
	u64 k, gfn;

	for (k = 0; k < nr; k++, bus += PAGE_SIZE) {
		if (bus < FAKE_DMA_BASE || offset_in_page(bus))
			return false;
		gfn = (bus - FAKE_DMA_BASE) >> PAGE_SHIFT;
		if (gfn >= FZ_FRAMES || !ux->map_count[gfn])
			return false;
	}
	return true;
}
