// SPDX-License-Identifier: GPL-2.0
/*
 * The fake Xen behind the vmed_xen suites; see fake_xen.h.
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include "fake_xen.h"

static struct fake_xen *to_fx(struct vmed_xen_hyp *h)
{
	return container_of(h, struct fake_xen, hyp);
}

/* An op of a step made to fail, or any op once the domain is gone. */
static int fx_fails(struct fake_xen *fx, enum fx_step step)
{
	if (fx->dead)
		return -ESRCH;
	if (fx->dying)
		return -ENOENT;
	return fx->fail_step == step && step != FX_NONE ? -EIO : 0;
}

static int fx_nr_vcpus(struct vmed_xen_hyp *h, domid_t dom, unsigned int *nr)
{
	struct fake_xen *fx = to_fx(h);
	/* A dying domain still answers this one. */
	int ret = fx->dying ? 0 : fx_fails(fx, FX_NR_VCPUS);

	if (dom != FX_DOMID)
		return -ESRCH;
	if (!ret)
		*nr = fx->nr_vcpus;
	return ret;
}

static int fx_create(struct vmed_xen_hyp *h, domid_t dom, u8 bufioreq,
		     ioservid_t *id)
{
	struct fake_xen *fx = to_fx(h);
	int ret = fx_fails(fx, FX_CREATE);

	if (ret)
		return ret;
	if (bufioreq > HVM_IOREQSRV_BUFIOREQ_ATOMIC)
		return -EINVAL;
	if (fx->servers)
		fx->errors++;	/* one server per binding */
	fx->servers++;
	*id = 3;
	return 0;
}

static int fx_destroy(struct vmed_xen_hyp *h, domid_t dom, ioservid_t id)
{
	struct fake_xen *fx = to_fx(h);

	if (fx->dead)
		return -ESRCH;
	if (fx->dying)
		return -ENOENT;
	if (id != 3 || !fx->servers) {
		fx->errors++;
		return -ENOENT;
	}
	/* Xen drops whatever the server still had. */
	if (fx->nr_ranges || fx->claimed || fx->server_enabled)
		fx->errors++;
	fx->servers--;
	return 0;
}

static int fx_map_iopages(struct vmed_xen_hyp *h, domid_t dom, ioservid_t id,
			  bool buffered, struct vmed_xen_iopages *pages,
			  evtchn_port_t *buf_port)
{
	struct fake_xen *fx = to_fx(h);
	int ret = fx_fails(fx, FX_IOPAGES);

	if (ret)
		return ret;
	if (fx->server_enabled)
		fx->errors++;	/* legacy gfns are gone once enabled */
	pages->sync = fx->sync;
	pages->buf = buffered ? fx->buf : NULL;
	if (buffered)
		*buf_port = FX_BUF_PORT;
	fx->pages++;
	return 0;
}

static void fx_unmap_iopages(struct vmed_xen_hyp *h,
			     struct vmed_xen_iopages *pages)
{
	struct fake_xen *fx = to_fx(h);

	if (!fx->pages || pages->sync != fx->sync)
		fx->errors++;
	fx->pages--;
	pages->sync = NULL;
	pages->buf = NULL;
}

static int fx_map_range(struct vmed_xen_hyp *h, domid_t dom, ioservid_t id,
			u32 type, u64 start, u64 end, bool map)
{
	struct fake_xen *fx = to_fx(h);
	int i, ret = type == XEN_DMOP_IO_RANGE_PCI ? fx_fails(fx, FX_PCI) :
						     fx_fails(fx, FX_NONE);

	if (ret)
		return ret;
	if (start > end || !fx->servers)
		return -EINVAL;
	for (i = 0; i < FX_MAX_RANGES; i++) {
		struct fx_range *r = &fx->ranges[i];

		if (map && !r->used) {
			*r = (struct fx_range){ true, type, start, end };
			fx->nr_ranges++;
			return 0;
		}
		if (!map && r->used && r->type == type && r->start == start &&
		    r->end == end) {
			r->used = false;
			fx->nr_ranges--;
			return 0;
		}
	}
	if (!map)
		fx->errors++;	/* unmapping what was never mapped */
	return map ? -ENOSPC : -ENOENT;
}

static int fx_map_mem_type(struct vmed_xen_hyp *h, domid_t dom, ioservid_t id,
			   u32 flags)
{
	struct fake_xen *fx = to_fx(h);
	unsigned int i;
	int ret = flags ? fx_fails(fx, FX_MEMTYPE) : fx_fails(fx, FX_NONE);

	if (ret)
		return ret;
	if (flags & ~XEN_DMOP_IOREQ_MEM_ACCESS_WRITE)
		return -EINVAL;
	if (!flags) {
		if (!fx->claimed)
			fx->errors++;
		/* Xen resets remaining ioreq_server pages to ram_rw. */
		for (i = 0; i < FAKE_GUEST_FRAMES; i++)
			fx->memtype[i] = HVMMEM_ram_rw;
		fx->tracked = 0;
		fx->claimed = false;
		return 0;
	}
	if (fx->claimed)
		return -EBUSY;
	fx->claimed = true;
	return 0;
}

static int fx_set_mem_type(struct vmed_xen_hyp *h, domid_t dom, u16 type,
			   u64 first_gfn, u32 nr)
{
	struct fake_xen *fx = to_fx(h);
	u64 gfn;
	int ret = fx_fails(fx, FX_NONE);

	if (ret)
		return ret;
	fx->set_type_calls++;
	if (type != HVMMEM_ram_rw && type != HVMMEM_ioreq_server)
		return -EINVAL;
	if (type == HVMMEM_ioreq_server && !fx->claimed)
		return -EINVAL;
	if (!nr || first_gfn >= FAKE_GUEST_FRAMES ||
	    nr > FAKE_GUEST_FRAMES - first_gfn)
		return -EINVAL;
	for (gfn = first_gfn; gfn < first_gfn + nr; gfn++) {
		u8 *t = &fx->memtype[gfn];

		if (*t == type)
			continue;
		fx->tracked += type == HVMMEM_ioreq_server ? 1 : -1;
		*t = type;
	}
	return 0;
}

static int fx_set_state(struct vmed_xen_hyp *h, domid_t dom, ioservid_t id,
			bool enabled)
{
	struct fake_xen *fx = to_fx(h);
	unsigned int i;
	int ret = enabled ? fx_fails(fx, FX_ENABLE) : fx_fails(fx, FX_NONE);

	if (ret)
		return ret;
	if (!fx->servers || !fx->pages)
		fx->errors++;
	fx->server_enabled = enabled;
	/* Like Xen: ports are written into the page on enable. */
	if (enabled)
		for (i = 0; i < fx->nr_vcpus; i++)
			fx->sync->vcpu_ioreq[i].vp_eport = FX_PORT_BASE + i;
	return 0;
}

static int fx_inject_msi(struct vmed_xen_hyp *h, domid_t dom, u64 addr,
			 u32 data)
{
	struct fake_xen *fx = to_fx(h);
	int ret = fx_fails(fx, FX_NONE);

	if (ret)
		return ret;
	fx->msis++;
	fx->msi_addr = addr;
	fx->msi_data = data;
	return 0;
}

static int fx_set_intx(struct vmed_xen_hyp *h, domid_t dom, u32 sbdf, u8 intx,
		       bool level)
{
	struct fake_xen *fx = to_fx(h);
	int ret = fx_fails(fx, FX_NONE);

	if (ret)
		return ret;
	/* Xen's checks: segment and bus 0, INTA..INTD */
	if (sbdf >> 8 || intx > 3)
		return -EINVAL;
	/* Level changes only: the same level twice is a bug. */
	if (level == fx->intx_level)
		fx->errors++;
	fx->intx_level = level;
	fx->intx_changes++;
	return 0;
}

static int fx_check_server(struct vmed_xen_hyp *h, domid_t dom,
			   ioservid_t id)
{
	struct fake_xen *fx = to_fx(h);

	fx->checks++;
	if (fx->dead)
		return -ESRCH;
	if (dom != FX_DOMID)
		return -ESRCH;
	return fx->dying || !fx->servers || id != 3 ? -ENOENT : 0;
}

static int port_index(evtchn_port_t remote)
{
	if (remote == FX_BUF_PORT)
		return VMED_XEN_BUF_SLOT;
	if (remote >= FX_PORT_BASE && remote < FX_PORT_BASE + VMED_XEN_MAX_VCPUS)
		return remote - FX_PORT_BASE;
	return -1;
}

static int fx_bind(struct vmed_xen_hyp *h, domid_t dom,
		   evtchn_port_t remote_port, irq_handler_t handler,
		   void *dev_id, const char *name)
{
	struct fake_xen *fx = to_fx(h);
	int idx = port_index(remote_port);
	int ret = fx_fails(fx, FX_BIND);

	if (ret)
		return ret;
	if (idx < 0 || fx->ports[idx].bound || !fx->server_enabled)
		return -EINVAL;
	fx->ports[idx] = (struct fx_port){ .bound = true, .remote = remote_port,
					   .handler = handler, .dev_id = dev_id };
	fx->bound++;
	/* The handle is the index; an irq number in real life. */
	return idx;
}

static void fx_unbind(struct vmed_xen_hyp *h, int handle, void *dev_id)
{
	struct fake_xen *fx = to_fx(h);

	if (handle < 0 || handle >= FX_MAX_PORTS || !fx->ports[handle].bound ||
	    fx->ports[handle].dev_id != dev_id) {
		fx->errors++;
		return;
	}
	fx->ports[handle].bound = false;
	fx->bound--;
}

static void fx_notify(struct vmed_xen_hyp *h, int handle)
{
	struct fake_xen *fx = to_fx(h);

	if (handle < 0 || handle >= FX_MAX_PORTS || !fx->ports[handle].bound) {
		fx->errors++;
		return;
	}
	/* A response is signalled only once it is complete. */
	if (handle < VMED_XEN_MAX_VCPUS &&
	    (*vmed_ioreq_flags(&fx->sync->vcpu_ioreq[handle]) &
	     VMED_IOREQ_STATE_MASK) != STATE_IORESP_READY)
		fx->errors++;
	fx->ports[handle].notifies++;
}

static void fx_eoi(struct vmed_xen_hyp *h, int handle, bool spurious)
{
	struct fake_xen *fx = to_fx(h);

	if (handle < 0 || handle >= FX_MAX_PORTS || !fx->ports[handle].bound) {
		fx->errors++;
		return;
	}
	fx->ports[handle].eois++;
	if (spurious)
		fx->ports[handle].spurious_eois++;
}

static int fx_map_frames(struct vmed_xen_hyp *h, domid_t dom, const u64 *gfns,
			 unsigned int nr, void **va, u64 *bus, int *err)
{
	struct fake_xen *fx = to_fx(h);
	unsigned int i;
	int ret = fx_fails(fx, FX_NONE);

	if (ret)
		return ret;
	for (i = 0; i < nr; i++) {
		va[i] = fake_frame(fx->mem, gfns[i]);
		err[i] = va[i] ? 0 : -EINVAL;
		if (va[i]) {
			bus[i] = fake_dma_of(fx->mem, gfns[i]);
			fx->mapped++;
		}
	}
	return 0;
}

static void fx_unmap_frames(struct vmed_xen_hyp *h, void * const *va,
			    unsigned int nr)
{
	struct fake_xen *fx = to_fx(h);
	unsigned int i;

	for (i = 0; i < nr; i++) {
		if (!va[i])
			continue;
		if (fx->mapped <= 0)
			fx->errors++;
		fx->mapped--;
	}
}

static const struct vmed_xen_hyp_ops fx_ops = {
	.create_server = fx_create,
	.destroy_server = fx_destroy,
	.map_iopages = fx_map_iopages,
	.unmap_iopages = fx_unmap_iopages,
	.map_range = fx_map_range,
	.map_mem_type = fx_map_mem_type,
	.set_mem_type = fx_set_mem_type,
	.set_state = fx_set_state,
	.inject_msi = fx_inject_msi,
	.set_intx = fx_set_intx,
	.nr_vcpus = fx_nr_vcpus,
	.check_server = fx_check_server,
	.bind = fx_bind,
	.unbind = fx_unbind,
	.notify = fx_notify,
	.eoi = fx_eoi,
	.map_frames = fx_map_frames,
	.unmap_frames = fx_unmap_frames,
};

static void fx_free(void *data)
{
	struct fake_xen *fx = data;

	free_page((unsigned long)fx->sync);
	free_page((unsigned long)fx->buf);
	kfree(fx);
}

/**
 * fake_xen_create() - a fake Xen with one HVM domain, FX_DOMID
 * @test: the test; freed when it ends
 * @mem: guest memory
 * @nr_vcpus: vCPUs of the domain
 * @buffered: whether the buffered ring exists (else map_iopages refuses it)
 *
 * Return: the fake; the test aborts on allocation failure.
 */
struct fake_xen *fake_xen_create(struct kunit *test, struct fake_hv *mem,
				 unsigned int nr_vcpus, bool buffered)
{
	struct fake_xen *fx = kzalloc(sizeof(*fx), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, fx);
	fx->hyp.ops = &fx_ops;
	fx->test = test;
	fx->mem = mem;
	fx->nr_vcpus = nr_vcpus;
	fx->sync = (void *)get_zeroed_page(GFP_KERNEL);
	fx->buf = (void *)get_zeroed_page(GFP_KERNEL);
	if (kunit_add_action_or_reset(test, fx_free, fx) || !fx->sync ||
	    !fx->buf)
		KUNIT_FAIL_AND_ABORT(test, "fake Xen allocation failed");
	return fx;
}

/**
 * fake_xen_kill() - the domain dies
 * @fx: the fake
 * @zombie: it is dying but kept by the shim's mappings: Xen destroyed its
 *	ioreq server (and with it ranges, memory type claim and tracked
 *	frames); otherwise it is gone and every op fails with -ESRCH
 */
void fake_xen_kill(struct fake_xen *fx, bool zombie)
{
	unsigned int i;

	if (!zombie) {
		fx->dead = true;
		return;
	}
	fx->dying = true;
	fx->servers = 0;
	fx->server_enabled = false;
	fx->claimed = false;
	memset(fx->ranges, 0, sizeof(fx->ranges));
	fx->nr_ranges = 0;
	for (i = 0; i < FAKE_GUEST_FRAMES; i++)
		fx->memtype[i] = HVMMEM_ram_rw;
	fx->tracked = 0;
}

/**
 * fake_xen_kick() - signal event channel @port (index), as Xen would
 * @fx: the fake
 * @port: vCPU id or VMED_XEN_BUF_SLOT
 *
 * Then waits for the shim's worker, so the test continues deterministically.
 */
void fake_xen_kick(struct fake_xen *fx, unsigned int port)
{
	struct fx_port *p = &fx->ports[port];

	if (p->bound)
		p->handler(port, p->dev_id);
	if (fx->xv)
		flush_workqueue(fx->xv->wq);
}

/**
 * fake_xen_post() - Xen's ioreq_send(): fill the slot of @vcpu, mark it
 * READY and signal; does not wait for the answer
 * @fx: the fake
 * @vcpu: the vCPU
 * @req: the request (state and vp_eport ignored)
 */
void fake_xen_post(struct fake_xen *fx, unsigned int vcpu,
		   const struct ioreq *req)
{
	struct ioreq *slot = &fx->sync->vcpu_ioreq[vcpu];
	u8 *flags = vmed_ioreq_flags(slot);
	evtchn_port_t port = slot->vp_eport;

	if ((*flags & VMED_IOREQ_STATE_MASK) != STATE_IOREQ_NONE)
		fx->errors++;
	*slot = *req;
	slot->vp_eport = port;
	slot->state = STATE_IOREQ_NONE;
	/* The request before READY, as ioreq_send() orders it. */
	smp_wmb();
	WRITE_ONCE(*flags, (*flags & ~VMED_IOREQ_STATE_MASK) | STATE_IOREQ_READY);
	if (fx->ports[vcpu].bound)
		fx->ports[vcpu].handler(vcpu, fx->ports[vcpu].dev_id);
}

/**
 * fake_xen_wait() - Xen's wait_for_io(): take the answer of @vcpu's slot
 * @fx: the fake
 * @vcpu: the vCPU
 *
 * Return: the data of the response; a slot not answered counts as an error
 * and reads as 0xdead.
 */
u64 fake_xen_wait(struct fake_xen *fx, unsigned int vcpu)
{
	struct ioreq *slot = &fx->sync->vcpu_ioreq[vcpu];
	u8 *flags = vmed_ioreq_flags(slot);
	unsigned long notifies = fx->ports[vcpu].notifies;
	u64 data;

	if (fx->xv)
		flush_workqueue(fx->xv->wq);
	if ((READ_ONCE(*flags) & VMED_IOREQ_STATE_MASK) != STATE_IORESP_READY) {
		fx->errors++;
		return 0xdead;
	}
	/* The state before the data, as wait_for_io() reads them. */
	smp_rmb();
	data = slot->data;
	/* The answer was signalled (on the slot's own port). */
	if (fx->ports[vcpu].bound && !notifies && !fx->ports[vcpu].notifies)
		fx->errors++;
	WRITE_ONCE(*flags, (*flags & ~VMED_IOREQ_STATE_MASK) | STATE_IOREQ_NONE);
	return data;
}

/**
 * fake_xen_ioreq() - one synchronous request, start to answer
 * @fx: the fake
 * @vcpu: the vCPU making it
 * @req: the request
 *
 * Return: the response data.
 */
u64 fake_xen_ioreq(struct fake_xen *fx, unsigned int vcpu,
		   const struct ioreq *req)
{
	unsigned long notifies = fx->ports[vcpu].notifies;
	u64 data;

	fake_xen_post(fx, vcpu, req);
	data = fake_xen_wait(fx, vcpu);
	KUNIT_EXPECT_EQ(fx->test, fx->ports[vcpu].notifies, notifies + 1);
	return data;
}

/**
 * fake_xen_buffered() - Xen's ioreq_send_buffered(): queue one write
 * @fx: the fake
 * @type: IOREQ_TYPE_*
 * @addr: address (20 bits)
 * @size: 1, 2, 4 or 8 (two slots)
 * @data: the value
 */
void fake_xen_buffered(struct fake_xen *fx, u8 type, u32 addr,
		       unsigned int size, u64 data)
{
	struct buffered_iopage *bp = fx->buf;
	u32 wp = READ_ONCE(bp->write_pointer);
	struct buf_ioreq *s = &bp->buf_ioreq[wp % IOREQ_BUFFER_SLOT_NUM];

	*s = (struct buf_ioreq){ .type = type, .dir = IOREQ_WRITE,
				 .size = ilog2(size), .addr = addr,
				 .data = (u32)data };
	if (size == 8)
		bp->buf_ioreq[(wp + 1) % IOREQ_BUFFER_SLOT_NUM] =
			(struct buf_ioreq){ .data = data >> 32 };
	/* The slots before the pointer that publishes them. */
	smp_wmb();
	WRITE_ONCE(bp->write_pointer, wp + (size == 8 ? 2 : 1));
}

/**
 * fake_xen_range() - whether a range of @type is mapped to the server
 * @fx: the fake
 * @type: XEN_DMOP_IO_RANGE_*
 * @start: first address
 * @end: last address
 *
 * Return: true if exactly that range is mapped.
 */
bool fake_xen_range(struct fake_xen *fx, u32 type, u64 start, u64 end)
{
	int i;

	for (i = 0; i < FX_MAX_RANGES; i++)
		if (fx->ranges[i].used && fx->ranges[i].type == type &&
		    fx->ranges[i].start == start && fx->ranges[i].end == end)
			return true;
	return false;
}

/**
 * fake_xen_expect_clean() - after teardown: nothing of the shim's is left
 * @fx: the fake
 */
void fake_xen_expect_clean(struct fake_xen *fx)
{
	struct kunit *test = fx->test;

	if (!fx->dead) {
		KUNIT_EXPECT_EQ_MSG(test, fx->servers, 0, "server left");
		KUNIT_EXPECT_EQ_MSG(test, fx->nr_ranges, 0, "ranges left");
		KUNIT_EXPECT_FALSE_MSG(test, fx->claimed, "memory type claimed");
		KUNIT_EXPECT_EQ_MSG(test, fx->tracked, 0, "frames left tracked");
	}
	KUNIT_EXPECT_EQ_MSG(test, fx->pages, 0, "ioreq pages left mapped");
	KUNIT_EXPECT_EQ_MSG(test, fx->bound, 0, "event channels left bound");
	KUNIT_EXPECT_EQ_MSG(test, fx->mapped, 0, "guest frames left mapped");
	KUNIT_EXPECT_EQ_MSG(test, fx->errors, 0, "protocol errors");
}
