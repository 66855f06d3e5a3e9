/* Underline colours in the pen's 16 bits: 0 for the text's colour, 1..256
 * for the indexed colours, and above that the slots of one table of RGB
 * colours for the whole process, so that pens stay plain values that any
 * frame, history line or saved cursor can copy and compare. The table only
 * grows (a colour costs 4 bytes, and 4 more in its index); once it is full
 * a new colour takes the nearest indexed colour instead. */
#include "term/fb.h"

#include "core/options.h"

#define INDEXED_BASE 1u
#define RGB_BASE (INDEXED_BASE + 256u)
/* Open addressing over a power of two at least twice the table. */
#define INDEX_SLOTS 8192u
_Static_assert(INDEX_SLOTS >= 2 * SSPSH_UNDERLINE_RGB_MAX && (INDEX_SLOTS & (INDEX_SLOTS - 1)) == 0,
	       "the index must be a power of two at least twice the table");

static uint32_t rgb_table[SSPSH_UNDERLINE_RGB_MAX];
static unsigned rgb_count;
static uint16_t rgb_index[INDEX_SLOTS];	/* table slot + 1; 0: empty */

/* The levels of xterm's 6x6x6 colour cube (indexes 16..231). */
static const uint8_t cube_level[6] = { 0, 95, 135, 175, 215, 255 };

static int distance(int a, int b)
{
	return a > b ? a - b : b - a;
}

static int nearest_level(int v)
{
	int best = 0;

	for (int i = 1; i < 6; i++)
		if (distance(v, cube_level[i]) < distance(v, cube_level[best]))
			best = i;
	return best;
}

/* The nearest of the cube and the grey ramp (232..255: 8 + 10 i). */
static unsigned nearest_indexed(uint32_t rgb)
{
	int r = (int)(rgb >> 16), g = (int)(rgb >> 8 & 0xff), b = (int)(rgb & 0xff);
	int cr = nearest_level(r), cg = nearest_level(g), cb = nearest_level(b);
	int cube_error = distance(r, cube_level[cr]) + distance(g, cube_level[cg]) +
			 distance(b, cube_level[cb]);
	int grey = (r + g + b) / 3, step = grey < 8 ? 0 : (grey - 8 + 5) / 10;

	if (step > 23)
		step = 23;
	int grey_value = 8 + 10 * step;
	int grey_error = distance(r, grey_value) + distance(g, grey_value) + distance(b, grey_value);
	if (grey_error < cube_error)
		return 232u + (unsigned)step;
	return 16u + (unsigned)(36 * cr + 6 * cg + cb);
}

static unsigned index_slot(uint32_t rgb)
{
	return (rgb * 2654435761u) >> 19 & (INDEX_SLOTS - 1);
}

/* The compact value of an RGB colour: its table slot, added if need be. */
static uint16_t intern_rgb(uint32_t rgb)
{
	unsigned slot = index_slot(rgb);

	while (rgb_index[slot]) {
		unsigned at = rgb_index[slot] - 1u;
		if (rgb_table[at] == rgb)
			return (uint16_t)(RGB_BASE + at);
		slot = (slot + 1) & (INDEX_SLOTS - 1);
	}
	if (rgb_count == SSPSH_UNDERLINE_RGB_MAX)
		return (uint16_t)(INDEXED_BASE + nearest_indexed(rgb));
	rgb_table[rgb_count] = rgb;
	rgb_index[slot] = (uint16_t)(++rgb_count);
	return (uint16_t)(RGB_BASE + rgb_count - 1);
}

void fb_pen_set_underline(struct fb_pen *pen, fb_color color)
{
	uint32_t value = color & 0xffffff;

	if (FB_COLOR_KIND(color) == FB_KIND_INDEXED && value < 256)
		pen->underline = (uint16_t)(INDEXED_BASE + value);
	else if (FB_COLOR_KIND(color) == FB_KIND_RGB)
		pen->underline = intern_rgb(value);
	else
		pen->underline = 0;
}

fb_color fb_pen_underline(const struct fb_pen *pen)
{
	unsigned v = pen->underline;

	if (v == 0)
		return FB_COLOR_DEFAULT;
	if (v < RGB_BASE)
		return FB_COLOR_INDEXED(v - INDEXED_BASE);
	if (v - RGB_BASE < rgb_count)
		return FB_KIND_RGB << 24 | rgb_table[v - RGB_BASE];
	return FB_COLOR_DEFAULT;	/* never set by fb_pen_set_underline */
}
