/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * cmdline.c - fuzz the kernel command-line parser (kmod's MODULE.PARAM=V and
 * modprobe.blacklist=, initmod's list options and initmod.timeout=).
 */
#include "fuzz.h"
#include "../../config/cmdline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msgs m = { .verbose = -1, .prog = "fuzz" };
	struct im_config c;
	char *s;

	if (size >= 4 * IM_CMDLINE_MAX)	/* longer than any kernel takes; the reader
					 * hands over up to 1 MiB, the fuzzer is bounded here */
		return 0;
	s = fuzz_str(data, size);
	if (!s)
		return 0;
	im_config_init(&c);
	im_cmdline_parse(&c, s, &m);
	/* a second pass adds to what is there, as a later file would */
	im_cmdline_parse(&c, s, &m);
	im_config_free(&c);
	free(s);
	return 0;
}
