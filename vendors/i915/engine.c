// SPDX-License-Identifier: GPL-2.0
/*
 * The software render engine: executes the commands the scanner accepted
 * (cmd.c), and the device's memory paths (GGTT, PPGTT, aperture).
 *
 * All memory goes through the core's device-side accessors, vmed_gm_rw()
 * (the vGPU's GGTT slices only) and vmed_ppgtt_rw() (the shadow of an
 * announced PPGTT), never through a guest physical address.
 */
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/mm.h>
#include "i915.h"

#define REC_LEN(h)	((h) & 0xffff)
#define REC_PPGTT	BIT(16)

/**
 * vmed_i915_mem_rw() - the engine accesses memory in one of a context's spaces
 * @vgpu: the vGPU; its lock held
 * @ctx: the context
 * @ppgtt: use the context's PPGTT, else the GGTT
 * @addr: address in that space
 * @buf: data
 * @len: bytes
 * @write: direction
 *
 * Return: 0, -ENOENT if the context has no PPGTT, -EFAULT if any byte is
 * not reachable.
 */
int vmed_i915_mem_rw(struct vmed_vgpu *vgpu, const struct i915_ctx *ctx,
		     bool ppgtt, u64 addr, void *buf, size_t len, bool write)
{
	if (!ppgtt)
		return vmed_gm_rw(vgpu, addr, buf, len, write);
	if (!ctx->mm)
		return -ENOENT;
	if (addr >= BIT_ULL(I915_PPGTT_VA_BITS) ||
	    len > BIT_ULL(I915_PPGTT_VA_BITS) - addr)
		return -EFAULT;
	return vmed_ppgtt_rw(vgpu, ctx->mm, addr, buf, len, write);
}

/**
 * vmed_i915_mem_check() - would an access succeed? (scan time, moves no data)
 * @vgpu: the vGPU; its lock held
 * @ctx: the context
 * @ppgtt: use the context's PPGTT, else the GGTT
 * @addr: address in that space
 * @len: bytes
 * @write: direction; PPGTT writes need writable mappings
 *
 * Return: I915_WL_OK, I915_WL_NO_PPGTT or I915_WL_BAD_ADDRESS.
 */
enum i915_wl_error vmed_i915_mem_check(struct vmed_vgpu *vgpu,
				       const struct i915_ctx *ctx, bool ppgtt,
				  u64 addr, u64 len, bool write)
{
	u64 limit = ppgtt ? BIT_ULL(I915_PPGTT_VA_BITS) : BIT_ULL(32);
	u64 page, last;
	dma_addr_t dma;
	bool writable;

	if (ppgtt && !ctx->mm)
		return I915_WL_NO_PPGTT;
	if (!len)
		return I915_WL_OK;
	if (addr >= limit || len > limit - addr)
		return I915_WL_BAD_ADDRESS;
	last = (addr + len - 1) & PAGE_MASK;
	for (page = addr & PAGE_MASK; page <= last; page += PAGE_SIZE) {
		if (!ppgtt) {
			if (vmed_ggtt_translate(vgpu, page, &dma))
				return I915_WL_BAD_ADDRESS;
			continue;
		}
		if (vmed_ppgtt_translate(vgpu, ctx->mm, page, &dma, &writable) ||
		    (write && !writable))
			return I915_WL_BAD_ADDRESS;
	}
	return I915_WL_OK;
}

/* The masked chicken registers i915's context workarounds load. */
static const u32 lri_chicken[] = {
	I915_CS_CHICKEN1, I915_CACHE_MODE_1, I915_COMMON_SLICE_CHICKEN2,
	I915_GT_MODE, I915_HDC_CHICKEN0, I915_HALF_SLICE_CHICKEN2,
	I915_HALF_SLICE_CHICKEN3, I915_HALF_SLICE_CHICKEN5,
	I915_HALF_SLICE_CHICKEN7, I915_ROW_CHICKEN,
};

static bool lri_is_chicken(u32 offset)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lri_chicken); i++)
		if (offset == lri_chicken[i])
			return true;
	return false;
}

/**
 * vmed_i915_lri_allowed() - may a workload load this register?
 * @offset: register offset
 *
 * The render engine's general purpose registers, and the masked chicken
 * registers of i915's context workarounds (stored in the vGPU's register
 * file: they tune hardware units this engine does not have). None steers
 * anything outside the vGPU, so a guest cannot reach interrupt, submission
 * or memory-mapping state through its command stream.
 *
 * Return: true if allowed.
 */
bool vmed_i915_lri_allowed(u32 offset)
{
	return (offset >= I915_CS_GPR(0) &&
		offset < I915_CS_GPR(I915_CS_GPR_COUNT) && !(offset & 3)) ||
	       lri_is_chicken(offset);
}

/* A load of @val into @offset, with the upper half masking a chicken's. */
static void lri_store(struct vmed_vgpu *vgpu, u32 offset, u32 val)
{
	if (lri_is_chicken(offset)) {
		u32 mask = val >> 16;

		val = (vmed_vreg_read(vgpu, offset, 4) & ~mask) | (val & mask);
	}
	vmed_vreg_write(vgpu, offset, 4, val);
}

static u64 qword(const u32 *lo)
{
	return lo[0] | (u64)lo[1] << 32;
}

/*
 * Part of a blit: rows from @w->row (@w->row_done bytes into it), at most
 * I915_STEP_BYTES. Returns VMED_WL_MORE until the last row is done, 0
 * then, or the error of the access that faulted.
 */
static int exec_blit_step(struct vmed_vgpu *vgpu, struct i915_wl *w,
			  const u32 *cmd, bool ppgtt)
{
	u32 *bounce = i915_of(vgpu)->bounce;
	bool copy = I915_2D_OP(cmd[0]) == I915_XY_SRC_COPY_BLT;
	u32 pitch = cmd[1] & 0xffff;
	u32 width = (cmd[3] & 0xffff) - (cmd[2] & 0xffff);
	u32 h = (cmd[3] >> 16) - (cmd[2] >> 16);
	u64 dst0 = qword(&cmd[4]) + (u64)(cmd[2] >> 16) * pitch +
		   (cmd[2] & 0xffff) * 4;
	u64 src0 = copy ? qword(&cmd[8]) + (u64)(cmd[6] >> 16) * pitch +
			  (cmd[6] & 0xffff) * 4 : 0;
	u32 row_bytes = width * 4, chunk, budget = I915_STEP_BYTES;
	unsigned int i;
	int ret;

	if (!copy)
		for (i = 0; i < PAGE_SIZE / 4; i++)
			bounce[i] = cmd[6];
	while (w->row < h && budget) {
		u64 dst = dst0 + (u64)w->row * pitch + w->row_done;
		u64 src = src0 + (u64)w->row * pitch + w->row_done;

		chunk = min3(row_bytes - w->row_done, (u32)PAGE_SIZE, budget);
		ret = copy ? vmed_i915_mem_rw(vgpu, &w->ctx, ppgtt, src, bounce,
					      chunk, false) : 0;
		ret = ret ?: vmed_i915_mem_rw(vgpu, &w->ctx, ppgtt, dst, bounce,
					      chunk, true);
		if (ret)
			return ret;
		budget -= chunk;
		w->row_done += chunk;
		if (w->row_done == row_bytes) {
			w->row++;
			w->row_done = 0;
		}
	}
	return w->row < h && row_bytes ? VMED_WL_MORE : 0;
}

static int exec_one(struct vmed_vgpu *vgpu, const struct i915_wl *w,
		    const u32 *cmd, unsigned int len, bool ppgtt)
{
	const struct i915_ctx *ctx = &w->ctx;
	unsigned int ev_user = vmed_i915_engines[w->engine].ev_user;
	u32 data[2];
	unsigned int i;
	int ret = 0;

	/* The scanner resolved the address; only writes and notifies remain. */
	if (cmd[0] == I915_PIPE_CONTROL) {
		data[0] = cmd[4];
		data[1] = cmd[5];
		if (cmd[1] & I915_PC_WRITE_IMM)
			ret = vmed_i915_mem_rw(vgpu, ctx, ppgtt, qword(&cmd[2]),
					       data, 8, true);
		if (!ret && (cmd[1] & I915_PC_NOTIFY))
			vmed_irq_raise(vgpu, ev_user);
		return ret;
	}
	switch (I915_MI_OP(cmd[0])) {
	case I915_MI_USER_INTERRUPT:
		vmed_irq_raise(vgpu, ev_user);
		return 0;
	case I915_MI_STORE_DATA_IMM:
		data[0] = cmd[3];
		data[1] = len > 4 ? cmd[4] : 0;
		return vmed_i915_mem_rw(vgpu, ctx, ppgtt, qword(&cmd[1]), data,
				   (len - 3) * 4, true);
	case I915_MI_LOAD_REGISTER_IMM:
		for (i = 1; i + 1 < len; i += 2)
			lri_store(vgpu, cmd[i], cmd[i + 1]);
		return 0;
	}
	return -EINVAL;	/* the scanner let through something it should not */
}

/**
 * vmed_i915_cmd_step() - execute the next part of a scanned workload
 * @vgpu: the vGPU; its lock held
 * @w: the workload, checked (vmed_i915_cmd_check()), @w->ctx.mm up to date
 *
 * One step is up to %I915_STEP_BYTES of a blit, or up to 64 other
 * commands; the core may run other work between two steps.
 *
 * Return: %VMED_WL_MORE, 0 when the last command has run, or -EFAULT if
 * memory the check found reachable faulted anyway (the commands before it
 * have run).
 */
int vmed_i915_cmd_step(struct vmed_vgpu *vgpu, struct i915_wl *w)
{
	struct i915_vgpu *iv = i915_of(vgpu);
	unsigned int n;
	int ret;

	for (n = 0; n < 64 && w->pos < w->cmd_len; n++) {
		u32 hdr = w->cmd[w->pos];
		const u32 *cmd = &w->cmd[w->pos + 1];

		if (I915_CLIENT(cmd[0]) == I915_CLIENT_2D) {
			ret = exec_blit_step(vgpu, w, cmd, hdr & REC_PPGTT);
			if (ret < 0)
				return -EFAULT;
			if (ret == VMED_WL_MORE)
				return VMED_WL_MORE;
			w->row = 0;
			w->row_done = 0;
		} else if (exec_one(vgpu, w, cmd, REC_LEN(hdr),
				    hdr & REC_PPGTT)) {
			return -EFAULT;
		}
		iv->stats.cmds++;
		w->pos += 1 + REC_LEN(hdr);
		/* A blit ends the step: it was the step's memory traffic. */
		if (I915_CLIENT(cmd[0]) == I915_CLIENT_2D)
			break;
	}
	return w->pos < w->cmd_len ? VMED_WL_MORE : 0;
}

/**
 * vmed_i915_bar_rw() - CPU access to the aperture (BAR2)
 * @vgpu: the vGPU; its lock held
 * @bar: BAR index (1 is the aperture)
 * @offset: offset in the BAR, which is a graphics memory address
 * @buf: data
 * @len: bytes
 * @write: direction
 *
 * The aperture shows mappable graphics memory through the GGTT; only the
 * vGPU's own mappable slice answers.
 *
 * Return: 0, or -EINVAL (counted) outside the slice or for an entry that
 * is not present.
 */
int vmed_i915_bar_rw(struct vmed_vgpu *vgpu, unsigned int bar, u64 offset,
		     void *buf, unsigned int len, bool write)
{
	u64 base = vmed_vgpu_gm_base(vgpu, VMED_GM_MAPPABLE);

	if (bar != 1 || offset < base ||
	    offset + len > base + vmed_vgpu_gm_size(vgpu, VMED_GM_MAPPABLE) ||
	    vmed_gm_rw(vgpu, offset, buf, len, write)) {
		i915_of(vgpu)->stats.aperture_errors++;
		return -EINVAL;
	}
	return 0;
}
