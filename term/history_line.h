/* The compact encoding of one history entry: a line that scrolled off the
 * top of the screen, or the program's "erase saved lines" (ED 3). The
 * server's log keeps entries in this form and the wire carries them as
 * they are; the client decodes them to write them into the user's
 * terminal. Plain text costs one byte a cell, like the text itself.
 *
 *   entry := varint(0)                         ED 3: erase saved lines
 *          | varint(cols) token*               a line of cols columns
 *   token := 0x20..0x7e                        a cell holding that character
 *          | UTF-8 of one code point >= U+00A0 a cell holding it
 *          | 0x01 varint(n) code-point{n}      n wide cells (two columns each)
 *          | 0x02 len byte{len}                a cell holding a grapheme cluster
 *          | 0x03 len byte{len}                the same, wide
 *          | 0x04 varint(n)                    n blank cells
 *          | 0x05 flags [fg] [bg] [attrs] [ul]  the pen of the cells that follow
 *   flags: 1 fg is an index byte, 2 fg is r g b, 4 and 8 the same for bg,
 *   16 a varint of attributes (enum fb_attr) follows, 32 and 64 the
 *   underline colour as 1 and 2; an absent field is the default.
 *
 * Cells run from column 0 with the default pen; the columns after the
 * last one are blank. Code points are well-formed UTF-8 and never control
 * characters. An entry is at most SSPSH_HISTORY_LINE_MAX bytes. */
#ifndef SSPSH_HISTORY_LINE_H
#define SSPSH_HISTORY_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"
#include "term/fb.h"

/* Append the entry for row `row` of `fb`. Cells that would take the entry
 * past SSPSH_HISTORY_LINE_MAX bytes are left out (the line ends blank
 * there). Trailing blank cells with the default pen cost nothing. */
void history_line_encode(const struct fb *fb, int row, struct buf *out);
/* Append the ED 3 entry. */
void history_erase_encode(struct buf *out);

/* Whether the bytes are the ED 3 entry. */
bool history_entry_is_erase(const uint8_t *data, size_t len);

enum history_entry_kind {
	HISTORY_ENTRY_LINE,
	HISTORY_ENTRY_ERASE,
	HISTORY_ENTRY_MALFORMED,
	HISTORY_ENTRY_NO_MEMORY,
};

/* Decode an entry. A line comes back as a new one-row frame of its own
 * width in *line (the caller frees it); otherwise *line is NULL. Bytes that
 * break any rule above, or a line wider than SSPSH_MAX_COLS, are
 * HISTORY_ENTRY_MALFORMED. */
enum history_entry_kind history_entry_decode(const uint8_t *data, size_t len,
					     struct fb **line);

#endif
