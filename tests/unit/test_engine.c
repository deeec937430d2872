/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_engine.c - the parallel engine against the fake kernel: order, parallelism, once-only, failures, deadline. */
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "test.h"
#include "fake_kernel.h"
#include "engine_setup.h"
#include "../../config/resolve.h"
#include "../../depgraph/moddb.h"
#include "../../loader/engine.h"
#include "../../loader/trace.h"

#define MAXD(a, b) ((a) > (b) ? (a) : (b))
#define MIND(a, b) ((a) < (b) ? (a) : (b))

TEST(engine_dag_order_and_parallelism)
{
	struct setup s;
	struct im_engine *e = NULL;
	struct im_engine_stats st;
	size_t a, b, c, d, x, y;

	su_init(&s);
	a = node(&s, "a", 20000);
	b = node(&s, "b", 20000);
	c = node(&s, "c", 20000);
	d = node(&s, "d", 20000);
	x = node(&s, "x", 20000);
	y = node(&s, "y", 20000);
	dep(&s, a, b);
	dep(&s, a, c);
	dep(&s, b, d);
	dep(&s, c, d);
	(void)x;
	(void)y;
	CHECK_INT(run(&s, &e, 4, 10), 0);
	im_engine_stats(e, &st);
	CHECK_INT(st.loaded, 6);
	CHECK_INT(s.f.order_violations, 0);
	CHECK_INT(s.f.double_loads, 0);
	CHECK(s.f.max_in_flight >= 2);
	CHECK(e->jobs[d].t_start >= e->jobs[b].t_end && e->jobs[d].t_start >= e->jobs[c].t_end);
	CHECK_INT(fake_get(&s.f, "d")->loads, 1);
	im_engine_put(e);
	su_free(&s);
}

/* The bound --stats prints: heaviest measured chain vs work spread over CPUs. */
TEST(engine_bound_from_measured_durations)
{
	struct setup s;
	struct im_engine *e = NULL;
	struct im_bound b1, b2;
	size_t a, b;

	su_init(&s);
	a = node(&s, "a", 50000);
	b = node(&s, "b", 50000);
	node(&s, "x", 1000);
	node(&s, "y", 1000);
	dep(&s, a, b);
	CHECK_INT(run(&s, &e, 2, 10), 0);
	im_trace_bound(e, 2, NULL, &b2);
	im_trace_bound(e, 1, NULL, &b1);
	CHECK_STR(s.g.nodes[b2.path_end].name, "b");
	CHECK(b2.path_ms >= 100);
	CHECK(b2.path_ms >= (e->jobs[a].t_end - e->jobs[a].t_start) +
			   (e->jobs[b].t_end - e->jobs[b].t_start) - 0.001);
	/* work is CPU time: the fake kernel's inits sleep */
	CHECK(fabs(b2.work_ms - (e->jobs[0].cpu_ms + e->jobs[1].cpu_ms +
				 e->jobs[2].cpu_ms + e->jobs[3].cpu_ms)) < 1e-6);
	CHECK(b2.bound_ms == (b2.path_ms > b2.work_ms / 2 ? b2.path_ms : b2.work_ms / 2));
	CHECK(b1.bound_ms == (b1.path_ms > b1.work_ms ? b1.path_ms : b1.work_ms));
	CHECK(b2.wall_ms >= b2.bound_ms - 0.001);
	im_engine_put(e);
	su_free(&s);
}

/*
 * Six independent loads that each hold the fake kernel's global lock for
 * 40 ms (after 5 ms of their own) and then sleep 10 ms in their init. On
 * 2 CPUs the old bound saw one load (55 ms); the lock makes any schedule
 * take 5 + 6 x 40 + 10 ms. The trace-based bound finds that and stays
 * below the wall time; waits for the lock do not count in the chain.
 */
TEST(engine_bound_serial_section_from_kernel_trace)
{
	struct setup s;
	struct im_engine *e = NULL;
	struct im_ktrace kt;
	struct im_bound old, b;
	char name[16];
	int i;

	su_init(&s);
	s.f.serial_us = 40000;
	s.f.pre_us = 5000;
	s.f.trace = tmpfile();
	CHECK(s.f.trace != NULL);
	for (i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "s%d", i);
		node(&s, name, 10000);
	}
	CHECK_INT(run(&s, &e, 2, 10), 0);
	rewind(s.f.trace);
	CHECK_INT(im_ktrace_parse(e, s.f.trace, &kt), 0);
	CHECK_INT(kt.nlocks, 1);
	CHECK_STR(kt.lock[0], "M");
	CHECK_INT((int)kt.sections, 6);
	CHECK(kt.waits >= 1);
	/* the waits alone: the lock was busy while the others waited */
	CHECK_INT(kt.nbusy, 1);
	CHECK(kt.busy[0].busy >= 30 && kt.busy[0].busy <= 6 * 40 + 1);
	im_trace_bound(e, 2, NULL, &old);
	im_trace_bound(e, 2, &kt, &b);
	CHECK(old.serial_ms == 0 && old.serial_lock == -1);
	CHECK_INT(b.serial_lock, 0);
	CHECK(b.held_ms >= 6 * 40 - 0.5);
	CHECK(b.serial_ms >= 5 + 6 * 40 + 10 - 1);
	CHECK(b.bound_ms == b.serial_ms);
	CHECK(old.bound_ms < 0.5 * b.bound_ms);	/* the old bound: one load */
	CHECK(b.path_ms <= old.path_ms + 1e-6);	/* waits left out */
	CHECK(b.wall_ms >= b.bound_ms - 0.001);	/* a lower bound */
	CHECK(b.wall_ms <= 1.5 * b.bound_ms);	/* a tight one here */
	im_ktrace_free(&kt);
	im_engine_put(e);
	fclose(s.f.trace);
	su_free(&s);
}

/*
 * The one-machine bound on a known schedule: a -> b and a -> c, 2 CPUs,
 * every load about 60 ms (da, db, dc measured). A hand-written trace: each
 * holds lock M from 30 ms into its load until 50 ms (b until 55, having
 * waited 5 ms inside: held 20 ms, and 5 ms less in the chain). Heads r:
 * a 30, b and c da + 30; tails q: a da - 50 + max(db - 5, dc), b db - 55,
 * c dc - 50.
 * serial = max over the sets {r >= x, q >= y} of x + sum of holds + y.
 * Then sections as long as the loads: the three holds add up.
 */
static void hand_trace(FILE *f, const struct im_engine *e, size_t j,
		       double in, double out, double wait)
{
	double t0 = e->env.t0.tv_sec * 1e3 + e->env.t0.tv_nsec / 1e6;
	double s = e->jobs[j].t_start;
	int tid = e->workers[e->jobs[j].thread].tid;

	fprintf(f, "# tracer: nop\n");
	fprintf(f, " initmod-%d [001] %.6f: M__complete_formation: (x)\n", tid, (t0 + s + in) / 1e3);
	if (wait > 0) {
		fprintf(f, " initmod-%d [001] %.6f: contention_begin: 0x1 (flags=MUTEX)\n", tid, (t0 + s + in + 1) / 1e3);
		fprintf(f, " initmod-%d [001] %.6f: contention_end: 0x1 (ret=0)\n", tid, (t0 + s + in + 1 + wait) / 1e3);
	}
	fprintf(f, " initmod-%d [001] %.6f: M__complete_formation__ret: (y <- complete_formation)\n", tid, (t0 + s + out) / 1e3);
	fprintf(f, " kworker-%d [000] %.6f: M__complete_formation: (x)\n", 1, (t0 + s + in) / 1e3);
}

TEST(engine_bound_one_machine_known_schedule)
{
	struct setup s;
	struct im_engine *e = NULL;
	struct im_ktrace kt;
	struct im_bound b;
	size_t a, bb, c;
	double da, db, dc, want;
	FILE *f;

	su_init(&s);
	a = node(&s, "a", 60000);
	bb = node(&s, "b", 60000);
	c = node(&s, "c", 60000);
	dep(&s, a, bb);
	dep(&s, a, c);
	CHECK_INT(run(&s, &e, 2, 10), 0);
	da = e->jobs[a].t_end - e->jobs[a].t_start;
	db = e->jobs[bb].t_end - e->jobs[bb].t_start;
	dc = e->jobs[c].t_end - e->jobs[c].t_start;
	f = tmpfile();
	hand_trace(f, e, a, 30, 50, 0);
	hand_trace(f, e, bb, 30, 55, 5);
	hand_trace(f, e, c, 30, 50, 0);
	rewind(f);
	CHECK_INT(im_ktrace_parse(e, f, &kt), 0);
	CHECK_INT((int)kt.sections, 3);
	CHECK(fabs(kt.job[bb].wait - 5) < 0.01 && fabs(kt.job[bb].hold[0] - 20) < 0.01);
	im_trace_bound(e, 2, &kt, &b);
	CHECK(fabs(b.held_ms - 60) < 0.05);
	CHECK(fabs(b.path_ms - (da + MAXD(db - 5, dc))) < 0.05);
	want = MAXD(MAXD(da + MAXD(db - 5, dc),			/* {a} */
			 30 + 60 + MIND(db - 55, dc - 50)),		/* {a, b, c} */
		    MAXD(da + 30 + 40 + MIND(db - 55, dc - 50),		/* {b, c} */
			 MAXD(da + db - 5, da + dc)));			/* {b}, {c} */
	CHECK(fabs(b.serial_ms - want) < 0.05);
	/* (b and c overlap on M here: no real lock; the wall is no limit) */
	CHECK(b.bound_ms == MAXD(MAXD(b.path_ms, b.work_ms / 2), b.serial_ms));
	im_ktrace_free(&kt);
	fclose(f);
	/* sections as long as the loads */
	f = tmpfile();
	hand_trace(f, e, a, 0.01, da - 0.01, 0);
	hand_trace(f, e, bb, 0.01, db - 0.01, 0);
	hand_trace(f, e, c, 0.01, dc - 0.01, 0);
	rewind(f);
	CHECK_INT(im_ktrace_parse(e, f, &kt), 0);
	im_trace_bound(e, 2, &kt, &b);
	CHECK(fabs(b.serial_ms - (da + db + dc)) < 0.05);
	CHECK(b.bound_ms == b.serial_ms);
	im_ktrace_free(&kt);
	fclose(f);
	im_engine_put(e);
	su_free(&s);
}

/* Loads asleep in the kernel free their CPU slot, up to max_threads in flight. */
TEST(engine_sleeping_loads_do_not_hold_cpu_slots)
{
	struct setup s;
	struct im_engine *e = NULL;
	struct im_engine_opts o = { .threads = 1, .max_threads = 3,
				    .timeout_s = 20 };
	char name[32];
	int i;

	su_init(&s);
	for (i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "sleeper%d", i);
		node(&s, name, 200000);
	}
	CHECK_INT(im_engine_new(&e, &s.g, &s.f.k, &o, &s.m), 0);
	CHECK_INT(im_engine_run(e), 0);
	CHECK(s.f.max_in_flight >= 2);
	CHECK(s.f.max_in_flight <= 3);
	CHECK(e->used_threads >= 2 && e->used_threads <= 3);
	CHECK_INT(s.f.double_loads, 0);
	im_engine_put(e);
	/* max_threads below threads means threads */
	for (i = 0; i < 8; i++) {
		snprintf(name, sizeof(name), "sleeper%d", i);
		fake_get(&s.f, name)->state = IM_MOD_ABSENT;
	}
	s.f.max_in_flight = 0;
	o.threads = 2;
	o.max_threads = 1;
	CHECK_INT(im_engine_new(&e, &s.g, &s.f.k, &o, &s.m), 0);
	CHECK_INT(e->o.max_threads, 2);
	CHECK_INT(im_engine_run(e), 0);
	CHECK(s.f.max_in_flight <= 2);
	im_engine_put(e);
	su_free(&s);
}

/*
 * The way to storage does not queue behind a load busy on the CPU: the
 * disk's driver, ready while a spinning load holds the only CPU slot,
 * starts at once (max_threads allows it), not when the spinner ends.
 */
TEST(engine_storage_path_does_not_wait_for_a_cpu_slot)
{
	struct setup s;
	struct im_engine *e = NULL;
	struct im_engine_opts o = { .threads = 1, .max_threads = 4,
				    .timeout_s = 20 };
	size_t ctl, disk, hog;

	su_init(&s);
	ctl = node(&s, "ctl", 30000);
	disk = node(&s, "disk", 1000);
	hog = node(&s, "hog", 400000);
	dep(&s, ctl, disk);
	fake_get(&s.f, "hog")->spin = 1;
	s.g.nodes[ctl].first = s.g.nodes[disk].first = 1;
	CHECK_INT(im_engine_new(&e, &s.g, &s.f.k, &o, &s.m), 0);
	CHECK_INT(im_engine_run(e), 0);
	CHECK(e->jobs[hog].t_start < e->jobs[disk].t_start);	/* ctl slept: hog got the slot */
	CHECK(e->jobs[disk].t_start < e->jobs[hog].t_end);
	CHECK_INT(s.f.double_loads, 0);
	CHECK_INT(s.f.order_violations, 0);
	im_engine_put(e);
	su_free(&s);
}

TEST(engine_failure_skips_only_dependents)
{
	struct setup s;
	struct im_engine *e = NULL;
	struct im_engine_stats st;
	size_t a, b, c, d, p, tt;

	su_init(&s);
	a = node(&s, "a", 0);
	b = node(&s, "b", 0);
	c = node(&s, "c", 0);
	d = node(&s, "d", 0);
	p = node(&s, "p", 0);
	tt = node(&s, "t", 0);
	dep(&s, a, b);
	dep(&s, b, c);
	dep(&s, a, d);
	fake_get(&s.f, "b")->result = -ENODEV;
	fake_get(&s.f, "p")->result = -ENOENT;
	im_graph_edge(&s.g, p, tt, IM_EDGE_PRE);	/* a failed pre: softdep */
	CHECK_INT(run(&s, &e, 2, 10), 0);
	im_engine_stats(e, &st);
	CHECK_INT(e->jobs[b].st, IM_JOB_FAILED);
	CHECK(strstr(e->jobs[b].why, "no such device") != NULL);
	CHECK_INT(e->jobs[c].st, IM_JOB_SKIPPED);
	CHECK(strstr(e->jobs[c].why, "dependency b failed") != NULL);
	CHECK_INT(e->jobs[d].st, IM_JOB_LOADED);
	CHECK_INT(e->jobs[tt].st, IM_JOB_LOADED);	/* kmod: softdeps are optional */
	CHECK_INT(st.failed, 2);
	CHECK_INT(st.skipped, 1);
	CHECK(st.requested_failed);
	CHECK_INT(fake_get(&s.f, "c")->calls, 0);
	im_engine_put(e);
	su_free(&s);
}

TEST(engine_post_softdep_waits_and_follows_failure)
{
	struct setup s;
	struct im_engine *e = NULL;
	size_t a, q, r;

	su_init(&s);
	a = node(&s, "a", 10000);
	q = node(&s, "q", 0);
	r = node(&s, "r", 0);
	s.g.nodes[q].requested = 0;
	im_graph_edge(&s.g, a, q, IM_EDGE_POST);
	im_graph_edge(&s.g, r, a, IM_EDGE_HARD);
	fake_get(&s.f, "r")->result = -ENOEXEC;
	CHECK_INT(run(&s, &e, 3, 10), 0);
	CHECK_INT(e->jobs[a].st, IM_JOB_SKIPPED);
	CHECK_INT(e->jobs[q].st, IM_JOB_SKIPPED);	/* post: of a module that did not load */
	CHECK(strstr(e->jobs[q].why, "dependency a was skipped") != NULL);
	im_engine_put(e);
	su_free(&s);
}

TEST(engine_same_inode_loads_once_and_live_is_present)
{
	struct setup s;
	struct im_engine *e = NULL;
	struct im_engine_stats st;
	size_t a, b, live;
	char link[300];

	su_init(&s);
	a = node(&s, "a", 5000);
	im_graph_node(&s.g, "a_alias", &b);
	snprintf(link, sizeof(link), "%s/a_alias.ko", s.dir);
	CHECK(symlink(s.g.nodes[a].path, link) == 0);
	s.g.nodes[b].path = strdup(link);
	live = node(&s, "live", 0);
	fake_get(&s.f, "live")->state = IM_MOD_LIVE;
	CHECK_INT(run(&s, &e, 4, 10), 0);
	im_engine_stats(e, &st);
	CHECK_INT(fake_get(&s.f, "a")->calls, 1);
	CHECK_INT(e->jobs[b].st, IM_JOB_PRESENT);
	CHECK_INT(e->jobs[live].st, IM_JOB_PRESENT);
	CHECK_INT(fake_get(&s.f, "live")->calls, 0);
	CHECK_INT(st.loaded, 1);
	CHECK_INT(st.present, 2);
	im_engine_put(e);
	su_free(&s);
}

TEST(engine_deadline_and_watchdog)
{
	struct setup s;
	struct im_engine *e = NULL;
	struct im_engine_stats st;
	size_t h, after, free_one;

	su_init(&s);
	h = node(&s, "hangs", 0);
	after = node(&s, "after", 0);
	free_one = node(&s, "free_one", 0);
	dep(&s, h, after);
	fake_get(&s.f, "hangs")->hang = 1;
	CHECK_INT(run(&s, &e, 2, 0.4), -ETIMEDOUT);
	im_engine_stats(e, &st);
	CHECK_INT(e->jobs[h].st, IM_JOB_RUN);
	CHECK_INT(e->jobs[after].st, IM_JOB_WAIT);
	CHECK_INT(e->jobs[free_one].st, IM_JOB_LOADED);
	CHECK_INT(st.unfinished, 2);
	CHECK(e->m->warnings >= 1);	/* the watchdog named it */
	fake_release(&s.f);
	CHECK(im_engine_workers_gone(e, 5));
	im_engine_put(e);
	su_free(&s);
}

/* Compress the file at @path (freed) with @tool; the new path. */
static char *compress_file(char *path, const char *tool, const char *ext)
{
	char cmd[600], *out = malloc(strlen(path) + 8);

	snprintf(cmd, sizeof(cmd), "%s -q -f %s", tool, path);
	if (system(cmd) != 0) {
		free(path);
		free(out);
		return NULL;
	}
	sprintf(out, "%s.%s", path, ext);
	free(path);
	return out;
}

TEST(engine_compressed_files_kernel_or_userspace)
{
	struct setup s;
	struct im_engine *e = NULL;
	size_t x, z, g;

	su_init(&s);
	x = node(&s, "xzmod", 0);
	z = node(&s, "zstmod", 0);
	g = node(&s, "gzmod", 0);
	s.g.nodes[x].path = compress_file(s.g.nodes[x].path, "xz --check=crc32", "xz");
	s.g.nodes[z].path = compress_file(s.g.nodes[z].path, "zstd --rm", "zst");
	s.g.nodes[g].path = compress_file(s.g.nodes[g].path, "gzip -n", "gz");
	CHECK(s.g.nodes[x].path && s.g.nodes[z].path && s.g.nodes[g].path);
	s.f.comp = IM_COMP_XZ;		/* the kernel decompresses xz only */
	CHECK_INT(run(&s, &e, 2, 10), 0);
	CHECK_INT(e->jobs[x].st, IM_JOB_LOADED);
	CHECK_INT(e->jobs[z].st, IM_JOB_LOADED);
	CHECK_INT(e->jobs[g].st, IM_JOB_LOADED);
	CHECK(fake_get(&s.f, "xzmod")->flags_seen & IM_MODULE_INIT_COMPRESSED_FILE);
	CHECK(!(fake_get(&s.f, "zstmod")->flags_seen & IM_MODULE_INIT_COMPRESSED_FILE));
	im_engine_put(e);
	/* a kernel that names xz but refuses the flag (EINVAL): userspace */
	s.f.refuse_flag = 1;
	fake_get(&s.f, "xzmod")->state = IM_MOD_ABSENT;
	fake_get(&s.f, "zstmod")->state = IM_MOD_ABSENT;
	fake_get(&s.f, "gzmod")->state = IM_MOD_ABSENT;
	CHECK_INT(run(&s, &e, 1, 10), 0);
	CHECK_INT(e->jobs[x].st, IM_JOB_LOADED);
	CHECK_INT(fake_get(&s.f, "xzmod")->calls, 2);	/* refused before loading; then init_module */
	CHECK(e->env.kdecomp_broken);
	im_engine_put(e);
	/* --decompress user: the kernel could, but is never asked */
	s.f.refuse_flag = 0;
	fake_get(&s.f, "xzmod")->state = IM_MOD_ABSENT;
	fake_get(&s.f, "xzmod")->flags_seen = 0;
	fake_get(&s.f, "xzmod")->calls = 0;
	{
		struct im_engine_opts o = { .threads = 1, .timeout_s = 10,
					    .user_decompress = 1 };

		CHECK_INT(im_engine_new(&e, &s.g, &s.f.k, &o, &s.m), 0);
		CHECK_INT(im_engine_run(e), 0);
	}
	CHECK_INT(e->jobs[x].st, IM_JOB_LOADED);
	CHECK_INT(fake_get(&s.f, "xzmod")->calls, 1);
	CHECK(!(fake_get(&s.f, "xzmod")->flags_seen & IM_MODULE_INIT_COMPRESSED_FILE));
	CHECK(!e->env.kdecomp_broken);
	im_engine_put(e);
	su_free(&s);
}

TEST(engine_install_commands_and_missing_files)
{
	struct setup s;
	struct im_engine *e = NULL;
	size_t ok, bad, gone;

	su_init(&s);
	im_graph_node(&s.g, "inst_ok", &ok);
	s.g.nodes[ok].install = strdup("/bin/true");
	im_graph_node(&s.g, "inst_bad", &bad);
	s.g.nodes[bad].install = strdup("/bin/false");
	gone = node(&s, "gone", 0);
	unlink(s.g.nodes[gone].path);
	CHECK_INT(run(&s, &e, 2, 10), 0);
	CHECK_INT(e->jobs[ok].st, IM_JOB_LOADED);
	CHECK_INT(e->jobs[bad].st, IM_JOB_FAILED);
	CHECK(strstr(e->jobs[bad].why, "exited with status 1") != NULL);
	CHECK_INT(e->jobs[gone].st, IM_JOB_FAILED);
	CHECK(strstr(e->jobs[gone].why, "cannot open") && strstr(e->jobs[gone].why, "gone.ko"));
	im_engine_put(e);
	su_free(&s);

	su_init(&s);
	im_graph_node(&s.g, "opts", &ok);
	s.g.nodes[ok].install = strdup("/sbin/x --opts $CMDLINE_OPTS;echo $CMDLINE_OPTS");
	s.g.nodes[ok].options = strdup("a=1 b=\"c d\"");
	CHECK_INT(run(&s, &e, 1, 10), 0);
	CHECK_STR(s.f.last_cmd, "/sbin/x --opts a=1 b=\"c d\";echo a=1 b=\"c d\"");
	im_engine_put(e);
	su_free(&s);
}

/* Random layered DAG, zero-cost loads: everything once, order kept. */
TEST(engine_random_dag_exactly_once)
{
	struct setup s;
	struct im_engine *e = NULL;
	struct im_engine_stats st;
	unsigned seed = 42;
	size_t n = 600, i;

	su_init(&s);
	for (i = 0; i < n; i++) {
		char name[32];

		snprintf(name, sizeof(name), "m%zu", i);
		node(&s, name, (seed = seed * 1103515245u + 12345u) % 3 ? 0 : 100);
	}
	for (i = 1; i < n; i++) {
		int k, deps = (seed = seed * 1103515245u + 12345u) % 4;

		for (k = 0; k < deps; k++) {
			size_t from = (seed = seed * 1103515245u + 12345u) % i;

			dep(&s, from, i);
		}
	}
	CHECK_INT(run(&s, &e, 8, 30), 0);
	im_engine_stats(e, &st);
	CHECK_INT(st.loaded, n);
	CHECK_INT(s.f.order_violations, 0);
	CHECK_INT(s.f.double_loads, 0);
	for (i = 0; i < n; i++)
		CHECK_INT(fake_get(&s.f, s.g.nodes[i].name)->calls, 1);
	im_engine_put(e);
	su_free(&s);
}

/*
 * The real Debian tree: every module requested three times under different
 * spellings (name, dashes, and through its first alias when it has one),
 * loaded against a kernel that fails any module whose dependencies are not
 * live. Exactly one load each, no order violation.
 */
TEST(engine_real_tree_every_module_exactly_once)
{
	const char *root, *kver;
	struct real_tree rt;
	struct setup s;
	struct im_engine *e = NULL;
	struct im_engine_stats st;
	size_t i;

	if (!t_real_tree(t, &root, &kver))
		return;		/* said why */
	su_init(&s);
	if (real_tree_open(&rt, &s, root, kver) < 0) {
		real_tree_close(&rt);
		su_free(&s);
		CHECK(!"the real tree opens");
	}
	CHECK(s.g.n >= 4000);
	CHECK_INT(run(&s, &e, 16, 120), 0);
	im_engine_stats(e, &st);
	CHECK_INT(s.f.order_violations, 0);
	CHECK_INT(s.f.double_loads, 0);
	for (i = 0; i < s.g.n; i++) {
		struct fake_mod *m = fake_get(&s.f, s.g.nodes[i].name);

		if (s.g.nodes[i].builtin)
			continue;
		if (m->calls != 1)
			t_fail(t, __FILE__, __LINE__, "%s: %d calls", m->name, m->calls);
	}
	CHECK_INT(st.failed, 0);
	CHECK_INT(st.loaded + st.present, s.g.n);
	printf("  real tree: %zu modules from %zu requests, %.1f ms with 16 threads, %.1f us per module\n",
	       s.g.n, rt.requests, e->wall_ms, e->wall_ms * 1e3 / s.g.n);
	im_engine_put(e);
	real_tree_close(&rt);
	su_free(&s);
}

TEST(engine_ebusy_is_retried_once)
{
	struct setup s;
	struct im_engine *e = NULL;
	size_t a;

	su_init(&s);
	a = node(&s, "busy", 0);
	fake_get(&s.f, "busy")->busy_once = 1;
	CHECK_INT(run(&s, &e, 1, 10), 0);
	CHECK_INT(e->jobs[a].st, IM_JOB_LOADED);
	CHECK_INT(fake_get(&s.f, "busy")->calls, 2);
	im_engine_put(e);
	su_free(&s);
}

/*
 * after the deadline the caller lets go of the engine and of its own
 * message sink while an init still hangs in the kernel; the init returns
 * just after, and its worker must find the engine (and the graph it
 * owns) alive, finish the job, tell the dependents, and free it. Under ASan
 * an engine on the caller's stack, or freed by it, is a use after free.
 */
TEST(engine_outlives_a_load_that_returns_after_the_deadline)
{
	struct setup s;
	struct im_engine *e = NULL;
	struct im_engine_opts o = { .threads = 2, .timeout_s = 0.2,
				    .own_graph = 1, .verbose = 1 };
	struct msgs *caller = calloc(1, sizeof(*caller));
	size_t h, after;
	int left, waited;

	su_init(&s);
	h = node(&s, "hangs", 0);
	after = node(&s, "after", 0);
	dep(&s, h, after);
	node(&s, "free_one", 0);
	fake_get(&s.f, "hangs")->hang = 1;
	caller->verbose = -1;
	CHECK_INT(im_engine_new(&e, &s.g, &s.f.k, &o, caller), 0);
	CHECK_INT(s.g.n, 0);		/* the graph moved into the engine */
	CHECK_INT(im_engine_run(e), -ETIMEDOUT);
	CHECK_INT(e->jobs[h].st, IM_JOB_RUN);
	im_engine_put(e);		/* as main does, then it tears down */
	free(caller);
	fake_release(&s.f);		/* the hung init returns now */
	for (waited = 0, left = 1; left && waited < 5000; waited += 5) {
		usleep(5000);
		pthread_mutex_lock(&s.f.lock);
		left = s.f.in_flight;
		pthread_mutex_unlock(&s.f.lock);
	}
	CHECK_INT(left, 0);
	usleep(50000);			/* the worker frees the engine */
	CHECK_INT(fake_get(&s.f, "hangs")->loads, 1);
	CHECK_INT(fake_get(&s.f, "after")->calls, 0);	/* not started after stop */
	su_free(&s);
}

/* loads queued behind one slow init pass the mark together: one warning. */
TEST(engine_watchdog_says_a_stall_once)
{
	struct setup s;
	struct im_engine *e = NULL;
	struct im_engine_opts o = { .threads = 8, .timeout_s = 20,
				    .warn_after_s = 0.1 };
	char name[32];
	int i;

	su_init(&s);
	node(&s, "slowest", 600000);
	for (i = 0; i < 6; i++) {
		snprintf(name, sizeof(name), "queued%d", i);
		node(&s, name, 450000);
	}
	CHECK_INT(im_engine_new(&e, &s.g, &s.f.k, &o, &s.m), 0);
	CHECK_INT(im_engine_run(e), 0);
	CHECK_INT(e->m->warnings, 1);
	im_engine_put(e);
	su_free(&s);
}

/* ---- the plan grows while it runs (coldplug's uevents) ---- */

struct grow_arg {
	struct setup *s;
	const char *names[8];	/* name, or "name<dep" (dep in the graph) */
	int delay_us;
	pthread_mutex_t *mu;	/* growers in parallel: one names at a time */
};

/*
 * The names as a graph of their own, resolved without the engine (as
 * coldplug resolves a device's modalias): a module the fake kernel knows
 * is planned already and left out, a new one gets its file; "b<a" adds
 * the edge a -> b (a named only: the merge finds it in the plan). Then
 * merged into the running plan; growers in parallel take turns (coldplug
 * has one source thread).
 */
static int add_names(struct im_engine *e, struct grow_arg *a)
{
	struct setup *s = a->s;
	struct im_graph g;
	size_t i, k, d;
	int err;

	im_graph_init(&g);
	if (a->mu)
		pthread_mutex_lock(a->mu);
	for (k = 0; k < 8 && a->names[k]; k++) {
		char name[64], fn[80], *lt;

		snprintf(name, sizeof(name), "%s", a->names[k]);
		lt = strchr(name, '<');
		if (lt)
			*lt++ = '\0';
		if (fake_get(&s->f, name))
			continue;	/* planned already: nothing new */
		im_graph_node(&g, name, &i);
		snprintf(fn, sizeof(fn), "%s.ko", name);
		g.nodes[i].path = t_write(s->dir, fn, name, -1);
		g.nodes[i].requested = 1;
		g.nodes[i].cost = a->delay_us;
		fake_add(&s->f, name)->delay_us = a->delay_us;
		if (lt && im_graph_node(&g, lt, &d) == 0) {
			im_graph_edge(&g, d, i, IM_EDGE_HARD);
			fake_dep(fake_get(&s->f, name), fake_get(&s->f, lt)->name);
		}
	}
	err = im_engine_grow(e, &g, NULL, NULL);
	if (a->mu)
		pthread_mutex_unlock(a->mu);
	im_graph_free(&g);
	return err;
}

struct grower {
	struct im_engine *e;
	struct grow_arg a;
	int sleep_us;
};

static void *grow_later(void *arg)
{
	struct grower *gr = arg;

	usleep(gr->sleep_us);
	add_names(gr->e, &gr->a);
	im_engine_hold(gr->e, 0);
	return NULL;
}

static void *grow_only(void *arg)
{
	struct grower *gr = arg;

	usleep(gr->sleep_us);
	add_names(gr->e, &gr->a);
	return NULL;
}

TEST(engine_grows_while_running)
{
	struct setup s;
	struct im_engine *e = NULL;
	struct im_engine_opts o = { .threads = 2, .timeout_s = 20 };
	struct grower gr = { .a = { .names = { "b<a", "c", "a", "d<c" },
				    .delay_us = 20000 }, .sleep_us = 30000 };
	size_t a, b, c, d;
	pthread_t th;

	su_init(&s);
	a = node(&s, "a", 150000);
	CHECK_INT(im_engine_new(&e, &s.g, &s.f.k, &o, &s.m), 0);
	im_engine_hold(e, 1);
	gr.e = e;
	gr.a.s = &s;
	pthread_create(&th, NULL, grow_later, &gr);
	CHECK_INT(im_engine_run(e), 0);
	pthread_join(th, NULL);
	CHECK_INT(s.g.n, 4);
	im_graph_node(&s.g, "b", &b);
	im_graph_node(&s.g, "c", &c);
	im_graph_node(&s.g, "d", &d);
	CHECK_INT(e->jobs[b].st, IM_JOB_LOADED);
	CHECK_INT(e->jobs[d].st, IM_JOB_LOADED);
	CHECK(e->jobs[b].t_start >= e->jobs[a].t_end);	/* waited for a */
	CHECK(e->jobs[c].t_start < e->jobs[a].t_end);	/* did not */
	CHECK(e->jobs[d].t_start >= e->jobs[c].t_end);
	CHECK_INT(fake_get(&s.f, "a")->loads, 1);
	CHECK_INT(s.f.order_violations, 0);
	CHECK_INT(s.f.double_loads, 0);
	im_engine_put(e);
	su_free(&s);
}

TEST(engine_grown_job_after_failed_dependency_is_skipped)
{
	struct setup s;
	struct im_engine *e = NULL;
	struct im_engine_opts o = { .threads = 2, .timeout_s = 20 };
	struct grow_arg ga = { .names = { "y<x" } };
	size_t y;

	su_init(&s);
	node(&s, "x", 1000);
	fake_get(&s.f, "x")->result = -ENOEXEC;
	CHECK_INT(im_engine_new(&e, &s.g, &s.f.k, &o, &s.m), 0);
	CHECK_INT(im_engine_run(e), 0);		/* x failed */
	ga.s = &s;
	im_engine_hold(e, 1);
	CHECK_INT(add_names(e, &ga), 0);
	im_engine_hold(e, 0);
	CHECK_INT(im_engine_run(e), 0);
	im_graph_node(&s.g, "y", &y);
	CHECK_INT(e->jobs[y].st, IM_JOB_SKIPPED);
	CHECK(strstr(e->jobs[y].why, "dependency x failed") != NULL);
	CHECK_INT(fake_get(&s.f, "y")->calls, 0);
	im_engine_put(e);
	su_free(&s);
}

/* Many growths racing the workers (TSan in check-tsan): exactly once, in order. */
struct releaser {
	struct im_engine *e;
	pthread_t *th;
	int n;
};

/* Joins the growers, then lets the run end. */
static void *release_after(void *arg)
{
	struct releaser *r = arg;
	int i;

	for (i = 0; i < r->n; i++)
		pthread_join(r->th[i], NULL);
	im_engine_hold(r->e, 0);
	return NULL;
}

TEST(engine_grows_under_load)
{
	struct setup s;
	struct im_engine *e = NULL;
	struct im_engine_opts o = { .threads = 4, .max_threads = 8,
				    .timeout_s = 60 };
	struct grower gr[24];
	struct releaser rel;
	pthread_t th[24], relth;
	char names[24][3][32];
	pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	int i;

	su_init(&s);
	node(&s, "root", 5000);
	CHECK_INT(im_engine_new(&e, &s.g, &s.f.k, &o, &s.m), 0);
	im_engine_hold(e, 1);
	for (i = 0; i < 24; i++) {
		memset(&gr[i], 0, sizeof(gr[i]));
		snprintf(names[i][0], 32, "g%d<root", i);
		snprintf(names[i][1], 32, "h%d<g%d", i, i);
		snprintf(names[i][2], 32, "g%d", (i + 1) % 24);	/* maybe planned */
		gr[i].e = e;
		gr[i].a.s = &s;
		gr[i].a.delay_us = 1000 * (i % 5);
		gr[i].a.mu = &mu;
		gr[i].a.names[0] = names[i][0];
		gr[i].a.names[1] = names[i][1];
		gr[i].a.names[2] = names[i][2];
		gr[i].sleep_us = 2000 * i;
	}
	/* the run may end only once every grower has grown: a releaser joins
	 * them all, then lets go of the hold (with the last grower releasing
	 * it, a loaded machine could let an earlier one come after the end) */
	for (i = 0; i < 24; i++)
		pthread_create(&th[i], NULL, grow_only, &gr[i]);
	rel.e = e;
	rel.th = th;
	rel.n = 24;
	pthread_create(&relth, NULL, release_after, &rel);
	CHECK_INT(im_engine_run(e), 0);
	pthread_join(relth, NULL);
	CHECK_INT(s.f.double_loads, 0);
	CHECK_INT(s.f.order_violations, 0);
	for (i = 0; i < 24; i++) {
		char n[16];

		snprintf(n, sizeof(n), "h%d", i);
		CHECK_INT(fake_get(&s.f, n)->loads, 1);
	}
	im_engine_put(e);
	su_free(&s);
}
