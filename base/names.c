/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * names.c - the three spellings kmod accepts for a module: names ('-' and '_'
 * are the same, anything from the first '.' is a file suffix), aliases (same,
 * but bracket expressions are kept verbatim) and paths (basename of a file).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"

size_t modname_normalize(const char *in, char *buf)
{
	size_t i;

	for (i = 0; i < IM_NAME_MAX - 1; i++) {
		char c = in[i];

		if (c == '\0' || c == '.')
			break;
		buf[i] = c == '-' ? '_' : c;
	}
	buf[i] = '\0';
	return i;
}

int alias_normalize(const char *in, char *buf, size_t *len)
{
	size_t i;

	for (i = 0; i < IM_NAME_MAX - 1; i++) {
		char c = in[i];

		if (c == '\0')
			break;
		if (c == ']')
			return -1;
		if (c == '[') {
			while (i < IM_NAME_MAX - 1 && in[i] != ']' && in[i] != '\0') {
				buf[i] = in[i];
				i++;
			}
			if (i >= IM_NAME_MAX - 1 || in[i] != ']')
				return -1;
			buf[i] = ']';
			continue;
		}
		buf[i] = c == '-' ? '_' : c;
	}
	if (in[i] != '\0')
		return -1;
	buf[i] = '\0';
	if (len)
		*len = i;
	return 0;
}

int underscores(char *s)
{
	size_t i;

	if (!s)
		return -1;
	for (i = 0; s[i]; i++) {
		if (s[i] == '-') {
			s[i] = '_';
		} else if (s[i] == ']') {
			return -1;
		} else if (s[i] == '[') {
			i += strcspn(&s[i], "]");
			if (!s[i])
				return -1;
		}
	}
	return 0;
}

int path_to_modname(const char *path, char *buf)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	if (*base == '\0')
		return -1;
	modname_normalize(base, buf);
	return 0;
}

int scan_u(const char *s, char **end, unsigned *v)
{
	const char *p = s;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '+' || *p == '-')
		p++;
	if (!isdigit((unsigned char)*p))
		return 0;
	*v = (unsigned)strtoul(s, end, 10);
	return 1;
}
