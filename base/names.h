/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* names.h - module name and alias normalisation, exactly as kmod does it. */
#ifndef INITMOD_NAMES_H
#define INITMOD_NAMES_H

#include <stddef.h>

#define IM_NAME_MAX 4096

/* '-' -> '_', stop at the first '.'; returns length written (buf >= IM_NAME_MAX). */
size_t modname_normalize(const char *in, char *buf);
/* '-' -> '_' outside [...]; -1 on an unbalanced bracket or an overlong alias. */
int alias_normalize(const char *in, char *buf, size_t *len);
/* In place: '-' -> '_' outside [...]; -1 on an unbalanced bracket or NULL. */
int underscores(char *s);
/*
 * scanf's %u: blanks, a sign, digits (strtoul's rules); 1 and *@v, *@end
 * after it, or 0 when no digit. (depmod, without scanf in the binary.)
 */
int scan_u(const char *s, char **end, unsigned *v);
/* Module name from a path: basename, then modname_normalize. -1 when empty. */
int path_to_modname(const char *path, char *buf);

#endif
