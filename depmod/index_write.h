/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * index_write.h - kmod's binary index (the trie modules.*.bin hold) built
 * from (key, value, priority) entries, byte for byte as kmod's depmod
 * writes it: nodes post-order, children by character, a node's values by
 * ascending priority, the later insert first among equal priorities.
 */
#ifndef INITMOD_INDEX_WRITE_H
#define INITMOD_INDEX_WRITE_H

#include <stddef.h>
#include <stdint.h>

#include "../base/util.h"

struct im_iw_ent {
	const char *key, *val;
	uint32_t prio, seq;
};

struct im_iw {
	struct im_iw_ent *e;
	size_t n, cap;
	struct arena a;
};

/* A growable byte buffer (the image of one output file). */
struct im_buf {
	unsigned char *p;
	size_t len, cap;
	int oom;		/* an append failed: the image is incomplete */
};
void im_buf_put(struct im_buf *b, const void *p, size_t n);
void im_buf_printf(struct im_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void im_buf_free(struct im_buf *b);

/*
 * Add an entry (key and value copied). Returns 0, -ENOMEM, or -EINVAL for
 * a byte >= 0x80 in key or value (kmod's trie holds 7-bit ASCII only).
 */
int im_iw_add(struct im_iw *w, const char *key, const char *val, uint32_t prio);
/* The whole index file into @out; -ENOMEM. */
int im_iw_write(struct im_iw *w, struct im_buf *out);
void im_iw_free(struct im_iw *w);

#endif
