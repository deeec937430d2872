/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * decompress.h - userspace decompression of module files (xz, zstd, gzip)
 * for kernels that cannot decompress them: the file's magic bytes decide.
 */
#ifndef INITMOD_DECOMPRESS_H
#define INITMOD_DECOMPRESS_H

#include <stddef.h>

enum im_comp { IM_COMP_NONE, IM_COMP_XZ, IM_COMP_ZSTD, IM_COMP_GZIP };

#ifndef IM_DECOMP_MAX		/* fuzz builds set a smaller cap */
#define IM_DECOMP_MAX ((size_t)1 << 30)	/* refuse to inflate past 1 GiB */
#endif

enum im_comp im_comp_detect(const void *buf, size_t len);
const char *im_comp_name(enum im_comp c);	/* "xz", "zstd", "gzip", "none" */
/* Name as /sys/module/compression spells it, or NULL. */
enum im_comp im_comp_from_name(const char *name);

/*
 * Decompress @in (@inlen bytes, format @c) into a malloc'd buffer. On
 * failure returns -EBADMSG (corrupt/truncated), -EFBIG or -ENOMEM and puts
 * a reason in @why.
 */
int im_decompress(enum im_comp c, const void *in, size_t inlen, void **out,
		  size_t *outlen, char *why, size_t whylen);

/*
 * The same with a decoder kept across calls (one per thread, zeroed to
 * start): the xz and zstd states, their windows and the output buffer are
 * reused, not allocated per module. *@out is the context's buffer, valid
 * until the next call; im_decomp_ctx_free() releases everything.
 */
struct im_decomp_ctx {
	void *xz, *zstd;	/* lzma_stream *, ZSTD_DStream * */
	unsigned char *buf;
	size_t cap;
};
int im_decompress_ctx(struct im_decomp_ctx *ctx, enum im_comp c,
		      const void *in, size_t inlen, const void **out,
		      size_t *outlen, char *why, size_t whylen);
void im_decomp_ctx_free(struct im_decomp_ctx *ctx);

/* "zstd 1.5.4, liblzma 5.4.1, zlib 1.2.13" */
void im_comp_versions(char *buf, size_t len);

#endif
