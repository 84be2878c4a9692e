/*
 * A deliberately non-freestanding "kernel_core" file: the include test must
 * reject this directory, which proves that test can fail.
 */
#include <stdio.h>
#ifdef __linux__
int hosted_only;
#endif
