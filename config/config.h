/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * config.h - the whole configuration in kmod's order: the modprobe.d files
 * and modules.softdep, then the kernel command line on top (config.c).
 */
#ifndef INITMOD_CONFIG_H
#define INITMOD_CONFIG_H

#include "modprobe_d.h"

/*
 * im_config_load_files(), then the kernel command line @kcmdline (NULL:
 * none) on top. Apart from modprobe_d.c, which does not know cmdline.c.
 */
int im_config_load(struct im_config *c, const char *const *paths,
		   const char *moddir, const char *kcmdline, struct msgs *m);

#endif
