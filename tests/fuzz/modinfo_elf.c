/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * modinfo_elf.c - fuzz depmod's ELF parser (depmod/modinfo_elf.c) on
 * arbitrary images: every header, section offset and size, symbol name
 * offset and __versions entry is attacker-controlled. The records it
 * yields are walked, and the record walker also runs on the raw input, as
 * it would on a corrupt cache entry.
 */
#include "fuzz.h"
#include "../../depmod/modinfo_elf.h"

static size_t walk(const unsigned char *p, const unsigned char *end)
{
	struct im_rec r;
	size_t n = 0;

	while ((p = im_rec_next(p, end, &r)))
		n += strlen(r.s) + (size_t)r.type;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct im_modelf m = { 0 };
	unsigned char *copy = malloc(size ? size : 1);	/* exact size: ASan sees overreads */

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (im_modelf_parse(copy, size, &m) == 0)
		(void)walk(m.rec, im_rec_end(&m));
	else
		(void)strlen(m.why);
	im_modelf_free(&m);
	(void)walk(copy, copy + size);
	free(copy);
	return 0;
}
