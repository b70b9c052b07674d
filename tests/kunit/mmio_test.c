// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for core/mmio.c, the trapped MMIO dispatcher and the virtual
 * register file. It covers plain virtual registers at every access size with
 * little-endian composition, the table register rules of the test vendor
 * (reset values, read-only, read-only masks, write-1-to-clear, masked
 * registers, 8-byte registers as one access or two halves, qword accesses
 * split across two registers, refused sub-dword writes, sub-dword reads),
 * vendor read and write handlers including one that fails the vGPU and the
 * dead-device behaviour that follows, refused accesses (size, alignment,
 * range, BAR index, BARs without a bar_rw handler) and their counters, the
 * hole between the register window and the GGTT, lazy allocation of register
 * pages and their release on reset, the read/write counters, the
 * vmed_vreg_read()/vmed_vreg_write() helpers, and the validation of register
 * tables at device registration (overlaps, misalignment, bad sizes, offsets
 * beyond the register window, including ones that wrap around).
 */
#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/dma-mapping.h>
#include <linux/string.h>
#include <linux/unaligned.h>
#include "fake_hv.h"
#include "../../core/internal.h"

/* A page of the register window without table registers. */
#define PLAIN_PAGE	0x3000
/* The register file is kept in 4 KiB pages, whatever PAGE_SIZE is. */
#define REG_PAGE(off)	((off) >> 12)
#define NR_REG_PAGES	(TV_MMIO_SIZE >> 12)

static u64 mmio_get(struct kunit *test, struct vmed_vgpu *vgpu, u64 offset,
		    unsigned int len)
{
	u8 buf[8];

	memset(buf, 0xa5, sizeof(buf));
	KUNIT_EXPECT_EQ_MSG(test, vmed_mmio_read(vgpu, 0, offset, buf, len), 0,
			    "read %#llx/%u", offset, len);
	switch (len) {
	case 1:
		return buf[0];
	case 2:
		return get_unaligned_le16(buf);
	case 4:
		return get_unaligned_le32(buf);
	default:
		return get_unaligned_le64(buf);
	}
}

static int mmio_put(struct vmed_vgpu *vgpu, u64 offset, unsigned int len,
		    u64 val)
{
	u8 buf[8];

	put_unaligned_le64(val, buf);
	return vmed_mmio_write(vgpu, 0, offset, buf, len);
}

/* The register file behind the guest's back (under the lock, as required). */
static u64 vreg(struct vmed_vgpu *vgpu, u32 offset, unsigned int size)
{
	u64 val;

	mutex_lock(&vgpu->lock);
	val = vmed_vreg_read(vgpu, offset, size);
	mutex_unlock(&vgpu->lock);
	return val;
}

static void vreg_set(struct kunit *test, struct vmed_vgpu *vgpu, u32 offset,
		     unsigned int size, u64 val)
{
	int ret;

	mutex_lock(&vgpu->lock);
	ret = vmed_vreg_write(vgpu, offset, size, val);
	mutex_unlock(&vgpu->lock);
	KUNIT_EXPECT_EQ(test, ret, 0);
}

static void mmio_plain_roundtrip(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;
	u32 r = PLAIN_PAGE + 0x100;

	KUNIT_EXPECT_EQ(test, mmio_get(test, vgpu, r, 8), 0);

	tv_write64(test, vgpu, r, 0x8877665544332211ULL);
	KUNIT_EXPECT_EQ(test, tv_read64(test, vgpu, r), 0x8877665544332211ULL);
	KUNIT_EXPECT_EQ(test, mmio_get(test, vgpu, r, 1), 0x11);
	KUNIT_EXPECT_EQ(test, mmio_get(test, vgpu, r + 1, 1), 0x22);
	KUNIT_EXPECT_EQ(test, mmio_get(test, vgpu, r + 7, 1), 0x88);
	KUNIT_EXPECT_EQ(test, mmio_get(test, vgpu, r + 2, 2), 0x4433);
	KUNIT_EXPECT_EQ(test, mmio_get(test, vgpu, r + 6, 2), 0x8877);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, r), 0x44332211);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, r + 4), 0x88776655);

	/* Narrow writes change only their bytes. */
	KUNIT_EXPECT_EQ(test, mmio_put(vgpu, r + 3, 1, 0xaa), 0);
	KUNIT_EXPECT_EQ(test, mmio_put(vgpu, r + 4, 2, 0xbbcc), 0);
	tv_write32(test, vgpu, r + 8, 0xdeadbeef);
	KUNIT_EXPECT_EQ(test, tv_read64(test, vgpu, r), 0x8877bbccaa332211ULL);
	KUNIT_EXPECT_EQ(test, tv_read64(test, vgpu, r + 8), 0xdeadbeef);
	/* Neighbours untouched. */
	KUNIT_EXPECT_EQ(test, tv_read64(test, vgpu, r - 8), 0);
	KUNIT_EXPECT_EQ(test, tv_read64(test, vgpu, r + 16), 0);

	/* Plain dwords inside a page of table registers, too. */
	tv_write32(test, vgpu, TV_REG_COUNTER + 4, 0x600d);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_COUNTER + 4), 0x600d);
	KUNIT_EXPECT_EQ(test, mmio_put(vgpu, 0x2ffe, 2, 0xf00d), 0);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, 0x2ffc), 0xf00d0000);

	/* The first and last dword of the register window. */
	tv_write32(test, vgpu, 0, 0x1);
	tv_write64(test, vgpu, TV_MMIO_SIZE - 8, 0x0123456789abcdefULL);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, 0), 0x1);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_MMIO_SIZE - 4), 0x01234567);
}

static void mmio_reset_values(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;

	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_PLAIN), 0x1234);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_RO), 0xcafe);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_ROMASK), 0x5a);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_W1C), 0);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_MASKED), 0);
	KUNIT_EXPECT_EQ(test, tv_read64(test, vgpu, TV_REG_QWORD), 0);
	KUNIT_EXPECT_EQ(test, tv_read64(test, vgpu, TV_REG_PLAIN),
			0x0000cafe00001234ULL);
}

static void mmio_read_only(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;

	tv_write32(test, vgpu, TV_REG_RO, 0xffffffff);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_RO), 0xcafe);
	tv_write32(test, vgpu, TV_REG_RO, 0);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_RO), 0xcafe);
	KUNIT_EXPECT_EQ(test, vreg(vgpu, TV_REG_RO, 4), 0xcafe);
}

static void mmio_ro_mask(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;

	tv_write32(test, vgpu, TV_REG_ROMASK, 0xffffffff);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_ROMASK), 0xffffff5a);
	tv_write32(test, vgpu, TV_REG_ROMASK, 0x12345600);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_ROMASK), 0x1234565a);
	tv_write32(test, vgpu, TV_REG_ROMASK, 0);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_ROMASK), 0x5a);
}

static void mmio_w1c(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;

	/* The guest cannot set status bits. */
	tv_write32(test, vgpu, TV_REG_W1C, 0xffffffff);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_W1C), 0);

	/* "Hardware" sets some; the guest clears exactly the ones it writes. */
	vreg_set(test, vgpu, TV_REG_W1C, 4, 0x8000f0f0);
	tv_write32(test, vgpu, TV_REG_W1C, 0x00001010);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_W1C), 0x8000e0e0);
	tv_write32(test, vgpu, TV_REG_W1C, 0);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_W1C), 0x8000e0e0);
	tv_write32(test, vgpu, TV_REG_W1C, 0x80000000);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_W1C), 0xe0e0);
	tv_write32(test, vgpu, TV_REG_W1C, 0xffffffff);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_W1C), 0);
}

static void mmio_masked(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;

	/* No enable bits: nothing changes. */
	tv_write32(test, vgpu, TV_REG_MASKED, 0x0000ffff);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_MASKED), 0);

	/* Enable the low byte, set it. */
	tv_write32(test, vgpu, TV_REG_MASKED, 0x00ff00ff);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_MASKED), 0x00ff);

	/* Only enabled bits change, whatever the other value bits say. */
	tv_write32(test, vgpu, TV_REG_MASKED, 0x0f00ff00);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_MASKED), 0x0fff);
	tv_write32(test, vgpu, TV_REG_MASKED, 0x000f0000);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_MASKED), 0x0ff0);

	/* The upper half always reads 0. */
	tv_write32(test, vgpu, TV_REG_MASKED, 0xffffffff);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_MASKED), 0xffff);
	KUNIT_EXPECT_EQ(test, mmio_get(test, vgpu, TV_REG_MASKED + 2, 2), 0);
	KUNIT_EXPECT_EQ(test, vreg(vgpu, TV_REG_MASKED, 4), 0xffff);
	tv_write32(test, vgpu, TV_REG_MASKED, 0x80000000);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_MASKED), 0x7fff);
}

static void mmio_qword_register(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;

	tv_write64(test, vgpu, TV_REG_QWORD, 0x0123456789abcdefULL);
	KUNIT_EXPECT_EQ(test, tv_read64(test, vgpu, TV_REG_QWORD),
			0x0123456789abcdefULL);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_QWORD), 0x89abcdef);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_QWORD + 4), 0x01234567);

	/* Each 4-byte half writes only its half. */
	tv_write32(test, vgpu, TV_REG_QWORD + 4, 0xdeadbeef);
	KUNIT_EXPECT_EQ(test, tv_read64(test, vgpu, TV_REG_QWORD),
			0xdeadbeef89abcdefULL);
	tv_write32(test, vgpu, TV_REG_QWORD, 0xcafef00d);
	KUNIT_EXPECT_EQ(test, tv_read64(test, vgpu, TV_REG_QWORD),
			0xdeadbeefcafef00dULL);
	KUNIT_EXPECT_EQ(test, vreg(vgpu, TV_REG_QWORD, 8), 0xdeadbeefcafef00dULL);

	/* Neighbours untouched. */
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_MASKED + 4), 0);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_DOORBELL), 0);
	KUNIT_EXPECT_EQ(test, env->tv.steps, 0);
}

static void mmio_qword_split(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;

	/* PLAIN (RW) + RO: each half gets its own register's rules. */
	tv_write64(test, vgpu, TV_REG_PLAIN, 0x1111222233334444ULL);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_PLAIN), 0x33334444);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_RO), 0xcafe);
	KUNIT_EXPECT_EQ(test, tv_read64(test, vgpu, TV_REG_PLAIN),
			0x0000cafe33334444ULL);

	/* ROMASK + W1C. */
	vreg_set(test, vgpu, TV_REG_W1C, 4, 0xff);
	tv_write64(test, vgpu, TV_REG_ROMASK, 0x0000000fffffff00ULL);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_ROMASK), 0xffffff5a);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_W1C), 0xf0);

	/* A table register and a plain dword. */
	tv_write64(test, vgpu, TV_REG_COUNTER, 0x7777777766666666ULL);
	KUNIT_EXPECT_EQ(test, vreg(vgpu, TV_REG_COUNTER, 4), 0x66666666);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_COUNTER + 4), 0x77777777);

	/* A qword over the doorbell and the failing register. */
	tv_write64(test, vgpu, TV_REG_DOORBELL, 0x00000000000000abULL);
	vmed_sched_wait_idle(vgpu);
	KUNIT_EXPECT_EQ(test, env->tv.steps, 1);
	KUNIT_EXPECT_EQ(test, env->tv.last_desc, 0xab);
	KUNIT_EXPECT_FALSE(test, vgpu->failed);
}

static void mmio_subdword_table_write(struct kunit *test)
{
	static const struct {
		u32 offset;
		unsigned int len;
	} bad[] = {
		{ TV_REG_PLAIN, 1 }, { TV_REG_PLAIN + 1, 1 }, { TV_REG_PLAIN, 2 },
		{ TV_REG_PLAIN + 2, 2 }, { TV_REG_QWORD + 6, 2 },
		{ TV_REG_W1C, 1 }, { TV_REG_DOORBELL, 2 }, { TV_REG_FAIL + 3, 1 },
	};
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;
	unsigned int i;

	tv_write64(test, vgpu, TV_REG_QWORD, 0x0123456789abcdefULL);
	vreg_set(test, vgpu, TV_REG_W1C, 4, 0xff);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		u64 rejected = vgpu->stats.mmio_rejected;

		KUNIT_EXPECT_EQ_MSG(test, mmio_put(vgpu, bad[i].offset, bad[i].len,
						   0xffffffffffffffffULL),
				    -EINVAL, "write %#x/%u", bad[i].offset,
				    bad[i].len);
		KUNIT_EXPECT_EQ(test, vgpu->stats.mmio_rejected, rejected + 1);
	}
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_PLAIN), 0x1234);
	KUNIT_EXPECT_EQ(test, tv_read64(test, vgpu, TV_REG_QWORD),
			0x0123456789abcdefULL);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_W1C), 0xff);
	KUNIT_EXPECT_EQ(test, env->tv.steps, 0);
	KUNIT_EXPECT_FALSE(test, vgpu->failed);
}

static void mmio_subdword_table_read(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;

	KUNIT_EXPECT_EQ(test, mmio_get(test, vgpu, TV_REG_PLAIN, 1), 0x34);
	KUNIT_EXPECT_EQ(test, mmio_get(test, vgpu, TV_REG_PLAIN + 1, 1), 0x12);
	KUNIT_EXPECT_EQ(test, mmio_get(test, vgpu, TV_REG_PLAIN + 2, 2), 0);
	KUNIT_EXPECT_EQ(test, mmio_get(test, vgpu, TV_REG_RO, 2), 0xcafe);
	KUNIT_EXPECT_EQ(test, mmio_get(test, vgpu, TV_REG_RO + 1, 1), 0xca);

	tv_write64(test, vgpu, TV_REG_QWORD, 0x0123456789abcdefULL);
	KUNIT_EXPECT_EQ(test, mmio_get(test, vgpu, TV_REG_QWORD, 1), 0xef);
	KUNIT_EXPECT_EQ(test, mmio_get(test, vgpu, TV_REG_QWORD + 7, 1), 0x01);
	KUNIT_EXPECT_EQ(test, mmio_get(test, vgpu, TV_REG_QWORD + 4, 2), 0x4567);
	KUNIT_EXPECT_EQ(test, vgpu->stats.mmio_rejected, 0);
}

static void mmio_read_handler(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;

	KUNIT_EXPECT_EQ(test, env->tv.counter_reads, 0);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_COUNTER), 1);
	KUNIT_EXPECT_EQ(test, env->tv.counter_reads, 1);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_COUNTER), 2);
	KUNIT_EXPECT_EQ(test, env->tv.counter_reads, 2);
	/* Sub-dword and split qword reads call it once each. */
	KUNIT_EXPECT_EQ(test, mmio_get(test, vgpu, TV_REG_COUNTER, 1), 3);
	KUNIT_EXPECT_EQ(test, tv_read64(test, vgpu, TV_REG_COUNTER) & 0xffffffff, 4);
	KUNIT_EXPECT_EQ(test, env->tv.counter_reads, 4);

	/* Writes and neighbouring reads do not. */
	tv_write32(test, vgpu, TV_REG_COUNTER, 100);
	tv_read32(test, vgpu, TV_REG_FAIL);
	KUNIT_EXPECT_EQ(test, env->tv.counter_reads, 4);
}

static void mmio_write_handler(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;

	tv_ring(test, vgpu, 0x1000);
	KUNIT_EXPECT_EQ(test, env->tv.steps, 1);
	KUNIT_EXPECT_EQ(test, env->tv.last_desc, 0x1000);
	/* The core stored the value before calling the handler. */
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_DOORBELL), 0x1000);

	tv_ring(test, vgpu, 0xfffff000);
	KUNIT_EXPECT_EQ(test, env->tv.steps, 2);
	KUNIT_EXPECT_EQ(test, env->tv.last_desc, 0xfffff000);

	/* Reads do not submit. */
	tv_read32(test, vgpu, TV_REG_DOORBELL);
	KUNIT_EXPECT_EQ(test, env->tv.steps, 2);
	KUNIT_EXPECT_EQ(test, env->tv.completions, 2);
	KUNIT_EXPECT_FALSE(test, vgpu->failed);
}

static void mmio_fail_register(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;
	unsigned long resets;
	u8 buf[8];

	/* Zero is accepted. */
	tv_write32(test, vgpu, TV_REG_FAIL, 0);
	KUNIT_EXPECT_FALSE(test, vgpu->failed);
	KUNIT_EXPECT_EQ(test, vgpu->stats.failures, 0);

	resets = env->tv.engine_resets;
	tv_write32(test, vgpu, TV_REG_FAIL, 1);
	KUNIT_EXPECT_TRUE(test, vgpu->failed);
	KUNIT_EXPECT_NE(test, vgpu->fail_reason[0], '\0');
	KUNIT_EXPECT_EQ(test, vgpu->stats.failures, 1);
	KUNIT_EXPECT_EQ(test, env->tv.engine_resets, resets + 1);

	/* A dead device: reads float high at every size... */
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_PLAIN), 0xffffffff);
	KUNIT_EXPECT_EQ(test, tv_read64(test, vgpu, TV_REG_QWORD), ~0ULL);
	KUNIT_EXPECT_EQ(test, mmio_get(test, vgpu, TV_REG_RO, 1), 0xff);
	KUNIT_EXPECT_EQ(test, mmio_get(test, vgpu, PLAIN_PAGE, 2), 0xffff);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_MMIO_SIZE), 0xffffffff);
	memset(buf, 0, sizeof(buf));
	KUNIT_EXPECT_EQ(test, vmed_mmio_read(vgpu, 1, 0, buf, 4), 0);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(buf), 0xffffffff);
	/* ...read handlers are not called... */
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_COUNTER), 0xffffffff);
	KUNIT_EXPECT_EQ(test, env->tv.counter_reads, 0);

	/* ...and writes go nowhere. */
	tv_write32(test, vgpu, TV_REG_PLAIN, 0x5555);
	tv_ring(test, vgpu, 0x3000);
	tv_write32(test, vgpu, PLAIN_PAGE, 0x77);
	KUNIT_EXPECT_EQ(test, vreg(vgpu, TV_REG_PLAIN, 4), 0x1234);
	KUNIT_EXPECT_EQ(test, vreg(vgpu, TV_REG_DOORBELL, 4), 0);
	KUNIT_EXPECT_EQ(test, env->tv.steps, 0);
	KUNIT_EXPECT_NULL(test, vgpu->vregs.pages[REG_PAGE(PLAIN_PAGE)]);

	/* Bad accesses are still refused. */
	KUNIT_EXPECT_EQ(test, vmed_mmio_read(vgpu, 0, 1, buf, 4), -EINVAL);

	/* Reset brings it back with reset values. */
	vmed_vgpu_reset(vgpu);
	KUNIT_EXPECT_FALSE(test, vgpu->failed);
	KUNIT_EXPECT_STREQ(test, vgpu->fail_reason, "");
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_PLAIN), 0x1234);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_FAIL), 0);
	tv_write32(test, vgpu, TV_REG_PLAIN, 0x5555);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_PLAIN), 0x5555);
}

static void mmio_bad_accesses(struct kunit *test)
{
	static const struct {
		unsigned int bar;
		u64 offset;
		unsigned int len;
	} bad[] = {
		{ 0, TV_REG_PLAIN + 1, 4 },	/* unaligned */
		{ 0, TV_REG_PLAIN + 2, 4 },
		{ 0, TV_REG_RO, 8 },
		{ 0, PLAIN_PAGE + 1, 2 },
		{ 0, PLAIN_PAGE, 3 },		/* bad sizes */
		{ 0, PLAIN_PAGE, 16 },
		{ 0, PLAIN_PAGE, 0 },
		{ 0, PLAIN_PAGE, 6 },
		{ 0, TV_BAR0_SIZE, 4 },		/* beyond the BAR */
		{ 0, TV_BAR0_SIZE, 1 },
		{ 0, 1ULL << 32, 4 },
		{ 0, ~7ULL, 8 },
		{ 0, ~0ULL, 1 },
		{ 3, 0, 4 },			/* no such BAR */
		{ VMED_MAX_BARS + 1, 0, 4 },
		{ ~0u, 0, 4 },
		{ 1, 0, 4 },			/* BARs without bar_rw */
		{ 1, 0x100, 8 },
		{ 2, 0, 4 },
		{ 2, 0x10000, 4 },		/* beyond BAR4 */
	};
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;
	u8 buf[16], ones[16];
	unsigned int i;

	memset(ones, 0xff, sizeof(ones));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		u64 rejected = vgpu->stats.mmio_rejected;

		memset(buf, 0x5a, sizeof(buf));
		KUNIT_EXPECT_EQ_MSG(test, vmed_mmio_read(vgpu, bad[i].bar,
							 bad[i].offset, buf,
							 bad[i].len), -EINVAL,
				    "read bar %u %#llx/%u", bad[i].bar,
				    bad[i].offset, bad[i].len);
		KUNIT_EXPECT_EQ(test, vgpu->stats.mmio_rejected, rejected + 1);
		KUNIT_EXPECT_EQ(test, buf[0], 0x5a);
		KUNIT_EXPECT_EQ_MSG(test, vmed_mmio_write(vgpu, bad[i].bar,
							  bad[i].offset, ones,
							  bad[i].len), -EINVAL,
				    "write bar %u %#llx/%u", bad[i].bar,
				    bad[i].offset, bad[i].len);
		KUNIT_EXPECT_EQ(test, vgpu->stats.mmio_rejected, rejected + 2);
	}
	KUNIT_EXPECT_EQ(test, vgpu->stats.mmio_rejected, 2 * ARRAY_SIZE(bad));
	KUNIT_EXPECT_EQ(test, tv_read64(test, vgpu, TV_REG_PLAIN),
			0x0000cafe00001234ULL);
	KUNIT_EXPECT_EQ(test, tv_read64(test, vgpu, PLAIN_PAGE), 0);
	KUNIT_EXPECT_NULL(test, vgpu->vregs.pages[REG_PAGE(PLAIN_PAGE)]);
	KUNIT_EXPECT_FALSE(test, vgpu->failed);
}

/* Size, alignment and range refusals touch no state at all. */
static void mmio_bad_access_no_side_effects(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;
	u8 buf[8] = {};

	KUNIT_EXPECT_EQ(test, vmed_mmio_read(vgpu, 0, TV_REG_COUNTER, buf, 3),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vmed_mmio_read(vgpu, 0, TV_REG_COUNTER + 2, buf, 4),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, env->tv.counter_reads, 0);
	put_unaligned_le32(0x1, buf);
	KUNIT_EXPECT_EQ(test, vmed_mmio_write(vgpu, 0, TV_REG_DOORBELL + 1, buf, 2),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vmed_mmio_write(vgpu, 0, TV_REG_FAIL, buf, 3),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, env->tv.steps, 0);
	KUNIT_EXPECT_FALSE(test, vgpu->failed);
	KUNIT_EXPECT_EQ(test, vgpu->stats.mmio_reads, 0);
	KUNIT_EXPECT_EQ(test, vgpu->stats.mmio_writes, 0);
	KUNIT_EXPECT_EQ(test, vgpu->stats.mmio_rejected, 4);
}

static void mmio_hole_before_ggtt(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;
	/* The last: right after the GGTT entries. */
	const u64 hole[] = {
		TV_MMIO_SIZE, TV_MMIO_SIZE + 0x1000, TV_GGTT_OFFSET - 8,
		TV_BAR0_SIZE - 8, TV_GGTT_OFFSET + env->dev->ggtt_entries * 8ULL,
	};
	unsigned int i, len;

	for (i = 0; i < ARRAY_SIZE(hole); i++) {
		for (len = 1; len <= 8; len *= 2) {
			KUNIT_EXPECT_EQ(test, mmio_put(vgpu, hole[i], len, ~0ULL), 0);
			KUNIT_EXPECT_EQ_MSG(test, mmio_get(test, vgpu, hole[i], len), 0,
					    "%#llx/%u", hole[i], len);
		}
	}
	KUNIT_EXPECT_EQ(test, vgpu->stats.mmio_rejected, 0);
	KUNIT_EXPECT_EQ(test, vgpu->stats.ggtt_writes, 0);
	KUNIT_EXPECT_FALSE(test, vgpu->failed);
	/* Not aliased into the register window. */
	KUNIT_EXPECT_EQ(test, tv_read64(test, vgpu, 0), 0);
	KUNIT_EXPECT_EQ(test, tv_read64(test, vgpu, TV_MMIO_SIZE - 8), 0);
}

static void mmio_lazy_pages(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;
	void **pages = vgpu->vregs.pages;
	unsigned int plain = REG_PAGE(PLAIN_PAGE);
	unsigned int last = NR_REG_PAGES - 1;

	KUNIT_ASSERT_EQ(test, vgpu->vregs.nr_pages, NR_REG_PAGES);
	/* Pages with table registers exist from the start, others do not. */
	KUNIT_EXPECT_NOT_NULL(test, pages[REG_PAGE(TV_REG_PLAIN)]);
	KUNIT_EXPECT_NOT_NULL(test, pages[REG_PAGE(TV_IRQ_MASTER)]);
	KUNIT_EXPECT_NULL(test, pages[plain]);
	KUNIT_EXPECT_NULL(test, pages[last]);

	/* Reads do not allocate. */
	KUNIT_EXPECT_EQ(test, tv_read64(test, vgpu, PLAIN_PAGE + 0x80), 0);
	KUNIT_EXPECT_EQ(test, mmio_get(test, vgpu, PLAIN_PAGE + 0xfff, 1), 0);
	KUNIT_EXPECT_NULL(test, pages[plain]);

	/* Writes do, even a one-byte write of zero. */
	tv_write32(test, vgpu, PLAIN_PAGE + 0x80, 0xabcd);
	KUNIT_EXPECT_NOT_NULL(test, pages[plain]);
	KUNIT_EXPECT_EQ(test, mmio_put(vgpu, TV_MMIO_SIZE - 1, 1, 0), 0);
	KUNIT_EXPECT_NOT_NULL(test, pages[last]);

	/* Something to reset in a table page, too. */
	tv_write32(test, vgpu, TV_REG_PLAIN, 0x9999);
	tv_write32(test, vgpu, 0x2ff0, 0x4242);
	tv_write64(test, vgpu, TV_REG_QWORD, ~0ULL);
	tv_write32(test, vgpu, TV_REG_MASKED, 0xffffffff);

	vmed_vgpu_reset(vgpu);

	KUNIT_EXPECT_NULL(test, pages[plain]);
	KUNIT_EXPECT_NULL(test, pages[last]);
	KUNIT_EXPECT_NOT_NULL(test, pages[REG_PAGE(TV_REG_PLAIN)]);
	KUNIT_EXPECT_NOT_NULL(test, pages[REG_PAGE(TV_IRQ_MASTER)]);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, PLAIN_PAGE + 0x80), 0);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_PLAIN), 0x1234);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_RO), 0xcafe);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_ROMASK), 0x5a);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, 0x2ff0), 0);
	KUNIT_EXPECT_EQ(test, tv_read64(test, vgpu, TV_REG_QWORD), 0);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_MASKED), 0);

	/* And the page comes back on the next write. */
	tv_write32(test, vgpu, PLAIN_PAGE, 1);
	KUNIT_EXPECT_NOT_NULL(test, pages[plain]);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, PLAIN_PAGE), 1);
}

static void mmio_counters(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;
	u8 buf[8];

	tv_read32(test, vgpu, TV_REG_PLAIN);
	tv_read64(test, vgpu, TV_REG_PLAIN);		/* split: still one */
	mmio_get(test, vgpu, PLAIN_PAGE, 1);
	tv_read32(test, vgpu, TV_MMIO_SIZE);
	KUNIT_EXPECT_EQ(test, vgpu->stats.mmio_reads, 4);
	KUNIT_EXPECT_EQ(test, vgpu->stats.mmio_writes, 0);

	tv_write32(test, vgpu, TV_REG_PLAIN, 1);
	tv_write64(test, vgpu, TV_REG_PLAIN, 2);
	KUNIT_EXPECT_EQ(test, vgpu->stats.mmio_writes, 2);
	KUNIT_EXPECT_EQ(test, vgpu->stats.mmio_reads, 4);

	KUNIT_EXPECT_EQ(test, vmed_mmio_read(vgpu, 0, 2, buf, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmed_mmio_write(vgpu, 0, 2, buf, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, vgpu->stats.mmio_reads, 4);
	KUNIT_EXPECT_EQ(test, vgpu->stats.mmio_writes, 2);
	KUNIT_EXPECT_EQ(test, vgpu->stats.mmio_rejected, 2);
	/* Config accesses are not MMIO. */
	tv_cfg_read32(test, vgpu, 0);
	KUNIT_EXPECT_EQ(test, vgpu->stats.mmio_reads, 4);
}

static void mmio_vreg_helpers(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;
	int ret[5];

	mutex_lock(&vgpu->lock);
	ret[0] = vmed_vreg_write(vgpu, PLAIN_PAGE, 3, 1);
	ret[1] = vmed_vreg_write(vgpu, PLAIN_PAGE + 2, 4, 1);
	ret[2] = vmed_vreg_write(vgpu, TV_MMIO_SIZE, 4, 1);
	ret[3] = vmed_vreg_write(vgpu, PLAIN_PAGE, 16, 1);
	ret[4] = vmed_vreg_write(vgpu, PLAIN_PAGE + 4, 2, 0x12345);
	mutex_unlock(&vgpu->lock);
	KUNIT_EXPECT_EQ(test, ret[0], -EINVAL);
	KUNIT_EXPECT_EQ(test, ret[1], -EINVAL);
	KUNIT_EXPECT_EQ(test, ret[2], -EINVAL);
	KUNIT_EXPECT_EQ(test, ret[3], -EINVAL);
	KUNIT_EXPECT_EQ(test, ret[4], 0);
	/* Only the two bytes asked for were written. */
	KUNIT_EXPECT_EQ(test, vreg(vgpu, PLAIN_PAGE, 8), 0x0000234500000000ULL);
	KUNIT_EXPECT_EQ(test, vreg(vgpu, PLAIN_PAGE + 4, 4), 0x2345);
	KUNIT_EXPECT_EQ(test, vreg(vgpu, PLAIN_PAGE + 5, 1), 0x23);
	/* Out of range or misaligned reads are 0. */
	KUNIT_EXPECT_EQ(test, vreg(vgpu, PLAIN_PAGE + 5, 2), 0);
	KUNIT_EXPECT_EQ(test, vreg(vgpu, TV_MMIO_SIZE, 4), 0);
	/* So are reads of sizes that are not 1, 2, 4 or 8. */
	KUNIT_EXPECT_EQ(test, vreg(vgpu, PLAIN_PAGE + 3, 3), 0);
	KUNIT_EXPECT_EQ(test, vreg(vgpu, PLAIN_PAGE, 16), 0);
	KUNIT_EXPECT_EQ(test, vreg(vgpu, PLAIN_PAGE + 4, 0), 0);
	/* Table registers through the helper: no guest rules applied. */
	vreg_set(test, vgpu, TV_REG_RO, 4, 0xbeef);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_RO), 0xbeef);
}

/* ---- register table validation at device registration ----------------- */

/* Register a tvendor device with @regs as its table; returns the result. */
static int regs_register(struct kunit *test, struct device *dmadev,
			 const struct vmed_mmio_reg *regs, unsigned int nr)
{
	struct vmed_vendor *v = kunit_kzalloc(test, sizeof(*v), GFP_KERNEL);
	struct vmed_device *dev;

	KUNIT_ASSERT_NOT_NULL(test, v);
	*v = tvendor;
	v->regs = regs;
	v->nr_regs = nr;
	dev = vmed_device_register(v, dmadev, "tdev-regs");
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	vmed_device_unregister(dev);
	return 0;
}

static void mmio_unknown_registers_noted_once(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	unsigned long *seen = env->dev->unknown_seen;
	struct vmed_vgpu *second;

	KUNIT_EXPECT_TRUE(test, bitmap_empty(seen, TV_MMIO_SIZE / 4));
	/* Table and interrupt registers are known. */
	tv_write32(test, env->vgpu, TV_REG_PLAIN, 1);
	tv_read32(test, env->vgpu, TV_IRQ_MASTER);
	KUNIT_EXPECT_TRUE(test, bitmap_empty(seen, TV_MMIO_SIZE / 4));
	tv_write32(test, env->vgpu, 0x3000, 1);
	tv_read64(test, env->vgpu, 0x3010);
	KUNIT_EXPECT_TRUE(test, test_bit(0x3000 / 4, seen));
	KUNIT_EXPECT_TRUE(test, test_bit(0x3010 / 4, seen));
	KUNIT_EXPECT_TRUE(test, test_bit(0x3014 / 4, seen));
	KUNIT_EXPECT_EQ(test, bitmap_weight(seen, TV_MMIO_SIZE / 4), 3);
	/* Per device: another vGPU touching it adds nothing. */
	second = vmed_vgpu_create(env->dev, TV_TYPE_SMALL, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(second));
	KUNIT_ASSERT_EQ(test, vmed_vgpu_attach(second, &fake_frontend, &fake_hv_ops, &env->hv), 0);
	tv_write32(test, second, 0x3000, 2);
	KUNIT_EXPECT_EQ(test, bitmap_weight(seen, TV_MMIO_SIZE / 4), 3);
	/* ... and the storage is still per vGPU. */
	KUNIT_EXPECT_EQ(test, tv_read32(test, env->vgpu, 0x3000), 1);
	vmed_vgpu_destroy(second);
}

static void mmio_reg_table_validation(struct kunit *test)
{
	static const struct vmed_mmio_reg good[] = {
		{ .offset = 0x0, .size = 4 },
		{ .offset = 0x8, .size = 8 },
		{ .offset = 0x10, .size = 4, .flags = VMED_REG_MASKED },
		{ .offset = TV_MMIO_SIZE - 8, .size = 8 },
	};
	static const struct vmed_mmio_reg same[] = {
		{ .offset = 0x2000, .size = 4 },
		{ .offset = 0x2000, .size = 4, .flags = VMED_REG_RO },
	};
	static const struct vmed_mmio_reg inside[] = {
		{ .offset = 0x2000, .size = 8 },
		{ .offset = 0x2004, .size = 4 },
	};
	static const struct vmed_mmio_reg irq_clash[] = {
		{ .offset = TV_IRQ_G1 + 8, .size = 4 },
	};
	static const struct vmed_mmio_reg irq_clash64[] = {
		{ .offset = TV_IRQ_MASTER, .size = 8 },
	};
	static const struct vmed_mmio_reg misaligned4[] = {
		{ .offset = 0x2002, .size = 4 },
	};
	static const struct vmed_mmio_reg misaligned8[] = {
		{ .offset = 0x2004, .size = 8 },
	};
	static const struct vmed_mmio_reg size2[] = {
		{ .offset = 0x2000, .size = 2 },
	};
	static const struct vmed_mmio_reg size1[] = {
		{ .offset = 0x2000, .size = 1 },
	};
	static const struct vmed_mmio_reg size16[] = {
		{ .offset = 0x2000, .size = 16 },
	};
	static const struct vmed_mmio_reg size0[] = {
		{ .offset = 0x2000, .size = 0 },
	};
	static const struct vmed_mmio_reg beyond[] = {
		{ .offset = TV_MMIO_SIZE, .size = 4 },
	};
	static const struct vmed_mmio_reg beyond8[] = {
		{ .offset = TV_MMIO_SIZE, .size = 8 },
	};
	static const struct vmed_mmio_reg in_ggtt[] = {
		{ .offset = TV_GGTT_OFFSET, .size = 4 },
	};
	static const struct vmed_mmio_reg masked64[] = {
		{ .offset = 0x2000, .size = 8, .flags = VMED_REG_MASKED },
	};
	static const struct vmed_mmio_reg run_beyond[] = {
		{ .offset = TV_MMIO_SIZE - 0x10, .size = 8, .count = 3 },
	};
	static const struct vmed_mmio_reg run_over[] = {
		{ .offset = 0x3000, .size = 4, .count = 4 },
		{ .offset = 0x300c, .size = 4 },
	};
	struct device *dmadev = fake_dma_device(test);

	/* The harness works: tvendor's own table and a valid custom one. */
	KUNIT_ASSERT_EQ(test, regs_register(test, dmadev, tvendor.regs,
					    tvendor.nr_regs), 0);
	KUNIT_ASSERT_EQ(test, regs_register(test, dmadev, good, ARRAY_SIZE(good)),
			0);

	KUNIT_EXPECT_EQ(test, regs_register(test, dmadev, same, ARRAY_SIZE(same)),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, regs_register(test, dmadev, inside,
					    ARRAY_SIZE(inside)), -EEXIST);
	KUNIT_EXPECT_EQ(test, regs_register(test, dmadev, irq_clash,
					    ARRAY_SIZE(irq_clash)), -EEXIST);
	KUNIT_EXPECT_EQ(test, regs_register(test, dmadev, irq_clash64,
					    ARRAY_SIZE(irq_clash64)), -EEXIST);
	KUNIT_EXPECT_EQ(test, regs_register(test, dmadev, misaligned4,
					    ARRAY_SIZE(misaligned4)), -EINVAL);
	KUNIT_EXPECT_EQ(test, regs_register(test, dmadev, misaligned8,
					    ARRAY_SIZE(misaligned8)), -EINVAL);
	KUNIT_EXPECT_EQ(test, regs_register(test, dmadev, size2,
					    ARRAY_SIZE(size2)), -EINVAL);
	KUNIT_EXPECT_EQ(test, regs_register(test, dmadev, size1,
					    ARRAY_SIZE(size1)), -EINVAL);
	KUNIT_EXPECT_EQ(test, regs_register(test, dmadev, size16,
					    ARRAY_SIZE(size16)), -EINVAL);
	KUNIT_EXPECT_EQ(test, regs_register(test, dmadev, size0,
					    ARRAY_SIZE(size0)), -EINVAL);
	KUNIT_EXPECT_EQ(test, regs_register(test, dmadev, beyond,
					    ARRAY_SIZE(beyond)), -EINVAL);
	KUNIT_EXPECT_EQ(test, regs_register(test, dmadev, beyond8,
					    ARRAY_SIZE(beyond8)), -EINVAL);
	KUNIT_EXPECT_EQ(test, regs_register(test, dmadev, in_ggtt,
					    ARRAY_SIZE(in_ggtt)), -EINVAL);
	KUNIT_EXPECT_EQ(test, regs_register(test, dmadev, masked64,
					    ARRAY_SIZE(masked64)), -EINVAL);
	KUNIT_EXPECT_EQ(test, regs_register(test, dmadev, run_beyond,
					    ARRAY_SIZE(run_beyond)), -EINVAL);
	KUNIT_EXPECT_EQ(test, regs_register(test, dmadev, run_over,
					    ARRAY_SIZE(run_over)), -EEXIST);

	/* A failed registration leaves nothing behind: the next one works. */
	KUNIT_EXPECT_EQ(test, regs_register(test, dmadev, tvendor.regs,
					    tvendor.nr_regs), 0);
}

/*
 * The lookup numbers registers in 16 bits: a table that fills the numbers
 * is taken, one more register is refused.
 */
static void mmio_reg_table_slot_limit(struct kunit *test)
{
	struct vmed_vendor *v = kunit_kzalloc(test, sizeof(*v), GFP_KERNEL);
	struct vmed_mmio_reg *run = kunit_kzalloc(test, sizeof(*run),
						  GFP_KERNEL);
	unsigned int nr_irq_regs = 1 + 4 * tvendor.irq.nr_groups;
	struct vmed_device *dev;

	KUNIT_ASSERT_NOT_NULL(test, v);
	KUNIT_ASSERT_NOT_NULL(test, run);
	*v = tvendor;
	v->mmio_size = TV_GGTT_OFFSET;
	v->regs = run;
	v->nr_regs = 1;
	run->offset = 0x100000;
	run->size = 4;
	run->count = U16_MAX - nr_irq_regs;
	dev = vmed_device_register(v, fake_dma_device(test), "tdev-limit");
	KUNIT_ASSERT_FALSE(test, IS_ERR(dev));
	KUNIT_EXPECT_EQ(test, dev->nr_slots, U16_MAX);
	vmed_device_unregister(dev);
	run->count++;
	dev = vmed_device_register(v, fake_dma_device(test), "tdev-limit");
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(dev), -EINVAL);
	if (!IS_ERR(dev))
		vmed_device_unregister(dev);
}

/* What a bank register's hook saw last. */
static u32 bank_written;

static int bank_write(struct vmed_vgpu *vgpu, const struct vmed_mmio_reg *reg,
		      u64 old, u64 val)
{
	bank_written = reg->offset;
	return 0;
}

/* An engine's registers, once per bank base. */
static const struct vmed_mmio_reg bank_regs[] = {
	{ .offset = 0x10, .size = 4, .reset = 0x55 },
	{ .offset = 0x14, .size = 4, .write = bank_write },
	{ .offset = 0x18, .size = 4, .flags = VMED_REG_RO, .reset = 0xab },
};

static void mmio_register_banks(struct kunit *test)
{
	struct vmed_vendor v = tvendor;
	struct fake_env *env;
	struct vmed_vgpu *vgpu;

	v.bank_regs = bank_regs;
	v.nr_bank_regs = ARRAY_SIZE(bank_regs);
	v.bank_base[0] = 0x4000;
	v.bank_base[1] = 0x5100;
	v.nr_banks = 2;
	env = fake_env_create_vendor(test, &v, TV_TYPE_SMALL);
	vgpu = env->vgpu;

	/* Each bank has its own copy, with its reset values and flags. */
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, 0x4010), 0x55);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, 0x5110), 0x55);
	tv_write32(test, vgpu, 0x4010, 1);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, 0x4010), 1);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, 0x5110), 0x55);
	tv_write32(test, vgpu, 0x5118, 0);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, 0x5118), 0xab);
	/* The hook sees the absolute offset: which bank it is. */
	tv_write32(test, vgpu, 0x5114, 2);
	KUNIT_EXPECT_EQ(test, bank_written, 0x5114);
	tv_write32(test, vgpu, 0x4014, 2);
	KUNIT_EXPECT_EQ(test, bank_written, 0x4014);
	/* Between and past the banks' registers: plain, noted as unknown. */
	tv_read32(test, vgpu, 0x401c);
	KUNIT_EXPECT_TRUE(test, test_bit(0x401c / 4, env->dev->unknown_seen));
	KUNIT_EXPECT_FALSE(test, test_bit(0x4014 / 4, env->dev->unknown_seen));
	/* Reset brings every copy back. */
	vmed_vgpu_reset(vgpu);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, 0x4010), 0x55);
}

/* A table register, a run of them, and a run in every bank. */
static const struct vmed_mmio_reg run_regs[] = {
	{ .offset = TV_REG_PLAIN, .size = 4, .reset = 0x1234 },
	{ .offset = 0x3000, .size = 4, .count = 8, .reset = 0x77,
	  .write = bank_write },
	{ .offset = 0x3100, .size = 8, .count = 2, .flags = VMED_REG_RO,
	  .reset = 0x1122334455667788ull },
};

static const struct vmed_mmio_reg run_bank_regs[] = {
	{ .offset = 0x40, .size = 4, .count = 4, .flags = VMED_REG_MASKED },
	{ .offset = 0x80, .size = 8, .count = 2, .write = bank_write },
};

static void mmio_register_runs(struct kunit *test)
{
	struct vmed_vendor v = tvendor;
	unsigned long *seen;
	struct fake_env *env;
	struct vmed_vgpu *vgpu;
	unsigned int i;

	v.regs = run_regs;
	v.nr_regs = ARRAY_SIZE(run_regs);
	v.bank_regs = run_bank_regs;
	v.nr_bank_regs = ARRAY_SIZE(run_bank_regs);
	v.bank_base[0] = 0x4000;
	v.bank_base[1] = 0x5000;
	v.nr_banks = 2;
	env = fake_env_create_vendor(test, &v, TV_TYPE_SMALL);
	vgpu = env->vgpu;
	seen = env->dev->unknown_seen;

	/* Every register of a run: its reset value, its own hook call. */
	for (i = 0; i < 8; i++) {
		u32 offset = 0x3000 + 4 * i;

		KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, offset), 0x77);
		tv_write32(test, vgpu, offset, i);
		KUNIT_EXPECT_EQ(test, bank_written, offset);
		KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, offset), i);
	}
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, 0x3004), 1);
	/* A run of qwords, read-only. */
	tv_write64(test, vgpu, 0x3108, 0);
	KUNIT_EXPECT_EQ(test, tv_read64(test, vgpu, 0x3100),
			0x1122334455667788ull);
	KUNIT_EXPECT_EQ(test, tv_read64(test, vgpu, 0x3108),
			0x1122334455667788ull);
	/* A run in a bank, in each bank, with its flags. */
	tv_write32(test, vgpu, 0x404c, 0x00010001);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, 0x404c), 1);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, 0x504c), 0);
	tv_write32(test, vgpu, 0x5040, 0x00000001);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, 0x5040), 0);
	/* A hook in a bank's run sees the register's absolute offset. */
	tv_write64(test, vgpu, 0x5088, 1);
	KUNIT_EXPECT_EQ(test, bank_written, 0x5088);
	tv_write64(test, vgpu, 0x4080, 1);
	KUNIT_EXPECT_EQ(test, bank_written, 0x4080);
	KUNIT_EXPECT_TRUE(test, bitmap_empty(seen, TV_MMIO_SIZE / 4));
	/* Just past each run: not a table register. */
	tv_read32(test, vgpu, 0x3020);
	tv_read32(test, vgpu, 0x3110);
	tv_read32(test, vgpu, 0x4050);
	KUNIT_EXPECT_EQ(test, bitmap_weight(seen, TV_MMIO_SIZE / 4), 3);
	/* Reset brings every register of every run back. */
	vmed_vgpu_reset(vgpu);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, 0x301c), 0x77);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, 0x404c), 0);
}

static int banks_register(struct kunit *test, const u32 *base,
			  unsigned int nr, unsigned int nr_regs)
{
	struct vmed_vendor v = tvendor;
	struct vmed_device *dev;
	unsigned int i;

	v.bank_regs = nr_regs ? bank_regs : NULL;
	v.nr_bank_regs = nr_regs;
	for (i = 0; i < nr && i < VMED_MAX_REG_BANKS; i++)
		v.bank_base[i] = base[i];
	v.nr_banks = nr;
	dev = vmed_device_register(&v, fake_dma_device(test), "banks");
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	vmed_device_unregister(dev);
	return 0;
}

static void mmio_register_banks_validation(struct kunit *test)
{
	static const u32 ok[] = { 0x4000, 0x5000 };
	static const u32 overlap[] = { 0x4000, 0x4004 };	/* 0x14 on 0x18 */
	static const u32 on_table[] = { TV_REG_PLAIN - 0x10 };
	static const u32 beyond[] = { TV_MMIO_SIZE - 0x10 };
	static const u32 wrap[] = { 0xfffffff0 };
	static const u32 many[VMED_MAX_REG_BANKS + 1];

	KUNIT_EXPECT_EQ(test, banks_register(test, ok, 2, ARRAY_SIZE(bank_regs)),
			0);
	KUNIT_EXPECT_EQ(test, banks_register(test, overlap, 2,
					     ARRAY_SIZE(bank_regs)), -EEXIST);
	KUNIT_EXPECT_EQ(test, banks_register(test, on_table, 1,
					     ARRAY_SIZE(bank_regs)), -EEXIST);
	KUNIT_EXPECT_EQ(test, banks_register(test, beyond, 1,
					     ARRAY_SIZE(bank_regs)), -EINVAL);
	KUNIT_EXPECT_EQ(test, banks_register(test, wrap, 1,
					     ARRAY_SIZE(bank_regs)), -EINVAL);
	KUNIT_EXPECT_EQ(test, banks_register(test, many, ARRAY_SIZE(many),
					     ARRAY_SIZE(bank_regs)), -EINVAL);
	/* Banks without registers to put in them. */
	KUNIT_EXPECT_EQ(test, banks_register(test, ok, 2, 0), -EINVAL);
	/* And nothing was left behind by the failures. */
	KUNIT_EXPECT_EQ(test, banks_register(test, ok, 2, ARRAY_SIZE(bank_regs)),
			0);
}

/* offset + size must not wrap past the end of the register window check. */
static void mmio_reg_table_offset_wrap(struct kunit *test)
{
	static const struct vmed_mmio_reg wrap4[] = {
		{ .offset = 0xfffffffc, .size = 4 },
	};
	static const struct vmed_mmio_reg wrap8[] = {
		{ .offset = 0xfffffff8, .size = 8 },
	};
	struct device *dmadev = fake_dma_device(test);

	KUNIT_EXPECT_EQ(test, regs_register(test, dmadev, wrap4,
					    ARRAY_SIZE(wrap4)), -EINVAL);
	KUNIT_EXPECT_EQ(test, regs_register(test, dmadev, wrap8,
					    ARRAY_SIZE(wrap8)), -EINVAL);
}

static struct kunit_case mmio_cases[] = {
	KUNIT_CASE(mmio_plain_roundtrip),
	KUNIT_CASE(mmio_reset_values),
	KUNIT_CASE(mmio_read_only),
	KUNIT_CASE(mmio_ro_mask),
	KUNIT_CASE(mmio_w1c),
	KUNIT_CASE(mmio_masked),
	KUNIT_CASE(mmio_qword_register),
	KUNIT_CASE(mmio_qword_split),
	KUNIT_CASE(mmio_subdword_table_write),
	KUNIT_CASE(mmio_subdword_table_read),
	KUNIT_CASE(mmio_read_handler),
	KUNIT_CASE(mmio_write_handler),
	KUNIT_CASE(mmio_fail_register),
	KUNIT_CASE(mmio_bad_accesses),
	KUNIT_CASE(mmio_bad_access_no_side_effects),
	KUNIT_CASE(mmio_hole_before_ggtt),
	KUNIT_CASE(mmio_lazy_pages),
	KUNIT_CASE(mmio_counters),
	KUNIT_CASE(mmio_vreg_helpers),
	KUNIT_CASE(mmio_unknown_registers_noted_once),
	KUNIT_CASE(mmio_reg_table_validation),
	KUNIT_CASE(mmio_reg_table_offset_wrap),
	KUNIT_CASE(mmio_register_banks),
	KUNIT_CASE(mmio_register_runs),
	KUNIT_CASE(mmio_reg_table_slot_limit),
	KUNIT_CASE(mmio_register_banks_validation),
	{}
};

static struct kunit_suite mmio_suite = {
	.name = "vmed_mmio",
	.test_cases = mmio_cases,
};

kunit_test_suite(mmio_suite);
