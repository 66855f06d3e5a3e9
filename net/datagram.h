/* The wire format of one transport datagram (suite "SSP5"). A datagram
 * carries one payload whole: the SSP splits whatever is larger
 * (net/ssp_wire.h), so the transport never fragments.
 *
 *   clear header   8 bytes  big-endian; bit 63 = direction (1: server to
 *                           client), bits 0..62 = sequence number
 *                  8 bytes  client to server only: the client's id, 64
 *                           random bits drawn once per client transport
 *   sealed         ChaCha20-Poly1305 of
 *                    timestamp        2 bytes  sender's clock_ms() mod 2^16
 *                    timestamp reply  2 bytes  the peer's last timestamp plus
 *                                              how long it was held; 0xffff: none
 *                    payload          the rest (may be empty)
 *                  then the 16-byte tag; the clear header is associated data.
 *
 * The session key is never used as it is: each direction seals under its
 * own subkey, HKDF-SHA256 of the session key with the client's id
 * (datagram_direct_key). Two clients given one session key therefore never
 * share a key, whatever their sequence numbers, and under one subkey only
 * one sender numbers datagrams, each once. The nonce is "SSP5" followed by
 * the first 8 header bytes. A datagram of another suite version simply
 * fails to authenticate ("SSP3" sealed under the session key itself).
 *
 * Daemon mode (suite "SSP4", keys from the handshake, one UDP port for many
 * sessions) replaces the clear header with 12 bytes
 *
 *   type       1 byte   MSG_DATA, or MSG_CLOSE: the sender has ended
 *                       this channel (body payload empty); net/msg_type.h
 *   receiver   4 bytes  big-endian: the index the receiver chose in the
 *                       handshake, so it finds the session without trying keys
 *   seq        7 bytes  big-endian 56-bit sequence number
 *
 * and seals the same body under the sender's own directional key, with the
 * header as additional data and the nonce "SSP4" || be64(seq). The other
 * types that share the daemon's port are in net/msg_type.h. */
#ifndef SSPSH_DATAGRAM_H
#define SSPSH_DATAGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/options.h"
#include "net/aead.h"
#include "net/msg_type.h"

#define DATAGRAM_HEADER_LEN 8
#define DATAGRAM_CLIENT_ID_LEN 8
#define DATAGRAM_TO_SERVER_HEADER_LEN (DATAGRAM_HEADER_LEN + DATAGRAM_CLIENT_ID_LEN)
#define DATAGRAM_TIMESTAMPS_LEN 4
/* Every byte but the payload of a datagram to the server (the larger) and
 * of one to the client; also the shortest datagram that can be authentic
 * (an empty payload). */
#define DATAGRAM_FIXED_OVERHEAD (DATAGRAM_TO_SERVER_HEADER_LEN + DATAGRAM_TIMESTAMPS_LEN + AEAD_TAG_LEN)
#define DATAGRAM_TO_CLIENT_OVERHEAD (DATAGRAM_HEADER_LEN + DATAGRAM_TIMESTAMPS_LEN + AEAD_TAG_LEN)
#define DATAGRAM_MIN_LEN DATAGRAM_TO_CLIENT_OVERHEAD
/* Sequence numbers are 63 bits; a session ends before it reaches this. */
#define DATAGRAM_SEQ_LIMIT ((uint64_t)1 << 63)
#define TIMESTAMP_NONE 0xffff

#define DATAGRAM_INDEXED_HEADER_LEN 12
#define DATAGRAM_INDEXED_OVERHEAD (DATAGRAM_INDEXED_HEADER_LEN + DATAGRAM_TIMESTAMPS_LEN + AEAD_TAG_LEN)
#define DATAGRAM_INDEXED_MIN_LEN DATAGRAM_INDEXED_OVERHEAD
#define DATAGRAM_INDEXED_SEQ_LIMIT ((uint64_t)1 << 56)
/* Bytes a daemon-mode datagram adds to the direct format's overhead. */
#define DATAGRAM_INDEXED_EXTRA (DATAGRAM_INDEXED_HEADER_LEN - DATAGRAM_HEADER_LEN)

/* The most bytes either format adds to a payload. */
#define DATAGRAM_OVERHEAD_MAX \
	(DATAGRAM_FIXED_OVERHEAD > DATAGRAM_INDEXED_OVERHEAD ? DATAGRAM_FIXED_OVERHEAD : DATAGRAM_INDEXED_OVERHEAD)
/* The largest payload of a network-sized datagram in any format and
 * direction before any EMSGSIZE, for sizing payloads with no transport at
 * hand; transport_max_payload gives a transport's own. */
#define DATAGRAM_PAYLOAD_MAX (SSPSH_DATAGRAM_MAX - DATAGRAM_OVERHEAD_MAX)
/* The largest payload of any datagram a peer may send (a loopback-sized
 * one): what a receiver takes at most. */
#define DATAGRAM_PAYLOAD_READ_MAX (SSPSH_DATAGRAM_LOOPBACK_MAX - DATAGRAM_OVERHEAD_MAX)

/* Even the smallest datagram a path may force (SSPSH_DATAGRAM_MIN) carries
 * a payload in either format. */
_Static_assert(SSPSH_DATAGRAM_MIN > DATAGRAM_OVERHEAD_MAX, "SSPSH_DATAGRAM_MIN leaves no payload");

enum direction { TO_SERVER = 0, TO_CLIENT = 1 };

struct datagram {
	enum direction direction;	/* direct format */
	uint64_t client_id;		/* direct format, to the server */
	enum msg_type type;		/* daemon format: MSG_DATA or MSG_CLOSE */
	uint32_t receiver;		/* daemon format */
	uint64_t seq;
	uint16_t timestamp;
	uint16_t timestamp_reply;
	const uint8_t *payload;
	size_t payload_len;
};

/* The direct format's key for one direction of the client client_id:
 * HKDF-SHA256 (RFC 5869) of the session key, with client_id and the
 * direction in its info. False (logged) if mbedTLS fails. */
bool datagram_direct_key(const uint8_t session_key[AEAD_KEY_LEN], uint64_t client_id,
			 enum direction direction, uint8_t out[AEAD_KEY_LEN]);
/* Bytes of the clear header of a direct-format datagram going direction. */
size_t datagram_header_len(enum direction direction);
/* Bytes of the whole datagram for d (direct format). */
size_t datagram_sealed_len(const struct datagram *d);
/* Seals d into out under the key of d's direction and client
 * (datagram_direct_key); returns its length, or 0 if out_cap is too small
 * or the sequence number is out of range. */
size_t datagram_seal(struct aead *a, const struct datagram *d, uint8_t *out, size_t out_cap);

/* Reads the clear header into d's direction, seq and client_id (0 for a
 * datagram to the client); false if the datagram is too short to be
 * authentic or longer than SSPSH_DATAGRAM_LOOPBACK_MAX. */
bool datagram_peek(const uint8_t *in, size_t len, struct datagram *d);

enum datagram_status {
	DATAGRAM_OK,
	DATAGRAM_MALFORMED,	/* too short, or longer than SSPSH_DATAGRAM_LOOPBACK_MAX */
	DATAGRAM_FORGED,	/* failed authentication */
};
/* Authenticates and decrypts in (len bytes) and fills d: the payload goes
 * to payload_out (room for len bytes will do), where d->payload then
 * points; nothing usable is left there unless DATAGRAM_OK. No peer sends
 * more than SSPSH_DATAGRAM_LOOPBACK_MAX bytes, so a longer datagram is
 * malformed. */
enum datagram_status datagram_open(struct aead *a, const uint8_t *in, size_t len,
				   uint8_t *payload_out, struct datagram *d);
/* The daemon format: the same with the 12-byte indexed header. */
size_t datagram_seal_indexed(struct aead *a, const struct datagram *d, uint8_t *out, size_t out_cap);
/* Reads type, receiver index and seq; false if too short or of another type. */
bool datagram_peek_indexed(const uint8_t *in, size_t len, enum msg_type *type,
			   uint32_t *receiver, uint64_t *seq);
/* The receiver index of a daemon-format datagram, which names the session
 * (or pending handshake) it is for; false if in is not one. */
bool datagram_receiver(const uint8_t *in, size_t len, uint32_t *receiver);
enum datagram_status datagram_open_indexed(struct aead *a, const uint8_t *in, size_t len,
					   uint8_t *payload_out, struct datagram *d);
/* Parses the decrypted body (timestamps, payload) into d; false if it is
 * too short for the timestamps. */
bool datagram_parse_body(const uint8_t *body, size_t len, struct datagram *d);

#endif
