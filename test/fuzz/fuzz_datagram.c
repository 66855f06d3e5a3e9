/* libFuzzer target: the receive side of the transport, datagram by datagram
 * as net/transport.c runs it (clear header, length bound, replay window,
 * open), plus the parts a forger cannot reach: decrypted bodies fed straight
 * to the parser, and a seal/open round trip of whatever the parser accepts.
 *
 * The input is a list of records: one mode byte, a 2-byte big-endian
 * length, then that many bytes (clipped to what is left).
 *   mode even: the bytes are a datagram off the wire
 *   mode odd:  8 bytes of sequence number, then a decrypted body */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/options.h"
#include "net/aead.h"
#include "net/datagram.h"
#include "net/replay.h"
#include "test/fuzz/fuzz_link.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint8_t scratch[65536];
static uint8_t resealed[65536 + 64];

struct receiver {
	struct aead aead;
	struct replay replay;
};

/* An accepted datagram's payload fits the largest datagram. */
static void check_payload(const struct datagram *d)
{
	if (d->payload_len > SSPSH_DATAGRAM_MAX - DATAGRAM_FIXED_OVERHEAD)
		abort();
}

static void receive_datagram(struct receiver *r, const uint8_t *in, size_t len)
{
	struct datagram d;

	if (!datagram_peek(in, len, &d) || d.direction != TO_SERVER)
		return;
	if (replay_check(&r->replay, d.seq) != REPLAY_FRESH)
		return;
	if (datagram_open(&r->aead, in, len, scratch, &d) != DATAGRAM_OK)
		return;
	replay_accept(&r->replay, d.seq);
	if (replay_check(&r->replay, d.seq) == REPLAY_FRESH)
		abort();	/* an accepted datagram must never be fresh again */
	check_payload(&d);
}

/* A body the parser accepts must survive sealing and opening unchanged. */
static void round_trip(struct receiver *r, const struct datagram *d)
{
	struct datagram back;
	size_t n = datagram_seal(&r->aead, d, resealed, sizeof resealed);

	if (!n)
		return;
	if (datagram_open(&r->aead, resealed, n, scratch, &back) != DATAGRAM_OK ||
	    back.seq != d->seq || back.direction != d->direction || back.client_id != d->client_id ||
	    back.timestamp != d->timestamp || back.timestamp_reply != d->timestamp_reply ||
	    back.payload_len != d->payload_len || memcmp(back.payload, d->payload, d->payload_len) != 0)
		abort();
}

static void receive_body(struct receiver *r, const uint8_t *in, size_t len)
{
	static uint8_t body[65536];
	struct datagram d;
	uint64_t seq = 0;

	if (len < 8)
		return;
	for (int i = 0; i < 8; i++)
		seq = seq << 8 | in[i];
	seq &= DATAGRAM_SEQ_LIMIT - 1;
	memcpy(body, in + 8, len - 8);
	if (!datagram_parse_body(body, len - 8, &d))
		return;
	d.seq = seq;
	d.direction = TO_SERVER;
	d.client_id = seq * 0x9e3779b97f4a7c15u;
	if (DATAGRAM_TO_SERVER_HEADER_LEN + len - 8 + AEAD_TAG_LEN <= SSPSH_DATAGRAM_MAX)
		round_trip(r, &d);	/* a longer one no peer sends, nor opens */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t key[AEAD_KEY_LEN] = { 7, 7, 7 };
	struct receiver r;
	const uint8_t *bytes;
	uint8_t mode;
	size_t len;

	if (!aead_init(&r.aead, key))
		abort();
	replay_init(&r.replay);
	while (fuzz_step(&data, &size, &mode, &bytes, &len)) {
		if (mode & 1)
			receive_body(&r, bytes, len);
		else
			receive_datagram(&r, bytes, len);
	}
	aead_free(&r.aead);
	return 0;
}
