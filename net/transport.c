/* The transport: datagrams (net/datagram.h) over UDP (net/udp.h), with the
 * replay window, RTT estimation, reassembly, roaming, port hopping and the
 * optional link emulator glued together. See net/transport.h. */
#include "net/transport.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/options.h"
#include "net/aead.h"
#include "net/datagram.h"
#include "net/link.h"
#include "net/reassembly.h"
#include "net/replay.h"
#include "net/rtt.h"
#include "net/transport_internal.h"
#include "net/udp.h"

/* Room for any UDP payload, so that no datagram is silently truncated. */
#define RECEIVE_CAP 65536

struct transport {
	bool is_server;
	enum direction sending;		/* the direction bit of what we send */
	int fd;
	struct aead aead;
	uint64_t next_seq;
	size_t datagram_max;		/* shrinks on EMSGSIZE */

	bool has_peer;
	struct udp_addr peer;

	struct replay replay;
	struct reassembly reassembly;
	struct rtt rtt;

	/* The peer's newest timestamp, echoed once in our next datagram. */
	bool have_peer_timestamp;
	uint16_t peer_timestamp;
	uint64_t peer_timestamp_at;

	uint64_t last_heard;
	uint64_t last_round_trip;	/* client: last echo of our own timestamp */
	uint64_t last_port_change;

	struct link *link;
	struct transport_counters counters;
	uint8_t *receive_buf;		/* RECEIVE_CAP bytes */
	uint8_t *open_buf;		/* RECEIVE_CAP bytes: decrypted bodies */
	uint8_t send_buf[SSPSH_DATAGRAM_MAX];
};

/* ---- Creating ---- */

static struct transport *transport_new(const struct transport_key *key, bool is_server, int fd)
{
	struct transport *t;

	if (fd < 0)
		return NULL;
	t = calloc(1, sizeof *t);
	if (!t || !(t->receive_buf = malloc(RECEIVE_CAP)) || !(t->open_buf = malloc(RECEIVE_CAP))) {
		log_error("out of memory for a transport");
		goto fail;
	}
	if (!aead_init(&t->aead, key->bytes)) {
		log_error("cannot set the session key");
		goto fail;
	}
	t->is_server = is_server;
	t->sending = is_server ? TO_CLIENT : TO_SERVER;
	t->fd = fd;
	t->datagram_max = SSPSH_DATAGRAM_MAX;
	replay_init(&t->replay);
	reassembly_init(&t->reassembly);
	rtt_init(&t->rtt);
	t->last_round_trip = t->last_port_change = clock_ms();
	return t;
fail:
	close(fd);
	if (t) {
		free(t->receive_buf);
		free(t->open_buf);
		free(t);
	}
	return NULL;
}

struct transport *transport_server(const struct transport_key *key, const char *bind_addr,
				   uint16_t port_low, uint16_t port_high)
{
	return transport_new(key, true, udp_bind_range(bind_addr, port_low, port_high));
}

struct transport *transport_client_to(const struct transport_key *key, const struct udp_addr *server)
{
	struct transport *t = transport_new(key, false, udp_bind_ephemeral(server->ss.ss_family));

	if (t) {
		t->peer = *server;
		t->has_peer = true;
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
	close(t->fd);
	aead_free(&t->aead);
	reassembly_free(&t->reassembly);
	link_free(t->link);
	free(t->receive_buf);
	free(t->open_buf);
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

static enum udp_send_result send_datagram(struct transport *t, const uint8_t *data, size_t len)
{
	enum udp_send_result r;

	if (t->link) {
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

static size_t fragment_capacity(const struct transport *t, uint32_t index)
{
	return t->datagram_max - DATAGRAM_FIXED_OVERHEAD - datagram_fragment_header_len(index);
}

static uint32_t count_fragments(const struct transport *t, size_t len)
{
	uint32_t n = 0;

	do
		len -= len < fragment_capacity(t, n) ? len : fragment_capacity(t, n);
	while (++n < SSPSH_MAX_FRAGMENTS + 1 && len > 0);
	return n;
}

/* Sends every fragment of msg with consecutive sequence numbers. */
static enum udp_send_result send_fragments(struct transport *t, const uint8_t *msg, size_t len,
					   uint32_t fragments)
{
	uint64_t now = clock_ms();
	struct datagram d = { .direction = t->sending, .timestamp = timestamp_now(now) };
	size_t off = 0;

	d.timestamp_reply = take_timestamp_reply(t, now);
	for (uint32_t i = 0; i < fragments; i++) {
		size_t cap = fragment_capacity(t, i), sealed;
		enum udp_send_result r;

		d.seq = t->next_seq++;
		d.frag_index = i;
		d.frag_final = i + 1 == fragments;
		d.payload = msg + off;
		d.payload_len = len - off < cap ? len - off : cap;
		off += d.payload_len;
		sealed = datagram_seal(&t->aead, &d, t->send_buf, sizeof t->send_buf);
		if (!sealed) {
			log_error("cannot seal a datagram");
			return UDP_FAILED;
		}
		r = send_datagram(t, t->send_buf, sealed);
		if (r == UDP_TOO_BIG || r == UDP_FAILED)
			return r;
		d.timestamp_reply = TIMESTAMP_NONE;
	}
	return UDP_SENT;
}

bool transport_send(struct transport *t, const void *msg, size_t len)
{
	if (!t->has_peer) {
		log_debug("transport: no peer to send to yet");
		return false;
	}
	if (len > SSPSH_MAX_MESSAGE) {
		log_error("message of %zu bytes exceeds the %u-byte limit", len, SSPSH_MAX_MESSAGE);
		return false;
	}
	for (;;) {
		uint32_t fragments = count_fragments(t, len);
		enum udp_send_result r;

		if (t->next_seq + fragments >= DATAGRAM_SEQ_LIMIT) {
			log_error("the session has used up its sequence numbers");
			return false;
		}
		r = send_fragments(t, msg, len, fragments);
		if (r == UDP_FAILED)
			return false;
		if (r != UDP_TOO_BIG)
			break;
		/* Resend the whole message smaller; the receiver drops the partial
		 * one when the newer message's fragments arrive. */
		if (t->datagram_max <= SSPSH_DATAGRAM_MIN) {
			log_error("the path refuses even %zu-byte datagrams", t->datagram_max);
			return false;
		}
		t->datagram_max = t->datagram_max - SSPSH_DATAGRAM_SHRINK < SSPSH_DATAGRAM_MIN
			? SSPSH_DATAGRAM_MIN : t->datagram_max - SSPSH_DATAGRAM_SHRINK;
		log_info("datagram too big for the path; now sending at most %zu bytes", t->datagram_max);
	}
	t->counters.messages_sent++;
	return true;
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

/* Authenticates one datagram from `from` and feeds it on; true if it
 * completed a message, now in msg. Bad datagrams are counted, never answered. */
static bool process_datagram(struct transport *t, const uint8_t *data, size_t len,
			     const struct udp_addr *from, struct buf *msg)
{
	enum direction direction;
	struct datagram d;
	uint64_t seq, now;
	bool newest;

	if (!datagram_peek(data, len, &direction, &seq) || direction == t->sending) {
		t->counters.dropped_malformed++;
		return false;
	}
	if (replay_check(&t->replay, seq) != REPLAY_FRESH) {
		t->counters.dropped_replay++;
		return false;
	}
	switch (datagram_open(&t->aead, data, len, t->open_buf, &d)) {
	case DATAGRAM_OK:
		break;
	case DATAGRAM_MALFORMED:
		t->counters.dropped_malformed++;
		return false;
	case DATAGRAM_FORGED:
		t->counters.dropped_forged++;
		return false;
	case DATAGRAM_BAD_FRAGMENT:
		t->counters.dropped_fragment++;
		return false;
	}
	newest = replay_is_newest(&t->replay, seq);
	replay_accept(&t->replay, seq);
	now = clock_ms();
	t->last_heard = now;
	t->counters.datagrams_received++;
	t->counters.bytes_received += len;
	if (newest && t->is_server)
		follow_peer(t, from);
	note_timestamps(t, &d, newest, now);
	switch (reassembly_add(&t->reassembly, seq, d.frag_index, d.frag_final,
			       d.payload, d.payload_len, msg)) {
	case REASSEMBLY_COMPLETE:
		t->counters.messages_received++;
		return true;
	case REASSEMBLY_DROPPED:
		t->counters.dropped_fragment++;
		return false;
	case REASSEMBLY_PENDING:
		return false;
	}
	return false;
}

/* Datagrams the emulated link has delivered by now. */
static bool process_link_arrivals(struct transport *t, struct buf *msg)
{
	struct link_datagram d;

	while (t->link && link_take_due(t->link, LINK_IN, clock_ms(), &d)) {
		struct udp_addr from = { .len = d.addr_len };
		bool complete;

		memcpy(&from.ss, &d.addr, d.addr_len);
		complete = process_datagram(t, d.data, d.len, &from, msg);
		link_datagram_release(&d);
		if (complete)
			return true;
	}
	return false;
}

enum transport_recv_result transport_recv(struct transport *t, struct buf *msg)
{
	struct udp_addr from;
	long n = UDP_NOTHING;

	buf_reset(msg);
	if (process_link_arrivals(t, msg))
		return TRANSPORT_MESSAGE;
	for (int batch = 0; batch < SSPSH_RECV_BATCH; batch++) {
		n = udp_receive(t->fd, t->receive_buf, RECEIVE_CAP, &from);
		if (n < 0)
			break;
		if (t->link)
			link_submit(t->link, LINK_IN, clock_ms(), t->receive_buf, (size_t)n,
				    (const struct sockaddr *)&from.ss, from.len);
		else if (process_datagram(t, t->receive_buf, (size_t)n, &from, msg))
			return TRANSPORT_MESSAGE;
	}
	if (n == UDP_RECV_FAILED)
		return TRANSPORT_ERROR;
	return process_link_arrivals(t, msg) ? TRANSPORT_MESSAGE : TRANSPORT_NOTHING;
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
size_t transport_max_message(void) { return SSPSH_MAX_MESSAGE; }

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
