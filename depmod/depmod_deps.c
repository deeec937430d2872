/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * depmod_deps.c - symbols to dependencies, as kmod 30's depmod: the kernel's
 * symbols (-E Module.symvers or -F System.map, owner-less), every module's
 * exports (a later module in the order takes a symbol over), each needed
 * symbol resolved to its owner (-e: unknown ones said), then the
 * topological order that sorts every dependency list, or the cycles, in
 * kmod's words, and the run fails as kmod's does.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../base/file.h"
#include "depmod_deps.h"
#include "kmod_hash.h"

static int sym_add(struct dm *d, const char *name, int prefix_skipped,
		   uint64_t crc, struct dm_mod *owner)
{
	struct dm_sym *s;

	if (!prefix_skipped && name[0] == d->o->sym_prefix)
		name++;
	s = strmap_get(&d->syms, name);
	if (!s) {
		s = arena_alloc(&d->a, sizeof(*s));
		if (!s || !(s->name = arena_strndup(&d->a, name, strlen(name))) ||
		    strmap_put(&d->syms, s->name, s) < 0)
			return -ENOMEM;
		s->bucket = dm_kmod_hash(s->name) & 2047;	/* kmod's 2048 */
	}
	s->owner = owner;	/* kmod's hash_add() replaces */
	s->crc = crc;
	return 0;
}

static struct dm_sym *sym_find(const struct dm *d, const char *name)
{
	if (name[0] == '.')	/* PPC64: .foo == foo */
		name++;
	if (name[0] == d->o->sym_prefix)
		name++;
	return strmap_get(&d->syms, name);
}

static int fake_syms(struct dm *d)
{
	int err = sym_add(d, "__this_module", 1, 0, NULL);

	if (!err)
		err = sym_add(d, "_GLOBAL_OFFSET_TABLE_", 1, 0, NULL);
	if (!err && !sym_find(d, "TOC."))
		err = sym_add(d, "TOC.", 1, 0, NULL);
	return err;
}

/* "0xb352177e\tfind_first_bit\tvmlinux\tEXPORT_SYMBOL" */
static int symvers_line(struct dm *d, char *line, const char *file,
			unsigned lineno)
{
	char *sp, *ver = strtok_r(line, " \t", &sp), *sym, *where, *end;
	uint64_t crc;

	sym = strtok_r(NULL, " \t", &sp);
	where = strtok_r(NULL, " \t", &sp);
	if (!ver || !sym || !where || strcmp(where, "vmlinux") != 0)
		return 0;
	crc = strtoull(ver, &end, 16);
	if (*end) {
		msg_err(d->m, "%s:%u Invalid symbol version %s", file, lineno, ver);
		return 0;
	}
	return sym_add(d, sym, 0, crc, NULL);
}

/* "c0294200 R __ksymtab_devfs_alloc_devnum" */
static int sysmap_line(struct dm *d, char *line, const char *file,
		       unsigned lineno)
{
	char *p = strchr(line, ' ');

	if (p)
		p = strchr(p + 1, ' ');
	if (!p) {
		msg_err(d->m, "%s:%u: invalid line: %s", file, lineno, line);
		return 0;
	}
	p++;
	if (p[0] == d->o->sym_prefix)
		p++;
	if (strncmp(p, "__ksymtab_", 10) != 0)
		return 0;
	return sym_add(d, p + 10, 1, 0, NULL);
}

int dm_load_symfile(struct dm *d)
{
	const char *f = d->o->symvers ? d->o->symvers : d->o->system_map;
	char *buf, *p, *nl;
	unsigned lineno = 0;
	size_t len;
	int err;

	if (!f)
		return 0;
	err = im_read_file(f, IM_READ_ALL, &buf, &len);
	if (err) {
		msg_err(d->m, "could not load %s: %s", f, strerror(-err));
		free(buf);
		return -EINVAL;
	}
	for (p = buf; !err && p < buf + len; p = nl + 1) {
		nl = memchr(p, '\n', buf + len - p);
		if (!nl)
			nl = buf + len;
		*nl = '\0';
		lineno++;
		err = d->o->symvers ? symvers_line(d, p, f, lineno) :
				      sysmap_line(d, p, f, lineno);
	}
	free(buf);
	return err ? err : fake_syms(d);
}

static int add_dep(struct dm *d, struct dm_mod *mod, struct dm_sym *sym)
{
	size_t i;

	if (!sym->owner)
		return 0;
	for (i = 0; i < mod->ndeps; i++)
		if (mod->deps[i] == sym->owner)
			return 0;
	if (VEC_PUSH(mod->deps, mod->ndeps, mod->capdeps, sym->owner) < 0)
		return -ENOMEM;
	sym->owner->users++;
	if (d->o->show)
		printf("%s needs \"%s\": %s\n", mod->path, sym->name, sym->owner->path);
	return 0;
}

static int mod_deps(struct dm *d, struct dm_mod *mod)
{
	const unsigned char *p = mod->elf.rec, *end = im_rec_end(&mod->elf);
	struct im_rec r;
	int err = 0;

	while (!err && (p = im_rec_next(p, end, &r))) {
		struct dm_sym *sym;
		int weak = r.type == IM_REC_WEAK;

		if (r.type != IM_REC_UNDEF && !weak)
			continue;
		sym = sym_find(d, r.s);
		if (!sym) {
			if (d->o->print_unknown && !weak)
				msg_warn(d->m, "%s needs unknown symbol %s", mod->path, r.s);
			continue;
		}
		if (d->o->check_symvers && sym->crc != r.crc && !weak &&
		    d->o->print_unknown)
			msg_warn(d->m, "%s disagrees about version of symbol %s",
				 mod->path, r.s);
		err = add_dep(d, mod, sym);
	}
	return err;
}

/* kmod's cycle report: a depth-first walk from each module still used. */
struct vtx {
	struct vtx *parent;
	struct dm_mod *mod;
};

struct roots {
	struct dm_mod **v;
	size_t n, cap;
};

static void roots_remove(struct roots *r, struct dm_mod *m)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->v[i] == m) {
			memmove(r->v + i, r->v + i + 1, (r->n - i - 1) * sizeof(*r->v));
			r->n--;
			return;
		}
}

static int one_cycle(struct dm *d, struct vtx *v, struct roots *r,
		     struct strmap *loop)
{
	struct im_buf b = { 0 };
	struct vtx *x, **rev = NULL;
	size_t n = 0, cap = 0, i;

	for (x = v->parent; x; x = x->parent) {
		if (VEC_PUSH(rev, n, cap, x) < 0 ||
		    strmap_put(loop, x->mod->name, x) < 0) {
			free(rev);
			return -ENOMEM;
		}
	}
	for (i = n; i-- > 0;) {
		im_buf_printf(&b, "%s -> ", rev[i]->mod->name);
		roots_remove(r, rev[i]->mod);
	}
	im_buf_printf(&b, "%s", v->mod->name);
	im_buf_put(&b, "", 1);
	if (!b.oom)
		msg_err(d->m, "Cycle detected: %s", (char *)b.p);
	im_buf_free(&b);
	free(rev);
	return 0;
}

static int cycles_from(struct dm *d, struct dm_mod *root, struct roots *r,
		       struct strmap *loop, struct arena *a)
{
	struct vtx **stack = NULL, *v;
	size_t n = 0, cap = 0, i;
	int err = 0;

	v = arena_alloc(a, sizeof(*v));
	if (!v || VEC_PUSH(stack, n, cap, v) < 0)
		return -ENOMEM;
	v->mod = root;
	while (!err && n > 0) {
		struct dm_mod *m;

		v = stack[--n];
		m = v->mod;
		if (m->visited && m == root) {
			err = one_cycle(d, v, r, loop);
			continue;
		}
		m->visited = 1;
		if (m->ndeps == 0) {
			roots_remove(r, m);
			continue;
		}
		for (i = 0; !err && i < m->ndeps; i++) {
			struct vtx *w = arena_alloc(a, sizeof(*w));

			if (!w || VEC_PUSH(stack, n, cap, w) < 0) {
				err = -ENOMEM;
				break;
			}
			w->mod = m->deps[i];
			w->parent = v;
		}
	}
	free(stack);
	return err;
}

static int report_cycles(struct dm *d, const unsigned *users)
{
	struct roots r = { 0 };
	struct strmap loop = { 0 };
	struct arena a = { 0 };
	size_t i;
	int err = 0;

	for (i = 0; i < d->n && !err; i++)
		if (users[i] > 0)
			err = VEC_PUSH(r.v, r.n, r.cap, d->mods[i]);
	while (!err && r.n > 0) {
		struct dm_mod *root = r.v[0];

		roots_remove(&r, root);
		err = cycles_from(d, root, &r, &loop, &a);
	}
	if (!err)
		msg_err(d->m, "Found %zu modules in dependency cycles!", loop.n);
	free(r.v);
	strmap_free(&loop);
	arena_free(&a);
	return err;
}

static int dep_cmp(const void *a, const void *b)
{
	const struct dm_mod *x = *(struct dm_mod *const *)a;
	const struct dm_mod *y = *(struct dm_mod *const *)b;

	return (x->dep_sort_idx > y->dep_sort_idx) - (x->dep_sort_idx < y->dep_sort_idx);
}

/* kmod's depmod_calculate_dependencies(): users first (a stack of roots). */
static int topo_sort(struct dm *d)
{
	unsigned *users = calloc(d->n * 2 + 1, sizeof(unsigned)), *roots;
	size_t i, nroots = 0, nsorted = 0;
	int err = 0;

	if (!users)
		return -ENOMEM;
	roots = users + d->n;
	for (i = 0; i < d->n; i++) {
		users[i] = d->mods[i]->users;
		if (!users[i])
			roots[nroots++] = (unsigned)i;
	}
	while (nroots > 0) {
		struct dm_mod *src = d->mods[roots[--nroots]];

		src->dep_sort_idx = (int)nsorted++;
		for (i = 0; i < src->ndeps; i++) {
			unsigned di = src->deps[i]->idx;

			if (--users[di] == 0)
				roots[nroots++] = di;
		}
	}
	if (nsorted < d->n) {
		err = report_cycles(d, users);
		free(users);
		return err < 0 ? err : -EINVAL;
	}
	for (i = 0; i < d->n; i++)
		if (d->mods[i]->ndeps > 1)
			qsort(d->mods[i]->deps, d->mods[i]->ndeps,
			      sizeof(*d->mods[i]->deps), dep_cmp);
	free(users);
	return 0;
}

int dm_resolve(struct dm *d)
{
	size_t i;
	int err = 0;

	for (i = 0; !err && i < d->n; i++) {
		struct dm_mod *mod = d->mods[i];
		const unsigned char *p = mod->elf.rec, *end = im_rec_end(&mod->elf);
		struct im_rec r;

		while (!err && (p = im_rec_next(p, end, &r)) &&
		       r.type == IM_REC_EXPORT)	/* exports come first */
			err = sym_add(d, r.s, 0, r.crc, mod);
	}
	for (i = 0; !err && i < d->n; i++)
		err = mod_deps(d, d->mods[i]);
	return err ? err : topo_sort(d);
}

static int collect(struct dm *d, struct dm_mod *mod, struct dm_mod ***v,
		   size_t *n, size_t *cap)
{
	size_t i;

	for (i = 0; i < mod->ndeps; i++) {
		struct dm_mod *x = mod->deps[i];

		if (x->mark == d->gen)
			continue;
		x->mark = d->gen;
		if (VEC_PUSH(*v, *n, *cap, x) < 0 || collect(d, x, v, n, cap) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* Every module @mod needs, directly or not, in dependency order. */
struct dm_mod **dm_all_deps(struct dm *d, struct dm_mod *mod, size_t *n)
{
	struct dm_mod **v = NULL;
	size_t cap = 0;

	*n = 0;
	if (++d->gen == 0)
		d->gen = 1;
	if (collect(d, mod, &v, n, &cap) < 0) {
		free(v);
		*n = (size_t)-1;
		return NULL;
	}
	qsort(v, *n, sizeof(*v), dep_cmp);
	return v;
}
