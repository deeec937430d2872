/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* runner.c - runs every registered test, prints "N passed, N failed". */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test.h"

static struct { const char *name; void (*fn)(struct t *); } tests[512];
static int ntests;
static char tmproot[] = "/tmp/initmod-test.XXXXXX";
static int tmpseq;

void t_register(const char *name, void (*fn)(struct t *))
{
	if (ntests < (int)(sizeof(tests) / sizeof(tests[0]))) {
		tests[ntests].name = name;
		tests[ntests++].fn = fn;
	}
}

void t_fail(struct t *t, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	t->failed = 1;
	printf("FAIL %s: %s:%d: ", t->name, file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

const char *t_tmpdir(void)
{
	static char buf[64];

	snprintf(buf, sizeof(buf), "%s/%d", tmproot, tmpseq++);
	if (mkdir(buf, 0755) < 0) {
		perror(buf);
		exit(2);
	}
	return buf;
}

char *t_write(const char *dir, const char *name, const void *data, long len)
{
	char *path = malloc(strlen(dir) + strlen(name) + 2);
	FILE *f;

	sprintf(path, "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f) {
		perror(path);
		exit(2);
	}
	fwrite(data, 1, len < 0 ? (long)strlen(data) : len, f);
	fclose(f);
	return path;
}

int t_real_tree(struct t *t, const char **root, const char **kver)
{
	char dep[4096];

	*root = getenv("INITMOD_TEST_ROOT");
	*kver = getenv("INITMOD_TEST_KVER");
	if (!*root || !**root || !*kver || !**kver) {
		printf("skip %s: no module tree (INITMOD_TEST_ROOT, INITMOD_TEST_KVER unset; make check-unit fetches one)\n",
		       t->name);
		return 0;
	}
	snprintf(dep, sizeof(dep), "%s/lib/modules/%s/modules.dep", *root, *kver);
	if (access(dep, R_OK) < 0) {
		printf("skip %s: no module tree (%s: %s)\n", t->name, dep,
		       strerror(errno));
		return 0;
	}
	return 1;
}

int main(int argc, char **argv)
{
	int i, passed = 0, failed = 0;
	char cmd[128];

	if (!mkdtemp(tmproot)) {
		perror("mkdtemp");
		return 2;
	}
	for (i = 0; i < ntests; i++) {
		struct t t = { tests[i].name, 0 };

		if (argc > 1 && !strstr(tests[i].name, argv[1]))
			continue;
		tests[i].fn(&t);
		if (t.failed)
			failed++;
		else
			passed++;
		if (!t.failed && getenv("VERBOSE"))
			printf("ok %s\n", t.name);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmproot);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", tmproot);
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
