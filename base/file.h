/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* file.h - the one whole-file reader: a file into a NUL-terminated buffer. */
#ifndef INITMOD_FILE_H
#define INITMOD_FILE_H

#include <stddef.h>
#include <stdint.h>

#define IM_READ_ALL SIZE_MAX	/* @max for "no cap" */

/*
 * Read @path from its start to its end, at most @max bytes (the rest is
 * left unread), into a malloc'd buffer *@buf of *@len bytes followed by a
 * NUL (the file may hold NULs of its own). Returns 0, or -errno with:
 *  - *@buf NULL: @path could not be opened, or memory ran out (-ENOMEM);
 *  - *@buf set: a read failed part way; *@buf holds the *@len bytes read
 *    before it, for callers that go on with what they have.
 * The caller frees *@buf whenever it is set.
 */
int im_read_file(const char *path, size_t max, char **buf, size_t *len);
/* The same from an open @fd, from its current offset to its end. */
int im_read_fd(int fd, size_t max, char **buf, size_t *len);
/*
 * im_read_file() for a path in a tree that may hold anything (a --sysfs
 * directory, where every attribute is a regular file): never blocks on a
 * FIFO, never follows a symlink. -EINVAL (*@buf NULL) when @path is not a
 * regular file (a FIFO, socket, device or directory), -ELOOP when it is a
 * symlink; else as im_read_file().
 */
int im_read_regular(const char *path, size_t max, char **buf, size_t *len);

#endif
