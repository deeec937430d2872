/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * kmsg.h - the kernel log as a second home for messages: one record per
 * write() to /dev/kmsg, "<LEVEL>TEXT", rate-limited as the kernel limits
 * a /dev/kmsg writer (printk.devkmsg=ratelimit: 10 records per 5 s per
 * open file) so that the kernel never drops one silently: what would not
 * fit is counted and said in one record when there is room again.
 */
#ifndef INITMOD_KMSG_H
#define INITMOD_KMSG_H

#include <pthread.h>

/* a record's bytes at most, "<N>" and '\n' included: under the kernel's
 * limit (992 bytes before Linux 5.10, 1024 since; longer is EINVAL) */
#define IM_KMSG_LEN 976
#define IM_KMSG_INTERVAL_MS 5000.0	/* the kernel's window (5 s) */
#define IM_KMSG_BURST 10		/* its records a window */
#define IM_KMSG_BURST_ON 100		/* ours with printk.devkmsg=on */

/* The kernel's levels (syslog's) that the records carry. */
#define IM_KMSG_ERR 3
#define IM_KMSG_WARNING 4
#define IM_KMSG_INFO 6

struct im_kmsg {
	int fd;			/* -1: closed, records go nowhere */
	int burst;		/* records a window, 0: no limit */
	double interval_ms;	/* the window */
	double begin_ms;	/* [lock] this window's start, < 0: none yet */
	int sent;		/* [lock] records written in this window */
	unsigned missed;	/* [lock] records left out, not said yet */
	const char *prog;	/* the note's prefix ("initmod") */
	pthread_mutex_t lock;
};

/*
 * Open /dev/kmsg (write-only, non-blocking, close-on-exec) with the
 * kernel's policy of /proc/sys/kernel/printk_devkmsg: "ratelimit" (also
 * when unreadable) IM_KMSG_BURST, "on" IM_KMSG_BURST_ON, "off" not opened.
 * 0, or -errno (then @k is closed and writes nothing).
 */
int im_kmsg_open(struct im_kmsg *k, const char *prog);
/* @k writes to @fd (-1: nowhere; @k owns it): tests, and im_kmsg_open. */
void im_kmsg_init(struct im_kmsg *k, int fd, int burst, double interval_ms,
		  const char *prog);
/* Say what was left out (if the window has room), close the file: once
 * after im_kmsg_open or im_kmsg_init, whatever they returned. */
void im_kmsg_close(struct im_kmsg *k);

/*
 * One record "<@level>@text\n": control characters become spaces, a text
 * too long is cut on a character boundary and ends "...". In a window,
 * ordinary records take up to burst - 2 slots and @important ones (a
 * run's summary) burst - 1; the one left is for the note "N messages
 * left out", written before the next record that fits and on close. A
 * write the kernel refuses is dropped: nothing here blocks or fails.
 * @now_ms: CLOCK_MONOTONIC in milliseconds (tests pass their own).
 */
void im_kmsg_put(struct im_kmsg *k, int level, int important,
		 const char *text, double now_ms);
/* The same at the time it is now. */
void im_kmsg_say(struct im_kmsg *k, int level, int important,
		 const char *text);

#endif
