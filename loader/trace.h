/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* trace.h - a finished engine run as a timeline: Chrome trace-event JSON (Perfetto) and an SVG Gantt chart. */
#ifndef INITMOD_TRACE_H
#define INITMOD_TRACE_H

#include "engine.h"

int im_trace_json(const struct im_engine *e, const char *path);
int im_trace_svg(const struct im_engine *e, const char *path);

/*
 * The kernel's side of a run, from a kernel trace (see im_ktrace_read): for
 * each load, how long it held each of the module loader's global locks and
 * how long it waited for contended ones. Events "LOCK__function" (entry)
 * and "LOCK__function__ret" (return) bracket a function that runs whole
 * under lock LOCK; lock:contention_begin/end bracket a wait. Attributed to
 * the job its worker thread ran at that moment.
 */
#define IM_KLOCKS 8

struct im_kjob {
	double hold[IM_KLOCKS];		/* ms held, the waits inside left out */
	double first[IM_KLOCKS];	/* ms since the engine's start: the first */
	double last[IM_KLOCKS];		/* section began, the last one ended */
	double wait;			/* ms blocked on contended locks */
	double wait_first[IM_KLOCKS];	/* of it, before the first section */
	double wait_last[IM_KLOCKS];	/* before the last section's end */
};

struct im_ktrace {
	int nlocks;
	char lock[IM_KLOCKS][24];	/* LOCK of the events, as named */
	struct im_kjob *job;		/* one per engine job */
	size_t njobs;
	size_t sections, waits;		/* attributed to a job */
	/*
	 * The locks the run's threads waited for longest, by address as the
	 * trace prints it: @busy is the union of the waits for it, time when
	 * some thread held it. Whoever held it, that hold was work of the
	 * loads no schedule removes: a lower bound on its total hold time.
	 */
	struct im_kbusy {
		char lock[24];
		double busy;
	} busy[IM_KLOCKS];
	int nbusy;
};

/*
 * Parse a trace (tracefs's "trace" file, trace_clock mono, no irq-info
 * column) into @kt for the finished run @e. 0, or -errno (@kt then empty).
 */
int im_ktrace_parse(const struct im_engine *e, FILE *f, struct im_ktrace *kt);
/*
 * The same from tracefs at @dir when the contention events are on or it
 * holds "initmod" probe events, and its clock is mono; else -ENOENT.
 */
int im_ktrace_read(const struct im_engine *e, const char *dir,
		   struct im_ktrace *kt);
void im_ktrace_free(struct im_ktrace *kt);

/*
 * What a perfect scheduler could not beat for this run (a lower bound):
 * - work: the CPU time the loads used (their workers' CPU clocks, kernel
 *   time included), less their waits for contended kernel locks when @kt
 *   says, spread over the vCPUs;
 * - path: the heaviest chain along the plan's edges (ending at module
 *   @path_end) of each load's measured wall time, less the time it waited
 *   for a contended kernel lock (when @kt says);
 * - serial: per global lock of the kernel, the time the lock must be held
 *   plus what must come before the first section and after the last, or
 *   the time others waited for it (@serial_lock, an index in kt->lock, or
 *   -2 - an index in kt->busy; 0 without @kt). See trace.c.
 * bound = max(path, work / vcpus, serial).
 */
struct im_bound {
	double wall_ms, work_ms, path_ms, bound_ms;
	double serial_ms;		/* the largest lock's term, 0 without a trace */
	double held_ms;			/* that lock's total hold time */
	int serial_lock;		/* its index in kt->lock, -1 none */
	int vcpus;
	size_t path_end;	/* SIZE_MAX: nothing ran */
};
void im_trace_bound(const struct im_engine *e, int vcpus,
		    const struct im_ktrace *kt, struct im_bound *b);
/*
 * One line: "schedule: wall ..., bound ... (wall/bound ...)", with the
 * kernel trace of @ktrace_dir when there is one (NULL: none).
 */
void im_trace_print_bound(const struct im_engine *e, int vcpus,
			  const char *ktrace_dir, FILE *f);

#endif
