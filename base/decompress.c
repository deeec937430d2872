/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * decompress.c - xz (liblzma), zstd (libzstd) and gzip (zlib) decoding of a
 * whole module image in memory, with an output cap against bombs and a
 * reason in words for every failure.
 */
#include <errno.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "decompress.h"
#include "util.h"

enum im_comp im_comp_detect(const void *buf, size_t len)
{
	const unsigned char *p = buf;

	if (len >= 6 && memcmp(p, "\xFD" "7zXZ\0", 6) == 0)
		return IM_COMP_XZ;
	if (len >= 4 && memcmp(p, "\x28\xB5\x2F\xFD", 4) == 0)
		return IM_COMP_ZSTD;
	if (len >= 2 && p[0] == 0x1F && p[1] == 0x8B)
		return IM_COMP_GZIP;
	return IM_COMP_NONE;
}

static const char *const comp_names[] = {
	[IM_COMP_NONE] = "none", [IM_COMP_XZ] = "xz", [IM_COMP_ZSTD] = "zstd",
	[IM_COMP_GZIP] = "gzip",
};

const char *im_comp_name(enum im_comp c)
{
	return comp_names[c];
}

enum im_comp im_comp_from_name(const char *name)
{
	int i = im_prefix_index(name, comp_names, 4);

	return i < 0 ? IM_COMP_NONE : (enum im_comp)i;
}

/*
 * xz streams name their dictionary size; kbuild uses 1 MiB (--lzma2=dict=1MiB)
 * and xz's largest preset 64 MiB, so a header asking for more is corrupt or
 * hostile, and must not make the early boot allocate up to 1.5 GiB.
 */
#define IM_XZ_MEMLIMIT ((uint64_t)256 << 20)

/* Growable output buffer shared by the three decoders. */
struct obuf {
	unsigned char *p;
	size_t len, cap;
	size_t hint;		/* first size: modules inflate about 4x */
};

static int obuf_room(struct obuf *o, size_t want)
{
	size_t cap;
	unsigned char *n;

	if (o->cap - o->len >= want)
		return 0;
	if (o->cap >= IM_DECOMP_MAX)
		return -EFBIG;
	cap = o->cap ? o->cap * 2 : o->hint;
	while (cap - o->len < want)
		cap *= 2;
	if (cap > IM_DECOMP_MAX)
		cap = IM_DECOMP_MAX;
	n = realloc(o->p, cap);
	if (!n)
		return -ENOMEM;
	o->p = n;
	o->cap = cap;
	return 0;
}

/* @keep: a stream kept across calls (its dictionary reused), or NULL */
static int unxz(const void *in, size_t inlen, struct obuf *o, char *why,
		size_t wl, lzma_stream *keep)
{
	lzma_stream local = LZMA_STREAM_INIT, *sp = keep ? keep : &local;
	lzma_ret r;
	int err = 0;

	if (lzma_stream_decoder(sp, IM_XZ_MEMLIMIT, LZMA_CONCATENATED) != LZMA_OK) {
		snprintf(why, wl, "liblzma could not start a decoder");
		if (!keep)
			lzma_end(&local);
		return -ENOMEM;
	}
	sp->next_in = in;
	sp->avail_in = inlen;
	do {
		err = obuf_room(o, 1 << 16);
		if (err)
			break;
		sp->next_out = o->p + o->len;
		sp->avail_out = o->cap - o->len;
		r = lzma_code(sp, LZMA_FINISH);
		o->len = o->cap - sp->avail_out;
	} while (r == LZMA_OK);
	if (!err && r != LZMA_STREAM_END) {
		snprintf(why, wl, "xz data is %s",
			 r == LZMA_BUF_ERROR ? "truncated" :
			 r == LZMA_DATA_ERROR ? "corrupt" :
			 r == LZMA_FORMAT_ERROR ? "not in xz format" :
			 r == LZMA_MEM_ERROR ? "too big for memory" :
			 r == LZMA_MEMLIMIT_ERROR ? "asking for a dictionary over 256 MiB" :
			 "unreadable");
		err = r == LZMA_MEM_ERROR ? -ENOMEM : -EBADMSG;
	}
	if (!keep)
		lzma_end(&local);
	return err;
}

/* @keep: a stream kept across calls (its window reused), or NULL */
static int unzstd(const void *in, size_t inlen, struct obuf *o, char *why,
		  size_t wl, ZSTD_DStream *keep)
{
	ZSTD_DStream *ds = keep ? keep : ZSTD_createDStream();
	ZSTD_inBuffer ib = { in, inlen, 0 };
	size_t r = 1;
	int err = 0;

	if (!ds)
		return -ENOMEM;
	ZSTD_initDStream(ds);
	while (ib.pos < ib.size || r != 0) {
		ZSTD_outBuffer ob;
		size_t before = ib.pos;

		err = obuf_room(o, 1 << 16);
		if (err)
			break;
		ob.dst = o->p + o->len;
		ob.size = o->cap - o->len;
		ob.pos = 0;
		r = ZSTD_decompressStream(ds, &ob, &ib);
		o->len += ob.pos;
		if (ZSTD_isError(r)) {
			snprintf(why, wl, "zstd data is corrupt: %s",
				 ZSTD_getErrorName(r));
			err = -EBADMSG;
			break;
		}
		if (ib.pos == ib.size && r != 0 && ob.pos == 0 && before == ib.pos) {
			snprintf(why, wl, "zstd data is truncated");
			err = -EBADMSG;
			break;
		}
	}
	if (!keep)
		ZSTD_freeDStream(ds);
	return err;
}

static int ungzip(const void *in, size_t inlen, struct obuf *o, char *why,
		  size_t wl)
{
	z_stream z;
	int r, err = 0;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		return -ENOMEM;
	z.next_in = (unsigned char *)in;
	z.avail_in = inlen > UINT32_MAX ? UINT32_MAX : (uInt)inlen;
	do {
		err = obuf_room(o, 1 << 16);
		if (err)
			break;
		z.next_out = o->p + o->len;
		z.avail_out = (uInt)(o->cap - o->len > UINT32_MAX ?
				     UINT32_MAX : o->cap - o->len);
		r = inflate(&z, Z_NO_FLUSH);
		o->len = (unsigned char *)z.next_out - o->p;
	} while (r == Z_OK);
	if (!err && r != Z_STREAM_END) {
		snprintf(why, wl, "gzip data is %s",
			 r == Z_BUF_ERROR ? "truncated" : "corrupt");
		err = r == Z_MEM_ERROR ? -ENOMEM : -EBADMSG;
	}
	inflateEnd(&z);
	return err;
}

int im_decompress(enum im_comp c, const void *in, size_t inlen, void **out,
		  size_t *outlen, char *why, size_t whylen)
{
	struct obuf o = { 0 };
	int err;

	o.hint = inlen < (IM_DECOMP_MAX >> 2) ? (inlen << 2) + (1 << 16) :
		IM_DECOMP_MAX;

	snprintf(why, whylen, "out of memory");
	switch (c) {
	case IM_COMP_XZ: err = unxz(in, inlen, &o, why, whylen, NULL); break;
	case IM_COMP_ZSTD: err = unzstd(in, inlen, &o, why, whylen, NULL); break;
	case IM_COMP_GZIP: err = ungzip(in, inlen, &o, why, whylen); break;
	default:
		snprintf(why, whylen, "not a compressed module");
		return -EINVAL;
	}
	if (err == -EFBIG)
		snprintf(why, whylen, "%s data inflates past %zu MiB",
			 im_comp_name(c), IM_DECOMP_MAX >> 20);
	if (err) {
		free(o.p);
		return err;
	}
	*out = o.p;
	*outlen = o.len;
	return 0;
}

int im_decompress_ctx(struct im_decomp_ctx *ctx, enum im_comp c,
		      const void *in, size_t inlen, const void **out,
		      size_t *outlen, char *why, size_t whylen)
{
	struct obuf o = { ctx->buf, 0, ctx->cap, 0 };
	int err;

	o.hint = inlen < (IM_DECOMP_MAX >> 2) ? (inlen << 2) + (1 << 16) :
		IM_DECOMP_MAX;
	snprintf(why, whylen, "out of memory");
	if (c == IM_COMP_XZ && !ctx->xz) {
		lzma_stream init = LZMA_STREAM_INIT;

		ctx->xz = malloc(sizeof(lzma_stream));
		if (!ctx->xz)
			return -ENOMEM;
		*(lzma_stream *)ctx->xz = init;
	}
	if (c == IM_COMP_ZSTD && !ctx->zstd && !(ctx->zstd = ZSTD_createDStream()))
		return -ENOMEM;
	switch (c) {
	case IM_COMP_XZ: err = unxz(in, inlen, &o, why, whylen, ctx->xz); break;
	case IM_COMP_ZSTD: err = unzstd(in, inlen, &o, why, whylen, ctx->zstd); break;
	case IM_COMP_GZIP: err = ungzip(in, inlen, &o, why, whylen); break;
	default:
		snprintf(why, whylen, "not a compressed module");
		return -EINVAL;
	}
	ctx->buf = o.p;		/* kept, success or not */
	ctx->cap = o.cap;
	if (err == -EFBIG)
		snprintf(why, whylen, "%s data inflates past %zu MiB",
			 im_comp_name(c), IM_DECOMP_MAX >> 20);
	if (err)
		return err;
	*out = o.p;
	*outlen = o.len;
	return 0;
}

void im_decomp_ctx_free(struct im_decomp_ctx *ctx)
{
	if (ctx->xz) {
		lzma_end(ctx->xz);
		free(ctx->xz);
	}
	ZSTD_freeDStream(ctx->zstd);
	free(ctx->buf);
	memset(ctx, 0, sizeof(*ctx));
}

void im_comp_versions(char *buf, size_t len)
{
	snprintf(buf, len, "zstd %s, liblzma %s, zlib %s", ZSTD_versionString(),
		 lzma_version_string(), zlibVersion());
}
