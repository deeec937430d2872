/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_modules_load.c - modules-load.d parsing and precedence; the PID-1 module groups. */
#include <stdlib.h>
#include <sys/stat.h>

#include "test.h"
#include "../../config/modules_load.h"
#include "../../loader/init.h"

static struct msgs quiet = { .verbose = -1 };

TEST(modules_load_parse_lines)
{
	struct im_strlist l = { 0 };
	const char *txt = "# comment\n; also a comment\n\n  e1000e  \nsnd-hda-intel\r\n"
			  "e1000e\ntwo words\npci:v*d*\nlast-no-newline";

	quiet.warnings = 0;
	CHECK_INT(im_modules_load_parse(txt, strlen(txt), "x.conf", &l, &quiet), 0);
	CHECK_INT(l.n, 4);
	CHECK_STR(l.v[0], "e1000e");
	CHECK_STR(l.v[1], "snd-hda-intel");
	CHECK_STR(l.v[2], "pci:v*d*");
	CHECK_STR(l.v[3], "last-no-newline");
	CHECK_INT(quiet.warnings, 1);
	im_strlist_free(&l);
}

TEST(modules_load_dirs_precedence_and_order)
{
	const char *root = t_tmpdir();
	char d1[300], d2[300];
	const char *dirs[] = { "/etc/m", "/usr/lib/m", NULL };
	struct im_strlist l = { 0 };

	snprintf(d1, sizeof(d1), "%s/etc", root);
	mkdir(d1, 0755);
	snprintf(d1, sizeof(d1), "%s/etc/m", root);
	mkdir(d1, 0755);
	snprintf(d2, sizeof(d2), "%s/usr", root);
	mkdir(d2, 0755);
	snprintf(d2, sizeof(d2), "%s/usr/lib", root);
	mkdir(d2, 0755);
	snprintf(d2, sizeof(d2), "%s/usr/lib/m", root);
	mkdir(d2, 0755);
	free(t_write(d1, "20-net.conf", "from_etc\n", -1));
	free(t_write(d2, "20-net.conf", "masked\n", -1));
	free(t_write(d2, "10-first.conf", "first\n", -1));
	free(t_write(d2, "30-last.conf", "last\n", -1));
	free(t_write(d2, "40-not.txt", "nope\n", -1));
	CHECK_INT(im_modules_load_read(root, dirs, &l, &quiet), 0);
	CHECK_INT(l.n, 3);
	CHECK_STR(l.v[0], "first");
	CHECK_STR(l.v[1], "from_etc");
	CHECK_STR(l.v[2], "last");
	im_strlist_free(&l);
}

/* No modules-load.d file anywhere: missing dirs, empty dirs, no *.conf. */
TEST(modules_load_no_files)
{
	const char *root = t_tmpdir();
	char d[300];
	const char *none[] = { "/nope", "/etc/nope", NULL };
	const char *empty[] = { "/empty", "/nope", NULL };
	const char *nodirs[] = { NULL };
	struct im_strlist l = { 0 };

	quiet.warnings = quiet.errors = 0;
	CHECK_INT(im_modules_load_read(root, none, &l, &quiet), 0);
	CHECK_INT(l.n, 0);
	snprintf(d, sizeof(d), "%s/empty", root);
	mkdir(d, 0755);
	CHECK_INT(im_modules_load_read(root, empty, &l, &quiet), 0);
	CHECK_INT(l.n, 0);
	free(t_write(d, "notes.txt", "x\n", -1));
	free(t_write(d, ".hidden.conf", "y\n", -1));
	CHECK_INT(im_modules_load_read(root, empty, &l, &quiet), 0);
	CHECK_INT(im_modules_load_read(NULL, nodirs, &l, &quiet), 0);
	CHECK_INT(l.n, 0);
	CHECK_INT(quiet.warnings + quiet.errors, 0);
	im_strlist_free(&l);
}

/* Only *.conf, no dotfiles; a basename in three directories is read once,
 * from the first directory that has it (missing directories skipped). */
TEST(modules_load_first_directory_wins_a_basename)
{
	const char *root = t_tmpdir();
	const char *dirs[] = { "/a", "/missing", "/b", "/c", NULL };
	struct im_strlist l = { 0 };
	char d[300];
	int i;

	for (i = 0; i < 3; i++) {
		snprintf(d, sizeof(d), "%s/%c", root, 'a' + i);
		mkdir(d, 0755);
	}
	snprintf(d, sizeof(d), "%s/a", root);
	free(t_write(d, "50-x.conf", "from_a\n", -1));
	free(t_write(d, "60-y.alias", "not_conf\n", -1));
	free(t_write(d, ".70-z.conf", "hidden\n", -1));
	snprintf(d, sizeof(d), "%s/b", root);
	free(t_write(d, "50-x.conf", "from_b\n", -1));
	free(t_write(d, "05-w.conf", "w_from_b\n", -1));
	snprintf(d, sizeof(d), "%s/b/80-dir.conf", root);
	mkdir(d, 0755);
	snprintf(d, sizeof(d), "%s/c", root);
	free(t_write(d, "50-x.conf", "from_c\n", -1));
	free(t_write(d, "05-w.conf", "w_from_c\n", -1));
	free(t_write(d, "90-last.conf", "c_last\n", -1));
	quiet.warnings = quiet.errors = 0;
	CHECK_INT(im_modules_load_read(root, dirs, &l, &quiet), 0);
	CHECK_INT(l.n, 3);
	CHECK_STR(l.v[0], "w_from_b");
	CHECK_STR(l.v[1], "from_a");
	CHECK_STR(l.v[2], "c_last");
	CHECK_INT(quiet.warnings + quiet.errors, 0);
	im_strlist_free(&l);
}
