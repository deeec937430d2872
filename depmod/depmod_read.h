/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* depmod_read.h - every module file read in parallel (decompressed, its ELF
 * records taken), or its records taken from the cache. */
#ifndef INITMOD_DEPMOD_READ_H
#define INITMOD_DEPMOD_READ_H

#include "depmod_int.h"

/* Read every module of @d's order; its records, or its error, in each. */
int dm_read_all(struct dm *d);
void dm_cache_close(struct dm *d);
/* Write the cache of this run's records (a failure is no error). */
int dm_cache_save(struct dm *d);

#endif
