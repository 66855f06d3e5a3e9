/* Name resolution, kept apart: a static binary that links getaddrinfo
 * needs glibc's NSS modules at run time, so only programs that resolve
 * names pull this file in. */
#include <netdb.h>
#include <string.h>

#include "core/log.h"
#include "net/transport.h"
#include "net/transport_internal.h"
#include "net/udp.h"

bool udp_addr_resolve(const char *host, const char *port, struct udp_addr *out)
{
	struct addrinfo hints = { .ai_socktype = SOCK_DGRAM, .ai_flags = AI_NUMERICSERV };
	struct addrinfo *list;
	int err = getaddrinfo(host, port, &hints, &list);

	if (err) {
		log_error("cannot resolve %s port %s: %s", host, port, gai_strerror(err));
		return false;
	}
	memset(out, 0, sizeof *out);
	memcpy(&out->ss, list->ai_addr, list->ai_addrlen);
	out->len = list->ai_addrlen;
	freeaddrinfo(list);
	return true;
}

struct transport *transport_client_resolve(const struct transport_key *key, const char *host,
					   const char *port)
{
	struct udp_addr server;

	if (!udp_addr_resolve(host, port, &server))
		return NULL;
	return transport_client_to(key, &server);
}

