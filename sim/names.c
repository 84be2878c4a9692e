/*
 * The name tables (see names.h).  The order of each array follows the
 * enum it names in kmm/abi.h or kmm/kernel.h; the static asserts pin the
 * counts so a new enum value without a name breaks the build.
 */
#include <kmm/kernel.h>

#include "names.h"

static const char *const error_names[] = {
	"ok", "InvalidArgument", "InvalidCapability", "IllegalOperation",
	"RangeError", "AlignmentError", "FailedLookup", "TruncatedMessage",
	"DeleteFirst", "RevokeFirst", "NotEnoughMemory",
};
_Static_assert(sizeof error_names / sizeof error_names[0] == KMM_ERROR_COUNT,
	       "one name per kmm_error");

static const char *const lookup_names[] = {
	"InvalidRoot", "MissingCapability", "DepthMismatch", "GuardMismatch",
};
_Static_assert(sizeof lookup_names / sizeof lookup_names[0] == KMM_LOOKUP_COUNT - 1,
	       "one name per lookup fault kind");

static const char *const object_names[] = {
	"untyped", "tcb", "endpoint", "notification", "cnode", "pdpt", "pml4",
	"huge_page", "page", "large_page", "page_table", "page_directory",
};
_Static_assert(sizeof object_names / sizeof object_names[0] == KMM_OBJ_TYPE_COUNT,
	       "one name per object type");

static const char *const cap_names[] = {
	"null", "untyped", "endpoint", "notification", "cnode", "tcb", "zombie",
	"frame", "page_table", "page_directory", "pdpt", "pml4",
	"asid_control", "asid_pool",
};
_Static_assert(sizeof cap_names / sizeof cap_names[0] == KMM_CAP_TYPE_COUNT,
	       "one name per cap type");

static const char *const label_names[] = {
	"untyped_retype", "tcb_configure", "cnode_revoke", "cnode_delete",
	"cnode_cancel_badged_sends", "cnode_copy", "cnode_mint", "cnode_move",
	"cnode_mutate", "cnode_rotate", "cnode_save_caller", "x86_pdpt_map",
	"x86_pdpt_unmap", "x86_page_directory_map", "x86_page_directory_unmap",
	"x86_page_table_map", "x86_page_table_unmap", "x86_page_map",
	"x86_page_unmap", "x86_page_get_address", "x86_asid_control_make_pool",
	"x86_asid_pool_assign",
};
_Static_assert(sizeof label_names / sizeof label_names[0] == KMM_LABEL_COUNT - 1,
	       "one name per label");

static const char *const vm_names[] = { "kernel_only", "read_only", "read_write" };

/* seL4_X86_VMAttributes (reference c.5). */
static const char *const attr_names[] = {
	"write_back", "write_through", "cache_disabled", "uncacheable", "write_combining",
};

static const char *const access_names[] = { "Read", "Write", "Exec" };
_Static_assert(KMM_ACCESS_READ == 0 && KMM_ACCESS_EXEC == 2, "access names follow the enum");

static const char *const reason_names[] = { "NotPresent", "Protection", "NonCanonical" };
_Static_assert(KMM_FAULT_NOT_PRESENT == 1 && KMM_FAULT_NON_CANONICAL == 3,
	       "reason names follow the enum");

#define TABLE(arr, first) { arr, first, sizeof arr / sizeof arr[0] }

const struct name_table names_errors = TABLE(error_names, 0);
const struct name_table names_lookup_kinds = TABLE(lookup_names, 1);
const struct name_table names_object_types = TABLE(object_names, 0);
const struct name_table names_cap_types = TABLE(cap_names, 0);
const struct name_table names_labels = TABLE(label_names, 1);
const struct name_table names_vm_rights = TABLE(vm_names, 1);
const struct name_table names_vm_attrs = TABLE(attr_names, 0);
const struct name_table names_access = TABLE(access_names, 0);
const struct name_table names_fault_reasons = TABLE(reason_names, 1);

const char *names_get(const struct name_table *t, uint64_t v)
{
	if (v < t->first || v - t->first >= t->count)
		return NULL;
	return t->names[v - t->first];
}

bool names_same(const char *name, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (name[i] != s[i] || name[i] == '\0')
			return false;
	}
	return name[i] == '\0';
}

bool names_find(const struct name_table *t, const char *s, size_t len, uint64_t *v)
{
	for (unsigned i = 0; i < t->count; i++) {
		if (t->names[i] != NULL && names_same(t->names[i], s, len)) {
			*v = t->first + i;
			return true;
		}
	}
	return false;
}

static const struct {
	char letter;
	uint64_t bit;
} rights_letters[] = {
	{ 'R', KMM_RIGHT_READ },
	{ 'W', KMM_RIGHT_WRITE },
	{ 'G', KMM_RIGHT_GRANT },
	{ 'P', KMM_RIGHT_GRANT_REPLY },
};

static uint64_t rights_bit(char c)
{
	for (unsigned i = 0; i < 4; i++) {
		if (rights_letters[i].letter == c)
			return rights_letters[i].bit;
	}
	return 0;
}

bool names_parse_rights(const char *s, size_t len, uint64_t *v)
{
	uint64_t r = 0;

	if (names_same("all", s, len) || names_same("none", s, len)) {
		*v = s[0] == 'a' ? KMM_RIGHTS_ALL : 0;
		return true;
	}
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		uint64_t b = rights_bit(s[i]);

		if (b == 0 || (r & b) != 0)
			return false;
		r |= b;
	}
	*v = r;
	return true;
}

void names_fmt_rights(struct fmt *f, uint64_t v)
{
	if (v > KMM_RIGHTS_ALL) {
		fmt_dec(f, v);
	} else if (v == KMM_RIGHTS_ALL) {
		fmt_str(f, "all");
	} else if (v == 0) {
		fmt_str(f, "none");
	} else {
		for (unsigned i = 0; i < 4; i++) {
			if (v & rights_letters[i].bit)
				fmt_char(f, rights_letters[i].letter);
		}
	}
}
