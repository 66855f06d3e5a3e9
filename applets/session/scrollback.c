/* The scrollback stream: see applets/session/scrollback.h. */
#include "applets/session/scrollback.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/options.h"

enum record { RECORD_ENTRY = 0x01, RECORD_GAP = 0x02 };

/* Bytes of a record's header at most: a tag and a 10-byte varint. */
#define HEADER_MAX 11

/* ---- Server ---- */

void scrollback_tx_start(struct scrollback_tx *tx, const struct history *log, uint32_t replay)
{
	uint64_t end = history_end(log), start = history_start(log);

	memset(tx, 0, sizeof *tx);
	tx->next = end - start > replay ? end - replay : start;
}

static size_t varint_len(uint64_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

size_t scrollback_tx_fill(struct scrollback_tx *tx, const struct history *log, size_t room,
			  struct buf *out)
{
	size_t before = out->len, used = 0;

	if (tx->next < history_start(log) && room >= HEADER_MAX) {
		buf_put_u8(out, RECORD_GAP);
		buf_put_varint(out, history_start(log) - tx->next);
		tx->next = history_start(log);
		used = out->len - before;
	}
	while (tx->next < history_end(log)) {
		const uint8_t *data;
		size_t len, record;
		if (!history_entry(log, tx->next, &data, &len))
			break;
		record = 1 + varint_len(len) + len;
		if (used + record > room)
			break;
		buf_put_u8(out, RECORD_ENTRY);
		buf_put_varint(out, len);
		buf_put(out, data, len);
		used += record;
		tx->next++;
	}
	return out->len - before;
}

/* Bytes of the next record to send (at most, for a gap). */
static size_t next_record_size(const struct scrollback_tx *tx, const struct history *log)
{
	const uint8_t *data;
	size_t len;

	if (tx->next < history_start(log) || !history_entry(log, tx->next, &data, &len))
		return HEADER_MAX;
	return 1 + varint_len(len) + len;
}

bool scrollback_tx_due(const struct scrollback_tx *tx, const struct history *log,
		       const struct chan_mux *m, uint32_t id)
{
	return scrollback_tx_backlog(tx, log) > 0 &&
	       scrollback_tx_room(tx, m, id) >= next_record_size(tx, log);
}

size_t scrollback_tx_room(const struct scrollback_tx *tx, const struct chan_mux *m, uint32_t id)
{
	uint64_t ahead = tx->sent - tx->written;
	size_t room = chan_write_room(m, id);

	if (ahead >= SSPSH_SCROLLBACK_AHEAD_MAX)
		return 0;
	return room < SSPSH_SCROLLBACK_AHEAD_MAX - ahead ? room : (size_t)(SSPSH_SCROLLBACK_AHEAD_MAX - ahead);
}

void scrollback_tx_send(struct scrollback_tx *tx, const struct history *log, struct chan_mux *m,
			uint32_t id)
{
	struct buf records;
	size_t room;

	buf_init(&records);
	while ((room = scrollback_tx_room(tx, m, id)) > 0 && scrollback_tx_backlog(tx, log) > 0) {
		struct scrollback_tx before = *tx;
		buf_reset(&records);
		if (scrollback_tx_fill(tx, log, room, &records) == 0 || records.oom ||
		    chan_write(m, id, records.data, records.len) != records.len) {
			*tx = before;	/* nothing of it went: sent again later */
			break;
		}
		tx->sent += records.len;
	}
	buf_free(&records);
}

bool scrollback_tx_reports(struct scrollback_tx *tx, const uint8_t *data, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		uint64_t unwritten;
		if (tx->report_shift > 63 || (tx->report_shift == 63 && (data[i] & 0x7e)))
			return false;	/* over 64 bits */
		tx->report |= (uint64_t)(data[i] & 0x7f) << tx->report_shift;
		tx->report_shift += 7;
		if (data[i] & 0x80)
			continue;
		unwritten = tx->sent - tx->written;
		tx->written += tx->report < unwritten ? tx->report : unwritten;
		tx->report = 0;
		tx->report_shift = 0;
	}
	return true;
}

bool scrollback_tx_read_reports(struct scrollback_tx *tx, struct chan_mux *m, uint32_t id)
{
	uint8_t chunk[512];
	size_t n;

	while ((n = chan_read(m, id, chunk, sizeof chunk)) > 0)
		if (!scrollback_tx_reports(tx, chunk, n))
			return false;
	return true;
}

uint64_t scrollback_tx_backlog(const struct scrollback_tx *tx, const struct history *log)
{
	uint64_t from = tx->next > history_start(log) ? tx->next : history_start(log);

	return history_end(log) - from;
}

bool scrollback_lines_request(const uint8_t *request, size_t len, uint32_t *lines)
{
	size_t prefix = strlen(SCROLLBACK_LINES_REQUEST), digits = len - prefix;
	uint32_t n = 0;

	if (len <= prefix || digits > 7 || memcmp(request, SCROLLBACK_LINES_REQUEST, prefix) != 0)
		return false;
	for (size_t i = prefix; i < len; i++) {
		if (request[i] < '0' || request[i] > '9')
			return false;
		n = n * 10 + (uint32_t)(request[i] - '0');
	}
	*lines = n;
	return true;
}

/* ---- Client ---- */

void scrollback_rx_init(struct scrollback_rx *rx)
{
	memset(rx, 0, sizeof *rx);
	buf_init(&rx->held);
	buf_init(&rx->partial);
}

void scrollback_rx_free(struct scrollback_rx *rx)
{
	buf_free(&rx->held);
	buf_free(&rx->partial);
	free(rx->spans);
	memset(rx, 0, sizeof *rx);
}

/* The length of the record at data[0..len): 0 if it is not complete yet,
 * SIZE_MAX if it breaks a rule. */
static size_t record_length(const uint8_t *data, size_t len)
{
	struct reader r;
	uint64_t value;

	reader_init(&r, data, len);
	uint8_t tag = rd_u8(&r);
	value = rd_varint(&r);
	if (r.failed)
		return len >= HEADER_MAX || (len && tag != RECORD_ENTRY && tag != RECORD_GAP) ?
			       SIZE_MAX : 0;
	if (tag == RECORD_GAP)
		return value ? r.off : SIZE_MAX;
	if (tag != RECORD_ENTRY || value == 0 || value > SSPSH_HISTORY_LINE_MAX)
		return SIZE_MAX;
	return r.off + value <= len ? r.off + (size_t)value : 0;
}

/* Move the complete records at the start of partial to held. */
static bool take_records(struct scrollback_rx *rx)
{
	size_t used = 0, n;

	while ((n = record_length(rx->partial.data + used, rx->partial.len - used)) != 0) {
		if (n == SIZE_MAX)
			return false;
		used += n;
	}
	buf_put(&rx->held, rx->partial.data, used);
	buf_consume(&rx->partial, used);
	return !rx->held.oom;
}

bool scrollback_rx_feed(struct scrollback_rx *rx, const uint8_t *data, size_t len)
{
	if (rx->failed)
		return false;
	buf_put(&rx->partial, data, len);
	if (rx->partial.oom || !take_records(rx))
		rx->failed = true;
	return !rx->failed;
}

bool scrollback_rx_ready(const struct scrollback_rx *rx)
{
	return rx->held.len > 0;
}

size_t scrollback_rx_held(const struct scrollback_rx *rx)
{
	return rx->held.len + rx->partial.len;
}

bool scrollback_rx_read(struct scrollback_rx *rx, struct chan_mux *m, uint32_t id)
{
	uint8_t chunk[16384];
	size_t n;

	while (!rx->failed && (n = chan_read(m, id, chunk, sizeof chunk)) > 0) {
		scrollback_rx_feed(rx, chunk, n);
		if (scrollback_rx_held(rx) > SSPSH_SCROLLBACK_AHEAD_MAX)
			rx->failed = true;	/* the server went further ahead than it may */
	}
	return !rx->failed;
}

static bool add_span(struct scrollback_rx *rx, size_t n, const uint8_t *data, size_t len)
{
	if (n == rx->spans_cap) {
		size_t cap = rx->spans_cap ? rx->spans_cap * 2 : 256;
		struct history_span *spans = realloc(rx->spans, cap * sizeof spans[0]);
		if (!spans)
			return false;
		rx->spans = spans;
		rx->spans_cap = cap;
	}
	rx->spans[n].data = data;
	rx->spans[n].len = len;
	return true;
}

bool scrollback_rx_batch(struct scrollback_rx *rx, size_t max_bytes, struct scrollback_batch *batch)
{
	struct reader r;

	memset(batch, 0, sizeof *batch);
	reader_init(&r, rx->held.data, rx->held.len);
	rx->batch_bytes = 0;
	while (reader_left(&r) && (!batch->n || r.off < max_bytes)) {
		uint8_t tag = rd_u8(&r);
		uint64_t value = rd_varint(&r);
		if (tag == RECORD_GAP) {
			if (batch->n)
				break;	/* the gap starts the next batch */
			batch->lost += value;
		} else if (!add_span(rx, batch->n, rd_bytes(&r, (size_t)value), (size_t)value)) {
			break;	/* out of memory: a smaller batch */
		} else {
			batch->n++;
		}
		rx->batch_bytes = r.off;
	}
	batch->entries = rx->spans;
	return batch->n > 0 || batch->lost > 0;
}

void scrollback_rx_done(struct scrollback_rx *rx)
{
	buf_consume(&rx->held, rx->batch_bytes);
	rx->unreported += rx->batch_bytes;
	rx->batch_bytes = 0;
}

void scrollback_rx_report(struct scrollback_rx *rx, struct chan_mux *m, uint32_t id)
{
	struct buf report;

	if (!rx->unreported ||
	    (rx->unreported < SSPSH_SCROLLBACK_AHEAD_MAX / 4 && scrollback_rx_held(rx)))
		return;
	buf_init(&report);
	buf_put_varint(&report, rx->unreported);
	/* Whole or not at all: the server reads a sequence of varints. */
	if (!report.oom && chan_write_room(m, id) >= report.len &&
	    chan_write(m, id, report.data, report.len) == report.len)
		rx->unreported = 0;
	buf_free(&report);
}

uint64_t scrollback_pace_resume_at(const struct scrollback_pace *p, uint64_t srtt_ms)
{
	return p->typed_at ? p->typed_at + srtt_ms + SSPSH_SCROLLBACK_ANSWER_WAIT_MS : 0;
}

bool scrollback_pace_keep_in_view(const struct scrollback_pace *p, uint64_t now)
{
	return now >= p->screen_changed_at + SSPSH_SCROLLBACK_STILL_MS ||
	       (p->typed_at && now < p->typed_at + SSPSH_SCROLLBACK_TYPED_VIEW_MS);
}

/* ---- The client's channel ---- */

void scrollback_client_init(struct scrollback_client *c, bool wanted)
{
	scrollback_rx_init(&c->rx);
	c->id = 0;
	c->open = false;
	c->wanted = wanted;
	c->asking = false;
}

void scrollback_client_ask(struct scrollback_client *c, struct chan_mux *m, uint32_t lines)
{
	char request[64];
	int len = snprintf(request, sizeof request, "%s%u", SCROLLBACK_LINES_REQUEST, lines);

	if (m && chan_open(m, request, (size_t)len, &c->ask_id))
		c->asking = true;
}

/* The answer to scrollback_client_ask: a refusal, as any server gives. */
static bool asked_event(struct scrollback_client *c, struct chan_mux *m, const struct chan_event *ev)
{
	if (!c->asking || ev->id != c->ask_id || ev->type == CHAN_EV_OPEN)
		return false;
	if (ev->type == CHAN_EV_ACCEPTED)
		chan_reset(m, c->ask_id, 0);	/* not a server of ours: nothing to say on it */
	else
		chan_release(m, c->ask_id);
	c->asking = false;
	return true;
}

void scrollback_client_free(struct scrollback_client *c)
{
	scrollback_rx_free(&c->rx);
}

static bool is_scrollback_request(const struct chan_event *ev)
{
	return ev->len == strlen(SCROLLBACK_CHANNEL_REQUEST) &&
	       memcmp(ev->bytes, SCROLLBACK_CHANNEL_REQUEST, ev->len) == 0;
}

bool scrollback_client_event(struct scrollback_client *c, struct chan_mux *m,
			     const struct chan_event *ev)
{
	if (ev->type == CHAN_EV_OPEN) {
		if (!is_scrollback_request(ev))
			return false;
		if (c->wanted && !c->open && chan_accept(m, ev->id)) {
			c->id = ev->id;
			c->open = true;
		} else {
			chan_refuse(m, ev->id, 1, "not wanted");
			chan_release(m, ev->id);
		}
		return true;
	}
	if (asked_event(c, m, ev))
		return true;
	if (!c->open || ev->id != c->id)
		return false;
	if (ev->type == CHAN_EV_RESET) {
		chan_release(m, c->id);
		c->open = false;
	}
	return true;
}

void scrollback_client_report(struct scrollback_client *c, struct chan_mux *m)
{
	if (c->open)
		scrollback_rx_report(&c->rx, m, c->id);
}

bool scrollback_client_read(struct scrollback_client *c, struct chan_mux *m)
{
	if (!c->open)
		return true;
	if (scrollback_rx_read(&c->rx, m, c->id))
		return true;
	chan_reset(m, c->id, 2);
	c->open = false;
	return false;
}

bool scrollback_client_done(const struct scrollback_client *c, const struct chan_mux *m)
{
	return (!c->open || chan_at_eof(m, c->id)) && !scrollback_rx_held(&c->rx);
}
