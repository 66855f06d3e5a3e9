/* A screen as plain text, the form tests and `sspsh bench emu --dump`
 * compare: one line per row, each cell's grapheme (nothing for the right
 * half of a wide cell), trailing blanks removed, then "cursor ROW,COL"
 * (0-based). */
#ifndef SSPSH_DUMP_H
#define SSPSH_DUMP_H

#include "core/buf.h"
#include "term/fb.h"

/* Row `row` without its trailing blanks, appended to `out` (no newline). */
void dump_row(const struct fb *fb, int row, struct buf *out);
void dump_screen(const struct fb *fb, struct buf *out);

#endif
