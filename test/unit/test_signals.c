/* core/signals: a caught signal wakes poll() and is taken once. */
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>

#include "core/signals.h"
#include "test/unit/unit.h"

static int bytes_waiting(int fd)
{
	int n = -1;

	return ioctl(fd, FIONREAD, &n) == 0 ? n : -1;
}

static bool readable(int fd)
{
	struct pollfd p = { fd, POLLIN, 0 };

	return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

TEST(a_signal_wakes_the_fd_and_is_taken_once)
{
	static const int sigs[] = { SIGUSR1, SIGUSR2, 0 };

	EXPECT(signals_catch(sigs));
	EXPECT(!readable(signals_fd()));
	raise(SIGUSR1);
	EXPECT(readable(signals_fd()));
	EXPECT(!signals_take(SIGUSR2));	/* drains the fd, keeps SIGUSR1 pending */
	EXPECT(!readable(signals_fd()));
	EXPECT(signals_take(SIGUSR1));
	EXPECT(!signals_take(SIGUSR1));
}

TEST(many_signals_never_block_the_handler)
{
	static const int sigs[] = { SIGUSR1, 0 };

	EXPECT(signals_catch(sigs));
	for (int i = 0; i < 70000; i++)	/* more than a pipe holds (64 KiB) */
		raise(SIGUSR1);
	EXPECT(bytes_waiting(signals_fd()) == 1);	/* one read takes the burst */
	EXPECT(signals_take(SIGUSR1));
	EXPECT(!readable(signals_fd()));
}

int main(void)
{
	RUN(a_signal_wakes_the_fd_and_is_taken_once);
	RUN(many_signals_never_block_the_handler);
	return unit_exit_status();
}
