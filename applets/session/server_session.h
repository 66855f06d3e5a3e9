/* One served program: pty <-> emulator <-> SSP <-> transport, driven by an
 * event loop through the step functions below: the single-session server's
 * (applets/session/single_server.c) or the daemon's, which drives many. */
#ifndef SSPSH_SERVER_SESSION_H
#define SSPSH_SERVER_SESSION_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "applets/session/ssp_frame.h"
#include "core/pty.h"
#include "net/transport.h"

struct dying;
struct udp_addr;

struct server_session;

/* Starts the program; takes ownership of t (freed on failure too). NULL
 * (logged) on failure. With `forwarding`, as server_session_allow_forwarding. */
struct server_session *server_session_new(const struct pty_spec *spec, struct transport *t,
					  bool forwarding);
/* The same in two steps, for a daemon whose client sends its locale and
 * command inside the session (applets/session/program_request.h): a
 * session with a cols x rows screen and no program yet (its client's input
 * is kept), then, once server_session_command has the command,
 * server_session_start: the program gets spec's environment plus the
 * client's locale variables and the window size the client last sent.
 * false (logged) if it cannot start, which ends the session as if the
 * program had exited; a started session ignores further calls. */
struct server_session *server_session_create(int cols, int rows, struct transport *t);
bool server_session_start(struct server_session *s, const struct pty_spec *spec, uint64_t now);
bool server_session_started(const struct server_session *s);
/* The command the client of a session not started yet has sent (argv[0]
 * NULL: the login shell); NULL until it has come, once started, and once
 * the session has ended (server_session_stop: no program starts then). */
char *const *server_session_command(const struct server_session *s);
/* Before any datagram and before the program starts: its clients may
 * forward ports (applets/session/forward.h) and, with -A, their agent: the
 * program's SSH_AUTH_SOCK names the session's agent socket, in a 0700
 * directory of its own, which exists while a client with -A is attached.
 * Without it every forward a client asks for is refused. false (logged)
 * if out of memory. */
bool server_session_allow_forwarding(struct server_session *s);
/* Keep the newest `lines` lines that scroll off the screen and send them
 * to each client for its terminal's own history (0: none, the default).
 * Call it before the session runs. false if out of memory. */
bool server_session_set_scrollback(struct server_session *s, uint32_t lines);
/* Frees the session. A program still running is hung up and handed to
 * dying, whose owner's event loop finishes it (core/dying.h). NULL is fine. */
void server_session_close(struct server_session *s, struct dying *dying, uint64_t now);

/* The pty to watch (-1 once the program is gone) and for what (POLLIN
 * unless the scrollback stream is behind, POLLOUT while typed keys wait). */
int server_session_pty_fd(const struct server_session *s);
short server_session_pty_events(const struct server_session *s, uint64_t now);
void server_session_pty_ready(struct server_session *s, short revents, uint64_t now);
/* Forwarding's sockets to poll (fds at most FORWARD_POLLFDS_MAX), and what
 * poll said of them: call before server_session_tick. */
size_t server_session_pollfds(const struct server_session *s, struct pollfd *fds, size_t max);
void server_session_sockets_ready(struct server_session *s, const struct pollfd *fds, size_t n,
				  uint64_t now);
/* What the client sent, through the pump (net/pump.h); both return the
 * pump's flags (PUMP_CLOSED: the client quit; PUMP_FAILED: the socket).
 * A transport with its own socket: everything it has ready. */
unsigned server_session_receive(struct server_session *s, uint64_t now);
/* A daemon's session: one datagram from the shared socket. */
unsigned server_session_deliver(struct server_session *s, const uint8_t *data, size_t len,
				const struct udp_addr *from, uint64_t now);
/* Collects the program if it has exited (call on SIGCHLD). */
void server_session_reap(struct server_session *s);
/* Ends the session for a reason of the server's (SESSION_SERVER_STOPPED,
 * SESSION_DAEMON_STOPPED, SESSION_KEY_REVOKED): the program is hung up,
 * forwarded connections are closed and the client told, as
 * when the program exits; the caller's loop runs until
 * server_session_done. Nothing if the session is already ending. */
void server_session_stop(struct server_session *s, enum session_end_reason reason, uint64_t now);
/* When server_session_tick next has work (absolute clock_ms()). */
uint64_t server_session_deadline(const struct server_session *s, uint64_t now);
void server_session_tick(struct server_session *s, uint64_t now);
/* The session is over and the client has been told (or given up on
 * SSPSH_SHUTDOWN_LINGER_MS after telling began). A session that ended
 * before any client reached it waits for one, so that it learns how it
 * ended: the caller's own timeouts end that wait. */
bool server_session_done(const struct server_session *s, uint64_t now);
bool server_session_ended(const struct server_session *s);

struct transport *server_session_transport(const struct server_session *s);
/* Another client takes the session over: the old one is told (its
 * transport gets a close) and the screen is sent afresh. Takes t. */
bool server_session_attach(struct server_session *s, struct transport *t, uint64_t now);
/* The same client with fresh keys: the synchronization carries on. Takes t. */
void server_session_rekey(struct server_session *s, struct transport *t);

#endif
