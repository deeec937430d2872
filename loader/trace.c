/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * trace.c - timelines of a run. JSON: one complete ("X") event per module on
 * its worker's track, with the wait before it (ready -> start) and the time
 * in the kernel call in args; opens in Perfetto or chrome://tracing. SVG: the
 * same as a Gantt chart, one row per worker. Bound: the run's own measured
 * durations turned into the limit the hardware allowed.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"

/* JSON string body: escape quotes, backslashes and control characters. */
static void json_str(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
}

int im_trace_json(const struct im_engine *e, const char *path)
{
	FILE *f = fopen(path, "w");
	int first = 1;
	size_t i;

	if (!f)
		return -errno;
	fputs("{\"traceEvents\":[\n", f);
	for (int t = 0; t < e->used_threads; t++) {
		fprintf(f, "%s{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":1,\"tid\":%d,\"args\":{\"name\":\"worker %d\"}}",
			first ? "" : ",\n", t, t);
		first = 0;
	}
	for (i = 0; i < e->njobs; i++) {
		const struct im_job *j = &e->jobs[i];
		double end = j->t_end > 0 ? j->t_end : e->wall_ms;

		if (j->thread < 0)
			continue;
		fprintf(f, ",\n{\"ph\":\"X\",\"pid\":1,\"tid\":%d,\"name\":\"", j->thread);
		json_str(f, e->g->nodes[i].name);
		fprintf(f, "\",\"ts\":%.0f,\"dur\":%.0f,\"args\":{\"result\":\"%s\","
			   "\"wait_us\":%.0f,\"syscall_us\":%.0f,\"cpu_us\":%.0f,\"why\":\"",
			j->t_start * 1e3, (end - j->t_start) * 1e3, im_job_state_word(j->st),
			(j->t_start - j->t_ready) * 1e3,
			j->t_call > 0 ? (end - j->t_call) * 1e3 : 0.0, j->cpu_ms * 1e3);
		json_str(f, j->why);
		fputs("\"}}", f);
	}
	for (i = 0; i < e->nmarks; i++) {	/* uevents: instant events */
		fprintf(f, ",\n{\"ph\":\"i\",\"s\":\"g\",\"pid\":1,\"tid\":0,\"ts\":%.0f,\"name\":\"",
			e->marks[i].t * 1e3);
		json_str(f, e->marks[i].what);
		fputs("\"}", f);
	}
	fputs("\n],\"displayTimeUnit\":\"ms\"}\n", f);
	return fclose(f) == 0 ? 0 : -errno;
}

static void xml_str(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

int im_trace_svg(const struct im_engine *e, const char *path)
{
	const double W = 1200, row = 28, left = 80, top = 30;
	const int rows = e->used_threads > 0 ? e->used_threads : 1;
	double total = e->wall_ms > 0 ? e->wall_ms : 1, scale = (W - left - 20) / total;
	FILE *f = fopen(path, "w");
	size_t i;

	if (!f)
		return -errno;
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
		   "font-family=\"sans-serif\" font-size=\"11\">\n", W,
		top + row * rows + 40);
	fprintf(f, "<text x=\"%.0f\" y=\"18\" font-size=\"13\">initmod: %zu modules, %d workers (CPU slots: %d), %.1f ms</text>\n",
		left, e->njobs, rows, e->o.threads, total);
	for (int t = 0; t < rows; t++)
		fprintf(f, "<text x=\"4\" y=\"%.0f\">worker %d</text>\n",
			top + row * t + row * 0.65, t);
	for (i = 0; i < e->njobs; i++) {
		const struct im_job *j = &e->jobs[i];
		double end = j->t_end > 0 ? j->t_end : total, x, w;
		const char *color = j->st == IM_JOB_FAILED ? "#d9534f" :
				    j->st == IM_JOB_PRESENT ? "#aaaaaa" :
				    j->st == IM_JOB_RUN ? "#f0ad4e" : "#5b9bd5";

		if (j->thread < 0)
			continue;
		x = left + j->t_start * scale;
		w = (end - j->t_start) * scale;
		fprintf(f, "<rect x=\"%.2f\" y=\"%.0f\" width=\"%.2f\" height=\"%.0f\" fill=\"%s\" stroke=\"#ffffff\" stroke-width=\"0.5\"><title>",
			x, top + row * j->thread, w < 0.5 ? 0.5 : w, row - 4, color);
		xml_str(f, e->g->nodes[i].name);
		fprintf(f, ": %s, %.1f ms (waited %.1f ms)", im_job_state_word(j->st),
			end - j->t_start, j->t_start - j->t_ready);
		fputs("</title></rect>\n", f);
		if (w > 6.0 * strlen(e->g->nodes[i].name)) {
			fprintf(f, "<text x=\"%.1f\" y=\"%.0f\" fill=\"#fff\">", x + 2,
				top + row * j->thread + row * 0.6);
			xml_str(f, e->g->nodes[i].name);
			fputs("</text>\n", f);
		}
	}
	for (i = 0; i < e->nmarks; i++) {	/* uevents: a tick above the rows */
		fprintf(f, "<line x1=\"%.2f\" x2=\"%.2f\" y1=\"%.0f\" y2=\"%.0f\" stroke=\"#2e7d32\"><title>",
			left + e->marks[i].t * scale, left + e->marks[i].t * scale,
			top - 8, top + row * rows);
		xml_str(f, e->marks[i].what);
		fprintf(f, " at %.1f ms</title></line>\n", e->marks[i].t);
	}
	fprintf(f, "<text x=\"%.0f\" y=\"%.0f\">0</text><text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">%.1f ms</text>\n",
		left, top + row * rows + 20, W - 20,
		top + row * rows + 20, total);
	fputs("</svg>\n", f);
	return fclose(f) == 0 ? 0 : -errno;
}

static double job_ms(const struct im_engine *e, size_t i)
{
	const struct im_job *j = &e->jobs[i];
	double end = j->t_end > 0 ? j->t_end : e->wall_ms;

	return j->thread >= 0 && end > j->t_start ? end - j->t_start : 0;
}

void im_trace_bound(const struct im_engine *e, int vcpus, struct im_bound *b)
{
	const struct im_graph *g = e->g;
	double *fin = calloc(g->n ? g->n : 1, sizeof(*fin));
	size_t k, p;

	memset(b, 0, sizeof(*b));
	b->wall_ms = e->wall_ms;
	b->vcpus = vcpus > 0 ? vcpus : 1;
	b->path_end = SIZE_MAX;
	for (k = 0; k < g->n; k++) {
		size_t i = g->order ? g->order[k] : k;
		const struct im_node *n = &g->nodes[i];
		double start = 0;

		if (i >= e->njobs)
			continue;	/* a node that never joined the run */
		for (p = 0; fin && p < n->npred; p++)
			if (!n->pred[p].dropped && fin[n->pred[p].node] > start)
				start = fin[n->pred[p].node];
		b->work_ms += e->jobs[i].thread >= 0 ? e->jobs[i].cpu_ms : 0;
		if (fin)
			fin[i] = start + job_ms(e, i);
		if (fin && (b->path_end == SIZE_MAX || fin[i] > b->path_ms)) {
			b->path_ms = fin[i];
			b->path_end = i;
		}
	}
	free(fin);
	b->bound_ms = b->work_ms / b->vcpus > b->path_ms ?
		      b->work_ms / b->vcpus : b->path_ms;
}

void im_trace_print_bound(const struct im_engine *e, int vcpus, FILE *f)
{
	struct im_bound b;

	im_trace_bound(e, vcpus, &b);
	fprintf(f, "initmod: schedule: wall %.1f ms, cpu %.1f ms on %d CPUs, "
		   "heaviest chain %.1f ms (ends at %s), bound %.1f ms, wall/bound %.2f\n",
		b.wall_ms, b.work_ms, b.vcpus, b.path_ms,
		b.path_end == SIZE_MAX ? "-" : e->g->nodes[b.path_end].name,
		b.bound_ms, b.bound_ms > 0 ? b.wall_ms / b.bound_ms : 0);
}
