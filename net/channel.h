/* Channels: reliable, ordered, flow-controlled byte streams multiplexed in
 * one session, next to the SSP (port forwarding, agent forwarding, the
 * scrollback stream). Like net/ssp.h it does no I/O: the caller feeds it
 * the channel payloads the transport opened, asks it for payloads to send
 * (when the screen and the keys have nothing urgent, so a bulk transfer
 * never delays an echo), passes the time and the transport's RTT, and
 * moves bytes between channels and sockets. Wire format: net/chan_wire.h.
 *
 * Each side may open channels; the peer accepts or refuses each (an OPEN
 * carries up to SSPSH_CHAN_OPEN_INFO_MAX bytes saying what to connect to).
 * A stream is sent in packets that are acknowledged by number; packets
 * deemed lost (three later ones acknowledged, or a timeout) have their
 * contents sent again, so loss, reordering and duplication only cost time.
 * The receiver grants each channel a window (SSPSH_CHAN_WINDOW) and the
 * session one for all channels (SSPSH_CHAN_SESSION_WINDOW); the sender
 * never sends past them, so a slow reader bounds what either side holds.
 * A congestion window (delivery rate x smallest RTT) keeps a transfer from
 * flooding the path. Every frame is idempotent: a duplicate changes
 * nothing, and a packet that cannot be taken whole (a peer past a bound, no
 * memory) is dropped unacknowledged, so the sender tries it again.
 *
 * Lifetime of a channel id, for the application:
 *   chan_open -> CHAN_EV_ACCEPTED or CHAN_EV_REFUSED
 *   CHAN_EV_OPEN (the peer's request) -> chan_accept or chan_refuse
 *   chan_write / chan_read, CHAN_EV_READABLE, CHAN_EV_WRITABLE
 *   chan_shutdown: no more writes (the peer reads end of stream)
 *   chan_reset: abort both ways; CHAN_EV_RESET: the peer aborted
 *   chan_release: the application is done with the id (always, last).
 * The layer frees a channel once the application released it and the
 * peer's side has ended too. */
#ifndef SSPSH_CHANNEL_H
#define SSPSH_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "core/buf.h"

/* The client opens even channel ids, the server odd ones. */
enum chan_role { CHAN_ROLE_CLIENT = 0, CHAN_ROLE_SERVER = 1 };

struct chan_mux;

/* NULL (logged) if out of memory. */
struct chan_mux *chan_mux_new(enum chan_role role);
void chan_mux_free(struct chan_mux *m);

/* The transport's smoothed RTT and retransmission timeout. */
void chan_mux_set_rtt(struct chan_mux *m, int srtt_ms, int rto_ms);

/* Feeds one channel payload. False if it was malformed or dropped (a bound
 * exceeded, memory short); it is then not acknowledged. */
bool chan_mux_receive(struct chan_mux *m, const uint8_t *payload, size_t len, uint64_t now);

/* Appends to out one payload of at most max_len bytes that is due now
 * (acknowledgements, control frames, retransmissions, new data) and returns
 * its length; 0 if nothing is due or allowed now. Call it again while it
 * returns more and the caller has nothing more urgent to send. */
size_t chan_mux_emit(struct chan_mux *m, uint64_t now, size_t max_len, struct buf *out);
/* The clock_ms() time chan_mux_emit next has something (now if already);
 * UINT64_MAX if nothing is waiting. */
uint64_t chan_mux_deadline(const struct chan_mux *m, uint64_t now);

enum chan_event_type {
	CHAN_EV_OPEN,		/* the peer asks to open id; bytes = its request */
	CHAN_EV_ACCEPTED,	/* the peer accepted the channel we opened */
	CHAN_EV_REFUSED,	/* ... or refused it: code, bytes = its reason */
	CHAN_EV_READABLE,	/* bytes or the end of the stream can be read */
	CHAN_EV_WRITABLE,	/* room again after a short chan_write */
	CHAN_EV_RESET,		/* the peer aborted the channel: code */
};

struct chan_event {
	enum chan_event_type type;
	uint32_t id;
	uint64_t code;
	const uint8_t *bytes;	/* valid until the channel is released */
	size_t len;
};

/* The next thing that happened to a channel the application holds; false
 * if nothing. */
bool chan_mux_next_event(struct chan_mux *m, struct chan_event *ev);

/* Opens a channel with a request of len bytes for the peer. False if the
 * request is too long, SSPSH_CHAN_MAX channels we opened are held, or
 * memory ran out. Bytes may be written before it is accepted. */
bool chan_open(struct chan_mux *m, const void *request, size_t len, uint32_t *id);
/* Answers the peer's open request (CHAN_EV_OPEN). A refusal's reason is
 * cut to SSPSH_CHAN_REASON_MAX bytes. False if id is not such a request. */
bool chan_accept(struct chan_mux *m, uint32_t id);
bool chan_refuse(struct chan_mux *m, uint32_t id, uint64_t code, const char *reason);

/* Queues up to len bytes; returns how many it took (0 when the channel's
 * or the session's send buffer is full: CHAN_EV_WRITABLE follows). */
size_t chan_write(struct chan_mux *m, uint32_t id, const void *data, size_t len);
/* Bytes chan_write would take now. */
size_t chan_write_room(const struct chan_mux *m, uint32_t id);
/* chan_write without a copy, for a reader that fills the send buffer
 * itself: the room for up to `want` bytes (no more than chan_write_room,
 * and more than want when the buffer already has it free), as one or two
 * pieces; returns how many (0: no room or no memory; CHAN_EV_WRITABLE
 * follows). chan_wrote then takes the first n bytes put there. */
int chan_write_space(struct chan_mux *m, uint32_t id, size_t want, struct iovec piece[2]);
void chan_wrote(struct chan_mux *m, uint32_t id, size_t n);
/* Takes up to cap bytes of the stream in order; 0 if none is ready. */
size_t chan_read(struct chan_mux *m, uint32_t id, void *out, size_t cap);
/* Bytes chan_read would return now. */
size_t chan_readable(const struct chan_mux *m, uint32_t id);
/* chan_read without a copy: the bytes it would take, in place, as one or
 * two pieces, valid until the next call that changes the mux; returns how
 * many (0: nothing to read). chan_consume then takes the first n. */
int chan_peek(struct chan_mux *m, uint32_t id, struct iovec piece[2]);
void chan_consume(struct chan_mux *m, uint32_t id, size_t n);
/* The peer ended its stream and every byte of it has been read. */
bool chan_at_eof(const struct chan_mux *m, uint32_t id);
/* Ends our stream after the bytes written (a half-close). */
void chan_shutdown(struct chan_mux *m, uint32_t id);
/* Every byte written and the end of the stream were acknowledged. */
bool chan_all_acked(const struct chan_mux *m, uint32_t id);
/* Aborts the channel both ways and releases it. */
void chan_reset(struct chan_mux *m, uint32_t id, uint64_t code);
/* The application forgets id: unread bytes are dropped, our stream ends
 * after what was written (unless reset), and later bytes from the peer are
 * dropped as they come. */
void chan_release(struct chan_mux *m, uint32_t id);

/* Counters for tests and benchmarks. */
struct chan_stats {
	uint64_t packets_sent, packets_received, packets_dropped;
	uint64_t packets_lost, timeouts;
	uint64_t bytes_sent, bytes_resent;	/* stream bytes */
	size_t channels;			/* records held */
	size_t in_flight_packets, in_flight_bytes, cwnd;
	size_t rx_buffered, tx_buffered;	/* bytes held for the application / the peer */
	int min_rtt_ms;
};
void chan_mux_stats(const struct chan_mux *m, struct chan_stats *out);

#endif
