/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * decompress.c - fuzz the userspace decompressors (xz, zstd, gzip) on
 * truncated and corrupt streams: the first byte picks the format, and
 * detection runs on the rest too. Built with a 16 MiB output cap.
 */
#include "fuzz.h"
#include "../../base/decompress.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum im_comp kinds[] = { IM_COMP_XZ, IM_COMP_ZSTD,
					      IM_COMP_GZIP };
	void *out = NULL;
	size_t outlen = 0;
	char why[256];

	if (size < 1)
		return 0;
	im_comp_detect(data + 1, size - 1);
	if (im_decompress(kinds[data[0] % 3], data + 1, size - 1, &out,
			  &outlen, why, sizeof(why)) == 0 && outlen)
		(void)((volatile unsigned char *)out)[outlen - 1];
	else
		(void)strlen(why);
	free(out);
	return 0;
}
