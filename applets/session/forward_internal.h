/* What forward.c (set-up, listeners, channel events) and forward_conn.c
 * (one connection's bytes) share. Not for use outside forwarding. */
#ifndef SSPSH_FORWARD_INTERNAL_H
#define SSPSH_FORWARD_INTERNAL_H

#include <limits.h>
#include <netdb.h>

#include "applets/session/forward.h"
#include "applets/session/socks5.h"
#include "core/buf.h"
#include "core/lookup.h"
#include "core/options.h"

enum conn_state {
	CONN_SOCKS,		/* client -D: reading the program's SOCKS request */
	CONN_OPENING,		/* our channel is asked for; no answer yet */
	CONN_LOOKUP,		/* the answering side looks the host up */
	CONN_CONNECTING,	/* ... and connects */
	CONN_OPEN,
};

struct conn {
	uint64_t serial;	/* tells it from a later connection on the same fd */
	int fd;			/* -1 while looking up */
	uint32_t id;		/* its channel */
	enum conn_state state;
	const struct forward_spec *spec;	/* client: the forward it serves */
	struct socks5 *socks;
	struct lookup *lookup;
	const struct addrinfo *next_addr;	/* the next address to try */
	struct buf to_fd;	/* bytes for the socket not yet written */
	bool fd_eof;		/* the socket's side ended: our stream is shut down */
	bool fd_shut;		/* the channel's side ended: the socket is shut for writing */
	bool close_when_flushed;	/* a SOCKS refusal: write it, then close */
};

enum listener_kind { LISTEN_LOCAL, LISTEN_DYNAMIC, LISTEN_REMOTE, LISTEN_AGENT };

struct listener {
	int fd;
	enum listener_kind kind;
	const struct forward_spec *spec;	/* client */
	uint32_t anchor;	/* server, -R and -A: the channel it lives with */
	uint16_t port;		/* server, -R: the port asked for */
};

/* Client, -R and -A: a "listen" or "agent-listen" channel and the forward
 * it asks for. */
struct remote {
	uint32_t id;
	const struct forward_spec *spec;
};

struct forward {
	struct chan_mux *mux;
	struct forward_settings s;
	forward_notice_fn *notice;
	void *ctx;
	struct conn **conns;
	size_t n_conns, cap_conns;
	struct listener *listeners;
	size_t n_listeners, cap_listeners;
	struct remote *remotes;
	size_t n_remotes;
	uint64_t next_serial;
};

/* forward.c */
void forward_say(struct forward *f, const struct forward_spec *spec, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* An open request, "WORD", "WORD PORT" or "WORD ARG PORT", split in place;
 * false if malformed. */
bool forward_split_request(char *text, char **word, char **arg, uint16_t *port);
struct conn *conn_add(struct forward *f, int fd, enum conn_state state);
/* Closes the socket (with a reset if `abort`), forgets the connection. */
void conn_remove(struct forward *f, struct conn *c, bool abort);

/* forward_conn.c */
/* Socket readable/writable (revents), or nothing new (0): moves bytes both
 * ways as far as they go; may remove c. */
void conn_io(struct forward *f, struct conn *c, short revents);
/* Starts connecting c to host:port for its (accepted later) channel. */
void conn_connect(struct forward *f, struct conn *c, const char *host, uint16_t port);
/* The answering side's progress: lookup done, connect done. */
void conn_progress(struct forward *f, struct conn *c, short revents);
short conn_events(const struct forward *f, const struct conn *c);

#endif
