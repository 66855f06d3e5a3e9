/* libFuzzer target: the decoder of history entries (term/history_line.h),
 * which reads what a peer sends. Whatever the bytes, it must stay in
 * bounds; a line it accepts must encode again within the size limit and
 * decode to the same cells. */
#include <stdint.h>
#include <stdlib.h>

#include "core/options.h"
#include "term/history_line.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fb *line = NULL, *again = NULL;
	struct buf wire;

	if (history_entry_decode(data, size, &line) != HISTORY_ENTRY_LINE)
		return 0;
	if (!line || fb_rows(line) != 1 || fb_cols(line) < 1 || fb_cols(line) > SSPSH_MAX_COLS)
		abort();
	buf_init(&wire);
	history_line_encode(line, 0, &wire);
	if (wire.len > SSPSH_HISTORY_LINE_MAX)
		abort();
	/* An entry at the limit may lose cells when encoded again (the same
	 * cells can cost more bytes); below it nothing may change. */
	if (history_entry_decode(wire.data, wire.len, &again) != HISTORY_ENTRY_LINE)
		abort();
	if (size < SSPSH_HISTORY_LINE_MAX / 2 && !fb_row_equal(line, 0, again, 0))
		abort();
	fb_free(again);
	fb_free(line);
	buf_free(&wire);
	return 0;
}
