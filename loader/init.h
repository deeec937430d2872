/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * init.h - PID-1 helper mode: make /proc, /sys and /dev exist, become the
 * kernel's modprobe, load what the command line and modules-load.d ask for
 * in one DAG run under a global deadline, then exec the next stage.
 */
#ifndef INITMOD_INIT_H
#define INITMOD_INIT_H

#include "options.h"

/* Mount proc, sysfs and devtmpfs where they are not mounted yet. */
void im_init_mounts(struct msgs *m);
/* Point /proc/sys/kernel/modprobe at this binary (as "modprobe"). */
void im_init_set_modprobe(struct msgs *m);

/*
 * PID 1 must outlive whatever goes wrong while loading: fork, and let the
 * child do all the work (configuration, indexes, resolving, loading). The
 * parent waits until the child says it is done (a byte on *donefd), dies,
 * or @backstop_s passes (0: no limit). Returns 0 in the child, 1 in the
 * parent when it is time to exec the next stage, 2 when the child said the
 * root device is there ('r') and goes on loading (the child then frees
 * the initramfs), -1 when fork failed (load in this process).
 */
int im_init_guard(double backstop_s, int *donefd, struct msgs *m);
/*
 * The loader's deadline in PID-1 mode: initmod.timeout= (the one parser,
 * im_cmdline_timeout(); 0 = none), else --timeout, else 120 s.
 */
double im_init_deadline(const char *kcmdline, const struct im_opts *o);
/* How long PID 1 waits for the loader child: the deadline + 30 s, 0 = none. */
double im_init_backstop(double deadline_s);
/* The child's last word: tell the waiting parent (see im_init_guard). */
void im_init_guard_done(int donefd);

/*
 * PID-1 mode, start to end: mounts, the command line read once, the guard;
 * the child loads (unless @opts_err: the options were bad) and the parent
 * execs the next stage. Returns only when nothing could be exec'd.
 */
int im_init_main(struct im_opts *o, int opts_err, struct msgs *m);

/* exec @argv, or init= from the command line, or the kernel's fallbacks. */
void im_init_exec_next(char *const *argv, const char *kcmdline,
		       struct msgs *m);

#endif
