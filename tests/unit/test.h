/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* test.h - a minimal unit-test runner: TEST() registers, CHECK*() fails the test. */
#ifndef INITMOD_TEST_H
#define INITMOD_TEST_H

#include <stdio.h>
#include <string.h>

struct t {
	const char *name;
	int failed;
};

void t_register(const char *name, void (*fn)(struct t *));
void t_fail(struct t *t, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A fresh temporary directory for this test (removed at exit). */
const char *t_tmpdir(void);
/* Write @len bytes (or strlen) to DIR/NAME; returns the malloc'd path. */
char *t_write(const char *dir, const char *name, const void *data, long len);
/*
 * The Debian module tree a test needs: INITMOD_TEST_ROOT and
 * INITMOD_TEST_KVER name it (make check-unit fetches .cache/kernels/6.12
 * and sets them). 1 with *@root and *@kver when ROOT/lib/modules/KVER
 * holds a modules.dep; else 0 after printing "skip TEST: why", and the
 * test returns, passing without running.
 */
int t_real_tree(struct t *t, const char **root, const char **kver);

#define TEST(fn)							\
	static void fn(struct t *t);					\
	__attribute__((constructor)) static void reg_##fn(void)		\
	{ t_register(#fn, fn); }					\
	static void fn(struct t *t)

#define CHECK(c) do { if (!(c)) { t_fail(t, __FILE__, __LINE__, "%s", #c); return; } } while (0)
#define CHECK_INT(a, b) do { long long _a = (a), _b = (b); if (_a != _b) {	\
	t_fail(t, __FILE__, __LINE__, "%s == %lld, want %lld", #a, _a, _b); return; } } while (0)
#define CHECK_STR(a, b) do { const char *_a = (a), *_b = (b);		\
	if (!_a || !_b || strcmp(_a, _b)) {				\
		t_fail(t, __FILE__, __LINE__, "%s == \"%s\", want \"%s\"", #a, _a ? _a : "(null)", _b ? _b : "(null)"); return; } } while (0)

#endif
