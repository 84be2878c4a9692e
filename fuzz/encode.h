/*
 * The fuzz encoder: the inverse of decode.c, for seeds.  It turns a
 * program op (of a scenario expanded on the fuzzer's machine) into input
 * bytes that decode to the same op, preferring the short, mapped byte of
 * each argument over a raw 8-byte value so that AFL++'s mutations of a
 * seed stay in the decoder's useful ranges.
 *
 * Every candidate is checked by running fz_decode() on it, so decode.c
 * remains the one definition of the byte format: the encoder only
 * searches, it never restates a mapping.  Freestanding.
 */
#ifndef KMM_FUZZ_ENCODE_H
#define KMM_FUZZ_ENCODE_H

#include <stddef.h>
#include <stdint.h>

#include "decode.h"

/* The longest encoding of one op. */
#define FZ_ENC_MAX_BYTES (8 + 9 * (1 + KMM_MSG_MAX_WORDS + KMM_MSG_MAX_CAPS))

enum fz_enc_status {
	FZ_ENC_EXACT = 0,   /* the bytes decode to op exactly */
	FZ_ENC_CLOSE,       /* to a nearby op (a preemption count or written value cut down) */
	FZ_ENC_NONE         /* the decoder has no such op (assertions, run, dump, ...) */
};

/*
 * Encode op for a machine with boot info bi into out (FZ_ENC_MAX_BYTES
 * of room); *len is the number of bytes written (0 for FZ_ENC_NONE).
 */
enum fz_enc_status fz_encode_op(const struct prog_op *op, const struct kmm_bootinfo *bi,
				uint8_t *out, size_t *len);

#endif
