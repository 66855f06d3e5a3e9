/* The sessions of an SSH-free daemon (`sspsh server --listen`) and the
 * handshakes that create, attach, list and rekey them, all on one UDP
 * socket. The event loop (applets/session/daemon_loop.c) owns the socket
 * and the epoll set; this module registers each session's pty in that set
 * with the session itself as the event's data pointer. Inside: the session
 * table (daemon_sessions.c), the handshakes (daemon_handshake.c) and their
 * shared state (daemon_state.h). */
#ifndef SSPSH_DAEMON_SESSIONS_H
#define SSPSH_DAEMON_SESSIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/keyfile.h"

struct udp_addr;
struct daemon_sessions;
struct dsession;

/* host_priv is copied; authorized is taken (freed with the daemon). */
struct daemon_sessions *daemon_sessions_new(int udp_fd, int epoll_fd, const uint8_t host_priv[KEY_LEN],
					    struct key_list *authorized, uint64_t now);
/* The daemon is going: every session ends and its client is told
 * (server_session_stop), a detached one's at once; no new handshake is
 * answered. The sessions leave the table as their clients acknowledge. */
void daemon_sessions_shutdown(struct daemon_sessions *d, uint64_t now);
bool daemon_sessions_stopping(const struct daemon_sessions *d);
/* Ends every session and finishes their programs (core/dying.h's
 * dying_finish: at most the hangup grace and the kill wait). */
void daemon_sessions_stop(struct daemon_sessions *d);
/* Frees everything; programs still running are hung up, not waited for. */
void daemon_sessions_free(struct daemon_sessions *d);
/* A new list of authorized keys (SIGHUP); sessions of removed keys stay
 * until daemon_sessions_drop_unauthorized. */
void daemon_sessions_set_authorized(struct daemon_sessions *d, struct key_list *authorized);
/* Ends the sessions whose key is no longer authorized (after a reload),
 * telling their clients why (SESSION_KEY_REVOKED), and drops that key's
 * handshakes not yet confirmed. */
void daemon_sessions_drop_unauthorized(struct daemon_sessions *d, uint64_t now);
/* The keys of the list with permit-forward (copied): their new sessions
 * may forward. Call before daemon_sessions_set_authorized takes the list. */
void daemon_sessions_set_forwarders(struct daemon_sessions *d, const struct key_list *authorized);
/* Lines each new session keeps for its clients' history (default
 * SSPSH_SCROLLBACK_DEFAULT; 0: none). */
void daemon_sessions_set_scrollback(struct daemon_sessions *d, uint32_t lines);
/* Sessions served at most (default and most: SSPSH_DAEMON_MAX_SESSIONS);
 * a client asking for one more is refused with the reason. */
void daemon_sessions_set_max(struct daemon_sessions *d, size_t max_sessions);

/* One datagram from the shared socket. */
void daemon_sessions_datagram(struct daemon_sessions *d, const uint8_t *data, size_t len,
			      const struct udp_addr *from, uint64_t now);
/* The sessions' forwarding sockets to poll, after `reserve` entries left
 * for the caller; *n gets their count (often 0: then poll only the
 * caller's). Valid until the next call; nothing but poll in between. */
struct pollfd *daemon_sessions_pollfds(struct daemon_sessions *d, size_t reserve, size_t *n);
/* What poll said of them. */
void daemon_sessions_sockets_ready(struct daemon_sessions *d, uint64_t now);
/* An epoll event whose data pointer is a session. */
void daemon_sessions_pty_ready(struct daemon_sessions *d, struct dsession *s, uint32_t events, uint64_t now);
/* Collects programs that have exited (SIGCHLD), of live sessions and of
 * ended ones. */
void daemon_sessions_reap(struct daemon_sessions *d, uint64_t now);
/* Runs what is due, drops finished sessions and stale handshakes; returns
 * the next time it has work. */
uint64_t daemon_sessions_step(struct daemon_sessions *d, uint64_t now);
size_t daemon_sessions_count(const struct daemon_sessions *d);
/* Programs of ended sessions not yet gone. */
size_t daemon_sessions_dying(const struct daemon_sessions *d);

#endif
