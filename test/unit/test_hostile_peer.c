/* A hostile peer that holds the session key, against a real `sspsh server`
 * process: what it can make the server hold stays under a documented
 * ceiling (SECURITY.md), however it sends.
 *
 *   keys flood     the real client's sync core types up to 24 MB,
 *                  ignoring the client's own unacked-input limit, into a
 *                  program that never reads its terminal: as fast as the
 *                  server takes it, and 2 MB more than it has taken
 *   pieces flood   hand-made SSP pieces: instructions that never end,
 *                  pieces out of order up to the largest fragment index,
 *                  complete instructions of the largest size, and pieces
 *                  longer than any datagram
 *
 * The server's peak RSS (VmHWM) is printed as a figure and checked. */
#include "net/ssp_wire.h"
#include "test/unit/session_harness.h"
#include "test/unit/unit.h"

/* A session's worst case: the input stream's bounds (the assembler's
 * instruction, the input states, the keys the program has not taken) and
 * the server's own few MB (emulator, frames, scrollback log). Under ASan
 * the server carries its shadow memory and quarantine too. */
#if defined(__SANITIZE_ADDRESS__)
#define CEILING_KB (64 * 1024)
#else
#define CEILING_KB (10 * 1024)
#endif
#define TYPED_MAX (24u << 20)

static bool open_server(struct harness_server *s)
{
	char *command[] = { "/bin/sh", "-c", "echo READY; exec sleep 600", NULL };

	return server_start(s, command);
}

TEST(a_client_typing_24_mb_into_a_program_that_never_reads)
{
	static uint8_t chunk[65536];
	struct harness_server s;
	struct harness_client c;
	uint64_t give_up = clock_ms() + 15000;
	long rss;

	if (!getenv("SSPSH"))
		SKIP("SSPSH does not name an sspsh binary (run through make check)");
	memset(chunk, 'k', sizeof chunk);
	EXPECT(open_server(&s) && client_start(&c, &s.key, s.port));
	if (!c.sync)
		return;
	EXPECT(client_wait_for_text(&c, "READY", 20000));
	for (size_t i = 0; i < TYPED_MAX / sizeof chunk && clock_ms() < give_up; i++) {
		if (client_sync_input_pos(c.sync) - client_sync_echo_ack(c.sync) > (2u << 20))
			break;	/* the server takes no more: typing on gains nothing */
		client_type(&c, chunk, sizeof chunk);
		client_run(&c, 5);
	}
	printf("figure: typed %llu bytes, %llu of them taken by the server\n",
	       (unsigned long long)client_sync_input_pos(c.sync), (unsigned long long)client_sync_echo_ack(c.sync));
	client_run(&c, 2000);
	rss = peak_rss_kb(s.pid);
	printf("figure: up to 24 MB typed at a program that never reads: server peak RSS %ld kB (ceiling %d kB)\n",
	       rss, CEILING_KB);
	EXPECT(rss > 0 && rss < CEILING_KB);
	client_free(&c);
	kill(s.pid, SIGTERM);
	server_stop(&s, 5000);
}

/* One SSP piece as the client's pump sends it (type byte 0: the SSP). */
static void send_piece(struct transport *t, uint64_t id, uint64_t index, bool last, size_t len)
{
	static uint8_t filler[2048];
	struct ssp_header h = { .ack_num = 0, .throwaway_num = 0, .instruction_id = id,
				.fragment_index = index, .last_fragment = last };
	struct buf payload;

	buf_init(&payload);
	buf_put_u8(&payload, 0);
	ssp_header_put(&payload, &h);
	memset(filler, (int)(id & 0x7f), sizeof filler);
	buf_put(&payload, filler, len < sizeof filler ? len : sizeof filler);
	if (payload.len > transport_max_payload(t))
		payload.len = transport_max_payload(t);
	(void)transport_send(t, payload.data, payload.len);
	buf_free(&payload);
}

/* Pieces of instruction id from index first, count of them, a full
 * datagram each, paced so that the server's socket keeps up. */
static void send_pieces(struct transport *t, uint64_t id, uint64_t first, uint64_t count, bool ends)
{
	for (uint64_t i = 0; i < count; i++) {
		send_piece(t, id, first + i, ends && i + 1 == count, SSPSH_DATAGRAM_MAX);
		if (i % 64 == 63)
			usleep(2000);
	}
}

TEST(hand_made_pieces_of_the_largest_instructions)
{
	struct harness_server s;
	struct transport *t;
	long rss;

	if (!getenv("SSPSH"))
		SKIP("SSPSH does not name an sspsh binary (run through make check)");
	EXPECT(open_server(&s));
	t = s.pid > 0 ? transport_client(&s.key, "127.0.0.1", s.port) : NULL;
	EXPECT(t != NULL);
	if (!t)
		return;
	for (uint64_t id = 1; id <= 8; id++) {
		send_pieces(t, id, 1, 4000, false);			/* never ends */
		send_pieces(t, id, SSPSH_SSP_MAX_FRAGMENTS - 64, 64, false);	/* far ahead */
	}
	for (uint64_t id = 9; id <= 12; id++) {
		send_pieces(t, id, 1, 800, true);			/* ends, then */
		send_piece(t, id, 0, false, SSPSH_DATAGRAM_MAX);	/* the first: out of order */
	}
	for (int i = 0; i < 200; i++)
		send_piece(t, 13, (uint64_t)i, false, 2048);		/* too long for a datagram */
	usleep(500000);
	rss = peak_rss_kb(s.pid);
	printf("figure: hand-made pieces of 12 largest instructions: server peak RSS %ld kB (ceiling %d kB)\n",
	       rss, CEILING_KB);
	EXPECT(rss > 0 && rss < CEILING_KB);
	EXPECT(kill(s.pid, 0) == 0);	/* still serving */
	transport_free(t);
	kill(s.pid, SIGTERM);
	server_stop(&s, 5000);
}

int main(void)
{
#if defined(__SANITIZE_ADDRESS__)
	/* ASan keeps freed blocks in a quarantine (256 MB by default) that the
	 * server's churn fills: its RSS would measure the quarantine, not what
	 * a peer made it hold. A small one keeps the ceiling meaningful. */
	setenv("ASAN_OPTIONS", "quarantine_size_mb=8", 1);
#endif
	RUN(a_client_typing_24_mb_into_a_program_that_never_reads);
	RUN(hand_made_pieces_of_the_largest_instructions);
	return unit_exit_status();
}
