/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * kmsg.c - records for the kernel log (/dev/kmsg, see the kernel's
 * Documentation/ABI/testing/dev-kmsg): one write() a record, "<LEVEL>"
 * first; cut to what every kernel takes; within the kernel's own rate
 * limit, with a note for what had to be left out.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kmsg.h"

void im_kmsg_init(struct im_kmsg *k, int fd, int burst, double interval_ms,
		  const char *prog)
{
	k->fd = fd;
	k->burst = burst;
	k->interval_ms = interval_ms;
	k->begin_ms = -1;
	k->sent = 0;
	k->missed = 0;
	k->prog = prog ? prog : "initmod";
	pthread_mutex_init(&k->lock, NULL);
}

/* printk.devkmsg= as the kernel has it now: records a window, -1: off. */
static int kernel_burst(void)
{
	char buf[16] = "";
	int fd = open("/proc/sys/kernel/printk_devkmsg", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (fd >= 0)
		close(fd);
	if (n > 0 && strncmp(buf, "off", 3) == 0)
		return -1;
	if (n > 0 && strncmp(buf, "on", 2) == 0)
		return IM_KMSG_BURST_ON;
	return IM_KMSG_BURST;
}

int im_kmsg_open(struct im_kmsg *k, const char *prog)
{
	int burst = kernel_burst(), fd = -1, err = -EPERM;

	if (burst >= 0) {
		fd = open("/dev/kmsg", O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
		err = fd < 0 ? -errno : 0;
	}
	im_kmsg_init(k, fd, burst < 0 ? 0 : burst, IM_KMSG_INTERVAL_MS, prog);
	return err;
}

/* One write, one record; what the kernel refuses is dropped. [lock] */
static void emit(struct im_kmsg *k, const char *rec, size_t n)
{
	ssize_t r;

	do
		r = write(k->fd, rec, n);
	while (r < 0 && errno == EINTR);
}

/* The note of the records left out, taking a slot. [lock] */
static void say_missed(struct im_kmsg *k)
{
	char note[160];
	int n;

	if (!k->missed)
		return;
	n = snprintf(note, sizeof(note),
		     "<%d>%s: %u message%s left out of the kernel log (rate limit)\n",
		     IM_KMSG_WARNING, k->prog, k->missed, k->missed == 1 ? "" : "s");
	if (n > 0 && (size_t)n < sizeof(note))
		emit(k, note, (size_t)n);
	k->missed = 0;
	k->sent++;
}

/* A new window once the last one is over. [lock] */
static void window(struct im_kmsg *k, double now_ms)
{
	if (k->begin_ms < 0 || now_ms - k->begin_ms >= k->interval_ms) {
		k->begin_ms = now_ms;
		k->sent = 0;
	}
}

/*
 * A slot for a record in this window, after the note of those left out
 * (when there are some): 1, write it; 0, it is left out (counted). [lock]
 */
static int take_slot(struct im_kmsg *k, int important, double now_ms)
{
	window(k, now_ms);
	if (k->burst && k->sent >= k->burst - (important ? 1 : 2)) {
		k->missed++;
		return 0;
	}
	say_missed(k);
	k->sent++;
	return 1;
}

/*
 * "<@level>@text\n" into @rec (IM_KMSG_LEN bytes): control characters as
 * spaces, cut before a character that would not fit, then "...". Its
 * length.
 */
static size_t record(char *rec, int level, const char *text)
{
	size_t n = 0, len = strlen(text), room, i;
	int cut;

	rec[n++] = '<';
	rec[n++] = (char)('0' + (level & 7));
	rec[n++] = '>';
	room = IM_KMSG_LEN - n - 1;		/* '\n' */
	cut = len > room;
	if (cut) {
		len = room - 3;			/* "..." */
		while (len && ((unsigned char)text[len] & 0xc0) == 0x80)
			len--;			/* not inside a UTF-8 character */
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		rec[n++] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
	}
	if (cut) {
		memcpy(rec + n, "...", 3);
		n += 3;
	}
	rec[n++] = '\n';
	return n;
}

void im_kmsg_put(struct im_kmsg *k, int level, int important,
		 const char *text, double now_ms)
{
	char rec[IM_KMSG_LEN];
	int saved = errno;	/* a caller may still read it */
	size_t n;

	if (!k || k->fd < 0)
		return;
	n = record(rec, level, text);
	pthread_mutex_lock(&k->lock);
	if (take_slot(k, important, now_ms))
		emit(k, rec, n);
	pthread_mutex_unlock(&k->lock);
	errno = saved;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

void im_kmsg_say(struct im_kmsg *k, int level, int important,
		 const char *text)
{
	if (k && k->fd >= 0)
		im_kmsg_put(k, level, important, text, now_ms());
}

void im_kmsg_close(struct im_kmsg *k)
{
	int saved = errno;

	if (k->fd >= 0) {
		pthread_mutex_lock(&k->lock);
		window(k, now_ms());
		if (!k->burst || k->sent < k->burst)
			say_missed(k);
		pthread_mutex_unlock(&k->lock);
		close(k->fd);
		k->fd = -1;
	}
	pthread_mutex_destroy(&k->lock);
	errno = saved;
}
