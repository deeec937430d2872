/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* util.c - growable arrays, the string hash map, string lists and the message sink. */
#include <errno.h>
#include <time.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kmsg.h"
#include "util.h"

int vec_reserve(void **arr, size_t *cap, size_t n, size_t sz)
{
	size_t ncap;
	void *na;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 8;
	while (ncap <= n)
		ncap *= 2;
	na = realloc(*arr, ncap * sz);
	if (!na)
		return -ENOMEM;
	*arr = na;
	*cap = ncap;
	return 0;
}

uint32_t strhash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

static struct strmap_slot *find_slot(struct strmap_slot *slots, size_t cap,
				     const char *key, uint32_t h)
{
	size_t i = h & (cap - 1);

	while (slots[i].key &&
	       (slots[i].hash != h || strcmp(slots[i].key, key) != 0))
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

void *strmap_get(const struct strmap *m, const char *key)
{
	struct strmap_slot *s;

	if (!m->cap)
		return NULL;
	s = find_slot(m->slots, m->cap, key, strhash(key));
	return s->key ? s->val : NULL;
}

static int grow(struct strmap *m)
{
	size_t ncap = m->cap ? m->cap * 2 : 64, i;
	struct strmap_slot *ns = calloc(ncap, sizeof(*ns));

	if (!ns)
		return -ENOMEM;
	for (i = 0; i < m->cap; i++) {
		struct strmap_slot *o = &m->slots[i];

		if (o->key)
			*find_slot(ns, ncap, o->key, o->hash) = *o;
	}
	free(m->slots);
	m->slots = ns;
	m->cap = ncap;
	return 0;
}

int strmap_put(struct strmap *m, const char *key, void *val)
{
	struct strmap_slot *s;
	uint32_t h = strhash(key);

	if ((m->n + 1) * 4 >= m->cap * 3 && grow(m) < 0)
		return -ENOMEM;
	s = find_slot(m->slots, m->cap, key, h);
	if (!s->key) {
		s->key = key;
		s->hash = h;
		m->n++;
	}
	s->val = val;
	return 0;
}

void strmap_free(struct strmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->cap = m->n = 0;
}

/*
 * A message's line, "PROG: LEVELtext", formatted once for both its copies
 * (the kernel log's record cuts it at IM_KMSG_LEN itself): in @buf, or
 * allocated when longer (the caller frees what is not @buf); room is left
 * for a '\n'. Its length in *@len; NULL when it cannot be formatted.
 * Without memory for a long line, it is cut at @buf's end.
 */
static char *format_line(char *buf, size_t size, const struct msgs *m,
			 const char *level, const char *fmt, va_list ap,
			 int *len)
{
	char *line = buf;
	va_list aq;
	int n, k;

	n = snprintf(buf, size, "%s: %s", m && m->prog ? m->prog : "initmod", level);
	if (n < 0 || (size_t)n >= size - 2)
		return NULL;
	va_copy(aq, ap);
	k = vsnprintf(buf + n, size - (size_t)n, fmt, aq);
	va_end(aq);
	if (k < 0)
		return NULL;
	if ((size_t)n + (size_t)k + 2 > size) {
		line = malloc((size_t)n + (size_t)k + 2);
		if (line) {
			memcpy(line, buf, (size_t)n);
			vsnprintf(line + n, (size_t)k + 1, fmt, ap);
		} else {	/* cut at the buffer's end rather than lost */
			line = buf;
			k = (int)size - 2 - n;
			line[n + k] = '\0';
		}
	}
	*len = n + k;
	return line;
}

/*
 * One message: counted in *@count (NULL: not counted), to the kernel log
 * at @klevel (0: not) when @m has one, then printed unless @m's verbosity
 * is below @min (without @m: when @min is 0 or less). The kernel's copy
 * goes first: a console that shows it has it whole before ours. The
 * console's copy is one write of the whole line: the loader's workers
 * (threads) and PID 1 (another process) share the console, and a line
 * written in pieces can be cut by another's ("initmod: initmod: ahci:
 * loaded ...", then a line without its prefix).
 */
static void vmsg(struct msgs *m, unsigned *count, int min, int klevel,
		 const char *level, const char *fmt, va_list ap)
{
	int to_log = m && m->kmsg && klevel;
	int print = m ? m->verbose >= min : min <= 0;
	char buf[1024], *line;
	int len;

	if (count)
		(*count)++;
	if (m && m->kmod_levels && *level)
		level = level[0] == 'e' ? "ERROR: " : "WARNING: ";
	if (!to_log && !print)
		return;
	line = format_line(buf, sizeof(buf), m, level, fmt, ap, &len);
	if (!line)
		return;
	if (to_log)
		im_kmsg_say(m->kmsg, klevel, 0, line);
	if (print) {
		line[len] = '\n';
		fwrite(line, 1, (size_t)len + 1, stderr);
	}
	if (line != buf)
		free(line);
}

void msg_err(struct msgs *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(m, m ? &m->errors : NULL, 0, IM_KMSG_ERR, "error: ", fmt, ap);
	va_end(ap);
}

void msg_warn(struct msgs *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(m, m ? &m->warnings : NULL, 0, IM_KMSG_WARNING, "warning: ", fmt, ap);
	va_end(ap);
}

void msg_info(struct msgs *m, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(m, NULL, 1, 0, "", fmt, ap);
	va_end(ap);
}

void msg_log(struct msgs *m, const char *fmt, ...)
{
	char buf[1024], *line;
	va_list ap;
	int len;

	if (!m || !m->kmsg)
		return;
	va_start(ap, fmt);
	line = format_line(buf, sizeof(buf), m, "", fmt, ap, &len);
	va_end(ap);
	if (!line)
		return;
	im_kmsg_say(m->kmsg, IM_KMSG_INFO, 1, line);
	if (line != buf)
		free(line);
}

char *xstrndup(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (!d)
		return NULL;
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

int im_prefix_index(const char *s, const char *const *words, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (words[i] && strncmp(s, words[i], strlen(words[i])) == 0)
			return (int)i;
	return -1;
}

int im_strlist_add(struct im_strlist *l, const char *s, size_t n)
{
	char *d = xstrndup(s, n);

	if (!d || VEC_PUSH(l->v, l->n, l->cap, d) < 0) {
		free(d);
		return -ENOMEM;
	}
	return 0;
}

int im_strlist_has(const struct im_strlist *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

void im_strlist_free(struct im_strlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

struct arena_chunk {
	struct arena_chunk *next;
};

void *arena_alloc(struct arena *a, size_t size)
{
	char *p;

	size = (size + 7) & ~(size_t)7;
	if ((size_t)(a->end - a->cur) < size) {
		size_t csize = size + sizeof(struct arena_chunk) + 8 > 65536 ?
			       size + sizeof(struct arena_chunk) + 8 : 65536;
		struct arena_chunk *c = malloc(csize);

		if (!c)
			return NULL;
		c->next = a->head;
		a->head = c;
		a->cur = (char *)(c + 1);
		a->cur += (8 - (uintptr_t)a->cur % 8) % 8;
		a->end = (char *)c + csize;
	}
	p = a->cur;
	a->cur += size;
	memset(p, 0, size);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *d = arena_alloc(a, n + 1);

	if (d)
		memcpy(d, s, n);
	return d;
}

void arena_free(struct arena *a)
{
	while (a->head) {
		struct arena_chunk *n = a->head->next;

		free(a->head);
		a->head = n;
	}
	a->cur = a->end = NULL;
}

void im_sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

double im_ms_since(const struct timespec *t0)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec - t0->tv_sec) * 1e3 + (ts.tv_nsec - t0->tv_nsec) / 1e6;
}
