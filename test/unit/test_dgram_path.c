/* Datagram paths (net/dgram_path.h): framed pipes and UDP sockets behind
 * one interface; a slow pipe drops instead of blocking or growing; a pipe
 * that ends or carries garbage breaks cleanly. */
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/log.h"
#include "core/options.h"
#include "net/dgram_path.h"
#include "net/frame.h"
#include "net/udp.h"
#include "test/unit/unit.h"

/* A relay's end and a client's end joined by two pipes. */
struct pipe_pair {
	struct dgram_path *client, *relay;
};

static bool pipe_pair_open(struct pipe_pair *pp)
{
	int up[2], down[2];	/* client -> relay, relay -> client */

	if (pipe2(up, O_CLOEXEC) != 0)
		return false;
	if (pipe2(down, O_CLOEXEC) != 0) {
		close(up[0]);
		close(up[1]);
		return false;
	}
	pp->relay = dgram_path_pipe(up[0], down[1], DGRAM_PIPE_SEND_HELLO);
	pp->client = dgram_path_pipe(down[0], up[1], DGRAM_PIPE_AWAIT_HELLO);
	return pp->relay && pp->client;
}

static void pipe_pair_close(struct pipe_pair *pp)
{
	dgram_path_free(pp->client);
	dgram_path_free(pp->relay);
}

/* Waits up to 2 s for a datagram on p. */
static long receive_wait(struct dgram_path *p, void *buf, size_t cap)
{
	struct udp_addr from;

	for (int i = 0; i < 200; i++) {
		struct pollfd fds[DGRAM_PATH_POLLFDS];
		int n = dgram_path_pollfds(p, fds);
		long r = dgram_path_receive(p, buf, cap, &from);

		if (r != DGRAM_PATH_NOTHING)
			return r;
		(void)dgram_path_flush(p);
		(void)poll(fds, (nfds_t)n, 10);
	}
	return DGRAM_PATH_NOTHING;
}

TEST(datagrams_cross_a_pipe_both_ways)
{
	struct pipe_pair pp;
	struct udp_addr from;
	char buf[64];

	if (!pipe_pair_open(&pp)) {
		pipe_pair_close(&pp);
		SKIP("no pipes");
	}
	EXPECT_INT(dgram_path_kind(pp.client), DGRAM_PATH_PIPE);
	EXPECT(!dgram_path_greeted(pp.client));
	EXPECT_INT(dgram_path_send(pp.relay, "down", 4, NULL), UDP_SENT);
	EXPECT_INT(receive_wait(pp.client, buf, sizeof buf), 4);
	EXPECT_MEM(buf, "down", 4);
	EXPECT(dgram_path_greeted(pp.client));
	EXPECT_INT(dgram_path_send(pp.client, "up!", 3, NULL), UDP_SENT);
	EXPECT_INT(receive_wait(pp.relay, buf, sizeof buf), 3);
	EXPECT_MEM(buf, "up!", 3);
	/* A pipe's datagrams come from no address. */
	EXPECT_INT(dgram_path_send(pp.relay, "x", 1, NULL), UDP_SENT);
	(void)receive_wait(pp.client, buf, sizeof buf);
	EXPECT_INT(dgram_path_send(pp.relay, "y", 1, NULL), UDP_SENT);
	usleep(10000);
	EXPECT_INT(dgram_path_receive(pp.client, buf, sizeof buf, &from), 1);
	EXPECT_INT(from.ss.ss_family, AF_UNSPEC);
	EXPECT_INT(dgram_path_receive(pp.client, buf, sizeof buf, &from), DGRAM_PATH_NOTHING);
	EXPECT_INT(dgram_path_counters(pp.relay)->datagrams_out, 3);
	EXPECT_INT(dgram_path_counters(pp.client)->datagrams_in, 3);
	pipe_pair_close(&pp);
}

TEST(a_pipe_nobody_reads_drops_datagrams_and_never_blocks)
{
	struct pipe_pair pp;
	static uint8_t datagram[1200], got[SSPSH_RELAY_FRAME_MAX];
	unsigned sent = 0, lost = 0, received = 0, out_of_order = 0;
	long n;

	if (!pipe_pair_open(&pp)) {
		pipe_pair_close(&pp);
		SKIP("no pipes");
	}
	/* Far more than the pipe and the queue hold; each send returns at once. */
	for (unsigned i = 0; i < 2000; i++) {
		enum udp_send_result r;

		memcpy(datagram, &sent, sizeof sent);
		r = dgram_path_send(pp.relay, datagram, sizeof datagram, NULL);
		if (r == UDP_SENT)
			sent++;
		else
			lost += r == UDP_LOST;
	}
	EXPECT_INT(sent + lost, 2000);
	EXPECT(lost > 1000);
	EXPECT_INT(dgram_path_counters(pp.relay)->dropped_full, lost);
	/* What was taken arrives whole and in order, and nothing else, as the
	 * sender's queue drains into the pipe. */
	for (int idle = 0; idle < 200 && received < sent; idle++) {
		struct udp_addr from;
		unsigned seq;

		(void)dgram_path_flush(pp.relay);
		while ((n = dgram_path_receive(pp.client, got, sizeof got, &from)) >= 0) {
			EXPECT_INT(n, sizeof datagram);
			memcpy(&seq, got, sizeof seq);
			out_of_order += seq != received;
			received++;
			idle = 0;
		}
		usleep(1000);
	}
	EXPECT_INT(received, sent);
	EXPECT_INT(out_of_order, 0);
	pipe_pair_close(&pp);
}

TEST(end_of_file_breaks_the_path_after_what_came_before)
{
	int down[2];
	struct dgram_path *client;
	char buf[16];

	if (pipe2(down, O_CLOEXEC) != 0)
		SKIP("no pipes");
	client = dgram_path_pipe(down[0], open("/dev/null", O_WRONLY | O_CLOEXEC), DGRAM_PIPE_AWAIT_HELLO);
	EXPECT(write(down[1], FRAME_HELLO "\x00\x03" "abc\x00\x05" "ab", sizeof FRAME_HELLO - 1 + 9) > 0);
	close(down[1]);
	EXPECT_INT(receive_wait(client, buf, sizeof buf), 3);
	/* The frame cut short by the end is not delivered. */
	EXPECT_INT(receive_wait(client, buf, sizeof buf), DGRAM_PATH_BROKEN);
	EXPECT_INT(dgram_path_state(client), DGRAM_PATH_ENDED);
	EXPECT_INT(dgram_path_pollfds(client, (struct pollfd[DGRAM_PATH_POLLFDS]){ 0 }), 0);
	EXPECT_INT(dgram_path_send(client, "x", 1, NULL), UDP_FAILED);
	dgram_path_free(client);
}

TEST(garbage_breaks_the_path_and_says_why)
{
	int raw[2];
	struct dgram_path *relay;
	char buf[16];

	if (pipe2(raw, O_CLOEXEC) != 0)
		SKIP("no pipes");
	relay = dgram_path_pipe(raw[0], open("/dev/null", O_WRONLY | O_CLOEXEC), 0);
	EXPECT(write(raw[1], "\x00\x01z\xff\xff", 5) == 5);
	EXPECT_INT(receive_wait(relay, buf, sizeof buf), 1);
	EXPECT_INT(receive_wait(relay, buf, sizeof buf), DGRAM_PATH_BROKEN);
	EXPECT_INT(dgram_path_state(relay), DGRAM_PATH_GARBAGE);
	EXPECT(strstr(dgram_path_error(relay), "frame") != NULL);
	dgram_path_free(relay);
	close(raw[1]);
}

TEST(a_datagram_larger_than_the_callers_buffer_is_dropped_not_cut)
{
	struct pipe_pair pp;
	char small[4];

	if (!pipe_pair_open(&pp)) {
		pipe_pair_close(&pp);
		SKIP("no pipes");
	}
	EXPECT_INT(dgram_path_send(pp.relay, "too long", 8, NULL), UDP_SENT);
	EXPECT_INT(dgram_path_send(pp.relay, "ok", 2, NULL), UDP_SENT);
	EXPECT_INT(receive_wait(pp.client, small, sizeof small), 2);
	EXPECT_MEM(small, "ok", 2);
	EXPECT_INT(dgram_path_counters(pp.client)->dropped_too_big, 1);
	EXPECT_INT(dgram_path_send(pp.relay, small, SSPSH_RELAY_FRAME_MAX + 1, NULL), UDP_TOO_BIG);
	pipe_pair_close(&pp);
}

TEST(a_closed_reader_breaks_the_writer_without_a_signal)
{
	int up[2];
	struct dgram_path *client;
	struct sigaction old, ignore = { .sa_handler = SIG_IGN };

	if (pipe2(up, O_CLOEXEC) != 0)
		SKIP("no pipes");
	sigaction(SIGPIPE, &ignore, &old);
	close(up[0]);
	client = dgram_path_pipe(open("/dev/null", O_RDONLY | O_CLOEXEC), up[1], 0);
	EXPECT_INT(dgram_path_send(client, "x", 1, NULL), UDP_FAILED);
	EXPECT_INT(dgram_path_state(client), DGRAM_PATH_ENDED);
	EXPECT(!dgram_path_flush(client));
	dgram_path_free(client);
	sigaction(SIGPIPE, &old, NULL);
}

TEST(what_to_poll_follows_the_queue)
{
	int sv[2], up[2], down[2];
	struct dgram_path *p;
	struct pollfd fds[DGRAM_PATH_POLLFDS];
	static uint8_t datagram[1200];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0 || pipe(up) != 0 || pipe(down) != 0)
		SKIP("no socket pair or pipes");
	p = dgram_path_pipe(down[0], up[1], 0);
	EXPECT_INT(dgram_path_pollfds(p, fds), 1);
	EXPECT_INT(fds[0].fd, down[0]);
	EXPECT_INT(fds[0].events, POLLIN);
	/* Fill the pipe until frames wait in the queue. */
	for (int i = 0; i < 100; i++)
		(void)dgram_path_send(p, datagram, sizeof datagram, NULL);
	EXPECT_INT(dgram_path_pollfds(p, fds), 2);
	EXPECT_INT(fds[1].fd, up[1]);
	EXPECT_INT(fds[1].events, POLLOUT);
	dgram_path_free(p);
	close(up[0]);
	close(down[1]);

	/* One socket both ways: one entry with both events. */
	p = dgram_path_pipe(sv[0], sv[0], 0);
	for (int i = 0; i < 1000; i++)
		(void)dgram_path_send(p, datagram, sizeof datagram, NULL);
	EXPECT_INT(dgram_path_pollfds(p, fds), 1);
	EXPECT_INT(fds[0].events, POLLIN | POLLOUT);
	dgram_path_free(p);
	close(sv[1]);
}

TEST(a_pipe_gives_its_fds_their_flags_back)
{
	int down[2], keep;

	if (pipe2(down, O_CLOEXEC) != 0)
		SKIP("no pipes");
	keep = dup(down[0]);	/* shares the open file, and so its flags */
	dgram_path_free(dgram_path_pipe(down[0], down[1], 0));
	EXPECT_INT(fcntl(keep, F_GETFL) & O_NONBLOCK, 0);
	close(keep);
}

TEST(a_udp_path_is_the_socket)
{
	struct dgram_path *a, *b;
	struct udp_addr to, from;
	struct pollfd fds[DGRAM_PATH_POLLFDS];
	char buf[16];

	a = dgram_path_udp(udp_bind_range("127.0.0.1", 0, 0));
	b = dgram_path_udp(udp_bind_range("127.0.0.1", 0, 0));
	if (!a || !b) {
		dgram_path_free(a);
		dgram_path_free(b);
		SKIP("no loopback UDP");
	}
	EXPECT_INT(dgram_path_kind(a), DGRAM_PATH_UDP);
	EXPECT(dgram_path_greeted(a));
	EXPECT_INT(dgram_path_pollfds(b, fds), 1);
	udp_addr_parse("127.0.0.1", udp_local_port(fds[0].fd), &to);
	EXPECT_INT(dgram_path_send(a, "hello", 5, &to), UDP_SENT);
	EXPECT(poll(fds, 1, 2000) == 1);
	EXPECT_INT(dgram_path_receive(b, buf, sizeof buf, &from), 5);
	EXPECT_MEM(buf, "hello", 5);
	EXPECT_INT(from.ss.ss_family, AF_INET);
	EXPECT_INT(dgram_path_receive(b, buf, sizeof buf, &from), DGRAM_PATH_NOTHING);
	EXPECT(dgram_path_flush(a));
	dgram_path_free(a);
	dgram_path_free(b);
}

int main(void)
{
	log_set_stream(NULL);
	RUN(datagrams_cross_a_pipe_both_ways);
	RUN(a_pipe_nobody_reads_drops_datagrams_and_never_blocks);
	RUN(end_of_file_breaks_the_path_after_what_came_before);
	RUN(garbage_breaks_the_path_and_says_why);
	RUN(a_datagram_larger_than_the_callers_buffer_is_dropped_not_cut);
	RUN(a_closed_reader_breaks_the_writer_without_a_signal);
	RUN(what_to_poll_follows_the_queue);
	RUN(a_pipe_gives_its_fds_their_flags_back);
	RUN(a_udp_path_is_the_socket);
	return unit_exit_status();
}
