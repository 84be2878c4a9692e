#!/bin/sh
# A time-boxed AFL++ campaign over kmm-fuzz (run from anywhere):
#
#   fuzz/campaign.sh [--seconds N] [--build DIR]     (default 60, build-fuzz)
#
# Builds the harness with afl-clang-fast in DIR (only kernel_core and the
# decoder/harness instrumented: hal_sim, the executor, the checker and the
# reference model are left out through AFL_LLVM_ALLOWLIST, so their edges
# neither blur the kernel's nor cost stability), runs afl-fuzz -V N on
# fuzz/corpus with fuzz/kmm.dict, and prints execs/s, stability, corpus
# size and edges from fuzzer_stats.  Fails (exit 1) if any crash or hang
# appears, or if a seed of fuzz/corpus crashes (AFL++ skips those at
# calibration), printing the replay command for each input:
#
#   kmm-sim --replay FILE            (the full trace and the invariant)
#
# Crashes stay in DIR/afl-out/default/{crashes,hangs}.  The environment
# passes through: AFL_BENCH_UNTIL_CRASH=1 stops at the first crash (the
# planted-bug runner uses it), KMM_FUZZ_CHECK=end checks at the end only,
# KMM_FUZZ_TIMEOUT_MS (default 2000) is the per-input hang limit, far
# above a normal input's ~1 ms so that a loaded CI machine reports no
# false hangs.  AFL++ runs unattended: no UI, no CPU-frequency or
# core-dump checks (containers, CI as root).
set -eu
seconds=60
root=$(cd "$(dirname "$0")/.." && pwd)
bdir=$root/build-fuzz
while [ $# -gt 0 ]; do
	case $1 in
	--seconds) seconds=$2; shift 2 ;;
	--build) bdir=$(mkdir -p "$2" && cd "$2" && pwd); shift 2 ;;
	*) echo "usage: $0 [--seconds N] [--build DIR]" >&2; exit 2 ;;
	esac
done
allow=$bdir/afl-allowlist.txt
out=$bdir/afl-out
log=$bdir/afl-fuzz.log
sim=$root/build/sim/kmm-sim
[ -x "$sim" ] || sim="kmm-sim"

# Reconfigure every time: fuzz/meson.build lists sim/model/*.c when it runs.
if [ -f "$bdir/build.ninja" ]; then
	meson setup --reconfigure "$bdir" "$root" >/dev/null
else
	CC=afl-clang-fast meson setup "$bdir" "$root" -Dbuildtype=debugoptimized >/dev/null
fi
printf 'src:*kernel_core/*\nsrc:*fuzz/decode.c\nsrc:*fuzz/harness.c\n' >"$allow"
AFL_LLVM_ALLOWLIST=$allow AFL_QUIET=1 ninja -C "$bdir" fuzz/kmm-fuzz >"$bdir/afl-build.log" 2>&1 || {
	tail -20 "$bdir/afl-build.log" >&2
	echo "campaign: the AFL++ build failed; see $bdir/afl-build.log" >&2
	exit 1
}

rm -rf "$out"
AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1 \
	afl-fuzz -V "$seconds" -t "${KMM_FUZZ_TIMEOUT_MS:-2000}" -i "$root/fuzz/corpus" \
	-o "$out" -x "$root/fuzz/kmm.dict" -- "$bdir/fuzz/kmm-fuzz" >"$log" 2>&1 || {
	echo "campaign: afl-fuzz failed; see $log" >&2
	tail -20 "$log" >&2
	exit 1
}

stats=$out/default/fuzzer_stats
stat() { sed -n "s/^$1 *: *//p" "$stats"; }
echo "campaign: $(stat run_time) s, $(stat execs_done) execs, $(stat execs_per_sec) execs/s"
echo "campaign: stability $(stat stability), corpus $(stat corpus_count)," \
	"edges $(stat edges_found) of $(stat total_edges) ($(stat bitmap_cvg))"

# Seeds AFL++ skipped because they crash: the file named on the dry-run line before.
seed_crashes=$(awk '/Attempting dry run with/ { f = $0; sub(/.*orig:/, "", f); sub(/\x27.*/, "", f) }
	/results in a crash/ { print f }' "$log")
inputs=$(ls "$out"/default/crashes/id:* "$out"/default/hangs/id:* 2>/dev/null || true)
echo "campaign: crashes $(stat saved_crashes), hangs $(stat saved_hangs)," \
	"crashing seeds $(echo "$seed_crashes" | grep -c . || true)"
if [ -z "$inputs" ] && [ -z "$seed_crashes" ]; then
	exit 0
fi
echo "campaign: FAIL: replay each with the full trace and the failing invariant:" >&2
for f in $seed_crashes; do
	echo "  $sim --replay $root/fuzz/corpus/$f" >&2
done
for f in $inputs; do
	echo "  $sim --replay $f" >&2
done
exit 1
