/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * depmod_int.h - the state one depmod run shares between its files
 * (depmod.c: search and order; depmod_read.c: parallel reading and the
 * cache; depmod_deps.c: symbols and ordering; depmod_out.c: the indexes;
 * each declares its functions in its own header).
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

#endif
