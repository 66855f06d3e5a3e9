/* sspsh bench sessions N: one SSH-free daemon, N concurrent sessions on its
 * one UDP port, each running `cat`. This process plays N clients: each
 * handshakes, types lines and waits for the daemon to echo them, then all
 * sit idle. Prints the daemon's CPU and memory per session, the programs
 * (`cat`) not counted. */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <mbedtls/platform_util.h>

#include "applets/bench.h"
#include "applets/session/client_sync.h"
#include "applets/session/udp_client.h"
#include "core/clock.h"
#include "core/keyfile.h"
#include "core/log.h"
#include "core/options.h"

#define BENCH_PORT 60950
#define IDLE_SECONDS 10
#define TYPING_ROUNDS 5
#define MORE_SESSIONS 5		/* opened one at a time after the idle time */

struct bench_client {
	struct client_sync *sync;	/* the real client's sync core */
	uint64_t typed_at;		/* input position of the last line typed */
};

struct bench {
	int n;
	struct bench_client *clients;
	pid_t daemon;
	char dir[64];
};

/* ---- The daemon ---- */

static bool write_keys(const char *dir, uint8_t client_priv[KEY_LEN])
{
	char path[256], line[KEY_LINE_SIZE];
	uint8_t pub[KEY_LEN];
	FILE *f;

	if (!x25519_keypair(client_priv, pub))
		return false;
	snprintf(path, sizeof path, "%s/.sspsh", dir);
	if (mkdir(path, 0700) != 0)
		return false;
	snprintf(path, sizeof path, "%s/.sspsh/authorized_keys", dir);
	key_format_public(pub, "bench", line);
	if (!(f = fopen(path, "w")))
		return false;
	fprintf(f, "%s\n", line);
	return fclose(f) == 0;
}

static pid_t start_daemon(const char *dir)
{
	char listen[32], home[80];
	pid_t pid;

	snprintf(listen, sizeof listen, "127.0.0.1:%d", BENCH_PORT);
	snprintf(home, sizeof home, "HOME=%s", dir);
	pid = fork();
	if (pid == 0) {
		char *argv[] = { "sspsh", "server", "--listen", listen, "--foreground",
				 geteuid() == 0 ? "--user" : NULL, "root", NULL };
		char *env[] = { home, "PATH=/usr/bin:/bin", "SHELL=/bin/sh", NULL };
		int null_fd = open("/dev/null", O_WRONLY);

		dup2(null_fd, STDERR_FILENO);
		execve("/proc/self/exe", argv, env);
		_exit(127);
	}
	return pid;
}

/* utime + stime of pid in clock ticks; resident set in KiB. */
static bool process_usage(pid_t pid, double *cpu_s, long *rss_kib)
{
	char path[64], text[2048], *p;
	unsigned long utime, stime;
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if (!(f = fopen(path, "r")))
		return false;
	n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = '\0';
	p = strrchr(text, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2)
		return false;
	*cpu_s = (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	if (!(f = fopen(path, "r")))
		return false;
	*rss_kib = -1;
	while (fgets(text, sizeof text, f))
		if (sscanf(text, "VmRSS: %ld", rss_kib) == 1)
			break;
	fclose(f);
	return *rss_kib >= 0;
}

/* ---- The clients ---- */

static bool open_client(struct bench_client *c, const struct udp_addr *server, struct noise_client *nc)
{
	static char *cat[] = { "cat", NULL };
	struct session_request req = { .kind = SESSION_NEW, .cols = 80, .rows = 24 };
	struct session_reply reply;
	struct transport *t;
	bool answered;
	struct udp_way way = { .fd = udp_bind_ephemeral(server->ss.ss_family), .server = server };

	if (way.fd < 0)
		return false;
	t = udp_open_session(&way, nc, &req, NULL, &reply, &answered);
	c->sync = t ? client_sync_new(t) : NULL;
	if (!c->sync)
		return false;
	if (!client_sync_command(c->sync, cat, clock_ms())) {
		client_sync_free(c->sync);
		c->sync = NULL;
		return false;
	}
	client_sync_send_now(c->sync, clock_ms());
	return true;
}

static void close_client(struct bench_client *c)
{
	client_sync_free(c->sync);
}

static void type_line(struct bench_client *c, int round, uint64_t now)
{
	char line[32];
	int len = snprintf(line, sizeof line, "line %d\r", round);

	client_sync_type(c->sync, line, (size_t)len, now);
	c->typed_at = client_sync_input_pos(c->sync);
}

static bool echoed(const struct bench_client *c)
{
	return client_sync_echo_ack(c->sync) >= c->typed_at;
}

/* One turn of the clients' event loop: wait for datagrams or a timer (at
 * most max_ms), then receive and tick every client. */
static void clients_turn(struct bench *b, struct pollfd *fds, int max_ms)
{
	uint64_t now = clock_ms(), due = now + (uint64_t)max_ms;

	for (int i = 0; i < b->n; i++) {
		uint64_t client_due = client_sync_deadline(b->clients[i].sync, now);
		if (client_due < due)
			due = client_due;
		fds[i] = (struct pollfd){ transport_fd(client_sync_transport(b->clients[i].sync)), POLLIN, 0 };
	}
	poll(fds, (nfds_t)b->n, due > now ? (int)(due - now) : 0);
	now = clock_ms();
	for (int i = 0; i < b->n; i++) {
		if (fds[i].revents & POLLIN)
			client_sync_receive(b->clients[i].sync, now);
		client_sync_tick(b->clients[i].sync, now);
	}
}

static void run_for(struct bench *b, struct pollfd *fds, uint64_t ms)
{
	uint64_t end = clock_ms() + ms;

	while (clock_ms() < end)
		clients_turn(b, fds, (int)(end - clock_ms()));
}

/* Every client types a line; returns the milliseconds until all were echoed. */
static long typing_round(struct bench *b, struct pollfd *fds, int round)
{
	uint64_t start = clock_ms();
	int waiting;

	for (int i = 0; i < b->n; i++)
		type_line(&b->clients[i], round, start);
	do {
		clients_turn(b, fds, 50);
		waiting = 0;
		for (int i = 0; i < b->n; i++)
			waiting += !echoed(&b->clients[i]);
	} while (waiting && clock_ms() - start < 30000);
	return waiting ? -1 : (long)(clock_ms() - start);
}

/* One more session while the others idle: milliseconds until the daemon
 * answered its handshake, and until a line typed right then came back
 * (-1: never). */
static void one_more_session(struct bench *b, struct pollfd *fds, const struct udp_addr *server,
			     struct noise_client *nc, long *answered_ms, long *echo_ms)
{
	struct bench_client *c = &b->clients[b->n];
	uint64_t start = clock_ms();

	*answered_ms = *echo_ms = -1;
	if (!open_client(c, server, nc))
		return;
	*answered_ms = (long)(clock_ms() - start);
	b->n++;
	type_line(c, 0, clock_ms());
	while (!echoed(c) && clock_ms() - start < 5000)
		clients_turn(b, fds, 50);
	if (echoed(c))
		*echo_ms = (long)(clock_ms() - start);
}

static int compare_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

/* MORE_SESSIONS new sessions, one at a time with the others idle between:
 * the median of each figure; false if one failed. */
static bool more_sessions(struct bench *b, struct pollfd *fds, const struct udp_addr *server,
			  struct noise_client *nc, long *answered_ms, long *echo_ms)
{
	long answered[MORE_SESSIONS], echo[MORE_SESSIONS];

	for (int i = 0; i < MORE_SESSIONS; i++) {
		run_for(b, fds, 500);
		one_more_session(b, fds, server, nc, &answered[i], &echo[i]);
		if (answered[i] < 0 || echo[i] < 0)
			return false;
	}
	qsort(answered, MORE_SESSIONS, sizeof answered[0], compare_long);
	qsort(echo, MORE_SESSIONS, sizeof echo[0], compare_long);
	*answered_ms = answered[MORE_SESSIONS / 2];
	*echo_ms = echo[MORE_SESSIONS / 2];
	return true;
}

/* ---- Main ---- */

static void remove_dir(const char *dir)
{
	static const char *const files[] = { "authorized_keys", "host_x25519", NULL };
	char path[256];

	for (int i = 0; files[i]; i++) {
		snprintf(path, sizeof path, "%s/.sspsh/%s", dir, files[i]);
		unlink(path);
	}
	snprintf(path, sizeof path, "%s/.sspsh", dir);
	if (rmdir(path) != 0 || rmdir(dir) != 0)
		log_warn("could not remove %s", dir);
}

static void raise_fd_limit(void)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
		r.rlim_cur = r.rlim_max;
		setrlimit(RLIMIT_NOFILE, &r);
	}
}

static int measure(struct bench *b, const struct udp_addr *server, struct noise_client *nc)
{
	struct pollfd *fds = calloc((size_t)b->n + MORE_SESSIONS, sizeof *fds);
	double cpu0, cpu1, cpu2, cpu_typing;
	long rss0, rss1, rss2, worst = 0, answered_ms, echo_ms;
	uint64_t t0, t1;

	if (!fds || !process_usage(b->daemon, &cpu0, &rss0))
		return 1;
	t0 = clock_ms();
	for (int i = 0; i < b->n; i++) {
		if (!open_client(&b->clients[i], server, nc)) {
			fprintf(stderr, "sspsh: bench: session %d could not be opened\n", i + 1);
			b->n = i;
			free(fds);
			return 1;
		}
	}
	t1 = clock_ms();
	printf("sessions             %d on one UDP port, command cat\n", b->n);
	printf("handshakes           %.0f ms for all (%.2f ms each, client and daemon on one machine)\n",
	       (double)(t1 - t0), (double)(t1 - t0) / b->n);
	run_for(b, fds, 2000);
	process_usage(b->daemon, &cpu_typing, &rss1);
	for (int round = 1; round <= TYPING_ROUNDS; round++) {
		long ms = typing_round(b, fds, round);
		if (ms < 0) {
			printf("typing               round %d: some sessions never echoed\n", round);
			free(fds);
			return 1;
		}
		worst = ms > worst ? ms : worst;
	}
	process_usage(b->daemon, &cpu1, &rss1);
	printf("typing               %d rounds, every session types a line: all echoed within %ld ms;\n"
	       "                     daemon CPU %.0f us per line typed and echoed\n",
	       TYPING_ROUNDS, worst, 1e6 * (cpu1 - cpu_typing) / (TYPING_ROUNDS * b->n));
	run_for(b, fds, 4000);	/* let acks and collection settle */
	process_usage(b->daemon, &cpu1, &rss1);
	run_for(b, fds, IDLE_SECONDS * 1000);
	process_usage(b->daemon, &cpu2, &rss2);
	printf("daemon idle CPU      %.2f %% of one core (%d s, heartbeats only)\n",
	       100.0 * (cpu2 - cpu1) / IDLE_SECONDS, IDLE_SECONDS);
	printf("daemon RSS           %ld KiB with no sessions, %ld KiB with %d: %.1f KiB per session\n",
	       rss0, rss2, b->n, (double)(rss2 - rss0) / b->n);
	if (!more_sessions(b, fds, server, nc, &answered_ms, &echo_ms)) {
		printf("one more session     could not be opened\n");
		free(fds);
		return 1;
	}
	printf("one more session     handshake answered in %ld ms, a line typed in it echoed after %ld ms\n"
	       "                     (medians of %d, the others idle; the handshake's X25519 on both sides)\n",
	       answered_ms, echo_ms, MORE_SESSIONS);
	free(fds);
	return 0;
}

int bench_sessions_main(int argc, char **argv)
{
	struct bench b = { 0 };
	uint8_t client_priv[KEY_LEN], client_pub[KEY_LEN], server_pub[KEY_LEN];
	struct noise_client nc;
	struct udp_addr server;
	int fd, rc = 1;

	if (argc != 2 || (b.n = atoi(argv[1])) < 1 || b.n > SSPSH_DAEMON_MAX_SESSIONS - MORE_SESSIONS) {
		fprintf(stderr, "usage: sspsh bench sessions N   (1..%d)\n", SSPSH_DAEMON_MAX_SESSIONS - MORE_SESSIONS);
		return 2;
	}
	raise_fd_limit();
	snprintf(b.dir, sizeof b.dir, "/tmp/sspsh-bench.XXXXXX");
	if (!mkdtemp(b.dir) || !write_keys(b.dir, client_priv) || (b.daemon = start_daemon(b.dir)) < 0)
		return 1;
	b.clients = calloc((size_t)b.n + MORE_SESSIONS, sizeof *b.clients);
	udp_addr_parse("127.0.0.1", BENCH_PORT, &server);
	fd = udp_bind_ephemeral(server.ss.ss_family);
	struct udp_way way = { .fd = fd, .server = &server };
	if (b.clients && fd >= 0 && x25519_public(client_pub, client_priv) &&
	    udp_fetch_server_key(&way, client_pub, server_pub, 5000, NULL) &&
	    noise_client_init(&nc, client_priv, server_pub)) {
		rc = measure(&b, &server, &nc);
		noise_client_wipe(&nc);
	} else {
		fprintf(stderr, "sspsh: bench: the daemon did not start\n");
	}
	if (fd >= 0)
		close(fd);
	for (int i = 0; i < b.n && b.clients; i++)
		close_client(&b.clients[i]);
	kill(b.daemon, SIGTERM);
	waitpid(b.daemon, NULL, 0);
	free(b.clients);
	mbedtls_platform_zeroize(client_priv, sizeof client_priv);
	remove_dir(b.dir);
	return rc;
}
