#include "applets/session/udp_client.h"

#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <mbedtls/platform_util.h>

#include "core/clock.h"
#include "core/keyfile.h"
#include "core/log.h"
#include "core/options.h"
#include "core/signals.h"

/* Waits up to wait_ms for a datagram from the server (by the relay when
 * there is one); its length, or -1. */
static long receive_from_server(struct udp_way *way, uint8_t *data, size_t cap, int wait_ms)
{
	struct dgram_path *relay = way->relay;
	struct pollfd p[DGRAM_PATH_POLLFDS + 1] = { { way->fd, POLLIN, 0 } };
	int n_fds = relay ? dgram_path_pollfds(relay, p) : 1;
	struct udp_addr from;
	long n;

	if (relay && (n = dgram_path_receive(relay, data, cap, &from)) >= 0)
		return n;
	p[n_fds++] = (struct pollfd){ signals_fd(), POLLIN, 0 };	/* -1 unless caught */
	if (poll(p, (nfds_t)n_fds, wait_ms < 0 ? 0 : wait_ms) <= 0)
		return -1;
	if (p[n_fds - 1].revents) {
		signals_take(SIGCHLD);	/* a stopped relay's ssh, collected by its link */
		way->stop_signal = signals_take_ending();
		return -1;
	}
	if (relay) {
		(void)dgram_path_flush(relay);
		return dgram_path_receive(relay, data, cap, &from);
	}
	n = udp_receive(way->fd, data, cap, &from);
	if (n < 0 || !udp_addr_equal(&from, way->server))
		return -1;
	return n;
}

static void send_to_server(const struct udp_way *way, const void *data, size_t len)
{
	if (way->relay)
		(void)dgram_path_send(way->relay, data, len, way->server);
	else
		(void)udp_send(way->fd, data, len, way->server);
}

/* --transport=auto: UDP has been silent since `since`; true when the
 * exchange goes on through the relay from now on. A relay that could not
 * start ends the exchange: UDP has had its time. */
static bool fall_back(struct udp_way *way, uint64_t since, uint64_t now)
{
	if (!way->fallback || way->relay || now - since < SSPSH_RELAY_FALLBACK_MS)
		return false;
	way->relay = way->fallback(way->fallback_ctx);
	way->fallback = NULL;
	way->relay_failed = !way->relay && !way->stop_signal;
	return way->relay != NULL;
}

/* A relay that ended cannot carry the exchange any more (logged; the way
 * says it failed). */
static bool relay_broken(struct udp_way *way)
{
	if (!way->relay || dgram_path_state(way->relay) == DGRAM_PATH_OPEN)
		return false;
	log_error("relay: %s", dgram_path_error(way->relay));
	way->relay_failed = true;
	return true;
}

/* The clock of one exchange with the server (a key request, a handshake):
 * since when it waits, when it last sent, and whether its silence has been
 * told. Both exchanges fall back to the relay and speak up the same way. */
struct exchange {
	uint64_t start, sent;
	bool said;
	const char *silence_note;
};

static void exchange_begin(struct exchange *x, const char *silence_note)
{
	*x = (struct exchange){ .start = clock_ms(), .said = !silence_note,
				.silence_note = silence_note };
}

/* The relay failed to start or the user interrupted. */
static bool way_stopped(const struct udp_way *way)
{
	return way->relay_failed || way->stop_signal;
}

static bool exchange_going(const struct exchange *x, struct udp_way *way, int timeout_ms)
{
	return clock_ms() - x->start < (uint64_t)timeout_ms && !relay_broken(way) && !way_stopped(way);
}

/* One turn's bookkeeping: a fallback to the relay starts the exchange
 * again (the relay gets the whole time), a long silence is told once.
 * Returns the turn's time. */
static uint64_t exchange_turn(struct exchange *x, struct udp_way *way)
{
	uint64_t now = clock_ms();

	if (fall_back(way, x->start, now)) {
		exchange_begin(x, x->silence_note);
		now = x->start;
	}
	if (!x->said && now - x->start >= SSPSH_NO_CONTACT_NOTICE_MS) {
		log_warn("%s", x->silence_note);
		x->said = true;
	}
	return now;
}

static bool exchange_resend_due(const struct exchange *x, uint64_t now)
{
	return !x->sent || now - x->sent >= SSPSH_HANDSHAKE_RETRY_MS;
}

/* How long to wait for the next datagram: until the next resend, or the
 * moment the silence is worth a word. */
static int exchange_wait_ms(const struct exchange *x, uint64_t now)
{
	uint64_t until = x->sent + SSPSH_HANDSHAKE_RETRY_MS;

	if (!x->said && x->start + SSPSH_NO_CONTACT_NOTICE_MS < until)
		until = x->start + SSPSH_NO_CONTACT_NOTICE_MS;
	return until > now ? (int)(until - now) : 0;
}

bool udp_fetch_server_key(struct udp_way *way, const uint8_t client_pub[X25519_KEY_LEN],
			  uint8_t pub[X25519_KEY_LEN], int timeout_ms, const char *silence_note)
{
	uint8_t request[NOISE_KEY_MESSAGE_LEN], data[SSPSH_DATAGRAM_MAX];
	struct exchange x;

	noise_key_request(client_pub, request);
	exchange_begin(&x, silence_note);
	while (exchange_going(&x, way, timeout_ms)) {
		uint64_t now = exchange_turn(&x, way);
		long n;

		if (way_stopped(way))
			break;
		if (exchange_resend_due(&x, now)) {
			send_to_server(way, request, sizeof request);
			x.sent = now;
		}
		n = receive_from_server(way, data, sizeof data, exchange_wait_ms(&x, now));
		if (n > 0 && noise_read_key_answer(data, (size_t)n, pub))
			return true;
	}
	return false;
}

static bool send_initiation(const struct udp_way *way, struct noise_client *nc, const struct buf *payload,
			    struct buf *out)
{
	if (!noise_client_initiate(nc, payload->data, payload->len, clock_ms(), out))
		return false;
	send_to_server(way, out->data, out->len);
	return true;
}

bool udp_handshake(struct udp_way *way, struct noise_client *nc,
		   const struct session_request *req, int timeout_ms,
		   const char *silence_note, struct transport_keys *keys, struct session_reply *reply)
{
	uint8_t data[SSPSH_DATAGRAM_MAX], payload[SSPSH_HANDSHAKE_PAYLOAD_MAX];
	struct exchange x;
	struct buf request, out;
	struct noise_session ns;
	bool done = false, ok = false;

	buf_init(&request);
	buf_init(&out);
	if (!session_request_encode(req, &request)) {
		log_error("out of memory for the request");
		goto out;
	}
	exchange_begin(&x, silence_note);
	while (!done && exchange_going(&x, way, timeout_ms)) {
		uint64_t now = exchange_turn(&x, way);
		size_t payload_len = 0;
		long n;

		if (way_stopped(way))
			break;
		if (exchange_resend_due(&x, now)) {
			if (!send_initiation(way, nc, &request, &out))
				goto out;
			x.sent = now;
		}
		n = receive_from_server(way, data, sizeof data, exchange_wait_ms(&x, now));
		if (n <= 0)
			continue;
		switch (noise_client_receive(nc, data, (size_t)n, clock_ms(), &ns, payload, &payload_len)) {
		case NOISE_GOT_COOKIE:
			x.sent = 0;	/* initiate again at once, with the cookie */
			break;
		case NOISE_ESTABLISHED:
			done = true;
			transport_keys_from_noise(keys, &ns);
			noise_session_wipe(&ns);
			ok = session_reply_decode(req->kind, payload, payload_len, reply);
			if (!ok)
				log_error("the server's answer makes no sense");
			break;
		default:
			break;
		}
	}
	if (!done && !way_stopped(way)) {
		char fp[KEY_FINGERPRINT_SIZE];

		key_fingerprint(nc->server_pub, fp);
		log_error("no answer from the server: it is not running, does not list our key in its "
			  "authorized_keys, or its own key is not %s, the one we hold for it", fp);
	}
out:
	buf_free(&request);
	buf_free(&out);
	return ok;
}

struct transport *udp_open_session(struct udp_way *way, struct noise_client *nc,
				   const struct session_request *req, const char *silence_note,
				   struct session_reply *reply, bool *answered)
{
	struct transport_keys keys;
	struct transport *t = NULL;
	struct dgram_path *relay;

	*answered = udp_handshake(way, nc, req, SSPSH_CONNECT_TIMEOUT_MS, silence_note, &keys, reply);
	relay = way->relay;
	way->relay = NULL;
	if (!*answered || !reply->ok) {
		if (*answered)
			log_error("the server refused: %s", reply->error);
		close(way->fd);
	} else {
		t = transport_client_keyed(&keys, way->fd, way->server);
	}
	way->fd = -1;
	mbedtls_platform_zeroize(&keys, sizeof keys);
	if (t && relay)
		transport_use_relay(t, relay, way->try_udp);
	else
		dgram_path_free(relay);
	return t;
}

/* ---- Rekeying ---- */

static uint64_t datagrams(const struct transport *t)
{
	const struct transport_counters *c = transport_counters(t);

	return c->datagrams_sent + c->datagrams_received;
}

static uint64_t rekey_due(void *ctx)
{
	struct rekeyer *r = ctx;

	if (r->in_progress)
		return r->sent_ms + SSPSH_HANDSHAKE_RETRY_MS;
	if (datagrams(r->t) - r->datagrams_at_keys >= SSPSH_REKEY_AFTER_DATAGRAMS)
		return 0;
	return r->keys_since_ms + SSPSH_REKEY_AFTER_MS;
}

static void rekey_tick(void *ctx, uint64_t now)
{
	struct rekeyer *r = ctx;
	struct session_request req = { .kind = SESSION_REKEY, .id = r->session_id };
	struct buf payload;

	if (now < rekey_due(ctx))
		return;
	buf_init(&payload);
	if (session_request_encode(&req, &payload) &&
	    noise_client_initiate(r->nc, payload.data, payload.len, now, &r->out)) {
		transport_send_raw(r->t, r->out.data, r->out.len);
		r->in_progress = true;
		log_debug("rekey: handshake sent");
	}
	r->sent_ms = now;
	buf_free(&payload);
}

static void rekey_datagram(void *ctx, const uint8_t *data, size_t len)
{
	struct rekeyer *r = ctx;
	uint8_t payload[SSPSH_HANDSHAKE_PAYLOAD_MAX];
	struct session_reply reply;
	struct transport_keys keys;
	struct noise_session ns;
	size_t payload_len = 0;

	if (!r->in_progress)
		return;
	switch (noise_client_receive(r->nc, data, len, clock_ms(), &ns, payload, &payload_len)) {
	case NOISE_GOT_COOKIE:
		r->sent_ms = 0;		/* again at the next tick, with the cookie */
		return;
	case NOISE_ESTABLISHED:
		break;
	default:
		return;
	}
	transport_keys_from_noise(&keys, &ns);
	noise_session_wipe(&ns);
	if (session_reply_decode(SESSION_REKEY, payload, payload_len, &reply) && reply.ok &&
	    transport_rekey(r->t, &keys)) {
		r->in_progress = false;
		r->keys_since_ms = clock_ms();
		r->datagrams_at_keys = datagrams(r->t);
		r->rekeys++;
		log_debug("rekey: fresh keys");
	}
	mbedtls_platform_zeroize(&keys, sizeof keys);
}

void rekeyer_start(struct rekeyer *r, struct noise_client *nc, struct transport *t, uint64_t session_id)
{
	struct transport_control control = { rekey_datagram, rekey_due, rekey_tick, r };

	memset(r, 0, sizeof *r);
	r->nc = nc;
	r->t = t;
	r->session_id = session_id;
	r->keys_since_ms = clock_ms();
	buf_init(&r->out);
	transport_set_control(t, &control);
}

void rekeyer_stop(struct rekeyer *r)
{
	buf_free(&r->out);
}
