// SPDX-License-Identifier: GPL-2.0
/*
 * nvidia-stub channels: binding an address space, and the GPFIFO engine.
 *
 * A doorbell queues the channel's new GPFIFO entries (from where the last
 * doorbell stopped, or GP_GET when nothing is in flight, up to GP_PUT) on
 * the device's copy engine, one workload per entry, and returns: GP_GET
 * shows the guest how far the engine has got. For each entry the doorbell
 * copies the pushbuffer segment it names (GPU VA in the channel's address
 * space, length in dwords) into the workload and checks its methods (known
 * methods, data counts, state set before use, lengths): the guest cannot
 * change a segment once it is queued. The engine, in the core's worker,
 * first checks every page the entry's methods will touch (one copy's
 * ranges per step) and only then executes it, in steps of at most
 * NVS_STEP_BYTES of copying or NVS_STEP_METHODS methods, between which the
 * core may run another vGPU's work. A failed entry executes nothing
 * (unless its pages went away while it ran: then it stops where the fault
 * was); its error is recorded
 * (NVS_CH_ERROR, NVS_CH_ERR_ENTRY, NVS_ERR_COUNT, ERROR interrupt) and
 * GP_GET moves past it, so one bad entry does not wedge the channel.
 *
 * Work per doorbell is bounded: at most the ring size in entries and
 * VMED_SCHED_MAX_QUEUED in flight per vGPU, each entry at most
 * NVS_PB_MAX_DWORDS long, and NVS_DOORBELL_BUDGET bytes of copies named
 * (executed or not: failed entries are charged what their methods named
 * before the failure). An entry beyond that is left for the next doorbell.
 * Unbinding the channel, or binding it again, drops what it had queued.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitfield.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/ratelimit.h>
#include "nvstub.h"

static const u8 nvs_method_args[NVS_NR_METHODS] = {
	[NVS_M_NOP] = 0,
	[NVS_M_SET_SRC] = 2,
	[NVS_M_SET_DST] = 2,
	[NVS_M_SET_LENGTH] = 1,
	[NVS_M_LAUNCH_COPY] = 0,
	[NVS_M_SEMAPHORE_ADDRESS] = 2,
	[NVS_M_SEMAPHORE_RELEASE] = 1,
	[NVS_M_NONSTALL_INTERRUPT] = 0,
};

/* Method state; it does not carry over from one segment to the next. */
struct nvs_seg {
	u64 src, dst, sem, len;
	bool have_src, have_dst, have_len, have_sem;
};

/**
 * struct nvs_wl - one GPFIFO entry, as a workload of the copy engine
 * @chan: the channel
 * @gen: the channel's binding (&nvs_channel.gen) it was queued under
 * @gp: its GPFIFO index
 * @next: GP_GET once it is done
 * @err: the NVS_ERR_* bit that fails it, 0 while it is fine
 * @last: the last entry its doorbell queued
 * @checked: every page it touches was checked (its first steps; @pos and
 *	@seg are the check's until then)
 * @dropped: its channel was unbound or bound again before it ran to its end
 * @copying: a LAUNCH_COPY is under way
 * @dwords: length of @pb
 * @pos: next dword of @pb to execute
 * @copies: copies it completed
 * @copy_done: bytes of the current copy done
 * @seg: method state while it executes
 * @pb: the segment, as the doorbell copied it
 */
struct nvs_wl {
	unsigned int chan;
	u32 gen;
	u32 gp;
	u32 next;
	u32 err;
	bool last;
	bool checked;
	bool dropped;
	bool copying;
	unsigned int dwords;
	unsigned int pos;
	unsigned int copies;
	u64 copy_done;
	struct nvs_seg seg;
	u32 pb[];
};

static u32 chan_reg(struct vmed_vgpu *vgpu, unsigned int c, u32 reg)
{
	return vmed_vreg_read(vgpu, NVS_CHAN(c) + reg, 4);
}

static void chan_set(struct vmed_vgpu *vgpu, unsigned int c, u32 reg, u32 val)
{
	vmed_vreg_write(vgpu, NVS_CHAN(c) + reg, 4, val);
}

/**
 * vmed_nvs_channel_error() - record a failed GPFIFO entry or channel operation
 * @vgpu: the vGPU; its lock held
 * @c: channel
 * @err: NVS_ERR_* bit
 * @entry: GPFIFO index concerned (GP_GET for errors not tied to an entry)
 */
void vmed_nvs_channel_error(struct vmed_vgpu *vgpu, unsigned int c, u32 err,
			    u32 entry)
{
	nvs_vgpu(vgpu)->errors++;
	chan_set(vgpu, c, NVS_CH_ERROR, chan_reg(vgpu, c, NVS_CH_ERROR) | err);
	chan_set(vgpu, c, NVS_CH_ERR_ENTRY, entry);
	pr_info_ratelimited("%s: channel %u entry %u failed: error %#x\n",
			    vmed_vgpu_name(vgpu), c, entry, err);
	vmed_irq_raise(vgpu, NVS_EV_ERROR);
}

/**
 * vmed_nvs_channel_unbind() - drop the channel's address space
 * @vgpu: the vGPU; its lock held
 * @c: channel
 *
 * Work the channel queued is dropped when the engine reaches it.
 */
void vmed_nvs_channel_unbind(struct vmed_vgpu *vgpu, unsigned int c)
{
	struct nvs_channel *ch = &nvs_vgpu(vgpu)->chan[c];

	if (ch->mm) {
		vmed_ppgtt_put(vgpu, ch->mm);
		ch->mm = NULL;
	}
	ch->gen++;
}

/**
 * vmed_nvs_channel_reset() - the channel as after power-on
 * @vgpu: the vGPU; its lock held
 * @c: channel
 *
 * For the vendor's engine reset: the core has dropped the queued work.
 */
void vmed_nvs_channel_reset(struct vmed_vgpu *vgpu, unsigned int c)
{
	struct nvs_channel *ch = &nvs_vgpu(vgpu)->chan[c];

	vmed_nvs_channel_unbind(vgpu, c);
	ch->fetch = 0;
	ch->inflight = 0;
	ch->copied = false;
}

static bool ring_ok(struct vmed_vgpu *vgpu, unsigned int c)
{
	u32 entries = chan_reg(vgpu, c, NVS_CH_GPFIFO_ENTRIES);
	u64 base = vmed_vreg_read(vgpu, NVS_CHAN(c) + NVS_CH_GPFIFO_BASE, 8);

	return is_power_of_2(entries) && entries <= NVS_GPFIFO_MAX &&
	       IS_ALIGNED(base, sizeof(u64));
}

/**
 * vmed_nvs_channel_bind() - the guest set NVS_CH_CTRL_ENABLE: bind the channel
 * @vgpu: the vGPU; its lock held
 * @c: channel
 *
 * Shadows the page tables at NVS_CH_PDB and keeps them until the channel is
 * disabled, its PDB changes, or the vGPU is reset. A refused bind clears
 * the enable bit and records %NVS_ERR_BIND.
 *
 * Return: 0; guest errors are reported through the channel registers.
 */
int vmed_nvs_channel_bind(struct vmed_vgpu *vgpu, unsigned int c)
{
	struct nvs_channel *ch = &nvs_vgpu(vgpu)->chan[c];
	u64 pdb = vmed_vreg_read(vgpu, NVS_CHAN(c) + NVS_CH_PDB, 8);
	struct vmed_ppgtt_mm *mm = ERR_PTR(-EINVAL);

	vmed_nvs_channel_unbind(vgpu, c);
	if (c < vmed_vgpu_fences(vgpu) && ring_ok(vgpu, c) && pdb && PAGE_ALIGNED(pdb))
		mm = vmed_ppgtt_get(vgpu, pdb);
	if (IS_ERR(mm)) {
		chan_set(vgpu, c, NVS_CH_CTRL, 0);
		vmed_nvs_channel_error(vgpu, c, NVS_ERR_BIND,
				       chan_reg(vgpu, c, NVS_CH_GP_GET));
		return 0;
	}
	ch->mm = mm;
	ch->gen++;
	ch->fetch = 0;
	chan_set(vgpu, c, NVS_CH_GP_GET, 0);
	return 0;
}

/*
 * Check the methods of a segment, without touching memory: every method
 * known with the right number of data dwords, state set before use,
 * lengths within bounds. Returns an NVS_ERR_* bit or 0; *@bytes is what
 * the copies named up to the end or the failure.
 */
static u32 nvs_scan(const u32 *pb, unsigned int n, u64 *bytes)
{
	struct nvs_seg seg = {};
	unsigned int i = 0;

	*bytes = 0;
	while (i < n) {
		u32 hdr = pb[i++], m = hdr & 0xff, args = (hdr >> 8) & 0xff;
		const u32 *a = &pb[i];

		if ((hdr >> 16) || m >= NVS_NR_METHODS ||
		    args != nvs_method_args[m] || n - i < args)
			return NVS_ERR_METHOD;
		i += args;
		switch (m) {
		case NVS_M_SET_SRC:
			seg.have_src = true;
			break;
		case NVS_M_SET_DST:
			seg.have_dst = true;
			break;
		case NVS_M_SET_LENGTH:
			seg.len = a[0];
			seg.have_len = true;
			break;
		case NVS_M_LAUNCH_COPY:
			if (!seg.have_src || !seg.have_dst || !seg.have_len)
				return NVS_ERR_METHOD;
			if (seg.len > NVS_COPY_MAX ||
			    *bytes + seg.len > NVS_DOORBELL_BUDGET)
				return NVS_ERR_LENGTH;
			*bytes += seg.len;
			break;
		case NVS_M_SEMAPHORE_ADDRESS:
			seg.sem = (u64)a[1] << 32 | a[0];
			seg.have_sem = true;
			break;
		case NVS_M_SEMAPHORE_RELEASE:
			if (!seg.have_sem)
				return NVS_ERR_METHOD;
			if (!IS_ALIGNED(seg.sem, sizeof(u32)))
				return NVS_ERR_FAULT;
			break;
		}
	}
	return 0;
}

/*
 * Decode the method at @w->pos (checked by nvs_scan()) and step past it.
 * Methods that only set state (addresses, length) are applied to @w->seg
 * here; the caller acts on the others.
 */
static u32 nvs_next_method(struct nvs_wl *w, const u32 **args)
{
	u32 hdr = w->pb[w->pos], m = hdr & 0xff;
	const u32 *a = &w->pb[w->pos + 1];

	w->pos += 1 + ((hdr >> 8) & 0xff);
	switch (m) {
	case NVS_M_SET_SRC:
		w->seg.src = (u64)a[1] << 32 | a[0];
		break;
	case NVS_M_SET_DST:
		w->seg.dst = (u64)a[1] << 32 | a[0];
		break;
	case NVS_M_SET_LENGTH:
		w->seg.len = a[0];
		break;
	case NVS_M_SEMAPHORE_ADDRESS:
		w->seg.sem = (u64)a[1] << 32 | a[0];
		break;
	}
	*args = a;
	return m;
}

/*
 * Every page the entry's methods touch is mapped, and writable where
 * written: the entry's first steps, before anything of it executes. A step
 * checks up to one copy's ranges, so it is bounded like the copy's own
 * steps are. Returns 0 when all is checked, VMED_WL_MORE, or the negated
 * NVS_ERR_* bit of a fault.
 */
static int nvs_check_step(struct vmed_vgpu *vgpu, struct vmed_ppgtt_mm *mm,
			  struct nvs_wl *w)
{
	struct nvs_seg *seg = &w->seg;
	const u32 *a;

	while (w->pos < w->dwords) {
		switch (nvs_next_method(w, &a)) {
		case NVS_M_LAUNCH_COPY:
			if (vmed_nvs_copy_check(vgpu, mm, seg->src, seg->len, false) ||
			    vmed_nvs_copy_check(vgpu, mm, seg->dst, seg->len, true))
				return -(int)NVS_ERR_FAULT;
			if (w->pos < w->dwords)
				return VMED_WL_MORE;
			break;
		case NVS_M_SEMAPHORE_RELEASE:
			if (vmed_nvs_copy_check(vgpu, mm, seg->sem, sizeof(u32), true))
				return -(int)NVS_ERR_FAULT;
			break;
		}
	}
	return 0;
}

/* One step of execution: a part of a copy, or up to NVS_STEP_METHODS. */
static int nvs_exec_step(struct vmed_vgpu *vgpu, struct vmed_ppgtt_mm *mm,
			 struct nvs_wl *w)
{
	struct nvs_vgpu *nv = nvs_vgpu(vgpu);
	struct nvs_seg *seg = &w->seg;
	unsigned int n;
	__le32 payload;
	const u32 *a;
	u64 chunk;

	if (w->copying) {
		chunk = min_t(u64, seg->len - w->copy_done, NVS_STEP_BYTES);
		if (vmed_nvs_copy(vgpu, mm, seg->dst + w->copy_done,
				  seg->src + w->copy_done, chunk))
			goto fault;
		w->copy_done += chunk;
		nv->copy_bytes += chunk;
		if (w->copy_done == seg->len) {
			w->copying = false;
			w->copies++;
			nv->copies++;
		}
		return w->copying || w->pos < w->dwords ? VMED_WL_MORE : 0;
	}
	for (n = 0; n < NVS_STEP_METHODS && w->pos < w->dwords; n++) {
		switch (nvs_next_method(w, &a)) {
		case NVS_M_LAUNCH_COPY:
			/* The copy itself is the next steps' work. */
			w->copying = true;
			w->copy_done = 0;
			return VMED_WL_MORE;
		case NVS_M_SEMAPHORE_RELEASE:
			payload = cpu_to_le32(a[0]);
			if (vmed_ppgtt_rw(vgpu, mm, seg->sem, &payload,
					  sizeof(payload), true))
				goto fault;
			nv->releases++;
			break;
		case NVS_M_NONSTALL_INTERRUPT:
			vmed_irq_raise(vgpu, NVS_EV_NONSTALL);
			break;
		}
	}
	return w->pos < w->dwords ? VMED_WL_MORE : 0;
fault:
	/* The guest took pages away from under the entry while it ran. */
	w->err = NVS_ERR_FAULT;
	return -EFAULT;
}

/**
 * vmed_nvs_wl_step() - the copy engine runs one step of a GPFIFO entry
 * @vgpu: the vGPU; its lock held
 * @wl: the entry's workload
 *
 * Return: %VMED_WL_MORE, 0 when the entry is done (or dropped), or a
 * negative errno when it failed (the NVS_ERR_* bit is in the workload).
 */
int vmed_nvs_wl_step(struct vmed_vgpu *vgpu, struct vmed_workload *wl)
{
	struct nvs_wl *w = vmed_workload_data(wl);
	struct nvs_channel *ch = &nvs_vgpu(vgpu)->chan[w->chan];
	int ret;

	if (w->gen != ch->gen || !ch->mm) {
		w->dropped = true;
		return 0;
	}
	if (w->err)
		return -EINVAL;
	if (!w->checked) {
		/* Steps of their own: they may walk 64 MiB of mappings. */
		ret = nvs_check_step(vgpu, ch->mm, w);
		if (ret < 0) {
			w->err = -ret;
			return -EFAULT;
		}
		if (ret == VMED_WL_MORE)
			return VMED_WL_MORE;
		/* Checked: execution starts from the top, with fresh state. */
		w->checked = true;
		w->pos = 0;
		memset(&w->seg, 0, sizeof(w->seg));
		return VMED_WL_MORE;
	}
	return nvs_exec_step(vgpu, ch->mm, w);
}

/**
 * vmed_nvs_wl_complete() - a GPFIFO entry is done: GP_GET moves past it
 * @vgpu: the vGPU; its lock held
 * @wl: the entry's workload
 * @status: 0, its step's error, -ETIMEDOUT (the watchdog stopped it) or
 *	-ECANCELED (it was queued behind one the watchdog stopped)
 *
 * A failed entry is reported through the channel's error registers; the
 * last entry of a doorbell raises COPY_DONE if any of the doorbell's
 * entries copied.
 */
void vmed_nvs_wl_complete(struct vmed_vgpu *vgpu, struct vmed_workload *wl,
			  int status)
{
	struct nvs_wl *w = vmed_workload_data(wl);
	struct nvs_channel *ch = &nvs_vgpu(vgpu)->chan[w->chan];
	u32 err = w->err;

	ch->inflight--;
	/* Its channel was bound anew: that GP_GET is not its business. */
	if (w->dropped || w->gen != ch->gen)
		return;
	if (status == -ETIMEDOUT || status == -ECANCELED)
		err = NVS_ERR_TIMEOUT;
	else if (status && !err)
		err = NVS_ERR_FAULT;	/* the core's own (-EIO) */
	if (err)
		vmed_nvs_channel_error(vgpu, w->chan, err, w->gp);
	else
		nvs_vgpu(vgpu)->entries++;
	ch->copied |= w->copies;
	chan_set(vgpu, w->chan, NVS_CH_GP_GET, w->next);
	if (w->last && ch->copied) {
		ch->copied = false;
		vmed_irq_raise(vgpu, NVS_EV_COPY_DONE);
	}
}

/*
 * Queue GPFIFO entry @gp: fetch it, copy its segment and check its
 * methods. NULL if its copies would exceed what is left of *@budget (it
 * waits for the next doorbell), else the workload (failed entries too: the
 * engine reports them in order).
 */
static struct vmed_workload *nvs_prepare(struct vmed_vgpu *vgpu, unsigned int c,
					 struct vmed_ppgtt_mm *mm, u32 gp,
					 u32 entries, u64 *budget)
{
	u64 base = vmed_vreg_read(vgpu, NVS_CHAN(c) + NVS_CH_GPFIFO_BASE, 8);
	u64 entry = 0, va = 0, dwords = 0, bytes = 0;
	struct vmed_workload *wl;
	struct nvs_wl *w;
	__le64 raw;
	u32 err = 0;

	if (vmed_gm_rw(vgpu, base + (u64)gp * sizeof(raw), &raw, sizeof(raw),
		       false)) {
		err = NVS_ERR_GPFIFO;
	} else {
		entry = le64_to_cpu(raw);
		va = entry & NVS_GP_VA;
		dwords = FIELD_GET(NVS_GP_LEN, entry);
		if ((entry & NVS_GP_RSVD) || !IS_ALIGNED(va, sizeof(u32)))
			err = NVS_ERR_GPFIFO;
		else if (dwords > NVS_PB_MAX_DWORDS)
			err = NVS_ERR_LENGTH;
	}
	if (err)
		dwords = 0;
	wl = vmed_workload_alloc(vgpu, 0, struct_size(w, pb, dwords));
	if (IS_ERR(wl))
		return wl;
	w = vmed_workload_data(wl);
	if (!err && (vmed_nvs_copy_check(vgpu, mm, va, dwords * 4, false) ||
		     vmed_ppgtt_rw(vgpu, mm, va, w->pb, dwords * 4, false)))
		err = NVS_ERR_GPFIFO;
	if (!err) {
		le32_to_cpu_array(w->pb, dwords);
		w->dwords = dwords;
		err = nvs_scan(w->pb, dwords, &bytes);
		if (!err && bytes > *budget) {
			vmed_workload_discard(wl);
			return NULL;
		}
	}
	*budget -= min(bytes, *budget);
	w->chan = c;
	w->gen = nvs_vgpu(vgpu)->chan[c].gen;
	w->gp = gp;
	w->next = (gp + 1) & (entries - 1);
	w->err = err;
	return wl;
}

/**
 * vmed_nvs_doorbell() - the guest rang channel @c's doorbell
 * @vgpu: the vGPU; its lock held
 * @c: channel
 *
 * Queues the entries up to GP_PUT that no doorbell queued yet (within the
 * budget) and returns; the engine runs them.
 *
 * Return: 0; guest errors are reported through the channel registers.
 */
int vmed_nvs_doorbell(struct vmed_vgpu *vgpu, unsigned int c)
{
	struct nvs_vgpu *nv = nvs_vgpu(vgpu);
	struct nvs_channel *ch = &nv->chan[c];
	struct vmed_workload *wl, *last = NULL;
	u64 budget = NVS_DOORBELL_BUDGET;
	struct vmed_ppgtt_mm *mm;
	u32 get, put, entries;

	if (c >= NVS_MAX_CHANNELS)
		return -EINVAL;
	get = chan_reg(vgpu, c, NVS_CH_GP_GET);
	mm = c < vmed_vgpu_fences(vgpu) ? ch->mm : NULL;
	if (!mm) {
		vmed_nvs_channel_error(vgpu, c, NVS_ERR_DISABLED, get);
		return 0;
	}
	entries = chan_reg(vgpu, c, NVS_CH_GPFIFO_ENTRIES);
	put = chan_reg(vgpu, c, NVS_CH_GP_PUT);
	if (!ring_ok(vgpu, c)) {
		vmed_nvs_channel_error(vgpu, c, NVS_ERR_GPFIFO, get);
		return 0;
	}
	if (put >= entries || get >= entries) {
		vmed_nvs_channel_error(vgpu, c, NVS_ERR_PUT, get);
		return 0;
	}
	if (!ch->inflight || ch->fetch >= entries)
		ch->fetch = get;
	while (ch->fetch != put && budget) {
		wl = nvs_prepare(vgpu, c, mm, ch->fetch, entries, &budget);
		if (IS_ERR_OR_NULL(wl))
			break;	/* out of budget or memory: the next doorbell */
		if (vmed_workload_queue(wl)) {
			vmed_workload_discard(wl);
			break;	/* the vGPU's queue is full: the same */
		}
		ch->inflight++;
		ch->fetch = (ch->fetch + 1) & (entries - 1);
		last = wl;
	}
	/* Queued, but the engine reads it only under the lock we hold. */
	if (last)
		((struct nvs_wl *)vmed_workload_data(last))->last = true;
	return 0;
}
