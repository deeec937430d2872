/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* fastcopy.h - memcpy fast on small copies: the musl build's memcpy (fastcopy.c). */
#ifndef INITMOD_FASTCOPY_H
#define INITMOD_FASTCOPY_H

#include <stddef.h>

void *im_memcpy(void *restrict dst, const void *restrict src, size_t n);

#endif
