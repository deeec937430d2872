/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * engine_bench.c - `make bench-engine`: the engine against the fake kernel.
 *  1. scheduling overhead: N zero-cost modules in a random DAG, per module;
 *  2. makespan against the bound max(critical path, work / threads) on a
 *     random DAG with random init durations (sleeps), median of 5 runs;
 *     the bound uses the durations each init really took in the run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../tests/unit/fake_kernel.h"
#include "../loader/engine.h"

static struct msgs quiet = { .verbose = -1 };

static void build(struct im_graph *g, struct fake_kernel *f, const char *dir,
		  size_t n, int maxdeps, int max_us, unsigned seed)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char name[32], path[300];
		size_t idx;
		FILE *fp;
		struct fake_mod *m;

		snprintf(name, sizeof(name), "m%zu", i);
		snprintf(path, sizeof(path), "%s/%s.ko", dir, name);
		fp = fopen(path, "w");
		fputs(name, fp);
		fclose(fp);
		im_graph_node(g, name, &idx);
		g->nodes[idx].path = strdup(path);
		g->nodes[idx].requested = 1;
		m = fake_add(f, name);
		seed = seed * 1103515245u + 12345u;
		m->delay_us = max_us ? 200 + (seed >> 8) % max_us : 0;
		g->nodes[idx].cost = m->delay_us;	/* the engine's estimate */
	}
	for (i = 1; i < n; i++) {
		int k, deps;

		seed = seed * 1103515245u + 12345u;
		deps = (seed >> 8) % (maxdeps + 1);
		for (k = 0; k < deps; k++) {
			size_t from;

			seed = seed * 1103515245u + 12345u;
			from = (seed >> 8) % i;
			im_graph_edge(g, from, i, IM_EDGE_HARD);
			fake_dep(fake_get(f, g->nodes[i].name), g->nodes[from].name);
		}
	}
}

static double run_once(size_t n, int maxdeps, int max_us, int threads,
		       unsigned seed, double *bound)
{
	char dir[] = "/tmp/initmod-bench.XXXXXX", cmd[64];
	struct im_engine_opts o = { .threads = threads };
	struct im_graph g;
	struct fake_kernel f;
	struct im_engine *e = NULL;
	uint64_t work = 0, cp = 0;
	double wall;
	size_t i;

	if (!mkdtemp(dir))
		return -1;
	im_graph_init(&g);
	fake_init(&f);
	build(&g, &f, dir, n, maxdeps, max_us, seed);
	if (im_engine_new(&e, &g, &f.k, &o, &quiet) < 0 || im_engine_run(e) < 0)
		return -1;
	/* the bound from what each init really took (sleeps overshoot) */
	for (i = 0; i < g.n; i++)
		g.nodes[i].cost = (uint64_t)((e->jobs[i].t_end - e->jobs[i].t_start) * 1e3);
	im_graph_order(&g, &quiet);
	for (i = 0; i < g.n; i++) {
		work += g.nodes[i].cost;
		if (g.nodes[i].tail > cp)
			cp = g.nodes[i].tail;
	}
	*bound = (cp > work / threads ? cp : (double)work / threads) / 1e3;
	wall = e->wall_ms;
	if (f.order_violations || f.double_loads)
		fprintf(stderr, "engine_bench: %d order violations, %d double loads\n",
			f.order_violations, f.double_loads);
	im_engine_put(e);
	im_graph_free(&g);
	fake_free(&f);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return wall;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(void)
{
	int threads[] = { 1, 2, 4, 16 };
	double w[5], bound = 0;
	size_t t;
	int r;

	printf("scheduling overhead, 4230 zero-cost modules, random DAG (<= 3 deps each), median of 5:\n");
	for (t = 0; t < sizeof(threads) / sizeof(threads[0]); t++) {
		for (r = 0; r < 5; r++)
			w[r] = run_once(4230, 3, 0, threads[t], 7 + r, &bound);
		qsort(w, 5, sizeof(w[0]), cmp);
		printf("  %2d threads: %7.1f ms total, %5.1f us per module (includes open/pread/close and the fake's readlink)\n",
		       threads[t], w[2], w[2] * 1e3 / 4230);
	}
	printf("makespan vs bound max(critical path, work/threads), 300 modules, init 0.2-20 ms, median of 5:\n");
	for (t = 0; t < sizeof(threads) / sizeof(threads[0]); t++) {
		double b[5];

		for (r = 0; r < 5; r++)
			w[r] = run_once(300, 2, 20000, threads[t], 11 + r, &b[r]);
		qsort(w, 5, sizeof(w[0]), cmp);
		qsort(b, 5, sizeof(b[0]), cmp);
		printf("  %2d threads: makespan %8.1f ms, bound %8.1f ms, excess %+6.2f%% (%+.1f ms)\n",
		       threads[t], w[2], b[2], (w[2] / b[2] - 1) * 100, w[2] - b[2]);
	}
	return 0;
}
