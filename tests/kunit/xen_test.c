// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for the Xen shim's logic (shims/xen: bind.c, memory.c,
 * ioreq.c) against a fake Xen (fake_xen.c) and the test vendor.
 */
#include <kunit/test.h>
#include <linux/dma-mapping.h>
#include <linux/kernfs.h>
#include <linux/sysfs.h>
#include <linux/pci_regs.h>
#include <linux/unaligned.h>
#include "fake_xen.h"

#define XT_BAR0		0xe0000000ULL
#define XT_BAR0_MOVED	0xd0000000ULL

struct xt {
	struct kunit *test;
	struct fake_env *env;
	struct fake_xen *fx;
	struct vmed_xen_vgpu *xv;
	unsigned int lost;		/* lost callback calls */
};

static void xt_teardown(struct xt *t)
{
	if (!t->xv)
		return;
	t->fx->xv = NULL;
	vmed_xen_teardown(t->xv);
	t->xv = NULL;
	/* Checks queued by failing hypercalls, before @t goes. */
	vmed_xen_flush_checks();
	fake_xen_expect_clean(t->fx);
}

/* The binding's lost callback: vmed_xen would ask for an unbind. */
static void xt_lost(void *data)
{
	struct xt *t = data;

	t->lost++;
}

static void xt_exit(void *data)
{
	xt_teardown(data);
}

/* A vGPU of the test vendor bound to a fake domain. */
static struct xt *xt_create_fx(struct kunit *test, unsigned int nr_vcpus,
			       bool buffered, u32 buf_start)
{
	struct vmed_xen_opts opts = { .sbdf = FX_SBDF, .buffered = buffered,
				      .lost = xt_lost };
	struct xt *t = kunit_kzalloc(test, sizeof(*t), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	opts.lost_data = t;
	t->test = test;
	t->env = fake_env_create_device(test, &tvendor);
	t->env->vgpu = vmed_vgpu_create(t->env->dev, TV_TYPE_SMALL, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(t->env->vgpu));
	t->fx = fake_xen_create(test, &t->env->hv, nr_vcpus, buffered);
	t->fx->buf->read_pointer = buf_start;
	t->fx->buf->write_pointer = buf_start;
	t->xv = vmed_xen_setup(&t->fx->hyp, t->env->vgpu, FX_DOMID, &opts);
	if (IS_ERR(t->xv)) {
		t->xv = NULL;
		KUNIT_FAIL_AND_ABORT(test, "binding failed");
	}
	t->fx->xv = t->xv;
	flush_workqueue(t->xv->wq);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, xt_exit, t), 0);
	return t;
}

static struct xt *xt_create(struct kunit *test, unsigned int nr_vcpus)
{
	return xt_create_fx(test, nr_vcpus, false, 0);
}

static u64 xt_req(struct xt *t, unsigned int vcpu, u8 type, u64 addr, u32 size,
		  u64 data, bool write)
{
	struct ioreq req = {
		.addr = addr, .data = data, .count = 1, .size = size,
		.dir = write ? IOREQ_WRITE : IOREQ_READ, .type = type,
	};

	return fake_xen_ioreq(t->fx, vcpu, &req);
}

static u64 cfg_read(struct xt *t, u32 reg, u32 size)
{
	return xt_req(t, 0, IOREQ_TYPE_PCI_CONFIG, ((u64)FX_SBDF << 32) | reg,
		      size, 0, false);
}

static void cfg_write(struct xt *t, u32 reg, u32 size, u32 val)
{
	xt_req(t, 0, IOREQ_TYPE_PCI_CONFIG, ((u64)FX_SBDF << 32) | reg, size,
	       val, true);
}

static u64 mmio_read(struct xt *t, u64 addr, u32 size)
{
	return xt_req(t, 0, IOREQ_TYPE_COPY, addr, size, 0, false);
}

static void mmio_write(struct xt *t, u64 addr, u32 size, u64 val)
{
	xt_req(t, 0, IOREQ_TYPE_COPY, addr, size, val, true);
}

/* The guest places BAR0 (64-bit) and enables memory decoding. */
static void place_bar0(struct xt *t, u64 base)
{
	cfg_write(t, PCI_BASE_ADDRESS_0, 4, (u32)base);
	cfg_write(t, PCI_BASE_ADDRESS_1, 4, base >> 32);
	cfg_write(t, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
}

static void *guest(struct xt *t, u64 gpa)
{
	return fake_frame(&t->env->hv, gpa >> PAGE_SHIFT) + offset_in_page(gpa);
}

/* ---- vmed_xen_ioreq ------------------------------------------------------ */

static void xen_setup_binds_every_vcpu(struct kunit *test)
{
	struct xt *t = xt_create(test, 3);
	unsigned int i;

	KUNIT_EXPECT_EQ(test, t->fx->servers, 1);
	KUNIT_EXPECT_TRUE(test, t->fx->server_enabled);
	KUNIT_EXPECT_TRUE(test, t->fx->claimed);
	KUNIT_EXPECT_TRUE(test, fake_xen_range(t->fx, XEN_DMOP_IO_RANGE_PCI,
					       FX_SBDF, FX_SBDF));
	KUNIT_EXPECT_EQ(test, t->fx->bound, 3);
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_TRUE(test, t->fx->ports[i].bound);
		KUNIT_EXPECT_EQ(test, t->fx->ports[i].remote, FX_PORT_BASE + i);
	}
	KUNIT_EXPECT_FALSE(test, t->fx->ports[VMED_XEN_BUF_SLOT].bound);
	KUNIT_EXPECT_PTR_EQ(test, t->env->vgpu->hv, &vmed_xen_hv_ops);
}

static void xen_state_machine(struct kunit *test)
{
	struct xt *t = xt_create(test, 2);
	struct ioreq req = {
		.addr = (u64)FX_SBDF << 32, .count = 1, .size = 2,
		.dir = IOREQ_READ, .type = IOREQ_TYPE_PCI_CONFIG,
	};
	struct ioreq *slot = &t->fx->sync->vcpu_ioreq[1];
	unsigned long eois = t->fx->ports[1].eois;

	/* vCPU 1 asks on its own slot and port; vCPU 0 is not disturbed. */
	KUNIT_EXPECT_EQ(test, fake_xen_ioreq(t->fx, 1, &req), 0x1af4);
	KUNIT_EXPECT_EQ(test, (u8)slot->state, (u8)STATE_IOREQ_NONE);
	KUNIT_EXPECT_EQ(test, slot->vp_eport, FX_PORT_BASE + 1);
	KUNIT_EXPECT_EQ(test, t->fx->ports[1].eois, eois + 1);
	KUNIT_EXPECT_EQ(test, t->fx->ports[0].notifies, 0);

	/* A second event with nothing READY is spurious, not answered. */
	fake_xen_kick(t->fx, 1);
	KUNIT_EXPECT_EQ(test, t->fx->ports[1].notifies, 1);
	KUNIT_EXPECT_EQ(test, (u8)slot->state, (u8)STATE_IOREQ_NONE);
	KUNIT_EXPECT_EQ(test, t->fx->ports[1].spurious_eois,
			t->fx->ports[1].eois - 1);

	KUNIT_EXPECT_EQ(test, cfg_read(t, PCI_VENDOR_ID, 4), 0x10f01af4);
	KUNIT_EXPECT_EQ(test, cfg_read(t, PCI_CLASS_DEVICE, 2), 0x0300);
	KUNIT_EXPECT_EQ(test, t->xv->stats.cfg, 3);
}

static void xen_bar_moves(struct kunit *test)
{
	struct xt *t = xt_create(test, 1);

	/* Nothing trapped until the guest enables decoding. */
	KUNIT_EXPECT_EQ(test, t->fx->nr_ranges, 1);
	place_bar0(t, XT_BAR0);
	KUNIT_EXPECT_TRUE(test, fake_xen_range(t->fx, XEN_DMOP_IO_RANGE_MEMORY,
					       XT_BAR0,
					       XT_BAR0 + TV_BAR0_SIZE - 1));
	KUNIT_EXPECT_EQ(test, mmio_read(t, XT_BAR0 + TV_REG_PLAIN, 4), 0x1234);
	mmio_write(t, XT_BAR0 + TV_REG_PLAIN, 4, 0x55);
	KUNIT_EXPECT_EQ(test, mmio_read(t, XT_BAR0 + TV_REG_PLAIN, 4), 0x55);
	KUNIT_EXPECT_EQ(test, mmio_read(t, XT_BAR0 + TV_REG_QWORD, 8), 0);

	/* Moved while decoding: old range gone, new one served. */
	cfg_write(t, PCI_BASE_ADDRESS_0, 4, (u32)XT_BAR0_MOVED);
	KUNIT_EXPECT_FALSE(test, fake_xen_range(t->fx, XEN_DMOP_IO_RANGE_MEMORY,
						XT_BAR0,
						XT_BAR0 + TV_BAR0_SIZE - 1));
	KUNIT_EXPECT_TRUE(test, fake_xen_range(t->fx, XEN_DMOP_IO_RANGE_MEMORY,
					       XT_BAR0_MOVED,
					       XT_BAR0_MOVED + TV_BAR0_SIZE - 1));
	KUNIT_EXPECT_EQ(test, mmio_read(t, XT_BAR0_MOVED + TV_REG_PLAIN, 4),
			0x55);
	/* A late access to the old place is nobody's: all ones. */
	KUNIT_EXPECT_EQ(test, mmio_read(t, XT_BAR0 + TV_REG_PLAIN, 4),
			0xffffffff);
	KUNIT_EXPECT_EQ(test, t->xv->stats.dropped, 1);

	/* Decoding off: only the config space is left. */
	cfg_write(t, PCI_COMMAND, 2, 0);
	KUNIT_EXPECT_EQ(test, t->fx->nr_ranges, 1);
}

static void xen_rep_pointer_df(struct kunit *test)
{
	struct xt *t = xt_create(test, 1);
	struct ioreq req = {
		.addr = XT_BAR0 + TV_REG_PLAIN, .data = 0x3000, .count = 2,
		.size = 4, .data_is_ptr = 1, .dir = IOREQ_READ,
		.type = IOREQ_TYPE_COPY,
	};

	place_bar0(t, XT_BAR0);
	/* rep movs from the BAR into guest memory, upwards */
	fake_xen_ioreq(t->fx, 0, &req);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(guest(t, 0x3000)), 0x1234);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(guest(t, 0x3004)), 0xcafe);

	/* ... and downwards (direction flag): both addresses step down */
	req.addr = XT_BAR0 + TV_REG_RO;
	req.data = 0x3104;
	req.df = 1;
	fake_xen_ioreq(t->fx, 0, &req);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(guest(t, 0x3104)), 0xcafe);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(guest(t, 0x3100)), 0x1234);

	/* rep movs from guest memory into the BAR */
	put_unaligned_le32(0x77, guest(t, 0x3200));
	put_unaligned_le32(0x88, guest(t, 0x3204));
	req = (struct ioreq){
		.addr = XT_BAR0 + TV_REG_PLAIN, .data = 0x3200, .count = 2,
		.size = 4, .data_is_ptr = 1, .dir = IOREQ_WRITE,
		.type = IOREQ_TYPE_COPY,
	};
	fake_xen_ioreq(t->fx, 0, &req);
	KUNIT_EXPECT_EQ(test, mmio_read(t, XT_BAR0 + TV_REG_PLAIN, 4), 0x77);
	KUNIT_EXPECT_EQ(test, mmio_read(t, XT_BAR0 + TV_REG_RO, 4), 0xcafe);

	/* count 0 does nothing and is still answered */
	req.count = 0;
	fake_xen_ioreq(t->fx, 0, &req);
	KUNIT_EXPECT_EQ(test, mmio_read(t, XT_BAR0 + TV_REG_PLAIN, 4), 0x77);
	KUNIT_EXPECT_EQ(test, t->xv->stats.hostile, 0);
}

/*
 * rep movs from the vGPU's BAR into a write-tracked page: Xen leaves the
 * write to guest memory to us, so it must reach the core as a tracked
 * write, or the guest changes a page table the shadow never sees. Also
 * when the element straddles into the tracked page.
 */
static void xen_rep_into_tracked_page(struct kunit *test)
{
	struct xt *t = xt_create(test, 1);
	struct vmed_vgpu *vgpu = t->env->vgpu;
	u64 gfn = 0x41, core_before;
	struct ioreq req = {
		.addr = XT_BAR0 + TV_REG_PLAIN, .data = (0x41 << PAGE_SHIFT) + 8,
		.count = 2, .size = 4, .data_is_ptr = 1, .dir = IOREQ_READ,
		.type = IOREQ_TYPE_COPY,
	};

	place_bar0(t, XT_BAR0);
	mutex_lock(&vgpu->lock);
	KUNIT_ASSERT_EQ(test, vgpu->hv->track_add(vgpu, &gfn, 1), 0);
	mutex_unlock(&vgpu->lock);
	core_before = vgpu->stats.tracked_writes;

	fake_xen_ioreq(t->fx, 0, &req);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(guest(t, req.data)), 0x1234);
	KUNIT_EXPECT_EQ(test, t->xv->stats.tracked_writes, 2);
	KUNIT_EXPECT_EQ(test, vgpu->stats.tracked_writes, core_before + 2);

	/* An element crossing from an untracked page into the tracked one. */
	req.data = (0x41 << PAGE_SHIFT) - 2;
	req.count = 1;
	put_unaligned_le16(0xffff, guest(t, 0x41 << PAGE_SHIFT));
	fake_xen_ioreq(t->fx, 0, &req);
	/* Two bytes at the end of one frame, two at the start of the next. */
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(guest(t, req.data)), 0x1234);
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(guest(t, 0x41 << PAGE_SHIFT)), 0);
	KUNIT_EXPECT_EQ(test, t->xv->stats.tracked_writes, 3);
	KUNIT_EXPECT_EQ(test, vgpu->stats.tracked_writes, core_before + 3);
	KUNIT_EXPECT_EQ(test, t->xv->stats.hostile, 0);

	mutex_lock(&vgpu->lock);
	vgpu->hv->track_remove(vgpu, &gfn, 1);
	mutex_unlock(&vgpu->lock);
}

static void xen_invalidate_broadcast(struct kunit *test)
{
	struct xt *t = xt_create(test, 4);
	unsigned int i;

	/* Xen sends it to every vCPU's slot and waits for each answer. */
	for (i = 0; i < 4; i++)
		xt_req(t, i, IOREQ_TYPE_INVALIDATE, 0, 4, ~0ULL, true);
	xt_req(t, 2, IOREQ_TYPE_TIMEOFFSET, 0, 8, 12345, true);
	KUNIT_EXPECT_EQ(test, t->xv->stats.invalidates, 4);
	KUNIT_EXPECT_EQ(test, t->xv->stats.timeoffsets, 1);
	KUNIT_EXPECT_EQ(test, t->xv->stats.hostile, 0);
}

static void xen_tracked_and_stale_writes(struct kunit *test)
{
	struct xt *t = xt_create(test, 1);
	struct vmed_vgpu *vgpu = t->env->vgpu;
	u64 gfn = 0x40, gpa = (gfn << PAGE_SHIFT) + 0x18;

	mutex_lock(&vgpu->lock);
	KUNIT_ASSERT_EQ(test, vgpu->hv->track_add(vgpu, &gfn, 1), 0);
	mutex_unlock(&vgpu->lock);
	KUNIT_EXPECT_EQ(test, t->fx->memtype[gfn], HVMMEM_ioreq_server);

	/* Xen does not perform the write: the shim must. */
	mmio_write(t, gpa, 8, 0x1122334455667788ULL);
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(guest(t, gpa)),
			0x1122334455667788ULL);
	KUNIT_EXPECT_EQ(test, t->xv->stats.tracked_writes, 1);

	mutex_lock(&vgpu->lock);
	vgpu->hv->track_remove(vgpu, &gfn, 1);
	mutex_unlock(&vgpu->lock);
	KUNIT_EXPECT_EQ(test, t->fx->memtype[gfn], HVMMEM_ram_rw);

	/* A write dispatched before the untrack still happens. */
	mmio_write(t, gpa, 4, 0xabcd);
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(guest(t, gpa)),
			0x112233440000abcdULL);
	KUNIT_EXPECT_EQ(test, t->xv->stats.stale_writes, 1);
	KUNIT_EXPECT_EQ(test, t->xv->stats.tracked, 0);
}

/* One set_mem_type per run of consecutive frames; a failure undoes all. */
static void xen_track_batches(struct kunit *test)
{
	struct xt *t = xt_create(test, 1);
	struct vmed_vgpu *vgpu = t->env->vgpu;
	u64 gfns[] = { 10, 11, 12, 20, 21, 5 };
	u64 bad[] = { 30, 31, FAKE_GUEST_FRAMES + 1 };
	unsigned long calls = t->fx->set_type_calls;

	mutex_lock(&vgpu->lock);
	KUNIT_ASSERT_EQ(test, vgpu->hv->track_add(vgpu, gfns, 6), 0);
	KUNIT_EXPECT_EQ(test, t->fx->set_type_calls, calls + 3);
	KUNIT_EXPECT_EQ(test, t->fx->tracked, 6);
	KUNIT_EXPECT_EQ(test, t->fx->memtype[21], HVMMEM_ioreq_server);

	KUNIT_EXPECT_NE(test, vgpu->hv->track_add(vgpu, bad, 3), 0);
	KUNIT_EXPECT_EQ(test, t->fx->memtype[30], HVMMEM_ram_rw);
	KUNIT_EXPECT_EQ(test, t->fx->tracked, 6);
	KUNIT_EXPECT_EQ(test, t->xv->stats.tracked, 6);

	vgpu->hv->track_remove(vgpu, gfns, 6);
	mutex_unlock(&vgpu->lock);
	KUNIT_EXPECT_EQ(test, t->fx->tracked, 0);
	KUNIT_EXPECT_EQ(test, t->xv->stats.tracked, 0);
}

/* A guest BAR placed over tracked RAM does not divert page-table writes. */
static void xen_tracked_write_under_bar(struct kunit *test)
{
	struct xt *t = xt_create(test, 1);
	struct vmed_vgpu *vgpu = t->env->vgpu;
	u64 gfn = 0x40, gpa = gfn << PAGE_SHIFT;

	place_bar0(t, XT_BAR0);
	/* BAR 2 was never placed: it decodes at 0, over guest RAM. */
	cfg_write(t, PCI_BASE_ADDRESS_2, 4, 0);
	cfg_write(t, PCI_BASE_ADDRESS_3, 4, 0);
	KUNIT_ASSERT_TRUE(test, fake_xen_range(t->fx, XEN_DMOP_IO_RANGE_MEMORY,
					       0, TV_BAR2_SIZE - 1));
	mutex_lock(&vgpu->lock);
	KUNIT_ASSERT_EQ(test, vgpu->hv->track_add(vgpu, &gfn, 1), 0);
	mutex_unlock(&vgpu->lock);
	mmio_write(t, gpa, 4, 0x600d);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(guest(t, gpa)), 0x600d);
	KUNIT_EXPECT_EQ(test, t->xv->stats.tracked_writes, 1);
}

static void xen_buffered_ring(struct kunit *test)
{
	/* Start two slots before the end of the ring: entries wrap. */
	struct xt *t = xt_create_fx(test, 1, true,
				    IOREQ_BUFFER_SLOT_NUM - 2);
	struct buffered_iopage *bp = t->fx->buf;

	KUNIT_EXPECT_TRUE(test, t->fx->ports[VMED_XEN_BUF_SLOT].bound);
	fake_xen_buffered(t->fx, IOREQ_TYPE_COPY, 0x5000, 4, 0xaabbccdd);
	/* 8 bytes in two slots: the last of the ring and the first */
	fake_xen_buffered(t->fx, IOREQ_TYPE_COPY, 0x5008, 8,
			  0x1122334455667788ULL);
	fake_xen_buffered(t->fx, IOREQ_TYPE_COPY, 0x5010, 2, 0xbeef);
	fake_xen_buffered(t->fx, IOREQ_TYPE_COPY, 0x5012, 1, 0x42);
	fake_xen_buffered(t->fx, IOREQ_TYPE_TIMEOFFSET, 0, 4, 1);
	fake_xen_kick(t->fx, VMED_XEN_BUF_SLOT);

	KUNIT_EXPECT_EQ(test, bp->read_pointer, bp->write_pointer);
	KUNIT_EXPECT_EQ(test, bp->read_pointer, IOREQ_BUFFER_SLOT_NUM + 4);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(guest(t, 0x5000)), 0xaabbccdd);
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(guest(t, 0x5008)),
			0x1122334455667788ULL);
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(guest(t, 0x5010)), 0xbeef);
	KUNIT_EXPECT_EQ(test, *(u8 *)guest(t, 0x5012), 0x42);
	KUNIT_EXPECT_EQ(test, t->xv->stats.buffered, 5);
	KUNIT_EXPECT_EQ(test, t->xv->stats.timeoffsets, 1);
	KUNIT_EXPECT_EQ(test, t->xv->stats.hostile, 0);
	KUNIT_EXPECT_EQ(test, t->fx->ports[VMED_XEN_BUF_SLOT].notifies, 0);

	/* Impossible pointers: refused, nothing consumed, no endless loop. */
	WRITE_ONCE(bp->write_pointer, bp->read_pointer + 1000);
	fake_xen_kick(t->fx, VMED_XEN_BUF_SLOT);
	KUNIT_EXPECT_EQ(test, bp->write_pointer - bp->read_pointer, 1000);
	KUNIT_EXPECT_GE(test, t->xv->stats.hostile, 1);
	WRITE_ONCE(bp->write_pointer, bp->read_pointer);
}

static void xen_teardown_mid_request(struct kunit *test)
{
	struct xt *t = xt_create(test, 2);
	struct ioreq *slot = &t->fx->sync->vcpu_ioreq[1];
	u8 *flags = vmed_ioreq_flags(slot);

	/* Xen marked a request READY; its event is not handled yet. */
	slot->type = IOREQ_TYPE_COPY;
	slot->dir = IOREQ_READ;
	slot->size = 4;
	slot->count = 1;
	slot->addr = XT_BAR0;
	WRITE_ONCE(*flags, (*flags & ~VMED_IOREQ_STATE_MASK) | STATE_IOREQ_READY);

	xt_teardown(t);
	/* The vCPU got an answer (all ones) instead of hanging. */
	KUNIT_EXPECT_EQ(test, (u8)slot->state, (u8)STATE_IORESP_READY);
	KUNIT_EXPECT_EQ(test, (u32)slot->data, 0xffffffff);
}

static void xen_teardown_dead_domain(struct kunit *test)
{
	struct xt *t = xt_create(test, 2);
	struct vmed_vgpu *vgpu = t->env->vgpu;
	u64 gfns[3] = { 5, 6, 9 }, gfn = 0x30;
	struct ioreq req = {
		.type = IOREQ_TYPE_COPY, .dir = IOREQ_WRITE, .size = 4,
		.count = 1, .addr = XT_BAR0 + TV_REG_PLAIN, .data = 1,
	};
	dma_addr_t dma[3];

	place_bar0(t, XT_BAR0);
	mutex_lock(&vgpu->lock);
	KUNIT_ASSERT_EQ(test, vgpu->hv->dma_map(vgpu, gfns, 3, dma), 0);
	KUNIT_ASSERT_EQ(test, vgpu->hv->track_add(vgpu, &gfn, 1), 0);
	mutex_unlock(&vgpu->lock);
	KUNIT_EXPECT_EQ(test, t->fx->mapped, 3);

	/* The domain dies with a request in flight. */
	t->fx->dead = true;
	fake_xen_post(t->fx, 0, &req);
	xt_teardown(t);
	KUNIT_EXPECT_EQ(test, t->fx->mapped, 0);
	KUNIT_EXPECT_EQ(test, t->fx->bound, 0);
	KUNIT_EXPECT_EQ(test, t->fx->pages, 0);
	KUNIT_EXPECT_NULL(test, vgpu->hv);
}

/* Xen marks a request READY on @vcpu; its event is not handled yet. */
static struct ioreq *ready_unsignalled(struct xt *t, unsigned int vcpu)
{
	struct ioreq *slot = &t->fx->sync->vcpu_ioreq[vcpu];
	u8 *flags = vmed_ioreq_flags(slot);

	slot->type = IOREQ_TYPE_COPY;
	slot->dir = IOREQ_READ;
	slot->size = 4;
	slot->count = 1;
	slot->addr = XT_BAR0;
	slot->data = 0x5a5a;
	WRITE_ONCE(*flags, (*flags & ~VMED_IOREQ_STATE_MASK) | STATE_IOREQ_READY);
	return slot;
}

static void xen_death_while_idle(struct kunit *test)
{
	struct xt *t = xt_create(test, 2);
	struct vmed_vgpu *vgpu = t->env->vgpu;
	u64 gfns[3] = { 5, 6, 9 }, gfn = 0x30;
	unsigned long notifies, eois;
	struct ioreq *slot;
	dma_addr_t dma[3];

	place_bar0(t, XT_BAR0);
	mutex_lock(&vgpu->lock);
	KUNIT_ASSERT_EQ(test, vgpu->hv->dma_map(vgpu, gfns, 3, dma), 0);
	KUNIT_ASSERT_EQ(test, vgpu->hv->track_add(vgpu, &gfn, 1), 0);
	mutex_unlock(&vgpu->lock);

	/* Alive: the watch fires for some other domain, nothing happens. */
	vmed_xen_check_domains();
	KUNIT_EXPECT_EQ(test, t->lost, 0);
	KUNIT_EXPECT_GE(test, t->fx->checks, 1);

	fake_xen_kill(t->fx, false);
	vmed_xen_check_domains();
	KUNIT_EXPECT_EQ(test, t->lost, 1);
	KUNIT_EXPECT_TRUE(test, t->xv->gone);

	/* No longer served: a late request is left alone. */
	notifies = t->fx->ports[0].notifies;
	eois = t->fx->ports[0].eois;
	slot = ready_unsignalled(t, 0);
	fake_xen_kick(t->fx, 0);
	KUNIT_EXPECT_EQ(test, (u8)slot->state, (u8)STATE_IOREQ_READY);
	KUNIT_EXPECT_EQ(test, t->fx->ports[0].notifies, notifies);
	KUNIT_EXPECT_EQ(test, t->fx->ports[0].eois, eois);

	/* The unbind the callback asked for: everything is given back. */
	xt_teardown(t);
	KUNIT_EXPECT_EQ(test, (u8)slot->state, (u8)STATE_IOREQ_READY);
	KUNIT_EXPECT_EQ(test, t->fx->mapped, 0);
	KUNIT_EXPECT_EQ(test, t->fx->bound, 0);
	KUNIT_EXPECT_EQ(test, t->fx->pages, 0);
	KUNIT_EXPECT_NULL(test, vgpu->hv);
	KUNIT_EXPECT_EQ(test, t->lost, 1);
}

static void xen_death_request_in_flight(struct kunit *test)
{
	struct xt *t = xt_create_fx(test, 2, true, 0);
	struct ioreq *slot;

	place_bar0(t, XT_BAR0);
	slot = ready_unsignalled(t, 1);
	fake_xen_buffered(t->fx, IOREQ_TYPE_COPY, 0x1000, 4, 1);

	/* Dying: Xen destroyed the server, our mappings keep the zombie. */
	fake_xen_kill(t->fx, true);
	vmed_xen_check_domains();
	KUNIT_EXPECT_EQ(test, t->lost, 1);

	/* The events arrive late: neither the slot nor the ring is touched. */
	fake_xen_kick(t->fx, 1);
	fake_xen_kick(t->fx, VMED_XEN_BUF_SLOT);
	KUNIT_EXPECT_EQ(test, (u8)slot->state, (u8)STATE_IOREQ_READY);
	KUNIT_EXPECT_EQ(test, slot->data, 0x5a5a);
	KUNIT_EXPECT_EQ(test, t->fx->ports[1].notifies, 0);
	KUNIT_EXPECT_EQ(test, t->fx->buf->read_pointer, 0);
	KUNIT_EXPECT_EQ(test, t->xv->stats.ioreqs, 3);	/* place_bar0 */

	xt_teardown(t);
	KUNIT_EXPECT_EQ(test, (u8)slot->state, (u8)STATE_IOREQ_READY);
	KUNIT_EXPECT_EQ(test, t->fx->buf->read_pointer, 0);
	KUNIT_EXPECT_EQ(test, t->fx->pages, 0);
	KUNIT_EXPECT_EQ(test, t->fx->bound, 0);
	KUNIT_EXPECT_EQ(test, t->lost, 1);
}

static void xen_death_reported_once(struct kunit *test)
{
	struct xt *t = xt_create(test, 1);
	struct vmed_vgpu *vgpu = t->env->vgpu;
	int ret;

	fake_xen_kill(t->fx, false);
	/* Serving notices first: an MSI to a domain that is gone. */
	mutex_lock(&vgpu->lock);
	ret = vgpu->hv->inject_msi(vgpu, 0xfee00000, 0x41);
	mutex_unlock(&vgpu->lock);
	KUNIT_EXPECT_EQ(test, ret, -ESRCH);
	KUNIT_EXPECT_TRUE(test, t->xv->gone);
	vmed_xen_flush_checks();
	KUNIT_EXPECT_EQ(test, t->lost, 1);

	/* Then the watch, twice, and serving again. */
	vmed_xen_check_domains();
	vmed_xen_check_domains();
	vmed_xen_domain_gone(t->xv, -ESRCH);
	vmed_xen_flush_checks();
	KUNIT_EXPECT_EQ(test, t->lost, 1);

	xt_teardown(t);
	KUNIT_EXPECT_EQ(test, t->lost, 1);
}

static void xen_death_others_unaffected(struct kunit *test)
{
	struct xt *a = xt_create(test, 1), *b = xt_create(test, 2);

	place_bar0(b, XT_BAR0);
	fake_xen_kill(a->fx, false);
	vmed_xen_check_domains();
	vmed_xen_check_domains();
	KUNIT_EXPECT_EQ(test, a->lost, 1);
	KUNIT_EXPECT_EQ(test, b->lost, 0);
	KUNIT_EXPECT_FALSE(test, b->xv->gone);

	/* b still serves, before and after a's teardown. */
	KUNIT_EXPECT_EQ(test, cfg_read(b, PCI_COMMAND, 2) & PCI_COMMAND_MEMORY,
			PCI_COMMAND_MEMORY);
	xt_teardown(a);
	KUNIT_EXPECT_EQ(test, cfg_read(b, PCI_COMMAND, 2) & PCI_COMMAND_MEMORY,
			PCI_COMMAND_MEMORY);
	vmed_xen_check_domains();
	KUNIT_EXPECT_EQ(test, b->lost, 0);
	KUNIT_EXPECT_EQ(test, b->fx->errors, 0);
}

/* A vGPU bound again, to the next domain, starts as after a reset. */
static void xen_rebind_starts_from_reset(struct kunit *test)
{
	struct vmed_xen_opts opts = { .sbdf = FX_SBDF, .lost = xt_lost };
	struct xt *t = xt_create(test, 1);

	place_bar0(t, XT_BAR0);
	mmio_write(t, XT_BAR0 + TV_REG_PLAIN, 4, 0x5555);
	KUNIT_EXPECT_EQ(test, mmio_read(t, XT_BAR0 + TV_REG_PLAIN, 4), 0x5555);
	mutex_lock(&t->env->vgpu->lock);
	vmed_vgpu_fail(t->env->vgpu, "test: failed under the first domain");
	mutex_unlock(&t->env->vgpu->lock);
	xt_teardown(t);

	opts.lost_data = t;
	t->xv = vmed_xen_setup(&t->fx->hyp, t->env->vgpu, FX_DOMID, &opts);
	KUNIT_ASSERT_FALSE(test, IS_ERR(t->xv));
	t->fx->xv = t->xv;
	flush_workqueue(t->xv->wq);
	KUNIT_EXPECT_FALSE(test, t->env->vgpu->failed);
	KUNIT_EXPECT_EQ(test, cfg_read(t, PCI_COMMAND, 2) & PCI_COMMAND_MEMORY,
			0);
	KUNIT_EXPECT_EQ(test, cfg_read(t, PCI_BASE_ADDRESS_0, 4) &
			PCI_BASE_ADDRESS_MEM_MASK, 0);
	place_bar0(t, XT_BAR0);
	KUNIT_EXPECT_EQ(test, mmio_read(t, XT_BAR0 + TV_REG_PLAIN, 4), 0x1234);
}

static void xen_hostile_ioreqs(struct kunit *test)
{
	struct xt *t = xt_create(test, 2);
	struct ioreq *slot = &t->fx->sync->vcpu_ioreq[1];
	struct ioreq req = {
		.type = IOREQ_TYPE_COPY, .size = 4, .data_is_ptr = 1,
		.addr = XT_BAR0 + TV_REG_PLAIN,
	};
	u8 *flags = vmed_ioreq_flags(slot);
	u64 hostile;

	place_bar0(t, XT_BAR0);
	/* Bad sizes: answered with all ones, counted. */
	KUNIT_EXPECT_EQ(test, mmio_read(t, XT_BAR0 + TV_REG_PLAIN, 3), ~0ULL);
	KUNIT_EXPECT_EQ(test, mmio_read(t, XT_BAR0 + TV_REG_PLAIN, 16), ~0ULL);
	KUNIT_EXPECT_EQ(test, t->xv->stats.hostile, 2);
	/* Outside everything: all ones, writes dropped. */
	KUNIT_EXPECT_EQ(test, mmio_read(t, 0xf0000000, 4), 0xffffffff);
	mmio_write(t, 0xf0000000, 4, 1);
	/* Straddling the end of the BAR is outside it too. */
	KUNIT_EXPECT_EQ(test, mmio_read(t, XT_BAR0 + TV_BAR0_SIZE - 4, 8),
			~0ULL);
	KUNIT_EXPECT_EQ(test, t->xv->stats.dropped, 3);
	/* Pointer outside guest memory: refused, answered. */
	xt_req(t, 0, IOREQ_TYPE_COPY, XT_BAR0 + TV_REG_PLAIN, 4, BIT_ULL(40),
	       true);
	req.dir = IOREQ_WRITE;
	req.count = 2;
	req.data = BIT_ULL(40);
	fake_xen_ioreq(t->fx, 0, &req);
	req.dir = IOREQ_READ;
	req.count = 1;
	req.data = ~0ULL - 2;
	fake_xen_ioreq(t->fx, 0, &req);
	KUNIT_EXPECT_EQ(test, t->xv->stats.hostile, 4);
	/* Unknown type. */
	KUNIT_EXPECT_EQ(test, xt_req(t, 0, 5, 0, 4, 0, false), ~0ULL);
	/* Config space of another function, or with a bad size. */
	KUNIT_EXPECT_EQ(test, xt_req(t, 0, IOREQ_TYPE_PCI_CONFIG,
				     (u64)(FX_SBDF + 8) << 32, 4, 0, false),
			~0ULL);
	KUNIT_EXPECT_EQ(test, cfg_read(t, 0, 8), ~0ULL);
	KUNIT_EXPECT_EQ(test, t->xv->stats.hostile, 7);
	/* Port I/O is not ours. */
	KUNIT_EXPECT_EQ(test, xt_req(t, 0, IOREQ_TYPE_PIO, 0xcf8, 2, 0, false),
			0xffff);
	KUNIT_EXPECT_EQ(test, t->xv->stats.pio, 1);

	/* A slot in a state that does not exist: left alone, counted. */
	hostile = t->xv->stats.hostile;
	WRITE_ONCE(*flags, (*flags & ~VMED_IOREQ_STATE_MASK) | 7);
	fake_xen_kick(t->fx, 1);
	KUNIT_EXPECT_EQ(test, *flags & VMED_IOREQ_STATE_MASK, 7);
	KUNIT_EXPECT_EQ(test, t->xv->stats.hostile, hostile + 1);
	KUNIT_EXPECT_EQ(test, t->fx->ports[1].notifies, 0);
	WRITE_ONCE(*flags, *flags & ~VMED_IOREQ_STATE_MASK);

	/* A huge repeat count: answered at once, the vGPU fails. */
	KUNIT_EXPECT_FALSE(test, t->env->vgpu->failed);
	req.count = 0x40000000;
	req.data = 0x1000;
	fake_xen_ioreq(t->fx, 1, &req);
	KUNIT_EXPECT_TRUE(test, t->env->vgpu->failed);
	/* A failed vGPU reads as a dead device, still answered. */
	KUNIT_EXPECT_EQ(test, mmio_read(t, XT_BAR0 + TV_REG_PLAIN, 4),
			0xffffffff);
}

static void xen_memory_ops(struct kunit *test)
{
	struct xt *t = xt_create(test, 1);
	struct vmed_vgpu *vgpu = t->env->vgpu;
	u64 gfns[3] = { 1, 2, FAKE_GUEST_FRAMES + 5 };
	DECLARE_BITMAP(ram, 40) = {};
	dma_addr_t dma[3];
	u64 probe[40];
	unsigned int i;
	u32 val = 0;

	put_unaligned_le32(0x5a5a, guest(t, 0x1010));
	mutex_lock(&vgpu->lock);
	KUNIT_ASSERT_EQ(test, vgpu->hv->dma_map(vgpu, gfns, 3, dma), 0);
	KUNIT_EXPECT_EQ(test, dma[0], fake_dma_of(&t->env->hv, 1));
	KUNIT_EXPECT_EQ(test, dma[1], fake_dma_of(&t->env->hv, 2));
	KUNIT_EXPECT_EQ(test, dma[2], DMA_MAPPING_ERROR);
	KUNIT_EXPECT_EQ(test, t->fx->mapped, 2);
	/* through the held mapping, and through a temporary one */
	KUNIT_EXPECT_EQ(test, vgpu->hv->read_gpa(vgpu, 0x1010, &val, 4), 0);
	KUNIT_EXPECT_EQ(test, val, 0x5a5a);
	KUNIT_EXPECT_EQ(test, vgpu->hv->write_gpa(vgpu, 0x8ffe, &val, 4), 0);
	/* across a frame boundary: two frames of the fake's */
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(guest(t, 0x8ffe)), 0x5a5a);
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(guest(t, 0x9000)), 0);
	KUNIT_EXPECT_NE(test, vgpu->hv->read_gpa(vgpu,
						 (u64)FAKE_GUEST_FRAMES << PAGE_SHIFT,
						 &val, 4), 0);
	KUNIT_EXPECT_EQ(test, t->fx->mapped, 2);
	vgpu->hv->dma_unmap(vgpu, gfns, dma, 2);
	KUNIT_EXPECT_EQ(test, t->fx->mapped, 0);

	/* Three probe chunks; frames beyond guest RAM among the others. */
	for (i = 0; i < ARRAY_SIZE(probe); i++)
		probe[i] = i;
	probe[5] = FAKE_GUEST_FRAMES;
	probe[38] = ~0ULL;
	probe[39] = 3;
	KUNIT_EXPECT_EQ(test, vgpu->hv->is_guest_memory(vgpu, probe, 40, ram),
			0);
	KUNIT_EXPECT_EQ(test, bitmap_weight(ram, 40), 38);
	KUNIT_EXPECT_FALSE(test, test_bit(5, ram));
	KUNIT_EXPECT_TRUE(test, test_bit(6, ram));
	KUNIT_EXPECT_FALSE(test, test_bit(38, ram));
	KUNIT_EXPECT_TRUE(test, test_bit(39, ram));
	KUNIT_EXPECT_EQ(test, t->fx->mapped, 0);
	/* A dying domain maps nothing at all: the query itself fails. */
	t->fx->dying = true;
	KUNIT_EXPECT_EQ(test, vgpu->hv->is_guest_memory(vgpu, probe, 1, ram),
			-ENOENT);
	t->fx->dying = false;

	KUNIT_EXPECT_EQ(test, vgpu->hv->inject_msi(vgpu, 0xfee01000, 0x4041),
			0);
	mutex_unlock(&vgpu->lock);
	KUNIT_EXPECT_EQ(test, t->fx->msis, 1);
	KUNIT_EXPECT_EQ(test, t->fx->msi_addr, 0xfee01000);
	KUNIT_EXPECT_EQ(test, t->fx->msi_data, 0x4041);
}

/* A guest without MSI gets INTA# through set_pci_intx_level. */
/*
 * The core may map a frame again while its previous mapping's unmap still
 * waits in its release queue (a frame moved between entries within one
 * pass): each map is balanced by one unmap, and both give the same address.
 */
static void xen_map_again_before_unmap(struct kunit *test)
{
	struct xt *t = xt_create(test, 1);
	struct vmed_vgpu *vgpu = t->env->vgpu;
	u64 gfn = 7;
	dma_addr_t first, second;

	mutex_lock(&vgpu->lock);
	KUNIT_ASSERT_EQ(test, vgpu->hv->dma_map(vgpu, &gfn, 1, &first), 0);
	KUNIT_ASSERT_EQ(test, vgpu->hv->dma_map(vgpu, &gfn, 1, &second), 0);
	KUNIT_EXPECT_NE(test, second, DMA_MAPPING_ERROR);
	KUNIT_EXPECT_EQ(test, second, first);
	KUNIT_EXPECT_EQ(test, t->fx->mapped, 1);
	vgpu->hv->dma_unmap(vgpu, &gfn, &first, 1);
	/* Still mapped for the second user. */
	KUNIT_EXPECT_EQ(test, t->fx->mapped, 1);
	vgpu->hv->dma_unmap(vgpu, &gfn, &second, 1);
	KUNIT_EXPECT_EQ(test, t->fx->mapped, 0);
	mutex_unlock(&vgpu->lock);
}

static void xen_intx(struct kunit *test)
{
	struct xt *t = xt_create(test, 1);
	struct vmed_vgpu *vgpu = t->env->vgpu;

	place_bar0(t, XT_BAR0);
	KUNIT_EXPECT_EQ(test, cfg_read(t, PCI_INTERRUPT_PIN, 1), 1);
	mmio_write(t, XT_BAR0 + TV_IRQ_G0 + 4, 4, ~1U);	/* IMR */
	mmio_write(t, XT_BAR0 + TV_IRQ_G0 + 12, 4, 1);	/* IER */
	mmio_write(t, XT_BAR0 + TV_IRQ_MASTER, 4, TV_IRQ_MASTER_ENABLE);

	mutex_lock(&vgpu->lock);
	vmed_irq_raise(vgpu, TV_EV_USER);
	mutex_unlock(&vgpu->lock);
	KUNIT_EXPECT_TRUE(test, t->fx->intx_level);
	KUNIT_EXPECT_EQ(test, t->fx->msis, 0);

	/* The guest's handler acknowledges: the line drops. */
	mmio_write(t, XT_BAR0 + TV_IRQ_G0 + 8, 4, 1);		/* IIR */
	KUNIT_EXPECT_FALSE(test, t->fx->intx_level);
	KUNIT_EXPECT_EQ(test, t->fx->intx_changes, 2);
	KUNIT_EXPECT_EQ(test, t->xv->stats.intx, 2);
}

static const enum fx_step setup_steps[] = {
	FX_NR_VCPUS, FX_CREATE, FX_IOPAGES, FX_PCI, FX_MEMTYPE, FX_ENABLE,
	FX_BIND,
};

static void step_desc(const enum fx_step *step, char *desc)
{
	static const char * const names[FX_NR_STEPS] = {
		[FX_NR_VCPUS] = "nr_vcpus", [FX_CREATE] = "create",
		[FX_IOPAGES] = "iopages", [FX_PCI] = "pci", [FX_MEMTYPE] = "memtype",
		[FX_ENABLE] = "enable", [FX_BIND] = "bind",
	};

	strscpy(desc, names[*step], KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(setup_step, setup_steps, step_desc);

static void xen_setup_failure(struct kunit *test)
{
	const enum fx_step *step = test->param_value;
	struct vmed_xen_opts opts = { .sbdf = FX_SBDF, .buffered = true };
	struct fake_env *env = fake_env_create_device(test, &tvendor);
	struct vmed_xen_vgpu *xv;
	struct fake_xen *fx;

	env->vgpu = vmed_vgpu_create(env->dev, TV_TYPE_SMALL, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(env->vgpu));
	fx = fake_xen_create(test, &env->hv, 2, true);
	fx->fail_step = *step;
	xv = vmed_xen_setup(&fx->hyp, env->vgpu, FX_DOMID, &opts);
	if (*step == FX_MEMTYPE) {
		/* Without write tracking the vGPU still works, untracked. */
		KUNIT_ASSERT_FALSE(test, IS_ERR(xv));
		KUNIT_EXPECT_PTR_EQ(test, env->vgpu->hv,
				    &vmed_xen_untracked_hv_ops);
		vmed_xen_teardown(xv);
	} else {
		KUNIT_EXPECT_TRUE(test, IS_ERR(xv));
		KUNIT_EXPECT_NULL(test, env->vgpu->hv);
	}
	fake_xen_expect_clean(fx);
}

static struct kunit_case vmed_xen_cases[] = {
	KUNIT_CASE(xen_setup_binds_every_vcpu),
	KUNIT_CASE(xen_state_machine),
	KUNIT_CASE(xen_bar_moves),
	KUNIT_CASE(xen_rep_pointer_df),
	KUNIT_CASE(xen_invalidate_broadcast),
	KUNIT_CASE(xen_tracked_and_stale_writes),
	KUNIT_CASE(xen_tracked_write_under_bar),
	KUNIT_CASE(xen_track_batches),
	KUNIT_CASE(xen_buffered_ring),
	KUNIT_CASE(xen_teardown_mid_request),
	KUNIT_CASE(xen_teardown_dead_domain),
	KUNIT_CASE(xen_death_while_idle),
	KUNIT_CASE(xen_death_request_in_flight),
	KUNIT_CASE(xen_death_reported_once),
	KUNIT_CASE(xen_death_others_unaffected),
	KUNIT_CASE(xen_rebind_starts_from_reset),
	KUNIT_CASE(xen_hostile_ioreqs),
	KUNIT_CASE(xen_memory_ops),
	KUNIT_CASE(xen_intx),
	KUNIT_CASE(xen_map_again_before_unmap),
	KUNIT_CASE(xen_rep_into_tracked_page),
	KUNIT_CASE_PARAM(xen_setup_failure, setup_step_gen_params),
	{}
};

static struct kunit_suite vmed_xen_suite = {
	.name = "vmed_xen",
	.test_cases = vmed_xen_cases,
};

/* ---- the "xen" frontend (frontend.c) ---------------------------------- */

struct xft {
	struct fake_env *env;
	struct fake_xen *fx;
};

static void xft_exit(void *data)
{
	struct xft *x = data;

	vmed_xen_flush_checks();
	vmed_xen_frontend_unregister();
	fake_xen_expect_clean(x->fx);
}

/* The frontend registered with a fake Xen, and one published vGPU. */
static struct xft *xft_create(struct kunit *test)
{
	struct xft *x = kunit_kzalloc(test, sizeof(*x), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, x);
	x->env = fake_env_create_device(test, &tvendor);
	x->fx = fake_xen_create(test, &x->env->hv, 1, false);
	KUNIT_ASSERT_EQ(test, vmed_xen_frontend_register(&x->fx->hyp, FX_SBDF,
							 false), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, xft_exit, x), 0);
	x->env->vgpu = vmed_vgpu_create(x->env->dev, TV_TYPE_SMALL, "xft");
	KUNIT_ASSERT_FALSE(test, IS_ERR(x->env->vgpu));
	vmed_vgpu_publish(x->env->vgpu, NULL);
	return x;
}

static void xft_expect_holder(struct kunit *test, struct xft *x,
			      const char *want)
{
	struct vmed_vgpu_status st;

	vmed_vgpu_get_status(x->env->vgpu, &st);
	KUNIT_EXPECT_STREQ(test, st.holder[0] ? st.holder : "none", want);
}

static void xen_frontend_bind_unbind(struct kunit *test)
{
	struct xft *x = xft_create(test);
	struct vmed_vgpu *vgpu = x->env->vgpu;

	xft_expect_holder(test, x, "none");
	KUNIT_ASSERT_EQ(test, vmed_xen_bind(vgpu, FX_DOMID), 0);
	xft_expect_holder(test, x, "xen");
	KUNIT_EXPECT_EQ(test, x->fx->servers, 1);
	/* Bound once only; reserved domain ids are refused outright. */
	KUNIT_EXPECT_EQ(test, vmed_xen_bind(vgpu, FX_DOMID + 1), -EBUSY);
	KUNIT_EXPECT_EQ(test, vmed_xen_bind(vgpu, DOMID_FIRST_RESERVED),
			-EINVAL);
	/* Another frontend (a VFIO open) is refused by the core. */
	KUNIT_EXPECT_EQ(test, vmed_vgpu_attach(vgpu, &fake_frontend,
					       &fake_hv_ops, &x->env->hv),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, vmed_xen_unbind(vgpu), 0);
	xft_expect_holder(test, x, "none");
	KUNIT_EXPECT_EQ(test, x->fx->servers, 0);
	/* Unbinding twice is harmless. */
	KUNIT_EXPECT_EQ(test, vmed_xen_unbind(vgpu), 0);
}

/* A vGPU another frontend holds cannot be bound; nothing is left behind. */
static void xen_frontend_bind_refused_when_held(struct kunit *test)
{
	struct xft *x = xft_create(test);
	struct vmed_vgpu *vgpu = x->env->vgpu;

	KUNIT_ASSERT_EQ(test, vmed_vgpu_attach(vgpu, &fake_frontend,
					       &fake_hv_ops, &x->env->hv), 0);
	KUNIT_EXPECT_EQ(test, vmed_xen_bind(vgpu, FX_DOMID), -EBUSY);
	xft_expect_holder(test, x, "fake");
	fake_xen_expect_clean(x->fx);
	vmed_vgpu_detach(vgpu, &fake_frontend);
	KUNIT_EXPECT_EQ(test, vmed_xen_bind(vgpu, FX_DOMID), 0);
}

/* The domain dies: the binding goes from the work item. */
static void xen_frontend_domain_death_unbinds(struct kunit *test)
{
	struct xft *x = xft_create(test);
	struct vmed_vgpu *vgpu = x->env->vgpu;

	KUNIT_ASSERT_EQ(test, vmed_xen_bind(vgpu, FX_DOMID), 0);
	fake_xen_kill(x->fx, false);
	vmed_xen_check_domains();
	vmed_xen_check_domains();
	vmed_xen_frontend_flush();
	xft_expect_holder(test, x, "none");
	KUNIT_EXPECT_EQ(test, x->fx->pages, 0);
	KUNIT_EXPECT_EQ(test, x->fx->bound, 0);
	/* The vGPU is free for the next domain (or a VMM). */
	KUNIT_EXPECT_EQ(test, vmed_vgpu_attach(vgpu, &fake_frontend,
					       &fake_hv_ops, &x->env->hv), 0);
}

struct xft_blocker {
	struct work_struct work;
	struct completion release;
};

static void xft_block(struct work_struct *work)
{
	wait_for_completion(&container_of(work, struct xft_blocker,
					  work)->release);
}

/*
 * The three ends of a binding race: death reported (the unbind queued,
 * held behind a blocker on the ordered queue), then the vGPU removed
 * before the unbind runs. The removal unbinds, cancels the queued work and
 * drops its reference; nothing is freed twice or touched after (KASAN
 * watches).
 */
static void xen_frontend_removal_races_death(struct kunit *test)
{
	struct xft *x = xft_create(test);
	struct vmed_vgpu *vgpu = vmed_vgpu_get(x->env->vgpu);
	struct xft_blocker b;

	INIT_WORK_ONSTACK(&b.work, xft_block);
	init_completion(&b.release);
	KUNIT_ASSERT_EQ(test, vmed_xen_bind(vgpu, FX_DOMID), 0);
	vmed_xen_frontend_queue(&b.work);
	fake_xen_kill(x->fx, false);
	vmed_xen_check_domains();
	vmed_vgpu_destroy(x->env->vgpu);
	x->env->vgpu = NULL;
	complete(&b.release);
	vmed_xen_frontend_flush();
	destroy_work_on_stack(&b.work);
	KUNIT_EXPECT_EQ(test, x->fx->pages, 0);
	KUNIT_EXPECT_EQ(test, x->fx->bound, 0);
	KUNIT_EXPECT_EQ(test, vmed_xen_bind(vgpu, FX_DOMID), -ENODEV);
	vmed_vgpu_put(vgpu);
}

/* Removing a bound vGPU unbinds it: the domain loses it, nothing leaks. */
static void xen_frontend_removal_unbinds(struct kunit *test)
{
	struct xft *x = xft_create(test);

	KUNIT_ASSERT_EQ(test, vmed_xen_bind(x->env->vgpu, FX_DOMID), 0);
	vmed_vgpu_destroy(x->env->vgpu);
	x->env->vgpu = NULL;
	fake_xen_expect_clean(x->fx);
}

static void xft_destroy(void *vgpu)
{
	vmed_vgpu_destroy(vgpu);
}

/* Another vGPU on the environment's device, destroyed when the test ends. */
static struct vmed_vgpu *xft_vgpu(struct kunit *test, struct xft *x,
				  const char *name)
{
	struct vmed_vgpu *vgpu;

	vgpu = vmed_vgpu_create(x->env->dev, TV_TYPE_SMALL, name);
	KUNIT_ASSERT_FALSE(test, IS_ERR(vgpu));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, xft_destroy, vgpu),
			0);
	return vgpu;
}

/* An empty vmed/ directory on a device, as vmed_mdev gives a vGPU. */
static struct attribute *xft_no_attrs[] = { NULL };
static const struct attribute_group xft_group = {
	.name = VMED_SYSFS_GROUP,
	.attrs = xft_no_attrs,
};

static void xft_remove_group(void *dev)
{
	sysfs_remove_group(&((struct device *)dev)->kobj, &xft_group);
}

/*
 * With a sysfs device the frontend adds vmed/xen_domid to its vmed/
 * directory; a device without that directory is not offered (the error is
 * logged, nothing is left behind, and binding says -ENODEV).
 */
static void xen_frontend_sysfs_file(struct kunit *test)
{
	struct xft *x = xft_create(test);
	struct device *with = fake_dma_device(test);
	struct device *without = fake_dma_device(test);
	struct vmed_vgpu *a, *b;
	struct kernfs_node *dir, *file;

	KUNIT_ASSERT_EQ(test, sysfs_create_group(&with->kobj, &xft_group), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, xft_remove_group,
							with), 0);
	a = xft_vgpu(test, x, "xft-sysfs");
	b = xft_vgpu(test, x, "xft-nosysfs");
	vmed_vgpu_publish(a, with);
	vmed_vgpu_publish(b, without);

	dir = kernfs_find_and_get(with->kobj.sd, VMED_SYSFS_GROUP);
	KUNIT_ASSERT_NOT_NULL(test, dir);
	file = kernfs_find_and_get(dir, "xen_domid");
	KUNIT_EXPECT_NOT_NULL(test, file);
	kernfs_put(file);
	KUNIT_EXPECT_EQ(test, vmed_xen_bind(a, FX_DOMID), 0);
	KUNIT_EXPECT_EQ(test, vmed_xen_bind(b, FX_DOMID), -ENODEV);

	/* Removal takes the file away again (and unbinds). */
	vmed_vgpu_unpublish(a);
	file = kernfs_find_and_get(dir, "xen_domid");
	KUNIT_EXPECT_NULL(test, file);
	kernfs_put(file);
	kernfs_put(dir);
	fake_xen_expect_clean(x->fx);
}

static struct kunit_case vmed_xen_frontend_cases[] = {
	KUNIT_CASE(xen_frontend_bind_unbind),
	KUNIT_CASE(xen_frontend_bind_refused_when_held),
	KUNIT_CASE(xen_frontend_domain_death_unbinds),
	KUNIT_CASE(xen_frontend_removal_races_death),
	KUNIT_CASE(xen_frontend_removal_unbinds),
	KUNIT_CASE(xen_frontend_sysfs_file),
	{}
};

static struct kunit_suite vmed_xen_frontend_suite = {
	.name = "vmed_xen_frontend",
	.test_cases = vmed_xen_frontend_cases,
};

kunit_test_suites(&vmed_xen_suite, &vmed_xen_frontend_suite);
