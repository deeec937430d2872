/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fake_kernel.c - a kernel for tests: modules known by name, dependency
 * checks at load time (a module whose dependency is not live fails with
 * ENOENT, like an unresolved symbol), simulated init durations, failures,
 * hangs, EEXIST for a second load, and counters the tests assert on.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "fake_kernel.h"
#include "../../base/names.h"

static struct fake_kernel *self(struct im_kernel *k)
{
	return k->priv;
}

static int name_of_fd(int fd, char *name)
{
	char link[64], path[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, path, sizeof(path) - 1);
	if (n < 0)
		return -EBADF;
	path[n] = '\0';
	return path_to_modname(path, name) < 0 ? -EINVAL : 0;
}

const int fake_errnos[] = {
	EPERM, ENOENT, EINTR, EIO, ENXIO, ENOEXEC, EBADF, EAGAIN, ENOMEM,
	EFAULT, EBUSY, EEXIST, ENODEV, EINVAL, ETXTBSY, EFBIG, ENOSPC,
	ENOSYS, EOPNOTSUPP, ETIMEDOUT, EBADMSG, ENOKEY, EKEYREJECTED,
};
const size_t fake_nerrnos = sizeof(fake_errnos) / sizeof(fake_errnos[0]);

static unsigned next_rand(struct fake_kernel *f)
{
	f->seed = f->seed * 1103515245u + 12345u;
	return f->seed >> 8;
}

/* Under f->lock: the errno this call is made to fail with, or 0. */
static int injected(struct fake_kernel *f, struct fake_mod *m,
		    const char *name)
{
	int n = f->ncalls++, err = 0;

	if (n == f->fail_call && f->fail_err) {
		err = f->fail_err;
		snprintf(f->victim, sizeof(f->victim), "%s", name);
	} else if (f->random_permille &&
		   next_rand(f) % 1000 < f->random_permille) {
		err = fake_errnos[next_rand(f) % fake_nerrnos];
	}
	if (err == EEXIST && m) {	/* honest: someone else loaded it */
		m->state = IM_MOD_LIVE;
		m->injected_eexist = 1;
	}
	if (err && m && !m->injected)
		m->injected = err;
	return err;
}

void fake_uevent(struct fake_kernel *f, const char *devpath,
		 const char *modalias);

static void pause_us(int us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000L };

	if (us > 0)
		nanosleep(&ts, NULL);
}

/* One tracefs line of the calling thread, now. */
static void trace_event(struct fake_kernel *f, const char *ev)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	pthread_mutex_lock(&f->lock);
	fprintf(f->trace, "         initmod-%ld     [000]    %ld.%06ld: %s: (fake)\n",
		(long)syscall(SYS_gettid), (long)t.tv_sec, t.tv_nsec / 1000, ev);
	pthread_mutex_unlock(&f->lock);
}

/* The serialised part of a load: pre_us, then serial_us under f->serial. */
static void serial_section(struct fake_kernel *f)
{
	if (!f->serial_us)
		return;
	pause_us(f->pre_us);
	if (f->trace)
		trace_event(f, "M__fake_section");
	if (pthread_mutex_trylock(&f->serial) != 0) {
		if (f->trace)
			trace_event(f, "contention_begin");
		pthread_mutex_lock(&f->serial);
		if (f->trace)
			trace_event(f, "contention_end");
	}
	pause_us(f->serial_us);
	if (f->trace)
		trace_event(f, "M__fake_section__ret");
	pthread_mutex_unlock(&f->serial);
}

static int load(struct fake_kernel *f, const char *name, int flags)
{
	struct fake_mod *m;
	const char *emits[4];
	int i, r, delay;

	pthread_mutex_lock(&f->lock);
	m = strmap_get(&f->mods, name);
	if (!m) {
		pthread_mutex_unlock(&f->lock);
		return -ENOEXEC;
	}
	m->calls++;
	m->flags_seen |= flags;
	r = injected(f, m, name);
	if (r) {
		pthread_mutex_unlock(&f->lock);
		return -r;
	}
	if (m->busy_once) {
		m->busy_once = 0;
		pthread_mutex_unlock(&f->lock);
		return -EBUSY;
	}
	if (m->state == IM_MOD_LIVE) {
		pthread_mutex_unlock(&f->lock);
		return -EEXIST;
	}
	if (m->state == IM_MOD_COMING) {
		f->double_loads++;
		pthread_mutex_unlock(&f->lock);
		return -EBUSY;
	}
	for (i = 0; i < (int)m->ndeps; i++) {
		struct fake_mod *d = strmap_get(&f->mods, m->deps[i]);

		if (d && d->was_live && d->state != IM_MOD_LIVE) {
			/* it went away after loading: unknown symbols */
			pthread_mutex_unlock(&f->lock);
			return -ENOENT;
		}
		if (!d || d->state != IM_MOD_LIVE) {
			f->order_violations++;
			snprintf(f->last_violation, sizeof(f->last_violation),
				 "%s loaded before %s was live", name, m->deps[i]);
			pthread_mutex_unlock(&f->lock);
			return -ENOENT;
		}
	}
	m->state = IM_MOD_COMING;
	if (++f->in_flight > f->max_in_flight)
		f->max_in_flight = f->in_flight;
	delay = m->delay_us;
	if (f->max_delay_us)
		delay += next_rand(f) % (unsigned)f->max_delay_us;
	pthread_mutex_unlock(&f->lock);
	serial_section(f);

	if (delay && m->spin) {
		struct timespec t0, t;

		clock_gettime(CLOCK_MONOTONIC, &t0);
		do
			clock_gettime(CLOCK_MONOTONIC, &t);
		while ((t.tv_sec - t0.tv_sec) * 1000000L +
		       (t.tv_nsec - t0.tv_nsec) / 1000 < delay);
	} else if (delay) {
		struct timespec ts = { delay / 1000000,
				       (delay % 1000000) * 1000L };

		nanosleep(&ts, NULL);
	}
	pthread_mutex_lock(&f->lock);
	while (m->hang && !f->released)
		pthread_cond_wait(&f->cond, &f->lock);
	f->in_flight--;
	r = m->result;
	m->state = r == 0 ? IM_MOD_LIVE : IM_MOD_ABSENT;
	if (r == 0 && ++m->loads > 1)
		f->double_loads++;
	if (r == 0) {
		m->was_live = 1;
		if (m->going_after_load)
			m->state = IM_MOD_GOING;
	}
	memcpy(emits, m->emits, sizeof(emits));	/* m may go once unlocked */
	pthread_mutex_unlock(&f->lock);
	for (i = 0; r == 0 && i < 4 && emits[i]; i++) {
		char dev[256], *sp;

		snprintf(dev, sizeof(dev), "%s", emits[i]);
		sp = strchr(dev, ' ');
		if (sp)
			*sp++ = '\0';
		fake_uevent(f, dev, sp);
	}
	return r;
}

void fake_uevent(struct fake_kernel *f, const char *devpath,
		 const char *modalias)
{
	char msg[1024];
	int n, seq;

	pthread_mutex_lock(&f->lock);
	seq = ++f->uevents_sent;
	pthread_mutex_unlock(&f->lock);
	n = snprintf(msg, sizeof(msg), "add@%s%cACTION=add%cDEVPATH=%s%cSUBSYSTEM=fake%cSEQNUM=%d%c",
		     devpath, 0, 0, devpath, 0, 0, seq, 0);
	if (modalias)
		n += snprintf(msg + n, sizeof(msg) - n, "MODALIAS=%s%c", modalias, 0);
	if (f->uevent_fd[1] >= 0 && send(f->uevent_fd[1], msg, n, MSG_DONTWAIT) < 0)
		perror("fake_uevent");
}

static int fk_uevent_open(struct im_kernel *k)
{
	struct fake_kernel *f = self(k);

	if (f->uevent_fd[0] >= 0)
		return -EBUSY;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
		       f->uevent_fd) < 0)
		return -errno;
	return f->uevent_fd[0];
}

static long fk_uevent_recv(struct im_kernel *k, int fd, char *buf, size_t len)
{
	ssize_t n = recv(fd, buf, len, MSG_DONTWAIT);

	(void)k;
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return n;
}

static int fk_finit(struct im_kernel *k, int fd, const char *params, int flags)
{
	char name[IM_NAME_MAX];
	int err = name_of_fd(fd, name);

	(void)params;
	if (err)
		return err;
	if ((flags & IM_MODULE_INIT_COMPRESSED_FILE) &&
	    (self(k)->comp == IM_COMP_NONE || self(k)->refuse_flag))
		return -EINVAL;
	return load(self(k), name, flags);
}

/* A real module's name: its .modinfo "name=" string. */
static int elf_name(const unsigned char *img, size_t len, char *name)
{
	const unsigned char *p = img, *end = img + len;

	while ((p = memmem(p, end - p, "name=", 5)) != NULL) {
		size_t n = strnlen((const char *)p + 5, end - p - 5);

		if (p > img && p[-1] == '\0' && n > 0 && n < IM_NAME_MAX &&
		    p + 5 + n < end && strspn((const char *)p + 5,
		    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n) {
			memcpy(name, p + 5, n + 1);
			return 1;
		}
		p += 5;
	}
	return 0;
}

/* init_module: a real ELF module, or else the image is the module's name (tests write names as content). */
static int fk_init(struct im_kernel *k, const void *img, size_t len,
		   const char *params)
{
	char name[IM_NAME_MAX];

	(void)params;
	if (len > 4 && memcmp(img, "\177ELF", 4) == 0)
		return elf_name(img, len, name) ? load(self(k), name, 0) : -ENOEXEC;
	if (len >= sizeof(name))
		return -ENOEXEC;
	memcpy(name, img, len);
	name[len] = '\0';
	name[strcspn(name, "\n")] = '\0';
	return load(self(k), name, 0);
}

static enum im_modstate fk_state(struct im_kernel *k, const char *name)
{
	struct fake_kernel *f = self(k);
	struct fake_mod *m;
	enum im_modstate s;

	pthread_mutex_lock(&f->lock);
	m = strmap_get(&f->mods, name);
	s = m ? m->state : IM_MOD_ABSENT;
	pthread_mutex_unlock(&f->lock);
	return s;
}

static enum im_comp fk_comp(struct im_kernel *k)
{
	return self(k)->comp;
}

static int fk_run(struct im_kernel *k, const char *cmd, const char *module)
{
	struct fake_kernel *f = self(k);
	struct fake_mod *m;
	int err, ok;

	pthread_mutex_lock(&f->lock);
	snprintf(f->last_cmd, sizeof(f->last_cmd), "%s", cmd);
	m = strmap_get(&f->mods, module);
	err = injected(f, m, module);
	ok = !err && !strstr(cmd, "false");
	if (ok && m)	/* as if the command loaded it */
		m->state = IM_MOD_LIVE;
	pthread_mutex_unlock(&f->lock);
	if (err)
		return -err;
	return ok ? 0 : 1;
}

void fake_init(struct fake_kernel *f)
{
	memset(f, 0, sizeof(*f));
	pthread_mutex_init(&f->lock, NULL);
	pthread_cond_init(&f->cond, NULL);
	pthread_mutex_init(&f->serial, NULL);
	f->k.finit_module = fk_finit;
	f->k.init_module = fk_init;
	f->k.module_state = fk_state;
	f->k.compression = fk_comp;
	f->k.run_command = fk_run;
	f->k.uevent_open = fk_uevent_open;
	f->k.uevent_recv = fk_uevent_recv;
	f->k.priv = f;
	f->fail_call = -1;
	f->uevent_fd[0] = f->uevent_fd[1] = -1;
}

struct fake_mod *fake_add(struct fake_kernel *f, const char *name)
{
	struct fake_mod *m = calloc(1, sizeof(*m));

	snprintf(m->name, sizeof(m->name), "%s", name);
	pthread_mutex_lock(&f->lock);	/* a growing plan adds while loads run */
	strmap_put(&f->mods, m->name, m);
	pthread_mutex_unlock(&f->lock);
	return m;
}

struct fake_mod *fake_get(struct fake_kernel *f, const char *name)
{
	struct fake_mod *m;

	pthread_mutex_lock(&f->lock);
	m = strmap_get(&f->mods, name);
	pthread_mutex_unlock(&f->lock);
	return m;
}

void fake_dep(struct fake_mod *m, const char *dep)
{
	if (m->ndeps + 1 >= m->capdeps) {
		m->capdeps = m->capdeps ? 2 * m->capdeps : 8;
		m->deps = realloc(m->deps, m->capdeps * sizeof(*m->deps));
	}
	m->deps[m->ndeps++] = dep;
	m->deps[m->ndeps] = NULL;
}

void fake_from_graph(struct fake_kernel *f, const struct im_graph *g)
{
	size_t i, k;

	for (i = 0; i < g->n; i++) {
		struct fake_mod *m = fake_get(f, g->nodes[i].name);

		if (!m)
			m = fake_add(f, g->nodes[i].name);
		for (k = 0; k < g->nodes[i].npred; k++)
			if (g->nodes[i].pred[k].kind == IM_EDGE_HARD)
				fake_dep(m, g->nodes[g->nodes[i].pred[k].node].name);
	}
}

void fake_release(struct fake_kernel *f)
{
	pthread_mutex_lock(&f->lock);
	f->released = 1;
	pthread_cond_broadcast(&f->cond);
	pthread_mutex_unlock(&f->lock);
}

void fake_free(struct fake_kernel *f)
{
	size_t i;

	for (i = 0; i < f->mods.cap; i++) {
		struct fake_mod *m = f->mods.slots[i].val;

		if (m)
			free(m->deps);
		free(m);
	}
	strmap_free(&f->mods);
	if (f->uevent_fd[0] >= 0)
		close(f->uevent_fd[1]);	/* [0] is closed by whoever opened it */
}
