/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * kernel.h - every call that touches the kernel goes through this table, so
 * the engine can run against a fake kernel in tests (no root, simulated
 * durations and failures) exactly as it runs against Linux.
 */
#ifndef INITMOD_KERNEL_H
#define INITMOD_KERNEL_H

#include <stddef.h>

#include "../base/decompress.h"

#define IM_MODULE_INIT_IGNORE_MODVERSIONS 1
#define IM_MODULE_INIT_IGNORE_VERMAGIC 2
#define IM_MODULE_INIT_COMPRESSED_FILE 4

enum im_modstate {
	IM_MOD_ABSENT,
	IM_MOD_COMING,
	IM_MOD_LIVE,
	IM_MOD_GOING,
};

struct im_kernel {
	/* finit_module(2): 0 or -errno */
	int (*finit_module)(struct im_kernel *k, int fd, const char *params,
			    int flags);
	/* init_module(2) from a buffer: 0 or -errno */
	int (*init_module)(struct im_kernel *k, const void *image, size_t len,
			   const char *params);
	/* /sys/module/NAME/initstate (a directory without it: coming) */
	enum im_modstate (*module_state)(struct im_kernel *k, const char *name);
	/* what /sys/module/compression names, IM_COMP_NONE when absent */
	enum im_comp (*compression)(struct im_kernel *k);
	/* modprobe.d install command through /bin/sh -c: exit status or -errno */
	int (*run_command)(struct im_kernel *k, const char *cmd,
			   const char *module);
	/*
	 * The kernel's device events: a non-blocking socket bound to them
	 * (NETLINK_KOBJECT_UEVENT, the kernel's group), or -errno. Opened
	 * before sysfs is walked, so no device added meanwhile is missed.
	 */
	int (*uevent_open)(struct im_kernel *k);
	/* One message from it into @buf: its length, -EAGAIN when none is
	 * waiting, another -errno; messages not from the kernel are dropped. */
	long (*uevent_recv)(struct im_kernel *k, int fd, char *buf, size_t len);
	void *priv;
};

#endif
