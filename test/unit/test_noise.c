/* The sspsh handshake on the wire (net/noise.h): both directions, every
 * kind of tampering, unknown and wrong keys, replays, mac1 before any
 * X25519, and cookies under load. */
#include <mbedtls/md.h>
#include <mbedtls/sha256.h>

#include "core/buf.h"
#include "core/random.h"
#include "net/noise.h"
#include "net/udp.h"
#include "test/unit/unit.h"

struct keys {
	uint8_t server_priv[32], server_pub[32];
	uint8_t client_priv[32], client_pub[32];
};

/* The server's peer table: a fixed array the callbacks search. */
struct peers {
	struct noise_peer peer[2];
	size_t count;
	int lookups;
};

static struct noise_peer *find_peer(void *ctx, const uint8_t key[32])
{
	struct peers *p = ctx;

	p->lookups++;
	for (size_t i = 0; i < p->count; i++)
		if (memcmp(p->peer[i].static_pub, key, 32) == 0)
			return &p->peer[i];
	return NULL;
}

static const char addr_a[] = "192.0.2.1:40000";
static const char addr_b[] = "192.0.2.2:40000";

struct world {
	struct keys k;
	struct peers peers;
	struct noise_server server;
	struct noise_client client;
	struct buf msg, reply;
	struct noise_responder hs;
	uint8_t payload[SSPSH_HANDSHAKE_PAYLOAD_MAX];
	size_t payload_len;
};

static bool make_world(struct world *w, bool client_known)
{
	struct noise_server_ops ops = { find_peer, NULL, &w->peers };

	memset(w, 0, sizeof *w);
	buf_init(&w->msg);
	buf_init(&w->reply);
	if (!x25519_keypair(w->k.server_priv, w->k.server_pub) ||
	    !x25519_keypair(w->k.client_priv, w->k.client_pub))
		return false;
	if (client_known) {
		memcpy(w->peers.peer[0].static_pub, w->k.client_pub, 32);
		w->peers.count = 1;
	}
	ops.ctx = &w->peers;
	return noise_server_init(&w->server, w->k.server_priv, &ops, 1000) &&
	       noise_client_init(&w->client, w->k.client_priv, w->k.server_pub);
}

static void free_world(struct world *w)
{
	buf_free(&w->msg);
	buf_free(&w->reply);
	noise_server_wipe(&w->server);
	noise_client_wipe(&w->client);
}

static enum noise_status server_gets(struct world *w, const uint8_t *msg, size_t len, const char *addr,
				     uint64_t now)
{
	return noise_server_receive(&w->server, msg, len, addr, strlen(addr), now, &w->hs, w->payload,
				    &w->payload_len, &w->reply);
}

/* mac1 as the spec of net/noise.h defines it, for forging messages the way
 * someone who knows the receiver's public key could. */
static void remac1(uint8_t *msg, size_t len, size_t mac_offset, const uint8_t pub[32])
{
	uint8_t in[40], key[32], full[32];

	memcpy(in, "mac1----", 8);
	memcpy(in + 8, pub, 32);
	mbedtls_sha256_ret(in, sizeof in, key, 0);
	mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), key, 32, msg, mac_offset, full);
	memcpy(msg + mac_offset, full, NOISE_MAC_LEN);
	(void)len;
}

TEST(noise_handshake_both_ways)
{
	struct world w;
	struct noise_session cs, ss;
	uint8_t got[SSPSH_HANDSHAKE_PAYLOAD_MAX];
	size_t got_len = 0;

	EXPECT(make_world(&w, true));
	EXPECT(noise_client_initiate(&w.client, (const uint8_t *)"hello", 5, 1000, &w.msg));
	EXPECT_INT(w.msg.len, NOISE_INITIATION_LEN(5));
	EXPECT_INT(w.msg.len, 148 + 5);
	EXPECT_INT(server_gets(&w, w.msg.data, w.msg.len, addr_a, 1000), NOISE_GOT_INITIATION);
	EXPECT_INT(w.payload_len, 5);
	EXPECT_MEM(w.payload, "hello", 5);
	EXPECT(w.hs.peer == &w.peers.peer[0]);
	EXPECT(noise_server_accept(&w.server, &w.hs, (const uint8_t *)"welcome", 7, &ss, &w.reply));
	EXPECT_INT(w.reply.len, NOISE_RESPONSE_LEN(7));
	EXPECT_INT(w.reply.len, 76 + 7);
	EXPECT_INT(noise_client_receive(&w.client, w.reply.data, w.reply.len, 1001, &cs, got, &got_len),
		   NOISE_ESTABLISHED);
	EXPECT_INT(got_len, 7);
	EXPECT_MEM(got, "welcome", 7);

	EXPECT_MEM(cs.send_key, ss.recv_key, 32);
	EXPECT_MEM(cs.recv_key, ss.send_key, 32);
	EXPECT(memcmp(cs.send_key, cs.recv_key, 32) != 0);
	EXPECT_INT(cs.local_index, ss.remote_index);
	EXPECT_INT(cs.remote_index, ss.local_index);
	EXPECT(cs.local_index != 0 && ss.local_index != 0);
	EXPECT_MEM(cs.peer_static, w.k.server_pub, 32);
	EXPECT_MEM(ss.peer_static, w.k.client_pub, 32);
	EXPECT_MEM(cs.handshake_hash, ss.handshake_hash, 32);

	/* The response is for one handshake only. */
	EXPECT_INT(noise_client_receive(&w.client, w.reply.data, w.reply.len, 1002, &cs, got, &got_len),
		   NOISE_DROP);
	free_world(&w);
}

TEST(noise_empty_and_largest_payloads)
{
	struct world w;
	struct noise_session cs, ss;
	uint8_t big[SSPSH_HANDSHAKE_PAYLOAD_MAX + 1], got[SSPSH_HANDSHAKE_PAYLOAD_MAX];
	size_t got_len = 99;

	memset(big, 'x', sizeof big);
	EXPECT(make_world(&w, true));
	EXPECT(!noise_client_initiate(&w.client, big, sizeof big, 1000, &w.msg));
	EXPECT(noise_client_initiate(&w.client, big, SSPSH_HANDSHAKE_PAYLOAD_MAX, 1000, &w.msg));
	EXPECT_INT(w.msg.len, NOISE_MAX_MESSAGE);
	EXPECT_INT(server_gets(&w, w.msg.data, w.msg.len, addr_a, 1000), NOISE_GOT_INITIATION);
	EXPECT_INT(w.payload_len, SSPSH_HANDSHAKE_PAYLOAD_MAX);
	EXPECT(noise_server_accept(&w.server, &w.hs, NULL, 0, &ss, &w.reply));
	EXPECT_INT(noise_client_receive(&w.client, w.reply.data, w.reply.len, 1000, &cs, got, &got_len),
		   NOISE_ESTABLISHED);
	EXPECT_INT(got_len, 0);
	free_world(&w);
}

/* Any changed byte of an initiation is refused: by mac1 for free, and by
 * the Noise AEADs when the forger also recomputes mac1. mac2 is checked
 * only under load, where a bad one earns a cookie instead of an answer. */
TEST(noise_tampered_initiation_rejected)
{
	struct world w;
	uint8_t copy[NOISE_MAX_MESSAGE];
	size_t len, mac1_at;
	uint64_t ops;

	EXPECT(make_world(&w, true));
	EXPECT(noise_client_initiate(&w.client, (const uint8_t *)"payload", 7, 1000, &w.msg));
	len = w.msg.len;
	mac1_at = len - 2 * NOISE_MAC_LEN;
	for (size_t i = 0; i < mac1_at + NOISE_MAC_LEN; i++) {
		uint64_t now = 1000 + 20 * i;	/* slower than the load threshold */

		memcpy(copy, w.msg.data, len);
		copy[i] ^= 0x20;
		ops = x25519_operations();
		EXPECT_INT(server_gets(&w, copy, len, addr_a, now), NOISE_DROP);
		EXPECT_INT(x25519_operations() - ops, 0);
		if (i < mac1_at) {
			remac1(copy, len, mac1_at, w.k.server_pub);
			EXPECT_INT(server_gets(&w, copy, len, addr_a, now), NOISE_DROP);
		}
	}
	/* Only changes after the encrypted static key get as far as a lookup. */
	EXPECT_INT(w.peers.lookups, mac1_at - (4 + 32 + 32 + NOISE_TAG_LEN));
	/* Truncated or extended by a byte. */
	EXPECT_INT(server_gets(&w, w.msg.data, len - 1, addr_a, 10000), NOISE_DROP);
	memcpy(copy, w.msg.data, len);
	copy[len] = 0;
	EXPECT_INT(server_gets(&w, copy, len + 1, addr_a, 10000), NOISE_DROP);
	/* The untouched message still works. */
	EXPECT_INT(server_gets(&w, w.msg.data, len, addr_a, 10000), NOISE_GOT_INITIATION);
	noise_responder_wipe(&w.hs);
	free_world(&w);
}

TEST(noise_tampered_response_rejected)
{
	struct world w;
	struct noise_session cs, ss;
	uint8_t copy[NOISE_MAX_MESSAGE], got[SSPSH_HANDSHAKE_PAYLOAD_MAX];
	size_t len, mac_at, got_len;

	EXPECT(make_world(&w, true));
	EXPECT(noise_client_initiate(&w.client, NULL, 0, 1000, &w.msg));
	EXPECT_INT(server_gets(&w, w.msg.data, w.msg.len, addr_a, 1000), NOISE_GOT_INITIATION);
	EXPECT(noise_server_accept(&w.server, &w.hs, (const uint8_t *)"ok", 2, &ss, &w.reply));
	len = w.reply.len;
	mac_at = len - NOISE_MAC_LEN;
	for (size_t i = 0; i < len; i++) {
		memcpy(copy, w.reply.data, len);
		copy[i] ^= 0x01;
		EXPECT_INT(noise_client_receive(&w.client, copy, len, 1000, &cs, got, &got_len), NOISE_DROP);
		if (i < mac_at && i >= 8) {
			remac1(copy, len, mac_at, w.k.client_pub);
			EXPECT_INT(noise_client_receive(&w.client, copy, len, 1000, &cs, got, &got_len), NOISE_DROP);
		}
	}
	EXPECT_INT(noise_client_receive(&w.client, w.reply.data, len - 1, 1000, &cs, got, &got_len), NOISE_DROP);
	/* Forgeries did not spoil the handshake: the real response completes it. */
	EXPECT_INT(noise_client_receive(&w.client, w.reply.data, len, 1000, &cs, got, &got_len),
		   NOISE_ESTABLISHED);
	EXPECT_MEM(cs.send_key, ss.recv_key, 32);
	free_world(&w);
}

/* A client holding the wrong server key: the server hears nothing it can
 * check (mac1), and a forger who fixes mac1 still fails the first AEAD. */
TEST(noise_wrong_server_key_rejected)
{
	struct world w;
	struct noise_client wrong;
	uint8_t other_priv[32], other_pub[32];
	uint64_t ops;

	EXPECT(make_world(&w, true));
	EXPECT(x25519_keypair(other_priv, other_pub));
	EXPECT(noise_client_init(&wrong, w.k.client_priv, other_pub));
	EXPECT(noise_client_initiate(&wrong, NULL, 0, 1000, &w.msg));
	ops = x25519_operations();
	EXPECT_INT(server_gets(&w, w.msg.data, w.msg.len, addr_a, 1000), NOISE_DROP);
	EXPECT_INT(x25519_operations() - ops, 0);
	remac1(w.msg.data, w.msg.len, w.msg.len - 2 * NOISE_MAC_LEN, w.k.server_pub);
	EXPECT_INT(server_gets(&w, w.msg.data, w.msg.len, addr_a, 1000), NOISE_DROP);
	EXPECT_INT(w.peers.lookups, 0);
	noise_client_wipe(&wrong);
	free_world(&w);
}

/* An initiator the server does not know is refused after one X25519,
 * before the second. */
TEST(noise_unknown_client_rejected)
{
	struct world w;
	uint64_t ops;

	EXPECT(make_world(&w, false));
	EXPECT(noise_client_initiate(&w.client, NULL, 0, 1000, &w.msg));
	ops = x25519_operations();
	EXPECT_INT(server_gets(&w, w.msg.data, w.msg.len, addr_a, 1000), NOISE_DROP);
	EXPECT_INT(w.peers.lookups, 1);
	EXPECT_INT(x25519_operations() - ops, 1);
	EXPECT_INT(w.reply.len, 0);
	free_world(&w);
}

TEST(noise_replayed_initiation_refused)
{
	struct world w;
	struct noise_session ss;
	struct buf older;

	buf_init(&older);
	EXPECT(make_world(&w, true));
	EXPECT(noise_client_initiate(&w.client, NULL, 0, 1000, &older));
	EXPECT(noise_client_initiate(&w.client, NULL, 0, 1000, &w.msg));
	EXPECT_INT(server_gets(&w, w.msg.data, w.msg.len, addr_a, 1000), NOISE_GOT_INITIATION);
	EXPECT(noise_server_accept(&w.server, &w.hs, NULL, 0, &ss, &w.reply));
	/* The same datagram again, from anywhere: refused. */
	EXPECT_INT(server_gets(&w, w.msg.data, w.msg.len, addr_a, 1001), NOISE_DROP);
	EXPECT_INT(server_gets(&w, w.msg.data, w.msg.len, addr_b, 1001), NOISE_DROP);
	/* An initiation made before the accepted one, delivered late: refused. */
	EXPECT_INT(server_gets(&w, older.data, older.len, addr_a, 1001), NOISE_DROP);
	/* A fresh one is fine. */
	EXPECT(noise_client_initiate(&w.client, NULL, 0, 1002, &w.msg));
	EXPECT_INT(server_gets(&w, w.msg.data, w.msg.len, addr_a, 1002), NOISE_GOT_INITIATION);
	noise_responder_wipe(&w.hs);
	buf_free(&older);
	free_world(&w);
}

/* An initiation the server did not answer (say, the daemon refused its
 * payload) does not burn the timestamp: only accept records it. */
TEST(noise_unanswered_initiation_does_not_record_timestamp)
{
	struct world w;

	EXPECT(make_world(&w, true));
	EXPECT(noise_client_initiate(&w.client, NULL, 0, 1000, &w.msg));
	EXPECT_INT(server_gets(&w, w.msg.data, w.msg.len, addr_a, 1000), NOISE_GOT_INITIATION);
	noise_responder_wipe(&w.hs);
	EXPECT_INT(server_gets(&w, w.msg.data, w.msg.len, addr_a, 1000), NOISE_GOT_INITIATION);
	noise_responder_wipe(&w.hs);
	free_world(&w);
}

/* Garbage and near-misses cost no X25519 at all. */
TEST(noise_bad_mac1_rejected_before_dh)
{
	struct world w;
	uint8_t junk[NOISE_MAX_MESSAGE + 8];
	uint64_t ops;

	EXPECT(make_world(&w, true));
	EXPECT(noise_client_initiate(&w.client, NULL, 0, 1000, &w.msg));
	EXPECT(random_bytes(junk, sizeof junk));
	ops = x25519_operations();
	for (size_t len = 0; len <= sizeof junk; len += 7) {
		junk[0] = MSG_INITIATION;
		junk[1] = junk[2] = junk[3] = 0;
		EXPECT_INT(server_gets(&w, junk, len, addr_a, 1000), NOISE_DROP);
	}
	w.msg.data[w.msg.len - 2 * NOISE_MAC_LEN] ^= 1;
	EXPECT_INT(server_gets(&w, w.msg.data, w.msg.len, addr_a, 1000), NOISE_DROP);
	EXPECT_INT(x25519_operations() - ops, 0);
	EXPECT_INT(w.reply.len, 0);
	free_world(&w);
}

/* Drives the server past SSPSH_HANDSHAKES_PER_SEC at one instant with
 * initiations from a key it does not know (one X25519 each). */
static void overload(struct world *w, uint64_t now)
{
	struct noise_client stranger;
	uint8_t priv[32], pub[32];
	struct buf m;

	buf_init(&m);
	if (x25519_keypair(priv, pub) && noise_client_init(&stranger, priv, w->k.server_pub) &&
	    noise_client_initiate(&stranger, NULL, 0, now, &m))
		for (int i = 0; i < SSPSH_HANDSHAKES_PER_SEC; i++)
			server_gets(w, m.data, m.len, addr_b, now);
	noise_client_wipe(&stranger);
	buf_free(&m);
}

TEST(noise_cookie_under_load)
{
	struct world w;
	struct noise_session cs, ss;
	uint8_t got[SSPSH_HANDSHAKE_PAYLOAD_MAX], copy[NOISE_COOKIE_REPLY_LEN];
	size_t got_len;
	uint64_t ops, now = 5000;

	EXPECT(make_world(&w, true));
	overload(&w, now);
	/* Under load, no cookie: a cookie reply, and no X25519 spent. */
	EXPECT(noise_client_initiate(&w.client, NULL, 0, now, &w.msg));
	ops = x25519_operations();
	EXPECT_INT(server_gets(&w, w.msg.data, w.msg.len, addr_a, now), NOISE_SEND_REPLY);
	EXPECT_INT(x25519_operations() - ops, 0);
	EXPECT_INT(w.reply.len, NOISE_COOKIE_REPLY_LEN);
	EXPECT(w.reply.len < w.msg.len);	/* no amplification */
	/* A tampered cookie reply is ignored; the real one is taken. */
	memcpy(copy, w.reply.data, sizeof copy);
	copy[10] ^= 1;
	EXPECT_INT(noise_client_receive(&w.client, copy, sizeof copy, now, &cs, got, &got_len), NOISE_DROP);
	EXPECT_INT(noise_client_receive(&w.client, w.reply.data, w.reply.len, now, &cs, got, &got_len),
		   NOISE_GOT_COOKIE);
	/* The next initiation carries mac2 and is answered, from that address only. */
	EXPECT(noise_client_initiate(&w.client, NULL, 0, now, &w.msg));
	EXPECT_INT(server_gets(&w, w.msg.data, w.msg.len, addr_b, now), NOISE_SEND_REPLY);
	EXPECT_INT(server_gets(&w, w.msg.data, w.msg.len, addr_a, now), NOISE_GOT_INITIATION);
	EXPECT(noise_server_accept(&w.server, &w.hs, NULL, 0, &ss, &w.reply));
	EXPECT_INT(noise_client_receive(&w.client, w.reply.data, w.reply.len, now, &cs, got, &got_len),
		   NOISE_ESTABLISHED);
	/* Even with a cookie, one address gets only its burst. */
	int answered = 1;
	for (int i = 0; i < 2 * SSPSH_HANDSHAKE_SOURCE_BURST; i++) {
		EXPECT(noise_client_initiate(&w.client, NULL, 0, now, &w.msg));
		if (server_gets(&w, w.msg.data, w.msg.len, addr_a, now) == NOISE_GOT_INITIATION) {
			answered++;
			noise_responder_wipe(&w.hs);
		}
	}
	EXPECT_INT(answered, SSPSH_HANDSHAKE_SOURCE_BURST);
	/* A cookie reply to nobody's initiation is ignored. */
	struct noise_client idle;
	EXPECT(noise_client_init(&idle, w.k.client_priv, w.k.server_pub));
	EXPECT_INT(noise_client_receive(&idle, copy, sizeof copy, now, &cs, got, &got_len), NOISE_DROP);
	noise_client_wipe(&idle);
	/* Two seconds later the load is gone: no cookie needed. */
	now += 2000;
	EXPECT(noise_client_init(&w.client, w.k.client_priv, w.k.server_pub));
	EXPECT(noise_client_initiate(&w.client, NULL, 0, now, &w.msg));
	EXPECT_INT(server_gets(&w, w.msg.data, w.msg.len, addr_b, now), NOISE_GOT_INITIATION);
	noise_responder_wipe(&w.hs);
	free_world(&w);
}

/* One initiation from `from`; a cookie reply is taken and the initiation
 * sent again, as a client (or an attacker) does. Adds the server's X25519
 * multiplications to *server_ops; whether it was answered. */
static bool initiate_from(struct world *w, const struct udp_addr *from, uint64_t now, uint64_t *server_ops)
{
	struct noise_session cs;
	uint8_t got[SSPSH_HANDSHAKE_PAYLOAD_MAX];
	size_t got_len;
	enum noise_status status = NOISE_SEND_REPLY;

	for (int tries = 0; tries < 2 && status == NOISE_SEND_REPLY; tries++) {
		uint64_t before;

		if (tries && noise_client_receive(&w->client, w->reply.data, w->reply.len, now, &cs, got,
						  &got_len) != NOISE_GOT_COOKIE)
			return false;
		EXPECT(noise_client_initiate(&w->client, NULL, 0, now, &w->msg));
		before = x25519_operations();
		status = noise_server_receive_from(&w->server, w->msg.data, w->msg.len, from, now, &w->hs,
						   w->payload, &w->payload_len, &w->reply);
		*server_ops += x25519_operations() - before;
	}
	if (status == NOISE_GOT_INITIATION)
		noise_responder_wipe(&w->hs);
	return status == NOISE_GOT_INITIATION;
}

/* Initiations from `ports` source ports of one host under load, each
 * fetching a cookie when told to: how many the server answers. */
static int answered_from_ports(struct world *w, const char *host, int ports, uint64_t now, uint64_t *server_ops)
{
	struct udp_addr from;
	int answered = 0;

	*server_ops = 0;
	for (int port = 1024; port < 1024 + ports; port++) {
		EXPECT(udp_addr_parse(host, (uint16_t)port, &from));
		answered += initiate_from(w, &from, now, server_ops);
	}
	return answered;
}

/* Issue 13: the limiter counted each source port apart, so one host with
 * 2,048 ports made the server run thousands of X25519 operations a second. */
TEST(noise_many_ports_of_one_host_share_one_budget)
{
	const char *hosts[] = { "192.0.2.7", "2001:db8::7", "::ffff:192.0.2.8" };

	for (size_t i = 0; i < sizeof hosts / sizeof *hosts; i++) {
		struct world w;
		uint64_t server_ops, now = 5000;

		EXPECT(make_world(&w, true));
		overload(&w, now);
		EXPECT_INT(answered_from_ports(&w, hosts[i], 2048, now, &server_ops), SSPSH_HANDSHAKE_SOURCE_BURST);
		/* Reading an initiation costs two multiplications (es, ss). */
		EXPECT_INT(server_ops, 2 * SSPSH_HANDSHAKE_SOURCE_BURST);
		free_world(&w);
	}
}

TEST(udp_host_key_leaves_out_the_port_and_the_ipv6_interface_id)
{
	uint8_t a[UDP_HOST_KEY_MAX], b[UDP_HOST_KEY_MAX];
	struct udp_addr x, y;
	size_t la, lb;

	EXPECT(udp_addr_parse("192.0.2.1", 1, &x) && udp_addr_parse("::ffff:192.0.2.1", 2, &y));
	la = udp_addr_host(&x, a);
	lb = udp_addr_host(&y, b);
	EXPECT(la == 5 && la == lb && memcmp(a, b, la) == 0);
	EXPECT(udp_addr_parse("192.0.2.2", 1, &y));
	lb = udp_addr_host(&y, b);
	EXPECT(la == lb && memcmp(a, b, la) != 0);
	EXPECT(udp_addr_parse("2001:db8:0:1::1", 1, &x) && udp_addr_parse("2001:db8:0:1:ffff::9", 2, &y));
	la = udp_addr_host(&x, a);
	lb = udp_addr_host(&y, b);
	EXPECT(la == 9 && la == lb && memcmp(a, b, la) == 0);
	EXPECT(udp_addr_parse("2001:db8:0:2::1", 1, &y));
	lb = udp_addr_host(&y, b);
	EXPECT(la == lb && memcmp(a, b, la) != 0);
}

static bool every_index_taken(void *ctx, uint32_t index)
{
	(void)ctx;
	(void)index;
	return true;
}

TEST(noise_accept_needs_a_free_index)
{
	struct world w;
	struct noise_session ss;

	EXPECT(make_world(&w, true));
	w.server.ops.index_in_use = every_index_taken;
	EXPECT(noise_client_initiate(&w.client, NULL, 0, 1000, &w.msg));
	EXPECT_INT(server_gets(&w, w.msg.data, w.msg.len, addr_a, 1000), NOISE_GOT_INITIATION);
	EXPECT(!noise_server_accept(&w.server, &w.hs, NULL, 0, &ss, &w.reply));
	EXPECT_INT(w.reply.len, 0);
	free_world(&w);
}

TEST(noise_key_request_names_the_client_key)
{
	uint8_t client_pub[32], got[32], request[NOISE_KEY_MESSAGE_LEN], answer[NOISE_KEY_MESSAGE_LEN];
	uint8_t server_pub[32];

	EXPECT(random_bytes(client_pub, sizeof client_pub) && random_bytes(server_pub, sizeof server_pub));
	noise_key_request(client_pub, request);
	EXPECT_INT(request[0], MSG_KEY_REQUEST);
	EXPECT(request[1] == 0 && request[2] == 0 && request[3] == 0);
	EXPECT_MEM(request + 4, client_pub, 32);
	EXPECT(noise_read_key_request(request, sizeof request, got));
	EXPECT_MEM(got, client_pub, 32);

	/* The answer is no bigger than the request: no amplification. */
	noise_key_answer(server_pub, answer);
	EXPECT(sizeof answer <= sizeof request);
	EXPECT(noise_read_key_answer(answer, sizeof answer, got));
	EXPECT_MEM(got, server_pub, 32);
}

TEST(noise_malformed_key_request_rejected)
{
	uint8_t client_pub[32] = { 1 }, got[32], request[NOISE_KEY_MESSAGE_LEN + 1];

	noise_key_request(client_pub, request);
	request[NOISE_KEY_MESSAGE_LEN] = 0;
	EXPECT(!noise_read_key_request(request, NOISE_KEY_MESSAGE_LEN - 1, got));
	EXPECT(!noise_read_key_request(request, NOISE_KEY_MESSAGE_LEN + 1, got));
	EXPECT(!noise_read_key_answer(request, NOISE_KEY_MESSAGE_LEN, got));
	request[2] = 1;
	EXPECT(!noise_read_key_request(request, NOISE_KEY_MESSAGE_LEN, got));
	request[2] = 0;
	request[0] = MSG_KEY_ANSWER;
	EXPECT(!noise_read_key_request(request, NOISE_KEY_MESSAGE_LEN, got));
}

int main(void)
{
	RUN(noise_handshake_both_ways);
	RUN(noise_empty_and_largest_payloads);
	RUN(noise_tampered_initiation_rejected);
	RUN(noise_tampered_response_rejected);
	RUN(noise_wrong_server_key_rejected);
	RUN(noise_unknown_client_rejected);
	RUN(noise_replayed_initiation_refused);
	RUN(noise_unanswered_initiation_does_not_record_timestamp);
	RUN(noise_bad_mac1_rejected_before_dh);
	RUN(noise_cookie_under_load);
	RUN(noise_many_ports_of_one_host_share_one_budget);
	RUN(udp_host_key_leaves_out_the_port_and_the_ipv6_interface_id);
	RUN(noise_accept_needs_a_free_index);
	RUN(noise_key_request_names_the_client_key);
	RUN(noise_malformed_key_request_rejected);
	return unit_exit_status();
}
