/*
 * serial.c: the console on COM1 (I/O port 0x3f8), 115200 baud 8N1,
 * written by polling; no interrupts.  hal_console_write sends bytes as
 * they are ("\n" stays "\n"), so the serial log of a run can be compared
 * byte for byte with kmm-sim's output.  If no UART answers, the wait for
 * a free transmit register gives up after a bounded spin instead of
 * hanging the kernel.
 */
#include "hal.h"
#include "cpu.h"
#include "x86.h"

#define COM1        0x3f8
#define REG_DATA    0      /* DLAB=0: transmit; DLAB=1: divisor low */
#define REG_IER     1      /* DLAB=0: interrupt enable; DLAB=1: divisor high */
#define REG_FCR     2
#define REG_LCR     3
#define REG_MCR     4
#define REG_LSR     5
#define LCR_DLAB    0x80
#define LCR_8N1     0x03
#define FCR_ENABLE_CLEAR 0x07
#define MCR_DTR_RTS 0x03
#define LSR_THRE    0x20
#define DIVISOR_115200 1
#define SPIN_LIMIT  100000

/*
 * Program COM1.  Call once, before the first console write that must be
 * seen; writes before it still go out with the firmware's settings.
 */
void serial_init(void)
{
	outb(COM1 + REG_IER, 0);
	outb(COM1 + REG_LCR, LCR_DLAB);
	outb(COM1 + REG_DATA, DIVISOR_115200);
	outb(COM1 + REG_IER, 0);
	outb(COM1 + REG_LCR, LCR_8N1);
	outb(COM1 + REG_FCR, FCR_ENABLE_CLEAR);
	outb(COM1 + REG_MCR, MCR_DTR_RTS);
}

static void put_byte(char c)
{
	unsigned spins = 0;

	while (!(inb(COM1 + REG_LSR) & LSR_THRE) && spins++ < SPIN_LIMIT)
		cpu_relax();
	outb(COM1 + REG_DATA, (uint8_t)c);
}

/*
 * hal.h contract: write n bytes to the console; cannot fail.  Not
 * serialised against other cores: the caller holds the kernel lock, or
 * runs before the other cores start.
 */
void hal_console_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put_byte(s[i]);
}
