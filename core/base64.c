#include "core/base64.h"

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

bool base64_encode(const uint8_t *in, size_t len, char *out, size_t out_cap)
{
	size_t o = 0;

	if (out_cap < BASE64_LEN(len) + 1)
		return false;
	for (size_t i = 0; i < len; i += 3) {
		uint32_t group = (uint32_t)in[i] << 16;
		size_t have = len - i < 3 ? len - i : 3;

		if (have > 1)
			group |= (uint32_t)in[i + 1] << 8;
		if (have > 2)
			group |= in[i + 2];
		out[o++] = alphabet[group >> 18 & 63];
		out[o++] = alphabet[group >> 12 & 63];
		out[o++] = have > 1 ? alphabet[group >> 6 & 63] : '=';
		out[o++] = have > 2 ? alphabet[group & 63] : '=';
	}
	out[o] = '\0';
	return true;
}

static int sextet(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

bool base64_decode_exact(const char *text, size_t text_len, uint8_t *out, size_t want)
{
	size_t o = 0;

	if (text_len != BASE64_LEN(want))
		return false;
	for (size_t i = 0; i < text_len; i += 4) {
		uint32_t group = 0;
		size_t pad = 0;

		for (size_t k = 0; k < 4; k++) {
			int v = sextet(text[i + k]);
			if (v < 0) {
				if (text[i + k] != '=' || i + 4 != text_len || k < 2)
					return false;
				pad++;
				v = 0;
			} else if (pad) {
				return false;	/* data after padding */
			}
			group = group << 6 | (uint32_t)v;
		}
		for (size_t k = 0; k < 3 - pad; k++) {
			if (o == want)
				return false;
			out[o++] = (uint8_t)(group >> (16 - 8 * k));
		}
		/* canonical: the bits under the padding are zero */
		if ((pad == 1 && (group & 0xff)) || (pad == 2 && (group & 0xffff)))
			return false;
	}
	return o == want;
}
