/* Terminal capabilities from terminfo, through unibilium (which libtermkey
 * already links in; term/keys.c reads the same entries). */
#include "term/caps.h"

#include <stdlib.h>
#include <string.h>
#include <unibilium.h>

const struct term_caps term_caps_all = {
	.widths_as_ours = true,
	.cursor_addressing = true,
	.styled_underline = true,
	.underline_color = true,
	.overline = true,
	.cursor_shape = true,
};

/* The extended string capability `name`; NULL when the entry has none. */
static const char *extended_string(const unibi_term *ut, const char *name)
{
	size_t n = unibi_count_ext_str(ut);

	for (size_t i = 0; i < n; i++) {
		const char *cap_name = unibi_get_ext_str_name(ut, i);
		if (cap_name && strcmp(cap_name, name) == 0)
			return unibi_get_ext_str(ut, i);
	}
	return NULL;
}

bool term_caps_load(const char *term, struct term_caps *caps)
{
	unibi_term *ut;
	const char *reset;

	memset(caps, 0, sizeof *caps);
	if (!term)
		term = getenv("TERM");
	ut = term && *term ? unibi_from_term(term) : NULL;
	if (!ut) {
		caps->cursor_addressing = true;
		return false;
	}
	caps->cursor_addressing = unibi_get_str(ut, unibi_cursor_address) != NULL;
	caps->styled_underline = extended_string(ut, "Smulx") != NULL;
	caps->underline_color = extended_string(ut, "Setulc") != NULL;
	caps->overline = extended_string(ut, "Smol") != NULL;
	caps->cursor_shape = extended_string(ut, "Ss") != NULL;
	reset = extended_string(ut, "Se");
	if (caps->cursor_shape && reset && strlen(reset) < sizeof caps->cursor_shape_reset)
		strcpy(caps->cursor_shape_reset, reset);
	unibi_destroy(ut);
	return true;
}
