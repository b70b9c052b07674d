// SPDX-License-Identifier: GPL-2.0
/*
 * Mutexes that know their owner (see include/linux/mutex.h).
 */
#include <linux/bug.h>
#include <linux/mutex.h>
#include <user_env.h>

static bool mutex_mine(const struct mutex *lock)
{
	return lock->held && pthread_equal(lock->owner, pthread_self());
}

void mutex_init(struct mutex *lock)
{
	pthread_mutex_init(&lock->lock, NULL);
	lock->held = false;
}

void mutex_destroy(struct mutex *lock)
{
	WARN(lock->held, "destroying a held mutex\n");
	pthread_mutex_destroy(&lock->lock);
}

void mutex_lock(struct mutex *lock)
{
	if (WARN(mutex_mine(lock), "recursive %s (a deadlock)\n", __func__))
		abort();
	pthread_mutex_lock(&lock->lock);
	lock->owner = pthread_self();
	lock->held = true;
}

void mutex_unlock(struct mutex *lock)
{
	if (WARN(!mutex_mine(lock), "%s of a mutex not held\n", __func__))
		return;
	lock->held = false;
	pthread_mutex_unlock(&lock->lock);
}

bool mutex_is_locked(struct mutex *lock)
{
	return lock->held;
}

void vmed_user_mutex_assert_held(const struct mutex *lock, const char *file,
				 int line)
{
	if (!mutex_mine(lock))
		vmed_user_warn(file, line, "lockdep_assert_held: mutex not held");
}

void vmed_user_mutex_assert_not_held(const struct mutex *lock,
				     const char *file, int line)
{
	if (mutex_mine(lock))
		vmed_user_warn(file, line, "lockdep_assert_not_held: mutex held");
}
