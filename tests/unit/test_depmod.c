/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * test_depmod.c - depmod on crafted modules: the ELF parser (both classes
 * and byte orders, kmod's fallbacks, every truncation), the trie writer
 * against the reader and the test writer, whole runs (order, gzip, cycles,
 * atomic output, no temporaries left on a full disk or after a killed run)
 * and the cache (stale, racy, corrupt).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include "test.h"
#include "elfwrite.h"
#include "idxwrite.h"
#include "../../depmod/depmod_d.h"
#include "../../depmod/depmod.h"
#include "../../base/file.h"
#include "../../depgraph/index.h"
#include "../../depmod/index_write.h"
#include "../../depmod/modinfo_elf.h"

static const char modinfo[] = "\0\0alias=pci:v1234d*\0license=GPL\0\0softdep=pre: foo\0"
			      "weakdep=bar\0alias\0description=x=y\0alias=last-unterminated";
static const char *const exports[] = { "sym_a", "sym_b", NULL };
static const char *const undef[] = { "printk", "sym_x", NULL };
static const char *const weak[] = { "maybe", NULL };
static const struct ew_version vers[] = {
	{ "module_layout", 0xaaaa }, { "sym_x", 0x5151 }, { "printk", 0x7070 },
};

/* The records as one line: "a:v;E:name@crc;..." */
static char *recs(const struct im_modelf *m)
{
	struct im_buf b = { 0 };
	const unsigned char *p = m->rec;
	struct im_rec r;

	while ((p = im_rec_next(p, im_rec_end(m), &r))) {
		if (r.type == IM_REC_EXPORT || r.type == IM_REC_UNDEF || r.type == IM_REC_WEAK)
			im_buf_printf(&b, "%c:%s@%llx;", r.type, r.s, (unsigned long long)r.crc);
		else
			im_buf_printf(&b, "%c:%s;", r.type, r.s);
	}
	im_buf_put(&b, "", 1);
	return (char *)b.p;
}

static const char *want =
	"E:sym_a@1000;E:sym_b@1001;"
	"a:pci:v1234d*;s:pre: foo;w:bar;a:;a:last-unterminated;"
	"U:printk@7070;U:sym_x@5151;W:maybe@0;U:module_layout@aaaa;";

static void parse_case(struct t *t, int is32, int msb)
{
	struct ew_spec s = { .is32 = is32, .msb = msb, .modinfo = modinfo,
			     .modinfo_len = sizeof(modinfo) - 1, .exports = exports,
			     .undef = undef, .weak = weak, .versions = vers, .nversions = 3 };
	struct im_modelf m = { 0 };
	size_t len;
	unsigned char *img = ew_build(&s, &len);
	char *got;

	CHECK_INT(im_modelf_parse(img, len, &m), 0);
	got = recs(&m);
	CHECK_STR(got, want);
	free(got);
	im_modelf_free(&m);
	free(img);
}

TEST(depmod_elf_64_lsb) { parse_case(t, 0, 0); }
TEST(depmod_elf_32_msb) { parse_case(t, 1, 1); }
TEST(depmod_elf_32_lsb) { parse_case(t, 1, 0); }

TEST(depmod_elf_ksymtab_strings_fallback)
{
	static const char ks[] = "\0\0first\0second\0\0third";
	struct ew_spec s = { .modinfo = "alias=x", .modinfo_len = 7,
			     .undef = undef, .ksymtab_strings = ks,
			     .ksymtab_len = sizeof(ks) - 1 };
	struct im_modelf m = { 0 };
	size_t len;
	unsigned char *img = ew_build(&s, &len);
	char *got;

	CHECK_INT(im_modelf_parse(img, len, &m), 0);
	got = recs(&m);
	CHECK_STR(got, "E:first@0;E:second@0;E:third@0;a:x;U:printk@0;U:sym_x@0;");
	free(got);
	im_modelf_free(&m);
	free(img);
}

TEST(depmod_elf_no_modinfo_no_symtab)
{
	struct ew_spec s = { .no_symtab = 1 };
	struct im_modelf m = { 0 };
	size_t len;
	unsigned char *img = ew_build(&s, &len);
	char *got;

	CHECK_INT(im_modelf_parse(img, len, &m), 0);
	got = recs(&m);
	CHECK(strstr(got, "N:no .modinfo section") != NULL);
	CHECK(strstr(got, "N:no usable .symtab") != NULL);
	CHECK(strstr(got, "U:") == NULL);
	free(got);
	im_modelf_free(&m);
	free(img);
}

/* Every prefix, and every byte flipped: no crash, no read past the end. */
TEST(depmod_elf_truncated_and_corrupt)
{
	struct ew_spec s = { .modinfo = modinfo, .modinfo_len = sizeof(modinfo) - 1,
			     .exports = exports, .undef = undef, .weak = weak,
			     .versions = vers, .nversions = 3 };
	size_t len, i;
	unsigned char *img = ew_build(&s, &len), *cut;

	for (i = 0; i < len; i++) {
		struct im_modelf m = { 0 };

		cut = malloc(i ? i : 1);
		memcpy(cut, img, i);
		im_modelf_parse(cut, i, &m);
		if (i < 64)
			CHECK(m.err < 0 && m.why[0]);
		im_modelf_free(&m);
		free(cut);
	}
	for (i = 0; i < len; i++) {
		struct im_modelf m = { 0 };

		img[i] ^= 0xff;
		im_modelf_parse(img, len, &m);
		im_modelf_free(&m);
		img[i] ^= 0xff;
	}
	free(img);
}

TEST(depmod_index_write_reads_back)
{
	struct im_iw w = { 0 };
	struct im_buf b = { 0 };
	struct im_index ix;
	struct im_values v = { 0 };
	const char *val;

	CHECK_INT(im_iw_add(&w, "pci:v1234d*", "m1", 5), 0);
	CHECK_INT(im_iw_add(&w, "pci:v1234d*", "m2", 3), 0);
	CHECK_INT(im_iw_add(&w, "pci:v1234d*", "m3", 3), 0);	/* later, same prio: first */
	CHECK_INT(im_iw_add(&w, "pci", "short", 0), 0);
	CHECK_INT(im_iw_add(&w, "", "root", 0), 0);
	CHECK_INT(im_iw_add(&w, "zz", "z", 1), 0);
	CHECK_INT(im_iw_add(&w, "caf\xc3\xa9", "x", 1), -EINVAL);
	CHECK_INT(im_iw_write(&w, &b), 0);
	CHECK_INT(im_index_open_mem(&ix, b.p, b.len, "test"), 0);
	CHECK_INT(im_index_lookup(&ix, "pci", &val), 1);
	CHECK_STR(val, "short");
	CHECK_INT(im_index_lookup(&ix, "zz", &val), 1);
	CHECK_INT(im_index_lookup_wild(&ix, "pci:v1234d0001", &v), 3);
	im_values_free(&v);
	/* in the node: priority ascending, the later of equals first */
	CHECK(memmem(b.p, b.len, "m3\0\0\0\0\3m2\0\0\0\0\5m1", 16) != NULL);
	im_index_close(&ix);
	im_buf_free(&b);
	im_iw_free(&w);
}

/* The same bytes as the test writer (written independently) for unique keys. */
TEST(depmod_index_write_matches_test_writer)
{
	static const char *const keys[] = { "a", "ab", "abc", "abd", "b", "ba",
		"symbol:foo", "symbol:foobar", "symbol:fop", "x-y", "pci:v*d*" };
	struct iw_ent e[11];
	struct im_iw w = { 0 };
	struct im_buf b = { 0 };
	unsigned char *img;
	size_t len, i;

	for (i = 0; i < 11; i++) {
		e[i].key = keys[i];
		e[i].val = keys[(i + 3) % 11];
		e[i].prio = (uint32_t)i;
		CHECK_INT(im_iw_add(&w, keys[i], e[i].val, (uint32_t)i), 0);
	}
	img = iw_build(e, 11, &len);
	CHECK_INT(im_iw_write(&w, &b), 0);
	CHECK_INT(b.len, len);
	CHECK(memcmp(b.p, img, len) == 0);
	free(img);
	im_buf_free(&b);
	im_iw_free(&w);
}

/* A tree: ROOT/lib/modules/1.0 with crafted modules; returns the module dir. */
static char *mkdirs(const char *root)
{
	char *d = malloc(strlen(root) + 64);

	sprintf(d, "%s/lib", root);
	mkdir(d, 0755);
	sprintf(d, "%s/lib/modules", root);
	mkdir(d, 0755);
	sprintf(d, "%s/lib/modules/1.0", root);
	mkdir(d, 0755);
	sprintf(d, "%s/lib/modules/1.0/kernel", root);
	mkdir(d, 0755);
	sprintf(d, "%s/lib/modules/1.0", root);
	return d;
}

static void put_mod(const char *dir, const char *name, const char *alias,
		    const char *const *exp, const char *const *und, int gz)
{
	char mi[128], path[512];
	struct ew_spec s = { .exports = exp, .undef = und };
	unsigned char *img;
	size_t len;

	s.modinfo_len = (size_t)snprintf(mi, sizeof(mi), "alias=%s", alias);
	s.modinfo = mi;
	img = ew_build(&s, &len);
	if (gz) {
		gzFile f;

		snprintf(path, sizeof(path), "%s/kernel/%s.ko.gz", dir, name);
		f = gzopen(path, "wb");
		gzwrite(f, img, (unsigned)len);
		gzclose(f);
	} else {
		snprintf(path, sizeof(path), "kernel/%s.ko", name);
		free(t_write(dir, path, img, (long)len));
	}
	free(img);
}

static char *slurp(const char *dir, const char *name)
{
	char path[512], *buf;
	size_t len;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (im_read_file(path, IM_READ_ALL, &buf, &len) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int run(const char *dir, int no_cache, int threads)
{
	const char *empty[] = { "/dev/null", NULL };
	struct im_depmod_opts o = { .dirname = dir, .kver = "1.0", .config = empty,
				    .no_cache = no_cache, .threads = threads };
	struct msgs m = { .verbose = -1, .prog = "depmod" };

	return im_depmod_run(&o, &m);
}

static const char *const e_a[] = { "sa", NULL }, *const u_a[] = { "sb", "nowhere", NULL };
static const char *const e_b[] = { "sb", NULL }, *const u_c[] = { "sa", "sd", NULL };
static const char *const e_d[] = { "sd", NULL };

TEST(depmod_run_crafted_tree)
{
	const char *root = t_tmpdir();
	char *dir = mkdirs(root), *dep;

	put_mod(dir, "a", "alias-a", e_a, u_a, 0);
	put_mod(dir, "b", "alias-b", e_b, NULL, 0);
	put_mod(dir, "c", "alias-c", NULL, u_c, 0);
	put_mod(dir, "d", "alias-d", e_d, NULL, 1);
	free(t_write(dir, "modules.order", "kernel/c.ko\nkernel/a.ko\nkernel/b.ko\nkernel/d.ko\n", -1));
	CHECK_INT(run(dir, 1, 2), 0);
	dep = slurp(dir, "modules.dep");
	/* kmod's order: a stack of roots; c's deps a, d pushed, d popped first */
	CHECK_STR(dep, "kernel/c.ko: kernel/d.ko.gz kernel/a.ko kernel/b.ko\n"
		       "kernel/a.ko: kernel/b.ko\nkernel/b.ko:\nkernel/d.ko.gz:\n");
	free(dep);
	dep = slurp(dir, "modules.symbols");
	CHECK(dep && strstr(dep, "alias symbol:sd d\n"));
	free(dep);
	free(dir);
}

TEST(depmod_cycle_fails_and_keeps_old_files)
{
	static const char *const ex[] = { "sx", NULL }, *const ux[] = { "sy", NULL };
	static const char *const ey[] = { "sy", NULL }, *const uy[] = { "sx", NULL };
	const char *root = t_tmpdir();
	char *dir = mkdirs(root), *dep;

	put_mod(dir, "x", "ax", ex, ux, 0);
	put_mod(dir, "y", "ay", ey, uy, 0);
	free(t_write(dir, "modules.dep", "old\n", -1));
	CHECK_INT(run(dir, 1, 1), 1);
	dep = slurp(dir, "modules.dep");
	CHECK_STR(dep, "old\n");
	free(dep);
	dep = slurp(dir, "modules.alias");
	CHECK(dep == NULL);	/* nothing written, not even the files before */
	free(dir);
}

static char *all_outputs(const char *dir)
{
	static const char *const f[] = { "modules.dep", "modules.dep.bin", "modules.alias",
		"modules.alias.bin", "modules.symbols", "modules.symbols.bin",
		"modules.softdep", "modules.weakdep", "modules.devname" };
	struct im_buf b = { 0 };
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		char *s = slurp(dir, f[i]);
		char path[512];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, f[i]);
		stat(path, &st);
		im_buf_printf(&b, "== %s\n", f[i]);
		if (s)
			im_buf_put(&b, s, (size_t)st.st_size);
		free(s);
	}
	im_buf_put(&b, "", 1);
	return (char *)b.p;
}

static int same_as_full(const char *dir)
{
	char *inc, *full;
	int same;

	if (run(dir, 0, 0) != 0)
		return 0;
	inc = all_outputs(dir);
	if (run(dir, 1, 1) != 0)
		return 0;
	full = all_outputs(dir);
	same = strcmp(inc, full) == 0;
	free(inc);
	free(full);
	return same;
}

TEST(depmod_cache_stale_racy_corrupt)
{
	const char *root = t_tmpdir();
	char *dir = mkdirs(root), path[600], *dep;
	struct stat st;
	struct timespec ts[2];
	int fd;

	put_mod(dir, "a", "alias-a", e_a, u_a, 0);
	put_mod(dir, "b", "alias-b", e_b, NULL, 0);
	put_mod(dir, "c", "alias-c", NULL, u_c, 0);
	put_mod(dir, "d", "alias-d", e_d, NULL, 0);
	CHECK(same_as_full(dir));
	CHECK(same_as_full(dir));	/* from the cache (racy: verified) */
	/* b replaced in place: same size, same mtime, another alias */
	snprintf(path, sizeof(path), "%s/kernel/b.ko", dir);
	stat(path, &st);
	put_mod(dir, "b", "alias-B", e_b, NULL, 0);
	ts[0] = st.st_atim;
	ts[1] = st.st_mtim;
	utimensat(AT_FDCWD, path, ts, 0);
	CHECK(same_as_full(dir));
	CHECK(run(dir, 0, 0) == 0);
	dep = slurp(dir, "modules.alias");
	CHECK(dep && strstr(dep, "alias alias-B b\n"));
	free(dep);
	/* a corrupt cache: one byte flipped, then one cut short */
	snprintf(path, sizeof(path), "%s/%s", dir, IM_DEPMOD_CACHE);
	fd = open(path, O_RDWR);
	CHECK(fd >= 0);
	pwrite(fd, "\x55", 1, 100);
	close(fd);
	CHECK(same_as_full(dir));
	truncate(path, 50);
	CHECK(same_as_full(dir));
	free(t_write(dir, IM_DEPMOD_CACHE, "IMDMC001 foreign", -1));
	CHECK(same_as_full(dir));
	free(dir);
}

static void mkdir_p(char *p)
{
	char *s;

	for (s = p + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0755);
			*s = '/';
		}
}

/* 200 real modules (symlinks into the test tree): 1 thread == 2 threads. */
TEST(depmod_real_subset_threads)
{
	const char *root, *kver;
	char src[512], *dep, *p, *one, *two, *dir;
	int n = 0;

	if (!t_real_tree(t, &root, &kver))
		return;		/* said why */
	snprintf(src, sizeof(src), "%s/lib/modules/%s", root, kver);
	dep = slurp(src, "modules.dep");
	CHECK(dep != NULL);
	dir = mkdirs(t_tmpdir());
	for (p = dep; *p && n < 200; n++) {
		char *colon = strchr(p, ':'), *nl = strchr(p, '\n'), from[1024], to[1024];

		if (!colon || !nl)
			break;
		*colon = '\0';
		snprintf(from, sizeof(from), "%s/%s", src, p);
		snprintf(to, sizeof(to), "%s/%s", dir, p);
		mkdir_p(to);
		if (from[0] != '/') {
			char *abs = realpath(from, NULL);

			snprintf(from, sizeof(from), "%s", abs ? abs : "");
			free(abs);
		}
		CHECK(symlink(from, to) == 0);
		p = nl + 1;
	}
	free(dep);
	CHECK_INT(run(dir, 1, 1), 0);
	one = all_outputs(dir);
	CHECK_INT(run(dir, 1, 2), 0);
	two = all_outputs(dir);
	CHECK(strcmp(one, two) == 0);
	CHECK(strstr(one, "kernel/") != NULL);
	free(one);
	free(two);
	CHECK(same_as_full(dir));
	free(dir);
}

/* depmod.d: kmod's list order (newest first), regex versions, continuations. */
TEST(depmod_conf_lines)
{
	static const char conf[] =
		"# comment\n"
		"search updates built-in\n"
		"search extra external\n"
		"override foo 6\\\\.1\\\\..* sub/dir\n"
		"override bar 5\\\\..* other\n"
		"override baz * \\\n   weird\n"
		"external * /opt/ext\n"
		"external ^7\\\\. /never\n"
		"exclude a b\n"
		"make_map_files\n"
		"bogus\n"
		"override short\n";
	struct im_depmod_conf c = { 0 };
	struct msgs m = { .verbose = -1 };

	CHECK_INT(im_depmod_conf_parse(&c, conf, sizeof(conf) - 1, "t.conf", "6.1.0-56-amd64", &m), 0);
	CHECK_INT(c.search.n, 4);
	CHECK_INT(c.search.v[0].type, IM_DM_EXTERNAL);
	CHECK_STR(c.search.v[1].path, "extra");
	CHECK_INT(c.search.v[2].type, IM_DM_BUILTIN);
	CHECK_STR(c.search.v[3].path, "updates");
	CHECK_INT(c.override.n, 2);
	CHECK_STR(c.override.v[0].path, "weird/baz");
	CHECK_STR(c.override.v[1].path, "sub/dir/foo");
	CHECK_INT(c.override.v[1].len, 11);
	CHECK_INT(c.external.n, 1);
	CHECK_STR(c.external.v[0].path, "/opt/ext");
	CHECK_INT(c.exclude.n, 2);
	CHECK_STR(c.exclude.v[0].path, "b");
	CHECK_INT(m.errors, 2);		/* bogus, override short */
	im_depmod_conf_free(&c);
}

/* The files in @dir whose names contain @part, counted. */
static int count_names(const char *dir, const char *part)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)))
		n += strstr(de->d_name, part) != NULL;
	if (d)
		closedir(d);
	return n;
}

static const char *const old_files[] = { "modules.dep", "modules.dep.bin",
	"modules.alias", "modules.alias.bin", "modules.softdep", "modules.weakdep",
	"modules.symbols", "modules.symbols.bin", "modules.builtin.bin",
	"modules.builtin.alias.bin", "modules.devname", IM_DEPMOD_CACHE };
#define NOLD (sizeof(old_files) / sizeof(old_files[0]))

/* A small tree with "old\n" in every index; the module directory. */
static char *old_tree(const char *root)
{
	char *dir = mkdirs(root);
	size_t i;

	put_mod(dir, "a", "alias-a", e_a, u_a, 0);
	put_mod(dir, "b", "alias-b", e_b, NULL, 0);
	put_mod(dir, "c", "alias-c", NULL, u_c, 0);
	put_mod(dir, "d", "alias-d", e_d, NULL, 1);
	for (i = 0; i < NOLD; i++)
		free(t_write(dir, old_files[i], "old\n", -1));
	return dir;
}

/* 0 when every index still says "old\n", else 1 + the first that does not. */
static int changed_index(const char *dir)
{
	size_t i;

	for (i = 0; i < NOLD; i++) {
		char *s = slurp(dir, old_files[i]);
		int same = s && strcmp(s, "old\n") == 0;

		free(s);
		if (!same)
			return (int)i + 1;
	}
	return 0;
}

/* depmod in a child whose files cannot grow past @limit bytes (EFBIG). */
static int run_fsize_limited(const char *dir, rlim_t limit)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		struct rlimit rl = { limit, limit };

		signal(SIGXFSZ, SIG_IGN);
		_exit(setrlimit(RLIMIT_FSIZE, &rl) < 0 ? 3 : run(dir, 0, 1));
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static off_t size_of(const char *dir, const char *name)
{
	char p[700];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return stat(p, &st) == 0 ? st.st_size : -1;
}

/* A write that fails part way (the file size limit): no temporary is left,
 * the old indexes are kept; then the limit only stops the cache. */
TEST(depmod_write_failure_leaves_no_temporaries)
{
	char *dir = old_tree(t_tmpdir()), *dep;
	off_t dep_size, largest = 0;
	size_t i;

	/* the sizes a run that can write gives the same tree */
	dep = old_tree(t_tmpdir());
	CHECK_INT(run(dep, 0, 1), 0);
	dep_size = size_of(dep, "modules.dep");
	for (i = 0; i + 1 < NOLD; i++)
		if (size_of(dep, old_files[i]) > largest)
			largest = size_of(dep, old_files[i]);
	CHECK(size_of(dep, "modules.dep.bin") > dep_size);
	CHECK(size_of(dep, IM_DEPMOD_CACHE) > largest);
	free(dep);
	/* modules.dep fits, modules.dep.bin, the next, is cut short */
	CHECK_INT(run_fsize_limited(dir, (rlim_t)dep_size), 1);
	CHECK_INT(count_names(dir, "tmp"), 0);
	CHECK_INT(changed_index(dir), 0);
	/* the indexes fit, the cache does not: written without it */
	CHECK_INT(run_fsize_limited(dir, (rlim_t)largest), 0);
	CHECK_INT(count_names(dir, "tmp"), 0);
	CHECK_INT(changed_index(dir), 1);	/* modules.dep is new */
	dep = slurp(dir, IM_DEPMOD_CACHE);
	CHECK_STR(dep, "old\n");
	free(dep);
	free(dir);
}

/*
 * ENOSPC for real: in a child with its own mount namespace, a tmpfs that
 * has room for three small files more; the fourth index fails to write.
 * Exit status: 0 as wanted, 77 no mount namespace (not root), else what
 * was wrong (10 + the index changed, 2 temporaries left, 3 run succeeded).
 */
static int enospc_child(const char *root)
{
	static char page[4096];
	char filler[600], *dir;
	off_t size = 0;
	ssize_t w;
	int fd, r;

	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("tmpfs", root, "tmpfs", 0, "size=256k,mode=0755") < 0)
		return 77;
	dir = old_tree(root);
	snprintf(filler, sizeof(filler), "%s/filler", root);
	fd = open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	while (fd >= 0 && (w = write(fd, page, sizeof(page))) > 0)
		size += w;
	if (fd < 0 || errno != ENOSPC || ftruncate(fd, size - 3 * 4096) < 0)
		return 4;
	close(fd);
	r = run(dir, 1, 1);
	if (r != 1)
		return 3;
	if (count_names(dir, "tmp") != 0)
		return 2;
	r = changed_index(dir);
	free(dir);
	return r ? 10 + r : 0;
}

TEST(depmod_enospc_leaves_no_temporaries)
{
	const char *root = t_tmpdir();
	pid_t pid = fork();
	int st;

	if (pid == 0)
		_exit(enospc_child(root));
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st));
	if (WEXITSTATUS(st) == 77) {
		printf("skip depmod_enospc_leaves_no_temporaries: no private mount namespace (not root)\n");
		return;
	}
	CHECK_INT(WEXITSTATUS(st), 0);
}

/* A process that has ended (reaped): its PID names no live process. */
static pid_t dead_pid(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	return pid;
}

/* depmod -n, its output to /dev/null */
static int run_dry(const char *dir)
{
	const char *empty[] = { "/dev/null", NULL };
	struct im_depmod_opts o = { .dirname = dir, .kver = "1.0", .config = empty,
				    .to_stdout = 1, .threads = 1 };
	struct msgs m = { .verbose = -1, .prog = "depmod" };
	int saved = dup(1), null = open("/dev/null", O_WRONLY), r;

	fflush(stdout);
	dup2(null, 1);
	r = im_depmod_run(&o, &m);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	close(null);
	return r;
}

static int exists(const char *dir, const char *name)
{
	char p[700];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return lstat(p, &st) == 0;
}

/*
 * Temporaries of a killed run (a dead PID in the name) are removed before
 * the next run writes; a live writer's (a PID that is alive), and every
 * name that is not exactly depmod's own pattern, are left alone.
 */
TEST(depmod_removes_stale_temporaries_only)
{
	char *dir = old_tree(t_tmpdir()), gone[24][200], kept[24][200], p[700];
	int dead = (int)dead_pid(), ng = 0, nk = 0, i;

	snprintf(gone[ng++], 200, "modules.dep.%d.initmod-tmp", dead);
	snprintf(gone[ng++], 200, "modules.dep.bin.%d.initmod-tmp", dead);
	snprintf(gone[ng++], 200, "modules.builtin.alias.bin.%d.initmod-tmp", dead);
	snprintf(gone[ng++], 200, "modules.devname.%d.initmod-tmp", dead);
	snprintf(gone[ng++], 200, "%s.%d.tmp", IM_DEPMOD_CACHE, dead);
	/* this process has written nothing yet: a file with its PID is stale */
	snprintf(gone[ng++], 200, "modules.alias.%d.initmod-tmp", (int)getpid());
	snprintf(kept[nk++], 200, "modules.dep.bin.%d.initmod-tmp", (int)getppid());
	snprintf(kept[nk++], 200, "%s.%d.tmp", IM_DEPMOD_CACHE, (int)getppid());
	if (getpid() != 1)
		snprintf(kept[nk++], 200, "modules.symbols.1.initmod-tmp");
	snprintf(kept[nk++], 200, "modules.dep.bin.%d.initmod-tmp.keep", dead);
	snprintf(kept[nk++], 200, "modules.dep.bin.abc.initmod-tmp");
	snprintf(kept[nk++], 200, "modules.dep.bin..initmod-tmp");
	snprintf(kept[nk++], 200, "modules.dep.bin.0%d.initmod-tmp", dead);
	snprintf(kept[nk++], 200, "modules.dep.bin.-%d.initmod-tmp", dead);
	snprintf(kept[nk++], 200, "modules.dep.bin.+%d.initmod-tmp", dead);
	snprintf(kept[nk++], 200, "modules.dep.bin.%d.tmp", dead);
	snprintf(kept[nk++], 200, "modules.dep.bin.99999999999.initmod-tmp");
	snprintf(kept[nk++], 200, "modules.foo.%d.initmod-tmp", dead);
	snprintf(kept[nk++], 200, "xmodules.dep.%d.initmod-tmp", dead);
	snprintf(kept[nk++], 200, "modules.dep.%d.%d.initmod-tmp", dead, dead);
	snprintf(kept[nk++], 200, "%s.%d.initmod-tmp", IM_DEPMOD_CACHE, dead);
	snprintf(kept[nk++], 200, "%s.%d.tmp.x", IM_DEPMOD_CACHE, dead);
	for (i = 0; i < ng; i++)
		free(t_write(dir, gone[i], "stale\n", -1));
	for (i = 0; i < nk; i++)
		free(t_write(dir, kept[i], "keep\n", -1));
	/* not regular files: never removed, whatever their names */
	snprintf(kept[nk++], 200, "modules.softdep.%d.initmod-tmp", dead);
	snprintf(p, sizeof(p), "%s/%s", dir, kept[nk - 1]);
	CHECK(mkdir(p, 0755) == 0);
	snprintf(kept[nk++], 200, "modules.weakdep.%d.initmod-tmp", dead);
	snprintf(p, sizeof(p), "%s/%s", dir, kept[nk - 1]);
	CHECK(symlink("modules.dep", p) == 0);
	CHECK_INT(run(dir, 0, 1), 0);
	for (i = 0; i < ng; i++)
		if (exists(dir, gone[i]))
			t_fail(t, __FILE__, __LINE__, "stale %s not removed", gone[i]);
	for (i = 0; i < nk; i++)
		if (!exists(dir, kept[i]))
			t_fail(t, __FILE__, __LINE__, "%s removed", kept[i]);
	CHECK(count_names(dir, "tmp") == nk);
	/* -n writes nothing, and removes nothing */
	free(t_write(dir, gone[0], "stale\n", -1));
	CHECK_INT(run_dry(dir), 0);
	CHECK(exists(dir, gone[0]));
	free(dir);
}
