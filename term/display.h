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
#include "term/caps.h"
#include "term/fb.h"

/* Append to `out` the bytes that turn our emulator showing `old` (with the
 * pen and modes of emu_new_from_fb: old's cursor pen) into one showing
 * `new`, its pen left as new's cursor pen. old == NULL, or a different
 * size: a full repaint from an unknown state and the power-on pen. */
void display_diff(const struct fb *old, const struct fb *new_frame, struct buf *out);

/* What a diff may do besides painting. */
struct display_options {
	/* Put no row into the terminal's own history (scrollback), so that
	 * it holds only what is written there on purpose. A plain diff lets
	 * the terminal scroll rows off its top (SU, which xterm and tmux both
	 * keep; tmux keeps what any scroll region loses), and a repaint clears
	 * with ED 2 (which tmux's scroll-on-clear and VTE keep). With this
	 * set, rows move up by DL in a region below the top row, and a repaint
	 * clears with EL and ED 0 from the second row. */
	bool no_history;
	/* The user's terminal and what it can show: attributes it cannot
	 * take fall back (term/display_seq.h), and the diff starts and ends
	 * with the default pen. NULL: our own emulator (as display_diff). */
	const struct term_caps *terminal;
	/* Leave out the program's clipboard writes (OSC 52): the user has not
	 * allowed the session to set the terminal's clipboard. */
	bool no_clipboard;
};

/* display_diff with options; opts == NULL is the plain diff. */
void display_diff_with(const struct fb *old, const struct fb *new_frame,
		       const struct display_options *opts, struct buf *out);

/* Bytes that give back the user's terminal (`terminal`: what it can do)
 * (NULL: everything) after a session (last: the frame it shows, NULL if none): default pen,
 * modes the session turned on turned off, cursor visible and of its own
 * shape, and `message` on a line of its own below the content
 * (at the cursor when the program left it at the start of a blank line).
 * The screen scrolls only when there is no room below the content. */
void display_close(const struct fb *last, const char *message, const struct term_caps *terminal,
		   struct buf *out);

#endif
