#include "core/u32map.h"

#include <stdlib.h>

void u32map_init(struct u32map *m)
{
	m->slots = NULL;
	m->cap = m->count = 0;
}

void u32map_free(struct u32map *m)
{
	free(m->slots);
	u32map_init(m);
}

/* Indices are random already; the multiply spreads chosen ones too. */
static size_t home_slot(const struct u32map *m, uint32_t key)
{
	return (size_t)(key * 2654435761u) & (m->cap - 1);
}

static struct u32map_slot *find(const struct u32map *m, uint32_t key)
{
	if (!m->cap || !key)
		return NULL;
	for (size_t i = home_slot(m, key);; i = (i + 1) & (m->cap - 1)) {
		if (m->slots[i].key == key)
			return &m->slots[i];
		if (m->slots[i].key == 0)
			return NULL;
	}
}

static void insert(struct u32map *m, uint32_t key, void *value)
{
	size_t i = home_slot(m, key);

	while (m->slots[i].key != 0)
		i = (i + 1) & (m->cap - 1);
	m->slots[i].key = key;
	m->slots[i].value = value;
	m->count++;
}

static bool grow(struct u32map *m)
{
	struct u32map_slot *old = m->slots;
	size_t old_cap = m->cap, cap = m->cap ? m->cap * 2 : 16;
	struct u32map_slot *slots = calloc(cap, sizeof *slots);

	if (!slots)
		return false;
	m->slots = slots;
	m->cap = cap;
	m->count = 0;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].key)
			insert(m, old[i].key, old[i].value);
	free(old);
	return true;
}

bool u32map_put(struct u32map *m, uint32_t key, void *value)
{
	struct u32map_slot *slot = find(m, key);

	if (!key)
		return false;
	if (slot) {
		slot->value = value;
		return true;
	}
	/* At most half full keeps probes short. */
	if ((m->count + 1) * 2 > m->cap && !grow(m))
		return false;
	insert(m, key, value);
	return true;
}

void *u32map_get(const struct u32map *m, uint32_t key)
{
	struct u32map_slot *slot = find(m, key);

	return slot ? slot->value : NULL;
}

void u32map_remove(struct u32map *m, uint32_t key)
{
	struct u32map_slot *slot = find(m, key);
	size_t hole, i;

	if (!slot)
		return;
	hole = (size_t)(slot - m->slots);
	m->slots[hole].key = 0;
	m->count--;
	/* Move back every later entry of the run that its home slot allows. */
	for (i = (hole + 1) & (m->cap - 1); m->slots[i].key; i = (i + 1) & (m->cap - 1)) {
		size_t home = home_slot(m, m->slots[i].key);
		bool movable = hole <= i ? (home <= hole || home > i) : (home <= hole && home > i);

		if (movable) {
			m->slots[hole] = m->slots[i];
			m->slots[i].key = 0;
			hole = i;
		}
	}
}
