/* sspsh bench handshake: what the handshake costs each side, and what a
 * flood of initiations costs a server (junk, under load, and one host on
 * many ports). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applets/applets.h"
#include "applets/bench.h"
#include "core/buf.h"
#include "core/clock.h"
#include "net/noise.h"
#include "net/udp.h"

#define FLOOD_PORTS 2048
#define FLOOD_INITIATIONS 10000

static struct noise_peer bench_peer;

static struct noise_peer *find_bench_peer(void *ctx, const uint8_t key[X25519_KEY_LEN])
{
	(void)ctx;
	return memcmp(key, bench_peer.static_pub, X25519_KEY_LEN) == 0 ? &bench_peer : NULL;
}

static void report(const char *what, int n, uint64_t us)
{
	printf("%-44s %9.1f /s  %8.1f us each\n", what, n * 1e6 / (double)(us ? us : 1), (double)us / n);
}

/* Full handshakes; server and client time apart. */
static void bench_full(struct noise_server *s, struct noise_client *c, int n)
{
	struct buf msg, reply;
	struct noise_responder hs;
	struct noise_session ss, cs;
	uint8_t payload[SSPSH_HANDSHAKE_PAYLOAD_MAX];
	size_t payload_len;
	uint64_t client_us = 0, server_us = 0, t, ops = x25519_operations();

	buf_init(&msg);
	buf_init(&reply);
	for (int i = 0; i < n; i++) {
		uint64_t now = 1000 + 1000 * (uint64_t)i;	/* never under load */

		t = clock_us();
		noise_client_initiate(c, NULL, 0, now, &msg);
		client_us += clock_us() - t;
		t = clock_us();
		if (noise_server_receive(s, msg.data, msg.len, "a", 1, now, &hs, payload, &payload_len, &reply) ==
		    NOISE_GOT_INITIATION)
			noise_server_accept(s, &hs, NULL, 0, &ss, &reply);
		server_us += clock_us() - t;
		t = clock_us();
		noise_client_receive(c, reply.data, reply.len, now, &cs, payload, &payload_len);
		client_us += clock_us() - t;
	}
	printf("X25519 multiplications per handshake: %.1f\n", (double)(x25519_operations() - ops) / n);
	report("server: initiation -> response", n, server_us);
	report("client: initiation + response", n, client_us);
	buf_free(&msg);
	buf_free(&reply);
}

/* Datagrams that fail mac1: what a stranger's flood costs. */
static void bench_junk(struct noise_server *s, struct buf *msg, int n)
{
	struct noise_responder hs;
	struct buf reply;
	uint8_t payload[SSPSH_HANDSHAKE_PAYLOAD_MAX];
	size_t payload_len;
	uint64_t t;

	buf_init(&reply);
	msg->data[msg->len - 2 * NOISE_MAC_LEN] ^= 1;
	t = clock_us();
	for (int i = 0; i < n; i++)
		noise_server_receive(s, msg->data, msg->len, "a", 1, 1000, &hs, payload, &payload_len, &reply);
	report("server: initiation with a bad mac1, dropped", n, clock_us() - t);
	msg->data[msg->len - 2 * NOISE_MAC_LEN] ^= 1;
	buf_free(&reply);
}

/* Valid initiations at one instant: past the rate limit each costs a cookie reply. */
static void bench_load(struct noise_server *s, struct buf *msg, int n)
{
	struct noise_responder hs;
	struct buf reply;
	uint8_t payload[SSPSH_HANDSHAKE_PAYLOAD_MAX];
	size_t payload_len;
	uint64_t t, now = 1ull << 40;
	int cookies = 0;

	buf_init(&reply);
	for (int i = 0; i < SSPSH_HANDSHAKES_PER_SEC; i++)	/* use up the rate */
		if (noise_server_receive(s, msg->data, msg->len, "a", 1, now, &hs, payload, &payload_len,
					 &reply) == NOISE_GOT_INITIATION)
			noise_responder_wipe(&hs);
	t = clock_us();
	for (int i = 0; i < n; i++)
		cookies += noise_server_receive(s, msg->data, msg->len, "b", 1, now, &hs, payload, &payload_len,
						&reply) == NOISE_SEND_REPLY;
	report("server under load: initiation -> cookie reply", n, clock_us() - t);
	if (cookies != n)
		printf("(only %d of %d got a cookie reply)\n", cookies, n);
	buf_free(&reply);
}

/* Initiations that each carry a valid cookie for their host, made before
 * the clock runs (the client's X25519 is not the server's cost). */
static struct buf *cookied_initiations(struct noise_server *s, struct noise_client *c,
				       const struct udp_addr *host, uint64_t now, int n)
{
	struct buf *msgs = calloc((size_t)n, sizeof *msgs), reply;
	struct noise_responder hs;
	struct noise_session ns;
	uint8_t payload[SSPSH_HANDSHAKE_PAYLOAD_MAX];
	size_t payload_len;

	if (!msgs)
		return NULL;
	buf_init(&reply);
	for (int i = 0; i < SSPSH_HANDSHAKES_PER_SEC; i++) {	/* put the server under load */
		noise_client_initiate(c, NULL, 0, now, &msgs[0]);
		if (noise_server_receive_from(s, msgs[0].data, msgs[0].len, host, now, &hs, payload,
					      &payload_len, &reply) == NOISE_GOT_INITIATION)
			noise_responder_wipe(&hs);
	}
	noise_client_initiate(c, NULL, 0, now, &msgs[0]);
	if (noise_server_receive_from(s, msgs[0].data, msgs[0].len, host, now, &hs, payload, &payload_len,
				      &reply) != NOISE_SEND_REPLY ||
	    noise_client_receive(c, reply.data, reply.len, now, &ns, payload, &payload_len) != NOISE_GOT_COOKIE)
		printf("(no cookie for the flood)\n");
	for (int i = 0; i < n; i++)
		noise_client_initiate(c, NULL, 0, now, &msgs[i]);
	buf_free(&reply);
	return msgs;
}

/* One host floods initiations from FLOOD_PORTS source ports, each with a
 * valid cookie, all within one second: what that second costs the server
 * (it answers the host's budget, SSPSH_HANDSHAKE_SOURCE_BURST). */
static void bench_many_ports(struct noise_server *s, struct noise_client *c)
{
	uint64_t now = 1ull << 41, t, busy_us = 0, ops;
	struct buf *msgs, reply;
	struct noise_responder hs;
	struct noise_session ns;
	uint8_t payload[SSPSH_HANDSHAKE_PAYLOAD_MAX];
	size_t payload_len;
	struct udp_addr from;
	int answered = 0;

	if (!udp_addr_parse("192.0.2.7", 1024, &from) || !(msgs = cookied_initiations(s, c, &from, now, FLOOD_INITIATIONS)))
		return;
	buf_init(&reply);
	ops = x25519_operations();
	for (int i = 0; i < FLOOD_INITIATIONS; i++) {
		uint64_t at = now + (uint64_t)i * 1000 / FLOOD_INITIATIONS;	/* spread over 1 s */

		udp_addr_parse("192.0.2.7", (uint16_t)(1024 + i % FLOOD_PORTS), &from);
		t = clock_us();
		if (noise_server_receive_from(s, msgs[i].data, msgs[i].len, &from, at, &hs, payload, &payload_len,
					      &reply) == NOISE_GOT_INITIATION) {
			answered += noise_server_accept(s, &hs, NULL, 0, &ns, &reply);
			noise_session_wipe(&ns);
		}
		busy_us += clock_us() - t;
		buf_free(&msgs[i]);
	}
	printf("one host, %d ports, %d initiations with cookies in 1 s (server under load):\n",
	       FLOOD_PORTS, FLOOD_INITIATIONS);
	printf("  answered %d (the limits: %d a second in all, then %d a second per host in bursts of %d), "
	       "X25519 operations %llu, server busy %.1f ms (%.1f %% of one core)\n", answered,
	       SSPSH_HANDSHAKES_PER_SEC, SSPSH_HANDSHAKES_PER_SOURCE_PER_SEC, SSPSH_HANDSHAKE_SOURCE_BURST,
	       (unsigned long long)(x25519_operations() - ops), busy_us / 1000.0, busy_us / 10000.0);
	free(msgs);
	buf_free(&reply);
}

int bench_handshake_main(int argc, char **argv)
{
	struct noise_server_ops ops = { find_bench_peer, NULL, NULL };
	uint8_t server_priv[X25519_KEY_LEN], server_pub[X25519_KEY_LEN];
	uint8_t client_priv[X25519_KEY_LEN];
	struct noise_server s;
	struct noise_client c;
	struct buf msg;

	(void)argv;
	if (argc != 1) {
		fputs("usage: sspsh bench handshake\n", stderr);
		return EXIT_USAGE;
	}
	if (!x25519_keypair(server_priv, server_pub) || !x25519_keypair(client_priv, bench_peer.static_pub) ||
	    !noise_server_init(&s, server_priv, &ops, 1000) || !noise_client_init(&c, client_priv, server_pub))
		return 1;
	bench_full(&s, &c, 200);
	buf_init(&msg);
	noise_client_initiate(&c, NULL, 0, 1000, &msg);
	bench_junk(&s, &msg, 200000);
	bench_load(&s, &msg, 50000);
	bench_many_ports(&s, &c);
	buf_free(&msg);
	noise_server_wipe(&s);
	noise_client_wipe(&c);
	return 0;
}
