/* The client's picture of the user's terminal: paints frames with the
 * display diff from what is on screen, overlays prediction and the
 * "Last contact" notice, and gives the terminal back at the end. */
#ifndef SSPSH_SCREEN_H
#define SSPSH_SCREEN_H

#include <stdbool.h>
#include <stdint.h>

#include "term/caps.h"
#include "term/display_history.h"
#include "term/fb.h"

struct screen;

/* Draws on top of a copy of the server's frame just before it is painted:
 * prediction's seam. NULL: the frame as the server sent it. */
typedef void (*screen_overlay_fn)(void *ctx, struct fb *frame, uint64_t now_ms);

/* `terminal`: what the terminal at out_fd can show (copied). */
struct screen *screen_new(int out_fd, const struct term_caps *terminal, screen_overlay_fn overlay,
			  void *overlay_ctx);
void screen_free(struct screen *s);
/* Whether the session's clipboard writes (OSC 52) reach the terminal; off
 * until allowed. */
void screen_allow_clipboard(struct screen *s, bool allow);

/* Makes the terminal show `frame` (with the overlay and, if `notice` is not
 * NULL, that line at the top). Writes only what changed. */
void screen_paint(struct screen *s, const struct fb *frame, const char *notice, uint64_t now_ms);
/* The same, after writing history entries (term/history_line.h) into the
 * terminal's own history above the screen, with a line for `lost` lines
 * before them (term/display_history.h; keep_in_view: the screen stays in
 * view meanwhile, at about twice the bytes). Returns the entries that did
 * not decode (left out). */
size_t screen_paint_history(struct screen *s, const struct fb *frame, const char *notice,
			    uint64_t now_ms, uint64_t lost, const struct history_span *entries,
			    size_t n, bool keep_in_view);
/* The terminal's contents are unknown (resized, resumed): repaint fully. */
void screen_invalidate(struct screen *s);
/* Gives the terminal back (default pen, the session's modes off) with the
 * screen as it is, and prints `message` on a line of its own below the
 * content, for an exit or a suspension. The next paint is a full repaint. */
void screen_release(struct screen *s, const char *message);

#endif
