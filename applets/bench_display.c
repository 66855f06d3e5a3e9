/* sspsh bench display: replay recordings through the emulator, taking a
 * frame every CHUNK bytes, and measure the display diffs between frames:
 * bytes per frame (against a full repaint of each frame) and diffs per
 * second. --check also replays every diff into an emulator started from
 * the previous frame and counts the frames it does not reproduce. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "applets/applets.h"
#include "applets/bench.h"
#include "core/buf.h"
#include "core/clock.h"
#include "term/display.h"
#include "term/emu.h"

struct display_totals {
	long frames, changed, mismatches;
	size_t diff_bytes, repaint_bytes;
	uint64_t diff_us;
};

static bool read_file(const char *path, struct buf *data)
{
	char chunk[65536];
	size_t n;
	FILE *f = fopen(path, "rb");

	if (!f) {
		perror(path);
		return false;
	}
	buf_reset(data);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_put(data, chunk, n);
	fclose(f);
	return !data->oom;
}

static bool reproduces(const struct fb *old, const struct fb *now, const struct buf *diff)
{
	struct emu *emu = emu_new_from_fb(old);
	struct fb *got;
	bool same = false;

	if (!emu)
		return false;
	emu_write(emu, diff->data, diff->len);
	got = fb_clone(emu_fb(emu));
	if (got) {
		fb_set_bells(got, fb_bells(now));
		same = fb_equal(got, now);
		fb_free(got);
	}
	emu_free(emu);
	return same;
}

static void replay(const struct buf *data, int cols, int rows, size_t chunk, bool check,
		   struct display_totals *t)
{
	struct emu *emu = emu_new(cols, rows);
	struct fb *prev = NULL, *now;
	struct buf diff, repaint;
	uint64_t start;

	if (!emu)
		return;
	buf_init(&diff);
	buf_init(&repaint);
	for (size_t off = 0; off < data->len; off += chunk) {
		size_t n = data->len - off < chunk ? data->len - off : chunk;
		emu_write(emu, data->data + off, n);
		now = fb_clone(emu_fb(emu));
		if (!now)
			break;
		buf_reset(&diff);
		start = clock_us();
		display_diff(prev, now, &diff);
		t->diff_us += clock_us() - start;
		buf_reset(&repaint);
		display_diff(NULL, now, &repaint);
		t->frames++;
		t->changed += diff.len > 0;
		t->diff_bytes += diff.len;
		t->repaint_bytes += repaint.len;
		if (check && prev && !reproduces(prev, now, &diff))
			t->mismatches++;
		fb_free(prev);
		prev = now;
	}
	fb_free(prev);
	buf_free(&diff);
	buf_free(&repaint);
	emu_free(emu);
}

int bench_display_main(int argc, char **argv)
{
	struct display_totals t = { 0 };
	int cols = 80, rows = 24, i;
	size_t chunk = 256;
	bool check = false;
	struct buf data;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--check") == 0)
			check = true;
		else if (strcmp(argv[i], "--cols") == 0 && i + 1 < argc)
			cols = atoi(argv[++i]);
		else if (strcmp(argv[i], "--rows") == 0 && i + 1 < argc)
			rows = atoi(argv[++i]);
		else if (strcmp(argv[i], "--chunk") == 0 && i + 1 < argc)
			chunk = (size_t)atol(argv[++i]);
		else
			break;
	}
	if (i == argc || cols < 1 || rows < 1 || chunk < 1) {
		fputs(bench_usage, stderr);
		return EXIT_USAGE;
	}
	buf_init(&data);
	for (; i < argc; i++) {
		if (!read_file(argv[i], &data)) {
			buf_free(&data);
			return 1;
		}
		replay(&data, cols, rows, chunk, check, &t);
	}
	buf_free(&data);
	if (!t.frames) {
		fprintf(stderr, "sspsh: bench display: no frames\n");
		return 1;
	}
	printf("frames %ld (%ld changed), chunk %zu bytes, %dx%d\n", t.frames, t.changed, chunk,
	       cols, rows);
	printf("diff bytes %zu (%.1f per changed frame); full repaints %zu (%.1f%% saved)\n",
	       t.diff_bytes, t.changed ? (double)t.diff_bytes / (double)t.changed : 0.0,
	       t.repaint_bytes,
	       100.0 * (1.0 - (double)t.diff_bytes / (double)(t.repaint_bytes ? t.repaint_bytes : 1)));
	printf("diff time %.2f us per frame (%.0f diffs/s)\n", (double)t.diff_us / (double)t.frames,
	       t.diff_us ? 1e6 * (double)t.frames / (double)t.diff_us : 0.0);
	if (check)
		printf("round-trip mismatches %ld\n", t.mismatches);
	return check && t.mismatches ? 1 : 0;
}
