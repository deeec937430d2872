/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * modprobe_d.c - modprobe.d parsing with kmod's exact rules: file order,
 * tokenising, name normalisation and the keywords alias, blacklist,
 * options, install, remove, softdep and weakdep (conffiles.c reads the
 * files and joins their lines as kmod does).
 */
#include <ctype.h>
#include <fnmatch.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "modprobe_d.h"
#include "conffiles.h"
#include "../base/names.h"

const char *const im_default_config_paths[] = {
	"/etc/modprobe.d",
	"/run/modprobe.d",
	"/usr/local/lib/modprobe.d",
	"/usr/lib/modprobe.d",
	"/lib/modprobe.d",
	NULL,
};

/* First-match order over plain names (hashed) and patterns (scanned). */
static int softdep_index(struct im_config *c)
{
	size_t i;

	free(c->softdep_wild);	/* an earlier try ran out of memory */
	c->nsoftdep_wild = 0;
	c->softdep_wild = malloc((c->nsoftdeps + 1) * sizeof(size_t));
	if (!c->softdep_wild)
		return -ENOMEM;
	for (i = 0; i < c->nsoftdeps; i++) {
		const struct im_softdep *d = &c->softdeps[i];

		if (d->wild)
			c->softdep_wild[c->nsoftdep_wild++] = i;
		else if (!strmap_get(&c->softdep_plain, d->name) &&
			 strmap_put(&c->softdep_plain, d->name,
				    (void *)(uintptr_t)(i + 1)) < 0)
			return -ENOMEM;
	}
	c->softdep_indexed = 1;
	return 0;
}

long im_config_softdep_for(struct im_config *c, const char *name)
{
	long best;
	size_t i;

	if (!c->softdep_indexed && softdep_index(c) < 0)
		return -ENOMEM;
	best = (long)(uintptr_t)strmap_get(&c->softdep_plain, name) - 1;
	for (i = 0; i < c->nsoftdep_wild; i++) {
		size_t k = c->softdep_wild[i];

		if (best >= 0 && (long)k > best)
			break;
		if (fnmatch(c->softdeps[k].name, name, 0) == 0)
			return (long)k;
	}
	return best;
}

int im_pattern_match(const char *pat, int wild, const char *s)
{
	return wild ? fnmatch(pat, s, 0) == 0 : strcmp(pat, s) == 0;
}

void im_config_init(struct im_config *c)
{
	memset(c, 0, sizeof(*c));
	c->timeout_s = -1;
	c->coldplug = -1;
	c->settle_s = -1;
	c->verbose = -2;	/* not given: -q (-1) stays quiet */
}

static void free_pairs(struct im_pair *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(p[i].name);
		free(p[i].value);
	}
	free(p);
}

static void free_softdeps(struct im_softdep *d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(d[i].name);
		free(d[i].pre);	/* one block holds pre, post and strings */
	}
	free(d);
}

void im_config_free(struct im_config *c)
{
	free_pairs(c->aliases, c->naliases);
	free_pairs(c->options, c->noptions);
	free_pairs(c->installs, c->ninstalls);
	free_pairs(c->removes, c->nremoves);
	free_softdeps(c->softdeps, c->nsoftdeps);
	free_softdeps(c->weakdeps, c->nweakdeps);
	im_strlist_free(&c->blacklist);
	im_strlist_free(&c->modules_load);
	im_strlist_free(&c->driver_pre);
	im_strlist_free(&c->driver_post);
	im_strlist_free(&c->hard_blacklist);
	strmap_free(&c->softdep_plain);
	free(c->softdep_wild);
	im_config_init(c);
}

static int add_pair(struct im_pair **arr, size_t *n, size_t *cap,
		    const char *name, const char *value)
{
	struct im_pair p = { strdup(name), strdup(value), !!strpbrk(name, "*?[") };

	if (!p.name || !p.value || VEC_PUSH(*arr, *n, *cap, p) < 0) {
		free(p.name);
		free(p.value);
		return -ENOMEM;
	}
	return 0;
}

int im_config_add_options(struct im_config *c, const char *mod,
			  const char *opts)
{
	int err = add_pair(&c->options, &c->noptions, &c->cap_options, mod,
			   opts);
	char *p;

	if (err)
		return err;
	for (p = c->options[c->noptions - 1].value; *p; p++)
		if (*p == '\t')
			*p = ' ';
	return 0;
}

/*
 * kmod's softdep tokeniser, kept exactly: whitespace separates tokens, but
 * whitespace at the very start is glued to the first token (so a line like
 * "softdep a  pre: b" has no "pre:" for kmod either). Tokens before the
 * first "pre:" or "post:" are ignored.
 */
static void softdep_scan(const char *line, char **pre, size_t *npre,
			 char **post, size_t *npost, char *store)
{
	enum { S_NONE, S_PRE, S_POST } mode = S_NONE;
	const char *s, *p;
	int was_space = 0;

	*npre = *npost = 0;
	for (p = s = line;; s++) {
		size_t plen;

		if (*s != '\0') {
			if (!isspace((unsigned char)*s)) {
				was_space = 0;
				continue;
			}
			if (was_space) {
				p = s + 1;
				continue;
			}
			was_space = 1;
			if (p >= s)
				continue;
		}
		plen = s - p;
		if (plen == 4 && memcmp(p, "pre:", 4) == 0) {
			mode = S_PRE;
		} else if (plen == 5 && memcmp(p, "post:", 5) == 0) {
			mode = S_POST;
		} else if (*s != '\0' || !was_space) {
			if (mode != S_NONE && store) {
				char **v = mode == S_PRE ? pre : post;
				size_t *n = mode == S_PRE ? npre : npost;

				memcpy(store, p, plen);
				store[plen] = '\0';
				v[(*n)++] = store;
				store += plen + 1;
			} else if (mode != S_NONE) {
				(*(mode == S_PRE ? npre : npost))++;
			}
		}
		p = s + 1;
		if (*s == '\0')
			break;
	}
}

static int add_softdep(struct im_softdep **arr, size_t *n, size_t *cap,
		       const char *mod, const char *line)
{
	struct im_softdep d = { 0 };
	size_t npre, npost, len = strlen(line) + 1;
	char **block;

	softdep_scan(line, NULL, &npre, NULL, &npost, NULL);
	block = malloc((npre + npost + 1) * sizeof(char *) + len);
	d.name = strdup(mod);
	d.wild = !!strpbrk(mod, "*?[");
	if (!block || !d.name)
		goto oom;
	d.pre = block;
	d.post = block + npre;
	softdep_scan(line, d.pre, &d.npre, d.post, &d.npost,
		     (char *)(block + npre + npost + 1));
	if (VEC_PUSH(*arr, *n, *cap, d) < 0)
		goto oom;
	return 0;
oom:
	free(block);
	free(d.name);
	return -ENOMEM;
}

/* strtok_r(NULL, "\0", &save): the rest of the line, NULL when empty. */
static char *rest_of_line(char **save)
{
	char *s = *save;

	if (!s || !*s)
		return NULL;
	*save = s + strlen(s);
	return s;
}

/* One line of modprobe.d (comments are dropped already). */
static int parse_line(void *ctx, char *line, size_t len, const char *file,
		      unsigned lineno, struct msgs *m)
{
	struct im_config *c = ctx;
	char *save = NULL, *cmd, *a, *b;

	cmd = strtok_r(line, "\t ", &save);
	if (!cmd)
		return 0;
	if (strcmp(cmd, "alias") == 0) {
		a = strtok_r(NULL, "\t ", &save);
		b = strtok_r(NULL, "\t ", &save);
		if (underscores(a) < 0 || underscores(b) < 0)
			goto bad;
		return add_pair(&c->aliases, &c->naliases, &c->cap_aliases, a, b);
	}
	if (strcmp(cmd, "blacklist") == 0) {
		a = strtok_r(NULL, "\t ", &save);
		if (underscores(a) < 0)
			goto bad;
		return im_strlist_add(&c->blacklist, a, strlen(a));
	}
	if (!strcmp(cmd, "options") || !strcmp(cmd, "install") ||
	    !strcmp(cmd, "remove") || !strcmp(cmd, "softdep") ||
	    !strcmp(cmd, "weakdep")) {
		a = strtok_r(NULL, "\t ", &save);
		b = rest_of_line(&save);
		if (underscores(a) < 0 || !b)
			goto bad;
		switch (cmd[0]) {
		case 'o':
			return im_config_add_options(c, a, b);
		case 'i':
			return add_pair(&c->installs, &c->ninstalls,
					&c->cap_installs, a, b);
		case 'r':
			return add_pair(&c->removes, &c->nremoves,
					&c->cap_removes, a, b);
		case 's':
			return add_softdep(&c->softdeps, &c->nsoftdeps,
					   &c->cap_softdeps, a, b);
		default:
			return add_softdep(&c->weakdeps, &c->nweakdeps,
					   &c->cap_weakdeps, a, b);
		}
	}
	if (!strcmp(cmd, "include") || !strcmp(cmd, "config")) {
		msg_warn(m, "%s line %u: '%s' is deprecated and not parsed",
			 file, lineno, cmd);
		return 0;
	}
bad:
	msg_warn(m, "%s line %u: ignoring bad line starting with '%s'", file,
		 lineno, cmd);
	return 0;
}

/*
 * modprobe.d as kmod reads it: *.conf and *.alias, single files too; a
 * file it cannot open is skipped, one whose read fails part way is said
 * and parsed as far as it was read.
 */
static const char *const modprobe_d_suffixes[] = { ".conf", ".alias", NULL };
static const struct im_conf_rules modprobe_d_rules = {
	modprobe_d_suffixes, IM_CONF_KMOD | IM_CONF_SHORT_READ_WARN, "#",
	parse_line,
};

int im_config_parse_buf(struct im_config *c, const char *buf, size_t len,
			const char *name, struct msgs *m)
{
	return im_conf_parse(&modprobe_d_rules, buf, len, name, c, m);
}

int im_config_load_files(struct im_config *c, const char *const *paths,
			 const char *moddir, struct msgs *m)
{
	struct im_conf_list l = { 0 };

	if (moddir && im_conf_add(&l, moddir, "modules.softdep") < 0) {
		im_conf_list_free(&l);
		return -ENOMEM;
	}
	return im_conf_load(&l, NULL, paths, &modprobe_d_rules, c, m);
}
