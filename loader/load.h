/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* load.h - what a worker does for one job: install command, finit_module, or userspace decompression and init_module. */
#ifndef INITMOD_LOAD_H
#define INITMOD_LOAD_H

#include <stddef.h>
#include <time.h>

#include "kernel.h"
#include "../base/util.h"

/*
 * What every load of one run shares, and nothing else of the engine: the
 * kernel, the message sink, the options that change a load, the run's
 * clock, and two flags several loads read and write without a lock.
 */
struct im_load_env {
	struct im_kernel *k;
	struct msgs *m;
	struct timespec t0;		/* the run's clock: t_call is ms since */
	enum im_comp kcomp;		/* what the kernel decompresses */
	int ignore_install;		/* -i: load the file, not the command */
	int user_decompress;		/* never ask the kernel to decompress */
	int kdecomp_broken;		/* atomic: the kernel refused the flag once */
	int stop;			/* atomic: the run's deadline passed */
};

/* How one load ended. */
enum im_load_result {
	IM_LOAD_LOADED,			/* this load put it in the kernel */
	IM_LOAD_PRESENT,		/* builtin, live already, or EEXIST */
	IM_LOAD_FAILED,
	IM_LOAD_SKIPPED,		/* blacklisted */
};

/*
 * One load as a worker runs it, without the engine lock: the inputs are
 * copied from the node and the job under the lock (the strings belong to
 * the graph, which frees none while the engine lives, even as it grows),
 * the outputs are copied back under the lock. So a worker holds no pointer
 * into the node or job arrays, which may move when the plan grows.
 */
struct im_load {
	const char *name, *path, *options, *install;
	int builtin, blacklisted;
	int same_file;			/* another job loads this inode */
	enum im_load_result result;	/* out */
	int err;			/* out: -errno of the failing call, 0 */
	char why[320];			/* out: failure or skip reason */
	double t_call;			/* out: the kernel call began, ms */
};

/* Run @l in @env; sets its result, err, why and t_call. */
void im_load_run(struct im_load_env *env, struct im_load *l);

/* What an errno from finit_module/init_module means for a module load. */
const char *im_load_errmsg(int err);

#endif
