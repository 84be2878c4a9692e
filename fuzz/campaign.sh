#!/bin/sh
# A time-boxed AFL++ campaign over kmm-fuzz (run from the repository root):
#
#   fuzz/campaign.sh [--seconds N]      (default 60)
#
# Builds the harness with afl-clang-fast in build-fuzz/ (only kernel_core
# and the decoder instrumented: hal_sim, the executor and the checker are
# left out through AFL_LLVM_ALLOWLIST, so their edges do not blur the
# kernel's), runs afl-fuzz -V N on fuzz/corpus with fuzz/kmm.dict, fails
# if any crash or hang appears, and prints execs/s, stability, corpus size
# and edges from fuzzer_stats.  Crashes stay in build-fuzz/afl-out/.
set -eu
seconds=60
while [ $# -gt 0 ]; do
	case $1 in
	--seconds) seconds=$2; shift 2 ;;
	*) echo "usage: $0 [--seconds N]" >&2; exit 2 ;;
	esac
done
root=$(cd "$(dirname "$0")/.." && pwd)
bdir=$root/build-fuzz
allow=$bdir/afl-allowlist.txt
out=$bdir/afl-out

if [ ! -f "$bdir/build.ninja" ]; then
	CC=afl-clang-fast meson setup "$bdir" "$root" -Dbuildtype=debugoptimized
fi
printf 'src:*kernel_core/*\nsrc:*fuzz/decode.c\nsrc:*fuzz/harness.c\n' >"$allow"
AFL_LLVM_ALLOWLIST=$allow AFL_QUIET=1 ninja -C "$bdir" -j2 fuzz/kmm-fuzz

rm -rf "$out"
AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 \
	afl-fuzz -V "$seconds" -i "$root/fuzz/corpus" -o "$out" -x "$root/fuzz/kmm.dict" \
	-- "$bdir/fuzz/kmm-fuzz" >"$bdir/afl-fuzz.log" 2>&1 || {
	echo "campaign: afl-fuzz failed; see $bdir/afl-fuzz.log" >&2
	tail -20 "$bdir/afl-fuzz.log" >&2
	exit 1
}

stats=$out/default/fuzzer_stats
stat() { sed -n "s/^$1 *: *//p" "$stats"; }
echo "campaign: $(stat run_time) s, $(stat execs_done) execs, $(stat execs_per_sec) execs/s"
echo "campaign: stability $(stat stability), corpus $(stat corpus_count)," \
	"edges $(stat edges_found) of $(stat total_edges) ($(stat bitmap_cvg))"
crashes=$(stat saved_crashes)
hangs=$(stat saved_hangs)
echo "campaign: crashes $crashes, hangs $hangs"
if [ "$crashes" != 0 ] || [ "$hangs" != 0 ]; then
	echo "campaign: FAIL: inputs in $out/default/crashes and hangs;" \
		"replay with kmm-sim --replay FILE" >&2
	exit 1
fi
