/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * run.h - what every way of loading shares: the session (module directory,
 * indexes, configuration, resolver) and one run of a plan graph against the
 * running kernel with its report, traces and statistics.
 */
#ifndef INITMOD_RUN_H
#define INITMOD_RUN_H

#include "engine.h"
#include "options.h"
#include "../config/rootspec.h"

/* What a boot knows about its root device (NULL: nothing). */
struct im_boot_root {
	const struct im_root_spec *spec;	/* root= and its options */
	int optional;			/* never wait for it (--boot: the
					 * generator's scripts mount it) */
	void (*found)(void *arg, const char *dev);	/* it is there */
	void *arg;
};

struct im_session {
	char *dir;			/* ROOT/lib/modules/KVER */
	struct im_moddb db;
	struct im_config cfg;
	struct im_resolver r;
	int open;			/* db, cfg and r are set up */
};

/* Open the tree of @o with the kernel command line @kcmd (NULL: none). */
int im_session_open(struct im_session *s, const struct im_opts *o,
		    const char *kcmd, struct msgs *m);
void im_session_close(struct im_session *s);

/* The engine's options from @o, with the deadline @timeout_s. */
void im_run_engine_opts(const struct im_session *s, const struct im_opts *o,
			double timeout_s, struct msgs *m,
			struct im_engine_opts *eo);

/*
 * Run @g (moved into the engine: *g is left empty) against the kernel,
 * report one line per module that did not load and a summary, write the
 * traces. Returns -ETIMEDOUT, another -errno, or 0 with *@bad set when a
 * requested module is not loaded or present.
 */
int im_run_graph(const struct im_opts *o, struct im_graph *g,
		 const struct im_engine_opts *eo, struct msgs *m, int *bad);

/*
 * The same with coldplug (coldplug.h): @groups pre, main, post; the
 * devices' drivers join main, devices that appear join while it runs.
 */
int im_run_coldplug(struct im_session *s, const struct im_opts *o,
		    const struct im_plan_group groups[3],
		    const struct im_engine_opts *eo,
		    const struct im_boot_root *root, struct msgs *m, int *bad);

/*
 * A boot's load (PID 1's, and --boot's for the generators' hooks): the
 * kernel command line's rd.driver.pre=, then modules_load=, modules-load.d
 * and @o's names, then rd.driver.post=; with coldplug unless --no-coldplug
 * or initmod.coldplug=0 (@root: the device the coldplug's settle waits
 * for, or NULL). Returns as im_run_graph(). --boot of the running system
 * (im_run_this_boot) opens the kernel log for @m's errors,
 * warnings and the summary meanwhile, unless @m has one (PID 1's).
 */
int im_run_boot(struct im_session *s, const struct im_opts *o,
		const struct im_engine_opts *eo,
		const struct im_boot_root *root, struct msgs *m, int *bad);

/*
 * Is this --boot of the running system's own boot (no -d, --sysfs,
 * --no-cmdline or --cmdline=FILE: not a test's tree, devices or command
 * line)? Then it reads the image's /etc/cmdline.d too, and writes to the
 * kernel log.
 */
int im_run_this_boot(const struct im_opts *o);

/* Peak resident memory (VmHWM) on stderr, with --stats or -v. */
void im_run_print_peak_rss(struct msgs *m, int stats);

#endif
