/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fake Xen for the vmed_xen suites: implements struct vmed_xen_hyp_ops
 * and plays the hypervisor's side of the ioreq protocol. Guest memory is
 * the fake hypervisor's (fake_hv.c) frames. Every resource the shim takes
 * (server, pages, ranges, memory type claim, tracked frames, event
 * channels, frame mappings) is counted so that tests can check teardown
 * leaves nothing; protocol misuse is counted in @errors.
 */
#ifndef _VMED_TEST_FAKE_XEN_H
#define _VMED_TEST_FAKE_XEN_H

#include <kunit/test.h>
#include "fake_hv.h"
#include "xen.h"

#define FX_DOMID		7
#define FX_SBDF			XEN_DMOP_PCI_SBDF(0, 0, 8, 0)
#define FX_MAX_RANGES		8
#define FX_MAX_PORTS		(VMED_XEN_MAX_VCPUS + 1)
#define FX_PORT_BASE		100	/* vp_eport of vCPU i: FX_PORT_BASE + i */
#define FX_BUF_PORT		99

/* Setup steps that can be made to fail. */
enum fx_step {
	FX_NONE, FX_NR_VCPUS, FX_CREATE, FX_IOPAGES, FX_PCI, FX_MEMTYPE,
	FX_ENABLE, FX_BIND, FX_NR_STEPS,
};

struct fx_range {
	bool used;
	u32 type;
	u64 start, end;
};

struct fx_port {
	bool bound;
	evtchn_port_t remote;
	irq_handler_t handler;
	void *dev_id;
	unsigned long notifies, eois, spurious_eois;
};

struct fake_xen {
	struct vmed_xen_hyp hyp;
	struct kunit *test;
	struct fake_hv *mem;
	struct vmed_xen_vgpu *xv;	/* set by the test after setup */
	unsigned int nr_vcpus;
	enum fx_step fail_step;
	bool dead;			/* the domain is gone: every op -ESRCH */
	bool dying;			/* Xen destroyed the server: -ENOENT */
	unsigned long checks;		/* check_server calls */

	struct shared_iopage *sync;
	struct buffered_iopage *buf;
	u32 buf_start;			/* initial ring pointers */

	int servers;
	bool server_enabled;
	bool claimed;
	int pages;
	struct fx_range ranges[FX_MAX_RANGES];
	int nr_ranges;
	u8 memtype[FAKE_GUEST_FRAMES];
	long tracked;
	unsigned long set_type_calls;
	long mapped;
	int bound;
	struct fx_port ports[FX_MAX_PORTS];
	unsigned long msis;
	bool intx_level;
	unsigned long intx_changes;
	u64 msi_addr;
	u32 msi_data;
	unsigned long errors;
};

struct fake_xen *fake_xen_create(struct kunit *test, struct fake_hv *mem,
				 unsigned int nr_vcpus, bool buffered);
void fake_xen_post(struct fake_xen *fx, unsigned int vcpu,
		   const struct ioreq *req);
u64 fake_xen_wait(struct fake_xen *fx, unsigned int vcpu);
u64 fake_xen_ioreq(struct fake_xen *fx, unsigned int vcpu,
		   const struct ioreq *req);
void fake_xen_buffered(struct fake_xen *fx, u8 type, u32 addr,
		       unsigned int size, u64 data);
void fake_xen_kill(struct fake_xen *fx, bool zombie);
void fake_xen_kick(struct fake_xen *fx, unsigned int port);
bool fake_xen_range(struct fake_xen *fx, u32 type, u64 start, u64 end);
void fake_xen_expect_clean(struct fake_xen *fx);

#endif /* _VMED_TEST_FAKE_XEN_H */
