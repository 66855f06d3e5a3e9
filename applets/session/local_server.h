/* `sspsh connect --local`: a server on loopback, started by the client. */
#ifndef SSPSH_LOCAL_SERVER_H
#define SSPSH_LOCAL_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "net/transport.h"

struct local_server {
	pid_t pid;
	uint16_t port;
	struct transport_key key;
};

/* Starts `<this executable> server -i 127.0.0.1 --foreground
 * [--scrollback N] [-- command]` and reads its CONNECT line from a pipe.
 * scrollback NULL: the server's default. false (logged) on failure. */
bool local_server_start(char *const *command, const char *scrollback, struct local_server *out);
/* Stops the server (SIGINT: at once, as its client is done) and collects
 * it, SIGKILLed if it is still there after SSPSH_HANGUP_GRACE_MS
 * (core/dying.h). */
void local_server_stop(struct local_server *s);

#endif
