/*
 * kmm ABI: the numbers user code and the kernel agree on.
 *
 * Error codes, object types and rights words follow seL4 (x86-64, non-MCS,
 * HUGE_PAGE on) so that conformance expectations carry over unchanged.
 * Invocation labels are kmm's own numbering.  Everything here is plain data:
 * this header is shared by kernel_core, the simulator, the fuzzer, the
 * reference model and the x86 image.
 */
#ifndef KMM_ABI_H
#define KMM_ABI_H

#include <stdint.h>

/* seL4_Error, same values. */
enum kmm_error {
	KMM_OK = 0,
	KMM_INVALID_ARGUMENT = 1,   /* MR0 = index of the bad argument */
	KMM_INVALID_CAPABILITY = 2, /* MR0 = which cap: 0 invoked, 1.. extra */
	KMM_ILLEGAL_OPERATION = 3,
	KMM_RANGE_ERROR = 4,        /* MR0 = min allowed, MR1 = max allowed */
	KMM_ALIGNMENT_ERROR = 5,
	KMM_FAILED_LOOKUP = 6,      /* MR0 = source?, MR1 = kind, MR2.. details */
	KMM_TRUNCATED_MESSAGE = 7,
	KMM_DELETE_FIRST = 8,
	KMM_REVOKE_FIRST = 9,
	KMM_NOT_ENOUGH_MEMORY = 10, /* MR0 = bytes free in the untyped */
	KMM_ERROR_COUNT
};

/*
 * Lookup-failure kinds.  In a FailedLookup reply MR1 carries kind (these
 * values are already "kind + 1" as seL4 marshals them).
 */
enum kmm_lookup_fault {
	KMM_LOOKUP_NONE = 0,
	KMM_LOOKUP_INVALID_ROOT = 1,
	KMM_LOOKUP_MISSING_CAPABILITY = 2, /* bits_left */
	KMM_LOOKUP_DEPTH_MISMATCH = 3,     /* bits_left, bits_found */
	KMM_LOOKUP_GUARD_MISMATCH = 4,     /* bits_left, guard_found, guard_size */
	KMM_LOOKUP_COUNT
};

/* seL4_ObjectType for x86-64, default configuration. */
enum kmm_object_type {
	KMM_OBJ_UNTYPED = 0,
	KMM_OBJ_TCB = 1,
	KMM_OBJ_ENDPOINT = 2,
	KMM_OBJ_NOTIFICATION = 3,
	KMM_OBJ_CNODE = 4,
	KMM_OBJ_PDPT = 5,
	KMM_OBJ_PML4 = 6,
	KMM_OBJ_HUGE_PAGE = 7,   /* 1 GiB frame */
	KMM_OBJ_4K_PAGE = 8,
	KMM_OBJ_LARGE_PAGE = 9,  /* 2 MiB frame */
	KMM_OBJ_PAGE_TABLE = 10,
	KMM_OBJ_PAGE_DIRECTORY = 11,
	KMM_OBJ_TYPE_COUNT = 12
};

/* Invocation labels (kmm numbering; 0 is never a valid label). */
enum kmm_label {
	KMM_LABEL_INVALID = 0,
	KMM_UNTYPED_RETYPE,
	KMM_TCB_CONFIGURE,
	KMM_CNODE_REVOKE,
	KMM_CNODE_DELETE,
	KMM_CNODE_CANCEL_BADGED_SENDS,
	KMM_CNODE_COPY,
	KMM_CNODE_MINT,
	KMM_CNODE_MOVE,
	KMM_CNODE_MUTATE,
	KMM_CNODE_ROTATE,
	KMM_CNODE_SAVE_CALLER,
	KMM_X86_PDPT_MAP,
	KMM_X86_PDPT_UNMAP,
	KMM_X86_PAGE_DIRECTORY_MAP,
	KMM_X86_PAGE_DIRECTORY_UNMAP,
	KMM_X86_PAGE_TABLE_MAP,
	KMM_X86_PAGE_TABLE_UNMAP,
	KMM_X86_PAGE_MAP,
	KMM_X86_PAGE_UNMAP,
	KMM_X86_PAGE_GET_ADDRESS,
	KMM_X86_ASID_CONTROL_MAKE_POOL,
	KMM_X86_ASID_POOL_ASSIGN,
	KMM_LABEL_COUNT
};

/* seL4_CapRights word. */
#define KMM_RIGHT_WRITE       (1u << 0)
#define KMM_RIGHT_READ        (1u << 1)
#define KMM_RIGHT_GRANT       (1u << 2)
#define KMM_RIGHT_GRANT_REPLY (1u << 3)
#define KMM_RIGHTS_ALL        0xfu

/* x86 VM rights as a frame cap records them. */
enum kmm_vm_rights {
	KMM_VM_KERNEL_ONLY = 1,
	KMM_VM_READ_ONLY = 2,
	KMM_VM_READ_WRITE = 3
};

/* Sizes and limits (x86-64 values of the reference). */
#define KMM_WORD_BITS            64
#define KMM_MIN_UNTYPED_BITS     4
#define KMM_MAX_UNTYPED_BITS     47
#define KMM_SLOT_BITS            5
#define KMM_TCB_BITS             11
#define KMM_ENDPOINT_BITS        4
#define KMM_NOTIFICATION_BITS    5
#define KMM_PAGE_BITS            12
#define KMM_LARGE_PAGE_BITS      21
#define KMM_HUGE_PAGE_BITS       30
#define KMM_TABLE_BITS           12
#define KMM_ASID_POOL_BITS       12
#define KMM_RETYPE_FAN_OUT_LIMIT 256
#define KMM_RESET_CHUNK_BITS     8
#define KMM_TCB_SLOTS            5
#define KMM_MAX_BOOT_UNTYPED     230

/* Fixed slots of the root CNode at boot (seL4's initial-thread layout). */
#define KMM_CAP_NULL          0
#define KMM_CAP_ROOT_TCB      1
#define KMM_CAP_ROOT_CNODE    2
#define KMM_CAP_ROOT_VSPACE   3  /* the root PML4, ASID 1 */
#define KMM_CAP_ASID_CONTROL  5
#define KMM_CAP_ROOT_ASID_POOL 6 /* pool 0 */
#define KMM_BOOT_FIRST_FREE   16 /* untyped caps start here */

/* An invocation: the invoked cptr, a label, message words and extra-cap cptrs. */
#define KMM_MSG_MAX_WORDS 8
#define KMM_MSG_MAX_CAPS  2

struct kmm_msg {
	uint64_t cptr;    /* the invoked cap, resolved in the caller's CSpace */
	uint64_t label;
	uint32_t nwords;  /* words present; fewer than needed: TruncatedMessage */
	uint32_t ncaps;   /* extra caps present */
	uint64_t words[KMM_MSG_MAX_WORDS];
	uint64_t caps[KMM_MSG_MAX_CAPS];
};

/*
 * What an invocation produced.  REPLY carries an error code (KMM_OK on
 * success) and its detail words; CAP_FAULT means the invoked cptr or an
 * extra-cap cptr did not resolve (kmm reports it as a result: see the
 * reference, decision 3); PREEMPTED means the operation stopped at a
 * preemption point in a consistent state and must be issued again.
 */
enum kmm_result_kind {
	KMM_RESULT_REPLY = 0,
	KMM_RESULT_CAP_FAULT = 1,
	KMM_RESULT_PREEMPTED = 2,
	KMM_RESULT_VM_FAULT = 3,  /* a user access faulted: vaddr, access, reason */
	KMM_RESULT_NO_THREAD = 4  /* the caller is not the thread running on this
				     core (e.g. its TCB was deleted): nothing done */
};

#define KMM_RESULT_MAX_DETAIL 5

struct kmm_result {
	enum kmm_result_kind kind;
	enum kmm_error error;      /* REPLY only */
	uint32_t ndetail;
	/*
	 * REPLY: the reply's message registers as seL4 marshals them.
	 * CAP_FAULT: detail[0] = which cptr (0 invoked, 1.. extra cap),
	 * detail[1] = lookup-fault kind, detail[2..] = its details.
	 */
	uint64_t detail[KMM_RESULT_MAX_DETAIL];
};

/* Boot info: what the root task is given. */
struct kmm_boot_untyped {
	uint64_t paddr;
	uint8_t size_bits;
	uint8_t is_device;
};

struct kmm_bootinfo {
	uint64_t root_tcb;         /* physical address of the root TCB */
	uint32_t root_cnode_bits;
	uint32_t untyped_first;    /* slot of untyped[0] */
	uint32_t untyped_count;
	uint32_t empty_first;      /* first empty slot after the untypeds */
	uint32_t empty_last;       /* last slot of the root CNode */
	uint32_t untyped_dropped;  /* blocks beyond KMM_MAX_BOOT_UNTYPED */
	struct kmm_boot_untyped untyped[KMM_MAX_BOOT_UNTYPED];
};

#endif
