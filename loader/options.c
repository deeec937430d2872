/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * options.c - initmod's command line and modprobe's (kmod's tools/modprobe.c
 * option set where initmod can honour it): parsed once into struct im_opts,
 * every number checked against its range, every refusal said in words.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../base/decompress.h"
#include "options.h"

#ifndef INITMOD_VERSION
#define INITMOD_VERSION "0.1"
#endif

static void usage(FILE *f, int modprobe)
{
	if (modprobe) {
		fputs("usage: modprobe [options] NAME [PARAM=VALUE...]\n"
		      "       modprobe [options] -a NAME [NAME...]\n"
		      "       modprobe [options] /path/to/module.ko [PARAM=VALUE...]\n"
		      "  -a, --all               every argument is a module name\n"
		      "  -b, --use-blacklist     blacklist applies to names, not only aliases\n"
		      "  -C, --config PATH       modprobe.d file or directory (repeatable)\n"
		      "  -d, --dirname ROOT      module tree under ROOT/lib/modules/KVER\n"
		      "  -D, --show-depends      print what would be loaded, do nothing\n"
		      "  -i, --ignore-install    ignore install commands\n"
		      "  -n, --dry-run           resolve, load nothing\n"
		      "  -q, --quiet / -v, --verbose\n"
		      "  -s, --syslog            accepted (messages go to stderr)\n"
		      "      --first-time        accepted (a module already present is fine)\n"
		      "  -S, --set-version KVER  kernel version (default: uname -r)\n"
		      "  -V, --version / -h, --help\n"
		      "A NAME starting with '/' or './' is a module file (kmod >= 31): it\n"
		      "loads from that file, with the dependencies the index lists for its name.\n"
		      "Not supported, refused with a message: -r/--remove, -f/--force,\n"
		      "--force-modversion, --force-vermagic (initmod never strips version\n"
		      "checks), -R, -w, -c.\n", f);
		return;
	}
	fputs("usage: initmod [options] NAME [PARAM=VALUE...] [NAME...]\n"
	      "       initmod [options] --coldplug [NAME...]\n"
	      "  -d, --dirname ROOT      module tree under ROOT/lib/modules/KVER\n"
	      "  -S, --set-version KVER  kernel version (default: uname -r)\n"
	      "  -C, --config PATH       modprobe.d file or directory (repeatable;\n"
	      "                          replaces the default directories)\n"
	      "      --cmdline[=FILE]    kernel command line (default /proc/cmdline)\n"
	      "      --no-cmdline        ignore the kernel command line\n"
	      "  -b, --use-blacklist     blacklist applies to names, not only aliases\n"
	      "  -i, --ignore-install    ignore install commands\n"
	      "  -a, --all               every argument is a module name\n"
	      "      --if-present        the NAMEs are a list made for any kernel\n"
	      "                          (initramfs-tools' /conf/modules): one this\n"
	      "                          kernel lacks is a notice, not an error\n"
	      "  -D, --show-depends      print the plan like modprobe --show-depends\n"
	      "  -n, --dry-run           print the DAG as levels and its critical path\n"
	      "  -j, --jobs N            at most N loads on a CPU at once, 1 to 1024\n"
	      "                          (default: online CPUs); loads asleep in the\n"
	      "                          kernel do not count\n"
	      "      --max-threads M     at most M loads at once, 1 to 1024\n"
	      "                          (default: 4 N, 16 to 64)\n"
	      "      --warn-after S      say so when loads run longer than S s (10;\n"
	      "                          0 = never)\n"
	      "      --timeout S         stop waiting after S seconds, 0: never (default:\n"
	      "                          never; --init/--boot: 120, and the kernel command\n"
	      "                          line's initmod.timeout= comes first)\n"
	      "      --trace FILE        timeline as Chrome trace-event JSON (Perfetto)\n"
	      "      --trace-svg FILE    timeline as an SVG Gantt chart\n"
	      "      --decompress WHERE  kernel (default: when it can) or user\n"
	      "      --stats             after loading: the schedule's bound and peak RSS\n"
	      "      --sysfs DIR         sysfs to read devices and module states from\n"
	      "                          (default /sys)\n"
	      "      --coldplug          also load the drivers of the devices present\n"
	      "                          and of those that appear while loading (MODALIAS)\n"
	      "      --no-coldplug       not even in PID-1 mode (initmod.coldplug=0)\n"
	      "      --settle S          settled when no uevent came for S s (1.25)\n"
	      "      --seen-file FILE    once settled, write there what the device scan\n"
	      "                          saw: the kernel's number of the last uevent it\n"
	      "                          read, then each modalias (for udev-trigger)\n"
	      "  -v, --verbose / -q, --quiet\n"
	      "  -V, --version / -h, --help\n"
	      "      --init              PID-1 helper: mount, load what the kernel command\n"
	      "                          line and modules-load.d ask for, exec the next stage\n"
	      "                          (refused unless this is PID 1; never with -n/-D)\n"
	      "      --init-test         --init although this is not PID 1 (tests: the old\n"
	      "                          root is still freed only if it is a ramfs/tmpfs)\n"
	      "      --exec PROG ARG...  the next stage for --init (the rest of the line)\n"
	      "      --boot              --init's loading only (for initramfs-tools' and\n"
	      "                          dracut's hooks): the command line's lists,\n"
	      "                          modules-load.d, NAMEs, coldplug unless\n"
	      "                          initmod.coldplug=0; deadline as --init's\n"
	      "A NAME starting with '/' or './' is a module file (as kmod >= 31).\n"
	      "As 'modprobe' (argv[0], or 'initmod modprobe ...'): modprobe's options,\n"
	      "see 'initmod modprobe --help'. As 'depmod' (argv[0], or\n"
	      "'initmod depmod ...'): kmod's depmod, see 'initmod depmod --help'.\n", f);
}

/* A number in [lo, hi]; @integer: no fraction. */
static int parse_num(const char *s, double *out, double lo, double hi,
		     int integer)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || !(v >= lo && v <= hi) ||
	    (integer && v != (double)(long)v))
		return -1;
	*out = v;
	return 0;
}

/* modprobe's options_from_array(): a value with a space gets quoted. */
static int append_param(struct im_request *r, const char *arg)
{
	const char *v = strchr(arg, '=');
	size_t len = r->extra ? strlen(r->extra) : 0, alen = strlen(arg);
	int quote = v && v[1] != '"' && v[1] != '\'' && strchr(v + 1, ' ');
	char *n = realloc((char *)r->extra, len + alen + 4);

	if (!n)
		return -ENOMEM;
	r->extra = n;
	if (len)
		n[len++] = ' ';
	if (quote)
		sprintf(n + len, "%.*s\"%s\"", (int)(v + 1 - arg), arg, v + 1);
	else
		memcpy(n + len, arg, alen + 1);
	return 0;
}

enum {
	OPT_CMDLINE = 256, OPT_NO_CMDLINE, OPT_WARN_AFTER, OPT_TIMEOUT,
	OPT_TRACE, OPT_TRACE_SVG, OPT_SYSFS, OPT_INIT, OPT_BOOT, OPT_FIRST_TIME,
	OPT_STATS, OPT_DECOMPRESS, OPT_MAX_THREADS, OPT_FORCE_MODVERSION,
	OPT_FORCE_VERMAGIC, OPT_COLDPLUG, OPT_NO_COLDPLUG, OPT_SETTLE, OPT_IF_PRESENT,
	OPT_INIT_TEST, OPT_SEEN_FILE,
};

/* NO: an option without an argument; ARG: with one */
#define NO(name, val) { name, no_argument, 0, val }
#define ARG(name, val) { name, required_argument, 0, val }
static const struct option longopts[] = {
	/* the tree, the configuration, the kernel command line */
	ARG("dirname", 'd'), ARG("set-version", 'S'), ARG("config", 'C'),
	{ "cmdline", optional_argument, 0, OPT_CMDLINE },
	NO("no-cmdline", OPT_NO_CMDLINE), ARG("sysfs", OPT_SYSFS),
	NO("use-blacklist", 'b'), NO("ignore-install", 'i'),
	/* what to do */
	NO("all", 'a'), NO("show-depends", 'D'), NO("dry-run", 'n'),
	NO("if-present", OPT_IF_PRESENT),
	NO("init", OPT_INIT), NO("init-test", OPT_INIT_TEST), NO("boot", OPT_BOOT),
	NO("coldplug", OPT_COLDPLUG), NO("no-coldplug", OPT_NO_COLDPLUG),
	ARG("settle", OPT_SETTLE), ARG("seen-file", OPT_SEEN_FILE),
	/* threads, time and decompression */
	ARG("jobs", 'j'), ARG("max-threads", OPT_MAX_THREADS),
	ARG("warn-after", OPT_WARN_AFTER), ARG("timeout", OPT_TIMEOUT),
	ARG("decompress", OPT_DECOMPRESS),
	/* what it says */
	NO("verbose", 'v'), NO("quiet", 'q'), NO("version", 'V'), NO("help", 'h'),
	ARG("trace", OPT_TRACE), ARG("trace-svg", OPT_TRACE_SVG),
	NO("stats", OPT_STATS),
	/* modprobe's, accepted */
	NO("remove", 'r'), NO("first-time", OPT_FIRST_TIME), NO("syslog", 's'),
	NO("force", 'f'), NO("force-modversion", OPT_FORCE_MODVERSION),
	NO("force-vermagic", OPT_FORCE_VERMAGIC),
	{ 0 }
};
#undef NO
#undef ARG

/* The option @c as a user writes it, for messages ("-j/--jobs"). */
static const char *option_name(int c, char *buf, size_t len)
{
	const struct option *lo;
	char shrt[4] = "";

	if (c < 256 && c > ' ')
		snprintf(shrt, sizeof(shrt), "-%c", c);
	snprintf(buf, len, "%s", shrt);
	for (lo = longopts; lo->name; lo++)
		if (lo->val == c) {
			snprintf(buf, len, "%s%s--%s", shrt, *shrt ? "/" : "", lo->name);
			break;
		}
	return buf;
}

/* One option; 0 or -EINVAL (said). */
static int take_option(int c, struct im_opts *o, struct msgs *m)
{
	char opt[64];

	double d;

	switch (c) {
	case 'd': o->root = optarg; break;
	case 'S': o->kver = optarg; break;
	case 'C':
		if (VEC_PUSH(o->config, o->nconfig, o->cap_config, optarg) < 0)
			return -ENOMEM;
		break;
	case OPT_CMDLINE: o->cmdline_file = optarg ? optarg : "/proc/cmdline"; break;
	case OPT_NO_CMDLINE: o->no_cmdline = 1; break;
	case 'b': o->flags |= IM_RES_BLACKLIST; break;
	case 'i': o->flags |= IM_RES_IGNORE_CMD; break;
	case 'a': o->all = 1; break;
	case 'D': o->show_depends = 1; break;
	case 'n': o->dry_run = 1; break;
	case 'v': m->verbose++; break;
	case 'q': m->verbose = -1; break;
	case 'j':
		if (parse_num(optarg, &d, 1, 1024, 1) < 0)
			goto bad_number;
		o->threads = (int)d;
		break;
	case OPT_MAX_THREADS:
		if (parse_num(optarg, &d, 1, 1024, 1) < 0)
			goto bad_number;
		o->max_threads = (int)d;
		break;
	case OPT_WARN_AFTER:
		if (parse_num(optarg, &o->warn_after, 0, 1e6, 0) < 0)
			goto bad_number;
		break;
	case OPT_TIMEOUT:
		if (parse_num(optarg, &o->timeout, 0, 1e6, 0) < 0)
			goto bad_number;
		break;
	case OPT_COLDPLUG: o->coldplug = 1; break;
	case OPT_NO_COLDPLUG: o->coldplug = 0; break;
	case OPT_SETTLE:
		if (parse_num(optarg, &o->settle_s, 0.01, 600, 0) < 0)
			goto bad_number;
		break;
	case OPT_TRACE: o->trace = optarg; break;
	case OPT_TRACE_SVG: o->trace_svg = optarg; break;
	case OPT_STATS: o->stats = 1; break;
	case OPT_SEEN_FILE: o->seen_file = optarg; break;
	case OPT_IF_PRESENT: o->if_present = 1; break;
	case OPT_DECOMPRESS:
		if (strcmp(optarg, "user") && strcmp(optarg, "kernel")) {
			msg_err(m, "--decompress takes 'kernel' or 'user', not '%s'", optarg);
			return -EINVAL;
		}
		o->user_decompress = !strcmp(optarg, "user");
		break;
	case OPT_SYSFS: o->sysfs = optarg; break;
	case OPT_INIT:
	case OPT_INIT_TEST:
		if (o->modprobe) {	/* never PID 1's path from modprobe */
			msg_err(m, "%s is not an option of modprobe",
				option_name(c, opt, sizeof(opt)));
			return -EINVAL;
		}
		o->init = 1;
		o->init_test |= c == OPT_INIT_TEST;
		break;
	case OPT_BOOT:
		if (o->modprobe) {
			msg_err(m, "--boot is not an option of modprobe");
			return -EINVAL;
		}
		o->boot = 1;
		break;
	case OPT_FIRST_TIME: break;	/* modprobe --first-time: present is fine */
	case 's': break;		/* modprobe -s (syslog): stderr it is */
	case 'f':
	case OPT_FORCE_MODVERSION:
	case OPT_FORCE_VERMAGIC:
		msg_err(m, "%s is not supported: initmod never strips version checks from a module",
			c == 'f' ? "--force" : c == OPT_FORCE_VERMAGIC ?
			"--force-vermagic" : "--force-modversion");
		return -EINVAL;
	case 'r':
		msg_err(m, "removing modules (-r) is not supported");
		return -EINVAL;
	case 'V': {
		char v[128];

		im_comp_versions(v, sizeof(v));
		printf("initmod %s (%s)\n", INITMOD_VERSION, v);
		exit(0);
	}
	case 'h': usage(stdout, o->modprobe); exit(0);
	default: usage(stderr, o->modprobe); return -EINVAL;
	}
	return 0;
bad_number:
	msg_err(m, "option %s: '%s' is not a number in range (see --help)",
		option_name(c, opt, sizeof(opt)), optarg);
	return -EINVAL;
}

/* NAME [PARAM=VALUE...] [NAME...]: options after a name are its own. */
static int take_names(int argc, char **argv, struct im_opts *o, struct msgs *m)
{
	int i;

	o->req = calloc(argc - optind + 1, sizeof(*o->req));
	if (!o->req)
		return -ENOMEM;
	for (i = optind; i < argc; i++) {
		if (!o->all && o->nreq && strchr(argv[i], '=')) {
			if (append_param(&o->req[o->nreq - 1], argv[i]) < 0)
				return -ENOMEM;
			continue;
		}
		o->req[o->nreq].kind = o->if_present ? IM_REQ_LISTED : IM_REQ_ARG;
		o->req[o->nreq++].name = argv[i];
	}
	if (!o->nreq && !o->init && !o->boot && o->coldplug != 1 && !o->exec_argv) {
		msg_err(m, "missing module name; see --help");
		return -EINVAL;
	}
	return 0;
}

/* What no option said: CPU slots from the machine, room for sleepers. */
static void defaults(struct im_opts *o)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (!o->threads)
		o->threads = cpus > 0 ? (int)cpus : 1;
	if (!o->max_threads) {
		o->max_threads = 4 * o->threads < 16 ? 16 : 4 * o->threads;
		if (o->max_threads > 64)
			o->max_threads = o->threads > 64 ? o->threads : 64;
	}
}

/*
 * MODPROBE_OPTIONS, as kmod's modprobe takes it (prepend_options_from_env):
 * its words, split at blanks, come before the command line's arguments.
 * For modprobe and for --boot, which stands in for the modprobe calls of
 * an initramfs (initramfs-tools exports MODPROBE_OPTIONS=-qb).
 */
static int env_options(int *argc, char ***argv, struct im_opts *o)
{
	const char *env = getenv("MODPROBE_OPTIONS");
	char *w, *save = NULL;
	int n = 0, i;

	if (!env || !*env)
		return 0;
	o->env_words = strdup(env);
	o->env_argv = calloc(*argc + strlen(env) / 2 + 2, sizeof(char *));
	if (!o->env_words || !o->env_argv)
		return -ENOMEM;
	o->env_argv[n++] = (*argv)[0];
	for (w = strtok_r(o->env_words, " \t\n", &save); w;
	     w = strtok_r(NULL, " \t\n", &save))
		o->env_argv[n++] = w;
	for (i = 1; i < *argc; i++)
		o->env_argv[n++] = (*argv)[i];
	*argc = n;
	*argv = o->env_argv;
	return 0;
}

/* argv[0] or argv[1] "modprobe"; --init and --exec; PID 1. */
static void mode(int *argc, char ***argv, struct im_opts *o, struct msgs *m)
{
	const char *base = strrchr((*argv)[0], '/');
	int i;

	base = base ? base + 1 : (*argv)[0];
	if (strcmp(base, "modprobe") == 0) {
		o->modprobe = 1;
	} else if (*argc > 1 && strcmp((*argv)[1], "modprobe") == 0) {
		o->modprobe = 1;
		(*argv)++;
		(*argc)--;
	}
	m->prog = o->modprobe ? "modprobe" : "initmod";
	for (i = 1; i < *argc && !o->modprobe; i++) {
		if (strcmp((*argv)[i], "--init") == 0 ||
		    strcmp((*argv)[i], "--init-test") == 0)
			o->init = 1;
		if (strcmp((*argv)[i], "--boot") == 0)
			o->boot = 1;
		if (strcmp((*argv)[i], "--exec") == 0) {
			o->exec_argv = *argv + i + 1;
			(*argv)[i] = NULL;
			*argc = i;
			break;
		}
	}
	if (getpid() == 1 && !o->modprobe)
		o->init = 1;
}

/*
 * Options that make no sense together, and --init where it would switch
 * the root of a running system: said, -EINVAL (exit 2). --init mounts,
 * switches root and frees the old one: only PID 1 of an initramfs may, or
 * a test that says --init-test (the switch still frees only a ramfs or
 * tmpfs root). -n and -D promise to change nothing; --init cannot keep that.
 */
static int refuse_nonsense(const struct im_opts *o, struct msgs *m)
{
	const char *why = NULL;

	if (o->init && (o->dry_run || o->show_depends))
		why = "--init mounts, loads and switches root: -n/-D cannot be kept with it";
	else if (o->init && o->boot)
		why = "--init and --boot are two modes: --boot is --init's loading alone";
	else if (o->init && !o->init_test && getpid() != 1)
		why = "--init is the initramfs's PID 1 (it switches root and frees the old one); "
		      "this is not PID 1: refused (run --boot to load what the boot would)";
	else if (o->exec_argv && !o->init)
		why = "--exec names --init's next stage: without --init it does nothing";
	else if (o->seen_file && (o->init || o->coldplug == 0 || o->dry_run ||
				    o->show_depends || (!o->boot && o->coldplug != 1)))
		why = "--seen-file is what --boot's or --coldplug's device scan saw: "
		      "it needs one of them, and a load (not -n/-D, --init or --no-coldplug)";
	if (!why)
		return 0;
	msg_err(m, "%s", why);
	return -EINVAL;
}

int im_opts_parse(int argc, char **argv, struct im_opts *o, struct msgs *m)
{
	int c, err = 0;

	memset(o, 0, sizeof(*o));
	o->warn_after = 10;
	o->timeout = -1;		/* none given: never, 120 s at boot */
	o->coldplug = -1;
	mode(&argc, &argv, o, m);
	if ((o->modprobe || o->boot) && !o->init &&
	    env_options(&argc, &argv, o) < 0) {
		msg_err(m, "out of memory");
		return -ENOMEM;
	}
	optind = 1;
	while (!err && (c = getopt_long(argc, argv, "d:S:C:biaDnvqVhj:rfs",
					longopts, NULL)) != -1)
		err = take_option(c, o, m);
	if (!err)
		err = take_names(argc, argv, o, m);
	if (!err && o->config &&
	    VEC_PUSH(o->config, o->nconfig, o->cap_config, NULL) < 0)
		err = -ENOMEM;
	if (!err)
		err = refuse_nonsense(o, m);
	defaults(o);
	return err;
}

void im_opts_free(struct im_opts *o)
{
	size_t i;

	for (i = 0; i < o->nreq; i++)
		free((char *)o->req[i].extra);
	free(o->req);
	free(o->config);
	free(o->env_argv);
	free(o->env_words);
}
