/* Daemon-mode transports on loopback: a client that owns its socket, a
 * daemon's transport fed from a shared socket, directional keys, receiver
 * indices, the close datagram and rekeying. */
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/random.h"
#include "net/datagram.h"
#include "net/msg_type.h"
#include "net/noise.h"
#include "net/transport.h"
#include "net/udp.h"
#include "test/unit/unit.h"

struct pair {
	int daemon_fd;			/* the shared socket */
	struct udp_addr daemon_addr;
	struct transport *client, *server;
	struct transport_keys client_keys, server_keys;
	struct buf msg;
};

static void make_keys(struct transport_keys *client, struct transport_keys *server)
{
	random_bytes(client->send, sizeof client->send);
	random_bytes(client->recv, sizeof client->recv);
	random_bytes(&client->local_index, sizeof client->local_index);
	random_bytes(&client->remote_index, sizeof client->remote_index);
	client->local_index |= 1;
	client->remote_index |= 1;
	memcpy(server->send, client->recv, sizeof server->send);
	memcpy(server->recv, client->send, sizeof server->recv);
	server->local_index = client->remote_index;
	server->remote_index = client->local_index;
}

static bool pair_open_with(struct pair *p, const struct transport_keys *client,
			   const struct transport_keys *server)
{
	struct udp_addr client_addr;

	memset(p, 0, sizeof *p);
	buf_init(&p->msg);
	p->daemon_fd = udp_bind_range("127.0.0.1", 61500, 61999);
	if (p->daemon_fd < 0 || !udp_addr_parse("127.0.0.1", udp_local_port(p->daemon_fd), &p->daemon_addr))
		return false;
	p->client_keys = *client;
	p->server_keys = *server;
	p->client = transport_client_keyed(&p->client_keys, udp_bind_ephemeral(AF_INET), &p->daemon_addr);
	if (!p->client)
		return false;
	udp_addr_parse("127.0.0.1", transport_local_port(p->client), &client_addr);
	p->server = transport_server_shared(&p->server_keys, p->daemon_fd, &client_addr);
	return p->server != NULL;
}

static bool pair_open(struct pair *p)
{
	struct transport_keys client, server;

	make_keys(&client, &server);
	return pair_open_with(p, &client, &server);
}

static void pair_close(struct pair *p)
{
	transport_free(p->client);
	transport_free(p->server);
	if (p->daemon_fd >= 0)
		close(p->daemon_fd);
	buf_free(&p->msg);
}

/* The next datagram on the shared socket, delivered to t. */
static enum transport_recv_result daemon_receive(struct pair *p, struct transport *t)
{
	uint8_t data[2048];
	struct pollfd fds = { p->daemon_fd, POLLIN, 0 };
	struct udp_addr from;
	long n;

	if (poll(&fds, 1, 1000) != 1 || (n = udp_receive(p->daemon_fd, data, sizeof data, &from)) < 0)
		return TRANSPORT_ERROR;
	return transport_deliver(t, data, (size_t)n, &from, &p->msg);
}

static enum transport_recv_result client_receive(struct pair *p)
{
	struct pollfd fds = { transport_fd(p->client), POLLIN, 0 };
	enum transport_recv_result r;

	for (int i = 0; i < 20; i++) {
		if ((r = transport_recv(p->client, &p->msg)) != TRANSPORT_NOTHING)
			return r;
		poll(&fds, 1, 50);
	}
	return TRANSPORT_NOTHING;
}

TEST(messages_cross_with_directional_keys_and_indices)
{
	struct pair p;
	uint8_t data[2048];

	EXPECT(pair_open(&p));
	EXPECT(transport_send(p.client, "hello", 5));
	EXPECT_INT(daemon_receive(&p, p.server), TRANSPORT_MESSAGE);
	EXPECT_MEM(p.msg.data, "hello", 5);
	EXPECT(transport_send(p.server, "world!", 6));
	EXPECT_INT(client_receive(&p), TRANSPORT_MESSAGE);
	EXPECT_MEM(p.msg.data, "world!", 6);
	/* Datagrams name the receiver's index in the clear, after type 4. */
	EXPECT(transport_send(p.client, "x", 1));
	EXPECT_INT(recv(p.daemon_fd, data, sizeof data, 0) > 12, 1);
	EXPECT_INT(data[0], MSG_DATA);
	EXPECT_INT((uint32_t)data[1] << 24 | (uint32_t)data[2] << 16 | (uint32_t)data[3] << 8 | data[4],
		   p.server_keys.local_index);
	pair_close(&p);
}

static struct noise_peer *the_client(void *ctx, const uint8_t key[32])
{
	struct noise_peer *client = ctx;

	return memcmp(client->static_pub, key, 32) == 0 ? client : NULL;
}

/* A real handshake's keys and indices, as transport_keys_from_noise puts
 * them, give each side a transport the other understands. */
TEST(keys_from_a_handshake_make_a_working_pair)
{
	uint8_t server_priv[32], server_pub[32], client_priv[32], payload[SSPSH_HANDSHAKE_PAYLOAD_MAX];
	struct noise_peer client_peer = { 0 };
	struct noise_server_ops ops = { the_client, NULL, &client_peer };
	struct noise_server ns;
	struct noise_client nc;
	struct noise_responder hs;
	struct noise_session cs, ss;
	struct transport_keys client, server;
	struct buf msg, reply;
	size_t payload_len = 0;
	struct pair p;

	buf_init(&msg);
	buf_init(&reply);
	EXPECT(x25519_keypair(server_priv, server_pub) && x25519_keypair(client_priv, client_peer.static_pub));
	EXPECT(noise_server_init(&ns, server_priv, &ops, 1000) && noise_client_init(&nc, client_priv, server_pub));
	EXPECT(noise_client_initiate(&nc, (const uint8_t *)"", 0, 1000, &msg));
	EXPECT_INT(noise_server_receive(&ns, msg.data, msg.len, "a", 1, 1000, &hs, payload, &payload_len, &reply),
		   NOISE_GOT_INITIATION);
	EXPECT(noise_server_accept(&ns, &hs, (const uint8_t *)"", 0, &ss, &reply));
	EXPECT_INT(noise_client_receive(&nc, reply.data, reply.len, 1001, &cs, payload, &payload_len),
		   NOISE_ESTABLISHED);
	transport_keys_from_noise(&client, &cs);
	transport_keys_from_noise(&server, &ss);
	EXPECT_INT(client.local_index, cs.local_index);
	EXPECT_INT(client.remote_index, server.local_index);
	EXPECT(pair_open_with(&p, &client, &server));
	EXPECT(transport_send(p.client, "up", 2));
	EXPECT_INT(daemon_receive(&p, p.server), TRANSPORT_MESSAGE);
	EXPECT_MEM(p.msg.data, "up", 2);
	EXPECT(transport_send(p.server, "down", 4));
	EXPECT_INT(client_receive(&p), TRANSPORT_MESSAGE);
	EXPECT_MEM(p.msg.data, "down", 4);
	pair_close(&p);
	noise_session_wipe(&cs);
	noise_session_wipe(&ss);
	noise_server_wipe(&ns);
	noise_client_wipe(&nc);
	buf_free(&msg);
	buf_free(&reply);
}

TEST(a_datagram_for_another_index_or_key_is_dropped)
{
	struct pair p, other;

	EXPECT(pair_open(&p));
	EXPECT(pair_open(&other));
	/* other's client talks to p's daemon socket: other's index and key. */
	transport_free(other.client);
	other.client = transport_client_keyed(&other.client_keys, udp_bind_ephemeral(AF_INET), &p.daemon_addr);
	EXPECT(transport_send(other.client, "intruder", 8));
	EXPECT_INT(daemon_receive(&p, p.server), TRANSPORT_NOTHING);
	EXPECT_INT(transport_counters(p.server)->dropped_malformed, 1);
	EXPECT_INT(transport_last_heard_ms(p.server), 0);
	pair_close(&p);
	pair_close(&other);
}

/* A daemon confirms a handshake with the client's first datagram before
 * the session that is to receive it exists: checking takes nothing. */
TEST(checking_a_datagram_consumes_nothing)
{
	struct pair p;
	uint8_t data[2048], forged[2048];
	struct udp_addr from;
	long n;

	EXPECT(pair_open(&p));
	EXPECT(transport_send(p.client, "first", 5));
	n = udp_receive(p.daemon_fd, data, sizeof data, &from);
	for (int i = 0; n < 0 && i < 20; i++) {
		usleep(10000);
		n = udp_receive(p.daemon_fd, data, sizeof data, &from);
	}
	EXPECT(n > 0);
	if (n <= 0) {
		pair_close(&p);
		return;
	}
	memcpy(forged, data, (size_t)n);
	forged[n - 1] ^= 1;
	EXPECT(!transport_authentic(p.server, forged, (size_t)n));
	EXPECT(transport_authentic(p.server, data, (size_t)n));
	EXPECT(transport_authentic(p.server, data, (size_t)n));
	EXPECT_INT(transport_last_heard_ms(p.server), 0);
	EXPECT_INT(transport_counters(p.server)->datagrams_received, 0);
	EXPECT_INT(transport_deliver(p.server, data, (size_t)n, &from, &p.msg), TRANSPORT_MESSAGE);
	EXPECT_MEM(p.msg.data, "first", 5);
	EXPECT(!transport_authentic(p.server, data, (size_t)n));	/* now a replay */
	pair_close(&p);
}

TEST(close_reaches_the_peer_as_closed)
{
	struct pair p;

	EXPECT(pair_open(&p));
	EXPECT(transport_send(p.client, "hi", 2));
	EXPECT_INT(daemon_receive(&p, p.server), TRANSPORT_MESSAGE);
	transport_send_close(p.server);
	EXPECT_INT(client_receive(&p), TRANSPORT_CLOSED);
	transport_send_close(p.client);
	EXPECT_INT(daemon_receive(&p, p.server), TRANSPORT_CLOSED);
	pair_close(&p);
}

TEST(rekey_switches_keys_and_retires_the_old_one)
{
	struct transport_keys client2, server2;
	struct transport *server_new;
	struct udp_addr client_addr;
	struct pair p;

	EXPECT(pair_open(&p));
	EXPECT(transport_send(p.client, "before", 6));
	EXPECT_INT(daemon_receive(&p, p.server), TRANSPORT_MESSAGE);
	make_keys(&client2, &server2);
	udp_addr_parse("127.0.0.1", transport_local_port(p.client), &client_addr);
	server_new = transport_server_shared(&server2, p.daemon_fd, &client_addr);
	EXPECT(transport_rekey(p.client, &client2));

	/* The daemon still sends under the old key until it hears the new one. */
	EXPECT(transport_send(p.server, "old key", 7));
	EXPECT_INT(client_receive(&p), TRANSPORT_MESSAGE);
	EXPECT_MEM(p.msg.data, "old key", 7);

	/* The client's datagrams now use the new key: the old transport cannot
	 * open them, the new one can. */
	EXPECT(transport_send(p.client, "new key", 7));
	EXPECT_INT(daemon_receive(&p, p.server), TRANSPORT_NOTHING);
	EXPECT(transport_send(p.client, "new key", 7));
	EXPECT_INT(daemon_receive(&p, server_new), TRANSPORT_MESSAGE);
	EXPECT_MEM(p.msg.data, "new key", 7);
	transport_inherit_rtt(server_new, p.server);

	/* Once a datagram under the new key has arrived, the old key is gone. */
	EXPECT(transport_send(server_new, "fresh", 5));
	EXPECT_INT(client_receive(&p), TRANSPORT_MESSAGE);
	EXPECT_MEM(p.msg.data, "fresh", 5);
	EXPECT(transport_send(p.server, "stale", 5));
	EXPECT_INT(client_receive(&p), TRANSPORT_NOTHING);
	EXPECT_INT(transport_counters(p.client)->dropped_malformed, 1);
	transport_free(server_new);
	pair_close(&p);
}

/* One table of first bytes: each type the daemon's port carries reads back
 * as itself, and every other byte (or no byte) as MSG_UNKNOWN. */
TEST(first_bytes_map_to_one_type_each)
{
	const enum msg_type known[] = { MSG_INITIATION, MSG_RESPONSE, MSG_COOKIE_REPLY, MSG_DATA,
					MSG_CLOSE, MSG_KEY_REQUEST, MSG_KEY_ANSWER };
	int unknown = 0;

	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		uint8_t byte = (uint8_t)known[i];
		EXPECT_INT(msg_type_of(&byte, 1), known[i]);
	}
	for (int b = 0; b < 256; b++) {
		uint8_t byte = (uint8_t)b;
		unknown += msg_type_of(&byte, 1) == MSG_UNKNOWN;
	}
	EXPECT_INT(unknown, 256 - (int)(sizeof known / sizeof known[0]));
	EXPECT_INT(msg_type_of(NULL, 0), MSG_UNKNOWN);
	EXPECT(msg_is_session(MSG_DATA) && msg_is_session(MSG_CLOSE) && !msg_is_session(MSG_INITIATION));
}

int main(void)
{
	RUN(first_bytes_map_to_one_type_each);
	RUN(messages_cross_with_directional_keys_and_indices);
	RUN(keys_from_a_handshake_make_a_working_pair);
	RUN(a_datagram_for_another_index_or_key_is_dropped);
	RUN(checking_a_datagram_consumes_nothing);
	RUN(close_reaches_the_peer_as_closed);
	RUN(rekey_switches_keys_and_retires_the_old_one);
	return unit_exit_status();
}
