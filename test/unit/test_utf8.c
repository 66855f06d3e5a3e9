/* core/utf8: encoding, strict decoding and its maximal subparts. */
#include <string.h>

#include "core/utf8.h"
#include "test/unit/unit.h"

static size_t decode_str(const char *bytes, size_t len, uint32_t *cp)
{
	return utf8_decode((const uint8_t *)bytes, len, cp);
}

TEST(every_code_point_survives_a_round_trip)
{
	char out[UTF8_MAX_LEN];
	uint32_t back;
	size_t len, bad = 0;

	for (uint32_t cp = 0; cp <= 0x10ffff; cp++) {
		if (cp >= 0xd800 && cp <= 0xdfff)
			continue;
		len = utf8_encode(cp, out);
		if (len != (cp < 0x80 ? 1u : cp < 0x800 ? 2u : cp < 0x10000 ? 3u : 4u) ||
		    decode_str(out, len, &back) != len || back != cp)
			bad++;
	}
	EXPECT_INT(bad, 0);
}

TEST(values_that_are_not_code_points_encode_as_the_replacement)
{
	char out[UTF8_MAX_LEN];

	EXPECT_INT(utf8_encode(0xd800, out), 3);
	EXPECT_MEM(out, "\xef\xbf\xbd", 3);
	EXPECT_INT(utf8_encode(0x110000, out), 3);
	EXPECT_MEM(out, "\xef\xbf\xbd", 3);
	EXPECT_INT(utf8_encode(UTF8_INVALID, out), 3);
}

/* Every sequence of three bytes that decodes whole is the encoding of what
 * it decodes to, and there are exactly as many as three-byte code points:
 * no overlong form, no surrogate gets through. */
TEST(three_byte_decoding_is_exactly_the_inverse_of_encoding)
{
	uint8_t s[3];
	char again[UTF8_MAX_LEN];
	uint32_t cp;
	size_t whole = 0, wrong = 0;

	for (uint32_t v = 0; v < 1u << 24; v++) {
		s[0] = (uint8_t)(v >> 16);
		s[1] = (uint8_t)(v >> 8);
		s[2] = (uint8_t)v;
		if (s[0] < 0xe0 || s[0] > 0xef || utf8_decode(s, 3, &cp) != 3 || cp == UTF8_INVALID)
			continue;
		whole++;
		if (utf8_encode(cp, again) != 3 || memcmp(again, s, 3) != 0)
			wrong++;
	}
	EXPECT_INT(whole, 0x10000 - 0x800 - 0x800);
	EXPECT_INT(wrong, 0);
}

/* The same for two bytes: exactly U+0080..U+07FF, no overlong form. */
TEST(two_byte_decoding_is_exactly_the_inverse_of_encoding)
{
	uint8_t s[2];
	char again[UTF8_MAX_LEN];
	uint32_t cp;
	size_t whole = 0, wrong = 0;

	for (uint32_t v = 0; v < 1u << 16; v++) {
		s[0] = (uint8_t)(v >> 8);
		s[1] = (uint8_t)v;
		if (s[0] < 0x80 || utf8_decode(s, 2, &cp) != 2 || cp == UTF8_INVALID)
			continue;
		whole++;
		if (utf8_encode(cp, again) != 2 || memcmp(again, s, 2) != 0)
			wrong++;
	}
	EXPECT_INT(whole, 0x800 - 0x80);
	EXPECT_INT(wrong, 0);
}

TEST(malformed_bytes_are_consumed_as_maximal_subparts)
{
	uint32_t cp;

	EXPECT_INT(decode_str("\x80", 1, &cp), 1);		/* a lone continuation */
	EXPECT(cp == UTF8_INVALID);
	EXPECT_INT(decode_str("\xc0\x80", 2, &cp), 1);		/* C0 never leads */
	EXPECT_INT(decode_str("\xff", 1, &cp), 1);
	EXPECT_INT(decode_str("\xe0\x80\x80", 3, &cp), 1);	/* overlong */
	EXPECT(cp == UTF8_INVALID);
	EXPECT_INT(decode_str("\xed\xa0\x80", 3, &cp), 1);	/* a surrogate */
	EXPECT_INT(decode_str("\xf4\x90\x80\x80", 4, &cp), 1);	/* past U+10FFFF */
	EXPECT_INT(decode_str("\xe2\x82", 2, &cp), 2);		/* cut short */
	EXPECT(cp == UTF8_INVALID);
	EXPECT_INT(decode_str("\xf0\x9f\x98" "A", 4, &cp), 3);	/* interrupted */
	EXPECT(cp == UTF8_INVALID);
	EXPECT_INT(decode_str("\xf0\x9f\x98\x80", 4, &cp), 4);
	EXPECT_INT(cp, 0x1f600);
	EXPECT_INT(decode_str("A", 1, &cp), 1);
	EXPECT_INT(cp, 'A');
}

TEST(lead_bytes_say_what_follows)
{
	struct utf8_lead lead;

	EXPECT(utf8_lead('a', &lead) && lead.continuations == 0);
	EXPECT(!utf8_lead(0x80, &lead));
	EXPECT(!utf8_lead(0xc1, &lead));
	EXPECT(utf8_lead(0xc2, &lead) && lead.continuations == 1);
	EXPECT(utf8_lead(0xe0, &lead) && lead.continuations == 2 && lead.low == 0xa0);
	EXPECT(utf8_lead(0xed, &lead) && lead.high == 0x9f);
	EXPECT(utf8_lead(0xf4, &lead) && lead.continuations == 3 && lead.high == 0x8f);
	EXPECT(!utf8_lead(0xf5, &lead));
}

int main(void)
{
	RUN(every_code_point_survives_a_round_trip);
	RUN(values_that_are_not_code_points_encode_as_the_replacement);
	RUN(three_byte_decoding_is_exactly_the_inverse_of_encoding);
	RUN(two_byte_decoding_is_exactly_the_inverse_of_encoding);
	RUN(malformed_bytes_are_consumed_as_maximal_subparts);
	RUN(lead_bytes_say_what_follows);
	return unit_exit_status();
}
