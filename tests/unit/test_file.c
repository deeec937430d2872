/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_file.c - the whole-file reader: sizes, caps, errors, files without a size; the command line's 4095-byte cap through it. */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include "test.h"
#include "../../config/cmdline.h"
#include "../../base/file.h"

static struct msgs quiet = { .verbose = -1 };

TEST(read_file_whole_capped_and_empty)
{
	const char *dir = t_tmpdir();
	static char big[10000];
	char *p, *buf;
	size_t len;

	memset(big, 'x', sizeof(big));
	big[5] = '\0';		/* the file's own NULs are kept */
	p = t_write(dir, "big", big, sizeof(big));
	CHECK_INT(im_read_file(p, IM_READ_ALL, &buf, &len), 0);
	CHECK_INT(len, sizeof(big));
	CHECK(memcmp(buf, big, len) == 0 && buf[len] == '\0');
	free(buf);
	CHECK_INT(im_read_file(p, 4095, &buf, &len), 0);
	CHECK_INT(len, 4095);
	CHECK(buf[len] == '\0');
	free(buf);
	CHECK_INT(im_read_file(p, 0, &buf, &len), 0);
	CHECK_INT(len, 0);
	free(buf);
	free(p);
	p = t_write(dir, "empty", "", 0);
	CHECK_INT(im_read_file(p, IM_READ_ALL, &buf, &len), 0);
	CHECK(buf != NULL);
	CHECK_INT(len, 0);
	CHECK_STR(buf, "");
	free(buf);
	free(p);
}

TEST(read_file_errors)
{
	const char *dir = t_tmpdir();
	char path[300], *buf;
	size_t len;

	snprintf(path, sizeof(path), "%s/missing", dir);
	CHECK_INT(im_read_file(path, IM_READ_ALL, &buf, &len), -ENOENT);
	CHECK(buf == NULL);
	/* opens, then read fails: what was read (nothing) is handed over */
	CHECK_INT(im_read_file(dir, IM_READ_ALL, &buf, &len), -EISDIR);
	CHECK(buf != NULL);
	CHECK_INT(len, 0);
	free(buf);
}

/* A FIFO has no size to start from: the buffer grows as data comes. */
TEST(read_file_without_a_size)
{
	const char *dir = t_tmpdir();
	char path[300], *buf;
	static char data[70000];
	size_t len, i;
	pid_t pid;
	int st;

	for (i = 0; i < sizeof(data); i++)
		data[i] = 'a' + i % 26;
	snprintf(path, sizeof(path), "%s/fifo", dir);
	CHECK_INT(mkfifo(path, 0600), 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		int fd = open(path, O_WRONLY);

		_exit(fd < 0 || write(fd, data, sizeof(data)) != sizeof(data));
	}
	CHECK_INT(im_read_file(path, IM_READ_ALL, &buf, &len), 0);
	waitpid(pid, &st, 0);
	CHECK_INT(len, sizeof(data));
	CHECK(memcmp(buf, data, len) == 0 && buf[len] == '\0');
	free(buf);
}

TEST(cmdline_read_whole_past_4095_bytes)
{
	const char *dir = t_tmpdir();
	static char big[5000];
	char *p, *s;

	memset(big, 'a', sizeof(big));
	p = t_write(dir, "cmdline", big, sizeof(big));
	s = im_cmdline_read(p, &quiet);
	CHECK(s != NULL);
	CHECK_INT(strlen(s), sizeof(big));
	free(s);
	free(p);
	p = t_write(dir, "short", "quiet initmod.timeout=1.5\n", -1);
	s = im_cmdline_read(p, &quiet);
	CHECK_STR(s, "quiet initmod.timeout=1.5\n");
	free(s);
	free(p);
	quiet.warnings = 0;
	CHECK(im_cmdline_read("/nonexistent/cmdline", &quiet) == NULL);
	CHECK_INT(quiet.warnings, 1);
}
