/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * depmod.h - one depmod run over a module directory: find the modules
 * (depmod.d search/override/external/exclude), read them in parallel
 * (decompress + ELF, or the cache), resolve symbols, order, and write
 * every index kmod's depmod writes, byte-identical to kmod's, each file
 * replaced atomically.
 */
#ifndef INITMOD_DEPMOD_H
#define INITMOD_DEPMOD_H

#include <stddef.h>

#include "../base/util.h"

struct im_depmod_opts {
	const char *dirname;		/* ROOT/lib/modules/KVER, absolute */
	const char *kver;
	const char *const *config;	/* depmod.d paths; NULL: kmod's defaults */
	const char *symvers;		/* -E Module.symvers */
	const char *system_map;		/* -F System.map */
	const char *const *files;	/* module files instead of a search */
	size_t nfiles;
	int print_unknown;		/* -e */
	int check_symvers;		/* set with -E */
	int warn_dups;			/* -w */
	int to_stdout;			/* -n */
	int quick;			/* -A */
	int show;			/* -v: "X needs "sym": Y" lines */
	char sym_prefix;		/* -P */
	int threads;			/* 0: chosen by the work */
	int no_cache;			/* neither read nor write the cache */
	int no_weakdep;			/* kmod < 33: no modules.weakdep */
};

/* Run; returns 0, or 1 after saying what failed (kmod's exit status). */
int im_depmod_run(const struct im_depmod_opts *o, struct msgs *m);

/* The cache's file name inside the module directory: Debian's linux-image
 * postrm deletes modules.*.bin when the kernel is purged. */
#define IM_DEPMOD_CACHE "modules.initmod-cache.bin"

#endif
