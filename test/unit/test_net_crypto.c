/* The AEAD wrapper, the datagram format and the session key helpers. */
#include "core/options.h"
#include "net/aead.h"
#include "net/datagram.h"
#include "net/transport.h"
#include "test/unit/unit.h"

static size_t unhex(const char *hex, uint8_t *out)
{
	size_t n = 0;
	unsigned v;

	while (*hex) {
		if (*hex == ' ' || *hex == '\n') {
			hex++;
			continue;
		}
		sscanf(hex, "%2x", &v);
		out[n++] = (uint8_t)v;
		hex += 2;
	}
	return n;
}

/* RFC 8439 section 2.8.2. */
static const char rfc_plain[] =
	"Ladies and Gentlemen of the class of '99: If I could offer you only one tip "
	"for the future, sunscreen would be it.";
static const char rfc_cipher[] =
	"d31a8d34648e60db7b86afbc53ef7ec2 a4aded51296e08fea9e2b5a736ee62d6"
	"3dbea45e8ca9671282fafb69da92728b 1a71de0a9e060b2905d6a5b67ecd3b36"
	"92ddbd7f2d778b8c9803aee328091b58 fab324e4fad675945585808b4831d7bc"
	"3ff4def08e4b7a9de576d26586cec64b 6116";
static const char rfc_tag[] = "1ae10b594f09e26a7e902ecbd0600691";

static void rfc_inputs(uint8_t key[32], uint8_t nonce[12], uint8_t aad[12])
{
	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)(0x80 + i);
	unhex("070000004041424344454647", nonce);
	unhex("50515253c0c1c2c3c4c5c6c7", aad);
}

TEST(aead_rfc8439_known_answer)
{
	uint8_t key[32], nonce[12], aad[12], want[200], tag[16], out[200];
	size_t len = strlen(rfc_plain);
	struct aead a;

	rfc_inputs(key, nonce, aad);
	EXPECT_INT(unhex(rfc_cipher, want), len);
	unhex(rfc_tag, tag);
	EXPECT(aead_init(&a, key));
	EXPECT(aead_seal(&a, nonce, aad, sizeof aad, (const uint8_t *)rfc_plain, len, out));
	EXPECT_MEM(out, want, len);
	EXPECT_MEM(out + len, tag, 16);
	aead_free(&a);
}

/* A datagram's timestamps and payload are sealed and opened in place,
 * apart: the same ciphertext and tag as the joined message, at every
 * split (heads across ChaCha20's 64-byte and Poly1305's 16-byte blocks). */
TEST(aead_split_seals_and_opens_the_rfc_vector_at_every_split)
{
	uint8_t key[32], nonce[12], aad[12], want[200], tag[16], out[200], head[200], body[200];
	size_t len = strlen(rfc_plain);
	const uint8_t *plain = (const uint8_t *)rfc_plain;
	struct aead a;
	int wrong = 0;

	rfc_inputs(key, nonce, aad);
	unhex(rfc_cipher, want);
	unhex(rfc_tag, tag);
	EXPECT(aead_init(&a, key));
	for (size_t h = 0; h <= len; h++) {
		memset(head, 0xee, sizeof head);
		memset(body, 0xee, sizeof body);
		if (!aead_seal_split(&a, nonce, aad, sizeof aad, plain, h, plain + h, len - h, out) ||
		    memcmp(out, want, len) != 0 || memcmp(out + len, tag, 16) != 0)
			wrong++;
		if (!aead_open_split(&a, nonce, aad, sizeof aad, out, len + 16, head, h, body) ||
		    memcmp(head, plain, h) != 0 || memcmp(body, plain + h, len - h) != 0)
			wrong++;
	}
	EXPECT_INT(wrong, 0);
	out[len + 3] ^= 1;	/* a forged tag: refused, and both outputs wiped */
	EXPECT(!aead_open_split(&a, nonce, aad, sizeof aad, out, len + 16, head, 4, body));
	EXPECT(head[0] == 0 && head[3] == 0 && body[0] == 0 && body[len - 5] == 0);
	EXPECT(!aead_open_split(&a, nonce, aad, sizeof aad, out, 19, head, 4, body));	/* too short */
	aead_free(&a);
}

TEST(aead_opens_the_rfc_vector_and_rejects_tampering)
{
	uint8_t key[32], nonce[12], aad[12], sealed[200], plain[200];
	size_t len = strlen(rfc_plain);
	struct aead a;

	rfc_inputs(key, nonce, aad);
	unhex(rfc_cipher, sealed);
	unhex(rfc_tag, sealed + len);
	EXPECT(aead_init(&a, key));
	EXPECT(aead_open(&a, nonce, aad, sizeof aad, sealed, len + 16, plain));
	EXPECT_MEM(plain, rfc_plain, len);
	sealed[len + 15] ^= 1;
	EXPECT(!aead_open(&a, nonce, aad, sizeof aad, sealed, len + 16, plain));
	sealed[len + 15] ^= 1;
	aad[0] ^= 1;
	EXPECT(!aead_open(&a, nonce, aad, sizeof aad, sealed, len + 16, plain));
	EXPECT(!aead_open(&a, nonce, aad, sizeof aad, sealed, 15, plain));
	aead_free(&a);
}

static void test_key(uint8_t key[32], uint8_t fill)
{
	memset(key, fill, 32);
}

TEST(datagram_round_trip_and_overhead)
{
	uint8_t key[32], out[SSPSH_DATAGRAM_MAX], scratch[SSPSH_DATAGRAM_MAX], payload[1000];
	struct datagram d = { .direction = TO_CLIENT, .seq = 123456789, .timestamp = 4242,
			      .timestamp_reply = 17, .payload = payload, .payload_len = sizeof payload };
	struct datagram got;
	struct aead a;
	size_t n;

	for (size_t i = 0; i < sizeof payload; i++)
		payload[i] = (uint8_t)(i * 7);
	test_key(key, 9);
	EXPECT(aead_init(&a, key));
	n = datagram_seal(&a, &d, out, sizeof out);
	/* 8 header + 4 timestamps + 16 tag. */
	EXPECT_INT(n, sizeof payload + 28);
	EXPECT_INT(datagram_open(&a, out, n, scratch, &got), DATAGRAM_OK);
	EXPECT_INT(got.direction, TO_CLIENT);
	EXPECT_INT(got.client_id, 0);
	EXPECT_INT(got.seq, 123456789);
	EXPECT_INT(got.timestamp, 4242);
	EXPECT_INT(got.timestamp_reply, 17);
	EXPECT_INT(got.payload_len, sizeof payload);
	EXPECT_MEM(got.payload, payload, sizeof payload);
	/* To the server the header also names the client: 8 bytes more. */
	d.direction = TO_SERVER;
	d.client_id = 0x0123456789abcdefu;
	n = datagram_seal(&a, &d, out, sizeof out);
	EXPECT_INT(n, sizeof payload + 36);
	EXPECT_INT(n, sizeof payload + DATAGRAM_FIXED_OVERHEAD);
	EXPECT_INT(datagram_open(&a, out, n, scratch, &got), DATAGRAM_OK);
	EXPECT_INT(got.direction, TO_SERVER);
	EXPECT(got.client_id == 0x0123456789abcdefu);
	EXPECT_MEM(got.payload, payload, sizeof payload);
	aead_free(&a);
}

/* A daemon client's datagram has the indexed header whichever way it goes
 * (no client id): the largest payload transport_max_payload allows seals
 * into the largest datagram. (Its length was counted with a direct
 * client's header, 8 bytes too many: a full-size channel payload from a
 * --udp client, as -R sends, failed with "cannot seal a datagram".) */
TEST(datagram_indexed_largest_payload_seals_both_ways)
{
	static uint8_t out[SSPSH_DATAGRAM_MAX], scratch[SSPSH_DATAGRAM_MAX];
	static uint8_t payload[SSPSH_DATAGRAM_MAX - DATAGRAM_INDEXED_OVERHEAD];
	struct datagram d = { .type = MSG_DATA, .receiver = 7, .seq = 5, .payload = payload,
			      .payload_len = sizeof payload };
	struct datagram got;
	uint8_t key[32];
	struct aead a;

	test_key(key, 3);
	EXPECT(aead_init(&a, key));
	for (int way = 0; way < 2; way++) {
		d.direction = way ? TO_SERVER : TO_CLIENT;
		EXPECT_INT(datagram_seal_indexed(&a, &d, out, sizeof out), SSPSH_DATAGRAM_MAX);
		EXPECT_INT(datagram_open_indexed(&a, out, sizeof out, scratch, &got), DATAGRAM_OK);
		EXPECT_INT(got.payload_len, sizeof payload);
	}
	EXPECT_INT(datagram_seal_indexed(&a, &d, out, sizeof out - 1), 0);
	aead_free(&a);
}

/* Each client's keys are its own: another id or the other direction gives
 * another key, the same inputs the same key. */
TEST(datagram_direct_keys_differ_by_client_and_direction)
{
	uint8_t session[32], k1[32], k2[32], k3[32], again[32];

	test_key(session, 4);
	EXPECT(datagram_direct_key(session, 1, TO_SERVER, k1));
	EXPECT(datagram_direct_key(session, 2, TO_SERVER, k2));
	EXPECT(datagram_direct_key(session, 1, TO_CLIENT, k3));
	EXPECT(datagram_direct_key(session, 1, TO_SERVER, again));
	EXPECT(memcmp(k1, k2, 32) != 0);
	EXPECT(memcmp(k1, k3, 32) != 0);
	EXPECT(memcmp(k1, session, 32) != 0);
	EXPECT_MEM(k1, again, 32);
}

TEST(datagram_tampering_any_byte_is_rejected)
{
	uint8_t key[32], out[200], scratch[200];
	const char text[] = "keystrokes";
	struct datagram d = { .direction = TO_SERVER, .seq = 5,
			      .timestamp_reply = TIMESTAMP_NONE,
			      .payload = (const uint8_t *)text, .payload_len = sizeof text };
	struct datagram got;
	struct aead a;
	size_t n;
	int accepted = 0;

	test_key(key, 1);
	EXPECT(aead_init(&a, key));
	n = datagram_seal(&a, &d, out, sizeof out);
	EXPECT(n > 0);
	for (size_t i = 0; i < n; i++)
		for (int bit = 0; bit < 8; bit++) {
			out[i] ^= (uint8_t)(1 << bit);
			if (datagram_open(&a, out, n, scratch, &got) != DATAGRAM_FORGED)
				accepted++;
			out[i] ^= (uint8_t)(1 << bit);
		}
	EXPECT_INT(accepted, 0);
	/* Truncations are too short or fail authentication. */
	for (size_t len = 0; len < n; len++)
		EXPECT(datagram_open(&a, out, len, scratch, &got) != DATAGRAM_OK);
	EXPECT_INT(datagram_open(&a, out, n, scratch, &got), DATAGRAM_OK);
	aead_free(&a);
}

TEST(datagram_wrong_key_is_forged)
{
	uint8_t key[32], out[200], scratch[200];
	struct datagram d = { .direction = TO_CLIENT, .seq = 1 };
	struct datagram got;
	struct aead a, b;
	size_t n;

	test_key(key, 1);
	EXPECT(aead_init(&a, key));
	test_key(key, 2);
	EXPECT(aead_init(&b, key));
	n = datagram_seal(&a, &d, out, sizeof out);
	EXPECT_INT(n, DATAGRAM_MIN_LEN);
	EXPECT_INT(datagram_open(&b, out, n, scratch, &got), DATAGRAM_FORGED);
	EXPECT_INT(datagram_open(&a, out, n, scratch, &got), DATAGRAM_OK);
	EXPECT_INT(got.payload_len, 0);
	aead_free(&a);
	aead_free(&b);
}

TEST(datagram_refuses_sequence_past_the_limit)
{
	uint8_t key[32] = { 0 }, out[100];
	struct datagram d = { .seq = DATAGRAM_SEQ_LIMIT };
	struct aead a;

	EXPECT(aead_init(&a, key));
	EXPECT_INT(datagram_seal(&a, &d, out, sizeof out), 0);
	d.seq = DATAGRAM_SEQ_LIMIT - 1;
	EXPECT(datagram_seal(&a, &d, out, sizeof out) > 0);
	EXPECT_INT(datagram_seal(&a, &d, out, 20), 0);	/* no room */
	aead_free(&a);
}

/* No peer sends more than SSPSH_DATAGRAM_LOOPBACK_MAX bytes: a longer
 * datagram is refused before any decryption, even when it is authentic. */
TEST(datagram_longer_than_the_maximum_is_malformed)
{
	static uint8_t payload[SSPSH_DATAGRAM_LOOPBACK_MAX], out[SSPSH_DATAGRAM_LOOPBACK_MAX + 64],
		scratch[sizeof out];
	struct datagram d = { .seq = 9, .payload = payload,
			      .payload_len = SSPSH_DATAGRAM_LOOPBACK_MAX - DATAGRAM_FIXED_OVERHEAD };
	uint8_t key[32];
	struct datagram got;
	struct aead a;

	test_key(key, 3);
	EXPECT(aead_init(&a, key));
	EXPECT_INT(datagram_seal(&a, &d, out, sizeof out), SSPSH_DATAGRAM_LOOPBACK_MAX);
	EXPECT_INT(datagram_open(&a, out, SSPSH_DATAGRAM_LOOPBACK_MAX, scratch, &got), DATAGRAM_OK);
	d.payload_len++;
	EXPECT_INT(datagram_seal(&a, &d, out, sizeof out), SSPSH_DATAGRAM_LOOPBACK_MAX + 1);
	EXPECT_INT(datagram_open(&a, out, SSPSH_DATAGRAM_LOOPBACK_MAX + 1, scratch, &got), DATAGRAM_MALFORMED);
	aead_free(&a);
}

TEST(key_generate_format_parse)
{
	struct transport_key a, b;
	char text[TRANSPORT_KEY_TEXT_LEN + 1], padded[80];
	const char *why = NULL;

	EXPECT(transport_key_generate(&a));
	transport_key_format(&a, text);
	EXPECT_INT(strlen(text), 44);
	EXPECT(transport_key_parse(&b, text, &why));
	EXPECT_MEM(a.bytes, b.bytes, 32);
	snprintf(padded, sizeof padded, "  %s\n", text);
	EXPECT(transport_key_parse(&b, padded, &why));
	EXPECT_MEM(a.bytes, b.bytes, 32);
	text[43] = '\0';	/* without the '=' */
	EXPECT(transport_key_parse(&b, text, &why));
	EXPECT_MEM(a.bytes, b.bytes, 32);
	transport_key_zero(&b);
	for (int i = 0; i < 32; i++)
		EXPECT_INT(b.bytes[i], 0);
}

TEST(key_parse_errors_are_clear)
{
	struct transport_key k;
	const char *why = NULL;

	EXPECT(!transport_key_parse(&k, "", &why));
	EXPECT_STR(why, "the session key is empty");
	EXPECT(!transport_key_parse(&k, "abcd", &why));
	EXPECT_STR(why, "the session key must be 44 base64 characters (32 bytes)");
	EXPECT(!transport_key_parse(&k, "*AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", &why));
	EXPECT_STR(why, "the session key is not valid base64");
}

int main(void)
{
	RUN(aead_rfc8439_known_answer);
	RUN(aead_opens_the_rfc_vector_and_rejects_tampering);
	RUN(aead_split_seals_and_opens_the_rfc_vector_at_every_split);
	RUN(datagram_round_trip_and_overhead);
	RUN(datagram_indexed_largest_payload_seals_both_ways);
	RUN(datagram_direct_keys_differ_by_client_and_direction);
	RUN(datagram_tampering_any_byte_is_rejected);
	RUN(datagram_wrong_key_is_forged);
	RUN(datagram_refuses_sequence_past_the_limit);
	RUN(datagram_longer_than_the_maximum_is_malformed);
	RUN(key_generate_format_parse);
	RUN(key_parse_errors_are_clear);
	return unit_exit_status();
}
