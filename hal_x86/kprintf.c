/*
 * kprintf.c: formatted console output for hal_x86's own messages (boot
 * info, the smoke program, exceptions).  A small printf: %c %s %d %u %x
 * %p and %%, with an optional 0 flag, a field width, and the l / ll / z
 * length modifiers; nothing else.  Output is gathered in a small buffer
 * and handed to hal_console_write.
 */
#include <stdarg.h>

#include "hal.h"
#include "x86.h"

struct out {
	char buf[128];
	size_t len;
};

static void put(struct out *o, char c)
{
	if (o->len == sizeof(o->buf)) {
		hal_console_write(o->buf, o->len);
		o->len = 0;
	}
	o->buf[o->len++] = c;
}

static void put_str(struct out *o, const char *s)
{
	if (!s)
		s = "(null)";
	while (*s)
		put(o, *s++);
}

static void put_num(struct out *o, uint64_t v, unsigned base, unsigned width, char pad)
{
	char digits[24];
	unsigned n = 0;

	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (width > n) {
		put(o, pad);
		width--;
	}
	while (n)
		put(o, digits[--n]);
}

/* Read an integer argument of the given length (0 int, 1 long, 2 long long). */
static uint64_t arg_unsigned(va_list *ap, unsigned lenmod)
{
	if (lenmod == 0)
		return va_arg(*ap, unsigned);
	return lenmod == 1 ? va_arg(*ap, unsigned long) : va_arg(*ap, unsigned long long);
}

static int64_t arg_signed(va_list *ap, unsigned lenmod)
{
	if (lenmod == 0)
		return va_arg(*ap, int);
	return lenmod == 1 ? va_arg(*ap, long) : va_arg(*ap, long long);
}

static void put_signed(struct out *o, int64_t v, unsigned width, char pad)
{
	if (v < 0) {
		put(o, '-');
		put_num(o, 0 - (uint64_t)v, 10, width ? width - 1 : 0, pad);
	} else {
		put_num(o, (uint64_t)v, 10, width, pad);
	}
}

/* One conversion at *fmt (just past the '%'); returns the next position. */
static const char *convert(struct out *o, const char *fmt, va_list *ap)
{
	char pad = ' ';
	unsigned width = 0, lenmod = 0;

	if (*fmt == '0')
		pad = *fmt++;
	while (*fmt >= '0' && *fmt <= '9')
		width = width * 10 + (unsigned)(*fmt++ - '0');
	while (*fmt == 'l' || *fmt == 'z') {
		lenmod = *fmt == 'z' ? 1 : lenmod + 1;
		fmt++;
	}
	switch (*fmt) {
	case 'c':
		put(o, (char)va_arg(*ap, int));
		break;
	case 's':
		put_str(o, va_arg(*ap, const char *));
		break;
	case 'd':
		put_signed(o, arg_signed(ap, lenmod), width, pad);
		break;
	case 'u':
		put_num(o, arg_unsigned(ap, lenmod), 10, width, pad);
		break;
	case 'x':
		put_num(o, arg_unsigned(ap, lenmod), 16, width, pad);
		break;
	case 'p':
		put_str(o, "0x");
		put_num(o, (uint64_t)(uintptr_t)va_arg(*ap, void *), 16, 16, '0');
		break;
	case '\0':
		return fmt;
	default:
		put(o, *fmt);
	}
	return fmt + 1;
}

/* printf to the console; the formats are checked by the compiler. */
void kprintf(const char *fmt, ...)
{
	struct out o = { .len = 0 };
	va_list ap;

	va_start(ap, fmt);
	while (*fmt) {
		if (*fmt == '%')
			fmt = convert(&o, fmt + 1, &ap);
		else
			put(&o, *fmt++);
	}
	va_end(ap);
	hal_console_write(o.buf, o.len);
}
