#!/usr/bin/env bash
# The whole test suite, as CI runs it: a debug build, the same tests under
# Valgrind, an ASan+UBSan build, a ThreadSanitizer build running every
# multicore scenario with free-running host threads, and the x86 image in
# QEMU.  Exits non-zero on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)

section() { printf '\n=== %s ===\n' "$*"; }

section "build (debugoptimized)"
[ -d build ] || meson setup build
ninja -C build -j "$jobs"

section "meson test"
meson test -C build --print-errorlogs --num-processes "$jobs"

section "meson test under Valgrind"
# (not the model suite: the reference model is the oracle, not the code
# under test, and its 10^5-cap comparisons take minutes under Valgrind)
meson test -C build --setup=valgrind --print-errorlogs --num-processes "$jobs" \
	--no-suite slow --no-suite multicore --no-suite free --no-suite model

section "ASan + UBSan build and tests"
[ -d build-asan ] || meson setup build-asan -Db_sanitize=address,undefined \
	-Db_lundef=false -Dbuildtype=debug
ninja -C build-asan -j "$jobs"
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	meson test -C build-asan --print-errorlogs --num-processes "$jobs" \
	--no-suite free --no-suite multicore --no-suite model

section "TSan build: the scheduler's tests and every multicore scenario, free-running"
[ -d build-tsan ] || meson setup build-tsan -Db_sanitize=thread -Db_lundef=false
ninja -C build-tsan -j "$jobs" sim/kmm-sim tests/test_sched tests/native
export TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1
meson test -C build-tsan --no-rebuild --print-errorlogs --num-processes "$jobs" sched
meson test -C build-tsan --no-rebuild --print-errorlogs --num-processes "$jobs" --suite free
unset TSAN_OPTIONS

section "x86 image: build and QEMU tests"
[ -d build-x86 ] || meson setup build-x86 -Dtarget=x86
ninja -C build-x86 -j "$jobs"
meson test -C build-x86 --print-errorlogs --num-processes "$jobs"

section "kmm-bench smoke run (figures are informational)"
build/sim/bench/kmm-bench --quick
