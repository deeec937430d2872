/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rootspec.h - the real root as the kernel command line names it: root=
 * (/dev/..., UUID=, LABEL=, PARTUUID=), rootfstype=, rootflags=, ro/rw,
 * rootwait, rootdelay=, init=; what initramfs-tools' and dracut's init read.
 */
#ifndef INITMOD_ROOTSPEC_H
#define INITMOD_ROOTSPEC_H

#include <limits.h>

#include "../base/util.h"

enum im_root_by { IM_ROOT_NONE, IM_ROOT_DEV, IM_ROOT_UUID, IM_ROOT_LABEL,
		  IM_ROOT_PARTUUID };

struct im_root_spec {
	enum im_root_by by;
	char what[256];		/* the path, UUID, label or PARTUUID */
	char fstype[64];	/* rootfstype=, "" to try what the device holds */
	char fshint[64];	/* initmod.rootfs=: the type the image was
				 * built for (--hostonly), whose module loads
				 * first; the mount still asks the device */
	char drivers[256];	/* initmod.rootdrivers=: the modules the root
				 * was reached through when the image was
				 * built (--hostonly), a comma list */
	char flags[256];	/* rootflags= */
	char init[PATH_MAX];	/* init=, "" for /sbin/init and the fallbacks */
	int rw;			/* rw (last of ro/rw wins; read-only by default) */
	int rootwait;		/* wait for ever (bounded by the deadline) */
	double rootdelay_s;	/* rootdelay=, -1 unset */
};

/* Parse @cmdline (NULL: nothing); 1 when root= names a device, else 0. */
int im_root_spec_parse(const char *cmdline, struct im_root_spec *r,
		       struct msgs *m);
/* root= in words for messages: "UUID=..." or the path. */
const char *im_root_spec_str(const struct im_root_spec *r, char *buf,
			     size_t len);
/*
 * What assembles the device root= names by its path, when it is not a
 * disk or partition a driver brings up alone: "device-mapper (LVM or
 * LUKS)" for /dev/mapper/... and /dev/dm-N, "md RAID" for /dev/mdN and
 * /dev/md/..., else NULL. (initmod's own image has no lvm, cryptsetup or
 * mdadm: such a root never appears there.)
 */
const char *im_root_spec_stack(const struct im_root_spec *r);

#endif
