#!/bin/sh
# Are the committed program blobs and traces (tests/x86/programs/) what
# regen.sh makes from today's scenarios and kmm-sim?  Run by the sim
# build; on failure, run the regen command it prints and commit.
#
# usage: programs_fresh.sh KMM_SIM
set -eu

sim=$1
dir=$(cd "$(dirname "$0")/programs" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kmm-progs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

"$dir/regen.sh" "$sim" "$tmp"
if ! diff -r -x regen.sh "$dir" "$tmp" >"$tmp.diff" 2>&1; then
	cat "$tmp.diff" >&2
	rm -f "$tmp.diff"
	echo "FAIL: tests/x86/programs/ is stale; run: tests/x86/programs/regen.sh $sim" >&2
	exit 1
fi
rm -f "$tmp.diff"
echo "$(ls "$dir"/*.bin | wc -l) programs up to date"
