/*
 * The fuzz encoder (see encode.h).  A candidate encoding is a list of
 * items, each a fixed byte (selector, label, counts) or an argument
 * field, which is either one mapped byte or RAW_BYTE plus 8 raw bytes.
 * The all-raw form of an invocation always decodes exactly; each field is
 * then replaced, one at a time, by the first single byte that still
 * decodes to the same op.
 */
#include "encode.h"

#define RAW_BYTE 0xf8            /* decode.c: a word byte from here on is raw */
#define SEL_ACCESS 200
#define SEL_PREEMPT 220
#define SEL_CHECK 230
#define SEL_TRUNCATE 240
#define SEL_RAW 248
#define PREEMPT_MAX 64
#define MAX_ITEMS (6 + 1 + KMM_MSG_MAX_WORDS + KMM_MSG_MAX_CAPS)

struct item {
	bool field;   /* an argument: raw (b ignored) or the mapped byte b */
	bool raw;
	uint8_t b;
	uint64_t v;
};

struct enc {
	struct item it[MAX_ITEMS];
	unsigned n;
};

static uint64_t code[FZ_CODE_WORDS];

static void fixed(struct enc *e, uint8_t b)
{
	e->it[e->n++] = (struct item){ false, false, b, 0 };
}

static void field(struct enc *e, uint64_t v)
{
	e->it[e->n++] = (struct item){ true, true, 0, v };
}

/* The bytes of e after an all-zero header; returns the length. */
static size_t serialize(const struct enc *e, uint8_t *out)
{
	size_t len = 0;

	for (unsigned i = 0; i < e->n; i++) {
		const struct item *t = &e->it[i];

		if (!t->field || !t->raw) {
			out[len++] = t->b;
			continue;
		}
		out[len++] = RAW_BYTE;
		for (unsigned k = 0; k < 8; k++)
			out[len++] = (uint8_t)(t->v >> (8 * k));
	}
	return len;
}

static bool same_words(const uint64_t *a, const uint64_t *b, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

/* Equal as the executor sees them (line, core and expectation aside). */
static bool same_op(const struct prog_op *a, const struct prog_op *b)
{
	if (a->kind != b->kind)
		return false;
	if (a->kind == PROG_INVOKE)
		return a->raw == b->raw && a->label == b->label && a->cptr == b->cptr &&
		       a->nwords == b->nwords && a->ncaps == b->ncaps &&
		       a->send_words == b->send_words && a->send_caps == b->send_caps &&
		       same_words(a->words, b->words, a->nwords) &&
		       same_words(a->caps, b->caps, a->ncaps);
	if (a->kind == PROG_ACCESS)
		return a->access == b->access && a->size == b->size && a->vaddr == b->vaddr &&
		       (a->access == PROG_ACCESS_READ || a->value == b->value);
	return a->kind != PROG_PREEMPT || a->arg == b->arg;
}

/* Does e decode to exactly one op, equal to want? */
static bool decodes_to(const struct enc *e, const struct kmm_bootinfo *bi,
		       const struct prog_op *want)
{
	uint8_t buf[FZ_HEADER_BYTES + FZ_ENC_MAX_BYTES] = { 0 };
	size_t len = FZ_HEADER_BYTES + serialize(e, buf + FZ_HEADER_BYTES);
	struct fz_header h;
	struct prog p;
	struct prog_cursor c;
	struct prog_op got;

	if (fz_decode(buf, len, bi, &h, code, &p) != 1)
		return false;
	prog_cursor_init(&c, &p.core[0]);
	return prog_next(&c, &got) == PROG_OK && same_op(&got, want);
}

/* Replace each raw field by the first mapped byte that keeps the op. */
static void shorten(struct enc *e, const struct kmm_bootinfo *bi, const struct prog_op *want)
{
	for (unsigned i = 0; i < e->n; i++) {
		bool found = false;

		if (!e->it[i].field)
			continue;
		e->it[i].raw = false;
		for (unsigned b = 0; b < RAW_BYTE && !found; b++) {
			e->it[i].b = (uint8_t)b;
			found = decodes_to(e, bi, want);
		}
		e->it[i].raw = !found;
	}
}

/* A truncation prefix (selector, byte) if want sends less than it builds. */
static void truncation(struct enc *e, const struct prog_op *want)
{
	if (want->send_words == want->nwords && want->send_caps == want->ncaps)
		return;
	fixed(e, SEL_TRUNCATE);
	fixed(e, 0);
}

/* Search the truncation byte (item 1) with every field raw. */
static bool find_truncation(struct enc *e, const struct kmm_bootinfo *bi,
			    const struct prog_op *want)
{
	if (e->n == 0 || e->it[0].field || e->it[0].b != SEL_TRUNCATE)
		return decodes_to(e, bi, want);
	for (unsigned t = 0; t < 255; t++) {
		e->it[1].b = (uint8_t)t;
		if (decodes_to(e, bi, want))
			return true;
	}
	return false;
}

static void message(struct enc *e, const struct prog_op *op)
{
	for (unsigned i = 0; i < op->nwords; i++)
		field(e, op->words[i]);
	for (unsigned i = 0; i < op->ncaps; i++)
		field(e, op->caps[i]);
}

/* The named form: selector label - 1, the invoked cptr, the syntax's words and caps. */
static bool named(struct enc *e, const struct kmm_bootinfo *bi, const struct prog_op *op)
{
	e->n = 0;
	if (op->raw || op->label == 0 || op->label >= KMM_LABEL_COUNT)
		return false;
	truncation(e, op);
	fixed(e, (uint8_t)(op->label - 1));
	field(e, op->cptr);
	message(e, op);
	return find_truncation(e, bi, op);
}

/* The raw form: selector, label, cptr, counts, then the message. */
static bool raw(struct enc *e, const struct kmm_bootinfo *bi, const struct prog_op *op)
{
	e->n = 0;
	if (op->label > 255)
		return false;
	truncation(e, op);
	fixed(e, SEL_RAW);
	fixed(e, (uint8_t)op->label);
	field(e, op->cptr);
	fixed(e, op->nwords);
	fixed(e, op->ncaps);
	message(e, op);
	return find_truncation(e, bi, op);
}

/* read/write: search the address byte and the offset byte. */
static bool access(struct enc *e, const struct kmm_bootinfo *bi, const struct prog_op *op)
{
	for (unsigned a = 0; a < 256; a++) {
		for (unsigned o = 0; o < 256; o++) {
			e->n = 0;
			fixed(e, (uint8_t)(SEL_ACCESS + (op->access == PROG_ACCESS_WRITE)));
			fixed(e, (uint8_t)a);
			fixed(e, (uint8_t)o);
			if (op->access == PROG_ACCESS_WRITE)
				fixed(e, (uint8_t)op->value);
			if (decodes_to(e, bi, op))
				return true;
		}
	}
	return false;
}

static enum fz_enc_status encode_invoke(struct enc *e, const struct kmm_bootinfo *bi,
					const struct prog_op *op)
{
	if (!named(e, bi, op) && !raw(e, bi, op))
		return FZ_ENC_NONE;
	shorten(e, bi, op);
	return FZ_ENC_EXACT;
}

static enum fz_enc_status encode_access(struct enc *e, const struct kmm_bootinfo *bi,
					const struct prog_op *op)
{
	struct prog_op near = *op;

	near.value &= 0xff;
	if (!access(e, bi, &near))
		return FZ_ENC_NONE;
	return near.value == op->value ? FZ_ENC_EXACT : FZ_ENC_CLOSE;
}

enum fz_enc_status fz_encode_op(const struct prog_op *op, const struct kmm_bootinfo *bi,
				uint8_t *out, size_t *len)
{
	struct enc e = { .n = 0 };
	enum fz_enc_status st = FZ_ENC_EXACT;

	*len = 0;
	switch (op->kind) {
	case PROG_INVOKE:
		st = encode_invoke(&e, bi, op);
		break;
	case PROG_ACCESS:
		st = encode_access(&e, bi, op);
		break;
	case PROG_PREEMPT:
		fixed(&e, SEL_PREEMPT);
		fixed(&e, (uint8_t)((op->arg > PREEMPT_MAX ? PREEMPT_MAX : op->arg) - 1));
		st = op->arg > PREEMPT_MAX ? FZ_ENC_CLOSE : FZ_ENC_EXACT;
		break;
	case PROG_CHECK:
		fixed(&e, SEL_CHECK);
		break;
	default:
		return FZ_ENC_NONE;
	}
	if (st != FZ_ENC_NONE)
		*len = serialize(&e, out);
	return st;
}
