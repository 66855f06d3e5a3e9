/* The transport (net/transport.h): creating and freeing one, its timers
 * (a client's port hops, the control hooks) and what it tells about
 * itself. The parts are listed in net/transport_internal.h. */
#include "net/transport.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/options.h"
#include "net/dgram_path.h"
#include "net/link.h"
#include "net/replay.h"
#include "net/transport_internal.h"
#include "net/udp.h"

static struct transport *transport_alloc(bool is_server, int fd, bool owns_fd)
{
	struct transport *t;

	if (fd < 0)
		return NULL;
	t = calloc(1, sizeof *t);
	if (!t) {
		log_error("out of memory for a transport");
		if (owns_fd)
			close(fd);
		return NULL;
	}
	t->is_server = is_server;
	t->sending = is_server ? TO_CLIENT : TO_SERVER;
	t->fd = fd;
	t->owns_fd = owns_fd;
	t->datagram_max = SSPSH_DATAGRAM_MAX;
	rtt_init(&t->rtt);
	t->last_round_trip = t->last_port_change = clock_ms();
	return t;
}

/* A server has no keys until a client's datagram proves itself. */
static struct transport *transport_new(const struct transport_key *key, bool is_server, int fd)
{
	struct transport *t = transport_alloc(is_server, fd, true);

	if (!t)
		return NULL;
	t->session_key = *key;
	replay_init(&t->rx.replay);
	if (!is_server && !transport_direct_client_keys(t)) {
		log_error("cannot set the session key");
		transport_free(t);
		return NULL;
	}
	return t;
}

static struct transport *transport_new_keyed(const struct transport_keys *keys, bool is_server,
					     int fd, bool owns_fd, const struct udp_addr *peer)
{
	struct transport *t = transport_alloc(is_server, fd, owns_fd);

	if (!t)
		return NULL;
	t->indexed = true;
	t->remote_index = keys->remote_index;
	t->peer = *peer;
	t->has_peer = true;
	if (!aead_init(&t->send_aead, keys->send) || !receiver_init(&t->rx, keys->recv, keys->local_index)) {
		log_error("cannot set the session keys");
		transport_free(t);
		return NULL;
	}
	return t;
}

struct transport *transport_server_shared(const struct transport_keys *keys, int fd,
					  const struct udp_addr *peer)
{
	return transport_new_keyed(keys, true, fd, false, peer);
}

struct transport *transport_client_keyed(const struct transport_keys *keys, int fd,
					 const struct udp_addr *server)
{
	return transport_new_keyed(keys, false, fd, true, server);
}

struct transport *transport_server(const struct transport_key *key, const char *bind_addr,
				   uint16_t port_low, uint16_t port_high)
{
	return transport_new(key, true, udp_bind_range(bind_addr, port_low, port_high));
}

/* A session key may reach a second client process (the same SSPSH_KEY given
 * to `connect --direct` twice, a client restarted). Their nonces never meet:
 * each client seals under keys of its own random id. The server's replay
 * window is one for all of them, so each client numbers its datagrams from
 * the wall clock in nanoseconds: a later process starts above every number
 * an earlier one can have used (one datagram a nanosecond is out of reach),
 * and the server, which follows the newest sequence, follows the newest
 * client; an older client's datagrams replayed later stay refused.
 * 2^63 ns is in the year 2262. */
static uint64_t first_client_seq(void)
{
	struct timespec now;

	if (clock_gettime(CLOCK_REALTIME, &now) != 0 || now.tv_sec < 0)
		return 0;
	return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

struct transport *transport_client_to(const struct transport_key *key, const struct udp_addr *server)
{
	struct transport *t = transport_new(key, false, udp_bind_ephemeral(server->ss.ss_family));

	if (t) {
		t->peer = *server;
		t->has_peer = true;
		t->next_seq = first_client_seq();
	}
	return t;
}

struct transport *transport_client(const struct transport_key *key, const char *numeric_host,
				   uint16_t port)
{
	struct udp_addr server;

	if (!udp_addr_parse(numeric_host, port, &server)) {
		log_error("'%s' is not a numeric IPv4 or IPv6 address", numeric_host);
		return NULL;
	}
	return transport_client_to(key, &server);
}

void transport_free(struct transport *t)
{
	if (!t)
		return;
	if (t->owns_fd)
		close(t->fd);
	aead_free(&t->send_aead);
	receiver_free(&t->rx);
	receiver_free(&t->rx_old);
	receiver_free(&t->other_client);
	transport_key_zero(&t->session_key);
	link_free(t->link);
	dgram_path_free(t->relay);
	free(t);
}

static uint64_t port_hop_due(const struct transport *t)
{
	uint64_t since = t->last_round_trip > t->last_port_change
		? t->last_round_trip : t->last_port_change;

	return t->is_server ? UINT64_MAX : since + SSPSH_PORT_HOP_MS;
}

uint64_t transport_next_deadline_ms(const struct transport *t)
{
	uint64_t due = port_hop_due(t);

	if (t->has_control) {
		uint64_t control_due = t->control.deadline(t->control.ctx);
		if (control_due < due)
			due = control_due;
	}
	if (t->link) {
		uint64_t link_due = link_next_due_ms(t->link);
		if (link_due < due)
			due = link_due;
	}
	return due;
}

void transport_tick(struct transport *t, uint64_t now_ms)
{
	transport_send_link_departures(t, now_ms);
	if (t->relay)
		(void)dgram_path_flush(t->relay);
	if (t->has_control)
		t->control.tick(t->control.ctx, now_ms);
	if (now_ms >= port_hop_due(t)) {
		log_info("transport: no round trip for %u ms; changing local port", SSPSH_PORT_HOP_MS);
		(void)transport_change_port(t);
	}
}

bool transport_change_port(struct transport *t)
{
	int fd;

	if (t->is_server) {
		log_error("only a client changes its port");
		return false;
	}
	t->last_port_change = clock_ms();
	fd = udp_bind_ephemeral(t->peer.ss.ss_family);
	if (fd < 0)
		return false;
	close(t->fd);
	t->fd = fd;
	t->counters.port_hops++;
	return true;
}

int transport_fd(const struct transport *t) { return t->fd; }

double transport_srtt_ms(const struct transport *t) { return t->rtt.srtt_ms; }

double transport_rttvar_ms(const struct transport *t) { return t->rtt.rttvar_ms; }

uint32_t transport_rto_ms(const struct transport *t) { return rtt_rto_ms(&t->rtt); }

bool transport_has_rtt(const struct transport *t) { return t->rtt.have_sample; }

uint64_t transport_last_heard_ms(const struct transport *t) { return t->last_heard; }

bool transport_has_peer(const struct transport *t) { return t->has_peer; }

uint16_t transport_local_port(const struct transport *t) { return udp_local_port(t->fd); }

const struct transport_counters *transport_counters(const struct transport *t)
{
	return &t->counters;
}

void transport_peer_name(const struct transport *t, char *out, size_t out_len)
{
	if (!t->has_peer) {
		if (out_len)
			out[0] = '\0';
		return;
	}
	udp_addr_format(&t->peer, out, out_len);
}

void transport_inherit_rtt(struct transport *t, const struct transport *old)
{
	t->rtt = old->rtt;
}

uint32_t transport_local_index(const struct transport *t)
{
	return t->rx.index;
}

void transport_set_control(struct transport *t, const struct transport_control *control)
{
	t->has_control = control != NULL;
	if (control)
		t->control = *control;
}
