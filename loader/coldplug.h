/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * coldplug.h - the drivers for the hardware that is there and for what
 * appears while loading, in one engine run: every module once, its
 * dependencies first, no process per device, bounded. What udev's
 * `trigger` + kmod builtin + `settle` do in a distribution's initramfs.
 */
#ifndef INITMOD_COLDPLUG_H
#define INITMOD_COLDPLUG_H

#include "../config/plan.h"
#include "../config/rootspec.h"
#include "engine.h"
#include "uevent.h"

/*
 * Default quiet period. Measured under QEMU (TCG, Debian 6.12 and 6.1): the
 * longest stretch with nothing loading and no uevent that a uevent still
 * ended was 983 ms (usb-storage waits delay_use = 1 s before it scans a
 * USB disk: EHCI, xHCI 788-843 ms), 0 on an all-virtio machine; 1.25 s
 * outlasts that with a margin (initmod.settle=, --settle to change it).
 */
#define IM_SETTLE_QUIET_S 1.25
#define IM_SETTLE_MAX_S 120.0	/* without a deadline, settle waits at most this */

#define IM_SETTLE_ROOT_QUIET_S 0.25	/* once the root device is there */
/*
 * With a root to wait for, the drivers that are not on the way to storage
 * wait for it too, until nothing on the root's way has been loading or
 * ready for this long (a root behind a driver coldplug does not know as
 * storage costs this, no more): past usb-storage's 1 s delay_use.
 */
#define IM_ROOT_HOLD_S 1.5

struct im_coldplug_opts {
	const char *sysfs;		/* where devices/ is: "/sys" */
	double quiet_s;			/* settled: no uevent for this long */
	const struct im_root_spec *root;	/* NULL, or: not settled before
					 * this device is there (rootwait;
					 * rootdelay= bounds it), then the
					 * quiet period is the shorter one */
	int root_optional;		/* only shortens the quiet period: a
					 * generator's image may find its root
					 * later (LVM, crypt, NFS) */
	void (*root_found)(void *arg, const char *dev);	/* once, when it is
					 * there (PID 1 switches to it early) */
	void *root_arg;
};

struct im_coldplug_stats {
	long uevent_files;		/* read by the walk, -errno if it failed */
	size_t events;			/* kernel uevents received while loading */
	double settle_ms;		/* from the engine's start, -1: never */
	double late_gap_ms;		/* longest idle, quiet stretch a uevent ended */
	double start_uptime;		/* /proc/uptime when the run began, -1 */
	char root_dev[64];		/* the root device found, "" none */
	double root_ms;			/* when it was found, -1 never */
	double stack_ms;		/* when a LUKS, LVM or md member was
					 * (root_optional), -1 never */
	double rest_ms;			/* the other drivers, held for the
					 * root, started then; -1 never held */
	struct im_devices dev;		/* modaliases seen, first device of each */
	size_t *nodriver, nnodriver, cap_nodriver;	/* indexes into dev.v */
	size_t missing;			/* names of the main groups not found */
	unsigned long long seqnum;	/* when settled, every uevent up to this
					 * kernel sequence number was read and
					 * its device handled; 0: not known */
};

/*
 * One run: @groups[0] (rd.driver.pre=) first; then @groups[1] (names and
 * lists) with the drivers of every device the sysfs walk finds, together;
 * devices announced while they load (a USB host's hub and disks, an SD
 * card, HDA codecs) join the run; once settled (the walk done, nothing
 * loading, no uevent for quiet_s) @groups[2] (rd.driver.post=). The
 * uevent socket is bound before the walk. Returns what im_engine_run()
 * returns; *@ep is the engine for the report (the caller puts it), NULL
 * when it could not start (-errno).
 */
int im_coldplug_run(struct im_resolver *r, struct im_kernel *k,
		    const struct im_coldplug_opts *co,
		    const struct im_plan_group groups[3],
		    const struct im_engine_opts *eo, struct msgs *m,
		    struct im_engine **ep, struct im_coldplug_stats *st);
void im_coldplug_stats_free(struct im_coldplug_stats *st);

/*
 * With -v, the modaliases no module is for; into @buf, coldplug's part of
 * the summary line ("; coldplug: N devices, ... settled in S s ...").
 */
void im_coldplug_report(const struct im_coldplug_stats *st, struct msgs *m,
			char *buf, size_t len);

#endif
