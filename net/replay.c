#include "net/replay.h"

#include <string.h>

static uint64_t *block_of(struct replay *r, uint64_t seq)
{
	return &r->blocks[(seq / 64) % REPLAY_BLOCKS];
}

void replay_init(struct replay *r)
{
	memset(r, 0, sizeof *r);
}

bool replay_is_newest(const struct replay *r, uint64_t seq)
{
	return !r->seen_any || seq > r->newest;
}

enum replay_verdict replay_check(const struct replay *r, uint64_t seq)
{
	if (replay_is_newest(r, seq))
		return REPLAY_FRESH;
	if (r->newest - seq >= REPLAY_REACH)
		return REPLAY_TOO_OLD;
	if (r->blocks[(seq / 64) % REPLAY_BLOCKS] >> (seq % 64) & 1)
		return REPLAY_DUPLICATE;
	return REPLAY_FRESH;
}

void replay_accept(struct replay *r, uint64_t seq)
{
	if (replay_is_newest(r, seq)) {
		/* The blocks after the old newest one up to seq's now describe new
		 * ground; a jump past the whole ring clears all of it. */
		uint64_t old_block = r->newest / 64, new_block = seq / 64;

		if (!r->seen_any || new_block - old_block >= REPLAY_BLOCKS)
			memset(r->blocks, 0, sizeof r->blocks);
		else
			for (uint64_t b = old_block + 1; b <= new_block; b++)
				r->blocks[b % REPLAY_BLOCKS] = 0;
		r->newest = seq;
		r->seen_any = true;
	}
	*block_of(r, seq) |= (uint64_t)1 << (seq % 64);
}
