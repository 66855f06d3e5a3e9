#include "core/utf8.h"

bool utf8_lead(uint8_t byte, struct utf8_lead *lead)
{
	lead->low = 0x80;
	lead->high = 0xbf;
	if (byte < 0x80) {
		lead->continuations = 0;
		lead->bits = byte;
	} else if (byte >= 0xc2 && byte <= 0xdf) {
		lead->continuations = 1;
		lead->bits = byte & 0x1f;
	} else if (byte >= 0xe0 && byte <= 0xef) {
		lead->continuations = 2;
		lead->bits = byte & 0x0f;
		if (byte == 0xe0)
			lead->low = 0xa0;
		else if (byte == 0xed)
			lead->high = 0x9f;
	} else if (byte >= 0xf0 && byte <= 0xf4) {
		lead->continuations = 3;
		lead->bits = byte & 0x07;
		if (byte == 0xf0)
			lead->low = 0x90;
		else if (byte == 0xf4)
			lead->high = 0x8f;
	} else {
		return false;
	}
	return true;
}

static bool is_continuation(uint8_t byte)
{
	return (byte & 0xc0) == 0x80;
}

/* The two- and three-byte forms (all of the BMP past ASCII) without the
 * table walk; the range checks are the ones utf8_lead encodes. */
static bool decode_short(const uint8_t *s, size_t len, uint32_t *cp, size_t *used)
{
	uint32_t value;

	if (s[0] >= 0xc2 && s[0] <= 0xdf && len >= 2 && is_continuation(s[1])) {
		*cp = (uint32_t)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
		*used = 2;
		return true;
	}
	if ((s[0] & 0xf0) != 0xe0 || len < 3 || !is_continuation(s[1]) || !is_continuation(s[2]))
		return false;
	value = (uint32_t)(s[0] & 0x0f) << 12 | (uint32_t)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
	if (value < 0x800 || (value >= 0xd800 && value <= 0xdfff))
		return false;	/* overlong or a surrogate: the careful path says how much */
	*cp = value;
	*used = 3;
	return true;
}

size_t utf8_decode(const uint8_t *s, size_t len, uint32_t *cp)
{
	struct utf8_lead lead;
	uint32_t value;
	size_t used = 1;

	if (decode_short(s, len, cp, &used))
		return used;
	*cp = UTF8_INVALID;
	if (!utf8_lead(s[0], &lead))
		return 1;
	value = lead.bits;
	for (int k = 0; k < lead.continuations; k++, used++) {
		if (used >= len || s[used] < lead.low || s[used] > lead.high)
			return used;
		value = value << 6 | (s[used] & 0x3f);
		lead.low = 0x80;
		lead.high = 0xbf;
	}
	*cp = value;
	return used;
}

size_t utf8_encode(uint32_t cp, char out[UTF8_MAX_LEN])
{
	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = UTF8_REPLACEMENT;
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | cp >> 6);
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | cp >> 12);
		out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | cp >> 18);
	out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}
