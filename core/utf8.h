/* UTF-8 (RFC 3629) as Unicode defines it well-formed: no overlong forms,
 * no surrogates, nothing past U+10FFFF. One definition of the byte ranges
 * for every decoder in the program (the streaming one in term/parser.c
 * uses utf8_lead; whole buffers use utf8_decode). */
#ifndef SSPSH_UTF8_H
#define SSPSH_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UTF8_MAX_LEN 4
/* What utf8_decode gives for bytes that are not a well-formed sequence. */
#define UTF8_INVALID UINT32_MAX
#define UTF8_REPLACEMENT 0xfffdu

/* What a lead byte starts. */
struct utf8_lead {
	int continuations;	/* bytes that must follow: 0..3 */
	uint32_t bits;		/* the code point bits the lead byte holds */
	/* The range the first continuation byte must fall in: narrower than
	 * 0x80..0xbf after E0, ED, F0 and F4, which rules out overlong forms,
	 * surrogates and code points past U+10FFFF. Later continuation bytes
	 * are always 0x80..0xbf. */
	uint8_t low, high;
};

/* False for a byte that cannot start a sequence (0x80..0xc1, 0xf5..0xff). */
bool utf8_lead(uint8_t byte, struct utf8_lead *lead);

/* Decodes the sequence at s[0..len), len >= 1. Returns the bytes used, at
 * least 1: a whole sequence, or else the longest start of one that was
 * still well-formed (Unicode's "maximal subpart"), and *cp is then
 * UTF8_INVALID. */
size_t utf8_decode(const uint8_t *s, size_t len, uint32_t *cp);

/* Writes cp as 1..4 bytes and returns how many; a surrogate or a value
 * past U+10FFFF is written as U+FFFD. */
size_t utf8_encode(uint32_t cp, char out[UTF8_MAX_LEN]);

#endif
