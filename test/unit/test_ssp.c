/* The SSP engine over a toy state (a string whose diff is "keep the first
 * N bytes of the base, then append these"), so applying a diff to the
 * wrong base gives a visibly wrong result. A simulated network between two
 * engines adds delay, loss, duplication and reordering. */
#include <stdlib.h>
#include <string.h>

#include "core/options.h"
#include "net/ssp.h"
#include "net/ssp_wire.h"
#include "test/unit/unit.h"

/* ---- The toy state ---- */

struct text {
	size_t len;
	char s[];
};

static struct text *text_new(const char *s, size_t len)
{
	struct text *t = malloc(sizeof *t + len + 1);

	if (!t)
		abort();
	t->len = len;
	memcpy(t->s, s, len);
	t->s[len] = 0;
	return t;
}

static void text_diff(const void *from, const void *to, struct buf *out)
{
	const struct text *a = from, *b = to;
	size_t keep = 0;

	while (keep < a->len && keep < b->len && a->s[keep] == b->s[keep])
		keep++;
	buf_put_varint(out, keep);
	buf_put(out, b->s + keep, b->len - keep);
}

static void *text_apply(const void *from, const uint8_t *diff, size_t len)
{
	const struct text *a = from;
	struct reader r;
	struct text *t;
	uint64_t keep;

	reader_init(&r, diff, len);
	keep = rd_varint(&r);
	if (r.failed || keep > a->len)
		return NULL;
	t = malloc(sizeof *t + keep + reader_left(&r) + 1);
	if (!t)
		return NULL;
	memcpy(t->s, a->s, keep);
	memcpy(t->s + keep, r.p + r.off, reader_left(&r));
	t->len = keep + reader_left(&r);
	t->s[t->len] = 0;
	return t;
}

static bool text_equal(const void *a, const void *b)
{
	const struct text *x = a, *y = b;
	return x->len == y->len && memcmp(x->s, y->s, x->len) == 0;
}

static void *text_clone(const void *a)
{
	const struct text *x = a;
	return text_new(x->s, x->len);
}

static const struct ssp_state_ops text_ops = {
	text_diff, text_apply, text_equal, text_clone, free,
};

/* ---- A simulated link ---- */

struct packet {
	uint64_t at;
	int to;
	size_t len;
	uint8_t data[1500];
};

struct net {
	struct packet queue[4096];
	size_t n;
	unsigned seed;
	int loss_pct, dup_pct, jitter_ms, delay_ms;
	size_t mtu;		/* 0, or datagrams longer than this are lost */
	bool down;
	bool down_to[2];	/* one direction only: datagrams to this side are lost */
	uint64_t now;
};

struct side {
	struct net *net;
	int id;
	struct ssp *ssp;
	char text[20000];
	size_t len;
	size_t max_datagram;
	uint64_t sent;
	uint64_t sent_at[64];	/* when the first 64 datagrams since sent_at_reset left */
	size_t n_sent_at;
};

static unsigned rnd(struct net *n)
{
	n->seed = n->seed * 1103515245u + 12345u;
	return (n->seed >> 8) & 0xffffff;
}

static void enqueue(struct net *n, int to, const uint8_t *p, size_t len)
{
	int copies = 1 + ((int)(rnd(n) % 100) < n->dup_pct);

	if (n->down || n->down_to[to] || (int)(rnd(n) % 100) < n->loss_pct || n->n == 4096 || len > 1500 ||
	    (n->mtu && len > n->mtu))
		return;
	while (copies-- && n->n < 4096) {
		struct packet *q = &n->queue[n->n++];
		q->at = n->now + (uint64_t)n->delay_ms +
			(n->jitter_ms ? rnd(n) % (unsigned)n->jitter_ms : 0);
		q->to = to;
		q->len = len;
		memcpy(q->data, p, len);
	}
}

static void side_send(void *app, const uint8_t *p, size_t len)
{
	struct side *s = app;

	if (len > s->max_datagram)
		s->max_datagram = len;
	s->sent++;
	if (s->n_sent_at < sizeof s->sent_at / sizeof s->sent_at[0])
		s->sent_at[s->n_sent_at++] = s->net->now;
	enqueue(s->net, 1 - s->id, p, len);
}

static void *side_snapshot(void *app)
{
	struct side *s = app;
	return text_new(s->text, s->len);
}

static const struct ssp_pacing default_pacing = {
	.collect_ms = 4, .urgent_collect_ms = 1, .ack_delay_ms = 20, .heartbeat_ms = 3000,
};

static void side_init(struct side *s, struct net *net, int id, size_t max_payload,
		      const struct ssp_pacing *pacing)
{
	struct ssp_config c = {
		.local_ops = &text_ops, .remote_ops = &text_ops,
		.pacing = *pacing,
		.max_payload = max_payload,
		.snapshot = side_snapshot, .send = side_send,
	};

	memset(s, 0, sizeof *s);
	s->net = net;
	s->id = id;
	c.app = s;
	s->ssp = ssp_new(&c, text_new("", 0), text_new("", 0));
	if (!s->ssp)
		abort();
	ssp_set_rtt(s->ssp, 2 * net->delay_ms, 4 * net->delay_ms);
}

static void side_set(struct side *s, const char *text, bool urgent)
{
	s->len = strlen(text);
	memcpy(s->text, text, s->len);
	ssp_local_changed(s->ssp, s->net->now, urgent);
}

/* Delivers due packets (in arrival order, so jitter reorders them) and
 * ticks both sides, for `ms` simulated milliseconds. */
static void run(struct net *n, struct side *a, struct side *b, uint64_t ms)
{
	struct side *sides[2] = { a, b };
	uint64_t end = n->now + ms;

	for (; n->now < end; n->now++) {
		for (size_t i = 0; i < n->n;) {
			if (n->queue[i].at > n->now) {
				i++;
				continue;
			}
			struct packet p = n->queue[i];
			n->queue[i] = n->queue[--n->n];
			ssp_receive(sides[p.to]->ssp, p.data, p.len, n->now);
		}
		for (int k = 0; k < 2; k++)
			if (ssp_wait_ms(sides[k]->ssp, n->now) == 0)
				ssp_tick(sides[k]->ssp, n->now);
	}
}

static const char *remote_text(const struct side *s)
{
	return ((const struct text *)ssp_remote(s->ssp))->s;
}

static void setup_paced(struct net *n, struct side *a, struct side *b, size_t max_payload,
			const struct ssp_pacing *pa, const struct ssp_pacing *pb)
{
	memset(n, 0, sizeof *n);
	n->seed = 12345;
	n->now = 1000;
	n->delay_ms = 10;
	side_init(a, n, 0, max_payload, pa);
	side_init(b, n, 1, max_payload, pb);
}

static void setup(struct net *n, struct side *a, struct side *b, size_t max_payload)
{
	setup_paced(n, a, b, max_payload, &default_pacing, &default_pacing);
}

static void teardown(struct side *a, struct side *b)
{
	ssp_free(a->ssp);
	ssp_free(b->ssp);
}

/* ---- Tests ---- */

static struct net net;
static struct side a, b;

TEST(states_flow_both_ways_and_acks_free_old_ones)
{
	struct ssp_stats st;

	setup(&net, &a, &b, 1400);
	side_set(&a, "hello", true);
	side_set(&b, "world", false);
	run(&net, &a, &b, 200);
	EXPECT_STR(remote_text(&b), "hello");
	EXPECT_STR(remote_text(&a), "world");
	side_set(&a, "hello, there", true);
	run(&net, &a, &b, 200);
	EXPECT_STR(remote_text(&b), "hello, there");
	EXPECT(ssp_all_acked(a.ssp));
	EXPECT(ssp_all_acked(b.ssp));
	ssp_stats(a.ssp, &st);
	EXPECT_INT(st.sent_states_held, 1);
	EXPECT_INT(st.states_sent, 2);
	ssp_stats(b.ssp, &st);
	EXPECT(st.received_states_held <= 2);
	teardown(&a, &b);
}

TEST(urgent_change_goes_out_at_once_others_are_collected)
{
	setup(&net, &a, &b, 1400);
	run(&net, &a, &b, 500);
	side_set(&a, "x", true);
	EXPECT_INT(ssp_wait_ms(a.ssp, net.now), 0);
	run(&net, &a, &b, 100);
	side_set(&a, "xy", false);
	EXPECT(ssp_wait_ms(a.ssp, net.now) >= 4);
	teardown(&a, &b);
}

/* An echo in a quiet session leaves at once; an urgent change while states
 * stream (output right after a command) still collects the rest. */
TEST(urgent_change_collects_only_while_output_streams)
{
	struct ssp_stats st;

	setup(&net, &a, &b, 1400);
	run(&net, &a, &b, 500);
	side_set(&a, "x", true);
	ssp_tick(a.ssp, net.now);
	ssp_stats(a.ssp, &st);
	EXPECT_INT(st.states_sent, 1);
	run(&net, &a, &b, 2);
	side_set(&a, "xy", true);
	EXPECT_INT(ssp_wait_ms(a.ssp, net.now), 1);
	run(&net, &a, &b, 2);
	ssp_stats(a.ssp, &st);
	EXPECT_INT(st.states_sent, 2);
	run(&net, &a, &b, SSPSH_SEND_INTERVAL_MIN_MS + 100);
	side_set(&a, "xyz", true);
	EXPECT_INT(ssp_wait_ms(a.ssp, net.now), 0);
	EXPECT_STR(remote_text(&b), "xy");
	teardown(&a, &b);
}

TEST(a_flood_sends_one_state_per_frame_interval)
{
	struct ssp_stats st;
	char line[64];

	setup(&net, &a, &b, 1400);
	for (int i = 0; i < 1000; i++) {
		snprintf(line, sizeof line, "line %d", i);
		side_set(&a, line, false);
		run(&net, &a, &b, 1);
	}
	run(&net, &a, &b, 300);
	EXPECT_STR(remote_text(&b), "line 999");
	ssp_stats(a.ssp, &st);
	/* 1000 ms at one frame per max(SRTT / 2, 15 ms) */
	EXPECT(st.states_sent <= 1000 / SSPSH_SEND_INTERVAL_MIN_MS + 2);
	EXPECT(st.states_sent >= 10);
	teardown(&a, &b);
}

TEST(idle_sides_send_heartbeats)
{
	struct ssp_stats st;

	setup(&net, &a, &b, 1400);
	run(&net, &a, &b, 10000);
	ssp_stats(a.ssp, &st);
	EXPECT(st.datagrams_sent >= 3 && st.datagrams_sent <= 4);
	EXPECT(ssp_last_heard_ms(b.ssp) + SSPSH_HEARTBEAT_MS >= net.now);
	teardown(&a, &b);
}

/* Both sides keep editing over a link that loses, duplicates and reorders;
 * when the edits stop, each side converges on the other's last text. */
TEST(converges_over_a_bad_link)
{
	char line[128];

	setup(&net, &a, &b, 1400);
	net.loss_pct = 30;
	net.dup_pct = 10;
	net.jitter_ms = 60;
	for (int i = 0; i < 300; i++) {
		snprintf(line, sizeof line, "a%d:%.*s", i, i % 50, "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz");
		side_set(&a, line, i % 3 == 0);
		snprintf(line, sizeof line, "b%d", i * 7);
		side_set(&b, line, false);
		run(&net, &a, &b, 7);
	}
	net.loss_pct = 0;
	run(&net, &a, &b, 3000);
	EXPECT_STR(remote_text(&b), a.text);
	EXPECT_STR(remote_text(&a), b.text);
	EXPECT(ssp_all_acked(a.ssp));
	teardown(&a, &b);
}

TEST(large_states_are_fragmented_and_survive_loss)
{
	static char big[12000];

	setup(&net, &a, &b, 300);
	for (size_t i = 0; i < sizeof big - 1; i++)
		big[i] = (char)('a' + i % 26);
	net.loss_pct = 30;
	side_set(&a, big, false);
	run(&net, &a, &b, 20000);
	EXPECT_INT(strlen(remote_text(&b)), sizeof big - 1);
	EXPECT_STR(remote_text(&b), big);
	EXPECT(a.max_datagram <= 300);
	teardown(&a, &b);
}

TEST(memory_stays_bounded_when_acks_never_come_back)
{
	struct ssp_stats st;
	char line[64];

	setup(&net, &a, &b, 1400);
	net.down = true;	/* nothing gets through either way */
	for (int i = 0; i < 2000; i++) {
		snprintf(line, sizeof line, "state %d", i);
		side_set(&a, line, true);
		run(&net, &a, &b, 2);
	}
	ssp_stats(a.ssp, &st);
	EXPECT(st.sent_states_held <= SSPSH_MAX_SENT_STATES);
	EXPECT(st.states_sent > SSPSH_MAX_SENT_STATES);
	net.down = false;
	run(&net, &a, &b, 3000);
	EXPECT_STR(remote_text(&b), "state 1999");
	ssp_stats(a.ssp, &st);
	EXPECT_INT(st.sent_states_held, 1);
	teardown(&a, &b);
}

TEST(an_outage_heals)
{
	setup(&net, &a, &b, 1400);
	side_set(&a, "before", true);
	run(&net, &a, &b, 100);
	net.down = true;
	side_set(&a, "during", true);
	run(&net, &a, &b, 30000);
	EXPECT_STR(remote_text(&b), "before");
	net.down = false;
	run(&net, &a, &b, 1500);
	EXPECT_STR(remote_text(&b), "during");
	teardown(&a, &b);
}

/* Acks lost for long: the receiver takes in many more states than it can
 * hold, all diffed from the one base the sender still has acknowledged. It
 * must keep that base, or every later diff fails to apply; then it keeps
 * acking a state the sender has long forgotten, and the session stalls. */
TEST(a_long_loss_of_acks_does_not_stall_the_session)
{
	char line[64];

	setup(&net, &a, &b, 1400);
	side_set(&a, "start", true);
	run(&net, &a, &b, 200);
	net.down_to[0] = true;	/* b's acks never reach a */
	for (int i = 0; i < 4 * SSPSH_MAX_RECEIVED_STATES; i++) {
		snprintf(line, sizeof line, "state %d", i);
		side_set(&a, line, true);
		run(&net, &a, &b, 40);
	}
	EXPECT_STR(remote_text(&b), line);
	net.down_to[0] = false;
	side_set(&a, "after", true);
	run(&net, &a, &b, 3000);
	EXPECT_STR(remote_text(&b), "after");
	EXPECT(ssp_all_acked(a.ssp));
	teardown(&a, &b);
}

/* a (a server) backs off from b (its client) once b has been silent for
 * SSPSH_SILENT_BACKOFF_AFTER_MS: each gap is the silence at the datagram
 * before, at least a heartbeat, at most SSPSH_SILENT_BACKOFF_MAX_MS; news
 * waits for the schedule too. b's first datagram brings a back at once. */
TEST(a_silent_peer_gets_datagrams_ever_further_apart_until_it_speaks)
{
	struct ssp_pacing backoff = default_pacing;
	uint64_t silent_from, prev, gap, sent_before, heard;

	backoff.silent_backoff = true;
	setup_paced(&net, &a, &b, 1400, &backoff, &default_pacing);
	run(&net, &a, &b, 4000);	/* the first heartbeats each way */
	EXPECT(ssp_last_heard_ms(a.ssp) > 0);
	net.down_to[0] = true;		/* b is suspended: a hears nothing */
	silent_from = ssp_last_heard_ms(a.ssp);
	a.n_sent_at = 0;
	run(&net, &a, &b, 200000);
	EXPECT(a.n_sent_at >= 6 && a.n_sent_at <= 8);	/* 66 heartbeats without backing off */
	for (size_t i = 1; i < a.n_sent_at; i++) {
		prev = a.sent_at[i - 1] - silent_from;
		gap = a.sent_at[i] - a.sent_at[i - 1];
		if (a.sent_at[i] < silent_from + SSPSH_SILENT_BACKOFF_AFTER_MS)
			EXPECT_INT(gap, 3000);
		else
			EXPECT_INT(gap, prev > 3000 ? prev : 3000);
	}
	side_set(&a, "news for a silent peer", true);
	sent_before = a.sent;
	run(&net, &a, &b, 1000);
	EXPECT_INT(a.sent, sent_before);
	run(&net, &a, &b, 4 * SSPSH_SILENT_BACKOFF_MAX_MS);
	gap = a.sent_at[a.n_sent_at - 1] - a.sent_at[a.n_sent_at - 2];
	EXPECT_INT(gap, SSPSH_SILENT_BACKOFF_MAX_MS);
	net.down_to[0] = false;		/* b runs again: its next heartbeat gets through */
	heard = ssp_last_heard_ms(a.ssp);
	sent_before = a.sent;
	while (ssp_last_heard_ms(a.ssp) == heard)
		run(&net, &a, &b, 1);
	run(&net, &a, &b, 1);
	EXPECT(a.sent > sent_before);
	run(&net, &a, &b, 100);
	EXPECT_STR(remote_text(&b), "news for a silent peer");
	teardown(&a, &b);
}

/* Typing: a sends a key every 200 ms, b answers each at once. a's ack of
 * each answer rides on the next key, so one datagram goes up per key; b,
 * knowing a holds such acks, does not send its answers again meanwhile.
 * The ack of the last answer goes alone, answer_ack_delay_ms later; news
 * that answers nothing is acked after ack_delay_ms as before. */
TEST(the_ack_of_an_answer_rides_on_the_next_key)
{
	struct ssp_pacing client = default_pacing, server = default_pacing;
	struct ssp_stats st;
	char key[16];
	uint64_t a_before, b_before, quiet_from;

	client.answer_ack_delay_ms = 250;
	server.peer_answer_ack_delay_ms = 250;
	setup_paced(&net, &a, &b, 1400, &client, &server);
	run(&net, &a, &b, 1000);
	a_before = a.sent;
	b_before = b.sent;
	for (int i = 0; i < 10; i++) {
		snprintf(key, sizeof key, "key %d", i);
		side_set(&a, key, true);
		while (strcmp(remote_text(&b), key) != 0)
			run(&net, &a, &b, 1);
		side_set(&b, key, true);	/* the echo */
		run(&net, &a, &b, 200 - 2 * (uint64_t)net.delay_ms);
	}
	EXPECT_INT(a.sent - a_before, 10);
	EXPECT_INT(b.sent - b_before, 10);
	run(&net, &a, &b, 1000);
	EXPECT_INT(a.sent - a_before, 11);
	/* the last key, then its echo's ack alone after the echo's round trip and the hold */
	EXPECT(a.sent_at[a.n_sent_at - 1] - a.sent_at[a.n_sent_at - 2] >= 250 + 2 * (uint64_t)net.delay_ms);
	ssp_stats(b.ssp, &st);
	EXPECT_INT(st.retransmissions, 0);
	EXPECT(ssp_all_acked(b.ssp));
	side_set(&b, "output of its own", false);
	run(&net, &a, &b, 1);
	a_before = a.sent;
	while (strcmp(remote_text(&a), "output of its own") != 0)
		run(&net, &a, &b, 1);
	quiet_from = net.now;
	while (a.sent == a_before)
		run(&net, &a, &b, 1);
	EXPECT(net.now - quiet_from <= 21);
	/* A key whose answer goes on (a command's output): the second state
	 * is acked after ack_delay_ms, not held for the next key. */
	side_set(&a, "ls", true);
	while (strcmp(remote_text(&b), "ls") != 0)
		run(&net, &a, &b, 1);
	side_set(&b, "ls: first line", true);
	run(&net, &a, &b, 20);
	a_before = a.sent;
	quiet_from = net.now;
	side_set(&b, "ls: first line, second line", true);
	while (a.sent == a_before)
		run(&net, &a, &b, 1);
	EXPECT_STR(remote_text(&a), "ls: first line, second line");
	EXPECT(net.now - quiet_from <= (uint64_t)net.delay_ms + 21);
	teardown(&a, &b);
}

/* Datagrams are authenticated by the transport before they get here, so
 * garbage only tests that parsing never reads out of bounds (run under
 * ASan) and that a header cut short is never taken for a datagram. */
TEST(garbage_and_truncated_datagrams_are_dropped)
{
	struct ssp_stats before, after;
	uint8_t junk[200];
	unsigned seed = 7;

	setup(&net, &a, &b, 1400);
	side_set(&a, "real", true);
	run(&net, &a, &b, 100);
	ssp_stats(b.ssp, &before);
	EXPECT(!ssp_receive(b.ssp, (const uint8_t *)"\0\1\0\2\x80", 5, net.now));
	EXPECT(!ssp_receive(b.ssp, junk, 0, net.now));
	ssp_stats(b.ssp, &after);
	EXPECT_INT(after.datagrams_received, before.datagrams_received);
	for (int i = 0; i < 20000; i++) {
		size_t len = (size_t)(i % 200);
		for (size_t k = 0; k < len; k++) {
			seed = seed * 1103515245u + 12345u;
			junk[k] = (uint8_t)(seed >> 16);
		}
		ssp_receive(b.ssp, junk, len, net.now);
		ssp_tick(b.ssp, net.now);
	}
	EXPECT(strlen(remote_text(&b)) == ((const struct text *)ssp_remote(b.ssp))->len);
	teardown(&a, &b);
}

/* The path starts refusing the larger datagrams mid-instruction (the
 * transport saw EMSGSIZE): told the smaller payload, the sender splits the
 * same instruction anew under a new id at once, without waiting for its
 * retransmission timeout, and the pieces of the old split that did get
 * through (the short last one) never mix with the new ones. */
TEST(a_smaller_payload_splits_the_instruction_anew_at_once)
{
	static char big[5000];

	setup(&net, &a, &b, 1000);
	ssp_set_rtt(a.ssp, 20, SSPSH_RTO_MAX_MS);
	for (size_t i = 0; i < sizeof big - 1; i++)
		big[i] = (char)('A' + i % 26);
	net.mtu = 600;
	side_set(&a, big, true);
	run(&net, &a, &b, 100);
	EXPECT_STR(remote_text(&b), "");
	EXPECT(a.max_datagram > 600);
	ssp_set_max_payload(a.ssp, 600);
	EXPECT_INT(ssp_wait_ms(a.ssp, net.now), 0);
	a.max_datagram = 0;
	run(&net, &a, &b, 100);	/* far less than the 1000 ms timeout */
	EXPECT_STR(remote_text(&b), big);
	EXPECT(a.max_datagram <= 600);
	ssp_set_max_payload(a.ssp, 600);	/* unchanged: nothing to resend */
	run(&net, &a, &b, 100);
	EXPECT(ssp_wait_ms(a.ssp, net.now) > 0);
	teardown(&a, &b);
}

/* One hostile piece of instruction 1: ack 0, throwaway 0, fragment index,
 * never the last one, then len bytes. */
static size_t hostile_piece(uint8_t *out, size_t cap, uint64_t index, size_t len)
{
	struct ssp_header h = { .instruction_id = 1, .fragment_index = index };
	struct buf wire;
	size_t n;

	buf_init(&wire);
	ssp_header_put(&wire, &h);
	while (wire.len < cap && len--)
		buf_put_u8(&wire, (uint8_t)index);
	n = wire.len <= cap ? wire.len : 0;
	memcpy(out, wire.data, n);
	buf_free(&wire);
	return n;
}

/* A peer (it has the key: the transport let its datagrams through) sends
 * pieces of an instruction that never ends. The receiver holds at most
 * SSPSH_SSP_MAX_INSTRUCTION bytes of them and refuses fragment indices of
 * SSPSH_SSP_MAX_FRAGMENTS or more; a newer instruction frees the room. */
TEST(a_hostile_peer_cannot_make_the_assembler_hold_more_than_the_bound)
{
	static uint8_t piece[1200];
	const size_t piece_len = 1100;
	struct ssp_stats st, after;
	size_t n, sent = 0;

	setup(&net, &a, &b, 1400);
	for (uint64_t i = 0; sent <= SSPSH_SSP_MAX_INSTRUCTION + 10 * piece_len; i++) {
		n = hostile_piece(piece, sizeof piece, i, piece_len);
		EXPECT(!ssp_receive(b.ssp, piece, n, net.now));
		sent += piece_len;
	}
	ssp_stats(b.ssp, &st);
	printf("# %zu bytes of pieces sent, %zu held (bound %u)\n", sent, st.instruction_bytes_held,
	       SSPSH_SSP_MAX_INSTRUCTION);
	EXPECT(st.instruction_bytes_held <= SSPSH_SSP_MAX_INSTRUCTION);
	EXPECT(st.instruction_bytes_held > SSPSH_SSP_MAX_INSTRUCTION - piece_len);
	n = hostile_piece(piece, sizeof piece, SSPSH_SSP_MAX_FRAGMENTS, 10);
	EXPECT(!ssp_receive(b.ssp, piece, n, net.now));
	ssp_stats(b.ssp, &after);
	EXPECT_INT(after.datagrams_received, st.datagrams_received);	/* refused outright */
	/* The sender's own first instruction, whole in one datagram, ends the
	 * hostile one and frees its room. */
	side_set(&a, "honest", true);
	run(&net, &a, &b, 100);
	EXPECT_STR(remote_text(&b), "honest");
	ssp_stats(b.ssp, &st);
	EXPECT_INT(st.instruction_bytes_held, 0);
	teardown(&a, &b);
}

int main(void)
{
	RUN(states_flow_both_ways_and_acks_free_old_ones);
	RUN(urgent_change_goes_out_at_once_others_are_collected);
	RUN(urgent_change_collects_only_while_output_streams);
	RUN(a_flood_sends_one_state_per_frame_interval);
	RUN(idle_sides_send_heartbeats);
	RUN(converges_over_a_bad_link);
	RUN(large_states_are_fragmented_and_survive_loss);
	RUN(memory_stays_bounded_when_acks_never_come_back);
	RUN(an_outage_heals);
	RUN(a_long_loss_of_acks_does_not_stall_the_session);
	RUN(a_silent_peer_gets_datagrams_ever_further_apart_until_it_speaks);
	RUN(the_ack_of_an_answer_rides_on_the_next_key);
	RUN(garbage_and_truncated_datagrams_are_dropped);
	RUN(a_smaller_payload_splits_the_instruction_anew_at_once);
	RUN(a_hostile_peer_cannot_make_the_assembler_hold_more_than_the_bound);
	return unit_exit_status();
}
