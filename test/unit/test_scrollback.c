/* The scrollback stream (applets/session/scrollback.h): the server's log
 * through a byte stream cut anywhere, back into batches on the client. */
#include <stdlib.h>
#include <string.h>

#include "applets/session/scrollback.h"
#include "core/options.h"
#include "net/datagram.h"
#include "term/emu.h"
#include "term/history_line.h"
#include "unit.h"

static void add_lines(struct history *log, int from, int to)
{
	struct emu *emu = emu_new(20, 1);
	char text[32];

	for (int i = from; i < to && emu; i++) {
		int n = snprintf(text, sizeof text, "\r\033[Kline %d", i);
		emu_write(emu, text, (size_t)n);
		EXPECT(history_add_line(log, emu_fb(emu), 0));
	}
	emu_free(emu);
}

/* The number in "line N" of an entry; -1 if it is not such a line. */
static int line_number(const struct history_span *entry)
{
	struct fb *line = NULL;
	char text[16] = "";
	int n = -1;

	if (history_entry_decode(entry->data, entry->len, &line) == HISTORY_ENTRY_LINE) {
		for (int col = 0; col < 15; col++)
			text[col] = (char)fb_cell(line, 0, col)->ch;
		if (sscanf(text, "line %d", &n) != 1)
			n = -1;
	}
	fb_free(line);
	return n;
}

/* Send everything through the stream in pieces of `piece` bytes, filled
 * `room` bytes at a time; collect what the client gets as numbers, with
 * -gap for a gap. */
static int pass(struct scrollback_tx *tx, const struct history *log, struct scrollback_rx *rx,
		size_t room, size_t piece, int *got, int cap)
{
	struct buf wire;
	struct scrollback_batch batch;
	int n = 0;

	buf_init(&wire);
	while (scrollback_tx_fill(tx, log, room, &wire) > 0)
		;
	for (size_t at = 0; at < wire.len; at += piece) {
		size_t len = wire.len - at < piece ? wire.len - at : piece;
		EXPECT(scrollback_rx_feed(rx, wire.data + at, len));
	}
	while (scrollback_rx_batch(rx, SIZE_MAX, &batch)) {
		if (batch.lost && n < cap)
			got[n++] = -(int)batch.lost;
		for (size_t i = 0; i < batch.n && n < cap; i++)
			got[n++] = line_number(&batch.entries[i]);
		scrollback_rx_done(rx);
	}
	EXPECT_INT(scrollback_rx_held(rx), 0);
	buf_free(&wire);
	return n;
}

TEST(every_entry_arrives_once_in_order_however_cut)
{
	static const size_t pieces[] = { 1, 2, 3, 7, 64, 100000 };
	struct history *log = history_new(1000);
	int got[300];

	EXPECT(log != NULL);
	if (!log)
		return;
	add_lines(log, 0, 200);
	for (size_t p = 0; p < sizeof pieces / sizeof pieces[0]; p++) {
		struct scrollback_tx tx;
		struct scrollback_rx rx;
		scrollback_tx_start(&tx, log, 1000);
		scrollback_rx_init(&rx);
		EXPECT_INT(scrollback_tx_backlog(&tx, log), 200);
		EXPECT_INT(pass(&tx, log, &rx, 50, pieces[p], got, 300), 200);
		for (int i = 0; i < 200; i++)
			EXPECT_INT(got[i], i);
		EXPECT_INT(scrollback_tx_backlog(&tx, log), 0);
		scrollback_rx_free(&rx);
	}
	history_free(log);
}

TEST(a_new_client_gets_the_newest_lines)
{
	struct history *log = history_new(1000);
	struct scrollback_tx tx;
	struct scrollback_rx rx;
	int got[300];

	EXPECT(log != NULL);
	if (!log)
		return;
	add_lines(log, 0, 300);
	scrollback_tx_start(&tx, log, 10);
	scrollback_rx_init(&rx);
	EXPECT_INT(pass(&tx, log, &rx, 1 << 20, 1 << 20, got, 300), 10);
	EXPECT_INT(got[0], 290);
	EXPECT_INT(got[9], 299);
	/* Then every new line. */
	add_lines(log, 300, 305);
	EXPECT_INT(pass(&tx, log, &rx, 1 << 20, 5, got, 300), 5);
	EXPECT_INT(got[4], 304);
	scrollback_rx_free(&rx);
	history_free(log);
}

TEST(lines_the_log_dropped_unsent_make_a_gap)
{
	struct history *log = history_new(50);
	struct scrollback_tx tx;
	struct scrollback_rx rx;
	int got[300];

	EXPECT(log != NULL);
	if (!log)
		return;
	add_lines(log, 0, 10);
	scrollback_tx_start(&tx, log, 50);
	scrollback_rx_init(&rx);
	EXPECT_INT(pass(&tx, log, &rx, 1 << 20, 9, got, 300), 10);
	add_lines(log, 10, 130);	/* 70 of them go before they are sent */
	EXPECT_INT(pass(&tx, log, &rx, 1 << 20, 9, got, 300), 51);
	EXPECT_INT(got[0], -70);
	EXPECT_INT(got[1], 80);
	EXPECT_INT(got[50], 129);
	scrollback_rx_free(&rx);
	history_free(log);
}

TEST(a_gap_starts_a_new_batch)
{
	struct scrollback_rx rx;
	struct scrollback_batch batch;
	/* entry "a" (width 1), gap 5, entry "b". */
	static const uint8_t stream[] = { 1, 2, 1, 'a', 2, 5, 1, 2, 1, 'b' };

	scrollback_rx_init(&rx);
	EXPECT(scrollback_rx_feed(&rx, stream, sizeof stream));
	EXPECT(scrollback_rx_batch(&rx, SIZE_MAX, &batch));
	EXPECT_INT(batch.lost, 0);
	EXPECT_INT(batch.n, 1);
	scrollback_rx_done(&rx);
	EXPECT(scrollback_rx_batch(&rx, SIZE_MAX, &batch));
	EXPECT_INT(batch.lost, 5);
	EXPECT_INT(batch.n, 1);
	EXPECT_INT(batch.entries[0].len, 2);
	scrollback_rx_done(&rx);
	EXPECT(!scrollback_rx_batch(&rx, SIZE_MAX, &batch));
	scrollback_rx_free(&rx);
}

static bool feed_bytes(const uint8_t *bytes, size_t len)
{
	struct scrollback_rx rx;
	bool ok;

	scrollback_rx_init(&rx);
	ok = scrollback_rx_feed(&rx, bytes, len);
	/* Once broken, the stream takes nothing more. */
	if (!ok)
		EXPECT(!scrollback_rx_feed(&rx, (const uint8_t *)"\x02\x01", 2));
	scrollback_rx_free(&rx);
	return ok;
}

#define FEED(literal) feed_bytes((const uint8_t *)literal, sizeof literal - 1)

TEST(a_hostile_stream_ends)
{
	uint8_t big[16];
	size_t n = 0;

	EXPECT(FEED("\x01\x02\x01"));	/* incomplete: waits */
	EXPECT(FEED("\x01"));
	EXPECT(!FEED("\x03\x01"));	/* unknown record */
	EXPECT(!FEED("\x01\x00"));	/* empty entry */
	EXPECT(!FEED("\x02\x00"));	/* empty gap */
	EXPECT(!FEED("\x01\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"));
	/* An entry longer than any the log keeps is refused at its header. */
	big[n++] = 0x01;
	for (unsigned len = SSPSH_HISTORY_LINE_MAX + 1; len; len >>= 7)
		big[n++] = (uint8_t)((len & 0x7f) | (len >> 7 ? 0x80 : 0));
	EXPECT(!feed_bytes(big, n));
}

#define LINES_REQUEST(literal, lines) \
	scrollback_lines_request((const uint8_t *)literal, sizeof literal - 1, lines)

/* connect --scrollback N's request, and what a hostile client could send
 * instead: nothing but a 7-digit count is taken (the server then keeps
 * the smaller of it and its own). */
TEST(a_request_for_fewer_lines)
{
	uint32_t lines = 12345;

	EXPECT(LINES_REQUEST(SCROLLBACK_LINES_REQUEST "50", &lines) && lines == 50);
	EXPECT(LINES_REQUEST(SCROLLBACK_LINES_REQUEST "0", &lines) && lines == 0);
	EXPECT(LINES_REQUEST(SCROLLBACK_LINES_REQUEST "9999999", &lines) && lines == 9999999);
	EXPECT(!LINES_REQUEST(SCROLLBACK_LINES_REQUEST "10000000", &lines));
	EXPECT(!LINES_REQUEST(SCROLLBACK_LINES_REQUEST "99999999999999999999", &lines));
	EXPECT(!LINES_REQUEST(SCROLLBACK_LINES_REQUEST "", &lines));
	EXPECT(!LINES_REQUEST(SCROLLBACK_LINES_REQUEST "-1", &lines));
	EXPECT(!LINES_REQUEST(SCROLLBACK_LINES_REQUEST "5x", &lines));
	EXPECT(!LINES_REQUEST("tcp localhost 80", &lines));
	EXPECT(!LINES_REQUEST(SCROLLBACK_CHANNEL_REQUEST, &lines));
	EXPECT_INT(lines, 9999999);
}

/* Payloads from one mux to the other, every seventh lost. */
static void carry(struct chan_mux *from, struct chan_mux *to, uint64_t now, unsigned *count)
{
	struct buf pkt;

	buf_init(&pkt);
	while (chan_mux_emit(from, now, DATAGRAM_PAYLOAD_MAX, &pkt) > 0) {
		if (++*count % 7 != 3)
			chan_mux_receive(to, pkt.data, pkt.len, now);
		buf_reset(&pkt);
	}
	buf_free(&pkt);
}

/* The client's side: accept the scrollback channel, read it, and note the
 * line numbers of every batch. */
static void client_turn(struct chan_mux *m, uint32_t *id, struct scrollback_rx *rx, int *got,
			int *n)
{
	struct chan_event ev;
	struct scrollback_batch batch;

	while (chan_mux_next_event(m, &ev)) {
		if (ev.type == CHAN_EV_OPEN && ev.len == strlen(SCROLLBACK_CHANNEL_REQUEST) &&
		    memcmp(ev.bytes, SCROLLBACK_CHANNEL_REQUEST, ev.len) == 0) {
			EXPECT(chan_accept(m, ev.id));
			*id = ev.id;
		}
	}
	if (*id != UINT32_MAX)
		EXPECT(scrollback_rx_read(rx, m, *id));
	while (scrollback_rx_batch(rx, SIZE_MAX, &batch)) {
		for (size_t i = 0; i < batch.n && *n < 5000; i++)
			got[(*n)++] = line_number(&batch.entries[i]);
		scrollback_rx_done(rx);
	}
}

TEST(the_stream_through_a_lossy_channel)
{
	struct chan_mux *server = chan_mux_new(CHAN_ROLE_SERVER);
	struct chan_mux *client = chan_mux_new(CHAN_ROLE_CLIENT);
	struct history *log = history_new(10000);
	struct scrollback_tx tx;
	struct scrollback_rx rx;
	struct chan_event ev;
	static int got[5000];
	uint32_t id = 0, client_id = UINT32_MAX;
	unsigned count = 0;
	int n = 0;

	scrollback_rx_init(&rx);
	EXPECT(server && client && log);
	if (!server || !client || !log)
		goto done;
	add_lines(log, 0, 3000);
	scrollback_tx_start(&tx, log, 10000);
	EXPECT(chan_open(server, SCROLLBACK_CHANNEL_REQUEST, strlen(SCROLLBACK_CHANNEL_REQUEST), &id));
	for (uint64_t now = 1000; now < 200000 && n < 3000; now += 5) {
		scrollback_tx_send(&tx, log, server, id);
		carry(server, client, now, &count);
		client_turn(client, &client_id, &rx, got, &n);
		carry(client, server, now, &count);
		while (chan_mux_next_event(server, &ev))
			;
	}
	EXPECT_INT(n, 3000);
	for (int i = 0; i < n; i++)
		if (got[i] != i) {
			EXPECT_INT(got[i], i);
			break;
		}
done:
	scrollback_rx_free(&rx);
	history_free(log);
	chan_mux_free(server);
	chan_mux_free(client);
}

/* The client's end of a clean pair of muxes: accepts the stream, reads
 * it, and writes (forgets) and reports what it read only when told. */
static void take_stream(struct chan_mux *m, uint32_t *id, struct scrollback_rx *rx, bool write)
{
	struct chan_event ev;
	struct scrollback_batch batch;

	while (chan_mux_next_event(m, &ev)) {
		if (ev.type == CHAN_EV_OPEN) {
			EXPECT(chan_accept(m, ev.id));
			*id = ev.id;
		}
	}
	if (*id != UINT32_MAX)
		EXPECT(scrollback_rx_read(rx, m, *id));
	while (write && scrollback_rx_batch(rx, SIZE_MAX, &batch))
		scrollback_rx_done(rx);
	if (write)
		scrollback_rx_report(rx, m, *id);
}

/* Runs a server streaming `log` and that client for `steps` turns. */
static void stream_turns(struct chan_mux *server, struct chan_mux *client, uint32_t id,
			 uint32_t *client_id, struct scrollback_tx *tx, const struct history *log,
			 struct scrollback_rx *rx, bool write, int steps, uint64_t *now)
{
	struct chan_event ev;
	unsigned count = 0;

	for (int i = 0; i < steps; i++, *now += 5) {
		scrollback_tx_send(tx, log, server, id);
		while (chan_mux_next_event(server, &ev))
			if (ev.type == CHAN_EV_READABLE)
				EXPECT(scrollback_tx_read_reports(tx, server, id));
		carry(server, client, *now, &count);
		take_stream(client, client_id, rx, write);
		carry(client, server, *now, &count);
	}
}

/* A client whose terminal takes nothing holds at most
 * SSPSH_SCROLLBACK_AHEAD_MAX bytes of lines: the rest waits in the log;
 * once it writes them and says so, the rest comes (through the carry
 * that loses every seventh payload). */
TEST(the_server_sends_no_further_ahead_than_the_client_wrote)
{
	struct chan_mux *server = chan_mux_new(CHAN_ROLE_SERVER);
	struct chan_mux *client = chan_mux_new(CHAN_ROLE_CLIENT);
	struct history *log = history_new(100000);
	struct scrollback_tx tx;
	struct scrollback_rx rx;
	uint32_t id = 0, client_id = UINT32_MAX;
	uint64_t now = 1000;

	scrollback_rx_init(&rx);
	EXPECT(server && client && log);
	if (!server || !client || !log)
		goto done;
	add_lines(log, 0, 60000);	/* ~1 MB of records */
	scrollback_tx_start(&tx, log, 100000);
	EXPECT(chan_open(server, SCROLLBACK_CHANNEL_REQUEST, strlen(SCROLLBACK_CHANNEL_REQUEST), &id));
	stream_turns(server, client, id, &client_id, &tx, log, &rx, false, 2000, &now);
	EXPECT(scrollback_rx_held(&rx) <= SSPSH_SCROLLBACK_AHEAD_MAX);
	EXPECT(scrollback_rx_held(&rx) > SSPSH_SCROLLBACK_AHEAD_MAX - SSPSH_HISTORY_LINE_MAX - 16);
	EXPECT(scrollback_tx_backlog(&tx, log) > 0);
	stream_turns(server, client, id, &client_id, &tx, log, &rx, true, 4000, &now);
	EXPECT(scrollback_tx_backlog(&tx, log) == 0);
	EXPECT_INT(scrollback_rx_held(&rx), 0);
	EXPECT(tx.written == tx.sent);
done:
	scrollback_rx_free(&rx);
	history_free(log);
	chan_mux_free(server);
	chan_mux_free(client);
}

/* A hostile server that writes lines beyond the bound ends the stream at
 * the bound: the client never holds more. */
TEST(a_server_further_ahead_ends_the_stream)
{
	struct chan_mux *server = chan_mux_new(CHAN_ROLE_SERVER);
	struct chan_mux *client = chan_mux_new(CHAN_ROLE_CLIENT);
	struct scrollback_rx rx;
	struct chan_event ev;
	static uint8_t records[SSPSH_SCROLLBACK_AHEAD_MAX + 4096];
	uint32_t id = 0, client_id = UINT32_MAX;
	unsigned count = 0;
	bool broke = false;

	scrollback_rx_init(&rx);
	EXPECT(server && client);
	if (!server || !client)
		goto done;
	for (size_t at = 0; at + 4 <= sizeof records; at += 4)
		memcpy(records + at, "xy", 4);	/* two-byte entries */
	EXPECT(chan_open(server, SCROLLBACK_CHANNEL_REQUEST, strlen(SCROLLBACK_CHANNEL_REQUEST), &id));
	EXPECT(chan_write(server, id, records, sizeof records) == sizeof records);
	for (uint64_t now = 1000; now < 60000 && !broke; now += 5) {
		carry(server, client, now, &count);
		while (chan_mux_next_event(client, &ev)) {
			if (ev.type == CHAN_EV_OPEN) {
				EXPECT(chan_accept(client, ev.id));
				client_id = ev.id;
			}
		}
		if (client_id != UINT32_MAX)
			broke = !scrollback_rx_read(&rx, client, client_id);
		carry(client, server, now, &count);
		while (chan_mux_next_event(server, &ev))
			;
	}
	EXPECT(broke);
	EXPECT(scrollback_rx_held(&rx) <= SSPSH_SCROLLBACK_AHEAD_MAX + 16384);
done:
	scrollback_rx_free(&rx);
	chan_mux_free(server);
	chan_mux_free(client);
}

/* The client's reports, and what a hostile one could send instead. */
TEST(reports_let_lines_go_and_a_hostile_one_is_refused)
{
	struct scrollback_tx tx;
	struct history *log = history_new(10);
	const uint8_t split[] = { 0x80 | 100, 0x01 };	/* 228, in two pieces */
	uint8_t overlong[11];

	EXPECT(log != NULL);
	if (!log)
		return;
	scrollback_tx_start(&tx, log, 10);
	tx.sent = 1000;
	EXPECT(scrollback_tx_reports(&tx, split, 1));
	EXPECT(tx.written == 0);
	EXPECT(scrollback_tx_reports(&tx, split + 1, 1));
	EXPECT(tx.written == 228);
	EXPECT(scrollback_tx_reports(&tx, (const uint8_t *)"\x7f\x7f", 2));
	EXPECT(tx.written == 482);
	/* More than was sent counts as all of it. */
	EXPECT(scrollback_tx_reports(&tx, (const uint8_t *)"\xff\xff\x03", 3));
	EXPECT(tx.written == 1000);
	memset(overlong, 0xff, sizeof overlong);
	overlong[10] = 0x01;
	EXPECT(!scrollback_tx_reports(&tx, overlong, sizeof overlong));
	history_free(log);
}

/* While the room left ahead is too small for the next line, nothing is
 * due: the server sleeps until the client's report (it woke at once and
 * sent nothing, over and over: a 20 MB cat took 2.4 s of its CPU). */
TEST(a_line_larger_than_the_room_left_is_not_due)
{
	struct chan_mux *server = chan_mux_new(CHAN_ROLE_SERVER);
	struct history *log = history_new(10);
	struct scrollback_tx tx;
	const uint8_t *data;
	size_t len;
	uint32_t id = 0;

	EXPECT(server && log);
	if (!server || !log)
		goto done;
	add_lines(log, 0, 1);
	EXPECT(history_entry(log, 0, &data, &len));
	scrollback_tx_start(&tx, log, 10);
	EXPECT(chan_open(server, SCROLLBACK_CHANNEL_REQUEST, strlen(SCROLLBACK_CHANNEL_REQUEST), &id));
	/* The record is a tag, a one-byte length and the entry: one byte short. */
	tx.sent = SSPSH_SCROLLBACK_AHEAD_MAX - (len + 1);
	EXPECT(scrollback_tx_room(&tx, server, id) == len + 1);
	EXPECT(!scrollback_tx_due(&tx, log, server, id));
	EXPECT(scrollback_tx_reports(&tx, (const uint8_t *)"\x01", 1));
	EXPECT(scrollback_tx_due(&tx, log, server, id));
	scrollback_tx_send(&tx, log, server, id);
	EXPECT(scrollback_tx_backlog(&tx, log) == 0);
	EXPECT(!scrollback_tx_due(&tx, log, server, id));
done:
	history_free(log);
	chan_mux_free(server);
}

/* Keys typed while lines stream: the lines wait for the answer, then go
 * without hiding it; a flood that changes the screen gets the cheap way. */
TEST(lines_wait_for_the_answer_to_a_key_then_keep_it_in_view)
{
	struct scrollback_pace pace = { .typed_at = 0, .screen_changed_at = 5000 };
	uint64_t srtt = 40, resume;

	EXPECT(scrollback_pace_resume_at(&pace, srtt) == 0);
	EXPECT(!scrollback_pace_keep_in_view(&pace, 5000 + SSPSH_SCROLLBACK_STILL_MS - 1));
	EXPECT(scrollback_pace_keep_in_view(&pace, 5000 + SSPSH_SCROLLBACK_STILL_MS));

	pace.typed_at = 6000;
	pace.screen_changed_at = 6010;
	resume = scrollback_pace_resume_at(&pace, srtt);
	EXPECT(resume == 6000 + srtt + SSPSH_SCROLLBACK_ANSWER_WAIT_MS);
	EXPECT(scrollback_pace_keep_in_view(&pace, resume));
	pace.screen_changed_at = 6000 + SSPSH_SCROLLBACK_TYPED_VIEW_MS;	/* a flood again */
	EXPECT(!scrollback_pace_keep_in_view(&pace, 6000 + SSPSH_SCROLLBACK_TYPED_VIEW_MS + 1));
}

int main(void)
{
	RUN(every_entry_arrives_once_in_order_however_cut);
	RUN(a_new_client_gets_the_newest_lines);
	RUN(lines_the_log_dropped_unsent_make_a_gap);
	RUN(a_gap_starts_a_new_batch);
	RUN(a_hostile_stream_ends);
	RUN(a_request_for_fewer_lines);
	RUN(the_stream_through_a_lossy_channel);
	RUN(the_server_sends_no_further_ahead_than_the_client_wrote);
	RUN(a_server_further_ahead_ends_the_stream);
	RUN(reports_let_lines_go_and_a_hostile_one_is_refused);
	RUN(a_line_larger_than_the_room_left_is_not_due);
	RUN(lines_wait_for_the_answer_to_a_key_then_keep_it_in_view);
	return unit_exit_status();
}
