/* State Synchronization Protocol: keeps the peer's copy of a local object
 * up to date over lossy datagrams, and receives the peer's object.
 *
 * Each side owns one local state (sent) and one remote state (received).
 * States are numbered. Every datagram carries the diff from the newest
 * state the peer has acknowledged to the newest local state, numbered
 * (old, new), plus the number of the newest remote state held (ack) and the
 * oldest local state the peer still needs (throwaway). So any single
 * datagram that arrives can be applied, losses need no bookkeeping, and a
 * flood of changes costs one diff per frame interval.
 *
 * The engine is generic over the state type through struct ssp_state_ops;
 * the terminal session uses applets/session/ssp_frame.h (server -> client)
 * and applets/session/ssp_input.h (client -> server). It does no I/O: it
 * calls `send` with datagram payloads (the transport seals them) and is fed
 * what the transport opened, with the time passed in, so it is testable
 * offline. */
#ifndef SSPSH_SSP_H
#define SSPSH_SSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* Bytes of the header in front of each piece of an instruction, at most. */
#define SSP_HEADER_MAX (4 * 10)

struct ssp_state_ops {
	/* Append to `out` the bytes that turn `from` into `to`. */
	void (*diff)(const void *from, const void *to, struct buf *out);
	/* A new state: `from` with the diff applied; NULL if the diff is
	 * malformed (or memory ran out). Never modifies `from`. */
	void *(*apply)(const void *from, const uint8_t *diff, size_t len);
	bool (*equal)(const void *a, const void *b);
	void *(*clone)(const void *state);
	void (*free)(void *state);
};

/* How eagerly a side sends. */
struct ssp_pacing {
	int collect_ms;		/* wait after the first change of a burst */
	int urgent_collect_ms;	/* the same for an urgent change while output streams */
	int ack_delay_ms;	/* an ack alone waits this long for data */
	int heartbeat_ms;	/* send at least this often */
	/* An ack of news that answers our newest state (it arrived within
	 * SSPSH_ECHO_WINDOW_MS + SRTT of it: the echo of a key) waits this
	 * long for our next state to ride on (0: ack_delay_ms). */
	int answer_ack_delay_ms;
	/* The peer's answer_ack_delay_ms: a state that answers the peer's
	 * news goes out again only after the RTO plus this. */
	int peer_answer_ack_delay_ms;
	/* Space datagrams out while the peer is silent, as
	 * SSPSH_SILENT_BACKOFF_AFTER_MS (core/options.h) describes. */
	bool silent_backoff;
};

struct ssp_config {
	const struct ssp_state_ops *local_ops;
	const struct ssp_state_ops *remote_ops;
	struct ssp_pacing pacing;
	/* Largest payload `send` may be given (more than SSP_HEADER_MAX);
	 * longer instructions are split. ssp_set_max_payload changes it. */
	size_t max_payload;
	/* The local state as it is now: a new object the engine then owns.
	 * Called only after ssp_local_changed, when a frame is due. */
	void *(*snapshot)(void *app);
	/* Hand one datagram payload to the transport. */
	void (*send)(void *app, const uint8_t *payload, size_t len);
	void *app;
	/* What the peer can make this side hold (0: the defaults): the
	 * longest instruction collected (SSPSH_SSP_MAX_INSTRUCTION), and the
	 * instruction bytes behind the remote states kept (no limit beyond
	 * SSPSH_MAX_RECEIVED_STATES). Past the second, the oldest states but
	 * the peer's diff base and the newest are forgotten (a diff from one
	 * of them then fails and the peer sends from the newest acked). */
	size_t remote_instruction_max;
	size_t remote_bytes_max;
};

struct ssp;

/* Both sides start from the same numbered-0 states, which the engine owns
 * from now on (freed by ssp_free even on failure). NULL on OOM. */
struct ssp *ssp_new(const struct ssp_config *config, void *local_initial,
		    void *remote_initial);
void ssp_free(struct ssp *ssp);

/* The local object changed. `urgent`: it answers the user (an echo); send
 * whatever the frame interval: at once when no state went out for a frame
 * interval, else after pacing.urgent_collect_ms (output is streaming). */
void ssp_local_changed(struct ssp *ssp, uint64_t now_ms, bool urgent);
/* Send whatever is due now (new state, retransmission, ack, heartbeat). */
void ssp_tick(struct ssp *ssp, uint64_t now_ms);
/* Milliseconds until ssp_tick has something to do (0: now). */
int ssp_wait_ms(const struct ssp *ssp, uint64_t now_ms);
/* Send the newest state now, ignoring pacing (a goodbye, a roam). */
void ssp_send_now(struct ssp *ssp, uint64_t now_ms);
/* While not accepting, datagrams still carry acks, but no new remote state
 * is taken (nor acknowledged): the peer sends it again later, as after a
 * loss. The application stops taking when it cannot hold more. */
void ssp_set_accepting(struct ssp *ssp, bool accepting);

/* Feed a payload the transport opened. Returns true when it made a newer
 * remote state available. Malformed payloads are dropped silently. */
bool ssp_receive(struct ssp *ssp, const uint8_t *payload, size_t len, uint64_t now_ms);

/* The newest remote state, and its number (0: the initial state). */
const void *ssp_remote(const struct ssp *ssp);
uint64_t ssp_remote_num(const struct ssp *ssp);
/* The newest local state the peer has acknowledged, and whether every
 * state sent so far (and any pending change) has been acknowledged. */
const void *ssp_acked_local(const struct ssp *ssp);
bool ssp_all_acked(const struct ssp *ssp);
/* When the last valid datagram arrived (0: never). */
uint64_t ssp_last_heard_ms(const struct ssp *ssp);
/* The transport measures the RTT; the frame interval and the
 * retransmission timeout follow it. */
void ssp_set_rtt(struct ssp *ssp, int srtt_ms, int rto_ms);
/* The transport's largest payload now (more than SSP_HEADER_MAX). When it
 * changes, the instruction in flight is split anew under a new id (pieces
 * of the old split never mix with the new); when it shrinks (the path
 * refused a datagram), the instruction goes out again at the next tick. */
void ssp_set_max_payload(struct ssp *ssp, size_t max_payload);

/* Counters for tests and benchmarks. */
struct ssp_stats {
	uint64_t datagrams_sent, datagrams_received;
	uint64_t states_sent, states_received;
	uint64_t retransmissions;
	size_t sent_states_held, received_states_held;
	size_t instruction_bytes_held;	/* pieces of a split instruction being collected */
	size_t received_bytes_held;	/* diffs behind the remote states kept */
};
void ssp_stats(const struct ssp *ssp, struct ssp_stats *out);

#endif
