/* X25519 (RFC 7748) on mbedTLS's Curve25519. Keys are the raw 32-byte
 * little-endian strings of the RFC, as they travel on the wire and sit in
 * key files. Private keys are clamped where they are used, so any 32 bytes
 * are a usable private key. */
#ifndef SSPSH_X25519_H
#define SSPSH_X25519_H

#include <stdbool.h>
#include <stdint.h>

#define X25519_KEY_LEN 32

/* A fresh key pair from the random generator; false if it failed. */
bool x25519_keypair(uint8_t priv[X25519_KEY_LEN], uint8_t pub[X25519_KEY_LEN]);
/* pub = X25519(priv, 9). */
bool x25519_public(uint8_t pub[X25519_KEY_LEN], const uint8_t priv[X25519_KEY_LEN]);
/* shared = X25519(priv, peer). False for a peer key of small order (whose
 * result would not depend on priv) and on any mbedTLS failure; shared is
 * then zeroed. */
bool x25519_dh(uint8_t shared[X25519_KEY_LEN], const uint8_t priv[X25519_KEY_LEN],
	       const uint8_t peer[X25519_KEY_LEN]);

/* Scalar multiplications done so far by this process (x25519_public and
 * x25519_dh), so tests and benchmarks can see what a message cost. */
uint64_t x25519_operations(void);

#endif
