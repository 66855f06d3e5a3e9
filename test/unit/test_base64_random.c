#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* A forked child's bytes are not the parent's next ones. */
TEST(random_bytes_differ_after_fork)
{
	uint8_t parent[32], child[32];
	int fds[2];
	int status;

	EXPECT(random_bytes(parent, sizeof parent));
	if (pipe(fds) != 0)
		SKIP("pipe failed");
	pid_t pid = fork();
	if (pid < 0)
		SKIP("fork failed");
	if (pid == 0) {
		bool ok = random_bytes(child, sizeof child) &&
			  write(fds[1], child, sizeof child) == (ssize_t)sizeof child;
		_exit(ok ? 0 : 1);
	}
	close(fds[1]);
	EXPECT(read(fds[0], child, sizeof child) == (ssize_t)sizeof child);
	close(fds[0]);
	EXPECT(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT(random_bytes(parent, sizeof parent));
	EXPECT(memcmp(parent, child, sizeof parent) != 0);
}

/* More than one getrandom call returns (32 MiB - 1 at most): every byte filled. */
TEST(random_bytes_fills_a_large_buffer)
{
	enum { LEN = 40 << 20 };
	uint8_t *big = calloc(LEN, 1);
	size_t zero_tail = 0;

	if (!big)
		SKIP("no memory for 40 MiB");
	EXPECT(random_bytes(big, LEN));
	while (zero_tail < LEN && big[LEN - 1 - zero_tail] == 0)
		zero_tail++;
	EXPECT(zero_tail < 16);
	free(big);
}

int main(void)
{
	RUN(base64_rfc4648_vectors);
	RUN(base64_rejects_garbage_and_wrong_lengths);
	RUN(random_bytes_differ);
	RUN(random_bytes_differ_after_fork);
	RUN(random_bytes_fills_a_large_buffer);
	return unit_exit_status();
}
