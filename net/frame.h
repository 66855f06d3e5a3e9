/* Datagrams carried on a byte stream: the relay through ssh (`sspsh relay`,
 * net/dgram_path.h). Each datagram travels as one frame
 *
 *     length   2 bytes   big-endian, 1..SSPSH_RELAY_FRAME_MAX
 *     data     length bytes, the datagram exactly as UDP would carry it
 *
 * The relay's side of the stream starts with the line FRAME_HELLO: the
 * client skips whatever a login script printed before it (up to
 * SSPSH_RELAY_JUNK_MAX bytes) and knows the relay runs and speaks this
 * version. Frames carry only sealed datagrams; the stream needs no secrecy
 * of its own.
 *
 * The codec does no I/O. A reader takes bytes and yields whole frames; a
 * writer queues frames, each whole or not at all, in a fixed buffer and
 * yields bytes to write. Neither allocates, so neither can grow. */
#ifndef SSPSH_FRAME_H
#define SSPSH_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/options.h"

#define FRAME_HEADER_LEN 2
#define FRAME_HELLO "SSPSH RELAY 1\n"

_Static_assert(SSPSH_RELAY_FRAME_MAX <= 0xffff, "a frame length is 16 bits");
_Static_assert(SSPSH_RELAY_READ_BYTES >= FRAME_HEADER_LEN + SSPSH_RELAY_FRAME_MAX,
	       "the reader must hold a whole largest frame");
_Static_assert(SSPSH_RELAY_QUEUE_BYTES >= FRAME_HEADER_LEN + SSPSH_RELAY_FRAME_MAX,
	       "the writer must hold a whole largest frame");

/* ---- Reading ---- */

enum frame_status {
	FRAME_NONE,	/* no whole frame yet: add bytes */
	FRAME_READY,	/* a frame */
	FRAME_BAD,	/* not a frame stream; stays so (frame_reader_error says why) */
};

struct frame_reader {
	bool awaiting_hello;
	bool skipping_line;	/* a junk line longer than the buffer is being dropped */
	const char *error;	/* static text, once FRAME_BAD */
	size_t junk;		/* bytes skipped before the hello */
	size_t start, end;	/* unread bytes: buf[start..end) */
	uint8_t buf[SSPSH_RELAY_READ_BYTES];
};

/* await_hello: the stream comes from a relay (skip to its hello line). */
void frame_reader_init(struct frame_reader *r, bool await_hello);
/* Where to put the next bytes (read() straight into it) and how many fit;
 * call frame_reader_commit with the number put there. Invalidates frames
 * returned before. */
uint8_t *frame_reader_space(struct frame_reader *r, size_t *room);
void frame_reader_commit(struct frame_reader *r, size_t n);
/* Copies as much of data as fits; returns how much that was. */
size_t frame_reader_push(struct frame_reader *r, const void *data, size_t len);
/* The next whole frame: *data points into the reader, valid until the next
 * call to frame_reader_space or frame_reader_push. */
enum frame_status frame_reader_next(struct frame_reader *r, const uint8_t **data, size_t *len);
/* Why the stream is bad; NULL while it is not. */
const char *frame_reader_error(const struct frame_reader *r);
/* The hello line has arrived (always true for a reader that awaits none). */
bool frame_reader_greeted(const struct frame_reader *r);

/* ---- Writing ---- */

enum frame_put {
	FRAME_QUEUED,
	FRAME_NO_ROOM,	/* the queue is full: the datagram is dropped */
	FRAME_TOO_BIG,	/* 0 or over SSPSH_RELAY_FRAME_MAX bytes */
};

struct frame_writer {
	size_t start, end;	/* queued bytes: buf[start..end) */
	uint8_t buf[SSPSH_RELAY_QUEUE_BYTES];
};

void frame_writer_init(struct frame_writer *w);
/* Queues the hello line (a relay's first words); false if no room. */
bool frame_writer_hello(struct frame_writer *w);
/* Queues one datagram as a frame, whole or not at all. */
enum frame_put frame_writer_put(struct frame_writer *w, const void *data, size_t len);
/* The queued bytes, oldest first; *len is 0 when the queue is empty. */
const uint8_t *frame_writer_pending(const struct frame_writer *w, size_t *len);
/* Drops the first n pending bytes (they were written). */
void frame_writer_consume(struct frame_writer *w, size_t n);

#endif
