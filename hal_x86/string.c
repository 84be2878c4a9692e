/*
 * string.c: the four memory functions kernel_core may call (and that the
 * compiler may emit calls to on its own), for the freestanding x86 image.
 * memcpy and memset are single rep-string instructions; memmove copies
 * backwards byte by byte when the ranges overlap the wrong way; memcmp is
 * a byte loop.  meson.build builds hal_x86 with
 * -fno-tree-loop-distribute-patterns so that the compiler cannot turn
 * these loops back into calls to themselves.  The direction flag is clear
 * on every call (the ABI guarantees it; isr.S clears it on exceptions).
 */
#include "x86.h"

/* Copy n bytes from src to dst; the ranges must not overlap.  Returns dst. */
void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
	void *d = dst;

	__asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
	return dst;
}

/* Set n bytes at dst to (unsigned char)c.  Returns dst. */
void *memset(void *dst, int c, size_t n)
{
	void *d = dst;

	__asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
	return dst;
}

/* Copy n bytes from src to dst; the ranges may overlap.  Returns dst. */
void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0)
		return dst;
	if (d < s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

/* Compare n bytes: <0, 0 or >0 as a is below, equal to or above b. */
int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] < y[i] ? -1 : 1;
	return 0;
}
