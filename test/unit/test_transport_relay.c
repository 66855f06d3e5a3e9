/* A client transport on a relay (net/transport.h, "Relay"): with its UDP
 * blocked by a firewall the test controls, the session's messages travel
 * through a real relay process (applets/session/relay.h) and the server
 * follows them there; once the firewall opens, the client moves back to
 * UDP by itself; a relay that dies loses datagrams, not the transport; a
 * transport forbidden UDP sends none, with or without a relay. */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "applets/session/relay.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/options.h"
#include "net/dgram_path.h"
#include "net/transport.h"
#include "net/udp.h"
#include "test/unit/unit.h"

/* A UDP "firewall" between the client and the server: it drops every
 * datagram while closed and forwards both ways (as a NAT would) once open. */
struct firewall {
	int fd;
	bool open;
	struct udp_addr server, client;
	bool have_client;
};

struct rig {
	struct transport *server, *client;
	struct firewall fw;
	pid_t relay;
	struct buf msg;
	int got[2];		/* messages received by the server [0] and the client [1] */
};

static struct transport_key key;

static bool firewall_init(struct firewall *fw, uint16_t server_port)
{
	memset(fw, 0, sizeof *fw);
	fw->fd = udp_bind_range("127.0.0.1", 0, 0);
	udp_addr_parse("127.0.0.1", server_port, &fw->server);
	return fw->fd >= 0;
}

static void firewall_pass(struct firewall *fw)
{
	uint8_t d[2048];
	struct udp_addr from;
	long n;

	while ((n = udp_receive(fw->fd, d, sizeof d, &from)) >= 0) {
		bool from_server = udp_addr_equal(&from, &fw->server);

		if (!from_server) {
			fw->client = from;
			fw->have_client = true;
		}
		if (!fw->open)
			continue;
		if (from_server && fw->have_client)
			(void)udp_send(fw->fd, d, (size_t)n, &fw->client);
		else if (!from_server)
			(void)udp_send(fw->fd, d, (size_t)n, &fw->server);
	}
}

/* Forks a relay to the server's port; returns the client's end of it. */
static struct dgram_path *start_relay(struct rig *g)
{
	int up[2], down[2];
	struct udp_addr target;

	udp_addr_parse("127.0.0.1", transport_local_port(g->server), &target);
	if (pipe2(up, O_CLOEXEC) != 0 || pipe2(down, O_CLOEXEC) != 0)
		return NULL;
	g->relay = fork();
	if (g->relay == 0) {
		struct relay_settings s = { .in_fd = up[0], .out_fd = down[1], .target = target,
					    .idle_ms = 60000 };
		close(up[1]);
		close(down[0]);
		_exit(relay_run(&s));
	}
	close(up[0]);
	close(down[1]);
	return dgram_path_pipe(down[0], up[1], DGRAM_PIPE_AWAIT_HELLO);
}

static bool rig_start(struct rig *g)
{
	memset(g, 0, sizeof *g);
	g->fw.fd = -1;
	buf_init(&g->msg);
	g->server = transport_server(&key, "127.0.0.1", 61000, 61999);
	if (!g->server || !firewall_init(&g->fw, transport_local_port(g->server)))
		return false;
	g->client = transport_client(&key, "127.0.0.1", udp_local_port(g->fw.fd));
	return g->client != NULL;
}

static void rig_stop(struct rig *g)
{
	if (g->relay > 0) {
		kill(g->relay, SIGKILL);
		waitpid(g->relay, NULL, 0);
	}
	transport_free(g->client);
	transport_free(g->server);
	if (g->fw.fd >= 0)
		close(g->fw.fd);
	buf_free(&g->msg);
}

/* Polls everything for up to ms and takes what arrives. */
static void run_for(struct rig *g, int ms)
{
	uint64_t end = clock_ms() + (uint64_t)ms;

	while (clock_ms() < end) {
		struct pollfd fds[TRANSPORT_POLLFDS + 2];
		int n = transport_pollfds(g->client, fds);

		fds[n++] = (struct pollfd){ .fd = transport_fd(g->server), .events = POLLIN };
		fds[n++] = (struct pollfd){ .fd = g->fw.fd, .events = POLLIN };
		(void)poll(fds, (nfds_t)n, 5);
		firewall_pass(&g->fw);
		transport_tick(g->client, clock_ms());
		while (transport_recv(g->server, &g->msg) == TRANSPORT_MESSAGE)
			g->got[0]++;
		while (transport_recv(g->client, &g->msg) == TRANSPORT_MESSAGE)
			g->got[1]++;
	}
}

/* A message each way; true if both arrived within a second. */
static bool round_trip(struct rig *g)
{
	int before[2] = { g->got[0], g->got[1] };

	if (!transport_send(g->client, "ping", 4))
		return false;
	for (int i = 0; i < 100 && g->got[0] == before[0]; i++)
		run_for(g, 10);
	if (g->got[0] == before[0] || !transport_send(g->server, "pong", 4))
		return false;
	for (int i = 0; i < 100 && g->got[1] == before[1]; i++)
		run_for(g, 10);
	return g->got[1] > before[1];
}

static void peer_of_server(struct rig *g, char *out, size_t len)
{
	transport_peer_name(g->server, out, len);
}

TEST(blocked_udp_the_session_runs_on_the_relay_and_comes_back)
{
	struct rig g;
	char peer[80], fw_name[80];
	struct udp_addr fw_addr;

	if (!rig_start(&g)) {
		rig_stop(&g);
		SKIP("no loopback UDP");
	}
	udp_addr_parse("127.0.0.1", udp_local_port(g.fw.fd), &fw_addr);
	udp_addr_format(&fw_addr, fw_name, sizeof fw_name);
	EXPECT(!round_trip(&g));	/* the firewall is closed */
	transport_use_relay(g.client, start_relay(&g), true);
	EXPECT(transport_relay(g.client) != NULL);
	EXPECT(round_trip(&g));
	EXPECT(round_trip(&g));
	peer_of_server(&g, peer, sizeof peer);
	EXPECT(strcmp(peer, fw_name) != 0);	/* the server hears the relay */
	EXPECT(transport_relay(g.client) != NULL);

	/* UDP opens: within a retry interval or two the client is back on it. */
	g.fw.open = true;
	for (int i = 0; i < 3 * SSPSH_UDP_RETRY_MS / 200 && transport_relay(g.client); i++) {
		EXPECT(round_trip(&g));
		run_for(&g, 200);
	}
	EXPECT(transport_relay(g.client) == NULL);
	EXPECT_INT(transport_counters(g.client)->udp_returns, 1);
	EXPECT(transport_counters(g.client)->udp_tries >= 1);
	EXPECT(round_trip(&g));
	peer_of_server(&g, peer, sizeof peer);
	EXPECT_STR(peer, fw_name);
	rig_stop(&g);
}

TEST(a_dead_relay_loses_datagrams_and_a_new_one_carries_on)
{
	struct rig g;
	int status;

	if (!rig_start(&g)) {
		rig_stop(&g);
		SKIP("no loopback UDP");
	}
	transport_use_relay(g.client, start_relay(&g), true);
	EXPECT(round_trip(&g));
	kill(g.relay, SIGKILL);
	waitpid(g.relay, &status, 0);
	g.relay = 0;
	EXPECT(transport_send(g.client, "lost", 4));	/* lost, but the transport lives */
	run_for(&g, 100);
	EXPECT(transport_relay(g.client) != NULL);
	EXPECT(dgram_path_state(transport_relay(g.client)) != DGRAM_PATH_OPEN);
	EXPECT(!round_trip(&g));
	transport_use_relay(g.client, start_relay(&g), true);
	EXPECT(round_trip(&g));
	transport_drop_relay(g.client);
	EXPECT(transport_relay(g.client) == NULL);
	rig_stop(&g);
}

TEST(a_relay_without_udp_tries_stays_on_the_relay)
{
	struct rig g;

	if (!rig_start(&g)) {
		rig_stop(&g);
		SKIP("no loopback UDP");
	}
	g.fw.open = true;	/* UDP would pass, but is not to be tried */
	transport_use_relay(g.client, start_relay(&g), false);
	for (int i = 0; i < 2 * SSPSH_UDP_RETRY_MS / 250; i++) {
		EXPECT(round_trip(&g));
		run_for(&g, 250);
	}
	EXPECT(transport_relay(g.client) != NULL);
	EXPECT_INT(transport_counters(g.client)->udp_tries, 0);
	EXPECT(!g.fw.have_client);	/* not one datagram went to UDP */
	rig_stop(&g);
}

/* --transport=ssh: between a relay that broke and the next one, what the
 * client sends is lost, never sent over UDP (the firewall sees nothing). */
TEST(forbidden_udp_stays_unused_between_relays)
{
	struct rig g;
	int status;

	if (!rig_start(&g)) {
		rig_stop(&g);
		SKIP("no loopback UDP");
	}
	g.fw.open = true;	/* UDP would pass */
	transport_forbid_udp(g.client);
	EXPECT(transport_send(g.client, "first", 5));	/* before any relay */
	run_for(&g, 50);
	transport_use_relay(g.client, start_relay(&g), true);
	EXPECT(round_trip(&g));
	kill(g.relay, SIGKILL);
	waitpid(g.relay, &status, 0);
	g.relay = 0;
	run_for(&g, 50);
	transport_drop_relay(g.client);	/* as the relay's client does when it breaks */
	for (int i = 0; i < 5; i++) {
		EXPECT(transport_send(g.client, "between", 7));
		EXPECT(transport_send_raw(g.client, "raw", 3));
		run_for(&g, 20);
	}
	transport_use_relay(g.client, start_relay(&g), true);
	for (int i = 0; i < SSPSH_UDP_RETRY_MS / 250 + 4; i++) {	/* past a retry's time */
		EXPECT(round_trip(&g));
		run_for(&g, 250);
	}
	EXPECT_INT(transport_counters(g.client)->udp_tries, 0);
	EXPECT(!g.fw.have_client);	/* not one datagram went to UDP */
	rig_stop(&g);
}

int main(void)
{
	log_set_stream(NULL);
	signal(SIGPIPE, SIG_IGN);
	memset(key.bytes, 7, sizeof key.bytes);
	RUN(blocked_udp_the_session_runs_on_the_relay_and_comes_back);
	RUN(a_dead_relay_loses_datagrams_and_a_new_one_carries_on);
	RUN(a_relay_without_udp_tries_stays_on_the_relay);
	RUN(forbidden_udp_stays_unused_between_relays);
	return unit_exit_status();
}
