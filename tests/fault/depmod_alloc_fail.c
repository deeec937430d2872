/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * depmod_alloc_fail.c - depmod with allocation failure at every site, in
 * turn (allocators wrapped at link time as in alloc_fail.c). A crafted
 * tree (plain, gzip, xz, zstd, modules.order, builtins, depmod.d); each run k makes
 * allocation k fail during two depmod runs (the first writes the cache, the
 * second reads it). Each run must either succeed with exactly the clean
 * run's indexes, or fail (exit status 1) having said why and leaving the
 * previous indexes untouched (the old ones, or the first run's), and in
 * either case no temporary file; LeakSanitizer checks that nothing leaked.
 * usage: depmod-alloc-fail
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include "wrap_alloc.h"
#include "../unit/elfwrite.h"
#include "../../depmod/depmod.h"
#include "../../base/file.h"

static const char *const outputs[] = { "modules.dep", "modules.dep.bin",
	"modules.alias", "modules.alias.bin", "modules.softdep", "modules.weakdep",
	"modules.symbols", "modules.symbols.bin", "modules.builtin.bin",
	"modules.builtin.alias.bin", "modules.devname" };
#define NOUT (sizeof(outputs) / sizeof(outputs[0]))

static void put(const char *dir, const char *name, const void *p, size_t n)
{
	char path[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
		perror(path);
		exit(2);
	}
}

static void module(const char *dir, const char *name, const char *mi, size_t milen,
		   const char *const *exp, const char *const *und, int gz)
{
	struct ew_spec s = { .modinfo = mi, .modinfo_len = milen, .exports = exp,
			     .undef = und };
	size_t len;
	unsigned char *img = ew_build(&s, &len);
	char path[600];

	if (gz == 1) {
		gzFile f;

		snprintf(path, sizeof(path), "%s/kernel/%s.ko.gz", dir, name);
		f = gzopen(path, "wb");
		gzwrite(f, img, (unsigned)len);
		gzclose(f);
	} else if (gz == 2) {	/* xz */
		unsigned char out[65536];
		size_t pos = 0;

		lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, NULL, img, len, out, &pos,
					sizeof(out));
		snprintf(path, sizeof(path), "kernel/%s.ko.xz", name);
		put(dir, path, out, pos);
	} else if (gz == 3) {	/* zstd */
		unsigned char out[65536];
		size_t n = ZSTD_compress(out, sizeof(out), img, len, 3);

		snprintf(path, sizeof(path), "kernel/%s.ko.zst", name);
		put(dir, path, out, n);
	} else {
		snprintf(path, sizeof(path), "kernel/%s.ko", name);
		put(dir, path, img, len);
	}
	free(img);
}

static void tree(const char *root, char *dir)
{
	static const char *const ea[] = { "sa", NULL }, *const ua[] = { "sb", "nope", NULL };
	static const char *const eb[] = { "sb", NULL }, *const uc[] = { "sa", "sb", NULL };
	static const char mia[] = "alias=pci:v1234d*\0softdep=pre: b\0weakdep=c";
	static const char mib[] = "alias=devname:foo\0alias=char-major-10-99\0alias=x[ab]";
	static const char bmi[] = "ext4.alias=fs-ext4\0ext4.license=GPL\0vt.alias=tty";
	char p[700];

	snprintf(p, sizeof(p), "%s/lib", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/lib/modules", root);
	mkdir(p, 0755);
	snprintf(dir, 600, "%s/lib/modules/1.0", root);
	mkdir(dir, 0755);
	snprintf(p, sizeof(p), "%s/kernel", dir);
	mkdir(p, 0755);
	module(dir, "a", mia, sizeof(mia) - 1, ea, ua, 0);
	module(dir, "b", mib, sizeof(mib) - 1, eb, NULL, 1);
	module(dir, "c", "alias=c", 7, NULL, uc, 0);
	module(dir, "e", "alias=e", 7, NULL, uc, 2);
	module(dir, "f", "alias=f", 7, NULL, ua, 3);
	put(dir, "modules.order", "kernel/c.ko\nkernel/b.ko\nkernel/a.ko\n", 36);
	put(dir, "modules.builtin", "kernel/fs/ext4/ext4.ko\n", 23);
	put(dir, "modules.builtin.modinfo", bmi, sizeof(bmi));
	snprintf(p, sizeof(p), "%s/depmod.d", root);
	mkdir(p, 0755);
	put(p, "a.conf", "search updates built-in\nexclude none\n", 38);
}

static char *outputs_of(const char *dir)
{
	size_t i, total = 0;
	char *all = __real_malloc(1);

	all[0] = '\0';
	for (i = 0; i < NOUT; i++) {
		char path[600], *buf;
		size_t len;

		snprintf(path, sizeof(path), "%s/%s", dir, outputs[i]);
		if (im_read_file(path, IM_READ_ALL, &buf, &len) != 0)
			len = 0;
		all = __real_realloc(all, total + len + 64);
		total += (size_t)sprintf(all + total, "== %s %zu\n", outputs[i], len);
		if (len)
			memcpy(all + total, buf, len);
		total += len;
		all[total] = '\0';
		free(buf);
	}
	return all;
}

/* Files in @dir a run left behind: names with "tmp" in them. */
static int temporaries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)))
		if (strstr(de->d_name, "tmp")) {
			fprintf(stderr, "depmod-alloc-fail: left behind: %s/%s\n", dir,
				de->d_name);
			n++;
		}
	if (d)
		closedir(d);
	return n;
}

static void reset(const char *dir)
{
	char path[600];
	size_t i;

	for (i = 0; i < NOUT; i++)
		put(dir, outputs[i], "old\n", 4);
	snprintf(path, sizeof(path), "%s/%s", dir, IM_DEPMOD_CACHE);
	unlink(path);
}

static int run(const char *dir, const char *conf, struct msgs *m)
{
	const char *config[] = { conf, NULL };
	struct im_depmod_opts o = { .dirname = dir, .kver = "1.0", .config = config,
				    .threads = 2 };
	int r;

	fa_arm(1);
	r = im_depmod_run(&o, m);
	if (r == 0)
		r = im_depmod_run(&o, m);	/* from the cache */
	fa_arm(0);
	return r;
}

int main(void)
{
	char root[] = "/tmp/depmod-alloc-fail.XXXXXX", dir[600], conf[600], *clean, *old;
	struct msgs m = { .verbose = -1, .prog = "depmod" };
	long n, k, same = 0, said = 0, bad = 0;

	if (!mkdtemp(root))
		return 2;
	tree(root, dir);
	snprintf(conf, sizeof(conf), "%s/depmod.d", root);
	reset(dir);
	old = outputs_of(dir);
	if (run(dir, conf, &m) != 0) {
		fprintf(stderr, "depmod-alloc-fail: the clean run failed\n");
		return 1;
	}
	n = fa_count();
	clean = outputs_of(dir);
	for (k = 0; k < n; k++) {
		struct msgs mk = { .verbose = -1, .prog = "depmod" };
		char *got;
		int r;

		reset(dir);
		fa_fail_at(k);
		r = run(dir, conf, &mk);
		fa_fail_at(-1);
		got = outputs_of(dir);
		if (temporaries(dir)) {
			fprintf(stderr, "depmod-alloc-fail: allocation %ld: exit %d, temporaries left\n",
				k, r);
			bad++;
		} else if (r == 0 && strcmp(got, clean) == 0) {
			same++;
		} else if (r == 1 && mk.errors > 0 &&
			   (strcmp(got, old) == 0 || strcmp(got, clean) == 0)) {
			/* the first run failed (old kept), or the second (the
			 * first one's, the clean indexes, kept) */
			said++;
		} else {
			fprintf(stderr, "depmod-alloc-fail: allocation %ld: exit %d, %u errors, indexes %s\n",
				k, r, mk.errors, strcmp(got, clean) == 0 ? "as clean" :
				strcmp(got, old) == 0 ? "untouched" : "DIFFERENT");
			bad++;
		}
		free(got);
	}
	free(clean);
	free(old);
	printf("depmod-alloc-fail: %ld allocation sites failed in turn: %ld runs as the clean one, %ld failed saying why with the old indexes kept, %ld broken\n",
	       n, same, said, bad);
	printf("depmod-alloc-fail: %ld passed, %ld failed\n", same + said, bad);
	{
		char cmd[700];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
		if (system(cmd) != 0)
			return 2;
	}
	return bad ? 1 : 0;
}
