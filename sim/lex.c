/*
 * The scenario lexer (see lex.h).  It never reads past len and never
 * allocates, so enormous lines and binary input cost time proportional to
 * their size and nothing else.
 */
#include <glib.h>
#include <string.h>

#include "lex.h"

void lex_init(struct lexer *lx, const char *text, size_t len)
{
	*lx = (struct lexer){ .text = text, .len = len, .line = 1 };
}

bool tok_is(const struct token *tok, const char *word)
{
	return tok->kind == TOK_IDENT && strlen(word) == tok->len &&
	       memcmp(tok->text, word, tok->len) == 0;
}

static uint32_t col_of(const struct lexer *lx, size_t pos)
{
	size_t c = pos - lx->line_start + 1;

	return c > UINT32_MAX ? UINT32_MAX : (uint32_t)c;
}

static struct token make(struct lexer *lx, enum tok_kind kind, size_t start)
{
	return (struct token){ .kind = kind, .line = lx->line, .col = col_of(lx, start),
			       .text = lx->text + start, .len = lx->pos - start };
}

static struct token fail(struct lexer *lx, size_t at, const char *msg)
{
	struct token t = make(lx, TOK_ERROR, at);

	g_strlcpy(lx->error, msg, sizeof lx->error);
	lx->pos = lx->len;
	return t;
}

static bool is_ident_char(char c)
{
	return g_ascii_isalnum(c) || c == '_';
}

static void skip_blanks(struct lexer *lx)
{
	while (lx->pos < lx->len) {
		char c = lx->text[lx->pos];

		if (c == ' ' || c == '\t' || c == '\r') {
			lx->pos++;
		} else if (c == '#') {
			while (lx->pos < lx->len && lx->text[lx->pos] != '\n' &&
			       lx->text[lx->pos] != '\0')
				lx->pos++;
		} else {
			return;
		}
	}
}

static unsigned digit_value(char c)
{
	return g_ascii_isdigit(c) ? (unsigned)(c - '0') : (unsigned)g_ascii_xdigit_value(c);
}

/* Digits in base into *v; false on overflow. */
static bool digits(struct lexer *lx, unsigned base, uint64_t *v)
{
	*v = 0;
	while (lx->pos < lx->len && g_ascii_isxdigit(lx->text[lx->pos]) &&
	       digit_value(lx->text[lx->pos]) < base) {
		unsigned d = digit_value(lx->text[lx->pos++]);

		if (*v > (UINT64_MAX - d) / base)
			return false;
		*v = *v * base + d;
	}
	return true;
}

static unsigned suffix_shift(char c)
{
	switch (c) {
	case 'K': case 'k': return 10;
	case 'M': case 'm': return 20;
	case 'G': case 'g': return 30;
	}
	return 0;
}

static struct token number(struct lexer *lx)
{
	size_t start = lx->pos;
	bool hex = lx->len - lx->pos >= 2 && lx->text[lx->pos] == '0' &&
		   (lx->text[lx->pos + 1] == 'x' || lx->text[lx->pos + 1] == 'X');
	unsigned shift;
	uint64_t v;
	struct token t;

	lx->pos += hex ? 2 : 0;
	if (hex && (lx->pos >= lx->len || !g_ascii_isxdigit(lx->text[lx->pos])))
		return fail(lx, start, "bad number: 0x needs hex digits");
	if (!digits(lx, hex ? 16 : 10, &v))
		return fail(lx, start, "number too large (the limit is 2^64 - 1)");
	shift = lx->pos < lx->len ? suffix_shift(lx->text[lx->pos]) : 0;
	if (shift != 0) {
		lx->pos++;
		if (v > UINT64_MAX >> shift)
			return fail(lx, start, "number too large (the limit is 2^64 - 1)");
		v <<= shift;
	}
	if (lx->pos < lx->len && is_ident_char(lx->text[lx->pos]))
		return fail(lx, start, "bad number: unexpected letter after the digits");
	t = make(lx, TOK_NUMBER, start);
	t.value = v;
	return t;
}

static struct token ident(struct lexer *lx)
{
	size_t start = lx->pos;

	while (lx->pos < lx->len && is_ident_char(lx->text[lx->pos]))
		lx->pos++;
	return make(lx, TOK_IDENT, start);
}

static struct token dollar(struct lexer *lx)
{
	size_t start = lx->pos++;
	const char *levels = "ijk";
	const char *p;
	struct token t;

	if (lx->pos >= lx->len || lx->text[lx->pos] == '\0' ||
	    (p = strchr(levels, lx->text[lx->pos])) == NULL)
		return fail(lx, start, "expected $i, $j or $k");
	lx->pos++;
	if (lx->pos < lx->len && is_ident_char(lx->text[lx->pos]))
		return fail(lx, start, "expected $i, $j or $k");
	t = make(lx, TOK_INDEX, start);
	t.value = (uint64_t)(p - levels);
	return t;
}

static struct token punct(struct lexer *lx)
{
	size_t start = lx->pos;
	char c = lx->text[lx->pos++];
	char n = lx->pos < lx->len ? lx->text[lx->pos] : '\0';
	struct token t;

	if ((c == '<' && n == '<') || (c == '>' && n == '>') || (c == '-' && n == '>')) {
		lx->pos++;
		return make(lx, c == '<' ? TOK_SHL : c == '>' ? TOK_SHR : TOK_ARROW, start);
	}
	if (strchr("=,(){}+-*|&", c) == NULL || c == '\0')
		return fail(lx, start, "unexpected character");
	t = make(lx, TOK_PUNCT, start);
	t.punct = c;
	return t;
}

static struct token bad_byte(struct lexer *lx)
{
	char msg[64];
	unsigned char c = (unsigned char)lx->text[lx->pos];

	g_snprintf(msg, sizeof msg, "unexpected byte 0x%02x (scenarios are ASCII text)", c);
	return fail(lx, lx->pos, msg);
}

struct token lex_next(struct lexer *lx)
{
	char c;

	skip_blanks(lx);
	if (lx->pos >= lx->len)
		return make(lx, lx->error[0] ? TOK_ERROR : TOK_EOF, lx->pos);
	c = lx->text[lx->pos];
	if (c == '\n') {
		struct token t = make(lx, TOK_EOL, lx->pos);

		lx->pos++;
		lx->line++;
		lx->line_start = lx->pos;
		return t;
	}
	if (g_ascii_isdigit(c))
		return number(lx);
	if (g_ascii_isalpha(c) || c == '_')
		return ident(lx);
	if (c == '$')
		return dollar(lx);
	if (!g_ascii_isprint(c))
		return bad_byte(lx);
	return punct(lx);
}
