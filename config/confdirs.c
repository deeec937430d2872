/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * confdirs.c - the one lister of configuration directories (modprobe.d,
 * modules-load.d): files by basename, sorted, first directory wins; what a
 * directory may hold is the caller's rules (suffixes, single files,
 * subdirectories, messages).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "confdirs.h"

static const char *const modprobe_d_suffixes[] = { ".conf", ".alias", NULL };
static const char *const modules_load_d_suffixes[] = { ".conf", NULL };

const struct im_conf_rules im_conf_modprobe_d = {
	modprobe_d_suffixes,
	IM_CONF_PATH_FILE | IM_CONF_WARN_UNREADABLE | IM_CONF_NO_SUBDIRS,
};

const struct im_conf_rules im_conf_modules_load_d = {
	modules_load_d_suffixes, 0,
};

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
		if (rules->flags & IM_CONF_WARN_UNREADABLE)
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
