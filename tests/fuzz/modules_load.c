/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * modules_load.c - fuzz the modules-load.d / /etc/modules parser.
 */
#include "fuzz.h"
#include "../../config/modules_load.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msgs m = { .verbose = -1, .prog = "fuzz" };
	struct im_strlist l = { 0 };

	im_modules_load_parse((const char *)data, size, "fuzz.conf", &l, &m);
	for (size_t i = 0; i < l.n; i++)
		(void)strlen(l.v[i]);
	im_strlist_free(&l);
	return 0;
}
