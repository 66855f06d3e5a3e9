/* core/fdio: whole writes through a slow, non-blocking reader. */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/fdio.h"
#include "test/unit/unit.h"

#define TOTAL (1u << 20)

/* The child reads slowly and reports what it got: the byte count, and a
 * sum that depends on the order of the bytes. */
static void slow_reader(int in, int report)
{
	uint8_t chunk[1000];
	uint64_t got[2] = { 0, 0 };
	ssize_t n;

	usleep(100 * 1000);	/* let the pipe fill first */
	while ((n = read(in, chunk, sizeof chunk)) > 0)
		for (ssize_t i = 0; i < n; i++, got[0]++)
			got[1] = got[1] * 31 + chunk[i];
	if (write(report, got, sizeof got) != (ssize_t)sizeof got)
		_exit(1);
	_exit(0);
}

TEST(a_non_blocking_pipe_gets_every_byte_in_order)
{
	static uint8_t data[TOTAL];
	uint64_t want_sum = 0, got[2] = { 0, 0 };
	int pipe_fds[2], report[2];
	pid_t child;

	for (size_t i = 0; i < TOTAL; i++) {
		data[i] = (uint8_t)(i * 7 + i / 251);
		want_sum = want_sum * 31 + data[i];
	}
	if (pipe(pipe_fds) != 0 || pipe(report) != 0)
		SKIP("no pipes");
	fcntl(pipe_fds[1], F_SETPIPE_SZ, 4096);
	fcntl(pipe_fds[1], F_SETFL, O_NONBLOCK);
	child = fork();
	if (child == 0) {
		close(pipe_fds[1]);
		close(report[0]);
		slow_reader(pipe_fds[0], report[1]);
	}
	close(pipe_fds[0]);
	close(report[1]);
	EXPECT(fd_write_all(pipe_fds[1], data, TOTAL));
	close(pipe_fds[1]);
	EXPECT_INT(read(report[0], got, sizeof got), sizeof got);
	close(report[0]);
	waitpid(child, NULL, 0);
	EXPECT_INT(got[0], TOTAL);
	EXPECT(got[1] == want_sum);
}

TEST(a_closed_reader_is_an_error_not_a_hang)
{
	int pipe_fds[2];
	uint8_t byte = 'x';

	if (pipe(pipe_fds) != 0)
		SKIP("no pipes");
	signal(SIGPIPE, SIG_IGN);
	close(pipe_fds[0]);
	EXPECT(!fd_write_all(pipe_fds[1], &byte, 1));
	close(pipe_fds[1]);
}

int main(void)
{
	RUN(a_non_blocking_pipe_gets_every_byte_in_order);
	RUN(a_closed_reader_is_an_error_not_a_hang);
	return unit_exit_status();
}
