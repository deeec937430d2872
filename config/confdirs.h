/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * confdirs.h - configuration directories merged the way kmod (modprobe.d)
 * and systemd (modules-load.d) merge them: one list of files sorted by
 * basename, the first directory to hold a basename winning it.
 */
#ifndef INITMOD_CONFDIRS_H
#define INITMOD_CONFDIRS_H

#include <stddef.h>

#include "../base/util.h"

struct im_conf_file {
	char *name;	/* sort key: basename */
	char *path;	/* full path to open */
};

struct im_conf_list {
	struct im_conf_file *v;	/* sorted by name, names unique */
	size_t n, cap;
};

enum {
	IM_CONF_PATH_FILE = 1,	/* a path may be a single file (any name) */
	IM_CONF_WARN_UNREADABLE = 2, /* say so when a directory cannot be read */
	IM_CONF_NO_SUBDIRS = 4,	/* skip, and say so, directories inside */
};

struct im_conf_rules {
	const char *const *suffixes;	/* names must end in one; NULL ends */
	unsigned flags;			/* IM_CONF_* */
};

/* modprobe.d as kmod reads it: *.conf and *.alias, single files too. */
extern const struct im_conf_rules im_conf_modprobe_d;
/* modules-load.d as systemd-modules-load reads it: *.conf. */
extern const struct im_conf_rules im_conf_modules_load_d;

/*
 * Add @dir/@name (@dir NULL: @name is a path, its basename the key) unless
 * a file of that basename is listed already. 0 or -ENOMEM.
 */
int im_conf_add(struct im_conf_list *l, const char *dir, const char *name);

/*
 * Add the wanted files of directory @path (dotfiles never) under @rules;
 * a missing path adds nothing. 0 or -ENOMEM.
 */
int im_conf_scan(struct im_conf_list *l, const char *path,
		 const struct im_conf_rules *rules, struct msgs *m);

void im_conf_list_free(struct im_conf_list *l);

#endif
