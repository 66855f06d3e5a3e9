/* A hash map from 32-bit keys (receiver indices) to pointers: open
 * addressing with linear probing and backward-shift deletion, so lookups
 * stay short however many entries come and go. Key 0 is reserved. */
#ifndef SSPSH_U32MAP_H
#define SSPSH_U32MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct u32map_slot {
	uint32_t key;	/* 0: empty */
	void *value;
};

struct u32map {
	struct u32map_slot *slots;
	size_t cap;	/* a power of two, or 0 */
	size_t count;
};

void u32map_init(struct u32map *m);
void u32map_free(struct u32map *m);
/* Adds or replaces; false if out of memory or key is 0. */
bool u32map_put(struct u32map *m, uint32_t key, void *value);
void *u32map_get(const struct u32map *m, uint32_t key);
void u32map_remove(struct u32map *m, uint32_t key);

#endif
