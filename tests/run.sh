#!/usr/bin/env bash
# The whole test suite, as CI runs it: a debug build, the same tests under
# Valgrind, and an ASan+UBSan build.  Exits non-zero on the first failure.
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
meson test -C build --setup=valgrind --print-errorlogs --num-processes "$jobs" \
	--no-suite slow

section "ASan + UBSan build and tests"
[ -d build-asan ] || meson setup build-asan -Db_sanitize=address,undefined \
	-Db_lundef=false -Dbuildtype=debug
ninja -C build-asan -j "$jobs"
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	meson test -C build-asan --print-errorlogs --num-processes "$jobs"

section "x86 image: build and QEMU tests"
[ -d build-x86 ] || meson setup build-x86 -Dtarget=x86
ninja -C build-x86 -j "$jobs"
meson test -C build-x86 --print-errorlogs --num-processes "$jobs"

section "kmm-bench smoke run (figures are informational)"
build/sim/bench/kmm-bench --quick
