/* Session tests against a real `sspsh server --foreground` process (the
 * binary named by $SSPSH, which test/run.sh sets), with an in-process
 * client that is the real client's sync core (client_sync: transport, SSP
 * engine, input stream and frames, as `sspsh connect` drives them). The client can be put behind the link emulator, change port,
 * type, paste and resize; the server's transport counters are read from its
 * SIGUSR1 log line. Header-only, like unit.h: include it in one file. */
#ifndef SSPSH_SESSION_HARNESS_H
#define SSPSH_SESSION_HARNESS_H

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/options.h"
#include "applets/session/client_sync.h"
#include "net/link.h"
#include "net/transport.h"
#include "term/dump.h"

/* ---- The server process ---- */

struct server_counters {
	uint64_t received, sent, malformed, forged, replay, roams, bytes_sent;
	char peer[80];
};

struct harness_server {
	pid_t pid;
	int err_fd;		/* its stderr, non-blocking */
	struct buf err;		/* everything it has logged so far */
	uint16_t port;
	struct transport_key key;
};

/* Reads what the server has logged, waiting up to wait_ms for more. */
static inline void server_read_log(struct harness_server *s, int wait_ms)
{
	struct pollfd p = { .fd = s->err_fd, .events = POLLIN };
	char chunk[4096];
	ssize_t n;

	if (poll(&p, 1, wait_ms) <= 0)
		return;
	while ((n = read(s->err_fd, chunk, sizeof chunk)) > 0)
		buf_put(&s->err, chunk, (size_t)n);
}

static inline bool read_connect_line(int fd, struct harness_server *s)
{
	char line[200];
	size_t len = 0;
	unsigned port;
	char key_text[80];
	const char *why;

	while (len + 1 < sizeof line && read(fd, &line[len], 1) == 1 && line[len] != '\n')
		len++;
	line[len] = '\0';
	if (sscanf(line, "SSPSH CONNECT %u %79s", &port, key_text) != 2)
		return false;
	s->port = (uint16_t)port;
	return transport_key_parse(&s->key, key_text, &why);
}

/* Starts `sspsh server --foreground -i 127.0.0.1 -- argv...`. */
static inline bool server_start(struct harness_server *s, char *const *command)
{
	const char *sspsh = getenv("SSPSH");
	char *argv[32] = { (char *)sspsh, "server", "--foreground", "-i", "127.0.0.1",
			   "-p", "62000:62999", "--" };
	int out[2], err[2], n = 8;
	bool ok;

	memset(s, 0, sizeof *s);
	buf_init(&s->err);
	s->err_fd = -1;
	for (int i = 0; command[i] && n < 31; i++)
		argv[n++] = command[i];
	argv[n] = NULL;
	if (!sspsh || pipe(out) || pipe(err))
		return false;
	s->pid = fork();
	if (s->pid == 0) {
		dup2(out[1], 1);
		dup2(err[1], 2);
		close(out[0]);
		close(err[0]);
		execv(sspsh, argv);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	ok = s->pid > 0 && read_connect_line(out[0], s);
	close(out[0]);
	s->err_fd = err[0];
	fcntl(s->err_fd, F_SETFL, O_NONBLOCK);
	return ok;
}

/* The server's exit status (as waitpid reports it), or -1 after SIGKILL. */
static inline int server_stop(struct harness_server *s, int grace_ms)
{
	int status = -1;

	for (int i = 0; s->pid > 0 && i < grace_ms / 10; i++) {
		if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
			s->pid = 0;
			break;
		}
		usleep(10000);
	}
	if (s->pid > 0) {
		kill(s->pid, SIGKILL);
		waitpid(s->pid, NULL, 0);
		status = -1;
	}
	s->pid = 0;
	server_read_log(s, 0);
	if (s->err_fd >= 0)
		close(s->err_fd);
	buf_free(&s->err);
	transport_key_zero(&s->key);
	return status;
}

static inline bool parse_counters(const char *line, struct server_counters *c)
{
	return sscanf(line, "sspsh: counters: received %" SCNu64 " sent %" SCNu64
		      " malformed %" SCNu64 " forged %" SCNu64 " replay %" SCNu64
		      " roams %" SCNu64 " bytes sent %" SCNu64 " peer %79s",
		      &c->received, &c->sent, &c->malformed, &c->forged, &c->replay,
		      &c->roams, &c->bytes_sent, c->peer) == 8;
}

/* Sends SIGUSR1 and parses the counters line it logs. */
static inline bool server_counters(struct harness_server *s, struct server_counters *c)
{
	size_t from = s->err.len;

	kill(s->pid, SIGUSR1);
	for (int i = 0; i < 200; i++) {
		server_read_log(s, 10);
		buf_put_u8(&s->err, 0);
		s->err.len--;
		const char *line = strstr((const char *)s->err.data + from, "sspsh: counters:");
		if (line && strchr(line, '\n'))
			return parse_counters(line, c);
	}
	return false;
}

/* Peak resident set of a process, in kB (VmHWM); -1 if unknown. */
static inline long peak_rss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "VmHWM: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* ---- The client ---- */

/* The real client's sync core (applets/session/client_sync.h), without a
 * terminal: what is tested here is what `sspsh connect` runs. */
struct harness_client {
	struct client_sync *sync;
	uint64_t typed;		/* bytes of keys typed */
};

/* A client of the server at 127.0.0.1:port. */
static inline bool client_start(struct harness_client *c, const struct transport_key *key, uint16_t port)
{
	struct transport *t = transport_client(key, "127.0.0.1", port);

	memset(c, 0, sizeof *c);
	c->sync = t ? client_sync_new(t) : NULL;
	return c->sync != NULL;
}

static inline void client_free(struct harness_client *c)
{
	client_sync_free(c->sync);
	c->sync = NULL;
}

static inline struct transport *client_transport(const struct harness_client *c)
{
	return client_sync_transport(c->sync);
}

static inline void client_type(struct harness_client *c, const void *keys, size_t len)
{
	if (client_sync_type(c->sync, keys, len, clock_ms()))
		c->typed += len;
}

static inline void client_resize(struct harness_client *c, int cols, int rows)
{
	client_sync_resize(c->sync, cols, rows, clock_ms());
}

/* Milliseconds the client may sleep, at most cap_ms. */
static inline int client_wait_ms(const struct harness_client *c, int cap_ms)
{
	uint64_t now = clock_ms(), due = client_sync_deadline(c->sync, now);

	if (due <= now)
		return 0;
	return due - now < (uint64_t)cap_ms ? (int)(due - now) : cap_ms;
}

/* Everything the client does after a poll: receive, ack, send. */
static inline void client_service(struct harness_client *c)
{
	client_sync_receive(c->sync, clock_ms());
	client_sync_tick(c->sync, clock_ms());
}

/* Runs the client alone for up to ms milliseconds. */
static inline void client_run(struct harness_client *c, int ms)
{
	uint64_t end = clock_ms() + (uint64_t)ms;

	for (uint64_t now = clock_ms(); now < end; now = clock_ms()) {
		struct pollfd p = { .fd = transport_fd(client_transport(c)), .events = POLLIN };
		int left = (int)(end - now);

		poll(&p, 1, client_wait_ms(c, left < 20 ? left : 20));
		client_service(c);
	}
}

/* Types len bytes as a terminal would deliver a paste: 4 KB reads, paused
 * while SSPSH_MAX_UNACKED_INPUT bytes await acknowledgement, as the real
 * client does. */
static inline void client_paste(struct harness_client *c, const void *data, size_t len)
{
	const uint8_t *p = data;

	for (size_t off = 0; off < len; client_run(c, 1)) {
		while (off < len && client_sync_input_room(c->sync)) {
			size_t n = len - off < 4096 ? len - off : 4096;
			client_type(c, p + off, n);
			off += n;
		}
	}
}

static inline bool client_session_ended(const struct harness_client *c)
{
	return client_sync_ended(c->sync);
}

static inline bool client_all_acked(const struct harness_client *c)
{
	return client_sync_all_acked(c->sync);
}

/* Runs the client until the server says the program has ended. */
static inline bool client_run_until_ended(struct harness_client *c, int timeout_ms)
{
	uint64_t end = clock_ms() + (uint64_t)timeout_ms;

	while (!client_session_ended(c) && clock_ms() < end)
		client_run(c, 20);
	return client_session_ended(c);
}

/* The screen the client holds, as text (term/dump.h). */
static inline void client_screen(const struct harness_client *c, struct buf *out)
{
	const struct fb *fb = client_sync_screen(c->sync);

	buf_reset(out);
	if (fb)
		dump_screen(fb, out);
	buf_put_u8(out, 0);
	out->len--;
}

/* Runs until the screen shows `text`. */
static inline bool client_wait_for_text(struct harness_client *c, const char *text, int timeout_ms)
{
	uint64_t end = clock_ms() + (uint64_t)timeout_ms;
	struct buf screen;
	bool found = false;

	buf_init(&screen);
	while (!found && clock_ms() < end) {
		client_run(c, 20);
		client_screen(c, &screen);
		found = strstr((const char *)screen.data, text) != NULL;
	}
	buf_free(&screen);
	return found;
}

/* ---- Files ---- */

/* A fresh private directory for a test's files (removed by rm_tree). */
static inline bool make_temp_dir(char *path, size_t cap)
{
	snprintf(path, cap, "/tmp/sspsh-harness.XXXXXX");
	return mkdtemp(path) != NULL;
}

static inline void rm_tree(const char *path)
{
	char cmd[600];

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", path);
}

/* The whole file into out; false if it cannot be read. */
static inline bool read_file(const char *path, struct buf *out)
{
	char chunk[65536];
	size_t n;
	FILE *f = fopen(path, "rb");

	buf_reset(out);
	if (!f)
		return false;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_put(out, chunk, n);
	fclose(f);
	return !out->oom;
}

/* Deterministic test bytes: printable lines of the given width. */
static inline void make_text(struct buf *out, size_t len, unsigned seed, size_t line_width)
{
	uint32_t x = seed * 2654435761u + 1;

	buf_reset(out);
	for (size_t i = 0; i < len; i++) {
		x = x * 1103515245u + 12345u;
		if (line_width && i % line_width == line_width - 1)
			buf_put_u8(out, '\n');
		else
			buf_put_u8(out, (uint8_t)(' ' + (x >> 16) % 95));
	}
}

#endif
