/*
 * init.h - PID-1 helper mode: make /proc, /sys and /dev exist, become the
 * kernel's modprobe, load what the command line and modules-load.d ask for
 * in one DAG run under a global deadline, then exec the next stage.
 */
#ifndef INITMOD_INIT_H
#define INITMOD_INIT_H

#include "../config/resolve.h"
#include "engine.h"

/* Mount proc, sysfs and devtmpfs where they are not mounted yet. */
void im_init_mounts(struct msgs *m);
/* Point /proc/sys/kernel/modprobe at this binary (as "modprobe"). */
void im_init_set_modprobe(struct msgs *m);

/*
 * The boot's module groups as one graph: rd.driver.pre= modules complete
 * before anything else starts; modules_load=, rd.modules_load= and
 * modules-load.d run in parallel; rd.driver.post= start after all of them.
 * Returns the number of names not found, or -errno.
 */
int im_init_build_graph(struct im_resolver *r, const struct im_strlist *pre,
			const struct im_strlist *main_list,
			const struct im_strlist *post, struct im_graph *g);

/*
 * PID 1 must outlive whatever goes wrong while loading: fork, and let the
 * child do all the work (configuration, indexes, resolving, loading). The
 * parent waits until the child says it is done (a byte on *donefd), dies,
 * or the deadline (initmod.timeout=, default 120 s) plus 30 s passes.
 * Returns 0 in the child, 1 in the parent when it is time to exec the next
 * stage, -1 when fork failed (load in this process).
 */
int im_init_guard(const char *kcmdline, int *donefd, struct msgs *m);
/* The child's last word: tell the waiting parent (see im_init_guard). */
void im_init_guard_done(int donefd);

/* exec @argv, or init= from the command line, or the kernel's fallbacks. */
void im_init_exec_next(char *const *argv, const char *kcmdline,
		       struct msgs *m);

#endif
