/* Datagram paths: a UDP socket or a framed pipe. See net/dgram_path.h. */
#include "net/dgram_path.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/log.h"
#include "net/frame.h"

/* A pipe's codec state: large, so only pipes carry it. */
struct pipe_side {
	struct frame_reader reader;
	struct frame_writer writer;
};

struct dgram_path {
	enum dgram_path_kind kind;
	enum dgram_path_state state;
	int read_fd, write_fd;		/* the same fd for UDP and socket pairs */
	int read_fd_flags, write_fd_flags;	/* as found; -1: not changed */
	struct pipe_side *pipe;		/* NULL for UDP */
	struct dgram_path_counters counters;
	char error[160];
};

/* ---- Creating ---- */

static struct dgram_path *path_alloc(enum dgram_path_kind kind, int read_fd, int write_fd)
{
	struct dgram_path *p = calloc(1, sizeof *p);

	if (!p) {
		log_error("out of memory for a datagram path");
		return NULL;
	}
	p->kind = kind;
	p->state = DGRAM_PATH_OPEN;
	p->read_fd = read_fd;
	p->write_fd = write_fd;
	p->read_fd_flags = p->write_fd_flags = -1;
	return p;
}

static void close_fds(int read_fd, int write_fd)
{
	if (read_fd >= 0)
		close(read_fd);
	if (write_fd >= 0 && write_fd != read_fd)
		close(write_fd);
}

struct dgram_path *dgram_path_udp(int fd)
{
	struct dgram_path *p;

	if (fd < 0)
		return NULL;
	p = path_alloc(DGRAM_PATH_UDP, fd, fd);
	if (!p)
		close(fd);
	return p;
}

/* Makes fd non-blocking; returns the flags it had, or -1 (logged). */
static int make_nonblocking(int fd)
{
	int flags = fcntl(fd, F_GETFL);

	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) {
		log_error("cannot make fd %d non-blocking: %s", fd, strerror(errno));
		return -1;
	}
	return flags;
}

struct dgram_path *dgram_path_pipe(int read_fd, int write_fd, unsigned flags)
{
	struct dgram_path *p = path_alloc(DGRAM_PATH_PIPE, read_fd, write_fd);

	if (p)
		p->pipe = malloc(sizeof *p->pipe);
	if (!p || !p->pipe) {
		if (p)
			log_error("out of memory for a relay pipe");
		free(p);
		close_fds(read_fd, write_fd);
		return NULL;
	}
	frame_reader_init(&p->pipe->reader, flags & DGRAM_PIPE_AWAIT_HELLO);
	frame_writer_init(&p->pipe->writer);
	p->read_fd_flags = make_nonblocking(read_fd);
	if (write_fd != read_fd)
		p->write_fd_flags = make_nonblocking(write_fd);
	if (p->read_fd_flags < 0 || (write_fd != read_fd && p->write_fd_flags < 0)) {
		dgram_path_free(p);
		return NULL;
	}
	if (flags & DGRAM_PIPE_SEND_HELLO) {
		(void)frame_writer_hello(&p->pipe->writer);	/* an empty queue has room */
		(void)dgram_path_flush(p);
	}
	return p;
}

static void restore_flags(int fd, int flags)
{
	if (flags >= 0)
		(void)fcntl(fd, F_SETFL, flags);	/* the fd is closed next anyway */
}

void dgram_path_free(struct dgram_path *p)
{
	if (!p)
		return;
	restore_flags(p->read_fd, p->read_fd_flags);
	if (p->write_fd != p->read_fd)
		restore_flags(p->write_fd, p->write_fd_flags);
	close_fds(p->read_fd, p->write_fd);
	free(p->pipe);
	free(p);
}

enum dgram_path_kind dgram_path_kind(const struct dgram_path *p)
{
	return p->kind;
}

/* ---- Breaking ---- */

static long broken(struct dgram_path *p, enum dgram_path_state state, const char *why)
{
	if (p->state == DGRAM_PATH_OPEN) {
		p->state = state;
		snprintf(p->error, sizeof p->error, "%s", why);
	}
	return DGRAM_PATH_BROKEN;
}

enum dgram_path_state dgram_path_state(const struct dgram_path *p)
{
	return p->state;
}

const char *dgram_path_error(const struct dgram_path *p)
{
	return p->error;
}

bool dgram_path_greeted(const struct dgram_path *p)
{
	return !p->pipe || frame_reader_greeted(&p->pipe->reader);
}

const struct dgram_path_counters *dgram_path_counters(const struct dgram_path *p)
{
	return &p->counters;
}

/* ---- Sending ---- */

bool dgram_path_flush(struct dgram_path *p)
{
	struct frame_writer *w;

	if (p->state != DGRAM_PATH_OPEN)
		return false;
	if (!p->pipe)
		return true;
	w = &p->pipe->writer;
	for (;;) {
		size_t len;
		const uint8_t *data = frame_writer_pending(w, &len);
		ssize_t n;

		if (len == 0)
			return true;
		n = write(p->write_fd, data, len);
		if (n > 0) {
			frame_writer_consume(w, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return true;
		if (n < 0 && errno == EPIPE)
			broken(p, DGRAM_PATH_ENDED, "the far end stopped reading");
		else
			broken(p, DGRAM_PATH_FAILED, n < 0 ? strerror(errno) : "a write took nothing");
		return false;
	}
}

static enum udp_send_result pipe_send(struct dgram_path *p, const void *data, size_t len)
{
	switch (frame_writer_put(&p->pipe->writer, data, len)) {
	case FRAME_QUEUED:
		break;
	case FRAME_NO_ROOM:
		p->counters.dropped_full++;
		return UDP_LOST;
	case FRAME_TOO_BIG:
		return UDP_TOO_BIG;
	}
	p->counters.datagrams_out++;
	return dgram_path_flush(p) ? UDP_SENT : UDP_FAILED;
}

enum udp_send_result dgram_path_send(struct dgram_path *p, const void *data, size_t len,
				     const struct udp_addr *to)
{
	enum udp_send_result r;

	if (p->state != DGRAM_PATH_OPEN)
		return UDP_FAILED;
	if (p->pipe)
		return pipe_send(p, data, len);
	r = udp_send(p->write_fd, data, len, to);
	if (r == UDP_SENT)
		p->counters.datagrams_out++;
	else if (r == UDP_FAILED)
		broken(p, DGRAM_PATH_FAILED, "the UDP socket failed");
	return r;
}

/* ---- Receiving ---- */

/* One read() into the frame reader: DGRAM_PATH_NOTHING when there was
 * nothing, DGRAM_PATH_BROKEN at the end, 0 when bytes came. */
static long read_more(struct dgram_path *p)
{
	size_t room;
	uint8_t *space = frame_reader_space(&p->pipe->reader, &room);
	ssize_t n;

	if (room == 0)
		return broken(p, DGRAM_PATH_GARBAGE, "a frame larger than the read buffer");
	do
		n = read(p->read_fd, space, room);
	while (n < 0 && errno == EINTR);
	if (n > 0) {
		frame_reader_commit(&p->pipe->reader, (size_t)n);
		return 0;
	}
	if (n == 0)
		return broken(p, DGRAM_PATH_ENDED, "end of file");
	if (errno == EAGAIN || errno == EWOULDBLOCK)
		return DGRAM_PATH_NOTHING;
	return broken(p, DGRAM_PATH_FAILED, strerror(errno));
}

/* The next whole frame, reading the pipe at most once. */
static long pipe_receive(struct dgram_path *p, void *buf, size_t cap)
{
	bool have_read = false;

	for (;;) {
		const uint8_t *data;
		size_t len;
		long r;

		switch (frame_reader_next(&p->pipe->reader, &data, &len)) {
		case FRAME_READY:
			if (len > cap) {
				p->counters.dropped_too_big++;
				continue;
			}
			memcpy(buf, data, len);
			p->counters.datagrams_in++;
			return (long)len;
		case FRAME_BAD:
			return broken(p, DGRAM_PATH_GARBAGE, frame_reader_error(&p->pipe->reader));
		case FRAME_NONE:
			break;
		}
		if (have_read)
			return DGRAM_PATH_NOTHING;
		have_read = true;
		if ((r = read_more(p)) != 0)
			return r;
	}
}

static long socket_receive(struct dgram_path *p, void *buf, size_t cap, struct udp_addr *from)
{
	long n = udp_receive(p->read_fd, buf, cap, from);

	if (n == UDP_NOTHING)
		return DGRAM_PATH_NOTHING;
	if (n == UDP_RECV_FAILED)
		return broken(p, DGRAM_PATH_FAILED, "the UDP socket failed");
	p->counters.datagrams_in++;
	return n;
}

long dgram_path_receive(struct dgram_path *p, void *buf, size_t cap, struct udp_addr *from)
{
	if (p->state != DGRAM_PATH_OPEN)
		return DGRAM_PATH_BROKEN;
	if (!p->pipe)
		return socket_receive(p, buf, cap, from);
	memset(from, 0, sizeof *from);
	from->ss.ss_family = AF_UNSPEC;
	return pipe_receive(p, buf, cap);
}

int dgram_path_pollfds(const struct dgram_path *p, struct pollfd fds[DGRAM_PATH_POLLFDS])
{
	size_t pending = 0;

	if (p->state != DGRAM_PATH_OPEN)
		return 0;
	if (p->pipe)
		(void)frame_writer_pending(&p->pipe->writer, &pending);
	fds[0] = (struct pollfd){ .fd = p->read_fd, .events = POLLIN };
	if (!pending)
		return 1;
	if (p->write_fd == p->read_fd) {
		fds[0].events |= POLLOUT;
		return 1;
	}
	fds[1] = (struct pollfd){ .fd = p->write_fd, .events = POLLOUT };
	return 2;
}
