/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmed_xen internals: a vmed vGPU served to a Xen HVM guest by an ioreq
 * server in the dom0 kernel, the way XenGT did it.
 *
 * Layers. Every hypercall the shim makes goes through struct
 * vmed_xen_hyp_ops; hypercall.c implements it on a PV dom0 (dm_op, event
 * channels, foreign mappings through the PV MMU), tests/kunit/fake_xen.c
 * plays Xen's side of it for the KUnit suites. Everything else (bind.c:
 * setup and teardown of a binding; memory.c: the core's hypervisor ops;
 * ioreq.c: the ioreq worker) knows only this interface, so it is the same
 * code under test and in production.
 *
 * Objects. struct vmed_xen_vgpu binds one vmed vGPU to one domain: one
 * ioreq server, its ioreq page(s) mapped into dom0, one event channel per
 * vCPU (plus one for the buffered ring) and a work item that answers the
 * requests. While bound the vGPU is attached to the core with
 * vmed_xen_hv_ops.
 *
 * Locking and context. Event-channel handlers only mark a slot pending and
 * queue the work; every request is answered from the work item, in process
 * context, where the core's entry points take the vGPU lock themselves.
 * Hypervisor ops run under the vGPU lock (the core's rule). The worker
 * reaches guest memory without it, so @frames has its own mutex; it reads
 * the BAR placement under @bars_lock (a spinlock, taken inside the vGPU
 * lock by set_trap_area and never around a core call).
 *
 * Domain death. bind.c keeps every binding on a list (its own mutex, taken
 * by setup and teardown and by vmed_xen_check_domains(), never inside the
 * vGPU lock). A binding whose domain is gone is marked @gone, its worker
 * flushed, and its @opts.lost called once under that mutex; the frontend
 * (frontend.c) then unbinds from a work item.
 *
 * Frontend. frontend.c is the shim's face to the core: the "xen" frontend,
 * one struct vmed_xen_slot per published vGPU (its vmed/xen_domid file and
 * its binding, if any), reference counted so that an unbind by the
 * operator, one after the domain died and the vGPU's removal can race.
 * Lock order: slot lock -> bindings lock -> vGPU lock.
 */
#ifndef _VMED_XEN_H
#define _VMED_XEN_H

#include <linux/interrupt.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <vmed/hv.h>
#include <vmed/vgpu.h>
#include "xen_abi.h"

struct vmed_xen_hyp;

/**
 * struct vmed_xen_iopages - the ioreq server's pages as dom0 sees them
 * @sync: the synchronous page (one slot per vCPU)
 * @buf: the buffered ring, or NULL when buffering is off
 * @priv: the implementation's bookkeeping, for @unmap_iopages
 */
struct vmed_xen_iopages {
	struct shared_iopage *sync;
	struct buffered_iopage *buf;
	void *priv;
};

/**
 * struct vmed_xen_hyp_ops - every hypervisor call of the shim
 *
 * All return 0 or a negative errno (Xen's errors are Linux errnos) unless
 * noted, may sleep unless noted, and take the domain @dom they act on.
 *
 * @create_server: XEN_DMOP_create_ioreq_server with buffering mode
 *	@bufioreq (HVM_IOREQSRV_BUFIOREQ_*); the id in @id.
 * @destroy_server: XEN_DMOP_destroy_ioreq_server.
 * @map_iopages: map the server's ioreq page (and the buffered ring if
 *	@buffered) into the kernel: XENMEM_acquire_resource, falling back to
 *	the legacy gfns of XEN_DMOP_get_ioreq_server_info. Call before
 *	enabling the server. Fills @pages and, if @buffered, @buf_port.
 * @unmap_iopages: undo @map_iopages. Must not fail.
 * @map_range: XEN_DMOP_(un)map_io_range_to_ioreq_server: @type is
 *	XEN_DMOP_IO_RANGE_*, [@start, @end] inclusive; @map false unmaps.
 * @map_mem_type: XEN_DMOP_map_mem_type_to_ioreq_server for
 *	HVMMEM_ioreq_server with @flags (XEN_DMOP_IOREQ_MEM_ACCESS_WRITE to
 *	claim, 0 to release).
 * @set_mem_type: XEN_DMOP_set_mem_type to @type (HVMMEM_*) for the @nr
 *	frames from @first_gfn (Xen continues long runs itself).
 * @set_state: XEN_DMOP_set_ioreq_server_state.
 * @inject_msi: XEN_DMOP_inject_msi. Must not sleep.
 * @set_intx: XEN_DMOP_set_pci_intx_level: line @intx (0 = INTA) of the
 *	function @sbdf to @level. Must not sleep.
 * @nr_vcpus: XEN_DMOP_nr_vcpus.
 * @check_server: whether server @id still exists, without side effects
 *	(XEN_DMOP_get_ioreq_server_info without gfns): 0 if it does, -ENOENT
 *	once Xen destroyed it (Xen destroys a domain's servers when the
 *	domain starts dying, while our mappings keep it a zombie), -ESRCH
 *	once the domain is gone; any other errno says nothing.
 * @bind: bind an interdomain event channel to @remote_port of @dom and
 *	install @handler (called in hard-irq context with @dev_id) on it.
 *	Returns a handle (>= 0) for @unbind, @notify and @eoi, or an errno.
 * @unbind: close the channel; @handler has returned and will not run again.
 * @notify: signal the remote end. Must not sleep.
 * @eoi: the event of @handle is handled (late EOI); @spurious if there was
 *	nothing to do. Must not sleep.
 * @map_frames: map @nr frames @gfns of @dom into the kernel: @va[i] and the
 *	device address @bus[i] of each, or NULL in @va[i] and an errno in
 *	@err[i]. Returns an errno only if nothing could be attempted.
 * @unmap_frames: unmap @nr frames mapped by @map_frames. Must not fail.
 */
struct vmed_xen_hyp_ops {
	int (*create_server)(struct vmed_xen_hyp *h, domid_t dom, u8 bufioreq,
			     ioservid_t *id);
	int (*destroy_server)(struct vmed_xen_hyp *h, domid_t dom,
			      ioservid_t id);
	int (*map_iopages)(struct vmed_xen_hyp *h, domid_t dom, ioservid_t id,
			   bool buffered, struct vmed_xen_iopages *pages,
			   evtchn_port_t *buf_port);
	void (*unmap_iopages)(struct vmed_xen_hyp *h,
			      struct vmed_xen_iopages *pages);
	int (*map_range)(struct vmed_xen_hyp *h, domid_t dom, ioservid_t id,
			 u32 type, u64 start, u64 end, bool map);
	int (*map_mem_type)(struct vmed_xen_hyp *h, domid_t dom, ioservid_t id,
			    u32 flags);
	int (*set_mem_type)(struct vmed_xen_hyp *h, domid_t dom, u16 type,
			    u64 first_gfn, u32 nr);
	int (*set_state)(struct vmed_xen_hyp *h, domid_t dom, ioservid_t id,
			 bool enabled);
	int (*inject_msi)(struct vmed_xen_hyp *h, domid_t dom, u64 addr,
			  u32 data);
	int (*set_intx)(struct vmed_xen_hyp *h, domid_t dom, u32 sbdf, u8 intx,
			bool level);
	int (*nr_vcpus)(struct vmed_xen_hyp *h, domid_t dom,
			unsigned int *nr);
	int (*check_server)(struct vmed_xen_hyp *h, domid_t dom,
			    ioservid_t id);
	int (*bind)(struct vmed_xen_hyp *h, domid_t dom,
		    evtchn_port_t remote_port, irq_handler_t handler,
		    void *dev_id, const char *name);
	void (*unbind)(struct vmed_xen_hyp *h, int handle, void *dev_id);
	void (*notify)(struct vmed_xen_hyp *h, int handle);
	void (*eoi)(struct vmed_xen_hyp *h, int handle, bool spurious);
	int (*map_frames)(struct vmed_xen_hyp *h, domid_t dom, const u64 *gfns,
			  unsigned int nr, void **va, u64 *bus, int *err);
	void (*unmap_frames)(struct vmed_xen_hyp *h, void * const *va,
			     unsigned int nr);
};

/**
 * struct vmed_xen_hyp - a provider of the hypervisor calls
 * @ops: the calls; implementations embed this and use container_of()
 */
struct vmed_xen_hyp {
	const struct vmed_xen_hyp_ops *ops;
};

/**
 * struct vmed_xen_opts - how to present the vGPU to the guest
 * @sbdf: the guest PCI address (XEN_DMOP_PCI_SBDF) whose config space the
 *	server claims
 * @buffered: ask for a buffered ring (ATOMIC mode)
 * @lost: called once if the domain dies while bound (or NULL), with
 *	@lost_data, from vmed_xen_check_domains() with the bindings lock held
 *	(so the binding cannot be torn down meanwhile); by then the binding
 *	no longer serves the domain. It must not sleep or take locks: it
 *	should get vmed_xen_teardown() called soon, from a work item.
 * @lost_data: for @lost
 */
struct vmed_xen_opts {
	u32 sbdf;
	bool buffered;
	void (*lost)(void *data);
	void *lost_data;
};

/* Requests of one rep beyond this fail the vGPU (Xen caps at a page). */
#define VMED_XEN_MAX_REPS	4096
/* Buffered slots handled per pass before yielding. */
#define VMED_XEN_BUF_BUDGET	(2 * IOREQ_BUFFER_SLOT_NUM)

/**
 * struct vmed_xen_port - one bound event channel
 * @xv: the binding
 * @index: vCPU id, or VMED_XEN_BUF_SLOT for the buffered ring
 * @handle: the hyp's handle, or -1 while unbound
 * @remote: the remote (Xen-allocated) port
 */
struct vmed_xen_port {
	struct vmed_xen_vgpu *xv;
	unsigned int index;
	int handle;
	evtchn_port_t remote;
};

#define VMED_XEN_BUF_SLOT	VMED_XEN_MAX_VCPUS

/**
 * struct vmed_xen_stats - counters of a binding
 * @ioreqs: synchronous requests answered
 * @buffered: buffered requests consumed
 * @pio: port I/O requests (not ours: reads all ones, writes dropped)
 * @mmio: MMIO accesses forwarded to the core (per rep)
 * @cfg: config accesses forwarded to the core
 * @tracked_writes: writes to write-tracked pages, performed and forwarded
 * @stale_writes: writes that reached us after the page was untracked
 * @invalidates: INVALIDATE requests answered
 * @timeoffsets: TIMEOFFSET requests answered
 * @dropped: accesses outside everything we serve
 * @hostile: malformed requests (bad size, count, type, state, pointer)
 * @spurious: events with no request ready
 * @msis: MSIs injected
 * @intx: INTx level changes passed on
 * @mapped: guest frames currently mapped for DMA
 * @tracked: guest frames currently of type ioreq_server
 */
struct vmed_xen_stats {
	u64 ioreqs;
	u64 buffered;
	u64 pio;
	u64 mmio;
	u64 cfg;
	u64 tracked_writes;
	u64 stale_writes;
	u64 invalidates;
	u64 timeoffsets;
	u64 dropped;
	u64 hostile;
	u64 spurious;
	u64 msis;
	u64 intx;
	u64 mapped;
	u64 tracked;
};

/**
 * struct vmed_xen_vgpu - one vGPU bound to one Xen domain
 * @vgpu: the core's vGPU
 * @hyp: the hypervisor calls
 * @domid: the guest
 * @opts: presentation options
 * @server: ioreq server id
 * @nr_vcpus: vCPUs of the guest (slots of the ioreq page in use)
 * @pages: the ioreq pages
 * @ports: event channels, @nr_vcpus of them, then the buffered one
 * @pending: per port index, an event is waiting for the worker
 * @work: the ioreq worker
 * @wq: its workqueue (ordered: one request at a time)
 * @dying: teardown started; the worker answers requests without the core
 * @stopped: teardown is unbinding the ports; the worker does nothing
 * @gone: the domain died (or is dying): the worker does nothing, the
 *	ioreq pages are not touched again
 * @lost_reported: @opts.lost was called (under the bindings lock)
 * @node: in the list of bindings (under the bindings lock)
 * @attached: the vGPU is attached to the core
 * @server_up: the server exists; @mem_claimed, @sbdf_mapped, @enabled,
 *	@pages_mapped: the matching setup steps are done
 * @mem_claimed: see @server_up
 * @sbdf_mapped: see @server_up
 * @enabled: see @server_up
 * @pages_mapped: see @server_up
 * @bars_lock: protects @bar_mapped, @bar_start and @bar_end
 * @bar_mapped: per BAR, the MMIO range mapped to the server
 * @bar_start: per BAR, its first address
 * @bar_end: per BAR, its last address
 * @frames_lock: protects @frames
 * @frames: gfn -> the mapping of a frame mapped for DMA (memory.c)
 * @track: gfn -> tracked marker (frames of type ioreq_server)
 * @stats: counters, updated by the worker and the hv ops
 */
struct vmed_xen_vgpu {
	struct vmed_vgpu *vgpu;
	struct vmed_xen_hyp *hyp;
	domid_t domid;
	struct vmed_xen_opts opts;
	ioservid_t server;
	unsigned int nr_vcpus;
	struct vmed_xen_iopages pages;
	struct vmed_xen_port ports[VMED_XEN_MAX_VCPUS + 1];
	DECLARE_BITMAP(pending, VMED_XEN_MAX_VCPUS + 1);
	struct work_struct work;
	struct workqueue_struct *wq;
	bool dying;
	bool stopped;
	bool gone;
	bool lost_reported;
	struct list_head node;
	bool attached;
	bool server_up;
	bool mem_claimed;
	bool sbdf_mapped;
	bool enabled;
	bool pages_mapped;
	spinlock_t bars_lock;	/* @bar_mapped, @bar_start, @bar_end */
	bool bar_mapped[VMED_MAX_BARS];
	u64 bar_start[VMED_MAX_BARS];
	u64 bar_end[VMED_MAX_BARS];
	struct mutex frames_lock;	/* @frames */
	struct xarray frames;
	struct xarray track;
	struct vmed_xen_stats stats;
};

/* bind.c */
struct vmed_xen_vgpu *vmed_xen_setup(struct vmed_xen_hyp *hyp,
				     struct vmed_vgpu *vgpu, domid_t domid,
				     const struct vmed_xen_opts *opts);
void vmed_xen_teardown(struct vmed_xen_vgpu *xv);
void vmed_xen_domain_gone(struct vmed_xen_vgpu *xv, int err);
void vmed_xen_check_domains(void);
void vmed_xen_flush_checks(void);

/* memory.c */
extern const struct vmed_hv_ops vmed_xen_hv_ops;
extern const struct vmed_hv_ops vmed_xen_untracked_hv_ops;
int vmed_xen_gpa_rw(struct vmed_xen_vgpu *xv, u64 gpa, void *buf, size_t len,
		    bool write);
int vmed_xen_set_type(struct vmed_xen_vgpu *xv, u16 type, const u64 *gfns,
		      unsigned int nr);
void vmed_xen_frames_release(struct vmed_xen_vgpu *xv);

/* ioreq.c */
irqreturn_t vmed_xen_event(int irq, void *dev_id);
void vmed_xen_ioreq_work(struct work_struct *work);

/* frontend.c */
extern struct vmed_frontend vmed_xen_frontend;
int vmed_xen_frontend_register(struct vmed_xen_hyp *hyp, u32 sbdf,
			       bool buffered);
void vmed_xen_frontend_unregister(void);
void vmed_xen_frontend_flush(void);
void vmed_xen_frontend_queue(struct work_struct *work);
int vmed_xen_bind(struct vmed_vgpu *vgpu, u32 domid);
int vmed_xen_unbind(struct vmed_vgpu *vgpu);

/* hypercall.c */
extern struct vmed_xen_hyp vmed_xen_real_hyp;
int vmed_xen_hyp_init(void);
void vmed_xen_hyp_exit(void);
long vmed_xen_foreign_mapped(void);

#endif /* _VMED_XEN_H */
