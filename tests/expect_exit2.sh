#!/bin/sh
# Runs a command that must reject its input the way bad scenario text is
# rejected: exit status exactly 2 and a "FILE:LINE:COL: message" line on
# stderr.  Any other status (0, 1, a crash) fails the test.  Under the
# valgrind test setup (KMM_UNDER_VALGRIND=1) the command runs in valgrind
# too, whose own error status (99) is not 2 either.
#
# usage: expect_exit2.sh PROGRAM ARGS...
set -u

err=$(mktemp)
trap 'rm -f "$err"' EXIT
if [ "${KMM_UNDER_VALGRIND:-0}" = 1 ]; then
	valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
		--quiet "$@" >/dev/null 2>"$err"
else
	"$@" >/dev/null 2>"$err"
fi
status=$?
if [ "$status" -ne 2 ]; then
	echo "exit status $status, expected 2: $*" >&2
	cat "$err" >&2
	exit 1
fi
if ! grep -Eq ':[0-9]+:[0-9]+: ' "$err"; then
	echo "no FILE:LINE:COL: message on stderr: $*" >&2
	cat "$err" >&2
	exit 1
fi
if grep -q '^==[0-9]*==' "$err"; then
	echo "valgrind reported errors: $*" >&2
	cat "$err" >&2
	exit 1
fi
exit 0
