/* test_cmdline.c - kernel command line: kmod's option grammar and initmod's lists. */
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
