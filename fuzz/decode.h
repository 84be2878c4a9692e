/*
 * The fuzz decoder: arbitrary bytes to a program, structure-aware.
 *
 * Layout of an input (every byte string is one; a missing byte reads 0):
 *
 *     header   FZ_HEADER_BYTES: seed (4 bytes, little endian), PCT depth
 *              (1 byte, % (FZ_MAX_PCT_DEPTH + 1)), core count (1 byte,
 *              1 + b % FZ_MAX_CORES)
 *     ops      one selector byte each, then the bytes that op consumes
 *
 * With more than one core the ops are dealt out in turn: the i-th valid
 * op goes to core i % cores, and the deterministic scheduler, seeded
 * from the header (PCT when the depth is not 0), interleaves the cores;
 * the same bytes give the same interleaving.  One core is exactly the
 * single-core program.
 *
 * Selectors 0..199 invoke a label (1 + sel % 22) with its named syntax
 * (sim/syntax.c) and one byte per message word and extra cap, mapped
 * into a mostly valid range by the key's meaning: cptrs among the root
 * CNode's slots in use and the 64 free ones after them, object types
 * 0..11, sizes that fit, depths 64 (retype: 0, the root CNode), small
 * rights, badges and attributes, vaddrs from a fixed handful.  A word
 * byte of 0xf8 or more takes the next 8 bytes as a raw value instead.
 * 200..219 are user reads and writes, 220..229 `preempt after N`,
 * 230..239 `check`, 240..247 truncate the next invocation's message,
 * 248..255 a raw `invoke` (any label, words and caps).  Decoding stops
 * at the end of the input or after FZ_MAX_OPS ops.
 *
 * Decoding depends on the boot info (which slots hold untypeds), so the
 * front end boots the machine FZ_MEM_BYTES / FZ_ROOT_BITS first.  The
 * same bytes and boot info always give the same program.  Freestanding.
 */
#ifndef KMM_FUZZ_DECODE_H
#define KMM_FUZZ_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include <kmm/abi.h>

#include "program.h"

#define FZ_MAX_OPS   256
#define FZ_MEM_BYTES (4ull << 20)  /* main RAM of the fuzzed machine */
#define FZ_ROOT_BITS 8             /* root CNode radix: 256 slots */
#define FZ_FREE_SLOTS 64           /* first_free .. first_free + 63 */
/* Every core's ops together are at most FZ_MAX_OPS: one buffer holds them. */
#define FZ_CODE_WORDS (FZ_MAX_OPS * PROG_OP_MAX_WORDS)
#define FZ_HEADER_BYTES 6
#define FZ_MAX_CORES 4
#define FZ_MAX_PCT_DEPTH 7

struct fz_header {
	uint64_t seed;         /* the scheduler's seed (and kmm-sim's --seed) */
	unsigned pct_depth;    /* PCT priority change points, 0..FZ_MAX_PCT_DEPTH */
	unsigned cores_asked;  /* 1..FZ_MAX_CORES, as the input says */
	unsigned cores;        /* what the run uses (= cores_asked) */
};

/* Just the header (the machine must be booted with h->cores cores). */
void fz_decode_header(const uint8_t *data, size_t len, struct fz_header *h);

/*
 * Decode data[0..len) into code[] (FZ_CODE_WORDS words, caller memory)
 * as the streams of p's first h->cores cores (the others empty); returns
 * the number of ops.
 */
size_t fz_decode(const uint8_t *data, size_t len, const struct kmm_bootinfo *bi,
		 struct fz_header *h, uint64_t *code, struct prog *p);

#endif
