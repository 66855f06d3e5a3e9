#include "applets/session/daemon_sessions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include <mbedtls/constant_time.h>
#include <mbedtls/platform_util.h>

#include "applets/session/login.h"
#include "applets/session/server_session.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/dying.h"
#include "core/gcra.h"
#include "core/log.h"
#include "core/options.h"
#include "core/u32map.h"
#include "net/datagram.h"
#include "net/noise.h"
#include "net/session_msg.h"
#include "net/transport.h"
#include "net/udp.h"

struct dsession {
	uint64_t id;
	struct server_session *core;
	uint8_t owner[KEY_LEN];
	char command[SESSION_COMMAND_SHOWN + 1];
	uint64_t created_ms;
	uint32_t index;		/* its transport's, in the index map */
	bool said_goodbye;	/* its client quit (a close datagram) */
	int pty_fd;		/* as registered with epoll; -1: none */
	uint32_t pty_events;
	uint64_t due;
	bool touched;		/* had events this turn: tick it */
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
	struct session_request *request;	/* NEW: the command and size */
};

struct daemon_sessions {
	int udp_fd, epoll_fd;
	struct noise_server noise;
	struct noise_peer *peers;
	size_t n_peers;
	struct login login;

	struct dsession **sessions;
	size_t n_sessions, cap_sessions;
	struct u32map by_index;
	struct pending *pending[SSPSH_PENDING_HANDSHAKES_MAX];
	size_t n_pending;
	struct u32map pending_by_index;
	uint64_t next_id;

	struct gcra key_answers;
	struct buf reply, payload, msg;

	struct dying dying;		/* programs of ended sessions */
	uint64_t dying_due;		/* when the dying set next has timed work */
};

/* ---- Keys ---- */

static struct noise_peer *find_peer(void *ctx, const uint8_t static_pub[X25519_KEY_LEN])
{
	struct daemon_sessions *d = ctx;

	for (size_t i = 0; i < d->n_peers; i++)
		if (mbedtls_ct_memcmp(d->peers[i].static_pub, static_pub, X25519_KEY_LEN) == 0)
			return &d->peers[i];
	return NULL;
}

static bool index_in_use(void *ctx, uint32_t index)
{
	struct daemon_sessions *d = ctx;

	return u32map_get(&d->by_index, index) || u32map_get(&d->pending_by_index, index);
}

/* Keeps each remaining key's newest handshake time, so a reload cannot
 * reopen the door to a replay. */
void daemon_sessions_set_authorized(struct daemon_sessions *d, struct key_list *authorized)
{
	struct noise_peer *peers = calloc(authorized->count ? authorized->count : 1, sizeof *peers);

	if (!peers) {
		log_error("out of memory for the authorized keys");
		key_list_free(authorized);
		return;
	}
	for (size_t i = 0; i < authorized->count; i++) {
		struct noise_peer *old = find_peer(d, authorized->keys[i].key);
		memcpy(peers[i].static_pub, authorized->keys[i].key, KEY_LEN);
		if (old)
			memcpy(peers[i].last_timestamp, old->last_timestamp, NOISE_TIMESTAMP_LEN);
	}
	free(d->peers);
	d->peers = peers;
	d->n_peers = authorized->count;
	key_list_free(authorized);
	if (!d->n_peers)
		log_warn("no authorized keys: nobody can connect");
}

struct daemon_sessions *daemon_sessions_new(int udp_fd, int epoll_fd, const uint8_t host_priv[KEY_LEN],
					    struct key_list *authorized, uint64_t now)
{
	struct daemon_sessions *d = calloc(1, sizeof *d);
	struct noise_server_ops ops = { find_peer, index_in_use, NULL };

	if (!d) {
		key_list_free(authorized);
		return NULL;
	}
	ops.ctx = d;
	d->udp_fd = udp_fd;
	d->epoll_fd = epoll_fd;
	d->next_id = 1;
	u32map_init(&d->by_index);
	u32map_init(&d->pending_by_index);
	buf_init(&d->reply);
	buf_init(&d->payload);
	buf_init(&d->msg);
	dying_init(&d->dying);
	d->dying_due = UINT64_MAX;
	login_find(&d->login);
	daemon_sessions_set_authorized(d, authorized);
	if (!noise_server_init(&d->noise, host_priv, &ops, now)) {
		log_error("cannot set up the handshake");
		daemon_sessions_free(d);
		return NULL;
	}
	return d;
}

/* ---- Sessions ---- */

static void pty_sync(struct daemon_sessions *d, struct dsession *s)
{
	int fd = server_session_pty_fd(s->core);
	uint32_t events = (uint32_t)server_session_pty_events(s->core);	/* POLLIN/POLLOUT = EPOLLIN/EPOLLOUT */
	struct epoll_event ev = { .events = events, .data.ptr = s };

	if (fd != s->pty_fd) {
		/* A closed fd left the epoll set by itself. */
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

static struct dsession *spawn_session(struct daemon_sessions *d, const struct pending *p,
				      struct transport *t, uint64_t now)
{
	static const char *const unset[] = { "SSPSH_KEY", NULL };
	static char *env[] = { "TERM=" SSPSH_TERM, NULL };
	const struct session_request *req = p->request;
	struct dsession *s, **grown;
	struct pty_spec spec = {
		.argv = req->argc ? req->argv : d->login.argv,
		.path = req->argc ? req->argv[0] : d->login.shell,
		.cwd = d->login.home,
		.env_set = env,
		.env_unset = unset,
		.cols = req->cols ? req->cols : SSPSH_DEFAULT_COLS,
		.rows = req->rows ? req->rows : SSPSH_DEFAULT_ROWS,
	};

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
	if (!(s->core = server_session_new(&spec, t))) {
		free(s);
		return NULL;
	}
	s->id = p->session_id;
	memcpy(s->owner, p->owner, KEY_LEN);
	describe_command(s->command, sizeof s->command, req->argc ? req->argv : NULL, &d->login);
	s->created_ms = now;
	s->pty_fd = -1;
	s->touched = true;
	d->sessions[d->n_sessions++] = s;
	pty_sync(d, s);
	log_info("session %llu started: %s", (unsigned long long)s->id, s->command);
	return s;
}

static void set_index(struct daemon_sessions *d, struct dsession *s)
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
	free(s);
	d->sessions[i] = d->sessions[--d->n_sessions];
	d->dying_due = 0;	/* step the new member */
}

static struct dsession *find_session(struct daemon_sessions *d, uint64_t id)
{
	for (size_t i = 0; i < d->n_sessions; i++)
		if (d->sessions[i]->id == id)
			return d->sessions[i];
	return NULL;
}

static uint64_t last_contact(const struct dsession *s)
{
	uint64_t heard = transport_last_heard_ms(server_session_transport(s->core));

	return heard ? heard : s->created_ms;
}

static bool detached(const struct dsession *s, uint64_t now)
{
	return s->said_goodbye || now - last_contact(s) >= SSPSH_DETACHED_AFTER_MS;
}

/* ---- Pending handshakes ---- */

static void pending_free(struct pending *p)
{
	transport_free(p->t);
	free(p->request);
	free(p);
}

static void drop_pending(struct daemon_sessions *d, size_t i)
{
	struct pending *p = d->pending[i];

	u32map_remove(&d->pending_by_index, p->index);
	pending_free(p);
	memmove(&d->pending[i], &d->pending[i + 1], (d->n_pending - i - 1) * sizeof d->pending[0]);
	d->n_pending--;
}

static void add_pending(struct daemon_sessions *d, struct pending *p)
{
	if (d->n_pending == SSPSH_PENDING_HANDSHAKES_MAX)
		drop_pending(d, 0);	/* the oldest */
	if (!u32map_put(&d->pending_by_index, p->index, p)) {
		pending_free(p);
		return;
	}
	d->pending[d->n_pending++] = p;
}

static size_t pending_position(const struct daemon_sessions *d, const struct pending *p)
{
	size_t i = 0;

	while (i < d->n_pending && d->pending[i] != p)
		i++;
	return i;
}

/* The client's first datagram under the new keys: the handshake is real. */
static struct dsession *confirm(struct daemon_sessions *d, struct pending *p, uint64_t now)
{
	struct dsession *s = p->kind == SESSION_NEW ? NULL : find_session(d, p->session_id);
	struct transport *t = p->t;

	p->t = NULL;
	if (p->kind == SESSION_NEW) {
		s = spawn_session(d, p, t, now);
	} else if (!s) {
		transport_free(t);	/* the session ended meanwhile */
	} else if (p->kind == SESSION_ATTACH) {
		if (!server_session_attach(s->core, t, now))
			s = NULL;
		else
			log_info("session %llu: a client attached", (unsigned long long)s->id);
	} else {
		server_session_rekey(s->core, t);
		log_info("session %llu: fresh keys", (unsigned long long)s->id);
	}
	if (s) {
		s->said_goodbye = false;
		s->touched = true;
		set_index(d, s);
	}
	return s;
}

/* ---- Answering requests ---- */

static void refuse(struct session_reply *reply, const char *why, uint64_t id)
{
	reply->ok = false;
	if (id)
		snprintf(reply->error, sizeof reply->error, "%s %llu", why, (unsigned long long)id);
	else
		snprintf(reply->error, sizeof reply->error, "%s", why);
}

/* A client of another protocol version: it can read a refusal, whatever
 * its version, and hears what differs. */
static void refuse_protocol(struct session_reply *reply, int client_protocol)
{
	reply->ok = false;
	snprintf(reply->error, sizeof reply->error,
		 "this daemon is sspsh %s speaking protocol %d, the client protocol %d: "
		 "run the same sspsh version on both ends", SSPSH_VERSION, SSPSH_PROTOCOL_VERSION,
		 client_protocol);
	log_info("refused a client speaking protocol %d", client_protocol);
}

static struct dsession *owned_session(struct daemon_sessions *d, const uint8_t owner[KEY_LEN], uint64_t id)
{
	struct dsession *s = find_session(d, id);

	return s && memcmp(s->owner, owner, KEY_LEN) == 0 ? s : NULL;
}

/* The detached session of this key heard from most recently. */
static struct dsession *latest_detached(struct daemon_sessions *d, const uint8_t owner[KEY_LEN], uint64_t now)
{
	struct dsession *best = NULL;

	for (size_t i = 0; i < d->n_sessions; i++) {
		struct dsession *s = d->sessions[i];
		if (memcmp(s->owner, owner, KEY_LEN) == 0 && !server_session_ended(s->core) &&
		    detached(s, now) && (!best || last_contact(s) > last_contact(best)))
			best = s;
	}
	return best;
}

static void list_sessions(struct daemon_sessions *d, const uint8_t owner[KEY_LEN], uint32_t from,
			  struct session_reply *reply, uint64_t now)
{
	uint32_t n = 0;

	for (size_t i = 0; i < d->n_sessions; i++) {
		struct dsession *s = d->sessions[i];
		struct session_info *info;

		if (memcmp(s->owner, owner, KEY_LEN) != 0 || server_session_ended(s->core))
			continue;
		if (n++ < from || reply->count == SESSION_LIST_PAGE)
			continue;
		info = &reply->sessions[reply->count++];
		info->id = s->id;
		info->age_s = (uint32_t)((now - s->created_ms) / 1000);
		info->idle_s = (uint32_t)((now - last_contact(s)) / 1000);
		info->attached = !detached(s, now);
		snprintf(info->command, sizeof info->command, "%s", s->command);
	}
	reply->total = n;
	reply->ok = true;
}

/* Decides what to answer; for NEW, ATTACH and REKEY sets *session_id. */
static void answer(struct daemon_sessions *d, const uint8_t owner[KEY_LEN], const struct session_request *req,
		   struct session_reply *reply, uint64_t now)
{
	struct dsession *s = NULL;

	reply->ok = true;
	switch (req->kind) {
	case SESSION_NEW:
		if (d->n_sessions + d->n_pending >= SSPSH_DAEMON_MAX_SESSIONS)
			refuse(reply, "the server has too many sessions:", SSPSH_DAEMON_MAX_SESSIONS);
		else
			reply->id = d->next_id++;
		return;
	case SESSION_LIST:
		list_sessions(d, owner, req->list_from, reply, now);
		return;
	case SESSION_ATTACH:
		s = req->id ? owned_session(d, owner, req->id) : latest_detached(d, owner, now);
		if (!s && req->id)
			refuse(reply, "no session", req->id);
		else if (!s)
			refuse(reply, "no detached session (see --list)", 0);
		break;
	case SESSION_REKEY:
		s = owned_session(d, owner, req->id);
		if (!s)
			refuse(reply, "no session", req->id);
		break;
	}
	if (s)
		reply->id = s->id;
}

static struct pending *new_pending(const struct session_request *req, const struct session_reply *reply,
				   const uint8_t owner[KEY_LEN], const struct noise_session *ns,
				   int fd, const struct udp_addr *from, uint64_t now)
{
	struct transport_keys keys;
	struct pending *p = calloc(1, sizeof *p);

	if (!p)
		return NULL;
	memcpy(keys.send, ns->send_key, sizeof keys.send);
	memcpy(keys.recv, ns->recv_key, sizeof keys.recv);
	keys.local_index = ns->local_index;
	keys.remote_index = ns->remote_index;
	p->t = transport_server_shared(&keys, fd, from);
	p->index = keys.local_index;
	mbedtls_platform_zeroize(&keys, sizeof keys);
	p->kind = req->kind;
	p->session_id = reply->id;
	p->expires = now + SSPSH_PENDING_HANDSHAKE_MS;
	memcpy(p->owner, owner, KEY_LEN);
	if (req->kind == SESSION_NEW && (p->request = malloc(sizeof *p->request)))
		*p->request = *req;
	if (!p->t || (req->kind == SESSION_NEW && !p->request)) {
		pending_free(p);
		return NULL;
	}
	/* argv points into the request: follow the copy. */
	for (int i = 0; p->request && i < req->argc; i++)
		p->request->argv[i] = p->request->args + (req->argv[i] - req->args);
	return p;
}

static void on_initiation(struct daemon_sessions *d, const uint8_t *data, size_t len,
			  const struct udp_addr *from, uint64_t now)
{
	static struct session_request req;
	uint8_t payload[SSPSH_HANDSHAKE_PAYLOAD_MAX], owner[KEY_LEN];
	struct session_reply reply;
	struct noise_responder hs;
	struct noise_session ns;
	size_t payload_len = 0;

	switch (noise_server_receive(&d->noise, data, len, &from->ss, from->len, now, &hs, payload,
				     &payload_len, &d->reply)) {
	case NOISE_SEND_REPLY:
		(void)udp_send(d->udp_fd, d->reply.data, d->reply.len, from);
		return;
	case NOISE_GOT_INITIATION:
		break;
	default:
		return;
	}
	memcpy(owner, hs.peer->static_pub, KEY_LEN);
	memset(&reply, 0, sizeof reply);
	if (session_msg_protocol(payload, payload_len) != SSPSH_PROTOCOL_VERSION) {
		refuse_protocol(&reply, session_msg_protocol(payload, payload_len));
		req.kind = SESSION_LIST;	/* a refusal opens no session */
	} else if (!session_request_decode(payload, payload_len, &req)) {
		noise_responder_wipe(&hs);
		return;
	} else {
		answer(d, owner, &req, &reply, now);
	}
	if (!session_reply_encode(req.kind, &reply, &d->payload) ||
	    !noise_server_accept(&d->noise, &hs, d->payload.data, d->payload.len, &ns, &d->reply))
		return;
	if (reply.ok && req.kind != SESSION_LIST) {
		struct pending *p = new_pending(&req, &reply, owner, &ns, d->udp_fd, from, now);
		if (p)
			add_pending(d, p);
	}
	noise_session_wipe(&ns);
	(void)udp_send(d->udp_fd, d->reply.data, d->reply.len, from);
}

/* ---- Datagrams ---- */

static void deliver(struct daemon_sessions *d, struct dsession *s, enum transport_recv_result r, uint64_t now)
{
	s->touched = true;
	if (r == TRANSPORT_MESSAGE) {
		server_session_receive(s->core, &d->msg, now);
	} else if (r == TRANSPORT_CLOSED) {
		s->said_goodbye = true;
		log_info("session %llu: the client detached", (unsigned long long)s->id);
	}
}

static void on_data(struct daemon_sessions *d, const uint8_t *data, size_t len,
		    const struct udp_addr *from, uint64_t now)
{
	enum datagram_type type;
	enum transport_recv_result r;
	struct dsession *s;
	struct pending *p;
	uint32_t index;
	uint64_t seq;

	if (!datagram_peek_indexed(data, len, &type, &index, &seq))
		return;
	if ((s = u32map_get(&d->by_index, index))) {
		r = transport_deliver(server_session_transport(s->core), data, len, from, &d->msg);
		deliver(d, s, r, now);
		return;
	}
	if (!(p = u32map_get(&d->pending_by_index, index)))
		return;
	r = transport_deliver(p->t, data, len, from, &d->msg);
	if (!transport_last_heard_ms(p->t))
		return;		/* not authentic */
	s = confirm(d, p, now);
	drop_pending(d, pending_position(d, p));
	if (s)
		deliver(d, s, r, now);
}

/* Tells our public key to a client whose key we know, and nothing to
 * anyone else: the daemon stays silent to strangers. */
static void on_key_request(struct daemon_sessions *d, const uint8_t *data, size_t len,
			   const struct udp_addr *from, uint64_t now)
{
	uint8_t client_pub[X25519_KEY_LEN], answer[NOISE_KEY_MESSAGE_LEN];

	if (!noise_read_key_request(data, len, client_pub) || !find_peer(d, client_pub) ||
	    !gcra_allow(&d->key_answers, now, SSPSH_KEY_ANSWERS_PER_SEC, SSPSH_KEY_ANSWERS_PER_SEC))
		return;
	noise_key_answer(d->noise.static_pub, answer);
	(void)udp_send(d->udp_fd, answer, sizeof answer, from);
}

void daemon_sessions_datagram(struct daemon_sessions *d, const uint8_t *data, size_t len,
			      const struct udp_addr *from, uint64_t now)
{
	if (len == 0)
		return;
	switch (data[0]) {
	case NOISE_INITIATION:
		on_initiation(d, data, len, from, now);
		break;
	case DATAGRAM_TYPE_DATA:
	case DATAGRAM_TYPE_CLOSE:
		on_data(d, data, len, from, now);
		break;
	case NOISE_KEY_REQUEST:
		on_key_request(d, data, len, from, now);
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

void daemon_sessions_reap(struct daemon_sessions *d, uint64_t now)
{
	for (size_t i = 0; i < d->n_sessions; i++)
		server_session_reap(d->sessions[i]->core);
	d->dying_due = dying_step(&d->dying, now);
}

uint64_t daemon_sessions_step(struct daemon_sessions *d, uint64_t now)
{
	uint64_t next = UINT64_MAX;

	for (size_t i = 0; i < d->n_pending;) {
		if (now >= d->pending[i]->expires) {
			drop_pending(d, i);
			continue;
		}
		if (d->pending[i]->expires < next)
			next = d->pending[i]->expires;
		i++;
	}
	for (size_t i = 0; i < d->n_sessions;) {
		struct dsession *s = d->sessions[i];

		if (s->touched || now >= s->due) {
			server_session_tick(s->core, now);
			if (server_session_done(s->core, now)) {
				drop_session(d, i, now);
				continue;
			}
			pty_sync(d, s);
			s->due = server_session_deadline(s->core, now);
			s->touched = false;
		}
		if (s->due < next)
			next = s->due;
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

static void drop_everything(struct daemon_sessions *d, uint64_t now)
{
	while (d->n_sessions)
		drop_session(d, d->n_sessions - 1, now);
	while (d->n_pending)
		drop_pending(d, d->n_pending - 1);
}

void daemon_sessions_stop(struct daemon_sessions *d)
{
	drop_everything(d, clock_ms());
	dying_finish(&d->dying);
}

void daemon_sessions_free(struct daemon_sessions *d)
{
	if (!d)
		return;
	drop_everything(d, clock_ms());
	dying_free(&d->dying);
	free(d->sessions);
	free(d->peers);
	u32map_free(&d->by_index);
	u32map_free(&d->pending_by_index);
	noise_server_wipe(&d->noise);
	buf_free(&d->reply);
	buf_free(&d->payload);
	buf_free(&d->msg);
	free(d);
}
