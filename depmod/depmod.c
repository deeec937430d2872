/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * depmod.c - one depmod run: find the module files as kmod 30's depmod
 * does (directory walk, depmod.d priorities), put them in kmod's order
 * (its hash table's, then modules.order's), then read, resolve and write.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/file.h"
#include "../base/names.h"
#include "depmod_deps.h"
#include "depmod_out.h"
#include "depmod_read.h"
#include "kmod_hash.h"

static int has_kmod_ext(const char *name, size_t len)
{
	static const char *const ext[] = { ".ko", ".ko.gz", ".ko.xz", ".ko.zst" };
	size_t i, el;

	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		el = strlen(ext[i]);
		if (len > el && strcmp(name + len - el, ext[i]) == 0)
			return 1;
	}
	return 0;
}

static int starts_dir(const char *path, size_t pathlen, const char *pre,
		      size_t prelen)
{
	return pathlen > prelen && path[prelen] == '/' &&
	       memcmp(path, pre, prelen) == 0;
}

/* kmod's depmod_module_is_higher_priority(): does @old outrank @newpath? */
static int old_wins(const struct dm *d, const struct dm_mod *old,
		    size_t baselen, size_t modnamelen, const char *newpath)
{
	const struct im_depmod_conf *c = &d->conf;
	size_t newlen = baselen + modnamelen, oldlen = old->baselen + old->modnamesz;
	size_t relnewlen = 0, reloldlen = 0, i, s, x;
	const char *relnew = NULL, *relold = NULL;
	int bprio = -1, oldprio = -1, newprio = -1;

	if (strncmp(newpath, d->dirname, d->dirnamelen) == 0) {
		relnew = newpath + d->dirnamelen + 1;
		relnewlen = newlen - (d->dirnamelen + 1);
	}
	if (strncmp(old->path, d->dirname, d->dirnamelen) == 0) {
		relold = old->path + d->dirnamelen + 1;
		reloldlen = oldlen - (d->dirnamelen + 1);
	}
	for (i = 0; i < c->override.n; i++) {
		const struct im_dm_ent *ov = &c->override.v[i];

		if (relnewlen == ov->len && memcmp(ov->path, relnew, relnewlen) == 0)
			return 0;
		if (reloldlen == ov->len && memcmp(ov->path, relold, reloldlen) == 0)
			return 1;
	}
	for (i = 0, s = 0; s < c->search.n; s++, i++) {
		const struct im_dm_ent *se = &c->search.v[s];

		if (se->type == IM_DM_BUILTIN) {
			bprio = (int)i;
		} else if (se->type == IM_DM_EXTERNAL) {
			for (x = 0; x < c->external.n; x++, i++) {
				const struct im_dm_ent *ext = &c->external.v[x];

				if (starts_dir(newpath, newlen, ext->path, ext->len))
					newprio = (int)i;
				if (starts_dir(old->path, oldlen, ext->path, ext->len))
					oldprio = (int)i;
			}
		} else if (relnewlen > se->len && relnew[se->len] == '/' &&
			   memcmp(se->path, relnew, se->len) == 0) {
			newprio = (int)i;
		} else if (reloldlen > se->len && relold[se->len] == '/' &&
			   memcmp(se->path, relold, se->len) == 0) {
			oldprio = (int)i;
		}
	}
	if (newprio < 0)
		newprio = bprio;
	if (oldprio < 0)
		oldprio = bprio;
	return newprio <= oldprio;
}

/* kmod's path_make_absolute_cwd(): joined to the cwd, not normalised */
static char *abs_path(const char *p)
{
	char cwd[4096], *r;

	if (p[0] == '/')
		return strdup(p);
	if (!getcwd(cwd, sizeof(cwd)) || asprintf(&r, "%s/%s", cwd, p) < 0)
		return NULL;
	return r;
}

static void mod_free(struct dm_mod *mod)
{
	if (!mod)
		return;
	free(mod->path);
	free(mod->uncrelpath);
	free(mod->deps);
	im_modelf_free(&mod->elf);
	free(mod);
}

/* kmod's depmod_module_add(): @path becomes the module called @name. */
static int mod_add(struct dm *d, const char *path, const char *name)
{
	size_t nl = strlen(name);
	struct dm_mod *mod = calloc(1, sizeof(*mod) + nl + 1);
	const char *slash, *key;

	if (!mod || !(mod->path = abs_path(path))) {
		free(mod);
		return -ENOMEM;
	}
	memcpy(mod->name, name, nl + 1);
	mod->modnamesz = nl + 1;
	mod->sort_idx = 1;	/* kmod: modules.count + 1, still 0 then */
	mod->dep_sort_idx = INT32_MAX;
	slash = strrchr(mod->path, '/');
	mod->baselen = slash ? (size_t)(slash - mod->path) : 0;
	if (strncmp(mod->path, d->dirname, d->dirnamelen) == 0 &&
	    mod->path[d->dirnamelen] == '/') {
		size_t ul;

		mod->relpath = mod->path + d->dirnamelen + 1;
		ul = (size_t)(slash - mod->relpath) + mod->modnamesz + 3;
		mod->uncrelpath = xstrndup(mod->relpath, ul);
		if (!mod->uncrelpath) {
			mod_free(mod);
			return -ENOMEM;
		}
	}
	/* keys live in the arena: a replaced module's key stays valid */
	key = strmap_get(&d->byname, name) ? mod->name : arena_strndup(&d->a, name, nl);
	if (!key || strmap_put(&d->byname, key, mod) < 0) {
		mod_free(mod);
		return -ENOMEM;
	}
	return 0;
}

static int search_file(struct dm *d, size_t baselen, size_t namelen,
		       const char *path)
{
	char name[IM_NAME_MAX];
	struct dm_mod *old;
	size_t nl;

	if (!has_kmod_ext(path + baselen, namelen))
		return 0;
	if (path_to_modname(path, name) < 0) {
		msg_err(d->m, "could not get modname from path %s", path);
		return 0;
	}
	nl = strlen(name);
	old = strmap_get(&d->byname, name);
	if (old) {
		if (old_wins(d, old, baselen, nl, path))
			return 0;
		mod_free(old);	/* its slot (arena key) gets the new module */
	}
	return mod_add(d, path, name);
}

static int excluded(const struct dm *d, const char *name)
{
	size_t i;

	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
	    strcmp(name, "build") == 0 || strcmp(name, "source") == 0)
		return 1;
	for (i = 0; i < d->conf.exclude.n; i++)
		if (strcmp(name, d->conf.exclude.v[i].path) == 0)
			return 1;
	return 0;
}

static int search_dir(struct dm *d, DIR *dir, char **pbuf, size_t *pcap,
		      size_t baselen)
{
	struct dirent *de;
	int dfd = dirfd(dir), err = 0;

	while (!err && (de = readdir(dir))) {
		size_t namelen = strlen(de->d_name);
		int is_dir;

		if (excluded(d, de->d_name))
			continue;
		if (baselen + namelen + 2 > *pcap) {
			size_t ncap = (baselen + namelen + 2) * 2;
			char *nb = realloc(*pbuf, ncap);

			if (!nb)
				return -ENOMEM;
			*pbuf = nb;
			*pcap = ncap;
		}
		memcpy(*pbuf + baselen, de->d_name, namelen + 1);
		if (de->d_type == DT_REG || de->d_type == DT_DIR) {
			is_dir = de->d_type == DT_DIR;
		} else {
			struct stat st;

			if (fstatat(dfd, de->d_name, &st, 0) < 0) {
				msg_err(d->m, "fstatat(%s): %s", *pbuf, strerror(errno));
				continue;
			}
			if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
				msg_err(d->m, "unsupported file type %s: %o", *pbuf,
					st.st_mode & S_IFMT);
				continue;
			}
			is_dir = S_ISDIR(st.st_mode);
		}
		if (is_dir) {
			int fd = openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			DIR *sub = fd < 0 ? NULL : fdopendir(fd);

			if (!sub) {
				msg_err(d->m, "could not open directory %s: %s", *pbuf,
					strerror(errno));
				if (fd >= 0)
					close(fd);
				continue;
			}
			(*pbuf)[baselen + namelen] = '/';
			(*pbuf)[baselen + namelen + 1] = '\0';
			err = search_dir(d, sub, pbuf, pcap, baselen + namelen + 1);
			closedir(sub);
		} else {
			err = search_file(d, baselen, namelen, *pbuf);
		}
	}
	return err;
}

static int search_path(struct dm *d, const char *path, int quiet_enoent)
{
	size_t cap = strlen(path) + 256, bl = strlen(path);
	char *buf = malloc(cap);
	DIR *dir;
	int err;

	if (!buf)
		return -ENOMEM;
	dir = opendir(path);
	if (!dir) {	/* the tree itself: fatal, as kmod; an external one: not */
		err = errno;
		if (!(quiet_enoent && err == ENOENT))
			msg_err(d->m, "could not open directory %s: %s", path,
				strerror(err));
		free(buf);
		return quiet_enoent ? 0 : -EINVAL;
	}
	memcpy(buf, path, bl);
	buf[bl] = '/';
	buf[bl + 1] = '\0';
	err = search_dir(d, dir, &buf, &cap, bl + 1);
	closedir(dir);
	free(buf);
	return err;
}

/* Module files named on the command line (no search, no depmod.d). */
static int add_files(struct dm *d)
{
	char name[IM_NAME_MAX];
	size_t i;
	int err;

	for (i = 0; i < d->o->nfiles; i++) {
		const char *p = d->o->files[i];

		if (p[0] != '/') {
			msg_err(d->m, "%s: not absolute path.", p);
			return -EINVAL;
		}
		if (path_to_modname(p, name) < 0 || strmap_get(&d->byname, name)) {
			msg_err(d->m, "could not add module %s: %s", p,
				strerror(EEXIST));
			return -EINVAL;
		}
		err = mod_add(d, p, name);
		if (err < 0)
			return err;
	}
	return 0;
}

static int kmod_order_cmp(const void *a, const void *b)
{
	const struct dm_mod *x = *(struct dm_mod *const *)a;
	const struct dm_mod *y = *(struct dm_mod *const *)b;

	return dm_kmod_order(x->bucket, x->name, y->bucket, y->name);
}

/* array_sort() is glibc's qsort, a merge sort: stable. */
static int sort_idx_cmp(const void *a, const void *b)
{
	const struct dm_mod *x = *(struct dm_mod *const *)a;
	const struct dm_mod *y = *(struct dm_mod *const *)b;

	if (x->sort_idx != y->sort_idx)
		return x->sort_idx < y->sort_idx ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* kmod's depmod_modules_sort(): modules.order's lines first, in order. */
static int order_by_file(struct dm *d)
{
	struct strmap byrel = { 0 };
	char *buf, path[4096];
	size_t len, i, start, total = 0, idx = 0;
	int e;

	snprintf(path, sizeof(path), "%s/modules.order", d->dirname);
	e = im_read_file(path, IM_READ_ALL, &buf, &len);
	if (e == -ENOMEM || (!buf && e == 0))
		return -ENOMEM;
	if (e != 0) {
		if (!buf)
			msg_warn(d->m, "could not open modules.order at %s: %s",
				 d->dirname, strerror(-e));
		free(buf);
		return 0;
	}
	for (start = 0, i = 0; i < len; i++) {	/* fgets with a PATH_MAX buffer */
		if (buf[i] == '\n' || i - start == 4094) {
			idx++;
			if (buf[i] != '\n') {
				msg_err(d->m, "%s:%zu corrupted line misses '\\n'", path, idx);
				free(buf);
				return 0;
			}
			start = i + 1;
		}
	}
	if (start < len) {
		msg_err(d->m, "%s:%zu corrupted line misses '\\n'", path, idx + 1);
		free(buf);
		return 0;
	}
	total = idx + 1;
	for (i = 0; i < d->n; i++)
		if (d->mods[i]->uncrelpath &&
		    strmap_put(&byrel, d->mods[i]->uncrelpath, d->mods[i]) < 0) {
			e = -ENOMEM;
			goto out;
		}
	for (idx = 0, start = 0, i = 0; i < len; i++) {
		if (buf[i] == '\n') {
			struct dm_mod *mod;

			idx++;
			buf[i] = '\0';
			mod = strmap_get(&byrel, buf + start);
			if (mod)
				mod->sort_idx = (int)idx - (int)total;
			start = i + 1;
		}
	}
	qsort(d->mods, d->n, sizeof(*d->mods), sort_idx_cmp);
	for (i = 0; i < d->n; i++)
		d->mods[i]->idx = (unsigned)i;
	e = 0;
out:
	strmap_free(&byrel);
	free(buf);
	return e;
}

static int build_array(struct dm *d)
{
	size_t i;

	d->mods = malloc((d->byname.n + 1) * sizeof(*d->mods));
	if (!d->mods)
		return -ENOMEM;	/* the modules are still in byname: freed there */
	for (i = 0; i < d->byname.cap; i++)
		if (d->byname.slots[i].val) {
			struct dm_mod *mod = d->byname.slots[i].val;

			mod->bucket = dm_kmod_hash(mod->name) & 511;	/* kmod's 512 */
			d->mods[d->n++] = mod;
		}
	d->cap = d->byname.n + 1;
	strmap_free(&d->byname);
	qsort(d->mods, d->n, sizeof(*d->mods), kmod_order_cmp);
	for (i = 0; i < d->n; i++) {
		d->mods[i]->idx = (unsigned)i;
		if (strmap_put(&d->byname, d->mods[i]->name, d->mods[i]) < 0)
			return -ENOMEM;
	}
	if (d->n >= 65535) {
		msg_err(d->m, "%zu modules: more than kmod's 65534", d->n);
		return -E2BIG;
	}
	return order_by_file(d);
}

static int find_modules(struct dm *d)
{
	size_t i;
	int err;

	if (d->o->nfiles)
		return add_files(d);
	err = im_depmod_conf_load(&d->conf, d->o->config, d->o->kver, d->m);
	if (err < 0)
		return err;
	err = search_path(d, d->dirname, 0);
	for (i = 0; !err && i < d->conf.external.n; i++)
		err = search_path(d, d->conf.external.v[i].path, 1);
	return err;
}

/* kmod's depfile_up_to_date(): no module file newer than modules.dep. */
static int newer_than(const char *dir, time_t mtime, int depth)
{
	struct dirent *de;
	DIR *dp = opendir(dir);
	int newer = 0;

	if (!dp || depth > 64) {
		if (dp)
			closedir(dp);
		return 0;
	}
	while (!newer && (de = readdir(dp))) {
		char p[4096];
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
		    strcmp(de->d_name, "build") == 0 || strcmp(de->d_name, "source") == 0)
			continue;
		if ((size_t)snprintf(p, sizeof(p), "%s/%s", dir, de->d_name) >= sizeof(p) ||
		    stat(p, &st) < 0)
			continue;
		if (S_ISDIR(st.st_mode))
			newer = newer_than(p, mtime, depth + 1);
		else if (S_ISREG(st.st_mode) && has_kmod_ext(de->d_name, strlen(de->d_name)))
			newer = st.st_mtime > mtime;
	}
	closedir(dp);
	return newer;
}

static int up_to_date(const struct dm *d)
{
	char p[4096];
	struct stat st;

	snprintf(p, sizeof(p), "%s/modules.dep", d->dirname);
	if (stat(p, &st) < 0)
		return 0;
	return !newer_than(d->dirname, st.st_mtime, 0);
}

static void dm_free(struct dm *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		mod_free(d->mods[i]);
	for (i = 0; !d->n && i < d->byname.cap; i++)
		mod_free(d->byname.slots[i].val);
	free(d->mods);
	strmap_free(&d->byname);
	strmap_free(&d->syms);
	arena_free(&d->a);
	im_depmod_conf_free(&d->conf);
	dm_cache_close(d);
}

int im_depmod_run(const struct im_depmod_opts *o, struct msgs *m)
{
	struct dm d = { .o = o, .m = m, .dirname = o->dirname };
	int err;

	d.dirnamelen = strlen(o->dirname);
	if (o->quick && !o->to_stdout && up_to_date(&d))
		return 0;
	if (o->quick && o->to_stdout)
		return 0;
	if (!o->to_stdout)
		dm_remove_stale(&d);	/* a killed run's temporaries */
	err = dm_load_symfile(&d);
	if (err == 0)
		err = find_modules(&d);
	if (err == 0)
		err = build_array(&d);
	if (err == 0)
		err = dm_read_all(&d);
	if (err == 0)
		err = dm_resolve(&d);
	if (err == 0)
		err = dm_output(&d);
	if (err == 0 && !o->to_stdout && !o->no_cache)
		dm_cache_save(&d);	/* a cache that cannot be written is no error */
	if (err < 0 && err != -EINVAL)
		msg_err(m, "%s", strerror(-err));
	dm_free(&d);
	return err < 0 ? 1 : 0;
}
