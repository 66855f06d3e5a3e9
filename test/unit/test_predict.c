/* Prediction engine: keys and server frames in, the screen the user sees
 * out. A small simulated "remote program" writes the server's frame the
 * way a line editor would echo; the test decides when its frames (with
 * their echo ack) reach the client. */
#include <stdlib.h>
#include <utf8proc.h>

#include "term/fb.h"
#include "term/keys.h"
#include "term/predict.h"
#include "test/fuzz/predict_script.h"
#include "unit.h"

struct sim {
	struct predict *p;
	struct keys *keys;
	struct fb *server;	/* the remote screen */
	uint64_t now;
	char row_text[512];
};

static void sim_start(struct sim *s, int cols, int rows, const char *prompt,
		      enum predict_mode mode, int rtt_ms);

static void sim_end(struct sim *s)
{
	predict_free(s->p);
	keys_free(s->keys);
	fb_free(s->server);
}

/* The remote program writes text at its cursor, wrapping like readline. */
static void remote_puts(struct sim *s, const char *text)
{
	const utf8proc_uint8_t *u = (const utf8proc_uint8_t *)text;
	struct fb_pen pen = { 0 };
	int row, col;

	fb_cursor(s->server, &row, &col);
	while (*u) {
		utf8proc_int32_t cp;
		utf8proc_ssize_t n = utf8proc_iterate(u, -1, &cp);
		int w = utf8proc_charwidth(cp);

		if (col + w > fb_cols(s->server)) {
			row++;
			col = 0;
		}
		fb_set_cell(s->server, row, col, (const char *)u, (size_t)n, w, &pen);
		col += w;
		if (col == fb_cols(s->server)) {
			row++;
			col = 0;
		}
		u += n;
	}
	fb_set_cursor(s->server, row, col);
}

static void remote_backspace(struct sim *s)
{
	struct fb_pen pen = { 0 };
	int row, col;

	fb_cursor(s->server, &row, &col);
	fb_shift_cells(s->server, row, col - 1, -1, &pen);
	fb_set_cursor(s->server, row, col - 1);
}

static void sim_start(struct sim *s, int cols, int rows, const char *prompt,
		      enum predict_mode mode, int rtt_ms)
{
	memset(s, 0, sizeof *s);
	s->now = 1000;
	s->server = fb_new(cols, rows);
	s->keys = keys_new("xterm-256color");
	s->p = predict_new(mode);
	remote_puts(s, prompt);
	predict_set_rtt(s->p, rtt_ms);
	predict_server_frame(s->p, s->server, 0, s->now);
}

static void on_key(void *ctx, const struct key *key)
{
	struct sim *s = ctx;

	predict_key(s->p, key, key->end_offset, s->now);
}

/* The user types; the bytes' position in the input stream is the count of
 * bytes typed so far. */
static void type(struct sim *s, const char *bytes)
{
	s->now += 10;
	keys_feed(s->keys, bytes, strlen(bytes), on_key, s);
}

static uint64_t typed(const struct sim *s)
{
	return keys_offset(s->keys);
}

/* A frame from the server arrives, having seen input up to `ack`. */
static void frame(struct sim *s, uint64_t ack)
{
	s->now += 10;
	predict_server_frame(s->p, s->server, ack, s->now);
}

/* What the user's terminal shows now. Caller frees. */
static struct fb *shown(struct sim *s)
{
	struct fb *fb = fb_clone(s->server);

	predict_apply(s->p, fb, s->now);
	return fb;
}

static const char *row_of(struct sim *s, const struct fb *fb, int row)
{
	size_t len = 0;
	char cell[FB_CLUSTER_MAX];

	for (int c = 0; c < fb_cols(fb); c++) {
		size_t n = fb_cell_text(fb, row, c, cell, sizeof cell);

		memcpy(s->row_text + len, cell, n);
		len += n;
	}
	while (len > 0 && s->row_text[len - 1] == ' ')
		len--;
	s->row_text[len] = '\0';
	return s->row_text;
}

static const char *shown_row(struct sim *s, int row)
{
	struct fb *fb = shown(s);
	const char *text = row_of(s, fb, row);

	fb_free(fb);
	return text;
}

static int shown_cursor_col(struct sim *s)
{
	struct fb *fb = shown(s);
	int row, col;

	fb_cursor(fb, &row, &col);
	fb_free(fb);
	return col;
}

static bool shown_underlined(struct sim *s, int row, int col)
{
	struct fb *fb = shown(s);
	bool underlined = fb_cell(fb, row, col)->pen.attrs & FB_UNDERLINE;

	fb_free(fb);
	return underlined;
}

static bool shown_is_server(struct sim *s)
{
	struct fb *fb = shown(s);
	bool same = fb_equal(fb, s->server);

	fb_free(fb);
	return same;
}

/* Type one character and let the server echo it: its epoch is confirmed. */
static void confirm_with(struct sim *s, const char *ch)
{
	type(s, ch);
	remote_puts(s, ch);
	frame(s, typed(s));
}

TEST(first_key_waits_then_typing_shows_at_once)
{
	struct sim s;

	sim_start(&s, 20, 4, "$ ", PREDICT_ADAPTIVE, 200);
	type(&s, "a");
	EXPECT_STR(shown_row(&s, 0), "$");	/* not confirmed yet */
	remote_puts(&s, "a");
	frame(&s, 1);
	EXPECT_STR(shown_row(&s, 0), "$ a");
	type(&s, "bc");
	EXPECT_STR(shown_row(&s, 0), "$ abc");
	EXPECT_INT(shown_cursor_col(&s), 5);
	EXPECT(shown_underlined(&s, 0, 3));	/* 200 ms RTT: flagged */
	EXPECT(shown_underlined(&s, 0, 4));
	EXPECT(!shown_underlined(&s, 0, 2));	/* the server's own 'a' */
	remote_puts(&s, "bc");
	frame(&s, 3);
	EXPECT_INT(predict_pending(s.p), 0);
	EXPECT(shown_is_server(&s));
	EXPECT(!shown_underlined(&s, 0, 3));
	sim_end(&s);
}

TEST(echo_off_never_shows_typed_characters)
{
	struct sim s;

	sim_start(&s, 30, 4, "Password: ", PREDICT_ALWAYS, 200);
	for (const char *c = "secret"; *c; c++) {
		char one[2] = { *c, 0 };

		type(&s, one);
		EXPECT_STR(shown_row(&s, 0), "Password:");
		frame(&s, typed(&s));
		EXPECT_STR(shown_row(&s, 0), "Password:");
	}
	/* Typed ahead of the server, then acknowledged at once. */
	type(&s, "hunter2");
	EXPECT_STR(shown_row(&s, 0), "Password:");
	frame(&s, typed(&s));
	EXPECT(shown_is_server(&s));
	sim_end(&s);
}

/* Typing and erasing leaves the cell as it was: seeing it unchanged on the
 * server proves nothing, so the epoch stays hidden. */
TEST(echo_off_typed_and_erased_confirms_nothing)
{
	struct sim s;

	sim_start(&s, 30, 4, "Password: ", PREDICT_ALWAYS, 200);
	type(&s, "x\x7f");
	frame(&s, typed(&s));
	type(&s, "y");
	EXPECT_STR(shown_row(&s, 0), "Password:");
	EXPECT_INT(shown_cursor_col(&s), 10);
	sim_end(&s);
}

TEST(echo_off_after_a_confirmed_line)
{
	struct sim s;
	int row, col;

	sim_start(&s, 30, 4, "$ ", PREDICT_ALWAYS, 200);
	confirm_with(&s, "s");
	type(&s, "udo\r");
	EXPECT_STR(shown_row(&s, 0), "$ sudo");
	remote_puts(&s, "udo");
	fb_set_cursor(s.server, 1, 0);
	remote_puts(&s, "Password: ");
	frame(&s, typed(&s));
	fb_cursor(s.server, &row, &col);
	for (const char *c = "pw"; *c; c++) {
		char one[2] = { *c, 0 };

		type(&s, one);
		EXPECT_STR(shown_row(&s, 1), "Password:");
		frame(&s, typed(&s));
		EXPECT_STR(shown_row(&s, 1), "Password:");
	}
	EXPECT(shown_is_server(&s));
	sim_end(&s);
}

TEST(backspace_delete_and_cursor_keys)
{
	struct sim s;

	sim_start(&s, 20, 4, "$ ", PREDICT_ALWAYS, 200);
	confirm_with(&s, "a");
	type(&s, "bcd");
	EXPECT_STR(shown_row(&s, 0), "$ abcd");
	type(&s, "\x7f");
	EXPECT_STR(shown_row(&s, 0), "$ abc");
	EXPECT_INT(shown_cursor_col(&s), 5);
	type(&s, "\x1b[D\x1b[D");
	EXPECT_INT(shown_cursor_col(&s), 3);
	type(&s, "X");	/* inserted: the rest of the line moves right */
	EXPECT_STR(shown_row(&s, 0), "$ aXbc");
	EXPECT_INT(shown_cursor_col(&s), 4);
	type(&s, "\x1b[3~");	/* Delete takes the 'b' under the cursor */
	EXPECT_STR(shown_row(&s, 0), "$ aXc");
	EXPECT_INT(shown_cursor_col(&s), 4);
	type(&s, "\x1b[C");
	EXPECT_INT(shown_cursor_col(&s), 5);
	type(&s, "\x7f\x7f");	/* backspace in the middle of the line */
	EXPECT_STR(shown_row(&s, 0), "$ a");
	EXPECT_INT(shown_cursor_col(&s), 3);
	sim_end(&s);
}

TEST(backspace_confirmed_by_the_server)
{
	struct sim s;

	sim_start(&s, 20, 4, "$ ", PREDICT_ALWAYS, 200);
	confirm_with(&s, "a");
	type(&s, "bc\x7f");
	EXPECT_STR(shown_row(&s, 0), "$ ab");
	remote_puts(&s, "bc");
	remote_backspace(&s);
	frame(&s, typed(&s));
	EXPECT_INT(predict_pending(s.p), 0);
	EXPECT(shown_is_server(&s));
	type(&s, "d");	/* still the confirmed epoch: shown at once */
	EXPECT_STR(shown_row(&s, 0), "$ abd");
	sim_end(&s);
}

TEST(wrong_prediction_removes_its_epoch_at_once)
{
	struct sim s;

	sim_start(&s, 20, 4, "$ ", PREDICT_ALWAYS, 200);
	confirm_with(&s, "a");
	type(&s, "bcd");
	EXPECT_STR(shown_row(&s, 0), "$ abcd");
	remote_puts(&s, "X");	/* the program shows something else for 'b' */
	frame(&s, 2);		/* acknowledges 'b' only */
	EXPECT_STR(shown_row(&s, 0), "$ aX");
	EXPECT_INT(predict_pending(s.p), 0);
	EXPECT(shown_is_server(&s));
	type(&s, "e");		/* not shown until the server catches up */
	EXPECT(shown_is_server(&s));
	sim_end(&s);
}

TEST(wrong_cursor_removes_its_epoch)
{
	struct sim s;

	sim_start(&s, 20, 4, "$ ", PREDICT_ALWAYS, 200);
	confirm_with(&s, "a");
	type(&s, "\x1b[D");
	EXPECT_INT(shown_cursor_col(&s), 2);
	frame(&s, typed(&s));	/* the program ignored Left */
	EXPECT_INT(shown_cursor_col(&s), 3);
	EXPECT(shown_is_server(&s));
	sim_end(&s);
}

TEST(wide_characters)
{
	struct sim s;
	struct fb *fb;

	sim_start(&s, 20, 4, "$ ", PREDICT_ALWAYS, 200);
	confirm_with(&s, "a");
	type(&s, "\xe3\x81\x82\xe3\x81\x84");	/* あい */
	EXPECT_STR(shown_row(&s, 0), "$ a\xe3\x81\x82\xe3\x81\x84");
	EXPECT_INT(shown_cursor_col(&s), 7);
	fb = shown(&s);
	EXPECT_INT(fb_cell(fb, 0, 3)->width, 2);
	EXPECT_INT(fb_cell(fb, 0, 4)->width, 0);
	fb_free(fb);
	type(&s, "\x7f");	/* takes the whole wide character */
	EXPECT_STR(shown_row(&s, 0), "$ a\xe3\x81\x82");
	EXPECT_INT(shown_cursor_col(&s), 5);
	type(&s, "\x1b[D");	/* over the wide character */
	EXPECT_INT(shown_cursor_col(&s), 3);
	type(&s, "z");
	EXPECT_STR(shown_row(&s, 0), "$ az\xe3\x81\x82");
	remote_puts(&s, "z\xe3\x81\x82");
	fb_set_cursor(s.server, 0, 4);
	frame(&s, typed(&s));
	EXPECT_INT(predict_pending(s.p), 0);
	EXPECT(shown_is_server(&s));
	sim_end(&s);
}

TEST(line_wrap_at_right_margin)
{
	struct sim s;
	int row, col;
	struct fb *fb;

	sim_start(&s, 10, 4, "$ ", PREDICT_ALWAYS, 200);
	confirm_with(&s, "a");
	type(&s, "bcdefgh");	/* 'h' lands in the last column */
	EXPECT_STR(shown_row(&s, 0), "$ abcdefgh");
	type(&s, "i");		/* the next line: a new epoch, not shown yet */
	EXPECT_STR(shown_row(&s, 1), "");
	remote_puts(&s, "bcdefghi");
	frame(&s, typed(&s));
	EXPECT(shown_is_server(&s));
	type(&s, "j");		/* the wrap is confirmed: shown at once */
	EXPECT_STR(shown_row(&s, 1), "ij");
	fb = shown(&s);
	fb_cursor(fb, &row, &col);
	EXPECT_INT(row, 1);
	EXPECT_INT(col, 2);
	fb_free(fb);
	sim_end(&s);
}

TEST(wide_character_at_the_margin_is_left_to_the_server)
{
	struct sim s;

	sim_start(&s, 6, 3, "$ ", PREDICT_ALWAYS, 200);
	confirm_with(&s, "a");
	type(&s, "bc\xe3\x81\x82");	/* 'c' fills column 4; あ needs two */
	EXPECT_STR(shown_row(&s, 0), "$ abc");
	EXPECT_STR(shown_row(&s, 1), "");
	remote_puts(&s, "bc\xe3\x81\x82");
	frame(&s, typed(&s));
	EXPECT(shown_is_server(&s));
	sim_end(&s);
}

TEST(modes_and_round_trip_thresholds)
{
	struct sim s;

	sim_start(&s, 20, 4, "$ ", PREDICT_NEVER, 500);
	confirm_with(&s, "a");
	type(&s, "b");
	EXPECT(shown_is_server(&s));
	sim_end(&s);

	sim_start(&s, 20, 4, "$ ", PREDICT_ADAPTIVE, 5);
	confirm_with(&s, "a");
	type(&s, "b");
	EXPECT(shown_is_server(&s));	/* fast link: the echo is as quick */
	EXPECT(predict_wait_ms(s.p, s.now) > 0);
	s.now += 300;			/* a stall: show what is pending */
	EXPECT_STR(shown_row(&s, 0), "$ ab");
	EXPECT(!shown_underlined(&s, 0, 3));
	predict_set_rtt(s.p, 40);	/* slow: shown, not underlined */
	s.now -= 300;
	EXPECT_STR(shown_row(&s, 0), "$ ab");
	EXPECT(!shown_underlined(&s, 0, 3));
	predict_set_rtt(s.p, 25);	/* between the thresholds: unchanged */
	EXPECT_STR(shown_row(&s, 0), "$ ab");
	predict_set_rtt(s.p, 10);
	EXPECT(shown_is_server(&s));
	predict_set_rtt(s.p, 100);	/* very slow: underlined */
	EXPECT(shown_underlined(&s, 0, 3));
	sim_end(&s);

	sim_start(&s, 20, 4, "$ ", PREDICT_ALWAYS, 5);
	confirm_with(&s, "a");
	type(&s, "b");
	EXPECT_STR(shown_row(&s, 0), "$ ab");
	EXPECT(!shown_underlined(&s, 0, 3));
	sim_end(&s);
}

TEST(unpredictable_key_waits_for_the_server)
{
	struct sim s;

	sim_start(&s, 20, 4, "$ ", PREDICT_ALWAYS, 200);
	confirm_with(&s, "l");
	type(&s, "\tx");	/* completion: who knows where x goes */
	EXPECT(shown_is_server(&s));
	remote_puts(&s, "s -l ");
	frame(&s, typed(&s) - 1);	/* Tab seen, x not yet */
	EXPECT(shown_is_server(&s));
	remote_puts(&s, "x");
	frame(&s, typed(&s));
	type(&s, "y");		/* a new epoch, shown once confirmed */
	EXPECT(shown_is_server(&s));
	remote_puts(&s, "y");
	frame(&s, typed(&s));
	type(&s, "z");
	EXPECT_STR(shown_row(&s, 0), "$ ls -l xyz");
	sim_end(&s);
}

TEST(pasted_text_is_predicted)
{
	struct sim s;

	sim_start(&s, 30, 4, "$ ", PREDICT_ALWAYS, 200);
	confirm_with(&s, "a");
	type(&s, "\x1b[200~hello world\x1b[201~");
	EXPECT_STR(shown_row(&s, 0), "$ ahello world");
	sim_end(&s);
}

TEST(resize_forgets_predictions)
{
	struct sim s;

	sim_start(&s, 20, 4, "$ ", PREDICT_ALWAYS, 200);
	confirm_with(&s, "a");
	type(&s, "bc");
	EXPECT_STR(shown_row(&s, 0), "$ abc");
	fb_resize(s.server, 30, 5);
	frame(&s, 1);
	EXPECT_INT(predict_pending(s.p), 0);
	EXPECT(shown_is_server(&s));
	sim_end(&s);
}

TEST(new_output_keeps_pending_guesses_until_judged)
{
	struct sim s;

	sim_start(&s, 20, 4, "$ ", PREDICT_ALWAYS, 200);
	confirm_with(&s, "a");
	type(&s, "b");
	fb_set_cell(s.server, 2, 0, "!", 1, 1, &(struct fb_pen){ 0 });	/* unrelated output */
	frame(&s, 1);
	EXPECT_STR(shown_row(&s, 0), "$ ab");
	EXPECT_STR(shown_row(&s, 2), "!");
	sim_end(&s);
}

/* Thousands of random sessions (the fuzz target's scripts): each ends on
 * exactly the server's screen once every key is acknowledged. */
TEST(random_sessions_settle_on_the_server_screen)
{
	uint64_t state = 0x9e3779b97f4a7c15ull;
	uint8_t script[400];
	int unsettled = 0;

	for (int run = 0; run < 3000; run++) {
		size_t len = 20 + run % (sizeof script - 20);

		for (size_t i = 0; i < len; i++) {
			state ^= state << 13;
			state ^= state >> 7;
			state ^= state << 17;
			script[i] = (uint8_t)(state >> 24);
		}
		if (!run_predict_script(script, len))
			unsettled++;
	}
	EXPECT_INT(unsettled, 0);
}

int main(void)
{
	RUN(first_key_waits_then_typing_shows_at_once);
	RUN(echo_off_never_shows_typed_characters);
	RUN(echo_off_typed_and_erased_confirms_nothing);
	RUN(echo_off_after_a_confirmed_line);
	RUN(backspace_delete_and_cursor_keys);
	RUN(backspace_confirmed_by_the_server);
	RUN(wrong_prediction_removes_its_epoch_at_once);
	RUN(wrong_cursor_removes_its_epoch);
	RUN(wide_characters);
	RUN(line_wrap_at_right_margin);
	RUN(wide_character_at_the_margin_is_left_to_the_server);
	RUN(modes_and_round_trip_thresholds);
	RUN(unpredictable_key_waits_for_the_server);
	RUN(pasted_text_is_predicted);
	RUN(resize_forgets_predictions);
	RUN(new_output_keeps_pending_guesses_until_judged);
	RUN(random_sessions_settle_on_the_server_screen);
	return unit_exit_status();
}
