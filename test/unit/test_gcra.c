/* The one rate limiter (core/gcra.h): bursts, the steady rate, refilling. */
#include "core/gcra.h"
#include "test/unit/unit.h"

static int allowed_in_a_row(struct gcra *g, uint64_t now_ms, uint64_t rate, uint64_t burst)
{
	int n = 0;

	while (n < 10000 && gcra_allow(g, now_ms, rate, burst))
		n++;
	return n;
}

TEST(a_fresh_limiter_allows_one_burst_then_one_per_interval)
{
	struct gcra g = { 0 };

	EXPECT_INT(allowed_in_a_row(&g, 1000, 10, 5), 5);
	EXPECT(!gcra_allow(&g, 1000, 10, 5));
	EXPECT_INT(allowed_in_a_row(&g, 1100, 10, 5), 1);
	EXPECT_INT(allowed_in_a_row(&g, 5000, 10, 5), 5);
}

TEST(a_steady_rate_holds_over_ten_seconds)
{
	struct gcra g = { 0 };
	int total = 0;

	for (uint64_t ms = 0; ms < 10000; ms += 10)
		total += allowed_in_a_row(&g, 100000 + ms, 100, 1);
	EXPECT(total >= 999 && total <= 1001);
}

int main(void)
{
	RUN(a_fresh_limiter_allows_one_burst_then_one_per_interval);
	RUN(a_steady_rate_holds_over_ten_seconds);
	return unit_exit_status();
}
