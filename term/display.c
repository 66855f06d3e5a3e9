/* The display diff. The terminal is assumed to show `old` (or, after a
 * clear or a scroll, a known transformation of it); every row of `new`
 * that differs from what the terminal shows is repainted with as few bytes
 * as we can find: unchanged runs skipped or written through, whichever is
 * shorter, blank tails erased, whole-screen scrolls done by the terminal. */
#include "term/display.h"

#include <stdint.h>
#include <string.h>

#include "term/display_scroll.h"
#include "term/display_seq.h"

/* Cells a gap may span and still be written through rather than jumped
 * (a move costs at most 5 bytes, but it may need a pen change too). */
#define WRITE_THROUGH_MAX 12
/* Blank cells at the end of a row worth an EL (3 bytes) plus its move. */
#define ERASE_TAIL_MIN 4
/* A scroll that keeps at most this many more rows is checked against
 * painting without it. */
#define SCROLL_TRIAL_GAIN_MAX 3

struct painter {
	struct buf *out;
	const struct fb *old, *now;
	int cols, rows;
	bool old_blank;	/* the terminal was cleared: every old row is blank */
	bool no_history;	/* display_options.no_history */
	/* The pen a diff leaves: the cursor pen of `now` for our emulator
	 * (the next diff starts from it), the default pen on a terminal. */
	struct fb_pen end_pen;
	bool no_clipboard;	/* display_options.no_clipboard */
	struct scroll scroll;	/* what the terminal did to the old rows */
	struct term_state t;
	/* Cells before (joined_row, joined_cols) in reading order are
	 * written, soft wraps included: join_next_row got there by autowraps. */
	int joined_row, joined_cols;
};

static const struct fb_cell blank_cell = { .ch = ' ', .width = 1 };

/* The row of `old` the terminal shows on row r; -1 when it is blank. */
static int shown_source(const struct painter *p, int r)
{
	return p->old_blank ? -1 : scroll_source(&p->scroll, r);
}

static const struct fb_cell *shown_row(const struct painter *p, int r)
{
	int src = shown_source(p, r);

	return src < 0 ? NULL : fb_cell(p->old, src, 0);
}

static bool cells_same(const struct painter *p, int r, const struct fb_cell *shown, int c)
{
	const struct fb_cell *a = fb_cell(p->now, r, c);
	const struct fb_cell *b = shown ? &shown[c] : &blank_cell;
	char ta[FB_CLUSTER_MAX], tb[FB_CLUSTER_MAX];

	if (a->ch != b->ch || a->width != b->width || !fb_pen_equal(&a->pen, &b->pen))
		return false;
	if (!a->cluster && !b->cluster)
		return true;
	if (!shown)
		return false;
	fb_cell_text(p->now, r, c, ta, sizeof ta);
	fb_cell_text(p->old, shown_source(p, r), c, tb, sizeof tb);
	return strcmp(ta, tb) == 0;
}

/* Whether the terminal has row r marked as continuing on the next. */
static bool shown_wrapped(const struct painter *p, int r)
{
	int src = shown_source(p, r);

	return src >= 0 && fb_row_wrapped(p->old, src);
}

/* Whether `now` has row r continuing on the next one in a way the terminal
 * can be made to show: by its own autowrap, so never from the last row. */
static bool wraps_to_next(const struct painter *p, int r)
{
	return r + 1 < p->rows && fb_row_wrapped(p->now, r);
}

static bool row_same(const struct painter *p, int r)
{
	const struct fb_cell *shown = shown_row(p, r);

	if (shown)
		return fb_row_equal(p->now, r, p->old, shown_source(p, r));
	if (wraps_to_next(p, r))
		return false;
	for (int c = 0; c < p->cols; c++)
		if (!cells_same(p, r, NULL, c))
			return false;
	return true;
}

/* A cell an erase (EL/ED) with background bg produces. */
static bool is_erased(const struct fb_cell *c, fb_color bg)
{
	return c->ch == ' ' && c->width == 1 && !c->cluster && c->pen.fg == FB_COLOR_DEFAULT &&
	       c->pen.attrs == 0 && !c->pen.underline && c->pen.bg == bg;
}

static void put_cell(struct painter *p, int r, int c)
{
	seq_cell(p->out, &p->t, p->now, r, c, p->cols);
}

/* Reach (r, c) by rewriting the unchanged cells on the way if that is
 * shorter than a cursor move, counting the change to next_pen after it;
 * false leaves everything as it was. */
static bool write_through(struct painter *p, int r, int c, const struct fb_pen *next_pen)
{
	struct term_state saved = p->t;
	size_t mark = p->out->len;
	int budget;

	if (!p->t.cursor_known || p->t.wrap_pending || p->t.row != r || p->t.col >= c ||
	    c - p->t.col > WRITE_THROUGH_MAX || fb_cell(p->now, r, p->t.col)->width == 0)
		return false;
	budget = seq_move_cost(&p->t, r, c) + seq_pen_cost(&p->t.pen, next_pen);
	while (p->t.col < c && p->t.cursor_known && !p->t.wrap_pending)
		put_cell(p, r, p->t.col);
	if (p->t.col == c && p->t.cursor_known && !p->t.wrap_pending &&
	    p->out->len - mark + (size_t)seq_pen_cost(&p->t.pen, next_pen) <= (size_t)budget)
		return true;
	p->out->len = mark;
	p->t = saved;
	return false;
}

/* Move to (r, c), where the next thing written needs next_pen. */
static void go_to(struct painter *p, int r, int c, const struct fb_pen *next_pen)
{
	if (p->t.cursor_known && !p->t.wrap_pending && p->t.row == r && p->t.col == c)
		return;
	if (!write_through(p, r, c, next_pen))
		seq_move(p->out, &p->t, r, c);
}

/* The pen an erase (EL/ED) with background bg is done with: the current
 * one if it will do. */
static struct fb_pen erase_pen(const struct painter *p, fb_color bg)
{
	struct fb_pen pen = { .bg = bg };

	if (p->t.pen.bg == bg && !(p->t.pen.attrs & FB_INVERSE))
		return p->t.pen;
	return pen;
}

static void erase(struct painter *p, int r, int c, fb_color bg, const char *seq)
{
	struct fb_pen pen = erase_pen(p, bg);

	go_to(p, r, c, &pen);
	pen = erase_pen(p, bg);	/* writing through may have changed the pen */
	seq_pen(p->out, &p->t, &pen);
	buf_put_str(p->out, seq);
}

/* The column of the cell that covers row r's last column. */
static int last_cell_col(const struct painter *p, int r)
{
	int c = p->cols - 1;

	return c > 0 && fb_cell(p->now, r, c)->width == 0 ? c - 1 : c;
}

/* Write row r's last cell unless it was the last thing written: the
 * terminal then has a pending wrap at the end of row r, and its soft-wrap
 * mark on the row is cleared until the next autowrap. */
static void rewrite_last_cell(struct painter *p, int r)
{
	int c = last_cell_col(p, r);

	if (p->t.cursor_known && p->t.wrap_pending && p->t.row == r)
		return;
	go_to(p, r, c, &fb_cell(p->now, r, c)->pen);
	put_cell(p, r, c);
}

/* Recreate the soft wrap at the end of row r: from the pending wrap after
 * its last cell, write the first cell of row r + 1 so that the terminal
 * wraps by itself and joins the two rows, as the program's own output did.
 * When that cell fills row r + 1 (one column, or a wide cell in two), its
 * own soft wrap follows the same way. After a cell of uncertain width the
 * terminal's column is unknown, and the wrap is not recreated. */
static void join_next_row(struct painter *p, int r)
{
	rewrite_last_cell(p, r);
	while (p->t.cursor_known && p->t.wrap_pending && p->t.row == r && wraps_to_next(p, r)) {
		p->t.row = ++r;
		p->t.col = 0;
		p->t.wrap_pending = false;
		put_cell(p, r, 0);
		p->joined_row = r;
		p->joined_cols = p->t.col;
	}
}

/* Row r's soft-wrap mark as `now` has it, once the row's cells are painted:
 * a wrapped row whose end was rewritten, or which the terminal shows
 * unwrapped, is joined again; a row the terminal shows wrapped but `now`
 * does not gets its last cell rewritten, which clears the mark. */
static void paint_row_wrap(struct painter *p, int r)
{
	bool end_rewritten = p->t.cursor_known && p->t.wrap_pending && p->t.row == r;

	if (r < p->joined_row)
		return;	/* written whole by join_next_row */
	if (wraps_to_next(p, r)) {
		if (end_rewritten || !shown_wrapped(p, r))
			join_next_row(p, r);
	} else if (shown_wrapped(p, r)) {
		rewrite_last_cell(p, r);
	}
}

/* Whether cell c of row r needs writing. */
static bool cell_needs_paint(const struct painter *p, int r, const struct fb_cell *shown, int c)
{
	const struct fb_cell *cells = fb_cell(p->now, r, 0);

	if (r < p->joined_row || (r == p->joined_row && c < p->joined_cols))
		return false;
	return !cells_same(p, r, shown, c) ||
	       (cells[c].width == 2 && !cells_same(p, r, shown, c + 1));
}

/* Repaint cells [0, limit) of row r that the terminal shows wrong. */
static void paint_row(struct painter *p, int r, int limit)
{
	const struct fb_cell *shown = shown_row(p, r);
	const struct fb_cell *cells = fb_cell(p->now, r, 0);
	int last = limit - 1, end, erase_from = -1;

	while (last >= 0 && cells_same(p, r, shown, last))
		last--;
	if (last < 0) {
		paint_row_wrap(p, r);
		return;
	}
	end = last + 1;
	/* An erased tail would not write the last column a soft wrap needs. */
	if (limit == p->cols && !wraps_to_next(p, r) &&
	    is_erased(&cells[p->cols - 1], cells[p->cols - 1].pen.bg)) {
		fb_color bg = cells[p->cols - 1].pen.bg;
		int tail = p->cols - 1;
		while (tail > 0 && is_erased(&cells[tail - 1], bg))
			tail--;
		while (tail <= last && cells_same(p, r, shown, tail))
			tail++;
		if (last - tail + 1 >= ERASE_TAIL_MIN) {
			erase_from = tail;
			end = tail;
		}
	}
	for (int c = 0; c < end; c += cells[c].width ? cells[c].width : 1) {
		if (cells[c].width == 0)
			continue;	/* a stray right half: its owner wrote it */
		if (!cell_needs_paint(p, r, shown, c))
			continue;
		go_to(p, r, c, &cells[c].pen);
		put_cell(p, r, c);
	}
	if (erase_from >= 0)
		erase(p, r, erase_from, cells[p->cols - 1].pen.bg, "\033[K");
	if (limit == p->cols)
		paint_row_wrap(p, r);
}

/* Where the blank end of the screen begins: every cell from (row, col) on,
 * in reading order, is erased with one background. row == rows: none. */
static void blank_screen_tail(const struct painter *p, int *row, int *col, fb_color *bg)
{
	const struct fb_cell *last = fb_cell(p->now, p->rows - 1, p->cols - 1);
	int r = p->rows - 1, c = p->cols - 1;

	*row = p->rows;
	*col = 0;
	*bg = last->pen.bg;
	if (!is_erased(last, *bg))
		return;
	for (;;) {
		const struct fb_cell *cells = fb_cell(p->now, r, 0);
		if (wraps_to_next(p, r))
			break;	/* its end must be written: the tail starts below */
		while (c >= 0 && is_erased(&cells[c], *bg))
			c--;
		if (c >= 0 || r == 0)
			break;
		r--;
		c = p->cols - 1;
	}
	if (c + 1 == p->cols) {
		*row = r + 1;
		*col = 0;
	} else {
		*row = r;
		*col = c + 1;
	}
}

/* Paint every changed row; when two or more of them lie in a blank end of
 * the screen, one ED erases that end instead. */
static void paint_rows(struct painter *p)
{
	int tail_row = p->rows, tail_col = 0, changed = 0, changed_in_tail = 0;
	fb_color bg = FB_COLOR_DEFAULT;

	for (int r = 0; r < p->rows && changed < 2; r++)
		changed += !row_same(p, r);
	if (changed >= 2) {
		blank_screen_tail(p, &tail_row, &tail_col, &bg);
		for (int r = tail_row; r < p->rows && changed_in_tail < 2; r++)
			changed_in_tail += !row_same(p, r);
		if (changed_in_tail < 2)
			tail_row = p->rows;
	}
	for (int r = 0; r < tail_row; r++)
		if (!row_same(p, r))
			paint_row(p, r, p->cols);
	if (tail_row < p->rows) {
		if (tail_col > 0)
			paint_row(p, tail_row, tail_col);
		if (p->no_history && tail_row == 0 && tail_col == 0) {
			/* ED 0 from the home position is a whole-screen clear. */
			erase(p, 0, 0, bg, "\033[K");
			tail_row = 1;
		}
		if (tail_row < p->rows)
			erase(p, tail_row, tail_col, bg, "\033[J");
	}
}

/* Modes and title against what the terminal shows (p->old, NULL when
 * unknown); clipboard and bell against the previous frame `prev`. */
static void put_state(struct painter *p, const struct fb *prev, const struct fb *now)
{
	const struct fb *old = p->old;
	uint32_t old_serial = 0, serial;
	const char *clipboard = fb_clipboard(now, &serial);

	seq_modes(p->out, old ? fb_modes(old) : NULL, fb_modes(now), p->t.caps);
	if (old ? strcmp(fb_title(old), fb_title(now)) != 0 : fb_title(now)[0] != '\0')
		seq_osc(p->out, "2;", fb_title(now));
	/* The clipboard and the bell are events: a repaint does not repeat them. */
	if (!prev)
		return;
	fb_clipboard(prev, &old_serial);
	if (old_serial != serial && !p->no_clipboard)
		seq_osc(p->out, "52;c;", clipboard);
	if (fb_bells(prev) != fb_bells(now))
		buf_put_u8(p->out, '\a');
}

/* Paint the cells and put the cursor where `now` has it, from the state
 * in p (after a scroll, if p->scroll holds one), with the pen the next
 * diff starts from. */
static void paint(struct painter p)
{
	int row, col;

	scroll_put(&p.scroll, p.rows, p.no_history, &p.t, p.out);
	paint_rows(&p);
	fb_cursor(p.now, &row, &col);
	go_to(&p, row, col, &p.end_pen);
	seq_pen(p.out, &p.t, &p.end_pen);
}

/* Row matches are a rough guide to what a scroll saves (a row that
 * matches none may still be nearly right): when the choice is close, paint
 * each way and keep the shortest. Returns how many ways to try. */
static int scroll_choices(const struct painter *p, struct scroll *choice)
{
	int n = 0;

	choice[n++] = p->scroll;
	if (!p->scroll.by)
		return n;
	if (p->scroll.top != 0 || p->scroll.bottom != p->rows) {
		choice[n] = p->scroll;
		choice[n].top = 0;
		choice[n].bottom = p->rows;
		if (p->no_history)
			choice[n] = scroll_no_history(choice[n]);
		n += choice[n].by && (choice[n].top != p->scroll.top || choice[n].bottom != p->scroll.bottom);
	}
	if (p->scroll.gain <= SCROLL_TRIAL_GAIN_MAX) {
		choice[n] = p->scroll;
		choice[n++].by = 0;
	}
	return n;
}

/* Clear the terminal from an unknown state, home the cursor. */
static void clear_screen(struct painter *p)
{
	if (!p->no_history) {
		buf_put_str(p->out, "\033[m\033[H\033[2J");
		return;
	}
	/* ED 0 from the home position is a whole-screen clear to tmux. */
	buf_put_str(p->out, "\033[m\033[H\033[K");
	if (p->rows > 1) {
		buf_put_str(p->out, "\033[2H\033[J");
		p->t.row = 1;
	}
}

void display_diff(const struct fb *old, const struct fb *now, struct buf *out)
{
	display_diff_with(old, now, NULL, out);
}

void display_diff_with(const struct fb *old, const struct fb *now,
		       const struct display_options *opts, struct buf *out)
{
	const struct term_caps *terminal = opts ? opts->terminal : NULL;
	struct painter p = { .out = out, .old = old, .now = now,
			     .cols = fb_cols(now), .rows = fb_rows(now),
			     .no_history = opts && opts->no_history,
			     .no_clipboard = opts && opts->no_clipboard, .joined_row = -1 };
	struct scroll choice[3];
	size_t start, best_len;
	int n;

	if (old && (fb_cols(old) != p.cols || fb_rows(old) != p.rows))
		p.old = NULL;
	p.t.caps = terminal ? terminal : &term_caps_all;
	if (!terminal) {
		p.end_pen = *fb_cursor_pen(now);
		if (p.old)
			p.t.pen = *fb_cursor_pen(p.old);
	}
	p.t.cursor_known = true;
	p.t.text_end = SIZE_MAX;	/* no cluster printed yet */
	put_state(&p, old, now);
	if (!p.old) {
		clear_screen(&p);
		p.old_blank = true;
		paint(p);
		return;
	}
	fb_cursor(old, &p.t.row, &p.t.col);
	p.scroll = scroll_find(old, now, p.no_history);
	n = scroll_choices(&p, choice);
	start = out->len;
	paint(p);
	best_len = out->len - start;
	for (int i = 1; i < n && !out->oom; i++) {
		size_t len;
		p.scroll = choice[i];
		paint(p);
		len = out->len - start - best_len;
		if (len < best_len) {
			memmove(out->data + start, out->data + start + best_len, len);
			best_len = len;
		}
		out->len = start + best_len;
	}
}

static bool is_blank_from(const struct fb *fb, int row, int col)
{
	for (; col < fb_cols(fb); col++)
		if (!is_erased(fb_cell(fb, row, col), FB_COLOR_DEFAULT))
			return false;
	return true;
}

/* The first row after everything on the screen: the cursor's row when the
 * cursor is at the start of a blank line (after a program's last newline),
 * else the row below it, or below the last row with anything on it. */
static int row_below_content(const struct fb *fb)
{
	int row, col, below;

	fb_cursor(fb, &row, &col);
	below = col == 0 && is_blank_from(fb, row, 0) ? row : row + 1;
	for (int r = fb_rows(fb) - 1; r >= below; r--)
		if (!is_blank_from(fb, r, 0))
			return r + 1;
	return below;
}

/* The message on its own line below the content: the screen scrolls only
 * when there is no room below. */
static void put_message_below(const struct fb *last, const char *message, struct buf *out)
{
	int below = row_below_content(last);

	if (below < fb_rows(last)) {
		buf_printf(out, "\033[%dH", below + 1);
	} else {
		buf_printf(out, "\033[%dH\r\n", fb_rows(last));
	}
	buf_printf(out, "%s\r\n", message);
}

void display_close(const struct fb *last, const char *message, const struct term_caps *terminal,
		   struct buf *out)
{
	struct fb_modes shown, restored;

	buf_put_str(out, "\033[m");
	if (!last) {
		buf_printf(out, "\033[?25h\r\n%s\r\n", message);
		return;
	}
	/* Cursor shown whatever the frame says: cheap, and never wrong. */
	shown = *fb_modes(last);
	shown.cursor_visible = false;
	restored = shown;
	restored.app_cursor = restored.app_keypad = false;
	restored.bracketed_paste = restored.focus_events = false;
	restored.reverse_video = false;
	restored.cursor_visible = true;
	restored.mouse_mode = FB_MOUSE_OFF;
	restored.mouse_encoding = FB_MOUSE_ENC_DEFAULT;
	restored.cursor_shape = 0;
	seq_modes(out, &shown, &restored, terminal ? terminal : &term_caps_all);
	put_message_below(last, message, out);
}
