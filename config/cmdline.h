/*
 * cmdline.h - the kernel command line: kmod's MODULE.PARAM=VALUE and
 * modprobe.blacklist= (parsed exactly as kmod does), and initmod's list
 * options modules_load=, rd.modules_load=, rd.driver.pre=, rd.driver.post=,
 * rd.driver.blacklist=, module_blacklist= and initmod.timeout=.
 */
#ifndef INITMOD_CMDLINE_H
#define INITMOD_CMDLINE_H

#include "modprobe_d.h"

#define IM_CMDLINE_MAX 4096	/* kmod reads at most 4095 bytes */

/* Read a command line file (e.g. /proc/cmdline) into a malloc'd string. */
char *im_cmdline_read(const char *path, struct msgs *m);

/* Add what @cmdline says to @c: options, blacklists and initmod's lists. */
int im_cmdline_parse(struct im_config *c, const char *cmdline, struct msgs *m);

/* kmod's part alone (options, modprobe.blacklist). */
int im_cmdline_parse_kmod(struct im_config *c, const char *cmdline,
			  struct msgs *m);
/* initmod's part alone (the list options). */
int im_cmdline_parse_lists(struct im_config *c, const char *cmdline,
			   struct msgs *m);

int im_config_add_options(struct im_config *c, const char *mod,
			  const char *opts);

#endif
