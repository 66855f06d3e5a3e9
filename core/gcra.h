/* The generic cell rate algorithm: at most `rate` events a second, in
 * bursts of up to `burst`. One limiter is one 64-bit theoretical arrival
 * time, so a table of them (keyed by source address) costs little. */
#ifndef SSPSH_GCRA_H
#define SSPSH_GCRA_H

#include <stdbool.h>
#include <stdint.h>

struct gcra {
	uint64_t tat_us;	/* theoretical arrival time of the next event */
};

/* Whether an event at now_ms is allowed; if so it is counted. rate >= 1,
 * burst >= 1. A zeroed struct gcra allows a full burst. */
bool gcra_allow(struct gcra *g, uint64_t now_ms, uint64_t rate, uint64_t burst);

#endif
