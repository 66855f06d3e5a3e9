/* The daemon's state, shared by its two halves and by nothing else:
 * daemon_sessions.c keeps the session table and routes datagrams,
 * daemon_handshake.c answers handshakes (new, attach, list, rekey) and
 * holds them until the client's first datagram confirms them. */
#ifndef SSPSH_DAEMON_STATE_H
#define SSPSH_DAEMON_STATE_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "applets/session/login.h"
#include "core/buf.h"
#include "core/dying.h"
#include "core/gcra.h"
#include "core/keyfile.h"
#include "core/options.h"
#include "core/u32map.h"
#include "net/host_limit.h"
#include "net/noise.h"
#include "net/session_msg.h"

struct transport;
struct udp_addr;

struct dsession {
	uint64_t id;
	struct server_session *core;
	uint8_t owner[KEY_LEN];
	char command[SSPSH_SESSION_COMMAND_SHOWN + 1];
	uint64_t created_ms;
	uint32_t index;		/* its transport's, in the index map */
	bool said_goodbye;	/* its client quit (a close datagram) */
	int pty_fd;		/* as registered with epoll; -1: none */
	uint32_t pty_events;
	uint64_t due;
	bool touched;		/* had events this turn: tick it */
	/* A new session's request (its size) until its program starts, when
	 * the client's locale and command have come inside the session; NULL
	 * once it runs. */
	struct session_request *request;
	size_t fds_first, n_fds;	/* its forwarding sockets in the daemon's poll set */
};

/* A handshake answered but not yet confirmed by the client's first
 * datagram, which alone proves the initiation was not a replay. */
struct pending {
	enum session_kind kind;
	struct transport *t;
	uint32_t index;		/* t's, in the pending map */
	uint64_t session_id;
	uint8_t owner[KEY_LEN];
	uint64_t expires;
	struct session_request *request;	/* NEW: the size */
};

struct daemon_sessions {
	int udp_fd, epoll_fd;
	struct noise_server noise;
	struct noise_peer *peers;
	size_t n_peers;
	struct login login;
	uint32_t scrollback_lines;	/* each session's log (server_session_set_scrollback) */
	struct key_list forwarders;	/* authorized keys with permit-forward */
	struct pollfd *fds;		/* sessions' forwarding sockets (daemon_sessions_pollfds) */
	size_t cap_fds;
	size_t max_sessions;		/* sessions and pending NEW handshakes at most */

	struct dsession **sessions;
	size_t n_sessions, cap_sessions;
	struct u32map by_index;
	struct pending *pending[SSPSH_PENDING_HANDSHAKES_MAX];
	size_t n_pending;
	struct u32map pending_by_index;
	uint64_t next_id;

	struct host_limit key_answers;	/* per source host, with a global cap */
	struct buf reply, payload;

	bool stopping;			/* shutting down: telling the clients */
	struct dying dying;		/* programs of ended sessions */
	uint64_t dying_due;		/* when the dying set next has timed work */
};

/* ---- The session table (daemon_sessions.c) ---- */

struct dsession *daemon_find_session(struct daemon_sessions *d, uint64_t id);
/* A new session for *req (taken: *req becomes NULL) that takes t (freed
 * on failure too); its program starts with daemon_start_program. NULL
 * (logged) on failure. */
struct dsession *daemon_spawn_session(struct daemon_sessions *d, uint64_t id, const uint8_t owner[KEY_LEN],
				      struct session_request **req, struct transport *t, uint64_t now);
/* Starts the program of a session that has none yet, with the command and
 * locale its client sent (server_session_command); a program that cannot
 * start ends the session (logged). */
void daemon_start_program(struct daemon_sessions *d, struct dsession *s, uint64_t now);
/* The session's transport changed: datagrams to its index reach it. */
void daemon_index_session(struct daemon_sessions *d, struct dsession *s);
/* clock_ms() of the client's last datagram (of the start, if none yet). */
uint64_t dsession_last_contact(const struct dsession *s);
/* No client: it said goodbye, or has been silent SSPSH_DETACHED_AFTER_MS. */
bool dsession_detached(const struct dsession *s, uint64_t now);

/* ---- Handshakes (daemon_handshake.c) ---- */

bool daemon_handshake_init(struct daemon_sessions *d, const uint8_t host_priv[KEY_LEN], uint64_t now);
void daemon_handshake_free(struct daemon_sessions *d);
void daemon_on_initiation(struct daemon_sessions *d, const uint8_t *data, size_t len,
			  const struct udp_addr *from, uint64_t now);
void daemon_on_key_request(struct daemon_sessions *d, const uint8_t *data, size_t len,
			   const struct udp_addr *from, uint64_t now);
/* A datagram to no session's index: if it confirms a pending handshake,
 * that handshake takes effect and the session now at the index is
 * returned (the datagram is still to be delivered); NULL otherwise. */
struct dsession *daemon_confirm_pending(struct daemon_sessions *d, uint32_t index, const uint8_t *data,
					size_t len, uint64_t now);
/* Whether owner is in the authorized keys now. */
bool daemon_key_authorized(struct daemon_sessions *d, const uint8_t owner[KEY_LEN]);
/* Drops the handshakes of keys no longer authorized, so that none of them
 * opens, attaches or rekeys a session when its client confirms it. */
void daemon_drop_unauthorized_pending(struct daemon_sessions *d);
/* Drops handshakes never confirmed; returns when the next one expires. */
uint64_t daemon_expire_pending(struct daemon_sessions *d, uint64_t now);

#endif
