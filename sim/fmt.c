/*
 * The bounded text builder (see fmt.h).  Digits are produced into a
 * small local buffer back to front and then appended in one go.
 */
#include "fmt.h"

void fmt_init(struct fmt *f, char *buf, size_t cap)
{
	f->buf = buf;
	f->cap = cap;
	fmt_reset(f);
}

void fmt_reset(struct fmt *f)
{
	f->len = 0;
	f->truncated = false;
	f->buf[0] = '\0';
}

void fmt_mem(struct fmt *f, const char *s, size_t n)
{
	size_t room = f->cap - 1 - f->len;

	if (n > room) {
		n = room;
		f->truncated = true;
	}
	for (size_t i = 0; i < n; i++)
		f->buf[f->len + i] = s[i];
	f->len += n;
	f->buf[f->len] = '\0';
}

void fmt_str(struct fmt *f, const char *s)
{
	fmt_mem(f, s, fmt_strlen(s));
}

void fmt_char(struct fmt *f, char c)
{
	fmt_mem(f, &c, 1);
}

static void fmt_base(struct fmt *f, uint64_t v, unsigned base)
{
	static const char digit[] = "0123456789abcdef";
	char tmp[24];
	size_t n = sizeof tmp;

	do {
		tmp[--n] = digit[v % base];
		v /= base;
	} while (v != 0);
	fmt_mem(f, tmp + n, sizeof tmp - n);
}

void fmt_dec(struct fmt *f, uint64_t v)
{
	fmt_base(f, v, 10);
}

void fmt_hex(struct fmt *f, uint64_t v)
{
	fmt_mem(f, "0x", 2);
	fmt_base(f, v, 16);
}

void fmt_indent(struct fmt *f, unsigned n)
{
	while (n-- > 0)
		fmt_char(f, ' ');
}

size_t fmt_strlen(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0')
		n++;
	return n;
}

bool fmt_streq(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}
