/* The Noise handshake Noise_IK_25519_ChaChaPoly_SHA256, as the Noise
 * Protocol Framework (revision 34) defines it: SymmetricState (h, ck and a
 * CipherState) driven by the IK pattern
 *
 *     <- s
 *     ...
 *     -> e, es, s, ss
 *     <- e, ee, se
 *
 * followed by Split into two transport keys. This layer knows nothing of
 * sspsh's wire format (indices, MACs, timestamps): net/noise.h wraps it.
 * The struct is public only so that it can live on the stack or inside
 * another struct; use the functions, never the fields. */
#ifndef SSPSH_NOISE_IK_H
#define SSPSH_NOISE_IK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/x25519.h"

#define NOISE_KEY_LEN 32
#define NOISE_HASH_LEN 32
#define NOISE_TAG_LEN 16
/* Message sizes for a payload of n bytes. */
#define NOISE_IK_MSG1_LEN(n) (X25519_KEY_LEN + X25519_KEY_LEN + NOISE_TAG_LEN + (n) + NOISE_TAG_LEN)
#define NOISE_IK_MSG2_LEN(n) (X25519_KEY_LEN + (n) + NOISE_TAG_LEN)

struct noise_ik {
	bool initiator;
	uint8_t h[NOISE_HASH_LEN];
	uint8_t ck[NOISE_HASH_LEN];
	uint8_t k[NOISE_KEY_LEN];
	bool has_k;
	uint64_t n;
	uint8_t s_priv[X25519_KEY_LEN], s_pub[X25519_KEY_LEN];
	uint8_t e_priv[X25519_KEY_LEN], e_pub[X25519_KEY_LEN];
	bool has_e;
	uint8_t rs[X25519_KEY_LEN], re[X25519_KEY_LEN];
};

/* Initialize(): s_priv/s_pub is this side's static key pair; `rs` is the
 * responder's static public key, which the initiator must pass and the
 * responder must pass as NULL (it uses its own). */
bool noise_ik_init(struct noise_ik *hs, bool initiator, const void *prologue, size_t prologue_len,
		   const uint8_t s_priv[X25519_KEY_LEN], const uint8_t s_pub[X25519_KEY_LEN],
		   const uint8_t rs[X25519_KEY_LEN]);
/* Use this ephemeral private key instead of a random one (test vectors). */
bool noise_ik_set_ephemeral(struct noise_ik *hs, const uint8_t e_priv[X25519_KEY_LEN]);

/* Initiator: writes NOISE_IK_MSG1_LEN(payload_len) bytes to out. */
bool noise_ik_write_msg1(struct noise_ik *hs, const uint8_t *payload, size_t payload_len, uint8_t *out);
/* Responder, in two steps so that an unknown initiator can be refused
 * before the second DH: first e, es, s (then noise_ik_remote_static is the
 * initiator's key), then ss and the payload (len - NOISE_IK_MSG1_LEN(0)
 * bytes written to payload). Both steps take the whole message. */
bool noise_ik_read_msg1_static(struct noise_ik *hs, const uint8_t *msg, size_t len);
bool noise_ik_read_msg1_payload(struct noise_ik *hs, const uint8_t *msg, size_t len, uint8_t *payload);
/* Responder: writes NOISE_IK_MSG2_LEN(payload_len) bytes to out. */
bool noise_ik_write_msg2(struct noise_ik *hs, const uint8_t *payload, size_t payload_len, uint8_t *out);
/* Initiator: len - NOISE_IK_MSG2_LEN(0) payload bytes. */
bool noise_ik_read_msg2(struct noise_ik *hs, const uint8_t *msg, size_t len, uint8_t *payload);

const uint8_t *noise_ik_remote_static(const struct noise_ik *hs);
const uint8_t *noise_ik_handshake_hash(const struct noise_ik *hs);
/* Split(): this side's sending and receiving keys. Then wipes hs. */
bool noise_ik_split(struct noise_ik *hs, uint8_t send_key[NOISE_KEY_LEN], uint8_t recv_key[NOISE_KEY_LEN]);
void noise_ik_wipe(struct noise_ik *hs);

/* The Noise CipherState's ENCRYPT/DECRYPT: ChaCha20-Poly1305 with the
 * 96-bit nonce 0^32 || little-endian 64-bit n. encrypt writes len + 16
 * bytes; decrypt reads len >= 16 bytes and writes len - 16 (false if the
 * tag is wrong). out may equal in. */
bool noise_encrypt(const uint8_t key[NOISE_KEY_LEN], uint64_t n, const void *ad, size_t ad_len,
		   const uint8_t *in, size_t len, uint8_t *out);
bool noise_decrypt(const uint8_t key[NOISE_KEY_LEN], uint64_t n, const void *ad, size_t ad_len,
		   const uint8_t *in, size_t len, uint8_t *out);

#endif
