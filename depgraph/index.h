/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * index.h - read-only access to kmod's index files (modules.dep.bin,
 * modules.alias.bin, modules.symbols.bin, modules.builtin.bin,
 * modules.builtin.alias.bin) and to their text twins when a .bin is missing.
 *
 * Every read is bounds-checked: a corrupt or truncated file makes a lookup
 * fail with -EBADMSG and leaves a message naming the file and the offset in
 * ix->err; it never crashes and never takes more than linear time.
 */
#ifndef INITMOD_INDEX_H
#define INITMOD_INDEX_H

#include <stddef.h>
#include <stdint.h>

enum im_text_kind {
	IM_TEXT_DEP,		/* "path: dep dep", key = module name of path */
	IM_TEXT_ALIAS,		/* "alias PATTERN MODULE" (modules.alias, .symbols) */
	IM_TEXT_BUILTIN,	/* "kernel/…/name.ko", key = module name */
	IM_TEXT_MODINFO,	/* modules.builtin.modinfo: "mod.alias=A" -> A: mod */
};

struct im_text_ent {
	const char *key;
	const char *val;
	uint32_t prio;
};

struct im_index {
	char *path;			/* file actually opened, for messages */
	const unsigned char *map;	/* binary: the mmapped file */
	int borrowed;			/* map is the caller's (open_mem) */
	size_t size;
	uint32_t root;
	char *text;			/* text fallback: the file's bytes */
	char *keys;			/* text fallback: derived keys */
	struct im_text_ent *ents;	/* text fallback: sorted by key, then prio */
	size_t nents;
	char err[512];			/* last corruption found, "" when none */
};

struct im_value {
	uint32_t prio;
	const char *val;
};

struct im_values {
	struct im_value *v;
	size_t n, cap;
};

/* 0 on success; -ENOENT when absent; -EBADMSG (message in ix->err) when bad. */
int im_index_open(struct im_index *ix, const char *path);
/* A binary index already in memory (kept by the caller until close). */
int im_index_open_mem(struct im_index *ix, const void *buf, size_t len,
		      const char *name);
int im_index_open_text(struct im_index *ix, const char *path,
		       enum im_text_kind kind);
/* The text twin already in memory: @buf (malloc'ed, NUL at @len) is taken
 * over, freed on failure too. */
int im_index_open_text_buf(struct im_index *ix, char *buf, size_t len,
			   enum im_text_kind kind, const char *name);
void im_index_close(struct im_index *ix);
static inline int im_index_ok(const struct im_index *ix)
{
	return ix->map != NULL || ix->text != NULL;
}

/* Exact lookup, first value: 1 found (*val set), 0 absent, -EBADMSG corrupt. */
int im_index_lookup(struct im_index *ix, const char *key, const char **val);
/*
 * kmod's wildcard lookup: keys stored in the index may be fnmatch patterns;
 * every value whose pattern matches @key is appended to @out in kmod's order
 * (ascending priority, later finds first among equals). Returns the number
 * of values added, -EBADMSG when corrupt, -ENOMEM.
 */
int im_index_lookup_wild(struct im_index *ix, const char *key,
			 struct im_values *out);
void im_values_free(struct im_values *v);

/* Walk every (key, first value) of a binary or text index, in key order. */
typedef int (*im_index_walk_fn)(const char *key, const char *val, void *arg);
int im_index_walk(struct im_index *ix, im_index_walk_fn fn, void *arg);

#endif
