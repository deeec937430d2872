/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* wrap_alloc.c - the wrapped allocators of the allocation-failure tests (see wrap_alloc.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "wrap_alloc.h"

static long alloc_count, fail_at = -1;	/* atomics */
static int armed;

void *__real_calloc(size_t n, size_t sz);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
/* weak: a test that does not wrap open_memstream links without it */
FILE *__real_open_memstream(char **p, size_t *n) __attribute__((weak));

void __sanitizer_print_stack_trace(void);

void fa_arm(int on)
{
	__atomic_store_n(&armed, on, __ATOMIC_RELAXED);
}

void fa_fail_at(long k)
{
	__atomic_store_n(&alloc_count, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&fail_at, k, __ATOMIC_RELAXED);
}

long fa_count(void)
{
	return __atomic_load_n(&alloc_count, __ATOMIC_RELAXED);
}

static int should_fail(void)
{
	int hit;

	if (!__atomic_load_n(&armed, __ATOMIC_RELAXED))
		return 0;
	hit = __atomic_fetch_add(&alloc_count, 1, __ATOMIC_RELAXED) ==
	      __atomic_load_n(&fail_at, __ATOMIC_RELAXED);
	if (hit && getenv("ALLOC_FAIL_TRACE"))	/* where a bad case failed */
		__sanitizer_print_stack_trace();
	return hit;
}

void *__wrap_malloc(size_t n) { return should_fail() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t n, size_t sz) { return should_fail() ? NULL : __real_calloc(n, sz); }
void *__wrap_realloc(void *p, size_t n) { return should_fail() ? NULL : __real_realloc(p, n); }
char *__wrap_strdup(const char *s) { return should_fail() ? NULL : __real_strdup(s); }
char *__wrap_strndup(const char *s, size_t n) { return should_fail() ? NULL : __real_strndup(s, n); }
FILE *__wrap_open_memstream(char **p, size_t *n)
{
	return should_fail() ? NULL : __real_open_memstream(p, n);
}

int __wrap_asprintf(char **out, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (should_fail())
		return -1;
	va_start(ap, fmt);
	r = vasprintf(out, fmt, ap);
	va_end(ap);
	return r;
}
