/* Preemption points: seL4's work-unit counter in front of the HAL's IRQ check. */
#ifndef KMM_PREEMPT_H
#define KMM_PREEMPT_H

#include "error.h"

void preempt_configure(uint32_t work_units_per_check);
void preempt_entry(void);
enum kstatus preempt_point(void);

#endif
