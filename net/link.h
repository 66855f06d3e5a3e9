/* In-process link emulator: one-way delay, jitter, loss, duplication,
 * reordering and outages, seeded so that runs repeat. A transport that uses
 * it (transport_set_link) passes every datagram it sends and every datagram
 * it receives through two queues of one link, and sends or processes each
 * when its due time comes; the caller's event loop drives it through
 * transport_next_deadline_ms/transport_tick. */
#ifndef SSPSH_LINK_H
#define SSPSH_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct link_params {
	uint32_t delay_ms;	/* one-way delay, each direction */
	uint32_t jitter_ms;	/* delay varies uniformly by up to +/- this */
	double loss;		/* probability a datagram is dropped */
	double dup;		/* probability a datagram is delivered twice */
	double reorder;		/* probability a datagram is held back behind later ones */
	bool outage;		/* drop everything while set */
	uint32_t mtu;		/* > 0: sending a larger datagram fails with EMSGSIZE */
	uint64_t seed;		/* the random stream; same seed, same decisions */
};

/* Parses "delay=MS,jitter=MS,loss=P,dup=P,reorder=P[,mtu=N][,seed=N]" (any
 * subset, any order; P a probability 0..1 or a percentage like 30%).
 * Unmentioned fields are zero. False with a one-line reason in err. */
bool link_parse(const char *spec, struct link_params *out, char *err, size_t err_len);

#endif
