/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * depmod_d.h - depmod.d as kmod 30's depmod reads it: search, override,
 * external, exclude (include and make_map_files accepted, not done).
 * Lists are kept in kmod's order: each new entry goes first.
 */
#ifndef INITMOD_DEPMOD_D_H
#define INITMOD_DEPMOD_D_H

#include <stddef.h>

#include "../base/util.h"

enum im_dm_search { IM_DM_PATH, IM_DM_BUILTIN, IM_DM_EXTERNAL };

struct im_dm_ent {
	int type;		/* enum im_dm_search (search list only) */
	char *path;		/* search: subdir; override: "subdir/modname"; external, exclude: as written */
	size_t len;
};

struct im_dm_list {
	struct im_dm_ent *v;	/* v[0] is the last added */
	size_t n, cap;
};

struct im_depmod_conf {
	struct im_dm_list search, override, external, exclude;
};

/*
 * Read the depmod.d files of @paths (NULL: kmod's defaults /etc/depmod.d,
 * /run/depmod.d, /usr/local/lib/depmod.d, /lib/depmod.d), one list sorted
 * by file name, the first directory winning a name. @kver selects the
 * override and external lines (a regular expression, or "*"). Without any
 * search line, "updates" is searched. 0 or -ENOMEM.
 */
int im_depmod_conf_load(struct im_depmod_conf *c, const char *const *paths,
			const char *kver, struct msgs *m);
/* One file's text (for tests). */
int im_depmod_conf_parse(struct im_depmod_conf *c, const char *buf, size_t len,
			 const char *name, const char *kver, struct msgs *m);
void im_depmod_conf_free(struct im_depmod_conf *c);

#endif
