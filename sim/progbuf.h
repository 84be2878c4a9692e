/*
 * A growable program for hosted front ends: one GArray of encoded words
 * per core, appended to by the scenario expander (or a test), viewed as a
 * freestanding `struct prog` for the executor.  Holds at most
 * PROG_MAX_OPS ops and PROGBUF_MAX_WORDS words (1 GiB) in all.
 */
#ifndef KMM_SIM_PROGBUF_H
#define KMM_SIM_PROGBUF_H

#include <glib.h>
#include <stdbool.h>

#include "program.h"

#define PROGBUF_MAX_WORDS (128ull << 20)

struct progbuf {
	GArray *code[PROG_MAX_CORES];  /* uint64_t; NULL until a core gets an op */
	uint64_t nops;
	uint64_t nwords;
	struct prog prog;
};

/* An empty program named name (the string must outlive pb). */
void progbuf_init(struct progbuf *pb, const char *name);
void progbuf_clear(struct progbuf *pb);

/* Append a valid op to its core's stream; false if a size limit is reached. */
bool progbuf_add(struct progbuf *pb, const struct prog_op *op);

/* The program so far; valid until the next progbuf_add or clear. */
const struct prog *progbuf_prog(struct progbuf *pb);

#endif
