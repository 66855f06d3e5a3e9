/* The emulator's state, shared by its files only: emu.c (life cycle,
 * controls, ESC and OSC), emu_print.c (text), emu_csi.c (CSI sequences),
 * emu_sgr.c (SGR). Nothing outside term/emu*.c includes this. */
#ifndef SSPSH_EMU_INTERNAL_H
#define SSPSH_EMU_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/options.h"
#include "term/emu.h"
#include "term/fb.h"
#include "term/parser.h"

enum emu_charset { CHARSET_ASCII, CHARSET_DEC_GRAPHICS };

/* What DECSC saves and DECRC restores. */
struct emu_saved_cursor {
	int row, col;
	bool wrap_pending;
	bool origin;
	struct fb_pen pen;
	uint8_t charsets[2];
	uint8_t gl;
};

struct emu {
	struct parser *parser;
	struct fb *fb;
	int cols, rows;

	int row, col;
	/* A character went into the last column: the next one wraps first
	 * (the "pending wrap" of DEC terminals). */
	bool wrap_pending;
	struct fb_pen pen;
	int top, bottom;	/* scroll region: rows [top, bottom) */

	bool autowrap;		/* DECAWM */
	bool origin;		/* DECOM */
	bool insert;		/* IRM */
	bool newline;		/* LNM: LF also returns the carriage */
	struct fb_modes modes;	/* mirrored into the fb on every change */

	uint8_t charsets[2];	/* enum emu_charset designated as G0, G1 */
	uint8_t gl;		/* which of them is in use (SI/SO) */

	/* [0] for the main screen, [1] for the alternate one, as xterm. */
	struct emu_saved_cursor saved[2];
	/* While the alternate screen shows: the main screen's cells. */
	struct fb *main_screen;

	uint8_t tabs[(SSPSH_MAX_COLS + 7) / 8];

	/* The cell printed last, which combining marks and ZWJ sequences
	 * extend: valid while the cursor is where that cell left it (as
	 * xterm and tmux, a sequence that moves nothing, SGR or one ignored,
	 * comes between a character and its mark) and the screen the same. */
	bool have_last;
	int last_row, last_col;
	int after_last_row, after_last_col;	/* the cursor it left */
	bool after_last_wrap_pending;
	uint32_t last_code_point;
	int32_t grapheme_state;	/* unicode_grapheme_break's */
	uint32_t repeat_code_point;	/* what REP repeats; 0: nothing */

	struct buf replies;
	struct history *history;	/* NULL: lines scrolled off are not kept */
};

/* emu_print.c */
void emu_print_ascii(void *emu, const uint8_t *text, size_t len);
void emu_print(void *emu, uint32_t code_point);
void emu_repeat_last(struct emu *e, int count);

/* emu_csi.c */
void emu_csi_dispatch(void *emu, const struct parser_seq *seq);
bool emu_csi_table_is_sorted(void);

/* emu_sgr.c */
void emu_sgr(struct emu *e, const struct parser_seq *seq);

/* emu.c: operations the sequences share. */
void emu_move(struct emu *e, int row, int col);
void emu_index(struct emu *e);
void emu_scroll_up(struct emu *e, int n);
void emu_reverse_index(struct emu *e);
void emu_carriage_return(struct emu *e);
void emu_modes_changed(struct emu *e);
void emu_reply(struct emu *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void emu_save_cursor(struct emu *e);
void emu_restore_cursor(struct emu *e);
/* `erase_in_pen`: the alternate screen starts blank in the current
 * background (?1049, which clears it as ED does) instead of the default. */
void emu_alternate_screen(struct emu *e, bool on, bool erase_in_pen);
void emu_soft_reset(struct emu *e);
void emu_full_reset(struct emu *e);
void emu_reset_tabs(struct emu *e, int from_col);

static inline bool emu_tab_is_set(const struct emu *e, int col)
{
	return e->tabs[col >> 3] & (1u << (col & 7));
}

static inline void emu_tab_set(struct emu *e, int col, bool on)
{
	if (on)
		e->tabs[col >> 3] |= (uint8_t)(1u << (col & 7));
	else
		e->tabs[col >> 3] &= (uint8_t)~(1u << (col & 7));
}

#endif
