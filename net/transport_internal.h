/* Shared by net/transport.c and net/resolve.c only. */
#ifndef SSPSH_TRANSPORT_INTERNAL_H
#define SSPSH_TRANSPORT_INTERNAL_H

#include "net/transport.h"
#include "net/udp.h"

/* A client of the server at an already parsed or resolved address. */
struct transport *transport_client_to(const struct transport_key *key, const struct udp_addr *server);

#endif
