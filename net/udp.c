#include "net/udp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "core/options.h"

bool udp_addr_parse(const char *host, uint16_t port, struct udp_addr *out)
{
	struct sockaddr_in *v4 = (struct sockaddr_in *)&out->ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&out->ss;
	char bare[INET6_ADDRSTRLEN];
	size_t len = strlen(host);

	memset(out, 0, sizeof *out);
	if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
		v4->sin_family = AF_INET;
		v4->sin_port = htons(port);
		out->len = sizeof *v4;
		return true;
	}
	if (len >= 2 && host[0] == '[' && host[len - 1] == ']' && len - 2 < sizeof bare) {
		memcpy(bare, host + 1, len - 2);
		bare[len - 2] = '\0';
		host = bare;
	}
	if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons(port);
		out->len = sizeof *v6;
		return true;
	}
	return false;
}

bool udp_addr_equal(const struct udp_addr *a, const struct udp_addr *b)
{
	if (a->ss.ss_family != b->ss.ss_family)
		return false;
	if (a->ss.ss_family == AF_INET) {
		const struct sockaddr_in *x = (const void *)&a->ss, *y = (const void *)&b->ss;
		return x->sin_port == y->sin_port && x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const void *)&a->ss, *y = (const void *)&b->ss;
		return x->sin6_port == y->sin6_port && x->sin6_scope_id == y->sin6_scope_id &&
		       memcmp(&x->sin6_addr, &y->sin6_addr, sizeof x->sin6_addr) == 0;
	}
	return false;
}

bool udp_addr_is_loopback(const struct udp_addr *a)
{
	if (a->ss.ss_family == AF_INET) {
		const struct sockaddr_in *v4 = (const void *)&a->ss;
		return (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
	}
	if (a->ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *v6 = (const void *)&a->ss;
		return IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr) ||
		       (IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr) && v6->sin6_addr.s6_addr[12] == 127);
	}
	return false;
}

void udp_addr_format(const struct udp_addr *a, char *out, size_t out_len)
{
	char text[INET6_ADDRSTRLEN] = "?";

	if (a->ss.ss_family == AF_INET) {
		const struct sockaddr_in *v4 = (const void *)&a->ss;
		inet_ntop(AF_INET, &v4->sin_addr, text, sizeof text);
		snprintf(out, out_len, "%s:%u", text, ntohs(v4->sin_port));
	} else if (a->ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *v6 = (const void *)&a->ss;
		if (IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr)) {
			inet_ntop(AF_INET, &v6->sin6_addr.s6_addr[12], text, sizeof text);
			snprintf(out, out_len, "%s:%u", text, ntohs(v6->sin6_port));
		} else {
			inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof text);
			snprintf(out, out_len, "[%s]:%u", text, ntohs(v6->sin6_port));
		}
	} else {
		snprintf(out, out_len, "%s", "");
	}
}

size_t udp_addr_host(const struct udp_addr *a, uint8_t out[UDP_HOST_KEY_MAX])
{
	if (a->ss.ss_family == AF_INET) {
		const struct sockaddr_in *v4 = (const void *)&a->ss;
		out[0] = 4;
		memcpy(out + 1, &v4->sin_addr, 4);
		return 5;
	}
	if (a->ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *v6 = (const void *)&a->ss;
		if (IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr)) {
			out[0] = 4;
			memcpy(out + 1, &v6->sin6_addr.s6_addr[12], 4);
			return 5;
		}
		out[0] = 6;
		memcpy(out + 1, v6->sin6_addr.s6_addr, 8);
		return 9;
	}
	return 0;
}

/* Path-MTU discovery "interface": the kernel ignores the path MTU it has
 * learnt (from ICMP "fragmentation needed", which anyone on the path can
 * forge, or a route's locked mtu) and sends without the DF bit, but refuses
 * (EMSGSIZE) a datagram larger than the interface's MTU instead of
 * fragmenting it. A forged ICMP that lowered the path MTU to 552 would
 * otherwise make every datagram above it fail for minutes while small
 * heartbeats still pass: the screen would freeze silently. "omit" is the
 * same but fragments above the interface's MTU (udp_send allows that for
 * datagrams of up to SSPSH_DATAGRAM_MAX). */
static bool set_fragmenting(int fd, int family, bool allowed)
{
	int v4 = allowed ? IP_PMTUDISC_OMIT : IP_PMTUDISC_INTERFACE;
	int v6 = allowed ? IPV6_PMTUDISC_OMIT : IPV6_PMTUDISC_INTERFACE;

	if (family == AF_INET6)
		return setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &v6, sizeof v6) == 0;
	return setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &v4, sizeof v4) == 0;
}

/* On an IPv6 socket the IPv4 option governs IPv4 peers. A kernel without
 * "interface" (before 3.15) keeps its default, learnt-MTU discovery. */
static void ignore_learnt_path_mtu(int fd, int family)
{
	(void)set_fragmenting(fd, AF_INET, false);
	if (family == AF_INET6)
		(void)set_fragmenting(fd, AF_INET6, false);
}

static int open_socket(int family)
{
	int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int size = SSPSH_UDP_BUFFER_BYTES;

	if (fd < 0)
		return -1;
	ignore_learnt_path_mtu(fd, family);
	/* Room for the burst of a fragmented message; the kernel caps it at
	 * net.core.[rw]mem_max, which is fine. */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
	return fd;
}

static void set_port(struct udp_addr *a, uint16_t port)
{
	if (a->ss.ss_family == AF_INET)
		((struct sockaddr_in *)&a->ss)->sin_port = htons(port);
	else
		((struct sockaddr_in6 *)&a->ss)->sin6_port = htons(port);
}

/* The wildcard address: IPv6 "::" accepting IPv4 too, or IPv4 "0.0.0.0"
 * where the kernel has no IPv6. */
static int open_wildcard(struct udp_addr *a)
{
	int fd = open_socket(AF_INET6), off = 0;

	if (fd >= 0) {
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
		udp_addr_parse("::", 0, a);
		return fd;
	}
	if (errno != EAFNOSUPPORT)
		return -1;
	udp_addr_parse("0.0.0.0", 0, a);
	return open_socket(AF_INET);
}

int udp_bind_range(const char *bind_addr, uint16_t low, uint16_t high)
{
	struct udp_addr a;
	int fd;

	if (bind_addr) {
		if (!udp_addr_parse(bind_addr, 0, &a)) {
			log_error("'%s' is not a numeric IPv4 or IPv6 address", bind_addr);
			return -1;
		}
		fd = open_socket(a.ss.ss_family);
	} else {
		fd = open_wildcard(&a);
	}
	if (fd < 0) {
		log_error("cannot open a UDP socket: %s", strerror(errno));
		return -1;
	}
	for (uint32_t port = low; port <= high; port++) {
		set_port(&a, (uint16_t)port);
		if (bind(fd, (struct sockaddr *)&a.ss, a.len) == 0)
			return fd;
		if (errno != EADDRINUSE && errno != EACCES)
			break;
	}
	log_error("cannot bind a UDP port in %u..%u on %s: %s", low, high,
		  bind_addr ? bind_addr : "all addresses", strerror(errno));
	close(fd);
	return -1;
}

int udp_bind_ephemeral(int family)
{
	struct udp_addr a;
	int fd = open_socket(family);

	udp_addr_parse(family == AF_INET ? "0.0.0.0" : "::", 0, &a);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a.ss, a.len) != 0) {
		log_error("cannot open a UDP socket: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

uint16_t udp_local_port(int fd)
{
	struct udp_addr a;

	memset(&a, 0, sizeof a);
	a.len = sizeof a.ss;
	if (getsockname(fd, (struct sockaddr *)&a.ss, &a.len) != 0)
		return 0;
	if (a.ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&a.ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&a.ss)->sin6_port);
}

/* The family whose path-MTU option governs a send to `to` from any of our
 * sockets: IPv4 for an IPv4 or IPv4-mapped address. */
static int send_family(const struct udp_addr *to)
{
	const struct sockaddr_in6 *v6 = (const struct sockaddr_in6 *)&to->ss;

	return to->ss.ss_family == AF_INET6 && !IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr) ? AF_INET6 : AF_INET;
}

/* A datagram of up to SSPSH_DATAGRAM_MAX that a narrow interface (a tunnel
 * of MTU 1000) refused: sent again in fragments, as "omit" always did
 * (handshakes have no smaller size to fall back to). Only loopback-sized
 * datagrams are refused for good. */
static enum udp_send_result send_fragmented(int fd, const void *data, size_t len, const struct udp_addr *to)
{
	int family = send_family(to);
	ssize_t sent;

	if (!set_fragmenting(fd, family, true))
		return UDP_TOO_BIG;
	sent = sendto(fd, data, len, 0, (const struct sockaddr *)&to->ss, to->len);
	(void)set_fragmenting(fd, family, false);
	return sent >= 0 ? UDP_SENT : UDP_LOST;
}

/* An IPv4 destination needs no ::ffff:a.b.c.d form on a dual-stack IPv6
 * socket: Linux's IPv6 UDP sends to an AF_INET address as IPv4 does. (No
 * getsockname to tell the socket's family: it was a system call for each
 * datagram.) */
enum udp_send_result udp_send(int fd, const void *data, size_t len, const struct udp_addr *to)
{
	for (;;) {
		if (sendto(fd, data, len, 0, (const struct sockaddr *)&to->ss, to->len) >= 0)
			return UDP_SENT;
		switch (errno) {
		case EINTR:
			continue;
		case EMSGSIZE:
			return len <= SSPSH_DATAGRAM_MAX ? send_fragmented(fd, data, len, to) : UDP_TOO_BIG;
		case EAGAIN: case ENOBUFS: case ENOMEM: case ECONNREFUSED: case ENETUNREACH:
		case EHOSTUNREACH: case EHOSTDOWN: case ENETDOWN: case EPERM: case EADDRNOTAVAIL:
		case EAFNOSUPPORT:
			return UDP_LOST;
		default:
			log_error("cannot send a UDP datagram: %s", strerror(errno));
			return UDP_FAILED;
		}
	}
}

long udp_receive(int fd, void *buf, size_t cap, struct udp_addr *from)
{
	for (;;) {
		ssize_t n;

		from->len = sizeof from->ss;
		n = recvfrom(fd, buf, cap, MSG_TRUNC, (struct sockaddr *)&from->ss, &from->len);
		if (n >= 0)
			return n > (ssize_t)cap ? 0 : n;	/* truncated: too short to open */
		switch (errno) {
		case EINTR:
			continue;
		case EAGAIN:
			return UDP_NOTHING;
		case ECONNREFUSED: case ENETUNREACH: case EHOSTUNREACH: case ENOBUFS: case ENOMEM:
			continue;	/* a reported ICMP error; the next read may have data */
		default:
			log_error("cannot receive a UDP datagram: %s", strerror(errno));
			return UDP_RECV_FAILED;
		}
	}
}
