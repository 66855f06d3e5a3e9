#include "core/buf.h"
#include "test/unit/unit.h"

TEST(reader_reads_big_endian_fields)
{
	const uint8_t wire[] = { 1, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef };
	struct reader r;

	reader_init(&r, wire, sizeof wire);
	EXPECT_INT(rd_u8(&r), 1);
	EXPECT_INT(rd_be16(&r), 0x1234);
	EXPECT_INT(rd_be32(&r), 0xdeadbeef);
	EXPECT(reader_done(&r));
}

TEST(short_read_fails_and_stays_failed)
{
	const uint8_t wire[] = { 1, 2, 3 };
	struct reader r;

	reader_init(&r, wire, sizeof wire);
	EXPECT_INT(rd_be32(&r), 0);
	EXPECT(r.failed);
	EXPECT_INT(rd_u8(&r), 0);
	EXPECT(rd_bytes(&r, 1) == NULL);
	EXPECT(!reader_done(&r));
}

TEST(varint_round_trips)
{
	const uint64_t values[] = { 0, 1, 127, 128, 300, 1u << 31, UINT64_MAX };
	struct buf b;
	struct reader r;

	buf_init(&b);
	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
		buf_put_varint(&b, values[i]);
	reader_init(&r, b.data, b.len);
	for (size_t i = 0; i < sizeof values / sizeof values[0]; i++)
		EXPECT(rd_varint(&r) == values[i]);
	EXPECT(reader_done(&r));
	buf_free(&b);
}

TEST(overlong_varint_is_rejected)
{
	uint8_t wire[11];
	struct reader r;

	memset(wire, 0xff, sizeof wire);
	reader_init(&r, wire, sizeof wire);
	rd_varint(&r);
	EXPECT(r.failed);
}

TEST(buf_printf_and_consume)
{
	struct buf b;

	buf_init(&b);
	buf_printf(&b, "%s-%d", "abc", 42);
	EXPECT_INT(b.len, 6);
	buf_consume(&b, 4);
	EXPECT_INT(b.len, 2);
	EXPECT_MEM(b.data, "42", 2);
	buf_free(&b);
}

int main(void)
{
	RUN(reader_reads_big_endian_fields);
	RUN(short_read_fails_and_stays_failed);
	RUN(varint_round_trips);
	RUN(overlong_varint_is_rejected);
	RUN(buf_printf_and_consume);
	return unit_exit_status();
}
