/* The emulator's life cycle, C0 controls, ESC sequences, OSC strings and
 * the operations they share with CSI sequences (emu_csi.c). References:
 * ECMA-48 5th edition, the DEC VT510 manual (vt100.net), xterm's
 * ctlseqs.html. */
#include "term/emu_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"

static const struct parser_callbacks emu_callbacks;

static const struct fb_modes power_on_modes = { .cursor_visible = true };

static bool size_is_valid(int cols, int rows)
{
	return cols >= 1 && cols <= SSPSH_MAX_COLS && rows >= 1 && rows <= SSPSH_MAX_ROWS;
}

void emu_reset_tabs(struct emu *e, int from_col)
{
	for (int col = from_col; col < SSPSH_MAX_COLS; col++)
		emu_tab_set(e, col, col % 8 == 0);
}

static void reset_saved_cursors(struct emu *e)
{
	for (int i = 0; i < 2; i++) {
		memset(&e->saved[i], 0, sizeof e->saved[i]);
		e->saved[i].charsets[0] = e->saved[i].charsets[1] = CHARSET_ASCII;
	}
}

/* Everything but the screen's cells, cursor position, title and the like. */
static void power_on_state(struct emu *e)
{
	e->wrap_pending = false;
	memset(&e->pen, 0, sizeof e->pen);
	e->top = 0;
	e->bottom = e->rows;
	e->autowrap = true;
	e->origin = false;
	e->insert = false;
	e->newline = false;
	e->charsets[0] = e->charsets[1] = CHARSET_ASCII;
	e->gl = 0;
	reset_saved_cursors(e);
	emu_reset_tabs(e, 0);
	e->have_last = false;
	e->repeat_code_point = 0;
}

static struct emu *emu_around(struct fb *fb)
{
	struct emu *e;

	if (!fb)
		return NULL;
	e = calloc(1, sizeof *e);
	if (!e || !(e->parser = parser_new(&emu_callbacks, e))) {
		free(e);
		fb_free(fb);
		return NULL;
	}
	e->fb = fb;
	e->cols = fb_cols(fb);
	e->rows = fb_rows(fb);
	buf_init(&e->replies);
	power_on_state(e);
	return e;
}

struct emu *emu_new(int cols, int rows)
{
	struct emu *e;

	if (!size_is_valid(cols, rows))
		return NULL;
	e = emu_around(fb_new(cols, rows));
	if (e) {
		e->modes = power_on_modes;
		fb_set_modes(e->fb, &e->modes);
		fb_set_cursor(e->fb, 0, 0);
	}
	return e;
}

struct emu *emu_new_from_fb(const struct fb *fb)
{
	struct emu *e;

	if (!size_is_valid(fb_cols(fb), fb_rows(fb)))
		return NULL;
	e = emu_around(fb_clone(fb));
	if (e) {
		e->modes = *fb_modes(fb);
		e->pen = *fb_cursor_pen(fb);
		fb_cursor(fb, &e->row, &e->col);
		emu_move(e, e->row, e->col);
	}
	return e;
}

void emu_free(struct emu *e)
{
	if (!e)
		return;
	parser_free(e->parser);
	fb_free(e->fb);
	fb_free(e->main_screen);
	buf_free(&e->replies);
	free(e);
}

void emu_write(struct emu *e, const void *data, size_t len)
{
	parser_feed(e->parser, data, len);
	fb_set_cursor(e->fb, e->row, e->col);
	fb_set_cursor_pen(e->fb, &e->pen);
}

const struct fb *emu_fb(const struct emu *e)
{
	return e->fb;
}

bool emu_wrap_pending(const struct emu *e)
{
	return e->wrap_pending && e->autowrap;
}

void emu_set_history(struct emu *e, struct history *history)
{
	e->history = history;
}

/* Rows [0, n) of the primary screen are about to scroll off its top. */
static void keep_history(struct emu *e, int n)
{
	if (!e->history || e->main_screen)
		return;
	for (int row = 0; row < n; row++)
		if (!history_add_line(e->history, e->fb, row))
			break;	/* out of memory: the rest are lost too */
}

size_t emu_memory(const struct emu *e)
{
	return sizeof *e + parser_memory(e->parser) + e->replies.cap +
		(e->main_screen ? fb_memory(e->main_screen) : 0);
}

static int clamp(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static void clamp_saved(struct emu_saved_cursor *saved, int cols, int rows)
{
	saved->row = clamp(saved->row, 0, rows - 1);
	saved->col = clamp(saved->col, 0, cols - 1);
}

bool emu_resize(struct emu *e, int cols, int rows)
{
	struct fb_pen blank = { 0 };
	int old_cols = e->cols;

	if (!size_is_valid(cols, rows))
		return false;
	if (e->main_screen && !fb_resize(e->main_screen, cols, rows))
		return false;
	/* Shrinking under the cursor: scroll so its line stays on screen, as
	 * xterm and tmux do, rather than cut off the prompt. */
	if (e->row >= rows) {
		int up = e->row - rows + 1;

		keep_history(e, up);
		fb_scroll(e->fb, 0, e->rows, up, &blank);
		e->row -= up;
	}
	if (!fb_resize(e->fb, cols, rows))
		return false;
	e->cols = cols;
	e->rows = rows;
	e->top = 0;
	e->bottom = rows;
	if (cols > old_cols)
		emu_reset_tabs(e, old_cols);
	clamp_saved(&e->saved[0], cols, rows);
	clamp_saved(&e->saved[1], cols, rows);
	e->have_last = false;
	emu_move(e, e->row, e->col);
	fb_set_cursor(e->fb, e->row, e->col);
	return true;
}

void emu_take_replies(struct emu *e, struct buf *out)
{
	buf_put(out, e->replies.data, e->replies.len);
	buf_reset(&e->replies);
}

void emu_reply(struct emu *e, const char *fmt, ...)
{
	char text[64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof text)
		return;
	if (e->replies.len + (size_t)n > SSPSH_EMU_REPLIES_MAX)
		return;
	buf_put(&e->replies, text, (size_t)n);
}

void emu_modes_changed(struct emu *e)
{
	fb_set_modes(e->fb, &e->modes);
}

/* ---- Cursor and scrolling ---- */

/* Every explicit cursor motion clamps to the screen and cancels a pending
 * wrap. */
void emu_move(struct emu *e, int row, int col)
{
	e->row = clamp(row, 0, e->rows - 1);
	e->col = clamp(col, 0, e->cols - 1);
	e->wrap_pending = false;
}

/* Scroll the region up n rows (1..its height); rows leaving the top of
 * the screen go to the history. */
void emu_scroll_up(struct emu *e, int n)
{
	if (e->top == 0)
		keep_history(e, n);
	fb_scroll(e->fb, e->top, e->bottom, n, &e->pen);
}

/* IND: down a line, scrolling the region when at its bottom margin. */
void emu_index(struct emu *e)
{
	e->wrap_pending = false;
	if (e->row == e->bottom - 1)
		emu_scroll_up(e, 1);
	else if (e->row < e->rows - 1)
		e->row++;
}

/* RI: up a line, scrolling the region down when at its top margin. */
void emu_reverse_index(struct emu *e)
{
	e->wrap_pending = false;
	if (e->row == e->top)
		fb_scroll(e->fb, e->top, e->bottom, -1, &e->pen);
	else if (e->row > 0)
		e->row--;
}

void emu_carriage_return(struct emu *e)
{
	e->col = 0;
	e->wrap_pending = false;
}

/* At the last column HT has nowhere to go and keeps a pending wrap, as
 * xterm and the VT510 do: the next character still goes to the next line. */
static void horizontal_tab(struct emu *e)
{
	int col = e->col + 1;

	if (e->col >= e->cols - 1)
		return;

	while (col < e->cols - 1 && !emu_tab_is_set(e, col))
		col++;
	emu_move(e, e->row, col);
}

/* ---- Saved cursor, alternate screen, resets ---- */

static struct emu_saved_cursor *saved_slot(struct emu *e)
{
	return &e->saved[e->main_screen ? 1 : 0];
}

/* DECSC (DEC VT510: position, rendition, character sets, wrap flag,
 * origin mode). */
void emu_save_cursor(struct emu *e)
{
	struct emu_saved_cursor *s = saved_slot(e);

	s->row = e->row;
	s->col = e->col;
	s->wrap_pending = e->wrap_pending;
	s->origin = e->origin;
	s->pen = e->pen;
	memcpy(s->charsets, e->charsets, sizeof s->charsets);
	s->gl = e->gl;
}

/* DECRC; with nothing saved it homes the cursor and resets the pen. */
void emu_restore_cursor(struct emu *e)
{
	const struct emu_saved_cursor *s = saved_slot(e);

	emu_move(e, s->row, s->col);
	e->wrap_pending = s->wrap_pending && e->autowrap;
	e->origin = s->origin;
	e->pen = s->pen;
	memcpy(e->charsets, s->charsets, sizeof e->charsets);
	e->gl = s->gl;
}

static void erase_screen(struct emu *e, const struct fb_pen *pen)
{
	for (int row = 0; row < e->rows; row++)
		fb_erase(e->fb, row, 0, e->cols, pen);
}

/* The alternate screen starts blank; leaving it brings the main screen's
 * cells back. The main screen is kept as a clone, which shares its rows,
 * so switching costs O(rows), not a copy of every cell. */
void emu_alternate_screen(struct emu *e, bool on, bool erase_in_pen)
{
	static const struct fb_pen default_pen;

	if (on == (e->main_screen != NULL))
		return;
	e->have_last = false;
	if (on) {
		e->main_screen = fb_clone(e->fb);
		if (e->main_screen)
			erase_screen(e, erase_in_pen ? &e->pen : &default_pen);
		return;
	}
	/* The sizes match unless a resize ran out of memory half way. */
	if (fb_resize(e->main_screen, e->cols, e->rows))
		fb_copy_cells(e->fb, e->main_screen);
	fb_free(e->main_screen);
	e->main_screen = NULL;
}

/* DECSTR (DEC VT510 5.4.1 and xterm): modes, pen, margins and character
 * sets to their defaults; the screen and cursor position stay. */
void emu_soft_reset(struct emu *e)
{
	e->modes.cursor_visible = true;
	e->modes.app_cursor = false;
	e->modes.app_keypad = false;
	emu_modes_changed(e);
	e->insert = false;
	e->origin = false;
	e->autowrap = true;
	e->wrap_pending = false;
	memset(&e->pen, 0, sizeof e->pen);
	e->top = 0;
	e->bottom = e->rows;
	e->charsets[0] = e->charsets[1] = CHARSET_ASCII;
	e->gl = 0;
	reset_saved_cursors(e);
}

/* RIS: as at power on, screen cleared; the title stays, as in xterm. */
void emu_full_reset(struct emu *e)
{
	emu_alternate_screen(e, false, false);
	power_on_state(e);
	e->modes = power_on_modes;
	emu_modes_changed(e);
	erase_screen(e, &e->pen);
	emu_move(e, 0, 0);
}

/* ---- C0 controls ---- */

static void execute(void *ctx, uint8_t control)
{
	struct emu *e = ctx;

	switch (control) {
	case 0x07:	/* BEL */
		fb_ring_bell(e->fb);
		break;
	case 0x08:	/* BS */
		emu_move(e, e->row, e->col - 1);
		break;
	case 0x09:	/* HT */
		horizontal_tab(e);
		break;
	case 0x0a:	/* LF, and VT and FF as in xterm */
	case 0x0b:
	case 0x0c:
		if (e->newline)
			emu_carriage_return(e);
		emu_index(e);
		break;
	case 0x0d:	/* CR */
		emu_carriage_return(e);
		break;
	case 0x0e:	/* SO: G1 into GL */
		e->gl = 1;
		break;
	case 0x0f:	/* SI: G0 into GL */
		e->gl = 0;
		break;
	default:
		break;
	}
}

/* ---- ESC sequences ---- */

/* DECALN (DEC VT510): fill the screen with 'E', margins reset, home. */
static void screen_alignment(struct emu *e)
{
	struct fb_pen plain = { 0 };

	for (int row = 0; row < e->rows; row++)
		for (int col = 0; col < e->cols; col++)
			fb_set_cell(e->fb, row, col, "E", 1, 1, &plain);
	e->top = 0;
	e->bottom = e->rows;
	emu_move(e, 0, 0);
}

/* SCS (ISO 2022 / DEC): ESC ( F designates G0, ESC ) F designates G1.
 * Only DEC Special Graphics ('0') differs from ASCII here; the national
 * sets xterm knows (ctlseqs: UK, Dutch, Finnish, ...) print as ASCII, and a
 * final xterm does not know leaves the set as it was. */
static bool designate_charset(struct emu *e, const struct parser_seq *seq)
{
	static const char ascii_like[] = "B<>A4C5RfQ9KYE6`ZH7=";
	uint8_t which = seq->intermediates[0];

	if ((which != '(' && which != ')') || seq->intermediates[1])
		return false;
	if (seq->final == '0')
		e->charsets[which == ')'] = CHARSET_DEC_GRAPHICS;
	else if (strchr(ascii_like, seq->final))
		e->charsets[which == ')'] = CHARSET_ASCII;
	return true;
}

static void esc_dispatch(void *ctx, const struct parser_seq *seq)
{
	struct emu *e = ctx;

	if (designate_charset(e, seq))
		return;
	switch (parser_seq_key(seq)) {
	case PARSER_KEY(0, 0, '7'):	/* DECSC */
		emu_save_cursor(e);
		break;
	case PARSER_KEY(0, 0, '8'):	/* DECRC */
		emu_restore_cursor(e);
		break;
	case PARSER_KEY(0, 0, 'D'):	/* IND */
		emu_index(e);
		break;
	case PARSER_KEY(0, 0, 'E'):	/* NEL */
		emu_carriage_return(e);
		emu_index(e);
		break;
	case PARSER_KEY(0, 0, 'H'):	/* HTS */
		emu_tab_set(e, e->col, true);
		break;
	case PARSER_KEY(0, 0, 'M'):	/* RI */
		emu_reverse_index(e);
		break;
	case PARSER_KEY(0, 0, 'c'):	/* RIS */
		emu_full_reset(e);
		break;
	case PARSER_KEY(0, 0, '='):	/* DECKPAM */
	case PARSER_KEY(0, 0, '>'):	/* DECKPNM */
		e->modes.app_keypad = seq->final == '=';
		emu_modes_changed(e);
		break;
	case PARSER_KEY(0, '#', '8'):	/* DECALN */
		screen_alignment(e);
		break;
	default:
		break;
	}
}

/* ---- OSC strings (xterm ctlseqs "Operating System Commands") ---- */

/* The well-formed code points of in, less C0 and C1 controls and DEL, so
 * a title can be sent on to a real terminal safely. out needs len bytes. */
static size_t clean_text(const uint8_t *in, size_t len, char *out)
{
	size_t n = 0;

	for (size_t i = 0; i < len;) {
		uint32_t cp;

		i += utf8_decode(in + i, len - i, &cp);
		if (cp != UTF8_INVALID && cp >= 0x20 && !(cp >= 0x7f && cp < 0xa0))
			n += utf8_encode(cp, out + n);
	}
	return n;
}

static void set_title(struct emu *e, const uint8_t *text, size_t len)
{
	char *clean = malloc(len + 1);

	if (!clean)
		return;
	fb_set_title(e->fb, clean, clean_text(text, len, clean));
	free(clean);
}

/* Base64 characters, with at most two '=' and only at the end. */
static bool looks_like_base64(const uint8_t *text, size_t len)
{
	size_t padding = 0;

	for (size_t i = 0; i < len; i++) {
		uint8_t c = text[i];
		bool letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			(c >= '0' && c <= '9') || c == '+' || c == '/';

		if (c == '=')
			padding++;
		else if (!letter || padding)
			return false;
	}
	return padding <= 2;
}

/* OSC 52 ; selections ; base64: only well-formed base64 is kept (it goes
 * on to the user's terminal); "?" asks for the clipboard and is refused. */
static void set_clipboard(struct emu *e, const uint8_t *arg, size_t len)
{
	const uint8_t *semicolon = memchr(arg, ';', len);

	if (!semicolon)
		return;
	const uint8_t *data = semicolon + 1;
	size_t data_len = len - (size_t)(data - arg);
	if (looks_like_base64(data, data_len))
		fb_set_clipboard(e->fb, (const char *)data, data_len);
}

static void osc_dispatch(void *ctx, const uint8_t *data, size_t len)
{
	struct emu *e = ctx;
	int command = 0;
	size_t i = 0;

	while (i < len && data[i] >= '0' && data[i] <= '9' && command < 10000)
		command = command * 10 + (data[i++] - '0');
	if (i == 0 || i >= len || data[i] != ';')
		return;
	i++;
	switch (command) {
	case 0:		/* icon name and window title */
	case 2:		/* window title */
		set_title(e, data + i, len - i);
		break;
	case 52:	/* clipboard */
		set_clipboard(e, data + i, len - i);
		break;
	default:	/* 1 (icon name alone), colours, hyperlinks ...: not kept */
		break;
	}
}

static const struct parser_callbacks emu_callbacks = {
	.print_ascii = emu_print_ascii,
	.print = emu_print,
	.execute = execute,
	.esc_dispatch = esc_dispatch,
	.csi_dispatch = emu_csi_dispatch,
	.osc_dispatch = osc_dispatch,
};
