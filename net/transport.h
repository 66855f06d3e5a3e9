/* The encrypted datagram transport under the state-sync protocol.
 *
 * A transport is an UNRELIABLE, ENCRYPTED DATAGRAM CHANNEL between a server
 * and one client over UDP. Each payload goes out as one datagram of at most
 * SSPSH_DATAGRAM_MAX bytes (SSPSH_DATAGRAM_LOOPBACK_MAX on one machine),
 * sealed with ChaCha20-Poly1305 under the 32-byte session key; the
 * transport never fragments (the SSP splits what is larger than
 * transport_max_payload) and never retransmits (that is the SSP's job).
 * Payloads may be lost or arrive out of order, but never arrive twice,
 * corrupted, or forged.
 *
 * The server learns its peer from the first authenticated datagram and
 * follows the client when it roams (to the source of the newest datagram).
 * A client hops to a fresh local port after SSPSH_PORT_HOP_MS without a
 * round trip, so NAT rebinding cannot strand it.
 *
 * Event loop, one iteration:
 *     fd = transport_fd(t);                 (may change after a port hop)
 *     poll fd for POLLIN, timeout = transport_next_deadline_ms(t) - now
 *     transport_tick(t, clock_ms());
 *     while ((r = transport_recv(t, &payload)) == TRANSPORT_MESSAGE) use(payload);
 * Every call is non-blocking. Times are clock_ms() values. */
#ifndef SSPSH_TRANSPORT_H
#define SSPSH_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/base64.h"
#include "net/dgram_path.h"

struct buf;
struct link_params;
struct noise_session;
struct udp_addr;

/* ---- Session key ---- */

#define TRANSPORT_KEY_LEN 32
/* Characters of the printed key (standard base64 with padding), without NUL. */
#define TRANSPORT_KEY_TEXT_LEN BASE64_LEN(TRANSPORT_KEY_LEN)

struct transport_key {
	uint8_t bytes[TRANSPORT_KEY_LEN];
};

/* 256 random bits from the kernel (getrandom); false (logged) if randomness failed. */
bool transport_key_generate(struct transport_key *key);
/* Writes TRANSPORT_KEY_TEXT_LEN characters and a NUL. */
void transport_key_format(const struct transport_key *key,
			  char text[TRANSPORT_KEY_TEXT_LEN + 1]);
/* Parses a printed key; surrounding whitespace (a key file's newline) and a
 * missing '=' are accepted. On failure returns false and points *why at a
 * one-line reason (a static string). */
bool transport_key_parse(struct transport_key *key, const char *text, const char **why);
void transport_key_zero(struct transport_key *key);

/* ---- Creating ---- */

struct transport;

/* Binds a UDP socket to bind_addr (numeric IPv4 or IPv6; NULL = every
 * address, IPv6 and IPv4) on the first free port of port_low..port_high.
 * NULL (logged) on failure. The key is copied; the caller may zero its copy. */
struct transport *transport_server(const struct transport_key *key, const char *bind_addr,
				   uint16_t port_low, uint16_t port_high);
/* A client of the server at a numeric IPv4/IPv6 address and port. */
struct transport *transport_client(const struct transport_key *key, const char *numeric_host,
				   uint16_t port);
/* The same, resolving a host name with getaddrinfo (first usable address). */
struct transport *transport_client_resolve(const struct transport_key *key, const char *host,
					   const char *port);
/* Closes the socket and zeroes the key. NULL is fine. */
void transport_free(struct transport *t);

/* ---- Using ---- */

/* The socket to poll for reading. Re-read it every loop: a client's port
 * hop replaces it. */
int transport_fd(const struct transport *t);

/* The largest payload transport_send takes now: a datagram of the current
 * size less header, timestamps and tag. The size is SSPSH_DATAGRAM_MAX
 * until the path refuses it, and SSPSH_DATAGRAM_LOOPBACK_MAX while the
 * peer is on this machine and both paths take that (below). */
size_t transport_max_payload(const struct transport *t);

/* Loopback-sized datagrams. Two ends on one machine exchange datagrams of
 * up to SSPSH_DATAGRAM_LOOPBACK_MAX bytes when the peer's address is a
 * loopback one and neither side's datagrams cross a link emulator or a
 * relay (which stand for a network). Each side knows only its own path, so
 * it tells the peer in every payload (net/pump.c): */
/* Whether our own path takes them: no link emulator, no relay, UDP allowed. */
bool transport_path_takes_large(const struct transport *t);
/* What the peer said in the payload transport_recv or transport_deliver
 * returned last. A server heeds it only from the peer's current address
 * (a datagram from before a roam says nothing of the new path), and a
 * roam forgets it. */
void transport_peer_takes_large(struct transport *t, bool takes);

/* Seals and sends payload as one datagram. A datagram lost to a transient
 * network error still counts as sent. Returns false if the payload is not
 * sent: larger than transport_max_payload, a server with no peer yet, the
 * sequence space used up or a socket error other than a transient one (the
 * last two logged), or refused by the path as too big (EMSGSIZE): then the
 * datagram size steps down (from a loopback-sized one to SSPSH_DATAGRAM_MAX,
 * for good; from there by SSPSH_DATAGRAM_SHRINK) below the refused one,
 * and transport_max_payload with it, for the caller to split smaller. */
bool transport_send(struct transport *t, const void *payload, size_t len);

enum transport_recv_result {
	TRANSPORT_ERROR = -1,	/* the socket failed (logged); the transport is unusable */
	TRANSPORT_NOTHING = 0,	/* no payload now */
	TRANSPORT_MESSAGE = 1,	/* msg holds the payload of one datagram */
	TRANSPORT_CLOSED = 2,	/* daemon mode: the peer closed this channel */
};
/* Reads what the socket has and returns the next payload, if any.
 * msg is reset first. Call until it returns TRANSPORT_NOTHING. Each call
 * reads at most SSPSH_RECV_BATCH datagrams, so after TRANSPORT_NOTHING the
 * socket may still be readable: poll again (a flood cannot starve the loop). */
enum transport_recv_result transport_recv(struct transport *t, struct buf *msg);

/* The earliest time transport_tick has work (link emulator queue, port hop);
 * UINT64_MAX if none. */
uint64_t transport_next_deadline_ms(const struct transport *t);
/* Sends emulated-link datagrams that are due and hops the client's port when
 * it has had no round trip for SSPSH_PORT_HOP_MS. */
void transport_tick(struct transport *t, uint64_t now_ms);

/* ---- Measuring ---- */

/* RFC 6298 estimates from echoed timestamps. Before the first sample srtt is
 * SSPSH_INITIAL_RTT_MS and rto is computed from it. */
double transport_srtt_ms(const struct transport *t);
double transport_rttvar_ms(const struct transport *t);
uint32_t transport_rto_ms(const struct transport *t);
/* True once at least one round trip has been measured. */
bool transport_has_rtt(const struct transport *t);
/* clock_ms() of the last authenticated datagram from the peer; 0 = never. */
uint64_t transport_last_heard_ms(const struct transport *t);
/* A client always has one; a server once a client has reached it. */
bool transport_has_peer(const struct transport *t);
/* "203.0.113.5:60001" or "[2001:db8::1]:60001"; "" without a peer. */
void transport_peer_name(const struct transport *t, char *out, size_t out_len);
uint16_t transport_local_port(const struct transport *t);

struct transport_counters {
	uint64_t datagrams_sent;	/* handed to the socket (or the emulated link) */
	uint64_t datagrams_received;	/* authenticated and accepted */
	uint64_t bytes_sent;		/* UDP payload bytes of datagrams_sent */
	uint64_t bytes_received;	/* UDP payload bytes of datagrams_received */
	uint64_t dropped_malformed;	/* truncated, oversized, or our own direction reflected back */
	uint64_t dropped_forged;	/* failed authentication */
	uint64_t dropped_replay;	/* duplicate, or older than the replay window */
	uint64_t send_errors;		/* datagrams the socket refused (transiently) */
	uint64_t shrinks;		/* the path refused a datagram as too big (EMSGSIZE) */
	uint64_t port_hops;		/* client: local port changes */
	uint64_t udp_tries;		/* client on a relay: datagrams sent over UDP to try it */
	uint64_t udp_returns;		/* client: moves from a relay back to UDP */
	uint64_t roams;			/* server: the peer address changed */
};
const struct transport_counters *transport_counters(const struct transport *t);

/* ---- Testing and emulation ---- */

/* Routes this side's traffic, both directions, through the in-process link
 * emulator (net/link.h); NULL switches it off (queued datagrams are dropped).
 * Parameters are copied. False (logged) if out of memory. */
bool transport_set_link(struct transport *t, const struct link_params *params);
/* Client only: move to a new local port now, as NAT rebinding would.
 * False (logged) on a server or if no socket could be opened. */
bool transport_change_port(struct transport *t);

/* ---- Relay (client): where UDP cannot pass ----
 *
 * The same sealed datagrams travel through a framed pipe instead
 * (net/dgram_path.h), to `ssh HOST sspsh relay ADDR:PORT` on the server's
 * machine; the server follows them there as it follows any roaming client.
 * The UDP socket stays open and is read too, and every SSPSH_UDP_RETRY_MS
 * one datagram goes over UDP instead (lost while UDP is blocked; the SSP
 * sends again); the first authentic datagram that arrives over UDP ends the
 * relay and the client is back on UDP. */

/* From now on datagrams go through relay, which the transport takes (and
 * frees when UDP passes again, or for the next relay). Without try_udp, UDP
 * is neither offered datagrams nor moved back to (the user asked for ssh). */
void transport_use_relay(struct transport *t, struct dgram_path *relay, bool try_udp);
/* The relay in use, NULL on UDP. One that broke (dgram_path_state) loses
 * what is sent until the caller gives a new one. */
const struct dgram_path *transport_relay(const struct transport *t);
/* Back to UDP alone (unless forbidden, below); the relay is freed. */
void transport_drop_relay(struct transport *t);
/* From now on no datagram leaves on UDP (the user asked for ssh alone): a
 * relay carries them, and while there is none they are lost, as on a dead
 * link. What arrives on the socket is still read. */
void transport_forbid_udp(struct transport *t);
/* What the client polls: the UDP socket (re-read each loop, a port hop
 * replaces it) and a relay's fds. Returns how many it filled. */
#define TRANSPORT_POLLFDS (1 + DGRAM_PATH_POLLFDS)
int transport_pollfds(const struct transport *t, struct pollfd fds[TRANSPORT_POLLFDS]);

/* ---- Daemon mode (SSH-free sessions, net/datagram.h's "SSP4") ----
 *
 * Keys come from a handshake (net/noise.h): one per direction, and each
 * side's receiver index in the clear header so that a daemon finds the
 * session of a datagram without trying keys. A daemon's transports share
 * its one socket: the daemon reads it and hands each datagram to the
 * transport its index names (transport_deliver). A client's transport owns
 * its socket as in direct mode and passes handshake datagrams, which share
 * the socket, to its control hooks. */

struct transport_keys {
	uint8_t send[TRANSPORT_KEY_LEN];
	uint8_t recv[TRANSPORT_KEY_LEN];
	uint32_t local_index;	/* the receiver index of datagrams to us */
	uint32_t remote_index;	/* the receiver index of datagrams we send */
};

/* The keys and indices a finished handshake (net/noise.h) gives this side. */
void transport_keys_from_noise(struct transport_keys *keys, const struct noise_session *ns);

/* A daemon's session with a client at peer: sends through fd, which it
 * does not own (transport_free leaves it open). NULL (logged) on failure. */
struct transport *transport_server_shared(const struct transport_keys *keys, int fd,
					  const struct udp_addr *peer);
/* A client that takes over fd (the socket the handshake used). */
struct transport *transport_client_keyed(const struct transport_keys *keys, int fd,
					 const struct udp_addr *server);
/* Daemon: one datagram addressed to this transport's local index. Returns
 * TRANSPORT_MESSAGE (msg holds its payload), TRANSPORT_CLOSED or
 * TRANSPORT_NOTHING (dropped and counted). */
enum transport_recv_result transport_deliver(struct transport *t, const uint8_t *data, size_t len,
					     const struct udp_addr *from, struct buf *msg);
/* Daemon: whether transport_deliver would take this datagram as authentic
 * and fresh. It consumes nothing (only a malformed one is counted), so a
 * handshake the datagram confirms can be set up before it is delivered. */
bool transport_authentic(struct transport *t, const uint8_t *data, size_t len);
/* Client: fresh keys from a new handshake for the same session. Sending
 * switches at once; datagrams under the old receive key are still taken
 * until the first one under the new key arrives. */
bool transport_rekey(struct transport *t, const struct transport_keys *keys);
/* Starts from old's RTT estimate (a session's next transport). */
void transport_inherit_rtt(struct transport *t, const struct transport *old);
/* Tells the peer, once, that this channel is closed (a client took over). */
void transport_send_close(struct transport *t);
uint32_t transport_local_index(const struct transport *t);

/* What a client's transport does with handshake datagrams and timers. */
struct transport_control {
	void (*datagram)(void *ctx, const uint8_t *data, size_t len);
	uint64_t (*deadline)(void *ctx);		/* UINT64_MAX: none */
	void (*tick)(void *ctx, uint64_t now_ms);
	void *ctx;
};
/* The hooks are copied; NULL removes them. */
void transport_set_control(struct transport *t, const struct transport_control *control);
/* Sends one datagram as it is (a handshake message) to the peer. */
bool transport_send_raw(struct transport *t, const void *data, size_t len);

#endif
