/* Two transports on loopback, directly and through the link emulator. */
#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/options.h"
#include "net/aead.h"
#include "net/datagram.h"
#include "net/link.h"
#include "net/transport.h"
#include "test/unit/loopback.h"
#include "test/unit/unit.h"

#define PORT_LOW 61000
#define PORT_HIGH 61999

static struct transport_key key;

static struct transport *server_on(const char *addr)
{
	return transport_server(&key, addr, PORT_LOW, PORT_HIGH);
}

static struct transport *client_of(struct transport *server, const char *addr)
{
	return transport_client(&key, addr, transport_local_port(server));
}

/* Called for every message a transport delivers. */
typedef void (*on_message_fn)(int which, struct buf *msg, void *ctx);

/* One turn of an event loop over n transports: wait for input or the
 * earliest deadline (at most max_wait_ms), tick, deliver messages. */
static void turn(struct transport **ts, int n, int max_wait_ms, on_message_fn on_message, void *ctx)
{
	struct pollfd fds[4];
	uint64_t now = clock_ms(), due = now + (uint64_t)max_wait_ms;
	struct buf msg;

	buf_init(&msg);
	for (int i = 0; i < n; i++) {
		uint64_t d = transport_next_deadline_ms(ts[i]);
		if (d < due)
			due = d;
		fds[i] = (struct pollfd){ .fd = transport_fd(ts[i]), .events = POLLIN };
	}
	poll(fds, (nfds_t)n, due > now ? (int)(due - now) : 0);
	for (int i = 0; i < n; i++) {
		transport_tick(ts[i], clock_ms());
		while (transport_recv(ts[i], &msg) == TRANSPORT_MESSAGE)
			if (on_message)
				on_message(i, &msg, ctx);
	}
	buf_free(&msg);
}

struct last_message {
	int count[2];
	struct buf text[2];
};

static void keep_last(int which, struct buf *msg, void *ctx)
{
	struct last_message *last = ctx;

	last->count[which]++;
	buf_reset(&last->text[which]);
	buf_put(&last->text[which], msg->data, msg->len);
}

/* Runs until transport `which` has received `want` messages in total, or 2 s. */
static bool wait_for(struct transport *s, struct transport *c, struct last_message *last,
		     int which, int want)
{
	struct transport *ts[2] = { s, c };
	uint64_t give_up = clock_ms() + 2000;

	while (last->count[which] < want && clock_ms() < give_up)
		turn(ts, 2, 20, keep_last, last);
	return last->count[which] >= want;
}

/* Runs both transports for ms milliseconds. */
static void run_for(struct transport *s, struct transport *c, struct last_message *last, int ms)
{
	struct transport *ts[2] = { s, c };
	uint64_t until = clock_ms() + (uint64_t)ms;

	while (clock_ms() < until)
		turn(ts, 2, 20, keep_last, last);
}

static void last_init(struct last_message *last)
{
	memset(last, 0, sizeof *last);
	buf_init(&last->text[0]);
	buf_init(&last->text[1]);
}

static void last_free(struct last_message *last)
{
	buf_free(&last->text[0]);
	buf_free(&last->text[1]);
}

static void exchange_hello(const char *server_addr, const char *client_addr)
{
	struct transport *s = server_on(server_addr), *c;
	struct last_message last;

	EXPECT(s != NULL);
	if (!s)
		return;
	c = client_of(s, client_addr);
	EXPECT(c != NULL);
	last_init(&last);
	EXPECT(!transport_has_peer(s));
	EXPECT(!transport_send(s, "early", 5));	/* no peer yet */
	EXPECT(transport_send(c, "hello", 5));
	EXPECT(wait_for(s, c, &last, 0, 1));
	EXPECT_INT(last.text[0].len, 5);
	EXPECT_MEM(last.text[0].data, "hello", 5);
	EXPECT(transport_has_peer(s));
	EXPECT(transport_send(s, "world", 5));
	EXPECT(wait_for(s, c, &last, 1, 1));
	EXPECT_MEM(last.text[1].data, "world", 5);
	EXPECT(transport_last_heard_ms(c) > 0);
	EXPECT_INT(transport_counters(s)->datagrams_received, 1);
	EXPECT_INT(transport_counters(c)->datagrams_received, 1);
	last_free(&last);
	transport_free(c);
	transport_free(s);
}

TEST(ipv4_hello)
{
	exchange_hello("127.0.0.1", "127.0.0.1");
}

TEST(ipv6_hello)
{
	int probe = socket(AF_INET6, SOCK_DGRAM, 0);

	if (probe < 0)
		SKIP("no IPv6 sockets here");
	close(probe);
	exchange_hello("::1", "::1");
}

TEST(dual_stack_server_takes_ipv4_clients)
{
	exchange_hello(NULL, "127.0.0.1");
}

/* One payload, one datagram: the largest payload fills SSPSH_DATAGRAM_MAX
 * exactly, and a larger one is refused without sending anything. */
TEST(a_payload_goes_as_one_datagram_and_a_larger_one_is_refused)
{
	struct transport *s = server_on("127.0.0.1"), *c = client_of(s, "127.0.0.1");
	const struct transport_counters *cc = transport_counters(c);
	static uint8_t big[SSPSH_DATAGRAM_MAX + 1];
	size_t max = transport_max_payload(c);
	struct last_message last;

	last_init(&last);
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (uint8_t)(i * 131 + i / 251);
	EXPECT_INT(max, SSPSH_DATAGRAM_MAX - DATAGRAM_FIXED_OVERHEAD);
	EXPECT(!transport_send(c, big, max + 1));
	EXPECT(!transport_send(c, big, sizeof big));
	EXPECT_INT(cc->datagrams_sent, 0);
	EXPECT(transport_send(c, big, max));
	EXPECT_INT(cc->datagrams_sent, 1);
	EXPECT_INT(cc->bytes_sent, SSPSH_DATAGRAM_MAX);
	EXPECT(wait_for(s, c, &last, 0, 1));
	EXPECT_INT(last.text[0].len, max);
	EXPECT_MEM(last.text[0].data, big, max);
	EXPECT(transport_send(c, "", 0));	/* an empty payload is a datagram too */
	EXPECT(wait_for(s, c, &last, 0, 2));
	EXPECT_INT(last.text[0].len, 0);
	last_free(&last);
	transport_free(c);
	transport_free(s);
}

/* The emulated link refuses datagrams over 700 bytes as the kernel does
 * with EMSGSIZE: each refusal steps the datagram size down below the
 * refused one (1000, 800, 600), the transport reports the smaller maximum
 * and refuses larger payloads itself. (test_net_pmtu has the kernel's own
 * EMSGSIZE.) */
TEST(emsgsize_shrinks_datagrams)
{
	struct transport *s = server_on("127.0.0.1"), *c = client_of(s, "127.0.0.1");
	struct link_params narrow = { .mtu = 700 };
	const struct transport_counters *sc = transport_counters(s), *cc = transport_counters(c);
	static uint8_t msg[SSPSH_DATAGRAM_MAX];
	struct last_message last;
	int refused = 0;

	last_init(&last);
	memset(msg, 'm', sizeof msg);
	EXPECT(transport_set_link(c, &narrow));
	while (!transport_send(c, msg, transport_max_payload(c)) && refused < 10)
		refused++;
	EXPECT_INT(refused, 3);
	EXPECT_INT(cc->shrinks, 3);
	EXPECT_INT(transport_max_payload(c), 600 - DATAGRAM_FIXED_OVERHEAD);
	EXPECT(!transport_send(c, msg, 600 - DATAGRAM_FIXED_OVERHEAD + 1));	/* fits the path, not the maximum */
	EXPECT_INT(cc->shrinks, 3);
	EXPECT(wait_for(s, c, &last, 0, 1));
	EXPECT_INT(last.text[0].len, 600 - DATAGRAM_FIXED_OVERHEAD);
	EXPECT_INT(sc->datagrams_received, 1);
	EXPECT_INT(sc->bytes_received, 600);
	last_free(&last);
	transport_free(c);
	transport_free(s);
}

/* A path that refuses even SSPSH_DATAGRAM_MIN-byte datagrams: the size
 * stops there and sending fails instead of looping. */
TEST(emsgsize_stops_at_the_minimum_datagram)
{
	struct transport *s = server_on("127.0.0.1"), *c = client_of(s, "127.0.0.1");
	struct link_params tiny = { .mtu = 100 };
	static uint8_t msg[200];

	EXPECT(transport_set_link(c, &tiny));
	EXPECT(!transport_send(c, msg, sizeof msg));
	EXPECT_INT(transport_max_payload(c), SSPSH_DATAGRAM_MIN - DATAGRAM_FIXED_OVERHEAD);
	EXPECT(!transport_send(c, msg, sizeof msg));
	EXPECT_INT(transport_max_payload(c), SSPSH_DATAGRAM_MIN - DATAGRAM_FIXED_OVERHEAD);
	EXPECT_INT(transport_counters(c)->datagrams_sent, 0);
	EXPECT(transport_send(c, msg, 50));
	transport_free(c);
	transport_free(s);
}

TEST(outage_drops_everything_until_it_ends)
{
	struct transport *s = server_on("127.0.0.1"), *c = client_of(s, "127.0.0.1");
	struct link_params link = { .delay_ms = 5, .outage = true };
	struct last_message last;

	last_init(&last);
	EXPECT(transport_set_link(c, &link));
	EXPECT(transport_send(c, "lost", 4));
	run_for(s, c, &last, 100);
	EXPECT_INT(last.count[0], 0);
	link.outage = false;
	EXPECT(transport_set_link(c, &link));
	EXPECT(transport_send(c, "found", 5));
	EXPECT(wait_for(s, c, &last, 0, 1));
	EXPECT_MEM(last.text[0].data, "found", 5);
	EXPECT(transport_set_link(c, NULL));
	EXPECT(transport_send(c, "direct", 6));
	EXPECT(wait_for(s, c, &last, 0, 2));
	EXPECT_INT(last.count[0], 2);
	last_free(&last);
	transport_free(c);
	transport_free(s);
}

/* ---- Lossy link: every message re-sent until acknowledged arrives ---- */

#define LOSSY_MESSAGES 120
#define LOSSY_WINDOW 8
#define LOSSY_MAX_ATTEMPTS 64

struct lossy {
	int deliveries[LOSSY_MESSAGES][LOSSY_MAX_ATTEMPTS];	/* at the server */
	bool corrupt;
	bool acked[LOSSY_MESSAGES];
	int attempts[LOSSY_MESSAGES];
	uint64_t sent_at[LOSSY_MESSAGES];
	struct transport *server;
};

/* Message k is its header "k attempt" and, for every 7th, a pattern that
 * fills the largest payload. */
static bool is_full(int k)
{
	return k % 7 == 0;
}

static void build_message(struct buf *b, int k, int attempt, size_t max_payload)
{
	buf_reset(b);
	buf_printf(b, "%d %d|", k, attempt);
	for (size_t i = 0; is_full(k) && b->len < max_payload; i++)
		buf_put_u8(b, (uint8_t)(k + (int)i));
}

static bool message_intact(const struct buf *msg, int k, int attempt)
{
	struct buf want;
	bool same;

	buf_init(&want);
	build_message(&want, k, attempt, SSPSH_DATAGRAM_MAX - DATAGRAM_FIXED_OVERHEAD);
	same = want.len == msg->len && memcmp(want.data, msg->data, msg->len) == 0;
	buf_free(&want);
	return same;
}

static void lossy_on_message(int which, struct buf *msg, void *ctx)
{
	struct lossy *l = ctx;
	int k, attempt;
	char ack[32];

	buf_put_u8(msg, 0);
	if (which == 1) {		/* the client: an ack */
		if (sscanf((char *)msg->data, "ack %d", &k) == 1 && k >= 0 && k < LOSSY_MESSAGES)
			l->acked[k] = true;
		return;
	}
	msg->len--;
	if (sscanf((char *)msg->data, "%d %d|", &k, &attempt) != 2 || k < 0 || k >= LOSSY_MESSAGES ||
	    attempt < 0 || attempt >= LOSSY_MAX_ATTEMPTS || !message_intact(msg, k, attempt)) {
		l->corrupt = true;
		return;
	}
	l->deliveries[k][attempt]++;
	snprintf(ack, sizeof ack, "ack %d", k);
	transport_send(l->server, ack, strlen(ack));
}

TEST(lossy_link_delivers_everything_once)
{
	struct transport *s = server_on("127.0.0.1"), *c = client_of(s, "127.0.0.1");
	struct transport *ts[2] = { s, c };
	struct link_params bad = { .delay_ms = 10, .jitter_ms = 3, .loss = 0.3, .dup = 0.2,
				   .reorder = 0.2, .seed = 1234 };
	static struct lossy l;
	struct buf msg;
	uint64_t give_up = clock_ms() + 60000;
	int next = 0, done = 0, twice = 0, missing = 0;

	memset(&l, 0, sizeof l);
	l.server = s;
	buf_init(&msg);
	EXPECT(transport_set_link(c, &bad));
	while (done < LOSSY_MESSAGES && clock_ms() < give_up) {
		uint64_t now = clock_ms();

		done = 0;
		for (int k = 0; k < next; k++)
			done += l.acked[k];
		if (next < LOSSY_MESSAGES && next - done < LOSSY_WINDOW)
			l.sent_at[next++] = 0;	/* due at once */
		for (int k = 0; k < next; k++) {
			if (l.acked[k] || now < l.sent_at[k] + transport_rto_ms(c) ||
			    l.attempts[k] >= LOSSY_MAX_ATTEMPTS)
				continue;
			build_message(&msg, k, l.attempts[k]++, transport_max_payload(c));
			EXPECT_INT(msg.len, is_full(k) ? SSPSH_DATAGRAM_MAX - DATAGRAM_FIXED_OVERHEAD : msg.len);
			EXPECT(transport_send(c, msg.data, msg.len));
			l.sent_at[k] = now;
		}
		turn(ts, 2, 10, lossy_on_message, &l);
	}
	for (int k = 0; k < LOSSY_MESSAGES; k++) {
		int got = 0;
		for (int a = 0; a < LOSSY_MAX_ATTEMPTS; a++) {
			got += l.deliveries[k][a];
			twice += l.deliveries[k][a] > 1;
		}
		missing += got == 0;
		if (!l.acked[k])
			printf("# message %d: %d attempts, %d deliveries\n", k, l.attempts[k], got);
	}
	EXPECT_INT(done, LOSSY_MESSAGES);
	EXPECT_INT(missing, 0);
	EXPECT_INT(twice, 0);
	EXPECT(!l.corrupt);
	/* The link did duplicate, and the transport threw the copies away. */
	EXPECT(transport_counters(s)->dropped_replay > 0);
	EXPECT_INT(transport_counters(s)->dropped_forged, 0);
	buf_free(&msg);
	transport_free(c);
	transport_free(s);
}

/* ---- RTT ---- */

static void echo_back(int which, struct buf *msg, void *ctx)
{
	struct transport **ts = ctx;

	if (which == 0)
		transport_send(ts[0], msg->data, msg->len);
}

static void ping_for(struct transport *s, struct transport *c, int ms)
{
	struct transport *ts[2] = { s, c };
	uint64_t end = clock_ms() + (uint64_t)ms, next_ping = 0;

	while (clock_ms() < end) {
		if (clock_ms() >= next_ping) {
			transport_send(c, "ping", 4);
			next_ping = clock_ms() + 20;
		}
		turn(ts, 2, 5, echo_back, ts);
	}
}

TEST(rtt_converges_to_the_emulated_rtt)
{
	struct transport *s = server_on("127.0.0.1"), *c = client_of(s, "127.0.0.1");
	struct link_params slow = { .delay_ms = 60, .jitter_ms = 5, .loss = 0.05, .seed = 77 };
	double srtt_c, srtt_s;

	EXPECT(!transport_has_rtt(c));
	EXPECT(transport_set_link(c, &slow));
	ping_for(s, c, 2500);
	srtt_c = transport_srtt_ms(c);
	srtt_s = transport_srtt_ms(s);
	printf("# emulated RTT 120 ms: client SRTT %.1f ms (RTO %u), server SRTT %.1f ms\n",
	       srtt_c, transport_rto_ms(c), srtt_s);
	EXPECT(transport_has_rtt(c));
	EXPECT(transport_has_rtt(s));
	/* A busy machine or valgrind only adds to the link's 120 ms. */
	EXPECT(srtt_c >= 108 && srtt_c <= 150);
	EXPECT(srtt_s >= 108 && srtt_s <= 150);
	EXPECT(transport_rto_ms(c) >= srtt_c);
	transport_free(c);
	transport_free(s);
}

TEST(rtt_sample_survives_a_long_hold)
{
	struct transport *s = server_on("127.0.0.1"), *c = client_of(s, "127.0.0.1");
	struct link_params slow = { .delay_ms = 50 };
	struct last_message last;
	last_init(&last);
	EXPECT(transport_set_link(c, &slow));
	EXPECT(transport_send(c, "ping", 4));
	EXPECT(wait_for(s, c, &last, 0, 1));
	/* The server answers only 1.5 s later, like an idle heartbeat. */
	run_for(s, c, &last, 1500);
	EXPECT(transport_send(s, "pong", 4));
	EXPECT(wait_for(s, c, &last, 1, 1));
	EXPECT(transport_has_rtt(c));
	/* 100 ms of link plus the loop's own delays, which valgrind or a busy
	 * machine stretches; counting the hold would give 1,600 ms. */
	EXPECT(fabs(transport_srtt_ms(c) - 100) <= 40);
	last_free(&last);
	transport_free(c);
	transport_free(s);
}

/* ---- Roaming ---- */

static void expect_peer_port(struct transport *s, uint16_t port)
{
	char name[80], want[80];

	transport_peer_name(s, name, sizeof name);
	snprintf(want, sizeof want, "127.0.0.1:%u", port);
	EXPECT_STR(name, want);
}

TEST(server_follows_a_client_port_change_within_one_datagram)
{
	struct transport *s = server_on("127.0.0.1"), *c = client_of(s, "127.0.0.1");
	struct last_message last;
	uint16_t old_port = transport_local_port(c), new_port;

	last_init(&last);
	EXPECT(transport_send(c, "one", 3));
	EXPECT(wait_for(s, c, &last, 0, 1));
	expect_peer_port(s, old_port);
	EXPECT(transport_change_port(c));
	new_port = transport_local_port(c);
	EXPECT(new_port != old_port);
	EXPECT(transport_send(c, "two", 3));	/* a single datagram */
	EXPECT(wait_for(s, c, &last, 0, 2));
	expect_peer_port(s, new_port);
	EXPECT_INT(transport_counters(s)->roams, 1);
	EXPECT(transport_send(s, "back", 4));
	EXPECT(wait_for(s, c, &last, 1, 1));
	EXPECT_MEM(last.text[1].data, "back", 4);
	EXPECT(!transport_change_port(s));	/* servers do not hop */
	last_free(&last);
	transport_free(c);
	transport_free(s);
}

TEST(client_hops_port_after_no_round_trip)
{
	struct transport *s = server_on("127.0.0.1"), *c = client_of(s, "127.0.0.1");
	struct last_message last;
	uint16_t old_port = transport_local_port(c);
	uint64_t due = transport_next_deadline_ms(c);

	last_init(&last);
	EXPECT(due <= clock_ms() + SSPSH_PORT_HOP_MS);
	EXPECT(due + 1000 > clock_ms() + SSPSH_PORT_HOP_MS);
	transport_tick(c, clock_ms());
	EXPECT_INT(transport_counters(c)->port_hops, 0);
	transport_tick(c, due);
	EXPECT_INT(transport_counters(c)->port_hops, 1);
	EXPECT(transport_local_port(c) != old_port);
	EXPECT(transport_next_deadline_ms(c) >= clock_ms() + SSPSH_PORT_HOP_MS - 1000);
	EXPECT(transport_send(c, "after hop", 9));
	EXPECT(wait_for(s, c, &last, 0, 1));
	expect_peer_port(s, transport_local_port(c));
	last_free(&last);
	transport_free(c);
	transport_free(s);
}

/* ---- Replays and forgeries ---- */

static void send_to_port(int fd, const void *data, size_t len, uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

	sendto(fd, data, len, 0, (struct sockaddr *)&a, sizeof a);
}

/* Lets the server read whatever is waiting; returns messages delivered. */
static int settle(struct transport *s)
{
	struct buf msg;
	int messages = 0;
	uint64_t end = clock_ms() + 100;

	buf_init(&msg);
	while (clock_ms() < end) {
		struct pollfd p = { .fd = transport_fd(s), .events = POLLIN };
		poll(&p, 1, 10);
		while (transport_recv(s, &msg) == TRANSPORT_MESSAGE)
			messages++;
	}
	buf_free(&msg);
	return messages;
}

TEST(replayed_and_forged_datagrams_never_move_the_server)
{
	struct transport *s = server_on("127.0.0.1");
	int tap = udp_socket_on_loopback(), attacker = udp_socket_on_loopback();
	struct transport *c = transport_client(&key, "127.0.0.1", port_of(tap));
	const struct transport_counters *sc = transport_counters(s);
	uint8_t captured[3][2048];
	ssize_t len[3];
	struct pollfd p = { .fd = attacker, .events = POLLIN };

	/* The client's first three datagrams pass through the tap to the server. */
	for (int i = 0; i < 3; i++) {
		char text[3] = { 'm', (char)('0' + i), '\0' };
		EXPECT(transport_send(c, text, 2));
		len[i] = recv(tap, captured[i], sizeof captured[i], 0);
		EXPECT(len[i] > 0);
		send_to_port(tap, captured[i], (size_t)len[i], transport_local_port(s));
	}
	EXPECT_INT(settle(s), 3);
	expect_peer_port(s, port_of(tap));

	/* Replays of old and newest datagrams from another port. */
	send_to_port(attacker, captured[0], (size_t)len[0], transport_local_port(s));
	send_to_port(attacker, captured[2], (size_t)len[2], transport_local_port(s));
	EXPECT_INT(settle(s), 0);
	EXPECT_INT(sc->dropped_replay, 2);
	expect_peer_port(s, port_of(tap));

	/* A forgery claiming a newer sequence number, a truncated datagram and
	 * one with the server's own direction bit. */
	captured[2][7] += 10;
	send_to_port(attacker, captured[2], (size_t)len[2], transport_local_port(s));
	send_to_port(attacker, captured[1], 20, transport_local_port(s));
	captured[1][0] |= 0x80;
	send_to_port(attacker, captured[1], (size_t)len[1], transport_local_port(s));
	EXPECT_INT(settle(s), 0);
	EXPECT_INT(sc->dropped_forged, 1);
	EXPECT_INT(sc->dropped_malformed, 2);
	expect_peer_port(s, port_of(tap));
	EXPECT_INT(sc->roams, 0);
	EXPECT_INT(sc->datagrams_received, 3);
	/* Nothing was ever answered to the attacker. */
	EXPECT_INT(poll(&p, 1, 50), 0);
	close(tap);
	close(attacker);
	transport_free(c);
	transport_free(s);
}

/* The same key in two client processes one after the other (connect
 * --direct run twice with one SSPSH_KEY): the second must not reuse the
 * first's nonces, and the server takes the second over. Both talk to the
 * server through a tap that reads their sequence numbers. */
static uint64_t relay_one(struct transport *client, int tap, struct transport *server)
{
	uint8_t wire[2048];
	struct datagram header = { .seq = 0 };
	ssize_t n;

	EXPECT(transport_send(client, "x", 1));
	n = recv(tap, wire, sizeof wire, 0);
	EXPECT(n > 0 && datagram_peek(wire, (size_t)n, &header));
	if (n > 0)
		send_to_port(tap, wire, (size_t)n, transport_local_port(server));
	return header.seq;
}

TEST(a_second_client_with_the_same_key_reuses_no_nonce)
{
	struct transport *s = server_on("127.0.0.1");
	int tap = udp_socket_on_loopback();
	struct transport *first = transport_client(&key, "127.0.0.1", port_of(tap));
	struct transport *second;
	uint64_t first_last = 0, second_first;

	for (int i = 0; i < 5; i++)
		first_last = relay_one(first, tap, s);
	EXPECT_INT(settle(s), 5);
	transport_free(first);

	second = transport_client(&key, "127.0.0.1", port_of(tap));
	second_first = relay_one(second, tap, s);
	EXPECT(second_first > first_last);
	EXPECT_INT(settle(s), 1);
	EXPECT_INT(transport_counters(s)->dropped_replay, 0);
	close(tap);
	transport_free(second);
	transport_free(s);
}

TEST(garbage_never_gives_a_server_a_peer)
{
	struct transport *s = server_on("127.0.0.1");
	int attacker = udp_socket_on_loopback();
	uint8_t junk[300];

	for (int i = 0; i < 50; i++) {
		for (size_t j = 0; j < sizeof junk; j++)
			junk[j] = (uint8_t)rand();
		send_to_port(attacker, junk, (size_t)(rand() % (int)sizeof junk), transport_local_port(s));
	}
	EXPECT_INT(settle(s), 0);
	EXPECT(!transport_has_peer(s));
	EXPECT_INT(transport_counters(s)->datagrams_received, 0);
	EXPECT_INT(transport_counters(s)->dropped_forged + transport_counters(s)->dropped_malformed, 50);
	close(attacker);
	transport_free(s);
}

/* No peer sends a datagram longer than SSPSH_DATAGRAM_LOOPBACK_MAX: one
 * that is longer is dropped unopened even when it carries the right key,
 * and one of exactly that length is taken. */
TEST(a_datagram_longer_than_any_peer_sends_is_dropped)
{
	static uint8_t payload[SSPSH_DATAGRAM_LOOPBACK_MAX], wire[SSPSH_DATAGRAM_LOOPBACK_MAX + 100];
	struct transport *s = server_on("127.0.0.1");
	int sender = udp_socket_on_loopback();
	struct datagram d = { .direction = TO_SERVER, .client_id = 77, .seq = 1, .timestamp_reply = TIMESTAMP_NONE,
			      .payload = payload,
			      .payload_len = SSPSH_DATAGRAM_LOOPBACK_MAX - DATAGRAM_FIXED_OVERHEAD + 1 };
	uint8_t client_key[AEAD_KEY_LEN];
	struct aead a;
	size_t n;

	EXPECT(datagram_direct_key(key.bytes, d.client_id, TO_SERVER, client_key));
	EXPECT(aead_init(&a, client_key));
	n = datagram_seal(&a, &d, wire, sizeof wire);
	EXPECT_INT(n, SSPSH_DATAGRAM_LOOPBACK_MAX + 1);
	send_to_port(sender, wire, n, transport_local_port(s));
	EXPECT_INT(settle(s), 0);
	EXPECT(!transport_has_peer(s));
	EXPECT_INT(transport_counters(s)->dropped_malformed, 1);
	d.seq = 2;
	d.payload_len--;
	n = datagram_seal(&a, &d, wire, sizeof wire);
	send_to_port(sender, wire, n, transport_local_port(s));
	EXPECT_INT(settle(s), 1);
	EXPECT(transport_has_peer(s));
	aead_free(&a);
	close(sender);
	transport_free(s);
}

TEST(a_flood_cannot_hold_recv_forever)
{
	struct transport *s = server_on("127.0.0.1");
	int attacker = udp_socket_on_loopback();
	const struct transport_counters *sc = transport_counters(s);
	uint8_t junk[64] = { 0 };
	struct buf msg;

	buf_init(&msg);
	for (int i = 0; i < SSPSH_RECV_BATCH + 100; i++)
		send_to_port(attacker, junk, sizeof junk, transport_local_port(s));
	EXPECT_INT(transport_recv(s, &msg), TRANSPORT_NOTHING);
	EXPECT_INT(sc->dropped_forged, SSPSH_RECV_BATCH);
	EXPECT_INT(transport_recv(s, &msg), TRANSPORT_NOTHING);
	EXPECT_INT(sc->dropped_forged, SSPSH_RECV_BATCH + 100);
	buf_free(&msg);
	close(attacker);
	transport_free(s);
}

int main(void)
{
	log_set_level(LOG_ERROR);
	if (!transport_key_generate(&key))
		return 1;
	RUN(ipv4_hello);
	RUN(ipv6_hello);
	RUN(dual_stack_server_takes_ipv4_clients);
	RUN(a_payload_goes_as_one_datagram_and_a_larger_one_is_refused);
	RUN(emsgsize_shrinks_datagrams);
	RUN(emsgsize_stops_at_the_minimum_datagram);
	RUN(outage_drops_everything_until_it_ends);
	RUN(lossy_link_delivers_everything_once);
	RUN(rtt_converges_to_the_emulated_rtt);
	RUN(rtt_sample_survives_a_long_hold);
	RUN(server_follows_a_client_port_change_within_one_datagram);
	RUN(client_hops_port_after_no_round_trip);
	RUN(replayed_and_forged_datagrams_never_move_the_server);
	RUN(a_second_client_with_the_same_key_reuses_no_nonce);
	RUN(garbage_never_gives_a_server_a_peer);
	RUN(a_datagram_longer_than_any_peer_sends_is_dropped);
	RUN(a_flood_cannot_hold_recv_forever);
	return unit_exit_status();
}
