// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for core/registry.c: shims hear of every physical device,
 * whichever registers first, and hear of a device's removal before its
 * vendor unregisters it; a listener that cannot take an existing device
 * leaves nothing half-added. (The UML kernel's built-in vendor backends
 * registered devices at boot, so the listeners also count the test's device
 * on its own.)
 */
#include <kunit/test.h>
#include "fake_hv.h"
#include "../../core/internal.h"

struct rec {
	struct vmed_device_listener l;
	struct vmed_device *target;	/* the test's device */
	struct vmed_device *refuse;	/* add() fails for this one */
	int adds, removes;		/* of the target */
	int all_adds, all_removes;	/* of every device */
};

static int rec_add(struct vmed_device_listener *l, struct vmed_device *dev)
{
	struct rec *r = container_of(l, struct rec, l);

	if (dev == r->refuse)
		return -EBUSY;
	r->all_adds++;
	r->adds += dev == r->target;
	return 0;
}

static void rec_remove(struct vmed_device_listener *l, struct vmed_device *dev)
{
	struct rec *r = container_of(l, struct rec, l);

	r->all_removes++;
	r->removes += dev == r->target;
}

static void rec_unregister(void *data)
{
	vmed_listener_unregister(data);
}

static struct rec *rec_create(struct kunit *test)
{
	struct rec *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	r->l.name = "test-shim";
	r->l.add = rec_add;
	r->l.remove = rec_remove;
	return r;
}

static void registry_listener_after_device(struct kunit *test)
{
	struct fake_env *env = fake_env_create_device(test, &tvendor);
	struct rec *r = rec_create(test);

	r->target = env->dev;
	KUNIT_ASSERT_EQ(test, vmed_listener_register(&r->l), 0);
	KUNIT_EXPECT_EQ(test, r->adds, 1);
	KUNIT_EXPECT_GE(test, r->all_adds, 1);
	vmed_listener_unregister(&r->l);
	KUNIT_EXPECT_EQ(test, r->removes, 1);
	KUNIT_EXPECT_EQ(test, r->all_removes, r->all_adds);
}

static void registry_device_after_listener(struct kunit *test)
{
	struct rec *r = rec_create(test);
	struct fake_env *env;
	int before;

	KUNIT_ASSERT_EQ(test, vmed_listener_register(&r->l), 0);
	/* Unregistered after the device (actions run in reverse order). */
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, rec_unregister,
							&r->l), 0);
	before = r->all_adds;
	env = fake_env_create_device(test, &tvendor);
	KUNIT_EXPECT_EQ(test, r->all_adds, before + 1);
	r->target = env->dev;
	/* The device going away is announced before it is gone. */
	vmed_registry_remove(env->dev);
	KUNIT_EXPECT_EQ(test, r->removes, 1);
	/* Put it back for the environment's own teardown. */
	vmed_registry_add(env->dev);
	KUNIT_EXPECT_EQ(test, r->adds, 1);
}

static void registry_refused_device_rolls_back(struct kunit *test)
{
	struct fake_env *env = fake_env_create_device(test, &tvendor);
	struct rec *r = rec_create(test);

	r->refuse = env->dev;
	KUNIT_EXPECT_EQ(test, vmed_listener_register(&r->l), -EBUSY);
	/* Whatever was added before the refusal was removed again. */
	KUNIT_EXPECT_EQ(test, r->all_removes, r->all_adds);

	/* A listener refusing a newly registered device does not stop it. */
	r->refuse = NULL;
	KUNIT_ASSERT_EQ(test, vmed_listener_register(&r->l), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, rec_unregister,
							&r->l), 0);
	r->refuse = fake_env_create_device(test, &tvendor)->dev;
	KUNIT_EXPECT_NOT_NULL(test, r->refuse->ggtt_host);
}

static void registry_incomplete_listener(struct kunit *test)
{
	struct rec *r = rec_create(test);

	r->l.remove = NULL;
	KUNIT_EXPECT_EQ(test, vmed_listener_register(&r->l), -EINVAL);
	r->l.remove = rec_remove;
	r->l.name = NULL;
	KUNIT_EXPECT_EQ(test, vmed_listener_register(&r->l), -EINVAL);
	KUNIT_EXPECT_EQ(test, r->all_adds, 0);
}

static struct kunit_case registry_cases[] = {
	KUNIT_CASE(registry_listener_after_device),
	KUNIT_CASE(registry_device_after_listener),
	KUNIT_CASE(registry_refused_device_rolls_back),
	KUNIT_CASE(registry_incomplete_listener),
	{}
};

static struct kunit_suite registry_suite = {
	.name = "vmed_registry",
	.test_cases = registry_cases,
};

kunit_test_suite(registry_suite);
