/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cmdline.h - the kernel command line: kmod's MODULE.PARAM=VALUE and
 * modprobe.blacklist= (parsed exactly as kmod does), and initmod's list
 * options modules_load=, rd.modules_load=, rd.driver.pre=, rd.driver.post=,
 * rd.driver.blacklist=, module_blacklist= and initmod.timeout=.
 */
#ifndef INITMOD_CMDLINE_H
#define INITMOD_CMDLINE_H

#include "modprobe_d.h"

#define IM_CMDLINE_MAX 4096	/* kmod reads at most 4095 bytes */
/* A command line file is read up to this (the kernel's is a few KiB). */
#define IM_CMDLINE_FILE_MAX (1 << 20)

/*
 * The next word of a command line from @s into @out (the kernel's quoting:
 * a double quote toggles, it is dropped); NULL when none is left, else where
 * the word ended.
 */
const char *im_cmdline_token(const char *s, char *out, size_t outsz);

/*
 * Read a command line file (e.g. /proc/cmdline, or --cmdline=FILE) into a
 * malloc'd string, whole, unlike kmod (4095 bytes). A file longer than
 * IM_CMDLINE_FILE_MAX, or one whose read fails part way, is said (naming
 * the file) and kept up to its last whole word: a word is never cut. A
 * NUL byte ends the line (said). NULL, said, when it cannot be opened.
 */
char *im_cmdline_read(const char *path, struct msgs *m);

/*
 * The image's own words before @kcmd (which is freed, or returned): the
 * *.conf files of @dir (an initramfs' /etc/cmdline.d, as dracut's
 * getcmdline reads them; comment lines start with '#'), sorted by name,
 * their lines joined with blanks. The kernel's words come last, so that a
 * key given in both is the boot loader's (a later root= wins; lists add
 * up). No such file: @kcmd as it is. Past IM_CMDLINE_FILE_MAX, or out of
 * memory, the image's words are left out, said.
 */
char *im_cmdline_with_dir(char *kcmd, const char *dir, struct msgs *m);

/* Add what @cmdline says to @c: options, blacklists and initmod's lists. */
int im_cmdline_parse(struct im_config *c, const char *cmdline, struct msgs *m);

/* kmod's part alone (options, modprobe.blacklist). */
int im_cmdline_parse_kmod(struct im_config *c, const char *cmdline,
			  struct msgs *m);
/* initmod's part alone (the list options). */
int im_cmdline_parse_lists(struct im_config *c, const char *cmdline,
			   struct msgs *m);

/*
 * initmod.timeout=SECONDS, how long the loader waits for modules before it
 * gives up: a decimal number of seconds, a fraction allowed ("1.5"), from 0
 * to IM_TIMEOUT_MAX; 0 means no deadline (wait for ever). The kernel's
 * quoting is honoured (initmod.timeout="30" is 30). A value that is
 * negative, not a plain decimal number (no sign, exponent, hex or blanks)
 * or above IM_TIMEOUT_MAX is ignored with a warning naming it. When the key
 * is given several times the last valid value wins. Returns 1 and sets
 * *@out when @cmdline (NULL: none) gives a valid value, else 0 leaving *@out
 * alone. The one parser: im_cmdline_parse() stores the same value in
 * struct im_config's timeout_s, and PID 1's guard (loader/init.c) asks it.
 */
#define IM_TIMEOUT_MAX 86400
int im_cmdline_timeout(const char *cmdline, double *out, struct msgs *m);

#endif
