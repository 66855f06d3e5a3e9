/* A row's cluster store: the tails of its grapheme clusters longer than one
 * code point, under small ids (1..255) that cells keep. An arena of bytes
 * and a table of slots, both grown on demand; freed slots are reused and the
 * arena is compacted when it fills with dead bytes, so a store stays
 * bounded however often its cells are rewritten. Internal to term/fb*.c. */
#ifndef SSPSH_FB_CLUSTER_H
#define SSPSH_FB_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cluster_store;

/* Store `len` bytes (at most FB_CLUSTER_MAX - 1), creating *store if need
 * be; returns the id, or 0 when the store is full or memory ran out. */
uint8_t cluster_put(struct cluster_store **store, const char *bytes, size_t len);
/* Free the id's bytes; id 0 or a NULL store: nothing. */
void cluster_drop(struct cluster_store *store, uint8_t id);
/* The id's bytes (not NUL-terminated); "" and 0 for id 0. */
const char *cluster_get(const struct cluster_store *store, uint8_t id, size_t *len);
/* True when any id is live: only then can cells refer to it. */
bool cluster_store_used(const struct cluster_store *store);
/* A copy with the same ids; NULL on OOM. */
struct cluster_store *cluster_store_copy(const struct cluster_store *store);
void cluster_store_free(struct cluster_store *store);
size_t cluster_store_memory(const struct cluster_store *store);

#endif
