/*
 * hal_sim's PRNG (splitmix64): seeded from the scheduler's seed, so every
 * choice the deterministic scheduler makes replays exactly from it.
 * Header-only.
 */
#ifndef KMM_HAL_SIM_PRNG_H
#define KMM_HAL_SIM_PRNG_H

#include <stdint.h>

struct prng {
	uint64_t state;
};

static inline void prng_seed(struct prng *r, uint64_t seed)
{
	r->state = seed;
}

static inline uint64_t prng_next(struct prng *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

#endif
