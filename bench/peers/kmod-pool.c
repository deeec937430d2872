/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * kmod-pool.c - benchmark peer: a reimplementation of the loading strategy
 * of systemd-modules-load v259 (systemd PR #38549), written for initmod's
 * boot benchmark against Debian's libkmod. Not systemd's code.
 *
 * Strategy reproduced: a shared queue of module names, a pool of threads
 * (online CPUs clamped to 16, or $SYSTEMD_MODULES_LOAD_NUM_THREADS), one
 * kmod_ctx per thread, each name loaded with kmod_module_new_from_lookup()
 * and kmod_module_probe_insert_module(KMOD_PROBE_APPLY_BLACKLIST) as
 * systemd's module_load_and_warn() does. No dependency graph: threads race on
 * shared dependencies and rely on the kernel (and libkmod's EEXIST
 * handling) to deduplicate.
 *
 * usage: kmod-pool NAME...   exit status 0 when every name loaded
 */
#include <errno.h>
#include <libkmod.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct pool {
	char **names;
	int count;
	atomic_int next;
	atomic_int failed;
};

static int load_one(struct kmod_ctx *ctx, const char *name)
{
	struct kmod_list *list = NULL, *it;
	int r = 0;

	if (kmod_module_new_from_lookup(ctx, name, &list) < 0 || !list) {
		fprintf(stderr, "kmod-pool: failed to find module '%s'\n", name);
		return -ENOENT;
	}
	kmod_list_foreach(it, list) {
		struct kmod_module *mod = kmod_module_get_module(it);
		int state = kmod_module_get_initstate(mod);
		int err;

		if (state == KMOD_MODULE_BUILTIN || state == KMOD_MODULE_LIVE) {
			kmod_module_unref(mod);
			continue;
		}
		err = kmod_module_probe_insert_module(mod,
				KMOD_PROBE_APPLY_BLACKLIST, NULL, NULL, NULL, NULL);
		if (err < 0 && err != -EEXIST) {
			fprintf(stderr, "kmod-pool: failed to insert '%s': %s\n",
				kmod_module_get_name(mod), strerror(-err));
			r = err;
		}
		kmod_module_unref(mod);
	}
	kmod_module_unref_list(list);
	return r;
}

static void *worker(void *arg)
{
	struct pool *p = arg;
	struct kmod_ctx *ctx = kmod_new(NULL, NULL);
	int i;

	if (!ctx) {
		atomic_fetch_add(&p->failed, 1);
		return NULL;
	}
	kmod_load_resources(ctx);
	while ((i = atomic_fetch_add(&p->next, 1)) < p->count)
		if (load_one(ctx, p->names[i]) < 0)
			atomic_fetch_add(&p->failed, 1);
	kmod_unref(ctx);
	return NULL;
}

static int thread_count(int names)
{
	const char *env = getenv("SYSTEMD_MODULES_LOAD_NUM_THREADS");
	long n = env ? strtol(env, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		n = 1;
	if (n > 16)
		n = 16;
	return n > names ? (names > 0 ? names : 1) : (int)n;
}

int main(int argc, char **argv)
{
	struct pool p = { .names = argv + 1, .count = argc - 1 };
	int n = thread_count(p.count), i, started = 0;
	pthread_t *tids = calloc(n, sizeof(*tids));

	if (!tids)
		return 1;
	atomic_init(&p.next, 0);
	atomic_init(&p.failed, 0);
	for (i = 0; i < n; i++)
		if (pthread_create(&tids[started], NULL, worker, &p) == 0)
			started++;
	if (!started)
		worker(&p);
	for (i = 0; i < started; i++)
		pthread_join(tids[i], NULL);
	free(tids);
	return atomic_load(&p.failed) ? 1 : 0;
}
