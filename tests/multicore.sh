#!/bin/sh
# Multicore scenario tests (registered per scenario by tests/meson.build):
#
#   multicore.sh seeds KMM_SIM FILE   passes under uniform seeds 1..6 and
#                                     PCT depths 1..3 with seeds 1..2
#   multicore.sh twice KMM_SIM FILE   the same seed twice gives the same
#                                     trace, byte for byte; so does the
#                                     recorded schedule replayed under
#                                     another seed
#   multicore.sh free  KMM_SIM FILE   passes with real threads (--sched=free),
#                                     3 runs (for TSan)
#
# Each failing run prints its replay command (kmm-sim does) and the
# command this script ran.
set -u
mode=$1 sim=$2 file=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run() {
	if ! "$sim" -q "$@" "$file"; then
		echo "FAILED: $sim $* $file" >&2
		exit 1
	fi
}

same() {
	if ! cmp -s "$1" "$2"; then
		echo "traces differ: $3" >&2
		diff "$1" "$2" | head -20 >&2
		exit 1
	fi
}

case $mode in
seeds)
	for s in 1 2 3 4 5 6; do run --seed "$s"; done
	for d in 1 2 3; do
		for s in 1 2; do run --seed "$s" --pct "$d"; done
	done
	;;
twice)
	for s in 7 8; do
		"$sim" --trace --seed "$s" --record-schedule "$tmp/s$s" "$file" >"$tmp/a$s" 2>&1
		"$sim" --trace --seed "$s" "$file" >"$tmp/b$s" 2>&1
		same "$tmp/a$s" "$tmp/b$s" "--seed $s run twice"
		"$sim" --trace --seed 999 --schedule "$tmp/s$s" "$file" >"$tmp/c$s" 2>&1
		# The verdict line names the seed; everything above it must match.
		sed '$d' "$tmp/a$s" >"$tmp/a$s.body"
		sed '$d' "$tmp/c$s" >"$tmp/c$s.body"
		same "$tmp/a$s.body" "$tmp/c$s.body" "--seed $s replayed from its schedule"
	done
	"$sim" --trace --seed 3 --pct 2 "$file" >"$tmp/p1" 2>&1
	"$sim" --trace --seed 3 --pct 2 "$file" >"$tmp/p2" 2>&1
	same "$tmp/p1" "$tmp/p2" "--seed 3 --pct 2 run twice"
	;;
free)
	for i in 1 2 3; do run --sched=free; done
	;;
*)
	echo "usage: $0 seeds|twice|free KMM_SIM FILE" >&2
	exit 2
	;;
esac
