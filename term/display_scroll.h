/* Finding the scroll that turns one frame into most of the next, so the
 * display can have the terminal move rows instead of repainting them.
 * Internal to term/display*.c. */
#ifndef SSPSH_DISPLAY_SCROLL_H
#define SSPSH_DISPLAY_SCROLL_H

#include "core/buf.h"
#include "term/fb.h"

/* Rows [top, bottom) moved up by `by` rows (down if by < 0); by == 0: none.
 * gain: rows the terminal shows right after it that it did not before. */
struct scroll {
	int top, bottom, by;
	int gain;
};

/* The scroll after which the terminal shows the most rows of `now` already,
 * if it shows more than without one. Same-size frames. */
struct scroll scroll_find(const struct fb *old, const struct fb *now);

/* The row of `old` a terminal shows on `row` after the scroll; -1: blank. */
int scroll_source(const struct scroll *s, int row);

/* Append the scroll for a terminal of `rows` rows. A region scroll sets
 * and resets the scrolling margins, which homes the cursor: returns true
 * when it did. */
bool scroll_put(const struct scroll *s, int rows, struct buf *out);

#endif
