/*
 * A bounded text builder for freestanding code (the executor, the trace,
 * the x86 image): no libc, no allocation.  Appends past the end are
 * dropped and remembered in `truncated`; the buffer always stays
 * NUL-terminated, so a too-small buffer loses text but never memory.
 */
#ifndef KMM_SIM_FMT_H
#define KMM_SIM_FMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fmt {
	char *buf;
	size_t cap;   /* bytes in buf, including the terminating NUL */
	size_t len;   /* bytes of text so far */
	bool truncated;
};

/* Start an empty text in buf[cap]; cap must be at least 1. */
void fmt_init(struct fmt *f, char *buf, size_t cap);
void fmt_reset(struct fmt *f);

void fmt_mem(struct fmt *f, const char *s, size_t n);
void fmt_str(struct fmt *f, const char *s);
void fmt_char(struct fmt *f, char c);
/* Decimal, and hex with a 0x prefix (lower case, no leading zeros). */
void fmt_dec(struct fmt *f, uint64_t v);
void fmt_hex(struct fmt *f, uint64_t v);
/* n spaces. */
void fmt_indent(struct fmt *f, unsigned n);

/* Length of a NUL-terminated string (no libc here). */
size_t fmt_strlen(const char *s);
/* Do the NUL-terminated strings a and b hold the same text? */
bool fmt_streq(const char *a, const char *b);

#endif
