/* CSI sequences: a table sorted by (private marker, intermediate, final)
 * maps each to its handler. Section numbers are ECMA-48 5th edition's;
 * DEC private sequences cite the DEC VT510 manual, others xterm's
 * ctlseqs. Sequences not in the table are ignored. */
#include "term/emu_internal.h"

#include <stdlib.h>

/* Parameter i, or `fallback` when omitted. */
static int param(const struct parser_seq *seq, int i, int fallback)
{
	if (i >= seq->nparams || seq->params[i] == PARSER_PARAM_OMITTED)
		return fallback;
	return seq->params[i];
}

/* A count or a 1-based position: omitted and 0 both mean 1. */
static int count(const struct parser_seq *seq, int i)
{
	int v = param(seq, i, 1);

	return v ? v : 1;
}

static int min_int(int a, int b)
{
	return a < b ? a : b;
}

/* Vertical motion stops at a scroll margin when it starts inside them. */
static int upper_limit(const struct emu *e)
{
	return e->row >= e->top ? e->top : 0;
}

static int lower_limit(const struct emu *e)
{
	return e->row < e->bottom ? e->bottom - 1 : e->rows - 1;
}

/* Row `n` (1-based) of the screen, or of the scroll region in origin mode. */
static int origin_row(const struct emu *e, int n)
{
	if (!e->origin)
		return n - 1;
	return min_int(e->top + n - 1, e->bottom - 1);
}

static void erase_rows(struct emu *e, int from, int to)
{
	for (int row = from; row < to; row++)
		fb_erase(e->fb, row, 0, e->cols, &e->pen);
}

/* ---- Cursor motion ---- */

static void cuu(struct emu *e, const struct parser_seq *seq)	/* 8.3.22 CUU */
{
	int row = e->row - count(seq, 0);

	emu_move(e, row < upper_limit(e) ? upper_limit(e) : row, e->col);
}

static void cud(struct emu *e, const struct parser_seq *seq)	/* 8.3.19 CUD */
{
	emu_move(e, min_int(e->row + count(seq, 0), lower_limit(e)), e->col);
}

static void cuf(struct emu *e, const struct parser_seq *seq)	/* 8.3.20 CUF, 8.3.59 HPR */
{
	emu_move(e, e->row, e->col + count(seq, 0));
}

static void cub(struct emu *e, const struct parser_seq *seq)	/* 8.3.18 CUB */
{
	emu_move(e, e->row, e->col - count(seq, 0));
}

static void cnl(struct emu *e, const struct parser_seq *seq)	/* 8.3.12 CNL */
{
	cud(e, seq);
	emu_carriage_return(e);
}

static void cpl(struct emu *e, const struct parser_seq *seq)	/* 8.3.13 CPL */
{
	cuu(e, seq);
	emu_carriage_return(e);
}

static void cha(struct emu *e, const struct parser_seq *seq)	/* 8.3.9 CHA, 8.3.57 HPA */
{
	emu_move(e, e->row, count(seq, 0) - 1);
}

static void cup(struct emu *e, const struct parser_seq *seq)	/* 8.3.21 CUP, 8.3.63 HVP */
{
	emu_move(e, origin_row(e, count(seq, 0)), count(seq, 1) - 1);
}

static void vpa(struct emu *e, const struct parser_seq *seq)	/* 8.3.158 VPA */
{
	emu_move(e, origin_row(e, count(seq, 0)), e->col);
}

static void vpr(struct emu *e, const struct parser_seq *seq)	/* 8.3.160 VPR */
{
	emu_move(e, e->row + count(seq, 0), e->col);
}

static void cht(struct emu *e, const struct parser_seq *seq)	/* 8.3.10 CHT */
{
	int col = e->col;

	for (int n = min_int(count(seq, 0), e->cols); n > 0 && col < e->cols - 1; n--)
		do
			col++;
		while (col < e->cols - 1 && !emu_tab_is_set(e, col));
	emu_move(e, e->row, col);
}

static void cbt(struct emu *e, const struct parser_seq *seq)	/* 8.3.7 CBT */
{
	int col = e->col;

	for (int n = min_int(count(seq, 0), e->cols); n > 0 && col > 0; n--)
		do
			col--;
		while (col > 0 && !emu_tab_is_set(e, col));
	emu_move(e, e->row, col);
}

/* ---- Erasing, inserting, deleting, scrolling ---- */

static void ed(struct emu *e, const struct parser_seq *seq)	/* 8.3.39 ED, DECSED */
{
	e->wrap_pending = false;
	switch (param(seq, 0, 0)) {
	case 0:
		fb_erase(e->fb, e->row, e->col, e->cols, &e->pen);
		erase_rows(e, e->row + 1, e->rows);
		break;
	case 1:
		erase_rows(e, 0, e->row);
		fb_erase(e->fb, e->row, 0, e->col + 1, &e->pen);
		break;
	case 2:
		erase_rows(e, 0, e->rows);
		break;
	case 3:		/* xterm: erase saved lines */
		/* Out of memory the erase entry is lost, but so are the lines. */
		if (e->history && !history_add_erase(e->history))
			break;
		break;
	default:
		break;
	}
}

static void el(struct emu *e, const struct parser_seq *seq)	/* 8.3.41 EL, DECSEL */
{
	e->wrap_pending = false;
	switch (param(seq, 0, 0)) {
	case 0:
		fb_erase(e->fb, e->row, e->col, e->cols, &e->pen);
		break;
	case 1:
		fb_erase(e->fb, e->row, 0, e->col + 1, &e->pen);
		break;
	case 2:
		fb_erase(e->fb, e->row, 0, e->cols, &e->pen);
		break;
	default:
		break;
	}
}

static void ech(struct emu *e, const struct parser_seq *seq)	/* 8.3.38 ECH */
{
	e->wrap_pending = false;
	fb_erase(e->fb, e->row, e->col, min_int(e->col + count(seq, 0), e->cols), &e->pen);
}

static void ich(struct emu *e, const struct parser_seq *seq)	/* 8.3.64 ICH */
{
	e->wrap_pending = false;
	fb_shift_cells(e->fb, e->row, e->col, min_int(count(seq, 0), e->cols - e->col), &e->pen);
}

static void dch(struct emu *e, const struct parser_seq *seq)	/* 8.3.26 DCH */
{
	e->wrap_pending = false;
	fb_shift_cells(e->fb, e->row, e->col, -min_int(count(seq, 0), e->cols - e->col), &e->pen);
}

/* IL and DL act only inside the scroll region and leave the cursor at the
 * start of its line (DEC VT510). */
static void il(struct emu *e, const struct parser_seq *seq)	/* 8.3.67 IL */
{
	if (e->row < e->top || e->row >= e->bottom)
		return;
	fb_scroll(e->fb, e->row, e->bottom, -min_int(count(seq, 0), e->bottom - e->row), &e->pen);
	emu_carriage_return(e);
}

static void dl(struct emu *e, const struct parser_seq *seq)	/* 8.3.32 DL */
{
	if (e->row < e->top || e->row >= e->bottom)
		return;
	fb_scroll(e->fb, e->row, e->bottom, min_int(count(seq, 0), e->bottom - e->row), &e->pen);
	emu_carriage_return(e);
}

static void su(struct emu *e, const struct parser_seq *seq)	/* 8.3.147 SU */
{
	emu_scroll_up(e, min_int(count(seq, 0), e->bottom - e->top));
}

static void sd(struct emu *e, const struct parser_seq *seq)	/* 8.3.113 SD */
{
	if (seq->nparams > 1)	/* xterm's mouse highlight tracking, not SD */
		return;
	fb_scroll(e->fb, e->top, e->bottom, -min_int(count(seq, 0), e->bottom - e->top), &e->pen);
}

static void rep(struct emu *e, const struct parser_seq *seq)	/* 8.3.103 REP */
{
	emu_repeat_last(e, min_int(count(seq, 0), e->cols * e->rows));
}

/* DECSTBM (DEC VT510): margins of at least two lines; the cursor homes. */
static void decstbm(struct emu *e, const struct parser_seq *seq)
{
	int top = count(seq, 0);
	int bottom = min_int(param(seq, 1, 0) ? param(seq, 1, 0) : e->rows, e->rows);

	if (top >= bottom)
		return;
	e->top = top - 1;
	e->bottom = bottom;
	emu_move(e, e->origin ? e->top : 0, 0);
}

static void tbc(struct emu *e, const struct parser_seq *seq)	/* 8.3.154 TBC */
{
	int which = param(seq, 0, 0);

	if (which == 0)
		emu_tab_set(e, e->col, false);
	else if (which == 3)
		for (int col = 0; col < SSPSH_MAX_COLS; col++)
			emu_tab_set(e, col, false);
}

/* ---- Modes ---- */

static void ansi_mode(struct emu *e, int mode, bool on)	/* 8.3.125 SM, 8.3.106 RM */
{
	if (mode == 4)		/* IRM, 7.2.10 */
		e->insert = on;
	else if (mode == 20)	/* LNM */
		e->newline = on;
}

static void set_mouse_encoding(struct emu *e, int encoding, bool on)
{
	if (on)
		e->modes.mouse_encoding = (uint16_t)encoding;
	else if (e->modes.mouse_encoding == encoding)
		e->modes.mouse_encoding = FB_MOUSE_ENC_DEFAULT;
}

/* DECSET / DECRST: DEC VT510 modes and xterm's private ones. */
static void dec_mode(struct emu *e, int mode, bool on)
{
	switch (mode) {
	case 1:		/* DECCKM */
		e->modes.app_cursor = on;
		break;
	case 5:		/* DECSCNM */
		e->modes.reverse_video = on;
		break;
	case 6:		/* DECOM: also homes the cursor */
		e->origin = on;
		emu_move(e, on ? e->top : 0, 0);
		break;
	case 7:		/* DECAWM: a pending wrap survives; printing checks autowrap */
		e->autowrap = on;
		break;
	case 25:	/* DECTCEM */
		e->modes.cursor_visible = on;
		break;
	case 66:	/* DECNKM */
		e->modes.app_keypad = on;
		break;
	case 9:		/* mouse: X10, normal, button-event, any-event tracking */
	case 1000:
	case 1002:
	case 1003:
		e->modes.mouse_mode = on ? (uint16_t)mode : FB_MOUSE_OFF;
		break;
	case 1004:
		e->modes.focus_events = on;
		break;
	case 1006:	/* mouse encodings: SGR, urxvt */
	case 1015:
		set_mouse_encoding(e, mode, on);
		break;
	case 47:	/* alternate screen */
	case 1047:	/* a fresh buffer, in the default rendition (xterm) */
		emu_alternate_screen(e, on, false);
		break;
	case 1048:	/* DECSC / DECRC */
		if (on)
			emu_save_cursor(e);
		else
			emu_restore_cursor(e);
		break;
	case 1049:	/* 1048 and 1047 together */
		if (on) {
			emu_save_cursor(e);
			emu_alternate_screen(e, true, true);
		} else {
			emu_alternate_screen(e, false, false);
			emu_restore_cursor(e);
		}
		break;
	case 2004:
		e->modes.bracketed_paste = on;
		break;
	default:
		break;
	}
}

static void set_modes(struct emu *e, const struct parser_seq *seq, bool on)
{
	for (int i = 0; i < seq->nparams; i++) {
		int mode = param(seq, i, 0);

		if (seq->prefix == '?')
			dec_mode(e, mode, on);
		else
			ansi_mode(e, mode, on);
	}
	emu_modes_changed(e);
}

static void sm(struct emu *e, const struct parser_seq *seq)
{
	set_modes(e, seq, true);
}

static void rm(struct emu *e, const struct parser_seq *seq)
{
	set_modes(e, seq, false);
}

/* ---- Reports ---- */

static void dsr(struct emu *e, const struct parser_seq *seq)	/* 8.3.35 DSR, DECDSR */
{
	int row = e->origin ? e->row - e->top + 1 : e->row + 1;

	switch (param(seq, 0, 0)) {
	case 5:		/* status: no malfunction */
		if (!seq->prefix)
			emu_reply(e, "\033[0n");
		break;
	case 6:		/* CPR, or DECXCPR with '?' */
		if (seq->prefix == '?')
			emu_reply(e, "\033[?%d;%d;1R", row, e->col + 1);
		else
			emu_reply(e, "\033[%d;%dR", row, e->col + 1);
		break;
	default:
		break;
	}
}

static void da1(struct emu *e, const struct parser_seq *seq)	/* 8.3.24 DA */
{
	if (param(seq, 0, 0) == 0)
		emu_reply(e, "\033[?62;22c");	/* VT220 with ANSI colour */
}

static void da2(struct emu *e, const struct parser_seq *seq)	/* xterm: secondary DA */
{
	if (param(seq, 0, 0) == 0)
		emu_reply(e, "\033[>1;10;0c");
}

/* ---- The rest ---- */

static void sgr(struct emu *e, const struct parser_seq *seq)	/* 8.3.117 SGR */
{
	emu_sgr(e, seq);
}

static void scosc(struct emu *e, const struct parser_seq *seq)	/* xterm: CSI s */
{
	(void)seq;
	emu_save_cursor(e);
}

static void scorc(struct emu *e, const struct parser_seq *seq)	/* xterm: CSI u */
{
	(void)seq;
	emu_restore_cursor(e);
}

/* The cursor's shape (blinking or steady block, underline, bar): kept in
 * the modes so that it reaches the user's terminal. Other values are
 * ignored, as xterm does. */
static void decscusr(struct emu *e, const struct parser_seq *seq)	/* DEC VT510 DECSCUSR */
{
	int shape = param(seq, 0, 0);

	if (shape > FB_CURSOR_SHAPE_MAX)
		return;
	e->modes.cursor_shape = (uint8_t)shape;
	emu_modes_changed(e);
}

static void decstr(struct emu *e, const struct parser_seq *seq)	/* DEC VT510 DECSTR */
{
	(void)seq;
	emu_soft_reset(e);
}

struct csi_entry {
	uint32_t key;
	void (*handle)(struct emu *e, const struct parser_seq *seq);
};

/* Sorted by key (test_emu checks). */
static const struct csi_entry csi_table[] = {
	{ PARSER_KEY(0, 0, '@'), ich },
	{ PARSER_KEY(0, 0, 'A'), cuu },
	{ PARSER_KEY(0, 0, 'B'), cud },
	{ PARSER_KEY(0, 0, 'C'), cuf },
	{ PARSER_KEY(0, 0, 'D'), cub },
	{ PARSER_KEY(0, 0, 'E'), cnl },
	{ PARSER_KEY(0, 0, 'F'), cpl },
	{ PARSER_KEY(0, 0, 'G'), cha },
	{ PARSER_KEY(0, 0, 'H'), cup },
	{ PARSER_KEY(0, 0, 'I'), cht },
	{ PARSER_KEY(0, 0, 'J'), ed },
	{ PARSER_KEY(0, 0, 'K'), el },
	{ PARSER_KEY(0, 0, 'L'), il },
	{ PARSER_KEY(0, 0, 'M'), dl },
	{ PARSER_KEY(0, 0, 'P'), dch },
	{ PARSER_KEY(0, 0, 'S'), su },
	{ PARSER_KEY(0, 0, 'T'), sd },
	{ PARSER_KEY(0, 0, 'X'), ech },
	{ PARSER_KEY(0, 0, 'Z'), cbt },
	{ PARSER_KEY(0, 0, '`'), cha },		/* HPA */
	{ PARSER_KEY(0, 0, 'a'), cuf },		/* HPR */
	{ PARSER_KEY(0, 0, 'b'), rep },
	{ PARSER_KEY(0, 0, 'c'), da1 },
	{ PARSER_KEY(0, 0, 'd'), vpa },
	{ PARSER_KEY(0, 0, 'e'), vpr },
	{ PARSER_KEY(0, 0, 'f'), cup },		/* HVP */
	{ PARSER_KEY(0, 0, 'g'), tbc },
	{ PARSER_KEY(0, 0, 'h'), sm },
	{ PARSER_KEY(0, 0, 'l'), rm },
	{ PARSER_KEY(0, 0, 'm'), sgr },
	{ PARSER_KEY(0, 0, 'n'), dsr },
	{ PARSER_KEY(0, 0, 'r'), decstbm },
	{ PARSER_KEY(0, 0, 's'), scosc },
	{ PARSER_KEY(0, 0, 'u'), scorc },
	{ PARSER_KEY(0, ' ', 'q'), decscusr },
	{ PARSER_KEY(0, '!', 'p'), decstr },
	{ PARSER_KEY('>', 0, 'c'), da2 },
	{ PARSER_KEY('?', 0, 'J'), ed },	/* DECSED */
	{ PARSER_KEY('?', 0, 'K'), el },	/* DECSEL */
	{ PARSER_KEY('?', 0, 'h'), sm },	/* DECSET */
	{ PARSER_KEY('?', 0, 'l'), rm },	/* DECRST */
	{ PARSER_KEY('?', 0, 'n'), dsr },	/* DECDSR */
};

#define CSI_TABLE_LEN (sizeof csi_table / sizeof csi_table[0])

bool emu_csi_table_is_sorted(void)
{
	for (size_t i = 1; i < CSI_TABLE_LEN; i++)
		if (csi_table[i - 1].key >= csi_table[i].key)
			return false;
	return true;
}

static int compare_key(const void *key, const void *entry)
{
	uint32_t a = *(const uint32_t *)key, b = ((const struct csi_entry *)entry)->key;

	return a < b ? -1 : a > b;
}

/* A ':' is a sub-parameter separator in SGR only; elsewhere DEC terminals
 * (the CSI IGNORE state of vt100.net's parser) and tmux drop the sequence. */
void emu_csi_dispatch(void *ctx, const struct parser_seq *seq)
{
	struct emu *e = ctx;
	uint32_t key = parser_seq_key(seq);
	const struct csi_entry *entry;

	if (seq->intermediates[1] || (seq->subparam_mask && seq->final != 'm'))
		return;
	entry = bsearch(&key, csi_table, CSI_TABLE_LEN, sizeof csi_table[0], compare_key);
	if (entry)
		entry->handle(e, seq);
}
