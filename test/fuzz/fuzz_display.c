/* Fuzz the display's round-trip property with frames the emulator makes:
 * the input's first byte picks a size, the rest is split in two; the first
 * part makes the old frame, both parts the new one. The diff applied to an
 * emulator started from the old frame, and the full repaint applied to a
 * fresh one, must both give the new frame (bells aside), the plain diff and
 * the one that keeps the terminal's history clean alike; the latter must
 * put no line into the replaying emulator's history. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "term/display.h"
#include "term/emu.h"
#include "term/history.h"

/* The mode being tried: the diff that keeps the terminal's history clean. */
static bool no_history;

static void expect_frame(struct emu *emu, const struct buf *bytes, const struct fb *want)
{
	struct history *history = history_new(16);
	struct fb *got;

	if (!history)
		return;
	emu_set_history(emu, history);
	if (bytes->len)	/* an empty diff has no buffer yet */
		emu_write(emu, bytes->data, bytes->len);
	emu_set_history(emu, NULL);
	if (no_history && history_end(history) != 0)
		abort();
	history_free(history);
	got = fb_clone(emu_fb(emu));
	if (!got)
		return;
	fb_set_bells(got, fb_bells(want));
	if (!fb_equal(got, want))
		abort();
	fb_free(got);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct buf out;
	struct emu *emu, *replica;
	struct fb *old, *now;
	size_t half;
	int cols, rows;
	uint32_t serial_old, serial_now;

	if (size < 2)
		return 0;
	cols = 1 + data[0] % 40;
	rows = 1 + data[0] / 40 % 12;
	data++;
	size--;
	half = size / 2;
	emu = emu_new(cols, rows);
	if (!emu)
		return 0;
	if (half)
		emu_write(emu, data, half);
	old = fb_clone(emu_fb(emu));
	emu_write(emu, data + half, size - half);
	now = fb_clone(emu_fb(emu));
	fb_clipboard(old, &serial_old);
	fb_clipboard(now, &serial_now);
	/* A diff sets the clipboard once, however often the program did. */
	for (int mode = 0; mode < 2; mode++) {
		struct display_options opts = { .no_history = mode == 1 };
		no_history = opts.no_history;
		if (old && now && serial_now - serial_old <= 1) {
			buf_reset(&out);
			display_diff_with(old, now, &opts, &out);
			replica = emu_new_from_fb(old);
			if (replica) {
				expect_frame(replica, &out, now);
				emu_free(replica);
			}
		}
		if (now && serial_now == 0) {
			buf_reset(&out);
			display_diff_with(NULL, now, &opts, &out);
			replica = emu_new(cols, rows);
			if (replica) {
				expect_frame(replica, &out, now);
				emu_free(replica);
			}
		}
	}
	fb_free(old);
	fb_free(now);
	emu_free(emu);
	return 0;
}
