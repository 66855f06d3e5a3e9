/* `sspsh server --listen [ADDR:]PORT`: the SSH-free daemon. One UDP port
 * for every session of one user; clients authenticate with keys listed in
 * ~/.sspsh/authorized_keys; the daemon's own key is ~/.sspsh/host_x25519.
 * Usage text: DAEMON_USAGE (in server.c's usage). */
#include "applets/daemon.h"

#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <mbedtls/platform_util.h>

#include "applets/applets.h"
#include "applets/cli.h"
#include "applets/session/daemon_sessions.h"
#include "core/clock.h"
#include "core/daemonize.h"
#include "core/keyfile.h"
#include "core/log.h"
#include "core/options.h"
#include "core/passwd.h"
#include "core/signals.h"
#include "net/udp.h"

#define EVENTS_PER_WAIT 256

struct daemon_options {
	char addr[64];			/* "" = every address */
	unsigned port;
	const char *user;
	bool foreground;
};

/* "PORT", "ADDR:PORT" or "[IPV6]:PORT". */
static bool parse_listen(const char *text, struct daemon_options *o)
{
	const char *colon = strrchr(text, ':'), *addr = text;
	size_t addr_len;

	if (!colon)
		return cli_parse_port(text, &o->port);
	addr_len = (size_t)(colon - text);
	if (text[0] == '[') {
		if (addr_len < 2 || text[addr_len - 1] != ']')
			return false;
		addr++;
		addr_len -= 2;
	} else if (memchr(text, ':', addr_len)) {
		return false;	/* IPv6 needs brackets */
	}
	if (addr_len == 0 || addr_len >= sizeof o->addr)
		return false;
	memcpy(o->addr, addr, addr_len);
	o->addr[addr_len] = '\0';
	return cli_parse_port(colon + 1, &o->port);
}

static int parse_options(int argc, char **argv, struct daemon_options *o)
{
	memset(o, 0, sizeof *o);
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(arg, "--foreground") == 0) {
			o->foreground = true;
			continue;
		}
		if (strcmp(arg, "--listen") && strcmp(arg, "--user"))
			return cli_usage_error("server", "'%s' does not go with --listen", arg);
		if (!value)
			return cli_usage_error("server", "option '%s' needs a value", arg);
		i++;
		if (strcmp(arg, "--user") == 0)
			o->user = value;
		else if (!parse_listen(value, o))
			return cli_usage_error("server", "bad --listen '%s' ([ADDR:]PORT; an IPv6 ADDR in brackets)", value);
	}
	return 0;
}

/* ---- Privileges ---- */

static bool set_user_environment(void)
{
	char home[512], shell[512];

	if (!passwd_lookup("/etc/passwd", getuid(), home, sizeof home, shell, sizeof shell)) {
		log_error("uid %u is not in /etc/passwd", (unsigned)getuid());
		return false;
	}
	setenv("HOME", home, 1);
	setenv("SHELL", shell, 1);
	if (chdir(home) != 0)
		log_warn("cannot enter %s: %s", home, strerror(errno));
	return true;
}

/* After binding: root becomes `user` for good (supplementary groups dropped). */
static bool switch_user(const char *user)
{
	uid_t uid;
	gid_t gid;

	if (!passwd_lookup_name("/etc/passwd", user, &uid, &gid)) {
		log_error("server: no user '%s' in /etc/passwd", user);
		return false;
	}
	if (getuid() == uid && geteuid() == uid)
		return true;	/* already NAME: keep the environment as it is */
	if (setgroups(0, NULL) != 0 || setgid(gid) != 0 || setuid(uid) != 0) {
		log_error("server: cannot become %s: %s", user, strerror(errno));
		return false;
	}
	if (setuid(0) == 0) {
		log_error("server: could regain root after switching to %s; refusing to go on", user);
		return false;
	}
	setenv("USER", user, 1);
	setenv("LOGNAME", user, 1);
	return set_user_environment();
}

static bool check_identity(const struct daemon_options *o)
{
	if (geteuid() == 0 && !o->user) {
		log_error("server: refusing to run as root; give --user NAME to run as NAME "
			  "(--user root if you really mean root)");
		return false;
	}
	if (geteuid() != 0 && o->user) {
		log_error("server: --user needs root (the daemon runs as its own user anyway)");
		return false;
	}
	return true;
}

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
		daemon_sessions_set_authorized(d, &keys);
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

/* False when it is time to stop. */
static bool take_signals(struct daemon_sessions *d)
{
	if (signals_take(SIGCHLD))
		daemon_sessions_reap(d, clock_ms());
	if (signals_take(SIGHUP))
		reload_authorized(d);
	if (signals_take(SIGTERM) || signals_take(SIGINT)) {
		log_info("signal: stopping");
		return false;
	}
	return true;
}

static int serve(struct daemon_sessions *d, int epoll_fd, int udp_fd)
{
	struct epoll_event events[EVENTS_PER_WAIT];
	bool running = true;

	while (running) {
		uint64_t now = clock_ms(), due = daemon_sessions_step(d, now);
		int wait = due <= now ? 0 : due - now > 1000 ? 1000 : (int)(due - now);
		int n = epoll_wait(epoll_fd, events, EVENTS_PER_WAIT, wait);

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

static int run(const struct daemon_options *o, int udp_fd)
{
	static const int caught[] = { SIGTERM, SIGHUP, SIGINT, SIGCHLD, 0 };
	uint8_t host_priv[KEY_LEN];
	struct key_list authorized;
	struct daemon_sessions *d;
	int epoll_fd, rc;

	if ((o->user && !switch_user(o->user)) || !load_keys(host_priv, &authorized))
		return 1;
	log_info("listening on UDP port %u", o->port);
	if (!o->foreground && !daemonize())
		return 1;
	signal(SIGPIPE, SIG_IGN);
	epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (epoll_fd < 0 || !signals_catch(caught) || !watch(epoll_fd, udp_fd, &udp_tag) ||
	    !watch(epoll_fd, signals_fd(), &signal_tag)) {
		mbedtls_platform_zeroize(host_priv, sizeof host_priv);
		key_list_free(&authorized);
		return 1;
	}
	d = daemon_sessions_new(udp_fd, epoll_fd, host_priv, &authorized, clock_ms());
	mbedtls_platform_zeroize(host_priv, sizeof host_priv);
	if (!d)
		return 1;
	rc = serve(d, epoll_fd, udp_fd);
	daemon_sessions_stop(d);
	daemon_sessions_free(d);
	close(epoll_fd);
	return rc;
}

int daemon_main(int argc, char **argv)
{
	struct daemon_options o;
	int rc = parse_options(argc, argv, &o), udp_fd;

	if (rc)
		return rc;
	if (!o.port)
		o.port = SSPSH_DAEMON_PORT;
	log_set_level(LOG_INFO);
	if (!check_identity(&o))
		return 1;
	udp_fd = udp_bind_range(o.addr[0] ? o.addr : NULL, (uint16_t)o.port, (uint16_t)o.port);
	if (udp_fd < 0)
		return 1;
	rc = run(&o, udp_fd);
	close(udp_fd);
	return rc;
}
