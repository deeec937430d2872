/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* depmod_main.h - `initmod depmod ...` and argv[0] `depmod`. */
#ifndef INITMOD_DEPMOD_MAIN_H
#define INITMOD_DEPMOD_MAIN_H

/* 1: called as depmod; 2: as "initmod depmod ..."; 0: neither. */
int im_depmod_wanted(int argc, char **argv);
/* kmod's depmod command line; returns the exit status. */
int im_depmod_main(int argc, char **argv);

#endif
