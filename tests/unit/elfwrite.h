/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* elfwrite.h - crafted module ELF files for the depmod tests (32/64-bit, either byte order). */
#ifndef INITMOD_ELFWRITE_H
#define INITMOD_ELFWRITE_H

#include <stddef.h>
#include <stdint.h>

struct ew_version {
	const char *name;
	uint64_t crc;
};

struct ew_spec {
	int is32, msb;
	const char *modinfo;		/* raw section bytes, NULs included */
	size_t modinfo_len;		/* 0: no .modinfo section */
	const char *const *exports;	/* __crc_NAME symbols (SHN_ABS, value = crc) */
	const uint64_t *export_crcs;	/* NULL: 0x1000 + index */
	const char *const *undef;	/* undefined global symbols */
	const char *const *weak;	/* undefined weak symbols */
	const struct ew_version *versions;
	size_t nversions;
	const char *ksymtab_strings;	/* raw bytes, or NULL */
	size_t ksymtab_len;
	int no_symtab;
};

/* A malloc'd image and its size. */
unsigned char *ew_build(const struct ew_spec *s, size_t *len);

#endif
