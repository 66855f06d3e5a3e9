/* `sspsh server --listen [ADDR:]PORT`: the SSH-free daemon. One UDP port
 * for every session of one user; clients authenticate with keys listed in
 * ~/.sspsh/authorized_keys; the daemon's own key is ~/.sspsh/host_x25519.
 * Usage text: DAEMON_USAGE (in server.c's usage). The arguments become a
 * struct daemon_settings for the engine, applets/session/daemon_loop.c. */
#include "applets/daemon.h"

#include <stdlib.h>
#include <string.h>

#include "applets/cli.h"
#include "applets/session/daemon_loop.h"
#include "core/options.h"

/* "PORT", "ADDR:PORT" or "[IPV6]:PORT". */
static bool parse_listen(const char *text, struct daemon_settings *o)
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

static bool parse_scrollback(const char *text, long *out)
{
	size_t len = strlen(text);

	if (len == 0 || len > 7 || strspn(text, "0123456789") != len || atol(text) > SSPSH_SCROLLBACK_MAX)
		return false;
	*out = atol(text);
	return true;
}

static bool parse_max_sessions(const char *text, long *out)
{
	size_t len = strlen(text);

	if (len == 0 || len > 5 || strspn(text, "0123456789") != len || atol(text) < 1 ||
	    atol(text) > SSPSH_DAEMON_MAX_SESSIONS)
		return false;
	*out = atol(text);
	return true;
}

static int parse_options(int argc, char **argv, struct daemon_settings *o)
{
	memset(o, 0, sizeof *o);
	o->scrollback = SSPSH_SCROLLBACK_DEFAULT;
	o->max_sessions = SSPSH_DAEMON_MAX_SESSIONS;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(arg, "--foreground") == 0) {
			o->foreground = true;
			continue;
		}
		if (strcmp(arg, "--listen") && strcmp(arg, "--user") && strcmp(arg, "--scrollback") &&
		    strcmp(arg, "--max-sessions"))
			return cli_usage_error("server", "'%s' does not go with --listen", arg);
		if (!value)
			return cli_usage_error("server", "option '%s' needs a value", arg);
		i++;
		if (strcmp(arg, "--user") == 0)
			o->user = value;
		else if (strcmp(arg, "--scrollback") == 0 && !parse_scrollback(value, &o->scrollback))
			return cli_usage_error("server", "bad --scrollback '%s' (lines, 0-%d)", value,
					       SSPSH_SCROLLBACK_MAX);
		else if (strcmp(arg, "--scrollback") == 0)
			continue;
		else if (strcmp(arg, "--max-sessions") == 0 && !parse_max_sessions(value, &o->max_sessions))
			return cli_usage_error("server", "bad --max-sessions '%s' (1-%d)", value,
					       SSPSH_DAEMON_MAX_SESSIONS);
		else if (strcmp(arg, "--max-sessions") == 0)
			continue;
		else if (!parse_listen(value, o))
			return cli_usage_error("server", "bad --listen '%s' ([ADDR:]PORT; an IPv6 ADDR in brackets)", value);
	}
	return 0;
}

int daemon_main(int argc, char **argv)
{
	struct daemon_settings settings;
	int rc = parse_options(argc, argv, &settings);

	return rc ? rc : daemon_run(&settings);
}
