/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_init_guard.c - PID-1 mode's guard: the loader child may crash, exit early or finish; the parent always goes on. */
#include <signal.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "test.h"
#include "../../loader/init.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Run the guard; the child does @how: 0 finish, 1 die by SIGKILL, 2 exit early. */
static int guarded(int how, double *took)
{
	struct msgs m = { .prog = "initmod", .verbose = -1 };
	double t0 = now_s();
	int fd, r;

	r = im_init_guard(im_init_backstop(im_init_deadline("quiet initmod.timeout=5", NULL)), &fd, &m);
	if (r == 0) {
		if (how == 1)
			kill(getpid(), SIGKILL);
		if (how == 2)
			_exit(3);
		im_init_guard_done(fd);
	}
	*took = now_s() - t0;
	return r;
}

TEST(init_guard_parent_goes_on_whatever_the_child_does)
{
	double took;

	CHECK_INT(guarded(0, &took), 1);
	CHECK(took < 30);	/* did not wait for the backstop (35 s) */
	CHECK_INT(guarded(1, &took), 1);
	CHECK(took < 30);
	CHECK_INT(guarded(2, &took), 1);
	CHECK(took < 30);
}

/* one parser, one meaning for the loader's deadline and PID 1's backstop. */
TEST(init_deadline_and_backstop_agree)
{
	struct im_opts o = { .timeout = 7 };

	CHECK(im_init_deadline("quiet initmod.timeout=1.5", NULL) == 1.5);
	CHECK(im_init_backstop(1.5) == 31.5);
	CHECK(im_init_deadline("initmod.timeout=0", NULL) == 0);
	CHECK(im_init_backstop(0) == 0);		/* no deadline: no backstop */
	CHECK(im_init_deadline("initmod.timeout=\"30\" ro", NULL) == 30);
	CHECK(im_init_backstop(30) == 60);
	CHECK(im_init_deadline("initmod.timeout=abc", NULL) == 120);
	CHECK(im_init_deadline(NULL, NULL) == 120);
	CHECK(im_init_backstop(120) == 150);
	CHECK(im_init_deadline("ro", &o) == 7);		/* --timeout */
	CHECK(im_init_deadline("initmod.timeout=2", &o) == 2);
	o.timeout = 0;					/* --timeout 0: never */
	CHECK(im_init_deadline("ro", &o) == 0);
	o.timeout = -1;					/* no --timeout */
	CHECK(im_init_deadline("ro", &o) == 120);
}

/* the command line's default: no --timeout is not --timeout 0 */
TEST(timeout_unset_is_not_zero)
{
	const char *argv[] = { "initmod", "--boot", NULL };
	const char *argv0[] = { "initmod", "--boot", "--timeout", "0", NULL };
	struct msgs m = { .prog = "t", .verbose = -1 };
	struct im_opts o;

	CHECK_INT(im_opts_parse(2, (char **)argv, &o, &m), 0);
	CHECK(im_init_deadline("ro", &o) == 120);
	im_opts_free(&o);
	CHECK_INT(im_opts_parse(4, (char **)argv0, &o, &m), 0);
	CHECK(im_init_deadline("ro", &o) == 0);
	im_opts_free(&o);
}
