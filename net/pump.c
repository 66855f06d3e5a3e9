#include "net/pump.h"

#include <stdlib.h>

#include "core/buf.h"
#include "core/log.h"
#include "core/options.h"
#include "net/datagram.h"

/* The SSP's pieces fit the transport's payloads at every datagram size the
 * path may force (less the type byte of a pump with channels), and the
 * largest instruction a receiver collects fits in SSPSH_SSP_MAX_FRAGMENTS
 * pieces even then. */
#define SMALLEST_PAYLOAD (SSPSH_DATAGRAM_MIN - DATAGRAM_OVERHEAD_MAX - 1)
_Static_assert(SMALLEST_PAYLOAD > SSP_HEADER_MAX, "SSPSH_DATAGRAM_MIN leaves no room for an SSP piece");
_Static_assert((unsigned long long)SSPSH_SSP_MAX_FRAGMENTS * (SMALLEST_PAYLOAD - SSP_HEADER_MAX) >=
	       SSPSH_SSP_MAX_INSTRUCTION, "SSPSH_SSP_MAX_FRAGMENTS pieces cannot carry the largest instruction");

/* The first byte of every transport payload of a pump with channels: what
 * it carries, and a bit saying whether its sender's path takes
 * loopback-sized datagrams (net/transport.h). */
enum pump_payload { PAYLOAD_SSP = 0, PAYLOAD_CHANNEL = 1 };
#define PAYLOAD_TYPE_MASK 0x7f
#define PAYLOAD_TAKES_LARGE 0x80

struct pump {
	struct transport *t;
	struct ssp *ssp;
	struct chan_mux *mux;	/* NULL: no channels, and no payload byte */
	struct buf out;		/* a payload with its type byte */
	void *(*snapshot)(void *app);
	void *app;
	struct buf msg;		/* the message being opened */
};

static void *take_snapshot(void *pump)
{
	struct pump *p = pump;

	return p->snapshot(p->app);
}

/* Starts p->out with the type byte. */
static void start_typed(struct pump *p, enum pump_payload type)
{
	buf_reset(&p->out);
	buf_put_u8(&p->out, (uint8_t)type | (transport_path_takes_large(p->t) ? PAYLOAD_TAKES_LARGE : 0));
}

static void send_typed(struct pump *p, enum pump_payload type, const uint8_t *payload, size_t len)
{
	start_typed(p, type);
	buf_put(&p->out, payload, len);
	if (!p->out.oom)
		transport_send(p->t, p->out.data, p->out.len);
}

static void send_payload(void *pump, const uint8_t *payload, size_t len)
{
	struct pump *p = pump;

	if (!transport_has_peer(p->t))
		return;
	if (p->mux)
		send_typed(p, PAYLOAD_SSP, payload, len);
	else
		transport_send(p->t, payload, len);
}

/* The largest SSP or channel payload: the transport's, less the type byte. */
static size_t payload_room(const struct pump *p)
{
	return transport_max_payload(p->t) - (p->mux ? 1 : 0);
}

/* The channel payloads due, after the SSP's, each built right after its
 * type byte. */
static void send_channels(struct pump *p, uint64_t now)
{
	for (;;) {
		start_typed(p, PAYLOAD_CHANNEL);
		if (p->out.oom || chan_mux_emit(p->mux, now, payload_room(p), &p->out) == 0)
			return;
		transport_send(p->t, p->out.data, p->out.len);
	}
}

struct pump *pump_new(struct transport *t, const struct pump_config *config,
		      void *local_initial, void *remote_initial)
{
	struct pump *p = t ? calloc(1, sizeof *p) : NULL;
	struct ssp_config c = {
		.local_ops = config->local_ops,
		.remote_ops = config->remote_ops,
		.pacing = config->pacing,
		.snapshot = take_snapshot,
		.send = send_payload,
		.app = p,
		.remote_instruction_max = config->remote_instruction_max,
		.remote_bytes_max = config->remote_bytes_max,
	};

	if (!p) {
		if (t)
			log_error("out of memory for a session");
		config->local_ops->free(local_initial);
		config->remote_ops->free(remote_initial);
		transport_free(t);
		return NULL;
	}
	c.max_payload = transport_max_payload(t) - (config->channels ? 1 : 0);
	p->t = t;
	p->snapshot = config->snapshot;
	p->app = config->app;
	buf_init(&p->msg);
	buf_init(&p->out);
	if (config->channels && !(p->mux = chan_mux_new(config->role))) {
		config->local_ops->free(local_initial);
		config->remote_ops->free(remote_initial);
		pump_free(p);
		return NULL;
	}
	p->ssp = ssp_new(&c, local_initial, remote_initial);
	if (!p->ssp) {
		log_error("out of memory for a session");
		pump_free(p);
		return NULL;
	}
	return p;
}

void pump_free(struct pump *p)
{
	if (!p)
		return;
	ssp_free(p->ssp);
	chan_mux_free(p->mux);
	transport_free(p->t);
	buf_free(&p->msg);
	buf_free(&p->out);
	free(p);
}

struct ssp *pump_ssp(const struct pump *p)
{
	return p->ssp;
}

struct transport *pump_transport(const struct pump *p)
{
	return p->t;
}

struct chan_mux *pump_channels(const struct pump *p)
{
	return p->mux;
}

unsigned pump_dispatch(struct pump *p, const uint8_t *data, size_t len, uint64_t now)
{
	if (!p->mux)
		return ssp_receive(p->ssp, data, len, now) ? PUMP_NEWS : 0;
	if (len < 1)
		return 0;
	transport_peer_takes_large(p->t, data[0] & PAYLOAD_TAKES_LARGE);
	if ((data[0] & PAYLOAD_TYPE_MASK) == PAYLOAD_SSP)
		return ssp_receive(p->ssp, data + 1, len - 1, now) ? PUMP_NEWS : 0;
	if ((data[0] & PAYLOAD_TYPE_MASK) == PAYLOAD_CHANNEL) {
		chan_mux_receive(p->mux, data + 1, len - 1, now);
		return PUMP_CHANNELS;
	}
	return 0;
}

static unsigned opened(struct pump *p, enum transport_recv_result r, uint64_t now)
{
	switch (r) {
	case TRANSPORT_MESSAGE:
		return pump_dispatch(p, p->msg.data, p->msg.len, now);
	case TRANSPORT_CLOSED:
		return PUMP_CLOSED;
	case TRANSPORT_ERROR:
		return PUMP_FAILED;
	case TRANSPORT_NOTHING:
		break;
	}
	return 0;
}

unsigned pump_receive(struct pump *p, uint64_t now)
{
	enum transport_recv_result r;
	unsigned flags = 0;

	do {
		r = transport_recv(p->t, &p->msg);
		flags |= opened(p, r, now);
	} while (r == TRANSPORT_MESSAGE);
	return flags;
}

unsigned pump_deliver(struct pump *p, const uint8_t *data, size_t len,
		      const struct udp_addr *from, uint64_t now)
{
	return opened(p, transport_deliver(p->t, data, len, from, &p->msg), now);
}

void pump_tick(struct pump *p, uint64_t now)
{
	transport_tick(p->t, now);
	ssp_set_rtt(p->ssp, (int)transport_srtt_ms(p->t), (int)transport_rto_ms(p->t));
	ssp_set_max_payload(p->ssp, payload_room(p));
	if (!transport_has_peer(p->t))
		return;
	ssp_tick(p->ssp, now);
	if (p->mux) {
		chan_mux_set_rtt(p->mux, (int)transport_srtt_ms(p->t), (int)transport_rto_ms(p->t));
		send_channels(p, now);
	}
}

uint64_t pump_deadline(const struct pump *p, uint64_t now)
{
	uint64_t due = now + (uint64_t)ssp_wait_ms(p->ssp, now);
	uint64_t transport_due = transport_next_deadline_ms(p->t);

	if (transport_due < due)
		due = transport_due;
	if (p->mux && transport_has_peer(p->t)) {
		uint64_t channels_due = chan_mux_deadline(p->mux, now);
		if (channels_due < due)
			due = channels_due;
	}
	return due;
}

void pump_replace_transport(struct pump *p, struct transport *t)
{
	transport_inherit_rtt(t, p->t);
	transport_free(p->t);
	p->t = t;
}
