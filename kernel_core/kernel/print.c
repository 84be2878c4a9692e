/* Minimal console output for boot messages; everything goes to hal_console_write. */
#include "util.h"

void kputs(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	hal_console_write(s, n);
}

void kput_u64(uint64_t v, unsigned base)
{
	char buf[64];  /* 2^64 - 1 in base 2 */
	unsigned i = sizeof(buf);

	kassert(base >= 2 && base <= 16);
	do {
		buf[--i] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v && i > 0);
	hal_console_write(buf + i, sizeof(buf) - i);
}
