/* Sending (net/transport_internal.h): each payload sealed as one datagram
 * under the next sequence number, with our timestamp and the peer's echoed;
 * the datagram size steps down when the path refuses one as too big. */
#include "net/transport.h"

#include "core/clock.h"
#include "core/log.h"
#include "core/options.h"
#include "net/datagram.h"
#include "net/transport_internal.h"
#include "net/udp.h"

/* Shared by every transport of the process: a datagram is sealed and handed
 * to the socket, the link emulator or the relay (which copy it) before the
 * next one. */
static uint8_t send_buf[SSPSH_DATAGRAM_LOOPBACK_MAX];

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

static size_t seal(struct transport *t, const struct datagram *d)
{
	if (t->indexed)
		return datagram_seal_indexed(&t->send_aead, d, send_buf, sizeof send_buf);
	return datagram_seal(&t->send_aead, d, send_buf, sizeof send_buf);
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

static bool sends_large(const struct transport *t)
{
	return t->peer_takes_large && !t->large_refused && t->has_peer &&
	       udp_addr_is_loopback(&t->peer) && transport_path_takes_large(t);
}

size_t transport_max_payload(const struct transport *t)
{
	return (sends_large(t) ? SSPSH_DATAGRAM_LOOPBACK_MAX : t->datagram_max) - overhead(t);
}

void transport_peer_takes_large(struct transport *t, bool takes)
{
	if (!t->is_server || t->last_from_peer)
		t->peer_takes_large = takes;
}

/* The path refused a datagram of refused_len bytes as too big: step the
 * datagram size down below it, but not below SSPSH_DATAGRAM_MIN. */
static void shrink_below(struct transport *t, size_t refused_len)
{
	if (refused_len > t->datagram_max) {
		t->large_refused = true;
		t->counters.shrinks++;
		log_info("loopback-sized datagram too big for the path; now sending at most %zu bytes",
			 t->datagram_max);
		return;
	}
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
	return transport_route(t, send_buf, sealed);
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
		(void)transport_route(t, send_buf, sealed);
}

bool transport_send_raw(struct transport *t, const void *data, size_t len)
{
	enum udp_send_result r;

	if (!t->has_peer)
		return false;
	if (t->relay)
		r = transport_relay_send(t, data, len);
	else
		r = t->udp_forbidden ? UDP_LOST : udp_send(t->fd, data, len, &t->peer);
	return r == UDP_SENT || r == UDP_LOST;
}
