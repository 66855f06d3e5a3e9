#include "term/fb.h"
#include "test/unit/unit.h"

#include <stdlib.h>

static const struct fb_pen plain;

static void put(struct fb *fb, int row, int col, const char *text, int width)
{
	EXPECT(fb_set_cell(fb, row, col, text, strlen(text), width, &plain));
}

/* The row's text, continuation cells skipped. */
static const char *row_text(const struct fb *fb, int row)
{
	static char line[4096];
	size_t len = 0;

	for (int c = 0; c < fb_cols(fb); c++)
		len += fb_cell_text(fb, row, c, line + len, sizeof line - len);
	return line;
}

TEST(new_frame_is_blank_with_cursor_visible)
{
	struct fb *fb = fb_new(80, 24);
	const struct fb_cell *cell = fb_cell(fb, 23, 79);
	const struct fb_modes *m = fb_modes(fb);
	int row = -1, col = -1;

	EXPECT_INT(fb_cols(fb), 80);
	EXPECT_INT(fb_rows(fb), 24);
	EXPECT_INT(cell->ch, ' ');
	EXPECT_INT(cell->width, 1);
	EXPECT_INT(cell->pen.fg, FB_COLOR_DEFAULT);
	EXPECT_INT(cell->pen.bg, FB_COLOR_DEFAULT);
	EXPECT_INT(cell->pen.attrs, 0);
	EXPECT(m->cursor_visible);
	EXPECT(!m->app_cursor && !m->app_keypad && !m->bracketed_paste && !m->focus_events &&
	       !m->reverse_video && m->mouse_mode == FB_MOUSE_OFF &&
	       m->mouse_encoding == FB_MOUSE_ENC_DEFAULT);
	fb_cursor(fb, &row, &col);
	EXPECT_INT(row, 0);
	EXPECT_INT(col, 0);
	EXPECT_STR(fb_title(fb), "");
	EXPECT_INT(fb_bells(fb), 0);
	EXPECT(fb_cell(fb, 24, 0) == NULL);
	EXPECT(fb_cell(fb, 0, -1) == NULL);
	EXPECT_INT(sizeof(struct fb_cell), 16);
	fb_free(fb);
}

TEST(cells_read_back_with_pen)
{
	struct fb *fb = fb_new(10, 2);
	struct fb_pen red = { .fg = FB_COLOR_INDEXED(1), .bg = FB_COLOR_RGB(1, 2, 3), .attrs = FB_BOLD | FB_UNDERLINE };
	char text[FB_CLUSTER_MAX];

	EXPECT(fb_set_cell(fb, 1, 4, "x", 1, 1, &red));
	EXPECT_INT(fb_cell(fb, 1, 4)->ch, 'x');
	EXPECT_INT(fb_cell(fb, 1, 4)->pen.fg, FB_COLOR_INDEXED(1));
	EXPECT_INT(fb_cell(fb, 1, 4)->pen.bg, FB_COLOR_RGB(1, 2, 3));
	EXPECT_INT(fb_cell(fb, 1, 4)->pen.attrs, FB_BOLD | FB_UNDERLINE);
	EXPECT_INT(fb_cell_text(fb, 1, 4, text, sizeof text), 1);
	EXPECT_STR(text, "x");
	EXPECT_STR(row_text(fb, 0), "          ");
	EXPECT_STR(row_text(fb, 1), "    x     ");
	put(fb, 0, 0, "\xc3\xa9", 1);
	EXPECT_INT(fb_cell(fb, 0, 0)->ch, 0xe9);
	fb_free(fb);
}

TEST(malformed_utf8_is_replacement_character)
{
	struct fb *fb = fb_new(4, 1);

	put(fb, 0, 0, "\xff", 1);
	put(fb, 0, 1, "\xe4\xb8", 1);
	put(fb, 0, 2, "\xed\xa0\x80", 1);	/* a surrogate */
	EXPECT_INT(fb_cell(fb, 0, 0)->ch, 0xfffd);
	EXPECT_INT(fb_cell(fb, 0, 1)->ch, 0xfffd);
	EXPECT_INT(fb_cell(fb, 0, 2)->ch, 0xfffd);
	fb_free(fb);
}

TEST(wide_cell_writes_its_continuation)
{
	struct fb *fb = fb_new(6, 1);
	char text[FB_CLUSTER_MAX];

	put(fb, 0, 1, "\xe4\xb8\xad", 2);	/* 中 */
	EXPECT_INT(fb_cell(fb, 0, 1)->width, 2);
	EXPECT_INT(fb_cell(fb, 0, 2)->width, 0);
	EXPECT_INT(fb_cell_text(fb, 0, 1, text, sizeof text), 3);
	EXPECT_INT(fb_cell_text(fb, 0, 2, text, sizeof text), 0);
	EXPECT_STR(row_text(fb, 0), " \xe4\xb8\xad   ");
	fb_free(fb);
}

TEST(overwriting_half_a_wide_cell_blanks_the_other_half)
{
	struct fb *fb = fb_new(6, 1);

	put(fb, 0, 1, "\xe4\xb8\xad", 2);
	put(fb, 0, 2, "a", 1);	/* right half */
	EXPECT_STR(row_text(fb, 0), "  a   ");
	EXPECT_INT(fb_cell(fb, 0, 1)->width, 1);

	put(fb, 0, 1, "\xe4\xb8\xad", 2);
	put(fb, 0, 1, "b", 1);	/* left half */
	EXPECT_STR(row_text(fb, 0), " b    ");
	EXPECT_INT(fb_cell(fb, 0, 2)->width, 1);

	put(fb, 0, 1, "\xe4\xb8\xad", 2);
	put(fb, 0, 2, "\xe6\x96\x87", 2);	/* wide over the right half */
	EXPECT_STR(row_text(fb, 0), "  \xe6\x96\x87  ");
	put(fb, 0, 1, "\xe4\xb8\xad", 2);	/* and back over its left half */
	EXPECT_STR(row_text(fb, 0), " \xe4\xb8\xad   ");
	EXPECT_INT(fb_cell(fb, 0, 3)->width, 1);
	fb_free(fb);
}

TEST(wide_cell_in_last_column_is_stored_blank)
{
	struct fb *fb = fb_new(4, 1);

	put(fb, 0, 3, "\xe4\xb8\xad", 2);
	EXPECT_INT(fb_cell(fb, 0, 3)->ch, ' ');
	EXPECT_INT(fb_cell(fb, 0, 3)->width, 1);
	EXPECT_STR(row_text(fb, 0), "    ");
	fb_free(fb);
}

TEST(clusters_keep_every_code_point)
{
	struct fb *fb = fb_new(8, 1);
	const char *e_acute = "e\xcc\x81";
	const char *family = "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7";
	char text[FB_CLUSTER_MAX];

	put(fb, 0, 0, e_acute, 1);
	put(fb, 0, 1, family, 2);
	put(fb, 0, 3, "z", 1);
	EXPECT(fb_cell(fb, 0, 0)->cluster != 0);
	EXPECT_INT(fb_cell(fb, 0, 0)->ch, 'e');
	EXPECT_INT(fb_cell(fb, 0, 3)->cluster, 0);
	fb_cell_text(fb, 0, 0, text, sizeof text);
	EXPECT_STR(text, e_acute);
	fb_cell_text(fb, 0, 1, text, sizeof text);
	EXPECT_STR(text, family);
	put(fb, 0, 0, "q", 1);
	EXPECT_INT(fb_cell(fb, 0, 0)->cluster, 0);
	fb_cell_text(fb, 0, 1, text, sizeof text);
	EXPECT_STR(text, family);
	fb_free(fb);
}

TEST(overlong_cluster_is_cut_at_a_code_point)
{
	struct fb *fb = fb_new(4, 1);
	char many[200], text[FB_CLUSTER_MAX];
	size_t len = 0, got;

	many[len++] = 'a';
	while (len + 2 < sizeof many) {	/* U+0301 is two bytes */
		many[len++] = (char)0xcc;
		many[len++] = (char)0x81;
	}
	EXPECT(fb_set_cell(fb, 0, 0, many, len, 1, &plain));
	got = fb_cell_text(fb, 0, 0, text, sizeof text);
	EXPECT(got < FB_CLUSTER_MAX);
	EXPECT_INT(got % 2, 1);
	EXPECT_MEM(text, many, got);
	fb_free(fb);
}

TEST(cluster_store_stays_bounded_when_rewritten)
{
	struct fb *fb = fb_new(80, 1);
	char text[FB_CLUSTER_MAX], want[16];
	size_t after_first_pass = 0;

	for (int pass = 0; pass < 200; pass++) {
		for (int c = 0; c < 80; c++) {
			/* Lengths vary so freed space has to be compacted. */
			int marks = 1 + (pass + c) % 5;
			size_t len = 0;
			want[len++] = (char)('a' + c % 26);
			for (int m = 0; m < marks; m++) {
				want[len++] = (char)0xcc;
				want[len++] = (char)(0x80 + m);
			}
			want[len] = '\0';
			EXPECT(fb_set_cell(fb, 0, c, want, len, 1, &plain));
		}
		if (pass == 0)
			after_first_pass = fb_memory(fb);
	}
	fb_cell_text(fb, 0, 79, text, sizeof text);
	EXPECT_STR(text, want);
	EXPECT(fb_memory(fb) <= 2 * after_first_pass);
	fb_free(fb);
}

TEST(clone_shares_rows_and_copies_on_write)
{
	struct fb *a = fb_new(10, 3);
	struct fb *b;

	put(a, 0, 0, "a", 1);
	put(a, 1, 0, "e\xcc\x81", 1);
	EXPECT(fb_set_title(a, "t", 1));
	b = fb_clone(a);
	EXPECT(b != NULL);
	EXPECT(fb_equal(a, b));
	EXPECT(fb_cell(a, 0, 0) == fb_cell(b, 0, 0));	/* the same row */
	put(b, 0, 0, "b", 1);
	put(b, 1, 1, "c", 1);
	EXPECT_STR(row_text(a, 0), "a         ");
	EXPECT_STR(row_text(b, 0), "b         ");
	EXPECT_STR(row_text(a, 1), "e\xcc\x81         ");
	EXPECT_STR(row_text(b, 1), "e\xcc\x81" "c        ");
	EXPECT(fb_row_equal(a, 2, b, 2));
	EXPECT(!fb_row_equal(a, 0, b, 0));
	EXPECT(!fb_equal(a, b));
	fb_free(a);
	EXPECT_STR(fb_title(b), "t");
	fb_free(b);
}

TEST(row_equal_compares_cells_of_unshared_rows)
{
	struct fb *a = fb_new(5, 2), *b = fb_new(5, 2), *narrow = fb_new(4, 2);
	struct fb_pen bold = { .attrs = FB_BOLD };

	put(a, 0, 1, "e\xcc\x81", 1);
	put(b, 0, 3, "x\xcc\x82", 1);	/* a different slot order in the store */
	put(b, 0, 1, "e\xcc\x81", 1);
	put(b, 0, 3, " ", 1);
	EXPECT(fb_row_equal(a, 0, b, 0));
	put(b, 0, 1, "e\xcc\x82", 1);
	EXPECT(!fb_row_equal(a, 0, b, 0));
	EXPECT(fb_set_cell(a, 1, 0, " ", 1, 1, &bold));
	EXPECT(!fb_row_equal(a, 1, b, 1));
	EXPECT(!fb_row_equal(a, 1, narrow, 1));
	EXPECT(!fb_row_equal(a, 9, b, 9));
	fb_free(a);
	fb_free(b);
	fb_free(narrow);
}

TEST(equal_looks_at_cursor_modes_title_clipboard_bells)
{
	struct fb *a = fb_new(10, 3), *b = fb_new(10, 3);
	struct fb_modes m;

	EXPECT(fb_equal(a, b));
	fb_set_cursor(b, 1, 2);
	EXPECT(!fb_equal(a, b));
	fb_set_cursor(a, 1, 2);
	EXPECT(fb_equal(a, b));

	m = *fb_modes(a);
	m.mouse_mode = FB_MOUSE_BUTTON;
	fb_set_modes(a, &m);
	EXPECT(!fb_equal(a, b));
	fb_set_modes(b, &m);
	EXPECT(fb_equal(a, b));

	EXPECT(fb_set_title(a, "vim", 3));
	EXPECT(!fb_equal(a, b));
	EXPECT(fb_set_title(b, "vim", 3));
	EXPECT(fb_equal(a, b));

	EXPECT(fb_set_clipboard(a, "aGk=", 4));
	EXPECT(fb_set_clipboard(b, "aGk=", 4));
	EXPECT(fb_equal(a, b));
	EXPECT(fb_set_clipboard(b, "aGk=", 4));	/* same text, set again */
	EXPECT(!fb_equal(a, b));
	EXPECT(fb_set_clipboard(a, "aGk=", 4));
	EXPECT_STR(fb_clipboard(a, NULL), "aGk=");

	fb_ring_bell(a);
	EXPECT(!fb_equal(a, b));
	fb_set_bells(b, fb_bells(a));
	EXPECT(fb_equal(a, b));
	fb_free(a);
	fb_free(b);
}

static void number_rows(struct fb *fb)
{
	for (int r = 0; r < fb_rows(fb); r++) {
		char digit[2] = { (char)('0' + r), 0 };
		put(fb, r, 0, digit, 1);
	}
}

static void expect_column(const struct fb *fb, const char *want)
{
	for (int r = 0; r < fb_rows(fb); r++)
		EXPECT_INT(fb_cell(fb, r, 0)->ch, (unsigned char)want[r]);
}

TEST(scroll_rotates_rows_within_region)
{
	struct fb *fb = fb_new(3, 6);
	struct fb_pen blue = { .fg = FB_COLOR_INDEXED(7), .bg = FB_COLOR_INDEXED(4), .attrs = FB_BOLD };
	const struct fb_cell *moving;

	number_rows(fb);
	moving = fb_cell(fb, 3, 0);
	fb_scroll(fb, 1, 5, 2, &blue);
	expect_column(fb, "034  5");
	EXPECT(fb_cell(fb, 1, 0) == moving);	/* moved, not copied */
	EXPECT_INT(fb_cell(fb, 3, 2)->pen.bg, FB_COLOR_INDEXED(4));
	EXPECT_INT(fb_cell(fb, 3, 2)->pen.fg, FB_COLOR_DEFAULT);
	EXPECT_INT(fb_cell(fb, 3, 2)->pen.attrs, 0);
	EXPECT_INT(fb_cell(fb, 5, 2)->pen.bg, FB_COLOR_DEFAULT);

	put(fb, 3, 0, "x", 1);	/* the two new rows share; writing one copies */
	expect_column(fb, "034x 5");

	fb_scroll(fb, 0, 6, -1, &plain);
	expect_column(fb, " 034x ");
	fb_scroll(fb, 0, 6, 100, &plain);
	expect_column(fb, "      ");
	fb_free(fb);
}

TEST(scroll_of_a_shared_frame_leaves_the_clone_alone)
{
	struct fb *a = fb_new(3, 4), *b;

	number_rows(a);
	b = fb_clone(a);
	fb_scroll(b, 0, 4, 1, &plain);
	expect_column(a, "0123");
	expect_column(b, "123 ");
	EXPECT(fb_row_equal(a, 1, b, 0));
	fb_scroll(a, 0, 4, 1, &plain);
	EXPECT(fb_equal(a, b));
	fb_free(a);
	fb_free(b);
}

TEST(shift_cells_inserts_and_deletes)
{
	struct fb *fb = fb_new(6, 1);
	struct fb_pen red_bg = { .bg = FB_COLOR_INDEXED(1) };

	put(fb, 0, 0, "a", 1);
	put(fb, 0, 1, "b\xcc\x81", 1);
	put(fb, 0, 2, "c", 1);
	put(fb, 0, 3, "\xe4\xb8\xad", 2);
	fb_shift_cells(fb, 0, 1, 1, &red_bg);
	EXPECT_STR(row_text(fb, 0), "a b\xcc\x81" "c\xe4\xb8\xad");
	EXPECT_INT(fb_cell(fb, 0, 1)->pen.bg, FB_COLOR_INDEXED(1));
	fb_shift_cells(fb, 0, 2, 1, &plain);	/* pushes 中 half off: blank */
	EXPECT_STR(row_text(fb, 0), "a  b\xcc\x81" "c ");
	fb_shift_cells(fb, 0, 0, -3, &plain);
	EXPECT_STR(row_text(fb, 0), "b\xcc\x81" "c    ");
	put(fb, 0, 2, "\xe4\xb8\xad", 2);
	fb_shift_cells(fb, 0, 3, -1, &plain);	/* deletes the right half */
	EXPECT_STR(row_text(fb, 0), "b\xcc\x81" "c    ");
	fb_shift_cells(fb, 0, 0, 100, &plain);
	EXPECT_STR(row_text(fb, 0), "      ");
	fb_free(fb);
}

TEST(erase_blanks_with_background_and_splits_wide)
{
	struct fb *fb = fb_new(6, 1);
	struct fb_pen green = { .fg = FB_COLOR_INDEXED(2), .bg = FB_COLOR_INDEXED(2), .attrs = FB_ITALIC };

	for (int c = 0; c < 6; c++)
		put(fb, 0, c, "x", 1);
	put(fb, 0, 1, "\xe4\xb8\xad", 2);
	fb_erase(fb, 0, 2, 4, &green);
	EXPECT_STR(row_text(fb, 0), "x   xx");
	EXPECT_INT(fb_cell(fb, 0, 3)->pen.bg, FB_COLOR_INDEXED(2));
	EXPECT_INT(fb_cell(fb, 0, 3)->pen.fg, FB_COLOR_DEFAULT);
	EXPECT_INT(fb_cell(fb, 0, 3)->pen.attrs, 0);
	EXPECT_INT(fb_cell(fb, 0, 1)->width, 1);
	fb_erase(fb, 0, -5, 50, &plain);
	EXPECT_STR(row_text(fb, 0), "      ");
	fb_free(fb);
}

TEST(resize_keeps_top_left_content)
{
	struct fb *fb = fb_new(5, 3);

	put(fb, 0, 0, "a", 1);
	put(fb, 2, 3, "\xe4\xb8\xad", 2);
	put(fb, 1, 1, "e\xcc\x81", 1);
	fb_set_cursor(fb, 2, 4);
	EXPECT(fb_resize(fb, 4, 4));
	EXPECT_INT(fb_cols(fb), 4);
	EXPECT_INT(fb_rows(fb), 4);
	EXPECT_STR(row_text(fb, 0), "a   ");
	EXPECT_STR(row_text(fb, 1), " e\xcc\x81  ");
	EXPECT_STR(row_text(fb, 2), "    ");	/* the cut wide cell */
	EXPECT_STR(row_text(fb, 3), "    ");
	int row, col;
	fb_cursor(fb, &row, &col);
	EXPECT_INT(row, 2);
	EXPECT_INT(col, 3);
	EXPECT(fb_resize(fb, 2, 1));
	EXPECT_STR(row_text(fb, 0), "a ");
	fb_free(fb);
}

TEST(cursor_is_clamped_to_the_screen)
{
	struct fb *fb = fb_new(10, 5);
	int row, col;

	fb_set_cursor(fb, 7, -3);
	fb_cursor(fb, &row, &col);
	EXPECT_INT(row, 4);
	EXPECT_INT(col, 0);
	fb_free(fb);
}

TEST(frame_of_80x24_is_small)
{
	struct fb *fb = fb_new(80, 24);
	struct fb_pen pen = { .fg = FB_COLOR_RGB(9, 9, 9), .attrs = FB_BOLD };

	for (int r = 0; r < 24; r++)
		for (int c = 0; c < 80; c++)
			EXPECT(fb_set_cell(fb, r, c, "w", 1, 1, &pen));
	printf("fb_memory 80x24 full frame: %zu bytes\n", fb_memory(fb));
	EXPECT(fb_memory(fb) < 64 * 1024);
	for (int r = 0; r < 24; r++)	/* every cell a two-code-point cluster */
		for (int c = 0; c < 80; c++)
			EXPECT(fb_set_cell(fb, r, c, "e\xcc\x81", 3, 1, &pen));
	printf("fb_memory 80x24 all clusters: %zu bytes\n", fb_memory(fb));
	EXPECT(fb_memory(fb) < 64 * 1024);
	fb_free(fb);
}

TEST(bad_arguments_do_not_crash)
{
	EXPECT(fb_new(0, 10) == NULL);
	struct fb *fb = fb_new(3, 3);
	put(fb, -1, 0, "a", 1);
	put(fb, 0, 3, "a", 1);
	EXPECT(fb_set_cell(fb, 0, 0, "", 0, 1, &plain));
	EXPECT_INT(fb_cell(fb, 0, 0)->ch, ' ');
	EXPECT(fb_set_cell(fb, 0, 1, "a", 1, 7, NULL));
	EXPECT_INT(fb_cell(fb, 0, 1)->width, 1);
	fb_erase(fb, 5, 0, 3, &plain);
	fb_scroll(fb, 2, 1, 1, &plain);
	fb_shift_cells(fb, 9, 0, 1, &plain);
	fb_free(fb);
}

int main(void)
{
	RUN(new_frame_is_blank_with_cursor_visible);
	RUN(cells_read_back_with_pen);
	RUN(malformed_utf8_is_replacement_character);
	RUN(wide_cell_writes_its_continuation);
	RUN(overwriting_half_a_wide_cell_blanks_the_other_half);
	RUN(wide_cell_in_last_column_is_stored_blank);
	RUN(clusters_keep_every_code_point);
	RUN(overlong_cluster_is_cut_at_a_code_point);
	RUN(cluster_store_stays_bounded_when_rewritten);
	RUN(clone_shares_rows_and_copies_on_write);
	RUN(row_equal_compares_cells_of_unshared_rows);
	RUN(equal_looks_at_cursor_modes_title_clipboard_bells);
	RUN(scroll_rotates_rows_within_region);
	RUN(scroll_of_a_shared_frame_leaves_the_clone_alone);
	RUN(shift_cells_inserts_and_deletes);
	RUN(erase_blanks_with_background_and_splits_wide);
	RUN(resize_keeps_top_left_content);
	RUN(cursor_is_clamped_to_the_screen);
	RUN(frame_of_80x24_is_small);
	RUN(bad_arguments_do_not_crash);
	return unit_exit_status();
}
