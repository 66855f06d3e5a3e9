/* Round-trip time estimation as in RFC 6298 (SRTT, RTTVAR, RTO), fed with
 * samples from echoed timestamps. */
#ifndef SSPSH_RTT_H
#define SSPSH_RTT_H

#include <stdbool.h>
#include <stdint.h>

struct rtt {
	double srtt_ms;
	double rttvar_ms;
	bool have_sample;
};

void rtt_init(struct rtt *r);
void rtt_sample(struct rtt *r, double sample_ms);
/* SRTT + 4 RTTVAR, clamped to SSPSH_RTO_MIN_MS..SSPSH_RTO_MAX_MS. */
uint32_t rtt_rto_ms(const struct rtt *r);

#endif
