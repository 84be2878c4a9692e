/*
 * Fibers for the deterministic scheduler: a stack of our own and a saved
 * stack pointer, switched by fiber_x86_64.S.  A switch saves only what the
 * SysV ABI says survives a call (rbx, rbp, r12-r15, rsp, the x87 control
 * word and MXCSR) because it *is* a call; everything else is the caller's
 * to lose.  Switches go straight from fiber to fiber, one host thread runs
 * them all, and the sanitizers and Valgrind are told about every stack and
 * every switch (fiber.c) so they do not mistake a switch for a wild jump.
 */
#ifndef KMM_HAL_SIM_FIBER_H
#define KMM_HAL_SIM_FIBER_H

#include <stdbool.h>
#include <stddef.h>

struct sim_fiber {
	void *sp;              /* saved stack pointer while switched out */
	void *map;             /* the mmap'd stack, guard page first; NULL: a host stack */
	size_t map_bytes;
	const void *bottom;    /* usable stack [bottom, bottom + size), for ASan */
	size_t size;
	void *tsan;            /* TSan's fiber handle */
	unsigned vg_id;        /* Valgrind's stack id */
	void (*entry)(void *arg);
	void *arg;
};

/*
 * Make f a fiber that will run entry(arg) on a fresh stack of stack_bytes
 * (rounded up to pages) below a PROT_NONE guard page, when first switched
 * to.  entry must never return: it ends by switching away for good.
 * False if the host refused the memory.
 */
bool sim_fiber_create(struct sim_fiber *f, size_t stack_bytes, void (*entry)(void *),
		      void *arg);

/* Make f stand for the host thread's own context (the one sched_run runs on). */
void sim_fiber_adopt(struct sim_fiber *f);

/*
 * A longjmp has brought the thread back to the adopted context f from a
 * fiber, behind the tools' backs: tell them.
 */
void sim_fiber_reenter(struct sim_fiber *f);

/* Free f's stack; f must not be running.  A no-op on an adopted fiber. */
void sim_fiber_destroy(struct sim_fiber *f);

/*
 * Save the running context into from and resume to.  Returns when someone
 * switches back to from.  final: from is never resumed (its fake stacks
 * can go).
 */
void sim_fiber_switch(struct sim_fiber *from, struct sim_fiber *to, bool final);

#endif
