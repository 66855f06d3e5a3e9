#include "net/rtt.h"

#include "core/options.h"

void rtt_init(struct rtt *r)
{
	r->srtt_ms = SSPSH_INITIAL_RTT_MS;
	r->rttvar_ms = SSPSH_INITIAL_RTT_MS / 2.0;
	r->have_sample = false;
}

void rtt_sample(struct rtt *r, double sample_ms)
{
	double error;

	if (!r->have_sample) {
		r->srtt_ms = sample_ms;
		r->rttvar_ms = sample_ms / 2;
		r->have_sample = true;
		return;
	}
	/* alpha = 1/8, beta = 1/4; RTTVAR uses the SRTT from before this sample */
	error = r->srtt_ms - sample_ms;
	r->rttvar_ms = 0.75 * r->rttvar_ms + 0.25 * (error < 0 ? -error : error);
	r->srtt_ms = 0.875 * r->srtt_ms + 0.125 * sample_ms;
}

uint32_t rtt_rto_ms(const struct rtt *r)
{
	double rto = r->srtt_ms + 4 * r->rttvar_ms;

	if (rto < SSPSH_RTO_MIN_MS)
		return SSPSH_RTO_MIN_MS;
	if (rto > SSPSH_RTO_MAX_MS)
		return SSPSH_RTO_MAX_MS;
	return (uint32_t)(rto + 0.5);
}
