/* The framebuffer's cell writes (fb_set_char, fb_set_cell with clusters,
 * fb_set_ascii) against a plain model of fb.h's rules, in long random
 * sequences: wide cells at the margin and over halves of other wide cells,
 * clusters overwritten by single code points, pens changing between writes.
 * The fast paths must leave exactly the cells the rules say. */
#include "core/utf8.h"
#include "term/fb.h"
#include "test/unit/unit.h"

#include <stdio.h>

#define COLS 7
#define ROWS 3

struct model_cell {
	char text[FB_CLUSTER_MAX];	/* what fb_cell_text gives: "" for a continuation */
	int width;
	struct fb_pen pen;
};

struct model {
	struct model_cell cell[ROWS][COLS];
};

static void model_init(struct model *m)
{
	for (int r = 0; r < ROWS; r++)
		for (int c = 0; c < COLS; c++)
			m->cell[r][c] = (struct model_cell){ " ", 1, { 0 } };
}

/* A boundary at col that splits a wide cell blanks both its halves, in
 * the background of the pen that writes there. */
static void model_unsplit(struct model_cell *row, int col, const struct fb_pen *pen)
{
	if (col <= 0 || col >= COLS || row[col].width != 0)
		return;
	row[col - 1] = (struct model_cell){ " ", 1, { .bg = pen->bg } };
	row[col] = row[col - 1];
}

static void model_set(struct model *m, int r, int col, const char *text, int width,
		      const struct fb_pen *pen)
{
	struct model_cell *row;

	if (r < 0 || r >= ROWS || col < 0 || col >= COLS)
		return;
	row = m->cell[r];
	if (width != 2)
		width = 1;
	if (width == 2 && col == COLS - 1) {	/* no room for the right half */
		text = " ";
		width = 1;
	}
	model_unsplit(row, col, pen);
	model_unsplit(row, col + width, pen);
	snprintf(row[col].text, sizeof row[col].text, "%s", text);
	row[col].width = width;
	row[col].pen = *pen;
	if (width == 2)
		row[col + 1] = (struct model_cell){ "", 0, *pen };
}

static bool pen_equal(const struct fb_pen *a, const struct fb_pen *b)
{
	return a->fg == b->fg && a->bg == b->bg && a->attrs == b->attrs;
}

/* Whether the frame holds the model's cells; says where it does not. */
static bool frame_matches(const struct fb *fb, const struct model *m, int step)
{
	char text[FB_CLUSTER_MAX];

	for (int r = 0; r < ROWS; r++)
		for (int c = 0; c < COLS; c++) {
			const struct fb_cell *cell = fb_cell(fb, r, c);
			const struct model_cell *want = &m->cell[r][c];

			fb_cell_text(fb, r, c, text, sizeof text);
			if (strcmp(text, want->text) != 0 || (int)cell->width != want->width ||
			    !pen_equal(&cell->pen, &want->pen)) {
				printf("# step %d: cell %d,%d is \"%s\" width %d, expected \"%s\" width %d\n",
				       step, r, c, text, (int)cell->width, want->text, want->width);
				return false;
			}
		}
	return true;
}

static uint32_t next_random(uint32_t *state)
{
	*state = *state * 1664525u + 1013904223u;
	return *state >> 8;
}

static const uint32_t code_points[] = {
	'a', 0xe9, 0x4e2d /* 中 */, 0x2588 /* █ */, 0x1f600 /* 😀 */, 0x110000 /* not Unicode */,
};
static const char *const clusters[] = {
	"e\xcc\x81",	/* e + combining acute */
	"\xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9",	/* man ZWJ woman */
	"\xe4\xb8\xad\xcc\x81",	/* 中 + combining acute */
};
static const struct fb_pen pens[] = {
	{ 0 },
	{ FB_COLOR_INDEXED(1), FB_COLOR_RGB(1, 2, 3), FB_BOLD | FB_UNDERLINE, 0 },
	{ FB_COLOR_RGB(200, 100, 0), FB_COLOR_INDEXED(232), FB_INVERSE | FB_OVERLINE, 0 },
};

/* One random write to both the frame and the model. */
static bool random_write(struct fb *fb, struct model *m, uint32_t *seed)
{
	uint32_t r = next_random(seed);
	int row = (int)(r % (ROWS + 1)), col = (int)(r / 4 % (COLS + 2)) - 1;
	int width = 1 + (int)(r / 64 % 2);
	const struct fb_pen *pen = &pens[r / 128 % 3];
	char text[FB_CLUSTER_MAX];

	switch (r / 512 % 4) {
	case 0:
	case 1: {
		uint32_t cp = code_points[r / 2048 % 6];

		text[utf8_encode(cp, text)] = '\0';
		model_set(m, row, col, text, width, pen);
		return fb_set_char(fb, row, col, cp, width, pen);
	}
	case 2: {
		const char *cluster = clusters[r / 2048 % 3];

		model_set(m, row, col, cluster, width, pen);
		return fb_set_cell(fb, row, col, cluster, strlen(cluster), width, pen);
	}
	default: {
		const char *run = "xyz!";
		size_t len = 1 + r / 2048 % 4;

		for (size_t i = 0; i < len && col >= 0; i++) {	/* from off the row: nothing */
			char one[2] = { run[i], '\0' };
			model_set(m, row, col + (int)i, one, 1, pen);
		}
		return fb_set_ascii(fb, row, col, run, len, pen);
	}
	}
}

TEST(cell_writes_follow_the_rules)
{
	struct fb *fb = fb_new(COLS, ROWS), *clone = NULL;
	struct model m;
	uint32_t seed = 7;

	model_init(&m);
	for (int step = 0; step < 20000; step++) {
		/* Now and then a clone shares the rows, so writes copy them. */
		if (step % 97 == 0) {
			fb_free(clone);
			clone = fb_clone(fb);
		}
		EXPECT(random_write(fb, &m, &seed));
		if (!frame_matches(fb, &m, step)) {
			EXPECT(!"the frame differs from the model");
			break;
		}
	}
	/* Overwritten clusters are given back: the rows' stores stay small. */
	EXPECT(fb_memory(fb) < 2048);
	fb_free(clone);
	fb_free(fb);
}

TEST(set_char_over_a_cluster_leaves_one_code_point)
{
	struct fb *fb = fb_new(4, 1);
	char text[FB_CLUSTER_MAX];

	EXPECT(fb_set_cell(fb, 0, 1, "e\xcc\x81", 3, 1, NULL));
	EXPECT(fb_set_char(fb, 0, 1, 'x', 1, NULL));
	EXPECT_INT(fb_cell_text(fb, 0, 1, text, sizeof text), 1);
	EXPECT_STR(text, "x");
	EXPECT_INT(fb_cell(fb, 0, 1)->cluster, 0);
	EXPECT(fb_set_char(fb, 0, 3, 0x4e2d, 2, NULL));	/* wide in the last column */
	EXPECT_INT(fb_cell(fb, 0, 3)->ch, ' ');
	EXPECT_INT(fb_cell(fb, 0, 3)->width, 1);
	EXPECT(fb_set_char(fb, 1, 0, 'x', 1, NULL));	/* out of range: ignored */
	fb_free(fb);
}

int main(void)
{
	RUN(cell_writes_follow_the_rules);
	RUN(set_char_over_a_cluster_leaves_one_code_point);
	return unit_exit_status();
}
