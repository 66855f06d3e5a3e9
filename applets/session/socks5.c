#include "applets/session/socks5.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#define VERSION 5
#define NO_AUTH 0
#define NO_ACCEPTABLE_METHOD 0xff
#define CMD_CONNECT 1
#define ATYP_IPV4 1
#define ATYP_DOMAIN 3
#define ATYP_IPV6 4

void socks5_init(struct socks5 *s)
{
	memset(s, 0, sizeof *s);
}

void socks5_put_reply(struct buf *out, enum socks5_reply reply)
{
	static const uint8_t bound_nowhere[] = { 0, 0, 0, 0, 0, 0 };

	buf_put_u8(out, VERSION);
	buf_put_u8(out, (uint8_t)reply);
	buf_put_u8(out, 0);
	buf_put_u8(out, ATYP_IPV4);
	buf_put(out, bound_nowhere, sizeof bound_nowhere);
}

/* The greeting (version, method count, methods): its length once
 * complete, else 0; *ok when "no authentication" is offered. */
static size_t greeting(const struct socks5 *s, bool *ok)
{
	size_t need;

	if (s->len < 2)
		return 0;
	need = 2 + (size_t)s->head[1];
	if (s->len < need)
		return 0;
	*ok = s->head[0] == VERSION && memchr(s->head + 2, NO_AUTH, s->head[1]) != NULL;
	return need;
}

/* The request (at req, have bytes of it): its length once complete, else
 * 0; SIZE_MAX if its address type is unknown. */
static size_t request_len(const uint8_t *req, size_t have)
{
	if (have < 5)
		return 0;
	switch (req[3]) {
	case ATYP_IPV4: return have >= 10 ? 10 : 0;
	case ATYP_IPV6: return have >= 22 ? 22 : 0;
	case ATYP_DOMAIN: return have >= 7 + (size_t)req[4] ? 7 + (size_t)req[4] : 0;
	default: return SIZE_MAX;
	}
}

static enum socks5_state parse_request(struct socks5 *s, const uint8_t *req, size_t len,
				       struct buf *out)
{
	const uint8_t *addr = req + 4;

	if (len == SIZE_MAX) {
		socks5_put_reply(out, SOCKS5_ADDRESS_NOT_SUPPORTED);
		return SOCKS5_FAILED;
	}
	if (req[0] != VERSION || req[1] != CMD_CONNECT) {
		socks5_put_reply(out, SOCKS5_COMMAND_NOT_SUPPORTED);
		return SOCKS5_FAILED;
	}
	if (req[3] == ATYP_IPV4) {
		inet_ntop(AF_INET, addr, s->host, sizeof s->host);
	} else if (req[3] == ATYP_IPV6) {
		inet_ntop(AF_INET6, addr, s->host, sizeof s->host);
	} else {
		memcpy(s->host, addr + 1, addr[0]);
		s->host[addr[0]] = '\0';
		if (addr[0] == 0 || strlen(s->host) != addr[0]) {
			socks5_put_reply(out, SOCKS5_HOST_UNREACHABLE);
			return SOCKS5_FAILED;	/* empty, or a NUL inside */
		}
	}
	s->port = (uint16_t)(req[len - 2] << 8 | req[len - 1]);
	return SOCKS5_CONNECT;
}

enum socks5_state socks5_take(struct socks5 *s, const uint8_t *data, size_t len, size_t *used,
			      struct buf *out)
{
	size_t before = s->len, room = sizeof s->head - s->len, req_len;
	bool ok = false;

	*used = len < room ? len : room;
	memcpy(s->head + s->len, data, *used);
	s->len += *used;
	if (!s->greeted) {
		s->greeting_len = greeting(s, &ok);
		if (!s->greeting_len)
			return s->len == sizeof s->head ? SOCKS5_FAILED : SOCKS5_NEED_MORE;
		buf_put_u8(out, VERSION);
		buf_put_u8(out, ok ? NO_AUTH : NO_ACCEPTABLE_METHOD);
		if (!ok)
			return SOCKS5_FAILED;
		s->greeted = true;
	}
	req_len = request_len(s->head + s->greeting_len, s->len - s->greeting_len);
	if (!req_len)
		return s->len == sizeof s->head ? SOCKS5_FAILED : SOCKS5_NEED_MORE;
	if (req_len != SIZE_MAX)
		*used = s->greeting_len + req_len - before;	/* what follows is the stream's */
	return parse_request(s, s->head + s->greeting_len, req_len, out);
}
