/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * index_write.c - kmod's trie writer, from a sorted entry array instead of
 * kmod's 128-pointer nodes: the trie is canonical (a node where keys
 * branch or end, the root's prefix always empty), so recursion over the
 * sorted range [lo, hi) of the keys sharing a prefix writes the same bytes.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index_write.h"

#define IDX_MAGIC 0xB007F457u
#define IDX_VERSION 0x00020001u
#define F_PREFIX 0x80000000u
#define F_VALUES 0x40000000u
#define F_CHILDS 0x20000000u

void im_buf_put(struct im_buf *b, const void *p, size_t n)
{
	if (b->oom || n == 0)
		return;
	if (b->len + n > b->cap) {
		size_t ncap = b->cap ? b->cap : 4096;
		unsigned char *np;

		while (ncap < b->len + n)
			ncap *= 2;
		np = realloc(b->p, ncap);
		if (!np) {
			b->oom = 1;
			return;
		}
		b->p = np;
		b->cap = ncap;
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

void im_buf_printf(struct im_buf *b, const char *fmt, ...)
{
	char small[512], *big = NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = 1;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		im_buf_put(b, small, n);
		return;
	}
	big = malloc(n + 1);
	if (!big) {
		b->oom = 1;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, n + 1, fmt, ap);
	va_end(ap);
	im_buf_put(b, big, n);
	free(big);
}

void im_buf_free(struct im_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

static int ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

int im_iw_add(struct im_iw *w, const char *key, const char *val, uint32_t prio)
{
	struct im_iw_ent e = { .prio = prio, .seq = (uint32_t)w->n };

	if (!ascii(key) || !ascii(val))
		return -EINVAL;
	e.key = arena_strndup(&w->a, key, strlen(key));
	e.val = arena_strndup(&w->a, val, strlen(val));
	if (!e.key || !e.val)
		return -ENOMEM;
	return VEC_PUSH(w->e, w->n, w->cap, e);
}

/* keys ascending; values: priority ascending, later insert first */
static int ent_cmp(const void *a, const void *b)
{
	const struct im_iw_ent *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c)
		return c;
	if (x->prio != y->prio)
		return x->prio < y->prio ? -1 : 1;
	return x->seq < y->seq ? 1 : x->seq > y->seq ? -1 : 0;
}

static void put32(struct im_buf *b, uint32_t v)
{
	unsigned char c[4] = { v >> 24, v >> 16, v >> 8, v };

	im_buf_put(b, c, 4);
}

/* The node of e[lo, hi) (keys equal up to @d); returns its offset word. */
static uint32_t node(const struct im_iw_ent *e, size_t lo, size_t hi,
		     size_t d, int root, struct im_buf *b)
{
	uint32_t child[128] = { 0 }, off;
	size_t plen = 0, pos, v, i;
	int first = 128, last = -1, c;

	if (!root)	/* sorted: the range's common prefix is its ends' */
		while (e[lo].key[d + plen] &&
		       e[lo].key[d + plen] == e[hi - 1].key[d + plen])
			plen++;
	pos = d + plen;
	for (v = lo; v < hi && !e[v].key[pos]; v++)
		;
	for (i = v; i < hi; ) {
		size_t j = i;

		c = (unsigned char)e[i].key[pos];
		while (j < hi && (unsigned char)e[j].key[pos] == c)
			j++;
		child[c] = node(e, i, j, pos + 1, 0, b);
		if (c < first)
			first = c;
		last = c;
		i = j;
	}
	off = (uint32_t)b->len;
	if (plen) {
		im_buf_put(b, e[lo].key + d, plen);
		im_buf_put(b, "", 1);
		off |= F_PREFIX;
	}
	if (last >= 0) {
		unsigned char fl[2] = { (unsigned char)first, (unsigned char)last };

		im_buf_put(b, fl, 2);
		for (c = first; c <= last; c++)
			put32(b, child[c]);
		off |= F_CHILDS;
	}
	if (v > lo) {
		put32(b, (uint32_t)(v - lo));
		for (i = lo; i < v; i++) {
			put32(b, e[i].prio);
			im_buf_put(b, e[i].val, strlen(e[i].val) + 1);
		}
		off |= F_VALUES;
	}
	return off;
}

int im_iw_write(struct im_iw *w, struct im_buf *out)
{
	uint32_t root;

	qsort(w->e, w->n, sizeof(*w->e), ent_cmp);
	put32(out, IDX_MAGIC);
	put32(out, IDX_VERSION);
	put32(out, 0);
	if (w->n) {
		root = node(w->e, 0, w->n, 0, 1, out);
	} else {
		root = (uint32_t)out->len;
	}
	if (out->oom)
		return -ENOMEM;
	out->p[8] = root >> 24;
	out->p[9] = root >> 16;
	out->p[10] = root >> 8;
	out->p[11] = root;
	return 0;
}

void im_iw_free(struct im_iw *w)
{
	free(w->e);
	arena_free(&w->a);
	memset(w, 0, sizeof(*w));
}
