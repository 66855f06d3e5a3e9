/* A screen as text, the forms tests and `sspsh bench emu --dump` compare.
 *
 * dump_screen: one line per row, each cell's grapheme (nothing for the
 * right half of a wide cell), trailing blanks removed, then "cursor
 * ROW,COL" (0-based).
 *
 * dump_screen_sgr: the same with the cells' renditions, in the form
 * test/soak/rec_vs_tmux.py brings `tmux capture-pane -e -p` to: each row
 * starts in the default rendition, and before a cell whose rendition
 * differs from the cell before it comes ESC [ 0 ; ... m with the whole new
 * rendition (attributes in SGR order, then fg, bg and underline colour;
 * colours 0-7 as 30-37, 8-15 as 90-97, others as 38;5;N or 38;2;R;G;B),
 * or ESC [ 0 m for the default one. Trailing blanks in the default
 * rendition are removed, and a row that ends in another ends with
 * ESC [ 0 m. */
#ifndef SSPSH_DUMP_H
#define SSPSH_DUMP_H

#include "core/buf.h"
#include "term/fb.h"

/* Row `row` without its trailing blanks, appended to `out` (no newline). */
void dump_row(const struct fb *fb, int row, struct buf *out);
void dump_screen(const struct fb *fb, struct buf *out);
void dump_screen_sgr(const struct fb *fb, struct buf *out);

#endif
