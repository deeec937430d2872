/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* engine_setup.c - shared set-up for the engine and fault-injection tests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "engine_setup.h"

void su_init(struct setup *s)
{
	im_graph_init(&s->g);
	fake_init(&s->f);
	s->dir = strdup(t_tmpdir());
	memset(&s->m, 0, sizeof(s->m));
	s->m.verbose = -1;
}

void su_free(struct setup *s)
{
	im_graph_free(&s->g);
	fake_free(&s->f);
	free((char *)s->dir);
}

size_t node(struct setup *s, const char *name, int delay_us)
{
	char fn[200];
	size_t i;

	snprintf(fn, sizeof(fn), "%s.ko", name);
	im_graph_node(&s->g, name, &i);
	s->g.nodes[i].path = t_write(s->dir, fn, name, -1);
	s->g.nodes[i].requested = 1;
	s->g.nodes[i].cost = delay_us;
	fake_add(&s->f, name)->delay_us = delay_us;
	return i;
}

void dep(struct setup *s, size_t from, size_t to)
{
	im_graph_edge(&s->g, from, to, IM_EDGE_HARD);
	fake_dep(fake_get(&s->f, s->g.nodes[to].name), s->g.nodes[from].name);
}

int run(struct setup *s, struct im_engine **e, int threads,
	       double timeout)
{
	struct im_engine_opts o = { .threads = threads, .timeout_s = timeout,
				    .warn_after_s = timeout / 3 };

	if (im_engine_new(e, &s->g, &s->f.k, &o, &s->m) < 0)
		return -1;
	return im_engine_run(*e);
}


/* One plain alias per module (the first), from DIR/modules.alias. */
static char *alias_map(const char *dir, struct strmap *alias_of)
{
	char path[600], *text = NULL, *l, *nl;
	size_t len = 0;
	FILE *f, *mem;
	int c;

	snprintf(path, sizeof(path), "%s/modules.alias", dir);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	mem = open_memstream(&text, &len);
	while ((c = fgetc(f)) != EOF)
		fputc(c, mem);
	fclose(mem);
	fclose(f);
	for (l = text; l && *l; l = nl) {
		char *pat, *mod;

		nl = strchr(l, '\n');
		if (nl)
			*nl++ = '\0';
		if (strncmp(l, "alias ", 6) || !(mod = strchr(l + 6, ' ')))
			continue;
		pat = l + 6;
		*mod++ = '\0';
		if (!strpbrk(pat, "*?[") && !strmap_get(alias_of, mod))
			strmap_put(alias_of, mod, pat);
	}
	return text;
}

/* One name into the plan graph: 1 found, 0 not, <0 error. */
static int plan_one(struct real_tree *rt, const char *name, struct im_graph *g)
{
	struct im_request q = { name, NULL, IM_REQ_NAME };
	struct im_plan_group grp = { .req = &q, .n = 1 };
	int missing = im_plan_build(&rt->r, &grp, 1, g);

	return missing < 0 ? missing : !missing;
}

/* Resolve the module of one modules.dep line three ways; -1 on a miss. */
static int resolve_line(struct real_tree *rt, struct strmap *alias_of,
			char *line, struct im_graph *g)
{
	char name[512], dash[512], *p, *alias;

	*strchr(line, ':') = '\0';
	p = strrchr(line, '/');
	snprintf(name, sizeof(name), "%.500s", p ? p + 1 : line);
	name[strcspn(name, ".")] = '\0';
	snprintf(dash, sizeof(dash), "%s", name);
	for (p = dash; *p; p++)
		if (*p == '_')
			*p = '-';
	if (plan_one(rt, name, g) != 1 || plan_one(rt, dash, g) != 1)
		return -1;
	rt->requests += 2;
	alias = strmap_get(alias_of, name);
	if (alias) {
		if (plan_one(rt, alias, g) != 1)
			return -1;
		rt->requests++;
	}
	return 0;
}

int real_tree_open(struct real_tree *rt, struct setup *s, const char *root,
		   const char *kver)
{
	struct strmap alias_of = { 0 };
	char dir[512], line[4096], *aliases;
	int err = 0;
	FILE *f;

	memset(rt, 0, sizeof(*rt));
	snprintf(dir, sizeof(dir), "%s/lib/modules/%s", root, kver);
	im_moddb_open(&rt->db, dir, &s->m);
	im_config_init(&rt->cfg);
	im_resolver_init(&rt->r, &rt->db, &rt->cfg, 0, &s->m);
	aliases = alias_map(dir, &alias_of);
	snprintf(line, sizeof(line), "%s/modules.dep", dir);
	f = fopen(line, "r");
	if (!aliases || !f)
		err = -1;
	while (!err && fgets(line, sizeof(line), f))
		err = resolve_line(rt, &alias_of, line, &s->g);
	if (f)
		fclose(f);
	strmap_free(&alias_of);
	free(aliases);
	s->f.comp = IM_COMP_XZ;
	fake_from_graph(&s->f, &s->g);
	return err;
}

void real_tree_close(struct real_tree *rt)
{
	im_resolver_free(&rt->r);
	im_config_free(&rt->cfg);
	im_moddb_close(&rt->db);
}
