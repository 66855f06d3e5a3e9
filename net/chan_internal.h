/* What net/channel.c, chan_recv.c, chan_send.c and chan_recovery.c share:
 * the channel record, the mux and the sent-packet records. Not for use
 * outside the channel layer. */
#ifndef SSPSH_CHAN_INTERNAL_H
#define SSPSH_CHAN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/options.h"
#include "core/ranges.h"
#include "core/streambuf.h"
#include "core/u32map.h"
#include "net/channel.h"

enum chan_state {
	CHAN_OPENING,	/* we sent OPEN; no answer yet */
	CHAN_PENDING,	/* the peer's OPEN waits for the application */
	CHAN_OPEN,
	CHAN_REFUSED,
	CHAN_RESET,
};

/* Control frames a channel owes the peer (bits of chan.owed). */
enum {
	OWE_OPEN = 1,
	OWE_ACCEPT = 2,
	OWE_REFUSE = 4,
	OWE_RESET = 8,
	OWE_WINDOW = 16,
};

struct chan {
	uint32_t id;
	enum chan_state state;
	bool ours;		/* we opened it */
	bool released;		/* the application is done with it */
	unsigned events;	/* 1 << enum chan_event_type, not yet told */
	unsigned owed;		/* OWE_* */
	uint8_t *info;		/* our or the peer's request; later a refusal's reason */
	size_t info_len;
	uint64_t code;		/* refusal or reset code */
	bool refuse_acked, reset_acked, peer_reset;

	/* Sending: tx.base is the first byte not acknowledged. */
	struct streambuf tx;
	uint64_t tx_written;	/* end of what the application wrote */
	uint64_t tx_next;	/* first byte never sent */
	uint64_t tx_limit;	/* the peer's window */
	struct ranges tx_acked;	/* acknowledged above tx.base */
	struct ranges tx_lost;	/* to send again */
	bool fin_wanted, fin_sent, fin_acked, fin_lost;
	bool write_blocked;

	/* Receiving: rx.base is the first byte the application has not read. */
	struct streambuf rx;
	struct ranges rx_have;	/* received above rx.base */
	uint64_t rx_high;	/* end of the highest byte received */
	uint64_t rx_limit;	/* the window we granted */
	bool rx_fin;
	uint64_t rx_fin_at;

	struct chan *prev, *next;	/* the mux's list, in opening order */
};

/* What one sent packet carried that must not be lost. */
enum chan_ref_kind {
	REF_DATA, REF_OPEN, REF_ACCEPT, REF_REFUSE, REF_RESET, REF_WINDOW, REF_SESSION_WINDOW,
};

struct chan_ref {
	uint8_t kind;		/* enum chan_ref_kind */
	bool fin;
	uint32_t id;
	uint32_t len;
	uint64_t offset;
};

struct chan_sent {
	uint64_t pn;
	uint64_t sent_ms;
	uint64_t delivered;	/* the mux's delivered count when it was sent */
	uint64_t delivered_ms;
	uint32_t bytes;
	bool done;		/* acknowledged or declared lost */
	uint8_t n_refs;
	struct chan_ref refs[SSPSH_CHAN_FRAMES_PER_PACKET];
};

struct chan_mux {
	enum chan_role role;
	struct u32map by_id;		/* id + 1 -> struct chan */
	struct chan *first, *last;
	struct chan *cursor;		/* where the data round-robin goes on */
	size_t n_ours, n_theirs;	/* records held, by opener */
	uint32_t next_index;		/* index (id >> 1) of our next channel */
	/* Peer channel indices seen: all below seen_floor, and a bitmap of
	 * SSPSH_CHAN_ID_SPAN from it (bit i % SPAN for index i). */
	uint32_t seen_floor;
	uint64_t seen_bits[SSPSH_CHAN_ID_SPAN / 64];

	/* Session flow control. */
	uint64_t tx_session_sent;	/* new stream bytes sent, all channels */
	uint64_t tx_session_limit;	/* the peer's session window */
	size_t tx_buffered;		/* unacknowledged bytes held */
	uint64_t rx_session_high;	/* sum of the channels' rx_high (final sizes once ended) */
	uint64_t rx_session_read;	/* of which read or dropped */
	uint64_t rx_session_limit;	/* the window we granted */
	bool owe_session_window;
	size_t rx_buffered;

	/* Acknowledging what we receive. */
	struct ranges rx_pns;		/* packet numbers to acknowledge */
	uint64_t largest_rx_pn_ms;	/* when the largest arrived */
	unsigned unacked_eliciting;	/* ack-eliciting packets since our last ACK */
	uint64_t ack_due_ms;		/* UINT64_MAX: no ACK owed */

	/* Sent packets, oldest first, in a ring. */
	struct chan_sent *sent;
	size_t sent_cap, sent_head, sent_count;
	uint64_t next_pn;
	size_t in_flight_bytes;
	uint64_t largest_acked;		/* UINT64_MAX: none yet */
	uint64_t last_eliciting_ms;	/* the newest ack-eliciting packet left */
	unsigned backoff;		/* timeouts in a row */
	unsigned probes_owed;		/* packets to send after a timeout, window or not */

	/* Round trip and congestion. */
	int srtt_ms, rto_ms;
	int latest_rtt_ms, min_rtt_ms;	/* min_rtt_ms < 0: no sample yet */
	uint64_t min_rtt_at;
	uint64_t delivered, delivered_ms;
	double bw_cur, bw_prev;		/* bytes per ms, max of this and the last epoch */
	uint64_t bw_epoch_ms;
	size_t cwnd;
	/* Slow start ends once the delivery rate stopped growing by a
	 * quarter for three round trips (the pipe is full). */
	bool filled_pipe;
	double full_bw;
	unsigned full_bw_rounds;
	uint64_t round_end_delivered;	/* a round ends when a packet sent after this is acked */
	uint64_t rounds;
	/* Pacing: bytes leave at a gain times the delivery rate, so a
	 * transfer does not queue in front of the screen and the keys. */
	double pace_credit;		/* bytes that may leave now (below 0: wait) */
	uint64_t pace_ms;		/* when the credit was last topped up */
	bool reordering_seen;		/* then only time declares a packet lost */

	/* The memory of one emptied send ring and one receive ring, for the
	 * next that needs it (core/streambuf.h): a session holds at most
	 * these two rings beyond what its channels hold. */
	struct streambuf_spare tx_spare, rx_spare;

	struct buf frame;		/* scratch for one frame */
	struct chan_stats stats;
};

/* channel.c */
struct chan *chan_find(const struct chan_mux *m, uint32_t id);
void chan_notify(struct chan *c, enum chan_event_type ev);
/* A record for the peer's open request (CHAN_PENDING); NULL if out of memory. */
struct chan *chan_new_theirs(struct chan_mux *m, uint32_t id, const uint8_t *request, size_t len);
/* Frees c if the application released it and the protocol is done. */
void chan_maybe_free(struct chan_mux *m, struct chan *c);
/* The peer's side of c ended at `final` bytes: settles the session window
 * for bytes never received or read. */
void chan_rx_settle(struct chan_mux *m, struct chan *c, uint64_t final);
/* After the application read or dropped bytes: grant more window. */
void chan_rx_consumed(struct chan_mux *m, struct chan *c, uint64_t new_base);
/* Sets c to CHAN_RESET and owes the peer our RESET. */
void chan_enter_reset(struct chan_mux *m, struct chan *c, uint64_t code);

/* chan_recovery.c */
bool chan_sent_init(struct chan_mux *m);
void chan_sent_free(struct chan_mux *m);
bool chan_sent_full(const struct chan_mux *m);
/* Records a packet that asks for an ACK (its refs in rec). */
void chan_sent_commit(struct chan_mux *m, const struct chan_sent *rec, uint64_t pn, size_t bytes,
		      uint64_t now);
void chan_on_ack(struct chan_mux *m, const struct range *acked, size_t n, uint64_t delay_ms,
		 uint64_t now);
/* Declares lost what has been out too long; runs the timeout. */
void chan_detect_loss(struct chan_mux *m, uint64_t now);
/* The earliest loss or timeout deadline; UINT64_MAX if nothing is out. */
uint64_t chan_recovery_deadline(const struct chan_mux *m);
bool chan_cwnd_allows(const struct chan_mux *m, size_t bytes);
/* Whether the pacer lets a packet go now; when it will. */
bool chan_pacing_allows(struct chan_mux *m, uint64_t now);
uint64_t chan_pacing_deadline(const struct chan_mux *m, uint64_t now);
/* What an acknowledged or lost reference means for its channel. */
void chan_ref_acked(struct chan_mux *m, const struct chan_ref *ref);
void chan_ref_lost(struct chan_mux *m, const struct chan_ref *ref);

#endif
