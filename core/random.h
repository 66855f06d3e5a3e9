/* Cryptographic randomness: the kernel's generator (getrandom). */
#ifndef SSPSH_RANDOM_H
#define SSPSH_RANDOM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Fills out with random bytes; false (and a logged error) if the kernel
 * cannot give them. Safe in a forked child: nothing is carried over. */
bool random_bytes(void *out, size_t len);

#endif
