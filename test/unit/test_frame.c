/* The relay's framing codec (net/frame.h): datagrams in and out of a byte
 * stream, the hello line, and every way a stream can be bad. */
#include <stdlib.h>

#include "core/options.h"
#include "net/frame.h"
#include "test/unit/unit.h"

#define HELLO_LEN (sizeof FRAME_HELLO - 1)

static void fill_pattern(uint8_t *p, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(seed * 31 + i * 7);
}

/* Moves everything the writer holds into the reader, one byte at a time. */
static void trickle(struct frame_writer *w, struct frame_reader *r)
{
	size_t len;
	const uint8_t *bytes = frame_writer_pending(w, &len);

	for (size_t i = 0; i < len; i++)
		EXPECT_INT(frame_reader_push(r, bytes + i, 1), 1);
	frame_writer_consume(w, len);
}

static enum frame_status next(struct frame_reader *r, const uint8_t **data, size_t *len)
{
	return frame_reader_next(r, data, len);
}

TEST(frames_round_trip_whatever_the_split)
{
	static struct frame_writer w;
	static struct frame_reader r;
	static uint8_t sent[SSPSH_RELAY_FRAME_MAX];
	const size_t sizes[] = { 1, 2, 100, 1200, SSPSH_RELAY_FRAME_MAX };
	const uint8_t *data;
	size_t len;

	frame_writer_init(&w);
	frame_reader_init(&r, false);
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		fill_pattern(sent, sizes[i], (unsigned)i);
		EXPECT_INT(frame_writer_put(&w, sent, sizes[i]), FRAME_QUEUED);
	}
	EXPECT_INT(next(&r, &data, &len), FRAME_NONE);
	trickle(&w, &r);
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		fill_pattern(sent, sizes[i], (unsigned)i);
		EXPECT_INT(next(&r, &data, &len), FRAME_READY);
		EXPECT_INT(len, sizes[i]);
		EXPECT_MEM(data, sent, sizes[i]);
	}
	EXPECT_INT(next(&r, &data, &len), FRAME_NONE);
	EXPECT(frame_reader_error(&r) == NULL);
}

TEST(the_wire_is_a_big_endian_length_then_the_bytes)
{
	static struct frame_writer w;
	const uint8_t expect[] = { 0x01, 0x02, 'a', 'b', 'c' };
	static uint8_t big[0x0102];
	const uint8_t *bytes;
	size_t len;

	frame_writer_init(&w);
	EXPECT_INT(frame_writer_put(&w, "abc", 3), FRAME_QUEUED);
	bytes = frame_writer_pending(&w, &len);
	EXPECT_INT(len, 5);
	EXPECT_MEM(bytes, "\x00\x03" "abc", 5);
	frame_writer_consume(&w, len);
	memcpy(big, "abc", 3);
	EXPECT_INT(frame_writer_put(&w, big, sizeof big), FRAME_QUEUED);
	bytes = frame_writer_pending(&w, &len);
	EXPECT_INT(len, 2 + sizeof big);
	EXPECT_MEM(bytes, expect, sizeof expect);
}

TEST(a_relay_stream_starts_after_login_noise_and_the_hello)
{
	static struct frame_reader r;
	const char noise[] = "Welcome to host\r\n\nLast login: yesterday\n" FRAME_HELLO "\x00\x02hi";
	const uint8_t *data;
	size_t len;

	frame_reader_init(&r, true);
	EXPECT(!frame_reader_greeted(&r));
	/* Frame-looking bytes before the hello are noise, not frames. */
	EXPECT_INT(frame_reader_push(&r, "\x00\x02hi\n", 5), 5);
	EXPECT_INT(next(&r, &data, &len), FRAME_NONE);
	EXPECT_INT(frame_reader_push(&r, noise, sizeof noise - 1), sizeof noise - 1);
	EXPECT_INT(next(&r, &data, &len), FRAME_READY);
	EXPECT(frame_reader_greeted(&r));
	EXPECT_INT(len, 2);
	EXPECT_MEM(data, "hi", 2);
	EXPECT_INT(next(&r, &data, &len), FRAME_NONE);
}

TEST(the_hello_may_arrive_a_byte_at_a_time)
{
	static struct frame_reader r;
	const char stream[] = "motd\n" FRAME_HELLO "\x00\x01x";
	const uint8_t *data;
	size_t len;
	int frames = 0;

	frame_reader_init(&r, true);
	for (size_t i = 0; i < sizeof stream - 1; i++) {
		frame_reader_push(&r, stream + i, 1);
		while (next(&r, &data, &len) == FRAME_READY)
			frames += len == 1 && data[0] == 'x';
	}
	EXPECT_INT(frames, 1);
	EXPECT(frame_reader_error(&r) == NULL);
}

TEST(endless_noise_without_a_hello_is_bad)
{
	static struct frame_reader r;
	char line[81];
	const uint8_t *data;
	size_t len, pushed = 0;
	enum frame_status s = FRAME_NONE;

	memset(line, 'n', 80);
	line[80] = '\n';
	frame_reader_init(&r, true);
	while (s == FRAME_NONE && pushed < 2 * SSPSH_RELAY_JUNK_MAX) {
		pushed += frame_reader_push(&r, line, sizeof line);
		s = next(&r, &data, &len);
	}
	EXPECT_INT(s, FRAME_BAD);
	EXPECT(pushed > SSPSH_RELAY_JUNK_MAX);
	EXPECT(frame_reader_error(&r) != NULL);
	/* Bad stays bad, even if a hello follows. */
	frame_reader_push(&r, FRAME_HELLO, HELLO_LEN);
	EXPECT_INT(next(&r, &data, &len), FRAME_BAD);
}

TEST(a_hello_inside_a_line_longer_than_the_buffer_is_noise)
{
	static struct frame_reader r;
	static char long_line[SSPSH_RELAY_READ_BYTES];
	const uint8_t *data;
	size_t len;

	memset(long_line, 'n', sizeof long_line);
	frame_reader_init(&r, true);
	EXPECT_INT(frame_reader_push(&r, long_line, sizeof long_line), sizeof long_line);
	EXPECT_INT(next(&r, &data, &len), FRAME_NONE);
	/* The rest of that same line looks like a hello and frame: not one. */
	frame_reader_push(&r, FRAME_HELLO "\x00\x01y", HELLO_LEN + 3);
	EXPECT_INT(next(&r, &data, &len), FRAME_NONE);
	EXPECT(!frame_reader_greeted(&r));
	frame_reader_push(&r, "\n" FRAME_HELLO "\x00\x01z", 1 + HELLO_LEN + 3);
	EXPECT_INT(next(&r, &data, &len), FRAME_READY);
	EXPECT_INT(len, 1);
	EXPECT_INT(data[0], 'z');
}

TEST(a_relay_of_another_version_is_refused)
{
	static struct frame_reader r;
	const uint8_t *data;
	size_t len;

	frame_reader_init(&r, true);
	frame_reader_push(&r, "SSPSH RELAY 2\n", 14);
	EXPECT_INT(next(&r, &data, &len), FRAME_BAD);
	EXPECT(strstr(frame_reader_error(&r), "version") != NULL);
}

TEST(empty_and_oversize_frames_are_bad)
{
	static struct frame_reader r;
	const uint8_t too_long[] = { (SSPSH_RELAY_FRAME_MAX + 1) >> 8, (SSPSH_RELAY_FRAME_MAX + 1) & 0xff };
	const uint8_t *data;
	size_t len;

	frame_reader_init(&r, false);
	frame_reader_push(&r, "\x00\x00", 2);
	EXPECT_INT(next(&r, &data, &len), FRAME_BAD);
	EXPECT(strstr(frame_reader_error(&r), "empty") != NULL);

	frame_reader_init(&r, false);
	frame_reader_push(&r, too_long, 2);
	EXPECT_INT(next(&r, &data, &len), FRAME_BAD);
	/* The length alone condemns it: no need to wait for the bytes. */
	frame_reader_init(&r, false);
	frame_reader_push(&r, "\xff\xff", 2);
	EXPECT_INT(next(&r, &data, &len), FRAME_BAD);
}

TEST(the_writer_takes_a_frame_whole_or_not_at_all)
{
	static struct frame_writer w;
	static uint8_t datagram[1000];
	size_t queued = 0, len;
	enum frame_put r;

	frame_writer_init(&w);
	EXPECT_INT(frame_writer_put(&w, datagram, 0), FRAME_TOO_BIG);
	EXPECT_INT(frame_writer_put(&w, datagram, SSPSH_RELAY_FRAME_MAX + 1), FRAME_TOO_BIG);
	while ((r = frame_writer_put(&w, datagram, sizeof datagram)) == FRAME_QUEUED)
		queued++;
	EXPECT_INT(r, FRAME_NO_ROOM);
	EXPECT_INT(queued, SSPSH_RELAY_QUEUE_BYTES / (2 + sizeof datagram));
	(void)frame_writer_pending(&w, &len);
	EXPECT_INT(len, queued * (2 + sizeof datagram));
	/* Room comes back as bytes are written; a frame goes in once it all fits. */
	frame_writer_consume(&w, (2 + sizeof datagram - 1) - (SSPSH_RELAY_QUEUE_BYTES - len));
	EXPECT_INT(frame_writer_put(&w, datagram, sizeof datagram), FRAME_NO_ROOM);
	frame_writer_consume(&w, 1);
	EXPECT_INT(frame_writer_put(&w, datagram, sizeof datagram), FRAME_QUEUED);
}

TEST(a_writer_reused_in_a_loop_keeps_the_stream_intact)
{
	static struct frame_writer w;
	static struct frame_reader r;
	static uint8_t sent[SSPSH_RELAY_FRAME_MAX];
	unsigned put = 0, got = 0, bad = 0;

	frame_writer_init(&w);
	frame_reader_init(&r, true);
	EXPECT(frame_writer_hello(&w));
	srand(11);
	for (int round = 0; round < 2000; round++) {
		size_t len = 1 + (size_t)rand() % SSPSH_RELAY_FRAME_MAX, pending, take, room;
		const uint8_t *bytes, *data;
		uint8_t *space;

		fill_pattern(sent, len, put);
		if (frame_writer_put(&w, sent, len) == FRAME_QUEUED)
			put++;
		/* A pipe that takes a random part of what is queued. */
		bytes = frame_writer_pending(&w, &pending);
		space = frame_reader_space(&r, &room);
		take = pending ? (size_t)rand() % (pending + 1) : 0;
		take = take < room ? take : room;
		memcpy(space, bytes, take);
		frame_reader_commit(&r, take);
		frame_writer_consume(&w, take);
		while (frame_reader_next(&r, &data, &len) == FRAME_READY) {
			uint8_t want[SSPSH_RELAY_FRAME_MAX];

			fill_pattern(want, len, got);
			bad += memcmp(data, want, len) != 0;
			got++;
		}
	}
	EXPECT(put > 100);
	EXPECT(got > 0 && got <= put);
	EXPECT_INT(bad, 0);
	EXPECT(frame_reader_error(&r) == NULL);
}

int main(void)
{
	RUN(frames_round_trip_whatever_the_split);
	RUN(the_wire_is_a_big_endian_length_then_the_bytes);
	RUN(a_relay_stream_starts_after_login_noise_and_the_hello);
	RUN(the_hello_may_arrive_a_byte_at_a_time);
	RUN(endless_noise_without_a_hello_is_bad);
	RUN(a_hello_inside_a_line_longer_than_the_buffer_is_noise);
	RUN(a_relay_of_another_version_is_refused);
	RUN(empty_and_oversize_frames_are_bad);
	RUN(the_writer_takes_a_frame_whole_or_not_at_all);
	RUN(a_writer_reused_in_a_loop_keeps_the_stream_intact);
	return unit_exit_status();
}
