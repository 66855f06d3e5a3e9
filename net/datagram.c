#include "net/datagram.h"

#include <string.h>

#include <mbedtls/hkdf.h>

#include "core/buf.h"
#include "core/log.h"
#include "core/options.h"

static const uint8_t suite_tag[4] = { 'S', 'S', 'P', '5' };
static const uint8_t indexed_suite_tag[4] = { 'S', 'S', 'P', '4' };

bool datagram_direct_key(const uint8_t session_key[AEAD_KEY_LEN], uint64_t client_id,
			 enum direction direction, uint8_t out[AEAD_KEY_LEN])
{
	static const uint8_t salt[] = "sspsh SSP5 direct";
	uint8_t info[3 + 8];
	int err;

	memcpy(info, direction == TO_SERVER ? "c2s" : "s2c", 3);
	for (int i = 0; i < 8; i++)
		info[3 + i] = (uint8_t)(client_id >> (56 - 8 * i));
	err = mbedtls_hkdf(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), salt, sizeof salt - 1,
			   session_key, AEAD_KEY_LEN, info, sizeof info, out, AEAD_KEY_LEN);
	if (err)
		log_error("cannot derive a datagram key (mbedTLS error -0x%04x)", (unsigned)-err);
	return err == 0;
}

static void make_nonce(uint8_t nonce[AEAD_NONCE_LEN], const uint8_t header[DATAGRAM_HEADER_LEN])
{
	memcpy(nonce, suite_tag, sizeof suite_tag);
	memcpy(nonce + sizeof suite_tag, header, DATAGRAM_HEADER_LEN);
}

static void put_be16(uint8_t *out, uint16_t v)
{
	out[0] = (uint8_t)(v >> 8);
	out[1] = (uint8_t)v;
}

size_t datagram_header_len(enum direction direction)
{
	return direction == TO_SERVER ? DATAGRAM_TO_SERVER_HEADER_LEN : DATAGRAM_HEADER_LEN;
}

size_t datagram_sealed_len(const struct datagram *d)
{
	return datagram_header_len(d->direction) + DATAGRAM_TIMESTAMPS_LEN + d->payload_len + AEAD_TAG_LEN;
}

/* Seals the body (timestamps, payload) after a header of header_len bytes
 * already in out, with that header as additional data (aad_len 0: none). */
static size_t seal_body(struct aead *a, const struct datagram *d, const uint8_t nonce[AEAD_NONCE_LEN],
			uint8_t *out, size_t header_len, size_t aad_len)
{
	uint8_t stamps[DATAGRAM_TIMESTAMPS_LEN];

	put_be16(stamps, d->timestamp);
	put_be16(stamps + 2, d->timestamp_reply);
	if (!aead_seal_split(a, nonce, aad_len ? out : NULL, aad_len, stamps, sizeof stamps,
			     d->payload, d->payload_len, out + header_len))
		return 0;
	return header_len + DATAGRAM_TIMESTAMPS_LEN + d->payload_len + AEAD_TAG_LEN;
}

/* Opens what follows a header of header_len bytes: the timestamps into d,
 * the payload into payload_out. */
static enum datagram_status open_body(struct aead *a, const uint8_t nonce[AEAD_NONCE_LEN],
				      const uint8_t *in, size_t len, size_t header_len,
				      uint8_t *payload_out, struct datagram *d)
{
	uint8_t stamps[DATAGRAM_TIMESTAMPS_LEN];

	if (len < header_len + DATAGRAM_TIMESTAMPS_LEN + AEAD_TAG_LEN)
		return DATAGRAM_MALFORMED;
	if (!aead_open_split(a, nonce, in, header_len, in + header_len, len - header_len, stamps,
			     sizeof stamps, payload_out))
		return DATAGRAM_FORGED;
	d->timestamp = (uint16_t)(stamps[0] << 8 | stamps[1]);
	d->timestamp_reply = (uint16_t)(stamps[2] << 8 | stamps[3]);
	d->payload = payload_out;
	d->payload_len = len - header_len - DATAGRAM_TIMESTAMPS_LEN - AEAD_TAG_LEN;
	return DATAGRAM_OK;
}

size_t datagram_seal(struct aead *a, const struct datagram *d, uint8_t *out, size_t out_cap)
{
	uint8_t nonce[AEAD_NONCE_LEN];
	uint64_t header = (uint64_t)d->direction << 63 | d->seq;
	size_t header_len = datagram_header_len(d->direction);

	if (d->seq >= DATAGRAM_SEQ_LIMIT || datagram_sealed_len(d) > out_cap)
		return 0;
	for (int i = 0; i < DATAGRAM_HEADER_LEN; i++)
		out[i] = (uint8_t)(header >> (56 - 8 * i));
	for (size_t i = DATAGRAM_HEADER_LEN; i < header_len; i++)
		out[i] = (uint8_t)(d->client_id >> (56 - 8 * (i - DATAGRAM_HEADER_LEN)));
	make_nonce(nonce, out);
	return seal_body(a, d, nonce, out, header_len, header_len);
}

static void make_indexed_nonce(uint8_t nonce[AEAD_NONCE_LEN], uint64_t seq)
{
	memcpy(nonce, indexed_suite_tag, sizeof indexed_suite_tag);
	for (int i = 0; i < 8; i++)
		nonce[4 + i] = (uint8_t)(seq >> (56 - 8 * i));
}

size_t datagram_seal_indexed(struct aead *a, const struct datagram *d, uint8_t *out, size_t out_cap)
{
	uint8_t nonce[AEAD_NONCE_LEN];

	if (d->seq >= DATAGRAM_INDEXED_SEQ_LIMIT || DATAGRAM_INDEXED_OVERHEAD + d->payload_len > out_cap)
		return 0;
	out[0] = (uint8_t)d->type;
	for (int i = 0; i < 4; i++)
		out[1 + i] = (uint8_t)(d->receiver >> (24 - 8 * i));
	for (int i = 0; i < 7; i++)
		out[5 + i] = (uint8_t)(d->seq >> (48 - 8 * i));
	make_indexed_nonce(nonce, d->seq);
	return seal_body(a, d, nonce, out, DATAGRAM_INDEXED_HEADER_LEN, DATAGRAM_INDEXED_HEADER_LEN);
}

bool datagram_peek(const uint8_t *in, size_t len, struct datagram *d)
{
	struct reader r;
	uint64_t header;

	if (len < DATAGRAM_MIN_LEN || len > SSPSH_DATAGRAM_LOOPBACK_MAX)
		return false;
	reader_init(&r, in, len);
	header = rd_be64(&r);
	d->direction = (enum direction)(header >> 63);
	d->seq = header & (DATAGRAM_SEQ_LIMIT - 1);
	d->client_id = d->direction == TO_SERVER ? rd_be64(&r) : 0;
	return len >= datagram_header_len(d->direction) + DATAGRAM_TIMESTAMPS_LEN + AEAD_TAG_LEN;
}

bool datagram_parse_body(const uint8_t *body, size_t len, struct datagram *d)
{
	struct reader r;

	reader_init(&r, body, len);
	d->timestamp = rd_be16(&r);
	d->timestamp_reply = rd_be16(&r);
	if (r.failed)
		return false;
	d->payload_len = reader_left(&r);
	d->payload = rd_bytes(&r, d->payload_len);
	return true;
}

enum datagram_status datagram_open(struct aead *a, const uint8_t *in, size_t len,
				   uint8_t *payload_out, struct datagram *d)
{
	uint8_t nonce[AEAD_NONCE_LEN];

	if (!datagram_peek(in, len, d))
		return DATAGRAM_MALFORMED;
	make_nonce(nonce, in);
	return open_body(a, nonce, in, len, datagram_header_len(d->direction), payload_out, d);
}

bool datagram_peek_indexed(const uint8_t *in, size_t len, enum msg_type *type,
			   uint32_t *receiver, uint64_t *seq)
{
	struct reader r;

	if (len < DATAGRAM_INDEXED_MIN_LEN || len > SSPSH_DATAGRAM_LOOPBACK_MAX ||
	    !msg_is_session(msg_type_of(in, len)))
		return false;
	reader_init(&r, in, len);
	*type = (enum msg_type)rd_u8(&r);
	*receiver = rd_be32(&r);
	*seq = 0;
	for (int i = 0; i < 7; i++)
		*seq = *seq << 8 | rd_u8(&r);
	return !r.failed;
}

bool datagram_receiver(const uint8_t *in, size_t len, uint32_t *receiver)
{
	enum msg_type type;
	uint64_t seq;

	return datagram_peek_indexed(in, len, &type, receiver, &seq);
}

enum datagram_status datagram_open_indexed(struct aead *a, const uint8_t *in, size_t len,
					   uint8_t *payload_out, struct datagram *d)
{
	uint8_t nonce[AEAD_NONCE_LEN];

	if (!datagram_peek_indexed(in, len, &d->type, &d->receiver, &d->seq))
		return DATAGRAM_MALFORMED;
	make_indexed_nonce(nonce, d->seq);
	return open_body(a, nonce, in, len, DATAGRAM_INDEXED_HEADER_LEN, payload_out, d);
}
