/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* depmod_out.h - the files kmod's depmod writes, and their temporaries. */
#ifndef INITMOD_DEPMOD_OUT_H
#define INITMOD_DEPMOD_OUT_H

#include "depmod_int.h"

/* Build every index; write them all, or print them with -n. */
int dm_output(struct dm *d);
/*
 * Temporaries: an index NAME is written to "NAME.PID" DM_TMP_SUFFIX, the
 * cache to IM_DEPMOD_CACHE ".PID" DM_CACHE_TMP_SUFFIX, PID the writer's.
 */
#define DM_TMP_SUFFIX ".initmod-tmp"
#define DM_CACHE_TMP_SUFFIX ".tmp"
/*
 * Write @len bytes to @path, a new file (an existing one or a symlink is
 * an error). 0, or -errno with *@what "create" (nothing was created) or
 * "write" (the file is removed again: a failure leaves nothing behind).
 */
int dm_write_new(const char *path, const void *p, size_t len,
		 const char **what);
/*
 * Remove the temporaries in the module directory that runs which did not
 * finish left behind: only names exactly of their pattern, only regular
 * files, only when the PID in the name is no live process (or is this
 * process's own, which has written none yet). Said with -v.
 */
void dm_remove_stale(struct dm *d);

#endif
