/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * graph.h - the load plan as a DAG: one node per module name, an edge
 * from A to B when B may start only after A completed (hard dependency,
 * pre: softdep, or B is a post: softdep of A). Cycles are found, reported
 * and broken (a softdep edge first), never looped on.
 */
#ifndef INITMOD_GRAPH_H
#define INITMOD_GRAPH_H

#include <stdint.h>
#include <stdio.h>

#include "../base/util.h"

enum im_edge_kind { IM_EDGE_HARD, IM_EDGE_PRE, IM_EDGE_POST };

struct im_edge {
	size_t node;
	enum im_edge_kind kind;
	int dropped;		/* removed to break a cycle */
};

struct im_node {
	char *name;
	char *path;		/* NULL: builtin or install-only */
	char *options;		/* NULL: none */
	char *install;		/* install command, NULL: insmod */
	int builtin, requested, required, missing;
	int device;		/* planned for a device's MODALIAS: a probe that
				 * finds no hardware (ENODEV, ENXIO) is no failure */
	int by_device, by_name;	/* in the plan (itself or as a dependency)
				 * for a device's MODALIAS / for a name */
	int first;		/* IM_FIRST_* bits: on the way to the root
				 * (and its dependencies), scheduled before
				 * the rest */
	uint64_t cost;		/* estimate: file size in bytes */
#define IM_FIRST_STORAGE 1	/* a storage device's driver: the root is
				 * usually there; starts past the CPU slots */
#define IM_FIRST_FS 2		/* the root's filesystem: needed at the mount,
				 * after the disk's drivers, within the slots */
	struct im_edge *pred, *succ;
	size_t npred, nsucc, cap_pred, cap_succ;
	/* filled by im_graph_order() */
	unsigned level;
	uint64_t tail;		/* cost of the heaviest path from here to a sink */
};

struct im_graph {
	struct im_node *nodes;
	size_t n, cap;
	struct strmap byname;
	size_t *order;		/* topological order after im_graph_order() */
	unsigned nlevels;
};

void im_graph_init(struct im_graph *g);
void im_graph_free(struct im_graph *g);
/* Find or add the node called @name; its index in *idx. */
int im_graph_node(struct im_graph *g, const char *name, size_t *idx);
/* @from must complete before @to starts. Duplicates and self-edges ignored. */
int im_graph_edge(struct im_graph *g, size_t from, size_t to,
		  enum im_edge_kind kind);
/*
 * Add @src's nodes and edges to @dst, matched by name: a node new to @dst
 * takes @src's strings (moved: @src keeps only what it still frees); one
 * already there gains @src's flags, and its file, command, options only
 * when it had none (the first plan of a module decides, as in the
 * resolver). Nodes [old dst->n, dst->n) are the new ones. 0 or -ENOMEM
 * (then @dst may hold some of @src).
 */
int im_graph_merge(struct im_graph *dst, struct im_graph *src);
/* Break cycles (reported through @m), then levels, order and tails. */
int im_graph_order(struct im_graph *g, struct msgs *m);
/* -n output: levels, then the critical path by cost. */
void im_graph_print_plan(const struct im_graph *g, FILE *f);

#endif
