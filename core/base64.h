/* Standard base64 (RFC 4648, with padding) for keys on the wire and in files. */
#ifndef SSPSH_BASE64_H
#define SSPSH_BASE64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Characters base64_encode writes for n bytes, without the NUL. */
#define BASE64_LEN(n) (((n) + 2) / 3 * 4)

/* Writes BASE64_LEN(len) characters and a NUL to out (out_cap must fit them). */
bool base64_encode(const uint8_t *in, size_t len, char *out, size_t out_cap);
/* Decodes exactly `want` bytes from the NUL-free text; false if the text is
 * not canonical base64 of exactly that many bytes. */
bool base64_decode_exact(const char *text, size_t text_len, uint8_t *out, size_t want);

#endif
