/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * modprobe_d.c - fuzz the modprobe.d parser: parse the input as one file,
 * then ask the lookups the resolver asks (softdeps, patterns, blacklist).
 */
#include "fuzz.h"
#include "../../config/modprobe_d.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "ext4", "snd_hda_intel", "a", "" };
	struct msgs m = { .verbose = -1, .prog = "fuzz" };
	struct im_config c;

	im_config_init(&c);
	im_config_parse_buf(&c, (const char *)data, size, "fuzz.conf", &m);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		im_config_softdep_for(&c, names[i]);
		im_strlist_has(&c.blacklist, names[i]);
		for (size_t j = 0; j < c.naliases; j++)
			im_pattern_match(c.aliases[j].name, c.aliases[j].wild,
					 names[i]);
	}
	im_config_free(&c);
	return 0;
}
