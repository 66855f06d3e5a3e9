/* The server's event loop: pty <-> emulator <-> SSP <-> transport. */
#ifndef SSPSH_SERVER_SESSION_H
#define SSPSH_SERVER_SESSION_H

#include "core/pty.h"
#include "net/transport.h"

struct server_limits {
	long idle_timeout_ms;		/* 0: never; without client contact */
	long first_contact_timeout_ms;	/* no client ever came */
};

/* Runs the program and serves it until it exits (and the client has been
 * told), the timeouts expire or SIGTERM/SIGHUP arrive. Returns the exit
 * status for the server process. Takes ownership of t. */
int server_session_run(struct transport *t, const struct pty_spec *spec,
		       const struct server_limits *limits);

#endif
