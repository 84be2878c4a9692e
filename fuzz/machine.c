/* The fuzzed machine (see machine.h), with the core count the input asks for. */
#include <kmm/kernel.h>

#include "decode.h"
#include "hal_sim.h"
#include "machine.h"

bool fz_machine_boot(unsigned cores)
{
	struct hal_sim_config hc = { .mem_bytes = FZ_MEM_BYTES, .cores = cores };
	struct kmm_boot_config kc = { FZ_ROOT_BITS, KMM_DEFAULT_WORK_UNITS };

	return hal_sim_configure(&hc) == HAL_SIM_OK && kmm_boot(&kc);
}
