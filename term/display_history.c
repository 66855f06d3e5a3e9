/* Scrollback into the user's terminal: see term/display_history.h. */
#include "term/display_history.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "term/display.h"
#include "term/display_seq.h"
#include "term/history_line.h"

struct writer {
	struct buf *out;
	struct term_state t;
	int cols, rows;
	int written;		/* rows written since the cursor went home */
	size_t bad;		/* entries that did not decode */
};

static const struct fb_pen plain;

static bool is_default_blank(const struct fb_cell *cell)
{
	return cell->ch == ' ' && cell->width == 1 && !cell->cluster && cell->pen.fg == 0 &&
	       cell->pen.bg == 0 && cell->pen.attrs == 0;
}

/* Columns of the line up to its last cell that is not a default blank. */
static int used_width(const struct fb *line)
{
	int end = fb_cols(line);

	while (end > 0 && is_default_blank(fb_cell(line, 0, end - 1)))
		end--;
	return end;
}

/* End the row being written: the rest of it blank, the cursor at the
 * start of the next (the terminal scrolls at the bottom row). */
static void end_row(struct writer *w, int used)
{
	seq_pen(w->out, &w->t, &plain);
	/* In the last column EL would erase the character there. */
	if (used < w->cols)
		buf_put_str(w->out, "\033[K");
	buf_put_str(w->out, "\r\n");
	w->written++;
	w->t.col = 0;
	w->t.wrap_pending = false;
}

static bool is_plain_ascii(const struct fb_cell *cell)
{
	return cell->ch >= 0x20 && cell->ch < 0x7f && !cell->cluster;
}

/* A printable ASCII cell after one in the same pen, short of the last
 * column: its byte, as seq_cell would write it (the pen is the terminal's
 * already, and nothing joins ASCII to ASCII), without its cost per cell. */
static bool put_plain(struct writer *w, const struct fb_cell *cell, const struct fb_cell *before)
{
	if (!before || !is_plain_ascii(cell) || !is_plain_ascii(before) ||
	    !fb_pen_equal(&cell->pen, &before->pen) || w->t.col + 1 >= w->cols)
		return false;
	buf_put_u8(w->out, (uint8_t)cell->ch);
	w->t.last_code_point = cell->ch;
	w->t.grapheme_state = 0;
	w->t.text_end = w->out->len;
	w->t.col++;
	return true;
}

/* Write the line as rows of the terminal's width. */
static void write_line(struct writer *w, const struct fb *line)
{
	const struct fb_cell *cells = fb_cell(line, 0, 0), *before = NULL;
	int end = used_width(line), used = 0;

	for (int col = 0; col < end; col++) {
		int width = cells[col].width;
		if (width == 0)
			continue;	/* the right half of a wide cell */
		if (used + width > w->cols) {
			end_row(w, used);
			used = 0;
			before = NULL;
		}
		if (!put_plain(w, &cells[col], before))
			seq_cell(w->out, &w->t, line, 0, col, w->cols);
		before = &cells[col];
		used += width;
	}
	end_row(w, used);
}

/* "123456" as "123,456". */
static void group_thousands(uint64_t n, char *text, size_t cap)
{
	char digits[24];
	int len = snprintf(digits, sizeof digits, "%" PRIu64, n);
	size_t at = 0;

	for (int i = 0; i < len && at + 2 < cap; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			text[at++] = ',';
		text[at++] = digits[i];
	}
	text[at] = '\0';
}

static void write_gap_marker(struct writer *w, uint64_t lost)
{
	char count[32], text[64];
	int len;
	struct fb *line;

	group_thousands(lost, count, sizeof count);
	len = snprintf(text, sizeof text, "[sspsh: %s line%s not kept]", count, lost == 1 ? "" : "s");
	line = fb_new(len, 1);
	if (!line || !fb_set_ascii(line, 0, 0, text, (size_t)len, &plain))
		w->bad++;	/* out of memory: the marker goes, the lines stay */
	else
		write_line(w, line);
	fb_free(line);
}

/* The entry's line, or NULL (counted) when it does not decode. */
static struct fb *decode_line(struct writer *w, const struct history_span *entry)
{
	struct fb *line = NULL;

	if (history_entry_decode(entry->data, entry->len, &line) != HISTORY_ENTRY_LINE)
		w->bad++;
	return line;
}

/* How many entries from the first on are lines the terminal shows on its
 * top rows, in order: those need only to be scrolled up. */
static size_t shown_prefix(const struct fb *shown, const struct history_span *entries, size_t n)
{
	size_t same = 0;

	while (same < n && same < (size_t)fb_rows(shown)) {
		struct fb *line = NULL;
		bool equal = history_entry_decode(entries[same].data, entries[same].len, &line) ==
				     HISTORY_ENTRY_LINE &&
			     fb_cols(line) == fb_cols(shown) &&
			     fb_row_equal(line, 0, shown, (int)same);
		fb_free(line);
		if (!equal)
			break;
		same++;
	}
	return same;
}

/* Line feeds at the bottom row: the terminal scrolls its top `count` rows
 * into its history. */
static void push_rows(struct writer *w, int count)
{
	seq_pen(w->out, &w->t, &plain);	/* the rows that come in are blank */
	w->t.cursor_known = false;
	seq_move(w->out, &w->t, w->rows - 1, 0);
	for (int i = 0; i < count; i++)
		buf_put_u8(w->out, '\n');
}

/* The last erase entry's index + 1, or 0. */
static size_t after_last_erase(const struct history_span *entries, size_t n)
{
	for (size_t i = n; i > 0; i--)
		if (history_entry_is_erase(entries[i - 1].data, entries[i - 1].len))
			return i;
	return 0;
}

/* The terminal showed `shown` and scrolled `count` rows up by line feeds
 * at the bottom row: paint `now` from there. */
static void repaint_after_scroll(const struct fb *shown, int count, const struct fb *now,
				 const struct display_options *no_history, struct buf *out)
{
	struct fb *scrolled = fb_clone(shown);

	if (scrolled) {
		fb_scroll(scrolled, 0, fb_rows(scrolled), count, &plain);
		fb_set_cursor(scrolled, fb_rows(scrolled) - 1, 0);
	}
	display_diff_with(scrolled, now, no_history, out);
	fb_free(scrolled);
}

/* Rows of the screen a group of lines may cover while it is written: the
 * rest of the newest screen stays in view (shifted up by the group for a
 * moment where a terminal shows what it has not finished drawing). */
static int group_rows(int rows)
{
	return rows / 4 > 0 ? rows / 4 : 1;
}

/* Reverse indexes at the top row: the terminal scrolls down `count` rows,
 * blank ones coming in at the top and nothing going into its history. */
static void pull_rows(struct writer *w, int count)
{
	w->t.cursor_known = false;
	seq_move(w->out, &w->t, 0, 0);
	for (int i = 0; i < count; i++)
		buf_put_str(w->out, "\033M");
}

/* The terminal showed `now`, then lines were written over its top rows and
 * `covered` of them scrolled into its history and back down as blank
 * rows: paint `now` over them (and over the bottom row, blank when the
 * lines took the whole screen). */
static void repaint_covered(const struct fb *now, int covered, bool bottom_blank,
			    const struct display_options *no_history, struct buf *out)
{
	struct fb *seen = fb_clone(now);
	int rows = fb_rows(now);

	if (seen) {
		for (int row = 0; row < rows; row++) {
			if (row >= covered && !(bottom_blank && row == rows - 1))
				continue;
			fb_erase(seen, row, 0, fb_cols(seen), &plain);
			fb_set_row_wrapped(seen, row, false);
		}
		fb_set_cursor(seen, 0, 0);
	}
	display_diff_with(seen, now, no_history, out);
	fb_free(seen);
}

/* Write entries[*next, n) (the gap marker first) from the top row down
 * until `limit` rows are written; the cursor is left at the start of the
 * row after them, the bottom row once the terminal scrolled. */
static void write_from_top(struct writer *w, uint64_t *lost, const struct history_span *entries,
			   size_t *next, size_t n, int limit)
{
	seq_pen(w->out, &w->t, &plain);
	w->t.cursor_known = false;
	seq_move(w->out, &w->t, 0, 0);
	w->written = 0;
	if (*lost) {
		write_gap_marker(w, *lost);
		*lost = 0;
	}
	while (*next < n && w->written < limit) {
		struct fb *line = decode_line(w, &entries[*next]);
		if (line)
			write_line(w, line);
		fb_free(line);
		(*next)++;
	}
}

/* Rows on the screen that hold lines written from the top. */
static int rows_written(const struct writer *w)
{
	return w->written < w->rows - 1 ? w->written : w->rows - 1;
}

/* Every line at once over the whole screen, pushed up, then `now` painted
 * anew: the fewest bytes, but a terminal without synchronized output shows
 * the lines instead of the screen until the end. */
static void write_all(struct writer *w, const struct fb *now, uint64_t lost,
		      const struct history_span *entries, size_t next, size_t n,
		      const struct display_options *no_history)
{
	write_from_top(w, &lost, entries, &next, n, INT_MAX);
	push_rows(w, rows_written(w));
	display_diff_with(NULL, now, no_history, w->out);
}

/* The same a group at a time: each written over a few top rows of the
 * screen, scrolled up into the history by line feeds at the bottom row,
 * the screen scrolled back down and its covered rows painted again. The
 * newest screen is thus never hidden but for a group's rows, however long
 * the backlog; a line costs about twice the bytes. */
static void write_in_groups(struct writer *w, const struct fb *now, uint64_t lost,
			    const struct history_span *entries, size_t next, size_t n,
			    const struct display_options *no_history)
{
	/* Most groups cover the same rows: their repaint is made once. */
	struct buf repaint;
	int repaint_covers = -1;
	bool repaint_bottom = false;

	buf_init(&repaint);
	while (next < n || lost) {
		int covered;
		bool bottom_blank;
		write_from_top(w, &lost, entries, &next, n, group_rows(w->rows));
		covered = rows_written(w);
		bottom_blank = w->written >= w->rows;
		push_rows(w, covered);
		pull_rows(w, covered);
		if (covered != repaint_covers || bottom_blank != repaint_bottom || repaint.oom) {
			buf_reset(&repaint);
			repaint_covered(now, covered, bottom_blank, no_history, &repaint);
			repaint_covers = covered;
			repaint_bottom = bottom_blank;
		}
		buf_put(w->out, repaint.data, repaint.len);
		w->out->oom |= repaint.oom;
		w->t.cursor_known = false;	/* where the diff left it */
	}
	buf_free(&repaint);
}

size_t display_history(const struct fb *shown, const struct fb *now, uint64_t lost,
		       const struct history_span *entries, size_t n, bool keep_in_view,
		       const struct term_caps *terminal, struct buf *out)
{
	struct display_options no_history = { .no_history = true, .terminal = terminal };
	struct writer w = { .out = out, .cols = fb_cols(now), .rows = fb_rows(now) };
	size_t from = after_last_erase(entries, n), same = 0;

	if (!terminal)
		no_history.terminal = &term_caps_all;
	w.t.caps = no_history.terminal;
	w.t.cursor_known = false;
	w.t.text_end = SIZE_MAX;
	buf_put_str(out, "\033[?2026h");
	if (from > 0) {
		buf_put_str(out, "\033[3J");
		lost = 0;	/* erased with the rest */
	}
	if (shown && fb_cols(shown) == w.cols && fb_rows(shown) == w.rows && !lost)
		same = shown_prefix(shown, entries + from, n - from);
	if (same > 0)
		push_rows(&w, (int)same);
	if (from + same == n && !lost && same > 0) {
		repaint_after_scroll(shown, (int)same, now, &no_history, out);
	} else if (from + same == n && !lost) {
		display_diff_with(shown, now, &no_history, out);
	} else if (!keep_in_view) {
		write_all(&w, now, lost, entries, from + same, n, &no_history);
	} else {
		if (same > 0)	/* the newest screen first */
			repaint_after_scroll(shown, (int)same, now, &no_history, out);
		else
			display_diff_with(shown, now, &no_history, out);
		write_in_groups(&w, now, lost, entries, from + same, n, &no_history);
	}
	buf_put_str(out, "\033[?2026l");
	return w.bad;
}
