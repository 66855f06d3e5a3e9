/* A rate limit per source host with a global cap behind it, for answers a
 * daemon gives without a handshake (the key answer). A host is what
 * udp_addr_host names: the IPv4 address or the IPv6 /64, port left out.
 * Hosts share a fixed table of limiters (SSPSH_HOST_LIMIT_SLOTS); a keyed
 * hash picks a host's slot, so no sender can choose to share another's.
 * A host over its own budget never spends the global one, so one busy
 * source cannot starve the others. */
#ifndef SSPSH_HOST_LIMIT_H
#define SSPSH_HOST_LIMIT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/gcra.h"
#include "core/options.h"

struct udp_addr;

struct host_limit {
	uint8_t secret[32];
	uint64_t per_host_rate, per_host_burst, global_rate, global_burst;
	struct gcra global;
	struct gcra hosts[SSPSH_HOST_LIMIT_SLOTS];
};

/* Rates are events a second, bursts events at once (each >= 1). False
 * (logged) if randomness for the hash key failed. */
bool host_limit_init(struct host_limit *l, uint64_t per_host_rate, uint64_t per_host_burst,
		     uint64_t global_rate, uint64_t global_burst);
/* Whether an event from `from` at now_ms is allowed; if so it is counted
 * against its host and the global cap. An address of no known family is
 * refused. */
bool host_limit_allow(struct host_limit *l, const struct udp_addr *from, uint64_t now_ms);
void host_limit_wipe(struct host_limit *l);

#endif
