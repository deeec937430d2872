/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * modules_load.h - systemd's modules-load.d: *.conf files in /etc, /run,
 * /usr/local/lib, /usr/lib and /lib (first directory wins a basename, files
 * read in basename order), one module name per line, '#' and ';' comments.
 */
#ifndef INITMOD_MODULES_LOAD_H
#define INITMOD_MODULES_LOAD_H

#include "../base/util.h"

extern const char *const im_modules_load_dirs[];

/* Append every name (normalised, once) to @out; @root prefixes the dirs. */
int im_modules_load_read(const char *root, const char *const *dirs,
			 struct im_strlist *out, struct msgs *m);
/* One file's contents. */
int im_modules_load_parse(const char *buf, size_t len, const char *file,
			  struct im_strlist *out, struct msgs *m);

#endif
