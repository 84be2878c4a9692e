/*
 * The executor's views of the derivation tree: `dump` (one line per cap,
 * indented by its depth in the tree), the parent of a slot for
 * `assert ... parent=`, and slot names for messages.  All of it goes
 * through kmm_inspect_walk with a stack taken from the front end's
 * scratch memory, one entry per cap (always deep enough).
 */
#include <kmm/kernel.h>

#include "exec.h"
#include "trace.h"

/* Walk every cap; false if no scratch memory was available. */
static bool walk(struct exec *x, kmm_walk_fn fn, void *ctx)
{
	uint64_t n = kmm_inspect_cap_count() + 1;
	uint64_t *stack;

	if (n > SIZE_MAX / sizeof *stack)
		return false;
	stack = exec_scratch(x, (size_t)n * sizeof *stack);
	if (stack == NULL)
		return false;
	return kmm_inspect_walk(fn, ctx, stack, n);
}

void exec_slot_name(struct exec *x, struct fmt *f, uint64_t slot_paddr)
{
	trace_slot(f, x->cfg.caller, slot_paddr);
}

struct parent_search {
	uint64_t slot;
	uint64_t parent;
};

static bool parent_visit(const struct kmm_cap_info *cap, uint32_t depth,
			 uint64_t parent_slot, void *ctx)
{
	struct parent_search *s = ctx;

	(void)depth;
	if (cap->slot_paddr != s->slot)
		return true;
	s->parent = parent_slot;
	return false;
}

bool exec_find_parent(struct exec *x, uint64_t slot_paddr, uint64_t *parent)
{
	struct parent_search s = { slot_paddr, 0 };

	if (!walk(x, parent_visit, &s))
		return false;
	*parent = s.parent;
	return true;
}

static bool dump_visit(const struct kmm_cap_info *cap, uint32_t depth,
		       uint64_t parent_slot, void *ctx)
{
	struct exec *x = ctx;
	struct fmt f;
	char buf[EXEC_LINE_MAX];

	(void)parent_slot;
	fmt_init(&f, buf, sizeof buf);
	fmt_indent(&f, 2 * (depth < 64 ? depth : 64));
	exec_slot_name(x, &f, cap->slot_paddr);
	fmt_char(&f, ' ');
	trace_cap(&f, cap);
	exec_emit(x, &f, false);
	return true;
}

enum exec_status exec_dump(struct exec *x, const struct prog_op *op)
{
	if (walk(x, dump_visit, x))
		return EXEC_OK;
	fmt_str(exec_msg_start(x, op), "dump: no memory for the walk");
	return EXEC_FAIL_PROGRAM;
}
