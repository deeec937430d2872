/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * index_bin.c - fuzz the binary index reader (modules.*.bin) on arbitrary
 * bytes: open from memory, exact and wildcard lookups of fixed keys and of
 * keys taken from the input, and a full walk.
 */
#include <errno.h>

#include "fuzz.h"
#include "../../depgraph/index.h"

static const char *const keys[] = {
	"", "a", "ext4", "snd_hda_intel", "pci:v00008086d00001234sv*",
	"pci:v00008086d00001234sv00001028sd00000001bc02sc00i00",
	"usb:v1D6Bp0002d0606dc09dsc00dp03ic09isc00ip00in00",
	"symbol:crc32c", "*", "?", "[a-z]*", "fs-btrfs",
};

static int walk_cb(const char *key, const char *val, void *arg)
{
	size_t *n = arg;

	/* touch every byte: ASan sees reads past what the reader checked */
	*n += strlen(key) + strlen(val);
	return 0;
}

static void lookups(struct im_index *ix, const char *key)
{
	struct im_values v = { 0 };
	const char *val;

	if (im_index_lookup(ix, key, &val) > 0)
		(void)strlen(val);
	if (im_index_lookup_wild(ix, key, &v) > 0)
		for (size_t i = 0; i < v.n; i++)
			(void)strlen(v.v[i].val);
	im_values_free(&v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct im_index ix;
	size_t n = 0, i;
	char key[64];

	if (im_index_open_mem(&ix, data, size, "fuzz.bin") < 0)
		return 0;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		lookups(&ix, keys[i]);
	/* a key made of the input's tail: reaches deep prefixes */
	n = size < sizeof(key) - 1 ? size : sizeof(key) - 1;
	for (i = 0; i < n; i++) {
		unsigned char c = data[size - n + i];

		key[i] = c ? (char)c : 'x';
	}
	key[n] = '\0';
	lookups(&ix, key);
	n = 0;
	im_index_walk(&ix, walk_cb, &n);
	im_index_close(&ix);
	return 0;
}
