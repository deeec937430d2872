/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_faults.c - fault injection on the engine against the fake kernel:
 * every errno at every kernel call, module files that vanish or change
 * after resolution, a dependency that goes away, a copy that never settles,
 * and random faults and durations over the real Debian graph (a stress run:
 * INITMOD_STRESS_ITERS iterations, INITMOD_STRESS_THREADS CPU slots).
 * Always asserted: the run ends, nothing loads twice, no module starts
 * before its dependencies, every failure says why with the module's file.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "test.h"
#include "engine_setup.h"

#define NSMALL 8

/* a->b->c, a->d, e, f->g, and h, which has an install command */
static void small_graph(struct setup *s, size_t *id)
{
	static const char *const names[NSMALL] = { "a", "b", "c", "d", "e",
						   "f", "g", "h" };
	size_t i;

	for (i = 0; i < NSMALL; i++)
		id[i] = node(s, names[i], (int)(i % 3) * 300);
	dep(s, id[0], id[1]);
	dep(s, id[1], id[2]);
	dep(s, id[0], id[3]);
	dep(s, id[5], id[6]);
	s->g.nodes[id[7]].install = strdup("echo h");
}

/* Does @i depend on @v through hard edges? */
static int hard_ancestor(const struct im_graph *g, size_t i, size_t v)
{
	size_t k;

	for (k = 0; k < g->nodes[i].npred; k++) {
		const struct im_edge *ed = &g->nodes[i].pred[k];

		if (ed->kind == IM_EDGE_HARD &&
		    (ed->node == v || hard_ancestor(g, ed->node, v)))
			return 1;
	}
	return 0;
}

/* What the engine should make of @err on the victim's first call. */
static enum im_job_state expected(const struct im_node *n, int err)
{
	if (n->install)
		return IM_JOB_FAILED;	/* an install command has no retry */
	switch (err) {
	case EEXIST: return IM_JOB_PRESENT;	/* someone else loaded it */
	case EBUSY: return IM_JOB_LOADED;	/* waited, retried */
	case ENOSYS: return IM_JOB_LOADED;	/* init_module instead */
	default: return IM_JOB_FAILED;
	}
}

static size_t find(const struct im_graph *g, const char *name)
{
	/* byname holds index + 1 (im_graph_node) */
	return (size_t)(uintptr_t)strmap_get(&g->byname, name) - 1;
}

/* One run with kernel call @call failing with @err; 0 when all held. */
static int one_fault(struct t *t, int call, int err, int threads)
{
	struct setup s;
	struct im_engine *e = NULL;
	struct im_engine_stats st;
	size_t id[NSMALL], v, i;
	enum im_job_state want;

	su_init(&s);
	small_graph(&s, id);
	s.f.fail_call = call;
	s.f.fail_err = err;
	if (run(&s, &e, threads, 20) != 0) {
		t_fail(t, __FILE__, __LINE__, "errno %d at call %d: run did not finish", err, call);
		return -1;
	}
	im_engine_stats(e, &st);
	v = find(&s.g, s.f.victim);
	if (v == SIZE_MAX || s.f.double_loads || s.f.order_violations) {
		t_fail(t, __FILE__, __LINE__, "errno %d at call %d: victim '%s', %d double loads, %d order violations",
		       err, call, s.f.victim, s.f.double_loads, s.f.order_violations);
		return -1;
	}
	want = expected(&s.g.nodes[v], err);
	for (i = 0; i < s.g.n; i++) {
		const struct im_job *j = &e->jobs[i];
		enum im_job_state w = i == v ? want :
			want == IM_JOB_FAILED && hard_ancestor(&s.g, i, v) ?
			IM_JOB_SKIPPED : IM_JOB_LOADED;
		const char *must = i != v ? "dependency" :
			s.g.nodes[i].install ? "install command" : s.g.nodes[i].path;
		/* install commands fail in their own words (ENOEXEC: no /bin/sh) */
		int words = !s.g.nodes[i].install || err != ENOEXEC;

		if (j->st != w || (w == IM_JOB_FAILED && words && !strstr(j->why, strerror(err))) ||
		    (w >= IM_JOB_FAILED && !strstr(j->why, must))) {
			t_fail(t, __FILE__, __LINE__, "errno %d (%s) at call %d on %s: %s is %s, want %s; why: %s",
			       err, strerror(err), call, s.f.victim, s.g.nodes[i].name,
			       im_job_state_word(j->st), im_job_state_word(w), j->why);
			return -1;
		}
	}
	if (st.requested_failed != (want == IM_JOB_FAILED)) {
		t_fail(t, __FILE__, __LINE__, "errno %d: requested_failed %d", err, st.requested_failed);
		return -1;
	}
	im_engine_put(e);
	su_free(&s);
	return 0;
}

TEST(faults_every_errno_at_every_call)
{
	size_t k;
	int call;

	/* one thread: call k is always the same module; four: any of them */
	for (k = 0; k < fake_nerrnos; k++)
		for (call = 0; call < NSMALL; call++)
			if (one_fault(t, call, fake_errnos[k], 1) < 0 ||
			    one_fault(t, call, fake_errnos[k], 4) < 0)
				return;
}

/* After resolution: one file deleted, one replaced (new inode), one
 * compressed file truncated; loaded in userspace. */
TEST(faults_files_vanish_or_change_after_resolution)
{
	struct setup s;
	struct im_engine *e = NULL;
	struct im_engine_opts o = { .threads = 2, .timeout_s = 20,
				    .user_decompress = 1 };
	size_t a, b, c, x, y;
	char tmp[400], cmd[900];

	su_init(&s);
	a = node(&s, "gone", 0);
	b = node(&s, "needs_gone", 0);
	c = node(&s, "replaced", 0);
	x = node(&s, "cut", 0);
	y = node(&s, "fine", 0);
	dep(&s, a, b);
	snprintf(cmd, sizeof(cmd), "xz --check=crc32 -q -f %s && head -c 30 %s.xz > %s.cut && mv %s.cut %s.xz",
		 s.g.nodes[x].path, s.g.nodes[x].path, s.g.nodes[x].path,
		 s.g.nodes[x].path, s.g.nodes[x].path);
	CHECK(system(cmd) == 0);
	snprintf(tmp, sizeof(tmp), "%s.xz", s.g.nodes[x].path);
	free(s.g.nodes[x].path);
	s.g.nodes[x].path = strdup(tmp);
	CHECK(unlink(s.g.nodes[a].path) == 0);
	free(t_write(s.dir, "replaced.new", "replaced", -1));
	snprintf(tmp, sizeof(tmp), "%s/replaced.new", s.dir);
	CHECK(rename(tmp, s.g.nodes[c].path) == 0);
	CHECK(im_engine_new(&e, &s.g, &s.f.k, &o, &s.m) == 0);
	CHECK_INT(im_engine_run(e), 0);
	CHECK_INT(e->jobs[a].st, IM_JOB_FAILED);
	CHECK(strstr(e->jobs[a].why, s.g.nodes[a].path) && strstr(e->jobs[a].why, strerror(ENOENT)));
	CHECK_INT(e->jobs[b].st, IM_JOB_SKIPPED);
	CHECK(strstr(e->jobs[b].why, "dependency gone failed") != NULL);
	CHECK_INT(e->jobs[c].st, IM_JOB_LOADED);
	CHECK_INT(e->jobs[x].st, IM_JOB_FAILED);
	CHECK(strstr(e->jobs[x].why, "truncated") || strstr(e->jobs[x].why, "corrupt"));
	CHECK_INT(e->jobs[y].st, IM_JOB_LOADED);
	CHECK_INT(s.f.double_loads, 0);
	im_engine_put(e);
	su_free(&s);
}

/* A dependency unloaded right after it loaded: the dependent fails in
 * words (unknown symbol), nothing waits for it. */
TEST(faults_dependency_goes_away)
{
	struct setup s;
	struct im_engine *e = NULL;
	size_t a, b, c;

	su_init(&s);
	a = node(&s, "leaves", 0);
	b = node(&s, "user", 0);
	c = node(&s, "other", 0);
	dep(&s, a, b);
	fake_get(&s.f, "leaves")->going_after_load = 1;
	CHECK_INT(run(&s, &e, 2, 20), 0);
	CHECK_INT(e->jobs[a].st, IM_JOB_LOADED);
	CHECK_INT(e->jobs[b].st, IM_JOB_FAILED);
	CHECK(strstr(e->jobs[b].why, "unknown symbol") && strstr(e->jobs[b].why, s.g.nodes[b].path));
	CHECK_INT(e->jobs[c].st, IM_JOB_LOADED);
	im_engine_put(e);
	su_free(&s);
}

/* Another copy that stays "coming" forever: EBUSY, the wait for it ends at
 * the deadline, not 30 s later, and the module is not tried again. */
TEST(faults_busy_copy_never_settles)
{
	struct setup s;
	struct im_engine *e = NULL;
	struct timespec t0, t1;
	struct fake_mod *m;
	size_t a;

	su_init(&s);
	a = node(&s, "stuck", 0);
	node(&s, "free", 0);
	m = fake_get(&s.f, "stuck");
	m->busy_once = 1;
	m->state = IM_MOD_COMING;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_INT(run(&s, &e, 2, 0.5), -ETIMEDOUT);
	CHECK(im_engine_workers_gone(e, 5));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK(t1.tv_sec - t0.tv_sec < 5);
	CHECK_INT(m->calls, 1);
	CHECK_INT(s.f.double_loads, 0);
	CHECK(e->jobs[a].st != IM_JOB_LOADED);
	im_engine_put(e);
	su_free(&s);
}

static long env_long(const char *name, long def)
{
	const char *v = getenv(name);

	return v && *v ? strtol(v, NULL, 10) : def;
}

/* Is job @i's outcome consistent with the fake kernel's record? */
static int consistent(struct t *t, struct setup *s, struct im_engine *e,
		      size_t i, long iter)
{
	const struct im_node *n = &s->g.nodes[i];
	const struct im_job *j = &e->jobs[i];
	struct fake_mod *m = fake_get(&s->f, n->name);
	const char *bad = NULL;
	size_t k;

	switch (j->st) {
	case IM_JOB_LOADED:
		if (m->state != IM_MOD_LIVE || m->loads != 1)
			bad = "loaded but not live once";
		break;
	case IM_JOB_PRESENT:
		if (!n->builtin && j->same_file == SIZE_MAX && !m->injected_eexist)
			bad = "present without a reason";
		break;
	case IM_JOB_FAILED:
		if (!m->injected || !strstr(j->why, n->path))
			bad = "failed without an injected fault, or without its file named";
		break;
	case IM_JOB_SKIPPED:
		for (k = 0; k < n->npred && !bad; k++) {
			const struct im_job *p = &e->jobs[n->pred[k].node];

			if (n->pred[k].kind == IM_EDGE_HARD &&
			    (p->st == IM_JOB_FAILED || p->st == IM_JOB_SKIPPED))
				break;
		}
		if (k == n->npred || !*j->why)
			bad = "skipped with every dependency loaded";
		break;
	default:
		bad = "unfinished";
	}
	/* at most: EBUSY, wait, retry; each try finit then init on ENOSYS */
	if (!bad && m->calls > 4)
		bad = "more than four kernel calls";
	if (bad)
		t_fail(t, __FILE__, __LINE__, "iteration %ld: %s: %s (%s, %d calls, injected %d): %s",
		       iter, n->name, bad, im_job_state_word(j->st), m->calls,
		       m->injected, j->why);
	return bad ? -1 : 0;
}

/*
 * Small uncompressed files holding each module's name, in place of the
 * real .ko.xz: one injected EINVAL would otherwise switch every later load
 * to userspace xz, and the run would measure liblzma, not the engine.
 */
static void stand_ins(struct setup *s)
{
	char fn[300];
	size_t i;

	for (i = 0; i < s->g.n; i++) {
		struct im_node *n = &s->g.nodes[i];

		if (!n->path)
			continue;
		snprintf(fn, sizeof(fn), "%s.ko", n->name);
		free(n->path);
		n->path = t_write(s->dir, fn, n->name, -1);
	}
}

/*
 * The real graph, each module requested three ways, random init durations
 * and random faults (2% of calls, any errno) in any thread, many times.
 */
TEST(faults_random_on_real_tree)
{
	long iters = env_long("INITMOD_STRESS_ITERS", 3), it;
	int threads = (int)env_long("INITMOD_STRESS_THREADS", 16);
	const char *root, *kver;
	struct real_tree rt;
	struct setup s;
	size_t i, failed = 0;

	if (!t_real_tree(t, &root, &kver))
		return;		/* said why */
	su_init(&s);
	if (real_tree_open(&rt, &s, root, kver) < 0) {
		real_tree_close(&rt);
		su_free(&s);
		CHECK(!"the real tree opens");
	}
	stand_ins(&s);
	for (it = 0; it < iters; it++) {
		struct im_engine *e = NULL;
		struct im_engine_stats st;

		fake_free(&s.f);
		fake_init(&s.f);
		fake_from_graph(&s.f, &s.g);
		s.f.comp = IM_COMP_XZ;
		s.f.seed = (unsigned)it * 2654435761u + 1;
		s.f.random_permille = 20;
		s.f.max_delay_us = 200;
		CHECK_INT(run(&s, &e, threads, 120), 0);
		im_engine_stats(e, &st);
		CHECK_INT(s.f.double_loads, 0);
		CHECK_INT(s.f.order_violations, 0);
		for (i = 0; i < s.g.n; i++)
			if (consistent(t, &s, e, i, it) < 0)
				return;
		failed += st.failed;
		im_engine_put(e);
	}
	printf("  stress: %ld iterations of %zu modules, %d CPU slots, %zu injected failures handled\n",
	       iters, s.g.n, threads, failed);
	real_tree_close(&rt);
	su_free(&s);
}
