/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * graph.c - the plan DAG: nodes by module name, edges "must complete
 * before", cycle breaking, levels (what may run in parallel) and the
 * critical path by estimated cost.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"

void im_graph_init(struct im_graph *g)
{
	memset(g, 0, sizeof(*g));
}

void im_graph_free(struct im_graph *g)
{
	size_t i;

	for (i = 0; i < g->n; i++) {
		struct im_node *n = &g->nodes[i];

		free(n->name);
		free(n->path);
		free(n->options);
		free(n->install);
		free(n->pred);
		free(n->succ);
	}
	free(g->nodes);
	free(g->order);
	strmap_free(&g->byname);
	im_graph_init(g);
}

int im_graph_node(struct im_graph *g, const char *name, size_t *idx)
{
	void *v = strmap_get(&g->byname, name);
	struct im_node *n;

	if (v) {
		*idx = (size_t)(uintptr_t)v - 1;
		return 0;
	}
	if (vec_reserve((void **)&g->nodes, &g->cap, g->n, sizeof(*n)) < 0)
		return -ENOMEM;
	n = &g->nodes[g->n];
	memset(n, 0, sizeof(*n));
	n->name = strdup(name);
	if (!n->name)
		return -ENOMEM;
	if (strmap_put(&g->byname, n->name, (void *)(uintptr_t)(g->n + 1)) < 0) {
		free(n->name);
		return -ENOMEM;
	}
	*idx = g->n++;
	return 0;
}

static int add_edge(struct im_edge **arr, size_t *n, size_t *cap, size_t node,
		    enum im_edge_kind kind)
{
	struct im_edge e = { node, kind, 0 };

	return VEC_PUSH(*arr, *n, *cap, e);
}

int im_graph_edge(struct im_graph *g, size_t from, size_t to,
		  enum im_edge_kind kind)
{
	struct im_node *t = &g->nodes[to], *f = &g->nodes[from];
	size_t i;

	if (from == to)
		return 0;
	for (i = 0; i < t->npred; i++)
		if (t->pred[i].node == from)
			return 0;
	if (add_edge(&t->pred, &t->npred, &t->cap_pred, from, kind) < 0 ||
	    add_edge(&f->succ, &f->nsucc, &f->cap_succ, to, kind) < 0)
		return -ENOMEM;
	return 0;
}

static void take(char **to, char **from)
{
	if (!*to) {
		*to = *from;
		*from = NULL;
	}
}

/* @s into @dst (see im_graph_merge); its index there in *@idx. */
static int merge_node(struct im_graph *dst, struct im_node *s, size_t *idx)
{
	struct im_node *d;
	int err = im_graph_node(dst, s->name, idx);

	if (err)
		return err;
	d = &dst->nodes[*idx];
	d->requested |= s->requested;
	d->required |= s->required;
	d->device |= s->device;
	d->by_device |= s->by_device;
	d->by_name |= s->by_name;
	d->first |= s->first;
	if (!d->path && !d->install && !d->builtin) {
		take(&d->path, &s->path);
		take(&d->install, &s->install);
		d->builtin = s->builtin;
		d->missing = s->missing;
		d->cost = s->cost;
	}
	take(&d->options, &s->options);
	return 0;
}

int im_graph_merge(struct im_graph *dst, struct im_graph *src)
{
	size_t *map, i, k;
	int err = 0;

	if (!src->n)
		return 0;
	map = malloc(src->n * sizeof(*map));
	if (!map)
		return -ENOMEM;
	for (i = 0; i < src->n && !err; i++)
		err = merge_node(dst, &src->nodes[i], &map[i]);
	for (i = 0; i < src->n && !err; i++) {
		const struct im_node *s = &src->nodes[i];

		for (k = 0; k < s->npred && !err; k++)
			if (!s->pred[k].dropped)
				err = im_graph_edge(dst, map[s->pred[k].node],
						    map[i], s->pred[k].kind);
	}
	free(map);
	return err;
}

static const char *kind_word(enum im_edge_kind k)
{
	return k == IM_EDGE_HARD ? "depends on" :
	       k == IM_EDGE_PRE ? "has pre: softdep" : "is followed (post:) by";
}

static void drop_edge(struct im_graph *g, size_t from, size_t to)
{
	struct im_node *t = &g->nodes[to], *f = &g->nodes[from];
	size_t i;

	for (i = 0; i < t->npred; i++)
		if (t->pred[i].node == from)
			t->pred[i].dropped = 1;
	for (i = 0; i < f->nsucc; i++)
		if (f->succ[i].node == to)
			f->succ[i].dropped = 1;
}

/*
 * Iterative DFS colouring; on a back edge, report the cycle and drop the
 * back edge (when the cycle has a softdep edge, drop that one instead).
 * Returns the number of edges dropped, or -ENOMEM.
 */
static int break_cycles(struct im_graph *g, struct msgs *m)
{
	unsigned char *color = calloc(g->n, 1);
	size_t *stack = malloc((g->n + 1) * sizeof(size_t));
	size_t *pos = calloc(g->n, sizeof(size_t));
	size_t root, sp;
	int dropped = 0;

	if (!color || !stack || !pos) {
		dropped = -ENOMEM;
		goto out;
	}
	for (root = 0; root < g->n; root++) {
		if (color[root])
			continue;
		sp = 0;
		stack[sp++] = root;
		color[root] = 1;
		while (sp) {
			size_t u = stack[sp - 1];
			struct im_node *n = &g->nodes[u];

			if (pos[u] == n->nsucc) {
				color[u] = 2;
				sp--;
				continue;
			}
			struct im_edge *e = &n->succ[pos[u]++];

			if (e->dropped)
				continue;
			if (color[e->node] == 0) {
				color[e->node] = 1;
				stack[sp++] = e->node;
			} else if (color[e->node] == 1) {
				/* cycle: stack from e->node up to u */
				size_t s = sp, vict_from = u, vict_to = e->node;
				int soft = e->kind != IM_EDGE_HARD;

				while (s > 0 && stack[s - 1] != e->node)
					s--;
				for (size_t k = s; k < sp && !soft; k++) {
					struct im_node *a = &g->nodes[stack[k - 1]];

					for (size_t q = 0; q < a->nsucc; q++)
						if (a->succ[q].node == stack[k] &&
						    a->succ[q].kind != IM_EDGE_HARD) {
							vict_from = stack[k - 1];
							vict_to = stack[k];
							soft = 1;
						}
				}
				msg_warn(m, "dependency cycle: %s %s %s (and back); ignoring the order %s before %s",
					 g->nodes[vict_to].name,
					 kind_word(e->kind),
					 g->nodes[vict_from].name,
					 g->nodes[vict_from].name,
					 g->nodes[vict_to].name);
				drop_edge(g, vict_from, vict_to);
				dropped++;
			}
		}
	}
out:
	free(color);
	free(stack);
	free(pos);
	return dropped;
}

/* Kahn's algorithm: order, levels, and tails (longest cost path to a sink). */
static int topo(struct im_graph *g)
{
	size_t *indeg = calloc(g->n, sizeof(size_t)), head = 0, tail = 0, i;

	free(g->order);
	g->order = malloc((g->n + 1) * sizeof(size_t));
	if (!indeg || !g->order) {
		free(indeg);
		return -ENOMEM;
	}
	for (i = 0; i < g->n; i++) {
		g->nodes[i].level = 0;
		for (size_t k = 0; k < g->nodes[i].npred; k++)
			indeg[i] += !g->nodes[i].pred[k].dropped;
		if (!indeg[i])
			g->order[tail++] = i;
	}
	g->nlevels = g->n ? 1 : 0;
	while (head < tail) {
		struct im_node *n = &g->nodes[g->order[head++]];

		for (size_t k = 0; k < n->nsucc; k++) {
			struct im_edge *e = &n->succ[k];

			if (e->dropped)
				continue;
			if (g->nodes[e->node].level < n->level + 1)
				g->nodes[e->node].level = n->level + 1;
			if (g->nodes[e->node].level + 1 > g->nlevels)
				g->nlevels = g->nodes[e->node].level + 1;
			if (--indeg[e->node] == 0)
				g->order[tail++] = e->node;
		}
	}
	free(indeg);
	if (tail != g->n)
		return -ELOOP;
	for (i = g->n; i-- > 0;) {
		struct im_node *n = &g->nodes[g->order[i]];
		uint64_t best = 0;

		for (size_t k = 0; k < n->nsucc; k++)
			if (!n->succ[k].dropped &&
			    g->nodes[n->succ[k].node].tail > best)
				best = g->nodes[n->succ[k].node].tail;
		n->tail = best + n->cost;
	}
	return 0;
}

int im_graph_order(struct im_graph *g, struct msgs *m)
{
	int r = break_cycles(g, m);

	if (r < 0)
		return r;
	return topo(g);
}

static void print_size(FILE *f, uint64_t b)
{
	if (b >= 1u << 20)
		fprintf(f, "%.1f MiB", b / 1048576.0);
	else
		fprintf(f, "%.1f KiB", b / 1024.0);
}

void im_graph_print_plan(const struct im_graph *g, FILE *f)
{
	uint64_t work = 0;
	size_t i, start = SIZE_MAX, nload = 0, nbuiltin = 0;
	unsigned lv;

	for (i = 0; i < g->n; i++) {
		work += g->nodes[i].cost;
		nload += !g->nodes[i].builtin;
		nbuiltin += g->nodes[i].builtin;
		if (start == SIZE_MAX || g->nodes[i].tail > g->nodes[start].tail)
			start = i;
	}
	fprintf(f, "plan: %zu modules to load, %zu builtin, %u levels\n", nload,
		nbuiltin, g->nlevels);
	for (lv = 0; lv < g->nlevels; lv++) {
		fprintf(f, "level %u:", lv);
		for (i = 0; i < g->n; i++) {
			const struct im_node *n = &g->nodes[g->order[i]];

			if (n->level != lv)
				continue;
			fprintf(f, " %s%s%s", n->name,
				n->builtin ? "(builtin)" :
				n->install ? "(install)" :
				n->missing ? "(missing)" : "",
				n->requested ? "*" : "");
		}
		fputc('\n', f);
	}
	if (start == SIZE_MAX)
		return;
	fprintf(f, "critical path (cost = file size): ");
	print_size(f, g->nodes[start].tail);
	fprintf(f, " of ");
	print_size(f, work);
	fprintf(f, " total:");
	for (i = start; i != SIZE_MAX;) {
		const struct im_node *n = &g->nodes[i];
		size_t next = SIZE_MAX;

		fprintf(f, " %s", n->name);
		for (size_t k = 0; k < n->nsucc; k++) {
			size_t s = n->succ[k].node;

			if (!n->succ[k].dropped &&
			    g->nodes[s].tail + n->cost == n->tail &&
			    (next == SIZE_MAX || g->nodes[s].tail > g->nodes[next].tail))
				next = s;
		}
		if (next != SIZE_MAX)
			fprintf(f, " ->");
		i = next;
	}
	fputc('\n', f);
}
