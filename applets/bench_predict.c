/* sspsh bench predict: keystroke latency over a slow link.
 *
 * usage: sspsh bench predict [--rtt MS] [--keys N]
 *
 * Runs `sspsh connect --local --link delay=RTT/2 -- cat` in a pseudo
 * terminal it reads through an emulator, as a user's terminal would. It
 * types N letters one at a time, each once the screen has settled, and
 * times each from its write to the moment the letter is on the emulated
 * screen. Once with --predict=always, once with --predict=never; prints
 * the median and the slowest for each. */
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "applets/applets.h"
#include "applets/bench.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/options.h"
#include "term/emu.h"

#define TERM_COLS 80
#define TERM_ROWS 24
#define START_LIMIT_MS 10000
#define KEY_LIMIT_MS 5000
#define MAX_KEYS 60

static const char predict_usage[] =
"usage: sspsh bench predict [--rtt MS] [--keys N]\n";

/* The user's terminal: a pty whose output an emulator shows. */
struct terminal {
	int fd;
	pid_t pid;
	struct emu *emu;
	struct buf replies;
};

static bool terminal_start(struct terminal *t, int rtt_ms, const char *mode)
{
	struct winsize size = { .ws_row = TERM_ROWS, .ws_col = TERM_COLS };
	char link[64], predict[32];

	snprintf(link, sizeof link, "delay=%d", rtt_ms / 2);
	snprintf(predict, sizeof predict, "--predict=%s", mode);
	t->emu = emu_new(TERM_COLS, TERM_ROWS);
	buf_init(&t->replies);
	if (!t->emu)
		return false;
	t->pid = forkpty(&t->fd, NULL, NULL, &size);
	if (t->pid < 0) {
		perror("sspsh: bench predict: forkpty");
		return false;
	}
	if (t->pid == 0) {
		setenv("TERM", "xterm-256color", 1);
		unsetenv(SSPSH_PREDICT_ENV);
		execl("/proc/self/exe", "sspsh", "connect", "--local", "--link", link, predict,
		      "--", "cat", (char *)NULL);
		perror("sspsh: bench predict: exec");
		_exit(127);
	}
	return true;
}

static void terminal_stop(struct terminal *t)
{
	static const char quit[] = { SSPSH_ESCAPE_KEY, '.' };
	int status;

	if (t->pid > 0) {
		if (write(t->fd, quit, sizeof quit) < 0)
			kill(t->pid, SIGTERM);
		for (int i = 0; i < 50 && waitpid(t->pid, &status, WNOHANG) == 0; i++)
			usleep(100 * 1000);
		if (waitpid(t->pid, &status, WNOHANG) == 0) {
			kill(t->pid, SIGKILL);
			waitpid(t->pid, &status, 0);
		}
	}
	if (t->fd >= 0)
		close(t->fd);
	emu_free(t->emu);
	buf_free(&t->replies);
}

/* Reads what the client painted within `timeout_ms`; false on silence. */
static bool terminal_pump(struct terminal *t, int timeout_ms)
{
	struct pollfd p = { t->fd, POLLIN, 0 };
	char bytes[65536];
	ssize_t n;

	if (poll(&p, 1, timeout_ms) <= 0)
		return false;
	n = read(t->fd, bytes, sizeof bytes);
	if (n <= 0)
		return false;
	emu_write(t->emu, bytes, (size_t)n);
	buf_reset(&t->replies);
	emu_take_replies(t->emu, &t->replies);
	if (t->replies.len && write(t->fd, t->replies.data, t->replies.len) < 0)
		return false;
	return true;
}

/* Until nothing has been painted for `quiet_ms`. */
static void terminal_settle(struct terminal *t, int quiet_ms)
{
	while (terminal_pump(t, quiet_ms))
		;
}

static bool cell_is(const struct terminal *t, int row, int col, char ch)
{
	const struct fb_cell *cell = fb_cell(emu_fb(t->emu), row, col);

	return cell && cell->ch == (uint32_t)(unsigned char)ch;
}

/* Types `ch` and returns microseconds until it shows at the cursor; -1
 * if it never did. */
static int64_t time_key(struct terminal *t, char ch)
{
	uint64_t start, deadline;
	int row, col;

	fb_cursor(emu_fb(t->emu), &row, &col);
	start = clock_us();
	deadline = start + KEY_LIMIT_MS * 1000ull;
	if (write(t->fd, &ch, 1) != 1)
		return -1;
	while (!cell_is(t, row, col, ch)) {
		uint64_t now = clock_us();

		if (now >= deadline)
			return -1;
		terminal_pump(t, (int)((deadline - now) / 1000) + 1);
	}
	return (int64_t)(clock_us() - start);
}

static int compare_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Times `n` keys in one session; false if the session did not work. */
static bool measure(int rtt_ms, const char *mode, int n, int64_t *us)
{
	struct terminal t = { .fd = -1 };
	bool ok = terminal_start(&t, rtt_ms, mode);
	int settle_ms = rtt_ms + 200;

	if (ok) {
		ok = terminal_pump(&t, START_LIMIT_MS);	/* the first frame */
		terminal_settle(&t, settle_ms);
	}
	/* The first key of a line waits for the server's confirmation. */
	if (ok)
		ok = time_key(&t, '>') >= 0;
	for (int i = 0; ok && i < n; i++) {
		terminal_settle(&t, settle_ms);
		us[i] = time_key(&t, (char)('a' + i % 26));
		ok = us[i] >= 0;
	}
	terminal_stop(&t);
	if (!ok)
		fprintf(stderr, "sspsh: bench predict: the %s session did not echo\n", mode);
	return ok;
}

static void report(const char *what, int64_t *us, int n)
{
	qsort(us, (size_t)n, sizeof *us, compare_i64);
	printf("%-16s median %8.3f ms   p90 %8.3f ms   max %8.3f ms   (%d keys)\n", what,
	       (double)us[n / 2] / 1000.0, (double)us[n * 9 / 10] / 1000.0,
	       (double)us[n - 1] / 1000.0, n);
}

static bool parse_int(const char *text, int low, int high, int *out)
{
	char *end;
	long v = strtol(text, &end, 10);

	if (*text == '\0' || *end != '\0' || v < low || v > high)
		return false;
	*out = (int)v;
	return true;
}

int bench_predict_main(int argc, char **argv)
{
	int rtt_ms = 200, keys = 20;
	int64_t on[MAX_KEYS], off[MAX_KEYS];

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--rtt") == 0 && i + 1 < argc &&
		    parse_int(argv[i + 1], 0, 5000, &rtt_ms)) {
			i++;
		} else if (strcmp(argv[i], "--keys") == 0 && i + 1 < argc &&
			   parse_int(argv[i + 1], 1, MAX_KEYS, &keys)) {
			i++;
		} else {
			fputs(predict_usage, stderr);
			return EXIT_USAGE;
		}
	}
	printf("keystroke to screen over an emulated link of %d ms RTT (cat, 80x24)\n", rtt_ms);
	if (!measure(rtt_ms, "always", keys, on) || !measure(rtt_ms, "never", keys, off))
		return 1;
	report("prediction on", on, keys);
	report("prediction off", off, keys);
	printf("prediction off minus RTT: median %.3f ms\n",
	       (double)off[keys / 2] / 1000.0 - rtt_ms);
	return 0;
}
