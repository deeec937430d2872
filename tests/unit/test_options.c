/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_options.c - the command line: MODPROBE_OPTIONS as kmod's modprobe takes it, and --boot. */
#include <errno.h>
#include <stdlib.h>

#include "test.h"
#include "../../loader/options.h"

static int parse(struct im_opts *o, struct msgs *m, int argc, const char **argv)
{
	return im_opts_parse(argc, (char **)argv, o, m);
}

TEST(modprobe_options_from_the_environment_come_first)
{
	const char *argv[] = { "modprobe", "ext4", NULL };
	struct msgs m = { .prog = "t" };
	struct im_opts o;

	setenv("MODPROBE_OPTIONS", "-qb  -i", 1);
	CHECK_INT(parse(&o, &m, 2, argv), 0);
	unsetenv("MODPROBE_OPTIONS");
	CHECK(o.modprobe);
	CHECK_INT(m.verbose, -1);
	CHECK(o.flags & IM_RES_BLACKLIST);
	CHECK(o.flags & IM_RES_IGNORE_CMD);
	CHECK_INT(o.nreq, 1);
	CHECK_STR(o.req[0].name, "ext4");
	im_opts_free(&o);
}

TEST(boot_takes_modprobe_options_too_and_needs_no_name)
{
	const char *argv[] = { "initmod", "--boot", NULL };
	struct msgs m = { .prog = "t" };
	struct im_opts o;

	setenv("MODPROBE_OPTIONS", "-qb", 1);
	CHECK_INT(parse(&o, &m, 2, argv), 0);
	unsetenv("MODPROBE_OPTIONS");
	CHECK(o.boot);
	CHECK(!o.modprobe);
	CHECK_INT(m.verbose, -1);
	CHECK(o.flags & IM_RES_BLACKLIST);
	CHECK_INT(o.nreq, 0);
	im_opts_free(&o);
}

TEST(initmod_without_boot_ignores_modprobe_options)
{
	const char *argv[] = { "initmod", "ext4", NULL };
	struct msgs m = { .prog = "t" };
	struct im_opts o;

	setenv("MODPROBE_OPTIONS", "-qb", 1);
	CHECK_INT(parse(&o, &m, 2, argv), 0);
	unsetenv("MODPROBE_OPTIONS");
	CHECK_INT(m.verbose, 0);
	CHECK(!(o.flags & IM_RES_BLACKLIST));
	im_opts_free(&o);
}

TEST(a_bad_word_in_modprobe_options_is_refused_as_on_the_command_line)
{
	const char *argv[] = { "modprobe", "ext4", NULL };
	struct msgs m = { .prog = "t", .verbose = -1 };
	struct im_opts o;
	int err;

	setenv("MODPROBE_OPTIONS", "--no-such-option", 1);
	err = parse(&o, &m, 2, argv);
	unsetenv("MODPROBE_OPTIONS");
	CHECK_INT(err, -EINVAL);
	im_opts_free(&o);
}

/* Options that make no sense together, or --init off PID 1: -EINVAL (exit 2). */
static int parse_env(const char *env, int argc, const char **argv, struct im_opts *o)
{
	struct msgs m = { .prog = "t", .verbose = -1 };
	int err;

	if (env)
		setenv("MODPROBE_OPTIONS", env, 1);
	err = parse(o, &m, argc, argv);
	unsetenv("MODPROBE_OPTIONS");
	return err;
}

TEST(init_is_refused_off_pid1_with_dry_runs_and_in_modprobe_mode)
{
	const char *a1[] = { "initmod", "--init", NULL };
	const char *a2[] = { "initmod", "--init-test", "-n", NULL };
	const char *a3[] = { "initmod", "--init-test", "-D", NULL };
	const char *a4[] = { "initmod", "modprobe", "--init", "e1000", NULL };
	const char *a5[] = { "modprobe", "-n", "e1000", NULL };
	const char *a6[] = { "initmod", "--init-test", "--boot", NULL };
	const char *a7[] = { "initmod", "--exec", "/bin/sh", NULL };
	const char *a8[] = { "initmod", "modprobe", "--boot", NULL };
	const char *ok[] = { "initmod", "--init-test", "--no-coldplug", NULL };
	struct im_opts o;

	CHECK_INT(parse_env(NULL, 2, a1, &o), -EINVAL);	/* not PID 1 */
	im_opts_free(&o);
	CHECK_INT(parse_env(NULL, 3, a2, &o), -EINVAL);
	im_opts_free(&o);
	CHECK_INT(parse_env(NULL, 3, a3, &o), -EINVAL);
	im_opts_free(&o);
	CHECK_INT(parse_env(NULL, 4, a4, &o), -EINVAL);
	CHECK(!o.init);
	im_opts_free(&o);
	CHECK_INT(parse_env("--init", 3, a5, &o), -EINVAL);	/* MODPROBE_OPTIONS */
	CHECK(!o.init);
	im_opts_free(&o);
	CHECK_INT(parse_env(NULL, 3, a6, &o), -EINVAL);
	im_opts_free(&o);
	CHECK_INT(parse_env(NULL, 3, a7, &o), -EINVAL);
	im_opts_free(&o);
	CHECK_INT(parse_env(NULL, 3, a8, &o), -EINVAL);
	im_opts_free(&o);
	CHECK_INT(parse_env(NULL, 3, ok, &o), 0);
	CHECK(o.init && o.init_test);
	im_opts_free(&o);
}
