/*
 * Predicted results: a reply with an error code and the detail words seL4
 * marshals into the message registers (0.1), or a cap fault (kmm's
 * decision 3: lookup failures of the invoked or an extra cap are results).
 */
#include "model_int.h"

void mres_reply(struct kmm_result *r, enum kmm_error e, unsigned n, const uint64_t *d)
{
	*r = (struct kmm_result){ .kind = KMM_RESULT_REPLY, .error = e, .ndetail = n };
	for (unsigned i = 0; i < n; i++)
		r->detail[i] = d[i];
}

void mres_err0(struct kmm_result *r, enum kmm_error e)
{
	mres_reply(r, e, 0, NULL);
}

void mres_err1(struct kmm_result *r, enum kmm_error e, uint64_t a)
{
	mres_reply(r, e, 1, (uint64_t[]){ a });
}

void mres_range(struct kmm_result *r, uint64_t lo, uint64_t hi)
{
	mres_reply(r, KMM_RANGE_ERROR, 2, (uint64_t[]){ lo, hi });
}

/* FailedLookup: MR0 source?, MR1 the kind, MR2.. its details. */
void mres_failed_lookup(struct kmm_result *r, bool source, const struct lfail *f)
{
	uint64_t d[5] = { source, f->kind, f->d[0], f->d[1], f->d[2] };

	mres_reply(r, KMM_FAILED_LOOKUP, 2 + f->n, d);
}

/* FailedLookup with MissingCapability(bits_left). */
void mres_missing(struct kmm_result *r, bool source, uint64_t bits_left)
{
	struct lfail f = { KMM_LOOKUP_MISSING_CAPABILITY, 1, { bits_left } };

	mres_failed_lookup(r, source, &f);
}

/* A cap fault on cptr number which (0: the invoked one). */
void mres_cap_fault(struct kmm_result *r, unsigned which, const struct lfail *f)
{
	*r = (struct kmm_result){ .kind = KMM_RESULT_CAP_FAULT, .ndetail = 2 + f->n };
	r->detail[0] = which;
	r->detail[1] = f->kind;
	for (unsigned k = 0; k < f->n; k++)
		r->detail[2 + k] = f->d[k];
}
