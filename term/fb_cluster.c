#include "term/fb_cluster.h"

#include <stdlib.h>
#include <string.h>

#include "term/fb.h"

#define CLUSTER_SLOTS_MAX 255

struct cluster_slot {
	uint16_t off;
	uint8_t len;	/* 0: free */
};

struct cluster_store {
	char *bytes;
	uint16_t used, cap, live;	/* arena bytes: appended, allocated, referenced */
	uint16_t nslots, slots_cap;	/* slots in use (the last one live), allocated */
	struct cluster_slot *slots;
};

static void store_compact(struct cluster_store *st)
{
	/* Slots in arena order would be needed to move bytes down in place;
	 * a scratch copy is simpler and the arena is at most ~16 KB. */
	char scratch[CLUSTER_SLOTS_MAX * (FB_CLUSTER_MAX - 1)];
	uint16_t used = 0;

	for (int i = 0; i < st->nslots; i++) {
		struct cluster_slot *s = &st->slots[i];
		if (!s->len)
			continue;
		memcpy(scratch + used, st->bytes + s->off, s->len);
		s->off = used;
		used = (uint16_t)(used + s->len);
	}
	if (used)
		memcpy(st->bytes, scratch, used);
	st->used = used;
}

/* Room for len more bytes at the arena's end: compact first, and grow so
 * that at least half the arena is free afterwards (amortised). */
static bool store_room(struct cluster_store *st, size_t len)
{
	size_t cap, max = CLUSTER_SLOTS_MAX * (FB_CLUSTER_MAX - 1);
	char *p;

	if (st->used + len <= st->cap)
		return true;
	store_compact(st);
	if (2 * ((size_t)st->live + len) <= st->cap)
		return true;
	cap = 2 * ((size_t)st->live + len);
	if (cap < 64)
		cap = 64;
	if (cap > max)
		cap = max;
	if (cap > st->cap) {
		p = realloc(st->bytes, cap);
		if (!p)
			return st->used + len <= st->cap;
		st->bytes = p;
		st->cap = (uint16_t)cap;
	}
	return st->used + len <= st->cap;
}

static bool store_more_slots(struct cluster_store *st)
{
	int cap = st->slots_cap ? 2 * st->slots_cap : 4;
	struct cluster_slot *slots;

	if (st->slots_cap == CLUSTER_SLOTS_MAX)
		return false;
	if (cap > CLUSTER_SLOTS_MAX)
		cap = CLUSTER_SLOTS_MAX;
	slots = realloc(st->slots, (size_t)cap * sizeof slots[0]);
	if (!slots)
		return false;
	st->slots = slots;
	st->slots_cap = (uint16_t)cap;
	return true;
}

uint8_t cluster_put(struct cluster_store **store, const char *bytes, size_t len)
{
	struct cluster_store *st = *store;
	int slot;

	if (!st) {
		st = calloc(1, sizeof *st);
		if (!st)
			return 0;
		*store = st;
	}
	for (slot = 0; slot < st->nslots && st->slots[slot].len; slot++)
		;
	if (slot == st->slots_cap && !store_more_slots(st))
		return 0;
	if (!store_room(st, len))
		return 0;
	if (slot == st->nslots)
		st->nslots++;
	memcpy(st->bytes + st->used, bytes, len);
	st->slots[slot].off = st->used;
	st->slots[slot].len = (uint8_t)len;
	st->used = (uint16_t)(st->used + len);
	st->live = (uint16_t)(st->live + len);
	return (uint8_t)(slot + 1);
}

void cluster_drop(struct cluster_store *st, uint8_t id)
{
	struct cluster_slot *s;

	if (!id || !st)
		return;
	s = &st->slots[id - 1];
	st->live = (uint16_t)(st->live - s->len);
	s->len = 0;
	while (st->nslots && !st->slots[st->nslots - 1].len)
		st->nslots--;
	if (!st->nslots)
		st->used = st->live = 0;
}

const char *cluster_get(const struct cluster_store *st, uint8_t id, size_t *len)
{
	const struct cluster_slot *s;

	if (!id || !st) {
		*len = 0;
		return "";
	}
	s = &st->slots[id - 1];
	*len = s->len;
	return st->bytes + s->off;
}

bool cluster_store_used(const struct cluster_store *st)
{
	return st && st->nslots;
}

struct cluster_store *cluster_store_copy(const struct cluster_store *from)
{
	struct cluster_store *st = malloc(sizeof *st);
	char *bytes = malloc(from->cap ? from->cap : 1);
	struct cluster_slot *slots = malloc((from->nslots ? from->nslots : 1) * sizeof slots[0]);

	if (!st || !bytes || !slots) {
		free(st);
		free(bytes);
		free(slots);
		return NULL;
	}
	*st = *from;
	memcpy(bytes, from->bytes, from->used);
	memcpy(slots, from->slots, from->nslots * sizeof slots[0]);
	st->bytes = bytes;
	st->slots = slots;
	st->slots_cap = st->nslots;
	return st;
}

void cluster_store_free(struct cluster_store *st)
{
	if (!st)
		return;
	free(st->bytes);
	free(st->slots);
	free(st);
}

size_t cluster_store_memory(const struct cluster_store *st)
{
	return st ? sizeof *st + st->cap + st->slots_cap * sizeof st->slots[0] : 0;
}
