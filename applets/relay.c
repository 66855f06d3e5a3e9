/* sspsh relay: carries a session's datagrams through ssh where UDP cannot
 * pass. Parses its arguments; applets/session/relay.c does the work. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "applets/applets.h"
#include "applets/cli.h"
#include "applets/session/relay.h"
#include "core/log.h"
#include "core/options.h"
#include "net/udp.h"

const char relay_usage[] =
"usage: sspsh relay [-v] HOST:PORT\n"
"\n"
"Carries a session's sealed datagrams where UDP cannot pass: reads\n"
"length-framed datagrams on stdin, sends each to the UDP address HOST:PORT\n"
"(numeric; [ADDR]:PORT for IPv6), normally a session's or the daemon's port\n"
"on this machine, and writes what comes back from there, framed, to stdout.\n"
"`sspsh connect` runs it as `ssh HOST sspsh relay 127.0.0.1:PORT`. It holds\n"
"no key and opens nothing; when stdout cannot keep up it drops datagrams\n"
"instead of queueing them. Exits with 0 when stdin ends, 1 when stdin is not\n"
"a frame stream.\n"
"\n"
"  -v    log what the relay carried, on stderr, when it exits\n";

/* "ADDR:PORT" or "[ADDR]:PORT" into a numeric address. */
static bool parse_target(const char *text, struct udp_addr *out)
{
	const char *colon = strrchr(text, ':');
	char host[64];
	unsigned port;
	size_t host_len;

	if (!colon || !cli_parse_port(colon + 1, &port))
		return false;
	host_len = (size_t)(colon - text);
	if (host_len == 0 || host_len >= sizeof host)
		return false;
	memcpy(host, text, host_len);
	host[host_len] = '\0';
	/* A bare IPv6 address would make the port ambiguous: brackets only. */
	if (strchr(host, ':') && host[0] != '[')
		return false;
	return udp_addr_parse(host, (uint16_t)port, out);
}

int relay_main(int argc, char **argv)
{
	struct relay_settings settings = {
		.in_fd = STDIN_FILENO, .out_fd = STDOUT_FILENO, .idle_ms = SSPSH_RELAY_IDLE_MS,
	};
	int first = 1;

	if (argc > 1 && strcmp(argv[1], "-v") == 0) {
		log_set_level(LOG_INFO);
		first = 2;
	}
	if (first >= argc)
		return cli_usage_error("relay", "%s", "needs the address HOST:PORT to relay to");
	if (argv[first][0] == '-')
		return cli_usage_error("relay", "unknown option '%s'", argv[first]);
	if (first + 1 < argc)
		return cli_usage_error("relay", "unexpected argument '%s'", argv[first + 1]);
	if (!parse_target(argv[first], &settings.target))
		return cli_usage_error("relay", "bad address '%s' (ADDR:PORT or [IPV6]:PORT, numeric)",
				       argv[first]);
	return relay_run(&settings);
}
