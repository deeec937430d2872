/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* engine_setup.h - a graph of test modules backed by files, a fake kernel that knows them, and an engine run over both. */
#ifndef INITMOD_ENGINE_SETUP_H
#define INITMOD_ENGINE_SETUP_H

#include "fake_kernel.h"
#include "../../depgraph/graph.h"
#include "../../loader/engine.h"

struct setup {
	struct im_graph g;
	struct fake_kernel f;
	const char *dir;
	struct msgs m;
};

void su_init(struct setup *s);
void su_free(struct setup *s);
/* A node backed by a file DIR/NAME.ko holding the name (what the fake's init_module reads). */
size_t node(struct setup *s, const char *name, int delay_us);
/* @to depends on @from (hard), and the fake kernel checks it */
void dep(struct setup *s, size_t from, size_t to);
/* im_engine_new (the graph stays s->g's) + im_engine_run with @threads CPU
 * slots and a deadline; *@e for the caller to im_engine_put(). */
int run(struct setup *s, struct im_engine **e, int threads, double timeout);

#include "../../config/plan.h"

/* The Debian tree ROOT/lib/modules/KVER (t_real_tree() names it), every
 * module resolved three times (name, dashed name, first plain alias) into
 * s->g, and the fake kernel told each module's hard dependencies. 0, or
 * -1; real_tree_close() either way. */
struct real_tree {
	struct im_moddb db;
	struct im_config cfg;
	struct im_resolver r;
	size_t requests;
};
int real_tree_open(struct real_tree *rt, struct setup *s, const char *root,
		   const char *kver);
void real_tree_close(struct real_tree *rt);

#endif
