/*
 * A syscall error with its detail words, as decode steps report it.
 * Decode functions return the enum and fill a struct kerr with the reply's
 * message registers; KMM_OK leaves it untouched.
 */
#ifndef KMM_ERROR_H
#define KMM_ERROR_H

#include <kmm/abi.h>
#include "util.h"

struct lookup_fault {
	enum kmm_lookup_fault kind;
	uint64_t bits_left;
	uint64_t a;  /* depth mismatch: bits found; guard mismatch: guard found */
	uint64_t b;  /* guard mismatch: guard size */
};

struct kerr {
	enum kmm_error code;
	unsigned ndetail;
	uint64_t detail[KMM_RESULT_MAX_DETAIL];
};

enum kmm_error kerr_plain(struct kerr *e, enum kmm_error code);
enum kmm_error kerr_arg(struct kerr *e, enum kmm_error code, uint64_t which);
enum kmm_error kerr_range(struct kerr *e, uint64_t min, uint64_t max);
enum kmm_error kerr_memory(struct kerr *e, uint64_t free_bytes);
enum kmm_error kerr_lookup(struct kerr *e, bool source, const struct lookup_fault *f);
/* Detail words of a lookup fault (kind first), as a cap fault reports them. */
unsigned lookup_fault_words(const struct lookup_fault *f, uint64_t *out);

/* Status of a long operation: it finished, or stopped restartably. */
enum kstatus { KSTATUS_DONE = 0, KSTATUS_PREEMPTED = 1 };

#endif
