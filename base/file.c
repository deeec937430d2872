/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * file.c - the one whole-file reader (command line, modprobe.d,
 * modules-load.d, text indexes): one read(2) loop, sized from fstat when
 * the file says its size (/proc files do not), capped, EINTR retried; and
 * its variant for files under a tree anyone may have built (a --sysfs
 * directory), which opens nothing but a regular file and never blocks.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"

/* A first buffer size: the file's own for a regular file, else 4 KiB. */
static size_t first_cap(int fd, size_t max)
{
	struct stat st;
	size_t cap = 4096;

	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uintmax_t)st.st_size < SIZE_MAX / 2)
		cap = (size_t)st.st_size + 1;	/* +1: EOF seen without growing */
	return cap < max ? cap : max;
}

int im_read_fd(int fd, size_t max, char **buf, size_t *len)
{
	size_t cap = first_cap(fd, max), n = 0;
	char *b = malloc(cap + 1);
	int err = 0;

	*buf = NULL;
	*len = 0;
	if (!b)
		return -ENOMEM;
	while (n < max) {
		ssize_t r;

		if (n == cap) {
			size_t ncap = cap < max / 2 ? cap * 2 : max;
			char *nb = ncap < SIZE_MAX ? realloc(b, ncap + 1) : NULL;

			if (!nb) {
				free(b);
				return -ENOMEM;
			}
			b = nb;
			cap = ncap;
		}
		r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			err = -errno;
		if (r <= 0)
			break;
		n += r;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return err;
}

int im_read_file(const char *path, size_t max, char **buf, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err;

	*buf = NULL;
	*len = 0;
	if (fd < 0)
		return -errno;
	err = im_read_fd(fd, max, buf, len);
	close(fd);
	return err;
}

int im_read_regular(const char *path, size_t max, char **buf, size_t *len)
{
	/* O_NONBLOCK: a FIFO opens at once (then refused), never waits for
	 * a writer; a regular file ignores it */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC), err;
	struct stat st;

	*buf = NULL;
	*len = 0;
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		err = -errno;
	else if (!S_ISREG(st.st_mode))
		err = -EINVAL;
	else
		err = im_read_fd(fd, max, buf, len);
	close(fd);
	return err;
}
