/* Fuzz the display's round-trip property with frames the emulator makes:
 * the input's first byte picks a size, the rest is split in two; the first
 * part makes the old frame, both parts the new one. The diff applied to an
 * emulator started from the old frame, and the full repaint applied to a
 * fresh one, must both give the new frame (bells aside). */
#include <stdint.h>
#include <stdlib.h>

#include "term/display.h"
#include "term/emu.h"

static void expect_frame(struct emu *emu, const struct buf *bytes, const struct fb *want)
{
	struct fb *got;

	if (bytes->len)	/* an empty diff has no buffer yet */
		emu_write(emu, bytes->data, bytes->len);
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
	if (old && now && serial_now - serial_old <= 1) {
		buf_reset(&out);
		display_diff(old, now, &out);
		replica = emu_new_from_fb(old);
		if (replica) {
			expect_frame(replica, &out, now);
			emu_free(replica);
		}
	}
	if (now && serial_now == 0) {
		buf_reset(&out);
		display_diff(NULL, now, &out);
		replica = emu_new(cols, rows);
		if (replica) {
			expect_frame(replica, &out, now);
			emu_free(replica);
		}
	}
	fb_free(old);
	fb_free(now);
	emu_free(emu);
	return 0;
}
