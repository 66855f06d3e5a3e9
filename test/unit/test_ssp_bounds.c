/* What a peer can make an SSP receiver hold: pieces longer than any
 * datagram are refused, the buffers one large instruction grew are given
 * back, instructions past the receiver's limit are never collected, the
 * bytes behind the remote states kept stay under their budget, and a
 * receiver that stops accepting takes no new state until it accepts again.
 * Two engines over the input stream (the server's side of a session) are
 * joined directly, in memory. */
#include <stdlib.h>
#include <string.h>

#include "applets/session/ssp_input.h"
#include "core/options.h"
#include "net/datagram.h"
#include "net/ssp.h"
#include "net/ssp_wire.h"
#include "test/unit/unit.h"

#define INSTRUCTION_MAX (64u << 10)
#define BYTES_MAX (256u << 10)

struct pair {
	struct ssp *client, *server;
	struct ssp_input *typed;	/* the client's current input */
	uint64_t now;
	bool acks_lost;			/* nothing reaches the client */
};

static struct pair pair;

static void to_server(void *app, const uint8_t *p, size_t len)
{
	(void)app;
	ssp_receive(pair.server, p, len, pair.now);
}

static void to_client(void *app, const uint8_t *p, size_t len)
{
	(void)app;
	if (!pair.acks_lost)
		ssp_receive(pair.client, p, len, pair.now);
}

static void *client_snapshot(void *app)
{
	(void)app;
	return input_snapshot(pair.typed);
}

static void *server_snapshot(void *app)
{
	(void)app;
	return input_new();
}

static void pair_open(size_t instruction_max)
{
	struct ssp_config c = { .local_ops = &ssp_input_ops, .remote_ops = &ssp_input_ops,
				.pacing = { 1, 1, 1, 3000 }, .max_payload = DATAGRAM_PAYLOAD_MAX - 1,
				.snapshot = client_snapshot, .send = to_server };
	struct ssp_config s = c;

	memset(&pair, 0, sizeof pair);
	pair.now = 1000;
	pair.typed = input_new();
	s.snapshot = server_snapshot;
	s.send = to_client;
	s.remote_instruction_max = instruction_max;
	s.remote_bytes_max = BYTES_MAX;
	pair.client = ssp_new(&c, input_new(), input_new());
	pair.server = ssp_new(&s, input_new(), input_new());
}

static void pair_close(void)
{
	ssp_free(pair.client);
	ssp_free(pair.server);
	input_free(pair.typed);
}

static void run_ms(int ms)
{
	for (int i = 0; i < ms; i++, pair.now++) {
		ssp_tick(pair.client, pair.now);
		ssp_tick(pair.server, pair.now);
	}
}

static void type_bytes(size_t len)
{
	uint8_t *keys = malloc(len);

	memset(keys, 'x', len);
	EXPECT(input_add_keys(pair.typed, keys, len));
	free(keys);
	ssp_local_changed(pair.client, pair.now, true);
}

/* The server's acks are lost, so the client keeps diffing from state 0
 * and each instruction holds all that was typed: without a budget the
 * server would keep 40 states holding 20 KB, 40 KB, ... 800 KB (16 MB). It
 * keeps the diff base and the newest, and the others only within budget. */
TEST(remote_state_bytes_stay_under_their_budget)
{
	struct ssp_stats st;
	size_t most = 0;
	bool within = true;

	pair_open(1u << 20);
	pair.acks_lost = true;
	for (int i = 0; i < 40; i++) {
		type_bytes(20000);
		run_ms(5);
		ssp_stats(pair.server, &st);
		within = within && (st.received_bytes_held <= BYTES_MAX || st.received_states_held <= 2);
		if (st.received_bytes_held > most)
			most = st.received_bytes_held;
	}
	printf("# most bytes behind the input states held: %zu (budget %u, newest instruction %d)\n", most,
	       BYTES_MAX, 40 * 20000);
	EXPECT(within);
	EXPECT(most <= 40 * 20000 + BYTES_MAX);
	EXPECT(ssp_remote_num(pair.server) >= 39);
	pair_close();
}

TEST(an_instruction_past_the_limit_is_never_collected)
{
	struct ssp_stats st;

	pair_open(INSTRUCTION_MAX);
	type_bytes(INSTRUCTION_MAX + 1000);
	run_ms(3000);
	ssp_stats(pair.server, &st);
	EXPECT_INT(ssp_remote_num(pair.server), 0);
	EXPECT(st.instruction_bytes_held <= INSTRUCTION_MAX);
	pair_close();
}

TEST(a_receiver_that_stops_accepting_takes_nothing_until_it_accepts)
{
	pair_open(INSTRUCTION_MAX);
	ssp_set_accepting(pair.server, false);
	type_bytes(10);
	run_ms(2000);
	EXPECT_INT(ssp_remote_num(pair.server), 0);
	EXPECT(!ssp_all_acked(pair.client));
	ssp_set_accepting(pair.server, true);
	run_ms(2000);
	EXPECT_INT(ssp_remote_num(pair.server), 1);
	EXPECT(ssp_all_acked(pair.client));
	pair_close();
}

static void add_piece(struct ssp_assembler *a, uint64_t id, uint64_t index, bool last, size_t len,
		      bool *done)
{
	static uint8_t piece[SSPSH_DATAGRAM_LOOPBACK_MAX + 1];
	struct ssp_header h = { .instruction_id = id, .fragment_index = index, .last_fragment = last };
	const uint8_t *data;
	size_t data_len;

	*done = ssp_assembler_add(a, &h, piece, len, &data, &data_len);
}

/* A 4 MB instruction out of order grows the store and the joined copy;
 * both, and the piece table, are given back when the next one starts
 * (before, 8 MB stayed allocated for the session's life). */
TEST(buffers_of_a_large_instruction_are_given_back)
{
	struct ssp_assembler a;
	size_t pieces = SSPSH_SSP_MAX_INSTRUCTION / DATAGRAM_PAYLOAD_MAX, grown;
	bool done = false;

	ssp_assembler_init(&a);
	for (size_t i = 1; i < pieces; i++)
		add_piece(&a, 1, i, i + 1 == pieces, DATAGRAM_PAYLOAD_MAX, &done);
	add_piece(&a, 1, 0, false, DATAGRAM_PAYLOAD_MAX, &done);
	EXPECT(done);
	grown = ssp_assembler_allocated(&a);
	EXPECT(grown >= 2 * (pieces - 1) * DATAGRAM_PAYLOAD_MAX);
	add_piece(&a, 2, 0, true, 10, &done);	/* the next, in one piece */
	EXPECT(done);
	printf("# allocated after a 4 MB instruction: %zu, after the next: %zu\n", grown,
	       ssp_assembler_allocated(&a));
	EXPECT(ssp_assembler_allocated(&a) <= 2 * SSPSH_SSP_KEEP_BYTES);
	ssp_assembler_free(&a);
}

TEST(a_piece_longer_than_any_datagram_is_refused)
{
	struct ssp_assembler a;
	bool done;

	ssp_assembler_init(&a);
	add_piece(&a, 1, 1, false, DATAGRAM_PAYLOAD_READ_MAX + 1, &done);
	EXPECT_INT(ssp_assembler_bytes(&a), 0);
	add_piece(&a, 1, 1, false, DATAGRAM_PAYLOAD_READ_MAX, &done);
	EXPECT_INT(ssp_assembler_bytes(&a), DATAGRAM_PAYLOAD_READ_MAX);
	ssp_assembler_free(&a);
}

int main(void)
{
	RUN(remote_state_bytes_stay_under_their_budget);
	RUN(an_instruction_past_the_limit_is_never_collected);
	RUN(a_receiver_that_stops_accepting_takes_nothing_until_it_accepts);
	RUN(buffers_of_a_large_instruction_are_given_back);
	RUN(a_piece_longer_than_any_datagram_is_refused);
	return unit_exit_status();
}
