/*
 * The scenario lexer: turns scenario text into tokens one at a time, with
 * 1-based line and column (in bytes) for messages.  Numbers are decimal
 * or 0x hex with an optional K/M/G suffix, checked for overflow here;
 * `#` starts a comment; any byte outside printable ASCII (NUL, binary
 * garbage, UTF-8) is an error at its position, never a crash.
 */
#ifndef KMM_SIM_LEX_H
#define KMM_SIM_LEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum tok_kind {
	TOK_EOF = 0,
	TOK_EOL,
	TOK_IDENT,
	TOK_NUMBER,
	TOK_INDEX,     /* $i $j $k: value is 0, 1, 2 (levels out from the innermost repeat) */
	TOK_PUNCT,     /* one of = , ( ) { } + - * | & */
	TOK_SHL,       /* << */
	TOK_SHR,       /* >> */
	TOK_ARROW,     /* -> */
	TOK_ERROR      /* lexing failed: the message is in the lexer */
};

struct token {
	enum tok_kind kind;
	char punct;          /* TOK_PUNCT */
	uint32_t line, col;
	const char *text;    /* TOK_IDENT: the name (not NUL-terminated) */
	size_t len;
	uint64_t value;      /* TOK_NUMBER, TOK_INDEX */
};

struct lexer {
	const char *text;
	size_t len;
	size_t pos;
	uint32_t line;
	size_t line_start;   /* offset of the current line's first byte */
	char error[160];     /* TOK_ERROR: what went wrong */
};

/* Start lexing text[0..len). */
void lex_init(struct lexer *lx, const char *text, size_t len);

/* The next token; TOK_ERROR sets lx->error and is sticky. */
struct token lex_next(struct lexer *lx);

/* Does tok spell the identifier word? */
bool tok_is(const struct token *tok, const char *word);

#endif
