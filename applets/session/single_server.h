/* `sspsh server` without --listen: one program served on a UDP port of its
 * own, with a one-time key announced on stdout. */
#ifndef SSPSH_SINGLE_SERVER_H
#define SSPSH_SINGLE_SERVER_H

#include <stdbool.h>

/* -l settings accepted at most. */
#define SERVER_ENV_SETTINGS_MAX 64

struct server_settings {
	const char *bind_addr;		/* numeric; NULL: every address */
	unsigned port_low, port_high;
	bool foreground;		/* stay attached, log to stderr */
	long timeout_s;			/* without client contact; 0: never */
	long scrollback;		/* lines kept for the client's history; 0: none */
	/* NAME=VALUE settings for the program, then room for TERM and NULL. */
	char *env[SERVER_ENV_SETTINGS_MAX + 2];
	int n_env;
	char **command;			/* NULL-terminated; NULL: the login shell */
};

/* Binds the port, prints `SSPSH CONNECT <port> <key> [<address>]`,
 * detaches unless settings->foreground, and serves the program until it
 * exits (and the client has been told), the timeouts expire or
 * SIGTERM/SIGHUP/SIGINT arrive. Returns the exit status for the process. */
int single_server_run(struct server_settings *settings);

#endif
