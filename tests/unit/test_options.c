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
