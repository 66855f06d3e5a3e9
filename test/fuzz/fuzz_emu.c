/* libFuzzer target: the parser and emulator on arbitrary program output,
 * with resizes driven by the input. The first two bytes choose the size;
 * after that, the marker FF FE followed by two bytes resizes (so plain
 * recordings serve as seeds); every other byte is program output, written
 * in pieces that split at the markers. At the end the screen is dumped,
 * copied into a new emulator and the replies taken, as the server does. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/buf.h"
#include "term/dump.h"
#include "term/emu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int size_from(uint8_t byte, int max)
{
	return 1 + byte % max;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct emu *emu, *copy;
	struct buf out;
	size_t start = 2;

	if (size < 2)
		return 0;
	emu = emu_new(size_from(data[0], 132), size_from(data[1], 60));
	if (!emu)
		return 0;
	buf_init(&out);
	for (size_t i = 2; i < size; i++) {
		if (i + 3 < size && data[i] == 0xff && data[i + 1] == 0xfe) {
			emu_write(emu, data + start, i - start);
			emu_resize(emu, size_from(data[i + 2], 200), size_from(data[i + 3], 80));
			i += 3;
			start = i + 1;
		}
	}
	if (start < size)
		emu_write(emu, data + start, size - start);
	emu_take_replies(emu, &out);
	dump_screen(emu_fb(emu), &out);
	copy = emu_new_from_fb(emu_fb(emu));
	if (copy) {
		emu_write(copy, "x\033[2J", 5);
		emu_free(copy);
	}
	buf_free(&out);
	emu_free(emu);
	return 0;
}
