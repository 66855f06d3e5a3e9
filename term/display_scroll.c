#include "term/display_scroll.h"

#include <stdio.h>

#include "term/display_seq.h"

/* Scroll amounts evaluated per frame: each costs a pass over the rows. */
#define SCROLL_CANDIDATES_MAX 8

int scroll_source(const struct scroll *s, int row)
{
	int src;

	if (!s->by || row < s->top || row >= s->bottom)
		return row;
	src = row + s->by;
	return src >= s->top && src < s->bottom ? src : -1;
}

/* Rows the terminal would show right after scroll s. */
static int rows_kept(const struct fb *old, const struct fb *now, const struct scroll *s)
{
	int kept = 0;

	for (int r = 0; r < fb_rows(now); r++) {
		int src = scroll_source(s, r);
		kept += src >= 0 && fb_row_equal(old, src, now, r);
	}
	return kept;
}

/* The region for moving rows by `by`: it spans every row that matches
 * (and its source), and grows over the rows around it that do not match
 * where they are, since they are repainted either way. */
static struct scroll region_for(const struct fb *old, const struct fb *now, int by)
{
	struct scroll s = { 0, 0, by, 0 };
	int rows = fb_rows(now), first = -1, last = -1;

	for (int r = 0; r < rows; r++) {
		int src = r + by;
		if (src < 0 || src >= rows || !fb_row_equal(old, src, now, r))
			continue;
		if (first < 0)
			first = r;
		last = r;
	}
	if (first < 0) {
		s.by = 0;
		return s;
	}
	s.top = by > 0 ? first : first + by;
	s.bottom = by > 0 ? last + by + 1 : last + 1;
	while (s.top > 0 && !fb_row_equal(old, s.top - 1, now, s.top - 1))
		s.top--;
	while (s.bottom < rows && !fb_row_equal(old, s.bottom, now, s.bottom))
		s.bottom++;
	return s;
}

static bool seen(const int *list, int n, int v)
{
	for (int i = 0; i < n; i++)
		if (list[i] == v)
			return true;
	return false;
}

/* Candidate amounts: where a few rows of `now` appear elsewhere in `old`. */
static int candidates(const struct fb *old, const struct fb *now, int *by)
{
	int rows = fb_rows(now), n = 0;
	const int probes[] = { 0, rows / 2 };

	for (size_t p = 0; p < sizeof probes / sizeof probes[0]; p++) {
		int r = probes[p];
		if (r < 0 || fb_row_equal(old, r, now, r))
			continue;
		for (int src = 0; src < rows && n < SCROLL_CANDIDATES_MAX; src++)
			if (src != r && !seen(by, n, src - r) && fb_row_equal(old, src, now, r))
				by[n++] = src - r;
	}
	return n;
}

struct scroll scroll_no_history(struct scroll s)
{
	if (s.by > 0 && s.top == 0)
		s.top = 1;
	if (s.bottom - s.top <= (s.by > 0 ? s.by : -s.by))
		s.by = 0;
	return s;
}

struct scroll scroll_find(const struct fb *old, const struct fb *now, bool no_history)
{
	struct scroll best = { 0, fb_rows(now), 0, 0 };
	int by[SCROLL_CANDIDATES_MAX], n, best_kept, unscrolled;

	unscrolled = best_kept = rows_kept(old, now, &best);
	if (best_kept > fb_rows(now) - 2)
		return best;	/* nothing worth a scroll */
	n = candidates(old, now, by);
	for (int i = 0; i < n; i++) {
		struct scroll s = region_for(old, now, by[i]);
		int kept, margin;
		if (no_history)
			s = scroll_no_history(s);
		if (!s.by)
			continue;
		kept = rows_kept(old, now, &s);
		/* A region scroll costs about a row's worth of bytes more. */
		margin = s.top == 0 && s.bottom == fb_rows(now) ? 0 : 1;
		if (kept > best_kept + margin) {
			best = s;
			best_kept = kept - margin;
			best.gain = kept - unscrolled;
		}
	}
	return best;
}

/* DL at the region's top row moves the rows below it up, inside the
 * margins; unlike SU, no terminal keeps the rows it deletes. */
static void put_delete_lines(const struct scroll *s, struct term_state *t, struct buf *out)
{
	seq_move(out, t, s->top, 0);
	seq_csi_n(out, s->by, 'M');
	t->cursor_known = false;	/* terminals differ on DL's column */
}

void scroll_put(const struct scroll *s, int rows, bool no_history, struct term_state *t,
		struct buf *out)
{
	char margins[32];
	bool region = s->top != 0 || s->bottom != rows;

	static const struct fb_pen plain;

	if (!s->by)
		return;
	/* Rows that come in take the pen's background: the default one. */
	if (t->pen.bg != FB_COLOR_DEFAULT)
		seq_pen(out, t, &plain);
	if (no_history && s->by > 0) {
		/* Margins only when the bottom one is not the screen's. */
		region = s->bottom != rows;
	}
	if (region) {
		snprintf(margins, sizeof margins, "\033[%d;%dr", s->top + 1, s->bottom);
		buf_put_str(out, margins);
		t->row = t->col = 0;
		t->wrap_pending = false;
		t->cursor_known = true;
	}
	if (no_history && s->by > 0)
		put_delete_lines(s, t, out);
	else
		seq_csi_n(out, s->by > 0 ? s->by : -s->by, s->by > 0 ? 'S' : 'T');
	if (region) {
		buf_put_str(out, "\033[r");
		t->row = t->col = 0;
		t->wrap_pending = false;
		t->cursor_known = true;
	}
}
