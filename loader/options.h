/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * options.h - initmod's own command line (and modprobe's, when called as
 * modprobe): what to do, with which tree, configuration and limits.
 */
#ifndef INITMOD_OPTIONS_H
#define INITMOD_OPTIONS_H

#include "../config/plan.h"

struct im_opts {
	const char *root, *kver, *cmdline_file;
	const char **config;		/* NULL-terminated, or NULL: defaults */
	size_t nconfig, cap_config;
	int show_depends, dry_run, all, no_cmdline, threads, max_threads;
	int init, modprobe;		/* PID-1 helper / invoked as modprobe */
	int init_test;			/* --init-test: --init without PID 1 */
	int boot;			/* --boot: PID 1's load, not PID 1 */
	int stats;			/* --stats */
	int if_present;			/* --if-present: NAMEs are IM_REQ_LISTED */
	int coldplug;			/* --coldplug, --no-coldplug: 1, 0; -1 unset */
	double settle_s;		/* --settle: quiet period, 0 default */
	int user_decompress;		/* --decompress user */
	char **exec_argv;		/* after --exec */
	char **env_argv, *env_words;	/* argv with MODPROBE_OPTIONS */
	double warn_after, timeout;	/* timeout: -1 when not given */
	const char *trace, *trace_svg, *sysfs;
	const char *seen_file;	/* --seen-file: what coldplug saw */
	unsigned flags;			/* IM_RES_* */
	struct im_request *req;		/* the names (or paths) to load */
	size_t nreq;
};

/*
 * Parse @argv into @o (argv[0] "modprobe", or "initmod modprobe ...",
 * selects modprobe mode; PID 1 or --init selects PID-1 mode). -h and -V
 * print and exit. Returns 0, or -EINVAL after saying what is wrong
 * (o->init is still set then: PID 1 must go on with the boot).
 */
int im_opts_parse(int argc, char **argv, struct im_opts *o, struct msgs *m);
void im_opts_free(struct im_opts *o);

#endif
