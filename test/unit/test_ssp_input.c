/* The input stream: events arrive exactly once and in order through the SSP
 * engine over a lossy, duplicating link. */
#include <stdlib.h>
#include <string.h>

#include "net/ssp.h"
#include "applets/session/ssp_input.h"
#include "test/unit/unit.h"

TEST(diff_and_apply_carry_events_in_order)
{
	struct ssp_input *client = input_new(), *acked = input_snapshot(client), *server, *next;
	struct input_event ev;
	struct buf diff;
	uint64_t cursor = 0;

	buf_init(&diff);
	EXPECT(input_add_keys(client, "ls", 2));
	EXPECT(input_add_resize(client, 100, 40));
	EXPECT(input_add_keys(client, "\r", 1));
	ssp_input_ops.diff(acked, client, &diff);
	server = input_new();
	next = ssp_input_ops.apply(server, diff.data, diff.len);
	EXPECT(next != NULL);
	EXPECT_INT(input_pos(next), input_pos(client));
	EXPECT(input_next_event(next, &cursor, &ev));
	EXPECT_INT(ev.type, INPUT_KEYS);
	EXPECT_INT(ev.len, 2);
	EXPECT_MEM(ev.keys, "ls", 2);
	EXPECT(input_next_event(next, &cursor, &ev));
	EXPECT_INT(ev.type, INPUT_RESIZE);
	EXPECT_INT(ev.cols, 100);
	EXPECT_INT(ev.rows, 40);
	EXPECT(input_next_event(next, &cursor, &ev));
	EXPECT_INT(ev.len, 1);
	EXPECT(!input_next_event(next, &cursor, &ev));
	EXPECT_INT(cursor, input_pos(client));
	buf_free(&diff);
	input_free(client);
	input_free(acked);
	input_free(server);
	input_free(next);
}

TEST(malformed_diffs_are_refused)
{
	struct ssp_input *base = input_new();
	const uint8_t bad_type[] = { 'X', 1, 'a' };
	const uint8_t short_keys[] = { 'K', 5, 'a' };
	const uint8_t zero_size[] = { 'R', 0, 24 };
	const uint8_t huge_size[] = { 'R', 0xff, 0x7f, 24 };

	EXPECT(ssp_input_ops.apply(base, bad_type, sizeof bad_type) == NULL);
	EXPECT(ssp_input_ops.apply(base, short_keys, sizeof short_keys) == NULL);
	EXPECT(ssp_input_ops.apply(base, zero_size, sizeof zero_size) == NULL);
	EXPECT(ssp_input_ops.apply(base, huge_size, sizeof huge_size) == NULL);
	input_free(base);
}

TEST(trim_keeps_the_log_small_and_diffs_right)
{
	struct ssp_input *client = input_new(), *acked;
	struct buf diff;

	buf_init(&diff);
	for (int i = 0; i < 1000; i++)
		EXPECT(input_add_keys(client, "abcdefgh", 8));
	acked = input_snapshot(client);
	input_trim(client, input_pos(acked));
	EXPECT_INT(input_log_bytes(client), 0);
	EXPECT(input_add_keys(client, "z", 1));
	ssp_input_ops.diff(acked, client, &diff);
	EXPECT_INT(diff.len, 3);
	EXPECT_MEM(diff.data, "K\001z", 3);
	buf_free(&diff);
	input_free(client);
	input_free(acked);
}

/* ---- Through the engine, every third datagram lost, every fifth doubled ---- */

struct pipe {
	uint8_t data[64][1500];
	size_t len[64];
	int n;
	int count;
};

static struct pipe to_server, to_client;
static struct ssp_input *typing;

static void send_up(void *app, const uint8_t *p, size_t len)
{
	struct pipe *q = app;

	if (++q->count % 3 == 0 || q->n >= 62)
		return;
	for (int copies = q->count % 5 == 0 ? 2 : 1; copies--; q->n++) {
		memcpy(q->data[q->n], p, len);
		q->len[q->n] = len;
	}
}

static void *snapshot_typing(void *app)
{
	(void)app;
	return input_snapshot(typing);
}

static void *snapshot_nothing(void *app)
{
	(void)app;
	return input_new();
}

static void deliver(struct pipe *q, struct ssp *to, uint64_t now)
{
	for (int i = 0; i < q->n; i++)
		ssp_receive(to, q->data[i], q->len[i], now);
	q->n = 0;
}

TEST(typed_text_arrives_exactly_once_over_a_lossy_link)
{
	struct ssp_config c = {
		.local_ops = &ssp_input_ops, .remote_ops = &ssp_input_ops,
		.pacing = { 0, 0, 20, 3000 }, .max_payload = 1200,
	};
	struct ssp *client, *server;
	char received[4000];
	size_t got = 0;
	uint64_t cursor = 0, now = 1000;
	struct input_event ev;

	typing = input_new();
	c.snapshot = snapshot_typing;
	c.send = send_up;
	c.app = &to_server;
	client = ssp_new(&c, input_new(), input_new());
	c.snapshot = snapshot_nothing;
	c.app = &to_client;
	server = ssp_new(&c, input_new(), input_new());
	ssp_set_rtt(client, 10, 50);
	ssp_set_rtt(server, 10, 50);
	for (int i = 0; i < 2000 + 3000; i++, now++) {
		if (i < 2000) {
			char key = (char)('a' + i % 26);
			input_add_keys(typing, &key, 1);
			ssp_local_changed(client, now, true);
		}
		if (ssp_wait_ms(client, now) == 0)
			ssp_tick(client, now);
		if (ssp_wait_ms(server, now) == 0)
			ssp_tick(server, now);
		deliver(&to_server, server, now);
		deliver(&to_client, client, now);
		input_trim(typing, input_pos(ssp_acked_local(client)));
		while (input_next_event(ssp_remote(server), &cursor, &ev))
			for (size_t k = 0; k < ev.len && got < sizeof received; k++)
				received[got++] = (char)ev.keys[k];
	}
	EXPECT_INT(got, 2000);
	for (size_t k = 0; k < got; k++)
		if (received[k] != (char)('a' + k % 26)) {
			EXPECT(received[k] == (char)('a' + k % 26));
			break;
		}
	EXPECT(ssp_all_acked(client));
	EXPECT_INT(input_log_bytes(typing), 0);
	ssp_free(client);
	ssp_free(server);
	input_free(typing);
}

int main(void)
{
	RUN(diff_and_apply_carry_events_in_order);
	RUN(malformed_diffs_are_refused);
	RUN(trim_keeps_the_log_small_and_diffs_right);
	RUN(typed_text_arrives_exactly_once_over_a_lossy_link);
	return unit_exit_status();
}
