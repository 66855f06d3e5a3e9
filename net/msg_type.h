/* The first byte of every datagram on a daemon's UDP port (and on a daemon
 * client's socket), which tells what the rest is: all the types in one
 * place, so that no two formats can claim the same byte. Direct sessions
 * (ssh or --local, net/datagram.h's "SSP5") have no type byte: their socket
 * carries nothing but their own datagrams. */
#ifndef SSPSH_MSG_TYPE_H
#define SSPSH_MSG_TYPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum msg_type {
	MSG_UNKNOWN = 0,	/* empty, or a byte no sspsh sends: ignore it */
	MSG_INITIATION = 1,	/* handshake, client -> server (net/noise.h) */
	MSG_RESPONSE = 2,	/* handshake, server -> client */
	MSG_COOKIE_REPLY = 3,	/* handshake under load, server -> client */
	MSG_DATA = 4,		/* a session's datagram ("SSP4", net/datagram.h) */
	MSG_CLOSE = 5,		/* the sender has ended this channel (no payload) */
	MSG_KEY_REQUEST = 6,	/* a client asks for the server's public key (net/noise.h) */
	MSG_KEY_ANSWER = 7,	/* the server's public key */
};

/* The type a datagram claims (it proves nothing: each reader checks the rest). */
static inline enum msg_type msg_type_of(const uint8_t *datagram, size_t len)
{
	if (len == 0 || datagram[0] < MSG_INITIATION || datagram[0] > MSG_KEY_ANSWER)
		return MSG_UNKNOWN;
	return (enum msg_type)datagram[0];
}

/* A session's datagram (data or close), as opposed to a handshake. */
static inline bool msg_is_session(enum msg_type type)
{
	return type == MSG_DATA || type == MSG_CLOSE;
}

#endif
