/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * kmod_hash.c - kmod's hash and the iteration order of its tables, shared by
 * the module order (depmod.c), the symbol table (depmod_deps.c) and the
 * symbol indexes (depmod_out.c).
 */
#include <stdint.h>
#include <string.h>

#include "kmod_hash.h"

unsigned dm_kmod_hash(const char *key)
{
	unsigned len = strlen(key), tmp, hash = len, rem = len & 3;
	const signed char *k = (const signed char *)key;

	for (len /= 4; len > 0; len--, k += 4) {
		hash += (uint16_t)((unsigned char)k[0] | (unsigned char)k[1] << 8);
		tmp = ((unsigned)(uint16_t)((unsigned char)k[2] |
					    (unsigned char)k[3] << 8) << 11) ^ hash;
		hash = (hash << 16) ^ tmp;
		hash += hash >> 11;
	}
	switch (rem) {
	case 3:
		hash += (uint16_t)((unsigned char)k[0] | (unsigned char)k[1] << 8);
		hash ^= hash << 16;
		hash ^= (unsigned)(int)k[2] << 18;
		hash += hash >> 11;
		break;
	case 2:
		hash += (uint16_t)((unsigned char)k[0] | (unsigned char)k[1] << 8);
		hash ^= hash << 11;
		hash += hash >> 17;
		break;
	case 1:
		hash += (unsigned)(int)k[0];
		hash ^= hash << 10;
		hash += hash >> 1;
	}
	hash ^= hash << 3;
	hash += hash >> 5;
	hash ^= hash << 4;
	hash += hash >> 17;
	hash ^= hash << 25;
	hash += hash >> 6;
	return hash;
}

int dm_kmod_order(unsigned bucket_a, const char *name_a, unsigned bucket_b,
		  const char *name_b)
{
	if (bucket_a != bucket_b)
		return bucket_a < bucket_b ? -1 : 1;
	return strcmp(name_a, name_b);
}
