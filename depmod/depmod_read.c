/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * depmod_read.c - every module file to its records: a stat pass decides
 * what the cache answers, then threads (as many as the work is worth,
 * never more than the CPUs) read, decompress and parse the rest; messages
 * come after, in module order, so they do not depend on scheduling.
 *
 * The cache (IM_DEPMOD_CACHE in the module directory) maps a file, keyed
 * by (dev, inode, size, mtime, ctime), to its records. ctime cannot be set
 * from userspace, so a file replaced in place by one of the same size and
 * mtime (cp + touch -r) has a new ctime, and one replaced by rename a new
 * inode. Timestamps are coarse (a kernel tick), so an entry whose ctime is
 * within 2 s of the run that wrote it is "racy" (git's word): it is trusted
 * only after the file's CRC-32 matches the one stored. A cache that is
 * missing, truncated, corrupt (CRC over the whole file) or of another
 * version is ignored: the run reads every file.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "../base/decompress.h"
#include "../base/file.h"
#include "depmod_out.h"
#include "depmod_read.h"

#define CACHE_MAGIC "IMDMC001"
#define RACY_NS 2000000000LL

struct dm_centry {
	uint64_t dev, ino, size;
	int64_t mtime_ns, ctime_ns;
	uint32_t crc, reclen;
	int have_crc;			/* crc was computed (racy when written) */
	int32_t err;
	const unsigned char *rec;
	const char *why;
};

struct dm_cache {
	unsigned char *buf;		/* the file */
	struct dm_centry *e;		/* sorted by (dev, ino) */
	size_t n;
	int64_t written_ns;		/* start of the run that wrote it */
	int64_t now_ns;			/* start of this run */
	int64_t racy_ns;		/* RACY_NS; tests: INITMOD_DEPMOD_RACY_MS */
};

struct job {
	struct dm_mod *mod;
	const struct dm_centry *ce;	/* key matched, but racy: verify */
	size_t cost;
};

struct pool {
	struct dm *d;
	struct job *jobs;
	size_t n;
	size_t next;			/* atomic */
};

static int64_t ts_ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000LL + t->tv_nsec;
}

static uint64_t get64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void put64(struct im_buf *b, uint64_t v)
{
	unsigned char c[8];
	int i;

	for (i = 0; i < 8; i++)
		c[i] = (unsigned char)(v >> (8 * i));
	im_buf_put(b, c, 8);
}

static int ce_cmp(const void *a, const void *b)
{
	const struct dm_centry *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

static void cache_path(const struct dm *d, char *p, size_t n)
{
	snprintf(p, n, "%s/%s", d->dirname, IM_DEPMOD_CACHE);
}

/* 0 and a usable cache, or -1: ignore it (said at -v). */
static int cache_parse(struct dm_cache *c, size_t len, const char **why)
{
	const unsigned char *p = c->buf + 32, *end = c->buf + len;
	uint64_t count;
	size_t i;

	if (len < 32 || memcmp(c->buf, CACHE_MAGIC, 8) != 0)
		return *why = "not an initmod depmod cache of this version", -1;
	count = get64(c->buf + 8);
	c->written_ns = (int64_t)get64(c->buf + 16);
	if (get64(c->buf + 24) != crc32(0, p, (uInt)(end - p)))
		return *why = "checksum mismatch (corrupt)", -1;
	if (count > (uint64_t)(end - p) / 56)
		return *why = "entry count beyond the file", -1;
	c->e = calloc(count ? count : 1, sizeof(*c->e));
	if (!c->e)
		return *why = "out of memory", -1;
	for (i = 0; i < count; i++) {
		struct dm_centry *e = &c->e[i];
		uint64_t wl;

		if (end - p < 64)
			return *why = "truncated entry", -1;
		e->dev = get64(p);
		e->ino = get64(p + 8);
		e->size = get64(p + 16);
		e->mtime_ns = (int64_t)get64(p + 24);
		e->ctime_ns = (int64_t)get64(p + 32);
		e->crc = (uint32_t)get64(p + 40);
		e->have_crc = (int)(get64(p + 40) >> 32 & 1);
		e->err = (int32_t)(uint32_t)get64(p + 48);
		e->reclen = (uint32_t)get64(p + 56);
		p += 64;
		if ((uint64_t)(end - p) < e->reclen + 8ULL)
			return *why = "truncated records", -1;
		e->rec = p;
		p += e->reclen;
		wl = get64(p);
		p += 8;
		if (wl == 0 || wl > 256 || (uint64_t)(end - p) < wl || p[wl - 1])
			return *why = "bad message field", -1;
		e->why = (const char *)p;
		p += wl;
	}
	c->n = count;
	qsort(c->e, c->n, sizeof(*c->e), ce_cmp);
	return 0;
}

static void cache_open(struct dm *d)
{
	struct dm_cache *c = calloc(1, sizeof(*c));
	const char *why = NULL;
	struct timespec now;
	char path[4096];
	size_t len;

	if (!c)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	c->now_ns = ts_ns(&now);
	c->racy_ns = getenv("INITMOD_DEPMOD_RACY_MS") ?
		     atoll(getenv("INITMOD_DEPMOD_RACY_MS")) * 1000000LL : RACY_NS;
	d->cache = c;
	cache_path(d, path, sizeof(path));
	if (im_read_file(path, (size_t)1 << 31, (char **)&c->buf, &len) != 0) {
		free(c->buf);
		c->buf = NULL;
		return;
	}
	if (cache_parse(c, len, &why) < 0) {
		msg_info(d->m, "%s: ignored: %s", path, why);
		free(c->e);
		c->e = NULL;
		c->n = 0;
	}
}

void dm_cache_close(struct dm *d)
{
	if (!d->cache)
		return;
	free(d->cache->buf);
	free(d->cache->e);
	free(d->cache);
	d->cache = NULL;
}

static const struct dm_centry *cache_find(const struct dm_cache *c,
					  const struct dm_mod *mod)
{
	struct dm_centry k = { .dev = mod->dev, .ino = mod->ino };
	const struct dm_centry *e;

	if (!c || !c->n)
		return NULL;
	e = bsearch(&k, c->e, c->n, sizeof(k), ce_cmp);
	if (!e || e->size != mod->size || e->mtime_ns != mod->mtime_ns ||
	    e->ctime_ns != mod->ctime_ns)
		return NULL;
	return e;
}

static int take_entry(struct dm_mod *mod, const struct dm_centry *e)
{
	mod->elf.rec = malloc(e->reclen ? e->reclen : 1);
	if (!mod->elf.rec)
		return -ENOMEM;
	memcpy(mod->elf.rec, e->rec, e->reclen);
	mod->elf.len = mod->elf.cap = e->reclen;
	mod->elf.err = e->err;
	snprintf(mod->elf.why, sizeof(mod->elf.why), "%s", e->why);
	mod->crc = e->crc;
	mod->have_crc = e->have_crc;
	mod->from_cache = 1;
	return 0;
}

static void set_key(struct dm_mod *mod, const struct stat *st)
{
	mod->dev = st->st_dev;
	mod->ino = st->st_ino;
	mod->size = (uint64_t)st->st_size;
	mod->mtime_ns = ts_ns(&st->st_mtim);
	mod->ctime_ns = ts_ns(&st->st_ctim);
}

static void fail(struct dm_mod *mod, int err, const char *fmt, const char *s)
{
	mod->elf.err = err;
	snprintf(mod->elf.why, sizeof(mod->elf.why), fmt, s);
}

/* A CRC is kept for the entries the next run will call racy. */
static int want_crc(const struct dm *d, const struct dm_mod *mod,
		    const struct dm_centry *ce)
{
	if (!d->cache)
		return 0;
	return (ce && ce->have_crc) ||
	       mod->ctime_ns >= d->cache->now_ns - d->cache->racy_ns;
}

/* @dc: this thread's decoders and output buffer, reused module after module */
static void parse_image(struct dm_mod *mod, const unsigned char *img, size_t len,
			struct im_decomp_ctx *dc)
{
	enum im_comp c = im_comp_detect(img, len);
	char why[160];
	const void *raw;
	size_t rawlen;
	int err;

	if (c == IM_COMP_NONE) {
		im_modelf_parse(img, len, &mod->elf);
		return;
	}
	err = im_decompress_ctx(dc, c, img, len, &raw, &rawlen, why, sizeof(why));
	if (err) {
		mod->elf.err = err;
		snprintf(mod->elf.why, sizeof(mod->elf.why), "%s data: %s",
			 im_comp_name(c), why);
		return;
	}
	im_modelf_parse(raw, rawlen, &mod->elf);
}

/*
 * One module: map it (only the pages the parser touches are read for a
 * plain .ko), verify a racy cache entry, or decompress and parse.
 */
static void read_one(struct dm *d, struct job *j, struct im_decomp_ctx *dc)
{
	struct dm_mod *mod = j->mod;
	const unsigned char *img;
	struct stat st;
	size_t len;
	void *map;
	int fd = open(mod->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0) {
		fail(mod, -errno, "%s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return;
	}
	set_key(mod, &st);
	len = (size_t)st.st_size;
	map = len ? mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0) : NULL;
	close(fd);
	if (map == MAP_FAILED) {
		fail(mod, -errno, "mmap: %s", strerror(errno));
		return;
	}
	img = map ? map : (const unsigned char *)"";
	if (want_crc(d, mod, j->ce)) {
		mod->crc = (uint32_t)crc32(0, img, (uInt)len);
		mod->have_crc = 1;
	}
	if (!(j->ce && j->ce->have_crc && mod->have_crc && j->ce->crc == mod->crc &&
	      j->ce->size == len && take_entry(mod, j->ce) == 0))
		parse_image(mod, img, len, dc);
	if (map)
		munmap(map, len);
}

static void *worker(void *arg)
{
	struct pool *p = arg;
	struct im_decomp_ctx dc = { 0 };
	size_t i;

	while ((i = __atomic_fetch_add(&p->next, 1, __ATOMIC_RELAXED)) < p->n)
		read_one(p->d, &p->jobs[i], &dc);
	im_decomp_ctx_free(&dc);
	return NULL;
}

/*
 * Threads by the work left after the cache: a compressed module costs
 * about 1 ms to inflate (6.12's xz tree: 4230 modules, 5 s), a plain one
 * a few page faults, and on the 6.1 plain tree 2 threads were no faster
 * than 1 (0.33 s; kmod's threaded attempt got slower there too). So plain
 * modules count for nothing, and a thread is worth some 16 compressed ones.
 */
#define COST_COMPRESSED 64
#define COST_PLAIN 0
#define COST_PER_THREAD (16 * COST_COMPRESSED)

static int choose_threads(const struct dm *d, const struct job *jobs, size_t n)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t cost = 0;
	size_t i;
	int t;

	if (d->o->threads > 0)
		return d->o->threads;
	for (i = 0; i < n; i++)
		cost += jobs[i].cost;
	t = (int)(cost / COST_PER_THREAD);
	if (t > cpus)
		t = (int)cpus;
	if (t > 64)
		t = 64;
	return t < 1 ? 1 : t;
}

/* The stat pass: cache answers, and what the rest will cost. */
static int plan(struct dm *d, struct job **pjobs, size_t *pn)
{
	struct job *jobs = calloc(d->n ? d->n : 1, sizeof(*jobs));
	size_t i, n = 0;

	if (!jobs)
		return -ENOMEM;
	for (i = 0; i < d->n; i++) {
		struct dm_mod *mod = d->mods[i];
		const struct dm_centry *ce = NULL;
		struct stat st;
		size_t plen = strlen(mod->path);
		int compressed = plen > 3 && strcmp(mod->path + plen - 3, ".ko") != 0;

		if (d->cache && stat(mod->path, &st) == 0) {
			set_key(mod, &st);
			ce = cache_find(d->cache, mod);
		}
		if (ce && ce->ctime_ns < d->cache->written_ns - d->cache->racy_ns) {
			if (take_entry(mod, ce) < 0) {
				free(jobs);
				return -ENOMEM;
			}
			d->cache_hits++;
			continue;
		}
		jobs[n].mod = mod;
		jobs[n].ce = ce;
		jobs[n].cost = compressed ? COST_COMPRESSED : COST_PLAIN;
		n++;
	}
	*pjobs = jobs;
	*pn = n;
	return 0;
}

/* Messages in module order; running out of memory fails the run. */
static int report(struct dm *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		struct dm_mod *mod = d->mods[i];
		const unsigned char *p = mod->elf.rec, *end = im_rec_end(&mod->elf);
		struct im_rec r;

		if (mod->elf.err == -ENOMEM)
			return -ENOMEM;
		if (mod->elf.err) {
			msg_err(d->m, "failed to load symbols from %s: %s", mod->path,
				mod->elf.why);
			continue;
		}
		while ((p = im_rec_next(p, end, &r)))
			if (r.type == IM_REC_NOTE)
				msg_warn(d->m, "%s: %s", mod->path, r.s);
	}
	return 0;
}

int dm_read_all(struct dm *d)
{
	struct pool p = { .d = d };
	pthread_t tid[64];
	int t, nt, started = 0, err;

	if (!d->o->no_cache && !d->o->to_stdout)
		cache_open(d);
	err = plan(d, &p.jobs, &p.n);
	if (err < 0)
		return err;
	d->cache_misses = (unsigned)p.n;
	nt = choose_threads(d, p.jobs, p.n);
	for (t = 1; t < nt; t++)
		if (pthread_create(&tid[t], NULL, worker, &p) == 0)
			started++;
	worker(&p);
	for (t = 1; t <= started; t++)
		pthread_join(tid[t], NULL);
	msg_info(d->m, "read %zu module files with %d thread(s), %u from the cache",
		 d->n, started + 1, d->cache_hits);
	free(p.jobs);
	return report(d);
}

/* Write the cache: every module's key and records, then one CRC. */
int dm_cache_save(struct dm *d)
{
	struct im_buf b = { 0 };
	char path[4096], tmp[4200];
	const char *what;
	size_t i;
	int err;

	im_buf_put(&b, CACHE_MAGIC, 8);
	put64(&b, d->n);
	put64(&b, (uint64_t)(d->cache ? d->cache->now_ns : 0));
	put64(&b, 0);
	for (i = 0; i < d->n; i++) {
		const struct dm_mod *mod = d->mods[i];
		size_t wl = strlen(mod->elf.why) + 1;

		put64(&b, mod->dev);
		put64(&b, mod->ino);
		put64(&b, mod->size);
		put64(&b, (uint64_t)mod->mtime_ns);
		put64(&b, (uint64_t)mod->ctime_ns);
		put64(&b, mod->crc | (uint64_t)!!mod->have_crc << 32);
		put64(&b, (uint32_t)mod->elf.err);
		put64(&b, mod->elf.len);
		im_buf_put(&b, mod->elf.rec, mod->elf.len);
		put64(&b, wl);
		im_buf_put(&b, mod->elf.why, wl);
	}
	if (b.oom || !d->cache) {
		im_buf_free(&b);
		return -ENOMEM;
	}
	{
		uint64_t crc = crc32(0, b.p + 32, (uInt)(b.len - 32));
		for (i = 0; i < 8; i++)
			b.p[24 + i] = (unsigned char)(crc >> (8 * i));
	}
	cache_path(d, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.%d" DM_CACHE_TMP_SUFFIX, path, (int)getpid());
	err = dm_write_new(tmp, b.p, b.len, &what);
	if (err)	/* removed again by dm_write_new() */
		msg_info(d->m, "could not %s %s: %s", what, tmp, strerror(-err));
	else if (rename(tmp, path) != 0) {
		err = -errno;
		msg_info(d->m, "could not rename %s to %s: %s", tmp, path,
			 strerror(-err));
		unlink(tmp);
	}
	im_buf_free(&b);
	return err;
}
