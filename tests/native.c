/*
 * Runs a command in place of itself (execvp), so that a test setup that
 * wraps every test in valgrind checks this tiny program and not the shell
 * behind a test script (dash itself leaks, which valgrind would report).
 * Scripts that want their own programs checked do so themselves, e.g.
 * expect_exit2.sh when KMM_UNDER_VALGRIND is set.
 *
 * usage: native PROGRAM ARGS...
 */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s PROGRAM ARGS...\n", argv[0]);
		return 2;
	}
	execvp(argv[1], argv + 1);
	perror(argv[1]);
	return 127;
}
