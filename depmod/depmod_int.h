/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * depmod_int.h - the state one depmod run shares between its files
 * (depmod.c: search and order; depmod_read.c: parallel reading and the
 * cache; depmod_deps.c: symbols and ordering; depmod_out.c: the indexes).
 */
#ifndef INITMOD_DEPMOD_INT_H
#define INITMOD_DEPMOD_INT_H

#include <stdint.h>
#include <sys/types.h>

#include "depmod_d.h"
#include "depmod.h"
#include "index_write.h"
#include "modinfo_elf.h"
#include "../base/util.h"

struct dm_mod {
	char *path;		/* as opened */
	const char *relpath;	/* inside the module directory, or NULL */
	char *uncrelpath;	/* relpath's directory + name + ".ko" */
	size_t baselen;		/* up to the last '/' (excluded) */
	size_t modnamesz;	/* strlen(name) + 1 */
	int sort_idx, dep_sort_idx;
	unsigned idx, users;
	unsigned bucket;	/* in kmod's module table: the first order */
	int visited;
	unsigned mark;		/* generation stamp of the dependency walk */
	struct dm_mod **deps;
	size_t ndeps, capdeps;
	struct im_modelf elf;	/* records, or err + why */
	/* the file as read: the cache's key */
	uint64_t dev, ino, size;
	int64_t mtime_ns, ctime_ns;
	uint32_t crc;		/* of the file's bytes, when have_crc */
	int have_crc;
	int from_cache;
	char name[];
};

struct dm_sym {
	struct dm_mod *owner;
	uint64_t crc;
	const char *name;
	unsigned bucket;	/* in kmod's symbol table: output order */
};

struct dm {
	const struct im_depmod_opts *o;
	struct msgs *m;
	struct im_depmod_conf conf;
	const char *dirname;
	size_t dirnamelen;
	struct strmap byname;		/* name -> dm_mod */
	struct dm_mod **mods;		/* the run's order */
	size_t n, cap;
	struct strmap syms;		/* name -> dm_sym */
	struct arena a;
	unsigned gen;
	struct dm_cache *cache;
	unsigned cache_hits, cache_misses;
};

/* depmod_read.c */
int dm_read_all(struct dm *d);
void dm_cache_close(struct dm *d);
int dm_cache_save(struct dm *d);

/* depmod_deps.c */
int dm_load_symfile(struct dm *d);
int dm_resolve(struct dm *d);
struct dm_mod **dm_all_deps(struct dm *d, struct dm_mod *mod, size_t *n);

/* depmod_out.c */
int dm_output(struct dm *d);
/*
 * Temporaries: an index NAME is written to "NAME.PID" DM_TMP_SUFFIX, the
 * cache to IM_DEPMOD_CACHE ".PID" DM_CACHE_TMP_SUFFIX, PID the writer's.
 */
#define DM_TMP_SUFFIX ".initmod-tmp"
#define DM_CACHE_TMP_SUFFIX ".tmp"
/*
 * Write @len bytes to @path, a new file (an existing one or a symlink is
 * an error). 0, or -errno with *@what "create" (nothing was created) or
 * "write" (the file is removed again: a failure leaves nothing behind).
 */
int dm_write_new(const char *path, const void *p, size_t len,
		 const char **what);
/*
 * Remove the temporaries in the module directory that runs which did not
 * finish left behind: only names exactly of their pattern, only regular
 * files, only when the PID in the name is no live process (or is this
 * process's own, which has written none yet). Said with -v.
 */
void dm_remove_stale(struct dm *d);

#endif
