/*
 * Assertions about kernel state: `assert CPTR empty`, `assert CPTR
 * key=value ...`, `assert objects TYPE=N` and `assert memory` (address
 * spaces: exec_assert_vm.c).  They read
 * the kernel only through kmm_inspect_* (and the kernel window for
 * memory contents) and change nothing.  A false assertion leaves its
 * report in x->mf: "assert 0x10: watermark: expected 4096, got 0".
 */
#include <kmm/kernel.h>

#include "exec.h"
#include "hal.h"
#include "names.h"
#include "syntax.h"
#include "trace.h"

static struct fmt *report(struct exec *x, const struct prog_op *op)
{
	struct fmt *m = exec_msg_start(x, op);

	fmt_str(m, op->kind == PROG_ASSERT_MEMORY ? "assert memory " : "assert ");
	fmt_hex(m, op->cptr);
	fmt_str(m, ": ");
	return m;
}

static bool lookup(struct exec *x, const struct prog_op *op, struct kmm_cap_info *c)
{
	if (kmm_inspect_cptr(x->cfg.caller, op->cptr, c))
		return true;
	fmt_str(report(x, op), "the cptr does not resolve");
	return false;
}

/* The value of an assert key in a cap; false for keys that are not fields. */
static bool cap_field(const struct kmm_cap_info *c, unsigned key, uint64_t *v)
{
	switch (key) {
	case PROG_KEY_TYPE: *v = c->type; return true;
	case PROG_KEY_BADGE: *v = c->badge; return true;
	case PROG_KEY_RIGHTS: *v = c->rights; return true;
	case PROG_KEY_VM_RIGHTS: *v = c->vm_rights; return true;
	case PROG_KEY_WATERMARK: *v = 16 * c->free_index; return true;
	case PROG_KEY_FREE_INDEX: *v = c->free_index; return true;
	case PROG_KEY_SIZE_BITS: *v = c->size_bits; return true;
	case PROG_KEY_PADDR: *v = c->paddr; return true;
	case PROG_KEY_DEVICE: *v = c->is_device; return true;
	case PROG_KEY_RADIX: *v = c->radix; return true;
	case PROG_KEY_GUARD: *v = c->guard; return true;
	case PROG_KEY_GUARD_SIZE: *v = c->guard_size; return true;
	case PROG_KEY_REVOCABLE: *v = c->revocable; return true;
	case PROG_KEY_FIRST_BADGED: *v = c->first_badged; return true;
	case PROG_KEY_MAPPED: *v = c->mapped; return true;
	case PROG_KEY_ASID: *v = c->map_asid; return true;
	case PROG_KEY_VADDR: *v = c->map_vaddr; return true;
	}
	return false;
}

static void parent_text(struct exec *x, struct fmt *m, uint64_t slot)
{
	if (slot == 0)
		fmt_str(m, "none");
	else
		exec_slot_name(x, m, slot);
}

static enum exec_status check_parent(struct exec *x, const struct prog_op *op,
				     const struct kmm_cap_info *c,
				     const struct prog_pair *p)
{
	struct kmm_cap_info pc;
	uint64_t want = 0, got;
	struct fmt *m;

	if (p->key == PROG_KEY_PARENT) {
		if (!kmm_inspect_cptr(x->cfg.caller, p->value, &pc)) {
			fmt_str(report(x, op), "parent: the parent cptr does not resolve");
			return EXEC_FAIL_ASSERT;
		}
		want = pc.slot_paddr;
	}
	if (!exec_find_parent(x, c->slot_paddr, &got)) {
		fmt_str(report(x, op), "parent: no memory for the walk");
		return EXEC_FAIL_PROGRAM;
	}
	if (got == want)
		return EXEC_OK;
	m = report(x, op);
	fmt_str(m, "parent: expected ");
	parent_text(x, m, want);
	fmt_str(m, ", got ");
	parent_text(x, m, got);
	return EXEC_FAIL_ASSERT;
}

static enum exec_status mismatch(struct exec *x, const struct prog_op *op,
				 const struct prog_pair *p, uint64_t got)
{
	const struct syntax_key *k = syntax_assert_key(p->key);
	struct fmt *m = report(x, op);

	fmt_str(m, k->name);
	fmt_str(m, ": expected ");
	trace_value(m, k->fmt, p->value);
	fmt_str(m, ", got ");
	trace_value(m, k->fmt, got);
	return EXEC_FAIL_ASSERT;
}

static enum exec_status assert_cap(struct exec *x, const struct prog_op *op)
{
	struct kmm_cap_info c;
	enum exec_status st;
	uint64_t v;

	if (!lookup(x, op, &c))
		return EXEC_FAIL_ASSERT;
	for (unsigned i = 0; i < op->npairs; i++) {
		const struct prog_pair *p = &op->pairs[i];

		if (p->key == PROG_KEY_PARENT || p->key == PROG_KEY_NO_PARENT) {
			st = check_parent(x, op, &c, p);
			if (st != EXEC_OK)
				return st;
		} else if (!cap_field(&c, p->key, &v)) {
			fmt_str(report(x, op), "unknown assert key");
			return EXEC_FAIL_PROGRAM;
		} else if (v != p->value) {
			return mismatch(x, op, p, v);
		}
	}
	return EXEC_OK;
}

static enum exec_status assert_empty(struct exec *x, const struct prog_op *op)
{
	struct kmm_cap_info c;
	struct fmt *m;

	if (!lookup(x, op, &c))
		return EXEC_FAIL_ASSERT;
	if (c.type == KMM_CAP_TYPE_NULL)
		return EXEC_OK;
	m = report(x, op);
	fmt_str(m, "expected empty, got ");
	trace_cap(m, &c);
	return EXEC_FAIL_ASSERT;
}

static enum exec_status assert_objects(struct exec *x, const struct prog_op *op)
{
	for (unsigned i = 0; i < op->npairs; i++) {
		const struct prog_pair *p = &op->pairs[i];
		uint64_t got;
		struct fmt *m;

		if (p->key >= KMM_CAP_TYPE_COUNT) {
			fmt_str(exec_msg_start(x, op), "assert objects: bad cap type");
			return EXEC_FAIL_PROGRAM;
		}
		got = kmm_inspect_object_count((enum kmm_cap_type)p->key);
		if (got == p->value)
			continue;
		m = exec_msg_start(x, op);
		fmt_str(m, "assert objects: ");
		fmt_str(m, names_get(&names_cap_types, p->key));
		fmt_str(m, ": expected ");
		fmt_dec(m, p->value);
		fmt_str(m, ", got ");
		fmt_dec(m, got);
		return EXEC_FAIL_ASSERT;
	}
	return EXEC_OK;
}

/* Read assert-memory pairs; len defaults to the rest of the object. */
static void memory_args(const struct prog_op *op, uint64_t size, uint64_t *off,
			uint64_t *len, bool *zero)
{
	bool have_len = false;

	*off = 0;
	*zero = true;
	for (unsigned i = 0; i < op->npairs; i++) {
		if (op->pairs[i].key == PROG_KEY_OFFSET)
			*off = op->pairs[i].value;
		else if (op->pairs[i].key == PROG_KEY_LEN)
			have_len = true, *len = op->pairs[i].value;
		else if (op->pairs[i].key == PROG_KEY_ZERO)
			*zero = op->pairs[i].value != 0;
	}
	if (!have_len)
		*len = *off <= size ? size - *off : 0;
}

/* Offset of the first non-zero byte of [p, p + len), or len if none. */
static uint64_t first_nonzero(const uint8_t *p, uint64_t len)
{
	for (uint64_t i = 0; i < len; i++) {
		if (p[i] != 0)
			return i;
	}
	return len;
}

static enum exec_status memory_result(struct exec *x, const struct prog_op *op,
				      const uint8_t *p, uint64_t off, uint64_t len,
				      bool zero)
{
	uint64_t nz = first_nonzero(p, len);
	struct fmt *m;

	if ((nz == len) == zero)
		return EXEC_OK;
	m = report(x, op);
	if (zero) {
		fmt_str(m, "expected all zero, but the byte at offset ");
		fmt_dec(m, off + nz);
		fmt_str(m, " is ");
		fmt_hex(m, p[nz]);
	} else {
		fmt_str(m, "expected some non-zero byte, but all ");
		fmt_dec(m, len);
		fmt_str(m, " bytes are zero");
	}
	return EXEC_FAIL_ASSERT;
}

static enum exec_status assert_memory(struct exec *x, const struct prog_op *op)
{
	struct kmm_cap_info c;
	uint64_t size, off = 0, len = 0;
	bool zero = true;

	if (!lookup(x, op, &c))
		return EXEC_FAIL_ASSERT;
	if (c.size_bits == 0 || c.size_bits >= 64) {
		fmt_str(report(x, op), "the cap names no memory");
		return EXEC_FAIL_ASSERT;
	}
	size = 1ull << c.size_bits;
	memory_args(op, size, &off, &len, &zero);
	if (off > size || len > size - off) {
		fmt_str(report(x, op), "offset and len reach past the object");
		return EXEC_FAIL_ASSERT;
	}
	return memory_result(x, op, hal_phys_to_kernel(c.paddr + off), off, len, zero);
}

enum exec_status exec_assert(struct exec *x, const struct prog_op *op)
{
	switch (op->kind) {
	case PROG_ASSERT_EMPTY:
		return assert_empty(x, op);
	case PROG_ASSERT_CAP:
		return assert_cap(x, op);
	case PROG_ASSERT_OBJECTS:
		return assert_objects(x, op);
	case PROG_ASSERT_MEMORY:
		return assert_memory(x, op);
	}
	fmt_str(exec_msg_start(x, op), "not an assertion");
	return EXEC_FAIL_PROGRAM;
}
