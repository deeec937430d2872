/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * kmod_hash.h - the order of kmod's hash tables, which decides the order of
 * depmod's output: the module table (512 buckets) and the symbol table
 * (2048 buckets), each walked bucket by bucket.
 */
#ifndef INITMOD_KMOD_HASH_H
#define INITMOD_KMOD_HASH_H

/* kmod's shared/hash.c hash of @key (a bucket: the hash & buckets - 1). */
unsigned dm_kmod_hash(const char *key);
/* qsort order of two entries of one table: bucket, then name. */
int dm_kmod_order(unsigned bucket_a, const char *name_a, unsigned bucket_b,
		  const char *name_b);

#endif
