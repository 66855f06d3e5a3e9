/* Inside a served session (applets/session/server_session.h), shared by
 * its parts and by nothing else:
 *   server_session.c     creating, starting the program, ending, a new
 *                        client or new keys, stepping
 *   server_program.c     the program's terminal: its output into the
 *                        emulator, the client's keys and window size to it
 *   server_scrollback.c  the lines that scroll off, streamed to the client */
#ifndef SSPSH_SERVER_SESSION_INTERNAL_H
#define SSPSH_SERVER_SESSION_INTERNAL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "applets/session/program_request.h"
#include "applets/session/scrollback.h"
#include "applets/session/server_session.h"
#include "applets/session/ssp_frame.h"
#include "core/buf.h"
#include "core/pty.h"
#include "net/channel.h"
#include "net/pump.h"

struct server_session {
	struct pump *pump;
	struct ssp *ssp;		/* the pump's */
	struct emu *emu;
	struct pty_child child;
	bool started;			/* the program has been started */
	bool child_gone;
	int child_status;		/* waitpid's, once child_gone */
	/* Until then: the client's locale and command (a daemon's session). */
	struct program_request request;

	uint64_t input_cursor;		/* client input consumed so far */
	struct buf to_pty;		/* keys not yet written to the program */
	uint64_t written_pos;		/* input position fully written */
	uint64_t echo_ack;
	bool echo_pending;		/* written input not yet echo-acked */
	uint64_t echo_pending_since;
	uint64_t answer_window_end;	/* output before this answers the user */

	bool ended;			/* the session is over; telling the client */
	uint64_t ended_at;
	struct session_end end;		/* why, as the client is told */
	bool status_pending;		/* the pty closed; waiting for the exit status */
	uint64_t status_due;		/* ... until then */

	/* Scrollback: the log the emulator keeps (NULL: off), and what of
	 * it the current client's channel has carried. */
	struct history *history;
	uint32_t scrollback_lines;
	struct buf held_output;		/* program output the emulator has not taken */
	struct scrollback_tx scrollback;
	uint32_t scrollback_id;
	bool scrollback_open;
	bool scrollback_accepted;	/* the client takes the stream: it may wait for it */
	bool scrollback_shut;		/* the program is gone and every line written */
	uint64_t contact_at;		/* when this client was first heard; 0: not yet */

	/* Forwarding for the current client (a new one gets its own), and
	 * the agent socket's path, the program's SSH_AUTH_SOCK ("": none). */
	bool forwarding;
	struct forward *forward;
	char agent_path[PATH_MAX];
};

static inline struct transport *session_transport(const struct server_session *s)
{
	return pump_transport(s->pump);
}

/* server_session.c: the pty closed or failed, so the program is gone
 * (its exit status may come a moment later). */
void session_program_gone(struct server_session *s, uint64_t now);

/* server_program.c */
/* Writes the keys the program has not taken yet. */
void program_write_keys(struct server_session *s, uint64_t now);
/* Takes what the client sent since the last call: keys, window sizes and,
 * before the program starts, its locale and command. */
void program_take_input(struct server_session *s, uint64_t now);
/* Input the program had time to answer counts as answered. */
void program_age_echo_ack(struct server_session *s, uint64_t now);
/* Feeds output held back while the scrollback stream caught up. */
void program_feed_held_output(struct server_session *s, uint64_t now);

/* server_scrollback.c */
/* A client's channel for the log, starting with every line it holds. */
void scrollback_open_stream(struct server_session *s);
/* A channel event the scrollback takes (a size of log asked for, or an
 * event of its own channel): true if it took it. */
bool scrollback_channel_event(struct server_session *s, struct chan_mux *m,
			      const struct chan_event *ev);
/* Lines for the client while the channel has room. */
void scrollback_send_lines(struct server_session *s);
/* Program output fed to the emulator at a time. */
size_t scrollback_slice(const struct server_session *s);
/* The program waits for the client to take lines (until
 * scrollback_stall_deadline). */
bool scrollback_behind(const struct server_session *s, uint64_t now);
uint64_t scrollback_stall_deadline(const struct server_session *s);
/* Bytes to read from the pty at a time. */
size_t scrollback_pty_read_size(const struct server_session *s, uint64_t now);
/* Lines wait and the channel would take some. */
bool scrollback_due(const struct server_session *s);
/* Every line the program left has reached the client. */
bool scrollback_drained(const struct server_session *s);

#endif
