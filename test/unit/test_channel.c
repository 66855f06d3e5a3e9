/* The channel layer between two muxes over the emulated link: transfers
 * arrive whole and in order through loss, reordering, duplication and an
 * outage; windows bound what a slow reader makes either side hold; opens
 * are refused cleanly; close and reset races leave no record behind. */
#include <stdlib.h>

#include "core/options.h"
#include "net/channel.h"
#include "test/unit/chan_harness.h"
#include "test/unit/unit.h"

static struct h_pair pair;

static bool start(const char *spec)
{
	struct link_params params;
	char err[128];

	if (!link_parse(spec, &params, err, sizeof err))
		return false;
	return h_pair_init(&pair, &params);
}

/* Both ways complete, intact, ended, and every record freed. */
static void expect_whole(const struct h_chan *mine, const struct h_chan *theirs, uint64_t a_to_b,
			 uint64_t b_to_a)
{
	EXPECT(mine && theirs);
	if (!mine || !theirs)
		return;
	EXPECT(!mine->corrupt && !theirs->corrupt);
	EXPECT_INT(theirs->got, a_to_b);
	EXPECT_INT(mine->got, b_to_a);
	EXPECT(mine->eof && theirs->eof);
	EXPECT(mine->released && theirs->released);
}

static struct h_chan *peer_chan(int side, uint32_t id)
{
	return h_find(&pair.side[side], id);
}

TEST(transfer_both_ways_on_a_clean_link)
{
	struct h_chan *c;

	EXPECT(start("delay=10"));
	pair.side[1].reply_bytes = 300000;
	c = h_open(&pair, 0, 1000000);
	EXPECT(c != NULL);
	h_run(&pair, 20000);
	expect_whole(c, peer_chan(1, c ? c->id : 0), 1000000, 300000);
	EXPECT(h_all_done(&pair));
	EXPECT_INT(pair.oversize, 0);
	h_pair_free(&pair);
}

TEST(transfer_through_loss_reordering_and_duplicates)
{
	struct h_chan *c;
	struct chan_stats st;

	EXPECT(start("delay=30,jitter=10,loss=10%,dup=5%,reorder=10%,seed=7"));
	pair.side[1].reply_bytes = 500000;
	c = h_open(&pair, 0, 2000000);
	h_run(&pair, 120000);
	expect_whole(c, peer_chan(1, c ? c->id : 0), 2000000, 500000);
	EXPECT(h_all_done(&pair));
	chan_mux_stats(pair.side[0].mux, &st);
	EXPECT(st.bytes_resent > 0);
	EXPECT(st.packets_lost > 0);
	h_pair_free(&pair);
}

/* Packets as large as a loopback-sized datagram carries, through loss
 * and reordering (timeouts shrink the congestion window to its minimum,
 * which still holds one such packet): both ways arrive whole and no
 * packet is longer. */
TEST(transfer_in_loopback_sized_packets)
{
	struct h_chan *c;
	struct chan_stats st;

	EXPECT(start("delay=1,loss=2%,reorder=5%,seed=3"));
	pair.max_payload = DATAGRAM_PAYLOAD_READ_MAX;
	pair.side[1].reply_bytes = 1000000;
	c = h_open(&pair, 0, 8000000);
	h_run(&pair, 60000);
	expect_whole(c, peer_chan(1, c ? c->id : 0), 8000000, 1000000);
	EXPECT(h_all_done(&pair));
	EXPECT_INT(pair.oversize, 0);
	chan_mux_stats(pair.side[0].mux, &st);
	EXPECT(st.packets_lost > 0);
	printf("# 8 MB in %llu packets, %llu lost\n", (unsigned long long)st.packets_sent,
	       (unsigned long long)st.packets_lost);
	h_pair_free(&pair);
}

/* Forwarding reads sockets straight into the send buffer and writes them
 * straight from the receive buffer: the same streams, through loss, in
 * parts of what is shown each time, across the rings' wrap. */
TEST(transfer_in_place_through_loss_and_reordering)
{
	struct h_chan *c;

	EXPECT(start("delay=5,jitter=3,loss=3%,reorder=10%,dup=2%,seed=21"));
	pair.max_payload = SSPSH_DATAGRAM_LOOPBACK_MAX - DATAGRAM_OVERHEAD_MAX - 1;
	pair.side[0].in_place = pair.side[1].in_place = true;
	pair.side[1].reply_bytes = 3000000;
	c = h_open(&pair, 0, 5000000);
	EXPECT(c != NULL);
	h_run(&pair, 120000);
	expect_whole(c, peer_chan(1, c ? c->id : 0), 5000000, 3000000);
	EXPECT(h_all_done(&pair));
	EXPECT_INT(pair.oversize, 0);
	h_pair_free(&pair);
}

TEST(many_channels_at_once_each_intact)
{
	struct h_chan *c[50];

	EXPECT(start("delay=20,jitter=5,loss=3%,seed=3"));
	pair.side[1].reply_bytes = 20000;
	for (int i = 0; i < 50; i++)
		c[i] = h_open(&pair, i % 2, 200000);	/* both sides open */
	pair.side[0].reply_bytes = 20000;
	h_run(&pair, 120000);
	for (int i = 0; i < 50; i++) {
		EXPECT(c[i] != NULL);
		if (c[i])
			expect_whole(c[i], peer_chan(1 - i % 2, c[i]->id), 200000, 20000);
	}
	EXPECT(h_all_done(&pair));
	h_pair_free(&pair);
}

TEST(a_refused_open_tells_code_and_reason)
{
	struct h_chan *c;

	EXPECT(start("delay=5,loss=20%,seed=11"));
	pair.side[1].refuse_opens = true;
	c = h_open(&pair, 0, 1000);
	h_run(&pair, 20000);
	EXPECT(c && c->refused);
	EXPECT_INT(c ? c->code : 0, 7);
	EXPECT_STR(c ? c->reason : "", "no such thing");
	EXPECT(h_all_done(&pair));
	h_pair_free(&pair);
}

TEST(a_slow_reader_bounds_what_both_sides_hold)
{
	struct chan_stats tx, rx;
	struct h_chan *c[8];
	size_t most_rx = 0, most_tx = 0;

	EXPECT(start("delay=5"));
	pair.side[1].read_paused = true;
	for (int i = 0; i < 8; i++)
		c[i] = h_open(&pair, 0, 5u << 20);
	for (int ms = 0; ms < 5000; ms++) {
		h_step(&pair);
		chan_mux_stats(pair.side[0].mux, &tx);
		chan_mux_stats(pair.side[1].mux, &rx);
		if (rx.rx_buffered > most_rx)
			most_rx = rx.rx_buffered;
		if (tx.tx_buffered > most_tx)
			most_tx = tx.tx_buffered;
	}
	/* The reader is stuck: the session window fills and stops there. */
	EXPECT(most_rx > SSPSH_CHAN_SESSION_WINDOW / 2);
	EXPECT(most_rx <= SSPSH_CHAN_SESSION_WINDOW);
	EXPECT(most_tx <= SSPSH_CHAN_SESSION_SEND_BUFFER);
	for (int i = 0; i < 8; i++) {
		struct h_chan *theirs = c[i] ? peer_chan(1, c[i]->id) : NULL;
		EXPECT(!theirs || chan_readable(pair.side[1].mux, theirs->id) <= SSPSH_CHAN_WINDOW);
	}
	/* Reading again lets everything through. */
	pair.side[1].read_paused = false;
	h_run(&pair, 60000);
	for (int i = 0; i < 8; i++)
		expect_whole(c[i], c[i] ? peer_chan(1, c[i]->id) : NULL, 5u << 20, 0);
	EXPECT(h_all_done(&pair));
	h_pair_free(&pair);
}

TEST(a_transfer_survives_a_twenty_second_outage)
{
	struct link_params params;
	struct h_chan *c;
	struct chan_stats st;

	EXPECT(start("delay=50,loss=1%,seed=5"));
	c = h_open(&pair, 0, 3u << 20);
	for (int ms = 0; ms < 300; ms++)
		h_step(&pair);
	params = *link_get_params(pair.link);
	params.outage = true;
	link_set_params(pair.link, &params);
	for (int ms = 0; ms < 20000; ms++)
		h_step(&pair);
	chan_mux_stats(pair.side[0].mux, &st);
	EXPECT(st.timeouts > 0);
	/* While the link is down, timeouts back off: a few packets a second. */
	EXPECT(st.packets_sent < 2000 + 20 * 40);
	params.outage = false;
	link_set_params(pair.link, &params);
	h_run(&pair, 60000);
	expect_whole(c, c ? peer_chan(1, c->id) : NULL, 3u << 20, 0);
	EXPECT(h_all_done(&pair));
	h_pair_free(&pair);
}

TEST(a_transfer_is_paced_not_dumped_at_once)
{
	struct h_chan *c;
	size_t most = 0;
	uint64_t sent_before = 0;
	struct chan_stats st;

	EXPECT(start("delay=100"));
	c = h_open(&pair, 0, 20u << 20);
	for (int ms = 0; ms < 6000; ms++) {
		h_step(&pair);
		chan_mux_stats(pair.side[0].mux, &st);
		/* After start-up, with megabytes allowed in flight, a
		 * millisecond carries a few packets, not a window. */
		if (ms > 3000 && (st.packets_sent - sent_before) * H_PAYLOAD > most)
			most = (size_t)(st.packets_sent - sent_before) * H_PAYLOAD;
		sent_before = st.packets_sent;
	}
	EXPECT(st.cwnd > (1u << 20));
	EXPECT(most > 0);
	EXPECT(most <= 64u * 1024);
	h_run(&pair, 60000);
	expect_whole(c, c ? peer_chan(1, c->id) : NULL, 20u << 20, 0);
	h_pair_free(&pair);
}

TEST(nothing_to_send_means_no_deadline)
{
	EXPECT(start("delay=5"));
	EXPECT(chan_mux_deadline(pair.side[0].mux, pair.now) == UINT64_MAX);
	h_open(&pair, 0, 10);
	EXPECT(chan_mux_deadline(pair.side[0].mux, pair.now) == pair.now);
	h_run(&pair, 5000);
	EXPECT(h_all_done(&pair));
	for (int ms = 0; ms < 100; ms++)
		h_step(&pair);
	EXPECT(chan_mux_deadline(pair.side[0].mux, pair.now) == UINT64_MAX);
	EXPECT(chan_mux_deadline(pair.side[1].mux, pair.now) == UINT64_MAX);
	h_pair_free(&pair);
}

/* ---- Close races ---- */

TEST(both_sides_reset_at_once)
{
	struct h_chan *c, *theirs;

	EXPECT(start("delay=20,loss=10%,seed=9"));
	pair.side[1].reply_bytes = 1u << 20;
	c = h_open(&pair, 0, 1u << 20);
	for (int ms = 0; ms < 200; ms++)
		h_step(&pair);
	theirs = c ? peer_chan(1, c->id) : NULL;
	EXPECT(theirs && theirs->accepted);
	if (!c || !theirs)
		return;
	chan_reset(pair.side[0].mux, c->id, 1);
	chan_reset(pair.side[1].mux, theirs->id, 2);
	c->released = theirs->released = true;
	h_run(&pair, 30000);
	EXPECT(h_all_done(&pair));
	h_pair_free(&pair);
}

TEST(a_reset_reaches_the_peer_mid_transfer)
{
	struct h_chan *c, *theirs;
	struct chan_stats st;

	EXPECT(start("delay=20,loss=5%,seed=4"));
	c = h_open(&pair, 0, 4u << 20);
	for (int ms = 0; ms < 300; ms++)
		h_step(&pair);
	theirs = c ? peer_chan(1, c->id) : NULL;
	if (!c || !theirs)
		return;
	chan_reset(pair.side[0].mux, c->id, 42);
	c->released = true;
	h_run(&pair, 30000);
	EXPECT(theirs->reset);
	EXPECT_INT(theirs->code, 42);
	EXPECT(h_all_done(&pair));
	/* The session window came back whole: a new channel runs at full speed. */
	chan_mux_stats(pair.side[1].mux, &st);
	EXPECT_INT(st.rx_buffered, 0);
	c = h_open(&pair, 0, 3u << 20);
	h_run(&pair, 30000);
	expect_whole(c, c ? peer_chan(1, c->id) : NULL, 3u << 20, 0);
	h_pair_free(&pair);
}

TEST(giving_up_on_an_opening_channel)
{
	struct h_chan *c;

	EXPECT(start("delay=30,loss=10%,seed=2"));
	pair.side[1].reply_bytes = 100000;
	c = h_open(&pair, 0, 1000);
	EXPECT(c != NULL);
	if (!c)
		return;
	chan_release(pair.side[0].mux, c->id);	/* before any answer */
	c->released = true;
	h_run(&pair, 30000);
	EXPECT_INT(pair.side[1].opens_seen, 1);
	EXPECT(h_all_done(&pair));
	h_pair_free(&pair);
}

TEST(half_close_both_ways_at_once_and_release_unread)
{
	struct h_chan *c, *theirs;

	EXPECT(start("delay=10,loss=5%,reorder=20%,jitter=5,seed=12"));
	pair.side[1].reply_bytes = 0;	/* the server shuts down at once */
	c = h_open(&pair, 0, 0);	/* and so does the client */
	h_run(&pair, 20000);
	theirs = c ? peer_chan(1, c->id) : NULL;
	EXPECT(c && theirs && c->eof && theirs->eof);
	EXPECT(h_all_done(&pair));
	/* Release with bytes unread: they are dropped, and the sender finishes. */
	pair.side[1].read_paused = true;
	pair.side[1].reply_bytes = 0;
	c = h_open(&pair, 0, 100000);
	for (int ms = 0; ms < 500; ms++)
		h_step(&pair);
	theirs = c ? peer_chan(1, c->id) : NULL;
	EXPECT(theirs != NULL);
	if (theirs) {
		chan_release(pair.side[1].mux, theirs->id);
		theirs->released = true;
	}
	h_run(&pair, 20000);
	EXPECT(c && c->released);
	EXPECT(h_all_done(&pair));
	h_pair_free(&pair);
}

TEST(payloads_never_exceed_the_size_given)
{
	EXPECT(start("delay=10,loss=5%,seed=8"));
	pair.max_payload = 300;
	pair.side[1].reply_bytes = 200000;
	for (int i = 0; i < 10; i++)
		h_open(&pair, 0, 100000);
	h_run(&pair, 60000);
	EXPECT(h_all_done(&pair));
	EXPECT_INT(pair.oversize, 0);
	h_pair_free(&pair);
}

int main(void)
{
	RUN(transfer_both_ways_on_a_clean_link);
	RUN(transfer_through_loss_reordering_and_duplicates);
	RUN(transfer_in_loopback_sized_packets);
	RUN(transfer_in_place_through_loss_and_reordering);
	RUN(many_channels_at_once_each_intact);
	RUN(a_refused_open_tells_code_and_reason);
	RUN(a_slow_reader_bounds_what_both_sides_hold);
	RUN(a_transfer_survives_a_twenty_second_outage);
	RUN(a_transfer_is_paced_not_dumped_at_once);
	RUN(nothing_to_send_means_no_deadline);
	RUN(both_sides_reset_at_once);
	RUN(a_reset_reaches_the_peer_mid_transfer);
	RUN(giving_up_on_an_opening_channel);
	RUN(half_close_both_ways_at_once_and_release_unread);
	RUN(payloads_never_exceed_the_size_given);
	return unit_exit_status();
}
