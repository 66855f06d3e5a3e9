/* A hostile peer against the channel layer: every peer-controlled size in
 * core/sysoptions.h is pushed past its bound, and the packet that does it is
 * dropped and not acknowledged, while memory stays within the bound. */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/options.h"
#include "net/chan_wire.h"
#include "net/channel.h"
#include "net/datagram.h"
#include "test/unit/unit.h"

static struct chan_mux *victim;	/* a server */
static struct buf pkt;
static uint64_t next_pn;
static uint64_t now = 1000;
static uint8_t filler[1200];

static void setup(void)
{
	victim = chan_mux_new(CHAN_ROLE_SERVER);
	buf_init(&pkt);
	next_pn = 0;
	memset(filler, 'z', sizeof filler);
}

static void teardown(void)
{
	chan_mux_free(victim);
	buf_free(&pkt);
}

static void begin(void)
{
	buf_reset(&pkt);
	buf_put_varint(&pkt, next_pn++);
}

static bool deliver(void)
{
	return chan_mux_receive(victim, pkt.data, pkt.len, now);
}

/* Whether the victim's next ACK acknowledges packet pn. */
static bool acked(uint64_t pn)
{
	static struct chan_frame f;
	struct buf out;
	struct reader r;
	uint64_t their_pn;
	bool found = false;

	buf_init(&out);
	now += 100;
	while (chan_mux_emit(victim, now, DATAGRAM_PAYLOAD_MAX, &out)) {
		reader_init(&r, out.data, out.len);
		if (!chan_packet_number_get(&r, &their_pn))
			break;
		while (reader_left(&r) && chan_frame_get(&r, &f))
			for (size_t i = 0; f.type == CHAN_FRAME_ACK && i < f.n_acked; i++)
				found |= f.acked[i].start <= pn && pn < f.acked[i].end;
		buf_reset(&out);
	}
	buf_free(&out);
	return found;
}

/* Opens our (even) channel id on the victim and has it accepted. */
static bool open_accepted(uint32_t id)
{
	struct chan_event ev;
	bool accepted = false;

	begin();
	chan_put_open(&pkt, id, "x", 1);
	if (!deliver())
		return false;
	while (chan_mux_next_event(victim, &ev))
		if (ev.type == CHAN_EV_OPEN && ev.id == id)
			accepted = chan_accept(victim, id);
	return accepted;
}

static bool send_data(uint32_t id, uint64_t offset, size_t len, bool fin)
{
	begin();
	chan_put_data_header(&pkt, id, offset, len, fin);
	buf_put(&pkt, filler, len);
	return deliver();
}

static struct chan_stats stats(void)
{
	struct chan_stats st;

	chan_mux_stats(victim, &st);
	return st;
}

TEST(data_past_the_channel_window_is_dropped_unacknowledged)
{
	setup();
	EXPECT(open_accepted(0));
	EXPECT(!send_data(0, SSPSH_CHAN_WINDOW - 10, 20, false));
	EXPECT(!acked(next_pn - 1));
	EXPECT_INT(stats().rx_buffered, 0);
	EXPECT(send_data(0, SSPSH_CHAN_WINDOW - 20, 20, false));	/* just inside */
	EXPECT(acked(next_pn - 1));
	EXPECT(stats().rx_buffered <= SSPSH_CHAN_WINDOW);
	teardown();
}

TEST(data_past_the_session_window_is_dropped)
{
	uint32_t channels = SSPSH_CHAN_SESSION_WINDOW / SSPSH_CHAN_WINDOW;

	setup();
	for (uint32_t i = 0; i <= channels; i++)
		EXPECT(open_accepted(2 * i));
	/* Each channel's last byte: the holes below count too. */
	for (uint32_t i = 0; i < channels; i++)
		EXPECT(send_data(2 * i, SSPSH_CHAN_WINDOW - 1, 1, false));
	EXPECT(!send_data(2 * channels, 0, 1, false));
	EXPECT(!acked(next_pn - 1));
	EXPECT(stats().rx_buffered <= SSPSH_CHAN_SESSION_WINDOW);
	teardown();
}

TEST(too_many_holes_in_one_channel_are_refused)
{
	int refused = 0;

	setup();
	EXPECT(open_accepted(0));
	for (int i = 0; i < SSPSH_CHAN_RX_RANGES + 10; i++)
		if (!send_data(0, 10 + 2 * (uint64_t)i, 1, false))
			refused++;
	EXPECT_INT(refused, 10);
	teardown();
}

TEST(an_open_flood_stops_at_the_channel_bound)
{
	struct chan_event ev;
	int refused = 0, told = 0;

	setup();
	for (uint32_t i = 0; i < SSPSH_CHAN_MAX + 20; i++) {
		begin();
		chan_put_open(&pkt, 2 * i, "flood", 5);
		if (!deliver())
			refused++;
	}
	EXPECT_INT(refused, 20);
	EXPECT_INT(stats().channels, SSPSH_CHAN_MAX);
	while (chan_mux_next_event(victim, &ev))
		told += ev.type == CHAN_EV_OPEN;
	EXPECT_INT(told, SSPSH_CHAN_MAX);
	teardown();
}

TEST(opens_out_of_turn_are_refused_and_duplicates_ignored)
{
	struct chan_event ev;
	int told = 0;

	setup();
	begin();
	chan_put_open(&pkt, 1, "odd", 3);	/* the server's own parity */
	EXPECT(!deliver());
	begin();
	chan_put_open(&pkt, 2 * SSPSH_CHAN_ID_SPAN, "far", 3);
	EXPECT(!deliver());
	for (int i = 0; i < 3; i++) {
		begin();
		chan_put_open(&pkt, 4, "again", 5);
		EXPECT(deliver());
	}
	while (chan_mux_next_event(victim, &ev))
		told++;
	EXPECT_INT(told, 1);
	EXPECT_INT(stats().channels, 1);
	teardown();
}

TEST(acks_of_packets_never_sent_are_ignored)
{
	struct ranges pns;

	setup();
	ranges_init(&pns, 4);
	ranges_add(&pns, 100, 200);
	begin();
	EXPECT(chan_put_ack(&pkt, &pns, 5, 500));
	EXPECT(deliver());
	EXPECT_INT(stats().in_flight_packets, 0);
	EXPECT(chan_mux_deadline(victim, now) == UINT64_MAX);
	ranges_free(&pns);
	teardown();
}

TEST(a_reset_with_an_impossible_final_size_is_refused)
{
	setup();
	EXPECT(open_accepted(0));
	EXPECT(send_data(0, 0, 100, false));
	begin();
	chan_put_reset(&pkt, 0, 1, 50);		/* below what arrived */
	EXPECT(!deliver());
	begin();
	chan_put_reset(&pkt, 0, 1, SSPSH_CHAN_WINDOW + 1);
	EXPECT(!deliver());
	begin();
	chan_put_reset(&pkt, 0, 1, 100);
	EXPECT(deliver());
	teardown();
}

TEST(a_stream_end_cannot_move)
{
	setup();
	EXPECT(open_accepted(0));
	EXPECT(send_data(0, 0, 100, true));
	EXPECT(!send_data(0, 100, 10, false));	/* past the end */
	EXPECT(!send_data(0, 0, 50, true));	/* a second, earlier end */
	EXPECT(send_data(0, 50, 50, true));	/* the same end again: a duplicate */
	teardown();
}

TEST(a_huge_window_does_not_grow_our_buffers)
{
	struct chan_event ev;
	uint32_t id;
	size_t took = 0, n;

	setup();
	EXPECT(chan_open(victim, "y", 1, &id));
	begin();
	chan_put_accept(&pkt, id);
	chan_put_window(&pkt, id, CHAN_NUMBER_LIMIT - 1);
	chan_put_session_window(&pkt, CHAN_NUMBER_LIMIT - 1);
	EXPECT(deliver());
	while (chan_mux_next_event(victim, &ev))
		;
	while ((n = chan_write(victim, id, filler, sizeof filler)) > 0)
		took += n;
	EXPECT_INT(took, SSPSH_CHAN_SEND_BUFFER);
	EXPECT(stats().tx_buffered <= SSPSH_CHAN_SEND_BUFFER);
	teardown();
}

TEST(garbage_is_dropped)
{
	uint32_t state = 99;
	int accepted = 0;

	setup();
	EXPECT(open_accepted(0));
	for (int i = 0; i < 20000; i++) {
		size_t len = (state >> 7) % 64;
		buf_reset(&pkt);
		for (size_t j = 0; j < len; j++) {
			state = state * 1103515245u + 12345u;
			buf_put_u8(&pkt, (uint8_t)(state >> 16));
		}
		accepted += deliver();
	}
	EXPECT(stats().channels <= SSPSH_CHAN_MAX);
	EXPECT(stats().rx_buffered <= SSPSH_CHAN_SESSION_WINDOW);
	EXPECT(accepted < 20000);
	teardown();
}

int main(void)
{
	RUN(data_past_the_channel_window_is_dropped_unacknowledged);
	RUN(data_past_the_session_window_is_dropped);
	RUN(too_many_holes_in_one_channel_are_refused);
	RUN(an_open_flood_stops_at_the_channel_bound);
	RUN(opens_out_of_turn_are_refused_and_duplicates_ignored);
	RUN(acks_of_packets_never_sent_are_ignored);
	RUN(a_reset_with_an_impossible_final_size_is_refused);
	RUN(a_stream_end_cannot_move);
	RUN(a_huge_window_does_not_grow_our_buffers);
	RUN(garbage_is_dropped);
	return unit_exit_status();
}
