/* sspsh's handshake on the wire: Noise IK (net/noise_ik.h) in datagrams
 * shaped like WireGuard's, so that one UDP socket can serve many sessions
 * and the server stays silent to anyone who does not know its public key.
 *
 *   initiation (client -> server), 148 + n bytes:
 *     u8 type = 1, u8[3] zero
 *     Noise message 1: e, s, payload = timestamp[12] | sender index be32 | app[n]
 *     mac1[16]   keyed by the server's public key: checked before any X25519
 *     mac2[16]   keyed by a cookie when the server is under load, else zero
 *   response (server -> client), 76 + n bytes:
 *     u8 type = 2, u8[3] zero, receiver index be32 (the client's)
 *     Noise message 2: e, payload = sender index be32 | app[n]
 *     mac1[16]   keyed by the client's public key
 *   cookie reply (server -> client under load), 60 bytes:
 *     u8 type = 3, u8[3] zero, nonce[24], encrypted cookie[16 + 16]
 *
 * Each side chooses the random 32-bit index the other puts in the clear
 * header of datagrams to it; indices travel encrypted inside the handshake,
 * so they are authenticated. Every message starts with its type byte
 * (net/msg_type.h) and three zero bytes.
 *
 * The timestamp (TAI64N) must grow with every initiation from one client
 * key: the server refuses a replayed initiation. A server that forgot the
 * last timestamp (a restart) may accept a replay, but whoever replays it
 * cannot finish the handshake: treat a session as established only when
 * its first transport datagram from the client decrypts.
 *
 * Under load (more than SSPSH_HANDSHAKES_PER_SEC), the server answers an
 * initiation without a valid mac2 with a cookie reply that costs it no
 * X25519; the cookie is a MAC of the client's address under a secret that
 * changes every SSPSH_COOKIE_SECRET_MS, so sending mac2 proves the client
 * receives at that address, and proven addresses are rate-limited each. */
#ifndef SSPSH_NOISE_H
#define SSPSH_NOISE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/gcra.h"
#include "core/options.h"
#include "net/msg_type.h"
#include "net/noise_ik.h"

struct buf;
struct udp_addr;

#define NOISE_MAC_LEN 16
#define NOISE_TIMESTAMP_LEN 12
#define NOISE_COOKIE_NONCE_LEN 24
#define NOISE_INITIATION_LEN(n) \
	(4 + NOISE_IK_MSG1_LEN(NOISE_TIMESTAMP_LEN + 4 + (n)) + 2 * NOISE_MAC_LEN)
#define NOISE_RESPONSE_LEN(n) (8 + NOISE_IK_MSG2_LEN(4 + (n)) + NOISE_MAC_LEN)
#define NOISE_COOKIE_REPLY_LEN (4 + NOISE_COOKIE_NONCE_LEN + NOISE_MAC_LEN + NOISE_TAG_LEN)
/* The largest handshake datagram; no datagram is read longer than
 * SSPSH_DATAGRAM_MAX. */
#define NOISE_MAX_MESSAGE NOISE_INITIATION_LEN(SSPSH_HANDSHAKE_PAYLOAD_MAX)
_Static_assert(NOISE_MAX_MESSAGE <= SSPSH_DATAGRAM_MAX, "SSPSH_HANDSHAKE_PAYLOAD_MAX makes handshakes too long");

/* What a finished handshake gives each side. */
struct noise_session {
	uint8_t send_key[NOISE_KEY_LEN];
	uint8_t recv_key[NOISE_KEY_LEN];
	uint32_t local_index;	/* in the header of datagrams sent to us */
	uint32_t remote_index;	/* in the header of datagrams we send */
	uint8_t peer_static[X25519_KEY_LEN];
	uint8_t handshake_hash[NOISE_HASH_LEN];
};

void noise_session_wipe(struct noise_session *s);

enum noise_status {
	NOISE_DROP,		/* not a valid message for us: ignore it, say nothing */
	NOISE_SEND_REPLY,	/* send the reply buffer back to the source */
	NOISE_GOT_INITIATION,	/* server: decide, then noise_server_accept */
	NOISE_GOT_COOKIE,	/* client: initiate again (it will carry mac2) */
	NOISE_ESTABLISHED,	/* client: the session is ready */
};

/* ---- Client (initiator) ---- */

struct noise_client {
	uint8_t static_priv[X25519_KEY_LEN], static_pub[X25519_KEY_LEN];
	uint8_t server_pub[X25519_KEY_LEN];
	uint8_t mac1_key[NOISE_HASH_LEN];		/* of initiations (server key) */
	uint8_t response_mac1_key[NOISE_HASH_LEN];	/* of responses (our key) */
	uint8_t cookie_key[NOISE_HASH_LEN];
	struct noise_ik ik;
	bool pending;
	uint32_t local_index;
	uint8_t sent_mac1[NOISE_MAC_LEN];
	uint8_t cookie[NOISE_MAC_LEN];
	uint64_t cookie_ms;
	bool has_cookie;
	uint8_t last_timestamp[NOISE_TIMESTAMP_LEN];
};

bool noise_client_init(struct noise_client *c, const uint8_t static_priv[X25519_KEY_LEN],
		       const uint8_t server_pub[X25519_KEY_LEN]);
/* A fresh initiation (new ephemeral key, index and timestamp) carrying
 * payload (at most SSPSH_HANDSHAKE_PAYLOAD_MAX bytes) into out. Replaces any
 * handshake in progress. */
bool noise_client_initiate(struct noise_client *c, const uint8_t *payload, size_t len,
			   uint64_t now_ms, struct buf *out);
/* A datagram from the server. NOISE_ESTABLISHED fills session and the
 * server's payload (*payload_len bytes; payload must hold
 * SSPSH_HANDSHAKE_PAYLOAD_MAX); NOISE_GOT_COOKIE means initiate again. */
enum noise_status noise_client_receive(struct noise_client *c, const uint8_t *msg, size_t len,
				       uint64_t now_ms, struct noise_session *session,
				       uint8_t *payload, size_t *payload_len);
void noise_client_wipe(struct noise_client *c);

/* ---- Server (responder) ---- */

/* A client the server accepts: its key and the newest timestamp seen. */
struct noise_peer {
	uint8_t static_pub[X25519_KEY_LEN];
	uint8_t last_timestamp[NOISE_TIMESTAMP_LEN];
};

struct noise_server_ops {
	/* The peer with this static key, or NULL to refuse the initiator. */
	struct noise_peer *(*find_peer)(void *ctx, const uint8_t static_pub[X25519_KEY_LEN]);
	/* Is this receiver index taken by a live session? May be NULL. */
	bool (*index_in_use)(void *ctx, uint32_t index);
	void *ctx;
};

struct noise_server {
	uint8_t static_priv[X25519_KEY_LEN], static_pub[X25519_KEY_LEN];
	uint8_t mac1_key[NOISE_HASH_LEN];
	uint8_t cookie_key[NOISE_HASH_LEN];
	uint8_t secret[NOISE_HASH_LEN], old_secret[NOISE_HASH_LEN];
	uint64_t secret_ms;
	struct gcra global_rate;	/* rate limits */
	struct gcra source_rate[SSPSH_HANDSHAKE_SOURCE_SLOTS];
	struct noise_server_ops ops;
};

/* A received initiation awaiting the server's answer. */
struct noise_responder {
	struct noise_ik ik;
	struct noise_peer *peer;
	uint8_t timestamp[NOISE_TIMESTAMP_LEN];
	uint32_t remote_index;
};

bool noise_server_init(struct noise_server *s, const uint8_t static_priv[X25519_KEY_LEN],
		       const struct noise_server_ops *ops, uint64_t now_ms);
/* A datagram of type MSG_INITIATION from the source addr (any bytes that
 * name it; cookies and the per-source rate limit are keyed by them). Returns NOISE_DROP, NOISE_SEND_REPLY (a
 * cookie reply in reply) or NOISE_GOT_INITIATION: hs then holds the
 * handshake, hs->peer the client, and payload its *payload_len bytes
 * (payload must hold SSPSH_HANDSHAKE_PAYLOAD_MAX). */
enum noise_status noise_server_receive(struct noise_server *s, const uint8_t *msg, size_t len,
				       const void *addr, size_t addr_len, uint64_t now_ms,
				       struct noise_responder *hs, uint8_t *payload, size_t *payload_len,
				       struct buf *reply);
/* noise_server_receive for a datagram from the UDP address from: the
 * cookie and the rate limit under load name its host (udp_addr_host: IPv4
 * /32, IPv6 /64), so one host's many source ports share one budget. */
enum noise_status noise_server_receive_from(struct noise_server *s, const uint8_t *msg, size_t len,
					    const struct udp_addr *from, uint64_t now_ms,
					    struct noise_responder *hs, uint8_t *payload, size_t *payload_len,
					    struct buf *reply);
/* Answers an initiation (call it before hs->peer can go away): the
 * response (with payload) into reply, the new session into session.
 * Records the timestamp so that a replay is refused. */
bool noise_server_accept(struct noise_server *s, struct noise_responder *hs, const uint8_t *payload,
			 size_t len, struct noise_session *session, struct buf *reply);
/* Forgets an initiation the server decided not to answer. */
void noise_responder_wipe(struct noise_responder *hs);
void noise_server_wipe(struct noise_server *s);

/* ---- Learning the server's key ----
 *
 * IK needs the server's static key before the first message. A client
 * that has none pinned (or wants to check its pin) asks for it:
 *   key request (client -> server), 36 bytes: u8 type = 6, u8[3] zero, client key[32]
 *   key answer  (server -> client), 36 bytes: u8 type = 7, u8[3] zero, server key[32]
 * The request names the client's static public key, and the server answers
 * only a key it would accept in a handshake: to anyone else it stays silent.
 * The answer is not authenticated: the client pins it on first use (shown
 * as a fingerprint) and the handshake then proves the server holds it. */
#define NOISE_KEY_MESSAGE_LEN (4 + X25519_KEY_LEN)

void noise_key_request(const uint8_t client_pub[X25519_KEY_LEN], uint8_t out[NOISE_KEY_MESSAGE_LEN]);
/* False if msg is not a key request; else client_pub holds the key it names. */
bool noise_read_key_request(const uint8_t *msg, size_t len, uint8_t client_pub[X25519_KEY_LEN]);
void noise_key_answer(const uint8_t pub[X25519_KEY_LEN], uint8_t out[NOISE_KEY_MESSAGE_LEN]);
/* False if msg is not a key answer. */
bool noise_read_key_answer(const uint8_t *msg, size_t len, uint8_t pub[X25519_KEY_LEN]);

#endif
