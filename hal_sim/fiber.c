/*
 * Fiber stacks and annotated switches (the switch itself is
 * fiber_x86_64.S).  Each stack is an anonymous mapping with its lowest
 * page PROT_NONE, so an overflow faults instead of running into a
 * neighbour.  The tools that track stacks learn about each one:
 *
 *  - ASan: every switch is bracketed by __sanitizer_start_switch_fiber /
 *    __sanitizer_finish_switch_fiber, and a stack's shadow is cleared
 *    before it is unmapped (an abandoned fiber leaves poisoned redzones);
 *  - TSan: each fiber is a TSan fiber, and switching synchronises, as
 *    only one fiber runs at a time;
 *  - Valgrind: each stack is registered, so a switch is not taken for a
 *    wild stack-pointer move.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fiber.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SIM_ASAN 1
#endif
#if __has_feature(thread_sanitizer)
#define SIM_TSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(SIM_ASAN)
#define SIM_ASAN 1
#endif
#if defined(__SANITIZE_THREAD__) && !defined(SIM_TSAN)
#define SIM_TSAN 1
#endif

#ifdef SIM_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif
#ifdef SIM_TSAN
#include <sanitizer/tsan_interface.h>
#endif
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define SIM_VALGRIND 1
#endif
#endif

void sim_fiber_swap(void **save, void *load);
void sim_fiber_start(void);

#define MXCSR_DEFAULT 0x1f80u  /* all exceptions masked, round to nearest */
#define FCW_DEFAULT   0x037fu  /* the same for x87, 64-bit precision */

/* The fiber that switched last, so a new fiber's first run can finish the switch. */
static struct sim_fiber *switched_from;

static size_t page_size(void)
{
	return (size_t)sysconf(_SC_PAGESIZE);
}

/* Where every new fiber begins: finish the switch into it, then run entry. */
static void fiber_begin(struct sim_fiber *f)
{
#ifdef SIM_ASAN
	const void *bottom;
	size_t size;

	__sanitizer_finish_switch_fiber(NULL, &bottom, &size);
	if (switched_from != NULL && switched_from->bottom == NULL) {
		switched_from->bottom = bottom;
		switched_from->size = size;
	}
#endif
	f->entry(f->arg);
	fprintf(stderr, "hal_sim: a fiber's entry returned\n");
	abort();
}

/* Lay the new stack out as sim_fiber_swap would have left it (see the .S). */
static void lay_out(struct sim_fiber *f)
{
	uint64_t *top = (uint64_t *)((char *)f->map + f->map_bytes);

	top[-1] = 0;
	top[-2] = 0;
	top[-3] = (uint64_t)(uintptr_t)sim_fiber_start;  /* ret lands here, rsp 16-aligned */
	top[-4] = 0;                                      /* rbp */
	top[-5] = 0;                                      /* rbx */
	top[-6] = (uint64_t)(uintptr_t)fiber_begin;       /* r12 */
	top[-7] = (uint64_t)(uintptr_t)f;                 /* r13 */
	top[-8] = 0;                                      /* r14 */
	top[-9] = 0;                                      /* r15 */
	top[-10] = MXCSR_DEFAULT | ((uint64_t)FCW_DEFAULT << 32);
	f->sp = &top[-10];
}

bool sim_fiber_create(struct sim_fiber *f, size_t stack_bytes, void (*entry)(void *),
		      void *arg)
{
	size_t page = page_size();
	size_t usable = (stack_bytes + page - 1) / page * page;

	*f = (struct sim_fiber){ .entry = entry, .arg = arg, .map_bytes = usable + page };
	f->map = mmap(NULL, f->map_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		      -1, 0);
	if (f->map == MAP_FAILED) {
		f->map = NULL;
		return false;
	}
	mprotect(f->map, page, PROT_NONE);
	f->bottom = (char *)f->map + page;
	f->size = usable;
	lay_out(f);
#ifdef SIM_TSAN
	f->tsan = __tsan_create_fiber(0);
#endif
#ifdef SIM_VALGRIND
	f->vg_id = VALGRIND_STACK_REGISTER((char *)f->bottom, (char *)f->bottom + f->size);
#endif
	return true;
}

void sim_fiber_adopt(struct sim_fiber *f)
{
	*f = (struct sim_fiber){ 0 };
#ifdef SIM_TSAN
	f->tsan = __tsan_get_current_fiber();
#endif
}

void sim_fiber_reenter(struct sim_fiber *f)
{
#ifdef SIM_TSAN
	__tsan_switch_to_fiber(f->tsan, 0);
#else
	(void)f;
#endif
}

void sim_fiber_destroy(struct sim_fiber *f)
{
	if (f->map == NULL)
		return;
#ifdef SIM_ASAN
	__asan_unpoison_memory_region(f->bottom, f->size);
#endif
#ifdef SIM_TSAN
	__tsan_destroy_fiber(f->tsan);
#endif
#ifdef SIM_VALGRIND
	VALGRIND_STACK_DEREGISTER(f->vg_id);
#endif
	munmap(f->map, f->map_bytes);
	f->map = NULL;
}

void sim_fiber_switch(struct sim_fiber *from, struct sim_fiber *to, bool final)
{
#ifdef SIM_ASAN
	void *fake = NULL;

	__sanitizer_start_switch_fiber(final ? NULL : &fake, to->bottom, to->size);
#else
	(void)final;
#endif
#ifdef SIM_TSAN
	__tsan_switch_to_fiber(to->tsan, 0);
#endif
	switched_from = from;
	sim_fiber_swap(&from->sp, to->sp);
#ifdef SIM_ASAN
	__sanitizer_finish_switch_fiber(fake, NULL, NULL);
#endif
}
