#include "core/base64.h"
#include "core/random.h"
#include "test/unit/unit.h"

TEST(base64_rfc4648_vectors)
{
	static const char *plain[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *coded[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
	char out[16];
	uint8_t back[8];

	for (size_t i = 0; i < 7; i++) {
		size_t n = strlen(plain[i]);
		EXPECT(base64_encode((const uint8_t *)plain[i], n, out, sizeof out));
		EXPECT_STR(out, coded[i]);
		EXPECT(base64_decode_exact(coded[i], strlen(coded[i]), back, n));
		EXPECT_MEM(back, plain[i], n);
	}
}

TEST(base64_rejects_garbage_and_wrong_lengths)
{
	uint8_t out[8];

	EXPECT(!base64_decode_exact("Zm9v", 4, out, 2));
	EXPECT(!base64_decode_exact("Zm9", 3, out, 2));
	EXPECT(!base64_decode_exact("Zm*v", 4, out, 3));
	EXPECT(!base64_decode_exact("Zg=a", 4, out, 1));
	EXPECT(!base64_decode_exact("Zh==", 4, out, 1));	/* non-zero pad bits */
	EXPECT(!base64_decode_exact("====", 4, out, 1));
}

TEST(random_bytes_differ)
{
	uint8_t a[32], b[32];

	EXPECT(random_bytes(a, sizeof a));
	EXPECT(random_bytes(b, sizeof b));
	EXPECT(memcmp(a, b, sizeof a) != 0);
}

int main(void)
{
	RUN(base64_rfc4648_vectors);
	RUN(base64_rejects_garbage_and_wrong_lengths);
	RUN(random_bytes_differ);
	return unit_exit_status();
}
