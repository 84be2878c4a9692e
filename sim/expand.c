/*
 * Expansion: from the parsed scenario to program ops, once the machine
 * has booted.  Names get their values here (the bootinfo names ut0,
 * dev0, ut_main, first_free, and the scenario's lets, in program order),
 * repeats are unrolled with $i/$j/$k bound, each statement becomes one
 * prog_op appended to its core's stream, and every value is checked
 * against the field it goes into.
 *
 * Work is bounded: at most EXPAND_MAX_WORK statements are visited in
 * all (so `repeat 1000000000000 { }` is an error, not a hang) and the
 * progbuf refuses ops beyond its limits.
 */
#include <string.h>

#include <kmm/abi.h>

#include "eval.h"
#include "names.h"
#include "parse_int.h"
#include "scenario.h"
#include "syntax.h"

#define EXPAND_MAX_WORK 200000000ull

struct expander {
	struct eval_env env;
	const struct kmm_bootinfo *bi;
	unsigned cores;
	unsigned core;           /* the core ops go to now */
	bool in_core;            /* inside a core block */
	uint64_t work;           /* statements visited */
	uint64_t index[PARSE_MAX_BLOCK_DEPTH];
	struct progbuf *pb;
};

static bool expand_block(struct expander *x, const struct block *b);

static void define(GHashTable *t, const char *name, uint64_t v)
{
	uint64_t *p = g_hash_table_lookup(t, name);

	if (p == NULL) {
		p = g_new(uint64_t, 1);
		g_hash_table_insert(t, g_strdup(name), p);
	}
	*p = v;
}

static void define_untypeds(GHashTable *t, const struct kmm_bootinfo *bi)
{
	unsigned nram = 0, ndev = 0;
	int main_ut = -1;
	char name[32];

	for (uint32_t i = 0; i < bi->untyped_count && i < KMM_MAX_BOOT_UNTYPED; i++) {
		const struct kmm_boot_untyped *u = &bi->untyped[i];

		g_snprintf(name, sizeof name, u->is_device ? "dev%u" : "ut%u",
			   u->is_device ? ndev++ : nram++);
		define(t, name, bi->untyped_first + i);
		if (!u->is_device &&
		    (main_ut < 0 || u->size_bits > bi->untyped[main_ut].size_bits))
			main_ut = (int)i;
	}
	if (main_ut >= 0)
		define(t, "ut_main", bi->untyped_first + (uint32_t)main_ut);
}

static void define_table(GHashTable *t, const struct name_table *nt)
{
	for (unsigned i = 0; i < nt->count; i++)
		define(t, nt->names[i], nt->first + i);
}

static GHashTable *builtins(const struct kmm_bootinfo *bi)
{
	GHashTable *t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);

	define(t, "root_tcb", KMM_CAP_ROOT_TCB);
	define(t, "root_cnode", KMM_CAP_ROOT_CNODE);
	define(t, "root_vspace", KMM_CAP_ROOT_VSPACE);
	define(t, "asid_control", KMM_CAP_ASID_CONTROL);
	define(t, "root_asid_pool", KMM_CAP_ROOT_ASID_POOL);
	define(t, "first_free", bi->empty_first);
	define_table(t, &names_object_types);
	define_table(t, &names_lookup_kinds);
	define_untypeds(t, bi);
	return t;
}

static bool value(struct expander *x, const struct expr *e, unsigned fmt, uint64_t *v)
{
	return eval_expr(&x->env, e, fmt, v);
}

/* A value that must lie in [lo, hi]. */
static bool bounded(struct expander *x, const struct expr *e, unsigned fmt, uint64_t lo,
		    uint64_t hi, const char *what, uint64_t *v)
{
	if (!value(x, e, fmt, v))
		return false;
	if (*v < lo || *v > hi)
		return eval_error(&x->env, e->pos, "%s must be between %llu and %llu, not %llu",
				  what, (unsigned long long)lo, (unsigned long long)hi,
				  (unsigned long long)*v);
	return true;
}

static bool emit(struct expander *x, struct prog_op *op, const struct stmt *s)
{
	op->core = (uint8_t)x->core;
	op->line = s->pos.line;
	if (progbuf_add(x->pb, op))
		return true;
	return eval_error(&x->env, s->pos, "program too large after expanding repeats "
			  "(at most %llu ops and 1 GiB)", (unsigned long long)PROG_MAX_OPS);
}

static bool expect(struct expander *x, const struct ast_expect *a, struct prog_expect *e)
{
	e->kind = a->kind;
	e->error = a->error;
	e->exact = a->exact;
	e->ndetail = (uint8_t)a->ndetail;
	for (unsigned i = 0; i < a->ndetail; i++) {
		if (!value(x, a->detail[i], syntax_detail_fmt(a->kind, a->error, i),
			   &e->detail[i]))
			return false;
	}
	e->check_restarts = a->restarts != NULL;
	return a->restarts == NULL || value(x, a->restarts, SYN_DEC, &e->restarts);
}

static void named_defaults(struct prog_op *op)
{
	const struct syntax_op *syn = syntax_for_label(op->label);

	op->nwords = op->send_words = syn->nwords;
	op->ncaps = op->send_caps = syn->ncaps;
	for (unsigned i = 0; i < syn->nwords; i++)
		op->words[i] = syn->word[i].dflt;
	for (unsigned i = 0; i < syn->ncaps; i++)
		op->caps[i] = syn->cap[i].dflt;
}

/* Raw invoke lists: args= and caps= set the built counts. */
static bool invoke_list(struct expander *x, const struct kv *kv, struct prog_op *op)
{
	uint64_t *dst = kv->slot == KV_ARGS ? op->words : op->caps;

	for (unsigned i = 0; i < kv->nvals; i++) {
		if (!value(x, kv->vals[i], kv->fmt, &dst[i]))
			return false;
	}
	if (kv->slot == KV_ARGS)
		op->nwords = op->send_words = (uint8_t)kv->nvals;
	else
		op->ncaps = op->send_caps = (uint8_t)kv->nvals;
	return true;
}

static bool invoke_key(struct expander *x, const struct kv *kv, struct prog_op *op,
		       uint64_t *nwords, uint64_t *ncaps)
{
	const struct expr *e = kv->vals[0];

	switch (kv->slot) {
	case KV_WORD:
		return value(x, e, kv->fmt, &op->words[kv->index]);
	case KV_CAP:
		return value(x, e, kv->fmt, &op->caps[kv->index]);
	case KV_LABEL:
		return value(x, e, kv->fmt, &op->label);
	case KV_NWORDS:
		return bounded(x, e, SYN_DEC, 0, KMM_MSG_MAX_WORDS, "nwords", nwords);
	case KV_NCAPS:
		return bounded(x, e, SYN_DEC, 0, KMM_MSG_MAX_CAPS, "ncaps", ncaps);
	default:
		return invoke_list(x, kv, op);
	}
}

static bool expand_invoke(struct expander *x, const struct stmt *s)
{
	struct prog_op op = { .kind = PROG_INVOKE, .label = s->label, .raw = s->raw };
	uint64_t nwords = UINT64_MAX, ncaps = UINT64_MAX;

	if (!s->raw)
		named_defaults(&op);
	if (!value(x, s->e, SYN_HEX, &op.cptr))
		return false;
	for (unsigned i = 0; i < s->nkv; i++) {
		if (!invoke_key(x, &s->kvs[i], &op, &nwords, &ncaps))
			return false;
	}
	if (nwords != UINT64_MAX)
		op.send_words = (uint8_t)nwords;
	if (ncaps != UINT64_MAX)
		op.send_caps = (uint8_t)ncaps;
	if (s->expect != NULL && !expect(x, s->expect, &op.expect))
		return false;
	return emit(x, &op, s);
}

/* parent=none and tcb=none: the keys that say "no cap" (0: the key has none). */
static unsigned none_key(const struct kv *kv)
{
	if (kv->slot != KV_ASSERT)
		return 0;
	return kv->index == PROG_KEY_PARENT ? PROG_KEY_NO_PARENT :
	       kv->index == PROG_KEY_TCB ? PROG_KEY_NO_TCB : 0;
}

static bool assert_pair(struct expander *x, const struct kv *kv, struct prog_pair *p)
{
	const struct expr *e = kv->vals[0];
	unsigned none = none_key(kv);

	p->key = kv->index;
	if (none != 0 && e->kind == EX_NAME && !strcmp(e->name, "none")) {
		p->key = none;
		return true;
	}
	if (kv->fmt == SYN_BOOL)
		return bounded(x, e, SYN_BOOL, 0, 1, kv->key, &p->value);
	if (kv->slot == KV_ASSERT && kv->index == PROG_KEY_CORE)
		return bounded(x, e, SYN_DEC, 0, x->cores - 1, "core", &p->value);
	return value(x, e, kv->fmt, &p->value);
}

/* assert tlb and assert running: core= defaults to the core the op runs on. */
static void default_core(struct expander *x, struct prog_op *op)
{
	for (unsigned i = 0; i < op->npairs; i++) {
		if (op->pairs[i].key == PROG_KEY_CORE)
			return;
	}
	for (unsigned i = op->npairs; i > 0; i--)
		op->pairs[i] = op->pairs[i - 1];
	op->pairs[0] = (struct prog_pair){ PROG_KEY_CORE, x->core };
	op->npairs++;
}

static bool expand_assert(struct expander *x, const struct stmt *s)
{
	struct prog_op op = { .kind = (uint8_t)parse_assert_kind(s->kind),
			      .npairs = (uint8_t)s->nkv };

	if (s->e != NULL && !value(x, s->e, SYN_HEX, &op.cptr))
		return false;
	for (unsigned i = 0; i < s->nkv; i++) {
		if (!assert_pair(x, &s->kvs[i], &op.pairs[i]))
			return false;
	}
	if (op.kind == PROG_ASSERT_TLB || op.kind == PROG_ASSERT_RUNNING)
		default_core(x, &op);
	return emit(x, &op, s);
}

/* size=1, 2, 4 or 8 (default 8). */
static bool access_size(struct expander *x, const struct stmt *s, uint8_t *size)
{
	uint64_t v;

	*size = 8;
	for (unsigned i = 0; i < s->nkv; i++) {
		const struct expr *e = s->kvs[i].vals[0];

		if (s->kvs[i].slot != KV_SIZE)
			continue;
		if (!value(x, e, SYN_DEC, &v))
			return false;
		if (v != 1 && v != 2 && v != 4 && v != 8)
			return eval_error(&x->env, e->pos, "size must be 1, 2, 4 or 8, not %llu",
					  (unsigned long long)v);
		*size = (uint8_t)v;
	}
	return true;
}

/* `read VADDR ...` and `write VADDR VALUE ...` */
static bool expand_access(struct expander *x, const struct stmt *s)
{
	struct prog_op op = { .kind = PROG_ACCESS, .access = s->access };

	if (!value(x, s->e, SYN_HEX, &op.vaddr) || !access_size(x, s, &op.size))
		return false;
	if (s->value != NULL) {
		if (!value(x, s->value, SYN_HEX, &op.value))
			return false;
		if (op.size < 8 && op.value >> (8 * op.size) != 0)
			return eval_error(&x->env, s->value->pos, "0x%llx does not fit in %u byte%s",
					  (unsigned long long)op.value, op.size,
					  op.size == 1 ? "" : "s");
	}
	if (s->expect != NULL && !expect(x, s->expect, &op.expect))
		return false;
	return emit(x, &op, s);
}

static bool expand_let(struct expander *x, const struct stmt *s)
{
	uint64_t v;

	if (g_hash_table_contains(x->env.builtins, s->name))
		return eval_error(&x->env, s->pos, "'%s' is a built-in name", s->name);
	if (!value(x, s->e, SYN_DEC, &v))
		return false;
	define(x->env.lets, s->name, v);
	return true;
}

static bool expand_repeat(struct expander *x, const struct stmt *s)
{
	uint64_t n;
	unsigned level = x->env.depth;

	if (!value(x, s->e, SYN_DEC, &n))
		return false;
	x->env.depth++;
	for (uint64_t i = 0; i < n; i++) {
		x->index[level] = i;
		if (++x->work > EXPAND_MAX_WORK)
			return eval_error(&x->env, s->pos, "program too large after expanding "
					  "repeats (more than %llu statements)",
					  (unsigned long long)EXPAND_MAX_WORK);
		if (!expand_block(x, &s->body))
			return false;
	}
	x->env.depth--;
	return true;
}

static bool expand_core(struct expander *x, const struct stmt *s)
{
	uint64_t n;

	if (!value(x, s->e, SYN_DEC, &n))
		return false;
	if (n >= x->cores)
		return eval_error(&x->env, s->e->pos, "core %llu needs --cores > %llu",
				  (unsigned long long)n, (unsigned long long)n);
	x->core = (unsigned)n;
	x->in_core = true;
	if (!expand_block(x, &s->body))
		return false;
	x->core = 0;
	x->in_core = false;
	return true;
}

/* One barrier op in every core's stream, so the counts always match. */
static bool expand_barrier(struct expander *x, const struct stmt *s)
{
	struct prog_op op = { .kind = PROG_BARRIER };
	unsigned here = x->core;
	bool ok = true;

	if (x->in_core)
		return eval_error(&x->env, s->pos, "barrier goes at the top level, "
				  "outside core blocks (it stops every core)");
	for (unsigned c = 0; c < x->cores && ok; c++) {
		x->core = c;
		ok = emit(x, &op, s);
	}
	x->core = here;
	return ok;
}

static bool expand_stmt(struct expander *x, const struct stmt *s)
{
	struct prog_op op = { 0 };

	switch (s->kind) {
	case ST_LET:
		return expand_let(x, s);
	case ST_INVOKE:
		return expand_invoke(x, s);
	case ST_REPEAT:
		return expand_repeat(x, s);
	case ST_CORE:
		return expand_core(x, s);
	case ST_CHECK:
	case ST_DUMP:
		op.kind = s->kind == ST_CHECK ? PROG_CHECK : PROG_DUMP;
		return emit(x, &op, s);
	case ST_RUN:
	case ST_MODEL_PERTURB:
		op.kind = s->kind == ST_RUN ? PROG_RUN : PROG_MODEL_PERTURB;
		return value(x, s->e, SYN_HEX, &op.cptr) && emit(x, &op, s);
	case ST_ACCESS:
		return expand_access(x, s);
	case ST_BARRIER:
		return expand_barrier(x, s);
	case ST_PREEMPT:
		op.kind = PROG_PREEMPT;
		return bounded(x, s->e, SYN_DEC, 1, UINT64_MAX, "the preemption check count",
			       &op.arg) &&
		       emit(x, &op, s);
	default:
		return expand_assert(x, s);
	}
}

static bool expand_block(struct expander *x, const struct block *b)
{
	for (unsigned i = 0; i < b->n; i++) {
		if (++x->work > EXPAND_MAX_WORK)
			return eval_error(&x->env, b->items[i]->pos, "program too large after "
					  "expanding repeats (more than %llu statements)",
					  (unsigned long long)EXPAND_MAX_WORK);
		if (!expand_stmt(x, b->items[i]))
			return false;
	}
	return true;
}

bool scenario_expand(const struct scenario *sc, const struct kmm_bootinfo *bi,
		     unsigned cores, struct progbuf *pb, char **err)
{
	struct expander x = { .bi = bi, .cores = cores, .pb = pb };
	bool ok;

	x.env.file = sc->file;
	x.env.index = x.index;
	x.env.lets = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	x.env.builtins = builtins(bi);
	ok = expand_block(&x, &sc->top);
	g_hash_table_destroy(x.env.lets);
	g_hash_table_destroy(x.env.builtins);
	if (!ok)
		*err = x.env.err;
	return ok;
}
