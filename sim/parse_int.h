/*
 * The parser's shared state and helpers, for parse.c (statements),
 * parse_expr.c (expressions and expected results) and parse_keys.c
 * (which keys each statement takes).  The parser reads one token ahead
 * and stops at the first error, which it keeps, formatted, in err.
 */
#ifndef KMM_SIM_PARSE_INT_H
#define KMM_SIM_PARSE_INT_H

#include "ast.h"
#include "lex.h"

/* Deepest nesting of blocks and of parentheses, and the longest expression. */
#define PARSE_MAX_BLOCK_DEPTH 64
#define PARSE_MAX_PAREN_DEPTH 128
#define PARSE_MAX_EXPR_NODES 10000

struct parser {
	struct scenario *sc;
	struct lexer lx;
	struct token tok;      /* the current (lookahead) token */
	char *err;             /* the first error, "file:line:col: message" */
	unsigned depth;        /* open blocks */
	bool in_core;          /* inside a core block */
	unsigned expr_nodes;   /* nodes in the expression being parsed */
	bool seen_stmt;        /* a statement came before (machine must be first) */
};

/* Record an error at pos (only the first one counts); returns false. */
bool parse_error(struct parser *p, struct srcpos pos, const char *fmt, ...)
	G_GNUC_PRINTF(3, 4);

/* The current token's position; and "'text'" of it for messages (static buffer). */
struct srcpos tok_pos(const struct token *t);
const char *tok_show(const struct token *t);

/* Move to the next token; false on a lexing error. */
bool parse_advance(struct parser *p);

/* Is the current token the punctuation c? */
bool parse_at_punct(const struct parser *p, char c);

/* Expect punctuation c and move past it. */
bool parse_expect_punct(struct parser *p, char c, const char *what);

/* An expression (parse_expr.c). */
bool parse_expr(struct parser *p, struct expr **out);

/* Whose result parse_expect reads. */
enum expect_mode {
	EXPECT_INVOCATION,   /* a result, then optionally restarts=N */
	EXPECT_WRITE,        /* a result */
	EXPECT_READ          /* a result, or the value read (an expression) */
};

/* After `->`: the expected result (parse_expr.c). */
bool parse_expect(struct parser *p, struct ast_expect **out, enum expect_mode mode);

/*
 * key=value pairs up to `->` or the end of the line, for statement s
 * (parse_keys.c): each key is checked against what s takes, duplicates
 * and missing required keys are errors.
 */
bool parse_keys(struct parser *p, struct stmt *s);

/* The program op kind (enum prog_kind) of an assert statement; 0 for others. */
unsigned parse_assert_kind(enum stmt_kind kind);

/* The machine statement: keys evaluated on the spot (parse_keys.c). */
bool parse_machine(struct parser *p, struct srcpos pos);

#endif
