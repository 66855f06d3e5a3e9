/* The per-host limit with a global cap behind it (net/host_limit.h), as
 * the daemon's key answers use it. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "core/log.h"
#include "net/host_limit.h"
#include "net/udp.h"
#include "test/unit/unit.h"

#define PER_HOST 2
#define HOST_BURST 5
#define GLOBAL 100

static struct host_limit limit;

static struct udp_addr v4(const char *text, uint16_t port)
{
	struct udp_addr a = { .len = sizeof(struct sockaddr_in) };
	struct sockaddr_in *in = (struct sockaddr_in *)&a.ss;

	in->sin_family = AF_INET;
	in->sin_port = htons(port);
	inet_pton(AF_INET, text, &in->sin_addr);
	return a;
}

static struct udp_addr v6(const char *text, uint16_t port)
{
	struct udp_addr a = { .len = sizeof(struct sockaddr_in6) };
	struct sockaddr_in6 *in = (struct sockaddr_in6 *)&a.ss;

	in->sin6_family = AF_INET6;
	in->sin6_port = htons(port);
	inet_pton(AF_INET6, text, &in->sin6_addr);
	return a;
}

static bool fresh(void)
{
	host_limit_wipe(&limit);
	return host_limit_init(&limit, PER_HOST, HOST_BURST, GLOBAL, GLOBAL);
}

/* 10,000 requests from 2,048 ports of one host in one millisecond: the
 * host gets its burst, another host is still answered at once. With one
 * global budget (before) the flood took all 100 and the other got none. */
TEST(a_flooding_host_cannot_starve_another)
{
	struct udp_addr victim = v4("192.0.2.20", 40000);
	int allowed = 0;

	EXPECT(fresh());
	for (int i = 0; i < 10000; i++) {
		struct udp_addr hostile = v4("192.0.2.10", (uint16_t)(1024 + i % 2048));
		allowed += host_limit_allow(&limit, &hostile, 1000);
	}
	EXPECT_INT(allowed, HOST_BURST);
	EXPECT(host_limit_allow(&limit, &victim, 1000));
}

TEST(a_host_refills_at_its_rate)
{
	struct udp_addr host = v4("198.51.100.7", 5000);
	int allowed = 0;

	EXPECT(fresh());
	for (uint64_t ms = 0; ms <= 10000; ms += 10)
		allowed += host_limit_allow(&limit, &host, 1000 + ms);
	/* The burst, then PER_HOST a second for 10 s (one more at the edge). */
	EXPECT(allowed >= HOST_BURST + 10 * PER_HOST && allowed <= HOST_BURST + 10 * PER_HOST + 1);
}

/* An IPv6 host is its /64: other addresses in it share the budget, the
 * next /64 does not. */
TEST(an_ipv6_slash_64_is_one_host)
{
	char text[64];
	int allowed = 0;

	EXPECT(fresh());
	for (int i = 0; i < 1000; i++) {
		snprintf(text, sizeof text, "2001:db8:0:1::%x", i + 1);
		struct udp_addr a = v6(text, 7000);
		allowed += host_limit_allow(&limit, &a, 500);
	}
	EXPECT_INT(allowed, HOST_BURST);
	struct udp_addr next = v6("2001:db8:0:2::1", 7000);
	EXPECT(host_limit_allow(&limit, &next, 500));
	/* An IPv4-mapped address is its IPv4 host. */
	struct udp_addr mapped = v6("::ffff:192.0.2.10", 1), plain = v4("192.0.2.10", 2);
	for (int i = 0; i < HOST_BURST; i++)
		EXPECT(host_limit_allow(&limit, &mapped, 500));
	EXPECT(!host_limit_allow(&limit, &plain, 500));
}

/* Many hosts at once share the global cap; a host refused by its own
 * budget spends none of it. */
TEST(the_global_cap_holds_across_hosts)
{
	char text[32];
	int allowed = 0;
	struct udp_addr busy = v4("203.0.113.1", 1);

	EXPECT(fresh());
	for (int i = 0; i < 1000; i++)
		allowed += host_limit_allow(&limit, &busy, 2000);
	for (int i = 0; i < 300; i++) {
		snprintf(text, sizeof text, "10.0.%d.%d", i / 250, i % 250 + 1);
		struct udp_addr a = v4(text, 9);
		allowed += host_limit_allow(&limit, &a, 2000);
	}
	EXPECT_INT(allowed, GLOBAL);
}

TEST(an_address_of_no_family_is_refused)
{
	struct udp_addr none = { .len = 0 };

	EXPECT(fresh());
	EXPECT(!host_limit_allow(&limit, &none, 1));
}

int main(void)
{
	log_set_level(LOG_ERROR);
	RUN(a_flooding_host_cannot_starve_another);
	RUN(a_host_refills_at_its_rate);
	RUN(an_ipv6_slash_64_is_one_host);
	RUN(the_global_cap_holds_across_hosts);
	RUN(an_address_of_no_family_is_refused);
	host_limit_wipe(&limit);
	return unit_exit_status();
}
