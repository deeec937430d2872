/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * moddb.c - the indexes of one module directory. A missing .bin falls back
 * to its text twin (modules.dep, modules.alias, modules.symbols,
 * modules.builtin); a corrupt one is reported once, naming file and offset,
 * and then falls back the same way, so a damaged index never stops a boot.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "moddb.h"

static const struct {
	const char *bin, *text;
	enum im_text_kind kind;
} files[IM_IDX_COUNT] = {
	[IM_IDX_DEP] = { "modules.dep.bin", "modules.dep", IM_TEXT_DEP },
	[IM_IDX_ALIAS] = { "modules.alias.bin", "modules.alias", IM_TEXT_ALIAS },
	[IM_IDX_SYMBOLS] = { "modules.symbols.bin", "modules.symbols", IM_TEXT_ALIAS },
	[IM_IDX_BUILTIN] = { "modules.builtin.bin", "modules.builtin", IM_TEXT_BUILTIN },
	[IM_IDX_BUILTIN_ALIAS] = { "modules.builtin.alias.bin", "modules.builtin.modinfo", IM_TEXT_MODINFO },
};

char *im_moddir_path(const char *root, const char *kver)
{
	struct utsname u;
	char *d;

	if (!kver) {
		if (uname(&u) < 0)
			return NULL;
		kver = u.release;
	}
	if (asprintf(&d, "%s/lib/modules/%s", root ? root : "", kver) < 0)
		return NULL;
	return d;
}

static char *join(const char *dir, const char *name)
{
	char *p = malloc(strlen(dir) + strlen(name) + 2);

	if (p)
		sprintf(p, "%s/%s", dir, name);
	return p;
}

/* Open the text twin of index @i; quiet when it does not exist either. */
static void fall_back(struct im_moddb *db, enum im_idx i)
{
	char *path;
	int err;

	db->fellback[i] = 1;
	im_index_close(&db->idx[i]);
	if (!files[i].text)
		return;
	path = join(db->dirname, files[i].text);
	if (!path)
		return;
	err = im_index_open_text(&db->idx[i], path, files[i].kind);
	if (err == 0)
		msg_info(db->m, "using text index %s", path);
	else if (err != -ENOENT)
		msg_err(db->m, "%s: %s", path, strerror(-err));
	free(path);
}

static void open_one(struct im_moddb *db, enum im_idx i)
{
	char *path = join(db->dirname, files[i].bin);
	int err;

	if (!path)
		return;
	err = im_index_open(&db->idx[i], path);
	if (err == -EBADMSG)
		msg_err(db->m, "%s; using the text index instead", db->idx[i].err);
	else if (err < 0 && err != -ENOENT)
		msg_err(db->m, "%s: %s", path, strerror(-err));
	free(path);
	if (err < 0)
		fall_back(db, i);
}

int im_moddb_open(struct im_moddb *db, const char *dirname, struct msgs *m)
{
	int i;

	memset(db, 0, sizeof(*db));
	db->m = m;
	if (dirname[0] == '/') {
		db->dirname = strdup(dirname);
	} else {
		char *cwd = getcwd(NULL, 0);

		db->dirname = cwd ? join(cwd, dirname) : NULL;
		free(cwd);
	}
	if (!db->dirname)
		return -ENOMEM;
	db->dirlen = strlen(db->dirname);
	for (i = 0; i < IM_IDX_COUNT; i++)
		open_one(db, i);
	if (!im_index_ok(&db->idx[IM_IDX_DEP]))
		msg_err(m, "no modules.dep.bin or modules.dep in %s: only builtin modules and install commands can be resolved",
			db->dirname);
	return 0;
}

void im_moddb_close(struct im_moddb *db)
{
	int i;

	for (i = 0; i < IM_IDX_COUNT; i++)
		im_index_close(&db->idx[i]);
	free(db->dirname);
	db->dirname = NULL;
}

/* A lookup found corruption deep in a file: say so once, then use the text. */
static int corrupt_during_lookup(struct im_moddb *db, enum im_idx i)
{
	msg_err(db->m, "%s; using the text index instead", db->idx[i].err);
	fall_back(db, i);
	return im_index_ok(&db->idx[i]);
}

int im_moddb_dep_line(struct im_moddb *db, const char *name, const char **line)
{
	int r;

	if (!im_index_ok(&db->idx[IM_IDX_DEP]))
		return 0;
	r = im_index_lookup(&db->idx[IM_IDX_DEP], name, line);
	if (r == -EBADMSG && corrupt_during_lookup(db, IM_IDX_DEP))
		r = im_index_lookup(&db->idx[IM_IDX_DEP], name, line);
	return r < 0 ? 0 : r;
}

int im_moddb_is_builtin(struct im_moddb *db, const char *name)
{
	struct im_index *ix = &db->idx[IM_IDX_BUILTIN];
	const char *v;
	int r;

	if (!im_index_ok(ix))
		return 0;
	r = im_index_lookup(ix, name, &v);
	if (r == -EBADMSG && corrupt_during_lookup(db, IM_IDX_BUILTIN))
		r = im_index_lookup(ix, name, &v);
	return r > 0;
}

int im_moddb_lookup_wild(struct im_moddb *db, enum im_idx which,
			 const char *key, struct im_values *out)
{
	struct im_index *ix = &db->idx[which];
	size_t before = out->n;
	int r;

	if (!im_index_ok(ix))
		return 0;
	r = im_index_lookup_wild(ix, key, out);
	if (r == -EBADMSG) {
		out->n = before;	/* drop partial results */
		if (corrupt_during_lookup(db, which))
			r = im_index_lookup_wild(ix, key, out);
	}
	return r == -EBADMSG ? 0 : r;
}

/* No ".." component in @p (@len bytes). */
static int no_dotdot(const char *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i++)
		if (p[i] == '.' && p[i + 1] == '.' &&
		    (i == 0 || p[i - 1] == '/') &&
		    (i + 2 == len || p[i + 2] == '/'))
			return 0;
	return 1;
}

const char *im_moddb_join(const struct im_moddb *db, const char *rel,
			  size_t len, char *buf)
{
	size_t dl = db->dirlen;

	if (dl + len + 2 > PATH_MAX || !no_dotdot(rel, len))
		return NULL;
	if (rel[0] == '/' && (len <= dl + 1 || strncmp(rel, db->dirname, dl) != 0 ||
			      rel[dl] != '/')) {
		/* depmod.d "external": depmod writes the absolute path */
		memcpy(buf, rel, len);
		buf[len] = '\0';
		return buf;
	}
	if (rel[0] == '/') {
		rel += dl + 1;
		len -= dl + 1;
	}
	memcpy(buf, db->dirname, dl);
	buf[dl] = '/';
	memcpy(buf + dl + 1, rel, len);
	buf[dl + 1 + len] = '\0';
	return buf;
}
