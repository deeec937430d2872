/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * resolve.h - turn requested names into modprobe's plan. This is a model of
 * libkmod's lookup and probe-list logic (kmod 30), object for object, so that
 * --show-depends prints what modprobe prints; the same walk also records the
 * dependency DAG the parallel loader runs.
 */
#ifndef INITMOD_RESOLVE_H
#define INITMOD_RESOLVE_H

#include <stdio.h>

#include "modprobe_d.h"
#include "../depgraph/graph.h"
#include "../depgraph/moddb.h"

struct im_kmod;

enum {
	IM_RES_IGNORE_CMD = 1,		/* -i: ignore install commands */
	IM_RES_BLACKLIST = 2,		/* -b: blacklist applies to names too */
};

struct im_step {		/* one line of the probe list */
	struct im_kmod *mod;
	char *options;		/* NULL when none */
	int install;		/* run the install command, not insmod */
};

struct im_resolver {
	struct im_moddb *db;
	struct im_config *cfg;
	struct msgs *m;
	unsigned flags;
	struct strmap pool;		/* hashkey -> struct im_kmod */
	struct strmap bypath;		/* dep path relative to dirname -> object */
	struct im_kmod **probe_buf, **found_buf;	/* reused storage */
	size_t probe_cap, found_cap;
	struct im_kmod *all;		/* every object */
	struct arena arena;		/* objects, names, paths, dep lists */
	struct im_graph *graph;		/* set by im_plan_build() alone: edges are
					 * recorded, and a missing dependency
					 * file stays a node (fails when loaded)
					 * instead of dropping the dep list */
	unsigned gen;			/* probe generation: visited flags */
	int for_device;			/* im_resolve_device(): targets are
					 * marked as a device's drivers */
	int for_storage;		/* ... of a storage device: the plan
					 * goes first (see im_node.first) */
	int storage_known;		/* the root's drivers are known by name
					 * (initmod.rootdrivers=): no modalias
					 * is taken for storage */
};

void im_resolver_init(struct im_resolver *r, struct im_moddb *db,
		      struct im_config *cfg, unsigned flags, struct msgs *m);
void im_resolver_free(struct im_resolver *r);

/*
 * modprobe -a NAME semantics for one name: 1 found (steps appended), 0 not
 * found (message printed), <0 error. @extra: options from the command line.
 */
struct im_steps {
	struct im_step *v;
	size_t n, cap;
};
int im_resolve_name(struct im_resolver *r, const char *name, const char *extra,
		    struct im_steps *out);
/*
 * udev's kmod builtin for a device (kmod load MODALIAS): the modalias
 * resolved as modprobe resolves an alias, every match, the blacklist
 * applied; none found is no error (0, said nowhere).
 */
int im_resolve_device(struct im_resolver *r, const char *modalias,
		      struct im_steps *out);
/*
 * The same for a module file named by its path (kmod >= 31: an argument
 * that starts with "/" or "./"); its dependencies come from the index when
 * its name is in the tree. Only arguments of initmod's or modprobe's own
 * command line take this way: names from modprobe.d and the kernel command
 * line never become paths.
 */
int im_resolve_path(struct im_resolver *r, const char *path, const char *extra,
		    struct im_steps *out);
/*
 * im_resolve_name() for a name of a list made for any kernel (initramfs-
 * tools' /conf/modules: mdadm's hook lists linear and multipath, which 6.12
 * no longer has, and load_modules runs modprobe -q): not found is said as a
 * notice (info), and 0 returned as for any name not found.
 */
int im_resolve_listed(struct im_resolver *r, const char *name, const char *extra,
		      struct im_steps *out);
/* im_resolve_path() for "/..." and "./...", else im_resolve_name(). */
int im_resolve_arg(struct im_resolver *r, const char *arg, const char *extra,
		   struct im_steps *out);
void im_steps_free(struct im_steps *s);
void im_steps_clear(struct im_steps *s);	/* empty, keep the storage */

/* Print steps exactly as modprobe --show-depends does. */
void im_steps_print(struct im_resolver *r, const struct im_steps *s, FILE *f);

/* Accessors for a step's module. */
const char *im_kmod_name(const struct im_kmod *k);
const char *im_kmod_path(struct im_resolver *r, struct im_kmod *k);
const char *im_kmod_install(struct im_resolver *r, struct im_kmod *k);
int im_kmod_builtin(struct im_resolver *r, struct im_kmod *k);

#endif
