/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The parts of Xen's device-model ABI (public/hvm/dm_op.h, hvm_op.h and
 * ioreq.h of Xen 4.17) that Linux 6.12 does not carry: the dm_op request
 * and the sub-operations vmed_xen issues, the ioreq_server memory type,
 * and the layout of the synchronous and buffered ioreq pages. Written from
 * the Xen interface description; struct ioreq and the IOREQ_* and STATE_*
 * values come from Linux's own <xen/interface/hvm/ioreq.h>.
 *
 * Everything here is a fixed binary layout shared with the hypervisor:
 * vmed_xen_abi_check() pins the sizes and offsets at compile time.
 */
#ifndef _VMED_XEN_ABI_H
#define _VMED_XEN_ABI_H

#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/types.h>
#include <xen/interface/hvm/ioreq.h>

#if IS_ENABLED(CONFIG_XEN)
#include <xen/interface/xen.h>
#include <xen/interface/event_channel.h>
#include <xen/interface/hvm/hvm_op.h>
#else
/* Builds without Xen (the KUnit kernel) still need these. */
typedef u16 domid_t;
typedef u32 evtchn_port_t;
#define HVMMEM_ram_rw		0
/* Domain ids from here on name special domains (xen.h). */
#define DOMID_FIRST_RESERVED	0x7ff0U
#endif

typedef u16 ioservid_t;

/* hvmmem_type_t: Linux stops at HVMMEM_mmio_dm (2); 3 is unused. */
#define HVMMEM_ioreq_server		4

/* How a new server handles buffered ioreqs (hvm_op.h). */
#define HVM_IOREQSRV_BUFIOREQ_OFF	0
#define HVM_IOREQSRV_BUFIOREQ_LEGACY	1
#define HVM_IOREQSRV_BUFIOREQ_ATOMIC	2

/* dm_op numbers */
#define XEN_DMOP_create_ioreq_server		1
#define XEN_DMOP_get_ioreq_server_info		2
#define XEN_DMOP_map_io_range_to_ioreq_server	3
#define XEN_DMOP_unmap_io_range_from_ioreq_server 4
#define XEN_DMOP_set_ioreq_server_state		5
#define XEN_DMOP_destroy_ioreq_server		6
#define XEN_DMOP_set_pci_intx_level		8
#define XEN_DMOP_set_mem_type			12
#define XEN_DMOP_inject_msi			14
#define XEN_DMOP_map_mem_type_to_ioreq_server	15
#define XEN_DMOP_nr_vcpus			20

/* get_ioreq_server_info flags: do not return (or create) legacy gfns */
#define XEN_DMOP_no_gfns			BIT(0)

/* range types of map/unmap_io_range */
#define XEN_DMOP_IO_RANGE_PORT			0
#define XEN_DMOP_IO_RANGE_MEMORY		1
#define XEN_DMOP_IO_RANGE_PCI			2

/* map_mem_type_to_ioreq_server flags (READ is refused by Xen) */
#define XEN_DMOP_IOREQ_MEM_ACCESS_READ		BIT(0)
#define XEN_DMOP_IOREQ_MEM_ACCESS_WRITE		BIT(1)

/* A PCI function as the PCI range type and ioreq addresses name it. */
#define XEN_DMOP_PCI_SBDF(s, b, d, f)					\
	((((u32)(s) & 0xffff) << 16) | (((u32)(b) & 0xff) << 8) |	\
	 (((u32)(d) & 0x1f) << 3) | ((u32)(f) & 0x7))

struct xen_dm_op_create_ioreq_server {
	u8 handle_bufioreq;	/* HVM_IOREQSRV_BUFIOREQ_* */
	u8 pad[3];
	ioservid_t id;		/* OUT */
};

struct xen_dm_op_get_ioreq_server_info {
	ioservid_t id;
	u16 flags;			/* XEN_DMOP_no_gfns */
	evtchn_port_t bufioreq_port;	/* OUT */
	u64 ioreq_gfn;			/* OUT, unless no_gfns */
	u64 bufioreq_gfn;		/* OUT, unless no_gfns */
};

struct xen_dm_op_ioreq_server_range {
	ioservid_t id;
	u16 pad;
	u32 type;		/* XEN_DMOP_IO_RANGE_* */
	u64 start, end;		/* inclusive */
};

struct xen_dm_op_set_ioreq_server_state {
	ioservid_t id;
	u8 enabled;
	u8 pad;
};

struct xen_dm_op_destroy_ioreq_server {
	ioservid_t id;
	u16 pad;
};

/* Xen accepts only segment 0, bus 0, device <= 31, intx <= 3 (INTA..D). */
struct xen_dm_op_set_pci_intx_level {
	u16 domain;
	u8 bus, device, intx;
	u8 level;
};

struct xen_dm_op_set_mem_type {
	u32 nr;			/* IN: frames; Xen may consume part of it */
	u16 mem_type;		/* HVMMEM_* */
	u16 pad;
	u64 first_pfn;
};

struct xen_dm_op_inject_msi {
	u32 data;
	u32 pad;		/* must be zero */
	u64 addr;
};

struct xen_dm_op_map_mem_type_to_ioreq_server {
	ioservid_t id;
	u16 type;		/* HVMMEM_ioreq_server */
	u32 flags;		/* XEN_DMOP_IOREQ_MEM_ACCESS_*, 0 to release */
	u64 opaque;		/* continuation state, zero from callers */
};

struct xen_dm_op_nr_vcpus {
	u32 vcpus;		/* OUT */
};

/* bufs[0] of every HYPERVISOR_dm_op; Xen's union is 24 bytes. */
struct xen_dm_op {
	u32 op;
	u32 pad;
	union {
		struct xen_dm_op_create_ioreq_server create_ioreq_server;
		struct xen_dm_op_get_ioreq_server_info get_ioreq_server_info;
		struct xen_dm_op_ioreq_server_range map_io_range;
		struct xen_dm_op_ioreq_server_range unmap_io_range;
		struct xen_dm_op_set_ioreq_server_state set_ioreq_server_state;
		struct xen_dm_op_destroy_ioreq_server destroy_ioreq_server;
		struct xen_dm_op_set_pci_intx_level set_pci_intx_level;
		struct xen_dm_op_set_mem_type set_mem_type;
		struct xen_dm_op_inject_msi inject_msi;
		struct xen_dm_op_map_mem_type_to_ioreq_server map_mem_type;
		struct xen_dm_op_nr_vcpus nr_vcpus;
		u64 raw[3];
	} u;
};

/*
 * The synchronous ioreq page: one struct ioreq per vCPU, indexed by vCPU
 * id. Xen 4.17 hands out exactly one such page, hence at most 128 vCPUs.
 */
#define VMED_XEN_MAX_VCPUS	128

struct shared_iopage {
	struct ioreq vcpu_ioreq[VMED_XEN_MAX_VCPUS];
};

/*
 * One slot of the buffered ring: writes only, count 1, no pointers, and
 * addresses below 1 MiB. @size is log2 of the access size; an 8-byte write
 * takes two consecutive slots, the second carrying the high 32 bits in
 * @data.
 */
struct buf_ioreq {
	u8 type;
	u8 pad:1;
	u8 dir:1;
	u8 size:2;
	u32 addr:20;
	u32 data;
};

#define IOREQ_BUFFER_SLOT_NUM	511

/*
 * The buffered ring: Xen advances @write_pointer, the device model
 * @read_pointer; slot i is buf_ioreq[i % IOREQ_BUFFER_SLOT_NUM]. In ATOMIC
 * mode Xen may lower both pointers by a multiple of the slot count with a
 * 64-bit compare-and-exchange, so @read_pointer only moves by atomic add.
 */
struct buffered_iopage {
	u32 read_pointer;
	u32 write_pointer;
	struct buf_ioreq buf_ioreq[IOREQ_BUFFER_SLOT_NUM];
};

/* Byte 30 of struct ioreq: state:4, data_is_ptr:1, dir:1, df:1 (LSB first). */
#define VMED_IOREQ_FLAGS_OFFSET	30
#define VMED_IOREQ_STATE_MASK	0x0f

static inline u8 *vmed_ioreq_flags(struct ioreq *req)
{
	return (u8 *)req + VMED_IOREQ_FLAGS_OFFSET;
}

static inline void vmed_xen_abi_check(void)
{
	BUILD_BUG_ON(sizeof(struct ioreq) != 32);
	BUILD_BUG_ON(offsetof(struct ioreq, vp_eport) != 24);
	BUILD_BUG_ON(offsetof(struct ioreq, _pad0) != 28);
	BUILD_BUG_ON(offsetof(struct ioreq, type) != 31);
	BUILD_BUG_ON(sizeof(struct buf_ioreq) != 8);
	BUILD_BUG_ON(offsetof(struct buf_ioreq, data) != 4);
	BUILD_BUG_ON(sizeof(struct shared_iopage) != 4096);
	BUILD_BUG_ON(sizeof(struct buffered_iopage) != 4096);
	BUILD_BUG_ON(sizeof(struct xen_dm_op_create_ioreq_server) != 6);
	BUILD_BUG_ON(sizeof(struct xen_dm_op_get_ioreq_server_info) != 24);
	BUILD_BUG_ON(sizeof(struct xen_dm_op_ioreq_server_range) != 24);
	BUILD_BUG_ON(sizeof(struct xen_dm_op_set_ioreq_server_state) != 4);
	BUILD_BUG_ON(sizeof(struct xen_dm_op_destroy_ioreq_server) != 4);
	BUILD_BUG_ON(sizeof(struct xen_dm_op_set_pci_intx_level) != 6);
	BUILD_BUG_ON(sizeof(struct xen_dm_op_set_mem_type) != 16);
	BUILD_BUG_ON(sizeof(struct xen_dm_op_inject_msi) != 16);
	BUILD_BUG_ON(sizeof(struct xen_dm_op_map_mem_type_to_ioreq_server) != 16);
	BUILD_BUG_ON(sizeof(struct xen_dm_op) != 32);
	BUILD_BUG_ON(offsetof(struct xen_dm_op, u) != 8);
}

#endif /* _VMED_XEN_ABI_H */
