/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * run.c - the session (tree, configuration, resolver) and one engine run
 * with its report: shared by the command line, modprobe mode and PID 1.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "../base/kmsg.h"
#include "../config/config.h"
#include "coldplug.h"
#include "kernel_linux.h"
#include "run.h"
#include "trace.h"

int im_session_open(struct im_session *s, const struct im_opts *o,
		    const char *kcmd, struct msgs *m)
{
	memset(s, 0, sizeof(*s));
	im_config_init(&s->cfg);
	s->dir = im_moddir_path(o->root, o->kver);
	if (!s->dir || im_moddb_open(&s->db, s->dir, m) < 0) {
		free(s->dir);
		s->dir = NULL;
		im_config_free(&s->cfg);
		return -ENOMEM;
	}
	if (im_config_load(&s->cfg, o->config ? o->config : im_default_config_paths,
			   s->db.dirname, kcmd, m) < 0) {
		msg_err(m, "out of memory reading configuration");
		im_moddb_close(&s->db);
		im_config_free(&s->cfg);
		free(s->dir);
		s->dir = NULL;
		return -ENOMEM;
	}
	im_resolver_init(&s->r, &s->db, &s->cfg, o->flags, m);
	s->open = 1;
	return 0;
}

void im_session_close(struct im_session *s)
{
	if (s->open) {
		im_resolver_free(&s->r);
		im_moddb_close(&s->db);
		im_config_free(&s->cfg);
	}
	free(s->dir);
	memset(s, 0, sizeof(*s));
}

void im_run_engine_opts(const struct im_session *s, const struct im_opts *o,
			double timeout_s, struct msgs *m,
			struct im_engine_opts *eo)
{
	memset(eo, 0, sizeof(*eo));
	eo->threads = o->threads;
	eo->max_threads = o->max_threads;
	eo->warn_after_s = o->warn_after;
	eo->timeout_s = timeout_s;
	eo->ignore_install = !!(o->flags & IM_RES_IGNORE_CMD);
	eo->user_decompress = o->user_decompress;
	eo->hard_blacklist = &s->cfg.hard_blacklist;
	eo->verbose = m->verbose;
	eo->own_graph = 1;
}

void im_run_print_peak_rss(struct msgs *m, int stats)
{
	char line[128];
	FILE *f;

	if (!stats && m->verbose <= 0)
		return;
	f = fopen("/proc/self/status", "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, "VmHWM:", 6) == 0) {
			line[strcspn(line, "\n")] = '\0';
			fprintf(stderr, "%s: peak RSS (VmHWM): %s\n", m->prog,
				line + 6 + strspn(line + 6, " \t"));
		}
	fclose(f);
}

/* printf at @*n in @buf of @len bytes; *@n stops at the end. */
static void add(char *buf, size_t len, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void add(char *buf, size_t len, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (*n + 1 >= len)
		return;
	va_start(ap, fmt);
	r = vsnprintf(buf + *n, len - *n, fmt, ap);
	va_end(ap);
	if (r > 0)
		*n = *n + (size_t)r < len ? *n + (size_t)r : len - 1;
}

/* The summary, without "initmod: ": the counts, the time, @tail. */
static void summary(char *buf, size_t len, const struct im_engine *e,
		    const struct im_engine_stats *s, int timed_out,
		    const char *tail)
{
	size_t n = 0;

	buf[0] = '\0';
	add(buf, len, &n, "%zu loaded, %zu already present, %zu failed, %zu skipped",
	    s->loaded, s->present, s->failed, s->skipped);
	if (s->nodevice)
		add(buf, len, &n, ", %zu found no device", s->nodevice);
	if (s->unfinished)
		add(buf, len, &n, ", %zu unfinished", s->unfinished);
	add(buf, len, &n, " in %.3f s, %d CPU slots, at most %d loads at once%s%s",
	    e->wall_ms / 1e3, e->o.threads, e->peak_inflight,
	    timed_out ? " (deadline reached)" : "", tail ? tail : "");
}

/*
 * One line per module that did not load, then the summary. Under the lock:
 * after a deadline, stuck workers may still finish jobs. The kernel log
 * (a boot's) gets the summary whatever the verbosity.
 */
static void report(struct im_engine *e, const struct im_engine_stats *s,
		   int timed_out, const char *tail)
{
	char line[1024];
	size_t i;

	pthread_mutex_lock(&e->lock);
	for (i = 0; i < e->njobs; i++) {
		const struct im_job *j = &e->jobs[i];
		const struct im_node *n = &e->g->nodes[i];

		if (im_engine_no_device(e, i))
			msg_info(e->m, "%s: no device for it: %s", n->name, j->why);
		else if (j->st == IM_JOB_FAILED)
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
	pthread_mutex_unlock(&e->lock);
	summary(line, sizeof(line), e, s, timed_out, tail);
	msg_log(e->m, "%s", line);
	if (e->m->verbose < 0 || (!strcmp(e->m->prog, "modprobe") && e->m->verbose == 0))
		return;		/* modprobe says nothing when all went well */
	fprintf(stderr, "initmod: %s\n", line);
}

/* After the run: report, bound, traces, the caller's counts; puts @e. */
static int finish_run(const struct im_opts *o, struct im_engine *e, int err,
		      const char *tail, struct msgs *m, int *bad)
{
	struct im_engine_stats s;

	im_engine_stats(e, &s);
	report(e, &s, err == -ETIMEDOUT, tail);
	if (o->stats || m->verbose > 0)	/* --stats: with the kernel's trace */
		im_trace_print_bound(e, (int)sysconf(_SC_NPROCESSORS_ONLN),
				     o->stats ? "/sys/kernel/tracing" : NULL, stderr);
	*bad = s.requested_failed;
	if (o->trace && (errno = -im_trace_json(e, o->trace)))
		msg_err(m, "cannot write trace %s: %s", o->trace, strerror(errno));
	if (o->trace_svg && (errno = -im_trace_svg(e, o->trace_svg)))
		msg_err(m, "cannot write %s: %s", o->trace_svg, strerror(errno));
	pthread_mutex_lock(&e->lock);
	m->errors = e->m->errors;	/* its copy started from ours */
	m->warnings = e->m->warnings;
	pthread_mutex_unlock(&e->lock);
	im_engine_put(e);	/* a stuck worker frees it when its init returns */
	return err;
}

int im_run_graph(const struct im_opts *o, struct im_graph *g,
		 const struct im_engine_opts *eo, struct msgs *m, int *bad)
{
	struct im_engine *e;
	struct im_kernel k;
	int err;

	im_kernel_linux(&k, o->sysfs ? o->sysfs : "/sys");
	err = im_engine_new(&e, g, &k, eo, m);
	if (err) {
		msg_err(m, "cannot start loading: %s", strerror(-err));
		return err;
	}
	return finish_run(o, e, im_engine_run(e), NULL, m, bad);
}

/*
 * --seen-file: what the coldplug saw, for the generator's udev-trigger:
 * the uevent mark (coldplug.h's seqnum; an empty line when it is not
 * known), then each modalias seen, a line each. Written only over a
 * regular file or none (never through a symlink, into a FIFO or a
 * device): checked on the open file, right before truncating it.
 */
static int seen_lines(FILE *f, const struct im_coldplug_stats *st)
{
	size_t i;

	if (st->seqnum)
		fprintf(f, "%llu", st->seqnum);
	fputc('\n', f);
	for (i = 0; i < st->dev.n; i++)
		fprintf(f, "%s\n", st->dev.v[i].modalias);
	return fflush(f) == 0 && !ferror(f) ? 0 : -1;
}

static void write_seen(const char *path, const struct im_coldplug_stats *st,
		       struct msgs *m)
{
	struct stat sb;
	FILE *f = NULL;
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
	if (fd < 0) {
		msg_warn(m, "--seen-file %s: %s; the generator's udev replays every device without a driver",
			 path, strerror(errno));
		return;
	}
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		msg_warn(m, "--seen-file %s: not a regular file; left as it is", path);
		close(fd);
		return;
	}
	if (ftruncate(fd, 0) < 0 || !(f = fdopen(fd, "w")) || seen_lines(f, st) < 0)
		msg_warn(m, "--seen-file %s: %s", path, strerror(errno));
	if (f)
		fclose(f);
	else
		close(fd);
}

int im_run_coldplug(struct im_session *s, const struct im_opts *o,
		    const struct im_plan_group groups[3],
		    const struct im_engine_opts *eo,
		    const struct im_boot_root *root, struct msgs *m, int *bad)
{
	struct im_coldplug_opts co = {
		.sysfs = o->sysfs ? o->sysfs : "/sys",
		.quiet_s = s->cfg.settle_s > 0 ? s->cfg.settle_s :
			   o->settle_s > 0 ? o->settle_s : IM_SETTLE_QUIET_S,
		.root = root ? root->spec : NULL,
		.root_optional = root && root->optional,
		.root_found = root ? root->found : NULL,
		.root_arg = root ? root->arg : NULL,
	};
	struct im_coldplug_stats st;
	struct im_engine *e;
	struct im_kernel k;
	char tail[400];
	int err;

	im_kernel_linux(&k, co.sysfs);
	err = im_coldplug_run(&s->r, &k, &co, groups, eo, m, &e, &st);
	if (!e) {
		msg_err(m, "cannot start loading: %s", strerror(-err));
		im_coldplug_stats_free(&st);
		return err;
	}
	if (o->seen_file)
		write_seen(o->seen_file, &st, m);
	im_coldplug_report(&st, m, tail, sizeof(tail));
	err = finish_run(o, e, err, tail, m, bad);
	*bad |= st.missing > 0;
	im_coldplug_stats_free(&st);
	return err;
}

static int boot_run(struct im_session *s, const struct im_opts *o,
		    const struct im_engine_opts *eo,
		    const struct im_boot_root *root, struct msgs *m, int *bad)
{
	struct im_boot_groups b;
	struct im_graph g;
	int err, missing;

	*bad = 0;
	if (o->coldplug != 0 && s->cfg.coldplug != 0) {
		err = im_boot_groups_init(&b, &s->r, NULL, o->req, o->nreq);
		if (err < 0) {
			msg_err(m, "cannot build the load plan: %s", strerror(-err));
			return err;
		}
		err = im_run_coldplug(s, o, b.g, eo, root, m, bad);
		im_boot_groups_free(&b);
		return err;
	}
	im_graph_init(&g);
	missing = im_plan_boot(&s->r, NULL, o->req, o->nreq, &g);
	if (missing < 0) {
		msg_err(m, "cannot build the load plan: %s", strerror(-missing));
		im_graph_free(&g);
		return missing;
	}
	err = im_run_graph(o, &g, eo, m, bad);
	*bad |= missing > 0;	/* a name not found counts as with coldplug */
	return err;
}

int im_run_this_boot(const struct im_opts *o)
{
	return o->boot && !o->root && !o->sysfs && !o->no_cmdline &&
	       (!o->cmdline_file || !strcmp(o->cmdline_file, "/proc/cmdline"));
}

/* --boot of the running system gets the kernel log (PID 1 opened it
 * already). */
static int kmsg_wanted(const struct im_opts *o, const struct msgs *m)
{
	return !m->kmsg && im_run_this_boot(o);
}

int im_run_boot(struct im_session *s, const struct im_opts *o,
		const struct im_engine_opts *eo,
		const struct im_boot_root *root, struct msgs *m, int *bad)
{
	struct im_kmsg k;
	int err, own = kmsg_wanted(o, m);

	if (own && im_kmsg_open(&k, m->prog) == 0)
		m->kmsg = &k;
	err = boot_run(s, o, eo, root, m, bad);
	if (own) {
		m->kmsg = NULL;
		im_kmsg_close(&k);
	}
	return err;
}
