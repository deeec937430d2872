/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * resolve.c - libkmod's module objects, lookup chain and probe list, modelled
 * closely enough that --show-depends is byte-identical to modprobe's:
 *
 *  - objects are keyed "name" or "name\alias" (an alias match is a separate
 *    object with its own visited flag, exactly as in libkmod);
 *  - lookup order: config aliases, modules.dep, modules.symbols (symbol:),
 *    install/remove commands, modules.alias, modules.builtin,
 *    modules.builtin.alias; the first source that yields anything wins;
 *  - probe list: for each hard dependency in load order its pre softdeps,
 *    itself, its post softdeps; then the same for the target; a visited
 *    flag stops loops.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "resolve.h"
#include "../base/names.h"

struct im_kmod {
	char *hashkey;		/* "name" or "name\alias" */
	char *name;
	char *alias;		/* NULL for a plain object */
	char *path;		/* NULL until known */
	size_t plen;
	struct im_kmod **deps;	/* load order: deepest first */
	size_t ndeps;
	int dep_init;
	int builtin;		/* -1 unknown */
	unsigned visited, required;	/* == resolver generation when set */
	int ignorecmd;
	long softdep;			/* index of the matching softdep line, -1 none, -2 unknown */
	int opts_init, cmd_init;
	char *options;
	const char *install;
	struct im_kmod *next;
};

const char *im_kmod_name(const struct im_kmod *k)
{
	return k->name;
}

void im_resolver_init(struct im_resolver *r, struct im_moddb *db,
		      struct im_config *cfg, unsigned flags, struct msgs *m)
{
	memset(r, 0, sizeof(*r));
	r->db = db;
	r->cfg = cfg;
	r->flags = flags;
	r->m = m;
}

void im_resolver_free(struct im_resolver *r)
{
	struct im_kmod *k;

	for (k = r->all; k; k = k->next)
		free(k->options);
	arena_free(&r->arena);
	strmap_free(&r->pool);
	strmap_free(&r->bypath);
	free(r->probe_buf);
	free(r->found_buf);
	r->all = NULL;
}

/* kmod_module_new(): find or create the object for @name[\@alias]. */
static struct im_kmod *obj_get(struct im_resolver *r, const char *name,
			       const char *alias)
{
	size_t nl = strlen(name), al = alias ? strlen(alias) : 0;
	char stackkey[256], *key = stackkey;
	struct im_kmod *k;

	if (nl + al + 2 > sizeof(stackkey))
		key = malloc(nl + al + 2);
	if (!key)
		return NULL;
	memcpy(key, name, nl + 1);
	if (alias) {
		key[nl] = '\\';
		memcpy(key + nl + 1, alias, al + 1);
	}
	k = strmap_get(&r->pool, key);
	if (!k) {
		k = arena_alloc(&r->arena, sizeof(*k));
		if (k) {
			k->hashkey = arena_strndup(&r->arena, key, nl + al + 1);
			k->name = arena_strndup(&r->arena, key, nl + al + 1);
		}
		if (!k || !k->hashkey || !k->name ||
		    strmap_put(&r->pool, k->hashkey, k) < 0) {
			k = NULL;
			goto out;
		}
		if (alias) {
			k->name[nl] = '\0';
			k->alias = k->name + nl + 1;
		}
		k->builtin = -1;
		k->softdep = -2;
		k->next = r->all;
		r->all = k;
	}
out:
	if (key != stackkey)
		free(key);
	return k;
}

static int obj_set_path(struct im_resolver *r, struct im_kmod *k,
			const char *path)
{
	k->plen = strlen(path);
	k->path = arena_strndup(&r->arena, path, k->plen);
	return k->path ? 0 : -ENOMEM;
}

static struct im_kmod *obj_from_name(struct im_resolver *r, const char *name)
{
	char norm[IM_NAME_MAX];

	modname_normalize(name, norm);
	return obj_get(r, norm, NULL);
}

/*
 * kmod_module_new_from_path(): the object named after the file. kmod needs
 * the file to exist; the planner keeps a missing file as a node that will
 * fail to load, so that its dependents are reported rather than dropped.
 * *@oom is set when it fails for want of memory.
 */
static struct im_kmod *obj_from_path(struct im_resolver *r, const char *path,
				     int *oom)
{
	char name[IM_NAME_MAX];
	struct im_kmod *k;
	struct stat st;

	if (path_to_modname(path, name) < 0)
		return NULL;
	k = strmap_get(&r->pool, name);
	if (k && k->path && strcmp(k->path, path) == 0) {
		return k;	/* seen and checked before */
	}
	if (stat(path, &st) < 0 && !r->graph) {
		msg_err(r->m, "%s: %s (listed in modules.dep)", path,
			strerror(errno));
		return NULL;
	}
	k = obj_get(r, name, NULL);
	if (!k || (!k->path && obj_set_path(r, k, path) < 0)) {
		*oom = 1;
		return NULL;
	}
	if (strcmp(k->path, path) != 0) {
		msg_err(r->m, "module '%s' already exists with different path: new-path='%s' old-path='%s'",
			name, path, k->path);
		return NULL;
	}
	k->builtin = 0;
	return k;
}

/* The module directory path of @rel (@len bytes) in @buf, or NULL (said). */
static const char *dep_path(struct im_resolver *r, const char *rel,
			    size_t len, const char *mod, char *buf)
{
	const char *p = im_moddb_join(r->db, rel, len, buf);

	if (!p)
		msg_err(r->m, "%s: path '%.*s' from modules.dep has a '..' component or is too long; ignoring it",
			mod, (int)len, rel);
	return p;
}

/*
 * The object for dependency @rel (@len bytes of a dep line): the same
 * relative path always names the same, already checked object.
 */
static struct im_kmod *dep_obj(struct im_resolver *r, const char *rel,
			       size_t len, const char *mod, char *pbuf, int *oom)
{
	size_t dl = r->db->dirlen;
	struct im_kmod *k;
	const char *path;

	if (rel[0] != '/' && dl + len + 2 <= PATH_MAX) {
		memcpy(pbuf + dl + 1, rel, len);
		pbuf[dl + 1 + len] = '\0';
		k = strmap_get(&r->bypath, pbuf + dl + 1);
		if (k)
			return k;
	}
	path = dep_path(r, rel, len, mod, pbuf);
	if (!path)
		return NULL;
	k = obj_from_path(r, path, oom);
	/* a cache of relative paths: without room for it, the lookup is slower */
	if (k && rel[0] != '/' && k->plen > dl + 1 &&
	    strncmp(k->path, r->db->dirname, dl) == 0)
		(void)strmap_put(&r->bypath, k->path + dl + 1, k);
	return k;
}

static const char *skip_blank(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static size_t count_tokens(const char *s)
{
	size_t n = 0;

	for (s = skip_blank(s); *s; s = skip_blank(s)) {
		n++;
		while (*s && *s != ' ' && *s != '\t')
			s++;
	}
	return n;
}

/* kmod_module_parse_depline(); reads @line once, keeps nothing of it. */
static int parse_depline(struct im_resolver *r, struct im_kmod *k,
			 const char *line)
{
	const char *colon = strchr(line, ':'), *tok;
	char pbuf[PATH_MAX];
	size_t n, i;
	int oom = 0;

	k->dep_init = 1;
	if (!colon)
		return 0;
	if (!k->path) {
		const char *p = dep_path(r, line, colon - line, k->name, pbuf);

		if (p)
			obj_set_path(r, k, p);
	}
	n = count_tokens(colon + 1);
	if (!n)
		return 0;
	k->deps = arena_alloc(&r->arena, n * sizeof(*k->deps));
	if (!k->deps)
		return -ENOMEM;
	/* kmod prepends: load order is the dep line reversed */
	for (i = n, tok = skip_blank(colon + 1); *tok; tok = skip_blank(tok)) {
		const char *end = tok;
		struct im_kmod *d;

		while (*end && *end != ' ' && *end != '\t')
			end++;
		d = dep_obj(r, tok, end - tok, k->name, pbuf, &oom);
		tok = end;
		if (oom) {
			k->dep_init = 0;	/* try again next time */
			return -ENOMEM;
		}
		if (!d)
			return 0;	/* kmod drops the whole list */
		k->deps[--i] = d;
	}
	k->ndeps = n;
	return 0;
}

static void kmod_deps(struct im_resolver *r, struct im_kmod *k)
{
	const char *line;

	if (k->dep_init)
		return;
	if (im_moddb_dep_line(r->db, k->name, &line) > 0)
		parse_depline(r, k, line);
}

const char *im_kmod_path(struct im_resolver *r, struct im_kmod *k)
{
	if (!k->path && !k->dep_init)
		kmod_deps(r, k);
	return k->path;
}

int im_kmod_builtin(struct im_resolver *r, struct im_kmod *k)
{
	if (k->builtin < 0)
		k->builtin = im_moddb_is_builtin(r->db, k->name);
	return k->builtin;
}

static const char *kmod_options(struct im_resolver *r, struct im_kmod *k)
{
	size_t i, len = 0;

	if (k->opts_init)
		return k->options;
	k->opts_init = 1;
	for (i = 0; i < r->cfg->noptions; i++) {
		const struct im_pair *o = &r->cfg->options[i];
		size_t ol = strlen(o->value);
		char *n;

		if (strcmp(o->name, k->name) &&
		    !(k->alias && strcmp(o->name, k->alias) == 0))
			continue;
		if (ol == 0)
			continue;
		n = realloc(k->options, len + ol + 2);
		if (!n)
			return k->options;
		k->options = n;
		if (len)
			n[len++] = ' ';
		memcpy(n + len, o->value, ol + 1);
		len += ol;
	}
	return k->options;
}

const char *im_kmod_install(struct im_resolver *r, struct im_kmod *k)
{
	size_t i;

	if (k->cmd_init)
		return k->install;
	k->cmd_init = 1;
	for (i = 0; i < r->cfg->ninstalls; i++) {
		const struct im_pair *p = &r->cfg->installs[i];

		if (im_pattern_match(p->name, p->wild, k->name)) {
			k->install = r->cfg->installs[i].value;
			break;
		}
	}
	return k->install;
}

/* ---- lookup ---- */

struct objlist {
	struct im_kmod **v;
	size_t n, cap;
};

static int push(struct objlist *l, struct im_kmod *k)
{
	if (!k)
		return -ENOMEM;
	return VEC_PUSH(l->v, l->n, l->cap, k);
}

static int lookup_config(struct im_resolver *r, const char *a,
			 struct objlist *out)
{
	size_t i;
	int err = 0;

	for (i = 0; !err && i < r->cfg->naliases; i++) {
		const struct im_pair *p = &r->cfg->aliases[i];

		if (im_pattern_match(p->name, p->wild, a))
			err = push(out, obj_get(r, p->value, p->name));
	}
	return err;
}

static int lookup_dep(struct im_resolver *r, const char *a,
		      struct objlist *out)
{
	const char *line;
	struct im_kmod *k;

	if (strchr(a, ':') || im_moddb_dep_line(r->db, a, &line) <= 0)
		return 0;
	k = obj_from_name(r, a);
	if (!k)
		return -ENOMEM;
	if (!k->dep_init && parse_depline(r, k, line) < 0)
		return -ENOMEM;
	return push(out, k);
}

static int lookup_wild(struct im_resolver *r, enum im_idx which,
		       const char *a, int builtin, struct objlist *out)
{
	struct im_values vals = { 0 };
	size_t i;
	int err;

	err = im_moddb_lookup_wild(r->db, which, a, &vals);
	for (i = 0; err >= 0 && i < vals.n; i++) {
		struct im_kmod *k = obj_get(r, vals.v[i].val, a);

		if (k && builtin)
			k->builtin = 1;
		err = push(out, k);
	}
	im_values_free(&vals);
	return err < 0 ? err : 0;
}

static int lookup_commands(struct im_resolver *r, const char *a,
			   struct objlist *out)
{
	struct im_kmod *k;
	size_t i;

	for (i = 0; i < r->cfg->ninstalls; i++) {
		if (strcmp(r->cfg->installs[i].name, a) != 0)
			continue;
		k = obj_from_name(r, a);
		if (k) {
			k->install = r->cfg->installs[i].value;
			k->cmd_init = 1;
		}
		return push(out, k);
	}
	for (i = 0; i < r->cfg->nremoves; i++)
		if (strcmp(r->cfg->removes[i].name, a) == 0)
			return push(out, obj_from_name(r, a));
	return 0;
}

static int lookup_builtin(struct im_resolver *r, const char *a,
			  struct objlist *out)
{
	struct im_kmod *k;

	if (!im_moddb_is_builtin(r->db, a))
		return 0;
	k = obj_from_name(r, a);
	if (k)
		k->builtin = 1;
	return push(out, k);
}

/* kmod_module_new_from_lookup(): the first source with a match wins. */
static int lookup(struct im_resolver *r, const char *given,
		  struct objlist *out)
{
	char a[IM_NAME_MAX];
	size_t start = out->n;
	int err, step;

	if (alias_normalize(given, a, NULL) < 0)
		return -EINVAL;
	for (step = 0, err = 0; !err && out->n == start && step < 7; step++) {
		switch (step) {
		case 0: err = lookup_config(r, a, out); break;
		case 1: err = lookup_dep(r, a, out); break;
		case 2:
			if (strncmp(a, "symbol:", 7) == 0)
				err = lookup_wild(r, IM_IDX_SYMBOLS, a, 0, out);
			break;
		case 3: err = lookup_commands(r, a, out); break;
		case 4: err = lookup_wild(r, IM_IDX_ALIAS, a, 0, out); break;
		case 5: err = lookup_builtin(r, a, out); break;
		case 6: err = lookup_wild(r, IM_IDX_BUILTIN_ALIAS, a, 1, out); break;
		}
	}
	return err;
}

/* ---- probe list ---- */

struct probe {
	struct im_resolver *r;
	struct objlist list;
	int err;
};

static size_t node_of(struct probe *p, struct im_kmod *k)
{
	size_t idx = 0;

	if (im_graph_node(p->r->graph, k->name, &idx) < 0)
		p->err = -ENOMEM;
	return idx;
}

static void edge(struct probe *p, struct im_kmod *from, struct im_kmod *to,
		 enum im_edge_kind kind)
{
	if (!p->r->graph || p->err)
		return;
	if (im_graph_edge(p->r->graph, node_of(p, from), node_of(p, to),
			  kind) < 0)
		p->err = -ENOMEM;
}

static void append(struct probe *p, struct im_kmod *k)
{
	size_t i;

	if (push(&p->list, k) < 0) {
		p->err = -ENOMEM;
		return;
	}
	if (!p->r->graph)
		return;
	kmod_deps(p->r, k);		/* the planner wants every module's own edges */
	node_of(p, k);
	for (i = 0; i < k->ndeps; i++)
		edge(p, k->deps[i], k, IM_EDGE_HARD);
}

static void get_probe_list(struct probe *p, struct im_kmod *k, int required,
			   int ignorecmd);

/* kmod_module_get_softdeps(): first matching softdep line, names looked up. */
static int softdeps(struct probe *p, struct im_kmod *k, struct objlist *pre,
		    struct objlist *post)
{
	const struct im_config *c = p->r->cfg;
	const struct im_softdep *d;
	size_t i;

	if (k->softdep == -2)
		k->softdep = im_config_softdep_for(p->r->cfg, k->name);
	if (k->softdep == -ENOMEM) {
		k->softdep = -2;	/* look again next time */
		return -ENOMEM;
	}
	if (k->softdep < 0)
		return 0;
	d = &c->softdeps[k->softdep];
	for (i = 0; i < d->npre; i++)
		if (lookup(p->r, d->pre[i], pre) == -ENOMEM)
			return -ENOMEM;
	for (i = 0; i < d->npost; i++)
		if (lookup(p->r, d->post[i], post) == -ENOMEM)
			return -ENOMEM;
	return 0;
}

static void fill_softdep(struct probe *p, struct im_kmod *k)
{
	struct objlist pre = { 0 }, post = { 0 };
	size_t i;

	if (softdeps(p, k, &pre, &post) < 0) {
		p->err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < pre.n; i++) {
		edge(p, pre.v[i], k, IM_EDGE_PRE);
		get_probe_list(p, pre.v[i], 0, 0);
	}
	append(p, k);
	k->ignorecmd = pre.n || post.n;
	for (i = 0; i < post.n; i++) {
		edge(p, k, post.v[i], IM_EDGE_POST);
		get_probe_list(p, post.v[i], 0, 0);
	}
out:
	free(pre.v);
	free(post.v);
}

static void get_probe_list(struct probe *p, struct im_kmod *k, int required,
			   int ignorecmd)
{
	size_t i;

	if (k->visited == p->r->gen || p->err)
		return;
	k->visited = p->r->gen;
	kmod_deps(p->r, k);
	if (required) {
		k->required = p->r->gen;
		for (i = 0; i < k->ndeps; i++)
			k->deps[i]->required = p->r->gen;
	}
	for (i = 0; i < k->ndeps; i++)
		fill_softdep(p, k->deps[i]);
	if (ignorecmd) {
		append(p, k);
		k->ignorecmd = 1;
	} else {
		fill_softdep(p, k);
	}
}

static int blacklisted(struct im_resolver *r, const struct im_kmod *k)
{
	return im_strlist_has(&r->cfg->blacklist, k->name);
}

/* module_options_concat(): "opts xopts", "opts " or "xopts". */
static char *concat_options(const char *o, const char *x)
{
	size_t ol = o ? strlen(o) : 0, xl = x ? strlen(x) : 0;
	char *s;

	if (!ol && !xl)
		return NULL;
	s = malloc(ol + xl + 2);
	if (!s)
		return NULL;
	if (o)
		sprintf(s, "%s %s", o, x ? x : "");
	else
		memcpy(s, x, xl + 1);
	return s;
}

static void graph_fill(struct im_resolver *r, struct im_kmod *k,
		       const struct im_step *st)
{
	struct im_node *n;
	size_t idx;
	struct stat sb;

	if (im_graph_node(r->graph, k->name, &idx) < 0)
		return;
	n = &r->graph->nodes[idx];
	n->required |= k->required == r->gen;
	n->by_device |= r->for_device;
	n->by_name |= !r->for_device;
	n->first |= r->for_storage ? IM_FIRST_STORAGE : 0;
	if (n->path || n->install || n->builtin)
		return;		/* first step for a module decides */
	if (st->install) {
		n->install = strdup(im_kmod_install(r, k));
	} else if (im_kmod_path(r, k)) {
		n->path = strdup(k->path);
		if (stat(k->path, &sb) == 0)
			n->cost = sb.st_size;
		else
			n->missing = 1;
	} else {
		n->builtin = im_kmod_builtin(r, k);
		n->missing = !n->builtin;
	}
	if (st->options && !n->options)
		n->options = strdup(st->options);
}

/* kmod_module_probe_insert_module() in dry-run form: the steps. */
static int probe(struct im_resolver *r, struct im_kmod *target,
		 const char *extra, struct im_steps *out)
{
	struct probe p = { .r = r };
	size_t i;

	p.list.v = r->probe_buf;	/* reuse the last probe's storage */
	p.list.cap = r->probe_cap;
	if (((target->alias || (r->flags & IM_RES_BLACKLIST)) &&
	     blacklisted(r, target))) {
		msg_info(r->m, "%s is blacklisted", target->name);
		return 0;
	}
	r->gen++;		/* clears every visited and required flag */
	get_probe_list(&p, target, 1, !!(r->flags & IM_RES_IGNORE_CMD));
	for (i = 0; !p.err && i < p.list.n; i++) {
		struct im_step st = { .mod = p.list.v[i] };
		const char *cmd = im_kmod_install(r, st.mod);

		st.options = concat_options(kmod_options(r, st.mod),
					    st.mod == target ? extra : NULL);
		st.install = cmd && !st.mod->ignorecmd;
		if (VEC_PUSH(out->v, out->n, out->cap, st) < 0) {
			free(st.options);
			p.err = -ENOMEM;
			break;
		}
		if (r->graph)
			graph_fill(r, st.mod, &st);
	}
	if (r->graph && !p.err) {
		size_t idx;

		if (im_graph_node(r->graph, target->name, &idx) == 0) {
			r->graph->nodes[idx].requested = 1;
			r->graph->nodes[idx].device |= r->for_device;
		}
	}
	r->probe_buf = p.list.v;
	r->probe_cap = p.list.cap;
	return p.err;
}

static int resolve(struct im_resolver *r, const char *name, const char *extra,
		   struct im_steps *out, int quiet)
{
	struct objlist found = { r->found_buf, 0, r->found_cap };
	size_t i;
	int err;

	err = lookup(r, name, &found);
	r->found_buf = found.v;
	r->found_cap = found.cap;
	if (err == -ENOMEM)
		return err;
	if (err < 0 || !found.n) {
		if (!quiet)
			msg_err(r->m, "module %s not found in directory %s", name,
				r->db->dirname);
		return 0;
	}
	for (i = 0; !err && i < found.n; i++)
		err = probe(r, found.v[i], extra, out);
	return err < 0 ? err : 1;
}

int im_resolve_name(struct im_resolver *r, const char *name, const char *extra,
		    struct im_steps *out)
{
	return resolve(r, name, extra, out, 0);
}

int im_resolve_listed(struct im_resolver *r, const char *name, const char *extra,
		      struct im_steps *out)
{
	int ret = resolve(r, name, extra, out, 1);

	if (ret == 0)
		msg_info(r->m, "%s: not in directory %s, skipped (listed for any kernel)",
			 name, r->db->dirname);
	return ret;
}

/*
 * Is @modalias a device a root filesystem may be on, or on the way to one:
 * PCI mass storage (class 01: SATA, NVMe, SCSI HBAs, ...) and USB host
 * controllers (0c03), virtio block and SCSI, SCSI disks and RBC devices,
 * USB mass-storage interfaces, MMC/SD cards.
 */
static int storage_modalias(const char *ma)
{
	const char *bc = strstr(ma, "bc");

	if (!strncmp(ma, "pci:", 4))
		return bc && (!strncmp(bc, "bc01", 4) || !strncmp(bc, "bc0Csc03", 8));
	if (!strncmp(ma, "virtio:", 7))
		return !strncmp(ma, "virtio:d00000002v", 17) ||
		       !strncmp(ma, "virtio:d00000008v", 17);
	if (!strncmp(ma, "scsi:", 5))
		return !strncmp(ma, "scsi:t-0x00", 11) || !strncmp(ma, "scsi:t-0x0e", 11);
	if (!strncmp(ma, "usb:", 4))
		return strstr(ma, "ic08isc") != NULL;
	return !strcmp(ma, "mmc:block");
}

int im_resolve_device(struct im_resolver *r, const char *modalias,
		      struct im_steps *out)
{
	int ret;

	r->for_device = 1;
	r->for_storage = !r->storage_known && storage_modalias(modalias);
	ret = resolve(r, modalias, NULL, out, 1);
	r->for_device = r->for_storage = 0;
	return ret;
}

/*
 * kmod >= 31's modprobe PATH (module_new_from_any(), then
 * kmod_module_new_from_path()): the object is the file, made absolute
 * against the working directory; its dependencies, softdeps and options are
 * those of its name, from the index and the configuration.
 */
int im_resolve_path(struct im_resolver *r, const char *path, const char *extra,
		    struct im_steps *out)
{
	char cwd[PATH_MAX], *abs = NULL;
	struct im_kmod *k;
	struct stat st;
	int oom = 0, err;

	if (path[0] == '/')
		abs = strdup(path);
	else if (getcwd(cwd, sizeof(cwd)) && asprintf(&abs, "%s/%s", cwd, path) < 0)
		abs = NULL;
	if (!abs)
		return -ENOMEM;
	if (stat(abs, &st) < 0) {
		msg_err(r->m, "module file %s: %s", path, strerror(errno));
		free(abs);
		return 0;
	}
	k = obj_from_path(r, abs, &oom);
	free(abs);
	if (!k)
		return oom ? -ENOMEM : 0;
	err = probe(r, k, extra, out);
	return err < 0 ? err : 1;
}

int im_resolve_arg(struct im_resolver *r, const char *arg, const char *extra,
		   struct im_steps *out)
{
	if (arg[0] == '/' || strncmp(arg, "./", 2) == 0)
		return im_resolve_path(r, arg, extra, out);
	return im_resolve_name(r, arg, extra, out);
}

void im_steps_clear(struct im_steps *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i].options);
	s->n = 0;
}

void im_steps_free(struct im_steps *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i].options);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* "WHAT A B\n" or "WHAT A\n" without printf's parsing. */
static void print_words(FILE *f, const char *what, const char *a,
			const char *b)
{
	fputs(what, f);
	fputs(a, f);
	if (b) {
		fputc(' ', f);
		fputs(b, f);
	}
	fputc('\n', f);
}

static void print_insmod(FILE *f, const struct im_kmod *k, const char *o)
{
	fwrite("insmod ", 1, 7, f);
	fwrite(k->path, 1, k->plen, f);
	fputc(' ', f);
	if (*o)
		fputs(o, f);
	fputc('\n', f);
}

/* modprobe's print_action(). */
void im_steps_print(struct im_resolver *r, const struct im_steps *s, FILE *f)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		struct im_kmod *k = s->v[i].mod;
		const char *o = s->v[i].options ? s->v[i].options : "";

		if (s->v[i].install)
			print_words(f, "install ", im_kmod_install(r, k), o);
		else if (im_kmod_path(r, k))
			print_insmod(f, k, o);
		else if (im_kmod_builtin(r, k))
			print_words(f, "builtin ", k->name, NULL);
	}
}
