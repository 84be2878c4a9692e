#!/bin/sh
# A schedule file that is not one, or does not fit the run, is the user's
# error: kmm-sim exits 2 with the file named.  (tests/meson.build)
#   bad_schedule.sh KMM_SIM SCENARIO
set -u
sim=$1 file=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

expect2() {
	"$sim" -q --schedule "$1" "$file" >"$tmp/out" 2>&1
	rc=$?
	if [ "$rc" -ne 2 ] || ! grep -q "$2" "$tmp/out"; then
		echo "expected exit 2 and '$2', got $rc:" >&2
		cat "$tmp/out" >&2
		exit 1
	fi
}

printf 'not a schedule\n' >"$tmp/magic"
expect2 "$tmp/magic" "$tmp/magic: not a schedule"
printf 'kmm-schedule 1\n1 x\n' >"$tmp/word"
expect2 "$tmp/word" "$tmp/word: decision 2: 'x' is not a core number or i0/i1"
printf 'kmm-schedule 1\n3 3 3 3 3 3 3 3\n' >"$tmp/misfit"
expect2 "$tmp/misfit" "scheduler: the replayed decisions do not fit this run"
expect2 "$tmp/missing" "kmm-sim: --schedule:"
