/* The scrollback log and its line encoding (term/history.h,
 * term/history_line.h), and which lines the emulator keeps there. */
#include <stdlib.h>
#include <string.h>

#include "core/options.h"
#include "term/emu.h"
#include "term/history.h"
#include "term/history_line.h"
#include "unit.h"

/* Row `row` of fb as text: each cell's grapheme, trailing blanks cut. */
static const char *row_text(const struct fb *fb, int row)
{
	static char text[8192];
	size_t len = 0, keep = 0;

	for (int col = 0; col < fb_cols(fb); col++) {
		char cell[FB_CLUSTER_MAX];
		size_t n;
		if (fb_cell(fb, row, col)->width == 0)
			continue;
		n = fb_cell_text(fb, row, col, cell, sizeof cell);
		if (len + n >= sizeof text)
			break;
		memcpy(text + len, cell, n);
		len += n;
		if (strcmp(cell, " ") != 0)
			keep = len;
	}
	text[keep] = '\0';
	return text;
}

/* The one-row frame an emulator of `cols` columns shows after `bytes`. */
static struct emu *screen_of(int cols, int rows, const char *bytes)
{
	struct emu *emu = emu_new(cols, rows);

	if (emu)
		emu_write(emu, bytes, strlen(bytes));
	return emu;
}

/* Encode row 0 of the screen, decode it, and expect the same cells. */
static void expect_round_trip(int cols, const char *bytes, size_t *encoded_len)
{
	struct emu *emu = screen_of(cols, 2, bytes);
	struct buf out;
	struct fb *line = NULL;

	buf_init(&out);
	EXPECT(emu != NULL);
	if (!emu)
		return;
	history_line_encode(emu_fb(emu), 0, &out);
	EXPECT(out.len <= SSPSH_HISTORY_LINE_MAX);
	EXPECT_INT(history_entry_decode(out.data, out.len, &line), HISTORY_ENTRY_LINE);
	if (line) {
		/* A history line keeps the cells, not the soft wrap. */
		struct fb *screen = fb_clone(emu_fb(emu));

		EXPECT(screen && fb_set_row_wrapped(screen, 0, false));
		EXPECT_INT(fb_cols(line), cols);
		EXPECT(screen && fb_row_equal(line, 0, screen, 0));
		fb_free(screen);
	}
	if (encoded_len)
		*encoded_len = out.len;
	fb_free(line);
	buf_free(&out);
	emu_free(emu);
}

TEST(plain_text_costs_a_byte_a_cell)
{
	size_t len = 0;

	expect_round_trip(80, "hello, world", &len);
	EXPECT_INT(len, 1 + 12);	/* width, then the text; the blank tail is free */
	expect_round_trip(80, "", &len);
	EXPECT_INT(len, 1);
	expect_round_trip(200, "x", &len);
	EXPECT_INT(len, 2 + 1);
}

TEST(attributes_and_colours_survive)
{
	size_t len = 0;

	expect_round_trip(40, "\033[1;31mred\033[0;4;38;5;200mpink\033[48;2;1;2;3mrgb\033[m "
			  "\033[7;9;21mall\033[m", &len);
	expect_round_trip(20, "\033[44m\033[K", &len);	/* a coloured blank line */
	expect_round_trip(20, "a\033[42m   \033[mb     c", &len);	/* blank runs with a pen */
	/* Each pen change costs less than its SGR. */
	expect_round_trip(80, "\033[31mr\033[32mg\033[m", &len);
	EXPECT_INT(len, 1 + 2 * (3 + 1));
}

TEST(wide_characters_and_the_margin)
{
	size_t len = 0;

	expect_round_trip(10, "\xe4\xb8\xad\xe6\x96\x87" "ab", &len);
	EXPECT_INT(len, 1 + 2 + 6 + 2);
	/* A wide character ending in the last column. */
	expect_round_trip(6, "abcd\xe4\xb8\xad", NULL);
	/* One that did not fit wrapped: the first row ends blank. */
	expect_round_trip(6, "abcde\xe4\xb8\xad", NULL);
	expect_round_trip(3, "\xe4\xb8\xad\xe4\xb8\xad", NULL);
}

TEST(combining_marks_and_clusters)
{
	/* e + U+0301, a ZWJ family (wide), a flag, a Hangul syllable in jamo. */
	expect_round_trip(20, "e\xcc\x81 "
			  "\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9\xe2\x80\x8d\xf0\x9f\x91\xa7"
			  " \xf0\x9f\x87\xab\xf0\x9f\x87\xb7 \xe1\x84\x80\xe1\x85\xa1", NULL);
	/* A mark at the start of a line has no base to join. */
	expect_round_trip(10, "\xcc\x81x", NULL);
}

TEST(encoding_is_bounded)
{
	char *bytes = malloc(SSPSH_MAX_COLS * 40 + 16);
	struct emu *emu = emu_new(SSPSH_MAX_COLS, 1);
	struct buf out;
	struct fb *line = NULL;
	size_t n = 0;

	buf_init(&out);
	EXPECT(bytes && emu);
	if (!bytes || !emu)
		goto done;
	/* Every cell a base with many marks and its own colour. */
	for (int i = 0; i < SSPSH_MAX_COLS; i++) {
		n += (size_t)sprintf(bytes + n, "\033[38;2;%d;1;2ma", i % 256);
		for (int m = 0; m < 6; m++)
			n += (size_t)sprintf(bytes + n, "\xcc\x81");
	}
	emu_write(emu, bytes, n);
	history_line_encode(emu_fb(emu), 0, &out);
	EXPECT(out.len <= SSPSH_HISTORY_LINE_MAX);
	EXPECT(out.len > SSPSH_HISTORY_LINE_MAX - 40);
	EXPECT_INT(history_entry_decode(out.data, out.len, &line), HISTORY_ENTRY_LINE);
	if (line) {
		/* The cells that fit are the screen's; the rest are blank. */
		const struct fb_cell *first = fb_cell(line, 0, 0);
		const struct fb_cell *last = fb_cell(line, 0, SSPSH_MAX_COLS - 1);
		EXPECT(first->cluster && first->pen.fg == FB_COLOR_RGB(0, 1, 2));
		EXPECT(last->ch == ' ' && last->pen.fg == 0);
	}
done:
	fb_free(line);
	buf_free(&out);
	emu_free(emu);
	free(bytes);
}

static enum history_entry_kind decode_bytes(const char *bytes, size_t len)
{
	struct fb *line = NULL;
	enum history_entry_kind kind = history_entry_decode((const uint8_t *)bytes, len, &line);

	EXPECT((kind == HISTORY_ENTRY_LINE) == (line != NULL));
	fb_free(line);
	return kind;
}

#define DECODE(literal) decode_bytes(literal, sizeof literal - 1)

TEST(decoder_takes_what_the_encoder_makes)
{
	EXPECT_INT(DECODE("\x00"), HISTORY_ENTRY_ERASE);
	EXPECT_INT(DECODE("\x05"
			  "abcde"), HISTORY_ENTRY_LINE);
	EXPECT_INT(DECODE("\x04\x01\x02\xe4\xb8\xad\xe6\x96\x87"), HISTORY_ENTRY_LINE);
	EXPECT_INT(DECODE("\x04\x05\x16\x01\x02\x03\x05\x09x\x04\x03"), HISTORY_ENTRY_LINE);
	EXPECT_INT(DECODE("\x02\x02\x03" "e\xcc\x81"), HISTORY_ENTRY_LINE);
	EXPECT_INT(DECODE("\xe8\x07" "a"), HISTORY_ENTRY_LINE);	/* 1000 columns */
}

TEST(decoder_refuses_hostile_entries)
{
	char big[SSPSH_HISTORY_LINE_MAX + 2];

	EXPECT_INT(DECODE(""), HISTORY_ENTRY_MALFORMED);
	EXPECT_INT(DECODE("\x00x"), HISTORY_ENTRY_MALFORMED);	/* junk after an erase */
	EXPECT_INT(DECODE("\xe9\x07" "a"), HISTORY_ENTRY_MALFORMED);	/* 1001 columns */
	EXPECT_INT(DECODE("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"), HISTORY_ENTRY_MALFORMED);
	EXPECT_INT(DECODE("\x03" "abcd"), HISTORY_ENTRY_MALFORMED);	/* wider than the line */
	EXPECT_INT(DECODE("\x03\x01\x02\xe4\xb8\xad\xe6\x96\x87"), HISTORY_ENTRY_MALFORMED);
	EXPECT_INT(DECODE("\x03" "ab\x03\x02" "e\xcc\x81"), HISTORY_ENTRY_MALFORMED);
	EXPECT_INT(DECODE("\x05\x04\x06"), HISTORY_ENTRY_MALFORMED);	/* blank run too long */
	EXPECT_INT(DECODE("\x05\x04\x00"), HISTORY_ENTRY_MALFORMED);	/* empty run */
	EXPECT_INT(DECODE("\x05\x01\x00"), HISTORY_ENTRY_MALFORMED);
	EXPECT_INT(DECODE("\x05\x0a"), HISTORY_ENTRY_MALFORMED);	/* a control character */
	EXPECT_INT(DECODE("\x05\xc2\x85"), HISTORY_ENTRY_MALFORMED);	/* C1 NEL */
	EXPECT_INT(DECODE("\x05\xc0\xaf"), HISTORY_ENTRY_MALFORMED);	/* overlong */
	EXPECT_INT(DECODE("\x05\xed\xa0\x80"), HISTORY_ENTRY_MALFORMED);	/* surrogate */
	EXPECT_INT(DECODE("\x05\xe4\xb8"), HISTORY_ENTRY_MALFORMED);	/* cut short */
	EXPECT_INT(DECODE("\x05\x05\x80\x01"), HISTORY_ENTRY_MALFORMED);	/* unknown pen flag */
	EXPECT_INT(DECODE("\x05\x05\x60\x01"), HISTORY_ENTRY_MALFORMED);	/* underline colour twice */
	EXPECT_INT(DECODE("\x05\x05\x20"), HISTORY_ENTRY_MALFORMED);	/* no underline colour */
	EXPECT_INT(DECODE("\x05\x05\x03\x01"), HISTORY_ENTRY_MALFORMED);	/* fg twice */
	EXPECT_INT(DECODE("\x05\x05\x0c\x01"), HISTORY_ENTRY_MALFORMED);	/* bg twice */
	EXPECT_INT(DECODE("\x05\x05\x02\x01\x02"), HISTORY_ENTRY_MALFORMED);	/* short RGB */
	EXPECT_INT(DECODE("\x05\x05\x10\x80\x40"), HISTORY_ENTRY_MALFORMED);	/* attrs 0x2000 */
	EXPECT_INT(DECODE("\x05\x02\x00"), HISTORY_ENTRY_MALFORMED);	/* empty cluster */
	EXPECT_INT(DECODE("\x05\x02\x03" "e\xcc"), HISTORY_ENTRY_MALFORMED);	/* cut cluster */
	EXPECT_INT(DECODE("\x05\x02\x02" "e\x07"), HISTORY_ENTRY_MALFORMED);
	EXPECT_INT(DECODE("\x05\x06"), HISTORY_ENTRY_MALFORMED);	/* unknown token */
	big[0] = 0x05;
	memset(big + 1, 'a', sizeof big - 1);
	EXPECT_INT(history_entry_decode((const uint8_t *)big, sizeof big, &(struct fb *){ NULL }),
		   HISTORY_ENTRY_MALFORMED);
}

/* ---- The log ---- */

static const char *entry_text(const struct history *h, uint64_t n)
{
	static char text[256];
	const uint8_t *data;
	size_t len;
	struct fb *line = NULL;

	if (!history_entry(h, n, &data, &len))
		return "(none)";
	switch (history_entry_decode(data, len, &line)) {
	case HISTORY_ENTRY_ERASE:
		return "(erase)";
	case HISTORY_ENTRY_LINE:
		snprintf(text, sizeof text, "%s", row_text(line, 0));
		fb_free(line);
		return text;
	default:
		return "(bad)";
	}
}

static void add_text_line(struct history *h, const char *text)
{
	struct emu *emu = screen_of(20, 1, text);

	EXPECT(emu && history_add_line(h, emu_fb(emu), 0));
	emu_free(emu);
}

TEST(log_keeps_the_newest_lines_numbered)
{
	struct history *h = history_new(100);
	char text[24];

	EXPECT(h != NULL);
	if (!h)
		return;
	EXPECT_INT(history_start(h), 0);
	EXPECT_INT(history_end(h), 0);
	for (int i = 0; i < 250; i++) {
		snprintf(text, sizeof text, "line %d", i);
		add_text_line(h, text);
	}
	EXPECT_INT(history_start(h), 150);
	EXPECT_INT(history_end(h), 250);
	EXPECT_STR(entry_text(h, 150), "line 150");
	EXPECT_STR(entry_text(h, 249), "line 249");
	EXPECT_STR(entry_text(h, 149), "(none)");
	EXPECT_STR(entry_text(h, 250), "(none)");
	history_free(h);
}

TEST(log_erase_drops_every_line)
{
	struct history *h = history_new(10);

	EXPECT(h != NULL);
	if (!h)
		return;
	add_text_line(h, "a");
	add_text_line(h, "b");
	EXPECT(history_add_erase(h));
	add_text_line(h, "c");
	EXPECT_INT(history_start(h), 2);
	EXPECT_INT(history_end(h), 4);
	EXPECT_STR(entry_text(h, 2), "(erase)");
	EXPECT_STR(entry_text(h, 3), "c");
	history_free(h);
}

TEST(log_shrinks_to_its_newest_lines)
{
	struct history *h = history_new(100);
	char text[24];

	EXPECT(h != NULL);
	if (!h)
		return;
	for (int i = 0; i < 130; i++) {	/* the ring has wrapped */
		snprintf(text, sizeof text, "line %d", i);
		add_text_line(h, text);
	}
	EXPECT(!history_limit(h, 0));
	EXPECT(!history_limit(h, 100));	/* not fewer */
	EXPECT(!history_limit(h, 200));
	EXPECT(history_limit(h, 20));
	EXPECT_INT(history_start(h), 110);
	EXPECT_INT(history_end(h), 130);
	EXPECT_STR(entry_text(h, 110), "line 110");
	EXPECT_STR(entry_text(h, 109), "(none)");
	for (int i = 130; i < 175; i++) {
		snprintf(text, sizeof text, "line %d", i);
		add_text_line(h, text);
	}
	EXPECT_INT(history_start(h), 155);
	EXPECT_STR(entry_text(h, 155), "line 155");
	EXPECT_STR(entry_text(h, 174), "line 174");
	EXPECT(history_limit(h, 1));
	EXPECT_INT(history_start(h), 174);
	add_text_line(h, "last");
	EXPECT_INT(history_start(h), 175);
	EXPECT_STR(entry_text(h, 175), "last");
	history_free(h);

	h = history_new(50);	/* an empty log, and one that never grew to its limit */
	EXPECT(h && history_limit(h, 10));
	for (int i = 0; h && i < 3; i++)
		add_text_line(h, "x");
	EXPECT(h && history_limit(h, 5) && history_end(h) - history_start(h) == 3);
	for (int i = 0; h && i < 9; i++)
		add_text_line(h, "y");
	EXPECT(h && history_end(h) - history_start(h) == 5);
	history_free(h);
}

TEST(log_limits)
{
	EXPECT(history_new(0) == NULL);
	EXPECT(history_new(SSPSH_SCROLLBACK_MAX + 1) == NULL);
	history_free(NULL);
}

TEST(log_memory_is_bounded)
{
	struct history *h = history_new(1000);
	struct emu *emu = emu_new(80, 1);
	char line[1024];
	size_t n = 0;

	EXPECT(h && emu);
	if (!h || !emu)
		goto done;
	for (int col = 0; col < 80; col++)
		n += (size_t)snprintf(line + n, sizeof line - n, "\033[3%dm%c", col % 8, 'a' + col % 26);
	emu_write(emu, line, n);
	for (int i = 0; i < 5000; i++)
		history_add_line(h, emu_fb(emu), 0);
	/* 80 cells and 80 pen changes of 3 bytes, and a slot of 16, a line. */
	EXPECT(history_memory(h) <= 1000 * (80 * 4 + 1 + 16) + 8192);
done:
	history_free(h);
	emu_free(emu);
}

/* ---- What the emulator keeps ---- */

static struct history *history_after(int cols, int rows, const char *bytes)
{
	struct history *h = history_new(1000);
	struct emu *emu = emu_new(cols, rows);

	if (!h || !emu) {
		history_free(h);
		emu_free(emu);
		return NULL;
	}
	emu_set_history(emu, h);
	emu_write(emu, bytes, strlen(bytes));
	emu_free(emu);
	return h;
}

/* The entries kept, as "text|text|...". */
static const char *kept(const struct history *h)
{
	static char all[2048];
	size_t len = 0;

	all[0] = '\0';
	for (uint64_t n = history_start(h); n < history_end(h) && len < sizeof all - 64; n++)
		len += (size_t)snprintf(all + len, sizeof all - len, "%s%s", n > history_start(h) ? "|" : "",
					entry_text(h, n));
	return all;
}

static void expect_kept(int rows, const char *bytes, const char *want)
{
	struct history *h = history_after(10, rows, bytes);

	EXPECT(h != NULL);
	if (h)
		EXPECT_STR(kept(h), want);
	history_free(h);
}

TEST(emulator_keeps_lines_scrolled_off_the_top)
{
	expect_kept(3, "1\r\n2\r\n3\r\n4\r\n5", "1|2");
	expect_kept(3, "1\r\n2\r\n3", "");
	/* Wrapped text scrolls too; NEL and IND as LF. */
	expect_kept(2, "abcdefghijKLM\r\nx", "abcdefghij");
	expect_kept(2, "a\033Eb\033Dc", "a");
	/* SU at the top. */
	expect_kept(3, "1\r\n2\r\n3\033[2S", "1|2");
	expect_kept(3, "\033[31mred\033[m\r\n2\r\n3\r\n4", "red");
}

TEST(emulator_keeps_a_region_only_from_the_top)
{
	/* Margins rows 1-2 of 4: its lines are history, as in xterm. */
	expect_kept(4, "\033[1;2r1\r\n2\r\n3\r\n4", "1|2");
	/* Margins rows 2-4: nothing. */
	expect_kept(4, "top\033[2;4r\033[2H1\r\n2\r\n3\r\n4\033[2S", "");
	/* Scrolling down and deleting lines: nothing. */
	expect_kept(3, "1\r\n2\r\n3\033[H\033M\033[2T\033[2M", "");
}

TEST(emulator_keeps_nothing_from_the_alternate_screen)
{
	expect_kept(3, "1\r\n2\r\n3\033[?1049h\r\na\r\nb\r\nc\r\nd\033[?1049l", "");
	expect_kept(3, "main\033[?1049hx\r\ny\r\nz\r\nw\033[?1049l\r\n\r\n\r\n", "main");
}

TEST(emulator_keeps_erase_saved_lines)
{
	expect_kept(2, "1\r\n2\r\n3\033[3J4\r\n5", "(erase)|2");
	/* ED 2 is not ED 3. */
	expect_kept(2, "1\r\n2\r\n3\033[2J", "1");
}

TEST(emulator_keeps_lines_of_a_shrink)
{
	struct history *h = history_new(10);
	struct emu *emu = emu_new(10, 4);

	EXPECT(h && emu);
	if (h && emu) {
		emu_set_history(emu, h);
		emu_write(emu, "1\r\n2\r\n3\r\n4", 10);
		EXPECT(emu_resize(emu, 10, 2));
		EXPECT_STR(kept(h), "1|2");
		/* Growing back brings nothing out of the log. */
		EXPECT(emu_resize(emu, 10, 4));
		EXPECT_STR(kept(h), "1|2");
	}
	emu_free(emu);
	history_free(h);
}

TEST(emulator_without_a_log)
{
	struct emu *emu = screen_of(10, 2, "1\r\n2\r\n3\033[3J\033[5S");

	EXPECT(emu != NULL);
	if (emu)
		EXPECT_STR(row_text(emu_fb(emu), 0), "");
	emu_free(emu);
}

int main(void)
{
	RUN(plain_text_costs_a_byte_a_cell);
	RUN(attributes_and_colours_survive);
	RUN(wide_characters_and_the_margin);
	RUN(combining_marks_and_clusters);
	RUN(encoding_is_bounded);
	RUN(decoder_takes_what_the_encoder_makes);
	RUN(decoder_refuses_hostile_entries);
	RUN(log_keeps_the_newest_lines_numbered);
	RUN(log_erase_drops_every_line);
	RUN(log_shrinks_to_its_newest_lines);
	RUN(log_limits);
	RUN(log_memory_is_bounded);
	RUN(emulator_keeps_lines_scrolled_off_the_top);
	RUN(emulator_keeps_a_region_only_from_the_top);
	RUN(emulator_keeps_nothing_from_the_alternate_screen);
	RUN(emulator_keeps_erase_saved_lines);
	RUN(emulator_keeps_lines_of_a_shrink);
	RUN(emulator_without_a_log);
	return unit_exit_status();
}
