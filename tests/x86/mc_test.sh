#!/bin/sh
# The multicore test: boot the x86 kernel in QEMU (TCG, -smp 4) once per
# multicore program blob in DIR (tests/x86/programs/mc/, see regen.sh),
# the blob as a multiboot module, ROUNDS times each, and check that every
# run passes: exit status 33, kmm-sim's PASS verdict line, no panic.  The
# trace is printed by the image but not compared: on real cores the order
# of the lines is the hardware's.  The image's own summary line says how
# many IPIs the kernel sent; it is printed with each program's
# boot-to-exit time, and the total at the end.  The reads after the
# shootdowns are what a TLB keeps: with the remote invlpg left out
# (hal_tlb_invalidate_page on core 0 only), mc_shootdown reads the
# unmapped page and mc_unmap_read reads the page's new contents through
# the old translation, both under TCG.
#
# usage: mc_test.sh [-r ROUNDS] [-t SECONDS] QEMU KERNEL.elf DIR [NAME...]
#   -r ROUNDS  boot each program this often (1): each run interleaves anew
#   -t SECONDS time limit for one run (120)
#   NAME...    only these programs (default: every DIR/*.bin)
# A blob made by hand runs the same way (e.g. mc_revoke_chain_100k, left
# out of DIR for its running time):
#   kmm-sim --emit-program /tmp/mc_r.bin scenarios/mc_revoke_chain_100k.kmm
#   tests/x86/mc_test.sh -t 900 qemu-system-x86_64 build-x86/hal_x86/kmm-x86.elf /tmp mc_r
set -eu

rounds=1 limit=120
while getopts r:t: opt; do
	case $opt in
	r) rounds=$OPTARG ;;
	t) limit=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -lt 3 ]; then
	echo "usage: $0 [-r ROUNDS] [-t SECONDS] QEMU KERNEL.elf DIR [NAME...]" >&2
	exit 2
fi
qemu=$1 kernel=$2 dir=$3
shift 3
if [ $# -eq 0 ]; then
	for f in "$dir"/*.bin; do
		set -- "$@" "$(basename "$f" .bin)"
	done
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kmm-mc.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# As diff_test.sh: hal_sim's layout for the largest machine must be RAM.
mem=2304M
count=0 failed=0 total=0 round=1
while [ "$round" -le "$rounds" ]; do
	for name; do
		start=$(date +%s%N)
		status=0
		timeout "$limit" "$qemu" -accel tcg -m "$mem" -smp 4 -display none -monitor none \
			-serial stdio -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
			-kernel "$kernel" -initrd "$dir/$name.bin" >"$tmp/log" 2>"$tmp/err" ||
			status=$?
		ms=$((($(date +%s%N) - start) / 1000000))
		total=$((total + ms))
		count=$((count + 1))
		ipis=$(sed -n 's/^kmm: smp: .*the kernel sent \([0-9]*\) IPIs.*/\1/p' "$tmp/log")
		if [ "$status" -ne 33 ] || ! grep -q "^PASS " "$tmp/log" ||
		   grep -q '^kmm: panic' "$tmp/log"; then
			echo "FAIL $name (round $round): exit status $status (33: pass), $ms ms"
			grep -v '^[0-9]' "$tmp/log" | tail -40
			cat "$tmp/err"
			failed=$((failed + 1))
		else
			echo "ok $name (round $round): ${ipis:-?} IPIs, boot-to-exit $ms ms"
		fi
	done
	round=$((round + 1))
done
echo "$count runs on 4 cores, $failed failed; boot-to-exit $total ms in all"
[ "$failed" -eq 0 ]
