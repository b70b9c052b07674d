// SPDX-License-Identifier: GPL-2.0
/*
 * The command scanner: everything a workload would do is checked before
 * any of it runs.
 *
 * The scanner runs at submission: it walks the ring from head to tail and
 * follows batch buffers, and copies each accepted command into the
 * workload as a record: one header dword (bits 15:0 the command's dword
 * count, bit 16 set when its memory operands are PPGTT addresses) then the
 * command. The engine executes only that copy, so a guest rewriting its
 * ring or batches after the submission changes nothing. MI_NOOP,
 * MI_BATCH_BUFFER_START and MI_BATCH_BUFFER_END steer the scan and are not
 * copied, and neither are MI_ARB_CHECK, MI_ARB_ON_OFF (there is no
 * preemption to allow or forbid) and 3D and media state and primitives,
 * which are parsed for their length and skipped: there is no 3D pipeline,
 * so they draw nothing and touch no memory. PIPE_CONTROL is kept for its
 * post-sync write of an immediate qword (and its notify interrupt); its
 * flushes and stalls have nothing to wait for, and a write to the
 * context's status page (STORE_DATA_INDEX) is recorded with the resolved
 * GGTT address. MI_FLUSH_DW (the other engines' flush) becomes the
 * MI_STORE_DATA_IMM of its post-sync store. Each engine takes what its
 * hardware does: 2D blits on the blitter (and on the render engine, as
 * the project's guest driver uses them), 3D state and PIPE_CONTROL on the
 * render engine, MI_FLUSH_DW on the others. Before the first command runs,
 * the engine checks every address
 * the records will touch (vmed_i915_cmd_check()): a workload either runs
 * with all of its memory reachable or not at all, and the submission costs
 * the same whatever the size of the blits it asks for.
 *
 * Address spaces: ring commands use the GGTT; a batch started with the
 * PPGTT bit (8) runs in the context's PPGTT, and so do its commands;
 * MI_STORE_DATA_IMM with MI_USE_GGTT uses the GGTT wherever it is. A batch
 * buffer start inside a batch jumps (chains); second-level batches are not
 * supported. Budgets: I915_MAX_SCAN_DWORDS fetched, I915_MAX_CMDS commands,
 * I915_MAX_CHAIN jumps per batch, I915_MAX_BLIT_BYTES per blit and
 * I915_MAX_BLIT_TOTAL per workload; exceeding one refuses the workload.
 */
#include <linux/kernel.h>
#include <linux/errno.h>
#include <linux/mm.h>
#include <linux/string.h>
#include "i915.h"

#define REC_PPGTT	BIT(16)
#define MAX_CMD_DWORDS	(1 + 2 * 16)	/* an LRI of 16 registers */

struct scan {
	struct vmed_vgpu *vgpu;
	const struct i915_ctx *ctx;
	struct i915_wl *w;
	bool in_batch;
	bool ppgtt;		/* the batch's address space */
	u32 ring_pos;		/* ring offset */
	u32 left;		/* ring dwords before the tail */
	u64 batch_pos;		/* batch address */
	unsigned int fetched;
	unsigned int cmds;
	unsigned int chain;
	u64 blit_bytes;
};

static enum i915_wl_error fetch(struct scan *s, u32 *dw)
{
	const struct i915_ctx *ctx = s->ctx;
	int ret;

	if (s->fetched++ >= I915_MAX_SCAN_DWORDS)
		return I915_WL_TOO_BIG;
	if (!s->in_batch) {
		if (!s->left)
			return I915_WL_BAD_LENGTH;
		ret = vmed_gm_rw(s->vgpu, ctx->ring_start + s->ring_pos, dw, 4,
				 false);
		s->ring_pos = (s->ring_pos + 4) % ctx->ring_size;
		s->left--;
		return ret ? I915_WL_BAD_RING : I915_WL_OK;
	}
	ret = vmed_i915_mem_rw(s->vgpu, ctx, s->ppgtt, s->batch_pos, dw, 4, false);
	s->batch_pos += 4;
	if (ret == -ENOENT)
		return I915_WL_NO_PPGTT;
	return ret ? I915_WL_BAD_ADDRESS : I915_WL_OK;
}

/*
 * Dword count of a 3D or media command, by its length field: 8 bits, but
 * 9 or 11 for the few with long lists and 16 for media; single-dword
 * pipeline types have none.
 */
static unsigned int gfx_length(u32 dw)
{
	u32 op = dw >> 16;

	switch ((dw >> 27) & 3) {
	case I915_3D_SINGLE_DWORD:
		return 1;
	case I915_3D_MEDIA:
		return (dw & 0xffff) + 2;
	}
	switch (op) {
	case 0x7917:			/* 3DSTATE_SO_DECL_LIST */
	case 0x7843 ... 0x7847:		/* 3DSTATE_BINDING_TABLE_EDIT_* */
		return (dw & 0x1ff) + 2;
	case 0x7839:			/* 3DSTATE_DX9_CONSTANTF_* */
	case 0x783a:
		return (dw & 0x7ff) + 2;
	}
	return (dw & 0xff) + 2;
}

/* Dword count of a command in the subset, 0 if it is not in the subset. */
static unsigned int cmd_length(u32 dw)
{
	switch (I915_CLIENT(dw)) {
	case I915_CLIENT_MI:
		switch (I915_MI_OP(dw)) {
		case I915_MI_NOOP:
		case I915_MI_USER_INTERRUPT:
		case I915_MI_ARB_CHECK:
		case I915_MI_ARB_ON_OFF:
		case I915_MI_BATCH_BUFFER_END:
			return 1;
		case I915_MI_STORE_DATA_IMM:
			return (dw & 0x3ff) + 2;
		case I915_MI_LOAD_REGISTER_IMM:
		case I915_MI_BATCH_BUFFER_START:
			return (dw & 0xff) + 2;
		case I915_MI_FLUSH_DW:
			return (dw & 0x3f) + 2;
		}
		return 0;
	case I915_CLIENT_2D:
		switch (I915_2D_OP(dw)) {
		case I915_XY_COLOR_BLT:
		case I915_XY_SRC_COPY_BLT:
			return (dw & 0xff) + 2;
		}
		return 0;
	case I915_CLIENT_3D:
		return gfx_length(dw);
	}
	return 0;
}

static u64 qword(const u32 *lo)
{
	return lo[0] | (u64)lo[1] << 32;
}

static enum i915_wl_error check_sdi(struct scan *s, const u32 *cmd,
				    unsigned int len, bool *ppgtt)
{
	u32 flags = cmd[0] & ~I915_MI(0x3f, 0x3ff);

	if (flags & ~(I915_MI_USE_GGTT | I915_MI_SDI_QWORD))
		return I915_WL_BAD_OPCODE;
	if (len != ((flags & I915_MI_SDI_QWORD) ? 5 : 4))
		return I915_WL_BAD_LENGTH;
	if (cmd[0] & I915_MI_USE_GGTT)
		*ppgtt = false;
	if (cmd[1] & 3)
		return I915_WL_BAD_ADDRESS;
	return I915_WL_OK;
}

/*
 * A PIPE_CONTROL: only the immediate write is a post-sync operation this
 * engine performs (there is nothing to count or time); no MMIO write.
 * Its record carries the address the write goes to, resolved for a
 * status-page offset. Returns whether it needs to run at all in @keep.
 */
static enum i915_wl_error check_pipe_control(struct scan *s, u32 *cmd,
					     unsigned int len, bool *ppgtt,
					     bool *keep)
{
	u32 flags = cmd[1];
	u64 addr = qword(&cmd[2]);

	*keep = false;
	if (len != 6)
		return I915_WL_BAD_LENGTH;
	if (cmd[0] != I915_PIPE_CONTROL)
		return I915_WL_BAD_OPCODE;
	if ((flags & I915_PC_MMIO_WRITE) ||
	    (flags & I915_PC_POST_SYNC_MASK & ~I915_PC_WRITE_IMM))
		return I915_WL_BAD_OPCODE;
	*keep = flags & (I915_PC_WRITE_IMM | I915_PC_NOTIFY);
	if (!(flags & I915_PC_WRITE_IMM))
		return I915_WL_OK;
	if (addr & 7)
		return I915_WL_BAD_ADDRESS;
	if (flags & I915_PC_STORE_INDEX) {
		/* An offset in the context's status page (its first page). */
		if (addr >= PAGE_SIZE)
			return I915_WL_BAD_ADDRESS;
		addr += s->ctx->lrca;
		cmd[1] &= ~I915_PC_STORE_INDEX;
		cmd[2] = lower_32_bits(addr);
		cmd[3] = upper_32_bits(addr);
		*ppgtt = false;
	} else if (flags & I915_PC_GLOBAL_GTT) {
		*ppgtt = false;
	}
	return I915_WL_OK;
}

static enum i915_wl_error check_lri(const u32 *cmd, unsigned int len)
{
	unsigned int i;

	if (cmd[0] & ~I915_MI(0x3f, 0xff))
		return I915_WL_BAD_OPCODE;
	if (len < 3 || !(len & 1))
		return I915_WL_BAD_LENGTH;
	for (i = 1; i < len; i += 2)
		if (!vmed_i915_lri_allowed(cmd[i]))
			return I915_WL_BAD_LRI;
	return I915_WL_OK;
}

/* One rectangle of 32bpp pixels: every row must be reachable. */
static enum i915_wl_error check_rect(struct vmed_vgpu *vgpu,
				     const struct i915_ctx *ctx, bool ppgtt,
				     u64 base, u32 pitch, u32 y1x1, u32 w,
				     u32 h, bool write)
{
	u64 row = base + (u64)(y1x1 >> 16) * pitch + (y1x1 & 0xffff) * 4;
	enum i915_wl_error err;
	u32 y;

	for (y = 0; y < h; y++, row += pitch) {
		err = vmed_i915_mem_check(vgpu, ctx, ppgtt, row, (u64)w * 4,
					  write);
		if (err)
			return err;
	}
	return I915_WL_OK;
}

static enum i915_wl_error check_blit(struct scan *s, const u32 *cmd,
				     unsigned int len, bool ppgtt)
{
	bool copy = I915_2D_OP(cmd[0]) == I915_XY_SRC_COPY_BLT;
	u32 rop = copy ? I915_BLT_ROP_SRC_COPY : I915_BLT_ROP_COLOR_COPY;
	u32 pitch = cmd[1] & 0xffff;
	u32 x1 = cmd[2] & 0xffff, y1 = cmd[2] >> 16;
	u32 x2 = cmd[3] & 0xffff, y2 = cmd[3] >> 16;
	u32 w = x2 - x1, h = y2 - y1;
	u64 bytes = (u64)w * h * 4;

	if (len != (copy ? 10 : 7))
		return I915_WL_BAD_LENGTH;
	if ((cmd[0] & ~(GENMASK(31, 22) | 0xff)) != I915_BLT_WRITE_RGBA ||
	    (cmd[1] & I915_BLT_DEPTH_MASK) != I915_BLT_DEPTH_32 ||
	    (cmd[1] & I915_BLT_ROP_MASK) != rop || x2 < x1 || y2 < y1 ||
	    (pitch & 3) || (u64)w * 4 > pitch ||
	    (copy && (cmd[7] & 0xffff) != pitch))
		return I915_WL_BAD_BLIT;
	if (bytes > I915_MAX_BLIT_BYTES ||
	    s->blit_bytes + bytes > I915_MAX_BLIT_TOTAL)
		return I915_WL_TOO_BIG;
	s->blit_bytes += bytes;
	return I915_WL_OK;
}

/* The memory a blit accepted by check_blit() touches: all of it reachable. */
static enum i915_wl_error check_blit_memory(struct vmed_vgpu *vgpu,
					    const struct i915_ctx *ctx,
					    const u32 *cmd, bool ppgtt)
{
	bool copy = I915_2D_OP(cmd[0]) == I915_XY_SRC_COPY_BLT;
	u32 pitch = cmd[1] & 0xffff;
	u32 w = (cmd[3] & 0xffff) - (cmd[2] & 0xffff);
	u32 h = (cmd[3] >> 16) - (cmd[2] >> 16);
	enum i915_wl_error err;

	if (!w || !h)
		return I915_WL_OK;
	err = check_rect(vgpu, ctx, ppgtt, qword(&cmd[4]), pitch, cmd[2], w, h,
			 true);
	if (!err && copy)
		err = check_rect(vgpu, ctx, ppgtt, qword(&cmd[8]), pitch, cmd[6],
				 w, h, false);
	return err;
}

static enum i915_wl_error emit(struct scan *s, const u32 *cmd,
			       unsigned int len, bool ppgtt)
{
	struct i915_wl *w = s->w;

	if (++s->cmds > I915_MAX_CMDS ||
	    w->cmd_len + 1 + len > I915_CMD_BUF_DWORDS)
		return I915_WL_TOO_BIG;
	w->cmd[w->cmd_len++] = len | (ppgtt ? REC_PPGTT : 0);
	memcpy(&w->cmd[w->cmd_len], cmd, len * 4);
	w->cmd_len += len;
	return I915_WL_OK;
}

static enum i915_wl_error batch_start(struct scan *s, const u32 *cmd,
				      unsigned int len)
{
	if (len != 3)
		return I915_WL_BAD_LENGTH;
	if (cmd[0] & ~I915_MI(0x3f, I915_MI_BB_PPGTT | 0xff))
		return I915_WL_BAD_OPCODE;	/* second level, secure, ... */
	/*
	 * i915 merges a context's queued requests into one element: the ring
	 * may start any number of batches, each jumping at most so often.
	 */
	if (!s->in_batch)
		s->chain = 0;
	else if (++s->chain > I915_MAX_CHAIN)
		return I915_WL_TOO_BIG;
	s->ppgtt = cmd[0] & I915_MI_BB_PPGTT;
	s->batch_pos = qword(&cmd[1]);
	if (s->batch_pos & 3)
		return I915_WL_BAD_ADDRESS;
	s->in_batch = true;
	return I915_WL_OK;
}

/*
 * An MI_FLUSH_DW: its flush has nothing to wait for; its post-sync store
 * of an immediate dword or qword is emitted as the MI_STORE_DATA_IMM that
 * does the same (to the GGTT, the PPGTT, or an offset in the context's
 * status page), its notify as an MI_USER_INTERRUPT.
 */
static enum i915_wl_error flush_dw(struct scan *s, const u32 *cmd,
				   unsigned int len, bool ppgtt)
{
	u32 op = cmd[0] & I915_FLUSH_POST_SYNC_MASK, sdi[5];
	u64 addr = (cmd[1] & ~7u) | (u64)cmd[2] << 32;
	enum i915_wl_error err = I915_WL_OK;

	if (len != 4 && len != 5)
		return I915_WL_BAD_LENGTH;
	if (op && op != I915_FLUSH_WRITE_IMM)
		return I915_WL_BAD_OPCODE;
	if (op) {
		if (cmd[0] & I915_FLUSH_STORE_INDEX) {
			if (addr >= PAGE_SIZE)
				return I915_WL_BAD_ADDRESS;
			addr += s->ctx->lrca;
			ppgtt = false;
		} else {
			/* Without USE_GTT: the context's PPGTT, from a ring too. */
			ppgtt = !(cmd[1] & I915_FLUSH_USE_GTT);
		}
		sdi[0] = I915_MI(I915_MI_STORE_DATA_IMM, len - 2) |
			 (len == 5 ? I915_MI_SDI_QWORD : 0);
		sdi[1] = lower_32_bits(addr);
		sdi[2] = upper_32_bits(addr);
		sdi[3] = cmd[3];
		sdi[4] = len == 5 ? cmd[4] : 0;
		err = emit(s, sdi, len, ppgtt);
	}
	if (!err && (cmd[0] & I915_FLUSH_NOTIFY)) {
		sdi[0] = I915_MI(I915_MI_USER_INTERRUPT, 0);
		err = emit(s, sdi, 1, false);
	}
	return err;
}

static bool is_pipe_control(u32 dw)
{
	return (dw >> 16) == I915_PIPE_CONTROL >> 16;
}

static enum i915_wl_error scan_one(struct scan *s)
{
	const struct i915_engine_desc *d = &vmed_i915_engines[s->w->engine];
	u32 cmd[MAX_CMD_DWORDS];
	unsigned int len, i;
	enum i915_wl_error err;
	bool ppgtt = s->in_batch && s->ppgtt;
	bool keep;

	err = fetch(s, &cmd[0]);
	if (err)
		return err;
	len = cmd_length(cmd[0]);
	/* What each engine runs: blits, the render pipe, flushes. */
	if (!len ||
	    (I915_CLIENT(cmd[0]) == I915_CLIENT_2D && !d->blitter) ||
	    (I915_CLIENT(cmd[0]) == I915_CLIENT_3D && !d->render) ||
	    (I915_CLIENT(cmd[0]) == I915_CLIENT_MI &&
	     I915_MI_OP(cmd[0]) == I915_MI_FLUSH_DW && d->render))
		return I915_WL_BAD_OPCODE;
	if (!s->in_batch && len - 1 > s->left)
		return I915_WL_BAD_LENGTH;
	/* 3D and media commands do nothing here: skipped, however long. */
	if (I915_CLIENT(cmd[0]) == I915_CLIENT_3D && !is_pipe_control(cmd[0])) {
		for (i = 1; i < len; i++) {
			err = fetch(s, &cmd[1]);
			if (err)
				return err;
		}
		return I915_WL_OK;
	}
	if (len > MAX_CMD_DWORDS)
		return I915_WL_BAD_LENGTH;
	for (i = 1; i < len; i++) {
		err = fetch(s, &cmd[i]);
		if (err)
			return err;
	}

	if (I915_CLIENT(cmd[0]) == I915_CLIENT_2D) {
		err = check_blit(s, cmd, len, ppgtt);
		return err ?: emit(s, cmd, len, ppgtt);
	}
	if (is_pipe_control(cmd[0])) {
		err = check_pipe_control(s, cmd, len, &ppgtt, &keep);
		return err ?: keep ? emit(s, cmd, len, ppgtt) : I915_WL_OK;
	}
	switch (I915_MI_OP(cmd[0])) {
	case I915_MI_NOOP:
	case I915_MI_ARB_CHECK:
	case I915_MI_ARB_ON_OFF:
		return I915_WL_OK;
	case I915_MI_USER_INTERRUPT:
		return emit(s, cmd, len, ppgtt);
	case I915_MI_BATCH_BUFFER_END:
		/* Back to the ring after the call; a stray end is a no-op. */
		s->in_batch = false;
		return I915_WL_OK;
	case I915_MI_STORE_DATA_IMM:
		err = check_sdi(s, cmd, len, &ppgtt);
		return err ?: emit(s, cmd, len, ppgtt);
	case I915_MI_LOAD_REGISTER_IMM:
		err = check_lri(cmd, len);
		return err ?: emit(s, cmd, len, ppgtt);
	case I915_MI_FLUSH_DW:
		return flush_dw(s, cmd, len, ppgtt);
	default:	/* I915_MI_BATCH_BUFFER_START */
		return batch_start(s, cmd, len);
	}
}

/**
 * vmed_i915_cmd_scan() - check a context's commands and copy them
 * @vgpu: the vGPU; its lock held
 * @ctx: the loaded context
 * @w: the workload the records go to (room for %I915_CMD_BUF_DWORDS)
 *
 * Return: I915_WL_OK with the commands in @w, or why the workload is
 * refused (@w then holds none).
 */
enum i915_wl_error vmed_i915_cmd_scan(struct vmed_vgpu *vgpu,
				      const struct i915_ctx *ctx,
				      struct i915_wl *w)
{
	struct scan s = {
		.vgpu = vgpu,
		.ctx = ctx,
		.w = w,
		.ring_pos = ctx->head,
	};
	enum i915_wl_error err = I915_WL_OK;

	s.left = ((ctx->tail + ctx->ring_size - ctx->head) % ctx->ring_size) / 4;
	w->cmd_len = 0;
	/* A batch runs until its end (or a budget), even past the tail. */
	while (!err && (s.in_batch || s.left))
		err = scan_one(&s);
	if (err)
		w->cmd_len = 0;
	return err;
}

/**
 * vmed_i915_cmd_check() - are the addresses a scanned workload touches reachable?
 * @vgpu: the vGPU; its lock held
 * @w: the workload, @w->ctx.mm up to date; @w->pos is where the check
 *	goes on from (0 at first)
 * @more: set if the check stopped after a blit, to go on in another step
 *	(a blit may cover 16 MiB of mappings)
 *
 * Return: I915_WL_OK, I915_WL_NO_PPGTT or I915_WL_BAD_ADDRESS.
 */
enum i915_wl_error vmed_i915_cmd_check(struct vmed_vgpu *vgpu,
				       struct i915_wl *w, bool *more)
{
	enum i915_wl_error err = I915_WL_OK;

	*more = false;
	while (!err && w->pos < w->cmd_len) {
		u32 hdr = w->cmd[w->pos], len = hdr & 0xffff;
		const u32 *cmd = &w->cmd[w->pos + 1];
		bool ppgtt = hdr & REC_PPGTT;

		w->pos += 1 + len;
		if (I915_CLIENT(cmd[0]) == I915_CLIENT_2D) {
			err = check_blit_memory(vgpu, &w->ctx, cmd, ppgtt);
			*more = !err && w->pos < w->cmd_len;
			if (*more)
				break;
		} else if (cmd[0] == I915_PIPE_CONTROL) {
			if (cmd[1] & I915_PC_WRITE_IMM)
				err = vmed_i915_mem_check(vgpu, &w->ctx, ppgtt,
							  qword(&cmd[2]), 8,
							  true);
		} else if (I915_MI_OP(cmd[0]) == I915_MI_STORE_DATA_IMM) {
			err = vmed_i915_mem_check(vgpu, &w->ctx, ppgtt,
						  qword(&cmd[1]), (len - 3) * 4,
						  true);
		}
	}
	return err;
}
