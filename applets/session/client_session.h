/* The client's event loop: keyboard -> input stream -> SSP -> transport,
 * and server frames -> screen. */
#ifndef SSPSH_CLIENT_SESSION_H
#define SSPSH_CLIENT_SESSION_H

#include <stdint.h>
#include <sys/types.h>

#include "applets/session/forward_spec.h"
#include "applets/session/relay_link.h"
#include "net/link.h"
#include "net/transport.h"
#include "term/predict.h"

struct client_settings {
	enum predict_mode predict;
	const struct link_params *link;	/* NULL: no link emulator */
	/* Daemon mode: the session lives on when the user quits (Ctrl-^ .);
	 * the line shown then names it and the command that attaches to it
	 * again. 0: not daemon mode. */
	uint64_t session_id;
	const char *resume_command;
	/* What is likely wrong while the server has never answered, shown with
	 * its address (a phrase: "UDP blocked by a firewall"); NULL: a
	 * server's absence, another key or UDP blocked. */
	const char *no_contact_hint;
	/* --local: the server, our child, collected here if it exits during
	 * the session (*local_server is then 0). NULL: none. */
	pid_t *local_server;
	/* A new SSH-free session: its program starts when the client has sent
	 * its LANG and LC_* and then the command inside the session (over ssh
	 * they go on the server's command line). command NULL or empty: the
	 * login shell. */
	bool new_program;
	char *const *command;
	/* --scrollback N: the server is asked to keep at most N lines for the
	 * terminal's history (SCROLLBACK_LINES_REQUEST); 0 also turns down its
	 * stream. -1: not given. */
	long scrollback;
	/* How to run the relay through ssh where UDP cannot pass (copied);
	 * NULL: UDP only. */
	const struct relay_link_settings *relay;
	/* Or a relay already running (the SSH-free handshake went through it),
	 * taken; it wins over relay. */
	struct relay_link *relay_link;
	/* Pass the session's clipboard writes (OSC 52) to the terminal
	 * (connect --clipboard=yes); off by default. */
	bool clipboard;
	/* -L, -R and -D (applets/session/forward_spec.h), and -A: the agent
	 * at this socket ($SSH_AUTH_SOCK); NULL: none. */
	const struct forward_spec *forwards;
	size_t n_forwards;
	const char *agent_socket;
};

/* Runs the session on the terminal at stdin/stdout until the server ends
 * it or the user quits (Ctrl-^ .). Puts the terminal in raw mode and always
 * gives it back. Takes ownership of t. Returns the exit status, as ssh's
 * (core/exit_status.h): the program's own (128 + a signal that killed
 * it), 0 when the user quits, EXIT_CONNECTION when the session was lost
 * (the server stopped, another client took it over) or the server never
 * answered, 128 + a signal that ended the client. */
int client_session_run(struct transport *t, const struct client_settings *settings);

#endif
