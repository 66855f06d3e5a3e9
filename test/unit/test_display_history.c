/* The scrollback writer (term/display_history.h), played into an emulator
 * that keeps history the way xterm does: its history must end up holding
 * exactly the lines given, in order, once, and its screen the frame given. */
#include <stdlib.h>
#include <string.h>

#include "core/options.h"
#include "term/display_history.h"
#include "term/emu.h"
#include "term/history.h"
#include "term/history_line.h"
#include "unit.h"

#define MAX_ENTRIES 128

/* Entries made from lines of text run through an emulator `cols` wide. */
struct entries {
	struct history_span span[MAX_ENTRIES];
	struct buf bytes[MAX_ENTRIES];
	size_t n;
};

static void add_line(struct entries *e, int cols, const char *text)
{
	struct emu *emu = emu_new(cols, 1);

	if (!emu || e->n == MAX_ENTRIES) {
		unit_fail(__FILE__, __LINE__, "no room for an entry");
		emu_free(emu);
		return;
	}
	emu_write(emu, text, strlen(text));
	buf_init(&e->bytes[e->n]);
	history_line_encode(emu_fb(emu), 0, &e->bytes[e->n]);
	e->n++;
	emu_free(emu);
}

static void add_erase(struct entries *e)
{
	buf_init(&e->bytes[e->n]);
	history_erase_encode(&e->bytes[e->n]);
	e->n++;
}

static void add_junk(struct entries *e)
{
	buf_init(&e->bytes[e->n]);
	buf_put(&e->bytes[e->n], "\x05\x0a", 2);
	e->n++;
}

static const struct history_span *spans(struct entries *e)
{
	for (size_t i = 0; i < e->n; i++) {
		e->span[i].data = e->bytes[i].data;
		e->span[i].len = e->bytes[i].len;
	}
	return e->span;
}

static void free_entries(struct entries *e)
{
	for (size_t i = 0; i < e->n; i++)
		buf_free(&e->bytes[i]);
	e->n = 0;
}

static struct fb *frame_of(int cols, int rows, const char *text)
{
	struct emu *emu = emu_new(cols, rows);
	struct fb *fb;

	if (!emu)
		return NULL;
	emu_write(emu, text, strlen(text));
	fb = fb_clone(emu_fb(emu));
	emu_free(emu);
	return fb;
}

/* Every test but the last runs both ways: keeping the screen in view, and
 * not. */
static bool keep_in_view;

/* What a terminal that showed `shown` holds after the writer's bytes. */
struct played {
	struct history *history;
	struct fb *screen;
	struct buf out;
	size_t bad;
};

static void play(struct played *p, const struct fb *shown, const struct fb *now, uint64_t lost,
		 struct entries *e)
{
	struct emu *term = shown ? emu_new_from_fb(shown) : emu_new(fb_cols(now), fb_rows(now));

	memset(p, 0, sizeof *p);
	buf_init(&p->out);
	p->history = history_new(1000);
	p->bad = display_history(shown, now, lost, spans(e), e->n, keep_in_view, NULL, &p->out);
	if (!term || !p->history) {
		unit_fail(__FILE__, __LINE__, "out of memory");
		emu_free(term);
		return;
	}
	emu_set_history(term, p->history);
	emu_write(term, p->out.data, p->out.len);
	p->screen = fb_clone(emu_fb(term));
	emu_free(term);
}

static void unplay(struct played *p)
{
	history_free(p->history);
	fb_free(p->screen);
	buf_free(&p->out);
}

/* Entry i of the terminal's history as text (cells' graphemes, trailing
 * blanks cut), or "(erase)". */
static const char *history_text(const struct history *h, uint64_t i)
{
	static char text[512];
	const uint8_t *data;
	size_t len, at = 0, keep = 0;
	struct fb *line = NULL;

	if (!history_entry(h, history_start(h) + i, &data, &len))
		return "(none)";
	if (history_entry_decode(data, len, &line) == HISTORY_ENTRY_ERASE)
		return "(erase)";
	for (int col = 0; line && col < fb_cols(line); col++) {
		char cell[FB_CLUSTER_MAX];
		size_t n;
		if (fb_cell(line, 0, col)->width == 0)
			continue;
		n = fb_cell_text(line, 0, col, cell, sizeof cell);
		if (at + n >= sizeof text)
			break;
		memcpy(text + at, cell, n);
		at += n;
		if (strcmp(cell, " ") != 0)
			keep = at;
	}
	text[keep] = '\0';
	fb_free(line);
	return text;
}

static uint64_t history_count(const struct history *h)
{
	return history_end(h) - history_start(h);
}

/* The terminal's history entry i has the same cells as entries' line j. */
static bool same_line(const struct played *p, uint64_t i, const struct entries *e, size_t j)
{
	const uint8_t *data;
	size_t len;

	return history_entry(p->history, history_start(p->history) + i, &data, &len) &&
	       len == e->bytes[j].len && memcmp(data, e->bytes[j].data, len) == 0;
}

TEST(lines_go_into_history_above_the_screen)
{
	struct fb *shown = frame_of(20, 5, "$ seq 1 30\r\n1\r\n2\r\n3\r\n4");
	struct fb *now = frame_of(20, 5, "27\r\n28\r\n29\r\n30\r\n$ ");
	struct entries e = { .n = 0 };
	struct played p;
	char text[32];

	for (int i = 0; i < 26; i++) {
		snprintf(text, sizeof text, i ? "%d" : "$ seq 1 30", i);
		add_line(&e, 20, text);
	}
	play(&p, shown, now, 0, &e);
	EXPECT_INT(p.bad, 0);
	EXPECT_INT(history_count(p.history), 26);
	for (uint64_t i = 0; i < 26; i++)
		EXPECT(same_line(&p, i, &e, i));
	EXPECT(p.screen && fb_equal(p.screen, now));
	EXPECT(p.out.len > 16 && memcmp(p.out.data, "\033[?2026h", 8) == 0);
	EXPECT(memcmp(p.out.data + p.out.len - 8, "\033[?2026l", 8) == 0);
	unplay(&p);
	free_entries(&e);
	fb_free(shown);
	fb_free(now);
}

TEST(lines_the_terminal_shows_are_only_scrolled_up)
{
	struct fb *shown = frame_of(20, 5, "a\r\nb\r\nc\r\nd\r\ne");
	struct fb *now = frame_of(20, 5, "c\r\nd\r\ne\r\nf\r\ng");
	struct entries e = { .n = 0 };
	struct played p;

	add_line(&e, 20, "a");
	add_line(&e, 20, "b");
	play(&p, shown, now, 0, &e);
	EXPECT_INT(history_count(p.history), 2);
	EXPECT_STR(history_text(p.history, 0), "a");
	EXPECT_STR(history_text(p.history, 1), "b");
	EXPECT(p.screen && fb_equal(p.screen, now));
	/* A move to the bottom row, two line feeds, two rows painted. */
	EXPECT(p.out.len < 8 + 6 + 2 + 12 + 8);
	unplay(&p);
	free_entries(&e);
	fb_free(shown);
	fb_free(now);
}

TEST(lines_when_the_screen_is_not_known)
{
	struct fb *now = frame_of(10, 3, "x\r\ny");
	struct entries e = { .n = 0 };
	struct played p;

	add_line(&e, 10, "one");
	add_line(&e, 10, "two");
	play(&p, NULL, now, 0, &e);
	EXPECT_INT(history_count(p.history), 2);
	EXPECT_STR(history_text(p.history, 1), "two");
	EXPECT(p.screen && fb_equal(p.screen, now));
	unplay(&p);
	free_entries(&e);
	fb_free(now);
}

TEST(attributes_and_combining_marks_are_kept)
{
	struct fb *shown = frame_of(20, 4, "");
	struct entries e = { .n = 0 };
	struct played p;

	add_line(&e, 20, "\033[1;31mbold red\033[m \033[38;2;1;2;3;48;5;200mrgb\033[m");
	add_line(&e, 20, "e\xcc\x81t\xc3\xa9 \xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9 x");
	add_line(&e, 20, "\033[44m\033[K");	/* a blank line with a background */
	play(&p, shown, shown, 0, &e);
	EXPECT_INT(history_count(p.history), 3);
	for (uint64_t i = 0; i < 3; i++)
		EXPECT(same_line(&p, i, &e, i));
	EXPECT(p.screen && fb_equal(p.screen, shown));
	unplay(&p);
	free_entries(&e);
	fb_free(shown);
}

TEST(wide_lines_take_rows_and_wide_characters_never_straddle)
{
	struct fb *now = frame_of(5, 3, "");
	struct entries e = { .n = 0 };
	struct played p;

	/* Ten columns into a terminal five wide; the second CJK character
	 * would straddle the margin after "ab" and the first, so it starts
	 * the next row. */
	add_line(&e, 10, "ab\xe4\xb8\xad\xe6\x96\x87xy");
	add_line(&e, 10, "abcdefghij");
	play(&p, now, now, 0, &e);
	EXPECT_INT(history_count(p.history), 4);
	EXPECT_STR(history_text(p.history, 0), "ab\xe4\xb8\xad");
	EXPECT_STR(history_text(p.history, 1), "\xe6\x96\x87xy");
	EXPECT_STR(history_text(p.history, 2), "abcde");
	EXPECT_STR(history_text(p.history, 3), "fghij");
	EXPECT(p.screen && fb_equal(p.screen, now));
	unplay(&p);
	free_entries(&e);
	fb_free(now);
}

TEST(full_width_lines_are_not_cut)
{
	struct fb *now = frame_of(5, 2, "");
	struct entries e = { .n = 0 };
	struct played p;

	add_line(&e, 5, "abcde");
	add_line(&e, 5, "abc\xe4\xb8\xad");
	play(&p, now, now, 0, &e);
	EXPECT_INT(history_count(p.history), 2);
	EXPECT_STR(history_text(p.history, 0), "abcde");
	EXPECT_STR(history_text(p.history, 1), "abc\xe4\xb8\xad");
	unplay(&p);
	free_entries(&e);
	fb_free(now);
}

TEST(gap_marker_stands_for_lost_lines)
{
	struct fb *now = frame_of(40, 4, "$ ");
	struct entries e = { .n = 0 };
	struct played p;

	add_line(&e, 40, "first kept");
	play(&p, now, now, 123456, &e);
	EXPECT_INT(history_count(p.history), 2);
	EXPECT_STR(history_text(p.history, 0), "[sspsh: 123,456 lines not kept]");
	EXPECT_STR(history_text(p.history, 1), "first kept");
	EXPECT(p.screen && fb_equal(p.screen, now));
	unplay(&p);
	free_entries(&e);
	play(&p, now, now, 1, &e);
	EXPECT_STR(history_text(p.history, 0), "[sspsh: 1 line not kept]");
	unplay(&p);
	fb_free(now);
}

TEST(erase_saved_lines_is_passed_on)
{
	struct fb *now = frame_of(10, 3, "$ ");
	struct entries e = { .n = 0 };
	struct played p;

	add_line(&e, 10, "old");
	add_erase(&e);
	add_line(&e, 10, "new");
	play(&p, now, now, 99, &e);
	EXPECT(memmem(p.out.data, p.out.len, "\033[3J", 4) != NULL);
	/* The terminal erased its history, then took the line after. */
	EXPECT_INT(history_count(p.history), 2);
	EXPECT_STR(history_text(p.history, 0), "(erase)");
	EXPECT_STR(history_text(p.history, 1), "new");
	unplay(&p);
	free_entries(&e);
	fb_free(now);
}

TEST(entries_that_do_not_decode_are_left_out)
{
	struct fb *now = frame_of(10, 3, "");
	struct entries e = { .n = 0 };
	struct played p;

	add_line(&e, 10, "a");
	add_junk(&e);
	add_line(&e, 10, "b");
	play(&p, now, now, 0, &e);
	EXPECT_INT(p.bad, 1);
	EXPECT_INT(history_count(p.history), 2);
	EXPECT_STR(history_text(p.history, 1), "b");
	unplay(&p);
	free_entries(&e);
	fb_free(now);
}

TEST(one_row_terminal)
{
	struct fb *now = frame_of(10, 1, "$ ");
	struct entries e = { .n = 0 };
	struct played p;

	add_line(&e, 10, "a");
	add_line(&e, 10, "b");
	add_line(&e, 10, "c");
	play(&p, now, now, 0, &e);
	EXPECT_INT(history_count(p.history), 3);
	EXPECT_STR(history_text(p.history, 2), "c");
	EXPECT(p.screen && fb_equal(p.screen, now));
	unplay(&p);
	free_entries(&e);
	fb_free(now);
}

TEST(nothing_to_write_is_a_plain_diff)
{
	struct fb *shown = frame_of(10, 3, "a");
	struct fb *now = frame_of(10, 3, "ab");
	struct entries e = { .n = 0 };
	struct played p;

	play(&p, shown, now, 0, &e);
	EXPECT_INT(history_count(p.history), 0);
	EXPECT(p.screen && fb_equal(p.screen, now));
	EXPECT_INT(p.out.len, 8 + 1 + 8);
	unplay(&p);
	fb_free(shown);
	fb_free(now);
}

/* Played a byte at a time, the writer never hides the newest screen's
 * bottom row (a prompt after Ctrl-C) for long behind a backlog: terminals
 * without synchronized output show every step. */
TEST(the_newest_screen_stays_in_view_while_lines_go_up)
{
	struct fb *shown = frame_of(20, 8, "1\r\n2\r\n3\r\n4\r\n5\r\n6\r\n7\r\n8");
	struct fb *now = frame_of(20, 8, "95\r\n96\r\n97\r\n98\r\n99\r\n100\r\n^C\r\n$ ");
	struct emu *term = emu_new_from_fb(shown);
	struct history *kept = history_new(1000);
	struct entries e = { .n = 0 };
	struct buf out;
	size_t hidden = 0, longest = 0;
	char text[16];

	for (int i = 1; i <= 94; i++) {
		snprintf(text, sizeof text, "%d", i);
		add_line(&e, 20, text);
	}
	buf_init(&out);
	display_history(shown, now, 0, spans(&e), e.n, true, NULL, &out);
	EXPECT(term && kept);
	if (!term || !kept)
		goto done;
	emu_set_history(term, kept);
	for (size_t i = 0; i < out.len; i++) {
		bool seen = false;
		emu_write(term, out.data + i, 1);
		for (int row = 0; row < 8 && !seen; row++)
			seen = fb_row_equal(emu_fb(term), row, now, 7);
		hidden = seen ? 0 : hidden + 1;
		if (hidden > longest)
			longest = hidden;
	}
	/* Only the bytes that paint the newest screen first, before any line. */
	EXPECT(longest < 64);
	EXPECT_INT(history_count(kept), 94);
	EXPECT_STR(history_text(kept, 93), "94");
	EXPECT(fb_equal(emu_fb(term), now));
done:
	emu_free(term);
	history_free(kept);
	buf_free(&out);
	free_entries(&e);
	fb_free(shown);
	fb_free(now);
}

/* The other way takes fewer bytes. */
TEST(lines_without_the_screen_in_view_cost_less)
{
	struct fb *now = frame_of(20, 8, "95\r\n96\r\n97\r\n98\r\n99\r\n100\r\n^C\r\n$ ");
	struct entries e = { .n = 0 };
	struct buf kept, plain_out;
	char text[16];

	for (int i = 1; i <= 94; i++) {
		snprintf(text, sizeof text, "%d", i);
		add_line(&e, 20, text);
	}
	buf_init(&kept);
	buf_init(&plain_out);
	display_history(now, now, 0, spans(&e), e.n, true, NULL, &kept);
	display_history(now, now, 0, spans(&e), e.n, false, NULL, &plain_out);
	EXPECT(plain_out.len < kept.len);
	buf_free(&kept);
	buf_free(&plain_out);
	free_entries(&e);
	fb_free(now);
}

static void run_both_ways(void)
{
	RUN(lines_go_into_history_above_the_screen);
	RUN(lines_the_terminal_shows_are_only_scrolled_up);
	RUN(lines_when_the_screen_is_not_known);
	RUN(attributes_and_combining_marks_are_kept);
	RUN(wide_lines_take_rows_and_wide_characters_never_straddle);
	RUN(full_width_lines_are_not_cut);
	RUN(gap_marker_stands_for_lost_lines);
	RUN(erase_saved_lines_is_passed_on);
	RUN(entries_that_do_not_decode_are_left_out);
	RUN(one_row_terminal);
	RUN(nothing_to_write_is_a_plain_diff);
}

int main(void)
{
	run_both_ways();
	keep_in_view = true;
	run_both_ways();
	RUN(the_newest_screen_stays_in_view_while_lines_go_up);
	RUN(lines_without_the_screen_in_view_cost_less);
	return unit_exit_status();
}
