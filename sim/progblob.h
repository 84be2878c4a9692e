/*
 * A program blob: every core's encoded program and the machine it was
 * expanded for, as `kmm-sim --emit-program FILE` writes it and the x86
 * image reads it (a multiboot module).  All fields are little-endian
 * 64-bit words:
 *
 *   struct progblob_header
 *   the program's name, name_bytes bytes, zero-padded to whole words
 *   nwords words of core 0's stream (program.h's encoding)
 *   for each further core of the machine (cores=N: cores 1 .. N-1), in
 *   order: struct progblob_stream, then its nwords words
 *
 * A one-core blob ends after core 0's stream, so it is what the format
 * was before it had more cores; the reader counts the cores from what
 * follows (1 + the stream records before the end of the blob).
 *
 * The machine fields are kmm-sim's effective settings, so that the
 * reader can boot the kernel exactly as the simulator did (same memory
 * layout, root CNode size, preemption interval, check mode, scribble)
 * and the expanded program, which names boot-info slots and physical
 * addresses, means the same thing there.  Freestanding.
 */
#ifndef KMM_SIM_PROGBLOB_H
#define KMM_SIM_PROGBLOB_H

#include <stdint.h>

#define PROGBLOB_MAGIC        0x31474f52504d4d4bull  /* "KMMPROG1" */
#define PROGBLOB_SCRIBBLE     0x100u  /* scribble: flag | byte; 0: none */
#define PROGBLOB_MAX_NAME     256u

struct progblob_header {
	uint64_t magic;
	uint64_t mem;            /* main RAM bytes (hal_sim's layout) */
	uint64_t root_bits;
	uint64_t preempt_units;
	uint64_t check;          /* enum exec_check */
	uint64_t scribble;       /* PROGBLOB_SCRIBBLE | byte, or 0 */
	uint64_t nops;           /* ops in the stream */
	uint64_t nwords;         /* words in the stream */
	uint64_t name_bytes;     /* at most PROGBLOB_MAX_NAME */
};

/* The head of core 1's, core 2's ... stream. */
struct progblob_stream {
	uint64_t nops;
	uint64_t nwords;
};

#endif
