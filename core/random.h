/* Cryptographic randomness: mbedTLS CTR-DRBG seeded from the OS (getrandom). */
#ifndef SSPSH_RANDOM_H
#define SSPSH_RANDOM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Fills out with random bytes; false (and a logged error) if the DRBG
 * cannot be seeded or fails. Safe to call repeatedly; reseeds after fork. */
bool random_bytes(void *out, size_t len);

#endif
