// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <user_env.h>
#include "check.h"

const char *check_group = "";
static unsigned int passed, failed;
static long start_mem, start_allocs;

bool check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s: %s: ", ok ? "PASS" : "FAIL", check_group);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (ok)
		passed++;
	else
		failed++;
	return ok;
}

void check_start(int argc, char **argv)
{
	vmed_user_loglevel = argc > 1 && !strcmp(argv[1], "-v") ? 7 : 3;
	start_mem = vmed_user_mem_total();
	start_allocs = vmed_user_mem.allocs;
}

int check_finish(void)
{
	check(!vmed_user_warnings, "no kernel warnings (%lu)",
	      vmed_user_warnings);
	check(vmed_user_mem_total() == start_mem &&
	      vmed_user_mem.allocs == start_allocs, "all kernel memory freed");
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
