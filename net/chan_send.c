/* Building channel packets: an ACK when one is owed, then control frames,
 * then stream bytes from the channels in turn (bytes deemed lost before new
 * ones), within the peer's windows and the congestion window. */
#include "net/chan_internal.h"
#include "net/chan_wire.h"

/* Room a packet needs for anything worth sending besides its number. */
#define PACKET_MIN_ROOM 24

/* A packet being built: frames go straight into the caller's buffer. */
struct packet {
	struct buf *out;
	size_t start, max_len;
	struct chan_sent rec;	/* copied into the ring if it asks for an ACK */
	bool eliciting;
};

static size_t room_left(const struct packet *p)
{
	size_t used = p->out->len - p->start;

	return used < p->max_len ? p->max_len - used : 0;
}

static bool refs_full(const struct packet *p)
{
	return p->rec.n_refs == SSPSH_CHAN_FRAMES_PER_PACKET;
}

static void add_ref(struct packet *p, enum chan_ref_kind kind, uint32_t id, uint64_t offset,
		    uint32_t len, bool fin)
{
	p->rec.refs[p->rec.n_refs++] = (struct chan_ref){
		.kind = (uint8_t)kind, .id = id, .offset = offset, .len = len, .fin = fin,
	};
	p->eliciting = true;
}

/* Appends the frame built in m->frame if it fits. */
static bool append_frame(struct chan_mux *m, struct packet *p)
{
	if (m->frame.oom || m->frame.len > room_left(p) || refs_full(p))
		return false;
	buf_put(p->out, m->frame.data, m->frame.len);
	return !p->out->oom;
}

/* ---- Control frames ---- */

static bool put_control(struct chan_mux *m, struct packet *p, struct chan *c, unsigned owe)
{
	enum chan_ref_kind kind;

	buf_reset(&m->frame);
	switch (owe) {
	case OWE_OPEN:
		chan_put_open(&m->frame, c->id, c->info, c->info_len);
		kind = REF_OPEN;
		break;
	case OWE_ACCEPT:
		chan_put_accept(&m->frame, c->id);
		kind = REF_ACCEPT;
		break;
	case OWE_REFUSE:
		chan_put_refuse(&m->frame, c->id, c->code, c->info, c->info_len);
		kind = REF_REFUSE;
		break;
	case OWE_RESET:
		chan_put_reset(&m->frame, c->id, c->code, c->tx_next);
		kind = REF_RESET;
		break;
	default:
		chan_put_window(&m->frame, c->id, c->rx_limit);
		kind = REF_WINDOW;
		break;
	}
	if (!append_frame(m, p))
		return false;
	c->owed &= ~owe;
	add_ref(p, kind, c->id, 0, 0, false);
	return true;
}

static void put_controls(struct chan_mux *m, struct packet *p)
{
	if (m->owe_session_window) {
		buf_reset(&m->frame);
		chan_put_session_window(&m->frame, m->rx_session_limit);
		if (append_frame(m, p)) {
			m->owe_session_window = false;
			add_ref(p, REF_SESSION_WINDOW, 0, 0, 0, false);
		}
	}
	for (struct chan *c = m->first; c && !refs_full(p); c = c->next)
		for (unsigned owe = OWE_OPEN; owe <= OWE_WINDOW && c->owed; owe <<= 1)
			if (c->owed & owe)
				put_control(m, p, c, owe);
}

/* ---- Stream bytes ---- */

static uint64_t new_bytes_limit(const struct chan_mux *m, const struct chan *c)
{
	uint64_t end = c->tx_written < c->tx_limit ? c->tx_written : c->tx_limit;
	uint64_t session_room = m->tx_session_limit > m->tx_session_sent ?
				m->tx_session_limit - m->tx_session_sent : 0;

	if (end > c->tx_next + session_room)
		end = c->tx_next + session_room;
	return end;
}

static bool fin_owed(const struct chan *c)
{
	return c->fin_wanted && !c->fin_acked && c->tx_next == c->tx_written &&
	       (!c->fin_sent || c->fin_lost);
}

static bool has_bytes(const struct chan_mux *m, const struct chan *c)
{
	if (c->state != CHAN_OPEN)
		return false;
	return !ranges_empty(&c->tx_lost) || new_bytes_limit(m, c) > c->tx_next || fin_owed(c);
}

/* Appends a DATA frame of up to `avail` bytes from `offset` (none: a bare
 * end of stream); *len says how many went. False if nothing fit. */
static bool put_bytes(struct packet *p, struct chan *c, uint64_t offset,
		      uint64_t avail, bool fin_at_end, size_t *len)
{
	size_t room = room_left(p), header = chan_data_header_len(c->id, offset, room);
	bool fin;

	if (room <= header || refs_full(p) || (avail == 0 && !fin_at_end))
		return false;
	*len = avail < room - header ? (size_t)avail : room - header;
	fin = fin_at_end && offset + *len == c->tx_written;
	chan_put_data_header(p->out, c->id, offset, *len, fin);
	if (*len && buf_reserve(p->out, *len)) {
		streambuf_get(&c->tx, offset, p->out->data + p->out->len, *len);
		p->out->len += *len;
	}
	add_ref(p, REF_DATA, c->id, offset, (uint32_t)*len, fin);
	if (fin) {
		c->fin_sent = true;
		c->fin_lost = false;
	}
	return true;
}

static bool put_lost_bytes(struct chan_mux *m, struct packet *p, struct chan *c)
{
	while (!ranges_empty(&c->tx_lost)) {
		struct range r = c->tx_lost.v[0];
		size_t sent;

		if (r.start < c->tx.base)
			r.start = c->tx.base;
		if (r.start >= r.end || ranges_covers(&c->tx_acked, r.start, r.end)) {
			ranges_drop_lowest(&c->tx_lost);
			continue;
		}
		if (!put_bytes(p, c, r.start, r.end - r.start, c->fin_sent && !c->fin_acked, &sent))
			return false;
		/* A prefix of the lowest range: this never splits one. */
		ranges_remove(&c->tx_lost, c->tx_lost.v[0].start, r.start + sent);
		m->stats.bytes_resent += sent;
		return true;
	}
	return false;
}

static bool put_new_bytes(struct chan_mux *m, struct packet *p, struct chan *c)
{
	uint64_t end = new_bytes_limit(m, c);
	size_t sent;

	if (end > c->tx_next) {
		if (!put_bytes(p, c, c->tx_next, end - c->tx_next, c->fin_wanted, &sent))
			return false;
		c->tx_next += sent;
		m->tx_session_sent += sent;
		m->stats.bytes_sent += sent;
		return true;
	}
	return fin_owed(c) && put_bytes(p, c, c->tx_written, 0, true, &sent);
}

/* One frame from each channel with bytes to send, in turn, from where the
 * last packet left off, until the packet is full or nobody has more. */
static void put_streams(struct chan_mux *m, struct packet *p)
{
	struct chan *c = m->cursor ? m->cursor : m->first;
	size_t idle = 0, channels = m->n_ours + m->n_theirs;

	while (c && idle < channels && room_left(p) > PACKET_MIN_ROOM && !refs_full(p)) {
		if (has_bytes(m, c) && (put_lost_bytes(m, p, c) || put_new_bytes(m, p, c)))
			idle = 0;
		else
			idle++;
		c = c->next ? c->next : m->first;
		m->cursor = c;
	}
}

/* ---- The packet ---- */

static bool controls_owed(const struct chan_mux *m)
{
	if (m->owe_session_window)
		return true;
	for (const struct chan *c = m->first; c; c = c->next)
		if (c->owed)
			return true;
	return false;
}

static bool bytes_owed(const struct chan_mux *m)
{
	for (const struct chan *c = m->first; c; c = c->next)
		if (has_bytes(m, c))
			return true;
	return false;
}

static void put_ack(struct chan_mux *m, struct packet *p, uint64_t now)
{
	if (m->ack_due_ms == UINT64_MAX)
		return;
	if (chan_put_ack(p->out, &m->rx_pns, now - m->largest_rx_pn_ms, room_left(p))) {
		m->ack_due_ms = UINT64_MAX;
		m->unacked_eliciting = 0;
	}
}

size_t chan_mux_emit(struct chan_mux *m, uint64_t now, size_t max_len, struct buf *out)
{
	struct packet p = { .out = out, .start = out->len, .max_len = max_len };
	uint64_t ack_due = m->ack_due_ms;
	unsigned unacked = m->unacked_eliciting;
	bool may_elicit, may_send_bytes, probe;

	chan_detect_loss(m, now);
	may_elicit = !chan_sent_full(m);
	probe = may_elicit && m->probes_owed > 0;
	may_send_bytes = may_elicit &&
			 (probe || (chan_cwnd_allows(m, max_len) && chan_pacing_allows(m, now)));
	if (max_len < PACKET_MIN_ROOM ||
	    !(ack_due <= now || probe || (may_elicit && controls_owed(m)) ||
	      (may_send_bytes && bytes_owed(m))))
		return 0;
	buf_put_varint(out, m->next_pn);
	put_ack(m, &p, now);
	if (may_elicit)
		put_controls(m, &p);
	if (may_send_bytes)
		put_streams(m, &p);
	if (probe) {
		if (!p.eliciting) {
			chan_put_ping(out);
			p.eliciting = true;	/* nothing to send again when it is acked */
		}
		m->probes_owed--;
	}
	if (!p.eliciting && ack_due > now) {
		/* Nothing worth a packet after all: the ACK waits. */
		out->len = p.start;
		m->ack_due_ms = ack_due;
		m->unacked_eliciting = unacked;
		return 0;
	}
	if (p.eliciting)
		chan_sent_commit(m, &p.rec, m->next_pn, out->len - p.start, now);
	m->next_pn++;
	if (out->oom) {
		out->len = p.start;	/* recorded all the same: it goes again as lost */
		return 0;
	}
	m->stats.packets_sent++;
	return out->len - p.start;
}

uint64_t chan_mux_deadline(const struct chan_mux *m, uint64_t now)
{
	uint64_t due = m->ack_due_ms, recovery = chan_recovery_deadline(m), paced;

	if (!chan_sent_full(m) && (m->probes_owed || controls_owed(m)))
		due = now;
	else if (!chan_sent_full(m) && bytes_owed(m) && chan_cwnd_allows(m, SSPSH_DATAGRAM_MAX) &&
		 (paced = chan_pacing_deadline(m, now)) < due)
		due = paced > now ? paced : now;
	return recovery < due ? recovery : due;
}
