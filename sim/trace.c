/*
 * Trace formatting (see trace.h).  Op text and result details are driven
 * by the syntax tables, so every key the scenario language accepts
 * prints under the same name and in a form the parser reads back.
 */
#include "names.h"
#include "syntax.h"
#include "trace.h"

void trace_prefix(struct fmt *f, uint64_t step, unsigned core)
{
	fmt_dec(f, step);
	fmt_str(f, " c");
	fmt_dec(f, core);
	fmt_char(f, ' ');
}

static void named(struct fmt *f, const struct name_table *t, uint64_t v)
{
	const char *name = names_get(t, v);

	if (name != NULL)
		fmt_str(f, name);
	else
		fmt_dec(f, v);
}

void trace_value(struct fmt *f, unsigned fmt, uint64_t v)
{
	switch (fmt) {
	case SYN_HEX:
		fmt_hex(f, v);
		break;
	case SYN_OBJECT_TYPE:
		named(f, &names_object_types, v);
		break;
	case SYN_CAP_TYPE:
		named(f, &names_cap_types, v);
		break;
	case SYN_RIGHTS:
		names_fmt_rights(f, v);
		break;
	case SYN_VM_RIGHTS:
		named(f, &names_vm_rights, v);
		break;
	case SYN_LABEL:
		named(f, &names_labels, v);
		break;
	case SYN_BOOL:
		fmt_str(f, v == 0 ? "no" : v == 1 ? "yes" : "?");
		break;
	case SYN_ATTR:
		named(f, &names_vm_attrs, v);
		break;
	case SYN_ACCESS:
		named(f, &names_access, v);
		break;
	case SYN_FAULT_REASON:
		named(f, &names_fault_reasons, v);
		break;
	case SYN_LOOKUP:
		named(f, &names_lookup_kinds, v);
		break;
	default:
		fmt_dec(f, v);
	}
}

static void key_value(struct fmt *f, const char *key, unsigned fmt, uint64_t v)
{
	fmt_char(f, ' ');
	fmt_str(f, key);
	fmt_char(f, '=');
	trace_value(f, fmt, v);
}

static void list(struct fmt *f, const char *key, const uint64_t *v, unsigned n,
		 unsigned fmt)
{
	if (n == 0)
		return;
	fmt_char(f, ' ');
	fmt_str(f, key);
	fmt_char(f, '=');
	for (unsigned i = 0; i < n; i++) {
		if (i > 0)
			fmt_char(f, ',');
		trace_value(f, fmt, v[i]);
	}
}

static void invoke_named(struct fmt *f, const struct prog_op *op,
			 const struct syntax_op *syn)
{
	for (unsigned i = 0; i < op->nwords && i < syn->nwords; i++)
		key_value(f, syn->word[i].name, syn->word[i].fmt, op->words[i]);
	for (unsigned i = 0; i < op->ncaps && i < syn->ncaps; i++)
		key_value(f, syn->cap[i].name, syn->cap[i].fmt, op->caps[i]);
}

static void invoke_raw(struct fmt *f, const struct prog_op *op)
{
	key_value(f, "label", SYN_LABEL, op->label);
	list(f, "args", op->words, op->nwords, SYN_DEC);
	list(f, "caps", op->caps, op->ncaps, SYN_HEX);
}

static void trace_invoke(struct fmt *f, const struct prog_op *op)
{
	const struct syntax_op *syn = op->raw ? NULL : syntax_for_label(op->label);

	fmt_str(f, syn != NULL ? syn->name : "invoke");
	fmt_char(f, ' ');
	fmt_hex(f, op->cptr);
	if (syn != NULL)
		invoke_named(f, op, syn);
	else
		invoke_raw(f, op);
	if (op->send_words != op->nwords)
		key_value(f, "nwords", SYN_DEC, op->send_words);
	if (op->send_caps != op->ncaps)
		key_value(f, "ncaps", SYN_DEC, op->send_caps);
}

static void trace_pairs(struct fmt *f, const struct prog_op *op)
{
	for (unsigned i = 0; i < op->npairs; i++) {
		const struct prog_pair *p = &op->pairs[i];
		const struct syntax_key *k = syntax_assert_key(p->key);

		if (op->kind == PROG_ASSERT_OBJECTS) {
			fmt_char(f, ' ');
			named(f, &names_cap_types, p->key);
			fmt_char(f, '=');
			fmt_dec(f, p->value);
		} else if (p->key == PROG_KEY_NO_PARENT || p->key == PROG_KEY_NO_TCB) {
			fmt_str(f, p->key == PROG_KEY_NO_TCB ? " tcb=none" : " parent=none");
		} else if (k != NULL) {
			key_value(f, k->name, k->fmt, p->value);
		}
	}
}

/* "read 0x400000 size=8", "write 0x400000 value=0x2a size=8" */
static void trace_access(struct fmt *f, const struct prog_op *op)
{
	fmt_str(f, op->access == PROG_ACCESS_READ ? "read " : "write ");
	fmt_hex(f, op->vaddr);
	if (op->access != PROG_ACCESS_READ)
		key_value(f, "value", SYN_HEX, op->value);
	key_value(f, "size", SYN_DEC, op->size);
}

/* Ops written "WORD CPTR": run, assert CPTR ..., assert memory, assert pte. */
static void word_cptr(struct fmt *f, const char *word, const struct prog_op *op)
{
	fmt_str(f, word);
	fmt_hex(f, op->cptr);
}

void trace_op(struct fmt *f, const struct prog_op *op)
{
	switch (op->kind) {
	case PROG_INVOKE:
		trace_invoke(f, op);
		return;
	case PROG_RUN:
		word_cptr(f, "run ", op);
		return;
	case PROG_ACCESS:
		trace_access(f, op);
		return;
	case PROG_ASSERT_PTE:
		word_cptr(f, "assert pte ", op);
		trace_pairs(f, op);
		return;
	case PROG_ASSERT_TLB:
	case PROG_ASSERT_RUNNING:
		fmt_str(f, op->kind == PROG_ASSERT_TLB ? "assert tlb" : "assert running");
		trace_pairs(f, op);
		return;
	case PROG_ASSERT_EMPTY:
		fmt_str(f, "assert ");
		fmt_hex(f, op->cptr);
		fmt_str(f, " empty");
		return;
	case PROG_ASSERT_CAP:
	case PROG_ASSERT_MEMORY:
		word_cptr(f, op->kind == PROG_ASSERT_CAP ? "assert " : "assert memory ", op);
		trace_pairs(f, op);
		return;
	case PROG_ASSERT_OBJECTS:
		fmt_str(f, "assert objects");
		trace_pairs(f, op);
		return;
	case PROG_CHECK:
		fmt_str(f, "check");
		return;
	case PROG_DUMP:
		fmt_str(f, "dump");
		return;
	case PROG_BARRIER:
		fmt_str(f, "barrier");
		return;
	case PROG_MODEL_PERTURB:
		word_cptr(f, "model_perturb ", op);
		return;
	case PROG_PREEMPT:
		fmt_str(f, "preempt after ");
		fmt_dec(f, op->arg);
		return;
	}
	fmt_str(f, "?");
}

/*
 * "(d0, d1, ...)" of a result of expectation kind `kind` (enum
 * prog_expect_kind), each word in its format (syntax_detail_fmt).
 */
static void details(struct fmt *f, unsigned kind, unsigned error, const uint64_t *d,
		    unsigned n)
{
	if (n == 0)
		return;
	fmt_char(f, '(');
	for (unsigned i = 0; i < n; i++) {
		if (i > 0)
			fmt_str(f, ", ");
		trace_value(f, syntax_detail_fmt(kind, error, i), d[i]);
	}
	fmt_char(f, ')');
}

static void error_result(struct fmt *f, uint64_t code, const uint64_t *d, unsigned n)
{
	named(f, &names_errors, code);
	details(f, PROG_EXPECT_REPLY, (unsigned)code, d, n);
}

/* Names of the non-reply result kinds, by enum kmm_result_kind. */
static const char *const result_names[] = {
	[KMM_RESULT_CAP_FAULT] = "CapFault",
	[KMM_RESULT_PREEMPTED] = "preempted",
	[KMM_RESULT_VM_FAULT] = "VmFault",
	[KMM_RESULT_NO_THREAD] = "NoThread",
};

/* A non-reply result kind with its details (lookup kind named for cap faults). */
static void other_result(struct fmt *f, unsigned kind, const uint64_t *d, unsigned n)
{
	if (kind >= sizeof result_names / sizeof result_names[0] || result_names[kind] == NULL) {
		fmt_str(f, "?");
		return;
	}
	fmt_str(f, result_names[kind]);
	details(f, kind + 1, 0, d, n);
}

void trace_result(struct fmt *f, const struct kmm_result *r)
{
	unsigned n = r->ndetail < KMM_RESULT_MAX_DETAIL ? r->ndetail : KMM_RESULT_MAX_DETAIL;

	if (r->kind == KMM_RESULT_REPLY)
		error_result(f, r->error, r->detail, n);
	else
		other_result(f, r->kind, r->detail, r->kind == KMM_RESULT_PREEMPTED ? 0 : n);
}

bool trace_result_kind(const char *s, size_t len, unsigned *kind)
{
	for (unsigned i = 1; i < sizeof result_names / sizeof result_names[0]; i++) {
		if (result_names[i] != NULL && names_same(result_names[i], s, len)) {
			*kind = i;
			return true;
		}
	}
	return false;
}

void trace_outcome(struct fmt *f, const struct prog_op *op, const struct kmm_result *r)
{
	if (op->kind == PROG_ACCESS && op->access == PROG_ACCESS_READ &&
	    r->kind == KMM_RESULT_REPLY && r->error == KMM_OK && r->ndetail == 1)
		fmt_hex(f, r->detail[0]);
	else
		trace_result(f, r);
}

void trace_expect(struct fmt *f, const struct prog_expect *e)
{
	unsigned n = e->exact ? e->ndetail : 0;

	if (e->kind == PROG_EXPECT_VALUE)
		fmt_hex(f, e->detail[0]);
	else if (e->kind == PROG_EXPECT_REPLY)
		error_result(f, e->error, e->detail, n);
	else
		other_result(f, e->kind - 1u, e->detail, n);
	if (e->check_restarts) {
		fmt_str(f, " restarts=");
		fmt_dec(f, e->restarts);
	}
}

static void cap_memory(struct fmt *f, const struct kmm_cap_info *c)
{
	key_value(f, "paddr", SYN_HEX, c->paddr);
	key_value(f, "size_bits", SYN_DEC, c->size_bits);
}

/* A frame's or table's recorded mapping: "mapped=yes asid=1 vaddr=0x400000". */
static void cap_mapping(struct fmt *f, const struct kmm_cap_info *c)
{
	key_value(f, "mapped", SYN_BOOL, c->mapped);
	if (c->mapped) {
		key_value(f, "asid", SYN_DEC, c->map_asid);
		key_value(f, "vaddr", SYN_HEX, c->map_vaddr);
	}
}

static void cap_fields(struct fmt *f, const struct kmm_cap_info *c)
{
	switch (c->type) {
	case KMM_CAP_TYPE_UNTYPED:
		cap_memory(f, c);
		key_value(f, "watermark", SYN_DEC, 16 * c->free_index);
		key_value(f, "device", SYN_BOOL, c->is_device);
		break;
	case KMM_CAP_TYPE_ENDPOINT:
	case KMM_CAP_TYPE_NOTIFICATION:
		key_value(f, "paddr", SYN_HEX, c->paddr);
		key_value(f, "badge", SYN_DEC, c->badge);
		key_value(f, "rights", SYN_RIGHTS, c->rights);
		break;
	case KMM_CAP_TYPE_CNODE:
		key_value(f, "paddr", SYN_HEX, c->paddr);
		key_value(f, "radix", SYN_DEC, c->radix);
		key_value(f, "guard", SYN_DEC, c->guard);
		key_value(f, "guard_size", SYN_DEC, c->guard_size);
		break;
	case KMM_CAP_TYPE_ZOMBIE:
		key_value(f, "paddr", SYN_HEX, c->paddr);
		key_value(f, "radix", SYN_DEC, c->radix);
		key_value(f, "zombie_count", SYN_DEC, c->zombie_count);
		break;
	case KMM_CAP_TYPE_FRAME:
		cap_memory(f, c);
		key_value(f, "vm_rights", SYN_VM_RIGHTS, c->vm_rights);
		key_value(f, "device", SYN_BOOL, c->is_device);
		cap_mapping(f, c);
		break;
	case KMM_CAP_TYPE_PAGE_TABLE:
	case KMM_CAP_TYPE_PAGE_DIRECTORY:
	case KMM_CAP_TYPE_PDPT:
		key_value(f, "paddr", SYN_HEX, c->paddr);
		cap_mapping(f, c);
		break;
	case KMM_CAP_TYPE_PML4:
		key_value(f, "paddr", SYN_HEX, c->paddr);
		if (c->mapped)
			key_value(f, "asid", SYN_DEC, c->map_asid);
		break;
	case KMM_CAP_TYPE_NULL:
	case KMM_CAP_TYPE_ASID_CONTROL:
		break;
	default:
		key_value(f, "paddr", SYN_HEX, c->paddr);
	}
}

void trace_cap(struct fmt *f, const struct kmm_cap_info *c)
{
	named(f, &names_cap_types, c->type);
	cap_fields(f, c);
	if (c->revocable)
		fmt_str(f, " revocable=yes");
	if (c->first_badged)
		fmt_str(f, " first_badged=yes");
}

/* cptr of index in a CNode with radix, guard and guard_size, resolved from the top. */
static uint64_t root_cptr(const struct kmm_cap_info *root, uint64_t index)
{
	unsigned used = root->guard_size + root->radix;
	uint64_t cptr = (root->guard_size == 0 ? 0 : root->guard << root->radix) | index;

	return used == 64 ? cptr : cptr << (64 - used);
}

void trace_slot(struct fmt *f, uint64_t caller, uint64_t slot_paddr)
{
	struct kmm_cap_info root;
	uint64_t off;

	if (kmm_inspect_cptr(caller, KMM_CAP_ROOT_CNODE, &root) &&
	    root.type == KMM_CAP_TYPE_CNODE && root.radix < 64 &&
	    root.guard_size + root.radix <= 64 && slot_paddr >= root.paddr) {
		off = slot_paddr - root.paddr;
		if (off % (1u << KMM_SLOT_BITS) == 0 &&
		    off >> KMM_SLOT_BITS < (1ull << root.radix)) {
			fmt_hex(f, root_cptr(&root, off >> KMM_SLOT_BITS));
			return;
		}
	}
	fmt_str(f, "slot@");
	fmt_hex(f, slot_paddr);
}
