/* ChaCha20-Poly1305 (RFC 8439) through mbedTLS: the transport's one and only
 * cipher suite. Sealing appends the 16-byte tag; opening checks it in
 * constant time before releasing any plaintext. */
#ifndef SSPSH_AEAD_H
#define SSPSH_AEAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mbedtls/chachapoly.h>

#define AEAD_KEY_LEN 32
#define AEAD_NONCE_LEN 12
#define AEAD_TAG_LEN 16

struct aead {
	mbedtls_chachapoly_context ctx;
};

bool aead_init(struct aead *a, const uint8_t key[AEAD_KEY_LEN]);
/* Wipes the key schedule. */
void aead_free(struct aead *a);
/* Writes len bytes of ciphertext and the tag to out (len + AEAD_TAG_LEN
 * bytes). out may equal plain. The nonce must never repeat under one key. */
bool aead_seal(struct aead *a, const uint8_t nonce[AEAD_NONCE_LEN],
	       const uint8_t *aad, size_t aad_len,
	       const uint8_t *plain, size_t len, uint8_t *out);
/* Opens sealed_len bytes (ciphertext then tag) into plain_out
 * (sealed_len - AEAD_TAG_LEN bytes); false if too short or not authentic,
 * and then plain_out holds nothing usable. */
bool aead_open(struct aead *a, const uint8_t nonce[AEAD_NONCE_LEN],
	       const uint8_t *aad, size_t aad_len,
	       const uint8_t *sealed, size_t sealed_len, uint8_t *plain_out);

/* The same two for a message whose plaintext is a head of head_len bytes
 * and a body of the rest, kept apart (a datagram's timestamps and its
 * payload): no copy joins them. The ciphertext and tag are those of the
 * joined message. Sealing: out gets head_len + len bytes of ciphertext
 * and the tag; opening: false if sealed_len is too short or the message is
 * not authentic, and then neither output holds anything usable. */
bool aead_seal_split(struct aead *a, const uint8_t nonce[AEAD_NONCE_LEN],
		     const uint8_t *aad, size_t aad_len, const uint8_t *head, size_t head_len,
		     const uint8_t *body, size_t len, uint8_t *out);
bool aead_open_split(struct aead *a, const uint8_t nonce[AEAD_NONCE_LEN],
		     const uint8_t *aad, size_t aad_len, const uint8_t *sealed, size_t sealed_len,
		     uint8_t *head_out, size_t head_len, uint8_t *body_out);

#endif
