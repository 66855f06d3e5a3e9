#include "net/channel.h"

#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "net/chan_internal.h"

struct chan_mux *chan_mux_new(enum chan_role role)
{
	struct chan_mux *m = calloc(1, sizeof *m);

	if (!m || !chan_sent_init(m)) {
		log_error("out of memory for channels");
		free(m);
		return NULL;
	}
	m->role = role;
	u32map_init(&m->by_id);
	m->tx_session_limit = SSPSH_CHAN_SESSION_WINDOW;
	m->rx_session_limit = SSPSH_CHAN_SESSION_WINDOW;
	ranges_init(&m->rx_pns, SSPSH_CHAN_ACK_RANGES);
	m->ack_due_ms = UINT64_MAX;
	m->largest_acked = UINT64_MAX;
	m->srtt_ms = SSPSH_INITIAL_RTT_MS;
	m->rto_ms = SSPSH_RTO_MAX_MS;
	m->latest_rtt_ms = SSPSH_INITIAL_RTT_MS;
	m->min_rtt_ms = -1;
	m->cwnd = SSPSH_CHAN_CWND_INITIAL;
	buf_init(&m->frame);
	return m;
}

static void chan_destroy(struct chan *c)
{
	free(c->info);
	streambuf_free(&c->tx);
	streambuf_free(&c->rx);
	ranges_free(&c->tx_acked);
	ranges_free(&c->tx_lost);
	ranges_free(&c->rx_have);
	free(c);
}

void chan_mux_free(struct chan_mux *m)
{
	struct chan *c, *next;

	if (!m)
		return;
	for (c = m->first; c; c = next) {
		next = c->next;
		chan_destroy(c);
	}
	u32map_free(&m->by_id);
	ranges_free(&m->rx_pns);
	chan_sent_free(m);
	streambuf_spare_free(&m->tx_spare);
	streambuf_spare_free(&m->rx_spare);
	buf_free(&m->frame);
	free(m);
}

void chan_mux_set_rtt(struct chan_mux *m, int srtt_ms, int rto_ms)
{
	m->srtt_ms = srtt_ms > 0 ? srtt_ms : 1;
	m->rto_ms = rto_ms > 0 ? rto_ms : 1;
}

struct chan *chan_find(const struct chan_mux *m, uint32_t id)
{
	return id == UINT32_MAX ? NULL : u32map_get(&m->by_id, id + 1);
}

/* A channel the application may still use. */
static struct chan *held(const struct chan_mux *m, uint32_t id)
{
	struct chan *c = chan_find(m, id);

	return c && !c->released ? c : NULL;
}

void chan_notify(struct chan *c, enum chan_event_type ev)
{
	if (!c->released)
		c->events |= 1u << ev;
}

static struct chan *chan_create(struct chan_mux *m, uint32_t id, bool ours)
{
	struct chan *c = calloc(1, sizeof *c);

	if (!c)
		return NULL;
	if (!u32map_put(&m->by_id, id + 1, c)) {
		free(c);
		return NULL;
	}
	c->id = id;
	c->ours = ours;
	c->tx_limit = SSPSH_CHAN_WINDOW;
	c->rx_limit = SSPSH_CHAN_WINDOW;
	streambuf_init(&c->tx, SSPSH_CHAN_SEND_BUFFER, 0, &m->tx_spare);
	streambuf_init(&c->rx, SSPSH_CHAN_WINDOW, 0, &m->rx_spare);
	ranges_init(&c->tx_acked, SSPSH_CHAN_TX_RANGES);
	ranges_init(&c->tx_lost, SSPSH_CHAN_TX_RANGES);
	ranges_init(&c->rx_have, SSPSH_CHAN_RX_RANGES);
	c->prev = m->last;
	if (m->last)
		m->last->next = c;
	else
		m->first = c;
	m->last = c;
	if (ours)
		m->n_ours++;
	else
		m->n_theirs++;
	return c;
}

struct chan *chan_new_theirs(struct chan_mux *m, uint32_t id, const uint8_t *request, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	struct chan *c = copy ? chan_create(m, id, false) : NULL;

	if (!c) {
		free(copy);
		return NULL;
	}
	if (len)
		memcpy(copy, request, len);
	c->info = copy;
	c->info_len = len;
	c->state = CHAN_PENDING;
	return c;
}

static void chan_unlink(struct chan_mux *m, struct chan *c)
{
	if (m->cursor == c)
		m->cursor = c->next;
	if (c->prev)
		c->prev->next = c->next;
	else
		m->first = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		m->last = c->prev;
	u32map_remove(&m->by_id, c->id + 1);
	if (c->ours)
		m->n_ours--;
	else
		m->n_theirs--;
	m->tx_buffered -= (size_t)(c->tx_written - c->tx.base);
	m->rx_buffered -= (size_t)(c->rx_high - c->rx.base);
}

/* Whether the protocol still needs c once the application let go. */
static bool chan_done(const struct chan *c)
{
	switch (c->state) {
	case CHAN_OPENING:
	case CHAN_PENDING:
		return false;
	case CHAN_REFUSED:
		return c->ours || c->refuse_acked;
	case CHAN_RESET:
		return c->reset_acked && c->peer_reset;
	case CHAN_OPEN:
		return c->fin_acked && c->tx.base == c->tx_written && c->rx_fin;
	}
	return false;
}

void chan_maybe_free(struct chan_mux *m, struct chan *c)
{
	if (!c->released || !chan_done(c))
		return;
	if (c->state == CHAN_OPEN)
		chan_rx_settle(m, c, c->rx_fin_at);
	chan_unlink(m, c);
	chan_destroy(c);
}

static void grant_windows(struct chan_mux *m, struct chan *c)
{
	if (c->rx.base + SSPSH_CHAN_WINDOW - c->rx_limit >= SSPSH_CHAN_WINDOW / 4 &&
	    !c->rx_fin && c->state == CHAN_OPEN) {
		c->rx_limit = c->rx.base + SSPSH_CHAN_WINDOW;
		c->owed |= OWE_WINDOW;
	}
	if (m->rx_session_read + SSPSH_CHAN_SESSION_WINDOW - m->rx_session_limit >=
	    SSPSH_CHAN_SESSION_WINDOW / 4) {
		m->rx_session_limit = m->rx_session_read + SSPSH_CHAN_SESSION_WINDOW;
		m->owe_session_window = true;
	}
}

void chan_rx_consumed(struct chan_mux *m, struct chan *c, uint64_t new_base)
{
	uint64_t held_end = c->rx_high > new_base ? c->rx_high : new_base;

	if (new_base <= c->rx.base)
		return;
	m->rx_session_read += new_base - c->rx.base;
	m->rx_buffered -= (size_t)(c->rx_high - c->rx.base);
	ranges_remove_below(&c->rx_have, new_base);
	streambuf_advance(&c->rx, new_base, held_end);
	c->rx_high = held_end;
	m->rx_buffered += (size_t)(c->rx_high - c->rx.base);
	grant_windows(m, c);
}

void chan_rx_settle(struct chan_mux *m, struct chan *c, uint64_t final)
{
	if (final > c->rx_high) {
		m->rx_session_high += final - c->rx_high;
		m->rx_buffered += (size_t)(final - c->rx_high);
		c->rx_high = final;
	}
	chan_rx_consumed(m, c, final);
}

void chan_enter_reset(struct chan_mux *m, struct chan *c, uint64_t code)
{
	if (c->state == CHAN_RESET)
		return;
	c->state = CHAN_RESET;
	c->code = code;
	c->owed = OWE_RESET;
	/* Nothing written is sent or sent again any more. */
	m->tx_buffered -= (size_t)(c->tx_written - c->tx.base);
	streambuf_free(&c->tx);
	c->tx.base = c->tx_written;
	ranges_clear(&c->tx_lost);
	ranges_clear(&c->tx_acked);
	chan_rx_consumed(m, c, c->rx_high);	/* and nothing unread is kept */
}

/* ---- The application's side ---- */

/* Our new channel's index stays within SSPSH_CHAN_ID_SPAN of the oldest
 * one we hold, so the peer can tell it from a late duplicate. */
static bool index_in_span(const struct chan_mux *m, uint32_t index)
{
	for (const struct chan *c = m->first; c; c = c->next)
		if (c->ours)
			return index - (c->id >> 1) < SSPSH_CHAN_ID_SPAN;
	return true;
}

bool chan_open(struct chan_mux *m, const void *request, size_t len, uint32_t *id)
{
	uint32_t index = m->next_index;
	struct chan *c;

	if (len > SSPSH_CHAN_OPEN_INFO_MAX || m->n_ours >= SSPSH_CHAN_MAX ||
	    index > UINT32_MAX >> 1 || !index_in_span(m, index))
		return false;
	c = chan_create(m, index << 1 | (uint32_t)m->role, true);
	if (!c)
		return false;
	c->info = malloc(len ? len : 1);
	if (!c->info) {
		c->released = true;
		c->state = CHAN_REFUSED;
		chan_maybe_free(m, c);
		return false;
	}
	if (len)
		memcpy(c->info, request, len);
	c->info_len = len;
	c->state = CHAN_OPENING;
	c->owed = OWE_OPEN;
	m->next_index++;
	*id = c->id;
	return true;
}

bool chan_accept(struct chan_mux *m, uint32_t id)
{
	struct chan *c = held(m, id);

	if (!c || c->state != CHAN_PENDING)
		return false;
	c->state = CHAN_OPEN;
	c->owed |= OWE_ACCEPT;
	return true;
}

bool chan_refuse(struct chan_mux *m, uint32_t id, uint64_t code, const char *reason)
{
	struct chan *c = held(m, id);
	size_t len = strlen(reason);
	uint8_t *copy;

	if (!c || c->state != CHAN_PENDING)
		return false;
	if (len > SSPSH_CHAN_REASON_MAX)
		len = SSPSH_CHAN_REASON_MAX;
	copy = malloc(len ? len : 1);
	if (copy) {
		if (len)
			memcpy(copy, reason, len);
		free(c->info);
		c->info = copy;
		c->info_len = len;
	} else {
		c->info_len = 0;	/* the request is no reason; send none */
	}
	c->state = CHAN_REFUSED;
	c->code = code;
	c->owed = OWE_REFUSE;
	return true;
}

static size_t write_room(const struct chan_mux *m, const struct chan *c)
{
	size_t chan_room = SSPSH_CHAN_SEND_BUFFER - (size_t)(c->tx_written - c->tx.base);
	size_t session_room = SSPSH_CHAN_SESSION_SEND_BUFFER - m->tx_buffered;

	if (c->fin_wanted || (c->state != CHAN_OPEN && c->state != CHAN_OPENING))
		return 0;
	return chan_room < session_room ? chan_room : session_room;
}

size_t chan_write_room(const struct chan_mux *m, uint32_t id)
{
	const struct chan *c = held(m, id);

	return c ? write_room(m, c) : 0;
}

size_t chan_write(struct chan_mux *m, uint32_t id, const void *data, size_t len)
{
	struct chan *c = held(m, id);
	size_t room;

	if (!c)
		return 0;
	room = write_room(m, c);
	if (len > room) {
		len = room;
		c->write_blocked = true;
	}
	if (len == 0 || !streambuf_reserve(&c->tx, c->tx_written + len)) {
		c->write_blocked = true;
		return 0;
	}
	streambuf_put(&c->tx, c->tx_written, data, len);
	c->tx_written += len;
	m->tx_buffered += len;
	return len;
}

int chan_write_space(struct chan_mux *m, uint32_t id, size_t want, struct iovec piece[2])
{
	struct chan *c = held(m, id);
	size_t room, len;

	if (!c)
		return 0;
	room = write_room(m, c);
	len = streambuf_room(&c->tx, c->tx_written);
	if (len < want)
		len = want;
	if (len > room)
		len = room;
	if (len == 0 || !streambuf_reserve(&c->tx, c->tx_written + len)) {
		c->write_blocked = true;
		return 0;
	}
	return streambuf_pieces(&c->tx, c->tx_written, len, piece);
}

void chan_wrote(struct chan_mux *m, uint32_t id, size_t n)
{
	struct chan *c = held(m, id);
	size_t room;

	if (!c)
		return;
	room = write_room(m, c);
	if (room > streambuf_room(&c->tx, c->tx_written))
		room = streambuf_room(&c->tx, c->tx_written);
	if (n > room)
		n = room;	/* more than chan_write_space gave */
	c->tx_written += n;
	m->tx_buffered += n;
}

/* The bytes from rx.base that have arrived without a hole. */
static size_t contiguous(const struct chan *c)
{
	if (ranges_empty(&c->rx_have) || c->rx_have.v[0].start > c->rx.base)
		return 0;
	return (size_t)(c->rx_have.v[0].end - c->rx.base);
}

size_t chan_readable(const struct chan_mux *m, uint32_t id)
{
	const struct chan *c = held(m, id);

	return c && c->state == CHAN_OPEN ? contiguous(c) : 0;
}

size_t chan_read(struct chan_mux *m, uint32_t id, void *out, size_t cap)
{
	struct chan *c = held(m, id);
	size_t n;

	if (!c || c->state != CHAN_OPEN)
		return 0;
	n = contiguous(c);
	if (n > cap)
		n = cap;
	if (n == 0)
		return 0;
	streambuf_get(&c->rx, c->rx.base, out, n);
	chan_rx_consumed(m, c, c->rx.base + n);
	return n;
}

int chan_peek(struct chan_mux *m, uint32_t id, struct iovec piece[2])
{
	struct chan *c = held(m, id);
	size_t n = c && c->state == CHAN_OPEN ? contiguous(c) : 0;

	return n ? streambuf_pieces(&c->rx, c->rx.base, n, piece) : 0;
}

void chan_consume(struct chan_mux *m, uint32_t id, size_t n)
{
	struct chan *c = held(m, id);
	size_t readable = c && c->state == CHAN_OPEN ? contiguous(c) : 0;

	if (n > readable)
		n = readable;
	if (n)
		chan_rx_consumed(m, c, c->rx.base + n);
}

bool chan_at_eof(const struct chan_mux *m, uint32_t id)
{
	const struct chan *c = held(m, id);

	return c && c->rx_fin && c->rx.base == c->rx_fin_at;
}

void chan_shutdown(struct chan_mux *m, uint32_t id)
{
	struct chan *c = held(m, id);

	if (c && (c->state == CHAN_OPEN || c->state == CHAN_OPENING))
		c->fin_wanted = true;
}

bool chan_all_acked(const struct chan_mux *m, uint32_t id)
{
	const struct chan *c = chan_find(m, id);

	return c && c->fin_acked && c->tx.base == c->tx_written;
}

void chan_reset(struct chan_mux *m, uint32_t id, uint64_t code)
{
	struct chan *c = held(m, id);

	if (!c)
		return;
	if (c->state == CHAN_OPEN)
		chan_enter_reset(m, c, code);
	chan_release(m, id);
}

void chan_release(struct chan_mux *m, uint32_t id)
{
	struct chan *c = held(m, id);

	if (!c)
		return;
	c->released = true;
	c->events = 0;
	if (c->state == CHAN_PENDING) {
		c->state = CHAN_REFUSED;
		c->info_len = 0;
		c->owed = OWE_REFUSE;
	}
	if (c->state == CHAN_OPEN) {
		c->fin_wanted = true;
		/* Unread bytes are dropped, and so will later ones be. */
		chan_rx_consumed(m, c, c->rx_high);
	}
	chan_maybe_free(m, c);
}

/* ---- Events ---- */

static void fill_event(const struct chan *c, enum chan_event_type type, struct chan_event *ev)
{
	*ev = (struct chan_event){ .type = type, .id = c->id, .code = c->code };
	if (type == CHAN_EV_OPEN || type == CHAN_EV_REFUSED) {
		ev->bytes = c->info;
		ev->len = c->info_len;
	}
}

bool chan_mux_next_event(struct chan_mux *m, struct chan_event *ev)
{
	for (struct chan *c = m->first; c; c = c->next) {
		if (!c->events)
			continue;
		for (unsigned type = CHAN_EV_OPEN; type <= CHAN_EV_RESET; type++) {
			if (c->events & 1u << type) {
				c->events &= ~(1u << type);
				fill_event(c, (enum chan_event_type)type, ev);
				return true;
			}
		}
	}
	return false;
}

void chan_mux_stats(const struct chan_mux *m, struct chan_stats *out)
{
	*out = m->stats;
	out->channels = m->n_ours + m->n_theirs;
	out->in_flight_packets = m->sent_count;
	out->in_flight_bytes = m->in_flight_bytes;
	out->cwnd = m->cwnd;
	out->rx_buffered = m->rx_buffered;
	out->tx_buffered = m->tx_buffered;
	out->min_rtt_ms = m->min_rtt_ms;
}
