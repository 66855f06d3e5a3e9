/* The newer attributes and the cursor shape on their way to the user's
 * terminal: sent where its terminfo entry says it takes them, a clean
 * fallback elsewhere; the cursor's pen carried to the client; and the
 * bound on underline colours a program can make the process keep. */
#include "core/options.h"
#include "term/caps.h"
#include "term/display.h"
#include "term/emu.h"
#include "test/unit/unit.h"

#include <stdlib.h>

static const char styled[] =
	"\033[4:3mA\033[0;58:2::255:0:0;4mB\033[0;53mC\033[0;58;5;196;4mD\033[0;4:4mE\033[4:5mF\033[0m\033[5 q";

static struct emu *screen_of(const char *bytes)
{
	struct emu *emu = emu_new(20, 3);

	EXPECT(emu != NULL);
	emu_write(emu, bytes, strlen(bytes));
	return emu;
}

/* The full repaint for a terminal with `caps`, as a C string. */
static const char *repaint_for(const struct fb *fb, const struct term_caps *caps)
{
	static struct buf out;
	struct display_options opts = { .terminal = caps };

	buf_reset(&out);
	display_diff_with(NULL, fb, &opts, &out);
	buf_put_u8(&out, 0);
	return (const char *)out.data;
}

static bool contains(const char *haystack, const char *needle)
{
	return strstr(haystack, needle) != NULL;
}

TEST(a_terminal_that_takes_everything_gets_everything)
{
	struct emu *emu = screen_of(styled);
	const char *out = repaint_for(emu_fb(emu), &term_caps_all);

	EXPECT(contains(out, "4:3"));
	EXPECT(contains(out, "4:4"));
	EXPECT(contains(out, "4:5"));
	EXPECT(contains(out, "58:2::255:0:0"));
	EXPECT(contains(out, "58:5:196"));
	EXPECT(contains(out, "53"));
	EXPECT(contains(out, "\033[5 q"));
	emu_free(emu);
}

TEST(without_the_capabilities_plain_underlines_and_nothing_else)
{
	struct term_caps none = { .cursor_addressing = true };
	struct emu *emu = screen_of(styled);
	const char *out = repaint_for(emu_fb(emu), &none);
	struct emu *shown = screen_of(out);

	EXPECT(!contains(out, "4:"));
	EXPECT(!contains(out, "58"));
	EXPECT(!contains(out, "53"));
	EXPECT(!contains(out, " q"));
	/* Every styled underline is still an underline, with no colour. */
	for (int col = 0; col < 6; col++) {
		const struct fb_cell *cell = fb_cell(emu_fb(shown), 0, col);
		EXPECT_INT(cell->pen.attrs & FB_UNDERLINE_STYLES, 0);
		EXPECT_INT(fb_pen_underline(&cell->pen), FB_COLOR_DEFAULT);
		EXPECT_INT(!!(cell->pen.attrs & FB_UNDERLINE), col != 2);
	}
	EXPECT_INT(fb_cell(emu_fb(shown), 0, 2)->pen.attrs, 0);	/* the overlined C */
	emu_free(shown);
	emu_free(emu);
}

TEST(cursor_shape_is_reset_with_the_terminals_se)
{
	struct term_caps xterm = { .cursor_addressing = true, .cursor_shape = true };
	struct emu *emu = screen_of("\033[6 q");
	struct buf out;

	buf_init(&out);
	strcpy(xterm.cursor_shape_reset, "\033[2 q");
	display_close(emu_fb(emu), "bye", &xterm, &out);
	buf_put_u8(&out, 0);
	EXPECT(contains((const char *)out.data, "\033[2 q"));
	buf_reset(&out);
	xterm.cursor_shape_reset[0] = '\0';
	display_close(emu_fb(emu), "bye", &xterm, &out);
	buf_put_u8(&out, 0);
	EXPECT(contains((const char *)out.data, "\033[0 q"));
	buf_reset(&out);
	xterm.cursor_shape = false;
	display_close(emu_fb(emu), "bye", &xterm, &out);
	buf_put_u8(&out, 0);
	EXPECT(!contains((const char *)out.data, " q"));
	buf_free(&out);
	emu_free(emu);
}

/* The client's copy of the screen is made by applying diffs to an
 * emulator started from the old frame: the pen a program left set must
 * survive, for prediction to draw with it. */
TEST(the_cursor_pen_survives_diffs)
{
	struct emu *server = screen_of("\033[1;32mprompt$ \033[0;3;4:3;58;5;1m");
	struct emu *client = emu_new(20, 3);
	struct fb *before = fb_clone(emu_fb(server));
	struct buf diff;

	buf_init(&diff);
	display_diff(NULL, emu_fb(server), &diff);
	emu_write(client, diff.data, diff.len);
	EXPECT(fb_pen_equal(fb_cursor_pen(emu_fb(client)), fb_cursor_pen(emu_fb(server))));
	emu_write(server, "x\033[m", 4);
	buf_reset(&diff);
	display_diff(before, emu_fb(server), &diff);
	emu_free(client);
	client = emu_new_from_fb(before);
	emu_write(client, diff.data, diff.len);
	EXPECT(fb_equal(emu_fb(client), emu_fb(server)));
	EXPECT_INT(fb_cell(emu_fb(client), 0, 8)->pen.attrs,
		   FB_ITALIC | FB_UNDERLINE | FB_UNDERLINE_CURLY);
	buf_free(&diff);
	fb_free(before);
	emu_free(client);
	emu_free(server);
}

/* Our emulator measures an emoji sequence as the server's does: after one,
 * a diff for it still knows the column, so a soft wrap that follows is
 * recreated (a terminal's column is not trusted there). */
TEST(soft_wrap_after_an_emoji_sequence_reaches_our_emulator)
{
	struct emu *server = emu_new(2, 3), *client = emu_new(2, 3);
	struct fb *blank = fb_clone(emu_fb(client));
	struct buf diff;

	buf_init(&diff);
	emu_write(server, "bz\xef\xb8\x8f" "ab", 7);
	EXPECT(fb_row_wrapped(emu_fb(server), 0));
	display_diff(blank, emu_fb(server), &diff);
	emu_free(client);
	client = emu_new_from_fb(blank);
	emu_write(client, diff.data, diff.len);
	EXPECT(fb_row_wrapped(emu_fb(client), 0));
	EXPECT(fb_equal(emu_fb(client), emu_fb(server)));
	buf_free(&diff);
	fb_free(blank);
	emu_free(client);
	emu_free(server);
}

TEST(terminfo_names_what_a_terminal_takes)
{
	struct term_caps caps;

	if (!term_caps_load("tmux-256color", &caps))
		SKIP("no terminfo entry for tmux-256color");
	EXPECT(caps.cursor_addressing && caps.styled_underline && caps.cursor_shape);
	EXPECT_STR(caps.cursor_shape_reset, "\033[2 q");
	EXPECT(term_caps_load("dumb", &caps));
	EXPECT(!caps.cursor_addressing && !caps.styled_underline && !caps.cursor_shape);
	EXPECT(!term_caps_load("no-such-terminal-here", &caps));
	EXPECT(caps.cursor_addressing && !caps.underline_color);
}

/* A hostile program sends more distinct RGB underline colours than the
 * process keeps: the rest become indexed colours, and the table stays at
 * its bound. */
TEST(underline_colours_past_the_bound_become_indexed)
{
	int total = SSPSH_UNDERLINE_RGB_MAX + 500, exact = 0, indexed = 0;
	struct emu *emu = emu_new(SSPSH_MAX_COLS, 1);
	char seq[48];

	EXPECT(emu != NULL);
	for (int i = 0; i < total; i++) {
		int n = snprintf(seq, sizeof seq, "\r\033[58:2::%d:%d:%dmX", i >> 16 & 0xff,
				 i >> 8 & 0xff, i & 0xff);
		emu_write(emu, seq, (size_t)n);
		fb_color got = fb_pen_underline(&fb_cell(emu_fb(emu), 0, 0)->pen);
		if (got == FB_COLOR_RGB(i >> 16 & 0xff, i >> 8 & 0xff, i & 0xff))
			exact++;
		else if (FB_COLOR_KIND(got) == FB_KIND_INDEXED)
			indexed++;
	}
	EXPECT_INT(exact + indexed, total);
	EXPECT(indexed >= 500);
	/* A colour kept before the table filled is still exact. */
	emu_write(emu, "\r\033[58:2::0:0:1mX", 16);
	EXPECT_INT(fb_pen_underline(&fb_cell(emu_fb(emu), 0, 0)->pen), FB_COLOR_RGB(0, 0, 1));
	/* A new red is not kept now: the nearest indexed colour, 196. */
	emu_write(emu, "\r\033[58:2::250:2:3mX", 18);
	EXPECT_INT(fb_pen_underline(&fb_cell(emu_fb(emu), 0, 0)->pen), FB_COLOR_INDEXED(196));
	emu_free(emu);
}

int main(void)
{
	RUN(a_terminal_that_takes_everything_gets_everything);
	RUN(without_the_capabilities_plain_underlines_and_nothing_else);
	RUN(cursor_shape_is_reset_with_the_terminals_se);
	RUN(the_cursor_pen_survives_diffs);
	RUN(soft_wrap_after_an_emoji_sequence_reaches_our_emulator);
	RUN(terminfo_names_what_a_terminal_takes);
	RUN(underline_colours_past_the_bound_become_indexed);
	return unit_exit_status();
}
