/* core/zip: raw deflate round trips, and inflation stops at its bound
 * (a zip bomb), at a truncated stream and at bytes after its end. */
#include <stdlib.h>
#include <string.h>

#include "core/zip.h"
#include "test/unit/unit.h"

static void fill_text(uint8_t *p, size_t n)
{
	static const char words[] = "the quick brown fox jumps over the lazy dog 0123456789\r\n";

	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)words[(i * 7 + i / 13) % (sizeof words - 1)];
}

TEST(deflated_text_inflates_back_and_is_smaller)
{
	uint8_t text[5000];
	struct buf packed, back;

	fill_text(text, sizeof text);
	buf_init(&packed);
	buf_init(&back);
	EXPECT_INT(zip_deflate(text, sizeof text, &packed), ZIP_OK);
	EXPECT(packed.len < sizeof text / 2);
	EXPECT_INT(zip_inflate(packed.data, packed.len, sizeof text, &back), ZIP_OK);
	EXPECT_INT(back.len, sizeof text);
	EXPECT(back.len == sizeof text && memcmp(back.data, text, sizeof text) == 0);
	buf_free(&packed);
	buf_free(&back);
}

TEST(empty_input_round_trips)
{
	struct buf packed, back;

	buf_init(&packed);
	buf_init(&back);
	EXPECT_INT(zip_deflate((const uint8_t *)"", 0, &packed), ZIP_OK);
	EXPECT(packed.len > 0);
	EXPECT_INT(zip_inflate(packed.data, packed.len, 0, &back), ZIP_OK);
	EXPECT_INT(back.len, 0);
	buf_free(&packed);
	buf_free(&back);
}

/* A megabyte of zeros deflates to about a kilobyte: a bound of one byte
 * less than the whole is refused, the exact size is accepted. */
TEST(a_bomb_stops_at_the_bound)
{
	size_t size = 1u << 20;
	uint8_t *zeros = calloc(1, size);
	struct buf packed, back;

	buf_init(&packed);
	buf_init(&back);
	EXPECT(zeros != NULL);
	if (!zeros)
		return;
	EXPECT_INT(zip_deflate(zeros, size, &packed), ZIP_OK);
	EXPECT(packed.len < 2048);
	EXPECT_INT(zip_inflate(packed.data, packed.len, size - 1, &back), ZIP_TOO_BIG);
	EXPECT(back.len <= size);
	buf_reset(&back);
	EXPECT_INT(zip_inflate(packed.data, packed.len, 4096, &back), ZIP_TOO_BIG);
	EXPECT(back.len <= 4097);
	buf_reset(&back);
	EXPECT_INT(zip_inflate(packed.data, packed.len, size, &back), ZIP_OK);
	EXPECT_INT(back.len, size);
	free(zeros);
	buf_free(&packed);
	buf_free(&back);
}

TEST(truncated_and_padded_streams_are_malformed)
{
	uint8_t text[3000];
	struct buf packed, back;

	fill_text(text, sizeof text);
	buf_init(&packed);
	buf_init(&back);
	EXPECT_INT(zip_deflate(text, sizeof text, &packed), ZIP_OK);
	EXPECT_INT(zip_inflate(packed.data, packed.len - 1, sizeof text, &back), ZIP_MALFORMED);
	buf_reset(&back);
	EXPECT_INT(zip_inflate(packed.data, 0, sizeof text, &back), ZIP_MALFORMED);
	buf_reset(&back);
	buf_put_u8(&packed, 0);
	EXPECT_INT(zip_inflate(packed.data, packed.len, sizeof text, &back), ZIP_MALFORMED);
	buf_reset(&back);
	EXPECT_INT(zip_inflate((const uint8_t *)"\xff\xff\xff\xff", 4, sizeof text, &back), ZIP_MALFORMED);
	buf_free(&packed);
	buf_free(&back);
}

int main(void)
{
	RUN(deflated_text_inflates_back_and_is_smaller);
	RUN(empty_input_round_trips);
	RUN(a_bomb_stops_at_the_bound);
	RUN(truncated_and_padded_streams_are_malformed);
	return unit_exit_status();
}
