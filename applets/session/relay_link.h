/* The client's side of the relay through ssh: when UDP cannot pass it runs
 * `SSH DESTINATION sspsh relay ADDR:PORT` (the user's own ssh command, so
 * jump hosts and ssh's config apply) without blocking, hands the transport
 * the framed pipe to it (transport_use_relay), runs it again when it breaks,
 * and stops it when the transport is back on UDP.
 *
 * ssh runs in a session of its own, away from the user's terminal; its
 * questions (a password, a passphrase) come to the client through the
 * askpass helper (applets/session/askpass.h), which shows them on the
 * status line. Its stderr is read line by line into the log (-v). */
#ifndef SSPSH_RELAY_LINK_H
#define SSPSH_RELAY_LINK_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/transport.h"

enum route_mode {
	ROUTE_AUTO,	/* UDP, and the relay while UDP gets no answer */
	ROUTE_UDP,	/* never the relay */
	ROUTE_SSH,	/* always the relay, from the start */
};

struct relay_link_settings {
	char *const *ssh;		/* the ssh command's words, NULL-terminated */
	const char *destination;	/* [USER@]HOST as given to ssh */
	const char *server;		/* --server words for the remote sspsh, or NULL */
	const char *target;		/* ADDR:PORT the relay sends to, on the server's machine */
	enum route_mode mode;
};

struct relay_link;

/* Copies what it needs from s. NULL (logged) if out of memory. */
struct relay_link *relay_link_new(const struct relay_link_settings *s);
/* Stops ssh (SIGTERM, then SIGKILL) and collects it within a bounded time. */
void relay_link_free(struct relay_link *l);

/* One look per loop turn, never blocking: collects an ssh that exited,
 * logs its stderr, and starts, restarts or stops the relay as the mode, the
 * transport's state and quiet_ms (time since anything authentic arrived)
 * say. True when it has just handed the transport a new relay (send at
 * once: the peer is waiting); *notice is then a line to show the user when
 * UDP got no answer at all, else NULL. */
bool relay_link_step(struct relay_link *l, struct transport *t, uint64_t quiet_ms, bool ever_heard,
		     uint64_t now, const char **notice);
/* Starts the relay now, before there is a transport (the SSH-free
 * handshake goes through it): the framed pipe to it, for the handshake and
 * then transport_use_relay, which relay_link_step then watches as its own.
 * NULL (logged) if ssh could not be started. */
struct dgram_path *relay_link_open(struct relay_link *l);
/* The earliest time relay_link_step has something to do. */
uint64_t relay_link_deadline(const struct relay_link *l, uint64_t now);
/* What to poll: ssh's stderr (-1 while none runs) and the socket its
 * questions come on. Fills at most RELAY_LINK_POLLFDS; returns how many. */
#define RELAY_LINK_POLLFDS 2
int relay_link_pollfds(const struct relay_link *l, struct pollfd *fds);

/* ssh's question waiting for the user (a password prompt, one line), or
 * NULL; keys typed meanwhile go to relay_link_typed, which returns how many
 * it took (through Enter, which answers, or Ctrl-C, which cancels). */
const char *relay_link_question(const struct relay_link *l);
size_t relay_link_typed(struct relay_link *l, const uint8_t *keys, size_t len);

/* Before the session: waits for the relay that relay_link_open started to
 * say hello, answering ssh's questions on the terminal. False (logged) if
 * it broke or ssh exited first, or (not logged) when SIGINT, SIGQUIT,
 * SIGTERM or SIGHUP arrived, caught with core/signals.h (relay_link_stop_signal says
 * which); ssh is then stopped, and the caller frees the path. */
bool relay_link_await(struct relay_link *l, struct dgram_path *path);
int relay_link_stop_signal(const struct relay_link *l);

struct relay_link_counters {
	uint64_t starts;	/* ssh relays started */
	uint64_t failures;	/* relays that broke or could not start */
};
const struct relay_link_counters *relay_link_counters(const struct relay_link *l);

#endif
