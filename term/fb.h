/* Framebuffer: the screen model every layer shares. The emulator writes it,
 * the SSP diffs and copies it, the display paints it, prediction overlays it.
 *
 * Rows are reference counted and copy-on-write: fb_clone() shares every row
 * with the original (O(rows), no cell copies), and a row is copied only when
 * a frame that shares it is written. Scrolling rotates row pointers.
 *
 * A cell holds one grapheme cluster. Most are one code point, kept in
 * `ch`; longer clusters (base + combining marks, ZWJ emoji sequences) keep
 * the rest in the row's cluster store, which fb_cell_text() reads. A wide
 * cluster occupies two cells: the first has width 2, the second width 0
 * (a continuation that is never painted on its own). */
#ifndef SSPSH_FB_H
#define SSPSH_FB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Colour: 0 is the terminal's default; otherwise a kind and a value. */
typedef uint32_t fb_color;
#define FB_COLOR_DEFAULT   0u
#define FB_COLOR_KIND(c)   ((c) >> 24)
#define FB_KIND_INDEXED    1u	/* value 0..255: 0-7 normal, 8-15 bright, 16-255 cube/grey */
#define FB_KIND_RGB        2u	/* value 0xRRGGBB */
#define FB_COLOR_INDEXED(i) (FB_KIND_INDEXED << 24 | (uint32_t)(i))
#define FB_COLOR_RGB(r, g, b) \
	(FB_KIND_RGB << 24 | (uint32_t)(r) << 16 | (uint32_t)(g) << 8 | (uint32_t)(b))

enum fb_attr {
	FB_BOLD      = 1 << 0,
	FB_DIM       = 1 << 1,
	FB_ITALIC    = 1 << 2,
	FB_UNDERLINE = 1 << 3,
	FB_BLINK     = 1 << 4,
	FB_INVERSE   = 1 << 5,
	FB_HIDDEN    = 1 << 6,
	FB_STRIKE    = 1 << 7,
	FB_DOUBLE_UNDERLINE = 1 << 8,
	FB_OVERLINE  = 1 << 9,
	/* The style of a single underline (SGR 4:3, 4:4, 4:5), only ever
	 * with FB_UNDERLINE, so that a reader who knows only FB_UNDERLINE
	 * still draws an underline. At most one. */
	FB_UNDERLINE_CURLY  = 1 << 10,
	FB_UNDERLINE_DOTTED = 1 << 11,
	FB_UNDERLINE_DASHED = 1 << 12,
};
#define FB_UNDERLINE_STYLES (FB_UNDERLINE_CURLY | FB_UNDERLINE_DOTTED | FB_UNDERLINE_DASHED)
#define FB_UNDERLINES (FB_UNDERLINE | FB_DOUBLE_UNDERLINE | FB_UNDERLINE_STYLES)

/* What SGR sets: applied to every cell written, and to erased cells (bg).
 * The underline colour (SGR 58) is rare, and kept in what would be the
 * padding of the pen: read and write it with fb_pen_underline and
 * fb_pen_set_underline. Two pens are equal exactly when their fields are. */
struct fb_pen {
	fb_color fg;
	fb_color bg;
	uint16_t attrs;
	uint16_t underline;	/* 0: the text's colour; else see fb_pen_set_underline */
};

/* The pen's underline colour; FB_COLOR_DEFAULT: the text's colour. */
fb_color fb_pen_underline(const struct fb_pen *pen);
/* Indexed colours are kept in the pen itself; RGB ones in a table shared
 * by the whole process, of at most SSPSH_UNDERLINE_RGB_MAX colours
 * (core/options.h): past that, a new RGB colour becomes the nearest of the
 * 256 indexed ones (a program cannot make the table grow without bound). */
void fb_pen_set_underline(struct fb_pen *pen, fb_color color);

static inline bool fb_pen_equal(const struct fb_pen *a, const struct fb_pen *b)
{
	return a->fg == b->fg && a->bg == b->bg && a->attrs == b->attrs &&
	       a->underline == b->underline;
}

/* 16 bytes: bit-fields so that the pen's alignment costs nothing. */
struct fb_cell {
	uint32_t ch : 21;	/* first code point; ' ' for a blank cell */
	uint32_t width : 2;	/* 1, 2 (wide), or 0 (right half of a wide cell) */
	uint32_t cluster : 8;	/* nonzero: more code points in the row's cluster store */
	struct fb_pen pen;
};

enum fb_mouse_mode { FB_MOUSE_OFF = 0, FB_MOUSE_X10 = 9, FB_MOUSE_NORMAL = 1000,
	FB_MOUSE_BUTTON = 1002, FB_MOUSE_ANY = 1003 };
enum fb_mouse_encoding { FB_MOUSE_ENC_DEFAULT = 0, FB_MOUSE_ENC_SGR = 1006, FB_MOUSE_ENC_URXVT = 1015 };

/* Modes the client passes on to the user's real terminal. */
struct fb_modes {
	bool app_cursor;	/* DECCKM */
	bool app_keypad;	/* DECKPAM / DECKPNM */
	bool bracketed_paste;	/* 2004 */
	bool focus_events;	/* 1004 */
	bool cursor_visible;	/* DECTCEM */
	bool reverse_video;	/* DECSCNM */
	uint16_t mouse_mode;	/* enum fb_mouse_mode */
	uint16_t mouse_encoding;	/* enum fb_mouse_encoding */
	uint8_t cursor_shape;	/* DECSCUSR: 0 the terminal's own, 1..6 */
};
#define FB_CURSOR_SHAPE_MAX 6

struct fb;

struct fb *fb_new(int cols, int rows);
void fb_free(struct fb *fb);
/* A copy sharing all rows with the original; NULL if out of memory. */
struct fb *fb_clone(const struct fb *fb);
/* Make dst's cells those of src, sharing the rows as fb_clone does (no
 * cell copies); dst keeps its cursor, modes, title and the rest. false if
 * the sizes differ. The emulator's alternate screen uses it. */
bool fb_copy_cells(struct fb *dst, const struct fb *src);
/* Same cells, cursor and its pen, modes, title, clipboard and bell count. */
bool fb_equal(const struct fb *a, const struct fb *b);
/* Keeps the content at the top left; new cells are blank. false on OOM. */
bool fb_resize(struct fb *fb, int cols, int rows);

int fb_cols(const struct fb *fb);
int fb_rows(const struct fb *fb);

/* Reading. Coordinates are 0-based; out-of-range reads return NULL/0.
 * A row's cells are contiguous: fb_cell(fb, r, 0)[c] is cell (r, c). The
 * pointer is valid until the frame is next written or freed. */
const struct fb_cell *fb_cell(const struct fb *fb, int row, int col);
/* The cell's grapheme as UTF-8, NUL-terminated; returns its length.
 * FB_CLUSTER_MAX bytes always suffice. */
#define FB_CLUSTER_MAX 64
size_t fb_cell_text(const struct fb *fb, int row, int col, char *out, size_t cap);
/* True when the rows hold the same cells (cheap when they are shared). */
bool fb_row_equal(const struct fb *a, int row_a, const struct fb *b, int row_b);

/* Writing (copy-on-write). Writing a wide cell writes its continuation too
 * and any wide cell it overlaps is blanked, so the row stays consistent.
 * `text` is the UTF-8 grapheme (one or more code points). false on OOM. */
bool fb_set_cell(struct fb *fb, int row, int col, const char *text, size_t len,
		 int width, const struct fb_pen *pen);
/* The same as fb_set_cell with the UTF-8 of the one code point `ch`: the
 * emulator's path for text outside ASCII. */
bool fb_set_char(struct fb *fb, int row, int col, uint32_t ch, int width,
		 const struct fb_pen *pen);
/* The same as fb_set_cell(text + i, 1, width 1) for each of `len` printable
 * ASCII characters (0x20..0x7e) from col on, as one write: the emulator's
 * fast path. Characters past the end of the row are dropped. */
bool fb_set_ascii(struct fb *fb, int row, int col, const char *text, size_t len,
		  const struct fb_pen *pen);
/* Blank cells [col_from, col_to) of a row with the pen's background. */
void fb_erase(struct fb *fb, int row, int col_from, int col_to, const struct fb_pen *pen);
/* Scroll rows [top, bottom) up (n > 0) or down (n < 0) by |n|; rows that
 * come in are blank with the pen's background. Rotates row pointers. */
void fb_scroll(struct fb *fb, int top, int bottom, int n, const struct fb_pen *pen);
/* Insert (n > 0) or delete (n < 0) |n| cells at col, shifting the rest of the row. */
void fb_shift_cells(struct fb *fb, int row, int col, int n, const struct fb_pen *pen);

/* Soft wrap: autowrap carried the row's text on to the next row, so the
 * two are one line to copy. Writing the row's last column or erasing to
 * its end clears the flag (the autowrap that follows sets it again);
 * rows scrolled in start without it, and the screen's last row never has
 * it (no row below to continue on). */
bool fb_row_wrapped(const struct fb *fb, int row);
bool fb_set_row_wrapped(struct fb *fb, int row, bool wrapped);

/* Cursor, modes and the other state that travels with a frame. */
void fb_cursor(const struct fb *fb, int *row, int *col);
void fb_set_cursor(struct fb *fb, int row, int col);
/* The pen at the cursor: what the next character printed would get (the
 * emulator's SGR state). Prediction draws typed text with it. */
const struct fb_pen *fb_cursor_pen(const struct fb *fb);
void fb_set_cursor_pen(struct fb *fb, const struct fb_pen *pen);
const struct fb_modes *fb_modes(const struct fb *fb);
void fb_set_modes(struct fb *fb, const struct fb_modes *modes);
/* Window title (OSC 0/2), UTF-8, "" when unset. */
const char *fb_title(const struct fb *fb);
bool fb_set_title(struct fb *fb, const char *title, size_t len);
/* OSC 52: the last clipboard text the program set (its base64 payload as
 * sent) and a counter that changes every time it is set. */
const char *fb_clipboard(const struct fb *fb, uint32_t *serial);
bool fb_set_clipboard(struct fb *fb, const char *base64, size_t len);
/* Bells rung so far (wraps). The display rings at most once per diff, so a
 * receiver of frame diffs sets the exact count with fb_set_bells. */
uint32_t fb_bells(const struct fb *fb);
void fb_ring_bell(struct fb *fb);
void fb_set_bells(struct fb *fb, uint32_t bells);

/* Bytes of memory the frame owns (shared rows counted in full), for the
 * memory benchmark. */
size_t fb_memory(const struct fb *fb);

#endif
