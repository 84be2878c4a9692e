#!/bin/sh
# Proves the freestanding rule on the kernel_core static library: the only
# symbols it may leave undefined are the HAL's (hal_*) and the four memory
# functions compilers may emit on their own.  Sanitizer and coverage builds
# add their runtimes' entry points, which are allowed only in such builds.
#
# usage: freestanding_symbols.sh NM LIBRARY [SANITIZE [COVERAGE]]
#   SANITIZE  meson's b_sanitize value ("none", "address,undefined", ...)
#   COVERAGE  "true" when built with b_coverage
set -eu

if [ $# -lt 2 ]; then
	echo "usage: $0 NM LIBRARY [SANITIZE [COVERAGE]]" >&2
	exit 2
fi
nm_prog=$1
lib=$2
sanitize=${3:-none}
coverage=${4:-false}

allowed='hal_[A-Za-z0-9_]*|memcpy|memset|memmove|memcmp'
if [ -n "$sanitize" ] && [ "$sanitize" != none ]; then
	allowed="$allowed|__asan_.*|__ubsan_.*|__tsan_.*|__msan_.*|__sanitizer_.*"
fi
if [ "$coverage" = true ]; then
	allowed="$allowed|__gcov_.*|__llvm_.*"
fi

# An archive's members refer to each other: only what no member defines counts.
defined=$("$nm_prog" -g --defined-only "$lib" | awk 'NF == 3 { print $3 }' | sort -u)
undefined=$("$nm_prog" -u "$lib" | awk '$1 == "U" { print $2 }' | sort -u |
	{ if [ -n "$defined" ]; then grep -vxF "$defined"; else cat; fi; } || true)
if ! printf '%s\n' "$undefined" | grep -q '^hal_'; then
	echo "$lib: no undefined hal_* symbol: is this the kernel_core library?" >&2
	exit 1
fi
bad=$(printf '%s\n' "$undefined" | grep -Ev "^($allowed)\$" || true)
if [ -n "$bad" ]; then
	echo "$lib: undefined symbols outside hal_* and mem*:" >&2
	printf '  %s\n' $bad >&2
	exit 1
fi
exit 0
