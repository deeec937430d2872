/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* kernel_linux.h - the running kernel behind the table of kernel.h (kernel_linux.c). */
#ifndef INITMOD_KERNEL_LINUX_H
#define INITMOD_KERNEL_LINUX_H

#include "kernel.h"

/* The running kernel. @sysfs: "/sys" normally. */
void im_kernel_linux(struct im_kernel *k, const char *sysfs);

#endif
