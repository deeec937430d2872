/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_cmdline.c - kernel command line: kmod's option grammar, initmod's
 * lists, and the file read whole (past kmod's 4095 bytes, from /proc and
 * pipes, cut only between words past 1 MiB).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
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
	parse(&c, big);		/* whole (kmod cuts at 4095 bytes) */
	CHECK_INT(c.noptions, 1);
	CHECK_INT(strlen(c.options[0].value), sizeof(big) - 1 - 2);
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

/*
 * @total bytes of filler words ("fffffff "), with @word starting at @at
 * (0: none) and @tail ending the line, each between blanks.
 */
static char *long_line(size_t total, const char *word, size_t at,
		       const char *tail)
{
	char *s = malloc(total + 1);
	size_t i, wl = word ? strlen(word) : 0, tl = strlen(tail);

	for (i = 0; i < total; i++)
		s[i] = i % 8 == 7 ? ' ' : 'f';
	if (word) {
		s[at - 1] = ' ';
		memcpy(s + at, word, wl);
		s[at + wl] = ' ';
	}
	s[total - tl - 1] = ' ';
	memcpy(s + total - tl, tail, tl);
	s[total] = '\0';
	return s;
}

/* @line written to a file and read back by im_cmdline_read(), parsed. */
static char *read_back(struct im_config *c, const char *line, size_t len)
{
	char *p = t_write(t_tmpdir(), "cmdline", line, (long)len), *s;

	quiet.warnings = 0;
	s = im_cmdline_read(p, &quiet);
	free(p);
	im_config_init(c);
	if (s)
		im_cmdline_parse(c, s, &quiet);
	return s;
}

/* The old reader kept 4095 bytes: "e1000e" at the end of 5000 was lost. */
TEST(cmdline_file_past_4095_bytes_read_whole)
{
	struct im_config c;
	char *line = long_line(5000, NULL, 0, "modules_load=a,b,e1000e\n"), *s;

	s = read_back(&c, line, 5000);
	CHECK(s != NULL);
	CHECK_INT(strlen(s), 5000);
	CHECK_INT(quiet.warnings, 0);
	CHECK_INT(c.modules_load.n, 3);
	CHECK_STR(c.modules_load.v[2], "e1000e");
	im_config_free(&c);
	free(s);
	free(line);
}

/* A word across byte 4095, where the old reader cut: read and kept whole. */
static void straddle(struct t *t, const char *word, size_t cut_after,
		     struct im_config *c)
{
	char *line = long_line(4200, word, 4095 - cut_after, "quiet\n"), *s;

	s = read_back(c, line, 4200);
	CHECK(s && strstr(s, word));
	free(s);
	free(line);
}

TEST(cmdline_file_word_across_4095_stays_whole)
{
	struct im_config c;

	straddle(t, "modules_load=x,e1000e", strlen("modules_load=x,e1000"), &c);
	CHECK_INT(c.modules_load.n, 2);
	CHECK_STR(c.modules_load.v[1], "e1000e");
	im_config_free(&c);
	straddle(t, "initmod.timeout=1000", strlen("initmod.timeout=10"), &c);
	CHECK_INT(c.timeout_s, 1000);
	im_config_free(&c);
	straddle(t, "e1000e.debug=12345", strlen("e1000e.deb"), &c);
	CHECK_INT(c.noptions, 1);
	CHECK_STR(c.options[0].value, "debug=12345");
	im_config_free(&c);
}

/* Past 1 MiB: said, and cut at the last whole word, never inside one. */
TEST(cmdline_file_past_1mib_cut_between_words)
{
	const size_t max = IM_CMDLINE_FILE_MAX;
	const char *w = "modules_load=y,e1000e";
	struct im_config c;
	char *line, *s;

	/* the limit falls inside the word: the word is left out whole */
	line = long_line(max + 100, w, max - strlen("modules_load=y,e1000"), "quiet\n");
	memcpy(line + 1000, "modules_load=z ", 15);
	s = read_back(&c, line, max + 100);
	CHECK(s != NULL);
	CHECK_INT(quiet.warnings, 1);
	CHECK(strlen(s) < max - strlen("modules_load=y,e1000"));
	CHECK_INT(c.modules_load.n, 1);
	CHECK_STR(c.modules_load.v[0], "z");
	im_config_free(&c);
	free(s);
	free(line);
	/* the word ends at the limit, a blank after it: kept */
	line = long_line(max + 100, w, max - strlen(w), "quiet\n");
	s = read_back(&c, line, max + 100);
	CHECK(s != NULL);
	CHECK_INT(quiet.warnings, 1);
	CHECK_INT(strlen(s), max);
	CHECK_INT(c.modules_load.n, 2);
	CHECK_STR(c.modules_load.v[1], "e1000e");
	im_config_free(&c);
	free(s);
	free(line);
}

/* A word longer than 4095 bytes (a long modules_load= list): whole. */
TEST(cmdline_word_longer_than_4095_stays_whole)
{
	struct im_config c;
	char *line = malloc(16 * 1000 + 32);
	size_t n = (size_t)sprintf(line, "modules_load=");
	int i;

	for (i = 0; i < 1000; i++)
		n += (size_t)sprintf(line + n, "mod%04d,", i);
	sprintf(line + n, "last initmod.timeout=7");
	parse(&c, line);
	CHECK_INT(c.modules_load.n, 1001);
	CHECK_STR(c.modules_load.v[999], "mod0999");
	CHECK_STR(c.modules_load.v[1000], "last");
	CHECK_INT(c.timeout_s, 7);
	im_config_free(&c);
	{
		double tmo = -1;

		CHECK_INT(im_cmdline_timeout(line, &tmo, &quiet), 1);
		CHECK_INT(tmo, 7);
	}
	free(line);
}

/* /proc/cmdline (size 0 in stat) and a pipe (short reads): read whole. */
TEST(cmdline_read_proc_and_pipe)
{
	char buf[8192], *s, *line, path[64];
	int fd = open("/proc/cmdline", O_RDONLY), p[2], st;
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	pid_t pid;

	if (fd >= 0)
		close(fd);
	if (n >= 0) {
		buf[n] = '\0';
		s = im_cmdline_read("/proc/cmdline", &quiet);
		CHECK_STR(s, buf);
		free(s);
	}
	line = long_line(9000, "modules_load=e1000e", 4090, "quiet\n");
	CHECK(pipe(p) == 0);
	pid = fork();
	if (pid == 0) {
		size_t off;

		close(p[0]);
		for (off = 0; off < 9000; off += 1000)	/* small writes */
			if (write(p[1], line + off, 1000) != 1000)
				_exit(1);
		_exit(0);
	}
	close(p[1]);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", p[0]);
	s = im_cmdline_read(path, &quiet);
	close(p[0]);
	waitpid(pid, &st, 0);
	CHECK(s != NULL);
	CHECK_INT(strlen(s), 9000);
	CHECK(strcmp(s, line) == 0);
	free(s);
	free(line);
}

/*
 * An image's /etc/cmdline.d (dracut's getcmdline): its *.conf files in
 * name order, comment lines dropped, before the kernel's words, so the
 * boot loader's root= wins and the lists add up; none: the kernel's line
 * as it was.
 */
TEST(cmdline_image_words_come_first)
{
	char dir[300], *s, *k;
	struct im_config c;

	snprintf(dir, sizeof(dir), "%s/cmdline.d", t_tmpdir());
	mkdir(dir, 0755);
	k = strdup("root=/dev/vda rd.driver.pre=b");
	s = im_cmdline_with_dir(k, dir, &quiet);
	CHECK(s == k);
	free(t_write(dir, "20-b.conf", "# a comment\n  rd.driver.pre=a  \n", -1));
	free(t_write(dir, "10-a.conf", "root=/dev/sda initmod.rootfs=ext4\n", -1));
	free(t_write(dir, "30-c.txt", "rd.driver.pre=ignored\n", -1));
	s = im_cmdline_with_dir(s, dir, &quiet);
	CHECK_STR(s, "root=/dev/sda initmod.rootfs=ext4 rd.driver.pre=a root=/dev/vda rd.driver.pre=b");
	parse(&c, s);
	CHECK_INT(c.driver_pre.n, 2);
	CHECK_STR(c.driver_pre.v[0], "a");
	im_config_free(&c);
	free(s);
	s = im_cmdline_with_dir(NULL, dir, &quiet);	/* no /proc/cmdline */
	CHECK_STR(s, "root=/dev/sda initmod.rootfs=ext4 rd.driver.pre=a ");
	free(s);
}
