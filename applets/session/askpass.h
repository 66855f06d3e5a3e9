/* ssh's questions (a password, a passphrase, a host key) while it runs a
 * relay away from the user's terminal. The relay's ssh gets
 * SSH_ASKPASS=<this executable>, SSH_ASKPASS_REQUIRE=force and
 * SSPSH_ASKPASS_SOCKET=<path>; for each question it runs the helper
 * (askpass_helper_run), which connects to that Unix socket in a 0700
 * directory of the client's, sends the prompt and prints the answer it
 * gets back for ssh. The client shows the prompt on the terminal's status
 * line, takes the keys typed until Enter as the answer (never echoed, never
 * sent to the session) and answers; before the session (the SSH-free
 * handshake through a relay) it asks on the terminal as ssh would.
 *
 * Between helper and client: a 2-byte big-endian length and the prompt;
 * back, 'y' and the answer, or nothing when the user cancelled. */
#ifndef SSPSH_ASKPASS_H
#define SSPSH_ASKPASS_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The environment variable naming the socket, in ssh's environment. */
#define ASKPASS_SOCKET_ENV "SSPSH_ASKPASS_SOCKET"

struct askpass;

/* Listens in a fresh private directory, $XDG_RUNTIME_DIR/sspsh-askpass-XXXXXX
 * (else under $TMPDIR, else /tmp), first sweeping there what killed
 * clients left (askpass_dirs_sweep). NULL (logged) if it cannot. */
struct askpass *askpass_new(void);
/* Cancels a question being asked and removes the socket and its
 * directory. NULL is fine. */
void askpass_free(struct askpass *a);
/* Removes the directories under base that clients killed with SIGKILL
 * left (applets/session/stale_dirs.h): named as askpass_new names them,
 * this user's, 0700, untouched for SSPSH_ASKPASS_STALE_S, and empty or
 * holding only a socket no process listens at. Returns how many. */
int askpass_dirs_sweep(const char *base);

/* The socket's path, for ssh's environment. */
const char *askpass_socket_path(const struct askpass *a);

/* What to poll (at most ASKPASS_POLLFDS entries); returns how many. */
#define ASKPASS_POLLFDS 1
int askpass_pollfds(const struct askpass *a, struct pollfd *fds);
/* Never blocks: takes a helper's connection and reads its question. */
void askpass_step(struct askpass *a);

/* The question waiting for the user, as one printable line, or NULL. */
const char *askpass_prompt(const struct askpass *a);
/* Keys typed while a question waits: Enter answers, Ctrl-C cancels,
 * Backspace and Ctrl-U edit, other control keys and escape sequences are
 * ignored. Returns how many bytes it took (up to and with the Enter or
 * Ctrl-C; the rest are the session's). */
size_t askpass_typed(struct askpass *a, const uint8_t *keys, size_t len);
/* Cancels the question waiting (ssh's run has ended), if any. */
void askpass_cancel(struct askpass *a);
/* Whether the user cancelled a question since the last call. */
bool askpass_take_cancelled(struct askpass *a);

/* Before the session, with the terminal in its own modes: asks the waiting
 * question on /dev/tty with echo off, as ssh itself would, and answers it
 * (cancels it without a terminal). Blocks until the user pressed Enter,
 * or cancels it when a caught signal arrives (core/tty.h: a Ctrl-C). */
void askpass_ask_terminal(struct askpass *a);

/* The helper ssh runs: asks the client behind socket_path and prints the
 * answer on stdout. Returns the exit status: 0 answered, 1 cancelled or no
 * client. */
int askpass_helper_run(const char *socket_path, const char *prompt);

#endif
