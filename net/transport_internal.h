/* Inside the transport (net/transport.h), shared by its parts and by
 * nothing else:
 *   transport.c       creating, freeing, timers (port hops), accessors
 *   transport_keys.c  which key seals and which opens a datagram: direct
 *                     mode's per-client keys, daemon mode's rekeying
 *   transport_send.c  sequence numbers, timestamps, sealing, datagram size
 *   transport_recv.c  opening, the replay window, roaming, RTT samples
 *   transport_path.c  where datagrams go: UDP, the link emulator, a relay
 *   resolve.c         a client of a host name (getaddrinfo) */
#ifndef SSPSH_TRANSPORT_INTERNAL_H
#define SSPSH_TRANSPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/options.h"
#include "net/aead.h"
#include "net/datagram.h"
#include "net/receiver.h"
#include "net/rtt.h"
#include "net/transport.h"
#include "net/udp.h"

struct transport {
	bool is_server;
	bool indexed;			/* daemon mode */
	bool owns_fd;
	enum direction sending;		/* direct mode: the direction bit of what we send */
	int fd;
	struct aead send_aead;		/* direct mode: the same key as rx */
	uint32_t remote_index;		/* daemon mode: the peer's, in our headers */
	uint64_t next_seq;
	size_t datagram_max;		/* over a network; shrinks on EMSGSIZE */
	/* Loopback-sized datagrams (transport_path_takes_large): whether the
	 * peer said its path takes them, whether the last message a server
	 * opened came from the peer's current address (so what it said
	 * counts), and whether our path refused one. */
	bool peer_takes_large;
	bool last_from_peer;
	bool large_refused;

	bool has_peer;
	struct udp_addr peer;

	struct receiver rx;		/* direct server: the followed client's key */
	struct receiver rx_old;		/* daemon client: the key before a rekey */
	/* Direct mode: keys come from the session key and a client id
	 * (datagram_direct_key). A direct server keeps the last other client's
	 * receiving key here and takes it, with a sending key to match, when
	 * that client's datagram is the newest. */
	struct transport_key session_key;
	struct receiver other_client;
	struct transport_control control;
	bool has_control;
	struct rtt rtt;

	/* The peer's newest timestamp, echoed once in our next datagram. */
	bool have_peer_timestamp;
	uint16_t peer_timestamp;
	uint64_t peer_timestamp_at;

	uint64_t last_heard;
	uint64_t last_round_trip;	/* client: last echo of our own timestamp */
	uint64_t last_port_change;

	struct link *link;
	/* Client: a relay through ssh carries the datagrams while UDP cannot
	 * pass; UDP is offered one again every SSPSH_UDP_RETRY_MS. */
	struct dgram_path *relay;
	uint64_t next_udp_try;
	bool udp_forbidden;		/* --transport=ssh: nothing leaves on UDP */
	struct transport_counters counters;
};

/* A client of the server at an already parsed or resolved address. */
struct transport *transport_client_to(const struct transport_key *key, const struct udp_addr *server);

/* ---- Keys (transport_keys.c) ---- */

/* A direct-mode client draws its id and seals and opens under that id's
 * keys alone. False (logged by the caller) if randomness or mbedTLS failed. */
bool transport_direct_client_keys(struct transport *t);
/* The receiver whose key opens this datagram, its sequence number in
 * *seq; NULL (counted as malformed) if none. */
struct receiver *transport_pick_receiver(struct transport *t, const uint8_t *data, size_t len, uint64_t *seq);
/* The replay window rx's sequence numbers go by. */
struct replay *transport_window_of(struct transport *t, struct receiver *rx);
/* rx opened an authentic datagram: a key from before a rekey retires. */
void transport_retire_old_key(struct transport *t, struct receiver *rx);
/* A direct server takes the keys of the other client (its datagram was
 * the newest). */
void transport_follow_client(struct transport *t);

/* ---- Paths (transport_path.c) ---- */

/* Sends a sealed datagram to the peer by the relay, the link emulator or
 * UDP, and counts it. */
enum udp_send_result transport_route(struct transport *t, const uint8_t *data, size_t len);
/* The relay's share of transport_route: the relay, or UDP when a try is due. */
enum udp_send_result transport_relay_send(struct transport *t, const uint8_t *data, size_t len);
/* Emulated-link datagrams due by now go out. */
void transport_send_link_departures(struct transport *t, uint64_t now);
/* An authentic datagram came over UDP: the relay is done. */
void transport_leave_relay(struct transport *t);

#endif
