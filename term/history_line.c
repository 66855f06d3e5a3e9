/* History entries: see term/history_line.h for the format. */
#include "term/history_line.h"

#include <string.h>

#include "core/options.h"
#include "core/utf8.h"

enum token {
	TOKEN_WIDE_RUN = 0x01,
	TOKEN_CLUSTER = 0x02,
	TOKEN_WIDE_CLUSTER = 0x03,
	TOKEN_BLANKS = 0x04,
	TOKEN_PEN = 0x05,
};

/* Which fields of a pen follow, and how: an index is one byte, RGB three. */
enum pen_flag {
	PEN_FG_INDEXED = 1, PEN_FG_RGB = 2, PEN_BG_INDEXED = 4, PEN_BG_RGB = 8, PEN_ATTRS = 16,
	PEN_UL_INDEXED = 32, PEN_UL_RGB = 64,
};
#define PEN_FLAGS 127u

/* Cells one run token covers at most, so that a line cut at the size
 * limit loses little more than what did not fit. */
#define RUN_MAX 64
/* Blank cells worth a run token rather than spaces. */
#define BLANK_RUN_MIN 3

#define ATTRS_ALL 0x1fffu

_Static_assert(SSPSH_HISTORY_LINE_MAX >= 64, "an entry holds at least a short line");

/* ---- Encoding ---- */

static bool is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp < 0xa0);
}

static bool is_default_blank(const struct fb_cell *cell)
{
	static const struct fb_pen plain;

	return cell->ch == ' ' && cell->width == 1 && !cell->cluster && fb_pen_equal(&cell->pen, &plain);
}

static bool is_blank(const struct fb_cell *cell)
{
	return cell->ch == ' ' && cell->width == 1 && !cell->cluster;
}

static bool is_ascii(const struct fb_cell *cell)
{
	return cell->ch >= 0x20 && cell->ch < 0x7f && cell->width == 1 && !cell->cluster;
}

static bool is_plain_wide(const struct fb_cell *cell)
{
	return cell->width == 2 && !cell->cluster;
}

/* The pen flag for colour c; `indexed` is the flag of an indexed one. */
static unsigned color_flag(fb_color c, unsigned indexed)
{
	if (c == FB_COLOR_DEFAULT)
		return 0;
	return FB_COLOR_KIND(c) == FB_KIND_RGB ? indexed << 1 : indexed;
}

static void put_color(struct buf *out, fb_color c)
{
	if (FB_COLOR_KIND(c) == FB_KIND_RGB) {
		buf_put_u8(out, (uint8_t)(c >> 16));
		buf_put_u8(out, (uint8_t)(c >> 8));
	}
	buf_put_u8(out, (uint8_t)c);
}

static void put_pen(struct buf *out, const struct fb_pen *pen)
{
	fb_color underline = fb_pen_underline(pen);
	unsigned flags = color_flag(pen->fg, PEN_FG_INDEXED) | color_flag(pen->bg, PEN_BG_INDEXED) |
			 (pen->attrs ? PEN_ATTRS : 0) | color_flag(underline, PEN_UL_INDEXED);

	buf_put_u8(out, TOKEN_PEN);
	buf_put_u8(out, (uint8_t)flags);
	if (pen->fg)
		put_color(out, pen->fg);
	if (pen->bg)
		put_color(out, pen->bg);
	if (pen->attrs)
		buf_put_varint(out, pen->attrs & ATTRS_ALL);
	if (underline)
		put_color(out, underline);
}

static void put_code_point(struct buf *out, uint32_t cp)
{
	char text[UTF8_MAX_LEN];

	if (is_control(cp))
		cp = '?';
	buf_put(out, text, utf8_encode(cp, text));
}

/* Cells from col on that `same` accepts with the pen of the first, at most
 * RUN_MAX; `step` is the width of each. */
static int run_length(const struct fb_cell *cells, int col, int end, int step,
		      bool (*same)(const struct fb_cell *))
{
	int n = 0;

	while (col < end && n < RUN_MAX && same(&cells[col]) && fb_pen_equal(&cells[col].pen, &cells[0].pen)) {
		n++;
		col += step;
	}
	return n;
}

/* ASCII cells are their own bytes: copy a run of them at once, up to a
 * stretch of blanks that a blank run token says shorter. */
static int put_ascii_run(const struct fb_cell *cells, int n, struct buf *out)
{
	int spaces = 0, i;

	for (i = 0; i < n; i++) {
		spaces = cells[i].ch == ' ' ? spaces + 1 : 0;
		if (spaces == BLANK_RUN_MIN)
			break;
	}
	n = i - (spaces == BLANK_RUN_MIN ? BLANK_RUN_MIN - 1 : 0);
	if (!buf_reserve(out, (size_t)n))
		return n;
	for (i = 0; i < n; i++)
		out->data[out->len++] = (uint8_t)cells[i].ch;
	return n;
}

/* Encode the cells starting at col; returns the columns they cover. */
static int put_cells(const struct fb *fb, int row, int col, int end, struct buf *out)
{
	const struct fb_cell *cells = fb_cell(fb, row, col);
	char text[FB_CLUSTER_MAX];
	size_t len;
	int n;

	if (cells->cluster) {
		len = fb_cell_text(fb, row, col, text, sizeof text);
		buf_put_u8(out, cells->width == 2 ? TOKEN_WIDE_CLUSTER : TOKEN_CLUSTER);
		buf_put_u8(out, (uint8_t)len);
		buf_put(out, text, len);
		return cells->width == 2 ? 2 : 1;
	}
	if (is_plain_wide(cells)) {
		n = run_length(cells, 0, end - col, 2, is_plain_wide);
		buf_put_u8(out, TOKEN_WIDE_RUN);
		buf_put_varint(out, (uint64_t)n);
		for (int i = 0; i < n; i++)
			put_code_point(out, cells[2 * i].ch);
		return 2 * n;
	}
	if (is_ascii(cells) && cells->ch != ' ') {
		return put_ascii_run(cells, run_length(cells, 0, end - col, 1, is_ascii), out);
	}
	if (is_blank(cells) && (n = run_length(cells, 0, end - col, 1, is_blank)) >= BLANK_RUN_MIN) {
		buf_put_u8(out, TOKEN_BLANKS);
		buf_put_varint(out, (uint64_t)n);
		return n;
	}
	/* A stray right half of a wide cell takes its column as a blank. */
	put_code_point(out, cells->width == 0 ? ' ' : cells->ch);
	return 1;
}

void history_line_encode(const struct fb *fb, int row, struct buf *out)
{
	const struct fb_cell *cells = fb_cell(fb, row, 0);
	struct fb_pen pen = { 0 };
	size_t start = out->len;
	int end = fb_cols(fb);

	buf_put_varint(out, (uint64_t)fb_cols(fb));
	if (!cells)
		return;
	while (end > 0 && is_default_blank(&cells[end - 1]))
		end--;
	for (int col = 0; col < end;) {
		size_t mark = out->len;
		if (cells[col].width != 0 && !fb_pen_equal(&pen, &cells[col].pen)) {
			pen = cells[col].pen;
			put_pen(out, &pen);
		}
		col += put_cells(fb, row, col, end, out);
		if (out->len - start > SSPSH_HISTORY_LINE_MAX) {
			out->len = mark;
			break;
		}
	}
}

void history_erase_encode(struct buf *out)
{
	buf_put_varint(out, 0);
}

bool history_entry_is_erase(const uint8_t *data, size_t len)
{
	return len == 1 && data[0] == 0;
}

/* ---- Decoding ---- */

struct decoder {
	struct reader in;
	struct fb *line;
	int col, cols;
	struct fb_pen pen;
	bool no_memory;
};

/* One code point that a cell may hold; UTF8_INVALID if the bytes are not
 * one (the reader then fails). */
static uint32_t read_code_point(struct reader *in)
{
	uint32_t cp = UTF8_INVALID;
	size_t used;

	if (reader_left(in) == 0) {
		in->failed = true;
		return UTF8_INVALID;
	}
	used = utf8_decode(in->p + in->off, reader_left(in), &cp);
	in->off += used;
	if (cp == UTF8_INVALID || is_control(cp)) {
		in->failed = true;
		return UTF8_INVALID;
	}
	return cp;
}

/* Room for a cell of `width` at the decoder's column? */
static bool cell_fits(struct decoder *d, int width)
{
	if (d->col + width > d->cols)
		d->in.failed = true;
	return !d->in.failed;
}

static void put_char(struct decoder *d, uint32_t cp, int width)
{
	if (!cell_fits(d, width))
		return;
	if (!fb_set_char(d->line, 0, d->col, cp, width, &d->pen))
		d->no_memory = true;
	d->col += width;
}

static void read_ascii(struct decoder *d)
{
	const uint8_t *text = d->in.p + d->in.off;
	size_t n = 0, left = reader_left(&d->in);

	while (n < left && text[n] >= 0x20 && text[n] < 0x7f)
		n++;
	if (!cell_fits(d, (int)n))
		return;
	if (!fb_set_ascii(d->line, 0, d->col, (const char *)text, n, &d->pen))
		d->no_memory = true;
	d->in.off += n;
	d->col += (int)n;
}

static void read_wide_run(struct decoder *d)
{
	uint64_t n = rd_varint(&d->in);

	if (n == 0 || n > (uint64_t)d->cols)
		d->in.failed = true;
	for (uint64_t i = 0; i < n && !d->in.failed; i++) {
		uint32_t cp = read_code_point(&d->in);
		if (!d->in.failed)
			put_char(d, cp, 2);
	}
}

/* A cluster: one or more code points a cell holds, at most
 * FB_CLUSTER_MAX - 1 bytes. */
static void read_cluster(struct decoder *d, int width)
{
	size_t len = rd_u8(&d->in);
	const uint8_t *text;
	struct reader check;

	if (len == 0 || len >= FB_CLUSTER_MAX || !(text = rd_bytes(&d->in, len))) {
		d->in.failed = true;
		return;
	}
	reader_init(&check, text, len);
	while (reader_left(&check) && !check.failed)
		read_code_point(&check);
	if (check.failed)
		d->in.failed = true;
	if (!cell_fits(d, width))
		return;
	if (!fb_set_cell(d->line, 0, d->col, (const char *)text, len, width, &d->pen))
		d->no_memory = true;
	d->col += width;
}

static void read_blanks(struct decoder *d)
{
	uint64_t n = rd_varint(&d->in);

	if (n == 0 || n > (uint64_t)(d->cols - d->col))
		d->in.failed = true;
	for (int i = 0; i < (int)n && !d->in.failed; i++)
		put_char(d, ' ', 1);
}

/* The colour the flags give with `indexed` as the indexed flag. */
static fb_color read_color(struct reader *in, unsigned flags, unsigned indexed)
{
	uint8_t r, g, b;

	if (flags & indexed)
		return FB_COLOR_INDEXED(rd_u8(in));
	if (!(flags & indexed << 1))
		return FB_COLOR_DEFAULT;
	r = rd_u8(in);
	g = rd_u8(in);
	b = rd_u8(in);
	return FB_COLOR_RGB(r, g, b);
}

static void read_pen(struct decoder *d)
{
	unsigned flags = rd_u8(&d->in);
	uint64_t attrs = 0;

	if ((flags & ~PEN_FLAGS) || (flags & 3) == 3 || (flags & 12) == 12 || (flags & 96) == 96)
		d->in.failed = true;	/* unknown, or a colour given twice */
	d->pen.fg = read_color(&d->in, flags, PEN_FG_INDEXED);
	d->pen.bg = read_color(&d->in, flags, PEN_BG_INDEXED);
	if (flags & PEN_ATTRS)
		attrs = rd_varint(&d->in);
	if (attrs > ATTRS_ALL)
		d->in.failed = true;
	d->pen.attrs = (uint16_t)attrs;
	fb_pen_set_underline(&d->pen, read_color(&d->in, flags, PEN_UL_INDEXED));
}

static void read_token(struct decoder *d)
{
	uint8_t first = d->in.p[d->in.off];

	if (first >= 0x20 && first < 0x7f) {
		read_ascii(d);
		return;
	}
	if (first >= 0x80) {
		uint32_t cp = read_code_point(&d->in);
		if (!d->in.failed)
			put_char(d, cp, 1);
		return;
	}
	d->in.off++;
	switch (first) {
	case TOKEN_WIDE_RUN:
		read_wide_run(d);
		break;
	case TOKEN_CLUSTER:
	case TOKEN_WIDE_CLUSTER:
		read_cluster(d, first == TOKEN_WIDE_CLUSTER ? 2 : 1);
		break;
	case TOKEN_BLANKS:
		read_blanks(d);
		break;
	case TOKEN_PEN:
		read_pen(d);
		break;
	default:
		d->in.failed = true;
		break;
	}
}

enum history_entry_kind history_entry_decode(const uint8_t *data, size_t len,
					     struct fb **line)
{
	struct decoder d = { .line = NULL };
	uint64_t cols;

	*line = NULL;
	if (len > SSPSH_HISTORY_LINE_MAX)
		return HISTORY_ENTRY_MALFORMED;
	reader_init(&d.in, data, len);
	cols = rd_varint(&d.in);
	if (d.in.failed || cols > SSPSH_MAX_COLS)
		return HISTORY_ENTRY_MALFORMED;
	if (cols == 0)
		return reader_done(&d.in) ? HISTORY_ENTRY_ERASE : HISTORY_ENTRY_MALFORMED;
	d.cols = (int)cols;
	d.line = fb_new(d.cols, 1);
	if (!d.line)
		return HISTORY_ENTRY_NO_MEMORY;
	while (reader_left(&d.in) && !d.in.failed && !d.no_memory)
		read_token(&d);
	if (d.no_memory || !reader_done(&d.in)) {
		fb_free(d.line);
		return d.no_memory ? HISTORY_ENTRY_NO_MEMORY : HISTORY_ENTRY_MALFORMED;
	}
	*line = d.line;
	return HISTORY_ENTRY_LINE;
}
