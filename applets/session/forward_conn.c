/* One forwarded connection: its socket's bytes into its channel and the
 * channel's bytes into the socket, each way only as fast as the other end
 * takes them; and, on the answering side, the lookup and connect before
 * the channel is accepted. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "applets/session/forward_internal.h"
#include "core/stream_sock.h"

/* The least a read of a forwarded socket asks for. */
#define READ_CHUNK 65536

short conn_events(const struct forward *f, const struct conn *c)
{
	short events = 0;

	if (c->fd < 0)
		return 0;
	if (c->state == CONN_CONNECTING || c->to_fd.len ||
	    (c->state == CONN_OPEN && chan_readable(f->mux, c->id) > 0))
		events |= POLLOUT;
	if ((c->state == CONN_SOCKS && !c->close_when_flushed) ||
	    ((c->state == CONN_OPEN || c->state == CONN_OPENING) && !c->fd_eof &&
	     chan_write_room(f->mux, c->id) > 0))
		events |= POLLIN;
	return events;
}

/* ---- The answering side: lookup, connect, accept or refuse ---- */

static void refuse(struct forward *f, struct conn *c, enum forward_refusal code, const char *why)
{
	chan_refuse(f->mux, c->id, code, why);
	chan_release(f->mux, c->id);
	conn_remove(f, c, false);
}

/* Tries the addresses from c->next_addr on; refuses when none is left. */
static void try_next_address(struct forward *f, struct conn *c, int last_error)
{
	while (c->next_addr) {
		const struct addrinfo *a = c->next_addr;
		int fd;

		c->next_addr = a->ai_next;
		fd = sock_connect_start(a->ai_addr, a->ai_addrlen);
		if (fd >= 0) {
			c->fd = fd;
			c->state = CONN_CONNECTING;
			return;
		}
		last_error = -fd;
	}
	refuse(f, c, last_error == ECONNREFUSED ? FORWARD_CONNECTION_REFUSED : FORWARD_FAILED,
	       last_error == ECONNREFUSED ? "connection refused" : strerror(last_error));
}

void conn_connect(struct forward *f, struct conn *c, const char *host, uint16_t port)
{
	struct sockaddr_storage addr;
	socklen_t len;
	int fd;

	if (sock_numeric_addr(host, port, &addr, &len)) {
		fd = sock_connect_start((struct sockaddr *)&addr, len);
		if (fd < 0) {
			refuse(f, c, FORWARD_FAILED, strerror(-fd));
			return;
		}
		c->fd = fd;
		c->state = CONN_CONNECTING;
		return;
	}
	c->lookup = lookup_start(host, port);
	if (!c->lookup) {
		refuse(f, c, FORWARD_FAILED, "the name lookup could not start");
		return;
	}
	c->state = CONN_LOOKUP;
}

void conn_progress(struct forward *f, struct conn *c, short revents)
{
	const struct addrinfo *found;
	int err;

	if (c->state == CONN_LOOKUP) {
		switch (lookup_state(c->lookup, &found)) {
		case LOOKUP_RUNNING:
			return;
		case LOOKUP_FAILED:
			refuse(f, c, FORWARD_UNKNOWN_HOST, "unknown host");
			return;
		case LOOKUP_DONE:
			c->next_addr = found;
			try_next_address(f, c, ECONNREFUSED);
			return;
		}
	}
	if (c->state != CONN_CONNECTING || !(revents & (POLLOUT | POLLERR | POLLHUP)))
		return;
	err = -sock_connect_result(c->fd);
	if (err == 0) {
		c->state = CONN_OPEN;
		chan_accept(f->mux, c->id);
		return;
	}
	close(c->fd);
	c->fd = -1;
	try_next_address(f, c, err);
}

/* ---- Bytes both ways ---- */

/* A failed socket aborts the channel too. */
static void abort_conn(struct forward *f, struct conn *c)
{
	chan_reset(f->mux, c->id, FORWARD_FAILED);
	conn_remove(f, c, true);
}

/* The program's SOCKS request, before the channel exists. */
static void take_socks(struct forward *f, struct conn *c, const uint8_t *data, size_t len)
{
	char request[SSPSH_CHAN_OPEN_INFO_MAX];
	size_t used;
	enum socks5_state st = socks5_take(c->socks, data, len, &used, &c->to_fd);

	if (st == SOCKS5_FAILED) {
		c->close_when_flushed = true;
		return;
	}
	if (st == SOCKS5_NEED_MORE)
		return;
	snprintf(request, sizeof request, "tcp %s %u", c->socks->host, (unsigned)c->socks->port);
	if (!chan_open(f->mux, request, strlen(request), &c->id)) {
		socks5_put_reply(&c->to_fd, SOCKS5_GENERAL_FAILURE);
		c->close_when_flushed = true;
		return;
	}
	c->state = CONN_OPENING;
	if (used < len)	/* the program did not wait for the answer */
		chan_write(f->mux, c->id, data + used, len - used);
}

/* A read of the socket: what the channel or the SOCKS parser takes. */
static ssize_t read_some(struct forward *f, struct conn *c, uint8_t *socks_chunk)
{
	struct iovec piece[2];
	int pieces;

	if (c->state == CONN_SOCKS)
		return read(c->fd, socks_chunk, SOCKS5_HEAD_MAX);
	/* Straight into the channel's send buffer, as much as it has free
	 * (at least READ_CHUNK): a bulk stream's buffer grows to what is in
	 * flight, and each read then takes about that much. */
	pieces = chan_write_space(f->mux, c->id, READ_CHUNK, piece);
	if (pieces == 0) {
		errno = EAGAIN;
		return -1;
	}
	return readv(c->fd, piece, pieces);
}

/* The socket's bytes into the channel (or the SOCKS parser). False if c
 * is gone. */
static bool read_socket(struct forward *f, struct conn *c)
{
	uint8_t socks_chunk[SOCKS5_HEAD_MAX];
	ssize_t n;

	if (c->fd_eof || (c->state != CONN_SOCKS && chan_write_room(f->mux, c->id) == 0))
		return true;
	n = read_some(f, c, socks_chunk);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return true;
	if (n < 0 || (n == 0 && c->state == CONN_SOCKS)) {
		if (c->state == CONN_SOCKS)
			conn_remove(f, c, false);
		else
			abort_conn(f, c);
		return false;
	}
	if (n == 0) {
		c->fd_eof = true;
		chan_shutdown(f->mux, c->id);
	} else if (c->state == CONN_SOCKS) {
		take_socks(f, c, socks_chunk, (size_t)n);
	} else {
		chan_wrote(f->mux, c->id, (size_t)n);
	}
	return true;
}

/* Sends from to_fd (a SOCKS reply), else straight from the channel's
 * receive buffer: how many bytes went, 0 if none are waiting, or -1 with
 * errno. */
static ssize_t send_some(struct forward *f, struct conn *c)
{
	struct msghdr msg = { 0 };
	struct iovec piece[2];
	ssize_t n;

	if (c->to_fd.len) {
		n = send(c->fd, c->to_fd.data, c->to_fd.len, MSG_NOSIGNAL);
		if (n > 0)
			buf_consume(&c->to_fd, (size_t)n);
		return n;
	}
	if (c->state != CONN_OPEN || !(msg.msg_iovlen = (size_t)chan_peek(f->mux, c->id, piece)))
		return 0;
	msg.msg_iov = piece;
	n = sendmsg(c->fd, &msg, MSG_NOSIGNAL);
	if (n > 0)
		chan_consume(f->mux, c->id, (size_t)n);
	return n;
}

/* Channel bytes into the socket. False if c is gone. */
static bool write_socket(struct forward *f, struct conn *c)
{
	ssize_t n;

	while ((n = send_some(f, c)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return true;
		if (n < 0) {
			abort_conn(f, c);
			return false;
		}
	}
	if (c->close_when_flushed) {
		conn_remove(f, c, false);
		return false;
	}
	if (c->state == CONN_OPEN && !c->fd_shut && chan_at_eof(f->mux, c->id)) {
		c->fd_shut = true;
		shutdown(c->fd, SHUT_WR);
	}
	return true;
}

void conn_io(struct forward *f, struct conn *c, short revents)
{
	if (c->fd < 0 || c->state == CONN_LOOKUP || c->state == CONN_CONNECTING) {
		conn_progress(f, c, revents);
		return;
	}
	if ((revents & POLLIN || (revents & POLLHUP && !c->fd_eof)) && !read_socket(f, c))
		return;
	if (revents & POLLERR && c->state == CONN_OPEN) {
		abort_conn(f, c);
		return;
	}
	if (!write_socket(f, c))
		return;
	if (c->state == CONN_OPEN && c->fd_eof && c->fd_shut && !c->to_fd.len) {
		chan_release(f->mux, c->id);
		conn_remove(f, c, false);
	}
}
