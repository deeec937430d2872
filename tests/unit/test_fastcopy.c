/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test_fastcopy.c - im_memcpy (the musl build's memcpy) against a byte loop: every size to 1100, every alignment. */
#include <stdlib.h>

#include "test.h"
#include "../../base/fastcopy.h"

TEST(fastcopy_every_size_and_alignment)
{
	unsigned char src[1200], dst[1240], want[1240];
	size_t n, so, dof, i;

	for (i = 0; i < sizeof(src); i++)
		src[i] = (unsigned char)(i * 131 + 7);
	for (n = 0; n <= 1100; n += n < 300 ? 1 : 37)
		for (so = 0; so < 16; so += 5)
			for (dof = 0; dof < 16; dof += 3) {
				for (i = 0; i < sizeof(dst); i++)
					dst[i] = want[i] = 0xee;
				for (i = 0; i < n; i++)
					want[dof + 8 + i] = src[so + i];
				CHECK(im_memcpy(dst + dof + 8, src + so, n) == dst + dof + 8);
				CHECK(memcmp(dst, want, sizeof(dst)) == 0);
			}
}
