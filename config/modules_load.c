/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * modules_load.c - reads modules-load.d the way systemd-modules-load does:
 * the union of *.conf files by basename, earlier directories masking later
 * ones, sorted by basename; blank lines and lines starting with '#' or ';'
 * are ignored, surrounding whitespace is trimmed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modules_load.h"
#include "confdirs.h"
#include "../base/file.h"
#include "../base/names.h"

const char *const im_modules_load_dirs[] = {
	"/etc/modules-load.d",
	"/run/modules-load.d",
	"/usr/local/lib/modules-load.d",
	"/usr/lib/modules-load.d",
	"/lib/modules-load.d",
	NULL,
};

int im_modules_load_parse(const char *buf, size_t len, const char *file,
			  struct im_strlist *out, struct msgs *m)
{
	const char *p = buf, *end = buf + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p), *e;

		if (!nl)
			nl = end;
		e = nl;
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			e--;
		if (p < e && *p != '#' && *p != ';') {
			char raw[IM_NAME_MAX];
			size_t n = e - p;

			if (n >= sizeof(raw) || memchr(p, ' ', n) || memchr(p, '\t', n)) {
				msg_warn(m, "%s: ignoring line '%.*s' (one module name per line)",
					 file, (int)(n > 80 ? 80 : n), p);
			} else {
				memcpy(raw, p, n);
				raw[n] = '\0';	/* a name or an alias: kept as written */
				if (!im_strlist_has(out, raw) &&
				    im_strlist_add(out, raw, n) < 0)
					return -ENOMEM;
			}
		}
		p = nl + 1;
	}
	return 0;
}

static int read_file(const char *path, struct im_strlist *out, struct msgs *m)
{
	char *buf;
	size_t len;
	int err = im_read_file(path, IM_READ_ALL, &buf, &len);

	if (!buf && err == -ENOMEM)
		return err;
	if (!buf) {
		msg_warn(m, "cannot read %s: %s", path, strerror(-err));
		return 0;
	}
	/* a read that fails part way ends the file, as EOF would */
	err = im_modules_load_parse(buf, len, path, out, m);
	free(buf);
	return err;
}

int im_modules_load_read(const char *root, const char *const *dirs,
			 struct im_strlist *out, struct msgs *m)
{
	struct im_conf_list files = { 0 };
	size_t i;
	int err = 0;

	for (i = 0; dirs[i] && !err; i++) {
		char dir[4096];

		snprintf(dir, sizeof(dir), "%s%s", root ? root : "", dirs[i]);
		err = im_conf_scan(&files, dir, &im_conf_modules_load_d, m);
	}
	for (i = 0; i < files.n && !err; i++)
		err = read_file(files.v[i].path, out, m);
	im_conf_list_free(&files);
	return err;
}
