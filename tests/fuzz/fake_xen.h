/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A userspace fake Xen for the "xen" fuzz target: struct vmed_xen_hyp_ops
 * over the guest RAM of a struct fake_hv (used for its frames only), with
 * the ioreq pages as plain memory the target writes requests into. Every
 * resource the shim takes is counted; misuse (a second server, tracking a
 * tracked frame, unmapping what is not mapped, unbinding twice, ...)
 * counts in @errors. After a teardown everything must be back to zero.
 */
#ifndef _VMED_FUZZ_FAKE_XEN_H
#define _VMED_FUZZ_FAKE_XEN_H

#include "fuzz.h"
#include "xen.h"

#define UX_DOMID	9
#define UX_SBDF		XEN_DMOP_PCI_SBDF(0, 0, 8, 0)
#define UX_MAX_RANGES	8
#define UX_PORT_BASE	200
#define UX_BUF_PORT	199

struct ux_range {
	bool used;
	u32 type;
	u64 start, end;
};

struct ux_port {
	bool bound;
	evtchn_port_t remote;
	irq_handler_t handler;
	void *dev_id;
};

struct fake_xen {
	struct vmed_xen_hyp hyp;
	struct fake_hv *ram;
	unsigned int nr_vcpus;
	bool dead;
	struct shared_iopage *sync;
	struct buffered_iopage *buf;
	int servers, pages, bound;
	bool enabled, claimed;
	struct ux_range ranges[UX_MAX_RANGES];
	int nr_ranges;
	u8 memtype[FZ_FRAMES];
	long tracked;
	unsigned int map_count[FZ_FRAMES];
	long mapped;
	struct ux_port ports[VMED_XEN_MAX_VCPUS + 1];
	unsigned long msis, notifies, eois;
	unsigned long errors;
};

void fake_xen_init(struct fake_xen *ux, struct fake_hv *ram,
		   unsigned int nr_vcpus);
void fake_xen_fini(struct fake_xen *ux);
/* Signal the event channel of vCPU @index (or the buffered one). */
void fake_xen_kick(struct fake_xen *ux, unsigned int index);
/* Whether the shim holds a mapping of each of the @nr frames from @bus. */
bool fake_xen_holds(struct fake_xen *ux, u64 bus, u64 nr);

#endif /* _VMED_FUZZ_FAKE_XEN_H */
