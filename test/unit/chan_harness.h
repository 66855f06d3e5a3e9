/* Two channel muxes joined by the in-process link emulator (net/link.h) on
 * a simulated clock, and a small application on each side that sends a
 * known byte pattern on its channels and checks what it reads. Side 0 is
 * the client, side 1 the server. Header-only, for the channel unit tests. */
#ifndef SSPSH_CHAN_HARNESS_H
#define SSPSH_CHAN_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "core/buf.h"
#include "core/options.h"
#include "net/channel.h"
#include "net/datagram.h"
#include "net/link.h"

#define H_MAX_CHANS 300
#define H_PAYLOAD DATAGRAM_PAYLOAD_MAX

/* One channel as one side's application sees it. */
struct h_chan {
	bool used;
	uint32_t id;
	uint64_t to_send;	/* bytes this side sends, then it shuts down */
	uint64_t written, got;
	bool shut, eof, accepted, refused, reset, released, corrupt;
	uint64_t code;
	char reason[SSPSH_CHAN_REASON_MAX + 1];
};

struct h_side {
	struct chan_mux *mux;
	struct h_chan chans[H_MAX_CHANS];
	bool refuse_opens;	/* answer every open request with a refusal */
	bool read_paused;	/* a slow reader */
	bool release_when_done;	/* release a channel once both ways ended */
	bool in_place;		/* chan_peek/chan_consume, chan_write_space/chan_wrote */
	uint64_t reply_bytes;	/* what it sends on channels the peer opened */
	uint64_t opens_seen;
};

struct h_pair {
	struct h_side side[2];
	struct link *link;
	uint64_t now;
	struct buf pkt;
	size_t max_payload;
	int srtt_ms, rto_ms;
	unsigned oversize;	/* payloads longer than max_payload (a bug) */
};

/* The byte at offset i of the stream channel id carries from one side. */
static inline uint8_t h_pattern(uint32_t id, uint64_t i)
{
	return (uint8_t)(i * 131 + (i >> 9) * 7 + id * 29);
}

static inline bool h_pair_init(struct h_pair *p, const struct link_params *params)
{
	memset(p, 0, sizeof *p);
	p->side[0].mux = chan_mux_new(CHAN_ROLE_CLIENT);
	p->side[1].mux = chan_mux_new(CHAN_ROLE_SERVER);
	p->link = link_new(params);
	p->now = 1000;
	p->max_payload = H_PAYLOAD;
	/* What the transport would measure: the mean round trip, and a
	 * timeout four deviations above it, at least SSPSH_RTO_MIN_MS. */
	p->srtt_ms = (int)(2 * params->delay_ms + 1);
	p->rto_ms = p->srtt_ms + 4 * (int)params->jitter_ms;
	if (p->rto_ms < SSPSH_RTO_MIN_MS)
		p->rto_ms = SSPSH_RTO_MIN_MS;
	buf_init(&p->pkt);
	for (int s = 0; s < 2; s++) {
		p->side[s].release_when_done = true;
		if (p->side[s].mux)
			chan_mux_set_rtt(p->side[s].mux, p->srtt_ms, p->rto_ms);
	}
	return p->side[0].mux && p->side[1].mux && p->link;
}

static inline void h_pair_free(struct h_pair *p)
{
	chan_mux_free(p->side[0].mux);
	chan_mux_free(p->side[1].mux);
	link_free(p->link);
	buf_free(&p->pkt);
}

static inline struct h_chan *h_find(struct h_side *s, uint32_t id)
{
	for (int i = 0; i < H_MAX_CHANS; i++)
		if (s->chans[i].used && s->chans[i].id == id)
			return &s->chans[i];
	return NULL;
}

static inline struct h_chan *h_add(struct h_side *s, uint32_t id, uint64_t to_send)
{
	for (int i = 0; i < H_MAX_CHANS; i++) {
		if (!s->chans[i].used) {
			memset(&s->chans[i], 0, sizeof s->chans[i]);
			s->chans[i].used = true;
			s->chans[i].id = id;
			s->chans[i].to_send = to_send;
			return &s->chans[i];
		}
	}
	return NULL;
}

/* Opens a channel from side s that will carry `bytes`. */
static inline struct h_chan *h_open(struct h_pair *p, int s, uint64_t bytes)
{
	uint32_t id;
	char request[32];

	snprintf(request, sizeof request, "test %d", s);
	if (!chan_open(p->side[s].mux, request, strlen(request), &id))
		return NULL;
	return h_add(&p->side[s], id, bytes);
}

/* Checks n bytes read from c against the pattern. */
static inline void h_check(struct h_chan *c, const uint8_t *bytes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (bytes[i] != h_pattern(c->id, c->got + i))
			c->corrupt = true;
	c->got += n;
}

/* Reads in place, an odd part of what is shown at a time (a socket that
 * takes some): every piece boundary and the ring's wrap get crossed. */
static inline void h_read_in_place(struct h_side *s, struct h_chan *c)
{
	struct iovec piece[2];
	int pieces;

	while ((pieces = chan_peek(s->mux, c->id, piece)) > 0) {
		size_t shown = piece[0].iov_len + (pieces > 1 ? piece[1].iov_len : 0);
		size_t take = shown > 3001 ? 3001 : shown, first = take < piece[0].iov_len ? take : piece[0].iov_len;

		h_check(c, piece[0].iov_base, first);
		if (take > first)
			h_check(c, piece[1].iov_base, take - first);
		chan_consume(s->mux, c->id, take);
	}
}

static inline void h_read(struct h_side *s, struct h_chan *c)
{
	uint8_t buf[4096];
	size_t n;

	if (!s->read_paused && s->in_place)
		h_read_in_place(s, c);
	while (!s->read_paused && (n = chan_read(s->mux, c->id, buf, sizeof buf)) > 0)
		h_check(c, buf, n);
	if (chan_at_eof(s->mux, c->id))
		c->eof = true;
}

/* Writes in place, an odd part of the room given at a time. */
static inline void h_write_in_place(struct h_side *s, struct h_chan *c)
{
	struct iovec piece[2];
	int pieces;

	while (c->written < c->to_send && (pieces = chan_write_space(s->mux, c->id, 5000, piece)) > 0) {
		size_t given = piece[0].iov_len + (pieces > 1 ? piece[1].iov_len : 0), put = 0;
		uint64_t left = c->to_send - c->written;
		size_t want = given > 7001 ? 7001 : given;

		if (want > left)
			want = (size_t)left;
		for (int i = 0; i < pieces && put < want; i++) {
			uint8_t *to = piece[i].iov_base;
			for (size_t j = 0; j < piece[i].iov_len && put < want; j++, put++)
				to[j] = h_pattern(c->id, c->written + put);
		}
		chan_wrote(s->mux, c->id, put);
		c->written += put;
	}
}

static inline void h_write(struct h_side *s, struct h_chan *c)
{
	uint8_t buf[4096];

	if (s->in_place && !c->shut)
		h_write_in_place(s, c);
	while (!c->shut && c->written < c->to_send) {
		size_t want = c->to_send - c->written < sizeof buf ? (size_t)(c->to_send - c->written)
								     : sizeof buf, took;
		for (size_t i = 0; i < want; i++)
			buf[i] = h_pattern(c->id, c->written + i);
		took = chan_write(s->mux, c->id, buf, want);
		c->written += took;
		if (took < want)
			return;
	}
	if (!c->shut && c->written == c->to_send) {
		chan_shutdown(s->mux, c->id);
		c->shut = true;
	}
}

static inline void h_event(struct h_side *s, const struct chan_event *ev)
{
	struct h_chan *c = h_find(s, ev->id);

	switch (ev->type) {
	case CHAN_EV_OPEN:
		s->opens_seen++;
		if (s->refuse_opens) {
			chan_refuse(s->mux, ev->id, 7, "no such thing");
			chan_release(s->mux, ev->id);
		} else if (chan_accept(s->mux, ev->id)) {
			c = h_add(s, ev->id, s->reply_bytes);
			if (c)
				c->accepted = true;
		}
		break;
	case CHAN_EV_ACCEPTED:
		if (c)
			c->accepted = true;
		break;
	case CHAN_EV_REFUSED:
		if (c) {
			c->refused = true;
			c->code = ev->code;
			memcpy(c->reason, ev->bytes, ev->len);
			c->reason[ev->len] = 0;
			chan_release(s->mux, ev->id);
			c->released = true;
		}
		break;
	case CHAN_EV_RESET:
		if (c) {
			c->reset = true;
			c->code = ev->code;
			chan_release(s->mux, ev->id);
			c->released = true;
		}
		break;
	case CHAN_EV_READABLE:
	case CHAN_EV_WRITABLE:
		break;
	}
}

/* The application's turn on side s. */
static inline void h_app(struct h_side *s)
{
	struct chan_event ev;

	while (chan_mux_next_event(s->mux, &ev))
		h_event(s, &ev);
	for (int i = 0; i < H_MAX_CHANS; i++) {
		struct h_chan *c = &s->chans[i];

		if (!c->used || c->released || c->refused || c->reset)
			continue;
		h_write(s, c);
		h_read(s, c);
		if (s->release_when_done && c->eof && c->shut && chan_all_acked(s->mux, c->id)) {
			chan_release(s->mux, c->id);
			c->released = true;
		}
	}
}

/* Sends what side s has due into the link. */
static inline void h_emit(struct h_pair *p, int s)
{
	struct sockaddr_storage nowhere = { .ss_family = AF_INET };

	for (int i = 0; i < 4096; i++) {
		size_t n;

		buf_reset(&p->pkt);
		n = chan_mux_emit(p->side[s].mux, p->now, p->max_payload, &p->pkt);
		if (!n)
			return;
		if (n > p->max_payload)
			p->oversize++;
		link_submit(p->link, s == 0 ? LINK_OUT : LINK_IN, p->now, p->pkt.data, p->pkt.len,
			    (struct sockaddr *)&nowhere, sizeof nowhere);
	}
}

static inline void h_deliver(struct h_pair *p)
{
	struct link_datagram d;

	while (link_take_due(p->link, LINK_OUT, p->now, &d)) {
		chan_mux_receive(p->side[1].mux, d.data, d.len, p->now);
		link_datagram_release(&d);
	}
	while (link_take_due(p->link, LINK_IN, p->now, &d)) {
		chan_mux_receive(p->side[0].mux, d.data, d.len, p->now);
		link_datagram_release(&d);
	}
}

/* One millisecond of both sides and the link. */
static inline void h_step(struct h_pair *p)
{
	h_deliver(p);
	h_app(&p->side[0]);
	h_app(&p->side[1]);
	h_emit(p, 0);
	h_emit(p, 1);
	p->now++;
}

/* Every channel of both sides is ended and released, and no record is
 * left in either mux. */
static inline bool h_all_done(const struct h_pair *p)
{
	struct chan_stats st;

	for (int s = 0; s < 2; s++) {
		chan_mux_stats(p->side[s].mux, &st);
		if (st.channels != 0)
			return false;
	}
	return true;
}

/* Steps until every channel is done or max_ms passed; the ms it took. */
static inline uint64_t h_run(struct h_pair *p, uint64_t max_ms)
{
	uint64_t start = p->now;

	while (p->now - start < max_ms && !h_all_done(p))
		h_step(p);
	return p->now - start;
}

#endif
