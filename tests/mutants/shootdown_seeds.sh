#!/bin/sh
# How many scheduler seeds does it take the deterministic scheduler to
# catch the skipped shootdown wait (tests/mutants/shootdown-no-wait.patch)?
#
#   tests/mutants/shootdown_seeds.sh [SEEDS] [SCENARIO...]
#
# Copies the tree to a scratch directory (as run.sh does), applies the
# patch there -- never to the real tree -- builds kmm-sim, and runs each
# multicore scenario (default: mc_unmap_read, mc_shootdown) under seeds
# 1..SEEDS (default 100), uniform and PCT with depths 1, 2 and 3.  A run
# counts as a catch when it fails with invariant 4.tlb.stale; other
# failures (a kernel assertion, a wrong value) are counted apart.  Prints,
# per scenario and mode, the first seed that caught it and how many did.
# Exits 1 if some scenario never caught it in any mode.
set -eu
seeds=${1:-100}
[ $# -gt 0 ] && shift
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
[ $# -gt 0 ] || set -- scenarios/mc_unmap_read.kmm scenarios/mc_shootdown.kmm

scratch=$(mktemp -d "${TMPDIR:-/tmp}/kmm-shootdown.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
tree=$scratch/tree
mkdir -p "$tree"
(cd "$root" && git ls-files -co --exclude-standard -z | xargs -0 tar -cf - --) |
	tar -xf - -C "$tree"
(cd "$tree" && patch -s -p1 <"$here/shootdown-no-wait.patch")
meson setup "$scratch/build" "$tree" >"$scratch/setup.log" 2>&1 ||
	{ cat "$scratch/setup.log" >&2; exit 1; }
ninja -C "$scratch/build" sim/kmm-sim >"$scratch/build.log" 2>&1 ||
	{ tail -20 "$scratch/build.log" >&2; exit 1; }
sim=$scratch/build/sim/kmm-sim

status=0
printf '%-28s %-9s %-12s %-14s %s\n' scenario mode first-seed caught other-fail
for f in "$@"; do
	any=0
	for mode in uniform pct1 pct2 pct3; do
		case $mode in
		uniform) flags= ;;
		*) flags="--pct ${mode#pct}" ;;
		esac
		first=- caught=0 other=0
		s=1
		while [ "$s" -le "$seeds" ]; do
			out=$(cd "$tree" && "$sim" -q --seed "$s" $flags "$f" 2>&1) && rc=0 || rc=$?
			if [ "$rc" -ne 0 ]; then
				if echo "$out" | grep -q "invariant 4.tlb.stale"; then
					caught=$((caught + 1))
					[ "$first" = - ] && first=$s
				else
					other=$((other + 1))
				fi
			fi
			s=$((s + 1))
		done
		[ "$caught" -gt 0 ] && any=1
		printf '%-28s %-9s %-12s %-14s %s\n' "$(basename "$f")" "$mode" "$first" \
			"$caught/$seeds" "$other"
	done
	[ "$any" = 1 ] || status=1
done
exit $status
