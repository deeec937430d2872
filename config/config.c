/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * config.c - the whole configuration in kmod's order: the modprobe.d files
 * and modules.softdep (modprobe_d.c), then the kernel command line
 * (cmdline.c) on top. Kept apart so that cmdline.c depends on modprobe_d.c
 * and not the other way round.
 */
#include "cmdline.h"
#include "config.h"

int im_config_load(struct im_config *c, const char *const *paths,
		   const char *moddir, const char *kcmdline, struct msgs *m)
{
	int err = im_config_load_files(c, paths, moddir, m);

	if (!err && kcmdline)
		err = im_cmdline_parse(c, kcmdline, m);
	return err;
}
