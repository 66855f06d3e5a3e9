/* Data-driven tests of the terminal emulator: every test/term/NAME.test file
 * (found under $SSPSH_SRC, default ".").
 *
 * A .test file is a list of cases. '#' lines and blank lines are comments.
 *
 *   === NAME                 starts a case (an 20x5 screen unless `size`)
 *   size COLSxROWS           the screen size; must come before any input
 *   in BYTES                 bytes written to the emulator in one emu_write;
 *                            escapes: \e \a \b \t \r \n \\ \xHH
 *   resize COLSxROWS         emu_resize at this point
 *   |TEXT                    the next row of the expected screen, as
 *                            `sspsh bench emu --dump` prints it (trailing
 *                            blanks removed; escapes as in `in`); once a
 *                            case lists rows, those it does not must be blank
 *   cursor ROW,COL           expected cursor (0-based)
 *   cell ROW,COL KEY=VALUE…  expected properties of one cell:
 *                            text=BYTES (escapes as in `in`), width=N,
 *                            fg=COLOR, bg=COLOR, ul=COLOR (the underline's;
 *                            default, 0..255, #rrggbb), attrs=LIST
 *                            (comma-separated: bold dim italic underline
 *                            blink inverse hidden strike double_underline
 *                            overline curly dotted dashed, or none)
 *   mode NAME=VALUE          a struct fb_modes field: app_cursor app_keypad
 *                            bracketed_paste focus_events cursor_visible
 *                            reverse_video (0/1), mouse_mode mouse_encoding
 *                            cursor_shape
 *   title BYTES              expected window title
 *   clipboard BYTES          expected OSC 52 payload
 *   bells N                  bells rung
 *   wrapped ROW,ROW…         the rows marked as soft-wrapped onto the next
 *                            (fb_row_wrapped), all of them; "wrapped" alone:
 *                            none
 *   reply BYTES              everything emu_take_replies gives, in full
 *   replay FILE [BYTES]      the bytes of FILE (relative to test/term), as
 *                            one emu_write (like `in`); with BYTES, only
 *                            the first BYTES of them (a moment mid-stream)
 *   screen FILE              the whole dump (dump_screen: rows and cursor)
 *                            must equal FILE, e.g. one taken from tmux
 *   screen-sgr FILE          the same with the renditions (dump_screen_sgr)
 *
 * Checks apply to the state after all the case's input. Each case runs
 * twice: as written, and again fed one byte per emu_write, which must not
 * change anything (the parser keeps its state across writes). One line
 * PASS/FAIL per case. */
#include <dirent.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "term/dump.h"
#include "term/emu.h"
#include "term/emu_internal.h"
#include "test/unit/unit.h"

#define LINE_MAX_LEN 4096

static const char *src_dir(void)
{
	const char *dir = getenv("SSPSH_SRC");

	return dir && *dir ? dir : ".";
}

/* Decode the escapes of a test line into out; returns the length. */
static size_t unescape(const char *s, char *out)
{
	size_t n = 0;

	while (*s) {
		if (*s != '\\' || !s[1]) {
			out[n++] = *s++;
			continue;
		}
		s++;
		switch (*s) {
		case 'e': out[n++] = 0x1b; break;
		case 'a': out[n++] = 0x07; break;
		case 'b': out[n++] = 0x08; break;
		case 't': out[n++] = 0x09; break;
		case 'r': out[n++] = 0x0d; break;
		case 'n': out[n++] = 0x0a; break;
		case 'x': {
			char hex[3] = { s[1], s[1] ? s[2] : 0, 0 };

			out[n++] = (char)strtoul(hex, NULL, 16);
			s += 2;
			break;
		}
		default: out[n++] = *s; break;
		}
		s++;
	}
	out[n] = 0;
	return n;
}

struct test_case {
	char name[256];
	int cols, rows;
	/* The case's lines, in order, kept to be run twice. */
	char **lines;
	size_t nlines;
};

struct run {
	struct emu *emu;
	char failure[512];
};

static void fail(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(struct run *r, const char *fmt, ...)
{
	va_list ap;

	if (r->failure[0])
		return;
	va_start(ap, fmt);
	vsnprintf(r->failure, sizeof r->failure, fmt, ap);
	va_end(ap);
}

static bool parse_color(const char *s, fb_color *out)
{
	char *end;

	if (strcmp(s, "default") == 0) {
		*out = FB_COLOR_DEFAULT;
		return true;
	}
	if (s[0] == '#') {
		unsigned long rgb = strtoul(s + 1, &end, 16);

		*out = FB_COLOR_RGB(rgb >> 16 & 255, rgb >> 8 & 255, rgb & 255);
		return *end == 0 && end - s == 7;
	}
	unsigned long index = strtoul(s, &end, 10);
	*out = FB_COLOR_INDEXED(index);
	return *end == 0 && index < 256;
}

static const struct { const char *name; uint16_t bit; } attr_names[] = {
	{ "bold", FB_BOLD }, { "dim", FB_DIM }, { "italic", FB_ITALIC },
	{ "underline", FB_UNDERLINE }, { "blink", FB_BLINK }, { "inverse", FB_INVERSE },
	{ "hidden", FB_HIDDEN }, { "strike", FB_STRIKE },
	{ "double_underline", FB_DOUBLE_UNDERLINE }, { "overline", FB_OVERLINE },
	{ "curly", FB_UNDERLINE_CURLY }, { "dotted", FB_UNDERLINE_DOTTED },
	{ "dashed", FB_UNDERLINE_DASHED },
};

static bool parse_attrs(char *list, uint16_t *out)
{
	*out = 0;
	if (strcmp(list, "none") == 0)
		return true;
	for (char *name = strtok(list, ","); name; name = strtok(NULL, ",")) {
		size_t i;

		for (i = 0; i < sizeof attr_names / sizeof attr_names[0]; i++)
			if (strcmp(name, attr_names[i].name) == 0)
				break;
		if (i == sizeof attr_names / sizeof attr_names[0])
			return false;
		*out |= attr_names[i].bit;
	}
	return true;
}

static void check_cell_property(struct run *r, int row, int col, char *prop)
{
	const struct fb *fb = emu_fb(r->emu);
	const struct fb_cell *cell = fb_cell(fb, row, col);
	char *value = strchr(prop, '=');
	char want[LINE_MAX_LEN], got[FB_CLUSTER_MAX];
	fb_color color;
	uint16_t attrs;

	if (!cell || !value) {
		fail(r, "bad cell check '%s'", prop);
		return;
	}
	*value++ = 0;
	if (strcmp(prop, "text") == 0) {
		unescape(value, want);
		fb_cell_text(fb, row, col, got, sizeof got);
		if (strcmp(got, want) != 0)
			fail(r, "cell text is '%s', expected '%s'", got, want);
	} else if (strcmp(prop, "width") == 0) {
		if (cell->width != atoi(value))
			fail(r, "cell width is %d, expected %s", cell->width, value);
	} else if (strcmp(prop, "fg") == 0 || strcmp(prop, "bg") == 0) {
		fb_color have = prop[0] == 'f' ? cell->pen.fg : cell->pen.bg;

		if (!parse_color(value, &color))
			fail(r, "bad colour '%s'", value);
		else if (color != have)
			fail(r, "cell %s is %08x, expected %s", prop, (unsigned)have, value);
	} else if (strcmp(prop, "ul") == 0) {
		fb_color have = fb_pen_underline(&cell->pen);

		if (!parse_color(value, &color))
			fail(r, "bad colour '%s'", value);
		else if (color != have)
			fail(r, "cell ul is %08x, expected %s", (unsigned)have, value);
	} else if (strcmp(prop, "attrs") == 0) {
		snprintf(want, sizeof want, "%s", value);
		if (!parse_attrs(value, &attrs))
			fail(r, "bad attrs '%s'", want);
		else if (attrs != cell->pen.attrs)
			fail(r, "cell attrs are 0x%x, expected %s", cell->pen.attrs, want);
	} else {
		fail(r, "unknown cell property '%s'", prop);
	}
}

static void check_cell(struct run *r, const char *arg)
{
	char props[LINE_MAX_LEN];
	int row, col, used = 0;

	if (sscanf(arg, "%d,%d %n", &row, &col, &used) != 2 || !used) {
		fail(r, "bad cell line '%s'", arg);
		return;
	}
	snprintf(props, sizeof props, "%s", arg + used);
	for (char *prop = props; *prop;) {
		char *end = strchr(prop, ' ');

		if (end)
			*end = 0;
		check_cell_property(r, row, col, prop);
		if (!end)
			break;
		prop = end + 1;
	}
}

static void check_mode(struct run *r, const char *arg)
{
	const struct fb_modes *m = fb_modes(emu_fb(r->emu));
	char name[64];
	int want, got;

	if (sscanf(arg, "%63[a-z_]=%d", name, &want) != 2) {
		fail(r, "bad mode line '%s'", arg);
		return;
	}
	if (strcmp(name, "app_cursor") == 0) got = m->app_cursor;
	else if (strcmp(name, "app_keypad") == 0) got = m->app_keypad;
	else if (strcmp(name, "bracketed_paste") == 0) got = m->bracketed_paste;
	else if (strcmp(name, "focus_events") == 0) got = m->focus_events;
	else if (strcmp(name, "cursor_visible") == 0) got = m->cursor_visible;
	else if (strcmp(name, "reverse_video") == 0) got = m->reverse_video;
	else if (strcmp(name, "mouse_mode") == 0) got = m->mouse_mode;
	else if (strcmp(name, "mouse_encoding") == 0) got = m->mouse_encoding;
	else if (strcmp(name, "cursor_shape") == 0) got = m->cursor_shape;
	else {
		fail(r, "unknown mode '%s'", name);
		return;
	}
	if (got != want)
		fail(r, "mode %s is %d, expected %d", name, got, want);
}

static void check_rows(struct run *r, char **rows, int nrows)
{
	const struct fb *fb = emu_fb(r->emu);
	struct buf got;

	buf_init(&got);
	for (int row = 0; row < fb_rows(fb); row++) {
		char want[LINE_MAX_LEN];
		size_t len;

		buf_reset(&got);
		dump_row(fb, row, &got);
		buf_put_u8(&got, 0);
		len = unescape(row < nrows ? rows[row] : "", want);
		while (len > 0 && want[len - 1] == ' ')
			want[--len] = 0;
		if (strcmp((char *)got.data, want) != 0) {
			fail(r, "row %d is '%s', expected '%s'", row, (char *)got.data, want);
			break;
		}
	}
	buf_free(&got);
}

static void feed(struct emu *emu, const char *bytes, size_t len, bool bytewise)
{
	if (!bytewise) {
		emu_write(emu, bytes, len);
		return;
	}
	for (size_t i = 0; i < len; i++)
		emu_write(emu, bytes + i, 1);
}

static void check_string(struct run *r, const char *what, const char *got, const char *arg)
{
	char want[LINE_MAX_LEN];

	unescape(arg, want);
	if (strcmp(got, want) != 0)
		fail(r, "%s is '%s', expected '%s'", what, got, want);
}

/* Control bytes as \xHH, for messages. */
static void printable(const char *s, char *out, size_t cap)
{
	size_t n = 0;

	for (; *s && n + 5 < cap; s++) {
		if ((unsigned char)*s < 0x20)
			n += (size_t)snprintf(out + n, cap - n, "\\x%02x", (unsigned char)*s);
		else
			out[n++] = *s;
	}
	out[n] = 0;
}

static void check_reply(struct run *r, const char *arg)
{
	char want[LINE_MAX_LEN];
	struct buf got;

	buf_init(&got);
	emu_take_replies(r->emu, &got);
	buf_put_u8(&got, 0);
	unescape(arg, want);
	if (strcmp((char *)got.data, want) != 0) {
		char g[200], w[200];

		printable((char *)got.data, g, sizeof g);
		printable(want, w, sizeof w);
		fail(r, "reply is '%s', expected '%s'", g, w);
	}
	buf_free(&got);
}

static bool read_file(const char *path, struct buf *out)
{
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;

	if (!f)
		return false;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_put(out, chunk, n);
	fclose(f);
	return true;
}

/* "FILE" or "FILE BYTES": the file's bytes, or its first BYTES. */
static void replay(struct run *r, const char *arg, bool bytewise)
{
	char path[2048], name[1024];
	unsigned long prefix = 0;
	struct buf input;
	int fields = sscanf(arg, "%1023s %lu", name, &prefix);

	buf_init(&input);
	snprintf(path, sizeof path, "%.1000s/test/term/%.1000s", src_dir(), name);
	if (fields < 1 || !read_file(path, &input))
		fail(r, "cannot read %s", path);
	else if (fields == 2 && prefix > input.len)
		fail(r, "%s has %zu bytes, not %lu", name, input.len, prefix);
	else
		feed(r->emu, (const char *)input.data, fields == 2 ? prefix : input.len, bytewise);
	buf_free(&input);
}

/* The wrapped rows as a comma-separated list against `expected`. */
static void check_wrapped(struct run *r, const char *expected)
{
	const struct fb *fb = emu_fb(r->emu);
	char got[LINE_MAX_LEN] = "";
	size_t len = 0;

	for (int row = 0; row < fb_rows(fb); row++)
		if (fb_row_wrapped(fb, row) && len + 16 < sizeof got)
			len += (size_t)snprintf(got + len, sizeof got - len, "%s%d",
						len ? "," : "", row);
	if (strcmp(got, expected) != 0)
		fail(r, "wrapped rows are '%s', expected '%s'", got, expected);
}

static void check_screen(struct run *r, const char *name,
			 void (*dump)(const struct fb *fb, struct buf *out))
{
	char path[2048];
	struct buf want, got;

	buf_init(&want);
	buf_init(&got);
	snprintf(path, sizeof path, "%.1000s/test/term/%.1000s", src_dir(), name);
	dump(emu_fb(r->emu), &got);
	if (!read_file(path, &want)) {
		fail(r, "cannot read %s", path);
	} else if (got.len != want.len || memcmp(got.data, want.data, got.len) != 0) {
		size_t line = 1;

		for (size_t i = 0; i < got.len && i < want.len && got.data[i] == want.data[i]; i++)
			line += got.data[i] == '\n';
		fail(r, "the screen differs from %s at line %zu", name, line);
	}
	buf_free(&want);
	buf_free(&got);
}

/* Run a case once; r->failure is "" when it passed. */
static void run_case(const struct test_case *tc, bool bytewise, struct run *r)
{
	char bytes[LINE_MAX_LEN];
	char *rows[SSPSH_MAX_ROWS];
	int nrows = 0, cols, nrows_size;

	r->failure[0] = 0;
	r->emu = emu_new(tc->cols, tc->rows);
	if (!r->emu) {
		fail(r, "emu_new failed");
		return;
	}
	for (size_t i = 0; i < tc->nlines; i++) {
		char *line = tc->lines[i];

		if (strncmp(line, "in ", 3) == 0) {
			feed(r->emu, bytes, unescape(line + 3, bytes), bytewise);
		} else if (strncmp(line, "replay ", 7) == 0) {
			replay(r, line + 7, bytewise);
		} else if (strncmp(line, "resize ", 7) == 0) {
			if (sscanf(line + 7, "%dx%d", &cols, &nrows_size) != 2 ||
			    !emu_resize(r->emu, cols, nrows_size))
				fail(r, "resize failed: '%s'", line);
		} else if (line[0] == '|' && nrows < SSPSH_MAX_ROWS) {
			rows[nrows++] = line + 1;
		}
	}
	if (nrows)
		check_rows(r, rows, nrows);
	for (size_t i = 0; i < tc->nlines; i++) {
		char line[LINE_MAX_LEN];
		const struct fb *fb = emu_fb(r->emu);
		uint32_t serial;

		snprintf(line, sizeof line, "%s", tc->lines[i]);
		if (strncmp(line, "cursor ", 7) == 0) {
			int row, col;
			char got[32];

			fb_cursor(fb, &row, &col);
			snprintf(got, sizeof got, "%d,%d", row, col);
			if (strcmp(got, line + 7) != 0)
				fail(r, "cursor is %d,%d, expected %s", row, col, line + 7);
		} else if (strncmp(line, "cell ", 5) == 0) {
			check_cell(r, line + 5);
		} else if (strncmp(line, "mode ", 5) == 0) {
			check_mode(r, line + 5);
		} else if (strncmp(line, "title ", 6) == 0 || strcmp(line, "title") == 0) {
			check_string(r, "title", fb_title(fb), line[5] ? line + 6 : "");
		} else if (strncmp(line, "clipboard ", 10) == 0 || strcmp(line, "clipboard") == 0) {
			const char *clip = fb_clipboard(fb, &serial);

			check_string(r, "clipboard", clip ? clip : "", line[9] ? line + 10 : "");
		} else if (strncmp(line, "wrapped ", 8) == 0 || strcmp(line, "wrapped") == 0) {
			check_wrapped(r, line[7] ? line + 8 : "");
		} else if (strncmp(line, "bells ", 6) == 0) {
			if (fb_bells(fb) != strtoul(line + 6, NULL, 10))
				fail(r, "bells: %u, expected %s", (unsigned)fb_bells(fb), line + 6);
		} else if (strncmp(line, "reply ", 6) == 0 || strcmp(line, "reply") == 0) {
			check_reply(r, line[5] ? line + 6 : "");
		} else if (strncmp(line, "screen ", 7) == 0) {
			check_screen(r, line + 7, dump_screen);
		} else if (strncmp(line, "screen-sgr ", 11) == 0) {
			check_screen(r, line + 11, dump_screen_sgr);
		} else if (!(strncmp(line, "in ", 3) == 0 || strncmp(line, "resize ", 7) == 0 ||
			     strncmp(line, "replay ", 7) == 0 ||
			     line[0] == '|' || strncmp(line, "size ", 5) == 0)) {
			fail(r, "unknown line '%s'", line);
		}
	}
	emu_free(r->emu);
	r->emu = NULL;
}

static void report_case(const char *file, struct test_case *tc)
{
	struct run whole, bytewise;

	run_case(tc, false, &whole);
	run_case(tc, true, &bytewise);
	if (whole.failure[0])
		printf("FAIL %s: %s: %s\n", file, tc->name, whole.failure);
	else if (bytewise.failure[0])
		printf("FAIL %s: %s: fed a byte at a time: %s\n", file, tc->name, bytewise.failure);
	else
		printf("PASS %s: %s\n", file, tc->name);
	if (whole.failure[0] || bytewise.failure[0])
		unit_any_failed = 1;
	for (size_t i = 0; i < tc->nlines; i++)
		free(tc->lines[i]);
	free(tc->lines);
	tc->lines = NULL;
	tc->nlines = 0;
}

static void run_test_file(const char *dir, const char *name)
{
	char path[2048], line[LINE_MAX_LEN];
	struct test_case tc = { .cols = 20, .rows = 5 };
	bool open_case = false;
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f) {
		printf("FAIL %s: cannot open\n", name);
		unit_any_failed = 1;
		return;
	}
	while (fgets(line, sizeof line, f)) {
		line[strcspn(line, "\n")] = 0;
		if (strncmp(line, "=== ", 4) == 0) {
			if (open_case)
				report_case(name, &tc);
			tc.cols = 20;
			tc.rows = 5;
			snprintf(tc.name, sizeof tc.name, "%.200s", line + 4);
			open_case = true;
			continue;
		}
		if (!open_case || line[0] == '#' || line[0] == 0)
			continue;
		if (strncmp(line, "size ", 5) == 0)
			sscanf(line + 5, "%dx%d", &tc.cols, &tc.rows);
		char **grown = realloc(tc.lines, (tc.nlines + 1) * sizeof *grown);
		if (!grown || !(grown[tc.nlines] = strdup(line))) {
			printf("FAIL %s: out of memory\n", name);
			exit(1);
		}
		tc.lines = grown;
		tc.nlines++;
	}
	if (open_case)
		report_case(name, &tc);
	fclose(f);
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names in `dir` ending in `suffix`, sorted; returns how many. */
static size_t list_files(const char *dir, const char *suffix, char ***out)
{
	DIR *d = opendir(dir);
	struct dirent *ent;
	size_t n = 0, suffix_len = strlen(suffix);
	char **names = NULL;

	while (d && (ent = readdir(d))) {
		size_t len = strlen(ent->d_name);

		if (len <= suffix_len || strcmp(ent->d_name + len - suffix_len, suffix) != 0)
			continue;
		names = realloc(names, (n + 1) * sizeof *names);
		names[n++] = strdup(ent->d_name);
	}
	if (d)
		closedir(d);
	if (n)
		qsort(names, n, sizeof *names, compare_names);
	*out = names;
	return n;
}

TEST(replies_are_bounded)
{
	struct emu *emu = emu_new(80, 24);
	struct buf replies;

	buf_init(&replies);
	for (int i = 0; i < 10000; i++)
		emu_write(emu, "\033[5n", 4);
	emu_take_replies(emu, &replies);
	EXPECT(replies.len > 0 && replies.len <= SSPSH_EMU_REPLIES_MAX);
	EXPECT_INT(replies.len % 4, 0);	/* whole replies only */
	buf_reset(&replies);
	emu_take_replies(emu, &replies);
	EXPECT_INT(replies.len, 0);
	buf_free(&replies);
	emu_free(emu);
}

TEST(big_clipboard_within_limit_is_kept)
{
	struct emu *emu = emu_new(80, 24);
	static char payload[100000];
	uint32_t serial;

	memset(payload, 'A', sizeof payload);
	emu_write(emu, "\033]52;c;", 7);
	emu_write(emu, payload, sizeof payload);
	emu_write(emu, "\007", 1);
	EXPECT_INT(strlen(fb_clipboard(emu_fb(emu), &serial)), sizeof payload);
	emu_free(emu);
}

TEST(memory_of_80x24_is_under_64k)
{
	struct emu *emu = emu_new(80, 24);
	const char text[] = "\033[1;31mhello \xe4\xb8\xad\xe6\x96\x87 e\xcc\x81\033[0m\r\n";

	for (int i = 0; i < 100; i++)
		emu_write(emu, text, sizeof text - 1);
	emu_write(emu, "\033]2;a title\007", 13);
	EXPECT(fb_memory(emu_fb(emu)) + emu_memory(emu) < 65536);
	emu_free(emu);
}

TEST(sizes_out_of_range_are_refused)
{
	struct emu *emu = emu_new(10, 5);

	EXPECT(emu_new(0, 5) == NULL);
	EXPECT(emu_new(10, 0) == NULL);
	EXPECT(emu_new(SSPSH_MAX_COLS + 1, 5) == NULL);
	EXPECT(emu_new(10, SSPSH_MAX_ROWS + 1) == NULL);
	EXPECT(!emu_resize(emu, 0, 5));
	EXPECT(!emu_resize(emu, 10, SSPSH_MAX_ROWS + 1));
	EXPECT_INT(fb_cols(emu_fb(emu)), 10);
	EXPECT_INT(fb_rows(emu_fb(emu)), 5);
	EXPECT(emu_resize(emu, SSPSH_MAX_COLS, SSPSH_MAX_ROWS));
	emu_write(emu, "\033[9999;9999Hx", 13);
	EXPECT_INT(fb_cell(emu_fb(emu), SSPSH_MAX_ROWS - 1, SSPSH_MAX_COLS - 1)->ch, 'x');
	emu_free(emu);
}

TEST(new_from_fb_starts_from_the_frame)
{
	struct emu *a = emu_new(20, 5), *b;
	struct buf dump_a, dump_b;

	buf_init(&dump_a);
	buf_init(&dump_b);
	emu_write(a, "\033[1;31mab\033[?1h\033[?25l\033[3;4Hc\033]2;t\007", 31);
	b = emu_new_from_fb(emu_fb(a));
	EXPECT(b != NULL);
	EXPECT(fb_equal(emu_fb(a), emu_fb(b)));
	/* The pen is the frame's cursor pen, the modes and cursor are kept. */
	emu_write(b, "d", 1);
	EXPECT_INT(fb_cell(emu_fb(b), 2, 4)->pen.fg, FB_COLOR_INDEXED(1));
	EXPECT_INT(fb_cell(emu_fb(b), 2, 4)->pen.attrs, FB_BOLD);
	EXPECT(fb_modes(emu_fb(b))->app_cursor);
	EXPECT(!fb_modes(emu_fb(b))->cursor_visible);
	dump_screen(emu_fb(b), &dump_b);
	buf_put_u8(&dump_b, 0);
	EXPECT_STR((char *)dump_b.data, "ab\n\n   cd\n\n\ncursor 2,5\n");
	/* The original is untouched by writes to the copy. */
	dump_screen(emu_fb(a), &dump_a);
	buf_put_u8(&dump_a, 0);
	EXPECT_STR((char *)dump_a.data, "ab\n\n   c\n\n\ncursor 2,4\n");
	buf_free(&dump_a);
	buf_free(&dump_b);
	emu_free(a);
	emu_free(b);
}

TEST(hostile_counts_stay_bounded)
{
	struct emu *emu = emu_new(SSPSH_MAX_COLS, SSPSH_MAX_ROWS);
	const char *seqs[] = { "x\033[65535b", "\033[65535@", "\033[65535P", "\033[65535L",
			       "\033[65535M", "\033[65535S", "\033[65535T", "\033[65535X",
			       "\033[65535I", "\033[65535Z", "\033[65535;65535H" };

	for (int round = 0; round < 10; round++)
		for (size_t i = 0; i < sizeof seqs / sizeof seqs[0]; i++)
			emu_write(emu, seqs[i], strlen(seqs[i]));
	EXPECT(emu_memory(emu) < 4096);
	emu_free(emu);
}

TEST(fb_copy_cells_copies_cells_only)
{
	struct fb *a = fb_new(4, 2), *b = fb_new(4, 2), *c = fb_new(5, 2);
	struct fb_pen red = { .fg = FB_COLOR_INDEXED(1) };
	char text[FB_CLUSTER_MAX];

	fb_set_cell(a, 1, 1, "e\xcc\x81", 3, 1, &red);
	fb_set_cursor(b, 1, 3);
	fb_set_title(b, "b", 1);
	EXPECT(fb_copy_cells(b, a));
	EXPECT(fb_row_equal(a, 1, b, 1));
	fb_cell_text(b, 1, 1, text, sizeof text);
	EXPECT_STR(text, "e\xcc\x81");
	EXPECT_STR(fb_title(b), "b");
	int row, col;
	fb_cursor(b, &row, &col);
	EXPECT_INT(row * 10 + col, 13);
	/* Writing one afterwards leaves the other alone. */
	fb_set_cell(b, 1, 1, "x", 1, 1, NULL);
	fb_cell_text(a, 1, 1, text, sizeof text);
	EXPECT_STR(text, "e\xcc\x81");
	EXPECT(fb_copy_cells(b, b));
	EXPECT(!fb_copy_cells(c, a));
	fb_free(a);
	fb_free(b);
	fb_free(c);
}

TEST(csi_table_is_sorted)
{
	EXPECT(emu_csi_table_is_sorted());
}

int main(void)
{
	char dir[1024];
	char **names;
	size_t n;

	RUN(csi_table_is_sorted);
	RUN(replies_are_bounded);
	RUN(big_clipboard_within_limit_is_kept);
	RUN(memory_of_80x24_is_under_64k);
	RUN(sizes_out_of_range_are_refused);
	RUN(new_from_fb_starts_from_the_frame);
	RUN(hostile_counts_stay_bounded);
	RUN(fb_copy_cells_copies_cells_only);
	snprintf(dir, sizeof dir, "%s/test/term", src_dir());
	n = list_files(dir, ".test", &names);
	if (n == 0) {
		printf("FAIL test files: none in %s\n", dir);
		unit_any_failed = 1;
	}
	for (size_t i = 0; i < n; i++) {
		run_test_file(dir, names[i]);
		free(names[i]);
	}
	free(names);
	return unit_exit_status();
}
