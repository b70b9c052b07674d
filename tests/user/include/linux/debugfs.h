/* SPDX-License-Identifier: GPL-2.0 */
/*
 * debugfs, as a kernel without CONFIG_DEBUG_FS has it: creating a file or
 * directory gives ERR_PTR(-ENODEV), removing one does nothing. Code that
 * prints through seq_file can still be called directly (linux/seq_file.h).
 */
#ifndef _VMED_USER_LINUX_DEBUGFS_H
#define _VMED_USER_LINUX_DEBUGFS_H

#include <linux/err.h>
#include <linux/seq_file.h>

struct dentry;

static inline struct dentry *debugfs_create_dir(const char *name,
						struct dentry *parent)
{
	return ERR_PTR(-ENODEV);
}

static inline struct dentry *
debugfs_create_file(const char *name, unsigned int mode, struct dentry *parent,
		    void *data, const struct file_operations *fops)
{
	return ERR_PTR(-ENODEV);
}

static inline void debugfs_remove(struct dentry *dentry)
{
}

#endif /* _VMED_USER_LINUX_DEBUGFS_H */
