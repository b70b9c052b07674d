// SPDX-License-Identifier: GPL-2.0
/*
 * Which physical devices exist, for the hypervisor shims.
 *
 * Vendor modules register devices and shim modules register listeners, in
 * any order: a listener hears of every device registered before it and
 * after it, and of every device going away before the device's vendor
 * unregisters it. One mutex serialises the two lists and the callbacks, so
 * a listener never sees a device twice or after its removal.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/list.h>
#include <linux/mutex.h>
#include "internal.h"

static DEFINE_MUTEX(registry_lock);
static LIST_HEAD(registry_devices);
static LIST_HEAD(registry_listeners);

/**
 * vmed_registry_add() - a device was registered: tell the listeners
 * @dev: the device
 *
 * A listener that fails to take the device is logged and skipped; the device
 * stays usable for the others.
 */
void vmed_registry_add(struct vmed_device *dev)
{
	struct vmed_device_listener *l;

	mutex_lock(&registry_lock);
	list_add_tail(&dev->registry_node, &registry_devices);
	list_for_each_entry(l, &registry_listeners, node)
		if (l->add(l, dev))
			pr_err("%s: %s could not take the device\n",
			       dev->name, l->name);
	mutex_unlock(&registry_lock);
}

/**
 * vmed_registry_remove() - a device is going: tell the listeners first
 * @dev: the device
 */
void vmed_registry_remove(struct vmed_device *dev)
{
	struct vmed_device_listener *l;

	mutex_lock(&registry_lock);
	list_for_each_entry_reverse(l, &registry_listeners, node)
		l->remove(l, dev);
	list_del(&dev->registry_node);
	mutex_unlock(&registry_lock);
}

/**
 * vmed_listener_register() - a shim wants to hear of devices
 * @l: the listener, with @add and @remove set
 *
 * @add is called at once for every device already registered. If it fails
 * for one, the devices already added are removed again and registration
 * fails.
 *
 * Return: 0, -EINVAL for an incomplete listener, or the error of @add.
 */
int vmed_listener_register(struct vmed_device_listener *l)
{
	struct vmed_device *dev;
	int ret = 0;

	if (!l->name || !l->add || !l->remove)
		return -EINVAL;
	mutex_lock(&registry_lock);
	list_for_each_entry(dev, &registry_devices, registry_node) {
		ret = l->add(l, dev);
		if (ret)
			break;
	}
	if (ret) {
		list_for_each_entry_continue_reverse(dev, &registry_devices,
						     registry_node)
			l->remove(l, dev);
	} else {
		list_add_tail(&l->node, &registry_listeners);
	}
	mutex_unlock(&registry_lock);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(vmed_listener_register, VMED);

/**
 * vmed_listener_unregister() - stop hearing of devices
 * @l: the listener
 *
 * @remove is called for every registered device before this returns.
 */
void vmed_listener_unregister(struct vmed_device_listener *l)
{
	struct vmed_device *dev;

	mutex_lock(&registry_lock);
	list_del(&l->node);
	list_for_each_entry_reverse(dev, &registry_devices, registry_node)
		l->remove(l, dev);
	mutex_unlock(&registry_lock);
}
EXPORT_SYMBOL_NS_GPL(vmed_listener_unregister, VMED);
