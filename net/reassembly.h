/* Reassembly of fragmented messages with bounded memory. A message is named
 * by the sequence number of its fragment 0; only the newest multi-fragment
 * message is kept, so a fragment of a newer message discards a partial older
 * one, and fragments of older messages are dropped. A single-fragment
 * message is complete on arrival and never disturbs the one in progress.
 * Memory is at most SSPSH_MAX_MESSAGE bytes of payload plus a slot table of
 * SSPSH_MAX_FRAGMENTS entries. Duplicates never reach here (the replay
 * window drops them) but are dropped here too. */
#ifndef SSPSH_REASSEMBLY_H
#define SSPSH_REASSEMBLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

struct fragment_slot {
	uint32_t offset;	/* into the store */
	uint32_t len;
	bool present;
};

struct reassembly {
	bool active;		/* a multi-fragment message is in progress */
	bool seen_any;
	uint64_t message_id;	/* of the newest multi-fragment message seen */
	uint32_t slots_used;	/* slots 0..slots_used-1 may be present */
	uint32_t received;	/* fragments present */
	uint32_t final_index;
	bool final_known;
	struct fragment_slot *slots;
	uint32_t slot_cap;
	struct buf store;	/* fragment payloads in arrival order */
};

enum reassembly_result {
	REASSEMBLY_PENDING,	/* stored; the message is not complete yet */
	REASSEMBLY_COMPLETE,	/* msg holds the whole message */
	REASSEMBLY_DROPPED,	/* superseded, inconsistent, duplicate or too large */
};

void reassembly_init(struct reassembly *r);
void reassembly_free(struct reassembly *r);
/* Adds the fragment carried by datagram seq. On REASSEMBLY_COMPLETE, msg
 * (reset first) holds the message. */
enum reassembly_result reassembly_add(struct reassembly *r, uint64_t seq, uint32_t index,
				      bool final, const uint8_t *data, size_t len,
				      struct buf *msg);

#endif
