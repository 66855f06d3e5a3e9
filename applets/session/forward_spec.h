/* The forwarding options of `sspsh connect`, as ssh spells them:
 *   -L [BIND:]PORT:HOST:HOSTPORT   listen here, connect there
 *   -R [BIND:]PORT:HOST:HOSTPORT   listen there (loopback unless BIND), connect here
 *   -D [BIND:]PORT                 SOCKS5 here, connect there
 * An IPv6 address is written in brackets ([::1]:8080:...). */
#ifndef SSPSH_FORWARD_SPEC_H
#define SSPSH_FORWARD_SPEC_H

#include <stdbool.h>
#include <stdint.h>

#define FORWARD_HOST_MAX 255

/* FORWARD_AGENT is -A's, never parsed: notices name it like the others. */
enum forward_kind { FORWARD_LOCAL, FORWARD_REMOTE, FORWARD_DYNAMIC, FORWARD_AGENT };

struct forward_spec {
	enum forward_kind kind;
	char bind[FORWARD_HOST_MAX + 1];	/* "" = loopback */
	uint16_t port;
	char host[FORWARD_HOST_MAX + 1];	/* not for FORWARD_DYNAMIC */
	uint16_t host_port;
};

/* Parses the text after -L, -R or -D. On failure returns false and points
 * *why at a one-line reason (a static string). */
bool forward_spec_parse(enum forward_kind kind, const char *text, struct forward_spec *out,
			const char **why);

#endif
