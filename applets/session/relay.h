/* The relay through ssh (`sspsh relay HOST:PORT`, run by a client as
 * `ssh HOST sspsh relay 127.0.0.1:PORT` when UDP cannot pass): it copies
 * length-framed datagrams (net/frame.h) from its input to a UDP address on
 * this machine, the session's port or the daemon's, and what comes back
 * from there, framed, to its output. It sees only sealed datagrams: it
 * holds no key and can open nothing. Nothing queues without bound: a frame
 * that finds the output queue full is dropped. */
#ifndef SSPSH_RELAY_H
#define SSPSH_RELAY_H

#include <stdint.h>

#include "net/udp.h"

struct relay_settings {
	int in_fd, out_fd;		/* taken (the applet's stdin and stdout) */
	struct udp_addr target;
	uint64_t idle_ms;		/* exit after this long without a frame in */
};

/* Runs until the input ends (0), is not a frame stream or a socket fails
 * (1, logged), the output closes (0), nothing has come in for idle_ms (0),
 * or SIGTERM, SIGHUP or SIGINT (0). Returns the exit status. */
int relay_run(const struct relay_settings *s);

#endif
