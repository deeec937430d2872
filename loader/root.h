/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * root.h - the real root in initmod's own image: find the block device
 * root= names, mount it as rootfstype=/rootflags=/ro/rw say, and switch to
 * it as switch_root does (move /dev, /proc, /sys and /run over, free the
 * initramfs, chroot), then the caller execs its init.
 */
#ifndef INITMOD_ROOT_H
#define INITMOD_ROOT_H

#include <stddef.h>

#include "../config/rootspec.h"
#include "blkid.h"

/* 1 and @dev ("/dev/NAME") when a block device under @sysfs matches @r. */
int im_root_find(const struct im_root_spec *r, const char *sysfs,
		 char *dev, size_t len, struct im_fsinfo *fi);
/*
 * im_root_find(), and on the way *@stack set to 1 when a block device
 * holds what a generator's tools assemble a root from (a LUKS header, an
 * LVM physical volume, an md member: im_blkid_stack()).
 */
int im_root_look(const struct im_root_spec *r, const char *sysfs,
		 char *dev, size_t len, struct im_fsinfo *fi, int *stack);
/* Mount @dev on @target; 0 or -errno, said through @m. */
int im_root_mount(const struct im_root_spec *r, const char *dev,
		  const struct im_fsinfo *fi, const char *target,
		  struct msgs *m);
/*
 * Make @newroot the root (PID 1 only); 0 or -errno, said. The initramfs is
 * freed unless @keep_old (a loader still reads from it frees it later),
 * and only if the old root is a ramfs or tmpfs (as switch_root(8)).
 */
int im_root_switch(const char *newroot, int keep_old, struct msgs *m);
/*
 * The loader that went on after PID 1 switched early: once PID 1's root is
 * another filesystem than this process's (it switched), free the initramfs
 * (this process's /); give up after @wait_s (PID 1 went to a rescue shell).
 * 1 when freed, 0 when PID 1 did not switch, -1 when this root is not a
 * ramfs or tmpfs (left alone).
 */
int im_root_free_initramfs_after_switch(double wait_s);
/* The block devices there are, with what they hold, for a message. */
void im_root_say_devices(const char *sysfs, struct msgs *m);

#endif
