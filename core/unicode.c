#include "core/unicode.h"

#include "core/unicode_table.h"

int unicode_width(uint32_t cp)
{
	return unicode_table_props(cp) >> UNICODE_WIDTH_SHIFT;
}

enum unicode_class unicode_class_of(uint32_t cp)
{
	return (enum unicode_class)(unicode_table_props(cp) & UNICODE_CLASS_MASK);
}

static bool is_control(enum unicode_class c)
{
	return c == UNICODE_CR || c == UNICODE_LF || c == UNICODE_CONTROL;
}

/* UAX #29's rules between two classes; left may be the state's stand-in
 * for a longer sequence (an emoji ZWJ sequence, a pair of RIs). */
static bool breaks_between(enum unicode_class left, enum unicode_class right)
{
	if (left == UNICODE_START)
		return true;					/* GB1 */
	if (left == UNICODE_CR && right == UNICODE_LF)
		return false;					/* GB3 */
	if (is_control(left) || is_control(right))
		return true;					/* GB4, GB5 */
	if (left == UNICODE_L && (right == UNICODE_L || right == UNICODE_V ||
				  right == UNICODE_LV || right == UNICODE_LVT))
		return false;					/* GB6 */
	if ((left == UNICODE_LV || left == UNICODE_V) &&
	    (right == UNICODE_V || right == UNICODE_T))
		return false;					/* GB7 */
	if ((left == UNICODE_LVT || left == UNICODE_T) && right == UNICODE_T)
		return false;					/* GB8 */
	if (right == UNICODE_EXTEND || right == UNICODE_ZWJ ||
	    right == UNICODE_SPACINGMARK || left == UNICODE_PREPEND)
		return false;					/* GB9, GB9a, GB9b */
	if (left == UNICODE_E_ZWJ && right == UNICODE_EXTENDED_PICTOGRAPHIC)
		return false;					/* GB11 */
	if (left == UNICODE_REGIONAL_INDICATOR && right == UNICODE_REGIONAL_INDICATOR)
		return false;					/* GB12, GB13 */
	return true;					/* GB999 */
}

/* The state after `right`: the class that stands for the sequence so far. */
static enum unicode_class next_state(enum unicode_class state, enum unicode_class right)
{
	if (state == UNICODE_REGIONAL_INDICATOR && right == UNICODE_REGIONAL_INDICATOR)
		return UNICODE_OTHER;	/* a flag is whole: the next RI starts another */
	if (state == UNICODE_EXTENDED_PICTOGRAPHIC) {
		if (right == UNICODE_EXTEND)
			return UNICODE_EXTENDED_PICTOGRAPHIC;
		if (right == UNICODE_ZWJ)
			return UNICODE_E_ZWJ;
	}
	return right;
}

bool unicode_grapheme_break(uint32_t prev, uint32_t cp, int32_t *state)
{
	enum unicode_class left = unicode_class_of(prev), right = unicode_class_of(cp);
	enum unicode_class now = *state > UNICODE_START && *state < UNICODE_CLASSES
				 ? (enum unicode_class)*state : left;
	bool breaks = breaks_between(now, right);

	*state = (int32_t)next_state(now, right);
	return breaks;
}
