/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * idxwrite.c - a test-only writer for kmod's binary trie: entries sorted by
 * key, nodes written post-order (the root last, as older depmods did), so
 * the reader's "follow offsets, not file order" rule is exercised too.
 */
#include <stdlib.h>
#include <string.h>

#include "idxwrite.h"

struct out {
	unsigned char *b;
	size_t n, cap;
};

static void put(struct out *o, const void *p, size_t n)
{
	while (o->n + n > o->cap) {
		o->cap = o->cap ? o->cap * 2 : 4096;
		o->b = realloc(o->b, o->cap);
	}
	memcpy(o->b + o->n, p, n);
	o->n += n;
}

static void put32(struct out *o, uint32_t v)
{
	unsigned char b[4] = { v >> 24, v >> 16, v >> 8, v };

	put(o, b, 4);
}

static int cmp(const void *a, const void *b)
{
	const struct iw_ent *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : (x->prio > y->prio) - (x->prio < y->prio);
}

/* Write the node for entries [lo, hi) that share key[0..d); return its ref. */
static uint32_t node(struct out *o, const struct iw_ent *e, size_t lo,
		     size_t hi, size_t d)
{
	size_t plen = 0, i, nval = 0;
	uint32_t child[128] = { 0 }, ref;
	int first = -1, last = -1;

	/* longest common prefix beyond d */
	for (;;) {
		char c = e[lo].key[d + plen];

		if (!c)
			break;
		for (i = lo; i < hi && e[i].key[d + plen] == c; i++)
			;
		if (i < hi)
			break;
		plen++;
	}
	d += plen;
	for (i = lo; i < hi && !e[i].key[d]; i++)
		nval++;
	while (i < hi) {
		unsigned char c = e[i].key[d];
		size_t j = i;

		while (j < hi && (unsigned char)e[j].key[d] == c)
			j++;
		child[c] = node(o, e, i, j, d + 1);
		if (first < 0)
			first = c;
		last = c;
		i = j;
	}
	ref = (uint32_t)o->n;
	if (plen) {
		put(o, e[lo].key + d - plen, plen);
		put(o, "", 1);
		ref |= 0x80000000u;
	}
	if (first >= 0) {
		unsigned char fl[2] = { first, last };

		put(o, fl, 2);
		for (i = first; i <= (size_t)last; i++)
			put32(o, child[i]);
		ref |= 0x20000000u;
	}
	if (nval) {
		put32(o, nval);
		for (i = lo; i < lo + nval; i++) {
			put32(o, e[i].prio);
			put(o, e[i].val, strlen(e[i].val) + 1);
		}
		ref |= 0x40000000u;
	}
	return ref;
}

unsigned char *iw_build(const struct iw_ent *ents, size_t n, size_t *len)
{
	struct iw_ent *e = malloc((n ? n : 1) * sizeof(*e));
	struct out o = { 0 };
	uint32_t root = 0;

	memcpy(e, ents, n * sizeof(*e));
	qsort(e, n, sizeof(*e), cmp);
	put32(&o, 0xB007F457u);
	put32(&o, 0x00020001u);
	put32(&o, 0);
	if (n)
		root = node(&o, e, 0, n, 0);
	o.b[8] = root >> 24;
	o.b[9] = root >> 16;
	o.b[10] = root >> 8;
	o.b[11] = root;
	free(e);
	*len = o.n;
	return o.b;
}
