/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* idxwrite.h - writes kmod-format binary indexes for tests (children before parents). */
#ifndef INITMOD_IDXWRITE_H
#define INITMOD_IDXWRITE_H

#include <stddef.h>
#include <stdint.h>

struct iw_ent {
	const char *key, *val;
	uint32_t prio;
};

/* Returns a malloc'd image of the index and its size in *len. */
unsigned char *iw_build(const struct iw_ent *ents, size_t n, size_t *len);

#endif
