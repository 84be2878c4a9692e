/*
 * Constructors for syscall errors.  They fill the detail words exactly as
 * seL4 marshals them into the reply (reference §0.1) and return the code,
 * so a decode step reads "return kerr_range(e, 1, 256);".
 */
#include "error.h"

static enum kmm_error fill(struct kerr *e, enum kmm_error code, unsigned n,
			   uint64_t a, uint64_t b)
{
	e->code = code;
	e->ndetail = n;
	e->detail[0] = a;
	e->detail[1] = b;
	return code;
}

enum kmm_error kerr_plain(struct kerr *e, enum kmm_error code)
{
	return fill(e, code, 0, 0, 0);
}

enum kmm_error kerr_arg(struct kerr *e, enum kmm_error code, uint64_t which)
{
	return fill(e, code, 1, which, 0);
}

enum kmm_error kerr_range(struct kerr *e, uint64_t min, uint64_t max)
{
	return fill(e, KMM_RANGE_ERROR, 2, min, max);
}

enum kmm_error kerr_memory(struct kerr *e, uint64_t free_bytes)
{
	return fill(e, KMM_NOT_ENOUGH_MEMORY, 1, free_bytes, 0);
}

unsigned lookup_fault_words(const struct lookup_fault *f, uint64_t *out)
{
	out[0] = f->kind;
	switch (f->kind) {
	case KMM_LOOKUP_MISSING_CAPABILITY:
		out[1] = f->bits_left;
		return 2;
	case KMM_LOOKUP_DEPTH_MISMATCH:
		out[1] = f->bits_left;
		out[2] = f->a;
		return 3;
	case KMM_LOOKUP_GUARD_MISMATCH:
		out[1] = f->bits_left;
		out[2] = f->a;
		out[3] = f->b;
		return 4;
	default:
		return 1;
	}
}

enum kmm_error kerr_lookup(struct kerr *e, bool source, const struct lookup_fault *f)
{
	e->code = KMM_FAILED_LOOKUP;
	e->detail[0] = source;
	e->ndetail = 1 + lookup_fault_words(f, &e->detail[1]);
	return e->code;
}
