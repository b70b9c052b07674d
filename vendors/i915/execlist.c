// SPDX-License-Identifier: GPL-2.0
/*
 * Execlists of the engines (render, blitter, video, video enhancement):
 * the submit port, contexts and the context status buffer, as Linux's i915
 * drives a Gen9 engine. Every engine has its own, at its register base.
 *
 * The guest writes a list of one or two context descriptors to ELSP as
 * four dwords (element 1 high, element 1 low, element 0 high, element 0
 * low); the fourth write submits. Each valid element is loaded and its
 * commands scanned and copied there and then (cmd.c), and queued on the
 * engine as a workload; the write returns at once. The core's
 * scheduler runs the workloads in order.
 *
 * The context status buffer (CSB) tells the guest what happened, as the
 * hardware does: when a list starts, an IDLE_ACTIVE entry (context ID 0);
 * when an element completes, COMPLETE plus ELEMENT_SWITCH (the list goes
 * on) or ACTIVE_IDLE (it ended), with the element's context ID; each
 * followed by a context-switch interrupt. A list submitted while another
 * runs waits behind it (the engine never preempts): when the first one
 * ends, its ACTIVE_IDLE entry is followed by the waiting list's
 * IDLE_ACTIVE. i915 writes ELSP again only once its last list started, so
 * two lists are the most an engine holds; a third is refused and counted.
 * A context submitted again while it is queued (i915's lite restore)
 * starts where its queued run will leave the ring head.
 *
 * A refused or faulting element still completes in order, with
 * I915_CSB_ERROR (bit 31, a vmed extension i915 does not look at) in its
 * entry and EXECLIST_STATUS_LO bit 31 set until the next clean one; so is
 * one the device's watchdog stopped, and one queued behind that. A refused
 * element executes nothing and its ring is consumed (head = tail) so that
 * the guest's next submission is not stuck behind it; the vGPU is not
 * failed. EXECLIST_STATUS_LO bit 0 (a vmed extension) reads 1 while a list
 * is submitted, EXECLIST_STATUS_HI holds the last context ID. Entries are
 * mirrored to the HWSP at HWS_PGA (dwords 0x10.., write pointer at 0x1f)
 * when the guest set one, which is where i915 reads them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include "i915.h"

/* An entry of engine @e's CSB, in its registers and its status page. */
static void csb_write(struct vmed_vgpu *vgpu, unsigned int e, u32 status,
		      u32 ctx_id)
{
	u32 base = vmed_i915_engines[e].base;
	u32 ptr = vmed_vreg_read(vgpu, base + I915_ENG_CSB_PTR, 4);
	u32 wp = ((ptr & I915_CSB_WRITE_MASK) + 1) % I915_CSB_ENTRIES;
	u64 hws = vmed_vreg_read(vgpu, base + I915_ENG_HWS_PGA, 4) &
		  GENMASK(31, 12);
	u32 entry[2] = { status, ctx_id };

	vmed_vreg_write(vgpu, base + I915_ENG_CSB(wp), 4, status);
	vmed_vreg_write(vgpu, base + I915_ENG_CSB(wp) + 4, 4, ctx_id);
	vmed_vreg_write(vgpu, base + I915_ENG_CSB_PTR, 4,
			(ptr & ~I915_CSB_WRITE_MASK) | wp);
	if (hws) {
		/* Best effort: a bad HWSP only hides the mirror. */
		if (!vmed_gm_rw(vgpu, hws + (I915_HWS_CSB_BUF0 + 2 * wp) * 4,
				entry, sizeof(entry), true))
			vmed_gm_rw(vgpu, hws + I915_HWS_CSB_WRITE * 4, &wp,
				   sizeof(wp), true);
	}
}

/* The context's address space, as the guest has it announced now. */
static void ctx_find_mm(struct vmed_vgpu *vgpu, struct i915_wl *w)
{
	w->ctx.mm = w->has_ppgtt ? vmed_i915_ppgtt_find(vgpu, w->pdp) : NULL;
}

/* Load the context of @desc into @w (its address space as of now). */
static enum i915_wl_error ctx_load(struct vmed_vgpu *vgpu,
				   const struct i915_engine *e, u64 desc,
				   struct i915_wl *w)
{
	struct i915_ctx *ctx = &w->ctx;
	u32 state[I915_CTX_STATE_DWORDS];
	unsigned int i;
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
	/*
	 * The context is queued already (a lite restore, or the two
	 * elements of one list): it starts where its last queued run will
	 * have left its ring head, as the image will say by the time it runs.
	 */
	for (i = e->nr; i-- > 0;) {
		const struct i915_element *el =
			&e->queued[(e->first + i) % I915_MAX_ELEMENTS];

		if (el->lrca == ctx->lrca) {
			ctx->head = el->tail;
			break;
		}
	}
	w->has_ppgtt = ((desc & I915_CTX_MODE_MASK) >> I915_CTX_MODE_SHIFT) ==
		       I915_CTX_MODE_LEGACY_64;
	w->pdp = state[I915_CTX_PDP0_LDW] | (u64)state[I915_CTX_PDP0_UDW] << 32;
	ctx_find_mm(vgpu, w);
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
 * vmed_i915_wl_step() - the render engine runs one step of a context
 * @vgpu: the vGPU; its lock held
 * @wl: the context's workload
 *
 * The first steps check every address the commands touch (up to one
 * blit's per step); the next ones execute them. A context refused at submission fails at once.
 *
 * Return: %VMED_WL_MORE, 0 when the context has run, or a negative errno
 * when it is refused or faulted (the &enum i915_wl_error is in the
 * workload).
 */
int vmed_i915_wl_step(struct vmed_vgpu *vgpu, struct vmed_workload *wl)
{
	struct i915_wl *w = vmed_workload_data(wl);
	bool more;
	int ret;

	if (w->err)
		return wl_errno[w->err];
	ctx_find_mm(vgpu, w);
	if (!w->checked) {
		/* Steps of their own: up to a blit's 16 MiB of mappings each. */
		w->err = vmed_i915_cmd_check(vgpu, w, &more);
		if (w->err)
			return wl_errno[w->err];
		if (!more) {
			w->checked = true;
			w->pos = 0;
		}
		return VMED_WL_MORE;
	}
	ret = vmed_i915_cmd_step(vgpu, w);
	if (ret < 0) {
		w->err = I915_WL_EXEC_FAULT;
		return wl_errno[w->err];
	}
	return ret;
}

/**
 * vmed_i915_wl_complete() - an element is done: ring head, CSB, interrupt
 * @vgpu: the vGPU; its lock held
 * @wl: the element's workload
 * @status: 0, its step's error, -ETIMEDOUT (the watchdog stopped it) or
 *	-ECANCELED (it was queued behind one the watchdog stopped)
 */
void vmed_i915_wl_complete(struct vmed_vgpu *vgpu, struct vmed_workload *wl,
			   int status)
{
	struct i915_vgpu *iv = i915_of(vgpu);
	struct i915_wl *w = vmed_workload_data(wl);
	const struct i915_engine_desc *d = &vmed_i915_engines[w->engine];
	struct i915_engine *e = &iv->engine[w->engine];
	u32 csb = I915_CSB_COMPLETE |
		  (w->last ? I915_CSB_ACTIVE_IDLE : I915_CSB_ELEMENT_SWITCH);
	u32 exec_status = 0;

	/* Elements complete in the order they were queued. */
	e->first = (e->first + 1) % I915_MAX_ELEMENTS;
	e->nr--;
	if (w->last)
		e->lists--;
	if (w->err != I915_WL_BAD_CONTEXT) {
		u64 head = w->ctx.lrca + I915_CTX_STATE_PAGE * PAGE_SIZE +
			   I915_CTX_RING_HEAD * 4;
		u32 tail = w->ctx.tail;

		/* The ring is consumed either way (see the top of the file). */
		if (w->err == I915_WL_BAD_RING ||
		    vmed_gm_rw(vgpu, head, &tail, 4, true))
			tail = 0;
		vmed_vreg_write(vgpu, d->base + I915_ENG_RING_HEAD, 4, tail);
		vmed_vreg_write(vgpu, d->base + I915_ENG_RING_TAIL, 4, tail);
	}
	if (status) {
		iv->stats.workload_errors++;
		if (w->err) {
			iv->stats.by_error[w->err]++;
			iv->last_error = w->err;
			pr_info_ratelimited("%s: context %#llx refused: %s\n",
					    vmed_vgpu_name(vgpu), w->ctx.desc,
					    wl_error_names[w->err]);
		}
		csb |= I915_CSB_ERROR;
		exec_status = I915_EXECLIST_ERROR;
	}
	/* The ring head write may have failed the vGPU: it reads dead. */
	if (vmed_vgpu_failed(vgpu))
		return;
	if (e->lists)
		exec_status |= I915_EXECLIST_ACTIVE;
	vmed_vreg_write(vgpu, d->base + I915_ENG_EXECLIST_STATUS_LO, 4,
			exec_status);
	vmed_vreg_write(vgpu, d->base + I915_ENG_EXECLIST_STATUS_HI, 4,
			upper_32_bits(w->ctx.desc));
	csb_write(vgpu, w->engine, csb, upper_32_bits(w->ctx.desc));
	/* The list that waited behind this one starts now. */
	if (w->last && e->lists)
		csb_write(vgpu, w->engine, I915_CSB_IDLE_ACTIVE, 0);
	vmed_irq_raise(vgpu, d->ev_ctx_switch);
}

/*
 * Load, scan and queue one element. A refused element is queued too, to
 * complete in its turn with an error. Returns 0, or the errno that fails
 * the vGPU (no memory for the workload).
 */
static int queue_element(struct vmed_vgpu *vgpu, unsigned int engine,
			 u64 desc, bool last)
{
	struct i915_vgpu *iv = i915_of(vgpu);
	struct i915_engine *e = &iv->engine[engine];
	struct i915_wl *w = iv->scan;
	struct i915_element *el;
	struct vmed_workload *wl;
	int ret;

	iv->stats.workloads++;
	memset(w, 0, sizeof(*w));
	w->engine = engine;
	w->last = last;
	w->err = ctx_load(vgpu, e, desc, w);
	if (!w->err)
		w->err = vmed_i915_cmd_scan(vgpu, &w->ctx, w);
	wl = vmed_workload_alloc(vgpu, engine, struct_size(w, cmd, w->cmd_len));
	if (IS_ERR(wl))
		return PTR_ERR(wl);
	memcpy(vmed_workload_data(wl), w, struct_size(w, cmd, w->cmd_len));
	/* Two lists of two elements are far below the core's queue limit. */
	ret = vmed_workload_queue(wl);
	if (ret) {
		vmed_workload_discard(wl);
		return ret;
	}
	el = &e->queued[(e->first + e->nr++) % I915_MAX_ELEMENTS];
	el->lrca = w->ctx.lrca;
	el->tail = w->err == I915_WL_BAD_RING ? 0 : w->ctx.tail;
	return 0;
}

/**
 * vmed_i915_elsp_write() - write handler of an engine's ELSP
 * @vgpu: the vGPU; its lock held
 * @reg: the register
 * @old: previous value
 * @val: the dword written
 *
 * Return: 0, or -ENOMEM when an element could not be queued (the vGPU
 * fails); workload errors are reported to the guest, not to the core.
 */
int vmed_i915_elsp_write(struct vmed_vgpu *vgpu, const struct vmed_mmio_reg *reg,
			 u64 old, u64 val)
{
	unsigned int engine = vmed_i915_engine_of(reg->offset);
	const struct i915_engine_desc *d = &vmed_i915_engines[engine];
	struct i915_vgpu *iv = i915_of(vgpu);
	struct i915_engine *e = &iv->engine[engine];
	u32 status = d->base + I915_ENG_EXECLIST_STATUS_LO;
	u64 desc[2];
	bool two;
	int ret;

	e->elsp[e->elsp_count++] = val;
	if (e->elsp_count < ARRAY_SIZE(e->elsp))
		return 0;
	e->elsp_count = 0;
	desc[1] = e->elsp[1] | (u64)e->elsp[0] << 32;
	desc[0] = e->elsp[3] | (u64)e->elsp[2] << 32;
	if (!(desc[0] & I915_CTX_VALID))
		return 0;
	if (e->lists == I915_MAX_LISTS) {
		iv->stats.elsp_refused++;
		pr_info_ratelimited("%s: ELSP written with two lists in flight: refused\n",
				    vmed_vgpu_name(vgpu));
		return 0;
	}
	two = desc[1] & I915_CTX_VALID;
	/* Queued under the lock: no element can complete before this. */
	if (!e->lists++) {
		csb_write(vgpu, engine, I915_CSB_IDLE_ACTIVE, 0);
		vmed_irq_raise(vgpu, d->ev_ctx_switch);
	}
	vmed_vreg_write(vgpu, status, 4, vmed_vreg_read(vgpu, status, 4) |
			I915_EXECLIST_ACTIVE);
	ret = queue_element(vgpu, engine, desc[0], !two);
	if (!ret && two)
		ret = queue_element(vgpu, engine, desc[1], true);
	/* A failure on the way (a tracked write) is the core's already. */
	return ret == -EIO && vmed_vgpu_failed(vgpu) ? 0 : ret;
}

/* What the guest sees of engine @e's execlists after power-on or a reset. */
static void execlist_clear(struct vmed_vgpu *vgpu, unsigned int e)
{
	u32 base = vmed_i915_engines[e].base;

	memset(&i915_of(vgpu)->engine[e], 0, sizeof(struct i915_engine));
	vmed_vreg_write(vgpu, base + I915_ENG_EXECLIST_STATUS_LO, 4, 0);
	vmed_vreg_write(vgpu, base + I915_ENG_EXECLIST_STATUS_HI, 4, 0);
	vmed_vreg_write(vgpu, base + I915_ENG_CSB_PTR, 4,
			((I915_CSB_ENTRIES - 1) << I915_CSB_READ_SHIFT) |
			(I915_CSB_ENTRIES - 1));
}

/**
 * vmed_i915_engine_restart() - the guest reset an engine (GDRST)
 * @vgpu: the vGPU; its lock held
 * @engine: which one
 *
 * Its queued and running contexts are dropped without a CSB entry, as
 * hardware drops them, and the execlist port, status and CSB pointers are
 * as after power-on. The announced PPGTTs stay: they are the guest
 * driver's, not the engine's.
 */
void vmed_i915_engine_restart(struct vmed_vgpu *vgpu, unsigned int engine)
{
	vmed_engine_cancel(vgpu, BIT(engine));
	execlist_clear(vgpu, engine);
}

/**
 * vmed_i915_engine_reset() - stop the engine and drop guest-announced state
 * @vgpu: the vGPU; its lock held
 *
 * Called by the core on reset, detach, destroy and when the vGPU fails,
 * after it dropped the queued contexts: the half written port, the lists
 * in flight and the announced PPGTTs go.
 */
void vmed_i915_engine_reset(struct vmed_vgpu *vgpu)
{
	struct i915_vgpu *iv = i915_of(vgpu);

	if (!iv)
		return;
	memset(iv->engine, 0, sizeof(iv->engine));
	if (vmed_vgpu_attached(vgpu))
		vmed_i915_ppgtt_release_all(vgpu);
}
