/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * main.c - initmod's entry point: parse the command line, then one of
 * PID-1 mode (init.c), --show-depends (modprobe's exact output), -n (the
 * DAG as levels) or loading the names given.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include "../config/cmdline.h"
#include "../depmod/depmod_main.h"
#include "init.h"
#include "run.h"
#include "uevent.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* With --coldplug: the devices present now, as requests (no uevents). */
static struct im_request *present_devices(const struct im_opts *o,
					  struct im_devices *d, struct msgs *m)
{
	struct im_request *q;
	size_t i;

	memset(d, 0, sizeof(*d));
	if (o->coldplug != 1)
		return NULL;
	im_uevent_walk(o->sysfs ? o->sysfs : "/sys", d, m);
	q = calloc(d->n ? d->n : 1, sizeof(*q));
	for (i = 0; q && i < d->n; i++) {
		q[i].name = d->v[i].modalias;
		q[i].kind = IM_REQ_MODALIAS;
	}
	return q;
}

static int show_depends(struct im_resolver *r, const struct im_opts *o)
{
	double t0 = now_ms();
	struct im_steps steps = { 0 };
	int failed = 0, found = 0;
	size_t i;

	struct im_devices d;
	struct im_request *dq = present_devices(o, &d, r->m);

	for (i = 0; i < o->nreq && found >= 0; i++) {
		const struct im_request *q = &o->req[i];

		if (q->kind == IM_REQ_LISTED)
			found = im_resolve_listed(r, q->name, q->extra, &steps);
		else
			found = im_resolve_arg(r, q->name, q->extra, &steps);
		failed |= !found && q->kind != IM_REQ_LISTED;
		im_steps_print(r, &steps, stdout);
		im_steps_clear(&steps);
	}
	for (i = 0; dq && i < d.n && found >= 0; i++) {	/* udev's view */
		found = im_resolve_device(r, dq[i].name, &steps);
		im_steps_print(r, &steps, stdout);
		im_steps_clear(&steps);
	}
	free(dq);
	im_devices_free(&d);
	im_steps_free(&steps);
	fflush(stdout);
	msg_info(r->m, "resolved %zu names in %.3f ms", o->nreq, now_ms() - t0);
	return found < 0 ? found : failed;
}

/*
 * The names of the command line (with --boot: inside the boot's groups),
 * and with --coldplug the drivers of the devices present now.
 */
static int build(struct im_resolver *r, const struct im_opts *o,
		 struct im_graph *g, struct msgs *m)
{
	struct im_boot_groups b = { 0 };
	struct im_devices d;
	struct im_request *dq = present_devices(o, &d, m);
	struct im_plan_group grp[4] = {
		{ 0 },
		{ .req = o->req, .n = o->nreq },
		{ .req = dq, .n = dq ? d.n : 0, .parallel = 1 },
		{ 0 },
	};
	int err = o->coldplug == 1 && !dq ? -ENOMEM : 0;

	if (!err && o->boot) {
		err = im_boot_groups_init(&b, r, NULL, o->req, o->nreq);
		grp[0] = b.g[0];
		grp[1] = b.g[1];
		grp[3] = b.g[2];
	}
	if (!err)
		err = im_plan_build(r, grp, 4, g);
	im_boot_groups_free(&b);
	free(dq);
	im_devices_free(&d);
	return err;
}

/*
 * The plan of the names asked for: --dry-run orders and prints it
 * (@print), modprobe -n says only what is missing. 1 when a name is not
 * found.
 */
static int plan(struct im_resolver *r, const struct im_opts *o, int print)
{
	struct im_graph g;
	int err;

	im_graph_init(&g);
	err = build(r, o, &g, r->m);
	if (err >= 0 && print) {
		int e2 = im_graph_order(&g, r->m);

		if (e2 < 0)
			err = e2;
		else
			im_graph_print_plan(&g, stdout);
	}
	im_graph_free(&g);
	return err;
}

/*
 * --boot: PID 1's load, its deadline too (initmod.timeout=, else 120 s).
 * Coldplug's settle is shorter once root= is there, and never waits for
 * it: the generator's scripts mount the root, maybe after LVM or crypt.
 */
static int boot(struct im_session *s, const struct im_opts *o,
		const char *kcmd, struct msgs *m)
{
	struct msgs quiet = { .verbose = -1 };	/* the generator reads root= too */
	struct im_engine_opts eo;
	struct im_root_spec root;
	struct im_boot_root br = { .spec = &root, .optional = 1 };
	int err, bad, has_root;

	if (s->cfg.verbose > m->verbose)
		m->verbose = s->cfg.verbose;
	has_root = im_root_spec_parse(kcmd, &root, &quiet);
	im_run_engine_opts(s, o, im_init_deadline(kcmd, o), m, &eo);
	err = im_run_boot(s, o, &eo, has_root ? &br : NULL, m, &bad);
	return err < 0 && err != -ETIMEDOUT ? err : err < 0 || bad;
}

static int load(struct im_session *s, const struct im_opts *o, struct msgs *m)
{
	struct im_engine_opts eo;
	struct im_graph g;
	int notfound, bad = 0, err;

	im_run_engine_opts(s, o, o->timeout, m, &eo);
	if (o->coldplug == 1) {
		struct im_plan_group groups[3] = {
			{ 0 }, { .req = o->req, .n = o->nreq }, { 0 },
		};

		err = im_run_coldplug(s, o, groups, &eo, NULL, m, &bad);
		return err < 0 && err != -ETIMEDOUT ? err : err < 0 || bad;
	}
	im_graph_init(&g);
	notfound = build(&s->r, o, &g, m);
	if (notfound < 0) {
		im_graph_free(&g);
		return notfound;
	}
	err = im_run_graph(o, &g, &eo, m, &bad);
	if (err == -ETIMEDOUT)
		return 1;
	if (err < 0)
		return err;
	return notfound || bad;
}

/* The command line's work, with the session open. */
static int dispatch(struct im_session *s, const struct im_opts *o,
		    const char *kcmd, struct msgs *m)
{
	if (o->show_depends || (o->modprobe && o->dry_run && m->verbose > 0))
		return show_depends(&s->r, o);
	if (o->modprobe && o->dry_run)
		return plan(&s->r, o, 0);	/* modprobe -n: resolve, say only what is missing */
	if (o->dry_run)
		return plan(&s->r, o, 1);
	if (o->boot)
		return boot(s, o, kcmd, m);
	return load(s, o, m);
}

int main(int argc, char **argv)
{
	struct msgs m = { .prog = "initmod" };
	struct im_session s = { 0 };
	struct im_opts o;
	char *kcmd = NULL, *outbuf;
	int err, ret = 1;

	switch (im_depmod_wanted(argc, argv)) {	/* depmod mode: its own world */
	case 1: return im_depmod_main(argc, argv);
	case 2: return im_depmod_main(argc - 1, argv + 1);
	}
	err = im_opts_parse(argc, argv, &o, &m);
	if (o.init && (getpid() == 1 || !err))	/* PID 1 goes on, whatever was said */
		return im_init_main(&o, err, &m);	/* returns only when nothing could be exec'd */
	if (err) {
		im_opts_free(&o);
		return 2;
	}
	if (!o.no_cmdline)
		kcmd = im_cmdline_read(o.cmdline_file ? o.cmdline_file :
				       "/proc/cmdline", &m);
	if (im_run_this_boot(&o))	/* the image's words first, as PID 1 reads them */
		kcmd = im_cmdline_with_dir(kcmd, "/etc/cmdline.d", &m);
	outbuf = malloc(1 << 16);	/* musl ignores setvbuf without a buffer */
	if (outbuf)
		setvbuf(stdout, outbuf, _IOFBF, 1 << 16);
	if (im_session_open(&s, &o, kcmd, &m) < 0) {
		msg_err(&m, "out of memory");
	} else {
		ret = dispatch(&s, &o, kcmd, &m);
		if (ret < 0)
			msg_err(&m, "%s", strerror(-ret));
		ret = ret != 0;	/* 0 or 1, never a count (2: the command line) */
	}
	im_run_print_peak_rss(&m, o.stats);
	fflush(stdout);
	im_session_close(&s);
	im_opts_free(&o);
	free(kcmd);
	if (outbuf) {
		setvbuf(stdout, NULL, _IONBF, 0);
		free(outbuf);
	}
	return ret;
}
