#include "applets/session/daemon_state.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/constant_time.h>
#include <mbedtls/platform_util.h>

#include "applets/session/daemon_sessions.h"
#include "applets/session/server_session.h"
#include "core/log.h"
#include "core/pty.h"
#include "net/transport.h"
#include "net/udp.h"

/* ---- Authorized keys ---- */

static struct noise_peer *find_peer(void *ctx, const uint8_t static_pub[X25519_KEY_LEN])
{
	struct daemon_sessions *d = ctx;

	for (size_t i = 0; i < d->n_peers; i++)
		if (mbedtls_ct_memcmp(d->peers[i].static_pub, static_pub, X25519_KEY_LEN) == 0)
			return &d->peers[i];
	return NULL;
}

bool daemon_key_authorized(struct daemon_sessions *d, const uint8_t owner[KEY_LEN])
{
	return find_peer(d, owner) != NULL;
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

bool daemon_handshake_init(struct daemon_sessions *d, const uint8_t host_priv[KEY_LEN], uint64_t now)
{
	struct noise_server_ops ops = { find_peer, index_in_use, d };

	u32map_init(&d->pending_by_index);
	buf_init(&d->reply);
	buf_init(&d->payload);
	if (!noise_server_init(&d->noise, host_priv, &ops, now)) {
		log_error("cannot set up the handshake");
		return false;
	}
	return host_limit_init(&d->key_answers, SSPSH_KEY_ANSWERS_PER_HOST_PER_SEC, SSPSH_KEY_ANSWERS_HOST_BURST,
			       SSPSH_KEY_ANSWERS_PER_SEC, SSPSH_KEY_ANSWERS_PER_SEC);
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
	struct dsession *s = p->kind == SESSION_NEW ? NULL : daemon_find_session(d, p->session_id);
	struct transport *t = p->t;

	p->t = NULL;
	if (p->kind == SESSION_NEW) {
		s = daemon_spawn_session(d, p->session_id, p->owner, &p->request, t, now);
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
		daemon_index_session(d, s);
	}
	return s;
}

struct dsession *daemon_confirm_pending(struct daemon_sessions *d, uint32_t index, const uint8_t *data,
					size_t len, uint64_t now)
{
	struct pending *p = u32map_get(&d->pending_by_index, index);
	struct dsession *s;

	if (!p || !transport_authentic(p->t, data, len))
		return NULL;
	s = confirm(d, p, now);
	drop_pending(d, pending_position(d, p));
	return s;
}

void daemon_drop_unauthorized_pending(struct daemon_sessions *d)
{
	for (size_t i = 0; i < d->n_pending;) {
		if (daemon_key_authorized(d, d->pending[i]->owner)) {
			i++;
			continue;
		}
		log_info("a handshake not yet confirmed: its key is no longer authorized");
		drop_pending(d, i);
	}
}

uint64_t daemon_expire_pending(struct daemon_sessions *d, uint64_t now)
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
	return next;
}

void daemon_handshake_free(struct daemon_sessions *d)
{
	while (d->n_pending)
		drop_pending(d, d->n_pending - 1);
	free(d->peers);
	u32map_free(&d->pending_by_index);
	noise_server_wipe(&d->noise);
	host_limit_wipe(&d->key_answers);
	buf_free(&d->reply);
	buf_free(&d->payload);
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
	struct dsession *s = daemon_find_session(d, id);

	return s && memcmp(s->owner, owner, KEY_LEN) == 0 ? s : NULL;
}

/* The detached session of this key heard from most recently. */
static struct dsession *latest_detached(struct daemon_sessions *d, const uint8_t owner[KEY_LEN], uint64_t now)
{
	struct dsession *best = NULL;

	for (size_t i = 0; i < d->n_sessions; i++) {
		struct dsession *s = d->sessions[i];
		if (memcmp(s->owner, owner, KEY_LEN) == 0 && !server_session_ended(s->core) &&
		    dsession_detached(s, now) && (!best || dsession_last_contact(s) > dsession_last_contact(best)))
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
		if (n++ < from || reply->count == SSPSH_SESSION_LIST_PAGE)
			continue;
		info = &reply->sessions[reply->count++];
		info->id = s->id;
		info->age_s = (uint32_t)((now - s->created_ms) / 1000);
		info->idle_s = (uint32_t)((now - dsession_last_contact(s)) / 1000);
		info->attached = !dsession_detached(s, now);
		snprintf(info->command, sizeof info->command, "%s", s->command);
	}
	reply->total = n;
	reply->ok = true;
}

/* Decides what to answer; for NEW, ATTACH and REKEY sets reply->id. */
static void answer(struct daemon_sessions *d, const uint8_t owner[KEY_LEN], const struct session_request *req,
		   struct session_reply *reply, uint64_t now)
{
	struct dsession *s = NULL;
	const char *shortage;

	reply->ok = true;
	switch (req->kind) {
	case SESSION_NEW:
		if (d->n_sessions + d->n_pending >= d->max_sessions)
			refuse(reply, "it serves at most this many sessions:", d->max_sessions);
		else if ((shortage = pty_shortage()) != NULL)
			refuse(reply, shortage, 0);
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
	transport_keys_from_noise(&keys, ns);
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
	return p;
}

void daemon_on_initiation(struct daemon_sessions *d, const uint8_t *data, size_t len,
			  const struct udp_addr *from, uint64_t now)
{
	struct session_request req;
	uint8_t payload[SSPSH_HANDSHAKE_PAYLOAD_MAX], owner[KEY_LEN];
	struct session_reply reply;
	struct noise_responder hs;
	struct noise_session ns;
	size_t payload_len = 0;

	switch (noise_server_receive_from(&d->noise, data, len, from, now, &hs, payload, &payload_len,
					  &d->reply)) {
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

/* ---- Key requests ---- */

/* Tells our public key to a client whose key we know, and nothing to
 * anyone else: the daemon stays silent to strangers. */
void daemon_on_key_request(struct daemon_sessions *d, const uint8_t *data, size_t len,
			   const struct udp_addr *from, uint64_t now)
{
	uint8_t client_pub[X25519_KEY_LEN], answer[NOISE_KEY_MESSAGE_LEN];

	if (!noise_read_key_request(data, len, client_pub) || !find_peer(d, client_pub) ||
	    !host_limit_allow(&d->key_answers, from, now))
		return;
	noise_key_answer(d->noise.static_pub, answer);
	(void)udp_send(d->udp_fd, answer, sizeof answer, from);
}
