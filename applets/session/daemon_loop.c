#include "applets/session/daemon_loop.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#include <mbedtls/platform_util.h>

#include "applets/session/agent_socket.h"
#include "applets/session/daemon_sessions.h"
#include "applets/session/daemon_user.h"
#include "core/clock.h"
#include "core/daemonize.h"
#include "core/keyfile.h"
#include "core/log.h"
#include "core/options.h"
#include "core/signals.h"
#include "net/udp.h"

#define EVENTS_PER_WAIT 256
/* Descriptors the daemon holds besides its sessions' ptys: stdio, the
 * socket, epoll, the signal pipe, and a pty's two ends while one opens. */
#define FDS_BESIDE_SESSIONS 16

/* ---- Keys ---- */

static bool load_keys(uint8_t host_priv[KEY_LEN], struct key_list *authorized)
{
	char path[1024], fingerprint[KEY_FINGERPRINT_SIZE];
	uint8_t pub[KEY_LEN];

	if (!keyfile_default_path("host_x25519", true, path, sizeof path) ||
	    !keyfile_load_or_create(path, host_priv, pub))
		return false;
	key_fingerprint(pub, fingerprint);
	log_info("host key %s (%s)", fingerprint, path);
	if (!keyfile_default_path("authorized_keys", false, path, sizeof path))
		return false;
	memset(authorized, 0, sizeof *authorized);
	return authorized_keys_load(path, authorized);
}

static void reload_authorized(struct daemon_sessions *d)
{
	struct key_list keys = { 0 };
	char path[1024];

	if (keyfile_default_path("authorized_keys", false, path, sizeof path) &&
	    authorized_keys_load(path, &keys)) {
		log_info("reloaded %s: %zu keys", path, keys.count);
		daemon_sessions_set_forwarders(d, &keys);
		daemon_sessions_set_authorized(d, &keys);
		daemon_sessions_drop_unauthorized(d, clock_ms());
	}
}

/* ---- The loop ---- */

static char udp_tag, signal_tag;	/* epoll data of the two fixed fds */

static bool watch(int epoll_fd, int fd, void *tag)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.ptr = tag };

	if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) == 0)
		return true;
	log_error("epoll: %s", strerror(errno));
	return false;
}

static void read_socket(struct daemon_sessions *d, int fd)
{
	static uint8_t data[65536];
	struct udp_addr from;

	for (int i = 0; i < SSPSH_RECV_BATCH; i++) {
		long n = udp_receive(fd, data, sizeof data, &from);
		if (n < 0)
			break;
		daemon_sessions_datagram(d, data, (size_t)n, &from, clock_ms());
	}
}

/* The first SIGTERM or SIGINT ends every session and tells its client
 * (the loop runs on until they have acknowledged, or
 * SSPSH_SHUTDOWN_LINGER_MS); a second one stops at once. False then. */
static bool take_signals(struct daemon_sessions *d)
{
	if (signals_take(SIGCHLD))
		daemon_sessions_reap(d, clock_ms());
	if (signals_take(SIGHUP))
		reload_authorized(d);
	if (signals_take(SIGTERM) || signals_take(SIGINT)) {
		if (daemon_sessions_stopping(d))
			return false;
		log_info("signal: stopping; telling the clients");
		daemon_sessions_shutdown(d, clock_ms());
	}
	return true;
}

/* epoll_wait, or, while sessions forward, poll on their sockets and the
 * epoll set together (forwarding's sockets come and go every turn). */
static int wait_events(struct daemon_sessions *d, int epoll_fd, struct epoll_event *events,
		       int wait)
{
	size_t n_forward;
	struct pollfd *fds = daemon_sessions_pollfds(d, 1, &n_forward);

	if (!n_forward)
		return epoll_wait(epoll_fd, events, EVENTS_PER_WAIT, wait);
	fds[0] = (struct pollfd){ epoll_fd, POLLIN, 0 };
	if (poll(fds, 1 + n_forward, wait) < 0)
		return -1;
	daemon_sessions_sockets_ready(d, clock_ms());
	return fds[0].revents ? epoll_wait(epoll_fd, events, EVENTS_PER_WAIT, 0) : 0;
}

static int serve(struct daemon_sessions *d, int epoll_fd, int udp_fd)
{
	struct epoll_event events[EVENTS_PER_WAIT];
	bool running = true;

	while (running) {
		uint64_t now = clock_ms(), due = daemon_sessions_step(d, now);
		int wait = due <= now ? 0 : due - now > INT_MAX ? INT_MAX : (int)(due - now);
		int n;

		if (daemon_sessions_stopping(d) && daemon_sessions_count(d) == 0)
			break;	/* every client knows */
		n = wait_events(d, epoll_fd, events, wait);
		if (n < 0 && errno != EINTR) {
			log_error("epoll_wait: %s", strerror(errno));
			return 1;
		}
		for (int i = 0; i < n; i++) {
			void *tag = events[i].data.ptr;
			if (tag == &udp_tag)
				read_socket(d, udp_fd);
			else if (tag == &signal_tag)
				running = take_signals(d);
			else
				daemon_sessions_pty_ready(d, tag, events[i].events, clock_ms());
		}
	}
	return 0;
}

static int run(const struct daemon_settings *o, int udp_fd)
{
	static const int caught[] = { SIGTERM, SIGHUP, SIGINT, SIGCHLD, 0 };
	uint8_t host_priv[KEY_LEN];
	struct key_list authorized;
	struct daemon_sessions *d;
	int epoll_fd, rc;

	if ((o->user && !daemon_user_switch(o->user)) || !load_keys(host_priv, &authorized))
		return 1;
	log_info("listening on UDP port %u", o->port);
	signal(SIGPIPE, SIG_IGN);
	epoll_fd = -1;
	if ((!o->foreground && !daemonize()) || (epoll_fd = epoll_create1(EPOLL_CLOEXEC)) < 0 ||
	    !signals_catch(caught) || !watch(epoll_fd, udp_fd, &udp_tag) ||
	    !watch(epoll_fd, signals_fd(), &signal_tag)) {
		mbedtls_platform_zeroize(host_priv, sizeof host_priv);
		key_list_free(&authorized);
		if (epoll_fd >= 0)
			close(epoll_fd);
		return 1;
	}
	agent_sockets_sweep(agent_socket_base());	/* what killed servers left */
	d = daemon_sessions_new(udp_fd, epoll_fd, host_priv, &authorized, clock_ms());
	mbedtls_platform_zeroize(host_priv, sizeof host_priv);
	if (!d)
		return 1;
	daemon_sessions_set_scrollback(d, (uint32_t)o->scrollback);
	daemon_sessions_set_max(d, (size_t)o->max_sessions);
	rc = serve(d, epoll_fd, udp_fd);
	daemon_sessions_stop(d);
	daemon_sessions_free(d);
	close(epoll_fd);
	return rc;
}

/* Each session holds its pty's master: take every descriptor the hard
 * limit allows, and say when that still caps the sessions. */
static void raise_fd_limit(long max_sessions)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &r) != 0)
		return;
	if (r.rlim_cur < r.rlim_max) {
		r.rlim_cur = r.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &r) != 0)
			log_warn("cannot raise the descriptor limit: %s", strerror(errno));
	}
	if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < (rlim_t)max_sessions + FDS_BESIDE_SESSIONS)
		log_warn("%llu file descriptors allowed (ulimit -n): fewer than %ld sessions fit",
			 (unsigned long long)r.rlim_cur, max_sessions);
}

int daemon_run(const struct daemon_settings *settings)
{
	struct daemon_settings o = *settings;
	int udp_fd, rc;

	if (!o.port)
		o.port = SSPSH_DAEMON_PORT;
	log_set_level(LOG_INFO);
	raise_fd_limit(o.max_sessions ? o.max_sessions : SSPSH_DAEMON_MAX_SESSIONS);
	if (!daemon_user_check(o.user))
		return 1;
	udp_fd = udp_bind_range(o.addr[0] ? o.addr : NULL, (uint16_t)o.port, (uint16_t)o.port);
	if (udp_fd < 0)
		return 1;
	rc = run(&o, udp_fd);
	close(udp_fd);
	return rc;
}
