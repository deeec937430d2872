/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_decompress.c - xz, zstd and gzip decoding against the command-line tools, plus bad input. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "test.h"
#include "../../base/decompress.h"

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *b;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	b = malloc(n + 1);
	*len = fread(b, 1, n, f);
	fclose(f);
	return b;
}

/* Compress @plain with @tool into DIR/plain.EXT; returns the compressed bytes. */
static unsigned char *compress_with(const char *dir, const char *tool,
				    const char *ext, size_t *len)
{
	char cmd[512], path[300];

	snprintf(cmd, sizeof(cmd), "%s -k -q -f %s/plain 2>/dev/null", tool, dir);
	if (system(cmd) != 0)
		return NULL;
	snprintf(path, sizeof(path), "%s/plain.%s", dir, ext);
	return slurp(path, len);
}

TEST(decompress_three_formats_byte_for_byte)
{
	static const struct { const char *tool, *ext; enum im_comp c; } f[] = {
		{ "xz --check=crc32", "xz", IM_COMP_XZ },
		{ "zstd", "zst", IM_COMP_ZSTD },
		{ "gzip -n", "gz", IM_COMP_GZIP },
	};
	const char *dir = t_tmpdir();
	size_t n = 3 << 20, i, k;
	unsigned char *plain = malloc(n);
	unsigned seed = 7;

	/* compressible but not trivial: ELF-ish header then pseudo-text */
	for (i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		plain[i] = (seed >> 16) % 7 == 0 ? (unsigned char)(seed >> 8) :
			   (unsigned char)"module_init"[i % 11];
	}
	memcpy(plain, "\177ELF", 4);
	free(t_write(dir, "plain", plain, n));
	for (k = 0; k < 3; k++) {
		size_t clen = 0, olen = 0;
		unsigned char *c = compress_with(dir, f[k].tool, f[k].ext, &clen);
		void *out = NULL;
		char why[128];

		CHECK(c != NULL);
		CHECK_INT(im_comp_detect(c, clen), f[k].c);
		CHECK_INT(im_decompress(f[k].c, c, clen, &out, &olen, why, sizeof(why)), 0);
		CHECK_INT(olen, n);
		CHECK(memcmp(out, plain, n) == 0);
		free(out);
		/* truncated: a clear error, never a crash */
		out = NULL;
		CHECK_INT(im_decompress(f[k].c, c, clen / 2, &out, &olen, why, sizeof(why)), -EBADMSG);
		CHECK(strstr(why, "truncated") || strstr(why, "corrupt"));
		/* corrupt in the middle */
		c[clen / 2] ^= 0x55;
		c[clen / 2 + 1] ^= 0xAA;
		if (im_decompress(f[k].c, c, clen, &out, &olen, why, sizeof(why)) == 0) {
			/* formats without a checksum over this byte may decode: then it differs */
			CHECK(olen != n || memcmp(out, plain, n) != 0);
			free(out);
		}
		free(c);
	}
	free(plain);
}

TEST(decompress_detect_and_names)
{
	CHECK_INT(im_comp_detect("\177ELF", 4), IM_COMP_NONE);
	CHECK_INT(im_comp_detect("\x1f", 1), IM_COMP_NONE);
	CHECK_INT(im_comp_from_name("xz\n"), IM_COMP_XZ);
	CHECK_INT(im_comp_from_name("zstd\n"), IM_COMP_ZSTD);
	CHECK_INT(im_comp_from_name("gzip"), IM_COMP_GZIP);
	CHECK_INT(im_comp_from_name(""), IM_COMP_NONE);
	CHECK_STR(im_comp_name(IM_COMP_ZSTD), "zstd");
}

TEST(decompress_garbage_and_empty)
{
	void *out = NULL;
	size_t olen;
	char why[128];

	CHECK_INT(im_decompress(IM_COMP_XZ, "\xFD" "7zXZ\0garbage", 12, &out, &olen, why, sizeof(why)), -EBADMSG);
	CHECK_INT(im_decompress(IM_COMP_ZSTD, "\x28\xB5\x2F\xFD", 4, &out, &olen, why, sizeof(why)), -EBADMSG);
	CHECK_INT(im_decompress(IM_COMP_GZIP, "", 0, &out, &olen, why, sizeof(why)), -EBADMSG);
	CHECK_INT(im_decompress(IM_COMP_NONE, "x", 1, &out, &olen, why, sizeof(why)), -EINVAL);
}
