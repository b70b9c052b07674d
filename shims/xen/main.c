// SPDX-License-Identifier: GPL-2.0
/*
 * vmed_xen: vmed vGPUs for Xen HVM guests, served by an ioreq server in the
 * dom0 kernel (no QEMU for the vGPU).
 *
 * Loading checks that this kernel is a PV dom0 and logs one line saying
 * what it found (see README for the formats); anything else refuses to
 * load. vGPUs are created through mdev (vmed_kvm) like any other; this
 * module registers the "xen" binder with vmed_kvm, so writing a domain id
 * to a vGPU's vmed/xen_domid calls vmed_xen_bind() and "none" unbinds.
 *
 * Domain death: once xenstore is up, a watch on @releaseDomain (fired by
 * xenstored whenever a domain shuts down or dies; VIRQ_DOM_EXC is
 * xenstored's) checks every binding; one whose domain is dead or dying
 * stops serving it and is unbound through vmed_kvm_unbind_async().
 *
 * debugfs: writing a domain id to /sys/kernel/debug/vmed_xen/probe_domid
 * issues XEN_DMOP_nr_vcpus on it and logs the result: a harmless dm_op
 * round trip for smoke tests. foreign_mappings reads how many guest frames
 * are mapped into dom0 now; the unload line says how many were left.
 */
#include <linux/debugfs.h>
#include <linux/kstrtox.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <xen/xen.h>
#include <xen/xenbus.h>
#include <xen/interface/version.h>
#include <asm/xen/hypercall.h>
#include <vmed/bind.h>
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

/* The domain of a binding died: have vmed_kvm unbind the vGPU. */
static void binding_lost(void *data)
{
	vmed_kvm_unbind_async(data);
}

/**
 * vmed_xen_bind() - serve a vGPU to a Xen HVM domain
 * @vgpu: a vGPU that is not attached to any hypervisor
 * @domid: the domain
 *
 * The vGPU appears at the guest PCI address of the sbdf module parameter.
 * If the domain dies, the vGPU is unbound through vmed_kvm.
 *
 * Return: the binding, or an ERR_PTR().
 */
struct vmed_xen_vgpu *vmed_xen_bind(struct vmed_vgpu *vgpu, domid_t domid)
{
	struct vmed_xen_opts opts = {
		.sbdf = guest_sbdf,
		.buffered = bufioreq,
		.lost = binding_lost,
		.lost_data = vgpu,
	};

	return vmed_xen_setup(&vmed_xen_real_hyp, vgpu, domid, &opts);
}
EXPORT_SYMBOL_GPL(vmed_xen_bind);

/**
 * vmed_xen_unbind() - stop serving the vGPU; also after the domain died
 * @xv: the binding; freed
 */
void vmed_xen_unbind(struct vmed_xen_vgpu *xv)
{
	vmed_xen_teardown(xv);
}
EXPORT_SYMBOL_GPL(vmed_xen_unbind);

static int xen_binder_bind(struct vmed_vgpu *vgpu, u32 domid, void **data)
{
	struct vmed_xen_vgpu *xv;

	if (domid >= DOMID_FIRST_RESERVED)
		return -EINVAL;
	xv = vmed_xen_bind(vgpu, domid);
	if (IS_ERR(xv))
		return PTR_ERR(xv);
	*data = xv;
	return 0;
}

static void xen_binder_unbind(struct vmed_vgpu *vgpu, void *data)
{
	vmed_xen_unbind(data);
}

static struct vmed_kvm_binder xen_binder = {
	.name = "xen",
	.bind = xen_binder_bind,
	.unbind = xen_binder_unbind,
};

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
			pr_warn("vmed_xen: no @releaseDomain watch (%d): dead domains stay bound until unbound\n",
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
		pr_info("vmed_xen: dm_op nr_vcpus(dom %u): %pe\n", dom,
			ERR_PTR(ret));
	else
		pr_info("vmed_xen: dm_op nr_vcpus(dom %u): %u\n", dom, nr);
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
		pr_info("vmed_xen: not running on Xen\n");
		return -ENODEV;
	}
	version = HYPERVISOR_xen_version(XENVER_version, NULL);
	if (!xen_initial_domain()) {
		pr_info("vmed_xen: Xen %d.%d detected, %s domU: not supported\n",
			version >> 16, version & 0xffff,
			xen_pv_domain() ? "PV" : xen_pvh_domain() ? "PVH" : "HVM");
		return -ENODEV;
	}
	if (!xen_pv_domain()) {
		pr_info("vmed_xen: Xen %d.%d detected, PVH dom0: not supported\n",
			version >> 16, version & 0xffff);
		return -ENODEV;
	}
	ret = parse_sbdf(sbdf, &guest_sbdf);
	if (ret) {
		pr_err("vmed_xen: bad sbdf parameter '%s'\n", sbdf);
		return ret;
	}
	ret = vmed_xen_hyp_init();
	if (ret)
		return ret;
	pr_info("vmed_xen: Xen %d.%d detected, PV dom0\n", version >> 16,
		version & 0xffff);
	debug_dir = debugfs_create_dir("vmed_xen", NULL);
	debugfs_create_file("probe_domid", 0200, debug_dir, NULL, &probe_fops);
	debugfs_create_file("foreign_mappings", 0444, debug_dir, NULL,
			    &foreign_mappings_fops);
	ret = vmed_kvm_register_binder(&xen_binder);
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
	vmed_kvm_unregister_binder(&xen_binder);
	/* Lost callbacks still queued find nothing bound. */
	vmed_xen_flush_checks();
	debugfs_remove_recursive(debug_dir);
	left = vmed_xen_foreign_mapped();
	vmed_xen_hyp_exit();
	if (left)
		pr_err("vmed_xen: unloaded, %ld foreign mappings leaked\n", left);
	else
		pr_info("vmed_xen: unloaded, 0 foreign mappings\n");
}

module_init(vmed_xen_init);
module_exit(vmed_xen_exit);

MODULE_DESCRIPTION("vmed Xen shim: vGPUs for HVM guests through a dom0 ioreq server");
MODULE_LICENSE("GPL");
