/* Display: escape sequences that make a terminal showing one frame show
 * another. Used twice: the server encodes frame diffs for the SSP with it,
 * and the client paints the user's real terminal with it.
 *
 * Round-trip property: for an emulator made by emu_new_from_fb(old),
 * emu_write(display_diff(old, new)) makes its frame equal to `new`; for a
 * fresh emu_new(cols, rows), the full repaint (old == NULL) does. The one
 * exception is the bell count: a diff rings the bell once (BEL) when the
 * count changed, however many bells rang (see fb_set_bells). */
#ifndef SSPSH_DISPLAY_H
#define SSPSH_DISPLAY_H

#include "core/buf.h"
#include "term/fb.h"

/* Append to `out` the bytes that turn a terminal showing `old` (with the
 * power-on pen and modes of emu_new_from_fb) into one showing `new`.
 * old == NULL, or a different size: a full repaint from an unknown state. */
void display_diff(const struct fb *old, const struct fb *new_frame, struct buf *out);

/* Bytes that give back the user's terminal after a session: default pen,
 * modes the session turned on turned off, cursor visible, below the content. */
void display_close(const struct fb *last, struct buf *out);

#endif
