/*
 * The scenario parser: statements and blocks (the language is in
 * scenarios/README.md).  One statement per line; the first word says
 * which.  Blocks (`repeat N {`, `core N {`) open at the end of a line and
 * close with `}` on a line of its own, nesting at most
 * PARSE_MAX_BLOCK_DEPTH deep.  The result is the unevaluated tree of
 * ast.h; the first error stops the parse.
 */
#include <stdarg.h>
#include <string.h>

#include "names.h"
#include "parse_int.h"
#include "program.h"
#include "scenario.h"
#include "syntax.h"

static bool parse_block(struct parser *p, struct block *out, const struct stmt *owner);

void *ast_alloc(struct scenario *sc, size_t bytes)
{
	void *m = g_malloc0(bytes > 0 ? bytes : 1);

	g_ptr_array_add(sc->arena, m);
	return m;
}

char *ast_strndup(struct scenario *sc, const char *s, size_t n)
{
	char *m = ast_alloc(sc, n + 1);

	memcpy(m, s, n);
	return m;
}

bool parse_error(struct parser *p, struct srcpos pos, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (p->err != NULL)
		return false;
	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	p->err = g_strdup_printf("%s:%u:%u: %s", p->sc->file, pos.line, pos.col, msg);
	g_free(msg);
	return false;
}

struct srcpos tok_pos(const struct token *t)
{
	return (struct srcpos){ t->line, t->col };
}

const char *tok_show(const struct token *t)
{
	static char buf[64];
	size_t n = t->len < 32 ? t->len : 32;

	switch (t->kind) {
	case TOK_EOF:
		return "the end of the file";
	case TOK_EOL:
		return "the end of the line";
	default:
		g_snprintf(buf, sizeof buf, "'%.*s%s'", (int)n, t->text, n < t->len ? "..." : "");
		return buf;
	}
}

bool parse_advance(struct parser *p)
{
	p->tok = lex_next(&p->lx);
	if (p->tok.kind == TOK_ERROR)
		return parse_error(p, tok_pos(&p->tok), "%s", p->lx.error);
	return true;
}

bool parse_at_punct(const struct parser *p, char c)
{
	return p->tok.kind == TOK_PUNCT && p->tok.punct == c;
}

bool parse_expect_punct(struct parser *p, char c, const char *what)
{
	if (!parse_at_punct(p, c))
		return parse_error(p, tok_pos(&p->tok), "expected %s, got %s", what,
				   tok_show(&p->tok));
	return parse_advance(p);
}

static struct stmt *new_stmt(struct parser *p, enum stmt_kind kind, struct srcpos pos)
{
	struct stmt *s = ast_alloc(p->sc, sizeof *s);

	s->kind = kind;
	s->pos = pos;
	return s;
}

/* `let NAME = EXPR` */
static bool parse_let(struct parser *p, struct stmt *s)
{
	if (p->tok.kind != TOK_IDENT)
		return parse_error(p, tok_pos(&p->tok), "expected a name after let, got %s",
				   tok_show(&p->tok));
	s->name = ast_strndup(p->sc, p->tok.text, p->tok.len);
	return parse_advance(p) && parse_expect_punct(p, '=', "'='") && parse_expr(p, &s->e);
}

/* `repeat EXPR {` or `core EXPR {`, then the body. */
static bool parse_blockstmt(struct parser *p, struct stmt *s)
{
	if (s->kind == ST_CORE && p->in_core)
		return parse_error(p, s->pos, "core blocks do not nest");
	if (p->depth >= PARSE_MAX_BLOCK_DEPTH)
		return parse_error(p, s->pos, "blocks nested too deeply (at most %d)",
				   PARSE_MAX_BLOCK_DEPTH);
	if (!parse_expr(p, &s->e) || !parse_expect_punct(p, '{', "'{'"))
		return false;
	if (p->tok.kind != TOK_EOL)
		return parse_error(p, tok_pos(&p->tok), "expected the end of the line after '{'");
	p->depth++;
	p->in_core = p->in_core || s->kind == ST_CORE;
	if (!parse_block(p, &s->body, s))
		return false;
	p->depth--;
	if (s->kind == ST_CORE)
		p->in_core = false;
	return true;
}

/* An invocation: the op word is already consumed. */
static bool parse_invoke(struct parser *p, struct stmt *s)
{
	if (!parse_expr(p, &s->e) || !parse_keys(p, s))
		return false;
	if (p->tok.kind != TOK_ARROW)
		return true;
	return parse_advance(p) && parse_expect(p, &s->expect, EXPECT_INVOCATION);
}

/* Is the token after the current one '='?  (The lexer is a plain value.) */
static bool next_is_equals(const struct parser *p)
{
	struct lexer peek = p->lx;
	struct token t = lex_next(&peek);

	return t.kind == TOK_PUNCT && t.punct == '=';
}

/* A write's value: after the address, or as value=; exactly once. */
static bool write_value(struct parser *p, struct stmt *s)
{
	for (unsigned i = 0; i < s->nkv; i++) {
		if (s->kvs[i].slot != KV_VALUE)
			continue;
		if (s->value != NULL)
			return parse_error(p, s->kvs[i].pos, "the value is given twice");
		s->value = s->kvs[i].vals[0];
	}
	return s->value != NULL ||
	       parse_error(p, s->pos, "write needs a value: write VADDR VALUE");
}

/* `read VADDR [size=N] [-> EXPECT]`, `write VADDR VALUE [size=N] [-> EXPECT]` */
static bool parse_access(struct parser *p, struct stmt *s, const struct token *w)
{
	s->access = tok_is(w, "read") ? PROG_ACCESS_READ : PROG_ACCESS_WRITE;
	if (!parse_expr(p, &s->e))
		return false;
	if (s->access == PROG_ACCESS_WRITE &&
	    !(p->tok.kind == TOK_IDENT && next_is_equals(p)) &&
	    p->tok.kind != TOK_EOL && p->tok.kind != TOK_EOF && p->tok.kind != TOK_ARROW &&
	    !parse_expr(p, &s->value))
		return false;
	if (!parse_keys(p, s))
		return false;
	if (s->access == PROG_ACCESS_WRITE && !write_value(p, s))
		return false;
	if (p->tok.kind != TOK_ARROW)
		return true;
	return parse_advance(p) &&
	       parse_expect(p, &s->expect,
			    s->access == PROG_ACCESS_READ ? EXPECT_READ : EXPECT_WRITE);
}

/*
 * `assert CPTR empty`, `assert CPTR k=v ...`, `assert objects ...`,
 * `assert memory CPTR ...`, `assert pte CPTR ...`, `assert tlb ...`,
 * `assert running ...`
 */
static bool parse_assert(struct parser *p, struct stmt *s)
{
	if (tok_is(&p->tok, "objects")) {
		s->kind = ST_ASSERT_OBJECTS;
		if (!parse_advance(p) || !parse_keys(p, s))
			return false;
		return s->nkv > 0 ||
		       parse_error(p, tok_pos(&p->tok), "expected TYPE=COUNT, e.g. endpoint=1");
	}
	if (tok_is(&p->tok, "tlb") || tok_is(&p->tok, "running")) {
		s->kind = tok_is(&p->tok, "tlb") ? ST_ASSERT_TLB : ST_ASSERT_RUNNING;
		return parse_advance(p) && parse_keys(p, s);
	}
	if (tok_is(&p->tok, "memory") || tok_is(&p->tok, "pte")) {
		s->kind = tok_is(&p->tok, "pte") ? ST_ASSERT_PTE : ST_ASSERT_MEMORY;
		if (!parse_advance(p))
			return false;
	}
	if (!parse_expr(p, &s->e))
		return false;
	if (s->kind == ST_ASSERT_CAP && tok_is(&p->tok, "empty")) {
		s->kind = ST_ASSERT_EMPTY;
		return parse_advance(p);
	}
	if (!parse_keys(p, s))
		return false;
	if (s->nkv == 0 && s->kind == ST_ASSERT_CAP)
		return parse_error(p, tok_pos(&p->tok), "expected 'empty' or key=value");
	return true;
}

/* The named invocations and `invoke`; false if word is neither. */
static bool invocation_word(const struct token *t, uint64_t *label, bool *raw)
{
	const struct syntax_op *syn = syntax_for_name(t->text, t->len);

	*raw = tok_is(t, "invoke");
	*label = syn != NULL ? syn->label : 0;
	return *raw || syn != NULL;
}

static bool parse_simple(struct parser *p, struct stmt *s, const struct token *w)
{
	if (tok_is(w, "preempt")) {
		if (!tok_is(&p->tok, "after"))
			return parse_error(p, tok_pos(&p->tok), "expected 'after' after preempt");
		return parse_advance(p) && parse_expr(p, &s->e);
	}
	if (tok_is(w, "run") || tok_is(w, "model_perturb"))
		return parse_expr(p, &s->e);
	return true;
}

static const struct {
	const char *word;
	enum stmt_kind kind;
} keywords[] = {
	{ "let", ST_LET }, { "check", ST_CHECK }, { "dump", ST_DUMP },
	{ "preempt", ST_PREEMPT }, { "repeat", ST_REPEAT }, { "core", ST_CORE },
	{ "assert", ST_ASSERT_CAP }, { "run", ST_RUN }, { "read", ST_ACCESS },
	{ "write", ST_ACCESS }, { "model_perturb", ST_MODEL_PERTURB },
	{ "barrier", ST_BARRIER },
};

static bool dispatch(struct parser *p, struct stmt *s, const struct token *w)
{
	switch (s->kind) {
	case ST_LET:
		return parse_let(p, s);
	case ST_REPEAT:
	case ST_CORE:
		return parse_blockstmt(p, s);
	case ST_ASSERT_CAP:
		return parse_assert(p, s);
	case ST_INVOKE:
		return parse_invoke(p, s);
	case ST_ACCESS:
		return parse_access(p, s, w);
	default:
		return parse_simple(p, s, w);
	}
}

static bool parse_stmt(struct parser *p, struct stmt **out)
{
	struct token w = p->tok;
	struct stmt *s = NULL;

	if (w.kind != TOK_IDENT)
		return parse_error(p, tok_pos(&w), "expected a statement, got %s", tok_show(&w));
	if (!parse_advance(p))
		return false;
	if (tok_is(&w, "machine"))
		return parse_machine(p, tok_pos(&w));
	for (unsigned i = 0; i < G_N_ELEMENTS(keywords) && s == NULL; i++) {
		if (tok_is(&w, keywords[i].word))
			s = new_stmt(p, keywords[i].kind, tok_pos(&w));
	}
	if (s == NULL) {
		s = new_stmt(p, ST_INVOKE, tok_pos(&w));
		if (!invocation_word(&w, &s->label, &s->raw))
			return parse_error(p, tok_pos(&w), "unknown statement %s", tok_show(&w));
	}
	*out = s;
	return dispatch(p, s, &w);
}

static bool end_of_line(struct parser *p)
{
	if (p->tok.kind == TOK_EOF)
		return true;
	if (p->tok.kind != TOK_EOL)
		return parse_error(p, tok_pos(&p->tok), "unexpected %s at the end of the statement",
				   tok_show(&p->tok));
	return parse_advance(p);
}

/* Statements up to `}` (owner != NULL) or the end of the file. */
static bool parse_block(struct parser *p, struct block *out, const struct stmt *owner)
{
	GPtrArray *items = g_ptr_array_new();
	struct stmt *s;
	bool ok = true;

	while (ok) {
		while (p->tok.kind == TOK_EOL && (ok = parse_advance(p)))
			;
		if (!ok)
			break;
		if (p->tok.kind == TOK_EOF) {
			if (owner != NULL)
				ok = parse_error(p, owner->pos, "this block has no closing '}'");
			break;
		}
		if (parse_at_punct(p, '}')) {
			if (owner == NULL)
				ok = parse_error(p, tok_pos(&p->tok), "'}' without an open block");
			else
				ok = parse_advance(p); /* the owner's line ends here */
			break;
		}
		s = NULL;
		ok = parse_stmt(p, &s) && end_of_line(p);
		p->seen_stmt = true;
		if (ok && s != NULL)
			g_ptr_array_add(items, s);
	}
	out->n = items->len;
	out->items = ast_alloc(p->sc, items->len * sizeof(struct stmt *));
	if (items->len > 0)
		memcpy(out->items, items->pdata, items->len * sizeof(struct stmt *));
	g_ptr_array_free(items, TRUE);
	return ok;
}

struct scenario *scenario_parse(const char *file, const char *text, size_t len, char **err)
{
	struct scenario *sc = g_new0(struct scenario, 1);
	struct parser p = { .sc = sc };

	sc->file = g_strdup(file);
	sc->text = g_memdup2(text, len > 0 ? len : 1);
	sc->len = len;
	sc->arena = g_ptr_array_new_with_free_func(g_free);
	lex_init(&p.lx, sc->text, sc->len);
	if (parse_advance(&p) && parse_block(&p, &sc->top, NULL))
		return sc;
	*err = p.err;
	scenario_free(sc);
	return NULL;
}

void scenario_free(struct scenario *sc)
{
	if (sc == NULL)
		return;
	g_ptr_array_free(sc->arena, TRUE);
	g_free(sc->text);
	g_free(sc->file);
	g_free(sc);
}
