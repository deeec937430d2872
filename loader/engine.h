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
#include "../config/modprobe_d.h"
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

struct im_job {
	enum im_job_state st;		/* read and written under the lock */
	enum im_job_state result;	/* the worker's outcome, copied to st */
	size_t pending;			/* unfinished predecessors */
	int err;			/* -errno of the failing call, 0 */
	char why[320];			/* failure or skip reason, in words */
	int doomed;			/* a hard predecessor failed */
	int warned;			/* watchdog said it is slow */
	int thread;			/* worker that ran it, -1 none */
	double t_ready, t_start, t_call, t_end;	/* ms since engine start */
	double cpu_ms;			/* CPU time of its worker during the load */
	size_t same_file;		/* SIZE_MAX, or the job with this inode */
};

struct im_engine_opts {
	int threads;			/* loads on a CPU at once, >= 1 */
	int max_threads;		/* loads at once, counting those asleep in
					 * the kernel; < threads: = threads */
	double warn_after_s;		/* watchdog, 0 = off */
	double timeout_s;		/* give up waiting, 0 = never */
	int ignore_install;
	int user_decompress;		/* never ask the kernel to decompress */
	const struct im_strlist *hard_blacklist;	/* skip these names */
	int verbose;
};

/* A worker thread; the monitor samples its CPU clock while it loads. */
struct im_worker {
	struct im_engine *e;
	int id;
	int busy;			/* in a load */
	int asleep;			/* the last sample saw it off the CPU */
	clockid_t clk;			/* its CPU-time clock */
	int have_clk;
	double s_wall, s_cpu;		/* last sample, ms */
};

struct im_engine {
	struct im_graph *g;
	struct im_kernel *k;
	struct msgs *m;
	struct im_engine_opts o;
	struct im_job *jobs;
	pthread_mutex_t lock;
	pthread_cond_t work, done;
	size_t *heap, nheap;		/* ready jobs, heaviest tail first */
	size_t remaining;		/* jobs not finished */
	int stop;			/* timeout: workers quit */
	int running;			/* workers alive */
	struct im_worker *workers;	/* o.max_threads of them */
	int inflight, asleep;		/* workers in a load / of those asleep */
	int used_threads;		/* highest worker id that ran a job + 1 */
	int peak_inflight;		/* most loads at once */
	enum im_comp kcomp;		/* what the kernel decompresses */
	int kdecomp_broken;		/* the kernel refused the flag once */
	struct timespec t0;
	double wall_ms;
};

struct im_engine_stats {
	size_t loaded, present, failed, skipped, unfinished;
	int requested_failed;		/* a requested module not loaded/present */
};

/* On failure, only im_engine_free() may follow. */
int im_engine_init(struct im_engine *e, struct im_graph *g,
		   struct im_kernel *k, const struct im_engine_opts *o,
		   struct msgs *m);
/* 0 when every job finished, -ETIMEDOUT when the deadline hit first. */
int im_engine_run(struct im_engine *e);
void im_engine_stats(struct im_engine *e, struct im_engine_stats *s);
const char *im_job_state_word(enum im_job_state s);
/* 1 when no worker is left (waiting up to @max_s seconds for them). */
int im_engine_workers_gone(struct im_engine *e, double max_s);
/* Frees nothing while a stuck worker may still use the engine. */
void im_engine_free(struct im_engine *e);
double im_engine_now(const struct im_engine *e);

/* What an errno from finit_module/init_module means for a module load. */
const char *im_load_errmsg(int err);

#endif
