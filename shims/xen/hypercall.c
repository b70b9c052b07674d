// SPDX-License-Identifier: GPL-2.0
/*
 * The hypervisor calls of vmed_xen on a real Xen, for a PV dom0 kernel:
 * the only file of the shim that talks to Xen.
 *
 * dm_ops are issued with HYPERVISOR_dm_op on kernel buffers (one buffer,
 * struct xen_dm_op). Event channels are interdomain channels bound with
 * late EOI. Guest frames are mapped into the kernel through the PV MMU:
 * Linux 6.12 no longer exports a way to reserve kernel virtual space
 * (alloc_vm_area is gone), so each frame gets one page of vm_map_ram()
 * space (first backed by a dummy page, so its page table exists), whose
 * PTE HYPERVISOR_mmu_update then points at the foreign frame, with the
 * guest as page owner; unmapping clears the PTE the same way before
 * vm_unmap_ram(). An auto-translated (PVH) dom0 has no PV MMU and would
 * need ballooned pages and XENMEM_add_to_physmap_batch, which are not
 * exported to modules: there every mapping fails with -EOPNOTSUPP.
 *
 * The device address of a foreign frame is its machine address, read back
 * from the PTE: what a PV dom0 without a dom0 IOMMU translation (the Xen
 * default) gives devices for its own pages too.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/xarray.h>
#include <xen/events.h>
#include <xen/xen.h>
#include <xen/xenbus.h>
#include <xen/interface/memory.h>
#include <xen/interface/hvm/dm_op.h>
#include <asm/xen/hypercall.h>
#include <asm/xen/page.h>
#include "xen.h"

/* Frames mapped per mmu_update call. */
#define MAP_CHUNK	16

static struct page *dummy_page;
/* Foreign frames mapped now: what an unload or a test checks is zero. */
static atomic_long_t foreign_mapped = ATOMIC_LONG_INIT(0);
/* irq -> the xenbus_device naming the remote domain of its channel */
static DEFINE_XARRAY(bindings);

static int dm_op(domid_t dom, struct xen_dm_op *op)
{
	struct xen_dm_op_buf buf;

	set_xen_guest_handle(buf.h, op);
	buf.size = sizeof(*op);
	return HYPERVISOR_dm_op(dom, 1, &buf);
}

static int hc_create_server(struct vmed_xen_hyp *h, domid_t dom, u8 bufioreq,
			    ioservid_t *id)
{
	struct xen_dm_op op = { .op = XEN_DMOP_create_ioreq_server };
	int ret;

	op.u.create_ioreq_server.handle_bufioreq = bufioreq;
	ret = dm_op(dom, &op);
	if (!ret)
		*id = op.u.create_ioreq_server.id;
	return ret;
}

static int hc_destroy_server(struct vmed_xen_hyp *h, domid_t dom,
			     ioservid_t id)
{
	struct xen_dm_op op = { .op = XEN_DMOP_destroy_ioreq_server };

	op.u.destroy_ioreq_server.id = id;
	return dm_op(dom, &op);
}

static int hc_map_range(struct vmed_xen_hyp *h, domid_t dom, ioservid_t id,
			u32 type, u64 start, u64 end, bool map)
{
	struct xen_dm_op op = {
		.op = map ? XEN_DMOP_map_io_range_to_ioreq_server :
			    XEN_DMOP_unmap_io_range_from_ioreq_server,
	};

	op.u.map_io_range.id = id;
	op.u.map_io_range.type = type;
	op.u.map_io_range.start = start;
	op.u.map_io_range.end = end;
	return dm_op(dom, &op);
}

static int hc_map_mem_type(struct vmed_xen_hyp *h, domid_t dom, ioservid_t id,
			   u32 flags)
{
	struct xen_dm_op op = { .op = XEN_DMOP_map_mem_type_to_ioreq_server };

	op.u.map_mem_type.id = id;
	op.u.map_mem_type.type = HVMMEM_ioreq_server;
	op.u.map_mem_type.flags = flags;
	return dm_op(dom, &op);
}

/*
 * Xen continues a long set_mem_type itself (the hypercall is restarted with
 * the progress written back into the buffer), so one call does a whole run.
 */
static int hc_set_mem_type(struct vmed_xen_hyp *h, domid_t dom, u16 type,
			   u64 first_gfn, u32 nr)
{
	struct xen_dm_op op = { .op = XEN_DMOP_set_mem_type };

	op.u.set_mem_type.nr = nr;
	op.u.set_mem_type.mem_type = type;
	op.u.set_mem_type.first_pfn = first_gfn;
	return dm_op(dom, &op);
}

static int hc_set_state(struct vmed_xen_hyp *h, domid_t dom, ioservid_t id,
			bool enabled)
{
	struct xen_dm_op op = { .op = XEN_DMOP_set_ioreq_server_state };

	op.u.set_ioreq_server_state.id = id;
	op.u.set_ioreq_server_state.enabled = enabled;
	return dm_op(dom, &op);
}

static int hc_inject_msi(struct vmed_xen_hyp *h, domid_t dom, u64 addr,
			 u32 data)
{
	struct xen_dm_op op = { .op = XEN_DMOP_inject_msi };

	op.u.inject_msi.addr = addr;
	op.u.inject_msi.data = data;
	return dm_op(dom, &op);
}

static int hc_set_intx(struct vmed_xen_hyp *h, domid_t dom, u32 sbdf, u8 intx,
		       bool level)
{
	struct xen_dm_op op = { .op = XEN_DMOP_set_pci_intx_level };

	op.u.set_pci_intx_level.domain = sbdf >> 16;
	op.u.set_pci_intx_level.bus = (sbdf >> 8) & 0xff;
	op.u.set_pci_intx_level.device = (sbdf >> 3) & 0x1f;
	op.u.set_pci_intx_level.intx = intx;
	op.u.set_pci_intx_level.level = level;
	return dm_op(dom, &op);
}

static int hc_nr_vcpus(struct vmed_xen_hyp *h, domid_t dom, unsigned int *nr)
{
	struct xen_dm_op op = { .op = XEN_DMOP_nr_vcpus };
	int ret;

	ret = dm_op(dom, &op);
	if (!ret)
		*nr = op.u.nr_vcpus.vcpus;
	return ret;
}

/*
 * Side-effect free: the server's info without its gfns. Xen destroys a
 * domain's ioreq servers when it starts dying (-ENOENT from then on, while
 * our mappings of the ioreq pages keep the domain a zombie); a domain that
 * no longer exists fails every dm_op with -ESRCH.
 */
static int hc_check_server(struct vmed_xen_hyp *h, domid_t dom, ioservid_t id)
{
	struct xen_dm_op op = { .op = XEN_DMOP_get_ioreq_server_info };

	op.u.get_ioreq_server_info.id = id;
	op.u.get_ioreq_server_info.flags = XEN_DMOP_no_gfns;
	return dm_op(dom, &op);
}

/* ---- kernel mappings of foreign frames (PV MMU) ----------------------- */

static pte_t *kernel_pte(void *va)
{
	unsigned int level;
	pte_t *pte = lookup_address((unsigned long)va, &level);

	return pte && level == PG_LEVEL_4K ? pte : NULL;
}

static void flush_va(void * const *va, unsigned int nr)
{
	struct mmuext_op ops[MAP_CHUNK];
	unsigned int i;

	for (i = 0; i < nr; i++) {
		ops[i].cmd = MMUEXT_INVLPG_ALL;
		ops[i].arg1.linear_addr = (unsigned long)va[i];
	}
	WARN_ON_ONCE(HYPERVISOR_mmuext_op(ops, nr, NULL, DOMID_SELF));
}

/*
 * Map up to MAP_CHUNK frames of @owner: guest frames (translated by Xen)
 * or, with @no_translate, machine frames (as acquire_resource returns).
 */
static void map_chunk(domid_t owner, const xen_pfn_t *frames, unsigned int nr,
		      bool no_translate, void **va, u64 *bus, int *err)
{
	struct mmu_update req[MAP_CHUNK];
	void *mapped[MAP_CHUNK];
	pte_t *ptes[MAP_CHUNK];
	unsigned int i, at, nreq, nmapped = 0;
	int done, ret;

	for (i = 0; i < nr; i++) {
		va[i] = vm_map_ram(&dummy_page, 1, NUMA_NO_NODE);
		ptes[i] = va[i] ? kernel_pte(va[i]) : NULL;
		err[i] = ptes[i] ? 0 : -ENOMEM;
		req[i].ptr = ptes[i] ? arbitrary_virt_to_machine(ptes[i]).maddr : 0;
		req[i].ptr |= no_translate ? MMU_PT_UPDATE_NO_TRANSLATE :
					     MMU_NORMAL_PT_UPDATE;
		req[i].val = pte_val_ma(mfn_pte(frames[i], PAGE_KERNEL));
	}
	/* mmu_update stops at the first bad entry: resume after it. */
	for (at = 0; at < nr; at += done + 1) {
		for (; at < nr && err[at]; at++)
			;
		for (nreq = 0; at + nreq < nr && !err[at + nreq]; nreq++)
			;
		if (!nreq)
			break;
		done = 0;
		ret = HYPERVISOR_mmu_update(req + at, nreq, &done, owner);
		if (!ret) {
			done = nreq;
			continue;
		}
		if (done >= 0 && (unsigned int)done < nreq) {
			err[at + done] = ret;
			continue;
		}
		/* No usable progress count: trust none of the run. */
		for (i = at; i < at + nreq; i++)
			err[i] = ret;
		done = nreq;
	}
	for (i = 0; i < nr; i++) {
		if (err[i]) {
			if (va[i])
				vm_unmap_ram(va[i], 1);
			va[i] = NULL;
			continue;
		}
		bus[i] = native_pte_val(*ptes[i]) & PTE_PFN_MASK;
		mapped[nmapped++] = va[i];
	}
	if (nmapped)
		flush_va(mapped, nmapped);
	atomic_long_add(nmapped, &foreign_mapped);
}

static void unmap_chunk(void * const *va, unsigned int nr)
{
	struct mmu_update req[MAP_CHUNK];
	unsigned int i, n = 0;
	pte_t *pte;

	for (i = 0; i < nr; i++) {
		pte = va[i] ? kernel_pte(va[i]) : NULL;
		if (!pte)
			continue;
		req[n].ptr = arbitrary_virt_to_machine(pte).maddr |
			     MMU_NORMAL_PT_UPDATE;
		req[n++].val = 0;
	}
	if (n)
		WARN_ON_ONCE(HYPERVISOR_mmu_update(req, n, NULL, DOMID_SELF));
	atomic_long_sub(n, &foreign_mapped);
	for (i = 0; i < nr; i++)
		if (va[i])
			vm_unmap_ram(va[i], 1);
}

static int map_foreign(domid_t owner, const xen_pfn_t *frames, unsigned int nr,
		       bool no_translate, void **va, u64 *bus, int *err)
{
	unsigned int i, n;

	if (!xen_pv_domain())
		return -EOPNOTSUPP;
	for (i = 0; i < nr; i += n) {
		n = min(nr - i, MAP_CHUNK);
		map_chunk(owner, frames + i, n, no_translate, va + i, bus + i,
			  err + i);
	}
	return 0;
}

static void hc_unmap_frames(struct vmed_xen_hyp *h, void * const *va,
			    unsigned int nr)
{
	unsigned int i, n;

	for (i = 0; i < nr; i += n) {
		n = min(nr - i, MAP_CHUNK);
		unmap_chunk(va + i, n);
	}
}

static int hc_map_frames(struct vmed_xen_hyp *h, domid_t dom, const u64 *gfns,
			 unsigned int nr, void **va, u64 *bus, int *err)
{
	xen_pfn_t frames[MAP_CHUNK];
	unsigned int i, n, k;
	int ret;

	for (i = 0; i < nr; i += n) {
		n = min(nr - i, MAP_CHUNK);
		for (k = 0; k < n; k++)
			frames[k] = gfns[i + k];
		ret = map_foreign(dom, frames, n, false, va + i, bus + i,
				  err + i);
		if (ret) {
			hc_unmap_frames(h, va, i);
			return ret;
		}
	}
	return 0;
}

/* ---- ioreq pages ------------------------------------------------------ */

/* The ioreq page is frame 1 of the resource, the buffered ring frame 0. */
static int acquire_iopages(domid_t dom, ioservid_t id, bool buffered,
			   void **va)
{
	struct xen_mem_acquire_resource xmar = {
		.domid = dom,
		.type = XENMEM_resource_ioreq_server,
		.id = id,
		.nr_frames = buffered ? 2 : 1,
		.frame = buffered ? XENMEM_resource_ioreq_server_frame_bufioreq :
				    XENMEM_resource_ioreq_server_frame_ioreq(0),
	};
	xen_pfn_t frames[2];
	domid_t owner;
	u64 bus[2];
	int err[2] = {}, ret;

	set_xen_guest_handle(xmar.frame_list, frames);
	ret = HYPERVISOR_memory_op(XENMEM_acquire_resource, &xmar);
	if (ret)
		return ret;
	if (xmar.nr_frames != (buffered ? 2 : 1))
		return -EIO;
	owner = xmar.flags & XENMEM_rsrc_acq_caller_owned ? DOMID_SELF : dom;
	ret = map_foreign(owner, frames, xmar.nr_frames, true, va, bus, err);
	if (!ret && (err[0] || (buffered && err[1]))) {
		hc_unmap_frames(NULL, va, xmar.nr_frames);
		ret = err[0] ?: err[1];
	}
	return ret;
}

/* Xen before 4.12, or without resource support: the legacy gfns. */
static int legacy_iopages(domid_t dom, ioservid_t id, bool buffered,
			  void **va)
{
	struct xen_dm_op op = { .op = XEN_DMOP_get_ioreq_server_info };
	xen_pfn_t frames[2];
	u64 bus[2];
	int err[2] = {}, ret;

	op.u.get_ioreq_server_info.id = id;
	ret = dm_op(dom, &op);
	if (ret)
		return ret;
	frames[0] = op.u.get_ioreq_server_info.bufioreq_gfn;
	frames[1] = op.u.get_ioreq_server_info.ioreq_gfn;
	ret = map_foreign(dom, buffered ? frames : frames + 1,
			  buffered ? 2 : 1, false, va, bus, err);
	if (!ret && (err[0] || (buffered && err[1]))) {
		hc_unmap_frames(NULL, va, buffered ? 2 : 1);
		ret = err[0] ?: err[1];
	}
	return ret;
}

static int hc_map_iopages(struct vmed_xen_hyp *h, domid_t dom, ioservid_t id,
			  bool buffered, struct vmed_xen_iopages *pages,
			  evtchn_port_t *buf_port)
{
	struct xen_dm_op op = { .op = XEN_DMOP_get_ioreq_server_info };
	void *va[2] = {};
	int ret;

	if (!xen_pv_domain())
		return -EOPNOTSUPP;
	ret = acquire_iopages(dom, id, buffered, va);
	if (ret) {
		pr_info("dom %u: acquire_resource failed (%d), trying the legacy ioreq gfns\n",
			dom, ret);
		ret = legacy_iopages(dom, id, buffered, va);
		if (ret)
			return ret;
	}
	if (buffered) {
		op.u.get_ioreq_server_info.id = id;
		op.u.get_ioreq_server_info.flags = XEN_DMOP_no_gfns;
		ret = dm_op(dom, &op);
		if (ret) {
			hc_unmap_frames(h, va, 2);
			return ret;
		}
		*buf_port = op.u.get_ioreq_server_info.bufioreq_port;
		pages->buf = va[0];
		pages->sync = va[1];
	} else {
		pages->buf = NULL;
		pages->sync = va[0];
	}
	return 0;
}

static void hc_unmap_iopages(struct vmed_xen_hyp *h,
			     struct vmed_xen_iopages *pages)
{
	void *va[2] = { pages->sync, pages->buf };

	hc_unmap_frames(h, va, pages->buf ? 2 : 1);
	pages->sync = NULL;
	pages->buf = NULL;
}

/* ---- event channels --------------------------------------------------- */

static int hc_bind(struct vmed_xen_hyp *h, domid_t dom,
		   evtchn_port_t remote_port, irq_handler_t handler,
		   void *dev_id, const char *name)
{
	struct xenbus_device *xb;
	int irq, ret;

	/* The event core only wants the remote domain (and counters). */
	xb = kzalloc(sizeof(*xb), GFP_KERNEL);
	if (!xb)
		return -ENOMEM;
	xb->otherend_id = dom;
	irq = bind_interdomain_evtchn_to_irqhandler_lateeoi(xb, remote_port,
							    handler, 0, name,
							    dev_id);
	if (irq < 0) {
		kfree(xb);
		return irq;
	}
	ret = xa_insert(&bindings, irq, xb, GFP_KERNEL);
	if (ret) {
		unbind_from_irqhandler(irq, dev_id);
		kfree(xb);
		return ret;
	}
	return irq;
}

static void hc_unbind(struct vmed_xen_hyp *h, int handle, void *dev_id)
{
	unbind_from_irqhandler(handle, dev_id);
	kfree(xa_erase(&bindings, handle));
}

static void hc_notify(struct vmed_xen_hyp *h, int handle)
{
	notify_remote_via_irq(handle);
}

static void hc_eoi(struct vmed_xen_hyp *h, int handle, bool spurious)
{
	xen_irq_lateeoi(handle, spurious ? XEN_EOI_FLAG_SPURIOUS : 0);
}

static const struct vmed_xen_hyp_ops real_ops = {
	.create_server = hc_create_server,
	.destroy_server = hc_destroy_server,
	.map_iopages = hc_map_iopages,
	.unmap_iopages = hc_unmap_iopages,
	.map_range = hc_map_range,
	.map_mem_type = hc_map_mem_type,
	.set_mem_type = hc_set_mem_type,
	.set_state = hc_set_state,
	.inject_msi = hc_inject_msi,
	.set_intx = hc_set_intx,
	.nr_vcpus = hc_nr_vcpus,
	.check_server = hc_check_server,
	.bind = hc_bind,
	.unbind = hc_unbind,
	.notify = hc_notify,
	.eoi = hc_eoi,
	.map_frames = hc_map_frames,
	.unmap_frames = hc_unmap_frames,
};

struct vmed_xen_hyp vmed_xen_real_hyp = { .ops = &real_ops };

/**
 * vmed_xen_foreign_mapped() - how many guest frames dom0 maps right now
 *
 * Return: the number of foreign frames mapped through vmed_xen_real_hyp
 * (ioreq pages and guest memory) and not unmapped yet.
 */
long vmed_xen_foreign_mapped(void)
{
	return atomic_long_read(&foreign_mapped);
}

/**
 * vmed_xen_hyp_init() - set up the real hypervisor calls
 *
 * Return: 0 or -ENOMEM.
 */
int vmed_xen_hyp_init(void)
{
	vmed_xen_abi_check();
	dummy_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	return dummy_page ? 0 : -ENOMEM;
}

/**
 * vmed_xen_hyp_exit() - release what vmed_xen_hyp_init() set up
 */
void vmed_xen_hyp_exit(void)
{
	WARN_ON(!xa_empty(&bindings));
	__free_page(dummy_page);
}
