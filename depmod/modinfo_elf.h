/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * modinfo_elf.h - what depmod needs from one module's ELF image (already
 * decompressed): its .modinfo aliases, softdeps and weakdeps, the symbols
 * it exports (with their CRCs) and the symbols it needs, in the order
 * kmod 30's libkmod-elf.c yields them. Every read is bounds-checked.
 *
 * The result is a flat record list, so it can be cached as bytes:
 *   type (1 byte) [crc: 8 bytes little-endian, symbols only] string NUL
 * in three runs: every EXPORT first, then the .modinfo records (and NOTEs),
 * then UNDEF/WEAK (and a NOTE): readers stop early on that order.
 */
#ifndef INITMOD_MODINFO_ELF_H
#define INITMOD_MODINFO_ELF_H

#include <stddef.h>
#include <stdint.h>

enum im_rec_type {
	IM_REC_ALIAS = 'a',	/* .modinfo alias= value */
	IM_REC_SOFTDEP = 's',	/* .modinfo softdep= value */
	IM_REC_WEAKDEP = 'w',	/* .modinfo weakdep= value */
	IM_REC_EXPORT = 'E',	/* exported symbol, crc */
	IM_REC_UNDEF = 'U',	/* needed symbol, crc from __versions */
	IM_REC_WEAK = 'W',	/* needed weak symbol */
	IM_REC_NOTE = 'N',	/* a problem worth a warning (no .modinfo...) */
};

struct im_modelf {
	unsigned char *rec;	/* malloc'd records */
	size_t len, cap;
	int err;		/* 0; -errno when the image is no usable ELF */
	char why[200];		/* the reason for err, with the offset */
};

/*
 * Parse @len bytes at @buf into @out (zeroed by the caller). Returns 0 when
 * the image is an ELF file (records as far as kmod would find them: a bad
 * .symtab only loses the needed symbols, as in kmod); -EINVAL/-ENOEXEC with
 * out->why set when it is not one; -ENOMEM.
 */
int im_modelf_parse(const void *buf, size_t len, struct im_modelf *out);
void im_modelf_free(struct im_modelf *m);

/* Append one record (used by the parser and by tests). */
int im_modelf_add(struct im_modelf *m, int type, uint64_t crc, const char *s,
		  size_t n);

/* Iterate records: returns the next position, or NULL at the end or on a
 * malformed record (a corrupt cache entry). */
struct im_rec {
	int type;
	uint64_t crc;
	const char *s;
};
const unsigned char *im_rec_next(const unsigned char *p,
				 const unsigned char *end, struct im_rec *r);
/* The end of @m's records (NULL when it has none: no NULL + 0). */
static inline const unsigned char *im_rec_end(const struct im_modelf *m)
{
	return m->rec ? m->rec + m->len : NULL;
}

#endif
