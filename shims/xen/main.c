// SPDX-License-Identifier: GPL-2.0
/*
 * vmed_xen: vmed vGPUs for Xen HVM guests, served by an ioreq server in the
 * dom0 kernel (no QEMU for the vGPU).
 *
 * Loading checks that this kernel is a PV dom0 and logs one line saying
 * what it found (see README for the formats); anything else refuses to
 * load. vGPUs are created through mdev (vmed_mdev) like any other; this
 * module registers the "xen" frontend with the core (frontend.c), which
 * gives every vGPU a vmed/xen_domid file: writing a domain id binds it,
 * "none" unbinds. Neither vfio nor vmed_kvm is needed.
 *
 * Domain death: once xenstore is up, a watch on @releaseDomain (fired by
 * xenstored whenever a domain shuts down or dies; VIRQ_DOM_EXC is
 * xenstored's) checks every binding; one whose domain is dead or dying
 * stops serving it and is unbound from a work item (frontend.c).
 *
 * debugfs: writing a domain id to /sys/kernel/debug/vmed_xen/probe_domid
 * issues XEN_DMOP_nr_vcpus on it and logs the result: a harmless dm_op
 * round trip for smoke tests. foreign_mappings reads how many guest frames
 * are mapped into dom0 now; the unload line says how many were left.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/kstrtox.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <xen/xen.h>
#include <xen/xenbus.h>
#include <xen/interface/version.h>
#include <asm/xen/hypercall.h>
#include "xen.h"

static char *sbdf = "0000:00:08.0";
module_param(sbdf, charp, 0444);
MODULE_PARM_DESC(sbdf, "guest PCI address of bound vGPUs, [seg:]bus:dev.fn (default 0000:00:08.0; 00:02.0 is Xen's platform device)");

static bool bufioreq = true;
module_param(bufioreq, bool, 0444);
MODULE_PARM_DESC(bufioreq, "ask Xen for a buffered ioreq ring (default on)");

static u32 guest_sbdf;
static struct dentry *debug_dir;

/* The @releaseDomain watch, registered once xenstore is up. */
static DEFINE_MUTEX(watch_lock);
static bool watching;

static int parse_sbdf(const char *s, u32 *out)
{
	unsigned int seg = 0, bus, dev, fn;
	char end;

	if (sscanf(s, "%x:%x:%x.%x%c", &seg, &bus, &dev, &fn, &end) != 4) {
		seg = 0;
		if (sscanf(s, "%x:%x.%x%c", &bus, &dev, &fn, &end) != 3)
			return -EINVAL;
	}
	if (seg > 0xffff || bus > 0xff || dev > 0x1f || fn > 7)
		return -EINVAL;
	*out = XEN_DMOP_PCI_SBDF(seg, bus, dev, fn);
	return 0;
}

static void release_domain(struct xenbus_watch *watch, const char *path,
			   const char *token)
{
	vmed_xen_check_domains();
}

static struct xenbus_watch release_watch = {
	.node = "@releaseDomain",
	.callback = release_domain,
};

/* xenstore is up (at once if it already was): watch domain deaths. */
static int xenstore_up(struct notifier_block *nb, unsigned long event,
		       void *data)
{
	int ret;

	mutex_lock(&watch_lock);
	if (!watching) {
		ret = register_xenbus_watch(&release_watch);
		if (ret)
			pr_warn("no @releaseDomain watch (%d): dead domains stay bound until unbound\n",
				ret);
		watching = !ret;
	}
	mutex_unlock(&watch_lock);
	return NOTIFY_DONE;
}

static struct notifier_block xenstore_nb = {
	.notifier_call = xenstore_up,
};

static void unwatch(void)
{
	unregister_xenstore_notifier(&xenstore_nb);
	mutex_lock(&watch_lock);
	if (watching)
		unregister_xenbus_watch(&release_watch);
	watching = false;
	mutex_unlock(&watch_lock);
}

static ssize_t probe_write(struct file *file, const char __user *ubuf,
			   size_t len, loff_t *ppos)
{
	unsigned int nr = 0;
	u16 dom;
	int ret;

	ret = kstrtou16_from_user(ubuf, len, 0, &dom);
	if (ret)
		return ret;
	ret = vmed_xen_real_hyp.ops->nr_vcpus(&vmed_xen_real_hyp, dom, &nr);
	if (ret)
		pr_info("dm_op nr_vcpus(dom %u): %pe\n", dom,
			ERR_PTR(ret));
	else
		pr_info("dm_op nr_vcpus(dom %u): %u\n", dom, nr);
	return len;
}

static int foreign_mappings_show(struct seq_file *m, void *unused)
{
	seq_printf(m, "%ld\n", vmed_xen_foreign_mapped());
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(foreign_mappings);

static const struct file_operations probe_fops = {
	.owner = THIS_MODULE,
	.write = probe_write,
	.llseek = noop_llseek,
};

static int __init vmed_xen_init(void)
{
	int version, ret;

	if (!xen_domain()) {
		pr_info("not running on Xen\n");
		return -ENODEV;
	}
	version = HYPERVISOR_xen_version(XENVER_version, NULL);
	if (!xen_initial_domain()) {
		pr_info("Xen %d.%d detected, %s domU: not supported\n",
			version >> 16, version & 0xffff,
			xen_pv_domain() ? "PV" : xen_pvh_domain() ? "PVH" : "HVM");
		return -ENODEV;
	}
	if (!xen_pv_domain()) {
		pr_info("Xen %d.%d detected, PVH dom0: not supported\n",
			version >> 16, version & 0xffff);
		return -ENODEV;
	}
	ret = parse_sbdf(sbdf, &guest_sbdf);
	if (ret) {
		pr_err("bad sbdf parameter '%s'\n", sbdf);
		return ret;
	}
	ret = vmed_xen_hyp_init();
	if (ret)
		return ret;
	pr_info("Xen %d.%d detected, PV dom0\n", version >> 16,
		version & 0xffff);
	debug_dir = debugfs_create_dir("vmed_xen", NULL);
	debugfs_create_file("probe_domid", 0200, debug_dir, NULL, &probe_fops);
	debugfs_create_file("foreign_mappings", 0444, debug_dir, NULL,
			    &foreign_mappings_fops);
	ret = vmed_xen_frontend_register(&vmed_xen_real_hyp, guest_sbdf,
					 bufioreq);
	if (ret) {
		debugfs_remove_recursive(debug_dir);
		vmed_xen_hyp_exit();
		return ret;
	}
	/* Without xenstored (yet), this only queues the notifier. */
	register_xenstore_notifier(&xenstore_nb);
	return 0;
}

static void __exit vmed_xen_exit(void)
{
	long left;

	unwatch();
	/* Unbinds every vGPU still bound to a domain. */
	vmed_xen_frontend_unregister();
	/* Lost callbacks still queued find nothing bound. */
	vmed_xen_flush_checks();
	debugfs_remove_recursive(debug_dir);
	left = vmed_xen_foreign_mapped();
	vmed_xen_hyp_exit();
	if (left)
		pr_err("unloaded, %ld foreign mappings leaked\n", left);
	else
		pr_info("unloaded, 0 foreign mappings\n");
}

module_init(vmed_xen_init);
module_exit(vmed_xen_exit);

MODULE_DESCRIPTION("vmed Xen shim: vGPUs for HVM guests through a dom0 ioreq server");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(VMED);
