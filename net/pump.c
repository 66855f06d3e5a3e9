#include "net/pump.h"

#include <stdlib.h>

#include "core/buf.h"
#include "core/log.h"
#include "core/options.h"
#include "net/datagram.h"

/* The SSP's pieces fit the transport's payloads at every datagram size the
 * path may force, and the largest instruction a receiver collects fits in
 * SSPSH_SSP_MAX_FRAGMENTS pieces even then. */
#define SMALLEST_PAYLOAD (SSPSH_DATAGRAM_MIN - DATAGRAM_INDEXED_OVERHEAD)
_Static_assert(SMALLEST_PAYLOAD > SSP_HEADER_MAX, "SSPSH_DATAGRAM_MIN leaves no room for an SSP piece");
_Static_assert((unsigned long long)SSPSH_SSP_MAX_FRAGMENTS * (SMALLEST_PAYLOAD - SSP_HEADER_MAX) >=
	       SSPSH_SSP_MAX_INSTRUCTION, "SSPSH_SSP_MAX_FRAGMENTS pieces cannot carry the largest instruction");

struct pump {
	struct transport *t;
	struct ssp *ssp;
	void *(*snapshot)(void *app);
	void *app;
	struct buf msg;		/* the message being opened */
};

static void *take_snapshot(void *pump)
{
	struct pump *p = pump;

	return p->snapshot(p->app);
}

static void send_payload(void *pump, const uint8_t *payload, size_t len)
{
	struct pump *p = pump;

	if (transport_has_peer(p->t))
		transport_send(p->t, payload, len);
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
	};

	if (!p) {
		if (t)
			log_error("out of memory for a session");
		config->local_ops->free(local_initial);
		config->remote_ops->free(remote_initial);
		transport_free(t);
		return NULL;
	}
	c.max_payload = transport_max_payload(t);
	p->t = t;
	p->snapshot = config->snapshot;
	p->app = config->app;
	buf_init(&p->msg);
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
	transport_free(p->t);
	buf_free(&p->msg);
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

static unsigned opened(struct pump *p, enum transport_recv_result r, uint64_t now)
{
	switch (r) {
	case TRANSPORT_MESSAGE:
		return ssp_receive(p->ssp, p->msg.data, p->msg.len, now) ? PUMP_NEWS : 0;
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
	ssp_set_max_payload(p->ssp, transport_max_payload(p->t));
	if (transport_has_peer(p->t))
		ssp_tick(p->ssp, now);
}

uint64_t pump_deadline(const struct pump *p, uint64_t now)
{
	uint64_t due = now + (uint64_t)ssp_wait_ms(p->ssp, now);
	uint64_t transport_due = transport_next_deadline_ms(p->t);

	return transport_due < due ? transport_due : due;
}

void pump_replace_transport(struct pump *p, struct transport *t)
{
	transport_inherit_rtt(t, p->t);
	transport_free(p->t);
	p->t = t;
}
