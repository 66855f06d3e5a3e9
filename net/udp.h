/* UDP sockets and addresses for the transport: numeric address parsing,
 * binding to the first free port of a range, non-blocking send and receive
 * with errors sorted into "lost" (transient) and "failed". Sockets ignore
 * any learnt path MTU (path-MTU discovery "interface"): a forged ICMP cannot
 * make datagrams fail. The kernel never fragments a datagram larger than
 * SSPSH_DATAGRAM_MAX (a loopback-sized one): above the interface's MTU it
 * is refused, UDP_TOO_BIG; smaller ones are fragmented when the interface
 * is narrower than they are. */
#ifndef SSPSH_UDP_H
#define SSPSH_UDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* The most a UDP datagram over IPv4 carries (65,535 less 28 bytes of headers). */
#define UDP_IPV4_PAYLOAD_MAX 65507

struct udp_addr {
	struct sockaddr_storage ss;
	socklen_t len;
};

/* A numeric IPv4 or IPv6 address ("::1" or "[::1]"). */
bool udp_addr_parse(const char *host, uint16_t port, struct udp_addr *out);
/* Resolves a name or numeric address with getaddrinfo (net/resolve.c);
 * logs why not. */
bool udp_addr_resolve(const char *host, const char *port, struct udp_addr *out);
bool udp_addr_equal(const struct udp_addr *a, const struct udp_addr *b);
/* 127.0.0.0/8, ::1 or ::ffff:127.0.0.0/104: this machine's loopback. */
bool udp_addr_is_loopback(const struct udp_addr *a);
/* The part of an address that names one host for rate limits, port left
 * out: a family tag and the IPv4 address (IPv4-mapped IPv6 included) or the
 * IPv6 /64 (a host is commonly given a whole /64). Returns its length, 0
 * for an address of another family. */
#define UDP_HOST_KEY_MAX 9
size_t udp_addr_host(const struct udp_addr *a, uint8_t out[UDP_HOST_KEY_MAX]);
/* "192.0.2.1:60001" or "[2001:db8::1]:60001" (IPv4-mapped IPv6 as IPv4). */
void udp_addr_format(const struct udp_addr *a, char *out, size_t out_len);

/* A socket bound to bind_addr (NULL: all IPv6 and IPv4 addresses) on the
 * first free port of low..high; -1 (logged) on failure. */
int udp_bind_range(const char *bind_addr, uint16_t low, uint16_t high);
/* A socket of the family bound to an ephemeral port on all addresses. */
int udp_bind_ephemeral(int family);
uint16_t udp_local_port(int fd);

enum udp_send_result {
	UDP_SENT,
	UDP_LOST,	/* transient refusal (no route, buffer full ...): as if lost */
	UDP_TOO_BIG,	/* EMSGSIZE: larger than the interface takes whole */
	UDP_FAILED,	/* the socket is broken (logged) */
};
enum udp_send_result udp_send(int fd, const void *data, size_t len, const struct udp_addr *to);

/* Reads one datagram into buf; returns its length, UDP_NOTHING when none is
 * waiting, or UDP_RECV_FAILED (logged) when the socket is broken. */
#define UDP_NOTHING (-1)
#define UDP_RECV_FAILED (-2)
long udp_receive(int fd, void *buf, size_t cap, struct udp_addr *from);

#endif
