#include "net/aead.h"

#include <mbedtls/constant_time.h>
#include <mbedtls/platform_util.h>

bool aead_init(struct aead *a, const uint8_t key[AEAD_KEY_LEN])
{
	mbedtls_chachapoly_init(&a->ctx);
	return mbedtls_chachapoly_setkey(&a->ctx, key) == 0;
}

void aead_free(struct aead *a)
{
	mbedtls_chachapoly_free(&a->ctx);	/* zeroizes the context */
}

bool aead_seal(struct aead *a, const uint8_t nonce[AEAD_NONCE_LEN],
	       const uint8_t *aad, size_t aad_len,
	       const uint8_t *plain, size_t len, uint8_t *out)
{
	return mbedtls_chachapoly_encrypt_and_tag(&a->ctx, len, nonce, aad, aad_len,
						  plain, out, out + len) == 0;
}

bool aead_open(struct aead *a, const uint8_t nonce[AEAD_NONCE_LEN],
	       const uint8_t *aad, size_t aad_len,
	       const uint8_t *sealed, size_t sealed_len, uint8_t *plain_out)
{
	size_t len;

	if (sealed_len < AEAD_TAG_LEN)
		return false;
	len = sealed_len - AEAD_TAG_LEN;
	return mbedtls_chachapoly_auth_decrypt(&a->ctx, len, nonce, aad, aad_len,
					       sealed + len, sealed, plain_out) == 0;
}

bool aead_seal_split(struct aead *a, const uint8_t nonce[AEAD_NONCE_LEN],
		     const uint8_t *aad, size_t aad_len, const uint8_t *head, size_t head_len,
		     const uint8_t *body, size_t len, uint8_t *out)
{
	mbedtls_chachapoly_context *ctx = &a->ctx;

	return mbedtls_chachapoly_starts(ctx, nonce, MBEDTLS_CHACHAPOLY_ENCRYPT) == 0 &&
	       mbedtls_chachapoly_update_aad(ctx, aad, aad_len) == 0 &&
	       mbedtls_chachapoly_update(ctx, head_len, head, out) == 0 &&
	       mbedtls_chachapoly_update(ctx, len, body, out + head_len) == 0 &&
	       mbedtls_chachapoly_finish(ctx, out + head_len + len) == 0;
}

bool aead_open_split(struct aead *a, const uint8_t nonce[AEAD_NONCE_LEN],
		     const uint8_t *aad, size_t aad_len, const uint8_t *sealed, size_t sealed_len,
		     uint8_t *head_out, size_t head_len, uint8_t *body_out)
{
	mbedtls_chachapoly_context *ctx = &a->ctx;
	uint8_t tag[AEAD_TAG_LEN];
	size_t len;
	bool ok;

	if (sealed_len < head_len + AEAD_TAG_LEN)
		return false;
	len = sealed_len - head_len - AEAD_TAG_LEN;
	ok = mbedtls_chachapoly_starts(ctx, nonce, MBEDTLS_CHACHAPOLY_DECRYPT) == 0 &&
	     mbedtls_chachapoly_update_aad(ctx, aad, aad_len) == 0 &&
	     mbedtls_chachapoly_update(ctx, head_len, sealed, head_out) == 0 &&
	     mbedtls_chachapoly_update(ctx, len, sealed + head_len, body_out) == 0 &&
	     mbedtls_chachapoly_finish(ctx, tag) == 0 &&
	     mbedtls_ct_memcmp(tag, sealed + head_len + len, AEAD_TAG_LEN) == 0;
	if (!ok) {
		mbedtls_platform_zeroize(head_out, head_len);
		mbedtls_platform_zeroize(body_out, len);
	}
	return ok;
}
