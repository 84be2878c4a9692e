#!/bin/sh
# Boot the x86 kernel in QEMU (TCG, one core unless -c, 128 MiB) and check how the
# run ended: QEMU's exit status (the kernel's isa-debug-exit value v gives
# (v << 1) | 1: 33 pass, 35 fail), the lines the serial log must contain,
# and the ones it must not.  The log is printed when a check fails, and
# the boot-to-exit time always.
#
# usage: boot_test.sh -q QEMU (-k KERNEL.elf | -i IMAGE.iso) [-a CMDLINE]
#                     [-c CORES] [-e STATUS] [-t SECONDS] [-n ABSENT]... PRESENT...
#   -k  boot the multiboot ELF with -kernel     -i  boot a GRUB ISO
#   -a  kernel command line (with -k)          -e  expected exit status (33)
#   -t  time limit for QEMU (60)               -n  text that must not appear
#   -c  QEMU's -smp (1)
# Every PRESENT argument is a fixed string that must appear in the log.
set -eu

qemu= kernel= iso= cmdline= status=33 limit=60 absent= cores=1
while getopts q:k:i:a:c:e:t:n: opt; do
	case $opt in
	q) qemu=$OPTARG ;;
	k) kernel=$OPTARG ;;
	i) iso=$OPTARG ;;
	a) cmdline=$OPTARG ;;
	c) cores=$OPTARG ;;
	e) status=$OPTARG ;;
	t) limit=$OPTARG ;;
	n) absent="$absent$OPTARG
" ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if [ -z "$qemu" ] || { [ -z "$kernel" ] && [ -z "$iso" ]; }; then
	echo "usage: $0 -q QEMU (-k KERNEL | -i ISO) [-a CMDLINE] [-e STATUS]" \
	     "[-t SECONDS] [-n ABSENT]... PRESENT..." >&2
	exit 2
fi
what=${kernel:-$iso}

log=$(mktemp "${TMPDIR:-/tmp}/kmm-boot.XXXXXX")
trap 'rm -f "$log"' EXIT

fail() {
	echo "FAIL: $what: $*" >&2
	echo "---- serial log ----" >&2
	cat "$log" >&2
	exit 1
}

run_qemu() {
	if [ -n "$kernel" ]; then
		set -- -kernel "$kernel" -append "$cmdline"
	else
		set -- -cdrom "$iso" -boot d
	fi
	timeout "$limit" "$qemu" -accel tcg -m 128M -smp "$cores" -display none \
		-monitor none -serial stdio -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 "$@" >"$log" 2>&1
}

start=$(date +%s%N)
got=0
run_qemu || got=$?
end=$(date +%s%N)
echo "boot-to-exit: $(((end - start) / 1000000)) ms, exit status $got"

[ "$got" -eq 124 ] && fail "QEMU did not exit within $limit s"
[ "$got" -eq "$status" ] || fail "exit status $got, expected $status"
for text; do
	grep -qF -- "$text" "$log" || fail "missing from the log: $text"
done
set -f
IFS='
'
for text in $absent; do
	if grep -qF -- "$text" "$log"; then
		fail "in the log but must not be: $text"
	fi
done
exit 0
