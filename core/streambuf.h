/* A window of a byte stream, addressed by absolute stream offset: the
 * bytes from `base` up to some end, in a ring that grows by doubling up to
 * a fixed most-bytes bound and gives its memory back when it empties. The
 * channel layer keeps a stream's unacknowledged bytes (sender) and its
 * unread bytes, with holes, (receiver) in one each. */
#ifndef SSPSH_STREAMBUF_H
#define SSPSH_STREAMBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct streambuf {
	uint8_t *data;
	size_t cap;		/* a power of two, or 0 */
	size_t max;		/* cap never exceeds this (rounded up to a power of two) */
	uint64_t base;		/* stream offset of the oldest byte held */
};

void streambuf_init(struct streambuf *s, size_t max, uint64_t base);
void streambuf_free(struct streambuf *s);
/* Makes room for offsets base..end-1. False if that is more than `max`
 * bytes or memory ran out. Keeps whatever was written. */
bool streambuf_reserve(struct streambuf *s, uint64_t end);
/* Copies len bytes in at stream offset `at`; the room must be reserved. */
void streambuf_put(struct streambuf *s, uint64_t at, const void *data, size_t len);
/* Copies len bytes out from stream offset `at` (base <= at, reserved). */
void streambuf_get(const struct streambuf *s, uint64_t at, void *out, size_t len);
/* Forgets the bytes below new_base. When nothing up to `end` is held any
 * more (new_base == end) the memory is freed. */
void streambuf_advance(struct streambuf *s, uint64_t new_base, uint64_t end);

#endif
