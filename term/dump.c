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

void dump_screen(const struct fb *fb, struct buf *out)
{
	int row, col;

	for (row = 0; row < fb_rows(fb); row++) {
		dump_row(fb, row, out);
		buf_put_u8(out, '\n');
	}
	fb_cursor(fb, &row, &col);
	buf_printf(out, "cursor %d,%d\n", row, col);
}
