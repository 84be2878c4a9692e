/*
 * Scenarios: the text front end of kmm-sim (the language is documented
 * in scenarios/README.md).  Parsing checks the syntax and every key and
 * returns the scenario unevaluated; expansion, once the machine has
 * booted, gives names their values (ut0, first_free ...), unrolls
 * repeats and appends program ops to a progbuf.  Both report the first
 * problem as "file:line:col: message" in a newly allocated *err.
 */
#ifndef KMM_SIM_SCENARIO_H
#define KMM_SIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>

#include <kmm/abi.h>

#include "ast.h"
#include "progbuf.h"

/* Parse text[0..len) (copied); NULL and *err on error.  file names it in messages. */
struct scenario *scenario_parse(const char *file, const char *text, size_t len, char **err);
void scenario_free(struct scenario *sc);

/*
 * Evaluate and unroll sc into pb for a machine booted with bi and cores
 * cores; false and *err on error (pb then holds a partial program).
 */
bool scenario_expand(const struct scenario *sc, const struct kmm_bootinfo *bi,
		     unsigned cores, struct progbuf *pb, char **err);

#endif
