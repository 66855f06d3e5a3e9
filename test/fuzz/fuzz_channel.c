/* libFuzzer target: the channel layer (net/channel.h, net/chan_wire.h).
 * Everything here is what an authenticated peer can make it decode, so it
 * must never crash, leak, or hold more than core/sysoptions.h allows.
 *
 * The input is a list of records: one mode byte, a 2-byte big-endian
 * length, then that many bytes (clipped to what is left).
 *   mode 0  a payload for a server-side mux that has accepted channels and
 *           reads them; afterwards its memory stays within the bounds and
 *           every payload it sends is at most the size given and parses
 *   mode 1  frames for the decoder: each frame it accepts is written again
 *           and must read back the same
 *   mode 2  a program driving two honest muxes over a link the fuzzer
 *           controls (loss, duplication, reordering, time, writes, resets):
 *           whatever it does, each side reads on each channel a prefix of
 *           what the other wrote, each byte once and in order. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/options.h"
#include "net/chan_wire.h"
#include "net/channel.h"
#include "test/fuzz/fuzz_link.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PAYLOAD 400
#define CHANNELS 2

static uint8_t pattern(uint32_t id, uint64_t i)
{
	return (uint8_t)(i * 7 + id * 13 + (i >> 8));
}

/* Every payload a mux sends must parse whole. */
static void check_payload(const uint8_t *p, size_t len)
{
	static struct chan_frame f;
	struct reader r;
	uint64_t pn;

	if (len > PAYLOAD)
		abort();
	reader_init(&r, p, len);
	if (!chan_packet_number_get(&r, &pn) || reader_left(&r) == 0)
		abort();
	while (reader_left(&r))
		if (!chan_frame_get(&r, &f))
			abort();
}

static void check_bounds(const struct chan_mux *m)
{
	struct chan_stats st;

	chan_mux_stats(m, &st);
	if (st.channels > 2 * SSPSH_CHAN_MAX || st.rx_buffered > SSPSH_CHAN_SESSION_WINDOW ||
	    st.tx_buffered > SSPSH_CHAN_SESSION_SEND_BUFFER ||
	    st.in_flight_packets > SSPSH_CHAN_MAX_IN_FLIGHT)
		abort();
}

/* ---- Mode 0: hostile payloads ---- */

static void drain_events(struct chan_mux *m)
{
	struct chan_event ev;
	uint8_t sink[512];

	while (chan_mux_next_event(m, &ev)) {
		if (ev.type == CHAN_EV_OPEN) {
			if (ev.id % 4 == 0)
				chan_accept(m, ev.id);
			else
				chan_refuse(m, ev.id, 1, "no");
		} else if (ev.type == CHAN_EV_READABLE) {
			while (chan_read(m, ev.id, sink, sizeof sink))
				;
			if (chan_at_eof(m, ev.id))
				chan_release(m, ev.id);
		} else if (ev.type == CHAN_EV_RESET || ev.type == CHAN_EV_REFUSED) {
			chan_release(m, ev.id);
		}
	}
}

static void hostile(struct chan_mux *m, const uint8_t *payload, size_t len, uint64_t now)
{
	struct buf out;

	chan_mux_receive(m, payload, len, now);
	drain_events(m);
	check_bounds(m);
	buf_init(&out);
	for (int i = 0; i < 8 && chan_mux_emit(m, now, PAYLOAD, &out); i++) {
		check_payload(out.data, out.len);
		buf_reset(&out);
	}
	(void)chan_mux_deadline(m, now);
	buf_free(&out);
}

/* ---- Mode 1: decode, encode, decode ---- */

static void put_frame(struct buf *b, const struct chan_frame *f)
{
	struct ranges pns;

	switch (f->type) {
	case CHAN_FRAME_ACK:
		ranges_init(&pns, SSPSH_CHAN_ACK_RANGES);
		for (size_t i = 0; i < f->n_acked; i++)
			if (!ranges_add(&pns, f->acked[i].start, f->acked[i].end))
				abort();
		if (!chan_put_ack(b, &pns, f->ack_delay_ms, 65536))
			abort();
		ranges_free(&pns);
		break;
	case CHAN_FRAME_OPEN: chan_put_open(b, f->id, f->bytes, f->len); break;
	case CHAN_FRAME_ACCEPT: chan_put_accept(b, f->id); break;
	case CHAN_FRAME_REFUSE: chan_put_refuse(b, f->id, f->value, f->bytes, f->len); break;
	case CHAN_FRAME_DATA:
	case CHAN_FRAME_DATA_FIN:
		chan_put_data_header(b, f->id, f->offset, f->len, f->fin);
		buf_put(b, f->bytes, f->len);
		break;
	case CHAN_FRAME_RESET: chan_put_reset(b, f->id, f->value, f->offset); break;
	case CHAN_FRAME_WINDOW: chan_put_window(b, f->id, f->value); break;
	case CHAN_FRAME_SESSION_WINDOW: chan_put_session_window(b, f->value); break;
	case CHAN_FRAME_PING: chan_put_ping(b); break;
	}
}

static bool same_frame(const struct chan_frame *a, const struct chan_frame *b)
{
	if (a->type != b->type || a->id != b->id || a->value != b->value || a->fin != b->fin ||
	    a->len != b->len || (a->len && memcmp(a->bytes, b->bytes, a->len) != 0))
		return false;
	if ((a->type == CHAN_FRAME_DATA || a->type == CHAN_FRAME_DATA_FIN ||
	     a->type == CHAN_FRAME_RESET) && a->offset != b->offset)
		return false;
	if (a->type != CHAN_FRAME_ACK)
		return true;
	if (a->n_acked != b->n_acked || a->ack_delay_ms != b->ack_delay_ms)
		return false;
	for (size_t i = 0; i < a->n_acked; i++)
		if (a->acked[i].start != b->acked[i].start || a->acked[i].end != b->acked[i].end)
			return false;
	return true;
}

static void round_trip(const uint8_t *data, size_t len)
{
	static struct chan_frame f, again;
	struct reader r, back;
	struct buf b;

	buf_init(&b);
	reader_init(&r, data, len);
	while (reader_left(&r) && chan_frame_get(&r, &f)) {
		buf_reset(&b);
		put_frame(&b, &f);
		reader_init(&back, b.data, b.len);
		if (!chan_frame_get(&back, &again) || reader_left(&back) || !same_frame(&f, &again))
			abort();
	}
	buf_free(&b);
}

/* ---- Mode 2: two honest muxes over a fuzzed link ---- */

struct end {
	struct chan_mux *mux;
	uint32_t ids[CHANNELS];
	bool have[CHANNELS];
	uint64_t written[CHANNELS], read[CHANNELS];
};

struct pair {
	struct end end[2];
	struct queue link[2];	/* link[i]: packets to end i */
	uint64_t now;
};

static int slot_of(const struct end *e, uint32_t id)
{
	for (int i = 0; i < CHANNELS; i++)
		if (e->have[i] && e->ids[i] == id)
			return i;
	return -1;
}

static void honest_app(struct end *e)
{
	struct chan_event ev;
	uint8_t got[700];
	size_t n;
	int i;

	while (chan_mux_next_event(e->mux, &ev)) {
		if (ev.type == CHAN_EV_OPEN && chan_accept(e->mux, ev.id)) {
			for (i = 0; i < CHANNELS && e->have[i]; i++)
				;
			if (i == CHANNELS)
				abort();	/* the other side opens only CHANNELS */
			e->have[i] = true;
			e->ids[i] = ev.id;
		}
		if (ev.type == CHAN_EV_RESET && (i = slot_of(e, ev.id)) >= 0) {
			chan_release(e->mux, ev.id);
			e->have[i] = false;
		}
	}
	for (i = 0; i < CHANNELS; i++) {
		while (e->have[i] && (n = chan_read(e->mux, e->ids[i], got, sizeof got)) > 0) {
			for (size_t k = 0; k < n; k++)
				if (got[k] != pattern(e->ids[i], e->read[i] + k))
					abort();	/* not the next byte written */
			e->read[i] += n;
		}
	}
}

static void honest_write(struct end *e, int i, size_t len)
{
	uint8_t chunk[600];

	if (!e->have[i])
		return;
	for (size_t k = 0; k < len; k++)
		chunk[k] = pattern(e->ids[i], e->written[i] + k);
	e->written[i] += chan_write(e->mux, e->ids[i], chunk, len);
}

static void honest_emit(struct pair *p, int from)
{
	struct buf out;

	buf_init(&out);
	for (int i = 0; i < 16 && chan_mux_emit(p->end[from].mux, p->now, PAYLOAD, &out); i++) {
		check_payload(out.data, out.len);
		queue_push(&p->link[1 - from], out.data, out.len);
		buf_reset(&out);
	}
	buf_free(&out);
}

static void deliver(struct pair *p, int to, bool pop)
{
	struct queue *q = &p->link[to];
	struct buf *b = queue_head(q);

	if (!b)
		return;
	chan_mux_receive(p->end[to].mux, b->data, b->len, p->now);
	if (pop)
		queue_pop(q);
}

static void step(struct pair *p, uint8_t op)
{
	int side = op >> 7, i = (op >> 6) & 1;

	switch (op & 7) {
	case 0: honest_write(&p->end[side], i, (size_t)(op >> 3 & 7) * 80 + 1); break;
	case 1:
		p->now += (uint64_t)(op >> 3 & 15) * 9;
		honest_emit(p, 0);
		honest_emit(p, 1);
		break;
	case 2: deliver(p, side, true); break;
	case 3: queue_pop(&p->link[side]); break;
	case 4: deliver(p, side, false); break;	/* duplicated */
	case 5: queue_rotate(&p->link[side]); break;	/* reordered */
	case 6:
		if (op & 8 && p->end[side].have[i]) {
			chan_reset(p->end[side].mux, p->end[side].ids[i], 3);
			p->end[side].have[i] = false;
		} else if (p->end[side].have[i]) {
			chan_shutdown(p->end[side].mux, p->end[side].ids[i]);
		}
		break;
	case 7: break;
	}
	honest_app(&p->end[0]);
	honest_app(&p->end[1]);
	check_bounds(p->end[0].mux);
	check_bounds(p->end[1].mux);
}

static void pair_init(struct pair *p)
{
	memset(p, 0, sizeof *p);
	p->now = 1000;
	p->end[0].mux = chan_mux_new(CHAN_ROLE_CLIENT);
	p->end[1].mux = chan_mux_new(CHAN_ROLE_SERVER);
	if (!p->end[0].mux || !p->end[1].mux)
		abort();
	chan_mux_set_rtt(p->end[0].mux, 50, 100);
	chan_mux_set_rtt(p->end[1].mux, 50, 100);
	for (int i = 0; i < CHANNELS; i++) {
		if (!chan_open(p->end[0].mux, "f", 1, &p->end[0].ids[i]))
			abort();
		p->end[0].have[i] = true;
	}
}

static void pair_free(struct pair *p)
{
	chan_mux_free(p->end[0].mux);
	chan_mux_free(p->end[1].mux);
	queue_free(&p->link[0]);
	queue_free(&p->link[1]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pair p;
	struct chan_mux *victim = chan_mux_new(CHAN_ROLE_SERVER);
	uint64_t now = 1000;
	const uint8_t *bytes;
	uint8_t mode;
	size_t len;

	if (!victim)
		abort();
	pair_init(&p);
	while (fuzz_step(&data, &size, &mode, &bytes, &len)) {
		switch (mode % 3) {
		case 0: hostile(victim, bytes, len, now += mode); break;
		case 1: round_trip(bytes, len); break;
		case 2:
			for (size_t i = 0; i < len; i++)
				step(&p, bytes[i]);
			break;
		}
	}
	chan_mux_free(victim);
	pair_free(&p);
	return 0;
}
