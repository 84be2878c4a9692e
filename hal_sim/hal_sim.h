/*
 * hal_sim: kernel_core's HAL on Linux, and the control API the hosted
 * front ends (kmm-sim, the unit tests, the fuzz harness) use to set the
 * simulated machine up, inject events and tear it down again.
 *
 * Physical memory layout.  For a configured RAM size mem, let P be the
 * smallest power of two >= max(mem, 4 MiB).  Then:
 *
 *     [0x100000, 0x200000)          low RAM, 1 MiB             (RAM)
 *     [P, P + mem)                  main RAM                   (RAM)
 *     [2P, 2P + 2 MiB)              device region 0            (DEVICE)
 *     [2P + 2 MiB, 2P + 2 MiB + 4 KiB)  device region 1        (DEVICE)
 *
 * So `--mem 64M` gives main RAM [0x4000000, 0x8000000), one aligned
 * 64 MiB block, and the devices at 0x8000000 and 0x8200000.  Everything
 * else is a hole.  The whole range [0, 2P + 4 MiB) is reserved in the host
 * as one PROT_NONE mapping and only the regions are made read-write, so the
 * kernel window is simply base + paddr and a stray access outside a region
 * faults at once instead of corrupting a neighbour.
 *
 * RAM starts zero (fresh anonymous memory); hal_sim_scribble_ram() fills
 * it with junk so tests can prove the kernel zeroes what it must.
 *
 * Everything is deterministic: no clocks, no host randomness.  One core
 * runs in this issue; the lock's scheduling-point hook is the seam where
 * the multicore fiber scheduler will switch cores.
 */
#ifndef KMM_HAL_SIM_H
#define KMM_HAL_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HAL_SIM_LOW_RAM_BASE   0x100000ull
#define HAL_SIM_LOW_RAM_SIZE   0x100000ull
#define HAL_SIM_MIN_MAIN_BASE  (4ull << 20)
#define HAL_SIM_DEVICE0_SIZE   (2ull << 20)
#define HAL_SIM_DEVICE1_SIZE   (4ull << 10)
#define HAL_SIM_MIN_MEM        (4ull << 10)
#define HAL_SIM_MAX_MEM        (64ull << 30)
#define HAL_SIM_MAX_CORES      64
#define HAL_SIM_MAX_REGIONS    4

struct hal_sim_config {
	uint64_t mem_bytes;  /* main RAM: a multiple of 4 KiB, 4 KiB .. 64 GiB */
	unsigned cores;      /* 1 .. HAL_SIM_MAX_CORES (only 1 runs for now) */
};

enum hal_sim_status {
	HAL_SIM_OK = 0,
	HAL_SIM_BAD_MEM,      /* mem_bytes out of range or not 4 KiB aligned */
	HAL_SIM_BAD_CORES,    /* cores out of range */
	HAL_SIM_HOST_NOMEM    /* the host refused the reservation */
};

/*
 * Set the machine up: lay out and map physical memory (zeroed), reset the
 * lock, the preemption counter and the hooks' state.  May be called again
 * at any time to start over with a fresh machine; an earlier machine is
 * torn down first.  Returns HAL_SIM_OK or why the configuration is refused
 * (the previous machine is gone either way).
 */
enum hal_sim_status hal_sim_configure(const struct hal_sim_config *cfg);

/* Unmap everything; the HAL must not be used again until configured. */
void hal_sim_teardown(void);

/* A short English description of a status, for messages. */
const char *hal_sim_status_text(enum hal_sim_status s);

/* Fill every region (RAM and device) with byte.  Call between kernel entries. */
void hal_sim_scribble_ram(uint8_t byte);

/* Is [paddr, paddr + len) wholly inside one region of the memory map? */
bool hal_sim_phys_valid(uint64_t paddr, uint64_t len);

/* ---- console and panic ---------------------------------------------- */

typedef void (*hal_sim_console_fn)(const char *s, size_t n, void *ctx);
typedef void (*hal_sim_panic_fn)(const char *msg, void *ctx);

/* Send console output to fn(ctx); fn NULL restores the default (stdout). */
void hal_sim_set_console(hal_sim_console_fn fn, void *ctx);

/*
 * Run fn(msg, ctx) first when the kernel panics; hal_panic then prints
 * "kmm: kernel panic: <msg>" on stderr and aborts, unless fn does not
 * return (a test may longjmp out, then reconfigure).  The hook is removed
 * before it runs, so a panic inside it cannot loop: install it again
 * after a longjmp.  fn NULL removes the hook.
 */
void hal_sim_set_panic_hook(hal_sim_panic_fn fn, void *ctx);

/* ---- scheduling points ---------------------------------------------- */

/*
 * fn runs at every scheduling point: each kernel-lock acquire (before the
 * lock is taken) and release (after it is dropped).  NULL: no-op.
 */
void hal_sim_set_sched_hook(void (*fn)(void));

/* Is the kernel lock held right now? */
bool hal_sim_lock_held(void);

/* ---- preemption injection ------------------------------------------- */

/*
 * Make the n-th preemption check from now (n >= 1) answer "interrupt
 * pending", once.  n == 0 cancels a pending injection.  A later call
 * replaces an earlier one.
 */
void hal_sim_interrupt_after(uint64_t n);

/* How many preemption checks (hal_interrupt_pending calls) since configure. */
uint64_t hal_sim_preempt_checks(void);

/* ---- the MMU ------------------------------------------------------- */

/* The PML4 (and ASID) core has loaded, 0 if none. */
uint64_t hal_sim_loaded_vspace(unsigned core, unsigned *asid);

#endif
