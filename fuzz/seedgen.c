/*
 * kmm-fuzz-seed: turn a scenario into a seed for kmm-fuzz.
 *
 *   kmm-sim --mem 4M --root-bits 8 --emit-program P.blob SCENARIO.kmm
 *   kmm-fuzz-seed P.blob OUT [SEED]
 *
 * The blob (sim/progblob.h) holds the scenario expanded on the fuzzer's
 * machine, so its cptrs and sizes are the ones the decoder maps bytes to.
 * Each op the decoder can express (invocations, reads and writes,
 * preemptions, checks) is encoded (encode.h), at most FZ_MAX_OPS of them;
 * assertions, `run` and the like are left out, since a fuzz program has
 * no expectations.  The header gets SEED (default 1), PCT depth 0 and
 * one core.  fuzz/make_seeds.py runs this over scenarios/.
 *
 * Exit status: 0 with a summary line, 1 if the blob is unusable or was
 * expanded for another machine, 2 for bad usage.
 */
#include <stdio.h>
#include <stdlib.h>

#include <kmm/kernel.h>

#include "encode.h"
#include "machine.h"
#include "progblob.h"

#define MAX_BLOB (1u << 24)

struct counts {
	unsigned exact, close, left_out;
};

/* The blob's header and stream (which points into buf); false after a message. */
static bool read_blob(const char *path, uint64_t *buf, size_t room, struct progblob_header *h,
		      struct prog_stream *s)
{
	FILE *f = fopen(path, "rb");
	size_t words, name_words;

	if (f == NULL) {
		perror(path);
		return false;
	}
	words = fread(buf, 8, room, f);
	fclose(f);
	*h = *(const struct progblob_header *)buf;
	name_words = (h->name_bytes + 7) / 8;
	if (words < sizeof(*h) / 8 || h->magic != PROGBLOB_MAGIC ||
	    h->name_bytes > PROGBLOB_MAX_NAME ||
	    words - sizeof(*h) / 8 - name_words < h->nwords) {
		fprintf(stderr, "kmm-fuzz-seed: %s: not a program blob\n", path);
		return false;
	}
	if (h->mem != FZ_MEM_BYTES || h->root_bits != FZ_ROOT_BITS) {
		fprintf(stderr, "kmm-fuzz-seed: %s: expanded for another machine "
			"(use kmm-sim --mem %llu --root-bits %u)\n", path,
			(unsigned long long)FZ_MEM_BYTES, FZ_ROOT_BITS);
		return false;
	}
	*s = (struct prog_stream){ buf + sizeof(*h) / 8 + name_words, h->nwords, h->nops };
	return true;
}

static void write_header(FILE *f, uint32_t seed)
{
	uint8_t hdr[FZ_HEADER_BYTES] = { 0 };

	for (unsigned i = 0; i < 4; i++)
		hdr[i] = (uint8_t)(seed >> (8 * i));
	fwrite(hdr, 1, sizeof hdr, f);
}

/* Encode the stream's ops into f; false on a corrupt stream. */
static bool encode_stream(FILE *f, const struct prog_stream *s, struct counts *n)
{
	struct prog_cursor c;
	struct prog_op op;
	enum prog_status ps = PROG_OK;
	uint8_t out[FZ_ENC_MAX_BYTES];
	size_t len;

	prog_cursor_init(&c, s);
	while (n->exact + n->close < FZ_MAX_OPS && (ps = prog_next(&c, &op)) == PROG_OK) {
		switch (fz_encode_op(&op, kmm_bootinfo(), out, &len)) {
		case FZ_ENC_EXACT:
			n->exact++;
			break;
		case FZ_ENC_CLOSE:
			n->close++;
			break;
		case FZ_ENC_NONE:
			n->left_out++;
			continue;
		}
		fwrite(out, 1, len, f);
	}
	return n->exact + n->close == FZ_MAX_OPS || ps == PROG_END;
}

int main(int argc, char **argv)
{
	static uint64_t buf[MAX_BLOB / 8];
	struct progblob_header h;
	struct prog_stream s;
	struct counts n = { 0, 0, 0 };
	FILE *f;
	bool ok;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: kmm-fuzz-seed PROGRAM.blob OUT [SEED]\n");
		return 2;
	}
	if (!fz_machine_boot(1) || !read_blob(argv[1], buf, MAX_BLOB / 8, &h, &s))
		return 1;
	f = fopen(argv[2], "wb");
	if (f == NULL) {
		perror(argv[2]);
		return 1;
	}
	write_header(f, argc == 4 ? (uint32_t)strtoul(argv[3], NULL, 0) : 1);
	ok = encode_stream(f, &s, &n);
	ok = fclose(f) == 0 && ok;
	printf("%s: %u ops exact, %u close, %u left out%s\n", argv[2], n.exact, n.close,
	       n.left_out, ok ? "" : " (corrupt stream)");
	return ok ? 0 : 1;
}
