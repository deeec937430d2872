/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * coldplug.c - see coldplug.h. The engine runs in the calling thread; a
 * source thread feeds it: it waits for rd.driver.pre=, walks sysfs, adds
 * the main names and the devices' drivers, then reads uevents and adds the
 * drivers of new devices (im_engine_grow) until the run settles, adds
 * rd.driver.post= and lets the run end (im_engine_hold). Resolution is
 * udev's kmod builtin: each modalias as modprobe resolves an alias.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../base/file.h"
#include "coldplug.h"
#include "root.h"

struct source {
	struct im_resolver *r;
	struct im_kernel *k;
	struct im_engine *e;
	const struct im_coldplug_opts *co;
	const struct im_plan_group *groups;
	struct im_coldplug_stats *st;
	struct msgs *m;
	double deadline_ms;		/* settle gives up here */
	int fd;				/* uevents, -1 none */
	/* uevents: the kernel's sequence number when the socket was bound
	 * (before the walk, which sees what came before), the highest read */
	unsigned long long seq_bound, seq_read;
	int quit;			/* atomic: the run is over */
	size_t dev_from;		/* devices [dev_from, dev.n) not planned */
	/* the root: its device found, its filesystem's module planned first
	 * (jobs [fs_from, fs_to)); told once those ended */
	int root_told;
	int rest_held;			/* only the root's way loads */
	double first_idle;		/* since when nothing on the root's way
					 * loads or waits to, -1 */
	char fs_planned[64];		/* the type planned, "" none */
	size_t fs_from, fs_to;
};


/* Seconds since the kernel started (for the console's timeline), -1. */
static double uptime(void)
{
	char *text;
	size_t n;
	double t = -1;

	if (im_read_file("/proc/uptime", 64, &text, &n) == 0)
		t = strtod(text, NULL);
	free(text);
	return t;
}

static int over(struct source *s)
{
	return __atomic_load_n(&s->quit, __ATOMIC_RELAXED) ||
	       im_engine_stopped(s->e) || im_engine_now(s->e) > s->deadline_ms;
}

/*
 * What the next growth adds, resolved into @g without the engine's lock
 * (udev's kmod builtin: each modalias as modprobe resolves an alias): the
 * group @grp, then, with @devices, the devices not planned yet.
 */
static int resolve_new(struct source *s, const struct im_plan_group *grp,
		       int devices, struct im_graph *g)
{
	struct im_coldplug_stats *st = s->st;
	size_t i;
	int err = 0, k;

	if (grp && grp->n) {
		k = im_plan_build(s->r, grp, 1, g);
		if (k < 0)
			return k;
		st->missing += k;
	}
	for (i = s->dev_from; devices && i < st->dev.n && !err; i++) {
		struct im_request q = { st->dev.v[i].modalias, NULL,
					IM_REQ_MODALIAS };
		struct im_plan_group dg = { .req = &q, .n = 1,
					    .count_nodriver = 1 };

		k = im_plan_build(s->r, &dg, 1, g);
		if (k < 0)
			err = k;
		else if (k > 0 && VEC_PUSH(st->nodriver, st->nnodriver,
					   st->cap_nodriver, i) < 0)
			err = -ENOMEM;
	}
	if (devices)
		s->dev_from = st->dev.n;
	return err;
}

/*
 * Resolve, then add to the running plan (the engine's lock is taken only
 * for the merge); the new jobs in [*from, *to) when asked.
 */
static int grow_by(struct source *s, const struct im_plan_group *grp,
		   int devices, size_t *from, size_t *to)
{
	struct im_graph g;
	int err;

	im_graph_init(&g);
	err = resolve_new(s, grp, devices, &g);
	if (err >= 0)
		err = im_engine_grow(s->e, &g, from, to);
	im_graph_free(&g);
	if (err < 0)
		msg_err(s->m, "coldplug: cannot add to the running plan: %s",
			strerror(-err));
	return err;
}

static void grow(struct source *s, const struct im_plan_group *grp)
{
	grow_by(s, grp, 1, NULL, NULL);
}

/* Every waiting uevent; returns how many arrived. */
static size_t drain(struct source *s)
{
	char buf[8192];
	size_t got = 0;
	long n;

	while ((n = s->k->uevent_recv(s->k, s->fd, buf, sizeof(buf) - 1)) > 0) {
		struct im_uevent ev;
		char mark[96];

		buf[n] = '\0';
		if (im_uevent_parse(buf, (size_t)n, &ev) < 0)
			continue;
		got++;
		s->st->events++;
		if (ev.seqnum > s->seq_read)
			s->seq_read = ev.seqnum;
		snprintf(mark, sizeof(mark), "uevent %s %s%s%s", ev.action,
			 ev.devpath, ev.modalias ? " " : "",
			 ev.modalias ? ev.modalias : "");
		im_engine_mark(s->e, mark);
		if (strcmp(ev.action, "add"))
			continue;
		if (im_device_add_env(&s->st->dev, ev.devpath, ev.subsystem,
				      buf, (size_t)n, '\0') < 0)
			msg_err(s->m, "coldplug: out of memory for device %s", ev.devpath);
	}
	if (n < 0 && n != -EAGAIN) {
		msg_err(s->m, "coldplug: reading uevents: %s; no more devices will be seen",
			strerror((int)-n));
		close(s->fd);
		s->fd = -1;
	}
	return got;
}

/*
 * The root's filesystem module ("fs-TYPE", as the kernel asks) goes first,
 * once for a type: PID 1 is told of the root when those jobs ended (none
 * new: it was planned already by a name, and the kernel's request at
 * mount waits for that load through the once-guard). A device that holds
 * another type than the one planned early gets its own.
 */
static void root_fs_plan(struct source *s, const char *type)
{
	char name[80];
	struct im_request q = { name, NULL, IM_REQ_MODALIAS };
	struct im_plan_group grp = { .req = &q, .n = 1, .first = IM_FIRST_FS };
	int n = (int)strcspn(type, ",");
	size_t from, to;

	if (n == 0 || (size_t)n >= sizeof(s->fs_planned) ||
	    (!strncmp(s->fs_planned, type, n) && !s->fs_planned[n]))
		return;
	snprintf(name, sizeof(name), "fs-%.*s", n, type);
	if (grow_by(s, &grp, 0, &from, &to) == 0) {
		snprintf(s->fs_planned, sizeof(s->fs_planned), "%.*s", n, type);
		s->fs_from = from;
		s->fs_to = to;
	}
}

/* Before the disk is there: rootfstype=, else initmod.rootfs= (what the
 * image was built for), whose module loads while the kernel probes. */
static void root_fs_early(struct source *s)
{
	const struct im_root_spec *r = s->co->root;
	const char *type = !r ? "" : *r->fstype ? r->fstype : r->fshint;

	if (!*type || *s->fs_planned)
		return;
	root_fs_plan(s, type);
	if (*s->fs_planned)
		msg_info(s->m, "coldplug: the root's filesystem (%s, from %s) loads before its device is there",
			 s->fs_planned, *r->fstype ? "rootfstype=" : "initmod.rootfs=");
}

/*
 * initmod.rootdrivers= (the modules --hostonly saw the root reached
 * through): they load first, and no other storage driver is on the root's
 * way (the machine's other controllers wait with the rest). 1 when known.
 */
static int root_drivers_early(struct source *s)
{
	const struct im_root_spec *r = s->co->root;
	char names[sizeof(r->drivers)], *t, *save = NULL;
	struct im_request q[32];
	struct im_plan_group grp = { .req = q, .first = IM_FIRST_STORAGE };

	if (!r || !*r->drivers)
		return 0;
	snprintf(names, sizeof(names), "%s", r->drivers);
	for (t = strtok_r(names, ",", &save); t && grp.n < 32;
	     t = strtok_r(NULL, ",", &save))
		q[grp.n++] = (struct im_request){ t, NULL, IM_REQ_NAME };
	if (!grp.n)
		return 0;
	s->r->storage_known = 1;
	grow_by(s, &grp, 0, NULL, NULL);
	return 1;
}

/*
 * Is the root device there yet? Remembered in the stats; its filesystem's
 * module (rootfstype=, else what the superblock says) is planned first, so
 * that PID 1's mount finds it loaded (the kernel's request for it would
 * wait behind every other load).
 */
static int root_there(struct source *s, double now, int *stack)
{
	struct im_fsinfo fi;

	if (!im_root_look(s->co->root, s->co->sysfs, s->st->root_dev,
			  sizeof(s->st->root_dev), &fi, stack)) {
		s->st->root_dev[0] = '\0';
		return 0;
	}
	s->st->root_ms = now;
	if (*s->co->root->fstype)
		root_fs_plan(s, s->co->root->fstype);
	else if (*fi.type)
		root_fs_plan(s, fi.type);
	return 1;
}

/* Tell PID 1 once the root device and its filesystem's module are there. */
/* The root device is there and its filesystem's module ended. */
static int root_ready(struct source *s)
{
	return *s->st->root_dev && im_engine_ended(s->e, s->fs_from, s->fs_to);
}

static void root_tell(struct source *s)
{
	if (s->root_told || !s->co->root_found || !root_ready(s))
		return;
	s->root_told = 1;
	s->co->root_found(s->co->root_arg, s->st->root_dev);
}

/* rootdelay= passed without it (rootwait: only the deadline ends it). */
static int root_given_up(struct source *s, double now)
{
	const struct im_root_spec *r = s->co->root;

	return !r->rootwait && r->rootdelay_s >= 0 && now > r->rootdelay_s * 1e3;
}

/*
 * The root device, looked for every 50 ms while loads go on (block devices
 * come with uevents; PID 1 switches to it as soon as it is there); once it
 * is there the quiet period is the shorter one. So it is, with a root the
 * generator's image finds itself (root_optional), once a LUKS header, an
 * LVM physical volume or an md member is there: its lvm, cryptsetup or
 * mdadm assembles the root from it after initmod returned, and a
 * passphrase prompt must not wait for the long quiet period (udev, which
 * the generator starts next, handles what still comes).
 */
static void root_look(struct source *s, double now, double *next_look,
		      double *quiet_ms)
{
	int stack = 0, *sp = s->co->root_optional && s->st->stack_ms < 0 ? &stack : NULL;

	if (!s->co->root || *s->st->root_dev || now < *next_look)
		return;
	*next_look = now + 50;
	if (!root_there(s, now, sp) && !stack)
		return;
	if (stack)
		s->st->stack_ms = now;
	if (IM_SETTLE_ROOT_QUIET_S * 1e3 < *quiet_ms)
		*quiet_ms = IM_SETTLE_ROOT_QUIET_S * 1e3;
}

/*
 * The root before the rest: with a root to wait for, only what is on the
 * way to storage and the root's filesystem load (the kernel's probing of
 * the disk has the CPUs to itself, as in an image that has only the root's
 * drivers), until the device is there and that module loaded (when PID 1
 * is told, root_tell) or rootdelay= passed. Bounded:
 * once nothing on the root's way has loaded or waited to for
 * IM_ROOT_HOLD_S, the rest goes, found or not. Everything is loaded in
 * the end; the child goes on after PID 1 switched.
 */
static void rest_hold(struct source *s)
{
	if (!s->co->root || s->co->root_optional)
		return;
	s->rest_held = 1;
	s->first_idle = -1;
	im_engine_hold_rest(s->e, 1);
}

static void rest_go(struct source *s)
{
	if (!s->rest_held)
		return;
	s->rest_held = 0;
	s->st->rest_ms = im_engine_now(s->e);
	im_engine_hold_rest(s->e, 0);
}

static void rest_gate(struct source *s, double now)
{
	if (!s->rest_held)
		return;
	if (!root_ready(s) && !root_given_up(s, now)) {
		if (im_engine_first_busy(s->e)) {
			s->first_idle = -1;
			return;
		}
		if (s->first_idle < 0)
			s->first_idle = now;
		if (now - s->first_idle < IM_ROOT_HOLD_S * 1e3)
			return;
	}
	rest_go(s);
}

/* Must settle wait for the root still? (An optional one never holds it.) */
static int root_missing(struct source *s, double now)
{
	return s->co->root && !*s->st->root_dev && !s->co->root_optional &&
	       !root_given_up(s, now);
}

/*
 * Until settled: quiet for co->quiet_s with nothing loading. Measured on
 * the way: the longest stretch with nothing loading and no uevent that a
 * uevent still ended (what the quiet period must outlast).
 */
static void settle(struct source *s)
{
	double quiet_ms = s->co->quiet_s * 1e3, last = im_engine_now(s->e);
	double idle_since = -1, next_look = 0;

	while (!over(s)) {
		struct pollfd p = { s->fd, POLLIN, 0 };
		double now;

		if (s->fd >= 0) {
			if (poll(&p, 1, 20) > 0 && drain(s)) {
				now = im_engine_now(s->e);
				if (idle_since >= 0 && now - idle_since > s->st->late_gap_ms)
					s->st->late_gap_ms = now - idle_since;
				last = now;
				idle_since = -1;
			}
		} else {
			im_sleep_ms(20);
		}
		if (s->st->dev.n > s->dev_from)
			grow(s, NULL);
		now = im_engine_now(s->e);
		root_look(s, now, &next_look, &quiet_ms);
		root_tell(s);
		rest_gate(s, now);
		if (!im_engine_idle(s->e)) {
			idle_since = -1;
			continue;
		}
		if (idle_since < 0)
			idle_since = now > last ? now : last;
		if (root_missing(s, now))
			continue;
		if (now - last >= quiet_ms) {
			s->st->settle_ms = now;
			return;
		}
	}
}

/*
 * The kernel's uevent sequence number now (@sysfs/kernel/uevent_seqnum),
 * 0 when unknown. The kernel numbers an event and sends it under one lock,
 * so every event up to a number read here is sent, or being sent.
 */
static unsigned long long uevent_seqnum(const char *sysfs)
{
	char path[512], *text = NULL;
	unsigned long long n = 0;
	size_t len;

	snprintf(path, sizeof(path), "%s/kernel/uevent_seqnum", sysfs);
	if (im_read_regular(path, 64, &text, &len) == 0)
		n = strtoull(text, NULL, 10);
	free(text);
	return n;
}

/*
 * Settled: every uevent up to st->seqnum was read (those before the socket
 * was bound are the walk's). Unknown when the socket was lost (overflow),
 * or there was none. udev-trigger replays the devices that have no driver
 * only when the kernel numbered an event after this one.
 */
static void settled_mark(struct source *s)
{
	if (s->st->settle_ms < 0 || s->fd < 0 || !s->seq_bound)
		return;
	s->st->seqnum = s->seq_read > s->seq_bound ? s->seq_read : s->seq_bound;
}

static void *source_main(void *arg)
{
	struct source *s = arg;

	while (!over(s) && !im_engine_idle(s->e))	/* rd.driver.pre= */
		im_sleep_ms(5);
	if (!over(s)) {
		rest_hold(s);
		if (root_drivers_early(s))	/* the root's whole way, known */
			root_fs_early(s);
		s->st->uevent_files = im_uevent_walk(s->co->sysfs, &s->st->dev, s->m);
		if (s->fd >= 0)
			drain(s);	/* what came while pre loaded and we walked */
		grow(s, &s->groups[1]);
		/* after the walk: its loads would starve the walk of CPUs */
		root_fs_early(s);
		settle(s);
		settled_mark(s);
	}
	rest_go(s);
	s->r->storage_known = 0;
	if (!over(s) && s->groups[2].n)
		grow(s, &s->groups[2]);	/* rd.driver.post= */
	im_engine_hold(s->e, 0);
	return NULL;
}

int im_coldplug_run(struct im_resolver *r, struct im_kernel *k,
		    const struct im_coldplug_opts *co,
		    const struct im_plan_group groups[3],
		    const struct im_engine_opts *eo, struct msgs *m,
		    struct im_engine **ep, struct im_coldplug_stats *st)
{
	struct source s = { .r = r, .k = k, .co = co, .groups = groups,
			    .st = st, .m = m, .fd = -1 };
	struct im_graph g;
	pthread_t th;
	int err;

	memset(st, 0, sizeof(*st));
	st->settle_ms = -1;
	st->start_uptime = uptime();
	st->root_ms = -1;
	st->stack_ms = -1;
	st->rest_ms = -1;
	*ep = NULL;
	s.fd = k->uevent_open(k);	/* first: nothing added later is missed */
	if (s.fd >= 0)
		s.seq_bound = uevent_seqnum(co->sysfs);
	if (s.fd < 0)
		msg_warn(m, "coldplug: no uevents (%s): only devices present now are seen",
			 strerror(-s.fd));
	im_graph_init(&g);
	err = im_plan_build(r, &groups[0], 1, &g);
	if (err >= 0) {
		st->missing += err;
		err = im_engine_new(&s.e, &g, k, eo, m);
	} else {
		im_graph_free(&g);
	}
	if (err < 0) {
		if (s.fd >= 0)
			close(s.fd);
		return err;
	}
	s.k = s.e->k;
	s.deadline_ms = eo->timeout_s > 0 ? eo->timeout_s * 1e3 :
			IM_SETTLE_MAX_S * 1e3;
	im_engine_hold(s.e, 1);
	if (pthread_create(&th, NULL, source_main, &s) != 0) {
		msg_err(m, "coldplug: cannot start the device thread; loading the named modules only");
		im_engine_hold(s.e, 0);
		err = im_engine_run(s.e);
	} else {
		err = im_engine_run(s.e);
		__atomic_store_n(&s.quit, 1, __ATOMIC_RELAXED);
		pthread_join(th, NULL);
	}
	if (s.fd >= 0)
		close(s.fd);
	*ep = s.e;
	return err;
}

void im_coldplug_stats_free(struct im_coldplug_stats *st)
{
	im_devices_free(&st->dev);
	free(st->nodriver);
	memset(st, 0, sizeof(*st));
}

void im_coldplug_report(const struct im_coldplug_stats *st, struct msgs *m,
			char *buf, size_t len)
{
	size_t i;
	int n;

	if (m->verbose > 0)
		for (i = 0; i < st->nnodriver; i++)
			msg_info(m, "coldplug: no module for %s (%s)",
				 st->dev.v[st->nodriver[i]].modalias,
				 st->dev.v[st->nodriver[i]].devpath);
	n = snprintf(buf, len, "; coldplug: %zu devices, %zu modaliases (%zu with no module here), %zu uevents while loading, ",
		     st->dev.seen, st->dev.n, st->nnodriver, st->events);
	if (n < 0 || (size_t)n >= len)
		return;
	if (st->settle_ms < 0) {
		snprintf(buf + n, len - n, "not settled (deadline)");
		return;
	}
	n += snprintf(buf + n, len - n, "settled in %.3f s (longest quiet a uevent ended: %.0f ms)",
		      st->settle_ms / 1e3, st->late_gap_ms);
	if (st->start_uptime >= 0 && (size_t)n < len)
		n += snprintf(buf + n, len - n, ", from %.2f s to %.2f s after the kernel started",
			      st->start_uptime, st->start_uptime + st->settle_ms / 1e3);
	if (st->rest_ms >= 0 && n >= 0 && (size_t)n < len)
		n += snprintf(buf + n, len - n, "; the drivers off the root's way waited for it until %.3f s",
			      st->rest_ms / 1e3);
	if (st->stack_ms >= 0 && n >= 0 && (size_t)n < len)
		snprintf(buf + n, len - n, "; a LUKS, LVM or md member after %.3f s (the short quiet period from then)",
			 st->stack_ms / 1e3);
}
