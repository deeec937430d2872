/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * depmod_main.c - `initmod depmod` and argv[0] `depmod`: kmod's depmod
 * command line, parsed into struct im_depmod_opts for depmod.c.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "../base/names.h"
#include "../depgraph/moddb.h"
#include "depmod.h"
#include "depmod_main.h"

#ifndef INITMOD_VERSION
#define INITMOD_VERSION "0.1"
#endif

static void usage(FILE *f)
{
	fputs("usage: depmod [options] [-a] [KVER]\n"
	      "       depmod [options] KVER /path/to/module.ko...\n"
	      "  -a, --all               index every module (the default)\n"
	      "  -A, --quick             nothing to do when no module is newer than modules.dep\n"
	      "  -b, --basedir DIR       the tree is DIR/lib/modules/KVER\n"
	      "  -C, --config PATH       depmod.d file or directory (repeatable)\n"
	      "  -e, --errsyms           say which needed symbols nothing provides\n"
	      "  -E, --symvers FILE      kernel symbols and CRCs from Module.symvers\n"
	      "  -F, --filesyms FILE     kernel symbols from System.map\n"
	      "  -n, --show, --dry-run   print the text indexes, write nothing\n"
	      "  -P, --symbol-prefix C   architecture symbol prefix\n"
	      "  -w, --warn              warn about duplicate index entries\n"
	      "  -q, --quiet / -v, --verbose\n"
	      "  -j, --jobs N            threads reading modules (default: by the work)\n"
	      "      --no-cache          neither read nor write " IM_DEPMOD_CACHE "\n"
	      "      --no-weakdep        no modules.weakdep (as kmod < 33)\n"
	      "  -V, --version / -h, --help\n", f);
}

/* NO: an option without an argument; ARG: with one */
#define NO(name, val) { name, no_argument, 0, val }
#define ARG(name, val) { name, required_argument, 0, val }
static const struct option longopts[] = {
	/* the tree, the configuration, the kernel's symbols */
	NO("all", 'a'), NO("quick", 'A'), ARG("basedir", 'b'), ARG("config", 'C'),
	ARG("symvers", 'E'), ARG("filesyms", 'F'), ARG("symbol-prefix", 'P'),
	/* what it says and writes */
	NO("errsyms", 'e'), NO("quiet", 'q'), NO("verbose", 'v'), NO("warn", 'w'),
	NO("show", 'n'), NO("dry-run", 'n'), ARG("jobs", 'j'),
	NO("no-cache", 1), NO("no-weakdep", 2),
	NO("version", 'V'), NO("help", 'h'),
	/* kmod's, accepted and ignored */
	NO("unresolved-error", 'u'), NO("root", 'r'), NO("map", 'm'),
	{ 0 },
};
#undef NO
#undef ARG

struct cli {
	struct im_depmod_opts o;
	const char **config;
	size_t nconfig;
	char *root;
};

static int is_version(const char *s)
{
	unsigned a, b;
	char *end;

	return scan_u(s, &end, &a) && *end == '.' && scan_u(end + 1, &end, &b);
}

/* -1: usage error; 1: done (help, version); 0: go on */
static int parse(int argc, char **argv, struct cli *c, struct msgs *m)
{
	int opt;
	char *end;
	long j;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "aAb:C:E:F:euqrvnP:wmj:Vh",
				  longopts, NULL)) != -1) {
		switch (opt) {
		case 'a': break;
		case 'A': c->o.quick = 1; break;
		case 'b':
			free(c->root);
			c->root = optarg[0] == '/' ? strdup(optarg) : NULL;
			if (!c->root) {
				char cwd[PATH_MAX];

				if (!getcwd(cwd, sizeof(cwd)) ||
				    asprintf(&c->root, "%s/%s", cwd, optarg) < 0)
					return msg_err(m, "-b %s: %s", optarg, strerror(errno)), -1;
			}
			break;
		case 'C': {
			const char **n = realloc(c->config, (c->nconfig + 2) * sizeof(*n));

			if (!n)
				return msg_err(m, "out of memory"), -1;
			c->config = n;
			n[c->nconfig++] = optarg;
			n[c->nconfig] = NULL;
			break;
		}
		case 'E': c->o.symvers = optarg; c->o.check_symvers = 1; break;
		case 'F': c->o.system_map = optarg; break;
		case 'e': c->o.print_unknown = 1; break;
		case 'v': c->o.show = 1; m->verbose++; break;
		case 'q': m->verbose = -1; break;
		case 'n': c->o.to_stdout = 1; break;
		case 'w': c->o.warn_dups = 1; break;
		case 'P':
			if (optarg[0] == '\0' || optarg[1] != '\0')
				return msg_err(m, "-P only takes a single char"), -1;
			c->o.sym_prefix = optarg[0];
			break;
		case 'u': case 'r': case 'm':
			msg_warn(m, "Ignored deprecated option -%c", opt);
			break;
		case 'j':
			j = strtol(optarg, &end, 10);
			if (*end || j < 1 || j > 64)
				return msg_err(m, "-j %s: a number of threads from 1 to 64", optarg), -1;
			c->o.threads = (int)j;
			break;
		case 1: c->o.no_cache = 1; break;
		case 2: c->o.no_weakdep = 1; break;
		case 'V':
			printf("initmod %s depmod (kmod 30 compatible, weakdep as kmod 33)\n",
			       INITMOD_VERSION);
			return 1;
		case 'h':
			usage(stdout);
			return 1;
		default:
			usage(stderr);
			return -1;
		}
	}
	if (c->o.print_unknown && !c->o.symvers && !c->o.system_map) {
		msg_warn(m, "-e needs -E or -F");
		c->o.print_unknown = 0;
	}
	return 0;
}

int im_depmod_main(int argc, char **argv)
{
	struct msgs m = { .prog = "depmod", .kmod_levels = 1 };
	struct cli c = { 0 };
	struct utsname un;
	char *dirname = NULL;
	int r = parse(argc, argv, &c, &m);

	if (r != 0) {
		free(c.root);
		free(c.config);
		return r < 0 ? 1 : 0;
	}
	if (optind < argc) {
		if (!is_version(argv[optind])) {
			msg_err(&m, "Bad version passed %s", argv[optind]);
			free(c.root);
			free(c.config);
			return 1;
		}
		c.o.kver = argv[optind++];
	} else {
		uname(&un);
		c.o.kver = un.release;
	}
	c.o.files = (const char *const *)argv + optind;
	c.o.nfiles = (size_t)(argc - optind);
	c.o.config = c.config;
	dirname = im_moddir_path(c.root, c.o.kver);
	if (!dirname) {
		free(c.root);
		free(c.config);
		return 1;
	}
	c.o.dirname = dirname;
	r = im_depmod_run(&c.o, &m);
	fflush(stdout);
	free(dirname);
	free(c.root);
	free(c.config);
	return r;
}

int im_depmod_wanted(int argc, char **argv)
{
	const char *base = argv[0] ? strrchr(argv[0], '/') : NULL;

	base = base ? base + 1 : argv[0];
	if (base && strcmp(base, "depmod") == 0)
		return 1;
	return argc > 1 && strcmp(argv[1], "depmod") == 0 ? 2 : 0;
}
