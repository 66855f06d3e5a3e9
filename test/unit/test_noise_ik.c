/* The Noise IK layer against the Noise specification: the cacophony test
 * vector for Noise_IK_25519_ChaChaPoly_SHA256, and fixed-key runs in both
 * directions. */
#include <stdlib.h>

#include <mbedtls/sha256.h>

#include "net/noise_ik.h"
#include "test/unit/unit.h"

static size_t unhex(uint8_t *out, const char *hex)
{
	size_t i;

	for (i = 0; hex[2 * i]; i++) {
		char two[3] = { hex[2 * i], hex[2 * i + 1], 0 };
		out[i] = (uint8_t)strtoul(two, NULL, 16);
	}
	return i;
}

/* The Noise_IK_25519_ChaChaPoly_SHA256 entry of the cacophony test vectors
 * (tests/vectors/cacophony.txt of the noiseprotocol Python package; one
 * older copy elsewhere lists a different handshake_hash with the same
 * messages, and independent implementations agree with this one). */
static const char v_prologue[] = "4a6f686e2047616c74";
static const char v_init_static[] = "e61ef9919cde45dd5f82166404bd08e38bceb5dfdfded0a34c8df7ed542214d1";
static const char v_init_ephemeral[] = "893e28b9dc6ca8d611ab664754b8ceb7bac5117349a4439a6b0569da977c464a";
static const char v_resp_static_pub[] = "31e0303fd6418d2f8c0e78b91f22e8caed0fbe48656dcf4767e4834f701b8f62";
static const char v_resp_static[] = "4a3acbfdb163dec651dfa3194dece676d437029c62a408b4c5ea9114246e4893";
static const char v_resp_ephemeral[] = "bbdb4cdbd309f1a1f2e1456967fe288cadd6f712d65dc7b7793d5e63da6b375b";
static const char v_handshake_hash[] = "0b0f68fb0c27e03ce9b97565995ed4838cc0581b762ef72b062f6a546419fad7";
static const char v_payload1[] = "4c756477696720766f6e204d69736573";
static const char v_msg1[] =
	"ca35def5ae56cec33dc2036731ab14896bc4c75dbb07a61f879f8e3afa4c7944718da798efbcd91528520204f904b9bd"
	"6c7413dccdc214d951e15253e39987f18146e8cd0873654207148333479d4d16c289f0294b29960a72f48e0b7bba2e89"
	"083169825e59642148d492020664ccf7";
static const char v_payload2[] = "4d757272617920526f746862617264";
static const char v_msg2[] =
	"95ebc60d2b1fa672c1f46a8aa265ef51bfe38e7ccb39ec5be34069f1448088435361e70b2ed446e6c9ec387d1d6b3b84"
	"0f194e373979d241b203c4acafccf5";
/* The first transport message each way, under the Split keys with n = 0. */
static const char v_payload3[] = "462e20412e20486179656b";
static const char v_msg3[] = "050e9f3c8fac16b68dbce8f8c4bfbf6617c897f9ada4aa29aa19c8";
static const char v_payload4[] = "4361726c204d656e676572";
static const char v_msg4[] = "344233a6cabb7141d80f3da2fedc311d9646bbb0f505afe403a667";

struct vec_bytes {
	uint8_t prologue[16], i_s[32], i_e[32], r_s_pub[32], r_s[32], r_e[32], hash[32];
	uint8_t p1[32], m1[256], p2[32], m2[256], p3[32], m3[64], p4[32], m4[64];
	size_t prologue_len, p1_len, m1_len, p2_len, m2_len, p3_len, m3_len, p4_len, m4_len;
};

static void load_vector(struct vec_bytes *v)
{
	v->prologue_len = unhex(v->prologue, v_prologue);
	unhex(v->i_s, v_init_static);
	unhex(v->i_e, v_init_ephemeral);
	unhex(v->r_s_pub, v_resp_static_pub);
	unhex(v->r_s, v_resp_static);
	unhex(v->r_e, v_resp_ephemeral);
	unhex(v->hash, v_handshake_hash);
	v->p1_len = unhex(v->p1, v_payload1);
	v->m1_len = unhex(v->m1, v_msg1);
	v->p2_len = unhex(v->p2, v_payload2);
	v->m2_len = unhex(v->m2, v_msg2);
	v->p3_len = unhex(v->p3, v_payload3);
	v->m3_len = unhex(v->m3, v_msg3);
	v->p4_len = unhex(v->p4, v_payload4);
	v->m4_len = unhex(v->m4, v_msg4);
}

TEST(noise_ik_matches_cacophony_vector)
{
	struct vec_bytes v;
	struct noise_ik ini, resp;
	uint8_t out[256], payload[256], i_send[32], i_recv[32], r_send[32], r_recv[32];

	load_vector(&v);
	EXPECT_INT(v.m1_len, NOISE_IK_MSG1_LEN(v.p1_len));
	EXPECT_INT(v.m2_len, NOISE_IK_MSG2_LEN(v.p2_len));
	uint8_t i_pub[32];
	EXPECT(x25519_public(i_pub, v.i_s));
	EXPECT(noise_ik_init(&ini, true, v.prologue, v.prologue_len, v.i_s, i_pub, v.r_s_pub));
	EXPECT(noise_ik_set_ephemeral(&ini, v.i_e));
	EXPECT(noise_ik_init(&resp, false, v.prologue, v.prologue_len, v.r_s, v.r_s_pub, NULL));
	EXPECT(noise_ik_set_ephemeral(&resp, v.r_e));

	EXPECT(noise_ik_write_msg1(&ini, v.p1, v.p1_len, out));
	EXPECT_MEM(out, v.m1, v.m1_len);
	EXPECT(noise_ik_read_msg1_static(&resp, v.m1, v.m1_len));
	EXPECT_MEM(noise_ik_remote_static(&resp), i_pub, 32);
	EXPECT(noise_ik_read_msg1_payload(&resp, v.m1, v.m1_len, payload));
	EXPECT_MEM(payload, v.p1, v.p1_len);

	EXPECT(noise_ik_write_msg2(&resp, v.p2, v.p2_len, out));
	EXPECT_MEM(out, v.m2, v.m2_len);
	EXPECT(noise_ik_read_msg2(&ini, v.m2, v.m2_len, payload));
	EXPECT_MEM(payload, v.p2, v.p2_len);


	EXPECT_MEM(noise_ik_handshake_hash(&ini), v.hash, 32);
	EXPECT_MEM(noise_ik_handshake_hash(&resp), v.hash, 32);
	EXPECT(noise_ik_split(&ini, i_send, i_recv));
	EXPECT(noise_ik_split(&resp, r_send, r_recv));
	EXPECT_MEM(i_send, r_recv, 32);
	EXPECT_MEM(i_recv, r_send, 32);

	EXPECT(noise_encrypt(i_send, 0, NULL, 0, v.p3, v.p3_len, out));
	EXPECT_MEM(out, v.m3, v.m3_len);
	EXPECT(noise_decrypt(r_recv, 0, NULL, 0, v.m3, v.m3_len, payload));
	EXPECT_MEM(payload, v.p3, v.p3_len);
	EXPECT(noise_encrypt(r_send, 0, NULL, 0, v.p4, v.p4_len, out));
	EXPECT_MEM(out, v.m4, v.m4_len);
}

/* Random keys, both ways: the sides agree on keys and hash; a key pair
 * used in the wrong direction does not decrypt. */
TEST(noise_ik_random_keys_agree)
{
	struct noise_ik ini, resp;
	uint8_t i_s[32], i_pub[32], r_s[32], r_pub[32], m1[NOISE_IK_MSG1_LEN(5)], m2[NOISE_IK_MSG2_LEN(0)];
	uint8_t payload[8], hash[32], i_send[32], i_recv[32], r_send[32], r_recv[32], ct[32], pt[16];

	EXPECT(x25519_keypair(i_s, i_pub));
	EXPECT(x25519_keypair(r_s, r_pub));
	EXPECT(noise_ik_init(&ini, true, "p", 1, i_s, i_pub, r_pub));
	EXPECT(noise_ik_init(&resp, false, "p", 1, r_s, r_pub, NULL));
	EXPECT(noise_ik_write_msg1(&ini, (const uint8_t *)"hello", 5, m1));
	EXPECT(noise_ik_read_msg1_static(&resp, m1, sizeof m1));
	EXPECT_MEM(noise_ik_remote_static(&resp), i_pub, 32);
	EXPECT(noise_ik_read_msg1_payload(&resp, m1, sizeof m1, payload));
	EXPECT_MEM(payload, "hello", 5);
	EXPECT(noise_ik_write_msg2(&resp, NULL, 0, m2));
	EXPECT(noise_ik_read_msg2(&ini, m2, sizeof m2, payload));
	memcpy(hash, noise_ik_handshake_hash(&ini), 32);
	EXPECT_MEM(noise_ik_handshake_hash(&resp), hash, 32);
	EXPECT(noise_ik_split(&ini, i_send, i_recv));
	EXPECT(noise_ik_split(&resp, r_send, r_recv));
	EXPECT_MEM(i_send, r_recv, 32);
	EXPECT_MEM(i_recv, r_send, 32);
	EXPECT(memcmp(i_send, i_recv, 32) != 0);
	EXPECT(noise_encrypt(i_send, 7, "ad", 2, (const uint8_t *)"data", 4, ct));
	EXPECT(noise_decrypt(r_recv, 7, "ad", 2, ct, 20, pt));
	EXPECT(!noise_decrypt(r_send, 7, "ad", 2, ct, 20, pt));
	EXPECT(!noise_decrypt(r_recv, 8, "ad", 2, ct, 20, pt));
	EXPECT(!noise_decrypt(r_recv, 7, "xx", 2, ct, 20, pt));
}

/* A different prologue on one side breaks the handshake at the first AEAD. */
TEST(noise_ik_prologue_mismatch_fails)
{
	struct noise_ik ini, resp;
	uint8_t i_s[32], i_pub[32], r_s[32], r_pub[32], m1[NOISE_IK_MSG1_LEN(0)];

	EXPECT(x25519_keypair(i_s, i_pub));
	EXPECT(x25519_keypair(r_s, r_pub));
	EXPECT(noise_ik_init(&ini, true, "one", 3, i_s, i_pub, r_pub));
	EXPECT(noise_ik_init(&resp, false, "two", 3, r_s, r_pub, NULL));
	EXPECT(noise_ik_write_msg1(&ini, NULL, 0, m1));
	EXPECT(!noise_ik_read_msg1_static(&resp, m1, sizeof m1));
}

/* h(n+1) = SHA-256(h(n) || data), as MixHash says. */
static void chain(uint8_t h[32], const uint8_t *data, size_t len)
{
	uint8_t in[32 + 256];

	memcpy(in, h, 32);
	memcpy(in + 32, data, len);
	mbedtls_sha256_ret(in, 32 + len, h, 0);
}

/* The spec's transcript rule, from the wire bytes alone: h starts as the
 * 32-byte protocol name, then MixHash takes the prologue, the responder's
 * static key (the "<- s" pre-message), e, the encrypted s, the encrypted
 * payload, the responder's e and its encrypted payload, in that order. */
TEST(noise_ik_hash_follows_the_spec_transcript)
{
	struct noise_ik ini, resp;
	uint8_t i_s[32], i_pub[32], r_s[32], r_pub[32], m1[NOISE_IK_MSG1_LEN(3)], m2[NOISE_IK_MSG2_LEN(2)];
	uint8_t h[32], payload[8];

	EXPECT(x25519_keypair(i_s, i_pub));
	EXPECT(x25519_keypair(r_s, r_pub));
	EXPECT(noise_ik_init(&ini, true, "pro", 3, i_s, i_pub, r_pub));
	EXPECT(noise_ik_init(&resp, false, "pro", 3, r_s, r_pub, NULL));
	EXPECT(noise_ik_write_msg1(&ini, (const uint8_t *)"abc", 3, m1));
	EXPECT(noise_ik_read_msg1_static(&resp, m1, sizeof m1));
	EXPECT(noise_ik_read_msg1_payload(&resp, m1, sizeof m1, payload));
	EXPECT(noise_ik_write_msg2(&resp, (const uint8_t *)"de", 2, m2));
	EXPECT(noise_ik_read_msg2(&ini, m2, sizeof m2, payload));

	memcpy(h, "Noise_IK_25519_ChaChaPoly_SHA256", 32);
	chain(h, (const uint8_t *)"pro", 3);
	chain(h, r_pub, 32);
	chain(h, m1, 32);			/* e */
	chain(h, m1 + 32, 48);			/* encrypted s */
	chain(h, m1 + 80, sizeof m1 - 80);	/* encrypted payload */
	chain(h, m2, 32);			/* responder's e */
	chain(h, m2 + 32, sizeof m2 - 32);
	EXPECT_MEM(noise_ik_handshake_hash(&ini), h, 32);
	EXPECT_MEM(noise_ik_handshake_hash(&resp), h, 32);
	/* The plaintext never appears on the wire. */
	EXPECT(memcmp(m1 + 80, "abc", 3) != 0);
	EXPECT(memcmp(m1 + 32, i_pub, 32) != 0);
}

/* Fixed keys give byte-identical messages; another ephemeral key does not. */
TEST(noise_ik_fixed_keys_are_deterministic)
{
	static const uint8_t i_s[32] = { 1 }, r_s[32] = { 2 }, e1[32] = { 3 }, e2[32] = { 3, 9 };
	uint8_t i_pub[32], r_pub[32], a[NOISE_IK_MSG1_LEN(0)], b[NOISE_IK_MSG1_LEN(0)], c[NOISE_IK_MSG1_LEN(0)];
	struct noise_ik hs;

	EXPECT(x25519_public(i_pub, i_s));
	EXPECT(x25519_public(r_pub, r_s));
	EXPECT(noise_ik_init(&hs, true, NULL, 0, i_s, i_pub, r_pub) && noise_ik_set_ephemeral(&hs, e1));
	EXPECT(noise_ik_write_msg1(&hs, NULL, 0, a));
	EXPECT(noise_ik_init(&hs, true, NULL, 0, i_s, i_pub, r_pub) && noise_ik_set_ephemeral(&hs, e1));
	EXPECT(noise_ik_write_msg1(&hs, NULL, 0, b));
	EXPECT(noise_ik_init(&hs, true, NULL, 0, i_s, i_pub, r_pub) && noise_ik_set_ephemeral(&hs, e2));
	EXPECT(noise_ik_write_msg1(&hs, NULL, 0, c));
	EXPECT_MEM(a, b, sizeof a);
	EXPECT(memcmp(a, c, sizeof a) != 0);
	noise_ik_wipe(&hs);
}

int main(void)
{
	RUN(noise_ik_matches_cacophony_vector);
	RUN(noise_ik_random_keys_agree);
	RUN(noise_ik_prologue_mismatch_fails);
	RUN(noise_ik_hash_follows_the_spec_transcript);
	RUN(noise_ik_fixed_keys_are_deterministic);
	return unit_exit_status();
}
