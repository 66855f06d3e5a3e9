/* The wire format of channel packets (net/channel.h), which ride in
 * transport payloads next to the SSP's. Every number is a varint
 * (core/buf.h). A packet is
 *
 *   packet number   varint, one more than the sender's previous packet
 *   frames          one or more, each a type byte and its fields:
 *
 *   ACK            largest, delay_ms, count - 1, first_len, then count - 1
 *                  times (gap, len): acknowledges the packet numbers
 *                  [largest - first_len, largest], then each next range
 *                  ends gap + 2 below the previous one's start and spans
 *                  len + 1 numbers (QUIC's encoding), highest first
 *   OPEN           id, info_len, info: the sender opens channel id
 *   ACCEPT         id
 *   REFUSE         id, code, reason_len, reason
 *   DATA/DATA_FIN  id, offset, len, bytes; DATA_FIN: the stream ends after them
 *   RESET          id, code, final: the channel is aborted, both ways; the
 *                  sender had sent final bytes of its stream (each side
 *                  sends one, so both know the other's final size)
 *   WINDOW         id, limit: the sender may be sent bytes up to offset limit
 *   SESSION_WINDOW limit: the same for the sum over all channels
 *   PING           nothing: asks for an ACK (a probe after a timeout)
 *
 * Channel ids: the client opens even ids, the server odd ones. Only ACK
 * frames do not ask for an acknowledgement. */
#ifndef SSPSH_CHAN_WIRE_H
#define SSPSH_CHAN_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/options.h"
#include "core/ranges.h"

enum chan_frame_type {
	CHAN_FRAME_ACK = 1,
	CHAN_FRAME_OPEN = 2,
	CHAN_FRAME_ACCEPT = 3,
	CHAN_FRAME_REFUSE = 4,
	CHAN_FRAME_DATA = 5,
	CHAN_FRAME_DATA_FIN = 6,
	CHAN_FRAME_RESET = 7,
	CHAN_FRAME_WINDOW = 8,
	CHAN_FRAME_SESSION_WINDOW = 9,
	CHAN_FRAME_PING = 10,
};

/* Offsets, windows and packet numbers stay below this, so sums of two
 * never overflow. */
#define CHAN_NUMBER_LIMIT ((uint64_t)1 << 62)
/* Bytes of a DATA frame besides its payload, at most. */
#define CHAN_DATA_OVERHEAD_MAX (1 + 5 + 9 + 5)

struct chan_frame {
	enum chan_frame_type type;
	uint32_t id;
	uint64_t offset;	/* DATA; RESET: the final size */
	uint64_t value;		/* WINDOW and SESSION_WINDOW limit, REFUSE and RESET code */
	bool fin;		/* DATA_FIN */
	const uint8_t *bytes;	/* DATA bytes, OPEN info, REFUSE reason (into the packet) */
	size_t len;
	/* ACK: inclusive packet number ranges, highest first. */
	uint64_t ack_delay_ms;
	size_t n_acked;
	struct range acked[SSPSH_CHAN_ACK_RANGES];	/* [start, end) */
};

size_t chan_varint_len(uint64_t v);

/* Reads the packet number; false if malformed. */
bool chan_packet_number_get(struct reader *r, uint64_t *pn);
/* Reads one frame and checks every bound (core/options.h); false if the
 * frame is malformed or exceeds one (the reader may then be anywhere). */
bool chan_frame_get(struct reader *r, struct chan_frame *f);

/* Appends an ACK of the highest ranges of `pns` that fit in max_len bytes
 * (at most SSPSH_CHAN_ACK_RANGES); returns false, writing nothing, if not
 * even one fits or pns is empty. */
bool chan_put_ack(struct buf *b, const struct ranges *pns, uint64_t delay_ms, size_t max_len);
void chan_put_open(struct buf *b, uint32_t id, const void *info, size_t len);
void chan_put_accept(struct buf *b, uint32_t id);
void chan_put_refuse(struct buf *b, uint32_t id, uint64_t code, const void *reason, size_t len);
/* The DATA or DATA_FIN header; the caller appends the len bytes. */
void chan_put_data_header(struct buf *b, uint32_t id, uint64_t offset, size_t len, bool fin);
size_t chan_data_header_len(uint32_t id, uint64_t offset, size_t len);
void chan_put_reset(struct buf *b, uint32_t id, uint64_t code, uint64_t final);
void chan_put_window(struct buf *b, uint32_t id, uint64_t limit);
void chan_put_session_window(struct buf *b, uint64_t limit);
void chan_put_ping(struct buf *b);

#endif
