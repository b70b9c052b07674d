/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PASS:/FAIL: lines for the test programs, counted; scripts/user.sh counts
 * the lines and wants the program's last one to be check_finish()'s.
 */
#ifndef _VMED_USER_CHECK_H
#define _VMED_USER_CHECK_H

#include <stdbool.h>
#include <linux/compiler.h>

/* Printed after PASS:/FAIL: on each line; set it per part of a program. */
extern const char *check_group;

__printf(2, 3)
bool check(bool ok, const char *fmt, ...);

/*
 * Start a program: "-v" as its argument shows the kernel code's log lines;
 * the kernel memory held now is what check_finish() expects back.
 */
void check_start(int argc, char **argv);

/*
 * End it: check that the kernel code warned nowhere and holds no more
 * memory than at check_start(), print "N passed, N failed" and return the
 * exit status, 1 if anything failed.
 */
int check_finish(void);

#endif /* _VMED_USER_CHECK_H */
