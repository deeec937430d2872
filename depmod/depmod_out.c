/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * depmod_out.c - the files kmod's depmod writes, each built in memory in
 * kmod's exact format and order, written to a temporary file beside it;
 * only when every file is complete are they renamed over the old ones, so
 * an error leaves the old indexes, never a half-written one, and no
 * temporary. -n prints the text files instead. Before a run writes, the
 * temporaries of runs that were killed (their PID is no live process) are
 * removed.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/file.h"
#include "../base/names.h"
#include "depmod_deps.h"
#include "depmod_out.h"
#include "kmod_hash.h"

static const char *cpath(const struct dm_mod *mod)
{
	return mod->relpath ? mod->relpath : mod->path;
}

static int dep_line(struct dm *d, struct dm_mod *mod, struct im_buf *b)
{
	struct dm_mod **deps;
	size_t i, n;

	im_buf_printf(b, "%s:", cpath(mod));
	if (mod->ndeps) {
		deps = dm_all_deps(d, mod, &n);
		if (!deps)
			return -ENOMEM;
		for (i = 0; i < n; i++)
			im_buf_printf(b, " %s", cpath(deps[i]));
		free(deps);
	}
	return b->oom ? -ENOMEM : 0;
}

static int out_dep(struct dm *d, struct im_buf *b)
{
	size_t i;
	int err = 0;

	for (i = 0; !err && i < d->n; i++) {
		err = dep_line(d, d->mods[i], b);
		im_buf_put(b, "\n", 1);
	}
	return err;
}

static int iw_add(struct dm *d, struct im_iw *w, const char *k, const char *v,
		  uint32_t prio)
{
	int err = im_iw_add(w, k, v, prio);

	if (err == -EINVAL) {
		msg_err(d->m, "Module index: bad character in '%s' - only 7-bit ASCII is supported", k);
		return 0;
	}
	return err;
}

static int out_dep_bin(struct dm *d, struct im_buf *b)
{
	struct im_iw w = { 0 };
	struct im_buf line = { 0 };
	size_t i;
	int err = 0;

	for (i = 0; !err && i < d->n; i++) {
		line.len = 0;
		err = dep_line(d, d->mods[i], &line);
		im_buf_put(&line, "", 1);
		if (!err && !line.oom)
			err = iw_add(d, &w, d->mods[i]->name, (char *)line.p, d->mods[i]->idx);
	}
	if (!err)
		err = im_iw_write(&w, b);
	im_buf_free(&line);
	im_iw_free(&w);
	return err;
}

/* Each module's records of @type, in order: fn(mod, value). */
#define FOR_RECS(d, want, mod, r, body) do {				\
	size_t _i;							\
	for (_i = 0; _i < (d)->n; _i++) {				\
		struct dm_mod *mod = (d)->mods[_i];			\
		const unsigned char *_p = mod->elf.rec, *_e = im_rec_end(&mod->elf); \
		struct im_rec r;					\
		while ((_p = im_rec_next(_p, _e, &r))) {		\
			if (r.type == IM_REC_UNDEF || r.type == IM_REC_WEAK) \
				break;	/* .modinfo's records are over */ \
			if (r.type == (want)) { body; }			\
		}							\
	}								\
} while (0)

static int out_alias(struct dm *d, struct im_buf *b)
{
	im_buf_printf(b, "# Aliases extracted from modules themselves.\n");
	FOR_RECS(d, IM_REC_ALIAS, mod, r,
		 im_buf_printf(b, "alias %s %s\n", r.s, mod->name));
	return 0;
}

/* -w: kmod warns when a key gets a value it already has */
static int dup_alias(struct dm *d, struct strmap *seen, struct arena *a,
		     const char *alias, const char *mod)
{
	size_t al = strlen(alias), ml = strlen(mod);
	char *k = arena_alloc(a, al + ml + 2);

	if (!k)
		return -ENOMEM;
	memcpy(k, alias, al);
	k[al] = '\t';
	memcpy(k + al + 1, mod, ml + 1);
	if (strmap_get(seen, k)) {
		msg_warn(d->m, "duplicate module alias:\n%s %s", alias, mod);
		return 0;
	}
	return strmap_put(seen, k, k);
}

static int out_alias_bin(struct dm *d, struct im_buf *b)
{
	struct im_iw w = { 0 };
	struct strmap seen = { 0 };
	struct arena a = { 0 };
	char *buf = malloc(IM_NAME_MAX);
	int err = buf ? 0 : -ENOMEM;

	FOR_RECS(d, IM_REC_ALIAS, mod, r, {
		if (err)
			break;
		if (alias_normalize(r.s, buf, NULL) < 0) {
			msg_warn(d->m, "Unmatched bracket in %s", r.s);
			continue;
		}
		err = iw_add(d, &w, buf, mod->name, mod->idx);
		if (!err && d->o->warn_dups)
			err = dup_alias(d, &seen, &a, buf, mod->name);
	});
	strmap_free(&seen);
	arena_free(&a);
	if (!err)
		err = im_iw_write(&w, b);
	im_iw_free(&w);
	free(buf);
	return err;
}

static int out_softdep(struct dm *d, struct im_buf *b)
{
	im_buf_printf(b, "# Soft dependencies extracted from modules themselves.\n");
	FOR_RECS(d, IM_REC_SOFTDEP, mod, r,
		 im_buf_printf(b, "softdep %s %s\n", mod->name, r.s));
	return 0;
}

static int out_weakdep(struct dm *d, struct im_buf *b)
{
	im_buf_printf(b, "# Weak dependencies extracted from modules themselves.\n");
	FOR_RECS(d, IM_REC_WEAKDEP, mod, r,
		 im_buf_printf(b, "weakdep %s %s\n", mod->name, r.s));
	return 0;
}

static int sym_cmp(const void *a, const void *b)
{
	const struct dm_sym *x = *(struct dm_sym *const *)a;
	const struct dm_sym *y = *(struct dm_sym *const *)b;

	return dm_kmod_order(x->bucket, x->name, y->bucket, y->name);
}

/* The owned symbols in kmod's hash table order. */
static struct dm_sym **owned_syms(struct dm *d, size_t *n)
{
	struct dm_sym **v = malloc((d->syms.n + 1) * sizeof(*v));
	size_t i;

	*n = 0;
	if (!v)
		return NULL;
	for (i = 0; i < d->syms.cap; i++) {
		struct dm_sym *s = d->syms.slots[i].val;

		if (d->syms.slots[i].key && s->owner)
			v[(*n)++] = s;
	}
	qsort(v, *n, sizeof(*v), sym_cmp);
	return v;
}

static int out_symbols(struct dm *d, struct im_buf *b)
{
	size_t i, n;
	struct dm_sym **v = owned_syms(d, &n);

	if (!v)
		return -ENOMEM;
	im_buf_printf(b, "# Aliases for symbols, used by symbol_request().\n");
	for (i = 0; i < n; i++)
		im_buf_printf(b, "alias symbol:%s %s\n", v[i]->name, v[i]->owner->name);
	free(v);
	return 0;
}

static int out_symbols_bin(struct dm *d, struct im_buf *b)
{
	struct im_iw w = { 0 };
	struct im_buf key = { 0 };
	size_t i, n;
	struct dm_sym **v = owned_syms(d, &n);
	int err = v ? 0 : -ENOMEM;

	for (i = 0; !err && i < n; i++) {
		key.len = 0;
		im_buf_printf(&key, "symbol:%s", v[i]->name);
		im_buf_put(&key, "", 1);
		err = key.oom ? -ENOMEM :
		      iw_add(d, &w, (char *)key.p, v[i]->owner->name, v[i]->owner->idx);
	}
	if (!err)
		err = im_iw_write(&w, b);
	im_buf_free(&key);
	im_iw_free(&w);
	free(v);
	return err;
}

/* NULL with *err 0: absent or unreadable (kmod writes an empty index) */
static char *read_dir_file(struct dm *d, const char *name, size_t *len,
			   int *err)
{
	char path[4096], *buf;
	int e;

	snprintf(path, sizeof(path), "%s/%s", d->dirname, name);
	e = im_read_file(path, IM_READ_ALL, &buf, len);
	*err = e == -ENOMEM ? e : 0;
	if (e != 0 && !buf && e != -ENOMEM)
		msg_warn(d->m, "could not open %s at %s: %s", name, d->dirname,
			 strerror(-e));
	if (e != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* modules.builtin: "kernel/…/name.ko" lines, fgets-sized as kmod reads them */
static int out_builtin_bin(struct dm *d, struct im_buf *b)
{
	struct im_iw w = { 0 };
	size_t len, i, start;
	char name[IM_NAME_MAX];
	int err;
	char *buf = read_dir_file(d, "modules.builtin", &len, &err);

	if (!buf)
		return err;	/* absent: kmod leaves the file empty */
	for (start = 0, i = 0; !err && start < len; start = i) {
		char save;

		while (i < len && buf[i] != '\n' && i - start < 4094)
			i++;
		if (i < len)
			i++;
		save = buf[i < len ? i : len];
		buf[i < len ? i : len] = '\0';
		if (!isalpha((unsigned char)buf[start]))
			msg_err(d->m, "Invalid modules.builtin line: %s", buf + start);
		else if (path_to_modname(buf + start, name) == 0)
			err = iw_add(d, &w, name, "", 0);
		buf[i < len ? i : len] = save;
	}
	if (!err)
		err = im_iw_write(&w, b);
	im_iw_free(&w);
	free(buf);
	return err;
}

/* kmod's flush_stream_to(): up to @end, '\0' or EOF; length when @end ended it */
static size_t until(const char *buf, size_t len, size_t *pos, int end,
		    char *dst, size_t dstsz)
{
	size_t i = 0;
	int c = -1;

	while (*pos < len) {
		c = (unsigned char)buf[(*pos)++];
		if (c == end || c == '\0' || (dst && i >= dstsz))
			break;
		if (dst)
			dst[i] = (char)c;
		i++;
		c = -1;
	}
	if (dst && i >= dstsz)
		i = dstsz - 1;
	return c == end ? i : 0;
}

static int out_builtin_alias_bin(struct dm *d, struct im_buf *b)
{
	struct im_iw w = { 0 };
	size_t len, pos = 0, n;
	int err;
	char *buf = read_dir_file(d, "modules.builtin.modinfo", &len, &err);
	char *mod = malloc(3 * IM_NAME_MAX), *val, *alias;

	if (!mod)
		err = -ENOMEM;
	val = mod ? mod + IM_NAME_MAX : NULL;
	alias = mod ? val + IM_NAME_MAX : NULL;

	while (buf && !err && pos < len) {
		n = until(buf, len, &pos, '.', mod, IM_NAME_MAX);
		mod[n] = '\0';
		if (!n)
			continue;
		n = until(buf, len, &pos, '=', val, IM_NAME_MAX);
		val[n] = '\0';
		if (strcmp(val, "alias") != 0) {
			until(buf, len, &pos, '\0', NULL, 0);
			continue;
		}
		n = until(buf, len, &pos, '\0', val, IM_NAME_MAX);
		val[n] = '\0';
		if (!n)
			continue;
		if (alias_normalize(val, alias, NULL) < 0) {
			msg_warn(d->m, "Unmatched bracket in %s", val);
			continue;
		}
		err = iw_add(d, &w, alias, mod, 0);
	}
	if (buf && !err)
		err = im_iw_write(&w, b);
	im_iw_free(&w);
	free(mod);
	free(buf);
	return err;
}

/* sscanf(s, "PREFIX%u-%u") == 2, without scanf (and its floats) in the binary */
static int major_minor(const char *s, const char *prefix, unsigned *maj,
		       unsigned *min)
{
	size_t pl = strlen(prefix);
	char *end;

	if (strncmp(s, prefix, pl) != 0)
		return 0;
	s += pl;
	if (!scan_u(s, &end, maj) || *end != '-')
		return 0;
	return scan_u(end + 1, &end, min);
}

static int out_devname(struct dm *d, struct im_buf *b)
{
	int empty = 1;
	size_t i;

	for (i = 0; i < d->n; i++) {
		struct dm_mod *mod = d->mods[i];
		const unsigned char *p = mod->elf.rec, *end = im_rec_end(&mod->elf);
		const char *devname = NULL;
		char type = '\0';
		unsigned major = 0, minor = 0, maj, min;
		struct im_rec r;

		while ((p = im_rec_next(p, end, &r))) {
			if (r.type == IM_REC_UNDEF || r.type == IM_REC_WEAK)
				break;
			if (r.type != IM_REC_ALIAS)
				continue;
			if (strncmp(r.s, "devname:", 8) == 0) {
				devname = r.s + 8;
			} else if (major_minor(r.s, "char-major-", &maj, &min)) {
				type = 'c';
				major = maj;
				minor = min;
			} else if (major_minor(r.s, "block-major-", &maj, &min)) {
				type = 'b';
				major = maj;
				minor = min;
			}
			if (type && devname)
				break;
		}
		if (!devname)
			continue;
		if (!type) {
			msg_err(d->m, "Module '%s' has devname (%s) but lacks major and minor information. Ignoring.",
				mod->name, devname);
			continue;
		}
		if (empty)
			im_buf_printf(b, "# Device nodes to trigger on-demand module loading.\n");
		empty = 0;
		im_buf_printf(b, "%s %s %c%u:%u\n", mod->name, devname, type, major, minor);
	}
	return 0;
}

static const struct outfile {
	const char *name;
	int (*fn)(struct dm *d, struct im_buf *b);
	int text;
} outfiles[] = {
	{ "modules.dep", out_dep, 1 },
	{ "modules.dep.bin", out_dep_bin, 0 },
	{ "modules.alias", out_alias, 1 },
	{ "modules.alias.bin", out_alias_bin, 0 },
	{ "modules.softdep", out_softdep, 1 },
	{ "modules.weakdep", out_weakdep, 1 },
	{ "modules.symbols", out_symbols, 1 },
	{ "modules.symbols.bin", out_symbols_bin, 0 },
	{ "modules.builtin.bin", out_builtin_bin, 0 },
	{ "modules.builtin.alias.bin", out_builtin_alias_bin, 0 },
	{ "modules.devname", out_devname, 1 },
};
#define NOUT (sizeof(outfiles) / sizeof(outfiles[0]))

int dm_write_new(const char *path, const void *p, size_t len,
		 const char **what)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		      0644);
	size_t off = 0;
	int err = 0;

	*what = "create";
	if (fd < 0)
		return -errno;	/* nothing created: nothing to remove */
	*what = "write";
	while (!err && off < len) {
		ssize_t w = write(fd, (const char *)p + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			err = w < 0 ? -errno : -EIO;
		else
			off += (size_t)w;
	}
	if (close(fd) < 0 && !err)
		err = -errno;
	if (err)
		unlink(path);	/* a full disk keeps no half-written file */
	return err;
}

static int write_tmp(struct dm *d, const char *tmp, const struct im_buf *b)
{
	const char *what;
	int err = dm_write_new(tmp, b->p, b->len, &what);

	if (err == 0)
		return 0;
	if (strcmp(what, "create") == 0)
		msg_err(d->m, "cannot create %s: %s", tmp, strerror(-err));
	else
		msg_err(d->m, "Could not write %s: %s", tmp, strerror(-err));
	return -1;
}

static int to_stdout(struct dm *d)
{
	struct im_buf b = { 0 };
	size_t i;
	int err = 0;

	for (i = 0; !err && i < NOUT; i++) {
		if (!outfiles[i].text || (d->o->no_weakdep && outfiles[i].fn == out_weakdep))
			continue;
		b.len = 0;
		err = outfiles[i].fn(d, &b);
		if (!err && b.oom)
			err = -ENOMEM;
		if (!err && fwrite(b.p, 1, b.len, stdout) != b.len)
			err = -EIO;
	}
	im_buf_free(&b);
	return err;
}

int dm_output(struct dm *d)
{
	char tmp[NOUT][4300], final[NOUT][4200];
	size_t i, made = 0;
	int err = 0;

	if (d->o->to_stdout)
		return to_stdout(d);
	for (i = 0; !err && i < NOUT; i++) {
		struct im_buf b = { 0 };

		if (d->o->no_weakdep && outfiles[i].fn == out_weakdep)
			continue;
		snprintf(final[made], sizeof(final[made]), "%s/%s", d->dirname,
			 outfiles[i].name);
		snprintf(tmp[made], sizeof(tmp[made]), "%s.%d" DM_TMP_SUFFIX,
			 final[made], (int)getpid());
		err = outfiles[i].fn(d, &b);
		if (!err && b.oom)
			err = -ENOMEM;
		if (err)
			msg_err(d->m, "Could not write index '%s': %s", outfiles[i].name,
				strerror(-err));
		else if (write_tmp(d, tmp[made], &b) < 0)
			err = -EIO;
		else
			made++;
		im_buf_free(&b);
	}
	for (i = 0; i < made; i++) {
		if (err) {
			unlink(tmp[i]);
		} else if (rename(tmp[i], final[i]) < 0) {
			msg_err(d->m, "rename %s to %s: %s", tmp[i], final[i], strerror(errno));
			unlink(tmp[i]);
			err = -EIO;
		}
	}
	return err == -EIO ? -EINVAL : err;
}

/* "PID@suffix" exactly (decimal, no sign, no leading zero): the PID, else 0. */
static pid_t pid_then(const char *s, const char *suffix)
{
	unsigned long long v = 0;
	size_t n;

	if (*s < '1' || *s > '9')
		return 0;
	for (n = 0; s[n] >= '0' && s[n] <= '9'; n++) {
		if (n == 10)
			return 0;	/* more digits than any pid_t */
		v = v * 10 + (unsigned)(s[n] - '0');
	}
	if (v > INT_MAX || strcmp(s + n, suffix) != 0)
		return 0;
	return (pid_t)v;
}

/*
 * The writer's PID when @name is exactly the name of one of depmod's own
 * temporaries (an index's "NAME.PID.initmod-tmp", the cache's
 * "modules.initmod-cache.bin.PID.tmp"), else 0.
 */
static pid_t temp_pid(const char *name)
{
	size_t i;

	for (i = 0; i <= NOUT; i++) {
		const char *base = i < NOUT ? outfiles[i].name : IM_DEPMOD_CACHE;
		size_t l = strlen(base);
		pid_t pid;

		if (strncmp(name, base, l) != 0 || name[l] != '.')
			continue;
		pid = pid_then(name + l + 1, i < NOUT ? DM_TMP_SUFFIX : DM_CACHE_TMP_SUFFIX);
		if (pid)
			return pid;
	}
	return 0;
}

/*
 * Is the process that wrote a temporary gone? Its PID names no process
 * (ESRCH; a live one, even a reused PID, or EPERM, keeps the file), or it
 * is this process's own, which has written nothing yet: the file is then
 * a killed run's whose PID came round again (a container's depmod has the
 * same PID every time), and the new one could not be created over it.
 */
static int writer_gone(pid_t pid)
{
	return pid == getpid() || (kill(pid, 0) < 0 && errno == ESRCH);
}

void dm_remove_stale(struct dm *d)
{
	DIR *dir = opendir(d->dirname);
	struct dirent *de;

	if (!dir)
		return;		/* the run says what is wrong with it */
	while ((de = readdir(dir))) {
		pid_t pid = temp_pid(de->d_name);
		struct stat st;

		if (!pid || !writer_gone(pid) ||
		    fstatat(dirfd(dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISREG(st.st_mode))
			continue;	/* not ours: never touched */
		if (unlinkat(dirfd(dir), de->d_name, 0) == 0)
			msg_info(d->m, "removed %s/%s: a temporary of a depmod run (process %d) that did not finish",
				 d->dirname, de->d_name, (int)pid);
		else if (errno != ENOENT)
			msg_warn(d->m, "cannot remove %s/%s, a temporary of a depmod run that did not finish: %s",
				 d->dirname, de->d_name, strerror(errno));
	}
	closedir(dir);
}
