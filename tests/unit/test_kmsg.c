/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_kmsg.c - the kernel log's records (base/kmsg.c through the message sink): levels, prefix, one record a write, cutting, the rate limit and its note, threads; and the console's copy, one write a line. A SOCK_SEQPACKET pair stands in for /dev/kmsg: one read, one write. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "test.h"
#include "../../base/kmsg.h"
#include "../../base/util.h"

/* @k writing to one end of a record socket (non-blocking); the other end in *@rd. */
static int kmsg_pair(struct im_kmsg *k, int burst, int *rd)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	im_kmsg_init(k, sv[0], burst, IM_KMSG_INTERVAL_MS, "initmod");
	*rd = sv[1];
	return 0;
}

/* The next record into @buf (NUL-terminated), its length; -1: none. */
static long next_record(int rd, char *buf, size_t len)
{
	ssize_t n = recv(rd, buf, len - 1, MSG_DONTWAIT);

	buf[n > 0 ? n : 0] = '\0';
	return n;
}

/* How many records are waiting; the last one in @last. */
static int count_records(int rd, char *last, size_t len)
{
	char buf[2048];
	int n;

	last[0] = '\0';
	for (n = 0; next_record(rd, buf, sizeof(buf)) > 0; n++)
		snprintf(last, len, "%s", buf);
	return n;
}

static double mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

TEST(kmsg_levels_prefix_one_record_per_message)
{
	struct im_kmsg k;
	struct msgs m = { .prog = "initmod", .verbose = -1, .kmsg = &k };
	char rec[2048];
	int rd;

	CHECK(kmsg_pair(&k, 0, &rd) == 0);
	errno = EXDEV;
	msg_err(&m, "%s: failed: %s", "tm_fail", "init returned -5");
	CHECK_INT(errno, EXDEV);	/* the caller's errno is left */
	msg_warn(&m, "coldplug: no uevents (%s)", "EPERM");
	msg_info(&m, "tm_a: loaded in 1.0 ms");	/* -v chatter: never */
	msg_log(&m, "%d loaded, %d already present", 3, 1);
	CHECK_INT(next_record(rd, rec, sizeof(rec)), 53);
	CHECK_STR(rec, "<3>initmod: error: tm_fail: failed: init returned -5\n");
	next_record(rd, rec, sizeof(rec));
	CHECK_STR(rec, "<4>initmod: warning: coldplug: no uevents (EPERM)\n");
	next_record(rd, rec, sizeof(rec));
	CHECK_STR(rec, "<6>initmod: 3 loaded, 1 already present\n");
	CHECK_INT(next_record(rd, rec, sizeof(rec)), -1);
	CHECK_INT(m.errors, 1);		/* still counted, though quiet */
	CHECK_INT(m.warnings, 1);
	im_kmsg_close(&k);
	close(rd);
}

TEST(kmsg_none_without_a_log)
{
	struct im_kmsg k;
	struct msgs m = { .prog = "initmod", .verbose = -1 };

	msg_err(&m, "no log: %s", "nothing");	/* .kmsg NULL */
	msg_log(&m, "nothing either");
	msg_log(NULL, "nor without a sink");
	im_kmsg_init(&k, -1, IM_KMSG_BURST, IM_KMSG_INTERVAL_MS, NULL);
	m.kmsg = &k;				/* closed: writes nowhere */
	msg_err(&m, "%s", "dropped");
	im_kmsg_say(&k, IM_KMSG_ERR, 1, "dropped");
	im_kmsg_close(&k);
	CHECK_INT(m.errors, 2);
}

TEST(kmsg_long_and_control_characters)
{
	struct im_kmsg k;
	char text[3000], rec[2048];
	size_t i;
	long n;
	int rd;

	CHECK(kmsg_pair(&k, 0, &rd) == 0);
	im_kmsg_put(&k, IM_KMSG_ERR, 0, "a\nb\tc\x7f" "d\r", 0);
	next_record(rd, rec, sizeof(rec));
	CHECK_STR(rec, "<3>a b c d \n");
	memset(text, 'x', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	im_kmsg_put(&k, IM_KMSG_INFO, 0, text, 1);
	n = next_record(rd, rec, sizeof(rec));
	CHECK_INT(n, IM_KMSG_LEN);
	CHECK(strncmp(rec, "<6>xxx", 6) == 0);
	CHECK_STR(rec + n - 4, "...\n");
	/* "é" is two bytes: the cut never splits one */
	for (i = 0; i + 2 < sizeof(text); i += 2)
		memcpy(text + i, "\xc3\xa9", 2);
	text[i] = '\0';
	for (i = 0; i < 2; i++) {
		im_kmsg_put(&k, IM_KMSG_INFO, 0, text + i, 2);	/* even, odd start */
		n = next_record(rd, rec, sizeof(rec));
		CHECK(n > IM_KMSG_LEN - 8 && n <= IM_KMSG_LEN);
		CHECK_STR(rec + n - 4, "...\n");
		CHECK((unsigned char)rec[n - 5] == 0xa9);	/* a whole "é" last */
	}
	/* exactly what fits is not cut */
	memset(text, 'y', IM_KMSG_LEN - 4);
	text[IM_KMSG_LEN - 4] = '\0';
	im_kmsg_put(&k, IM_KMSG_INFO, 0, text, 3);
	n = next_record(rd, rec, sizeof(rec));
	CHECK_INT(n, IM_KMSG_LEN);
	CHECK_STR(rec + n - 4, "yyy\n");
	im_kmsg_close(&k);
	close(rd);
}

TEST(kmsg_rate_limit_as_the_kernel_counts)
{
	struct im_kmsg k;
	char rec[2048];
	int rd, i, n;

	CHECK(kmsg_pair(&k, IM_KMSG_BURST, &rd) == 0);
	for (i = 0; i < 20; i++)	/* a burst of failures: 8 get a slot */
		im_kmsg_put(&k, IM_KMSG_ERR, 0, "initmod: error: x: failed", 1000 + i * 0.1);
	for (n = 0; next_record(rd, rec, sizeof(rec)) > 0; n++)
		CHECK_STR(rec, "<3>initmod: error: x: failed\n");
	CHECK_INT(n, IM_KMSG_BURST - 2);
	/* the summary still fits, after the note of what was left out */
	im_kmsg_put(&k, IM_KMSG_INFO, 1, "initmod: 1 loaded", 1010);
	next_record(rd, rec, sizeof(rec));
	CHECK_STR(rec, "<4>initmod: 12 messages left out of the kernel log (rate limit)\n");
	next_record(rd, rec, sizeof(rec));
	CHECK_STR(rec, "<6>initmod: 1 loaded\n");
	/* the window is full: the kernel would drop more, so do we */
	im_kmsg_put(&k, IM_KMSG_INFO, 1, "initmod: more", 1020);
	im_kmsg_put(&k, IM_KMSG_WARNING, 0, "initmod: warning: w", 5999);
	CHECK_INT(next_record(rd, rec, sizeof(rec)), -1);
	/* a new window (5 s after its start): the note first */
	im_kmsg_put(&k, IM_KMSG_WARNING, 0, "initmod: warning: later", 6000);
	next_record(rd, rec, sizeof(rec));
	CHECK_STR(rec, "<4>initmod: 2 messages left out of the kernel log (rate limit)\n");
	next_record(rd, rec, sizeof(rec));
	CHECK_STR(rec, "<4>initmod: warning: later\n");
	CHECK_INT(next_record(rd, rec, sizeof(rec)), -1);
	im_kmsg_close(&k);	/* nothing left out: no note */
	CHECK_INT(next_record(rd, rec, sizeof(rec)), 0);	/* closed */
	close(rd);
}

TEST(kmsg_close_says_what_was_left_out)
{
	struct im_kmsg k;
	char rec[2048];
	double now = mono_ms();
	int rd, i, n;

	CHECK(kmsg_pair(&k, IM_KMSG_BURST, &rd) == 0);
	for (i = 0; i < 9; i++)		/* 8 written, 1 left out */
		im_kmsg_put(&k, IM_KMSG_ERR, 0, "e", now);
	im_kmsg_close(&k);		/* the same window: room for the note */
	n = count_records(rd, rec, sizeof(rec));
	CHECK_INT(n, IM_KMSG_BURST - 1);
	CHECK_STR(rec, "<4>initmod: 1 message left out of the kernel log (rate limit)\n");
	close(rd);
	/* a full window at close: the note would be dropped, so not written */
	CHECK(kmsg_pair(&k, IM_KMSG_BURST, &rd) == 0);
	now = mono_ms();
	for (i = 0; i < 9; i++)		/* 8 written, 1 left out */
		im_kmsg_put(&k, IM_KMSG_ERR, 0, "e", now);
	im_kmsg_put(&k, IM_KMSG_INFO, 1, "s", now);	/* the note, then it */
	im_kmsg_put(&k, IM_KMSG_INFO, 1, "t", now);	/* left out */
	im_kmsg_close(&k);
	n = count_records(rd, rec, sizeof(rec));
	CHECK_INT(n, IM_KMSG_BURST);
	CHECK_STR(rec, "<6>s\n");
	close(rd);
}

TEST(kmsg_no_limit_with_devkmsg_on)
{
	struct im_kmsg k;
	char rec[2048];
	int rd, i, n;

	CHECK(kmsg_pair(&k, 0, &rd) == 0);	/* burst 0: no limit */
	for (i = 0; i < 50; i++)
		im_kmsg_put(&k, IM_KMSG_ERR, 0, "e", 0);
	n = count_records(rd, rec, sizeof(rec));
	CHECK_INT(n, 50);
	im_kmsg_close(&k);
	close(rd);
}

struct writer {
	struct msgs m;
	int id;
};

static void *write_some(void *arg)
{
	struct writer *w = arg;
	int i;

	for (i = 0; i < 10; i++)
		msg_err(&w->m, "writer %d: message %d", w->id, i);
	return NULL;
}

/* Threads with copies of one sink (as the engine's workers have): every
 * record whole, none lost without a limit, one note with one. */
TEST(kmsg_threads_share_one_log)
{
	struct writer w[4];
	pthread_t th[4];
	struct im_kmsg k;
	char rec[2048];
	int rd, i, n, burst;

	for (burst = 0; burst <= IM_KMSG_BURST; burst += IM_KMSG_BURST) {
		CHECK(kmsg_pair(&k, burst, &rd) == 0);
		for (i = 0; i < 4; i++) {
			w[i].m = (struct msgs){ .prog = "initmod", .verbose = -1, .kmsg = &k };
			w[i].id = i;
			CHECK(pthread_create(&th[i], NULL, write_some, &w[i]) == 0);
		}
		for (i = 0; i < 4; i++)
			pthread_join(th[i], NULL);
		im_kmsg_close(&k);
		for (n = 0; next_record(rd, rec, sizeof(rec)) > 0; n++)
			CHECK(strncmp(rec, "<3>initmod: error: writer ", 26) == 0 ||
			      strncmp(rec, "<4>initmod: 32 messages left out", 32) == 0);
		CHECK_INT(n, burst ? IM_KMSG_BURST - 1 : 40);
		close(rd);
	}
}

/*
 * The console's copy: each message one write of the whole line, so that
 * the workers and PID 1 writing at once never cut each other's lines
 * ("initmod: initmod: ahci: loaded ...", seen under QEMU). A record
 * socket as stderr makes each write(2) one record; a line longer than the
 * stack buffer too.
 */
TEST(stderr_one_write_per_message)
{
	struct msgs m = { .prog = "initmod", .verbose = 1 };
	char rec[4096], big[2001];
	int sv[2], saved = dup(2);

	CHECK(saved >= 0);
	CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == 0);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	fflush(stderr);
	dup2(sv[0], 2);
	msg_err(&m, "ahci: %s", "failed");
	msg_info(&m, "virtio_blk: loaded in %d ms", 12);
	msg_warn(&m, "long: %s", big);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(sv[0]);
	CHECK_INT(next_record(sv[1], rec, sizeof(rec)), 29);
	CHECK_STR(rec, "initmod: error: ahci: failed\n");
	CHECK(next_record(sv[1], rec, sizeof(rec)) > 0);
	CHECK_STR(rec, "initmod: virtio_blk: loaded in 12 ms\n");
	CHECK_INT(next_record(sv[1], rec, sizeof(rec)), 2025);
	CHECK(strncmp(rec, "initmod: warning: long: xxx", 27) == 0 && rec[2024] == '\n');
	CHECK(next_record(sv[1], rec, sizeof(rec)) <= 0);	/* nothing more */
	close(sv[1]);
}
