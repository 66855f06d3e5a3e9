/* The framebuffer. A frame is an array of pointers to reference-counted
 * rows; a row is written only when its count is 1 (row_writable copies it
 * otherwise), so clones and scrolls move pointers, not cells. Clusters
 * longer than one code point keep their tail in the row's cluster store
 * (term/fb_cluster.h); cell.cluster is its id there. */
#include "term/fb.h"

#include "term/fb_cluster.h"

#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"

_Static_assert(sizeof(struct fb_cell) == 16, "a cell is 16 bytes");

struct fb_row {
	unsigned refs;
	bool wrapped;	/* autowrap carried this row's text on to the next */
	struct cluster_store *store;	/* NULL until a cell needs it */
	struct fb_cell cells[];
};

struct fb {
	int cols, rows;
	struct fb_row **row;
	int cursor_row, cursor_col;
	struct fb_pen cursor_pen;
	struct fb_modes modes;
	char *title;
	size_t title_len;
	char *clipboard;
	size_t clipboard_len;
	uint32_t clipboard_serial;
	uint32_t bells;
};

static const char empty_string[] = "";

/* ---- Rows ---- */

static struct fb_cell blank_cell(const struct fb_pen *pen)
{
	struct fb_cell c;

	memset(&c, 0, sizeof c);
	c.ch = ' ';
	c.width = 1;
	if (pen)
		c.pen.bg = pen->bg;
	return c;
}

static struct fb_row *row_new(int cols, const struct fb_pen *pen)
{
	struct fb_row *row = malloc(sizeof *row + (size_t)cols * sizeof row->cells[0]);
	struct fb_cell blank = blank_cell(pen);

	if (!row)
		return NULL;
	row->refs = 1;
	row->wrapped = false;
	row->store = NULL;
	for (int i = 0; i < cols; i++)
		row->cells[i] = blank;
	return row;
}

static void row_release(struct fb_row *row)
{
	if (!row || --row->refs)
		return;
	cluster_store_free(row->store);
	free(row);
}

static struct fb_row *row_copy(const struct fb_row *src, int cols)
{
	struct fb_row *row = malloc(sizeof *row + (size_t)cols * sizeof row->cells[0]);

	if (!row)
		return NULL;
	row->refs = 1;
	row->wrapped = src->wrapped;
	row->store = NULL;
	memcpy(row->cells, src->cells, (size_t)cols * sizeof row->cells[0]);
	if (cluster_store_used(src->store) && !(row->store = cluster_store_copy(src->store))) {
		free(row);
		return NULL;
	}
	return row;
}

static struct fb_row *row_unshare(struct fb *fb, int r)
{
	struct fb_row *row = row_copy(fb->row[r], fb->cols);

	if (!row)
		return NULL;
	row_release(fb->row[r]);
	fb->row[r] = row;
	return row;
}

/* The row, unshared so it can be written; NULL on OOM. Inline because
 * every cell write asks, and the row is nearly always unshared already. */
static inline struct fb_row *row_writable(struct fb *fb, int r)
{
	struct fb_row *row = fb->row[r];

	return row->refs == 1 ? row : row_unshare(fb, r);
}

/* Whether the row holds a cluster: most rows never even get a store. */
static bool row_has_clusters(const struct fb_row *row)
{
	return row->store && cluster_store_used(row->store);
}

static void cell_clear(struct fb_row *row, int col, struct fb_cell blank)
{
	cluster_drop(row->store, row->cells[col].cluster);
	row->cells[col] = blank;
}

/* The wide cell at col - 1 and col becomes two blanks, erased with `pen`
 * (its background): the pen of what is written or erased over part of it,
 * as xterm clears the rest of such a character (ClearCells), not the
 * character's own pen, whose underline or reverse would linger. */
static void blank_wide(struct fb_row *row, int col, const struct fb_pen *pen)
{
	struct fb_cell blank = blank_cell(pen);

	cell_clear(row, col - 1, blank);
	cell_clear(row, col, blank);
}

/* A wide cell whose two halves are split by a boundary at `col` (the cell
 * at col is a continuation) turns into two blanks. Inline: every cell
 * write asks, and the answer is nearly always no. */
static inline void unsplit_wide(struct fb_row *row, int cols, int col, const struct fb_pen *pen)
{
	if (col > 0 && col < cols && row->cells[col].width == 0)
		blank_wide(row, col, pen);
}

static void row_fill(struct fb_row *row, int from, int to, const struct fb_pen *pen)
{
	struct fb_cell blank = blank_cell(pen);

	if (!row_has_clusters(row)) {	/* no cluster to drop */
		for (int i = from; i < to; i++)
			row->cells[i] = blank;
		return;
	}
	for (int i = from; i < to; i++)
		cell_clear(row, i, blank);
}

static bool cell_same(const struct fb_row *ra, const struct fb_cell *a,
		      const struct fb_row *rb, const struct fb_cell *b)
{
	const char *ta, *tb;
	size_t la, lb;

	if (a->ch != b->ch || a->width != b->width || !fb_pen_equal(&a->pen, &b->pen))
		return false;
	if (!a->cluster && !b->cluster)
		return true;
	ta = cluster_get(ra->store, a->cluster, &la);
	tb = cluster_get(rb->store, b->cluster, &lb);
	return la == lb && memcmp(ta, tb, la) == 0;
}

/* ---- Frames ---- */

struct fb *fb_new(int cols, int rows)
{
	struct fb *fb;

	if (cols < 1 || rows < 1)
		return NULL;
	fb = calloc(1, sizeof *fb);
	if (!fb)
		return NULL;
	fb->cols = cols;
	fb->rows = rows;
	fb->modes.cursor_visible = true;
	fb->row = calloc((size_t)rows, sizeof fb->row[0]);
	if (!fb->row)
		goto fail;
	fb->row[0] = row_new(cols, NULL);
	if (!fb->row[0])
		goto fail;
	/* Blank rows start shared; the first write copies. */
	for (int r = 1; r < rows; r++) {
		fb->row[r] = fb->row[0];
		fb->row[0]->refs++;
	}
	return fb;
fail:
	fb_free(fb);
	return NULL;
}

void fb_free(struct fb *fb)
{
	if (!fb)
		return;
	if (fb->row)
		for (int r = 0; r < fb->rows; r++)
			row_release(fb->row[r]);
	free(fb->row);
	free(fb->title);
	free(fb->clipboard);
	free(fb);
}

static char *dup_bytes(const char *s, size_t len)
{
	char *p = malloc(len + 1);

	if (!p)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

struct fb *fb_clone(const struct fb *src)
{
	struct fb *fb = malloc(sizeof *fb);

	if (!fb)
		return NULL;
	*fb = *src;
	fb->title = NULL;
	fb->clipboard = NULL;
	fb->row = malloc((size_t)src->rows * sizeof fb->row[0]);
	if (!fb->row || (src->title && !(fb->title = dup_bytes(src->title, src->title_len))) ||
	    (src->clipboard && !(fb->clipboard = dup_bytes(src->clipboard, src->clipboard_len)))) {
		free(fb->row);
		free(fb->title);
		free(fb->clipboard);
		free(fb);
		return NULL;
	}
	for (int r = 0; r < src->rows; r++) {
		fb->row[r] = src->row[r];
		fb->row[r]->refs++;
	}
	return fb;
}

bool fb_copy_cells(struct fb *dst, const struct fb *src)
{
	if (dst->cols != src->cols || dst->rows != src->rows)
		return false;
	for (int r = 0; r < src->rows; r++) {
		src->row[r]->refs++;	/* first: dst may share the row already */
		row_release(dst->row[r]);
		dst->row[r] = src->row[r];
	}
	return true;
}

static bool modes_equal(const struct fb_modes *a, const struct fb_modes *b)
{
	return a->app_cursor == b->app_cursor && a->app_keypad == b->app_keypad &&
	       a->bracketed_paste == b->bracketed_paste && a->focus_events == b->focus_events &&
	       a->cursor_visible == b->cursor_visible && a->reverse_video == b->reverse_video &&
	       a->mouse_mode == b->mouse_mode && a->mouse_encoding == b->mouse_encoding &&
	       a->cursor_shape == b->cursor_shape;
}

bool fb_equal(const struct fb *a, const struct fb *b)
{
	if (a->cols != b->cols || a->rows != b->rows || a->cursor_row != b->cursor_row ||
	    a->cursor_col != b->cursor_col || !fb_pen_equal(&a->cursor_pen, &b->cursor_pen) ||
	    a->bells != b->bells ||
	    a->clipboard_serial != b->clipboard_serial || !modes_equal(&a->modes, &b->modes) ||
	    strcmp(fb_title(a), fb_title(b)) != 0 ||
	    strcmp(fb_clipboard(a, NULL), fb_clipboard(b, NULL)) != 0)
		return false;
	for (int r = 0; r < a->rows; r++)
		if (!fb_row_equal(a, r, b, r))
			return false;
	return true;
}

bool fb_resize(struct fb *fb, int cols, int rows)
{
	struct fb_row **grid;
	int keep_cols = cols < fb->cols ? cols : fb->cols;

	if (cols < 1 || rows < 1)
		return false;
	if (cols == fb->cols && rows == fb->rows)
		return true;
	grid = calloc((size_t)rows, sizeof grid[0]);
	if (!grid)
		return false;
	for (int r = 0; r < rows; r++) {
		struct fb_row *row = row_new(cols, NULL);
		if (!row)
			goto fail;
		grid[r] = row;
		if (r >= fb->rows)
			continue;
		const struct fb_row *old = fb->row[r];
		row->wrapped = old->wrapped && cols == fb->cols;
		for (int c = 0; c < keep_cols; c++) {
			struct fb_cell cell = old->cells[c];
			if (cell.cluster) {
				size_t len;
				const char *tail = cluster_get(old->store, cell.cluster, &len);
				cell.cluster = cluster_put(&row->store, tail, len);
			}
			row->cells[c] = cell;
		}
		/* A wide cell cut in half by the new right edge becomes blank. */
		if (keep_cols < fb->cols && row->cells[keep_cols - 1].width == 2)
			row_fill(row, keep_cols - 1, keep_cols, &row->cells[keep_cols - 1].pen);
	}
	for (int r = 0; r < fb->rows; r++)
		row_release(fb->row[r]);
	free(fb->row);
	fb->row = grid;
	fb->cols = cols;
	fb->rows = rows;
	grid[rows - 1]->wrapped = false;	/* none below it */
	fb_set_cursor(fb, fb->cursor_row, fb->cursor_col);
	return true;
fail:
	for (int r = 0; r < rows; r++)
		row_release(grid[r]);
	free(grid);
	return false;
}

int fb_cols(const struct fb *fb)
{
	return fb->cols;
}

int fb_rows(const struct fb *fb)
{
	return fb->rows;
}

static bool in_range(const struct fb *fb, int row, int col)
{
	return row >= 0 && row < fb->rows && col >= 0 && col < fb->cols;
}

const struct fb_cell *fb_cell(const struct fb *fb, int row, int col)
{
	if (!in_range(fb, row, col))
		return NULL;
	return &fb->row[row]->cells[col];
}

size_t fb_cell_text(const struct fb *fb, int row, int col, char *out, size_t cap)
{
	char text[FB_CLUSTER_MAX];
	const struct fb_row *r;
	const struct fb_cell *cell;
	const char *tail;
	size_t len = 0, tail_len;

	if (in_range(fb, row, col)) {
		r = fb->row[row];
		cell = &r->cells[col];
		if (cell->width != 0) {
			len = utf8_encode(cell->ch, text);
			tail = cluster_get(r->store, cell->cluster, &tail_len);
			memcpy(text + len, tail, tail_len);
			len += tail_len;
		}
	}
	if (cap == 0)
		return 0;
	if (len >= cap)
		len = cap - 1;
	memcpy(out, text, len);
	out[len] = '\0';
	return len;
}

bool fb_row_equal(const struct fb *a, int row_a, const struct fb *b, int row_b)
{
	const struct fb_row *ra, *rb;

	if (a->cols != b->cols || row_a < 0 || row_a >= a->rows || row_b < 0 || row_b >= b->rows)
		return false;
	ra = a->row[row_a];
	rb = b->row[row_b];
	if (ra == rb)
		return true;
	if (ra->wrapped != rb->wrapped)
		return false;
	for (int c = 0; c < a->cols; c++)
		if (!cell_same(ra, &ra->cells[c], rb, &rb->cells[c]))
			return false;
	return true;
}

/* How many bytes of the cluster text fit the cell: whole code points only,
 * FB_CLUSTER_MAX - 1 bytes at most. Sets *ch to the first code point and
 * *first to its encoded length. */
static size_t cluster_fit(const char *text, size_t len, uint32_t *ch, size_t *first)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t used, n;
	uint32_t cp;

	if (len == 0) {
		*ch = ' ';
		*first = 0;
		return 0;
	}
	used = utf8_decode(s, len, ch);
	if (*ch == UTF8_INVALID)
		*ch = UTF8_REPLACEMENT;
	*first = used;
	while (used < len) {
		n = utf8_decode(s + used, len - used, &cp);
		if (used + n > FB_CLUSTER_MAX - 1)
			break;
		used += n;
	}
	return used;
}

/* Write a cell in place. Building it on the stack and copying it in would
 * stall: the 16-byte load waits for the bit-field stores before it. */
static void cell_put(struct fb_cell *cell, uint32_t ch, int width, uint8_t cluster,
		     const struct fb_pen *pen)
{
	cell->pen = *pen;
	cell->ch = ch;
	cell->width = (unsigned)width;
	cell->cluster = cluster;
}

/* The row, unshared and ready for a cell of `width` at col written with
 * `pen`: no wide cell is split by it and the cells it covers hold no
 * cluster. NULL on OOM. */
static struct fb_row *row_for_cell(struct fb *fb, int row, int col, int width,
				   const struct fb_pen *pen)
{
	struct fb_row *r = row_writable(fb, row);

	if (!r)
		return NULL;
	unsplit_wide(r, fb->cols, col, pen);
	unsplit_wide(r, fb->cols, col + width, pen);
	if (row_has_clusters(r)) {
		cluster_drop(r->store, r->cells[col].cluster);
		if (width == 2)
			cluster_drop(r->store, r->cells[col + 1].cluster);
	}
	return r;
}

bool fb_set_char(struct fb *fb, int row, int col, uint32_t ch, int width,
		 const struct fb_pen *pen)
{
	static const struct fb_pen default_pen;
	struct fb_row *r;

	if (!in_range(fb, row, col))
		return true;
	if (!pen)
		pen = &default_pen;
	if (ch > 0x10ffff)
		ch = 0xfffd;
	if (width != 2) {
		width = 1;
	} else if (col == fb->cols - 1) {
		/* No room for the right half: the caller should have wrapped. */
		ch = ' ';
		width = 1;
	}
	r = row_for_cell(fb, row, col, width, pen);
	if (!r)
		return false;
	if (col + width == fb->cols)
		r->wrapped = false;
	cell_put(&r->cells[col], ch, width, 0, pen);
	if (width == 2)
		cell_put(&r->cells[col + 1], ' ', 0, 0, pen);
	return true;
}

bool fb_set_cell(struct fb *fb, int row, int col, const char *text, size_t len,
		 int width, const struct fb_pen *pen)
{
	static const struct fb_pen default_pen;
	struct fb_row *r;
	size_t first, fit;
	uint32_t ch;
	uint8_t cluster;

	fit = cluster_fit(text, len, &ch, &first);
	if (fit == first || (width == 2 && col == fb->cols - 1))
		return fb_set_char(fb, row, col, ch, width, pen);	/* no cluster to keep */
	if (!in_range(fb, row, col))
		return true;
	if (!pen)
		pen = &default_pen;
	if (width != 2)
		width = 1;
	r = row_for_cell(fb, row, col, width, pen);
	if (!r)
		return false;
	if (col + width == fb->cols)
		r->wrapped = false;
	cluster = cluster_put(&r->store, text + first, fit - first);
	cell_put(&r->cells[col], ch, width, cluster, pen);
	if (width == 2)
		cell_put(&r->cells[col + 1], ' ', 0, 0, pen);
	return true;
}

bool fb_set_ascii(struct fb *fb, int row, int col, const char *text, size_t len,
		  const struct fb_pen *pen)
{
	static const struct fb_pen default_pen;
	struct fb_row *r;
	struct fb_cell cell;
	int end;

	if (!in_range(fb, row, col))
		return true;
	if (len > (size_t)(fb->cols - col))
		len = (size_t)(fb->cols - col);
	end = col + (int)len;
	r = row_writable(fb, row);
	if (!r)
		return false;
	unsplit_wide(r, fb->cols, col, pen);
	unsplit_wide(r, fb->cols, end, pen);
	if (end == fb->cols)
		r->wrapped = false;
	if (row_has_clusters(r))
		for (int i = col; i < end; i++)
			cluster_drop(r->store, r->cells[i].cluster);
	memset(&cell, 0, sizeof cell);
	cell.pen = pen ? *pen : default_pen;
	cell.width = 1;
	/* Whole cells first, then the character: building each cell on the
	 * stack would stall on the bit-field store before the 16-byte copy. */
	for (int i = col; i < end; i++) {
		r->cells[i] = cell;
		r->cells[i].ch = (unsigned char)*text++;
	}
	return true;
}

void fb_erase(struct fb *fb, int row, int col_from, int col_to, const struct fb_pen *pen)
{
	struct fb_row *r;

	if (row < 0 || row >= fb->rows)
		return;
	if (col_from < 0)
		col_from = 0;
	if (col_to > fb->cols)
		col_to = fb->cols;
	if (col_from >= col_to)
		return;
	r = row_writable(fb, row);
	if (!r)
		return;
	unsplit_wide(r, fb->cols, col_from, pen);
	unsplit_wide(r, fb->cols, col_to, pen);
	row_fill(r, col_from, col_to, pen);
	if (col_to == fb->cols)
		r->wrapped = false;
}

void fb_scroll(struct fb *fb, int top, int bottom, int n, const struct fb_pen *pen)
{
	int height, count, leave_from, enter_from;
	struct fb_row *blank = NULL;

	if (top < 0)
		top = 0;
	if (bottom > fb->rows)
		bottom = fb->rows;
	height = bottom - top;
	if (height <= 0 || n == 0)
		return;
	count = n > 0 ? n : -n;
	if (count > height)
		count = height;
	leave_from = n > 0 ? top : bottom - count;
	enter_from = n > 0 ? bottom - count : top;

	/* The rows that come in all share one blank row: a leaving row that
	 * nothing else holds if there is one, else a new one. */
	for (int r = leave_from; r < leave_from + count && !blank; r++)
		if (fb->row[r]->refs == 1)
			blank = fb->row[r];
	if (blank) {
		row_fill(blank, 0, fb->cols, pen);
		blank->wrapped = false;
		blank->refs++;
	} else if (!(blank = row_new(fb->cols, pen))) {
		return;
	}
	for (int r = leave_from; r < leave_from + count; r++)
		row_release(fb->row[r]);
	if (n > 0)
		memmove(&fb->row[top], &fb->row[top + count],
			(size_t)(height - count) * sizeof fb->row[0]);
	else
		memmove(&fb->row[top + count], &fb->row[top],
			(size_t)(height - count) * sizeof fb->row[0]);
	for (int r = enter_from; r < enter_from + count; r++) {
		fb->row[r] = blank;
		blank->refs++;
	}
	row_release(blank);
	fb_set_row_wrapped(fb, fb->rows - 1, false);	/* none below it */
}

void fb_shift_cells(struct fb *fb, int row, int col, int n, const struct fb_pen *pen)
{
	struct fb_row *r;
	int count, cols = fb->cols;

	if (!in_range(fb, row, col) || n == 0)
		return;
	count = n > 0 ? n : -n;
	if (count > cols - col)
		count = cols - col;
	r = row_writable(fb, row);
	if (!r)
		return;
	unsplit_wide(r, cols, col, pen);
	if (n > 0) {
		unsplit_wide(r, cols, cols - count, pen);
		row_fill(r, cols - count, cols, pen);	/* drops their clusters */
		memmove(&r->cells[col + count], &r->cells[col],
			(size_t)(cols - col - count) * sizeof r->cells[0]);
		for (int i = col; i < col + count; i++)
			r->cells[i] = blank_cell(pen);
	} else {
		unsplit_wide(r, cols, col + count, pen);
		row_fill(r, col, col + count, pen);
		memmove(&r->cells[col], &r->cells[col + count],
			(size_t)(cols - col - count) * sizeof r->cells[0]);
		for (int i = cols - count; i < cols; i++)
			r->cells[i] = blank_cell(pen);
	}
}

bool fb_row_wrapped(const struct fb *fb, int row)
{
	return row >= 0 && row < fb->rows && fb->row[row]->wrapped;
}

bool fb_set_row_wrapped(struct fb *fb, int row, bool wrapped)
{
	struct fb_row *r;

	if (row < 0 || row >= fb->rows || fb->row[row]->wrapped == wrapped)
		return true;
	if (wrapped && row == fb->rows - 1)
		return true;	/* no row below to continue on */
	r = row_writable(fb, row);
	if (!r)
		return false;
	r->wrapped = wrapped;
	return true;
}

void fb_cursor(const struct fb *fb, int *row, int *col)
{
	*row = fb->cursor_row;
	*col = fb->cursor_col;
}

void fb_set_cursor(struct fb *fb, int row, int col)
{
	fb->cursor_row = row < 0 ? 0 : row >= fb->rows ? fb->rows - 1 : row;
	fb->cursor_col = col < 0 ? 0 : col >= fb->cols ? fb->cols - 1 : col;
}

const struct fb_pen *fb_cursor_pen(const struct fb *fb)
{
	return &fb->cursor_pen;
}

void fb_set_cursor_pen(struct fb *fb, const struct fb_pen *pen)
{
	fb->cursor_pen = *pen;
}

const struct fb_modes *fb_modes(const struct fb *fb)
{
	return &fb->modes;
}

void fb_set_modes(struct fb *fb, const struct fb_modes *modes)
{
	fb->modes = *modes;
}

const char *fb_title(const struct fb *fb)
{
	return fb->title ? fb->title : empty_string;
}

static bool set_string(char **dst, size_t *dst_len, const char *s, size_t len)
{
	char *p = dup_bytes(s, len);

	if (!p)
		return false;
	free(*dst);
	*dst = p;
	*dst_len = len;
	return true;
}

bool fb_set_title(struct fb *fb, const char *title, size_t len)
{
	if (len == fb->title_len && fb->title && memcmp(fb->title, title, len) == 0)
		return true;
	return set_string(&fb->title, &fb->title_len, title, len);
}

const char *fb_clipboard(const struct fb *fb, uint32_t *serial)
{
	if (serial)
		*serial = fb->clipboard_serial;
	return fb->clipboard ? fb->clipboard : empty_string;
}

bool fb_set_clipboard(struct fb *fb, const char *base64, size_t len)
{
	if (!set_string(&fb->clipboard, &fb->clipboard_len, base64, len))
		return false;
	fb->clipboard_serial++;
	return true;
}

uint32_t fb_bells(const struct fb *fb)
{
	return fb->bells;
}

void fb_ring_bell(struct fb *fb)
{
	fb->bells++;
}

void fb_set_bells(struct fb *fb, uint32_t bells)
{
	fb->bells = bells;
}

size_t fb_memory(const struct fb *fb)
{
	size_t total = sizeof *fb + (size_t)fb->rows * sizeof fb->row[0];

	for (int r = 0; r < fb->rows; r++) {
		const struct fb_row *row = fb->row[r];
		total += sizeof *row + (size_t)fb->cols * sizeof row->cells[0];
		total += cluster_store_memory(row->store);
	}
	if (fb->title)
		total += fb->title_len + 1;
	if (fb->clipboard)
		total += fb->clipboard_len + 1;
	return total;
}
