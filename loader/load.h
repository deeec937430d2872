/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* load.h - what a worker does for one job: install command, finit_module, or userspace decompression and init_module. */
#ifndef INITMOD_LOAD_H
#define INITMOD_LOAD_H

#include <stddef.h>

#include "engine.h"

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
	size_t same_file;		/* SIZE_MAX, or the job with this inode */
	enum im_job_state result;	/* out */
	int err;			/* out: -errno of the failing call, 0 */
	char why[320];			/* out: failure or skip reason */
	double t_call;			/* out: the kernel call began, ms */
};

/* Run @l; sets its result, err, why and t_call. */
void im_load_run(struct im_engine *e, struct im_load *l);

/* What an errno from finit_module/init_module means for a module load. */
const char *im_load_errmsg(int err);

#endif
