/* The terminal emulator: bytes a program writes -> parser -> emulator state
 * -> framebuffer. The parser (term/parser.h) knows nothing of screens; the
 * emulator knows nothing of byte syntax. */
#ifndef SSPSH_EMU_H
#define SSPSH_EMU_H

#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"
#include "term/fb.h"
#include "term/history.h"

struct emu;

/* NULL when out of memory or the size is outside 1..SSPSH_MAX_COLS by
 * 1..SSPSH_MAX_ROWS (core/options.h). */
struct emu *emu_new(int cols, int rows);
/* An emulator whose screen starts as a copy of `fb`, its pen the frame's
 * cursor pen, and every other piece of state (scroll region, tab stops,
 * charsets, saved cursor) at its power-on default. The client applies SSP frame diffs this way. */
struct emu *emu_new_from_fb(const struct fb *fb);
void emu_free(struct emu *emu);

/* Feed output of the program. Never fails: malformed input is shown as
 * U+FFFD or ignored, as a terminal would. */
void emu_write(struct emu *emu, const void *data, size_t len);
/* The current screen. Valid until the next call on the emulator. */
const struct fb *emu_fb(const struct emu *emu);
/* A character went into the last column with autowrap on: the next one
 * goes to the start of the next row (the cursor stays in the last column
 * meanwhile, as DEC terminals and xterm keep it). */
bool emu_wrap_pending(const struct emu *emu);
/* Keeps content (no reflow); false on out of memory or a size out of
 * range. A shrink that would cut off the cursor's row scrolls it up. */
bool emu_resize(struct emu *emu, int cols, int rows);
/* Append the answers owed to the program (DSR/CPR, DA1, DA2 ...) to `out`
 * and forget them. */
void emu_take_replies(struct emu *emu, struct buf *out);
/* Keep lines that scroll off the top of the primary screen in `history`
 * (NULL: nowhere), as xterm keeps its saved lines: those of a scroll whose
 * region starts at the top row (a line feed, SU, a shrink under the
 * cursor), never those of the alternate screen or of a region below the
 * top; ED 3 (erase saved lines) is kept as an erase entry. The emulator
 * does not own the log. */
void emu_set_history(struct emu *emu, struct history *history);
/* Bytes the emulator owns besides its current screen (fb_memory). */
size_t emu_memory(const struct emu *emu);

#endif
