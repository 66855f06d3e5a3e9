/* A host name lookup in the background (getaddrinfo in a thread of its
 * own), so the event loop never waits for DNS: start it, look at it when
 * convenient. */
#ifndef SSPSH_LOOKUP_H
#define SSPSH_LOOKUP_H

#include <netdb.h>
#include <stdbool.h>
#include <stdint.h>

struct lookup;

enum lookup_state { LOOKUP_RUNNING, LOOKUP_DONE, LOOKUP_FAILED };

/* NULL if it could not be started. */
struct lookup *lookup_start(const char *host, uint16_t port);
/* LOOKUP_DONE: *result is the address list (the lookup's; freed with it). */
enum lookup_state lookup_state(struct lookup *l, const struct addrinfo **result);
/* Gives the lookup up; a running one frees itself when it ends. */
void lookup_free(struct lookup *l);

#endif
