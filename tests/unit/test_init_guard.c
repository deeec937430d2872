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

	r = im_init_guard("quiet initmod.timeout=5", &fd, &m);
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
