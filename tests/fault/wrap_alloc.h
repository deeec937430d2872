/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * wrap_alloc.h - the allocators of the allocation-failure tests, wrapped at
 * link time (-Wl,--wrap=malloc,... : each test's link says which): once
 * armed, allocation number fa_fail_at's k (counted from fa_fail_at) returns
 * NULL, in whatever thread makes it. ALLOC_FAIL_TRACE=1 prints where.
 */
#ifndef INITMOD_WRAP_ALLOC_H
#define INITMOD_WRAP_ALLOC_H

#include <stddef.h>

/* The allocators themselves, for a test's own bookkeeping. */
void *__real_malloc(size_t n);
void *__real_realloc(void *p, size_t n);

/* Count (and fail) allocations only while armed. */
void fa_arm(int on);
/* Restart the count; allocation @k fails (-1: none). */
void fa_fail_at(long k);
/* Allocations counted since the last fa_fail_at(). */
long fa_count(void);

#endif
