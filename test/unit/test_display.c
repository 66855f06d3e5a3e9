#include "term/display.h"
#include "term/emu.h"
#include "term/history.h"
#include "test/unit/unit.h"

#include <stdlib.h>

static const struct fb_pen plain;

static void put_text(struct fb *fb, int row, int col, const char *text, const struct fb_pen *pen)
{
	for (const char *s = text; *s; s++)
		EXPECT(fb_set_cell(fb, row, col++, s, 1, 1, pen ? pen : &plain));
}

/* The diff as a C string (escape sequences are printable enough). */
static const char *diff_of(const struct fb *old, const struct fb *now)
{
	static struct buf out;

	buf_reset(&out);
	display_diff(old, now, &out);
	buf_put_u8(&out, 0);
	return (const char *)out.data;
}

static bool contains(const char *haystack, const char *needle)
{
	return strstr(haystack, needle) != NULL;
}

TEST(unchanged_frame_gives_empty_diff)
{
	struct fb *a = fb_new(80, 24), *b, *c = fb_new(80, 24);

	put_text(a, 3, 4, "hello", NULL);
	put_text(c, 3, 4, "hello", NULL);
	b = fb_clone(a);
	EXPECT_STR(diff_of(a, b), "");
	EXPECT_STR(diff_of(a, c), "");	/* equal but not shared */
	fb_free(a);
	fb_free(b);
	fb_free(c);
}

TEST(typed_character_at_cursor_is_one_byte)
{
	struct fb *a = fb_new(80, 24), *b;

	fb_set_cursor(a, 5, 10);
	b = fb_clone(a);
	put_text(b, 5, 10, "x", NULL);
	fb_set_cursor(b, 5, 11);
	EXPECT_STR(diff_of(a, b), "x");
	fb_free(a);
	fb_free(b);
}

TEST(one_char_elsewhere_moves_there_and_back)
{
	struct fb *a = fb_new(80, 24), *b = fb_clone(a);
	struct fb_pen red = { .fg = FB_COLOR_INDEXED(1) };

	put_text(b, 5, 10, "x", NULL);
	EXPECT_STR(diff_of(a, b), "\033[6;11Hx\033[H");
	put_text(b, 5, 10, "x", &red);
	EXPECT_STR(diff_of(a, b), "\033[6;11H\033[31mx\033[H\033[m");
	fb_free(a);
	fb_free(b);
}

TEST(colours_use_short_forms)
{
	struct fb *a = fb_new(20, 2), *b = fb_clone(a);
	struct fb_pen p1 = { .fg = FB_COLOR_INDEXED(9), .bg = FB_COLOR_INDEXED(200), .attrs = FB_BOLD };
	struct fb_pen p2 = { .fg = FB_COLOR_RGB(1, 2, 3), .bg = FB_COLOR_INDEXED(4) };
	const char *d;

	put_text(b, 0, 0, "a", &p1);
	put_text(b, 0, 1, "b", &p2);
	put_text(b, 0, 2, "c", &p2);
	fb_set_cursor(b, 0, 3);
	d = diff_of(a, b);
	EXPECT_STR(d, "\033[1;91;48;5;200ma\033[0;38;2;1;2;3;44mbc\033[m");
	fb_free(a);
	fb_free(b);
}

TEST(small_gaps_are_written_through)
{
	struct fb *a = fb_new(20, 2), *b;

	put_text(a, 0, 0, "abcdefgh", NULL);
	b = fb_clone(a);
	put_text(b, 0, 0, "X", NULL);
	put_text(b, 0, 2, "Y", NULL);
	fb_set_cursor(b, 0, 3);
	EXPECT_STR(diff_of(a, b), "XbY");
	fb_free(a);
	fb_free(b);
}

TEST(wide_and_clustered_cells_are_written_as_utf8)
{
	struct fb *a = fb_new(20, 2), *b = fb_clone(a);

	EXPECT(fb_set_cell(b, 0, 0, "\xe4\xb8\xad", 3, 2, &plain));
	EXPECT(fb_set_cell(b, 0, 2, "e\xcc\x81", 3, 1, &plain));
	fb_set_cursor(b, 0, 3);
	EXPECT_STR(diff_of(a, b), "\xe4\xb8\xad" "e\xcc\x81");
	fb_free(a);
	fb_free(b);
}

TEST(cell_that_would_join_its_neighbour_is_kept_apart)
{
	struct fb *a = fb_new(10, 1), *b = fb_clone(a), *got;
	const char *modifier = "\xf0\x9f\x8f\xbd";	/* skin tone, on its own */
	struct emu *emu;
	struct buf out;

	put_text(b, 0, 0, "x", NULL);
	EXPECT(fb_set_cell(b, 0, 1, modifier, 4, 2, &plain));
	fb_set_cursor(b, 0, 3);
	buf_init(&out);
	display_diff(a, b, &out);
	EXPECT_INT(out.len, 6);
	EXPECT_MEM(out.data, "x\0\xf0\x9f\x8f\xbd", 6);
	emu = emu_new_from_fb(a);
	emu_write(emu, out.data, out.len);
	got = fb_clone(emu_fb(emu));
	EXPECT(fb_equal(got, b));
	fb_free(got);
	emu_free(emu);
	buf_free(&out);
	fb_free(a);
	fb_free(b);
}

TEST(cleared_line_end_uses_erase_in_line)
{
	struct fb *a = fb_new(40, 5), *b;
	const char *d;

	put_text(a, 2, 0, "hello wonderful world", NULL);
	b = fb_clone(a);
	fb_erase(b, 2, 5, 40, &plain);
	d = diff_of(a, b);
	EXPECT_STR(d, "\033[3;7H\033[K\033[H");	/* column 5 was blank already */
	fb_free(a);
	fb_free(b);
}

TEST(cleared_screen_uses_erase_in_display)
{
	struct fb *a = fb_new(80, 24), *b = fb_new(80, 24);
	const char *d;

	for (int r = 0; r < 24; r++)
		put_text(a, r, 0, "some text that fills the line up a bit", NULL);
	put_text(b, 0, 0, "$ ", NULL);
	fb_set_cursor(b, 0, 2);
	d = diff_of(a, b);
	EXPECT_STR(d, "$\033[J ");	/* erase from the blank after "$" */
	fb_free(a);
	fb_free(b);
}

TEST(scroll_is_detected)
{
	struct fb *a = fb_new(80, 24), *b;
	char line[32];
	const char *d;

	for (int r = 0; r < 24; r++) {
		snprintf(line, sizeof line, "line %d", r);
		put_text(a, r, 0, line, NULL);
	}
	fb_set_cursor(a, 23, 7);
	b = fb_clone(a);
	fb_scroll(b, 0, 24, 1, &plain);
	put_text(b, 23, 0, "line 24", NULL);
	d = diff_of(a, b);
	printf("one-line scroll: %zu bytes\n", strlen(d));
	EXPECT_STR(d, "\033[S\rline 24");

	fb_scroll(b, 0, 24, 3, &plain);	/* three lines at once */
	put_text(b, 21, 0, "x", NULL);
	d = diff_of(a, b);
	EXPECT(strncmp(d, "\033[4S", 4) == 0);
	EXPECT(strlen(d) < 30);
	fb_free(a);
	fb_free(b);
}

static void fill_lines(struct fb *fb, int from, int to)
{
	char line[64];

	for (int r = from; r < to; r++) {
		snprintf(line, sizeof line, "text of line %d, long enough to matter", r);
		put_text(fb, r, 0, line, NULL);
	}
}

TEST(region_scroll_keeps_a_status_line)
{
	struct fb *a = fb_new(80, 24), *b;
	const char *d;

	fill_lines(a, 0, 23);
	put_text(a, 23, 0, "-- INSERT --  status line that stays", NULL);
	b = fb_clone(a);
	fb_scroll(b, 0, 23, 2, &plain);
	put_text(b, 21, 0, "new line", NULL);
	put_text(b, 22, 0, "another", NULL);
	d = diff_of(a, b);
	EXPECT(strncmp(d, "\033[1;23r\033[2S\033[r", 14) == 0);
	EXPECT(strlen(d) < 40);

	fb_free(b);	/* and back down: the reverse scroll */
	b = fb_clone(a);
	fb_scroll(b, 0, 23, -1, &plain);
	put_text(b, 0, 0, "top", NULL);
	d = diff_of(a, b);
	EXPECT(strncmp(d, "\033[1;23r\033[T\033[r", 13) == 0);
	EXPECT(strlen(d) < 30);
	fb_free(a);
	fb_free(b);
}

TEST(bottom_right_cell_is_followed_by_a_cursor_move)
{
	struct fb *a = fb_new(80, 24), *b = fb_clone(a);

	put_text(b, 23, 79, "z", NULL);
	fb_set_cursor(b, 23, 79);
	EXPECT_STR(diff_of(a, b), "\033[24;80Hz\r\033[79C");
	fb_free(a);
	fb_free(b);
}

TEST(modes_title_clipboard_bell_when_they_change)
{
	struct fb *a = fb_new(10, 3), *b = fb_clone(a);
	struct fb_modes m = *fb_modes(b);

	m.app_cursor = true;
	fb_set_modes(b, &m);
	EXPECT_STR(diff_of(a, b), "\033[?1h");
	m.mouse_mode = FB_MOUSE_BUTTON;
	m.mouse_encoding = FB_MOUSE_ENC_SGR;
	m.app_keypad = true;
	fb_set_modes(a, fb_modes(b));
	fb_set_modes(b, &m);
	EXPECT_STR(diff_of(a, b), "\033[?1002;1006h\033=");
	EXPECT_STR(diff_of(b, a), "\033[?1002;1006l\033>");
	m.cursor_visible = false;
	fb_set_modes(b, &m);
	fb_set_modes(a, &m);
	EXPECT(fb_set_title(b, "vim", 3));
	EXPECT_STR(diff_of(a, b), "\033]2;vim\a");
	EXPECT(fb_set_title(b, "a\033b\ac\xc2\x9c" "d\xc3\xa9", 10));	/* ESC, BEL, ST */
	EXPECT_STR(diff_of(a, b), "\033]2;abcd\xc3\xa9\a");
	EXPECT(fb_set_title(b, "vim", 3));
	fb_free(a);
	a = fb_clone(b);
	EXPECT(fb_set_clipboard(b, "aGk=", 4));
	EXPECT_STR(diff_of(a, b), "\033]52;c;aGk=\a");
	{
		/* Unless the user allowed it, the clipboard write stays out. */
		static const struct display_options no_clipboard = { .no_clipboard = true };
		struct buf out;

		buf_init(&out);
		display_diff_with(a, b, &no_clipboard, &out);
		EXPECT_INT(out.len, 0);
		buf_free(&out);
	}
	fb_free(a);
	a = fb_clone(b);
	fb_ring_bell(b);
	fb_ring_bell(b);
	EXPECT_STR(diff_of(a, b), "\a");
	fb_free(a);
	fb_free(b);
}

TEST(full_repaint_resets_and_sets_everything)
{
	struct fb *b = fb_new(20, 4);
	struct fb_modes m = *fb_modes(b);
	const char *d;

	m.bracketed_paste = true;
	m.mouse_mode = FB_MOUSE_NORMAL;
	fb_set_modes(b, &m);
	EXPECT(fb_set_title(b, "t", 1));
	put_text(b, 1, 2, "hi", NULL);
	fb_set_cursor(b, 1, 4);
	d = diff_of(NULL, b);
	EXPECT(contains(d, "\033[m\033[H\033[2J"));
	EXPECT(contains(d, "\033[?1;5;1004;1006;1015l"));
	EXPECT(contains(d, "\033[?25;2004;1000h"));
	EXPECT(contains(d, "\033>"));
	EXPECT(contains(d, "\033]2;t\a"));
	EXPECT(contains(d, "\033[3G\nhi"));

	struct fb *small = fb_new(10, 4);	/* a size change repaints too */
	EXPECT(contains(diff_of(small, b), "\033[2J"));
	fb_free(small);
	fb_free(b);
}

TEST(close_turns_off_what_the_session_turned_on)
{
	struct fb *fb = fb_new(80, 24);
	struct fb_modes m = *fb_modes(fb);
	struct buf out;

	m.mouse_mode = FB_MOUSE_ANY;
	m.mouse_encoding = FB_MOUSE_ENC_SGR;
	m.bracketed_paste = true;
	m.app_keypad = true;
	m.cursor_visible = false;
	fb_set_modes(fb, &m);
	buf_init(&out);
	fb_set_cursor(fb, 3, 7);
	display_close(fb, "bye", NULL, &out);
	buf_put_u8(&out, 0);
	EXPECT_STR((const char *)out.data, "\033[m\033[?2004;1003;1006l\033[?25h\033>\033[5Hbye\r\n");
	buf_reset(&out);
	display_close(NULL, "bye", NULL, &out);	/* nothing painted yet */
	buf_put_u8(&out, 0);
	EXPECT_STR((const char *)out.data, "\033[m\033[?25h\r\nbye\r\n");
	buf_free(&out);
	fb_free(fb);
}

TEST(close_message_goes_below_the_content_without_scrolling_it_away)
{
	struct fb *fb = fb_new(20, 5);
	struct buf out;

	buf_init(&out);
	put_text(fb, 2, 0, "last line", &plain);
	fb_set_cursor(fb, 0, 4);
	display_close(fb, "bye", NULL, &out);
	buf_put_u8(&out, 0);
	EXPECT_STR((const char *)out.data, "\033[m\033[?25h\033[4Hbye\r\n");
	buf_reset(&out);
	fb_set_cursor(fb, 3, 0);	/* after the program's last newline */
	display_close(fb, "bye", NULL, &out);
	buf_put_u8(&out, 0);
	EXPECT_STR((const char *)out.data, "\033[m\033[?25h\033[4Hbye\r\n");
	buf_reset(&out);
	put_text(fb, 4, 0, "bottom", &plain);
	display_close(fb, "bye", NULL, &out);	/* no room: one line scrolls */
	buf_put_u8(&out, 0);
	EXPECT_STR((const char *)out.data, "\033[m\033[?25h\033[5H\r\nbye\r\n");
	buf_free(&out);
	fb_free(fb);
}

/* ---- Random frames ---- */

static unsigned rnd(unsigned n)
{
	return (unsigned)random() % n;
}

static struct fb_pen random_pen(void)
{
	static const fb_color colors[] = {
		FB_COLOR_DEFAULT, FB_COLOR_INDEXED(1), FB_COLOR_INDEXED(12), FB_COLOR_INDEXED(100),
		FB_COLOR_RGB(10, 200, 30), FB_COLOR_INDEXED(0),
	};
	struct fb_pen pen = { 0 };

	if (rnd(3) == 0)
		return pen;
	pen.fg = colors[rnd(6)];
	pen.bg = colors[rnd(6)];
	pen.attrs = rnd(3) ? 0 : (uint16_t)(rnd(0x400));
	if (pen.attrs & FB_DOUBLE_UNDERLINE)	/* the two underlines exclude each other */
		pen.attrs &= (uint16_t)~FB_UNDERLINE;
	if ((pen.attrs & FB_UNDERLINE) && rnd(2))	/* a style, only with a single one */
		pen.attrs |= (uint16_t)(FB_UNDERLINE_CURLY << rnd(3));
	if (rnd(4) == 0)
		fb_pen_set_underline(&pen, colors[rnd(6)]);
	return pen;
}

/* One random grapheme: its UTF-8 and the width the emulator gives it. */
static int random_grapheme(char *text, size_t *len)
{
	unsigned kind = rnd(10);

	if (kind < 6) {
		text[0] = (char)(rnd(2) ? 'a' + rnd(26) : ' ');
		*len = 1;
		return 1;
	}
	if (kind < 8) {	/* CJK U+4E00..U+4EFF */
		unsigned cp = 0x4e00 + rnd(256);
		text[0] = (char)(0xe0 | cp >> 12);
		text[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		text[2] = (char)(0x80 | (cp & 0x3f));
		*len = 3;
		return 2;
	}
	if (kind < 9) {	/* a letter with a combining mark */
		text[0] = (char)('a' + rnd(26));
		text[1] = (char)0xcc;
		text[2] = (char)(0x80 + rnd(16));
		*len = 3;
		return 1;
	}
	memcpy(text, "\xc3\xa9", 2);	/* é */
	*len = 2;
	return 1;
}

static void scribble(struct fb *fb, int writes)
{
	int cols = fb_cols(fb), rows = fb_rows(fb);
	char text[8];
	size_t len;

	for (int i = 0; i < writes; i++) {
		int r = (int)rnd((unsigned)rows), c = (int)rnd((unsigned)cols);
		struct fb_pen pen = random_pen();
		int run = 1 + (int)rnd(12);
		if (rnd(20) == 0) {
			fb_erase(fb, r, c, c + run, &pen);
			continue;
		}
		for (int k = 0; k < run && c < cols; k++) {
			int width = random_grapheme(text, &len);
			if (width == 2 && c == cols - 1)
				break;
			EXPECT(fb_set_cell(fb, r, c, text, len, width, &pen));
			c += width;
		}
		if (rnd(4) == 0)
			EXPECT(fb_set_row_wrapped(fb, r, rnd(3) != 0));
	}
}

static void random_state(struct fb *fb)
{
	static const uint16_t mouse[] = { 0, 9, 1000, 1002, 1003 };
	static const uint16_t enc[] = { 0, 1006, 1015 };
	struct fb_modes m;

	m.app_cursor = rnd(2);
	m.app_keypad = rnd(2);
	m.bracketed_paste = rnd(2);
	m.focus_events = rnd(2);
	m.cursor_visible = rnd(4) != 0;
	m.reverse_video = rnd(5) == 0;
	m.mouse_mode = mouse[rnd(5)];
	m.mouse_encoding = enc[rnd(3)];
	m.cursor_shape = rnd(3) ? 0 : (uint8_t)rnd(7);
	fb_set_modes(fb, &m);
	if (rnd(3) == 0) {
		struct fb_pen pen = random_pen();
		fb_set_cursor_pen(fb, &pen);
	}
	fb_set_cursor(fb, (int)rnd((unsigned)fb_rows(fb)), (int)rnd((unsigned)fb_cols(fb)));
	if (rnd(3) == 0) {
		const char *title = rnd(2) ? "title" : "other \xe2\x9c\x93";
		EXPECT(fb_set_title(fb, title, strlen(title)));
	}
}

static struct fb *random_frame(int cols, int rows)
{
	struct fb *fb = fb_new(cols, rows);

	scribble(fb, (int)rnd((unsigned)(rows * 3)));
	random_state(fb);
	return fb;
}

TEST(diff_is_smaller_than_repaint_when_little_changes)
{
	struct buf diff, full;

	buf_init(&diff);
	buf_init(&full);
	srandom(7);
	for (int i = 0; i < 200; i++) {
		struct fb *old = random_frame(80, 24);
		struct fb *now = fb_clone(old);
		scribble(now, 1 + (int)rnd(3));
		buf_reset(&diff);
		buf_reset(&full);
		display_diff(old, now, &diff);
		display_diff(NULL, now, &full);
		EXPECT(diff.len < full.len);
		fb_free(old);
		fb_free(now);
	}
	buf_free(&diff);
	buf_free(&full);
}

/* A successor: a few writes, maybe a scroll, new state; events at most once
 * (the emulator counts a clipboard set and a BEL once per diff). */
static struct fb *random_successor(const struct fb *old, int writes)
{
	struct fb *fb = fb_clone(old);

	if (rnd(3) == 0) {
		struct fb_pen pen = rnd(2) ? plain : random_pen();
		int rows = fb_rows(fb);
		int top = rnd(2) ? 0 : (int)rnd((unsigned)rows);
		int bottom = rnd(2) ? rows : top + 1 + (int)rnd((unsigned)(rows - top));
		int by = (1 + (int)rnd(3)) * (rnd(4) ? 1 : -1);
		fb_scroll(fb, top, bottom, by, &pen);
	}
	scribble(fb, writes);
	if (rnd(3) == 0)
		random_state(fb);
	if (rnd(5) == 0)
		EXPECT(fb_set_clipboard(fb, "aGVsbG8=", 8));
	if (rnd(5) == 0)
		fb_ring_bell(fb);
	return fb;
}

static void print_bytes(const struct buf *bytes)
{
	for (size_t i = 0; i < bytes->len && i < 600; i++) {
		uint8_t c = bytes->data[i];
		if (c < 0x20 || c == 0x7f)
			printf("^%c", c == 0x7f ? '?' : c + '@');
		else
			putchar(c);
	}
	printf("\n");
}

static void show_failure(const char *what, int iteration, const struct fb *want,
			 const struct fb *got, const struct buf *bytes)
{
	printf("%s %d: frames differ after %zu bytes:\n  ", what, iteration, bytes->len);
	print_bytes(bytes);
	for (int r = 0; r < fb_rows(want); r++)
		for (int c = 0; c < fb_cols(want); c++) {
			char tw[FB_CLUSTER_MAX], tg[FB_CLUSTER_MAX];
			const struct fb_cell *w = fb_cell(want, r, c), *g = fb_cell(got, r, c);
			fb_cell_text(want, r, c, tw, sizeof tw);
			fb_cell_text(got, r, c, tg, sizeof tg);
			if (strcmp(tw, tg) || w->width != g->width || w->pen.fg != g->pen.fg ||
			    w->pen.bg != g->pen.bg || w->pen.attrs != g->pen.attrs) {
				printf("  first cell differing (%d,%d): want '%s' w%d %x/%x/%x got '%s' w%d %x/%x/%x\n",
				       r, c, tw, w->width, w->pen.fg, w->pen.bg, w->pen.attrs,
				       tg, g->width, g->pen.fg, g->pen.bg, g->pen.attrs);
				return;
			}
		}
	for (int r = 0; r < fb_rows(want); r++)
		if (fb_row_wrapped(want, r) != fb_row_wrapped(got, r)) {
			printf("  row %d: wrapped want %d got %d\n", r, fb_row_wrapped(want, r),
			       fb_row_wrapped(got, r));
			return;
		}
	int wr, wc, gr, gc;
	fb_cursor(want, &wr, &wc);
	fb_cursor(got, &gr, &gc);
	printf("  cells equal; cursor want %d,%d got %d,%d; title '%s'/'%s'\n",
	       wr, wc, gr, gc, fb_title(want), fb_title(got));
}

/* Apply bytes to an emulator and compare with `want`, bells aside. */
static bool replays_to(struct emu *emu, const struct buf *bytes, const struct fb *want,
		       const char *what, int iteration)
{
	struct fb *got;
	bool same;

	emu_write(emu, bytes->data, bytes->len);
	got = fb_clone(emu_fb(emu));
	fb_set_bells(got, fb_bells(want));
	same = fb_equal(got, want);
	if (!same)
		show_failure(what, iteration, want, got, bytes);
	fb_free(got);
	return same;
}

/* Whether bytes hold something a terminal may copy rows into its history
 * with: SU (tmux keeps what any region loses, xterm what leaves row 1), ED 2
 * or ED 0 from the home position (tmux's scroll-on-clear, VTE). */
static bool may_push_history(const struct buf *bytes)
{
	for (size_t i = 0; i + 1 < bytes->len; i++) {
		size_t j = i + 2;
		if (bytes->data[i] != 0x1b || bytes->data[i + 1] != '[')
			continue;
		while (j < bytes->len && bytes->data[j] >= 0x20 && bytes->data[j] < 0x40)
			j++;
		if (j == bytes->len)
			break;
		const char *params = (const char *)bytes->data + i + 2;
		size_t n = j - i - 2;
		if (bytes->data[j] == 'S' || (bytes->data[j] == 'J' && n == 1 && params[0] == '2'))
			return true;
		if (bytes->data[j] == 'J' && n == 0 && i >= 3 && memcmp(bytes->data + i - 3, "\033[H", 3) == 0)
			return true;
	}
	return false;
}

/* The diff, or with no_history its variant, applied to an emulator that
 * keeps history: the frame must come out, and with no_history no line may
 * go into its history nor any sequence tmux would keep rows for. */
static bool diff_round_trips(const struct fb *old, const struct fb *now, bool no_history,
			     struct buf *out, int iteration)
{
	struct display_options opts = { .no_history = no_history };
	struct history *history = history_new(100);
	struct emu *emu = old ? emu_new_from_fb(old) : emu_new(fb_cols(now), fb_rows(now));
	bool ok = emu && history;

	buf_reset(out);
	display_diff_with(old, now, &opts, out);
	if (ok) {
		emu_set_history(emu, history);
		ok = replays_to(emu, out, now, old ? "diff" : "repaint", iteration);
	}
	if (ok && no_history && (history_end(history) != 0 || may_push_history(out))) {
		printf("%s %d: pushes rows into the terminal's history:\n  ", old ? "diff" : "repaint",
		       iteration);
		print_bytes(out);
		ok = false;
	}
	emu_free(emu);
	history_free(history);
	return ok;
}

static void round_trip_diffs(bool no_history)
{
	struct buf out;
	int failures = 0;

	buf_init(&out);
	srandom(1);
	for (int i = 0; i < 3000 && failures < 3; i++) {
		int cols = 1 + (int)rnd(30), rows = 1 + (int)rnd(8);
		if (i % 10 == 0) {
			cols = 80;
			rows = 24;
		}
		struct fb *old = random_frame(cols, rows);
		struct fb *now = random_successor(old, (int)rnd(3) ? (int)rnd(4) : rows * 2);
		failures += !diff_round_trips(old, now, no_history, &out, i);
		fb_free(old);
		fb_free(now);
	}
	EXPECT_INT(failures, 0);
	buf_free(&out);
}

static void round_trip_repaints(bool no_history)
{
	struct buf out;
	int failures = 0;

	buf_init(&out);
	srandom(2);
	for (int i = 0; i < 1000 && failures < 3; i++) {
		struct fb *now = random_frame(1 + (int)rnd(40), 1 + (int)rnd(10));
		failures += !diff_round_trips(NULL, now, no_history, &out, i);
		fb_free(now);
	}
	EXPECT_INT(failures, 0);
	buf_free(&out);
}

TEST(no_history_diffs_round_trip_and_push_nothing)
{
	round_trip_diffs(true);
	round_trip_repaints(true);
}

/* Where the rows that showed up in the local history came from: a plain
 * diff of a scrolled screen scrolls the terminal with SU. */
TEST(plain_scroll_pushes_rows_no_history_scroll_does_not)
{
	struct fb *a = fb_new(80, 24), *b;
	struct display_options opts = { .no_history = true };
	struct buf out;
	const char *d;

	buf_init(&out);
	fill_lines(a, 0, 24);
	b = fb_clone(a);
	fb_scroll(b, 0, 24, 3, &plain);
	fill_lines(b, 21, 24);
	d = diff_of(a, b);
	EXPECT(strncmp(d, "\033[3S", 4) == 0);
	display_diff_with(a, b, &opts, &out);
	buf_put_u8(&out, 0);
	/* Rows 2-24 move up by DL from row 2; row 1 is repainted. */
	EXPECT(contains((const char *)out.data, "\033[3M"));
	EXPECT(!contains((const char *)out.data, "S"));
	printf("3-line scroll: %zu bytes plain, %zu without history\n", strlen(d), out.len - 1);
	EXPECT(out.len - 1 < strlen(d) + 120);
	buf_free(&out);
	fb_free(a);
	fb_free(b);
}

TEST(diff_round_trips_through_the_emulator)
{
	round_trip_diffs(false);
}

TEST(full_repaint_round_trips_through_the_emulator)
{
	round_trip_repaints(false);
}

int main(void)
{
	RUN(unchanged_frame_gives_empty_diff);
	RUN(typed_character_at_cursor_is_one_byte);
	RUN(one_char_elsewhere_moves_there_and_back);
	RUN(colours_use_short_forms);
	RUN(small_gaps_are_written_through);
	RUN(wide_and_clustered_cells_are_written_as_utf8);
	RUN(cell_that_would_join_its_neighbour_is_kept_apart);
	RUN(cleared_line_end_uses_erase_in_line);
	RUN(cleared_screen_uses_erase_in_display);
	RUN(scroll_is_detected);
	RUN(region_scroll_keeps_a_status_line);
	RUN(bottom_right_cell_is_followed_by_a_cursor_move);
	RUN(modes_title_clipboard_bell_when_they_change);
	RUN(full_repaint_resets_and_sets_everything);
	RUN(close_turns_off_what_the_session_turned_on);
	RUN(close_message_goes_below_the_content_without_scrolling_it_away);
	RUN(diff_is_smaller_than_repaint_when_little_changes);
	RUN(diff_round_trips_through_the_emulator);
	RUN(full_repaint_round_trips_through_the_emulator);
	RUN(no_history_diffs_round_trip_and_push_nothing);
	RUN(plain_scroll_pushes_rows_no_history_scroll_does_not);
	return unit_exit_status();
}
