/* The relay engine (applets/session/relay.h) in a child process, between a
 * framed pipe (the client's side, as ssh would carry it) and a UDP socket
 * standing in for the server: it carries datagrams both ways, only from the
 * server's address, drops instead of queueing when the client does not
 * read, and ends cleanly on end of input, garbage, oversize frames and
 * idleness. */
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "applets/session/relay.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/options.h"
#include "net/dgram_path.h"
#include "net/udp.h"
#include "test/unit/unit.h"

struct rig {
	pid_t relay;
	struct dgram_path *client;	/* our end of the relay's stdin and stdout */
	int raw_in;			/* the relay's stdin, for writing garbage */
	struct dgram_path *server;	/* the UDP address the relay sends to */
	struct udp_addr server_addr;
};

static bool rig_start(struct rig *g, uint64_t idle_ms)
{
	int up[2], down[2];
	struct pollfd fds[DGRAM_PATH_POLLFDS];

	memset(g, 0, sizeof *g);
	g->server = dgram_path_udp(udp_bind_range("127.0.0.1", 0, 0));
	if (!g->server || pipe2(up, O_CLOEXEC) != 0 || pipe2(down, O_CLOEXEC) != 0)
		return false;
	(void)dgram_path_pollfds(g->server, fds);
	udp_addr_parse("127.0.0.1", udp_local_port(fds[0].fd), &g->server_addr);
	g->relay = fork();
	if (g->relay == 0) {
		struct relay_settings s = { .in_fd = up[0], .out_fd = down[1],
					    .target = g->server_addr, .idle_ms = idle_ms };
		close(up[1]);
		close(down[0]);
		_exit(relay_run(&s));
	}
	close(up[0]);
	close(down[1]);
	g->raw_in = dup(up[1]);
	g->client = dgram_path_pipe(down[0], up[1], DGRAM_PIPE_AWAIT_HELLO);
	return g->relay > 0 && g->client;
}

/* The relay's exit status, waiting up to 3 s; -1 if it is still running. */
static int rig_wait(struct rig *g)
{
	for (int i = 0; i < 300; i++) {
		int status;
		pid_t r = waitpid(g->relay, &status, WNOHANG);

		if (r == g->relay) {
			g->relay = 0;
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		}
		usleep(10000);
	}
	return -1;
}

/* Closes the relay's input (both our ends of it): the relay's exit status. */
static int rig_end_input(struct rig *g)
{
	dgram_path_free(g->client);
	g->client = NULL;
	close(g->raw_in);
	g->raw_in = -1;
	return rig_wait(g);
}

static void rig_stop(struct rig *g)
{
	if (g->relay > 0) {
		kill(g->relay, SIGKILL);
		waitpid(g->relay, NULL, 0);
	}
	dgram_path_free(g->client);
	dgram_path_free(g->server);
	if (g->raw_in >= 0)
		close(g->raw_in);
}

/* Up to 2 s for a datagram on p. */
static long receive_wait(struct dgram_path *p, void *buf, size_t cap, struct udp_addr *from)
{
	for (int i = 0; i < 200; i++) {
		struct pollfd fds[DGRAM_PATH_POLLFDS];
		int n = dgram_path_pollfds(p, fds);
		long r = dgram_path_receive(p, buf, cap, from);

		if (r != DGRAM_PATH_NOTHING)
			return r;
		(void)poll(fds, (nfds_t)n, 10);
	}
	return DGRAM_PATH_NOTHING;
}

TEST(the_relay_carries_datagrams_both_ways)
{
	struct rig g;
	struct udp_addr relay_addr, from;
	char buf[64];

	if (!rig_start(&g, 10000)) {
		rig_stop(&g);
		SKIP("cannot start the relay");
	}
	EXPECT_INT(dgram_path_send(g.client, "to the server", 13, NULL), UDP_SENT);
	EXPECT_INT(receive_wait(g.server, buf, sizeof buf, &relay_addr), 13);
	EXPECT_MEM(buf, "to the server", 13);
	EXPECT_INT(dgram_path_send(g.server, "to the client", 13, &relay_addr), UDP_SENT);
	EXPECT_INT(receive_wait(g.client, buf, sizeof buf, &from), 13);
	EXPECT_MEM(buf, "to the client", 13);
	EXPECT(dgram_path_greeted(g.client));
	/* Closing its input ends the relay with status 0. */
	EXPECT_INT(rig_end_input(&g), 0);
	rig_stop(&g);
}

TEST(the_relay_takes_datagrams_only_from_its_target)
{
	struct rig g;
	struct udp_addr relay_addr, from;
	struct dgram_path *stranger;
	char buf[64];

	if (!rig_start(&g, 10000)) {
		rig_stop(&g);
		SKIP("cannot start the relay");
	}
	stranger = dgram_path_udp(udp_bind_range("127.0.0.1", 0, 0));
	EXPECT_INT(dgram_path_send(g.client, "hi", 2, NULL), UDP_SENT);
	EXPECT_INT(receive_wait(g.server, buf, sizeof buf, &relay_addr), 2);
	EXPECT_INT(dgram_path_send(stranger, "injected", 8, &relay_addr), UDP_SENT);
	EXPECT_INT(dgram_path_send(g.server, "genuine", 7, &relay_addr), UDP_SENT);
	EXPECT_INT(receive_wait(g.client, buf, sizeof buf, &from), 7);
	EXPECT_MEM(buf, "genuine", 7);
	EXPECT_INT(dgram_path_receive(g.client, buf, sizeof buf, &from), DGRAM_PATH_NOTHING);
	dgram_path_free(stranger);
	rig_stop(&g);
}

/* The relay fed `bytes` on its stdin exits with status 1. */
static void expect_refused(const void *bytes, size_t len)
{
	struct rig g;

	if (!rig_start(&g, 10000)) {
		rig_stop(&g);
		SKIP("cannot start the relay");
	}
	EXPECT(write(g.raw_in, bytes, len) == (ssize_t)len);
	EXPECT_INT(rig_wait(&g), 1);
	rig_stop(&g);
}

TEST(the_relay_exits_on_an_empty_frame)
{
	expect_refused("\x00\x02ok\x00\x00", 6);
}

TEST(the_relay_exits_on_an_oversize_frame)
{
	const uint8_t oversize[] = { (SSPSH_RELAY_FRAME_MAX + 1) >> 8, (SSPSH_RELAY_FRAME_MAX + 1) & 0xff, 'x' };

	expect_refused(oversize, sizeof oversize);
}

TEST(the_relay_exits_on_text)
{
	expect_refused("GET / HTTP/1.1\r\n\r\n", 18);
}

TEST(the_relay_exits_on_a_frame_cut_by_the_end)
{
	struct rig g;

	if (!rig_start(&g, 10000)) {
		rig_stop(&g);
		SKIP("cannot start the relay");
	}
	EXPECT(write(g.raw_in, "\x00\x10half", 6) == 6);
	/* An input that ends is an end, whatever it ended in. */
	EXPECT_INT(rig_end_input(&g), 0);
	rig_stop(&g);
}

TEST(a_relay_whose_output_is_closed_from_the_start_exits)
{
	int in[2], out[2], status = -1;
	pid_t relay;
	uint64_t start = clock_ms();

	if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0)
		SKIP("no pipes");
	close(out[0]);	/* its hello finds nobody to read it */
	relay = fork();
	if (relay == 0) {
		struct relay_settings s = { .in_fd = in[0], .out_fd = out[1], .idle_ms = 10000 };

		close(in[1]);
		udp_addr_parse("127.0.0.1", 9, &s.target);
		_exit(relay_run(&s));
	}
	close(in[0]);
	close(out[1]);
	for (int i = 0; i < 300 && waitpid(relay, &status, WNOHANG) == 0; i++)
		usleep(10000);
	EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT(clock_ms() - start < 3000);
	if (!WIFEXITED(status)) {
		kill(relay, SIGKILL);
		waitpid(relay, NULL, 0);
	}
	close(in[1]);
}

TEST(an_idle_relay_exits)
{
	struct rig g;
	uint64_t start = clock_ms();

	if (!rig_start(&g, 300)) {
		rig_stop(&g);
		SKIP("cannot start the relay");
	}
	EXPECT_INT(rig_wait(&g), 0);
	EXPECT(clock_ms() - start >= 300);
	rig_stop(&g);
}

TEST(a_client_that_stops_reading_costs_the_relay_nothing)
{
	struct rig g;
	struct udp_addr relay_addr, from;
	static uint8_t datagram[1200];
	char buf[SSPSH_RELAY_FRAME_MAX];
	unsigned received = 0;

	if (!rig_start(&g, 10000)) {
		rig_stop(&g);
		SKIP("cannot start the relay");
	}
	EXPECT_INT(dgram_path_send(g.client, "hi", 2, NULL), UDP_SENT);
	EXPECT_INT(receive_wait(g.server, buf, sizeof buf, &relay_addr), 2);
	/* 4000 datagrams (4.8 MB) at a client that reads nothing. */
	for (int i = 0; i < 4000; i++) {
		(void)dgram_path_send(g.server, datagram, sizeof datagram, &relay_addr);
		if (i % 100 == 0)
			usleep(2000);
	}
	/* The relay still carries the other direction at once. */
	EXPECT_INT(dgram_path_send(g.client, "still here", 10, NULL), UDP_SENT);
	EXPECT_INT(receive_wait(g.server, buf, sizeof buf, &relay_addr), 10);
	/* What it kept is bounded by the pipe and its queue, not by the flood. */
	for (int idle = 0; idle < 30; idle++) {
		while (dgram_path_receive(g.client, buf, sizeof buf, &from) > 0) {
			received++;
			idle = 0;
		}
		usleep(10000);
	}
	EXPECT(received > 0);
	EXPECT(received < 4000 / 2);
	rig_stop(&g);
}

int main(void)
{
	log_set_stream(NULL);
	RUN(the_relay_carries_datagrams_both_ways);
	RUN(the_relay_takes_datagrams_only_from_its_target);
	RUN(the_relay_exits_on_an_empty_frame);
	RUN(the_relay_exits_on_an_oversize_frame);
	RUN(the_relay_exits_on_text);
	RUN(the_relay_exits_on_a_frame_cut_by_the_end);
	RUN(a_relay_whose_output_is_closed_from_the_start_exits);
	RUN(an_idle_relay_exits);
	RUN(a_client_that_stops_reading_costs_the_relay_nothing);
	return unit_exit_status();
}
