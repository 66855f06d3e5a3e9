#include "core/gcra.h"

bool gcra_allow(struct gcra *g, uint64_t now_ms, uint64_t rate, uint64_t burst)
{
	uint64_t now = now_ms * 1000, interval = 1000000 / rate;
	uint64_t next = g->tat_us > now ? g->tat_us : now;

	if (next - now > interval * (burst - 1))
		return false;
	g->tat_us = next + interval;
	return true;
}
