/* The transport's parts on their own: replay window, RTT estimator,
 * link emulator. */
#include <math.h>
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/options.h"
#include "net/link.h"
#include "net/replay.h"
#include "net/rtt.h"
#include "net/udp.h"
#include "test/unit/loopback.h"
#include "test/unit/unit.h"

TEST(replay_rejects_duplicates_and_too_old)
{
	struct replay r;

	replay_init(&r);
	EXPECT_INT(replay_check(&r, 0), REPLAY_FRESH);
	replay_accept(&r, 0);
	EXPECT_INT(replay_check(&r, 0), REPLAY_DUPLICATE);
	replay_accept(&r, 5);
	replay_accept(&r, 3);
	EXPECT_INT(replay_check(&r, 3), REPLAY_DUPLICATE);
	EXPECT_INT(replay_check(&r, 4), REPLAY_FRESH);
	EXPECT(replay_is_newest(&r, 6));
	EXPECT(!replay_is_newest(&r, 4));
	/* Jump ahead by most of the window: 4 is still reachable, 0 remembered. */
	replay_accept(&r, REPLAY_REACH);
	EXPECT_INT(replay_check(&r, 4), REPLAY_FRESH);
	EXPECT_INT(replay_check(&r, 3), REPLAY_DUPLICATE);
	EXPECT_INT(replay_check(&r, 0), REPLAY_TOO_OLD);
	/* A far jump forgets everything behind the window. */
	replay_accept(&r, 1000000);
	EXPECT_INT(replay_check(&r, 1000000), REPLAY_DUPLICATE);
	EXPECT_INT(replay_check(&r, 999999), REPLAY_FRESH);
	EXPECT_INT(replay_check(&r, 1000000 - REPLAY_REACH), REPLAY_TOO_OLD);
}

TEST(replay_matches_a_reference_set_under_random_order)
{
	static bool seen[20000];
	struct replay r;
	uint64_t newest = 0;
	int mismatches = 0;

	replay_init(&r);
	srand(7);
	for (int i = 0; i < 100000; i++) {
		uint64_t seq = (uint64_t)(i / 5) + (uint64_t)(rand() % 200);
		enum replay_verdict v;
		bool too_old = newest >= seq && newest - seq >= REPLAY_REACH && i > 0;

		if (seq >= 20000)
			continue;
		v = replay_check(&r, seq);
		if (too_old)
			mismatches += v != REPLAY_TOO_OLD;
		else if (seen[seq])
			mismatches += v != REPLAY_DUPLICATE;
		else
			mismatches += v != REPLAY_FRESH;
		if (v == REPLAY_FRESH) {
			replay_accept(&r, seq);
			seen[seq] = true;
			if (seq > newest)
				newest = seq;
		}
	}
	EXPECT_INT(mismatches, 0);
}

TEST(rtt_follows_rfc6298)
{
	struct rtt r;

	rtt_init(&r);
	EXPECT(!r.have_sample);
	EXPECT_INT(rtt_rto_ms(&r), SSPSH_RTO_MAX_MS);	/* 1000 + 4 * 500, clamped */
	rtt_sample(&r, 100);
	EXPECT(fabs(r.srtt_ms - 100) < 1e-9);
	EXPECT(fabs(r.rttvar_ms - 50) < 1e-9);
	EXPECT_INT(rtt_rto_ms(&r), 300);
	rtt_sample(&r, 200);
	/* RTTVAR = 3/4 * 50 + 1/4 * |100 - 200|; SRTT = 7/8 * 100 + 1/8 * 200 */
	EXPECT(fabs(r.rttvar_ms - 62.5) < 1e-9);
	EXPECT(fabs(r.srtt_ms - 112.5) < 1e-9);
	for (int i = 0; i < 200; i++)
		rtt_sample(&r, 2);
	EXPECT(fabs(r.srtt_ms - 2) < 0.01);
	EXPECT_INT(rtt_rto_ms(&r), SSPSH_RTO_MIN_MS);
}

TEST(link_parse_accepts_the_documented_spec)
{
	struct link_params p;
	char err[200] = "";

	EXPECT(link_parse("delay=100,jitter=10,loss=0.3,dup=5%,reorder=0.1,mtu=600,seed=9",
			  &p, err, sizeof err));
	EXPECT_INT(p.delay_ms, 100);
	EXPECT_INT(p.jitter_ms, 10);
	EXPECT(fabs(p.loss - 0.3) < 1e-9);
	EXPECT(fabs(p.dup - 0.05) < 1e-9);
	EXPECT(fabs(p.reorder - 0.1) < 1e-9);
	EXPECT_INT(p.mtu, 600);
	EXPECT_INT(p.seed, 9);
	EXPECT(link_parse("loss=1", &p, err, sizeof err));
	EXPECT_INT(p.delay_ms, 0);
}

TEST(link_parse_errors_are_clear)
{
	struct link_params p;
	char err[200];

	EXPECT(!link_parse("delay=abc", &p, err, sizeof err));
	EXPECT_STR(err, "link spec: delay=abc is not valid (expected milliseconds, 0..60000)");
	EXPECT(!link_parse("loss=1.5", &p, err, sizeof err));
	EXPECT_STR(err, "link spec: loss=1.5 is not valid (expected a probability, 0..1 or 0%..100%)");
	EXPECT(!link_parse("delay=10,speed=3", &p, err, sizeof err));
	EXPECT_STR(err, "link spec: unknown setting 'speed' (known: delay, jitter, loss, dup, reorder, mtu, seed)");
	EXPECT(!link_parse("delay", &p, err, sizeof err));
	EXPECT_STR(err, "link spec: 'delay' is not NAME=VALUE");
	EXPECT(!link_parse("", &p, err, sizeof err));
	EXPECT(!link_parse("delay=-5", &p, err, sizeof err));
	EXPECT(!link_parse("loss=0.5x", &p, err, sizeof err));
}

/* Runs 10000 datagrams through a link; counts deliveries and order changes. */
static void run_link(const struct link_params *p, int *delivered, int *reordered, uint64_t *max_delay,
		     uint64_t *checksum)
{
	struct link *l = link_new(p);
	struct sockaddr_storage addr = { .ss_family = AF_INET };
	struct link_datagram d;
	uint32_t last = 0;

	*delivered = *reordered = 0;
	*max_delay = *checksum = 0;
	for (uint32_t i = 1; i <= 10000; i++)
		link_submit(l, LINK_OUT, i, &i, sizeof i, (struct sockaddr *)&addr, sizeof addr);
	for (uint64_t now = 0; link_next_due_ms(l) != UINT64_MAX; now++)
		while (link_take_due(l, LINK_OUT, now, &d)) {
			uint32_t v;
			memcpy(&v, d.data, sizeof v);
			*reordered += v < last;
			last = v;
			(*delivered)++;
			if (now - v > *max_delay)
				*max_delay = now - v;
			*checksum = *checksum * 31 + v;
			link_datagram_release(&d);
		}
	link_free(l);
}

TEST(link_emulates_loss_dup_delay_and_repeats_with_a_seed)
{
	struct link_params p = { .delay_ms = 50, .loss = 0.3, .dup = 0.1, .reorder = 0.1, .seed = 42 };
	int delivered, reordered, delivered2, reordered2;
	uint64_t max_delay, sum, max_delay2, sum2;

	run_link(&p, &delivered, &reordered, &max_delay, &sum);
	/* expected 10000 * 0.7 * 1.1 = 7700 */
	EXPECT(delivered > 7400 && delivered < 8000);
	EXPECT(reordered > 300);
	EXPECT(max_delay >= 50 && max_delay <= 50 + 1 + SSPSH_LINK_REORDER_MS + 1);
	run_link(&p, &delivered2, &reordered2, &max_delay2, &sum2);
	EXPECT_INT(delivered2, delivered);
	EXPECT(sum2 == sum);
	p.seed = 43;
	run_link(&p, &delivered2, &reordered2, &max_delay2, &sum2);
	EXPECT(sum2 != sum);
	/* A clean link delivers everything in order after exactly the delay. */
	p = (struct link_params){ .delay_ms = 7 };
	run_link(&p, &delivered, &reordered, &max_delay, &sum);
	EXPECT_INT(delivered, 10000);
	EXPECT_INT(reordered, 0);
	EXPECT_INT(max_delay, 7);
	p.outage = true;
	run_link(&p, &delivered, &reordered, &max_delay, &sum);
	EXPECT_INT(delivered, 0);
}

/* The wildcard socket is dual-stack (IPv6 with v4 mapping) where the
 * machine has IPv6: an IPv4 address as the destination reaches it. */
TEST(udp_sends_to_an_ipv4_address_from_the_wildcard_socket)
{
	int receiver = udp_socket_on_loopback(), sender = udp_bind_range(NULL, 0, 0);
	struct pollfd pfd = { .fd = receiver, .events = POLLIN };
	struct udp_addr to, from;
	char got[8];

	EXPECT(receiver >= 0 && sender >= 0);
	EXPECT(udp_addr_parse("127.0.0.1", port_of(receiver), &to));
	EXPECT_INT(udp_send(sender, "ping", 4, &to), UDP_SENT);
	EXPECT_INT(poll(&pfd, 1, 2000), 1);
	EXPECT_INT(udp_receive(receiver, got, sizeof got, &from), 4);
	EXPECT_MEM(got, "ping", 4);
	close(receiver);
	close(sender);
}

int main(void)
{
	RUN(replay_rejects_duplicates_and_too_old);
	RUN(replay_matches_a_reference_set_under_random_order);
	RUN(rtt_follows_rfc6298);
	RUN(link_parse_accepts_the_documented_spec);
	RUN(link_parse_errors_are_clear);
	RUN(link_emulates_loss_dup_delay_and_repeats_with_a_seed);
	RUN(udp_sends_to_an_ipv4_address_from_the_wildcard_socket);
	return unit_exit_status();
}
