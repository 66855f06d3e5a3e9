/* The scrollback log: a ring of encoded entries that grows up to its limit
 * and then reuses the oldest entry's slot (and, through realloc, its
 * memory) for each new one. */
#include "term/history.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/options.h"
#include "term/history_line.h"

/* Slots the ring starts with; it doubles from there up to the limit. */
#define RING_FIRST 64

struct entry {
	uint8_t *data;
	uint32_t len;
};

struct history {
	uint32_t max_lines;
	struct entry *ring;
	uint32_t cap;		/* slots allocated */
	uint32_t count;		/* entries kept */
	uint32_t head;		/* slot of the oldest */
	uint64_t start;		/* its number */
	size_t bytes;		/* of every entry's data */
	struct buf scratch;	/* the entry being encoded */
};

struct history *history_new(uint32_t max_lines)
{
	struct history *h;

	if (max_lines < 1 || max_lines > SSPSH_SCROLLBACK_MAX)
		return NULL;
	h = calloc(1, sizeof *h);
	if (!h)
		return NULL;
	h->max_lines = max_lines;
	buf_init(&h->scratch);
	return h;
}

static void drop_all(struct history *h)
{
	for (uint32_t i = 0; i < h->count; i++)
		free(h->ring[(h->head + i) % h->cap].data);
	h->start += h->count;
	h->count = 0;
	h->head = 0;
	h->bytes = 0;
}

void history_free(struct history *h)
{
	if (!h)
		return;
	drop_all(h);
	free(h->ring);
	buf_free(&h->scratch);
	free(h);
}

/* A bigger ring, its entries oldest first from slot 0. */
static bool grow(struct history *h)
{
	uint32_t cap = h->cap ? h->cap * 2 : RING_FIRST;
	struct entry *ring;

	if (cap > h->max_lines)
		cap = h->max_lines;
	ring = malloc((size_t)cap * sizeof ring[0]);
	if (!ring)
		return false;
	for (uint32_t i = 0; i < h->count; i++)
		ring[i] = h->ring[(h->head + i) % h->cap];
	free(h->ring);
	h->ring = ring;
	h->cap = cap;
	h->head = 0;
	return true;
}

bool history_limit(struct history *h, uint32_t max_lines)
{
	uint32_t keep = h->count < max_lines ? h->count : max_lines;
	uint32_t cap = h->cap < max_lines ? h->cap : max_lines;
	uint32_t drop = h->count - keep;
	struct entry *ring = NULL;

	if (max_lines == 0 || max_lines >= h->max_lines || (cap && !(ring = malloc((size_t)cap * sizeof ring[0]))))
		return false;
	for (uint32_t i = 0; i < drop; i++) {
		struct entry *oldest = &h->ring[(h->head + i) % h->cap];
		h->bytes -= oldest->len;
		free(oldest->data);
	}
	for (uint32_t i = 0; i < keep; i++)
		ring[i] = h->ring[(h->head + drop + i) % h->cap];
	free(h->ring);
	h->ring = ring;
	h->cap = cap;
	h->head = 0;
	h->count = keep;
	h->start += drop;
	h->max_lines = max_lines;
	return true;
}

/* The slot for the next entry, holding an old entry's data (to be reused)
 * or NULL; false when out of memory. */
static struct entry *next_slot(struct history *h)
{
	struct entry *slot;

	if (h->count == h->max_lines) {
		slot = &h->ring[h->head];
		h->head = (h->head + 1) % h->cap;
		h->start++;
		h->bytes -= slot->len;
		slot->len = 0;
		return slot;
	}
	if (h->count == h->cap && !grow(h))
		return NULL;
	slot = &h->ring[(h->head + h->count) % h->cap];
	slot->data = NULL;
	slot->len = 0;
	h->count++;
	return slot;
}

/* Make the scratch buffer the newest entry. */
static bool append_scratch(struct history *h)
{
	struct entry *slot;
	uint8_t *data;
	size_t len = h->scratch.len;

	if (h->scratch.oom)
		return false;
	slot = next_slot(h);
	if (!slot)
		return false;
	data = realloc(slot->data, len);
	if (!data) {
		/* The slot is the newest now: the log ends before it. */
		free(slot->data);
		slot->data = NULL;
		h->count--;
		return false;
	}
	memcpy(data, h->scratch.data, len);
	slot->data = data;
	slot->len = (uint32_t)len;
	h->bytes += len;
	return true;
}

bool history_add_line(struct history *h, const struct fb *fb, int row)
{
	buf_reset(&h->scratch);
	history_line_encode(fb, row, &h->scratch);
	return append_scratch(h);
}

bool history_add_erase(struct history *h)
{
	drop_all(h);
	buf_reset(&h->scratch);
	history_erase_encode(&h->scratch);
	return append_scratch(h);
}

uint64_t history_start(const struct history *h)
{
	return h->start;
}

uint64_t history_end(const struct history *h)
{
	return h->start + h->count;
}

bool history_entry(const struct history *h, uint64_t n, const uint8_t **data, size_t *len)
{
	const struct entry *e;

	if (n < h->start || n >= history_end(h))
		return false;
	e = &h->ring[(h->head + (n - h->start)) % h->cap];
	*data = e->data;
	*len = e->len;
	return true;
}

size_t history_memory(const struct history *h)
{
	return sizeof *h + (size_t)h->cap * sizeof h->ring[0] + h->bytes + h->scratch.cap;
}
