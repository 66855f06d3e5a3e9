/* A tiny unit-test harness. A test program is a list of TEST functions run
 * by RUN(); each prints one line "PASS name" or "FAIL name: file:line: what"
 * (or "SKIP name: reason"), which test/run.sh counts. main() returns
 * unit_exit_status(). Header-only: include it in exactly one file. */
#ifndef SSPSH_UNIT_H
#define SSPSH_UNIT_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int unit_case_failed;
static int unit_case_skipped;
static int unit_any_failed;
static char unit_skip_reason[200];
static char unit_first_failure[512];

static inline void unit_fail(const char *file, int line, const char *what)
{
	if (!unit_case_failed)
		snprintf(unit_first_failure, sizeof unit_first_failure, "%s:%d: %s", file, line, what);
	unit_case_failed = 1;
}

#define TEST(name) static void name(void)

#define EXPECT(cond) do { \
	if (!(cond)) unit_fail(__FILE__, __LINE__, "expected " #cond); \
} while (0)

#define EXPECT_INT(got, want) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	if (g_ != w_) { \
		char m_[256]; \
		snprintf(m_, sizeof m_, "%s is %lld, expected %lld", #got, g_, w_); \
		unit_fail(__FILE__, __LINE__, m_); \
	} \
} while (0)

#define EXPECT_STR(got, want) do { \
	const char *g_ = (got), *w_ = (want); \
	if (!g_ || strcmp(g_, w_) != 0) { \
		char m_[400]; \
		snprintf(m_, sizeof m_, "%s is \"%.150s\", expected \"%.150s\"", #got, g_ ? g_ : "(null)", w_); \
		unit_fail(__FILE__, __LINE__, m_); \
	} \
} while (0)

#define EXPECT_MEM(got, want, n) do { \
	if (memcmp((got), (want), (n)) != 0) unit_fail(__FILE__, __LINE__, #got " differs from " #want); \
} while (0)

/* Ends the current test as skipped, with a reason the runner prints. */
#define SKIP(reason) do { \
	snprintf(unit_skip_reason, sizeof unit_skip_reason, "%s", (reason)); \
	unit_case_skipped = 1; \
	return; \
} while (0)

static inline void unit_run(const char *name, void (*fn)(void))
{
	unit_case_failed = 0;
	unit_case_skipped = 0;
	fn();
	if (unit_case_failed) {
		printf("FAIL %s: %s\n", name, unit_first_failure);
		unit_any_failed = 1;
	} else if (unit_case_skipped) {
		printf("SKIP %s: %s\n", name, unit_skip_reason);
	} else {
		printf("PASS %s\n", name);
	}
	fflush(stdout);
}

#define RUN(fn) unit_run(#fn, fn)

static inline int unit_exit_status(void)
{
	return unit_any_failed ? 1 : 0;
}

#endif
