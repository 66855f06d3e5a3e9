/* Port and agent forwarding over channels (net/channel.h). One forwarder
 * on each side of a session bridges sockets and channels:
 *
 *   client  -L: listens here; each connection opens "tcp HOST PORT"
 *           -D: listens here, speaks SOCKS5; each CONNECT opens "tcp HOST PORT"
 *           -R: opens "listen BIND PORT" (kept open while the server listens);
 *               answers "forwarded PORT" by connecting to the spec's HOST:HOSTPORT
 *           -A: opens "agent-listen" (kept open while the server listens);
 *               answers "agent" by connecting to its SSH_AUTH_SOCK
 *   server  answers "tcp HOST PORT" by connecting (names resolved here),
 *           "listen BIND PORT" by listening (loopback unless BIND) and
 *           "agent-listen" by listening at the session's agent socket; opens
 *           "forwarded PORT" for each connection there and "agent" for each
 *           connection to the agent socket
 *
 * A refused or failed forward is a one-line notice on the client naming the
 * forward and the reason; the session carries on. Nothing here blocks: name
 * lookups run in the background (core/lookup.h) and connects are
 * non-blocking. The caller reads the mux's events and hands each that is
 * not its own to forward_channel_event. */
#ifndef SSPSH_FORWARD_H
#define SSPSH_FORWARD_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "applets/session/forward_spec.h"
#include "core/options.h"
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
	/* Server: whether this client may forward at all, and the path of
	 * the session's agent socket (applets/session/agent_socket.h),
	 * listened at while the client asks; NULL: none. */
	bool permitted;
	const char *agent_path;
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

/* The sockets to poll: fills at most max entries, returns how many. */
size_t forward_pollfds(const struct forward *f, struct pollfd *fds, size_t max);
/* The most forward_pollfds fills. */
#define FORWARD_POLLFDS_MAX (SSPSH_FORWARD_CONNS_MAX + SSPSH_FORWARD_LISTENERS_MAX)
/* Does the socket work that poll reported (fds as filled by
 * forward_pollfds, with revents; none: n = 0) and moves what the channels
 * hold to the sockets. Call after the mux's events were handed over; then
 * let the mux emit. */
void forward_step(struct forward *f, const struct pollfd *fds, size_t n, uint64_t now);
/* One event of the mux (chan_mux_next_event) that is forwarding's: an open
 * request that is not the caller's own, or an event on any channel it
 * does not hold itself. */
void forward_channel_event(struct forward *f, const struct chan_event *ev);
/* When forward_step next has work without a socket event (a name lookup
 * to look at); UINT64_MAX if none. */
uint64_t forward_deadline(const struct forward *f, uint64_t now);
/* Connections and listeners held, for tests. */
size_t forward_connections(const struct forward *f);

#endif
