#!/bin/sh
# Proves kernel_core's include rule (DESIGN §1): a file under kernel_core/
# may include
#   <h> only for the freestanding headers (stddef.h stdint.h stdbool.h
#        stdalign.h stdatomic.h limits.h stdarg.h stdnoreturn.h) or the
#        ABI headers that kernel_core itself ships under include/ (<kmm/..>);
#   "p" only when p names a file inside kernel_core/ (relative to the
#        including file, kernel_core/ or kernel_core/include/).
# It also may not test a target macro in #if/#ifdef/#ifndef/#elif
# (__linux__, __x86_64__, anything with a SIM, X86, TARGET or HOSTED word,
# ...): the build chooses the platform, not the preprocessor.  Include
# guards (#ifndef X followed by #define X) are not conditions on a target.
#
# usage: freestanding_includes.sh KERNEL_CORE_DIR
set -eu

if [ $# -ne 1 ] || [ ! -d "$1" ]; then
	echo "usage: $0 KERNEL_CORE_DIR" >&2
	exit 2
fi
root=$(realpath "$1")
status=0

# Emit "INC <file> <line> <" or "> <path>" and "TARGET <file> <line> <macro>".
scan() {
	awk '
	function strip(s,   out, j) {
		out = ""
		while (length(s) > 0) {
			if (incomment) {
				j = index(s, "*/")
				if (j == 0)
					return out
				s = substr(s, j + 2)
				incomment = 0
				continue
			}
			if (substr(s, 1, 2) == "/*") { incomment = 1; s = substr(s, 3); continue }
			if (substr(s, 1, 2) == "//")
				return out
			out = out substr(s, 1, 1)
			s = substr(s, 2)
		}
		return out
	}
	function is_target(t) {
		if (t ~ /^(__linux__|__linux|linux|__unix__|__unix|unix|_WIN32|_WIN64|__APPLE__|__MACH__|__FreeBSD__|__OpenBSD__|__NetBSD__|__x86_64__|__x86_64|__amd64__|__amd64|__i386__|__i386|__aarch64__|__arm__|__riscv|__STDC_HOSTED__|__ELF__)$/)
			return 1
		return t ~ /(^|_)(SIM|X86|X86_64|TARGET|HOSTED)(_|$)/
	}
	function check_condition(expr, line,   n, toks, i) {
		n = split(expr, toks, /[^A-Za-z0-9_]+/)
		for (i = 1; i <= n; i++)
			if (toks[i] != "" && is_target(toks[i]))
				print "TARGET", FILENAME, line, toks[i]
	}
	FNR == 1 { incomment = 0; guard = ""; guard_line = 0 }
	{
		s = strip($0)
		if (s ~ /^[ \t]*$/)
			next
		if (guard != "") {
			if (!(s ~ ("^[ \t]*#[ \t]*define[ \t]+" guard "([ \t]|$)")))
				check_condition(guard, guard_line)
			guard = ""
		}
		if (match(s, /^[ \t]*#[ \t]*include[ \t]*/)) {
			rest = substr(s, RLENGTH + 1)
			if (match(rest, /^<[^>]*>/))
				print "INC", FILENAME, FNR, "<", substr(rest, 2, RLENGTH - 2)
			else if (match(rest, /^"[^"]*"/))
				print "INC", FILENAME, FNR, "\"", substr(rest, 2, RLENGTH - 2)
			else
				print "INC", FILENAME, FNR, "?", rest
		} else if (match(s, /^[ \t]*#[ \t]*ifndef[ \t]+/)) {
			guard = substr(s, RLENGTH + 1)
			sub(/[ \t].*$/, "", guard)
			guard_line = FNR
		} else if (match(s, /^[ \t]*#[ \t]*(if|ifdef|elif|elifdef|elifndef)[ \t(]/)) {
			check_condition(substr(s, RLENGTH), FNR)
		}
	}
	END { if (guard != "") check_condition(guard, guard_line) }
	' "$@"
}

inside_root() {
	case "$1" in
	"$root"/*) return 0 ;;
	*) return 1 ;;
	esac
}

check_quoted() {  # file path
	dir=$(dirname "$1")
	for base in "$dir" "$root" "$root/include"; do
		if [ -f "$base/$2" ]; then
			inside_root "$(realpath "$base/$2")" && return 0
			return 1
		fi
	done
	return 1
}

check_angle() {  # path
	case "$1" in
	stddef.h|stdint.h|stdbool.h|stdalign.h|stdatomic.h|limits.h|stdarg.h|stdnoreturn.h)
		return 0 ;;
	esac
	[ -f "$root/include/$1" ] && inside_root "$(realpath "$root/include/$1")"
}

files=$(find "$root" -type f \( -name '*.c' -o -name '*.h' -o -name '*.S' \) | sort)
if [ -z "$files" ]; then
	echo "$root: no sources found" >&2
	exit 1
fi
report=$(scan $files)
while read -r what file line kind path; do
	[ -n "$what" ] || continue
	case "$what:$kind" in
	INC:'<')
		check_angle "$path" && continue
		echo "$file:$line: includes <$path>: not a freestanding or kernel_core header" >&2 ;;
	INC:'"')
		check_quoted "$file" "$path" && continue
		echo "$file:$line: includes \"$path\": not a file inside kernel_core/" >&2 ;;
	INC:*)
		echo "$file:$line: include of a macro or malformed name" >&2 ;;
	TARGET:*)
		echo "$file:$line: preprocessor condition on target macro $kind" >&2 ;;
	esac
	status=1
done <<EOR
$report
EOR
exit $status
