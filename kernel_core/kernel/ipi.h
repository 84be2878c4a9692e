/*
 * Remote calls: the lock holder asks other cores to do something to their
 * own hardware state (drop TLB entries, reload CR3) and waits until every
 * one has done it.  This is seL4's SMP remote-call scheme: one request at
 * a time, because only the holder of the big kernel lock sends, and the
 * targets run the request while the sender spins with the lock held, so
 * kernel state they read cannot change under them.
 */
#ifndef KMM_IPI_H
#define KMM_IPI_H

#include <stdint.h>

enum ipi_op {
	IPI_FLUSH_PAGE = 1,  /* drop the translation of (asid, vaddr) */
	IPI_FLUSH_ASID,      /* drop all of asid */
	IPI_RETIRE_ASID,     /* asid is gone: drop all of it, reload CR3 if running it */
	IPI_RELOAD           /* reload CR3 from the core's current thread */
};

struct ipi_request {
	enum ipi_op op;
	unsigned asid;
	uint64_t vaddr;
};

/*
 * Run req on every core in cores (a bit mask; this core's bit is ignored)
 * and return once all have done it.  Caller holds the kernel lock.
 */
void ipi_remote_call(uint64_t cores, const struct ipi_request *req);

/* Carry out req on this core (the receiving side, and local shortcuts). */
void ipi_do_request(const struct ipi_request *req);

#endif
