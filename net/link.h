/* In-process link emulator: one-way delay, jitter, loss, duplication,
 * reordering and outages, seeded so that runs repeat. A transport that uses
 * it (transport_set_link) passes every datagram it sends and every datagram
 * it receives through two queues of one link, and sends or processes each
 * when its due time comes; the caller's event loop drives it through
 * transport_next_deadline_ms/transport_tick. */
#ifndef SSPSH_LINK_H
#define SSPSH_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

struct link_params {
	uint32_t delay_ms;	/* one-way delay, each direction */
	uint32_t jitter_ms;	/* delay varies uniformly by up to +/- this */
	double loss;		/* probability a datagram is dropped */
	double dup;		/* probability a datagram is delivered twice */
	double reorder;		/* probability a datagram is held back behind later ones */
	bool outage;		/* drop everything while set */
	uint32_t mtu;		/* > 0: sending a larger datagram fails with EMSGSIZE */
	uint64_t seed;		/* the random stream; same seed, same decisions */
};

/* Parses "delay=MS,jitter=MS,loss=P,dup=P,reorder=P[,mtu=N][,seed=N]" (any
 * subset, any order; P a probability 0..1 or a percentage like 30%).
 * Unmentioned fields are zero. False with a one-line reason in err. */
bool link_parse(const char *spec, struct link_params *out, char *err, size_t err_len);

/* ---- The emulated link (used by net/transport.c) ---- */

enum link_direction { LINK_OUT, LINK_IN };

/* One datagram waiting in a queue. */
struct link_datagram {
	uint64_t due_ms;
	uint64_t order;		/* ties on due_ms keep submission order */
	struct sockaddr_storage addr;	/* destination (LINK_OUT) or source (LINK_IN) */
	socklen_t addr_len;
	size_t len;
	uint8_t *data;
};

struct link;

struct link *link_new(const struct link_params *params);
void link_free(struct link *l);
void link_set_params(struct link *l, const struct link_params *params);
const struct link_params *link_get_params(const struct link *l);
/* Applies loss, duplication, delay, jitter and reordering to a datagram
 * that enters the link at now_ms, queueing zero, one or two copies. */
void link_submit(struct link *l, enum link_direction dir, uint64_t now_ms,
		 const void *data, size_t len, const struct sockaddr *addr, socklen_t addr_len);
/* Takes the earliest datagram due by now_ms into out (its data is then the
 * caller's to free with link_datagram_release); false if none is due. */
bool link_take_due(struct link *l, enum link_direction dir, uint64_t now_ms,
		   struct link_datagram *out);
void link_datagram_release(struct link_datagram *d);
/* The earliest due time in either queue; UINT64_MAX if both are empty. */
uint64_t link_next_due_ms(const struct link *l);

#endif
