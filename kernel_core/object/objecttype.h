/*
 * Per-type rules that the generic cap machinery dispatches on: object
 * sizes, creation, finalisation, derive, rights masks and cap data.
 */
#ifndef KMM_OBJECTTYPE_H
#define KMM_OBJECTTYPE_H

#include "../kernel/error.h"
#include "../kernel/slot.h"

unsigned object_size_bits(enum kmm_object_type t, uint64_t user_size);
struct cap object_create(enum kmm_object_type t, uint64_t paddr, uint64_t user_size,
			 bool device);
struct cap object_finalise(struct cap c, bool final);

enum kmm_error cap_derive(const struct slot *src, struct cap c, struct cap *out,
			  struct kerr *e);
struct cap cap_mask_rights(uint64_t rights, struct cap c);
struct cap cap_update_data(bool preserve, uint64_t data, struct cap c);
bool cap_is_revocable(const struct cap *new_cap, const struct cap *src);

#endif
