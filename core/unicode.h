/* Character widths and grapheme cluster breaks (UAX #29) exactly as
 * utf8proc 2.8 gives them (utf8proc_charwidth and
 * utf8proc_grapheme_break_stateful), from a compact table generated from
 * utf8proc at build time: test_unicode compares every code point and every
 * sequence of break classes against the library. */
#ifndef SSPSH_UNICODE_H
#define SSPSH_UNICODE_H

#include <stdbool.h>
#include <stdint.h>

/* Grapheme break classes, numbered as utf8proc's UTF8PROC_BOUNDCLASS_*. */
enum unicode_class {
	UNICODE_START,		/* no code point yet: also the reset break state */
	UNICODE_OTHER,
	UNICODE_CR,
	UNICODE_LF,
	UNICODE_CONTROL,
	UNICODE_EXTEND,
	UNICODE_L,		/* Hangul jamo */
	UNICODE_V,
	UNICODE_T,
	UNICODE_LV,
	UNICODE_LVT,
	UNICODE_REGIONAL_INDICATOR,
	UNICODE_SPACINGMARK,
	UNICODE_PREPEND,
	UNICODE_ZWJ,
	UNICODE_E_BASE,		/* 15..18: classes of older Unicode versions */
	UNICODE_E_MODIFIER,
	UNICODE_GLUE_AFTER_ZWJ,
	UNICODE_E_BASE_GAZ,
	UNICODE_EXTENDED_PICTOGRAPHIC,
	UNICODE_E_ZWJ,		/* a pictograph, extends and a ZWJ so far (state only) */
	UNICODE_CLASSES
};

/* Columns the code point takes: 0, 1 or 2. */
int unicode_width(uint32_t cp);

enum unicode_class unicode_class_of(uint32_t cp);

/* Whether a grapheme cluster boundary lies between prev and cp. *state
 * carries what rules GB11-GB13 need across calls: start it at 0
 * (UNICODE_START), which is also right again after any boundary. */
bool unicode_grapheme_break(uint32_t prev, uint32_t cp, int32_t *state);

#endif
