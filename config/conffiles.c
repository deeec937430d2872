/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conffiles.c - the one reader of configuration files (modprobe.d,
 * modules-load.d, depmod.d): the lister of their directories (files by
 * basename, sorted, the first directory winning), then each file read
 * under its kind's policy and cut into lines as kmod (backslash joining) or
 * systemd (blanks trimmed) cuts them, blank and comment lines dropped; what
 * a kind may hold and how it is parsed are the caller's rules.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../base/file.h"
#include "conffiles.h"

int im_conf_add(struct im_conf_list *l, const char *dir, const char *name)
{
	const char *base = dir ? NULL : strrchr(name, '/');
	struct im_conf_file f;
	size_t i;

	base = base ? base + 1 : name;
	for (i = 0; i < l->n; i++) {
		int cmp = strcmp(base, l->v[i].name);

		if (cmp == 0)
			return 0;
		if (cmp < 0)
			break;
	}
	f.name = strdup(base);
	if (dir) {
		f.path = malloc(strlen(dir) + strlen(name) + 2);
		if (f.path)
			sprintf(f.path, "%s/%s", dir, name);
	} else {
		f.path = strdup(name);
	}
	if (!f.name || !f.path ||
	    vec_reserve((void **)&l->v, &l->cap, l->n, sizeof(f)) < 0) {
		free(f.name);
		free(f.path);
		return -ENOMEM;
	}
	memmove(&l->v[i + 1], &l->v[i], (l->n - i) * sizeof(f));
	l->v[i] = f;
	l->n++;
	return 0;
}

static int has_suffix(const char *fn, const char *const *suffixes)
{
	size_t len = strlen(fn);

	for (; *suffixes; suffixes++) {
		size_t sl = strlen(*suffixes);

		if (len > sl && strcmp(fn + len - sl, *suffixes) == 0)
			return 1;
	}
	return 0;
}

static int wanted(int dfd, const char *dir, const char *fn,
		  const struct im_conf_rules *rules, struct msgs *m)
{
	struct stat st;

	if (fn[0] == '.' || !has_suffix(fn, rules->suffixes))
		return 0;
	if ((rules->flags & IM_CONF_NO_SUBDIRS) &&
	    fstatat(dfd, fn, &st, 0) == 0 && S_ISDIR(st.st_mode)) {
		msg_warn(m, "directories inside directories are not supported: %s/%s",
			 dir, fn);
		return 0;
	}
	return 1;
}

int im_conf_scan(struct im_conf_list *l, const char *path,
		 const struct im_conf_rules *rules, struct msgs *m)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int err = 0;

	if (rules->flags & IM_CONF_PATH_FILE) {
		if (stat(path, &st) != 0)
			return 0;
		if (!S_ISDIR(st.st_mode))
			return im_conf_add(l, NULL, path);
	}
	d = opendir(path);
	if (!d) {
		if (rules->flags & IM_CONF_WARN_UNREADABLE_DIR)
			msg_warn(m, "cannot read %s: %s", path, strerror(errno));
		return 0;
	}
	while (!err && (de = readdir(d)))
		if (wanted(dirfd(d), path, de->d_name, rules, m))
			err = im_conf_add(l, path, de->d_name);
	closedir(d);
	return err;
}

void im_conf_list_free(struct im_conf_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].path);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* The line of @len bytes at @line to the parser, unless blank or a comment. */
static int emit(const struct im_conf_rules *r, char *line, size_t len,
		const char *file, unsigned lineno, void *ctx, struct msgs *m)
{
	if (r->flags & IM_CONF_TRIM) {
		while (len > 0 && (*line == ' ' || *line == '\t')) {
			line++;
			len--;
		}
		while (len > 0 && (line[len - 1] == ' ' || line[len - 1] == '\t' ||
				   line[len - 1] == '\r'))
			len--;
	}
	line[len] = '\0';
	if (len == 0 || (line[0] && strchr(r->comments, line[0])))
		return 0;
	return r->line(ctx, line, len, file, lineno, m);
}

int im_conf_parse(const struct im_conf_rules *r, const char *buf, size_t len,
		  const char *file, void *ctx, struct msgs *m)
{
	char *line = malloc(len + 1);
	size_t i = 0, o = 0;
	unsigned lineno = 0, joined = 0;
	int err = 0;

	if (!line)
		return -ENOMEM;
	while (i < len && !err) {
		char ch = buf[i++];

		if (ch == '\\' && (r->flags & IM_CONF_JOIN)) {
			if (i >= len)
				break;	/* a backslash at the very end is dropped */
			ch = buf[i++];
			if (ch == '\n') {
				joined++;
				continue;
			}
		} else if (ch == '\n') {
			lineno += joined + 1;
			joined = 0;
			err = emit(r, line, o, file, lineno, ctx, m);
			o = 0;
			continue;
		}
		line[o++] = ch;
	}
	if (!err && o > 0)
		err = emit(r, line, o, file, lineno + joined + 1, ctx, m);
	free(line);
	return err;
}

/* What the file's kind says of a file that cannot be opened or read. */
static void unreadable(const struct im_conf_rules *r, const char *path,
		       int err, struct msgs *m)
{
	if (r->flags & IM_CONF_UNREADABLE_WARN)
		msg_warn(m, "cannot read %s: %s", path, strerror(-err));
	else if (r->flags & IM_CONF_UNREADABLE_ERROR)
		msg_err(m, "file parse %s: %s", path, strerror(-err));
}

int im_conf_read(const struct im_conf_list *l, const struct im_conf_rules *r,
		 void *ctx, struct msgs *m)
{
	size_t i;
	int err = 0;

	for (i = 0; !err && i < l->n; i++) {
		const char *path = l->v[i].path;
		char *buf;
		size_t n;
		int e = im_read_file(path, IM_READ_ALL, &buf, &n);

		if (!buf) {
			if (e == -ENOMEM)
				err = e;
			else
				unreadable(r, path, e, m);
			continue;
		}
		if (e && (r->flags & IM_CONF_SHORT_READ_WARN))
			msg_warn(m, "%s: %s", path, strerror(-e));
		err = im_conf_parse(r, buf, n, path, ctx, m);
		free(buf);
	}
	return err;
}

int im_conf_load(struct im_conf_list *l, const char *root,
		 const char *const *paths, const struct im_conf_rules *r,
		 void *ctx, struct msgs *m)
{
	size_t i;
	int err = 0;

	for (i = 0; !err && paths && paths[i]; i++) {
		char dir[4096];

		if (root)
			snprintf(dir, sizeof(dir), "%s%s", root, paths[i]);
		err = im_conf_scan(l, root ? dir : paths[i], r, m);
	}
	if (!err)
		err = im_conf_read(l, r, ctx, m);
	im_conf_list_free(l);
	return err;
}
