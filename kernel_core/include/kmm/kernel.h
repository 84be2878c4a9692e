/*
 * The kernel's door for front ends (the simulator's executor, the fuzz
 * harness, the x86 image, the unit tests).
 *
 * kmm_boot() builds the initial state from the HAL's memory map;
 * kmm_invoke() is the one system-call entry: it takes the kernel lock,
 * resolves the invoked cap and extra caps in the caller's CSpace, decodes,
 * and performs.  A PREEMPTED result leaves the kernel consistent; the
 * front end re-issues the same message later (seL4's Restart state).
 *
 * The kmm_inspect_* calls read kernel state for assertions and pictures.
 * They change nothing and may be called between invocations only.
 */
#ifndef KMM_KERNEL_H
#define KMM_KERNEL_H

#include <stdbool.h>
#include <stdint.h>
#include "abi.h"

struct kmm_boot_config {
	uint32_t root_cnode_bits;          /* 8..24; seL4's default is 12 */
	uint32_t work_units_per_preemption; /* seL4's default is 100 */
};

#define KMM_DEFAULT_ROOT_CNODE_BITS 12
#define KMM_DEFAULT_WORK_UNITS      100

/*
 * Region i of the memory map as boot read it (page 0 dropped): RAM, in
 * which all kernel objects live, and device memory.  False past the end.
 */
bool kmm_inspect_region(unsigned i, uint64_t *base, uint64_t *end, bool *device);

/* Boot: returns false (with the reason on the console) if memory is short. */
bool kmm_boot(const struct kmm_boot_config *cfg);
const struct kmm_bootinfo *kmm_bootinfo(void);

/* The system-call entry.  caller_tcb is the physical address of a TCB. */
enum kmm_result_kind kmm_invoke(uint64_t caller_tcb, const struct kmm_msg *msg,
				struct kmm_result *res);

/*
 * The scheduler side: make the thread whose TCB is at tcb_paddr the one
 * this core (hal_core_id()) runs, and load its VSpace (or none, if its
 * VSpace root is missing or stale).  tcb_paddr 0 runs nothing.
 */
bool kmm_thread_switch(uint64_t tcb_paddr);

/*
 * The IPI entry: the HAL calls it on a core that took the kernel's IPI
 * (hal_ipi_send), without the kernel lock -- the sender holds it and
 * waits for this core.  It does what the sender asked (drop TLB entries,
 * reload CR3) and acknowledges.  A spurious call does nothing.
 */
void kmm_ipi_receive(void);

/* A user access that the MMU refused: what, where and why. */
enum kmm_fault_access { KMM_ACCESS_READ = 0, KMM_ACCESS_WRITE = 1, KMM_ACCESS_EXEC = 2 };
enum kmm_fault_reason {
	KMM_FAULT_NOT_PRESENT = 1,
	KMM_FAULT_PROTECTION = 2,
	KMM_FAULT_NON_CANONICAL = 3
};

/*
 * The page-fault entry: the thread running on this core faulted.  There
 * is no pager in the model yet, so the kernel records the fault and the
 * thread's operation fails with it: res gets kind KMM_RESULT_VM_FAULT and
 * detail (vaddr, access, reason).
 */
void kmm_page_fault(uint64_t vaddr, enum kmm_fault_access access,
		    enum kmm_fault_reason reason, struct kmm_result *res);

/* Cap types as the kernel stores them (a superset of object types). */
enum kmm_cap_type {
	KMM_CAP_TYPE_NULL = 0,
	KMM_CAP_TYPE_UNTYPED,
	KMM_CAP_TYPE_ENDPOINT,
	KMM_CAP_TYPE_NOTIFICATION,
	KMM_CAP_TYPE_CNODE,
	KMM_CAP_TYPE_TCB,
	KMM_CAP_TYPE_ZOMBIE,
	KMM_CAP_TYPE_FRAME,
	KMM_CAP_TYPE_PAGE_TABLE,
	KMM_CAP_TYPE_PAGE_DIRECTORY,
	KMM_CAP_TYPE_PDPT,
	KMM_CAP_TYPE_PML4,
	KMM_CAP_TYPE_ASID_CONTROL,
	KMM_CAP_TYPE_ASID_POOL,
	KMM_CAP_TYPE_COUNT
};

/* A decoded, read-only view of one slot. */
struct kmm_cap_info {
	enum kmm_cap_type type;
	uint64_t slot_paddr;    /* where the slot itself lives */
	uint64_t paddr;         /* object base; 0 for caps without memory */
	uint32_t size_bits;     /* object size; 0 for caps without memory */
	uint32_t rights;        /* KMM_RIGHT_* (endpoint/notification), else all */
	uint32_t vm_rights;     /* frames only */
	uint64_t badge;         /* endpoint/notification */
	uint64_t free_index;    /* untyped: watermark in 16-byte granules */
	bool is_device;         /* untyped, frame */
	uint32_t radix;         /* cnode; zombie: radix, or 0 for a TCB zombie */
	uint32_t guard_size;    /* cnode */
	uint64_t guard;         /* cnode */
	uint64_t zombie_count;  /* zombie: slots still to clear */
	bool mapped;            /* frame, table: records a mapping; pml4: has an ASID */
	uint64_t map_asid;      /* the recorded ASID; asid pool: its first ASID */
	uint64_t map_vaddr;     /* the recorded virtual address (frames, tables) */
	bool revocable;
	bool first_badged;
};

/*
 * Resolve cptr in the CSpace of the thread whose TCB is at caller_tcb, as
 * an invocation would (64 bits, leftover bits ignored).  Returns false if
 * no TCB cap to that thread is left (its memory may be reused) or the
 * lookup fails; an empty slot resolves (type NULL).
 */
bool kmm_inspect_cptr(uint64_t caller_tcb, uint64_t cptr, struct kmm_cap_info *out);
/* The slot at a physical address (must be a slot the kernel handed out). */
void kmm_inspect_slot(uint64_t slot_paddr, struct kmm_cap_info *out);

/*
 * Walk every non-empty slot in derivation-list order.  depth is the slot's
 * depth in the derivation tree (0 = no parent), parent its parent slot (0
 * if none).  Return false from fn to stop early.  The walk keeps the chain
 * of ancestors in stack[], which the caller provides (one entry per level;
 * the number of caps is always enough).  Returns false if stack_len was
 * too small, true otherwise.
 */
typedef bool (*kmm_walk_fn)(const struct kmm_cap_info *cap, uint32_t depth,
			    uint64_t parent_slot, void *ctx);
bool kmm_inspect_walk(kmm_walk_fn fn, void *ctx, uint64_t *stack, uint64_t stack_len);
/* Number of non-empty slots (a bound for the walk's stack). */
uint64_t kmm_inspect_cap_count(void);

/* Number of distinct live objects of a cap type (caps to one object count once). */
uint64_t kmm_inspect_object_count(enum kmm_cap_type type);

/*
 * Address spaces.  kmm_inspect_pte finds the entry that decides vaddr in
 * the PML4 at pml4_paddr: the leaf (at *level 1..3 for 1G/2M/4K pages) or
 * the first non-present entry on the way (its level).  Returns false only
 * if vaddr is not a canonical user address.  The others read the ASID
 * table (pool index -> pool address), resolve an ASID to its PML4 (0 if
 * none), and tell which thread a core runs (0 if none).
 */
bool kmm_inspect_pte(uint64_t pml4_paddr, uint64_t vaddr, uint64_t *entry, unsigned *level);
uint64_t kmm_inspect_asid_pool(unsigned pool_index);
uint64_t kmm_inspect_vspace_for_asid(uint64_t asid);
uint64_t kmm_inspect_current_thread(unsigned core);
/* The cores that may cache translations of asid (bit i: core i). */
uint64_t kmm_inspect_asid_cores(uint64_t asid);

/* log2 of an object's size in bytes, as retype computes it. */
uint32_t kmm_object_size_bits(enum kmm_object_type type, uint64_t user_size);

#endif
