/*
 * Small helpers every kernel file uses: assertions, bit masks, alignment.
 * Assertions are tier 2 of DESIGN §9: cheap, always on, and a failure is a
 * kernel bug, so it panics with the file, line and condition.
 */
#ifndef KMM_UTIL_H
#define KMM_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "../hal.h"

#define KMM_STR2(x) #x
#define KMM_STR(x) KMM_STR2(x)

#define kassert(cond)                                                      \
	do {                                                               \
		if (!(cond))                                               \
			hal_panic(__FILE__ ":" KMM_STR(__LINE__)           \
				  ": assertion failed: " #cond);           \
	} while (0)

#define kpanic(msg) hal_panic(__FILE__ ":" KMM_STR(__LINE__) ": " msg)

/* Low n bits set; n may be 0..64. */
static inline uint64_t mask_bits(unsigned n)
{
	return n >= 64 ? ~0ull : (1ull << n) - 1;
}

static inline uint64_t bit(unsigned n)
{
	return 1ull << n;
}

static inline uint64_t align_up(uint64_t x, unsigned bits)
{
	return (x + mask_bits(bits)) & ~mask_bits(bits);
}

static inline bool is_aligned(uint64_t x, unsigned bits)
{
	return (x & mask_bits(bits)) == 0;
}

/* Provided by the platform (libc in the simulator, hal_x86's own on metal). */
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);

void kputs(const char *s);
void kput_u64(uint64_t v, unsigned base);

#endif
