/* The server half of SOCKS5 (RFC 1928) that `connect -D` speaks to local
 * programs: no authentication, CONNECT only, to an IPv4 or IPv6 address or
 * a domain name (resolved at the other end of the session). */
#ifndef SSPSH_SOCKS5_H
#define SSPSH_SOCKS5_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

/* A greeting is at most 2 + 255 bytes, a request at most 7 + 255. */
#define SOCKS5_HEAD_MAX (2 + 255 + 7 + 255)

enum socks5_reply {
	SOCKS5_SUCCEEDED = 0,
	SOCKS5_GENERAL_FAILURE = 1,
	SOCKS5_NOT_ALLOWED = 2,
	SOCKS5_HOST_UNREACHABLE = 4,
	SOCKS5_CONNECTION_REFUSED = 5,
	SOCKS5_COMMAND_NOT_SUPPORTED = 7,
	SOCKS5_ADDRESS_NOT_SUPPORTED = 8,
};

enum socks5_state {
	SOCKS5_NEED_MORE,	/* read more bytes */
	SOCKS5_CONNECT,		/* host and port are set; answer with socks5_put_reply */
	SOCKS5_FAILED,		/* write `out` (it may hold a refusal) and close */
};

struct socks5 {
	bool greeted;
	uint8_t head[SOCKS5_HEAD_MAX];	/* greeting, then request */
	size_t len;
	size_t greeting_len;
	char host[256];		/* a name, or an address as text */
	uint16_t port;
};

void socks5_init(struct socks5 *s);
/* Takes bytes the program sent; *used says how many were SOCKS (the rest,
 * if any, are the stream's first bytes). Appends what to send back to out. */
enum socks5_state socks5_take(struct socks5 *s, const uint8_t *data, size_t len, size_t *used,
			      struct buf *out);
/* The answer to a CONNECT request. */
void socks5_put_reply(struct buf *out, enum socks5_reply reply);

#endif
