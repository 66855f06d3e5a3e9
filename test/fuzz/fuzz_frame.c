/* libFuzzer target: the relay's frame reader (net/frame.h) on any byte
 * stream, cut into reads of any size. Every frame it yields is 1 to
 * SSPSH_RELAY_FRAME_MAX bytes and comes through a writer and a second
 * reader unchanged; a bad stream stays bad and says why. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct frame_reader reader, again;
static struct frame_writer writer;

/* The frame goes through the writer and the second reader unchanged. */
static void check_round_trip(const uint8_t *frame, size_t len)
{
	const uint8_t *bytes, *back;
	size_t pending, back_len;

	if (len == 0 || len > SSPSH_RELAY_FRAME_MAX)
		abort();
	if (frame_writer_put(&writer, frame, len) != FRAME_QUEUED)
		abort();	/* the writer is drained after every frame */
	bytes = frame_writer_pending(&writer, &pending);
	if (frame_reader_push(&again, bytes, pending) != pending)
		abort();
	frame_writer_consume(&writer, pending);
	if (frame_reader_next(&again, &back, &back_len) != FRAME_READY || back_len != len ||
	    memcmp(back, frame, len) != 0)
		abort();
}

/* Byte 0 picks whether the stream awaits a hello, byte 1 the read size. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t chunk, off = 2;
	bool bad = false;

	if (size < 2)
		return 0;
	frame_reader_init(&reader, data[0] & 1);
	frame_reader_init(&again, false);
	frame_writer_init(&writer);
	chunk = 1 + data[1] * 64u;
	while (off < size && !bad) {
		size_t n = size - off < chunk ? size - off : chunk;
		const uint8_t *frame;
		size_t len;
		enum frame_status s;
		size_t taken = frame_reader_push(&reader, data + off, n);

		if (taken == 0)
			abort();	/* a reader with no room and no frame is jammed */
		off += taken;
		while ((s = frame_reader_next(&reader, &frame, &len)) == FRAME_READY)
			check_round_trip(frame, len);
		if (s == FRAME_BAD) {
			bad = true;
			if (!frame_reader_error(&reader) || frame_reader_next(&reader, &frame, &len) != FRAME_BAD)
				abort();
		}
	}
	return 0;
}
