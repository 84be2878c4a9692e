/*
 * Encoding and decoding of program ops (see program.h).
 *
 * An op is a header word followed by the fields its kind uses:
 *
 *   header   [0..3] kind  [4..9] core  [10] raw  [11..14] nwords
 *            [15..16] ncaps  [17..20] send_words  [21..22] send_caps
 *            [23..27] npairs  [32..63] line
 *   INVOKE   label, cptr, words[nwords], caps[ncaps], expect header
 *            ([0..2] kind [3..10] error [11..13] ndetail [14] exact
 *            [15] check_restarts), detail[ndetail] if exact,
 *            restarts if check_restarts
 *   ACCESS   vaddr, value, ([0..7] access [8..15] size), expect
 *            header and details as for INVOKE (never restarts)
 *   ASSERT_EMPTY, RUN, MODEL_PERTURB  cptr
 *   ASSERT_CAP, ASSERT_MEMORY, ASSERT_PTE  cptr, then npairs x (key, value)
 *   ASSERT_OBJECTS, ASSERT_TLB, ASSERT_RUNNING  npairs x (key, value)
 *   PREEMPT  arg
 *   CHECK, DUMP, BARRIER  nothing more
 *
 * The decoder re-checks every count against its limit, so a corrupt
 * stream is reported as PROG_MALFORMED rather than read out of bounds.
 */
#include "program.h"

static uint64_t get(uint64_t w, unsigned shift, unsigned bits)
{
	return (w >> shift) & ((1ull << bits) - 1);
}

static uint64_t put(uint64_t v, unsigned shift)
{
	return v << shift;
}

static bool has_cptr(uint8_t kind)
{
	return kind == PROG_INVOKE || kind == PROG_ASSERT_EMPTY ||
	       kind == PROG_ASSERT_CAP || kind == PROG_ASSERT_MEMORY ||
	       kind == PROG_RUN || kind == PROG_ASSERT_PTE ||
	       kind == PROG_MODEL_PERTURB;
}

static bool has_pairs(uint8_t kind)
{
	return kind == PROG_ASSERT_CAP || kind == PROG_ASSERT_OBJECTS ||
	       kind == PROG_ASSERT_MEMORY || kind == PROG_ASSERT_PTE ||
	       kind == PROG_ASSERT_TLB || kind == PROG_ASSERT_RUNNING;
}

/* The access fields: only on ACCESS, and there a real access of a real size. */
static bool access_valid(const struct prog_op *op)
{
	if (op->kind != PROG_ACCESS)
		return (op->access | op->size) == 0 && (op->vaddr | op->value) == 0;
	if (op->access >= PROG_ACCESS_END || op->expect.check_restarts)
		return false;
	return op->size == 1 || op->size == 2 || op->size == 4 || op->size == 8;
}

bool prog_op_valid(const struct prog_op *op)
{
	const struct prog_expect *e = &op->expect;

	if (op->kind < PROG_INVOKE || op->kind >= PROG_KIND_END)
		return false;
	if (op->core >= PROG_MAX_CORES || op->npairs > PROG_MAX_PAIRS)
		return false;
	if (op->nwords > KMM_MSG_MAX_WORDS || op->send_words > KMM_MSG_MAX_WORDS)
		return false;
	if (op->ncaps > KMM_MSG_MAX_CAPS || op->send_caps > KMM_MSG_MAX_CAPS)
		return false;
	if (op->kind != PROG_INVOKE &&
	    (op->nwords | op->ncaps | op->send_words | op->send_caps | op->raw) != 0)
		return false;
	if (!has_pairs(op->kind) && op->npairs != 0)
		return false;
	if (!access_valid(op))
		return false;
	if (e->kind >= PROG_EXPECT_KIND_END || e->error >= KMM_ERROR_COUNT)
		return false;
	return e->ndetail <= KMM_RESULT_MAX_DETAIL;
}

static uint64_t header(const struct prog_op *op)
{
	return put(op->kind, 0) | put(op->core, 4) | put(op->raw, 10) |
	       put(op->nwords, 11) | put(op->ncaps, 15) |
	       put(op->send_words, 17) | put(op->send_caps, 21) |
	       put(op->npairs, 23) | put(op->line, 32);
}

static uint64_t expect_header(const struct prog_expect *e)
{
	return put(e->kind, 0) | put(e->error, 3) | put(e->ndetail, 11) |
	       put(e->exact, 14) | put(e->check_restarts, 15);
}

static size_t encode_invoke(const struct prog_op *op, uint64_t *out)
{
	const struct prog_expect *e = &op->expect;
	size_t n = 0;

	out[n++] = op->label;
	out[n++] = op->cptr;
	for (unsigned i = 0; i < op->nwords; i++)
		out[n++] = op->words[i];
	for (unsigned i = 0; i < op->ncaps; i++)
		out[n++] = op->caps[i];
	out[n++] = expect_header(e);
	for (unsigned i = 0; e->exact && i < e->ndetail; i++)
		out[n++] = e->detail[i];
	if (e->check_restarts)
		out[n++] = e->restarts;
	return n;
}

static size_t encode_access(const struct prog_op *op, uint64_t *out)
{
	const struct prog_expect *e = &op->expect;
	size_t n = 0;

	out[n++] = op->vaddr;
	out[n++] = op->value;
	out[n++] = put(op->access, 0) | put(op->size, 8);
	out[n++] = expect_header(e);
	for (unsigned i = 0; e->exact && i < e->ndetail; i++)
		out[n++] = e->detail[i];
	return n;
}

size_t prog_encode(const struct prog_op *op, uint64_t *out)
{
	size_t n = 0;

	out[n++] = header(op);
	if (op->kind == PROG_INVOKE)
		return n + encode_invoke(op, out + n);
	if (op->kind == PROG_ACCESS)
		return n + encode_access(op, out + n);
	if (has_cptr(op->kind))
		out[n++] = op->cptr;
	if (op->kind == PROG_PREEMPT)
		out[n++] = op->arg;
	for (unsigned i = 0; has_pairs(op->kind) && i < op->npairs; i++) {
		out[n++] = op->pairs[i].key;
		out[n++] = op->pairs[i].value;
	}
	return n;
}

void prog_cursor_init(struct prog_cursor *c, const struct prog_stream *s)
{
	c->stream = s;
	c->pos = 0;
}

/* Take the next word, or fail if the stream ends first. */
static bool take(struct prog_cursor *c, uint64_t *w)
{
	if (c->pos >= c->stream->len)
		return false;
	*w = c->stream->code[c->pos++];
	return true;
}

static void decode_header(uint64_t h, struct prog_op *op)
{
	op->kind = (uint8_t)get(h, 0, 4);
	op->core = (uint8_t)get(h, 4, 6);
	op->raw = get(h, 10, 1);
	op->nwords = (uint8_t)get(h, 11, 4);
	op->ncaps = (uint8_t)get(h, 15, 2);
	op->send_words = (uint8_t)get(h, 17, 4);
	op->send_caps = (uint8_t)get(h, 21, 2);
	op->npairs = (uint8_t)get(h, 23, 5);
	op->line = (uint32_t)get(h, 32, 32);
}

static void decode_expect_header(uint64_t h, struct prog_expect *e)
{
	e->kind = (uint8_t)get(h, 0, 3);
	e->error = (uint8_t)get(h, 3, 8);
	e->ndetail = (uint8_t)get(h, 11, 3);
	e->exact = get(h, 14, 1);
	e->check_restarts = get(h, 15, 1);
}

static bool decode_invoke(struct prog_cursor *c, struct prog_op *op)
{
	struct prog_expect *e = &op->expect;
	uint64_t h;

	if (!take(c, &op->label) || !take(c, &op->cptr))
		return false;
	for (unsigned i = 0; i < op->nwords; i++)
		if (!take(c, &op->words[i]))
			return false;
	for (unsigned i = 0; i < op->ncaps; i++)
		if (!take(c, &op->caps[i]))
			return false;
	if (!take(c, &h))
		return false;
	decode_expect_header(h, e);
	if (!prog_op_valid(op))
		return false;
	for (unsigned i = 0; e->exact && i < e->ndetail; i++)
		if (!take(c, &e->detail[i]))
			return false;
	return !e->check_restarts || take(c, &e->restarts);
}

static bool decode_access(struct prog_cursor *c, struct prog_op *op)
{
	struct prog_expect *e = &op->expect;
	uint64_t info, h;

	if (!take(c, &op->vaddr) || !take(c, &op->value) || !take(c, &info) ||
	    info >> 16 != 0 || !take(c, &h))
		return false;
	op->access = (uint8_t)get(info, 0, 8);
	op->size = (uint8_t)get(info, 8, 8);
	decode_expect_header(h, e);
	if (!prog_op_valid(op))
		return false;
	for (unsigned i = 0; e->exact && i < e->ndetail; i++)
		if (!take(c, &e->detail[i]))
			return false;
	return true;
}

static bool decode_rest(struct prog_cursor *c, struct prog_op *op)
{
	uint64_t key;

	if (has_cptr(op->kind) && !take(c, &op->cptr))
		return false;
	if (op->kind == PROG_PREEMPT && !take(c, &op->arg))
		return false;
	for (unsigned i = 0; has_pairs(op->kind) && i < op->npairs; i++) {
		if (!take(c, &key) || key > UINT32_MAX ||
		    !take(c, &op->pairs[i].value))
			return false;
		op->pairs[i].key = (uint32_t)key;
	}
	return true;
}

enum prog_status prog_next(struct prog_cursor *c, struct prog_op *op)
{
	uint64_t h = 0;  /* (take cannot fail here; some compilers cannot tell) */
	size_t start = c->pos;

	if (c->pos >= c->stream->len)
		return PROG_END;
	*op = (struct prog_op){ 0 };
	take(c, &h);
	decode_header(h, op);
	/* An access's fields follow its header: decode_access checks it all at once. */
	if (op->kind == PROG_ACCESS ? !decode_access(c, op) :
	    !prog_op_valid(op) ||
	    (op->kind == PROG_INVOKE ? !decode_invoke(c, op) : !decode_rest(c, op)))
		goto malformed;
	return PROG_OK;
malformed:
	c->pos = start;
	return PROG_MALFORMED;
}

void prog_message(const struct prog_op *op, struct kmm_msg *msg)
{
	*msg = (struct kmm_msg){ .cptr = op->cptr, .label = op->label };
	msg->nwords = op->send_words;
	msg->ncaps = op->send_caps;
	for (unsigned i = 0; i < op->nwords; i++)
		msg->words[i] = op->words[i];
	for (unsigned i = 0; i < op->ncaps; i++)
		msg->caps[i] = op->caps[i];
}
