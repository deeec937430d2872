/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mkko.c - write a crafted module file for the depmod oracle (the unit
 * tests' ELF writer): mkko OUT ALIAS EXPORTS UNDEFS, the lists comma
 * separated ("-" for none).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/elfwrite.h"

static const char **split(char *s)
{
	const char **v = calloc(strlen(s) + 2, sizeof(*v));
	size_t n = 0;
	char *tok, *sp;

	if (strcmp(s, "-") == 0)
		return v;
	for (tok = strtok_r(s, ",", &sp); tok; tok = strtok_r(NULL, ",", &sp))
		v[n++] = tok;
	return v;
}

int main(int argc, char **argv)
{
	struct ew_spec s = { 0 };
	char mi[512];
	unsigned char *img;
	size_t len;
	FILE *f;

	if (argc != 5) {
		fputs("usage: mkko OUT ALIAS EXPORTS UNDEFS\n", stderr);
		return 2;
	}
	s.modinfo_len = (size_t)snprintf(mi, sizeof(mi), "alias=%s%clicense=GPL", argv[2], 0);
	s.modinfo = mi;
	s.exports = split(argv[3]);
	s.undef = split(argv[4]);
	img = ew_build(&s, &len);
	f = fopen(argv[1], "wb");
	if (!f || fwrite(img, 1, len, f) != len || fclose(f) != 0) {
		perror(argv[1]);
		return 1;
	}
	free(img);
	return 0;
}
