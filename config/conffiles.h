/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * conffiles.h - the one reader of configuration files (modprobe.d,
 * modules-load.d, depmod.d). Directories are merged the way kmod and
 * systemd merge them: one list of files sorted by basename, the first
 * directory to hold a basename winning it. Each file is read whole, one
 * that cannot be read is handled as its kind says, its text is cut into
 * lines, blank and comment lines are dropped and every other line goes to
 * the kind's parser. A kind of file is one struct im_conf_rules, kept by
 * its parser (modprobe_d.c, modules_load.c, depmod/depmod_d.c).
 */
#ifndef INITMOD_CONFFILES_H
#define INITMOD_CONFFILES_H

#include <stddef.h>

#include "../base/util.h"

struct im_conf_file {
	char *name;	/* sort key: basename */
	char *path;	/* full path to open */
};

struct im_conf_list {
	struct im_conf_file *v;	/* sorted by name, names unique */
	size_t n, cap;
};

enum {
	/* finding the files */
	IM_CONF_PATH_FILE = 1,	/* a path may be a single file (any name) */
	IM_CONF_WARN_UNREADABLE_DIR = 2, /* say so when a directory cannot be read */
	IM_CONF_NO_SUBDIRS = 4,	/* skip, and say so, directories inside */
	/*
	 * A file that cannot be opened (or read at all): with neither flag it
	 * is skipped in silence (kmod's modprobe); a warning "cannot read
	 * PATH: REASON" (systemd-modules-load); an error "file parse PATH:
	 * REASON" (kmod's depmod). Out of memory always ends the reading.
	 */
	IM_CONF_UNREADABLE_WARN = 8,
	IM_CONF_UNREADABLE_ERROR = 16,
	/*
	 * A read that fails part way: what was read is parsed, and this says
	 * "PATH: REASON" first (kmod's modprobe); without it, as at the end.
	 */
	IM_CONF_SHORT_READ_WARN = 32,
	/*
	 * Lines as kmod's freadline_wrapped() cuts them: a backslash before a
	 * newline joins the next line, before anything else it stands for
	 * that character; a line's number is that of its last part.
	 */
	IM_CONF_JOIN = 64,
	/* Blanks (space, tab) around a line and a '\r' before its newline
	 * are no part of it (systemd). */
	IM_CONF_TRIM = 128,
};

/* kmod's way (modprobe.d, depmod.d): single files too, an unreadable
 * directory said, directories inside skipped and said, lines joined. */
#define IM_CONF_KMOD (IM_CONF_PATH_FILE | IM_CONF_WARN_UNREADABLE_DIR | \
		      IM_CONF_NO_SUBDIRS | IM_CONF_JOIN)

/* One kind of configuration file: where it is found, how it is read. */
struct im_conf_rules {
	const char *const *suffixes;	/* names must end in one; NULL ends */
	unsigned flags;			/* IM_CONF_* */
	const char *comments;		/* a line starting with one is a comment */
	/*
	 * One line: @len bytes at @line (which may hold a NUL of the file's
	 * own), NUL-terminated, the parser's to cut up; @lineno counts from 1.
	 * 0, or -errno to stop (-ENOMEM).
	 */
	int (*line)(void *ctx, char *line, size_t len, const char *file,
		    unsigned lineno, struct msgs *m);
};

/*
 * Add @dir/@name (@dir NULL: @name is a path, its basename the key) unless
 * a file of that basename is listed already. 0 or -ENOMEM.
 */
int im_conf_add(struct im_conf_list *l, const char *dir, const char *name);

/*
 * Add the wanted files of directory @path (dotfiles never) under @rules;
 * a missing path adds nothing. 0 or -ENOMEM.
 */
int im_conf_scan(struct im_conf_list *l, const char *path,
		 const struct im_conf_rules *rules, struct msgs *m);

void im_conf_list_free(struct im_conf_list *l);

/* Cut @len bytes of @buf (the text of @file) into lines for @r's parser. */
int im_conf_parse(const struct im_conf_rules *r, const char *buf, size_t len,
		  const char *file, void *ctx, struct msgs *m);

/* Read and parse every file of @l in turn. 0, or the first -errno. */
int im_conf_read(const struct im_conf_list *l, const struct im_conf_rules *r,
		 void *ctx, struct msgs *m);

/*
 * The whole reading: each of @paths (NULL: none; each put after @root
 * when @root is not NULL) scanned into @l, after the files @l holds
 * already, then every file read and parsed. @l is freed. 0 or -ENOMEM.
 */
int im_conf_load(struct im_conf_list *l, const char *root,
		 const char *const *paths, const struct im_conf_rules *r,
		 void *ctx, struct msgs *m);

#endif
