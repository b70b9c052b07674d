// SPDX-License-Identifier: GPL-2.0
/*
 * The fake hypervisor and the test vendor behind the core's KUnit suites.
 */
#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/dma-mapping.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/unaligned.h>
#include "fake_hv.h"
#include "../../core/internal.h"

static struct fake_hv *to_fake(struct vmed_vgpu *vgpu)
{
	return vmed_vgpu_hv_data(vgpu);
}

static bool fake_is_ram(struct fake_hv *hv, u64 gfn)
{
	return gfn < FAKE_GUEST_FRAMES && !test_bit(gfn, hv->holes);
}

/**
 * fake_frame() - kernel address of a guest frame, allocated on first use
 * @hv: the fake hypervisor
 * @gfn: the frame
 *
 * Return: the address, or NULL if @gfn is not guest RAM.
 */
void *fake_frame(struct fake_hv *hv, u64 gfn)
{
	if (hv->alias_gfn && gfn == hv->alias_gfn)
		gfn = hv->alias_of;
	if (gfn >= FAKE_GUEST_FRAMES)
		return NULL;
	if (!hv->frames[gfn])
		hv->frames[gfn] = (void *)get_zeroed_page(GFP_KERNEL);
	return hv->frames[gfn];
}

/**
 * fake_dma_of() - the DMA address the fake gives a frame
 * @hv: the fake hypervisor
 * @gfn: the frame
 *
 * In scatter mode neighbouring frames swap places, so no two consecutive
 * frames are DMA-contiguous.
 *
 * Return: the address.
 */
u64 fake_dma_of(struct fake_hv *hv, u64 gfn)
{
	if (hv->alias_gfn && gfn == hv->alias_gfn)
		gfn = hv->alias_of;
	return FAKE_DMA_BASE + ((hv->scatter ? gfn ^ 1 : gfn) << PAGE_SHIFT);
}

/**
 * fake_write_entry() - guest writes a page-table entry (not trapped)
 * @hv: the fake hypervisor
 * @gpa: where
 * @val: the 8-byte value
 */
void fake_write_entry(struct fake_hv *hv, u64 gpa, u64 val)
{
	put_unaligned_le64(val, fake_frame(hv, gpa >> PAGE_SHIFT) +
				offset_in_page(gpa));
}

/* Copy between guest RAM and @buf, page by page. */
static int fake_copy(struct fake_hv *hv, u64 gpa, void *buf, size_t len,
		     bool to_guest)
{
	size_t done, chunk;

	if (!len || gpa + len < gpa ||
	    gpa + len > (u64)FAKE_GUEST_FRAMES << PAGE_SHIFT)
		return -EFAULT;
	for (done = 0; done < len; done += chunk) {
		u64 pos = gpa + done;
		void *frame = fake_frame(hv, pos >> PAGE_SHIFT);

		chunk = min_t(size_t, len - done, PAGE_SIZE - offset_in_page(pos));
		if (!fake_is_ram(hv, pos >> PAGE_SHIFT))
			return -EFAULT;
		if (!frame)
			return -ENOMEM;
		if (to_guest)
			memcpy(frame + offset_in_page(pos), buf + done, chunk);
		else
			memcpy(buf + done, frame + offset_in_page(pos), chunk);
	}
	return 0;
}

static int fake_read_gpa(struct vmed_vgpu *vgpu, u64 gpa, void *buf, size_t len)
{
	struct fake_hv *hv = to_fake(vgpu);

	return hv->fail_read ? -EFAULT : fake_copy(hv, gpa, buf, len, false);
}

static int fake_write_gpa(struct vmed_vgpu *vgpu, u64 gpa, const void *buf,
			  size_t len)
{
	return fake_copy(to_fake(vgpu), gpa, (void *)buf, len, true);
}

static int fake_dma_map(struct vmed_vgpu *vgpu, const u64 *gfns,
			unsigned int nr, dma_addr_t *dma)
{
	struct fake_hv *hv = to_fake(vgpu);
	unsigned int i;
	int ret;

	hv->dma_map_calls++;
	if (hv->fail_dma_map && hv->fail_dma_map_after) {
		hv->fail_dma_map_after--;
	} else if (hv->fail_dma_map) {
		ret = hv->fail_dma_map;
		hv->fail_dma_map = 0;
		return ret;
	}
	for (i = 0; i < nr; i++) {
		if (!fake_is_ram(hv, gfns[i])) {
			dma[i] = DMA_MAPPING_ERROR;
			continue;
		}
		/* Pins nest, as with vfio_pin_pages(). */
		hv->pins[gfns[i]]++;
		hv->mapped++;
		dma[i] = fake_dma_of(hv, gfns[i]);
	}
	return 0;
}

static void fake_dma_unmap(struct vmed_vgpu *vgpu, const u64 *gfns,
			   const dma_addr_t *dma, unsigned int nr)
{
	struct fake_hv *hv = to_fake(vgpu);
	unsigned int i;

	hv->dma_unmap_calls++;
	for (i = 0; i < nr; i++) {
		if (gfns[i] >= FAKE_GUEST_FRAMES || !hv->pins[gfns[i]] ||
		    dma[i] != fake_dma_of(hv, gfns[i])) {
			hv->errors++;
			continue;
		}
		hv->pins[gfns[i]]--;
		hv->mapped--;
	}
}

static int fake_track_add(struct vmed_vgpu *vgpu, const u64 *gfns,
			  unsigned int nr)
{
	struct fake_hv *hv = to_fake(vgpu);
	unsigned int i;
	int ret;

	hv->track_calls++;
	if (hv->fail_track && hv->fail_track_after) {
		hv->fail_track_after--;
	} else if (hv->fail_track) {
		ret = hv->fail_track;
		hv->fail_track = 0;
		return ret;
	}
	for (i = 0; i < nr; i++)
		if (!fake_is_ram(hv, gfns[i]) || hv->slot_gone[gfns[i]])
			return -EINVAL;
	for (i = 0; i < nr; i++) {
		/* Like KVM, tracking is counted; the core tracks once. */
		if (hv->tracked[gfns[i]])
			hv->errors++;
		hv->tracked[gfns[i]]++;
		hv->tracked_frames++;
	}
	return 0;
}

static void fake_track_remove(struct vmed_vgpu *vgpu, const u64 *gfns,
			      unsigned int nr)
{
	struct fake_hv *hv = to_fake(vgpu);
	unsigned int i;

	hv->untrack_calls++;
	for (i = 0; i < nr; i++) {
		if (gfns[i] >= FAKE_GUEST_FRAMES || !hv->tracked[gfns[i]]) {
			hv->errors++;
			continue;
		}
		hv->tracked[gfns[i]]--;
		hv->tracked_frames--;
	}
}

/**
 * fake_slot_delete() - KVM deletes the memslot holding frames
 * @env: the environment
 * @gfn: first frame
 * @nr: number of frames
 *
 * As KVM: the write-tracking counts of the slot go with it, and a frame in
 * no slot cannot be tracked (or untracked: that is counted as misuse, KVM
 * warns). The shim is told as vmed_kvm is (track_remove_region).
 */
void fake_slot_delete(struct fake_env *env, u64 gfn, u64 nr)
{
	struct fake_hv *hv = &env->hv;
	u64 i;

	for (i = gfn; i < gfn + nr && i < FAKE_GUEST_FRAMES; i++) {
		hv->tracked_frames -= hv->tracked[i];
		hv->tracked[i] = 0;
		hv->slot_gone[i] = true;
	}
	vmed_track_lost(env->vgpu, gfn, nr);
	vmed_dma_invalidate(env->vgpu, gfn, nr);
}

/**
 * fake_slot_create() - the memslot is back, with nothing tracked in it
 * @env: the environment
 * @gfn: first frame
 * @nr: number of frames
 */
void fake_slot_create(struct fake_env *env, u64 gfn, u64 nr)
{
	u64 i;

	for (i = gfn; i < gfn + nr && i < FAKE_GUEST_FRAMES; i++)
		env->hv.slot_gone[i] = false;
}

static int fake_inject_msi(struct vmed_vgpu *vgpu, u64 addr, u32 data)
{
	struct fake_hv *hv = to_fake(vgpu);

	if (hv->msi_ret)
		return hv->msi_ret;
	hv->msis++;
	hv->msi_addr = addr;
	hv->msi_data = data;
	return 0;
}

static void fake_set_intx(struct vmed_vgpu *vgpu, bool asserted)
{
	struct fake_hv *hv = to_fake(vgpu);

	lockdep_assert_held(&vgpu->lock);
	/* The core reports changes only: the same level twice is a bug. */
	if (asserted == hv->intx)
		hv->errors++;
	hv->intx = asserted;
	if (asserted)
		hv->intx_raised++;
}

static int fake_set_trap_area(struct vmed_vgpu *vgpu, unsigned int bar, u64 gpa,
			      u64 size, bool map)
{
	struct fake_hv *hv = to_fake(vgpu);

	if (bar >= VMED_MAX_BARS || hv->trap_on[bar] == map ||
	    (!map && hv->trap_gpa[bar] != gpa)) {
		hv->errors++;
		return -EINVAL;
	}
	/* Like Xen, refuse ranges that overlap guest RAM. */
	if (map && gpa < (u64)FAKE_GUEST_FRAMES << PAGE_SHIFT)
		return -EINVAL;
	hv->trap_on[bar] = map;
	hv->trap_gpa[bar] = gpa;
	if (map)
		hv->traps_mapped++;
	else
		hv->traps_unmapped++;
	return 0;
}

static int fake_is_guest_memory(struct vmed_vgpu *vgpu, const u64 *gfns,
				unsigned int nr, unsigned long *ram)
{
	struct fake_hv *hv = to_fake(vgpu);
	unsigned int i;
	int ret;

	lockdep_assert_held(&vgpu->lock);
	hv->ram_queries++;
	hv->ram_queried += nr;
	if (hv->fail_ram_query && !hv->ram_query_skip) {
		ret = hv->fail_ram_query;
		hv->fail_ram_query = 0;
		return ret;
	}
	if (hv->fail_ram_query)
		hv->ram_query_skip--;
	/* The core hands over a cleared bitmap and at most one batch. */
	if (nr > VMED_DMA_BATCH || !bitmap_empty(ram, nr))
		hv->errors++;
	for (i = 0; i < nr; i++)
		if (fake_is_ram(hv, gfns[i]))
			__set_bit(i, ram);
	return 0;
}

const struct vmed_hv_ops fake_hv_ops = {
	.read_gpa = fake_read_gpa,
	.write_gpa = fake_write_gpa,
	.dma_map = fake_dma_map,
	.dma_unmap = fake_dma_unmap,
	.track_add = fake_track_add,
	.track_remove = fake_track_remove,
	.inject_msi = fake_inject_msi,
	.set_intx = fake_set_intx,
	.set_trap_area = fake_set_trap_area,
	.is_guest_memory = fake_is_guest_memory,
};

/* A hypervisor that cannot write-protect guest pages. */
const struct vmed_hv_ops fake_hv_untracked_ops = {
	.read_gpa = fake_read_gpa,
	.write_gpa = fake_write_gpa,
	.dma_map = fake_dma_map,
	.dma_unmap = fake_dma_unmap,
	.inject_msi = fake_inject_msi,
	.set_trap_area = fake_set_trap_area,
	.is_guest_memory = fake_is_guest_memory,
};

/* ---- the test vendor --------------------------------------------------- */

/* Each environment registers its own copy of the vendor description. */
static struct tv_state *tv_of_dev(struct vmed_device *dev)
{
	return &container_of(dev->vendor, struct fake_env, vendor)->tv;
}

static struct tv_state *tv_of(struct vmed_vgpu *vgpu)
{
	return tv_of_dev(vgpu->dev);
}

/*
 * The doorbell queues a workload on the one engine, its descriptor the value
 * written. A full queue is the guest's doing and drops the doorbell; any
 * other error fails the vGPU.
 */
static int tv_doorbell(struct vmed_vgpu *vgpu, const struct vmed_mmio_reg *reg,
		       u64 old, u64 val)
{
	struct vmed_workload *wl;
	int ret;

	wl = vmed_workload_alloc(vgpu, 0, sizeof(val));
	if (IS_ERR(wl))
		return PTR_ERR(wl);
	memcpy(vmed_workload_data(wl), &val, sizeof(val));
	ret = vmed_workload_queue(wl);
	if (ret)
		vmed_workload_discard(wl);
	return ret == -EBUSY ? 0 : ret;
}

static int tv_fail_write(struct vmed_vgpu *vgpu, const struct vmed_mmio_reg *reg,
			 u64 old, u64 val)
{
	return val ? -EINVAL : 0;
}

static u64 tv_counter_read(struct vmed_vgpu *vgpu,
			   const struct vmed_mmio_reg *reg)
{
	return ++tv_of(vgpu)->counter_reads;
}

static const struct vmed_mmio_reg tv_regs[] = {
	{ .offset = TV_REG_PLAIN, .size = 4, .reset = 0x1234 },
	{ .offset = TV_REG_RO, .size = 4, .flags = VMED_REG_RO, .reset = 0xcafe },
	{ .offset = TV_REG_ROMASK, .size = 4, .ro_mask = 0xff, .reset = 0x5a },
	{ .offset = TV_REG_W1C, .size = 4, .flags = VMED_REG_W1C },
	{ .offset = TV_REG_MASKED, .size = 4, .flags = VMED_REG_MASKED },
	{ .offset = TV_REG_QWORD, .size = 8 },
	{ .offset = TV_REG_DOORBELL, .size = 4, .write = tv_doorbell },
	{ .offset = TV_REG_FAIL, .size = 4, .write = tv_fail_write },
	{ .offset = TV_REG_COUNTER, .size = 4, .read = tv_counter_read },
};

static const struct vmed_irq_group tv_irq_groups[] = {
	{ .isr = TV_IRQ_G0, .imr = TV_IRQ_G0 + 4, .iir = TV_IRQ_G0 + 8,
	  .ier = TV_IRQ_G0 + 12, .master_bit = 0 },
	{ .isr = TV_IRQ_G1, .imr = TV_IRQ_G1 + 4, .iir = TV_IRQ_G1 + 8,
	  .ier = TV_IRQ_G1 + 12, .master_bit = 1 },
};

static const struct vmed_irq_event tv_irq_events[TV_NR_EVENTS] = {
	[TV_EV_USER] = { .group = 0, .bit = 0 },
	[TV_EV_CTX] = { .group = 0, .bit = 8 },
	[TV_EV_OTHER] = { .group = 1, .bit = 3 },
};

static const struct vmed_vgpu_type tv_types[TV_NR_TYPES] = {
	[TV_TYPE_SMALL] = { .name = "small", .description = "4M+8M, 2 fences",
			    .gm_size = { 4 << 20, 8 << 20 }, .fences = 2 },
	[TV_TYPE_BIG] = { .name = "big", .description = "8M+16M, 4 fences",
			  .gm_size = { 8 << 20, 16 << 20 }, .fences = 4 },
	[TV_TYPE_NOFENCE] = { .name = "nofence", .description = "1M+1M",
			      .gm_size = { 1 << 20, 1 << 20 } },
};

/* The whole workload is one step, which returns what the test asked for. */
static int tv_step(struct vmed_vgpu *vgpu, struct vmed_workload *wl)
{
	struct tv_state *tv = tv_of(vgpu);

	tv->steps++;
	memcpy(&tv->last_desc, vmed_workload_data(wl), sizeof(tv->last_desc));
	return tv->step_ret;
}

static void tv_complete(struct vmed_vgpu *vgpu, struct vmed_workload *wl,
			int status)
{
	struct tv_state *tv = tv_of(vgpu);

	tv->completions++;
	tv->last_status = status;
}

static void tv_engine_reset(struct vmed_vgpu *vgpu)
{
	tv_of(vgpu)->engine_resets++;
}

static void tv_ggtt_update(struct vmed_device *dev, u32 index, u64 pte)
{
	tv_of_dev(dev)->ggtt_updates++;
}

static const struct vmed_vendor_ops tv_ops = {
	.ggtt_update = tv_ggtt_update,
	.engine_reset = tv_engine_reset,
	.wl_step = tv_step,
	.wl_complete = tv_complete,
};

#define TV_GEN8_FORMAT_COMMON						\
	.entry_size = 8,						\
	.present_mask = TV_PTE_PRESENT,					\
	.writable_mask = TV_PTE_RW,					\
	.addr_mask = TV_PTE_ADDR,					\
	.keep_mask = TV_PTE_CACHE

const struct vmed_vendor tvendor = {
	.name = "tvendor",
	.pci = {
		.vendor = 0x1af4, .device = 0x10f0,
		.subsystem_vendor = 0x1af4, .subsystem_device = 0x1100,
		.revision = 3, .class_code = 0x030000,
		.bars = {
			{ .size = TV_BAR0_SIZE, .is_64bit = true },
			{ .size = TV_BAR2_SIZE, .is_64bit = true,
			  .prefetchable = true },
			{ .size = 0x10000 },
		},
		.rom_size = 0x8000,
		.msi_cap_offset = TV_MSI_CAP,
	},
	.reg_bar = 0,
	.nr_engines = 1,
	.mmio_size = TV_MMIO_SIZE,
	.ggtt_offset = TV_GGTT_OFFSET,
	.ggtt_format = {
		TV_GEN8_FORMAT_COMMON,
		.levels = 1,
		.level = { { .shift = 12, .bits = 20 } },
	},
	.gm_total = { TV_GM_MAPPABLE, TV_GM_HIDDEN },
	.fences = TV_FENCES,
	.ppgtt_format = {
		TV_GEN8_FORMAT_COMMON,
		.levels = 4,
		.level = {
			{ .shift = 12, .bits = 9 },
			{ .shift = 21, .bits = 9, .leaf_mask = TV_PTE_PS },
			{ .shift = 30, .bits = 9 },
			{ .shift = 39, .bits = 9 },
		},
	},
	.regs = tv_regs,
	.nr_regs = ARRAY_SIZE(tv_regs),
	.irq = {
		.master = TV_IRQ_MASTER,
		.master_enable = TV_IRQ_MASTER_ENABLE,
		.nr_groups = ARRAY_SIZE(tv_irq_groups),
		.groups = tv_irq_groups,
		.nr_events = ARRAY_SIZE(tv_irq_events),
		.events = tv_irq_events,
	},
	.types = tv_types,
	.nr_types = ARRAY_SIZE(tv_types),
	.ops = &tv_ops,
};

/* The frontend the suites attach vGPUs with; never registered. */
struct vmed_frontend fake_frontend = {
	.name = "fake",
	.held_state = "open",
};

static void fake_env_exit(void *data)
{
	struct fake_env *env = data;
	unsigned int i;

	if (env->vgpu)
		vmed_vgpu_destroy(env->vgpu);
	vmed_device_unregister(env->dev);
	/* Whatever the test did, nothing of the guest's may be left. */
	KUNIT_EXPECT_EQ_MSG(env->test, env->hv.mapped, 0, "frames left mapped");
	KUNIT_EXPECT_EQ_MSG(env->test, env->hv.tracked_frames, 0,
			    "frames left tracked");
	KUNIT_EXPECT_EQ_MSG(env->test, env->hv.errors, 0,
			    "hypervisor ops misused");
	for (i = 0; i < VMED_MAX_BARS; i++)
		KUNIT_EXPECT_FALSE_MSG(env->test, env->hv.trap_on[i],
				       "BAR %u left trapped", i);
	for (i = 0; i < FAKE_GUEST_FRAMES; i++)
		free_page((unsigned long)env->hv.frames[i]);
	kvfree(env);
}

/**
 * fake_dma_device() - a device that can DMA-map pages, for one test
 * @test: the test; the device goes away with it
 *
 * KUnit registers a driver named after each device, so every device gets a
 * name of its own.
 *
 * Return: the device; the test aborts if it cannot be created.
 */
struct device *fake_dma_device(struct kunit *test)
{
	static atomic_t seq = ATOMIC_INIT(0);
	struct device *dev;
	char name[32];

	snprintf(name, sizeof(name), "vmed-test-%d", atomic_inc_return(&seq));
	dev = kunit_device_register(test, name);
	KUNIT_ASSERT_FALSE(test, IS_ERR(dev));
	dev->dma_mask = &dev->coherent_dma_mask;
	KUNIT_ASSERT_EQ(test, dma_set_mask_and_coherent(dev, DMA_BIT_MASK(64)),
			0);
	return dev;
}

/**
 * fake_env_create_device() - a registered device without vGPUs
 * @test: the test; everything is torn down when it ends
 * @vendor: the vendor description (copied)
 *
 * At teardown any vGPU in env->vgpu is destroyed and the device
 * unregistered, and the fake hypervisor must be left with nothing mapped or
 * tracked and no recorded misuse.
 *
 * Return: the environment; the test aborts if setup fails.
 */
struct fake_env *fake_env_create_device(struct kunit *test,
					const struct vmed_vendor *vendor)
{
	struct fake_env *env;
	struct device *dmadev;

	env = kvzalloc(sizeof(*env), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, env);
	env->test = test;
	dmadev = fake_dma_device(test);
	env->vendor = *vendor;
	env->dev = vmed_device_register(&env->vendor, dmadev, "tdev");
	if (IS_ERR(env->dev)) {
		kvfree(env);
		KUNIT_FAIL_AND_ABORT(test, "device registration failed");
	}
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, fake_env_exit, env),
			0);
	return env;
}

/**
 * fake_env_create_vendor() - a registered device and an attached vGPU
 * @test: the test
 * @vendor: the vendor description (copied)
 * @type: vGPU type to create
 *
 * Return: the environment; the test aborts if setup fails.
 */
struct fake_env *fake_env_create_vendor(struct kunit *test,
					const struct vmed_vendor *vendor,
					unsigned int type)
{
	struct fake_env *env = fake_env_create_device(test, vendor);

	env->vgpu = vmed_vgpu_create(env->dev, type, NULL);
	if (IS_ERR(env->vgpu)) {
		env->vgpu = NULL;
		KUNIT_FAIL_AND_ABORT(test, "vGPU creation failed");
	}
	KUNIT_ASSERT_EQ(test, vmed_vgpu_attach(env->vgpu, &fake_frontend,
					       &fake_hv_ops, &env->hv), 0);
	return env;
}

/**
 * fake_env_create() - fake_env_create_vendor() with the test vendor
 * @test: the test
 * @type: vGPU type
 *
 * Return: the environment.
 */
struct fake_env *fake_env_create(struct kunit *test, unsigned int type)
{
	return fake_env_create_vendor(test, &tvendor, type);
}

/*
 * One guest access to config space or BAR0 through the core's entry points,
 * expected to succeed; values are little endian like the bus.
 */
static u64 guest_access(struct kunit *test, struct vmed_vgpu *vgpu, bool cfg,
			u32 offset, unsigned int len, u64 val, bool write)
{
	__le64 buf = cpu_to_le64(val);
	int ret;

	if (cfg)
		ret = write ? vmed_cfg_write(vgpu, offset, &buf, len) :
			      vmed_cfg_read(vgpu, offset, &buf, len);
	else
		ret = write ? vmed_mmio_write(vgpu, 0, offset, &buf, len) :
			      vmed_mmio_read(vgpu, 0, offset, &buf, len);
	KUNIT_EXPECT_EQ(test, ret, 0);
	val = le64_to_cpu(buf);
	return len == 8 ? val : val & (BIT_ULL(8 * len) - 1);
}

u32 tv_read32(struct kunit *test, struct vmed_vgpu *vgpu, u32 offset)
{
	return guest_access(test, vgpu, false, offset, 4, 0, false);
}

void tv_write32(struct kunit *test, struct vmed_vgpu *vgpu, u32 offset, u32 val)
{
	guest_access(test, vgpu, false, offset, 4, val, true);
}

u64 tv_read64(struct kunit *test, struct vmed_vgpu *vgpu, u32 offset)
{
	return guest_access(test, vgpu, false, offset, 8, 0, false);
}

void tv_write64(struct kunit *test, struct vmed_vgpu *vgpu, u32 offset, u64 val)
{
	guest_access(test, vgpu, false, offset, 8, val, true);
}

u32 tv_cfg_read32(struct kunit *test, struct vmed_vgpu *vgpu, u32 offset)
{
	return guest_access(test, vgpu, true, offset, 4, 0, false);
}

void tv_cfg_write32(struct kunit *test, struct vmed_vgpu *vgpu, u32 offset,
		    u32 val)
{
	guest_access(test, vgpu, true, offset, 4, val, true);
}

u16 tv_cfg_read16(struct kunit *test, struct vmed_vgpu *vgpu, u32 offset)
{
	return guest_access(test, vgpu, true, offset, 2, 0, false);
}

void tv_cfg_write16(struct kunit *test, struct vmed_vgpu *vgpu, u32 offset,
		    u16 val)
{
	guest_access(test, vgpu, true, offset, 2, val, true);
}

/*
 * Ring the test vendor's doorbell with @desc and wait for the engine to be
 * done with whatever that queued.
 */
void tv_ring(struct kunit *test, struct vmed_vgpu *vgpu, u32 desc)
{
	tv_write32(test, vgpu, TV_REG_DOORBELL, desc);
	vmed_sched_wait_idle(vgpu);
}
