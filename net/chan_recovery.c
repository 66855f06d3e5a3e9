/* Loss recovery and congestion control for channel packets, after QUIC's
 * (RFC 9002) and BBR's models, much simplified: every packet that asks for
 * an ACK is recorded with what it carried; an ACK marks records delivered,
 * samples the round trip and the delivery rate; a record is lost when
 * SSPSH_CHAN_LOSS_PACKETS later packets were acknowledged or when it is
 * 9/8 of a round trip older than one that was; with nothing acknowledged
 * for a retransmission timeout, everything out is lost and the congestion
 * window starts again from its minimum. What a lost packet carried is sent
 * again (net/chan_send.c); what it said about windows and channel states
 * is said again as it is now. */
#include <stdlib.h>
#include <string.h>

#include "net/chan_internal.h"

/* Backed-off timeouts double up to this many times. */
#define MAX_BACKOFF 4
/* A timeout sends probes that ask for an ACK (the ACK of a burst may just
 * have been lost); this many in a row mean the path is gone or new, and
 * everything out is lost. */
#define PERSISTENT_TIMEOUTS 3
#define PROBES 2

/* Records the ring starts with and shrinks back to once empty: an idle
 * session's mux holds 1 KB, not what its busiest moment needed. */
#define SENT_RING_MIN 4

static struct chan_sent *rec_at(const struct chan_mux *m, size_t i)
{
	return &m->sent[(m->sent_head + i) % m->sent_cap];
}

bool chan_sent_init(struct chan_mux *m)
{
	m->sent_cap = SENT_RING_MIN;
	m->sent = calloc(m->sent_cap, sizeof *m->sent);
	return m->sent != NULL;
}

void chan_sent_free(struct chan_mux *m)
{
	free(m->sent);
	m->sent = NULL;
}

static bool grow_ring(struct chan_mux *m)
{
	size_t cap = m->sent_cap * 2;
	struct chan_sent *ring;

	if (cap > SSPSH_CHAN_MAX_IN_FLIGHT)
		cap = SSPSH_CHAN_MAX_IN_FLIGHT;
	if (cap <= m->sent_cap || !(ring = calloc(cap, sizeof *ring)))
		return false;
	for (size_t i = 0; i < m->sent_count; i++)
		ring[i] = *rec_at(m, i);
	free(m->sent);
	m->sent = ring;
	m->sent_cap = cap;
	m->sent_head = 0;
	return true;
}

bool chan_sent_full(const struct chan_mux *m)
{
	return m->sent_count >= SSPSH_CHAN_MAX_IN_FLIGHT;
}

void chan_sent_commit(struct chan_mux *m, const struct chan_sent *rec, uint64_t pn, size_t bytes,
		      uint64_t now)
{
	struct chan_sent *slot;

	if (m->sent_count == m->sent_cap && !grow_ring(m)) {
		/* No record, so nothing of it could be sent again: this only
		 * happens without memory, and then the peer will see a gap
		 * it cannot fill. Prevented by chan_sent_full's bound, which
		 * the ring reaches only by growing. */
		return;
	}
	if (m->in_flight_bytes == 0)
		m->delivered_ms = now;	/* a fresh start: idle time is no delivery time */
	slot = rec_at(m, m->sent_count++);
	*slot = *rec;
	slot->pn = pn;
	slot->sent_ms = now;
	slot->bytes = (uint32_t)bytes;
	slot->delivered = m->delivered;
	slot->delivered_ms = m->delivered_ms;
	slot->done = false;
	m->in_flight_bytes += bytes;
	m->last_eliciting_ms = now;
	m->pace_credit -= (double)bytes;
}

static void shrink_empty_ring(struct chan_mux *m)
{
	struct chan_sent *ring;

	if (m->sent_count || m->sent_cap <= SENT_RING_MIN || !(ring = calloc(SENT_RING_MIN, sizeof *ring)))
		return;
	free(m->sent);
	m->sent = ring;
	m->sent_cap = SENT_RING_MIN;
	m->sent_head = 0;
}

static void pop_done(struct chan_mux *m)
{
	while (m->sent_count && rec_at(m, 0)->done) {
		m->sent_head = (m->sent_head + 1) % m->sent_cap;
		m->sent_count--;
	}
	shrink_empty_ring(m);
}

/* The index of the first record with pn >= want. */
static size_t first_at_or_after(const struct chan_mux *m, uint64_t want)
{
	size_t lo = 0, hi = m->sent_count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (rec_at(m, mid)->pn < want)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* ---- Round trip, delivery rate, congestion window ---- */

static void sample_rtt(struct chan_mux *m, const struct chan_sent *rec, uint64_t delay_ms,
		       uint64_t now)
{
	uint64_t rtt = now - rec->sent_ms;

	if (delay_ms < rtt)
		rtt -= delay_ms;
	if (rtt > INT32_MAX)
		return;
	m->latest_rtt_ms = (int)rtt;
	if (m->min_rtt_ms < 0 || rtt <= (uint64_t)m->min_rtt_ms ||
	    now - m->min_rtt_at > SSPSH_CHAN_MIN_RTT_WINDOW_MS) {
		m->min_rtt_ms = (int)rtt;
		m->min_rtt_at = now;
	}
}

static void sample_rate(struct chan_mux *m, const struct chan_sent *rec, uint64_t now)
{
	uint64_t interval = now - rec->delivered_ms;
	double rate = (double)(m->delivered - rec->delivered) / (double)(interval ? interval : 1);

	if (now - m->bw_epoch_ms >= SSPSH_CHAN_BW_WINDOW_MS / 2) {
		m->bw_prev = m->bw_cur;
		m->bw_cur = 0;
		m->bw_epoch_ms = now;
	}
	if (rate > m->bw_cur)
		m->bw_cur = rate;
}

static double bottleneck_bw(const struct chan_mux *m)
{
	return m->bw_cur > m->bw_prev ? m->bw_cur : m->bw_prev;
}

/* Called when a packet sent at delivered count `delivered` is acked: once
 * a round trip, see whether the rate still grows. */
static void check_full_pipe(struct chan_mux *m, uint64_t delivered)
{
	double bw = bottleneck_bw(m);

	if (delivered < m->round_end_delivered)
		return;
	m->round_end_delivered = m->delivered;
	m->rounds++;
	if (m->filled_pipe)
		return;
	if (bw >= m->full_bw * 1.25) {
		m->full_bw = bw;
		m->full_bw_rounds = 0;
	} else if (++m->full_bw_rounds >= 3) {
		m->filled_pipe = true;
	}
}

/* Slow start (the window grows by what was acknowledged) until the pipe is
 * full; from then on twice the bandwidth-delay product caps it. */
static void grow_cwnd(struct chan_mux *m, size_t acked)
{
	double rtt = m->min_rtt_ms > 1 ? m->min_rtt_ms : 1;
	double target = 2 * bottleneck_bw(m) * rtt;
	size_t cwnd = m->cwnd + acked;

	if (m->filled_pipe && cwnd > target)
		cwnd = (size_t)target;
	if (cwnd < SSPSH_CHAN_CWND_MIN)
		cwnd = SSPSH_CHAN_CWND_MIN;
	if (cwnd > SSPSH_CHAN_CWND_MAX)
		cwnd = SSPSH_CHAN_CWND_MAX;
	m->cwnd = cwnd;
}

bool chan_cwnd_allows(const struct chan_mux *m, size_t bytes)
{
	return m->in_flight_bytes + bytes <= m->cwnd;
}

/* Twice the rate while it still grows, then a quarter above it: enough to
 * find more, while the congestion window bounds any queue that makes. Never
 * slower than a window per round trip, so early samples (an open request
 * alone) do not hold a transfer back. */
static double pacing_rate(const struct chan_mux *m)
{
	double rate = (m->filled_pipe ? 1.25 : 2) * bottleneck_bw(m);
	double window_rate = (double)m->cwnd / (m->srtt_ms > 1 ? m->srtt_ms : 1);

	return rate > window_rate ? rate : window_rate;
}

static double pacing_burst(double rate)
{
	double burst = SSPSH_CHAN_PACE_BURST_MS * rate;

	return burst > SSPSH_CHAN_PACE_BURST_MIN ? burst : SSPSH_CHAN_PACE_BURST_MIN;
}

bool chan_pacing_allows(struct chan_mux *m, uint64_t now)
{
	double rate = pacing_rate(m), burst = pacing_burst(rate);

	if (now > m->pace_ms) {
		m->pace_credit += rate * (double)(now - m->pace_ms);
		if (m->pace_credit > burst)
			m->pace_credit = burst;
	}
	m->pace_ms = now;
	return m->pace_credit > 0;
}

uint64_t chan_pacing_deadline(const struct chan_mux *m, uint64_t now)
{
	double rate = pacing_rate(m), wait;

	if (m->pace_credit > 0)
		return now;
	wait = -m->pace_credit / rate;
	return m->pace_ms + (uint64_t)wait + 1;
}

/* ---- Acknowledged, lost ---- */

static void retire(struct chan_mux *m, struct chan_sent *rec, bool acked)
{
	rec->done = true;
	m->in_flight_bytes -= rec->bytes;
	for (uint8_t i = 0; i < rec->n_refs; i++) {
		if (acked)
			chan_ref_acked(m, &rec->refs[i]);
		else
			chan_ref_lost(m, &rec->refs[i]);
	}
}

void chan_on_ack(struct chan_mux *m, const struct range *acked, size_t n, uint64_t delay_ms,
		 uint64_t now)
{
	uint64_t largest;
	size_t newly = 0;

	if (n == 0 || acked[0].end > m->next_pn)
		return;	/* acknowledges what we never sent: a confused peer */
	largest = acked[0].end - 1;
	for (size_t r = 0; r < n; r++) {
		for (size_t i = first_at_or_after(m, acked[r].start); i < m->sent_count; i++) {
			struct chan_sent *rec = rec_at(m, i);

			if (rec->pn >= acked[r].end)
				break;
			if (rec->done)
				continue;
			m->delivered += rec->bytes;
			m->delivered_ms = now;
			newly += rec->bytes;
			if (rec->pn == largest)
				sample_rtt(m, rec, delay_ms, now);
			if (m->largest_acked != UINT64_MAX && rec->pn < m->largest_acked)
				m->reordering_seen = true;
			sample_rate(m, rec, now);
			check_full_pipe(m, rec->delivered);
			retire(m, rec, true);
		}
	}
	if (m->largest_acked == UINT64_MAX || largest > m->largest_acked)
		m->largest_acked = largest;
	if (newly) {
		m->backoff = 0;
		m->probes_owed = 0;
		grow_cwnd(m, newly);
	}
	pop_done(m);
	chan_detect_loss(m, now);
}

/* How long after a packet left, with a later one acknowledged, it counts
 * as lost: 9/8 of a round trip (RFC 9002), or the transport's timeout if
 * that is longer, which allows for the jitter it has measured (a jittery
 * path delivers out of order). */
static uint64_t loss_delay_ms(const struct chan_mux *m)
{
	int rtt = m->srtt_ms > m->latest_rtt_ms ? m->srtt_ms : m->latest_rtt_ms;
	uint64_t delay = (uint64_t)rtt * 9 / 8;

	if (delay < (uint64_t)m->rto_ms)
		delay = (uint64_t)m->rto_ms;
	return delay ? delay : 1;
}

static bool deemed_lost(const struct chan_mux *m, const struct chan_sent *rec, uint64_t delay,
			uint64_t now)
{
	if (!m->reordering_seen && m->largest_acked - rec->pn >= SSPSH_CHAN_LOSS_PACKETS)
		return true;
	return now - rec->sent_ms >= delay;
}

/* The transport's RTO, plus the time the peer may hold its ACK, doubled
 * for each timeout in a row (RFC 9002's probe timeout). */
static uint64_t timeout_ms(const struct chan_mux *m)
{
	uint64_t rto = (uint64_t)m->rto_ms + SSPSH_CHAN_ACK_DELAY_MS;

	return rto << (m->backoff < MAX_BACKOFF ? m->backoff : MAX_BACKOFF);
}

static void on_timeout(struct chan_mux *m)
{
	m->stats.timeouts++;
	m->backoff++;
	m->probes_owed = PROBES;
	if (m->backoff < PERSISTENT_TIMEOUTS)
		return;
	for (size_t i = 0; i < m->sent_count; i++) {
		struct chan_sent *rec = rec_at(m, i);

		if (!rec->done) {
			m->stats.packets_lost++;
			retire(m, rec, false);
		}
	}
	pop_done(m);
	/* The path may be new (a roam) or gone: measure it again. */
	m->cwnd = SSPSH_CHAN_CWND_MIN;
	m->bw_cur = m->bw_prev = 0;
	m->filled_pipe = false;
	m->full_bw = 0;
	m->full_bw_rounds = 0;
}

void chan_detect_loss(struct chan_mux *m, uint64_t now)
{
	uint64_t delay = loss_delay_ms(m);

	if (m->largest_acked != UINT64_MAX) {
		for (size_t i = 0; i < m->sent_count; i++) {
			struct chan_sent *rec = rec_at(m, i);

			if (rec->pn >= m->largest_acked)
				break;
			if (!rec->done && deemed_lost(m, rec, delay, now)) {
				m->stats.packets_lost++;
				retire(m, rec, false);
			}
		}
		pop_done(m);
	}
	if (m->in_flight_bytes && now >= m->last_eliciting_ms + timeout_ms(m))
		on_timeout(m);
}

uint64_t chan_recovery_deadline(const struct chan_mux *m)
{
	uint64_t due = UINT64_MAX, delay = loss_delay_ms(m);

	if (!m->in_flight_bytes)
		return due;
	if (m->largest_acked != UINT64_MAX) {
		for (size_t i = 0; i < m->sent_count; i++) {
			const struct chan_sent *rec = rec_at(m, i);

			if (rec->pn >= m->largest_acked)
				break;
			if (!rec->done && rec->sent_ms + delay < due)
				due = rec->sent_ms + delay;
		}
	}
	if (m->last_eliciting_ms + timeout_ms(m) < due)
		due = m->last_eliciting_ms + timeout_ms(m);
	return due;
}

/* ---- What a record's references mean for their channels ---- */

/* The window's bottom moves up over bytes acknowledged without a hole. */
static void advance_tx_base(struct chan_mux *m, struct chan *c)
{
	uint64_t base;

	if (ranges_empty(&c->tx_acked) || c->tx_acked.v[0].start > c->tx.base)
		return;
	base = c->tx_acked.v[0].end;
	ranges_remove_below(&c->tx_acked, base);
	ranges_remove_below(&c->tx_lost, base);
	m->tx_buffered -= (size_t)(base - c->tx.base);
	streambuf_advance(&c->tx, base, c->tx_written);
	if (c->write_blocked) {
		c->write_blocked = false;
		chan_notify(c, CHAN_EV_WRITABLE);
	}
}

/* Sends [start, end) again; if the record of lost pieces is full, sends
 * everything not yet acknowledged again instead. */
static void mark_lost(struct chan *c, uint64_t start, uint64_t end)
{
	if (!ranges_add(&c->tx_lost, start, end)) {
		ranges_clear(&c->tx_lost);
		ranges_add(&c->tx_lost, c->tx.base, c->tx_next);
	}
}

static void data_acked(struct chan_mux *m, struct chan *c, const struct chan_ref *ref)
{
	uint64_t start = ref->offset > c->tx.base ? ref->offset : c->tx.base;
	uint64_t end = ref->offset + ref->len;

	if (ref->fin) {
		c->fin_acked = true;
		c->fin_lost = false;
	}
	if (end <= start)
		return;
	ranges_remove(&c->tx_lost, start, end);
	if (!ranges_add(&c->tx_acked, start, end))
		mark_lost(c, start, end);	/* cannot remember it: it is acknowledged again later */
	advance_tx_base(m, c);
}

void chan_ref_acked(struct chan_mux *m, const struct chan_ref *ref)
{
	struct chan *c = chan_find(m, ref->id);

	if (ref->kind == REF_SESSION_WINDOW || !c)
		return;
	if (ref->kind == REF_DATA && c->state == CHAN_OPEN)
		data_acked(m, c, ref);
	else if (ref->kind == REF_REFUSE)
		c->refuse_acked = true;
	else if (ref->kind == REF_RESET)
		c->reset_acked = true;
	chan_maybe_free(m, c);
}

static void data_lost(struct chan_mux *m, struct chan *c, const struct chan_ref *ref)
{
	uint64_t start = ref->offset > c->tx.base ? ref->offset : c->tx.base;
	uint64_t end = ref->offset + ref->len;

	(void)m;
	if (ref->fin && !c->fin_acked)
		c->fin_lost = true;
	if (end > start && !ranges_covers(&c->tx_acked, start, end))
		mark_lost(c, start, end);
}

void chan_ref_lost(struct chan_mux *m, const struct chan_ref *ref)
{
	struct chan *c;

	if (ref->kind == REF_SESSION_WINDOW) {
		m->owe_session_window = true;
		return;
	}
	c = chan_find(m, ref->id);
	if (!c)
		return;
	switch (ref->kind) {
	case REF_DATA:
		if (c->state == CHAN_OPEN)
			data_lost(m, c, ref);
		break;
	case REF_OPEN:
		if (c->state == CHAN_OPENING)
			c->owed |= OWE_OPEN;
		break;
	case REF_ACCEPT:
		if (c->state == CHAN_OPEN)
			c->owed |= OWE_ACCEPT;
		break;
	case REF_REFUSE:
		if (c->state == CHAN_REFUSED && !c->refuse_acked)
			c->owed |= OWE_REFUSE;
		break;
	case REF_RESET:
		if (c->state == CHAN_RESET && !c->reset_acked)
			c->owed |= OWE_RESET;
		break;
	case REF_WINDOW:
		if (c->state == CHAN_OPEN && !c->rx_fin)
			c->owed |= OWE_WINDOW;
		break;
	}
}
