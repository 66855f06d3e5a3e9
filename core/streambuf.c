#include "core/streambuf.h"

#include <stdlib.h>
#include <string.h>

#define STREAMBUF_MIN_CAP 4096

void streambuf_init(struct streambuf *s, size_t max, uint64_t base, struct streambuf_spare *spare)
{
	memset(s, 0, sizeof *s);
	s->max = max;
	s->base = base;
	s->spare = spare;
}

void streambuf_free(struct streambuf *s)
{
	struct streambuf_spare *spare = s->spare;

	if (spare && s->cap > spare->cap) {
		free(spare->data);
		spare->data = s->data;
		spare->cap = s->cap;
	} else {
		free(s->data);
	}
	s->data = NULL;
	s->cap = 0;
}

void streambuf_spare_free(struct streambuf_spare *spare)
{
	free(spare->data);
	spare->data = NULL;
	spare->cap = 0;
}

/* An empty ring takes the spare if it holds need bytes. */
static void take_spare(struct streambuf *s, uint64_t need)
{
	struct streambuf_spare *spare = s->spare;

	if (s->cap || !spare || !spare->data || spare->cap < need)
		return;
	s->data = spare->data;
	s->cap = spare->cap;
	spare->data = NULL;
	spare->cap = 0;
}

static size_t ring_pos(const struct streambuf *s, uint64_t at)
{
	return (size_t)(at & (uint64_t)(s->cap - 1));
}

void streambuf_put(struct streambuf *s, uint64_t at, const void *data, size_t len)
{
	const uint8_t *from = data;
	size_t pos, first;

	if (len == 0)
		return;
	pos = ring_pos(s, at);
	first = s->cap - pos;
	if (len <= first) {
		memcpy(s->data + pos, from, len);
	} else {
		memcpy(s->data + pos, from, first);
		memcpy(s->data, from + first, len - first);
	}
}

/* Moves the held bytes (offsets base..base+cap-1) into a ring of new_cap. */
static bool regrow(struct streambuf *s, size_t new_cap)
{
	struct streambuf grown = *s;
	size_t first, split;

	grown.data = malloc(new_cap);
	grown.cap = new_cap;
	if (!grown.data)
		return false;
	if (s->cap) {
		first = ring_pos(s, s->base);
		split = s->cap - first;
		streambuf_put(&grown, s->base, s->data + first, split);
		streambuf_put(&grown, s->base + split, s->data, first);
	}
	free(s->data);
	*s = grown;
	return true;
}

bool streambuf_reserve(struct streambuf *s, uint64_t end)
{
	uint64_t need = end > s->base ? end - s->base : 0;
	size_t cap;

	if (need <= s->cap)
		return true;
	if (need > s->max)
		return false;
	take_spare(s, need);
	if (need <= s->cap)
		return true;
	cap = s->cap ? s->cap : STREAMBUF_MIN_CAP;
	while (cap < need)
		cap *= 2;
	return regrow(s, cap);
}

void streambuf_get(const struct streambuf *s, uint64_t at, void *out, size_t len)
{
	uint8_t *to = out;
	size_t pos, first;

	if (len == 0)
		return;
	pos = ring_pos(s, at);
	first = s->cap - pos;
	if (len <= first) {
		memcpy(to, s->data + pos, len);
	} else {
		memcpy(to, s->data + pos, first);
		memcpy(to + first, s->data, len - first);
	}
}

int streambuf_pieces(struct streambuf *s, uint64_t at, size_t len, struct iovec piece[2])
{
	size_t pos, first;

	if (len == 0)
		return 0;
	pos = ring_pos(s, at);
	first = s->cap - pos;
	piece[0] = (struct iovec){ s->data + pos, len < first ? len : first };
	if (len <= first)
		return 1;
	piece[1] = (struct iovec){ s->data, len - first };
	return 2;
}

size_t streambuf_room(const struct streambuf *s, uint64_t end)
{
	uint64_t held = end - s->base;

	return held < s->cap ? s->cap - (size_t)held : 0;
}

void streambuf_advance(struct streambuf *s, uint64_t new_base, uint64_t end)
{
	if (new_base <= s->base)
		return;
	s->base = new_base;
	if (new_base >= end)
		streambuf_free(s);
}
