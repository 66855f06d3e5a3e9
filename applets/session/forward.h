/* Port and agent forwarding over channels (net/channel.h). One forwarder
 * on each side of a session bridges sockets and channels:
 *
 *   client  -L: listens here; each connection opens "tcp HOST PORT"
 *           -D: listens here, speaks SOCKS5; each CONNECT opens "tcp HOST PORT"
 *           -R: opens "listen BIND PORT" (kept open while the server listens);
 *               answers "forwarded PORT" by connecting to the spec's HOST:HOSTPORT
 *           -A: answers "agent" by connecting to its SSH_AUTH_SOCK
 *   server  answers "tcp HOST PORT" by connecting (names resolved here) and
 *           "listen BIND PORT" by listening (loopback unless BIND); opens
 *           "forwarded PORT" for each connection there and "agent" for each
 *           connection to its agent socket
 *
 * A refused or failed forward is a one-line notice on the client naming the
 * forward and the reason; the session carries on. Nothing here blocks: name
 * lookups run in the background (getaddrinfo_a) and connects are
 * non-blocking. */
#ifndef SSPSH_FORWARD_H
#define SSPSH_FORWARD_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "applets/session/forward_spec.h"
#include "net/channel.h"

/* Refusal codes carried in REFUSE frames. */
enum forward_refusal {
	FORWARD_NOT_PERMITTED = 1,
	FORWARD_CONNECTION_REFUSED = 2,
	FORWARD_UNKNOWN_HOST = 3,
	FORWARD_PORT_IN_USE = 4,
	FORWARD_BAD_REQUEST = 5,
	FORWARD_FAILED = 6,
};

struct forward_settings {
	bool client;			/* which side this is */
	/* Client. */
	const struct forward_spec *specs;
	size_t n_specs;
	const char *agent_socket;	/* -A: the client's $SSH_AUTH_SOCK; NULL: no agent */
	/* Server: whether this client may forward at all. */
	bool permitted;
};

/* One line for the user (client) or the log (server). */
typedef void forward_notice_fn(void *ctx, const char *line);

struct forward;

/* NULL (logged) if out of memory. The mux stays the caller's. */
struct forward *forward_new(struct chan_mux *mux, const struct forward_settings *settings,
			    forward_notice_fn *notice, void *ctx);
void forward_free(struct forward *f);

/* Client: binds the -L and -D listeners (a port in use is a notice) and
 * asks the server for the -R ones. */
void forward_start(struct forward *f);
/* Server (-A): listens on a socket in a new 0700 directory under tmpdir;
 * path receives the socket's path for SSH_AUTH_SOCK. False (logged) if it
 * could not. */
bool forward_agent_listen(struct forward *f, const char *tmpdir, char *path, size_t path_len);

/* The sockets to poll: fills at most max entries, returns how many. */
size_t forward_pollfds(const struct forward *f, struct pollfd *fds, size_t max);
/* Does the socket work that poll reported (fds as filled by
 * forward_pollfds, with revents) and reacts to the mux's channel events.
 * Call after the mux took in what arrived; then let the mux emit. */
void forward_step(struct forward *f, const struct pollfd *fds, size_t n, uint64_t now);
/* When forward_step next has work without a socket event (a name lookup
 * to look at); UINT64_MAX if none. */
uint64_t forward_deadline(const struct forward *f, uint64_t now);
/* Connections and listeners held, for tests. */
size_t forward_connections(const struct forward *f);

#endif
