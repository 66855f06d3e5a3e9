#include "applets/session/single_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mbedtls/platform_util.h>

#include "applets/session/agent_socket.h"
#include "applets/session/forward.h"
#include "applets/session/login.h"
#include "applets/session/server_session.h"
#include "core/bootstrap.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/daemonize.h"
#include "core/dying.h"
#include "core/fdio.h"
#include "core/install_source.h"
#include "core/log.h"
#include "core/options.h"
#include "core/signals.h"
#include "net/pump.h"
#include "net/transport.h"

/* ---- Announcing ---- */

/* The one line a launcher reads (core/bootstrap.h). `address` (the
 * server's address as the client should see it) is NULL when unknown. */
static bool print_connect_line(uint16_t port, const char *key_text, const char *address)
{
	struct buf line;
	char exe[PATH_MAX];
	bool ok;

	buf_init(&line);
	bootstrap_format_connect(&line, port, key_text, address,
				 self_path_for_display(exe, sizeof exe) ? exe : NULL);
	ok = fd_write_all(STDOUT_FILENO, line.data, line.len);
	mbedtls_platform_zeroize(line.data, line.len);
	buf_free(&line);
	return ok;
}

/* The address the ssh client reached, from SSH_CONNECTION ("client_ip
 * client_port server_ip server_port"): the client can reach it with no DNS
 * of its own. NULL when not started over ssh (or not a plain address). */
static const char *ssh_server_address(char *out, size_t cap)
{
	const char *conn = getenv("SSH_CONNECTION");
	unsigned char bytes[16];
	char addr[64];

	if (!conn || sscanf(conn, "%*s %*s %63s", addr) != 1)
		return NULL;
	if (inet_pton(AF_INET, addr, bytes) != 1 && inet_pton(AF_INET6, addr, bytes) != 1)
		return NULL;
	snprintf(out, cap, "%s", addr);
	return out;
}

static struct transport *open_transport(const struct server_settings *settings, char key_text[])
{
	struct transport_key key;
	struct transport *t;

	if (!transport_key_generate(&key))
		return NULL;
	t = transport_server(&key, settings->bind_addr, (uint16_t)settings->port_low,
			     (uint16_t)settings->port_high);
	if (t)
		transport_key_format(&key, key_text);
	transport_key_zero(&key);
	return t;
}

/* ---- Serving ---- */

struct single {
	struct server_session *s;
	long idle_timeout_ms;		/* 0: never */
	uint64_t started_at;
	bool stopping;			/* a signal: telling the client */
	bool quit;			/* a second signal, or nobody to tell */
};

/* When silence alone ends the session: no first contact in time, or no
 * datagram for the idle timeout; UINT64_MAX when nothing will. */
static uint64_t silence_deadline(const struct single *one)
{
	uint64_t heard = transport_last_heard_ms(server_session_transport(one->s));

	uint64_t due = UINT64_MAX;

	if (!heard) {
		heard = one->started_at;
		due = heard + SSPSH_FIRST_CONTACT_TIMEOUT_MS;
	}
	if (one->idle_timeout_ms > 0 && heard + (uint64_t)one->idle_timeout_ms < due)
		due = heard + (uint64_t)one->idle_timeout_ms;
	return due;
}

static bool should_stop(const struct single *one, uint64_t now)
{
	if (one->quit)
		return true;
	/* A program that ended before the client's first datagram arrived (a
	 * short command over a slow path) waits for that client like any other. */
	if (server_session_ended(one->s) && transport_last_heard_ms(server_session_transport(one->s)))
		return server_session_done(one->s, now);
	return now >= silence_deadline(one);
}

/* Sleeps until the next thing that is due: nothing wakes the idle server
 * but its heartbeats (and the timeouts, when they are set). */
static int poll_timeout(const struct single *one, uint64_t now)
{
	uint64_t due = server_session_deadline(one->s, now), stop = silence_deadline(one);

	if (stop < due)
		due = stop;
	if (due <= now)
		return 0;
	return due - now > INT_MAX ? INT_MAX : (int)(due - now);
}

/* One line with what the transport accepted and refused (on SIGUSR1 and at
 * exit; seen with --foreground), so tests can prove nothing forged got in. */
static void log_counters(const struct transport *t)
{
	const struct transport_counters *c = transport_counters(t);
	char peer[80];

	transport_peer_name(t, peer, sizeof peer);
	log_info("counters: received %" PRIu64 " sent %" PRIu64 " malformed %" PRIu64
		 " forged %" PRIu64 " replay %" PRIu64 " roams %" PRIu64
		 " bytes sent %" PRIu64 " peer %s", c->datagrams_received, c->datagrams_sent,
		 c->dropped_malformed, c->dropped_forged, c->dropped_replay, c->roams, c->bytes_sent,
		 *peer ? peer : "none");
}

/* SIGTERM or SIGHUP ends the session and tells the client, who has
 * SSPSH_SHUTDOWN_LINGER_MS to acknowledge; a second one, or SIGINT (an
 * operator's Ctrl-C, a --local client that is done or gone), ends it at
 * once. */
static void stop(struct single *one, bool at_once)
{
	struct transport *t = server_session_transport(one->s);

	log_info("signal: stopping");
	if (at_once || one->stopping || !transport_has_peer(t)) {
		one->quit = true;
		return;
	}
	one->stopping = true;
	server_session_stop(one->s, SESSION_SERVER_STOPPED, clock_ms());
}

static void handle_signals(struct single *one)
{
	if (signals_take(SIGUSR1))
		log_counters(server_session_transport(one->s));
	if (signals_take(SIGINT))
		stop(one, true);
	if (signals_take(SIGTERM) || signals_take(SIGHUP))
		stop(one, false);
	if (signals_take(SIGCHLD))
		server_session_reap(one->s);
}

static void receive_network(struct single *one, uint64_t now)
{
	if (server_session_receive(one->s, now) & PUMP_FAILED)
		one->quit = true;
}

static void turn(struct single *one)
{
	static struct pollfd p[3 + FORWARD_POLLFDS_MAX];
	struct server_session *s = one->s;
	short pty_events = server_session_pty_events(s, clock_ms());
	/* Not watched while nothing is wanted of it: a hung-up pty whose output
	 * is held back would report POLLHUP at once, again and again. */
	int pty = pty_events ? server_session_pty_fd(s) : -1;
	size_t n_forward = server_session_pollfds(s, p + 3, FORWARD_POLLFDS_MAX);
	uint64_t now = clock_ms();

	p[0] = (struct pollfd){ signals_fd(), POLLIN, 0 };
	p[1] = (struct pollfd){ transport_fd(server_session_transport(s)), POLLIN, 0 };
	p[2] = (struct pollfd){ pty, pty_events, 0 };
	if (poll(p, 3 + n_forward, poll_timeout(one, now)) < 0 && errno != EINTR) {
		log_error("poll: %s", strerror(errno));
		one->quit = true;
		return;
	}
	now = clock_ms();
	handle_signals(one);
	if (pty >= 0)
		server_session_pty_ready(s, p[2].revents, now);
	receive_network(one, now);
	server_session_sockets_ready(s, p + 3, n_forward, now);
	server_session_tick(s, now);
}

static int serve(struct transport *t, const struct pty_spec *spec, long idle_timeout_ms,
		 long scrollback)
{
	static const int caught[] = { SIGTERM, SIGHUP, SIGINT, SIGCHLD, SIGUSR1, 0 };
	struct single one = { .idle_timeout_ms = idle_timeout_ms, .started_at = clock_ms() };
	struct dying dying;
	int status = 1;

	signal(SIGPIPE, SIG_IGN);
	if (!signals_catch(caught)) {
		transport_free(t);
		return 1;
	}
	agent_sockets_sweep(agent_socket_base());	/* what killed servers left */
	one.s = server_session_new(spec, t, true);	/* its client logged in: it may forward */
	if (!one.s)
		return 1;
	if (!server_session_set_scrollback(one.s, (uint32_t)scrollback))
		log_warn("out of memory for the scrollback log; going on without");
	while (!should_stop(&one, clock_ms()))
		turn(&one);
	if (server_session_ended(one.s) && !one.quit && !one.stopping)
		status = 0;
	if (!server_session_ended(one.s) && !one.quit)
		log_info("no contact from the client: giving up");
	log_counters(server_session_transport(one.s));
	dying_init(&dying);
	server_session_close(one.s, &dying, clock_ms());
	dying_finish(&dying);
	dying_free(&dying);
	return status;
}

int single_server_run(struct server_settings *settings)
{
	static const char *const unset[] = { "SSPSH_KEY", NULL };
	char key_text[TRANSPORT_KEY_TEXT_LEN + 1], address[64];
	struct login login;
	struct transport *t;

	settings->env[settings->n_env++] = "TERM=" SSPSH_TERM;
	settings->env[settings->n_env] = NULL;
	if (settings->foreground)
		log_set_level(LOG_INFO);
	login_find(&login);
	t = open_transport(settings, key_text);
	if (!t)
		return 1;
	if (!print_connect_line(transport_local_port(t), key_text,
				ssh_server_address(address, sizeof address))) {
		log_error("server: cannot write the CONNECT line: %s", strerror(errno));
		mbedtls_platform_zeroize(key_text, sizeof key_text);
		transport_free(t);
		return 1;
	}
	mbedtls_platform_zeroize(key_text, sizeof key_text);
	if (!settings->foreground && !daemonize()) {
		transport_free(t);
		return 1;
	}
	struct pty_spec spec = {
		.argv = settings->command ? settings->command : login.argv,
		.path = settings->command ? settings->command[0] : login.shell,
		.cwd = login.home,
		.env_set = settings->env,
		.env_unset = unset,
		.cols = SSPSH_DEFAULT_COLS,
		.rows = SSPSH_DEFAULT_ROWS,
	};
	return serve(t, &spec, settings->timeout_s * 1000, settings->scrollback);
}
