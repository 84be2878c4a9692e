/*
 * Remote calls (see ipi.h).  The request lives in one kernel-global
 * mailbox.  The sender publishes it and then the set of cores that still
 * owe an acknowledgement with a release store; each target loads that set
 * with acquire, so it sees the request, does it, and clears its own bit
 * with release, so the sender's acquire load sees the target's work done.
 *
 * The wait is the point of the whole exercise: until every bit is clear
 * some core may still translate through an entry the caller just removed,
 * and the memory behind it must not be handed out again.
 */
#include <kmm/kernel.h>

#include "ipi.h"
#include "util.h"

static struct {
	struct ipi_request req;
	uint64_t pending;       /* cores that have not yet done req */
} mailbox;

void ipi_remote_call(uint64_t cores, const struct ipi_request *req)
{
	unsigned me = hal_core_id(), core;

	cores &= ~bit(me);
	if (cores == 0)
		return;
	kassert(__atomic_load_n(&mailbox.pending, __ATOMIC_ACQUIRE) == 0);
	mailbox.req = *req;
	__atomic_store_n(&mailbox.pending, cores, __ATOMIC_RELEASE);
	for (core = 0; core < hal_core_count(); core++)
		if (cores & bit(core))
			hal_ipi_send(core);
	while (__atomic_load_n(&mailbox.pending, __ATOMIC_ACQUIRE) != 0)
		hal_cpu_relax();
}

void kmm_ipi_receive(void)
{
	uint64_t me = bit(hal_core_id());
	struct ipi_request req;

	if ((__atomic_load_n(&mailbox.pending, __ATOMIC_ACQUIRE) & me) == 0)
		return;
	req = mailbox.req;
	ipi_do_request(&req);
	__atomic_fetch_and(&mailbox.pending, ~me, __ATOMIC_RELEASE);
}
