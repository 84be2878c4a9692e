/*
 * Which keys each statement takes, and the `key=value ...` lists.
 *
 * A key is resolved once, at parse time, to where its value goes (a
 * message word, an extra cap, an assert field ...) and to the vocabulary
 * its value may use; unknown keys, duplicates and missing required keys
 * are errors here, with the list of the keys that would have been right.
 * The machine statement's values are evaluated on the spot, since they
 * are needed before the kernel boots.
 */
#include <string.h>

#include "eval.h"
#include "hal_sim.h"
#include "names.h"
#include "parse_int.h"
#include "program.h"
#include "syntax.h"

struct keyinfo {
	enum kv_slot_kind slot;
	unsigned index;
	uint8_t fmt;
};

static const char *const machine_keys[] = {
	"mem", "root_bits", "preempt_units", "cores", "scribble", "check", "tlb", "model",
	"preempt_rate",
};

/* check=every|end|off: the values of enum exec_check. */
static const char *const check_modes[] = { "every", "end", "off" };

static bool resolve_named(const struct stmt *s, const char *key, struct keyinfo *k)
{
	const struct syntax_op *syn = syntax_for_label(s->label);

	for (unsigned i = 0; i < syn->nwords; i++) {
		if (!strcmp(key, syn->word[i].name)) {
			*k = (struct keyinfo){ KV_WORD, i, syn->word[i].fmt };
			return true;
		}
	}
	for (unsigned i = 0; i < syn->ncaps; i++) {
		if (!strcmp(key, syn->cap[i].name)) {
			*k = (struct keyinfo){ KV_CAP, i, syn->cap[i].fmt };
			return true;
		}
	}
	return false;
}

static bool resolve_invoke(const struct stmt *s, const char *key, struct keyinfo *k)
{
	static const struct { const char *name; struct keyinfo k; } common[] = {
		{ "nwords", { KV_NWORDS, 0, SYN_DEC } },
		{ "ncaps", { KV_NCAPS, 0, SYN_DEC } },
		{ "label", { KV_LABEL, 0, SYN_LABEL } },
		{ "args", { KV_ARGS, 0, SYN_DEC } },
		{ "caps", { KV_CAPS, 0, SYN_HEX } },
	};
	unsigned n = s->raw ? 5 : 2;

	for (unsigned i = 0; i < n; i++) {
		if (!strcmp(key, common[i].name)) {
			*k = common[i].k;
			return true;
		}
	}
	return !s->raw && resolve_named(s, key, k);
}

unsigned parse_assert_kind(enum stmt_kind kind)
{
	switch (kind) {
	case ST_ASSERT_EMPTY: return PROG_ASSERT_EMPTY;
	case ST_ASSERT_CAP: return PROG_ASSERT_CAP;
	case ST_ASSERT_OBJECTS: return PROG_ASSERT_OBJECTS;
	case ST_ASSERT_MEMORY: return PROG_ASSERT_MEMORY;
	case ST_ASSERT_PTE: return PROG_ASSERT_PTE;
	case ST_ASSERT_TLB: return PROG_ASSERT_TLB;
	case ST_ASSERT_RUNNING: return PROG_ASSERT_RUNNING;
	default: return 0;
	}
}

static bool resolve_assert(const struct stmt *s, const char *key, struct keyinfo *k)
{
	const struct syntax_assert *sa = syntax_assert_for(parse_assert_kind(s->kind));
	uint64_t type;

	if (s->kind == ST_ASSERT_OBJECTS) {
		if (!names_find(&names_cap_types, key, strlen(key), &type))
			return false;
		*k = (struct keyinfo){ KV_OBJECTS, (unsigned)type, SYN_DEC };
		return true;
	}
	for (unsigned i = 0; sa != NULL && i < sa->nkeys; i++) {
		const struct syntax_key *sk = syntax_assert_key(sa->key[i]);

		if (!strcmp(key, sk->name)) {
			*k = (struct keyinfo){ KV_ASSERT, sa->key[i], sk->fmt };
			return true;
		}
	}
	return false;
}

/* read and write take size=; a write also value=. */
static bool resolve_access(const struct stmt *s, const char *key, struct keyinfo *k)
{
	if (!strcmp(key, "size")) {
		*k = (struct keyinfo){ KV_SIZE, 0, SYN_DEC };
		return true;
	}
	if (s->access == PROG_ACCESS_WRITE && !strcmp(key, "value")) {
		*k = (struct keyinfo){ KV_VALUE, 0, SYN_HEX };
		return true;
	}
	return false;
}

static bool resolve(const struct stmt *s, const char *key, struct keyinfo *k)
{
	if (s == NULL) {
		for (unsigned i = 0; i < G_N_ELEMENTS(machine_keys); i++) {
			if (!strcmp(key, machine_keys[i])) {
				*k = (struct keyinfo){ KV_MACHINE, i, SYN_DEC };
				return true;
			}
		}
		return false;
	}
	if (s->kind == ST_ACCESS)
		return resolve_access(s, key, k);
	return s->kind == ST_INVOKE ? resolve_invoke(s, key, k) : resolve_assert(s, key, k);
}

/* "dest dest_depth src ..." for an unknown-key message. */
static char *key_list(const struct stmt *s)
{
	GString *g = g_string_new(NULL);
	const struct syntax_op *syn = s != NULL && s->kind == ST_INVOKE && !s->raw ?
		syntax_for_label(s->label) : NULL;

	if (s == NULL) {
		for (unsigned i = 0; i < G_N_ELEMENTS(machine_keys); i++)
			g_string_append_printf(g, " %s", machine_keys[i]);
	} else if (syn != NULL) {
		for (unsigned i = 0; i < syn->nwords; i++)
			g_string_append_printf(g, " %s", syn->word[i].name);
		for (unsigned i = 0; i < syn->ncaps; i++)
			g_string_append_printf(g, " %s", syn->cap[i].name);
		g_string_append(g, " nwords ncaps");
	} else if (s->kind == ST_INVOKE) {
		g_string_append(g, " label args caps nwords ncaps");
	} else if (s->kind == ST_ASSERT_OBJECTS) {
		g_string_append(g, " (cap type names: untyped endpoint cnode ...)");
	} else if (s->kind == ST_ACCESS) {
		g_string_append(g, s->access == PROG_ACCESS_WRITE ? " size value" : " size");
	} else {
		const struct syntax_assert *sa = syntax_assert_for(parse_assert_kind(s->kind));

		for (unsigned i = 0; sa != NULL && i < sa->nkeys; i++)
			g_string_append_printf(g, " %s", syntax_assert_key(sa->key[i])->name);
	}
	return g_string_free(g, FALSE);
}

static bool unknown_key(struct parser *p, const struct stmt *s, struct srcpos pos,
			const char *key)
{
	char *list = key_list(s);

	parse_error(p, pos, "unknown key '%s' (this statement takes:%s)", key, list);
	g_free(list);
	return false;
}

/* The value list after `key=`: one expression, or several for args/caps. */
static bool values(struct parser *p, struct kv *kv)
{
	bool list = kv->slot == KV_ARGS || kv->slot == KV_CAPS;
	unsigned max = kv->slot == KV_ARGS ? KMM_MSG_MAX_WORDS :
		       kv->slot == KV_CAPS ? KMM_MSG_MAX_CAPS : 1;
	struct expr *v[KMM_MSG_MAX_WORDS];
	unsigned n = 0;

	do {
		if (n > 0 && !parse_advance(p))
			return false;
		if (n == max)
			return parse_error(p, tok_pos(&p->tok), "%s takes at most %u value%s",
					   kv->key, max, max == 1 ? "" : "s");
		if (!parse_expr(p, &v[n++]))
			return false;
	} while (list && parse_at_punct(p, ','));
	kv->vals = ast_alloc(p->sc, n * sizeof *v);
	memcpy(kv->vals, v, n * sizeof *v);
	kv->nvals = n;
	return true;
}

static bool one_key(struct parser *p, const struct stmt *s, GArray *kvs)
{
	struct kv kv = { .pos = tok_pos(&p->tok) };
	struct keyinfo k;

	kv.key = ast_strndup(p->sc, p->tok.text, p->tok.len);
	if (!resolve(s, kv.key, &k))
		return unknown_key(p, s, kv.pos, kv.key);
	for (guint i = 0; i < kvs->len; i++) {
		if (!strcmp(g_array_index(kvs, struct kv, i).key, kv.key))
			return parse_error(p, kv.pos, "key '%s' given twice", kv.key);
	}
	kv.slot = k.slot;
	kv.index = k.index;
	kv.fmt = k.fmt;
	if (!parse_advance(p) || !parse_expect_punct(p, '=', "'=' after the key") ||
	    !values(p, &kv))
		return false;
	g_array_append_val(kvs, kv);
	return true;
}

/* key=value ... into *out; s NULL: the machine statement. */
static bool key_list_parse(struct parser *p, const struct stmt *s, struct kv **out,
			   unsigned *n)
{
	GArray *kvs = g_array_new(FALSE, TRUE, sizeof(struct kv));
	bool ok = true;

	while (ok && p->tok.kind == TOK_IDENT)
		ok = one_key(p, s, kvs);
	if (ok && p->tok.kind != TOK_ARROW && p->tok.kind != TOK_EOL && p->tok.kind != TOK_EOF)
		ok = parse_error(p, tok_pos(&p->tok), "expected key=value, got %s",
				 tok_show(&p->tok));
	*n = kvs->len;
	*out = ast_alloc(p->sc, kvs->len * sizeof(struct kv) + 1);
	if (kvs->len)  /* an empty GArray has no data pointer */
		memcpy(*out, kvs->data, kvs->len * sizeof(struct kv));
	g_array_free(kvs, TRUE);
	return ok;
}

static bool has_key(const struct stmt *s, enum kv_slot_kind slot, unsigned index)
{
	for (unsigned i = 0; i < s->nkv; i++) {
		if (s->kvs[i].slot == slot && s->kvs[i].index == index)
			return true;
	}
	return false;
}

/* The keys an assertion requires (assert pte: vaddr; assert tlb: vaddr, cached ...). */
static bool assert_required(struct parser *p, const struct stmt *s)
{
	const struct syntax_assert *sa = syntax_assert_for(parse_assert_kind(s->kind));

	for (unsigned i = 0; sa != NULL && i < sa->nkeys; i++) {
		if ((sa->required & (1u << i)) && !has_key(s, KV_ASSERT, sa->key[i]))
			return parse_error(p, s->pos, "%s needs %s=", sa->name,
					   syntax_assert_key(sa->key[i])->name);
	}
	return true;
}

static bool check_required(struct parser *p, const struct stmt *s)
{
	const struct syntax_op *syn;

	if (s->kind != ST_INVOKE)
		return assert_required(p, s);
	if (s->raw)
		return has_key(s, KV_LABEL, 0) ||
		       parse_error(p, s->pos, "invoke needs label=NAME or label=NUMBER");
	syn = syntax_for_label(s->label);
	for (unsigned i = 0; i < syn->nwords; i++) {
		if (syn->word[i].required && !has_key(s, KV_WORD, i))
			return parse_error(p, s->pos, "%s needs %s=", syn->name,
					   syn->word[i].name);
	}
	for (unsigned i = 0; i < syn->ncaps; i++) {
		if (syn->cap[i].required && !has_key(s, KV_CAP, i))
			return parse_error(p, s->pos, "%s needs %s=", syn->name,
					   syn->cap[i].name);
	}
	return true;
}

bool parse_keys(struct parser *p, struct stmt *s)
{
	return key_list_parse(p, s, &s->kvs, &s->nkv) && check_required(p, s);
}

static bool machine_value(struct parser *p, const struct kv *kv, uint64_t v)
{
	struct scn_machine *m = &p->sc->machine;
	static const uint64_t lo[] = { HAL_SIM_MIN_MEM, 8, 1, 1, 0, 0, 1, 0, 0 };
	static const uint64_t hi[] = { HAL_SIM_MAX_MEM, 24, UINT32_MAX, HAL_SIM_MAX_CORES, 255, 2,
				       SCN_MAX_TLB_ENTRIES, 1, UINT32_MAX };

	if (v < lo[kv->index] || v > hi[kv->index])
		return parse_error(p, kv->vals[0]->pos, "%s must be between %llu and %llu",
				   kv->key, (unsigned long long)lo[kv->index],
				   (unsigned long long)hi[kv->index]);
	if (kv->index == 0 && v % 4096 != 0)
		return parse_error(p, kv->vals[0]->pos, "mem must be a multiple of 4K");
	switch (kv->index) {
	case 0: m->mem = v; m->has_mem = true; break;
	case 1: m->root_bits = v; m->has_root_bits = true; break;
	case 2: m->preempt_units = v; m->has_preempt_units = true; break;
	case 3: m->cores = v; m->has_cores = true; break;
	case 4: m->scribble = v; m->has_scribble = true; break;
	case 6: m->tlb_entries = v; m->has_tlb_entries = true; break;
	case 7: m->model = v != 0; m->has_model = true; break;
	case 8: m->preempt_rate = v; m->has_preempt_rate = true; break;
	default: m->check = v; m->has_check = true; break;
	}
	return true;
}

/* check=every|end|off: a word, not a number. */
static bool check_value(struct parser *p, const struct kv *kv, uint64_t *v)
{
	const struct expr *e = kv->vals[0];

	for (unsigned i = 0; e->kind == EX_NAME && i < G_N_ELEMENTS(check_modes); i++) {
		if (!strcmp(e->name, check_modes[i])) {
			*v = i;
			return true;
		}
	}
	return parse_error(p, e->pos, "check must be every, end or off");
}

/* model=on|off (the reference model, sim/model/). */
static bool model_value(struct parser *p, const struct kv *kv, uint64_t *v)
{
	const struct expr *e = kv->vals[0];

	if (e->kind == EX_NAME && (!strcmp(e->name, "on") || !strcmp(e->name, "off"))) {
		*v = !strcmp(e->name, "on");
		return true;
	}
	return parse_error(p, e->pos, "model must be on or off");
}

bool parse_machine(struct parser *p, struct srcpos pos)
{
	struct eval_env env = { .file = p->sc->file };
	struct kv *kvs;
	unsigned n;
	uint64_t v;

	if (p->seen_stmt || p->depth > 0)
		return parse_error(p, pos, "machine must be the first statement");
	if (!key_list_parse(p, NULL, &kvs, &n))
		return false;
	for (unsigned i = 0; i < n; i++) {
		bool is_check = !strcmp(kvs[i].key, "check");
		bool is_model = !strcmp(kvs[i].key, "model");

		if (is_model ? !model_value(p, &kvs[i], &v) :
		    is_check ? !check_value(p, &kvs[i], &v) :
			       !eval_expr(&env, kvs[i].vals[0], SYN_DEC, &v)) {
			if (env.err != NULL)
				p->err = env.err;
			return false;
		}
		if (!machine_value(p, &kvs[i], v))
			return false;
	}
	return true;
}
