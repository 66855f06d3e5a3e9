/* Where a transport's datagrams go (net/transport_internal.h): UDP, the
 * in-process link emulator, or a client's relay through ssh, which UDP
 * is offered again every SSPSH_UDP_RETRY_MS. */
#include "net/transport.h"

#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/options.h"
#include "net/dgram_path.h"
#include "net/link.h"
#include "net/transport_internal.h"
#include "net/udp.h"

/* Through the relay, or over UDP alone when a try is due: if that datagram
 * arrives, the server follows it to UDP and answers there, which brings us
 * back (a copy sent by the relay too could arrive first and hide that UDP
 * passes). While UDP is still blocked the try is lost, and the SSP sends
 * again. A broken relay loses datagrams (as a dead link would) until the
 * caller runs a new one. */
enum udp_send_result transport_relay_send(struct transport *t, const uint8_t *data, size_t len)
{
	uint64_t now = clock_ms();
	enum udp_send_result r;

	if (t->next_udp_try && now >= t->next_udp_try) {
		t->next_udp_try = now + SSPSH_UDP_RETRY_MS;
		t->counters.udp_tries++;
		r = udp_send(t->fd, data, len, &t->peer);
	} else {
		r = dgram_path_send(t->relay, data, len, &t->peer);
	}
	return r == UDP_FAILED ? UDP_LOST : r;
}

enum udp_send_result transport_route(struct transport *t, const uint8_t *data, size_t len)
{
	enum udp_send_result r;

	if (t->relay) {
		r = transport_relay_send(t, data, len);
	} else if (t->udp_forbidden) {
		r = UDP_LOST;	/* between relays: a dead link, never UDP */
	} else if (t->link) {
		const struct link_params *p = link_get_params(t->link);
		if (p->mtu && len > p->mtu)
			return UDP_TOO_BIG;
		link_submit(t->link, LINK_OUT, clock_ms(), data, len,
			    (const struct sockaddr *)&t->peer.ss, t->peer.len);
		r = UDP_SENT;
	} else {
		r = udp_send(t->fd, data, len, &t->peer);
	}
	if (r == UDP_SENT || r == UDP_LOST) {
		t->counters.datagrams_sent++;
		t->counters.bytes_sent += len;
		if (r == UDP_LOST)
			t->counters.send_errors++;
	}
	return r;
}

bool transport_path_takes_large(const struct transport *t)
{
	return !t->link && !t->relay && !t->udp_forbidden;
}

void transport_send_link_departures(struct transport *t, uint64_t now)
{
	struct link_datagram d;

	while (t->link && link_take_due(t->link, LINK_OUT, now, &d)) {
		struct udp_addr to = { .len = d.addr_len };

		memcpy(&to.ss, &d.addr, d.addr_len);
		(void)udp_send(t->fd, d.data, d.len, &to);	/* a failure here is a loss */
		link_datagram_release(&d);
	}
}

bool transport_set_link(struct transport *t, const struct link_params *params)
{
	if (!params) {
		link_free(t->link);
		t->link = NULL;
		return true;
	}
	if (t->link) {
		link_set_params(t->link, params);
		return true;
	}
	t->link = link_new(params);
	if (!t->link)
		log_error("out of memory for the link emulator");
	return t->link != NULL;
}

void transport_use_relay(struct transport *t, struct dgram_path *relay, bool try_udp)
{
	dgram_path_free(t->relay);
	t->relay = relay;
	t->next_udp_try = try_udp && !t->udp_forbidden ? clock_ms() + SSPSH_UDP_RETRY_MS : 0;
}

void transport_forbid_udp(struct transport *t)
{
	t->udp_forbidden = true;
	t->next_udp_try = 0;
}

/* An authentic datagram came over UDP: UDP passes again. */
void transport_leave_relay(struct transport *t)
{
	log_info("transport: UDP passes again; leaving the relay");
	dgram_path_free(t->relay);
	t->relay = NULL;
	t->counters.udp_returns++;
}

const struct dgram_path *transport_relay(const struct transport *t)
{
	return t->relay;
}

void transport_drop_relay(struct transport *t)
{
	dgram_path_free(t->relay);
	t->relay = NULL;
}

int transport_pollfds(const struct transport *t, struct pollfd fds[TRANSPORT_POLLFDS])
{
	fds[0] = (struct pollfd){ .fd = t->fd, .events = POLLIN };
	return 1 + (t->relay ? dgram_path_pollfds(t->relay, fds + 1) : 0);
}
