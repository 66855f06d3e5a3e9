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

size_t utf8_decode(const uint8_t *s, size_t len, uint32_t *cp)
{
	struct utf8_lead lead;
	uint32_t value;
	size_t used = 1;

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
