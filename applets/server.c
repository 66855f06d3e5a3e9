/* sspsh server: the server side of a session. */
#include <stdlib.h>
#include <string.h>

#include "applets/applets.h"
#include "applets/cli.h"
#include "applets/daemon.h"
#include "applets/session/single_server.h"
#include "core/log.h"
#include "core/options.h"
#include "core/remote_cmd.h"
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
"  --scrollback N    keep the newest N lines that scroll off the screen (default\n"
"                    10000, 0: none) and send them into the client terminal's own\n"
"                    history; a client that attaches later gets them all\n"
"With --foreground, SIGUSR1 logs the transport's counters (datagrams received,\n"
"sent and refused, roams, the client's address); so does the exit.\n"
"\n"
DAEMON_USAGE;

static bool parse_seconds(const char *text, long *out)
{
	char *end;
	long v = strtol(text, &end, 10);

	if (!*text || *end || v <= 0 || v > 100L * 365 * 24 * 3600)
		return false;
	*out = v;
	return true;
}

static bool parse_count(const char *text, long max, long *out)
{
	char *end;
	long v = strtol(text, &end, 10);

	if (*text < '0' || *text > '9' || *end || v > max)
		return false;
	*out = v;
	return true;
}

/* One option at argv[*i]; returns 0, or the exit status of a usage error. */
static int parse_option(int argc, char **argv, int *i, struct server_settings *o)
{
	const char *arg = argv[*i], *value = *i + 1 < argc ? argv[*i + 1] : NULL;

	if (strcmp(arg, "--foreground") == 0) {
		o->foreground = true;
		return 0;
	}
	if (strcmp(arg, "-i") && strcmp(arg, "-p") && strcmp(arg, "--timeout") && strcmp(arg, "-l") &&
	    strcmp(arg, "--scrollback"))
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
	else if (strcmp(arg, "--scrollback") == 0 && !parse_count(value, SSPSH_SCROLLBACK_MAX, &o->scrollback))
		return cli_usage_error("server", "bad --scrollback '%s' (lines, 0-%d)", value, SSPSH_SCROLLBACK_MAX);
	else if (strcmp(arg, "-l") == 0) {
		if (!strchr(value, '=') || value[0] == '=')
			return cli_usage_error("server", "bad -l '%s' (NAME=VALUE)", value);
		if (o->n_env == SERVER_ENV_SETTINGS_MAX)
			return cli_usage_error("server", "too many -l settings (%d at most)", SERVER_ENV_SETTINGS_MAX);
		o->env[o->n_env++] = (char *)value;
	}
	return 0;
}

static int parse_options(int argc, char **argv, struct server_settings *o)
{
	memset(o, 0, sizeof *o);
	o->port_low = SSPSH_PORT_LOW;
	o->port_high = SSPSH_PORT_HIGH;
	o->scrollback = SSPSH_SCROLLBACK_DEFAULT;
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

static int run_server(int argc, char **argv)
{
	struct server_settings settings;
	int rc;

	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (strcmp(argv[i], "--listen") == 0)
			return daemon_main(argc, argv);
	if ((rc = parse_options(argc, argv, &settings)) != 0)
		return rc;
	return single_server_run(&settings);
}

/* `server --argv BASE64` (core/remote_cmd.h): the words connect sent over
 * ssh, packed so that no login shell could change them. */
static int run_packed(const char *packed, char *applet)
{
	char **words, **argv;
	int count, rc;

	if (!remote_cmd_argv_decode(packed, &words, &count))
		return cli_usage_error("server", "--argv takes base64 of NUL-terminated words");
	argv = calloc((size_t)count + 2, sizeof *argv);
	if (!argv) {
		remote_cmd_argv_free(words);
		log_error("out of memory");
		return EXIT_FAILURE;
	}
	argv[0] = applet;
	memcpy(argv + 1, words, (size_t)count * sizeof *words);
	rc = run_server(count + 1, argv);
	free(argv);
	remote_cmd_argv_free(words);
	return rc;
}

int server_main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], REMOTE_ARGV_OPTION) == 0)
		return run_packed(argv[2], argv[0]);
	return run_server(argc, argv);
}
