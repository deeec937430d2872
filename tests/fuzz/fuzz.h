/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fuzz.h - helpers shared by the libFuzzer targets: a NUL-terminated copy
 * of the input, and splitting it into sections at "\n----\n" lines.
 */
#ifndef INITMOD_FUZZ_H
#define INITMOD_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* malloc'ed copy of @data with a NUL after it (the input may hold NULs). */
static inline char *fuzz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

/*
 * Cut @s (NUL-terminated, modified) at "\n----\n" into at most @max parts;
 * missing parts are "". Returns how many were found.
 */
static inline int fuzz_sections(char *s, char **part, int max)
{
	int n = 0;

	while (n < max) {
		char *sep = n < max - 1 ? strstr(s, "\n----\n") : NULL;

		part[n++] = s;
		if (!sep)
			break;
		*sep = '\0';
		s = sep + 6;
	}
	for (int i = n; i < max; i++)
		part[i] = (char *)"";
	return n;
}

#endif
