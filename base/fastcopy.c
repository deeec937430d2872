/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * fastcopy.c - memcpy for the static musl build. musl's x86_64 memcpy is a
 * `rep movsq`, some 30 cycles to start; liblzma's LZ decoder copies each
 * match (2 to 273 bytes) with memcpy, so `initmod depmod` on an xz tree
 * spent a fifth of its time there (7.7 s against 5.5 s for the same code
 * on glibc). Small and medium copies here are unaligned 8/16-byte moves
 * with an overlapping tail, large ones `rep movsb` (fast on ERMS CPUs).
 * glibc builds (unit tests, fuzzing) keep their libc's memcpy; im_memcpy()
 * is always built so the tests can check it.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fastcopy.h"

/* constant-size builtins: unaligned moves, never a call */
static inline void copy16(unsigned char *d, const unsigned char *s)
{
	uint64_t a, b;

	__builtin_memcpy(&a, s, 8);
	__builtin_memcpy(&b, s + 8, 8);
	__builtin_memcpy(d, &a, 8);
	__builtin_memcpy(d + 8, &b, 8);
}

__attribute__((optimize("no-tree-loop-distribute-patterns")))
void *im_memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (n <= 16) {
		if (n >= 8) {
			uint64_t a, b;

			__builtin_memcpy(&a, s, 8);
			__builtin_memcpy(&b, s + n - 8, 8);
			__builtin_memcpy(d, &a, 8);
			__builtin_memcpy(d + n - 8, &b, 8);
		} else if (n >= 4) {
			uint32_t a, b;

			__builtin_memcpy(&a, s, 4);
			__builtin_memcpy(&b, s + n - 4, 4);
			__builtin_memcpy(d, &a, 4);
			__builtin_memcpy(d + n - 4, &b, 4);
		} else if (n) {
			unsigned char a = s[0], b = s[n / 2], c = s[n - 1];

			d[0] = a;
			d[n / 2] = b;
			d[n - 1] = c;
		}
		return dst;
	}
#if defined(__x86_64__)
	if (n > 512) {
		__asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
		return dst;
	}
#endif
	{
		unsigned char *end = d + n;
		const unsigned char *send = s + n;

		while (n > 16) {
			copy16(d, s);
			d += 16;
			s += 16;
			n -= 16;
		}
		copy16(end - 16, send - 16);
	}
	return dst;
}

#if defined(__x86_64__) && !defined(__GLIBC__)
void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	return im_memcpy(dst, src, n);
}

/*
 * musl's memmove jumps to the memcpy object's __memcpy_fwd when a forward
 * copy is safe (dst below src, or no overlap); defining it here keeps that
 * object out of the link. A forward byte copy, as the name promises.
 */
void *__memcpy_fwd(void *dst, const void *src, size_t n);
void *__memcpy_fwd(void *dst, const void *src, size_t n)
{
	void *d = dst;

	__asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
	return dst;
}
#endif
