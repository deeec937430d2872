/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fake_kernel.h - an in-process stand-in for the kernel's module loader, for engine tests. */
#ifndef INITMOD_FAKE_KERNEL_H
#define INITMOD_FAKE_KERNEL_H

#include <pthread.h>

#include "../../loader/kernel.h"
#include "../../depgraph/graph.h"
#include "../../base/util.h"

struct fake_mod {
	char name[128];
	int delay_us;		/* simulated init time */
	int spin;		/* spend it on the CPU (runnable), not asleep */
	int result;		/* 0 or -errno the init returns */
	int hang;		/* init never returns (until fake_release) */
	int busy_once;		/* first call: another loader's copy is coming */
	const char **deps;	/* NULL-terminated: must be live first, as the kernel requires */
	size_t ndeps, capdeps;
	int state;		/* enum im_modstate */
	int loads;		/* successful inits */
	int calls;		/* finit/init calls */
	int flags_seen;
	int going_after_load;	/* unloaded by someone right after its init */
	int was_live;
	int injected;		/* first errno a fault injection returned, 0 */
	int injected_eexist;	/* one injection said someone else loaded it */
	const char *emits[4];	/* "DEVPATH MODALIAS" (or "DEVPATH"): devices its
				 * probe creates, announced as uevents once live */
};

struct fake_kernel {
	struct im_kernel k;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct strmap mods;
	enum im_comp comp;	/* what it "decompresses" */
	int refuse_flag;	/* EINVAL for MODULE_INIT_COMPRESSED_FILE (pre-5.17) */
	int in_flight, max_in_flight;
	int order_violations, double_loads, released;
	char last_violation[256];
	char last_cmd[256];	/* last install command run */
	/* fault injection (under lock): the call numbered fail_call (0-based,
	 * counting finit, init and install calls from every thread) returns
	 * -fail_err; random_permille of all calls return a random errno */
	int ncalls, fail_call, fail_err;
	char victim[128];	/* the module whose call failed */
	unsigned random_permille, seed;
	int max_delay_us;	/* random init durations 0..max, 0 = off */
	int uevent_fd[2];	/* the uevent source: [0] the engine's end */
	int uevents_sent;
	/* The kernel's serialised part of a load (module_mutex, text
	 * patching): after pre_us of its own, each load holds one global
	 * mutex for serial_us (asleep), then runs its init. With @trace set,
	 * each section goes there as tracefs shows the probes bench-init sets
	 * ("M__fake_section" and its "__ret", lock:contention_begin/end when
	 * it had to wait), trace clock mono. */
	int serial_us, pre_us;
	pthread_mutex_t serial;
	FILE *trace;
};

void fake_init(struct fake_kernel *f);
void fake_free(struct fake_kernel *f);
struct fake_mod *fake_add(struct fake_kernel *f, const char *name);
struct fake_mod *fake_get(struct fake_kernel *f, const char *name);
void fake_release(struct fake_kernel *f);	/* let hung inits return */
/* Announce a device as the kernel does (ACTION=add), @modalias may be NULL. */
void fake_uevent(struct fake_kernel *f, const char *devpath,
		 const char *modalias);
void fake_dep(struct fake_mod *m, const char *dep);
/* Every node of @g as a module, with its hard dependencies. */
void fake_from_graph(struct fake_kernel *f, const struct im_graph *g);
/* errnos finit_module, init_module and the install path can return */
extern const int fake_errnos[];
extern const size_t fake_nerrnos;

#endif
