/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * engine.h - runs the plan DAG against the kernel with a pool of threads:
 * a module starts only when every predecessor finished, the ready module
 * with the heaviest remaining path goes first, each module file is loaded
 * once (same inode = same load), and a failure skips only what depends on it.
 * Concurrency follows the CPUs, not the thread count: a load that sleeps in
 * the kernel (an init waiting on hardware, a timer, a lock) does not hold a
 * CPU slot, so another ready module starts, up to max_threads in flight.
 */
#ifndef INITMOD_ENGINE_H
#define INITMOD_ENGINE_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "kernel.h"
#include "load.h"
#include "../depgraph/graph.h"

enum im_job_state {
	IM_JOB_WAIT,		/* predecessors unfinished */
	IM_JOB_READY,
	IM_JOB_RUN,
	IM_JOB_LOADED,		/* this run loaded it */
	IM_JOB_PRESENT,		/* builtin, live already, or EEXIST */
	IM_JOB_FAILED,
	IM_JOB_SKIPPED,		/* a dependency failed, or blacklisted */
};

/*
 * One module's load. Who may touch what: fields marked [lock] are read and
 * written only under im_engine.lock; [init] fields are set when the job
 * joins the run (under the lock) and only read afterwards. A worker holds
 * no pointer into the jobs or the nodes while it loads: it works on a copy
 * (struct im_load, load.h) and stores the outcome under the lock, because
 * both arrays may move when the plan grows (im_engine_grow).
 */
struct im_job {
	enum im_job_state st;		/* [lock] */
	size_t pending;			/* [lock] unfinished predecessors */
	int err;			/* [lock] -errno of the failing call, 0 */
	char why[320];			/* [lock] failure or skip reason */
	int doomed;			/* [lock] a hard predecessor failed */
	int dep_err;			/* [lock] doomed by: the -errno that
					 * failed it, through skipped ones */
	int thread;			/* [lock] worker that ran it, -1 none */
	double t_ready, t_start, t_end;	/* [lock] ms since engine start */
	double t_call;			/* [lock] the kernel call began */
	double cpu_ms;			/* [lock] its worker's CPU time */
	size_t same_file;		/* [init] SIZE_MAX, or the job with this inode */
	int blacklisted;		/* [init] in the hard blacklist */
	int first;			/* [lock] began on the root's way */
};

struct im_engine_opts {
	int threads;			/* loads on a CPU at once, >= 1 */
	int max_threads;		/* loads at once, counting those asleep in
					 * the kernel; < threads: = threads */
	double warn_after_s;		/* watchdog, 0 = off */
	double timeout_s;		/* give up waiting, 0 = never */
	int ignore_install;
	int user_decompress;		/* never ask the kernel to decompress */
	const struct im_strlist *hard_blacklist;	/* skip these names (read
					 * by im_engine_new() only) */
	int verbose;
	int own_graph;			/* the engine takes the graph (see below) */
};

/* A worker thread; the monitor samples its CPU clock while it loads [lock]. */
struct im_worker {
	struct im_engine *e;
	int id;
	int busy;			/* in a load */
	int asleep;			/* the last sample saw it off the CPU */
	clockid_t clk;			/* its CPU-time clock */
	int have_clk;
	int tid;			/* its thread id (its /proc state) */
	double s_wall, s_cpu;		/* last sample, ms */
};

/*
 * Lifetime. An engine lives on the heap and outlives every worker: after a
 * deadline, run returns while stuck inits still hold workers inside the
 * kernel, and each of those comes back some time later and writes its
 * job's result. So the engine is freed by whoever leaves last: the caller
 * (im_engine_put) or the last worker. What a worker touches lives in the
 * engine: the jobs, a copy of the kernel interface and of the message sink
 * (after put, a late worker's messages go nowhere visible but are safe),
 * and the graph when o.own_graph is set (then *g is moved into the engine
 * and the caller's graph is left empty). Without own_graph the caller
 * keeps the graph alive until im_engine_workers_gone() said yes, as tests do.
 * The blacklist is read once, in im_engine_new().
 */
struct im_engine {
	struct im_graph *g;		/* [init] &graph or the caller's */
	struct im_kernel *k;		/* [init] &kernel */
	struct msgs *m;			/* [init] &msgs */
	struct im_graph graph;		/* owned when o.own_graph */
	struct im_kernel kernel;
	struct msgs msgs;
	struct im_engine_opts o;	/* [init] */
	struct im_job *jobs;		/* [lock] one per node below njobs */
	size_t njobs, cap;		/* [lock] nodes with a job / room */
	int hold;			/* [lock] run does not end while set */
	int rest_held;			/* [lock] only jobs on the root's way
					 * (im_node.first) start */
	int first_inflight;		/* [lock] of the loads in flight, those */
	struct im_strlist blacklist;	/* [init] the hard blacklist, a copy */
	struct strmap inodes;		/* [lock] "dev:ino" -> job + 1 */
	struct arena arena;		/* [lock] the inode keys */
	pthread_mutex_t lock;
	pthread_cond_t work, done;
	size_t *heap, nheap;		/* [lock] ready jobs, heaviest tail first */
	size_t remaining;		/* [lock] jobs not finished */
	int running;			/* [lock] workers alive */
	int put;			/* [lock] the caller let go (im_engine_put) */
	struct im_worker *workers;	/* o.max_threads of them */
	int inflight, asleep;		/* [lock] workers in a load / of those asleep */
	int used_threads;		/* [lock] highest worker id that ran a job + 1 */
	int peak_inflight;		/* [lock] most loads at once */
	int stall_said;			/* [lock] the watchdog spoke of this stall */
	struct im_load_env env;		/* what a load gets: kernel, sink, the
					 * options of a load, the clock (t0),
					 * the atomic stop and kdecomp_broken */
	struct im_mark *marks;		/* [lock] */
	size_t nmarks, cap_marks;
	double wall_ms;
};

/* Something that happened beside the loads, for the timeline (a uevent). */
struct im_mark {
	double t;			/* ms since engine start */
	char what[96];
};

struct im_engine_stats {
	size_t loaded, present, failed, skipped, unfinished;
	size_t nodevice;		/* a device's driver found no hardware
					 * (ENODEV, ENXIO): as udev, no failure */
	int requested_failed;		/* a requested module not loaded/present */
};

/*
 * A new engine for @g (see "Lifetime" above): *@ep, or NULL with -errno
 * returned. On failure nothing is left to free (an owned graph is freed).
 */
int im_engine_new(struct im_engine **ep, struct im_graph *g,
		  struct im_kernel *k, const struct im_engine_opts *o,
		  struct msgs *m);
/*
 * 0 when every job finished (and no hold is on), -ETIMEDOUT when the
 * deadline hit first.
 */
int im_engine_run(struct im_engine *e);
/*
 * While @on, im_engine_run() does not return when every job finished: a
 * source (coldplug's uevents) may still add work. Any thread may call it.
 */
void im_engine_hold(struct im_engine *e, int on);
/*
 * While @on, only jobs on the way to the root's storage (im_node.first)
 * start; the others wait, ready, until it is off. Any thread may call it.
 */
void im_engine_hold_rest(struct im_engine *e, int on);
/* 1 when a job on the root's way is loading or ready to start. */
int im_engine_first_busy(struct im_engine *e);
/* 1 when no job is unfinished (a source may still add some). */
int im_engine_idle(struct im_engine *e);
/* 1 once the deadline stopped the run. */
int im_engine_stopped(struct im_engine *e);
/* A mark on the timeline at this moment (dropped when out of memory). */
void im_engine_mark(struct im_engine *e, const char *what);
/* Have jobs [from, to) all ended (loaded, present, failed or skipped)? */
int im_engine_ended(struct im_engine *e, size_t from, size_t to);
/* Did job @i fail only because its device is not there (ENODEV, ENXIO)? */
int im_engine_no_device(const struct im_engine *e, size_t i);
/*
 * Grow the running plan, from any thread, before or while run() runs:
 * @add, a graph the caller resolved without the engine's lock (its names,
 * files, edges), is merged into the engine's graph under the lock
 * (im_graph_merge: @add stays the caller's to free). The new nodes become
 * jobs: each starts after its predecessors (those already finished count
 * as done; a failed hard one skips it); a module already in the plan is
 * never added twice (the graph's names), nor loaded twice (the once-guard
 * by inode). New edges into nodes planned before are dropped: their order
 * was settled. The new jobs are [*@from, *@to) (either may be NULL).
 * 0, or -errno when the new nodes could not join the run.
 */
int im_engine_grow(struct im_engine *e, struct im_graph *add, size_t *from,
		   size_t *to);
void im_engine_stats(struct im_engine *e, struct im_engine_stats *s);
const char *im_job_state_word(enum im_job_state s);
/* 1 when no worker is left (waiting up to @max_s seconds for them). */
int im_engine_workers_gone(struct im_engine *e, double max_s);
/*
 * The caller is done with @e (NULL is fine): freed now, or by the last
 * stuck worker when it returns. @e must not be used afterwards.
 */
void im_engine_put(struct im_engine *e);
/* Milliseconds since the run began (the clock of every job's times). */
double im_engine_now(const struct im_engine *e);

#endif
