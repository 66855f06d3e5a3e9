/* A transport's receiving key with its replay window, and the keys of the
 * direct format (net/datagram.h, "SSP5"), which come from the session key
 * and a client id. Shared by net/transport.c alone. */
#ifndef SSPSH_RECEIVER_H
#define SSPSH_RECEIVER_H

#include <stdbool.h>
#include <stdint.h>

#include "net/aead.h"
#include "net/datagram.h"
#include "net/replay.h"
#include "net/transport.h"

/* In direct mode a server's window (in its main receiver) covers every
 * client of the session key, whose sequence numbers share one space. */
struct receiver {
	bool live;
	uint32_t index;			/* daemon mode: ours, in the header */
	uint64_t client_id;		/* direct mode: the client whose key this is */
	struct aead aead;
	struct replay replay;
};

/* A live receiver of key with an empty window. */
bool receiver_init(struct receiver *r, const uint8_t key[TRANSPORT_KEY_LEN], uint32_t index);
/* Wipes the key; the receiver is no longer live. */
void receiver_free(struct receiver *r);

/* The direct format's key of one direction of client client_id, from the
 * session key, into a. False (logged) if mbedTLS fails. */
bool direct_aead(struct aead *a, const struct transport_key *key, uint64_t client_id,
		 enum direction direction);
/* r takes the key of datagrams from client client_id (its window is left
 * as it is). */
bool direct_receiver_init(struct receiver *r, const struct transport_key *key, uint64_t client_id);
/* a and b exchange keys and clients, not windows. */
void receiver_trade_keys(struct receiver *a, struct receiver *b);

#endif
