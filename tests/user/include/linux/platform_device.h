/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Just enough of the platform bus for a vendor module's software device:
 * platform_create_bundle() creates the device and probes it with the
 * driver; unregistering the device removes it from the driver first, as
 * the driver core does.
 */
#ifndef _VMED_USER_LINUX_PLATFORM_DEVICE_H
#define _VMED_USER_LINUX_PLATFORM_DEVICE_H

#include <linux/device.h>

struct resource;

struct device_driver {
	const char *name;
};

struct platform_device {
	struct device dev;
	struct platform_driver *driver;
};

struct platform_driver {
	int (*probe)(struct platform_device *pdev);
	void (*remove)(struct platform_device *pdev);
	struct device_driver driver;
};

struct platform_device *
platform_create_bundle(struct platform_driver *driver,
		       int (*probe)(struct platform_device *pdev),
		       struct resource *res, unsigned int n_res,
		       const void *data, size_t size);
void platform_device_unregister(struct platform_device *pdev);
void platform_driver_unregister(struct platform_driver *driver);

#endif /* _VMED_USER_LINUX_PLATFORM_DEVICE_H */
