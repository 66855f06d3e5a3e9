#include "core/streambuf.h"

#include <stdlib.h>
#include <string.h>

#define STREAMBUF_MIN_CAP 4096

void streambuf_init(struct streambuf *s, size_t max, uint64_t base)
{
	memset(s, 0, sizeof *s);
	s->max = max;
	s->base = base;
}

void streambuf_free(struct streambuf *s)
{
	free(s->data);
	s->data = NULL;
	s->cap = 0;
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
	size_t cap = s->cap ? s->cap : STREAMBUF_MIN_CAP;

	if (need <= s->cap)
		return true;
	if (need > s->max)
		return false;
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

void streambuf_advance(struct streambuf *s, uint64_t new_base, uint64_t end)
{
	if (new_base <= s->base)
		return;
	s->base = new_base;
	if (new_base >= end)
		streambuf_free(s);
}
