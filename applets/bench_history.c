/* sspsh bench history: the scrollback path's cost, without a network.
 *
 * usage: sspsh bench history [--lines N]
 *
 * For three workloads of N lines (default 200000) scrolling through an
 * 80x24 screen: `seq` numbers, 80-column coloured lines (a colour change
 * every few words, like ls --color or a compiler's output) and CJK text,
 * it prints
 *   - the emulator's lines/s with the default log (SSPSH_SCROLLBACK_DEFAULT)
 *     and without one,
 *   - the encoded bytes per line against the bytes the program wrote for
 *     it (text and escape sequences): what the wire carries per line,
 *   - the log's memory once full,
 *   - the client's writer (display_history): lines/s into the terminal's
 *     history in batches of 1000, and the bytes it writes per line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applets/applets.h"
#include "applets/bench.h"
#include "applets/cli.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/options.h"
#include "term/display_history.h"
#include "term/emu.h"
#include "term/history.h"

#define BATCH 1000

static const char history_usage[] = "usage: sspsh bench history [--lines N]\n";

static uint32_t next_random(uint32_t *state)
{
	*state = *state * 1664525u + 1013904223u;
	return *state >> 8;
}

static void generate_seq(struct buf *out, long lines)
{
	for (long i = 1; i <= lines; i++)
		buf_printf(out, "%ld\r\n", i);
}

/* 80 columns of words, each word in one of 16 colours, some bold. */
static void generate_coloured(struct buf *out, long lines)
{
	uint32_t seed = 7;

	for (long i = 0; i < lines; i++) {
		int col = 0;
		while (col < 72) {
			int word = 3 + (int)(next_random(&seed) % 8);
			uint32_t colour = next_random(&seed) % 16;
			buf_printf(out, "\033[%s%um", colour >= 8 ? "1;" : "", 30 + colour % 8);
			for (int k = 0; k < word; k++)
				buf_put_u8(out, (uint8_t)('a' + next_random(&seed) % 26));
			buf_put_str(out, "\033[m ");
			col += word + 1;
		}
		buf_put_str(out, "\r\n");
	}
}

/* 30 ideographs a line. */
static void generate_cjk(struct buf *out, long lines)
{
	uint32_t seed = 3;

	for (long i = 0; i < lines; i++) {
		for (int k = 0; k < 30; k++) {
			uint32_t cp = 0x4e00 + next_random(&seed) % 0x5000;
			buf_put_u8(out, (uint8_t)(0xe0 | cp >> 12));
			buf_put_u8(out, (uint8_t)(0x80 | (cp >> 6 & 0x3f)));
			buf_put_u8(out, (uint8_t)(0x80 | (cp & 0x3f)));
		}
		buf_put_str(out, "\r\n");
	}
}

/* Seconds to feed the workload through an 80x24 emulator with the log
 * (NULL: none). */
static double feed(const struct buf *work, struct history *log)
{
	struct emu *emu = emu_new(80, 24);
	uint64_t start = clock_us();

	if (!emu)
		return -1;
	emu_set_history(emu, log);
	for (size_t at = 0; at < work->len; at += SSPSH_PTY_READ_SIZE) {
		size_t n = work->len - at < SSPSH_PTY_READ_SIZE ? work->len - at : SSPSH_PTY_READ_SIZE;
		emu_write(emu, work->data + at, n);
	}
	emu_free(emu);
	return (double)(clock_us() - start) / 1e6;
}

static size_t log_bytes(const struct history *log)
{
	size_t total = 0;

	for (uint64_t n = history_start(log); n < history_end(log); n++) {
		const uint8_t *data;
		size_t len;
		if (history_entry(log, n, &data, &len))
			total += len;
	}
	return total;
}

/* Lines/s of the writer over the log's entries in batches, and its bytes
 * per line; a blank 80x24 screen before and after. */
static void write_out(const struct history *log, double *lines_per_s, double *bytes_per_line)
{
	struct history_span batch[BATCH];
	struct fb *screen = fb_new(80, 24);
	struct buf out;
	uint64_t start = clock_us(), lines = 0;
	size_t bytes = 0;

	buf_init(&out);
	for (uint64_t n = history_start(log); screen && n < history_end(log);) {
		size_t k = 0;
		for (; k < BATCH && n < history_end(log); k++, n++)
			history_entry(log, n, &batch[k].data, &batch[k].len);
		buf_reset(&out);
		display_history(screen, screen, 0, batch, k, false, NULL, &out);
		bytes += out.len;
		lines += k;
	}
	*lines_per_s = (double)lines / ((double)(clock_us() - start) / 1e6);
	*bytes_per_line = lines ? (double)bytes / (double)lines : 0;
	buf_free(&out);
	fb_free(screen);
}

static int run(const char *name, void (*generate)(struct buf *, long), long lines)
{
	struct buf work;
	struct history *log = history_new(SSPSH_SCROLLBACK_DEFAULT);
	double with_log, without, write_rate, write_bytes;
	uint64_t kept;

	buf_init(&work);
	generate(&work, lines);
	if (!log || work.oom) {
		fputs("sspsh: bench history: out of memory\n", stderr);
		history_free(log);
		buf_free(&work);
		return EXIT_FAILURE;
	}
	without = feed(&work, NULL);
	with_log = feed(&work, log);
	kept = history_end(log) - history_start(log);
	write_out(log, &write_rate, &write_bytes);
	printf("%-9s emulator %5.2f M lines/s with the log, %5.2f M without; "
	       "%.1f B/line encoded for %.1f B/line written by the program (%.2fx); "
	       "log of %llu lines: %.2f MB; writer %.2f M lines/s, %.1f B/line to the terminal\n",
	       name, (double)lines / with_log / 1e6, (double)lines / without / 1e6,
	       (double)log_bytes(log) / (double)kept, (double)work.len / (double)lines,
	       (double)log_bytes(log) / (double)kept / ((double)work.len / (double)lines),
	       (unsigned long long)kept, (double)history_memory(log) / 1e6, write_rate / 1e6,
	       write_bytes);
	history_free(log);
	buf_free(&work);
	return EXIT_SUCCESS;
}

int bench_history_main(int argc, char **argv)
{
	long lines = 200000;
	int status = EXIT_SUCCESS;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			fputs(history_usage, stdout);
			return EXIT_SUCCESS;
		}
		if (strcmp(argv[i], "--lines") == 0 && i + 1 < argc) {
			char *end;
			lines = strtol(argv[++i], &end, 10);
			if (*end || lines < 1 || lines > 100000000)
				return cli_usage_error("bench history", "--lines takes 1..100000000");
			continue;
		}
		return cli_usage_error("bench history", "unknown argument '%s'", argv[i]);
	}
	status |= run("seq", generate_seq, lines);
	status |= run("coloured", generate_coloured, lines);
	status |= run("cjk", generate_cjk, lines);
	return status;
}
