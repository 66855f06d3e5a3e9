/* `sspsh server --listen`: the SSH-free daemon. One UDP port for every
 * session of one user; clients authenticate with keys listed in
 * ~/.sspsh/authorized_keys; the daemon's own key is ~/.sspsh/host_x25519.
 * This is its event loop: the shared socket, the signals and each
 * session's pty in one epoll set, the sessions themselves in
 * applets/session/daemon_sessions.h. */
#ifndef SSPSH_DAEMON_LOOP_H
#define SSPSH_DAEMON_LOOP_H

#include <stdbool.h>

struct daemon_settings {
	char addr[64];			/* numeric; "": every address */
	unsigned port;			/* 0: SSPSH_DAEMON_PORT */
	const char *user;		/* started as root: whom to become */
	bool foreground;		/* stay attached (it logs to stderr either way) */
	long scrollback;		/* lines each session keeps for its clients' history */
	long max_sessions;		/* 1..SSPSH_DAEMON_MAX_SESSIONS */
};

/* Binds the port, becomes the user, loads the keys, detaches unless
 * foreground and serves until SIGTERM or SIGINT; SIGHUP rereads
 * authorized_keys. Returns the exit status for the process. */
int daemon_run(const struct daemon_settings *settings);

#endif
