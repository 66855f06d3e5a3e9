/* Taking channel packets in: each frame is applied (every one is
 * idempotent), and the packet is acknowledged only if all of it was. */
#include <stdlib.h>
#include <string.h>

#include "net/chan_internal.h"
#include "net/chan_wire.h"

/* What applying a frame came to. */
enum applied {
	APPLIED,	/* done, or a harmless duplicate or leftover */
	REJECTED,	/* the peer broke a rule or a bound, or memory ran out */
};

/* ---- Which of the peer's channel numbers were seen ---- */

static bool seen_bit(const struct chan_mux *m, uint32_t index)
{
	uint32_t bit = index % SSPSH_CHAN_ID_SPAN;

	return m->seen_bits[bit / 64] >> (bit % 64) & 1;
}

static void flip_seen_bit(struct chan_mux *m, uint32_t index)
{
	uint32_t bit = index % SSPSH_CHAN_ID_SPAN;

	m->seen_bits[bit / 64] ^= (uint64_t)1 << (bit % 64);
}

static void mark_seen(struct chan_mux *m, uint32_t index)
{
	flip_seen_bit(m, index);
	while (seen_bit(m, m->seen_floor)) {
		flip_seen_bit(m, m->seen_floor);
		m->seen_floor++;
	}
}

/* ---- Control frames ---- */

static bool from_peer(const struct chan_mux *m, uint32_t id)
{
	return (id & 1) != (uint32_t)m->role;
}

static enum applied take_open(struct chan_mux *m, const struct chan_frame *f)
{
	uint32_t index = f->id >> 1;
	struct chan *c;

	if (!from_peer(m, f->id))
		return REJECTED;
	if (index < m->seen_floor)
		return APPLIED;	/* a late duplicate */
	if (index - m->seen_floor >= SSPSH_CHAN_ID_SPAN)
		return REJECTED;	/* beyond what an honest opener uses */
	if (seen_bit(m, index))
		return APPLIED;
	if (m->n_theirs >= SSPSH_CHAN_MAX)
		return REJECTED;	/* comes again once one is freed */
	c = chan_new_theirs(m, f->id, f->bytes, f->len);
	if (!c)
		return REJECTED;
	mark_seen(m, index);
	chan_notify(c, CHAN_EV_OPEN);
	return APPLIED;
}

/* The peer answered a channel we opened with anything but a refusal. */
static void peer_accepted(struct chan_mux *m, struct chan *c)
{
	if (c->state != CHAN_OPENING)
		return;
	c->state = CHAN_OPEN;
	if (c->released)
		chan_enter_reset(m, c, 0);	/* given up while it was opening */
	else
		chan_notify(c, CHAN_EV_ACCEPTED);
}

static enum applied take_refuse(struct chan *c, const struct chan_frame *f)
{
	uint8_t *reason;

	if (c->state != CHAN_OPENING)
		return APPLIED;
	reason = malloc(f->len ? f->len : 1);
	if (!reason)
		return REJECTED;
	if (f->len)
		memcpy(reason, f->bytes, f->len);
	free(c->info);
	c->info = reason;
	c->info_len = f->len;
	c->state = CHAN_REFUSED;
	c->code = f->value;
	chan_notify(c, CHAN_EV_REFUSED);
	return APPLIED;
}

static enum applied take_reset(struct chan_mux *m, struct chan *c, const struct chan_frame *f)
{
	uint64_t final = f->offset;

	if (c->state == CHAN_OPENING)
		peer_accepted(m, c);
	if (c->peer_reset || (c->state != CHAN_OPEN && c->state != CHAN_RESET))
		return APPLIED;
	if (final < c->rx_high || final > c->rx_limit || (c->rx_fin && final != c->rx_fin_at) ||
	    final - c->rx_high > m->rx_session_limit - m->rx_session_high)
		return REJECTED;
	c->peer_reset = true;
	if (c->state == CHAN_OPEN) {
		chan_notify(c, CHAN_EV_RESET);
		chan_enter_reset(m, c, f->value);
	}
	chan_rx_settle(m, c, final);
	return APPLIED;
}

/* ---- Data ---- */

static bool data_within_bounds(const struct chan_mux *m, const struct chan *c,
			       const struct chan_frame *f, uint64_t end)
{
	if (end > c->rx_limit || (c->rx_fin && end > c->rx_fin_at))
		return false;
	if (f->fin && (end < c->rx_high || (c->rx_fin && end != c->rx_fin_at)))
		return false;
	return end <= c->rx_high || end - c->rx_high <= m->rx_session_limit - m->rx_session_high;
}

static bool store_bytes(struct chan *c, const struct chan_frame *f, uint64_t end)
{
	uint64_t start = f->offset > c->rx.base ? f->offset : c->rx.base;

	if (end <= start)
		return true;
	if (!streambuf_reserve(&c->rx, end) || !ranges_add(&c->rx_have, start, end))
		return false;
	streambuf_put(&c->rx, start, f->bytes + (start - f->offset), (size_t)(end - start));
	return true;
}

static enum applied take_data(struct chan_mux *m, struct chan *c, const struct chan_frame *f)
{
	uint64_t end = f->offset + f->len;

	if (c->state == CHAN_OPENING)
		peer_accepted(m, c);
	if (c->state != CHAN_OPEN)
		return APPLIED;	/* reset meanwhile: the final size settles it */
	if (!data_within_bounds(m, c, f, end))
		return REJECTED;
	if (!c->released && !store_bytes(c, f, end))
		return REJECTED;
	if (end > c->rx_high) {
		m->rx_session_high += end - c->rx_high;
		m->rx_buffered += (size_t)(end - c->rx_high);
		c->rx_high = end;
	}
	if (f->fin) {
		c->rx_fin = true;
		c->rx_fin_at = end;
	}
	if (c->released)
		chan_rx_consumed(m, c, c->rx_high);	/* nobody reads: drop */
	else if (chan_readable(m, c->id) || chan_at_eof(m, c->id))
		chan_notify(c, CHAN_EV_READABLE);
	return APPLIED;
}

/* ---- One frame, one packet ---- */

static enum applied take_frame(struct chan_mux *m, const struct chan_frame *f, uint64_t now)
{
	struct chan *c;
	enum applied r = APPLIED;

	switch (f->type) {
	case CHAN_FRAME_ACK:
		chan_on_ack(m, f->acked, f->n_acked, f->ack_delay_ms, now);
		return APPLIED;
	case CHAN_FRAME_SESSION_WINDOW:
		if (f->value > m->tx_session_limit)
			m->tx_session_limit = f->value;
		return APPLIED;
	case CHAN_FRAME_OPEN:
		return take_open(m, f);
	case CHAN_FRAME_PING:
		return APPLIED;	/* it only asks for an ACK */
	default:
		break;
	}
	c = chan_find(m, f->id);
	if (!c)
		return APPLIED;	/* freed: a late duplicate */
	switch (f->type) {
	case CHAN_FRAME_ACCEPT:
		if (c->ours)
			peer_accepted(m, c);
		break;
	case CHAN_FRAME_REFUSE:
		if (c->ours)
			r = take_refuse(c, f);
		break;
	case CHAN_FRAME_DATA:
	case CHAN_FRAME_DATA_FIN:
		r = take_data(m, c, f);
		break;
	case CHAN_FRAME_RESET:
		r = take_reset(m, c, f);
		break;
	case CHAN_FRAME_WINDOW:
		if (c->ours && c->state == CHAN_OPENING)
			peer_accepted(m, c);
		if (f->value > c->tx_limit)
			c->tx_limit = f->value;
		break;
	default:
		break;
	}
	chan_maybe_free(m, c);
	return r;
}

/* Remembers pn for the next ACK and decides how soon that goes out. */
static void owe_ack(struct chan_mux *m, uint64_t pn, uint64_t now)
{
	bool in_order = ranges_empty(&m->rx_pns) ||
			pn == m->rx_pns.v[m->rx_pns.n - 1].end;
	bool duplicate = ranges_contains(&m->rx_pns, pn);

	if (ranges_empty(&m->rx_pns) || pn >= m->rx_pns.v[m->rx_pns.n - 1].end)
		m->largest_rx_pn_ms = now;
	while (!ranges_add(&m->rx_pns, pn, pn + 1) && !ranges_empty(&m->rx_pns))
		ranges_drop_lowest(&m->rx_pns);	/* the oldest were surely acknowledged */
	m->unacked_eliciting++;
	if (!in_order || duplicate || m->unacked_eliciting >= SSPSH_CHAN_ACK_EVERY)
		m->ack_due_ms = now;
	else if (m->ack_due_ms > now + SSPSH_CHAN_ACK_DELAY_MS)
		m->ack_due_ms = now + SSPSH_CHAN_ACK_DELAY_MS;
}

bool chan_mux_receive(struct chan_mux *m, const uint8_t *payload, size_t len, uint64_t now)
{
	struct chan_frame f;
	struct reader r;
	uint64_t pn;
	bool eliciting = false;

	reader_init(&r, payload, len);
	if (!chan_packet_number_get(&r, &pn) || reader_left(&r) == 0)
		goto drop;
	while (reader_left(&r)) {
		if (!chan_frame_get(&r, &f) || take_frame(m, &f, now) != APPLIED)
			goto drop;
		eliciting |= f.type != CHAN_FRAME_ACK;
	}
	if (eliciting)
		owe_ack(m, pn, now);
	m->stats.packets_received++;
	return true;
drop:
	m->stats.packets_dropped++;
	return false;
}
