/* Anti-replay window over 63-bit sequence numbers, a ring of 64-bit bitmap
 * blocks in the manner of RFC 6479: check before the (costly) decryption,
 * accept only after the datagram proved authentic. */
#ifndef SSPSH_REPLAY_H
#define SSPSH_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/options.h"

#define REPLAY_BLOCKS (SSPSH_REPLAY_WINDOW / 64)
/* How far behind the newest a sequence number may be and still be accepted. */
#define REPLAY_REACH ((uint64_t)(REPLAY_BLOCKS - 1) * 64)

struct replay {
	uint64_t newest;
	bool seen_any;
	uint64_t blocks[REPLAY_BLOCKS];
};

enum replay_verdict { REPLAY_FRESH, REPLAY_DUPLICATE, REPLAY_TOO_OLD };

void replay_init(struct replay *r);
enum replay_verdict replay_check(const struct replay *r, uint64_t seq);
/* Marks seq as seen (after replay_check said REPLAY_FRESH). */
void replay_accept(struct replay *r, uint64_t seq);
/* True if seq is newer than everything accepted so far. */
bool replay_is_newest(const struct replay *r, uint64_t seq);

#endif
