/* UDP sockets on 127.0.0.1 for the unit tests that talk to a transport
 * through the kernel. Header-only (static inline). */
#ifndef SSPSH_TEST_LOOPBACK_H
#define SSPSH_TEST_LOOPBACK_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>

/* A socket bound to a free port of 127.0.0.1. */
static inline int udp_socket_on_loopback(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	bind(fd, (struct sockaddr *)&a, sizeof a);
	return fd;
}

static inline uint16_t port_of(int fd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof a;

	getsockname(fd, (struct sockaddr *)&a, &len);
	return ntohs(a.sin_port);
}

#endif
