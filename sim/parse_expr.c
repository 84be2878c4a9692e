/*
 * Expressions and expected results.
 *
 * EXPR is built from numbers, names, $i/$j/$k, parentheses and the binary
 * operators below, loosest first (as in C):  |  &  << >>  + -  *
 * Parentheses nest at most PARSE_MAX_PAREN_DEPTH deep and one expression
 * has at most PARSE_MAX_EXPR_NODES nodes, so hostile input cannot
 * exhaust the stack here or in the evaluator.
 *
 * EXPECT is `ok`, an error name, CapFault, VmFault or NoThread, each
 * optionally with (d0, d1, ...) detail words, then, for invocations,
 * optionally `restarts=N`.  A read may expect the value it reads
 * instead: any expression that does not start with a result name.
 */
#include <string.h>

#include "names.h"
#include "parse_int.h"
#include "program.h"
#include "trace.h"

static bool parse_level(struct parser *p, unsigned level, unsigned parens, struct expr **out);

static struct expr *node(struct parser *p, enum expr_kind kind, struct srcpos pos)
{
	struct expr *e;

	if (++p->expr_nodes > PARSE_MAX_EXPR_NODES) {
		parse_error(p, pos, "expression too long (more than %d terms)",
			    PARSE_MAX_EXPR_NODES);
		return NULL;
	}
	e = ast_alloc(p->sc, sizeof *e);
	e->kind = kind;
	e->pos = pos;
	return e;
}

static bool atom(struct parser *p, unsigned parens, struct expr **out)
{
	struct token t = p->tok;
	struct expr *e;

	if (parse_at_punct(p, '(')) {
		if (parens >= PARSE_MAX_PAREN_DEPTH)
			return parse_error(p, tok_pos(&t), "parentheses nested too deeply");
		return parse_advance(p) && parse_level(p, 0, parens + 1, out) &&
		       parse_expect_punct(p, ')', "')'");
	}
	if (t.kind != TOK_NUMBER && t.kind != TOK_IDENT && t.kind != TOK_INDEX)
		return parse_error(p, tok_pos(&t), "expected a value, got %s", tok_show(&t));
	e = node(p, t.kind == TOK_NUMBER ? EX_NUM : t.kind == TOK_INDEX ? EX_INDEX : EX_NAME,
		 tok_pos(&t));
	if (e == NULL)
		return false;
	e->value = t.value;
	if (t.kind == TOK_IDENT)
		e->name = ast_strndup(p->sc, t.text, t.len);
	*out = e;
	return parse_advance(p);
}

/* The operator of the current token at precedence level, or 0. */
static char op_at(const struct parser *p, unsigned level)
{
	static const char *const levels[] = { "|", "&", "<>", "+-", "*" };
	char c;

	if (p->tok.kind == TOK_SHL || p->tok.kind == TOK_SHR)
		c = p->tok.kind == TOK_SHL ? '<' : '>';
	else if (p->tok.kind == TOK_PUNCT)
		c = p->tok.punct;
	else
		return 0;
	return strchr(levels[level], c) != NULL ? c : 0;
}

static bool parse_level(struct parser *p, unsigned level, unsigned parens, struct expr **out)
{
	struct expr *l, *r, *b;
	char op;

	if (level == 5)
		return atom(p, parens, out);
	if (!parse_level(p, level + 1, parens, &l))
		return false;
	while ((op = op_at(p, level)) != 0) {
		struct srcpos pos = tok_pos(&p->tok);

		if (!parse_advance(p) || !parse_level(p, level + 1, parens, &r))
			return false;
		b = node(p, EX_BINARY, pos);
		if (b == NULL)
			return false;
		b->op = op;
		b->l = l;
		b->r = r;
		l = b;
	}
	*out = l;
	return true;
}

bool parse_expr(struct parser *p, struct expr **out)
{
	p->expr_nodes = 0;
	return parse_level(p, 0, 0, out);
}

/* (d0, d1, ...) after a result name. */
static bool detail_list(struct parser *p, struct ast_expect *x)
{
	if (!parse_advance(p))
		return false;
	x->exact = true;
	if (parse_at_punct(p, ')'))
		return parse_advance(p);
	for (;;) {
		if (x->ndetail == KMM_RESULT_MAX_DETAIL)
			return parse_error(p, tok_pos(&p->tok), "at most %d detail words",
					   KMM_RESULT_MAX_DETAIL);
		if (!parse_expr(p, &x->detail[x->ndetail++]))
			return false;
		if (!parse_at_punct(p, ','))
			return parse_expect_punct(p, ')', "',' or ')'");
		if (!parse_advance(p))
			return false;
	}
}

static bool result_name(struct parser *p, struct ast_expect *x)
{
	struct token t = p->tok;
	uint64_t code;
	unsigned kind;

	if (t.kind == TOK_IDENT && names_find(&names_errors, t.text, t.len, &code)) {
		x->kind = PROG_EXPECT_REPLY;
		x->error = (uint8_t)code;
	} else if (t.kind == TOK_IDENT && trace_result_kind(t.text, t.len, &kind) &&
		   kind != KMM_RESULT_PREEMPTED) {
		x->kind = (uint8_t)(kind + 1);
	} else if (tok_is(&t, "preempted")) {
		return parse_error(p, tok_pos(&t),
				   "'preempted' cannot be expected: preempted invocations are "
				   "re-issued until they finish; expect their result and restarts=N");
	} else {
		return parse_error(p, tok_pos(&t),
				   "expected a result (ok, an error name such as DeleteFirst, "
				   "CapFault, VmFault or NoThread), got %s", tok_show(&t));
	}
	return parse_advance(p);
}

/* Does the current token start a result (as opposed to a value)? */
static bool at_result_name(const struct parser *p)
{
	const struct token *t = &p->tok;
	uint64_t code;
	unsigned kind;

	return t->kind == TOK_IDENT &&
	       (names_find(&names_errors, t->text, t->len, &code) ||
		trace_result_kind(t->text, t->len, &kind));
}

/* A read's expected value: VALUE(v), exact. */
static bool value_expect(struct parser *p, struct ast_expect *x)
{
	x->kind = PROG_EXPECT_VALUE;
	x->exact = true;
	x->ndetail = 1;
	return parse_expr(p, &x->detail[0]);
}

bool parse_expect(struct parser *p, struct ast_expect **out, enum expect_mode mode)
{
	struct ast_expect *x = ast_alloc(p->sc, sizeof *x);

	x->pos = tok_pos(&p->tok);
	if (mode == EXPECT_WRITE && !at_result_name(p))
		return parse_error(p, x->pos, "a write gives ok or a fault (VmFault, NoThread), "
				   "not a value; got %s", tok_show(&p->tok));
	if (mode == EXPECT_READ && !at_result_name(p)) {
		if (!value_expect(p, x))
			return false;
	} else if (!result_name(p, x) || (parse_at_punct(p, '(') && !detail_list(p, x))) {
		return false;
	}
	if (tok_is(&p->tok, "restarts") && mode != EXPECT_INVOCATION)
		return parse_error(p, tok_pos(&p->tok), "restarts= is for invocations only: "
				   "a user access is never preempted");
	if (tok_is(&p->tok, "restarts")) {
		if (!parse_advance(p) || !parse_expect_punct(p, '=', "'=' after restarts") ||
		    !parse_expr(p, &x->restarts))
			return false;
	}
	*out = x;
	return true;
}
