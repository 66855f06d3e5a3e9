#include "net/noise_ik.h"

#include <string.h>

#include <mbedtls/chachapoly.h>
#include <mbedtls/hkdf.h>
#include <mbedtls/md.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/sha256.h>

/* Exactly HASHLEN bytes, so it is used as h unhashed (spec 5.2). */
static const char protocol_name[] = "Noise_IK_25519_ChaChaPoly_SHA256";
_Static_assert(sizeof protocol_name - 1 == NOISE_HASH_LEN, "protocol name is HASHLEN bytes");

static void nonce_bytes(uint8_t out[12], uint64_t n)
{
	memset(out, 0, 4);
	for (int i = 0; i < 8; i++)
		out[4 + i] = (uint8_t)(n >> (8 * i));
}

bool noise_encrypt(const uint8_t key[NOISE_KEY_LEN], uint64_t n, const void *ad, size_t ad_len,
		   const uint8_t *in, size_t len, uint8_t *out)
{
	mbedtls_chachapoly_context ctx;
	uint8_t nonce[12];
	int err;

	nonce_bytes(nonce, n);
	mbedtls_chachapoly_init(&ctx);
	err = mbedtls_chachapoly_setkey(&ctx, key);
	if (!err)
		err = mbedtls_chachapoly_encrypt_and_tag(&ctx, len, nonce, ad, ad_len, in, out, out + len);
	mbedtls_chachapoly_free(&ctx);
	return err == 0;
}

bool noise_decrypt(const uint8_t key[NOISE_KEY_LEN], uint64_t n, const void *ad, size_t ad_len,
		   const uint8_t *in, size_t len, uint8_t *out)
{
	mbedtls_chachapoly_context ctx;
	uint8_t nonce[12];
	int err;

	if (len < NOISE_TAG_LEN)
		return false;
	len -= NOISE_TAG_LEN;
	nonce_bytes(nonce, n);
	mbedtls_chachapoly_init(&ctx);
	err = mbedtls_chachapoly_setkey(&ctx, key);
	if (!err)
		err = mbedtls_chachapoly_auth_decrypt(&ctx, len, nonce, ad, ad_len, in + len, in, out);
	mbedtls_chachapoly_free(&ctx);
	return err == 0;
}

/* ---- SymmetricState ---- */

static bool mix_hash(struct noise_ik *hs, const uint8_t *data, size_t len)
{
	mbedtls_sha256_context sha;
	int err;

	mbedtls_sha256_init(&sha);
	err = mbedtls_sha256_starts_ret(&sha, 0);
	if (!err)
		err = mbedtls_sha256_update_ret(&sha, hs->h, sizeof hs->h);
	if (!err)
		err = mbedtls_sha256_update_ret(&sha, data, len);
	if (!err)
		err = mbedtls_sha256_finish_ret(&sha, hs->h);
	mbedtls_sha256_free(&sha);
	return err == 0;
}

/* HKDF(ck, ikm, 2) of the spec is RFC 5869 HKDF with salt ck, no info. */
static bool hkdf2(const uint8_t ck[NOISE_HASH_LEN], const uint8_t *ikm, size_t ikm_len,
		  uint8_t out1[NOISE_HASH_LEN], uint8_t out2[NOISE_HASH_LEN])
{
	uint8_t okm[2 * NOISE_HASH_LEN];
	int err;

	err = mbedtls_hkdf(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), ck, NOISE_HASH_LEN,
			   ikm, ikm_len, NULL, 0, okm, sizeof okm);
	if (!err) {
		memcpy(out1, okm, NOISE_HASH_LEN);
		memcpy(out2, okm + NOISE_HASH_LEN, NOISE_HASH_LEN);
	}
	mbedtls_platform_zeroize(okm, sizeof okm);
	return err == 0;
}

static bool mix_key(struct noise_ik *hs, const uint8_t *ikm, size_t len)
{
	if (!hkdf2(hs->ck, ikm, len, hs->ck, hs->k))
		return false;
	hs->has_k = true;
	hs->n = 0;
	return true;
}

/* MixKey(DH(priv, pub)). */
static bool mix_dh(struct noise_ik *hs, const uint8_t *priv, const uint8_t *pub)
{
	uint8_t shared[X25519_KEY_LEN];
	bool ok = x25519_dh(shared, priv, pub) && mix_key(hs, shared, sizeof shared);

	mbedtls_platform_zeroize(shared, sizeof shared);
	return ok;
}

/* Every use of k in IK comes after a MixKey, so has_k always holds here. */
static bool encrypt_and_hash(struct noise_ik *hs, const uint8_t *plain, size_t len, uint8_t *out)
{
	if (!hs->has_k || !noise_encrypt(hs->k, hs->n, hs->h, sizeof hs->h, plain, len, out))
		return false;
	hs->n++;
	return mix_hash(hs, out, len + NOISE_TAG_LEN);
}

static bool decrypt_and_hash(struct noise_ik *hs, const uint8_t *cipher, size_t len, uint8_t *out)
{
	if (!hs->has_k || !noise_decrypt(hs->k, hs->n, hs->h, sizeof hs->h, cipher, len, out))
		return false;
	hs->n++;
	return mix_hash(hs, cipher, len);
}

/* ---- HandshakeState ---- */

bool noise_ik_init(struct noise_ik *hs, bool initiator, const void *prologue, size_t prologue_len,
		   const uint8_t s_priv[X25519_KEY_LEN], const uint8_t s_pub[X25519_KEY_LEN],
		   const uint8_t rs[X25519_KEY_LEN])
{
	memset(hs, 0, sizeof *hs);
	hs->initiator = initiator;
	memcpy(hs->h, protocol_name, NOISE_HASH_LEN);
	memcpy(hs->ck, hs->h, NOISE_HASH_LEN);
	memcpy(hs->s_priv, s_priv, X25519_KEY_LEN);
	memcpy(hs->s_pub, s_pub, X25519_KEY_LEN);
	if (initiator != (rs != NULL))
		goto fail;
	if (initiator)
		memcpy(hs->rs, rs, X25519_KEY_LEN);
	/* The pre-message "<- s" is the responder's static key. */
	if (!mix_hash(hs, prologue, prologue_len) ||
	    !mix_hash(hs, initiator ? hs->rs : hs->s_pub, X25519_KEY_LEN))
		goto fail;
	return true;
fail:
	noise_ik_wipe(hs);
	return false;
}

bool noise_ik_set_ephemeral(struct noise_ik *hs, const uint8_t e_priv[X25519_KEY_LEN])
{
	memcpy(hs->e_priv, e_priv, X25519_KEY_LEN);
	hs->has_e = x25519_public(hs->e_pub, hs->e_priv);
	return hs->has_e;
}

/* Token "e" when writing. */
static bool write_e(struct noise_ik *hs, uint8_t *out)
{
	if (!hs->has_e && !x25519_keypair(hs->e_priv, hs->e_pub))
		return false;
	hs->has_e = true;
	memcpy(out, hs->e_pub, X25519_KEY_LEN);
	return mix_hash(hs, hs->e_pub, X25519_KEY_LEN);
}

/* Token "e" when reading. */
static bool read_e(struct noise_ik *hs, const uint8_t *msg)
{
	memcpy(hs->re, msg, X25519_KEY_LEN);
	return mix_hash(hs, hs->re, X25519_KEY_LEN);
}

bool noise_ik_write_msg1(struct noise_ik *hs, const uint8_t *payload, size_t payload_len, uint8_t *out)
{
	uint8_t *s_field = out + X25519_KEY_LEN;
	uint8_t *payload_field = s_field + X25519_KEY_LEN + NOISE_TAG_LEN;

	return hs->initiator && write_e(hs, out) &&
	       mix_dh(hs, hs->e_priv, hs->rs) &&				/* es */
	       encrypt_and_hash(hs, hs->s_pub, X25519_KEY_LEN, s_field) &&	/* s */
	       mix_dh(hs, hs->s_priv, hs->rs) &&				/* ss */
	       encrypt_and_hash(hs, payload, payload_len, payload_field);
}

bool noise_ik_read_msg1_static(struct noise_ik *hs, const uint8_t *msg, size_t len)
{
	const uint8_t *s_field = msg + X25519_KEY_LEN;

	return !hs->initiator && len >= NOISE_IK_MSG1_LEN(0) &&
	       read_e(hs, msg) &&
	       mix_dh(hs, hs->s_priv, hs->re) &&				/* es */
	       decrypt_and_hash(hs, s_field, X25519_KEY_LEN + NOISE_TAG_LEN, hs->rs);	/* s */
}

bool noise_ik_read_msg1_payload(struct noise_ik *hs, const uint8_t *msg, size_t len, uint8_t *payload)
{
	size_t head = 2 * X25519_KEY_LEN + NOISE_TAG_LEN;

	return !hs->initiator && len >= NOISE_IK_MSG1_LEN(0) &&
	       mix_dh(hs, hs->s_priv, hs->rs) &&				/* ss */
	       decrypt_and_hash(hs, msg + head, len - head, payload);
}

bool noise_ik_write_msg2(struct noise_ik *hs, const uint8_t *payload, size_t payload_len, uint8_t *out)
{
	return !hs->initiator && write_e(hs, out) &&
	       mix_dh(hs, hs->e_priv, hs->re) &&				/* ee */
	       mix_dh(hs, hs->e_priv, hs->rs) &&				/* se */
	       encrypt_and_hash(hs, payload, payload_len, out + X25519_KEY_LEN);
}

bool noise_ik_read_msg2(struct noise_ik *hs, const uint8_t *msg, size_t len, uint8_t *payload)
{
	return hs->initiator && len >= NOISE_IK_MSG2_LEN(0) &&
	       read_e(hs, msg) &&
	       mix_dh(hs, hs->e_priv, hs->re) &&				/* ee */
	       mix_dh(hs, hs->s_priv, hs->re) &&				/* se */
	       decrypt_and_hash(hs, msg + X25519_KEY_LEN, len - X25519_KEY_LEN, payload);
}

const uint8_t *noise_ik_remote_static(const struct noise_ik *hs)
{
	return hs->rs;
}

const uint8_t *noise_ik_handshake_hash(const struct noise_ik *hs)
{
	return hs->h;
}

bool noise_ik_split(struct noise_ik *hs, uint8_t send_key[NOISE_KEY_LEN], uint8_t recv_key[NOISE_KEY_LEN])
{
	static const uint8_t nothing[1];
	uint8_t k1[NOISE_KEY_LEN], k2[NOISE_KEY_LEN];
	bool ok = hkdf2(hs->ck, nothing, 0, k1, k2);

	/* The first key is the initiator's sending key. */
	if (ok) {
		memcpy(send_key, hs->initiator ? k1 : k2, NOISE_KEY_LEN);
		memcpy(recv_key, hs->initiator ? k2 : k1, NOISE_KEY_LEN);
	}
	mbedtls_platform_zeroize(k1, sizeof k1);
	mbedtls_platform_zeroize(k2, sizeof k2);
	noise_ik_wipe(hs);
	return ok;
}

void noise_ik_wipe(struct noise_ik *hs)
{
	mbedtls_platform_zeroize(hs, sizeof *hs);
}
