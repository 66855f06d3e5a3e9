#include "applets/session/daemon_sessions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "applets/session/daemon_state.h"
#include "applets/session/forward.h"
#include "applets/session/server_session.h"
#include "core/clock.h"
#include "core/log.h"
#include "net/datagram.h"
#include "net/pump.h"
#include "net/transport.h"

void daemon_sessions_set_scrollback(struct daemon_sessions *d, uint32_t lines)
{
	d->scrollback_lines = lines;
}

void daemon_sessions_set_max(struct daemon_sessions *d, size_t max_sessions)
{
	d->max_sessions = max_sessions && max_sessions < SSPSH_DAEMON_MAX_SESSIONS ? max_sessions
										   : SSPSH_DAEMON_MAX_SESSIONS;
}

struct daemon_sessions *daemon_sessions_new(int udp_fd, int epoll_fd, const uint8_t host_priv[KEY_LEN],
					    struct key_list *authorized, uint64_t now)
{
	struct daemon_sessions *d = calloc(1, sizeof *d);

	if (!d) {
		key_list_free(authorized);
		return NULL;
	}
	d->scrollback_lines = SSPSH_SCROLLBACK_DEFAULT;
	d->max_sessions = SSPSH_DAEMON_MAX_SESSIONS;
	d->udp_fd = udp_fd;
	d->epoll_fd = epoll_fd;
	d->next_id = 1;
	u32map_init(&d->by_index);
	dying_init(&d->dying);
	d->dying_due = UINT64_MAX;
	login_find(&d->login);
	daemon_sessions_set_forwarders(d, authorized);
	daemon_sessions_set_authorized(d, authorized);
	if (!daemon_handshake_init(d, host_priv, now)) {
		daemon_sessions_free(d);
		return NULL;
	}
	return d;
}

void daemon_sessions_set_forwarders(struct daemon_sessions *d, const struct key_list *authorized)
{
	struct key_list forwarders = { 0 };

	forwarders.keys = calloc(authorized->count ? authorized->count : 1, sizeof *forwarders.keys);
	if (!forwarders.keys) {
		log_error("out of memory for the keys that may forward: none may");
		key_list_free(&d->forwarders);
		return;
	}
	for (size_t i = 0; i < authorized->count; i++)
		if (authorized->keys[i].permit_forward)
			forwarders.keys[forwarders.count++] = authorized->keys[i];
	key_list_free(&d->forwarders);
	d->forwarders = forwarders;
}

/* ---- Sessions ---- */

static void pty_sync(struct daemon_sessions *d, struct dsession *s, uint64_t now)
{
	int open_fd = server_session_pty_fd(s->core);
	uint32_t events = (uint32_t)server_session_pty_events(s->core, now);	/* POLLIN/POLLOUT = EPOLLIN/EPOLLOUT */
	/* Not watched while nothing is wanted of it: a hung-up pty whose output
	 * is held back would report EPOLLHUP on every wait. */
	int fd = events ? open_fd : -1;
	struct epoll_event ev = { .events = events, .data.ptr = s };

	if (fd != s->pty_fd) {
		/* A closed fd left the epoll set by itself; an open one is taken out. */
		if (s->pty_fd >= 0 && s->pty_fd == open_fd)
			epoll_ctl(d->epoll_fd, EPOLL_CTL_DEL, s->pty_fd, NULL);
		if (fd >= 0 && epoll_ctl(d->epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0)
			log_warn("session %llu: cannot watch its pty", (unsigned long long)s->id);
		s->pty_fd = fd;
		s->pty_events = events;
	} else if (fd >= 0 && events != s->pty_events) {
		epoll_ctl(d->epoll_fd, EPOLL_CTL_MOD, fd, &ev);
		s->pty_events = events;
	}
}

static void describe_command(char *out, size_t cap, char *const *argv, const struct login *login)
{
	size_t used = 0;

	static char *shell_only[2];

	out[0] = '\0';
	if (!argv || !argv[0]) {
		shell_only[0] = (char *)login->shell;
		argv = shell_only;
	}
	for (int i = 0; argv[i] && used + 1 < cap; i++) {
		int n = snprintf(out + used, cap - used, "%s%s", i ? " " : "", argv[i]);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

void daemon_start_program(struct daemon_sessions *d, struct dsession *s, uint64_t now)
{
	static const char *const unset[] = { "SSPSH_KEY", NULL };
	static char *env[] = { "TERM=" SSPSH_TERM, NULL };
	char *const *command = server_session_command(s->core);
	bool shell = !command || !command[0];
	struct pty_spec spec = {
		.argv = shell ? d->login.argv : command,
		.path = shell ? d->login.shell : command[0],
		.cwd = d->login.home,
		.env_set = env,
		.env_unset = unset,
	};

	describe_command(s->command, sizeof s->command, shell ? NULL : command, &d->login);
	log_info("session %llu: starting %s", (unsigned long long)s->id, s->command);
	if (!server_session_start(s->core, &spec, now))
		log_warn("session %llu: its program did not start", (unsigned long long)s->id);
	free(s->request);
	s->request = NULL;
	pty_sync(d, s, now);
}

struct dsession *daemon_spawn_session(struct daemon_sessions *d, uint64_t id, const uint8_t owner[KEY_LEN],
				      struct session_request **request, struct transport *t, uint64_t now)
{
	const struct session_request *req = *request;
	struct dsession *s, **grown;

	if (d->n_sessions == d->cap_sessions) {
		size_t cap = d->cap_sessions ? d->cap_sessions * 2 : 16;
		if (!(grown = realloc(d->sessions, cap * sizeof *grown))) {
			transport_free(t);
			return NULL;
		}
		d->sessions = grown;
		d->cap_sessions = cap;
	}
	if (!(s = calloc(1, sizeof *s))) {
		transport_free(t);
		return NULL;
	}
	if (!(s->core = server_session_create(req->cols ? req->cols : SSPSH_DEFAULT_COLS,
					      req->rows ? req->rows : SSPSH_DEFAULT_ROWS, t))) {
		free(s);
		return NULL;
	}
	if (!server_session_set_scrollback(s->core, d->scrollback_lines))
		log_warn("out of memory for a session's scrollback log; going on without");
	if (key_list_find(&d->forwarders, owner))
		server_session_allow_forwarding(s->core);
	s->id = id;
	memcpy(s->owner, owner, KEY_LEN);
	s->request = *request;
	*request = NULL;
	s->created_ms = now;
	s->pty_fd = -1;
	s->touched = true;
	d->sessions[d->n_sessions++] = s;
	pty_sync(d, s, now);
	log_info("session %llu opened; its program starts with the client's command", (unsigned long long)s->id);
	return s;
}

void daemon_index_session(struct daemon_sessions *d, struct dsession *s)
{
	u32map_remove(&d->by_index, s->index);
	s->index = transport_local_index(server_session_transport(s->core));
	if (!u32map_put(&d->by_index, s->index, s))
		log_error("out of memory for the session index");
}

/* Its program, if still running, joins the dying set. */
static void drop_session(struct daemon_sessions *d, size_t i, uint64_t now)
{
	struct dsession *s = d->sessions[i];

	log_info("session %llu ended", (unsigned long long)s->id);
	u32map_remove(&d->by_index, s->index);
	if (s->pty_fd >= 0)
		epoll_ctl(d->epoll_fd, EPOLL_CTL_DEL, s->pty_fd, NULL);
	server_session_close(s->core, &d->dying, now);
	free(s->request);
	free(s);
	d->sessions[i] = d->sessions[--d->n_sessions];
	d->dying_due = 0;	/* step the new member */
}

struct dsession *daemon_find_session(struct daemon_sessions *d, uint64_t id)
{
	for (size_t i = 0; i < d->n_sessions; i++)
		if (d->sessions[i]->id == id)
			return d->sessions[i];
	return NULL;
}

uint64_t dsession_last_contact(const struct dsession *s)
{
	uint64_t heard = transport_last_heard_ms(server_session_transport(s->core));

	return heard ? heard : s->created_ms;
}

bool dsession_detached(const struct dsession *s, uint64_t now)
{
	return s->said_goodbye || now - dsession_last_contact(s) >= SSPSH_DETACHED_AFTER_MS;
}

/* ---- Datagrams ---- */

static void deliver(struct dsession *s, const uint8_t *data, size_t len,
		    const struct udp_addr *from, uint64_t now)
{
	s->touched = true;
	if (server_session_deliver(s->core, data, len, from, now) & PUMP_CLOSED) {
		s->said_goodbye = true;
		log_info("session %llu: the client detached", (unsigned long long)s->id);
	}
}

static void on_data(struct daemon_sessions *d, const uint8_t *data, size_t len,
		    const struct udp_addr *from, uint64_t now)
{
	struct dsession *s;
	uint32_t index;

	if (!datagram_receiver(data, len, &index))
		return;
	s = u32map_get(&d->by_index, index);
	if (!s)
		s = daemon_confirm_pending(d, index, data, len, now);
	if (!s)
		return;
	deliver(s, data, len, from, now);
	if (s->request && server_session_command(s->core))
		daemon_start_program(d, s, now);
}

void daemon_sessions_datagram(struct daemon_sessions *d, const uint8_t *data, size_t len,
			      const struct udp_addr *from, uint64_t now)
{
	enum msg_type type = msg_type_of(data, len);

	if (d->stopping && type != MSG_DATA && type != MSG_CLOSE)
		return;
	switch (type) {
	case MSG_INITIATION:
		daemon_on_initiation(d, data, len, from, now);
		break;
	case MSG_DATA:
	case MSG_CLOSE:
		on_data(d, data, len, from, now);
		break;
	case MSG_KEY_REQUEST:
		daemon_on_key_request(d, data, len, from, now);
		break;
	default:
		break;
	}
}

/* ---- Time ---- */

void daemon_sessions_pty_ready(struct daemon_sessions *d, struct dsession *s, uint32_t events, uint64_t now)
{
	(void)d;
	server_session_pty_ready(s->core, (short)events, now);
	s->touched = true;
}

struct pollfd *daemon_sessions_pollfds(struct daemon_sessions *d, size_t reserve, size_t *n)
{
	size_t used = reserve;

	for (size_t i = 0; i < d->n_sessions; i++) {
		struct dsession *s = d->sessions[i];

		if (used + FORWARD_POLLFDS_MAX > d->cap_fds) {
			size_t cap = (used + FORWARD_POLLFDS_MAX) * 2;
			struct pollfd *grown = realloc(d->fds, cap * sizeof *grown);
			if (!grown) {
				log_warn("out of memory for forwarding's sockets");
				break;
			}
			d->fds = grown;
			d->cap_fds = cap;
		}
		s->fds_first = used;
		s->n_fds = server_session_pollfds(s->core, d->fds + used, FORWARD_POLLFDS_MAX);
		used += s->n_fds;
	}
	*n = used - reserve;
	return d->fds;
}

void daemon_sessions_sockets_ready(struct daemon_sessions *d, uint64_t now)
{
	for (size_t i = 0; i < d->n_sessions; i++) {
		struct dsession *s = d->sessions[i];
		bool any = false;

		for (size_t k = 0; k < s->n_fds && !any; k++)
			any = d->fds[s->fds_first + k].revents != 0;
		if (!any)
			continue;
		server_session_sockets_ready(s->core, d->fds + s->fds_first, s->n_fds, now);
		s->touched = true;
	}
}

void daemon_sessions_reap(struct daemon_sessions *d, uint64_t now)
{
	for (size_t i = 0; i < d->n_sessions; i++)
		server_session_reap(d->sessions[i]->core);
	d->dying_due = dying_step(&d->dying, now);
}

uint64_t daemon_sessions_step(struct daemon_sessions *d, uint64_t now)
{
	uint64_t next = daemon_expire_pending(d, now);

	for (size_t i = 0; i < d->n_sessions;) {
		struct dsession *s = d->sessions[i];

		if (s->request && now - s->created_ms >= SSPSH_SESSION_COMMAND_WAIT_MS) {
			log_info("session %llu: no command from its client", (unsigned long long)s->id);
			drop_session(d, i, now);
			continue;
		}
		if (s->touched || now >= s->due) {
			server_session_tick(s->core, now);
			if (server_session_done(s->core, now)) {
				drop_session(d, i, now);
				continue;
			}
			pty_sync(d, s, now);
			s->due = server_session_deadline(s->core, now);
			s->touched = false;
		}
		if (s->due < next)
			next = s->due;
		if (s->request && s->created_ms + SSPSH_SESSION_COMMAND_WAIT_MS < next)
			next = s->created_ms + SSPSH_SESSION_COMMAND_WAIT_MS;
		i++;
	}
	if (now >= d->dying_due)
		d->dying_due = dying_step(&d->dying, now);
	return d->dying_due < next ? d->dying_due : next;
}

size_t daemon_sessions_count(const struct daemon_sessions *d)
{
	return d->n_sessions;
}

size_t daemon_sessions_dying(const struct daemon_sessions *d)
{
	return dying_count(&d->dying);
}

/* Each session of a removed key ends: an attached one's client is told
 * why, a detached one (no client to tell) goes at once. So do the key's
 * handshakes not yet confirmed. */
void daemon_sessions_drop_unauthorized(struct daemon_sessions *d, uint64_t now)
{
	daemon_drop_unauthorized_pending(d);
	for (size_t i = 0; i < d->n_sessions;) {
		struct dsession *s = d->sessions[i];

		if (daemon_key_authorized(d, s->owner)) {
			i++;
			continue;
		}
		log_info("session %llu: its key is no longer authorized", (unsigned long long)s->id);
		if (dsession_detached(s, now)) {
			drop_session(d, i, now);
			continue;
		}
		server_session_stop(s->core, SESSION_KEY_REVOKED, now);
		s->touched = true;
		i++;
	}
}

void daemon_sessions_shutdown(struct daemon_sessions *d, uint64_t now)
{
	d->stopping = true;
	for (size_t i = 0; i < d->n_sessions;) {
		struct dsession *s = d->sessions[i];

		if (s->said_goodbye) {
			drop_session(d, i, now);	/* no client to tell */
			continue;
		}
		server_session_stop(s->core, SESSION_DAEMON_STOPPED, now);
		s->touched = true;
		i++;
	}
}

bool daemon_sessions_stopping(const struct daemon_sessions *d)
{
	return d->stopping;
}

static void drop_sessions(struct daemon_sessions *d, uint64_t now)
{
	while (d->n_sessions)
		drop_session(d, d->n_sessions - 1, now);
}

void daemon_sessions_stop(struct daemon_sessions *d)
{
	drop_sessions(d, clock_ms());
	dying_finish(&d->dying);
}

void daemon_sessions_free(struct daemon_sessions *d)
{
	if (!d)
		return;
	drop_sessions(d, clock_ms());
	dying_free(&d->dying);
	daemon_handshake_free(d);
	free(d->sessions);
	free(d->fds);
	key_list_free(&d->forwarders);
	u32map_free(&d->by_index);
	free(d);
}
