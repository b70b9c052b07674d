// SPDX-License-Identifier: GPL-2.0
/*
 * The ioreq worker: answers the requests Xen sends our server.
 *
 * Each vCPU has a slot in the shared ioreq page and an event channel. Xen
 * fills the slot, sets it READY and signals the channel; the vCPU waits
 * until the slot says IORESP_READY. Here the event handler only marks the
 * slot pending and queues the work item; the work item, for each pending
 * slot, checks READY, reads the request after a read barrier, marks it
 * INPROCESS, handles it, writes the data back, and after a write barrier
 * marks it IORESP_READY and signals the channel. The buffered ring
 * (writes Xen does not wait for) is drained the same way, advancing the
 * read pointer atomically after each entry.
 *
 * Requests come from Xen but describe what the guest did, so every field
 * is checked: sizes must be 1, 2, 4 or 8, rep counts are bounded, pointers
 * must be guest memory, addresses outside our BARs read as all ones and
 * lose their writes. A request that cannot be honoured still gets an
 * answer (a vCPU never hangs on us) and the vGPU may be failed; the host
 * never is.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include "xen.h"

static const struct vmed_xen_hyp_ops *ops_of(struct vmed_xen_vgpu *xv)
{
	return xv->hyp->ops;
}

static bool size_ok(u32 size)
{
	return size == 1 || size == 2 || size == 4 || size == 8;
}

static u64 size_mask(u32 size)
{
	return size == 8 ? ~0ULL : BIT_ULL(8 * size) - 1;
}

static void hostile(struct vmed_xen_vgpu *xv, const char *what, u64 val)
{
	xv->stats.hostile++;
	pr_warn_ratelimited("dom %u: %s: bad ioreq (%s %#llx)\n",
			    xv->domid, vmed_vgpu_name(xv->vgpu), what, val);
}

static void fail_vgpu(struct vmed_xen_vgpu *xv, const char *reason)
{
	vmed_vgpu_fail_guest(xv->vgpu, reason);
}

/* The BAR holding [@addr, @addr + @size), or -1. */
static int find_bar(struct vmed_xen_vgpu *xv, u64 addr, u32 size, u64 *off)
{
	int bar, found = -1;

	spin_lock(&xv->bars_lock);
	for (bar = 0; bar < VMED_MAX_BARS; bar++) {
		if (!xv->bar_mapped[bar] || addr < xv->bar_start[bar] ||
		    addr > xv->bar_end[bar] ||
		    size - 1 > xv->bar_end[bar] - addr)
			continue;
		*off = addr - xv->bar_start[bar];
		found = bar;
		break;
	}
	spin_unlock(&xv->bars_lock);
	return found;
}

/*
 * One MMIO access of the guest: to a BAR (the core emulates it) or to a
 * write-tracked page (we perform the write, then tell the core).
 */
static void mmio_access(struct vmed_xen_vgpu *xv, u64 addr, u32 size, u64 *val,
			bool write)
{
	__le64 buf = cpu_to_le64(*val);
	bool tracked;
	u64 off;
	int bar;

	/*
	 * A frame of type ioreq_server is guest RAM even if the guest put a
	 * BAR over it: Xen sends such a write here only because of its type.
	 */
	tracked = xa_load(&xv->track, addr >> PAGE_SHIFT);
	bar = tracked ? -1 : find_bar(xv, addr, size, &off);
	if (bar >= 0) {
		xv->stats.mmio++;
		if (write) {
			vmed_mmio_write(xv->vgpu, bar, off, &buf, size);
		} else {
			buf = cpu_to_le64(~0ULL);
			vmed_mmio_read(xv->vgpu, bar, off, &buf, size);
			*val = le64_to_cpu(buf) & size_mask(size);
		}
		return;
	}
	if (offset_in_page(addr) + size <= PAGE_SIZE &&
	    !vmed_xen_gpa_rw(xv, addr, &buf, size, write)) {
		/*
		 * Only pages of type ioreq_server (ours alone) send guest RAM
		 * accesses here; one no longer tracked is a write that raced
		 * with untracking. Either way the guest's write happens.
		 */
		if (!write) {
			*val = le64_to_cpu(buf) & size_mask(size);
			return;
		}
		if (tracked)
			xv->stats.tracked_writes++;
		else
			xv->stats.stale_writes++;
		vmed_page_write(xv->vgpu, addr, &buf, size);
		return;
	}
	xv->stats.dropped++;
	pr_notice_ratelimited("dom %u: %s: %s of %u bytes at %#llx outside the vGPU dropped\n",
			      xv->domid, vmed_vgpu_name(xv->vgpu),
			      write ? "write" : "read", size, addr);
	if (!write)
		*val = size_mask(size);
}

/* Port I/O is never ours: reads float high, writes vanish. */
static void pio_access(struct vmed_xen_vgpu *xv, u64 addr, u32 size, u64 *val,
		       bool write)
{
	xv->stats.pio++;
	if (!write)
		*val = size_mask(size);
}

typedef void (*access_fn)(struct vmed_xen_vgpu *xv, u64 addr, u32 size,
			  u64 *val, bool write);

/*
 * The guest memory a string read (rep movs from the vGPU) lands in: Xen
 * leaves that write to us, so a part of it in a write-tracked page is a
 * guest page-table write the core must see, like one through mmio_access.
 */
static int rep_write_ram(struct vmed_xen_vgpu *xv, u64 gpa, const void *buf,
			 u32 size)
{
	u32 done, part;
	int ret;

	ret = vmed_xen_gpa_rw(xv, gpa, (void *)buf, size, true);
	if (ret)
		return ret;
	for (done = 0; done < size; done += part) {
		u64 pos = gpa + done;
		u32 room = PAGE_SIZE - offset_in_page(pos);

		part = min(size - done, room);
		if (!xa_load(&xv->track, pos >> PAGE_SHIFT))
			continue;
		xv->stats.tracked_writes++;
		vmed_page_write(xv->vgpu, pos, buf + done, part);
	}
	return 0;
}

/*
 * COPY and PIO: @count accesses of @size bytes from @addr, stepping down
 * with the direction flag; with data_is_ptr, @data is the guest address of
 * the buffer, stepping the same way.
 */
static void do_rep(struct vmed_xen_vgpu *xv, struct ioreq *req, access_fn fn)
{
	bool write = req->dir == IOREQ_WRITE;
	u32 size = req->size, i;
	__le64 buf;
	u64 val;

	if (!size_ok(size)) {
		hostile(xv, "size", size);
		req->data = ~0ULL;
		return;
	}
	if (req->count > VMED_XEN_MAX_REPS) {
		hostile(xv, "count", req->count);
		fail_vgpu(xv, "Xen ioreq with an impossible repeat count");
		req->data = ~0ULL;
		return;
	}
	for (i = 0; i < req->count; i++) {
		u64 step = (u64)i * size;
		u64 addr = req->df ? req->addr - step : req->addr + step;
		u64 ptr = req->df ? req->data - step : req->data + step;

		if (!req->data_is_ptr) {
			val = write ? req->data & size_mask(size) : 0;
			fn(xv, addr, size, &val, write);
			if (!write)
				req->data = val;
			continue;
		}
		if (write) {
			buf = 0;
			if (vmed_xen_gpa_rw(xv, ptr, &buf, size, false)) {
				hostile(xv, "data pointer", ptr);
				return;
			}
			val = le64_to_cpu(buf);
			fn(xv, addr, size, &val, true);
		} else {
			val = 0;
			fn(xv, addr, size, &val, false);
			buf = cpu_to_le64(val);
			if (rep_write_ram(xv, ptr, &buf, size)) {
				hostile(xv, "data pointer", ptr);
				return;
			}
		}
	}
}

static void do_config(struct vmed_xen_vgpu *xv, struct ioreq *req)
{
	u32 sbdf = req->addr >> 32, reg = (u32)req->addr;
	bool write = req->dir == IOREQ_WRITE;
	__le32 buf;

	if (sbdf != xv->opts.sbdf || req->count != 1 || req->data_is_ptr ||
	    (req->size != 1 && req->size != 2 && req->size != 4)) {
		hostile(xv, "config access", req->addr);
		if (!write)
			req->data = ~0ULL;
		return;
	}
	xv->stats.cfg++;
	if (write) {
		buf = cpu_to_le32((u32)req->data);
		vmed_cfg_write(xv->vgpu, reg, &buf, req->size);
		return;
	}
	buf = cpu_to_le32(~0U);
	vmed_cfg_read(xv->vgpu, reg, &buf, req->size);
	req->data = le32_to_cpu(buf) & size_mask(req->size);
}

/* Handle one request (a private copy); the answer goes into @req->data. */
static void handle(struct vmed_xen_vgpu *xv, struct ioreq *req)
{
	if (READ_ONCE(xv->dying)) {
		/* Being torn down: answer, touch nothing. */
		if (req->dir == IOREQ_READ)
			req->data = ~0ULL;
		return;
	}
	switch (req->type) {
	case IOREQ_TYPE_PIO:
		do_rep(xv, req, pio_access);
		break;
	case IOREQ_TYPE_COPY:
		do_rep(xv, req, mmio_access);
		break;
	case IOREQ_TYPE_PCI_CONFIG:
		do_config(xv, req);
		break;
	case IOREQ_TYPE_INVALIDATE:
		/*
		 * Xen's map-cache flush after the guest gave memory back. We
		 * keep no cache of our own: frames stay mapped only while
		 * the core holds them for the device, and a held mapping
		 * keeps Xen from reusing the page.
		 */
		xv->stats.invalidates++;
		break;
	case IOREQ_TYPE_TIMEOFFSET:
		xv->stats.timeoffsets++;
		break;
	default:
		hostile(xv, "type", req->type);
		if (req->dir == IOREQ_READ)
			req->data = ~0ULL;
		break;
	}
}

/*
 * The state machine of one slot, as Xen's ioreq.c expects it.
 * Return: whether there was a request.
 */
static bool handle_slot(struct vmed_xen_vgpu *xv, unsigned int vcpu)
{
	struct ioreq *slot, req;
	u8 *flags, f;

	if (!xv->pages.sync)
		return false;
	slot = &xv->pages.sync->vcpu_ioreq[vcpu];
	flags = vmed_ioreq_flags(slot);
	f = READ_ONCE(*flags);
	switch (f & VMED_IOREQ_STATE_MASK) {
	case STATE_IOREQ_READY:
		break;
	case STATE_IOREQ_NONE:
	case STATE_IOREQ_INPROCESS:
	case STATE_IORESP_READY:
		return false;
	default:
		hostile(xv, "state", f & VMED_IOREQ_STATE_MASK);
		return false;
	}
	/* Only now may the request's fields be read. */
	smp_rmb();
	memcpy(&req, slot, sizeof(req));
	WRITE_ONCE(*flags, (f & ~VMED_IOREQ_STATE_MASK) | STATE_IOREQ_INPROCESS);

	handle(xv, &req);
	xv->stats.ioreqs++;

	WRITE_ONCE(slot->data, req.data);
	/* The data before the state: Xen reads data once it sees the state. */
	smp_wmb();
	WRITE_ONCE(*flags, (f & ~VMED_IOREQ_STATE_MASK) | STATE_IORESP_READY);
	if (xv->ports[vcpu].handle >= 0)
		ops_of(xv)->notify(xv->hyp, xv->ports[vcpu].handle);
	return true;
}

/* Advance the read pointer by @n; Xen may rebase it concurrently. */
static void buf_consume(struct buffered_iopage *bp, u32 n)
{
	u32 old;

	do {
		old = READ_ONCE(bp->read_pointer);
	} while (cmpxchg(&bp->read_pointer, old, old + n) != old);
}

/* Drain the buffered ring. Return: whether there was anything. */
static bool handle_buffered(struct vmed_xen_vgpu *xv)
{
	struct buffered_iopage *bp = xv->pages.buf;
	unsigned int budget = VMED_XEN_BUF_BUDGET;
	bool any = false;

	if (!bp)
		return false;
	while (budget--) {
		struct buf_ioreq slot, hi;
		struct ioreq req = {};
		u32 rp, wp, used;

		rp = READ_ONCE(bp->read_pointer);
		wp = READ_ONCE(bp->write_pointer);
		/* Slots before the write pointer are complete. */
		smp_rmb();
		used = wp - rp;
		if (!used)
			break;
		if (used > IOREQ_BUFFER_SLOT_NUM) {
			hostile(xv, "buffered pointers", used);
			break;
		}
		memcpy(&slot, &bp->buf_ioreq[rp % IOREQ_BUFFER_SLOT_NUM],
		       sizeof(slot));
		req.type = slot.type;
		req.dir = slot.dir;
		req.size = 1U << slot.size;
		req.addr = slot.addr;
		req.data = slot.data;
		req.count = 1;
		if (req.size == 8) {
			/* The high half is in the next slot. */
			if (used < 2) {
				hostile(xv, "buffered 8-byte entry", rp);
				break;
			}
			memcpy(&hi, &bp->buf_ioreq[(rp + 1) % IOREQ_BUFFER_SLOT_NUM],
			       sizeof(hi));
			req.data |= (u64)hi.data << 32;
		}
		any = true;
		xv->stats.buffered++;
		if (req.dir != IOREQ_WRITE)
			hostile(xv, "buffered read", req.addr);
		else
			handle(xv, &req);
		/* Done reading the slots before handing them back. */
		smp_mb();
		buf_consume(bp, req.size == 8 ? 2 : 1);
	}
	return any;
}

/**
 * vmed_xen_event() - event-channel handler of one port
 * @irq: the interrupt
 * @dev_id: the struct vmed_xen_port
 *
 * Return: IRQ_HANDLED; the work item answers (and EOIs) later.
 */
irqreturn_t vmed_xen_event(int irq, void *dev_id)
{
	struct vmed_xen_port *port = dev_id;
	struct vmed_xen_vgpu *xv = port->xv;

	set_bit(port->index, xv->pending);
	queue_work(xv->wq, &xv->work);
	return IRQ_HANDLED;
}

/**
 * vmed_xen_ioreq_work() - answer every pending slot and the buffered ring
 * @work: &vmed_xen_vgpu.work
 */
void vmed_xen_ioreq_work(struct work_struct *work)
{
	struct vmed_xen_vgpu *xv = container_of(work, struct vmed_xen_vgpu,
						work);
	unsigned int i;
	bool any;

	/*
	 * Teardown: ports are about to go, nothing may be signalled. A dead
	 * domain is not served: its ioreq pages are left alone.
	 */
	if (READ_ONCE(xv->stopped) || READ_ONCE(xv->gone))
		return;
	for_each_set_bit(i, xv->pending, VMED_XEN_MAX_VCPUS + 1) {
		if (READ_ONCE(xv->gone))
			break;
		if (!test_and_clear_bit(i, xv->pending))
			continue;
		if (i == VMED_XEN_BUF_SLOT)
			any = handle_buffered(xv);
		else if (i < xv->nr_vcpus)
			any = handle_slot(xv, i);
		else
			continue;
		if (!any)
			xv->stats.spurious++;
		if (xv->ports[i].handle >= 0)
			ops_of(xv)->eoi(xv->hyp, xv->ports[i].handle, !any);
	}
}
