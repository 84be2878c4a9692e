/*
 * program.c: run an embedded program against the real kernel.
 *
 * When the loader gives a module, it is a program blob (sim/progblob.h,
 * written by `kmm-sim --emit-program`): kmain hands over to program_main,
 * which lays memory out as hal_sim does for the blob's main RAM size
 * (memmap_init_sim), fills it with the scribble byte if the blob has one,
 * boots kernel_core with the blob's root CNode size and preemption
 * interval, and runs the stream with the freestanding executor
 * (sim/exec.h) exactly as kmm-sim does: trace lines on the serial port,
 * the blob's check mode, preemption injected at `preempt after N`, user
 * accesses through the real MMU (uaccess.c), the full invariant check at
 * the end.  Then it prints kmm-sim's verdict line (seed 1, as the blob's
 * program was made with) and exits QEMU with pass or fail.  A blob with
 * several cores' streams runs each on its own core (program_mc.c).  Everything
 * else the image prints starts with "kmm: " (failure reports too, which
 * kmm-sim writes to standard error), so the serial log minus those lines
 * is kmm-sim --trace's standard output, byte for byte.
 *
 * The executor's scratch memory (for the checker and `dump`) is RAM above
 * hal_sim's device regions, outside the kernel's map.
 */
#include <kmm/kernel.h>

#include "exec.h"
#include "hal.h"
#include "layout.h"
#include "progblob.h"
#include "x86.h"

#define WORD      8u
#define SCRATCH_GAP (4ull << 20)  /* from 2P: the device regions and a margin */

static struct {
	struct exec x;
	char name[PROGBLOB_MAX_NAME + 1];
	uint64_t scratch_base;
	struct prog_stream stream[SMP_MAX_CORES];
	unsigned ncores;         /* streams in the blob */
} run;

static void out(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	hal_console_write(s, n);
}

/* Failure reports: to the console too, each line marked as the image's own. */
static void err(void *ctx, const char *s, size_t n)
{
	static bool mid_line;

	(void)ctx;
	for (size_t i = 0; i < n; i++) {
		if (!mid_line)
			hal_console_write("kmm: ", 5);
		hal_console_write(&s[i], 1);
		mid_line = s[i] != '\n';
	}
}

/* hal_sim's main RAM base for mem bytes (memmap.c has the layout). */
static uint64_t main_base(uint64_t mem)
{
	uint64_t p = 4ull << 20;

	while (p < mem)
		p <<= 1;
	return p;
}

static void *scratch(void *ctx, size_t bytes)
{
	uint64_t end = run.scratch_base + bytes;

	(void)ctx;
	if (end < run.scratch_base || !memmap_is_ram(run.scratch_base, end))
		return 0;
	return hal_phys_to_kernel(run.scratch_base);
}

static void preempt_after(void *ctx, uint64_t n)
{
	(void)ctx;
	x86_preempt_after(n);
}

static _Noreturn void refuse(const char *why)
{
	kprintf("kmm: program: %s\n", why);
	qemu_exit(QEMU_EXIT_FAIL);
}

/*
 * The streams of cores 1, 2 ... that follow core 0's in the blob's last
 * words [w, w + words): each a struct progblob_stream and its code.
 */
static void open_more_streams(const uint64_t *w, uint64_t words)
{
	const uint64_t head = sizeof(struct progblob_stream) / WORD;

	run.ncores = 1;
	while (words > 0) {
		const struct progblob_stream *h = (const void *)w;

		if (run.ncores == SMP_MAX_CORES)
			refuse("the blob has more cores than this image runs");
		if (words < head || h->nwords > words - head)
			refuse("the blob is truncated");
		run.stream[run.ncores++] =
			(struct prog_stream){ w + head, h->nwords, h->nops };
		w += head + h->nwords;
		words -= head + h->nwords;
	}
}

/* The blob's header, checked against the module's size; its streams in run. */
static const struct progblob_header *open_blob(const struct phys_range *m)
{
	const struct progblob_header *h = hal_phys_to_kernel(m->base);
	uint64_t size = m->end - m->base, name_words, words;
	const uint64_t *code;

	if (m->base % WORD != 0 || size < sizeof(*h) || h->magic != PROGBLOB_MAGIC)
		refuse("the module is not a program blob");
	if (h->name_bytes > PROGBLOB_MAX_NAME)
		refuse("the blob's name is too long");
	name_words = (h->name_bytes + WORD - 1) / WORD;
	words = (size - sizeof(*h)) / WORD;
	if (h->nwords > words || name_words > words - h->nwords)
		refuse("the blob is truncated");
	for (uint64_t i = 0; i < h->name_bytes; i++)
		run.name[i] = ((const char *)(h + 1))[i];
	run.name[h->name_bytes] = '\0';
	code = (const uint64_t *)(h + 1) + name_words;
	run.stream[0] = (struct prog_stream){ code, h->nwords, h->nops };
	open_more_streams(code + h->nwords, words - name_words - h->nwords);
	return h;
}

/* Fill every region of the map with the scribble byte, as hal_sim_scribble_ram. */
static void scribble(uint8_t byte)
{
	struct hal_mem_region r[8];
	unsigned n = hal_memory_map(r, 8);

	for (unsigned i = 0; i < n; i++)
		memset(hal_phys_to_kernel(r[i].base), byte, r[i].size);
}

/* kmm-sim's verdict line (run.c: verdict). */
static void verdict(const struct exec *x)
{
	char buf[EXEC_LINE_MAX];
	struct fmt f;
	bool pass = x->status == EXEC_OK;

	fmt_init(&f, buf, sizeof(buf));
	fmt_str(&f, pass ? "PASS " : "FAIL ");
	fmt_str(&f, run.name);
	fmt_str(&f, ": ");
	if (!pass) {
		fmt_str(&f, exec_status_text(x->status));
		fmt_str(&f, " at step ");
		fmt_dec(&f, x->steps);
		fmt_str(&f, "; ");
	}
	fmt_dec(&f, x->steps);
	fmt_str(&f, " ops, ");
	fmt_dec(&f, x->restarts);
	fmt_str(&f, " restarts, ");
	fmt_dec(&f, x->violations);
	fmt_str(&f, " violations (seed 1)\n");
	hal_console_write(buf, f.len);
}

/* Print the verdict of run x and leave QEMU with it; never returns. */
_Noreturn void program_end(const struct exec *x)
{
	verdict(x);
	qemu_exit(x->status == EXEC_OK ? QEMU_EXIT_PASS : QEMU_EXIT_FAIL);
}

/* Run the program the loader's first module holds; never returns. */
_Noreturn void program_main(const struct multiboot_view *mb)
{
	const struct progblob_header *h = open_blob(&mb->module);
	struct kmm_boot_config cfg = { (uint32_t)h->root_bits, (uint32_t)h->preempt_units };
	struct exec_config c = {
		.check = (enum exec_check)h->check,
		.trace = true,
		.file = run.name,
		.io = { out, err, scratch, preempt_after, 0, { 0 }, NULL, NULL, NULL, NULL },
	};
	const char *why;

	kprintf("kmm: program %s: %lu ops, mem 0x%lx, root_bits %lu, preempt_units %lu\n",
		run.name, h->nops, h->mem, h->root_bits, h->preempt_units);
	if (run.ncores > hal_core_count())
		refuse("the program has more cores than are running");
	if (h->check > EXEC_CHECK_OFF || h->root_bits > 64 || h->preempt_units == 0 ||
	    h->preempt_units > UINT32_MAX)
		refuse("the blob's machine settings are out of range");
	why = memmap_init_sim(mb, h->mem);
	if (why)
		refuse(why);
	memmap_print();
	run.scratch_base = 2 * main_base(h->mem) + SCRATCH_GAP;
	if (h->scribble & PROGBLOB_SCRIBBLE)
		scribble((uint8_t)h->scribble);
	if (!kmm_boot(&cfg))
		refuse("kmm_boot failed");
	c.caller = kmm_bootinfo()->root_tcb;
	uaccess_hooks(&c.io.mmu);
	if (run.ncores > 1)
		program_mc_hooks(&c.io);
	exec_init(&run.x, &c);
	if (run.ncores > 1)
		program_mc_run(&run.x, run.stream, run.ncores);
	else
		exec_stream(&run.x, &run.stream[0]);
	exec_finish(&run.x);
	program_end(&run.x);
}
