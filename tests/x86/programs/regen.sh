#!/bin/sh
# Regenerate the program blobs the x86 differential test boots, and the
# traces kmm-sim gives for them, and the multicore blobs the -smp 4 test
# boots (mc/), from the scenarios (run from anywhere):
#
#   tests/x86/programs/regen.sh KMM_SIM [OUTDIR]
#
# KMM_SIM is a native (-Dtarget=sim) build's sim/kmm-sim; OUTDIR defaults
# to this directory.  For each chosen scenario S it writes S.bin
# (`kmm-sim --emit-program`: the expanded program and the machine, see
# sim/progblob.h) and S.trace (kmm-sim --trace's standard output, the
# verdict line included).  The blobs are committed, so that an x86 build,
# which has no kmm-sim, can run the test; the sim build's test
# x86-programs-fresh fails when they no longer match the scenarios.
#
# Chosen: every scenarios/*.kmm and scenarios/regress/*.kmm (as
# regress_NAME) that runs on one core and needs nothing
# only the simulator has: not `assert tlb` or a TLB size (`tlb=`; a real
# TLB cannot be inspected), not more than one core, and not:
#   revoke_chain_100k  8 MB of program and ~35 s under TCG (it matches;
#                      run it by hand: see diff_test.sh)
#   vm_large_pages     mem=1040M puts main RAM at 2 GiB and hal_sim's
#                      device regions at 4 GiB, beyond the kernel window
#
# Multicore, into OUTDIR/mc/ (tests/x86/mc_test.sh): every scenario with
# `cores=` whose assertions hold however real cores interleave -- they
# assert outcomes after barriers -- with only a blob: the trace's order
# is the hardware's, so the test checks the verdict, not the trace.  The
# x86 image injects no interrupts, so a scenario's preempt_rate does
# nothing there; its runs are the schedules with no interrupt, which the
# assertions must allow anyway (mc_reset_retype, mc_revoke_untyped_map).
# `assert tlb` lines become comments (line numbers stay): a real TLB
# cannot be inspected, but the reads after the shootdowns still fault
# only if no TLB kept the page (mc_shootdown, mc_unmap_read,
# mc_asid_pool_delete).  Left out:
#   mc_revoke_restarts    asserts exactly 1000 restarts, which takes an
#                         interrupt at every preemption check (preempt_rate=1)
#   mc_revoke_chain_100k  8 MB and 10^5 ops: minutes under TCG on four cores
#                         (run it by hand: see mc_test.sh)
set -eu

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: $0 KMM_SIM [OUTDIR]" >&2
	exit 2
fi
sim=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
out=${2:-$here}
out=$(mkdir -p "$out" && cd "$out" && pwd)
root=$(cd "$here/../../.." && pwd)
skip=" revoke_chain_100k vm_large_pages "
mc_skip=" mc_revoke_restarts mc_revoke_chain_100k "

cd "$root"
rm -f "$out"/*.bin "$out"/*.trace "$out"/mc/*.bin
for f in scenarios/*.kmm scenarios/regress/*.kmm; do
	[ -f "$f" ] || continue
	name=$(basename "$f" .kmm)
	case $f in scenarios/regress/*) name=regress_$name ;; esac
	case $skip in *" $name "*) continue ;; esac
	if grep -Eq '^[[:space:]]*assert[[:space:]]+tlb|tlb=|cores=' "$f"; then
		continue
	fi
	"$sim" --trace --emit-program "$out/$name.bin" "$f" >"$out/$name.trace"
done

# The multicore blobs are emitted from a copy of the scenario at the same
# relative path (the blob keeps the name), in a scratch tree.
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kmm-regen.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/scenarios" "$out/mc"
for f in scenarios/*.kmm; do
	name=$(basename "$f" .kmm)
	case $mc_skip in *" $name "*) continue ;; esac
	grep -Eq '^[[:space:]]*machine.*cores=' "$f" || continue
	grep -q 'tlb=' "$f" && continue
	sed -E 's/^([[:space:]]*)(assert[[:space:]]+tlb)/\1# x86: \2/' "$f" >"$tmp/$f"
	(cd "$tmp" && "$sim" --emit-program "$out/mc/$name.bin" "$f" >/dev/null)
done
