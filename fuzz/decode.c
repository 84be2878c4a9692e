/*
 * The fuzz decoder (see decode.h): a byte reader, the value mappings by
 * key meaning, and one builder per kind of op.
 */
#include "decode.h"

#include "fmt.h"
#include "syntax.h"

#define NLABELS (KMM_LABEL_COUNT - 1)
#define RAW_BYTE 0xf8   /* a word byte from here on: the next 8 bytes, raw */

struct fz_in {
	const uint8_t *p;
	size_t len, pos;
	const struct kmm_bootinfo *bi;
	uint8_t truncate;   /* 1 + byte: shorten the next invocation's message */
};

/* What a message word or extra cap means, for the mapping. */
enum fz_class {
	FZ_CPTR, FZ_DEPTH, FZ_RINDEX, FZ_RDEPTH, FZ_OFFSET, FZ_TYPE, FZ_SIZE, FZ_COUNT,
	FZ_RIGHTS, FZ_SMALL, FZ_ATTR, FZ_VADDR, FZ_ROOT
};

static const uint64_t fixed_slots[] = {
	KMM_CAP_NULL, KMM_CAP_ROOT_TCB, KMM_CAP_ROOT_CNODE, KMM_CAP_ROOT_VSPACE,
	KMM_CAP_ASID_CONTROL, KMM_CAP_ROOT_ASID_POOL,
};

/* Page-aligned: table and frame maps use them as they are, accesses add an offset. */
static const uint64_t vaddrs[] = {
	0x400000, 0x401000, 0x402000, 0x600000, 0x200000, 0x40000000,
	0x8000000000, 0x0, 0x1000, 0x7ffffffff000, 0x800000000000, 0xffff800000000000,
};

#define NVADDRS (sizeof(vaddrs) / sizeof(vaddrs[0]))

static uint8_t byte(struct fz_in *in)
{
	return in->pos < in->len ? in->p[in->pos++] : 0;
}

static uint64_t raw64(struct fz_in *in)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < 8; i++)
		v |= (uint64_t)byte(in) << (8 * i);
	return v;
}

static uint64_t free_slot(const struct fz_in *in, uint8_t b)
{
	return in->bi->empty_first + (b % FZ_FREE_SLOTS);
}

static uint64_t untyped_slot(const struct fz_in *in, uint8_t b)
{
	if (in->bi->untyped_count == 0)
		return free_slot(in, b);
	return in->bi->untyped_first + b % in->bi->untyped_count;
}

/* A root CNode slot: half free ones, a quarter untypeds, the rest fixed. */
static uint64_t pick_cptr(const struct fz_in *in, uint8_t b)
{
	if (b < 128)
		return free_slot(in, b);
	if (b < 192)
		return untyped_slot(in, b);
	return fixed_slots[b % (sizeof(fixed_slots) / sizeof(fixed_slots[0]))];
}

/* Retype sizes that fit: untyped 4..22 bits, CNode radix 1..9, else 0. */
static uint64_t pick_size(uint64_t type, uint8_t b)
{
	if (b >= 224)
		return b % 64;
	if (type == KMM_OBJ_UNTYPED)
		return KMM_MIN_UNTYPED_BITS + b % 19;
	if (type == KMM_OBJ_CNODE)
		return 1 + b % 9;
	return 0;
}

/* Map one byte by class; prev: the message's word 0 (the type, for a size). */
static uint64_t map_value(const struct fz_in *in, enum fz_class c, uint8_t b, uint64_t prev)
{
	switch (c) {
	case FZ_CPTR: return pick_cptr(in, b);
	case FZ_DEPTH: return b < 224 ? 64 : b % 64;
	case FZ_RINDEX: return b < 208 ? 0 : pick_cptr(in, b);
	case FZ_RDEPTH: return b < 208 ? 0 : (b < 232 ? 64 : b % 64);
	case FZ_OFFSET: return b < 192 ? free_slot(in, b) : pick_cptr(in, b);
	case FZ_TYPE: return b < 240 ? b % KMM_OBJ_TYPE_COUNT : b - 240 + KMM_OBJ_TYPE_COUNT;
	case FZ_SIZE: return pick_size(prev, b);
	case FZ_COUNT: return b < 240 ? 1 + b % 4 : b;
	case FZ_RIGHTS: return b & KMM_RIGHTS_ALL;
	case FZ_SMALL: return b % 8;
	case FZ_ATTR: return b < 240 ? b % 5 : b;
	case FZ_VADDR: return vaddrs[b % NVADDRS];
	case FZ_ROOT: return b < 192 ? KMM_CAP_ROOT_CNODE : pick_cptr(in, b);
	}
	return b;
}

static bool named(const struct syntax_key *k, const char *name)
{
	return fmt_streq(k->name, name);
}

/* The class of a key of the invocation label. */
static enum fz_class classify(uint64_t label, const struct syntax_key *k, bool cap)
{
	bool retype = label == KMM_UNTYPED_RETYPE;

	if (cap)
		return !k->required && k->dflt == KMM_CAP_ROOT_CNODE ? FZ_ROOT : FZ_CPTR;
	if (k->fmt == SYN_OBJECT_TYPE)
		return FZ_TYPE;
	if (k->fmt == SYN_RIGHTS)
		return FZ_RIGHTS;
	if (k->fmt == SYN_ATTR)
		return FZ_ATTR;
	if (named(k, "vaddr"))
		return FZ_VADDR;
	if (retype)
		return named(k, "size") ? FZ_SIZE : named(k, "index") ? FZ_RINDEX :
		       named(k, "depth") ? FZ_RDEPTH : named(k, "offset") ? FZ_OFFSET : FZ_COUNT;
	if (k->fmt == SYN_HEX)
		return FZ_CPTR;
	return k->dflt == 64 ? FZ_DEPTH : FZ_SMALL;
}

/* One word or cap: a mapped byte, or (rarely) a raw 64-bit value. */
static uint64_t arg(struct fz_in *in, enum fz_class c, uint64_t prev)
{
	uint8_t b = byte(in);

	return b >= RAW_BYTE ? raw64(in) : map_value(in, c, b, prev);
}

/*
 * The invoked cap: below 128 the kind the label wants (retype: an
 * untyped below 64, else a free slot where a derived untyped may be;
 * CNode ops: the root CNode; the ASID control and pool), else any
 * (the byte rotated left by one, so every slot stays reachable).
 */
static uint64_t invoked(struct fz_in *in, uint64_t label)
{
	uint8_t b = byte(in);

	if (b >= RAW_BYTE)
		return raw64(in);
	if (b >= 128 || label == KMM_TCB_CONFIGURE ||
	    (label >= KMM_X86_PDPT_MAP && label < KMM_X86_ASID_CONTROL_MAKE_POOL))
		return pick_cptr(in, (uint8_t)(b << 1 | b >> 7));
	if (label == KMM_UNTYPED_RETYPE)
		return b < 64 ? untyped_slot(in, b) : free_slot(in, b);
	if (label == KMM_X86_ASID_CONTROL_MAKE_POOL)
		return KMM_CAP_ASID_CONTROL;
	if (label == KMM_X86_ASID_POOL_ASSIGN)
		return KMM_CAP_ROOT_ASID_POOL;
	return KMM_CAP_ROOT_CNODE;
}

/* Apply a pending truncation to op's message. */
static void truncate(struct fz_in *in, struct prog_op *op)
{
	if (in->truncate == 0)
		return;
	op->send_words = (uint8_t)((in->truncate - 1) % (op->nwords + 1));
	op->send_caps = (uint8_t)(((in->truncate - 1) >> 4) % (op->ncaps + 1));
	in->truncate = 0;
}

static void build_invoke(struct fz_in *in, uint8_t sel, struct prog_op *op)
{
	const struct syntax_op *syn = syntax_for_label(1 + sel % NLABELS);

	op->kind = PROG_INVOKE;
	op->label = syn->label;
	op->cptr = invoked(in, op->label);
	op->nwords = op->send_words = syn->nwords;
	op->ncaps = op->send_caps = syn->ncaps;
	for (unsigned i = 0; i < syn->nwords; i++)
		op->words[i] = arg(in, classify(op->label, &syn->word[i], false), op->words[0]);
	for (unsigned i = 0; i < syn->ncaps; i++)
		op->caps[i] = arg(in, classify(op->label, &syn->cap[i], true), 0);
	truncate(in, op);
}

/* `invoke CPTR label=N args=... caps=...`: any label, small or raw words. */
static void build_raw(struct fz_in *in, struct prog_op *op)
{
	op->kind = PROG_INVOKE;
	op->raw = true;
	op->label = byte(in);
	op->cptr = arg(in, FZ_CPTR, 0);
	op->nwords = op->send_words = byte(in) % (KMM_MSG_MAX_WORDS + 1);
	op->ncaps = op->send_caps = byte(in) % (KMM_MSG_MAX_CAPS + 1);
	for (unsigned i = 0; i < op->nwords; i++)
		op->words[i] = arg(in, (i & 1) ? FZ_DEPTH : FZ_CPTR, 0);
	for (unsigned i = 0; i < op->ncaps; i++)
		op->caps[i] = arg(in, FZ_CPTR, 0);
	truncate(in, op);
}

/* `read VADDR size=S` or `write VADDR value=V size=S`. */
static void build_access(struct fz_in *in, uint8_t sel, struct prog_op *op)
{
	uint8_t a = byte(in), o = byte(in);

	op->kind = PROG_ACCESS;
	op->access = (sel & 1) ? PROG_ACCESS_WRITE : PROG_ACCESS_READ;
	op->size = (uint8_t)(1u << ((a >> 4) & 3));
	op->vaddr = vaddrs[a % NVADDRS] + ((uint64_t)o << 4) + (o & 7);
	if (op->access == PROG_ACCESS_WRITE)
		op->value = byte(in);
}

/* The next op into *op; false when the op is only a prefix (truncation). */
static bool build(struct fz_in *in, struct prog_op *op)
{
	uint8_t sel = byte(in);

	*op = (struct prog_op){ 0 };
	if (sel < 200)
		build_invoke(in, sel, op);
	else if (sel < 220)
		build_access(in, sel, op);
	else if (sel < 230) {
		op->kind = PROG_PREEMPT;
		op->arg = 1 + byte(in) % 64;
	} else if (sel < 240) {
		op->kind = PROG_CHECK;
	} else if (sel < 248) {
		in->truncate = (uint8_t)(1 + byte(in) % 255);
		return false;
	} else {
		build_raw(in, op);
	}
	return true;
}

static void read_header(struct fz_in *in, struct fz_header *h)
{
	h->seed = 0;
	for (unsigned i = 0; i < 4; i++)
		h->seed |= (uint64_t)byte(in) << (8 * i);
	h->pct_depth = byte(in) % (FZ_MAX_PCT_DEPTH + 1);
	h->cores_asked = 1 + byte(in) % FZ_MAX_CORES;
	h->cores = h->cores_asked;
}

void fz_decode_header(const uint8_t *data, size_t len, struct fz_header *h)
{
	struct fz_in in = { data, len, 0, 0, 0 };

	read_header(&in, h);
}

/*
 * The ops of core `core` of `cores` into *s: the i-th op that decodes to
 * a valid op goes to core i % cores.  *total counts the ops of every core.
 */
static void decode_core(const uint8_t *data, size_t len, const struct kmm_bootinfo *bi,
			unsigned core, unsigned cores, uint64_t *code, struct prog_stream *s,
			size_t *total)
{
	struct fz_in in = { data, len, 0, bi, 0 };
	struct fz_header h;
	struct prog_op op;

	read_header(&in, &h);
	*s = (struct prog_stream){ code, 0, 0 };
	while (in.pos < in.len && *total < FZ_MAX_OPS) {
		if (!build(&in, &op) || !prog_op_valid(&op))
			continue;
		if ((*total)++ % cores != core)
			continue;
		op.core = (uint8_t)core;
		s->len += prog_encode(&op, code + s->len);
		s->nops++;
	}
}

size_t fz_decode(const uint8_t *data, size_t len, const struct kmm_bootinfo *bi,
		 struct fz_header *h, uint64_t *code, struct prog *p)
{
	size_t used = 0, total = 0;

	fz_decode_header(data, len, h);
	for (unsigned c = 0; c < PROG_MAX_CORES; c++)
		p->core[c] = (struct prog_stream){ code, 0, 0 };
	for (unsigned c = 0; c < h->cores; c++) {
		total = 0;
		decode_core(data, len, bi, c, h->cores, code + used, &p->core[c], &total);
		used += p->core[c].len;
	}
	return total;
}
