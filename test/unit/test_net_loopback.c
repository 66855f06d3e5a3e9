/* Loopback-sized datagrams (net/transport.h): two transports on one
 * machine send each other datagrams of up to SSPSH_DATAGRAM_LOOPBACK_MAX
 * bytes once the peer has said its path takes them, and network-sized
 * ones otherwise: to a peer elsewhere, through the link emulator, from
 * before the peer said so, after it roamed, or when what it said came
 * from another address. The pump carries what each side says in its
 * payloads (test_net_pmtu runs two pumps). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/options.h"
#include "net/datagram.h"
#include "net/link.h"
#include "net/transport.h"
#include "test/unit/unit.h"

#define PORT_LOW 62000
#define PORT_HIGH 62999

static struct transport_key key;

/* The next message t receives within 2 s, into msg; false if none. */
static bool receive(struct transport *t, struct buf *msg)
{
	uint64_t give_up = clock_ms() + 2000;

	while (clock_ms() < give_up) {
		struct pollfd p = { .fd = transport_fd(t), .events = POLLIN };

		if (transport_recv(t, msg) == TRANSPORT_MESSAGE)
			return true;
		poll(&p, 1, 20);
	}
	return false;
}

struct pair {
	struct transport *server, *client;
	struct buf msg;
};

/* A server on 127.0.0.1 and its client, the server having heard it. */
static bool pair_open(struct pair *p)
{
	buf_init(&p->msg);
	p->server = transport_server(&key, "127.0.0.1", PORT_LOW, PORT_HIGH);
	p->client = p->server ? transport_client(&key, "127.0.0.1", transport_local_port(p->server)) : NULL;
	return p->client && transport_send(p->client, "hello", 5) && receive(p->server, &p->msg);
}

static void pair_close(struct pair *p)
{
	transport_free(p->client);
	transport_free(p->server);
	buf_free(&p->msg);
}

static const size_t network_to_client = SSPSH_DATAGRAM_MAX - DATAGRAM_TO_CLIENT_OVERHEAD;
static const size_t loopback_to_client = SSPSH_DATAGRAM_LOOPBACK_MAX - DATAGRAM_TO_CLIENT_OVERHEAD;

TEST(a_peer_on_loopback_that_takes_them_gets_loopback_sized_datagrams)
{
	static uint8_t big[SSPSH_DATAGRAM_LOOPBACK_MAX];
	struct pair p;

	EXPECT(pair_open(&p));
	EXPECT(transport_path_takes_large(p.server) && transport_path_takes_large(p.client));
	EXPECT_INT(transport_max_payload(p.server), network_to_client);	/* not told yet */
	transport_peer_takes_large(p.server, true);
	EXPECT_INT(transport_max_payload(p.server), loopback_to_client);
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (uint8_t)(i * 7 + i / 253);
	EXPECT(transport_send(p.server, big, loopback_to_client));
	EXPECT(!transport_send(p.server, big, loopback_to_client + 1));
	EXPECT(receive(p.client, &p.msg));
	EXPECT_INT(p.msg.len, loopback_to_client);
	EXPECT_MEM(p.msg.data, big, loopback_to_client);
	EXPECT_INT(transport_counters(p.client)->bytes_received, SSPSH_DATAGRAM_LOOPBACK_MAX);
	transport_peer_takes_large(p.server, false);	/* its path changed */
	EXPECT_INT(transport_max_payload(p.server), network_to_client);
	pair_close(&p);
}

/* A link emulator stands for a network: a side with one says its path
 * does not take them and sends none itself, whatever the peer says. */
TEST(the_link_emulator_keeps_datagrams_network_sized)
{
	struct link_params clean = { 0 };
	struct pair p;

	EXPECT(pair_open(&p));
	EXPECT(transport_set_link(p.client, &clean));
	EXPECT(!transport_path_takes_large(p.client));
	transport_peer_takes_large(p.client, true);
	EXPECT_INT(transport_max_payload(p.client), SSPSH_DATAGRAM_MAX - DATAGRAM_FIXED_OVERHEAD);
	EXPECT(transport_set_link(p.client, NULL));
	EXPECT_INT(transport_max_payload(p.client), SSPSH_DATAGRAM_LOOPBACK_MAX - DATAGRAM_FIXED_OVERHEAD);
	pair_close(&p);
}

/* 192.0.2.1 (TEST-NET-1) is not this machine: nothing but network-sized
 * datagrams, even if the peer says its path takes more. */
TEST(a_peer_elsewhere_gets_network_sized_datagrams)
{
	struct transport *c = transport_client(&key, "192.0.2.1", 60001);

	EXPECT(c != NULL);
	transport_peer_takes_large(c, true);
	EXPECT_INT(transport_max_payload(c), SSPSH_DATAGRAM_MAX - DATAGRAM_FIXED_OVERHEAD);
	transport_free(c);
}

/* The client moves to a new port (a roam): what the server was told on
 * the old path no longer holds until the client says it again. */
TEST(a_roam_forgets_what_the_peer_said)
{
	struct pair p;

	EXPECT(pair_open(&p));
	transport_peer_takes_large(p.server, true);
	EXPECT_INT(transport_max_payload(p.server), loopback_to_client);
	EXPECT(transport_change_port(p.client));
	EXPECT(transport_send(p.client, "moved", 5));
	EXPECT(receive(p.server, &p.msg));
	EXPECT_INT(transport_counters(p.server)->roams, 1);
	EXPECT_INT(transport_max_payload(p.server), network_to_client);
	transport_peer_takes_large(p.server, true);
	EXPECT_INT(transport_max_payload(p.server), loopback_to_client);
	pair_close(&p);
}

/* A socket bound to a free port of 127.0.0.1. */
static int udp_socket_on_loopback(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	bind(fd, (struct sockaddr *)&a, sizeof a);
	return fd;
}

static uint16_t port_of(int fd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof a;

	getsockname(fd, (struct sockaddr *)&a, &len);
	return ntohs(a.sin_port);
}

static void send_to_port(int fd, const void *data, size_t len, uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

	sendto(fd, data, len, 0, (struct sockaddr *)&a, sizeof a);
}

/* The client's datagrams go to a tap; the test hands them to the server
 * from two ports, old and new. A datagram reordered from before the roam
 * (not the newest, from the old port) does not speak for the path the
 * server now sends on: what came with it is ignored. */
TEST(what_a_datagram_from_the_old_address_says_is_ignored)
{
	struct transport *s = transport_server(&key, "127.0.0.1", PORT_LOW, PORT_HIGH), *c;
	int tap = udp_socket_on_loopback(), old_port = udp_socket_on_loopback();
	int new_port = udp_socket_on_loopback();
	uint8_t captured[4][2048];
	ssize_t len[4];
	struct buf msg;

	buf_init(&msg);
	c = transport_client(&key, "127.0.0.1", port_of(tap));
	for (int i = 0; i < 4; i++) {
		EXPECT(transport_send(c, "x", 1));
		len[i] = recv(tap, captured[i], sizeof captured[i], 0);
		EXPECT(len[i] > 0);
	}
	send_to_port(old_port, captured[0], (size_t)len[0], transport_local_port(s));
	EXPECT(receive(s, &msg));
	send_to_port(new_port, captured[2], (size_t)len[2], transport_local_port(s));
	EXPECT(receive(s, &msg));
	EXPECT_INT(transport_counters(s)->roams, 1);
	send_to_port(old_port, captured[1], (size_t)len[1], transport_local_port(s));
	EXPECT(receive(s, &msg));
	transport_peer_takes_large(s, true);
	EXPECT_INT(transport_max_payload(s), network_to_client);
	send_to_port(new_port, captured[3], (size_t)len[3], transport_local_port(s));
	EXPECT(receive(s, &msg));
	transport_peer_takes_large(s, true);
	EXPECT_INT(transport_max_payload(s), loopback_to_client);
	buf_free(&msg);
	close(tap);
	close(old_port);
	close(new_port);
	transport_free(c);
	transport_free(s);
}

int main(void)
{
	memset(key.bytes, 0x5a, sizeof key.bytes);
	RUN(a_peer_on_loopback_that_takes_them_gets_loopback_sized_datagrams);
	RUN(the_link_emulator_keeps_datagrams_network_sized);
	RUN(a_peer_elsewhere_gets_network_sized_datagrams);
	RUN(a_roam_forgets_what_the_peer_said);
	RUN(what_a_datagram_from_the_old_address_says_is_ignored);
	return unit_exit_status();
}
