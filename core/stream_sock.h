/* Non-blocking TCP and Unix stream sockets for forwarding: listeners and
 * connects that never block the event loop. Every descriptor is
 * close-on-exec. Failures return -errno. */
#ifndef SSPSH_STREAM_SOCK_H
#define SSPSH_STREAM_SOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Listens on a numeric address (NULL or "": loopback, IPv4 and IPv6 via
 * "localhost" semantics: 127.0.0.1) and port. */
int sock_listen_tcp(const char *numeric_addr, uint16_t port);
/* Listens on a Unix socket at path (created; the caller picks a private
 * directory). */
int sock_listen_unix(const char *path);
/* Accepts one connection, non-blocking; -EAGAIN if none is waiting. */
int sock_accept(int listen_fd);
/* Starts connecting; the connection is made when the descriptor becomes
 * writable and sock_connect_result says 0. */
int sock_connect_start(const struct sockaddr *addr, socklen_t len);
int sock_connect_unix(const char *path);
/* 0 once connected, else -errno of the failed connect. */
int sock_connect_result(int fd);
/* Closes so that the peer sees a reset rather than an orderly end. */
void sock_close_reset(int fd);
/* A numeric address text to a socket address; false if not numeric. */
bool sock_numeric_addr(const char *host, uint16_t port, struct sockaddr_storage *out,
		       socklen_t *len);

#endif
