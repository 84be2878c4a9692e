#!/bin/sh
# Planted-bug (mutant) runner: proves the tests and the fuzzer find bugs.
#
#   tests/mutants/run.sh [--fuzz-seconds N | --fuzz N] [--keep] [NAME...]
#
# Each tests/mutants/NAME.patch is a small unified diff against the tree
# (first line: a '# ' description).  The tree (tracked and untracked,
# non-ignored files of the working copy; no build directories) is copied
# once to a scratch directory and built there as a baseline; then, for each
# mutant in turn, the patch is applied with patch -p1, the tree rebuilt
# (incrementally: only the patched file recompiles), the unit and scenario
# suites run (meson test --suite unit --suite scenarios), and the patch is
# reverted with patch -R.  Nothing is ever written to kernel_core/ of the
# real tree.
#
# With --fuzz-seconds N, fuzz/campaign.sh then runs on the mutant for at
# most N seconds (AFL_BENCH_UNTIL_CRASH stops it at the first crash) and
# the time to the first crash or hang is taken from the AFL++ crash file
# name (time:MS since the start of fuzzing), else from its mtime minus the
# start_time of fuzzer_stats.  A crash counts only if it is the mutant's:
# the same input must pass kmm-fuzz-replay of the unmutated baseline (a
# copy kept from the baseline build), so a crash the real tree shares (a
# kernel or model bug) is not taken for a find; if the first crash is such
# a shared one, the campaign runs again for the full N seconds and the
# earliest crash of the mutant's own is taken (the shared inputs are kept
# in the scratch directory's shared-crashes/: they are bugs of the tree).
# Seeds of fuzz/corpus that already crash the mutant are skipped by AFL++
# and reported separately ("K seed(s) crash"); they count as a find too.
#
# Prints a table mutant -> tests that caught it -> fuzz time-to-find, and
# a result file in the scratch directory.  Exits 1 if any mutant is caught
# by nothing (no test and, when fuzzing, no crash), or fails to apply or
# build; 0 otherwise.  JOBS (default 1) sets ninja -j, TEST_JOBS (default
# JOBS) meson test --num-processes, SUITES (default "unit scenarios") the
# meson test suites run; tests of other suites are named SUITE:NAME.
# The scratch directory is removed unless --keep.
set -eu
fuzz_seconds=0
keep=0
while [ $# -gt 0 ]; do
	case $1 in
	--fuzz-seconds|--fuzz) fuzz_seconds=$2; shift 2 ;;
	--keep) keep=1; shift ;;
	-h|--help) sed -n "2,30p" "$0"; exit 0 ;;
	-*) echo "usage: $0 [--fuzz-seconds N] [--keep] [NAME...]" >&2; exit 2 ;;
	*) break ;;
	esac
done
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
jobs=${JOBS:-1}
test_jobs=${TEST_JOBS:-$jobs}
suite_args=
for s in ${SUITES:-unit scenarios}; do suite_args="$suite_args --suite $s"; done
if [ $# -eq 0 ]; then
	set -- $(cd "$here" && ls *.patch | sed 's/\.patch$//')
fi
for m in "$@"; do
	[ -f "$here/$m.patch" ] || { echo "mutants: no $here/$m.patch" >&2; exit 2; }
done

scratch=$(mktemp -d "${TMPDIR:-/tmp}/kmm-mutants.XXXXXX")
tree=$scratch/tree
bdir=$tree/build-mut
results=$scratch/results.txt
log=$scratch/log
mkdir -p "$tree" "$log"
cleanup() { [ "$keep" = 1 ] || rm -rf "$scratch"; }
trap cleanup EXIT
t0=$(date +%s)

echo "mutants: scratch $scratch, jobs $jobs/$test_jobs, fuzz ${fuzz_seconds}s"
(cd "$root" && git ls-files -co --exclude-standard -z | xargs -0 tar -cf - --) |
	tar -xf - -C "$tree"

# Failed tests of the last meson test run, one name per line.
failed_tests() {
	python3 - "$bdir/meson-logs/testlog.json" <<'EOF'
import json, sys
for line in open(sys.argv[1]):
    t = json.loads(line)
    if t["result"] not in ("OK", "SKIP", "EXPECTEDFAIL"):
        suite, name = t["name"].split(" / ", 1) if " / " in t["name"] else ("", t["name"])
        suite = suite.split(":")[-1]
        if suite not in ("unit", "scenarios", ""):
            name = suite + ":" + name
        print(name + ("" if t["result"] == "FAIL" else "(" + t["result"] + ")"))
EOF
}

run_tests() {
	meson test -C "$bdir" --no-rebuild --num-processes "$test_jobs" \
		$suite_args >"$1" 2>&1 || true
	failed_tests
}

echo "mutants: baseline build"
meson setup "$bdir" "$tree" -Dbuildtype=debugoptimized >"$log/setup.log" 2>&1 ||
	{ cat "$log/setup.log" >&2; exit 1; }
ninja -C "$bdir" -j "$jobs" >"$log/baseline-build.log" 2>&1 ||
	{ tail -30 "$log/baseline-build.log" >&2; exit 1; }
base_fail=$(run_tests "$log/baseline-test.log")
if [ -n "$base_fail" ]; then
	echo "mutants: baseline already fails: $base_fail" >&2
	exit 1
fi
base_replay=$scratch/kmm-fuzz-replay-baseline
cp "$bdir/fuzz/kmm-fuzz-replay" "$base_replay"

# Seeds of the campaign in $tree/build-fuzz that crash the mutant (AFL++
# skips them at calibration), as a count.
seed_crashes() {
	grep -a -c "results in a crash" "$tree/build-fuzz/afl-fuzz.log" 2>/dev/null || true
}

# Does input $1 pass on the unmutated tree (so its crash is the mutant's)?
mutant_only() {
	"$base_replay" "$1" >/dev/null 2>&1
}

# Time to the earliest crash/hang of the mutant's own the fuzzer saved,
# or empty; the number of earlier ones the baseline shares goes to
# $scratch/shared (this runs in a command substitution).
fuzz_time() {
	out=$tree/build-fuzz/afl-out/default
	shared=0
	echo 0 >"$scratch/shared"
	[ -d "$out" ] || return 0
	for f in $(ls "$out"/crashes/id:* "$out"/hangs/id:* 2>/dev/null |
		   sed 's/.*,time:\([0-9]*\).*/\1 &/' | sort -n | cut -d' ' -f2-); do
		if ! mutant_only "$f"; then
			shared=$((shared + 1))
			echo "$shared" >"$scratch/shared"
			mkdir -p "$scratch/shared-crashes"
			cp "$f" "$scratch/shared-crashes/$m-$shared"
			continue
		fi
		kind=crash
		case $f in */hangs/*) kind=hang ;; esac
		ms=$(echo "$f" | sed -n 's/.*,time:\([0-9]*\).*/\1/p')
		if [ -n "$ms" ]; then
			echo "$ms" | awk -v k=$kind '{ printf "%.2f s (%s)\n", $1 / 1000, k }'
		else
			start=$(sed -n 's/^start_time *: *//p' "$out/fuzzer_stats")
			echo "$(( $(stat -c %Y "$f") - start )) s ($kind)"
		fi
		return 0
	done
}

# Any crash or hang saved at all?
any_crash() {
	ls "$tree"/build-fuzz/afl-out/default/crashes/id:* \
	   "$tree"/build-fuzz/afl-out/default/hangs/id:* 2>/dev/null | grep -q .
}

# One campaign on the mutant; $1: extra environment (AFL_BENCH_UNTIL_CRASH=1 or empty).
campaign() {
	rm -rf "$tree/build-fuzz/afl-out" "$tree/build-fuzz/afl-fuzz.log"
	env $1 sh "$tree/fuzz/campaign.sh" --seconds "$fuzz_seconds" >"$log/$m-fuzz.log" 2>&1 || true
}

status=0
: >"$results"
for m in "$@"; do
	p=$here/$m.patch
	echo "mutants: $m: $(sed -n '1s/^# *//p' "$p")"
	if ! (cd "$tree" && patch -p1 -s <"$p") >"$log/$m-patch.log" 2>&1; then
		echo "mutants: $m: patch does not apply" >&2
		cat "$log/$m-patch.log" >&2
		printf '%s\t%s\t%s\t%s\n' "$m" "-" "PATCH FAILED" "-" >>"$results"
		status=1
		continue
	fi
	caught=""
	fuzz="-"
	if ! ninja -C "$bdir" -j "$jobs" >"$log/$m-build.log" 2>&1; then
		echo "mutants: $m: build failed (see below)" >&2
		tail -20 "$log/$m-build.log" >&2
		printf '%s\t%s\t%s\t%s\n' "$m" "-" "BUILD FAILED" "-" >>"$results"
		status=1
	else
		caught=$(run_tests "$log/$m-test.log" | tr '\n' ' ' | sed 's/ $//')
		n=$(echo "$caught" | wc -w)
		echo "mutants: $m: caught by $n test(s)"
		found=$n
		if [ "$fuzz_seconds" -gt 0 ]; then
			campaign AFL_BENCH_UNTIL_CRASH=1
			t=$(fuzz_time)
			if [ -z "$t" ] && any_crash; then
				echo "mutants: $m: first crash is shared with the baseline; fuzzing on"
				campaign ""
			fi
			seeds=$(seed_crashes)
			t=$(fuzz_time)
			shared=$(cat "$scratch/shared")
			[ "$shared" -eq 0 ] || echo "mutants: $m: $shared crash(es) shared with the baseline"
			if [ -n "$t" ]; then
				fuzz="$t"
				found=$((found + 1))
			elif [ ! -f "$tree/build-fuzz/afl-out/default/fuzzer_stats" ]; then
				fuzz="no campaign (see log)"
			else
				fuzz="not found in $fuzz_seconds s"
			fi
			if [ "${seeds:-0}" -gt 0 ]; then
				fuzz="$fuzz; $seeds seed(s) crash"
				found=$((found + 1))
			fi
			echo "mutants: $m: fuzz: $fuzz"
		fi
		if [ "$found" -eq 0 ]; then
			echo "mutants: $m: NOT CAUGHT" >&2
			status=1
		fi
		printf '%s\t%s\t%s\t%s\n' "$m" "$n" "${caught:-NONE}" "$fuzz" >>"$results"
	fi
	(cd "$tree" && patch -p1 -R -s <"$p") || { echo "mutants: $m: revert failed" >&2; exit 1; }
done

t1=$(date +%s)
echo
printf '%-27s %-5s %-40s %s\n' MUTANT COUNT FUZZ-TIME-TO-FIND "CAUGHT BY (tests)"
while IFS="$(printf '\t')" read -r m n tests fz; do
	printf '%-27s %-5s %-40s %s\n' "$m" "$n" "$fz" "$tests"
done <"$results"
echo
echo "mutants: total $((t1 - t0)) s; exit $status"
exit $status
