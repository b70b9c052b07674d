// SPDX-License-Identifier: GPL-2.0
/*
 * vmed-vmm: a minimal VMM, raw KVM and VFIO ioctls only, that drives a
 * vmed vGPU (a VFIO mdev created by the vmed_kvm shim) through fault cases
 * QEMU cannot produce on demand: GGTT entries outside guest memory, guest
 * memory withdrawn while the device has it pinned, removal while open, and
 * the VMM dying in the middle of a workload; and that a vGPU bound to another
 * hypervisor cannot be opened (open-bound, which needs neither KVM nor a
 * working open), and an open that holds the vGPU while another hypervisor
 * tries to bind it (open-hold).
 *
 *   vmed-vmm <case> <uuid>
 *
 * Every check prints one line,
 *   PASS: vmm <case>: <check>
 *   FAIL: vmm <case>: <check> (<detail>)
 * optional features the device lacks print "SKIP: ..." and do not fail;
 * the exit status is 1 if any check failed, 2 on a usage error.
 *
 * The set-up is what a VMM does for a VFIO device (see
 * ../../../shared/reference/vfio.md, sections 2-4): a VM with one memslot
 * of anonymous memory at GPA 0, the kvm-vfio device told about the group
 * BEFORE the device is opened (VFIO hands the kvm to the device only at its
 * first open, and the shim needs it for write tracking), a TYPE1v2
 * container with the memslot mapped at IOVA == GPA (the shim pins guest
 * frames by GPA), then the device fd and its regions and interrupts.
 *
 * With VMM_IOMMUFD=1 in the environment the device is reached the newer
 * way instead, on kernels built with iommufd and the VFIO device cdev:
 * /dev/vfio/devices/vfioN told to KVM, bound to /dev/iommu, attached to an
 * IOAS with the memslot mapped at IOVA == GPA. iommufd holds a shim to
 * stricter rules than type1 (an unpin must match one earlier pin exactly).
 *
 * There is no vCPU: this program is the guest. It writes guest memory
 * through the memslot's host mapping (such writes are not seen by KVM write
 * tracking, so page tables are written before the device is told of them)
 * and reaches the device with pread/pwrite on its regions, as QEMU does on
 * the guest's behalf. The vGPU's own counters in sysfs
 * (/sys/bus/mdev/devices/<uuid>/vmed/<name>) say what the shim did.
 *
 * Vendor specifics are two small tables of offsets taken from
 * vendors/i915 and vendors/nvidia-stub, plus one short workload each: a
 * store of a chosen value into guest memory followed by an interrupt.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <dirent.h>
#include <linux/kvm.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>

/* Debian 12's uapi headers predate the FILE names; the values are the same. */
#ifndef KVM_DEV_VFIO_FILE
#define KVM_DEV_VFIO_FILE	KVM_DEV_VFIO_GROUP
#define KVM_DEV_VFIO_FILE_ADD	KVM_DEV_VFIO_GROUP_ADD
#define KVM_DEV_VFIO_FILE_DEL	KVM_DEV_VFIO_GROUP_DEL
#endif

/*
 * Debian 12's uapi headers (Linux 6.1) have no iommufd.h and predate
 * iommufd's VFIO binding; these are the Linux 6.12 ABI's structures and
 * ioctl numbers.
 */
#ifndef IOMMU_IOAS_MAP
#define IOMMUFD_TYPE		(';')
#define IOMMU_IOAS_ALLOC	_IO(IOMMUFD_TYPE, 0x81)
#define IOMMU_IOAS_MAP		_IO(IOMMUFD_TYPE, 0x85)
#define IOMMU_IOAS_UNMAP	_IO(IOMMUFD_TYPE, 0x86)
#define IOMMU_IOAS_MAP_FIXED_IOVA	BIT(0)
#define IOMMU_IOAS_MAP_WRITEABLE	BIT(1)
#define IOMMU_IOAS_MAP_READABLE		BIT(2)
struct iommu_ioas_alloc {
	__u32 size;
	__u32 flags;
	__u32 out_ioas_id;
};

struct iommu_ioas_map {
	__u32 size;
	__u32 flags;
	__u32 ioas_id;
	__u32 __reserved;
	__aligned_u64 user_va;
	__aligned_u64 length;
	__aligned_u64 iova;
};

struct iommu_ioas_unmap {
	__u32 size;
	__u32 ioas_id;
	__aligned_u64 iova;
	__aligned_u64 length;
};
#endif
#ifndef VFIO_DEVICE_BIND_IOMMUFD
#define VFIO_DEVICE_BIND_IOMMUFD	_IO(VFIO_TYPE, VFIO_BASE + 18)
#define VFIO_DEVICE_ATTACH_IOMMUFD_PT	_IO(VFIO_TYPE, VFIO_BASE + 19)
struct vfio_device_bind_iommufd {
	__u32 argsz;
	__u32 flags;
	__s32 iommufd;
	__u32 out_devid;
};

struct vfio_device_attach_iommufd_pt {
	__u32 argsz;
	__u32 flags;
	__u32 pt_id;
};
#endif

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef long long s64;

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define BIT(n)		(UINT32_C(1) << (n))
#define BIT_ULL(n)	(UINT64_C(1) << (n))
#define GENMASK_ULL(h, l)	((~0ull << (l)) & (~0ull >> (63 - (h))))

#define PAGE_SHIFT	12
#define PAGE_SIZE	4096ul
#define MEM_SIZE	(64ul << 20)	/* guest RAM: one memslot at GPA 0 */
#define MSI_ADDR	0xfee00000u
#define MSI_DATA	0x4041u
#define SYSFS_MDEV	"/sys/bus/mdev/devices"

/*
 * Guest frames the workloads use. GFN_RESULT receives the value each
 * workload stores; the spare frames are mapped into the GGTT only so that
 * the shim pins them.
 */
#define GFN_CTX		0x100	/* i915: context image, 2 pages */
#define GFN_RING	0x102	/* commands (i915) or GPFIFO (nvstub) */
#define GFN_RESULT	0x103
#define GFN_PD		0x104	/* page directory: nvstub channel, i915 PPGTT */
#define GFN_PT		0x105	/* page table of both */
#define GFN_PB		0x106	/* pushbuffer (nvstub), batch (i915 PPGTT) */
#define GFN_RESULT2	0x107	/* track-write and no-kvm move the result here */
#define GFN_PML4	0x108	/* i915 PPGTT: top two levels */
#define GFN_PDP		0x109
#define GFN_CODE	0x0f0	/* the vCPU's code, below 1 MiB */
#define GFN_SPARE	0x200
#define NR_SPARE	64
#define SLOT_SPARE	16	/* first GGTT slot for spare frames */
#define SLOT_PROBE	(SLOT_SPARE + NR_SPARE)	/* ggtt-outside's entries */

/*
 * GPU virtual addresses, in the first page table, of the commands and the
 * result page where a workload goes through a guest page table (nvstub's
 * channel; i915 once its PPGTT is announced).
 */
#define VA_CMDS		0x1000ull
#define VA_RESULT	0x2000ull

struct vmm;

/**
 * struct vendor - what the test needs to know of one device model
 * @name: for messages
 * @vendor_id: PCI vendor ID
 * @device_id: PCI device ID
 * @msi_cap: config offset of the MSI capability
 * @bar0_size: size of BAR0 (registers and GGTT)
 * @bar2_size: size of BAR2
 * @ggtt: BAR0 offset of the GGTT (i915) or aperture page table (nvstub),
 *	8-byte entries, entry i maps graphics memory page i
 * @pte_shift: an entry holds the guest frame number shifted by this
 * @pte_frame: bits of an entry holding the shifted frame number
 * @pte_valid: present and writable bits
 * @pte_probe: a non-present entry value the device keeps and reads back
 * @gm_base_reg: BAR0 register holding the base of the vGPU's mappable
 *	slice of graphics memory, or 0 if the device does not say (then it is
 *	found by probing the GGTT: entries outside the slice read back 0)
 * @gm_mappable: the device's mappable graphics memory, to bound the probe
 * @id_reg: a read-only register with a known value
 * @id_val: its value
 * @rw_reg: a plain read-write register
 * @ring_slot: GGTT slot of the page the engine reads commands from
 * @setup: program the device for @run: GGTT entries, interrupts, context or
 *	channel; may be called again after guest memory came back
 * @ppgtt_setup: if not NULL, called after @setup to make @run store
 *	through a guest page table (shadowed by the core) instead of the GGTT;
 *	@setup alone already does so where this is NULL
 * @run: one workload that stores @value at GFN_RESULT and raises an
 *	interrupt; returns 0 if the device reported success, 1 if it reported
 *	an error. It acknowledges the interrupt (@ack) unless
 *	&vmm.keep_pending is set.
 * @ack: acknowledge every interrupt in the device's registers, which
 *	lowers its interrupt line
 * @result_pte: where the device model keeps, in guest memory and shadowed
 *	once @setup and @ppgtt_setup ran, the entry that maps the result page:
 *	its GPA, and in *@pte the value that maps frame @gfn instead; NULL if
 *	the workload has no such entry
 */
struct vendor {
	const char *name;
	u16 vendor_id;
	u16 device_id;
	u8 msi_cap;
	u64 bar0_size;
	u64 bar2_size;
	u64 ggtt;
	unsigned int pte_shift;
	u64 pte_frame;
	u64 pte_valid;
	u64 pte_probe;
	u32 gm_base_reg;
	u64 gm_mappable;
	u32 id_reg;
	u32 id_val;
	u32 rw_reg;
	unsigned int ring_slot;
	void (*setup)(struct vmm *v);
	void (*ppgtt_setup)(struct vmm *v);
	int (*run)(struct vmm *v, u32 value);
	void (*ack)(struct vmm *v);
	u64 (*result_pte)(u64 gfn, u64 *pte);
};

struct vmm {
	const char *uuid;
	int kvm, vm, kvm_vfio, container, group, device;
	int iommufd;	/* VMM_IOMMUFD: /dev/iommu, else -1 */
	u32 ioas_id;
	int group_nr;
	u8 *mem;
	bool dma_mapped;
	struct vfio_device_info info;
	struct vfio_region_info cfg, bar0, bar2;
	int msi_fd;
	const struct vendor *vd;
	u64 gm_base;	/* graphics memory address of the mappable slice */
	u32 put;	/* nvstub: next GPFIFO entry */
	bool ppgtt;	/* i915: the workload stores through the PPGTT */
	bool no_msi;	/* vmm_enable leaves MSI off (INTx only) */
	bool keep_pending;	/* run leaves its interrupt unacknowledged */
	int vcpu;
	struct kvm_run *run;
	size_t run_size;
};

static const char *case_name = "?";
static int nr_failed;
static int nr_io_errors;

/* ------------------------------------------------------------ reporting */

static void report(bool ok, const char *what, const char *fmt, va_list ap)
{
	if (ok) {
		printf("PASS: vmm %s: %s\n", case_name, what);
	} else {
		printf("FAIL: vmm %s: %s (", case_name, what);
		vprintf(fmt, ap);
		printf(")\n");
		nr_failed++;
	}
	fflush(stdout);
}

/* One check: a PASS line, or a FAIL line with the detail. */
static bool check(bool ok, const char *what, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(ok, what, fmt, ap);
	va_end(ap);
	return ok;
}

static void fail(const char *what, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(false, what, fmt, ap);
	va_end(ap);
}

static void pass(const char *what)
{
	check(true, what, "-");
}

static void skip(const char *what, const char *why)
{
	printf("SKIP: vmm %s: %s (%s)\n", case_name, what, why);
	fflush(stdout);
}

/* "EINVAL: Invalid argument", for the detail of a failed call */
static const char *err_str(int err)
{
	static char buf[96];
	const char *name = strerrorname_np(err);

	snprintf(buf, sizeof(buf), "%s: %s", name ? name : "?", strerror(err));
	return buf;
}

/* A failed system call of step @what: names the call and errno. */
static int sys_fail(const char *what, const char *call)
{
	int err = errno;

	fail(what, "%s: %s", call, err_str(err));
	return -err;
}

static bool verbose(void)
{
	return getenv("VMM_VERBOSE");
}

/* ------------------------------------------------------------ sysfs */

static int sysfs_path(char *buf, size_t len, const char *uuid,
		      const char *name)
{
	int n = snprintf(buf, len, SYSFS_MDEV "/%s%s%s", uuid,
			 name ? "/" : "", name ? name : "");

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

/* A per-vGPU counter: /sys/bus/mdev/devices/<uuid>/vmed/<name>. */
static int counter(struct vmm *v, const char *name, u64 *val)
{
	char path[PATH_MAX], rel[64], buf[64], *end;
	ssize_t n;
	int fd;

	snprintf(rel, sizeof(rel), "vmed/%s", name);
	if (sysfs_path(path, sizeof(path), v->uuid, rel))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	errno = 0;
	*val = strtoull(buf, &end, 0);
	if (errno || end == buf || (*end && *end != '\n'))
		return -EBADMSG;
	return 0;
}

/* Check that vmed/state reads @want (a word such as "closed"). */
static void check_state(struct vmm *v, const char *what, const char *want)
{
	char path[PATH_MAX], buf[128] = "";
	ssize_t n = -1;
	int fd;

	if (!sysfs_path(path, sizeof(path), v->uuid, "vmed/state")) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			n = read(fd, buf, sizeof(buf) - 1);
			close(fd);
		}
	}
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n > 0 ? n : 0] = '\0';
	check(n > 0 && !strcmp(buf, want), what, "vmed/state \"%s\", want \"%s\"",
	      buf, want);
}

/*
 * Check counter @name against @want with @op ('=' equal, '>' greater,
 * '+' at least @want more than @base); returns the value read.
 */
static u64 check_counter(struct vmm *v, const char *what, const char *name,
			 char op, u64 want, u64 base)
{
	u64 val = 0;
	bool ok;
	int ret;

	ret = counter(v, name, &val);
	if (ret) {
		fail(what, "read vmed/%s: %s", name, err_str(-ret));
		return 0;
	}
	switch (op) {
	case '=':
		ok = val == want;
		break;
	case '>':
		ok = val > want;
		break;
	default:
		ok = val >= base + want;
		break;
	}
	if (op == '+')
		check(ok, what, "vmed/%s %llu, want >= %llu",
		      name, val, base + want);
	else
		check(ok, what, "vmed/%s %llu, want %s%llu", name,
		      val, op == '>' ? "> " : "", want);
	return val;
}

/* Counter value used as a base for a later '+' check; 0 if unreadable. */
static u64 counter_or_zero(struct vmm *v, const char *name)
{
	u64 val;

	return counter(v, name, &val) ? 0 : val;
}

/* ------------------------------------------------------------ device I/O */

static const char *region_name(struct vmm *v, const struct vfio_region_info *r)
{
	return r == &v->cfg ? "config" : r == &v->bar0 ? "BAR0" : "BAR2";
}

/*
 * Region access as QEMU forwards a guest access: one pread/pwrite of the
 * access size at the region's offset. An error is reported at once (the
 * first few of them), so a check that then sees a wrong value has context.
 */
static u64 region_rw(struct vmm *v, struct vfio_region_info *r, u64 off,
		     unsigned int len, u64 val, bool write)
{
	u8 buf[8] = { 0 };
	ssize_t n;
	char what[64];
	unsigned int i;

	for (i = 0; i < len; i++)
		buf[i] = val >> (8 * i);
	if (write)
		n = pwrite(v->device, buf, len, r->offset + off);
	else
		n = pread(v->device, buf, len, r->offset + off);
	if (n != (ssize_t)len) {
		if (nr_io_errors++ < 5) {
			snprintf(what, sizeof(what), "%s %s+%#llx/%u",
				 write ? "pwrite" : "pread",
				 region_name(v, r), off, len);
			fail(what, "returned %zd: %s", n,
			     n < 0 ? err_str(errno) : "short");
		}
		return ~0ull;
	}
	for (val = 0, i = 0; i < len; i++)
		val |= (u64)buf[i] << (8 * i);
	return val;
}

static u32 cfg_rd(struct vmm *v, u32 off, unsigned int len)
{
	return region_rw(v, &v->cfg, off, len, 0, false);
}

static void cfg_wr(struct vmm *v, u32 off, unsigned int len, u32 val)
{
	region_rw(v, &v->cfg, off, len, val, true);
}

static u32 rd32(struct vmm *v, u32 off)
{
	return region_rw(v, &v->bar0, off, 4, 0, false);
}

static void wr32(struct vmm *v, u32 off, u32 val)
{
	region_rw(v, &v->bar0, off, 4, val, true);
}

static void wr64(struct vmm *v, u32 off, u64 val)
{
	region_rw(v, &v->bar0, off, 8, val, true);
}

static u64 ggtt_rd(struct vmm *v, unsigned int slot)
{
	u64 index = (v->gm_base >> PAGE_SHIFT) + slot;

	return region_rw(v, &v->bar0, v->vd->ggtt + index * 8, 8, 0, false);
}

static void ggtt_wr(struct vmm *v, unsigned int slot, u64 pte)
{
	u64 index = (v->gm_base >> PAGE_SHIFT) + slot;

	region_rw(v, &v->bar0, v->vd->ggtt + index * 8, 8, pte, true);
}

static u64 pte_of(struct vmm *v, u64 gfn)
{
	return ((gfn << v->vd->pte_shift) & v->vd->pte_frame) |
	       v->vd->pte_valid;
}

/* Map graphics memory page @slot of the vGPU's slice to guest frame @gfn. */
static void ggtt_map(struct vmm *v, unsigned int slot, u64 gfn)
{
	ggtt_wr(v, slot, pte_of(v, gfn));
}

static u64 gm_addr(struct vmm *v, unsigned int slot)
{
	return v->gm_base + ((u64)slot << PAGE_SHIFT);
}

static void *gpa_ptr(struct vmm *v, u64 gfn)
{
	return v->mem + (gfn << PAGE_SHIFT);
}

static u32 *result(struct vmm *v)
{
	return gpa_ptr(v, GFN_RESULT);
}

/* ------------------------------------------------------------ i915 */

/* vendors/i915/i915.h */
#define I915_MASTER_IRQ		0x44200
#define I915_MASTER_IRQ_CONTROL	BIT(31)
#define I915_GT0_IMR		0x44304
#define I915_GT0_IIR		0x44308
#define I915_GT0_IER		0x4430c
#define I915_GT_EVENTS		(BIT(0) | BIT(8))	/* user, ctx switch */
#define I915_ELSP		0x2230
#define I915_EXECLIST_STATUS_LO	0x2234
#define I915_EXECLIST_ACTIVE	BIT(0)
#define I915_EXECLIST_ERROR	BIT(31)
#define I915_CS_GPR0		0x2600
#define I915_RP_STATE_CAP	0x145998
#define I915_PV_MAPPABLE_BASE	0x78040
#define I915_PV_G2V_NOTIFY	0x78818
#define I915_G2V_PPGTT_L4_CREATE 4
#define I915_PV_PDP0_LO		0x78838
#define I915_PV_PDP0_HI		0x7883c
#define I915_CTX_VALID		1ull
#define I915_CTX_LEGACY_64	(3ull << 3)	/* 4-level PPGTT */
#define I915_CTX_ID		0x42ull
#define I915_CTX_RING_HEAD	0x05	/* dwords of the state page */
#define I915_CTX_RING_TAIL	0x07
#define I915_CTX_RING_START	0x09
#define I915_CTX_RING_CTL	0x0b	/* bit 0 valid; 0 more pages */
#define I915_CTX_PDP0_UDW	0x31	/* PML4 address */
#define I915_CTX_PDP0_LDW	0x33
#define I915_PTE(gfn)		((u64)(gfn) << PAGE_SHIFT | 3)	/* P, RW */
#define I915_MI(op, flags)	((u32)(op) << 23 | (flags))
#define I915_MI_NOOP		I915_MI(0x00, 0)
#define I915_MI_USER_INTERRUPT	I915_MI(0x02, 0)
#define I915_MI_BB_END		I915_MI(0x0a, 0)
#define I915_MI_SDI_GGTT	I915_MI(0x20, BIT(22) | 2)
#define I915_MI_SDI		I915_MI(0x20, 2)	/* the batch's space */
#define I915_MI_BB_START_PPGTT	I915_MI(0x31, BIT(8) | 1)

/* GGTT slots: context image (HWSP page, state page), ring, result. */
enum { I915_SLOT_CTX, I915_SLOT_STATE, I915_SLOT_RING, I915_SLOT_RESULT };

static void i915_setup(struct vmm *v)
{
	u32 *state = gpa_ptr(v, GFN_CTX + 1);

	ggtt_map(v, I915_SLOT_CTX, GFN_CTX);
	ggtt_map(v, I915_SLOT_STATE, GFN_CTX + 1);
	ggtt_map(v, I915_SLOT_RING, GFN_RING);
	ggtt_map(v, I915_SLOT_RESULT, GFN_RESULT);
	memset(state, 0, PAGE_SIZE);
	state[I915_CTX_RING_START] = gm_addr(v, I915_SLOT_RING);
	state[I915_CTX_RING_CTL] = 1;	/* valid, one page */
	wr32(v, I915_GT0_IMR, ~I915_GT_EVENTS);
	wr32(v, I915_GT0_IER, I915_GT_EVENTS);
	wr32(v, I915_MASTER_IRQ, I915_MASTER_IRQ_CONTROL);
	v->ppgtt = false;
}

/*
 * A 4-level PPGTT mapping VA_CMDS to the batch and VA_RESULT to the result
 * page, written before it is announced through PVINFO g2v_notify (the
 * announcement shadows it; host writes are never write-tracked), and the
 * context's PML4 pointing at it: from now on the workload's store runs
 * from a PPGTT batch through these tables.
 */
static void i915_ppgtt_setup(struct vmm *v)
{
	u64 *pml4 = gpa_ptr(v, GFN_PML4), *pdp = gpa_ptr(v, GFN_PDP);
	u64 *pd = gpa_ptr(v, GFN_PD), *pt = gpa_ptr(v, GFN_PT);
	u32 *state = gpa_ptr(v, GFN_CTX + 1);
	u64 root = GFN_PML4 << PAGE_SHIFT;

	memset(pml4, 0, PAGE_SIZE);
	memset(pdp, 0, PAGE_SIZE);
	memset(pd, 0, PAGE_SIZE);
	memset(pt, 0, PAGE_SIZE);
	pml4[0] = I915_PTE(GFN_PDP);
	pdp[0] = I915_PTE(GFN_PD);
	pd[0] = I915_PTE(GFN_PT);
	pt[VA_CMDS >> PAGE_SHIFT] = I915_PTE(GFN_PB);
	pt[VA_RESULT >> PAGE_SHIFT] = I915_PTE(GFN_RESULT);
	state[I915_CTX_PDP0_UDW] = root >> 32;
	state[I915_CTX_PDP0_LDW] = (u32)root;
	__sync_synchronize();
	wr32(v, I915_PV_PDP0_LO, (u32)root);
	wr32(v, I915_PV_PDP0_HI, root >> 32);
	wr32(v, I915_PV_G2V_NOTIFY, I915_G2V_PPGTT_L4_CREATE);
	v->ppgtt = true;
}

static void i915_ack(struct vmm *v)
{
	wr32(v, I915_GT0_IIR, ~0u);	/* so the next one is an edge */
}

/*
 * A ring of MI_STORE_DATA_IMM through the GGTT and MI_USER_INTERRUPT, or
 * once the PPGTT is set up, a PPGTT batch holding the store to VA_RESULT.
 * The fourth ELSP write queues the context; EXECLIST_STATUS_LO bit 0 reads
 * 1 until the engine is done with it (10 s at most), or the vGPU reads as
 * dead.
 */
static int i915_run(struct vmm *v, u32 value)
{
	u32 *ring = gpa_ptr(v, GFN_RING), *state = gpa_ptr(v, GFN_CTX + 1);
	u32 *batch = gpa_ptr(v, GFN_PB);
	u64 desc = gm_addr(v, I915_SLOT_CTX) | I915_CTX_VALID |
		   I915_CTX_ID << 32;
	u64 buf = gm_addr(v, I915_SLOT_RESULT);
	unsigned int n = 0, b = 0;

	if (v->ppgtt) {
		batch[b++] = I915_MI_SDI;
		batch[b++] = (u32)VA_RESULT;
		batch[b++] = VA_RESULT >> 32;
		batch[b++] = value;
		batch[b++] = I915_MI_BB_END;
		ring[n++] = I915_MI_BB_START_PPGTT;
		ring[n++] = (u32)VA_CMDS;
		ring[n++] = VA_CMDS >> 32;
		desc |= I915_CTX_LEGACY_64;
	} else {
		ring[n++] = I915_MI_SDI_GGTT;
		ring[n++] = (u32)buf;
		ring[n++] = buf >> 32;
		ring[n++] = value;
	}
	ring[n++] = I915_MI_USER_INTERRUPT;
	/* Hardware wants qword-aligned tails. */
	if (n % 2)
		ring[n++] = I915_MI_NOOP;
	state[I915_CTX_RING_HEAD] = 0;
	state[I915_CTX_RING_TAIL] = n * 4;
	__sync_synchronize();
	wr32(v, I915_ELSP, 0);			/* element 1: none */
	wr32(v, I915_ELSP, 0);
	wr32(v, I915_ELSP, desc >> 32);		/* element 0 */
	wr32(v, I915_ELSP, (u32)desc);
	for (b = 0; b < 10000; b++) {
		n = rd32(v, I915_EXECLIST_STATUS_LO);
		if (!(n & I915_EXECLIST_ACTIVE) || n == ~0u)
			break;
		usleep(1000);
	}
	if (n != ~0u && (n & I915_EXECLIST_ACTIVE)) {
		printf("    EXECLIST_STATUS_LO %#x after 10 s\n", n);
		return 1;
	}
	if (!v->keep_pending)
		i915_ack(v);
	return n & I915_EXECLIST_ERROR ? 1 : 0;
}

/* The PPGTT entry that maps the result page. */
static u64 i915_result_pte(u64 gfn, u64 *pte)
{
	*pte = I915_PTE(gfn);
	return (GFN_PT << PAGE_SHIFT) + (VA_RESULT >> PAGE_SHIFT) * 8;
}

static const struct vendor i915 = {
	.name = "i915",
	.vendor_id = 0x8086,
	.device_id = 0x1912,
	.msi_cap = 0xd0,
	.bar0_size = 16ull << 20,
	.bar2_size = 512ull << 20,
	.ggtt = 8ull << 20,
	.pte_shift = 12,
	.pte_frame = GENMASK_ULL(45, 12),
	.pte_valid = BIT_ULL(0) | BIT_ULL(1),	/* present, RW */
	.pte_probe = BIT_ULL(3),		/* PWT, not present */
	.gm_base_reg = I915_PV_MAPPABLE_BASE,
	.gm_mappable = 512ull << 20,
	.id_reg = I915_RP_STATE_CAP,
	.id_val = 0x000b0b18,
	.rw_reg = I915_CS_GPR0,
	.ring_slot = I915_SLOT_RING,
	.setup = i915_setup,
	.ppgtt_setup = i915_ppgtt_setup,
	.run = i915_run,
	.ack = i915_ack,
	.result_pte = i915_result_pte,
};

/* ------------------------------------------------------------ nvidia-stub */

/* vendors/nvidia-stub/nvstub.h */
#define NVS_BOOT0		0x000000
#define NVS_INTR_MASTER		0x000100
#define NVS_INTR_MASTER_ENABLE	BIT(31)
#define NVS_INTR_STALL		0x000110
#define NVS_INTR_NONSTALL	0x000120
#define NVS_INTR_IMR		0x4
#define NVS_INTR_IIR		0x8
#define NVS_INTR_IER		0xc
#define NVS_CH0			0x002000
#define NVS_CH_GPFIFO_BASE	0x00
#define NVS_CH_GPFIFO_ENTRIES	0x08
#define NVS_CH_GP_PUT		0x10
#define NVS_CH_CTRL		0x14
#define NVS_CH_PDB		0x18
#define NVS_CH_GP_GET		0x0c
#define NVS_CH_DOORBELL		0x20
#define NVS_CH_ERROR		0x24
#define NVS_PTE(gfn)		((u64)(gfn) << 8 | 3)	/* valid, write */
#define NVS_MTHD(m, n)		((u32)(m) | (u32)(n) << 8)
#define NVS_M_SEMAPHORE_ADDRESS	5
#define NVS_M_SEMAPHORE_RELEASE	6
#define NVS_M_NONSTALL_INTERRUPT 7
#define NVS_RING_ENTRIES	8

enum { NVS_SLOT_RING };

/*
 * Page tables are written before the channel is bound: binding shadows
 * them, and these host writes would not reach a tracked page's handler.
 */
static void nvs_setup(struct vmm *v)
{
	u64 *pd = gpa_ptr(v, GFN_PD), *pt = gpa_ptr(v, GFN_PT);

	memset(pd, 0, PAGE_SIZE);
	memset(pt, 0, PAGE_SIZE);
	pd[0] = NVS_PTE(GFN_PT);
	pt[VA_CMDS >> PAGE_SHIFT] = NVS_PTE(GFN_PB);
	pt[VA_RESULT >> PAGE_SHIFT] = NVS_PTE(GFN_RESULT);
	__sync_synchronize();
	ggtt_map(v, NVS_SLOT_RING, GFN_RING);
	wr32(v, NVS_CH0 + NVS_CH_CTRL, 0);	/* unbind, if bound before */
	wr64(v, NVS_CH0 + NVS_CH_GPFIFO_BASE, gm_addr(v, NVS_SLOT_RING));
	wr32(v, NVS_CH0 + NVS_CH_GPFIFO_ENTRIES, NVS_RING_ENTRIES);
	wr64(v, NVS_CH0 + NVS_CH_PDB, GFN_PD << PAGE_SHIFT);
	wr32(v, NVS_CH0 + NVS_CH_CTRL, 1);
	v->put = 0;			/* GP_GET is 0 after binding */
	wr32(v, NVS_INTR_STALL + NVS_INTR_IMR, ~3u);	/* COPY_DONE, ERROR */
	wr32(v, NVS_INTR_NONSTALL + NVS_INTR_IMR, ~1u);
	wr32(v, NVS_INTR_STALL + NVS_INTR_IER, 3);
	wr32(v, NVS_INTR_NONSTALL + NVS_INTR_IER, 1);
	wr32(v, NVS_INTR_MASTER, NVS_INTR_MASTER_ENABLE);
}

static void nvs_ack(struct vmm *v)
{
	wr32(v, NVS_INTR_STALL + NVS_INTR_IIR, ~0u);
	wr32(v, NVS_INTR_NONSTALL + NVS_INTR_IIR, ~0u);
}

/*
 * The engine runs the entries after the doorbell has returned: wait (10 s
 * at most) for GP_GET to reach GP_PUT, or for the vGPU to read as dead.
 */
static int nvs_wait(struct vmm *v)
{
	unsigned int i;
	u32 get;

	for (i = 0; i < 10000; i++) {
		get = rd32(v, NVS_CH0 + NVS_CH_GP_GET);
		if (get == v->put || get == ~0u)
			return 0;
		usleep(1000);
	}
	printf("    GP_GET %u, GP_PUT %u after 10 s\n", get, v->put);
	return -1;
}

/* One GPFIFO entry: a semaphore release of @value, then NONSTALL. */
static int nvs_run(struct vmm *v, u32 value)
{
	u32 *pb = gpa_ptr(v, GFN_PB);
	u64 *ring = gpa_ptr(v, GFN_RING);
	unsigned int n = 0;
	u32 err;

	pb[n++] = NVS_MTHD(NVS_M_SEMAPHORE_ADDRESS, 2);
	pb[n++] = (u32)VA_RESULT;
	pb[n++] = VA_RESULT >> 32;
	pb[n++] = NVS_MTHD(NVS_M_SEMAPHORE_RELEASE, 1);
	pb[n++] = value;
	pb[n++] = NVS_MTHD(NVS_M_NONSTALL_INTERRUPT, 0);
	ring[v->put] = VA_CMDS | (u64)n << 40;
	v->put = (v->put + 1) % NVS_RING_ENTRIES;
	__sync_synchronize();
	wr32(v, NVS_CH0 + NVS_CH_GP_PUT, v->put);
	wr32(v, NVS_CH0 + NVS_CH_DOORBELL, 1);
	if (nvs_wait(v))
		return 1;
	err = rd32(v, NVS_CH0 + NVS_CH_ERROR);
	wr32(v, NVS_CH0 + NVS_CH_ERROR, err);
	if (!v->keep_pending)
		nvs_ack(v);
	return err ? 1 : 0;
}

/* The channel page-table entry that maps the semaphore (result) page. */
static u64 nvs_result_pte(u64 gfn, u64 *pte)
{
	*pte = NVS_PTE(gfn);
	return (GFN_PT << PAGE_SHIFT) + (VA_RESULT >> PAGE_SHIFT) * 8;
}

static const struct vendor nvstub = {
	.name = "nvidia-stub",
	.vendor_id = 0x10de,
	.device_id = 0x0f5b,
	.msi_cap = 0x68,
	.bar0_size = 16ull << 20,
	.bar2_size = 256ull << 20,
	.ggtt = 0x800000,
	.pte_shift = 8,
	.pte_frame = GENMASK_ULL(39, 8),
	.pte_valid = BIT_ULL(0) | BIT_ULL(1),	/* valid, write enable */
	.pte_probe = BIT_ULL(2),		/* volatile, not valid */
	.gm_base_reg = 0,
	.gm_mappable = 128ull << 20,
	.id_reg = NVS_BOOT0,
	.id_val = 0x5b0000a1,
	.rw_reg = NVS_CH0 + NVS_CH_GPFIFO_ENTRIES,
	.ring_slot = NVS_SLOT_RING,
	.setup = nvs_setup,
	.run = nvs_run,
	.ack = nvs_ack,
	.result_pte = nvs_result_pte,
};

static const struct vendor *const vendors[] = { &i915, &nvstub };

/* ------------------------------------------------------------ KVM, VFIO */

/* The vGPU's IOMMU group: the target of <uuid>/iommu_group. */
static int group_number(const char *uuid)
{
	char path[PATH_MAX], link[PATH_MAX], *base;
	ssize_t n;

	if (sysfs_path(path, sizeof(path), uuid, "iommu_group"))
		return -ENAMETOOLONG;
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -errno;
	link[n] = '\0';
	base = strrchr(link, '/');
	return atoi(base ? base + 1 : link);
}

static int dma_map(struct vmm *v)
{
	struct iommu_ioas_map ioas_map = {
		.size = sizeof(ioas_map),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = v->ioas_id,
		.user_va = (uintptr_t)v->mem,
		.length = MEM_SIZE,
		.iova = 0,
	};
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (uintptr_t)v->mem,
		.iova = 0,	/* IOVA == GPA: the shim pins by GPA */
		.size = MEM_SIZE,
	};

	if (v->iommufd >= 0 ? ioctl(v->iommufd, IOMMU_IOAS_MAP, &ioas_map) :
	    ioctl(v->container, VFIO_IOMMU_MAP_DMA, &map))
		return -errno;
	v->dma_mapped = true;
	return 0;
}

/* Returns the bytes VFIO says it unmapped, or -errno. */
static s64 dma_unmap(struct vmm *v)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = 0,
		.size = MEM_SIZE,
	};
	struct iommu_ioas_unmap ioas_unmap = {
		.size = sizeof(ioas_unmap),
		.ioas_id = v->ioas_id,
		.iova = 0,
		.length = MEM_SIZE,
	};

	if (v->iommufd >= 0) {
		if (ioctl(v->iommufd, IOMMU_IOAS_UNMAP, &ioas_unmap))
			return -errno;
		v->dma_mapped = false;
		return ioas_unmap.length;
	}
	if (ioctl(v->container, VFIO_IOMMU_UNMAP_DMA, &unmap))
		return -errno;
	v->dma_mapped = false;
	return unmap.size;
}

static int region_info(struct vmm *v, unsigned int index,
		       struct vfio_region_info *r)
{
	memset(r, 0, sizeof(*r));
	r->argsz = sizeof(*r);
	r->index = index;
	return ioctl(v->device, VFIO_DEVICE_GET_REGION_INFO, r) ? -errno : 0;
}

static int irq_info(struct vmm *v, unsigned int index,
		    struct vfio_irq_info *irq)
{
	memset(irq, 0, sizeof(*irq));
	irq->argsz = sizeof(*irq);
	irq->index = index;
	return ioctl(v->device, VFIO_DEVICE_GET_IRQ_INFO, irq) ? -errno : 0;
}

/*
 * VFIO_DEVICE_SET_IRQS for vector 0 of interrupt @index: @action
 * (VFIO_IRQ_SET_ACTION_*) through eventfd @fd; for a trigger, @fd < 0
 * turns the interrupt off.
 */
static int set_irq_action(struct vmm *v, unsigned int index, u32 action,
			  int fd)
{
	union {
		struct vfio_irq_set set;
		u8 buf[sizeof(struct vfio_irq_set) + sizeof(int)];
	} u;

	memset(&u, 0, sizeof(u));
	u.set.argsz = sizeof(u.buf);
	u.set.index = index;
	u.set.start = 0;
	if (fd < 0 && action == VFIO_IRQ_SET_ACTION_TRIGGER) {
		u.set.flags = VFIO_IRQ_SET_DATA_NONE | action;
		u.set.count = 0;
		u.set.argsz = sizeof(u.set);
	} else {
		u.set.flags = VFIO_IRQ_SET_DATA_EVENTFD | action;
		u.set.count = 1;
		memcpy(u.set.data, &fd, sizeof(fd));
	}
	return ioctl(v->device, VFIO_DEVICE_SET_IRQS, &u.set) ? -errno : 0;
}

/* Route interrupt @index of the device to eventfd @fd, or off if @fd < 0. */
static int set_irq_eventfd(struct vmm *v, unsigned int index, int fd)
{
	return set_irq_action(v, index, VFIO_IRQ_SET_ACTION_TRIGGER, fd);
}

/* Unmask INTx directly, as QEMU does when the guest's EOI reaches it. */
static int intx_unmask(struct vmm *v)
{
	struct vfio_irq_set set = {
		.argsz = sizeof(set),
		.flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK,
		.index = VFIO_PCI_INTX_IRQ_INDEX,
		.start = 0,
		.count = 1,
	};

	return ioctl(v->device, VFIO_DEVICE_SET_IRQS, &set) ? -errno : 0;
}

/* Eventfd count after waiting up to @ms for it to become non-zero. */
static u64 eventfd_wait(int fd, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	u64 count = 0;

	if (poll(&pfd, 1, ms) == 1 && read(fd, &count, sizeof(count)) < 0)
		count = 0;
	return count;
}

static void trace(const char *step)
{
	if (verbose())
		printf("# %s: %s ok\n", case_name, step);
}

/* The vGPU's VFIO device cdev: the vfioN in <uuid>/vfio-dev/. */
static int cdev_path(char *buf, size_t len, const char *uuid)
{
	char dir[PATH_MAX];
	struct dirent *e;
	DIR *d;
	int ret = -ENOENT;

	if (sysfs_path(dir, sizeof(dir), uuid, "vfio-dev"))
		return -ENAMETOOLONG;
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "vfio", 4))
			continue;
		snprintf(buf, len, "/dev/vfio/devices/%s", e->d_name);
		ret = 0;
		break;
	}
	closedir(d);
	return ret;
}

/*
 * The device through iommufd, as a VMM on a kernel with the VFIO cdev
 * does it: the device file told to KVM before the bind (the bind hands
 * the kvm to the device), bound to /dev/iommu, attached to a fresh IOAS
 * that maps guest memory at IOVA == GPA.
 */
static int open_cdev(struct vmm *v, const char *uuid, bool with_kvm)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct vfio_device_attach_iommufd_pt attach = { .argsz = sizeof(attach) };
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	struct kvm_device_attr attr = {
		.group = KVM_DEV_VFIO_FILE,
		.attr = KVM_DEV_VFIO_FILE_ADD,
		.addr = (uintptr_t)&v->device,
	};
	char path[PATH_MAX];
	int ret;

	ret = cdev_path(path, sizeof(path), uuid);
	if (ret) {
		errno = -ret;
		return sys_fail("setup", "find <uuid>/vfio-dev/vfioN");
	}
	v->device = open(path, O_RDWR | O_CLOEXEC);
	if (v->device < 0)
		return sys_fail("setup", "open /dev/vfio/devices/vfioN");
	if (with_kvm && ioctl(v->kvm_vfio, KVM_SET_DEVICE_ATTR, &attr))
		return sys_fail("setup", "KVM_SET_DEVICE_ATTR(KVM_DEV_VFIO_FILE_ADD) of the cdev");
	v->iommufd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (v->iommufd < 0)
		return sys_fail("setup", "open /dev/iommu");
	bind.iommufd = v->iommufd;
	if (ioctl(v->device, VFIO_DEVICE_BIND_IOMMUFD, &bind))
		return sys_fail("setup", "VFIO_DEVICE_BIND_IOMMUFD");
	if (ioctl(v->iommufd, IOMMU_IOAS_ALLOC, &alloc))
		return sys_fail("setup", "IOMMU_IOAS_ALLOC");
	v->ioas_id = alloc.out_ioas_id;
	attach.pt_id = v->ioas_id;
	if (ioctl(v->device, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach))
		return sys_fail("setup", "VFIO_DEVICE_ATTACH_IOMMUFD_PT");
	ret = dma_map(v);
	if (ret) {
		errno = -ret;
		return sys_fail("setup", "IOMMU_IOAS_MAP");
	}
	trace("cdev bound to iommufd, IOAS mapped");
	return 0;
}

/*
 * Everything up to a usable device fd, in the order vfio.md section 4
 * gives. The first failing step is reported with its ioctl and errno.
 * Without @with_kvm there is no VM at all: guest memory is only the
 * anonymous mapping VFIO knows, as for a VMM that does not use KVM (or
 * does not tell VFIO about it), and the shim cannot write-track.
 */
static int vmm_open_with(struct vmm *v, const char *uuid, bool with_kvm)
{
	struct kvm_userspace_memory_region slot = { 0 };
	struct kvm_create_device kvd = { .type = KVM_DEV_TYPE_VFIO };
	struct kvm_device_attr attr = { 0 };
	struct vfio_group_status status = { .argsz = sizeof(status) };
	int *fds[] = { &v->kvm, &v->vm, &v->kvm_vfio, &v->container,
		       &v->group, &v->device, &v->msi_fd, &v->vcpu,
		       &v->iommufd };
	unsigned int i;
	char path[64];
	int ret;

	memset(v, 0, sizeof(*v));
	v->uuid = uuid;
	for (i = 0; i < ARRAY_SIZE(fds); i++)
		*fds[i] = -1;

	v->mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (v->mem == MAP_FAILED) {
		v->mem = NULL;
		return sys_fail("setup", "mmap guest memory");
	}
	/*
	 * Pinned guest pages must stay the VMM's own across the fork()s of
	 * remove-open and kill-midway (QEMU does the same for VFIO).
	 */
	if (madvise(v->mem, MEM_SIZE, MADV_DONTFORK))
		return sys_fail("setup", "madvise MADV_DONTFORK");
	if (!with_kvm)
		goto vfio;

	v->kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (v->kvm < 0)
		return sys_fail("setup", "open /dev/kvm");
	if (ioctl(v->kvm, KVM_GET_API_VERSION, 0) != KVM_API_VERSION)
		return sys_fail("setup", "KVM_GET_API_VERSION");
	v->vm = ioctl(v->kvm, KVM_CREATE_VM, 0);
	if (v->vm < 0)
		return sys_fail("setup", "KVM_CREATE_VM");
	trace("KVM_CREATE_VM");
	slot.slot = 0;
	slot.guest_phys_addr = 0;
	slot.memory_size = MEM_SIZE;
	slot.userspace_addr = (uintptr_t)v->mem;
	if (ioctl(v->vm, KVM_SET_USER_MEMORY_REGION, &slot))
		return sys_fail("setup", "KVM_SET_USER_MEMORY_REGION");
	trace("KVM_SET_USER_MEMORY_REGION");
	if (ioctl(v->vm, KVM_CREATE_DEVICE, &kvd))
		return sys_fail("setup", "KVM_CREATE_DEVICE(KVM_DEV_TYPE_VFIO)");
	v->kvm_vfio = kvd.fd;
	trace("KVM_CREATE_DEVICE");

vfio:
	if (getenv("VMM_IOMMUFD")) {
		ret = open_cdev(v, uuid, with_kvm);
		if (ret)
			return ret;
		goto device;
	}
	v->group_nr = group_number(uuid);
	if (v->group_nr < 0) {
		errno = -v->group_nr;
		return sys_fail("setup", "readlink <uuid>/iommu_group");
	}
	v->container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (v->container < 0)
		return sys_fail("setup", "open /dev/vfio/vfio");
	ret = ioctl(v->container, VFIO_GET_API_VERSION);
	if (ret != VFIO_API_VERSION)
		return sys_fail("setup", "VFIO_GET_API_VERSION");
	/* TYPE1v2: vfio_pin_pages() refuses plain TYPE1 with -EACCES */
	ret = ioctl(v->container, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU);
	if (ret <= 0) {
		if (!ret)
			errno = ENOTSUP;
		return sys_fail("setup", "VFIO_CHECK_EXTENSION(VFIO_TYPE1v2_IOMMU)");
	}
	snprintf(path, sizeof(path), "/dev/vfio/%d", v->group_nr);
	v->group = open(path, O_RDWR | O_CLOEXEC);
	if (v->group < 0)
		return sys_fail("setup", "open /dev/vfio/<group>");
	if (ioctl(v->group, VFIO_GROUP_GET_STATUS, &status))
		return sys_fail("setup", "VFIO_GROUP_GET_STATUS");
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		fail("setup", "VFIO_GROUP_GET_STATUS: group %d not viable",
		     v->group_nr);
		return -EINVAL;
	}
	if (ioctl(v->group, VFIO_GROUP_SET_CONTAINER, &v->container))
		return sys_fail("setup", "VFIO_GROUP_SET_CONTAINER");
	if (ioctl(v->container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU))
		return sys_fail("setup", "VFIO_SET_IOMMU(VFIO_TYPE1v2_IOMMU)");
	trace("container");

	/* Before GET_DEVICE_FD: the device gets the kvm at its first open. */
	attr.group = KVM_DEV_VFIO_FILE;
	attr.attr = KVM_DEV_VFIO_FILE_ADD;
	attr.addr = (uintptr_t)&v->group;
	if (with_kvm && ioctl(v->kvm_vfio, KVM_SET_DEVICE_ATTR, &attr))
		return sys_fail("setup", "KVM_SET_DEVICE_ATTR(KVM_DEV_VFIO_FILE_ADD)");
	if (with_kvm)
		trace("KVM_DEV_VFIO_FILE_ADD");
	ret = dma_map(v);
	if (ret) {
		errno = -ret;
		return sys_fail("setup", "VFIO_IOMMU_MAP_DMA");
	}
	trace("VFIO_IOMMU_MAP_DMA");

	v->device = ioctl(v->group, VFIO_GROUP_GET_DEVICE_FD, uuid);
	if (v->device < 0)
		return sys_fail("setup", "VFIO_GROUP_GET_DEVICE_FD");
	trace("VFIO_GROUP_GET_DEVICE_FD");
device:
	v->info.argsz = sizeof(v->info);
	if (ioctl(v->device, VFIO_DEVICE_GET_INFO, &v->info))
		return sys_fail("setup", "VFIO_DEVICE_GET_INFO");
	if (!(v->info.flags & VFIO_DEVICE_FLAGS_PCI) ||
	    v->info.num_regions < VFIO_PCI_NUM_REGIONS ||
	    v->info.num_irqs <= VFIO_PCI_MSI_IRQ_INDEX) {
		fail("setup", "VFIO_DEVICE_GET_INFO: flags %#x, %u regions, %u irqs",
		     v->info.flags, v->info.num_regions, v->info.num_irqs);
		return -EINVAL;
	}
	ret = region_info(v, VFIO_PCI_CONFIG_REGION_INDEX, &v->cfg);
	if (!ret)
		ret = region_info(v, VFIO_PCI_BAR0_REGION_INDEX, &v->bar0);
	if (!ret)
		ret = region_info(v, VFIO_PCI_BAR2_REGION_INDEX, &v->bar2);
	if (ret) {
		errno = -ret;
		return sys_fail("setup", "VFIO_DEVICE_GET_REGION_INFO");
	}
	if (v->cfg.size < PCI_STD_HEADER_SIZEOF) {
		fail("setup", "config region %llu bytes",
		     (unsigned long long)v->cfg.size);
		return -EINVAL;
	}
	trace("VFIO_DEVICE_GET_INFO, GET_REGION_INFO");
	return 0;
}

static int vmm_open(struct vmm *v, const char *uuid)
{
	return vmm_open_with(v, uuid, true);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void vmm_close(struct vmm *v)
{
	struct kvm_device_attr attr = {
		.group = KVM_DEV_VFIO_FILE,
		.attr = KVM_DEV_VFIO_FILE_DEL,
		.addr = (uintptr_t)&v->group,
	};

	/* Undo FILE_ADD as QEMU does when it lets go of a group or device. */
	if (v->iommufd >= 0)
		attr.addr = (uintptr_t)&v->device;
	if (v->kvm_vfio >= 0 && (v->iommufd >= 0 ? v->device : v->group) >= 0 &&
	    ioctl(v->kvm_vfio, KVM_SET_DEVICE_ATTR, &attr))
		sys_fail("teardown", "KVM_SET_DEVICE_ATTR(KVM_DEV_VFIO_FILE_DEL)");
	close_fd(&v->device);
	close_fd(&v->group);
	close_fd(&v->container);
	close_fd(&v->iommufd);
	close_fd(&v->msi_fd);
	if (v->run)
		munmap(v->run, v->run_size);
	v->run = NULL;
	close_fd(&v->vcpu);
	close_fd(&v->kvm_vfio);
	close_fd(&v->vm);
	close_fd(&v->kvm);
	if (v->mem)
		munmap(v->mem, MEM_SIZE);
	v->mem = NULL;
}

/* Offset of the MSI capability, found as a guest driver finds it; or 0. */
static u8 find_msi_cap(struct vmm *v)
{
	unsigned int hops = 0;
	u8 pos;

	if (!(cfg_rd(v, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
		return 0;
	pos = cfg_rd(v, PCI_CAPABILITY_LIST, 1) & ~3;
	while (pos >= PCI_STD_HEADER_SIZEOF && hops++ < 48) {
		if (cfg_rd(v, pos, 1) == PCI_CAP_ID_MSI)
			return pos;
		pos = cfg_rd(v, pos + PCI_CAP_LIST_NEXT, 1) & ~3;
	}
	return 0;
}

/*
 * What guest firmware and driver do before using the device: memory
 * decoding and bus mastering on, MSI programmed and enabled, and (as QEMU
 * does when the guest enables MSI) the MSI routed to an eventfd; with
 * &vmm.no_msi, MSI stays off and untouched, as for a driver that uses
 * INTx. Finds the vendor model from the PCI IDs; returns false if there is
 * none, after the generic checks.
 */
static bool vmm_enable(struct vmm *v)
{
	struct vfio_irq_info irq;
	u16 vid = cfg_rd(v, PCI_VENDOR_ID, 2), did = cfg_rd(v, PCI_DEVICE_ID, 2);
	u8 msi = find_msi_cap(v);
	unsigned int i;
	u16 flags;
	int ret;

	for (i = 0; i < ARRAY_SIZE(vendors); i++)
		if (vendors[i]->vendor_id == vid && vendors[i]->device_id == did)
			v->vd = vendors[i];
	cfg_wr(v, PCI_COMMAND, 2, cfg_rd(v, PCI_COMMAND, 2) |
	       PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	if (v->vd) {
		/* Where firmware would place them; VFIO accesses ignore it. */
		cfg_wr(v, PCI_BASE_ADDRESS_0, 4, 0xe0000000);
		cfg_wr(v, PCI_BASE_ADDRESS_1, 4, 0);
		cfg_wr(v, PCI_BASE_ADDRESS_2, 4, 0xc0000000);
		cfg_wr(v, PCI_BASE_ADDRESS_3, 4, 0);
	}
	if (msi && !v->no_msi) {
		flags = cfg_rd(v, msi + PCI_MSI_FLAGS, 2);
		cfg_wr(v, msi + PCI_MSI_ADDRESS_LO, 4, MSI_ADDR);
		if (flags & PCI_MSI_FLAGS_64BIT) {
			cfg_wr(v, msi + PCI_MSI_ADDRESS_HI, 4, 0);
			cfg_wr(v, msi + PCI_MSI_DATA_64, 2, MSI_DATA);
		} else {
			cfg_wr(v, msi + PCI_MSI_DATA_32, 2, MSI_DATA);
		}
		cfg_wr(v, msi + PCI_MSI_FLAGS, 2, flags | PCI_MSI_FLAGS_ENABLE);
	}

	ret = irq_info(v, VFIO_PCI_MSI_IRQ_INDEX, &irq);
	if (ret)
		fail("VFIO_DEVICE_GET_IRQ_INFO(MSI)", "%s", err_str(-ret));
	else
		check((irq.flags & VFIO_IRQ_INFO_EVENTFD) && irq.count >= 1,
		      "VFIO_DEVICE_GET_IRQ_INFO(MSI)", "flags %#x count %u",
		      irq.flags, irq.count);
	/* QEMU routes MSI only once the guest enabled it. */
	if (!v->no_msi) {
		v->msi_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (v->msi_fd < 0) {
			sys_fail("MSI eventfd", "eventfd");
		} else {
			ret = set_irq_eventfd(v, VFIO_PCI_MSI_IRQ_INDEX,
					      v->msi_fd);
			check(!ret, "VFIO_DEVICE_SET_IRQS(MSI, eventfd)", "%s",
			      err_str(-ret));
		}
	}
	if (!v->vd) {
		fail("vendor model", "no model for PCI %04x:%04x", vid, did);
		return false;
	}
	check(msi == v->vd->msi_cap, "config: MSI capability",
	      "found at %#x, %s has it at %#x", msi, v->vd->name,
	      v->vd->msi_cap);
	return true;
}

/*
 * The base of the vGPU's mappable slice: i915 says so in PVINFO; for a
 * device that does not, probe 1 MiB granules (vmed's partition unit) with a
 * non-present entry: only entries in the slice keep what is written.
 */
static bool find_gm_base(struct vmm *v)
{
	const struct vendor *vd = v->vd;
	u64 base;

	if (vd->gm_base_reg) {
		v->gm_base = rd32(v, vd->gm_base_reg);
		return v->gm_base < vd->gm_mappable;
	}
	for (base = 0; base < vd->gm_mappable; base += 1ull << 20) {
		v->gm_base = base;
		ggtt_wr(v, 0, vd->pte_probe);
		if (ggtt_rd(v, 0) == vd->pte_probe) {
			ggtt_wr(v, 0, 0);
			return true;
		}
	}
	v->gm_base = 0;
	return false;
}

/* Open, enable, find the slice and program the workload; false on failure. */
static bool vmm_start(struct vmm *v, const char *uuid)
{
	if (vmm_open(v, uuid))
		return false;
	pass("setup");
	if (!vmm_enable(v))
		return false;
	if (!check(find_gm_base(v), "GGTT: vGPU slice found",
		   "no GGTT entry of the first %llu MiB keeps a value",
		   v->vd->gm_mappable >> 20))
		return false;
	v->vd->setup(v);
	return true;
}

/*
 * Run one workload storing @value; check that it did, that the device
 * said it succeeded and that an MSI reached the eventfd.
 */
static bool workload_ok(struct vmm *v, const char *what, u32 value)
{
	int ret;
	u64 msis;

	*result(v) = 0;
	eventfd_wait(v->msi_fd, 0);	/* drop stale counts */
	ret = v->vd->run(v, value);
	msis = eventfd_wait(v->msi_fd, 1000);
	return check(!ret && *result(v) == value && msis > 0, what,
		     "device status %s, result %#x, want %#x, %llu MSIs",
		     ret ? "error" : "ok", *result(v), value, msis);
}

/* ------------------------------------------------------------ vCPU */

/*
 * One real-mode vCPU, created on first use, that performs an 8-byte store
 * as a guest would: only such writes go through KVM's write tracking, and
 * so reach the shim's track_write notifier (host writes to the memslot do
 * not). The code is two 32-bit stores and a HLT:
 *	mov [bx], eax; mov [bx + 4], edx; hlt
 * with DS based at the target's page (SVM and unrestricted-guest VMX take
 * any base in real mode), so targets above 1 MiB need no paging.
 */
static const u8 vcpu_code[] = {
	0x66, 0x89, 0x07,		/* mov [bx], eax */
	0x66, 0x89, 0x57, 0x04,		/* mov [bx + 4], edx */
	0xf4,				/* hlt */
};

static int vcpu_create(struct vmm *v)
{
	int size;

	v->vcpu = ioctl(v->vm, KVM_CREATE_VCPU, 0);
	if (v->vcpu < 0)
		return sys_fail("vCPU", "KVM_CREATE_VCPU");
	size = ioctl(v->kvm, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < (int)sizeof(*v->run))
		return sys_fail("vCPU", "KVM_GET_VCPU_MMAP_SIZE");
	v->run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      v->vcpu, 0);
	if (v->run == MAP_FAILED) {
		v->run = NULL;
		return sys_fail("vCPU", "mmap kvm_run");
	}
	v->run_size = size;
	memcpy(gpa_ptr(v, GFN_CODE), vcpu_code, sizeof(vcpu_code));
	return 0;
}

/* The vCPU stores @val at @gpa (8-byte aligned); 0 once it halted. */
static int vcpu_store64(struct vmm *v, u64 gpa, u64 val)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs;

	if (v->vcpu < 0 && vcpu_create(v))
		return -1;
	if (ioctl(v->vcpu, KVM_GET_SREGS, &sregs))
		return sys_fail("vCPU", "KVM_GET_SREGS");
	sregs.cs.base = GFN_CODE << PAGE_SHIFT;
	sregs.cs.selector = sregs.cs.base >> 4;
	sregs.ds.base = gpa & ~(PAGE_SIZE - 1);
	sregs.ds.selector = 0;
	if (ioctl(v->vcpu, KVM_SET_SREGS, &sregs))
		return sys_fail("vCPU", "KVM_SET_SREGS");
	memset(&regs, 0, sizeof(regs));
	regs.rip = 0;
	regs.rflags = 2;	/* bit 1 is always set */
	regs.rax = (u32)val;
	regs.rdx = val >> 32;
	regs.rbx = gpa & (PAGE_SIZE - 1);
	if (ioctl(v->vcpu, KVM_SET_REGS, &regs))
		return sys_fail("vCPU", "KVM_SET_REGS");
	if (ioctl(v->vcpu, KVM_RUN, 0))
		return sys_fail("vCPU", "KVM_RUN");
	if (v->run->exit_reason != KVM_EXIT_HLT) {
		fail("vCPU", "KVM_RUN: exit reason %u, want KVM_EXIT_HLT",
		     v->run->exit_reason);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------ cases */

/* The happy path; also what shows a vGPU is reusable after a fault case. */
static void case_basic(const char *uuid)
{
	struct vmm v;
	const struct vendor *vd;
	u32 val;

	if (vmm_open(&v, uuid))
		goto out;
	pass("setup");
	if (!vmm_enable(&v))
		goto out;
	vd = v.vd;
	val = cfg_rd(&v, PCI_COMMAND, 2);
	check((val & (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER)) ==
	      (PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER),
	      "config: memory decoding and bus master on", "command %#x", val);
	check(v.bar0.size == vd->bar0_size && v.bar2.size == vd->bar2_size,
	      "regions: BAR0 and BAR2 sizes",
	      "BAR0 %#llx BAR2 %#llx, %s has %#llx and %#llx",
	      (unsigned long long)v.bar0.size,
	      (unsigned long long)v.bar2.size, vd->name, vd->bar0_size,
	      vd->bar2_size);
	val = rd32(&v, vd->id_reg);
	check(val == vd->id_val, "BAR0: identity register",
	      "%#x reads %#x, want %#x", vd->id_reg, val, vd->id_val);
	wr32(&v, vd->rw_reg, 0x10);
	val = rd32(&v, vd->rw_reg);
	check(val == 0x10, "BAR0: register write/read", "%#x reads %#x",
	      vd->rw_reg, val);
	if (!check(find_gm_base(&v), "GGTT: vGPU slice found",
		   "no GGTT entry of the first %llu MiB keeps a value",
		   vd->gm_mappable >> 20))
		goto out;
	ggtt_map(&v, SLOT_SPARE, GFN_SPARE);
	check(ggtt_rd(&v, SLOT_SPARE) == pte_of(&v, GFN_SPARE),
	      "GGTT: entry write/read", "slot %u reads %#llx, want %#llx",
	      SLOT_SPARE, ggtt_rd(&v, SLOT_SPARE),
	      pte_of(&v, GFN_SPARE));
	/* FILE_ADD came before GET_DEVICE_FD, so the shim has the VM. */
	check_counter(&v, "shim: vGPU attached to the VM", "kvm", '=', 1, 0);
	vd->setup(&v);
	workload_ok(&v, "workload: store and MSI", 0xc0ffee01);
	check_counter(&v, "shim: MSI injected", "msi_injected", '>', 0, 0);
	check_counter(&v, "shim: guest frames pinned", "pinned_pages", '>', 0,
		      0);
	check_counter(&v, "vGPU not failed", "failures", '=', 0, 0);
out:
	vmm_close(&v);
}

/*
 * GGTT entries naming frames that are not guest memory: they read back as
 * written, are counted as pointed at scratch, and a workload whose
 * commands sit there executes nothing and harms nothing.
 */
static void case_ggtt_outside(const char *uuid)
{
	struct vmm v;
	const struct vendor *vd;
	u64 frames[3], scratch, failures, got, pte;
	unsigned int i;
	bool ok = true;
	int ret;

	if (!vmm_start(&v, uuid))
		goto out;
	vd = v.vd;
	frames[0] = GFN_SPARE;			/* inside */
	frames[1] = MEM_SIZE >> PAGE_SHIFT;	/* just past the memslot */
	frames[2] = vd->pte_frame >> vd->pte_shift;	/* highest encodable */
	scratch = counter_or_zero(&v, "ggtt_scratch");
	failures = counter_or_zero(&v, "failures");
	for (i = 0; i < ARRAY_SIZE(frames); i++)
		ggtt_map(&v, SLOT_PROBE + i, frames[i]);
	for (i = 0; ok && i < ARRAY_SIZE(frames); i++) {
		got = ggtt_rd(&v, SLOT_PROBE + i);
		pte = pte_of(&v, frames[i]);
		ok = got == pte;
	}
	check(ok, "GGTT: entries inside and outside guest memory read back",
	      "GPA %#llx: %#llx, want %#llx",
	      frames[i - 1] << PAGE_SHIFT, got, pte);
	check_counter(&v, "GGTT: the two outside frames point at scratch",
		      "ggtt_scratch", '=', scratch + 2, 0);

	for (i = 1; i < ARRAY_SIZE(frames); i++) {
		char what[96];

		snprintf(what, sizeof(what),
			 "workload with its commands at GPA %#llx stores nothing",
			 frames[i] << PAGE_SHIFT);
		ggtt_map(&v, vd->ring_slot, frames[i]);
		*result(&v) = 0;
		ret = vd->run(&v, 0xbad00000 + i);
		check(*result(&v) != 0xbad00000 + i, what,
		      "device status %s, result %#x", ret ? "error" : "ok",
		      *result(&v));
		got = rd32(&v, vd->id_reg);
		check(got == vd->id_val, "device still answers",
		      "%#x reads %#llx", vd->id_reg, got);
	}
	check_counter(&v, "vGPU not failed", "failures", '=', failures, 0);
	vd->setup(&v);
	workload_ok(&v, "workload after the ring is mapped back", 0x600d0001);
out:
	vmm_close(&v);
}

/*
 * Guest memory withdrawn (VFIO_IOMMU_UNMAP_DMA) while the shim has frames
 * of it pinned: type1 asks the shim to unpin through its dma_unmap
 * callback and insists that it did so before the ioctl returns.
 */
static void case_unmap_pinned(const char *uuid)
{
	struct vmm v;
	const struct vendor *vd = NULL;
	u64 pinned = 0, unmaps = 0, scratch, got;
	s64 ret;
	unsigned int i;

	if (vmm_open(&v, uuid))
		goto out;
	pass("setup");
	if (vmm_enable(&v) && check(find_gm_base(&v), "GGTT: vGPU slice found",
				    "no GGTT entry keeps a value")) {
		vd = v.vd;
		vd->setup(&v);
		workload_ok(&v, "workload before unmap", 0x11110001);
		for (i = 0; i < NR_SPARE; i++)
			ggtt_map(&v, SLOT_SPARE + i, GFN_SPARE + i);
		pinned = check_counter(&v, "guest frames pinned", "pinned_pages",
				       '+', NR_SPARE, 0);
		unmaps = counter_or_zero(&v, "dma_unmaps");
	}

	ret = dma_unmap(&v);
	check(ret == (s64)MEM_SIZE, "VFIO_IOMMU_UNMAP_DMA while pinned",
	      "%s", ret < 0 ? err_str(-ret) : "unmapped a different size");
	if (vd) {
		check_counter(&v, "pinned_pages 0 after unmap", "pinned_pages",
			      '=', 0, 0);
		check_counter(&v, "frames released through the shim",
			      "dma_unmaps", '+', pinned, unmaps);
		got = ggtt_rd(&v, SLOT_SPARE);
		check(got == pte_of(&v, GFN_SPARE),
		      "GGTT: guest values kept after unmap",
		      "reads %#llx", got);
		*result(&v) = 0x5a5a5a5a;
		vd->run(&v, 0x22220001);
		check(*result(&v) == 0x5a5a5a5a,
		      "workload after unmap does not reach guest memory",
		      "result %#x", *result(&v));
		got = rd32(&v, vd->id_reg);
		check(got == vd->id_val, "device still answers",
		      "%#x reads %#llx", vd->id_reg, got);
		scratch = counter_or_zero(&v, "ggtt_scratch");
		ggtt_map(&v, SLOT_SPARE + 1, GFN_SPARE + 1);
		check_counter(&v, "GGTT entry to unmapped memory points at scratch",
			      "ggtt_scratch", '=', scratch + 1, 0);
		check_counter(&v, "nothing pinned while unmapped",
			      "pinned_pages", '=', 0, 0);
	}

	ret = dma_map(&v);
	check(!ret, "VFIO_IOMMU_MAP_DMA again", "%s", err_str(-ret));
	if (vd && !ret) {
		vd->setup(&v);
		workload_ok(&v, "workload after re-programming", 0x33330001);
		check_counter(&v, "guest frames pinned again", "pinned_pages",
			      '>', 0, 0);
	}
out:
	vmm_close(&v);
}

/* Wait up to @ms for @pid; returns its status, or -1 if still running. */
static int wait_child(pid_t pid, int ms)
{
	int status;

	for (;;) {
		pid_t ret = waitpid(pid, &status, WNOHANG);

		if (ret == pid)
			return status;
		if (ret < 0 || ms <= 0)
			return -1;
		usleep(50 * 1000);
		ms -= 50;
	}
}

static void describe_status(char *buf, size_t len, int status)
{
	if (status < 0)
		snprintf(buf, len, "still running");
	else if (WIFEXITED(status) && WEXITSTATUS(status))
		snprintf(buf, len, "write failed: %s",
			 err_str(WEXITSTATUS(status)));
	else if (WIFEXITED(status))
		snprintf(buf, len, "exited 0");
	else
		snprintf(buf, len, "killed by signal %d", WTERMSIG(status));
}

/*
 * The child of remove-open: what "echo 1 > remove" does; exit 0 or errno.
 * It first drops its copies of the VMM's fds: the remove would otherwise
 * wait for a device fd held by the very process waiting.
 */
static noreturn void remove_device(struct vmm *v, int req_fd)
{
	int *fds[] = { &v->device, &v->group, &v->container, &v->msi_fd,
		       &v->kvm_vfio, &v->vm, &v->kvm, &v->vcpu, &v->iommufd,
		       &req_fd };
	char path[PATH_MAX];
	unsigned int i;
	int fd;

	for (i = 0; i < ARRAY_SIZE(fds); i++)
		close_fd(fds[i]);
	if (sysfs_path(path, sizeof(path), v->uuid, "remove"))
		_exit(ENAMETOOLONG);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		_exit(errno);
	if (write(fd, "1", 1) != 1)
		_exit(errno ? errno : EIO);
	_exit(0);
}

/*
 * Removal of a vGPU that is open with pages pinned: VFIO holds the remove
 * until the device fd is closed, asking the VMM to let go through the
 * request interrupt if the shim has one; then the vGPU must go away.
 */
static void case_remove_open(const char *uuid)
{
	struct vfio_irq_info irq;
	struct vmm v;
	char path[PATH_MAX], *dir = NULL, detail[160];
	struct stat st;
	int status, req_fd = -1, ret;
	pid_t pid;

	if (vmm_open(&v, uuid))
		goto out;
	pass("setup");
	if (vmm_enable(&v) && check(find_gm_base(&v), "GGTT: vGPU slice found",
				    "no GGTT entry keeps a value")) {
		v.vd->setup(&v);
		workload_ok(&v, "workload (pins guest frames)", 0x44440001);
		check_counter(&v, "guest frames pinned", "pinned_pages", '>',
			      0, 0);
	}

	ret = irq_info(&v, VFIO_PCI_REQ_IRQ_INDEX, &irq);
	if (ret || irq.count != 1) {
		skip("request interrupt", ret ? err_str(-ret) : "count 0");
	} else {
		req_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		ret = req_fd < 0 ? -errno :
		      set_irq_eventfd(&v, VFIO_PCI_REQ_IRQ_INDEX, req_fd);
		if (!check(!ret, "VFIO_DEVICE_SET_IRQS(REQ, eventfd)", "%s",
			   err_str(-ret)) && req_fd >= 0) {
			close(req_fd);
			req_fd = -1;
		}
	}

	/*
	 * The bus link goes at the start of the removal, the device's own
	 * directory only once the driver let go: watch the latter.
	 */
	if (!sysfs_path(path, sizeof(path), uuid, NULL))
		dir = realpath(path, NULL);
	if (!dir) {
		sys_fail("remove while open", "realpath " SYSFS_MDEV "/<uuid>");
		goto out;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		sys_fail("remove while open", "fork");
		goto out;
	}
	if (!pid)
		remove_device(&v, req_fd);
	status = wait_child(pid, 1500);
	describe_status(detail, sizeof(detail), status);
	check(status < 0, "remove blocks while the device is open", "%s",
	      detail);
	if (req_fd >= 0)
		check(eventfd_wait(req_fd, 12000) > 0,
		      "request interrupt asks the VMM to release the device",
		      "nothing in 12 s");

	vmm_close(&v);
	if (req_fd >= 0)
		close(req_fd);
	if (status < 0)
		status = wait_child(pid, 20000);
	describe_status(detail, sizeof(detail), status);
	check(status >= 0 && WIFEXITED(status) && !WEXITSTATUS(status),
	      "remove completes once the device is closed", "%s", detail);
	ret = stat(dir, &st) ? errno : 0;
	check(ret == ENOENT, "device directory gone", "stat %s: %s", dir,
	      ret ? err_str(ret) : "exists");
	free(dir);
	return;
out:
	free(dir);
	vmm_close(&v);
}

/*
 * The child of kill-midway: a VMM with frames pinned that keeps submitting
 * work until it is killed. It tells the parent, through @fd, that it is
 * running and how many of its own checks failed.
 */
static noreturn void busy_vmm(const char *uuid, int fd)
{
	struct vmm v;
	unsigned int i;
	u8 failed;

	case_name = "kill-midway/child";
	if (vmm_open(&v, uuid))
		_exit(1);
	pass("setup");
	if (vmm_enable(&v) && check(find_gm_base(&v), "GGTT: vGPU slice found",
				    "no GGTT entry keeps a value")) {
		v.vd->setup(&v);
		workload_ok(&v, "workload", 0x55550001);
		for (i = 0; i < NR_SPARE; i++)
			ggtt_map(&v, SLOT_SPARE + i, GFN_SPARE + i);
		check_counter(&v, "guest frames pinned", "pinned_pages",
			      '+', NR_SPARE, 0);
	}
	failed = nr_failed > 255 ? 255 : nr_failed;
	if (write(fd, &failed, 1) != 1)
		_exit(1);
	for (i = 0;; i++) {
		if (v.vd)
			v.vd->run(&v, 0x66660000 + i);
		else
			cfg_rd(&v, PCI_VENDOR_ID, 2);
	}
}

/*
 * A VMM killed while the vGPU is busy and pinned: everything it held is
 * released by the file closes of its exit, and the vGPU works for the
 * next VMM.
 */
static void case_kill_midway(const char *uuid)
{
	struct pollfd pfd;
	struct vmm v = { .uuid = uuid };
	char detail[160];
	int fds[2], status;
	u8 failed;
	pid_t pid;

	if (pipe(fds)) {
		sys_fail("kill a busy VMM", "pipe");
		return;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		sys_fail("kill a busy VMM", "fork");
		return;
	}
	if (!pid) {
		close(fds[0]);
		busy_vmm(uuid, fds[1]);
	}
	close(fds[1]);
	pfd.fd = fds[0];
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 60000) != 1 || read(fds[0], &failed, 1) != 1) {
		fail("child VMM running", "it did not get going");
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		close(fds[0]);
		return;
	}
	close(fds[0]);
	nr_failed += failed;
	usleep(200 * 1000);	/* let it be in the middle of something */
	kill(pid, SIGKILL);
	status = wait_child(pid, 20000);
	describe_status(detail, sizeof(detail), status);
	check(status >= 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	      "VMM killed with SIGKILL mid-workload", "%s", detail);
	check_counter(&v, "pinned_pages 0 after the VMM died", "pinned_pages",
		      '=', 0, 0);
	check_state(&v, "shim closed the vGPU", "closed");

	case_name = "kill-midway/basic";
	case_basic(uuid);
}

/*
 * A guest (vCPU) write to a page table the device uses: KVM write tracking
 * must hand it to the shim, whose core brings the shadow up to date, so the
 * next workload follows the new entry.
 */
static void case_track_write(const char *uuid)
{
	struct vmm v;
	u64 gpa, pte, got, tracked;
	u32 *moved;

	if (vmm_open(&v, uuid))
		goto out;
	pass("setup");
	/* The vCPU itself, on a page nobody tracks: also checks plumbing. */
	got = 0x1122334455667788ull;
	if (!vcpu_store64(&v, GFN_SPARE << PAGE_SHIFT, got))
		check(*(u64 *)gpa_ptr(&v, GFN_SPARE) == got,
		      "vCPU: real-mode store lands in guest memory",
		      "reads %#llx", *(u64 *)gpa_ptr(&v, GFN_SPARE));
	if (!vmm_enable(&v))
		goto out;
	if (!v.vd->result_pte) {
		skip("tracked page table", "the workload of this model has none");
		goto out;
	}
	if (!check(find_gm_base(&v), "GGTT: vGPU slice found",
		   "no GGTT entry keeps a value"))
		goto out;
	v.vd->setup(&v);
	if (v.vd->ppgtt_setup)
		v.vd->ppgtt_setup(&v);
	workload_ok(&v, "workload before the page-table write", 0x77770001);
	tracked = counter_or_zero(&v, "tracked_writes");
	gpa = v.vd->result_pte(GFN_RESULT2, &pte);
	if (vcpu_store64(&v, gpa, pte))
		goto out;
	check_counter(&v, "vCPU write to a page table is tracked",
		      "tracked_writes", '+', 1, tracked);
	moved = gpa_ptr(&v, GFN_RESULT2);
	*moved = 0;
	*result(&v) = 0;
	v.vd->run(&v, 0x77770002);
	check(*moved == 0x77770002 && *result(&v) == 0,
	      "workload follows the entry the vCPU wrote",
	      "new frame %#x, old frame %#x", *moved, *result(&v));
out:
	vmm_close(&v);
}

/*
 * A VMM that does not give the VFIO group to a KVM (here there is no VM at
 * all) gets no write tracking: the shim attaches without track ops and the
 * core re-reads every shadowed guest page table before each submission.
 * An entry changed by a plain host write, which nothing reports, must
 * still be what the next workload follows.
 */
static void case_no_kvm(const char *uuid)
{
	struct vmm v;
	u64 gpa, pte, reval;
	u32 *moved;
	u64 msis;
	int ret;

	if (vmm_open_with(&v, uuid, false))
		goto out;
	pass("setup without KVM");
	check_counter(&v, "shim: no VM, no write tracking", "kvm", '=', 0, 0);
	if (!vmm_enable(&v))
		goto out;
	if (!v.vd->result_pte) {
		skip("shadowed page table", "the workload of this model has none");
		goto out;
	}
	if (!check(find_gm_base(&v), "GGTT: vGPU slice found",
		   "no GGTT entry keeps a value"))
		goto out;
	v.vd->setup(&v);
	if (v.vd->ppgtt_setup)
		v.vd->ppgtt_setup(&v);
	reval = counter_or_zero(&v, "revalidated");
	workload_ok(&v, "workload stores through the guest page table",
		    0x88880001);
	check_counter(&v, "shim: page tables shadowed", "shadow_tables", '>',
		      0, 0);
	reval = check_counter(&v, "page tables re-read at submission",
			      "revalidated", '>', reval, 0);

	/* Nothing can see this store: no vCPU, no memslot, no tracking. */
	gpa = v.vd->result_pte(GFN_RESULT2, &pte);
	moved = gpa_ptr(&v, GFN_RESULT2);
	*moved = 0;
	*result(&v) = 0;
	*(u64 *)(v.mem + gpa) = pte;
	__sync_synchronize();
	eventfd_wait(v.msi_fd, 0);
	ret = v.vd->run(&v, 0x88880002);
	msis = eventfd_wait(v.msi_fd, 1000);
	check(!ret && *moved == 0x88880002 && !*result(&v) && msis,
	      "workload follows the entry the host rewrote",
	      "device status %s, new frame %#x, old frame %#x, %llu MSIs",
	      ret ? "error" : "ok", *moved, *result(&v), msis);
	check_counter(&v, "page tables re-read again", "revalidated", '>',
		      reval, 0);
	check_counter(&v, "no tracked writes", "tracked_writes", '=', 0, 0);
	check_counter(&v, "vGPU not failed", "failures", '=', 0, 0);
out:
	vmm_close(&v);
}

/* Waiting this long for a signal that must not come. */
#define QUIET_MS	200

static bool intx_status(struct vmm *v)
{
	return cfg_rd(v, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT;
}

/*
 * One workload that leaves its interrupt pending in the device; checks
 * that it stored its value and that the INTx eventfd @fd then counts
 * exactly @want signals. Returns the signals seen.
 */
static u64 intx_run(struct vmm *v, int fd, const char *what, u32 value,
		    u64 want)
{
	u64 got;
	int ret;

	*result(v) = 0;
	v->keep_pending = true;
	ret = v->vd->run(v, value);
	v->keep_pending = false;
	/* Signals come from inside the doorbell write: none are late. */
	got = eventfd_wait(fd, want ? 1000 : QUIET_MS);
	check(!ret && *result(v) == value && got == want, what,
	      "device status %s, result %#x, want %#x, %llu INTx signals, want %llu",
	      ret ? "error" : "ok", *result(v), value, got, want);
	return got;
}

/*
 * The legacy interrupt, for a guest driver that leaves MSI off: VFIO's
 * INTx is level triggered and automasked. Each signal masks the line until
 * userspace unmasks it (directly, or through an eventfd as KVM's resample
 * does at the guest's EOI), and an unmask while the device still asserts
 * the line signals again. INTx Disable keeps the line low but not the
 * Interrupt Status bit.
 */
static void case_intx(const char *uuid)
{
	const u32 info_want = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE |
			      VFIO_IRQ_INFO_AUTOMASKED;
	struct vfio_irq_info irq;
	struct vmm v;
	u64 signals, asserted, got, seen = 0;
	int trig = -1, unmask_fd = -1, ret;
	u16 cmd;
	u32 val;

	if (vmm_open(&v, uuid))
		goto out;
	pass("setup");
	v.no_msi = true;
	if (!vmm_enable(&v) || !check(find_gm_base(&v), "GGTT: vGPU slice found",
				      "no GGTT entry keeps a value"))
		goto out;
	val = cfg_rd(&v, v.vd->msi_cap + PCI_MSI_FLAGS, 2);
	check(!(val & PCI_MSI_FLAGS_ENABLE), "config: MSI left disabled",
	      "MSI flags %#x", val);
	val = cfg_rd(&v, PCI_INTERRUPT_PIN, 1);
	check(val == 1, "config: interrupt pin INTA", "pin %u", val);
	ret = irq_info(&v, VFIO_PCI_INTX_IRQ_INDEX, &irq);
	if (ret)
		fail("VFIO_DEVICE_GET_IRQ_INFO(INTX)", "%s", err_str(-ret));
	else
		check((irq.flags & info_want) == info_want && irq.count == 1,
		      "VFIO_DEVICE_GET_IRQ_INFO(INTX): eventfd, maskable, automasked",
		      "flags %#x count %u", irq.flags, irq.count);
	trig = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (trig < 0) {
		sys_fail("INTx eventfd", "eventfd");
		goto out;
	}
	ret = set_irq_eventfd(&v, VFIO_PCI_INTX_IRQ_INDEX, trig);
	if (!check(!ret, "VFIO_DEVICE_SET_IRQS(INTX, eventfd)", "%s",
		   err_str(-ret)))
		goto out;
	signals = counter_or_zero(&v, "intx_signals");
	asserted = counter_or_zero(&v, "intx_asserted");
	v.vd->setup(&v);	/* enables the device's interrupt registers */

	/* Automasking: one signal, however often the line rises after it. */
	seen += intx_run(&v, trig, "interrupt: INTx eventfd fires once",
			 0x99990001, 1);
	check(intx_status(&v), "config: Interrupt Status set while pending",
	      "status %#x", cfg_rd(&v, PCI_STATUS, 2));
	check_counter(&v, "shim: INTx signal counted", "intx_signals", '=',
		      signals + 1, 0);
	check_counter(&v, "core: INTx assertion counted", "intx_asserted", '=',
		      asserted + 1, 0);
	seen += intx_run(&v, trig, "second event while masked: no signal",
			 0x99990002, 0);
	v.vd->ack(&v);
	check(!intx_status(&v),
	      "acknowledged in the device: Interrupt Status clear",
	      "status %#x", cfg_rd(&v, PCI_STATUS, 2));
	seen += intx_run(&v, trig, "line raised again while masked: no signal",
			 0x99990003, 0);
	check_counter(&v, "core: second assertion counted", "intx_asserted",
		      '=', asserted + 2, 0);

	/* Unmask (as QEMU does directly) with the line low, then high. */
	v.vd->ack(&v);
	ret = intx_unmask(&v);
	got = ret ? 0 : eventfd_wait(trig, QUIET_MS);
	seen += got;
	check(!ret && !got, "acknowledge, unmask: no signal while the line is low",
	      "SET_IRQS(INTX, ACTION_UNMASK): %s, %llu signals",
	      err_str(-ret), got);
	seen += intx_run(&v, trig, "after the unmask, an interrupt signals",
			 0x99990004, 1);
	ret = intx_unmask(&v);
	got = ret ? 0 : eventfd_wait(trig, 1000);
	seen += got;
	check(!ret && got == 1,
	      "unmask while the line is still up signals again (level)",
	      "SET_IRQS(INTX, ACTION_UNMASK): %s, %llu signals",
	      err_str(-ret), got);

	/* INTx Disable: the status bit still shows the interrupt. */
	v.vd->ack(&v);
	intx_unmask(&v);
	cmd = cfg_rd(&v, PCI_COMMAND, 2);
	cfg_wr(&v, PCI_COMMAND, 2, cmd | PCI_COMMAND_INTX_DISABLE);
	asserted = counter_or_zero(&v, "intx_asserted");
	seen += intx_run(&v, trig, "INTx Disable set: no signal", 0x99990005,
			 0);
	check(intx_status(&v), "INTx Disable set: Interrupt Status still set",
	      "status %#x", cfg_rd(&v, PCI_STATUS, 2));
	check_counter(&v, "INTx Disable set: line not raised", "intx_asserted",
		      '=', asserted, 0);
	cfg_wr(&v, PCI_COMMAND, 2, cmd);
	got = eventfd_wait(trig, 1000);
	seen += got;
	check(got == 1, "INTx Disable cleared: the pending interrupt signals",
	      "%llu signals", got);

	/* Unmask through an eventfd, as KVM's resamplefd at the guest's EOI. */
	unmask_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ret = unmask_fd < 0 ? -errno :
	      set_irq_action(&v, VFIO_PCI_INTX_IRQ_INDEX,
			     VFIO_IRQ_SET_ACTION_UNMASK, unmask_fd);
	if (check(!ret, "VFIO_DEVICE_SET_IRQS(INTX, unmask eventfd)", "%s",
		  err_str(-ret))) {
		eventfd_write(unmask_fd, 1);
		got = eventfd_wait(trig, 1000);
		seen += got;
		check(got == 1,
		      "unmask eventfd while the line is still up signals again (level)",
		      "%llu signals", got);
		v.vd->ack(&v);
		eventfd_write(unmask_fd, 1);
		got = eventfd_wait(trig, QUIET_MS);
		seen += got;
		check(!got, "acknowledge, unmask eventfd: no signal while the line is low",
		      "%llu signals", got);
		seen += intx_run(&v, trig,
				 "after the eventfd unmask, an interrupt signals",
				 0x99990006, 1);
	}

	check_counter(&v, "shim: intx_signals counts every signal seen",
		      "intx_signals", '=', signals + seen, 0);

	/*
	 * One eventfd as both trigger and unmask: each signal unmasks the
	 * line at once, so it fires for as long as it is up. The VMM's own
	 * choice, but the host must not lock up (a signal from inside the
	 * unmask's wakeup) and the device must stay usable.
	 */
	set_irq_action(&v, VFIO_PCI_INTX_IRQ_INDEX, VFIO_IRQ_SET_ACTION_UNMASK,
		       -1);
	ret = set_irq_action(&v, VFIO_PCI_INTX_IRQ_INDEX,
			     VFIO_IRQ_SET_ACTION_UNMASK, trig);
	if (check(!ret, "VFIO_DEVICE_SET_IRQS(INTX, the trigger as unmask eventfd)",
		  "%s", err_str(-ret))) {
		u64 before, after;

		/* From a quiet line: acknowledged and unmasked. */
		v.vd->ack(&v);
		intx_unmask(&v);
		eventfd_wait(trig, QUIET_MS);
		signals = counter_or_zero(&v, "intx_signals");
		*result(&v) = 0;
		v.keep_pending = true;
		ret = v.vd->run(&v, 0x99990007);
		v.keep_pending = false;
		usleep(200 * 1000);
		check(!ret && *result(&v) == 0x99990007,
		      "trigger as unmask eventfd: the workload ran",
		      "device status %s, result %#x", ret ? "error" : "ok",
		      *result(&v));
		check_counter(&v, "trigger as unmask eventfd: the line fired",
			      "intx_signals", '>', signals, 0);
		v.vd->ack(&v);
		usleep(100 * 1000);
		before = counter_or_zero(&v, "intx_signals");
		usleep(200 * 1000);
		after = counter_or_zero(&v, "intx_signals");
		check(before == after,
		      "trigger as unmask eventfd: acknowledged, the line stops firing",
		      "%llu more signals in 200 ms", after - before);
		set_irq_action(&v, VFIO_PCI_INTX_IRQ_INDEX,
			       VFIO_IRQ_SET_ACTION_UNMASK, -1);
	}
	check_counter(&v, "no MSI while MSI is disabled", "msi_injected", '=',
		      0, 0);
	check_counter(&v, "vGPU not failed", "failures", '=', 0, 0);
	ret = set_irq_eventfd(&v, VFIO_PCI_INTX_IRQ_INDEX, -1);
	check(!ret, "VFIO_DEVICE_SET_IRQS(INTX) off", "%s", err_str(-ret));
out:
	vmm_close(&v);
	if (trig >= 0)
		close(trig);
	if (unmask_fd >= 0)
		close(unmask_fd);
}

/*
 * The caller bound the vGPU to another hypervisor (vmed/xen_domid) first:
 * VFIO must refuse to open it, at the first open, with EBUSY, and leave
 * the binding alone. No KVM: this runs in a Xen dom0 too.
 */
static void case_open_bound(const char *uuid)
{
	int container = -1, group = -1, device = -1, group_nr, err;
	char path[PATH_MAX], state[32] = "";
	ssize_t n;
	int fd;

	group_nr = group_number(uuid);
	if (group_nr < 0) {
		errno = -group_nr;
		sys_fail("setup", "readlink <uuid>/iommu_group");
		return;
	}
	container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (container < 0) {
		sys_fail("setup", "open /dev/vfio/vfio");
		return;
	}
	snprintf(path, sizeof(path), "/dev/vfio/%d", group_nr);
	group = open(path, O_RDWR | O_CLOEXEC);
	if (group < 0) {
		sys_fail("setup", "open /dev/vfio/<group>");
		goto out;
	}
	if (ioctl(group, VFIO_GROUP_SET_CONTAINER, &container) ||
	    ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU)) {
		sys_fail("setup", "VFIO_GROUP_SET_CONTAINER / VFIO_SET_IOMMU");
		goto out;
	}
	device = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, uuid);
	err = device < 0 ? errno : 0;
	check(device < 0 && err == EBUSY,
	      "VFIO_GROUP_GET_DEVICE_FD of a bound vGPU fails with EBUSY", "%s",
	      device < 0 ? strerror(err) : "it opened");

	if (!sysfs_path(path, sizeof(path), uuid, "vmed/state")) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		n = fd < 0 ? -1 : read(fd, state, sizeof(state) - 1);
		if (fd >= 0)
			close(fd);
		state[n > 0 ? n : 0] = '\0';
		state[strcspn(state, "\n")] = '\0';
	}
	check(!strcmp(state, "bound"), "vmed/state still \"bound\"",
	      "\"%s\"", state);
out:
	close_fd(&device);
	close_fd(&group);
	close_fd(&container);
}

/*
 * Open the vGPU through VFIO (no KVM, no guest memory) and keep it open
 * until killed: the vGPU is held by the VFIO frontend meanwhile, so a
 * binding to another hypervisor must be refused. Prints one PASS line
 * once the device is open.
 */
static void case_open_hold(const char *uuid)
{
	int container = -1, group = -1, device = -1, group_nr;
	char path[PATH_MAX];

	group_nr = group_number(uuid);
	if (group_nr < 0) {
		errno = -group_nr;
		sys_fail("setup", "readlink <uuid>/iommu_group");
		return;
	}
	container = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	snprintf(path, sizeof(path), "/dev/vfio/%d", group_nr);
	group = container < 0 ? -1 : open(path, O_RDWR | O_CLOEXEC);
	if (group < 0 || ioctl(group, VFIO_GROUP_SET_CONTAINER, &container) ||
	    ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU)) {
		sys_fail("setup", "open the container and group");
		goto out;
	}
	device = ioctl(group, VFIO_GROUP_GET_DEVICE_FD, uuid);
	check(device >= 0, "device open, held until killed", "%s",
	      device < 0 ? strerror(errno) : "");
	fflush(stdout);
	if (device >= 0)
		for (;;)
			pause();
out:
	close_fd(&device);
	close_fd(&group);
	close_fd(&container);
}

static const struct {
	const char *name;
	void (*run)(const char *uuid);
} cases[] = {
	{ "basic", case_basic },
	{ "ggtt-outside", case_ggtt_outside },
	{ "unmap-pinned", case_unmap_pinned },
	{ "remove-open", case_remove_open },
	{ "kill-midway", case_kill_midway },
	{ "track-write", case_track_write },
	{ "no-kvm", case_no_kvm },
	{ "intx", case_intx },
	{ "open-bound", case_open_bound },
	{ "open-hold", case_open_hold },
};

/* Lowercase as mdev names devices ("%pUl"); also keeps paths sane. */
static bool uuid_ok(const char *uuid)
{
	unsigned int i;

	if (strlen(uuid) != 36)
		return false;
	for (i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? uuid[i] != '-' :
		    !strchr("0123456789abcdef", uuid[i]) || !uuid[i])
			return false;
	}
	return true;
}

static int print_usage(void)
{
	unsigned int i;

	fprintf(stderr, "usage: vmed-vmm <case> <uuid>\ncases:");
	for (i = 0; i < ARRAY_SIZE(cases); i++)
		fprintf(stderr, " %s", cases[i].name);
	fprintf(stderr, "\n<uuid>: a vGPU in " SYSFS_MDEV " (lowercase)\n"
		"VMM_VERBOSE=1 traces the set-up steps\n"
		"VMM_IOMMUFD=1 opens the VFIO cdev through /dev/iommu\n");
	return 2;
}

int main(int argc, char **argv)
{
	unsigned int i;

	if (argc != 3 || !uuid_ok(argv[2]))
		return print_usage();
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		if (strcmp(argv[1], cases[i].name))
			continue;
		case_name = cases[i].name;
		cases[i].run(argv[2]);
		return nr_failed ? 1 : 0;
	}
	return print_usage();
}
