/* What the fuzz targets that drive two ends over a fuzzed link share: a
 * bounded queue of packets for one direction (full: it drops, as a link
 * does), and the splitter that cuts the fuzzer's input into steps of a mode
 * byte, a big-endian 16-bit length and up to that many bytes. Header-only
 * (static inline): each target is one translation unit. */
#ifndef SSPSH_FUZZ_LINK_H
#define SSPSH_FUZZ_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define QUEUE_MAX 64

struct queue {
	struct buf items[QUEUE_MAX];
	size_t head, count;
};

static inline void queue_push(struct queue *q, const uint8_t *packet, size_t len)
{
	struct buf *slot;

	if (q->count == QUEUE_MAX)
		return;
	slot = &q->items[(q->head + q->count++) % QUEUE_MAX];
	buf_reset(slot);
	buf_put(slot, packet, len);
}

static inline struct buf *queue_head(struct queue *q)
{
	return q->count ? &q->items[q->head] : NULL;
}

static inline void queue_pop(struct queue *q)
{
	if (q->count) {
		q->head = (q->head + 1) % QUEUE_MAX;
		q->count--;
	}
}

/* The head goes to the back: a reordered packet. */
static inline void queue_rotate(struct queue *q)
{
	struct buf *b = queue_head(q);

	if (b) {
		queue_push(q, b->data, b->len);
		queue_pop(q);
	}
}

static inline void queue_free(struct queue *q)
{
	for (size_t i = 0; i < QUEUE_MAX; i++)
		buf_free(&q->items[i]);
}

/* The next step of the input; false when fewer than 3 bytes are left. */
static inline bool fuzz_step(const uint8_t **data, size_t *size, uint8_t *mode, const uint8_t **bytes,
			     size_t *len)
{
	if (*size < 3)
		return false;
	*mode = (*data)[0];
	*len = (size_t)(*data)[1] << 8 | (*data)[2];
	*data += 3;
	*size -= 3;
	if (*len > *size)
		*len = *size;
	*bytes = *data;
	*data += *len;
	*size -= *len;
	return true;
}

#endif
