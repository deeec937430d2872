/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * engine.c - the scheduler: a ready heap ordered by remaining critical path,
 * workers that start a load while fewer than N loads are on a CPU (loads
 * asleep in the kernel do not count, up to max_threads in flight),
 * completion propagated along the DAG under one mutex (the work under it is
 * O(edges) in total), a watchdog and a deadline in the caller.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <stddef.h>

#include "engine.h"

double im_engine_now(const struct im_engine *e)
{
	return im_ms_since(&e->env.t0);
}

/* ---- ready heap: larger tail first, then lower index ---- */

/* A job's rank on the root's way: the disk's drivers, its filesystem, none. */
static int rank(const struct im_node *n)
{
	return n->first & IM_FIRST_STORAGE ? 2 : n->first ? 1 : 0;
}

/*
 * Which ready job goes first: one on the way to a storage device's driver
 * (the root is usually there; the disk appears only once they loaded),
 * then the root's filesystem (needed only at the mount), then the heaviest
 * path to a sink, then the plan's order.
 */
static int before(const struct im_engine *e, size_t a, size_t b)
{
	const struct im_node *na = &e->g->nodes[a], *nb = &e->g->nodes[b];

	if (rank(na) != rank(nb))
		return rank(na) > rank(nb);
	return na->tail != nb->tail ? na->tail > nb->tail : a < b;
}

static void heap_push(struct im_engine *e, size_t j)
{
	size_t i = e->nheap++;

	while (i > 0 && before(e, j, e->heap[(i - 1) / 2])) {
		e->heap[i] = e->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	e->heap[i] = j;
}

static size_t heap_pop(struct im_engine *e)
{
	size_t top = e->heap[0], last = e->heap[--e->nheap], i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= e->nheap)
			break;
		if (c + 1 < e->nheap && before(e, e->heap[c + 1], e->heap[c]))
			c++;
		if (!before(e, e->heap[c], last))
			break;
		e->heap[i] = e->heap[c];
		i = c;
	}
	if (e->nheap)
		e->heap[i] = last;
	return top;
}

/* ---- completion ---- */

const char *im_job_state_word(enum im_job_state s)
{
	switch (s) {
	case IM_JOB_LOADED: return "loaded";
	case IM_JOB_PRESENT: return "already present";
	case IM_JOB_FAILED: return "failed";
	case IM_JOB_SKIPPED: return "skipped";
	case IM_JOB_RUN: return "unfinished";
	default: return "not started";
	}
}

static int job_ok(const struct im_job *j)
{
	return j->st == IM_JOB_LOADED || j->st == IM_JOB_PRESENT;
}

static void make_ready(struct im_engine *e, size_t i);

/* Does a failure of the edge's source skip @to? Softdeps do not, except a
 * post: softdep pulled in only for its module (kmod loads it after). */
static int edge_is_hard(const struct im_engine *e, const struct im_edge *ed,
			size_t to)
{
	return ed->kind == IM_EDGE_HARD ||
	       (ed->kind == IM_EDGE_POST && !e->g->nodes[to].requested);
}

/* Job @s will be skipped: @i, which it needs, did not load (lock held). */
static void doom(struct im_engine *e, size_t s, size_t i)
{
	struct im_job *sj = &e->jobs[s];
	const struct im_job *j = &e->jobs[i];
	const char *name = e->g->nodes[i].name;

	if (sj->doomed)
		return;
	sj->doomed = 1;
	sj->dep_err = j->st == IM_JOB_SKIPPED ? j->dep_err : j->err;
	if (sj->same_file == i)
		snprintf(sj->why, sizeof(sj->why),
			 "same file as %s, which did not load", name);
	else
		snprintf(sj->why, sizeof(sj->why), "dependency %s %s", name,
			 j->st == IM_JOB_SKIPPED ? "was skipped" : "failed");
}

/* Job @i ended (lock held): tell its successors. */
static void finish(struct im_engine *e, size_t i)
{
	struct im_node *n = &e->g->nodes[i];
	struct im_job *j = &e->jobs[i];
	size_t k;

	j->t_end = im_engine_now(e);
	e->remaining--;
	if (e->o.verbose > 0 && j->thread >= 0)
		msg_info(e->m, "%s: %s in %.1f ms (worker %d, waited %.1f ms)%s%s",
			 n->name, im_job_state_word(j->st), j->t_end - j->t_start,
			 j->thread, j->t_start - j->t_ready, *j->why ? ": " : "",
			 j->why);
	for (k = 0; k < n->nsucc; k++) {
		const struct im_edge *ed = &n->succ[k];

		if (ed->dropped || ed->node >= e->njobs)
			continue;	/* (a node that could not join the run) */
		if (!job_ok(j) && edge_is_hard(e, ed, ed->node))
			doom(e, ed->node, i);
		if (--e->jobs[ed->node].pending == 0)
			make_ready(e, ed->node);
	}
	if (e->remaining == 0)
		pthread_cond_broadcast(&e->done);
}

/* All predecessors of @i finished (lock held). */
static void make_ready(struct im_engine *e, size_t i)
{
	struct im_job *j = &e->jobs[i];

	j->t_ready = im_engine_now(e);
	if (j->doomed) {
		j->st = IM_JOB_SKIPPED;
		j->t_start = j->t_ready;
		finish(e, i);
		return;
	}
	j->st = IM_JOB_READY;
	heap_push(e, i);
	pthread_cond_signal(&e->work);
}

/* CPU time of the calling thread, ms. */
static double thread_cpu_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/*
 * A free slot (lock held): fewer loads on a CPU than threads, fewer in
 * flight than max. The way to a storage device (the root) does not queue
 * behind other loads on the CPUs: when the next ready job is one, only
 * max counts (such jobs are few: a controller's and a disk's driver).
 */
/* The IM_FIRST_* bits of the next ready job (lock held), 0 when none. */
static int top_first(const struct im_engine *e)
{
	return e->nheap ? e->g->nodes[e->heap[0]].first : 0;
}

static int can_start(const struct im_engine *e)
{
	int first = top_first(e);

	if (e->inflight >= e->o.max_threads || (e->rest_held && !first))
		return 0;
	return e->inflight - e->asleep < e->o.threads ||
	       (first & IM_FIRST_STORAGE);
}

/* Worker @w takes job @i (lock held). */
static void job_begin(struct im_engine *e, struct im_worker *w, size_t i)
{
	struct timespec ts;

	e->jobs[i].st = IM_JOB_RUN;
	e->jobs[i].thread = w->id;
	e->jobs[i].t_start = im_engine_now(e);
	if (w->id >= e->used_threads)
		e->used_threads = w->id + 1;
	if (++e->inflight > e->peak_inflight)
		e->peak_inflight = e->inflight;
	e->jobs[i].first = !!e->g->nodes[i].first;
	e->first_inflight += e->jobs[i].first;
	w->busy = 1;
	w->asleep = 0;
	w->s_wall = e->jobs[i].t_start;
	w->s_cpu = w->have_clk && clock_gettime(w->clk, &ts) == 0 ?
		   ts.tv_sec * 1e3 + ts.tv_nsec / 1e6 : 0;
	if (e->o.verbose > 0)
		msg_info(e->m, "%s: loading (worker %d)", e->g->nodes[i].name,
			 w->id);
}

/* What a worker needs for job @i, copied under the lock (see load.h). */
static void load_in(const struct im_engine *e, size_t i, struct im_load *l)
{
	const struct im_node *n = &e->g->nodes[i];
	const struct im_job *j = &e->jobs[i];

	memset(l, 0, offsetof(struct im_load, why) + 1);
	l->name = n->name;
	l->path = n->path;
	l->options = n->options;
	l->install = n->install;
	l->builtin = n->builtin;
	l->blacklisted = j->blacklisted;
	l->same_file = j->same_file != SIZE_MAX;
}

static enum im_job_state job_state(enum im_load_result r)
{
	switch (r) {
	case IM_LOAD_LOADED: return IM_JOB_LOADED;
	case IM_LOAD_PRESENT: return IM_JOB_PRESENT;
	case IM_LOAD_SKIPPED: return IM_JOB_SKIPPED;
	default: return IM_JOB_FAILED;
	}
}

/* Worker @w is done with job @i, its outcome in @l (lock held). */
static void job_end(struct im_engine *e, struct im_worker *w, size_t i,
		    const struct im_load *l, double cpu_ms)
{
	struct im_job *j = &e->jobs[i];

	e->inflight--;
	e->first_inflight -= e->jobs[i].first;
	e->asleep -= w->asleep;
	w->busy = w->asleep = 0;
	j->st = job_state(l->result);
	j->err = l->err;
	j->t_call = l->t_call;
	j->cpu_ms = cpu_ms;
	if (*l->why)
		memcpy(j->why, l->why, sizeof(j->why));
	finish(e, i);
	if (!e->remaining && !e->hold)
		pthread_cond_broadcast(&e->work);
}

static void engine_destroy(struct im_engine *e);

static void *worker_main(void *arg)
{
	struct im_worker *w = arg;
	struct im_engine *e = w->e;
	int last;

	pthread_mutex_lock(&e->lock);
	w->have_clk = pthread_getcpuclockid(pthread_self(), &w->clk) == 0;
	w->tid = (int)syscall(SYS_gettid);
	for (;;) {
		struct im_load l;
		double cpu;
		size_t i;

		while (!(e->nheap && can_start(e)) && (e->remaining || e->hold) &&
		       !e->env.stop)
			pthread_cond_wait(&e->work, &e->lock);
		if (!e->nheap || e->env.stop)
			break;		/* all done, or past the deadline */
		i = heap_pop(e);
		job_begin(e, w, i);
		load_in(e, i, &l);
		pthread_mutex_unlock(&e->lock);
		cpu = thread_cpu_ms();
		im_load_run(&e->env, &l);
		cpu = thread_cpu_ms() - cpu;
		pthread_mutex_lock(&e->lock);
		job_end(e, w, i, &l, cpu);
	}
	e->running--;
	last = e->put && !e->running;
	pthread_cond_broadcast(&e->done);
	pthread_mutex_unlock(&e->lock);
	if (last)	/* the caller let go during our load: ours to free */
		engine_destroy(e);
	return NULL;
}

/*
 * Is thread @tid runnable (state R in /proc: on a CPU or waiting for one)?
 * 1, 0, or -1 when /proc does not say.
 */
static int runnable(int tid)
{
	char path[64], buf[256], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] == 'R' : -1;
}

/*
 * Which loads are asleep in the kernel (lock held): a worker that used less
 * than a quarter of the wall time on a CPU since the last sample, and is
 * not runnable now, is asleep, and its CPU slot goes to the next ready
 * module. A runnable one is never asleep: on a machine with more loads
 * than CPUs each gets less than a quarter, and would look asleep.
 */
static void sample_workers(struct im_engine *e, double now)
{
	int asleep = 0, t;

	for (t = 0; t < e->o.max_threads; t++) {
		struct im_worker *w = &e->workers[t];
		struct timespec ts;
		double cpu;

		if (!w->busy || !w->have_clk)
			continue;
		if (now - w->s_wall >= 8 && clock_gettime(w->clk, &ts) == 0) {
			cpu = ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
			w->asleep = cpu - w->s_cpu < 0.25 * (now - w->s_wall) &&
				    runnable(w->tid) != 1;
			w->s_cpu = cpu;
			w->s_wall = now;
		}
		asleep += w->asleep;
	}
	if (asleep > e->asleep && e->nheap)
		pthread_cond_broadcast(&e->work);
	e->asleep = asleep;
}

/*
 * Jobs [from, g->n): the once-guard by inode (two names, one file: the
 * second waits for the first and copies its outcome), the blacklist.
 */
static int new_jobs(struct im_engine *e, size_t from)
{
	size_t i;
	int err = 0;

	for (i = from; i < e->g->n && !err; i++) {
		struct im_node *n = &e->g->nodes[i];
		char key[48], *k;
		struct stat st;
		void *prev;

		memset(&e->jobs[i], 0, sizeof(e->jobs[i]));
		e->jobs[i].same_file = SIZE_MAX;
		e->jobs[i].thread = -1;
		e->jobs[i].blacklisted = im_strlist_has(&e->blacklist, n->name);
		if (!n->path || n->builtin || stat(n->path, &st) < 0)
			continue;
		snprintf(key, sizeof(key), "%llx:%llx",
			 (unsigned long long)st.st_dev,
			 (unsigned long long)st.st_ino);
		prev = strmap_get(&e->inodes, key);
		if (!prev) {
			k = arena_strndup(&e->arena, key, strlen(key));
			err = k ? strmap_put(&e->inodes, k, (void *)(i + 1)) : -ENOMEM;
			continue;
		}
		e->jobs[i].same_file = (size_t)prev - 1;
		err = im_graph_edge(e->g, (size_t)prev - 1, i, IM_EDGE_HARD);
	}
	return err;
}

/* Room for @n jobs (lock held, or before any worker runs). */
static int reserve_jobs(struct im_engine *e, size_t n)
{
	struct im_job *j;
	size_t *h, cap = e->cap ? e->cap : 16;

	if (n <= e->cap)
		return 0;
	while (cap < n)
		cap *= 2;
	j = realloc(e->jobs, cap * sizeof(*j));
	if (!j)
		return -ENOMEM;
	e->jobs = j;
	h = realloc(e->heap, cap * sizeof(*h));
	if (!h)
		return -ENOMEM;
	e->heap = h;
	e->cap = cap;
	return 0;
}

/*
 * New jobs [from, g->n) join the run (lock held): each waits for its
 * unfinished predecessors; one whose hard predecessor already failed is
 * skipped; the others are ready.
 */
static void start_jobs(struct im_engine *e, size_t from)
{
	size_t i, k;

	e->remaining += e->g->n - from;
	for (i = from; i < e->g->n; i++) {
		const struct im_node *n = &e->g->nodes[i];

		for (k = 0; k < n->npred; k++) {
			const struct im_edge *ed = &n->pred[k];
			const struct im_job *p = &e->jobs[ed->node];

			if (ed->dropped)
				continue;
			if (ed->node >= from || p->st < IM_JOB_LOADED) {
				e->jobs[i].pending++;
				continue;
			}
			/* a pred edge has its succ twin's kind */
			if (!job_ok(p) && edge_is_hard(e, ed, i))
				doom(e, i, ed->node);
		}
	}
	e->njobs = e->g->n;
	for (i = from; i < e->g->n; i++)
		if (!e->jobs[i].pending && e->jobs[i].st == IM_JOB_WAIT)
			make_ready(e, i);
}

static int engine_init(struct im_engine *e, struct im_graph *g,
		       struct im_kernel *k, const struct im_engine_opts *o,
		       struct msgs *m)
{
	size_t i;
	int err;

	pthread_mutex_init(&e->lock, NULL);	/* first: engine_destroy() needs them */
	pthread_cond_init(&e->work, NULL);
	pthread_cond_init(&e->done, NULL);
	e->o = *o;
	if (o->own_graph) {
		e->graph = *g;		/* moved: the caller's graph is left empty */
		im_graph_init(g);
		e->g = &e->graph;
	} else {
		e->g = g;
	}
	e->kernel = *k;
	e->k = &e->kernel;
	e->msgs = *m;
	e->m = &e->msgs;
	e->env.k = e->k;
	e->env.m = e->m;
	e->env.ignore_install = o->ignore_install;
	e->env.user_decompress = o->user_decompress;
	e->o.hard_blacklist = NULL;
	if (e->o.threads < 1)
		e->o.threads = 1;
	if (e->o.max_threads < e->o.threads)
		e->o.max_threads = e->o.threads;
	clock_gettime(CLOCK_MONOTONIC, &e->env.t0);
	for (i = 0; o->hard_blacklist && i < o->hard_blacklist->n; i++)
		if (im_strlist_add(&e->blacklist, o->hard_blacklist->v[i],
				   strlen(o->hard_blacklist->v[i])) < 0)
			return -ENOMEM;
	e->workers = calloc(e->o.max_threads, sizeof(*e->workers));
	if (!e->workers || reserve_jobs(e, e->g->n) < 0)
		return -ENOMEM;
	err = new_jobs(e, 0);
	if (!err)
		err = im_graph_order(e->g, e->m);	/* levels and tails, cycles broken */
	if (err)
		return err;
	start_jobs(e, 0);
	e->env.kcomp = e->k->compression(e->k);
	return 0;
}

int im_engine_new(struct im_engine **ep, struct im_graph *g,
		  struct im_kernel *k, const struct im_engine_opts *o,
		  struct msgs *m)
{
	struct im_engine *e = calloc(1, sizeof(*e));
	int err;

	*ep = NULL;
	if (!e) {
		if (o->own_graph)
			im_graph_free(g);
		return -ENOMEM;
	}
	err = engine_init(e, g, k, o, m);
	if (err) {
		engine_destroy(e);
		return err;
	}
	*ep = e;
	return 0;
}

/*
 * The watchdog (lock held): loads past warn_after_s make a stall, said once
 * while it lasts (not once per load: loads queued in the kernel behind one
 * slow init all pass the mark together) with the load running longest and
 * what is held up behind it. A new stall starts when none is left over.
 */
static void watchdog(struct im_engine *e, double now)
{
	double limit = e->o.warn_after_s * 1e3;
	size_t i, oldest = SIZE_MAX, over = 0, inflight = 0, ready = 0, waiting = 0;
	const struct im_node *n;

	for (i = 0; i < e->njobs; i++) {
		const struct im_job *j = &e->jobs[i];

		if (j->st == IM_JOB_READY)
			ready++;
		else if (j->st == IM_JOB_WAIT)
			waiting++;
		if (j->st != IM_JOB_RUN)
			continue;
		inflight++;
		if (now - j->t_start <= limit)
			continue;
		over++;
		if (oldest == SIZE_MAX || j->t_start < e->jobs[oldest].t_start)
			oldest = i;
	}
	if (!over) {
		e->stall_said = 0;	/* the stall is over */
		return;
	}
	if (e->stall_said)
		return;
	e->stall_said = 1;
	n = &e->g->nodes[oldest];
	msg_warn(e->m, "%s: still loading after %.0f s (%s); %zu other load%s in flight (%zu of them past %.0f s), %zu ready, %zu waiting for dependencies",
		 n->name, (now - e->jobs[oldest].t_start) / 1e3,
		 n->path ? n->path : "install command", inflight - 1,
		 inflight - 1 == 1 ? "" : "s", over - 1, e->o.warn_after_s,
		 ready, waiting);
}

/*
 * Watchdog, deadline and the sleeping-load monitor: wake up every 100 ms
 * while jobs run (every 10 ms when loads may outnumber CPU slots).
 */
static int wait_all(struct im_engine *e)
{
	long tick_ms = e->o.max_threads > e->o.threads ? 10 : 100;

	for (;;) {
		struct timespec ts;
		double now;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += tick_ms * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		if (e->remaining || e->hold)
			pthread_cond_timedwait(&e->done, &e->lock, &ts);
		if (!e->remaining && !e->hold)
			return 0;
		now = im_engine_now(e);
		if (tick_ms < 100)
			sample_workers(e, now);
		if (e->o.warn_after_s > 0)
			watchdog(e, now);
		if (e->o.timeout_s > 0 && now > e->o.timeout_s * 1e3)
			return -ETIMEDOUT;
	}
}

int im_engine_run(struct im_engine *e)
{
	int t, err;

	pthread_mutex_lock(&e->lock);
	for (t = 0; t < e->o.max_threads && (e->remaining || e->hold); t++) {
		struct im_worker *w = &e->workers[t];
		pthread_t th;

		w->e = e;
		w->id = t;
		if (pthread_create(&th, NULL, worker_main, w) != 0)
			break;
		pthread_detach(th);
		e->running++;
	}
	if (!e->running && (e->remaining || e->hold)) {
		pthread_mutex_unlock(&e->lock);
		msg_err(e->m, "could not start any worker thread");
		return -EAGAIN;
	}
	err = wait_all(e);
	if (err) {
		__atomic_store_n(&e->env.stop, 1, __ATOMIC_RELAXED);	/* read unlocked in load.c */
		pthread_cond_broadcast(&e->work);
	} else {
		/* let idle workers leave before the engine goes away */
		pthread_cond_broadcast(&e->work);
		while (e->running)
			pthread_cond_wait(&e->done, &e->lock);
	}
	e->wall_ms = im_engine_now(e);
	pthread_mutex_unlock(&e->lock);
	return err;
}

void im_engine_stats(struct im_engine *e, struct im_engine_stats *s)
{
	size_t i;

	pthread_mutex_lock(&e->lock);
	memset(s, 0, sizeof(*s));
	for (i = 0; i < e->njobs; i++) {
		const struct im_job *j = &e->jobs[i];

		if (im_engine_no_device(e, i)) {
			s->nodevice++;
			continue;
		}
		switch (j->st) {
		case IM_JOB_LOADED: s->loaded++; break;
		case IM_JOB_PRESENT: s->present++; break;
		case IM_JOB_FAILED: s->failed++; break;
		case IM_JOB_SKIPPED: s->skipped++; break;
		default: s->unfinished++; break;
		}
		if (e->g->nodes[i].requested && !job_ok(j))
			s->requested_failed = 1;
	}
	pthread_mutex_unlock(&e->lock);
}

int im_engine_workers_gone(struct im_engine *e, double max_s)
{
	double until = im_engine_now(e) + max_s * 1e3;
	int gone;

	pthread_mutex_lock(&e->lock);
	while (e->running && im_engine_now(e) < until) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 10 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&e->done, &e->lock, &ts);
	}
	gone = !e->running;
	pthread_mutex_unlock(&e->lock);
	return gone;
}

static void engine_destroy(struct im_engine *e)
{
	pthread_mutex_destroy(&e->lock);
	pthread_cond_destroy(&e->work);
	pthread_cond_destroy(&e->done);
	if (e->g == &e->graph)
		im_graph_free(&e->graph);
	im_strlist_free(&e->blacklist);
	free(e->marks);
	strmap_free(&e->inodes);
	arena_free(&e->arena);
	free(e->jobs);
	free(e->heap);
	free(e->workers);
	free(e);
}

void im_engine_put(struct im_engine *e)
{
	int last;

	if (!e)
		return;
	pthread_mutex_lock(&e->lock);
	e->put = 1;
	last = !e->running;
	pthread_mutex_unlock(&e->lock);
	if (last)
		engine_destroy(e);
}

void im_engine_hold(struct im_engine *e, int on)
{
	pthread_mutex_lock(&e->lock);
	e->hold = on;
	pthread_cond_broadcast(&e->done);
	pthread_cond_broadcast(&e->work);
	pthread_mutex_unlock(&e->lock);
}

void im_engine_hold_rest(struct im_engine *e, int on)
{
	pthread_mutex_lock(&e->lock);
	e->rest_held = on;
	pthread_cond_broadcast(&e->work);
	pthread_mutex_unlock(&e->lock);
}

int im_engine_first_busy(struct im_engine *e)
{
	int busy;

	pthread_mutex_lock(&e->lock);
	busy = e->first_inflight > 0 || top_first(e);
	pthread_mutex_unlock(&e->lock);
	return busy;
}

/*
 * New edges into nodes planned before (lock held): dropped. Their order was
 * settled when they were planned (some may run or be done), and only edges
 * from old to new nodes keep a grown graph free of cycles through old ones.
 */
static void drop_edges_into_old(struct im_graph *g, size_t n0,
				const size_t *npred0)
{
	size_t i, k, s;

	for (i = 0; i < n0; i++) {
		struct im_node *n = &g->nodes[i];

		for (k = npred0[i]; k < n->npred; k++) {
			struct im_node *p = &g->nodes[n->pred[k].node];

			n->pred[k].dropped = 1;
			for (s = 0; s < p->nsucc; s++)
				if (p->succ[s].node == i)
					p->succ[s].dropped = 1;
		}
	}
}

/* Restore the heap order after tails changed (lock held). */
static void heapify(struct im_engine *e)
{
	size_t n = e->nheap, i;

	e->nheap = 0;
	for (i = 0; i < n; i++)
		heap_push(e, e->heap[i]);
}

int im_engine_grow(struct im_engine *e, struct im_graph *add, size_t *from,
		   size_t *to)
{
	size_t n0, i, *npred0;
	int err;

	pthread_mutex_lock(&e->lock);
	n0 = e->njobs;	/* nodes past it (a failed growth) get another chance */
	npred0 = malloc((n0 ? n0 : 1) * sizeof(*npred0));
	if (!npred0) {
		pthread_mutex_unlock(&e->lock);
		return -ENOMEM;
	}
	for (i = 0; i < n0; i++)
		npred0[i] = e->g->nodes[i].npred;
	err = im_graph_merge(e->g, add);
	drop_edges_into_old(e->g, n0, npred0);
	free(npred0);
	if (e->g->n > n0) {
		if (!err)
			err = reserve_jobs(e, e->g->n);
		if (!err)
			err = new_jobs(e, n0);
		if (!err)
			err = im_graph_order(e->g, e->m);
		if (err) {	/* not run (njobs stays), said by the caller */
			e->njobs = n0;
		} else {
			heapify(e);
			start_jobs(e, n0);
			pthread_cond_broadcast(&e->work);
		}
	} else if (!err) {	/* a queued node may have become first */
		heapify(e);
		pthread_cond_broadcast(&e->work);
	}
	if (from)
		*from = n0;
	if (to)
		*to = e->njobs;
	pthread_mutex_unlock(&e->lock);
	return err;
}

/*
 * A module planned for a device (or only as a dependency of such) that
 * failed with ENODEV or ENXIO, or was skipped because its dependency did:
 * as for udev, whose modprobe of the MODALIAS fails that way, no failure.
 */
int im_engine_no_device(const struct im_engine *e, size_t i)
{
	const struct im_job *j = &e->jobs[i];
	const struct im_node *n = &e->g->nodes[i];
	int err = j->st == IM_JOB_FAILED ? j->err :
		  j->st == IM_JOB_SKIPPED ? j->dep_err : 0;

	return (err == -ENODEV || err == -ENXIO) &&
	       (n->device || (n->by_device && !n->by_name));
}

int im_engine_ended(struct im_engine *e, size_t from, size_t to)
{
	size_t i;
	int ended = 1;

	pthread_mutex_lock(&e->lock);
	for (i = from; i < to && i < e->njobs && ended; i++)
		ended = e->jobs[i].st != IM_JOB_WAIT && e->jobs[i].st != IM_JOB_READY &&
			e->jobs[i].st != IM_JOB_RUN;
	pthread_mutex_unlock(&e->lock);
	return ended;
}

int im_engine_idle(struct im_engine *e)
{
	int idle;

	pthread_mutex_lock(&e->lock);
	idle = !e->remaining;
	pthread_mutex_unlock(&e->lock);
	return idle;
}

int im_engine_stopped(struct im_engine *e)
{
	return __atomic_load_n(&e->env.stop, __ATOMIC_RELAXED);
}

void im_engine_mark(struct im_engine *e, const char *what)
{
	struct im_mark mk;

	pthread_mutex_lock(&e->lock);
	mk.t = im_engine_now(e);
	snprintf(mk.what, sizeof(mk.what), "%s", what);
	(void)VEC_PUSH(e->marks, e->nmarks, e->cap_marks, mk);
	pthread_mutex_unlock(&e->lock);
}
