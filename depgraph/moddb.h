/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * moddb.h - one module directory (/lib/modules/KVER): its indexes, opened
 * once, with the text files as fallback when a .bin is missing or corrupt.
 */
#ifndef INITMOD_MODDB_H
#define INITMOD_MODDB_H

#include "index.h"
#include "../base/util.h"

enum im_idx {
	IM_IDX_DEP,
	IM_IDX_ALIAS,
	IM_IDX_SYMBOLS,
	IM_IDX_BUILTIN,
	IM_IDX_BUILTIN_ALIAS,
	IM_IDX_COUNT,
};

struct im_moddb {
	char *dirname;			/* absolute, no trailing slash added */
	size_t dirlen;
	struct im_index idx[IM_IDX_COUNT];
	int fellback[IM_IDX_COUNT];	/* switched to the text file */
	struct msgs *m;
};

/*
 * The module directory ROOT/lib/modules/KVER (@root NULL: /; @kver NULL:
 * the running kernel's, from uname), malloc'd; NULL when out of memory.
 * The one place the path is made (initmod's -d/-S, depmod's -b and KVER).
 */
char *im_moddir_path(const char *root, const char *kver);

/* @dirname: the module directory; made absolute against the cwd like kmod. */
int im_moddb_open(struct im_moddb *db, const char *dirname, struct msgs *m);
void im_moddb_close(struct im_moddb *db);

/* modules.dep line "relpath: deps…" of module @name: 1, 0 absent, <0 error. */
int im_moddb_dep_line(struct im_moddb *db, const char *name, const char **line);
int im_moddb_is_builtin(struct im_moddb *db, const char *name);
/* Wildcard lookup in an alias-type index (alias, symbols, builtin alias). */
int im_moddb_lookup_wild(struct im_moddb *db, enum im_idx which,
			 const char *key, struct im_values *out);

/*
 * The file @rel (@len bytes of a modules.dep path) as kmod opens it,
 * written into @buf (PATH_MAX bytes): a relative path joined to the module
 * directory; an absolute one as it is (depmod writes absolute paths for the
 * modules of depmod.d "external" directories, kmod >= 25, and the index is
 * trusted as far as the directory holding it). NULL for what depmod never
 * writes: a ".." component, or a path longer than PATH_MAX.
 */
const char *im_moddb_join(const struct im_moddb *db, const char *rel,
			  size_t len, char *buf);

#endif
