/* Text: printable characters into cells, with the pending-wrap rule of DEC
 * terminals, insert mode, DEC Special Graphics, wide characters and
 * grapheme clusters (core/unicode decides widths and cluster breaks). */
#include "term/emu_internal.h"

#include <string.h>

#include "core/unicode.h"
#include "core/utf8.h"

/* DEC Special Graphics for 0x5f..0x7e (DEC VT510 manual, table 2-5), as
 * the Unicode characters xterm draws for them. */
static const uint16_t dec_graphics[32] = {
	0x00a0, 0x25c6, 0x2592, 0x2409, 0x240c, 0x240d, 0x240a, 0x00b0,	/* _ ` a b c d e f */
	0x00b1, 0x2424, 0x240b, 0x2518, 0x2510, 0x250c, 0x2514, 0x253c,	/* g h i j k l m n */
	0x23ba, 0x23bb, 0x2500, 0x23bc, 0x23bd, 0x251c, 0x2524, 0x2534,	/* o p q r s t u v */
	0x252c, 0x2502, 0x2264, 0x2265, 0x03c0, 0x2260, 0x00a3, 0x00b7,	/* w x y z { | } ~ */
};

/* Code points that never join a neighbour in a grapheme cluster, in either
 * role (no Extend, SpacingMark, Prepend, ZWJ, regional indicator or Hangul
 * jamo among them): between two of them there is always a break, without
 * looking them up. Returns their width, or 0 for any other code point. */
static int simple_width(uint32_t cp)
{
	if (cp < 0x7f)
		return cp >= 0x20;
	if (cp < 0x300)
		return cp >= 0xa0 && cp != 0xad;
	if (cp >= 0x4e00 && cp <= 0x9fff)	/* CJK Unified Ideographs */
		return 2;
	if (cp >= 0xac00 && cp <= 0xd7a3)	/* Hangul syllables */
		return 2;
	if (cp >= 0x2500 && cp <= 0x259f)	/* box drawing, block elements */
		return 1;
	return 0;
}

static int code_point_width(uint32_t cp)
{
	int width = simple_width(cp);

	return width ? width : unicode_width(cp);
}

/* After a cell is printed: where the cursor is while it may be extended. */
static void remember_last(struct emu *e)
{
	e->have_last = true;
	e->after_last_row = e->row;
	e->after_last_col = e->col;
	e->after_last_wrap_pending = e->wrap_pending;
}

static bool last_is_extendable(const struct emu *e)
{
	return e->have_last && e->row == e->after_last_row && e->col == e->after_last_col &&
	       e->wrap_pending == e->after_last_wrap_pending;
}

/* Whether `cp` continues the cluster of the cell printed last. Like tmux
 * and the wcwidth() terminals a client may run in, a code point with a
 * width of its own starts a new cell unless a ZWJ asked for it to join
 * (so an emoji modifier takes its own cells, a ZWJ family shares one).
 * Zero-width code points always join, so none is shown on its own. */
static bool joins_last(struct emu *e, uint32_t cp, int width)
{
	if (!last_is_extendable(e))
		return false;
	if (simple_width(e->last_code_point) && simple_width(cp)) {
		e->grapheme_state = 0;	/* safe after a break (core/unicode.h) */
		return false;
	}
	bool breaks = unicode_grapheme_break(e->last_code_point, cp, &e->grapheme_state);
	return width == 0 || (!breaks && e->last_code_point == 0x200d);
}

static void append_to_last(struct emu *e, uint32_t cp)
{
	char text[FB_CLUSTER_MAX];
	const struct fb_cell *cell = fb_cell(e->fb, e->last_row, e->last_col);
	size_t len;

	if (!cell || cell->width == 0)
		return;
	struct fb_pen pen = cell->pen;
	int width = cell->width;
	len = fb_cell_text(e->fb, e->last_row, e->last_col, text, sizeof text);
	if (len + UTF8_MAX_LEN >= sizeof text)	/* the cluster is full: drop the mark */
		return;
	len += utf8_encode(cp, text + len);
	fb_set_cell(e->fb, e->last_row, e->last_col, text, len, width, &pen);
	e->last_code_point = cp;
}

/* Autowrap: on to the next line's start, the row left marked as
 * continuing there: where it now is after a scroll, unless it scrolled out
 * of the region; not at all when the cursor could not leave it (the last
 * row outside the scrolling region). */
static void wrap_to_next_line(struct emu *e)
{
	int row = e->row;
	bool scrolls = row == e->bottom - 1;

	emu_carriage_return(e);
	emu_index(e);
	if (scrolls && row > e->top)
		fb_set_row_wrapped(e->fb, row - 1, true);
	else if (!scrolls && e->row != row)
		fb_set_row_wrapped(e->fb, row, true);
}

/* Before a character: a pending wrap moves to the next line's start. */
static void wrap_if_pending(struct emu *e)
{
	if (e->wrap_pending && e->autowrap)
		wrap_to_next_line(e);
	e->wrap_pending = false;
}

/* After a character of `width` cells at the cursor. */
static void advance(struct emu *e, int width)
{
	e->col += width;
	if (e->col >= e->cols) {
		e->col = e->cols - 1;
		e->wrap_pending = e->autowrap;
	}
}

/* One code point of `width` (1 or 2) cells at the cursor. */
static void put_cell(struct emu *e, uint32_t cp, int width)
{
	wrap_if_pending(e);
	if (width > e->cols)
		return;
	if (width == 2 && e->col == e->cols - 1) {
		/* A wide character does not fit in the last column. */
		if (e->autowrap) {
			wrap_to_next_line(e);
		} else {
			e->col = e->cols - 2;
		}
	}
	if (e->insert)
		fb_shift_cells(e->fb, e->row, e->col, width, &e->pen);
	fb_set_char(e->fb, e->row, e->col, cp, width, &e->pen);
	e->last_row = e->row;
	e->last_col = e->col;
	e->last_code_point = cp;
	e->grapheme_state = 0;
	e->repeat_code_point = cp;
	advance(e, width);
	remember_last(e);
}

static void print_code_point(struct emu *e, uint32_t cp)
{
	int width;

	if (cp >= 0x80 && cp < 0xa0)	/* C1 controls: nothing to show */
		return;
	width = code_point_width(cp);
	if (joins_last(e, cp, width)) {
		append_to_last(e, cp);
		return;
	}
	if (width == 0)
		return;
	put_cell(e, cp, width);
}

void emu_print(void *ctx, uint32_t cp)
{
	print_code_point(ctx, cp);
}

/* The slow path for ASCII: DEC graphics, insert mode, a cluster to extend. */
static void print_ascii_slowly(struct emu *e, const uint8_t *text, size_t len)
{
	bool graphics = e->charsets[e->gl] == CHARSET_DEC_GRAPHICS;

	for (size_t i = 0; i < len; i++) {
		uint32_t cp = text[i];

		if (graphics && cp >= 0x5f)
			cp = dec_graphics[cp - 0x5f];
		print_code_point(e, cp);
	}
}

/* Printable ASCII with the current pen, straight into the cells: between
 * two ASCII characters there is always a grapheme break. */
void emu_print_ascii(void *ctx, const uint8_t *text, size_t len)
{
	struct emu *e = ctx;

	if (e->insert || e->charsets[e->gl] != CHARSET_ASCII) {
		print_ascii_slowly(e, text, len);
		return;
	}
	if (last_is_extendable(e) && !simple_width(e->last_code_point)) {
		/* Only the first character meets the last cluster. */
		print_code_point(e, *text++);
		if (--len == 0)
			return;
	}
	while (len > 0) {
		wrap_if_pending(e);
		size_t room = (size_t)(e->cols - e->col);
		size_t n = len < room ? len : room;

		if (!e->autowrap && len > room) {
			/* Without autowrap the surplus overwrites the last column:
			 * of the rest of the run only its last character stays. */
			fb_set_ascii(e->fb, e->row, e->col, (const char *)text, room - 1, &e->pen);
			e->col += (int)room - 1;
			text += len - 1;
			len = n = 1;
		}
		fb_set_ascii(e->fb, e->row, e->col, (const char *)text, n, &e->pen);
		e->last_row = e->row;
		e->last_col = e->col + (int)n - 1;
		advance(e, (int)n);
		text += n;
		len -= n;
	}
	remember_last(e);
	e->last_code_point = text[-1];
	e->repeat_code_point = text[-1];
	e->grapheme_state = 0;
}

/* REP (ECMA-48 8.3.103): the last graphic character again, `count` times. */
void emu_repeat_last(struct emu *e, int count)
{
	uint32_t cp = e->repeat_code_point;

	if (!cp)
		return;
	for (int i = 0; i < count; i++) {
		e->have_last = false;	/* a repeat is a new cell, never a mark */
		print_code_point(e, cp);
	}
}
