/* SPDX-License-Identifier: GPL-2.0 */
/*
 * seq_file: a caller-supplied buffer (buf, size) that seq_printf() and
 * seq_puts() append to; like the kernel's, output that does not fit sets
 * count to size (overflow) and is dropped. DEFINE_SHOW_ATTRIBUTE(x) makes
 * x_fops, whose only member, show, is x_show(): there are no files.
 */
#ifndef _VMED_USER_LINUX_SEQ_FILE_H
#define _VMED_USER_LINUX_SEQ_FILE_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct seq_file {
	char *buf;
	size_t size;
	size_t count;
	void *private;
};

struct file_operations {
	int (*show)(struct seq_file *m, void *v);
};

#define DEFINE_SHOW_ATTRIBUTE(__name)					\
	static const struct file_operations __name ## _fops = {	\
		.show = __name ## _show,				\
	}

__attribute__((format(printf, 2, 3)))
static inline void seq_printf(struct seq_file *m, const char *fmt, ...)
{
	va_list ap;
	int len;

	if (m->count >= m->size)
		return;
	va_start(ap, fmt);
	len = vsnprintf(m->buf + m->count, m->size - m->count, fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= m->size - m->count)
		m->count = m->size;
	else
		m->count += len;
}

static inline void seq_puts(struct seq_file *m, const char *s)
{
	seq_printf(m, "%s", s);
}

#endif /* _VMED_USER_LINUX_SEQ_FILE_H */
