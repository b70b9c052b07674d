// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for vGPU ownership (core/frontend.c, and vmed_vgpu_attach()
 * in core/vgpu.c): frontends hear of every published vGPU once, whichever
 * comes first; at most one frontend holds a vGPU; destruction has every
 * frontend let go and detaches a holder that did not; a reference outlives
 * destruction safely; a frontend that fails to take a vGPU is skipped.
 */
#include <kunit/test.h>
#include "fake_hv.h"
#include "../../core/internal.h"

struct recfe {
	struct vmed_frontend fe;
	struct kunit *test;
	struct vmed_vgpu *target;	/* events about other vGPUs are ignored */
	struct fake_hv *hv;		/* attach in vgpu_added with these ops */
	int added_ret;			/* what vgpu_added returns */
	bool detach_on_remove;		/* a well-behaved frontend lets go */
	bool registered;
	int added, removed;
	void *removed_data;
};

static int rec_added(struct vmed_frontend *fe, struct vmed_vgpu *vgpu,
		     void **data)
{
	struct recfe *r = container_of(fe, struct recfe, fe);

	if (vgpu != r->target)
		return 0;
	r->added++;
	if (r->added_ret)
		return r->added_ret;
	*data = r;
	return 0;
}

static void rec_removed(struct vmed_frontend *fe, struct vmed_vgpu *vgpu,
			void *data)
{
	struct recfe *r = container_of(fe, struct recfe, fe);

	if (vgpu != r->target)
		return;
	r->removed++;
	r->removed_data = data;
	if (r->detach_on_remove)
		vmed_vgpu_detach(vgpu, fe);
}

static void rec_unregister(void *data)
{
	struct recfe *r = data;

	if (r->registered)
		vmed_frontend_unregister(&r->fe);
}

static struct recfe *rec_create(struct kunit *test, const char *name)
{
	struct recfe *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	r->test = test;
	r->fe.name = name;
	r->fe.held_state = "held";
	r->fe.vgpu_added = rec_added;
	r->fe.vgpu_removed = rec_removed;
	r->detach_on_remove = true;
	return r;
}

static void rec_register(struct kunit *test, struct recfe *r)
{
	KUNIT_ASSERT_EQ(test, vmed_frontend_register(&r->fe), 0);
	r->registered = true;
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, rec_unregister, r),
			0);
	/* Registered twice is refused. */
	KUNIT_EXPECT_EQ(test, vmed_frontend_register(&r->fe), -EBUSY);
}

/* A device with one unpublished, unattached vGPU in env->vgpu. */
static struct fake_env *env_with_vgpu(struct kunit *test)
{
	struct fake_env *env = fake_env_create_device(test, &tvendor);

	env->vgpu = vmed_vgpu_create(env->dev, TV_TYPE_SMALL, "frontend-test");
	KUNIT_ASSERT_FALSE(test, IS_ERR(env->vgpu));
	return env;
}

static void frontend_told_once_either_order(struct kunit *test)
{
	struct fake_env *env = env_with_vgpu(test);
	struct recfe *early = rec_create(test, "early");
	struct recfe *late = rec_create(test, "late");

	early->target = env->vgpu;
	late->target = env->vgpu;
	rec_register(test, early);
	/* Created is not published: no frontend knows of it yet. */
	KUNIT_EXPECT_EQ(test, early->added, 0);
	vmed_vgpu_publish(env->vgpu, NULL);
	KUNIT_EXPECT_EQ(test, early->added, 1);
	KUNIT_EXPECT_PTR_EQ(test, vmed_vgpu_frontend_data(env->vgpu, &early->fe),
			    (void *)early);
	/* A second publish changes nothing. */
	vmed_vgpu_publish(env->vgpu, NULL);
	KUNIT_EXPECT_EQ(test, early->added, 1);

	rec_register(test, late);
	KUNIT_EXPECT_EQ(test, late->added, 1);
	KUNIT_EXPECT_STREQ(test, vmed_vgpu_name(env->vgpu), "frontend-test");

	vmed_vgpu_destroy(env->vgpu);
	env->vgpu = NULL;
	KUNIT_EXPECT_EQ(test, early->removed, 1);
	KUNIT_EXPECT_EQ(test, late->removed, 1);
	KUNIT_EXPECT_PTR_EQ(test, early->removed_data, (void *)early);
}

static void frontend_one_holder(struct kunit *test)
{
	struct fake_env *env = env_with_vgpu(test);
	struct recfe *a = rec_create(test, "fe-a");
	struct recfe *b = rec_create(test, "fe-b");
	struct vmed_vgpu *vgpu = env->vgpu;
	struct vmed_vgpu_status st;

	a->target = vgpu;
	b->target = vgpu;
	rec_register(test, a);
	rec_register(test, b);
	vmed_vgpu_publish(vgpu, NULL);

	vmed_vgpu_get_status(vgpu, &st);
	KUNIT_EXPECT_STREQ(test, st.holder, "");
	KUNIT_ASSERT_EQ(test, vmed_vgpu_attach(vgpu, &a->fe, &fake_hv_ops,
					       &env->hv), 0);
	KUNIT_EXPECT_EQ(test, vmed_vgpu_attach(vgpu, &b->fe, &fake_hv_ops,
					       &env->hv), -EBUSY);
	KUNIT_EXPECT_EQ(test, vmed_vgpu_attach(vgpu, &a->fe, &fake_hv_ops,
					       &env->hv), -EBUSY);
	vmed_vgpu_get_status(vgpu, &st);
	KUNIT_EXPECT_STREQ(test, st.holder, "fe-a");
	KUNIT_EXPECT_STREQ(test, st.held_state, "held");

	/* Only the holder's detach counts. */
	vmed_vgpu_detach(vgpu, &b->fe);
	KUNIT_EXPECT_PTR_EQ(test, vgpu->hv, &fake_hv_ops);
	vmed_vgpu_detach(vgpu, &a->fe);
	KUNIT_EXPECT_NULL(test, vgpu->hv);
	KUNIT_EXPECT_EQ(test, vmed_vgpu_attach(vgpu, &b->fe, &fake_hv_ops,
					       &env->hv), 0);
	vmed_vgpu_get_status(vgpu, &st);
	KUNIT_EXPECT_STREQ(test, st.holder, "fe-b");
}

/* Each attach starts from a function-level reset: nothing carries over. */
static void frontend_attach_resets(struct kunit *test)
{
	struct fake_env *env = fake_env_create(test, TV_TYPE_SMALL);
	struct vmed_vgpu *vgpu = env->vgpu;

	tv_write32(test, vgpu, TV_REG_PLAIN, 0x55);
	tv_cfg_write32(test, vgpu, PCI_BASE_ADDRESS_0, 0xe0000000);
	tv_cfg_write16(test, vgpu, PCI_COMMAND, PCI_COMMAND_MEMORY);
	tv_write32(test, vgpu, TV_REG_FAIL, 1);
	KUNIT_EXPECT_TRUE(test, vgpu->failed);
	vmed_vgpu_detach(vgpu, &fake_frontend);
	KUNIT_ASSERT_EQ(test, vmed_vgpu_attach(vgpu, &fake_frontend,
					       &fake_hv_ops, &env->hv), 0);
	KUNIT_EXPECT_FALSE(test, vgpu->failed);
	KUNIT_EXPECT_EQ(test, tv_read32(test, vgpu, TV_REG_PLAIN), 0x1234);
	KUNIT_EXPECT_EQ(test, tv_cfg_read16(test, vgpu, PCI_COMMAND), 0);
	KUNIT_EXPECT_FALSE(test, env->hv.trap_on[0]);
}

/* A frontend that does not let go is detached anyway: nothing leaks. */
static void frontend_removal_detaches_holder(struct kunit *test)
{
	struct fake_env *env = env_with_vgpu(test);
	struct recfe *r = rec_create(test, "sticky");
	struct vmed_vgpu *vgpu = env->vgpu;

	r->target = vgpu;
	r->detach_on_remove = false;
	rec_register(test, r);
	vmed_vgpu_publish(vgpu, NULL);
	KUNIT_ASSERT_EQ(test, vmed_vgpu_attach(vgpu, &r->fe, &fake_hv_ops,
					       &env->hv), 0);
	/* Give the guest state: a GGTT entry holding a mapped frame. */
	tv_write64(test, vgpu, TV_GGTT_OFFSET, (5 << 12) | TV_PTE_PRESENT);
	KUNIT_EXPECT_GT(test, env->hv.mapped, 0);

	vmed_vgpu_unpublish(vgpu);
	KUNIT_EXPECT_EQ(test, r->removed, 1);
	KUNIT_EXPECT_NULL(test, vgpu->hv);
	KUNIT_EXPECT_EQ(test, env->hv.mapped, 0);
	/* Withdrawn for good: nobody attaches it again. */
	KUNIT_EXPECT_EQ(test, vmed_vgpu_attach(vgpu, &r->fe, &fake_hv_ops,
					       &env->hv), -ENODEV);
}

/* A reference keeps the object after destruction, and only that. */
static void frontend_reference_outlives_destroy(struct kunit *test)
{
	struct fake_env *env = env_with_vgpu(test);
	struct vmed_vgpu *vgpu = vmed_vgpu_get(env->vgpu);
	struct recfe *r = rec_create(test, "late");
	char reason[32] = "reason in a frontend's memory";
	struct vmed_vgpu_status st;

	vmed_vgpu_publish(vgpu, NULL);
	/* The failure reason is copied: its source may go (a shim unloads). */
	vmed_vgpu_fail_guest(vgpu, reason);
	memset(reason, 'x', sizeof(reason) - 1);
	vmed_vgpu_get_status(vgpu, &st);
	KUNIT_EXPECT_TRUE(test, st.failed);
	KUNIT_EXPECT_STREQ(test, st.fail_reason,
			   "reason in a frontend's memory");

	vmed_vgpu_destroy(env->vgpu);
	env->vgpu = NULL;
	KUNIT_EXPECT_EQ(test, env->dev->nr_vgpus, 0);
	KUNIT_EXPECT_STREQ(test, vmed_vgpu_name(vgpu), "frontend-test");
	KUNIT_EXPECT_EQ(test, vmed_vgpu_attach(vgpu, &r->fe, &fake_hv_ops,
					       &env->hv), -ENODEV);
	vmed_vgpu_detach(vgpu, &r->fe);
	/* A frontend registered now is not told of it, nor can publish it. */
	r->target = vgpu;
	rec_register(test, r);
	vmed_vgpu_publish(vgpu, NULL);
	KUNIT_EXPECT_EQ(test, r->added, 0);
	/* The last reference frees it (KASAN watches). */
	vmed_vgpu_put(vgpu);
}

static void frontend_failed_take_is_skipped(struct kunit *test)
{
	struct fake_env *env = env_with_vgpu(test);
	struct recfe *bad = rec_create(test, "bad");
	struct recfe *good = rec_create(test, "good");

	bad->target = env->vgpu;
	bad->added_ret = -ENOMEM;
	good->target = env->vgpu;
	rec_register(test, bad);
	rec_register(test, good);
	vmed_vgpu_publish(env->vgpu, NULL);
	KUNIT_EXPECT_EQ(test, bad->added, 1);
	KUNIT_EXPECT_EQ(test, good->added, 1);
	KUNIT_EXPECT_NULL(test, vmed_vgpu_frontend_data(env->vgpu, &bad->fe));
	KUNIT_EXPECT_NOT_NULL(test, vmed_vgpu_frontend_data(env->vgpu,
							    &good->fe));
	vmed_vgpu_destroy(env->vgpu);
	env->vgpu = NULL;
	/* Only a frontend that took the vGPU hears of its end. */
	KUNIT_EXPECT_EQ(test, bad->removed, 0);
	KUNIT_EXPECT_EQ(test, good->removed, 1);
}

static void frontend_unregister_lets_go(struct kunit *test)
{
	struct fake_env *env = env_with_vgpu(test);
	struct recfe *r = rec_create(test, "leaving");
	struct vmed_vgpu *vgpu = env->vgpu;

	r->target = vgpu;
	rec_register(test, r);
	vmed_vgpu_publish(vgpu, NULL);
	KUNIT_ASSERT_EQ(test, vmed_vgpu_attach(vgpu, &r->fe, &fake_hv_ops,
					       &env->hv), 0);
	vmed_frontend_unregister(&r->fe);
	r->registered = false;
	KUNIT_EXPECT_EQ(test, r->removed, 1);
	KUNIT_EXPECT_NULL(test, vgpu->hv);
	KUNIT_EXPECT_NULL(test, vmed_vgpu_frontend_data(vgpu, &r->fe));
	/* The vGPU stays, for other frontends. */
	KUNIT_EXPECT_EQ(test, vmed_vgpu_attach(vgpu, &fake_frontend,
					       &fake_hv_ops, &env->hv), 0);
}

static void frontend_register_limits(struct kunit *test)
{
	struct recfe *r[VMED_MAX_FRONTENDS + 1];
	unsigned int i, n = 0;
	int ret;

	r[0] = rec_create(test, NULL);
	KUNIT_EXPECT_EQ(test, vmed_frontend_register(&r[0]->fe), -EINVAL);
	r[0]->fe.name = "x";
	r[0]->fe.held_state = NULL;
	KUNIT_EXPECT_EQ(test, vmed_frontend_register(&r[0]->fe), -EINVAL);

	/* Fill every free slot; the next one is refused. */
	for (i = 0; i <= VMED_MAX_FRONTENDS; i++) {
		r[i] = rec_create(test, "slot");
		ret = vmed_frontend_register(&r[i]->fe);
		if (ret) {
			KUNIT_EXPECT_EQ(test, ret, -EBUSY);
			break;
		}
		n++;
	}
	KUNIT_EXPECT_LE(test, n, VMED_MAX_FRONTENDS);
	KUNIT_EXPECT_LT(test, i, VMED_MAX_FRONTENDS + 1);
	while (n--)
		vmed_frontend_unregister(&r[n]->fe);
}

static struct kunit_case frontend_cases[] = {
	KUNIT_CASE(frontend_told_once_either_order),
	KUNIT_CASE(frontend_one_holder),
	KUNIT_CASE(frontend_attach_resets),
	KUNIT_CASE(frontend_removal_detaches_holder),
	KUNIT_CASE(frontend_reference_outlives_destroy),
	KUNIT_CASE(frontend_failed_take_is_skipped),
	KUNIT_CASE(frontend_unregister_lets_go),
	KUNIT_CASE(frontend_register_limits),
	{}
};

static struct kunit_suite frontend_suite = {
	.name = "vmed_frontend",
	.test_cases = frontend_cases,
};

kunit_test_suite(frontend_suite);
