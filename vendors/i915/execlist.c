// SPDX-License-Identifier: GPL-2.0
/*
 * Execlists of the render engine: the submit port, contexts and the
 * context status buffer.
 *
 * The guest writes two context descriptors to ELSP as four dwords (element
 * 1 high, element 1 low, element 0 high, element 0 low); the fourth write
 * submits. Element 0 runs first, then element 1 if valid. Each runs to
 * completion synchronously, inside the register write, with the vGPU lock
 * held: there is no queue, so a reset can only find a half-written port,
 * which it clears.
 *
 * Per element one CSB entry is written: COMPLETE plus ELEMENT_SWITCH (more
 * to run) or ACTIVE_IDLE (the engine went idle), context ID in the high
 * dword; then one context-switch interrupt for the pair. A refused or
 * faulting workload is reported in the same entry with I915_CSB_ERROR
 * (bit 31, a vmed extension) and in EXECLIST_STATUS_LO bit 31, which stays
 * set until the next clean workload; EXECLIST_STATUS_HI holds the last
 * context ID. A refused workload executes nothing and its ring is consumed
 * (head = tail) so that the guest's next submission is not stuck behind it;
 * the vGPU is not failed. Entries are mirrored to the HWSP at HWS_PGA
 * (dwords 0x10.., write pointer at 0x1f) when the guest set one.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/mm.h>
#include "i915.h"

static void csb_write(struct vmed_vgpu *vgpu, u32 status, u32 ctx_id)
{
	u32 ptr = vmed_vreg_read(vgpu, I915_CSB_PTR, 4);
	u32 wp = ((ptr & I915_CSB_WRITE_MASK) + 1) % I915_CSB_ENTRIES;
	u64 hws = vmed_vreg_read(vgpu, I915_HWS_PGA, 4) & GENMASK(31, 12);
	u32 entry[2] = { status, ctx_id };

	vmed_vreg_write(vgpu, I915_CSB(wp), 4, status);
	vmed_vreg_write(vgpu, I915_CSB(wp) + 4, 4, ctx_id);
	vmed_vreg_write(vgpu, I915_CSB_PTR, 4,
			(ptr & ~I915_CSB_WRITE_MASK) | wp);
	if (hws) {
		/* Best effort: a bad HWSP only hides the mirror. */
		if (!vmed_gm_rw(vgpu, hws + (I915_HWS_CSB_BUF0 + 2 * wp) * 4,
				entry, sizeof(entry), true))
			vmed_gm_rw(vgpu, hws + I915_HWS_CSB_WRITE * 4, &wp,
				   sizeof(wp), true);
	}
}

static enum i915_wl_error ctx_load(struct vmed_vgpu *vgpu, u64 desc,
				   struct i915_ctx *ctx)
{
	u32 state[I915_CTX_STATE_DWORDS];
	u32 ctl;

	ctx->desc = desc;
	ctx->lrca = desc & I915_CTX_LRCA_MASK;
	if (vmed_gm_rw(vgpu, ctx->lrca + I915_CTX_STATE_PAGE * PAGE_SIZE,
		       state, sizeof(state), false))
		return I915_WL_BAD_CONTEXT;
	ctl = state[I915_CTX_RING_CTL];
	ctx->ring_start = state[I915_CTX_RING_START] & GENMASK(31, 12);
	ctx->ring_size = I915_RING_CTL_PAGES(ctl) * PAGE_SIZE;
	ctx->head = state[I915_CTX_RING_HEAD] & I915_RING_OFFSET_MASK;
	ctx->tail = state[I915_CTX_RING_TAIL] & I915_RING_OFFSET_MASK;
	ctx->mm = NULL;
	if (((desc & I915_CTX_MODE_MASK) >> I915_CTX_MODE_SHIFT) ==
	    I915_CTX_MODE_LEGACY_64)
		ctx->mm = vmed_i915_ppgtt_find(vgpu, state[I915_CTX_PDP0_LDW] |
					  (u64)state[I915_CTX_PDP0_UDW] << 32);
	if (!(ctl & I915_RING_CTL_VALID) || ctx->head >= ctx->ring_size ||
	    ctx->tail >= ctx->ring_size)
		return I915_WL_BAD_RING;
	return I915_WL_OK;
}

static const char *const wl_error_names[I915_WL_NR_ERRORS] = {
	[I915_WL_OK] = "ok",
	[I915_WL_BAD_CONTEXT] = "context image unreachable",
	[I915_WL_BAD_RING] = "bad ring",
	[I915_WL_BAD_OPCODE] = "command outside the subset",
	[I915_WL_BAD_LRI] = "LRI to a privileged register",
	[I915_WL_BAD_LENGTH] = "bad command length",
	[I915_WL_BAD_ADDRESS] = "address outside the vGPU's mappings",
	[I915_WL_BAD_BLIT] = "unsupported blit",
	[I915_WL_TOO_BIG] = "workload too big",
	[I915_WL_NO_PPGTT] = "PPGTT access without an announced PPGTT",
	[I915_WL_EXEC_FAULT] = "fault while executing",
};

/* What the core is told of a refused context (it wants an errno). */
static const int wl_errno[I915_WL_NR_ERRORS] = {
	[I915_WL_OK] = 0,
	[I915_WL_BAD_CONTEXT] = -EFAULT,
	[I915_WL_BAD_RING] = -EFAULT,
	[I915_WL_BAD_OPCODE] = -EINVAL,
	[I915_WL_BAD_LRI] = -EINVAL,
	[I915_WL_BAD_LENGTH] = -EINVAL,
	[I915_WL_BAD_ADDRESS] = -EFAULT,
	[I915_WL_BAD_BLIT] = -EINVAL,
	[I915_WL_TOO_BIG] = -E2BIG,
	[I915_WL_NO_PPGTT] = -EFAULT,
	[I915_WL_EXEC_FAULT] = -EFAULT,
};

/**
 * vmed_i915_submit() - run one context (the vendor's submit op)
 * @vgpu: the vGPU; its lock held, shadow page tables in sync
 * @desc: the context descriptor from ELSP
 *
 * Loads the context, scans its ring (and the batches it calls) into a
 * private copy, executes the copy and writes the ring head back.
 *
 * Return: 0 if the context ran; -EFAULT, -EINVAL or -E2BIG if it was
 * refused (the &enum i915_wl_error is kept in the backend's statistics and
 * reported to the guest in the CSB); nothing here fails the vGPU.
 */
int vmed_i915_submit(struct vmed_vgpu *vgpu, u64 desc)
{
	struct i915_vgpu *iv = i915_of(vgpu);
	struct i915_ctx ctx;
	enum i915_wl_error err;

	iv->stats.workloads++;
	err = ctx_load(vgpu, desc, &ctx);
	if (!err)
		err = vmed_i915_cmd_scan(vgpu, &ctx);
	if (!err)
		err = vmed_i915_cmd_exec(vgpu, &ctx);
	if (err != I915_WL_BAD_CONTEXT) {
		u64 head = ctx.lrca + I915_CTX_STATE_PAGE * PAGE_SIZE +
			   I915_CTX_RING_HEAD * 4;

		/* The ring is consumed either way (see the top of the file). */
		if (err == I915_WL_BAD_RING ||
		    vmed_gm_rw(vgpu, head, &ctx.tail, 4, true))
			ctx.tail = 0;
		vmed_vreg_write(vgpu, I915_RING_HEAD, 4, ctx.tail);
	}
	if (err) {
		iv->stats.workload_errors++;
		iv->stats.by_error[err]++;
		iv->last_error = err;
		pr_info_ratelimited("%s: context %#llx refused: %s\n",
				    vmed_vgpu_name(vgpu), desc, wl_error_names[err]);
	}
	return wl_errno[err];
}

static void run_element(struct vmed_vgpu *vgpu, u64 desc, bool last)
{
	u32 status = I915_CSB_COMPLETE |
		     (last ? I915_CSB_ACTIVE_IDLE : I915_CSB_ELEMENT_SWITCH);
	u32 exec_status = 0;
	int ret;

	ret = vmed_vgpu_submit(vgpu, desc);
	if (vmed_vgpu_failed(vgpu))	/* it reads as dead now */
		return;
	if (ret) {
		status |= I915_CSB_ERROR;
		exec_status = I915_EXECLIST_ERROR;
	}
	vmed_vreg_write(vgpu, I915_EXECLIST_STATUS_LO, 4, exec_status);
	vmed_vreg_write(vgpu, I915_EXECLIST_STATUS_HI, 4, upper_32_bits(desc));
	csb_write(vgpu, status, upper_32_bits(desc));
}

/**
 * vmed_i915_elsp_write() - write handler of the render engine's ELSP
 * @vgpu: the vGPU; its lock held
 * @reg: the register
 * @old: previous value
 * @val: the dword written
 *
 * Return: 0; workload errors are reported to the guest, not to the core.
 */
int vmed_i915_elsp_write(struct vmed_vgpu *vgpu, const struct vmed_mmio_reg *reg,
			 u64 old, u64 val)
{
	struct i915_vgpu *iv = i915_of(vgpu);
	u64 desc[2];

	iv->elsp[iv->elsp_count++] = val;
	if (iv->elsp_count < ARRAY_SIZE(iv->elsp))
		return 0;
	iv->elsp_count = 0;
	desc[1] = iv->elsp[1] | (u64)iv->elsp[0] << 32;
	desc[0] = iv->elsp[3] | (u64)iv->elsp[2] << 32;
	if (!(desc[0] & I915_CTX_VALID))
		return 0;
	run_element(vgpu, desc[0], !(desc[1] & I915_CTX_VALID));
	if ((desc[1] & I915_CTX_VALID) && !vmed_vgpu_failed(vgpu))
		run_element(vgpu, desc[1], true);
	if (!vmed_vgpu_failed(vgpu))
		vmed_irq_raise(vgpu, I915_EV_RCS_CTX_SWITCH);
	return 0;
}

/**
 * vmed_i915_engine_reset() - stop the engine and drop guest-announced state
 * @vgpu: the vGPU; its lock held
 *
 * Called by the core on reset, detach, destroy and when the vGPU fails.
 * Work never outlives the ELSP write that started it, so only the half
 * written port and the announced PPGTTs are left to drop.
 */
void vmed_i915_engine_reset(struct vmed_vgpu *vgpu)
{
	struct i915_vgpu *iv = i915_of(vgpu);

	if (!iv)
		return;
	iv->elsp_count = 0;
	iv->cmd_len = 0;
	if (vmed_vgpu_attached(vgpu))
		vmed_i915_ppgtt_release_all(vgpu);
}
