/*
 * The names of kmm's numbers as the scenario language and the trace
 * spell them: error codes, lookup-failure kinds, object types, cap types,
 * invocation labels, VM rights, VM attributes, fault accesses and reasons,
 * and rights words.  One table per kind,
 * shared by the parser (text -> number) and the trace (number -> text),
 * so the two cannot drift apart.  Freestanding.
 */
#ifndef KMM_SIM_NAMES_H
#define KMM_SIM_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fmt.h"

/* names[v - first] is the name of value v; NULL entries have no name. */
struct name_table {
	const char *const *names;
	unsigned first;
	unsigned count;
};

extern const struct name_table names_errors;        /* enum kmm_error, from 0 "ok" */
extern const struct name_table names_lookup_kinds;  /* enum kmm_lookup_fault, from 1 */
extern const struct name_table names_object_types;  /* enum kmm_object_type */
extern const struct name_table names_cap_types;     /* enum kmm_cap_type */
extern const struct name_table names_labels;        /* enum kmm_label, from 1 */
extern const struct name_table names_vm_rights;     /* enum kmm_vm_rights, from 1 */
extern const struct name_table names_vm_attrs;      /* x86 VM attributes, from 0 */
extern const struct name_table names_access;        /* enum kmm_fault_access */
extern const struct name_table names_fault_reasons; /* enum kmm_fault_reason, from 1 */

/* The name of v, or NULL if the table has none. */
const char *names_get(const struct name_table *t, uint64_t v);

/* Find the value named s[0..len); false if no entry has that name. */
bool names_find(const struct name_table *t, const char *s, size_t len, uint64_t *v);

/* Is s[0..len) exactly the NUL-terminated name? */
bool names_same(const char *name, const char *s, size_t len);

/*
 * Rights words: "all", "none", or letters R W G P (P = grant-reply) in any
 * order, each at most once.  names_parse_rights returns false for any
 * other text; names_fmt_rights writes the canonical form (letters in the
 * order RWGP), or decimal for values with bits above the four rights.
 */
bool names_parse_rights(const char *s, size_t len, uint64_t *v);
void names_fmt_rights(struct fmt *f, uint64_t v);

#endif
