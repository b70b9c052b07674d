// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for core/cfg.c, the emulated PCI configuration space. It checks
 * the identity fields built from the vendor descriptor (IDs, class, revision,
 * header type, capability list ending in one 64-bit MSI capability), the
 * write rules (read-only fields, the writable bits of the command register,
 * RW1C status bits), BAR and expansion ROM sizing for 64-bit, 32-bit,
 * prefetchable, absent BARs and a vendor without ROM, the hypervisor traps
 * that follow memory decoding and BAR moves (sizing patterns and placements
 * the hypervisor refuses are never trapped), the MSI capability and its
 * mirror in vgpu->msi, refused accesses of bad size, alignment or range
 * (including offsets that wrap), the extended space, writes to a failed vGPU,
 * config writes while detached, and vmed_vgpu_reset().
 */
#include <kunit/test.h>
#include <linux/pci_regs.h>
#include <linux/string.h>
#include <linux/unaligned.h>
#include "fake_hv.h"
#include "../../core/internal.h"

/* Config offset of the BAR that vendor BAR index @i describes. */
#define CFG_BAR(i)		(PCI_BASE_ADDRESS_0 + 8 * (i))
#define CFG_MSI(field)		(TV_MSI_CAP + (field))

/* Outside the fake guest RAM (8 MiB), naturally aligned for each BAR. */
#define BAR0_ADDR		0xe0000000ULL
#define BAR2_ADDR		0xe2000000ULL
#define BAR4_ADDR		0xe4000000ULL
#define BAR0_HIGH_ADDR		0x3e1000000ULL

#define CMD_WRITABLE	(PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |	\
			 PCI_COMMAND_PARITY | PCI_COMMAND_SERR |	\
			 PCI_COMMAND_INTX_DISABLE)
#define STATUS_W1C	(PCI_STATUS_PARITY | PCI_STATUS_SIG_TARGET_ABORT |	\
			 PCI_STATUS_REC_TARGET_ABORT |				\
			 PCI_STATUS_REC_MASTER_ABORT |				\
			 PCI_STATUS_SIG_SYSTEM_ERROR |				\
			 PCI_STATUS_DETECTED_PARITY)

static u8 cfg_read8(struct kunit *test, struct vmed_vgpu *vgpu, u32 offset)
{
	u8 val = 0;

	KUNIT_EXPECT_EQ(test, vmed_cfg_read(vgpu, offset, &val, 1), 0);
	return val;
}

static void cfg_write8(struct kunit *test, struct vmed_vgpu *vgpu, u32 offset,
		       u8 val)
{
	KUNIT_EXPECT_EQ(test, vmed_cfg_write(vgpu, offset, &val, 1), 0);
}

static void cfg_set_bar(struct kunit *test, struct fake_env *env,
			unsigned int bar, u64 addr)
{
	tv_cfg_write32(test, env->vgpu, CFG_BAR(bar), lower_32_bits(addr));
	if (env->vendor.pci.bars[bar].is_64bit)
		tv_cfg_write32(test, env->vgpu, CFG_BAR(bar) + 4,
			       upper_32_bits(addr));
}

static void cfg_place_all_bars(struct kunit *test, struct fake_env *env)
{
	cfg_set_bar(test, env, 0, BAR0_ADDR);
	cfg_set_bar(test, env, 1, BAR2_ADDR);
	cfg_set_bar(test, env, 2, BAR4_ADDR);
}

static void cfg_memory(struct kunit *test, struct fake_env *env, bool on)
{
	tv_cfg_write16(test, env->vgpu, PCI_COMMAND, on ? PCI_COMMAND_MEMORY : 0);
}

static void cfg_identity(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;
	const struct vmed_pci_desc *pci = &tvendor.pci;

	KUNIT_EXPECT_EQ(test, tv_cfg_read16(test, vgpu, PCI_VENDOR_ID), pci->vendor);
	KUNIT_EXPECT_EQ(test, tv_cfg_read16(test, vgpu, PCI_DEVICE_ID), pci->device);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, PCI_VENDOR_ID),
			(u32)pci->device << 16 | pci->vendor);
	KUNIT_EXPECT_EQ(test, cfg_read8(test, vgpu, PCI_REVISION_ID), pci->revision);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, PCI_CLASS_REVISION),
			pci->class_code << 8 | pci->revision);
	KUNIT_EXPECT_EQ(test, tv_cfg_read16(test, vgpu, PCI_SUBSYSTEM_VENDOR_ID),
			pci->subsystem_vendor);
	KUNIT_EXPECT_EQ(test, tv_cfg_read16(test, vgpu, PCI_SUBSYSTEM_ID),
			pci->subsystem_device);
	KUNIT_EXPECT_EQ(test, cfg_read8(test, vgpu, PCI_HEADER_TYPE),
			PCI_HEADER_TYPE_NORMAL);
	KUNIT_EXPECT_EQ(test, cfg_read8(test, vgpu, PCI_BIST), 0);
	/* Memory decoding starts disabled. */
	KUNIT_EXPECT_EQ(test, tv_cfg_read16(test, vgpu, PCI_COMMAND), 0);

	/* The capability list is exactly one 64-bit, single-vector MSI cap. */
	KUNIT_EXPECT_TRUE(test, tv_cfg_read16(test, vgpu, PCI_STATUS) &
				PCI_STATUS_CAP_LIST);
	KUNIT_EXPECT_EQ(test, cfg_read8(test, vgpu, PCI_CAPABILITY_LIST),
			TV_MSI_CAP);
	KUNIT_EXPECT_EQ(test, cfg_read8(test, vgpu, CFG_MSI(PCI_CAP_LIST_ID)),
			PCI_CAP_ID_MSI);
	KUNIT_EXPECT_EQ(test, cfg_read8(test, vgpu, CFG_MSI(PCI_CAP_LIST_NEXT)), 0);
	KUNIT_EXPECT_EQ(test, tv_cfg_read16(test, vgpu, CFG_MSI(PCI_MSI_FLAGS)),
			PCI_MSI_FLAGS_64BIT);

	/* BAR flags before sizing: 64-bit, 64-bit prefetchable, 32-bit. */
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, CFG_BAR(0)),
			PCI_BASE_ADDRESS_MEM_TYPE_64);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, CFG_BAR(1)),
			PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, CFG_BAR(2)),
			PCI_BASE_ADDRESS_MEM_TYPE_32);
}

/* Distinct bytes everywhere, so that a swapped or truncated field shows. */
static void cfg_identity_other_vendor(struct kunit *test)
{
	struct vmed_vendor v = tvendor;
	struct fake_env *env;
	struct vmed_vgpu *vgpu;

	v.pci.vendor = 0x1234;
	v.pci.device = 0x5678;
	v.pci.subsystem_vendor = 0x9abc;
	v.pci.subsystem_device = 0xdef0;
	v.pci.revision = 0x42;
	v.pci.class_code = 0x0b40a7;
	v.pci.msi_cap_offset = 0x40;
	env = fake_env_create_vendor(test, &v, TV_TYPE_SMALL);
	vgpu = env->vgpu;

	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, PCI_VENDOR_ID), 0x56781234);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, PCI_CLASS_REVISION),
			0x0b40a742);
	KUNIT_EXPECT_EQ(test, cfg_read8(test, vgpu, PCI_CLASS_PROG), 0xa7);
	KUNIT_EXPECT_EQ(test, tv_cfg_read16(test, vgpu, PCI_CLASS_DEVICE), 0x0b40);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, PCI_SUBSYSTEM_VENDOR_ID),
			0xdef09abc);
	KUNIT_EXPECT_EQ(test, cfg_read8(test, vgpu, PCI_CAPABILITY_LIST), 0x40);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, 0x40),
			(u32)PCI_MSI_FLAGS_64BIT << 16 | PCI_CAP_ID_MSI);
	/* Nothing left behind at the default capability offset. */
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, TV_MSI_CAP), 0);
}

static void cfg_device_specific_fields(struct kunit *test)
{
	struct vmed_vendor v = tvendor;
	struct fake_env *env;
	struct vmed_vgpu *vgpu;

	v.pci.fields[0] = (struct vmed_cfg_field){ .offset = 0x50, .size = 2,
						   .value = 0x0080 };
	v.pci.fields[2] = (struct vmed_cfg_field){ .offset = 0x5c, .size = 4,
						   .value = 0xdeadbee0 };
	v.pci.fields[3] = (struct vmed_cfg_field){ .offset = 0x62, .size = 1,
						   .value = 0x3 };
	env = fake_env_create_vendor(test, &v, TV_TYPE_SMALL);
	vgpu = env->vgpu;

	KUNIT_EXPECT_EQ(test, tv_cfg_read16(test, vgpu, 0x50), 0x0080);
	KUNIT_EXPECT_EQ(test, cfg_read8(test, vgpu, 0x50), 0x80);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, 0x5c), 0xdeadbee0);
	KUNIT_EXPECT_EQ(test, tv_cfg_read16(test, vgpu, 0x5e), 0xdead);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, 0x60), 0x030000);
	/* Read-only: writes of any size leave them, and reset keeps them. */
	tv_cfg_write16(test, vgpu, 0x50, 0xffff);
	tv_cfg_write32(test, vgpu, 0x5c, 0);
	cfg_write8(test, vgpu, 0x62, 0);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, 0x50), 0x0080);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, 0x5c), 0xdeadbee0);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, 0x60), 0x030000);
	vmed_vgpu_reset(vgpu);
	KUNIT_EXPECT_EQ(test, tv_cfg_read16(test, vgpu, 0x50), 0x0080);
	/* The plain vendor has nothing there. */
	vgpu = fake_env_create(test, TV_TYPE_SMALL)->vgpu;
	KUNIT_EXPECT_EQ(test, tv_cfg_read16(test, vgpu, 0x50), 0);
}

static void cfg_read_only_fields(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;
	u32 id = tv_cfg_read32(test, vgpu, PCI_VENDOR_ID);
	u32 class = tv_cfg_read32(test, vgpu, PCI_CLASS_REVISION);
	u32 subsys = tv_cfg_read32(test, vgpu, PCI_SUBSYSTEM_VENDOR_ID);

	tv_cfg_write32(test, vgpu, PCI_VENDOR_ID, 0xffffffff);
	tv_cfg_write16(test, vgpu, PCI_DEVICE_ID, 0);
	cfg_write8(test, vgpu, PCI_VENDOR_ID, 0);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, PCI_VENDOR_ID), id);

	tv_cfg_write32(test, vgpu, PCI_CLASS_REVISION, 0);
	cfg_write8(test, vgpu, PCI_CLASS_PROG, 0xff);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, PCI_CLASS_REVISION), class);

	tv_cfg_write32(test, vgpu, PCI_SUBSYSTEM_VENDOR_ID, 0);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, PCI_SUBSYSTEM_VENDOR_ID),
			subsys);

	/* Header type, BIST, capability pointer, interrupt pin. */
	cfg_write8(test, vgpu, PCI_HEADER_TYPE, 0xff);
	cfg_write8(test, vgpu, PCI_BIST, 0xff);
	cfg_write8(test, vgpu, PCI_CAPABILITY_LIST, 0x44);
	cfg_write8(test, vgpu, PCI_INTERRUPT_PIN, 0);
	KUNIT_EXPECT_EQ(test, cfg_read8(test, vgpu, PCI_HEADER_TYPE),
			PCI_HEADER_TYPE_NORMAL);
	KUNIT_EXPECT_EQ(test, cfg_read8(test, vgpu, PCI_BIST), 0);
	KUNIT_EXPECT_EQ(test, cfg_read8(test, vgpu, PCI_CAPABILITY_LIST), TV_MSI_CAP);
	KUNIT_EXPECT_EQ(test, cfg_read8(test, vgpu, PCI_INTERRUPT_PIN), 1);

	/* The MSI capability header cannot be rewritten either. */
	cfg_write8(test, vgpu, CFG_MSI(PCI_CAP_LIST_ID), 0x10);
	cfg_write8(test, vgpu, CFG_MSI(PCI_CAP_LIST_NEXT), 0x40);
	KUNIT_EXPECT_EQ(test, cfg_read8(test, vgpu, CFG_MSI(PCI_CAP_LIST_ID)),
			PCI_CAP_ID_MSI);
	KUNIT_EXPECT_EQ(test, cfg_read8(test, vgpu, CFG_MSI(PCI_CAP_LIST_NEXT)), 0);

	/* Plain read/write housekeeping bytes do take writes. */
	cfg_write8(test, vgpu, PCI_INTERRUPT_LINE, 0x0b);
	cfg_write8(test, vgpu, PCI_CACHE_LINE_SIZE, 0x10);
	cfg_write8(test, vgpu, PCI_LATENCY_TIMER, 0x40);
	KUNIT_EXPECT_EQ(test, cfg_read8(test, vgpu, PCI_INTERRUPT_LINE), 0x0b);
	KUNIT_EXPECT_EQ(test, cfg_read8(test, vgpu, PCI_CACHE_LINE_SIZE), 0x10);
	KUNIT_EXPECT_EQ(test, cfg_read8(test, vgpu, PCI_LATENCY_TIMER), 0x40);

	/* Unimplemented header and capability bytes stay zero. */
	tv_cfg_write32(test, vgpu, PCI_CARDBUS_CIS, 0xffffffff);
	tv_cfg_write32(test, vgpu, 0x38, 0xffffffff);
	tv_cfg_write32(test, vgpu, 0xfc, 0xffffffff);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, PCI_CARDBUS_CIS), 0);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, 0x38), 0);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, 0xfc), 0);
	KUNIT_EXPECT_EQ(test, env->vgpu->stats.cfg_writes, 18);
}

static void cfg_command_register(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;

	/* No I/O BARs: the I/O enable and every other bit stay clear. */
	tv_cfg_write16(test, vgpu, PCI_COMMAND, 0xffff & ~PCI_COMMAND_MEMORY);
	KUNIT_EXPECT_EQ(test, tv_cfg_read16(test, vgpu, PCI_COMMAND),
			CMD_WRITABLE & ~PCI_COMMAND_MEMORY);
	tv_cfg_write16(test, vgpu, PCI_COMMAND, 0);
	KUNIT_EXPECT_EQ(test, tv_cfg_read16(test, vgpu, PCI_COMMAND), 0);

	/* Byte writes reach each half. */
	cfg_write8(test, vgpu, PCI_COMMAND + 1, 0xff);
	KUNIT_EXPECT_EQ(test, tv_cfg_read16(test, vgpu, PCI_COMMAND),
			CMD_WRITABLE & 0xff00);
	cfg_write8(test, vgpu, PCI_COMMAND, PCI_COMMAND_MASTER | PCI_COMMAND_IO);
	KUNIT_EXPECT_EQ(test, tv_cfg_read16(test, vgpu, PCI_COMMAND),
			(CMD_WRITABLE & 0xff00) | PCI_COMMAND_MASTER);

	/* Everything, memory decoding included (BARs at 0, in guest RAM: refused). */
	tv_cfg_write16(test, vgpu, PCI_COMMAND, 0xffff);
	KUNIT_EXPECT_EQ(test, tv_cfg_read16(test, vgpu, PCI_COMMAND), CMD_WRITABLE);
	KUNIT_EXPECT_EQ(test, env->hv.traps_mapped, 0);
	tv_cfg_write16(test, vgpu, PCI_COMMAND, 0);
	KUNIT_EXPECT_EQ(test, tv_cfg_read16(test, vgpu, PCI_COMMAND), 0);
}

static void cfg_status_rw1c(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;
	u8 *status = vgpu->cfg.space + PCI_STATUS;
	u16 set = PCI_STATUS_CAP_LIST | PCI_STATUS_SIG_TARGET_ABORT |
		  PCI_STATUS_REC_MASTER_ABORT | PCI_STATUS_DETECTED_PARITY;

	/* "Hardware" sets error bits. */
	put_unaligned_le16(set, status);
	KUNIT_EXPECT_EQ(test, tv_cfg_read16(test, vgpu, PCI_STATUS), set);

	/* Writing 0 keeps everything. */
	tv_cfg_write16(test, vgpu, PCI_STATUS, 0);
	KUNIT_EXPECT_EQ(test, tv_cfg_read16(test, vgpu, PCI_STATUS), set);

	/* Writing 1 clears exactly that bit. */
	tv_cfg_write16(test, vgpu, PCI_STATUS, PCI_STATUS_SIG_TARGET_ABORT);
	set &= ~PCI_STATUS_SIG_TARGET_ABORT;
	KUNIT_EXPECT_EQ(test, tv_cfg_read16(test, vgpu, PCI_STATUS), set);

	/* A 1 to a clear bit does not set it. */
	tv_cfg_write16(test, vgpu, PCI_STATUS, PCI_STATUS_PARITY);
	KUNIT_EXPECT_EQ(test, tv_cfg_read16(test, vgpu, PCI_STATUS), set);

	/* A dword write at COMMAND changes the command, not the status. */
	tv_cfg_write32(test, vgpu, PCI_COMMAND, PCI_COMMAND_MASTER);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, PCI_COMMAND),
			(u32)set << 16 | PCI_COMMAND_MASTER);

	/* The high byte alone. */
	cfg_write8(test, vgpu, PCI_STATUS + 1, PCI_STATUS_DETECTED_PARITY >> 8);
	set &= ~PCI_STATUS_DETECTED_PARITY;
	KUNIT_EXPECT_EQ(test, tv_cfg_read16(test, vgpu, PCI_STATUS), set);

	/* All ones: every RW1C bit goes, the capability-list bit stays. */
	put_unaligned_le16(PCI_STATUS_CAP_LIST | STATUS_W1C, status);
	tv_cfg_write16(test, vgpu, PCI_STATUS, 0xffff);
	KUNIT_EXPECT_EQ(test, tv_cfg_read16(test, vgpu, PCI_STATUS),
			PCI_STATUS_CAP_LIST);
}

static void cfg_bar0_sizing_64bit(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;
	u64 mask = ~(TV_BAR0_SIZE - 1ULL);

	tv_cfg_write32(test, vgpu, CFG_BAR(0), 0xffffffff);
	tv_cfg_write32(test, vgpu, CFG_BAR(0) + 4, 0xffffffff);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, CFG_BAR(0)),
			lower_32_bits(mask) | PCI_BASE_ADDRESS_MEM_TYPE_64);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, CFG_BAR(0)), 0xff000004);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, CFG_BAR(0) + 4), 0xffffffff);

	/* Placing it: the low flag bits are not writable. */
	tv_cfg_write32(test, vgpu, CFG_BAR(0), lower_32_bits(BAR0_HIGH_ADDR) | 0xf);
	tv_cfg_write32(test, vgpu, CFG_BAR(0) + 4, upper_32_bits(BAR0_HIGH_ADDR));
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, CFG_BAR(0)),
			lower_32_bits(BAR0_HIGH_ADDR) | PCI_BASE_ADDRESS_MEM_TYPE_64);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, CFG_BAR(0) + 4),
			upper_32_bits(BAR0_HIGH_ADDR));
	KUNIT_EXPECT_EQ(test, vmed_cfg_bar_base(vgpu, 0), BAR0_HIGH_ADDR);

	/* Address bits below the BAR size are not writable. */
	tv_cfg_write32(test, vgpu, CFG_BAR(0), 0xe0fff000);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, CFG_BAR(0)), 0xe0000004);

	/* Byte-wise sizing works the same. */
	cfg_write8(test, vgpu, CFG_BAR(0), 0xff);
	cfg_write8(test, vgpu, CFG_BAR(0) + 2, 0xff);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, CFG_BAR(0)), 0xe0000004);
	cfg_write8(test, vgpu, CFG_BAR(0) + 3, 0xff);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, CFG_BAR(0)), 0xff000004);
}

static void cfg_bar2_prefetchable(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;
	u32 flags = PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH;

	tv_cfg_write32(test, vgpu, CFG_BAR(1), 0xffffffff);
	tv_cfg_write32(test, vgpu, CFG_BAR(1) + 4, 0xffffffff);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, CFG_BAR(1)),
			(u32)~(TV_BAR2_SIZE - 1) | flags);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, CFG_BAR(1)), 0xfe00000c);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, CFG_BAR(1) + 4), 0xffffffff);
	tv_cfg_write32(test, vgpu, CFG_BAR(1), 0);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, CFG_BAR(1)), flags);
}

static void cfg_bar4_sizing_32bit(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;

	tv_cfg_write32(test, vgpu, CFG_BAR(2), 0xffffffff);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, CFG_BAR(2)), 0xffff0000);
	/* BAR5 is not the upper half of a 32-bit BAR: it stays zero. */
	tv_cfg_write32(test, vgpu, CFG_BAR(2) + 4, 0xffffffff);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, CFG_BAR(2) + 4), 0);
	KUNIT_EXPECT_EQ(test, vmed_cfg_bar_base(vgpu, 2), 0xffff0000);

	tv_cfg_write32(test, vgpu, CFG_BAR(2), 0xe400abcd);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, CFG_BAR(2)), 0xe4000000);
	KUNIT_EXPECT_EQ(test, vmed_cfg_bar_base(vgpu, 2), BAR4_ADDR);
}

static void cfg_absent_bar(struct kunit *test)
{
	struct vmed_vendor v = tvendor;
	struct fake_env *env;
	struct vmed_vgpu *vgpu;

	v.pci.bars[1].size = 0;
	env = fake_env_create_vendor(test, &v, TV_TYPE_SMALL);
	vgpu = env->vgpu;

	tv_cfg_write32(test, vgpu, CFG_BAR(1), 0xffffffff);
	tv_cfg_write32(test, vgpu, CFG_BAR(1) + 4, 0xffffffff);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, CFG_BAR(1)), 0);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, CFG_BAR(1) + 4), 0);

	/* Memory decoding traps the two present BARs only. */
	cfg_set_bar(test, env, 0, BAR0_ADDR);
	cfg_set_bar(test, env, 2, BAR4_ADDR);
	cfg_memory(test, env, true);
	KUNIT_EXPECT_EQ(test, env->hv.traps_mapped, 2);
	KUNIT_EXPECT_TRUE(test, env->hv.trap_on[0]);
	KUNIT_EXPECT_FALSE(test, env->hv.trap_on[1]);
	KUNIT_EXPECT_TRUE(test, env->hv.trap_on[2]);
	cfg_memory(test, env, false);
	KUNIT_EXPECT_EQ(test, env->hv.traps_unmapped, 2);
}

static void cfg_rom_sizing(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;

	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, PCI_ROM_ADDRESS), 0);
	tv_cfg_write32(test, vgpu, PCI_ROM_ADDRESS, 0xfffffffe);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, PCI_ROM_ADDRESS),
			(u32)~(0x8000 - 1));
	tv_cfg_write32(test, vgpu, PCI_ROM_ADDRESS, 0xffffffff);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, PCI_ROM_ADDRESS),
			0xffff8000 | PCI_ROM_ADDRESS_ENABLE);
	tv_cfg_write32(test, vgpu, PCI_ROM_ADDRESS, 0xe5007ffe);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, PCI_ROM_ADDRESS), 0xe5000000);
	tv_cfg_write32(test, vgpu, PCI_ROM_ADDRESS, 0xe5000000 | PCI_ROM_ADDRESS_ENABLE);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, PCI_ROM_ADDRESS),
			0xe5000000 | PCI_ROM_ADDRESS_ENABLE);
}

static void cfg_no_rom(struct kunit *test)
{
	struct vmed_vendor v = tvendor;
	struct fake_env *env;

	v.pci.rom_size = 0;
	env = fake_env_create_vendor(test, &v, TV_TYPE_SMALL);
	tv_cfg_write32(test, env->vgpu, PCI_ROM_ADDRESS, 0xffffffff);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, env->vgpu, PCI_ROM_ADDRESS), 0);
	tv_cfg_write32(test, env->vgpu, PCI_ROM_ADDRESS, 0xe5000001);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, env->vgpu, PCI_ROM_ADDRESS), 0);
}

static void cfg_memory_enable_traps(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;
	static const u64 addr[VMED_MAX_BARS] = { BAR0_ADDR, BAR2_ADDR, BAR4_ADDR };
	unsigned int i;

	/* Placing BARs with decoding off traps nothing. */
	cfg_place_all_bars(test, env);
	KUNIT_EXPECT_EQ(test, env->hv.traps_mapped, 0);

	cfg_memory(test, env, true);
	KUNIT_EXPECT_EQ(test, env->hv.traps_mapped, VMED_MAX_BARS);
	for (i = 0; i < VMED_MAX_BARS; i++) {
		KUNIT_EXPECT_TRUE(test, env->hv.trap_on[i]);
		KUNIT_EXPECT_EQ(test, env->hv.trap_gpa[i], addr[i]);
		KUNIT_EXPECT_TRUE(test, vgpu->cfg.trapped[i]);
		KUNIT_EXPECT_EQ(test, vgpu->cfg.trap_base[i], addr[i]);
	}

	/* Other command bits while enabled: no churn. */
	tv_cfg_write16(test, vgpu, PCI_COMMAND,
		       PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	KUNIT_EXPECT_EQ(test, env->hv.traps_mapped, VMED_MAX_BARS);
	KUNIT_EXPECT_EQ(test, env->hv.traps_unmapped, 0);

	cfg_memory(test, env, false);
	KUNIT_EXPECT_EQ(test, env->hv.traps_unmapped, VMED_MAX_BARS);
	for (i = 0; i < VMED_MAX_BARS; i++) {
		KUNIT_EXPECT_FALSE(test, env->hv.trap_on[i]);
		KUNIT_EXPECT_FALSE(test, vgpu->cfg.trapped[i]);
	}

	/* And back on, through a one-byte write. */
	cfg_write8(test, vgpu, PCI_COMMAND, PCI_COMMAND_MEMORY);
	KUNIT_EXPECT_EQ(test, env->hv.traps_mapped, 2 * VMED_MAX_BARS);
	for (i = 0; i < VMED_MAX_BARS; i++)
		KUNIT_EXPECT_TRUE(test, env->hv.trap_on[i]);
}

static void cfg_bar_move_while_enabled(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;

	cfg_place_all_bars(test, env);
	cfg_memory(test, env, true);
	KUNIT_ASSERT_EQ(test, env->hv.traps_mapped, VMED_MAX_BARS);

	/* Low dword only. */
	tv_cfg_write32(test, vgpu, CFG_BAR(0), 0xe1000000);
	KUNIT_EXPECT_EQ(test, env->hv.traps_unmapped, 1);
	KUNIT_EXPECT_EQ(test, env->hv.traps_mapped, VMED_MAX_BARS + 1);
	KUNIT_EXPECT_TRUE(test, env->hv.trap_on[0]);
	KUNIT_EXPECT_EQ(test, env->hv.trap_gpa[0], 0xe1000000);
	/* The others did not move. */
	KUNIT_EXPECT_EQ(test, env->hv.trap_gpa[1], BAR2_ADDR);
	KUNIT_EXPECT_EQ(test, env->hv.trap_gpa[2], BAR4_ADDR);

	/* Upper dword: above 4 GiB. */
	tv_cfg_write32(test, vgpu, CFG_BAR(0) + 4, upper_32_bits(BAR0_HIGH_ADDR));
	KUNIT_EXPECT_EQ(test, env->hv.traps_unmapped, 2);
	KUNIT_EXPECT_TRUE(test, env->hv.trap_on[0]);
	KUNIT_EXPECT_EQ(test, env->hv.trap_gpa[0], BAR0_HIGH_ADDR);
	KUNIT_EXPECT_EQ(test, vgpu->cfg.trap_base[0], BAR0_HIGH_ADDR);

	/* Rewriting the same address is not a move. */
	tv_cfg_write32(test, vgpu, CFG_BAR(0) + 4, upper_32_bits(BAR0_HIGH_ADDR));
	KUNIT_EXPECT_EQ(test, env->hv.traps_unmapped, 2);
	KUNIT_EXPECT_EQ(test, env->hv.traps_mapped, VMED_MAX_BARS + 2);

	/* A 32-bit BAR. */
	tv_cfg_write32(test, vgpu, CFG_BAR(2), 0xe4010000);
	KUNIT_EXPECT_EQ(test, env->hv.traps_unmapped, 3);
	KUNIT_EXPECT_EQ(test, env->hv.trap_gpa[2], 0xe4010000);
	KUNIT_EXPECT_TRUE(test, env->hv.trap_on[2]);
}

static void cfg_sizing_pattern_not_trapped(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;

	cfg_place_all_bars(test, env);
	cfg_memory(test, env, true);
	KUNIT_ASSERT_TRUE(test, env->hv.trap_on[0]);

	/* Sizing with decoding left on. */
	tv_cfg_write32(test, vgpu, CFG_BAR(2), 0xffffffff);
	KUNIT_EXPECT_FALSE(test, env->hv.trap_on[2]);
	KUNIT_EXPECT_FALSE(test, vgpu->cfg.trapped[2]);

	tv_cfg_write32(test, vgpu, CFG_BAR(0), 0xffffffff);
	tv_cfg_write32(test, vgpu, CFG_BAR(0) + 4, 0xffffffff);
	KUNIT_EXPECT_FALSE(test, env->hv.trap_on[0]);
	KUNIT_EXPECT_FALSE(test, vgpu->cfg.trapped[0]);
	KUNIT_EXPECT_TRUE(test, env->hv.trap_on[1]);

	/* Decoding toggled while BARs hold the pattern: still nothing. */
	cfg_memory(test, env, false);
	cfg_memory(test, env, true);
	KUNIT_EXPECT_FALSE(test, env->hv.trap_on[0]);
	KUNIT_EXPECT_FALSE(test, env->hv.trap_on[2]);
	KUNIT_EXPECT_TRUE(test, env->hv.trap_on[1]);

	/* Restored: trapped again. */
	cfg_set_bar(test, env, 0, BAR0_ADDR);
	cfg_set_bar(test, env, 2, BAR4_ADDR);
	KUNIT_EXPECT_TRUE(test, env->hv.trap_on[0]);
	KUNIT_EXPECT_EQ(test, env->hv.trap_gpa[0], BAR0_ADDR);
	KUNIT_EXPECT_TRUE(test, env->hv.trap_on[2]);
	KUNIT_EXPECT_EQ(test, env->hv.trap_gpa[2], BAR4_ADDR);
}

static void cfg_refused_placement(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;
	u32 ram_addr = 0x100000;	/* inside the fake guest RAM */

	KUNIT_ASSERT_LT(test, (u64)ram_addr, (u64)FAKE_GUEST_FRAMES << PAGE_SHIFT);
	cfg_set_bar(test, env, 0, BAR0_ADDR);
	cfg_set_bar(test, env, 1, BAR2_ADDR);
	tv_cfg_write32(test, vgpu, CFG_BAR(2), ram_addr);
	cfg_memory(test, env, true);
	KUNIT_EXPECT_TRUE(test, env->hv.trap_on[0]);
	KUNIT_EXPECT_TRUE(test, env->hv.trap_on[1]);
	KUNIT_EXPECT_FALSE(test, env->hv.trap_on[2]);
	KUNIT_EXPECT_FALSE(test, vgpu->cfg.trapped[2]);
	KUNIT_EXPECT_EQ(test, env->hv.traps_mapped, 2);
	/* The config space still says what the guest wrote. */
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, CFG_BAR(2)), ram_addr);

	/* Moving a trapped BAR onto RAM: old trap gone, no new one. */
	tv_cfg_write32(test, vgpu, CFG_BAR(0), 0);
	tv_cfg_write32(test, vgpu, CFG_BAR(0) + 4, 0);
	KUNIT_EXPECT_FALSE(test, env->hv.trap_on[0]);
	KUNIT_EXPECT_FALSE(test, vgpu->cfg.trapped[0]);

	/* Moved to an acceptable place, the refused BAR gets trapped. */
	tv_cfg_write32(test, vgpu, CFG_BAR(2), BAR4_ADDR);
	KUNIT_EXPECT_TRUE(test, env->hv.trap_on[2]);
	KUNIT_EXPECT_EQ(test, env->hv.trap_gpa[2], BAR4_ADDR);
	cfg_set_bar(test, env, 0, BAR0_ADDR);
	KUNIT_EXPECT_TRUE(test, env->hv.trap_on[0]);

	cfg_memory(test, env, false);
	KUNIT_EXPECT_FALSE(test, env->hv.trap_on[0]);
	KUNIT_EXPECT_FALSE(test, env->hv.trap_on[1]);
	KUNIT_EXPECT_FALSE(test, env->hv.trap_on[2]);
	KUNIT_EXPECT_EQ(test, env->hv.errors, 0);
}

static void cfg_msi_capability(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;

	KUNIT_EXPECT_FALSE(test, vgpu->msi.enabled);

	/* Only the enable bit of the control word is writable. */
	tv_cfg_write16(test, vgpu, CFG_MSI(PCI_MSI_FLAGS), 0xffff);
	KUNIT_EXPECT_EQ(test, tv_cfg_read16(test, vgpu, CFG_MSI(PCI_MSI_FLAGS)),
			PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_ENABLE);
	KUNIT_EXPECT_EQ(test, tv_cfg_read16(test, vgpu, CFG_MSI(PCI_MSI_FLAGS)) &
			PCI_MSI_FLAGS_QSIZE, 0);
	KUNIT_EXPECT_TRUE(test, vgpu->msi.enabled);
	tv_cfg_write16(test, vgpu, CFG_MSI(PCI_MSI_FLAGS), PCI_MSI_FLAGS_QSIZE);
	KUNIT_EXPECT_EQ(test, tv_cfg_read16(test, vgpu, CFG_MSI(PCI_MSI_FLAGS)),
			PCI_MSI_FLAGS_64BIT);
	KUNIT_EXPECT_FALSE(test, vgpu->msi.enabled);

	/* Address: the low two bits are read-only zero. */
	tv_cfg_write32(test, vgpu, CFG_MSI(PCI_MSI_ADDRESS_LO), 0xfee0100f);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, CFG_MSI(PCI_MSI_ADDRESS_LO)),
			0xfee0100c);
	KUNIT_EXPECT_EQ(test, vgpu->msi.addr, 0xfee0100c);
	tv_cfg_write32(test, vgpu, CFG_MSI(PCI_MSI_ADDRESS_HI), 0x89abcdef);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, CFG_MSI(PCI_MSI_ADDRESS_HI)),
			0x89abcdef);
	KUNIT_EXPECT_EQ(test, vgpu->msi.addr, 0x89abcdeffee0100cULL);

	/* Data: 16 bits; the two bytes after it stay zero. */
	tv_cfg_write16(test, vgpu, CFG_MSI(PCI_MSI_DATA_64), 0x4321);
	KUNIT_EXPECT_EQ(test, vgpu->msi.data, 0x4321);
	tv_cfg_write32(test, vgpu, CFG_MSI(PCI_MSI_DATA_64), 0xdeadbeef);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, CFG_MSI(PCI_MSI_DATA_64)),
			0xbeef);
	KUNIT_EXPECT_EQ(test, vgpu->msi.data, 0xbeef);

	/* A dword write over the header enables MSI, header untouched. */
	tv_cfg_write32(test, vgpu, TV_MSI_CAP, 0xffffffff);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, TV_MSI_CAP),
			(u32)(PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_ENABLE) << 16 |
			PCI_CAP_ID_MSI);
	KUNIT_EXPECT_TRUE(test, vgpu->msi.enabled);
	KUNIT_EXPECT_EQ(test, vgpu->msi.addr, 0x89abcdeffee0100cULL);
	KUNIT_EXPECT_EQ(test, vgpu->msi.data, 0xbeef);

	/* Byte-wise address update is mirrored too. */
	cfg_write8(test, vgpu, CFG_MSI(PCI_MSI_ADDRESS_HI) + 3, 0);
	KUNIT_EXPECT_EQ(test, vgpu->msi.addr, 0x00abcdeffee0100cULL);
	cfg_write8(test, vgpu, CFG_MSI(PCI_MSI_FLAGS), 0);
	KUNIT_EXPECT_FALSE(test, vgpu->msi.enabled);
}

static void cfg_bad_accesses(struct kunit *test)
{
	static const struct {
		unsigned int offset;
		unsigned int len;
	} bad[] = {
		{ PCI_COMMAND, 3 }, { PCI_COMMAND, 8 }, { PCI_COMMAND, 0 },
		{ PCI_COMMAND, 5 }, { PCI_COMMAND + 1, 2 }, { PCI_COMMAND + 2, 4 },
		{ PCI_COMMAND + 1, 4 }, { 0xfff, 2 }, { 0xffe, 4 },
		{ PCI_CFG_SPACE_EXP_SIZE, 1 }, { PCI_CFG_SPACE_EXP_SIZE, 4 },
		{ 0x10000, 4 }, { 0x80000000, 2 },
	};
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;
	u8 before[PCI_CFG_SPACE_SIZE];
	u8 ones[8], buf[8];
	unsigned int i;

	memset(ones, 0xff, sizeof(ones));
	memcpy(before, vgpu->cfg.space, sizeof(before));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		u64 rejected = vgpu->stats.mmio_rejected;

		memset(buf, 0x5a, sizeof(buf));
		KUNIT_EXPECT_EQ_MSG(test, vmed_cfg_read(vgpu, bad[i].offset, buf,
							bad[i].len), -EINVAL,
				    "read %#x/%u", bad[i].offset, bad[i].len);
		KUNIT_EXPECT_EQ(test, vgpu->stats.mmio_rejected, rejected + 1);
		KUNIT_EXPECT_EQ_MSG(test, buf[0], 0x5a, "read %#x/%u touched buf",
				    bad[i].offset, bad[i].len);
		KUNIT_EXPECT_EQ_MSG(test, vmed_cfg_write(vgpu, bad[i].offset, ones,
							 bad[i].len), -EINVAL,
				    "write %#x/%u", bad[i].offset, bad[i].len);
		KUNIT_EXPECT_EQ(test, vgpu->stats.mmio_rejected, rejected + 2);
	}
	KUNIT_EXPECT_MEMEQ(test, vgpu->cfg.space, before, sizeof(before));
	KUNIT_EXPECT_EQ(test, vgpu->stats.cfg_writes, 0);
	KUNIT_EXPECT_EQ(test, env->hv.traps_mapped, 0);

	/* The boundaries that are fine. */
	KUNIT_EXPECT_EQ(test, vmed_cfg_read(vgpu, 0xfff, buf, 1), 0);
	KUNIT_EXPECT_EQ(test, vmed_cfg_read(vgpu, 0xffc, buf, 4), 0);
	KUNIT_EXPECT_EQ(test, vmed_cfg_read(vgpu, 0xfe, buf, 2), 0);
	KUNIT_EXPECT_EQ(test, vgpu->stats.mmio_rejected, 2 * ARRAY_SIZE(bad));
}

/* Offsets so large that offset + len wraps around must be refused too. */
static void cfg_offset_wrap_rejected(struct kunit *test)
{
	static const struct {
		unsigned int offset;
		unsigned int len;
	} bad[] = {
		{ 0xffffffff, 1 }, { 0xfffffffe, 2 }, { 0xfffffffc, 4 },
	};
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;
	u8 ones[4] = { 0xff, 0xff, 0xff, 0xff };
	u8 buf[4];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_EQ_MSG(test, vmed_cfg_read(vgpu, bad[i].offset, buf,
							bad[i].len), -EINVAL,
				    "read %#x/%u", bad[i].offset, bad[i].len);
		KUNIT_EXPECT_EQ_MSG(test, vmed_cfg_write(vgpu, bad[i].offset, ones,
							 bad[i].len), -EINVAL,
				    "write %#x/%u", bad[i].offset, bad[i].len);
	}
	KUNIT_EXPECT_EQ(test, vgpu->stats.mmio_rejected, 2 * ARRAY_SIZE(bad));
}

static void cfg_extended_space(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;
	u8 before[PCI_CFG_SPACE_SIZE];
	u8 buf[4];

	memset(buf, 0xa5, sizeof(buf));
	KUNIT_EXPECT_EQ(test, vmed_cfg_read(vgpu, PCI_CFG_SPACE_SIZE, buf, 4), 0);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(buf), 0);
	memset(buf, 0xa5, sizeof(buf));
	KUNIT_EXPECT_EQ(test, vmed_cfg_read(vgpu, 0xffe, buf, 2), 0);
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(buf), 0);
	KUNIT_EXPECT_EQ(test, cfg_read8(test, vgpu, 0x4ff), 0);

	memcpy(before, vgpu->cfg.space, sizeof(before));
	tv_cfg_write32(test, vgpu, PCI_CFG_SPACE_SIZE, 0xffffffff);
	tv_cfg_write32(test, vgpu, PCI_CFG_SPACE_SIZE + PCI_COMMAND, 0xffffffff);
	tv_cfg_write16(test, vgpu, 0xffe, 0xffff);
	cfg_write8(test, vgpu, 0xfff, 0xff);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, PCI_CFG_SPACE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, tv_cfg_read32(test, vgpu, 0xffc), 0);
	/* Not aliased onto the standard header. */
	KUNIT_EXPECT_MEMEQ(test, vgpu->cfg.space, before, sizeof(before));
	KUNIT_EXPECT_EQ(test, vgpu->stats.mmio_rejected, 0);
}

static void cfg_failed_vgpu_drops_writes(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;
	u8 before[PCI_CFG_SPACE_SIZE];

	cfg_place_all_bars(test, env);
	memcpy(before, vgpu->cfg.space, sizeof(before));
	vgpu->failed = true;

	tv_cfg_write16(test, vgpu, PCI_COMMAND, PCI_COMMAND_MEMORY);
	cfg_write8(test, vgpu, PCI_INTERRUPT_LINE, 0x0b);
	tv_cfg_write32(test, vgpu, CFG_BAR(2), 0xffffffff);
	tv_cfg_write16(test, vgpu, CFG_MSI(PCI_MSI_FLAGS), PCI_MSI_FLAGS_ENABLE);
	KUNIT_EXPECT_MEMEQ(test, vgpu->cfg.space, before, sizeof(before));
	KUNIT_EXPECT_EQ(test, env->hv.traps_mapped, 0);
	KUNIT_EXPECT_FALSE(test, vgpu->msi.enabled);

	/* Bad accesses are still refused as such. */
	KUNIT_EXPECT_EQ(test, vmed_cfg_write(vgpu, 0, before, 3), -EINVAL);

	/* Alive again, the same write does take effect. */
	vgpu->failed = false;
	tv_cfg_write16(test, vgpu, PCI_COMMAND, PCI_COMMAND_MEMORY);
	KUNIT_EXPECT_EQ(test, env->hv.traps_mapped, VMED_MAX_BARS);
}

/*
 * While no hypervisor is attached nothing can be trapped (vmed_cfg_untrap_all
 * relies on it): a memory enable written while detached must not be
 * recorded as a trap, or the next hypervisor is asked to remove a trap it
 * never set and is never asked to set the one the guest needs.
 */
static void cfg_detached_no_phantom_trap(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;

	cfg_set_bar(test, env, 0, BAR0_ADDR);
	vmed_vgpu_detach(vgpu, &fake_frontend);
	cfg_memory(test, env, true);
	KUNIT_EXPECT_FALSE(test, vgpu->cfg.trapped[0]);

	KUNIT_ASSERT_EQ(test, vmed_vgpu_attach(vgpu, &fake_frontend,
					       &fake_hv_ops, &env->hv), 0);
	/* Attaching reset the function: nothing is trapped yet. */
	KUNIT_EXPECT_EQ(test, env->hv.traps_mapped, 0);
	/* The guest places BAR0 and enables decoding: now it is trapped. */
	cfg_set_bar(test, env, 0, BAR0_ADDR);
	cfg_memory(test, env, true);
	KUNIT_EXPECT_TRUE(test, env->hv.trap_on[0]);
	vmed_vgpu_reset(vgpu);
	KUNIT_EXPECT_FALSE(test, env->hv.trap_on[0]);
	KUNIT_EXPECT_EQ(test, env->hv.errors, 0);
}

static void cfg_reset(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;
	u8 initial[PCI_CFG_SPACE_SIZE], wmask[PCI_CFG_SPACE_SIZE];
	unsigned int i;

	memcpy(initial, vgpu->cfg.space, sizeof(initial));
	memcpy(wmask, vgpu->cfg.wmask, sizeof(wmask));

	cfg_place_all_bars(test, env);
	tv_cfg_write32(test, vgpu, PCI_ROM_ADDRESS, 0xe5000001);
	cfg_write8(test, vgpu, PCI_INTERRUPT_LINE, 0x0b);
	tv_cfg_write32(test, vgpu, CFG_MSI(PCI_MSI_ADDRESS_LO), 0xfee00000);
	tv_cfg_write16(test, vgpu, CFG_MSI(PCI_MSI_DATA_64), 0x41);
	tv_cfg_write16(test, vgpu, CFG_MSI(PCI_MSI_FLAGS), PCI_MSI_FLAGS_ENABLE);
	tv_cfg_write16(test, vgpu, PCI_COMMAND,
		       PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	KUNIT_ASSERT_EQ(test, env->hv.traps_mapped, VMED_MAX_BARS);
	KUNIT_ASSERT_TRUE(test, vgpu->msi.enabled);
	KUNIT_ASSERT_NE(test, memcmp(vgpu->cfg.space, initial, sizeof(initial)), 0);

	vmed_vgpu_reset(vgpu);

	KUNIT_EXPECT_MEMEQ(test, vgpu->cfg.space, initial, sizeof(initial));
	KUNIT_EXPECT_MEMEQ(test, vgpu->cfg.wmask, wmask, sizeof(wmask));
	for (i = 0; i < PCI_CFG_SPACE_SIZE; i += 4)
		KUNIT_EXPECT_EQ_MSG(test, tv_cfg_read32(test, vgpu, i),
				    get_unaligned_le32(initial + i), "dword %#x", i);
	KUNIT_EXPECT_EQ(test, env->hv.traps_unmapped, VMED_MAX_BARS);
	for (i = 0; i < VMED_MAX_BARS; i++) {
		KUNIT_EXPECT_FALSE(test, env->hv.trap_on[i]);
		KUNIT_EXPECT_FALSE(test, vgpu->cfg.trapped[i]);
	}
	KUNIT_EXPECT_FALSE(test, vgpu->msi.enabled);
	KUNIT_EXPECT_EQ(test, vgpu->msi.addr, 0);
	KUNIT_EXPECT_EQ(test, vgpu->msi.data, 0);

	/* Still attached and usable: the guest can set it up again. */
	cfg_place_all_bars(test, env);
	cfg_memory(test, env, true);
	KUNIT_EXPECT_EQ(test, env->hv.traps_mapped, 2 * VMED_MAX_BARS);
	KUNIT_EXPECT_TRUE(test, env->hv.trap_on[0]);
}

static struct kunit_case cfg_cases[] = {
	KUNIT_CASE(cfg_identity),
	KUNIT_CASE(cfg_identity_other_vendor),
	KUNIT_CASE(cfg_device_specific_fields),
	KUNIT_CASE(cfg_read_only_fields),
	KUNIT_CASE(cfg_command_register),
	KUNIT_CASE(cfg_status_rw1c),
	KUNIT_CASE(cfg_bar0_sizing_64bit),
	KUNIT_CASE(cfg_bar2_prefetchable),
	KUNIT_CASE(cfg_bar4_sizing_32bit),
	KUNIT_CASE(cfg_absent_bar),
	KUNIT_CASE(cfg_rom_sizing),
	KUNIT_CASE(cfg_no_rom),
	KUNIT_CASE(cfg_memory_enable_traps),
	KUNIT_CASE(cfg_bar_move_while_enabled),
	KUNIT_CASE(cfg_sizing_pattern_not_trapped),
	KUNIT_CASE(cfg_refused_placement),
	KUNIT_CASE(cfg_msi_capability),
	KUNIT_CASE(cfg_bad_accesses),
	KUNIT_CASE(cfg_offset_wrap_rejected),
	KUNIT_CASE(cfg_extended_space),
	KUNIT_CASE(cfg_failed_vgpu_drops_writes),
	KUNIT_CASE(cfg_detached_no_phantom_trap),
	KUNIT_CASE(cfg_reset),
	{}
};

static struct kunit_suite cfg_suite = {
	.name = "vmed_cfg",
	.test_cases = cfg_cases,
};

kunit_test_suite(cfg_suite);
