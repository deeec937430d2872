/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * index_text.c - fuzz the text index fallback (modules.dep, modules.alias,
 * modules.builtin, modules.builtin.modinfo): the first byte picks the kind,
 * the rest is the file; then lookups and a walk.
 */
#include "fuzz.h"
#include "../../depgraph/index.h"

static int walk_cb(const char *key, const char *val, void *arg)
{
	size_t *n = arg;

	*n += strlen(key) + strlen(val);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const keys[] = { "ext4", "a", "", "pci:v*", "x_y" };
	struct im_index ix;
	struct im_values v = { 0 };
	const char *val;
	size_t n = 0;
	char *buf;

	if (size < 1)
		return 0;
	buf = fuzz_str(data + 1, size - 1);
	if (!buf)
		return 0;
	if (im_index_open_text_buf(&ix, buf, size - 1, (enum im_text_kind)(data[0] % 4),
				   "fuzz.txt") < 0)
		return 0;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (im_index_lookup(&ix, keys[i], &val) > 0)
			(void)strlen(val);
		im_index_lookup_wild(&ix, keys[i], &v);
		for (size_t j = 0; j < v.n; j++)
			(void)strlen(v.v[j].val);
		v.n = 0;
	}
	im_values_free(&v);
	im_index_walk(&ix, walk_cb, &n);
	im_index_close(&ix);
	return 0;
}
