/*
 * x86.h: what hal_x86's files offer each other (hal.h is what they offer
 * kernel_core).  Each function is documented where it is defined.
 */
#ifndef KMM_X86_H
#define KMM_X86_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- console (serial.c, kprintf.c) ---------------------------------- */

void serial_init(void);
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- leaving (exit.c) ------------------------------------------------ */

_Noreturn void qemu_exit(uint32_t value);

/* ---- exceptions (idt.c, trap.c, isr.S) -------------------------------- */

/* The stack isr.S builds before calling trap_handle, lowest address first. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;  /* pushed by the CPU */
};

void idt_init(void);
void idt_load(void);
void trap_handle(struct trap_frame *tf);

/* ---- cores: per-core data, IPIs, the LAPIC, bring-up (cpu.c, lapic.c,
 *      acpi.c, smp.c, trampoline.S) ----------------------------------- */

void cpu_load(unsigned core, unsigned apic_id);
unsigned cpu_add(unsigned apic_id);
void cpu_commit(void);
void cpu_wake(unsigned core);
void cpu_take_ipi(void);
void cpu_ipi_counts(uint64_t *sent, uint64_t *taken);

unsigned lapic_id(void);
void lapic_init(bool boot_core);
void lapic_eoi(void);
void lapic_send_ipi(unsigned apic_id, unsigned vector);
void lapic_send_init(unsigned apic_id);
void lapic_send_startup(unsigned apic_id, unsigned page);

unsigned acpi_cpu_apic_ids(uint8_t *ids, unsigned max);

struct multiboot_view;
void smp_init(const struct multiboot_view *mb);
void smp_launch(void (*fn)(unsigned core));
void smp_join(void);
unsigned smp_stack_peak(void);

/* ---- user accesses in ring 3 (uaccess.c, uaccess.S, gdt.c) ------------- */

/* Why a user access step faulted: the #PF error code and CR2. */
struct uaccess_fault {
	uint64_t error, cr2;
};

/* Called by trap_handle for a trap from ring 3: true if it ended a user access step. */
bool uaccess_return(struct trap_frame *tf);

void gdt_init(void);
void gdt_load(unsigned core);
void *gdt_rsp0(unsigned core);

/* The executor's MMU hooks on the real MMU (only user accesses). */
struct exec_mmu;
void uaccess_hooks(struct exec_mmu *m);

/* ---- preemption injection (preempt.c) --------------------------------- */

void x86_preempt_after(uint64_t n);

/* ---- the boot information (multiboot.c) ------------------------------ */

#define MB_MAX_RANGES 32

struct phys_range {
	uint64_t base, end;  /* [base, end) */
};

struct multiboot_view {
	struct phys_range ram[MB_MAX_RANGES];   /* "available" memory-map entries */
	unsigned nram;
	struct phys_range used[MB_MAX_RANGES];  /* loader structures, modules */
	unsigned nused;
	const char *cmdline;                    /* never NULL */
	struct phys_range module;               /* the first module, if has_module */
	bool has_module;
};

bool multiboot_read(uint32_t magic_checked_info, struct multiboot_view *out);
bool multiboot_has_word(const struct multiboot_view *mb, const char *word);

/* ---- memory (memmap.c, mmu.c) ---------------------------------------- */

void memmap_init(const struct multiboot_view *mb);
const char *memmap_init_sim(const struct multiboot_view *mb, uint64_t mem_bytes);
bool memmap_is_ram(uint64_t base, uint64_t end);
void memmap_print(void);
void mmu_init(void);

/* ---- memory functions for kernel_core and the compiler (string.c) -- */

void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memset(void *dst, int c, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);

/* ---- the embedded smoke program (smoke.c) ---------------------------- */

bool smoke_run(void);

/* ---- running an embedded program (program.c) ------------------------- */

_Noreturn void program_main(const struct multiboot_view *mb);

struct exec;
struct exec_io;
struct prog_stream;
_Noreturn void program_end(const struct exec *x);

/* ---- a program on several cores (program_mc.c) ----------------------- */

void program_mc_hooks(struct exec_io *io);
void program_mc_run(struct exec *x, const struct prog_stream *streams, unsigned n);

#endif
