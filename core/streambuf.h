/* A window of a byte stream, addressed by absolute stream offset: the
 * bytes from `base` up to some end, in a ring that grows by doubling up to
 * a fixed most-bytes bound and gives its memory back when it empties. The
 * channel layer keeps a stream's unacknowledged bytes (sender) and its
 * unread bytes, with holes, (receiver) in one each.
 *
 * Rings may share a spare: the memory of a ring that empties (or is freed)
 * is kept there, one ring's worth at most, and the next ring that needs
 * memory takes it. A stream that empties between every read and the next
 * write (a forwarded download: the receiver drains its ring each turn)
 * then reuses one ring instead of allocating it, growing it through every
 * size on the way and faulting its pages in anew each time. */
#ifndef SSPSH_STREAMBUF_H
#define SSPSH_STREAMBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

/* Memory of an emptied ring, for the next one (its cap, a power of two). */
struct streambuf_spare {
	uint8_t *data;
	size_t cap;
};

struct streambuf {
	uint8_t *data;
	size_t cap;		/* a power of two, or 0 */
	size_t max;		/* cap never exceeds this (rounded up to a power of two) */
	uint64_t base;		/* stream offset of the oldest byte held */
	struct streambuf_spare *spare;	/* NULL: memory goes straight back */
};

/* spare (NULL: none) must outlive s; rings sharing one have the same max. */
void streambuf_init(struct streambuf *s, size_t max, uint64_t base, struct streambuf_spare *spare);
/* Gives the memory to the spare if it holds less, else back. */
void streambuf_free(struct streambuf *s);
void streambuf_spare_free(struct streambuf_spare *spare);
/* Makes room for offsets base..end-1. False if that is more than `max`
 * bytes or memory ran out. Keeps whatever was written. */
bool streambuf_reserve(struct streambuf *s, uint64_t end);
/* Copies len bytes in at stream offset `at`; the room must be reserved. */
void streambuf_put(struct streambuf *s, uint64_t at, const void *data, size_t len);
/* Copies len bytes out from stream offset `at` (base <= at, reserved). */
void streambuf_get(const struct streambuf *s, uint64_t at, void *out, size_t len);
/* The room of offsets at..at+len-1 (base <= at, reserved) in place: one
 * piece, or two where the ring wraps. Returns how many. */
int streambuf_pieces(struct streambuf *s, uint64_t at, size_t len, struct iovec piece[2]);
/* Bytes the ring holds room for beyond end without growing. */
size_t streambuf_room(const struct streambuf *s, uint64_t end);
/* Forgets the bytes below new_base. When nothing up to `end` is held any
 * more (new_base == end) the memory is freed. */
void streambuf_advance(struct streambuf *s, uint64_t new_base, uint64_t end);

#endif
