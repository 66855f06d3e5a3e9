/* libFuzzer target: the client's reader of the scrollback stream
 * (applets/session/scrollback.h) and the writer it feeds, with bytes from
 * the peer. The input's first byte cuts it into pieces of that size; every
 * batch the reader gives is written with display_history into an
 * emulator, which must stay within bounds whatever the entries hold. */
#include <stdint.h>
#include <stdlib.h>

#include "applets/session/scrollback.h"
#include "term/display_history.h"
#include "term/emu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scrollback_rx rx;
	struct scrollback_batch batch;
	struct buf out;
	struct emu *term;
	size_t piece;

	if (size < 1)
		return 0;
	piece = 1 + data[0];
	data++;
	size--;
	term = emu_new(20, 4);
	if (!term)
		return 0;
	scrollback_rx_init(&rx);
	buf_init(&out);
	for (size_t at = 0; at < size; at += piece)
		if (!scrollback_rx_feed(&rx, data + at, size - at < piece ? size - at : piece))
			break;
	while (scrollback_rx_batch(&rx, 1 + size % 4096, &batch)) {
		buf_reset(&out);
		display_history(emu_fb(term), emu_fb(term), batch.lost, batch.entries, batch.n, size % 2,
				NULL, &out);
		emu_write(term, out.data, out.len);
		scrollback_rx_done(&rx);
	}
	if (scrollback_rx_held(&rx) > size)
		abort();
	buf_free(&out);
	scrollback_rx_free(&rx);
	emu_free(term);
	return 0;
}
