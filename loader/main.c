/*
 * main.c - the initmod command line: option parsing, then one of
 * --show-depends (modprobe's exact output), -n (the DAG as levels) or,
 * later, loading.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <fcntl.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include "../config/cmdline.h"
#include "../config/resolve.h"
#include "../depgraph/names.h"
#include "decompress.h"
#include "engine.h"
#include "init.h"
#include "../config/modules_load.h"
#include "trace.h"

#ifndef INITMOD_VERSION
#define INITMOD_VERSION "0.1"
#endif

struct request {
	const char *name;
	char *extra;		/* options given after the name, or NULL */
};

struct opts {
	const char *root, *kver, *cmdline_file;
	const char **config;
	size_t nconfig, cap_config;
	int show_depends, dry_run, all, no_cmdline, threads, max_threads;
	int init, modprobe;		/* PID-1 helper / invoked as modprobe */
	int stats;			/* --stats */
	int user_decompress;		/* --decompress user */
	char **exec_argv;		/* after --exec */
	double warn_after, timeout;
	const char *trace, *trace_svg, *sysfs;
	unsigned flags;
	struct request *req;
	size_t nreq;
};

static void usage(FILE *f)
{
	fputs("usage: initmod [options] NAME [PARAM=VALUE...] [NAME...]\n"
	      "  -d, --dirname ROOT      module tree under ROOT/lib/modules/KVER\n"
	      "  -S, --set-version KVER  kernel version (default: uname -r)\n"
	      "  -C, --config PATH       modprobe.d file or directory (repeatable;\n"
	      "                          replaces the default directories)\n"
	      "      --cmdline[=FILE]    kernel command line (default /proc/cmdline)\n"
	      "      --no-cmdline        ignore the kernel command line\n"
	      "  -b, --use-blacklist     blacklist applies to names, not only aliases\n"
	      "  -i, --ignore-install    ignore install commands\n"
	      "  -a, --all               every argument is a module name\n"
	      "  -D, --show-depends      print the plan like modprobe --show-depends\n"
	      "  -n, --dry-run           print the DAG as levels and its critical path\n"
	      "  -j, --jobs N            at most N loads on a CPU at once (default: online\n"
	      "                          CPUs); loads asleep in the kernel do not count\n"
	      "      --max-threads M     at most M loads at once (default: 4 N, 16 to 64)\n"
	      "      --warn-after S      name a module whose init runs longer (10)\n"
	      "      --timeout S         stop waiting after S seconds (default: never)\n"
	      "      --trace FILE        timeline as Chrome trace-event JSON (Perfetto)\n"
	      "      --trace-svg FILE    timeline as an SVG Gantt chart\n"
	      "      --decompress WHERE  kernel (default: when it can) or user\n"
	      "      --stats             after loading: the schedule's bound and peak RSS\n"
	      "  -v, --verbose / -q, --quiet\n"
	      "  -V, --version / -h, --help\n"
	      "      --init              PID-1 helper: mount, load what the kernel command\n"
	      "                          line and modules-load.d ask for, exec the next stage\n"
	      "      --exec PROG ARG...  the next stage for --init (the rest of the line)\n"
	      "As 'modprobe' (argv[0] or 'initmod modprobe ...'): modprobe's options;\n"
	      "-r is not supported.\n", f);
}

static int parse_num(const char *s, double *out, double lo, double hi)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* modprobe's options_from_array(): a value with a space gets quoted. */
static int append_param(struct request *r, const char *arg)
{
	const char *v = strchr(arg, '=');
	size_t len = r->extra ? strlen(r->extra) : 0, alen = strlen(arg);
	int quote = v && v[1] != '"' && v[1] != '\'' && strchr(v + 1, ' ');
	char *n = realloc(r->extra, len + alen + 4);

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

static int parse_args(int argc, char **argv, struct opts *o, struct msgs *m)
{
	static const struct option lo[] = {
		{ "dirname", required_argument, 0, 'd' },
		{ "set-version", required_argument, 0, 'S' },
		{ "config", required_argument, 0, 'C' },
		{ "cmdline", optional_argument, 0, 1 },
		{ "no-cmdline", no_argument, 0, 2 },
		{ "use-blacklist", no_argument, 0, 'b' },
		{ "ignore-install", no_argument, 0, 'i' },
		{ "all", no_argument, 0, 'a' },
		{ "show-depends", no_argument, 0, 'D' },
		{ "dry-run", no_argument, 0, 'n' },
		{ "verbose", no_argument, 0, 'v' },
		{ "quiet", no_argument, 0, 'q' },
		{ "version", no_argument, 0, 'V' },
		{ "help", no_argument, 0, 'h' },
		{ "jobs", required_argument, 0, 'j' },
		{ "warn-after", required_argument, 0, 3 },
		{ "timeout", required_argument, 0, 4 },
		{ "trace", required_argument, 0, 5 },
		{ "trace-svg", required_argument, 0, 6 },
		{ "stats", no_argument, 0, 10 },
		{ "max-threads", required_argument, 0, 12 },
		{ "decompress", required_argument, 0, 11 },
		{ "sysfs", required_argument, 0, 7 },
		{ "init", no_argument, 0, 8 },
		{ "remove", no_argument, 0, 'r' },
		{ "first-time", no_argument, 0, 9 },
		{ "force", no_argument, 0, 'f' },
		{ 0 }
	};
	double d;
	int c, i;

	while ((c = getopt_long(argc, argv, "d:S:C:biaDnvqVhj:rfs", lo, NULL)) != -1) {
		switch (c) {
		case 'd': o->root = optarg; break;
		case 'S': o->kver = optarg; break;
		case 'C':
			if (VEC_PUSH(o->config, o->nconfig, o->cap_config, optarg) < 0)
				return -ENOMEM;
			break;
		case 1: o->cmdline_file = optarg ? optarg : "/proc/cmdline"; break;
		case 2: o->no_cmdline = 1; break;
		case 'b': o->flags |= IM_RES_BLACKLIST; break;
		case 'i': o->flags |= IM_RES_IGNORE_CMD; break;
		case 'a': o->all = 1; break;
		case 'D': o->show_depends = 1; break;
		case 'n': o->dry_run = 1; break;
		case 'v': m->verbose++; break;
		case 'j':
			if (parse_num(optarg, &d, 1, 1024) < 0)
				goto bad_number;
			o->threads = (int)d;
			break;
		case 3:
			if (parse_num(optarg, &o->warn_after, 0, 1e6) < 0)
				goto bad_number;
			break;
		case 4:
			if (parse_num(optarg, &o->timeout, 0, 1e6) < 0)
				goto bad_number;
			break;
		case 5: o->trace = optarg; break;
		case 6: o->trace_svg = optarg; break;
		case 10: o->stats = 1; break;
		case 12:
			d = atof(optarg);
			if (d < 1 || d > 1024) {
				msg_err(m, "--max-threads wants 1 to 1024, not '%s'", optarg);
				return -1;
			}
			o->max_threads = (int)d;
			break;
		case 11:
			if (strcmp(optarg, "user") && strcmp(optarg, "kernel")) {
				msg_err(m, "--decompress takes 'kernel' or 'user', not '%s'", optarg);
				return -1;
			}
			o->user_decompress = !strcmp(optarg, "user");
			break;
		case 7: o->sysfs = optarg; break;
		case 8: o->init = 1; break;
		case 9: break;		/* modprobe --first-time: present is fine */
		case 's': break;	/* modprobe -s (syslog): stderr it is */
		case 'f':
			msg_err(m, "--force is not supported: initmod never strips version checks");
			return -EINVAL;
		case 'r':
			msg_err(m, "removing modules (-r) is not supported");
			return -EINVAL;
		case 'q': m->verbose = -1; break;
		case 'V': {
			char v[128];

			im_comp_versions(v, sizeof(v));
			printf("initmod %s (%s)\n", INITMOD_VERSION, v);
			exit(0);
		}
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -EINVAL;
		}
	}
	o->req = calloc(argc - optind + 1, sizeof(*o->req));
	if (!o->req)
		return -ENOMEM;
	for (i = optind; i < argc; i++) {
		if (!o->all && o->nreq && strchr(argv[i], '=')) {
			if (append_param(&o->req[o->nreq - 1], argv[i]) < 0)
				return -ENOMEM;
			continue;
		}
		o->req[o->nreq++].name = argv[i];
	}
	if (!o->nreq && !o->init) {
		msg_err(m, "missing module name; see --help");
		return -EINVAL;
	}
	return 0;
bad_number:
	msg_err(m, "option %s: '%s' is not a number in range", argv[optind - 1],
		optarg);
	return -EINVAL;
}

/* kmod's module directory: ROOT/lib/modules/KVER, KVER from uname. */
static char *module_dir(const struct opts *o)
{
	struct utsname u;
	const char *kver = o->kver;
	char *d;

	if (!kver) {
		if (uname(&u) < 0)
			return NULL;
		kver = u.release;
	}
	if (asprintf(&d, "%s/lib/modules/%s", o->root ? o->root : "", kver) < 0)
		return NULL;
	return d;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int show_depends(struct im_resolver *r, const struct opts *o)
{
	double t0 = now_ms();
	struct im_steps steps = { 0 };
	int failed = 0, found = 0;
	size_t i;

	for (i = 0; i < o->nreq && found >= 0; i++) {
		found = im_resolve_name(r, o->req[i].name, o->req[i].extra,
					&steps);
		failed |= !found;
		im_steps_print(r, &steps, stdout);
		im_steps_clear(&steps);
	}
	im_steps_free(&steps);
	fflush(stdout);
	msg_info(r->m, "resolved %zu names in %.3f ms", o->nreq, now_ms() - t0);
	return found < 0 ? found : failed;
}

/* Resolve every request into @g; 1 when some name was not found. */
static int build_graph(struct im_resolver *r, const struct opts *o,
		       struct im_graph *g)
{
	struct im_steps steps = { 0 };
	int failed = 0, found = 0;
	size_t i;

	r->graph = g;
	for (i = 0; i < o->nreq && found >= 0; i++) {
		found = im_resolve_name(r, o->req[i].name, o->req[i].extra,
					&steps);
		failed |= !found;
		im_steps_clear(&steps);
	}
	im_steps_free(&steps);
	r->graph = NULL;
	return found < 0 ? found : failed;
}

static int dry_run(struct im_resolver *r, const struct opts *o)
{
	struct im_graph g;
	int err;

	im_graph_init(&g);
	err = build_graph(r, o, &g);
	if (err >= 0) {
		int e2 = im_graph_order(&g, r->m);

		if (e2 < 0)
			err = e2;
		else
			im_graph_print_plan(&g, stdout);
	}
	im_graph_free(&g);
	return err;
}

/* Peak resident memory (VmHWM) for -v and --stats, from /proc/self/status. */
static void print_peak_rss(struct msgs *m, int stats)
{
	char line[128];
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "VmHWM:", 6) == 0) {
			line[strcspn(line, "\n")] = '\0';
			if (stats || m->verbose > 0)
				fprintf(stderr, "%s: peak RSS (VmHWM): %s\n",
					m->prog, line + 6 + strspn(line + 6, " \t"));
		}
	fclose(f);
}

/* One line per module that did not load, then the summary. */
static void report(struct im_engine *e, const struct im_engine_stats *s,
		   int timed_out)
{
	size_t i;

	for (i = 0; i < e->g->n; i++) {
		const struct im_job *j = &e->jobs[i];
		const struct im_node *n = &e->g->nodes[i];

		if (j->st == IM_JOB_FAILED)
			msg_err(e->m, "%s: failed: %s", n->name, j->why);
		else if (j->st == IM_JOB_SKIPPED)
			msg_err(e->m, "%s: skipped: %s", n->name, j->why);
		else if (timed_out && j->st == IM_JOB_RUN)
			msg_err(e->m, "%s: still loading at the deadline (%s)",
				n->name, n->path ? n->path : "install command");
		else if (timed_out && j->st != IM_JOB_LOADED &&
			 j->st != IM_JOB_PRESENT)
			msg_err(e->m, "%s: not started before the deadline", n->name);
	}
	if (e->m->verbose < 0 || (!strcmp(e->m->prog, "modprobe") && e->m->verbose == 0))
		return;		/* modprobe says nothing when all went well */
	fprintf(stderr, "initmod: %zu loaded, %zu already present, %zu failed, %zu skipped",
		s->loaded, s->present, s->failed, s->skipped);
	if (s->unfinished)
		fprintf(stderr, ", %zu unfinished", s->unfinished);
	fprintf(stderr, " in %.3f s, %d CPU slots, at most %d loads at once%s\n",
		e->wall_ms / 1e3, e->o.threads, e->peak_inflight,
		timed_out ? " (deadline reached)" : "");
}

/*
 * Run @g against the kernel, report, write the traces. Frees @g unless a
 * stuck worker still reads it. Returns -ETIMEDOUT, another -errno, or
 * 0 with *bad set when a requested module is not loaded or present.
 */
static int run_graph(struct im_resolver *r, const struct opts *o,
		     struct im_graph *g, const struct im_engine_opts *eo,
		     int *bad)
{
	struct im_engine_stats s;
	struct im_kernel k;
	struct im_engine e;
	int err;

	im_kernel_linux(&k, o->sysfs ? o->sysfs : "/sys");
	err = im_engine_init(&e, g, &k, eo, r->m);
	if (err) {
		msg_err(r->m, "cannot start loading: %s", strerror(-err));
		im_engine_free(&e);
		im_graph_free(g);
		return err;
	}
	err = im_engine_run(&e);
	im_engine_stats(&e, &s);
	report(&e, &s, err == -ETIMEDOUT);
	if (o->stats || r->m->verbose > 0)
		im_trace_print_bound(&e, (int)sysconf(_SC_NPROCESSORS_ONLN), stderr);
	*bad = s.requested_failed;
	if (o->trace && (errno = -im_trace_json(&e, o->trace)))
		msg_err(r->m, "cannot write trace %s: %s", o->trace, strerror(errno));
	if (o->trace_svg && (errno = -im_trace_svg(&e, o->trace_svg)))
		msg_err(r->m, "cannot write %s: %s", o->trace_svg, strerror(errno));
	if (im_engine_workers_gone(&e, 0)) {
		im_engine_free(&e);
		im_graph_free(g);
	}
	return err;
}

static int load(struct im_resolver *r, const struct opts *o)
{
	struct im_engine_opts eo = {
		.threads = o->threads, .max_threads = o->max_threads,
		.warn_after_s = o->warn_after,
		.timeout_s = o->timeout, .ignore_install = !!(o->flags & IM_RES_IGNORE_CMD),
		.user_decompress = o->user_decompress,
		.hard_blacklist = &r->cfg->hard_blacklist, .verbose = r->m->verbose,
	};
	struct im_graph g;
	int notfound, bad = 0, err;

	im_graph_init(&g);
	notfound = build_graph(r, o, &g);
	if (notfound < 0) {
		im_graph_free(&g);
		return notfound;
	}
	err = run_graph(r, o, &g, &eo, &bad);
	if (err == -ETIMEDOUT)
		return 1;
	if (err < 0)
		return err;
	return notfound || bad;
}

/* The PID-1 load itself; runs in a child process (see run_init). */
static void init_load(struct im_resolver *r, const struct opts *o,
		      const struct im_engine_opts *eo)
{
	struct im_config *cfg = r->cfg;
	struct im_strlist main_list = { 0 };
	struct im_graph g;
	size_t i;
	int err, bad;

	for (i = 0; i < cfg->modules_load.n; i++)
		im_strlist_add(&main_list, cfg->modules_load.v[i],
			       strlen(cfg->modules_load.v[i]));
	im_modules_load_read(NULL, im_modules_load_dirs, &main_list, r->m);
	for (i = 0; i < o->nreq; i++)
		im_strlist_add(&main_list, o->req[i].name, strlen(o->req[i].name));
	im_graph_init(&g);
	err = im_init_build_graph(r, &cfg->driver_pre, &main_list,
				  &cfg->driver_post, &g);
	im_strlist_free(&main_list);
	if (err < 0) {
		msg_err(r->m, "cannot build the load plan: %s", strerror(-err));
		im_graph_free(&g);
		return;
	}
	run_graph(r, o, &g, eo, &bad);
}

/*
 * PID-1 helper. The loading runs in a child process: a thread stuck in a
 * module's init cannot be killed, and it would keep exec() of the next stage
 * waiting forever. PID 1 waits for the child's word (or its death, or the
 * deadline plus a margin) and then execs the next stage whatever happened.
 * Returns only when no next stage could be exec'd.
 */
static int run_init(struct im_resolver *r, const struct opts *o)
{
	struct im_config *cfg = r->cfg;
	struct im_engine_opts eo = {
		.threads = o->threads, .max_threads = o->max_threads,
		.warn_after_s = o->warn_after,
		.timeout_s = cfg->timeout_s >= 0 ? cfg->timeout_s :
			     o->timeout > 0 ? o->timeout : 120,
		.user_decompress = o->user_decompress,
		.hard_blacklist = &cfg->hard_blacklist, .verbose = r->m->verbose,
	};

	if (cfg->verbose > r->m->verbose)
		r->m->verbose = eo.verbose = cfg->verbose;
	im_init_set_modprobe(r->m);
	init_load(r, o, &eo);
	return 0;
}

/*
 * PID-1 mode: mount the pseudo filesystems and fork; the parent waits for
 * the loader child, then execs the next stage and never returns (unless
 * every candidate failed and this is not PID 1). 0: go on loading here.
 */
static int init_guard(struct opts *o, struct msgs *m, int *donefd)
{
	char *kcmd;

	im_init_mounts(m);
	kcmd = im_cmdline_read("/proc/cmdline", m);
	if (im_init_guard(kcmd, donefd, m) <= 0) {
		free(kcmd);
		return 0;
	}
	im_init_exec_next(o->exec_argv, kcmd, m);
	free(kcmd);
	return 1;
}

int main(int argc, char **argv)
{
	struct msgs m = { .prog = "initmod" };
	struct opts o = { .warn_after = 10 };
	struct im_config cfg;
	struct im_moddb db;
	struct im_resolver r;
	char *dir = NULL, *kcmd = NULL, *outbuf = NULL;
	int ret = 2, donefd = -1;

	im_config_init(&cfg);
	{
		const char *base = strrchr(argv[0], '/');

		base = base ? base + 1 : argv[0];
		if (strcmp(base, "modprobe") == 0) {
			o.modprobe = 1;
		} else if (argc > 1 && strcmp(argv[1], "modprobe") == 0) {
			o.modprobe = 1;
			argv++;
			argc--;
		}
		m.prog = o.modprobe ? "modprobe" : "initmod";
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--init") == 0)
			o.init = 1;
		if (strcmp(argv[i], "--exec") == 0) {
			o.exec_argv = argv + i + 1;
			argv[i] = NULL;
			argc = i;
			break;
		}
	}
	if (getpid() == 1 && !o.modprobe)
		o.init = 1;
	if (o.init && init_guard(&o, &m, &donefd))
		return 1;	/* only when even the fallbacks failed, not as PID 1 */
	if (parse_args(argc, argv, &o, &m) < 0)
		goto out;
	if (o.config && VEC_PUSH(o.config, o.nconfig, o.cap_config, NULL) < 0)
		goto out;
	if (!o.threads)
		o.threads = (int)sysconf(_SC_NPROCESSORS_ONLN) > 0 ?
			    (int)sysconf(_SC_NPROCESSORS_ONLN) : 1;
	if (!o.max_threads) {	/* room for loads asleep in the kernel */
		o.max_threads = 4 * o.threads < 16 ? 16 : 4 * o.threads;
		if (o.max_threads > 64)
			o.max_threads = o.threads > 64 ? o.threads : 64;
	}
	dir = module_dir(&o);
	if (!dir || im_moddb_open(&db, dir, &m) < 0) {
		msg_err(&m, "out of memory");
		goto out;
	}
	if (!o.no_cmdline)
		kcmd = im_cmdline_read(o.cmdline_file ? o.cmdline_file :
				       "/proc/cmdline", &m);
	ret = 1;
	if (im_config_load(&cfg, o.config ? o.config : im_default_config_paths,
			   db.dirname, kcmd, &m) < 0) {
		msg_err(&m, "out of memory reading configuration");
		goto close_db;
	}
	im_resolver_init(&r, &db, &cfg, o.flags, &m);
	outbuf = malloc(1 << 16);	/* musl ignores setvbuf without a buffer */
	if (outbuf)
		setvbuf(stdout, outbuf, _IOFBF, 1 << 16);
	if (o.init)
		ret = run_init(&r, &o);
	else if (o.show_depends || (o.modprobe && o.dry_run && m.verbose > 0))
		ret = show_depends(&r, &o);
	else if (o.modprobe && o.dry_run)
		ret = 0;	/* modprobe -n: resolve, load nothing, say nothing */
	else if (o.dry_run)
		ret = dry_run(&r, &o);
	else
		ret = load(&r, &o);
	if (ret < 0) {
		msg_err(&m, "%s", strerror(-ret));
		ret = 1;
	}
	print_peak_rss(&m, o.stats);
	fflush(stdout);
	im_resolver_free(&r);
close_db:
	im_moddb_close(&db);
out:
	if (o.init) {	/* the loader's end: the guarded child exits here */
		if (donefd >= 0)
			im_init_guard_done(donefd);
		im_init_exec_next(o.exec_argv, kcmd, &m);
	}
	im_config_free(&cfg);
	for (size_t i = 0; i < o.nreq; i++)
		free(o.req[i].extra);
	free(o.req);
	free(o.config);
	free(kcmd);
	free(dir);
	if (outbuf) {
		setvbuf(stdout, NULL, _IONBF, 0);
		free(outbuf);
	}
	return ret;
}
