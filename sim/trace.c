/*
 * Trace formatting (see trace.h).  Op text is driven by the syntax
 * tables, so every key the scenario language accepts prints under the
 * same name and in a form the parser reads back.
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

	fmt_str(f, syn != NULL ? names_get(&names_labels, op->label) : "invoke");
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
		} else if (p->key == PROG_KEY_NO_PARENT) {
			fmt_str(f, " parent=none");
		} else if (k != NULL) {
			key_value(f, k->name, k->fmt, p->value);
		}
	}
}

void trace_op(struct fmt *f, const struct prog_op *op)
{
	switch (op->kind) {
	case PROG_INVOKE:
		trace_invoke(f, op);
		return;
	case PROG_ASSERT_EMPTY:
		fmt_str(f, "assert ");
		fmt_hex(f, op->cptr);
		fmt_str(f, " empty");
		return;
	case PROG_ASSERT_CAP:
	case PROG_ASSERT_MEMORY:
		fmt_str(f, op->kind == PROG_ASSERT_CAP ? "assert " : "assert memory ");
		fmt_hex(f, op->cptr);
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
	case PROG_PREEMPT:
		fmt_str(f, "preempt after ");
		fmt_dec(f, op->arg);
		return;
	}
	fmt_str(f, "?");
}

/* "(d0, d1, ...)", naming the lookup kind at position kind_at. */
static void details(struct fmt *f, const uint64_t *d, unsigned n, unsigned kind_at)
{
	if (n == 0)
		return;
	fmt_char(f, '(');
	for (unsigned i = 0; i < n; i++) {
		if (i > 0)
			fmt_str(f, ", ");
		if (i == kind_at)
			named(f, &names_lookup_kinds, d[i]);
		else
			fmt_dec(f, d[i]);
	}
	fmt_char(f, ')');
}

static void error_result(struct fmt *f, uint64_t code, const uint64_t *d, unsigned n)
{
	named(f, &names_errors, code);
	details(f, d, n, code == KMM_FAILED_LOOKUP ? 1 : KMM_RESULT_MAX_DETAIL);
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
	details(f, d, n, kind == KMM_RESULT_CAP_FAULT ? 1 : KMM_RESULT_MAX_DETAIL);
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

void trace_expect(struct fmt *f, const struct prog_expect *e)
{
	unsigned n = e->exact ? e->ndetail : 0;

	if (e->kind == PROG_EXPECT_REPLY)
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
