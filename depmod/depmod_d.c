/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * depmod_d.c - depmod.d parsing, line for line as kmod 30's cfg_file_parse():
 * words split on blanks and tabs, a bad line named with its file and line
 * number and skipped; config/conffiles.c reads the files and joins lines as
 * kmod does, and says a file it cannot read as an error.
 */
#include <errno.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "../config/conffiles.h"
#include "depmod_d.h"

static const char *const default_paths[] = {
	"/etc/depmod.d", "/run/depmod.d", "/usr/local/lib/depmod.d",
	"/lib/depmod.d", NULL,
};

/* kmod prepends: v[0] is the newest */
static int push_front(struct im_dm_list *l, int type, const char *a,
		      const char *b)
{
	struct im_dm_ent e = { .type = type };
	size_t la = strlen(a), lb = b ? strlen(b) : 0;

	e.path = malloc(la + lb + 2);
	if (!e.path || vec_reserve((void **)&l->v, &l->cap, l->n, sizeof(e)) < 0) {
		free(e.path);
		return -ENOMEM;
	}
	memcpy(e.path, a, la + 1);
	if (b) {	/* override: "subdir/modname", no extension */
		e.path[la] = '/';
		memcpy(e.path + la + 1, b, lb + 1);
	}
	e.len = type == IM_DM_PATH ? strlen(e.path) : 0;
	memmove(l->v + 1, l->v, l->n * sizeof(e));
	l->v[0] = e;
	l->n++;
	return 0;
}

static int kernel_matches(const char *pattern, const char *kver)
{
	regex_t re;
	int r;

	if (strcmp(pattern, "*") == 0)
		return 1;
	if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
		return 0;
	r = regexec(&re, kver, 0, NULL, 0);
	regfree(&re);
	return r == 0;
}

static int search_type(const char *w)
{
	if (strcmp(w, "built-in") == 0)
		return IM_DM_BUILTIN;
	if (strcmp(w, "external") == 0)
		return IM_DM_EXTERNAL;
	return IM_DM_PATH;
}

/* What a line's parser needs: the lists, and the kernel version that
 * override and external lines match. */
struct dm_conf_ctx {
	struct im_depmod_conf *c;
	const char *kver;
};

/* One line of depmod.d (comments are dropped already). */
static int parse_line(void *ctx, char *line, size_t len, const char *name,
		      unsigned lineno, struct msgs *m)
{
	struct im_depmod_conf *c = ((struct dm_conf_ctx *)ctx)->c;
	const char *kver = ((struct dm_conf_ctx *)ctx)->kver;
	char *sp, *cmd, *a, *b, *d;
	int err = 0;

	if (!(cmd = strtok_r(line, "\t ", &sp)))
		return 0;
	if (strcmp(cmd, "search") == 0) {
		while (!err && (a = strtok_r(NULL, "\t ", &sp)))
			err = push_front(&c->search, search_type(a),
					 search_type(a) == IM_DM_PATH ? a : "", NULL);
		return err;
	}
	if (strcmp(cmd, "exclude") == 0) {
		while (!err && (a = strtok_r(NULL, "\t ", &sp)))
			err = push_front(&c->exclude, 0, a, NULL);
		return err;
	}
	if (strcmp(cmd, "override") == 0) {
		a = strtok_r(NULL, "\t ", &sp);
		b = strtok_r(NULL, "\t ", &sp);
		d = strtok_r(NULL, "\t ", &sp);
		if (a && b && d) {
			if (!kernel_matches(b, kver)) {
				msg_info(m, "%s:%u: override kernel did not match %s",
					 name, lineno, b);
				return 0;
			}
			return push_front(&c->override, IM_DM_PATH, d, a);
		}
	} else if (strcmp(cmd, "external") == 0) {
		a = strtok_r(NULL, "\t ", &sp);
		b = strtok_r(NULL, "\t ", &sp);
		if (a && b) {
			if (!kernel_matches(a, kver)) {
				msg_info(m, "%s:%u: external directory did not match %s",
					 name, lineno, a);
				return 0;
			}
			return push_front(&c->external, IM_DM_PATH, b, NULL);
		}
	} else if (strcmp(cmd, "include") == 0 ||
		   strcmp(cmd, "make_map_files") == 0) {
		msg_info(m, "%s:%u: command %s not implemented yet", name,
			 lineno, cmd);
		return 0;
	}
	msg_err(m, "%s:%u: ignoring bad line starting with '%s'", name, lineno,
		cmd);
	return 0;
}

/* depmod.d as kmod's depmod reads it: *.conf, single files too; a file
 * it cannot read is an error, and the others are read. */
static const char *const depmod_d_suffixes[] = { ".conf", NULL };
static const struct im_conf_rules depmod_d_rules = {
	depmod_d_suffixes, IM_CONF_KMOD | IM_CONF_UNREADABLE_ERROR, "#",
	parse_line,
};

int im_depmod_conf_parse(struct im_depmod_conf *c, const char *buf, size_t len,
			 const char *name, const char *kver, struct msgs *m)
{
	struct dm_conf_ctx x = { c, kver };

	return im_conf_parse(&depmod_d_rules, buf, len, name, &x, m);
}

int im_depmod_conf_load(struct im_depmod_conf *c, const char *const *paths,
			const char *kver, struct msgs *m)
{
	struct im_conf_list l = { 0 };
	struct dm_conf_ctx x = { c, kver };
	int err = im_conf_load(&l, NULL, paths ? paths : default_paths,
			       &depmod_d_rules, &x, m);

	if (!err && c->search.n == 0)	/* kmod: "updates" by default */
		err = push_front(&c->search, IM_DM_PATH, "updates", NULL);
	return err;
}

static void list_free(struct im_dm_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].path);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

void im_depmod_conf_free(struct im_depmod_conf *c)
{
	list_free(&c->search);
	list_free(&c->override);
	list_free(&c->external);
	list_free(&c->exclude);
}
