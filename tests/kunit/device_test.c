// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for core/device.c: validation of vendor descriptions (every
 * inconsistency is refused at registration, not discovered on a guest
 * access), format descriptors, and the partition of graphics memory and
 * fences: exact available-instances accounting, exhaustion, fragmentation
 * and return of resources on destroy and on failed creation.
 */
#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/dma-mapping.h>
#include "fake_hv.h"
#include "../../core/internal.h"

static int try_register(struct kunit *test, const struct vmed_vendor *v)
{
	struct vmed_device *dev;

	dev = vmed_device_register(v, fake_dma_device(test), "bad");
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	vmed_device_unregister(dev);
	return 0;
}

static void device_accepts_test_vendor(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, try_register(test, &tvendor), 0);
}

static void device_missing_pieces(struct kunit *test)
{
	struct vmed_vendor v;

	/* No DMA device, no name, no vendor. */
	KUNIT_EXPECT_EQ(test, PTR_ERR(vmed_device_register(&tvendor, NULL, "x")),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(vmed_device_register(&tvendor,
							   fake_dma_device(test),
							   NULL)),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(vmed_device_register(NULL,
							   fake_dma_device(test),
							   "x")),
			-EINVAL);
	v = tvendor;
	v.name = NULL;
	KUNIT_EXPECT_EQ(test, try_register(test, &v), -EINVAL);
	v = tvendor;
	v.ops = NULL;
	KUNIT_EXPECT_EQ(test, try_register(test, &v), -EINVAL);
	v = tvendor;
	v.nr_types = 0;
	KUNIT_EXPECT_EQ(test, try_register(test, &v), -EINVAL);
}

static void device_bad_pci(struct kunit *test)
{
	struct vmed_vendor v;

	v = tvendor;
	v.reg_bar = VMED_MAX_BARS;
	KUNIT_EXPECT_EQ(test, try_register(test, &v), -EINVAL);
	v = tvendor;
	v.pci.bars[1].size = 3 << 20;		/* not a power of two */
	KUNIT_EXPECT_EQ(test, try_register(test, &v), -EINVAL);
	v = tvendor;
	v.pci.bars[2].size = 0x800;		/* below a page */
	KUNIT_EXPECT_EQ(test, try_register(test, &v), -EINVAL);
	v = tvendor;
	v.pci.bars[2].size = SZ_4G;		/* 32-bit BAR too big */
	KUNIT_EXPECT_EQ(test, try_register(test, &v), -EINVAL);
	v = tvendor;
	v.pci.rom_size = 0x3000;
	KUNIT_EXPECT_EQ(test, try_register(test, &v), -EINVAL);
	v = tvendor;
	v.pci.msi_cap_offset = 0x20;		/* inside the header */
	KUNIT_EXPECT_EQ(test, try_register(test, &v), -EINVAL);
	v.pci.msi_cap_offset = 0x92;		/* not dword aligned */
	KUNIT_EXPECT_EQ(test, try_register(test, &v), -EINVAL);
	v.pci.msi_cap_offset = 0xf8;		/* does not fit */
	KUNIT_EXPECT_EQ(test, try_register(test, &v), -EINVAL);
}

static void device_bad_cfg_fields(struct kunit *test)
{
	static const struct vmed_cfg_field bad[] = {
		{ .offset = 0x50, .size = 3 },			/* no such size */
		{ .offset = 0x51, .size = 2 },			/* misaligned */
		{ .offset = 0x3c, .size = 4 },			/* in the header */
		{ .offset = TV_MSI_CAP + 0xc, .size = 4 },	/* on MSI data */
		{ .offset = TV_MSI_CAP - 2, .size = 4 },	/* misaligned */
		{ .offset = TV_MSI_CAP - 4, .size = 8 },	/* no such size */
		{ .offset = 0x50, .size = 1, .value = 0x100 },	/* too wide */
		{ .offset = 0x50, .size = 2, .value = 0x10000 },
	};
	struct vmed_vendor v = tvendor;
	unsigned int i;

	v.pci.fields[0] = (struct vmed_cfg_field){ .offset = 0x50, .size = 2,
						   .value = 0x80 };
	v.pci.fields[3] = (struct vmed_cfg_field){ .offset = 0xfc, .size = 4,
						   .value = ~0u };
	KUNIT_EXPECT_EQ(test, try_register(test, &v), 0);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		v.pci.fields[1] = bad[i];
		KUNIT_EXPECT_EQ_MSG(test, try_register(test, &v), -EINVAL,
				    "field %u", i);
	}
}

static void device_bad_layout(struct kunit *test)
{
	struct vmed_vendor v;

	v = tvendor;
	v.mmio_size = TV_GGTT_OFFSET + 4096;	/* overlaps the GGTT */
	KUNIT_EXPECT_EQ(test, try_register(test, &v), -EINVAL);
	v = tvendor;
	v.mmio_size = 0;
	KUNIT_EXPECT_EQ(test, try_register(test, &v), -EINVAL);
	v = tvendor;
	v.mmio_size -= 4;	/* a qword access could leave the window */
	KUNIT_EXPECT_EQ(test, try_register(test, &v), -EINVAL);
	v = tvendor;
	v.ggtt_offset = TV_BAR0_SIZE - 4096;	/* GGTT does not fit */
	KUNIT_EXPECT_EQ(test, try_register(test, &v), -EINVAL);
	v = tvendor;
	v.gm_total[VMED_GM_HIDDEN] += 4096;	/* not granule aligned */
	KUNIT_EXPECT_EQ(test, try_register(test, &v), -EINVAL);
	v = tvendor;
	v.gm_total[VMED_GM_MAPPABLE] = 0;
	v.gm_total[VMED_GM_HIDDEN] = 0;
	KUNIT_EXPECT_EQ(test, try_register(test, &v), -EINVAL);
}

static void device_bad_formats(struct kunit *test)
{
	struct vmed_pte_format f;

	KUNIT_EXPECT_EQ(test, vmed_format_check(&tvendor.ggtt_format, false), 0);
	KUNIT_EXPECT_EQ(test, vmed_format_check(&tvendor.ppgtt_format, true), 0);
	/* A GGTT format must be flat. */
	KUNIT_EXPECT_EQ(test, vmed_format_check(&tvendor.ppgtt_format, false),
			-EINVAL);

	f = tvendor.ppgtt_format;
	f.entry_size = 2;
	KUNIT_EXPECT_EQ(test, vmed_format_check(&f, true), -EINVAL);
	f = tvendor.ppgtt_format;
	f.levels = 5;
	KUNIT_EXPECT_EQ(test, vmed_format_check(&f, true), -EINVAL);
	f = tvendor.ppgtt_format;
	f.level[2].bits = 8;			/* table not a page */
	KUNIT_EXPECT_EQ(test, vmed_format_check(&f, true), -EINVAL);
	f = tvendor.ppgtt_format;
	f.level[2].shift = 31;			/* levels do not chain */
	KUNIT_EXPECT_EQ(test, vmed_format_check(&f, true), -EINVAL);
	f = tvendor.ppgtt_format;
	f.level[2].leaf_mask = TV_PTE_PS;	/* 1 GiB pages unsupported */
	KUNIT_EXPECT_EQ(test, vmed_format_check(&f, true), -EINVAL);
	f = tvendor.ppgtt_format;
	f.level[1].leaf_mask = BIT_ULL(20);	/* inside the address field */
	KUNIT_EXPECT_EQ(test, vmed_format_check(&f, true), -EINVAL);
	f = tvendor.ppgtt_format;
	f.keep_mask = BIT_ULL(12);		/* overlaps the address */
	KUNIT_EXPECT_EQ(test, vmed_format_check(&f, true), -EINVAL);
	f = tvendor.ppgtt_format;
	f.present_mask = 0;
	KUNIT_EXPECT_EQ(test, vmed_format_check(&f, true), -EINVAL);
	f = tvendor.ppgtt_format;
	f.level[0].shift = 16;			/* leaf pages must be 4 KiB */
	KUNIT_EXPECT_EQ(test, vmed_format_check(&f, true), -EINVAL);
	f = tvendor.ppgtt_format;
	f.addr_mask = GENMASK_ULL(45, 16);	/* cannot hold a 4 KiB address */
	KUNIT_EXPECT_EQ(test, vmed_format_check(&f, true), -EINVAL);
	f = tvendor.ggtt_format;
	f.entry_size = 4;			/* 64-bit masks in 4-byte entries */
	KUNIT_EXPECT_EQ(test, vmed_format_check(&f, false), -EINVAL);
	/* A shifted address field (frame number at bit 8) is fine. */
	f = tvendor.ggtt_format;
	f.addr_mask = GENMASK_ULL(39, 8);
	f.addr_shift = 4;
	f.keep_mask = 0;
	KUNIT_EXPECT_EQ(test, vmed_format_check(&f, false), 0);
}

static void device_bad_types_and_irq(struct kunit *test)
{
	static const struct vmed_vgpu_type too_big = {
		.name = "huge", .gm_size = { TV_GM_MAPPABLE * 2, 0 },
	};
	static const struct vmed_vgpu_type too_many_fences = {
		.name = "fences", .fences = TV_FENCES + 1,
	};
	static const struct vmed_vgpu_type unaligned = {
		.name = "odd", .gm_size = { 4096, 0 },
	};
	static const struct vmed_vgpu_type nameless = { .fences = 1 };
	static const struct vmed_irq_event bad_event = { .group = 5, .bit = 0 };
	struct vmed_vendor v;

	v = tvendor;
	v.nr_types = 1;
	v.types = &too_big;
	KUNIT_EXPECT_EQ(test, try_register(test, &v), -EINVAL);
	v.types = &too_many_fences;
	KUNIT_EXPECT_EQ(test, try_register(test, &v), -EINVAL);
	v.types = &unaligned;
	KUNIT_EXPECT_EQ(test, try_register(test, &v), -EINVAL);
	v.types = &nameless;
	KUNIT_EXPECT_EQ(test, try_register(test, &v), -EINVAL);
	v = tvendor;
	v.irq.nr_events = 1;
	v.irq.events = &bad_event;
	KUNIT_EXPECT_EQ(test, try_register(test, &v), -EINVAL);
}

static void device_partition_accounting(struct kunit *test)
{
	struct fake_env *env = fake_env_create_device(test, &tvendor);
	struct vmed_device *dev = env->dev;
	struct vmed_vgpu *small[4], *big, *nofence;
	unsigned int i;

	KUNIT_EXPECT_EQ(test, vmed_type_available(dev, TV_TYPE_SMALL), 4);
	KUNIT_EXPECT_EQ(test, vmed_type_available(dev, TV_TYPE_BIG), 2);
	KUNIT_EXPECT_EQ(test, vmed_type_available(dev, TV_TYPE_NOFENCE), 16);
	KUNIT_EXPECT_EQ(test, vmed_type_available(dev, TV_NR_TYPES), 0);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(vmed_vgpu_create(dev, TV_NR_TYPES, NULL)),
			-EINVAL);

	for (i = 0; i < 4; i++) {
		small[i] = vmed_vgpu_create(dev, TV_TYPE_SMALL, NULL);
		KUNIT_ASSERT_FALSE(test, IS_ERR(small[i]));
		KUNIT_EXPECT_EQ(test, vmed_type_available(dev, TV_TYPE_SMALL),
				3 - i);
	}
	/* Slices are disjoint and inside the device. */
	KUNIT_EXPECT_EQ(test, small[1]->gm_base[VMED_GM_MAPPABLE], 4 << 20);
	KUNIT_EXPECT_EQ(test, small[3]->gm_base[VMED_GM_HIDDEN],
			TV_GM_MAPPABLE + (24 << 20));
	KUNIT_EXPECT_EQ(test, small[2]->fence_base, 4);
	KUNIT_EXPECT_EQ(test, small[3]->fences, 2);
	KUNIT_EXPECT_STREQ(test, small[1]->name, "tdev:1");
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(vmed_vgpu_create(dev, TV_TYPE_SMALL, NULL)),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, vmed_type_available(dev, TV_TYPE_BIG), 0);
	KUNIT_EXPECT_EQ(test, vmed_type_available(dev, TV_TYPE_NOFENCE), 0);

	/* Freeing two non-adjacent slices leaves no room for a big one. */
	vmed_vgpu_destroy(small[0]);
	vmed_vgpu_destroy(small[2]);
	KUNIT_EXPECT_EQ(test, vmed_type_available(dev, TV_TYPE_SMALL), 2);
	KUNIT_EXPECT_EQ(test, vmed_type_available(dev, TV_TYPE_BIG), 0);
	KUNIT_EXPECT_EQ(test, vmed_type_available(dev, TV_TYPE_NOFENCE), 8);
	vmed_vgpu_destroy(small[1]);
	KUNIT_EXPECT_EQ(test, vmed_type_available(dev, TV_TYPE_BIG), 1);
	big = vmed_vgpu_create(dev, TV_TYPE_BIG, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(big));
	KUNIT_EXPECT_EQ(test, big->gm_base[VMED_GM_MAPPABLE], 0);
	/* Ids are reused. */
	KUNIT_EXPECT_EQ(test, big->id, 0);
	KUNIT_EXPECT_EQ(test, vmed_type_available(dev, TV_TYPE_BIG), 0);
	/* Left: mappable [8M, 12M), hidden [16M, 24M), fences 4-5. */
	KUNIT_EXPECT_EQ(test, vmed_type_available(dev, TV_TYPE_SMALL), 1);
	KUNIT_EXPECT_EQ(test, vmed_type_available(dev, TV_TYPE_NOFENCE), 4);
	nofence = vmed_vgpu_create(dev, TV_TYPE_NOFENCE, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(nofence));
	KUNIT_EXPECT_EQ(test, nofence->gm_base[VMED_GM_MAPPABLE], 8 << 20);
	KUNIT_EXPECT_EQ(test, nofence->fences, 0);
	KUNIT_EXPECT_EQ(test, vmed_type_available(dev, TV_TYPE_SMALL), 0);
	vmed_vgpu_destroy(nofence);

	vmed_vgpu_destroy(big);
	vmed_vgpu_destroy(small[3]);
	KUNIT_EXPECT_EQ(test, dev->nr_vgpus, 0);
	KUNIT_EXPECT_EQ(test, vmed_type_available(dev, TV_TYPE_SMALL), 4);
	KUNIT_EXPECT_EQ(test, vmed_type_available(dev, TV_TYPE_BIG), 2);
}

static int tv_init_fails(struct vmed_vgpu *vgpu)
{
	return -EIO;
}

static void device_failed_create_returns_resources(struct kunit *test)
{
	static struct vmed_vendor_ops ops;
	struct vmed_vendor v = tvendor;
	struct fake_env *env;

	ops = *tvendor.ops;
	ops.vgpu_init = tv_init_fails;
	v.ops = &ops;
	env = fake_env_create_device(test, &v);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(vmed_vgpu_create(env->dev,
							       TV_TYPE_BIG,
							       NULL)),
			-EIO);
	KUNIT_EXPECT_EQ(test, vmed_type_available(env->dev, TV_TYPE_BIG), 2);
	KUNIT_EXPECT_EQ(test, env->dev->nr_vgpus, 0);
	KUNIT_EXPECT_TRUE(test, list_empty(&env->dev->vgpus));
}

static struct kunit_case device_cases[] = {
	KUNIT_CASE(device_accepts_test_vendor),
	KUNIT_CASE(device_missing_pieces),
	KUNIT_CASE(device_bad_pci),
	KUNIT_CASE(device_bad_cfg_fields),
	KUNIT_CASE(device_bad_layout),
	KUNIT_CASE(device_bad_formats),
	KUNIT_CASE(device_bad_types_and_irq),
	KUNIT_CASE(device_partition_accounting),
	KUNIT_CASE(device_failed_create_returns_resources),
	{}
};

static struct kunit_suite device_suite = {
	.name = "vmed_device",
	.test_cases = device_cases,
};

kunit_test_suite(device_suite);
