#include "net/aead.h"

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
