#!/bin/sh
# Check the x86 kernel image's layout, which loaders rely on without
# reading the ELF headers (the multiboot header's a.out kludge, see
# hal_x86/boot.S and kernel.ld):
#   1. the multiboot header magic lies 4-aligned in the file's first 8 KiB;
#   2. every loadable segment's file offset and physical address differ by
#      the same amount, so the file bytes are the memory image;
#   3. it is an x86-64 ELF executable.
#
# usage: image_check.sh READELF KERNEL.elf
set -eu

if [ $# -ne 2 ]; then
	echo "usage: $0 READELF KERNEL.elf" >&2
	exit 2
fi
readelf=$1
image=$2

fail() {
	echo "FAIL: $image: $*" >&2
	exit 1
}

"$readelf" -hW "$image" | grep -q 'Machine:.*X86-64' || fail "not an x86-64 ELF"

# od prints 4-byte little-endian words with their decimal offsets.
found=$(od -A d -t x4 -N 8192 -v "$image" | awk '
	{ for (i = 2; i <= NF; i++) if ($i == "1badb002") { print $1 + 4 * (i - 2); exit } }')
[ -n "$found" ] || fail "no multiboot header in the first 8 KiB"

deltas=$("$readelf" -lW "$image" | awk '$1 == "LOAD" { print $2, $4, $5 }' |
	while read -r offset paddr filesz; do
		[ $((filesz)) -gt 0 ] && echo $((paddr - offset))
	done | sort -u)
[ -n "$deltas" ] || fail "no loadable segments"
[ "$(printf '%s\n' "$deltas" | wc -l)" -eq 1 ] ||
	fail "segments are not laid out as in memory (paddr - offset: $deltas)"
echo "multiboot header at file offset $found; paddr - offset = $deltas"
