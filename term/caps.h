/* What the user's terminal can show, from its terminfo entry: the display
 * sends the newer attributes and the cursor shape only where the entry
 * says the terminal takes them, and falls back (a plain underline, or
 * nothing) elsewhere. */
#ifndef SSPSH_CAPS_H
#define SSPSH_CAPS_H

#include <stdbool.h>

struct term_caps {
	/* Measures every character as our emulator does: true only of our
	 * own emulator (the SSP's diffs), never of a terminal terminfo names,
	 * where emoji sequences may take another width than ours. */
	bool widths_as_ours;
	bool cursor_addressing;	/* cup: without it no screen can be painted */
	bool styled_underline;	/* Smulx: curly, dotted, dashed (SGR 4:N) */
	bool underline_color;	/* Setulc: SGR 58 */
	bool overline;		/* Smol: SGR 53 */
	bool cursor_shape;	/* Ss: DECSCUSR */
	/* Se, which gives the cursor its own shape back; "" if none (DECSCUSR 0
	 * is used then). Longer entries are left out. */
	char cursor_shape_reset[24];
};

/* Every capability: what our own emulator takes (the SSP's diffs). */
extern const struct term_caps term_caps_all;

/* The capabilities terminfo gives `term` (NULL: $TERM). false when there
 * is no entry for it: *caps then assumes cursor addressing and nothing
 * newer, as for a terminal of the VT100 line. */
bool term_caps_load(const char *term, struct term_caps *caps);

#endif
