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
 * byte-identical, so fragments lost from one copy are filled from another. */
#ifndef SSPSH_SSP_WIRE_H
#define SSPSH_SSP_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* Bytes of header at most (four varints of <= 10 bytes). */
#define SSP_HEADER_MAX (4 * 10)

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

/* Reassembles the fragments of the newest instruction, in any order. */
struct ssp_assembler {
	uint64_t id;		/* instruction being collected (0: none yet) */
	struct buf *pieces;	/* one per fragment index, storage reused */
	bool *have;
	size_t slots;		/* allocated entries of pieces/have */
	size_t count;		/* fragments of this instruction, once the last is seen */
	size_t received;
	struct buf whole;
};

void ssp_assembler_init(struct ssp_assembler *a);
void ssp_assembler_free(struct ssp_assembler *a);
/* Adds one fragment. When it completes an instruction, points *data at its
 * bytes (valid until the next call) and returns true. */
bool ssp_assembler_add(struct ssp_assembler *a, const struct ssp_header *h,
		       const uint8_t *frag, size_t len, const uint8_t **data, size_t *data_len);

#endif
