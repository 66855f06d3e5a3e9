/* The sync pump: one transport and one SSP engine bundled, the way every
 * side of a session drives them. A client, a server, each daemon session,
 * the benchmarks and the test harness all run their synchronization
 * through this one loop body:
 *
 *     poll transport_fd(pump_transport(p)) until pump_deadline(p, now);
 *     flags = pump_receive(p, now);         (or pump_deliver on a daemon)
 *     ... the application reacts to ssp_remote(pump_ssp(p)) ...
 *     pump_tick(p, now);
 *
 * The pump hands the SSP's payloads to the transport (only once the
 * transport has a peer), passes the transport's RTT estimate and largest
 * payload to the SSP (which splits its instructions to fit, smaller after
 * the path refused a datagram as too big), and opens what arrives. It owns
 * both objects.
 *
 * With channels (pump_config.channels), it also carries a channel mux
 * (net/channel.h) next to the SSP: each transport payload starts with a
 * byte saying which of the two it is for (and whether the sender's path
 * takes loopback-sized datagrams, which the peer's transport heeds), and
 * channel payloads go out only after the SSP has sent what it had due, so
 * a bulk stream never delays the screen or an echo. */
#ifndef SSPSH_PUMP_H
#define SSPSH_PUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/channel.h"
#include "net/ssp.h"
#include "net/transport.h"

struct udp_addr;

struct pump_config {
	const struct ssp_state_ops *local_ops;
	const struct ssp_state_ops *remote_ops;
	struct ssp_pacing pacing;
	/* The application's local state as it is now (see ssp_config). */
	void *(*snapshot)(void *app);
	void *app;
	/* Carry channels too, as this role (net/channel.h). */
	bool channels;
	enum chan_role role;
	/* What the peer can make the SSP hold (see ssp_config; 0: defaults). */
	size_t remote_instruction_max;
	size_t remote_bytes_max;
};

struct pump;

/* Takes ownership of t and of both initial states, also on failure.
 * NULL if t is NULL, or (logged) if out of memory. */
struct pump *pump_new(struct transport *t, const struct pump_config *config,
		      void *local_initial, void *remote_initial);
/* Frees the SSP and the transport. NULL is fine. */
void pump_free(struct pump *p);

struct ssp *pump_ssp(const struct pump *p);
/* The channel mux; NULL without channels. */
struct chan_mux *pump_channels(const struct pump *p);
struct transport *pump_transport(const struct pump *p);

/* What pump_receive and pump_deliver saw (bit flags). */
enum {
	PUMP_NEWS = 1,		/* a newer remote state is available */
	PUMP_CLOSED = 2,	/* daemon mode: the peer closed this channel */
	PUMP_FAILED = 4,	/* the socket failed; the transport is unusable */
	PUMP_CHANNELS = 8,	/* channel payloads arrived: look at the mux's events */
};

/* Opens every message the socket has ready (a bounded batch; poll again)
 * and feeds each to the SSP. */
unsigned pump_receive(struct pump *p, uint64_t now);
/* Daemon: one datagram from the shared socket addressed to this pump. */
unsigned pump_deliver(struct pump *p, const uint8_t *data, size_t len,
		      const struct udp_addr *from, uint64_t now);

/* A message the caller's transport opened itself (a daemon's): to the SSP
 * or the channels. */
unsigned pump_dispatch(struct pump *p, const uint8_t *data, size_t len, uint64_t now);

/* Runs the transport's timers, tells the SSP the RTT and the largest
 * payload, and sends whatever the SSP has due. */
void pump_tick(struct pump *p, uint64_t now);
/* The absolute clock_ms() time pump_tick next has work. */
uint64_t pump_deadline(const struct pump *p, uint64_t now);

/* The same peer with fresh keys (a rekey): t replaces the transport, starts
 * from its RTT estimate, and the synchronization carries on. Takes t. */
void pump_replace_transport(struct pump *p, struct transport *t);

#endif
