/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cmdline.c - kernel command line parsing. The module-option part is a port
 * of kmod's kmod_config_parse_kcmdline() state machine, so that quoting and
 * ill-formed tokens are treated exactly as modprobe treats them; the list
 * options follow the kernel's own tokeniser (next_arg: double quotes group,
 * and are removed). A command line is read whole (up to 1 MiB, cut only
 * between words) and no word of it is ever cut.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "conffiles.h"
#include "../base/file.h"
#include "../base/names.h"

/* A word ends at a blank outside double quotes (for both tokenisers). */
static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/*
 * Keep the whole words of @buf's first @n bytes: cut at the last blank
 * outside quotes, or at @n when @buf[@n] is one (@next_known: @buf[@n] is
 * the file's next byte, not the end of what could be read). The length kept.
 */
static size_t whole_words(char *buf, size_t n, int next_known)
{
	size_t i, cut = 0;
	int q = 0;

	for (i = 0; i < n; i++) {
		if (buf[i] == '"')
			q = !q;
		else if (!q && blank(buf[i]))
			cut = i;
	}
	if (next_known && !q && blank(buf[n]))
		cut = n;
	buf[cut] = '\0';
	return cut;
}

char *im_cmdline_read(const char *path, struct msgs *m)
{
	char *buf;
	size_t len;
	int err = im_read_file(path, IM_CMDLINE_FILE_MAX + 1, &buf, &len);

	if (!buf) {
		msg_warn(m, "cannot read kernel command line %s: %s", path,
			 strerror(-err));
		return NULL;
	}
	if (err) {	/* a read that failed part way keeps its whole words */
		msg_warn(m, "kernel command line %s: read failed after %zu bytes (%s); ignoring the last word, which it may have cut",
			 path, len, strerror(-err));
		len = whole_words(buf, len, 0);
	} else if (len > IM_CMDLINE_FILE_MAX) {
		msg_warn(m, "kernel command line %s: longer than %d bytes (no kernel's is); ignoring the rest from the last whole word before that",
			 path, IM_CMDLINE_FILE_MAX);
		len = whole_words(buf, IM_CMDLINE_FILE_MAX, 1);
	}
	if (strlen(buf) < len)
		msg_warn(m, "kernel command line %s: a NUL byte at offset %zu ends it; ignoring the rest",
			 path, strlen(buf));
	return buf;
}

/* The image's command line words, joined (im_cmdline_with_dir). */
struct joined {
	char *buf;
	size_t n, cap;
	int too_long;
};

static int join_line(void *ctx, char *line, size_t len, const char *file,
		     unsigned lineno, struct msgs *m)
{
	struct joined *j = ctx;

	(void)file, (void)lineno, (void)m;
	len = strlen(line);	/* a NUL of the file's own ends the line */
	if (j->n + len + 2 > IM_CMDLINE_FILE_MAX) {
		j->too_long = 1;
		return 0;
	}
	if (j->n + len + 2 > j->cap) {
		size_t cap = (j->n + len + 2) * 2;
		char *b = realloc(j->buf, cap);

		if (!b)
			return -ENOMEM;
		j->buf = b;
		j->cap = cap;
	}
	memcpy(j->buf + j->n, line, len);
	j->n += len;
	j->buf[j->n++] = ' ';
	j->buf[j->n] = '\0';
	return 0;
}

static const char *const cmdline_d_suffixes[] = { ".conf", NULL };
static const struct im_conf_rules cmdline_d_rules = {
	cmdline_d_suffixes, IM_CONF_UNREADABLE_WARN | IM_CONF_TRIM, "#",
	join_line,
};

char *im_cmdline_with_dir(char *kcmd, const char *dir, struct msgs *m)
{
	const char *const dirs[] = { dir, NULL };
	struct im_conf_list files = { 0 };
	struct joined j = { 0 };
	size_t klen = kcmd ? strlen(kcmd) : 0;
	char *both;
	int err;

	err = im_conf_load(&files, NULL, dirs, &cmdline_d_rules, &j, m);
	if (err < 0 || j.too_long) {
		msg_warn(m, "%s: %s; using the kernel's command line alone", dir,
			 err < 0 ? strerror(-err) : "longer than a command line can be");
		free(j.buf);
		return kcmd;
	}
	if (!j.n)
		return kcmd;
	both = realloc(j.buf, j.n + klen + 1);
	if (!both) {
		msg_warn(m, "%s: out of memory; using the kernel's command line alone", dir);
		free(j.buf);
		return kcmd;
	}
	memcpy(both + j.n, kcmd ? kcmd : "", klen + 1);
	free(kcmd);
	return both;
}

static int add_list(struct im_strlist *l, const char *v);

static int kcmd_result(struct im_config *c, char *mod, char *param,
		       char *value, struct msgs *m)
{
	if (!mod || !param)
		return 0;
	if (strcmp(mod, "modprobe") == 0 && strncmp(param, "blacklist=", 10) == 0) {
		for (;;) {
			char *t = strsep(&value, ",");
			int err;

			if (!t)
				return 0;
			err = im_strlist_add(&c->blacklist, t, strlen(t));
			if (!err && *t)	/* the loader blocks these outright */
				err = add_list(&c->hard_blacklist, t);
			if (err)
				return err;
		}
	}
	if (underscores(mod) < 0) {
		msg_warn(m, "ignoring bad option on kernel command line while parsing module name: '%s'",
			 mod);
		return 0;
	}
	return im_config_add_options(c, mod, param);
}

enum kstate { K_IGNORE, K_MODNAME, K_PARAM, K_VALUE, K_COMPLETE };

/*
 * A separator in kmod's state machine: in state @from the next part of the
 * word begins after @p (*@part, state @to); in state @bad the word is
 * ill-formed (ignored); in any other state it is part of the word.
 */
static enum kstate next_part(enum kstate st, enum kstate from, enum kstate to,
			     enum kstate bad, char *p, char **part)
{
	if (st == from) {
		*part = p + 1;
		return to;
	}
	return st == bad ? K_IGNORE : st;
}

int im_cmdline_parse_kmod(struct im_config *c, const char *cmdline,
			  struct msgs *m)
{
	char *buf = strdup(cmdline);	/* whole: kmod cuts at 4095 bytes */
	char *p, *quote = NULL, *mod, *param = NULL, *value = NULL;
	enum kstate st = K_MODNAME;
	int quoted = 0, more = 1, err = 0;

	if (!buf)
		return -ENOMEM;
	for (p = buf, mod = buf; more && !err; p++) {
		switch (*p) {
		case '"':
			quoted = !quoted;
			if (quoted && st == K_MODNAME && p == mod) {
				quote = p;
				mod = p + 1;
			} else if (st != K_VALUE) {
				st = K_IGNORE;
			}
			break;
		case '\0':
			more = 0;
			/* fall through */
		case ' ': case '\n': case '\t': case '\v': case '\f': case '\r':
			if (quoted && st == K_VALUE) {
				;
			} else if (quoted) {
				st = K_IGNORE;
			} else if (st == K_VALUE || st == K_PARAM) {
				*p = '\0';
				st = K_COMPLETE;
			} else {
				mod = p + 1;
				st = K_MODNAME;
				quote = NULL;
			}
			break;
		case '.':	/* the module's name ends */
			if (st == K_MODNAME)
				*p = '\0';
			st = next_part(st, K_MODNAME, K_PARAM, K_PARAM, p, &param);
			break;
		case '=':	/* the parameter's value begins */
			st = next_part(st, K_PARAM, K_VALUE, K_MODNAME, p, &value);
			break;
		}
		if (st != K_COMPLETE)
			continue;
		/* re-quote "mod.param=a b" as param="a b", like kmod */
		if (quote && quote < mod && value > mod) {
			memmove(quote, mod, value - mod);
			value--;
			mod--;
			param--;
			*value = '"';
		}
		err = kcmd_result(c, mod, param, value, m);
		mod = p + 1;
		st = K_MODNAME;
		quote = NULL;
	}
	free(buf);
	return err;
}

/* Kernel-style token: returns the next "key[=value]" with quotes removed. */
const char *im_cmdline_token(const char *s, char *out, size_t outsz)
{
	size_t o = 0;
	int q = 0;

	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	if (!*s)
		return NULL;
	for (; *s; s++) {
		if (*s == '"') {
			q = !q;
			continue;
		}
		if (!q && (*s == ' ' || *s == '\t' || *s == '\n'))
			break;
		if (o + 1 < outsz)
			out[o++] = *s;
	}
	out[o] = '\0';
	return s;
}

/* Split a comma list, normalise each name, skip empty items. */
static int add_list(struct im_strlist *l, const char *v)
{
	char name[IM_NAME_MAX];

	while (*v) {
		size_t n = strcspn(v, ",");
		char item[IM_NAME_MAX];

		if (n > 0 && n < sizeof(item)) {
			memcpy(item, v, n);
			item[n] = '\0';
			modname_normalize(item, name);
			if (*name && !im_strlist_has(l, name) &&
			    im_strlist_add(l, name, strlen(name)) < 0)
				return -ENOMEM;
		}
		v += n;
		if (*v == ',')
			v++;
	}
	return 0;
}

/*
 * initmod.timeout's value (already unquoted): decimal seconds, a fraction
 * allowed, from 0 to IM_TIMEOUT_MAX. Anything else is said and ignored.
 */
static int seconds_value(const char *key, const char *v, double *out,
			 struct msgs *m)
{
	size_t whole = strspn(v, "0123456789"), frac = 0;
	const char *p = v + whole;
	double t = -1;

	if (*p == '.') {
		frac = strspn(p + 1, "0123456789");
		p += 1 + frac;
	}
	if (!*p && whole + frac > 0)
		t = strtod(v, NULL);
	if (t < 0 || t > IM_TIMEOUT_MAX) {
		msg_warn(m, "kernel command line: ignoring %s=%s (not a number of seconds from 0 to %d)",
			 key, v, IM_TIMEOUT_MAX);
		return 0;
	}
	*out = t;
	return 1;
}

/* A buffer that holds any word of @cmdline whole (a word is never cut). */
static char *word_buf(const char *cmdline, size_t *size)
{
	*size = strlen(cmdline) + 1;
	return malloc(*size);
}

int im_cmdline_timeout(const char *cmdline, double *out, struct msgs *m)
{
	static const char key[] = "initmod.timeout=";
	size_t size;
	char *tok = cmdline ? word_buf(cmdline, &size) : NULL;
	int found = 0;

	if (cmdline && !tok)
		msg_warn(m, "kernel command line: out of memory looking for initmod.timeout=");
	while (tok && (cmdline = im_cmdline_token(cmdline, tok, size)))
		if (strncmp(tok, key, sizeof(key) - 1) == 0 &&
		    seconds_value("initmod.timeout", tok + sizeof(key) - 1, out, m))
			found = 1;
	free(tok);
	return found;
}

int im_cmdline_parse_lists(struct im_config *c, const char *cmdline,
			   struct msgs *m)
{
	static const struct { const char *key; size_t off; } keys[] = {
		{ "modules_load", offsetof(struct im_config, modules_load) },
		{ "rd.modules_load", offsetof(struct im_config, modules_load) },
		{ "rd.driver.pre", offsetof(struct im_config, driver_pre) },
		{ "rd.driver.post", offsetof(struct im_config, driver_post) },
		{ "rd.driver.blacklist", offsetof(struct im_config, hard_blacklist) },
		{ "module_blacklist", offsetof(struct im_config, hard_blacklist) },
	};
	const char *s = cmdline;
	size_t size;
	char *tok = word_buf(cmdline, &size);
	int err = tok ? 0 : -ENOMEM;

	while (!err && (s = im_cmdline_token(s, tok, size))) {
		char *eq = strchr(tok, '=');
		size_t i;

		if (!eq)
			continue;
		*eq = '\0';
		if (strcmp(tok, "initmod.timeout") == 0) {
			seconds_value("initmod.timeout", eq + 1, &c->timeout_s, m);
			continue;
		}
		if (strcmp(tok, "initmod.settle") == 0) {
			seconds_value("initmod.settle", eq + 1, &c->settle_s, m);
			continue;
		}
		if (strcmp(tok, "initmod.coldplug") == 0) {
			c->coldplug = strcmp(eq + 1, "0") != 0;
			continue;
		}
		if (strcmp(tok, "initmod.verbose") == 0) {
			c->verbose = atoi(eq + 1);
			continue;
		}
		for (i = 0; !err && i < sizeof(keys) / sizeof(keys[0]); i++) {
			if (strcmp(tok, keys[i].key) != 0)
				continue;
			if (add_list((struct im_strlist *)((char *)c + keys[i].off),
				     eq + 1) < 0)
				err = -ENOMEM;
		}
	}
	free(tok);
	return err;
}

int im_cmdline_parse(struct im_config *c, const char *cmdline, struct msgs *m)
{
	int err = im_cmdline_parse_kmod(c, cmdline, m);

	return err ? err : im_cmdline_parse_lists(c, cmdline, m);
}
