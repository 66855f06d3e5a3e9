/* A set of disjoint half-open intervals [start, end) of 64-bit numbers,
 * kept sorted and merged, with a fixed most-intervals bound. The channel
 * layer uses it for the bytes of a stream received out of order, the bytes
 * acknowledged or lost, and the packet numbers still to acknowledge. */
#ifndef SSPSH_RANGES_H
#define SSPSH_RANGES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct range {
	uint64_t start, end;	/* start < end */
};

struct ranges {
	struct range *v;	/* sorted, disjoint, never touching */
	size_t n, cap;
	size_t max;		/* most intervals ever held */
};

void ranges_init(struct ranges *r, size_t max);
void ranges_free(struct ranges *r);
void ranges_clear(struct ranges *r);
/* Adds [start, end). False, with the set unchanged, if the result would
 * need more than `max` intervals or memory ran out. */
bool ranges_add(struct ranges *r, uint64_t start, uint64_t end);
/* Removes [start, end). False, with the set unchanged, if splitting an
 * interval would need more than `max` intervals or memory ran out. */
bool ranges_remove(struct ranges *r, uint64_t start, uint64_t end);
/* Removes everything below `v`; never fails. */
void ranges_remove_below(struct ranges *r, uint64_t v);
/* Removes the lowest interval; never fails. */
void ranges_drop_lowest(struct ranges *r);
bool ranges_contains(const struct ranges *r, uint64_t v);
/* Whether every number of [start, end) is in the set. */
bool ranges_covers(const struct ranges *r, uint64_t start, uint64_t end);
static inline bool ranges_empty(const struct ranges *r)
{
	return r->n == 0;
}

#endif
