/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rootspec.c - root=, rootfstype=, rootflags=, ro, rw, rootwait,
 * rootdelay= and init= from the kernel command line (see rootspec.h), with
 * the kernel's quoting; the last of a repeated word wins, as in the kernel.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "rootspec.h"

/* "UUID=x", "LABEL=x", "PARTUUID=x" (also as /dev/disk/by-uuid/x ...), or a path. */
static void parse_root(struct im_root_spec *r, const char *v)
{
	static const struct { const char *prefix; enum im_root_by by; } by[] = {
		{ "UUID=", IM_ROOT_UUID }, { "LABEL=", IM_ROOT_LABEL },
		{ "PARTUUID=", IM_ROOT_PARTUUID },
		{ "/dev/disk/by-uuid/", IM_ROOT_UUID },
		{ "/dev/disk/by-label/", IM_ROOT_LABEL },
		{ "/dev/disk/by-partuuid/", IM_ROOT_PARTUUID },
	};
	size_t i;

	for (i = 0; i < sizeof(by) / sizeof(by[0]); i++)
		if (strncmp(v, by[i].prefix, strlen(by[i].prefix)) == 0) {
			r->by = by[i].by;
			snprintf(r->what, sizeof(r->what), "%s", v + strlen(by[i].prefix));
			return;
		}
	r->by = *v ? IM_ROOT_DEV : IM_ROOT_NONE;
	snprintf(r->what, sizeof(r->what), "%s", v);
}

/*
 * A value that does not fit its field is ignored and said, never cut (a
 * cut UUID or path could name another device).
 */
static int fits(const char *tok, size_t size, struct msgs *m)
{
	const char *eq = strchr(tok, '=');

	if (strlen(eq + 1) < size)
		return 1;
	msg_warn(m, "kernel command line: ignoring %.*s (%zu bytes, more than the %zu it may have)",
		 (int)(eq - tok + 1), tok, strlen(eq + 1), size - 1);
	return 0;
}

#define TEXT_KEY(k, field) { k, offsetof(struct im_root_spec, field), \
			     sizeof(((struct im_root_spec *)0)->field) }

/* The keys whose value is kept as it is written (when it fits). */
static const struct {
	const char *key;
	size_t off, size;
} text_keys[] = {
	TEXT_KEY("rootfstype=", fstype),
	TEXT_KEY("initmod.rootfs=", fshint),
	TEXT_KEY("initmod.rootdrivers=", drivers),
	TEXT_KEY("rootflags=", flags),
	TEXT_KEY("init=", init),
};

/* @tok is one of text_keys (its value kept, or said and ignored): 1. */
static int text_key(struct im_root_spec *r, const char *tok, struct msgs *m)
{
	size_t i;

	for (i = 0; i < sizeof(text_keys) / sizeof(text_keys[0]); i++) {
		size_t n = strlen(text_keys[i].key);

		if (strncmp(tok, text_keys[i].key, n))
			continue;
		if (fits(tok, text_keys[i].size, m))
			snprintf((char *)r + text_keys[i].off, text_keys[i].size,
				 "%s", tok + n);
		return 1;
	}
	return 0;
}

int im_root_spec_parse(const char *cmdline, struct im_root_spec *r,
		       struct msgs *m)
{
	char *tok = malloc(cmdline ? strlen(cmdline) + 1 : 1);	/* a word is never cut */
	const char *s = cmdline;

	memset(r, 0, sizeof(*r));
	r->rootdelay_s = -1;
	if (!tok)
		return 0;
	while (s && (s = im_cmdline_token(s, tok, strlen(cmdline) + 1))) {
		char *eq = strchr(tok, '='), *end;

		if (!strcmp(tok, "ro") || !strcmp(tok, "rw")) {
			r->rw = tok[1] == 'w';
		} else if (!strcmp(tok, "rootwait")) {
			r->rootwait = 1;
		} else if (!eq) {
			continue;
		} else if (!strncmp(tok, "root=", 5)) {
			if (fits(tok, sizeof(r->what), m))
				parse_root(r, eq + 1);
		} else if (text_key(r, tok, m)) {
			continue;
		} else if (!strncmp(tok, "rootdelay=", 10)) {
			double d = strtod(eq + 1, &end);

			if (end == eq + 1 || *end || d < 0 || d > 86400)
				msg_warn(m, "kernel command line: ignoring rootdelay=%s (not a number of seconds)",
					 eq + 1);
			else
				r->rootdelay_s = d;
		}
	}
	free(tok);
	return r->by != IM_ROOT_NONE;
}

const char *im_root_spec_str(const struct im_root_spec *r, char *buf,
			     size_t len)
{
	static const char *const prefix[] = { "", "", "UUID=", "LABEL=", "PARTUUID=" };

	snprintf(buf, len, "%s%s", prefix[r->by], r->what);
	return buf;
}

const char *im_root_spec_stack(const struct im_root_spec *r)
{
	const char *p = r->what;

	if (r->by != IM_ROOT_DEV)
		return NULL;
	if (!strncmp(p, "/dev/mapper/", 12) || !strncmp(p, "/dev/dm-", 8))
		return "device-mapper (LVM or LUKS)";
	if (!strncmp(p, "/dev/md/", 8) ||
	    (!strncmp(p, "/dev/md", 7) && p[7] >= '0' && p[7] <= '9'))
		return "md RAID";
	return NULL;
}
