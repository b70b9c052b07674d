// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for core/sched.c: asynchronous workloads on a device's
 * engines, the guest's register accesses served while a workload runs,
 * the policies, the watchdog, and cancellation by reset, failure and
 * destroy. The engine here is a test vendor whose steps only count and
 * spin: what it runs is the scheduler's business, not memory traffic.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/ktime.h>
#include "fake_hv.h"
#include "../../core/internal.h"

#define ST_ENGINES		2
#define ST_FOREVER		UINT_MAX
#define ST_MAX_DONE		128
#define ST_TAG_FAIL		99

/* The vendor data of a test workload. */
struct st_wl {
	unsigned int tag;	/* ST_TAG_FAIL: its completion fails the vGPU */
	unsigned int steps;	/* to run; ST_FOREVER: until st.stop */
	unsigned int step_us;	/* spin per step */
	unsigned int fail_vgpu_at;	/* this step fails the vGPU (0: never) */
	int error_at;		/* this step returns @error (0: never) */
	int error;
	unsigned int done;	/* steps run */
};

struct st_done {
	struct vmed_vgpu *vgpu;
	unsigned int tag;
	int status;
};

/* What the test engine saw; one test at a time. */
static struct {
	atomic_t steps;
	bool stop;
	unsigned int nr_done;
	struct st_done done[ST_MAX_DONE];
	bool unlocked_step;
} st;

static int st_step(struct vmed_vgpu *vgpu, struct vmed_workload *wl)
{
	struct st_wl *w = vmed_workload_data(wl);

	if (!mutex_is_locked(&vgpu->lock))
		st.unlocked_step = true;
	atomic_inc(&st.steps);
	w->done++;
	if (w->step_us)
		udelay(w->step_us);
	if (w->fail_vgpu_at == w->done)
		vmed_vgpu_fail(vgpu, "test step");
	if (w->error_at == w->done)
		return w->error;
	if (w->steps == ST_FOREVER)
		return READ_ONCE(st.stop) ? 0 : VMED_WL_MORE;
	return w->done < w->steps ? VMED_WL_MORE : 0;
}

static void st_complete(struct vmed_vgpu *vgpu, struct vmed_workload *wl,
			int status)
{
	struct st_wl *w = vmed_workload_data(wl);

	if (st.nr_done < ST_MAX_DONE)
		st.done[st.nr_done++] = (struct st_done){ vgpu, w->tag, status };
	/* A vendor whose completion write hits a bad page table, say. */
	if (w->tag == ST_TAG_FAIL)
		vmed_vgpu_fail(vgpu, "test completion");
}

static void st_engine_reset(struct vmed_vgpu *vgpu)
{
	container_of(vgpu->dev->vendor, struct fake_env, vendor)->tv.engine_resets++;
}

static const struct vmed_vendor_ops st_ops = {
	.engine_reset = st_engine_reset,
	.wl_step = st_step,
	.wl_complete = st_complete,
};

static struct fake_env *st_env(struct kunit *test)
{
	struct vmed_vendor v = tvendor;

	memset(&st, 0, sizeof(st));
	v.nr_engines = ST_ENGINES;
	v.ops = &st_ops;
	return fake_env_create_vendor(test, &v, TV_TYPE_SMALL);
}

/* A second vGPU on the same device, destroyed with the test. */
static void st_vgpu_destroy(void *data)
{
	vmed_vgpu_destroy(data);
}

static struct vmed_vgpu *st_vgpu(struct kunit *test, struct fake_env *env,
				 unsigned int weight)
{
	struct vmed_vgpu *vgpu = vmed_vgpu_create(env->dev, TV_TYPE_SMALL, NULL);

	KUNIT_ASSERT_FALSE(test, IS_ERR(vgpu));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, st_vgpu_destroy,
							vgpu), 0);
	KUNIT_ASSERT_EQ(test, vmed_vgpu_set_sched_weight(vgpu, weight), 0);
	return vgpu;
}

/* Queue a workload as a vendor's register handler would; 0 or its error. */
static int st_queue(struct kunit *test, struct vmed_vgpu *vgpu,
		    unsigned int engine, const struct st_wl *w)
{
	struct vmed_workload *wl = vmed_workload_alloc(vgpu, engine, sizeof(*w));
	int ret;

	KUNIT_ASSERT_FALSE(test, IS_ERR(wl));
	memcpy(vmed_workload_data(wl), w, sizeof(*w));
	mutex_lock(&vgpu->lock);
	ret = vmed_workload_queue(wl);
	mutex_unlock(&vgpu->lock);
	if (ret)
		vmed_workload_discard(wl);
	return ret;
}

static bool st_busy(struct vmed_vgpu *vgpu, unsigned int engine)
{
	bool busy;

	mutex_lock(&vgpu->lock);
	busy = vmed_engine_busy(vgpu, engine);
	mutex_unlock(&vgpu->lock);
	return busy;
}

/* Wait (without a time limit: a hang is the failure) for steps to run. */
static void st_wait_steps(int n)
{
	while (atomic_read(&st.steps) < n)
		usleep_range(100, 200);
}

static void sched_runs_queued_work(struct kunit *test)
{
	struct fake_env *env = st_env(test);
	struct st_wl w = { .tag = 7, .steps = 20, .step_us = 50 };
	struct vmed_vgpu_stats s;
	u64 start = ktime_get_ns(), elapsed;

	/* One slice, however slow this machine. */
	KUNIT_ASSERT_EQ(test, vmed_device_set_timeslice_us(env->dev, 100000), 0);
	KUNIT_ASSERT_EQ(test, st_queue(test, env->vgpu, 1, &w), 0);
	vmed_sched_wait_idle(env->vgpu);
	elapsed = ktime_get_ns() - start;
	KUNIT_EXPECT_FALSE(test, st_busy(env->vgpu, 1));
	KUNIT_ASSERT_EQ(test, st.nr_done, 1);
	KUNIT_EXPECT_EQ(test, st.done[0].tag, 7);
	KUNIT_EXPECT_EQ(test, st.done[0].status, 0);
	KUNIT_EXPECT_PTR_EQ(test, st.done[0].vgpu, env->vgpu);
	KUNIT_EXPECT_EQ(test, atomic_read(&st.steps), 20);
	KUNIT_EXPECT_FALSE(test, st.unlocked_step);
	vmed_vgpu_get_stats(env->vgpu, &s);
	KUNIT_EXPECT_EQ(test, s.workloads, 1);
	KUNIT_EXPECT_EQ(test, s.wl_completed, 1);
	KUNIT_EXPECT_EQ(test, s.wl_cancelled, 0);
	/* Charged, and no more than one engine can have run. */
	KUNIT_EXPECT_GT(test, s.engine_time_ns, 0);
	KUNIT_EXPECT_LE(test, s.engine_time_ns, elapsed);
	KUNIT_EXPECT_EQ(test, env->dev->engines[1].decisions, 1);
	KUNIT_EXPECT_EQ(test, env->dev->engines[0].decisions, 0);
}

/* The queueing call returns while the work is still to run. */
static void sched_queue_returns_at_once(struct kunit *test)
{
	struct fake_env *env = st_env(test);
	struct st_wl w = { .steps = ST_FOREVER, .step_us = 20 };

	KUNIT_ASSERT_EQ(test, st_queue(test, env->vgpu, 0, &w), 0);
	KUNIT_EXPECT_TRUE(test, st_busy(env->vgpu, 0));
	KUNIT_EXPECT_EQ(test, st.nr_done, 0);
	WRITE_ONCE(st.stop, true);
	vmed_sched_wait_idle(env->vgpu);
	KUNIT_EXPECT_EQ(test, st.nr_done, 1);
}

/* Register accesses get the vGPU between steps of its running workload. */
static void sched_mmio_while_running(struct kunit *test)
{
	struct fake_env *env = st_env(test);
	struct st_wl w = { .steps = ST_FOREVER, .step_us = 20 };
	int i, before;

	KUNIT_ASSERT_EQ(test, st_queue(test, env->vgpu, 0, &w), 0);
	st_wait_steps(1);
	for (i = 0; i < 20; i++) {
		before = atomic_read(&st.steps);
		tv_write32(test, env->vgpu, TV_REG_PLAIN, i);
		KUNIT_EXPECT_EQ(test, tv_read32(test, env->vgpu, TV_REG_PLAIN), i);
		/* The workload goes on between the guest's accesses. */
		st_wait_steps(before + 1);
	}
	KUNIT_EXPECT_TRUE(test, st_busy(env->vgpu, 0));
	KUNIT_EXPECT_EQ(test, st.nr_done, 0);
	WRITE_ONCE(st.stop, true);
	vmed_sched_wait_idle(env->vgpu);
	KUNIT_EXPECT_EQ(test, st.nr_done, 1);
	KUNIT_EXPECT_FALSE(test, st.unlocked_step);
}

static void sched_fifo_per_vgpu(struct kunit *test)
{
	struct fake_env *env = st_env(test);
	struct st_wl w = { .steps = 3, .step_us = 10 };
	unsigned int i;

	for (i = 0; i < 5; i++) {
		w.tag = i;
		KUNIT_ASSERT_EQ(test, st_queue(test, env->vgpu, 0, &w), 0);
	}
	vmed_sched_wait_idle(env->vgpu);
	KUNIT_ASSERT_EQ(test, st.nr_done, 5);
	for (i = 0; i < 5; i++)
		KUNIT_EXPECT_EQ(test, st.done[i].tag, i);
}

static void sched_step_error_reported(struct kunit *test)
{
	struct fake_env *env = st_env(test);
	struct st_wl bad = { .tag = 1, .steps = 10, .error_at = 4,
			     .error = -EFAULT };
	struct st_wl silly = { .tag = 2, .steps = 10, .error_at = 2,
			       .error = 5 };
	struct st_wl good = { .tag = 3, .steps = 2 };
	struct vmed_vgpu_stats s;

	KUNIT_ASSERT_EQ(test, st_queue(test, env->vgpu, 0, &bad), 0);
	KUNIT_ASSERT_EQ(test, st_queue(test, env->vgpu, 0, &silly), 0);
	KUNIT_ASSERT_EQ(test, st_queue(test, env->vgpu, 0, &good), 0);
	vmed_sched_wait_idle(env->vgpu);
	KUNIT_ASSERT_EQ(test, st.nr_done, 3);
	KUNIT_EXPECT_EQ(test, st.done[0].status, -EFAULT);
	/* Outside the contract: an errno all the same. */
	KUNIT_EXPECT_EQ(test, st.done[1].status, -EIO);
	KUNIT_EXPECT_EQ(test, st.done[2].status, 0);
	/* 4 + 2 + 2 steps: nothing ran after an error. */
	KUNIT_EXPECT_EQ(test, atomic_read(&st.steps), 8);
	vmed_vgpu_get_stats(env->vgpu, &s);
	KUNIT_EXPECT_EQ(test, s.workload_errors, 2);
	KUNIT_EXPECT_FALSE(test, env->vgpu->failed);
}

/* Reset drops queued and running work; the guest is told nothing. */
static void sched_reset_cancels(struct kunit *test)
{
	struct fake_env *env = st_env(test);
	struct st_wl w = { .steps = ST_FOREVER, .step_us = 20 };
	struct vmed_vgpu_stats s;
	int steps;

	KUNIT_ASSERT_EQ(test, st_queue(test, env->vgpu, 0, &w), 0);
	KUNIT_ASSERT_EQ(test, st_queue(test, env->vgpu, 0, &w), 0);
	KUNIT_ASSERT_EQ(test, st_queue(test, env->vgpu, 1, &w), 0);
	st_wait_steps(2);
	vmed_vgpu_reset(env->vgpu);
	vmed_sched_wait_idle(env->vgpu);
	steps = atomic_read(&st.steps);
	KUNIT_EXPECT_FALSE(test, st_busy(env->vgpu, 0));
	KUNIT_EXPECT_FALSE(test, st_busy(env->vgpu, 1));
	KUNIT_EXPECT_EQ(test, st.nr_done, 0);
	vmed_vgpu_get_stats(env->vgpu, &s);
	KUNIT_EXPECT_EQ(test, s.wl_cancelled, 3);
	KUNIT_EXPECT_EQ(test, s.wl_completed, 0);
	KUNIT_EXPECT_GE(test, env->tv.engine_resets, 1);
	/* Nothing runs after the cancellation... */
	msleep(20);
	KUNIT_EXPECT_EQ(test, atomic_read(&st.steps), steps);
	/* ...and the vGPU takes new work. */
	w.steps = 1;
	KUNIT_ASSERT_EQ(test, st_queue(test, env->vgpu, 0, &w), 0);
	vmed_sched_wait_idle(env->vgpu);
	KUNIT_EXPECT_EQ(test, st.nr_done, 1);
}

/* A guest's engine reset drops that engine's work and no other. */
static void sched_engine_cancel(struct kunit *test)
{
	struct fake_env *env = st_env(test);
	struct st_wl w = { .tag = 1, .steps = ST_FOREVER, .step_us = 20 };
	struct vmed_vgpu_stats s;
	int steps;

	KUNIT_ASSERT_EQ(test, st_queue(test, env->vgpu, 0, &w), 0);
	KUNIT_ASSERT_EQ(test, st_queue(test, env->vgpu, 0, &w), 0);
	w.tag = 2;
	w.steps = 400;
	KUNIT_ASSERT_EQ(test, st_queue(test, env->vgpu, 1, &w), 0);
	st_wait_steps(2);
	/* As a register handler does it. */
	mutex_lock(&env->vgpu->lock);
	vmed_engine_cancel(env->vgpu, BIT(0));
	KUNIT_EXPECT_FALSE(test, vmed_engine_busy(env->vgpu, 0));
	mutex_unlock(&env->vgpu->lock);
	vmed_sched_wait_idle(env->vgpu);
	vmed_vgpu_get_stats(env->vgpu, &s);
	KUNIT_EXPECT_EQ(test, s.wl_cancelled, 2);
	/* Engine 1's workload ran to its end and was completed. */
	KUNIT_EXPECT_EQ(test, s.wl_completed, 1);
	KUNIT_ASSERT_EQ(test, st.nr_done, 1);
	KUNIT_EXPECT_EQ(test, st.done[0].tag, 2);
	KUNIT_EXPECT_EQ(test, st.done[0].status, 0);
	/* No vendor reset, no failure: the vendor resets its own state. */
	KUNIT_EXPECT_EQ(test, env->tv.engine_resets, 0);
	KUNIT_EXPECT_FALSE(test, env->vgpu->failed);
	steps = atomic_read(&st.steps);
	msleep(20);
	KUNIT_EXPECT_EQ(test, atomic_read(&st.steps), steps);
	/* Cancelling an idle engine, or one the device lacks, is harmless. */
	mutex_lock(&env->vgpu->lock);
	vmed_engine_cancel(env->vgpu, BIT(0) | BIT(5));
	mutex_unlock(&env->vgpu->lock);
	w.steps = 1;
	KUNIT_ASSERT_EQ(test, st_queue(test, env->vgpu, 0, &w), 0);
	vmed_sched_wait_idle(env->vgpu);
	KUNIT_EXPECT_EQ(test, st.nr_done, 2);
}

/* A step that fails the vGPU: its engine stops when the step returns. */
static void sched_fail_inside_step(struct kunit *test)
{
	struct fake_env *env = st_env(test);
	struct st_wl w = { .tag = 1, .steps = 10, .fail_vgpu_at = 3 };
	struct vmed_vgpu_stats s;

	KUNIT_ASSERT_EQ(test, st_queue(test, env->vgpu, 0, &w), 0);
	w.tag = 2;
	KUNIT_ASSERT_EQ(test, st_queue(test, env->vgpu, 0, &w), 0);
	vmed_sched_wait_idle(env->vgpu);
	KUNIT_EXPECT_TRUE(test, env->vgpu->failed);
	KUNIT_EXPECT_EQ(test, atomic_read(&st.steps), 3);
	KUNIT_EXPECT_EQ(test, st.nr_done, 0);
	KUNIT_EXPECT_EQ(test, env->tv.engine_resets, 1);
	vmed_vgpu_get_stats(env->vgpu, &s);
	KUNIT_EXPECT_EQ(test, s.wl_cancelled, 2);
	/* The slice that ended in the failure is charged all the same. */
	KUNIT_EXPECT_GT(test, s.engine_time_ns, 0);
	/* A failed vGPU queues nothing. */
	KUNIT_EXPECT_EQ(test, st_queue(test, env->vgpu, 0, &w), -EIO);
	vmed_vgpu_reset(env->vgpu);
	KUNIT_EXPECT_EQ(test, st_queue(test, env->vgpu, 0, &w), 0);
	vmed_sched_wait_idle(env->vgpu);
	KUNIT_EXPECT_EQ(test, st.nr_done, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&st.steps), 6);
	/* The second run failed it again at step 3, as it asks to. */
	KUNIT_EXPECT_TRUE(test, env->vgpu->failed);
}

/* Failed from outside (a shim) while a workload runs. */
static void sched_fail_while_running(struct kunit *test)
{
	struct fake_env *env = st_env(test);
	struct st_wl w = { .steps = ST_FOREVER, .step_us = 20 };
	int steps;

	KUNIT_ASSERT_EQ(test, st_queue(test, env->vgpu, 0, &w), 0);
	st_wait_steps(2);
	vmed_vgpu_fail_guest(env->vgpu, "test");
	vmed_sched_wait_idle(env->vgpu);
	steps = atomic_read(&st.steps);
	msleep(20);
	KUNIT_EXPECT_EQ(test, atomic_read(&st.steps), steps);
	KUNIT_EXPECT_EQ(test, st.nr_done, 0);
}

static void sched_queue_limit(struct kunit *test)
{
	struct fake_env *env = st_env(test);
	struct st_wl w = { .steps = ST_FOREVER, .step_us = 20 };
	unsigned int i;

	for (i = 0; i < VMED_SCHED_MAX_QUEUED; i++)
		KUNIT_ASSERT_EQ(test, st_queue(test, env->vgpu, 0, &w), 0);
	KUNIT_EXPECT_EQ(test, st_queue(test, env->vgpu, 0, &w), -EBUSY);
	/* The limit is per engine. */
	w.steps = 1;
	KUNIT_EXPECT_EQ(test, st_queue(test, env->vgpu, 1, &w), 0);
	KUNIT_EXPECT_TRUE(test, IS_ERR(vmed_workload_alloc(env->vgpu,
							   ST_ENGINES, 8)));
	WRITE_ONCE(st.stop, true);
	vmed_sched_wait_idle(env->vgpu);
	KUNIT_EXPECT_EQ(test, st.nr_done, VMED_SCHED_MAX_QUEUED + 1);
}

/* Past the watchdog: stopped, the work behind it dropped, others unhurt. */
static void sched_watchdog(struct kunit *test)
{
	struct fake_env *env = st_env(test);
	struct vmed_vgpu *other = st_vgpu(test, env, 16);
	struct st_wl hog = { .tag = 1, .steps = ST_FOREVER, .step_us = 100 };
	struct st_wl small = { .tag = 2, .steps = 5, .step_us = 10 };
	struct vmed_vgpu_stats s;
	unsigned int i, ok = 0, timedout = 0, cancelled = 0;

	KUNIT_ASSERT_EQ(test, vmed_device_set_watchdog_ms(env->dev, 5), 0);
	KUNIT_ASSERT_EQ(test, st_queue(test, env->vgpu, 0, &hog), 0);
	KUNIT_ASSERT_EQ(test, st_queue(test, env->vgpu, 0, &small), 0);
	small.tag = 3;
	KUNIT_ASSERT_EQ(test, st_queue(test, other, 0, &small), 0);
	vmed_sched_wait_idle(env->vgpu);
	vmed_sched_wait_idle(other);
	for (i = 0; i < st.nr_done; i++) {
		if (st.done[i].tag == 1 && st.done[i].status == -ETIMEDOUT)
			timedout++;
		if (st.done[i].tag == 2 && st.done[i].status == -ECANCELED)
			cancelled++;
		if (st.done[i].tag == 3 && st.done[i].status == 0 &&
		    st.done[i].vgpu == other)
			ok++;
	}
	KUNIT_EXPECT_EQ(test, st.nr_done, 3);
	KUNIT_EXPECT_EQ(test, timedout, 1);
	KUNIT_EXPECT_EQ(test, cancelled, 1);
	KUNIT_EXPECT_EQ(test, ok, 1);
	vmed_vgpu_get_stats(env->vgpu, &s);
	KUNIT_EXPECT_EQ(test, s.wl_timeouts, 1);
	KUNIT_EXPECT_EQ(test, s.wl_cancelled, 1);
	KUNIT_EXPECT_GE(test, s.engine_time_ns, 5 * NSEC_PER_MSEC);
	KUNIT_EXPECT_FALSE(test, env->vgpu->failed);
}

/* The watchdog's completion fails the vGPU: what was behind it is dropped. */
static void sched_watchdog_complete_fails(struct kunit *test)
{
	struct fake_env *env = st_env(test);
	struct st_wl hog = { .tag = ST_TAG_FAIL, .steps = ST_FOREVER,
			     .step_us = 100 };
	struct st_wl small = { .tag = 2, .steps = 5 };
	struct vmed_vgpu_stats s;

	KUNIT_ASSERT_EQ(test, vmed_device_set_watchdog_ms(env->dev, 5), 0);
	KUNIT_ASSERT_EQ(test, st_queue(test, env->vgpu, 0, &hog), 0);
	KUNIT_ASSERT_EQ(test, st_queue(test, env->vgpu, 0, &small), 0);
	vmed_sched_wait_idle(env->vgpu);
	KUNIT_EXPECT_TRUE(test, env->vgpu->failed);
	/* The stopped one was told; the one behind it went with the failure. */
	KUNIT_ASSERT_EQ(test, st.nr_done, 1);
	KUNIT_EXPECT_EQ(test, st.done[0].status, -ETIMEDOUT);
	vmed_vgpu_get_stats(env->vgpu, &s);
	KUNIT_EXPECT_EQ(test, s.wl_timeouts, 1);
	KUNIT_EXPECT_EQ(test, s.wl_cancelled, 1);
	KUNIT_EXPECT_EQ(test, env->tv.engine_resets, 1);
	KUNIT_EXPECT_FALSE(test, st_busy(env->vgpu, 0));
}

/* Two busy vGPUs, weights 1 and 3: engine time follows the weights. */
static void sched_best_effort_weights(struct kunit *test)
{
	struct fake_env *env = st_env(test);
	struct vmed_vgpu *heavy = st_vgpu(test, env, 3);
	struct st_wl w = { .steps = ST_FOREVER, .step_us = 20 };
	struct vmed_vgpu_stats a, b;

	KUNIT_ASSERT_EQ(test, vmed_vgpu_set_sched_weight(env->vgpu, 1), 0);
	KUNIT_ASSERT_EQ(test, vmed_device_set_timeslice_us(env->dev, 200), 0);
	KUNIT_ASSERT_EQ(test, st_queue(test, env->vgpu, 0, &w), 0);
	KUNIT_ASSERT_EQ(test, st_queue(test, heavy, 0, &w), 0);
	msleep(300);
	WRITE_ONCE(st.stop, true);
	vmed_sched_wait_idle(env->vgpu);
	vmed_sched_wait_idle(heavy);
	vmed_vgpu_get_stats(env->vgpu, &a);
	vmed_vgpu_get_stats(heavy, &b);
	kunit_info(test, "engine time: weight 1 %llu ns, weight 3 %llu ns",
		   a.engine_time_ns, b.engine_time_ns);
	/* 3:1 expected; a loose bound, this is not the benchmark. */
	KUNIT_EXPECT_GT(test, b.engine_time_ns, 2 * a.engine_time_ns);
	KUNIT_EXPECT_LT(test, b.engine_time_ns, 4 * a.engine_time_ns);
	KUNIT_EXPECT_GT(test, a.wl_preempted + b.wl_preempted, 0);
}

/* Fixed share: alone on the engine, a vGPU still gets only its share. */
static void sched_fixed_share_caps(struct kunit *test)
{
	struct fake_env *env = st_env(test);
	struct vmed_vgpu *idle = st_vgpu(test, env, 48);
	struct st_wl w = { .steps = ST_FOREVER, .step_us = 20 };
	struct vmed_vgpu_stats a;
	u64 start, elapsed;

	/* 16 of 64: a quarter. */
	KUNIT_ASSERT_EQ(test, vmed_vgpu_sched_weight(env->vgpu), 16);
	KUNIT_ASSERT_EQ(test, vmed_vgpu_sched_weight(idle), 48);
	KUNIT_ASSERT_EQ(test, vmed_device_set_sched_policy(env->dev,
							   VMED_SCHED_FIXED_SHARE), 0);
	start = ktime_get_ns();
	KUNIT_ASSERT_EQ(test, st_queue(test, env->vgpu, 0, &w), 0);
	msleep(450);
	WRITE_ONCE(st.stop, true);
	vmed_sched_wait_idle(env->vgpu);
	elapsed = ktime_get_ns() - start;
	vmed_vgpu_get_stats(env->vgpu, &a);
	kunit_info(test, "engine time %llu ns of %llu ns", a.engine_time_ns,
		   elapsed);
	/* A quarter of each 100 ms period, one slice of overrun at most. */
	KUNIT_EXPECT_LT(test, a.engine_time_ns, elapsed / 2);
	KUNIT_EXPECT_GT(test, a.engine_time_ns, elapsed / 8);
}

/* A slice longer than the share does not buy more than the share. */
static void sched_fixed_share_long_slice(struct kunit *test)
{
	struct fake_env *env = st_env(test);
	struct vmed_vgpu *idle = st_vgpu(test, env, 48);
	struct st_wl w = { .steps = ST_FOREVER, .step_us = 20 };
	struct vmed_vgpu_stats a;
	u64 start, elapsed;

	KUNIT_ASSERT_EQ(test, vmed_vgpu_sched_weight(idle), 48);
	KUNIT_ASSERT_EQ(test, vmed_device_set_sched_policy(env->dev,
							   VMED_SCHED_FIXED_SHARE), 0);
	/* 100 ms slices against a 25 ms share of each 100 ms period. */
	KUNIT_ASSERT_EQ(test, vmed_device_set_timeslice_us(env->dev, 100000), 0);
	start = ktime_get_ns();
	KUNIT_ASSERT_EQ(test, st_queue(test, env->vgpu, 0, &w), 0);
	msleep(450);
	WRITE_ONCE(st.stop, true);
	vmed_sched_wait_idle(env->vgpu);
	elapsed = ktime_get_ns() - start;
	vmed_vgpu_get_stats(env->vgpu, &a);
	kunit_info(test, "engine time %llu ns of %llu ns", a.engine_time_ns,
		   elapsed);
	KUNIT_EXPECT_LT(test, a.engine_time_ns, elapsed / 2);
}

/*
 * The policy changes under a vGPU saturating its engine: what it ran over
 * a fixed share before is no debt that keeps it off the engine after.
 */
static void sched_fixed_share_after_best_effort(struct kunit *test)
{
	struct fake_env *env = st_env(test);
	struct vmed_vgpu *idle = st_vgpu(test, env, 48);
	struct st_wl w = { .steps = ST_FOREVER, .step_us = 20 };
	struct vmed_vgpu_stats a, b;
	u64 start, elapsed;

	KUNIT_ASSERT_EQ(test, vmed_vgpu_sched_weight(idle), 48);
	KUNIT_ASSERT_EQ(test, st_queue(test, env->vgpu, 0, &w), 0);
	msleep(300);
	KUNIT_ASSERT_EQ(test, vmed_device_set_sched_policy(env->dev,
							   VMED_SCHED_FIXED_SHARE), 0);
	msleep(200);
	vmed_vgpu_get_stats(env->vgpu, &a);
	start = ktime_get_ns();
	msleep(400);
	vmed_vgpu_get_stats(env->vgpu, &b);
	elapsed = ktime_get_ns() - start;
	WRITE_ONCE(st.stop, true);
	vmed_sched_wait_idle(env->vgpu);
	kunit_info(test, "engine time %llu ns of %llu ns",
		   b.engine_time_ns - a.engine_time_ns, elapsed);
	/* A quarter of each period: neither starved nor over its share. */
	KUNIT_EXPECT_GT(test, b.engine_time_ns - a.engine_time_ns, elapsed / 8);
	KUNIT_EXPECT_LT(test, b.engine_time_ns - a.engine_time_ns, elapsed / 2);
}

static void sched_knobs_refuse_bad_values(struct kunit *test)
{
	struct fake_env *env = st_env(test);

	KUNIT_EXPECT_EQ(test, vmed_vgpu_set_sched_weight(env->vgpu, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmed_vgpu_set_sched_weight(env->vgpu,
							 VMED_SCHED_WEIGHT_MAX + 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmed_vgpu_sched_weight(env->vgpu),
			VMED_SCHED_WEIGHT_DEFAULT);
	KUNIT_EXPECT_EQ(test, env->dev->total_weight, VMED_SCHED_WEIGHT_DEFAULT);
	KUNIT_EXPECT_EQ(test, vmed_vgpu_set_sched_weight(env->vgpu, 100), 0);
	KUNIT_EXPECT_EQ(test, vmed_vgpu_sched_weight(env->vgpu), 100);
	KUNIT_EXPECT_EQ(test, env->dev->total_weight, 100);

	KUNIT_EXPECT_EQ(test, vmed_device_set_sched_policy(env->dev,
							   VMED_SCHED_NR_POLICIES), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmed_device_sched_policy(env->dev),
			VMED_SCHED_BEST_EFFORT);
	KUNIT_EXPECT_EQ(test, vmed_device_set_timeslice_us(env->dev, 99), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmed_device_set_timeslice_us(env->dev, 100001),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vmed_device_timeslice_us(env->dev), 2000);
	KUNIT_EXPECT_EQ(test, vmed_device_set_timeslice_us(env->dev, 500), 0);
	KUNIT_EXPECT_EQ(test, vmed_device_timeslice_us(env->dev), 500);
	KUNIT_EXPECT_EQ(test, vmed_device_set_watchdog_ms(env->dev, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, vmed_device_set_watchdog_ms(env->dev, 600001),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vmed_device_watchdog_ms(env->dev), 10000);
	KUNIT_EXPECT_EQ(test, vmed_device_set_watchdog_ms(env->dev, 250), 0);
	KUNIT_EXPECT_EQ(test, vmed_device_watchdog_ms(env->dev), 250);
}

/* A vendor with engines must bring both halves of the contract. */
static void sched_vendor_check(struct kunit *test)
{
	struct device *dma = fake_dma_device(test);
	static struct vmed_vendor_ops half;
	struct vmed_vendor v = tvendor;
	struct vmed_device *dev;

	v.nr_engines = VMED_MAX_ENGINES + 1;
	v.ops = &st_ops;
	KUNIT_EXPECT_EQ(test, PTR_ERR(vmed_device_register(&v, dma, "t")), -EINVAL);
	half.wl_step = st_step;
	v.nr_engines = 1;
	v.ops = &half;
	KUNIT_EXPECT_EQ(test, PTR_ERR(vmed_device_register(&v, dma, "t")), -EINVAL);
	v.ops = &st_ops;
	dev = vmed_device_register(&v, dma, "t");
	KUNIT_ASSERT_FALSE(test, IS_ERR(dev));
	vmed_device_unregister(dev);
}

/* Destroyed while its workload runs: the worker lets go first (KASAN). */
static void sched_destroy_while_running(struct kunit *test)
{
	struct fake_env *env = st_env(test);
	struct vmed_vgpu *vgpu = vmed_vgpu_create(env->dev, TV_TYPE_SMALL, NULL);
	struct st_wl w = { .steps = ST_FOREVER, .step_us = 20 };
	struct vmed_vgpu_stats s;

	KUNIT_ASSERT_FALSE(test, IS_ERR(vgpu));
	KUNIT_ASSERT_EQ(test, st_queue(test, vgpu, 0, &w), 0);
	KUNIT_ASSERT_EQ(test, st_queue(test, vgpu, 1, &w), 0);
	st_wait_steps(2);
	vmed_vgpu_destroy(vgpu);
	KUNIT_EXPECT_EQ(test, st.nr_done, 0);
	/* The device's other vGPU still runs work. */
	w.steps = 2;
	KUNIT_ASSERT_EQ(test, st_queue(test, env->vgpu, 0, &w), 0);
	vmed_sched_wait_idle(env->vgpu);
	KUNIT_EXPECT_EQ(test, st.nr_done, 1);
	vmed_vgpu_get_stats(env->vgpu, &s);
	KUNIT_EXPECT_EQ(test, s.wl_completed, 1);
}

static struct kunit_case sched_cases[] = {
	KUNIT_CASE(sched_runs_queued_work),
	KUNIT_CASE(sched_queue_returns_at_once),
	KUNIT_CASE(sched_mmio_while_running),
	KUNIT_CASE(sched_fifo_per_vgpu),
	KUNIT_CASE(sched_step_error_reported),
	KUNIT_CASE(sched_reset_cancels),
	KUNIT_CASE(sched_engine_cancel),
	KUNIT_CASE(sched_fail_inside_step),
	KUNIT_CASE(sched_fail_while_running),
	KUNIT_CASE(sched_queue_limit),
	KUNIT_CASE(sched_watchdog),
	KUNIT_CASE(sched_watchdog_complete_fails),
	KUNIT_CASE(sched_best_effort_weights),
	KUNIT_CASE(sched_fixed_share_caps),
	KUNIT_CASE(sched_fixed_share_long_slice),
	KUNIT_CASE(sched_fixed_share_after_best_effort),
	KUNIT_CASE(sched_knobs_refuse_bad_values),
	KUNIT_CASE(sched_vendor_check),
	KUNIT_CASE(sched_destroy_while_running),
	{}
};

static struct kunit_suite sched_suite = {
	.name = "vmed_sched",
	.test_cases = sched_cases,
};

kunit_test_suite(sched_suite);
