/* Deleting and revoking caps, with zombies and preemption: see cspace.c. */
#ifndef KMM_CSPACE_H
#define KMM_CSPACE_H

#include "error.h"
#include "slot.h"

enum kstatus cspace_delete(struct slot *s, bool exposed);
enum kstatus cspace_revoke(struct slot *s);

#endif
