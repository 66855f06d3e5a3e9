/* Receiving (net/transport_internal.h): a datagram is opened only if its
 * sequence number is fresh in the replay window, which moves only after it
 * authenticates; the newest authentic datagram moves a server to its
 * source (roaming) and gives an RTT sample. */
#include "net/transport.h"

#include <string.h>

#include <mbedtls/platform_util.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/options.h"
#include "net/datagram.h"
#include "net/dgram_path.h"
#include "net/link.h"
#include "net/replay.h"
#include "net/rtt.h"
#include "net/transport_internal.h"
#include "net/udp.h"

/* Shared by every transport of the process (a daemon has thousands): a
 * datagram is read and opened (into the caller's message) before the next
 * one. A longer datagram than any peer sends arrives truncated, as length
 * 0, and is dropped as malformed. */
static uint8_t receive_buf[SSPSH_DATAGRAM_LOOPBACK_MAX];
/* Where transport_authentic opens a datagram it only checks. */
static uint8_t check_buf[SSPSH_DATAGRAM_LOOPBACK_MAX];

static void follow_peer(struct transport *t, const struct udp_addr *from)
{
	char name[80];

	if (t->has_peer && udp_addr_equal(&t->peer, from))
		return;
	if (t->has_peer)
		t->counters.roams++;
	t->peer_takes_large = false;	/* the new path speaks for itself */
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

static enum datagram_status open_datagram(struct transport *t, struct receiver *rx, const uint8_t *data,
					  size_t len, uint8_t *payload_out, struct datagram *d)
{
	if (t->indexed)
		return datagram_open_indexed(&rx->aead, data, len, payload_out, d);
	d->type = MSG_DATA;
	return datagram_open(&rx->aead, data, len, payload_out, d);
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

/* Authenticates one datagram from `from` and opens its payload into msg
 * (empty). Bad datagrams are counted, never answered. */
static enum transport_recv_result process_datagram(struct transport *t, const uint8_t *data, size_t len,
						   const struct udp_addr *from, struct buf *msg)
{
	struct receiver *rx;
	struct datagram d;
	uint64_t seq, now;
	bool newest;

	if (!(rx = transport_pick_receiver(t, data, len, &seq)))
		return TRANSPORT_NOTHING;
	if (replay_check(transport_window_of(t, rx), seq) != REPLAY_FRESH) {
		t->counters.dropped_replay++;
		return TRANSPORT_NOTHING;
	}
	if (!buf_reserve(msg, len) || count_drop(t, open_datagram(t, rx, data, len, msg->data, &d)))
		return TRANSPORT_NOTHING;
	newest = replay_is_newest(transport_window_of(t, rx), seq);
	replay_accept(transport_window_of(t, rx), seq);
	transport_retire_old_key(t, rx);
	if (newest && rx == &t->other_client)
		transport_follow_client(t);
	now = clock_ms();
	t->last_heard = now;
	t->counters.datagrams_received++;
	t->counters.bytes_received += len;
	if (newest && t->is_server)
		follow_peer(t, from);
	t->last_from_peer = udp_addr_equal(from, &t->peer);
	note_timestamps(t, &d, newest && (rx == &t->rx || !t->indexed), now);
	if (d.type == MSG_CLOSE)
		return TRANSPORT_CLOSED;
	msg->len = d.payload_len;
	return TRANSPORT_MESSAGE;
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

	if (!(rx = transport_pick_receiver(t, data, len, &seq)) ||
	    replay_check(transport_window_of(t, rx), seq) != REPLAY_FRESH)
		return false;
	ok = open_datagram(t, rx, data, len, check_buf, &d) == DATAGRAM_OK;
	mbedtls_platform_zeroize(check_buf, len);
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
			transport_leave_relay(t);
		if (r != TRANSPORT_NOTHING)
			return r;
	}
	if (n == UDP_RECV_FAILED)
		return TRANSPORT_ERROR;
	return process_link_arrivals(t, msg);
}
