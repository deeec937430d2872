/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * modinfo_elf.c - one module's ELF image to depmod's records: .modinfo
 * strings, exported symbols (__crc_ symbols of .symtab, else
 * __ksymtab_strings) and needed symbols (undefined .symtab entries with
 * their __versions CRCs, then the __versions entries no symbol used), all
 * in kmod 30's order. 32/64-bit, either byte order; nothing is read past
 * the buffer, whatever the headers say.
 */
#include <elf.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modinfo_elf.h"
#include "../base/util.h"

struct elf {
	const unsigned char *m;
	size_t size;
	int is32, msb;
	uint16_t machine, shnum, shentsize, shstrndx;
	uint64_t shoff, names, nameslen;
};

struct sect {
	uint64_t off, size;
};

#define SYM_NAME(e) ((e)->is32 ? offsetof(Elf32_Sym, st_name) : offsetof(Elf64_Sym, st_name))

/* kmod's elf_get_uint(): all ones when out of bounds */
static uint64_t rd(const struct elf *e, uint64_t off, unsigned n)
{
	uint64_t v = 0;
	unsigned i;

	if (off > e->size || n > e->size - off)
		return UINT64_MAX;
	for (i = 0; i < n; i++)
		v = e->msb ? v << 8 | e->m[off + i] : v << 8 | e->m[off + n - 1 - i];
	return v;
}

/* A NUL-terminated string at @off, or NULL when it runs off the image. */
static const char *str_at(const struct elf *e, uint64_t off)
{
	if (off >= e->size || !memchr(e->m + off, '\0', e->size - off))
		return NULL;
	return (const char *)e->m + off;
}

static int sect_info(const struct elf *e, unsigned idx, struct sect *s,
		     uint32_t *nameoff)
{
	uint64_t h = e->shoff + (uint64_t)idx * e->shentsize;

	if (idx == SHN_UNDEF || idx >= e->shnum)
		return -1;
	if (e->is32) {
		s->size = rd(e, h + offsetof(Elf32_Shdr, sh_size), 4);
		s->off = rd(e, h + offsetof(Elf32_Shdr, sh_offset), 4);
	} else {
		s->size = rd(e, h + offsetof(Elf64_Shdr, sh_size), 8);
		s->off = rd(e, h + offsetof(Elf64_Shdr, sh_offset), 8);
	}
	*nameoff = rd(e, h, 4);
	if (s->off > e->size || s->size > e->size - s->off)
		return -1;
	return 0;
}

/* The first section called @name (kmod_elf_get_section()). */
static int find_sect(const struct elf *e, const char *name, struct sect *s)
{
	unsigned i;

	for (i = 1; i < e->shnum; i++) {
		uint32_t no;

		if (sect_info(e, i, s, &no) < 0 || no >= e->nameslen)
			continue;
		if (strcmp((const char *)e->m + e->names + no, name) == 0)
			return 0;
	}
	return -1;
}

static int elf_open(struct elf *e, const unsigned char *m, size_t size,
		    char *why, size_t whylen)
{
	struct sect s;
	uint32_t no;
	size_t ehdr, shdr;

	memset(e, 0, sizeof(*e));
	e->m = m;
	e->size = size;
	if (size <= EI_NIDENT || memcmp(m, ELFMAG, SELFMAG) != 0) {
		snprintf(why, whylen, "offset 0: not an ELF file");
		return -ENOEXEC;
	}
	e->is32 = m[EI_CLASS] == ELFCLASS32;
	e->msb = m[EI_DATA] == ELFDATA2MSB;
	ehdr = e->is32 ? sizeof(Elf32_Ehdr) : sizeof(Elf64_Ehdr);
	shdr = e->is32 ? sizeof(Elf32_Shdr) : sizeof(Elf64_Shdr);
	if ((m[EI_CLASS] != ELFCLASS32 && m[EI_CLASS] != ELFCLASS64) ||
	    (m[EI_DATA] != ELFDATA2LSB && m[EI_DATA] != ELFDATA2MSB)) {
		snprintf(why, whylen, "offset %d: unknown ELF class or data encoding",
			 EI_CLASS);
		return -EINVAL;
	}
	if (size <= ehdr) {
		snprintf(why, whylen, "offset %zu: truncated ELF header", size);
		return -EINVAL;
	}
#define HDR(f, n) rd(e, e->is32 ? offsetof(Elf32_Ehdr, f) : offsetof(Elf64_Ehdr, f), n)
	e->shoff = HDR(e_shoff, e->is32 ? 4 : 8);
	e->shnum = HDR(e_shnum, 2);
	e->shentsize = HDR(e_shentsize, 2);
	e->shstrndx = HDR(e_shstrndx, 2);
	e->machine = HDR(e_machine, 2);
#undef HDR
	if (e->shentsize != shdr) {
		snprintf(why, whylen, "offset %zu: section header size %u, not %zu",
			 ehdr - 6 - 4, e->shentsize, shdr);
		return -EINVAL;
	}
	if (e->shoff > size || (uint64_t)shdr * e->shnum > size - e->shoff) {
		snprintf(why, whylen, "offset %llu: %u section headers run past the end (%zu bytes)",
			 (unsigned long long)e->shoff, e->shnum, size);
		return -EINVAL;
	}
	if (sect_info(e, e->shstrndx, &s, &no) < 0 || s.size == 0 ||
	    m[s.off + s.size - 1] != '\0') {
		snprintf(why, whylen, "offset %llu: bad section name table (section %u)",
			 (unsigned long long)e->shoff, e->shstrndx);
		return -EINVAL;
	}
	e->names = s.off;
	e->nameslen = s.size;
	return 0;
}

int im_modelf_add(struct im_modelf *m, int type, uint64_t crc, const char *s,
		  size_t n)
{
	int sym = type == IM_REC_EXPORT || type == IM_REC_UNDEF ||
		  type == IM_REC_WEAK;
	size_t need = 1 + (sym ? 8 : 0) + n + 1;
	unsigned char *p;
	int i;

	while (m->len + need > m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 1024;

		p = realloc(m->rec, ncap);
		if (!p)
			return -ENOMEM;
		m->rec = p;
		m->cap = ncap;
	}
	p = m->rec + m->len;
	*p++ = (unsigned char)type;
	for (i = 0; sym && i < 8; i++)
		*p++ = (unsigned char)(crc >> (8 * i));
	memcpy(p, s, n);
	p[n] = '\0';
	m->len += need;
	return 0;
}

const unsigned char *im_rec_next(const unsigned char *p,
				 const unsigned char *end, struct im_rec *r)
{
	const unsigned char *z;
	int i;

	if (!p || p >= end)
		return NULL;
	r->type = *p++;
	r->crc = 0;
	if (r->type == IM_REC_EXPORT || r->type == IM_REC_UNDEF ||
	    r->type == IM_REC_WEAK) {
		if (end - p < 8)
			return NULL;
		for (i = 0; i < 8; i++)
			r->crc |= (uint64_t)p[i] << (8 * i);
		p += 8;
	}
	z = memchr(p, '\0', end - p);
	if (!z)
		return NULL;
	r->s = (const char *)p;
	return z + 1;
}

static int note(struct im_modelf *out, const char *s)
{
	return im_modelf_add(out, IM_REC_NOTE, 0, s, strlen(s));
}

/* kmod_elf_get_strings() + kmod_module_get_info(): the keys depmod uses. */
static int modinfo(const struct elf *e, struct im_modelf *out)
{
	static const struct { const char *key; int type; } keys[] = {
		{ "alias", IM_REC_ALIAS }, { "softdep", IM_REC_SOFTDEP },
		{ "weakdep", IM_REC_WEAKDEP },
	};
	struct sect s;
	const char *p, *end;
	size_t k;

	if (find_sect(e, ".modinfo", &s) < 0)
		return note(out, "no .modinfo section: no aliases");
	p = (const char *)e->m + s.off;
	end = p + s.size;
	while (p < end) {
		const char *z = memchr(p, '\0', end - p), *eq;
		size_t n = z ? (size_t)(z - p) : (size_t)(end - p);
		int err = 0;

		eq = memchr(p, '=', n);
		for (k = 0; n && k < sizeof(keys) / sizeof(keys[0]); k++) {
			size_t kl = eq ? (size_t)(eq - p) : n;

			if (kl == strlen(keys[k].key) && !memcmp(p, keys[k].key, kl))
				err = eq ? im_modelf_add(out, keys[k].type, 0, eq + 1,
							 n - (eq + 1 - p)) :
				      im_modelf_add(out, keys[k].type, 0, "", 0);
		}
		if (err < 0)
			return err;
		p += n + 1;
	}
	return 0;
}

/* kmod_elf_get_symbols_symtab(): the fallback, __ksymtab_strings. */
static int exports_strings(const struct elf *e, struct im_modelf *out)
{
	struct sect s;
	const char *p, *end;

	if (find_sect(e, "__ksymtab_strings", &s) < 0)
		return 0;
	p = (const char *)e->m + s.off;
	end = p + s.size;
	while (p < end) {
		const char *z = memchr(p, '\0', end - p);
		size_t n = z ? (size_t)(z - p) : (size_t)(end - p);

		if (n && im_modelf_add(out, IM_REC_EXPORT, 0, p, n) < 0)
			return -ENOMEM;
		p += n + 1;
	}
	return 0;
}

struct symtab {
	struct sect str, sym;
	size_t symlen, count;
};

static int get_symtab(const struct elf *e, struct symtab *t)
{
	t->symlen = e->is32 ? sizeof(Elf32_Sym) : sizeof(Elf64_Sym);
	if (find_sect(e, ".strtab", &t->str) < 0 ||
	    find_sect(e, ".symtab", &t->sym) < 0 || t->sym.size % t->symlen)
		return -1;
	t->count = t->sym.size / t->symlen;
	return 0;
}

static void sym_read(const struct elf *e, const struct symtab *t, size_t i,
		     uint32_t *name, uint64_t *value, uint8_t *info,
		     uint16_t *shndx)
{
	uint64_t o = t->sym.off + i * t->symlen;

	*name = rd(e, o + SYM_NAME(e), 4);
	if (e->is32) {
		*value = rd(e, o + offsetof(Elf32_Sym, st_value), 4);
		*info = rd(e, o + offsetof(Elf32_Sym, st_info), 1);
		*shndx = rd(e, o + offsetof(Elf32_Sym, st_shndx), 2);
	} else {
		*value = rd(e, o + offsetof(Elf64_Sym, st_value), 8);
		*info = rd(e, o + offsetof(Elf64_Sym, st_info), 1);
		*shndx = rd(e, o + offsetof(Elf64_Sym, st_shndx), 2);
	}
}

/* kmod_elf_resolve_crc() */
static uint64_t resolve_crc(const struct elf *e, uint64_t crc, uint16_t shndx)
{
	struct sect s;
	uint32_t no;

	if (shndx == SHN_ABS || shndx == SHN_UNDEF)
		return crc;
	if (sect_info(e, shndx, &s, &no) < 0 || crc > s.size - 4)
		return UINT64_MAX;
	return rd(e, s.off + crc, 4);
}

/* kmod_elf_get_symbols(): __crc_NAME symbols, else the fallback. */
static int exports(const struct elf *e, struct im_modelf *out)
{
	struct symtab t;
	size_t i, count = 0, mark = out->len;

	if (get_symtab(e, &t) < 0)
		return exports_strings(e, out);
	for (i = 1; i < t.count; i++) {
		uint32_t no;
		uint64_t val;
		uint8_t info;
		uint16_t shndx;
		const char *name;

		sym_read(e, &t, i, &no, &val, &info, &shndx);
		if (no >= t.str.size || !(name = str_at(e, t.str.off + no))) {
			out->len = mark;	/* kmod falls back here too */
			return exports_strings(e, out);
		}
		if (strncmp(name, "__crc_", 6) != 0)
			continue;
		if (im_modelf_add(out, IM_REC_EXPORT, resolve_crc(e, val, shndx),
				  name + 6, strlen(name + 6)) < 0)
			return -ENOMEM;
		count++;
	}
	return count ? 0 : exports_strings(e, out);
}

struct versions {
	struct sect s;
	size_t verlen, crclen, n;
	unsigned char *visited;
	struct strmap first;		/* name -> 1 + index of its first entry */
};

static const char *ver_name(const struct elf *e, const struct versions *v,
			    size_t i)
{
	return str_at(e, v->s.off + i * v->verlen + v->crclen);
}

/* Each name's first entry, as kmod_elf_crc_find()'s linear search finds it. */
static int versions_index(const struct elf *e, struct versions *v)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		const char *name = ver_name(e, v, i);

		if (name && !strmap_get(&v->first, name) &&
		    strmap_put(&v->first, name, (void *)(uintptr_t)(i + 1)) < 0)
			return -ENOMEM;
	}
	return 0;
}

static uint64_t crc_find(const struct elf *e, struct versions *v,
			 const char *name)
{
	size_t i = (size_t)(uintptr_t)strmap_get(&v->first, name);

	if (!i--)
		return 0;
	v->visited[i] = 1;
	return rd(e, v->s.off + i * v->verlen, v->crclen);
}

static int needed_syms(const struct elf *e, const struct symtab *t,
		       struct versions *v, struct im_modelf *out)
{
	int sparc = e->machine == EM_SPARC || e->machine == EM_SPARCV9;
	size_t i;

	for (i = 1; i < t->count; i++) {
		uint32_t no;
		uint64_t val;
		uint8_t info;
		uint16_t shndx;
		const char *name;

		sym_read(e, t, i, &no, &val, &info, &shndx);
		if (shndx != SHN_UNDEF)
			continue;
		if (sparc && ELF64_ST_TYPE(info) == STT_SPARC_REGISTER)
			continue;
		if (no >= t->str.size || !(name = str_at(e, t->str.off + no)))
			return -EINVAL;
		if (!name[0])
			continue;
		if (im_modelf_add(out, ELF64_ST_BIND(info) == STB_WEAK ?
				  IM_REC_WEAK : IM_REC_UNDEF,
				  crc_find(e, v, name), name, strlen(name)) < 0)
			return -ENOMEM;
	}
	for (i = 0; i < v->n; i++) {
		uint64_t o = v->s.off + i * v->verlen;
		const char *name = ver_name(e, v, i);

		if (v->visited[i] || !name)
			continue;
		if (im_modelf_add(out, IM_REC_UNDEF, rd(e, o, v->crclen), name,
				  strlen(name)) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* kmod_elf_get_dependency_symbols(): all or nothing, as in kmod. */
static int needed(const struct elf *e, struct im_modelf *out)
{
	struct versions v = { .verlen = 64, .crclen = e->is32 ? 4 : 8 };
	struct symtab t;
	size_t mark = out->len;
	int err;

	if (find_sect(e, "__versions", &v.s) < 0 || v.s.size % v.verlen)
		v.s.size = 0;
	v.n = v.s.size / v.verlen;
	if (get_symtab(e, &t) < 0)
		return note(out, "no usable .symtab/.strtab: dependencies unknown");
	v.visited = calloc(v.n ? v.n : 1, 1);
	if (!v.visited)
		return -ENOMEM;
	err = versions_index(e, &v);
	if (!err)
		err = needed_syms(e, &t, &v, out);
	free(v.visited);
	strmap_free(&v.first);
	if (err == -EINVAL) {
		out->len = mark;
		return note(out, "a .symtab name lies outside .strtab: dependencies unknown");
	}
	return err;
}

int im_modelf_parse(const void *buf, size_t len, struct im_modelf *out)
{
	struct elf e;
	int err;

	err = elf_open(&e, buf, len, out->why, sizeof(out->why));
	if (err < 0) {
		out->err = err;
		return err;
	}
	err = exports(&e, out);
	if (err >= 0)
		err = modinfo(&e, out);
	if (err >= 0)
		err = needed(&e, out);
	if (err < 0) {
		out->err = err;
		snprintf(out->why, sizeof(out->why), "out of memory");
	}
	return err;
}

void im_modelf_free(struct im_modelf *m)
{
	free(m->rec);
	memset(m, 0, sizeof(*m));
}
