#include "core/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_init(struct buf *b)
{
	memset(b, 0, sizeof *b);
}

void buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	b->oom = false;
}

bool buf_reserve(struct buf *b, size_t more)
{
	size_t need, cap;
	uint8_t *p;

	if (b->oom)
		return false;
	if (more > SIZE_MAX - b->len)
		goto fail;
	need = b->len + more;
	if (need <= b->cap)
		return true;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	p = realloc(b->data, cap);
	if (!p)
		goto fail;
	b->data = p;
	b->cap = cap;
	return true;
fail:
	b->oom = true;
	return false;
}

void buf_put(struct buf *b, const void *data, size_t len)
{
	if (len == 0 || !buf_reserve(b, len))
		return;
	memcpy(b->data + b->len, data, len);
	b->len += len;
}

void buf_put_str(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

void buf_put_u8(struct buf *b, uint8_t v)
{
	if (!buf_reserve(b, 1))
		return;
	b->data[b->len++] = v;
}

void buf_put_be16(struct buf *b, uint16_t v)
{
	uint8_t x[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	buf_put(b, x, sizeof x);
}

void buf_put_be32(struct buf *b, uint32_t v)
{
	buf_put_be16(b, (uint16_t)(v >> 16));
	buf_put_be16(b, (uint16_t)v);
}

void buf_put_be64(struct buf *b, uint64_t v)
{
	buf_put_be32(b, (uint32_t)(v >> 32));
	buf_put_be32(b, (uint32_t)v);
}

void buf_put_varint(struct buf *b, uint64_t v)
{
	while (v >= 0x80) {
		buf_put_u8(b, (uint8_t)(v | 0x80));
		v >>= 7;
	}
	buf_put_u8(b, (uint8_t)v);
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !buf_reserve(b, (size_t)n + 1))
		return;
	va_start(ap, fmt);
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void buf_consume(struct buf *b, size_t n)
{
	if (n >= b->len) {
		b->len = 0;
		return;
	}
	memmove(b->data, b->data + n, b->len - n);
	b->len -= n;
}

void reader_init(struct reader *r, const void *data, size_t len)
{
	r->p = data;
	r->len = len;
	r->off = 0;
	r->failed = false;
}

size_t reader_left(const struct reader *r)
{
	return r->failed ? 0 : r->len - r->off;
}

const uint8_t *rd_bytes(struct reader *r, size_t n)
{
	const uint8_t *at;

	if (r->failed || n > r->len - r->off) {
		r->failed = true;
		return NULL;
	}
	at = r->p + r->off;
	r->off += n;
	return at;
}

uint8_t rd_u8(struct reader *r)
{
	const uint8_t *p = rd_bytes(r, 1);
	return p ? p[0] : 0;
}

uint16_t rd_be16(struct reader *r)
{
	const uint8_t *p = rd_bytes(r, 2);
	return p ? (uint16_t)(p[0] << 8 | p[1]) : 0;
}

static uint64_t rd_be_n(struct reader *r, size_t n)
{
	const uint8_t *p = rd_bytes(r, n);
	uint64_t v = 0;

	for (size_t i = 0; p && i < n; i++)
		v = v << 8 | p[i];
	return v;
}

uint32_t rd_be32(struct reader *r)
{
	return (uint32_t)rd_be_n(r, 4);
}

uint64_t rd_be64(struct reader *r)
{
	return rd_be_n(r, 8);
}

uint64_t rd_varint(struct reader *r)
{
	uint64_t v = 0;
	unsigned shift;

	for (shift = 0; shift < 64; shift += 7) {
		uint8_t byte = rd_u8(r);
		if (r->failed)
			return 0;
		if (shift == 63 && byte > 1)
			break;
		v |= (uint64_t)(byte & 0x7f) << shift;
		if (!(byte & 0x80))
			return v;
	}
	r->failed = true;
	return 0;
}

bool reader_done(const struct reader *r)
{
	return !r->failed && r->off == r->len;
}
