/* The SSP datagram format (internal to net/ssp.c).
 *
 * Every datagram payload (the transport seals it and measures the RTT):
 *   varint  ack_num            newest state of the peer's that the sender holds
 *   varint  throwaway_num      the sender's states older than this are dead
 *   varint  instruction_id     grows by one for each distinct instruction
 *   varint  fragment           index << 1 | 1 on the last fragment
 *   bytes   the fragment
 * and the fragments of one instruction, concatenated:
 *   varint  old_num, varint new_num, bytes diff (to the end).
 * Keeping acks out of the instruction makes a retransmitted instruction
 * byte-identical, so fragments lost from one copy are filled from another.
 * The header is at most SSP_HEADER_MAX bytes (four varints of <= 10). */
#ifndef SSPSH_SSP_WIRE_H
#define SSPSH_SSP_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "net/ssp.h"

struct ssp_header {
	uint64_t ack_num;
	uint64_t throwaway_num;
	uint64_t instruction_id;
	uint64_t fragment_index;
	bool last_fragment;
};

void ssp_header_put(struct buf *out, const struct ssp_header *h);
/* Reads a header, leaving the reader at the fragment. */
bool ssp_header_get(struct reader *r, struct ssp_header *h);

struct ssp_instruction {
	uint64_t old_num;
	uint64_t new_num;
	const uint8_t *diff;
	size_t diff_len;
};

void ssp_instruction_put(struct buf *out, uint64_t old_num, uint64_t new_num,
			 const uint8_t *diff, size_t diff_len);
bool ssp_instruction_parse(const uint8_t *data, size_t len, struct ssp_instruction *out);

/* Reassembles the fragments of the newest instruction, in any order. The
 * pieces are stored one after another in arrival order; the store never
 * holds more than SSPSH_SSP_MAX_INSTRUCTION bytes nor the table more than
 * SSPSH_SSP_MAX_FRAGMENTS pieces (a fragment past either bound is dropped),
 * so that is all a peer can make a receiver keep. */
struct ssp_piece {
	size_t offset;		/* into the store */
	size_t len;
	bool have;
};

struct ssp_assembler {
	size_t limit;		/* bytes of one instruction at most */
	uint64_t id;		/* instruction being collected (0: none yet) */
	struct ssp_piece *pieces;	/* by fragment index */
	size_t slots;		/* allocated entries of pieces */
	size_t used;		/* entries that may be set: the highest index stored + 1 */
	size_t count;		/* fragments of this instruction, once the last is seen */
	size_t received;
	struct buf store;	/* the pieces received, in arrival order */
	struct buf whole;	/* the instruction joined, when they came out of order */
};

/* An empty assembler of SSPSH_SSP_MAX_INSTRUCTION bytes (set limit to
 * collect less). */
void ssp_assembler_init(struct ssp_assembler *a);
void ssp_assembler_free(struct ssp_assembler *a);
/* Bytes of the pieces of the instruction being collected. */
size_t ssp_assembler_bytes(const struct ssp_assembler *a);
/* Bytes allocated, held or not (what the peer has made it hold). */
size_t ssp_assembler_allocated(const struct ssp_assembler *a);
/* Adds one fragment. When it completes an instruction, points *data at its
 * bytes (valid until the next call) and returns true. A fragment longer
 * than any datagram carries (DATAGRAM_PAYLOAD_READ_MAX) is refused. Buffers
 * grown past SSPSH_SSP_KEEP_BYTES by one instruction are released when the
 * next one starts. */
bool ssp_assembler_add(struct ssp_assembler *a, const struct ssp_header *h,
		       const uint8_t *frag, size_t len, const uint8_t **data, size_t *data_len);

#endif
