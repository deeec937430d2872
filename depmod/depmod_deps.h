/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* depmod_deps.h - symbols to dependencies, and their order, as kmod's
 * depmod resolves them. */
#ifndef INITMOD_DEPMOD_DEPS_H
#define INITMOD_DEPMOD_DEPS_H

#include "depmod_int.h"

/* The kernel's own symbols: -E Module.symvers or -F System.map. */
int dm_load_symfile(struct dm *d);
/* Every needed symbol to its owner; the dependency lists, ordered. */
int dm_resolve(struct dm *d);
/* @mod's dependencies, direct and indirect, in kmod's order (*@n). */
struct dm_mod **dm_all_deps(struct dm *d, struct dm_mod *mod, size_t *n);

#endif
