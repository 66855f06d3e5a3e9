/* Forwarding: set-up, listeners, and what each channel event means. The
 * bytes of one connection are forward_conn.c's. */
#include "applets/session/forward.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "applets/session/agent_socket.h"
#include "applets/session/forward_internal.h"
#include "core/log.h"
#include "core/stream_sock.h"

/* How often a running name lookup is looked at. */
#define LOOKUP_POLL_MS 5

static void remove_listener(struct forward *f, size_t i);

/* -A's forward, for notices and the client's request. */
static const struct forward_spec agent_spec = { .kind = FORWARD_AGENT };

struct forward *forward_new(struct chan_mux *mux, const struct forward_settings *settings,
			    forward_notice_fn *notice, void *ctx)
{
	struct forward *f = calloc(1, sizeof *f);

	if (!f) {
		log_error("out of memory for forwarding");
		return NULL;
	}
	f->mux = mux;
	f->s = *settings;
	f->notice = notice;
	f->ctx = ctx;
	return f;
}

void forward_free(struct forward *f)
{
	if (!f)
		return;
	while (f->n_conns)
		conn_remove(f, f->conns[f->n_conns - 1], true);
	while (f->n_listeners)
		remove_listener(f, f->n_listeners - 1);
	free(f->conns);
	free(f->listeners);
	free(f->remotes);
	free(f);
}

/* ---- Notices ---- */

static void spec_text(const struct forward_spec *spec, char *out, size_t len)
{
	const char *flag = spec->kind == FORWARD_LOCAL ? "-L" : spec->kind == FORWARD_REMOTE ? "-R" : "-D";
	const char *colon = spec->bind[0] ? ":" : "";

	if (spec->kind == FORWARD_AGENT)
		snprintf(out, len, "-A");
	else if (spec->kind == FORWARD_DYNAMIC)
		snprintf(out, len, "%s %s%s%u", flag, spec->bind, colon, (unsigned)spec->port);
	else
		snprintf(out, len, "%s %s%s%u:%s:%u", flag, spec->bind, colon, (unsigned)spec->port,
			 spec->host, (unsigned)spec->host_port);
}

void forward_say(struct forward *f, const struct forward_spec *spec, const char *fmt, ...)
{
	char what[FORWARD_HOST_MAX * 2 + 32] = "forwarding";
	char text[400];
	char line[sizeof "sspsh: : " + sizeof what + sizeof text];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (spec)
		spec_text(spec, what, sizeof what);
	snprintf(line, sizeof line, "sspsh: %s: %s", what, text);
	if (f->notice)
		f->notice(f->ctx, line);
}

/* ---- Tables ---- */

static bool grow(void **array, size_t *cap, size_t need, size_t size)
{
	size_t cap2 = *cap ? *cap * 2 : 8;
	void *p;

	if (need <= *cap)
		return true;
	p = realloc(*array, cap2 * size);
	if (!p)
		return false;
	*array = p;
	*cap = cap2;
	return true;
}

struct conn *conn_add(struct forward *f, int fd, enum conn_state state)
{
	struct conn *c;

	if (!grow((void **)&f->conns, &f->cap_conns, f->n_conns + 1, sizeof *f->conns) ||
	    !(c = calloc(1, sizeof *c))) {
		log_error("out of memory for a forwarded connection");
		return NULL;
	}
	c->serial = ++f->next_serial;
	c->fd = fd;
	c->state = state;
	buf_init(&c->to_fd);
	f->conns[f->n_conns++] = c;
	return c;
}

void conn_remove(struct forward *f, struct conn *c, bool abort)
{
	for (size_t i = 0; i < f->n_conns; i++) {
		if (f->conns[i] == c) {
			f->conns[i] = f->conns[--f->n_conns];
			break;
		}
	}
	if (c->fd >= 0) {
		if (abort)
			sock_close_reset(c->fd);
		else
			close(c->fd);
	}
	lookup_free(c->lookup);
	free(c->socks);
	buf_free(&c->to_fd);
	free(c);
}

static struct conn *conn_by_id(const struct forward *f, uint32_t id)
{
	for (size_t i = 0; i < f->n_conns; i++)
		if (f->conns[i]->state != CONN_SOCKS && f->conns[i]->id == id)
			return f->conns[i];
	return NULL;
}

static bool add_listener(struct forward *f, const struct listener *l)
{
	if (f->n_listeners >= SSPSH_FORWARD_LISTENERS_MAX ||
	    !grow((void **)&f->listeners, &f->cap_listeners, f->n_listeners + 1,
		  sizeof *f->listeners))
		return false;
	f->listeners[f->n_listeners++] = *l;
	return true;
}

static void remove_listener(struct forward *f, size_t i)
{
	close(f->listeners[i].fd);
	if (f->listeners[i].kind == LISTEN_AGENT)
		agent_socket_remove(f->s.agent_path);
	f->listeners[i] = f->listeners[--f->n_listeners];
}

size_t forward_connections(const struct forward *f)
{
	return f->n_conns + f->n_listeners;
}

/* ---- Client set-up ---- */

/* "" and "localhost": loopback; "*": every address; else numeric only. */
static const char *bind_address(const char *bind)
{
	if (!bind[0] || strcmp(bind, "localhost") == 0)
		return "127.0.0.1";
	if (strcmp(bind, "*") == 0)
		return "0.0.0.0";
	return bind;
}

static void listen_here(struct forward *f, const struct forward_spec *spec)
{
	struct listener l = { .kind = spec->kind == FORWARD_LOCAL ? LISTEN_LOCAL : LISTEN_DYNAMIC,
			      .spec = spec };

	l.fd = sock_listen_tcp(bind_address(spec->bind), spec->port);
	if (l.fd < 0) {
		forward_say(f, spec, "%s", l.fd == -EADDRINUSE ? "port in use" : strerror(-l.fd));
		return;
	}
	if (!add_listener(f, &l)) {
		close(l.fd);
		forward_say(f, spec, "too many listeners");
	}
}

static void ask_to_listen(struct forward *f, const struct forward_spec *spec)
{
	char request[SSPSH_CHAN_OPEN_INFO_MAX];
	struct remote *r;
	uint32_t id;

	if (spec->kind == FORWARD_AGENT)
		snprintf(request, sizeof request, "agent-listen");
	else
		snprintf(request, sizeof request, "listen %s %u", bind_address(spec->bind),
			 (unsigned)spec->port);
	r = realloc(f->remotes, (f->n_remotes + 1) * sizeof *f->remotes);
	if (!r || !chan_open(f->mux, request, strlen(request), &id)) {
		if (r)
			f->remotes = r;
		forward_say(f, spec, "cannot ask the server to listen");
		return;
	}
	f->remotes = r;
	f->remotes[f->n_remotes++] = (struct remote){ .id = id, .spec = spec };
}

void forward_start(struct forward *f)
{
	for (size_t i = 0; i < f->s.n_specs; i++) {
		if (f->s.specs[i].kind == FORWARD_REMOTE)
			ask_to_listen(f, &f->s.specs[i]);
		else
			listen_here(f, &f->s.specs[i]);
	}
	if (f->s.agent_socket)
		ask_to_listen(f, &agent_spec);
}

/* ---- Server: the agent's socket ---- */

static void refuse_request(struct forward *f, uint32_t id, enum forward_refusal code,
			   const char *why)
{
	chan_refuse(f->mux, id, code, why);
	chan_release(f->mux, id);
}


/* The client asked for the agent: the socket the session's program was
 * told of (a stale one from an earlier client is replaced). */
static void answer_agent_listen(struct forward *f, uint32_t id)
{
	struct listener l = { .kind = LISTEN_AGENT, .anchor = id };

	if (!f->s.agent_path) {
		refuse_request(f, id, FORWARD_FAILED, "no agent socket on the server");
		return;
	}
	l.fd = agent_socket_listen(f->s.agent_path);
	if (l.fd < 0) {
		refuse_request(f, id, FORWARD_FAILED, strerror(-l.fd));
		return;
	}
	if (!add_listener(f, &l)) {
		close(l.fd);
		agent_socket_remove(f->s.agent_path);
		refuse_request(f, id, FORWARD_FAILED, "too many listeners");
		return;
	}
	chan_accept(f->mux, id);
}

/* ---- New connections on a listener ---- */

static void open_local(struct forward *f, struct conn *c, const struct forward_spec *spec)
{
	char request[SSPSH_CHAN_OPEN_INFO_MAX];

	snprintf(request, sizeof request, "tcp %s %u", spec->host, (unsigned)spec->host_port);
	if (!chan_open(f->mux, request, strlen(request), &c->id)) {
		forward_say(f, spec, "too many connections");
		conn_remove(f, c, true);
	}
}

static void accept_on(struct forward *f, struct listener *l)
{
	char request[64];
	struct conn *c;
	int fd;

	while (f->n_conns < SSPSH_FORWARD_CONNS_MAX && (fd = sock_accept(l->fd)) >= 0) {
		c = conn_add(f, fd, CONN_OPENING);
		if (!c) {
			close(fd);
			return;
		}
		c->spec = l->spec;
		if (l->kind == LISTEN_DYNAMIC) {
			c->state = CONN_SOCKS;
			c->socks = malloc(sizeof *c->socks);
			if (!c->socks) {
				conn_remove(f, c, true);
				return;
			}
			socks5_init(c->socks);
			continue;
		}
		if (l->kind == LISTEN_LOCAL) {
			open_local(f, c, l->spec);
			continue;
		}
		if (l->kind == LISTEN_REMOTE)
			snprintf(request, sizeof request, "forwarded %u", (unsigned)l->port);
		else
			snprintf(request, sizeof request, "agent");
		if (!chan_open(f->mux, request, strlen(request), &c->id))
			conn_remove(f, c, true);
	}
}

/* ---- What the peer asks for ---- */

/* "WORD", "WORD PORT" or "WORD ARG PORT", split in place; false if
 * malformed. */
bool forward_split_request(char *text, char **word, char **arg, uint16_t *port)
{
	char *last = strrchr(text, ' '), *end;
	unsigned long p;

	*word = text;
	*arg = NULL;
	*port = 0;
	if (!last)
		return true;
	*last = '\0';
	p = strtoul(last + 1, &end, 10);
	if (*end || last[1] < '0' || last[1] > '9' || p < 1 || p > 65535)
		return false;
	*port = (uint16_t)p;
	*arg = strchr(text, ' ');
	if (*arg)
		*(*arg)++ = '\0';
	return true;
}

static void answer_connect(struct forward *f, uint32_t id, const char *host, uint16_t port,
			   const struct forward_spec *spec)
{
	struct conn *c = conn_add(f, -1, CONN_CONNECTING);

	if (!c) {
		refuse_request(f, id, FORWARD_FAILED, "out of memory");
		return;
	}
	c->id = id;
	c->spec = spec;
	conn_connect(f, c, host, port);
}

static void answer_listen(struct forward *f, uint32_t id, const char *bind, uint16_t port)
{
	struct listener l = { .kind = LISTEN_REMOTE, .anchor = id, .port = port };

	l.fd = sock_listen_tcp(bind, port);
	if (l.fd < 0) {
		refuse_request(f, id, l.fd == -EADDRINUSE ? FORWARD_PORT_IN_USE : FORWARD_FAILED,
			       l.fd == -EADDRINUSE ? "port in use" : strerror(-l.fd));
		return;
	}
	if (!add_listener(f, &l)) {
		close(l.fd);
		refuse_request(f, id, FORWARD_FAILED, "too many listeners");
		return;
	}
	chan_accept(f->mux, id);
}

static const struct forward_spec *remote_spec_for_port(const struct forward *f, uint16_t port)
{
	for (size_t i = 0; i < f->n_remotes; i++)
		if (f->remotes[i].spec->kind == FORWARD_REMOTE && f->remotes[i].spec->port == port)
			return f->remotes[i].spec;
	return NULL;
}

/* The client answers only what it asked for: connections on its -R ports
 * and, with -A, agent connections. */
static void client_answers(struct forward *f, uint32_t id, const char *word, uint16_t port)
{
	const struct forward_spec *spec = remote_spec_for_port(f, port);
	struct conn *c;
	int fd;

	if (strcmp(word, "forwarded") == 0 && spec) {
		answer_connect(f, id, spec->host, spec->host_port, spec);
	} else if (strcmp(word, "agent") == 0 && f->s.agent_socket) {
		fd = sock_connect_unix(f->s.agent_socket);
		if (fd < 0) {
			refuse_request(f, id, FORWARD_FAILED, "no agent");
			return;
		}
		c = conn_add(f, fd, CONN_CONNECTING);
		if (!c) {
			close(fd);
			refuse_request(f, id, FORWARD_FAILED, "out of memory");
			return;
		}
		c->id = id;
	} else {
		refuse_request(f, id, FORWARD_NOT_PERMITTED, "not permitted");
	}
}

static void on_open(struct forward *f, const struct chan_event *ev)
{
	char text[SSPSH_CHAN_OPEN_INFO_MAX + 1], *word, *arg;
	uint16_t port;

	memcpy(text, ev->bytes, ev->len);
	text[ev->len] = '\0';
	if (strlen(text) != ev->len || !forward_split_request(text, &word, &arg, &port)) {
		refuse_request(f, ev->id, FORWARD_BAD_REQUEST, "bad request");
		return;
	}
	if (f->s.client) {
		client_answers(f, ev->id, word, port);
	} else if (!f->s.permitted) {
		refuse_request(f, ev->id, FORWARD_NOT_PERMITTED, "not permitted");
	} else if (strcmp(word, "tcp") == 0 && arg) {
		answer_connect(f, ev->id, arg, port, NULL);
	} else if (strcmp(word, "listen") == 0 && arg) {
		answer_listen(f, ev->id, arg, port);
	} else if (strcmp(word, "agent-listen") == 0 && !arg && !port) {
		answer_agent_listen(f, ev->id);
	} else {
		refuse_request(f, ev->id, FORWARD_BAD_REQUEST, "bad request");
	}
}

static enum socks5_reply socks_reply_for(uint64_t code)
{
	switch (code) {
	case FORWARD_NOT_PERMITTED: return SOCKS5_NOT_ALLOWED;
	case FORWARD_CONNECTION_REFUSED: return SOCKS5_CONNECTION_REFUSED;
	case FORWARD_UNKNOWN_HOST: return SOCKS5_HOST_UNREACHABLE;
	default: return SOCKS5_GENERAL_FAILURE;
	}
}

static void on_answer(struct forward *f, const struct chan_event *ev, struct conn *c)
{
	char reason[SSPSH_CHAN_REASON_MAX + 1];

	if (ev->type == CHAN_EV_ACCEPTED) {
		c->state = CONN_OPEN;
		if (c->socks)
			socks5_put_reply(&c->to_fd, SOCKS5_SUCCEEDED);
		return;
	}
	snprintf(reason, sizeof reason, "%.*s", (int)ev->len, (const char *)ev->bytes);
	if (c->socks) {
		forward_say(f, c->spec, "%s:%u: %s", c->socks->host, (unsigned)c->socks->port, reason);
		socks5_put_reply(&c->to_fd, socks_reply_for(ev->code));
		c->close_when_flushed = true;
		chan_release(f->mux, c->id);
		c->state = CONN_SOCKS;	/* no channel any more */
		return;
	}
	forward_say(f, c->spec, "%s", reason);
	chan_release(f->mux, c->id);
	conn_remove(f, c, true);
}

/* A -R request's answer (client), or the end of one (server). */
static bool on_anchor(struct forward *f, const struct chan_event *ev)
{
	char reason[SSPSH_CHAN_REASON_MAX + 1];

	for (size_t i = 0; i < f->n_remotes; i++) {
		if (f->remotes[i].id != ev->id)
			continue;
		if (ev->type == CHAN_EV_REFUSED || ev->type == CHAN_EV_RESET) {
			snprintf(reason, sizeof reason, "%.*s", (int)ev->len, (const char *)ev->bytes);
			forward_say(f, f->remotes[i].spec, "%s",
				    ev->type == CHAN_EV_RESET ? "the server stopped listening" : reason);
			chan_release(f->mux, ev->id);
		}
		return true;
	}
	for (size_t i = 0; i < f->n_listeners; i++) {
		if ((f->listeners[i].kind != LISTEN_REMOTE && f->listeners[i].kind != LISTEN_AGENT) ||
		    f->listeners[i].anchor != ev->id)
			continue;
		if (ev->type == CHAN_EV_RESET ||
		    (ev->type == CHAN_EV_READABLE && chan_at_eof(f->mux, ev->id))) {
			chan_release(f->mux, ev->id);
			remove_listener(f, i);
		}
		return true;
	}
	return false;
}

void forward_channel_event(struct forward *f, const struct chan_event *ev)
{
	struct conn *c;

	if (ev->type == CHAN_EV_OPEN) {
		on_open(f, ev);
		return;
	}
	if (on_anchor(f, ev))
		return;
	c = conn_by_id(f, ev->id);
	if (!c)
		return;
	if (ev->type == CHAN_EV_ACCEPTED || ev->type == CHAN_EV_REFUSED) {
		on_answer(f, ev, c);
	} else if (ev->type == CHAN_EV_RESET) {
		chan_release(f->mux, c->id);
		conn_remove(f, c, true);
	} else {
		conn_io(f, c, 0);
	}
}

/* ---- The loop's side ---- */

size_t forward_pollfds(const struct forward *f, struct pollfd *fds, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n_listeners && n < max && f->n_conns < SSPSH_FORWARD_CONNS_MAX; i++)
		fds[n++] = (struct pollfd){ .fd = f->listeners[i].fd, .events = POLLIN };
	for (size_t i = 0; i < f->n_conns && n < max; i++) {
		short events = conn_events(f, f->conns[i]);
		if (events)
			fds[n++] = (struct pollfd){ .fd = f->conns[i]->fd, .events = events };
	}
	return n;
}

/* What a reported descriptor belonged to when poll looked at it. */
struct polled {
	const struct pollfd *p;
	bool listener;
	uint64_t serial;	/* a connection's */
};

static bool owner_of(const struct forward *f, const struct pollfd *p, struct polled *out)
{
	out->p = p;
	for (size_t i = 0; i < f->n_listeners; i++) {
		if (f->listeners[i].fd == p->fd) {
			out->listener = true;
			return true;
		}
	}
	for (size_t i = 0; i < f->n_conns; i++) {
		if (f->conns[i]->fd == p->fd) {
			out->listener = false;
			out->serial = f->conns[i]->serial;
			return true;
		}
	}
	return false;
}

/* Connections come and go while events are handled, and a new one may get
 * a closed one's descriptor: an event goes only to the owner poll saw. */
static void socket_event(struct forward *f, const struct polled *e)
{
	for (size_t i = 0; e->listener && i < f->n_listeners; i++) {
		if (f->listeners[i].fd == e->p->fd) {
			accept_on(f, &f->listeners[i]);
			return;
		}
	}
	for (size_t i = 0; !e->listener && i < f->n_conns; i++) {
		if (f->conns[i]->serial == e->serial) {
			conn_io(f, f->conns[i], e->p->revents);
			return;
		}
	}
}

void forward_step(struct forward *f, const struct pollfd *fds, size_t n, uint64_t now)
{
	struct polled events[FORWARD_POLLFDS_MAX];
	size_t n_events = 0;

	(void)now;
	for (size_t i = 0; i < n && n_events < sizeof events / sizeof events[0]; i++)
		if (fds[i].revents && owner_of(f, &fds[i], &events[n_events]))
			n_events++;
	for (size_t i = 0; i < n_events; i++)
		socket_event(f, &events[i]);
	/* Channel bytes may have come for any connection, and lookups end
	 * without an event; conn_io may remove the one it is given. */
	for (size_t i = f->n_conns; i-- > 0;)
		if (i < f->n_conns)
			conn_io(f, f->conns[i], 0);
}

uint64_t forward_deadline(const struct forward *f, uint64_t now)
{
	for (size_t i = 0; i < f->n_conns; i++)
		if (f->conns[i]->state == CONN_LOOKUP)
			return now + LOOKUP_POLL_MS;
	return UINT64_MAX;
}
