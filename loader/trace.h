/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* trace.h - a finished engine run as a timeline: Chrome trace-event JSON (Perfetto) and an SVG Gantt chart. */
#ifndef INITMOD_TRACE_H
#define INITMOD_TRACE_H

#include "engine.h"

int im_trace_json(const struct im_engine *e, const char *path);
int im_trace_svg(const struct im_engine *e, const char *path);

/*
 * What the hardware allowed for this run: work is the CPU time the loads
 * used (their workers' CPU clocks, kernel time included), path the heaviest
 * chain of measured wall times along the plan's edges (ending at module
 * @path_end), bound = max(path, work / vcpus).
 */
struct im_bound {
	double wall_ms, work_ms, path_ms, bound_ms;
	int vcpus;
	size_t path_end;	/* SIZE_MAX: nothing ran */
};
void im_trace_bound(const struct im_engine *e, int vcpus, struct im_bound *b);
/* One line: "schedule: wall ..., bound ... (wall/bound ...)". */
void im_trace_print_bound(const struct im_engine *e, int vcpus, FILE *f);

#endif
