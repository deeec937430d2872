/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * plan.c - names to the plan graph (see plan.h): the resolver records into
 * the graph only while im_plan_build() runs, then the groups are ordered
 * with ordering-only edges (a failure in one group skips nothing in the
 * next, as rd.driver.pre= failing does not stop the boot).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "modules_load.h"
#include "plan.h"

/* Every node in [a0, a1) must finish before any node in [b0, b1) starts. */
static int order_groups(struct im_graph *g, size_t a0, size_t a1, size_t b0,
			size_t b1)
{
	size_t a, b;

	for (a = a0; a < a1; a++)
		for (b = b0; b < b1; b++)
			if (im_graph_edge(g, a, b, IM_EDGE_PRE) < 0)
				return -ENOMEM;
	return 0;
}

/* One group into r->graph: the names not found, or -errno. */
static int resolve_group(struct im_resolver *r, const struct im_plan_group *grp)
{
	struct im_steps steps = { 0 };
	int missing = 0, found = 0;
	size_t i;

	for (i = 0; i < grp->n && found >= 0; i++) {
		const struct im_request *q = &grp->req[i];

		found = grp->from_argv ? im_resolve_arg(r, q->name, q->extra, &steps) :
			im_resolve_name(r, q->name, q->extra, &steps);
		missing += found == 0;
		im_steps_clear(&steps);
	}
	im_steps_free(&steps);
	return found < 0 ? found : missing;
}

int im_plan_build(struct im_resolver *r, const struct im_plan_group *groups,
		  size_t ngroups, struct im_graph *g)
{
	size_t k;
	int missing = 0, err = 0;

	r->graph = g;
	for (k = 0; k < ngroups && err >= 0; k++) {
		size_t before = g->n;

		err = resolve_group(r, &groups[k]);
		if (err > 0)
			missing += err;
		/* what this group added waits for everything before it */
		if (err >= 0 && order_groups(g, 0, before, before, g->n) < 0)
			err = -ENOMEM;
	}
	r->graph = NULL;
	return err < 0 ? err : missing;
}

/* A list's names as requests (no options of their own). */
static struct im_request *requests(const struct im_strlist *l)
{
	struct im_request *q = calloc(l->n ? l->n : 1, sizeof(*q));
	size_t i;

	for (i = 0; q && i < l->n; i++)
		q[i].name = l->v[i];
	return q;
}

int im_plan_boot(struct im_resolver *r, const char *root,
		 const struct im_request *extra, size_t nextra,
		 struct im_graph *g)
{
	struct im_config *cfg = r->cfg;
	struct im_strlist main_list = { 0 };
	struct im_request *pre = NULL, *mid = NULL, *post = NULL;
	size_t i;
	int err = 0;

	for (i = 0; i < cfg->modules_load.n && !err; i++)
		err = im_strlist_add(&main_list, cfg->modules_load.v[i],
				     strlen(cfg->modules_load.v[i]));
	if (!err)
		err = im_modules_load_read(root, im_modules_load_dirs, &main_list, r->m);
	for (i = 0; i < nextra && !err; i++)
		err = im_strlist_add(&main_list, extra[i].name, strlen(extra[i].name));
	if (!err) {
		pre = requests(&cfg->driver_pre);
		mid = requests(&main_list);
		post = requests(&cfg->driver_post);
		err = pre && mid && post ? 0 : -ENOMEM;
	}
	if (!err) {
		const struct im_plan_group groups[] = {
			{ pre, cfg->driver_pre.n, 0 },
			{ mid, main_list.n, 0 },
			{ post, cfg->driver_post.n, 0 },
		};

		err = im_plan_build(r, groups, 3, g);
	}
	free(pre);
	free(mid);
	free(post);
	im_strlist_free(&main_list);
	return err;
}
