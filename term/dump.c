#include "term/dump.h"

void dump_row(const struct fb *fb, int row, struct buf *out)
{
	char text[FB_CLUSTER_MAX];
	size_t start = out->len, keep = out->len;

	for (int col = 0; col < fb_cols(fb); col++) {
		const struct fb_cell *cell = fb_cell(fb, row, col);

		if (cell->width == 0)
			continue;
		size_t len = fb_cell_text(fb, row, col, text, sizeof text);
		buf_put(out, text, len);
		if (len != 1 || text[0] != ' ')
			keep = out->len;
	}
	if (out->len > start)
		out->len = keep;
}

static void dump_cursor(const struct fb *fb, struct buf *out)
{
	int row, col;

	fb_cursor(fb, &row, &col);
	buf_printf(out, "cursor %d,%d\n", row, col);
}

void dump_screen(const struct fb *fb, struct buf *out)
{
	for (int row = 0; row < fb_rows(fb); row++) {
		dump_row(fb, row, out);
		buf_put_u8(out, '\n');
	}
	dump_cursor(fb, out);
}

/* ";3N", ";9N", ";38;5;N" or ";38;2;R;G;B" for base 30 (fg), 40 (bg) or,
 * always in the long forms, 50 (the underline). */
static void put_color(struct buf *out, fb_color color, unsigned base)
{
	uint32_t value = color & 0xffffff;

	if (color == FB_COLOR_DEFAULT)
		return;
	if (FB_COLOR_KIND(color) == FB_KIND_RGB)
		buf_printf(out, ";%u;2;%u;%u;%u", base + 8, value >> 16, value >> 8 & 0xff, value & 0xff);
	else if (value < 8 && base != 50)
		buf_printf(out, ";%u", base + value);
	else if (value < 16 && base != 50)
		buf_printf(out, ";%u", base + 60 + value - 8);
	else
		buf_printf(out, ";%u;5;%u", base + 8, value);
}

/* The underline's code, for a pen with any of FB_UNDERLINES. */
static const char *underline_code(uint16_t attrs)
{
	if (attrs & FB_DOUBLE_UNDERLINE)
		return "4:2";
	if (attrs & FB_UNDERLINE_CURLY)
		return "4:3";
	if (attrs & FB_UNDERLINE_DOTTED)
		return "4:4";
	return attrs & FB_UNDERLINE_DASHED ? "4:5" : "4";
}

static void put_pen(struct buf *out, const struct fb_pen *pen)
{
	static const struct { uint16_t attrs; const char *code; } codes[] = {
		{ FB_BOLD, "1" }, { FB_DIM, "2" }, { FB_ITALIC, "3" }, { FB_UNDERLINES, NULL },
		{ FB_BLINK, "5" }, { FB_INVERSE, "7" }, { FB_HIDDEN, "8" },
		{ FB_STRIKE, "9" }, { FB_OVERLINE, "53" },
	};

	buf_put_str(out, "\033[0");
	for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
		if (pen->attrs & codes[i].attrs)
			buf_printf(out, ";%s", codes[i].code ? codes[i].code : underline_code(pen->attrs));
	put_color(out, pen->fg, 30);
	put_color(out, pen->bg, 40);
	put_color(out, fb_pen_underline(pen), 50);
	buf_put_u8(out, 'm');
}

static bool blank_default(const struct fb *fb, int row, int col)
{
	static const struct fb_pen plain;
	const struct fb_cell *cell = fb_cell(fb, row, col);

	return cell->ch == ' ' && !cell->cluster && fb_pen_equal(&cell->pen, &plain);
}

static void dump_row_sgr(const struct fb *fb, int row, struct buf *out)
{
	static const struct fb_pen plain;
	const struct fb_pen *pen = &plain;
	char text[FB_CLUSTER_MAX];
	int end = fb_cols(fb);

	while (end > 0 && blank_default(fb, row, end - 1))
		end--;
	for (int col = 0; col < end; col++) {
		const struct fb_cell *cell = fb_cell(fb, row, col);

		if (cell->width == 0)
			continue;
		if (!fb_pen_equal(&cell->pen, pen))
			put_pen(out, &cell->pen);
		pen = &cell->pen;
		buf_put(out, text, fb_cell_text(fb, row, col, text, sizeof text));
	}
	if (!fb_pen_equal(pen, &plain))
		buf_put_str(out, "\033[0m");
}

void dump_screen_sgr(const struct fb *fb, struct buf *out)
{
	for (int row = 0; row < fb_rows(fb); row++) {
		dump_row_sgr(fb, row, out);
		buf_put_u8(out, '\n');
	}
	dump_cursor(fb, out);
}
