// SPDX-License-Identifier: GPL-2.0
/*
 * printk and WARN for kernel code running under tests/user.
 */
#include <stdio.h>
#include <stdlib.h>
#include <user_env.h>

int vmed_user_loglevel = 7;
bool vmed_user_warn_fatal;
unsigned long vmed_user_warnings;
unsigned long vmed_user_messages;

void vmed_user_printk(int level, const char *fmt, ...)
{
	va_list ap;

	vmed_user_messages++;
	if (level > vmed_user_loglevel)
		return;
	fprintf(stderr, "<%d> ", level);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

void vmed_user_warn(const char *file, int line, const char *what)
{
	vmed_user_warnings++;
	fprintf(stderr, "WARNING: %s:%d: %s\n", file, line, what);
	if (vmed_user_warn_fatal)
		abort();
}
