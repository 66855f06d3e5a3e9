/* Byte buffers. All wire parsing goes through struct reader, whose getters
 * never read past the end: on a short read they set `failed`, return zero,
 * and every later read fails too, so a parser checks once at the end.
 * struct buf is a growable output buffer whose storage is reused between
 * uses (buf_reset keeps the allocation), so hot paths do not allocate. */
#ifndef SSPSH_BUF_H
#define SSPSH_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf {
	uint8_t *data;
	size_t len;
	size_t cap;
	bool oom;	/* an allocation failed; contents are truncated */
};

void buf_init(struct buf *b);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
/* Make room for `more` bytes; false (and b->oom) if memory ran out. */
bool buf_reserve(struct buf *b, size_t more);
void buf_put(struct buf *b, const void *data, size_t len);
void buf_put_str(struct buf *b, const char *s);
void buf_put_u8(struct buf *b, uint8_t v);
void buf_put_be16(struct buf *b, uint16_t v);
void buf_put_be32(struct buf *b, uint32_t v);
void buf_put_be64(struct buf *b, uint64_t v);
/* Unsigned LEB128: 7 bits a byte, low groups first. */
void buf_put_varint(struct buf *b, uint64_t v);
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Drop the first n bytes (n <= len). */
void buf_consume(struct buf *b, size_t n);

struct reader {
	const uint8_t *p;
	size_t len;
	size_t off;
	bool failed;
};

void reader_init(struct reader *r, const void *data, size_t len);
size_t reader_left(const struct reader *r);
uint8_t rd_u8(struct reader *r);
uint16_t rd_be16(struct reader *r);
uint32_t rd_be32(struct reader *r);
uint64_t rd_be64(struct reader *r);
uint64_t rd_varint(struct reader *r);
/* Points into the reader's data; NULL (and failed) if fewer than n bytes. */
const uint8_t *rd_bytes(struct reader *r, size_t n);
/* Succeeds only when every byte was consumed and no read failed. */
bool reader_done(const struct reader *r);

#endif
