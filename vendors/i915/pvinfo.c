// SPDX-License-Identifier: GPL-2.0
/*
 * PVINFO: the page at 0x78000 through which Linux's i915 recognises a vGPU
 * ("vGTvGTvG", version 1.0), learns which part of graphics memory and which
 * fences are its own (ballooning), and announces its PPGTTs.
 *
 * The host-to-guest half is read-only (table flags); the values that
 * depend on the vGPU are produced on read from the vGPU's partition, so
 * they cannot go stale. Of the guest-to-host half, only g2v_notify has side
 * effects: a 4-level PPGTT create shadows the PML4 in pdp[0] and keeps a
 * reference until the matching destroy (or a reset). A bad root is the
 * guest's problem: it is counted and refused, the vGPU carries on.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/kernel.h>
#include "i915.h"

/**
 * vmed_i915_pvinfo_read() - read handler of the vGPU-dependent PVINFO fields
 * @vgpu: the vGPU; its lock held
 * @reg: the field
 *
 * Return: the field's value.
 */
u64 vmed_i915_pvinfo_read(struct vmed_vgpu *vgpu, const struct vmed_mmio_reg *reg)
{
	switch (reg->offset) {
	case I915_PV_VGT_ID:
		return vmed_vgpu_id(vgpu) + 1;	/* 0 is the host in GVT-g's numbering */
	case I915_PV_MAPPABLE_BASE:
		return vmed_vgpu_gm_base(vgpu, VMED_GM_MAPPABLE);
	case I915_PV_MAPPABLE_SIZE:
		return vmed_vgpu_gm_size(vgpu, VMED_GM_MAPPABLE);
	case I915_PV_HIDDEN_BASE:
		return vmed_vgpu_gm_base(vgpu, VMED_GM_HIDDEN);
	case I915_PV_HIDDEN_SIZE:
		return vmed_vgpu_gm_size(vgpu, VMED_GM_HIDDEN);
	case I915_PV_FENCE_NUM:
		return vmed_vgpu_fences(vgpu);
	default:
		return 0;
	}
}

/**
 * vmed_i915_ppgtt_find() - the shadow of an announced PML4
 * @vgpu: the vGPU; its lock held
 * @root: guest physical address of the PML4
 *
 * Return: the address space, or NULL if the guest did not announce it.
 */
struct vmed_ppgtt_mm *vmed_i915_ppgtt_find(struct vmed_vgpu *vgpu, u64 root)
{
	struct i915_vgpu *iv = i915_of(vgpu);
	unsigned int i;

	for (i = 0; i < iv->nr_ppgtt; i++)
		if (iv->ppgtt[i].root == root)
			return iv->ppgtt[i].mm;
	return NULL;
}

static int ppgtt_create(struct vmed_vgpu *vgpu, u64 root)
{
	struct i915_vgpu *iv = i915_of(vgpu);
	struct vmed_ppgtt_mm *mm;

	if (iv->nr_ppgtt == I915_MAX_PPGTTS)
		return -ENOSPC;
	mm = vmed_ppgtt_get(vgpu, root);
	if (IS_ERR(mm))
		return PTR_ERR(mm);
	iv->ppgtt[iv->nr_ppgtt].root = root;
	iv->ppgtt[iv->nr_ppgtt].mm = mm;
	iv->nr_ppgtt++;
	return 0;
}

static int ppgtt_destroy(struct vmed_vgpu *vgpu, u64 root)
{
	struct i915_vgpu *iv = i915_of(vgpu);
	unsigned int i;

	for (i = 0; i < iv->nr_ppgtt; i++) {
		if (iv->ppgtt[i].root != root)
			continue;
		vmed_ppgtt_put(vgpu, iv->ppgtt[i].mm);
		iv->ppgtt[i] = iv->ppgtt[--iv->nr_ppgtt];
		return 0;
	}
	return -ENOENT;
}

/**
 * vmed_i915_ppgtt_release_all() - drop every announced PPGTT (engine reset)
 * @vgpu: the vGPU; its lock held
 */
void vmed_i915_ppgtt_release_all(struct vmed_vgpu *vgpu)
{
	struct i915_vgpu *iv = i915_of(vgpu);

	while (iv->nr_ppgtt) {
		iv->nr_ppgtt--;
		vmed_ppgtt_put(vgpu, iv->ppgtt[iv->nr_ppgtt].mm);
	}
}

/**
 * vmed_i915_g2v_notify() - write handler of PVINFO g2v_notify
 * @vgpu: the vGPU; its lock held
 * @reg: the register
 * @old: previous value
 * @val: the notification
 *
 * Return: 0; refused notifications are counted, they do not fail the vGPU
 * (an out-of-memory inside the core fails it on its own).
 */
int vmed_i915_g2v_notify(struct vmed_vgpu *vgpu, const struct vmed_mmio_reg *reg,
			 u64 old, u64 val)
{
	u64 root = vmed_vreg_read(vgpu, I915_PV_PDP_LO(0), 4) |
		   vmed_vreg_read(vgpu, I915_PV_PDP_HI(0), 4) << 32;
	int ret;

	switch (val) {
	case I915_G2V_PPGTT_L4_CREATE:
		ret = ppgtt_create(vgpu, root);
		break;
	case I915_G2V_PPGTT_L4_DESTROY:
		ret = ppgtt_destroy(vgpu, root);
		break;
	case I915_G2V_EXECLIST_CTX_CREATE:
	case I915_G2V_EXECLIST_CTX_DESTROY:
		/* Contexts are read from memory at each submission. */
		ret = 0;
		break;
	default:
		/* 3-level PPGTTs are not offered (caps say 4-level only). */
		ret = -EINVAL;
		break;
	}
	if (ret) {
		i915_of(vgpu)->stats.g2v_errors++;
		pr_info_ratelimited("%s: g2v_notify %llu (root %#llx) refused: %d\n",
				    vmed_vgpu_name(vgpu), val, root, ret);
	}
	return 0;
}
