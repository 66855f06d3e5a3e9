/* Datagram frames on a byte stream; see net/frame.h. */
#include "net/frame.h"

#include <string.h>

#define HELLO_LEN (sizeof FRAME_HELLO - 1)
/* A hello line of any version starts so. */
#define HELLO_PREFIX "SSPSH RELAY "

/* ---- Reading ---- */

void frame_reader_init(struct frame_reader *r, bool await_hello)
{
	r->awaiting_hello = await_hello;
	r->skipping_line = false;
	r->error = NULL;
	r->junk = 0;
	r->start = r->end = 0;
}

uint8_t *frame_reader_space(struct frame_reader *r, size_t *room)
{
	if (r->start > 0) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->start = 0;
	}
	*room = sizeof r->buf - r->end;
	return r->buf + r->end;
}

void frame_reader_commit(struct frame_reader *r, size_t n)
{
	r->end += n;
}

size_t frame_reader_push(struct frame_reader *r, const void *data, size_t len)
{
	size_t room;
	uint8_t *space = frame_reader_space(r, &room);

	if (len > room)
		len = room;
	memcpy(space, data, len);
	frame_reader_commit(r, len);
	return len;
}

static enum frame_status fail(struct frame_reader *r, const char *why)
{
	r->error = why;
	return FRAME_BAD;
}

static enum frame_status skip_junk(struct frame_reader *r, size_t n)
{
	r->start += n;
	r->junk += n;
	if (r->junk > SSPSH_RELAY_JUNK_MAX)
		return fail(r, "too much output before the relay's hello line (SSPSH_RELAY_JUNK_MAX)");
	return FRAME_NONE;
}

/* One whole line (with its newline) at the front: the hello, or junk. */
static enum frame_status take_line(struct frame_reader *r, size_t line_len)
{
	const uint8_t *line = r->buf + r->start;
	bool was_skipping = r->skipping_line;

	r->skipping_line = false;
	if (!was_skipping && line_len == HELLO_LEN && memcmp(line, FRAME_HELLO, HELLO_LEN) == 0) {
		r->start += line_len;
		r->awaiting_hello = false;
		return FRAME_NONE;
	}
	if (!was_skipping && line_len > sizeof HELLO_PREFIX - 1 &&
	    memcmp(line, HELLO_PREFIX, sizeof HELLO_PREFIX - 1) == 0)
		return fail(r, "the relay speaks another version of the relay protocol");
	return skip_junk(r, line_len);
}

/* Consumes lines until the hello has passed; FRAME_NONE either way unless bad. */
static enum frame_status seek_hello(struct frame_reader *r)
{
	while (r->awaiting_hello && r->start < r->end) {
		const uint8_t *newline = memchr(r->buf + r->start, '\n', r->end - r->start);
		enum frame_status s;

		if (newline)
			s = take_line(r, (size_t)(newline - (r->buf + r->start)) + 1);
		else if (r->end - r->start == sizeof r->buf) {
			/* A line longer than the buffer cannot be the hello. */
			r->skipping_line = true;
			s = skip_junk(r, r->end - r->start);
		} else
			break;
		if (s != FRAME_NONE)
			return s;
	}
	return FRAME_NONE;
}

enum frame_status frame_reader_next(struct frame_reader *r, const uint8_t **data, size_t *len)
{
	size_t have, frame_len;

	if (r->error)
		return FRAME_BAD;
	if (seek_hello(r) == FRAME_BAD)
		return FRAME_BAD;
	if (r->awaiting_hello)
		return FRAME_NONE;
	have = r->end - r->start;
	if (have < FRAME_HEADER_LEN)
		return FRAME_NONE;
	frame_len = (size_t)r->buf[r->start] << 8 | r->buf[r->start + 1];
	if (frame_len == 0)
		return fail(r, "an empty frame");
	if (frame_len > SSPSH_RELAY_FRAME_MAX)
		return fail(r, "a frame longer than the largest datagram");
	if (have < FRAME_HEADER_LEN + frame_len)
		return FRAME_NONE;
	*data = r->buf + r->start + FRAME_HEADER_LEN;
	*len = frame_len;
	r->start += FRAME_HEADER_LEN + frame_len;
	return FRAME_READY;
}

const char *frame_reader_error(const struct frame_reader *r)
{
	return r->error;
}

bool frame_reader_greeted(const struct frame_reader *r)
{
	return !r->awaiting_hello;
}

/* ---- Writing ---- */

void frame_writer_init(struct frame_writer *w)
{
	w->start = w->end = 0;
}

/* Room for n more bytes at the end, moving pending bytes to the front if
 * that makes it; false if the queue cannot take them. */
static bool make_room(struct frame_writer *w, size_t n)
{
	if (sizeof w->buf - (w->end - w->start) < n)
		return false;
	if (sizeof w->buf - w->end < n) {
		memmove(w->buf, w->buf + w->start, w->end - w->start);
		w->end -= w->start;
		w->start = 0;
	}
	return true;
}

bool frame_writer_hello(struct frame_writer *w)
{
	if (!make_room(w, HELLO_LEN))
		return false;
	memcpy(w->buf + w->end, FRAME_HELLO, HELLO_LEN);
	w->end += HELLO_LEN;
	return true;
}

enum frame_put frame_writer_put(struct frame_writer *w, const void *data, size_t len)
{
	if (len == 0 || len > SSPSH_RELAY_FRAME_MAX)
		return FRAME_TOO_BIG;
	if (!make_room(w, FRAME_HEADER_LEN + len))
		return FRAME_NO_ROOM;
	w->buf[w->end] = (uint8_t)(len >> 8);
	w->buf[w->end + 1] = (uint8_t)len;
	memcpy(w->buf + w->end + FRAME_HEADER_LEN, data, len);
	w->end += FRAME_HEADER_LEN + len;
	return FRAME_QUEUED;
}

const uint8_t *frame_writer_pending(const struct frame_writer *w, size_t *len)
{
	*len = w->end - w->start;
	return w->buf + w->start;
}

void frame_writer_consume(struct frame_writer *w, size_t n)
{
	w->start += n;
	if (w->start == w->end)
		w->start = w->end = 0;
}
