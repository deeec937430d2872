/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_cmdline.c - kernel command line: kmod's option grammar and initmod's lists. */
#include <stdio.h>
#include <unistd.h>

#include "test.h"
#include "../../config/cmdline.h"

static struct msgs quiet = { .verbose = -1 };

static void parse(struct im_config *c, const char *s)
{
	im_config_init(c);
	im_cmdline_parse(c, s, &quiet);
}

TEST(cmdline_module_params_like_kmod)
{
	struct im_config c;

	parse(&c, "BOOT_IMAGE=/vmlinuz root=/dev/sda1 e1000e.debug=1 snd-hda-intel.model=\"a b\" "
		  "\"parport.dyndbg=file x +p\" quiet a.b.c=1 =x.y noval.flag "
		  "modprobe.blacklist=foo,bar-baz,,x modprobe.blacklist=y\n");
	CHECK_INT(c.noptions, 4);
	CHECK_STR(c.options[0].name, "e1000e");
	CHECK_STR(c.options[0].value, "debug=1");
	CHECK_STR(c.options[1].name, "snd_hda_intel");
	CHECK_STR(c.options[1].value, "model=\"a b\"");
	CHECK_STR(c.options[2].name, "parport");
	CHECK_STR(c.options[2].value, "dyndbg=\"file x +p\"");
	CHECK_STR(c.options[3].name, "noval");
	CHECK_STR(c.options[3].value, "flag");
	/* modprobe.blacklist: split on commas, not normalised, empty kept */
	CHECK_INT(c.blacklist.n, 5);
	CHECK_STR(c.blacklist.v[1], "bar-baz");
	CHECK_STR(c.blacklist.v[2], "");
	CHECK_STR(c.blacklist.v[4], "y");
	/* and, normalised, the loader's hard blacklist */
	CHECK_INT(c.hard_blacklist.n, 4);
	CHECK_STR(c.hard_blacklist.v[1], "bar_baz");
	im_config_free(&c);
}

TEST(cmdline_lists)
{
	struct im_config c;

	parse(&c, "modules_load=a,b-c rd.modules_load=d,,a rd.driver.pre=x "
		  "rd.driver.pre=y,z rd.driver.post=p rd.driver.blacklist=bad-one "
		  "module_blacklist=worse \"rd.driver.post=q,r\" modules_load= initmod.timeout=30");
	CHECK_INT(c.modules_load.n, 3);
	CHECK_STR(c.modules_load.v[1], "b_c");
	CHECK_INT(c.driver_pre.n, 3);
	CHECK_STR(c.driver_pre.v[2], "z");
	CHECK_INT(c.driver_post.n, 3);
	CHECK_STR(c.driver_post.v[2], "r");
	CHECK_INT(c.hard_blacklist.n, 2);
	CHECK_STR(c.hard_blacklist.v[0], "bad_one");
	CHECK_INT(c.timeout_s, 30);
	/* for kmod, only rd.modules_load= and initmod.timeout= look like options */
	CHECK_INT(c.noptions, 2);
	CHECK_STR(c.options[0].name, "rd");
	CHECK_STR(c.options[0].value, "modules_load=d,,a");
	CHECK_STR(c.options[1].name, "initmod");
	im_config_free(&c);
}

TEST(cmdline_bad_values_are_ignored)
{
	struct im_config c;

	parse(&c, "initmod.timeout=soon initmod.timeout=-3 rd.driver.pre rd.driver.pre=\"\" \"");
	CHECK_INT(c.timeout_s, -1);
	CHECK_INT(c.driver_pre.n, 0);
	im_config_free(&c);
}

TEST(cmdline_empty_and_huge)
{
	struct im_config c;
	static char big[10000];

	parse(&c, "");
	CHECK_INT(c.noptions, 0);
	im_config_free(&c);
	memset(big, 'a', sizeof(big) - 1);
	memcpy(big, "m.p=", 4);
	parse(&c, big);		/* truncated at 4095 like kmod */
	CHECK_INT(c.noptions, 1);
	CHECK_INT(strlen(c.options[0].value), 4095 - 2);
	im_config_free(&c);
}

TEST(cmdline_odd_quote_hides_the_rest_like_kmod)
{
	struct im_config c;

	parse(&c, "a.x=1 bad\"q.x=1 b.y=2 modprobe.blacklist=z");
	CHECK_INT(c.noptions, 1);
	CHECK_STR(c.options[0].name, "a");
	CHECK_INT(c.blacklist.n, 0);
	im_config_free(&c);
}

/* initmod.timeout= through the whole command-line parse; -1 = not set. */
static double timeout_of(const char *s, unsigned *warnings)
{
	struct im_config c;
	double t;

	quiet.warnings = 0;
	parse(&c, s);
	t = c.timeout_s;
	*warnings = quiet.warnings;
	im_config_free(&c);
	return t;
}

TEST(cmdline_timeout_values)
{
	static const struct { const char *s; double want; unsigned warn; } v[] = {
		{ "initmod.timeout=1.5", 1.5, 0 },
		{ "initmod.timeout=0", 0, 0 },		/* no deadline */
		{ "initmod.timeout=\"30\"", 30, 0 },	/* the kernel's quoting */
		{ "\"initmod.timeout=30\"", 30, 0 },
		{ "initmod.timeout=30", 30, 0 },
		{ "initmod.timeout=86400", 86400, 0 },
		{ "initmod.timeout=.25", 0.25, 0 },
		{ "initmod.timeout=-1", -1, 1 },
		{ "initmod.timeout=abc", -1, 1 },
		{ "initmod.timeout=1e9", -1, 1 },
		{ "initmod.timeout=86400.5", -1, 1 },
		{ "initmod.timeout=100000", -1, 1 },
		{ "initmod.timeout=", -1, 1 },
		{ "initmod.timeout=1.2.3", -1, 1 },
		{ "initmod.timeout=0x10", -1, 1 },
		{ "initmod.timeout=inf", -1, 1 },
		{ "initmod.timeout=\" 5\"", -1, 1 },
		{ "initmod.timeout", -1, 0 },		/* no value: not ours */
		{ "xinitmod.timeout=5 initmod.timeoutx=5", -1, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		unsigned w;
		double got = timeout_of(v[i].s, &w);

		if (got != v[i].want || w != v[i].warn)
			t_fail(t, __FILE__, __LINE__, "%s: %g (%u warnings), want %g (%u)",
			       v[i].s, got, w, v[i].want, v[i].warn);
	}
}

TEST(cmdline_timeout_last_valid_one_wins)
{
	unsigned w;

	CHECK(timeout_of("initmod.timeout=5 quiet initmod.timeout=7.5", &w) == 7.5);
	CHECK_INT(w, 0);
	/* an ignored value leaves the one before it in force */
	CHECK(timeout_of("initmod.timeout=5 initmod.timeout=abc", &w) == 5);
	CHECK_INT(w, 1);
	CHECK(timeout_of("initmod.timeout=abc initmod.timeout=0", &w) == 0);
	CHECK_INT(w, 1);
}

/* The function PID 1's guard uses: the same parser, the same rules. */
TEST(cmdline_timeout_for_the_init_guard)
{
	double secs = 120;

	CHECK_INT(im_cmdline_timeout(NULL, &secs, &quiet), 0);
	CHECK_INT(im_cmdline_timeout("quiet initmod.timeout", &secs, &quiet), 0);
	CHECK(secs == 120);
	CHECK_INT(im_cmdline_timeout("initmod.timeout=1e9 x", &secs, &quiet), 0);
	CHECK(secs == 120);		/* ignored: the default stays */
	CHECK_INT(im_cmdline_timeout("root=/dev/sda initmod.timeout=\"1.5\"\n", &secs, &quiet), 1);
	CHECK(secs == 1.5);
	CHECK_INT(im_cmdline_timeout("initmod.timeout=0", &secs, &quiet), 1);
	CHECK(secs == 0);
	CHECK_INT(im_cmdline_timeout("initmod.timeout=3 initmod.timeout=4 initmod.timeout=-1",
				     &secs, &quiet), 1);
	CHECK(secs == 4);
}

TEST(cmdline_timeout_warning_names_the_value)
{
	struct msgs m = { .verbose = 0, .prog = "t" };
	char buf[512] = "";
	double secs = 120;
	FILE *f = tmpfile();
	int saved = dup(2);
	size_t n;

	CHECK(f && saved >= 0);
	fflush(stderr);
	dup2(fileno(f), 2);
	im_cmdline_timeout("initmod.timeout=-2.5", &secs, &m);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	CHECK_INT(m.warnings, 1);
	CHECK(strstr(buf, "initmod.timeout=-2.5") != NULL);
	CHECK(secs == 120);
}
