#include "net/ssp.h"

#include <stdlib.h>
#include <string.h>

#include "core/options.h"
#include "net/ssp_wire.h"

struct held_state {
	uint64_t num;
	void *state;
	size_t bytes;		/* received: the diff that made it */
};

/* The sender keeps sent[0] = the newest state the peer acknowledged and
 * sent[n - 1] = the newest state sent; the receiver keeps received[n - 1]
 * = the newest state received, older ones as possible diff bases. */
struct ssp {
	struct ssp_config cfg;

	struct held_state sent[SSPSH_MAX_SENT_STATES];
	size_t n_sent;
	uint64_t next_num;
	bool dirty, urgent;
	uint64_t dirty_since, urgent_since;
	uint64_t last_state_ms;		/* a new state last went out */
	uint64_t last_send_ms;		/* any datagram last went out */
	bool newest_answers;		/* the newest state answers the peer's news */

	/* The encoded instruction (acked -> newest), kept for retransmission. */
	uint64_t instr_id, instr_old, instr_new;
	struct buf instr;
	bool resend_at_once;		/* the payload size shrank: split anew, now */

	struct held_state received[SSPSH_MAX_RECEIVED_STATES];
	size_t n_received;
	size_t received_bytes;		/* sum of their bytes */
	bool refusing;			/* ssp_set_accepting(false) */
	bool ack_owed;
	uint64_t ack_owed_since;
	unsigned news_unacked;		/* newer remote states since our last ack */
	struct ssp_assembler assembler;

	int srtt_ms, rto_ms;
	uint64_t last_heard_ms;
	uint64_t last_news_ms;		/* a newer remote state last arrived */

	struct buf diff, datagram;
	struct ssp_stats stats;
};

static int clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static int send_interval_ms(const struct ssp *s)
{
	return clamp(s->srtt_ms / 2, SSPSH_SEND_INTERVAL_MIN_MS, SSPSH_SEND_INTERVAL_MAX_MS);
}

struct ssp *ssp_new(const struct ssp_config *config, void *local_initial,
		    void *remote_initial)
{
	struct ssp *s = calloc(1, sizeof *s);

	if (!s || !local_initial || !remote_initial) {
		if (local_initial)
			config->local_ops->free(local_initial);
		if (remote_initial)
			config->remote_ops->free(remote_initial);
		free(s);
		return NULL;
	}
	s->cfg = *config;
	s->sent[0] = (struct held_state){ 0, local_initial, 0 };
	s->n_sent = 1;
	s->next_num = 1;
	s->received[0] = (struct held_state){ 0, remote_initial, 0 };
	s->n_received = 1;
	ssp_set_rtt(s, SSPSH_INITIAL_RTT_MS, SSPSH_RTO_MAX_MS);
	buf_init(&s->instr);
	buf_init(&s->diff);
	buf_init(&s->datagram);
	ssp_assembler_init(&s->assembler);
	s->assembler.limit = config->remote_instruction_max ? config->remote_instruction_max
							    : SSPSH_SSP_MAX_INSTRUCTION;
	return s;
}

void ssp_free(struct ssp *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_sent; i++)
		s->cfg.local_ops->free(s->sent[i].state);
	for (size_t i = 0; i < s->n_received; i++)
		s->cfg.remote_ops->free(s->received[i].state);
	buf_free(&s->instr);
	buf_free(&s->diff);
	buf_free(&s->datagram);
	ssp_assembler_free(&s->assembler);
	free(s);
}

/* ---- Sending ---- */

static struct held_state *newest_sent(struct ssp *s)
{
	return &s->sent[s->n_sent - 1];
}

static void encode_instruction(struct ssp *s)
{
	const struct held_state *base = &s->sent[0], *target = newest_sent(s);

	if (s->instr_id && s->instr_old == base->num && s->instr_new == target->num)
		return;
	buf_reset(&s->diff);
	if (base->num != target->num)
		s->cfg.local_ops->diff(base->state, target->state, &s->diff);
	buf_reset(&s->instr);
	ssp_instruction_put(&s->instr, base->num, target->num, s->diff.data, s->diff.len);
	s->instr_id++;
	s->instr_old = base->num;
	s->instr_new = target->num;
}

static void send_fragments(struct ssp *s)
{
	size_t room = s->cfg.max_payload - SSP_HEADER_MAX, off = 0;
	struct ssp_header h = {
		.ack_num = s->received[s->n_received - 1].num,
		.throwaway_num = s->sent[0].num,
		.instruction_id = s->instr_id,
	};

	do {
		size_t n = s->instr.len - off < room ? s->instr.len - off : room;
		h.last_fragment = off + n == s->instr.len;
		buf_reset(&s->datagram);
		ssp_header_put(&s->datagram, &h);
		buf_put(&s->datagram, s->instr.data + off, n);
		if (!s->datagram.oom)
			s->cfg.send(s->cfg.app, s->datagram.data, s->datagram.len);
		s->stats.datagrams_sent++;
		h.fragment_index++;
		off += n;
	} while (off < s->instr.len);
}

/* Sends acked -> newest: new data, a retransmission, an ack or a heartbeat. */
static void transmit(struct ssp *s, uint64_t now)
{
	encode_instruction(s);
	if (s->instr.oom) {
		s->instr_id = 0;	/* re-encode next time */
		return;
	}
	send_fragments(s);
	s->last_send_ms = now;
	s->ack_owed = false;
	s->news_unacked = 0;
	s->resend_at_once = false;
}

/* The unacknowledged state whose neighbours are closest in number: forgetting
 * it keeps the rest evenly spread, so whichever state an ack in flight names
 * is likely still held (an ack naming a forgotten state is ignored). */
static size_t densest_sent_state(const struct ssp *s)
{
	size_t best = 1;

	for (size_t k = 2; k + 1 < s->n_sent; k++)
		if (s->sent[k + 1].num - s->sent[k - 1].num <
		    s->sent[best + 1].num - s->sent[best - 1].num)
			best = k;
	return best;
}

static void push_sent(struct ssp *s, void *state)
{
	if (s->n_sent == SSPSH_MAX_SENT_STATES) {
		size_t k = densest_sent_state(s);
		s->cfg.local_ops->free(s->sent[k].state);
		memmove(&s->sent[k], &s->sent[k + 1], (s->n_sent - k - 1) * sizeof s->sent[0]);
		s->n_sent--;
	}
	s->sent[s->n_sent++] = (struct held_state){ s->next_num++, state, 0 };
}

/* Takes a snapshot; returns false when it equals the newest state sent. */
static bool send_new_state(struct ssp *s, uint64_t now)
{
	void *state = s->cfg.snapshot(s->cfg.app);

	s->dirty = s->urgent = false;
	if (!state)
		return false;
	if (s->cfg.local_ops->equal(state, newest_sent(s)->state)) {
		s->cfg.local_ops->free(state);
		return false;
	}
	push_sent(s, state);
	s->last_state_ms = now;
	s->newest_answers = s->last_news_ms && now < s->last_news_ms + SSPSH_ECHO_WINDOW_MS;
	s->stats.states_sent++;
	transmit(s, now);
	return true;
}

/* An urgent change that came after a frame interval without news is the
 * answer to a keystroke in a quiet session (an echo): it goes out at once.
 * One that follows a recent state is part of a stream of output, and waits
 * urgent_collect_ms to gather the rest of it. */
static uint64_t urgent_due(const struct ssp *s)
{
	bool streaming = s->urgent_since < s->last_state_ms + (uint64_t)send_interval_ms(s);

	return s->urgent_since + (streaming ? (uint64_t)s->cfg.pacing.urgent_collect_ms : 0);
}

static uint64_t state_due(const struct ssp *s)
{
	uint64_t collected, paced;

	if (s->urgent)
		return urgent_due(s);
	collected = s->dirty_since + (uint64_t)s->cfg.pacing.collect_ms;
	paced = s->last_state_ms + (uint64_t)send_interval_ms(s);
	return collected > paced ? collected : paced;
}

static uint64_t earliest(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* When unacknowledged states go out again: after the RTO, and for an
 * answer to the peer, also after the time the peer may hold its ack. */
static uint64_t retransmit_due(const struct ssp *s)
{
	uint64_t held = s->newest_answers ? (uint64_t)s->cfg.pacing.peer_answer_ack_delay_ms : 0;

	return s->last_send_ms + (uint64_t)s->rto_ms + held;
}

/* How long an owed ack waits for data to ride on: the answer to our
 * newest state (an echo) waits for the state after it (the next key). A
 * second state before the ack is output that goes on (a command's): its
 * ack goes as usual, or the peer would diff from ever older states. */
static uint64_t ack_wait_ms(const struct ssp *s)
{
	int answer_wait = s->cfg.pacing.answer_ack_delay_ms;
	bool answers_us = answer_wait > 0 && s->last_state_ms && s->news_unacked <= 1 &&
			  s->ack_owed_since < s->last_state_ms + SSPSH_ECHO_WINDOW_MS + (uint64_t)s->srtt_ms;

	return (uint64_t)(answers_us ? answer_wait : s->cfg.pacing.ack_delay_ms);
}

/* When the instruction acked -> newest must go out again without news. */
static uint64_t resend_due(const struct ssp *s)
{
	uint64_t due = s->last_send_ms + (uint64_t)s->cfg.pacing.heartbeat_ms;

	if (s->resend_at_once)
		return 0;
	if (s->n_sent > 1)
		due = earliest(due, retransmit_due(s));
	if (s->ack_owed)
		due = earliest(due, s->ack_owed_since + ack_wait_ms(s));
	return due;
}

/* When something due at `due` may go out. Once the peer has been silent
 * for SSPSH_SILENT_BACKOFF_AFTER_MS, each datagram waits as long after the
 * previous one as the peer had been silent when that one left (the gaps
 * double), within [heartbeat, SSPSH_SILENT_BACKOFF_MAX_MS]. Hearing from
 * the peer moves last_heard_ms and lifts the wait at once. */
static uint64_t after_backoff(const struct ssp *s, uint64_t due)
{
	uint64_t silent_at_last_send, gap;

	if (!s->cfg.pacing.silent_backoff || !s->last_heard_ms ||
	    due < s->last_heard_ms + SSPSH_SILENT_BACKOFF_AFTER_MS)
		return due;
	silent_at_last_send = s->last_send_ms > s->last_heard_ms ? s->last_send_ms - s->last_heard_ms : 0;
	gap = silent_at_last_send;
	if (gap < (uint64_t)s->cfg.pacing.heartbeat_ms)
		gap = (uint64_t)s->cfg.pacing.heartbeat_ms;
	if (gap > SSPSH_SILENT_BACKOFF_MAX_MS)
		gap = SSPSH_SILENT_BACKOFF_MAX_MS;
	return due > s->last_send_ms + gap ? due : s->last_send_ms + gap;
}

void ssp_local_changed(struct ssp *s, uint64_t now, bool urgent)
{
	if (!s->dirty) {
		s->dirty = true;
		s->dirty_since = now;
	}
	if (urgent && !s->urgent) {
		s->urgent = true;
		s->urgent_since = now;
	}
}

void ssp_tick(struct ssp *s, uint64_t now)
{
	if (s->dirty && now >= after_backoff(s, state_due(s)) && send_new_state(s, now))
		return;
	if (now >= after_backoff(s, resend_due(s))) {
		if (s->n_sent > 1 && now >= retransmit_due(s))
			s->stats.retransmissions++;
		transmit(s, now);
	}
}

int ssp_wait_ms(const struct ssp *s, uint64_t now)
{
	uint64_t due = after_backoff(s, resend_due(s));

	if (s->dirty)
		due = earliest(due, after_backoff(s, state_due(s)));
	if (due <= now)
		return 0;
	return due - now > INT32_MAX ? INT32_MAX : (int)(due - now);
}

void ssp_send_now(struct ssp *s, uint64_t now)
{
	if (!s->dirty || !send_new_state(s, now))
		transmit(s, now);
}

/* ---- Receiving ---- */

static void process_ack(struct ssp *s, uint64_t ack_num)
{
	size_t i;

	for (i = 1; i < s->n_sent && s->sent[i].num != ack_num; i++)
		;
	if (i == s->n_sent)
		return;
	for (size_t j = 0; j < i; j++)
		s->cfg.local_ops->free(s->sent[j].state);
	memmove(&s->sent[0], &s->sent[i], (s->n_sent - i) * sizeof s->sent[0]);
	s->n_sent -= i;
}

static void drop_received(struct ssp *s, size_t i)
{
	s->received_bytes -= s->received[i].bytes;
	s->cfg.remote_ops->free(s->received[i].state);
	memmove(&s->received[i], &s->received[i + 1],
		(s->n_received - i - 1) * sizeof s->received[0]);
	s->n_received--;
}

/* The peer will never diff from states older than throwaway again. */
static void process_throwaway(struct ssp *s, uint64_t throwaway)
{
	while (s->n_received > 1 && s->received[0].num < throwaway)
		drop_received(s, 0);
}

static const struct held_state *find_received(const struct ssp *s, uint64_t num)
{
	for (size_t i = 0; i < s->n_received; i++)
		if (s->received[i].num == num)
			return &s->received[i];
	return NULL;
}

static void owe_ack(struct ssp *s, uint64_t now)
{
	if (!s->ack_owed) {
		s->ack_owed = true;
		s->ack_owed_since = now;
	}
}

static bool apply_instruction(struct ssp *s, const struct ssp_instruction *in, uint64_t now)
{
	const struct held_state *base;
	uint64_t newest = s->received[s->n_received - 1].num;
	void *state;

	if (in->new_num <= newest)
		return false;
	base = find_received(s, in->old_num);
	if (!base)
		return false;
	state = s->cfg.remote_ops->apply(base->state, in->diff, in->diff_len);
	if (!state)
		return false;
	/* received[0] is the peer's diff base until its throwaway moves past
	 * it; forget the oldest state after it instead. */
	if (s->n_received == SSPSH_MAX_RECEIVED_STATES)
		drop_received(s, 1);
	s->received[s->n_received++] = (struct held_state){ in->new_num, state, in->diff_len };
	s->received_bytes += in->diff_len;
	while (s->cfg.remote_bytes_max && s->received_bytes > s->cfg.remote_bytes_max && s->n_received > 2)
		drop_received(s, 1);
	s->stats.states_received++;
	s->last_news_ms = now;
	s->news_unacked++;
	owe_ack(s, now);
	return true;
}

bool ssp_receive(struct ssp *s, const uint8_t *payload, size_t len, uint64_t now)
{
	struct ssp_header h;
	struct ssp_instruction in;
	struct reader r;
	const uint8_t *data;
	size_t data_len;

	reader_init(&r, payload, len);
	if (!ssp_header_get(&r, &h))
		return false;
	s->stats.datagrams_received++;
	s->last_heard_ms = now;
	process_ack(s, h.ack_num);
	process_throwaway(s, h.throwaway_num);
	if (h.throwaway_num < ssp_remote_num(s))
		owe_ack(s, now);	/* the peer has not heard our newest ack */
	if (s->refusing)
		return false;
	if (!ssp_assembler_add(&s->assembler, &h, r.p + r.off, reader_left(&r), &data, &data_len))
		return false;
	if (!ssp_instruction_parse(data, data_len, &in))
		return false;
	return apply_instruction(s, &in, now);
}

/* ---- Accessors ---- */

const void *ssp_remote(const struct ssp *s)
{
	return s->received[s->n_received - 1].state;
}

uint64_t ssp_remote_num(const struct ssp *s)
{
	return s->received[s->n_received - 1].num;
}

const void *ssp_acked_local(const struct ssp *s)
{
	return s->sent[0].state;
}

bool ssp_all_acked(const struct ssp *s)
{
	return s->n_sent == 1 && !s->dirty;
}

uint64_t ssp_last_heard_ms(const struct ssp *s)
{
	return s->last_heard_ms;
}

void ssp_set_rtt(struct ssp *s, int srtt_ms, int rto_ms)
{
	s->srtt_ms = srtt_ms;
	s->rto_ms = clamp(rto_ms, SSPSH_RTO_MIN_MS, SSPSH_RTO_MAX_MS);
}

void ssp_set_accepting(struct ssp *s, bool accepting)
{
	s->refusing = !accepting;
}

void ssp_set_max_payload(struct ssp *s, size_t max_payload)
{
	if (max_payload == s->cfg.max_payload)
		return;
	if (s->instr_id)
		s->instr_id++;	/* the same bytes, split differently: a new instruction */
	if (max_payload < s->cfg.max_payload)
		s->resend_at_once = true;
	s->cfg.max_payload = max_payload;
}

void ssp_stats(const struct ssp *s, struct ssp_stats *out)
{
	*out = s->stats;
	out->sent_states_held = s->n_sent;
	out->received_states_held = s->n_received;
	out->instruction_bytes_held = ssp_assembler_bytes(&s->assembler);
	out->received_bytes_held = s->received_bytes;
}
