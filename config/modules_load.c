/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * modules_load.c - reads modules-load.d the way systemd-modules-load does:
 * the union of *.conf files by basename, earlier directories masking later
 * ones, sorted by basename; blank lines and lines starting with '#' or ';'
 * are ignored, surrounding whitespace is trimmed.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "modules_load.h"
#include "conffiles.h"
#include "../base/names.h"

const char *const im_modules_load_dirs[] = {
	"/etc/modules-load.d",
	"/run/modules-load.d",
	"/usr/local/lib/modules-load.d",
	"/usr/lib/modules-load.d",
	"/lib/modules-load.d",
	NULL,
};

/* One line, trimmed, not a comment: a module name, or an alias. */
static int parse_line(void *ctx, char *line, size_t len, const char *file,
		      unsigned lineno, struct msgs *m)
{
	struct im_strlist *out = ctx;

	if (len >= IM_NAME_MAX || memchr(line, ' ', len) || memchr(line, '\t', len)) {
		msg_warn(m, "%s: ignoring line '%.*s' (one module name per line)",
			 file, (int)(len > 80 ? 80 : len), line);
		return 0;
	}
	/* kept as written */
	if (!im_strlist_has(out, line) && im_strlist_add(out, line, len) < 0)
		return -ENOMEM;
	return 0;
}

/*
 * modules-load.d as systemd-modules-load reads it: *.conf; a file it
 * cannot read is said and skipped, a read that fails part way ends the
 * file as EOF would.
 */
static const char *const modules_load_d_suffixes[] = { ".conf", NULL };
static const struct im_conf_rules modules_load_d_rules = {
	modules_load_d_suffixes, IM_CONF_UNREADABLE_WARN | IM_CONF_TRIM,
	"#;", parse_line,
};

int im_modules_load_parse(const char *buf, size_t len, const char *file,
			  struct im_strlist *out, struct msgs *m)
{
	return im_conf_parse(&modules_load_d_rules, buf, len, file, out, m);
}

int im_modules_load_read(const char *root, const char *const *dirs,
			 struct im_strlist *out, struct msgs *m)
{
	struct im_conf_list files = { 0 };

	return im_conf_load(&files, root ? root : "", dirs,
			    &modules_load_d_rules, out, m);
}
