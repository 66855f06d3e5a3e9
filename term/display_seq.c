#include "term/display_seq.h"

#include <string.h>

#include "core/unicode.h"
#include "core/utf8.h"

/* ---- Numbers ---- */

static int digits(int n)
{
	int d = 1;

	while (n >= 10) {
		n /= 10;
		d++;
	}
	return d;
}

/* Writes n in decimal at p; returns the digits written. */
static int put_decimal(char *p, unsigned n)
{
	char rev[10];
	int len = 0;

	do {
		rev[len++] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	for (int i = 0; i < len; i++)
		p[i] = rev[len - 1 - i];
	return len;
}

static void put_uint(struct buf *out, unsigned n)
{
	char text[10];

	buf_put(out, text, (size_t)put_decimal(text, n));
}

void seq_csi_n(struct buf *out, int n, char final)
{
	buf_put(out, "\033[", 2);
	if (n != 1)
		put_uint(out, (unsigned)n);
	buf_put_u8(out, (uint8_t)final);
}

static int csi_n_cost(int n)
{
	return 3 + (n == 1 ? 0 : digits(n));
}

/* ---- SGR ---- */

struct fb_pen pen_for_terminal(const struct fb_pen *pen, const struct term_caps *caps)
{
	struct fb_pen shown = *pen;

	if (!caps->styled_underline)
		shown.attrs &= (uint16_t)~FB_UNDERLINE_STYLES;
	if (!caps->overline)
		shown.attrs &= (uint16_t)~FB_OVERLINE;
	if (!caps->underline_color)
		shown.underline = 0;
	return shown;
}

/* A list of SGR parameters being built, ';'-separated, with ':' before
 * sub-parameters. */
struct params {
	char text[128];
	int len;
};

static void param(struct params *p, unsigned n)
{
	if (p->len)
		p->text[p->len++] = ';';
	p->len += put_decimal(p->text + p->len, n);
}

static void sub_param(struct params *p, unsigned n)
{
	p->text[p->len++] = ':';
	p->len += put_decimal(p->text + p->len, n);
}

/* 38 (foreground), 48 (background) or 58 (underline) and the colour. */
static void param_color(struct params *p, fb_color c, unsigned base)
{
	unsigned v = c & 0xffffff;

	if (c == FB_COLOR_DEFAULT) {
		param(p, base + 1);
	} else if (base != 58 && FB_COLOR_KIND(c) == FB_KIND_INDEXED && v < 8) {
		param(p, base - 8 + v);
	} else if (base != 58 && FB_COLOR_KIND(c) == FB_KIND_INDEXED && v < 16) {
		param(p, base + 52 + v - 8);
	} else if (base != 58 && FB_COLOR_KIND(c) == FB_KIND_INDEXED) {
		param(p, base);
		param(p, 5);
		param(p, v & 0xff);
	} else if (base != 58) {
		param(p, base);
		param(p, 2);
		param(p, v >> 16);
		param(p, v >> 8 & 0xff);
		param(p, v & 0xff);
	} else if (FB_COLOR_KIND(c) == FB_KIND_INDEXED) {
		param(p, 58);	/* as terminfo's Setulc: sub-parameters */
		sub_param(p, 5);
		sub_param(p, v & 0xff);
	} else {
		param(p, 58);
		sub_param(p, 2);
		p->text[p->len++] = ':';	/* no colour space id */
		sub_param(p, v >> 16);
		sub_param(p, v >> 8 & 0xff);
		sub_param(p, v & 0xff);
	}
}

/* Attributes with a code of their own (the underlines are apart). */
static const struct {
	uint16_t attr;
	uint8_t on, off;
} attr_codes[] = {
	{ FB_BOLD, 1, 22 }, { FB_DIM, 2, 22 }, { FB_ITALIC, 3, 23 }, { FB_BLINK, 5, 25 },
	{ FB_INVERSE, 7, 27 }, { FB_HIDDEN, 8, 28 }, { FB_STRIKE, 9, 29 }, { FB_OVERLINE, 53, 55 },
};
#define N_ATTR_CODES (sizeof attr_codes / sizeof attr_codes[0])

/* The underline as SGR: 24 none, 4 single, 21 double, 4:3 4:4 4:5 styled. */
static void param_underline(struct params *p, uint16_t attrs)
{
	if (attrs & FB_DOUBLE_UNDERLINE) {
		param(p, 21);
	} else if (!(attrs & FB_UNDERLINE)) {
		param(p, 24);
	} else {
		param(p, 4);
		if (attrs & FB_UNDERLINE_CURLY)
			sub_param(p, 3);
		else if (attrs & FB_UNDERLINE_DOTTED)
			sub_param(p, 4);
		else if (attrs & FB_UNDERLINE_DASHED)
			sub_param(p, 5);
	}
}

static void params_from_reset(struct params *p, const struct fb_pen *to)
{
	param(p, 0);
	for (size_t i = 0; i < N_ATTR_CODES; i++)
		if (to->attrs & attr_codes[i].attr)
			param(p, attr_codes[i].on);
	if (to->attrs & FB_UNDERLINES)
		param_underline(p, to->attrs);
	if (to->fg != FB_COLOR_DEFAULT)
		param_color(p, to->fg, 38);
	if (to->bg != FB_COLOR_DEFAULT)
		param_color(p, to->bg, 48);
	if (to->underline)
		param_color(p, fb_pen_underline(to), 58);
}

static void params_incremental(struct params *p, const struct fb_pen *from, const struct fb_pen *to)
{
	uint16_t turned_off = from->attrs & ~to->attrs;
	uint16_t keep = from->attrs & to->attrs;
	uint16_t on = to->attrs & ~from->attrs;

	/* 22 ends both bold and dim: re-set a survivor. */
	for (size_t i = 0; i < N_ATTR_CODES; i++) {
		if (!(turned_off & attr_codes[i].attr))
			continue;
		uint8_t off = attr_codes[i].off;
		bool done = false;
		for (size_t j = 0; j < i; j++)
			if ((turned_off & attr_codes[j].attr) && attr_codes[j].off == off)
				done = true;
		if (done)
			continue;
		param(p, off);
		for (size_t j = 0; j < N_ATTR_CODES; j++)
			if (attr_codes[j].off == off && (keep & attr_codes[j].attr))
				on |= attr_codes[j].attr;
	}
	for (size_t i = 0; i < N_ATTR_CODES; i++)
		if (on & attr_codes[i].attr)
			param(p, attr_codes[i].on);
	if ((from->attrs ^ to->attrs) & FB_UNDERLINES)
		param_underline(p, to->attrs);
	if (from->fg != to->fg)
		param_color(p, to->fg, 38);
	if (from->bg != to->bg)
		param_color(p, to->bg, 48);
	if (from->underline != to->underline)
		param_color(p, fb_pen_underline(to), 58);
}

int seq_pen_cost(const struct fb_pen *from, const struct fb_pen *to)
{
	static const struct fb_pen plain;
	struct params inc = { .len = 0 }, reset = { .len = 0 };

	if (fb_pen_equal(from, to))
		return 0;
	if (fb_pen_equal(to, &plain))
		return 3;
	params_incremental(&inc, from, to);
	params_from_reset(&reset, to);
	return 3 + (reset.len < inc.len ? reset.len : inc.len);
}

void seq_pen(struct buf *out, struct term_state *t, const struct fb_pen *to)
{
	static const struct fb_pen plain;
	struct params inc = { .len = 0 }, reset = { .len = 0 };
	const struct params *best;

	if (fb_pen_equal(&t->pen, to))
		return;
	if (fb_pen_equal(to, &plain)) {
		buf_put(out, "\033[m", 3);
	} else {
		params_incremental(&inc, &t->pen, to);
		params_from_reset(&reset, to);
		best = reset.len < inc.len ? &reset : &inc;
		buf_put(out, "\033[", 2);
		buf_put(out, best->text, (size_t)best->len);
		buf_put_u8(out, 'm');
	}
	t->pen = *to;
}

/* ---- Cells ---- */

/* Clustered cells that terminals measure differently (emoji sequences):
 * after one, the cursor position is not trusted. */
static bool width_is_uncertain(const char *text, size_t len, const struct fb_cell *cell)
{
	return cell->cluster && (cell->width == 2 || memmem(text, len, "\xe2\x80\x8d", 3) ||
				 memmem(text, len, "\xef\xb8\x8f", 3));
}

/* Code points that never join a neighbour's grapheme cluster. */
static bool is_simple(uint32_t cp)
{
	return (cp >= 0x20 && cp < 0x7f) || (cp >= 0xa0 && cp < 0x300 && cp != 0xad) ||
	       (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0xac00 && cp <= 0xd7a3);
}

/* Whether a cluster starting with `cp`, printed right after the last one,
 * would join it (as in the emulator, by the grapheme breaks of core/unicode.h). */
static bool would_join(const struct buf *out, const struct term_state *t, uint32_t cp)
{
	int32_t state = t->grapheme_state;

	if (out->len != t->text_end || (is_simple(t->last_code_point) && is_simple(cp)))
		return false;	/* anything written in between breaks a cluster */
	return !unicode_grapheme_break(t->last_code_point, cp, &state);
}

/* Track the cluster just written, code point by code point. */
static void note_cluster(const struct buf *out, struct term_state *t, const char *text, size_t len)
{
	const uint8_t *s = (const uint8_t *)text;
	uint32_t cp, prev = UTF8_INVALID;
	size_t n;

	t->grapheme_state = 0;
	while (len > 0) {
		n = utf8_decode(s, len, &cp);
		if (cp == UTF8_INVALID)
			break;
		if (prev != UTF8_INVALID)
			unicode_grapheme_break(prev, cp, &t->grapheme_state);
		prev = cp;
		s += n;
		len -= n;
	}
	t->last_code_point = prev != UTF8_INVALID ? prev : ' ';
	t->text_end = out->len;
}

void seq_cell(struct buf *out, struct term_state *t, const struct fb *fb, int row, int col,
	      int cols)
{
	const struct fb_cell *cell = fb_cell(fb, row, col);
	struct fb_pen pen = pen_for_terminal(&cell->pen, t->caps);
	char text[FB_CLUSTER_MAX];
	size_t len;

	seq_pen(out, t, &pen);
	/* A cell that would join the one before: a NUL, which terminals
	 * ignore, keeps it apart. */
	if (would_join(out, t, cell->ch))
		buf_put_u8(out, 0);
	if (cell->ch >= 0x20 && cell->ch < 0x7f && !cell->cluster) {
		buf_put_u8(out, (uint8_t)cell->ch);
		t->last_code_point = cell->ch;
		t->grapheme_state = 0;
		t->text_end = out->len;
	} else if (cell->ch < 0x20 || (cell->ch >= 0x7f && cell->ch < 0xa0)) {
		buf_put_u8(out, '?');	/* never a control character */
	} else {
		len = fb_cell_text(fb, row, col, text, sizeof text);
		buf_put(out, text, len);
		note_cluster(out, t, text, len);
		if (!t->caps->widths_as_ours && width_is_uncertain(text, len, cell))
			t->cursor_known = false;
	}
	t->col += cell->width;
	if (t->col >= cols) {
		t->col = cols - 1;
		t->wrap_pending = true;
	}
}

/* ---- Cursor moves ---- */

enum vmove { V_NONE, V_LF, V_CUD, V_RI, V_CUU, V_VPA };
enum hmove { H_NONE, H_CUF, H_BS, H_CUB, H_CR, H_CR_CUF, H_CHA };

struct move_plan {
	enum vmove v;
	enum hmove h;
	bool cup;
	int cost;
};

static int cup_cost(int row, int col)
{
	if (col == 0)
		return row == 0 ? 3 : 3 + digits(row + 1);
	return 4 + digits(row + 1) + digits(col + 1);
}

static void best_vertical(int from, int to, enum vmove *how, int *cost)
{
	int d = to - from;

	*how = V_VPA;
	*cost = csi_n_cost(to + 1);
	if (d == 0) {
		*how = V_NONE;
		*cost = 0;
	} else if (d > 0 && d < *cost) {
		*how = V_LF;
		*cost = d;
	} else if (d > 0 && csi_n_cost(d) < *cost) {
		*how = V_CUD;
		*cost = csi_n_cost(d);
	} else if (d == -1 && *cost > 2) {
		*how = V_RI;
		*cost = 2;
	} else if (d < 0 && csi_n_cost(-d) < *cost) {
		*how = V_CUU;
		*cost = csi_n_cost(-d);
	}
}

/* After a carriage return (which also ends a pending wrap) or from a
 * known column. */
static void best_horizontal(int from, int to, bool may_be_relative, enum hmove *how, int *cost)
{
	int d = to - from;

	*how = H_CHA;
	*cost = csi_n_cost(to + 1);
	if (to == 0) {
		*how = H_CR;
		*cost = 1;
		if (may_be_relative && d == 0) {
			*how = H_NONE;
			*cost = 0;
		}
		return;
	}
	if (1 + csi_n_cost(to) < *cost) {
		*how = H_CR_CUF;
		*cost = 1 + csi_n_cost(to);
	}
	if (!may_be_relative)
		return;
	if (d == 0) {
		*how = H_NONE;
		*cost = 0;
	} else if (d > 0 && csi_n_cost(d) < *cost) {
		*how = H_CUF;
		*cost = csi_n_cost(d);
	} else if (d < 0 && -d < *cost && -d <= csi_n_cost(-d)) {
		*how = H_BS;
		*cost = -d;
	} else if (d < 0 && csi_n_cost(-d) < *cost) {
		*how = H_CUB;
		*cost = csi_n_cost(-d);
	}
}

static struct move_plan plan_move(const struct term_state *t, int row, int col)
{
	struct move_plan plan = { V_NONE, H_NONE, true, cup_cost(row, col) };
	enum vmove v;
	enum hmove h;
	int vc, hc;

	if (!t->cursor_known)
		return plan;
	if (t->row == row && t->col == col && !t->wrap_pending) {
		plan.cup = false;
		plan.cost = 0;
		return plan;
	}
	best_vertical(t->row, row, &v, &vc);
	/* A pending wrap makes relative horizontal moves ambiguous: begin
	 * with CR, which every terminal takes back to column 0. */
	best_horizontal(t->col, col, !t->wrap_pending, &h, &hc);
	if (t->wrap_pending && h == H_CHA) {
		h = H_CR_CUF;
		hc = col ? 1 + csi_n_cost(col) : 1;
		if (!col)
			h = H_CR;
	}
	if (vc + hc < plan.cost) {
		plan.cup = false;
		plan.v = v;
		plan.h = h;
		plan.cost = vc + hc;
	}
	return plan;
}

int seq_move_cost(const struct term_state *t, int row, int col)
{
	return plan_move(t, row, col).cost;
}

static void put_cup(struct buf *out, int row, int col)
{
	buf_put(out, "\033[", 2);
	if (row || col)
		put_uint(out, (unsigned)row + 1);
	if (col) {
		buf_put_u8(out, ';');
		put_uint(out, (unsigned)col + 1);
	}
	buf_put_u8(out, 'H');
}

void seq_move(struct buf *out, struct term_state *t, int row, int col)
{
	struct move_plan plan = plan_move(t, row, col);

	if (plan.cup) {
		put_cup(out, row, col);
	} else {
		/* Horizontal first: CR ends a pending wrap before LF. */
		switch (plan.h) {
		case H_NONE: break;
		case H_CUF: seq_csi_n(out, col - t->col, 'C'); break;
		case H_BS:
			for (int i = col; i < t->col; i++)
				buf_put_u8(out, '\b');
			break;
		case H_CUB: seq_csi_n(out, t->col - col, 'D'); break;
		case H_CR: buf_put_u8(out, '\r'); break;
		case H_CR_CUF:
			buf_put_u8(out, '\r');
			seq_csi_n(out, col, 'C');
			break;
		case H_CHA: seq_csi_n(out, col + 1, 'G'); break;
		}
		switch (plan.v) {
		case V_NONE: break;
		case V_LF:
			for (int i = t->row; i < row; i++)
				buf_put_u8(out, '\n');
			break;
		case V_CUD: seq_csi_n(out, row - t->row, 'B'); break;
		case V_RI: buf_put(out, "\033M", 2); break;
		case V_CUU: seq_csi_n(out, t->row - row, 'A'); break;
		case V_VPA: seq_csi_n(out, row + 1, 'd'); break;
		}
	}
	t->row = row;
	t->col = col;
	t->wrap_pending = false;
	t->cursor_known = true;
}

/* ---- Modes ---- */

struct mode_list {
	int n;
	unsigned code[12];
};

static void mode_add(struct mode_list *l, unsigned code)
{
	l->code[l->n++] = code;
}

static void put_mode_list(struct buf *out, const struct mode_list *l, char final)
{
	if (!l->n)
		return;
	buf_put(out, "\033[?", 3);
	for (int i = 0; i < l->n; i++) {
		if (i)
			buf_put_u8(out, ';');
		put_uint(out, l->code[i]);
	}
	buf_put_u8(out, (uint8_t)final);
}

static void flag_mode(struct mode_list *set, struct mode_list *reset, bool had, bool want,
		      bool known, unsigned code)
{
	if (known && had == want)
		return;
	mode_add(want ? set : reset, code);
}

/* DECSCUSR; a terminal that cannot take it is left as it is. */
static void put_cursor_shape(struct buf *out, const struct fb_modes *old, const struct fb_modes *m,
			     const struct term_caps *caps)
{
	if (!caps->cursor_shape || (old ? old->cursor_shape == m->cursor_shape : m->cursor_shape == 0))
		return;
	if (m->cursor_shape == 0 && caps->cursor_shape_reset[0])
		buf_put_str(out, caps->cursor_shape_reset);
	else
		buf_printf(out, "\033[%u q", m->cursor_shape);
}

void seq_modes(struct buf *out, const struct fb_modes *old, const struct fb_modes *m,
	       const struct term_caps *caps)
{
	static const struct fb_modes unknown;
	struct mode_list set = { .n = 0 }, reset = { .n = 0 };
	bool known = old != NULL;

	if (!old)
		old = &unknown;
	flag_mode(&set, &reset, old->app_cursor, m->app_cursor, known, 1);
	flag_mode(&set, &reset, old->reverse_video, m->reverse_video, known, 5);
	flag_mode(&set, &reset, old->cursor_visible, m->cursor_visible, known, 25);
	flag_mode(&set, &reset, old->focus_events, m->focus_events, known, 1004);
	flag_mode(&set, &reset, old->bracketed_paste, m->bracketed_paste, known, 2004);
	if (!known || old->mouse_mode != m->mouse_mode) {
		if (m->mouse_mode != FB_MOUSE_OFF)
			mode_add(&set, m->mouse_mode);
		else if (known)
			mode_add(&reset, old->mouse_mode);
		else {
			mode_add(&reset, FB_MOUSE_X10);
			mode_add(&reset, FB_MOUSE_NORMAL);
			mode_add(&reset, FB_MOUSE_BUTTON);
			mode_add(&reset, FB_MOUSE_ANY);
		}
	}
	if (!known || old->mouse_encoding != m->mouse_encoding) {
		if (known && old->mouse_encoding != FB_MOUSE_ENC_DEFAULT)
			mode_add(&reset, old->mouse_encoding);
		if (!known && m->mouse_encoding != FB_MOUSE_ENC_SGR)
			mode_add(&reset, FB_MOUSE_ENC_SGR);
		if (!known && m->mouse_encoding != FB_MOUSE_ENC_URXVT)
			mode_add(&reset, FB_MOUSE_ENC_URXVT);
		if (m->mouse_encoding != FB_MOUSE_ENC_DEFAULT)
			mode_add(&set, m->mouse_encoding);
	}
	put_mode_list(out, &reset, 'l');
	put_mode_list(out, &set, 'h');
	if (!known || old->app_keypad != m->app_keypad)
		buf_put(out, m->app_keypad ? "\033=" : "\033>", 2);
	put_cursor_shape(out, known ? old : NULL, m, caps);
}

void seq_osc(struct buf *out, const char *code_and_prefix, const char *text)
{
	buf_put(out, "\033]", 2);
	buf_put_str(out, code_and_prefix);
	for (const unsigned char *s = (const unsigned char *)text; *s; s++) {
		if (s[0] == 0xc2 && s[1] >= 0x80 && s[1] < 0xa0) {
			s++;	/* a C1 control such as ST, in UTF-8 */
			continue;
		}
		if (s[0] >= 0x20 && s[0] != 0x7f)
			buf_put_u8(out, s[0]);
	}
	buf_put_u8(out, '\a');
}
