/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * modprobe_d.h - policy from modprobe.d files, modules.softdep and the kernel
 * command line, stored in parse order (kmod's first-match rules depend on it).
 */
#ifndef INITMOD_MODPROBE_D_H
#define INITMOD_MODPROBE_D_H

#include <stddef.h>

#include "../base/util.h"

struct im_pair {		/* alias, options, install, remove */
	char *name;		/* pattern or module name, normalised */
	char *value;		/* module, options or command */
	int wild;		/* name holds fnmatch specials */
};

struct im_softdep {
	char *name;		/* pattern, normalised */
	char **pre, **post;	/* names as written, looked up later */
	size_t npre, npost;
	int wild;
};

struct im_config {
	struct im_pair *aliases, *options, *installs, *removes;
	size_t naliases, noptions, ninstalls, nremoves;
	size_t cap_aliases, cap_options, cap_installs, cap_removes;
	struct im_softdep *softdeps, *weakdeps;
	size_t nsoftdeps, nweakdeps, cap_softdeps, cap_weakdeps;
	struct im_strlist blacklist;	/* modprobe.d + modprobe.blacklist= */

	/* initmod's own command-line vocabulary (see cmdline.h) */
	struct im_strlist modules_load;	/* modules_load= and rd.modules_load= */
	struct im_strlist driver_pre, driver_post;
	struct im_strlist hard_blacklist; /* rd.driver.blacklist=, module_blacklist= */
	double timeout_s;		/* initmod.timeout=, -1 unset, 0 no
					 * deadline (see im_cmdline_timeout) */
	int verbose;			/* initmod.verbose=, -2 when not given */
	int coldplug;			/* initmod.coldplug=: -1 unset, 0 off, 1 on */
	double settle_s;		/* initmod.settle=: quiet period, -1 unset */

	/* lookup aid: plain softdep names -> first line (+1), built lazily */
	struct strmap softdep_plain;
	int softdep_indexed;
	size_t *softdep_wild, nsoftdep_wild;
};

/* The default directories, highest priority first. */
extern const char *const im_default_config_paths[];

void im_config_init(struct im_config *c);
void im_config_free(struct im_config *c);

/*
 * Parse every config file the way kmod does: the files of @paths (dirs or
 * single files) merged into one list sorted by basename, first directory
 * winning a duplicate basename, plus @moddir/modules.softdep.
 */
int im_config_load_files(struct im_config *c, const char *const *paths,
			 const char *moddir, struct msgs *m);

/* Parse one file's contents (@name is used in messages). */
int im_config_parse_buf(struct im_config *c, const char *buf, size_t len,
			const char *name, struct msgs *m);

/* Add "options @mod @opts" (tabs in @opts become spaces, as kmod does). */
int im_config_add_options(struct im_config *c, const char *mod,
			  const char *opts);

/* fnmatch(pat, s, 0) == 0, with a strcmp fast path for plain names. */
int im_pattern_match(const char *pat, int wild, const char *s);

/* Index of the first softdep line matching module @name, -1 when none,
 * -ENOMEM when out of memory (ask again later). */
long im_config_softdep_for(struct im_config *c, const char *name);

#endif
