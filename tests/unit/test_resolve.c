/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_resolve.c - the modprobe model on a small tree: order, softdeps, options, install, blacklist, DAG. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "test.h"
#include "../../config/resolve.h"
#include "../../config/plan.h"

static struct msgs quiet = { .verbose = -1 };

struct fx {
	char dir[256];
	char ext[256];		/* a depmod.d "external" directory, elsewhere */
	struct im_moddb db;
	struct im_config cfg;
	struct im_resolver r;
};

static void touch(const char *dir, const char *rel)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	free(t_write(dir, rel, "\177ELF", 4));
	(void)p;
}

static void fx_open(struct fx *f, const char *conf, unsigned flags)
{
	const char *d;
	char kdir[300], *dep;

	snprintf(f->ext, sizeof(f->ext), "%s", t_tmpdir());
	free(t_write(f->ext, "ext.ko", "\177ELF", 4));
	d = t_tmpdir();
	snprintf(f->dir, sizeof(f->dir), "%s", d);
	snprintf(kdir, sizeof(kdir), "%s/kernel", d);
	mkdir(kdir, 0755);
	if (asprintf(&dep,
		"kernel/a.ko: kernel/b.ko kernel/c.ko\n"
		"kernel/b.ko: kernel/c.ko\n"
		"kernel/c.ko:\n"
		"kernel/d-x.ko: kernel/c.ko\n"
		"kernel/e.ko:\n"
		"kernel/p.ko:\n"
		"kernel/q.ko:\n"
		"kernel/big.ko: kernel/c.ko\n"
		"kernel/evil.ko: kernel/c.ko ../../../etc/passwd.ko\n"
		"/etc/../etc/dotdot.ko:\n"
		"%s/ext.ko: kernel/c.ko\n"
		"kernel/usesext.ko: %s/ext.ko\n"
		"/nonexistent/external/gone.ko:\n", f->ext, f->ext) < 0)
		abort();
	free(t_write(d, "modules.dep", dep, -1));
	free(dep);
	free(t_write(d, "modules.alias",
		"alias pci:v1234d* a\nalias fs-e e\nalias crc c\nalias crc e\n"
		"alias pci:v0ext* ext\n", -1));
	free(t_write(d, "modules.builtin", "kernel/bi.ko\n", -1));
	touch(d, "kernel/a.ko");
	touch(d, "kernel/b.ko");
	touch(d, "kernel/c.ko");
	touch(d, "kernel/d-x.ko");
	touch(d, "kernel/e.ko");
	touch(d, "kernel/p.ko");
	touch(d, "kernel/q.ko");
	touch(d, "kernel/evil.ko");
	touch(d, "kernel/usesext.ko");
	free(t_write(d, "kernel/big.ko", "0123456789012345678901234567890123456789", -1));
	im_moddb_open(&f->db, d, &quiet);
	im_config_init(&f->cfg);
	im_config_parse_buf(&f->cfg, conf, strlen(conf), "t.conf", &quiet);
	im_resolver_init(&f->r, &f->db, &f->cfg, flags, &quiet);
}

static void fx_close(struct fx *f)
{
	im_resolver_free(&f->r);
	im_config_free(&f->cfg);
	im_moddb_close(&f->db);
}

/* Resolve @names (space separated) and return the show-depends text, with the tree's path cut to "@". */
static char *show(struct fx *f, const char *names)
{
	char *buf = NULL, *n = strdup(names), *tok, *save = NULL, *out;
	size_t len = 0, dl = strlen(f->dir);
	FILE *m = open_memstream(&buf, &len);
	char *p, *o;

	for (tok = strtok_r(n, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		struct im_steps s = { 0 };
		char *extra = strchr(tok, '+');

		if (extra)
			*extra++ = '\0';
		if (im_resolve_arg(&f->r, tok, extra, &s) == 0)
			fputs("NOTFOUND\n", m);
		im_steps_print(&f->r, &s, m);
		im_steps_free(&s);
	}
	fclose(m);
	free(n);
	out = malloc(len + 1);
	for (p = buf, o = out; *p;) {
		if (strncmp(p, f->dir, dl) == 0) {
			*o++ = '@';
			p += dl;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
	free(buf);
	return out;
}

#define CHECK_SHOW(f, names, want) do { char *_s = show(f, names);	\
	int _ok = strcmp(_s, want) == 0;				\
	if (!_ok) t_fail(t, __FILE__, __LINE__, "show(%s):\n%s---want---\n%s", names, _s, want); \
	free(_s); if (!_ok) { fx_close(f); return; } } while (0)

TEST(resolve_hard_deps_in_load_order)
{
	struct fx f;

	fx_open(&f, "", 0);
	CHECK_SHOW(&f, "a", "insmod @/kernel/c.ko \ninsmod @/kernel/b.ko \ninsmod @/kernel/a.ko \n");
	CHECK_SHOW(&f, "d-x", "insmod @/kernel/c.ko \ninsmod @/kernel/d-x.ko \n");
	CHECK_SHOW(&f, "pci:v1234d0001", "insmod @/kernel/c.ko \ninsmod @/kernel/b.ko \ninsmod @/kernel/a.ko \n");
	CHECK_SHOW(&f, "bi", "builtin bi\n");
	CHECK_SHOW(&f, "nope", "NOTFOUND\n");
	CHECK_SHOW(&f, "a[", "NOTFOUND\n");
	/* an alias with two modules: each is probed in turn */
	CHECK_SHOW(&f, "crc", "insmod @/kernel/c.ko \ninsmod @/kernel/e.ko \n");
	fx_close(&f);
}

TEST(resolve_paths_stay_inside_the_module_directory)
{
	struct fx f;
	struct msgs *m = &quiet;
	unsigned before;

	fx_open(&f, "", 0);
	before = m->errors;
	/* a dep outside: the whole dep list is dropped, as kmod drops it for a missing file */
	CHECK_SHOW(&f, "evil", "insmod @/kernel/evil.ko \n");
	/* depmod never writes a ".." component: refused, named */
	CHECK_SHOW(&f, "dotdot", "");
	CHECK(m->errors >= before + 2);
	fx_close(&f);
}

/* kmod's testsuite case modprobe_external: depmod.d "external" directories */
TEST(resolve_external_absolute_paths_as_kmod)
{
	struct fx f;
	char want[1024];

	fx_open(&f, "", 0);
	snprintf(want, sizeof(want), "insmod @/kernel/c.ko \ninsmod %s/ext.ko \n", f.ext);
	CHECK_SHOW(&f, "ext", want);
	CHECK_SHOW(&f, "pci:v0ext0001", want);
	snprintf(want, sizeof(want),
		 "insmod %s/ext.ko \ninsmod @/kernel/usesext.ko \n",
		 f.ext);
	CHECK_SHOW(&f, "usesext", want);
	/* a missing file: planned as kmod plans it (the load then fails, named) */
	CHECK_SHOW(&f, "gone", "insmod /nonexistent/external/gone.ko \n");
	fx_close(&f);
}

TEST(resolve_softdeps_options_and_cycles)
{
	struct fx f;

	fx_open(&f,
		"softdep a pre: p crc post: q nothere\n"
		"softdep p pre: q\n"
		"softdep q post: p\n"
		"options a x=1\noptions a y=2\noptions c z=3\noptions fs_e via=alias\n", 0);
	CHECK_SHOW(&f, "a+w=9",
		"insmod @/kernel/c.ko z=3 \n"
		"insmod @/kernel/b.ko \n"
		"insmod @/kernel/q.ko \n"
		"insmod @/kernel/p.ko \n"
		"insmod @/kernel/c.ko z=3 \n"
		"insmod @/kernel/e.ko \n"
		"insmod @/kernel/a.ko x=1 y=2 w=9\n");
	CHECK_SHOW(&f, "fs-e", "insmod @/kernel/e.ko via=alias \n");
	CHECK_SHOW(&f, "e", "insmod @/kernel/e.ko \n");
	fx_close(&f);
}

TEST(resolve_install_blacklist_and_ignore_install)
{
	struct fx f;

	fx_open(&f,
		"install b /bin/echo b $CMDLINE_OPTS\n"
		"install fake /bin/true\n"
		"options b o=1\n"
		"blacklist a\nblacklist e\n", 0);
	CHECK_SHOW(&f, "a", "insmod @/kernel/c.ko \ninstall /bin/echo b $CMDLINE_OPTS o=1 \ninsmod @/kernel/a.ko \n");
	CHECK_SHOW(&f, "pci:v1234d0001", "");	/* blacklisted, reached by alias */
	CHECK_SHOW(&f, "fake", "install /bin/true \n");
	CHECK_SHOW(&f, "crc", "insmod @/kernel/c.ko \n");
	fx_close(&f);
	fx_open(&f, "blacklist a\ninstall a /bin/false\n", IM_RES_BLACKLIST);
	CHECK_SHOW(&f, "a", "");
	CHECK_SHOW(&f, "b", "insmod @/kernel/c.ko \ninsmod @/kernel/b.ko \n");
	fx_close(&f);
	fx_open(&f, "install a /bin/false\nsoftdep a pre: e\n", IM_RES_IGNORE_CMD);
	/* -i: the target's softdeps and install command are ignored */
	CHECK_SHOW(&f, "a", "insmod @/kernel/c.ko \ninsmod @/kernel/b.ko \ninsmod @/kernel/a.ko \n");
	fx_close(&f);
}

TEST(resolve_builds_dag_with_levels)
{
	struct fx f;
	struct im_graph g;
	const struct im_request q[] = { { "a", NULL, IM_REQ_NAME }, { "big", NULL, IM_REQ_NAME } };
	const struct im_plan_group grp = { .req = q, .n = 2 };
	size_t ia, ib, ic, ip, iq, ie, ibig;
	char *buf = NULL;
	size_t len = 0;
	FILE *m;

	fx_open(&f, "softdep a pre: p post: e\nsoftdep p pre: q\nsoftdep q pre: p\n", 0);
	im_graph_init(&g);
	CHECK_INT(im_plan_build(&f.r, &grp, 1, &g), 0);
	CHECK(f.r.graph == NULL);	/* recording ends with the plan */
	CHECK_INT(im_graph_order(&g, &quiet), 0);
	im_graph_node(&g, "a", &ia);
	im_graph_node(&g, "b", &ib);
	im_graph_node(&g, "c", &ic);
	im_graph_node(&g, "p", &ip);
	im_graph_node(&g, "q", &iq);
	im_graph_node(&g, "e", &ie);
	im_graph_node(&g, "big", &ibig);
	CHECK_INT(g.n, 7);
	CHECK_INT(g.nodes[ic].level, 0);
	CHECK_INT(g.nodes[ib].level, 1);
	CHECK(g.nodes[ia].level > g.nodes[ip].level);
	CHECK(g.nodes[ie].level > g.nodes[ia].level);	/* post: after a */
	CHECK(g.nodes[ip].level != g.nodes[iq].level);	/* cycle broken */
	CHECK_INT(g.nodes[ibig].level, 1);
	CHECK(g.nodes[ia].requested && g.nodes[ibig].requested);
	CHECK(!g.nodes[ip].requested && !g.nodes[ip].required);
	CHECK(g.nodes[ib].required);
	CHECK_INT(g.nodes[ibig].cost, 40);
	m = open_memstream(&buf, &len);
	im_graph_print_plan(&g, m);
	fclose(m);
	CHECK(strstr(buf, "plan: 7 modules to load, 0 builtin") != NULL);
	CHECK(strstr(buf, "level 0: c") != NULL);
	CHECK(strstr(buf, "critical path (cost = file size): 0.0 KiB of 0.1 KiB total: c -> big") != NULL);
	free(buf);
	im_graph_free(&g);
	fx_close(&f);
}

TEST(graph_breaks_cycles_and_reports)
{
	struct im_graph g;
	size_t a, b, c;
	struct msgs m = { .verbose = -1 };

	im_graph_init(&g);
	im_graph_node(&g, "a", &a);
	im_graph_node(&g, "b", &b);
	im_graph_node(&g, "c", &c);
	im_graph_edge(&g, a, b, IM_EDGE_HARD);
	im_graph_edge(&g, b, c, IM_EDGE_PRE);
	im_graph_edge(&g, c, a, IM_EDGE_HARD);
	im_graph_edge(&g, a, a, IM_EDGE_HARD);	/* ignored */
	im_graph_edge(&g, a, b, IM_EDGE_HARD);	/* duplicate, ignored */
	CHECK_INT(g.nodes[b].npred, 1);
	CHECK_INT(im_graph_order(&g, &m), 0);
	CHECK_INT(m.warnings, 1);
	/* the softdep edge b -> c is the one dropped */
	CHECK_INT(g.nodes[c].level, 0);
	CHECK_INT(g.nodes[a].level, 1);
	CHECK_INT(g.nodes[b].level, 2);
	im_graph_free(&g);
}

/* A graph resolved apart joins another by name (coldplug's growth). */
TEST(graph_merge_by_name)
{
	struct im_graph d, s;
	size_t a, b, c, x;

	im_graph_init(&d);
	im_graph_init(&s);
	im_graph_node(&d, "a", &a);
	d.nodes[a].path = strdup("/m/a.ko");
	d.nodes[a].cost = 10;
	im_graph_node(&d, "x", &x);		/* planned without a file */
	d.nodes[x].missing = 1;
	im_graph_node(&s, "c", &c);
	im_graph_node(&s, "a", &a);
	im_graph_node(&s, "b", &b);
	im_graph_node(&s, "x", &x);
	s.nodes[a].path = strdup("/other/a.ko");	/* the first plan decides */
	s.nodes[a].options = strdup("debug=1");	/* it had none: taken */
	s.nodes[a].by_device = 1;
	s.nodes[b].path = strdup("/m/b.ko");
	s.nodes[b].cost = 7;
	s.nodes[b].requested = s.nodes[b].first = 1;
	s.nodes[x].path = strdup("/m/x.ko");	/* it had none: taken */
	s.nodes[c].install = strdup("/bin/true");
	im_graph_edge(&s, a, b, IM_EDGE_HARD);
	im_graph_edge(&s, c, b, IM_EDGE_PRE);
	CHECK_INT(im_graph_merge(&d, &s), 0);
	CHECK_INT(d.n, 4);
	im_graph_node(&d, "a", &a);
	im_graph_node(&d, "b", &b);
	im_graph_node(&d, "c", &c);
	im_graph_node(&d, "x", &x);
	CHECK_INT(a, 0);
	CHECK_INT(x, 1);
	CHECK(!strcmp(d.nodes[a].path, "/m/a.ko"));
	CHECK(!strcmp(d.nodes[a].options, "debug=1"));
	CHECK_INT(d.nodes[a].by_device, 1);
	CHECK(!strcmp(d.nodes[x].path, "/m/x.ko"));
	CHECK(!strcmp(d.nodes[c].install, "/bin/true"));
	CHECK_INT(d.nodes[b].cost, 7);
	CHECK(d.nodes[b].requested && d.nodes[b].first);
	CHECK_INT(d.nodes[b].npred, 2);
	CHECK_INT(d.nodes[a].nsucc, 1);
	CHECK_INT(d.nodes[a].succ[0].node, b);
	CHECK_INT(d.nodes[c].succ[0].kind, IM_EDGE_PRE);
	CHECK(s.nodes[2].path == NULL);		/* b's: moved */
	CHECK(s.nodes[1].path != NULL);		/* a's: not taken, still s's */
	im_graph_free(&s);
	im_graph_free(&d);
}

TEST(plan_groups_pre_main_post)
{
	struct fx f;
	struct im_graph g;
	const struct im_request pre[] = { { "p", NULL, IM_REQ_NAME } };
	const struct im_request mainl[] = { { "a", NULL, IM_REQ_NAME }, { "e", NULL, IM_REQ_NAME },
					    { "nothere", NULL, IM_REQ_NAME } };
	const struct im_request post[] = { { "q", NULL, IM_REQ_NAME } };
	const struct im_plan_group groups[] = { { .req = pre, .n = 1 },
						{ .req = mainl, .n = 3 },
						{ .req = post, .n = 1 } };
	size_t ip, ia, iq, ie, ic;

	fx_open(&f, "", 0);
	im_graph_init(&g);
	CHECK_INT(im_plan_build(&f.r, groups, 3, &g), 1);
	CHECK_INT(im_graph_order(&g, &quiet), 0);
	im_graph_node(&g, "p", &ip);
	im_graph_node(&g, "a", &ia);
	im_graph_node(&g, "e", &ie);
	im_graph_node(&g, "c", &ic);
	im_graph_node(&g, "q", &iq);
	CHECK_INT(g.nodes[ip].level, 0);
	CHECK(g.nodes[ic].level > g.nodes[ip].level);	/* even deps wait for pre */
	CHECK(g.nodes[ia].level > g.nodes[ic].level);
	CHECK(g.nodes[iq].level > g.nodes[ia].level);
	CHECK(g.nodes[iq].level > g.nodes[ie].level);
	im_graph_free(&g);
	fx_close(&f);
}

/* The boot's plan from the configuration's lists and modules-load.d. */
TEST(plan_boot_from_config_lists)
{
	struct fx f;
	struct im_graph g;
	const struct im_request extra[] = { { "e", NULL, IM_REQ_NAME } };
	char root[256], d[512];
	size_t ip, ia, iq, ie, ib;

	snprintf(root, sizeof(root), "%s", t_tmpdir());	/* its buffer is reused */
	snprintf(d, sizeof(d), "%s/etc", root);
	mkdir(d, 0755);
	snprintf(d, sizeof(d), "%s/etc/modules-load.d", root);
	mkdir(d, 0755);
	free(t_write(d, "x.conf", "b\n", -1));
	fx_open(&f, "", 0);
	im_strlist_add(&f.cfg.driver_pre, "p", 1);
	im_strlist_add(&f.cfg.modules_load, "a", 1);
	im_strlist_add(&f.cfg.driver_post, "q", 1);
	im_graph_init(&g);
	CHECK_INT(im_plan_boot(&f.r, root, extra, 1, &g), 0);
	CHECK_INT(im_graph_order(&g, &quiet), 0);
	CHECK(im_graph_node(&g, "b", &ib) == 0 && g.nodes[ib].requested);
	im_graph_node(&g, "p", &ip);
	im_graph_node(&g, "a", &ia);
	im_graph_node(&g, "e", &ie);
	im_graph_node(&g, "q", &iq);
	CHECK(g.nodes[ia].level > g.nodes[ip].level);
	CHECK(g.nodes[ib].level > g.nodes[ip].level);
	CHECK(g.nodes[ie].level > g.nodes[ip].level);
	CHECK(g.nodes[iq].level > g.nodes[ia].level);
	CHECK(g.nodes[iq].level > g.nodes[ib].level);
	im_graph_free(&g);
	fx_close(&f);
}

/*
 * --boot's names keep their options ("e1000 debug=16" in /conf/modules),
 * also when modules-load.d names the same module without any.
 */
TEST(plan_boot_keeps_the_options_of_its_names)
{
	struct fx f;
	struct im_graph g;
	const struct im_request extra[] = { { "e", "debug=16", IM_REQ_NAME }, { "c", NULL, IM_REQ_NAME },
					    { "a", "max=64", IM_REQ_NAME } };
	char root[256];
	size_t ie, ic, ia;

	snprintf(root, sizeof(root), "%s", t_tmpdir());
	fx_open(&f, "", 0);
	im_strlist_add(&f.cfg.modules_load, "a", 1);
	im_graph_init(&g);
	CHECK_INT(im_plan_boot(&f.r, root, extra, 3, &g), 0);
	CHECK(im_graph_node(&g, "e", &ie) == 0);
	CHECK(im_graph_node(&g, "c", &ic) == 0);
	CHECK(im_graph_node(&g, "a", &ia) == 0);
	CHECK(g.nodes[ie].options && strstr(g.nodes[ie].options, "debug=16"));
	CHECK(!g.nodes[ic].options || !*g.nodes[ic].options);
	CHECK(g.nodes[ia].options && strstr(g.nodes[ia].options, "max=64"));
	im_graph_free(&g);
	fx_close(&f);
}

/*
 * --if-present's names (initramfs-tools' /conf/modules, made for any kernel:
 * mdadm's hook lists linear, which 6.12 lacks): one not there is no error
 * and not counted; the others load as any name; a plain name still counts.
 */
TEST(plan_boot_listed_names_this_kernel_lacks)
{
	struct fx f;
	struct im_graph g;
	const struct im_request extra[] = { { "linear", NULL, IM_REQ_LISTED },
					    { "e", "debug=16", IM_REQ_LISTED },
					    { "typo", NULL, IM_REQ_NAME } };
	char root[256];
	unsigned errors;
	size_t ie, n;

	snprintf(root, sizeof(root), "%s", t_tmpdir());
	fx_open(&f, "", 0);
	im_graph_init(&g);
	errors = quiet.errors;
	CHECK_INT(im_plan_boot(&f.r, root, extra, 2, &g), 0);
	CHECK_INT(quiet.errors, errors);
	CHECK(im_graph_node(&g, "e", &ie) == 0 && g.nodes[ie].requested);
	CHECK(g.nodes[ie].options && strstr(g.nodes[ie].options, "debug=16"));
	n = g.n;
	CHECK(im_graph_node(&g, "linear", &ie) == 0 && ie == n);	/* a new node: not planned */
	im_graph_free(&g);
	im_graph_init(&g);
	CHECK_INT(im_plan_boot(&f.r, root, extra, 3, &g), 1);
	CHECK_INT(quiet.errors, errors + 1);
	im_graph_free(&g);
	fx_close(&f);
}

/* kmod >= 31: modprobe /path/to/mod.ko, dependencies from the index by name */
TEST(resolve_module_file_by_path)
{
	struct fx f;
	char path[600], want[1400], other[256];

	fx_open(&f, "options b speed=2\n", 0);
	snprintf(path, sizeof(path), "%s/kernel/b.ko", f.dir);
	CHECK_SHOW(&f, path, "insmod @/kernel/c.ko \ninsmod @/kernel/b.ko speed=2 \n");
	fx_close(&f);
	/* a copy elsewhere, not in the tree under that path: its own file,
	 * the tree's dependencies for its name */
	snprintf(other, sizeof(other), "%s", t_tmpdir());
	fx_open(&f, "", 0);
	free(t_write(other, "b.ko", "\177ELF", 4));
	snprintf(path, sizeof(path), "%s/b.ko", other);
	snprintf(want, sizeof(want), "insmod @/kernel/c.ko \ninsmod %s \n", path);
	CHECK_SHOW(&f, path, want);
	/* a file that is not there: said, not found */
	CHECK_SHOW(&f, "/nonexistent/x.ko", "NOTFOUND\n");
	/* only arguments that say they are paths are paths */
	CHECK_SHOW(&f, "kernel/b.ko", "NOTFOUND\n");
	fx_close(&f);
}
