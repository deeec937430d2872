/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * index.c - kmod's binary trie index (and the text fallback), read through a
 * read-only mmap with every offset checked against the file size.
 *
 * Format (all integers big-endian u32): magic 0xB007F457, version 0x0002xxxx,
 * root node offset. A node offset's top nibble holds flags (0x80 prefix,
 * 0x40 values, 0x20 children), the low 28 bits the position; 0 = no node.
 * Node body: [prefix NUL] [u8 first, u8 last, u32 child[last-first+1]]
 * [u32 count, count x (u32 priority, value NUL)].
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../base/file.h"
#include "index.h"
#include "../base/names.h"

#define IDX_MAGIC	0xB007F457u
#define IDX_VMAJOR	2u
#define F_PREFIX	0x80000000u
#define F_VALUES	0x40000000u
#define F_CHILDS	0x20000000u
#define OFF_MASK	0x0FFFFFFFu
#define CHILDMAX	128
#define PATTERN_MAX	IM_NAME_MAX

struct node {
	uint32_t off;
	const char *prefix;
	unsigned first, last;		/* first > last: no children */
	const unsigned char *child;
	uint32_t nval;
	const unsigned char *val;
};

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static int corrupt(struct im_index *ix, uint32_t off, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(ix->err, sizeof(ix->err),
		 "%s: corrupt index at offset %u (0x%x): %s", ix->path, off,
		 off, why);
	return -EBADMSG;
}

/* A NUL-terminated string starting at @p inside the map, or NULL. */
static const char *map_str(const struct im_index *ix, const unsigned char *p)
{
	const unsigned char *end = ix->map + ix->size;

	if (p >= end || !memchr(p, '\0', end - p))
		return NULL;
	return (const char *)p;
}

static int read_node(struct im_index *ix, uint32_t ref, struct node *n)
{
	uint32_t off = ref & OFF_MASK;
	const unsigned char *p = ix->map + off, *end = ix->map + ix->size;

	n->off = off;
	/* a node without flags has no bytes: it may sit at the very end */
	if (off < 12 || off > ix->size || (off == ix->size && (ref & ~OFF_MASK)))
		return corrupt(ix, off, "node offset outside the file (size %zu)",
			       ix->size);
	n->prefix = "";
	if (ref & F_PREFIX) {
		n->prefix = map_str(ix, p);
		if (!n->prefix)
			return corrupt(ix, off, "prefix runs past end of file");
		p += strlen(n->prefix) + 1;
	}
	n->first = 1;
	n->last = 0;
	if (ref & F_CHILDS) {
		if (end - p < 2)
			return corrupt(ix, off, "truncated child range");
		n->first = p[0];
		n->last = p[1];
		if (n->first > n->last || n->last >= CHILDMAX)
			return corrupt(ix, off, "bad child range %u..%u",
				       n->first, n->last);
		p += 2;
		n->child = p;
		if ((size_t)(end - p) < 4u * (n->last - n->first + 1))
			return corrupt(ix, off, "truncated child table");
		p += 4u * (n->last - n->first + 1);
	}
	n->nval = 0;
	if (ref & F_VALUES) {
		if (end - p < 4)
			return corrupt(ix, off, "truncated value count");
		n->nval = be32(p);
		p += 4;
		if (n->nval == 0 || n->nval > (size_t)(end - p) / 5)
			return corrupt(ix, off, "value count %u does not fit",
				       n->nval);
		n->val = p;
	}
	return 0;
}

/* Child reference for character @c, 0 when none. */
static uint32_t node_child(const struct node *n, unsigned c)
{
	if (c < n->first || c > n->last)
		return 0;
	return be32(n->child + 4u * (c - n->first));
}

/* Iterate a node's values; *pos starts at n->val. */
static int node_value(struct im_index *ix, const struct node *n,
		      const unsigned char **pos, struct im_value *out)
{
	const unsigned char *p = *pos;

	if (ix->map + ix->size - p < 5)
		return corrupt(ix, n->off, "truncated value");
	out->prio = be32(p);
	out->val = map_str(ix, p + 4);
	if (!out->val)
		return corrupt(ix, n->off, "value runs past end of file");
	*pos = p + 4 + strlen(out->val) + 1;
	return 0;
}

static int open_map(struct im_index *ix, const char *path)
{
	struct stat st;
	void *m;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	if (st.st_size < 12) {
		close(fd);
		snprintf(ix->err, sizeof(ix->err),
			 "%s: truncated index (%lld bytes, header needs 12)",
			 path, (long long)st.st_size);
		return -EBADMSG;
	}
	m = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return -errno;
	ix->map = m;
	ix->size = st.st_size;
	return 0;
}

/* Header checks shared by im_index_open() and im_index_open_mem(). */
static int check_header(struct im_index *ix)
{
	uint32_t magic = be32(ix->map), version = be32(ix->map + 4);

	ix->root = be32(ix->map + 8);
	if (magic != IDX_MAGIC)
		return corrupt(ix, 0, "bad magic 0x%08x (want 0x%08x)", magic,
			       IDX_MAGIC);
	if (version >> 16 != IDX_VMAJOR)
		return corrupt(ix, 4, "unsupported version %u.%u",
			       version >> 16, version & 0xffff);
	return 0;
}

int im_index_open(struct im_index *ix, const char *path)
{
	int err;

	memset(ix, 0, sizeof(*ix));
	ix->path = strdup(path);
	if (!ix->path)
		return -ENOMEM;
	err = open_map(ix, path);
	if (!err)
		err = check_header(ix);
	if (err)
		im_index_close(ix);
	return err;
}

int im_index_open_mem(struct im_index *ix, const void *buf, size_t len,
		      const char *name)
{
	int err = 0;

	memset(ix, 0, sizeof(*ix));
	ix->path = strdup(name);
	if (!ix->path)
		return -ENOMEM;
	ix->borrowed = 1;
	if (len < 12) {
		snprintf(ix->err, sizeof(ix->err),
			 "%s: truncated index (%zu bytes, header needs 12)",
			 name, len);
		err = -EBADMSG;
	} else {
		ix->map = buf;
		ix->size = len;
		err = check_header(ix);
	}
	if (err)
		im_index_close(ix);
	return err;
}

void im_index_close(struct im_index *ix)
{
	if (ix->map && !ix->borrowed)
		munmap((void *)ix->map, ix->size);
	free(ix->path);
	free(ix->text);
	free(ix->ents);
	free(ix->keys);
	ix->keys = NULL;
	ix->map = NULL;
	ix->path = NULL;
	ix->text = NULL;
	ix->ents = NULL;
	ix->nents = 0;
	ix->size = 0;
}

void im_values_free(struct im_values *v)
{
	free(v->v);
	v->v = NULL;
	v->n = v->cap = 0;
}

/* kmod's add_value(): after every lower priority, before equal ones. */
static int values_add(struct im_values *out, uint32_t prio, const char *val)
{
	size_t i;

	if (out->n == out->cap) {
		size_t cap = out->cap ? 2 * out->cap : 8;
		struct im_value *nv = realloc(out->v, cap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		out->v = nv;
		out->cap = cap;
	}
	for (i = 0; i < out->n && out->v[i].prio < prio; i++)
		;
	memmove(&out->v[i + 1], &out->v[i], (out->n - i) * sizeof(*out->v));
	out->v[i].prio = prio;
	out->v[i].val = val;
	out->n++;
	return 0;
}

/* ---- text fallback ---- */

static int ent_cmp(const void *a, const void *b)
{
	const struct im_text_ent *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c)
		return c;
	return x->prio < y->prio ? -1 : x->prio > y->prio;
}

static int text_lookup(struct im_index *ix, const char *key, const char **val)
{
	size_t lo = 0, hi = ix->nents;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(ix->ents[mid].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ix->nents && strcmp(ix->ents[lo].key, key) == 0) {
		*val = ix->ents[lo].val;
		return 1;
	}
	return 0;
}

static int text_lookup_wild(struct im_index *ix, const char *key,
			    struct im_values *out)
{
	size_t i;
	int n = 0;

	for (i = 0; i < ix->nents; i++) {
		const struct im_text_ent *e = &ix->ents[i];

		if (fnmatch(e->key, key, 0) != 0)
			continue;
		if (values_add(out, e->prio, e->val) < 0)
			return -ENOMEM;
		n++;
	}
	return n;
}

/* Split one text line into key and value for @kind; 0 = skip the line. */
static int text_parse_line(char *line, enum im_text_kind kind,
			   struct im_text_ent *e, char *namebuf)
{
	char *sp, *colon;

	switch (kind) {
	case IM_TEXT_DEP:
		colon = strchr(line, ':');
		if (!colon || colon == line)
			return 0;
		*colon = '\0';
		if (path_to_modname(line, namebuf) < 0)
			return 0;
		*colon = ':';
		e->val = line;
		return 1;
	case IM_TEXT_ALIAS:
		if (strncmp(line, "alias ", 6) != 0)
			return 0;
		line += 6;
		sp = strchr(line, ' ');
		if (!sp || !sp[1])
			return 0;
		*sp = '\0';
		if (underscores(line) < 0)	/* depmod normalises .bin keys */
			return 0;
		e->key = line;
		e->val = sp + 1;
		return 2;
	case IM_TEXT_MODINFO:
		sp = strchr(line, '.');
		if (!sp || strncmp(sp + 1, "alias=", 6) != 0 || !sp[7])
			return 0;
		*sp = '\0';
		if (underscores(sp + 7) < 0)
			return 0;
		e->key = sp + 7;
		e->val = line;
		return 2;
	case IM_TEXT_BUILTIN:
		if (!*line || path_to_modname(line, namebuf) < 0)
			return 0;
		e->val = "";
		return 1;
	}
	return 0;
}

/*
 * Module-name keys of dep and builtin lines are derived (basename, then
 * normalised); they go into ix->keys, sized for the whole file up front so
 * the pointers stay valid.
 */
static int parse_text(struct im_index *ix, size_t len, enum im_text_kind kind)
{
	size_t cap = 0, keyoff = 0;
	char *line, *next;
	char name[IM_NAME_MAX];

	ix->keys = malloc(len + 1);
	if (!ix->keys)
		return -ENOMEM;
	for (line = ix->text; line < ix->text + len; line = next) {
		struct im_text_ent e;
		int r;

		/* a NUL ends a line too, so a corrupt file cannot stall us */
		next = line + strlen(line);
		if (kind != IM_TEXT_MODINFO) {
			char *nl = memchr(line, '\n', next - line);

			if (nl) {
				*nl = '\0';
				next = nl;
			}
		}
		next++;
		r = text_parse_line(line, kind, &e, name);
		if (!r)
			continue;
		if (r == 1) {
			size_t nl = strlen(name) + 1;

			e.key = memcpy(ix->keys + keyoff, name, nl);
			keyoff += nl;
		}
		if (ix->nents == cap) {
			struct im_text_ent *ne;

			cap = cap ? 2 * cap : 1024;
			ne = realloc(ix->ents, cap * sizeof(*ne));
			if (!ne)
				return -ENOMEM;
			ix->ents = ne;
		}
		e.prio = (uint32_t)ix->nents;
		ix->ents[ix->nents++] = e;
	}
	if (ix->nents)	/* qsort(NULL, 0, …) is undefined */
		qsort(ix->ents, ix->nents, sizeof(*ix->ents), ent_cmp);
	return 0;
}

int im_index_open_text(struct im_index *ix, const char *path,
		       enum im_text_kind kind)
{
	size_t len;
	char *buf;
	int err = im_read_file(path, IM_READ_ALL, &buf, &len);

	if (err) {
		free(buf);
		return err;
	}
	return im_index_open_text_buf(ix, buf, len, kind, path);
}

int im_index_open_text_buf(struct im_index *ix, char *buf, size_t len,
			   enum im_text_kind kind, const char *name)
{
	int err;

	memset(ix, 0, sizeof(*ix));
	ix->text = buf;
	ix->path = strdup(name);
	err = ix->path ? parse_text(ix, len, kind) : -ENOMEM;
	if (err)
		im_index_close(ix);
	return err;
}

/* ---- binary lookups ---- */

int im_index_lookup(struct im_index *ix, const char *key, const char **val)
{
	uint32_t ref = ix->root;
	size_t i = 0;

	if (ix->text)
		return text_lookup(ix, key, val);
	while (ref & OFF_MASK) {
		struct node n;
		struct im_value v;
		const unsigned char *pos;
		size_t j;

		if (read_node(ix, ref, &n) < 0)
			return -EBADMSG;
		for (j = 0; n.prefix[j]; j++)
			if (n.prefix[j] != key[i + j])
				return 0;
		i += j;
		if (key[i] == '\0') {
			if (!n.nval)
				return 0;
			pos = n.val;
			if (node_value(ix, &n, &pos, &v) < 0)
				return -EBADMSG;
			*val = v.val;
			return 1;
		}
		ref = node_child(&n, (unsigned char)key[i]);
		i++;
	}
	return 0;
}

/* State of one wildcard search: pattern being rebuilt, work budget. */
struct wild {
	struct im_index *ix;
	struct im_values *out;
	char pat[PATTERN_MAX];
	size_t plen;
	size_t budget;		/* nodes we may still visit: linear in size */
	int added;
};

static int wild_push(struct wild *w, uint32_t off, const char *s, size_t n)
{
	if (w->plen + n >= sizeof(w->pat))
		return corrupt(w->ix, off, "pattern deeper than %d characters",
			       PATTERN_MAX);
	memcpy(w->pat + w->plen, s, n);
	w->plen += n;
	w->pat[w->plen] = '\0';
	return 0;
}

static int wild_node(struct wild *w, uint32_t ref, struct node *n)
{
	if (w->budget-- == 0)
		return corrupt(w->ix, ref & OFF_MASK,
			       "node graph has a loop or shared nodes");
	return read_node(w->ix, ref, n);
}

static int wild_allvalues(struct wild *w, const struct node *n)
{
	const unsigned char *pos = n->val;
	uint32_t k;

	for (k = 0; k < n->nval; k++) {
		struct im_value v;

		if (node_value(w->ix, n, &pos, &v) < 0)
			return -EBADMSG;
		if (values_add(w->out, v.prio, v.val) < 0)
			return -ENOMEM;
		w->added++;
	}
	return 0;
}

/* kmod's level 3: every key below @n (prefix from @j on) is a pattern. */
static int wild_all(struct wild *w, const struct node *n, size_t j,
		    const char *subkey)
{
	size_t saved = w->plen;
	unsigned c;
	int err;

	err = wild_push(w, n->off, n->prefix + j, strlen(n->prefix + j));
	for (c = n->first; !err && c <= n->last; c++) {
		uint32_t ref = node_child(n, c);
		struct node child;
		char ch = (char)c;
		size_t before = w->plen;

		if (!(ref & OFF_MASK))
			continue;
		err = wild_node(w, ref, &child);
		if (!err)
			err = wild_push(w, child.off, &ch, 1);
		if (!err)
			err = wild_all(w, &child, 0, subkey);
		w->plen = before;
		w->pat[before] = '\0';
	}
	if (!err && n->nval && fnmatch(w->pat, subkey, 0) == 0)
		err = wild_allvalues(w, n);
	w->plen = saved;
	w->pat[saved] = '\0';
	return err;
}

static int wild_special_child(struct wild *w, const struct node *n, char c,
			      const char *subkey)
{
	uint32_t ref = node_child(n, (unsigned char)c);
	struct node child;
	int err;

	if (!(ref & OFF_MASK))
		return 0;
	err = wild_node(w, ref, &child);
	if (err)
		return err;
	w->pat[0] = c;
	w->pat[1] = '\0';
	w->plen = 1;
	err = wild_all(w, &child, 0, subkey);
	w->plen = 0;
	w->pat[0] = '\0';
	return err;
}

/* kmod's level 2: descend along @key until the index holds a wildcard. */
static int wild_descend(struct wild *w, const char *key)
{
	uint32_t ref = w->ix->root;
	size_t i = 0;
	int err;

	while (ref & OFF_MASK) {
		struct node n;
		size_t j;

		err = wild_node(w, ref, &n);
		if (err)
			return err;
		for (j = 0; n.prefix[j]; j++) {
			char ch = n.prefix[j];

			if (ch == '*' || ch == '?' || ch == '[')
				return wild_all(w, &n, j, key + i + j);
			if (ch != key[i + j])
				return 0;
		}
		i += j;
		err = wild_special_child(w, &n, '*', key + i);
		if (!err)
			err = wild_special_child(w, &n, '?', key + i);
		if (!err)
			err = wild_special_child(w, &n, '[', key + i);
		if (err)
			return err;
		if (key[i] == '\0')
			return n.nval ? wild_allvalues(w, &n) : 0;
		ref = node_child(&n, (unsigned char)key[i]);
		i++;
	}
	return 0;
}

int im_index_lookup_wild(struct im_index *ix, const char *key,
			 struct im_values *out)
{
	struct wild *w;
	int err;

	if (ix->text)
		return text_lookup_wild(ix, key, out);
	w = malloc(sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->ix = ix;
	w->out = out;
	w->plen = 0;
	w->pat[0] = '\0';
	w->budget = ix->size + 1;
	w->added = 0;
	err = wild_descend(w, key);
	if (!err)
		err = w->added;
	free(w);
	return err;
}

/* ---- walk (tests, image builder) ---- */

struct walk {
	struct im_index *ix;
	im_index_walk_fn fn;
	void *arg;
	char key[PATTERN_MAX];
	size_t budget;
};

static int walk_node(struct walk *w, uint32_t ref, size_t len)
{
	struct node n;
	size_t plen;
	unsigned c;
	int err;

	if (w->budget-- == 0)
		return corrupt(w->ix, ref & OFF_MASK,
			       "node graph has a loop or shared nodes");
	err = read_node(w->ix, ref, &n);
	if (err)
		return err;
	plen = strlen(n.prefix);
	if (len + plen + 2 >= sizeof(w->key))
		return corrupt(w->ix, n.off, "key longer than %d characters",
			       PATTERN_MAX);
	memcpy(w->key + len, n.prefix, plen);
	len += plen;
	w->key[len] = '\0';
	if (n.nval) {
		const unsigned char *pos = n.val;
		struct im_value v;

		if (node_value(w->ix, &n, &pos, &v) < 0)
			return -EBADMSG;
		err = w->fn(w->key, v.val, w->arg);
		if (err)
			return err;
	}
	for (c = n.first; c <= n.last; c++) {
		uint32_t child = node_child(&n, c);

		if (!(child & OFF_MASK))
			continue;
		w->key[len] = (char)c;
		err = walk_node(w, child, len + 1);
		if (err)
			return err;
	}
	return 0;
}

int im_index_walk(struct im_index *ix, im_index_walk_fn fn, void *arg)
{
	struct walk *w;
	size_t i;
	int err = 0;

	if (ix->text) {
		for (i = 0; i < ix->nents && !err; i++)
			if (i == 0 || strcmp(ix->ents[i].key, ix->ents[i - 1].key))
				err = fn(ix->ents[i].key, ix->ents[i].val, arg);
		return err;
	}
	if (!(ix->root & OFF_MASK))
		return 0;
	w = malloc(sizeof(*w));
	if (!w)
		return -ENOMEM;
	w->ix = ix;
	w->fn = fn;
	w->arg = arg;
	w->budget = ix->size + 1;
	err = walk_node(w, ix->root, 0);
	free(w);
	return err;
}
