/* The wire format of one transport datagram (suite "SSP1"):
 *
 *   clear header   8 bytes  big-endian; bit 63 = direction (1: server to
 *                           client), bits 0..62 = sequence number
 *   sealed         ChaCha20-Poly1305 of
 *                    timestamp        2 bytes  sender's clock_ms() mod 2^16
 *                    timestamp reply  2 bytes  the peer's last timestamp plus
 *                                              how long it was held; 0xffff: none
 *                    fragment         varint   index << 1 | final
 *                    payload          the rest
 *                  then the 16-byte tag.
 *
 * The nonce is the 4 bytes "SSP1" followed by the clear header, so the two
 * directions have disjoint nonce spaces, a sequence number is never reused,
 * and a datagram of another suite version simply fails to authenticate.
 * The fragments of one message take consecutive sequence numbers, so a
 * message is identified by the sequence number of its fragment 0
 * (seq - index) and the fragment header stays one or two bytes. */
#ifndef SSPSH_DATAGRAM_H
#define SSPSH_DATAGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/aead.h"

#define DATAGRAM_HEADER_LEN 8
#define DATAGRAM_TIMESTAMPS_LEN 4
/* Every byte but the fragment header and the payload. */
#define DATAGRAM_FIXED_OVERHEAD (DATAGRAM_HEADER_LEN + DATAGRAM_TIMESTAMPS_LEN + AEAD_TAG_LEN)
/* The shortest datagram that can be authentic. */
#define DATAGRAM_MIN_LEN (DATAGRAM_FIXED_OVERHEAD + 1)
/* Sequence numbers are 63 bits; a session ends before it reaches this. */
#define DATAGRAM_SEQ_LIMIT ((uint64_t)1 << 63)
#define TIMESTAMP_NONE 0xffff

enum direction { TO_SERVER = 0, TO_CLIENT = 1 };

struct datagram {
	enum direction direction;
	uint64_t seq;
	uint16_t timestamp;
	uint16_t timestamp_reply;
	uint32_t frag_index;
	bool frag_final;
	const uint8_t *payload;
	size_t payload_len;
};

/* Bytes of the fragment header for this index. */
size_t datagram_fragment_header_len(uint32_t index);
/* Bytes of the whole datagram for d. */
size_t datagram_sealed_len(const struct datagram *d);
/* Seals d into out; returns its length, or 0 if out_cap is too small or
 * the sequence number is out of range. */
size_t datagram_seal(struct aead *a, const struct datagram *d, uint8_t *out, size_t out_cap);

/* Reads the clear header; false if the datagram is too short to be authentic. */
bool datagram_peek(const uint8_t *in, size_t len, enum direction *direction, uint64_t *seq);

enum datagram_status {
	DATAGRAM_OK,
	DATAGRAM_MALFORMED,	/* too short */
	DATAGRAM_FORGED,	/* failed authentication */
	DATAGRAM_BAD_FRAGMENT,	/* authentic, but its fragment header is invalid */
};
/* Authenticates and decrypts in (len bytes) into scratch (at least len
 * bytes) and fills d, whose payload then points into scratch. */
enum datagram_status datagram_open(struct aead *a, const uint8_t *in, size_t len,
				   uint8_t *scratch, struct datagram *d);
/* Parses the decrypted body (timestamps, fragment header, payload) into d. */
bool datagram_parse_body(const uint8_t *body, size_t len, struct datagram *d);

#endif
