/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * rootspec.c - root=, rootfstype=, rootflags=, ro, rw, rootwait,
 * rootdelay= and init= from the kernel command line (see rootspec.h), with
 * the kernel's quoting; the last of a repeated word wins, as in the kernel.
 */
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
		} else if (!strncmp(tok, "rootfstype=", 11)) {
			if (fits(tok, sizeof(r->fstype), m))
				snprintf(r->fstype, sizeof(r->fstype), "%s", eq + 1);
		} else if (!strncmp(tok, "initmod.rootdrivers=", 20)) {
			if (fits(tok, sizeof(r->drivers), m))
				snprintf(r->drivers, sizeof(r->drivers), "%s", eq + 1);
		} else if (!strncmp(tok, "initmod.rootfs=", 15)) {
			if (fits(tok, sizeof(r->fshint), m))
				snprintf(r->fshint, sizeof(r->fshint), "%s", eq + 1);
		} else if (!strncmp(tok, "rootflags=", 10)) {
			if (fits(tok, sizeof(r->flags), m))
				snprintf(r->flags, sizeof(r->flags), "%s", eq + 1);
		} else if (!strncmp(tok, "init=", 5)) {
			if (fits(tok, sizeof(r->init), m))
				snprintf(r->init, sizeof(r->init), "%s", eq + 1);
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
