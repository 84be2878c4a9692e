#!/bin/sh
# Build a bootable GRUB ISO holding the kmm kernel, for real machines and
# for QEMU -cdrom.  Called by hal_x86/meson.build.
#
# usage: mkiso.sh GRUB_MKRESCUE OUTPUT.iso KERNEL.elf GRUB.cfg
set -eu

if [ $# -ne 4 ]; then
	echo "usage: $0 GRUB_MKRESCUE OUTPUT.iso KERNEL.elf GRUB.cfg" >&2
	exit 2
fi
mkrescue=$1
out=$2
kernel=$3
cfg=$4

stage=$(mktemp -d "${TMPDIR:-/tmp}/kmm-iso.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/boot/grub"
cp "$kernel" "$stage/boot/kmm-x86.elf"
cp "$cfg" "$stage/boot/grub/grub.cfg"
log="$stage.log"
if ! "$mkrescue" -o "$out" "$stage" >"$log" 2>&1; then
	cat "$log" >&2
	rm -f "$log"
	exit 1
fi
rm -f "$log"
