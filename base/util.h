/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * util.h - small helpers shared by every floor: growable arrays, a string
 * hash map, string lists, the message sink, an arena, sleep and the clock.
 */
#ifndef INITMOD_UTIL_H
#define INITMOD_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Grow *arr (element size @sz) so that index *n is writable; -ENOMEM on failure. */
int vec_reserve(void **arr, size_t *cap, size_t n, size_t sz);
#define VEC_PUSH(arr, n, cap, val) \
	(vec_reserve((void **)&(arr), &(cap), (n), sizeof(*(arr))) < 0 ? -12 : \
	 ((arr)[(n)++] = (val), 0))

/* Open-addressing map from NUL-terminated keys (not copied) to pointers. */
struct strmap {
	struct strmap_slot { const char *key; void *val; uint32_t hash; } *slots;
	size_t cap, n;
};
uint32_t strhash(const char *s);
void *strmap_get(const struct strmap *m, const char *key);
int strmap_put(struct strmap *m, const char *key, void *val);	/* replaces */
void strmap_free(struct strmap *m);

/*
 * Diagnostics: one sink per run, passed down; counts what it printed.
 * With @kmsg (a boot: PID 1, --boot), errors and warnings also go to the
 * kernel log as records of its levels, whatever the verbosity, and so do
 * msg_log()'s lines; msg_info() never touches @kmsg (a late engine worker
 * may still say something after the boot closed it).
 */
struct im_kmsg;
struct msgs {
	int verbose;		/* <0 quiet, 0 errors+warnings, >0 info */
	unsigned errors, warnings;
	const char *prog;
	int kmod_levels;	/* "ERROR: ", "WARNING: " as kmod's tools say */
	struct im_kmsg *kmsg;	/* the kernel log (kmsg.h), NULL: none */
};
void msg_err(struct msgs *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void msg_warn(struct msgs *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void msg_info(struct msgs *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A line for the kernel log only, at its info level, "PROG: " first (a
 * run's summary, which the caller prints as it prints it): nothing
 * without @m->kmsg. */
void msg_log(struct msgs *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Bump allocator: many small objects freed together. */
struct arena {
	struct arena_chunk *head;
	char *cur, *end;
};
void *arena_alloc(struct arena *a, size_t size);	/* zeroed, 8-aligned */
char *arena_strndup(struct arena *a, const char *s, size_t n);
void arena_free(struct arena *a);

/* strdup of [s, s+n) */
char *xstrndup(const char *s, size_t n);

/* The index of the first of the @n @words (NULL ones skipped) that @s
 * starts with; -1 when none does. */
int im_prefix_index(const char *s, const char *const *words, size_t n);

/* Sleep @ms milliseconds, through signals. */
void im_sleep_ms(int ms);
/* Milliseconds since @t0, a time taken from CLOCK_MONOTONIC. */
double im_ms_since(const struct timespec *t0);

/* A growable list of malloc'd strings, in insertion order. */
struct im_strlist {
	char **v;
	size_t n, cap;
};
int im_strlist_add(struct im_strlist *l, const char *s, size_t n); /* [s, s+n) */
int im_strlist_has(const struct im_strlist *l, const char *s);
void im_strlist_free(struct im_strlist *l);

#endif
