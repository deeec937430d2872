/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * alloc_fail.c - allocation failure at every allocation site, in turn.
 *
 * The allocators are wrapped at link time (-Wl,--wrap=malloc,...): a clean
 * run of the whole pipeline counts N allocations (configuration and command
 * line, the real 6.12 indexes, resolution of a set of names into a graph,
 * ordering, the engine against the fake kernel, userspace decompression);
 * then run k (0 <= k < N) makes allocation number k return NULL, in whatever
 * thread makes it. Each run must end (an alarm bounds it), load nothing
 * twice, break no dependency order, and either finish as the clean run did
 * or say something went wrong; LeakSanitizer checks at exit that no run
 * leaked. usage: alloc-fail KROOT KVER CONFDIR...
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wrap_alloc.h"
#include "../unit/fake_kernel.h"
#include "../../config/config.h"
#include "../../config/plan.h"
#include "../../loader/engine.h"

/* ---- the pipeline ---- */

static const char *const names[] = {
	"ext4", "xfs", "btrfs", "snd-hda-intel", "fs-vfat", "dm-crypt",
	"e1000e", "virtio_net", "usb-storage", "nosuchmodule",
};

struct outcome {
	int rc;			/* 0, or the first error a step returned */
	size_t nodes, loaded, failed, skipped;
	unsigned errors, warnings;
	int double_loads, order_violations;
	size_t unexplained;	/* failed or skipped jobs without a reason */
};

/* A small xz stream for the decompression step, made once. */
struct xz_input {
	char buf[4096];
	size_t len;
};

static void xz_make(struct xz_input *x)
{
	FILE *p = popen("printf 'initmod alloc-fail test data %.0s' $(seq 200) | xz --check=crc32 -c", "r");

	x->len = p ? fread(x->buf, 1, sizeof(x->buf), p) : 0;
	if (p)
		pclose(p);
}

static int engine_step(struct im_graph *g, struct msgs *m, struct outcome *o)
{
	struct fake_kernel f;
	struct im_engine *e = NULL;
	struct im_engine_opts eo = { .threads = 4, .timeout_s = 20 };
	struct im_engine_stats st;
	size_t i;
	int err;

	fa_arm(0);	/* the fake is not under test */
	fake_init(&f);
	f.comp = IM_COMP_XZ;
	fake_from_graph(&f, g);
	fa_arm(1);
	err = im_engine_new(&e, g, &f.k, &eo, m);
	if (err == 0) {
		err = im_engine_run(e);
		im_engine_stats(e, &st);
		o->loaded = st.loaded + st.present;
		o->failed = st.failed;
		o->skipped = st.skipped;
		for (i = 0; i < g->n; i++)
			if ((e->jobs[i].st == IM_JOB_FAILED ||
			     e->jobs[i].st == IM_JOB_SKIPPED) && !*e->jobs[i].why)
				o->unexplained++;
		m->errors = e->m->errors;	/* the engine's copy of the sink */
		m->warnings = e->m->warnings;
	}
	im_engine_put(e);
	fa_arm(0);
	o->double_loads = f.double_loads;
	o->order_violations = f.order_violations;
	fake_free(&f);
	fa_arm(1);
	return err;
}

/* The boot's plan (im_plan_boot) for names[] and the command line's lists;
 * no modules-load.d: its root does not exist. */
static int plan(struct im_resolver *r, struct im_graph *g)
{
	struct im_request q[sizeof(names) / sizeof(names[0])];
	size_t i;
	int err;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		q[i].name = names[i];
		q[i].extra = NULL;
		q[i].kind = IM_REQ_NAME;
	}
	err = im_plan_boot(r, "/nonexistent/alloc-fail", q, i, g);
	return err < 0 ? err : 0;
}

static void pipeline(const char *dir, const char *const *confs,
		     const struct xz_input *xz, struct outcome *o)
{
	static const char cmd[] = "root=/dev/vda ext4.debug=1 modules_load=xfs,vfat modprobe.blacklist=pcspkr initmod.timeout=30";
	struct msgs m = { .verbose = -1, .prog = "alloc-fail" };
	struct im_moddb db;
	struct im_config cfg;
	struct im_resolver r;
	struct im_steps steps = { 0 };
	struct im_graph g;
	void *out = NULL;
	size_t outlen;
	char why[200];
	int err;

	memset(o, 0, sizeof(*o));
	fa_arm(1);
	im_config_init(&cfg);
	im_graph_init(&g);
	err = im_moddb_open(&db, dir, &m);
	if (err == 0)
		err = im_config_load(&cfg, confs, db.dirname, cmd, &m);
	if (err == 0) {
		im_resolver_init(&r, &db, &cfg, 0, &m);
		err = plan(&r, &g);
		if (!err)
			err = im_graph_order(&g, &m);
		o->nodes = g.n;
		if (!err)
			err = engine_step(&g, &m, o);
		im_resolver_free(&r);
	}
	if (im_decompress(IM_COMP_XZ, xz->buf, xz->len, &out, &outlen, why, sizeof(why)) < 0 && !err)
		err = -ENOMEM;
	free(out);
	im_steps_free(&steps);
	im_graph_free(&g);
	im_config_free(&cfg);
	im_moddb_close(&db);
	fa_arm(0);
	o->rc = err;
	o->errors = m.errors;
	o->warnings = m.warnings;
}

static void on_alarm(int sig)
{
	static const char msg[] = "alloc-fail: a run did not end within 60 s\n";

	(void)sig;
	write(2, msg, sizeof(msg) - 1);
	_exit(2);
}

int main(int argc, char **argv)
{
	struct outcome clean, o;
	struct xz_input xz;
	const char *confs[16];
	char dir[600];
	long n, k, same = 0, said = 0, bad = 0;
	int i;

	if (argc < 3 || argc > 16) {
		fprintf(stderr, "usage: alloc-fail KROOT KVER [CONFDIR...]\n");
		return 2;
	}
	snprintf(dir, sizeof(dir), "%s/lib/modules/%s", argv[1], argv[2]);
	for (i = 3; i < argc; i++)
		confs[i - 3] = argv[i];
	confs[argc - 3] = NULL;
	signal(SIGALRM, on_alarm);
	xz_make(&xz);
	if (!xz.len) {
		fprintf(stderr, "alloc-fail: could not run xz\n");
		return 1;
	}
	pipeline(dir, confs, &xz, &clean);
	n = fa_count();
	if (clean.rc || clean.double_loads || clean.order_violations || clean.nodes < 20) {
		fprintf(stderr, "alloc-fail: the clean run failed (rc %d, %zu nodes, %d double loads, %d order violations)\n",
			clean.rc, clean.nodes, clean.double_loads, clean.order_violations);
		return 1;
	}
	for (k = getenv("ALLOC_FAIL_AT") ? atol(getenv("ALLOC_FAIL_AT")) : 0; k < n; k++) {
		fa_fail_at(k);
		alarm(60);
		pipeline(dir, confs, &xz, &o);
		alarm(0);
		if (o.double_loads || o.order_violations || o.unexplained) {
			fprintf(stderr, "alloc-fail: allocation %ld: %d double loads, %d order violations, %zu failures without a reason\n",
				k, o.double_loads, o.order_violations, o.unexplained);
			bad++;
		} else if (o.rc == clean.rc && o.nodes == clean.nodes &&
			   o.loaded == clean.loaded && o.failed == clean.failed &&
			   o.errors == clean.errors) {
			same++;
		} else if (!o.unexplained && (o.rc || o.errors > clean.errors ||
			   o.warnings > clean.warnings || o.failed > clean.failed)) {
			said++;
		} else {
			fprintf(stderr, "alloc-fail: allocation %ld: a different result (%zu nodes, %zu loaded, %zu failed) and nothing said\n",
				k, o.nodes, o.loaded, o.failed);
			bad++;
		}
	}
	printf("alloc-fail: %ld allocation sites failed in turn: %ld runs as the clean one, %ld said what went wrong, %ld silent or broken\n",
	       n, same, said, bad);
	printf("alloc-fail: %ld passed, %ld failed\n", same + said, bad);
	return bad ? 1 : 0;
}
