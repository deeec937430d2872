/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * resolve.c - fuzz the dep-line parser and the resolver behind it: the
 * input is modules.dep text, modules.alias text, a modprobe.d file and the
 * names to resolve, separated by "\n----\n" lines. Every name is resolved
 * into one graph (the planner's mode: missing files become failing nodes),
 * which is then ordered (cycles broken).
 */
#include "fuzz.h"
#include "../../config/plan.h"

#define FUZZ_DIR "/nonexistent/initmod-fuzz/6.12.0"
#define MAX_NAMES 16

static void open_part(struct im_moddb *db, enum im_idx i, const char *s,
		      enum im_text_kind kind)
{
	size_t len = strlen(s);
	char *buf = fuzz_str((const uint8_t *)s, len);

	if (buf)
		im_index_open_text_buf(&db->idx[i], buf, len, kind, "fuzz");
}

/* The names as one group of the plan (im_plan_build), as a boot has them;
 * every second one as a device's modalias. */
static void resolve_all(struct im_resolver *r, char *names, struct im_graph *g)
{
	struct im_request q[MAX_NAMES];
	struct im_plan_group grp = { .req = q };
	char *save = NULL, *tok;

	for (tok = strtok_r(names, " \t\n", &save); tok && grp.n < MAX_NAMES;
	     tok = strtok_r(NULL, " \t\n", &save)) {
		q[grp.n].name = tok;
		q[grp.n].kind = grp.n % 2 ? IM_REQ_MODALIAS : IM_REQ_NAME;
		q[grp.n++].extra = NULL;
	}
	im_plan_build(r, &grp, 1, g);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msgs m = { .verbose = -1, .prog = "fuzz" };
	struct im_moddb db;
	struct im_config cfg;
	struct im_resolver r;
	struct im_graph g;
	char *s = fuzz_str(data, size), *part[4];

	if (!s)
		return 0;
	fuzz_sections(s, part, 4);
	memset(&db, 0, sizeof(db));
	db.m = &m;
	db.dirname = strdup(FUZZ_DIR);
	db.dirlen = strlen(FUZZ_DIR);
	open_part(&db, IM_IDX_DEP, part[0], IM_TEXT_DEP);
	open_part(&db, IM_IDX_ALIAS, part[1], IM_TEXT_ALIAS);
	im_config_init(&cfg);
	im_config_parse_buf(&cfg, part[2], strlen(part[2]), "fuzz.conf", &m);
	im_resolver_init(&r, &db, &cfg, 0, &m);
	im_graph_init(&g);
	resolve_all(&r, part[3], &g);
	im_graph_order(&g, &m);
	im_graph_free(&g);
	im_resolver_free(&r);
	im_config_free(&cfg);
	im_moddb_close(&db);
	free(s);
	return 0;
}
