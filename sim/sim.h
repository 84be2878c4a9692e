/*
 * kmm-sim's hosted pieces: the options main.c parses, the run that
 * boots the simulated machine and executes a scenario (run.c, with the
 * executor's MMU hooks on hal_sim in run_mmu.c), and the
 * reports around it: boot info, sizes and the replay command
 * (report.c), and the Graphviz picture (dot.c).
 */
#ifndef KMM_SIM_SIM_H
#define KMM_SIM_SIM_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <kmm/kernel.h>

#include "exec.h"

/* Exit statuses. */
enum sim_exit {
	SIM_EXIT_PASS = 0,
	SIM_EXIT_FAIL = 1,    /* an expectation, assertion or invariant failed */
	SIM_EXIT_USAGE = 2    /* bad options, bad scenario text, machine refused */
};

/* What the command line asked for; *_given: the flag was on the command line. */
struct sim_opts {
	const char *file;
	const char *dot;          /* --dot FILE, or NULL */
	const char *emit;         /* --emit-scenario FILE, or NULL */
	bool replay;              /* file is a fuzz input (--replay) */
	const char *emit_program; /* --emit-program FILE, or NULL */
	bool trace, quiet, bootinfo;
	enum exec_check check;
	uint64_t seed;
	uint64_t mem, root_bits, preempt_units, cores;
	uint64_t scribble;        /* fill memory with this byte before boot */
	uint64_t tlb_entries;     /* per core */
	bool check_given, mem_given, root_bits_given, preempt_units_given, cores_given;
	bool scribble_given, tlb_entries_given;
	bool model, model_given;  /* --model: compare with the reference model */
	/* The scheduler (more than one core). */
	bool free;                /* --sched=free: host threads */
	uint64_t pct;             /* --pct D: PCT depth; 0: uniform choices */
	uint64_t preempt_rate;    /* --preempt-rate N; 0: no injected interrupts */
	bool preempt_rate_given, pct_given;
	const char *schedule;     /* --schedule FILE: replay its decisions first */
	const char *record;       /* --record-schedule FILE */
};

/*
 * Run every core's stream of p on x: core 0 directly when there is one
 * core, else under hal_sim's scheduler as o says (run_cores.c);
 * sim_core_hooks fills the multicore hooks of io first.  Returns PASS
 * when the run was made (x->status tells how it went), FAIL after a
 * message for a deadlock, USAGE after a message for a schedule file
 * that cannot be read, written or does not fit the run.
 */
void sim_core_hooks(struct exec_io *io, const struct sim_opts *o);
enum sim_exit sim_run_cores(struct exec *x, const struct prog *p, const struct sim_opts *o);

/* The executor's MMU hooks on hal_sim (run_mmu.c). */
void sim_mmu_hooks(struct exec_mmu *m);

struct progbuf;

/* --replay (replay.c): the fuzzer's machine, unless flags set mem or root bits. */
void sim_replay_defaults(struct sim_opts *o);

/* Decode the fuzz input file into pb (core 0) and its header's seed; false after a message. */
bool sim_replay_decode(const char *file, const struct kmm_bootinfo *bi, struct progbuf *pb,
		       uint64_t *seed);

/* Write p's core 0 ops as a scenario for o's machine; false after a message. */
bool sim_emit_scenario(const char *path, const struct sim_opts *o, const struct prog *p);

/* Boot, expand, execute and report the scenario o->file; returns the exit status. */
enum sim_exit sim_run(const struct sim_opts *o);

/* "64M", "4K", "1G" when exact, else decimal bytes. */
void sim_fmt_size(GString *s, uint64_t bytes);

/* "123", "64M", "0x1000" ... with an optional K/M/G suffix; false if malformed or too large. */
bool sim_parse_size(const char *s, uint64_t *out);

/* Print the boot info (each untyped's name, slot, paddr, size, device). */
void sim_print_bootinfo(FILE *f, const struct kmm_bootinfo *bi);

/*
 * Write core 0's stream of p and o's machine settings as a program blob
 * (progblob.h) to path (emit.c); false and *err on error.
 */
bool sim_emit_program(const char *path, const struct sim_opts *o, const struct prog *p,
		      char **err);

/* The one-line command that replays this run (the effective settings). */
char *sim_replay_command(const struct sim_opts *o);

/* Write the derivation tree and untyped layouts as Graphviz DOT; false and *err on error. */
bool sim_write_dot(const char *path, uint64_t caller, char **err);

#endif
