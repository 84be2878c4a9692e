/*
 * The reference model's entry points (model.h): a model of the kernel
 * just booted, and model_step, which predicts each completed op, applies
 * it to the model and compares result and state with the kernel.
 */
#include "model_int.h"

/* Compare the whole state after every op up to this many caps; above it, every STRIDE-th op. */
#define MODEL_FULL_COMPARE_CAPS 4096u
#define MODEL_COMPARE_STRIDE    1024u

struct model *model_new(uint64_t caller)
{
	struct model *m = g_new0(struct model, 1);
	const struct mcap *root;

	m->slots = g_hash_table_new(g_int64_hash, g_int64_equal);
	m->roots = g_ptr_array_new();
	m->tables = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, g_free);
	m->pools = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, g_free);
	m->pages = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, g_free);
	m->caller = caller;
	/* the root thread runs on every core at first (exec.h) */
	for (unsigned c = 0; c < MODEL_CORES; c++)
		m->program[c] = m->running[c] = caller;
	m->cores_seen = 1;
	mboot_load(m);
	for (unsigned c = 0; c < MODEL_CORES; c++)
		mtcb_load_vspace(m, c);
	root = mtree_cap(m, caller + TCB_CTABLE * SLOT_BYTES);
	m->root_cnode = root->paddr;
	m->root_bits = root->radix;
	return m;
}

void model_free(struct model *m)
{
	if (m == NULL)
		return;
	mtree_free_all(m);
	g_hash_table_destroy(m->tables);
	g_hash_table_destroy(m->pools);
	g_hash_table_destroy(m->pages);
	g_free(m);
}

/* The full state comparison, thinned out for very large states. */
static bool compare_now(struct model *m, struct exec_model_diff *d)
{
	if (g_hash_table_size(m->slots) > MODEL_FULL_COMPARE_CAPS &&
	    m->steps % MODEL_COMPARE_STRIDE != 0)
		return true;
	return mcompare_state(m, d);
}

static bool step_invoke(struct model *m, const struct prog_op *op, const struct kmm_result *res,
			struct exec_model_diff *d)
{
	struct kmm_result pred;
	struct kmm_msg msg;

	/* restart semantics: a preempted op is compared when it completes (model.h) */
	if (res->kind == KMM_RESULT_PREEMPTED)
		return true;
	prog_message(op, &msg);
	minvoke(m, op->core, &msg, &pred);
	m->predicted++;
	return mcompare_result(m, &pred, res, d) && compare_now(m, d);
}

/* An op the model has no meaning for: stop predicting for the rest of the run. */
static bool go_unmodelled(struct model *m)
{
	m->unmodelled = true;
	m->unmodelled_at = m->steps;
	m->unmodelled_ops++;
	return true;
}

bool model_step(void *ctx, const struct prog_op *op, const struct kmm_result *res,
		struct exec_model_diff *d)
{
	struct model *m = ctx;

	m->steps++;
	if (m->unmodelled) {
		m->unmodelled_ops++;
		return true;
	}
	if (op == NULL)
		return mcompare_state(m, d);
	if (op->core >= MODEL_CORES)
		return go_unmodelled(m);
	m->cores_seen |= 1ull << op->core;
	switch (op->kind) {
	case PROG_MODEL_PERTURB:
		mperturb(m, op->cptr);
		return mcompare_state(m, d);
	case PROG_RUN:
		if (!mtcb_run(m, op->core, op->cptr))
			return mcompare_differ(m, d, "run", "model: `run 0x%llx` names no TCB "
					       "in the model", (unsigned long long)op->cptr);
		return compare_now(m, d);
	case PROG_ACCESS:
		if (res == NULL)
			return go_unmodelled(m);
		return maccess_step(m, op, res, d) && compare_now(m, d);
	case PROG_INVOKE:
		if (res == NULL)
			return go_unmodelled(m);
		return step_invoke(m, op, res, d);
	default:
		return go_unmodelled(m);
	}
}

void model_summary(const struct model *m, uint64_t *predicted, uint64_t *compared,
		   uint64_t *unmodelled_at, uint64_t *unmodelled_ops)
{
	*predicted = m->predicted;
	*compared = m->compared;
	*unmodelled_at = m->unmodelled_at;
	*unmodelled_ops = m->unmodelled_ops;
}
