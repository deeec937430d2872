/* trace.h - a finished engine run as a timeline: Chrome trace-event JSON (Perfetto) and an SVG Gantt chart. */
#ifndef INITMOD_TRACE_H
#define INITMOD_TRACE_H

#include "engine.h"

int im_trace_json(const struct im_engine *e, const char *path);
int im_trace_svg(const struct im_engine *e, const char *path);

#endif
