#include "net/datagram.h"

#include <string.h>

#include "core/buf.h"
#include "core/options.h"

static const uint8_t suite_tag[4] = { 'S', 'S', 'P', '1' };

static void make_nonce(uint8_t nonce[AEAD_NONCE_LEN], const uint8_t header[DATAGRAM_HEADER_LEN])
{
	memcpy(nonce, suite_tag, sizeof suite_tag);
	memcpy(nonce + sizeof suite_tag, header, DATAGRAM_HEADER_LEN);
}

static uint64_t fragment_word(uint32_t index, bool final)
{
	return (uint64_t)index << 1 | (final ? 1u : 0u);
}

static size_t varint_len(uint64_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

static size_t put_varint(uint8_t *out, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		out[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	out[n++] = (uint8_t)v;
	return n;
}

static void put_be16(uint8_t *out, uint16_t v)
{
	out[0] = (uint8_t)(v >> 8);
	out[1] = (uint8_t)v;
}

size_t datagram_fragment_header_len(uint32_t index)
{
	return varint_len(fragment_word(index, true));
}

size_t datagram_sealed_len(const struct datagram *d)
{
	return DATAGRAM_FIXED_OVERHEAD + datagram_fragment_header_len(d->frag_index) + d->payload_len;
}

size_t datagram_seal(struct aead *a, const struct datagram *d, uint8_t *out, size_t out_cap)
{
	uint8_t nonce[AEAD_NONCE_LEN];
	uint64_t header = (uint64_t)d->direction << 63 | d->seq;
	size_t total = datagram_sealed_len(d), body_len, off;
	uint8_t *body;

	if (d->seq >= DATAGRAM_SEQ_LIMIT || total > out_cap)
		return 0;
	for (int i = 0; i < DATAGRAM_HEADER_LEN; i++)
		out[i] = (uint8_t)(header >> (56 - 8 * i));
	body = out + DATAGRAM_HEADER_LEN;
	put_be16(body, d->timestamp);
	put_be16(body + 2, d->timestamp_reply);
	off = DATAGRAM_TIMESTAMPS_LEN + put_varint(body + DATAGRAM_TIMESTAMPS_LEN,
						   fragment_word(d->frag_index, d->frag_final));
	if (d->payload_len)
		memcpy(body + off, d->payload, d->payload_len);
	body_len = off + d->payload_len;
	make_nonce(nonce, out);
	if (!aead_seal(a, nonce, NULL, 0, body, body_len, body))
		return 0;
	return total;
}

bool datagram_peek(const uint8_t *in, size_t len, enum direction *direction, uint64_t *seq)
{
	struct reader r;
	uint64_t header;

	if (len < DATAGRAM_MIN_LEN)
		return false;
	reader_init(&r, in, len);
	header = rd_be64(&r);
	*direction = (enum direction)(header >> 63);
	*seq = header & (DATAGRAM_SEQ_LIMIT - 1);
	return true;
}

bool datagram_parse_body(const uint8_t *body, size_t len, struct datagram *d)
{
	struct reader r;
	uint64_t word;

	reader_init(&r, body, len);
	d->timestamp = rd_be16(&r);
	d->timestamp_reply = rd_be16(&r);
	word = rd_varint(&r);
	if (r.failed || word >> 1 >= SSPSH_MAX_FRAGMENTS)
		return false;
	d->frag_index = (uint32_t)(word >> 1);
	d->frag_final = word & 1;
	d->payload_len = reader_left(&r);
	d->payload = rd_bytes(&r, d->payload_len);
	return true;
}

enum datagram_status datagram_open(struct aead *a, const uint8_t *in, size_t len,
				   uint8_t *scratch, struct datagram *d)
{
	uint8_t nonce[AEAD_NONCE_LEN];
	size_t body_len;

	if (!datagram_peek(in, len, &d->direction, &d->seq))
		return DATAGRAM_MALFORMED;
	make_nonce(nonce, in);
	body_len = len - DATAGRAM_HEADER_LEN - AEAD_TAG_LEN;
	if (!aead_open(a, nonce, NULL, 0, in + DATAGRAM_HEADER_LEN, len - DATAGRAM_HEADER_LEN, scratch))
		return DATAGRAM_FORGED;
	return datagram_parse_body(scratch, body_len, d) ? DATAGRAM_OK : DATAGRAM_BAD_FRAGMENT;
}
