/* Forwarding (applets/session/forward.h) between two channel muxes joined
 * in memory, with real sockets on loopback: a target server and clients
 * run in threads, the two forwarders in the test's loop. */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "applets/session/agent_socket.h"
#include "applets/session/forward.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/options.h"
#include "net/channel.h"
#include "net/datagram.h"
#include "test/unit/unit.h"

#define MAX_FDS 256
#define NOTICES 16

struct side {
	struct chan_mux *mux;
	struct forward *fwd;
	char notices[NOTICES][600];
	int n_notices;
};

static struct side client_side, server_side;
static struct buf pkt;

static void take_notice(void *ctx, const char *line)
{
	struct side *s = ctx;

	if (s->n_notices < NOTICES)
		snprintf(s->notices[s->n_notices++], sizeof s->notices[0], "%s", line);
}

static bool said(const struct side *s, const char *a, const char *b)
{
	for (int i = 0; i < s->n_notices; i++)
		if (strstr(s->notices[i], a) && strstr(s->notices[i], b))
			return true;
	return false;
}

/* The server's agent socket (applets/session/agent_socket.h), for the test
 * that has one. */
static char agent_path[PATH_MAX];

static void sides_start(const struct forward_spec *specs, size_t n, bool permitted,
			const char *agent)
{
	struct forward_settings cs = { .client = true, .specs = specs, .n_specs = n,
				       .agent_socket = agent };
	struct forward_settings ss = { .client = false, .permitted = permitted,
				       .agent_path = agent_path[0] ? agent_path : NULL };

	memset(&client_side, 0, sizeof client_side);
	memset(&server_side, 0, sizeof server_side);
	client_side.mux = chan_mux_new(CHAN_ROLE_CLIENT);
	server_side.mux = chan_mux_new(CHAN_ROLE_SERVER);
	chan_mux_set_rtt(client_side.mux, 1, 50);
	chan_mux_set_rtt(server_side.mux, 1, 50);
	client_side.fwd = forward_new(client_side.mux, &cs, take_notice, &client_side);
	server_side.fwd = forward_new(server_side.mux, &ss, take_notice, &server_side);
	buf_init(&pkt);
	forward_start(client_side.fwd);
}

static void sides_stop(void)
{
	forward_free(client_side.fwd);
	forward_free(server_side.fwd);
	chan_mux_free(client_side.mux);
	chan_mux_free(server_side.mux);
	buf_free(&pkt);
}

/* The session layer's part: every event of the mux goes to forwarding. */
static void hand_events(struct side *s)
{
	struct chan_event ev;

	while (chan_mux_next_event(s->mux, &ev))
		forward_channel_event(s->fwd, &ev);
}

static void carry(struct chan_mux *from, struct chan_mux *to, uint64_t now)
{
	for (;;) {
		buf_reset(&pkt);
		if (!chan_mux_emit(from, now, DATAGRAM_PAYLOAD_MAX, &pkt))
			return;
		chan_mux_receive(to, pkt.data, pkt.len, now);
	}
}

/* Runs both forwarders until *done reaches `target` or ms passed. */
static void run_until(atomic_int *done, int target, int ms)
{
	uint64_t end = clock_ms() + (uint64_t)ms;
	struct pollfd fds[MAX_FDS];

	while ((!done || atomic_load(done) < target) && clock_ms() < end) {
		size_t nc = forward_pollfds(client_side.fwd, fds, MAX_FDS / 2);
		size_t ns = forward_pollfds(server_side.fwd, fds + nc, MAX_FDS / 2);
		uint64_t now;

		poll(fds, nc + ns, 2);
		now = clock_ms();
		forward_step(client_side.fwd, fds, nc, now);
		forward_step(server_side.fwd, fds + nc, ns, now);
		carry(client_side.mux, server_side.mux, now);
		carry(server_side.mux, client_side.mux, now);
		hand_events(&client_side);
		hand_events(&server_side);
		forward_step(client_side.fwd, NULL, 0, now);
		forward_step(server_side.fwd, NULL, 0, now);
	}
}

/* ---- Sockets of the test's own ---- */

static int listen_any(uint16_t *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 64) != 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) != 0)
		return -1;
	*port = ntohs(a.sin_port);
	return fd;
}

/* A port nothing listens on now. */
static uint16_t free_port(void)
{
	uint16_t port = 0;
	int fd = listen_any(&port);

	close(fd);
	return port;
}

/* A connection whose reads give up after a while, so a test that goes
 * wrong fails instead of hanging. */
static int connect_to(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct timeval patience = { .tv_sec = 90 };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd >= 0 && (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience) != 0 ||
			connect(fd, (struct sockaddr *)&a, sizeof a) != 0)) {
		close(fd);
		return -1;
	}
	return fd;
}

static uint8_t pattern(size_t i)
{
	return (uint8_t)(i * 7 + (i >> 10));
}

static bool write_all(int fd, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* The target: reads "<download size>\n" and an upload to the end, answers
 * "<upload bytes> <upload sum>\n" and the download. */
static void *serve_one(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char line[64];
	size_t got = 0, down = 0, sum = 0, at = 0;
	uint8_t chunk[16384];
	ssize_t n;
	bool in_line = true;

	while ((n = read(fd, chunk, sizeof chunk)) > 0) {
		for (ssize_t i = 0; i < n; i++) {
			if (in_line) {
				if (chunk[i] == '\n') {
					line[at] = 0;
					down = strtoul(line, NULL, 10);
					in_line = false;
				} else if (at < sizeof line - 1) {
					line[at++] = (char)chunk[i];
				}
			} else {
				got++;
				sum += chunk[i];
			}
		}
	}
	snprintf(line, sizeof line, "%zu %zu\n", got, sum);
	write_all(fd, line, strlen(line));
	for (size_t off = 0; off < down;) {
		size_t k = down - off < sizeof chunk ? down - off : sizeof chunk;
		for (size_t i = 0; i < k; i++)
			chunk[i] = pattern(off + i);
		if (!write_all(fd, chunk, k))
			break;
		off += k;
	}
	close(fd);
	return NULL;
}

/* Serves each connection in a thread of its own until the listener is
 * shut down. */
static void *target_thread(void *arg)
{
	int lfd = *(int *)arg, fd;
	pthread_t t;

	while ((fd = accept(lfd, NULL, NULL)) >= 0)
		if (pthread_create(&t, NULL, serve_one, (void *)(intptr_t)fd) != 0 || pthread_detach(t) != 0)
			close(fd);
	return NULL;
}

struct job {
	uint16_t port;		/* where to connect */
	const char *socks_host;	/* through SOCKS5 to this host and socks_port */
	uint16_t socks_port;
	size_t up, down;
	int socks_reply;	/* what the SOCKS server answered */
	bool ok;		/* the whole exchange came back intact */
	bool closed_at_once;	/* the connection ended with nothing read */
	atomic_int *done;
};

static bool socks_handshake(int fd, struct job *j)
{
	uint8_t req[300] = { 5, 1, 0 }, ans[10];
	size_t hl = strlen(j->socks_host), len = 0;

	if (!write_all(fd, req, 3) || read(fd, ans, 2) != 2 || ans[1] != 0)
		return false;
	req[len++] = 5, req[len++] = 1, req[len++] = 0, req[len++] = 3, req[len++] = (uint8_t)hl;
	memcpy(req + len, j->socks_host, hl);
	len += hl;
	req[len++] = (uint8_t)(j->socks_port >> 8), req[len++] = (uint8_t)j->socks_port;
	if (!write_all(fd, req, len))
		return false;
	for (size_t have = 0; have < 10;) {
		ssize_t n = read(fd, ans + have, 10 - have);
		if (n <= 0)
			return false;
		have += (size_t)n;
	}
	j->socks_reply = ans[1];
	return ans[1] == 0;
}

static void *client_thread(void *arg)
{
	struct job *j = arg;
	int fd = connect_to(j->port);
	char line[64];
	uint8_t chunk[16384];
	size_t sum = 0, got = 0, at = 0, up_got = 0, up_sum = 0;
	ssize_t n;
	bool in_line = true, bad = false;

	j->socks_reply = -1;
	j->closed_at_once = true;
	if (fd < 0 || (j->socks_host && !socks_handshake(fd, j)))
		goto out;
	snprintf(line, sizeof line, "%zu\n", j->down);
	write_all(fd, line, strlen(line));
	for (size_t off = 0; off < j->up;) {
		size_t k = j->up - off < sizeof chunk ? j->up - off : sizeof chunk;
		for (size_t i = 0; i < k; i++)
			sum += chunk[i] = pattern((off + i) * 3);
		if (!write_all(fd, chunk, k))
			goto out;
		off += k;
	}
	shutdown(fd, SHUT_WR);
	while ((n = read(fd, chunk, sizeof chunk)) > 0) {
		j->closed_at_once = false;
		for (ssize_t i = 0; i < n; i++) {
			if (in_line) {
				if (chunk[i] == '\n') {
					line[at] = 0;
					sscanf(line, "%zu %zu", &up_got, &up_sum);
					in_line = false;
				} else if (at < sizeof line - 1) {
					line[at++] = (char)chunk[i];
				}
			} else {
				bad |= chunk[i] != pattern(got);
				got++;
			}
		}
	}
	j->ok = !bad && !in_line && got == j->down && up_got == j->up && up_sum == sum;
out:
	if (fd >= 0)
		close(fd);
	atomic_fetch_add(j->done, 1);
	return NULL;
}

/* ---- The target server for a test ---- */

static int target_fd;
static pthread_t target;

static uint16_t target_start(void)
{
	uint16_t port = 0;

	target_fd = listen_any(&port);
	pthread_create(&target, NULL, target_thread, &target_fd);
	return port;
}

static void target_stop(void)
{
	shutdown(target_fd, SHUT_RDWR);
	pthread_join(target, NULL);
	close(target_fd);
}

static void run_jobs(struct job *jobs, int n, int ms)
{
	static pthread_t threads[64];
	atomic_int done;

	atomic_init(&done, 0);
	for (int i = 0; i < n; i++) {
		jobs[i].done = &done;
		pthread_create(&threads[i], NULL, client_thread, &jobs[i]);
	}
	run_until(&done, n, ms);
	/* Let the forwarders finish closing what the clients closed. */
	run_until(NULL, 0, 100);
	for (int i = 0; i < n; i++)
		pthread_join(threads[i], NULL);
}

static struct forward_spec spec(enum forward_kind kind, const char *text)
{
	struct forward_spec s;
	const char *why;

	if (!forward_spec_parse(kind, text, &s, &why))
		memset(&s, 0, sizeof s);
	return s;
}

/* ---- Tests ---- */

TEST(specs_parse_like_ssh)
{
	struct forward_spec s;
	const char *why = NULL;

	EXPECT(forward_spec_parse(FORWARD_LOCAL, "8080:example.com:80", &s, &why));
	EXPECT(s.port == 8080 && s.host_port == 80 && !s.bind[0]);
	EXPECT_STR(s.host, "example.com");
	EXPECT(forward_spec_parse(FORWARD_REMOTE, "0.0.0.0:9000:[::1]:22", &s, &why));
	EXPECT_STR(s.bind, "0.0.0.0");
	EXPECT_STR(s.host, "::1");
	EXPECT(forward_spec_parse(FORWARD_DYNAMIC, "[::1]:1080", &s, &why));
	EXPECT_STR(s.bind, "::1");
	EXPECT(s.port == 1080);
	EXPECT(!forward_spec_parse(FORWARD_LOCAL, "8080:host", &s, &why));
	EXPECT(!forward_spec_parse(FORWARD_LOCAL, "0:host:80", &s, &why));
	EXPECT(!forward_spec_parse(FORWARD_LOCAL, "80:host:65536", &s, &why));
	EXPECT(!forward_spec_parse(FORWARD_DYNAMIC, "a:b:c", &s, &why));
	EXPECT(!forward_spec_parse(FORWARD_LOCAL, "8080::80", &s, &why));
}

TEST(local_forward_carries_both_ways)
{
	uint16_t target_port = target_start(), port = free_port();
	char text[64];
	struct forward_spec s;
	struct job jobs[1] = { { .up = 300000, .down = 1u << 20 } };

	snprintf(text, sizeof text, "%u:127.0.0.1:%u", port, target_port);
	s = spec(FORWARD_LOCAL, text);
	sides_start(&s, 1, true, NULL);
	jobs[0].port = port;
	run_jobs(jobs, 1, 120000);
	EXPECT(jobs[0].ok);
	EXPECT_INT(forward_connections(server_side.fwd), 0);
	EXPECT_INT(forward_connections(client_side.fwd), 1);	/* the listener */
	sides_stop();
	target_stop();
}

TEST(many_connections_at_once)
{
	uint16_t target_port = target_start(), port = free_port();
	char text[64];
	struct forward_spec s;
	struct job jobs[20];

	snprintf(text, sizeof text, "%u:127.0.0.1:%u", port, target_port);
	s = spec(FORWARD_LOCAL, text);
	sides_start(&s, 1, true, NULL);
	for (int i = 0; i < 20; i++)
		jobs[i] = (struct job){ .port = port, .up = 1000, .down = 50000 };
	run_jobs(jobs, 20, 120000);
	for (int i = 0; i < 20; i++)
		EXPECT(jobs[i].ok);
	sides_stop();
	target_stop();
}

TEST(a_refused_connection_is_a_notice)
{
	uint16_t port = free_port(), nowhere = free_port();
	char text[64];
	struct forward_spec s;
	struct job jobs[1] = { { .up = 10, .down = 10 } };

	snprintf(text, sizeof text, "%u:127.0.0.1:%u", port, nowhere);
	s = spec(FORWARD_LOCAL, text);
	sides_start(&s, 1, true, NULL);
	jobs[0].port = port;
	run_jobs(jobs, 1, 5000);
	EXPECT(!jobs[0].ok && jobs[0].closed_at_once);
	EXPECT(said(&client_side, "-L", "connection refused"));
	sides_stop();
}

TEST(a_port_in_use_is_a_notice)
{
	uint16_t port = 0;
	int taken = listen_any(&port);
	char text[64];
	struct forward_spec s;

	snprintf(text, sizeof text, "%u:127.0.0.1:80", port);
	s = spec(FORWARD_LOCAL, text);
	sides_start(&s, 1, true, NULL);
	EXPECT(said(&client_side, text, "port in use"));
	sides_stop();
	close(taken);
}

TEST(not_permitted_is_a_notice)
{
	uint16_t target_port = target_start(), port = free_port(), rport = free_port();
	char text[2][64];
	struct forward_spec s[2];
	struct job jobs[1] = { { .up = 10, .down = 10 } };

	snprintf(text[0], sizeof text[0], "%u:127.0.0.1:%u", port, target_port);
	snprintf(text[1], sizeof text[1], "%u:127.0.0.1:%u", rport, target_port);
	s[0] = spec(FORWARD_LOCAL, text[0]);
	s[1] = spec(FORWARD_REMOTE, text[1]);
	sides_start(s, 2, false, "/nonexistent/agent");
	jobs[0].port = port;
	run_jobs(jobs, 1, 5000);
	EXPECT(!jobs[0].ok);
	EXPECT(said(&client_side, "-L", "not permitted"));
	EXPECT(said(&client_side, "-R", "not permitted"));
	EXPECT(said(&client_side, "-A", "not permitted"));
	EXPECT(connect_to(rport) < 0);
	sides_stop();
	target_stop();
}

TEST(socks5_connects_by_name_and_refuses_unknown_hosts)
{
	uint16_t target_port = target_start(), port = free_port();
	char text[64];
	struct forward_spec s;
	struct job jobs[3];

	snprintf(text, sizeof text, "%u", port);
	s = spec(FORWARD_DYNAMIC, text);
	sides_start(&s, 1, true, NULL);
	jobs[0] = (struct job){ .port = port, .socks_host = "localhost", .socks_port = target_port,
				.up = 5000, .down = 100000 };
	jobs[1] = (struct job){ .port = port, .socks_host = "127.0.0.1", .socks_port = target_port,
				.up = 1, .down = 1 };
	jobs[2] = (struct job){ .port = port, .socks_host = "no-such-host.invalid",
				.socks_port = 80, .up = 1, .down = 1 };
	run_jobs(jobs, 3, 120000);
	EXPECT(jobs[0].ok);
	EXPECT(jobs[1].ok);
	EXPECT(!jobs[2].ok);
	EXPECT_INT(jobs[2].socks_reply, 4);	/* host unreachable */
	EXPECT(said(&client_side, "no-such-host.invalid", "unknown host"));
	sides_stop();
	target_stop();
}

TEST(remote_forward_listens_on_the_server)
{
	uint16_t target_port = target_start(), port = free_port();
	char text[64];
	struct forward_spec s;
	struct job jobs[1] = { { .up = 100000, .down = 300000 } };

	snprintf(text, sizeof text, "%u:127.0.0.1:%u", port, target_port);
	s = spec(FORWARD_REMOTE, text);
	sides_start(&s, 1, true, NULL);
	run_until(NULL, 0, 200);	/* the server starts listening */
	jobs[0].port = port;
	run_jobs(jobs, 1, 120000);
	EXPECT(jobs[0].ok);
	EXPECT_INT(client_side.n_notices, 0);
	sides_stop();
	target_stop();
}

/* A client asking the server to listen on more ports than it may hold
 * gets a refusal for the rest. */
TEST(the_server_holds_at_most_the_listeners_bound)
{
	enum { ASKED = SSPSH_FORWARD_LISTENERS_MAX + 3 };
	static struct forward_spec s[ASKED];
	char text[64];

	for (int i = 0; i < ASKED; i++) {
		snprintf(text, sizeof text, "%u:127.0.0.1:9", free_port());
		s[i] = spec(FORWARD_REMOTE, text);
	}
	sides_start(s, ASKED, true, NULL);
	run_until(NULL, 0, 300);
	EXPECT_INT((int)forward_connections(server_side.fwd), SSPSH_FORWARD_LISTENERS_MAX);
	EXPECT_INT(client_side.n_notices, ASKED - SSPSH_FORWARD_LISTENERS_MAX);
	EXPECT(said(&client_side, "-R", "too many listeners"));
	sides_stop();
}

/* A fake agent: echoes one connection. */
static void *agent_thread(void *arg)
{
	int lfd = *(int *)arg, fd = accept(lfd, NULL, NULL);
	char buf[256];
	ssize_t n;

	while (fd >= 0 && (n = read(fd, buf, sizeof buf)) > 0)
		write_all(fd, buf, (size_t)n);
	if (fd >= 0)
		close(fd);
	return NULL;
}

TEST(agent_connections_reach_the_clients_agent)
{
	char dir[] = "/tmp/sspsh-test-agent-XXXXXX", agent[100], agent_dir[PATH_MAX];
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct stat st;
	pthread_t thread;
	int lfd, fd;
	char echo[6] = "";

	EXPECT(mkdtemp(dir) != NULL);
	snprintf(agent, sizeof agent, "%s/agent", dir);
	snprintf(a.sun_path, sizeof a.sun_path, "%s", agent);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	EXPECT(bind(lfd, (struct sockaddr *)&a, sizeof a) == 0 && listen(lfd, 4) == 0);
	pthread_create(&thread, NULL, agent_thread, &lfd);
	EXPECT(agent_socket_name(dir, agent_path, sizeof agent_path));
	snprintf(agent_dir, sizeof agent_dir, "%s", agent_path);
	*strrchr(agent_dir, '/') = '\0';
	EXPECT(stat(agent_dir, &st) != 0);	/* nobody asked for the agent yet */
	sides_start(NULL, 0, true, agent);
	run_until(NULL, 0, 100);	/* the client's "agent-listen" is answered */
	EXPECT(stat(agent_dir, &st) == 0 && (st.st_mode & 0777) == 0700);
	EXPECT(stat(agent_path, &st) == 0 && (st.st_mode & 0777) == 0600);
	EXPECT(strlen(agent_path) < sizeof a.sun_path);
	memcpy(a.sun_path, agent_path, strlen(agent_path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	EXPECT(connect(fd, (struct sockaddr *)&a, sizeof a) == 0);
	EXPECT(write_all(fd, "hello", 5));
	shutdown(fd, SHUT_WR);
	run_until(NULL, 0, 300);
	EXPECT(read(fd, echo, 5) == 5);
	EXPECT_STR(echo, "hello");
	close(fd);
	run_until(NULL, 0, 100);
	sides_stop();
	EXPECT(stat(agent_path, &st) != 0);	/* the socket is gone with the client's forwarding */
	EXPECT(stat(agent_dir, &st) != 0);	/* and its directory */
	agent_path[0] = '\0';
	pthread_join(thread, NULL);
	close(lfd);
	unlink(agent);
	rmdir(dir);
}

int main(void)
{
	RUN(specs_parse_like_ssh);
	RUN(local_forward_carries_both_ways);
	RUN(many_connections_at_once);
	RUN(a_refused_connection_is_a_notice);
	RUN(a_port_in_use_is_a_notice);
	RUN(not_permitted_is_a_notice);
	RUN(socks5_connects_by_name_and_refuses_unknown_hosts);
	RUN(remote_forward_listens_on_the_server);
	RUN(the_server_holds_at_most_the_listeners_bound);
	RUN(agent_connections_reach_the_clients_agent);
	return unit_exit_status();
}
