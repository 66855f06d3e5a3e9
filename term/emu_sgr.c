/* SGR, ECMA-48 8.3.117, with the colour extensions of ITU T.416 and
 * xterm: 38/48 with ";5;N" or ";2;R;G;B", and the same with ':' as
 * sub-parameters ("38:5:N", "38:2:CS:R:G:B", "38:2:R:G:B"); the underline
 * styles "4:N" and the underline colour 58/59 (kitty, VTE, tmux); overline
 * 53/55 (ECMA-48). */
#include "term/emu_internal.h"

/* One SGR element: a parameter and the sub-parameters that follow it. */
struct element {
	const int32_t *values;
	int n;
};

static int value_at(const struct element *el, int i)
{
	return i < el->n && el->values[i] >= 0 ? el->values[i] : 0;
}

/* An extended colour from `n` values after the 38/48: 5;N or 2;R;G;B.
 * false when malformed. */
static bool extended_color(const int32_t *values, int n, bool with_colorspace, fb_color *out)
{
	struct element el = { values, n };
	int kind = value_at(&el, 0);

	if (kind == 5 && n >= 2) {
		int index = value_at(&el, 1);

		if (index > 255)
			return false;
		*out = FB_COLOR_INDEXED(index);
		return true;
	}
	if (kind == 2) {
		int first = with_colorspace ? 2 : 1;

		if (n < first + 3)
			return false;
		int r = value_at(&el, first), g = value_at(&el, first + 1), b = value_at(&el, first + 2);
		if (r > 255 || g > 255 || b > 255)
			return false;
		*out = FB_COLOR_RGB(r, g, b);
		return true;
	}
	return false;
}

/* 38/48/58 in the ';' form take the following parameters: how many. */
static int semicolon_color_length(const int32_t *values, int n)
{
	struct element el = { values, n };

	switch (value_at(&el, 0)) {
	case 5:
		return n >= 2 ? 2 : n;
	case 2:
		return n >= 4 ? 4 : n;
	default:
		return n > 0 ? 1 : 0;
	}
}

static void set_color(struct fb_pen *pen, int code, fb_color color)
{
	if (code == 38)
		pen->fg = color;
	else if (code == 48)
		pen->bg = color;
	else
		fb_pen_set_underline(pen, color);
}

/* 4, or 4:N: 0 none, 1 single, 2 double, 3 curly, 4 dotted, 5 dashed;
 * a style past those is a single underline. */
static void underline(struct fb_pen *pen, const struct element *el)
{
	static const uint16_t styled[6] = {
		0, FB_UNDERLINE, FB_DOUBLE_UNDERLINE, FB_UNDERLINE | FB_UNDERLINE_CURLY,
		FB_UNDERLINE | FB_UNDERLINE_DOTTED, FB_UNDERLINE | FB_UNDERLINE_DASHED,
	};
	int style = el->n > 1 ? value_at(el, 1) : 1;

	pen->attrs &= (uint16_t)~FB_UNDERLINES;
	pen->attrs |= style < 6 ? styled[style] : FB_UNDERLINE;
}

static void apply(struct fb_pen *pen, int code, const struct element *el)
{
	static const uint16_t set_attr[10] = {
		0, FB_BOLD, FB_DIM, FB_ITALIC, FB_UNDERLINE, FB_BLINK, FB_BLINK,
		FB_INVERSE, FB_HIDDEN, FB_STRIKE,
	};
	static const uint16_t clear_attr[10] = {
		[2] = FB_BOLD | FB_DIM, [3] = FB_ITALIC,
		[4] = FB_UNDERLINES, [5] = FB_BLINK, [7] = FB_INVERSE,
		[8] = FB_HIDDEN, [9] = FB_STRIKE,
	};

	if (code == 0) {
		*pen = (struct fb_pen){ 0 };
	} else if (code == 4) {
		underline(pen, el);
	} else if (code < 10) {
		pen->attrs |= set_attr[code];
	} else if (code == 21) {
		pen->attrs = (uint16_t)((pen->attrs & ~FB_UNDERLINES) | FB_DOUBLE_UNDERLINE);
	} else if (code >= 22 && code <= 29) {
		pen->attrs &= (uint16_t)~clear_attr[code - 20];
	} else if (code >= 30 && code <= 37) {
		pen->fg = FB_COLOR_INDEXED(code - 30);
	} else if (code == 39) {
		pen->fg = FB_COLOR_DEFAULT;
	} else if (code >= 40 && code <= 47) {
		pen->bg = FB_COLOR_INDEXED(code - 40);
	} else if (code == 49) {
		pen->bg = FB_COLOR_DEFAULT;
	} else if (code == 53) {
		pen->attrs |= FB_OVERLINE;
	} else if (code == 55) {
		pen->attrs &= (uint16_t)~FB_OVERLINE;
	} else if (code == 59) {
		pen->underline = 0;
	} else if (code >= 90 && code <= 97) {
		pen->fg = FB_COLOR_INDEXED(code - 90 + 8);
	} else if (code >= 100 && code <= 107) {
		pen->bg = FB_COLOR_INDEXED(code - 100 + 8);
	}
}

void emu_sgr(struct emu *e, const struct parser_seq *seq)
{
	int i = 0;

	if (seq->nparams == 0) {
		e->pen = (struct fb_pen){ 0 };
		return;
	}
	while (i < seq->nparams) {
		struct element el = { &seq->params[i], 1 };
		int code;

		while (i + el.n < seq->nparams && (seq->subparam_mask >> (i + el.n) & 1))
			el.n++;
		code = value_at(&el, 0);
		i += el.n;
		if (code == 38 || code == 48 || code == 58) {
			fb_color color;
			const int32_t *rest = el.values + 1;
			int n = el.n - 1;
			bool colon = n > 0;

			if (!colon) {	/* the ';' form: take the parameters that follow */
				rest = &seq->params[i];
				n = semicolon_color_length(rest, seq->nparams - i);
				i += n;
			}
			/* "38:2:R:G:B" leaves out T.416's colour space id. */
			bool with_colorspace = colon && n >= 5;
			if (extended_color(rest, n, with_colorspace, &color))
				set_color(&e->pen, code, color);
			continue;
		}
		if (el.n > 1 && code != 4)	/* T.416 gives no others sub-parameters */
			continue;
		apply(&e->pen, code, &el);
	}
}
