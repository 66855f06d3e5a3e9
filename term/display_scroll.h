/* Finding the scroll that turns one frame into most of the next, so the
 * display can have the terminal move rows instead of repainting them.
 * Internal to term/display*.c. */
#ifndef SSPSH_DISPLAY_SCROLL_H
#define SSPSH_DISPLAY_SCROLL_H

#include "core/buf.h"
#include "term/display_seq.h"
#include "term/fb.h"

/* Rows [top, bottom) moved up by `by` rows (down if by < 0); by == 0: none.
 * gain: rows the terminal shows right after it that it did not before. */
struct scroll {
	int top, bottom, by;
	int gain;
};

/* The scroll after which the terminal shows the most rows of `now` already,
 * if it shows more than without one. Same-size frames. no_history: only
 * scrolls that put no row into the terminal's history (scroll_no_history). */
struct scroll scroll_find(const struct fb *old, const struct fb *now, bool no_history);

/* The scroll s limited to rows below the top one when it moves rows up:
 * those are done by DL, which no terminal keeps in its history. A scroll
 * with nothing left to move becomes none. */
struct scroll scroll_no_history(struct scroll s);

/* The row of `old` a terminal shows on `row` after the scroll; -1: blank. */
int scroll_source(const struct scroll *s, int row);

/* Append the scroll for a terminal of `rows` rows in the state t, which
 * it updates (margins home the cursor; DL leaves its column unknown).
 * no_history: rows move up by DL (the scroll must be scroll_no_history's). */
void scroll_put(const struct scroll *s, int rows, bool no_history, struct term_state *t,
		struct buf *out);

#endif
