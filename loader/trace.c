/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * trace.c - timelines of a run. JSON: one complete ("X") event per module on
 * its worker's track, with the wait before it (ready -> start) and the time
 * in the kernel call in args; opens in Perfetto or chrome://tracing. SVG: the
 * same as a Gantt chart, one row per worker. Bound: the run's own measured
 * durations, and the kernel's lock sections from a kernel trace, turned into
 * the limit the hardware and the kernel allowed.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* ---- the kernel trace ---- */

/* One thread of the trace: its open sections and contended waits. */
struct kt_thread {
	int tid;
	double wait_begin;		/* ms, < 0: not waiting */
	char wait_lock[24];		/* what for */
	double waited;			/* ms waited so far */
	struct kt_open {
		char ev[64];
		double t, waited;	/* entry time, waited by then */
		double job_waited;	/* its job's wait by then */
	} open[8];
	int nopen;
};

struct kt_parse {
	const struct im_engine *e;
	struct im_ktrace *kt;
	struct kt_ran {			/* the jobs that ran, by (tid, start) */
		int tid;
		double start, end;
		size_t job;
	} *ran;
	size_t nran;
	struct kt_thread *th;
	size_t nth, capth;
	struct kt_wait {		/* every wait, for the busy times */
		char lock[24];
		double from, to;
	} *w;
	size_t nw, capw;
};

static int job_tid(const struct im_engine *e, size_t i)
{
	int t = e->jobs[i].thread;

	return t >= 0 && t < e->o.max_threads ? e->workers[t].tid : 0;
}

static int ran_cmp(const void *a, const void *b)
{
	const struct kt_ran *x = a, *y = b;

	if (x->tid != y->tid)
		return x->tid < y->tid ? -1 : 1;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* The job thread @tid ran at @t (ms), or SIZE_MAX. */
static size_t job_at(const struct kt_parse *p, int tid, double t)
{
	size_t lo = 0, hi = p->nran;
	const struct kt_ran *r;

	while (lo < hi) {	/* first job past (tid, t) */
		size_t m = (lo + hi) / 2;

		if (p->ran[m].tid < tid ||
		    (p->ran[m].tid == tid && p->ran[m].start <= t))
			lo = m + 1;
		else
			hi = m;
	}
	if (!lo)
		return SIZE_MAX;
	r = &p->ran[lo - 1];
	return r->tid == tid && t <= r->end ? r->job : SIZE_MAX;
}

static struct kt_thread *thread_of(struct kt_parse *p, int tid)
{
	struct kt_thread th = { .tid = tid, .wait_begin = -1 };
	size_t i;

	for (i = 0; i < p->nth; i++)
		if (p->th[i].tid == tid)
			return &p->th[i];
	if (VEC_PUSH(p->th, p->nth, p->capth, th) < 0)
		return NULL;
	return &p->th[p->nth - 1];
}

static int lock_index(struct im_ktrace *kt, const char *name, size_t len)
{
	int k;

	if (!len || len >= sizeof(kt->lock[0]))
		return -1;
	for (k = 0; k < kt->nlocks; k++)
		if (strlen(kt->lock[k]) == len && !memcmp(kt->lock[k], name, len))
			return k;
	if (kt->nlocks == IM_KLOCKS)
		return -1;
	memcpy(kt->lock[k], name, len);
	kt->lock[k][len] = '\0';
	return kt->nlocks++;
}

/* A section of @th ended at @t: held from @o->t, less the waits inside. */
static void section(struct kt_parse *p, struct kt_thread *th,
		    const struct kt_open *o, double t)
{
	const char *sep = strstr(o->ev, "__");
	size_t j = job_at(p, th->tid, o->t);
	struct im_kjob *kj;
	double held = t - o->t - (th->waited - o->waited);
	int k;

	if (!sep || j == SIZE_MAX || job_at(p, th->tid, t) != j)
		return;
	k = lock_index(p->kt, o->ev, (size_t)(sep - o->ev));
	if (k < 0)
		return;
	kj = &p->kt->job[j];
	kj->hold[k] += held > 0 ? held : 0;
	if (kj->first[k] < 0 || o->t < kj->first[k]) {
		kj->first[k] = o->t;
		kj->wait_first[k] = o->job_waited;
	}
	if (t > kj->last[k]) {
		kj->last[k] = t;
		kj->wait_last[k] = kj->wait;
	}
	p->kt->sections++;
}

/*
 * One line: "COMM-TID [CPU] SECONDS: EVENT: ...". Entry and return of a
 * probe, or a contended wait's begin and end.
 */
static int kt_line(struct kt_parse *p, const char *line, double t0_ms)
{
	char ev[64];
	const char *br = strstr(line, " ["), *d, *e;
	struct kt_thread *th;
	double secs, t;
	size_t n;
	int tid;

	if (*line == '#' || !br)
		return 0;
	for (e = br; e > line && e[-1] == ' '; e--)
		;
	for (d = e; d > line && d[-1] >= '0' && d[-1] <= '9'; d--)
		;
	if (d == e || d == line || d[-1] != '-')
		return 0;
	tid = atoi(d);
	br = strchr(br, ']');
	if (!br || (sscanf(br + 1, " %lf: %63[^: ]:", &secs, ev) != 2 &&
		    sscanf(br + 1, " %*[^:0-9]%lf: %63[^: ]:", &secs, ev) != 2))
		return 0;	/* (the second: with the irq-info column) */
	t = secs * 1e3 - t0_ms;
	th = thread_of(p, tid);
	if (!th)
		return -ENOMEM;
	if (!strcmp(ev, "contention_begin")) {
		const char *a = strstr(br, "contention_begin: ");

		if (th->wait_begin >= 0)
			return 0;	/* (a mutex's spin, then its sleep) */
		th->wait_begin = t;
		if (!a || sscanf(a + 18, "%23s", th->wait_lock) != 1)
			strcpy(th->wait_lock, "?");
		return 0;
	}
	if (!strcmp(ev, "contention_end")) {
		struct kt_wait w = { .from = th->wait_begin, .to = t };
		size_t j = job_at(p, tid, t);

		if (th->wait_begin < 0)
			return 0;
		memcpy(w.lock, th->wait_lock, sizeof(w.lock));
		if (VEC_PUSH(p->w, p->nw, p->capw, w) < 0)
			return -ENOMEM;
		th->waited += t - th->wait_begin;
		if (j != SIZE_MAX && job_at(p, tid, th->wait_begin) == j) {
			p->kt->job[j].wait += t - th->wait_begin;
			p->kt->waits++;
		}
		th->wait_begin = -1;
		return 0;
	}
	n = strlen(ev);
	if (n > 5 && !strcmp(ev + n - 5, "__ret")) {
		ev[n - 5] = '\0';
		for (int o = th->nopen - 1; o >= 0; o--) {
			if (strcmp(th->open[o].ev, ev))
				continue;
			section(p, th, &th->open[o], t);
			th->open[o] = th->open[--th->nopen];
			break;
		}
		return 0;
	}
	if (strstr(ev, "__") && th->nopen < (int)(sizeof(th->open) / sizeof(th->open[0]))) {
		struct kt_open *o = &th->open[th->nopen++];

		size_t j = job_at(p, tid, t);

		memcpy(o->ev, ev, sizeof(o->ev));
		o->t = t;
		o->waited = th->waited;
		o->job_waited = j != SIZE_MAX ? p->kt->job[j].wait : 0;
	}
	return 0;
}

static int wait_cmp(const void *a, const void *b)
{
	const struct kt_wait *x = a, *y = b;
	int c = strcmp(x->lock, y->lock);

	return c ? c : x->from < y->from ? -1 : x->from > y->from;
}

/* Per lock, the union of the waits for it; the IM_KLOCKS largest kept. */
static void busy_times(struct kt_parse *p)
{
	struct im_ktrace *kt = p->kt;
	size_t i = 0, k;

	if (p->nw)
		qsort(p->w, p->nw, sizeof(*p->w), wait_cmp);
	while (i < p->nw) {
		struct im_kbusy b = { .busy = 0 };
		double end = -1e300;
		int slot = -1, m;

		memcpy(b.lock, p->w[i].lock, sizeof(b.lock));
		for (k = i; k < p->nw && !strcmp(p->w[k].lock, b.lock); k++) {
			double from = p->w[k].from > end ? p->w[k].from : end;

			if (p->w[k].to > from)
				b.busy += p->w[k].to - from;
			if (p->w[k].to > end)
				end = p->w[k].to;
		}
		i = k;
		if (kt->nbusy < IM_KLOCKS) {
			slot = kt->nbusy++;
		} else {
			for (m = 0; m < kt->nbusy; m++)
				if (kt->busy[m].busy < b.busy &&
				    (slot < 0 || kt->busy[m].busy < kt->busy[slot].busy))
					slot = m;
		}
		if (slot >= 0)
			kt->busy[slot] = b;
	}
}

void im_ktrace_free(struct im_ktrace *kt)
{
	free(kt->job);
	memset(kt, 0, sizeof(*kt));
}

int im_ktrace_parse(const struct im_engine *e, FILE *f, struct im_ktrace *kt)
{
	struct kt_parse p = { .e = e, .kt = kt };
	double t0_ms = e->env.t0.tv_sec * 1e3 + e->env.t0.tv_nsec / 1e6;
	char line[512];
	size_t i;
	int err = 0, k;

	memset(kt, 0, sizeof(*kt));
	kt->njobs = e->njobs;
	kt->job = calloc(e->njobs ? e->njobs : 1, sizeof(*kt->job));
	p.ran = malloc((e->njobs ? e->njobs : 1) * sizeof(*p.ran));
	if (!kt->job || !p.ran) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < e->njobs; i++) {
		for (k = 0; k < IM_KLOCKS; k++)
			kt->job[i].first[k] = -1;
		if (job_tid(e, i) <= 0)
			continue;
		p.ran[p.nran].tid = job_tid(e, i);
		p.ran[p.nran].start = e->jobs[i].t_start;
		p.ran[p.nran].end = e->jobs[i].t_start + job_ms(e, i);
		p.ran[p.nran++].job = i;
	}
	if (p.nran)
		qsort(p.ran, p.nran, sizeof(*p.ran), ran_cmp);
	while (!err && fgets(line, sizeof(line), f))
		err = kt_line(&p, line, t0_ms);
	if (!err)
		busy_times(&p);
out:
	free(p.ran);
	free(p.th);
	free(p.w);
	if (err)
		im_ktrace_free(kt);
	return err;
}

int im_ktrace_read(const struct im_engine *e, const char *dir,
		   struct im_ktrace *kt)
{
	char path[PATH_MAX], clock[256];
	FILE *f;
	int err, waits = 0;

	memset(kt, 0, sizeof(*kt));
	snprintf(path, sizeof(path), "%s/events/lock/contention_begin/enable", dir);
	f = fopen(path, "r");
	if (f) {
		waits = fgetc(f) == '1';
		fclose(f);
	}
	snprintf(path, sizeof(path), "%s/events/initmod", dir);
	if (!waits && access(path, F_OK) < 0)
		return -ENOENT;	/* nobody set up a trace for us */
	snprintf(path, sizeof(path), "%s/trace_clock", dir);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	if (!fgets(clock, sizeof(clock), f) || !strstr(clock, "[mono]")) {
		fclose(f);
		return -ENOENT;	/* its times are not the engine's clock */
	}
	fclose(f);
	snprintf(path, sizeof(path), "%s/trace", dir);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	err = im_ktrace_parse(e, f, kt);
	fclose(f);
	return err;
}

/* ---- the bound ---- */

/*
 * The model. A load i takes d_i: its measured wall time less the time it
 * waited for a contended kernel lock (another load held it; a better
 * schedule might not have made it wait), and its CPU time less the same
 * waits counts as work (a mutex's waiter may spin while the holder runs). Part of d_i, s_ik, is spent holding
 * the kernel's global lock k (module_mutex, ftrace_lock, ...): no two loads
 * hold lock k at once, whatever the schedule. Nothing of load i's sections
 * on k can start before r_ik = (heaviest chain of d before i, along the
 * plan's edges) + (i's own time before its first section on k), and after
 * the last one ends at least q_ik = (i's own time after its last section) +
 * (heaviest chain of d after i) must follow. So for any set S of loads
 *     wall >= min r_ik + sum s_ik + min q_ik  (i in S),
 * the one-machine bound with heads and tails. serial_k is its largest
 * value over the sets {i: r_ik >= a, q_ik >= b}: O(m^2) for the m loads
 * that held k. The pre and post times leave out the load's waits before its
 * first section and after its last, hold times the waits inside, and
 * sections the trace did not bracket count as parallel: each step errs
 * low, so the bound stays a lower bound. A load with one section on k is
 * a chain through it: serial_k covers the heaviest chain. work / vcpus
 * remains the CPUs' limit.
 * Without probes on a lock's sections, the contention events still show
 * it: while a thread waited for lock k, someone held it. The union of those
 * waits is hold time the loads needed whatever the order (busy_times), a
 * weaker term (no heads or tails) that needs no probe: probes on kernel
 * functions go through ftrace, and a kernel with an ftrace user does more
 * under ftrace_lock and text_mutex for every module it loads.
 */
struct hbt {
	double r, q, s;
};

static int by_q_desc(const void *a, const void *b)
{
	double x = ((const struct hbt *)a)->q, y = ((const struct hbt *)b)->q;

	return x > y ? -1 : x < y;
}

static double one_machine_bound(struct hbt *v, size_t m)
{
	double best = 0;
	size_t a, i;

	qsort(v, m, sizeof(*v), by_q_desc);
	for (a = 0; a < m; a++) {
		double acc = 0;

		for (i = 0; i < m; i++) {
			if (v[i].r < v[a].r)
				continue;
			acc += v[i].s;
			if (v[a].r + acc + v[i].q > best)
				best = v[a].r + acc + v[i].q;
		}
	}
	return best;
}

/* Load @i's time, its kernel waits left out. */
static double job_d(const struct im_engine *e, const struct im_ktrace *kt,
		    size_t i)
{
	double d = job_ms(e, i);

	if (kt && kt->job && i < kt->njobs)
		d -= kt->job[i].wait;
	return d > 0 ? d : 0;
}

/*
 * Load @i's CPU time, less its kernel waits: a mutex's waiter spins on a
 * CPU while the holder runs, which a schedule without the wait would not
 * spend (leaving all of the wait out errs low).
 */
static double job_work(const struct im_engine *e, const struct im_ktrace *kt,
		       size_t i)
{
	double w = e->jobs[i].thread >= 0 ? e->jobs[i].cpu_ms : 0;

	if (kt && kt->job && i < kt->njobs)
		w -= kt->job[i].wait;
	return w > 0 ? w : 0;
}

static double serial_term(const struct im_engine *e, const struct im_ktrace *kt,
			  int k, const double *fin, const double *tail,
			  double *held)
{
	struct hbt *v = malloc((kt->njobs ? kt->njobs : 1) * sizeof(*v));
	size_t i, m = 0;
	double r;

	*held = 0;
	if (!v)
		return 0;	/* no term: still a lower bound */
	for (i = 0; i < kt->njobs && i < e->njobs; i++) {
		const struct im_kjob *kj = &kt->job[i];
		const struct im_job *j = &e->jobs[i];
		double d = job_d(e, kt, i), pre, post;

		if (kj->hold[k] <= 0 || kj->first[k] < 0)
			continue;
		pre = kj->first[k] - j->t_start - kj->wait_first[k];
		post = j->t_start + job_ms(e, i) - kj->last[k] -
		       (kj->wait - kj->wait_last[k]);
		v[m].r = fin[i] - d + (pre > 0 ? pre : 0);
		v[m].q = (post > 0 ? post : 0) + tail[i];
		v[m].s = kj->hold[k];
		*held += kj->hold[k];
		m++;
	}
	r = one_machine_bound(v, m);
	free(v);
	return r;
}

void im_trace_bound(const struct im_engine *e, int vcpus,
		    const struct im_ktrace *kt, struct im_bound *b)
{
	const struct im_graph *g = e->g;
	size_t nn = g->n ? g->n : 1;
	double *fin = calloc(nn, sizeof(*fin)), *tail = calloc(nn, sizeof(*tail));
	size_t k, p;

	memset(b, 0, sizeof(*b));
	b->wall_ms = e->wall_ms;
	b->vcpus = vcpus > 0 ? vcpus : 1;
	b->path_end = SIZE_MAX;
	b->serial_lock = -1;
	if (kt && !kt->job)
		kt = NULL;
	for (k = 0; k < g->n; k++) {
		size_t i = g->order ? g->order[k] : k;
		const struct im_node *n = &g->nodes[i];
		double start = 0;

		if (i >= e->njobs)
			continue;	/* a node that never joined the run */
		for (p = 0; fin && p < n->npred; p++)
			if (!n->pred[p].dropped && fin[n->pred[p].node] > start)
				start = fin[n->pred[p].node];
		b->work_ms += job_work(e, kt, i);
		if (fin)
			fin[i] = start + job_d(e, kt, i);
		if (fin && (b->path_end == SIZE_MAX || fin[i] > b->path_ms)) {
			b->path_ms = fin[i];
			b->path_end = i;
		}
	}
	/* heaviest chain after each load, in reverse plan order */
	for (k = g->n; fin && tail && kt && k-- > 0;) {
		size_t i = g->order ? g->order[k] : k;
		const struct im_node *n = &g->nodes[i];

		if (i >= e->njobs)
			continue;
		for (p = 0; p < n->nsucc; p++) {
			size_t s = n->succ[p].node;

			if (!n->succ[p].dropped && s < e->njobs &&
			    job_d(e, kt, s) + tail[s] > tail[i])
				tail[i] = job_d(e, kt, s) + tail[s];
		}
	}
	for (int l = 0; fin && tail && kt && l < kt->nlocks; l++) {
		double held, t = serial_term(e, kt, l, fin, tail, &held);

		if (t > b->serial_ms) {
			b->serial_ms = t;
			b->held_ms = held;
			b->serial_lock = l;
		}
	}
	for (int l = 0; kt && l < kt->nbusy; l++) {
		if (kt->busy[l].busy > b->serial_ms) {
			b->serial_ms = kt->busy[l].busy;
			b->held_ms = kt->busy[l].busy;
			b->serial_lock = -2 - l;
		}
	}
	free(fin);
	free(tail);
	b->bound_ms = b->work_ms / b->vcpus > b->path_ms ?
		      b->work_ms / b->vcpus : b->path_ms;
	if (b->serial_ms > b->bound_ms)
		b->bound_ms = b->serial_ms;
}

void im_trace_print_bound(const struct im_engine *e, int vcpus,
			  const char *ktrace_dir, FILE *f)
{
	struct im_ktrace kt = { 0 };
	struct im_bound b;
	char serial[96] = "serial - (no kernel trace)";

	if (ktrace_dir)
		(void)im_ktrace_read(e, ktrace_dir, &kt);	/* none: no term */
	im_trace_bound(e, vcpus, kt.job ? &kt : NULL, &b);
	if (kt.job && b.serial_lock <= -2)
		snprintf(serial, sizeof(serial), "serial %.1f ms (lock %s waited for)",
			 b.serial_ms, kt.busy[-2 - b.serial_lock].lock);
	else if (kt.job)
		snprintf(serial, sizeof(serial), "serial %.1f ms (%s held %.1f ms)",
			 b.serial_ms, b.serial_lock >= 0 ? kt.lock[b.serial_lock] : "-",
			 b.held_ms);
	fprintf(f, "initmod: schedule: wall %.1f ms, cpu %.1f ms on %d CPUs, "
		   "heaviest chain %.1f ms (ends at %s), %s, bound %.1f ms, wall/bound %.2f\n",
		b.wall_ms, b.work_ms, b.vcpus, b.path_ms,
		b.path_end == SIZE_MAX ? "-" : e->g->nodes[b.path_end].name,
		serial, b.bound_ms, b.bound_ms > 0 ? b.wall_ms / b.bound_ms : 0);
	im_ktrace_free(&kt);
}
