/* sspsh bench emu: the terminal emulator's speed and memory.
 *
 * usage: sspsh bench emu [--cols N] [--rows N] [--dump[=sgr|=wrap]|--once] [FILE...]
 *        sspsh bench emu [--megabytes N] --generate ascii|cjk
 *
 * Feeds each FILE through a fresh emulator (in reads of
 * SSPSH_PTY_READ_SIZE bytes, as the server does), repeating it until at
 * least 0.5 s have passed, and prints MB/s and the memory of the screen.
 * Without FILEs it measures two generated workloads: "ascii" (plain text
 * lines) and "cjk" (colour escapes and CJK text); --generate writes one of
 * them to stdout (4 MB of it, or N MB). --once streams each FILE through a
 * fresh emulator a single time, reading it as it goes, and prints MB per
 * second of the process's CPU time: the form test/bench/emu_vs_libvterm.sh
 * sets beside libvterm's. --dump feeds the FILEs once, in order, into one emulator
 * and prints the final screen, one line per row without trailing blanks,
 * then "cursor ROW,COL" (0-based): the form the tests compare; --dump=sgr
 * prints the rows with their renditions as SGR sequences (term/dump.h);
 * --dump=wrap is --dump with a last line "wrap pending" when the next
 * character goes to the next row first. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applets/applets.h"
#include "applets/bench.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/options.h"
#include "core/utf8.h"
#include "term/dump.h"
#include "term/emu.h"

#include <time.h>

#define WORKLOAD_MB 4
#define MIN_SECONDS 0.5

static const char emu_usage[] =
"usage: sspsh bench emu [--cols N] [--rows N] [--dump[=sgr|=wrap]|--once] [FILE...]\n"
"       sspsh bench emu [--megabytes N] --generate ascii|cjk\n";

/* A deterministic pseudo-random sequence, so runs compare. */
static uint32_t next_random(uint32_t *state)
{
	*state = *state * 1664525u + 1013904223u;
	return *state >> 8;
}

/* Lines of 10..79 printable ASCII characters: words and spaces. */
static void generate_ascii(struct buf *out, size_t size)
{
	uint32_t seed = 1;

	while (out->len < size && !out->oom) {
		int line = 10 + (int)(next_random(&seed) % 70);

		for (int i = 0; i < line; i++) {
			uint32_t r = next_random(&seed) % 64;

			buf_put_u8(out, r < 10 ? ' ' : (uint8_t)('!' + r % 94));
		}
		buf_put_str(out, "\r\n");
	}
}

/* Lines mixing SGR colours (16, 256, 24-bit, bold), CJK ideographs and
 * ASCII, like coloured output of a program in a CJK locale. */
static void generate_cjk(struct buf *out, size_t size)
{
	uint32_t seed = 2;

	while (out->len < size && !out->oom) {
		int columns = 0, target = 20 + (int)(next_random(&seed) % 58);

		while (columns < target) {
			uint32_t r = next_random(&seed);

			switch (r % 4) {
			case 0:
				buf_printf(out, "\033[%um", 31 + r / 4 % 7);
				break;
			case 1:
				buf_printf(out, "\033[1;38;5;%um", r / 4 % 256);
				break;
			case 2:
				buf_printf(out, "\033[38;2;%u;%u;%um", r / 4 % 256, r / 16 % 256, r / 64 % 256);
				break;
			default:
				buf_put_str(out, "\033[0m");
				break;
			}
			for (int i = 0; i < 6 && columns + 2 <= target; i++, columns += 2) {
				char utf8[UTF8_MAX_LEN];
				uint32_t cp = 0x4e00 + next_random(&seed) % 0x5000;

				buf_put(out, utf8, utf8_encode(cp, utf8));
			}
			buf_put_str(out, " ok ");
			columns += 4;
		}
		buf_put_str(out, "\033[0m\r\n");
	}
}

static bool read_whole_file(const char *path, struct buf *out)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;

	if (!f) {
		fprintf(stderr, "sspsh: bench emu: %s: %s\n", path, strerror(errno));
		return false;
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_put(out, chunk, n);
	bool ok = !ferror(f) && !out->oom;
	if (!ok)
		fprintf(stderr, "sspsh: bench emu: %s: read failed\n", path);
	fclose(f);
	return ok;
}

static void feed(struct emu *emu, const struct buf *input, struct buf *replies)
{
	for (size_t off = 0; off < input->len; off += SSPSH_PTY_READ_SIZE) {
		size_t n = input->len - off < SSPSH_PTY_READ_SIZE ? input->len - off : SSPSH_PTY_READ_SIZE;

		emu_write(emu, input->data + off, n);
	}
	buf_reset(replies);
	emu_take_replies(emu, replies);
}

static int measure(const char *name, const struct buf *input, int cols, int rows)
{
	struct emu *emu;
	struct buf replies;
	uint64_t start, elapsed;
	double bytes = 0;

	if (input->len == 0) {
		fprintf(stderr, "sspsh: bench emu: %s is empty\n", name);
		return 1;
	}
	emu = emu_new(cols, rows);
	if (!emu) {
		fprintf(stderr, "sspsh: bench emu: cannot make a %dx%d emulator\n", cols, rows);
		return 1;
	}
	buf_init(&replies);
	start = clock_us();
	do {
		feed(emu, input, &replies);
		bytes += (double)input->len;
		elapsed = clock_us() - start;
	} while (elapsed < MIN_SECONDS * 1e6);
	printf("%-12s %8.1f MB/s  (%.0f MB in %.2f s)  memory %dx%d: screen %zu + emulator %zu = %zu bytes\n",
	       name, bytes / (double)elapsed, bytes / 1e6, (double)elapsed / 1e6, cols, rows,
	       fb_memory(emu_fb(emu)), emu_memory(emu), fb_memory(emu_fb(emu)) + emu_memory(emu));
	buf_free(&replies);
	emu_free(emu);
	return 0;
}

static double cpu_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One pass over the file, read as the server reads a pty. */
static int measure_once(const char *path, int cols, int rows)
{
	static uint8_t chunk[SSPSH_PTY_READ_SIZE];
	double start = cpu_seconds(), bytes = 0;
	struct emu *emu = emu_new(cols, rows);
	FILE *f = fopen(path, "rb");
	size_t n;
	int status = 0;

	if (!emu || !f) {
		fprintf(stderr, "sspsh: bench emu: %s: %s\n", path, f ? "no memory" : strerror(errno));
		status = 1;
		goto out;
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		emu_write(emu, chunk, n);
		bytes += (double)n;
	}
	if (ferror(f)) {
		fprintf(stderr, "sspsh: bench emu: %s: read failed\n", path);
		status = 1;
		goto out;
	}
	printf("%-12s %8.1f MB/s  (%.0f MB once)\n", "sspsh", bytes / 1e6 / (cpu_seconds() - start),
	       bytes / 1e6);
out:
	if (f)
		fclose(f);
	emu_free(emu);
	return status;
}

typedef void dump_fn(const struct fb *fb, struct buf *out);

static int dump(char **files, int nfiles, int cols, int rows, dump_fn *dump_screen_as,
		bool show_wrap)
{
	struct emu *emu = emu_new(cols, rows);
	struct buf input, out;
	int status = 0;

	if (!emu) {
		fprintf(stderr, "sspsh: bench emu: cannot make a %dx%d emulator\n", cols, rows);
		return 1;
	}
	buf_init(&input);
	buf_init(&out);
	for (int i = 0; i < nfiles && status == 0; i++) {
		buf_reset(&input);
		if (!read_whole_file(files[i], &input))
			status = 1;
		else
			emu_write(emu, input.data, input.len);
	}
	if (status == 0) {
		dump_screen_as(emu_fb(emu), &out);
		if (show_wrap && emu_wrap_pending(emu))
			buf_printf(&out, "wrap pending\n");
		fwrite(out.data, 1, out.len, stdout);
	}
	buf_free(&input);
	buf_free(&out);
	emu_free(emu);
	return status;
}

static bool parse_size(const char *arg, int max, int *out)
{
	char *end;
	long v;

	if (!arg)
		return false;
	v = strtol(arg, &end, 10);
	if (*end || v < 1 || v > max)
		return false;
	*out = (int)v;
	return true;
}

static int generate(const char *which, int megabytes)
{
	size_t size = (size_t)megabytes << 20;
	struct buf out;
	int status = 0;

	buf_init(&out);
	if (strcmp(which, "ascii") == 0)
		generate_ascii(&out, size);
	else if (strcmp(which, "cjk") == 0)
		generate_cjk(&out, size);
	else {
		fprintf(stderr, "sspsh: bench emu: no workload named '%s' (ascii, cjk)\n", which);
		return EXIT_USAGE;
	}
	if (out.oom) {
		fprintf(stderr, "sspsh: bench emu: no memory for %d MB\n", megabytes);
		status = 1;
	} else if (fwrite(out.data, 1, out.len, stdout) != out.len) {
		status = 1;
	}
	buf_free(&out);
	return status;
}

int bench_emu_main(int argc, char **argv)
{
	int cols = 80, rows = 24, megabytes = WORKLOAD_MB, nfiles = 0, status = 0;
	dump_fn *want_dump = NULL;
	bool want_once = false, show_wrap = false;
	char **files = calloc((size_t)argc, sizeof *files);

	if (!files)
		return 1;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];

		if (strcmp(arg, "--cols") == 0 && parse_size(argv[i + 1], SSPSH_MAX_COLS, &cols)) {
			i++;
		} else if (strcmp(arg, "--rows") == 0 && parse_size(argv[i + 1], SSPSH_MAX_ROWS, &rows)) {
			i++;
		} else if (strcmp(arg, "--megabytes") == 0 && parse_size(argv[i + 1], 4096, &megabytes)) {
			i++;
		} else if (strcmp(arg, "--dump") == 0) {
			want_dump = dump_screen;
		} else if (strcmp(arg, "--dump=sgr") == 0) {
			want_dump = dump_screen_sgr;
		} else if (strcmp(arg, "--dump=wrap") == 0) {
			want_dump = dump_screen;
			show_wrap = true;
		} else if (strcmp(arg, "--once") == 0) {
			want_once = true;
		} else if (strcmp(arg, "--generate") == 0 && i + 1 < argc) {
			free(files);
			return generate(argv[i + 1], megabytes);
		} else if (strcmp(arg, "--help") == 0 || arg[0] == '-') {
			fputs(emu_usage, arg[0] == '-' && strcmp(arg, "--help") ? stderr : stdout);
			free(files);
			return strcmp(arg, "--help") ? EXIT_USAGE : 0;
		} else {
			files[nfiles++] = argv[i];
		}
	}
	if ((want_dump || want_once) && nfiles == 0) {
		fputs(emu_usage, stderr);
		status = EXIT_USAGE;
	} else if (want_dump) {
		status = dump(files, nfiles, cols, rows, want_dump, show_wrap);
	} else if (want_once) {
		for (int i = 0; i < nfiles && status == 0; i++)
			status = measure_once(files[i], cols, rows);
	} else if (nfiles == 0) {
		struct buf input;

		buf_init(&input);
		generate_ascii(&input, (size_t)WORKLOAD_MB << 20);
		status |= measure("ascii", &input, cols, rows);
		buf_reset(&input);
		generate_cjk(&input, (size_t)WORKLOAD_MB << 20);
		status |= measure("colour+cjk", &input, cols, rows);
		buf_free(&input);
	} else {
		for (int i = 0; i < nfiles && status == 0; i++) {
			struct buf input;

			buf_init(&input);
			status = read_whole_file(files[i], &input) ? measure(files[i], &input, cols, rows) : 1;
			buf_free(&input);
		}
	}
	free(files);
	return status;
}
