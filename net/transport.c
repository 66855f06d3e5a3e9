/* The transport: datagrams (net/datagram.h) over UDP (net/udp.h), with the
 * replay window, RTT estimation, roaming, port hopping and the optional
 * link emulator glued together. See net/transport.h. */
#include "net/transport.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mbedtls/platform_util.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/options.h"
#include "core/random.h"
#include "net/aead.h"
#include "net/datagram.h"
#include "net/dgram_path.h"
#include "net/link.h"
#include "net/receiver.h"
#include "net/replay.h"
#include "net/rtt.h"
#include "net/transport_internal.h"
#include "net/udp.h"

/* Shared by every transport of the process (a daemon has thousands): a
 * datagram is read, opened and copied out before the next one. A longer
 * datagram than any peer sends arrives truncated, as length 0, and is
 * dropped as malformed. */
static uint8_t receive_buf[SSPSH_DATAGRAM_MAX];
static uint8_t open_buf[SSPSH_DATAGRAM_MAX];

struct transport {
	bool is_server;
	bool indexed;			/* daemon mode */
	bool owns_fd;
	enum direction sending;		/* direct mode: the direction bit of what we send */
	int fd;
	struct aead send_aead;		/* direct mode: the same key as rx */
	uint32_t remote_index;		/* daemon mode: the peer's, in our headers */
	uint64_t next_seq;
	size_t datagram_max;		/* shrinks on EMSGSIZE */

	bool has_peer;
	struct udp_addr peer;

	struct receiver rx;		/* direct server: the followed client's key */
	struct receiver rx_old;		/* daemon client: the key before a rekey */
	/* Direct mode: keys come from the session key and a client id
	 * (datagram_direct_key). A direct server keeps the last other client's
	 * receiving key here and takes it, with a sending key to match, when
	 * that client's datagram is the newest. */
	struct transport_key session_key;
	struct receiver other_client;
	struct transport_control control;
	bool has_control;
	struct rtt rtt;

	/* The peer's newest timestamp, echoed once in our next datagram. */
	bool have_peer_timestamp;
	uint16_t peer_timestamp;
	uint64_t peer_timestamp_at;

	uint64_t last_heard;
	uint64_t last_round_trip;	/* client: last echo of our own timestamp */
	uint64_t last_port_change;

	struct link *link;
	/* Client: a relay through ssh carries the datagrams while UDP cannot
	 * pass; UDP is offered one again every SSPSH_UDP_RETRY_MS. */
	struct dgram_path *relay;
	uint64_t next_udp_try;
	bool udp_forbidden;		/* --transport=ssh: nothing leaves on UDP */
	struct transport_counters counters;
	uint8_t send_buf[SSPSH_DATAGRAM_MAX];
};

/* ---- Creating ---- */

static struct transport *transport_alloc(bool is_server, int fd, bool owns_fd)
{
	struct transport *t;

	if (fd < 0)
		return NULL;
	t = calloc(1, sizeof *t);
	if (!t) {
		log_error("out of memory for a transport");
		if (owns_fd)
			close(fd);
		return NULL;
	}
	t->is_server = is_server;
	t->sending = is_server ? TO_CLIENT : TO_SERVER;
	t->fd = fd;
	t->owns_fd = owns_fd;
	t->datagram_max = SSPSH_DATAGRAM_MAX;
	rtt_init(&t->rtt);
	t->last_round_trip = t->last_port_change = clock_ms();
	return t;
}

/* A client draws its id and seals and opens under that id's keys alone. */
static bool client_keys_init(struct transport *t)
{
	uint64_t id;

	if (!random_bytes(&id, sizeof id) || !direct_aead(&t->send_aead, &t->session_key, id, TO_SERVER) ||
	    !direct_aead(&t->rx.aead, &t->session_key, id, TO_CLIENT))
		return false;
	t->rx.client_id = id;
	t->rx.live = true;
	return true;
}

/* A server has no keys until a client's datagram proves itself. */
static struct transport *transport_new(const struct transport_key *key, bool is_server, int fd)
{
	struct transport *t = transport_alloc(is_server, fd, true);

	if (!t)
		return NULL;
	t->session_key = *key;
	replay_init(&t->rx.replay);
	if (!is_server && !client_keys_init(t)) {
		log_error("cannot set the session key");
		transport_free(t);
		return NULL;
	}
	return t;
}

static struct transport *transport_new_keyed(const struct transport_keys *keys, bool is_server,
					     int fd, bool owns_fd, const struct udp_addr *peer)
{
	struct transport *t = transport_alloc(is_server, fd, owns_fd);

	if (!t)
		return NULL;
	t->indexed = true;
	t->remote_index = keys->remote_index;
	t->peer = *peer;
	t->has_peer = true;
	if (!aead_init(&t->send_aead, keys->send) || !receiver_init(&t->rx, keys->recv, keys->local_index)) {
		log_error("cannot set the session keys");
		transport_free(t);
		return NULL;
	}
	return t;
}

struct transport *transport_server_shared(const struct transport_keys *keys, int fd,
					  const struct udp_addr *peer)
{
	return transport_new_keyed(keys, true, fd, false, peer);
}

struct transport *transport_client_keyed(const struct transport_keys *keys, int fd,
					 const struct udp_addr *server)
{
	return transport_new_keyed(keys, false, fd, true, server);
}

struct transport *transport_server(const struct transport_key *key, const char *bind_addr,
				   uint16_t port_low, uint16_t port_high)
{
	return transport_new(key, true, udp_bind_range(bind_addr, port_low, port_high));
}

/* A session key may reach a second client process (the same SSPSH_KEY given
 * to `connect --direct` twice, a client restarted). Their nonces never meet:
 * each client seals under keys of its own random id. The server's replay
 * window is one for all of them, so each client numbers its datagrams from
 * the wall clock in nanoseconds: a later process starts above every number
 * an earlier one can have used (one datagram a nanosecond is out of reach),
 * and the server, which follows the newest sequence, follows the newest
 * client; an older client's datagrams replayed later stay refused.
 * 2^63 ns is in the year 2262. */
static uint64_t first_client_seq(void)
{
	struct timespec now;

	if (clock_gettime(CLOCK_REALTIME, &now) != 0 || now.tv_sec < 0)
		return 0;
	return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

struct transport *transport_client_to(const struct transport_key *key, const struct udp_addr *server)
{
	struct transport *t = transport_new(key, false, udp_bind_ephemeral(server->ss.ss_family));

	if (t) {
		t->peer = *server;
		t->has_peer = true;
		t->next_seq = first_client_seq();
	}
	return t;
}

struct transport *transport_client(const struct transport_key *key, const char *numeric_host,
				   uint16_t port)
{
	struct udp_addr server;

	if (!udp_addr_parse(numeric_host, port, &server)) {
		log_error("'%s' is not a numeric IPv4 or IPv6 address", numeric_host);
		return NULL;
	}
	return transport_client_to(key, &server);
}

void transport_free(struct transport *t)
{
	if (!t)
		return;
	if (t->owns_fd)
		close(t->fd);
	aead_free(&t->send_aead);
	receiver_free(&t->rx);
	receiver_free(&t->rx_old);
	receiver_free(&t->other_client);
	transport_key_zero(&t->session_key);
	link_free(t->link);
	dgram_path_free(t->relay);
	free(t);
}

/* ---- Sending ---- */

/* Our clock for the peer; 0xffff is reserved for "no timestamp". */
static uint16_t timestamp_now(uint64_t now)
{
	uint16_t ts = (uint16_t)now;

	return ts == TIMESTAMP_NONE ? 0 : ts;
}

/* The peer's timestamp advanced by how long we held it, once, if fresh. */
static uint16_t take_timestamp_reply(struct transport *t, uint64_t now)
{
	uint64_t held = now - t->peer_timestamp_at;
	uint16_t reply;

	if (!t->have_peer_timestamp || held > SSPSH_TIMESTAMP_HOLD_MAX_MS)
		return TIMESTAMP_NONE;
	t->have_peer_timestamp = false;
	reply = (uint16_t)(t->peer_timestamp + held);
	return reply == TIMESTAMP_NONE ? 0 : reply;
}

/* Through the relay, or over UDP alone when a try is due: if that datagram
 * arrives, the server follows it to UDP and answers there, which brings us
 * back (a copy sent by the relay too could arrive first and hide that UDP
 * passes). While UDP is still blocked the try is lost, and the SSP sends
 * again. A broken relay loses datagrams (as a dead link would) until the
 * caller runs a new one. */
static enum udp_send_result send_by_relay(struct transport *t, const uint8_t *data, size_t len)
{
	uint64_t now = clock_ms();
	enum udp_send_result r;

	if (t->next_udp_try && now >= t->next_udp_try) {
		t->next_udp_try = now + SSPSH_UDP_RETRY_MS;
		t->counters.udp_tries++;
		r = udp_send(t->fd, data, len, &t->peer);
	} else {
		r = dgram_path_send(t->relay, data, len, &t->peer);
	}
	return r == UDP_FAILED ? UDP_LOST : r;
}

static enum udp_send_result send_datagram(struct transport *t, const uint8_t *data, size_t len)
{
	enum udp_send_result r;

	if (t->relay) {
		r = send_by_relay(t, data, len);
	} else if (t->udp_forbidden) {
		r = UDP_LOST;	/* between relays: a dead link, never UDP */
	} else if (t->link) {
		const struct link_params *p = link_get_params(t->link);
		if (p->mtu && len > p->mtu)
			return UDP_TOO_BIG;
		link_submit(t->link, LINK_OUT, clock_ms(), data, len,
			    (const struct sockaddr *)&t->peer.ss, t->peer.len);
		r = UDP_SENT;
	} else {
		r = udp_send(t->fd, data, len, &t->peer);
	}
	if (r == UDP_SENT || r == UDP_LOST) {
		t->counters.datagrams_sent++;
		t->counters.bytes_sent += len;
		if (r == UDP_LOST)
			t->counters.send_errors++;
	}
	return r;
}

static size_t seal(struct transport *t, const struct datagram *d)
{
	if (t->indexed)
		return datagram_seal_indexed(&t->send_aead, d, t->send_buf, sizeof t->send_buf);
	return datagram_seal(&t->send_aead, d, t->send_buf, sizeof t->send_buf);
}

static uint64_t seq_limit(const struct transport *t)
{
	return t->indexed ? DATAGRAM_INDEXED_SEQ_LIMIT : DATAGRAM_SEQ_LIMIT;
}

/* Bytes of a datagram around its payload. */
static size_t overhead(const struct transport *t)
{
	if (t->indexed)
		return DATAGRAM_INDEXED_OVERHEAD;
	return t->is_server ? DATAGRAM_TO_CLIENT_OVERHEAD : DATAGRAM_FIXED_OVERHEAD;
}

size_t transport_max_payload(const struct transport *t)
{
	return t->datagram_max - overhead(t);
}

/* The path refused a datagram of refused_len bytes as too big: step the
 * datagram size down below it, but not below SSPSH_DATAGRAM_MIN. */
static void shrink_below(struct transport *t, size_t refused_len)
{
	if (t->datagram_max <= SSPSH_DATAGRAM_MIN) {
		log_error("the path refuses even %zu-byte datagrams", refused_len);
		return;
	}
	while (t->datagram_max >= refused_len && t->datagram_max > SSPSH_DATAGRAM_MIN)
		t->datagram_max = t->datagram_max - SSPSH_DATAGRAM_MIN > SSPSH_DATAGRAM_SHRINK
			? t->datagram_max - SSPSH_DATAGRAM_SHRINK : SSPSH_DATAGRAM_MIN;
	t->counters.shrinks++;
	log_info("datagram too big for the path; now sending at most %zu bytes", t->datagram_max);
}

/* Seals payload under the next sequence number and sends it. */
static enum udp_send_result send_one(struct transport *t, const void *payload, size_t len)
{
	uint64_t now = clock_ms();
	struct datagram d = { .direction = t->sending, .client_id = t->rx.client_id, .type = MSG_DATA,
			      .receiver = t->remote_index, .timestamp = timestamp_now(now),
			      .payload = payload, .payload_len = len };
	size_t sealed;

	if (t->next_seq >= seq_limit(t)) {
		log_error("the session has used up its sequence numbers");
		return UDP_FAILED;
	}
	d.seq = t->next_seq++;
	d.timestamp_reply = take_timestamp_reply(t, now);
	sealed = seal(t, &d);
	if (!sealed) {
		log_error("cannot seal a datagram");
		return UDP_FAILED;
	}
	return send_datagram(t, t->send_buf, sealed);
}

bool transport_send(struct transport *t, const void *payload, size_t len)
{
	enum udp_send_result r;

	if (!t->has_peer) {
		log_debug("transport: no peer to send to yet");
		return false;
	}
	if (len > transport_max_payload(t)) {
		log_debug("transport: a %zu-byte payload exceeds the %zu-byte maximum", len,
			  transport_max_payload(t));
		return false;
	}
	r = send_one(t, payload, len);
	if (r == UDP_TOO_BIG)
		shrink_below(t, len + overhead(t));	/* the caller splits smaller */
	return r == UDP_SENT || r == UDP_LOST;
}

/* ---- Receiving ---- */

static void follow_peer(struct transport *t, const struct udp_addr *from)
{
	char name[80];

	if (t->has_peer && udp_addr_equal(&t->peer, from))
		return;
	if (t->has_peer)
		t->counters.roams++;
	t->peer = *from;
	t->has_peer = true;
	udp_addr_format(from, name, sizeof name);
	log_info("transport: peer is now %s", name);
}

static void note_timestamps(struct transport *t, const struct datagram *d, bool newest, uint64_t now)
{
	if (newest) {
		t->have_peer_timestamp = true;
		t->peer_timestamp = d->timestamp;
		t->peer_timestamp_at = now;
	}
	if (d->timestamp_reply != TIMESTAMP_NONE) {
		uint16_t sample = (uint16_t)((uint16_t)now - d->timestamp_reply);

		if (sample <= SSPSH_RTT_SAMPLE_MAX_MS) {
			rtt_sample(&t->rtt, sample);
			t->last_round_trip = now;
		}
	}
}

/* A direct server's receiving key for a datagram of client_id: the
 * followed client's, or one derived for another (the same key as last
 * time, or a new one). NULL (logged) if mbedTLS fails. */
static struct receiver *client_receiver(struct transport *t, uint64_t client_id)
{
	struct receiver *other = &t->other_client;

	if (t->rx.live && t->rx.client_id == client_id)
		return &t->rx;
	if (other->live && other->client_id == client_id)
		return other;
	receiver_free(other);
	return direct_receiver_init(other, &t->session_key, client_id) ? other : NULL;
}

/* A direct server follows the client of the newest datagram: its keys
 * become the server's (the key they replace stays at hand for the other). */
static void follow_client(struct transport *t)
{
	struct aead send_aead;

	if (!direct_aead(&send_aead, &t->session_key, t->other_client.client_id, TO_CLIENT)) {
		log_error("cannot set the keys of a new client");
		return;
	}
	aead_free(&t->send_aead);
	t->send_aead = send_aead;
	receiver_trade_keys(&t->rx, &t->other_client);
}

/* The receiver for this datagram, or NULL (counted) if it has none. */
static struct receiver *pick_receiver(struct transport *t, const uint8_t *data, size_t len, uint64_t *seq)
{
	struct datagram header;
	enum msg_type type;
	uint32_t index;

	if (!t->indexed) {
		if (datagram_peek(data, len, &header) && header.direction != t->sending) {
			*seq = header.seq;
			return t->is_server ? client_receiver(t, header.client_id) : &t->rx;
		}
	} else if (datagram_peek_indexed(data, len, &type, &index, seq)) {
		if (index == t->rx.index)
			return &t->rx;
		if (t->rx_old.live && index == t->rx_old.index)
			return &t->rx_old;
	}
	t->counters.dropped_malformed++;
	return NULL;
}

static enum datagram_status open_datagram(struct transport *t, struct receiver *rx, const uint8_t *data,
					  size_t len, struct datagram *d)
{
	if (t->indexed)
		return datagram_open_indexed(&rx->aead, data, len, open_buf, d);
	d->type = MSG_DATA;
	return datagram_open(&rx->aead, data, len, open_buf, d);
}

static bool count_drop(struct transport *t, enum datagram_status status)
{
	switch (status) {
	case DATAGRAM_OK:
		return false;
	case DATAGRAM_MALFORMED:
		t->counters.dropped_malformed++;
		break;
	case DATAGRAM_FORGED:
		t->counters.dropped_forged++;
		break;
	}
	return true;
}

/* The window a receiver's sequence numbers go by. */
static struct replay *window_of(struct transport *t, struct receiver *rx)
{
	return t->indexed ? &rx->replay : &t->rx.replay;
}

/* The first datagram under a new key proves the peer has switched too. */
static void retire_old_key(struct transport *t, struct receiver *rx)
{
	if (rx == &t->rx && t->rx_old.live)
		receiver_free(&t->rx_old);
}

/* Authenticates one datagram from `from` and copies its payload to msg.
 * Bad datagrams are counted, never answered. */
static enum transport_recv_result process_datagram(struct transport *t, const uint8_t *data, size_t len,
						   const struct udp_addr *from, struct buf *msg)
{
	struct receiver *rx;
	struct datagram d;
	uint64_t seq, now;
	bool newest;

	if (!(rx = pick_receiver(t, data, len, &seq)))
		return TRANSPORT_NOTHING;
	if (replay_check(window_of(t, rx), seq) != REPLAY_FRESH) {
		t->counters.dropped_replay++;
		return TRANSPORT_NOTHING;
	}
	if (count_drop(t, open_datagram(t, rx, data, len, &d)))
		return TRANSPORT_NOTHING;
	newest = replay_is_newest(window_of(t, rx), seq);
	replay_accept(window_of(t, rx), seq);
	retire_old_key(t, rx);
	if (newest && rx == &t->other_client)
		follow_client(t);
	now = clock_ms();
	t->last_heard = now;
	t->counters.datagrams_received++;
	t->counters.bytes_received += len;
	if (newest && t->is_server)
		follow_peer(t, from);
	note_timestamps(t, &d, newest && (rx == &t->rx || !t->indexed), now);
	if (d.type == MSG_CLOSE)
		return TRANSPORT_CLOSED;
	buf_put(msg, d.payload, d.payload_len);
	mbedtls_platform_zeroize(open_buf, d.payload_len + DATAGRAM_TIMESTAMPS_LEN);
	return msg->oom ? TRANSPORT_NOTHING : TRANSPORT_MESSAGE;
}

/* A daemon client's socket also carries the handshake's messages. */
static bool is_control(const struct transport *t, const uint8_t *data, size_t len)
{
	return t->indexed && t->has_control && len > 0 && !msg_is_session(msg_type_of(data, len));
}

enum transport_recv_result transport_deliver(struct transport *t, const uint8_t *data, size_t len,
					     const struct udp_addr *from, struct buf *msg)
{
	buf_reset(msg);
	return process_datagram(t, data, len, from, msg);
}

bool transport_authentic(struct transport *t, const uint8_t *data, size_t len)
{
	struct receiver *rx;
	struct datagram d;
	uint64_t seq;

	bool ok;

	if (!(rx = pick_receiver(t, data, len, &seq)) || replay_check(window_of(t, rx), seq) != REPLAY_FRESH)
		return false;
	ok = open_datagram(t, rx, data, len, &d) == DATAGRAM_OK;
	mbedtls_platform_zeroize(open_buf, len);
	return ok;
}

/* Datagrams the emulated link has delivered by now. */
static enum transport_recv_result process_link_arrivals(struct transport *t, struct buf *msg)
{
	enum transport_recv_result r = TRANSPORT_NOTHING;
	struct link_datagram d;

	while (r == TRANSPORT_NOTHING && t->link && link_take_due(t->link, LINK_IN, clock_ms(), &d)) {
		struct udp_addr from = { .len = d.addr_len };

		memcpy(&from.ss, &d.addr, d.addr_len);
		if (is_control(t, d.data, d.len))
			t->control.datagram(t->control.ctx, d.data, d.len);
		else
			r = process_datagram(t, d.data, d.len, &from, msg);
		link_datagram_release(&d);
	}
	return r;
}

/* One datagram from the relay or the socket, as far as the transport goes. */
static enum transport_recv_result take_datagram(struct transport *t, long n, const struct udp_addr *from,
						struct buf *msg)
{
	if (is_control(t, receive_buf, (size_t)n)) {
		t->control.datagram(t->control.ctx, receive_buf, (size_t)n);
		return TRANSPORT_NOTHING;
	}
	return process_datagram(t, receive_buf, (size_t)n, from, msg);
}

static enum transport_recv_result receive_from_relay(struct transport *t, struct buf *msg)
{
	enum transport_recv_result r = TRANSPORT_NOTHING;
	struct udp_addr from;
	long n;

	(void)dgram_path_flush(t->relay);
	for (int batch = 0; batch < SSPSH_RECV_BATCH && r == TRANSPORT_NOTHING; batch++) {
		if ((n = dgram_path_receive(t->relay, receive_buf, sizeof receive_buf, &from)) < 0)
			break;
		r = take_datagram(t, n, &from, msg);
	}
	return r;
}

/* An authentic datagram came over UDP: UDP passes again. */
static void leave_relay(struct transport *t)
{
	log_info("transport: UDP passes again; leaving the relay");
	dgram_path_free(t->relay);
	t->relay = NULL;
	t->counters.udp_returns++;
}

enum transport_recv_result transport_recv(struct transport *t, struct buf *msg)
{
	enum transport_recv_result r;
	struct udp_addr from;
	long n = UDP_NOTHING;

	buf_reset(msg);
	if (!t->owns_fd)
		return TRANSPORT_NOTHING;	/* the daemon reads the shared socket */
	if ((r = process_link_arrivals(t, msg)) != TRANSPORT_NOTHING)
		return r;
	if (t->relay && (r = receive_from_relay(t, msg)) != TRANSPORT_NOTHING)
		return r;
	for (int batch = 0; batch < SSPSH_RECV_BATCH; batch++) {
		uint64_t authentic = t->counters.datagrams_received;

		n = udp_receive(t->fd, receive_buf, sizeof receive_buf, &from);
		if (n < 0)
			break;
		if (t->link) {
			link_submit(t->link, LINK_IN, clock_ms(), receive_buf, (size_t)n,
				    (const struct sockaddr *)&from.ss, from.len);
			continue;
		}
		r = take_datagram(t, n, &from, msg);
		if (t->relay && t->next_udp_try && t->counters.datagrams_received > authentic)
			leave_relay(t);
		if (r != TRANSPORT_NOTHING)
			return r;
	}
	if (n == UDP_RECV_FAILED)
		return TRANSPORT_ERROR;
	return process_link_arrivals(t, msg);
}

/* ---- Timers ---- */

static uint64_t port_hop_due(const struct transport *t)
{
	uint64_t since = t->last_round_trip > t->last_port_change
		? t->last_round_trip : t->last_port_change;

	return t->is_server ? UINT64_MAX : since + SSPSH_PORT_HOP_MS;
}

uint64_t transport_next_deadline_ms(const struct transport *t)
{
	uint64_t due = port_hop_due(t);

	if (t->has_control) {
		uint64_t control_due = t->control.deadline(t->control.ctx);
		if (control_due < due)
			due = control_due;
	}
	if (t->link) {
		uint64_t link_due = link_next_due_ms(t->link);
		if (link_due < due)
			due = link_due;
	}
	return due;
}

static void send_link_departures(struct transport *t, uint64_t now)
{
	struct link_datagram d;

	while (t->link && link_take_due(t->link, LINK_OUT, now, &d)) {
		struct udp_addr to = { .len = d.addr_len };

		memcpy(&to.ss, &d.addr, d.addr_len);
		(void)udp_send(t->fd, d.data, d.len, &to);	/* a failure here is a loss */
		link_datagram_release(&d);
	}
}

void transport_tick(struct transport *t, uint64_t now_ms)
{
	send_link_departures(t, now_ms);
	if (t->relay)
		(void)dgram_path_flush(t->relay);
	if (t->has_control)
		t->control.tick(t->control.ctx, now_ms);
	if (now_ms >= port_hop_due(t)) {
		log_info("transport: no round trip for %u ms; changing local port", SSPSH_PORT_HOP_MS);
		(void)transport_change_port(t);
	}
}

bool transport_change_port(struct transport *t)
{
	int fd;

	if (t->is_server) {
		log_error("only a client changes its port");
		return false;
	}
	t->last_port_change = clock_ms();
	fd = udp_bind_ephemeral(t->peer.ss.ss_family);
	if (fd < 0)
		return false;
	close(t->fd);
	t->fd = fd;
	t->counters.port_hops++;
	return true;
}

bool transport_set_link(struct transport *t, const struct link_params *params)
{
	if (!params) {
		link_free(t->link);
		t->link = NULL;
		return true;
	}
	if (t->link) {
		link_set_params(t->link, params);
		return true;
	}
	t->link = link_new(params);
	if (!t->link)
		log_error("out of memory for the link emulator");
	return t->link != NULL;
}

/* ---- Accessors ---- */

int transport_fd(const struct transport *t) { return t->fd; }
double transport_srtt_ms(const struct transport *t) { return t->rtt.srtt_ms; }
double transport_rttvar_ms(const struct transport *t) { return t->rtt.rttvar_ms; }
uint32_t transport_rto_ms(const struct transport *t) { return rtt_rto_ms(&t->rtt); }
bool transport_has_rtt(const struct transport *t) { return t->rtt.have_sample; }
uint64_t transport_last_heard_ms(const struct transport *t) { return t->last_heard; }
bool transport_has_peer(const struct transport *t) { return t->has_peer; }
uint16_t transport_local_port(const struct transport *t) { return udp_local_port(t->fd); }

const struct transport_counters *transport_counters(const struct transport *t)
{
	return &t->counters;
}

void transport_peer_name(const struct transport *t, char *out, size_t out_len)
{
	if (!t->has_peer) {
		if (out_len)
			out[0] = '\0';
		return;
	}
	udp_addr_format(&t->peer, out, out_len);
}

/* ---- Daemon mode ---- */

bool transport_rekey(struct transport *t, const struct transport_keys *keys)
{
	struct aead send_aead;
	struct receiver rx;

	if (!t->indexed) {
		log_error("only a daemon-mode transport changes keys");
		return false;
	}
	if (!aead_init(&send_aead, keys->send))
		return false;
	if (!receiver_init(&rx, keys->recv, keys->local_index)) {
		aead_free(&send_aead);
		return false;
	}
	aead_free(&t->send_aead);
	t->send_aead = send_aead;
	receiver_free(&t->rx_old);
	t->rx_old = t->rx;
	t->rx = rx;
	t->remote_index = keys->remote_index;
	t->next_seq = 0;
	return true;
}

void transport_inherit_rtt(struct transport *t, const struct transport *old)
{
	t->rtt = old->rtt;
}

void transport_send_close(struct transport *t)
{
	struct datagram d = { .type = MSG_CLOSE, .receiver = t->remote_index,
			      .timestamp = timestamp_now(clock_ms()), .timestamp_reply = TIMESTAMP_NONE };
	size_t sealed;

	if (!t->indexed || !t->has_peer || t->next_seq >= seq_limit(t))
		return;
	d.seq = t->next_seq++;
	sealed = seal(t, &d);
	if (sealed)
		(void)send_datagram(t, t->send_buf, sealed);
}

uint32_t transport_local_index(const struct transport *t)
{
	return t->rx.index;
}

void transport_set_control(struct transport *t, const struct transport_control *control)
{
	t->has_control = control != NULL;
	if (control)
		t->control = *control;
}

bool transport_send_raw(struct transport *t, const void *data, size_t len)
{
	enum udp_send_result r;

	if (!t->has_peer)
		return false;
	if (t->relay)
		r = send_by_relay(t, data, len);
	else
		r = t->udp_forbidden ? UDP_LOST : udp_send(t->fd, data, len, &t->peer);
	return r == UDP_SENT || r == UDP_LOST;
}

/* ---- Relay (client) ---- */

void transport_use_relay(struct transport *t, struct dgram_path *relay, bool try_udp)
{
	dgram_path_free(t->relay);
	t->relay = relay;
	t->next_udp_try = try_udp && !t->udp_forbidden ? clock_ms() + SSPSH_UDP_RETRY_MS : 0;
}

void transport_forbid_udp(struct transport *t)
{
	t->udp_forbidden = true;
	t->next_udp_try = 0;
}

const struct dgram_path *transport_relay(const struct transport *t)
{
	return t->relay;
}

void transport_drop_relay(struct transport *t)
{
	dgram_path_free(t->relay);
	t->relay = NULL;
}

int transport_pollfds(const struct transport *t, struct pollfd fds[TRANSPORT_POLLFDS])
{
	fds[0] = (struct pollfd){ .fd = t->fd, .events = POLLIN };
	return 1 + (t->relay ? dgram_path_pollfds(t->relay, fds + 1) : 0);
}
