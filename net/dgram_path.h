/* The way a side's sealed datagrams travel: a UDP socket, or a framed byte
 * stream (net/frame.h) through a pipe, such as the stdin and stdout of
 * `ssh HOST sspsh relay ADDR:PORT` on a client, or the relay's own stdin and
 * stdout. Whoever sends and receives datagrams does it through this one
 * interface and need not know which it has:
 *
 *     n = dgram_path_pollfds(p, fds);        poll them with the rest
 *     dgram_path_flush(p);                    when a write fd is ready
 *     while ((len = dgram_path_receive(p, ...)) >= 0) use the datagram;
 *     dgram_path_send(p, datagram, len, &to);
 *
 * A pipe never blocks and never grows: frames wait in a fixed queue of
 * SSPSH_RELAY_QUEUE_BYTES, and a datagram that finds it full is dropped (a
 * slow ssh link loses datagrams, as a slow router would; the SSP is built
 * for loss). A path that ends (end of file, a stream that is not frames, a
 * failed write or socket) reports DGRAM_PATH_BROKEN and stays broken. */
#ifndef SSPSH_DGRAM_PATH_H
#define SSPSH_DGRAM_PATH_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/udp.h"

struct dgram_path;

enum dgram_path_kind { DGRAM_PATH_UDP, DGRAM_PATH_PIPE };

/* A path over the UDP socket fd (non-blocking, as net/udp.h makes them),
 * which it takes. NULL (logged) if out of memory; fd is closed then. */
struct dgram_path *dgram_path_udp(int fd);

/* Flags of dgram_path_pipe. */
enum {
	DGRAM_PIPE_AWAIT_HELLO = 1,	/* the far end is a relay: skip to its hello line */
	DGRAM_PIPE_SEND_HELLO = 2,	/* we are the relay: say hello first */
};
/* A framed path reading read_fd and writing write_fd (the same fd for a
 * socket pair). Takes both and makes them non-blocking; the flags they had
 * are given back when the path is freed. NULL (logged; fds closed) if out
 * of memory. */
struct dgram_path *dgram_path_pipe(int read_fd, int write_fd, unsigned flags);

/* Closes what it took. NULL is fine. */
void dgram_path_free(struct dgram_path *p);

enum dgram_path_kind dgram_path_kind(const struct dgram_path *p);

/* Sends one datagram: over UDP to `to`; on a pipe, queued as a frame and
 * written as far as the pipe takes it (`to` is not used). UDP_LOST when a
 * full queue dropped it, UDP_TOO_BIG over SSPSH_RELAY_FRAME_MAX on a pipe,
 * UDP_FAILED once the path is broken. */
enum udp_send_result dgram_path_send(struct dgram_path *p, const void *data, size_t len,
				     const struct udp_addr *to);

#define DGRAM_PATH_NOTHING (-1)	/* nothing waiting: poll again */
#define DGRAM_PATH_BROKEN (-2)	/* the path has ended (dgram_path_error says why) */
/* One datagram into buf: its length, DGRAM_PATH_NOTHING or
 * DGRAM_PATH_BROKEN. A pipe's datagrams come from an address of family
 * AF_UNSPEC and length 0. A datagram longer than cap is dropped. */
long dgram_path_receive(struct dgram_path *p, void *buf, size_t cap, struct udp_addr *from);

/* Writes queued frames as far as the pipe takes them (a UDP path has none).
 * False once the path is broken. */
bool dgram_path_flush(struct dgram_path *p);

/* What to poll: fills at most DGRAM_PATH_POLLFDS entries (the read fd for
 * POLLIN, the write fd for POLLOUT while frames wait) and returns how many;
 * 0 once broken. */
#define DGRAM_PATH_POLLFDS 2
int dgram_path_pollfds(const struct dgram_path *p, struct pollfd fds[DGRAM_PATH_POLLFDS]);

enum dgram_path_state {
	DGRAM_PATH_OPEN,
	DGRAM_PATH_ENDED,	/* end of file on the read side, or the write side closed */
	DGRAM_PATH_GARBAGE,	/* what arrived is not a frame stream */
	DGRAM_PATH_FAILED,	/* a read, write or socket error */
};
enum dgram_path_state dgram_path_state(const struct dgram_path *p);
/* One line on why the path broke; "" while it is open. */
const char *dgram_path_error(const struct dgram_path *p);
/* A pipe awaiting a relay's hello has had it; a UDP path always has. */
bool dgram_path_greeted(const struct dgram_path *p);

struct dgram_path_counters {
	uint64_t datagrams_in;
	uint64_t datagrams_out;		/* handed to the socket, or queued */
	uint64_t dropped_full;		/* a pipe's queue had no room */
	uint64_t dropped_too_big;	/* received, larger than the caller's buffer */
};
const struct dgram_path_counters *dgram_path_counters(const struct dgram_path *p);

#endif
