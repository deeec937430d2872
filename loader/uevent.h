/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * uevent.h - devices as the kernel announces them: the sysfs walk (every
 * DIR/devices/.../uevent that names a MODALIAS, as `udevadm trigger` and
 * mkinitcpio's autodetect read them; the modalias files alone miss MMC
 * cards) and the netlink messages of devices added later. Each distinct
 * modalias is kept once, with the first device that had it.
 */
#ifndef INITMOD_UEVENT_H
#define INITMOD_UEVENT_H

#include <stddef.h>

#include "../base/util.h"

struct im_device {
	const char *modalias;
	const char *devpath;	/* /devices/... as the kernel names it */
};

struct im_devices {
	struct im_device *v;	/* distinct modaliases, in arrival order */
	size_t n, cap;
	size_t seen;		/* distinct devices with a MODALIAS */
	struct strmap byalias, bydev;
	struct arena a;
};

void im_devices_free(struct im_devices *d);
/* Record a device: 1 when its modalias is new, 0 seen before, -ENOMEM. */
int im_devices_add(struct im_devices *d, const char *modalias,
		   const char *devpath);

/*
 * A device's environment (a uevent file's "KEY=VALUE" lines, @sep '\n',
 * or a message's strings, @sep '\0', @len bytes): its MODALIAS, and the
 * modules udev's rules load for its SUBSYSTEM/DEVTYPE without one (sg for
 * a SCSI device, ...), recorded as names. 0 or 1 as im_devices_add.
 */
int im_device_add_env(struct im_devices *d, const char *devpath,
		      const char *subsystem, const char *env, size_t len,
		      char sep);

/*
 * Walk @sysfs/devices (not following links), adding every device whose
 * uevent file has a MODALIAS= line. A uevent that is not a regular file
 * (a FIFO, a symlink, ...) is skipped with a warning, never waited on.
 * Returns the number of uevent files read, or -errno when @sysfs/devices
 * cannot be opened (said through @m).
 */
long im_uevent_walk(const char *sysfs, struct im_devices *d, struct msgs *m);

/* One kernel message ("ACTION@DEVPATH\0KEY=VALUE\0..."), fields pointing into it. */
struct im_uevent {
	const char *action, *devpath, *subsystem, *modalias;	/* NULL: absent */
	unsigned long long seqnum;
};
/* 0, or -EINVAL when @buf (@len bytes) is not a kernel uevent. */
int im_uevent_parse(char *buf, size_t len, struct im_uevent *ev);

#endif
