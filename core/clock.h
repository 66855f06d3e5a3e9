/* Monotonic time in milliseconds, the unit of every protocol timer. */
#ifndef SSPSH_CLOCK_H
#define SSPSH_CLOCK_H

#include <stdint.h>

uint64_t clock_ms(void);
/* Microseconds, for benchmarks and latency measurements. */
uint64_t clock_us(void);

#endif
