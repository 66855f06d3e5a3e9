/* sspsh server: the server side of a session. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mbedtls/platform_util.h>

#include "applets/applets.h"
#include "applets/cli.h"
#include "applets/daemon.h"
#include "applets/session/login.h"
#include "applets/session/server_session.h"
#include "core/bootstrap.h"
#include "core/buf.h"
#include "core/daemonize.h"
#include "core/fdio.h"
#include "core/install_source.h"
#include "core/log.h"
#include "core/options.h"
#include "net/transport.h"
#include "net/udp.h"

const char server_usage[] =
"usage: sspsh server [-i ADDR] [-p PORT|LOW:HIGH] [--foreground] [--timeout SECONDS]\n"
"                    [-l NAME=VALUE]... [-- COMMAND [ARG]...]\n"
"       sspsh server --listen [ADDR:]PORT [--user NAME] [--foreground]\n"
"\n"
"Runs COMMAND (default: your login shell) in a pseudo-terminal and serves its\n"
"screen over UDP. Prints one line, SSPSH CONNECT <port> <key> [<addr>] proto=N\n"
"version=V machine=M exe=PATH, then detaches; <addr> is this host's address\n"
"from $SSH_CONNECTION when started over ssh (`sspsh connect HOST` does that);\n"
"proto is the wire protocol's version, which the client must speak too.\n"
"\n"
"  -i ADDR           bind to this local address (default: all)\n"
"  -p PORT|LOW:HIGH  UDP port, or the first free one of a range (default 60001:60999)\n"
"  --foreground      stay in the foreground and log to stderr\n"
"  --timeout SECONDS exit after this long without contact from the client\n"
"  -l NAME=VALUE     set an environment variable for COMMAND\n"
"With --foreground, SIGUSR1 logs the transport's counters (datagrams received,\n"
"sent and refused, roams, the client's address); so does the exit.\n"
"\n"
DAEMON_USAGE;

#define MAX_ENV_SETTINGS 64

struct server_options {
	const char *bind_addr;
	unsigned port_low, port_high;
	bool foreground;
	long timeout_s;
	char *env[MAX_ENV_SETTINGS + 2];	/* -l settings, TERM, NULL */
	int n_env;
	char **command;			/* NULL: the login shell */
};

static bool parse_seconds(const char *text, long *out)
{
	char *end;
	long v = strtol(text, &end, 10);

	if (!*text || *end || v <= 0 || v > 100L * 365 * 24 * 3600)
		return false;
	*out = v;
	return true;
}

/* One option at argv[*i]; returns 0, or the exit status of a usage error. */
static int parse_option(int argc, char **argv, int *i, struct server_options *o)
{
	const char *arg = argv[*i], *value = *i + 1 < argc ? argv[*i + 1] : NULL;

	if (strcmp(arg, "--foreground") == 0) {
		o->foreground = true;
		return 0;
	}
	if (strcmp(arg, "-i") && strcmp(arg, "-p") && strcmp(arg, "--timeout") && strcmp(arg, "-l"))
		return cli_usage_error("server", "unknown option '%s'", arg);
	if (!value)
		return cli_usage_error("server", "option '%s' needs a value", arg);
	++*i;
	struct udp_addr addr;

	if (strcmp(arg, "-i") == 0) {
		if (!udp_addr_parse(value, 1, &addr))
			return cli_usage_error("server", "bad -i '%s' (a numeric IPv4 or IPv6 address)", value);
		o->bind_addr = value;
	} else if (strcmp(arg, "-p") == 0 && !cli_parse_port_range(value, &o->port_low, &o->port_high))
		return cli_usage_error("server", "bad port or range '%s' (PORT or LOW:HIGH, 1-65535)", value);
	else if (strcmp(arg, "--timeout") == 0 && !parse_seconds(value, &o->timeout_s))
		return cli_usage_error("server", "bad --timeout '%s' (whole seconds > 0)", value);
	else if (strcmp(arg, "-l") == 0) {
		if (!strchr(value, '=') || value[0] == '=')
			return cli_usage_error("server", "bad -l '%s' (NAME=VALUE)", value);
		if (o->n_env == MAX_ENV_SETTINGS)
			return cli_usage_error("server", "too many -l settings (%s)", "64 at most");
		o->env[o->n_env++] = (char *)value;
	}
	return 0;
}

static int parse_options(int argc, char **argv, struct server_options *o)
{
	memset(o, 0, sizeof *o);
	o->port_low = SSPSH_PORT_LOW;
	o->port_high = SSPSH_PORT_HIGH;
	for (int i = 1; i < argc; i++) {
		int rc;

		if (strcmp(argv[i], "--") == 0) {
			if (i + 1 < argc)
				o->command = &argv[i + 1];
			return 0;
		}
		if (argv[i][0] != '-')
			return cli_usage_error("server", "unexpected argument '%s' (put the command after --)", argv[i]);
		if ((rc = parse_option(argc, argv, &i, o)) != 0)
			return rc;
	}
	return 0;
}

/* ---- Announcing and detaching ---- */

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

static struct transport *open_transport(const struct server_options *o, char key_text[])
{
	struct transport_key key;
	struct transport *t;

	if (!transport_key_generate(&key))
		return NULL;
	t = transport_server(&key, o->bind_addr, (uint16_t)o->port_low, (uint16_t)o->port_high);
	if (t)
		transport_key_format(&key, key_text);
	transport_key_zero(&key);
	return t;
}

int server_main(int argc, char **argv)
{
	static const char *const unset[] = { "SSPSH_KEY", NULL };
	struct server_options o;
	struct login login;
	char key_text[TRANSPORT_KEY_TEXT_LEN + 1], address[64];
	struct transport *t;
	int rc;

	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (strcmp(argv[i], "--listen") == 0)
			return daemon_main(argc, argv);
	if ((rc = parse_options(argc, argv, &o)) != 0)
		return rc;
	o.env[o.n_env++] = "TERM=" SSPSH_TERM;
	if (o.foreground)
		log_set_level(LOG_INFO);
	login_find(&login);
	t = open_transport(&o, key_text);
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
	if (!o.foreground && !daemonize()) {
		transport_free(t);
		return 1;
	}
	struct pty_spec spec = {
		.argv = o.command ? o.command : login.argv,
		.path = o.command ? o.command[0] : login.shell,
		.cwd = login.home,
		.env_set = o.env,
		.env_unset = unset,
		.cols = SSPSH_DEFAULT_COLS,
		.rows = SSPSH_DEFAULT_ROWS,
	};
	struct server_limits limits = { o.timeout_s * 1000, SSPSH_FIRST_CONTACT_TIMEOUT_MS };
	return server_session_run(t, &spec, &limits);
}
