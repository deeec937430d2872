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

		switch (q->kind) {
		case IM_REQ_MODALIAS:
			found = im_resolve_device(r, q->name, &steps);
			break;
		case IM_REQ_ARG:
			found = im_resolve_arg(r, q->name, q->extra, &steps);
			break;
		case IM_REQ_LISTED:
			found = im_resolve_listed(r, q->name, q->extra, &steps);
			break;
		default:
			found = im_resolve_name(r, q->name, q->extra, &steps);
			break;
		}
		missing += found == 0 && q->kind != IM_REQ_LISTED &&
			   (q->kind != IM_REQ_MODALIAS || grp->count_nodriver);
		im_steps_clear(&steps);
	}
	im_steps_free(&steps);
	return found < 0 ? found : missing;
}

int im_plan_build(struct im_resolver *r, const struct im_plan_group *groups,
		  size_t ngroups, struct im_graph *g)
{
	size_t k, i, start = g->n, stage = g->n;	/* nodes before the current stage */
	int missing = 0, err = 0;

	r->graph = g;
	for (k = 0; k < ngroups && err >= 0; k++) {
		size_t before = g->n;

		if (!groups[k].parallel)
			stage = before;
		err = resolve_group(r, &groups[k]);
		if (err > 0)
			missing += err;
		for (i = before; groups[k].first && i < g->n; i++)
			g->nodes[i].first |= groups[k].first;
		/* what this group added waits for the stages before it in
		 * this call, never for nodes of earlier calls: coldplug grows a
		 * running plan one device at a time, and its devices' drivers
		 * do not wait for each other (rd.driver.pre= is done by then) */
		if (err >= 0 && order_groups(g, start, stage, before, g->n) < 0)
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

/*
 * The caller's names keep the options given after them ("e1000 debug=16"
 * from /conf/modules): the list holds each name once, wherever it came
 * from, and a name's options go with it. A name only the caller gave
 * (from @base on) keeps its kind IM_REQ_LISTED: one that the command line
 * or modules-load.d also names must load.
 */
static void give_options(struct im_request *q, size_t n, size_t base,
			 const struct im_request *extra, size_t nextra)
{
	size_t i, k;

	for (k = 0; q && k < nextra; k++)
		for (i = 0; i < n; i++) {
			if (strcmp(q[i].name, extra[k].name))
				continue;
			if (extra[k].extra)
				q[i].extra = extra[k].extra;
			if (i >= base && extra[k].kind == IM_REQ_LISTED)
				q[i].kind = IM_REQ_LISTED;
		}
}

int im_boot_groups_init(struct im_boot_groups *b, struct im_resolver *r,
			const char *root, const struct im_request *extra,
			size_t nextra)
{
	struct im_config *cfg = r->cfg;
	size_t i, base = 0;
	int err = 0;

	memset(b, 0, sizeof(*b));
	for (i = 0; i < cfg->modules_load.n && !err; i++)
		err = im_strlist_add(&b->main_list, cfg->modules_load.v[i],
				     strlen(cfg->modules_load.v[i]));
	if (!err)
		err = im_modules_load_read(root, im_modules_load_dirs,
					   &b->main_list, r->m);
	base = b->main_list.n;
	for (i = 0; i < nextra && !err; i++)
		err = im_strlist_add(&b->main_list, extra[i].name,
				     strlen(extra[i].name));
	if (!err) {
		b->g[0].req = b->q[0] = requests(&cfg->driver_pre);
		b->g[0].n = cfg->driver_pre.n;
		b->g[1].req = b->q[1] = requests(&b->main_list);
		b->g[1].n = b->main_list.n;
		give_options(b->q[1], b->main_list.n, base, extra, nextra);
		b->g[2].req = b->q[2] = requests(&cfg->driver_post);
		b->g[2].n = cfg->driver_post.n;
		err = b->q[0] && b->q[1] && b->q[2] ? 0 : -ENOMEM;
	}
	if (err)
		im_boot_groups_free(b);
	return err;
}

void im_boot_groups_free(struct im_boot_groups *b)
{
	free(b->q[0]);
	free(b->q[1]);
	free(b->q[2]);
	im_strlist_free(&b->main_list);
	memset(b, 0, sizeof(*b));
}

int im_plan_boot(struct im_resolver *r, const char *root,
		 const struct im_request *extra, size_t nextra,
		 struct im_graph *g)
{
	struct im_boot_groups b;
	int err = im_boot_groups_init(&b, r, root, extra, nextra);

	if (err)
		return err;
	err = im_plan_build(r, b.g, 3, g);
	im_boot_groups_free(&b);
	return err;
}
