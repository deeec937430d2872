/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * elfwrite.c - a small ELF relocatable writer for tests: the sections a
 * kernel module has that depmod reads (.modinfo, .symtab, .strtab,
 * __versions, __ksymtab_strings), section headers last.
 */
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "elfwrite.h"

struct img {
	unsigned char *b;
	size_t n, cap;
	int msb;
};

static void grow(struct img *g, size_t n)
{
	while (g->n + n > g->cap) {
		g->cap = g->cap ? g->cap * 2 : 4096;
		g->b = realloc(g->b, g->cap);
	}
}

static void put(struct img *g, const void *p, size_t n)
{
	grow(g, n);
	memcpy(g->b + g->n, p, n);
	g->n += n;
}

static void putu(struct img *g, uint64_t v, int size)
{
	unsigned char c[8];
	int i;

	for (i = 0; i < size; i++)
		c[g->msb ? size - 1 - i : i] = (unsigned char)(v >> (8 * i));
	put(g, c, size);
}

static void setu(struct img *g, size_t off, uint64_t v, int size)
{
	int i;

	for (i = 0; i < size; i++)
		g->b[off + (g->msb ? size - 1 - i : i)] = (unsigned char)(v >> (8 * i));
}

struct sec {
	const char *name;
	uint32_t type, link;
	uint64_t off, size, entsize;
};

static size_t count(const char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

static void add_str(struct img *s, const char *str, uint32_t *off)
{
	*off = (uint32_t)s->n;
	put(s, str, strlen(str) + 1);
}

/* .symtab and .strtab images */
static void symbols(const struct ew_spec *sp, struct img *sym, struct img *str)
{
	size_t ne = count(sp->exports), nu = count(sp->undef), nw = count(sp->weak), i;
	int w = sp->is32 ? 4 : 8;

	put(str, "", 1);
	for (i = 0; i < (sp->is32 ? 16u : 24u); i++)
		put(sym, "", 1);	/* the null symbol */
	for (i = 0; i < ne + nu + nw; i++) {
		char name[300];
		uint32_t no;
		uint64_t value = 0;
		uint16_t shndx = SHN_UNDEF;
		uint8_t info = ELF64_ST_INFO(STB_GLOBAL, STT_NOTYPE);

		if (i < ne) {
			strcpy(name, "__crc_");
			strcat(name, sp->exports[i]);
			value = sp->export_crcs ? sp->export_crcs[i] : 0x1000 + i;
			shndx = SHN_ABS;
		} else if (i < ne + nu) {
			strcpy(name, sp->undef[i - ne]);
		} else {
			strcpy(name, sp->weak[i - ne - nu]);
			info = ELF64_ST_INFO(STB_WEAK, STT_NOTYPE);
		}
		add_str(str, name, &no);
		putu(sym, no, 4);
		if (sp->is32) {
			putu(sym, value, 4);
			putu(sym, 0, 4);
			put(sym, &info, 1);
			put(sym, "", 1);
			putu(sym, shndx, 2);
		} else {
			put(sym, &info, 1);
			put(sym, "", 1);
			putu(sym, shndx, 2);
			putu(sym, value, w);
			putu(sym, 0, 8);
		}
	}
}

static void versions(const struct ew_spec *sp, struct img *v)
{
	int crclen = sp->is32 ? 4 : 8;
	size_t i;

	for (i = 0; i < sp->nversions; i++) {
		char name[64] = { 0 };

		putu(v, sp->versions[i].crc, crclen);
		strncpy(name, sp->versions[i].name, 64 - crclen - 1);
		put(v, name, 64 - crclen);
	}
}

static void add_sec(struct img *g, struct sec *s, size_t *n, const char *name,
		    uint32_t type, const struct img *data, uint64_t entsize)
{
	s[*n].name = name;
	s[*n].type = type;
	s[*n].off = g->n;
	s[*n].size = data->n;
	s[*n].entsize = entsize;
	put(g, data->b, data->n);
	(*n)++;
}

unsigned char *ew_build(const struct ew_spec *sp, size_t *len)
{
	struct img g = { .msb = sp->msb }, sym = { .msb = sp->msb },
		   str = { .msb = sp->msb }, ver = { .msb = sp->msb },
		   shs = { .msb = sp->msb }, raw = { 0 };
	struct sec s[8] = { { 0 } };
	uint32_t nameoff[8] = { 0 };
	size_t ns = 1, i, ehsz = sp->is32 ? 52 : 64, shsz = sp->is32 ? 40 : 64;
	int w = sp->is32 ? 4 : 8;
	unsigned char id[EI_NIDENT] = { 0x7f, 'E', 'L', 'F' };

	id[EI_CLASS] = sp->is32 ? ELFCLASS32 : ELFCLASS64;
	id[EI_DATA] = sp->msb ? ELFDATA2MSB : ELFDATA2LSB;
	id[EI_VERSION] = EV_CURRENT;
	put(&g, id, EI_NIDENT);
	grow(&g, ehsz);
	memset(g.b + g.n, 0, ehsz - EI_NIDENT);
	g.n = ehsz;
	if (sp->modinfo_len) {
		raw.b = (unsigned char *)sp->modinfo;
		raw.n = sp->modinfo_len;
		add_sec(&g, s, &ns, ".modinfo", SHT_PROGBITS, &raw, 0);
	}
	if (!sp->no_symtab) {
		symbols(sp, &sym, &str);
		add_sec(&g, s, &ns, ".symtab", SHT_SYMTAB, &sym, sp->is32 ? 16 : 24);
		s[ns - 1].link = (uint32_t)ns;
		add_sec(&g, s, &ns, ".strtab", SHT_STRTAB, &str, 0);
	}
	if (sp->nversions) {
		versions(sp, &ver);
		add_sec(&g, s, &ns, "__versions", SHT_PROGBITS, &ver, 0);
	}
	if (sp->ksymtab_strings) {
		raw.b = (unsigned char *)sp->ksymtab_strings;
		raw.n = sp->ksymtab_len;
		add_sec(&g, s, &ns, "__ksymtab_strings", SHT_PROGBITS, &raw, 0);
	}
	put(&shs, "", 1);
	for (i = 1; i < ns; i++)
		add_str(&shs, s[i].name, &nameoff[i]);
	add_str(&shs, ".shstrtab", &nameoff[ns]);
	add_sec(&g, s, &ns, ".shstrtab", SHT_STRTAB, &shs, 0);
	while (g.n % 8)
		put(&g, "", 1);
	/* header fields */
	setu(&g, EI_NIDENT, ET_REL, 2);
	setu(&g, EI_NIDENT + 2, EM_X86_64, 2);
	setu(&g, EI_NIDENT + 4, EV_CURRENT, 4);
	setu(&g, sp->is32 ? 32 : 40, g.n, w);				/* e_shoff */
	setu(&g, sp->is32 ? 40 : 52, ehsz, 2);				/* e_ehsize */
	setu(&g, sp->is32 ? 46 : 58, shsz, 2);				/* e_shentsize */
	setu(&g, sp->is32 ? 48 : 60, ns, 2);				/* e_shnum */
	setu(&g, sp->is32 ? 50 : 62, ns - 1, 2);			/* e_shstrndx */
	for (i = 0; i < ns; i++) {
		putu(&g, nameoff[i], 4);
		putu(&g, s[i].type, 4);
		putu(&g, 0, w);			/* flags */
		putu(&g, 0, w);			/* addr */
		putu(&g, s[i].off, w);
		putu(&g, s[i].size, w);
		putu(&g, s[i].link, 4);
		putu(&g, 0, 4);			/* info */
		putu(&g, 1, w);			/* addralign */
		putu(&g, s[i].entsize, w);
	}
	free(sym.b);
	free(str.b);
	free(ver.b);
	free(shs.b);
	*len = g.n;
	return g.b;
}
