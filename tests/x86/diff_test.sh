#!/bin/sh
# The differential test: boot the x86 kernel in QEMU (TCG, one core) once
# per program blob in DIR, the blob as a multiboot module, and check that
# the run passes (exit status 33) and that its serial log, minus the
# image's own "kmm: " lines, equals kmm-sim's trace of the same scenario
# (DIR/NAME.trace) byte for byte.  Prints each program's boot-to-exit
# time, the number compared and the total.
#
# usage: diff_test.sh QEMU KERNEL.elf DIR [NAME...]
#   NAME...  only these programs (default: every DIR/*.bin)
# A blob made by hand runs the same way (e.g. revoke_chain_100k, left out
# of DIR for its size):
#   kmm-sim --trace --emit-program /tmp/r.bin scenarios/revoke_chain_100k.kmm >/tmp/r.trace
#   tests/x86/diff_test.sh qemu-system-x86_64 build-x86/hal_x86/kmm-x86.elf /tmp r
set -eu

if [ $# -lt 3 ]; then
	echo "usage: $0 QEMU KERNEL.elf DIR [NAME...]" >&2
	exit 2
fi
qemu=$1 kernel=$2 dir=$3
shift 3
if [ $# -eq 0 ]; then
	for f in "$dir"/*.bin; do
		set -- "$@" "$(basename "$f" .bin)"
	done
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kmm-diff.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# hal_sim's layout for the largest machine (mem=1G: device regions just
# above 2 GiB) must be RAM; TCG only allocates what the guest touches.
mem=2304M
count=0 failed=0 total=0
for name; do
	blob=$dir/$name.bin
	start=$(date +%s%N)
	status=0
	timeout 120 "$qemu" -accel tcg -m "$mem" -smp 1 -display none -monitor none \
		-serial stdio -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-kernel "$kernel" -initrd "$blob" >"$tmp/log" 2>"$tmp/err" || status=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	total=$((total + ms))
	count=$((count + 1))
	grep -v '^kmm: ' "$tmp/log" >"$tmp/trace" || true
	if [ "$status" -ne 33 ]; then
		echo "FAIL $name: exit status $status (33: pass), $ms ms"
		cat "$tmp/log" "$tmp/err"
		failed=$((failed + 1))
	elif ! cmp -s "$tmp/trace" "$dir/$name.trace"; then
		echo "FAIL $name: the x86 trace differs from kmm-sim's (< x86, > kmm-sim)"
		diff "$tmp/trace" "$dir/$name.trace" | head -40 || true
		failed=$((failed + 1))
	else
		echo "ok $name: $(grep -c '' "$tmp/trace") lines equal, boot-to-exit $ms ms"
	fi
done
echo "$count programs compared, $failed differ; boot-to-exit $total ms in all"
[ "$failed" -eq 0 ]
