/*
 * The fuzzed machine: hal_sim with FZ_MEM_BYTES of RAM and one core, and
 * kmm_boot with a FZ_ROOT_BITS root CNode.  The harness boots it afresh
 * for every input (hal_sim drops the pages the last input touched); the
 * seed maker boots it once for the boot info the decoder needs.
 */
#ifndef KMM_FUZZ_MACHINE_H
#define KMM_FUZZ_MACHINE_H

#include <stdbool.h>

/* Boot a fresh machine; false if hal_sim or the kernel refused (a harness bug). */
bool fz_machine_boot(unsigned cores);

#endif
