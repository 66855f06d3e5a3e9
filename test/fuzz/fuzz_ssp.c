/* libFuzzer target: the State Synchronization Protocol above the transport.
 * Everything here is what an authenticated peer (or a bug on our own side)
 * can make the engine decode, so it must never crash, leak or grow.
 *
 * The input is a list of records: one mode byte, a 2-byte big-endian
 * length, then that many bytes (clipped to what is left).
 *   mode 0  a payload for a server-side engine (remote state: the client's
 *           input stream), whose events are then read as the server does
 *   mode 1  an input-stream diff applied directly to a stream at some
 *           position; an accepted diff must read back as whole events and
 *           diff back to the same bytes
 *   mode 2  a header and fragment for a bare assembler
 *   mode 4  a payload for a client-side engine (remote state: the server's
 *           frames, applied with the terminal emulator)
 *   mode 3  a program driving two honest engines over a link the fuzzer
 *           controls (loss, duplication, reordering, time): whatever it
 *           does, the keys the receiver reads are a prefix of the keys
 *           typed, each exactly once and in order. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/options.h"
#include "net/ssp.h"
#include "applets/session/ssp_frame.h"
#include "applets/session/ssp_input.h"
#include "net/ssp_wire.h"
#include "test/fuzz/fuzz_link.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TYPED_MAX 65536

static const struct ssp_pacing pacing = {
	.collect_ms = 8, .urgent_collect_ms = 2, .ack_delay_ms = 20, .heartbeat_ms = 3000,
};

/* ---- Mode 0: hostile payloads to a server-side engine ---- */

struct hostile {
	struct ssp *ssp;
	struct ssp_input *local;
	uint64_t cursor;	/* the server's read position in the client's stream */
};

static void *snapshot_input(void *app)
{
	return input_snapshot(app);
}

static void send_nowhere(void *app, const uint8_t *payload, size_t len)
{
	(void)app;
	if (len > 1200)
		abort();
	(void)payload;
}

static void read_events(const struct ssp_input *in, uint64_t *cursor, struct buf *keys)
{
	struct input_event ev;

	while (input_next_event(in, cursor, &ev)) {
		if (*cursor > input_pos(in))
			abort();
		if (ev.type == INPUT_KEYS) {
			if (ev.len == 0)
				abort();
			if (keys)
				buf_put(keys, ev.keys, ev.len);
		} else if (ev.type == INPUT_ENV) {
			if (!input_env_valid(ev.keys, ev.len))
				abort();
		} else if (ev.type == INPUT_COMMAND) {
			if (!input_command_valid(ev.keys, ev.len))
				abort();
		} else if (ev.cols < 1 || ev.cols > SSPSH_MAX_COLS || ev.rows < 1 ||
			   ev.rows > SSPSH_MAX_ROWS) {
			abort();
		}
	}
}

static void hostile_payload(struct hostile *h, const uint8_t *payload, size_t len, uint64_t now)
{
	const struct ssp_input *remote;
	uint64_t before = ssp_remote_num(h->ssp);
	struct ssp_stats st;

	ssp_receive(h->ssp, payload, len, now);
	if (ssp_remote_num(h->ssp) < before)
		abort();	/* the remote state never goes back */
	remote = ssp_remote(h->ssp);
	/* A stream that starts elsewhere (a forged base) leaves the cursor
	 * stuck, as in the server; it must just read nothing. */
	read_events(remote, &h->cursor, NULL);
	ssp_stats(h->ssp, &st);
	if (st.received_states_held > SSPSH_MAX_RECEIVED_STATES ||
	    st.sent_states_held > SSPSH_MAX_SENT_STATES)
		abort();
	ssp_tick(h->ssp, now);
}

/* ---- Mode 4: hostile payloads to a client-side engine ---- */

static void hostile_frame(struct ssp *client, const uint8_t *payload, size_t len, uint64_t now)
{
	const struct ssp_frame *frame;
	const struct fb *fb;

	ssp_receive(client, payload, len, now);
	frame = ssp_remote(client);
	fb = ssp_frame_fb(frame);
	if (fb && (fb_cols(fb) < 1 || fb_cols(fb) > SSPSH_MAX_COLS ||
		   fb_rows(fb) < 1 || fb_rows(fb) > SSPSH_MAX_ROWS))
		abort();
	(void)ssp_frame_echo_ack(frame);
	ssp_tick(client, now);
}

/* ---- Mode 1: input-stream diffs applied directly ---- */

static void direct_apply(const uint8_t *data, size_t len)
{
	struct ssp_input *base = input_new(), *next;
	struct buf back;
	uint64_t cursor;

	if (!base)
		abort();
	if (len && data[0] & 1)
		input_add_keys(base, "x", 1);	/* a base not at position 0 */
	next = ssp_input_ops.apply(base, data, len);
	if (next) {
		if (input_pos(next) != input_pos(base) + len)
			abort();
		cursor = input_pos(base);
		read_events(next, &cursor, NULL);
		if (cursor != input_pos(next))
			abort();	/* accepted bytes must be whole events */
		/* The engine never diffs equal states (an empty log has no
		 * storage to point into). */
		if (len) {
			buf_init(&back);
			ssp_input_ops.diff(base, next, &back);
			if (back.len != len || memcmp(back.data, data, len) != 0)
				abort();
			buf_free(&back);
		}
		input_free(next);
	}
	input_free(base);
}

/* ---- Mode 2: a bare assembler ---- */

static void assemble(struct ssp_assembler *a, const uint8_t *data, size_t len)
{
	struct ssp_header h;
	struct ssp_instruction in;
	struct reader r;
	const uint8_t *whole;
	size_t whole_len;
	bool complete;

	reader_init(&r, data, len);
	if (!ssp_header_get(&r, &h))
		return;
	complete = ssp_assembler_add(a, &h, r.p + r.off, reader_left(&r), &whole, &whole_len);

	if (ssp_assembler_bytes(a) > SSPSH_SSP_MAX_INSTRUCTION || a->slots > SSPSH_SSP_MAX_FRAGMENTS)
		abort();	/* a peer made it hold more than the bounds */
	if (!complete)
		return;
	if (whole_len > SSPSH_SSP_MAX_INSTRUCTION)
		abort();
	if (ssp_instruction_parse(whole, whole_len, &in) &&
	    (in.new_num < in.old_num || in.diff_len > whole_len))
		abort();
}

/* ---- Mode 3: two honest engines over a fuzzed link ---- */

struct pair {
	struct ssp *client, *server;
	struct ssp_input *typing;	/* the client's input stream */
	struct ssp_input *unchanging;	/* the server's local state */
	struct queue to_server, to_client;
	uint8_t typed[TYPED_MAX];
	size_t n_typed;
	struct buf read;		/* keys the server has read, in order */
	uint64_t cursor;
	uint64_t now;
};

static void send_to_server(void *app, const uint8_t *payload, size_t len)
{
	queue_push(&((struct pair *)app)->to_server, payload, len);
}

static void send_to_client(void *app, const uint8_t *payload, size_t len)
{
	queue_push(&((struct pair *)app)->to_client, payload, len);
}

static void *snapshot_typing(void *app)
{
	return input_snapshot(((struct pair *)app)->typing);
}

static void *snapshot_unchanging(void *app)
{
	return input_snapshot(((struct pair *)app)->unchanging);
}

static void check_prefix(struct pair *p)
{
	read_events(ssp_remote(p->server), &p->cursor, &p->read);
	if (p->read.len > p->n_typed ||
	    (p->read.len && memcmp(p->read.data, p->typed, p->read.len) != 0))
		abort();
}

static void deliver(struct pair *p, struct queue *q, struct ssp *to, bool pop)
{
	struct buf *b = queue_head(q);

	if (!b)
		return;
	ssp_receive(to, b->data, b->len, p->now);
	if (pop)
		queue_pop(q);
}

static void step(struct pair *p, uint8_t op)
{
	switch (op % 8) {
	case 0:
		if (p->n_typed < TYPED_MAX && input_add_keys(p->typing, &op, 1)) {
			p->typed[p->n_typed++] = op;
			ssp_local_changed(p->client, p->now, op & 8);
		}
		break;
	case 1:
		p->now += (uint64_t)(op >> 3) * 7;
		ssp_tick(p->client, p->now);
		ssp_tick(p->server, p->now);
		input_trim(p->typing, input_pos(ssp_acked_local(p->client)));
		break;
	case 2: deliver(p, &p->to_server, p->server, true); break;
	case 3: deliver(p, &p->to_client, p->client, true); break;
	case 4: queue_pop(&p->to_server); break;
	case 5: queue_pop(&p->to_client); break;
	case 6: deliver(p, &p->to_server, p->server, false); break;	/* duplicated */
	case 7: queue_rotate(&p->to_server); break;	/* reordered */
	}
	check_prefix(p);
}

static struct ssp *engine(void (*send)(void *, const uint8_t *, size_t),
			  void *(*snapshot)(void *), void *app, size_t max_payload)
{
	struct ssp_config cfg = {
		.local_ops = &ssp_input_ops, .remote_ops = &ssp_input_ops, .pacing = pacing,
		.max_payload = max_payload, .snapshot = snapshot, .send = send, .app = app,
	};
	struct ssp *s = ssp_new(&cfg, input_new(), input_new());

	if (!s)
		abort();
	return s;
}

static struct ssp *frame_engine(void *app)
{
	struct ssp_config cfg = {
		.local_ops = &ssp_input_ops, .remote_ops = &ssp_frame_ops, .pacing = pacing,
		.max_payload = 1200, .snapshot = snapshot_input, .send = send_nowhere, .app = app,
	};
	struct ssp *s = ssp_new(&cfg, input_new(), ssp_frame_new(NULL, 0, NULL));

	if (!s)
		abort();
	return s;
}

static void run_pair(struct pair *p, const uint8_t *program, size_t len)
{
	for (size_t i = 0; i < len; i++)
		step(p, program[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct pair p;
	struct hostile h = { .local = input_new() };
	struct ssp_assembler a;
	struct ssp *client;
	uint64_t now = 1000;
	const uint8_t *bytes;
	uint8_t mode;
	size_t len;

	/* Small payloads so that instructions split into many fragments. */
	h.ssp = engine(send_nowhere, snapshot_input, h.local, 1200);
	client = frame_engine(h.local);
	memset(&p, 0, sizeof p);
	p.now = 1000;
	p.typing = input_new();
	p.client = engine(send_to_server, snapshot_typing, &p, SSP_HEADER_MAX + 24);
	p.unchanging = input_new();
	p.server = engine(send_to_client, snapshot_unchanging, &p, SSP_HEADER_MAX + 24);
	ssp_assembler_init(&a);
	buf_init(&p.read);
	while (fuzz_step(&data, &size, &mode, &bytes, &len)) {
		switch (mode % 5) {
		case 0: hostile_payload(&h, bytes, len, now += mode); break;
		case 1: direct_apply(bytes, len); break;
		case 2: assemble(&a, bytes, len); break;
		case 3: run_pair(&p, bytes, len); break;
		case 4: hostile_frame(client, bytes, len, now += mode); break;
		}
	}
	ssp_free(h.ssp);
	ssp_free(client);
	input_free(h.local);
	ssp_free(p.client);
	ssp_free(p.server);
	input_free(p.typing);
	input_free(p.unchanging);
	queue_free(&p.to_server);
	queue_free(&p.to_client);
	buf_free(&p.read);
	ssp_assembler_free(&a);
	return 0;
}
