/* Escape-sequence building blocks for the display: SGR pen changes, cursor
 * moves chosen by cost, and mode switches. Internal to term/display*.c. */
#ifndef SSPSH_DISPLAY_SEQ_H
#define SSPSH_DISPLAY_SEQ_H

#include <stdbool.h>

#include "core/buf.h"
#include "term/caps.h"
#include "term/fb.h"

/* What the display knows about the terminal it is painting. */
struct term_state {
	int row, col;
	bool wrap_pending;	/* wrote the last column; the next printable wraps */
	bool cursor_known;	/* false after text whose width terminals disagree on */
	const struct term_caps *caps;	/* what it can show; never NULL */
	struct fb_pen pen;
	/* The cluster printed last, for telling whether the next one would
	 * join it: where its text ended in the output, its last code point and
	 * the grapheme-break state (core/unicode.h) after it. */
	size_t text_end;
	uint32_t last_code_point;
	int32_t grapheme_state;
};

/* The pen as a terminal with `caps` can show it: a styled underline
 * becomes a plain one, an underline colour or overline it cannot show is
 * left out. */
struct fb_pen pen_for_terminal(const struct fb_pen *pen, const struct term_caps *caps);
/* Append the shortest SGR that changes the terminal's pen to `to`. */
void seq_pen(struct buf *out, struct term_state *t, const struct fb_pen *to);
/* Bytes seq_pen would append. */
int seq_pen_cost(const struct fb_pen *from, const struct fb_pen *to);

/* Append cell (row, col) of fb where the terminal's cursor is, with its
 * pen as the terminal can show it, and keep t up to date for a terminal `cols` wide: the column (a
 * pending wrap in the last one), the cluster printed last (a cell that
 * would join it is kept apart by a NUL), and whether the cursor is still
 * known after text whose width terminals disagree on. Control characters
 * are shown as '?'. */
void seq_cell(struct buf *out, struct term_state *t, const struct fb *fb, int row, int col,
	      int cols);

/* Bytes the cheapest move to (row, col) would take; seq_move emits it. */
int seq_move_cost(const struct term_state *t, int row, int col);
void seq_move(struct buf *out, struct term_state *t, int row, int col);

/* CSI n <final>, n omitted when it is 1. */
void seq_csi_n(struct buf *out, int n, char final);

/* DECSET/DECRST, keypad and cursor shape (if caps allow it) for every
 * mode that differs; old == NULL sets or resets every mode explicitly,
 * but the cursor shape only when it is not the terminal's own. */
void seq_modes(struct buf *out, const struct fb_modes *old, const struct fb_modes *new_modes,
	       const struct term_caps *caps);

/* OSC `code_and_prefix` text BEL, with control characters (C0, DEL, and
 * C1 in UTF-8) left out so that the text cannot end the OSC early. */
void seq_osc(struct buf *out, const char *code_and_prefix, const char *text);

#endif
