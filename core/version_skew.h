/* What `sspsh connect` does when the server it started over ssh speaks
 * another wire protocol (core/bootstrap.h's proto= field): never a session
 * that would misbehave. A copy in ~/.local/bin older than this client is
 * replaced when --install was given; any other copy (elsewhere on PATH, or
 * newer) is left alone and the user is told, in one line naming both
 * versions, what would fix it. */
#ifndef SSPSH_VERSION_SKEW_H
#define SSPSH_VERSION_SKEW_H

#include <stdbool.h>
#include <stddef.h>

#include "core/bootstrap.h"

enum skew_action {
	SKEW_NONE,	/* same protocol: go on */
	SKEW_REPLACE,	/* install this sspsh over the server's ~/.local/bin copy */
	SKEW_REFUSE,	/* stop; the message says why and what to do */
};

/* Judges the server of c for host; the message (one line, no newline) is
 * for the user unless the action is SKEW_NONE. */
enum skew_action skew_judge(const struct bootstrap_connect *c, const char *host, bool install,
			    char *message, size_t cap);

#endif
