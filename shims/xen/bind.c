// SPDX-License-Identifier: GPL-2.0
/*
 * Binding a vGPU to a Xen domain: the ioreq server's life.
 *
 * Setup: attach the vGPU to the core first (refused while another frontend
 * holds it, before the domain is touched); then, in the order Xen needs
 * it: learn the vCPU count; create the server (with a buffered ring if
 * asked); map its page(s) while it is still disabled (the legacy gfns
 * leave the guest's p2m on enable); claim the guest PCI address; claim the
 * ioreq_server memory type for write tracking (without it the vGPU is
 * attached again without track ops, and the core revalidates page tables
 * instead); enable the server, which makes Xen write each vCPU's event
 * channel port into its slot; bind those ports.
 *
 * Teardown undoes it in reverse and cannot fail: with the domain gone every
 * hypercall fails, and that is ignored. Requests still waiting are answered
 * (all ones) so no vCPU of a live guest stays blocked on us.
 *
 * Domain death: vmed_xen_check_domains() (on each @releaseDomain watch
 * event on real Xen) asks Xen whether each binding's server still exists;
 * a hypercall failing with -ESRCH while serving does the same through a
 * work item. A binding whose domain is dead or dying stops serving (the
 * worker leaves the ioreq pages alone) and its lost callback asks for the
 * teardown, which unmaps what keeps a dying domain a zombie.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/stringify.h>
#include "xen.h"

/* Every set-up binding; the lock is never taken inside the vGPU lock. */
static LIST_HEAD(bindings);
static DEFINE_MUTEX(bindings_lock);

static void check_work_fn(struct work_struct *work)
{
	vmed_xen_check_domains();
}

static DECLARE_WORK(check_work, check_work_fn);

/*
 * Whether @err from check_server says the domain is dead (-ESRCH) or
 * dying (-ENOENT: Xen destroyed its ioreq servers).
 */
static bool err_says_gone(int err)
{
	return err == -ESRCH || err == -ENOENT;
}

static const struct vmed_xen_hyp_ops *ops_of(struct vmed_xen_vgpu *xv)
{
	return xv->hyp->ops;
}

static int bind_port(struct vmed_xen_vgpu *xv, unsigned int index,
		     evtchn_port_t remote)
{
	struct vmed_xen_port *port = &xv->ports[index];
	int handle;

	port->xv = xv;
	port->index = index;
	port->remote = remote;
	handle = ops_of(xv)->bind(xv->hyp, xv->domid, remote, vmed_xen_event,
				  port, "vmed_xen");
	if (handle < 0)
		return handle;
	port->handle = handle;
	return 0;
}

static int bind_ports(struct vmed_xen_vgpu *xv, evtchn_port_t buf_port)
{
	unsigned int i;
	int ret;

	for (i = 0; i < xv->nr_vcpus; i++) {
		ret = bind_port(xv, i,
				READ_ONCE(xv->pages.sync->vcpu_ioreq[i].vp_eport));
		if (ret)
			return ret;
	}
	if (xv->pages.buf) {
		ret = bind_port(xv, VMED_XEN_BUF_SLOT, buf_port);
		if (ret)
			return ret;
	}
	/* Anything that became READY before we listened. */
	bitmap_fill(xv->pending, VMED_XEN_MAX_VCPUS + 1);
	queue_work(xv->wq, &xv->work);
	return 0;
}

static void unbind_ports(struct vmed_xen_vgpu *xv)
{
	unsigned int i;

	for (i = 0; i <= VMED_XEN_BUF_SLOT; i++) {
		if (xv->ports[i].handle < 0)
			continue;
		ops_of(xv)->unbind(xv->hyp, xv->ports[i].handle, &xv->ports[i]);
		xv->ports[i].handle = -1;
	}
}

/*
 * Attach the vGPU with @ops. On failure *@why says why for the caller's
 * line, or is NULL when the core logged the refusal itself (another
 * frontend holds the vGPU).
 */
static int attach(struct vmed_xen_vgpu *xv, const struct vmed_hv_ops *ops,
		  const char **why)
{
	int ret;

	ret = vmed_vgpu_attach(xv->vgpu, &vmed_xen_frontend, ops, xv);
	if (!ret)
		xv->attached = true;
	else if (ret == -EBUSY)
		*why = NULL;
	else if (ret == -ENODEV)
		*why = "the vGPU is being removed";
	else
		*why = "the core refused the hypervisor ops";
	return ret;
}

/**
 * vmed_xen_setup() - serve @vgpu to domain @domid through @hyp
 * @hyp: the hypervisor calls
 * @vgpu: a vGPU not attached to any hypervisor
 * @domid: the HVM guest
 * @opts: guest PCI address and buffering
 *
 * Return: the binding, or an ERR_PTR() with nothing left behind.
 */
struct vmed_xen_vgpu *vmed_xen_setup(struct vmed_xen_hyp *hyp,
				     struct vmed_vgpu *vgpu, domid_t domid,
				     const struct vmed_xen_opts *opts)
{
	const struct vmed_hv_ops *hv_ops = &vmed_xen_hv_ops;
	struct vmed_xen_vgpu *xv;
	evtchn_port_t buf_port = 0;
	const char *why;
	unsigned int i;
	int ret;

	vmed_xen_abi_check();
	xv = kvzalloc(sizeof(*xv), GFP_KERNEL);
	if (!xv)
		return ERR_PTR(-ENOMEM);
	xv->vgpu = vgpu;
	xv->hyp = hyp;
	xv->domid = domid;
	xv->opts = *opts;
	for (i = 0; i <= VMED_XEN_BUF_SLOT; i++)
		xv->ports[i].handle = -1;
	INIT_LIST_HEAD(&xv->node);
	INIT_WORK(&xv->work, vmed_xen_ioreq_work);
	spin_lock_init(&xv->bars_lock);
	mutex_init(&xv->frames_lock);
	xa_init(&xv->frames);
	xa_init(&xv->track);

	/*
	 * The core's exclusion point comes first, so that a vGPU another
	 * frontend holds is refused (and logged, by the core) before anything
	 * is done to the domain. It is safe this early: after attach's reset
	 * the core calls no op until the guest's first access, and there is
	 * no guest access before the server is enabled.
	 */
	ret = attach(xv, hv_ops, &why);
	if (ret)
		goto fail;

	why = "Xen refused dm_op nr_vcpus";
	ret = ops_of(xv)->nr_vcpus(hyp, domid, &xv->nr_vcpus);
	if (ret)
		goto fail;
	if (!xv->nr_vcpus || xv->nr_vcpus > VMED_XEN_MAX_VCPUS) {
		why = "more vCPUs than the shim serves (" __stringify(VMED_XEN_MAX_VCPUS) ")";
		ret = -E2BIG;
		goto fail;
	}
	why = "out of memory";
	xv->wq = alloc_ordered_workqueue("vmed_xen-%u", 0, domid);
	if (!xv->wq) {
		ret = -ENOMEM;
		goto fail;
	}

	why = "Xen refused to create the ioreq server";
	ret = ops_of(xv)->create_server(hyp, domid,
					opts->buffered ?
					HVM_IOREQSRV_BUFIOREQ_ATOMIC :
					HVM_IOREQSRV_BUFIOREQ_OFF, &xv->server);
	if (ret)
		goto fail;
	xv->server_up = true;

	why = "the ioreq pages could not be mapped";
	ret = ops_of(xv)->map_iopages(hyp, domid, xv->server, opts->buffered,
				      &xv->pages, &buf_port);
	if (ret)
		goto fail;
	xv->pages_mapped = true;

	why = "Xen refused the vGPU's PCI address";
	ret = ops_of(xv)->map_range(hyp, domid, xv->server,
				    XEN_DMOP_IO_RANGE_PCI, opts->sbdf,
				    opts->sbdf, true);
	if (ret)
		goto fail;
	xv->sbdf_mapped = true;

	ret = ops_of(xv)->map_mem_type(hyp, domid, xv->server,
				       XEN_DMOP_IOREQ_MEM_ACCESS_WRITE);
	if (ret) {
		pr_notice("dom %u: no ioreq_server memory type (%d): page tables revalidated at submission\n",
			  domid, ret);
		/* Nothing reports writes: attach again without track ops. */
		vmed_vgpu_detach(vgpu, &vmed_xen_frontend);
		xv->attached = false;
		ret = attach(xv, &vmed_xen_untracked_hv_ops, &why);
		if (ret)
			goto fail;
	} else {
		xv->mem_claimed = true;
	}

	why = "Xen refused to enable the ioreq server";
	ret = ops_of(xv)->set_state(hyp, domid, xv->server, true);
	if (ret)
		goto fail;
	xv->enabled = true;

	why = "the ioreq event channels could not be bound";
	ret = bind_ports(xv, buf_port);
	if (ret)
		goto fail;
	pr_info("%s: bound to dom %u (server %u, %u vCPUs, sbdf %04x:%02x:%02x.%x%s)\n",
		vmed_vgpu_name(vgpu), domid, xv->server, xv->nr_vcpus, opts->sbdf >> 16,
		(opts->sbdf >> 8) & 0xff, (opts->sbdf >> 3) & 0x1f,
		opts->sbdf & 7, xv->pages.buf ? ", buffered" : "");
	mutex_lock(&bindings_lock);
	list_add_tail(&xv->node, &bindings);
	mutex_unlock(&bindings_lock);
	/* A death announced before we were on the list. */
	if (err_says_gone(ops_of(xv)->check_server(hyp, domid, xv->server)))
		vmed_xen_domain_gone(xv, -ESRCH);
	return xv;

fail:
	/* The one line naming the vGPU (its UUID) and what refused it. */
	if (why)
		pr_err_ratelimited("%s: binding to dom %u refused: %s (%pe)\n",
				   vmed_vgpu_name(vgpu), domid, why, ERR_PTR(ret));
	vmed_xen_teardown(xv);
	return ERR_PTR(ret);
}

/**
 * vmed_xen_teardown() - undo vmed_xen_setup(), whatever state it got to
 * @xv: the binding; freed
 *
 * Works with the domain alive or already destroyed; never fails.
 */
void vmed_xen_teardown(struct vmed_xen_vgpu *xv)
{
	const struct vmed_xen_hyp_ops *ops = ops_of(xv);
	unsigned long gfn;
	unsigned int bar;
	void *entry;

	/* No check looks at it from now on. */
	mutex_lock(&bindings_lock);
	list_del_init(&xv->node);
	mutex_unlock(&bindings_lock);
	WRITE_ONCE(xv->dying, true);
	if (xv->enabled)
		ops->set_state(xv->hyp, xv->domid, xv->server, false);
	if (xv->wq) {
		/* One last pass answers every slot still READY. */
		bitmap_fill(xv->pending, VMED_XEN_MAX_VCPUS + 1);
		queue_work(xv->wq, &xv->work);
		flush_workqueue(xv->wq);
		WRITE_ONCE(xv->stopped, true);
		flush_workqueue(xv->wq);
	}
	unbind_ports(xv);
	if (xv->wq) {
		cancel_work_sync(&xv->work);
		destroy_workqueue(xv->wq);
	}
	if (xv->attached)
		vmed_vgpu_detach(xv->vgpu, &vmed_xen_frontend);
	if (xv->enabled)
		pr_info("%s: unbound from dom %u: %llu ioreqs, %llu buffered; accesses: %llu config, %llu MMIO, %llu tracked writes, %llu port I/O; %llu MSIs; %llu hostile requests\n",
			vmed_vgpu_name(xv->vgpu), xv->domid, xv->stats.ioreqs,
			xv->stats.buffered, xv->stats.cfg, xv->stats.mmio,
			xv->stats.tracked_writes, xv->stats.pio,
			xv->stats.msis, xv->stats.hostile);

	/* Whatever the core did not give back (it gives back everything). */
	vmed_xen_frames_release(xv);
	xa_for_each(&xv->track, gfn, entry) {
		ops->set_mem_type(xv->hyp, xv->domid, HVMMEM_ram_rw, gfn, 1);
		xa_erase(&xv->track, gfn);
		xv->stats.tracked--;
	}
	for (bar = 0; bar < VMED_MAX_BARS; bar++)
		if (xv->bar_mapped[bar])
			ops->map_range(xv->hyp, xv->domid, xv->server,
				       XEN_DMOP_IO_RANGE_MEMORY,
				       xv->bar_start[bar], xv->bar_end[bar],
				       false);
	if (xv->mem_claimed)
		ops->map_mem_type(xv->hyp, xv->domid, xv->server, 0);
	if (xv->sbdf_mapped)
		ops->map_range(xv->hyp, xv->domid, xv->server,
			       XEN_DMOP_IO_RANGE_PCI, xv->opts.sbdf,
			       xv->opts.sbdf, false);
	if (xv->pages_mapped)
		ops->unmap_iopages(xv->hyp, &xv->pages);
	if (xv->server_up)
		ops->destroy_server(xv->hyp, xv->domid, xv->server);
	xa_destroy(&xv->frames);
	xa_destroy(&xv->track);
	mutex_destroy(&xv->frames_lock);
	kvfree(xv);
}

/**
 * vmed_xen_domain_gone() - a hypercall on the domain of @xv failed
 * @xv: the binding
 * @err: its result (anything but -ESRCH is ignored, and 0 is fine)
 *
 * -ESRCH: the domain no longer exists. The worker stops serving it at
 * once and vmed_xen_check_domains() reports the binding lost from a work
 * item. May be called in any context, with any lock held.
 */
void vmed_xen_domain_gone(struct vmed_xen_vgpu *xv, int err)
{
	if (err != -ESRCH)
		return;
	WRITE_ONCE(xv->gone, true);
	schedule_work(&check_work);
}

/**
 * vmed_xen_check_domains() - find the bindings whose domain died
 *
 * Asks Xen whether each binding's ioreq server still exists (a dying
 * domain has lost it already, a dead one fails with -ESRCH). Each binding
 * found dead, or marked by vmed_xen_domain_gone(), stops serving (its
 * worker is flushed and leaves the ioreq pages alone from then on) and
 * has its lost callback called, once per binding, under the bindings lock.
 * Process context; sleeps. Must not be called with the vGPU lock held.
 */
void vmed_xen_check_domains(void)
{
	struct vmed_xen_vgpu *xv;
	int err;

	mutex_lock(&bindings_lock);
	list_for_each_entry(xv, &bindings, node) {
		if (!READ_ONCE(xv->gone)) {
			err = ops_of(xv)->check_server(xv->hyp, xv->domid,
						       xv->server);
			if (!err_says_gone(err))
				continue;
			WRITE_ONCE(xv->gone, true);
		}
		if (xv->lost_reported)
			continue;
		flush_workqueue(xv->wq);
		xv->lost_reported = true;
		pr_info("%s: dom %u is gone, no longer served\n",
			vmed_vgpu_name(xv->vgpu), xv->domid);
		if (xv->opts.lost)
			xv->opts.lost(xv->opts.lost_data);
	}
	mutex_unlock(&bindings_lock);
}

/**
 * vmed_xen_flush_checks() - wait for checks queued by vmed_xen_domain_gone()
 *
 * Call with no binding left (module exit) or to make tests deterministic.
 */
void vmed_xen_flush_checks(void)
{
	flush_work(&check_work);
}
