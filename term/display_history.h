/* Writing scrollback into the user's terminal: lines the server's log kept
 * (term/history.h entries, in order) go into the terminal's own history,
 * above the screen, so that its scrollbar, search and copy mode find them;
 * then the screen shows the newest frame again. All of it inside one
 * synchronized update (DEC private mode 2026), which terminals that know
 * it show at once and the others ignore.
 *
 * How: lines that the terminal shows on its top rows already are scrolled
 * up into its history by line feeds at the bottom row; the others are
 * written from the top row down, each followed by CR LF, so that the
 * terminal scrolls each into its history in turn, and line feeds at the
 * bottom push the last ones after them. The screen is then painted by
 * display_diff_with(no_history), which puts nothing into the history.
 * To keep the newest screen in view on terminals without synchronized
 * output, the screen is painted first and the lines go up a quarter of
 * the screen at a time, the screen scrolled back down by reverse indexes
 * at the top row and those rows painted again after each group. */
#ifndef SSPSH_DISPLAY_HISTORY_H
#define SSPSH_DISPLAY_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "term/caps.h"
#include "term/fb.h"

/* One entry's bytes (term/history_line.h). */
struct history_span {
	const uint8_t *data;
	size_t len;
};

/* Append to `out` the bytes that put entries[0..n) into the history of a
 * terminal showing `shown` (NULL: not known) and then show `now`, whose
 * size is the terminal's. `lost`: lines the log had dropped before
 * entries[0]; one line "[sspsh: 123,456 lines not kept]" stands for them.
 * A line wider than the terminal takes as many rows as it needs (a wide
 * character never straddles the margin). An erase entry erases the
 * terminal's history (ED 3); the lines before it are not written. Returns
 * the entries that could not be decoded, which are left out. keep_in_view:
 * the newest screen stays on the terminal but for a quarter of its rows
 * (about twice the bytes); otherwise lines cover the whole screen until
 * it is painted again at the end. `terminal`: what the terminal can show
 * (NULL: everything). */
size_t display_history(const struct fb *shown, const struct fb *now, uint64_t lost,
		       const struct history_span *entries, size_t n, bool keep_in_view,
		       const struct term_caps *terminal, struct buf *out);

#endif
