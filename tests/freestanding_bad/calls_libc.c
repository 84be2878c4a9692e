/*
 * A deliberately non-freestanding library: the symbol test must reject it
 * (it leaves printf undefined), which proves that test can fail.
 */
#include <stdio.h>

void kmm_bad_hal_user(void);
void hal_console_write(const char *s, unsigned long n);

void kmm_bad_hal_user(void)
{
	hal_console_write("x", 1);
	printf("not freestanding\n");
}
