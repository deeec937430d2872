/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_config.c - modprobe.d parsing: keywords, kmod's quirks, file order and overrides; the one configuration file reader. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"
#include "../../config/conffiles.h"
#include "../../config/config.h"

static struct msgs quiet = { .verbose = -1 };

static void parse(struct im_config *c, const char *text)
{
	im_config_init(c);
	quiet.warnings = quiet.errors = 0;
	im_config_parse_buf(c, text, strlen(text), "test.conf", &quiet);
}

TEST(config_keywords)
{
	struct im_config c;

	parse(&c,
	      "# comment\n"
	      "  # not a comment for kmod: bad line\n"
	      "alias pci:v*d*[a-c] snd-hda-intel\n"
	      "blacklist pcspkr-x\n"
	      "options e1000e\tInterruptThrottleRate=3000\tdebug=1\n"
	      "options  e1000e  x=1\n"
	      "install fake-mod /bin/echo hi $CMDLINE_OPTS\n"
	      "remove fake-mod /bin/true\n"
	      "softdep uhci-hcd pre: ehci-hcd post: foo bar\n"
	      "weakdep ahci libahci\n"
	      "frobnicate all the things\n"
	      "options lonely\n"
	      "alias only-one\n");
	CHECK_INT(c.naliases, 1);
	CHECK_STR(c.aliases[0].name, "pci:v*d*[a-c]");
	CHECK_STR(c.aliases[0].value, "snd_hda_intel");
	CHECK(c.aliases[0].wild);
	CHECK_INT(c.blacklist.n, 1);
	CHECK_STR(c.blacklist.v[0], "pcspkr_x");
	CHECK_INT(c.noptions, 2);
	CHECK_STR(c.options[0].value, "InterruptThrottleRate=3000 debug=1");
	/* kmod keeps what follows the first separator, spaces included */
	CHECK_STR(c.options[1].name, "e1000e");
	CHECK_STR(c.options[1].value, " x=1");
	CHECK_INT(c.ninstalls, 1);
	CHECK_STR(c.installs[0].name, "fake_mod");
	CHECK_STR(c.installs[0].value, "/bin/echo hi $CMDLINE_OPTS");
	CHECK_INT(c.nremoves, 1);
	CHECK_INT(c.nsoftdeps, 1);
	CHECK_STR(c.softdeps[0].name, "uhci_hcd");
	CHECK_INT(c.softdeps[0].npre, 1);
	CHECK_STR(c.softdeps[0].pre[0], "ehci-hcd");
	CHECK_INT(c.softdeps[0].npost, 2);
	CHECK_STR(c.softdeps[0].post[1], "bar");
	CHECK_INT(c.nweakdeps, 1);
	/* bad lines: leading-space comment, unknown keyword, options without
	 * value, alias without module */
	CHECK_INT(quiet.warnings, 4);
	im_config_free(&c);
}

TEST(config_options_keep_spacing_like_kmod)
{
	struct im_config c;

	parse(&c, "options e1000e  x=1\n");
	CHECK_INT(c.noptions, 1);
	CHECK_STR(c.options[0].name, "e1000e");
	CHECK_STR(c.options[0].value, " x=1");
	im_config_free(&c);
}

TEST(config_backslash_joins_lines)
{
	struct im_config c;

	parse(&c, "options foo a=1 \\\n  b=2\nblacklist b\\ar\n");
	CHECK_INT(c.noptions, 1);
	CHECK_STR(c.options[0].value, "a=1   b=2");
	CHECK_STR(c.blacklist.v[0], "bar");
	im_config_free(&c);
}

TEST(config_softdep_tokens_like_kmod)
{
	struct im_config c;

	/* tokens before a mode are ignored; modes may repeat */
	parse(&c, "softdep a x pre: b post: c pre: d\n"
		  "softdep e  pre: f\n");
	CHECK_INT(c.nsoftdeps, 2);
	CHECK_INT(c.softdeps[0].npre, 2);
	CHECK_STR(c.softdeps[0].pre[1], "d");
	CHECK_INT(c.softdeps[0].npost, 1);
	/* kmod glues leading blanks to the first token: no "pre:" seen */
	CHECK_INT(c.softdeps[1].npre, 0);
	im_config_free(&c);
}

TEST(config_unbalanced_bracket_is_bad_line)
{
	struct im_config c;

	parse(&c, "alias foo[ bar\nblacklist x]y\n");
	CHECK_INT(c.naliases, 0);
	CHECK_INT(c.blacklist.n, 0);
	CHECK_INT(quiet.warnings, 2);
	im_config_free(&c);
}

TEST(config_directory_order_and_override)
{
	const char *a = t_tmpdir();
	char *da = strdup(a);
	const char *b = t_tmpdir();
	char *db = strdup(b);
	char *f;
	const char *paths[] = { da, db, NULL };
	struct im_config c;

	free(t_write(da, "20-x.conf", "options m from_a_20\n", -1));
	free(t_write(db, "20-x.conf", "options m from_b_20\n", -1));
	free(t_write(db, "10-y.conf", "options m from_b_10\n", -1));
	free(t_write(da, "30-z.alias", "options m from_a_30\n", -1));
	free(t_write(da, ".hidden.conf", "options m hidden\n", -1));
	free(t_write(da, "notes.txt", "options m txt\n", -1));
	f = t_write(db, "modules.softdep", "softdep m pre: n\n", -1);
	im_config_init(&c);
	CHECK_INT(im_config_load(&c, paths, db, "m.p=1 x", &quiet), 0);
	CHECK_INT(c.noptions, 4);
	CHECK_STR(c.options[0].value, "from_b_10");
	CHECK_STR(c.options[1].value, "from_a_20");
	CHECK_STR(c.options[2].value, "from_a_30");
	CHECK_STR(c.options[3].value, "p=1");	/* command line last */
	CHECK_INT(c.nsoftdeps, 1);
	CHECK_INT(im_config_softdep_for(&c, "m"), 0);
	CHECK_INT(im_config_softdep_for(&c, "n"), -1);
	im_config_free(&c);
	free(f);
	free(da);
	free(db);
}

TEST(config_softdep_first_match_mixes_plain_and_patterns)
{
	struct im_config c;

	parse(&c, "softdep snd_* pre: a\nsoftdep snd_hda pre: b\nsoftdep x pre: c\nsoftdep x pre: d\n");
	CHECK_INT(im_config_softdep_for(&c, "snd_hda"), 0);
	CHECK_INT(im_config_softdep_for(&c, "x"), 2);
	CHECK_INT(im_config_softdep_for(&c, "y"), -1);
	im_config_free(&c);
}

/* A path may be one file (any name); a directory only gives *.conf and
 * *.alias, no dotfiles, no subdirectories (said); missing paths are fine. */
TEST(config_paths_files_dirs_and_masking)
{
	char *da = strdup(t_tmpdir());
	char *db = strdup(t_tmpdir());
	char sub[300], missing[300];
	char *single = t_write(db, "10-a.conf", "options m masked\n", -1);
	char *other = t_write(db, "15-plain.txt", "options m single\n", -1);
	const char *paths[] = { missing, da, single, other, db, NULL };
	struct im_config c;

	snprintf(missing, sizeof(missing), "%s/nope", da);
	snprintf(sub, sizeof(sub), "%s/sub.conf", da);
	mkdir(sub, 0755);
	free(t_write(sub, "in-sub.conf", "options m in_sub\n", -1));
	free(t_write(da, "10-a.conf", "options m a10\n", -1));
	free(t_write(da, "20-b.alias", "options m b20\n", -1));
	free(t_write(da, "conf", "options m noext\n", -1));
	free(t_write(da, "x.conf~", "options m backup\n", -1));
	free(t_write(db, "30-c.conf", "options m c30\n", -1));
	free(t_write(db, ".30-d.conf", "options m hidden\n", -1));
	im_config_init(&c);
	quiet.warnings = quiet.errors = 0;
	CHECK_INT(im_config_load(&c, paths, NULL, NULL, &quiet), 0);
	CHECK_INT(c.noptions, 4);
	CHECK_STR(c.options[0].value, "a10");	/* da's, not the single file */
	CHECK_STR(c.options[1].value, "single");
	CHECK_STR(c.options[2].value, "b20");
	CHECK_STR(c.options[3].value, "c30");
	CHECK_INT(quiet.warnings, 1);		/* sub.conf is a directory */
	CHECK_INT(quiet.errors, 0);
	im_config_free(&c);
	free(single);
	free(other);
	free(da);
	free(db);
}

/* what the reader hands over: "LINENO:LINE|" per line */
static int collect(void *ctx, char *line, size_t len, const char *file,
		   unsigned lineno, struct msgs *m)
{
	char *out = ctx;

	snprintf(out + strlen(out), 256 - strlen(out), "%u:%.*s|", lineno,
		 (int)len, line);
	return 0;
}

/* one reader, three kinds: kmod's joining or systemd's trimming, and an
 * unreadable file skipped in silence, warned about, or an error */
TEST(conffile_joining_trimming_and_unreadable_policies)
{
	static const struct { unsigned flags; const char *comments, *want;
			      unsigned warnings, errors; } kinds[] = {
		{ IM_CONF_JOIN, "#", "2:x y|3:  z \r|5:;w|", 0, 0 },
		{ IM_CONF_JOIN | IM_CONF_UNREADABLE_ERROR, "#", "2:x y|3:  z \r|5:;w|", 0, 1 },
		{ IM_CONF_TRIM | IM_CONF_UNREADABLE_WARN, "#;", "1:x\\|2:y|3:z|", 1, 0 },
	};
	const char *dir = t_tmpdir();
	struct im_conf_list l = { 0 };
	char path[512], got[256];
	size_t i;

	free(t_write(dir, "a.conf", "x\\\n y\n  z \r\n# c\n;w", -1));
	snprintf(path, sizeof(path), "%s/b.conf", dir);
	CHECK(symlink("nowhere", path) == 0);
	CHECK_INT(im_conf_add(&l, dir, "a.conf"), 0);
	CHECK_INT(im_conf_add(&l, dir, "b.conf"), 0);
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		struct im_conf_rules r = { NULL, kinds[i].flags, kinds[i].comments, collect };
		struct msgs m = { .verbose = -1 };

		got[0] = '\0';
		CHECK_INT(im_conf_read(&l, &r, got, &m), 0);
		CHECK_STR(got, kinds[i].want);
		CHECK_INT(m.warnings, kinds[i].warnings);
		CHECK_INT(m.errors, kinds[i].errors);
	}
	im_conf_list_free(&l);
}
