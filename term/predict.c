/* Predictive local echo: guesses from keys, judged against server frames.
 * See term/predict.h for the rules. */
#include <stdlib.h>
#include <string.h>

#include "core/options.h"
#include "term/predict.h"

/* One cell's contents as the engine copies and compares them. */
struct cell_text {
	char text[FB_CLUSTER_MAX];
	uint8_t len;
	uint8_t width;
	struct fb_pen pen;
};

struct cell_guess {
	int row, col;
	uint64_t offset;	/* end of the key that made it, in the input stream */
	uint64_t epoch;
	uint64_t made_ms;
	/* Differs from what the cell held before: seeing it on the server's
	 * screen proves the echo (an unchanged cell proves nothing). */
	bool changes;
	struct cell_text guess;
	struct cell_text before;
};

struct cursor_guess {
	int row, col;
	uint64_t offset;
	uint64_t epoch;
};

struct predict {
	enum predict_mode mode;
	bool rtt_slow;		/* show predictions (adaptive mode) */
	bool rtt_very_slow;	/* underline unconfirmed ones */
	uint64_t glitch_until_ms;

	/* The newest server frame with every guess applied, shown or not:
	 * what the next key acts on. NULL before the first frame. */
	struct fb *view;
	struct cell_guess *cells;	/* epochs ascending */
	size_t n_cells, cap_cells;
	struct cursor_guess *cursors;	/* offsets and epochs ascending */
	size_t n_cursors, cap_cursors;

	struct cell_text *segment;	/* scratch: one row's cells */
	uint8_t *seen;			/* scratch: one byte per screen cell */
	int scratch_cols, scratch_rows;

	uint64_t epoch;			/* epoch of new guesses */
	uint64_t confirmed_epoch;	/* guesses of epochs up to this one show */
	bool waiting;			/* no guesses until the server has caught up */
	uint64_t wait_until;		/* ... with the input up to this offset */
	uint64_t input_offset;		/* end of the newest key */
};

static const char *const mode_names[] = {
	[PREDICT_ADAPTIVE] = "adaptive",
	[PREDICT_ALWAYS] = "always",
	[PREDICT_NEVER] = "never",
};

bool predict_parse_mode(const char *name, enum predict_mode *mode)
{
	for (size_t i = 0; i < sizeof mode_names / sizeof mode_names[0]; i++) {
		if (strcmp(name, mode_names[i]) == 0) {
			*mode = (enum predict_mode)i;
			return true;
		}
	}
	return false;
}

const char *predict_mode_name(enum predict_mode mode)
{
	return mode_names[mode];
}

struct predict *predict_new(enum predict_mode mode)
{
	struct predict *p = calloc(1, sizeof *p);

	if (!p)
		return NULL;
	p->mode = mode;
	p->epoch = 1;
	return p;
}

void predict_free(struct predict *p)
{
	if (!p)
		return;
	fb_free(p->view);
	free(p->cells);
	free(p->cursors);
	free(p->segment);
	free(p->seen);
	free(p);
}

void predict_set_rtt(struct predict *p, int srtt_ms)
{
	if (srtt_ms > SSPSH_PREDICT_SHOW_HIGH_MS)
		p->rtt_slow = true;
	else if (srtt_ms < SSPSH_PREDICT_SHOW_LOW_MS)
		p->rtt_slow = false;
	if (srtt_ms > SSPSH_PREDICT_FLAG_HIGH_MS)
		p->rtt_very_slow = true;
	else if (srtt_ms < SSPSH_PREDICT_FLAG_LOW_MS)
		p->rtt_very_slow = false;
}

size_t predict_pending(const struct predict *p)
{
	return p->n_cells;
}

/* ---- Cells ---- */

static void read_cell(const struct fb *fb, int row, int col, struct cell_text *out)
{
	const struct fb_cell *cell = fb_cell(fb, row, col);

	out->len = (uint8_t)fb_cell_text(fb, row, col, out->text, sizeof out->text);
	out->width = cell ? cell->width : 1;
	out->pen = cell ? cell->pen : (struct fb_pen){ 0 };
}

static bool same_text(const struct cell_text *a, const struct cell_text *b)
{
	return a->width == b->width && a->len == b->len && memcmp(a->text, b->text, a->len) == 0;
}

static void make_blank(struct cell_text *cell)
{
	memset(cell, 0, sizeof *cell);
	cell->text[0] = ' ';
	cell->len = 1;
	cell->width = 1;
}

static int cell_width(const struct fb *fb, int row, int col)
{
	const struct fb_cell *cell = fb_cell(fb, row, col);

	return cell ? cell->width : 1;
}

/* One past the last non-blank cell of the row at or after `col`; `col`
 * when the rest of the row is blank. */
static int text_end(const struct fb *fb, int row, int col)
{
	for (int c = fb_cols(fb) - 1; c >= col; c--) {
		const struct fb_cell *cell = fb_cell(fb, row, c);

		if (cell && (cell->ch != ' ' || cell->width != 1 || cell->cluster))
			return c + 1;
	}
	return col;
}

/* ---- Bookkeeping ---- */

static void wait_for_server(struct predict *p)
{
	p->waiting = true;
	p->wait_until = p->input_offset;
}

static void start_epoch(struct predict *p)
{
	p->epoch++;
}

/* `array` with room for `want` elements (doubling); NULL if out of memory,
 * the old array left as it was. */
static void *grow(void *array, size_t *cap, size_t want, size_t size)
{
	size_t new_cap = *cap ? *cap : 64;
	void *bigger;

	if (want <= *cap)
		return array;
	while (new_cap < want)
		new_cap *= 2;
	bigger = realloc(array, new_cap * size);
	if (bigger)
		*cap = new_cap;
	return bigger;
}

static bool view_set_cell(struct fb *fb, int row, int col, const struct cell_text *cell,
			  const struct fb_pen *pen)
{
	return fb_set_cell(fb, row, col, cell->text, cell->len, cell->width, pen);
}

/* Guess that the cell will hold `want` once the current key is echoed.
 * Within an epoch a cell has one guess: a newer one replaces it. */
static bool guess_cell(struct predict *p, int row, int col, const struct cell_text *want,
		       uint64_t now_ms)
{
	struct cell_guess *g = NULL;

	for (size_t i = p->n_cells; i-- > 0 && p->cells[i].epoch == p->epoch;) {
		if (p->cells[i].row == row && p->cells[i].col == col) {
			g = &p->cells[i];
			break;
		}
	}
	if (!g) {
		struct cell_guess *cells = grow(p->cells, &p->cap_cells, p->n_cells + 1, sizeof *cells);

		if (!cells)
			return false;
		p->cells = cells;
		g = &p->cells[p->n_cells++];
		g->row = row;
		g->col = col;
		g->epoch = p->epoch;
		g->made_ms = now_ms;
		read_cell(p->view, row, col, &g->before);
	}
	g->offset = p->input_offset;
	g->guess = *want;
	g->changes = !same_text(&g->guess, &g->before);
	return view_set_cell(p->view, row, col, want, &want->pen);
}

static bool guess_cursor(struct predict *p, int row, int col)
{
	struct cursor_guess *g = p->n_cursors ? &p->cursors[p->n_cursors - 1] : NULL;

	if (!g || g->epoch != p->epoch) {
		struct cursor_guess *cursors = grow(p->cursors, &p->cap_cursors, p->n_cursors + 1,
						    sizeof *cursors);

		if (!cursors)
			return false;
		p->cursors = cursors;
		g = &p->cursors[p->n_cursors++];
		g->epoch = p->epoch;
	}
	g->row = row;
	g->col = col;
	g->offset = p->input_offset;
	fb_set_cursor(p->view, row, col);
	return true;
}

/* Forget every guess of `epoch` and later ones: they were built on a
 * wrong one. Then guess nothing until the server has seen every key. */
static void kill_from_epoch(struct predict *p, uint64_t epoch)
{
	while (p->n_cells > 0 && p->cells[p->n_cells - 1].epoch >= epoch)
		p->n_cells--;
	while (p->n_cursors > 0 && p->cursors[p->n_cursors - 1].epoch >= epoch)
		p->n_cursors--;
	start_epoch(p);
	wait_for_server(p);
}

static void forget_everything(struct predict *p)
{
	p->n_cells = 0;
	p->n_cursors = 0;
	start_epoch(p);
	wait_for_server(p);
}

/* ---- Guessing from keys ---- */

/* Cells of a row segment [from, to) that start a character. */
static int read_segment(const struct fb *fb, int row, int from, int to, struct cell_text *out)
{
	int n = 0;

	for (int c = from; c < to; c++) {
		read_cell(fb, row, c, &out[n]);
		if (out[n].width > 0)
			n++;
	}
	return n;
}

/* Write cells left to right from `col` (as the line editor's redraw
 * would), then blanks up to `clear_to`. */
static bool write_segment(struct predict *p, int row, int col, const struct cell_text *cells,
			  int n, int clear_to, uint64_t now_ms)
{
	struct cell_text blank;

	for (int i = 0; i < n; i++) {
		if (!guess_cell(p, row, col, &cells[i], now_ms))
			return false;
		col += cells[i].width;
	}
	make_blank(&blank);
	for (; col < clear_to; col++)
		if (!guess_cell(p, row, col, &blank, now_ms))
			return false;
	return true;
}

static void typed_cell(const struct predict *p, const struct key *key, struct cell_text *out)
{
	memset(out, 0, sizeof *out);
	memcpy(out->text, key->utf8, key->utf8_len);
	out->len = key->utf8_len;
	out->width = (uint8_t)key->width;
	/* What the program's next character gets: its current SGR state, not
	 * the look of the prompt before the cursor or of the cell under it. */
	out->pen = *fb_cursor_pen(p->view);
}

/* A printable character: inserted at the cursor, the rest of the line
 * moving right, as every line editor does. */
static bool guess_text(struct predict *p, const struct key *key, uint64_t now_ms)
{
	int row, col, cols = fb_cols(p->view), w = key->width;
	int end, n;

	fb_cursor(p->view, &row, &col);
	end = text_end(p->view, row, col);
	if (col + w > cols || end + w > cols || cell_width(p->view, row, col) == 0)
		return false;	/* wide char or line wrapping at the margin */
	typed_cell(p, key, &p->segment[0]);
	n = 1 + read_segment(p->view, row, col, end, p->segment + 1);
	if (!write_segment(p, row, col, p->segment, n, 0, now_ms))
		return false;
	col += w;
	if (col == cols) {
		/* The next character goes on the next line, if the
		 * program wraps as terminals do: less certain. */
		start_epoch(p);
		if (row + 1 >= fb_rows(p->view))
			return false;
		row++;
		col = 0;
	}
	return guess_cursor(p, row, col);
}

/* Backspace: the character left of the cursor goes, the rest of the line
 * moves left. */
static bool guess_backspace(struct predict *p, uint64_t now_ms)
{
	int row, col, to, end, n;

	fb_cursor(p->view, &row, &col);
	if (col == 0 || cell_width(p->view, row, col) == 0)
		return false;	/* joining lines: the editor decides */
	to = cell_width(p->view, row, col - 1) == 0 ? col - 2 : col - 1;
	if (to < 0)
		return false;
	end = text_end(p->view, row, col);
	n = read_segment(p->view, row, col, end, p->segment);
	if (!write_segment(p, row, to, p->segment, n, end > col ? end : col, now_ms))
		return false;
	return guess_cursor(p, row, to);
}

/* Delete: the character under the cursor goes. */
static bool guess_delete(struct predict *p, uint64_t now_ms)
{
	int row, col, end, w, n;

	fb_cursor(p->view, &row, &col);
	w = cell_width(p->view, row, col);
	if (w == 0)
		return false;
	end = text_end(p->view, row, col);
	if (end <= col)
		return true;	/* nothing under or after the cursor: no change */
	n = read_segment(p->view, row, col + w, end, p->segment);
	return write_segment(p, row, col, p->segment, n, end, now_ms);
}

static bool guess_left(struct predict *p)
{
	int row, col;

	fb_cursor(p->view, &row, &col);
	if (col == 0)
		return false;
	return guess_cursor(p, row, cell_width(p->view, row, col - 1) == 0 ? col - 2 : col - 1);
}

/* Right moves over text; past the end of the text editors refuse. */
static bool guess_right(struct predict *p)
{
	int row, col, w;

	fb_cursor(p->view, &row, &col);
	w = cell_width(p->view, row, col);
	if (w == 0 || col >= text_end(p->view, row, col) || col + w >= fb_cols(p->view))
		return false;
	return guess_cursor(p, row, col + w);
}

/* Enter: the cursor goes to the start of the next line; what the program
 * shows there is anyone's guess, so a new epoch. */
static bool guess_enter(struct predict *p)
{
	int row, col;

	fb_cursor(p->view, &row, &col);
	start_epoch(p);
	if (row + 1 >= fb_rows(p->view))
		return false;
	return guess_cursor(p, row + 1, 0);
}

static bool is_printable(const struct key *key)
{
	uint32_t c = key->codepoint;

	return key->width > 0 && c >= 0x20 && !(c >= 0x7f && c < 0xa0);
}

/* False: the key's effect cannot be guessed. */
static bool guess_key(struct predict *p, const struct key *key, uint64_t now_ms)
{
	switch (key->type) {
	case KEY_TEXT:
		return is_printable(key) && guess_text(p, key, now_ms);
	case KEY_ENTER:
		return guess_enter(p);
	case KEY_BACKSPACE:
		return guess_backspace(p, now_ms);
	case KEY_DELETE:
		return guess_delete(p, now_ms);
	case KEY_LEFT:
		return guess_left(p);
	case KEY_RIGHT:
		return guess_right(p);
	case KEY_PASTE_BEGIN:
	case KEY_PASTE_END:
		return true;
	default:
		return false;
	}
}

void predict_key(struct predict *p, const struct key *key, uint64_t input_pos, uint64_t now_ms)
{
	if (input_pos > p->input_offset)
		p->input_offset = input_pos;
	if (p->mode == PREDICT_NEVER)
		return;
	if (!p->view || p->waiting ||
	    p->n_cells + 2 * (size_t)fb_cols(p->view) > SSPSH_PREDICT_MAX_CELLS) {
		wait_for_server(p);
		return;
	}
	if (!guess_key(p, key, now_ms))
		wait_for_server(p);
}

/* ---- Judging against the server ---- */

static void note_confirmed(struct predict *p, const struct cell_guess *g, uint64_t now_ms)
{
	if (g->epoch > p->confirmed_epoch)
		p->confirmed_epoch = g->epoch;
	if (now_ms - g->made_ms > SSPSH_PREDICT_GLITCH_MS)
		p->glitch_until_ms = now_ms + SSPSH_PREDICT_GLITCH_HOLD_MS;
}

/* Judge the cell guesses the ack covers. Only the newest guess of a cell
 * counts, so walk newest first and mark the cells seen. Returns the
 * earliest epoch with a wrong guess (UINT64_MAX if none). */
static uint64_t judge_cells(struct predict *p, const struct fb *server, uint64_t ack,
			    uint64_t now_ms)
{
	uint64_t wrong_epoch = UINT64_MAX;
	int cols = fb_cols(server);
	struct cell_text actual;
	size_t keep = 0;

	memset(p->seen, 0, (size_t)cols * (size_t)fb_rows(server));
	for (size_t i = p->n_cells; i-- > 0;) {
		const struct cell_guess *g = &p->cells[i];
		uint8_t *seen = &p->seen[(size_t)g->row * (size_t)cols + (size_t)g->col];

		if (g->offset > ack || *seen)
			continue;	/* not yet due, or a newer guess decides */
		*seen = 1;
		read_cell(server, g->row, g->col, &actual);
		if (!same_text(&actual, &g->guess)) {
			if (g->epoch < wrong_epoch)
				wrong_epoch = g->epoch;
		} else if (g->changes) {
			note_confirmed(p, g, now_ms);
		}
	}
	for (size_t i = 0; i < p->n_cells; i++)
		if (p->cells[i].offset > ack)
			p->cells[keep++] = p->cells[i];
	p->n_cells = keep;
	return wrong_epoch;
}

/* The newest cursor guess the ack covers must match the server's cursor.
 * A right cursor confirms nothing: with echo off it does not move. */
static uint64_t judge_cursor(struct predict *p, const struct fb *server, uint64_t ack)
{
	uint64_t wrong_epoch = UINT64_MAX;
	size_t covered = 0;
	int row, col;

	while (covered < p->n_cursors && p->cursors[covered].offset <= ack)
		covered++;
	if (covered == 0)
		return wrong_epoch;
	fb_cursor(server, &row, &col);
	if (p->cursors[covered - 1].row != row || p->cursors[covered - 1].col != col)
		wrong_epoch = p->cursors[covered - 1].epoch;
	memmove(p->cursors, p->cursors + covered, (p->n_cursors - covered) * sizeof *p->cursors);
	p->n_cursors -= covered;
	return wrong_epoch;
}

static bool fit_scratch(struct predict *p, int cols, int rows)
{
	struct cell_text *segment;
	uint8_t *seen;

	if (cols == p->scratch_cols && rows == p->scratch_rows)
		return true;
	p->scratch_cols = p->scratch_rows = 0;	/* until both fit */
	segment = realloc(p->segment, ((size_t)cols + 1) * sizeof *segment);
	if (!segment)
		return false;
	p->segment = segment;
	seen = realloc(p->seen, (size_t)cols * (size_t)rows);
	if (!seen)
		return false;
	p->seen = seen;
	p->scratch_cols = cols;
	p->scratch_rows = rows;
	return true;
}

/* The view: the new server frame with the surviving guesses replayed. */
static void rebuild_view(struct predict *p, const struct fb *server)
{
	fb_free(p->view);
	p->view = fb_clone(server);
	if (!p->view) {
		forget_everything(p);
		return;
	}
	for (size_t i = 0; i < p->n_cells; i++) {
		const struct cell_guess *g = &p->cells[i];

		view_set_cell(p->view, g->row, g->col, &g->guess, &g->guess.pen);
	}
	if (p->n_cursors > 0)
		fb_set_cursor(p->view, p->cursors[p->n_cursors - 1].row,
			      p->cursors[p->n_cursors - 1].col);
}

static bool same_size(const struct fb *a, const struct fb *b)
{
	return fb_cols(a) == fb_cols(b) && fb_rows(a) == fb_rows(b);
}

void predict_server_frame(struct predict *p, const struct fb *server, uint64_t echo_ack,
			  uint64_t now_ms)
{
	if (p->mode == PREDICT_NEVER)
		return;
	if (!fit_scratch(p, fb_cols(server), fb_rows(server))) {
		forget_everything(p);
		fb_free(p->view);
		p->view = NULL;
		return;
	}
	if (!p->view || !same_size(p->view, server)) {
		if (p->n_cells || p->n_cursors || p->input_offset > echo_ack)
			forget_everything(p);
	} else {
		uint64_t wrong_cells = judge_cells(p, server, echo_ack, now_ms);
		uint64_t wrong_cursor = judge_cursor(p, server, echo_ack);
		uint64_t wrong = wrong_cells < wrong_cursor ? wrong_cells : wrong_cursor;

		if (wrong != UINT64_MAX)
			kill_from_epoch(p, wrong);
	}
	if (p->waiting && echo_ack >= p->wait_until) {
		p->waiting = false;
		start_epoch(p);
	}
	rebuild_view(p, server);
}

/* ---- Showing ---- */

static bool showing(const struct predict *p, uint64_t now_ms)
{
	if (p->mode == PREDICT_ALWAYS || p->rtt_slow || now_ms < p->glitch_until_ms)
		return true;
	return p->n_cells > 0 && now_ms - p->cells[0].made_ms >= SSPSH_PREDICT_GLITCH_MS;
}

bool predict_apply(const struct predict *p, struct fb *frame, uint64_t now_ms)
{
	bool changed = false;

	if (p->mode == PREDICT_NEVER || !p->view || !same_size(p->view, frame))
		return false;
	if (!showing(p, now_ms))
		return false;
	for (size_t i = 0; i < p->n_cells && p->cells[i].epoch <= p->confirmed_epoch; i++) {
		const struct cell_guess *g = &p->cells[i];
		struct fb_pen pen = g->guess.pen;

		if (p->rtt_very_slow && g->changes)
			pen.attrs |= FB_UNDERLINE;
		view_set_cell(frame, g->row, g->col, &g->guess, &pen);
		changed = true;
	}
	for (size_t i = p->n_cursors; i-- > 0;) {
		if (p->cursors[i].epoch <= p->confirmed_epoch) {
			fb_set_cursor(frame, p->cursors[i].row, p->cursors[i].col);
			changed = true;
			break;
		}
	}
	return changed;
}

int predict_wait_ms(const struct predict *p, uint64_t now_ms)
{
	uint64_t age;

	if (p->mode != PREDICT_ADAPTIVE || p->rtt_slow || p->n_cells == 0)
		return -1;
	age = now_ms - p->cells[0].made_ms;
	if (age < SSPSH_PREDICT_GLITCH_MS)
		return (int)(SSPSH_PREDICT_GLITCH_MS - age);
	if (p->glitch_until_ms > now_ms)
		return (int)(p->glitch_until_ms - now_ms);
	return -1;
}
