/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* load.h - what a worker does for one job: install command, finit_module, or userspace decompression and init_module. */
#ifndef INITMOD_LOAD_H
#define INITMOD_LOAD_H

#include <stddef.h>

struct im_engine;

/* Run job @i without the engine lock; sets its state, err and why. */
void im_load_job(struct im_engine *e, size_t i);

#endif
